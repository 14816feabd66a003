import { createReadStream } from "node:fs";
import { Option, type Command } from "commander";
import { SingleBar, Presets } from "cli-progress";
import { PolicyError } from "../policy/errors.js";
import { loadPolicy } from "../policy/loader.js";
import { formatReplaySummary } from "../replay/format.js";
import { replayOverGrpc } from "../replay/grpc-replay.js";
import { replayOffline } from "../replay/offline/replay.js";
import { replayMarkdown } from "../report/markdown.js";
import { writeReplayReport } from "../report/write.js";

interface ReplayOptions {
  readonly policy: string;
  readonly against?: string;
  readonly out: string;
  readonly sample: number;
  readonly progress: boolean;
  readonly target?: string;
  readonly concurrency: number;
  readonly deadlineMs: number;
}

/**
 * `pushguard replay FILE`: offline by default (in process, one policy or
 * two compared, a markdown and an HTML report); `--target` sends the same
 * file to a running server over gRPC instead.
 */
export function registerReplay(program: Command): void {
  program
    .command("replay")
    .description(
      "replay a JSONL of ScreenRequests: offline through policies (default), " +
        "or to a running server with --target",
    )
    .argument("<file>", "JSONL of ScreenRequests in proto JSON")
    .option(
      "--policy <file>",
      "policy to replay through",
      "policies/default.yaml",
    )
    .option("--against <file>", "a second policy to compare with")
    .option(
      "--out <dir>",
      "folder for report.md, report.html and report.json",
      "replay-report",
    )
    .addOption(
      intOption("--sample <n>", "changed items listed in the report", 200),
    )
    .option("--no-progress", "no progress bar on stderr")
    .option("--target <host:port>", "replay online against a running pushguard")
    .addOption(intOption("--concurrency <n>", "online: calls in flight", 8))
    .addOption(
      intOption("--deadline-ms <ms>", "online: deadline per call", 1000),
    )
    .action(async (file: string, options: ReplayOptions) => {
      process.exitCode = options.target
        ? await replayOnline(file, options.target, options)
        : await replayLocally(file, options);
    });
}

function intOption(flags: string, description: string, fallback: number) {
  return new Option(flags, description).default(fallback).argParser((value) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1) {
      throw new Error(
        `${flags.split(" ")[0]} ${value} must be an integer >= 1`,
      );
    }
    return parsed;
  });
}

async function replayLocally(file: string, options: ReplayOptions) {
  const loaded = await loadPolicies(options);
  if (loaded === undefined) return 1;
  const bar = await progressBar(file, options.progress);
  try {
    const report = await replayOffline({
      input: file,
      ...loaded,
      sampleSize: options.sample,
      onLine: (lines) => bar?.update(lines),
    });
    bar?.stop();
    const written = await writeReplayReport(report, options.out);
    process.stdout.write(replayMarkdown(report));
    console.error(
      `wrote ${written.markdown}, ${written.html}, ${written.json}`,
    );
    return report.requests === 0 ? 1 : 0;
  } finally {
    bar?.stop();
  }
}

async function loadPolicies(options: ReplayOptions) {
  try {
    const policy = await loadPolicy(options.policy);
    if (options.against === undefined) return { policy };
    return { policy, against: await loadPolicy(options.against) };
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    console.error(error.message);
    return undefined;
  }
}

/**
 * A bar on stderr, sized by a first pass that counts the lines (cheap next
 * to deciding them). Only on a terminal, so CI logs stay clean.
 */
async function progressBar(file: string, wanted: boolean) {
  if (!wanted || !process.stderr.isTTY) return undefined;
  const total = await countLines(file);
  const bar = new SingleBar(
    {
      format:
        "replay [{bar}] {percentage}% {value}/{total} lines {eta_formatted}",
      stream: process.stderr,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
}

/** Lines as `readLines` yields them: a last line without `\n` counts. */
async function countLines(file: string): Promise<number> {
  let newlines = 0;
  let last = NEWLINE;
  for await (const chunk of createReadStream(file)) {
    const bytes = chunk as Buffer;
    for (const byte of bytes) if (byte === NEWLINE) newlines++;
    last = bytes.at(-1) ?? last;
  }
  return last === NEWLINE ? newlines : newlines + 1;
}

const NEWLINE = 0x0a;

async function replayOnline(
  file: string,
  target: string,
  options: ReplayOptions,
): Promise<number> {
  const bar = await progressBar(file, options.progress);
  try {
    const summary = await replayOverGrpc({
      target,
      input: file,
      concurrency: options.concurrency,
      deadlineMs: options.deadlineMs,
      onProgress: (p) => bar?.update(p.completed + p.invalidLines),
    });
    bar?.stop();
    console.log(formatReplaySummary(summary));
    return summary.ok === 0 ? 1 : 0;
  } finally {
    bar?.stop();
  }
}
