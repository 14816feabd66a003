/**
 * Case 6, the hot path without gRPC: decode, decide and encode measured in
 * a child process per list size (bench/hotpath/measure.ts, from src/
 * through tsx). It splits case 1's "pushguard minus floor" into its parts;
 * the server adds the metrics observer and grpc-js around them.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import type { HotpathJob, HotpathRow } from "../hotpath/measure.js";
import type { BenchContext } from "../lib/context.js";
import { repoRoot } from "../lib/workload.js";

export type { HotpathRow } from "../hotpath/measure.js";

const run = promisify(execFile);

/** Runs case 6 for every list size of the settings. */
export async function runHotpath(ctx: BenchContext): Promise<HotpathRow[]> {
  const rows: HotpathRow[] = [];
  for (const size of ctx.settings.sizes) {
    const job: HotpathJob = {
      workloadFile: await ctx.workloadFile(size, ctx.settings.users),
      policy: ctx.settings.policy,
      seconds: Math.max(0.2, ctx.settings.durationS / 3),
    };
    const script = path.join(repoRoot, "bench/hotpath/measure.ts");
    const { stdout } = await run(
      process.execPath,
      ["--import", "tsx", script, JSON.stringify(job)],
      { cwd: repoRoot },
    );
    const row = JSON.parse(stdout) as HotpathRow;
    rows.push(row);
    ctx.log(
      `hotpath n=${size}: decode ${row.decodeUs.toFixed(0)} us, ` +
        `screen ${row.screenUs.toFixed(0)} us, ` +
        `encode ${row.encodeUs.toFixed(0)} us (protobuf-es: decode ` +
        `${row.decodeReflectiveUs.toFixed(0)}, ` +
        `encode ${row.encodeReflectiveUs.toFixed(0)} us)`,
    );
  }
  return rows;
}
