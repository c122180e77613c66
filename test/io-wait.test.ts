import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { IoWait } from '../src/bridge/io-wait.js';
import { Ctl, controlWords, createChannelBuffer } from '../src/bridge/layout.js';

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

  it('should sleep once its polling budget is spent, and be woken by the next message', async () => {
    const { ctl, wait, served, next } = channel();
    let done = false;
    void served.then(() => (done = true));
    wait.wait(0, true, never, next);
    await sleep(5);
    assert.equal(Atomics.load(ctl, Ctl.IoSleeping), 1, 'asleep after 100 µs of polling');
    assert.equal(done, false);
    Atomics.store(ctl, Ctl.Tail, 16);
    Atomics.notify(ctl, Ctl.Tail);
    await served;
    assert.equal(Atomics.load(ctl, Ctl.IoSleeping), 0);
  });

  it('should sleep at once when told never to spin (the floor of the round-trip benchmark)', async () => {
    const { ctl, wait, served, next } = channel(0);
    wait.wait(0, true, never, next);
    assert.equal(Atomics.load(ctl, Ctl.IoSleeping), 1);
    Atomics.store(ctl, Ctl.Tail, 16);
    Atomics.notify(ctl, Ctl.Tail);
    await served;
  });
});
