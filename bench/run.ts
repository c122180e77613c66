import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { coldStartBench } from './cold-start.js';
import { echoBench } from './echo.js';
import { getLoopBench } from './get-loop.js';
import { guestSideBench } from './guest-side.js';
import { headersBench } from './headers.js';
import { at } from './proc.js';
import { roundTripBench } from './roundtrip.js';
import { serveBench } from './serve.js';
import { machine, table, type Result } from './report.js';
import { svg } from './chart.js';

/**
 * `npm run bench`: every benchmark against its plain-Node baseline in the
 * same run, rounds alternating; a table of medians on stdout, and the same
 * as JSON and an SVG chart under bench/results/.
 */
const benches: [string, () => Promise<Result[]>][] = [
  ['serve', serveBench],
  ['guest side', guestSideBench],
  ['round trip', roundTripBench],
  ['sequential GETs', getLoopBench],
  ['echo 1 GiB', echoBench],
  ['cold start', coldStartBench],
  ['headers', headersBench],
];
const flags = process.argv.slice(2);
const updateReadme = flags.includes('--readme');
const only = flags.filter((f) => !f.startsWith('--'));
const started = Date.now();
const results: Result[] = [];
const where = machine();
process.stdout.write(`wasirun benchmarks on ${where}\n`);
for (const [name, bench] of benches) {
  if (only.length > 0 && !only.some((o) => name.includes(o))) continue;
  process.stderr.write(`… ${name}\n`);
  results.push(...(await bench()));
}
const report = table(results);
process.stdout.write(`\n${report}\n\n(${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
const dir = at('bench', 'results');
mkdirSync(dir, { recursive: true });
const date = new Date().toISOString();
writeFileSync(`${dir}/latest.json`, `${JSON.stringify({ date, machine: where, results }, null, 2)}\n`);
writeFileSync(`${dir}/latest.md`, `Measured ${date} on ${where}.\n\n${report}\n`);
writeFileSync(`${dir}/latest.svg`, svg(results, `wasirun vs plain Node — ${where}`));
process.stdout.write(`written: bench/results/latest.json, latest.md, latest.svg\n`);

// `npm run bench -- --readme`: the README's Performance table becomes this run's.
if (updateReadme) {
  const readme = at('README.md');
  const text = readFileSync(readme, 'utf8');
  const block = `<!-- bench:start -->\nMeasured ${date.slice(0, 10)} on ${where}.\n\n${report}\n<!-- bench:end -->`;
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(readme)) ?? {};
  const updated = text.replace(/<!-- bench:start -->[\s\S]*<!-- bench:end -->/, block);
  writeFileSync(readme, await prettier.format(updated, { ...options, filepath: readme }));
  process.stdout.write('written: README.md (Performance)\n');
}
