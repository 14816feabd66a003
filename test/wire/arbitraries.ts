/**
 * fast-check arbitraries for the codec tests: messages with every field,
 * text from every part of Unicode, numbers at their edges, and wire
 * fragments that protobuf-es's own encoder never writes (unknown fields,
 * groups, unpacked floats, long varints).
 */
import fc from "fast-check";
import { create, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import {
  CandidateSchema,
  ScreenRequestSchema,
  ScreenResponseSchema,
  type Candidate,
  type ScreenRequest,
  type ScreenResponse,
} from "../../src/gen/pushguard/v1/pushguard_pb.js";

const codeUnits = (min: number, max: number) =>
  fc.integer({ min, max }).map((unit) => String.fromCharCode(unit));

/**
 * Text of every kind: empty, ASCII, CJK, emoji and other astral
 * characters, any code point, lone surrogates (encoded as U+FFFD), and a
 * leading byte-order mark.
 */
export const text = fc.oneof(
  fc.constant(""),
  fc.string({ unit: "grapheme-ascii", maxLength: 40 }),
  fc.string({ unit: codeUnits(0x4e00, 0x9fff), maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.string({ unit: codeUnits(0xd800, 0xdfff), maxLength: 3 }),
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.string({ maxLength: 10 }).map((s) => `\uFEFF${s}`),
);

/** Known enum numbers mostly, and any int32 (unknown numbers are kept). */
const enumNumber = fc.oneof(
  fc.integer({ min: 0, max: 5 }),
  fc.integer({ min: -0x80000000, max: 0x7fffffff }),
);

const uint32 = fc.oneof(
  fc.integer({ min: 0, max: 3 }),
  fc.integer({ min: 0, max: 0xffffffff }),
);

const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });

const timestamp = fc.record(
  {
    seconds: fc.oneof(
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      fc.bigInt({ min: 0n, max: 2n ** 34n }),
    ),
    nanos: int32,
  },
  { requiredKeys: [] },
);

/** Scores with NaN, both infinities and -0; embeddings of float32s. */
const score = fc.double();
const embedding = fc.array(
  fc.oneof(fc.float(), fc.double({ min: -1e30, max: 1e30 })),
  { maxLength: 8 },
);

const candidateInit = fc.record(
  {
    id: text,
    kind: enumNumber,
    title: text,
    sourceTitle: text,
    topics: fc.array(text, { maxLength: 4 }),
    labels: fc.array(text, { maxLength: 3 }),
    source: fc.record(
      { name: text, url: text, itemId: text },
      { requiredKeys: [] },
    ),
    publishedAt: timestamp,
    review: fc.record({ status: enumNumber, reviewer: text }),
    links: fc.array(text, { maxLength: 3 }),
    qrTarget: text,
    ad: fc.record(
      { label: text, oneClickClose: fc.boolean() },
      { requiredKeys: [] },
    ),
    targeting: enumNumber,
    score,
    embedding,
    licensedService: text,
  },
  { requiredKeys: [] },
);

const requestInit = fc.record(
  {
    requestId: text,
    provider: fc.record(
      {
        id: text,
        displayName: text,
        newsLicense: text,
        licenses: fc.dictionary(text, text, { maxKeys: 3 }),
      },
      { requiredKeys: [] },
    ),
    user: fc.record(
      {
        id: text,
        ageBand: enumNumber,
        tier: enumNumber,
        timeZone: text,
        optedOut: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
    surface: text,
    slots: uint32,
    now: timestamp,
    commit: fc.boolean(),
    candidates: fc.array(candidateInit, { maxLength: 4 }),
  },
  { requiredKeys: [] },
);

type RequestInit = MessageInitShape<typeof ScreenRequestSchema>;
type CandidateInit = MessageInitShape<typeof CandidateSchema>;

/** A ScreenRequest with any subset of its fields set. */
export const screenRequest: fc.Arbitrary<ScreenRequest> = requestInit.map(
  (init) => create(ScreenRequestSchema, init as RequestInit),
);

/** A Candidate with any subset of its fields set. */
export const candidate: fc.Arbitrary<Candidate> = candidateInit.map((init) =>
  create(CandidateSchema, init as CandidateInit),
);

/** A Reason's init: any subset of its fields. */
export const reason = fc.record(
  { ruleId: text, code: text, article: text, message: text },
  { requiredKeys: [] },
);

const dropped = fc.record(
  { candidateId: text, reasons: fc.array(reason, { maxLength: 3 }) },
  { requiredKeys: [] },
);

const responseInit = fc.record(
  {
    requestId: text,
    decisionId: text,
    policyVersion: text,
    admitted: fc.array(
      fc.record(
        {
          candidateId: text,
          rank: uint32,
          providerLabel: text,
          adLabel: text,
        },
        { requiredKeys: [] },
      ),
      { maxLength: 4 },
    ),
    dropped: fc.array(dropped, { maxLength: 4 }),
    wouldDrop: fc.array(dropped, { maxLength: 2 }),
    budget: fc.record(
      {
        windows: fc.array(
          fc.record(
            { window: text, limit: uint32, used: uint32, remaining: uint32 },
            { requiredKeys: [] },
          ),
          { maxLength: 3 },
        ),
        nextAllowedAt: timestamp,
      },
      { requiredKeys: [] },
    ),
    committed: fc.boolean(),
  },
  { requiredKeys: [] },
);

type ResponseInit = MessageInitShape<typeof ScreenResponseSchema>;

/** A ScreenResponse with any subset of its fields set. */
export const screenResponse: fc.Arbitrary<ScreenResponse> = responseInit.map(
  (init) => create(ScreenResponseSchema, init as ResponseInit),
);

/** Bytes of one field protobuf-es does not know (numbers from 17 up). */
export const unknownField: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.oneof(
      fc.integer({ min: 17, max: 40 }),
      fc.integer({ min: 17, max: 2 ** 29 - 1 }),
    ),
    fc.oneof(
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(varintValue),
      fc.uint8Array({ maxLength: 8 }).map(delimitedValue),
      fc.integer().map(fixed32Value),
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(fixed64Value),
      fc.array(fc.integer({ min: 1, max: 1000 }), { maxLength: 3 }).map(group),
    ),
  )
  .map(([no, value]) => value(no));

type FieldBytes = (no: number) => Uint8Array;

function varintValue(value: bigint): FieldBytes {
  return (no) =>
    new BinaryWriter().tag(no, WireType.Varint).uint64(value).finish();
}

function delimitedValue(bytes: Uint8Array): FieldBytes {
  return (no) =>
    new BinaryWriter().tag(no, WireType.LengthDelimited).bytes(bytes).finish();
}

function fixed32Value(value: number): FieldBytes {
  return (no) =>
    new BinaryWriter().tag(no, WireType.Bit32).sfixed32(value).finish();
}

function fixed64Value(value: bigint): FieldBytes {
  return (no) =>
    new BinaryWriter().tag(no, WireType.Bit64).fixed64(value).finish();
}

/** A group holding varint fields of the given numbers. */
function group(inner: number[]): FieldBytes {
  return (no) => {
    const w = new BinaryWriter().tag(no, WireType.StartGroup);
    for (const n of inner) w.tag(n, WireType.Varint).uint32(n);
    return w.tag(no, WireType.EndGroup).finish();
  };
}

/**
 * A candidate's bytes with fragments protobuf-es's encoder never writes:
 * unknown fields, the embedding one float per tag instead of packed, the
 * kind as a 10-byte varint.
 */
const rawCandidate: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    candidate,
    fc.array(unknownField, { maxLength: 2 }),
    fc.array(fc.float(), { maxLength: 3 }),
    fc.option(int32, { nil: undefined }),
    fc.array(unknownIn([7, 8, 9, 12]), { maxLength: 2 }),
  )
  .map(([c, unknown, floats, kind, nested]) => {
    const w = new BinaryWriter().raw(toBinary(CandidateSchema, c));
    for (const field of unknown) w.raw(field);
    for (const f of floats) w.tag(15, WireType.Bit32).float(f);
    if (kind !== undefined) w.tag(2, WireType.Varint).int64(BigInt(kind));
    for (const field of nested) w.raw(field);
    return w.finish();
  });

/** A message field (one of `numbers`) holding only unknown fields. */
function unknownIn(numbers: number[]): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(
      fc.constantFrom(...numbers),
      fc.array(unknownField, { minLength: 1, maxLength: 2 }),
    )
    .map(([no, fields]) =>
      new BinaryWriter()
        .tag(no, WireType.LengthDelimited)
        .bytes(Buffer.concat(fields))
        .finish(),
    );
}

/** One part of a request as the wire may carry it. */
const requestPart: fc.Arbitrary<Uint8Array> = fc.oneof(
  screenRequest.map((request) => toBinary(ScreenRequestSchema, request)),
  rawCandidate.map((bytes) =>
    new BinaryWriter().tag(8, WireType.LengthDelimited).bytes(bytes).finish(),
  ),
  unknownField,
  unknownIn([2, 3, 6]),
);

/**
 * A request in parts, concatenated: a decoder reads them as one message,
 * so fields repeat (the last scalar wins, lists append, a message field
 * seen twice is merged) and unknown fields sit between known ones.
 */
export const requestBytes: fc.Arbitrary<Uint8Array> = fc
  .array(requestPart, { minLength: 1, maxLength: 4 })
  .map((parts) => Buffer.concat(parts));
