import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { invalidArgument } from "./errors.js";

/**
 * Field checks shared by every call. Proto3 accepts any number for an enum
 * and any length for a string; the rules do not, so an enum value this
 * build does not know, or a string no real push would carry, is refused by
 * name instead of slipping past the rules that switch on it.
 */

/** Longest id (user, candidate, delivery, ...), in UTF-16 units. */
export const MAX_ID_LENGTH = 256;
/** Longest title or free text. */
export const MAX_TEXT_LENGTH = 2_000;
/** Longest link. */
export const MAX_URL_LENGTH = 4_096;
/** Most entries of a repeated field (topics, labels, links). */
export const MAX_LIST_LENGTH = 64;
/** Largest embedding. */
export const MAX_EMBEDDING_LENGTH = 4_096;
/** How far ahead of the server clock a reported time may be. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** Latest instant a Timestamp may hold: 9999-12-31T23:59:59Z. */
const MAX_SECONDS = 253_402_300_799n;

type EnumObject = Record<number, string | undefined>;

/*
 * Each check comes twice: a `...Problem` function that says what is wrong
 * (undefined when nothing is) without naming the field, and a `check...`
 * that throws naming it. A Screen checks ~1,500 fields of its candidates;
 * building each field's name (`candidates[42].topics[3]`) before knowing
 * it is wrong was most of the validation's time, so the candidate checks
 * use the problems and name only the field that failed.
 */

/** A problem found in one field; `field` is its path from the checked value. */
export interface FieldProblem {
  readonly field: string;
  readonly problem: string;
}

/** The problem at `field`, when there is one. */
export function atField(
  field: string,
  problem: string | undefined,
): FieldProblem | undefined {
  return problem === undefined ? undefined : { field, problem };
}

/** An enum number the generated enum does not name. */
export function enumProblem(value: number, names: EnumObject) {
  return names[value] === undefined ? `unknown value ${value}` : undefined;
}

/** Refuses an enum number the generated enum does not name. */
export function checkEnum(value: number, names: EnumObject, field: string) {
  throwAt(field, enumProblem(value, names));
}

/** A string longer than `max`. */
export function lengthProblem(value: string, max: number) {
  if (value.length <= max) return undefined;
  return `length ${value.length} exceeds ${max}`;
}

/** Refuses a string longer than `max`. */
export function checkLength(value: string, max: number, field: string) {
  throwAt(field, lengthProblem(value, max));
}

/**
 * A list longer than MAX_LIST_LENGTH, or its first entry over `max`
 * (`field` is then the entry's index, `[3]`).
 */
export function listProblem(
  values: readonly string[],
  max: number,
): FieldProblem | undefined {
  if (values.length > MAX_LIST_LENGTH) {
    return {
      field: "",
      problem: `${values.length} entries exceed ${MAX_LIST_LENGTH}`,
    };
  }
  for (let i = 0; i < values.length; i++) {
    const problem = lengthProblem(values[i] ?? "", max);
    if (problem !== undefined) return { field: `[${i}]`, problem };
  }
  return undefined;
}

/** Refuses a list longer than MAX_LIST_LENGTH or an entry over `max`. */
export function checkList(
  values: readonly string[],
  max: number,
  field: string,
) {
  const found = listProblem(values, max);
  if (found !== undefined) throwAt(`${field}${found.field}`, found.problem);
}

/** A Timestamp outside 1970..9999 or with bad nanos. */
export function timestampProblem(ts: Timestamp | undefined) {
  if (ts === undefined) return undefined;
  const valid =
    ts.seconds >= 0n &&
    ts.seconds <= MAX_SECONDS &&
    ts.nanos >= 0 &&
    ts.nanos <= 999_999_999;
  if (valid) return undefined;
  return `${ts.seconds}s ${ts.nanos}ns is outside 1970-01-01..9999-12-31`;
}

/** Refuses a Timestamp outside 1970..9999 or with bad nanos. */
export function checkTimestamp(ts: Timestamp | undefined, field: string) {
  throwAt(field, timestampProblem(ts));
}

function throwAt(field: string, problem: string | undefined) {
  if (problem !== undefined) throw invalidArgument(field, problem);
}

/**
 * Refuses a reported time more than a few minutes ahead of the server: a
 * delivery dated in the future would count against the user's caps until
 * that future passes.
 */
export function checkNotFuture(atMs: number, nowMs: number, field: string) {
  if (atMs > nowMs + MAX_CLOCK_SKEW_MS) {
    throw invalidArgument(
      field,
      `${new Date(atMs).toISOString()} is in the future`,
    );
  }
}
