/**
 * Case 7, a fresh server: latency of the first Screens a just-started
 * pushguard answers, built (dist/) and through tsx (src/), against the same
 * server after a thousand Screens. Short replays against a fresh server
 * (what a helper saw as "~30 ms at concurrency 4") measure this: code not
 * yet optimised by V8 and, through tsx, modules compiled on first use.
 */
import type { BenchContext } from "../lib/context.js";
import { RawScreenClient } from "../lib/grpc-call.js";
import { startPushguard } from "../lib/processes.js";
import {
  CLOCK_ANCHOR_MS,
  readWorkload,
  requestBytes,
  type Workload,
} from "../lib/workload.js";

/** Latency of one batch of Screens. */
export interface ColdRow {
  readonly server: string;
  readonly batch: string;
  readonly p50Ms: number;
  readonly maxMs: number;
}

const SIZE = 20;
const CONCURRENCY = 4;
const BATCH = 50;
const WARM_BATCHES = 20;

/** Runs case 7 for the built server and the server run from source. */
export async function runCold(ctx: BenchContext): Promise<ColdRow[]> {
  const workload = readWorkload(
    await ctx.workloadFile(SIZE, ctx.settings.users),
  );
  const rows: ColdRow[] = [];
  for (const fromSource of [false, true]) {
    const launch = { ...ctx.launch("pushguard-memory"), fromSource };
    const server = await startPushguard(launch);
    const client = new RawScreenClient(server.target);
    const name = fromSource ? "src/ through tsx" : "built dist/";
    try {
      const batch = (first: number) => timeBatch(client, workload, first);
      rows.push({ server: name, batch: "first 50", ...(await batch(0)) });
      rows.push({ server: name, batch: "next 50", ...(await batch(BATCH)) });
      for (let i = 2; i < WARM_BATCHES + 2; i += 1) await batch(i * BATCH);
      const after = (WARM_BATCHES + 2) * BATCH;
      const label = `50 after ${after}`;
      rows.push({ server: name, batch: label, ...(await batch(after)) });
    } finally {
      client.close();
      await server.stop();
    }
    ctx.log(`cold ${name}: ${JSON.stringify(rows.slice(-3))}`);
  }
  return rows;
}

/** Sends `BATCH` Screens from call `first`, `CONCURRENCY` at a time. */
async function timeBatch(
  client: RawScreenClient,
  workload: Workload,
  first: number,
): Promise<{ p50Ms: number; maxMs: number }> {
  const latencies: number[] = [];
  let k = first;
  const caller = async () => {
    while (k < first + BATCH) {
      const bytes = requestBytes(workload, k++, CLOCK_ANCHOR_MS);
      const startedAt = performance.now();
      await client.screen(bytes);
      latencies.push(performance.now() - startedAt);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, caller));
  latencies.sort((a, b) => a - b);
  return {
    p50Ms: latencies[Math.floor(latencies.length / 2)] ?? Number.NaN,
    maxMs: latencies.at(-1) ?? Number.NaN,
  };
}
