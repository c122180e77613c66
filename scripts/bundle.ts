import { chmodSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';

/**
 * Bundles the `wasirun` command and the guest's worker under dist/bundle/,
 * from what tsc wrote to dist/src/. Node 20 loads ES modules one at a time,
 * and the host is about forty of them on each of the two threads a guest's
 * start waits for; bundled, the cold start is about 30 ms shorter
 * (RATIONALE.md, "Why is the command bundled?"). Two more things keep the
 * worker's boot, the longest part of a start, off the critical path:
 *
 * - The command is split: `cli/bin.js` holds only what starts the guest's
 *   thread, and loads the rest of the host (a chunk beside it) while that
 *   thread boots.
 * - The worker is CommonJS (`guest/worker.cjs`): a thread boots a CommonJS
 *   script about 5 ms sooner than an ES module. `__WASIRUN_WORKER__` tells
 *   the command where it is.
 *
 * The layout under dist/bundle/ is that of dist/src/. The library
 * (dist/src) is not bundled; undici stays a package, loaded at the first
 * outgoing request.
 */
const OUT = 'dist/bundle';
const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: ['undici'],
  logLevel: 'warning',
};

/** The files under `path` (itself, if it is a file). */
function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true, encoding: 'utf8' })
    .map((name) => join(path, name))
    .filter((file) => statSync(file).isFile());
}

const mtimes = (paths: string[]): number[] => paths.flatMap(filesUnder).map((f) => statSync(f).mtimeMs);

/**
 * Whether the bundle is newer than what it is made of. npm runs `prepare`
 * (a build) again the first time `npx wasirun` runs in a checkout, and tsc
 * (incremental) then writes nothing: the bundle must not be rebuilt either,
 * since its rebuild deletes it under whatever runs from it — the server the
 * README starts a moment before, or the tests running beside the one that
 * runs `npx`.
 */
function current(): boolean {
  if (!existsSync(`${OUT}/cli/bin.js`) || !existsSync(`${OUT}/guest/worker.cjs`)) return false;
  const outputs = mtimes([OUT]);
  const esbuild = createRequire(import.meta.url).resolve('esbuild/package.json');
  const inputs = mtimes(['dist/src', 'dist/scripts/bundle.js', esbuild]);
  return Math.min(...outputs) > Math.max(...inputs);
}

if (!current()) {
  // Chunks are named by their hash: an earlier build's would stay beside this one's.
  rmSync(OUT, { recursive: true, force: true });
  await build({
    ...common,
    entryPoints: ['dist/src/cli/bin.js'],
    outbase: 'dist/src',
    outdir: OUT,
    format: 'esm',
    splitting: true,
    chunkNames: 'cli/[name]-[hash]',
    define: { __WASIRUN_WORKER__: JSON.stringify('../guest/worker.cjs') },
  });
  await build({
    ...common,
    entryPoints: ['dist/src/guest/worker.js'],
    outfile: `${OUT}/guest/worker.cjs`,
    format: 'cjs',
    // The guest side resolves Node's built-ins from its own place (`createRequire(import.meta.url)`).
    define: { 'import.meta.url': '__wasirunModuleUrl' },
    banner: { js: "const __wasirunModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  chmodSync(`${OUT}/cli/bin.js`, 0o755);
  // The unbundled command stays runnable too: an earlier `npx wasirun` in this checkout may have linked it.
  chmodSync('dist/src/cli/bin.js', 0o755);
}
