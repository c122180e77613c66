import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { field } from './helpers/cli.js';
import { pattern, startOrigin, type Origin } from './helpers/origin.js';
import { BIN, guest } from './helpers/paths.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const PAGE = 4096;

/** Runs `wasirun ARGS` as its own process, sampling its resident set size; returns stdout and the peak RSS. */
function runSampled(args: string[]): Promise<{ stdout: string; peak: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args]);
    const out: Buffer[] = [];
    let peak = 0;
    const sample = (): void => {
      try {
        const resident = Number(readFileSync(`/proc/${child.pid}/statm`, 'utf8').split(' ')[1]) * PAGE;
        peak = Math.max(peak, resident);
      } catch {
        // The process has just exited.
      }
    };
    const timer = setInterval(sample, 5);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      if (code !== 0) reject(new Error(`wasirun exited ${code}`));
      else resolve({ stdout: Buffer.concat(out).toString(), peak });
    });
  });
}

describe('bounded memory', { skip: process.platform !== 'linux' && 'RSS is sampled from /proc' }, () => {
  let origin: Origin;
  const chunk = pattern(0, 251 * 4096);
  const httpc = guest('httpc');

  before(async () => {
    origin = await startOrigin(
      (req, res) => {
        req.resume();
        const size = req.url === '/gib' ? GiB : req.url === '/small' ? 1 : 0;
        if (size === 0) {
          req.on('end', () => res.end('ok'));
          return;
        }
        let sent = 0;
        const pump = (): void => {
          while (sent < size) {
            const n = Math.min(chunk.length, size - sent);
            sent += n;
            if (!res.write(chunk.subarray(0, n))) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        pump();
      },
      undefined,
      { hash: false },
    );
  });
  after(async () => {
    await origin.close();
  });

  it('should read a 1 GiB response with RSS growing by less than 64 MiB', async (t) => {
    const small = await runSampled([httpc, '--hash', 'GET', `${origin.url}/small`]);
    const big = await runSampled([httpc, '--hash', 'GET', `${origin.url}/gib`]);
    assert.equal(field(big.stdout, 'body-bytes'), String(GiB));
    const growth = big.peak - small.peak;
    t.diagnostic(
      `peak RSS ${(small.peak / MiB).toFixed(1)} MiB for 1 byte, ${(big.peak / MiB).toFixed(1)} MiB for 1 GiB`,
    );
    assert.ok(growth < 64 * MiB, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
  });

  it('should write a 1 GiB request body after handle with RSS growing by less than 64 MiB', async (t) => {
    const small = await runSampled([httpc, '--after-handle', '--body-size', '1', 'POST', `${origin.url}/up`]);
    const big = await runSampled([
      httpc,
      '--after-handle',
      '--body-size',
      String(GiB),
      'POST',
      `${origin.url}/up`,
    ]);
    assert.equal(field(big.stdout, 'body'), 'ok');
    assert.equal(origin.seen.at(-1)?.bytes, GiB);
    const growth = big.peak - small.peak;
    t.diagnostic(
      `peak RSS ${(small.peak / MiB).toFixed(1)} MiB for 1 byte, ${(big.peak / MiB).toFixed(1)} MiB for 1 GiB`,
    );
    assert.ok(growth < 64 * MiB, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
  });
});
