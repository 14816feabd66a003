import { timestampDate } from "@bufbuild/protobuf/wkt";
import {
  AgeBand,
  CandidateKind,
  type ScreenRequest,
  type ScreenResponse,
} from "../gen/pushguard/v1/pushguard_pb.js";
import { toItems, type Item } from "../pipeline/item.js";
import {
  runPipeline,
  type PlacedRule,
  type Verdict,
} from "../pipeline/pipeline.js";
import type { Reason } from "../pipeline/reason.js";
import {
  reasonOf,
  type DecisionContext,
  type Removal,
} from "../pipeline/rule.js";
import { surfaceRules, type Policy } from "../policy/policy.js";
import { StoreUnavailableError } from "../store/errors.js";
import type {
  CommitResult,
  DeliveryRecord,
  StateStore,
} from "../store/store.js";
import type { SuppressionCache } from "./complaints.js";
import { commitLimitsOf, type CommitLimitsOwner } from "./limits.js";
import type { PolicyHolder } from "./policy-holder.js";
import { budgetOf, screenResponse } from "./response.js";
import { readState } from "./state-read.js";
import { validateScreenRequest } from "./validate.js";

/** What a decision is made with. */
export interface ScreenDeps {
  readonly policies: PolicyHolder;
  readonly store: StateStore;
  /** Suppressed items (Art. 6); unset: read with the state (memory only). */
  readonly suppression?: SuppressionCache;
  /** Called once per decision, off the hot path's critical section. */
  readonly onDecision?: (decision: Decision) => void;
  /** Server clock; replaceable for tests. */
  readonly clock?: () => number;
}

/** A finished decision, for metrics and the decision log. */
export interface Decision {
  readonly decisionId: string;
  readonly policy: Policy;
  readonly ctx: DecisionContext;
  readonly verdict: Verdict;
  readonly response: ScreenResponse;
}

/**
 * Screen: validate, read the user's state once, run the policy's rules,
 * commit if asked, and explain every removal.
 */
export async function screen(
  deps: ScreenDeps,
  request: ScreenRequest,
): Promise<ScreenResponse> {
  const policy = deps.policies.current();
  validateScreenRequest(request, policy);
  const surface = surfaceRules(policy, request.surface);
  const ctx = await decisionContext(deps, policy, request, surface.slots);
  const items = toItems(request.candidates);
  for (const item of items) policy.labels.derive(item);
  const { rules } = surface;
  let verdict = runPipeline(rules, items, ctx);
  let committed = false;
  let state = ctx.state;
  const limits = commitLimitsOf(rules, ctx);
  if (request.commit && verdict.admitted.length > 0) {
    const result = await commitAdmitted(deps.store, ctx, verdict, limits);
    verdict = result.verdict;
    state = result.state;
    committed = result.committed;
  }
  const response = screenResponse(policy, request, verdict, committed);
  response.budget = budgetOf({ ...ctx, state }, limits.caps, verdict);
  deps.onDecision?.({
    decisionId: response.decisionId,
    policy,
    ctx,
    verdict,
    response,
  });
  return response;
}

async function decisionContext(
  deps: ScreenDeps,
  policy: Policy,
  request: ScreenRequest,
  surfaceSlots: number,
): Promise<DecisionContext> {
  const userId = request.user?.id ?? "";
  const nowMs = request.now
    ? timestampDate(request.now).getTime()
    : (deps.clock ?? Date.now)();
  const { store, suppression } = deps;
  const read = await readState(store, policy, request, nowMs, suppression);
  return {
    request,
    userId,
    minor: request.user?.ageBand === AgeBand.MINOR,
    timeZone: request.user?.timeZone || policy.defaults.timeZone,
    nowMs,
    slots: request.slots || surfaceSlots,
    state: read.state,
    stateAvailable: read.available,
    complaints: read.complaints,
  };
}

/**
 * Records the admitted items under the caps, atomically in the store. When
 * a concurrent request used the budget since our read, the store accepts
 * fewer items than admitted, and the rest are dropped with a reason.
 */
async function commitAdmitted(
  store: StateStore,
  ctx: DecisionContext,
  verdict: Verdict,
  limits: CommitLimitsOwner,
) {
  const deliveries = verdict.admitted.map((item) => deliveryRecord(item, ctx));
  let result: CommitResult;
  try {
    result = await store.commit(ctx.userId, {
      nowMs: ctx.nowMs,
      deliveries,
      caps: limits.caps,
      minGapMs: limits.minGapMs,
    });
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
    return uncommitted(ctx, verdict, limits);
  }
  if (result.accepted === verdict.admitted.length) {
    return { verdict, state: result.state, committed: true };
  }
  // `committed` says something was recorded; a lost race may record none.
  const committed = result.accepted > 0;
  const reason = commitReason(
    limits.owner,
    "cap.concurrent_commit",
    "a concurrent push used the remaining budget before commit",
  );
  const lost: Removal[] = verdict.admitted
    .slice(result.accepted)
    .map((item) => ({ item, reason }));
  return {
    verdict: {
      ...verdict,
      admitted: verdict.admitted.slice(0, result.accepted),
      dropped: [...verdict.dropped, ...lost],
    },
    state: result.state,
    committed,
  };
}

/**
 * The store could not record: a fail-closed cap owner drops everything it
 * admitted (nothing may go out uncounted); fail-open admits without a
 * record and says so with `committed: false`.
 */
function uncommitted(
  ctx: DecisionContext,
  verdict: Verdict,
  limits: CommitLimitsOwner,
) {
  const base = { state: ctx.state, committed: false };
  if (limits.owner?.onStateUnavailable === "fail-open") {
    return { ...base, verdict };
  }
  const reason = commitReason(
    limits.owner,
    "state.unavailable",
    "the push could not be recorded; the cap fails closed",
  );
  const lost = verdict.admitted.map((item) => ({ item, reason }));
  return {
    ...base,
    verdict: {
      ...verdict,
      admitted: [],
      dropped: [...verdict.dropped, ...lost],
    },
  };
}

/**
 * A removal at commit, named after the rule that owns the caps. Without an
 * owner no cap binds, so nothing can be lost; the fallback is Art. 5(6),
 * the article of push frequency, so a reason never lacks its article.
 */
function commitReason(
  owner: PlacedRule | undefined,
  code: string,
  message: string,
): Reason {
  const rule = owner?.rule ?? { id: "commit", article: "Art. 5(6)" };
  return reasonOf(rule, code, message);
}

/** A minor's record holds counts and times only (Art. 5(7)). */
export function deliveryRecord(
  item: Item,
  ctx: DecisionContext,
): DeliveryRecord {
  const { candidate } = item;
  const consumption =
    candidate.kind === CandidateKind.AD ||
    candidate.kind === CandidateKind.PROMOTION;
  if (ctx.minor) {
    return {
      itemId: candidate.id,
      atMs: ctx.nowMs,
      topics: [],
      classes: [],
      consumption,
    };
  }
  return {
    itemId: candidate.id,
    atMs: ctx.nowMs,
    topics: [...candidate.topics],
    classes: [...item.labels.keys()],
    consumption,
  };
}
