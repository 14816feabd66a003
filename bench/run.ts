/**
 * `npm run bench`: every benchmark of issue 7 in one run, written as one
 * markdown file in bench/results/. bench/README.md explains each case.
 *
 *   npm run bench                                   all cases (~12 min)
 *   npm run bench -- --case floor --sizes 100       one case, one size
 *   npm run bench -- --case floor --sizes 100 --concurrency 8 \
 *     --stores memory --cpu-prof                    profile the server
 *   npm run bench -- --help                         every flag
 */
import { execFileSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { Command } from "commander";
import { runCaps } from "./cases/caps.js";
import { runCold } from "./cases/cold.js";
import { runFloor } from "./cases/floor.js";
import { runHotpath } from "./cases/hotpath.js";
import { runRedisCommands, runRerank } from "./cases/others.js";
import { runRedisTrips } from "./cases/redis-trips.js";
import { runSoak } from "./cases/soak.js";
import { BenchContext, type BenchSettings } from "./lib/context.js";
import { loadAverage, machineLines } from "./lib/machine.js";
import { startBenchRedis, type BenchRedis } from "./lib/redis.js";
import {
  capsSection,
  coldSection,
  floorSection,
  hotpathSection,
  rerankSection,
  soakSection,
  tripsSection,
  type RunResults,
} from "./lib/report.js";
import { repoRoot } from "./lib/workload.js";
import { profileMarkdown, summarizeProfile } from "./profile/summarize.js";

const CASES = [
  "floor",
  "redis",
  "redis-calls",
  "rerank",
  "soak",
  "caps",
  "hotpath",
  "cold",
] as const;
type CaseName = (typeof CASES)[number];

interface Flags {
  case: string;
  sizes: string;
  concurrency: string;
  stores: string;
  warmupS: string;
  durationS: string;
  users: string;
  soakS: string;
  soakUsers: string;
  soakEveryS: string;
  soakRate?: string;
  redisScreens: string;
  capsDurationS: string;
  rerankCase?: string;
  fromSource?: boolean;
  build: boolean;
  cpuProf?: boolean;
  policy: string;
  serverNodeOptions?: string;
  out: string;
}

function parseFlags(argv: string[]): Flags {
  return new Command()
    .name("npm run bench --")
    .option(
      "--case <names>",
      `comma list of ${CASES.join(", ")}, or all`,
      "all",
    )
    .option("--sizes <list>", "candidates per Screen", "20,100,500")
    .option("--concurrency <list>", "closed-loop callers", "1,8,32")
    .option(
      "--stores <list>",
      "memory, redis, memory-log (decision log on)",
      "memory,redis,memory-log",
    )
    .option("--warmup-s <s>", "warm-up before each measured window", "1")
    .option("--duration-s <s>", "each measured window", "5")
    .option("--users <n>", "users the calls rotate over", "50000")
    .option("--soak-s <s>", "soak length", "300")
    .option("--soak-users <n>", "users of the soak", "2000")
    .option("--soak-every-s <s>", "seconds between soak rows", "10")
    .option("--soak-rate <n>", "soak Screens/s (default: half the capacity)")
    .option("--redis-screens <n>", "Screens counted in case redis", "200")
    .option("--caps-duration-s <s>", "each caps measurement", "3")
    .option("--rerank-case <name>", "one re-rank case, printed only")
    .option("--from-source", "serve src/ through tsx instead of dist/")
    .option("--no-build", "use dist/ as it is")
    .option("--cpu-prof", "write and summarise CPU profiles of the servers")
    .option("--policy <file>", "policy served", "bench/policies/bench.yaml")
    .option("--server-node-options <flags>", "NODE_OPTIONS of the servers")
    .option("--out <dir>", "results folder", "bench/results")
    .parse(argv)
    .opts<Flags>();
}

function numbers(list: string): number[] {
  return list.split(",").map((part) => Number(part.trim()));
}

function casesOf(list: string): CaseName[] {
  if (list === "all") return [...CASES];
  const names = list.split(",").map((name) => name.trim());
  for (const name of names) {
    if (!(CASES as readonly string[]).includes(name)) {
      throw new Error(`--case ${name} must be one of ${CASES.join(", ")}, all`);
    }
  }
  return names as CaseName[];
}

function settingsOf(flags: Flags, out: string): BenchSettings {
  return {
    sizes: numbers(flags.sizes),
    concurrencies: numbers(flags.concurrency),
    stores: flags.stores.split(",").map((s) => s.trim()) as (
      "memory" | "redis" | "memory-log"
    )[],
    warmupS: Number(flags.warmupS),
    durationS: Number(flags.durationS),
    users: Number(flags.users),
    soakS: Number(flags.soakS),
    soakUsers: Number(flags.soakUsers),
    soakReportEveryS: Number(flags.soakEveryS),
    soakRate: flags.soakRate === undefined ? undefined : Number(flags.soakRate),
    redisScreens: Number(flags.redisScreens),
    capsDurationS: Number(flags.capsDurationS),
    rerankCase: flags.rerankCase,
    fromSource: flags.fromSource ?? false,
    cpuProfDir: flags.cpuProf ? path.join(out, "profiles", stamp()) : undefined,
    policy: flags.policy,
    serverNodeOptions: flags.serverNodeOptions,
  };
}

function stamp(): string {
  return new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
}

/** Needs Redis: the cases that count commands or serve from it. */
function needsRedis(cases: readonly CaseName[], settings: BenchSettings) {
  const floorOnRedis =
    cases.includes("floor") && settings.stores.includes("redis");
  return floorOnRedis || cases.includes("redis") || cases.includes("caps");
}

async function runCases(
  ctx: BenchContext,
  cases: readonly CaseName[],
  redis: BenchRedis | undefined,
): Promise<RunResults> {
  const results: RunResults = {};
  const need = (name: string) => {
    if (!redis) throw new Error(`case ${name} needs Redis`);
    return redis;
  };
  if (cases.includes("floor")) results.floor = await runFloor(ctx, redis);
  if (cases.includes("hotpath")) results.hotpath = await runHotpath(ctx);
  if (cases.includes("cold")) results.cold = await runCold(ctx);
  if (cases.includes("redis")) {
    results.trips = await runRedisTrips(ctx, need("redis"));
  }
  if (cases.includes("redis-calls")) {
    results.redisCommands = await runRedisCommands(ctx);
  }
  if (cases.includes("caps")) results.caps = await runCaps(ctx, need("caps"));
  if (cases.includes("rerank")) results.rerank = await runRerank(ctx);
  if (cases.includes("soak"))
    results.soak = await runSoak(ctx, capacity(results));
  return results;
}

/** Screens/s of pushguard in memory at n = 100, best concurrency. */
function capacity(results: RunResults): number | undefined {
  const rows = results.floor?.rows.filter(
    (r) => r.size === 100 && r.server === "pushguard-memory",
  );
  if (!rows || rows.length === 0) return undefined;
  return Math.max(...rows.map((r) => r.result.throughput));
}

function gitDescription(): string {
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: repoRoot, encoding: "utf8" }).trim();
  try {
    const dirty = git("status", "--porcelain", "--", "src").length > 0;
    return `${git("rev-parse", "--short", "HEAD")}${dirty ? " (src/ has uncommitted changes)" : ""}`;
  } catch {
    return "unknown";
  }
}

function header(
  argv: string[],
  ctx: BenchContext,
  startLoad: string,
): string[] {
  const s = ctx.settings;
  return [
    "# pushguard benchmarks",
    "",
    `- date: ${new Date().toISOString()}`,
    ...machineLines(),
    `- command: \`npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}\``,
    `- commit: ${gitDescription()}; server: ${s.fromSource ? "src/ through tsx" : "built dist/"}; policy: \`${s.policy}\`` +
      (s.serverNodeOptions ? `; NODE_OPTIONS: \`${s.serverNodeOptions}\`` : ""),
    `- load average (1, 5, 15 min): ${startLoad} at the start, ${loadAverage()} at the end`,
    `- each closed-loop point: ${s.warmupS} s warm-up, ${s.durationS} s measured; calls rotate over ${s.users} users`,
    "",
  ];
}

function profilesSection(ctx: BenchContext): string[] {
  const dir = ctx.settings.cpuProfDir;
  if (!dir) return [];
  const lines = ["## Profiles", ""];
  for (const file of readdirSync(dir).filter((f) =>
    f.endsWith(".cpuprofile"),
  )) {
    const pid = Number(file.split(".")[3]);
    const label = ctx.servers.get(pid) ?? `pid ${pid}`;
    // Relative to the repository, so a results file names no one's home.
    const where = path.relative(repoRoot, path.join(dir, file));
    lines.push(`### ${label}`, "", `\`${where}\``, "");
    lines.push(...profileMarkdown(summarizeProfile(path.join(dir, file), 30)));
  }
  return lines;
}

function render(
  argv: string[],
  ctx: BenchContext,
  r: RunResults,
  startLoad: string,
) {
  return [
    ...header(argv, ctx, startLoad),
    ...(r.floor ? floorSection(r.floor) : []),
    ...(r.trips || r.redisCommands
      ? tripsSection(r.trips, r.redisCommands)
      : []),
    ...(r.rerank ? rerankSection(r.rerank) : []),
    ...(r.soak ? soakSection(r.soak) : []),
    ...(r.caps ? capsSection(r.caps) : []),
    ...(r.hotpath ? hotpathSection(r.hotpath) : []),
    ...(r.cold ? coldSection(r.cold) : []),
    ...profilesSection(ctx),
  ].join("\n");
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flags = parseFlags(process.argv);
  const cases = casesOf(flags.case);
  const out = path.resolve(repoRoot, flags.out);
  const settings = settingsOf(flags, out);
  if (!settings.fromSource && flags.build) {
    execFileSync("npm", ["run", "build"], { cwd: repoRoot, stdio: "inherit" });
  }
  mkdirSync(out, { recursive: true });
  if (settings.cpuProfDir) mkdirSync(settings.cpuProfDir, { recursive: true });
  const workDir = mkdtempSync(path.join(os.tmpdir(), "pushguard-bench-"));
  const ctx = new BenchContext(settings, workDir);
  const startLoad = loadAverage();
  const redis = needsRedis(cases, settings)
    ? await startBenchRedis()
    : undefined;
  ctx.redisPid = redis?.pid;
  try {
    const results = await runCases(ctx, cases, redis);
    const name = `${new Date().toISOString().slice(0, 10)}-${flags.case.replace(/,/g, "+")}.md`;
    const file = path.join(out, name);
    writeFileSync(file, `${render(argv, ctx, results, startLoad)}\n`);
    ctx.log(`wrote ${path.relative(repoRoot, file)}`);
  } finally {
    await redis?.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
