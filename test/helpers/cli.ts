import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { BIN } from './paths.js';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout as bytes, for guests that print binary. */
  readonly raw: Buffer;
}

/** How {@link wasirun} treats the process. */
export interface RunControl {
  /** Kill a run that takes longer (its code is then null), so a hang fails the test instead of stalling it. */
  readonly timeoutMs?: number;
  /** Leave stdout and stderr unread this long, so their pipes fill up. */
  readonly readDelayMs?: number;
}

/**
 * Runs `wasirun ARGS` as a user would, in its own process; `env` adds
 * variables, or removes them (undefined).
 */
export function wasirun(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
  { timeoutMs, readDelayMs }: RunControl = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const merged = Object.entries({ ...process.env, ...env }).filter(([, v]) => v !== undefined);
    const child = spawn(process.execPath, [BIN, ...args], {
      env: Object.fromEntries(merged),
      ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const read = (): void => {
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
    };
    if (readDelayMs === undefined) read();
    else setTimeout(read, readDelayMs);
    child.on('error', reject);
    child.on('close', (code) => {
      const raw = Buffer.concat(out);
      resolve({ code, stdout: raw.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), raw });
    });
  });
}

/** Runs the command and checks what must hold for every run: Node's WASI warning never shows. */
export async function run(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  const r = await wasirun(args, env);
  assert.doesNotMatch(r.stderr, /ExperimentalWarning|WASI is an experimental/, r.stderr);
  return r;
}

/** Runs the command with stdout and stderr pipes nobody reads for `delayMs`, so they fill up. */
export function runWithSlowReader(args: readonly string[], delayMs: number): Promise<CliResult> {
  return wasirun(args, {}, { readDelayMs: delayMs });
}

/** `s` with the characters special in a regular expression escaped. */
export const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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
