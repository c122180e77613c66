import { fixture, run } from './proc.js';
import { type Result } from './report.js';

const RUNS = 3;

/** µs a request of one run of `fixtures/guest-side.ts`, with `args`. */
async function once(args: string[]): Promise<number> {
  const out = await run(process.execPath, [fixture('guest-side'), ...args]);
  return Number(/us-per-request: ([\d.]+)/.exec(out)?.[1]);
}

/**
 * The guest thread's own work for one hello request, measured alone on one
 * thread (`fixtures/guest-side.ts`), against the minimal host's imports
 * doing the same, runs alternating.
 */
export async function guestSideBench(): Promise<Result[]> {
  const ours: number[] = [];
  const minimal: number[] = [];
  for (let k = 0; k < RUNS; k++) {
    ours.push(await once([]));
    minimal.push(await once(['minimal']));
  }
  return [
    {
      name: "the guest's side of a hello request, alone on one thread",
      unit: 'µs',
      better: 'lower',
      ours,
      baseline: minimal,
      baselineName: "the minimal host's imports",
      target: 'where the time goes',
      met: undefined,
      note: 'the real guest, imports and channel; the I/O thread played by filling the inbox and dropping what the guest posts',
    },
  ];
}
