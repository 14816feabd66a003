import { z } from "zod";
import { ReviewStatus } from "../../gen/pushguard/v1/pushguard_pb.js";
import { itemRule, reasonOf } from "../../pipeline/rule.js";
import { defineRuleType } from "../registry.js";

const STATUS_CODES: Record<ReviewStatus, string> = {
  [ReviewStatus.UNSPECIFIED]: "review.missing",
  [ReviewStatus.PENDING]: "review.pending",
  [ReviewStatus.REJECTED]: "review.rejected",
  [ReviewStatus.APPROVED]: "",
};

/**
 * Art. 5(5): only items that passed content review are pushed, and the
 * reviewer is on record so the review can be traced.
 */
export const reviewApproved = defineRuleType({
  type: "review-approved",
  summary: "drops items not approved by a recorded reviewer",
  params: z.strictObject({
    requireReviewer: z.boolean().default(true),
  }),
  create(identity, params) {
    return itemRule(identity.id, identity.article, ({ candidate }) => {
      const status = candidate.review?.status ?? ReviewStatus.UNSPECIFIED;
      if (status !== ReviewStatus.APPROVED) {
        // Validation refuses unknown numbers; the fallback keeps a rule
        // from throwing if one ever gets here.
        const name = (ReviewStatus[status] ?? String(status)).toLowerCase();
        return reasonOf(
          identity,
          STATUS_CODES[status],
          `review status is ${name}, must be approved`,
        );
      }
      if (params.requireReviewer && !candidate.review?.reviewer.trim()) {
        return reasonOf(
          identity,
          "review.no_reviewer",
          "approved without a recorded reviewer",
        );
      }
      return undefined;
    });
  },
});
