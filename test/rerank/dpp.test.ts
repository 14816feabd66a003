import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rerank } from "../../src/rerank/rerank.js";
import {
  embeddingSimilarity,
  topicSimilarity,
  type Similarity,
} from "../../src/rerank/similarity.js";
import { randomVectors, seededRandom } from "./fixtures.js";

const EPSILON = 1e-10;

/**
 * log det of a small symmetric positive semi-definite matrix, by Gaussian
 * elimination without pivoting (stable for such matrices); -Infinity once
 * a pivot is not positive, that is when the matrix is singular.
 */
function logDet(matrix: number[][]): number {
  const n = matrix.length;
  const m = Float64Array.from(matrix.flat());
  const at = (r: number, c: number) => m[r * n + c] ?? NaN;
  let sum = 0;
  for (let c = 0; c < n; c++) {
    const p = at(c, c);
    if (!(p > 0)) return -Infinity;
    sum += Math.log(p);
    for (let r = c + 1; r < n; r++) {
      const f = at(r, c) / p;
      for (let x = c; x < n; x++) m[r * n + x] = at(r, x) - f * at(c, x);
    }
  }
  return sum;
}

function kernel(scores: number[], sim: Similarity, alpha: number) {
  const top = Math.max(...scores);
  const q = scores.map((s) => Math.exp(alpha * (s - top)));
  return q.map((qi, i) => q.map((qj, j) => qi * qj * sim.pair(i, j)));
}

const submatrix = (m: number[][], idx: number[]) =>
  idx.map((i) => idx.map((j) => m[i]?.[j] ?? NaN));

/** Gains det(L_{W+j}) / det(L_W) of every open j, W the last `window`. */
function naiveGains(l: number[][], picked: number[], window: number) {
  const win = picked.slice(Math.max(0, picked.length - window));
  const base = logDet(submatrix(l, win));
  return l.map((_, j) =>
    picked.includes(j)
      ? -Infinity
      : Math.exp(logDet(submatrix(l, [...win, j])) - base),
  );
}

/**
 * Naive greedy MAP: at every step, the log det of the kernel submatrix of
 * the window plus each candidate, recomputed from scratch.
 */
function naiveDpp(l: number[][], k: number, window: number) {
  const picked: number[] = [];
  while (picked.length < Math.min(k, l.length)) {
    const gains = naiveGains(l, picked, window);
    const best = gains.indexOf(Math.max(...gains));
    if (!((gains[best] ?? NaN) >= EPSILON)) break;
    picked.push(best);
  }
  return picked;
}

interface Case {
  scores: number[];
  vectors: number[][];
  k: number;
  alpha: number;
  window: number | undefined;
}

function randomCase(seed: number): Case {
  const random = seededRandom(seed);
  const n = 3 + Math.floor(random() * 12);
  const dims = 2 + Math.floor(random() * 10);
  const window = random() < 0.5 ? 1 + Math.floor(random() * 4) : undefined;
  return {
    scores: Array.from({ length: n }, () => random()),
    vectors: randomVectors(random, n, dims),
    k: 1 + Math.floor(random() * n),
    alpha: random() * 3,
    window,
  };
}

function fastDpp(c: Case, sim: Similarity = embeddingSimilarity(c.vectors)) {
  const method = { kind: "dpp" as const, alpha: c.alpha, epsilon: EPSILON };
  const windowed = c.window === undefined ? method : { ...method, ...c };
  return rerank({
    scores: c.scores,
    similarity: sim,
    k: c.k,
    method: { ...windowed, kind: "dpp" },
  }).selected;
}

describe("fast greedy DPP against a naive log-determinant greedy", () => {
  it("picks exactly what the naive greedy picks on 300 random cases", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const c = randomCase(seed);
      const l = kernel(c.scores, embeddingSimilarity(c.vectors), c.alpha);
      const naive = naiveDpp(l, c.k, c.window ?? c.k);
      expect({ seed, picks: fastDpp(c) }).toEqual({ seed, picks: naive });
    }
  });

  it("picks exactly what the naive greedy picks with topic paths", () => {
    const pool = ["a/x", "a/y", "b/x", "b", "c/z/w", "c/z"];
    for (let seed = 1; seed <= 100; seed++) {
      const random = seededRandom(seed);
      const c = randomCase(seed);
      const topics = c.scores.map(() => [
        pool[Math.floor(random() * pool.length)] ?? "a",
      ]);
      const l = kernel(c.scores, topicSimilarity(topics), c.alpha);
      const naive = naiveDpp(l, c.k, c.window ?? c.k);
      const fast = fastDpp(c, topicSimilarity(topics));
      expect({ seed, picks: fast }).toEqual({ seed, picks: naive });
    }
  });

  it("makes a best naive pick at every step, ties and all", () => {
    const value = fc.double({ min: -1, max: 1, noNaN: true });
    const arbCase = fc.record({
      scores: fc.array(value, { minLength: 1, maxLength: 9 }),
      dims: fc.integer({ min: 1, max: 5 }),
      flat: fc.array(value, { minLength: 45, maxLength: 45 }),
      k: fc.integer({ min: 1, max: 9 }),
      alpha: fc.double({ min: 0, max: 3, noNaN: true }),
      window: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(arbCase, (a) => {
        const vectors = a.scores.map((_, i) =>
          a.flat.slice(i * a.dims, (i + 1) * a.dims),
        );
        const c = { ...a, vectors };
        expectBestPicks(c, fastDpp(c));
      }),
      { numRuns: 300 },
    );
  });
});

/** Each pick is a naive argmax up to rounding, and stopping is justified. */
function expectBestPicks(c: Case, picks: number[]) {
  const l = kernel(c.scores, embeddingSimilarity(c.vectors), c.alpha);
  const window = c.window ?? c.k;
  for (let t = 0; t <= picks.length; t++) {
    const gains = naiveGains(l, picks.slice(0, t), window);
    const top = Math.max(...gains);
    if (t === picks.length) {
      const full = t === Math.min(c.k, c.scores.length);
      if (!full) expect(top).toBeLessThan(EPSILON * 1.01 + 1e-12);
      return;
    }
    const gain = gains[picks[t] ?? -1] ?? NaN;
    expect(gain).toBeGreaterThanOrEqual(top * (1 - 1e-6) - 1e-9);
  }
}

describe("sliding window", () => {
  it("equals the plain DPP when the window is k or more", () => {
    for (let seed = 1; seed <= 50; seed++) {
      const c = { ...randomCase(seed), window: undefined };
      expect(fastDpp({ ...c, window: c.k + 3 })).toEqual(fastDpp(c));
    }
  });

  it("may come back to an item like the one picked w picks ago", () => {
    // 0 and 1 are near twins; 2 and 3 point elsewhere, 3 at a lower score.
    const vectors = [
      [1, 0.1, 0],
      [1, -0.1, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
    const c = { scores: [1, 0.99, 0.5, 0.3], vectors, k: 3, alpha: 1 };
    // Over the whole list, 1 repeats 0: the weaker but new 3 wins.
    expect(fastDpp({ ...c, window: undefined })).toEqual([0, 2, 3]);
    // With a window of one, only 2 counts: 1 is new again and scores more.
    expect(fastDpp({ ...c, window: 1 })).toEqual([0, 2, 1]);
  });
});

/** The similarity without its vectors: the DPP has to use pairs. */
function pairsOnly(inner: Similarity): Similarity {
  return {
    size: inner.size,
    pair: (i, j) => inner.pair(i, j),
    rowInto: (i, out) => inner.rowInto(i, out),
    get pairsComputed() {
      return inner.pairsComputed;
    },
  };
}

describe("laziness, determinism and stopping", () => {
  it("computes fewer similarities than one row per pick", () => {
    const random = seededRandom(7);
    const paths = Array.from({ length: 200 }, () => [
      `t${Math.floor(random() * 12)}/s${Math.floor(random() * 40)}`,
    ]);
    const similarity = topicSimilarity(paths);
    const scores = paths.map(() => random());
    const method = { kind: "dpp", alpha: 1 } as const;
    const { selected } = rerank({ scores, similarity, k: 10, method });
    expect(selected).toHaveLength(10);
    expect(similarity.pairsComputed).toBeLessThan(9 * 200);
  });

  it("forms no similarity at all from embeddings", () => {
    const random = seededRandom(7);
    const similarity = embeddingSimilarity(randomVectors(random, 200, 16));
    const scores = Array.from({ length: 200 }, () => random());
    const method = { kind: "dpp", alpha: 1 } as const;
    expect(rerank({ scores, similarity, k: 10, method }).selected).toHaveLength(
      10,
    );
    expect(similarity.pairsComputed).toBe(0);
  });

  it("picks the same from embeddings as from their similarities", () => {
    for (let seed = 1; seed <= 100; seed++) {
      const c = { ...randomCase(seed), window: undefined };
      const fromVectors = embeddingSimilarity(c.vectors);
      const fromPairs = pairsOnly(embeddingSimilarity(c.vectors));
      expect(fastDpp(c, fromPairs)).toEqual(fastDpp(c, fromVectors));
    }
  });

  it("computes one row per pick but the last with a window", () => {
    const random = seededRandom(7);
    const similarity = embeddingSimilarity(randomVectors(random, 200, 16));
    const scores = Array.from({ length: 200 }, () => random());
    const method = { kind: "dpp", alpha: 1, window: 3 } as const;
    const { selected } = rerank({ scores, similarity, k: 10, method });
    expect(selected).toHaveLength(10);
    expect(similarity.pairsComputed).toBe(9 * 200);
  });

  it("returns the same order for the same input", () => {
    const c = randomCase(42);
    const first = fastDpp(c);
    for (let run = 0; run < 5; run++) expect(fastDpp(c)).toEqual(first);
  });

  it("stops when no candidate adds gain above epsilon", () => {
    // Rank 2: after two picks every gain is zero up to rounding.
    const vectors = [
      [1, 0],
      [0, 1],
      [1, 1],
      [1, -1],
    ];
    const c = { scores: [4, 3, 2, 1], vectors, k: 4, alpha: 0.1 };
    expect(fastDpp({ ...c, window: undefined })).toEqual([0, 1]);
  });

  it("rejects an epsilon of zero with the rule and value", () => {
    const similarity = embeddingSimilarity([[1], [1]]);
    const method = { kind: "dpp", alpha: 1, epsilon: 0 } as const;
    expect(() => rerank({ scores: [1, 2], similarity, k: 1, method })).toThrow(
      "dpp epsilon 0 must be > 0",
    );
  });
});
