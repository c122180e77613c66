import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { wasirun } from './helpers/cli.js';
import { guest, repoPath } from './helpers/paths.js';
import { eventually, rawExchange, request, startCli, type CliServer } from './helpers/server.js';

const routes = guest('routes-server');
const seed = guest('seed-server');
const hello = repoPath('examples', 'hello-server.wasm');
const looper = repoPath('examples', 'loop-server.wasm');
const oom = repoPath('examples', 'oom-server.wasm');
const httpGet = repoPath('examples', 'http-get.wasm');
const ADDR = ['--http-server-addr', '127.0.0.1:0'];
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Runs `body` against a `wasirun --http-server-addr 127.0.0.1:0 ARGS` process, stopping it afterwards. */
async function withCli(args: readonly string[], body: (c: CliServer) => Promise<void>): Promise<void> {
  const c = await startCli([...ADDR, ...args]);
  try {
    await body(c);
  } finally {
    await c.stop('SIGKILL');
  }
}

/** stderr lines that are access-log lines. */
const accessLines = (stderr: string): string[] =>
  stderr.split('\n').filter((l) => /^[A-Z]+ \S+ (\d{3}|-) \d+B [\d.]+ms instance=(\d+|-)$/.test(l));

/** Whether a new connection to `url` is refused. */
function refused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      resolve(err.code === 'ECONNREFUSED');
    });
  });
}

void describe('wasirun --http-server-addr: serving and logging', () => {
  void it('should print the serving line with the bound port, then one access-log line per request', async () => {
    await withCli(['--workers', '2', routes], async (c) => {
      assert.match(c.stderr(), /^wasirun: serving routes-server\.wasm at http:\/\/127\.0\.0\.1:\d+\/$/m);
      assert.notEqual(new URL(c.url).port, '0');
      assert.equal((await request(`${c.url}hello`)).text, 'hello\n');
      const missing = await request(`${c.url}nope?x=1`, { method: 'POST', body: 'abc' });
      assert.equal(missing.status, 404);
      await eventually(() => accessLines(c.stderr()).length === 2, 'two access-log lines');
      const [first, second] = accessLines(c.stderr());
      assert.match(first ?? '', /^GET \/hello 200 6B [\d.]+ms instance=0$/);
      assert.match(second ?? '', /^POST \/nope\?x=1 404 9B [\d.]+ms instance=0$/);
    });
  });

  void it('should log nothing per request with --quiet, but still report a replaced instance', async () => {
    await withCli(['--quiet', '--workers', '1', routes], async (c) => {
      assert.equal((await request(`${c.url}hello`)).status, 200);
      assert.equal((await request(`${c.url}trap`)).status, 500);
      await eventually(() => c.stderr().includes('replacing it'), 'the replacement line');
      assert.match(c.stderr(), /^wasirun: instance 0 stopped: guest trapped: unreachable; replacing it$/m);
      assert.deepEqual(accessLines(c.stderr()), []);
    });
  });

  void it('should print import calls with --trace', async () => {
    await withCli(['--trace', '--workers', '1', hello], async (c) => {
      assert.equal((await request(c.url)).text, 'Hello from WASM!\n');
      await eventually(() => c.stderr().includes('set-response-outparam'), 'the trace');
      assert.match(c.stderr(), /^wasirun trace: types\.new-outgoing-response\(200, \d+\) -> \d+$/m);
      assert.match(c.stderr(), /^wasirun trace: types\.set-response-outparam\(\d+, ok\(\d+\)\) -> ok$/m);
    });
  });

  void it("should print the guest's log-it lines on stdout (seed-server)", async () => {
    await withCli(['--workers', '1', seed], async (c) => {
      const r = await request(`${c.url}x`, { headers: { 'X-Seen': 'yes' } });
      assert.equal(r.status, 404);
      assert.equal(r.text, 'Hello from WASM! (0)');
      await eventually(() => c.stdout().includes('x-seen: yes'), 'the logged header');
      assert.match(c.stdout(), /^Handling request$/m);
    });
  });

  void it('should serve only the --http-server-path subtree, redirecting the bare prefix', async () => {
    await withCli(['--http-server-path', '/app/', '--workers', '1', hello], async (c) => {
      assert.equal(c.url, `${c.origin}/app/`);
      assert.equal((await request(`${c.origin}/app/x`)).status, 200);
      const moved = await request(`${c.origin}/app?q=1`);
      assert.equal(moved.status, 301);
      assert.equal(moved.headers.location, '/app/?q=1');
      const other = await request(`${c.origin}/x`);
      assert.equal(other.status, 404);
      assert.equal(other.text, '404 page not found\n');
      await eventually(() => accessLines(c.stderr()).length === 3, 'three access-log lines');
      assert.match(accessLines(c.stderr())[2] ?? '', /^GET \/x 404 19B [\d.]+ms instance=-$/);
    });
  });
});

void describe('wasirun --http-server-addr: limits from flags', () => {
  void it('should apply --handler-timeout: 504, then the replaced instance answers 504 again', async () => {
    await withCli(['--handler-timeout', '300ms', '--workers', '1', looper], async (c) => {
      for (let i = 0; i < 2; i++) assert.equal((await request(c.url)).status, 504);
      await eventually(() => c.stderr().split('300 ms deadline').length === 3, 'two deadline lines');
    });
  });

  void it('should apply --memory-limit: an instance that runs out answers 500 naming the limit', async () => {
    await withCli(['--memory-limit', '32M', '--workers', '1', oom], async (c) => {
      const r = await request(c.url);
      assert.equal(r.status, 500);
      assert.match(r.text, /memory limit/);
    });
  });

  void it('should serve a request sent as a response ends, while handle still runs, with no queue', async () => {
    await withCli(['--workers', '1', '--queue', '0', routes], async (c) => {
      // The guest answers, then stays in handle 300 ms: the instance is not idle yet when the next come.
      const first = await request(`${c.url}linger?ms=300`);
      assert.equal(first.text, 'lingered\n');
      const started = performance.now();
      const next = await Promise.all([0, 1].map(() => request(`${c.url}hello`)));
      assert.deepEqual(next.map((r) => r.status).sort(), [200, 503]);
      assert.equal(next.find((r) => r.status === 200)?.text, 'hello\n');
      assert.ok(performance.now() - started >= 200, 'the one served waited for the instance');
    });
  });

  void it('should apply --max-request-body, --workers and --queue', async () => {
    await withCli(['--max-request-body', '1K', '--workers', '1', '--queue', '0', routes], async (c) => {
      const big = await request(`${c.url}drain`, { method: 'POST', body: Buffer.alloc(1025) });
      assert.equal(big.status, 413);
      const fits = await request(`${c.url}drain`, { method: 'POST', body: Buffer.alloc(1024) });
      assert.equal(fits.text, 'bytes: 1024\n');
      const both = await Promise.all([0, 1].map(() => request(`${c.url}sleep?ms=500`)));
      assert.deepEqual(both.map((r) => r.status).sort(), [200, 503]);
    });
  });

  void it('should cut off clients too slow to send their head or their body', async () => {
    await withCli(
      ['--header-timeout', '1s', '--request-timeout', '2s', '--workers', '1', routes],
      async (c) => {
        const [head, body] = await Promise.all([
          rawExchange(c.url, 'GET /hello HTTP/1.1\r\nHost: x\r\n', 5000),
          rawExchange(c.url, 'POST /drain HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345', 5000),
        ]);
        assert.ok(head.closedAfterMs !== undefined, 'a partial head is cut off after --header-timeout');
        assert.ok(head.closedAfterMs >= 900, `closed after ${head.closedAfterMs} ms`);
        assert.match(head.received, /^(HTTP\/1\.1 408 |$)/);
        assert.ok(body.closedAfterMs !== undefined, 'a partial body is cut off after --request-timeout');
      },
    );
  });
});

/** Starts `n` GET requests on separate connections; each resolves to its status and body, or an error code. */
function inFlight(url: string, n: number): Promise<string>[] {
  return Array.from({ length: n }, () =>
    request(url).then(
      (r) => `${r.status} ${r.text}`,
      (err: unknown) => (err as NodeJS.ErrnoException).code ?? String(err),
    ),
  );
}

void describe('wasirun --http-server-addr: shutdown', () => {
  void it('should finish running requests on SIGTERM, refuse new connections, and exit 0', async () => {
    const c = await startCli([...ADDR, '--workers', '2', routes]);
    const replies = inFlight(`${c.url}sleep?ms=1000`, 4);
    await delay(300);
    const signalled = Date.now();
    c.child.kill('SIGTERM');
    await eventually(() => c.stderr().includes('SIGTERM: finishing running requests'), 'the shutdown line');
    assert.ok(await refused(c.url), 'new connections are refused');
    const exit = await c.exited;
    const took = Date.now() - signalled;
    assert.deepEqual(await Promise.all(replies), Array(4).fill('200 slept 1000\n'));
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.ok(took < 10_000, `exited ${took} ms after the signal, within the 10 s grace`);
  });

  void it('should answer 503 for requests still running at the end of the grace and exit soon after it', async () => {
    const c = await startCli([...ADDR, '--shutdown-grace', '300ms', '--workers', '1', routes]);
    const [reply] = inFlight(`${c.url}sleep?ms=5000`, 1);
    await delay(300);
    const signalled = Date.now();
    c.child.kill('SIGINT');
    assert.equal(await reply, '503 the server is shutting down\n');
    const exit = await c.exited;
    const took = Date.now() - signalled;
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.ok(took < 3000, `exited ${took} ms after SIGINT with a 300 ms grace`);
  });
});

/** The resident set size of a process, from /proc. */
const rss = (pid: number): number => Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096;

/** POSTs `size` bytes with a content-length, 1 MiB at a time, and returns the response text. */
function upload(url: string, size: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent: false, headers: { 'content-length': size } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          resolve(`${res.statusCode} ${text}`);
        });
      },
    );
    req.on('error', reject);
    const chunk = Buffer.alloc(MiB, 0x5a);
    let sent = 0;
    const pump = (): void => {
      while (sent < size) {
        const n = Math.min(MiB, size - sent);
        sent += n;
        if (!req.write(chunk.subarray(0, n))) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

void describe(
  'wasirun --http-server-addr: bounded memory',
  { skip: process.platform !== 'linux' && 'RSS is read from /proc' },
  () => {
    void it('should take a 1 GiB upload with RSS growing by less than 64 MiB', async (t) => {
      await withCli(['--workers', '1', routes], async (c) => {
        const pid = c.child.pid ?? 0;
        let peak = 0;
        const timer = setInterval(() => {
          peak = Math.max(peak, rss(pid));
        }, 5);
        try {
          assert.equal(await upload(`${c.url}drain`, 1), '200 bytes: 1\n');
          // Read here too: a 1-byte upload can end before the timer's first tick, which left the baseline at 0.
          peak = Math.max(peak, rss(pid));
          const small = peak;
          assert.equal(await upload(`${c.url}drain`, GiB), `200 bytes: ${GiB}\n`);
          t.diagnostic(
            `peak RSS ${(small / MiB).toFixed(1)} MiB after 1 byte, ${(peak / MiB).toFixed(1)} MiB after 1 GiB`,
          );
          assert.ok(peak - small < 64 * MiB, `RSS grew by ${((peak - small) / MiB).toFixed(1)} MiB`);
        } finally {
          clearInterval(timer);
        }
      });
    });
  },
);

void describe('wasirun --http-server-addr: start-up failures and flags', () => {
  /** Asserts a failure reported as one `wasirun: ` line (no stack trace) and a non-zero exit. */
  const oneLine = (r: { code: number | null; stderr: string }, pattern: RegExp): void => {
    assert.notEqual(r.code, 0);
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
    assert.match(r.stderr, /^wasirun: /);
    assert.match(r.stderr, pattern);
  };

  void it('should refuse a module without HTTP#handle', async () => {
    const r = await wasirun([...ADDR, httpGet]);
    oneLine(r, /HTTP#handle/);
    assert.equal(r.code, 1);
  });

  void it('should report an address in use on one line and exit 1', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const r = await wasirun(['--http-server-addr', `127.0.0.1:${port}`, hello]);
      oneLine(r, /in use|EADDRINUSE/);
      assert.equal(r.code, 1);
    } finally {
      taken.close();
    }
  });

  void it('should report a memory limit below what the module needs at start on one line', async () => {
    const r = await wasirun([...ADDR, '--memory-limit', '64K', hello]);
    oneLine(r, /memory/);
  });

  void it('should reject bad server flags as usage errors (exit 2)', async () => {
    const cases: [string[], RegExp][] = [
      [[...ADDR, '--workers', '0', hello], /--workers/],
      [[...ADDR, '--queue', 'x', hello], /--queue/],
      [[...ADDR, '--handler-timeout', '5 parsecs', hello], /--handler-timeout/],
      [[...ADDR, '--http-server-path', 'app', hello], /--http-server-path/],
      [['--http-server-addr', 'nowhere', hello], /--http-server-addr/],
      [[...ADDR, '--http', 'none', hello], /--http/],
      [['--workers', '2', hello], /only applies with --http-server-addr/],
    ];
    for (const [args, pattern] of cases) {
      const r = await wasirun(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stdout, '');
      oneLine(r, pattern);
    }
  });

  void it('should list the server flags in --help', async () => {
    const r = await wasirun(['--help']);
    for (const flag of [
      '--http-server-addr',
      '--http-server-path',
      '--workers',
      '--queue',
      '--handler-timeout',
      '--memory-limit',
      '--max-request-body',
      '--header-timeout',
      '--request-timeout',
      '--shutdown-grace',
      '--quiet',
    ])
      assert.ok(r.stdout.includes(`\n   ${flag}`), `--help lists ${flag}`);
  });
});
