import { z } from "zod";
import {
  decideEach,
  keepAll,
  reasonOf,
  type DecisionContext,
  type Rule,
} from "../../pipeline/rule.js";
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
    return {
      id: identity.id,
      article: identity.article,
      apply(items, ctx) {
        const lastPushed = lastPushes(ctx, windowMs);
        if (lastPushed.size === 0) return keepAll(items);
        return decideEach(items, (item) => {
          const atMs = lastPushed.get(item.candidate.id);
          if (atMs === undefined) return undefined;
          const hours = ((ctx.nowMs - atMs) / HOUR_MS).toFixed(1);
          return reasonOf(
            identity,
            "repeat.item",
            `item was pushed ${hours}h ago, within the ` +
              `${params.windowHours}h repeat window`,
          );
        });
      },
      needsState: true,
    };
  },
});

/**
 * When each item the user was pushed within the window last went out,
 * read once per list rather than searched for every candidate.
 */
function lastPushes(
  ctx: DecisionContext,
  windowMs: number,
): Map<string, number> {
  const sinceMs = ctx.nowMs - windowMs;
  const last = new Map<string, number>();
  for (const delivery of ctx.state.deliveries) {
    if (delivery.atMs <= sinceMs) continue;
    const known = last.get(delivery.itemId);
    if (known === undefined || delivery.atMs >= known) {
      last.set(delivery.itemId, delivery.atMs);
    }
  }
  return last;
}
