import { describe, expect, it } from "vitest";
import { formatReplaySummary } from "../../src/replay/format.js";
import type { ReplaySummary } from "../../src/replay/summary.js";

const summary: ReplaySummary = {
  requests: 500,
  ok: 498,
  errors: [
    {
      status: "INVALID_ARGUMENT",
      count: 2,
      firstMessage: "candidates[3].id: duplicate",
    },
  ],
  invalidLines: 1,
  invalidLineSamples: [{ line: 7, message: "not JSON: unexpected end" }],
  candidates: 9960,
  admitted: 1494,
  dropped: 8466,
  droppedByReason: [
    { code: "slots.exceeded", article: "Art. 5(6)", count: 6451 },
    { code: "content.label", article: "Art. 5(1)", count: 2015 },
  ],
  wouldDrop: 0,
  wouldDropByReason: [],
  latencyMs: { p50: 0.845, p99: 3.1, max: 12.5 },
  wallTimeMs: 1234.5,
};

describe("formatReplaySummary", () => {
  it("prints totals, errors, invalid lines and reasons as tables", () => {
    expect(formatReplaySummary(summary)).toBe(
      [
        "replay summary",
        "requests       500 (ok 498, errors 2)",
        "invalid lines  1",
        "candidates     9960",
        "admitted       1494 (15.0%)",
        "dropped        8466 (85.0%)",
        "would drop     0",
        "latency p50    0.845 ms",
        "latency p99    3.100 ms",
        "latency max    12.500 ms",
        "wall time      1.23 s",
        "throughput     405 requests/s",
        "",
        "errors by status",
        "status            count  first message",
        "INVALID_ARGUMENT      2  candidates[3].id: duplicate",
        "",
        "invalid lines",
        "line  why it was not sent",
        "   7  not JSON: unexpected end",
        "",
        "dropped by reason",
        "code            article    count  share",
        "slots.exceeded  Art. 5(6)   6451  76.2%",
        "content.label   Art. 5(1)   2015  23.8%",
        "",
        "would drop (shadow rules): none",
      ].join("\n"),
    );
  });

  it("leaves out empty sections and shows no latency without answers", () => {
    const text = formatReplaySummary({
      ...summary,
      ok: 0,
      errors: [],
      invalidLines: 0,
      invalidLineSamples: [],
    });
    expect(text).toContain("latency p50    -");
    expect(text).not.toContain("errors by status");
    expect(text).not.toContain("invalid lines\n");
  });

  it("says how many invalid lines it did not list", () => {
    const text = formatReplaySummary({ ...summary, invalidLines: 25 });
    expect(text).toContain("... and 24 more invalid lines");
  });
});
