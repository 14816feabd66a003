/**
 * An encoder specialised for `pushguard.v1.ScreenResponse`, used by the
 * server for Screen in place of protobuf-es's reflective `toBinary`.
 *
 * Why: issue 7's CPU target (see screen-request.ts). `toBinary` took
 * about 150 µs for the ~10 kB answer to 100 real Toutiao headlines,
 * walking compiled field writers, a fork stack and TextEncoder calls;
 * this does the same in straight code per message, into one buffer kept
 * between calls, and copies a reason that repeats the one before. CPU µs
 * per answer, A/B batch for batch in one process (`npm run bench --
 * --case hotpath`, load 2.3-2.7; toBinary with the copy into a Buffer
 * the server needed):
 *
 * | headlines (answer bytes) | toBinary | this |
 * | --- | ---: | ---: |
 * | 20 (1.9 kB) | 27 | 8 |
 * | 100 (9.9 kB) | 145 | 47 |
 * | 500 (50 kB) | 684 | 211 |
 *
 * Tried and dropped: a map from each reason's strings to their bytes
 * (hashing a string cost what encoding it did), Buffer's internal
 * `utf8Write` (1% to 7% faster than the documented `write`, not worth
 * relying on).
 *
 * It must track the proto: every field of every message below is written
 * by hand. test/wire/coverage.test.ts walks the generated descriptors and
 * fails when a field is added that this encoder does not write.
 *
 * The bytes are `toBinary(ScreenResponseSchema, response)`'s, byte for
 * byte: fields in number order, zero values left out, unknown fields
 * written back after the known ones, and an integer out of its range
 * refused with protobuf-es's message. The `$typeName` of nested messages
 * is not checked: the types guarantee it (the service builds its answers
 * as literals of the generated types, src/service/response.ts).
 */
import type { Message } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import type {
  Admitted,
  Budget,
  Dropped,
  Reason,
  ScreenResponse,
  WindowBudget,
} from "../gen/pushguard/v1/pushguard_pb.js";
import { WireWriter } from "./writer.js";

/** Reused by every encode: encoding is synchronous, so never shared. */
const writer = new WireWriter();

/**
 * The bytes of `response`, in a Buffer of their own. An encode that
 * throws (a value out of its range) empties the writer, so that the next
 * answer does not start with what this one had written.
 */
export function encodeScreenResponse(response: ScreenResponse): Buffer {
  try {
    writeScreenResponse(writer, response);
  } catch (error) {
    writer.reset();
    throw error;
  }
  return writer.finish();
}

/** Read once: through some module loaders it is a getter (see reader.ts). */
const LENGTH_DELIMITED = WireType.LengthDelimited;

/** Tag of a length-delimited field: what every field here but ints is. */
function delimited(no: number): number {
  return (no << 3) | LENGTH_DELIMITED;
}

/** Tag of a varint field. */
function varint(no: number): number {
  return no << 3;
}

function writeScreenResponse(w: WireWriter, m: ScreenResponse): void {
  writeString(w, 1, m.requestId);
  writeString(w, 2, m.decisionId);
  writeString(w, 3, m.policyVersion);
  for (const admitted of m.admitted) writeNested(w, 4, admitted, writeAdmitted);
  for (const dropped of m.dropped) writeNested(w, 5, dropped, writeDropped);
  for (const dropped of m.wouldDrop) writeNested(w, 6, dropped, writeDropped);
  if (m.budget !== undefined) writeNested(w, 7, m.budget, writeBudget);
  if (m.committed) {
    w.uint32(varint(8));
    w.bool(true);
  }
  writeUnknown(w, m);
}

/** A message field: its tag, its length, then what `write` writes. */
function writeNested<M>(
  w: WireWriter,
  no: number,
  m: M,
  write: (w: WireWriter, m: M) => void,
): void {
  w.uint32(delimited(no));
  const start = w.fork();
  write(w, m);
  w.join(start);
}

function writeAdmitted(w: WireWriter, m: Admitted): void {
  writeString(w, 1, m.candidateId);
  writeUint32(w, 2, m.rank, "pushguard.v1.Admitted.rank");
  writeString(w, 3, m.providerLabel);
  writeString(w, 4, m.adLabel);
  writeUnknown(w, m);
}

function writeDropped(w: WireWriter, m: Dropped): void {
  writeString(w, 1, m.candidateId);
  for (const reason of m.reasons) writeReasonField(w, reason);
  writeUnknown(w, m);
}

/**
 * The reason written last, by value, and its bytes (tag, length and
 * fields): a rule that drops many items mostly gives each the same
 * reason, so that a reason is most often the one before again, copied
 * rather than encoded (the answer to 100 real Toutiao candidates: 78 ->
 * 44 µs; with every reason different, 72 -> 94 µs).
 */
const last = {
  known: false,
  ruleId: "",
  code: "",
  article: "",
  message: "",
  bytes: new Uint8Array(512),
  length: 0,
};

function writeReasonField(w: WireWriter, reason: Reason): void {
  if (isLastReason(reason)) {
    w.copy(last.bytes, last.length);
    return;
  }
  const start = w.position;
  writeNested(w, 2, reason, writeReason);
  last.length = w.copySince(start, last.bytes);
  last.known = last.length >= 0 && reason.$unknown === undefined;
  last.ruleId = reason.ruleId;
  last.code = reason.code;
  last.article = reason.article;
  last.message = reason.message;
}

function isLastReason(reason: Reason): boolean {
  return (
    last.known &&
    reason.$unknown === undefined &&
    reason.ruleId === last.ruleId &&
    reason.code === last.code &&
    reason.article === last.article &&
    reason.message === last.message
  );
}

function writeReason(w: WireWriter, m: Reason): void {
  writeString(w, 1, m.ruleId);
  writeString(w, 2, m.code);
  writeString(w, 3, m.article);
  writeString(w, 4, m.message);
  writeUnknown(w, m);
}

function writeBudget(w: WireWriter, m: Budget): void {
  for (const window of m.windows) {
    writeNested(w, 1, window, writeWindowBudget);
  }
  if (m.nextAllowedAt !== undefined) {
    writeNested(w, 2, m.nextAllowedAt, writeTimestamp);
  }
  writeUnknown(w, m);
}

function writeWindowBudget(w: WireWriter, m: WindowBudget): void {
  writeString(w, 1, m.window);
  writeUint32(w, 2, m.limit, "pushguard.v1.WindowBudget.limit");
  writeUint32(w, 3, m.used, "pushguard.v1.WindowBudget.used");
  writeUint32(w, 4, m.remaining, "pushguard.v1.WindowBudget.remaining");
  writeUnknown(w, m);
}

function writeTimestamp(w: WireWriter, m: Timestamp): void {
  if (m.seconds !== 0n) {
    w.uint32(varint(1));
    w.int64(m.seconds);
  }
  if (m.nanos !== 0) {
    if (!isInt32(m.nanos)) {
      throw invalid("google.protobuf.Timestamp.nanos", "int32", m.nanos);
    }
    w.uint32(varint(2));
    w.int32(m.nanos);
  }
  writeUnknown(w, m);
}

function writeString(w: WireWriter, no: number, value: string): void {
  if (value === "") return;
  w.uint32(delimited(no));
  w.string(value);
}

function writeUint32(
  w: WireWriter,
  no: number,
  value: number,
  field: string,
): void {
  if (value === 0) return;
  if (!isUint32(value)) throw invalid(field, "uint32", value);
  w.uint32(varint(no));
  w.uint32(value);
}

/** Unknown fields kept from decoding go after the known ones. */
function writeUnknown(w: WireWriter, m: Message): void {
  const unknown = m.$unknown;
  if (unknown === undefined) return;
  for (const { no, wireType, data } of unknown) {
    w.uint32(((no << 3) | wireType) >>> 0);
    w.raw(data);
  }
}

function isUint32(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 0xffffffff;
}

function isInt32(value: number): boolean {
  return Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff;
}

/** protobuf-es's message for the same mistake. */
function invalid(field: string, type: string, value: number): Error {
  return new Error(
    `cannot encode field ${field} to binary: invalid ${type}: ${value}`,
  );
}
