/**
 * Summarises a V8 CPU profile (`node --cpu-prof`) of the server: where its
 * time went, by self time per function and by area (gRPC, protobuf, the
 * rules, the metrics, GC...), so a profile can be read in a results file
 * without a browser.
 *
 *   npx tsx bench/profile/summarize.ts <file.cpuprofile> [--top 25]
 */
import { readFileSync } from "node:fs";
import { Command } from "commander";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Self time of one function or area, in ms and as a share of busy time. */
export interface Share {
  readonly name: string;
  readonly ms: number;
  readonly share: number;
}

/** Where a profile's time went. */
export interface ProfileSummary {
  readonly totalMs: number;
  readonly idleMs: number;
  /**
   * Busy time before the first Screen (module loading, the policy's
   * compilation), left out of every other figure: it is paid once per
   * process, not per call.
   */
  readonly startupMs: number;
  readonly functions: Share[];
  readonly areas: Share[];
  /** Inclusive time of the areas that mean one thing each. */
  readonly inclusive: Share[];
}

/** Areas by the file a function comes from; first match wins. */
const AREAS: readonly (readonly [string, RegExp])[] = [
  ["grpc-js", /node_modules\/@grpc\//],
  ["protobuf-es", /node_modules\/@bufbuild\//],
  ["prom-client", /node_modules\/prom-client\//],
  ["pino", /node_modules\/(pino|sonic-boom|thread-stream)/],
  ["ioredis", /node_modules\/(ioredis|@ioredis|redis-parser|denque)/],
  ["luxon", /node_modules\/luxon\//],
  ["other node_modules", /node_modules\//],
  ["pushguard text (word lists, similarity)", /\/src\/text\//],
  ["pushguard rerank", /\/src\/rerank\//],
  ["pushguard rules", /\/src\/(rules|labels|links|sources)\//],
  ["pushguard pipeline", /\/src\/pipeline\//],
  ["pushguard service", /\/src\/service\//],
  ["pushguard metrics", /\/src\/metrics\//],
  ["pushguard decision log", /\/src\/decision-log\//],
  ["pushguard store", /\/src\/store\//],
  ["pushguard server", /\/src\/server\//],
  ["pushguard codec", /\/src\/wire\//],
  ["pushguard other", /\/src\//],
  ["node internals", /^node:/],
];

/** Functions whose inclusive time answers "what does this step cost". */
const STEPS: readonly (readonly [string, RegExp])[] = [
  ["decode request", /^(fromBinary|decodeScreenRequest)$/],
  ["encode response", /^(toBinary|encodeScreenResponse)$/],
  ["screen (whole decision)", /^screen$/],
  ["runPipeline (rules)", /^runPipeline$/],
  ["validateScreenRequest", /^validateScreenRequest$/],
  ["label derive", /^derive$/],
  ["response message", /^screenResponse$/],
  ["metrics: observeDecision", /^observeDecision$/],
  ["metrics: rpc timer", /^(startTimer|endTimer|observe)$/],
  ["randomUUID", /^randomUUID$/],
];

function areaOf(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (functionName === "(garbage collector)") return "GC";
  if (functionName === "(program)") return "V8 program (native)";
  if (functionName === "(idle)") return "(idle)";
  for (const [name, pattern] of AREAS) if (pattern.test(url)) return name;
  return url === "" ? "native / builtins" : "other";
}

/** Reads a profile and sums self and inclusive times. */
export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const serving = firstScreenSample(profile);
  const self = selfTimes(profile, serving);
  const startup = selfTimes(profile, 0, serving);
  const startupMs = sumWhere(profile, startup, (n) => areaOf(n) !== "(idle)");
  const idleMs = sumWhere(profile, self, (n) => areaOf(n) === "(idle)");
  const totalMs = [...self.values()].reduce((a, b) => a + b, 0);
  const busyMs = totalMs - idleMs;
  const functions = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const [id, ms] of self) {
    const node = byId.get(id);
    if (!node || areaOf(node) === "(idle)") continue;
    add(functions, functionLabel(node), ms);
    add(areas, areaOf(node), ms);
  }
  return {
    totalMs,
    idleMs,
    startupMs,
    functions: shares(functions, busyMs).slice(0, top),
    areas: shares(areas, busyMs),
    inclusive: inclusiveSteps(profile, self, busyMs),
  };
}

/** Self time of each node over samples [from, to). */
function selfTimes(
  profile: CpuProfile,
  from: number,
  to = profile.samples.length,
): Map<number, number> {
  const self = new Map<number, number>();
  for (let i = from; i < to; i++) {
    add(self, profile.samples[i] ?? 0, (profile.timeDeltas[i] ?? 0) / 1000);
  }
  return self;
}

/** Index of the first sample taken inside `screen`; 0 when there is none. */
function firstScreenSample(profile: CpuProfile): number {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const inScreen = (id: number): boolean => {
    for (
      let at: number | undefined = id;
      at !== undefined;
      at = parent.get(at)
    ) {
      if (byId.get(at)?.callFrame.functionName === "screen") return true;
    }
    return false;
  };
  const first = profile.samples.findIndex(inScreen);
  return first < 0 ? 0 : first;
}

function sumWhere(
  profile: CpuProfile,
  self: Map<number, number>,
  match: (node: ProfileNode) => boolean,
): number {
  let ms = 0;
  for (const node of profile.nodes) {
    if (match(node)) ms += self.get(node.id) ?? 0;
  }
  return ms;
}

/** Inclusive time of each step, counting nested calls of one step once. */
function inclusiveSteps(
  profile: CpuProfile,
  self: Map<number, number>,
  busyMs: number,
): Share[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  const walk = (id: number, open: ReadonlySet<string>) => {
    const node = byId.get(id);
    if (!node) return;
    const steps = STEPS.filter(([, re]) => re.test(node.callFrame.functionName))
      .map(([name]) => name)
      .filter((name) => !open.has(name));
    const inside = new Set([...open, ...steps]);
    for (const name of inside) add(totals, name, self.get(id) ?? 0);
    for (const child of node.children ?? []) walk(child, inside);
  };
  const root = profile.nodes[0];
  if (root) walk(root.id, new Set());
  return shares(totals, busyMs);
}

function functionLabel(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*\/(node_modules|src)\//, "$1/");
  const name = functionName || "(anonymous)";
  return file ? `${name} ${file}:${lineNumber + 1}` : name;
}

function add<K>(map: Map<K, number>, key: K, ms: number): void {
  map.set(key, (map.get(key) ?? 0) + ms);
}

function shares(map: Map<string, number>, busyMs: number): Share[] {
  return [...map]
    .map(([name, ms]) => ({ name, ms, share: busyMs ? ms / busyMs : 0 }))
    .sort((a, b) => b.ms - a.ms);
}

/** Markdown tables of a summary. */
export function profileMarkdown(summary: ProfileSummary): string[] {
  const busy = summary.totalMs - summary.idleMs;
  const table = (title: string, rows: Share[]) => [
    `| ${title} | ms | share of busy time |`,
    "| --- | ---: | ---: |",
    ...rows.map(
      (row) =>
        `| ${row.name.replace(/\|/g, "\\|")} | ${row.ms.toFixed(0)} | ${(row.share * 100).toFixed(1)}% |`,
    ),
    "",
  ];
  return [
    `Profiled ${(summary.totalMs / 1000).toFixed(1)} s from the first ` +
      `Screen on, busy ${(busy / 1000).toFixed(1)} s; start-up before it ` +
      `(modules, policy) took ${(summary.startupMs / 1000).toFixed(1)} s ` +
      "and is left out.",
    "",
    ...table("area (self time)", summary.areas),
    ...table("step (inclusive time)", summary.inclusive),
    ...table("function (self time)", summary.functions),
  ];
}

function main(): void {
  const program = new Command()
    .argument("<profile>", "a .cpuprofile written by node --cpu-prof")
    .option("--top <n>", "functions to list", "25")
    .parse();
  const [file = ""] = program.args;
  const top = Number(program.opts<{ top: string }>().top);
  console.log(profileMarkdown(summarizeProfile(file, top)).join("\n"));
}

if (process.argv[1]?.endsWith("summarize.ts")) main();
