import type { FieldEntry } from '../engine/fields.js';
import { utf8 } from '../util/slice.js';

/** Strings up to this length are tried as ASCII first. */
const SHORT = 64;
/** Header lists whose bound passes this are counted exactly. */
const COUNTED = 8 * 1024;

/**
 * A cursor over part of the channel's shared memory: the guest thread encodes
 * messages and decodes answers with it, the I/O thread the other way round.
 * Little-endian, length-prefixed, no allocation beyond the strings it returns.
 */
export class Codec {
  pos = 0;
  /** Where the current message ends: nothing is read or written past it. */
  end: number;

  constructor(readonly buf: Buffer) {
    this.end = buf.length;
  }

  /** Positions the cursor on [start, end). */
  at(start: number, end = this.buf.length): this {
    this.pos = start;
    this.end = end;
    return this;
  }

  private room(n: number): number {
    const at = this.pos;
    if (at + n > this.end) throw new RangeError('message does not fit its area');
    this.pos += n;
    return at;
  }

  /** Bytes {@link str} takes for `s`, at most: a short string is bounded by 3 bytes a UTF-16 unit, uncounted. */
  static strSize(s: string): number {
    return 4 + (s.length <= SHORT ? 3 * s.length : Buffer.byteLength(s));
  }

  /** Bytes {@link entries} takes for `list`, at most; a list past 8 KiB is counted, not refused for its bound. */
  static entriesSize(list: readonly FieldEntry[] | undefined): number {
    let n = 4;
    for (const [name, value] of list ?? []) n += Codec.strSize(name) + Codec.strSize(value);
    if (n <= COUNTED) return n;
    n = 4;
    for (const [name, value] of list ?? []) n += 8 + Buffer.byteLength(name) + Buffer.byteLength(value);
    return n;
  }

  u8(v: number): this {
    this.buf[this.room(1)] = v;
    return this;
  }

  u32(v: number): this {
    this.buf.writeUInt32LE(v >>> 0, this.room(4));
    return this;
  }

  i32(v: number): this {
    this.buf.writeInt32LE(v | 0, this.room(4));
    return this;
  }

  u64(v: bigint): this {
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, v), this.room(8));
    return this;
  }

  str(s: string): this {
    // Most strings here (methods, paths, header names and values) are short and ASCII: written by
    // hand, they cost less than the two calls into C++ of the general way.
    const n = s.length;
    const at = this.pos + 4;
    if (n <= SHORT && at + n <= this.end) {
      const buf = this.buf;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[at + i] = c;
      }
      if (i === n) {
        buf.writeUInt32LE(n, at - 4);
        this.pos = at + n;
        return this;
      }
    }
    const len = Buffer.byteLength(s);
    this.u32(len);
    this.buf.write(s, this.room(len), len, 'utf8');
    return this;
  }

  /** Reserves `n` bytes, prefixed by their length, and returns where they start. */
  reserve(n: number): number {
    this.u32(n);
    return this.room(n);
  }

  bytes(b: Uint8Array): this {
    this.buf.set(b, this.reserve(b.length));
    return this;
  }

  entries(list: readonly FieldEntry[] | undefined): this {
    if (list === undefined) return this.i32(-1);
    this.i32(list.length);
    for (const [name, value] of list) this.str(name).str(value);
    return this;
  }

  readU32(): number {
    return this.buf.readUInt32LE(this.room(4));
  }

  readI32(): number {
    return this.buf.readInt32LE(this.room(4));
  }

  readU64(): bigint {
    return this.buf.readBigUInt64LE(this.room(8));
  }

  readStr(): string {
    const len = this.readU32();
    const at = this.room(len);
    return utf8(this.buf, at, at + len);
  }

  /** Moves past a string or bytes, unread. */
  skip(): this {
    this.room(this.readU32());
    return this;
  }

  /** A view into the message area: copy it before the next call. */
  readBytes(): Buffer {
    const len = this.readU32();
    const at = this.room(len);
    return this.buf.subarray(at, at + len);
  }

  /** A copy of the bytes {@link readBytes} would view: the reader's own. */
  copyBytes(): Buffer {
    const len = this.readU32();
    const at = this.room(len);
    const out = Buffer.allocUnsafe(len);
    this.buf.copy(out, 0, at, at + len);
    return out;
  }

  readEntries(): FieldEntry[] | undefined {
    const n = this.readI32();
    if (n < 0) return undefined;
    const out: FieldEntry[] = [];
    for (let k = 0; k < n; k++) out.push([this.readStr(), this.readStr()]);
    return out;
  }

  /** Moves past an {@link entries} list, unread; returns its encoding (a view). */
  skipEntries(): Buffer {
    const start = this.pos;
    for (let n = this.readI32() * 2; n > 0; n--) this.skip();
    return this.buf.subarray(start, this.pos);
  }
}

/**
 * Decodes {@link Codec.entries} lists, handing back the list decoded last
 * time when the encoding is the same: a server sends the same response
 * headers again and again, and comparing their bytes costs a tenth of
 * making their strings anew. The lists it returns are shared: read-only.
 */
export class EntriesMemo {
  private encoded = Buffer.alloc(0);
  private decoded: readonly FieldEntry[] | undefined;

  read(c: Codec): readonly FieldEntry[] | undefined {
    const start = c.pos;
    const encoded = c.skipEntries();
    if (!encoded.equals(this.encoded)) {
      const end = c.pos;
      c.pos = start;
      this.decoded = c.readEntries();
      c.pos = end;
      this.encoded = Buffer.from(encoded);
    }
    return this.decoded;
  }
}
