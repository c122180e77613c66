import http from 'node:http';
import { WASIRUN, at, fixture, startServer, type Server } from './proc.js';
import { median, type Result } from './report.js';

const GiB = 2 ** 30;
const ROUNDS = 2;
const CHUNK = Buffer.alloc(256 * 1024, 'x');

/** Uploads 1 GiB and reads the echo back at the same time; returns MB/s and the server's peak RSS. */
async function echo(server: Server): Promise<{ mbps: number; peak: number }> {
  let peak = server.rss();
  const sampler = setInterval(() => {
    peak = Math.max(peak, server.rss());
  }, 10);
  const start = performance.now();
  try {
    const received = await new Promise<number>((resolve, reject) => {
      const req = http.request(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
      });
      req.on('response', (res) => {
        let n = 0;
        res.on('data', (c: Buffer) => (n += c.length));
        res.on('end', () => {
          resolve(n);
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      let sent = 0;
      const pump = (): void => {
        while (sent < GiB) {
          sent += CHUNK.length;
          if (!req.write(CHUNK)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    if (received !== GiB) throw new Error(`echoed ${received} bytes of ${GiB}`);
  } finally {
    clearInterval(sampler);
  }
  return { mbps: GiB / 2 ** 20 / ((performance.now() - start) / 1000), peak };
}

/** 1 GiB through the echo guest against a Node server piping request to response, alternating. */
export async function echoBench(): Promise<Result[]> {
  const ours = await startServer([
    WASIRUN,
    '--quiet',
    '--workers',
    '1',
    '--max-request-body',
    '2G',
    '--http-server-addr',
    '127.0.0.1:0',
    at('examples', 'echo-server.wasm'),
  ]);
  const pipe = await startServer([fixture('pipe-server')]);
  const a: { mbps: number; peak: number }[] = [];
  const b: { mbps: number; peak: number }[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      a.push(await echo(ours));
      b.push(await echo(pipe));
    }
  } finally {
    await Promise.all([ours.stop(), pipe.stop()]);
  }
  const peakMb = a.map((x) => x.peak / 1e6);
  return [
    {
      name: '1 GiB through the echo guest: throughput',
      unit: 'MiB/s',
      better: 'higher',
      ours: a.map((x) => x.mbps),
      baseline: b.map((x) => x.mbps),
      baselineName: 'Node piping req to res',
      target: '≥ 0.5×',
      met: median(a.map((x) => x.mbps)) >= 0.5 * median(b.map((x) => x.mbps)),
    },
    {
      name: '1 GiB through the echo guest: peak RSS',
      unit: 'MB',
      better: 'lower',
      ours: peakMb,
      baseline: b.map((x) => x.peak / 1e6),
      baselineName: 'Node piping req to res',
      target: '< 150 MB',
      met: Math.max(...peakMb) < 150,
    },
  ];
}
