import { z } from "zod";
import { itemRule, keepAll, reasonOf, type Rule } from "../../pipeline/rule.js";
import { complaintSubject } from "../../store/complaint-id.js";
import { defineRuleType } from "../registry.js";

/**
 * Art. 6: public complaints are taken (ReportComplaint) and acted on. An
 * item whose distinct complaints reach the threshold is suppressed for
 * every user until its complaints expire from the store. The counts come
 * from the replica's cache of suppressed items, not from the user's state,
 * so the rule keeps working (on the last known set) when the store is down.
 * Complaints count per provider and item: another provider's item with the
 * same id is not suppressed. Most of the time no item is suppressed at
 * all; then the rule keeps the list without building a key per item.
 */
export const complaintThreshold = defineRuleType({
  type: "complaint-threshold",
  summary: "suppresses items once complaints about them reach a threshold",
  params: z.strictObject({
    threshold: z.int().min(1).max(1_000_000),
  }),
  create(identity, params): Rule {
    const rule = itemRule(identity.id, identity.article, (item, ctx) => {
      const provider = ctx.request.provider?.id ?? "";
      const subject = complaintSubject(provider, item.candidate.id);
      const count = ctx.complaints.get(subject) ?? 0;
      if (count < params.threshold) return undefined;
      return reasonOf(
        identity,
        "complaint.threshold",
        `${count} public complaints reached the threshold of ` +
          `${params.threshold}`,
      );
    });
    return {
      ...rule,
      apply: (items, ctx) =>
        ctx.complaints.size === 0 ? keepAll(items) : rule.apply(items, ctx),
      complaintThreshold: params.threshold,
    };
  },
});
