import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModule, runCommand, WasirunError, type RunOptions } from '../../src/index.js';
import { tempDir } from './paths.js';
import { compileWat, escapeBytes, le32 } from './wat.js';

/*
 * Guests that break the host contract of ABI-v1.md on purpose, written in WAT.
 * Each must stop with one exact trap line, and the host must run the next
 * guest in the same process as if nothing had happened.
 */

const tmp = tempDir('wasirun-adversarial-');
let runs = 0;

/** Core signatures of the v1 imports, exactly as in the ABI table: [module, name, params, result]. */
const IMPORTS = {
  new_fields: ['types', 'new-fields', 'i32 i32', 'i32'],
  fields_get: ['types', 'fields-get', 'i32 i32 i32 i32'],
  fields_entries: ['types', 'fields-entries', 'i32 i32'],
  drop_fields: ['types', 'drop-fields', 'i32'],
  new_outgoing_request: ['types', 'new-outgoing-request', Array(14).fill('i32').join(' '), 'i32'],
  outgoing_request_write: ['types', 'outgoing-request-write', 'i32 i32'],
  drop_outgoing_request: ['types', 'drop-outgoing-request', 'i32'],
  drop_incoming_request: ['types', 'drop-incoming-request', 'i32'],
  new_outgoing_response: ['types', 'new-outgoing-response', 'i32 i32', 'i32'],
  drop_outgoing_response: ['types', 'drop-outgoing-response', 'i32'],
  drop_response_outparam: ['types', 'drop-response-outparam', 'i32'],
  incoming_response_status: ['types', 'incoming-response-status', 'i32', 'i32'],
  incoming_response_consume: ['types', 'incoming-response-consume', 'i32 i32'],
  drop_incoming_response: ['types', 'drop-incoming-response', 'i32'],
  future_incoming_response_get: ['types', 'future-incoming-response-get', 'i32 i32'],
  drop_future_incoming_response: ['types', 'drop-future-incoming-response', 'i32'],
  log_it: ['types', 'log-it', 'i32 i32'],
  handle: ['default-outgoing-HTTP', 'handle', Array(8).fill('i32').join(' '), 'i32'],
  read: ['streams', 'read', 'i32 i64 i32'],
  subscribe_to_output_stream: ['streams', 'subscribe-to-output-stream', 'i32', 'i32'],
  drop_input_stream: ['streams', 'drop-input-stream', 'i32'],
  drop_output_stream: ['streams', 'drop-output-stream', 'i32'],
  drop_pollable: ['poll', 'drop-pollable', 'i32'],
} as const satisfies Record<string, readonly [string, string, string, string?]>;

export type ImportName = keyof typeof IMPORTS;

/** Every drop-* function of v1. */
export const DROPS = [
  'drop_fields',
  'drop_outgoing_request',
  'drop_incoming_request',
  'drop_outgoing_response',
  'drop_response_outparam',
  'drop_incoming_response',
  'drop_future_incoming_response',
  'drop_input_stream',
  'drop_output_stream',
  'drop_pollable',
] as const satisfies readonly ImportName[];

/**
 * A bump allocator from `from` that honours `align` (not the BUMP_REALLOC of
 * wat.ts, which ignores it); with `grow`, memory grows by a page whenever
 * the heap passes its end.
 */
export const alignedBump = (from: number, grow = false): string => `
  (global $heap (mut i32) (i32.const ${from}))
  (func (export "cabi_realloc") (param i32 i32) (param $align i32) (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get $align))))
    (global.set $heap (i32.add (local.get $p) (local.get $size)))${
      grow
        ? `
    (if (i32.gt_u (global.get $heap) (i32.mul (memory.size) (i32.const 0x10000)))
      (then (drop (memory.grow (i32.const 1)))))`
        : ''
    }
    (local.get $p))`;

interface GuestText {
  /** v1 imports the guest uses. */
  readonly imports: readonly ImportName[];
  /** The body of `_start`, which may declare locals first. */
  readonly start: string;
  /** `(data …)` segments and other module fields. */
  readonly fields?: string;
  /** The `cabi_realloc` export: a bump allocator unless replaced, or none at all. */
  readonly realloc?: string | false;
  readonly pages?: number;
}

/** WASI's fd_write and proc_exit, which every test guest imports. */
export const WASI_IMPORTS = `
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))`;

/** `$print(ptr, len)`: fd_write to stdout, iovec at 0x40; `$check(ok, code)`: proc_exit(code) unless ok. */
export const PRINT_AND_CHECK = `
  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0x40) (local.get $ptr))
    (i32.store (i32.const 0x44) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0x40) (i32.const 1) (i32.const 0x48))))
  (func $check (param $ok i32) (param $code i32)
    (if (i32.eqz (local.get $ok)) (then (call $proc_exit (local.get $code)))))`;

/**
 * A command module: the v1 imports it names, WASI's fd_write and proc_exit,
 * `memory`, `_start`, and helpers `$print(ptr, len)` (to stdout, iovec at
 * 0x40) and `$check(ok, code)` (proc_exit(code) unless ok).
 */
export function wat(g: GuestText): string {
  const imports = g.imports.map((name) => {
    const [mod, field, params, result] = IMPORTS[name] as readonly [string, string, string, string?];
    return `(import "${mod}" "${field}" (func $${name} (param ${params})${result ? ` (result ${result})` : ''}))`;
  });
  return `(module
  ${imports.join('\n  ')}
  ${WASI_IMPORTS}
  (memory (export "memory") ${g.pages ?? 1})
  ${g.realloc === false ? '' : (g.realloc ?? alignedBump(0x1000))}
  ${PRINT_AND_CHECK}
  ${g.fields ?? ''}
  (func (export "_start") ${g.start}))`;
}

/** A data segment holding little-endian u32 words. */
export const words = (at: number, ...values: number[]): string =>
  `(data (i32.const ${at}) "${escapeBytes(le32(...values))}")`;

/** A data segment holding UTF-8 text (or raw bytes). */
export const text = (at: number, s: string | Uint8Array): string =>
  `(data (i32.const ${at}) "${escapeBytes(typeof s === 'string' ? Buffer.from(s) : s)}")`;

interface Outcome {
  /** The exit code, or the WasirunError the run rejected with. */
  readonly result: number | WasirunError;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs a guest in this process with stdout and stderr in temp files. */
export async function run(
  source: string | Uint8Array,
  options: Omit<RunOptions, 'stdout' | 'stderr'> = {},
): Promise<Outcome> {
  const mod = await loadModule(typeof source === 'string' ? await compileWat(source) : source);
  const n = ++runs;
  const outPath = join(tmp, `${n}.out`);
  const errPath = join(tmp, `${n}.err`);
  const stdout = openSync(outPath, 'w');
  const stderr = openSync(errPath, 'w');
  let result: number | WasirunError;
  try {
    result = await runCommand(mod, { ...options, stdout, stderr });
  } catch (err) {
    if (!(err instanceof WasirunError)) throw err;
    result = err;
  } finally {
    closeSync(stdout);
    closeSync(stderr);
  }
  return { result, stdout: readFileSync(outPath), stderr: readFileSync(errPath, 'utf8') };
}

/** Asserts the guest exited with `code`; returns its stdout. */
export function assertExit(o: Outcome, code = 0): Buffer {
  if (o.result instanceof WasirunError)
    assert.fail(`expected exit ${code}, got ${o.result.code}: ${o.result.message}`);
  assert.equal(o.result, code, `exit code; stderr: ${o.stderr}`);
  return o.stdout;
}

/**
 * A well-behaved guest: builds fields {x-ok: yes} (its first handle must be
 * 1), reads X-OK back with fields-get and prints the value.
 */
const WELL_BEHAVED = wat({
  imports: ['new_fields', 'fields_get'],
  fields: [text(0x100, 'x-okyes'), words(0x200, 0x100, 4, 0x104, 3), text(0x110, 'X-OK')].join('\n  '),
  start: `(local $f i32) (local $elems i32)
    (local.set $f (call $new_fields (i32.const 0x200) (i32.const 1)))
    (call $check (i32.eq (local.get $f) (i32.const 1)) (i32.const 2))
    (call $fields_get (local.get $f) (i32.const 0x110) (i32.const 4) (i32.const 0x10))
    (call $check (i32.eq (i32.load (i32.const 0x14)) (i32.const 1)) (i32.const 3))
    (local.set $elems (i32.load (i32.const 0x10)))
    (call $print (i32.load (local.get $elems)) (i32.load offset=4 (local.get $elems)))`,
});

/** The host is still fine: the next guest in this process runs and prints what it should. */
export async function assertNextGuestRuns(): Promise<void> {
  const o = await run(WELL_BEHAVED);
  assert.equal(assertExit(o).toString(), 'yes', 'the well-behaved guest after a trap');
  assert.equal(o.stderr, '');
}

/**
 * Runs the guest, expects exactly this trap (a function of what the guest
 * printed before it, when it depends on a handle), then shows the host survived.
 */
export async function assertTrap(
  source: string,
  message: string | ((stdout: Buffer) => string),
): Promise<Outcome> {
  const o = await run(source);
  const expected = typeof message === 'string' ? message : message(o.stdout);
  if (!(o.result instanceof WasirunError))
    assert.fail(`expected the trap "${expected}", got exit ${o.result}; stderr: ${o.stderr}`);
  assert.equal(o.result.code, 'WASIRUN_TRAP');
  assert.equal(o.result.message, expected);
  await assertNextGuestRuns();
  return o;
}
