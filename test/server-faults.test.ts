import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { describe, it } from 'node:test';
import { INBOX_SLOTS } from '../src/bridge/layout.js';
import { pattern } from './helpers/origin.js';
import { guest, repoPath } from './helpers/paths.js';
import { eventually, request, withServer, type Reply } from './helpers/server.js';

const routes = guest('routes-server');
const seed = guest('seed-server');
const trapper = repoPath('examples', 'trap-server.wasm');
const looper = repoPath('examples', 'loop-server.wasm');
const oom = repoPath('examples', 'oom-server.wasm');
const MiB = 1024 * 1024;

/** The `instance=N` of an access-log line. */
const instanceOf = (line: string | undefined): string | undefined => /instance=(\S+)$/.exec(line ?? '')?.[1];

void describe('faults: traps', () => {
  void it('should answer a trap with 500 and a short reason, and replace the instance', async () => {
    await withServer(trapper, { workers: 1 }, async (s) => {
      for (let i = 0; i < 3; i++) {
        const r = await request(`${s.url}/`);
        assert.equal(r.status, 500);
        assert.equal(r.text, 'guest trapped: unreachable\n');
      }
      assert.equal(
        s.events.filter((e) => e === 'wasirun: instance 0 stopped: guest trapped: unreachable; replacing it')
          .length,
        3,
        s.events.join('\n'),
      );
    });
  });

  void it('should start the replacement with fresh state: /count restarts at 0 after a /trap', async () => {
    await withServer(routes, { workers: 1 }, async (s) => {
      assert.equal((await request(`${s.url}/count`)).text, 'count: 0\n');
      assert.equal((await request(`${s.url}/count`)).text, 'count: 1\n');
      assert.equal((await request(`${s.url}/trap`)).status, 500);
      assert.equal((await request(`${s.url}/count`)).text, 'count: 0\n');
      assert.equal((await request(`${s.url}/count`)).text, 'count: 1\n');
    });
  });

  void it('should not disturb a request running in another instance', async () => {
    await withServer(routes, { workers: 2 }, async (s) => {
      const req = http.get(`${s.url}/slow-write?n=4&ms=150`, { agent: false });
      const [res] = (await once(req, 'response')) as [http.IncomingMessage];
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      const trapped = await request(`${s.url}/trap`);
      assert.equal(trapped.status, 500);
      await once(res, 'end');
      const r = { status: res.statusCode, text };
      assert.equal(r.status, 200);
      assert.equal(r.text, 'chunk 0\nchunk 1\nchunk 2\nchunk 3\n');
    });
  });

  void it(
    'should answer every one of 10,000 keep-alive requests (5% traps, 16 at a time)',
    { timeout: 120_000 },
    async (t) => {
      await withServer(routes, { workers: 4, accessLog: false }, async (s) => {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
        const total = 10_000;
        const statuses = new Map<string, number>();
        const errors = new Map<string, number>();
        const sockets = new Set<net.Socket>();
        const bump = (m: Map<string, number>, k: string): void => {
          m.set(k, (m.get(k) ?? 0) + 1);
        };
        const one = (path: string): Promise<void> =>
          new Promise((resolve) => {
            const req = http.get(`${s.url}${path}`, { agent }, (res) => {
              let text = '';
              res.setEncoding('utf8');
              res.on('data', (c: string) => (text += c));
              res.on('end', () => {
                const expected = path === '/trap' ? 'guest trapped: unreachable\n' : 'hello\n';
                bump(statuses, text === expected ? String(res.statusCode) : `${res.statusCode} ${text}`);
                resolve();
              });
            });
            req.on('socket', (socket: net.Socket) => sockets.add(socket));
            req.on('error', (err: NodeJS.ErrnoException) => {
              bump(errors, err.code ?? err.message);
              resolve();
            });
          });
        let next = 0;
        const started = Date.now();
        await Promise.all(
          Array.from({ length: 16 }, async () => {
            while (next < total) {
              const i = next++;
              await one(i % 20 === 7 ? '/trap' : '/hello');
            }
          }),
        );
        const elapsed = Date.now() - started;
        agent.destroy();
        t.diagnostic(
          `10,000 requests in ${elapsed} ms: ${JSON.stringify(Object.fromEntries(statuses))}, ` +
            `errors ${JSON.stringify(Object.fromEntries(errors))}, ${sockets.size} connections`,
        );
        assert.deepEqual(Object.fromEntries(errors), {}, 'no request failed (no resets)');
        assert.deepEqual(Object.fromEntries(statuses), { '200': 9500, '500': 500 });
        assert.ok(sockets.size <= 16, `keep-alive connections survived the traps (${sockets.size} opened)`);
        assert.equal(
          s.events.filter((e) => e.includes('guest trapped: unreachable; replacing it')).length,
          500,
        );
      });
    },
  );
});

void describe('faults: deadlines and memory', () => {
  void it('should answer 504 past the handler timeout and replace the spinning instance', async () => {
    await withServer(looper, { workers: 1, handlerTimeoutMs: 300 }, async (s) => {
      for (let i = 0; i < 2; i++) {
        const r = await request(`${s.url}/`);
        assert.equal(r.status, 504);
        assert.match(r.text, /300 ms/);
      }
      assert.equal(s.events.filter((e) => /instance 0 stopped: .*300 ms deadline/.test(e)).length, 2);
    });
  });

  void it('should keep serving after a request that sleeps past the handler timeout', async () => {
    await withServer(routes, { workers: 1, handlerTimeoutMs: 300 }, async (s) => {
      assert.equal((await request(`${s.url}/sleep?ms=3000`)).status, 504);
      const r = await request(`${s.url}/hello`);
      assert.equal(r.status, 200);
      assert.equal(r.text, 'hello\n');
    });
  });

  void it("should time each request from its own start, not from an earlier request's", async () => {
    await withServer(routes, { workers: 1, handlerTimeoutMs: 1000 }, async (s) => {
      // The quick request arms the instance's deadline timer; the slow one starts 600 ms later.
      assert.equal((await request(`${s.url}/hello`)).status, 200);
      await new Promise((resolve) => setTimeout(resolve, 600));
      const started = Date.now();
      const slow = await request(`${s.url}/sleep?ms=700`);
      assert.equal(slow.status, 200, `a 700 ms request under a 1000 ms timeout: ${slow.text}`);
      const late = await request(`${s.url}/sleep?ms=3000`);
      const waited = Date.now() - started;
      assert.equal(late.status, 504);
      assert.ok(waited >= 700 + 1000 - 50, `504 after ${waited} ms, before the second request's own 1000 ms`);
    });
  });

  void it('should treat reaching the memory limit like a trap: 500 naming the limit, then serve again', async () => {
    await withServer(oom, { workers: 1, memoryLimit: 32 * MiB }, async (s) => {
      for (let i = 0; i < 2; i++) {
        const r = await request(`${s.url}/`);
        assert.equal(r.status, 500);
        assert.match(r.text, /memory limit/);
      }
    });
  });
});

void describe('faults: load', () => {
  void it('should run N slow requests on N workers in parallel, one per instance', async () => {
    await withServer(routes, { workers: 4 }, async (s) => {
      const started = Date.now();
      const replies = await Promise.all([0, 1, 2, 3].map(() => request(`${s.url}/sleep?ms=800`)));
      const elapsed = Date.now() - started;
      for (const r of replies) assert.equal(r.text, 'slept 800\n');
      assert.ok(elapsed < 2400, `4 × 800 ms sleeps on 4 workers took ${elapsed} ms`);
      await eventually(() => s.access.length === 4, '4 access-log lines');
      assert.deepEqual(s.access.map(instanceOf).sort(), ['0', '1', '2', '3']);
    });
  });

  void it('should send requests made one after another to the lowest-numbered instance', async () => {
    await withServer(seed, { workers: 4 }, async (s) => {
      for (let i = 0; i < 3; i++) {
        const r = await request(`${s.url}/`);
        assert.equal(r.status, 404);
        assert.equal(r.headers.server, 'WASM');
        assert.equal(r.text, `Hello from WASM! (${i})`);
      }
      // Many more, to catch a request arriving before its predecessor's instance is idle again.
      for (let i = 3; i < 40; i++) assert.equal((await request(`${s.url}/`)).text, `Hello from WASM! (${i})`);
      await eventually(() => s.access.length === 40, '40 access-log lines');
      assert.deepEqual(new Set(s.access.map(instanceOf)), new Set(['0']));
      assert.match(s.stdout(), /Handling request/);
    });
  });

  void it('should answer 503 with Retry-After when every instance is busy and the queue is full', async () => {
    await withServer(routes, { workers: 1, queue: 1 }, async (s) => {
      const replies = await Promise.all([0, 1, 2].map(() => request(`${s.url}/sleep?ms=500`)));
      const busy = replies.filter((r) => r.status === 503);
      assert.equal(busy.length, 1, replies.map((r) => r.status).join(','));
      assert.ok(busy[0]?.headers['retry-after'], 'Retry-After is set');
      assert.equal(replies.filter((r) => r.text === 'slept 500\n').length, 2);
    });
  });

  void it('should take a waiting call out of the queue when its client leaves', async () => {
    await withServer(routes, { workers: 1, queue: INBOX_SLOTS + 2 }, async (s) => {
      const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
      // One call runs for 3 s, a full inbox of them waits in the instance, the next one waits in the queue.
      const running = request(`${s.url}/sleep?ms=3000`);
      await pause(300);
      const inboxed = Array.from({ length: INBOX_SLOTS }, () => request(`${s.url}/hello`));
      await pause(300);
      const leaving = http.get(`${s.url}/hello`, { agent: false });
      leaving.on('error', () => undefined);
      await pause(300);
      leaving.destroy();
      await pause(300);
      // Its place is free again: the queue holds a full inbox and 2 more, and the third is one too many.
      const later = [];
      for (let k = 0; k < 3; k++) {
        later.push(request(`${s.url}/hello`));
        await pause(100);
      }
      const statuses = (await Promise.all(later)).map((r) => r.status);
      assert.deepEqual(statuses, [200, 200, 503]);
      assert.equal((await running).status, 200);
      for (const r of await Promise.all(inboxed)) assert.equal(r.text, 'hello\n');
    });
  });
});

/** Uploads `size` bytes chunked (no content-length) and returns the reply. */
function chunkedUpload(url: string, size: number): Promise<Reply> {
  return request(url, {
    method: 'POST',
    headers: { 'Transfer-Encoding': 'chunked' },
    body: pattern(0, size),
  });
}

void describe('faults: request bodies', () => {
  void it('should answer 413 up front for a content-length over the limit, without running the guest', async () => {
    await withServer(routes, { workers: 1, maxRequestBody: MiB }, async (s) => {
      const r = await request(`${s.url}/drain`, { method: 'POST', body: pattern(0, MiB + 1) });
      assert.equal(r.status, 413);
      await eventually(() => s.access.length === 1, 'the access-log line');
      assert.match(s.access[0] ?? '', /^POST \/drain 413 \d+B [\d.]+ms instance=-$/);
      const exact = await request(`${s.url}/drain`, { method: 'POST', body: pattern(0, MiB) });
      assert.equal(exact.text, `bytes: ${MiB}\n`, 'a body of exactly the limit is taken');
    });
  });

  void it('should answer 413 when a chunked body passes the limit midway, and keep serving', async () => {
    await withServer(routes, { workers: 1, maxRequestBody: MiB }, async (s) => {
      const r = await chunkedUpload(`${s.url}/drain`, 4 * MiB);
      assert.equal(r.status, 413);
      assert.match(r.text, /limit/);
      const fits = await chunkedUpload(`${s.url}/drain`, MiB);
      assert.equal(fits.text, `bytes: ${MiB}\n`);
      assert.deepEqual(s.events, [], 'no instance was lost');
    });
  });

  void it('should give the guest a stream error when the client disconnects mid-download', async () => {
    await withServer(routes, { workers: 1, trace: true }, async (s) => {
      const { port } = new URL(s.url);
      const socket = net.connect(Number(port), '127.0.0.1');
      socket.on('error', () => undefined);
      let received = '';
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1');
      });
      // One line every 100 ms: the response waits for the guest, not for the socket, when the client goes.
      socket.write('GET /slow-write?n=20&ms=100 HTTP/1.1\r\nHost: x\r\n\r\n');
      await eventually(() => received.includes('chunk 1\n'), 'the second line');
      socket.destroy();
      await eventually(
        () => /streams\.write\(\d+, <\d+ bytes>\) -> err\(/.test(s.stderr()),
        "the guest's failed write",
      );
      assert.doesNotMatch(
        s.stderr(),
        /types\.finish-outgoing-stream/,
        'the guest stopped at the failed write',
      );
      await eventually(() => s.access.length === 1, 'the access-log line');
      const r = await request(`${s.url}/count`);
      assert.equal(r.text, 'count: 0\n');
      assert.deepEqual(s.events, [], 'the instance survived');
    });
  });

  void it('should give the guest a stream error when the client disconnects mid-upload', async () => {
    await withServer(routes, { workers: 1, trace: true }, async (s) => {
      const { port } = new URL(s.url);
      const socket = net.connect(Number(port), '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write('POST /upload-error HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n');
      socket.write(pattern(0, 1_500_000));
      await eventually(() => s.stderr().includes('streams.read('), 'the guest to start reading');
      await new Promise((resolve) => setTimeout(resolve, 200));
      socket.destroy();
      await eventually(() => s.access.length === 1, 'the access-log line');
      assert.match(s.access[0] ?? '', /^POST \/upload-error - 0B [\d.]+ms instance=0$/);
      await eventually(
        () => /streams\.read\(\d+, \d+\) -> err\(/.test(s.stderr()),
        "the guest's failed read",
      );
      const r = await request(`${s.url}/count`);
      assert.equal(r.text, 'count: 0\n');
      await eventually(() => s.access.length === 2, 'the second access-log line');
      assert.equal(instanceOf(s.access[1]), '0');
      assert.deepEqual(s.events, [], 'the instance survived');
    });
  });
});

void describe('faults: statuses a response cannot end with', () => {
  void it('should still end a 1xx guest status with a final response', async () => {
    await withServer(routes, { workers: 1 }, async (s) => {
      const r = await request(`${s.url}/status?code=100`, { timeoutMs: 3000 });
      assert.ok(r.status >= 200, `final status ${r.status}`);
    });
  });
});
