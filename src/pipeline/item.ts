import type { Candidate } from "../gen/pushguard/v1/pushguard_pb.js";
import type { NormalizedText } from "../text/normalize.js";

/**
 * An item is a candidate as the pipeline sees it: the request's candidate
 * plus what pushguard derived about it once, up front, so that no rule has to
 * derive it again.
 */
export interface Item {
  /** The candidate as sent by the ranker. */
  readonly candidate: Candidate;
  /** Position in the request, for stable ordering and error messages. */
  readonly index: number;
  /**
   * Content labels, each with where it came from: the upstream labels plus
   * those the policy derives from topics and word lists. Rules read labels
   * from here, never from `candidate.labels` directly.
   */
  readonly labels: Map<string, LabelOrigin>;
  /**
   * The normalised pushed and source titles, filled by their first reader
   * (`labels/title-text.ts`), so that the label deriver and the rules
   * normalise each title once. On the item rather than in a WeakMap keyed
   * on the candidate: the entry dies with the item, at no cost to the GC.
   */
  titleText: NormalizedText | undefined;
  sourceTitleText: NormalizedText | undefined;
}

/** Where a label came from, so a reason can say why an item has it. */
export type LabelOrigin = string;

/** Origin of labels the ranker sent. */
export const UPSTREAM = "upstream";

/** Builds the items of a request with the upstream labels only. */
export function toItems(candidates: readonly Candidate[]): Item[] {
  return candidates.map((candidate, index) => ({
    candidate,
    index,
    labels: upstreamLabels(candidate.labels),
    titleText: undefined,
    sourceTitleText: undefined,
  }));
}

function upstreamLabels(labels: readonly string[]): Map<string, LabelOrigin> {
  const origins = new Map<string, LabelOrigin>();
  for (const label of labels) origins.set(label, UPSTREAM);
  return origins;
}
