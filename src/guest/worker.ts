import { once } from 'node:events';
import { parentPort } from 'node:worker_threads';
import { Trap } from '../abi/trap.js';
import { describeFailure } from './failure.js';
import { createGuest, type GuestInit } from './instance.js';

/** What a guest worker reports to the main thread when it is done. */
export type WorkerReport =
  | { readonly kind: 'exit'; readonly code: number }
  | { readonly kind: 'trap'; readonly message: string }
  | { readonly kind: 'load-error'; readonly message: string };

/**
 * Worker entry: build the instance, then run it: once as a command, or
 * call after call when serving (until a trap, or the host terminates it). The guest blocks this
 * thread whenever an import waits for I/O; the I/O happens on the thread
 * that started the worker.
 */
async function main(init: GuestInit): Promise<WorkerReport> {
  let guest;
  try {
    guest = await createGuest(init);
  } catch (err) {
    return { kind: 'load-error', message: err instanceof Error ? err.message : String(err) };
  }
  if (init.mode === 'command') {
    if (!guest.isCommand)
      return { kind: 'load-error', message: 'the module exports no _start: it is not a command' };
    try {
      return { kind: 'exit', code: guest.start() };
    } catch (err) {
      return { kind: 'trap', message: describeFailure(err) };
    }
  }
  try {
    guest.initialize();
  } catch (err) {
    const fromGuest = err instanceof WebAssembly.RuntimeError || err instanceof Trap;
    return { kind: 'load-error', message: fromGuest ? describeFailure(err) : (err as Error).message };
  }
  try {
    for (;;) guest.handleNext();
  } catch (err) {
    return { kind: 'trap', message: describeFailure(err, guest.host.memory().size, init.memoryLimit) };
  }
}

// The instance's description comes as the first message: the worker may have started before it existed.
// No top-level await: the bundled command builds this file as CommonJS (scripts/bundle.ts).
const port = parentPort;
if (port) {
  void once(port, 'message').then(async ([init]) => {
    port.postMessage(await main(init as GuestInit));
    port.close();
  });
}
