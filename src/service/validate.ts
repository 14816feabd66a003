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
  checkTimestamp,
  enumProblem,
  lengthProblem,
  listProblem,
  atField,
  timestampProblem,
  type FieldProblem,
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
    const found = candidateProblem(candidate);
    if (found !== undefined) {
      throw invalidArgument(
        `candidates[${index}]${found.field}`,
        found.problem,
      );
    }
    const earlier = firstIndex.get(candidate.id);
    if (earlier !== undefined) {
      throw invalidArgument(
        `candidates[${index}].id`,
        `duplicate of candidates[${earlier}]`,
      );
    }
    firstIndex.set(candidate.id, index);
    embeddingLength = checkEmbedding(candidate, index, embeddingLength);
  });
}

/** The first problem of one candidate, by field, in the order checked. */
function candidateProblem(candidate: Candidate): FieldProblem | undefined {
  const review = candidate.review?.status ?? ReviewStatus.UNSPECIFIED;
  return (
    atField(".id", idProblem(candidate.id)) ??
    atField(".kind", kindProblem(candidate.kind)) ??
    atField(".targeting", enumProblem(candidate.targeting, Targeting)) ??
    atField(".review.status", enumProblem(review, ReviewStatus)) ??
    atField(".publishedAt", timestampProblem(candidate.publishedAt)) ??
    textProblem(candidate) ??
    atField(".score", scoreProblem(candidate.score))
  );
}

function idProblem(id: string) {
  return id === "" ? "required" : lengthProblem(id, MAX_ID_LENGTH);
}

function kindProblem(kind: CandidateKind) {
  if (kind === CandidateKind.UNSPECIFIED) return "required";
  return enumProblem(kind, CandidateKind);
}

function textProblem(candidate: Candidate): FieldProblem | undefined {
  const { title, sourceTitle, qrTarget } = candidate;
  const url = candidate.source?.url ?? "";
  return (
    atField(".title", lengthProblem(title, MAX_TEXT_LENGTH)) ??
    atField(".sourceTitle", lengthProblem(sourceTitle, MAX_TEXT_LENGTH)) ??
    listAt(".topics", listProblem(candidate.topics, MAX_ID_LENGTH)) ??
    listAt(".labels", listProblem(candidate.labels, MAX_ID_LENGTH)) ??
    listAt(".links", listProblem(candidate.links, MAX_URL_LENGTH)) ??
    atField(".qrTarget", lengthProblem(qrTarget, MAX_URL_LENGTH)) ??
    atField(".source.url", lengthProblem(url, MAX_URL_LENGTH))
  );
}

function listAt(field: string, found: FieldProblem | undefined) {
  return found && { field: `${field}${found.field}`, problem: found.problem };
}

function scoreProblem(score: number) {
  if (Number.isFinite(score)) return undefined;
  return `must be a finite number, got ${score}`;
}

function checkEmbedding(
  candidate: Candidate,
  index: number,
  expected: number | undefined,
): number | undefined {
  const length = candidate.embedding.length;
  if (length === 0) return expected;
  const at = `candidates[${index}]`;
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
