import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Fnv, fnv1a64, pattern, sendPattern, startOrigin, type Origin } from './helpers/origin.js';
import { guest, repoPath } from './helpers/paths.js';
import { request, startServer, values, type TestServer } from './helpers/server.js';
import { loadModule } from '../src/runtime/module.js';
import { createRequestHandler } from '../src/server/handler.js';

const proxy = repoPath('examples', 'proxy-server.wasm');
const info = guest('info-server');
const MiB = 1024 * 1024;
const BIG = 64 * MiB;

/** Streams the response of GET `url` through an FNV hash. */
function hashGet(url: string): Promise<{ status: number; bytes: number; fnv: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        const fnv = new Fnv();
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          fnv.update(c);
        });
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, bytes, fnv: fnv.hex });
        });
      })
      .on('error', reject);
  });
}

void describe('serving a guest that makes requests while handling one (proxy-server)', () => {
  let origin: Origin;
  let s: TestServer;

  before(async () => {
    origin = await startOrigin((req, res, seen) => {
      req.resume();
      void seen.then(() => {
        if (req.url === '/big') {
          res.setHeader('content-length', BIG);
          void sendPattern(res, 0, BIG).then(() => res.end());
          return;
        }
        res.setHeader('X-Multi', ['one', 'two']);
        if (req.url === '/trailers') {
          res.setHeader('Trailer', 'x-t');
          res.write('abc');
          res.addTrailers({ 'X-T': 'v1' });
          res.end();
          return;
        }
        res.statusCode = req.url === '/created' ? 201 : 200;
        res.end(`${req.method ?? ''} ${req.url ?? ''}`);
      });
    });
    s = await startServer(proxy, { workers: 2, env: { ORIGIN: origin.url } });
  });
  after(async () => {
    await s.close();
    await origin.close();
  });

  void it("should forward GET with its query and headers, and pass back the origin's status and headers", async () => {
    const r = await request(`${s.url}/a/b?x=1&y=%20z`, { headers: { 'X-Dup': ['1', '2'] } });
    assert.equal(r.status, 200);
    assert.equal(r.text, 'GET /a/b?x=1&y=%20z');
    assert.deepEqual(values(r.rawHeaders, 'x-multi'), ['one', 'two']);
    const seen = origin.seen.at(-1);
    assert.equal(seen?.url, '/a/b?x=1&y=%20z');
    assert.deepEqual(values(seen.rawHeaders, 'x-dup'), ['1', '2']);
    assert.deepEqual(values(seen.rawHeaders, 'host'), [origin.authority]);
    const created = await request(`${s.url}/created`);
    assert.equal(created.status, 201);
  });

  void it('should forward PROPFIND', async () => {
    const r = await request(`${s.url}/dav/x`, { method: 'PROPFIND' });
    assert.equal(r.text, 'PROPFIND /dav/x');
    assert.equal(origin.seen.at(-1)?.method, 'PROPFIND');
  });

  void it('should forward a 64 MiB request body intact', async () => {
    const body = pattern(0, BIG);
    const r = await request(`${s.url}/upload`, { method: 'POST', body, timeoutMs: 30_000 });
    assert.equal(r.status, 200);
    const seen = origin.seen.at(-1);
    assert.equal(seen?.bytes, BIG);
    assert.equal(seen.fnv, fnv1a64(body));
  });

  void it('should pass back a 64 MiB response body intact', async () => {
    const r = await hashGet(`${s.url}/big`);
    assert.equal(r.status, 200);
    assert.equal(r.bytes, BIG);
    assert.equal(r.fnv, fnv1a64(pattern(0, BIG)));
  });

  void it('should forward request trailers and pass back response trailers', async () => {
    const up = await request(`${s.url}/with-trailers`, {
      method: 'POST',
      headers: { 'Transfer-Encoding': 'chunked', Trailer: 'x-req' },
      body: 'body',
      trailers: { 'X-Req': 'r1' },
    });
    assert.equal(up.status, 200);
    assert.deepEqual(origin.seen.at(-1)?.trailers, ['x-req', 'r1']);
    const down = await request(`${s.url}/trailers`);
    assert.equal(down.text, 'abc');
    assert.deepEqual(down.rawTrailers, ['x-t', 'v1']);
  });

  void it("should answer 5xx with the error's text when the origin refuses the connection", async () => {
    const closed = await startOrigin(() => undefined);
    await closed.close();
    const dead = await startServer(proxy, { workers: 1, env: { ORIGIN: closed.url } });
    try {
      const r = await request(`${dead.url}/x`);
      assert.ok(r.status >= 500 && r.status <= 599, String(r.status));
      assert.match(r.text, /ECONNREFUSED/);
    } finally {
      await dead.close();
    }
  });
});

/** Active handles of a kind (a guest worker holds MessagePorts). */
const active = (kind: string): number => process.getActiveResourcesInfo().filter((r) => r === kind).length;

void describe('embedding createRequestHandler in a node:http server', () => {
  void it('should serve under a prefix mounted by a hand-written router', async () => {
    const handler = await createRequestHandler(await loadModule(info), { workers: 1, accessLog: false });
    const server = http.createServer((req, res) => {
      if (req.url?.startsWith('/api/')) {
        req.url = req.url.slice('/api'.length);
        handler(req, res);
      } else {
        res.statusCode = 404;
        res.end('router: not found');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const r = await request(`${url}/api/x/y?z=1`, { method: 'POST', body: 'abc' });
      assert.equal(r.status, 200);
      assert.match(r.text, /^path: \/x\/y$/m);
      assert.match(r.text, /^query: \?z=1$/m);
      assert.match(r.text, /^body-bytes: 3$/m);
      const other = await request(`${url}/elsewhere`);
      assert.equal(other.text, 'router: not found');
    } finally {
      server.closeAllConnections();
      server.close();
      await handler.close();
    }
  });

  void it('should stop its instances on close(), and not leave later requests hanging', async () => {
    const before = active('MessagePort');
    const handler = await createRequestHandler(await loadModule(info), { workers: 2, accessLog: false });
    assert.ok(active('MessagePort') > before, 'instances hold worker ports while running');
    const server = http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      assert.equal((await request(`${url}/`)).status, 200);
      await handler.close();
      assert.equal(active('MessagePort'), before, 'every instance worker is gone');
      const late = await request(`${url}/`, { timeoutMs: 3000 });
      assert.equal(late.status, 503);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  void it('should be exported from the package entry', async () => {
    const entry = (await import('../src/index.js')) as Record<string, unknown>;
    assert.equal(typeof entry.createRequestHandler, 'function');
    assert.equal(typeof entry.serve, 'function');
  });
});
