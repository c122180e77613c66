import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixture, run, startServer } from '../bench/proc.js';
import { field, run as wasirun } from './helpers/cli.js';
import { startOrigin } from './helpers/origin.js';
import { guest, repoPath } from './helpers/paths.js';
import { request, startCli } from './helpers/server.js';

/*
 * The minimal hosts of `npm run bench` are floors only if they do the work
 * wasirun does: the same guests, the same answers on the wire; and its
 * measure of the guest's side alone counts only if the guest answers.
 */
describe('the fixtures the benchmark measures with', () => {
  it('should serve the hello guest with the bytes wasirun serves', { timeout: 30_000 }, async () => {
    const minimal = await startServer([fixture('minimal-host')]);
    const ours = await startCli([
      '--quiet',
      '--http-server-addr',
      '127.0.0.1:0',
      repoPath('examples', 'hello-server.wasm'),
    ]);
    try {
      for (const url of [minimal.url, ours.url]) {
        for (let i = 0; i < 3; i++) {
          const reply = await request(`${url}?n=${i}`);
          assert.equal(reply.status, 200, url);
          assert.equal(reply.text, 'Hello from WASM!\n', url);
          assert.equal(reply.headers['content-type'], 'text/plain', url);
          assert.equal(reply.headers['content-length'], '17', url);
        }
      }
    } finally {
      await Promise.all([minimal.stop(), ours.stop()]);
    }
  });

  it("should measure the guest's side of a request only once the guest answered it as wasirun does", async () => {
    // The fixture checks the one message the guest posts for a request (status, headers, body) before it times any.
    const out = await run(process.execPath, [fixture('guest-side'), '100', '100', '1']);
    assert.match(out, /^us-per-request: \d+(\.\d+)?\n$/);
  });

  it("should make the get-loop guest's GETs as wasirun does", { timeout: 30_000 }, async () => {
    const origin = await startOrigin((_req, res) => res.end('0123456789abc'));
    try {
      const args = [origin.authority, '/floor', '3'];
      const minimal = await run(process.execPath, [fixture('minimal-get-host'), ...args]);
      const ours = await wasirun([guest('get-loop'), ...args]);
      for (const out of [minimal, ours.stdout]) {
        assert.equal(field(out, 'requests'), '3');
        assert.equal(field(out, 'bytes'), '39');
        assert.match(field(out, 'elapsed-us') ?? '', /^\d+$/);
      }
      assert.deepEqual(
        origin.seen.map((s) => `${s.method} ${s.url}`),
        Array<string>(6).fill('GET /floor'),
      );
    } finally {
      await origin.close();
    }
  });
});
