import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

/** The repository root, from `dist/test/helpers/`. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export const repoPath = (...parts: string[]): string => [ROOT.replace(/\/$/, ''), ...parts].join('/');

/** A committed test guest. */
export const guest = (name: string): string => repoPath('guests', 'wasm', `${name}.wasm`);

export const BIN = repoPath('dist', 'bundle', 'cli', 'bin.js');

/** A new temporary directory named from `prefix`, removed after the tests of the calling file. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}
