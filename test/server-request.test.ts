import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { INBOX_SLOTS } from '../src/bridge/layout.js';
import { fnv1a64, pattern } from './helpers/origin.js';
import { guest, repoPath } from './helpers/paths.js';
import { eventually, rawExchange, request, startServer, type TestServer } from './helpers/server.js';

const info = guest('info-server');
const hello = repoPath('examples', 'hello-server.wasm');

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

  void it('should give each of many requests waiting for one instance its own head', async () => {
    // More at once than the inbox has slots: most wait there, and its slots are refilled while the guest works.
    const replies = await Promise.all(
      Array.from({ length: INBOX_SLOTS + 8 }, (_, k) =>
        request(`${s.url}/n/${k}?k=${k}`, { method: k % 2 ? 'PUT' : 'GET', headers: { 'x-k': `v${k}-x` } }),
      ),
    );
    replies.forEach((r, k) => {
      assert.equal(r.status, 200);
      assert.equal(line(r.text, 'method'), k % 2 ? '3' : '0', `request ${k}`);
      assert.equal(line(r.text, 'path'), `/n/${k}`);
      assert.equal(line(r.text, 'query'), `?k=${k}`);
      assert.deepEqual(
        headerLines(r.text, (n) => n === 'x-k'),
        [`x-k: v${k}-x`],
      );
    });
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

  void it('should give a request without a body (GET, or content-length 0) an empty body that has ended', async () => {
    for (const r of [
      await request(`${s.url}/none`),
      await request(`${s.url}/zero`, { method: 'POST', headers: { 'content-length': '0' } }),
    ]) {
      assert.equal(line(r.text, 'body-bytes'), '0');
      assert.equal(line(r.text, 'body-fnv1a64'), fnv1a64(Buffer.alloc(0)));
      assert.equal(line(r.text, 'trailers'), 'none');
    }
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
