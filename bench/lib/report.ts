/**
 * Renders a run's results as markdown: one section per case, each with the
 * table of figures and the targets it is held to.
 */
import type { CapsRow } from "../cases/caps.js";
import type { ColdRow } from "../cases/cold.js";
import type { FloorResult, FloorRow } from "../cases/floor.js";
import type { HotpathRow } from "../cases/hotpath.js";
import type { ScriptRun } from "../cases/others.js";
import { tablesOf } from "../cases/others.js";
import type { TripsRow } from "../cases/redis-trips.js";
import type { SoakResult, SoakRow } from "../cases/soak.js";
import { insideScripts } from "./redis.js";

/** Everything a run measured; a case that did not run is undefined. */
export interface RunResults {
  floor?: FloorResult;
  trips?: { size: number; rows: TripsRow[] };
  redisCommands?: ScriptRun;
  rerank?: ScriptRun;
  soak?: SoakResult;
  caps?: CapsRow[];
  hotpath?: HotpathRow[];
  cold?: ColdRow[];
  profiles?: string[];
}

const ms = (us: number) => (us / 1000).toFixed(2);
const fixed = (n: number, digits = 0) =>
  Number.isFinite(n) ? n.toFixed(digits) : "n/a";
const mib = (bytes: number) => fixed(bytes / 2 ** 20, 1);

/** CPU µs per call of a watched process in a load generator result. */
export function cpuPerCall(row: FloorRow, name = "server"): number {
  const cpu = row.result.cpuMs[name];
  return cpu === undefined ? Number.NaN : (cpu * 1000) / row.result.calls;
}

/** A floor's row at the same size and concurrency. */
function floorOf(
  rows: readonly FloorRow[],
  row: FloorRow,
  floor = "echo-floor",
) {
  return rows.find(
    (r) =>
      r.server === floor &&
      r.size === row.size &&
      r.concurrency === row.concurrency,
  );
}

/** Section 1: the table and the targets. */
export function floorSection(floor: FloorResult): string[] {
  const lines = [
    "## 1. Screen against the gRPC floor",
    "",
    "| n | bytes in / out | lists |",
    "| ---: | --- | ---: |",
    ...floor.sizes.map(
      (s) =>
        `| ${s.size} | ${s.requestBytes} / ${s.responseBytes} | ${s.lists} |`,
    ),
    "",
    "The floor is `echo-floor` (gRPC only); `codec-floor` adds the " +
      "decoding of the request and encoding of the answer with the codec " +
      "pushguard serves Screen with (`src/wire`). Ratios and " +
      "differences are to `echo-floor` at the same n and concurrency, " +
      "except the column against `codec-floor`.",
    "",
    "| n | conc. | server | calls/s | p50 ms | p99 ms | server CPU µs/call | Redis CPU µs/call | CPU × floor | CPU × codec floor | p99 − floor ms | calls/s × floor | admitting | errors | load 1 min |",
    "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ...floor.rows.map((row) => floorRow(floor.rows, row)),
    "",
    ...floorTargets(floor.rows),
  ];
  return lines;
}

function floorRow(rows: readonly FloorRow[], row: FloorRow): string {
  const { result } = row;
  const floor = floorOf(rows, row);
  const isFloor = row.server === "echo-floor";
  const ratio = (a: number, b: number | undefined) =>
    isFloor || b === undefined ? "" : fixed(a / b, 2);
  const floorCpu = floor ? cpuPerCall(floor) : undefined;
  const codec = floorOf(rows, row, "codec-floor");
  const codecRatio =
    row.server.startsWith("pushguard") && codec
      ? fixed(cpuPerCall(row) / cpuPerCall(codec), 2)
      : "";
  const addedP99 =
    isFloor || !floor ? "" : ms(result.p99Us - floor.result.p99Us);
  const admitting =
    !row.server.startsWith("pushguard") || result.sampled === 0
      ? ""
      : `${fixed((100 * result.admitting) / result.sampled)}%`;
  const errors = Object.entries(result.errors)
    .map(([code, n]) => `${code} ${n}`)
    .join(", ");
  return [
    `| ${row.size} | ${row.concurrency} | ${row.server}`,
    fixed(result.throughput),
    ms(result.p50Us),
    ms(result.p99Us),
    fixed(cpuPerCall(row)),
    fixed(cpuPerCall(row, "redis")).replace("n/a", ""),
    ratio(cpuPerCall(row), floorCpu),
    codecRatio,
    addedP99,
    ratio(result.throughput, floor?.result.throughput),
    admitting,
    errors,
    `${row.load.split(",")[0]} |`,
  ].join(" | ");
}

/** The brief's targets at 100 candidates on the in-memory store. */
function floorTargets(rows: readonly FloorRow[]): string[] {
  const at100 = rows.filter(
    (r) => r.size === 100 && r.server === "pushguard-memory",
  );
  if (at100.length === 0) return [];
  const lines = ["Targets at n = 100, in-memory store:", ""];
  for (const row of at100) {
    const floor = floorOf(rows, row);
    if (!floor) continue;
    const cpuRatio = cpuPerCall(row) / cpuPerCall(floor);
    const added = (row.result.p99Us - floor.result.p99Us) / 1000;
    const cpuVerdict =
      cpuRatio <= 1.5
        ? "met"
        : `NOT met, ${fixed(cpuRatio - 1.5, 2)}× the floor's CPU over`;
    const p99Verdict =
      added < 1 ? "met" : `NOT met, ${fixed(added - 1, 2)} ms over`;
    lines.push(
      `- concurrency ${row.concurrency}: CPU ${fixed(cpuRatio, 2)}× the ` +
        `floor (target ≤ 1.5×: ${cpuVerdict}); p99 +${fixed(added, 2)} ms ` +
        `(target < 1 ms: ${p99Verdict})`,
    );
  }
  lines.push("");
  return lines;
}

/** Section 2: Redis per Screen, and the per-store-call table quoted. */
export function tripsSection(
  trips: { size: number; rows: TripsRow[] } | undefined,
  commands: ScriptRun | undefined,
): string[] {
  const lines = ["## 2. Redis commands and round trips", ""];
  if (trips) lines.push(...tripsTable(trips));
  if (commands) {
    lines.push(...quoted("Per store call (bench/redis/commands.ts)", commands));
  }
  return lines;
}

function tripsTable(trips: { size: number; rows: TripsRow[] }): string[] {
  return [
    `Per Screen: Screens of ${trips.size} candidates, one at a time, through the gRPC server with the Redis store. ` +
      "Sent: commands that arrived from a client (MONITOR lines not from a script); " +
      "socket reads: Redis's `total_reads_processed` (commands written together count once); " +
      "in scripts: commands the Lua scripts ran inside Redis (`INFO commandstats`). " +
      "The replica's background refresh of suppressed items (one script every 2 s by default, " +
      "whatever the traffic) is set to an hour here, so it is not in these counts.",
    "",
    "| kind | Screens | committed | sent / Screen | socket reads / Screen | sent, by command | in scripts, by command |",
    "| --- | ---: | ---: | ---: | ---: | --- | --- |",
    ...trips.rows.map(tripsRow),
    "",
    ...tripsTarget(trips.rows),
  ];
}

/**
 * The brief's target: one round trip per Screen, one more per commit.
 * A commit's trips are what a committing run sent beyond one per Screen,
 * per Screen that committed.
 */
function tripsTarget(rows: readonly TripsRow[]): string[] {
  const read = rows.find((row) => row.kind === "screen, no commit");
  const both = rows.find((row) => row.kind === "screen with commit");
  if (!read || !both || both.committed === 0) return [];
  const perScreen = read.counts.reads / read.screens;
  const perCommit = (both.counts.reads - both.screens) / both.committed;
  const met = (n: number) =>
    n <= 1.005 ? "met" : `NOT met, ${fixed(n - 1, 2)} over`;
  return [
    `Target (one round trip per Screen, one per commit, socket reads): ` +
      `${fixed(perScreen, 2)} per Screen (${met(perScreen)}), ` +
      `${fixed(perCommit, 2)} per commit (${met(perCommit)}).`,
    "",
  ];
}

function tripsRow(row: TripsRow): string {
  const per = (n: number) => fixed(n / row.screens, 2);
  const list = (inside: boolean) =>
    [...row.counts.commands]
      .filter(([command]) => insideScripts(command) === inside)
      .map(([command, n]) => `${command} ${per(n)}`)
      .join(", ") || "none";
  return [
    `| ${row.kind} | ${row.screens} | ${row.committed}`,
    per(row.counts.roundTrips),
    per(row.counts.reads),
    list(false),
    `${list(true)} |`,
  ].join(" | ");
}

/** A script another helper owns: its tables, or its output on failure. */
function quoted(title: string, run: ScriptRun): string[] {
  const lines = [
    `### ${title}`,
    "",
    `Command: \`${run.command}\` (${fixed(run.seconds)} s).`,
    "",
  ];
  if (!run.ok) {
    return [
      ...lines,
      "It failed; its last output:",
      "",
      "```",
      run.output.trim(),
      "```",
      "",
    ];
  }
  if (run.resultFile) {
    return [
      ...lines,
      `Written to \`${run.resultFile}\`; its tables:`,
      "",
      ...tablesOf(run.resultFile),
      "",
    ];
  }
  return [...lines, "```", run.output.trim(), "```", ""];
}

/** Section 3. */
export function rerankSection(run: ScriptRun): string[] {
  return ["## 3. Re-rankers", "", ...quoted("bench/rerank/rerank.ts", run)];
}

/** Section 4. */
export function soakSection(soak: SoakResult): string[] {
  const capacity =
    soak.capacity === undefined
      ? "measured here"
      : `${fixed(soak.capacity)}/s from case 1`;
  return [
    "## 4. Soak",
    "",
    `Paced at ${fixed(soak.rate)} Screens/s (half the capacity, ${capacity}), ` +
      `${soak.size} candidates, ${soak.users} users, in-memory store, ` +
      `${fixed(soak.total.seconds)} s; whole run: p50 ${ms(soak.total.p50Us)} ms, ` +
      `p99 ${ms(soak.total.p99Us)} ms, ${soak.total.calls} calls, ` +
      `${soak.total.skipped} skipped (64 in flight), errors ${JSON.stringify(soak.total.errors)}.`,
    "",
    "Loop delay is prom-client's `nodejs_eventloop_lag_*` for the interval minus its 10 ms sampling period " +
      "(an idle loop reads about 10 ms), so 0 means no delay.",
    "",
    "Live heap after full GC: V8's `--trace-gc` Mark-Compact lines of the interval (MB after), the figure a leak moves.",
    "",
    "| t s | calls/s | p50 ms | p99 ms | admitting | server CPU µs/call | RSS MiB | heap used MiB | heap total MiB | live heap after full GC MiB | loop delay p50 ms | p99 ms | max ms | errors | skipped | load 1 min |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...soak.rows.map((row, i) => soakRow(row, soak.rows[i - 1])),
    "",
    ...soakVerdict(soak.rows),
  ];
}

function soakRow(row: SoakRow, previous: SoakRow | undefined): string {
  const seconds = row.atS - (previous?.atS ?? 0);
  return [
    `| ${row.atS} | ${fixed(row.calls / Math.max(1, seconds))}`,
    ms(row.p50Us),
    ms(row.p99Us),
    `${fixed(row.admittingShare * 100)}%`,
    fixed(row.cpuUsPerCall),
    mib(row.rssBytes),
    mib(row.heapUsedBytes),
    mib(row.heapTotalBytes),
    row.fullGcMiB.map((m) => fixed(m, 1)).join(", "),
    loopDelay(row.lagP50S),
    loopDelay(row.lagP99S),
    loopDelay(row.lagMaxS),
    row.errors,
    row.skipped,
    `${fixed(row.load, 2)} |`,
  ].join(" | ");
}

/** prom-client samples the loop every 10 ms; the delay is beyond that. */
const LOOP_SAMPLING_S = 0.01;

function loopDelay(seconds: number): string {
  return fixed(Math.max(0, seconds - LOOP_SAMPLING_S) * 1000, 2);
}

/**
 * Flat memory, judged once the state is at its bound (the first row where
 * no sampled Screen admits; the first third when none): the live heap
 * after each full GC from then on, and RSS in the two halves of that span.
 */
function soakVerdict(rows: readonly SoakRow[]): string[] {
  const bound = rows.findIndex((row) => row.admittingShare === 0);
  const steady = rows.slice(bound >= 0 ? bound : Math.floor(rows.length / 3));
  const first = steady[0];
  if (first === undefined || steady.length < 2) return [];
  const why =
    bound >= 0
      ? "state at its bound, no Screen admits"
      : "after the first third";
  const half = Math.ceil(steady.length / 2);
  const rss = (part: readonly SoakRow[]) =>
    spread(part.map((r) => r.rssBytes / 2 ** 20));
  const gcs = steady.flatMap((row) => row.fullGcMiB);
  const live =
    gcs.length === 0
      ? "no full GC ran"
      : `${gcs.length} full GCs, live heap after them ${fixed(gcs[0] ?? 0, 1)} MiB ` +
        `first and ${fixed(gcs.at(-1) ?? 0, 1)} MiB last (${range(gcs)})`;
  return [
    `From t = ${first.atS} s (${why}) to the end: ${live}; RSS ${rss(steady.slice(0, half))} ` +
      `in the first half of that span, ${rss(steady.slice(half))} in the second.`,
    "",
  ];
}

/** `median m MiB (a–b)`. */
function spread(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  // An even count has two middle values; the median is their mean.
  const median =
    sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
  return `median ${fixed(median, 1)} MiB (${range(values)})`;
}

/** `a–b MiB`: the smallest and largest value. */
function range(values: readonly number[]): string {
  return `${fixed(Math.min(...values), 1)}–${fixed(Math.max(...values), 1)} MiB`;
}

/** Section 5. */
export function capsSection(rows: readonly CapsRow[]): string[] {
  const base = (row: CapsRow) =>
    rows.find(
      (r) =>
        r.concurrency === row.concurrency &&
        r.contender.startsWith("rate-limiter-flexible union"),
    );
  return [
    "## 5. Caps: rate-limiter-flexible against pushguard's cap check and record",
    "",
    "Same Redis, same ioredis, one process, closed loop; each call records 3 pushes " +
      "for one user under 20 an hour and 50 a day. Ratios are to the union of two " +
      "RateLimiterRedis (the same two windows).",
    "",
    "| contender | conc. | calls/s | p50 ms | p99 ms | refused | client CPU µs/call | Redis CPU µs/call | calls/s × union | p50 × union | p99 × union |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map((row) => {
      const union = base(row);
      const ratio = (a: number, b: number | undefined) =>
        b ? fixed(a / b, 2) : "";
      return [
        `| ${row.contender} | ${row.concurrency} | ${fixed(row.throughput)}`,
        ms(row.p50Us),
        ms(row.p99Us),
        row.refused,
        fixed(row.clientCpuUsPerCall),
        fixed(row.redisCpuUsPerCall),
        ratio(row.throughput, union?.throughput),
        ratio(row.p50Us, union?.p50Us),
        `${ratio(row.p99Us, union?.p99Us)} |`,
      ].join(" | ");
    }),
    "",
  ];
}

/** Section 6. */
export function hotpathSection(rows: readonly HotpathRow[]): string[] {
  return [
    "## 6. The hot path in-process (no gRPC)",
    "",
    "CPU µs per call in one process, in-memory store, the bench policy; " +
      "`screen` includes validation, the state read, labels, rules, commit and the response message.",
    "",
    "| n | decode µs | screen µs | encode µs | total µs | Screens timed | decode µs, protobuf-es | encode µs, protobuf-es |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map(
      (r) =>
        `| ${r.size} | ${fixed(r.decodeUs)} | ${fixed(r.screenUs)} | ${fixed(r.encodeUs)} | ${fixed(r.decodeUs + r.screenUs + r.encodeUs)} | ${r.calls} | ${fixed(r.decodeReflectiveUs)} | ${fixed(r.encodeReflectiveUs)} |`,
    ),
    "",
    "Decode and encode are the server's Screen codec (`src/wire`); the last " +
      "two columns time protobuf-es's reflective `fromBinary` and " +
      "`toBinary` on the same bytes, batch for batch in turn.",
    "",
    ...hotpathPartsTable(rows),
  ];
}

/**
 * The decision by part: each rule's apply and the label derivation, µs per
 * Screen, one column per list size; what is left of `screen` (validation,
 * state read, commit, response) is the difference.
 */
function hotpathPartsTable(rows: readonly HotpathRow[]): string[] {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r.parts)))];
  if (keys.length === 0) return [];
  const rest = (r: HotpathRow) =>
    r.screenUs - Object.values(r.parts).reduce((a, b) => a + b, 0);
  return [
    "The decision by part, µs per Screen (timed in passes of their own):",
    "",
    `| part | ${rows.map((r) => `n = ${r.size}`).join(" | ")} |`,
    `| --- | ${rows.map(() => "---:").join(" | ")} |`,
    ...keys.map(
      (key) =>
        `| ${key} | ${rows.map((r) => fixed(r.parts[key] ?? 0)).join(" | ")} |`,
    ),
    `| everything else | ${rows.map((r) => fixed(rest(r))).join(" | ")} |`,
    "",
  ];
}

/** Section 7. */
export function coldSection(rows: readonly ColdRow[]): string[] {
  return [
    "## 7. A fresh server",
    "",
    "Screens of 20 candidates, 4 at a time, to a pushguard just started " +
      "(in-memory store, the run's policy): the first batches run code V8 " +
      "has not optimised yet and, through tsx, modules compiled on first use.",
    "",
    "| server | batch | p50 ms | max ms |",
    "| --- | --- | ---: | ---: |",
    ...rows.map(
      (r) =>
        `| ${r.server} | ${r.batch} | ${fixed(r.p50Ms, 1)} | ${fixed(r.maxMs, 1)} |`,
    ),
    "",
  ];
}
