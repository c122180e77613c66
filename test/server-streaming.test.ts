import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Fnv, pattern } from './helpers/origin.js';
import { guest, repoPath } from './helpers/paths.js';
import { request, startServer, withServer, type TestServer } from './helpers/server.js';
import { RESPONSE_IMPORTS, compileWat } from './helpers/wat.js';

const echo = repoPath('examples', 'echo-server.wasm');
const streamer = repoPath('examples', 'stream-server.wasm');
const routes = guest('routes-server');

const BIG = 24 * 1024 * 1024;

/** The response to `req`, read with a 30 ms pause after every 2 MiB: its length and FNV-1a hash. */
function readSlowly(req: http.ClientRequest): Promise<{ bytes: number; fnv: string }> {
  return new Promise((resolve, reject) => {
    req.on('response', (res: http.IncomingMessage) => {
      const got = new Fnv();
      let bytes = 0;
      let sincePause = 0;
      res.on('data', (c: Buffer) => {
        got.update(c);
        bytes += c.length;
        sincePause += c.length;
        if (sincePause < 2 * 1024 * 1024) return;
        sincePause = 0;
        res.pause();
        setTimeout(() => res.resume(), 30);
      });
      res.on('end', () => {
        resolve({ bytes, fnv: got.hex });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

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

  void it('should echo 24 MiB intact to a client that stops reading now and then', async () => {
    // The echo is sent straight from the guest's ring; a slow reader keeps those bytes in use.
    const req = http.request(`${s.url}/`, { method: 'POST', agent: false });
    const sent = new Fnv();
    const got = readSlowly(req);
    for (let at = 0; at < BIG; at += 256 * 1024) {
      const chunk = pattern(at, 256 * 1024);
      sent.update(chunk);
      if (!req.write(chunk)) await once(req, 'drain');
    }
    req.end();
    assert.deepEqual(await got, { bytes: BIG, fnv: sent.hex });
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

void describe('serving: a large response written without pause (routes-server)', () => {
  void it('should send 24 MiB intact to a client that stops reading now and then', async () => {
    // Written bytes go to the socket straight from the guest's ring; they must stay put until sent.
    await withServer(routes, { workers: 1 }, async (s) => {
      const req = http.request(`${s.url}/bytes?size=${BIG}`, { agent: false });
      const got = readSlowly(req);
      req.end();
      const expected = new Fnv();
      for (let at = 0; at < BIG; at += 1024 * 1024) expected.update(pattern(at, 1024 * 1024));
      assert.deepEqual(await got, { bytes: BIG, fnv: expected.hex });
    });
  });
});

/** A guest that sets a 200 response, then writes 16 MiB of zeros 1 KiB at a time and finishes. */
const SMALL_WRITES_WAT = `(module
  ${RESPONSE_IMPORTS}
  (memory (export "memory") 1)
  (func (export "HTTP#handle") (param $request i32) (param $out i32)
    (local $response i32) (local $stream i32) (local $i i32)
    (local.set $response (call $response (i32.const 200) (call $fields (i32.const 0) (i32.const 0))))
    (call $body (local.get $response) (i32.const 16))
    (local.set $stream (i32.load (i32.const 20)))
    (drop (call $set (local.get $out) (i32.const 0) (local.get $response) (i32.const 0) (i32.const 0)))
    (loop $more
      (call $write (local.get $stream) (i32.const 1024) (i32.const 1024) (i32.const 32))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $more (i32.lt_u (local.get $i) (i32.const 16384))))
    (call $finish (local.get $stream) (i32.const 0) (i32.const 0))))`;

void describe('serving: a response written in small pieces', () => {
  void it('should hold back a guest writing faster than the client reads, not fail it at the buffer limit', async () => {
    // 16 MiB in 1 KiB writes, past a 1 MiB buffer limit, to a client that reads nothing for a second:
    // a response handed over streams with backpressure.
    await withServer(
      await compileWat(SMALL_WRITES_WAT),
      { workers: 1, bodyBufferLimit: 1024 * 1024 },
      async (s) => {
        const size = 16 * 1024 * 1024;
        const [res] = (await once(http.get(`${s.url}/`, { agent: false }), 'response')) as [
          http.IncomingMessage,
        ];
        res.pause();
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const got = new Fnv();
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          got.update(c);
          bytes += c.length;
        });
        res.resume();
        await once(res, 'end');
        assert.deepEqual(
          { bytes, fnv: got.hex },
          { bytes: size, fnv: new Fnv().update(Buffer.alloc(size)).hex },
        );
      },
    );
  });
});

void describe('serving: a response that trickles out (stream-server)', () => {
  void it('should let the client see the first chunk long before the last is written', async () => {
    await withServer(streamer, { workers: 1 }, async (s) => {
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
    });
  });
});
