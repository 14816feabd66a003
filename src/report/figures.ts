import { CAPPED_CLASSES, type ListMeasures } from "./measures.js";
import type { PolicyRunReport, ReplayReport } from "./model.js";

/**
 * The figures of a report as rows, shared by the markdown and the HTML so
 * the two never disagree. Each table has a header and rows of cells.
 */
export interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** `A default@…` and `B tight@…`: how columns name the policies. */
export function runLabels(report: ReplayReport): string[] {
  return report.runs.map((run, i) => `${"AB"[i] ?? i} ${run.version}`);
}

/** Requests and candidates per outcome, per policy. */
export function decisionsTable(report: ReplayReport): Table {
  const cell = (run: PolicyRunReport, pick: (r: PolicyRunReport) => number) =>
    withShare(pick(run), report.candidates);
  const row = (name: string, pick: (r: PolicyRunReport) => number) => [
    name,
    ...report.runs.map((run) => cell(run, pick)),
  ];
  return {
    header: ["", ...runLabels(report)],
    rows: [
      ["requests decided", ...report.runs.map((run) => String(run.ok))],
      ["requests refused", ...report.runs.map(refusals)],
      row("admitted", (r) => r.admitted),
      row("dropped", (r) => r.dropped),
      row("would drop (shadow)", (r) => r.wouldDrop),
    ],
  };
}

function refusals(run: PolicyRunReport): string {
  if (run.errors.length === 0) return "0";
  return run.errors.map((e) => `${e.count} ${e.status}`).join(", ");
}

/** Removals per rule, every rule of either run, with the change. */
export function removalsTable(report: ReplayReport, shadow = false): Table {
  const pick = (run: PolicyRunReport) =>
    shadow ? run.wouldDropByRule : run.removalsByRule;
  const rules = ruleOrder(report.runs.map(pick));
  const rows = rules.map(({ ruleId, article }) => {
    const found = report.runs.map((run) =>
      pick(run).find((r) => r.ruleId === ruleId),
    );
    const counts = found.map((r) => r?.count ?? 0);
    // Each run's codes: a variant may keep a rule's total and change what
    // it removes for (list.slots becoming cap.disaster_list).
    const codes = [...new Set(found.map((r) => topCodes(r?.codes ?? [])))];
    return [
      ruleId,
      article,
      ...counts.map(String),
      ...delta(counts),
      codes.join(" → "),
    ];
  });
  const change = report.runs.length === 2 ? ["change"] : [];
  return {
    header: ["rule", "article", ...runLabels(report), ...change, "codes"],
    rows,
  };
}

/** `label.gossip 990, label.vulgar 5`: the three most frequent codes. */
function topCodes(codes: readonly { code: string; count: number }[]) {
  const top = codes.slice(0, 3).map((c) => `${c.code} ${c.count}`);
  return codes.length > 3 ? `${top.join(", ")}, ...` : top.join(", ");
}

function ruleOrder(lists: readonly PolicyRunReport["removalsByRule"][]) {
  const seen = new Map<string, { ruleId: string; article: string }>();
  for (const list of lists) {
    for (const { ruleId, article } of list) {
      if (!seen.has(ruleId)) seen.set(ruleId, { ruleId, article });
    }
  }
  return [...seen.values()];
}

function delta(counts: readonly number[]): string[] {
  if (counts.length !== 2) return [];
  const change = (counts[1] ?? 0) - (counts[0] ?? 0);
  return [change > 0 ? `+${change}` : String(change)];
}

/** Diversity, coverage and capped-class shares: baseline, then each run. */
export function measuresTable(report: ReplayReport): Table {
  const all = [report.before, ...report.runs.map((run) => run.measures)];
  const row = (name: string, value: (m: ListMeasures) => string) => [
    name,
    ...all.map(value),
  ];
  return {
    header: ["measure", "ranker top-k", ...runLabels(report)],
    rows: [
      row("lists pushed", (m) => String(m.lists)),
      row("items pushed", (m) => String(m.items)),
      row("mean intra-list diversity", (m) => fixed(m.meanIntraListDiversity)),
      row("mean topics per list", (m) => fixed(m.meanTopicsPerList)),
      row("topic coverage", (m) => percent(m.topicCoverage)),
      ...CAPPED_CLASSES.map((cls) =>
        row(`${cls} share`, (m) => percent(m.cappedShare[cls] ?? 0)),
      ),
      row("mean ranker score", (m) => fixed(m.meanScore)),
    ],
  };
}

/** Share of items per top-level topic, most offered first. */
export function topicsTable(report: ReplayReport): Table {
  const offered = Object.entries(report.offeredTopics).sort(
    (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]),
  );
  const columns = [
    { topics: report.offeredTopics, total: report.candidates },
    { topics: report.before.topics, total: report.before.items },
    ...report.runs.map((run) => ({
      topics: run.measures.topics,
      total: run.measures.items,
    })),
  ];
  return {
    header: ["topic", "offered", "ranker top-k", ...runLabels(report)],
    rows: offered.map(([topic]) => [
      topic,
      ...columns.map((c) => percent((c.topics[topic] ?? 0) / (c.total || 1))),
    ]),
  };
}

const ADMITTED = "admitted";

/** How many items changed fate, by kind of change. */
export function changesTable(report: ReplayReport): Table | undefined {
  const changes = report.changes;
  if (changes === undefined) return undefined;
  const count = (test: (t: { from: string; to: string }) => boolean) =>
    changes.transitions.filter(test).reduce((sum, t) => sum + t.count, 0);
  return {
    header: ["change", "candidates"],
    rows: [
      ["compared", String(changes.compared)],
      [
        "admitted by A, dropped by B",
        String(count((t) => t.from === ADMITTED)),
      ],
      ["dropped by A, admitted by B", String(count((t) => t.to === ADMITTED))],
      ["dropped by both, another first reason", String(changes.reasonChanged)],
      ["admitted by both, another rank", String(changes.reranked)],
    ],
  };
}

/** Counts per (fate under A, fate under B), most frequent first. */
export function transitionsTable(report: ReplayReport): Table | undefined {
  const changes = report.changes;
  if (changes === undefined) return undefined;
  return {
    header: ["under A", "under B", "candidates"],
    rows: changes.transitions.map((t) => [t.from, t.to, String(t.count)]),
  };
}

/** The sampled items admitted by one policy only, with their titles. */
export function changedItemsTable(
  report: ReplayReport,
  limit = Infinity,
): Table | undefined {
  const changes = report.changes;
  if (changes === undefined) return undefined;
  return {
    header: ["request", "candidate", "topic", "labels", "title", "A", "B"],
    rows: changes.sample
      .slice(0, limit)
      .map((item) => [
        item.requestId,
        item.candidateId,
        item.topic,
        item.labels.join(" "),
        item.title,
        item.before,
        item.after,
      ]),
  };
}

/** `734 (7.3%)`: a count with its share of a total. */
export function withShare(count: number, total: number): string {
  return total === 0 ? String(count) : `${count} (${percent(count / total)})`;
}

/** A share in [0, 1] as a percentage with one decimal. */
export function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function fixed(value: number | null): string {
  return value === null ? "n/a" : value.toFixed(3);
}
