/**
 * Cases whose benchmarks other helpers own, run from here so one command
 * re-runs everything: the re-rankers (bench/rerank/rerank.ts, case 3) and
 * the Redis commands per store call (bench/redis/commands.ts, beside case
 * 2). Each writes its own results file; this only runs it and reads it.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { BenchContext } from "../lib/context.js";
import { repoRoot } from "../lib/workload.js";

/** What a script printed, and its results file when it wrote one. */
export interface ScriptRun {
  readonly command: string;
  readonly ok: boolean;
  readonly output: string;
  readonly resultFile: string | undefined;
  readonly seconds: number;
}

/** Case 3: all re-rank cases, or only `rerankCase` (printed only). */
export function runRerank(ctx: BenchContext): Promise<ScriptRun> {
  const only = ctx.settings.rerankCase;
  const args = only === undefined ? [] : ["--case", only];
  return runScript(
    ctx,
    "bench/rerank/rerank.ts",
    args,
    only === undefined ? "bench/results/rerank.md" : undefined,
  );
}

/** Redis commands and round trips per store call, standalone and Cluster. */
export function runRedisCommands(ctx: BenchContext): Promise<ScriptRun> {
  return runScript(
    ctx,
    "bench/redis/commands.ts",
    [],
    "bench/results/redis-commands.md",
  );
}

function runScript(
  ctx: BenchContext,
  script: string,
  args: string[],
  resultFile: string | undefined,
): Promise<ScriptRun> {
  const command = ["npx tsx", script, ...args].join(" ");
  ctx.log(`running ${command}`);
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(repoRoot, script), ...args],
    { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-64 * 1024);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  return new Promise((resolve) => {
    child.once("exit", (code) => {
      const written =
        resultFile && existsSync(path.join(repoRoot, resultFile))
          ? resultFile
          : undefined;
      const seconds = (performance.now() - t0) / 1000;
      resolve({
        command,
        ok: code === 0,
        output,
        resultFile: written,
        seconds,
      });
    });
  });
}

/** The markdown tables of a results file, for quoting in ours. */
export function tablesOf(resultFile: string): string[] {
  const text = readFileSync(path.join(repoRoot, resultFile), "utf8");
  return text.split("\n").filter((line) => line.startsWith("|"));
}
