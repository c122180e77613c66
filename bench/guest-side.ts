import { fixture, run } from './proc.js';
import { type Result } from './report.js';

const RUNS = 3;

/** The guest thread's own work for one hello request, measured alone on one thread (`fixtures/guest-side.ts`). */
export async function guestSideBench(): Promise<Result[]> {
  const ours: number[] = [];
  for (let k = 0; k < RUNS; k++) {
    const out = await run(process.execPath, [fixture('guest-side')]);
    ours.push(Number(/us-per-request: ([\d.]+)/.exec(out)?.[1]));
  }
  return [
    {
      name: "the guest's side of a hello request, alone on one thread",
      unit: 'µs',
      better: 'lower',
      ours,
      target: 'where the time goes',
      met: undefined,
      note: 'the real guest, imports and channel; the I/O thread played by filling the inbox and dropping what the guest posts',
    },
  ];
}
