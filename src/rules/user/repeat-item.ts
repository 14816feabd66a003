import { z } from "zod";
import { itemRule, reasonOf, type Rule } from "../../pipeline/rule.js";
import { defineRuleType } from "../registry.js";

const HOUR_MS = 3_600_000;

/**
 * Art. 5(7): the same item is not pushed twice within `windowHours`, a
 * re-push being a classic loop to pull a user back. Items are matched by
 * candidate id against the user's recorded deliveries; the store's
 * retention must cover the window (the default store keeps 8 days). The
 * window is the `windowHours` up to now, its start excluded.
 */
export const repeatItem = defineRuleType({
  type: "repeat-item",
  summary: "never pushes the same item twice within the window",
  params: z.strictObject({
    windowHours: z
      .number()
      .min(1)
      .max(24 * 31),
  }),
  create(identity, params): Rule {
    const windowMs = params.windowHours * HOUR_MS;
    const rule = itemRule(identity.id, identity.article, (item, ctx) => {
      const sinceMs = ctx.nowMs - windowMs;
      const last = ctx.state.deliveries.findLast(
        (delivery) =>
          delivery.itemId === item.candidate.id && delivery.atMs > sinceMs,
      );
      if (last === undefined) return undefined;
      const hours = ((ctx.nowMs - last.atMs) / HOUR_MS).toFixed(1);
      return reasonOf(
        identity,
        "repeat.item",
        `item was pushed ${hours}h ago, within the ${params.windowHours}h ` +
          "repeat window",
      );
    });
    return { ...rule, needsState: true };
  },
});
