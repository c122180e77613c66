import { Codec } from './codec.js';

/**
 * The guest-thread ↔ I/O-thread channel: one SharedArrayBuffer per guest
 * instance, one call in flight. The guest thread writes a call, raises REQ
 * and blocks; the I/O thread, woken by `Atomics.waitAsync`, answers in the
 * same message area and raises RESP. No per-call allocation, no postMessage.
 * See RATIONALE.md, "Why shared memory and not postMessage".
 */
const REQ = 0;
const RESP = 1;
const HEADER_BYTES = 16;

/** Size of the message area: the largest read or write that crosses in one call, plus room. */
export const MESSAGE_BYTES = 2 * 1024 * 1024 + 64 * 1024;

const OK = 0;
const FAILED = 1;

export function createChannelBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + MESSAGE_BYTES);
}

/** Spin budgets, in iterations of one atomic load (about 8 ns each on the reference machine). */
const SPIN_MIN = Number(process.env.GS_MIN ?? 256);
const SPIN_MAX = Number(process.env.GS_MAX ?? 8192);
/** The I/O thread's spin is shorter: it has other guests and sockets to serve. */
const IO_SPIN_MIN = Number(process.env.IS_MIN ?? 128);
const IO_SPIN_MAX = Number(process.env.IS_MAX ?? 4096);
/** Calls answered in a row before the I/O thread lets its event loop run. */
const BATCH = 64;

/** The guest thread's end: synchronous calls. */
export class GuestEnd {
  private readonly ctl: Int32Array;
  readonly codec: Codec;
  /** Per-operation spin budgets: grow while answers come during the spin, halve when they do not. */
  private readonly spin = new Map<number, number>();

  constructor(sab: SharedArrayBuffer) {
    this.ctl = new Int32Array(sab, 0, HEADER_BYTES / 4);
    this.codec = new Codec(Buffer.from(sab, HEADER_BYTES, MESSAGE_BYTES));
  }

  private op = -1;

  /** Starts a call: the returned codec is positioned for the arguments. */
  begin(op: number): Codec {
    this.op = op;
    return this.codec.reset().u32(op);
  }

  /** Sends the call begun with {@link begin} and blocks until the answer; returns it for decoding. */
  send(): Codec {
    const op = this.op;
    if (op < 0) throw new Error('channel call sent without begin()');
    this.op = -1;
    const ctl = this.ctl;
    Atomics.store(ctl, REQ, 1);
    Atomics.notify(ctl, REQ);
    const budget = this.spin.get(op) ?? SPIN_MAX;
    let n = 0;
    while (Atomics.load(ctl, RESP) === 0 && n < budget) n++;
    if (Atomics.load(ctl, RESP) !== 0) {
      this.spin.set(op, Math.min(SPIN_MAX, budget * 2));
    } else {
      while (Atomics.load(ctl, RESP) === 0) Atomics.wait(ctl, RESP, 0);
      this.spin.set(op, Math.max(SPIN_MIN, budget - (budget >> 2)));
    }
    Atomics.store(ctl, RESP, 0);
    const reply = this.codec.reset();
    if (reply.readU32() === FAILED) throw new Error(reply.readStr());
    return reply;
  }
}

/** Serves one operation: decode the arguments from `args`, then encode the answer into `reply`. */
export type OperationHandler = (
  op: number,
  args: Codec,
) => ((reply: Codec) => void) | Promise<(reply: Codec) => void>;

/** The I/O thread's end: answers calls without ever blocking its event loop. */
export class IoEnd {
  private readonly ctl: Int32Array;
  private readonly codec: Codec;
  private stopped = false;

  constructor(
    sab: SharedArrayBuffer,
    private readonly handler: OperationHandler,
  ) {
    this.ctl = new Int32Array(sab, 0, HEADER_BYTES / 4);
    this.codec = new Codec(Buffer.from(sab, HEADER_BYTES, MESSAGE_BYTES));
    this.arm();
  }

  private spin = IO_SPIN_MAX;

  stop(): void {
    this.stopped = true;
    Atomics.notify(this.ctl, REQ);
  }

  /**
   * Serves calls until none comes within the spin budget, then waits with
   * `Atomics.waitAsync`. Guests tend to call again within microseconds, and
   * catching that call here costs about a microsecond where a wake-up through
   * the event loop costs tens. Bounded: it yields to the event loop after
   * {@link BATCH} calls in a row, and the budget halves whenever it is wasted.
   */
  private pump(): void {
    for (let served = 0; !this.stopped; served++) {
      if (served === BATCH) {
        setImmediate(() => {
          this.pump();
        });
        return;
      }
      if (!this.spinForCall()) {
        this.arm();
        return;
      }
      if (!this.take()) return;
    }
  }

  private spinForCall(): boolean {
    const budget = this.spin;
    let n = 0;
    while (Atomics.load(this.ctl, REQ) === 0 && n < budget) n++;
    const caught = Atomics.load(this.ctl, REQ) !== 0;
    this.spin = caught ? Math.min(IO_SPIN_MAX, budget * 2) : Math.max(IO_SPIN_MIN, budget - (budget >> 2));
    return caught;
  }

  private arm(): void {
    const wait = Atomics.waitAsync(this.ctl, REQ, 0);
    if (wait.async) {
      void wait.value.then(() => {
        if (this.stopped) return;
        if (this.take()) this.pump();
      });
    } else if (this.take()) {
      this.pump();
    }
  }

  /** Takes the pending call, if there is one; true when it was answered at once. */
  private take(): boolean {
    if (this.stopped) return false;
    if (Atomics.load(this.ctl, REQ) === 0) {
      this.arm();
      return false;
    }
    Atomics.store(this.ctl, REQ, 0);
    const args = this.codec.reset();
    let answer: ReturnType<OperationHandler>;
    try {
      answer = this.handler(args.readU32(), args);
    } catch (err) {
      this.fail(err);
      return true;
    }
    if (answer instanceof Promise) {
      answer.then(
        (write) => {
          this.reply(write);
          this.pump();
        },
        (err: unknown) => {
          this.fail(err);
          this.pump();
        },
      );
      return false;
    }
    this.reply(answer);
    return true;
  }

  private reply(write: (reply: Codec) => void): void {
    const reply = this.codec.reset().u32(OK);
    try {
      write(reply);
    } catch (err) {
      this.fail(err);
      return;
    }
    this.raise();
  }

  private fail(err: unknown): void {
    this.codec
      .reset()
      .u32(FAILED)
      .str(err instanceof Error ? err.message : String(err));
    this.raise();
  }

  private raise(): void {
    if (this.stopped) return;
    Atomics.store(this.ctl, RESP, 1);
    Atomics.notify(this.ctl, RESP);
  }
}
