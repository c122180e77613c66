import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { IoEnd } from '../src/bridge/io-end.js';
import { IoWait } from '../src/bridge/io-wait.js';
import {
  CALL,
  Ctl,
  DROP,
  MESSAGE_HEADER,
  controlWords,
  createChannelBuffer,
  ringArea,
} from '../src/bridge/layout.js';

/** The I/O thread's wait, driven from this thread: the test posts as a guest would (a new tail). */
function channel(maxSpinUs?: number): {
  ctl: Int32Array;
  wait: IoWait;
  served: Promise<void>;
  next: () => void;
} {
  const ctl = controlWords(createChannelBuffer());
  let next = (): void => undefined;
  const served = new Promise<void>((resolve) => {
    next = resolve;
  });
  return { ctl, wait: new IoWait(ctl, maxSpinUs), served, next };
}

const never = (): boolean => false;

describe('the I/O thread waiting for a guest', () => {
  it(
    'should catch the message of a guest it just woke by polling, without asking to be woken',
    { timeout: 5000 },
    async () => {
      const { ctl, wait, served, next } = channel();
      wait.wait(0, true, never, next);
      assert.equal(Atomics.load(ctl, Ctl.IoSleeping), 0, 'polling, not asleep');
      // The guest posts and wakes nobody (no Atomics.notify): only a wait that polls sees it.
      Atomics.store(ctl, Ctl.Tail, 16);
      await served;
    },
  );

  it('should poll first, sleep once its polling budget is spent, and be woken by the next message', async () => {
    const { ctl, wait, served, next } = channel();
    let done = false;
    void served.then(() => (done = true));
    wait.wait(0, true, never, next);
    assert.equal(Atomics.load(ctl, Ctl.IoSleeping), 0, 'polling first');
    await sleep(5);
    assert.equal(Atomics.load(ctl, Ctl.IoSleeping), 1, 'asleep after 100 µs of polling');
    assert.equal(done, false);
    Atomics.store(ctl, Ctl.Tail, 16);
    Atomics.notify(ctl, Ctl.Tail);
    await served;
    assert.equal(Atomics.load(ctl, Ctl.IoSleeping), 0);
  });

  it('should end a poll, once, when the end is stopped meanwhile', async () => {
    const { wait } = channel();
    let stopped = false;
    let calls = 0;
    wait.wait(
      0,
      true,
      () => stopped,
      () => calls++,
    );
    stopped = true;
    await sleep(5);
    assert.equal(calls, 1);
  });

  it('should start no second wait while one is under way', async () => {
    const { ctl, wait } = channel();
    let calls = 0;
    wait.wait(0, true, never, () => calls++);
    wait.wait(0, true, never, () => calls++);
    Atomics.store(ctl, Ctl.Tail, 16);
    await sleep(5);
    assert.equal(calls, 1);
  });

  it('should sleep at once when told never to spin (the floor of the round-trip benchmark)', async () => {
    const { ctl, wait, served, next } = channel(0);
    wait.wait(0, true, never, next);
    assert.equal(Atomics.load(ctl, Ctl.IoSleeping), 1);
    Atomics.store(ctl, Ctl.Tail, 16);
    Atomics.notify(ctl, Ctl.Tail);
    await served;
  });

  /**
   * An I/O end whose handler answers op 1, a call from a guest asleep for
   * it, by having the guest post op 2 (with `dropFlags`) on its way; once the
   * ring is empty again, it reports whether the end is asleep — a spin or a
   * sleep is decided at once, a poll leaves it awake — then posts op 3.
   */
  async function afterWokenGuest(dropFlags: number): Promise<{ asleep: number; seen: number[] }> {
    const sab = createChannelBuffer();
    const ctl = controlWords(sab);
    const ring = ringArea(sab);
    let tail = 0;
    /** Appends a message without arguments as the guest thread does, waking nobody. */
    const post = (op: number, flags = 0): void => {
      ring.writeUInt32LE(MESSAGE_HEADER + 4, tail);
      ring.writeUInt32LE(op, tail + 4);
      ring.writeUInt32LE(flags, tail + 8);
      tail += MESSAGE_HEADER + 4;
      Atomics.store(ctl, Ctl.Tail, tail);
    };
    const seen: number[] = [];
    let asleep = -1;
    let last: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (last = resolve));
    const end = new IoEnd(sab, (op) => {
      seen.push(op);
      if (op === 1) {
        return () => {
          post(2, dropFlags);
        };
      }
      if (op === 2) {
        queueMicrotask(() => {
          asleep = Atomics.load(ctl, Ctl.IoSleeping);
          post(3);
          if (asleep === 1) Atomics.notify(ctl, Ctl.Tail);
        });
      }
      if (op === 3) last();
      return () => undefined;
    });
    try {
      // The answer to a guest asleep for it wakes the guest.
      Atomics.store(ctl, Ctl.GuestAwaiting, 1);
      post(1, CALL);
      Atomics.notify(ctl, Ctl.Tail);
      await done;
      return { asleep, seen };
    } finally {
      end.stop();
    }
  }

  it('should keep polling after the drops a guest it woke posts on its way', { timeout: 5000 }, async () => {
    const { asleep, seen } = await afterWokenGuest(DROP);
    assert.deepEqual(seen, [1, 2, 3]);
    assert.equal(asleep, 0, 'still polling after the drop');
  });

  it(
    'should spin, then sleep, once a message that is not a drop shows the guest running',
    { timeout: 5000 },
    async () => {
      const { asleep, seen } = await afterWokenGuest(0);
      assert.deepEqual(seen, [1, 2, 3]);
      assert.equal(asleep, 1, 'asleep after its spin');
    },
  );
});
