import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  embeddingSimilarity,
  similarityFor,
  topicSimilarity,
} from "../../src/rerank/similarity.js";
import { randomVectors, seededRandom } from "./fixtures.js";

describe("topic similarity", () => {
  const similarity = topicSimilarity([
    ["sports/football"],
    ["sports/nba"],
    ["sports/football"],
    ["tech"],
    [],
    ["sports"],
  ]);

  it.each([
    ["sibling paths share one prefix of two", 0, 1, 0.45],
    ["the same path is capped at 0.9", 0, 2, 0.9],
    ["unrelated paths", 0, 3, 0],
    ["no topics", 3, 4, 0],
    ["a parent shares one of 1 and 2", 5, 0, 0.9 / Math.SQRT2],
    ["an item with itself", 4, 4, 1],
  ])("%s", (_, i, j, expected) => {
    expect(similarity.pair(i, j)).toBeCloseTo(expected, 12);
  });

  it("gives rows equal to the pairs", () => {
    const out = new Float64Array(6);
    similarity.rowInto(0, out);
    const row = Array.from(out);
    expect(row.map((x) => Number(x.toFixed(12)))).toEqual([
      1, 0.45, 0.9, 0, 0, 0.636396103068,
    ]);
  });

  it("measures the same over 300 distinct topic lists", () => {
    const many = Array.from({ length: 300 }, (_, i) => [`sports/s${i}`]);
    const s = topicSimilarity([...many, ["sports/s0", "tech"]]);
    expect([s.pair(0, 1), s.pair(0, 0), s.pair(300, 0)]).toEqual([
      0.45,
      1,
      (0.9 * 2) / Math.sqrt(2 * 3),
    ]);
  });

  it("ignores empty segments and surrounding spaces", () => {
    const s = topicSimilarity([["/sports//football "], ["sports/football"]]);
    expect(s.pair(0, 1)).toBe(0.9);
  });

  it("rejects a ceiling of 1, which makes same-topic kernels singular", () => {
    expect(() => topicSimilarity([], { maxPairSimilarity: 1 })).toThrow(
      "maxPairSimilarity 1 must be in [0, 1)",
    );
  });
});

describe("embedding similarity", () => {
  it("is the cosine of the vectors", () => {
    const s = embeddingSimilarity([
      [3, 4],
      [4, 3],
      [0, 0],
      [-3, -4],
    ]);
    expect(s.pair(0, 1)).toBeCloseTo(24 / 25, 15);
    expect([s.pair(0, 2), s.pair(2, 2), s.pair(0, 3)]).toEqual([0, 1, -1]);
  });

  it("stays within [-1, 1] for tiny and huge vectors", () => {
    const arbVector = fc.array(
      fc.double({ min: -1e300, max: 1e300, noNaN: true }),
      { minLength: 2, maxLength: 2 },
    );
    fc.assert(
      fc.property(arbVector, arbVector, (a, b) => {
        const tiny = [
          [6.6e-161, 0],
          [2.2e-161, 0],
          [5e-324, 5e-324],
        ];
        const s = embeddingSimilarity([a, b, ...tiny, [1, 1]]);
        expect(Math.abs(s.pair(0, 1))).toBeLessThanOrEqual(1);
        expect(s.pair(2, 3)).toBe(1);
        expect(s.pair(4, 5)).toBeCloseTo(1, 15);
      }),
    );
  });

  it("names the embedding whose length differs", () => {
    expect(() => embeddingSimilarity([[1, 2], [1]])).toThrow(
      "embedding 1 has 1 dimensions, expected 2",
    );
  });

  it("names an embedding that is not finite", () => {
    expect(() =>
      embeddingSimilarity([
        [1, 2],
        [1, NaN],
      ]),
    ).toThrow("embedding 1 must be finite");
  });
});

describe("work done", () => {
  it("counts a pair as one similarity and a row as size", () => {
    const s = embeddingSimilarity([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    const out = new Float64Array(3);
    s.rowInto(2, out);
    expect(s.pair(0, 2)).toBeCloseTo(Math.SQRT1_2, 15);
    expect(Array.from(out).map((x) => x.toFixed(6))).toEqual([
      "0.707107",
      "0.707107",
      "1.000000",
    ]);
    expect(s.pairsComputed).toBe(4);
  });

  it("gives rows equal to the pairs up to rounding, from embeddings", () => {
    const random = seededRandom(3);
    const s = embeddingSimilarity(randomVectors(random, 40, 37));
    const out = new Float64Array(40);
    s.rowInto(5, out);
    out.forEach((value, j) => expect(value).toBeCloseTo(s.pair(5, j), 14));
  });
});

describe("choice of measure", () => {
  it("uses embeddings only when every candidate carries one", () => {
    const all = similarityFor([
      { topics: ["a"], embedding: [1, 0] },
      { topics: ["a"], embedding: [0, 1] },
    ]);
    const some = similarityFor([
      { topics: ["a"], embedding: [1, 0] },
      { topics: ["a"], embedding: [] },
    ]);
    expect([all.pair(0, 1), some.pair(0, 1)]).toEqual([0, 0.9]);
  });
});
