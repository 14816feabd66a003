import { CandidateKind } from "../../gen/pushguard/v1/pushguard_pb.js";
import type { Item } from "../../pipeline/item.js";
import type { Reason } from "../../pipeline/reason.js";
import type { Removal, RuleOutcome } from "../../pipeline/rule.js";

/** How a rule that pauses a user's pushes treats the list. */
export interface Pause {
  readonly reason: Reason;
  /** Set to hold: the response's `nextAllowedAt`; unset to drop. */
  readonly holdUntilMs?: number;
  /**
   * Service messages (a login alert, a parcel arriving) are not what a
   * pause protects the user from, so a policy may let them through.
   */
  readonly passServiceMessages: boolean;
}

/**
 * Removes every item the pause covers. A hold differs from a drop only in
 * telling the caller when to try again; either way nothing covered is
 * pushed now.
 */
export function pauseList(items: readonly Item[], pause: Pause): RuleOutcome {
  const passes = (item: Item) =>
    pause.passServiceMessages && item.candidate.kind === CandidateKind.SERVICE;
  const kept = items.filter(passes);
  const removed = items
    .filter((item) => !passes(item))
    .map((item) => ({ item, reason: pause.reason }));
  if (pause.holdUntilMs === undefined || removed.length === 0) {
    return { kept, removed };
  }
  return { kept, removed, holdUntilMs: pause.holdUntilMs };
}

/** One step of a rule that checks several things in turn. */
export type RuleStep = (items: readonly Item[]) => RuleOutcome;

/**
 * Runs steps like a small pipeline: each sees the survivors of the one
 * before; removals add up and the latest hold wins.
 */
export function runSteps(
  items: readonly Item[],
  steps: readonly RuleStep[],
): RuleOutcome {
  let kept: readonly Item[] = items;
  const removed: Removal[] = [];
  let holdUntilMs: number | undefined;
  for (const step of steps) {
    if (kept.length === 0) break;
    const outcome = step(kept);
    kept = outcome.kept;
    removed.push(...outcome.removed);
    if (outcome.holdUntilMs !== undefined) {
      holdUntilMs = Math.max(holdUntilMs ?? 0, outcome.holdUntilMs);
    }
  }
  const base = { kept: [...kept], removed };
  return holdUntilMs === undefined ? base : { ...base, holdUntilMs };
}
