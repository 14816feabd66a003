/**
 * A cursor over protobuf wire bytes for the specialised decoders of this
 * folder (see screen-request.ts for why they exist).
 *
 * Every read accepts and rejects exactly what protobuf-es's `BinaryReader`
 * does, so that a specialised decoder succeeds on the same bytes as
 * `fromBinary` and yields the same values: as there, bounds are checked
 * against the end of the whole buffer, not of the enclosing message;
 * varints are read up to 10 bytes; strings must be valid UTF-8. Only the
 * error messages differ: they say what was wrong in plain words, and the
 * decoders prefix the field (`candidates[3].title: invalid UTF-8`).
 * test/wire/screen-request.test.ts checks both on random and damaged
 * bytes.
 *
 * Why not protobuf-es's `BinaryReader` itself: its `tag()` returns a new
 * array per field and its strings go through TextDecoder. The decoder of
 * screen-request.ts on top of it took 290 to 316 µs per request of 100
 * Toutiao headlines, on this reader 171 to 178 (in-process A/B, load
 * 2.6; `fromBinary` 440 to 476).
 */
import { protoInt64 } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";
import { decodeUtf8 } from "./utf8.js";

/** Bytes that are not a valid encoding of the message being decoded. */
export class DecodeError extends Error {
  override readonly name = "DecodeError";

  /**
   * `path` is the field where decoding failed, outermost first
   * (`candidates[3].title`); empty at the top level.
   */
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(path === "" ? reason : `${path}: ${reason}`);
  }
}

/**
 * Adds `field` in front of the path of a failure inside it. Anything that
 * is not a DecodeError is a bug in the decoder and passes unchanged.
 */
export function inField(error: unknown, field: string): unknown {
  if (!(error instanceof DecodeError)) return error;
  const path = error.path === "" ? field : joinPath(field, error.path);
  return new DecodeError(path, error.reason);
}

function joinPath(outer: string, inner: string): string {
  return inner.startsWith("[") ? outer + inner : `${outer}.${inner}`;
}

// Read once: through some module loaders (tsx's CommonJS interop) every
// `WireType.X` is a getter call, which the tag of every field would pay.
const { Varint, Bit64, LengthDelimited, StartGroup, EndGroup, Bit32 } =
  WireType;

/** protobuf-es's default recursion limit, which bounds nested groups. */
const RECURSION_LIMIT = 100;

export class WireReader {
  /** Position of the next byte to read. */
  pos = 0;
  /** Length of the whole buffer: every bound is checked against it. */
  readonly len: number;
  /**
   * The bytes as a Buffer, whatever the caller passed: every read sees
   * one type, and long strings decode with Buffer's UTF-8 decoder.
   */
  private readonly buf: Buffer;
  private readonly view: DataView;

  constructor(input: Uint8Array) {
    const { buffer, byteOffset, byteLength } = input;
    this.buf = Buffer.from(buffer, byteOffset, byteLength);
    this.view = new DataView(buffer, byteOffset, byteLength);
    this.len = byteLength;
  }

  /**
   * A tag, checked as protobuf-es checks it: at most 5 bytes, field
   * number above 0, wire type 0 to 5. The field number is `tag >>> 3`,
   * the wire type `tag & 7`.
   */
  tag(): number {
    const start = this.pos;
    if (start < this.len) {
      // A field number up to 15 and a valid wire type: one byte.
      const first = this.buf[start] ?? 0;
      if (first < 0x80 && first >= 8 && (first & 7) <= Bit32) {
        this.pos = start + 1;
        return first;
      }
    }
    const tag = this.uint32();
    const bytes = this.pos - start;
    if (bytes > 5 || (bytes === 5 && (this.buf[this.pos - 1] ?? 0) > 0x0f)) {
      throw new DecodeError("", "invalid tag: more than 32 bits");
    }
    if (tag >>> 3 === 0) {
      throw new DecodeError("", "invalid tag: field number 0");
    }
    if ((tag & 7) > Bit32) {
      throw new DecodeError("", `invalid tag: wire type ${tag & 7}`);
    }
    return tag;
  }

  /** An unsigned 32-bit varint (the low 32 bits of a longer one). */
  uint32(): number {
    const pos = this.pos;
    if (pos < this.len) {
      const first = this.buf[pos] ?? 0;
      if (first < 0x80) {
        this.pos = pos + 1;
        return first;
      }
    }
    return this.uint32Long();
  }

  private uint32Long(): number {
    let result = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      const b = this.byte();
      result |= (b & 0x7f) << shift;
      if (b < 0x80) return result;
    }
    let b = this.byte();
    result |= (b & 0x0f) << 28;
    for (let read = 5; b >= 0x80; read += 1) {
      if (read === 10) throw new DecodeError("", "invalid varint");
      b = this.byte();
    }
    return result >>> 0;
  }

  /** A signed 32-bit varint; negative numbers take 10 bytes. */
  int32(): number {
    return this.uint32() | 0;
  }

  /** A signed 64-bit varint, as protobuf-es gives it (a bigint). */
  int64(): bigint {
    this.varint64();
    return protoInt64.dec(this.low, this.high);
  }

  /** The two 32-bit halves of the last `varint64`. */
  private low = 0;
  private high = 0;

  /** Reads a 64-bit varint into `low` and `high`. */
  private varint64(): void {
    let lo = 0;
    let hi = 0;
    let b = 0x80;
    for (let shift = 0; shift < 28 && b >= 0x80; shift += 7) {
      b = this.byte();
      lo |= (b & 0x7f) << shift;
    }
    if (b >= 0x80) {
      b = this.byte();
      lo |= (b & 0x0f) << 28;
      hi = (b & 0x70) >> 4;
    }
    for (let shift = 3; shift <= 31 && b >= 0x80; shift += 7) {
      b = this.byte();
      hi |= (b & 0x7f) << shift;
    }
    if (b >= 0x80) throw new DecodeError("", "invalid varint");
    this.low = lo;
    this.high = hi;
  }

  /** A bool: any varint other than 0 is true. */
  bool(): boolean {
    const pos = this.pos;
    const first = this.buf[pos] ?? 0x80;
    if (first < 0x80) {
      this.pos = pos + 1;
      return first !== 0;
    }
    this.varint64();
    return this.low !== 0 || this.high !== 0;
  }

  /** A little-endian 64-bit float. */
  double(): number {
    const pos = this.pos;
    if (pos + 8 > this.len) throw new DecodeError("", "truncated double");
    this.pos = pos + 8;
    return this.view.getFloat64(pos, true);
  }

  /** A little-endian 32-bit float, widened as protobuf-es widens it. */
  float(): number {
    const pos = this.pos;
    if (pos + 4 > this.len) throw new DecodeError("", "truncated float");
    this.pos = pos + 4;
    return this.view.getFloat32(pos, true);
  }

  /** A length-delimited UTF-8 string; invalid UTF-8 is an error. */
  string(): string {
    const length = this.uint32();
    const start = this.pos;
    if (start + length > this.len) throw overrun(length);
    this.pos = start + length;
    if (length === 0) return "";
    if (length === this.lastLength && this.repeatsLast(start)) {
      return this.lastText;
    }
    const text = decodeUtf8(this.buf, start, start + length);
    if (text === undefined) throw new DecodeError("", "invalid UTF-8");
    this.lastStart = start;
    this.lastLength = length;
    this.lastText = text;
    return text;
  }

  /**
   * The string read last, kept because a candidate's `sourceTitle` is
   * most often its `title` again: the longest strings of a request,
   * compared instead of decoded twice.
   */
  private lastStart = 0;
  private lastLength = 0;
  private lastText = "";

  private repeatsLast(start: number): boolean {
    const { buf, lastStart, lastLength } = this;
    for (let i = 0; i < lastLength; i += 1) {
      if (buf[start + i] !== buf[lastStart + i]) return false;
    }
    return true;
  }

  /**
   * The length prefix of a nested message or packed field, as the
   * position where it ends. An end past the buffer fails here; in
   * protobuf-es it fails too, at the read that runs off the end. An end
   * past the enclosing message's is accepted, as protobuf-es accepts it.
   */
  end(): number {
    const length = this.uint32();
    const end = this.pos + length;
    if (end > this.len) throw overrun(length);
    return end;
  }

  /**
   * Skips the value of a field the decoder does not know, as protobuf-es
   * does with `readUnknownFields: false`: nothing in the service reads
   * unknown fields, and kept they let a 16 MiB request of millions of
   * them hold a gigabyte. `depth` is the message's nesting depth, the
   * request being 1: with it the limit on nested groups is protobuf-es's.
   */
  skipUnknown(tag: number, depth: number): void {
    this.skip(tag & 7, tag >>> 3, RECURSION_LIMIT - depth);
  }

  /** Skips one value of `wireType`, groups up to `limit` deep. */
  skip(wireType: number, fieldNo: number, limit: number): void {
    switch (wireType) {
      case Varint:
        while ((this.buf[this.pos++] ?? 0) & 0x80);
        break;
      case Bit64:
        this.pos += 8;
        break;
      case LengthDelimited: {
        const length = this.uint32();
        this.pos += length;
        break;
      }
      case StartGroup:
        this.skipGroup(fieldNo, limit);
        break;
      case Bit32:
        this.pos += 4;
        break;
      default:
        throw new DecodeError("", "end-group tag without a start-group");
    }
    if (this.pos > this.len) throw new DecodeError("", "truncated");
  }

  private skipGroup(fieldNo: number, limit: number): void {
    if (limit <= 0) throw new DecodeError("", "groups nested too deep");
    for (;;) {
      const tag = this.tag();
      if ((tag & 7) === EndGroup) {
        if (tag >>> 3 === fieldNo) return;
        throw new DecodeError("", `group ${fieldNo} ends as ${tag >>> 3}`);
      }
      this.skip(tag & 7, tag >>> 3, limit - 1);
    }
  }

  /** The next byte; running off the end is an error. */
  private byte(): number {
    const b = this.buf[this.pos];
    if (b === undefined) throw new DecodeError("", "truncated varint");
    this.pos += 1;
    return b;
  }
}

function overrun(length: number): DecodeError {
  return new DecodeError("", `length ${length} overruns the data`);
}
