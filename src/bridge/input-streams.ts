import type { FieldEntry } from '../engine/fields.js';
import { READ_CAP, capRead } from '../engine/io/incoming-body.js';
import type { Codec } from './codec.js';
import { Post, type GuestEnd } from './guest-end.js';
import { LocalBodies, REPLY_AREA, type Taken } from './local-bodies.js';
import { Op, Status } from './ops.js';
import { Prefetcher } from './prefetch.js';

/** A read's answer; `bytes` view shared memory, valid until the next host call. */
export type ReadResult = Taken;

/**
 * The guest thread's side of input streams. A read of `n` bytes gets
 * min(n, 1 MiB) bytes, or the rest of the body when it ends sooner, never
 * fewer — wherever the bytes come from: held on this thread (a whole small
 * body, or what an earlier read brought beyond its size), a prefetch slot
 * the I/O thread filled meanwhile, or a call. `undefined` means the WIT
 * `stream-error`.
 */
export class InputStreams {
  /** Body bytes already on this thread. */
  readonly local = new LocalBodies();
  private readonly prefetch: Prefetcher;

  /** `call` sends the message begun on `end` and waits for its answer. */
  constructor(
    private readonly end: GuestEnd,
    private readonly call: () => Codec,
  ) {
    this.prefetch = new Prefetcher(end);
  }

  read(id: number, max: number): ReadResult | undefined {
    const want = Math.min(max, READ_CAP);
    const local = this.local.read(id, want);
    if (local) return local;
    if (want > 0 && this.prefetch.stepFor(id) === want) {
      const prefix = this.local.takeRest(id);
      const fill = this.prefetch.take();
      if (!fill.ok) return prefix && { bytes: prefix.bytes, end: false };
      return this.serve(id, want, prefix, fill.bytes, fill.end, fill.slot);
    }
    if (this.settle()) {
      const held = this.local.read(id, want);
      if (held) return held;
    }
    const prefix = this.local.takeRest(id);
    this.end
      .begin(Op.InRead)
      .u32(id)
      .u32(want - (prefix?.bytes.length ?? 0))
      .u32(want);
    const r = this.call();
    if (r.readU32() !== Status.Ok) return prefix && { bytes: prefix.bytes, end: false };
    const bytes = r.readBytes();
    return this.serve(id, want, prefix, bytes, r.readU32() === 1, REPLY_AREA);
  }

  /**
   * Answers a read of `want` from `prefix` (bytes held) and `bytes` (viewed
   * in `area`); the rest is held. Unless the body has ended, the next fill
   * is asked for now, to arrive while the guest works on these.
   */
  private serve(
    id: number,
    want: number,
    prefix: Taken | undefined,
    bytes: Uint8Array,
    end: boolean,
    area: number,
  ): ReadResult {
    const first = Math.min(want - (prefix?.bytes.length ?? 0), bytes.length);
    if (!end && want > 0) {
      // The slot to fill is never `area`: slots alternate. Whatever else views it is copied out.
      this.local.detach(this.prefetch.slotToFill);
      this.prefetch.request(id, want);
    }
    if (bytes.length > first) this.local.keep(id, bytes.subarray(first), end, area);
    const head = bytes.subarray(0, first);
    return {
      bytes: prefix ? Buffer.concat([prefix.bytes, head]) : head,
      end: end && bytes.length === first,
    };
  }

  /** Stops the fill in flight; whatever it brought is held on this thread. True when it brought something. */
  settle(): boolean {
    const stopped = this.prefetch.stop(this.call);
    if (!stopped?.ok) return false;
    this.local.append(stopped.id, stopped.bytes, stopped.end);
    return true;
  }

  skip(id: number, max: bigint): { count: bigint; end: boolean } | undefined {
    this.settle();
    const local = this.local.read(id, max);
    if (local) return { count: BigInt(local.bytes.length), end: local.end };
    const held = BigInt(this.local.discardRest(id));
    this.end
      .begin(Op.InSkip)
      .u32(id)
      .u64(BigInt(capRead(max)) - held);
    const r = this.call();
    if (r.readU32() !== Status.Ok) return undefined;
    const end = r.readU32() === 1;
    return { count: r.readU64() + held, end };
  }

  /** The body's trailers once it has ended; undefined when it had none or failed. */
  finish(id: number): FieldEntry[] | undefined {
    const local = this.local.finish(id);
    if (local) return local.trailers;
    this.prefetch.forget(id);
    this.end.begin(Op.InFinish).u32(id);
    const r = this.call();
    r.readU32();
    return r.readEntries();
  }

  drop(id: number): void {
    this.local.drop(id);
    this.prefetch.forget(id);
    this.end.begin(Op.InDrop).u32(id);
    this.end.post(Post.Drop);
  }

  /** Whether a poll of the body is answered on this thread: it holds bytes of it, or has its end. */
  ready(id: number): boolean {
    return this.local.ready(id) || this.prefetch.filled(id);
  }

  /** A new call begins: the I/O thread has forgotten the last one's bodies. */
  clear(): void {
    this.local.clear();
    this.prefetch.forget();
  }
}
