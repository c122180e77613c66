import { Worker } from 'node:worker_threads';
import type { GuestInit } from '../guest/instance.js';
import { writeAll } from '../util/write.js';

/** Where a guest's worker starts. */
const WORKER_URL = new URL('../guest/worker.js', import.meta.url);

/**
 * Starts the worker thread of one guest instance. Its stdio is not piped
 * through `process.stdout`: touching that makes Node switch a pipe on fd 1
 * or 2 to non-blocking mode, and the guest's own writes to that pipe (through
 * node:wasi) would then fail with EAGAIN instead of waiting.
 */
export function startGuestWorker(init: GuestInit): Worker {
  const worker = new Worker(WORKER_URL, { workerData: init, stdout: true, stderr: true });
  worker.stdout.on('data', (chunk: Buffer) => {
    writeAll(init.stdout, chunk);
  });
  worker.stderr.on('data', (chunk: Buffer) => {
    writeAll(init.stderr, chunk);
  });
  return worker;
}
