import { WASIRUN, at, fixture, run, startServer } from './proc.js';
import { median, type Result } from './report.js';

const GETS = 2000;
const ROUNDS = 5;

const elapsedMs = (out: string): number => {
  const m = /elapsed-us: (\d+)/.exec(out);
  if (!m) throw new Error(`no elapsed-us in ${out}`);
  return Number(m[1]) / 1000;
};

/**
 * 2,000 sequential GETs by a guest, against the same loop in plain undici,
 * and the floor: that loop with each GET handed over from a blocked thread.
 * Each in a fresh process, rounds alternating, against an origin warmed up
 * first.
 */
export async function getLoopBench(): Promise<Result[]> {
  const origin = await startServer([fixture('origin')]);
  const authority = new URL(origin.url).host;
  const guest: number[] = [];
  const plain: number[] = [];
  const handedOff: number[] = [];
  try {
    // The origin's own warm-up (its JIT) is nobody's cost: one loop first, not counted.
    await run(process.execPath, [fixture('undici-loop'), origin.url, String(GETS)]);
    for (let round = 0; round < ROUNDS; round++) {
      guest.push(
        elapsedMs(
          await run(process.execPath, [
            WASIRUN,
            at('guests', 'wasm', 'get-loop.wasm'),
            authority,
            '/',
            String(GETS),
          ]),
        ),
      );
      plain.push(elapsedMs(await run(process.execPath, [fixture('undici-loop'), origin.url, String(GETS)])));
      handedOff.push(
        elapsedMs(await run(process.execPath, [fixture('handoff-loop'), origin.url, String(GETS)])),
      );
    }
  } finally {
    await origin.stop();
  }
  return [
    {
      name: `${GETS} sequential GETs by a guest`,
      unit: 'ms',
      better: 'lower',
      ours: guest,
      baseline: plain,
      baselineName: 'plain undici loop',
      target: '≤ 1.3×',
      met: median(guest) <= 1.3 * median(plain),
      note: 'the loop only, timed inside each process',
    },
    {
      name: 'floor: the undici loop, each GET asked by another thread',
      unit: 'ms',
      better: 'lower',
      ours: handedOff,
      baseline: plain,
      baselineName: 'plain undici loop',
      target: 'a floor, measured',
      met: undefined,
      note: 'no WebAssembly: one word each way, Atomics.wait on the asking thread',
    },
  ];
}
