import { create } from "@bufbuild/protobuf";
import { timestampDate, timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  AgeBand,
  CandidateKind,
  FeedbackEvent,
  GetPolicyResponseSchema,
  RecordDeliveryResponseSchema,
  RecordFeedbackResponseSchema,
  ReportComplaintResponseSchema,
  RuleInfoSchema,
  RuleMode,
  type GetPolicyRequest,
  type RecordDeliveryRequest,
  type RecordFeedbackRequest,
  type ReportComplaintRequest,
} from "../gen/pushguard/v1/pushguard_pb.js";
import { surfaceRules, type RuleInfo } from "../policy/policy.js";
import type { FeedbackEventName, StateStore } from "../store/store.js";
import { suppressionThreshold, type SuppressionCache } from "./complaints.js";
import { invalidArgument } from "./errors.js";
import type { PolicyHolder } from "./policy-holder.js";

/** What the calls other than Screen need. */
export interface RecordDeps {
  readonly store: StateStore;
  readonly policies: PolicyHolder;
  /** This replica's suppressed items, told of each stored complaint. */
  readonly suppression?: SuppressionCache;
  readonly clock?: () => number;
}

function required(value: string, field: string): string {
  if (value === "") throw invalidArgument(field, "required");
  return value;
}

/** RecordDelivery: a push was sent. Idempotent by deliveryId. */
export async function recordDelivery(
  deps: RecordDeps,
  request: RecordDeliveryRequest,
) {
  const deliveryId = required(request.deliveryId, "deliveryId");
  const userId = required(request.userId, "userId");
  const candidate = request.candidate;
  const itemId = required(candidate?.id ?? "", "candidate.id");
  const minor = request.ageBand === AgeBand.MINOR;
  const kind = candidate?.kind ?? CandidateKind.UNSPECIFIED;
  const recorded = await deps.store.recordDelivery(userId, {
    deliveryId,
    record: {
      itemId,
      atMs: timeOf(deps, request.deliveredAt),
      // A minor's record holds counts and times, not topics (Art. 5(7)).
      topics: minor ? [] : [...(candidate?.topics ?? [])],
      classes: minor ? [] : [...(candidate?.labels ?? [])],
      consumption:
        kind === CandidateKind.AD || kind === CandidateKind.PROMOTION,
    },
  });
  return create(RecordDeliveryResponseSchema, { recorded });
}

const FEEDBACK_EVENTS: Partial<Record<FeedbackEvent, FeedbackEventName>> = {
  [FeedbackEvent.OPENED]: "opened",
  [FeedbackEvent.DISMISSED]: "dismissed",
  [FeedbackEvent.CLOSED]: "closed",
  [FeedbackEvent.SEE_LESS]: "see_less",
  [FeedbackEvent.UNSUBSCRIBED]: "unsubscribed",
};

/** RecordFeedback: how the user reacted. Idempotent by feedbackId. */
export async function recordFeedback(
  deps: RecordDeps,
  request: RecordFeedbackRequest,
) {
  const feedbackId = required(request.feedbackId, "feedbackId");
  const userId = required(request.userId, "userId");
  const itemId = required(request.candidateId, "candidateId");
  const event = FEEDBACK_EVENTS[request.event];
  if (event === undefined) throw invalidArgument("event", "required");
  const recorded = await deps.store.recordFeedback(userId, {
    feedbackId,
    itemId,
    event,
    atMs: timeOf(deps, request.at),
  });
  return create(RecordFeedbackResponseSchema, { recorded });
}

/**
 * ReportComplaint: a public complaint (Art. 6). An item that reaches the
 * threshold is suppressed on this replica at once, on the others at their
 * next refresh.
 */
export async function reportComplaint(
  deps: RecordDeps,
  request: ReportComplaintRequest,
) {
  const itemId = required(request.itemId, "itemId");
  const result = await deps.store.addComplaint({
    itemId,
    providerId: required(request.providerId, "providerId"),
    reporter: required(request.reporter, "reporter"),
    reason: request.reason,
    details: request.details,
    atMs: (deps.clock ?? Date.now)(),
  });
  deps.suppression?.noteComplaint(itemId, result.complaints);
  const threshold = suppressionThreshold(deps.policies.current());
  return create(ReportComplaintResponseSchema, {
    ...result,
    suppressed: threshold !== undefined && result.complaints >= threshold,
  });
}

const MODES = {
  enforce: RuleMode.ENFORCE,
  shadow: RuleMode.SHADOW,
  off: RuleMode.OFF,
} as const;

/** GetPolicy: the active version and its rules. */
export function getPolicy(deps: RecordDeps, request: GetPolicyRequest) {
  const policy = deps.policies.current();
  return create(GetPolicyResponseSchema, {
    policyVersion: policy.version,
    surface: request.surface,
    rules: surfaceRules(policy, request.surface).ruleInfos.map(ruleInfoMessage),
    loadedAt: timestampFromMs(policy.loadedAtMs),
  });
}

function ruleInfoMessage(info: RuleInfo) {
  return create(RuleInfoSchema, {
    id: info.id,
    article: info.article,
    mode: MODES[info.mode],
    description: info.description,
  });
}

function timeOf(
  deps: RecordDeps,
  at: Parameters<typeof timestampDate>[0] | undefined,
) {
  return at ? timestampDate(at).getTime() : (deps.clock ?? Date.now)();
}
