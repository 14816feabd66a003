/**
 * Case 1, the floor: the echo floor, the codec floor (echo plus the
 * decode and encode of pushguard's Screen codec, src/wire) and pushguard
 * Screen (in-memory store, Redis store, decision log on) under the same
 * load generator, at each list size and concurrency. The servers of one
 * size run side by side and the runs alternate (echo, codec, memory,
 * redis, log at concurrency 1, then at 8, ...), so a change in the
 * machine's load hits all of them alike.
 */
import type { LoadResult } from "../load/loadgen.js";
import type { BenchContext } from "../lib/context.js";
import { RawScreenClient } from "../lib/grpc-call.js";
import { loadAverage } from "../lib/machine.js";
import {
  runLoad,
  startEcho,
  startPushguard,
  type ServerProcess,
} from "../lib/processes.js";
import type { BenchRedis } from "../lib/redis.js";
import {
  CLOCK_ANCHOR_MS,
  readWorkload,
  requestBytes,
} from "../lib/workload.js";

/** One load generator run against one server. */
export interface FloorRow {
  readonly size: number;
  readonly concurrency: number;
  readonly server: string;
  readonly result: LoadResult;
  readonly load: string;
}

/** What was sent and answered at one size. */
export interface FloorSize {
  readonly size: number;
  readonly lists: number;
  readonly requestBytes: number;
  readonly responseBytes: number;
}

/** Rows of every run, and the byte sizes of each list size. */
export interface FloorResult {
  readonly rows: FloorRow[];
  readonly sizes: FloorSize[];
}

/** Calls made to capture the echo's answer, from their own call range. */
const CAPTURE_CALLS = 15;
const CAPTURE_FIRST_CALL = 1_000_000_000;

/** Runs case 1; `redis` is required when the settings ask for it. */
export async function runFloor(
  ctx: BenchContext,
  redis: BenchRedis | undefined,
): Promise<FloorResult> {
  const rows: FloorRow[] = [];
  const sizes: FloorSize[] = [];
  for (const size of ctx.settings.sizes) {
    const servers = await startServers(ctx, size, redis);
    try {
      sizes.push(servers.info);
      rows.push(...(await runSize(ctx, size, servers.list, servers.file)));
    } finally {
      await Promise.all(servers.list.map((server) => server.stop()));
    }
  }
  return { rows, sizes };
}

async function startServers(
  ctx: BenchContext,
  size: number,
  redis: BenchRedis | undefined,
) {
  const file = await ctx.workloadFile(size, ctx.settings.users);
  const list: ServerProcess[] = [];
  const memory = await startPushguard(ctx.launch("pushguard-memory"));
  ctx.servers.set(memory.pid, `case 1, in-memory store, n = ${size}`);
  list.push(memory);
  const typical = await typicalResponse(ctx, memory, file);
  const responseFile = ctx.scratch(`response-${size}.bin`, typical.response);
  list.unshift(
    await startEcho("echo-floor", responseFile),
    await startEcho("codec-floor", responseFile, true),
  );
  if (ctx.settings.stores.includes("redis")) {
    if (!redis) throw new Error("the redis store needs a Redis");
    await redis.client.flushall();
    const launch = ctx.launch("pushguard-redis", redis.url);
    const server = await startPushguard(launch);
    ctx.servers.set(server.pid, `case 1, Redis store, n = ${size}`);
    list.push(server);
  }
  if (ctx.settings.stores.includes("memory-log")) {
    // What production pays by default: the decision log on. Its lines go
    // to /dev/null, so that a disk's speed does not enter the figure.
    const launch = ctx.launch("pushguard-memory-log");
    const env = { ...launch.env, PUSHGUARD_DECISION_LOG: "/dev/null" };
    const server = await startPushguard({ ...launch, env });
    ctx.servers.set(server.pid, `case 1, in-memory store, decision log on`);
    list.push(server);
  }
  if (!ctx.settings.stores.includes("memory")) {
    await memory.stop();
    list.splice(list.indexOf(memory), 1);
  }
  const info: FloorSize = {
    size,
    lists: typical.lists,
    requestBytes: typical.requestBytes,
    responseBytes: typical.response.length,
  };
  return { list, file, info };
}

/**
 * The echo answers a real ScreenResponse of this size: of a few Screens
 * answered by pushguard, the one of median length.
 */
async function typicalResponse(
  ctx: BenchContext,
  server: ServerProcess,
  file: string,
) {
  const workload = readWorkload(file);
  const client = new RawScreenClient(server.target);
  const responses: Buffer[] = [];
  const nowMs = CLOCK_ANCHOR_MS + (Date.now() - ctx.clockOriginMs);
  try {
    for (let i = 0; i < CAPTURE_CALLS; i += 1) {
      const k = CAPTURE_FIRST_CALL + i * 7;
      responses.push(await client.screen(requestBytes(workload, k, nowMs)));
    }
  } finally {
    client.close();
  }
  responses.sort((a, b) => a.length - b.length);
  const response = responses[Math.floor(responses.length / 2)];
  if (!response) throw new Error("no response captured");
  return {
    response,
    lists: workload.lists.length,
    requestBytes: requestBytes(workload, 0, 0).length,
  };
}

async function runSize(
  ctx: BenchContext,
  size: number,
  servers: readonly ServerProcess[],
  file: string,
): Promise<FloorRow[]> {
  const rows: FloorRow[] = [];
  const nextCall = new Map<string, number>();
  for (const concurrency of ctx.settings.concurrencies) {
    for (const server of servers) {
      const firstCall = nextCall.get(server.name) ?? 0;
      const options = ctx.loadOptions(server, file, {
        concurrency,
        firstCall,
        watchPids: watched(server, ctx),
      });
      const result = await runLoad(options);
      nextCall.set(server.name, result.sent);
      const load = loadAverage();
      rows.push({ size, concurrency, server: server.name, result, load });
      ctx.log(summary(rows.at(-1) as FloorRow));
    }
  }
  return rows;
}

function watched(server: ServerProcess, ctx: BenchContext) {
  const pids: Record<string, number> = { server: server.pid };
  if (server.name === "pushguard-redis" && ctx.redisPid !== undefined) {
    pids["redis"] = ctx.redisPid;
  }
  return pids;
}

function summary(row: FloorRow): string {
  const { result } = row;
  const cpu = ((result.cpuMs["server"] ?? 0) * 1000) / result.calls;
  return [
    `floor ${row.server} n=${row.size} c=${row.concurrency}:`,
    `${result.throughput.toFixed(0)}/s`,
    `p50 ${(result.p50Us / 1000).toFixed(2)} ms`,
    `p99 ${(result.p99Us / 1000).toFixed(2)} ms`,
    `cpu ${cpu.toFixed(0)} us/call`,
    Object.keys(result.errors).length ? JSON.stringify(result.errors) : "",
  ].join(" ");
}
