import { CAPPED_CLASSES } from "./measures.js";
import type { ReplayReport } from "./model.js";
import { runLabels } from "./figures.js";

/**
 * Chart.js configurations for the HTML report, built here as plain JSON so
 * that the page's own script only hands each one to `new Chart`. Animation
 * is off: the page is final as soon as it loads, for people and for the
 * screenshot test alike.
 */
export interface ChartSpec {
  /** Id of the canvas, also the anchor of its section. */
  readonly id: string;
  readonly title: string;
  readonly config: ChartConfig;
}

interface ChartConfig {
  readonly type: "bar";
  readonly data: {
    readonly labels: readonly string[];
    readonly datasets: readonly Dataset[];
  };
  readonly options: Record<string, unknown>;
}

interface Dataset {
  readonly label: string;
  readonly data: readonly (number | null)[];
  readonly backgroundColor: string;
}

/** Colour-blind-safe (Okabe-Ito): baseline grey, then A and B. */
const COLOURS = ["#999999", "#0072B2", "#E69F00", "#009E73", "#CC79A7"];

/** Every chart of the report, in page order. */
export function chartSpecs(report: ReplayReport): ChartSpec[] {
  const specs = [
    removalsChart(report),
    topicsChart(report),
    diversityChart(report),
    cappedChart(report),
  ];
  if (report.changes) specs.push(transitionsChart(report));
  return specs;
}

function removalsChart(report: ReplayReport): ChartSpec {
  const rules = [
    ...new Set(
      report.runs.flatMap((r) => r.removalsByRule.map((x) => x.ruleId)),
    ),
  ];
  const datasets = report.runs.map((run, i) =>
    dataset(
      runLabels(report)[i] ?? run.version,
      rules.map(
        (id) => run.removalsByRule.find((r) => r.ruleId === id)?.count ?? 0,
      ),
      i + 1,
    ),
  );
  return bar("removals", "Removals per rule", rules, datasets, {
    indexAxis: "y",
  });
}

function topicsChart(report: ReplayReport): ChartSpec {
  const topics = Object.entries(report.offeredTopics)
    .sort((a, b) => b[1] - a[1])
    .map(([topic]) => topic);
  const share = (counts: Readonly<Record<string, number>>, total: number) =>
    topics.map((t) => round((100 * (counts[t] ?? 0)) / (total || 1)));
  const datasets = [
    dataset("offered", share(report.offeredTopics, report.candidates), 4),
    dataset(
      "ranker top-k",
      share(report.before.topics, report.before.items),
      0,
    ),
    ...report.runs.map((run, i) =>
      dataset(
        runLabels(report)[i] ?? run.version,
        share(run.measures.topics, run.measures.items),
        i + 1,
      ),
    ),
  ];
  return bar("topics", "Topic distribution (% of items)", topics, datasets);
}

/** The ranker's own top k, then each policy run: one series per bar group. */
function measureSeries(report: ReplayReport) {
  return [
    { name: "ranker top-k", m: report.before, colour: 0 },
    ...report.runs.map((run, i) => ({
      name: runLabels(report)[i] ?? run.version,
      m: run.measures,
      colour: i + 1,
    })),
  ];
}

function diversityChart(report: ReplayReport): ChartSpec {
  const labels = ["mean intra-list diversity", "topic coverage"];
  const all = measureSeries(report);
  const datasets = all.map(({ name, m, colour }) =>
    dataset(
      name,
      [round(m.meanIntraListDiversity), round(m.topicCoverage)],
      colour,
    ),
  );
  return bar("diversity", "Diversity and coverage (0 to 1)", labels, datasets, {
    scales: { y: { min: 0, max: 1 } },
  });
}

function cappedChart(report: ReplayReport): ChartSpec {
  const all = measureSeries(report);
  const datasets = all.map(({ name, m, colour }) =>
    dataset(
      name,
      CAPPED_CLASSES.map((cls) => round(100 * (m.cappedShare[cls] ?? 0))),
      colour,
    ),
  );
  return bar(
    "capped",
    "Capped classes (% of pushed items)",
    [...CAPPED_CLASSES],
    datasets,
  );
}

function transitionsChart(report: ReplayReport): ChartSpec {
  const transitions = (report.changes?.transitions ?? []).slice(0, 15);
  const labels = transitions.map((t) => `${t.from} → ${t.to}`);
  const data = transitions.map((t) => t.count);
  return bar(
    "transitions",
    "Candidates decided differently (A → B, first reason)",
    labels,
    [dataset("candidates", data, 2)],
    { indexAxis: "y" },
  );
}

function bar(
  id: string,
  title: string,
  labels: readonly string[],
  datasets: readonly Dataset[],
  options: Record<string, unknown> = {},
): ChartSpec {
  return {
    id,
    title,
    config: {
      type: "bar",
      data: { labels, datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: { title: { display: true, text: title } },
        ...options,
      },
    },
  };
}

function dataset(
  label: string,
  data: (number | null)[],
  colour: number,
): Dataset {
  return {
    label,
    data,
    backgroundColor: COLOURS[colour % COLOURS.length] ?? "#999999",
  };
}

/** Rounded for the page; null stays null, a gap Chart.js leaves empty. */
function round<T extends number | null>(value: T): T {
  return (value === null ? null : Math.round(value * 1000) / 1000) as T;
}
