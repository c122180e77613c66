import { Worker } from 'node:worker_threads';
import { IoEnd } from '../src/bridge/io-end.js';
import { createChannelBuffer } from '../src/bridge/layout.js';
import { fixture } from './proc.js';
import { median, type Result } from './report.js';

const CALLS = 20_000;

/** Our ring; our ring with both threads asleep for every call (no spinning); the jco-style bridge. */
type Mode = 'ring' | 'asleep' | 'jco';
const ROUNDS = 3;

/** Median µs of one round trip, measured by a worker making CALLS calls the main thread answers at once. */
function measure(mode: Mode): Promise<number> {
  const sab = createChannelBuffer();
  const io =
    mode === 'jco' ? undefined : new IoEnd(sab, () => (r) => r.u32(7), mode === 'asleep' ? 0 : undefined);
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
  const asleep: number[] = [];
  const jco: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    ring.push(await measure('ring'));
    asleep.push(await measure('asleep'));
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
    {
      name: 'floor: round trip waking both threads',
      unit: 'µs',
      better: 'lower',
      ours: asleep,
      target: 'a floor, measured',
      met: undefined,
      note: 'what each hand-off costs when the other thread sleeps: no spinning at either end',
    },
  ];
}
