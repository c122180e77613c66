import { chmodSync } from 'node:fs';
import { build } from 'esbuild';

/**
 * Bundles the `wasirun` command and the guest's worker into one file each,
 * under dist/bundle/, from what tsc wrote to dist/src/. Node 20 loads ES
 * modules one at a time, and the host is about forty of them on each of the
 * two threads a guest's start waits for; one file each makes the cold start
 * about 30 ms shorter (RATIONALE.md, "Why is the command bundled?"). The
 * layout under dist/bundle/ is that of dist/src/, so the command finds its
 * worker at the same relative place. The library (dist/src) is not bundled;
 * undici stays a package, loaded at the first outgoing request.
 */
const OUT = 'dist/bundle';

await build({
  entryPoints: ['dist/src/cli/bin.js', 'dist/src/guest/worker.js'],
  outbase: 'dist/src',
  outdir: OUT,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['undici'],
  logLevel: 'warning',
});
chmodSync(`${OUT}/cli/bin.js`, 0o755);
// The unbundled command stays runnable too: an earlier `npx wasirun` in this checkout may have linked it.
chmodSync('dist/src/cli/bin.js', 0o755);
