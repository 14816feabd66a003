import type { Item } from "../../pipeline/item.js";
import type {
  CommitLimits,
  DecisionContext,
  Removal,
  Rule,
  RuleOutcome,
} from "../../pipeline/rule.js";
import {
  listConstraint,
  rerank,
  similarityFor,
  type ListLimits,
  type RerankMethod,
  type Selection,
  type ShareBounds,
} from "../../rerank/index.js";
import { classScope } from "../../store/store.js";
import { defineRuleType, type RuleIdentity } from "../registry.js";
import { usageOf, type CapWindow, type WindowUsage } from "../user/windows.js";
import {
  diversityParamsSchema,
  type ClassWindowCap,
  type DiversityParams,
} from "./diversity-params.js";
import { RemovalReasons } from "./diversity-reasons.js";
import { constrainedItem } from "./list-items.js";

const HOUR_MS = 3_600_000;

/**
 * Art. 5(4): diverse pushes, a set proportion of news and vertical-field
 * content, and no piling on of sensitive hot events, vicious cases and
 * disasters. This rule decides the order and the cut of the list: it
 * re-ranks the survivors with MMR or a DPP (`method`, which a surface may
 * override) and keeps up to `slots` of them, never admitting one that
 * breaks a hard limit:
 *
 * - `maxTopicShare`: most slots one top-level topic may take;
 * - `kindShare`: min and max shares of each kind (news, vertical, ...);
 * - `listCaps`: most items of a class (`disaster`: 1) in one list;
 * - `windowCaps`: most items of a class per user over a rolling window,
 *   counted from the classes of the user's recorded deliveries.
 *
 * Shares count against the slots, not the list's length (see ListLimits
 * in rerank/constraints.ts): a list that cannot fill a minimum comes out
 * shorter rather than breaking it. Every removal is reported: a candidate
 * a limit refused carries the limit's code (`cap.disaster_list`,
 * `cap.disaster_window`, `diversity.topic_share`, `diversity.news_share`)
 * and a message naming the limit and its value; a candidate merely not
 * reached because the slots were full gets `list.slots`, as the slots rule
 * words it; one a DPP stopped before, because nothing left added
 * diversity, gets `diversity.redundant`. Ties keep the ranker's order, so
 * the same request always gives the same list.
 *
 * Placement: after every rule that removes single items (content, minor
 * protection, repeat, consumption cap) and before `topic-streak`, which
 * must see the final push order. It does the slots cut itself, so a
 * policy needs no `slots` rule beside it, except one placed after it for
 * when it does not act (off or shadow on a surface, or skipped while the
 * store is down under `fail-open`). Rules after it only remove items:
 * maxima and caps still hold, but a removal (a topic streak, a frequency
 * cap cutting the tail) can leave a kind below its minimum share.
 *
 * Window caps are re-checked atomically at commit (caps scoped to
 * `class:<name>`), so two concurrent requests cannot both admit the last
 * disaster of a window. The store records the longest prefix of the list
 * that fits, so the loser's items from that disaster on are dropped as a
 * lost race (`cap.concurrent_commit`, named after the policy's first cap
 * on every push, as for every cap). A minor's record keeps no classes
 * (Art. 5(7)), so for minors every push in the window counts against each
 * class window at read time (failing closed), and the commit re-check
 * sees no classes for them: there, the minors' own caps bound a race.
 *
 * State: with `windowCaps` the rule reads the user's deliveries
 * (`needsState`), and the policy's `onStateUnavailable` decides when the
 * store is down: `fail-closed` (recommended) removes the list, since no
 * window can be checked; `fail-open` skips the rule, re-ranking and list
 * caps included, and leaves the cut to `slots`. Without `windowCaps` it
 * reads no state and always runs.
 */
export const diversityRerank = defineRuleType({
  type: "diversity-rerank",
  summary:
    "re-ranks for diversity (mmr or dpp) within Art. 5(4) shares and " +
    "class caps, keeping up to slots",
  params: diversityParamsSchema,
  create(identity, params): Rule {
    const windows = Object.entries(params.windowCaps ?? {});
    return {
      id: identity.id,
      article: identity.article,
      apply: (items, ctx) => rerankList(identity, params, items, ctx),
      commitLimits: (): CommitLimits => ({
        caps: windows.map(([cls, window]) => classCap(cls, window)),
        minGapMs: 0,
      }),
      needsState: windows.length > 0,
    };
  },
});

function rerankList(
  identity: RuleIdentity,
  params: DiversityParams,
  items: readonly Item[],
  ctx: DecisionContext,
): RuleOutcome {
  const usages = windowUsages(params, ctx);
  const selection = rerank({
    scores: items.map((item) => item.candidate.score),
    similarity: similarityFor(items.map((item) => item.candidate)),
    k: ctx.slots,
    method: methodOf(params),
    constraint: listConstraint(
      items.map(constrainedItem),
      listLimits(params, usages),
    ),
  });
  const { selected } = selection;
  const { slots, minor } = ctx;
  const list = { items, selected, slots, params, usages, minor };
  const reasons = new RemovalReasons(identity, list);
  return {
    kept: selected.map((j) => items[j] as Item),
    removed: removalsOf(items, selection, slots, reasons),
  };
}

/**
 * Every candidate not kept, in request order: cut by a limit, left out
 * because the slots were full, or (a DPP that stopped early) redundant.
 */
function removalsOf(
  items: readonly Item[],
  { selected, cut }: Selection,
  slots: number,
  reasons: RemovalReasons,
): Removal[] {
  const full = selected.length >= slots;
  const kept = new Set(selected);
  const removed: Removal[] = [];
  items.forEach((item, j) => {
    if (kept.has(j)) return;
    const code = cut.get(j);
    let reason = full ? reasons.slotsFull() : reasons.redundant();
    if (code !== undefined) reason = reasons.cut(code, item);
    removed.push({ item, reason });
  });
  return removed;
}

function methodOf(params: DiversityParams): RerankMethod {
  const { method } = params;
  if (method.kind === "mmr") return { kind: "mmr", lambda: method.lambda };
  return {
    kind: "dpp",
    alpha: method.alpha,
    ...(method.window === undefined ? {} : { window: method.window }),
    ...(method.epsilon === undefined ? {} : { epsilon: method.epsilon }),
  };
}

/** The cap of one class over its rolling window, as the store checks it. */
function classCap(cls: string, window: ClassWindowCap): CapWindow {
  return {
    name: `${cls}_window`,
    windowMs: window.hours * HOUR_MS,
    limit: window.limit,
    scope: classScope(cls),
    span: `${window.hours}h`,
  };
}

/**
 * How full each class window is. A minor's record keeps no classes, so
 * every push of theirs in the window counts: the cap fails closed.
 */
function windowUsages(
  params: DiversityParams,
  ctx: DecisionContext,
): Map<string, WindowUsage> {
  const usages = new Map<string, WindowUsage>();
  for (const [cls, window] of Object.entries(params.windowCaps ?? {})) {
    const cap = classCap(cls, window);
    const counted = ctx.minor ? { ...cap, scope: "all" as const } : cap;
    const usage = usageOf(counted, ctx.state.deliveries, ctx.nowMs);
    usages.set(cls, { ...usage, cap });
  }
  return usages;
}

function listLimits(
  params: DiversityParams,
  usages: ReadonlyMap<string, WindowUsage>,
): ListLimits {
  const windowRemaining = Object.fromEntries(
    [...usages].map(([cls, usage]) => [cls, usage.remaining]),
  );
  return {
    ...(params.maxTopicShare === undefined
      ? {}
      : { maxTopicShare: params.maxTopicShare }),
    kindShare: kindShareOf(params),
    listCaps: params.listCaps ?? {},
    windowRemaining,
  };
}

function kindShareOf(params: DiversityParams): Record<string, ShareBounds> {
  const out: Record<string, ShareBounds> = {};
  for (const [kind, bounds] of Object.entries(params.kindShare ?? {})) {
    if (bounds === undefined) continue;
    out[kind] = {
      ...(bounds.min === undefined ? {} : { min: bounds.min }),
      ...(bounds.max === undefined ? {} : { max: bounds.max }),
    };
  }
  return out;
}
