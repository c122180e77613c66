import type { FieldEntry } from '../engine/fields.js';
import { capRead } from '../engine/io/incoming-body.js';

/**
 * Bytes of an incoming body that the guest thread already holds: the whole
 * body, when it came with its response (see `Op.FutureGet`), or what a read
 * brought beyond what it asked for (see `Op.InRead`).
 */
interface Local {
  bytes: Uint8Array;
  at: number;
  /** Nothing comes after these bytes. */
  readonly end: boolean;
  /** The whole body came, so its trailers are known here too. */
  readonly whole: boolean;
  readonly trailers: FieldEntry[] | undefined;
  /** The area of the channel `bytes` views ({@link REPLY_AREA} or a prefetch slot), reused after the next call or request there; undefined when they are a copy. */
  area: number | undefined;
}

/** The channel's reply area, which every call overwrites. */
export const REPLY_AREA = -1;

/** What a read or skip took. */
export interface Taken {
  readonly bytes: Uint8Array;
  readonly end: boolean;
}

/** A copy (a Buffer's `slice` would only be another view). */
function copyOf(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy;
}

/**
 * Incoming bodies the guest thread reads from without a call, by the same
 * rules as the I/O thread: a read of `n` bytes gets min(n, 1 MiB) bytes, or
 * all that is left when the body ends sooner, never fewer. `undefined`
 * answers mean "ask the I/O thread".
 */
export class LocalBodies {
  private readonly bodies = new Map<number, Local>();

  /** The whole body, with its trailers. */
  add(id: number, bytes: Uint8Array, trailers: FieldEntry[] | undefined): void {
    this.bodies.set(id, { bytes, at: 0, end: true, whole: true, trailers, area: undefined });
  }

  /** Bytes read ahead, viewed in `area` until {@link detach}, or owned; `end` when the body ends with them. */
  keep(id: number, bytes: Uint8Array, end: boolean, area?: number): void {
    this.bodies.set(id, { bytes, at: 0, end, whole: false, trailers: undefined, area });
  }

  /** More bytes of the body (a copy), after those held. */
  append(id: number, bytes: Uint8Array, end: boolean): void {
    const held = this.takeRest(id)?.bytes;
    this.keep(id, held ? Buffer.concat([held, bytes]) : copyOf(bytes), end);
  }

  /** Before `area` is reused: bytes still viewed there are copied out. */
  detach(area: number): void {
    for (const body of this.bodies.values()) {
      if (body.area !== area) continue;
      body.bytes = copyOf(body.bytes.subarray(body.at));
      body.at = 0;
      body.area = undefined;
    }
  }

  /** Takes min(max, 1 MiB) bytes when that many are here, or the rest when the body ends with them. */
  read(id: number, max: bigint | number): Taken | undefined {
    const body = this.bodies.get(id);
    if (!body) return undefined;
    const left = body.bytes.length - body.at;
    const want = capRead(max);
    if (left < want && !body.end) return undefined;
    const n = Math.min(want, left);
    const { bytes, at } = body;
    body.at += n;
    return {
      // All of it at once (a whole small body's one read) needs no view, which costs about a microsecond.
      bytes: n === bytes.length ? bytes : bytes.subarray(at, at + n),
      end: body.end && body.at === bytes.length,
    };
  }

  /** Takes every byte held (a copy), for an operation the I/O thread finishes; undefined when none are. */
  takeRest(id: number): Taken | undefined {
    const body = this.bodies.get(id);
    if (!body || body.at === body.bytes.length) return undefined;
    const bytes = copyOf(body.bytes.subarray(body.at));
    body.at = body.bytes.length;
    return { bytes, end: body.end };
  }

  /** Lets go of the bytes held and not read yet (a skip past them); how many there were. */
  discardRest(id: number): number {
    const body = this.bodies.get(id);
    if (!body) return 0;
    const n = body.bytes.length - body.at;
    body.at = body.bytes.length;
    return n;
  }

  /** Whether a poll of the body is answered here: bytes are held, or it has ended. */
  ready(id: number): boolean {
    const body = this.bodies.get(id);
    return body !== undefined && (body.at < body.bytes.length || body.end);
  }

  /** Whether the whole body is here, so nothing about it needs the I/O thread. */
  whole(id: number): boolean {
    return this.bodies.get(id)?.whole ?? false;
  }

  /** `finish-incoming-stream`: the rest is discarded; the trailers when the whole body is here. */
  finish(id: number): { trailers: FieldEntry[] | undefined } | undefined {
    const body = this.bodies.get(id);
    if (!body) return undefined;
    if (!body.whole) {
      this.bodies.delete(id);
      return undefined;
    }
    body.at = body.bytes.length;
    return { trailers: body.trailers };
  }

  drop(id: number): void {
    this.bodies.delete(id);
  }

  clear(): void {
    // Clearing a map makes it a new table, even an empty one: once a request, that is worth a check.
    if (this.bodies.size > 0) this.bodies.clear();
  }
}
