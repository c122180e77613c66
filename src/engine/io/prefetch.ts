import { Ctl, PREFETCH_HEADER, PREFETCH_SLOTS, controlWords, prefetchSlots } from '../../bridge/layout.js';
import { Status } from '../../bridge/ops.js';
import type { IncomingBody } from './incoming-body.js';

interface Request {
  readonly body: IncomingBody;
  readonly token: number;
}

/**
 * The I/O thread's side of the prefetch slots (see `bridge/prefetch.ts`):
 * a request names a body, a read size and a slot; once the body has that
 * much (or has ended or failed), the slot gets what a read would have got,
 * and its token word tells the guest thread. Nothing waits in the ring
 * meanwhile, so the guest's writes keep flowing.
 */
export class PrefetchSlots {
  private readonly ctl: Int32Array;
  private readonly slots: Buffer[];
  private readonly requests: (Request | undefined)[] = new Array<Request | undefined>(PREFETCH_SLOTS);
  /** Bodies whose latest fill the guest has not followed with a new request: it holds bytes to read. */
  private readonly unread = new Set<IncomingBody>();
  /** The body each slot was last filled for. */
  private readonly filled: (IncomingBody | undefined)[] = new Array<IncomingBody | undefined>(PREFETCH_SLOTS);

  constructor(sab: SharedArrayBuffer) {
    this.ctl = controlWords(sab);
    this.slots = prefetchSlots(sab);
  }

  request(body: IncomingBody, step: number, slot: number, token: number): void {
    if (slot < 0 || slot >= PREFETCH_SLOTS) throw new Error(`no prefetch slot ${slot}`);
    this.unread.delete(body);
    this.filled[slot] = undefined;
    const request = { body, token };
    this.requests[slot] = request;
    void body.waitFor(step).then(() => {
      if (this.requests[slot] !== request) return;
      this.requests[slot] = undefined;
      this.fill(slot, request, step);
    });
  }

  /**
   * The slot's fill will not happen, unless it already has; either way the
   * guest takes what it brought, and its own readiness covers those bytes.
   */
  stop(slot: number): void {
    this.requests[slot] = undefined;
    const body = this.filled[slot];
    this.filled[slot] = undefined;
    if (body) this.unread.delete(body);
  }

  /** The body is gone, or its call is over: no fill for it any more. */
  forget(body?: IncomingBody): void {
    for (let k = 0; k < PREFETCH_SLOTS; k++) {
      if (!body || this.requests[k]?.body === body) this.requests[k] = undefined;
    }
    if (body) this.unread.delete(body);
    // Clearing makes a new table, even for an empty set: this runs once a request.
    else if (this.unread.size > 0) this.unread.clear();
  }

  /** Whether the guest thread holds bytes of the body that it has not read: a poll finds it ready. */
  holds(body: IncomingBody): boolean {
    return this.unread.has(body);
  }

  private fill(slot: number, { body, token }: Request, step: number): void {
    const buf = this.slots[slot] as Buffer;
    if (body.failure) {
      buf.writeUInt32LE(Status.StreamError, 0);
    } else {
      const n = body.takeInto(buf, PREFETCH_HEADER, step, step);
      buf.writeUInt32LE(Status.Ok, 0);
      buf.writeUInt32LE(body.exhausted ? 1 : 0, 4);
      buf.writeUInt32LE(n, 8);
      this.unread.add(body);
      this.filled[slot] = body;
    }
    Atomics.store(this.ctl, Ctl.Prefetched + slot, token);
    if (Atomics.load(this.ctl, Ctl.PrefetchAwaited) === 1) Atomics.notify(this.ctl, Ctl.Prefetched + slot);
  }
}
