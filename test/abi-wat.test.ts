import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UNTOUCHED, words } from './helpers/abi.js';
import { assertExit, PRINT_AND_CHECK, run, text, WASI_IMPORTS } from './helpers/adversarial.js';
import { i32s, le32 } from './helpers/wat.js';

/*
 * Exactly what the host writes into guest memory, per the ABI table of
 * ABI-v1.md: sizes, offsets, whole u32 words for tags and bools, lists
 * allocated through cabi_realloc, and flattened parameters.
 */

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
  ${text(0, '????????????????')}
  ${text(0x100, 'x-a1x-btwox-a333X-A')}
  ${text(0x200, le32(0x100, 3, 0x103, 1, 0x104, 3, 0x107, 3, 0x10a, 3, 0x10d, 3))}
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
    const o = await run(GUEST);
    const [stdout, stderr] = [assertExit(o), o.stderr];
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
  ${text(0x100, '/p?q=1PROPFINDftpexample.com')}
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
    const o = await run(GUEST, { trace: true });
    const [stdout, stderr] = [assertExit(o), o.stderr];
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
