import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  alignedBump,
  assertExit,
  assertNextGuestRuns,
  assertTrap,
  run,
  text,
  wat,
  words,
} from './helpers/adversarial.js';
import { i32s, le32 } from './helpers/wat.js';

void describe('adversarial guests', () => {
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
      const growing = alignedBump(0xfffc, true);
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
});
