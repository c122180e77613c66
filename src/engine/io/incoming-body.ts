import type { FieldEntry } from '../fields.js';
import { Signal, until } from './signal.js';

/** The largest amount one read, skip or splice moves; reads wait for this much or the end. */
export const READ_CAP = 1024 * 1024;
/** A length the guest asked for, capped at {@link READ_CAP}. */
export const capRead = (max: bigint | number): number =>
  typeof max === 'number' ? Math.min(max, READ_CAP) : max > BigInt(READ_CAP) ? READ_CAP : Number(max);

/** The producer is paused once this much is buffered, and resumed below half of it. */
const HIGH_WATER = 2 * READ_CAP;

/** Whoever feeds the body: told to resume after a pause, or to stop for good. */
export interface BodySource {
  resume(): void;
  abort(reason: Error): void;
}

/**
 * A body arriving from the network (a response, or a request being served),
 * read by the guest. Bounded: the source is paused past HIGH_WATER, so a
 * 1 GiB body never holds more than a few MiB.
 */
export class IncomingBody {
  private chunks: Buffer[] = [];
  private offset = 0;
  private buffered = 0;
  private paused = false;
  private ended = false;
  private dropped = false;
  private error: Error | undefined;
  private trailers: FieldEntry[] | undefined;
  readonly changed = new Signal();
  source: BodySource | undefined;

  /** Producer: adds a chunk; false means "pause until resumed". */
  push(chunk: Buffer): boolean {
    if (this.dropped || this.ended) return true;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.changed.notify();
    this.paused = this.buffered >= HIGH_WATER;
    return !this.paused;
  }

  end(trailers?: FieldEntry[]): void {
    if (this.ended || this.error) return;
    this.ended = true;
    this.trailers = trailers && trailers.length > 0 ? trailers : undefined;
    this.changed.notify();
  }

  fail(error: Error): void {
    if (this.ended || this.error) return;
    this.error = error;
    this.changed.notify();
  }

  /** Bytes buffered and not yet read. */
  get available(): number {
    return this.buffered;
  }

  /** Something to read, or nothing more will come. */
  get readable(): boolean {
    return this.buffered > 0 || this.ended || this.error !== undefined;
  }

  /** All of the body has been read. */
  get exhausted(): boolean {
    return this.ended && this.buffered === 0;
  }

  get failure(): Error | undefined {
    return this.buffered === 0 ? this.error : undefined;
  }

  /** Waits until `want` bytes are buffered or the body has ended or failed. */
  async waitFor(want: number): Promise<void> {
    const n = Math.min(want, READ_CAP);
    await until(this.changed, () => this.buffered >= n || this.ended || this.error !== undefined);
  }

  /** Moves up to `max` buffered bytes to `into` (or drops them when `into` is absent); returns the count. */
  take(max: number, into?: (chunk: Buffer) => void): number {
    let moved = 0;
    while (moved < max && this.chunks.length > 0) {
      const head = this.chunks[0] as Buffer;
      const n = Math.min(head.length - this.offset, max - moved);
      into?.(head.subarray(this.offset, this.offset + n));
      moved += n;
      this.offset += n;
      if (this.offset === head.length) {
        this.chunks.shift();
        this.offset = 0;
      }
    }
    this.buffered -= moved;
    if (this.paused && this.buffered < HIGH_WATER / 2) {
      this.paused = false;
      this.source?.resume();
    }
    return moved;
  }

  /**
   * Copies into `buf` at `at` what a read of `max` bytes takes — at most
   * `max`, and no more than is buffered — plus what else is buffered in whole
   * reads of `step` bytes (everything, once the body has arrived), up to
   * 1 MiB in all. Returns the count.
   */
  takeInto(buf: Uint8Array, at: number, max: number, step: number): number {
    const available = Math.min(this.buffered, READ_CAP);
    const extra = Math.max(0, available - max);
    const ahead = step <= 0 ? 0 : this.ended ? extra : extra - (extra % step);
    const n = Math.min(max, available) + ahead;
    let to = at;
    this.take(n, (chunk) => {
      buf.set(chunk, to);
      to += chunk.length;
    });
    return n;
  }

  /**
   * The whole body, when all of it has arrived and is at most `max` bytes:
   * taken out into `buf` at `at`; its length and trailers.
   */
  takeWholeInto(
    buf: Uint8Array,
    at: number,
    max: number,
  ): { length: number; trailers: FieldEntry[] | undefined } | undefined {
    if (!this.ended || this.error || this.dropped || this.buffered > max) return undefined;
    return { length: this.takeInto(buf, at, max, 0), trailers: this.trailers };
  }

  /** Discards the rest of the body, waits for its end and returns its trailers. */
  async finish(): Promise<FieldEntry[] | undefined> {
    for (;;) {
      this.take(Infinity);
      if (this.ended) return this.trailers;
      if (this.error) throw this.error;
      await this.changed.wait();
    }
  }

  /** The guest let go: stop the source unless everything has already arrived. */
  drop(): void {
    if (this.dropped) return;
    this.dropped = true;
    this.chunks = [];
    this.buffered = 0;
    if (!this.ended && !this.error) this.source?.abort(new Error('body dropped by the guest'));
    this.changed.notify();
  }
}
