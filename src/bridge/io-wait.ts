import { Ctl } from './layout.js';
import { SpinBudget, pollTurns, spinFor } from './spin.js';

/** Bounds of the I/O thread's spin when the ring is empty, in µs: it has sockets to serve too. */
const IO_SPIN_MIN_US = 0;
const IO_SPIN_MAX_US = 50;
/** Bound of its polling of the event loop after waking the guest, in µs. */
const IO_POLL_MAX_US = 100;

/**
 * How the I/O thread waits for a guest's next message without blocking its
 * sockets for long. After an answer that had to wake the guest, it polls
 * once per turn of the event loop: the guest needs tens of microseconds to
 * run again, too long to spin for with the event loop stopped, and its next
 * message then needs no wake-up at all. Otherwise it spins a little — a
 * guest that was answered while awake usually writes again within
 * microseconds. Then it sleeps on `Atomics.waitAsync`, and the guest wakes
 * it. Either budget halves whenever it was wasted, so a quiet guest costs
 * next to nothing: no spin, and a poll of one turn of the event loop.
 */
export class IoWait {
  private readonly spin: SpinBudget;
  private readonly poll: SpinBudget;
  /** A `waitAsync` is pending: the next message ends it even if nobody polls the ring. */
  private armed = false;
  /** Polling the event loop for the next message. */
  private polling = false;

  /** `maxSpinUs` bounds the spin; 0 never spins or polls (for measuring what waking costs). */
  constructor(
    private readonly ctl: Int32Array,
    maxSpinUs = IO_SPIN_MAX_US,
  ) {
    this.spin = new SpinBudget(IO_SPIN_MIN_US, maxSpinUs);
    this.poll = new SpinBudget(IO_SPIN_MIN_US, maxSpinUs > 0 ? IO_POLL_MAX_US : 0);
  }

  /**
   * Calls `next` once the ring's tail has moved past `tail`, or the end is
   * `gone`; nothing if a wait is already under way. `guestWoken`: the last
   * answer had to wake the guest.
   */
  wait(tail: number, guestWoken: boolean, gone: () => boolean, next: () => void): void {
    if (this.armed || this.polling) return;
    const start = performance.now();
    if (guestWoken && this.poll.us > 0) {
      this.polling = true;
      const posted = (): boolean => gone() || Atomics.load(this.ctl, Ctl.Tail) >>> 0 !== tail;
      pollTurns(posted, this.poll.us, (inTime) => {
        this.polling = false;
        if (!inTime) {
          this.arm(tail, start, this.poll, next);
          return;
        }
        this.poll.observe((performance.now() - start) * 1000);
        next();
      });
      return;
    }
    // A wait it did not spin for does not train the spin.
    if (guestWoken) {
      this.arm(tail, start, undefined, next);
      return;
    }
    if (spinFor(this.ctl, Ctl.Tail, tail | 0, false, this.spin.us)) {
      this.spin.observe((performance.now() - start) * 1000);
      queueMicrotask(next);
      return;
    }
    this.arm(tail, start, this.spin, next);
  }

  /** Sleeps until the guest posts (and wakes this thread); how long the whole wait took trains `budget`. */
  private arm(tail: number, start: number, budget: SpinBudget | undefined, next: () => void): void {
    this.armed = true;
    Atomics.store(this.ctl, Ctl.IoSleeping, 1);
    const wait = Atomics.waitAsync(this.ctl, Ctl.Tail, tail | 0);
    const wake = (): void => {
      this.armed = false;
      Atomics.store(this.ctl, Ctl.IoSleeping, 0);
      budget?.observe((performance.now() - start) * 1000);
      next();
    };
    if (wait.async) void wait.value.then(wake);
    else wake();
  }
}
