import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadModule, runCommand, WasirunError, type RunOptions } from '../src/index.js';
import { field, wasirun, type CliResult } from './helpers/cli.js';
import { startOrigin, type Origin } from './helpers/origin.js';
import { compileWat } from './helpers/wat.js';
import { guest } from './helpers/paths.js';

/*
 * Exactly what the host writes into guest memory, per the ABI table of
 * ABI-v1.md: sizes, offsets, whole u32 words for tags and bools, lists
 * allocated through cabi_realloc, and flattened parameters.
 */

const tmp = mkdtempSync(join(tmpdir(), 'wasirun-abi-'));
let runs = 0;

after(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const UNTOUCHED = 0x3f;

/** The 32 bytes abi-probe printed as `NAME: <hex>`. */
function area(r: CliResult, name: string): Buffer {
  const hex = field(r.stdout, name);
  assert.ok(hex !== undefined, `abi-probe printed no "${name}" line:\n${r.stdout}`);
  assert.match(hex, /^[0-9a-f]{64}$/, name);
  return Buffer.from(hex, 'hex');
}

/** Little-endian u32 words of an area, from offset 0. */
const words = (b: Buffer, count: number): number[] =>
  Array.from({ length: count }, (_, i) => b.readUInt32LE(i * 4));

/** Asserts the host wrote nothing from `from` on: the probe's '?' fill is still there. */
function assertUntouchedFrom(b: Buffer, from: number, name: string): void {
  assert.deepEqual(
    b.subarray(from),
    Buffer.alloc(b.length - from, UNTOUCHED),
    `${name}: bytes from +${from} must stay 0x3f (the result is ${from} bytes)`,
  );
}

/** The initial size of a module's memory: instantiated with stub imports, never run. */
function initialMemorySize(bytes: Uint8Array): number {
  const mod = new WebAssembly.Module(bytes);
  const imports: Record<string, Record<string, () => number>> = {};
  for (const i of WebAssembly.Module.imports(mod)) (imports[i.module] ??= {})[i.name] = () => 0;
  const { memory } = new WebAssembly.Instance(mod, imports).exports;
  assert.ok(memory instanceof WebAssembly.Memory);
  return memory.buffer.byteLength;
}

void describe('abi-probe: what the host writes at a return pointer', () => {
  const probe = guest('abi-probe');
  let origin: Origin;
  let r: CliResult;
  let memSize: number;

  /** A list the host allocated: non-zero, aligned, and inside the guest's memory. */
  const assertList = (name: string, ptr: number, bytes: number, align: number): void => {
    assert.notEqual(ptr, 0, `${name}: list pointer`);
    assert.equal(ptr % align, 0, `${name}: list pointer 0x${ptr.toString(16)} aligned to ${align}`);
    assert.ok(ptr + bytes <= memSize, `${name}: 0x${ptr.toString(16)}+${bytes} inside ${memSize} bytes`);
  };

  before(async () => {
    memSize = initialMemorySize(readFileSync(probe));
    origin = await startOrigin((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.method === 'GET') {
          // Chunked, with a trailer: finish-incoming-stream has some to return.
          res.writeHead(200, { Trailer: 'x-trailer' });
          res.write('0123');
          res.write('456789');
          res.addTrailers({ 'x-trailer': 'tail' });
          res.end();
        } else {
          res.end('posted');
        }
      });
    });
    r = await wasirun([probe, `${origin.url}/probe`]);
  });
  after(async () => {
    await origin.close();
  });

  void it('should run to the end', () => {
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stderr, '');
    assert.ok(r.stdout.endsWith('\ndone\n'), r.stdout);
  });

  void it('should write fields-get and fields-entries as ptr, len (8 bytes)', () => {
    for (const [name, elem] of [
      ['fields-get', 8],
      ['fields-entries', 16],
    ] as const) {
      const b = area(r, name);
      const [ptr = 0, len] = words(b, 2);
      assert.equal(len, 2, `${name}: len`);
      assertList(name, ptr, 2 * elem, 4);
      assertUntouchedFrom(b, 8, name);
    }
    assert.equal(field(r.stdout, 'fields-get-list'), '1:1,1:2');
    assert.equal(field(r.stdout, 'fields-entries-list'), '1:a=1:1,1:a=1:2');
  });

  void it('should write a result<handle> as tag and handle (8 bytes)', () => {
    for (const name of ['outgoing-request-write', 'incoming-response-consume', 'outgoing-request-write-2']) {
      const b = area(r, name);
      const [tag, handle] = words(b, 2);
      assert.equal(tag, 0, `${name}: ok as a whole u32`);
      assert.notEqual(handle, 0, `${name}: handle`);
      assertUntouchedFrom(b, 8, name);
    }
  });

  void it('should write future-incoming-response-get ok as is_some 1, is_err 0, response, zeros (20 bytes)', () => {
    const b = area(r, 'future-incoming-response-get');
    const [isSome, isErr, response, pad1, pad2] = words(b, 5);
    assert.deepEqual([isSome, isErr, pad1, pad2], [1, 0, 0, 0]);
    assert.notEqual(response, 0);
    assertUntouchedFrom(b, 20, 'future-incoming-response-get');
  });

  void it('should write future-incoming-response-get err as is_some 1, is_err 1, error tag, ptr, len (20 bytes)', () => {
    const b = area(r, 'future-incoming-response-get-error');
    const [isSome, isErr, tag, ptr = 0, len = 0] = words(b, 5);
    assert.deepEqual([isSome, isErr, tag], [1, 1, 0], 'some(err(invalid-url))');
    assertList('future-incoming-response-get-error', ptr, len, 1);
    assertUntouchedFrom(b, 20, 'future-incoming-response-get-error');
    const printed = /^0:(\d+):(.*)$/.exec(field(r.stdout, 'future-error-list') ?? '');
    assert.ok(printed, r.stdout);
    assert.equal(Number(printed[1]), len);
    assert.equal(Buffer.byteLength(printed[2] ?? ''), len);
    assert.ok(printed[2]?.startsWith('unsupported scheme "ftp"'), printed[2]);
  });

  void it('should write read as tag, ptr, len, end (16 bytes), end 1 only on the last read', () => {
    for (const [name, end, body] of [
      ['read', 0, '4:0123'],
      ['read-rest', 1, '4:6789'],
    ] as const) {
      const b = area(r, name);
      const [tag, ptr = 0, len, endWord] = words(b, 4);
      assert.deepEqual(
        [tag, len, endWord],
        [0, 4, end],
        `${name}: ok, 4 bytes, end ${end} as whole u32 words`,
      );
      assertList(name, ptr, 4, 1);
      assertUntouchedFrom(b, 16, name);
      assert.equal(field(r.stdout, `${name}-list`), body);
    }
  });

  void it('should write skip as tag at +0, u64 count at +8, end at +16 (24 bytes)', () => {
    const b = area(r, 'skip');
    assert.deepEqual(words(b, 2), [0, 0], 'tag ok and zero padding');
    assert.equal(b.readBigUInt64LE(8), 2n, 'count');
    assert.deepEqual([b.readUInt32LE(16), b.readUInt32LE(20)], [0, 0], 'end false and zero padding');
    assertUntouchedFrom(b, 24, 'skip');
  });

  void it('should write finish-incoming-stream as is_some, trailers (8 bytes)', () => {
    const b = area(r, 'finish-incoming-stream');
    const [isSome, trailers] = words(b, 2);
    assert.equal(isSome, 1);
    assert.notEqual(trailers, 0);
    assertUntouchedFrom(b, 8, 'finish-incoming-stream');
    assert.equal(field(r.stdout, 'trailers-list'), '9:x-trailer=4:tail');
  });

  void it('should write write and write-zeroes as tag at +0, u64 count at +8 (16 bytes)', () => {
    for (const [name, count] of [
      ['write', 5n],
      ['write-zeroes', 3n],
    ] as const) {
      const b = area(r, name);
      assert.deepEqual(words(b, 2), [0, 0], `${name}: tag ok and zero padding`);
      assert.equal(b.readBigUInt64LE(8), count, `${name}: count`);
      assertUntouchedFrom(b, 16, name);
    }
    assert.equal(field(r.stdout, 'second-response'), '200');
    const post = origin.seen.find((s) => s.method === 'POST');
    assert.deepEqual(post?.body, Buffer.from('hello\0\0\0'), 'the bytes the counts stand for');
  });

  void it('should return distinct handles', () => {
    const handles = [
      words(area(r, 'outgoing-request-write'), 2)[1],
      words(area(r, 'future-incoming-response-get'), 3)[2],
      words(area(r, 'incoming-response-consume'), 2)[1],
      words(area(r, 'finish-incoming-stream'), 2)[1],
      words(area(r, 'outgoing-request-write-2'), 2)[1],
    ];
    assert.equal(new Set(handles).size, handles.length, handles.join(','));
  });

  void it('should write poll-oneoff as a list<u8> with one byte per pollable', () => {
    const b = area(r, 'poll-oneoff');
    const [ptr = 0, len] = words(b, 2);
    assert.equal(len, 1);
    assertList('poll-oneoff', ptr, 1, 1);
    assertUntouchedFrom(b, 8, 'poll-oneoff');
    assert.equal(field(r.stdout, 'poll-oneoff-list'), '1:01');
  });

  void it('should write get-random-bytes as ptr, len and insecure-random as two u64 (16 bytes)', () => {
    const bytes = area(r, 'get-random-bytes');
    const [ptr = 0, len] = words(bytes, 2);
    assert.equal(len, 8);
    assertList('get-random-bytes', ptr, 8, 1);
    assertUntouchedFrom(bytes, 8, 'get-random-bytes');
    assert.equal(field(r.stdout, 'get-random-bytes-list'), '8');

    const random = area(r, 'insecure-random');
    assert.notDeepEqual(random.subarray(0, 16), Buffer.alloc(16, UNTOUCHED), 'the two u64 were written');
    assertUntouchedFrom(random, 16, 'insecure-random');
  });
});

/* In-process runs of WAT guests. */

/** Runs WAT in this process with stdout and stderr in temp files; a trap fails the test. */
async function run(
  source: string,
  options: Omit<RunOptions, 'stdout' | 'stderr'> = {},
): Promise<{ stdout: Buffer; stderr: string }> {
  const mod = await loadModule(await compileWat(source));
  const n = ++runs;
  const outPath = join(tmp, `${n}.out`);
  const errPath = join(tmp, `${n}.err`);
  const stdout = openSync(outPath, 'w');
  const stderr = openSync(errPath, 'w');
  let code: number;
  try {
    code = await runCommand(mod, { ...options, stdout, stderr });
  } catch (err) {
    if (err instanceof WasirunError) assert.fail(`the guest trapped: ${err.message}`);
    throw err;
  } finally {
    closeSync(stdout);
    closeSync(stderr);
  }
  const out = { stdout: readFileSync(outPath), stderr: readFileSync(errPath, 'utf8') };
  assert.equal(code, 0, `exit code; stderr: ${out.stderr}`);
  return out;
}

const le32 = (...values: number[]): Buffer => {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32LE(v >>> 0, i * 4));
  return b;
};

const escapeBytes = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => `\\${b.toString(16).padStart(2, '0')}`).join('');

const data = (at: number, bytes: Uint8Array | string): string =>
  `(data (i32.const ${at}) "${escapeBytes(typeof bytes === 'string' ? Buffer.from(bytes) : bytes)}")`;

const i32s = (...values: number[]): string => values.map((v) => `(i32.const ${v | 0})`).join(' ');

/** fd_write of [ptr, ptr + len) to stdout, iovec at 0x40; and proc_exit(code) unless ok. */
const PRINT_AND_CHECK = `
  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0x40) (local.get $ptr))
    (i32.store (i32.const 0x44) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0x40) (i32.const 1) (i32.const 0x48))))
  (func $check (param $ok i32) (param $code i32)
    (if (i32.eqz (local.get $ok)) (then (call $proc_exit (local.get $code)))))`;

const WASI_IMPORTS = `
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))`;

void describe('a return pointer of 0', () => {
  /*
   * memory[0..16) starts as '?'. new-fields builds x-a: 1, x-b: two, x-a: 333;
   * fields-get X-A and fields-entries both get rp = 0. After each the guest
   * prints memory[0..16), the element array and each string, and at the end
   * the log of its cabi_realloc calls (old ptr, old size, align, size).
   * Its bump allocator starts at 0x1000, so every pointer is known.
   */
  const GUEST = `(module
  (import "types" "new-fields" (func $new_fields (param i32 i32) (result i32)))
  (import "types" "fields-get" (func $fields_get (param i32 i32 i32 i32)))
  (import "types" "fields-entries" (func $fields_entries (param i32 i32)))
  ${WASI_IMPORTS}
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 0x1000))
  (global $log (mut i32) (i32.const 0x800))
  (func (export "cabi_realloc") (param $old i32) (param $oldSize i32) (param $align i32) (param $size i32)
    (result i32)
    (local $p i32)
    (i32.store (global.get $log) (local.get $old))
    (i32.store offset=4 (global.get $log) (local.get $oldSize))
    (i32.store offset=8 (global.get $log) (local.get $align))
    (i32.store offset=12 (global.get $log) (local.get $size))
    (global.set $log (i32.add (global.get $log) (i32.const 16)))
    (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get $align))))
    (global.set $heap (i32.add (local.get $p) (local.get $size)))
    (local.get $p))
  ${PRINT_AND_CHECK}
  ${data(0, '????????????????')}
  ${data(0x100, 'x-a1x-btwox-a333X-A')}
  ${data(0x200, le32(0x100, 3, 0x103, 1, 0x104, 3, 0x107, 3, 0x10a, 3, 0x10d, 3))}
  ;; prints memory[0..16), then the list at 0/4 of n strings per element of size 8 * n
  (func $dump (param $strings i32)
    (local $arr i32) (local $len i32) (local $i i32)
    (call $print (i32.const 0) (i32.const 16))
    (local.set $arr (i32.load (i32.const 0)))
    (local.set $len (i32.mul (i32.load (i32.const 4)) (local.get $strings)))
    (call $print (local.get $arr) (i32.mul (local.get $len) (i32.const 8)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (call $print (i32.load (local.get $arr)) (i32.load offset=4 (local.get $arr)))
        (local.set $arr (i32.add (local.get $arr) (i32.const 8)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))
  (func (export "_start")
    (local $f i32)
    (local.set $f (call $new_fields (i32.const 0x200) (i32.const 3)))
    (call $fields_get (local.get $f) (i32.const 0x110) (i32.const 3) (i32.const 0))
    (call $dump (i32.const 1))
    (i64.store (i32.const 0) (i64.const 0x3f3f3f3f3f3f3f3f))
    (i64.store (i32.const 8) (i64.const 0x3f3f3f3f3f3f3f3f))
    (call $fields_entries (local.get $f) (i32.const 0))
    (call $dump (i32.const 2))
    (call $print (i32.const 0x800) (i32.sub (global.get $log) (i32.const 0x800)))))`;

  void it('should write ptr and len at address 0 and the lists through cabi_realloc', async () => {
    const { stdout, stderr } = await run(GUEST);
    assert.equal(stderr, '');
    const fill = Buffer.alloc(8, UNTOUCHED);
    const get = Buffer.concat([
      le32(0x1000, 2), // rp = 0: the element array at 0x1000, 2 strings
      fill, // memory[8..16) untouched
      le32(0x1010, 1, 0x1011, 3), // the elements: "1" and "333", allocated after the array
      Buffer.from('1333'),
    ]);
    const entries = Buffer.concat([
      le32(0x1014, 3),
      fill,
      le32(0x1044, 3, 0x1047, 1, 0x1048, 3, 0x104b, 3, 0x104e, 3, 0x1051, 3),
      Buffer.from('x-a1x-btwox-a333'),
    ]);
    const reallocs = [
      [0, 0, 4, 16], // fields-get: the array of 2 strings
      [0, 0, 1, 1],
      [0, 0, 1, 3],
      [0, 0, 4, 48], // fields-entries: the array of 3 (string, string)
      [0, 0, 1, 3],
      [0, 0, 1, 1],
      [0, 0, 1, 3],
      [0, 0, 1, 3],
      [0, 0, 1, 3],
      [0, 0, 1, 3],
    ];
    const log = stdout.subarray(get.length + entries.length);
    assert.deepEqual(
      Array.from({ length: log.length / 16 }, (_, i) => words(log.subarray(i * 16), 4)),
      reallocs,
      'cabi_realloc(0, 0, align, size): each array first, then each string in order',
    );
    assert.deepEqual(stdout.subarray(0, get.length), get, 'fields-get with rp = 0');
    assert.deepEqual(
      stdout.subarray(get.length, get.length + entries.length),
      entries,
      'fields-entries with rp = 0',
    );
  });
});

void describe('flattened parameters', () => {
  /*
   * new-outgoing-request's flat parameters: method tag, other ptr, other len,
   * path, query, scheme is_some, scheme tag, scheme other ptr, len, authority,
   * headers. Slots of a case that is not taken hold garbage here; the host
   * must ignore them. The guest prints each request handle as a u32.
   */
  const GARBAGE_PTR = 0xfffffff0;
  const GARBAGE_LEN = 0x7fffffff;
  const requests: [string, number[]][] = [
    // get with garbage in other's slots; scheme none with a garbage tag and string
    [
      'get, "/p", "?q=1", none',
      [0, GARBAGE_PTR, GARBAGE_LEN, 0x100, 2, 0x102, 4, 0, 77, GARBAGE_PTR, 0x1000],
    ],
    // get; scheme some(HTTP) with garbage in other's slots
    ['get, "/p", "?q=1", HTTP', [0, GARBAGE_PTR, GARBAGE_LEN, 0x100, 2, 0x102, 4, 1, 0, GARBAGE_PTR, 0x1000]],
    // the same slots, used: other("PROPFIND") and some(other("ftp"))
    ['other("PROPFIND"), "/p", "", other("ftp")', [9, 0x106, 8, 0x100, 2, 0, 0, 1, 2, 0x10e, 3]],
  ];
  const GUEST = `(module
  (import "types" "new-fields" (func $new_fields (param i32 i32) (result i32)))
  (import "types" "new-outgoing-request" (func $new_outgoing_request
    (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "types" "drop-outgoing-request" (func $drop_outgoing_request (param i32)))
  ${WASI_IMPORTS}
  (memory (export "memory") 1)
  ${PRINT_AND_CHECK}
  ${data(0x100, '/p?q=1PROPFINDftpexample.com')}
  (func (export "_start")
    (local $headers i32) (local $req i32)
    (local.set $headers (call $new_fields (i32.const 0) (i32.const 0)))
    (i32.store (i32.const 0x10) (local.get $headers))
    (call $print (i32.const 0x10) (i32.const 4))
    ${requests
      .map(
        ([
          ,
          args,
        ]) => `(local.set $req (call $new_outgoing_request ${i32s(...args, 0x111, 11)} (local.get $headers)))
    (call $check (i32.ne (local.get $req) (i32.const 0)) (i32.const 3))
    (i32.store (i32.const 0x10) (local.get $req))
    (call $print (i32.const 0x10) (i32.const 4))
    (call $drop_outgoing_request (local.get $req))`,
      )
      .join('\n    ')}))`;

  void it('should ignore the payload slots of cases not taken, and read those of cases taken', async () => {
    const { stdout, stderr } = await run(GUEST, { trace: true });
    const [headers, ...handles] = words(stdout, stdout.length / 4);
    assert.equal(handles.length, requests.length);
    const made = stderr.split('\n').filter((l) => l.startsWith('wasirun trace: types.new-outgoing-request('));
    assert.deepEqual(
      made,
      requests.map(
        ([lifted], k) =>
          `wasirun trace: types.new-outgoing-request(${lifted}, "example.com", ${headers}) -> ${handles[k]}`,
      ),
    );
  });
});
