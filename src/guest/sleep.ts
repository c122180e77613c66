import type { GuestMemory } from '../abi/memory.js';

/** WASI preview 1 layouts: a subscription is 48 bytes, an event 32. */
const SUBSCRIPTION = 48;
const EVENT = 32;
const CLOCK = 0;
const ABSTIME = 1;
const REALTIME = 0;
const MONOTONIC = 1;

const nap = new Int32Array(new SharedArrayBuffer(4));

type PollOneoff = (inPtr: number, outPtr: number, count: number, eventsPtr: number) => number;

/** Milliseconds from now until a clock subscription fires, or undefined when it is not a plain clock. */
function deadline(view: DataView, at: number): number | undefined {
  if (view.getUint8(at + 8) !== CLOCK) return undefined;
  const clock = view.getUint32(at + 16, true);
  if (clock !== REALTIME && clock !== MONOTONIC) return undefined;
  const timeoutNs = view.getBigUint64(at + 24, true);
  if ((view.getUint16(at + 40, true) & ABSTIME) === 0) return Number(timeoutNs) / 1e6;
  // node:wasi's clocks: realtime is the epoch clock, monotonic is libuv's hrtime, as process.hrtime.
  const now = clock === REALTIME ? BigInt(Date.now()) * 1_000_000n : process.hrtime.bigint();
  return Number(timeoutNs - now) / 1e6;
}

/**
 * Wraps WASI's `poll_oneoff` so that a guest that only sleeps (every
 * subscription a realtime or monotonic clock: `sleep`, `nanosleep`) sleeps
 * in `Atomics.wait`. node:wasi sleeps in a system call, which
 * `worker.terminate()` cannot interrupt: a guest sleeping past its deadline,
 * or through a shutdown, would hold its thread — and the process's exit —
 * until it woke. Anything else (waiting on a file) goes to node:wasi.
 * `beforeSleep` runs first: what the guest let go of reaches the I/O thread
 * before the guest may block.
 */
export function interruptibleSleep(
  original: PollOneoff,
  memory: () => GuestMemory,
  beforeSleep: () => void,
): PollOneoff {
  return (inPtr, outPtr, count, eventsPtr) => {
    beforeSleep();
    const mem = memory();
    const fits = inPtr + count * SUBSCRIPTION <= mem.size && outPtr + count * EVENT <= mem.size;
    if (count === 0 || !fits || eventsPtr + 4 > mem.size) return original(inPtr, outPtr, count, eventsPtr);
    const deadlines: number[] = [];
    for (let i = 0; i < count; i++) {
      const ms = deadline(mem.view, inPtr + i * SUBSCRIPTION);
      if (ms === undefined) return original(inPtr, outPtr, count, eventsPtr);
      deadlines.push(ms);
    }
    const soonest = Math.min(...deadlines);
    if (soonest > 0) Atomics.wait(nap, 0, 0, soonest);
    const view = memory().view;
    let events = 0;
    deadlines.forEach((ms, i) => {
      if (ms > soonest) return;
      const event = outPtr + events++ * EVENT;
      for (let b = 0; b < EVENT; b += 4) view.setUint32(event + b, 0, true);
      view.setBigUint64(event, view.getBigUint64(inPtr + i * SUBSCRIPTION, true), true);
      view.setUint8(event + 10, CLOCK);
    });
    view.setUint32(eventsPtr, events, true);
    return 0;
  };
}
