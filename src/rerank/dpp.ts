import { addWeightedColumns, argmaxOpen, rotateColumns } from "./linalg.js";
import type { GreedyRanker } from "./select.js";
import type { Similarity } from "./similarity.js";

/** Parameters of the DPP re-ranker. */
export interface DppOptions {
  /**
   * Weight of relevance against diversity, >= 0. The kernel is
   * L = diag(q) S diag(q) with q_i = exp(alpha * (score_i - max score)), so
   * log det L_Y = 2 alpha * Σ score + log det S_Y + constant: 0 ignores the
   * scores, large values follow them.
   */
  readonly alpha: number;
  /**
   * Sliding window: each pick is diverse with respect to the last `window`
   * picks only. Defaults to k (the whole list).
   */
  readonly window?: number;
  /**
   * Stop once the best marginal gain d_j^2 = det L_{Y+j} / det L_Y is below
   * this. Gains are at most 1 (q <= 1, S_ii = 1). Defaults to 1e-10; must be
   * > 0, as a zero gain would divide by zero.
   */
  readonly epsilon?: number;
}

/**
 * Greedy MAP inference for a determinantal point process with the
 * incremental Cholesky update of Chen, Zhang and Zhou, "Fast Greedy MAP
 * Inference for Determinantal Point Process to Improve Recommendation
 * Diversity" (NeurIPS 2018), Algorithms 1 and 2.
 *
 * For every candidate i it keeps c_i, the row of i in the Cholesky factor
 * of the kernel over the window plus i, and d_i^2 = L_ii - |c_i|^2, the
 * gain of adding i. Adding j computes one kernel row L[j, :] (the only
 * similarities ever needed: one row per pick) and updates every c_i and
 * d_i^2 in O(n * window). With a window, the oldest pick leaves first: a
 * sequence of Givens rotations (a rank-one Cholesky update) re-expresses
 * every c_i without it, also in O(n * window).
 *
 * All buffers are allocated here, once; a pick allocates nothing.
 */
export function dppRanker(
  scores: ArrayLike<number>,
  similarity: Similarity,
  k: number,
  options: DppOptions,
): GreedyRanker {
  const epsilon = checkOptions(options);
  const n = scores.length;
  const width = Math.max(1, Math.min(options.window ?? k, k, n));
  similarity.reserveRows(Math.min(k, n));
  return new CholeskyState(scores, similarity, options.alpha, width, epsilon);
}

function checkOptions(options: DppOptions) {
  const { alpha, window } = options;
  const epsilon = options.epsilon ?? 1e-10;
  if (!(alpha >= 0 && Number.isFinite(alpha))) {
    throw new RangeError(`dpp alpha ${alpha} must be finite and >= 0`);
  }
  if (window !== undefined && !(Number.isInteger(window) && window >= 1)) {
    throw new RangeError(`dpp window ${window} must be an integer >= 1`);
  }
  if (!(epsilon > 0)) {
    throw new RangeError(`dpp epsilon ${epsilon} must be > 0`);
  }
  return epsilon;
}

class CholeskyState implements GreedyRanker {
  readonly #n: number;
  readonly #q: Float64Array;
  /** d_i^2: the gain of adding i to the current window. */
  readonly #gain: Float64Array;
  /** c_i for every i, column-major: component t of c_i at t * n + i. */
  readonly #factor: Float64Array;
  readonly #columns: Float64Array[] = [];
  /** Picks in the window, oldest first. */
  readonly #window: Int32Array;
  #length = 0;
  readonly #negated: Float64Array;
  readonly #spill: Float64Array;

  constructor(
    scores: ArrayLike<number>,
    private readonly similarity: Similarity,
    alpha: number,
    private readonly width: number,
    private readonly epsilon: number,
  ) {
    const n = (this.#n = scores.length);
    this.#q = quality(scores, alpha);
    this.#gain = this.#q.map((q) => q * q);
    this.#factor = new Float64Array(width * n);
    for (let t = 0; t < width; t++) {
      this.#columns.push(this.#factor.subarray(t * n, (t + 1) * n));
    }
    this.#window = new Int32Array(width);
    this.#negated = new Float64Array(width);
    this.#spill = new Float64Array(n);
  }

  best(status: Uint8Array) {
    const j = argmaxOpen(this.#gain, status);
    return j >= 0 && (this.#gain[j] ?? 0) >= this.epsilon ? j : -1;
  }

  take(j: number) {
    if (this.#length === this.width) this.#dropOldest();
    this.#append(j);
  }

  /** Algorithm 1, one step: extends every c_i by e_i. */
  #append(j: number) {
    const n = this.#n;
    const t = this.#length;
    const column = this.#columns[t] as Float64Array;
    const qj = this.#q[j] ?? 0;
    const dj = Math.sqrt(this.#gain[j] ?? 0);
    const row = this.similarity.row(j);
    for (let i = 0; i < n; i++) {
      column[i] = qj * (this.#q[i] ?? 0) * (row[i] ?? 0);
    }
    for (let s = 0; s < t; s++) {
      this.#negated[s] = -(this.#factor[s * n + j] ?? 0);
    }
    addWeightedColumns(column, this.#factor, n, this.#negated, t);
    for (let i = 0; i < n; i++) {
      const e = (column[i] ?? 0) / dj;
      column[i] = e;
      this.#gain[i] = (this.#gain[i] ?? 0) - e * e;
    }
    this.#window[t] = j;
    this.#length = t + 1;
  }

  /**
   * Algorithm 2's removal of the oldest pick. Without it, the factor of the
   * window is [V22 | v] with v its first column moved last; rotations that
   * zero v column by column make it triangular again. Applied to every c_i
   * they shift its components left, and what is left in v is the share of
   * d_i^2 the oldest pick had taken away.
   */
  #dropOldest() {
    const n = this.#n;
    const spill = this.#spill;
    spill.set(this.#columns[0] as Float64Array);
    for (let r = 0; r + 1 < this.#length; r++) {
      const p = this.#window[r + 1] ?? 0;
      const a = this.#factor[(r + 1) * n + p] ?? 0;
      const b = spill[p] ?? 0;
      const h = Math.hypot(a, b);
      rotateColumns(this.#factor, n, r + 1, r, spill, a / h, b / h);
    }
    for (let i = 0; i < n; i++) {
      this.#gain[i] = (this.#gain[i] ?? 0) + (spill[i] ?? 0) ** 2;
    }
    this.#window.copyWithin(0, 1, this.#length);
    this.#length -= 1;
  }
}

/** q_i = exp(alpha * (score_i - max score)), in (0, 1]. */
function quality(scores: ArrayLike<number>, alpha: number) {
  let top = -Infinity;
  for (let i = 0; i < scores.length; i++) {
    top = Math.max(top, scores[i] ?? 0);
  }
  const q = new Float64Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    q[i] = Math.exp(alpha * ((scores[i] ?? 0) - top));
  }
  return q;
}
