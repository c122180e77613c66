import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertExit, assertTrap, DROPS, run, text, wat, type ImportName } from './helpers/adversarial.js';
import { i32s } from './helpers/wat.js';

void describe('adversarial guests', () => {
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

  void describe('guest-side traps', () => {
    void it('should report an unreachable in the guest', async () => {
      await assertTrap(wat({ imports: [], start: 'unreachable' }), 'guest trapped: unreachable');
    });
  });
});
