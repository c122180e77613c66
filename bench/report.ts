import { cpus, availableParallelism, totalmem } from 'node:os';

/** One benchmark's outcome: our samples, the baseline's from the same run, and the goal. */
export interface Result {
  readonly name: string;
  readonly unit: string;
  readonly better: 'higher' | 'lower';
  readonly ours: readonly number[];
  readonly baseline?: readonly number[] | undefined;
  readonly baselineName?: string | undefined;
  readonly target: string;
  /** Whether the target was met, judged by the benchmark on the medians; undefined for a measured floor. */
  readonly met: boolean | undefined;
  readonly note?: string | undefined;
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** Ours over baseline, by medians. */
export const ratio = (r: Result): number | undefined =>
  r.baseline ? median(r.ours) / median(r.baseline) : undefined;

export function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${availableParallelism()} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
}

const fmt = (n: number): string =>
  Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
const spread = (xs: readonly number[]): string =>
  `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`;

/** A Markdown table of medians with min–max, the ratio to the baseline and the target. */
export function table(results: readonly Result[]): string {
  const rows = results.map((r) => {
    const q = ratio(r);
    return [
      r.name,
      `${spread(r.ours)} ${r.unit}`,
      r.baseline ? `${spread(r.baseline)} ${r.unit} (${r.baselineName ?? ''})` : '—',
      q === undefined ? '—' : `${q.toFixed(2)}×`,
      r.target,
      r.met === undefined ? '' : r.met ? 'met' : 'missed',
    ];
  });
  const head = ['benchmark', 'wasirun: median (min–max)', 'baseline, same run', 'ratio', 'target', ''];
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
