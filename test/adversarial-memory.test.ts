import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertNextGuestRuns, assertTrap, text, wat, words } from './helpers/adversarial.js';
import { i32s } from './helpers/wat.js';

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

    // new-outgoing-request's flat arguments: method (tag, ptr, len), path, query, scheme option (tag, variant tag, ptr, len), authority.
    const badTags: [string, number[], string][] = [
      ['method tag 12', [12, 0, 0, 0x100, 1, 0, 0, 1, 0, 0, 0, 0x101, 11], 'method: invalid variant tag 12'],
      ['scheme tag 3', [0, 0, 0, 0x100, 1, 0, 0, 1, 3, 0, 0, 0x101, 11], 'scheme: invalid variant tag 3'],
      [
        'option tag 2 for the scheme',
        [0, 0, 0, 0x100, 1, 0, 0, 2, 0, 0, 0, 0x101, 11],
        'scheme: invalid option tag 2',
      ],
    ];
    for (const [what, args, message] of badTags) {
      void it(`should trap on ${what}`, async () => {
        await assertTrap(
          wat({
            imports: ['new_fields', 'new_outgoing_request'],
            fields: text(0x100, '/example.com'),
            start: `(drop (call $new_outgoing_request ${i32s(...args)} (call $new_fields ${i32s(0, 0)})))`,
          }),
          `types.new-outgoing-request: ${message}`,
        );
      });
    }
  });
});
