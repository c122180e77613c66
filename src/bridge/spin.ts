/**
 * Spinning before sleeping, on either end of the channel: waking a sleeping
 * thread costs a system call and, on a virtual machine, tens of
 * microseconds, while a peer that is awake answers in well under one.
 */

/** Spins until `(ctl[index] === value) === equal`, for at most `budgetUs`; true when it came to be in time. */
export function spinFor(
  ctl: Int32Array,
  index: number,
  value: number,
  equal: boolean,
  budgetUs: number,
): boolean {
  if ((Atomics.load(ctl, index) === value) === equal) return true;
  if (budgetUs <= 0) return false;
  const deadline = performance.now() + budgetUs / 1000;
  for (;;) {
    for (let k = 0; k < 64; k++) if ((Atomics.load(ctl, index) === value) === equal) return true;
    if (performance.now() >= deadline) return false;
  }
}

/**
 * Checks `ready` once per turn of the event loop (`setImmediate`), for at
 * most `budgetUs`: unlike {@link spinFor}, the sockets are served meanwhile.
 * `done` hears whether it came to be in time.
 */
export function pollTurns(ready: () => boolean, budgetUs: number, done: (inTime: boolean) => void): void {
  const deadline = performance.now() + budgetUs / 1000;
  const turn = (): void => {
    if (ready()) done(true);
    else if (performance.now() >= deadline) done(false);
    else setImmediate(turn);
  };
  setImmediate(turn);
}

/**
 * Blocks the guest thread until `ctl[index] === value`: a spin within
 * `budget`, then `Atomics.wait` with `ctl[awaiting]` set, so the I/O thread
 * knows to wake it. How long it took trains the budget.
 */
export function waitUntil(
  ctl: Int32Array,
  index: number,
  value: number,
  awaiting: number,
  budget: SpinBudget,
): void {
  const start = performance.now();
  if (!spinFor(ctl, index, value, true, budget.us)) {
    Atomics.store(ctl, awaiting, 1);
    for (let now = Atomics.load(ctl, index); now !== value; now = Atomics.load(ctl, index)) {
      Atomics.wait(ctl, index, now);
    }
    Atomics.store(ctl, awaiting, 0);
  }
  budget.observe((performance.now() - start) * 1000);
}

/**
 * How long to spin, learnt from how long answers took: a wait the budget
 * could have covered raises it to cover such waits (a peer that was asleep
 * and had to be woken, say), a longer one (the network) halves it, so a
 * peer that answers quickly is caught awake and a slow one costs no CPU.
 */
export class SpinBudget {
  us: number;

  constructor(
    private readonly minUs: number,
    private readonly maxUs: number,
  ) {
    this.us = maxUs;
  }

  /** An answer came `waitedUs` after the wait began. */
  observe(waitedUs: number): void {
    this.us =
      waitedUs <= this.maxUs
        ? Math.min(this.maxUs, Math.max(this.us, 1.5 * waitedUs + 1))
        : Math.max(this.minUs, this.us / 2);
  }
}
