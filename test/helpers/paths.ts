import { fileURLToPath } from 'node:url';

/** The repository root, from `dist/test/helpers/`. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export const repoPath = (...parts: string[]): string => [ROOT.replace(/\/$/, ''), ...parts].join('/');

/** A committed test guest. */
export const guest = (name: string): string => repoPath('guests', 'wasm', `${name}.wasm`);

export const BIN = repoPath('dist', 'src', 'cli', 'bin.js');
