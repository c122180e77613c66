import type { FieldEntry } from '../engine/fields.js';
import { WHOLE_RESPONSE_MAX } from '../engine/io/served.js';
import { Codec } from './codec.js';
import { Post, type GuestEnd } from './guest-end.js';
import { Op } from './ops.js';

/** The largest piece of a write that crosses in one message. */
const PIECE = 1024 * 1024;

/** What the guest thread knows of a body it writes, to answer `write` without waiting. */
export interface Writing {
  written: number;
  handedOver: boolean;
  closed: boolean;
  failed: boolean;
  /** The bytes written to a body the I/O thread has not heard of yet (see {@link OutputStreams.create}). */
  local: Buffer[] | undefined;
}

/**
 * The guest thread's side of output streams: the bodies the guest writes,
 * of requests it sends and responses it serves. Creating, writing,
 * finishing and dropping are posted, not waited for. A write is answered
 * from what this thread knows — the buffer limit before the body's message
 * is handed over, and the failures the I/O thread reported — so a failed
 * write shows at the next write, as with a socket.
 */
export class OutputStreams {
  private readonly writing = new Map<number, Writing>();
  private failuresSeen = 0;
  /** The most a body kept on this thread holds. */
  private readonly localMax: number;

  /** `call` sends the message begun on `end` and waits for its answer. */
  constructor(
    private readonly end: GuestEnd,
    private readonly call: () => Codec,
    private readonly bufferLimit: number,
  ) {
    this.localMax = Math.min(WHOLE_RESPONSE_MAX, bufferLimit);
  }

  /**
   * A body with the id `id`. A response's body (`local`) is kept on this
   * thread while it is small and nothing needs it elsewhere, so a response
   * finished before it goes crosses as one message with its body
   * ({@link takeWhole}); whatever the I/O thread must see it for
   * {@link share}s it first. Any other is announced at once, quietly: it
   * changes nothing the I/O thread waits for.
   */
  create(id: number, local = false): void {
    this.writing.set(id, {
      written: 0,
      handedOver: false,
      closed: false,
      failed: false,
      local: local ? [] : undefined,
    });
    if (!local) this.announce(id);
  }

  private announce(id: number): void {
    this.end.begin(Op.OutNew).u32(id);
    this.end.post(Post.Quiet);
  }

  /** Hands a body kept on this thread to the I/O thread: what was written, and its finish. */
  share(id: number): void {
    const body = this.writing.get(id);
    const local = body?.local;
    if (!body || !local) return;
    body.local = undefined;
    this.announce(id);
    if (body.written > 0) {
      // Everything written went here (a body kept here never outgrows localMax): one write, the pieces copied in.
      const message = this.end.begin(Op.OutWrite, 8 + body.written).u32(id);
      let at = message.reserve(body.written);
      for (const piece of local) {
        message.buf.set(piece, at);
        at += piece.length;
      }
      this.end.post();
    }
    if (body.closed) this.sendFinish(id, undefined);
  }

  /** The bytes of a finished body kept on this thread, to go with its response; it is the response's from now on. */
  takeWhole(id: number): Buffer | undefined {
    const body = this.writing.get(id);
    const local = body?.local;
    if (!body?.closed || !local) return undefined;
    body.local = undefined;
    return local.length === 1 && local[0] ? local[0] : Buffer.concat(local);
  }

  /** The body, if a write may go to it now. */
  writable(id: number): Writing | undefined {
    if (this.end.failures !== this.failuresSeen) {
      this.failuresSeen = this.end.failures;
      this.end.begin(Op.Failed);
      const r = this.call();
      for (let n = r.readU32(); n > 0; n--) {
        const failed = this.writing.get(r.readU32());
        if (failed) failed.failed = true;
      }
    }
    const body = this.writing.get(id);
    return body && !body.failed && !body.closed ? body : undefined;
  }

  /**
   * Writes `total` bytes produced by `fill(into, at, offset, n)` in pieces;
   * returns how many were taken before the body refused more, or `total`.
   */
  write(
    id: number,
    total: number,
    fill: (into: Buffer, at: number, offset: number, n: number) => void,
  ): number {
    const body = this.writable(id);
    return body ? this.writeTo(id, body, total, fill) : 0;
  }

  /**
   * {@link write} to a body {@link writable} already gave: no call is made
   * first, so bytes `fill` copies from the reply area are still there.
   */
  writeTo(
    id: number,
    body: Writing,
    total: number,
    fill: (into: Buffer, at: number, offset: number, n: number) => void,
  ): number {
    if (body.local) {
      if (body.written + total <= this.localMax) {
        const bytes = Buffer.allocUnsafe(total);
        fill(bytes, 0, 0, total);
        body.local.push(bytes);
        body.written += total;
        return total;
      }
      this.share(id);
    }
    let done = 0;
    do {
      const n = Math.min(total - done, PIECE);
      const message = this.end.begin(Op.OutWrite, 8 + n).u32(id);
      fill(message.buf, message.reserve(n), done, n);
      this.end.post();
      body.written += n;
      // The I/O thread refuses this piece too, and fails the body, so a later send fails.
      if (!body.handedOver && body.written > this.bufferLimit) body.failed = true;
      if (body.failed) return done;
      done += n;
    } while (done < total);
    return done;
  }

  finish(id: number, trailers: readonly FieldEntry[] | undefined): void {
    const body = this.writing.get(id);
    // A whole response carries no trailers: a body finished with them goes the streaming way.
    if (body?.local && trailers !== undefined) this.share(id);
    if (body) body.closed = true;
    if (!body?.local) this.sendFinish(id, trailers);
  }

  private sendFinish(id: number, trailers: readonly FieldEntry[] | undefined): void {
    this.end
      .begin(Op.OutFinish, 4 + Codec.entriesSize(trailers))
      .u32(id)
      .entries(trailers);
    this.end.post();
  }

  /** The stream is dropped, which finishes the body; one kept on this thread stays, for its response. */
  drop(id: number): void {
    const body = this.writing.get(id);
    if (body?.local) {
      body.closed = true;
      return;
    }
    this.writing.delete(id);
    this.end.begin(Op.OutDrop).u32(id);
    this.end.post();
  }

  /** Whether the body is kept on this thread: it can always take a write. */
  isLocal(id: number): boolean {
    return this.writing.get(id)?.local !== undefined;
  }

  /** Bytes written to the body so far. */
  written(id: number): number {
    return this.writing.get(id)?.written ?? 0;
  }

  /** Whether the body is finished. */
  finished(id: number): boolean {
    return this.writing.get(id)?.closed === true;
  }

  /** The body's request or response went to the host: from now on it streams, unbounded by the buffer limit. */
  handOver(id: number): void {
    const body = this.writing.get(id);
    if (body) body.handedOver = true;
  }

  /** A served call ended: the bodies it wrote are the I/O thread's to end. */
  clear(): void {
    if (this.writing.size > 0) this.writing.clear();
  }
}
