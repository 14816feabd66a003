import type { ReasonCount, ReplaySummary } from "./summary.js";

/**
 * The replay summary as plain-text tables for a terminal: the totals, then
 * errors by status, invalid lines, and removals by reason code and article,
 * so the first screen answers "did it work, and which rules fired".
 */
export function formatReplaySummary(summary: ReplaySummary): string {
  return [
    totals(summary),
    errors(summary),
    invalidLines(summary),
    reasons("dropped by reason", summary.droppedByReason, summary.dropped),
    reasons(
      "would drop (shadow rules)",
      summary.wouldDropByReason,
      summary.wouldDrop,
    ),
  ]
    .filter((section) => section !== "")
    .join("\n\n");
}

function totals(s: ReplaySummary): string {
  const failed = s.requests - s.ok;
  const rate = s.wallTimeMs > 0 ? (s.requests * 1000) / s.wallTimeMs : 0;
  const latency = (ms: number) => (s.ok > 0 ? `${ms.toFixed(3)} ms` : "-");
  return `replay summary\n${table([
    ["requests", `${s.requests} (ok ${s.ok}, errors ${failed})`],
    ["invalid lines", String(s.invalidLines)],
    ["candidates", String(s.candidates)],
    ["admitted", withShare(s.admitted, s.candidates)],
    ["dropped", withShare(s.dropped, s.candidates)],
    ["would drop", String(s.wouldDrop)],
    ["latency p50", latency(s.latencyMs.p50)],
    ["latency p99", latency(s.latencyMs.p99)],
    ["latency max", latency(s.latencyMs.max)],
    ["wall time", `${(s.wallTimeMs / 1000).toFixed(2)} s`],
    ["throughput", `${rate.toFixed(0)} requests/s`],
  ])}`;
}

function errors(s: ReplaySummary): string {
  if (s.errors.length === 0) return "";
  const rows = s.errors.map((e) => [e.status, String(e.count), e.firstMessage]);
  const header = ["status", "count", "first message"];
  return `errors by status\n${table([header, ...rows], [1])}`;
}

function invalidLines(s: ReplaySummary): string {
  if (s.invalidLines === 0) return "";
  const rows = s.invalidLineSamples.map((l) => [String(l.line), l.message]);
  const more = s.invalidLines - s.invalidLineSamples.length;
  const note = more > 0 ? `\n... and ${more} more invalid lines` : "";
  const header = ["line", "why it was not sent"];
  return `invalid lines\n${table([header, ...rows], [0])}${note}`;
}

function reasons(
  title: string,
  counts: readonly ReasonCount[],
  total: number,
): string {
  if (counts.length === 0) return `${title}: none`;
  const rows = counts.map((r) => [
    r.code,
    r.article,
    String(r.count),
    percent(r.count, total),
  ]);
  const header = ["code", "article", "count", "share"];
  return `${title}\n${table([header, ...rows], [2, 3])}`;
}

function withShare(count: number, total: number): string {
  return total > 0 ? `${count} (${percent(count, total)})` : String(count);
}

function percent(count: number, total: number): string {
  return total > 0 ? `${((count * 100) / total).toFixed(1)}%` : "-";
}

/**
 * Rows padded to the widest cell of each column, two spaces apart, with no
 * trailing spaces; columns listed in `right` are right-aligned (numbers).
 */
function table(
  rows: readonly (readonly string[])[],
  right: readonly number[] = [],
): string {
  const columns = Math.max(...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, c) =>
    Math.max(...rows.map((row) => (row[c] ?? "").length)),
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, c) => pad(cell, widths[c] ?? 0, right.includes(c)))
      .join("  ")
      .trimEnd();
  return rows.map(line).join("\n");
}

function pad(cell: string, width: number, right: boolean): string {
  return right ? cell.padStart(width) : cell.padEnd(width);
}
