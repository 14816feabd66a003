import { describe, expect, it } from "vitest";
import { fromBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { ScreenRequestSchema } from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { DecodeError } from "../../src/wire/reader.js";
import { decodeScreenRequest } from "../../src/wire/screen-request.js";

/** A UTF-16 surrogate encoded as UTF-8: no valid UTF-8 holds it. */
const SURROGATE = [0xed, 0xa0, 0x80];

const w = () => new BinaryWriter();

/** Bytes of a length-delimited field `no` holding `bytes`. */
function field(no: number, bytes: ArrayLike<number>): Uint8Array {
  return w()
    .tag(no, WireType.LengthDelimited)
    .bytes(Uint8Array.from(bytes))
    .finish();
}

function concat(...parts: ArrayLike<number>[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => Array.from(part)));
}

/** A candidate (field 8) after one good candidate, holding `bytes`. */
function secondCandidate(bytes: ArrayLike<number>): Uint8Array {
  return concat(field(8, field(1, [0x61])), field(8, bytes));
}

const cases: { what: string; bytes: Uint8Array; message: string }[] = [
  {
    what: "bad UTF-8 in a top-level string",
    bytes: field(1, SURROGATE),
    message: "requestId: invalid UTF-8",
  },
  {
    what: "bad UTF-8 in a candidate's title",
    bytes: secondCandidate(field(3, SURROGATE)),
    message: "candidates[1].title: invalid UTF-8",
  },
  {
    what: "bad UTF-8 in the second topic",
    bytes: field(8, concat(field(5, [0x61]), field(5, [0xff]))),
    message: "candidates[0].topics[1]: invalid UTF-8",
  },
  {
    what: "bad UTF-8 in a nested message",
    bytes: field(8, field(7, field(1, [0xc0, 0x80]))),
    message: "candidates[0].source.name: invalid UTF-8",
  },
  {
    what: "bad UTF-8 in the user's id",
    bytes: field(3, field(1, SURROGATE)),
    message: "user.id: invalid UTF-8",
  },
  {
    what: "bad UTF-8 in a licence",
    bytes: field(2, field(4, field(2, [0xf5, 0x80, 0x80, 0x80]))),
    message: "provider.licenses: invalid UTF-8",
  },
  {
    what: "a string longer than the bytes left",
    bytes: Uint8Array.from([0x0a, 10, 0x61]),
    message: "requestId: length 10 overruns the data",
  },
  {
    what: "a candidate longer than the bytes left",
    bytes: Uint8Array.from([0x42, 50, 0x0a, 1, 0x61]),
    message: "candidates[0]: length 50 overruns the data",
  },
  {
    what: "a varint cut short",
    bytes: Uint8Array.from([0x28, 0x80]),
    message: "slots: truncated varint",
  },
  {
    what: "a varint of more than 10 bytes",
    bytes: Uint8Array.from([0x28, ...Array<number>(10).fill(0x80), 1]),
    message: "slots: invalid varint",
  },
  {
    what: "a timestamp's seconds cut short",
    bytes: field(6, [0x08, 0xff]),
    message: "now.seconds: truncated varint",
  },
  {
    what: "a score cut short",
    bytes: field(8, [0x71, 0, 0, 0]),
    message: "candidates[0].score: truncated double",
  },
  {
    what: "an embedding cut short",
    bytes: field(8, [0x7d, 0, 0]),
    message: "candidates[0].embedding: truncated float",
  },
  {
    what: "field number 0",
    bytes: Uint8Array.from([0x00]),
    message: "invalid tag: field number 0",
  },
  {
    what: "wire type 7 inside a candidate",
    bytes: field(8, [0x0f]),
    message: "candidates[0]: invalid tag: wire type 7",
  },
  {
    what: "a tag of more than 32 bits",
    bytes: Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
    message: "invalid tag: more than 32 bits",
  },
  {
    what: "an end-group tag with no group",
    bytes: w().tag(99, WireType.EndGroup).finish(),
    message: "field 99: end-group tag without a start-group",
  },
  {
    what: "a group closed by another field number",
    bytes: w().tag(99, WireType.StartGroup).tag(98, WireType.EndGroup).finish(),
    message: "field 99: group 99 ends as 98",
  },
  {
    what: "an unknown field cut short",
    bytes: w().tag(99, WireType.Bit64).finish(),
    message: "field 99: truncated",
  },
];

/** The message decodeScreenRequest throws with. */
function failure(bytes: Uint8Array): string {
  try {
    decodeScreenRequest(bytes);
  } catch (error) {
    return error instanceof DecodeError ? error.message : String(error);
  }
  return "no error";
}

describe("decodeScreenRequest on bytes that do not decode", () => {
  it.each(cases)("names the field: $what", ({ bytes, message }) => {
    expect(failure(bytes)).toBe(message);
    expect(() => fromBinary(ScreenRequestSchema, bytes)).toThrow();
  });
});
