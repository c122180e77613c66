import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertExit, run, text, wat } from './helpers/adversarial.js';
import { pattern, startOrigin, type Origin } from './helpers/origin.js';
import { i32s } from './helpers/wat.js';

void describe('adversarial guests', () => {
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
});
