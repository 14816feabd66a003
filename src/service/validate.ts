import {
  CandidateKind,
  type Candidate,
  type ScreenRequest,
} from "../gen/pushguard/v1/pushguard_pb.js";
import type { Policy } from "../policy/policy.js";
import { isTimeZone } from "../policy/schema.js";
import { invalidArgument, resourceExhausted } from "./errors.js";

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
  if (candidate.kind === CandidateKind.UNSPECIFIED) {
    throw invalidArgument(`${at}.kind`, "required");
  }
  if (!Number.isFinite(candidate.score)) {
    throw invalidArgument(
      `${at}.score`,
      `must be a finite number, got ${candidate.score}`,
    );
  }
}

function checkEmbedding(
  candidate: Candidate,
  at: string,
  expected: number | undefined,
): number | undefined {
  const length = candidate.embedding.length;
  if (length === 0) return expected;
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
