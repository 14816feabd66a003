/**
 * Diversity re-ranking and list limits (Art. 5(4)): pure algorithms over
 * candidate indices, with no knowledge of requests, rules or stores.
 */
export { rerank } from "./rerank.js";
export type {
  DppMethod,
  MmrMethod,
  RerankInput,
  RerankMethod,
} from "./rerank.js";
export { dppRanker, type DppOptions } from "./dpp.js";
export { mmrRanker, rescale } from "./mmr.js";
export {
  selectWithConstraints,
  type ConstraintRun,
  type GreedyRanker,
  type Selection,
  type SelectionConstraint,
} from "./select.js";
export {
  embeddingSimilarity,
  similarityFor,
  topicSimilarity,
  CountedSimilarity,
  type Similarity,
  type SimilarityFields,
  type SimilaritySource,
  type TopicSimilarityOptions,
  type UnitVectors,
} from "./similarity.js";
export {
  kindShareId,
  listCapId,
  listConstraint,
  TOPIC_SHARE,
  windowCapId,
  type ConstrainedItem,
  type ListLimits,
  type ShareBounds,
} from "./constraints.js";
