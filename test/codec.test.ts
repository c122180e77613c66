import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Codec, EntriesMemo } from '../src/bridge/codec.js';
import type { FieldEntry } from '../src/engine/fields.js';

/** Bytes `list` takes once encoded. */
const encodedSize = (list: readonly FieldEntry[]): number =>
  new Codec(Buffer.alloc(4 * 1024 * 1024)).entries(list).pos;

void describe('the channel codec', () => {
  void it('should bound a header list by at least what it takes, and count a large one exactly', () => {
    const small: FieldEntry[] = [
      ['content-type', 'text/plain; charset=utf-8'],
      ['x-é', 'ü€'],
    ];
    assert.ok(Codec.entriesSize(small) >= encodedSize(small));
    // 10,000 headers of 60 ASCII characters each way: 1.3 MB encoded, which fits a message (at most 2 MiB);
    // their bound, three bytes a character, would not.
    const large: FieldEntry[] = Array.from({ length: 10_000 }, (_, k) => [
      `x-${String(k).padStart(58, '0')}`,
      'v'.repeat(60),
    ]);
    assert.equal(Codec.entriesSize(large), encodedSize(large));
  });

  void it('should hand back the list decoded last time for the same encoding, and decode a different one', () => {
    const area = Buffer.alloc(1024);
    const write = (list: readonly FieldEntry[]): Codec => new Codec(area).at(0).entries(list).u32(7);
    const memo = new EntriesMemo();
    const read = (list: readonly FieldEntry[]): readonly FieldEntry[] | undefined => {
      const end = write(list).pos;
      const c = new Codec(area).at(0, end);
      const got = memo.read(c);
      assert.equal(c.readU32(), 7, 'the codec is left just past the list');
      return got;
    };
    const first = read([['content-type', 'text/plain']]);
    assert.deepEqual(first, [['content-type', 'text/plain']]);
    assert.equal(read([['content-type', 'text/plain']]), first);
    const other = read([['content-type', 'text/html']]);
    assert.deepEqual(other, [['content-type', 'text/html']]);
    assert.equal(read([]), read([]));
    assert.deepEqual(read([]), []);
  });
});
