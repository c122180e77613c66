import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { fnv1a64, pattern } from './helpers/origin.js';
import { guest, repoPath } from './helpers/paths.js';
import { eventually, rawExchange, request, startServer, values, type TestServer } from './helpers/server.js';
import { compileWat } from './helpers/wat.js';
import { loadModule } from '../src/runtime/module.js';
import { serve } from '../src/server/serve.js';

const info = guest('info-server');
const routes = guest('routes-server');
const hello = repoPath('examples', 'hello-server.wasm');
const echo = repoPath('examples', 'echo-server.wasm');
const streamer = repoPath('examples', 'stream-server.wasm');
const noResponse = repoPath('examples', 'no-response-server.wasm');

/** The value of the first `key: value` line of an info-server answer. */
const line = (text: string, key: string): string | undefined =>
  text
    .split('\n')
    .find((l) => l.startsWith(`${key}: `))
    ?.slice(key.length + 2);

/** Every `header: name: value` line of an info-server answer whose name passes `keep`. */
const headerLines = (text: string, keep: (name: string) => boolean): string[] =>
  text
    .split('\n')
    .filter((l) => l.startsWith('header: ') && keep(l.slice(8).split(':')[0] ?? ''))
    .map((l) => l.slice(8));

/**
 * A guest that answers its first four calls with set-response-outparam(err(e))
 * for e = invalid-url, timeout-error, protocol-error, unexpected-error, each
 * carrying "the origin is unhappy"; later calls set ok(201 response) and return
 * without writing or finishing the body.
 */
const ERRORS_WAT = `(module
  (import "types" "new-fields" (func $fields (param i32 i32) (result i32)))
  (import "types" "new-outgoing-response" (func $response (param i32 i32) (result i32)))
  (import "types" "set-response-outparam" (func $set (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "the origin is unhappy")
  (global $n (mut i32) (i32.const 0))
  (func (export "HTTP#handle") (param $request i32) (param $out i32)
    (if (i32.lt_u (global.get $n) (i32.const 4))
      (then (drop (call $set (local.get $out) (i32.const 1) (global.get $n) (i32.const 64) (i32.const 21))))
      (else
        (drop (call $set (local.get $out) (i32.const 0)
          (call $response (i32.const 201) (call $fields (i32.const 0) (i32.const 0)))
          (i32.const 0) (i32.const 0)))))
    (global.set $n (i32.add (global.get $n) (i32.const 1)))))`;

void describe('serving: the incoming request as the guest sees it', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer(info, { workers: 1 });
  });
  after(async () => {
    await s.close();
  });

  void it('should give method, path, query, scheme HTTP, authority from Host and lower-case multi-valued headers', async () => {
    const r = await request(`${s.url}/some/path?x=1&y=%20z`, {
      headers: { Host: 'example.test:8080', 'X-Multi': ['a', 'b'], 'X-Mixed-Case': 'V' },
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/plain');
    assert.equal(line(r.text, 'method'), '0');
    assert.equal(line(r.text, 'path'), '/some/path');
    assert.equal(line(r.text, 'query'), '?x=1&y=%20z');
    assert.equal(line(r.text, 'scheme'), 'HTTP');
    assert.equal(line(r.text, 'authority'), 'example.test:8080');
    assert.deepEqual(
      headerLines(r.text, (n) => n === 'host' || n.startsWith('x-')),
      ['host: example.test:8080', 'x-multi: a', 'x-multi: b', 'x-mixed-case: V'],
    );
    assert.equal(line(r.text, 'body-bytes'), '0');
    assert.equal(line(r.text, 'trailers'), 'none');
  });

  void it('should give an empty query without "?", and a lone "?" as it came', async () => {
    assert.equal(line((await request(`${s.url}/p`)).text, 'query'), '');
    const lone = await rawExchange(s.url, 'GET /p? HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 5000);
    assert.ok(lone.received.includes('\nquery: ?\n'), lone.received);
  });

  void it('should map standard methods to their tags and others (PROPFIND) to other(name)', async () => {
    const tags: [string, string][] = [
      ['GET', '0'],
      ['POST', '2'],
      ['PUT', '3'],
      ['DELETE', '4'],
      ['OPTIONS', '6'],
      ['TRACE', '7'],
      ['PATCH', '8'],
      ['PROPFIND', '9 PROPFIND'],
      ['MKCOL', '9 MKCOL'],
    ];
    for (const [method, tag] of tags) {
      const r = await request(`${s.url}/m`, { method });
      assert.equal(r.status, 200, method);
      assert.equal(line(r.text, 'method'), tag, method);
    }
  });

  void it('should split an absolute-form target into path and query', async () => {
    const r = await rawExchange(
      s.url,
      'GET http://other.example:81/abs?q=1 HTTP/1.1\r\nHost: other.example:81\r\nConnection: close\r\n\r\n',
      5000,
    );
    assert.match(r.received, /^HTTP\/1\.1 200 /);
    assert.ok(r.received.includes('\npath: /abs\n'), r.received);
    assert.ok(r.received.includes('\nquery: ?q=1\n'), r.received);
    assert.ok(r.received.includes('\nauthority: other.example:81\n'), r.received);
  });

  void it("should keep a header value's UTF-8 bytes", async () => {
    const r = await request(`${s.url}/`, {
      headers: { 'X-Utf8': Buffer.from('é€', 'utf8').toString('latin1') },
    });
    assert.deepEqual(
      headerLines(r.text, (n) => n === 'x-utf8'),
      ['x-utf8: é€'],
    );
  });

  void it('should stream a chunked 3 MiB body and hand over its trailers through finish-incoming-stream', async () => {
    const body = pattern(0, 3 * 1024 * 1024);
    const r = await request(`${s.url}/up`, {
      method: 'POST',
      headers: { 'Transfer-Encoding': 'chunked', Trailer: 'x-sum' },
      body,
      trailers: { 'X-Sum': 'abc' },
    });
    assert.equal(line(r.text, 'body-bytes'), String(body.length));
    assert.equal(line(r.text, 'body-fnv1a64'), fnv1a64(body));
    assert.deepEqual(
      r.text.split('\n').filter((l) => l.startsWith('trailer')),
      ['trailer: x-sum: abc'],
    );
  });

  void it('should read a body with content-length to its end, with no trailers', async () => {
    const body = pattern(7, 100_000);
    const r = await request(`${s.url}/up`, { method: 'PUT', body });
    assert.equal(line(r.text, 'body-bytes'), '100000');
    assert.equal(line(r.text, 'body-fnv1a64'), fnv1a64(body));
    assert.equal(line(r.text, 'trailers'), 'none');
  });
});

void describe('serving: path prefixes as Go ServeMux reads them', () => {
  const servers: TestServer[] = [];
  const at = async (prefix: string): Promise<TestServer> => {
    const s = await startServer(hello, { workers: 1, path: prefix });
    servers.push(s);
    return s;
  };
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  void it('should serve everything under "/"', async () => {
    const s = await at('/');
    for (const p of ['/', '/a', '/a/b/c?d=1']) {
      const r = await request(s.url + p);
      assert.equal(r.status, 200, p);
      assert.equal(r.text, 'Hello from WASM!\n', p);
    }
  });

  void it('should serve the subtree of "/app/", redirect "/app" there with its query, and 404 the rest', async () => {
    const s = await at('/app/');
    for (const p of ['/app/', '/app/x', '/app/x/y?z=1'])
      assert.equal((await request(s.url + p)).status, 200, p);
    const moved = await request(`${s.url}/app?q=1&r=2`);
    assert.equal(moved.status, 301);
    assert.equal(moved.headers.location, '/app/?q=1&r=2');
    for (const p of ['/', '/other', '/application', '/ap']) {
      const r = await request(s.url + p);
      assert.equal(r.status, 404, p);
      assert.equal(r.text, '404 page not found\n', p);
    }
    await request(`${s.url}/nope`);
    await eventually(() => s.access.some((l) => l.startsWith('GET /nope ')), 'the access-log line');
    assert.match(
      s.access.find((l) => l.startsWith('GET /nope ')) ?? '',
      /^GET \/nope 404 19B [\d.]+ms instance=-$/,
    );
  });

  void it('should serve "/app" alone and nothing below it', async () => {
    const s = await at('/app');
    assert.equal((await request(`${s.url}/app`)).status, 200);
    assert.equal((await request(`${s.url}/app?x=1`)).status, 200);
    for (const p of ['/app/', '/app/x', '/']) assert.equal((await request(s.url + p)).status, 404, p);
  });

  void it('should hand the guest the whole path, prefix included', async () => {
    const s = await startServer(info, { workers: 1, path: '/app/' });
    servers.push(s);
    const r = await request(`${s.url}/app/x?y=1`);
    assert.equal(line(r.text, 'path'), '/app/x');
    assert.equal(line(r.text, 'query'), '?y=1');
  });
});

void describe('serving: the response', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer(routes, { workers: 2 });
  });
  after(async () => {
    await s.close();
  });

  void it('should send a body chunked when the guest set no content-length', async () => {
    const r = await request(`${s.url}/bytes?size=200000`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['transfer-encoding'], 'chunked');
    assert.equal(r.headers['content-length'], undefined);
    assert.deepEqual(r.body, pattern(0, 200_000));
  });

  void it("should send the guest's content-length and no chunking when it set one", async () => {
    const r = await request(`${s.url}/bytes?size=200000&cl=1`);
    assert.equal(r.headers['content-length'], '200000');
    assert.equal(r.headers['transfer-encoding'], undefined);
    assert.deepEqual(r.body, pattern(0, 200_000));
  });

  void it('should send every value of a multi-valued header, Set-Cookie included', async () => {
    const r = await request(`${s.url}/headers`);
    assert.deepEqual(values(r.rawHeaders, 'x-multi'), ['a', 'b']);
    assert.deepEqual(values(r.rawHeaders, 'set-cookie'), ['c=1', 'd=2']);
    assert.equal(r.text, 'ok\n');
  });

  void it("should send the guest's trailers after the body", async () => {
    const r = await request(`${s.url}/trailers`);
    assert.equal(r.text, 'body\n');
    assert.deepEqual(r.rawTrailers, ['x-checksum', 'abc', 'x-count', '1', 'x-count', '2']);
  });

  void it('should send the head at the first write, before the body is finished', async () => {
    const started = Date.now();
    const req = http.get(`${s.url}/slow-write?n=3&ms=400`, { agent: false });
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    const headAt = Date.now() - started;
    res.resume();
    await once(res, 'end');
    const endAt = Date.now() - started;
    assert.ok(endAt - headAt >= 600, `head at ${headAt} ms, end at ${endAt} ms`);
  });

  void it('should send the head at finish when nothing was written: an empty 200', async () => {
    const r = await request(`${s.url}/bytes?size=0`);
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 0);
  });

  void it("should pass the guest's status, and send no body for 204", async () => {
    const teapot = await request(`${s.url}/status?code=418`);
    assert.equal(teapot.status, 418);
    assert.equal(teapot.text, 'status 418\n');
    const empty = await request(`${s.url}/status?code=204`);
    assert.equal(empty.status, 204);
    assert.equal(empty.body.length, 0);
  });

  void it('should answer 500 for a status out of range', async () => {
    for (const code of [99, 1000]) {
      const r = await request(`${s.url}/status?code=${code}`);
      assert.equal(r.status, 500, String(code));
      assert.match(r.text, new RegExp(`invalid status ${code}`));
    }
  });

  void it('should answer HEAD with the head only, keeping the connection usable', async () => {
    const r = await rawExchange(
      s.url,
      'HEAD /bytes?size=100000 HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      5000,
    );
    assert.match(r.received, /^HTTP\/1\.1 200 /);
    const second = r.received.indexOf('HTTP/1.1 ', 1);
    assert.equal(second, r.received.indexOf('\r\n\r\n') + 4, `no body after the HEAD head:\n${r.received}`);
    assert.match(r.received.slice(second), /^HTTP\/1\.1 200 [^]*\r\n\r\n(6\r\n)?hello\n/);
  });

  void it('should answer set-response-outparam(err(protocol-error)) with 502 and its text', async () => {
    const r = await request(`${s.url}/error`);
    assert.equal(r.status, 502);
    assert.match(r.headers['content-type'] ?? '', /^text\/plain/);
    assert.match(r.text, /upstream said no/);
  });
});

void describe('serving: error values and missing responses', () => {
  void it('should answer 500, 504, 502 and 500 for invalid-url, timeout-error, protocol-error, unexpected-error', async () => {
    const running = await serve(await loadModule(await compileWat(ERRORS_WAT)), {
      workers: 1,
      accessLog: false,
    });
    try {
      for (const [tag, status] of [
        ['invalid-url', 500],
        ['timeout-error', 504],
        ['protocol-error', 502],
        ['unexpected-error', 500],
      ] as const) {
        const r = await request(`${running.url}/`);
        assert.equal(r.status, status, tag);
        assert.match(r.text, /the origin is unhappy/, tag);
      }
      const returned = await request(`${running.url}/`);
      assert.equal(returned.status, 201, 'the head goes out when handle returns');
      assert.equal(returned.body.length, 0);
    } finally {
      await running.close();
    }
  });

  void it('should answer 500 saying so when handle returns without a response', async () => {
    const s = await startServer(noResponse, { workers: 1 });
    try {
      const r = await request(`${s.url}/`, { method: 'POST', body: 'ignored' });
      assert.equal(r.status, 500);
      assert.match(r.text, /returned without (setting )?a response/);
      const again = await request(`${s.url}/`);
      assert.equal(again.status, 500);
    } finally {
      await s.close();
    }
  });
});

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
