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
 * Work per pick: one similarity row (n similarities) and one pass over n.
 */
export function mmrRanker(
  scores: ArrayLike<number>,
  similarity: Similarity,
  lambda: number,
): GreedyRanker {
  if (!(lambda >= 0 && lambda <= 1)) {
    throw new RangeError(`mmr lambda ${lambda} must be in [0, 1]`);
  }
  const relevance = rescale(scores);
  const value = Float64Array.from(relevance);
  const nearest = new Float64Array(relevance.length).fill(-Infinity);
  return {
    best: (status) => bestOpen(value, scores, status),
    take(j) {
      const row = similarity.row(j);
      for (let i = 0; i < value.length; i++) {
        const sim = row[i] ?? 0;
        const near = sim > (nearest[i] ?? 0) ? sim : (nearest[i] ?? 0);
        nearest[i] = near;
        value[i] = lambda * (relevance[i] ?? 0) - (1 - lambda) * near;
      }
    },
  };
}

/** The open index of highest value, then highest score, then lowest index. */
function bestOpen(
  value: Float64Array,
  scores: ArrayLike<number>,
  status: Uint8Array,
) {
  let best = -1;
  for (let i = 0; i < value.length; i++) {
    if (status[i] !== 0) continue;
    if (best < 0 || beats(value, scores, i, best)) best = i;
  }
  return best;
}

function beats(
  value: Float64Array,
  scores: ArrayLike<number>,
  i: number,
  best: number,
) {
  const a = value[i] ?? 0;
  const b = value[best] ?? 0;
  return a > b || (a === b && (scores[i] ?? 0) > (scores[best] ?? 0));
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
