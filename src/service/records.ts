import { create } from "@bufbuild/protobuf";
import {
  timestampDate,
  timestampFromMs,
  type Timestamp,
} from "@bufbuild/protobuf/wkt";
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
import { complaintSubject } from "../store/complaint-id.js";
import type { FeedbackEventName, StateStore } from "../store/store.js";
import { suppressionThreshold, type SuppressionCache } from "./complaints.js";
import { invalidArgument } from "./errors.js";
import {
  checkEnum,
  checkLength,
  checkList,
  checkNotFuture,
  checkTimestamp,
  MAX_ID_LENGTH,
  MAX_TEXT_LENGTH,
} from "./fields.js";
import type { PolicyHolder } from "./policy-holder.js";

/** What the calls other than Screen need. */
export interface RecordDeps {
  readonly store: StateStore;
  readonly policies: PolicyHolder;
  /** This replica's suppressed items, told of each stored complaint. */
  readonly suppression?: SuppressionCache;
  readonly clock?: () => number;
}

/** A non-empty id of bounded length. */
function required(value: string, field: string): string {
  if (value === "") throw invalidArgument(field, "required");
  checkLength(value, MAX_ID_LENGTH, field);
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
  checkEnum(request.ageBand, AgeBand, "ageBand");
  const minor = request.ageBand === AgeBand.MINOR;
  const kind = candidate?.kind ?? CandidateKind.UNSPECIFIED;
  checkEnum(kind, CandidateKind, "candidate.kind");
  checkList(candidate?.topics ?? [], MAX_ID_LENGTH, "candidate.topics");
  checkList(candidate?.labels ?? [], MAX_ID_LENGTH, "candidate.labels");
  const recorded = await deps.store.recordDelivery(userId, {
    deliveryId,
    record: {
      itemId,
      atMs: reportedTime(deps, request.deliveredAt, "deliveredAt"),
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
  if (request.event === FeedbackEvent.UNSPECIFIED) {
    throw invalidArgument("event", "required");
  }
  const event = FEEDBACK_EVENTS[request.event];
  if (event === undefined) {
    throw invalidArgument("event", `unknown value ${request.event}`);
  }
  const recorded = await deps.store.recordFeedback(userId, {
    feedbackId,
    itemId,
    event,
    atMs: reportedTime(deps, request.at, "at"),
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
  const providerId = required(request.providerId, "providerId");
  const itemId = complaintSubject(
    providerId,
    required(request.itemId, "itemId"),
  );
  const result = await deps.store.addComplaint({
    itemId,
    providerId,
    reporter: required(request.reporter, "reporter"),
    reason: bounded(request.reason, MAX_ID_LENGTH, "reason"),
    details: bounded(request.details, MAX_TEXT_LENGTH, "details"),
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
    // The surface whose rules are described: an unknown name gets the
    // base rules, and the answer says so by naming no surface.
    surface: policy.surfaces.has(request.surface) ? request.surface : "",
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

function bounded(value: string, max: number, field: string): string {
  checkLength(value, max, field);
  return value;
}

/**
 * A time the sender reports: valid, and not ahead of this server by more
 * than a clock skew; the server clock when unset.
 */
function reportedTime(
  deps: RecordDeps,
  at: Timestamp | undefined,
  field: string,
): number {
  const nowMs = (deps.clock ?? Date.now)();
  if (at === undefined) return nowMs;
  checkTimestamp(at, field);
  const atMs = timestampDate(at).getTime();
  checkNotFuture(atMs, nowMs, field);
  return atMs;
}
