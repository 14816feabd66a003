import { create } from "@bufbuild/protobuf";
import { timestampFromMs, type Timestamp } from "@bufbuild/protobuf/wkt";
import {
  ReviewSchema,
  ReviewStatus,
  Targeting,
  type Review,
} from "../gen/pushguard/v1/pushguard_pb.js";
import type { SeededRandom } from "./random.js";

/**
 * The parts of a replay request that public headline data does not carry
 * and that every importer has to make up the same way: ranker scores,
 * review records, targeting and the decision clock. Kept in one place so
 * that the importers' file headers can say exactly what is synthesised.
 */

/**
 * Why a synthetic ranker chose an item, with weights in percent. Half
 * profile-based, as in a personalised push feed; the rest lets the minor
 * rules of Art. 5(7) (no profile targeting) keep some items.
 */
export const TARGETING_MIX: readonly (readonly [Targeting, number])[] = [
  [Targeting.PROFILE, 50],
  [Targeting.TRENDING, 25],
  [Targeting.EDITORIAL, 15],
  [Targeting.SUBSCRIPTION, 10],
];

/** Draws a targeting from {@link TARGETING_MIX}. */
export function drawTargeting(random: SeededRandom): Targeting {
  let roll = random.int(0, 99);
  for (const [targeting, weight] of TARGETING_MIX) {
    if (roll < weight) return targeting;
    roll -= weight;
  }
  return Targeting.PROFILE;
}

/** How many distinct synthetic reviewers sign the approvals. */
export const REVIEWERS = 5;

/**
 * An approved review signed by one of {@link REVIEWERS} reviewers, ids like
 * `tt-reviewer-03`. Public data passed editorial review where it was
 * published, so approved is the honest default; the replay then measures
 * the other rules, not Art. 5(5).
 */
export function approvedReview(random: SeededRandom, prefix: string): Review {
  const reviewer = String(random.int(1, REVIEWERS)).padStart(2, "0");
  return create(ReviewSchema, {
    status: ReviewStatus.APPROVED,
    reviewer: `${prefix}-reviewer-${reviewer}`,
  });
}

/**
 * Ranker score of the candidate at 0-based `rank` in a list of `count`:
 * (count - rank) / count, so 1 for the first and strictly decreasing, as
 * the ranker's order is the order of the source data.
 */
export function rankerScore(rank: number, count: number): number {
  return (count - rank) / count;
}

/** Decision time of request `index`: `startAt` plus `index` intervals. */
export function requestClock(
  startAt: Date,
  intervalMs: number,
  index: number,
): Timestamp {
  return timestampFromMs(startAt.getTime() + index * intervalMs);
}
