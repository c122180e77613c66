import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadModule, runCommand, WasirunError, type RunOptions } from '../src/index.js';
import { pattern, startOrigin, type Origin } from './helpers/origin.js';
import { compileWat } from './helpers/wat.js';

/*
 * Guests that break the host contract of ABI-v1.md on purpose, written in WAT.
 * Each must stop with one exact trap line, and the host must run the next
 * guest in the same process as if nothing had happened.
 */

const tmp = mkdtempSync(join(tmpdir(), 'wasirun-adversarial-'));
let runs = 0;

after(() => {
  rmSync(tmp, { recursive: true, force: true });
});

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

type ImportName = keyof typeof IMPORTS;

/** Every drop-* function of v1. */
const DROPS = [
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

/** A bump allocator from 0x1000 that honours `align`. */
const BUMP_REALLOC = `
  (global $heap (mut i32) (i32.const 0x1000))
  (func (export "cabi_realloc") (param i32 i32) (param $align i32) (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get $align))))
    (global.set $heap (i32.add (local.get $p) (local.get $size)))
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

/**
 * A command module: the v1 imports it names, WASI's fd_write and proc_exit,
 * `memory`, `_start`, and helpers `$print(ptr, len)` (to stdout, iovec at
 * 0x40) and `$check(ok, code)` (proc_exit(code) unless ok).
 */
function wat(g: GuestText): string {
  const imports = g.imports.map((name) => {
    const [mod, field, params, result] = IMPORTS[name] as readonly [string, string, string, string?];
    return `(import "${mod}" "${field}" (func $${name} (param ${params})${result ? ` (result ${result})` : ''}))`;
  });
  return `(module
  ${imports.join('\n  ')}
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") ${g.pages ?? 1})
  ${g.realloc === false ? '' : (g.realloc ?? BUMP_REALLOC)}
  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0x40) (local.get $ptr))
    (i32.store (i32.const 0x44) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0x40) (i32.const 1) (i32.const 0x48))))
  (func $check (param $ok i32) (param $code i32)
    (if (i32.eqz (local.get $ok)) (then (call $proc_exit (local.get $code)))))
  ${g.fields ?? ''}
  (func (export "_start") ${g.start}))`;
}

/** Bytes as a WAT string literal's escapes. */
const escapeBytes = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => `\\${b.toString(16).padStart(2, '0')}`).join('');

/** Little-endian u32 words. */
function le32(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32LE(v >>> 0, i * 4));
  return b;
}

/** A data segment holding little-endian u32 words. */
const words = (at: number, ...values: number[]): string =>
  `(data (i32.const ${at}) "${escapeBytes(le32(...values))}")`;

/** A data segment holding UTF-8 text (or raw bytes). */
const text = (at: number, s: string | Uint8Array): string =>
  `(data (i32.const ${at}) "${escapeBytes(typeof s === 'string' ? Buffer.from(s) : s)}")`;

const i32s = (...values: number[]): string => values.map((v) => `(i32.const ${v | 0})`).join(' ');

interface Outcome {
  /** The exit code, or the WasirunError the run rejected with. */
  readonly result: number | WasirunError;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs a guest in this process with stdout and stderr in temp files. */
async function run(
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
function assertExit(o: Outcome, code = 0): Buffer {
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
async function assertNextGuestRuns(): Promise<void> {
  const o = await run(WELL_BEHAVED);
  assert.equal(assertExit(o).toString(), 'yes', 'the well-behaved guest after a trap');
  assert.equal(o.stderr, '');
}

/**
 * Runs the guest, expects exactly this trap (a function of what the guest
 * printed before it, when it depends on a handle), then shows the host survived.
 */
async function assertTrap(source: string, message: string | ((stdout: Buffer) => string)): Promise<Outcome> {
  const o = await run(source);
  const expected = typeof message === 'string' ? message : message(o.stdout);
  if (!(o.result instanceof WasirunError))
    assert.fail(`expected the trap "${expected}", got exit ${o.result}; stderr: ${o.stderr}`);
  assert.equal(o.result.code, 'WASIRUN_TRAP');
  assert.equal(o.result.message, expected);
  await assertNextGuestRuns();
  return o;
}

void describe('adversarial guests', () => {
  void it('should run the well-behaved guest on its own', async () => {
    await assertNextGuestRuns();
  });

  void describe('out-of-bounds memory', () => {
    void it('should trap when new-fields gets an entries list outside memory', async () => {
      await assertTrap(
        wat({ imports: ['new_fields'], start: `(drop (call $new_fields ${i32s(0xfffffff0, 1)}))` }),
        'types.new-fields: entries 0xfffffff0+16 is outside guest memory (65536 bytes)',
      );
      // In bounds at its start, but its one 16-byte element runs past the end.
      await assertTrap(
        wat({ imports: ['new_fields'], start: `(drop (call $new_fields ${i32s(0xfff8, 1)}))` }),
        'types.new-fields: entries 0xfff8+16 is outside guest memory (65536 bytes)',
      );
    });

    void it('should trap when an entry of new-fields points outside memory', async () => {
      await assertTrap(
        wat({
          imports: ['new_fields'],
          fields: [text(0x100, 'x'), words(0x200, 0x100, 1, 0x20000, 1)].join(' '),
          start: `(drop (call $new_fields ${i32s(0x200, 1)}))`,
        }),
        'types.new-fields: entries[0] 0x20000+1 is outside guest memory (65536 bytes)',
      );
    });

    void it('should trap when the length of log-it runs past the end of memory', async () => {
      await assertTrap(
        wat({ imports: ['log_it'], start: `(call $log_it ${i32s(0x100, 0x10000)})` }),
        'types.log-it: message 0x100+65536 is outside guest memory (65536 bytes)',
      );
    });

    void it('should trap when the return pointer of fields-entries is outside memory', async () => {
      const o = await assertTrap(
        wat({
          imports: ['new_fields', 'fields_entries'],
          fields: text(0x100, 'before\n'),
          start: `(local $f i32)
            (local.set $f (call $new_fields ${i32s(0, 0)}))
            (call $print ${i32s(0x100, 7)})
            (call $fields_entries (local.get $f) (i32.const 0xfffc))
            (call $print ${i32s(0x100, 7)})`,
        }),
        'types.fields-entries: return pointer 0xfffc+8 is outside guest memory (65536 bytes)',
      );
      assert.equal(o.stdout.toString(), 'before\n', 'output before the trap is kept, nothing runs after it');
    });
  });

  void describe('handles', () => {
    void it('should trap on an unknown handle', async () => {
      await assertTrap(
        wat({
          imports: ['incoming_response_status'],
          start: `(drop (call $incoming_response_status (i32.const 42)))`,
        }),
        'types.incoming-response-status: unknown incoming-response handle 42',
      );
    });

    void it('should trap on a handle of the wrong type, naming both types', async () => {
      await assertTrap(
        wat({
          imports: ['new_fields', 'read'],
          start: `(call $read (call $new_fields ${i32s(0, 0)}) (i64.const 10) (i32.const 0x10))`,
        }),
        'streams.read: handle 1 is a fields, not an input-stream',
      );
      await assertTrap(
        wat({
          imports: ['new_fields', 'new_outgoing_request', 'fields_get'],
          fields: text(0x100, '/example.com'),
          start: `(local $req i32)
            (local.set $req (call $new_outgoing_request
              ${i32s(0, 0, 0, 0x100, 1, 0, 0, 1, 0, 0, 0, 0x101, 11)} (call $new_fields ${i32s(0, 0)})))
            (i32.store (i32.const 0x10) (local.get $req))
            (call $print ${i32s(0x10, 4)})
            (call $fields_get (local.get $req) ${i32s(0x100, 1, 0x20)})`,
        }),
        (stdout) => `types.fields-get: handle ${stdout.readUInt32LE(0)} is an outgoing-request, not a fields`,
      );
    });

    void it('should treat double drops and unknown handles as harmless in every drop function, never reusing a handle', async () => {
      // The first handle is 1; no handle dropped below comes back in the next eight made.
      const live = ['f1', 'req', 'out', 'poll', 'resp', 'ftp', 'future'];
      const twice = (fn: ImportName, local: string): string =>
        `(call $${fn} (local.get $${local})) (call $${fn} (local.get $${local}))`;
      const unknown = DROPS.flatMap((fn) => [0, 9999, -1].map((h) => `(call $${fn} (i32.const ${h}))`));
      const notDropped = live.map(
        (h, k) => `(call $check (i32.ne (local.get $next) (local.get $${h})) (i32.const ${20 + k}))`,
      );
      const fresh = Array.from(
        { length: 8 },
        () => `(local.set $next (call $new_fields ${i32s(0, 0)}))
            (call $check (i32.ne (local.get $next) (i32.const 0)) (i32.const 13))
            ${notDropped.join(' ')}`,
      ).join('\n            ');
      const o = await run(
        wat({
          imports: [
            'new_fields',
            'new_outgoing_request',
            'outgoing_request_write',
            'subscribe_to_output_stream',
            'new_outgoing_response',
            'handle',
            ...DROPS,
          ],
          fields: text(0x100, '/127.0.0.1:9ftp'),
          start: `(local $f1 i32) (local $req i32) (local $out i32) (local $poll i32) (local $resp i32)
            (local $ftp i32) (local $future i32) (local $next i32)
            (local.set $f1 (call $new_fields ${i32s(0, 0)}))
            (call $check (i32.eq (local.get $f1) (i32.const 1)) (i32.const 10))
            (local.set $req (call $new_outgoing_request
              ${i32s(0, 0, 0, 0x100, 1, 0, 0, 1, 0, 0, 0, 0x101, 11)} (call $new_fields ${i32s(0, 0)})))
            (call $outgoing_request_write (local.get $req) (i32.const 0x10))
            (call $check (i32.eqz (i32.load (i32.const 0x10))) (i32.const 11))
            (local.set $out (i32.load (i32.const 0x14)))
            (local.set $poll (call $subscribe_to_output_stream (local.get $out)))
            (local.set $resp (call $new_outgoing_response (i32.const 200) (call $new_fields ${i32s(0, 0)})))
            (local.set $ftp (call $new_outgoing_request
              ${i32s(0, 0, 0, 0x100, 1, 0, 0, 1, 2, 0x10c, 3, 0x101, 11)} (call $new_fields ${i32s(0, 0)})))
            (local.set $future (call $handle (local.get $ftp) ${i32s(0, 0, 0, 0, 0, 0, 0)}))
            (call $check (i32.ne (local.get $future) (i32.const 0)) (i32.const 12))
            ${twice('drop_pollable', 'poll')}
            ${twice('drop_output_stream', 'out')}
            ${twice('drop_outgoing_request', 'req')}
            ${twice('drop_outgoing_response', 'resp')}
            ${twice('drop_future_incoming_response', 'future')}
            ${twice('drop_outgoing_request', 'ftp')}
            ${twice('drop_fields', 'f1')}
            ${unknown.join('\n            ')}
            ${fresh}`,
        }),
      );
      assertExit(o, 0);
      assert.equal(o.stderr, '');
    });

    void it('should trap on a handle used after its drop', async () => {
      await assertTrap(
        wat({
          imports: ['new_fields', 'drop_fields', 'fields_entries'],
          start: `(local $f i32)
            (local.set $f (call $new_fields ${i32s(0, 0)}))
            (call $drop_fields (local.get $f))
            (call $fields_entries (local.get $f) (i32.const 0x10))`,
        }),
        'types.fields-entries: unknown fields handle 1',
      );
    });
  });

  void describe('invalid values', () => {
    void it('should trap on a log-it message that is not UTF-8', async () => {
      await assertTrap(
        wat({
          imports: ['log_it'],
          fields: text(0x100, new Uint8Array([0xff, 0xfe])),
          start: `(call $log_it ${i32s(0x100, 2)})`,
        }),
        'types.log-it: message at 0x100 (2 bytes) is not valid UTF-8',
      );
    });

    void it('should trap on a header name that is not UTF-8', async () => {
      await assertTrap(
        wat({
          imports: ['new_fields'],
          fields: [
            text(0x100, new Uint8Array([0x78, 0xc3])),
            text(0x102, 'v'),
            words(0x200, 0x100, 2, 0x102, 1),
          ].join(' '),
          start: `(drop (call $new_fields ${i32s(0x200, 1)}))`,
        }),
        'types.new-fields: entries[0] at 0x100 (2 bytes) is not valid UTF-8',
      );
    });

    void it('should trap on method tag 12', async () => {
      await assertTrap(
        wat({
          imports: ['new_fields', 'new_outgoing_request'],
          fields: text(0x100, '/example.com'),
          start: `(drop (call $new_outgoing_request
            ${i32s(12, 0, 0, 0x100, 1, 0, 0, 1, 0, 0, 0, 0x101, 11)} (call $new_fields ${i32s(0, 0)})))`,
        }),
        'types.new-outgoing-request: method: invalid variant tag 12',
      );
    });

    void it('should trap on scheme tag 3', async () => {
      await assertTrap(
        wat({
          imports: ['new_fields', 'new_outgoing_request'],
          fields: text(0x100, '/example.com'),
          start: `(drop (call $new_outgoing_request
            ${i32s(0, 0, 0, 0x100, 1, 0, 0, 1, 3, 0, 0, 0x101, 11)} (call $new_fields ${i32s(0, 0)})))`,
        }),
        'types.new-outgoing-request: scheme: invalid variant tag 3',
      );
    });

    void it('should trap on option tag 2 for the scheme', async () => {
      await assertTrap(
        wat({
          imports: ['new_fields', 'new_outgoing_request'],
          fields: text(0x100, '/example.com'),
          start: `(drop (call $new_outgoing_request
            ${i32s(0, 0, 0, 0x100, 1, 0, 0, 2, 0, 0, 0, 0x101, 11)} (call $new_fields ${i32s(0, 0)})))`,
        }),
        'types.new-outgoing-request: scheme: invalid option tag 2',
      );
    });
  });

  void describe('cabi_realloc', () => {
    const oneEntry = [text(0x100, 'a1'), words(0x200, 0x100, 1, 0x101, 1)].join(' ');

    void it('should trap when cabi_realloc returns memory outside the guest', async () => {
      await assertTrap(
        wat({
          imports: ['new_fields', 'fields_entries'],
          realloc: `(func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 0xfffffff0))`,
          fields: oneEntry,
          start: `(call $fields_entries (call $new_fields ${i32s(0x200, 1)}) (i32.const 0x10))`,
        }),
        'types.fields-entries: cabi_realloc returned 0xfffffff0 for 16 bytes, outside guest memory (65536 bytes)',
      );
    });

    void it('should trap when a guest without cabi_realloc asks for a list', async () => {
      await assertTrap(
        wat({
          imports: ['new_fields', 'fields_get'],
          realloc: false,
          fields: oneEntry,
          start: `(call $fields_get (call $new_fields ${i32s(0x200, 1)}) ${i32s(0x100, 1, 0x10)})`,
        }),
        'types.fields-get: the guest exports no cabi_realloc, so the host cannot return data',
      );
    });

    void it('should write lists into memory that cabi_realloc grew', async () => {
      // A bump allocator from 0xfffc that grows memory by a page when it runs out.
      const growing = `
  (global $heap (mut i32) (i32.const 0xfffc))
  (func (export "cabi_realloc") (param i32 i32) (param $align i32) (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get $align))))
    (global.set $heap (i32.add (local.get $p) (local.get $size)))
    (if (i32.gt_u (global.get $heap) (i32.mul (memory.size) (i32.const 0x10000)))
      (then (drop (memory.grow (i32.const 1)))))
    (local.get $p))`;
      const o = await run(
        wat({
          imports: ['new_fields', 'fields_entries'],
          realloc: growing,
          fields: oneEntry,
          start: `(local $elem i32)
            (call $fields_entries (call $new_fields ${i32s(0x200, 1)}) (i32.const 0x10))
            (call $print ${i32s(0x10, 8)})
            (local.set $elem (i32.load (i32.const 0x10)))
            (call $print (local.get $elem) (i32.const 16))
            (call $print (i32.load (local.get $elem)) (i32.load offset=4 (local.get $elem)))
            (call $print (i32.load offset=8 (local.get $elem)) (i32.load offset=12 (local.get $elem)))`,
        }),
      );
      const stdout = assertExit(o);
      assert.deepEqual(
        stdout,
        Buffer.concat([le32(0xfffc, 1), le32(0x1000c, 1, 0x1000d, 1), Buffer.from('a1')]),
        'the entry array at 0xfffc (in the new page from +4), its strings in the new page',
      );
    });

    void it("should report a trap inside the guest's cabi_realloc as the guest's trap", async () => {
      await assertTrap(
        wat({
          imports: ['new_fields', 'fields_entries'],
          realloc: `(func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) unreachable)`,
          fields: oneEntry,
          start: `(call $fields_entries (call $new_fields ${i32s(0x200, 1)}) (i32.const 0x10))`,
        }),
        'guest trapped: unreachable',
      );
    });

    void it('should exit with the code that cabi_realloc passed to proc_exit', async () => {
      const o = await run(
        wat({
          imports: ['new_fields', 'fields_entries'],
          realloc: `(func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
            (call $proc_exit (i32.const 7)) (i32.const 0x1000))`,
          fields: oneEntry,
          start: `(call $fields_entries (call $new_fields ${i32s(0x200, 1)}) (i32.const 0x10))`,
        }),
      );
      assertExit(o, 7);
      assert.equal(o.stderr, '');
      await assertNextGuestRuns();
    });
  });

  void describe('huge read lengths', () => {
    let origin: Origin;
    const small = Buffer.from('a small body, read whole\n');
    const big = pattern(0, (1 << 20) + 10);

    before(async () => {
      origin = await startOrigin((req, res) => {
        req.resume();
        res.end(req.url === '/big' ? big : small);
      });
    });
    after(async () => {
      await origin.close();
    });

    /**
     * GETs PATH, then `reads` times: read(LEN) into the area at 0x20 and
     * prints the 16-byte area and the bytes it points to. Drops every
     * handle twice at the end.
     */
    const reader = (path: string, len: string, reads: number): string => {
      const url = `${path}${origin.authority}`;
      return wat({
        imports: [
          'new_fields',
          'new_outgoing_request',
          'handle',
          'future_incoming_response_get',
          'incoming_response_consume',
          'read',
          'drop_input_stream',
          'drop_incoming_response',
          'drop_future_incoming_response',
          'drop_outgoing_request',
          'drop_fields',
        ],
        pages: 32,
        fields: text(0x100, url),
        start: `(local $headers i32) (local $req i32) (local $future i32) (local $resp i32) (local $in i32)
          (local.set $headers (call $new_fields ${i32s(0, 0)}))
          (local.set $req (call $new_outgoing_request
            ${i32s(0, 0, 0, 0x100, path.length, 0, 0, 1, 0, 0, 0, 0x100 + path.length, origin.authority.length)}
            (local.get $headers)))
          (local.set $future (call $handle (local.get $req) ${i32s(0, 0, 0, 0, 0, 0, 0)}))
          (call $future_incoming_response_get (local.get $future) (i32.const 0x20))
          (call $check (i32.eq (i32.load (i32.const 0x20)) (i32.const 1)) (i32.const 10))
          (call $check (i32.eqz (i32.load (i32.const 0x24))) (i32.const 11))
          (local.set $resp (i32.load (i32.const 0x28)))
          (call $incoming_response_consume (local.get $resp) (i32.const 0x20))
          (call $check (i32.eqz (i32.load (i32.const 0x20))) (i32.const 12))
          (local.set $in (i32.load (i32.const 0x24)))
          ${`(call $read (local.get $in) (i64.const ${len}) (i32.const 0x20))
          (call $print ${i32s(0x20, 16)})
          (call $print (i32.load (i32.const 0x24)) (i32.load (i32.const 0x28)))`.repeat(reads)}
          (call $drop_input_stream (local.get $in)) (call $drop_input_stream (local.get $in))
          (call $drop_incoming_response (local.get $resp)) (call $drop_incoming_response (local.get $resp))
          (call $drop_future_incoming_response (local.get $future))
          (call $drop_future_incoming_response (local.get $future))
          (call $drop_outgoing_request (local.get $req)) (call $drop_outgoing_request (local.get $req))
          (call $drop_fields (local.get $headers)) (call $drop_fields (local.get $headers))`,
      });
    };

    /** Splits what the reader printed into reads: tag, ptr, len, end and the bytes. */
    function reads(stdout: Buffer): { words: number[]; bytes: Buffer }[] {
      const out = [];
      let at = 0;
      while (at < stdout.length) {
        const area = stdout.subarray(at, at + 16);
        const words = [0, 4, 8, 12].map((o) => area.readUInt32LE(o));
        const len = words[2] ?? 0;
        out.push({ words, bytes: stdout.subarray(at + 16, at + 16 + len) });
        at += 16 + len;
      }
      return out;
    }

    for (const [name, len] of [
      ['2^63', '0x8000000000000000'],
      ['u64::MAX', '-1'],
    ] as const) {
      void it(`should read a whole small body with a read of ${name} bytes`, async () => {
        const o = await run(reader('/small', len, 1));
        const [first, ...rest] = reads(assertExit(o));
        assert.deepEqual(rest, []);
        assert.ok(first);
        const [tag, ptr, count, end] = first.words;
        assert.deepEqual([tag, count, end], [0, small.length, 1], 'ok, the whole body, and its end');
        assert.ok(ptr !== undefined && ptr >= 0x1000 && ptr + small.length <= 32 * 65536, `ptr ${ptr}`);
        assert.deepEqual(first.bytes, small);
        assert.equal(o.stderr, '');
      });
    }

    void it('should cap a read of u64::MAX bytes at 1 MiB', async () => {
      const o = await run(reader('/big', '-1', 2));
      const got = reads(assertExit(o));
      assert.equal(got.length, 2);
      const [first, second] = got;
      assert.ok(first && second);
      assert.deepEqual(
        [first.words[0], first.words[2], first.words[3]],
        [0, 1 << 20, 0],
        'ok, 1 MiB, not the end',
      );
      assert.deepEqual(
        [second.words[0], second.words[2], second.words[3]],
        [0, 10, 1],
        'ok, 10 bytes, the end',
      );
      assert.ok(Buffer.concat([first.bytes, second.bytes]).equals(big), 'the body, byte for byte');
    });
  });

  void describe('guest-side traps', () => {
    void it('should report an unreachable in the guest', async () => {
      await assertTrap(wat({ imports: [], start: 'unreachable' }), 'guest trapped: unreachable');
    });
  });
});
