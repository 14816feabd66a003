/**
 * A growable byte buffer for the specialised encoders of this folder (see
 * screen-response.ts for why they exist). It writes what protobuf-es's
 * `BinaryWriter` writes for the same values, byte for byte: canonical
 * varints, strings as UTF-8 with a lone surrogate as U+FFFD, and the
 * length of a nested message in front of it.
 *
 * Why not protobuf-es's `BinaryWriter` itself: a fork stack, checks on
 * every number and a TextEncoder call per string over 32 characters. The
 * encoder of screen-response.ts on top of it took 86 to 88 µs per answer
 * to 100 Toutiao headlines, on this writer 53 (26 to 30 with repeated
 * reasons copied; in-process A/B, load 2.8; `toBinary` 112 to 120).
 */
import { protoInt64 } from "@bufbuild/protobuf";

/** What the first encode allocates; doubled whenever it is too small. */
const INITIAL_BYTES = 16 * 1024;

/**
 * Longest string encoded in JS; longer ones go to Buffer's encoder. A
 * loop over char codes is quick on a flat string but slow on a rope:
 * the messages of a Screen's answer are concatenated from templates
 * ("list already holds its 3 slots"), and V8 reads such a string's
 * characters one call into the runtime at a time. V8 makes no rope under
 * 13 characters. Encoding the answers to 200 real Toutiao Screens of 100
 * candidates (before repeated reasons were copied), µs per answer, A/B in
 * one process: JS up to 256 chars 158, up to 32 chars 154, up to 20
 * chars 57, up to 16 chars 58, up to 12 chars 62, up to 8 chars 82;
 * protobuf-es's `toBinary` 139.
 */
const JS_MAX_CHARS = 12;

export class WireWriter {
  private buf = Buffer.allocUnsafe(INITIAL_BYTES);
  /**
   * The same memory as a plain Uint8Array: a Buffer's subarray is built
   * through Buffer's constructor and costs several times a plain one's.
   */
  private plain = plainView(this.buf);
  private pos = 0;

  /**
   * The bytes written, in a Buffer of their own (the writer's buffer is
   * reused by the next encode), and the writer emptied.
   */
  finish(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    this.pos = 0;
    return out;
  }

  /** Forgets what was written: the writer is empty again. */
  reset(): void {
    this.pos = 0;
  }

  /** Starts a nested message; `join` with the position it returns. */
  fork(): number {
    this.ensure(1);
    const start = this.pos;
    // One byte of length, enough for a message under 128 bytes.
    this.pos += 1;
    return start;
  }

  /** Writes the length of the nested message begun at `start`. */
  join(start: number): void {
    const length = this.pos - start - 1;
    this.writeLength(start, 1, length);
  }

  /** A tag or any unsigned 32-bit varint, known to be valid. */
  uint32(value: number): void {
    this.ensure(5);
    const buf = this.buf;
    let pos = this.pos;
    let rest = value;
    while (rest > 0x7f) {
      buf[pos++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    buf[pos++] = rest;
    this.pos = pos;
  }

  /** A signed 32-bit varint: a negative number takes 10 bytes. */
  int32(value: number): void {
    if (value >= 0) {
      this.uint32(value);
      return;
    }
    this.ensure(10);
    let rest = value;
    for (let i = 0; i < 9; i += 1) {
      this.buf[this.pos++] = (rest & 0x7f) | 0x80;
      rest >>= 7;
    }
    this.buf[this.pos++] = 1;
  }

  /** A signed 64-bit varint, from a bigint as protobuf-es holds it. */
  int64(value: bigint): void {
    const { lo, hi } = protoInt64.enc(value);
    this.ensure(10);
    let low = lo >>> 0;
    let high = hi >>> 0;
    while (high !== 0 || low > 0x7f) {
      this.buf[this.pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    this.buf[this.pos++] = low;
  }

  bool(value: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = value ? 1 : 0;
  }

  /** Where the next byte goes, for `copySince`. */
  get position(): number {
    return this.pos;
  }

  /**
   * Copies what was written since `start` (a `position`) into `into`;
   * returns how many bytes, or -1 when they do not fit.
   */
  copySince(start: number, into: Uint8Array): number {
    const length = this.pos - start;
    if (length > into.length) return -1;
    into.set(this.plain.subarray(start, this.pos));
    return length;
  }

  /** The first `length` bytes of `bytes`, as `copySince` kept them. */
  copy(bytes: Uint8Array, length: number): void {
    this.ensure(length);
    this.buf.set(bytes.subarray(0, length), this.pos);
    this.pos += length;
  }

  /** Raw bytes, as of an unknown field kept from decoding. */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** A length-delimited UTF-8 string. */
  string(value: string): void {
    const chars = value.length;
    // UTF-8 takes at most 3 bytes per UTF-16 unit and a length at most 5;
    // the length's place is guessed for text that is mostly ASCII.
    this.ensure(5 + chars * 3);
    const prefix = varintSize(chars);
    const start = this.pos;
    const end =
      chars <= JS_MAX_CHARS
        ? this.utf8(value, start + prefix)
        : start + prefix + this.buf.write(value, start + prefix, "utf8");
    this.pos = end;
    this.writeLength(start, prefix, end - start - prefix);
  }

  /** Encodes `text` at `pos` as TextEncoder does; returns the end. */
  private utf8(text: string, at: number): number {
    const buf = this.buf;
    let pos = at;
    for (let i = 0; i < text.length; i += 1) {
      const unit = text.charCodeAt(i);
      if (unit < 0x80) {
        buf[pos++] = unit;
      } else if (unit < 0x800) {
        buf[pos++] = 0xc0 | (unit >> 6);
        buf[pos++] = 0x80 | (unit & 0x3f);
      } else {
        const point = codePoint(text, i, unit);
        if (point > 0xffff) i += 1;
        pos = writePoint(buf, pos, point);
      }
    }
    return pos;
  }

  /**
   * Puts `length` in the `reserved` bytes at `start` and, when it needs
   * more or fewer, moves what follows so that the varint is canonical.
   */
  private writeLength(start: number, reserved: number, length: number) {
    const size = varintSize(length);
    if (size !== reserved) {
      this.ensure(size - reserved);
      this.buf.copyWithin(start + size, start + reserved, this.pos);
      this.pos += size - reserved;
    }
    const end = this.pos;
    this.pos = start;
    this.uint32(length);
    this.pos = end;
  }

  private ensure(bytes: number): void {
    const needed = this.pos + bytes;
    if (needed <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
    this.plain = plainView(grown);
  }
}

function plainView(buf: Buffer): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}

/** The code point at `i` (a pair, or U+FFFD for a lone surrogate). */
function codePoint(text: string, i: number, unit: number): number {
  if (unit < 0xd800 || unit > 0xdfff) return unit;
  if (unit > 0xdbff) return 0xfffd;
  const next = text.charCodeAt(i + 1);
  if (!(next >= 0xdc00 && next <= 0xdfff)) return 0xfffd;
  return 0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00);
}

/** Writes a code point of 3 or 4 UTF-8 bytes; returns the end. */
function writePoint(buf: Buffer, at: number, point: number): number {
  let pos = at;
  if (point > 0xffff) {
    buf[pos++] = 0xf0 | (point >> 18);
    buf[pos++] = 0x80 | ((point >> 12) & 0x3f);
  } else {
    buf[pos++] = 0xe0 | (point >> 12);
  }
  buf[pos++] = 0x80 | ((point >> 6) & 0x3f);
  buf[pos++] = 0x80 | (point & 0x3f);
  return pos;
}

function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}
