import { CandidateHeap } from "./heap.js";
import {
  addWeightedColumns,
  argmaxOpen,
  dotBetween,
  dotsAgainst,
  rotateColumns,
} from "./linalg.js";
import type { GreedyRanker } from "./select.js";
import type { Similarity, UnitVectors } from "./similarity.js";

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
 * of the kernel over the picks plus i, and d_i^2 = L_ii - |c_i|^2, the
 * gain det L_{Y+i} / det L_Y of adding i. Each pick j extends every c_i by
 * e_i = (L_ji - <c_j, c_i>) / d_j and lowers d_i^2 by e_i^2.
 *
 * Without a window, gains only fall, so the update is done lazily: a heap
 * ordered by possibly stale gains brings a candidate up to date only when
 * it reaches the top, and the top is the true best once it is up to date
 * (every other gain is at most its stale value). Picks, ties and stopping
 * are those of Algorithm 1 up to rounding; the work is only the part of
 * its O(n k^2) updates, and of its n k kernel entries, that can still
 * change the outcome.
 *
 * When the similarity is the cosine of embeddings f_i, L = B^T B with
 * b_i = q_i f_i. Writing u_t = (b_j - Σ_{s<t} c_js u_s) / d_j for the
 * pick j of step t (an orthonormal basis of the picks), c_i = U^T b_i and
 * L_ji - <c_j, c_i> = d_j <u_t, b_i>: the same update, grouped so that a
 * component costs one dot product of embedding length and no similarity
 * is formed at all.
 *
 * With a window shorter than k, the oldest pick leaves first, gains can
 * rise, and every c_i is updated at each pick (Algorithm 2): one kernel row
 * L[j, :] per pick, O(n * window) per pick.
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
  const picks = Math.max(1, Math.min(k, n));
  const q = quality(scores, options.alpha);
  const width = Math.min(options.window ?? picks, picks);
  if (width >= picks) return new LazyCholesky(q, similarity, picks, epsilon);
  return new WindowCholesky(q, similarity, width, epsilon);
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

/** Algorithm 1 with lazy updates; see `dppRanker`. */
class LazyCholesky implements GreedyRanker {
  readonly #gain: Float64Array;
  readonly #heap: CandidateHeap;
  /** c_i for every i, row-major: component t of c_i at i * width + t. */
  readonly #factor: Float64Array;
  /** Components of c_i computed so far. */
  readonly #upTo: Int32Array;
  readonly #picks: Int32Array;
  /** d_j of each pick when it was picked. */
  readonly #pickD: Float64Array;
  #length = 0;
  readonly #vectors: UnitVectors | undefined;
  /** With vectors: u_t, the basis vector of pick t, at t * dims. */
  readonly #basis: Float64Array;
  /** With vectors: <u_t, f_i> for the candidate being brought up to date. */
  readonly #basisDots: Float64Array;

  constructor(
    private readonly q: Float64Array,
    private readonly similarity: Similarity,
    private readonly width: number,
    private readonly epsilon: number,
  ) {
    const n = q.length;
    this.#gain = q.map((x) => x * x);
    this.#heap = new CandidateHeap(this.#gain, new Float64Array(n));
    this.#factor = new Float64Array(n * width);
    this.#upTo = new Int32Array(n);
    this.#picks = new Int32Array(width);
    this.#pickD = new Float64Array(width);
    this.#vectors = similarity.vectors;
    this.#basis = new Float64Array(width * (this.#vectors?.dims ?? 0));
    this.#basisDots = new Float64Array(width);
  }

  best(status: Uint8Array) {
    for (let i = this.#heap.top(); i >= 0; i = this.#heap.top()) {
      if (status[i] !== 0) {
        this.#heap.pop();
      } else if ((this.#upTo[i] ?? 0) < this.#length) {
        this.#catchUp(i);
        this.#heap.settleTop();
      } else {
        return (this.#gain[i] ?? 0) >= this.epsilon ? i : -1;
      }
    }
    return -1;
  }

  take(j: number) {
    this.#catchUp(j);
    const t = this.#length;
    this.#picks[t] = j;
    this.#pickD[t] = Math.sqrt(this.#gain[j] ?? 0);
    if (this.#vectors !== undefined) this.#extendBasis(this.#vectors, j, t);
    this.#length = t + 1;
  }

  /** Computes the missing components of c_i, one per pick since. */
  #catchUp(i: number) {
    const from = this.#upTo[i] ?? 0;
    if (from === this.#length) return;
    if (this.#vectors === undefined) this.#catchUpByKernel(i, from);
    else this.#catchUpByVectors(this.#vectors, i, from);
    const row = i * this.width;
    let gain = this.#gain[i] ?? 0;
    for (let t = from; t < this.#length; t++) {
      gain -= (this.#factor[row + t] ?? 0) ** 2;
    }
    this.#gain[i] = gain;
    this.#upTo[i] = this.#length;
  }

  /** e = (L_ji - <c_j, c_i>) / d_j for the pick j of each step t. */
  #catchUpByKernel(i: number, from: number) {
    const w = this.width;
    const qi = this.q[i] ?? 0;
    for (let t = from; t < this.#length; t++) {
      const j = this.#picks[t] ?? 0;
      const l = (this.q[j] ?? 0) * qi * this.similarity.pair(j, i);
      const overlap = dotBetween(this.#factor, j * w, this.#factor, i * w, t);
      this.#factor[i * w + t] = (l - overlap) / (this.#pickD[t] ?? 1);
    }
  }

  /** e = <u_t, b_i>: the same values from the embeddings. */
  #catchUpByVectors(vectors: UnitVectors, i: number, from: number) {
    const { dims, byItem } = vectors;
    const at = i * this.width;
    const dots = this.#basisDots;
    const to = this.#length;
    dotsAgainst(this.#basis, from, to, byItem, i * dims, dims, dots);
    const qi = this.q[i] ?? 0;
    for (let t = from; t < this.#length; t++) {
      this.#factor[at + t] = qi * (dots[t] ?? 0);
    }
  }

  /** u_t = (b_j - Σ_{s<t} c_js u_s) / d_j. */
  #extendBasis(vectors: UnitVectors, j: number, t: number) {
    const { dims, byItem } = vectors;
    const basis = this.#basis;
    const at = t * dims;
    const scale = (this.q[j] ?? 0) / (this.#pickD[t] ?? 1);
    for (let x = 0; x < dims; x++) {
      basis[at + x] = scale * (byItem[j * dims + x] ?? 0);
    }
    for (let s = 0; s < t; s++) {
      const c = (this.#factor[j * this.width + s] ?? 0) / (this.#pickD[t] ?? 1);
      for (let x = 0; x < dims; x++) {
        basis[at + x] = (basis[at + x] ?? 0) - c * (basis[s * dims + x] ?? 0);
      }
    }
  }
}

/** Algorithm 2: eager updates over a sliding window; see `dppRanker`. */
class WindowCholesky implements GreedyRanker {
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
    q: Float64Array,
    private readonly similarity: Similarity,
    private readonly width: number,
    private readonly epsilon: number,
  ) {
    const n = (this.#n = q.length);
    this.#q = q;
    this.#gain = q.map((x) => x * x);
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
    this.similarity.rowInto(j, column);
    for (let i = 0; i < n; i++) {
      column[i] = qj * (this.#q[i] ?? 0) * (column[i] ?? 0);
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
