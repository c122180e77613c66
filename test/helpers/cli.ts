import { spawn } from 'node:child_process';
import { BIN } from './paths.js';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout as bytes, for guests that print binary. */
  readonly raw: Buffer;
}

/** Runs `wasirun ARGS` as a user would, in its own process; `env` adds variables, or removes them (undefined). */
export function wasirun(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const merged = Object.entries({ ...process.env, ...env }).filter(([, v]) => v !== undefined);
    const child = spawn(process.execPath, [BIN, ...args], { env: Object.fromEntries(merged) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const raw = Buffer.concat(out);
      resolve({ code, stdout: raw.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), raw });
    });
  });
}

/** The `name: value` lines a test guest printed with a prefix, e.g. `header: `. */
export function lines(stdout: string, prefix: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith(prefix))
    .map((l) => l.slice(prefix.length));
}

/** The value of the first `key: value` line. */
export function field(stdout: string, key: string): string | undefined {
  return lines(stdout, `${key}: `)[0];
}
