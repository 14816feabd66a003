import { z } from "zod";
import { UserTier } from "../../gen/pushguard/v1/pushguard_pb.js";
import type { Item } from "../../pipeline/item.js";
import {
  reasonOf,
  type CommitLimits,
  type DecisionContext,
  type Rule,
  type RuleOutcome,
} from "../../pipeline/rule.js";
import { defineRuleType, type RuleIdentity } from "../registry.js";
import {
  capMessage,
  capsAt,
  tightestOf,
  windowSchema,
  windowUsage,
  type PolicyWindow,
} from "./windows.js";

// The service computes the response budget with the same arithmetic.
export { windowUsage } from "./windows.js";

const MINUTE_MS = 60_000;

const windowsSchema = z.array(windowSchema).min(1);
const minGapSchema = z
  .number()
  .min(0)
  .max(24 * 60);

/**
 * Caps for members that differ from everyone else's. Art. 5(6) forbids
 * treating ordinary users and members unreasonably differently, so such a
 * difference is only accepted with the policy's stated reason.
 */
const memberTierSchema = z
  .strictObject({
    windows: windowsSchema,
    minGapMinutes: minGapSchema.optional(),
    reason: z.string().optional(),
  })
  .superRefine((tier, ctx) => {
    if ((tier.reason ?? "").trim() !== "") return;
    ctx.addIssue({
      code: "custom",
      path: ["reason"],
      message:
        "member caps differ from ordinary users' caps; state why in a " +
        "non-empty reason",
    });
  });

const paramsSchema = z.strictObject({
  windows: windowsSchema,
  minGapMinutes: minGapSchema.default(0),
  tiers: z.strictObject({ member: memberTierSchema.optional() }).optional(),
});

/** The caps one user is held to: the base ones or the member ones. */
export interface TierCaps {
  readonly windows: readonly PolicyWindow[];
  readonly minGapMs: number;
}

/**
 * Art. 5(6): push frequency is planned, not left to the ranker. Each window
 * is rolling (at most `limit` pushes in any `hours` before now) or a
 * calendar day in the user's time zone. Members get the same caps unless
 * `tiers.member` gives others with a reason. The same caps are checked
 * again, atomically, when a request commits.
 */
export const frequencyCap = defineRuleType({
  type: "frequency-cap",
  summary: "keeps each user within rolling or calendar-day push caps",
  params: paramsSchema,
  create(identity, params): Rule {
    const { base, member } = tierCapsOf(params);
    const tierOf = (ctx: DecisionContext) =>
      ctx.request.user?.tier === UserTier.MEMBER ? member : base;
    return {
      id: identity.id,
      article: identity.article,
      apply: (items, ctx) => applyTier(identity, tierOf(ctx), items, ctx),
      commitLimits: (ctx) => limitsOf(tierOf(ctx), ctx),
      needsState: true,
    };
  },
});

/** Everyone's caps, and the members' (the same unless the policy says). */
function tierCapsOf(params: z.output<typeof paramsSchema>) {
  const base: TierCaps = {
    windows: params.windows,
    minGapMs: params.minGapMinutes * MINUTE_MS,
  };
  const override = params.tiers?.member;
  if (override === undefined) return { base, member: base };
  const gapMinutes = override.minGapMinutes ?? params.minGapMinutes;
  const member = {
    windows: override.windows,
    minGapMs: gapMinutes * MINUTE_MS,
  };
  return { base, member };
}

/** The caps and gap a commit must hold for this user now. */
export function limitsOf(tier: TierCaps, ctx: DecisionContext): CommitLimits {
  return { caps: capsAt(tier.windows, ctx), minGapMs: tier.minGapMs };
}

/**
 * Holds the list while the minimum gap since the last push has not passed,
 * else keeps as many items as the tightest window has room for.
 */
export function applyTier(
  identity: RuleIdentity,
  tier: TierCaps,
  items: readonly Item[],
  ctx: DecisionContext,
  code = "cap",
): RuleOutcome {
  const gapHold = minGapHold(ctx, tier.minGapMs);
  if (gapHold !== undefined) {
    const minutes = tier.minGapMs / MINUTE_MS;
    const reason = reasonOf(
      identity,
      `${code}.min_gap`,
      `last push was less than ${minutes} minutes ago`,
    );
    const removed = items.map((item) => ({ item, reason }));
    return { kept: [], removed, holdUntilMs: gapHold };
  }
  return applyCaps(identity, limitsOf(tier, ctx), items, ctx, code);
}

function applyCaps(
  identity: RuleIdentity,
  limits: CommitLimits,
  items: readonly Item[],
  ctx: DecisionContext,
  code: string,
): RuleOutcome {
  const tightest = tightestOf(limits.caps.map((cap) => windowUsage(cap, ctx)));
  const reason = reasonOf(
    identity,
    `${code}.${tightest.cap.name}`,
    capMessage(tightest.cap.name, tightest),
  );
  const kept = items.slice(0, tightest.remaining);
  const removed = items
    .slice(tightest.remaining)
    .map((item) => ({ item, reason }));
  if (tightest.remaining > 0) return { kept, removed };
  return { kept, removed, holdUntilMs: tightest.freeAtMs };
}

function minGapHold(ctx: DecisionContext, minGapMs: number) {
  const last = ctx.state.deliveries.at(-1);
  if (minGapMs === 0 || last === undefined) return undefined;
  const allowedAt = last.atMs + minGapMs;
  return allowedAt > ctx.nowMs ? allowedAt : undefined;
}
