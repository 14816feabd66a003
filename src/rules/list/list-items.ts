import { CandidateKind } from "../../gen/pushguard/v1/pushguard_pb.js";
import type { Item } from "../../pipeline/item.js";
import type { ConstrainedItem } from "../../rerank/index.js";

/** Candidate kinds as policies and reason codes write them. */
const KIND_NAMES: ReadonlyMap<CandidateKind, string> = new Map([
  [CandidateKind.NEWS, "news"],
  [CandidateKind.VERTICAL, "vertical"],
  [CandidateKind.AD, "ad"],
  [CandidateKind.PROMOTION, "promotion"],
  [CandidateKind.SERVICE, "service"],
]);

/** `news` for CANDIDATE_KIND_NEWS; `unspecified` for an unknown value. */
export function kindName(kind: CandidateKind): string {
  return KIND_NAMES.get(kind) ?? "unspecified";
}

/**
 * An item as the Art. 5(4) limits see it: its topics, its kind by name
 * and its labels (upstream and derived) as regulation classes.
 */
export function constrainedItem(item: Item): ConstrainedItem {
  return {
    topics: item.candidate.topics,
    kind: kindName(item.candidate.kind),
    classes: item.labels.keys(),
  };
}

/**
 * The top-level topics of an item, each once, in the order its paths give
 * them: the first non-empty segment of each path (`sports` for
 * `sports/football`), as the topic share limit counts them.
 */
export function topLevelTopics(topics: readonly string[]): string[] {
  const tops: string[] = [];
  for (const path of topics) {
    const top = path
      .split("/")
      .map((segment) => segment.trim())
      .find((segment) => segment !== "");
    if (top !== undefined && !tops.includes(top)) tops.push(top);
  }
  return tops;
}
