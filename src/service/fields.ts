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

/** Refuses an enum number the generated enum does not name. */
export function checkEnum(value: number, names: EnumObject, field: string) {
  if (names[value] === undefined) {
    throw invalidArgument(field, `unknown value ${value}`);
  }
}

/** Refuses a string longer than `max`. */
export function checkLength(value: string, max: number, field: string) {
  if (value.length > max) throw tooLong(field, value, max);
}

function tooLong(field: string, value: string, max: number) {
  return invalidArgument(field, `length ${value.length} exceeds ${max}`);
}

/** Refuses a list longer than MAX_LIST_LENGTH or an entry over `max`. */
export function checkList(
  values: readonly string[],
  max: number,
  field: string,
) {
  if (values.length > MAX_LIST_LENGTH) {
    throw invalidArgument(
      field,
      `${values.length} entries exceed ${MAX_LIST_LENGTH}`,
    );
  }
  // The entry's name is built only for the error: a Screen checks ~500
  // topics, and naming each one was most of the validation's time.
  for (let i = 0; i < values.length; i++) {
    const value = values[i] ?? "";
    if (value.length > max) throw tooLong(`${field}[${i}]`, value, max);
  }
}

/** Refuses a Timestamp outside 1970..9999 or with bad nanos. */
export function checkTimestamp(ts: Timestamp | undefined, field: string) {
  if (ts === undefined) return;
  const valid =
    ts.seconds >= 0n &&
    ts.seconds <= MAX_SECONDS &&
    ts.nanos >= 0 &&
    ts.nanos <= 999_999_999;
  if (!valid) {
    throw invalidArgument(
      field,
      `${ts.seconds}s ${ts.nanos}ns is outside 1970-01-01..9999-12-31`,
    );
  }
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
