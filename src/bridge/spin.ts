/**
 * Spinning before sleeping, on either end of the channel: waking a sleeping
 * thread costs a system call and, on a virtual machine, tens of
 * microseconds, while a peer that is awake answers in well under one.
 */

/** Spins while `ctl[index] === value`, for at most `budgetUs`; true when it changed in time. */
export function spinWhile(ctl: Int32Array, index: number, value: number, budgetUs: number): boolean {
  if (Atomics.load(ctl, index) !== value) return true;
  if (budgetUs <= 0) return false;
  const deadline = performance.now() + budgetUs / 1000;
  for (;;) {
    for (let k = 0; k < 64; k++) if (Atomics.load(ctl, index) !== value) return true;
    if (performance.now() >= deadline) return false;
  }
}

/** Spins until `ctl[index] === value`, for at most `budgetUs`; true when it came to be in time. */
export function spinUntil(ctl: Int32Array, index: number, value: number, budgetUs: number): boolean {
  if (Atomics.load(ctl, index) === value) return true;
  if (budgetUs <= 0) return false;
  const deadline = performance.now() + budgetUs / 1000;
  for (;;) {
    for (let k = 0; k < 64; k++) if (Atomics.load(ctl, index) === value) return true;
    if (performance.now() >= deadline) return false;
  }
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
