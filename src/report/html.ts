import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { chartSpecs, type ChartSpec } from "./charts.js";
import {
  changedItemsTable,
  changesTable,
  decisionsTable,
  measuresTable,
  removalsTable,
  runLabels,
  topicsTable,
  transitionsTable,
  type Table,
} from "./figures.js";
import type { ReplayReport } from "./model.js";

/**
 * The replay as one self-contained HTML file: Chart.js is inlined from the
 * installed package and the figures are embedded as JSON, so the report
 * opens from disk, from a CI artifact or an e-mail with no network at all.
 */
export function replayHtml(report: ReplayReport): string {
  const specs = chartSpecs(report);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pushguard replay of ${escapeHtml(report.input)}</title>
<style>${STYLE}</style>
</head>
<body>
${body(report, specs)}
<script type="application/json" id="chart-specs">${jsonForScript(specs)}</script>
<script>${inlineScript(chartJsSource())}</script>
<script>${DRAW_CHARTS}</script>
</body>
</html>
`;
}

function body(report: ReplayReport, specs: readonly ChartSpec[]): string {
  const canvas = (id: string) => {
    const spec = specs.find((s) => s.id === id);
    if (spec === undefined) return "";
    return `<div class="chart"><canvas id="${spec.id}" role="img" aria-label="${escapeHtml(spec.title)}"></canvas></div>`;
  };
  const policies = runLabels(report)
    .map((label) => `<li>${escapeHtml(label)}</li>`)
    .join("");
  return [
    `<h1>pushguard replay of ${escapeHtml(report.input)}</h1>`,
    `<p>${report.requests} requests, ${report.candidates} candidates, ${report.invalidLines} invalid lines skipped.</p>`,
    `<ul>${policies}</ul>`,
    section("Decisions", table(decisionsTable(report))),
    section(
      "Removals per rule",
      canvas("removals") + table(removalsTable(report)),
    ),
    shadow(report),
    section(
      "Topic distribution",
      canvas("topics") + table(topicsTable(report)),
    ),
    section(
      "Diversity, coverage and capped classes",
      `<p>Ranker top-k: the ranker's own first <code>slots</code> items of each list, unscreened.</p>` +
        canvas("diversity") +
        canvas("capped") +
        table(measuresTable(report)),
    ),
    changes(report, canvas("transitions")),
  ].join("\n");
}

function shadow(report: ReplayReport): string {
  const shadowTable = removalsTable(report, true);
  if (shadowTable.rows.length === 0) return "";
  return section("Would drop (shadow rules, not applied)", table(shadowTable));
}

function changes(report: ReplayReport, chart: string): string {
  const summary = changesTable(report);
  const transitions = transitionsTable(report);
  const items = changedItemsTable(report);
  if (!summary || !transitions || !items) return "";
  return section(
    "Items whose fate changed",
    table(summary) +
      chart +
      table(transitions) +
      `<h3>Admitted by one policy only (first ${items.rows.length})</h3>` +
      table(items),
  );
}

function section(title: string, content: string): string {
  return `<section><h2>${escapeHtml(title)}</h2>${content}</section>`;
}

function table(data: Table): string {
  if (data.rows.length === 0) return "<p>none</p>";
  const row = (cells: readonly string[], tag: string) =>
    `<tr>${cells.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join("")}</tr>`;
  return `<table><thead>${row(data.header, "th")}</thead><tbody>${data.rows
    .map((r) => row(r, "td"))
    .join("")}</tbody></table>`;
}

/** Text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** JSON that cannot close its script element or open a comment. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

function inlineScript(source: string): string {
  return source.replace(/<\/script/gi, "<\\/script");
}

let chartJs: string | undefined;

/**
 * The minified UMD build of the installed Chart.js. The package exports
 * only its module builds, so the file is found beside its main entry.
 */
export function chartJsSource(): string {
  if (chartJs === undefined) {
    const main = createRequire(import.meta.url).resolve("chart.js");
    chartJs = readFileSync(
      path.join(path.dirname(main), "chart.umd.min.js"),
      "utf8",
    );
  }
  return chartJs;
}

/** Draws every chart, then records how many for the screenshot test. */
const DRAW_CHARTS = `
(function () {
  var specs = JSON.parse(document.getElementById("chart-specs").textContent);
  var drawn = 0;
  specs.forEach(function (spec) {
    var canvas = document.getElementById(spec.id);
    if (!canvas) return;
    new Chart(canvas, spec.config);
    drawn++;
  });
  document.body.setAttribute("data-charts-drawn", String(drawn));
})();
`;

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto;
  max-width: 1100px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2.2rem;
  border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
.chart { position: relative; height: 340px; margin: 1rem 0; }
table { border-collapse: collapse; margin: .8rem 0; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: .25rem .5rem; text-align: left;
  vertical-align: top; }
th { background: #f4f4f4; }
code { background: #f4f4f4; padding: 0 .2rem; }
`;
