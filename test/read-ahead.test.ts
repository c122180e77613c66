import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { field, lines, wasirun } from './helpers/cli.js';
import { fnv1a64, pattern, sendPattern, startOrigin, type Origin } from './helpers/origin.js';
import { BIN, guest } from './helpers/paths.js';

/*
 * A read brings along what else has arrived, and the guest thread answers
 * the next reads from it without asking the I/O thread. These runs check
 * that every stream operation sees the same bytes as if each read had asked.
 */

const httpc = guest('httpc');
const SIZE = 3_000_000;

/** The `ok([<N bytes>, end])` answers of every traced `streams.read`, as [len asked, N, end]. */
function traceReads(stderr: string): [number, number, boolean][] {
  const re = /^wasirun trace: streams\.read\(\d+, (\d+)\) -> ok\(\[<(\d+) bytes>, (true|false)\]\)$/gm;
  return [...stderr.matchAll(re)].map((m) => [Number(m[1]), Number(m[2]), m[3] === 'true']);
}

void describe('reads served from bytes read ahead', () => {
  let origin: Origin;
  /** Ends the /held response once a test has seen what it waits for. */
  let release: (() => void) | undefined;

  before(async () => {
    origin = await startOrigin((req, res, seen) => {
      req.resume();
      void (async () => {
        if (req.url === '/upload') {
          const s = await seen;
          res.write(`${s.bytes} ${s.fnv}`);
        } else if (req.url === '/trailers') {
          res.writeHead(200, { Trailer: 'X-Sum' });
          await sendPattern(res, 0, SIZE);
          res.addTrailers({ 'X-Sum': 'abc' });
        } else if (req.url === '/held') {
          // 300,000 bytes now, the last 10 only when the test says so.
          await sendPattern(res, 0, 300_000);
          await new Promise<void>((resolve) => (release = resolve));
          res.write(pattern(300_000, 10));
        } else {
          await sendPattern(res, 0, SIZE);
        }
        res.end();
      })();
    });
  });
  after(async () => {
    release?.();
    await origin.close();
  });

  void it('should give each read min(len, rest of body) whatever sizes the guest mixes', async () => {
    const sizes = [1000, 70_000, 5, 300_000, 65_536];
    const r = await wasirun([
      '--trace',
      httpc,
      '--hash',
      '--read-sizes',
      sizes.join(','),
      'GET',
      `${origin.url}/`,
    ]);
    assert.equal(r.code, 0, r.stderr.slice(-500));
    const reads = traceReads(r.stderr);
    let left = SIZE;
    reads.forEach(([len, n, end], k) => {
      assert.equal(len, sizes[k % sizes.length]);
      assert.equal(n, Math.min(len, left), `read ${k}`);
      left -= n;
      assert.equal(end, left === 0, `read ${k}`);
    });
    assert.equal(left, 0);
    assert.equal(field(r.stdout, 'body-fnv1a64'), fnv1a64(pattern(0, SIZE)));
  });

  void it('should skip from the bytes held first, then from the network', async () => {
    for (const skip of ['50000', '2000000']) {
      const r = await wasirun([
        httpc,
        '--read-sizes',
        '64000',
        '--first-read',
        '1000',
        '--skip',
        skip,
        '--hash',
        'GET',
        `${origin.url}/`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(field(r.stdout, 'first-read'), `1000 ${fnv1a64(pattern(0, 1000))} end=0`);
      const skipped = Math.min(Number(skip), 1024 * 1024);
      assert.equal(field(r.stdout, 'skipped'), `${skipped} end=0`);
      const from = 1000 + skipped;
      assert.equal(field(r.stdout, 'body-fnv1a64'), fnv1a64(pattern(from, SIZE - from)));
    }
  });

  void it('should forward and splice the bytes held before the rest', async () => {
    for (const how of ['--forward-to', '--splice-to']) {
      const r = await wasirun([
        httpc,
        '--hash',
        '--read-size',
        '70000',
        '--first-read',
        '1000',
        how,
        `${origin.url}/upload`,
        'GET',
        `${origin.url}/`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(field(r.stdout, 'forwarded'), String(SIZE - 1000));
      const upload = origin.seen.filter((s) => s.url === '/upload').at(-1);
      assert.equal(upload?.bytes, SIZE - 1000, how);
      assert.equal(upload.fnv, fnv1a64(pattern(1000, SIZE - 1000)), how);
    }
  });

  void it('should return the trailers after the bytes held are read', async () => {
    const r = await wasirun([
      httpc,
      '--hash',
      '--read-size',
      '4096',
      '--first-read',
      '1000',
      'GET',
      `${origin.url}/trailers`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(field(r.stdout, 'body-fnv1a64'), fnv1a64(pattern(1000, SIZE - 1000)));
    assert.deepEqual(lines(r.stdout, 'trailer: '), ['x-sum: abc']);
  });

  void it(
    'should find a stream ready when the bytes held are enough, while the network is quiet',
    { timeout: 20_000 },
    async () => {
      // 300,000 bytes have come; the rest comes only after 100 more polls and reads have been answered.
      const child = spawn(process.execPath, [
        BIN,
        '--trace',
        httpc,
        '--hash',
        '--poll',
        '--read-size',
        '1000',
        '--first-read',
        '1000',
        'GET',
        `${origin.url}/held`,
      ]);
      let stdout = '';
      let seen = 0;
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => {
        seen += c
          .toString()
          .split('\n')
          .filter((l) => l.startsWith('wasirun trace: streams.read(')).length;
        if (seen > 100) release?.();
      });
      const [code] = (await once(child, 'close')) as [number];
      assert.equal(code, 0);
      assert.equal(field(stdout, 'body-fnv1a64'), fnv1a64(pattern(1000, 299_010)));
    },
  );
});
