import type { FieldEntry } from '../engine/fields.js';
import { READ_CAP } from '../engine/io/incoming-body.js';

/** A small response body that had all arrived when its response was taken. */
interface Arrived {
  readonly bytes: Uint8Array;
  at: number;
  readonly trailers: FieldEntry[] | undefined;
}

const capped = (max: bigint | number): number => Number(BigInt(max) > BigInt(READ_CAP) ? READ_CAP : max);

/**
 * Bodies that came whole with their response (see `Op.FutureGet`): the
 * guest thread reads, skips and finishes them itself, by the same rules as
 * the I/O thread, without another call. `undefined` means "not one of these".
 */
export class ArrivedBodies {
  private readonly bodies = new Map<number, Arrived>();

  add(id: number, bytes: Uint8Array, trailers: FieldEntry[] | undefined): void {
    this.bodies.set(id, { bytes, at: 0, trailers });
  }

  has(id: number): boolean {
    return this.bodies.has(id);
  }

  /** Takes up to min(max, 1 MiB) bytes; `end` once none are left. */
  read(id: number, max: bigint | number): { bytes: Uint8Array; end: boolean } | undefined {
    const body = this.bodies.get(id);
    if (!body) return undefined;
    const n = Math.min(capped(max), body.bytes.length - body.at);
    body.at += n;
    return { bytes: body.bytes.subarray(body.at - n, body.at), end: body.at === body.bytes.length };
  }

  /** `finish-incoming-stream`: the rest is discarded; the trailers, if any. */
  finish(id: number): { trailers: FieldEntry[] | undefined } | undefined {
    const body = this.bodies.get(id);
    if (!body) return undefined;
    body.at = body.bytes.length;
    return { trailers: body.trailers };
  }

  drop(id: number): void {
    this.bodies.delete(id);
  }

  clear(): void {
    this.bodies.clear();
  }
}
