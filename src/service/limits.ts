import type { PlacedRule } from "../pipeline/pipeline.js";
import type { DecisionContext } from "../pipeline/rule.js";
import { limitsEveryPush, type WindowCap } from "../store/store.js";

/** The caps a commit must hold, and the rule that owns them. */
export interface CommitLimitsOwner {
  readonly caps: readonly WindowCap[];
  readonly minGapMs: number;
  /**
   * First enforced rule with caps for this user; named in a lost race's
   * reason and deciding fail-open or fail-closed for a failed commit.
   */
  readonly owner: PlacedRule | undefined;
}

/**
 * Gathers the caps of every enforced rule that limits frequency. Shadow
 * rules only report, so their caps never bind a commit.
 */
export function commitLimitsOf(
  rules: readonly PlacedRule[],
  ctx: DecisionContext,
): CommitLimitsOwner {
  const caps: WindowCap[] = [];
  let minGapMs = 0;
  let owner: PlacedRule | undefined;
  let fallback: PlacedRule | undefined;
  for (const placed of rules) {
    if (placed.mode !== "enforce" || !placed.rule.commitLimits) continue;
    const limits = placed.rule.commitLimits(ctx);
    if (limits.caps.length === 0 && limits.minGapMs === 0) continue;
    caps.push(...limits.caps);
    minGapMs = Math.max(minGapMs, limits.minGapMs);
    // The first rule that limits every push for this user is named in
    // race reasons; a rule with nothing to say for this user (minor caps
    // for an adult) or one that limits prompts or one class only is not.
    if (limits.caps.some(limitsEveryPush)) {
      owner ??= placed;
    }
    fallback ??= placed;
  }
  // Scoped caps go last, so the budget lists the push windows first.
  caps.sort((a, b) => scopeRank(a) - scopeRank(b));
  return { caps, minGapMs, owner: owner ?? fallback };
}

function scopeRank(cap: WindowCap): number {
  return limitsEveryPush(cap) ? 0 : 1;
}
