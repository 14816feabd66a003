import { z } from "zod";
import { Targeting } from "../../gen/pushguard/v1/pushguard_pb.js";
import type { Item } from "../../pipeline/item.js";
import {
  itemRule,
  keepAll,
  reasonOf,
  type ItemCheck,
  type Rule,
} from "../../pipeline/rule.js";
import { defineRuleType, type RuleIdentity } from "../registry.js";
import { runSteps } from "./pause.js";
import { quietHoursSchema, quietStep } from "./quiet-hours.js";

/**
 * Art. 5(7): what a minor may be pushed. No item chosen from a personal
 * profile (the provision forbids profiling minors), nothing labelled
 * unsuitable for minors, and nothing during the night hours. Adults pass
 * untouched. It reads no state, so it keeps protecting minors when the
 * store is down; the stricter caps for minors are the `minor-caps` rule,
 * which sits with the other caps.
 */
export const minorProtection = defineRuleType({
  type: "minor-protection",
  summary: "no profile-targeted or unsuitable items and night hours for minors",
  params: z.strictObject({
    nightHours: quietHoursSchema,
    unsuitableLabels: z.array(z.string().min(1)).min(1),
  }),
  create(identity, params): Rule {
    const content = itemRule(
      identity.id,
      identity.article,
      minorContentCheck(identity, params.unsuitableLabels),
    );
    const night = quietStep(identity, params.nightHours, "minor.night");
    return {
      id: identity.id,
      article: identity.article,
      apply(items, ctx) {
        if (!ctx.minor) return keepAll(items);
        return runSteps(items, [
          (survivors) => content.apply(survivors, ctx),
          (survivors) => night(survivors, ctx),
        ]);
      },
    };
  },
});

function minorContentCheck(
  identity: RuleIdentity,
  unsuitable: readonly string[],
): ItemCheck {
  const profiled = reasonOf(
    identity,
    "minor.profile_targeting",
    "item was chosen from a personal profile; minors are not profiled",
  );
  return (item: Item) => {
    if (item.candidate.targeting === Targeting.PROFILE) return profiled;
    for (const label of unsuitable) {
      const origin = item.labels.get(label);
      if (origin === undefined) continue;
      return reasonOf(
        identity,
        "minor.unsuitable",
        `item is labelled ${label} (${origin}); not pushed to minors`,
      );
    }
    return undefined;
  };
}
