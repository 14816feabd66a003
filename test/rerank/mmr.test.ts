import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rerank } from "../../src/rerank/rerank.js";
import {
  embeddingSimilarity,
  type Similarity,
} from "../../src/rerank/similarity.js";

const value = fc.double({ min: -1, max: 1, noNaN: true });

/** Lists with ties on purpose: scores and vectors from a few levels. */
const arbList = fc
  .record({
    n: fc.integer({ min: 1, max: 12 }),
    levels: fc.array(value, { minLength: 3, maxLength: 3 }),
    picks: fc.array(fc.nat({ max: 2 }), { minLength: 48, maxLength: 48 }),
    k: fc.integer({ min: 1, max: 12 }),
  })
  .map(({ n, levels, picks, k }) => {
    const at = (x: number) => levels[picks[x % 48] ?? 0] ?? 0;
    const scores = Array.from({ length: n }, (_, i) => at(i));
    const vectors = scores.map((_, i) => [at(3 * i + 1), at(3 * i + 2), 0.5]);
    return { scores, vectors, k };
  });

function mmr(scores: number[], similarity: Similarity, k: number, l: number) {
  const method = { kind: "mmr", lambda: l } as const;
  return rerank({ scores, similarity, k, method }).selected;
}

/** Indices by score, highest first, lower index on ties. */
function byScore(scores: number[]) {
  return scores
    .map((score, index) => ({ score, index }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map(({ index }) => index);
}

describe("mmr at lambda 1", () => {
  it("keeps the ranker's order, equal scores to the lower index", () => {
    fc.assert(
      fc.property(arbList, ({ scores, vectors, k }) => {
        const picks = mmr(scores, embeddingSimilarity(vectors), k, 1);
        expect(picks).toEqual(byScore(scores).slice(0, k));
      }),
      { numRuns: 300 },
    );
  });
});

describe("mmr at lambda 0", () => {
  it("starts with the most relevant, then the least similar each time", () => {
    fc.assert(
      fc.property(arbList, ({ scores, vectors, k }) => {
        const similarity = embeddingSimilarity(vectors);
        const picks = mmr(scores, similarity, k, 0);
        expect(picks[0]).toBe(byScore(scores)[0]);
        for (let t = 1; t < picks.length; t++) {
          const nearest = (j: number) =>
            Math.max(...picks.slice(0, t).map((s) => similarity.pair(j, s)));
          const open = scores
            .map((_, j) => j)
            .filter((j) => !picks.slice(0, t).includes(j));
          const least = Math.min(...open.map(nearest));
          const tied = open.filter((j) => nearest(j) === least);
          expect(picks[t]).toBe(byScore(scores).find((j) => tied.includes(j)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("spreads over directions regardless of score", () => {
    const vectors = [
      [1, 0],
      [0.99, 0.1],
      [0.98, -0.1],
      [0, 1],
      [-1, 0],
    ];
    const similarity = embeddingSimilarity(vectors);
    expect(mmr([5, 4, 3, 2, 1], similarity, 3, 0)).toEqual([0, 4, 3]);
  });
});

describe("mmr between the extremes", () => {
  it("follows lambda * relevance - (1 - lambda) * max similarity", () => {
    const vectors = [
      [1, 0],
      [0.99, 0.1],
      [0, 1],
    ];
    const similarity = embeddingSimilarity(vectors);
    // Relevance rescaled: 1, 0.9, 0. After 0: 1 scores 0.5 * 0.9 - 0.5 *
    // 0.995 < 0, and 2 scores 0.5 * 0 - 0.5 * 0 = 0.
    expect(mmr([1, 0.9, 0], similarity, 2, 0.5)).toEqual([0, 2]);
    expect(mmr([1, 0.9, 0], similarity, 2, 0.9)).toEqual([0, 1]);
  });

  it("rejects a lambda outside [0, 1] with the rule and value", () => {
    const similarity = embeddingSimilarity([[1]]);
    expect(() => mmr([1], similarity, 1, 1.5)).toThrow(
      "mmr lambda 1.5 must be in [0, 1]",
    );
  });

  it("computes one row, then only the similarities it needs", () => {
    const vectors = Array.from({ length: 50 }, (_, i) => [Math.cos(i), 1]);
    const similarity = embeddingSimilarity(vectors);
    const scores = vectors.map((_, i) => -i);
    expect(mmr(scores, similarity, 5, 0.7)).toHaveLength(5);
    expect(similarity.pairsComputed).toBeGreaterThanOrEqual(50);
    expect(similarity.pairsComputed).toBeLessThan(4 * 50);
  });
});
