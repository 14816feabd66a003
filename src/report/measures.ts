import { similarityFor, type SimilarityFields } from "../rerank/index.js";

/**
 * Classes Art. 5(4) caps per list and per user: their share among pushed
 * items is what a data scientist watches when tuning those caps.
 */
export const CAPPED_CLASSES = [
  "sensitive_event",
  "vicious_case",
  "disaster",
] as const;

/** What the measures need of one pushed (or would-be pushed) item. */
export interface MeasuredItem extends SimilarityFields {
  readonly score: number;
  /** Content labels after the policy's derivations. */
  readonly labels: ReadonlySet<string>;
}

/** Diversity, coverage and class shares over many lists. */
export interface ListMeasures {
  /** Lists with at least one item. */
  readonly lists: number;
  readonly items: number;
  /**
   * Mean intra-list diversity: per list of two or more items, the mean of
   * 1 - similarity over its pairs, with the similarity the re-ranker uses
   * (embeddings when every item has one, topic paths otherwise). Null
   * when no list had two items.
   */
  readonly meanIntraListDiversity: number | null;
  /** Mean count of distinct top-level topics per list. */
  readonly meanTopicsPerList: number;
  /** Share of the top-level topics offered that some list pushed. */
  readonly topicCoverage: number;
  /** Per capped class, the share of items carrying it. */
  readonly cappedShare: Readonly<Record<string, number>>;
  /** Mean ranker score of the items. */
  readonly meanScore: number;
  /** Items per top-level topic. */
  readonly topics: Readonly<Record<string, number>>;
}

/** `sports` for `sports/football`; `(none)` for an item with no topic. */
export function topLevelTopic(topics: readonly string[]): string {
  const first = topics[0]?.split("/")[0]?.trim();
  return first === undefined || first === "" ? "(none)" : first;
}

/**
 * Accumulates list measures in memory bounded by the number of distinct
 * topics, whatever the number of lists.
 */
export class MeasureTally {
  #lists = 0;
  #items = 0;
  #ildSum = 0;
  #ildLists = 0;
  #topicsSum = 0;
  #scoreSum = 0;
  readonly #classes = new Map<string, number>();
  readonly #topics = new Map<string, number>();

  /** Adds one list, in push order. */
  add(list: readonly MeasuredItem[]): void {
    if (list.length === 0) return;
    this.#lists++;
    this.#items += list.length;
    const topics = new Set(list.map((item) => topLevelTopic(item.topics)));
    this.#topicsSum += topics.size;
    for (const item of list) this.#addItem(item);
    if (list.length < 2) return;
    this.#ildSum += intraListDiversity(list);
    this.#ildLists++;
  }

  #addItem(item: MeasuredItem): void {
    this.#scoreSum += item.score;
    increment(this.#topics, topLevelTopic(item.topics));
    for (const cls of CAPPED_CLASSES) {
      if (item.labels.has(cls)) increment(this.#classes, cls);
    }
  }

  /** The measures; coverage is against the topics `offered`. */
  result(offered: ReadonlySet<string>): ListMeasures {
    const covered = [...this.#topics.keys()].filter((t) => offered.has(t));
    const shares = CAPPED_CLASSES.map((cls) => [
      cls,
      ratio(this.#classes.get(cls) ?? 0, this.#items),
    ]);
    return {
      lists: this.#lists,
      items: this.#items,
      meanIntraListDiversity:
        this.#ildLists === 0 ? null : this.#ildSum / this.#ildLists,
      meanTopicsPerList: ratio(this.#topicsSum, this.#lists),
      topicCoverage: ratio(covered.length, offered.size),
      cappedShare: Object.fromEntries(shares),
      meanScore: ratio(this.#scoreSum, this.#items),
      topics: Object.fromEntries(this.#topics),
    };
  }
}

/** Mean of 1 - similarity over the pairs of one list of 2+ items. */
export function intraListDiversity(list: readonly SimilarityFields[]): number {
  const similarity = similarityFor(list);
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      sum += 1 - similarity.pair(i, j);
      pairs++;
    }
  }
  return ratio(sum, pairs);
}

/** Adds one to a counter in a map. */
export function increment(counts: Map<string, number>, key: string, by = 1) {
  counts.set(key, (counts.get(key) ?? 0) + by);
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}
