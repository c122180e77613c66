import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { wat } from './helpers/adversarial.js';
import { field, wasirun } from './helpers/cli.js';
import { pattern, startOrigin, type Origin } from './helpers/origin.js';
import { guest, tempDir } from './helpers/paths.js';
import { compileWat, i32s } from './helpers/wat.js';

/*
 * Letting go of something (a body, a future) does not wake a sleeping I/O
 * thread: it is served with the guest's next message that does. These check
 * the two ways a guest could otherwise leave such messages unserved.
 */

const SLEEP_MS = 3000;

void describe('messages that do not wake the I/O thread', () => {
  let origin: Origin;
  /** When the origin saw the connection of the held response close. */
  let closedAt: number | undefined;

  before(async () => {
    origin = await startOrigin((req, res) => {
      req.resume();
      // A response that never ends: only the guest's drop ends the exchange.
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write(pattern(0, 1000));
      res.on('close', () => {
        closedAt = Date.now();
      });
    });
  });
  after(async () => {
    await origin.close();
  });

  void it('should cancel a response the guest dropped before it sleeps, not when it wakes', async () => {
    const r = await wasirun([
      guest('httpc'),
      '--single-read',
      '--read-size',
      '1000',
      '--hash',
      '--drop-then-sleep',
      String(SLEEP_MS),
      'GET',
      `${origin.url}/held`,
    ]);
    const exitedAt = Date.now();
    assert.equal(r.code, 0, r.stderr);
    assert.equal(field(r.stdout, 'body-bytes'), '1000');
    assert.match(r.stdout, /^dropped$/m);
    assert.ok(closedAt !== undefined, 'the origin saw the connection close');
    assert.ok(
      exitedAt - closedAt >= SLEEP_MS / 2,
      `the connection closed ${exitedAt - closedAt} ms before the guest exited, not during its ${SLEEP_MS} ms sleep`,
    );
  });

  void it('should give a guest that only creates bodies room in the ring, which such messages alone fill', async () => {
    // A busy pause of the guest alone, in which the I/O thread falls asleep; then
    // 300,000 new-outgoing-response calls: 16 bytes of channel each, more than its 4 MiB ring.
    const path = join(tempDir('wasirun-quiet-'), 'flood.wasm');
    writeFileSync(
      path,
      await compileWat(
        wat({
          imports: ['new_fields', 'new_outgoing_response'],
          start: `(local $n i32)
            (loop $pause
              (local.set $n (i32.add (local.get $n) (i32.const 1)))
              (br_if $pause (i32.lt_u (local.get $n) (i32.const 200000000))))
            (local.set $n (i32.const 0))
            (loop $more
              (drop (call $new_outgoing_response (i32.const 200) (call $new_fields ${i32s(0, 0)})))
              (local.set $n (i32.add (local.get $n) (i32.const 1)))
              (br_if $more (i32.lt_u (local.get $n) (i32.const 300000))))`,
        }),
      ),
    );
    const r = await wasirun([path], {}, { timeoutMs: 30_000 });
    assert.equal(r.code, 0, `the guest did not finish (killed after 30 s if null): ${r.stderr}`);
    assert.equal(r.stderr, '');
  });
});
