import { Codec } from './codec.js';
import { SpinBudget, waitUntil } from './spin.js';
import {
  Answer,
  CALL,
  DROP,
  Ctl,
  MESSAGE_HEADER,
  RING_BYTES,
  WRAP,
  align8,
  controlWords,
  replyArea,
  ringArea,
} from './layout.js';

/** How a one-way message is sent: waking a sleeping I/O thread, quietly, or quietly as a drop. */
export const Post = { Wake: 0, Quiet: 1, Drop: 2 } as const;
export type Post = (typeof Post)[keyof typeof Post];

/** Bounds of the guest's spin while it waits for an answer, in µs. */
const SPIN_MIN_US = 0;
const GUEST_SPIN_MAX_US = 100;

/**
 * The guest thread's end of the channel. One-way messages are appended to
 * the ring and the guest goes on at once; a call is appended, then the guest
 * spins briefly and sleeps until the answer is in the reply area. It only
 * ever waits for room in the ring, or for an answer.
 */
export class GuestEnd {
  private readonly ctl: Int32Array;
  private readonly ring: Codec;
  private readonly answer: Codec;
  /** Per-operation spin budgets: reading a body and waiting for a response differ. */
  private readonly spin = new Map<number, SpinBudget>();
  private op = -1;
  private start = 0;
  private tail = 0;
  /** Quiet messages were published since the I/O thread was last woken. */
  private unannounced = false;

  /** `maxSpinUs` bounds the spin before sleeping; 0 never spins (for measuring what waking costs). */
  constructor(
    readonly sab: SharedArrayBuffer,
    readonly maxSpinUs = GUEST_SPIN_MAX_US,
  ) {
    this.ctl = controlWords(sab);
    this.ring = new Codec(ringArea(sab));
    this.answer = new Codec(replyArea(sab));
  }

  /** The counter the I/O thread bumps when a body this guest writes fails. */
  get failures(): number {
    return Atomics.load(this.ctl, Ctl.Failures);
  }

  /**
   * Starts a message of at most `room` bytes of arguments, waiting for that
   * much room in the ring; the returned codec is positioned for the arguments.
   */
  begin(op: number, room = 256): Codec {
    const need = align8(MESSAGE_HEADER + room);
    if (need > RING_BYTES / 2) throw new RangeError(`a message of ${room} bytes does not fit the channel`);
    let tail = Atomics.load(this.ctl, Ctl.Tail) >>> 0;
    const offset = tail % RING_BYTES;
    if (offset + need > RING_BYTES) {
      // Not enough before the end: mark the rest as skipped and start over at the beginning.
      this.waitForRoom(tail, RING_BYTES - offset);
      this.ring.buf.writeUInt32LE(WRAP, offset);
      tail = (tail + RING_BYTES - offset) >>> 0;
      this.publish(tail, true);
    }
    this.waitForRoom(tail, need);
    this.op = op;
    this.tail = tail;
    this.start = tail % RING_BYTES;
    return this.ring.at(this.start + MESSAGE_HEADER, this.start + need);
  }

  /**
   * Sends the message begun with {@link begin}; the guest does not wait for
   * it. A quiet message (creating a body, letting go of something) does not
   * wake a sleeping I/O thread: it is served with the next message that does,
   * or at {@link flush}. Waking costs both threads tens of microseconds, and a
   * guest that drops things is about to send something that matters. A drop
   * is marked as such: the I/O thread that just woke the guest keeps polling
   * for that next message rather than spin for it (see `io-wait.ts`).
   */
  post(how: Post = Post.Wake): void {
    this.finish(how === Post.Drop ? DROP : 0, how === Post.Wake);
  }

  /** Wakes the I/O thread for quiet messages still unserved: the guest is about to sleep or wait for room. */
  flush(): void {
    if (this.unannounced) this.publish(Atomics.load(this.ctl, Ctl.Tail) >>> 0, true);
  }

  /**
   * Sends the message begun with {@link begin} and blocks until its answer,
   * returned for decoding. `spin` false sleeps at once: for waits on the
   * outside world (the next request to serve), where spinning would only
   * take CPU from the I/O thread that is working to end the wait.
   */
  call(spin = true): Codec {
    const op = this.finish(CALL);
    const ctl = this.ctl;
    let budget = this.spin.get(op);
    if (!budget) this.spin.set(op, (budget = new SpinBudget(SPIN_MIN_US, spin ? this.maxSpinUs : 0)));
    waitUntil(ctl, Ctl.Reply, 1, Ctl.GuestAwaiting, budget);
    Atomics.store(ctl, Ctl.Reply, 0);
    const answer = this.answer.at(0);
    if (answer.readU32() === Answer.Failed) throw new Error(answer.readStr());
    return answer;
  }

  private finish(flags: number, wake = true): number {
    const op = this.op;
    if (op < 0) throw new Error('channel message sent without begin()');
    this.op = -1;
    const length = align8(this.ring.pos - this.start);
    const buf = this.ring.buf;
    buf.writeUInt32LE(length, this.start);
    buf.writeUInt32LE(op, this.start + 4);
    buf.writeUInt32LE(flags, this.start + 8);
    this.publish((this.tail + length) >>> 0, wake);
    return op;
  }

  private publish(tail: number, wake: boolean): void {
    Atomics.store(this.ctl, Ctl.Tail, tail | 0);
    this.unannounced = !wake;
    // The first message to find the I/O thread asleep wakes it; the rest find the flag cleared, not
    // another system call to make, while that wake-up is on its way.
    const ctl = this.ctl;
    if (wake && Atomics.load(ctl, Ctl.IoSleeping) === 1 && Atomics.exchange(ctl, Ctl.IoSleeping, 0) === 1)
      Atomics.notify(ctl, Ctl.Tail);
  }

  private waitForRoom(tail: number, need: number): void {
    const ctl = this.ctl;
    const free = (): number => RING_BYTES - ((tail - (Atomics.load(ctl, Ctl.Head) >>> 0)) >>> 0);
    let n = 0;
    while (free() < need) {
      if (n++ < 256) continue;
      this.flush();
      const head = Atomics.load(ctl, Ctl.Head);
      Atomics.store(ctl, Ctl.GuestSleeping, 1);
      if (free() < need) Atomics.wait(ctl, Ctl.Head, head, 100);
      Atomics.store(ctl, Ctl.GuestSleeping, 0);
    }
  }
}
