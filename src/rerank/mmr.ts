import { CandidateHeap } from "./heap.js";
import type { GreedyRanker } from "./select.js";
import type { Similarity } from "./similarity.js";

/**
 * Maximal marginal relevance (Carbonell and Goldstein, 1998). Each step
 * picks the open candidate with the highest
 *
 *   lambda * relevance(j) - (1 - lambda) * max over picked s of sim(j, s)
 *
 * so lambda = 1 is the ranker's order and lambda = 0 is pure diversity.
 * Relevance is the score rescaled to [0, 1] (min to max; all 1 when every
 * score is equal) so that it weighs against a similarity of the same scale.
 * The first pick is the most relevant candidate for every lambda: with
 * nothing picked yet there is no similarity to weigh, and at lambda = 0 the
 * formula would tie every candidate. Ties go to the higher ranker score,
 * then to the lower input index: rescaling can merge scores that differ
 * only in their last bits, and lambda = 1 must still keep the ranker's
 * order.
 *
 * After the first pick (one similarity row), values only fall as picks are
 * added, so they are updated lazily: a heap ordered by possibly stale
 * values brings a candidate up to date only when it reaches the top, and
 * the top is the true best once it is up to date. Only the similarities
 * that can still change the outcome are computed.
 */
export function mmrRanker(
  scores: ArrayLike<number>,
  similarity: Similarity,
  lambda: number,
  k: number,
): GreedyRanker {
  if (!(lambda >= 0 && lambda <= 1)) {
    throw new RangeError(`mmr lambda ${lambda} must be in [0, 1]`);
  }
  return new LazyMmr(scores, similarity, lambda, Math.max(1, k));
}

class LazyMmr implements GreedyRanker {
  readonly #relevance: Float64Array;
  /** MMR value; an upper bound until the candidate is brought up to date. */
  readonly #value: Float64Array;
  /** Largest similarity to the picks counted so far. */
  readonly #nearest: Float64Array;
  /** Picks counted so far in `#nearest`. */
  readonly #upTo: Int32Array;
  readonly #picks: Int32Array;
  #length = 0;
  readonly #heap: CandidateHeap;

  constructor(
    scores: ArrayLike<number>,
    private readonly similarity: Similarity,
    private readonly lambda: number,
    capacity: number,
  ) {
    this.#relevance = rescale(scores);
    this.#value = Float64Array.from(this.#relevance);
    this.#nearest = new Float64Array(scores.length);
    this.#upTo = new Int32Array(scores.length);
    this.#picks = new Int32Array(capacity);
    this.#heap = new CandidateHeap(this.#value, scores);
  }

  best(status: Uint8Array) {
    for (let i = this.#heap.top(); i >= 0; i = this.#heap.top()) {
      if (status[i] !== 0) {
        this.#heap.pop();
      } else if ((this.#upTo[i] ?? 0) < this.#length) {
        this.#catchUp(i);
        this.#heap.settleTop();
      } else {
        return i;
      }
    }
    return -1;
  }

  take(j: number) {
    this.#picks[this.#length] = j;
    this.#length += 1;
    if (this.#length === 1) this.#countFirst(j);
  }

  /**
   * Values before the first pick are relevance, not bounds of what follows
   * (a negative similarity raises a value), so the first pick's row sets
   * every value exactly and the heap is rebuilt.
   */
  #countFirst(j: number) {
    this.similarity.rowInto(j, this.#nearest);
    this.#upTo.fill(1);
    for (let i = 0; i < this.#nearest.length; i++) this.#revalue(i);
    this.#heap.rebuild();
  }

  #catchUp(i: number) {
    let near = this.#nearest[i] ?? 0;
    for (let t = this.#upTo[i] ?? 0; t < this.#length; t++) {
      const sim = this.similarity.pair(this.#picks[t] ?? 0, i);
      if (sim > near) near = sim;
    }
    this.#nearest[i] = near;
    this.#upTo[i] = this.#length;
    this.#revalue(i);
  }

  #revalue(i: number) {
    const relevance = this.#relevance[i] ?? 0;
    const near = this.#nearest[i] ?? 0;
    this.#value[i] = this.lambda * relevance - (1 - this.lambda) * near;
  }
}

/** Scores mapped linearly onto [0, 1]; all 1 when they are all equal. */
export function rescale(scores: ArrayLike<number>): Float64Array {
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < scores.length; i++) {
    low = Math.min(low, scores[i] ?? 0);
    high = Math.max(high, scores[i] ?? 0);
  }
  const span = high - low;
  const out = new Float64Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    out[i] = span > 0 ? ((scores[i] ?? 0) - low) / span : 1;
  }
  return out;
}
