import { z } from "zod";
import { CandidateKind } from "../../gen/pushguard/v1/pushguard_pb.js";

/** Candidate kinds as a policy writes them. */
const KINDS = {
  news: CandidateKind.NEWS,
  vertical: CandidateKind.VERTICAL,
  ad: CandidateKind.AD,
  promotion: CandidateKind.PROMOTION,
  service: CandidateKind.SERVICE,
} as const;

type KindName = keyof typeof KINDS;

const KIND_NAMES = Object.keys(KINDS) as [KindName, ...KindName[]];

/**
 * The kinds of item a rule applies to, e.g. `[news]`; defaults to
 * `fallback`. At least one, each at most once.
 */
export function kindsSchema(fallback: readonly KindName[]) {
  return z
    .array(z.enum(KIND_NAMES))
    .min(1)
    .max(KIND_NAMES.length)
    .refine((kinds) => new Set(kinds).size === kinds.length, {
      message: "kinds must not repeat",
    })
    .default([...fallback]);
}

/** Every kind, for rules that apply to all items unless told otherwise. */
export const ALL_KINDS: readonly KindName[] = KIND_NAMES;

/** A test of whether a rule applies to an item's kind. */
export function kindFilter(
  names: readonly KindName[],
): (kind: CandidateKind) => boolean {
  const kinds = new Set<CandidateKind>(names.map((name) => KINDS[name]));
  return (kind) => kinds.has(kind);
}
