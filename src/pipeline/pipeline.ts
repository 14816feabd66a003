import type { Item } from "./item.js";
import type { Reason } from "./reason.js";
import type {
  DecisionContext,
  Removal,
  Rule,
  RuleMode,
  RuleOutcome,
} from "./rule.js";

/** A rule as placed in a policy: the rule and whether it acts. */
export interface PlacedRule {
  readonly rule: Rule;
  readonly mode: Exclude<RuleMode, "off">;
  /** What a rule that needs state does when the store is down. */
  readonly onStateUnavailable?: "fail-open" | "fail-closed";
}

/** The pipeline's verdict on one list. */
export interface Verdict {
  /** Survivors of every enforced rule, in push order. */
  readonly admitted: Item[];
  /** Removals by enforced rules, in the order they happened. */
  readonly dropped: Removal[];
  /** What shadow rules would have removed; one entry per item and rule. */
  readonly wouldDrop: Removal[];
  /** Latest hold any enforced rule asked for. */
  readonly holdUntilMs: number | undefined;
}

/**
 * Runs the rules in order. An enforced rule's survivors are the next rule's
 * input. A shadow rule sees the same input but its removals are only
 * reported, so that a shadow rule never changes what is pushed.
 */
export function runPipeline(
  rules: readonly PlacedRule[],
  items: readonly Item[],
  ctx: DecisionContext,
  observe?: (rule: PlacedRule, outcome: RuleOutcome) => void,
): Verdict {
  let current: readonly Item[] = items;
  const dropped: Removal[] = [];
  const wouldDrop: Removal[] = [];
  let holdUntilMs: number | undefined;
  for (const placed of rules) {
    if (current.length === 0) break;
    const outcome = applyRule(placed, current, ctx);
    if (outcome === undefined) continue;
    observe?.(placed, outcome);
    if (placed.mode === "shadow") {
      wouldDrop.push(...outcome.removed);
      continue;
    }
    dropped.push(...outcome.removed);
    current = outcome.kept;
    holdUntilMs = laterOf(holdUntilMs, outcome.holdUntilMs);
  }
  return { admitted: [...current], dropped, wouldDrop, holdUntilMs };
}

/**
 * Runs one rule, or decides for it when the state it needs could not be
 * read: fail-open skips it (undefined), fail-closed removes every item.
 */
function applyRule(
  placed: PlacedRule,
  items: readonly Item[],
  ctx: DecisionContext,
): RuleOutcome | undefined {
  if (ctx.stateAvailable || !placed.rule.needsState) {
    return placed.rule.apply(items, ctx);
  }
  if (placed.onStateUnavailable === "fail-open") return undefined;
  const reason: Reason = {
    ruleId: placed.rule.id,
    code: "state.unavailable",
    article: placed.rule.article,
    message: "user state could not be read; the rule fails closed",
  };
  return { kept: [], removed: items.map((item) => ({ item, reason })) };
}

function laterOf(a: number | undefined, b: number | undefined) {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

/**
 * Groups removals by item, keeping the order of first removal. Keyed by
 * the item object, one per candidate, which hashes by identity: the
 * candidate ids are fresh strings each request, whose hashes are not
 * computed yet.
 */
export function reasonsByItem(
  removals: readonly Removal[],
): Map<Item, Reason[]> {
  const byItem = new Map<Item, Reason[]>();
  for (const { item, reason } of removals) {
    const reasons = byItem.get(item);
    if (reasons === undefined) byItem.set(item, [reason]);
    else reasons.push(reason);
  }
  return byItem;
}
