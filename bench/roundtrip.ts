import { Worker } from 'node:worker_threads';
import { IoEnd } from '../src/bridge/io-end.js';
import { createChannelBuffer } from '../src/bridge/layout.js';
import { fixture } from './proc.js';
import { median, type Result } from './report.js';

const CALLS = 20_000;
const ROUNDS = 3;

/** Median µs of one round trip, measured by a worker making CALLS calls the main thread answers at once. */
function measure(mode: 'ring' | 'jco'): Promise<number> {
  const sab = createChannelBuffer();
  const io = mode === 'ring' ? new IoEnd(sab, () => (r) => r.u32(7)) : undefined;
  const worker = new Worker(fixture('roundtrip-worker'), { workerData: { mode, sab, calls: CALLS } });
  worker.on('message', (m: { sab?: SharedArrayBuffer; median?: number }) => {
    if (m.sab) {
      // The jco preview2-shim way: a fresh SharedArrayBuffer and a postMessage per call.
      const flag = new Int32Array(m.sab);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    }
  });
  return new Promise((resolve, reject) => {
    worker.on('message', (m: { median?: number }) => {
      if (m.median !== undefined) {
        io?.stop();
        void worker.terminate();
        resolve(m.median);
      }
    });
    worker.once('error', reject);
  });
}

/** A blocking import answered at once: our ring against the jco-style bridge, alternating. */
export async function roundTripBench(): Promise<Result[]> {
  const ring: number[] = [];
  const jco: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    ring.push(await measure('ring'));
    jco.push(await measure('jco'));
  }
  return [
    {
      name: 'blocking import round trip (median)',
      unit: 'µs',
      better: 'lower',
      ours: ring,
      baseline: jco,
      baselineName: 'new SAB + postMessage per call',
      target: '≤ 10 µs',
      met: median(ring) <= 10,
    },
  ];
}
