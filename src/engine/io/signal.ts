/**
 * A level-free wake-up: `wait()` resolves at the next `notify()`. Waiters
 * re-check their condition after waking, so a notify never gets lost in a
 * race with a state change.
 */
export class Signal {
  private waiters: (() => void)[] = [];

  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  notify(): void {
    const waiters = this.waiters;
    if (waiters.length === 0) return;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** Resolves as soon as `ready()` holds, re-checking after every notify of `signal`. */
export async function until(signal: Signal, ready: () => boolean): Promise<void> {
  while (!ready()) await signal.wait();
}
