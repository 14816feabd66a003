import {
  AgeBand,
  CandidateKind,
  ReviewStatus,
  Targeting,
  UserTier,
  type Candidate,
  type ScreenRequest,
} from "../gen/pushguard/v1/pushguard_pb.js";
import type { Policy } from "../policy/policy.js";
import { isTimeZone } from "../policy/schema.js";
import { invalidArgument, resourceExhausted } from "./errors.js";
import {
  checkEnum,
  checkLength,
  checkList,
  checkTimestamp,
  MAX_EMBEDDING_LENGTH,
  MAX_ID_LENGTH,
  MAX_TEXT_LENGTH,
  MAX_URL_LENGTH,
} from "./fields.js";

/** Most items one list may push, whatever the request asks. */
export const MAX_SLOTS = 100;

/**
 * Rejects a ScreenRequest the rules cannot decide on. Every message names
 * the field the way proto JSON spells it, so a caller in any language can
 * find it: `candidates[3].id: duplicate of candidates[1]`.
 */
export function validateScreenRequest(
  request: ScreenRequest,
  policy: Policy,
): void {
  if (!request.user?.id) throw invalidArgument("user.id", "required");
  checkLength(request.user.id, MAX_ID_LENGTH, "user.id");
  checkEnum(request.user.ageBand, AgeBand, "user.ageBand");
  checkEnum(request.user.tier, UserTier, "user.tier");
  checkTimestamp(request.now, "now");
  checkLength(request.surface, MAX_ID_LENGTH, "surface");
  const zone = request.user.timeZone;
  if (zone !== "" && !isTimeZone(zone)) {
    throw invalidArgument("user.timeZone", `unknown time zone ${zone}`);
  }
  if (request.slots > MAX_SLOTS) {
    throw invalidArgument("slots", `${request.slots} must be <= ${MAX_SLOTS}`);
  }
  const max = policy.defaults.maxCandidates;
  if (request.candidates.length > max) {
    throw resourceExhausted(
      "candidates",
      `${request.candidates.length} exceeds the policy limit of ${max}`,
    );
  }
  validateCandidates(request.candidates);
}

function validateCandidates(candidates: readonly Candidate[]): void {
  const firstIndex = new Map<string, number>();
  let embeddingLength: number | undefined;
  candidates.forEach((candidate, index) => {
    const at = `candidates[${index}]`;
    validateCandidate(candidate, at);
    const earlier = firstIndex.get(candidate.id);
    if (earlier !== undefined) {
      throw invalidArgument(`${at}.id`, `duplicate of candidates[${earlier}]`);
    }
    firstIndex.set(candidate.id, index);
    embeddingLength = checkEmbedding(candidate, at, embeddingLength);
  });
}

function validateCandidate(candidate: Candidate, at: string): void {
  if (candidate.id === "") throw invalidArgument(`${at}.id`, "required");
  checkLength(candidate.id, MAX_ID_LENGTH, `${at}.id`);
  if (candidate.kind === CandidateKind.UNSPECIFIED) {
    throw invalidArgument(`${at}.kind`, "required");
  }
  checkEnum(candidate.kind, CandidateKind, `${at}.kind`);
  checkEnum(candidate.targeting, Targeting, `${at}.targeting`);
  const review = candidate.review?.status ?? ReviewStatus.UNSPECIFIED;
  checkEnum(review, ReviewStatus, `${at}.review.status`);
  checkTimestamp(candidate.publishedAt, `${at}.publishedAt`);
  checkTexts(candidate, at);
  if (!Number.isFinite(candidate.score)) {
    throw invalidArgument(
      `${at}.score`,
      `must be a finite number, got ${candidate.score}`,
    );
  }
}

function checkTexts(candidate: Candidate, at: string): void {
  checkLength(candidate.title, MAX_TEXT_LENGTH, `${at}.title`);
  checkLength(candidate.sourceTitle, MAX_TEXT_LENGTH, `${at}.sourceTitle`);
  checkList(candidate.topics, MAX_ID_LENGTH, `${at}.topics`);
  checkList(candidate.labels, MAX_ID_LENGTH, `${at}.labels`);
  checkList(candidate.links, MAX_URL_LENGTH, `${at}.links`);
  checkLength(candidate.qrTarget, MAX_URL_LENGTH, `${at}.qrTarget`);
  checkLength(candidate.source?.url ?? "", MAX_URL_LENGTH, `${at}.source.url`);
}

function checkEmbedding(
  candidate: Candidate,
  at: string,
  expected: number | undefined,
): number | undefined {
  const length = candidate.embedding.length;
  if (length === 0) return expected;
  if (length > MAX_EMBEDDING_LENGTH) {
    throw invalidArgument(
      `${at}.embedding`,
      `length ${length} exceeds ${MAX_EMBEDDING_LENGTH}`,
    );
  }
  if (expected !== undefined && length !== expected) {
    throw invalidArgument(
      `${at}.embedding`,
      `length ${length}, other candidates have ${expected}`,
    );
  }
  if (!candidate.embedding.every(Number.isFinite)) {
    throw invalidArgument(`${at}.embedding`, "must hold finite numbers");
  }
  return length;
}
