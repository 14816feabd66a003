/**
 * UTF-8 decoding for the wire reader: once the reflection is gone, most of
 * the cost of decoding a ScreenRequest (a list of 100 Toutiao headlines
 * holds about 1,000 strings, 40% of them CJK or mixed). CPU ns per
 * string, measured on the strings of a real request:
 *
 * | way | ASCII, median 14 bytes | CJK or mixed, median 30 |
 * | --- | ---: | ---: |
 * | fatal TextDecoder on a subarray (protobuf-es) | 133 | 312 |
 * | Buffer `toString("utf8", start, end)` | 81 | 208 |
 * | Buffer `latin1Slice` after an ASCII check | 90 | - |
 * | JS loop, `String.fromCharCode.apply` | 80 | 156 |
 *
 * Native decoders pay a call into C++ that a string this short does not
 * repay, so strings up to 256 bytes are decoded here, in JS, and checked
 * as a fatal TextDecoder checks them; longer ones go to Buffer's decoder,
 * which replaces invalid bytes with U+FFFD instead of failing: a result
 * holding U+FFFD is decoded again with a fatal TextDecoder, which tells a
 * real U+FFFD from invalid bytes. Either way exactly what protobuf-es
 * rejects is rejected (test/wire/utf8.test.ts).
 */

/**
 * Longest string decoded in JS; longer ones go to Buffer's decoder (and
 * `fromCharCode.apply` would need as many arguments as characters).
 */
const JS_MAX = 256;

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The text of `bytes[start, end)`, or undefined when it is not valid
 * UTF-8. A leading U+FEFF is kept: in protobuf it is text, not a mark.
 */
export function decodeUtf8(
  bytes: Buffer,
  start: number,
  end: number,
): string | undefined {
  if (end - start <= JS_MAX) return decodeShort(bytes, start, end);
  const text = bytes.toString("utf8", start, end);
  if (!text.includes("\uFFFD")) return text;
  return decodeStrict(bytes.subarray(start, end));
}

function decodeShort(
  bytes: Buffer,
  start: number,
  end: number,
): string | undefined {
  const units: number[] = [];
  let i = start;
  while (i < end) {
    const lead = bytes[i] ?? 0;
    if (lead < 0x80) {
      units.push(lead);
      i += 1;
    } else {
      i = pushSequence(bytes, i, end, units);
      if (i < 0) return undefined;
    }
  }
  return String.fromCharCode.apply(null, units);
}

/**
 * Decodes the sequence of 2 to 4 bytes at `i` into UTF-16 `units`; the
 * index after it, or -1 for what WHATWG's decoder refuses: a stray or
 * missing continuation byte, an overlong form, a surrogate, a code point
 * past U+10FFFF.
 */
function pushSequence(
  bytes: Buffer,
  i: number,
  end: number,
  units: number[],
): number {
  const lead = bytes[i] ?? 0;
  const c1 = continuation(bytes, i + 1, end);
  if (lead < 0xe0) {
    if (lead < 0xc2 || c1 < 0) return -1;
    units.push(((lead & 0x1f) << 6) | c1);
    return i + 2;
  }
  const c2 = continuation(bytes, i + 2, end);
  if (lead < 0xf0) {
    const unit = ((lead & 0x0f) << 12) | (c1 << 6) | c2;
    if ((c1 | c2) < 0 || unit < 0x800 || unit >> 11 === 0x1b) return -1;
    units.push(unit);
    return i + 3;
  }
  const c3 = continuation(bytes, i + 3, end);
  const point = ((lead & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
  if ((c1 | c2 | c3) < 0 || lead > 0xf4) return -1;
  if (point < 0x10000 || point > 0x10ffff) return -1;
  units.push(0xd7c0 + (point >> 10), 0xdc00 + (point & 0x3ff));
  return i + 4;
}

/** The six payload bits of the continuation byte at `i`, or -1. */
function continuation(bytes: Buffer, i: number, end: number): number {
  const byte = i < end ? (bytes[i] ?? 0) : 0;
  return (byte & 0xc0) === 0x80 ? byte & 0x3f : -1;
}

function decodeStrict(bytes: Uint8Array): string | undefined {
  try {
    return strict.decode(bytes);
  } catch {
    return undefined;
  }
}
