import type { Item } from "../../pipeline/item.js";
import {
  CAPPED_CLASSES,
  intraListDiversity,
  topLevelTopic,
} from "../../report/measures.js";

/**
 * How diverse one admitted list is (Art. 5(4)), measured the way the
 * offline replay report measures lists, so that live metrics and replays
 * read the same.
 */
export interface ListFigures {
  /**
   * 1 - mean pairwise similarity (embeddings when every item has one,
   * topic paths otherwise); undefined for a list of one item.
   */
  readonly intraListDiversity: number | undefined;
  /** Distinct top-level topics (of each item's first path) per item. */
  readonly topicCoverage: number;
  /** Per class Art. 5(4) caps, the share of items carrying it. */
  readonly classShares: ReadonlyMap<string, number>;
}

/** The figures of one admitted list; undefined for an empty list. */
export function listFigures(items: readonly Item[]): ListFigures | undefined {
  if (items.length === 0) return undefined;
  const candidates = items.map((item) => item.candidate);
  const topics = new Set(candidates.map((c) => topLevelTopic(c.topics)));
  const classShares = new Map<string, number>();
  for (const cls of CAPPED_CLASSES) {
    const carrying = items.filter((item) => item.labels.has(cls)).length;
    classShares.set(cls, carrying / items.length);
  }
  return {
    intraListDiversity:
      items.length < 2 ? undefined : intraListDiversity(candidates),
    topicCoverage: topics.size / items.length,
    classShares,
  };
}
