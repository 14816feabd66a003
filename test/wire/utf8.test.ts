import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeUtf8 } from "../../src/wire/utf8.js";

const fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** What protobuf-es's decoder gives: the text, or undefined when it throws. */
function expected(bytes: Uint8Array): string | undefined {
  try {
    return fatal.decode(bytes);
  } catch {
    return undefined;
  }
}

function decoded(bytes: Uint8Array): string | undefined {
  return decodeUtf8(Buffer.from(bytes), 0, bytes.length);
}

/** Pieces of UTF-8, valid and not, that random bytes rarely make. */
const piece = fc.oneof(
  fc.string({ unit: "binary", maxLength: 4 }).map((s) => Buffer.from(s)),
  fc.constantFrom(
    [0xc0, 0x80],
    [0xc2, 0x80],
    [0xe0, 0x80, 0x80],
    [0xe0, 0xa0, 0x80],
    [0xed, 0x9f, 0xbf],
    [0xed, 0xa0, 0x80],
    [0xef, 0xbf, 0xbd],
    [0xef, 0xbb, 0xbf],
    [0xf0, 0x8f, 0xbf, 0xbf],
    [0xf0, 0x90, 0x80, 0x80],
    [0xf4, 0x8f, 0xbf, 0xbf],
    [0xf4, 0x90, 0x80, 0x80],
    [0xf5, 0x80, 0x80, 0x80],
    [0xe4, 0xb8],
    [0xf0, 0x9f, 0x98],
    [0x80],
    [0xff],
  ),
);

const pieces = (maxLength: number) =>
  fc
    .array(piece, { maxLength })
    .map((list) => Uint8Array.from(list.flatMap((p) => Array.from(p))));

describe("decodeUtf8", () => {
  it("accepts and rejects what a fatal TextDecoder does", () => {
    fc.assert(
      fc.property(pieces(12), (bytes) => {
        expect(decoded(bytes)).toBe(expected(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it("does the same past the length decoded in JS", () => {
    fc.assert(
      fc.property(pieces(120), (bytes) => {
        expect(decoded(bytes)).toBe(expected(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it("does the same on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(decoded(bytes)).toBe(expected(bytes));
      }),
      { numRuns: 1000 },
    );
  });

  it("keeps a leading byte-order mark and a real U+FFFD", () => {
    const text = `\uFEFF${"长".repeat(100)}\uFFFD`;
    expect(decoded(Buffer.from(text))).toBe(text);
  });

  it("decodes only the range asked for", () => {
    const bytes = Buffer.from("ab今日c");
    expect(decodeUtf8(bytes, 2, 8)).toBe("今日");
  });
});
