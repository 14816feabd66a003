/**
 * A decoder specialised for `pushguard.v1.ScreenRequest`, used by the
 * server for Screen in place of protobuf-es's reflective `fromBinary`.
 *
 * Why: issue 7 asks that a Screen of 100 candidates cost at most 1.5x the
 * server CPU of a bare grpc-js echo of the same bytes (300 to 500 µs a
 * call on the bench machine). `fromBinary` alone took 500 to 600 µs to
 * decode such a request (31.7 kB, 100 real Toutiao headlines): a lookup
 * in a Map and a tag array per field, `create()` per message and a
 * TextDecoder call per string. This decoder does the same work in one
 * switch per message, object literals of a fixed shape and strings
 * decoded in JS (utf8.ts). CPU µs per request, A/B batch for batch in one
 * process (`npm run bench -- --case hotpath`, load 2.3-2.7):
 *
 * | headlines (request bytes) | fromBinary | this |
 * | --- | ---: | ---: |
 * | 20 (6.4 kB) | 95 | 39 |
 * | 100 (31.8 kB) | 514 | 195 |
 * | 500 (159 kB) | 2,100 | 814 |
 *
 * Tried and dropped: a table of the strings seen earlier in the request
 * (a third of them repeat, but the lookups cost more than they saved:
 * 216 against 186 µs), one reused array for the UTF-16 units, Buffer's
 * and TextDecoder's decoders for short strings (utf8.ts). Kept: the
 * string read last is compared before decoding, for `sourceTitle`
 * (reader.ts; 281 against 341 µs under load 3.5).
 *
 * It must track the proto: every field of every message below is handled
 * by hand. test/wire/coverage.test.ts walks the generated descriptors and
 * fails when a field is added that this decoder does not read.
 *
 * The result is what `fromBinary(ScreenRequestSchema, bytes,
 * { readUnknownFields: false })` gives, to the last detail: `$typeName`s,
 * zero values, message fields absent until seen, enums as numbers
 * (unknown numbers kept), bigint seconds, packed and unpacked floats, the
 * last value of a scalar winning, a message that appears twice merged,
 * any wire type read as the field's type (as protobuf-es does), and
 * unknown fields skipped: nothing in the service reads them, and kept
 * (as protobuf-es keeps them by default) millions of them in one request
 * held a gigabyte. It fails on the same bytes as `fromBinary`, with a
 * message that names the field (see reader.ts).
 */
import { ScalarType, type DescMessage, type Message } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";
import { TimestampSchema, type Timestamp } from "@bufbuild/protobuf/wkt";
import {
  AdMarkingSchema,
  CandidateSchema,
  ProviderSchema,
  ReviewSchema,
  ScreenRequestSchema,
  SourceSchema,
  UserSchema,
  type AdMarking,
  type Candidate,
  type Provider,
  type Review,
  type ScreenRequest,
  type Source,
  type User,
} from "../gen/pushguard/v1/pushguard_pb.js";
import { inField, WireReader } from "./reader.js";

/**
 * Decodes a ScreenRequest; throws a DecodeError (reader.ts) for bytes
 * that `fromBinary` would refuse too.
 */
export function decodeScreenRequest(bytes: Uint8Array): ScreenRequest {
  const reader = new WireReader(bytes);
  const request: ScreenRequest = {
    $typeName: "pushguard.v1.ScreenRequest",
    requestId: "",
    surface: "",
    slots: 0,
    commit: false,
    candidates: [],
  };
  return readFields(reader, reader.len, request, REQUEST);
}

/** How to read one message type: its schema, for errors, and its fields. */
interface MessageReader<M extends Message> {
  readonly schema: DescMessage;
  /** Nesting depth, the request being 1 (see WireReader.skipUnknown). */
  readonly depth: number;
  readonly field: (r: WireReader, tag: number, m: M, depth: number) => void;
}

/**
 * Reads the fields of `m` up to `end`, merging into what it holds. A
 * failure is named by the field being read (`topics[2]`).
 */
function readFields<M extends Message>(
  r: WireReader,
  end: number,
  m: M,
  reader: MessageReader<M>,
): M {
  let tag = 0;
  try {
    while (r.pos < end) {
      tag = 0;
      tag = r.tag();
      reader.field(r, tag, m, reader.depth);
    }
  } catch (error) {
    throw inField(error, fieldPath(reader.schema, tag, m));
  }
  return m;
}

const REQUEST: MessageReader<ScreenRequest> = {
  schema: ScreenRequestSchema,
  depth: 1,
  field(r, tag, m, depth) {
    switch (tag >>> 3) {
      case 1:
        m.requestId = r.string();
        break;
      case 2:
        m.provider = readFields(r, r.end(), m.provider ?? provider(), PROVIDER);
        break;
      case 3:
        m.user = readFields(r, r.end(), m.user ?? user(), USER);
        break;
      case 4:
        m.surface = r.string();
        break;
      case 5:
        m.slots = r.uint32();
        break;
      case 6:
        m.now = readFields(r, r.end(), m.now ?? timestamp(), NOW);
        break;
      case 7:
        m.commit = r.bool();
        break;
      case 8:
        m.candidates.push(readFields(r, r.end(), candidate(), CANDIDATE));
        break;
      default:
        r.skipUnknown(tag, depth);
    }
  },
};

function provider(): Provider {
  return {
    $typeName: "pushguard.v1.Provider",
    id: "",
    displayName: "",
    newsLicense: "",
    licenses: {},
  };
}

const PROVIDER: MessageReader<Provider> = {
  schema: ProviderSchema,
  depth: 2,
  field(r, tag, m, depth) {
    switch (tag >>> 3) {
      case 1:
        m.id = r.string();
        break;
      case 2:
        m.displayName = r.string();
        break;
      case 3:
        m.newsLicense = r.string();
        break;
      case 4:
        readLicense(r, r.end(), m.licenses);
        break;
      default:
        r.skipUnknown(tag, depth);
    }
  },
};

/** One map entry: key 1, value 2, anything else skipped and dropped. */
function readLicense(
  r: WireReader,
  end: number,
  licenses: Record<string, string>,
): void {
  let key = "";
  let value = "";
  while (r.pos < end) {
    const tag = r.tag();
    if (tag >>> 3 === 1) key = r.string();
    else if (tag >>> 3 === 2) value = r.string();
    else r.skip(tag & 7, tag >>> 3, PROVIDER_GROUP_LIMIT);
  }
  setOwn(licenses, key, value);
}

/** protobuf-es skips in a map entry with the budget of its message. */
const PROVIDER_GROUP_LIMIT = 100 - PROVIDER.depth;

/** A key "__proto__" is an entry, not the object's prototype. */
function setOwn(record: Record<string, string>, key: string, value: string) {
  if (key !== "__proto__") {
    record[key] = value;
    return;
  }
  Object.defineProperty(record, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

function user(): User {
  return {
    $typeName: "pushguard.v1.User",
    id: "",
    ageBand: 0,
    tier: 0,
    timeZone: "",
    optedOut: false,
  };
}

const USER: MessageReader<User> = {
  schema: UserSchema,
  depth: 2,
  field(r, tag, m, depth) {
    switch (tag >>> 3) {
      case 1:
        m.id = r.string();
        break;
      case 2:
        m.ageBand = r.int32();
        break;
      case 3:
        m.tier = r.int32();
        break;
      case 4:
        m.timeZone = r.string();
        break;
      case 5:
        m.optedOut = r.bool();
        break;
      default:
        r.skipUnknown(tag, depth);
    }
  },
};

function candidate(): Candidate {
  return {
    $typeName: "pushguard.v1.Candidate",
    id: "",
    kind: 0,
    title: "",
    sourceTitle: "",
    topics: [],
    labels: [],
    links: [],
    qrTarget: "",
    targeting: 0,
    score: 0,
    embedding: [],
    licensedService: "",
  };
}

const CANDIDATE: MessageReader<Candidate> = {
  schema: CandidateSchema,
  depth: 2,
  field: readCandidateField,
};

function readCandidateField(
  r: WireReader,
  tag: number,
  m: Candidate,
  depth: number,
): void {
  switch (tag >>> 3) {
    case 1:
      m.id = r.string();
      break;
    case 2:
      m.kind = r.int32();
      break;
    case 3:
      m.title = r.string();
      break;
    case 4:
      m.sourceTitle = r.string();
      break;
    case 5:
      m.topics.push(r.string());
      break;
    case 6:
      m.labels.push(r.string());
      break;
    case 7:
      m.source = readFields(r, r.end(), m.source ?? source(), SOURCE);
      break;
    case 8:
      m.publishedAt = readFields(
        r,
        r.end(),
        m.publishedAt ?? timestamp(),
        PUBLISHED_AT,
      );
      break;
    case 9:
      m.review = readFields(r, r.end(), m.review ?? review(), REVIEW);
      break;
    case 10:
      m.links.push(r.string());
      break;
    case 11:
      m.qrTarget = r.string();
      break;
    case 12:
      m.ad = readFields(r, r.end(), m.ad ?? adMarking(), AD_MARKING);
      break;
    case 13:
      m.targeting = r.int32();
      break;
    case 14:
      m.score = r.double();
      break;
    case 15:
      readFloats(r, tag, m.embedding);
      break;
    case 16:
      m.licensedService = r.string();
      break;
    default:
      r.skipUnknown(tag, depth);
  }
}

/** Read once (see reader.ts). */
const LENGTH_DELIMITED = WireType.LengthDelimited;

/** Packed (length-delimited) or one float per tag, as protobuf-es reads. */
function readFloats(r: WireReader, tag: number, into: number[]): void {
  if ((tag & 7) !== LENGTH_DELIMITED) {
    into.push(r.float());
    return;
  }
  const end = r.end();
  while (r.pos < end) into.push(r.float());
}

function source(): Source {
  return { $typeName: "pushguard.v1.Source", name: "", url: "", itemId: "" };
}

const SOURCE: MessageReader<Source> = {
  schema: SourceSchema,
  depth: 3,
  field(r, tag, m, depth) {
    const no = tag >>> 3;
    if (no === 1) m.name = r.string();
    else if (no === 2) m.url = r.string();
    else if (no === 3) m.itemId = r.string();
    else r.skipUnknown(tag, depth);
  },
};

function review(): Review {
  return { $typeName: "pushguard.v1.Review", status: 0, reviewer: "" };
}

const REVIEW: MessageReader<Review> = {
  schema: ReviewSchema,
  depth: 3,
  field(r, tag, m, depth) {
    const no = tag >>> 3;
    if (no === 1) m.status = r.int32();
    else if (no === 2) m.reviewer = r.string();
    else r.skipUnknown(tag, depth);
  },
};

function adMarking(): AdMarking {
  return {
    $typeName: "pushguard.v1.AdMarking",
    label: "",
    oneClickClose: false,
  };
}

const AD_MARKING: MessageReader<AdMarking> = {
  schema: AdMarkingSchema,
  depth: 3,
  field(r, tag, m, depth) {
    const no = tag >>> 3;
    if (no === 1) m.label = r.string();
    else if (no === 2) m.oneClickClose = r.bool();
    else r.skipUnknown(tag, depth);
  },
};

function timestamp(): Timestamp {
  return { $typeName: "google.protobuf.Timestamp", seconds: 0n, nanos: 0 };
}

function readTimestampField(
  r: WireReader,
  tag: number,
  m: Timestamp,
  depth: number,
): void {
  const no = tag >>> 3;
  if (no === 1) m.seconds = r.int64();
  else if (no === 2) m.nanos = r.int32();
  else r.skipUnknown(tag, depth);
}

/** The request's `now`. */
const NOW: MessageReader<Timestamp> = {
  schema: TimestampSchema,
  depth: 2,
  field: readTimestampField,
};

/** A candidate's `publishedAt`, one level deeper. */
const PUBLISHED_AT: MessageReader<Timestamp> = { ...NOW, depth: 3 };

/**
 * Where a failure happened, for the error: the field's JSON name, with
 * the index of the element being read for a repeated one (`topics[2]`);
 * empty when the tag itself was bad.
 */
function fieldPath(schema: DescMessage, tag: number, m: Message): string {
  const field = schema.fields.find((f) => f.number === tag >>> 3);
  if (tag === 0) return "";
  if (field === undefined) return `field ${tag >>> 3}`;
  if (field.fieldKind !== "list") return field.jsonName;
  if (field.listKind === "scalar" && field.scalar !== ScalarType.STRING) {
    return field.jsonName;
  }
  const list: unknown = Reflect.get(m, field.localName);
  const index = Array.isArray(list) ? list.length : 0;
  return `${field.jsonName}[${index}]`;
}
