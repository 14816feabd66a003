/**
 * Case 5, the alternative a team would pick for caps: rate-limiter-flexible
 * (RateLimiterRedis, one limiter per window, joined by RateLimiterUnion)
 * against pushguard's cap check and record (`RedisStore.commit`), with the
 * same caps (20 an hour, 50 a day), the same ioredis, the same Redis, in
 * one process, closed loop. Each operation records 3 pushes for one user.
 *
 * What each does is not the same, and the results say so: the limiter
 * counts points in fixed windows (a counter per key that expires), while
 * pushguard keeps the pushes themselves (item, topics, classes) in rolling
 * windows, which the other rules read, and records all-or-a-prefix
 * atomically across both windows; RateLimiterUnion consumes from each
 * limiter separately, so a refusal by one still spends the other's points.
 */
import { build } from "hdr-histogram-js";
import { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterUnion } from "rate-limiter-flexible";
import { createRedisStore, type RedisStore } from "../../src/store/redis.js";
import type { CommitPlan } from "../../src/store/store.js";
import type { BenchContext } from "../lib/context.js";
import { processCpuMs } from "../lib/machine.js";
import type { BenchRedis } from "../lib/redis.js";
import { CLOCK_ANCHOR_MS } from "../lib/workload.js";

const HOUR_MS = 3_600_000;
const PUSHES = 3;
/**
 * Users the calls rotate over: enough that the fastest contender (one
 * limiter, ~100,000 calls/s) stays under 20 pushes per user in 3 s.
 */
const CAPS_USERS = 200_000;
const CAPS = [
  { name: "hour", windowMs: HOUR_MS, limit: 20 },
  { name: "day", windowMs: 24 * HOUR_MS, limit: 50 },
] as const;

/** One contender at one concurrency. */
export interface CapsRow {
  readonly contender: string;
  readonly concurrency: number;
  readonly calls: number;
  readonly throughput: number;
  readonly p50Us: number;
  readonly p99Us: number;
  /** Calls the contender refused (cap reached); still answered. */
  readonly refused: number;
  readonly clientCpuUsPerCall: number;
  readonly redisCpuUsPerCall: number;
}

type Operation = (user: string, nowMs: number) => Promise<boolean>;

/** Runs case 5 at concurrencies 1 and the highest of the settings. */
export async function runCaps(
  ctx: BenchContext,
  redis: BenchRedis,
): Promise<CapsRow[]> {
  await redis.client.flushall();
  const store = await createRedisStore({
    url: redis.url,
    commandTimeoutMs: 1_000,
    keyPrefix: "bench-pg:",
  });
  const limiterClient = new Redis(redis.url);
  const contenders = contendersOf(store, limiterClient);
  const highest = Math.max(...ctx.settings.concurrencies);
  const rows: CapsRow[] = [];
  try {
    for (const concurrency of [...new Set([1, highest])]) {
      for (const [name, operation] of contenders) {
        rows.push(await measure(ctx, redis, name, operation, concurrency));
        ctx.log(capsLine(rows.at(-1) as CapsRow));
      }
    }
  } finally {
    limiterClient.disconnect();
    await store.close();
  }
  return rows;
}

function contendersOf(store: RedisStore, client: Redis): [string, Operation][] {
  const limiter = (keyPrefix: string, points: number, hours: number) =>
    new RateLimiterRedis({
      storeClient: client,
      keyPrefix,
      points,
      duration: hours * 3600,
    });
  const union = new RateLimiterUnion(
    limiter("rlf-hour", 20, 1),
    limiter("rlf-day", 50, 24),
  );
  const hourOnly = limiter("rlf-hour-only", 20, 1);
  return [
    ["pushguard RedisStore.commit (2 windows)", commit(store)],
    [
      "pushguard readUser + commit (a Screen's two calls)",
      readThenCommit(store),
    ],
    ["rate-limiter-flexible union (2 windows)", consume(union)],
    ["rate-limiter-flexible one limiter (1 window)", consume(hourOnly)],
  ];
}

function plan(user: string, nowMs: number): CommitPlan {
  const deliveries = Array.from({ length: PUSHES }, (_, i) => ({
    itemId: `${user}-${nowMs}-${i}`,
    atMs: nowMs,
    topics: ["sports", "sports/NBA"],
    classes: [],
    consumption: false,
  }));
  return { nowMs, deliveries, caps: CAPS, minGapMs: 0 };
}

function commit(store: RedisStore): Operation {
  return async (user, nowMs) => {
    const result = await store.commit(user, plan(user, nowMs));
    return result.accepted === PUSHES;
  };
}

function readThenCommit(store: RedisStore): Operation {
  return async (user, nowMs) => {
    await store.readUser(user, nowMs);
    const result = await store.commit(user, plan(user, nowMs));
    return result.accepted === PUSHES;
  };
}

function consume(limiter: {
  consume(key: string, points: number): Promise<unknown>;
}): Operation {
  return (user) =>
    limiter.consume(user, PUSHES).then(
      () => true,
      (refusal: unknown) => {
        if (refusal instanceof Error) throw refusal;
        return false;
      },
    );
}

async function measure(
  ctx: BenchContext,
  redis: BenchRedis,
  contender: string,
  operation: Operation,
  concurrency: number,
): Promise<CapsRow> {
  // Every measurement starts from empty windows, so no earlier one's
  // points make this one refuse.
  await redis.client.flushall();
  const users = CAPS_USERS;
  let next = 0;
  const once = () => {
    const k = next++;
    const nowMs = CLOCK_ANCHOR_MS + (Date.now() - ctx.clockOriginMs);
    return operation(`user-${(k * 7919) % users}`, nowMs);
  };
  await loop(concurrency, 0.3, once);
  const latency = build({ numberOfSignificantValueDigits: 3 });
  let calls = 0;
  let refused = 0;
  const cpu = process.cpuUsage();
  const redisCpu = processCpuMs(redis.pid, ctx.ticksPerSecond);
  const t0 = performance.now();
  await loop(concurrency, ctx.settings.capsDurationS, async () => {
    const startedAt = performance.now();
    const admitted = await once();
    latency.recordValue(Math.max(1, (performance.now() - startedAt) * 1000));
    calls += 1;
    if (!admitted) refused += 1;
  });
  const seconds = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu);
  const redisMs = processCpuMs(redis.pid, ctx.ticksPerSecond) - redisCpu;
  return {
    contender,
    concurrency,
    calls,
    throughput: calls / seconds,
    p50Us: latency.getValueAtPercentile(50),
    p99Us: latency.getValueAtPercentile(99),
    refused,
    clientCpuUsPerCall: (used.user + used.system) / calls,
    redisCpuUsPerCall: (redisMs * 1000) / calls,
  };
}

async function loop(
  concurrency: number,
  seconds: number,
  work: () => Promise<unknown>,
): Promise<void> {
  const stopAt = performance.now() + seconds * 1000;
  const caller = async () => {
    while (performance.now() < stopAt) await work();
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
}

function capsLine(row: CapsRow): string {
  return [
    `caps ${row.contender} c=${row.concurrency}:`,
    `${row.throughput.toFixed(0)}/s`,
    `p50 ${(row.p50Us / 1000).toFixed(2)} ms`,
    `p99 ${(row.p99Us / 1000).toFixed(2)} ms`,
    `refused ${row.refused}`,
  ].join(" ");
}
