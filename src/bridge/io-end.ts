import { Codec } from './codec.js';
import { HeldSpace, type Release } from './held.js';
import { GuestWaker } from './waker.js';
import { IoWait } from './io-wait.js';
import {
  Answer,
  CALL,
  DROP,
  Ctl,
  MESSAGE_HEADER,
  RING_BYTES,
  WRAP,
  controlWords,
  replyArea,
  ringArea,
} from './layout.js';

/** Every end in use on this thread, for {@link pollChannels}: an array, walked at every request. */
const live: IoEnd[] = [];

/**
 * Serves every channel's pending messages now. A busy I/O thread calls this
 * as it handles network events (each request a server receives), so guests
 * are served at once rather than when their wake-up gets its turn.
 */
export function pollChannels(): void {
  // An end stopped meanwhile may be passed over: it has nothing left to serve.
  for (let i = 0; i < live.length; i++) live[i]?.poll();
}

/**
 * Writes an answer into the reply area. A `batched` one (the next request
 * for a serving guest) wakes a sleeping guest only once this turn of the
 * event loop is over (see `waker.ts`).
 */
export type Reply = ((reply: Codec) => void) & { readonly batched?: true };

/**
 * Serves one message: decode its arguments from `args` at once (the ring
 * space is reused as soon as this returns, unless `lend` was called: then
 * it is kept until the returned release is called), then answer. For a
 * one-way message the answer is ignored; a promise holds back the messages
 * behind it.
 */
export type OperationHandler = (op: number, args: Codec, lend: () => Release) => Reply | Promise<Reply>;

/** Messages handled in a row before the event loop gets a turn. */
const BATCH = 256;

/**
 * The I/O thread's end of the channel: consumes the ring in order without
 * ever blocking its event loop. It waits ({@link IoWait}) when the ring is
 * empty, and yields to the event loop every {@link BATCH} messages, so a
 * chatty guest cannot starve the sockets.
 */
export class IoEnd {
  private readonly ctl: Int32Array;
  private readonly ring: Codec;
  private readonly answer: Codec;
  private head = 0;
  private readonly held: HeldSpace;
  private readonly waker: GuestWaker;
  /** Where the message being served ends, and the release of its space if its handler lent it out. */
  private serving = 0;
  private lent: Release | undefined;
  private readonly lend = (): Release => (this.lent ??= this.held.hold(this.serving));
  private readonly waiting: IoWait;
  private readonly gone = (): boolean => this.stopped;
  private readonly next = (): void => {
    this.drain();
  };
  /**
   * The last answer had to wake the guest: it needs tens of microseconds to
   * run again, so what it sends next is polled for, not spun for, until a
   * message that is not a drop shows it running (the drops it posts on its
   * way are no sign that its next call is near).
   */
  private guestWoken = false;
  private stopped = false;
  private busy = false;
  /** A one-way message failed: the guest learns it at its next call. */
  private failure: string | undefined;

  /** `maxSpinUs` bounds the spin before sleeping; 0 never spins or polls (for measuring what waking costs). */
  constructor(
    sab: SharedArrayBuffer,
    private readonly handler: OperationHandler,
    maxSpinUs?: number,
  ) {
    this.ctl = controlWords(sab);
    this.waiting = new IoWait(this.ctl, maxSpinUs);
    this.ring = new Codec(ringArea(sab));
    this.answer = new Codec(replyArea(sab));
    this.waker = new GuestWaker(this.ctl);
    this.held = new HeldSpace((head) => {
      Atomics.store(this.ctl, Ctl.Head, head | 0);
      if (Atomics.load(this.ctl, Ctl.GuestSleeping) === 1) Atomics.notify(this.ctl, Ctl.Head);
    });
    live.push(this);
    this.drain();
  }

  stop(): void {
    this.stopped = true;
    const at = live.indexOf(this);
    if (at >= 0) live.splice(at, 1);
    Atomics.notify(this.ctl, Ctl.Tail);
  }

  /**
   * Serves everything the guest posted before it died (its thread is gone,
   * so nothing more comes): what it finished takes effect. Resolves when the
   * ring is empty, or after `timeoutMs` if an operation is still waiting.
   */
  settle(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.settled.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.poll();
      if (!this.busy && Atomics.load(this.ctl, Ctl.Tail) >>> 0 === this.head) this.emptied();
    });
  }

  private settled: (() => void)[] = [];

  private emptied(): void {
    for (const done of this.settled.splice(0)) done();
  }

  /** Serves what is in the ring now, without waiting for the wake-up to come through the event loop. */
  poll(): void {
    if (!this.busy && !this.stopped && Atomics.load(this.ctl, Ctl.Tail) >>> 0 !== this.head) this.drain();
  }

  /** Tells the guest that one of the bodies it writes has failed. */
  noteFailure(): void {
    Atomics.add(this.ctl, Ctl.Failures, 1);
  }

  private drain(): void {
    if (this.busy) return;
    for (let served = 0; !this.stopped; served++) {
      const tail = Atomics.load(this.ctl, Ctl.Tail) >>> 0;
      if (tail === this.head) {
        this.sleep(tail);
        return;
      }
      if (served === BATCH) {
        setImmediate(() => {
          this.drain();
        });
        return;
      }
      if (!this.serveOne()) return;
    }
  }

  /** Handles the message at the head; false when it left an answer or a hold pending. */
  private serveOne(): boolean {
    const buf = this.ring.buf;
    const offset = this.head % RING_BYTES;
    const length = buf.readUInt32LE(offset);
    if (length === WRAP) {
      this.advance(RING_BYTES - offset);
      return true;
    }
    const op = buf.readUInt32LE(offset + 4);
    const flags = buf.readUInt32LE(offset + 8);
    const isCall = (flags & CALL) !== 0;
    // A guest that sends anything but a drop is running; what it lets go of on its way says nothing.
    if ((flags & DROP) === 0) this.guestWoken = false;
    this.serving = (this.head + length) >>> 0;
    let result: Reply | Promise<Reply>;
    try {
      result = this.handler(op, this.ring.at(offset + MESSAGE_HEADER, offset + length), this.lend);
    } catch (err) {
      result = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    if (this.lent) this.head = this.serving;
    else this.advance(length);
    this.lent = undefined;
    if (!(result instanceof Promise)) {
      if (isCall) this.reply(result);
      return true;
    }
    this.busy = true;
    result.then(
      (write) => {
        if (isCall) this.reply(write);
        this.resume();
      },
      (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        if (isCall) this.fail(message);
        else this.failure ??= message;
        this.resume();
      },
    );
    return false;
  }

  private resume(): void {
    this.busy = false;
    this.drain();
  }

  /** Waits for the guest's next message (see {@link IoWait}). */
  private sleep(tail: number): void {
    this.emptied();
    this.waiting.wait(tail, this.guestWoken, this.gone, this.next);
  }

  /** Reads past `n` bytes of the ring, whose space goes back to the guest (after any still lent before it). */
  private advance(n: number): void {
    this.head = (this.head + n) >>> 0;
    this.held.pass(this.head);
  }

  /** Answers the call (a {@link Reply} says whether the wake-up is batched). */
  private reply(write: Reply): void {
    const failure = this.failure;
    if (failure !== undefined) {
      this.failure = undefined;
      this.fail(failure);
      return;
    }
    try {
      write(this.answer.at(0).u32(Answer.Ok));
    } catch (err) {
      this.fail(err instanceof Error ? err.message : String(err));
      return;
    }
    if (!this.stopped) this.guestWoken = this.waker.answered(write.batched);
  }

  private fail(message: string): void {
    this.answer.at(0).u32(Answer.Failed).str(message);
    if (!this.stopped) this.guestWoken = this.waker.answered();
  }
}
