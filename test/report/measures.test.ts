import { describe, expect, it } from "vitest";
import {
  intraListDiversity,
  MeasureTally,
  topLevelTopic,
  type MeasuredItem,
} from "../../src/report/measures.js";

const item = (topics: string[], labels: string[] = []): MeasuredItem => ({
  topics,
  embedding: [],
  score: 0.5,
  labels: new Set(labels),
});

describe("intra-list diversity", () => {
  it.each([
    [["tech"], ["sports"], 1],
    [["sports/football"], ["sports/nba"], 0.55],
    [["tech"], ["tech"], 0.1],
  ])("of %j and %j is %d", (a, b, expected) => {
    expect(intraListDiversity([item(a), item(b)])).toBeCloseTo(expected, 9);
  });
});

describe("list measures", () => {
  it("count topics, coverage and capped classes over lists", () => {
    const tally = new MeasureTally();
    tally.add([item(["news/weather"], ["disaster"]), item(["tech"])]);
    tally.add([item(["tech/ai"])]);
    const measures = tally.result(new Set(["news", "tech", "sports"]));
    expect(measures).toMatchObject({
      lists: 2,
      items: 3,
      meanTopicsPerList: 1.5,
      topics: { news: 1, tech: 2 },
      cappedShare: { disaster: 1 / 3, vicious_case: 0, sensitive_event: 0 },
    });
    expect(measures.topicCoverage).toBeCloseTo(2 / 3, 9);
    expect(measures.meanIntraListDiversity).toBe(1);
  });

  it("has no diversity when no list holds two items", () => {
    const tally = new MeasureTally();
    tally.add([item(["tech"])]);
    expect(tally.result(new Set(["tech"])).meanIntraListDiversity).toBeNull();
  });

  it("names the top-level topic of the first path", () => {
    expect(topLevelTopic(["sports/football", "tech"])).toBe("sports");
    expect(topLevelTopic([])).toBe("(none)");
  });
});
