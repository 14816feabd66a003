import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  create,
  fromBinary,
  fromJsonString,
  toBinary,
} from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { ScreenRequestSchema } from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { DecodeError } from "../../src/wire/reader.js";
import { decodeScreenRequest } from "../../src/wire/screen-request.js";
import { requestBytes, screenRequest } from "./arbitraries.js";

/** The Screen codec skips unknown fields (see src/wire/screen-request.ts). */
const SKIP_UNKNOWN = { readUnknownFields: false };

/** What protobuf-es makes of the bytes, or the error it throws. */
function reflective(bytes: Uint8Array) {
  try {
    return { message: fromBinary(ScreenRequestSchema, bytes, SKIP_UNKNOWN) };
  } catch (error) {
    return { error };
  }
}

function specialised(bytes: Uint8Array) {
  try {
    return { message: decodeScreenRequest(bytes) };
  } catch (error) {
    return { error };
  }
}

/** Same message as protobuf-es, or an error (a DecodeError) where it errs. */
function expectSameAsProtobufEs(bytes: Uint8Array): void {
  const expected = reflective(bytes);
  const actual = specialised(bytes);
  if (expected.error !== undefined) {
    expect(actual.error).toBeInstanceOf(DecodeError);
  } else {
    expect(actual.error).toBeUndefined();
    expect(actual.message).toStrictEqual(expected.message);
  }
}

const fixture = new URL("../fixtures/toutiao-50.jsonl", import.meta.url);

describe("decodeScreenRequest on real requests", () => {
  const requests = readFileSync(fixture, "utf8")
    .trim()
    .split("\n")
    .map((line) => fromJsonString(ScreenRequestSchema, line));
  const [first] = requests;
  if (first === undefined) throw new Error("the Toutiao fixture is empty");

  it("decodes 50 Toutiao requests as protobuf-es does", () => {
    for (const request of requests) {
      const bytes = toBinary(ScreenRequestSchema, request);
      expect(decodeScreenRequest(bytes)).toStrictEqual(request);
    }
  });

  it("merges a request sent in parts, as the benchmark sends it", () => {
    const { user, now, requestId, commit, ...rest } = first;
    const list = create(ScreenRequestSchema, {
      provider: rest.provider,
      surface: rest.surface,
      slots: rest.slots,
      commit,
      candidates: rest.candidates,
    });
    const parts = [
      list,
      create(ScreenRequestSchema, { user }),
      create(ScreenRequestSchema, { requestId, now, commit }),
    ];
    const bytes = Buffer.concat(
      parts.map((part) => toBinary(ScreenRequestSchema, part)),
    );
    expect(decodeScreenRequest(bytes)).toStrictEqual(
      fromBinary(ScreenRequestSchema, bytes, SKIP_UNKNOWN),
    );
    expect(decodeScreenRequest(bytes)).toEqual(first);
  });

  it("reads a Buffer as it reads a plain view of it", () => {
    const bytes = Buffer.from(toBinary(ScreenRequestSchema, first));
    expect(decodeScreenRequest(bytes)).toStrictEqual(first);
  });
});

describe("decodeScreenRequest against protobuf-es", () => {
  it("gives the same message for any request protobuf-es encodes", () => {
    fc.assert(
      fc.property(screenRequest, (request) => {
        const bytes = toBinary(ScreenRequestSchema, request);
        expect(decodeScreenRequest(bytes)).toStrictEqual(
          fromBinary(ScreenRequestSchema, bytes, SKIP_UNKNOWN),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("gives the same message for requests in parts with raw fragments", () => {
    fc.assert(
      fc.property(requestBytes, (bytes) => {
        expect(decodeScreenRequest(bytes)).toStrictEqual(
          fromBinary(ScreenRequestSchema, bytes, SKIP_UNKNOWN),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("errs exactly where protobuf-es errs on damaged bytes", () => {
    const damaged = fc
      .tuple(requestBytes, fc.nat(), fc.nat(255), fc.nat(2))
      .map(([bytes, at, byte, how]) => damage(bytes, at, byte, how));
    fc.assert(fc.property(damaged, expectSameAsProtobufEs), {
      numRuns: 1000,
    });
  });

  it("errs exactly where protobuf-es errs on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), expectSameAsProtobufEs),
      { numRuns: 1000 },
    );
  });
});

/** Cuts the bytes short, overwrites one byte or inserts one. */
function damage(bytes: Uint8Array, at: number, byte: number, how: number) {
  const i = bytes.length === 0 ? 0 : at % bytes.length;
  const copy = Array.from(bytes);
  if (how === 0) return Uint8Array.from(copy.slice(0, i));
  if (how === 1) copy[i] = byte;
  else copy.splice(i, 0, byte);
  return Uint8Array.from(copy);
}

describe("decodeScreenRequest on what protobuf-es never writes", () => {
  it("reads a field with another wire type as protobuf-es reads it", () => {
    // slots (5) sent as fixed32 and commit (7) as a 2-byte varint.
    const bytes = new BinaryWriter()
      .tag(5, WireType.Bit32)
      .uint32(300)
      .tag(7, WireType.Varint)
      .uint32(128)
      .finish();
    expectSameAsProtobufEs(bytes);
    expect(decodeScreenRequest(bytes).commit).toBe(true);
  });

  it("skips unknown fields, as protobuf-es does when told to", () => {
    const bytes = new BinaryWriter()
      .tag(99, WireType.LengthDelimited)
      .string("x")
      .tag(4, WireType.LengthDelimited)
      .string("lockscreen")
      .finish();
    const request = decodeScreenRequest(bytes);
    expect(request).toStrictEqual(
      fromBinary(ScreenRequestSchema, bytes, SKIP_UNKNOWN),
    );
    expect([request.surface, request.$unknown]).toEqual([
      "lockscreen",
      undefined,
    ]);
  });

  it("skips groups nested as deep as protobuf-es allows, and no deeper", () => {
    for (const depth of [97, 98, 99, 100]) {
      expectSameAsProtobufEs(nestedGroups(depth));
    }
    expect(specialised(nestedGroups(98)).error).toBeUndefined();
    expect(specialised(nestedGroups(100)).error).toBeInstanceOf(DecodeError);
  });

  it("keeps a map key __proto__ as an entry", () => {
    const entry = new BinaryWriter()
      .tag(1, WireType.LengthDelimited)
      .string("__proto__")
      .tag(2, WireType.LengthDelimited)
      .string("v")
      .finish();
    const provider = new BinaryWriter()
      .tag(4, WireType.LengthDelimited)
      .bytes(entry)
      .finish();
    const bytes = new BinaryWriter()
      .tag(2, WireType.LengthDelimited)
      .bytes(provider)
      .finish();
    expectSameAsProtobufEs(bytes);
    const licenses = decodeScreenRequest(bytes).provider?.licenses;
    expect(Object.keys(licenses ?? {})).toEqual(["__proto__"]);
  });
});

/** A request holding groups of field 99 nested `depth` deep. */
function nestedGroups(depth: number): Uint8Array {
  const w = new BinaryWriter();
  for (let i = 0; i < depth; i += 1) w.tag(99, WireType.StartGroup);
  for (let i = 0; i < depth; i += 1) w.tag(99, WireType.EndGroup);
  return w.finish();
}
