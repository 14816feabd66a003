import { z } from "zod";
import { keepAll, reasonOf, type Rule } from "../../pipeline/rule.js";
import { defineRuleType } from "../registry.js";
import { applyTier, limitsOf, type TierCaps } from "./frequency-cap.js";
import { windowSchema } from "./windows.js";

const MINUTE_MS = 60_000;

/**
 * Art. 5(7): stricter caps for minors, on top of everyone's caps (both
 * rules run, so a minor is never held to less). Commits hold them
 * atomically like every other cap. Adults pass untouched.
 *
 * When the store is down a minor's pushes cannot be counted, and this rule
 * then removes them itself (`state.unavailable`) whatever the policy's
 * `onStateUnavailable` says: there is no failing open for minors. It
 * leaves `needsState` unset for that reason, because the pipeline's
 * fail-closed would otherwise remove adults' items under a minors' article.
 */
export const minorCaps = defineRuleType({
  type: "minor-caps",
  summary: "stricter rolling or calendar-day push caps for minors",
  params: z.strictObject({
    windows: z.array(windowSchema).min(1),
    minGapMinutes: z
      .number()
      .min(0)
      .max(24 * 60)
      .default(0),
  }),
  create(identity, params): Rule {
    const tier: TierCaps = {
      windows: params.windows,
      minGapMs: params.minGapMinutes * MINUTE_MS,
    };
    const unavailable = reasonOf(
      identity,
      "state.unavailable",
      "user state could not be read; minors' caps fail closed",
    );
    return {
      id: identity.id,
      article: identity.article,
      apply(items, ctx) {
        if (!ctx.minor) return keepAll(items);
        if (!ctx.stateAvailable) {
          const removed = items.map((item) => ({ item, reason: unavailable }));
          return { kept: [], removed };
        }
        return applyTier(identity, tier, items, ctx, "minor.cap");
      },
      commitLimits: (ctx) =>
        ctx.minor ? limitsOf(tier, ctx) : { caps: [], minGapMs: 0 },
    };
  },
});
