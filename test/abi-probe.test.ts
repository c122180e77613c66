import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { UNTOUCHED, words } from './helpers/abi.js';
import { field, wasirun, type CliResult } from './helpers/cli.js';
import { startOrigin, type Origin } from './helpers/origin.js';
import { guest } from './helpers/paths.js';

/*
 * Exactly what the host writes into guest memory, per the ABI table of
 * ABI-v1.md: sizes, offsets, whole u32 words for tags and bools, lists
 * allocated through cabi_realloc, and flattened parameters.
 */

/** The 32 bytes abi-probe printed as `NAME: <hex>`. */
function area(r: CliResult, name: string): Buffer {
  const hex = field(r.stdout, name);
  assert.ok(hex !== undefined, `abi-probe printed no "${name}" line:\n${r.stdout}`);
  assert.match(hex, /^[0-9a-f]{64}$/, name);
  return Buffer.from(hex, 'hex');
}

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
