/**
 * Case 2, Redis per Screen: pushguard served with the Redis store answers
 * Screens one at a time (so that nothing of two Screens overlaps), first
 * without commit, then with; Redis itself counts what arrived. Per-store-
 * call counts (readUser, commit, recordDelivery... on standalone and
 * Cluster) come from bench/redis/commands.ts, which the runner also runs.
 */
import { fromBinary } from "@bufbuild/protobuf";
import { ScreenResponseSchema } from "../../src/gen/pushguard/v1/pushguard_pb.js";
import type { BenchContext } from "../lib/context.js";
import { RawScreenClient } from "../lib/grpc-call.js";
import { startPushguard } from "../lib/processes.js";
import type { BenchRedis, RedisCounts } from "../lib/redis.js";
import {
  CLOCK_ANCHOR_MS,
  readWorkload,
  requestBytes,
  type Workload,
} from "../lib/workload.js";

/** Counts per Screen of one kind. */
export interface TripsRow {
  readonly kind: "screen, no commit" | "screen with commit";
  readonly screens: number;
  /** Screens whose response says the admitted items were recorded. */
  readonly committed: number;
  readonly counts: RedisCounts;
}

/** Warm-up Screens: ioredis sends EVAL before EVALSHA on a connection. */
const WARM_UP = 20;

/** Runs case 2 at the first list size of the settings. */
export async function runRedisTrips(
  ctx: BenchContext,
  redis: BenchRedis,
): Promise<{ size: number; rows: TripsRow[] }> {
  const size = ctx.settings.sizes.includes(100) ? 100 : ctx.settings.sizes[0];
  if (size === undefined) throw new Error("no list size to count with");
  await redis.client.flushall();
  const server = await startPushguard(tripsLaunch(ctx, redis));
  ctx.servers.set(server.pid, "case 2, Redis store, one Screen at a time");
  const workload = readWorkload(
    await ctx.workloadFile(size, ctx.settings.users),
  );
  const client = new RawScreenClient(server.target);
  try {
    const screens = new ScreenRunner(ctx, client, workload);
    await screens.run(WARM_UP, true);
    const rows: TripsRow[] = [];
    for (const commit of [false, true]) {
      let committed = 0;
      const n = ctx.settings.redisScreens;
      const counts = await redis.count(async () => {
        committed = await screens.run(n, commit);
      });
      const kind = commit ? "screen with commit" : "screen, no commit";
      rows.push({ kind, screens: n, committed, counts });
      ctx.log(`redis ${kind}: ${(counts.roundTrips / n).toFixed(2)} sent`);
    }
    return { size, rows };
  } finally {
    client.close();
    await server.stop();
  }
}

/**
 * The replica's refresh of suppressed items (Art. 6) is one script every
 * PUSHGUARD_COMPLAINT_REFRESH_MS (2 s by default) whatever the traffic:
 * set to an hour here, so that none falls inside a count per Screen.
 */
function tripsLaunch(ctx: BenchContext, redis: BenchRedis) {
  const launch = ctx.launch("pushguard-redis", redis.url);
  const env = { ...launch.env, PUSHGUARD_COMPLAINT_REFRESH_MS: "3600000" };
  return { ...launch, env };
}

/** Sends Screens one after another, each to a different user. */
class ScreenRunner {
  private next = 0;

  constructor(
    private readonly ctx: BenchContext,
    private readonly client: RawScreenClient,
    private readonly workload: Workload,
  ) {}

  /** Sends `n` Screens; returns how many recorded their admitted items. */
  async run(n: number, commit: boolean): Promise<number> {
    let committed = 0;
    for (let i = 0; i < n; i += 1) {
      const nowMs = CLOCK_ANCHOR_MS + (Date.now() - this.ctx.clockOriginMs);
      const k = this.next++;
      const bytes = requestBytes(this.workload, k, nowMs, commit);
      const response = fromBinary(
        ScreenResponseSchema,
        await this.client.screen(bytes),
      );
      if (response.committed) committed += 1;
    }
    return committed;
  }
}
