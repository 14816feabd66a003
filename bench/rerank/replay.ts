/**
 * Replays real lists through the Art. 5(4) re-rankers and writes
 * bench/results/diversity-replay.md.
 *
 *   npx tsx bench/rerank/replay.ts
 *
 * Lists: every Toutiao request (`importToutiao`, 500 lists of 20 real
 * headlines), every MIND news list (`importMindNewsLists`, 100 lists of
 * 20) and every resolvable MIND impression (`importMindImpressions`, real
 * users and times). Labels are the default policy's derivations (topic
 * mapping and word lists), so the capped classes are what the service
 * would see.
 *
 * Two replays per data set:
 *
 * 1. The whole Screen path (`screen()`, committing to one in-memory store
 *    per policy) under three policies that differ only in rule
 *    `diversity-rerank`: `before` replaces it with a `slots` rule (the
 *    ranker's order cut to the slots), `mmr` uses MMR at lambda 0.7,
 *    `dpp` is policies/default.yaml (DPP, alpha 2). Every other rule acts
 *    as in production (content rules, caps, quiet hours).
 * 2. The rule alone on each raw list at 10 slots, no history: before is
 *    the ranker's first 10.
 *
 * Every admitted list is audited (`auditList`, counting apart from the
 * re-ranker) against the default policy's Art. 5(4) limits, with the
 * user's earlier pushes of that replay (their true classes, minors
 * included) for the window caps.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ScreenRequest } from "../../src/gen/pushguard/v1/pushguard_pb.js";
import {
  importMindImpressions,
  importMindNewsLists,
} from "../../src/importers/mind.js";
import { importToutiao } from "../../src/importers/toutiao.js";
import { toItems, type Item } from "../../src/pipeline/item.js";
import type { DecisionContext, Rule } from "../../src/pipeline/rule.js";
import { loadPolicy } from "../../src/policy/loader.js";
import type { Policy } from "../../src/policy/policy.js";
import { CAPPED_CLASSES } from "../../src/report/measures.js";
import { RULE_TYPES } from "../../src/rules/index.js";
import {
  auditedItem,
  auditList,
} from "../../src/rules/list/diversity-audit.js";
import {
  diversityParamsSchema,
  type DiversityParams,
} from "../../src/rules/list/diversity-params.js";
import { listFigures } from "../../src/rules/list/list-measures.js";
import { ServiceError } from "../../src/service/errors.js";
import { PolicyHolder } from "../../src/service/policy-holder.js";
import { screen, type Decision } from "../../src/service/screen.js";
import { MemoryStore } from "../../src/store/memory.js";
import { loadAverage, machineLines } from "../lib/machine.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../..");
const sharedData = path.resolve(repoRoot, "../shared/data");
const resultFile = path.join(repoRoot, "bench/results/diversity-replay.md");
const DEFAULT_POLICY = path.join(repoRoot, "policies/default.yaml");
const RULE_ID = "diversity-rerank";
const ALONE_SLOTS = 10;

/** A pushed item as the window audit needs it. */
interface Pushed {
  readonly atMs: number;
  readonly classes: readonly string[];
}

/** Running totals over the admitted lists of one replay. */
class Tally {
  lists = 0;
  items = 0;
  #ildSum = 0;
  #ildLists = 0;
  #coverageSum = 0;
  #scoreSum = 0;
  readonly #classItems = new Map<string, number>();
  broken = 0;
  readonly brokenSamples: string[] = [];
  /** Removals by rule diversity-rerank, by reason code. */
  readonly cuts = new Map<string, number>();
  perListMs: number[] = [];

  add(list: readonly Item[], problems: readonly string[]) {
    if (problems.length > 0) {
      this.broken++;
      if (this.brokenSamples.length < 3)
        this.brokenSamples.push(problems[0] ?? "");
    }
    const figures = listFigures(list);
    if (figures === undefined) return;
    this.lists++;
    this.items += list.length;
    this.#coverageSum += figures.topicCoverage;
    if (figures.intraListDiversity !== undefined) {
      this.#ildSum += figures.intraListDiversity;
      this.#ildLists++;
    }
    for (const item of list) this.#addItem(item);
  }

  #addItem(item: Item) {
    this.#scoreSum += item.candidate.score;
    for (const cls of CAPPED_CLASSES) {
      if (item.labels.has(cls)) {
        this.#classItems.set(cls, (this.#classItems.get(cls) ?? 0) + 1);
      }
    }
  }

  /** `cap.disaster_list 3, list.slots 40`: the rule's removals by code. */
  cutsText(): string {
    const counts = [...this.cuts].sort((a, b) => b[1] - a[1]);
    return counts.map(([code, n]) => `${code} ${n}`).join(", ") || "none";
  }

  row(name: string): string[] {
    const share = (cls: string) =>
      pct((this.#classItems.get(cls) ?? 0) / this.items);
    return [
      name,
      String(this.lists),
      String(this.items),
      fixed(this.#ildSum / this.#ildLists, 3),
      fixed(this.#coverageSum / this.lists, 3),
      ...CAPPED_CLASSES.map(share),
      fixed(this.#scoreSum / this.items, 3),
      String(this.broken),
    ];
  }
}

const fixed = (n: number, digits: number) =>
  Number.isFinite(n) ? n.toFixed(digits) : "n/a";
const pct = (n: number) =>
  Number.isFinite(n) ? `${(n * 100).toFixed(1)}%` : "n/a";

/** The default policy and two variants differing only in the re-ranker. */
async function policies(dir: string) {
  const dpp = await loadPolicy(DEFAULT_POLICY);
  const params = diversityParams(dpp);
  const article = "Art. 5(4)";
  const variant = async (name: string, rule: object) => {
    const file = path.join(dir, `${name}.yaml`);
    const body = {
      extends: DEFAULT_POLICY,
      name,
      rules: [{ id: RULE_ID, article, ...rule }],
    };
    await writeFile(file, JSON.stringify(body, null, 2));
    return loadPolicy(file);
  };
  const before = await variant("before", { type: "slots" });
  const mmr = await variant("mmr", {
    type: RULE_ID,
    params: { ...params, method: { kind: "mmr", lambda: 0.7 } },
  });
  return { params, runs: { before, mmr, dpp } };
}

function diversityParams(policy: Policy): DiversityParams {
  const info = policy.ruleInfos.find((rule) => rule.id === RULE_ID);
  return diversityParamsSchema.parse(info?.params);
}

/** Replays requests through one policy, auditing every admitted list. */
async function replayScreens(
  requests: readonly ScreenRequest[],
  policy: Policy,
  params: DiversityParams,
): Promise<Tally> {
  const tally = new Tally();
  const pushed = new Map<string, Pushed[]>();
  let decision: Decision | undefined;
  const deps = {
    policies: new PolicyHolder(policy),
    store: new MemoryStore(),
    onDecision: (d: Decision) => (decision = d),
  };
  for (const request of requests) {
    decision = undefined;
    try {
      await screen(deps, request);
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
    }
    if (decision !== undefined) record(decision, params, pushed, tally);
  }
  await deps.store.close();
  return tally;
}

function record(
  decision: Decision,
  params: DiversityParams,
  pushed: Map<string, Pushed[]>,
  tally: Tally,
) {
  const { ctx, verdict, response } = decision;
  for (const { reason } of verdict.dropped) {
    if (reason.ruleId !== RULE_ID) continue;
    tally.cuts.set(reason.code, (tally.cuts.get(reason.code) ?? 0) + 1);
  }
  const history = pushed.get(ctx.userId) ?? [];
  const audit = { slots: ctx.slots, nowMs: ctx.nowMs, history };
  tally.add(
    verdict.admitted,
    auditList(verdict.admitted.map(auditedItem), params, audit),
  );
  if (!response.committed) return;
  const classes = (item: Item) => [...item.labels.keys()];
  const added = verdict.admitted.map((item) => ({
    atMs: ctx.nowMs,
    classes: classes(item),
  }));
  pushed.set(ctx.userId, [...history, ...added]);
}

/** The rule alone on each raw list, against the ranker's first slots. */
function replayAlone(
  requests: readonly ScreenRequest[],
  policy: Policy,
  method: DiversityParams["method"],
) {
  const params = { ...diversityParams(policy), method };
  const rule = buildRule(params);
  const before = new Tally();
  const after = new Tally();
  const audit = { slots: ALONE_SLOTS, nowMs: 0, history: [] };
  for (const request of requests) {
    const items = toItems(request.candidates);
    for (const item of items) policy.labels.derive(item);
    const ranked = [...items].sort(
      (a, b) => b.candidate.score - a.candidate.score,
    );
    const top = ranked.slice(0, ALONE_SLOTS);
    before.add(top, auditList(top.map(auditedItem), params, audit));
    const started = performance.now();
    const { kept } = rule.apply(items, aloneContext(request));
    after.perListMs.push(performance.now() - started);
    after.add(kept, auditList(kept.map(auditedItem), params, audit));
  }
  return { before, after };
}

function buildRule(params: DiversityParams): Rule {
  const type = RULE_TYPES.get(RULE_ID);
  if (type === undefined) throw new Error(`no rule type ${RULE_ID}`);
  const ctx = { policyDir: repoRoot, policy: {} as never };
  return type.create({ id: RULE_ID, article: "Art. 5(4)" }, params, ctx);
}

function aloneContext(request: ScreenRequest): DecisionContext {
  return {
    request,
    userId: "replay",
    minor: false,
    timeZone: "UTC",
    nowMs: 0,
    slots: ALONE_SLOTS,
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

async function datasets(): Promise<Record<string, ScreenRequest[]>> {
  const titlesPath = path.join(sharedData, "toutiao/titles.txt");
  const sourcesPath = path.join(sharedData, "cac/news-sources.tsv");
  const newsPath = path.join(sharedData, "mind/news.tsv");
  const behaviorsPath = path.join(sharedData, "mind/behaviors.tsv");
  const toutiao = await collect(importToutiao({ titlesPath, sourcesPath }));
  const lists = await collect(importMindNewsLists({ newsPath }));
  const { requests } = await importMindImpressions({
    newsPath,
    behaviorsPath,
  });
  const impressions = `${requests.length} real impressions`;
  return {
    "Toutiao (500 lists of 20 headlines, 200 synthetic users)": toutiao,
    "MIND news lists (100 lists of 20, 100 synthetic users)": lists,
    [`MIND impressions (${impressions}, real users and times)`]: requests,
  };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** How to read the tables, written above them. */
const READING = [
  "Columns, over the admitted lists of each run: intra-list diversity is",
  "the mean over lists of two or more items of 1 - mean pairwise",
  "similarity (topic paths, the re-ranker's measure, 0.9 for two items on",
  "one topic); topic coverage is the mean of distinct top-level topics per",
  "item; a class share is the share of admitted items carrying it; mean",
  "score kept is the ranker's mean score of the admitted items; lists",
  "breaking a limit counts admitted lists that `auditList` finds over a",
  "list cap, over the room a window cap left (the user's earlier pushes",
  "of the same run, true classes, minors included), over the topic share",
  "or over a kind's maximum share of the default policy's",
  "diversity-rerank. `before` is audited against the same limits, to show",
  "what the rule prevents.",
];

const HEADER = [
  "policy",
  "lists",
  "items",
  "intra-list diversity",
  "topic coverage",
  ...CAPPED_CLASSES.map((cls) => `${cls} share`),
  "mean score kept",
  "lists breaking a limit",
];

function table(rows: string[][]): string[] {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [
    line(HEADER),
    line(HEADER.map((_, i) => (i === 0 ? "---" : "---:"))),
    ...rows.map(line),
  ];
}

async function main() {
  const started = new Date();
  const loadBefore = loadAverage();
  const dir = await mkdtemp(path.join(os.tmpdir(), "pushguard-replay-"));
  const lines: string[] = [];
  try {
    const { params, runs } = await policies(dir);
    for (const [name, requests] of Object.entries(await datasets())) {
      lines.push(...(await datasetSection(name, requests, runs, params)));
    }
  } finally {
    await rm(dir, { recursive: true });
  }
  await writeFile(resultFile, document(started, loadBefore, lines));
  console.log(`wrote ${path.relative(repoRoot, resultFile)}`);
}

async function datasetSection(
  name: string,
  requests: readonly ScreenRequest[],
  runs: Record<string, Policy>,
  params: DiversityParams,
): Promise<string[]> {
  console.log(`${name}: ${requests.length} requests`);
  const screened: string[][] = [];
  const samples: string[] = [];
  const cuts: string[] = [];
  for (const [run, policy] of Object.entries(runs)) {
    const tally = await replayScreens(requests, policy, params);
    screened.push(tally.row(run));
    samples.push(...tally.brokenSamples.map((s) => `${run}: ${s}`));
    if (run !== "before") cuts.push(`- ${run}: ${tally.cutsText()}`);
  }
  return [
    `## ${name}`,
    "",
    "Whole Screen path, default policy, 3 slots, committing:",
    "",
    ...table(screened),
    "",
    "Removals by diversity-rerank, by reason code:",
    "",
    ...cuts,
    "",
    ...brokenLines(samples),
    ...aloneSection(requests, runs.dpp as Policy),
  ];
}

function aloneSection(requests: readonly ScreenRequest[], policy: Policy) {
  const mmr = replayAlone(requests, policy, { kind: "mmr", lambda: 0.7 });
  const dpp = replayAlone(requests, policy, { kind: "dpp", alpha: 2 });
  const tallies = { before: mmr.before, mmr: mmr.after, dpp: dpp.after };
  const rows = Object.entries(tallies).map(([run, t]) => t.row(run));
  const samples = Object.entries(tallies).flatMap(([run, t]) =>
    t.brokenSamples.map((s) => `${run}: ${s}`),
  );
  const ms = (t: Tally) => median(t.perListMs).toFixed(3);
  return [
    `The rule alone on each raw list at ${ALONE_SLOTS} slots, no history; ` +
      "before is the ranker's top 10 (median time per list: " +
      `mmr ${ms(mmr.after)} ms, dpp ${ms(dpp.after)} ms):`,
    "",
    ...table(rows),
    "",
    ...brokenLines(samples),
  ];
}

function brokenLines(samples: readonly string[]): string[] {
  if (samples.length === 0) return [];
  const title = "Lists breaking a limit, up to three per run (first limit):";
  return [title, "", ...samples.map((s) => `- ${s}`), ""];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function document(started: Date, loadBefore: string, sections: string[]) {
  return [
    "# Diversity re-ranking replayed on real lists (Art. 5(4))",
    "",
    `- date: ${started.toISOString()}`,
    ...machineLines(),
    "- load average (1, 5, 15 min) at start: " +
      `${loadBefore}; at end: ${loadAverage()}`,
    "- command: `npx tsx bench/rerank/replay.ts`",
    "",
    ...READING,
    "",
    ...sections,
  ].join("\n");
}

await main();
