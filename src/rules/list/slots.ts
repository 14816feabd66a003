import { z } from "zod";
import { reasonOf, type Rule } from "../../pipeline/rule.js";
import { defineRuleType } from "../registry.js";

/**
 * Art. 5(6): one list pushes at most `slots` items (from the request, or
 * the policy default). Items past the cut are reported, not silently lost.
 */
export const slotLimit = defineRuleType({
  type: "slots",
  summary: "keeps the first `slots` items of the list",
  params: z.strictObject({}),
  create(identity): Rule {
    return {
      id: identity.id,
      article: identity.article,
      apply(items, ctx) {
        const reason = reasonOf(
          identity,
          "list.slots",
          `list already holds its ${ctx.slots} slots`,
        );
        return {
          kept: items.slice(0, ctx.slots),
          removed: items.slice(ctx.slots).map((item) => ({ item, reason })),
        };
      },
    };
  },
});
