import { Codec } from './codec.js';
import { Ctl, INBOX_OFFSET, INBOX_SLOTS, Inbox, SLOT_BYTES, controlWords } from './layout.js';

const slots = (sab: SharedArrayBuffer): Codec[] =>
  Array.from(
    { length: INBOX_SLOTS },
    (_, k) => new Codec(Buffer.from(sab, INBOX_OFFSET + k * SLOT_BYTES, SLOT_BYTES)),
  );

/**
 * The I/O thread's side of a serving instance's inbox (see {@link Inbox}):
 * fills slots in order, and takes back the most recently filled one (its
 * caller, which knows which slots hold what, names it).
 */
export class InboxWriter {
  private readonly ctl: Int32Array;
  private readonly slots: Codec[];
  private nextSlot = 0;

  constructor(sab: SharedArrayBuffer) {
    this.ctl = controlWords(sab);
    this.slots = slots(sab);
  }

  /** Puts a message in the next slot if it is free and the message fits; the slot, or -1 when it did not. */
  put(encode: (c: Codec) => void): number {
    const slot = this.nextSlot;
    if (Atomics.load(this.ctl, Ctl.Inbox + slot) !== Inbox.Empty) return -1;
    try {
      encode((this.slots[slot] as Codec).at(0));
    } catch (err) {
      if (err instanceof RangeError) return -1;
      throw err;
    }
    Atomics.store(this.ctl, Ctl.Inbox + slot, Inbox.Filled);
    this.nextSlot = (slot + 1) % INBOX_SLOTS;
    return slot;
  }

  /** Whether the message put in `slot` is still there (the guest has not taken it). */
  waiting(slot: number): boolean {
    return Atomics.load(this.ctl, Ctl.Inbox + slot) === Inbox.Filled;
  }

  /** Takes back the message in `slot`, the newest one put, unless the guest already took it; true when it did. */
  revoke(slot: number): boolean {
    if (Atomics.compareExchange(this.ctl, Ctl.Inbox + slot, Inbox.Filled, Inbox.Empty) !== Inbox.Filled)
      return false;
    this.nextSlot = slot;
    return true;
  }
}

/** The guest thread's side of its inbox: takes the messages in the order they were put. */
export class InboxReader {
  private readonly ctl: Int32Array;
  private readonly slots: Codec[];
  private nextSlot = 0;

  constructor(sab: SharedArrayBuffer) {
    this.ctl = controlWords(sab);
    this.slots = slots(sab);
  }

  /** Decodes and removes the next message, if there is one. */
  take<T>(decode: (c: Codec) => T): T | undefined {
    const slot = this.nextSlot;
    const state = Atomics.compareExchange(this.ctl, Ctl.Inbox + slot, Inbox.Filled, Inbox.Taking);
    if (state !== Inbox.Filled) return undefined;
    try {
      return decode((this.slots[slot] as Codec).at(0));
    } finally {
      this.nextSlot = (slot + 1) % INBOX_SLOTS;
      Atomics.store(this.ctl, Ctl.Inbox + slot, Inbox.Empty);
    }
  }
}
