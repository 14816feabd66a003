import { dppRanker, type DppOptions } from "./dpp.js";
import { mmrRanker } from "./mmr.js";
import {
  selectWithConstraints,
  type GreedyRanker,
  type Selection,
  type SelectionConstraint,
} from "./select.js";
import type { Similarity } from "./similarity.js";

/** MMR with its trade-off: 1 is the ranker's order, 0 pure diversity. */
export interface MmrMethod {
  readonly kind: "mmr";
  readonly lambda: number;
}

/** Greedy DPP MAP inference, optionally over a sliding window. */
export interface DppMethod extends DppOptions {
  readonly kind: "dpp";
}

export type RerankMethod = MmrMethod | DppMethod;

/** One list to re-rank. */
export interface RerankInput {
  /** Ranker scores, higher is better; finite. */
  readonly scores: Float64Array | readonly number[];
  /** Similarity of the same candidates, same order. */
  readonly similarity: Similarity;
  /** Slots: how many items to select at most. */
  readonly k: number;
  readonly method: RerankMethod;
  /** Hard limits checked at every pick; none when absent. */
  readonly constraint?: SelectionConstraint;
}

/**
 * Re-ranks one list for diversity (Art. 5(4)) and cuts it to k items.
 *
 * Returns `selected`, candidate indices in push order, and `cut`, the
 * candidates a limit of `constraint` refused when the re-ranker wanted them,
 * each with the limit's id (e.g. `cap.disaster_window`). Every other
 * candidate was simply not selected: k was reached, or the DPP found no gain
 * above its epsilon, before it came up. The same input always gives the
 * same output; ties go to the higher ranker score (MMR), then to the lower
 * input index.
 *
 * ```ts
 * const { selected, cut } = rerank({
 *   scores: candidates.map((c) => c.score),
 *   similarity: similarityFor(candidates),
 *   k: slots,
 *   method: { kind: "dpp", alpha: 2, window: 8 },
 *   constraint: listConstraint(items, { listCaps: { disaster: 1 } }),
 * });
 * ```
 *
 * Work: at most k * n similarities, computed lazily: MMR and the DPP
 * without a window compute only those that can still change the outcome
 * (see mmr.ts and dpp.ts); the DPP with a window computes one row per pick
 * and O(n * window) updates.
 */
export function rerank(input: RerankInput): Selection {
  const { scores, similarity, k, constraint } = input;
  checkInput(scores, similarity, k);
  const ranker = rankerFor(input.method, scores, similarity, k);
  return selectWithConstraints(scores.length, k, ranker, constraint);
}

function rankerFor(
  method: RerankMethod,
  scores: ArrayLike<number>,
  similarity: Similarity,
  k: number,
): GreedyRanker {
  if (method.kind === "mmr") {
    return mmrRanker(scores, similarity, method.lambda, k);
  }
  return dppRanker(scores, similarity, k, method);
}

function checkInput(
  scores: ArrayLike<number>,
  similarity: Similarity,
  k: number,
) {
  if (!(Number.isInteger(k) && k >= 0)) {
    throw new RangeError(`k ${k} must be an integer >= 0`);
  }
  if (similarity.size !== scores.length) {
    throw new RangeError(
      `similarity size ${similarity.size} must equal ${scores.length} scores`,
    );
  }
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) {
      throw new RangeError(`scores[${i}] ${scores[i]} must be finite`);
    }
  }
}
