/**
 * The shared memory of one guest instance's channel (see RATIONALE.md,
 * "Threads and blocking"):
 *
 *   control words │ reply area │ ring
 *
 * The guest thread appends messages to the ring — one-way operations it does
 * not wait for, and calls it waits for — and the I/O thread consumes them in
 * order. A call's answer comes back in the reply area. Ring positions are
 * 32-bit counters that wrap; the ring's size is a power of two.
 */

/**
 * Slots in a serving instance's inbox, and room for a request head in each
 * (a bigger one is handed over the usual way). As many as the connections a
 * load generator commonly keeps busy: a guest that finds its inbox empty
 * while requests wait in the pool's queue sleeps, and is woken, for nothing.
 */
export const INBOX_SLOTS = 32;
export const SLOT_BYTES = 16 * 1024;
export const INBOX_BYTES = INBOX_SLOTS * SLOT_BYTES;
/** The control word of the inbox's first slot. */
const INBOX_WORD = 7;

/**
 * Two prefetch slots: while the guest thread reads what one brought, the
 * I/O thread fills the other with what the body brings next (see
 * `bridge/prefetch.ts`). Each: status, end, length, then up to 1 MiB.
 */
export const PREFETCH_SLOTS = 2;
export const PREFETCH_HEADER = 16;
export const PREFETCH_SLOT_BYTES = PREFETCH_HEADER + 1024 * 1024;

export const Ctl = {
  /** Ring write position; the guest advances it, the I/O thread waits on it. */
  Tail: 0,
  /** Ring read position; the I/O thread advances it, a guest waiting for room waits on it. */
  Head: 1,
  /** 1 while an answer waits in the reply area. */
  Reply: 2,
  /** 1 while the I/O thread sleeps, so the guest knows to wake it. */
  IoSleeping: 3,
  /** 1 while the guest sleeps for ring room, so the I/O thread knows to wake it. */
  GuestSleeping: 4,
  /** Bumped by the I/O thread whenever a body the guest writes fails. */
  Failures: 5,
  /** 1 while the guest sleeps for an answer, so the I/O thread knows to wake it. */
  GuestAwaiting: 6,
  /** The first of the inbox's {@link INBOX_SLOTS} slot states: {@link Inbox}. */
  Inbox: INBOX_WORD,
  /** The first of {@link PREFETCH_SLOTS} words: the token of each prefetch slot's latest fill. */
  Prefetched: INBOX_WORD + INBOX_SLOTS,
  /** 1 while the guest sleeps for a prefetch slot to be filled. */
  PrefetchAwaited: INBOX_WORD + INBOX_SLOTS + PREFETCH_SLOTS,
} as const;

/**
 * A serving instance's inbox holds its next requests, put there by the I/O
 * thread while the guest still handles the current one; the guest takes them
 * in order without waiting for the I/O thread. Each slot: Empty → Filled by the I/O thread;
 * Filled → Taking → Empty by the guest; Filled → Empty when the I/O thread
 * takes it back (to give it to an instance that became idle). Changes of
 * owner are compare-and-swaps, so a request is taken exactly once.
 */
export const Inbox = { Empty: 0, Filled: 1, Taking: 2 } as const;

const CONTROL_BYTES = 256;
/** The largest answer: a 1 MiB read plus its header, with room to spare. */
const REPLY_BYTES = 1024 * 1024 + 64 * 1024;
/** Room for a few 1 MiB writes in flight: the bound on what a guest can queue. */
export const RING_BYTES = 4 * 1024 * 1024;
/** A message's header: length (padded to 8), operation, flags. */
export const MESSAGE_HEADER = 12;
/** Written where a message would not fit before the ring's end: continue at its start. */
export const WRAP = 0xffffffff;
/** Flag of a message whose sender waits for an answer. */
export const CALL = 1;
/** Flag of a one-way message that lets go of something: no sign of when the guest's next call comes. */
export const DROP = 2;

const REPLY_OFFSET = CONTROL_BYTES;
export const INBOX_OFFSET = REPLY_OFFSET + REPLY_BYTES;
const RING_OFFSET = INBOX_OFFSET + INBOX_BYTES;
export const PREFETCH_OFFSET = RING_OFFSET + RING_BYTES;

export function createChannelBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(PREFETCH_OFFSET + PREFETCH_SLOTS * PREFETCH_SLOT_BYTES);
}

/** The control words of a channel ({@link Ctl}). */
export const controlWords = (sab: SharedArrayBuffer): Int32Array => new Int32Array(sab, 0, CONTROL_BYTES / 4);

/** The ring and the reply area of a channel, as buffers. */
export const ringArea = (sab: SharedArrayBuffer): Buffer => Buffer.from(sab, RING_OFFSET, RING_BYTES);
export const replyArea = (sab: SharedArrayBuffer): Buffer => Buffer.from(sab, REPLY_OFFSET, REPLY_BYTES);

/** The prefetch slots of a channel, as buffers. */
export const prefetchSlots = (sab: SharedArrayBuffer): Buffer[] =>
  Array.from({ length: PREFETCH_SLOTS }, (_, k) =>
    Buffer.from(sab, PREFETCH_OFFSET + k * PREFETCH_SLOT_BYTES, PREFETCH_SLOT_BYTES),
  );

export const align8 = (n: number): number => (n + 7) & ~7;

/** Status word that starts every answer. */
export const Answer = { Ok: 0, Failed: 1 } as const;
