/**
 * What the per-item content rules of policies/default.yaml cost on one
 * Screen of 100 real candidates, with every word list of the policy
 * loaded, and writes bench/results/per-item-rules.md.
 *
 *   npx tsx bench/rules/per-item.ts                  all cases
 *   npx tsx bench/rules/per-item.ts --case <name>    one case, printed only
 *   node --cpu-prof --import tsx bench/rules/per-item.ts --case <name>
 *                                                    profile one case
 *
 * Input: every 100th Toutiao headline (100), made into one ScreenRequest by
 * the Toutiao importer exactly as a replay makes it (kind by category,
 * topics from category and keywords, publishedAt from the id, a CAC source
 * name and the Toutiao id as source item id, source title = title). The
 * `worst` cases also give every candidate a link and push every news item
 * under the first 60% of its title, so that the link check and the title
 * measures run in full on every item instead of taking their fast paths.
 *
 * A run is what Screen does between decoding and encoding: build the items,
 * derive labels (topics and word lists), run the rules. Candidates are
 * cloned before each run, outside the timing, as a server decodes each
 * request anew (normalised titles live on the items, built per run). CPU
 * time is the process's user + system time around each run, summed.
 */
import { clone } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  CandidateKind,
  CandidateSchema,
  type Candidate,
  type ScreenRequest,
} from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { cacSourceNames } from "../../src/importers/cac-sources.js";
import { toutiaoRequests } from "../../src/importers/toutiao.js";
import { toItems } from "../../src/pipeline/item.js";
import { runPipeline, type PlacedRule } from "../../src/pipeline/pipeline.js";
import type { DecisionContext } from "../../src/pipeline/rule.js";
import { loadPolicy } from "../../src/policy/loader.js";
import type { Policy } from "../../src/policy/policy.js";
import { loadAverage, machineLines } from "../lib/machine.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../..");
const sharedData = path.resolve(repoRoot, "../shared/data");
const resultFile = path.resolve(here, "../results/per-item-rules.md");
const COMMAND = "npx tsx bench/rules/per-item.ts";

/** Rule types that decide each item on its own content (Art. 5, Art. 6). */
const CONTENT_TYPES = new Set([
  "review-approved",
  "license-required",
  "source-traceable",
  "cac-source",
  "title-faithful",
  "label-blocklist",
  "stale-burst",
  "title-bait",
  "ad-marking",
  "link-check",
  "complaint-threshold",
]);

async function realRequest(): Promise<ScreenRequest> {
  const read = (file: string) =>
    readFileSync(path.join(sharedData, file), "utf8");
  const lines = read("toutiao/titles.txt")
    .split("\n")
    .filter((_, i) => i % 100 === 0);
  const names = cacSourceNames(read("cac/news-sources.tsv"));
  const requests = toutiaoRequests(lines, names, {
    candidatesPerRequest: 100,
  });
  for await (const request of requests) return request;
  throw new Error("no request");
}

/** Every candidate with a link; news pushed under 60% of its title. */
function worstCase(candidates: readonly Candidate[]): Candidate[] {
  return candidates.map((original) => {
    const c = clone(CandidateSchema, original);
    c.links = [`https://www.toutiao.com/a${c.id}/`];
    if (c.kind === CandidateKind.NEWS) {
      const chars = [...c.sourceTitle];
      c.title = chars.slice(0, Math.ceil(chars.length * 0.6)).join("");
    }
    return c;
  });
}

function decisionContext(request: ScreenRequest): DecisionContext {
  return {
    request,
    userId: request.user?.id ?? "",
    minor: false,
    timeZone: "Asia/Shanghai",
    nowMs: request.now ? timestampMs(request.now) : Date.now(),
    slots: 100,
    state: {
      deliveries: [],
      dismissalStreak: 0,
      lastDismissalMs: undefined,
      unsubscribed: false,
    },
    stateAvailable: true,
    complaints: new Map(),
  };
}

interface Case {
  readonly name: string;
  readonly what: string;
  readonly candidates: readonly Candidate[];
  /** Rules run after the labels are derived; undefined: derive only. */
  readonly rules?: readonly PlacedRule[];
}

function allCases(policy: Policy, real: readonly Candidate[]): Case[] {
  const content = policy.rules.filter((placed) =>
    CONTENT_TYPES.has(typeOf(policy, placed)),
  );
  const worst = worstCase(real);
  const single = content.map((placed): Case => ({
    name: `rule:${placed.rule.id}`,
    what: "derive labels, then this rule alone (worst-case input)",
    candidates: worst,
    rules: [placed],
  }));
  return [
    { name: "derive", what: "derive labels only", candidates: real },
    {
      name: "derive-worst",
      what: "derive labels only (worst-case input)",
      candidates: worst,
    },
    {
      name: "content",
      what: `derive labels, the ${content.length} content rules`,
      candidates: real,
      rules: content,
    },
    {
      name: "content-worst",
      what: "the same, every item linked, news titles rewritten",
      candidates: worst,
      rules: content,
    },
    {
      name: "policy",
      what: `derive labels, all ${policy.rules.length} rules, no history`,
      candidates: real,
      rules: policy.rules,
    },
    ...single,
  ];
}

function typeOf(policy: Policy, placed: PlacedRule): string {
  const info = policy.ruleInfos.find((rule) => rule.id === placed.rule.id);
  return info?.type ?? "";
}

/** One run: items, labels, rules. Returns the admitted count. */
function runOnce(
  policy: Policy,
  c: Case,
  candidates: Candidate[],
  ctx: DecisionContext,
): number {
  const items = toItems(candidates);
  for (const item of items) policy.labels.derive(item);
  if (c.rules === undefined) return items.length;
  return runPipeline(c.rules, items, ctx).admitted.length;
}

interface Timing {
  readonly cpuMs: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly runs: number;
  readonly admitted: number;
}

function time(policy: Policy, c: Case, ctx: DecisionContext, budgetMs = 1500) {
  const fresh = () => c.candidates.map((x) => clone(CandidateSchema, x));
  let admitted = 0;
  const warmUntil = performance.now() + 300;
  while (performance.now() < warmUntil) {
    admitted = runOnce(policy, c, fresh(), ctx);
  }
  const samples: number[] = [];
  let cpuMicros = 0;
  let spent = 0;
  while (samples.length < 200 || spent < budgetMs) {
    const candidates = fresh();
    const cpu = process.cpuUsage();
    const start = performance.now();
    runOnce(policy, c, candidates, ctx);
    const wall = performance.now() - start;
    const used = process.cpuUsage(cpu);
    cpuMicros += used.user + used.system;
    samples.push(wall);
    spent += wall;
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) =>
    samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0;
  const runs = samples.length;
  const cpuMs = cpuMicros / 1000 / runs;
  return { cpuMs, medianMs: at(0.5), p99Ms: at(0.99), runs, admitted };
}

function report(
  rows: [Case, Timing][],
  policy: Policy,
  candidates: readonly Candidate[],
  started: Date,
): string {
  const kinds = new Map<string, number>();
  for (const c of candidates) {
    const kind = CandidateKind[c.kind].toLowerCase();
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  const mix = [...kinds].map(([kind, n]) => `${n} ${kind}`).join(", ");
  const lines = [
    "# Per-item content rules on 100 real candidates",
    "",
    `- date: ${started.toISOString()}`,
    ...machineLines(),
    `- load average when it finished (1, 5, 15 min): ${loadAverage()}`,
    `- command: \`${COMMAND}\``,
    `- policy: policies/default.yaml (${policy.version}), every word list`,
    "  of `labels.fromWords` and of the rules loaded",
    `- input: one ScreenRequest of 100 Toutiao headlines (every 100th line),`,
    `  built by the Toutiao importer: ${mix}`,
    "- a run: build the items, derive labels, run the rules; candidates are",
    "  cloned before each run, outside the timing, as a server decodes anew",
    "- each case warmed up for 300 ms, then timed for 1.5 s (>= 200 runs);",
    "  cpu = process user + system time per run (the steadier figure on a",
    "  shared machine), wall median and p99 per run",
    "- `rule:` cases: `rule ms` is the case's cpu minus `derive-worst`'s,",
    "  the rule's own cost on 100 candidates",
    "",
    "| case | what a run does | cpu ms | us per candidate (cpu) | rule ms | median ms | p99 ms | runs | admitted |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  const base = rows.find(([c]) => c.name === "derive-worst")?.[1].cpuMs ?? 0;
  for (const [c, t] of rows) {
    const own = c.name.startsWith("rule:") ? (t.cpuMs - base).toFixed(3) : "";
    lines.push(
      `| ${c.name} | ${c.what} | ${t.cpuMs.toFixed(3)} | ${(t.cpuMs * 10).toFixed(2)} | ${own} | ${t.medianMs.toFixed(3)} | ${t.p99Ms.toFixed(3)} | ${t.runs} | ${t.admitted} |`,
    );
  }
  return lines.join("\n") + "\n";
}

/** What the content rules removed from the real request, by reason. */
function removals(policy: Policy, c: Case, ctx: DecisionContext): string[] {
  const items = toItems(c.candidates.map((x) => clone(CandidateSchema, x)));
  for (const item of items) policy.labels.derive(item);
  const verdict = runPipeline(c.rules ?? [], items, ctx);
  const counts = new Map<string, number>();
  for (const { reason } of verdict.dropped) {
    const key = `${reason.ruleId} ${reason.code}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const lines = [...counts].map(([key, n]) => `- ${key}: ${n}`);
  return [
    "",
    "What the content rules removed from the real request:",
    "",
    ...lines,
  ];
}

async function main() {
  const policy = await loadPolicy(path.join(repoRoot, "policies/default.yaml"));
  const request = await realRequest();
  const ctx = decisionContext(request);
  const cases = allCases(policy, request.candidates);
  const args = process.argv.slice(2);
  if (args.includes("--case")) {
    const only = args[args.indexOf("--case") + 1];
    const c = cases.find((x) => x.name === only);
    if (c === undefined) {
      const names = cases.map((x) => x.name).join("\n  ");
      throw new Error(`unknown case ${only}; cases:\n  ${names}`);
    }
    console.log(c.name, time(policy, c, ctx, 5000));
    return;
  }
  const started = new Date();
  const rows = cases.map((c): [Case, Timing] => {
    const t = time(policy, c, ctx);
    console.log(c.name, t.cpuMs.toFixed(3), t.medianMs.toFixed(3));
    return [c, t];
  });
  const content = cases.find((c) => c.name === "content");
  const removed = content === undefined ? [] : removals(policy, content, ctx);
  const text = report(rows, policy, request.candidates, started);
  writeFileSync(resultFile, text + removed.join("\n") + "\n");
  console.log(`wrote ${path.relative(process.cwd(), resultFile)}`);
}

await main();
