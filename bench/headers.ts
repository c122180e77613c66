import { WASIRUN, at, run } from './proc.js';
import { type Result } from './report.js';

const SIZES = [10, 100, 1000];
const HEADERS_PER_RUN = 200_000;
const ROUNDS = 3;

/** µs per header for new-fields + fields-entries with 10, 100 and 1,000 headers: should stay flat. */
export async function headersBench(): Promise<Result[]> {
  const perHeader = new Map<number, number[]>(SIZES.map((n) => [n, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const n of SIZES) {
      const out = await run(process.execPath, [
        WASIRUN,
        at('guests', 'wasm', 'fields-bench.wasm'),
        String(n),
        String(HEADERS_PER_RUN / n),
      ]);
      const m = /us-per-header: ([\d.]+)/.exec(out);
      perHeader.get(n)?.push(Number(m?.[1]));
    }
  }
  const at10 = Math.min(...(perHeader.get(10) ?? []));
  return SIZES.map((n) => {
    const ours = perHeader.get(n) ?? [];
    return {
      name: `new-fields + fields-entries, ${n} headers`,
      unit: 'µs/header',
      better: 'lower' as const,
      ours,
      target: 'linear: flat per header',
      met: Math.min(...ours) <= 2 * at10,
    };
  });
}
