import type { ScreenRequest } from "../gen/pushguard/v1/pushguard_pb.js";
import type { UserState, WindowCap } from "../store/store.js";
import type { Item } from "./item.js";
import type { Reason } from "./reason.js";

/** Whether a rule acts, only reports, or does not run. */
export type RuleMode = "enforce" | "shadow" | "off";

/** What every rule may read while deciding one request. */
export interface DecisionContext {
  readonly request: ScreenRequest;
  readonly userId: string;
  readonly minor: boolean;
  /** IANA time zone of the user, after the policy default. */
  readonly timeZone: string;
  readonly nowMs: number;
  /** Items that may be pushed from this list, after the policy default. */
  readonly slots: number;
  /**
   * The user's state as read once before the pipeline ran; empty when the
   * store could not be reached (then `stateAvailable` is false).
   */
  readonly state: UserState;
  /** False when the store was unavailable for this request. */
  readonly stateAvailable: boolean;
  /**
   * Complaint counts of the suppressed items (Art. 6): every item at or
   * above the lowest threshold of the policy's Art. 6 rules, from the
   * replica's cache, so a Screen reads no complaints from the store.
   */
  readonly complaints: ReadonlyMap<string, number>;
}

/** One item a rule removed, and why. */
export interface Removal {
  readonly item: Item;
  readonly reason: Reason;
}

/** What a rule kept (in order) and what it removed. */
export interface RuleOutcome {
  /** May be the very array the rule was given, when it kept them all. */
  readonly kept: readonly Item[];
  readonly removed: Removal[];
  /**
   * When the rule holds the whole list until later (quiet hours, back-off),
   * the earliest time a push may go out.
   */
  readonly holdUntilMs?: number;
}

/**
 * A rule sees the survivors of the rule before it and returns what it kept
 * and what it removed. Rules are built once per policy load and must not keep
 * per-request state.
 */
export interface Rule {
  readonly id: string;
  /** The article it implements, `Art. 5(4)`. */
  readonly article: string;
  apply(items: readonly Item[], ctx: DecisionContext): RuleOutcome;
  /**
   * For rules that limit how often a user is pushed: the caps a commit must
   * check atomically in the store, so that concurrent requests for one user
   * cannot both pass a check made on a stale read.
   */
  commitLimits?(ctx: DecisionContext): CommitLimits;
  /**
   * True for rules that read `ctx.state`; when the store is unavailable the
   * policy's `onStateUnavailable` decides for them.
   */
  readonly needsState?: boolean;
  /**
   * For the Art. 6 rule, which reads `ctx.complaints`: complaints at which
   * an item is suppressed. The lowest of these decides which items the
   * replicas keep in `ctx.complaints`.
   */
  readonly complaintThreshold?: number;
}

/** Caps a commit must hold, as given by the rules that own them. */
export interface CommitLimits {
  readonly caps: readonly WindowCap[];
  readonly minGapMs: number;
}

/** Decides one item: a reason to remove it, or undefined to keep it. */
export type ItemCheck = (
  item: Item,
  ctx: DecisionContext,
) => Reason | undefined;

/** Builds a rule that decides each item on its own. */
export function itemRule(id: string, article: string, check: ItemCheck): Rule {
  return {
    id,
    article,
    apply: (items, ctx) => decideEach(items, (item) => check(item, ctx)),
  };
}

/**
 * Keeps the items `check` finds no reason against, in order, and removes
 * the others with their reasons. Most rules keep most lists whole, so the
 * kept list is copied only from the first removal on: a rule that keeps
 * all returns its input as it is.
 */
export function decideEach(
  items: readonly Item[],
  check: (item: Item) => Reason | undefined,
): RuleOutcome {
  let kept: Item[] | undefined;
  const removed: Removal[] = [];
  items.forEach((item, at) => {
    const reason = check(item);
    if (reason === undefined) {
      kept?.push(item);
      return;
    }
    kept ??= items.slice(0, at);
    removed.push({ item, reason });
  });
  return { kept: kept ?? items, removed };
}

/** The outcome of a rule that keeps the whole list as it came. */
export function keepAll(items: readonly Item[]): RuleOutcome {
  return { kept: items, removed: [] };
}

/** Builds a reason of the given rule. */
export function reasonOf(
  rule: { readonly id: string; readonly article: string },
  code: string,
  message: string,
): Reason {
  return { ruleId: rule.id, code, article: rule.article, message };
}
