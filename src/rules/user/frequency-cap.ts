import { z } from "zod";
import {
  reasonOf,
  type DecisionContext,
  type Removal,
  type Rule,
} from "../../pipeline/rule.js";
import type { DeliveryRecord, WindowCap } from "../../store/store.js";
import { defineRuleType, type RuleIdentity } from "../registry.js";

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

const windowSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, "window name must be snake_case"),
  hours: z
    .number()
    .min(1 / 60)
    .max(24 * 31),
  limit: z.int().min(0).max(1000),
});

/**
 * Art. 5(6): push frequency is planned, not left to the ranker. Each window
 * is rolling: at most `limit` pushes in any `hours` before now. The same
 * caps are checked again, atomically, when a request commits.
 */
export const frequencyCap = defineRuleType({
  type: "frequency-cap",
  summary: "keeps each user within rolling-window push caps",
  params: z.strictObject({
    windows: z.array(windowSchema).min(1),
    minGapMinutes: z
      .number()
      .min(0)
      .max(24 * 60)
      .default(0),
  }),
  create(identity, params): Rule {
    const caps: WindowCap[] = params.windows.map((window) => ({
      name: window.name,
      windowMs: window.hours * HOUR_MS,
      limit: window.limit,
    }));
    const minGapMs = params.minGapMinutes * MINUTE_MS;
    return {
      id: identity.id,
      article: identity.article,
      apply(items, ctx) {
        const gapHold = minGapHold(ctx, minGapMs);
        if (gapHold !== undefined) {
          const removed = items.map((item) => ({
            item,
            reason: gapReason(identity, params.minGapMinutes),
          }));
          return { kept: [], removed, holdUntilMs: gapHold };
        }
        return applyCaps(identity, caps, items, ctx);
      },
      commitLimits: () => ({ caps, minGapMs }),
      needsState: true,
    };
  },
});

function applyCaps(
  identity: RuleIdentity,
  caps: readonly WindowCap[],
  items: Parameters<Rule["apply"]>[0],
  ctx: DecisionContext,
) {
  const usage = caps.map((cap) => windowUsage(cap, ctx));
  const tightest = usage.reduce((a, b) => (b.remaining < a.remaining ? b : a));
  const kept = items.slice(0, tightest.remaining);
  const removed: Removal[] = items
    .slice(tightest.remaining)
    .map((item) => ({ item, reason: capReason(identity, tightest) }));
  if (tightest.remaining > 0) return { kept, removed };
  return { kept, removed, holdUntilMs: tightest.freeAtMs };
}

/** How full one window is now, and when its oldest push leaves it. */
export function windowUsage(cap: WindowCap, ctx: DecisionContext) {
  const inWindow = deliveriesSince(
    ctx.state.deliveries,
    ctx.nowMs - cap.windowMs,
  );
  const used = inWindow.length;
  const remaining = Math.max(0, cap.limit - used);
  const oldest = inWindow[used - cap.limit];
  const freeAtMs =
    oldest === undefined ? ctx.nowMs : oldest.atMs + cap.windowMs;
  return { cap, used, remaining, freeAtMs };
}

function deliveriesSince(
  deliveries: readonly DeliveryRecord[],
  sinceMs: number,
) {
  return deliveries.filter((delivery) => delivery.atMs > sinceMs);
}

function minGapHold(ctx: DecisionContext, minGapMs: number) {
  const last = ctx.state.deliveries.at(-1);
  if (minGapMs === 0 || last === undefined) return undefined;
  const allowedAt = last.atMs + minGapMs;
  return allowedAt > ctx.nowMs ? allowedAt : undefined;
}

function capReason(
  identity: RuleIdentity,
  usage: ReturnType<typeof windowUsage>,
) {
  const { cap, used } = usage;
  const hours = cap.windowMs / HOUR_MS;
  return reasonOf(
    identity,
    `cap.${cap.name}`,
    `${cap.name} cap ${cap.limit} per ${hours}h reached (${used} pushed)`,
  );
}

function gapReason(identity: RuleIdentity, minutes: number) {
  return reasonOf(
    identity,
    "cap.min_gap",
    `last push was less than ${minutes} minutes ago`,
  );
}
