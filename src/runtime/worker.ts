import { Worker } from 'node:worker_threads';
import type { GuestInit } from '../guest/instance.js';
import { writeAll } from '../util/write.js';

/** Set by scripts/bundle.ts: the bundled command's worker, built as CommonJS (it boots faster). */
declare const __WASIRUN_WORKER__: string | undefined;

/** Where a guest's worker starts: beside this module in dist/src/, and in dist/bundle/ beside the bundled command. */
const WORKER_URL = new URL(
  typeof __WASIRUN_WORKER__ === 'string' ? __WASIRUN_WORKER__ : '../guest/worker.js',
  import.meta.url,
);

/**
 * A worker that has booted and loaded the guest side while nothing needed it
 * yet: starting a thread and loading its modules is most of a guest's start
 * (tens of milliseconds), so the next instance is started ahead of need.
 */
let spare: Worker | undefined;

/**
 * Its stdio is not piped through `process.stdout`: touching that makes Node
 * switch a pipe on fd 1 or 2 to non-blocking mode, and the guest's own writes
 * to that pipe (through node:wasi) would then fail with EAGAIN.
 */
const spawn = (): Worker => new Worker(WORKER_URL, { stdout: true, stderr: true });

/** Starts a worker now for the next guest instance. */
export function prepareGuestWorker(): void {
  if (spare) return;
  spare = spawn();
  spare.unref();
}

/** Starts the worker thread of one guest instance (a prepared one when there is one). */
export function startGuestWorker(init: GuestInit): Worker {
  const worker = spare ?? spawn();
  spare = undefined;
  worker.ref();
  worker.stdout.on('data', (chunk: Buffer) => {
    writeAll(init.stdout, chunk);
  });
  worker.stderr.on('data', (chunk: Buffer) => {
    writeAll(init.stderr, chunk);
  });
  worker.postMessage(init);
  return worker;
}
