import http from 'node:http';
import { WASIRUN, at, fixture, startServer } from './proc.js';
import { median, type Result } from './report.js';

const ROUNDS = 5;

/** Milliseconds from spawning the server process to the end of its first response. */
async function firstResponse(args: string[]): Promise<number> {
  const start = performance.now();
  const server = await startServer(args);
  try {
    await new Promise<void>((resolve, reject) => {
      http
        .get(server.url, (res) => {
          res.resume();
          res.on('end', resolve);
        })
        .on('error', reject);
    });
    return performance.now() - start;
  } finally {
    await server.stop();
  }
}

/** Process start to the first response of the hello guest, against node starting the bare server. */
export async function coldStartBench(): Promise<Result[]> {
  const ours: number[] = [];
  const bare: number[] = [];
  const hello = [
    WASIRUN,
    '--quiet',
    '--workers',
    '1',
    '--http-server-addr',
    '127.0.0.1:0',
    at('examples', 'hello-server.wasm'),
  ];
  for (let round = 0; round < ROUNDS; round++) {
    ours.push(await firstResponse(hello));
    bare.push(await firstResponse([fixture('bare-hello')]));
  }
  return [
    {
      name: 'cold start to first response',
      unit: 'ms',
      better: 'lower',
      ours,
      baseline: bare,
      baselineName: 'node starting the bare server',
      target: '≤ 150 ms',
      met: median(ours) <= 150,
    },
  ];
}
