import { create } from "@bufbuild/protobuf";
import path from "node:path";
import {
  AgeBand,
  UserSchema,
  UserTier,
  type Candidate,
} from "../../../src/gen/pushguard/v1/pushguard_pb.js";
import { toItems, type Item } from "../../../src/pipeline/item.js";
import type { DecisionContext, Rule } from "../../../src/pipeline/rule.js";
import type { DeliveryRecord, UserState } from "../../../src/store/store.js";
import { candidate, screenRequest } from "../../helpers/requests.js";
import { buildRuleIn } from "../../helpers/rules.js";
import { repoRoot } from "../../helpers/server.js";

/** Milliseconds of an ISO time, so that tables read as clock times. */
export const ms = (iso: string): number => Date.parse(iso);

/** What a test says about the user and the moment of the decision. */
export interface ContextInit {
  readonly now?: string;
  readonly timeZone?: string;
  readonly minor?: boolean;
  readonly member?: boolean;
  readonly state?: Partial<UserState>;
  readonly stateAvailable?: boolean;
}

/**
 * A hand-built decision context: user u-1 at 2026-12-01T10:00Z (18:00 in
 * Shanghai), no history, the store reachable.
 */
export function decisionContext(init: ContextInit = {}): DecisionContext {
  const user = create(UserSchema, {
    id: "u-1",
    ageBand: init.minor ? AgeBand.MINOR : AgeBand.ADULT,
    tier: init.member ? UserTier.MEMBER : UserTier.ORDINARY,
    timeZone: init.timeZone ?? "Asia/Shanghai",
  });
  return {
    request: screenRequest({ user }),
    userId: "u-1",
    minor: init.minor ?? false,
    timeZone: init.timeZone ?? "Asia/Shanghai",
    nowMs: ms(init.now ?? "2026-12-01T10:00:00Z"),
    slots: 3,
    state: {
      deliveries: [],
      dismissalStreak: 0,
      lastDismissalMs: undefined,
      unsubscribed: false,
      ...init.state,
    },
    stateAvailable: init.stateAvailable ?? true,
    complaints: new Map(),
  };
}

/** A recorded push of `itemId` at an ISO time. */
export function delivery(
  itemId: string,
  at: string,
  init: Partial<Omit<DeliveryRecord, "itemId" | "atMs">> = {},
): DeliveryRecord {
  return {
    itemId,
    atMs: ms(at),
    topics: ["sports"],
    classes: [],
    consumption: false,
    ...init,
  };
}

/** Items as the pipeline sees them, with the upstream labels. */
export function items(...candidates: Candidate[]): Item[] {
  return toItems(candidates);
}

/** Items with the given topics, one item per entry, ids t0, t1, ... */
export function topicItems(...topics: string[]): Item[] {
  return items(...topics.map((t, i) => candidate(`t${i}`, { topics: [t] })));
}

/** Builds a rule of a registered type from parameters a policy would hold. */
export function buildRule(
  type: string,
  params: Record<string, unknown>,
  id = type,
  article = "Art. 5(6)",
): Rule {
  return buildRuleIn(repoRoot, type, params, { id, article });
}

/** What a rule did, as ids and reasons, for exact table assertions. */
export function decide(
  rule: Rule,
  list: readonly Item[],
  ctx: DecisionContext,
) {
  const outcome = rule.apply(list, ctx);
  return {
    kept: outcome.kept.map((item) => item.candidate.id),
    removed: outcome.removed.map(({ item, reason }) => [
      item.candidate.id,
      reason.code,
      reason.message,
    ]),
    holdUntil:
      outcome.holdUntilMs === undefined
        ? undefined
        : new Date(outcome.holdUntilMs).toISOString(),
  };
}

/** Fixture policies of these tests. */
export const fixtures = path.join(repoRoot, "test/rules/user/fixtures");
