import { z } from "zod";
import { CandidateKind } from "../../gen/pushguard/v1/pushguard_pb.js";
import { itemRule, reasonOf } from "../../pipeline/rule.js";
import { defineRuleType } from "../registry.js";

/**
 * Art. 5(6): a user who turned pushes off, in the request or through an
 * `unsubscribed` feedback event, gets nothing but service messages.
 */
export const optOut = defineRuleType({
  type: "opt-out",
  summary: "gives opted-out users service messages only",
  params: z.strictObject({}),
  create(identity) {
    return itemRule(identity.id, identity.article, (item, ctx) => {
      const optedOut =
        (ctx.request.user?.optedOut ?? false) || ctx.state.unsubscribed;
      if (!optedOut) return undefined;
      if (item.candidate.kind === CandidateKind.SERVICE) return undefined;
      return reasonOf(
        identity,
        "user.opted_out",
        "user opted out of pushes; only service messages pass",
      );
    });
  },
});
