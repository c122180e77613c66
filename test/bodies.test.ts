import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { field, lines, wasirun } from './helpers/cli.js';
import { Fnv, fnv1a64, pattern, sendPattern, startOrigin, type Origin } from './helpers/origin.js';
import { guest } from './helpers/paths.js';

const httpc = guest('httpc');
const MiB = 1024 * 1024;

const headerOf = (raw: readonly string[], name: string): string | undefined => {
  const i = raw.findIndex((h, k) => k % 2 === 0 && h.toLowerCase() === name);
  return i < 0 ? undefined : raw[i + 1];
};

describe('bodies stream both ways', () => {
  let origin: Origin;
  const patternHash = new Map<number, string>();
  const hashOf = (size: number): string => {
    let h = patternHash.get(size);
    if (!h) {
      const fnv = new Fnv();
      for (let at = 0; at < size; at += MiB) fnv.update(pattern(at, Math.min(MiB, size - at)));
      h = fnv.hex;
      patternHash.set(size, h);
    }
    return h;
  };

  before(async () => {
    origin = await startOrigin((req, res, seen) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const size = Number(url.searchParams.get('size') ?? 0);
      void (async () => {
        if (url.pathname === '/download') {
          req.resume();
          await sendPattern(res, 0, size);
          res.end();
        } else if (url.pathname === '/slow') {
          req.resume();
          // 10 pieces of 10,000 bytes, 20 ms apart: a short read would show.
          for (let k = 0; k < 10; k++) {
            res.write(pattern(k * 10_000, 10_000));
            await sleep(20);
          }
          res.end();
        } else if (url.pathname === '/trailers') {
          req.resume();
          res.writeHead(200, { Trailer: 'X-Checksum, X-Count' });
          res.write('with trailers');
          res.addTrailers([
            ['X-Checksum', 'abc123'],
            ['X-Count', '1'],
            ['X-Count', '2'],
          ]);
          res.end();
        } else {
          const s = await seen;
          res.end(`${s.bytes} ${s.fnv}`);
        }
      })();
    });
  });
  after(async () => {
    await origin.close();
  });

  it('should download 64 MiB intact', async () => {
    const size = 64 * MiB;
    const r = await wasirun([httpc, '--hash', 'GET', `${origin.url}/download?size=${size}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(field(r.stdout, 'body-bytes'), String(size));
    assert.equal(field(r.stdout, 'body-fnv1a64'), hashOf(size));
  });

  it('should upload 64 MiB written before handle, sent with a content-length', async () => {
    const size = 64 * MiB;
    const r = await wasirun([httpc, '--body-size', String(size), 'POST', `${origin.url}/upload`]);
    assert.equal(r.code, 0, r.stderr);
    const seen = origin.seen.at(-1);
    assert.equal(seen?.bytes, size);
    assert.equal(seen.fnv, hashOf(size));
    assert.equal(headerOf(seen.rawHeaders, 'content-length'), String(size));
    assert.equal(field(r.stdout, 'body'), `${size} ${hashOf(size)}`);
  });

  it('should stream 64 MiB written after handle, chunked', async () => {
    const size = 64 * MiB;
    const r = await wasirun([
      httpc,
      '--after-handle',
      '--body-size',
      String(size),
      'PUT',
      `${origin.url}/upload`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const seen = origin.seen.at(-1);
    assert.equal(seen?.bytes, size);
    assert.equal(seen.fnv, hashOf(size));
    assert.equal(headerOf(seen.rawHeaders, 'transfer-encoding'), 'chunked');
  });

  it('should refuse a write past the body buffer limit before handle', async () => {
    const before = origin.seen.length;
    const over = await wasirun([httpc, '--body-size', String(64 * MiB + 1), 'POST', `${origin.url}/upload`]);
    assert.equal(over.code, 5, over.stdout);
    assert.deepEqual(lines(over.stdout, 'write-error'), [` after ${64 * MiB} bytes`]);

    const limit = ['--body-buffer-limit', '1K'];
    const small = await wasirun([
      ...limit,
      httpc,
      '--write-chunk',
      '512',
      '--body-size',
      '1025',
      'POST',
      `${origin.url}/upload`,
    ]);
    assert.equal(small.code, 5, small.stdout);
    assert.deepEqual(lines(small.stdout, 'write-error'), [' after 1024 bytes']);
    assert.equal(origin.seen.length, before, 'neither request was sent');
  });

  it('should take an era body that is never finished as complete when the guest waits', async () => {
    const r = await wasirun([httpc, '--end', 'none', '-d', 'era body', 'POST', `${origin.url}/upload`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(origin.seen.at(-1)?.body.toString(), 'era body');
    assert.equal(headerOf(origin.seen.at(-1)?.rawHeaders ?? [], 'content-length'), '8');
  });

  it('should end the body when the guest drops the stream', async () => {
    const r = await wasirun([
      httpc,
      '--after-handle',
      '--end',
      'drop',
      '-d',
      'dropped',
      'POST',
      `${origin.url}/upload`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(origin.seen.at(-1)?.body.toString(), 'dropped');
  });

  it('should make a single read wait for min(len, rest of body) while the body trickles in', async () => {
    const era = await wasirun([
      httpc,
      '--single-read',
      '--read-size',
      '65536',
      '--hash',
      'GET',
      `${origin.url}/slow`,
    ]);
    assert.equal(era.code, 0, era.stderr);
    assert.equal(field(era.stdout, 'body-bytes'), '65536');
    assert.equal(field(era.stdout, 'body-fnv1a64'), fnv1a64(pattern(0, 65536)));

    const all = await wasirun([
      httpc,
      '--single-read',
      '--read-size',
      '1048576',
      '--hash',
      'GET',
      `${origin.url}/slow`,
    ]);
    assert.equal(field(all.stdout, 'body-bytes'), '100000');
  });

  it('should cap a read of 2^63 or u64::MAX bytes instead of failing', async () => {
    for (const len of ['9223372036854775808', '18446744073709551615']) {
      const r = await wasirun([
        httpc,
        '--read-size',
        len,
        '--hash',
        'GET',
        `${origin.url}/download?size=3000000`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(field(r.stdout, 'body-bytes'), '3000000');
    }
  });

  it('should skip bytes', async () => {
    const r = await wasirun([httpc, '--skip', '10', '--hash', 'GET', `${origin.url}/download?size=1000`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(field(r.stdout, 'skipped'), '10 end=0');
    assert.equal(field(r.stdout, 'body-fnv1a64'), fnv1a64(pattern(10, 990)));
  });

  it('should write zeroes', async () => {
    const r = await wasirun([httpc, '--zeroes', '5000', 'POST', `${origin.url}/upload`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(origin.seen.at(-1)?.fnv, fnv1a64(Buffer.alloc(5000)));
  });

  it('should give the same bytes through the blocking-* functions', async () => {
    const up = await wasirun([
      httpc,
      '--blocking',
      '--after-handle',
      '--body-size',
      '300000',
      'POST',
      `${origin.url}/upload`,
    ]);
    assert.equal(field(up.stdout, 'body'), `300000 ${fnv1a64(pattern(0, 300000))}`);
    const zeroes = await wasirun([httpc, '--blocking', '--zeroes', '10', 'POST', `${origin.url}/upload`]);
    assert.equal(field(zeroes.stdout, 'body'), `10 ${fnv1a64(Buffer.alloc(10))}`);
    const down = await wasirun([
      httpc,
      '--blocking',
      '--skip',
      '1',
      '--hash',
      'GET',
      `${origin.url}/download?size=2000000`,
    ]);
    assert.equal(field(down.stdout, 'body-fnv1a64'), fnv1a64(pattern(1, 1999999)));
  });

  it('should forward and splice a response body into another request', async () => {
    for (const how of ['--forward-to', '--splice-to']) {
      const r = await wasirun([
        httpc,
        how,
        `${origin.url}/upload`,
        'GET',
        `${origin.url}/download?size=3000000`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(field(r.stdout, 'forwarded'), '3000000');
      assert.equal(field(r.stdout, '2.status'), '200');
      assert.equal(field(r.stdout, '2.body'), `3000000 ${hashOf(3000000)}`);
    }
  });

  it('should return response trailers from finish-incoming-stream', async () => {
    const r = await wasirun([httpc, 'GET', `${origin.url}/trailers`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(field(r.stdout, 'body'), 'with trailers');
    assert.deepEqual(lines(r.stdout, 'trailer: '), ['x-checksum: abc123', 'x-count: 1', 'x-count: 2']);
    const none = await wasirun([httpc, 'GET', `${origin.url}/download?size=10`]);
    assert.deepEqual(lines(none.stdout, 'trailers: '), ['none']);
  });

  it('should send request trailers from finish-outgoing-stream', async () => {
    const r = await wasirun([
      httpc,
      '-d',
      'body',
      '--trailer',
      'X-Sum:42',
      '--trailer',
      'x-sum:43',
      'POST',
      `${origin.url}/upload`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(origin.seen.at(-1)?.trailers, ['X-Sum', '42', 'x-sum', '43']);
    assert.equal(origin.seen.at(-1)?.body.toString(), 'body');
  });

  it('should send trailers after a streamed body when the request declares them', async () => {
    const args = [
      '-H',
      'Trailer:X-Sum',
      '--after-handle',
      '--body-size',
      '2000000',
      '--trailer',
      'X-Sum:late',
    ];
    const r = await wasirun([httpc, ...args, 'POST', `${origin.url}/upload`]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(origin.seen.at(-1)?.trailers, ['X-Sum', 'late']);
    assert.equal(origin.seen.at(-1)?.fnv, hashOf(2000000));
  });

  it('should warn, not fail, when undeclared trailers follow a body that was already streaming', async () => {
    // 16 MiB cannot all be queued before the head goes out, so it is streamed through undici.
    const size = 16 * MiB;
    const args = ['--after-handle', '--body-size', String(size), '--trailer', 'X-Sum:lost'];
    const r = await wasirun([httpc, ...args, 'POST', `${origin.url}/upload`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(origin.seen.at(-1)?.bytes, size);
    assert.deepEqual(origin.seen.at(-1)?.trailers, []);
    assert.match(
      r.stderr,
      /^wasirun: warning: trailers after a streamed request body need a `Trailer` request header/m,
    );
  });
});
