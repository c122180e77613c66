import type { Release } from '../../bridge/held.js';
import type { FieldEntry } from '../fields.js';
import { Signal, until } from './signal.js';

/** Smaller writes are copied: cheaper than keeping their ring space until the socket has sent them. */
const LEND_MIN = 16 * 1024;
/** Bytes queued for the network before a writer has to wait. */
const HIGH_WATER = 1024 * 1024;

/** Why a write was refused; the guest sees the stream's error value. */
export class BodyWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BodyWriteError';
  }
}

/** A piece of the body; `release` is set when its bytes are lent from the guest's ring, not copied. */
export interface Chunk {
  readonly bytes: Buffer;
  readonly release?: Release;
}

/**
 * A body the guest writes (a request it sends, or a response it serves).
 * Until it is handed over, writes are buffered up to `limit` bytes (guests
 * of the v1 era write the whole body before `handle`); after, a
 * writer waits while more than HIGH_WATER bytes are queued.
 */
export class OutgoingBody {
  private chunks: Chunk[] = [];
  /** The consumer gives each lent chunk back once the network has sent it. */
  private lending = false;
  private queued = 0;
  private state: 'open' | 'ended' | 'failed' = 'open';
  private error: Error | undefined;
  private trailerList: FieldEntry[] | undefined;
  /** Bytes written so far. */
  written = 0;
  /** Writes made since the body's message was handed over (`handle`, `set-response-outparam`). */
  writesAfterHandover: number | undefined;
  readonly changed = new Signal();

  constructor(private readonly limit: number) {}

  get open(): boolean {
    return this.state === 'open';
  }

  get failed(): boolean {
    return this.state === 'failed';
  }

  get ended(): boolean {
    return this.state === 'ended';
  }

  /** Why the body failed, once it has. */
  get failure(): Error | undefined {
    return this.state === 'failed' ? this.error : undefined;
  }

  get trailers(): FieldEntry[] | undefined {
    return this.trailerList;
  }

  /** Whether a write now would be taken without waiting (or fail at once): pollable readiness. */
  get writable(): boolean {
    if (this.state !== 'open') return true;
    return this.writesAfterHandover === undefined ? this.queued < this.limit : this.queued < HIGH_WATER;
  }

  /** Marks the moment the message this body belongs to was handed to the host. */
  handOver(): void {
    this.writesAfterHandover ??= 0;
  }

  /** The consumer will release every chunk it drains: writes may lend their bytes from now on. */
  lend(): void {
    this.lending = true;
  }

  /**
   * Takes `data`: a copy, or, once the consumer lends and if it is large,
   * the bytes themselves with `borrow()`'s release. Before the body is handed over, it is buffered
   * up to `limit` (past it the body fails); after, a promise is returned while
   * more than HIGH_WATER bytes wait for the network, so the writer waits too.
   */
  write(data: Uint8Array, borrow?: () => Release): Promise<void> | undefined {
    if (this.state === 'failed') throw this.error ?? new BodyWriteError('stream failed');
    if (this.state === 'ended') throw new BodyWriteError('stream already finished');
    const before = this.writesAfterHandover === undefined;
    if (before && this.queued + data.length > this.limit) {
      this.fail(
        new BodyWriteError(`body exceeds the ${this.limit}-byte buffer for data written before it is sent`),
      );
      throw this.error as Error;
    }
    if (data.length === 0) return undefined;
    if (this.lending && borrow && data.length >= LEND_MIN) {
      this.chunks.push({ bytes: Buffer.from(data.buffer, data.byteOffset, data.length), release: borrow() });
    } else {
      const copy = Buffer.allocUnsafe(data.length);
      copy.set(data);
      this.chunks.push({ bytes: copy });
    }
    this.queued += data.length;
    this.written += data.length;
    if (!before) this.writesAfterHandover = (this.writesAfterHandover ?? 0) + 1;
    this.changed.notify();
    if (before || this.queued < HIGH_WATER) return undefined;
    return until(this.changed, () => this.queued < HIGH_WATER || this.failed).then(() => {
      if (this.failed) throw this.error as Error;
    });
  }

  /** Ends the body, with trailers if given (`finish-outgoing-stream`, or the stream dropped). */
  end(trailers?: FieldEntry[]): void {
    if (this.state !== 'open') return;
    this.state = 'ended';
    this.trailerList = trailers;
    this.changed.notify();
  }

  /** Called once when the body fails, for whoever must tell the writer. */
  onFail: (() => void) | undefined;

  /** The consumer failed (socket closed, limit exceeded): later writes get the error. */
  fail(error: Error): void {
    if (this.state === 'failed') return;
    this.state = 'failed';
    this.error = error;
    this.takeChunks().forEach((c) => c.release?.());
    this.changed.notify();
    this.onFail?.();
  }

  /** The chunks written and not yet drained, taken out. */
  takeChunks(): Chunk[] {
    const chunks = this.chunks;
    this.chunks = [];
    this.queued = 0;
    this.changed.notify();
    return chunks;
  }

  /** Everything written so far when the body has ended: sent with a content-length. */
  takeAll(): Buffer {
    const chunks = this.takeChunks();
    const all = Buffer.concat(chunks.map((c) => c.bytes));
    chunks.forEach((c) => c.release?.());
    return all;
  }

  /** The consumer's side: every chunk as it is written, until the body ends. */
  async *drain(): AsyncGenerator<Chunk> {
    for (;;) {
      const chunk = this.chunks.shift();
      if (chunk) {
        this.queued -= chunk.bytes.length;
        this.changed.notify();
        yield chunk;
        continue;
      }
      if (this.state === 'ended') return;
      if (this.state === 'failed') throw this.error as Error;
      await this.changed.wait();
    }
  }
}
