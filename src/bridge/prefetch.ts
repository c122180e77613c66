import type { Codec } from './codec.js';
import type { GuestEnd } from './guest-end.js';
import { Ctl, PREFETCH_HEADER, PREFETCH_SLOTS, controlWords, prefetchSlots } from './layout.js';
import { Op, Status } from './ops.js';
import { SpinBudget, waitUntil } from './spin.js';

/** What a fill brought: `bytes` view its slot until the slot is asked to fill again. */
export interface Fill {
  readonly ok: boolean;
  readonly bytes: Uint8Array;
  readonly end: boolean;
  readonly slot: number;
}

interface Flight {
  readonly id: number;
  readonly step: number;
  readonly slot: number;
  readonly token: number;
}

/**
 * The guest thread's side of the prefetch slots. A guest reading a body in
 * reads of one size asks, as it starts on what one read brought, for the
 * next fill; the I/O thread makes it as the bytes arrive, while the guest
 * works. The next read then finds its bytes in shared memory instead of
 * waiting for a call. Slots alternate, so the one being filled is never the
 * one being read. One fill is in flight at a time; a token per request
 * tells a fill from an older one.
 */
export class Prefetcher {
  private readonly ctl: Int32Array;
  private readonly slots: Buffer[];
  private flight: Flight | undefined;
  private nextSlot = 0;
  private token = 0;
  private readonly spin: SpinBudget;

  constructor(private readonly end: GuestEnd) {
    this.ctl = controlWords(end.sab);
    this.slots = prefetchSlots(end.sab);
    this.spin = new SpinBudget(0, end.maxSpinUs);
  }

  /** The slot the next request fills: whatever is viewed there must be copied out first. */
  get slotToFill(): number {
    return this.nextSlot;
  }

  /** The read size of the fill in flight for body `id`, if there is one. */
  stepFor(id: number): number | undefined {
    return this.flight?.id === id ? this.flight.step : undefined;
  }

  /** Whether the fill for body `id` has happened: a poll finds the body ready. */
  filled(id: number): boolean {
    const f = this.flight;
    return f?.id === id && Atomics.load(this.ctl, Ctl.Prefetched + f.slot) === f.token;
  }

  /** Asks for the next fill of body `id`, as a read of `step` bytes would get it. */
  request(id: number, step: number): void {
    const slot = this.nextSlot;
    this.nextSlot = (slot + 1) % PREFETCH_SLOTS;
    this.token = (this.token % 0x7fffffff) + 1;
    this.flight = { id, step, slot, token: this.token };
    this.end.begin(Op.InPrefetch).u32(id).u32(step).u32(slot).u32(this.token);
    this.end.post();
  }

  /** Waits for the fill in flight and takes it. */
  take(): Fill {
    const f = this.flight as Flight;
    this.flight = undefined;
    waitUntil(this.ctl, Ctl.Prefetched + f.slot, f.token, Ctl.PrefetchAwaited, this.spin);
    return this.decode(f.slot);
  }

  /**
   * Stops the fill in flight (`call` sends the message begun and waits):
   * what it had already taken from the body, if anything, is returned.
   */
  stop(call: () => Codec): (Fill & { id: number }) | undefined {
    const f = this.flight;
    if (!f) return undefined;
    this.flight = undefined;
    this.end.begin(Op.InPrefetchStop).u32(f.slot);
    call();
    if (Atomics.load(this.ctl, Ctl.Prefetched + f.slot) !== f.token) return undefined;
    return { ...this.decode(f.slot), id: f.id };
  }

  /** The I/O thread forgets fills of a dropped body, and all at the end of a call. */
  forget(id?: number): void {
    if (id === undefined || this.flight?.id === id) this.flight = undefined;
  }

  private decode(slot: number): Fill {
    const buf = this.slots[slot] as Buffer;
    if (buf.readUInt32LE(0) !== Status.Ok) return { ok: false, bytes: buf.subarray(0, 0), end: false, slot };
    const n = buf.readUInt32LE(8);
    return {
      ok: true,
      bytes: buf.subarray(PREFETCH_HEADER, PREFETCH_HEADER + n),
      end: buf.readUInt32LE(4) === 1,
      slot,
    };
  }
}
