import { z } from "zod";
import {
  CandidateKind,
  type Candidate,
} from "../../gen/pushguard/v1/pushguard_pb.js";
import type { Item } from "../../pipeline/item.js";
import {
  reasonOf,
  type DecisionContext,
  type Removal,
  type Rule,
  type RuleOutcome,
} from "../../pipeline/rule.js";
import { defineRuleType, type RuleIdentity } from "../registry.js";
import {
  capMessage,
  capsAt,
  tightestOf,
  usageOf,
  windowSchema,
  type PolicyWindow,
  type WindowUsage,
} from "./windows.js";

/** Ads and promotions: the pushes that prompt a user to spend. */
export function isConsumptionPrompt(candidate: Candidate): boolean {
  return (
    candidate.kind === CandidateKind.AD ||
    candidate.kind === CandidateKind.PROMOTION
  );
}

/**
 * Art. 5(7): no excessive consumption prompts. Ads and promotions recorded
 * for the user plus those earlier in this list count against each window
 * (rolling or calendar day); prompts past the tightest window's room are
 * removed, other items pass.
 *
 * A commit re-checks the same windows atomically in the store, scoped to
 * prompts, so two concurrent requests cannot both admit the last prompt.
 */
export const consumptionCap = defineRuleType({
  type: "consumption-cap",
  summary: "caps ads and promotions per rolling or calendar-day window",
  params: z.strictObject({
    windows: z.array(windowSchema).min(1),
  }),
  create(identity, params): Rule {
    return {
      id: identity.id,
      article: identity.article,
      apply: (items, ctx) => capPrompts(identity, params.windows, items, ctx),
      commitLimits: (ctx) => ({
        caps: capsAt(params.windows, ctx).map((cap) => ({
          ...cap,
          scope: "consumption" as const,
        })),
        minGapMs: 0,
      }),
      needsState: true,
    };
  },
});

function capPrompts(
  identity: RuleIdentity,
  windows: readonly PolicyWindow[],
  items: readonly Item[],
  ctx: DecisionContext,
): RuleOutcome {
  const usages = capsAt(windows, ctx).map((cap) =>
    usageOf({ ...cap, scope: "consumption" }, ctx.state.deliveries, ctx.nowMs),
  );
  const tightest = tightestOf(usages);
  const reason = fullReason(identity, tightest);
  let room = tightest.remaining;
  const kept: Item[] = [];
  const removed: Removal[] = [];
  for (const item of items) {
    const prompt = isConsumptionPrompt(item.candidate);
    if (prompt && room === 0) {
      removed.push({ item, reason });
      continue;
    }
    if (prompt) room -= 1;
    kept.push(item);
  }
  return { kept, removed };
}

function fullReason(identity: RuleIdentity, usage: WindowUsage) {
  return reasonOf(
    identity,
    `consumption.${usage.cap.name}`,
    capMessage("consumption prompt", usage),
  );
}
