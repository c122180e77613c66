import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { pattern } from './helpers/origin.js';
import { repoPath } from './helpers/paths.js';
import { request, startServer, type TestServer } from './helpers/server.js';

const echo = repoPath('examples', 'echo-server.wasm');
const streamer = repoPath('examples', 'stream-server.wasm');

void describe('serving: bodies streamed both ways (echo-server)', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer(echo, { workers: 1 });
  });
  after(async () => {
    await s.close();
  });

  void it('should echo a body byte for byte with its content-type', async () => {
    const body = pattern(3, 1024 * 1024 + 3);
    const r = await request(`${s.url}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-test' },
      body,
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/x-test');
    assert.deepEqual(r.body, body);
  });

  void it('should send the echo back while the upload is still going', async () => {
    const req = http.request(`${s.url}/`, { method: 'POST', agent: false });
    const piece = 64 * 1024;
    req.write(pattern(0, piece));
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    const got: Buffer[] = [];
    let n = 0;
    const enough = new Promise<void>((resolve) => {
      res.on('data', (c: Buffer) => {
        got.push(c);
        n += c.length;
        if (n >= piece) resolve();
      });
    });
    await enough;
    assert.equal(n, piece, 'the first piece came back before the rest was sent');
    req.end(pattern(piece, piece));
    await once(res, 'end');
    assert.deepEqual(Buffer.concat(got), pattern(0, 2 * piece));
  });

  void it("should return the request's trailers as response trailers", async () => {
    const r = await request(`${s.url}/`, {
      method: 'POST',
      headers: { 'Transfer-Encoding': 'chunked', Trailer: 'x-a, x-b' },
      body: 'with trailers',
      trailers: { 'X-A': '1', 'X-B': 'two' },
    });
    assert.equal(r.text, 'with trailers');
    assert.deepEqual(r.rawTrailers, ['x-a', '1', 'x-b', 'two']);
  });
});

void describe('serving: a response that trickles out (stream-server)', () => {
  void it('should let the client see the first chunk long before the last is written', async () => {
    const s = await startServer(streamer, { workers: 1 });
    try {
      const started = Date.now();
      const req = http.get(`${s.url}/?n=5&ms=300`, { agent: false });
      const [res] = (await once(req, 'response')) as [http.IncomingMessage];
      assert.equal(res.headers['transfer-encoding'], 'chunked');
      let first: number | undefined;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        first ??= Date.now() - started;
        text += c;
      });
      await once(res, 'end');
      const end = Date.now() - started;
      assert.equal(text, 'chunk 0\nchunk 1\nchunk 2\nchunk 3\nchunk 4\n');
      assert.ok(first !== undefined && end - first >= 900, `first chunk at ${first} ms, end at ${end} ms`);
    } finally {
      await s.close();
    }
  });
});
