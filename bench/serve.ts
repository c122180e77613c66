import { availableParallelism } from 'node:os';
import { WASIRUN, at, fixture, run, startServer, type Server } from './proc.js';
import { median, type Result } from './report.js';

const CONNECTIONS = 32;
const SECONDS = 5;
const ROUNDS = 3;

interface Load {
  rps: number;
  p99: number;
}

/** autocannon, in its own process, against `url`. */
async function load(url: string, seconds = SECONDS): Promise<Load> {
  const out = await run(process.execPath, [
    at('node_modules', 'autocannon', 'autocannon.js'),
    '-j',
    '-c',
    String(CONNECTIONS),
    '-d',
    String(seconds),
    url,
  ]);
  const r = JSON.parse(out) as {
    requests: { average: number };
    latency: { p99: number };
    non2xx: number;
    errors: number;
  };
  if (r.non2xx > 0 || r.errors > 0)
    throw new Error(`${url}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
  return { rps: r.requests.average, p99: r.latency.p99 };
}

const wasirun = (workers: number): string[] => [
  WASIRUN,
  '--quiet',
  '--workers',
  String(workers),
  '--http-server-addr',
  '127.0.0.1:0',
  at('examples', 'hello-server.wasm'),
];

/** The hello guest against bare node:http, 32 connections, rounds alternating A/B/C. */
export async function serveBench(): Promise<Result[]> {
  const cores = availableParallelism();
  const servers: [string, Server][] = [
    ['bare', await startServer([fixture('bare-hello')])],
    ['one', await startServer(wasirun(1))],
    ['all', await startServer(wasirun(cores))],
    ['floor', await startServer([fixture('null-guest')])],
  ];
  const seen = new Map<string, Load[]>(servers.map(([k]) => [k, []]));
  try {
    for (const [, s] of servers) await load(s.url, 1);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [k, s] of servers) seen.get(k)?.push(await load(s.url));
    }
  } finally {
    await Promise.all(servers.map(([, s]) => s.stop()));
  }
  const pick = (k: string, f: (l: Load) => number): number[] => (seen.get(k) ?? []).map(f);
  const bareRps = median(pick('bare', (l) => l.rps));
  const bareP99 = median(pick('bare', (l) => l.p99));
  return [
    {
      name: 'hello guest, 1 worker: req/s',
      unit: 'req/s',
      better: 'higher',
      ours: pick('one', (l) => l.rps),
      baseline: pick('bare', (l) => l.rps),
      baselineName: 'bare node:http',
      target: '≥ 0.8×',
      met: median(pick('one', (l) => l.rps)) >= 0.8 * bareRps,
    },
    {
      name: `hello guest, ${cores} workers: req/s`,
      unit: 'req/s',
      better: 'higher',
      ours: pick('all', (l) => l.rps),
      baseline: pick('bare', (l) => l.rps),
      baselineName: 'bare node:http',
      target: '> 1×',
      met: median(pick('all', (l) => l.rps)) > bareRps,
    },
    {
      name: 'hello guest, 1 worker: p99 latency',
      unit: 'ms',
      better: 'lower',
      ours: pick('one', (l) => l.p99),
      baseline: pick('bare', (l) => l.p99),
      baselineName: 'bare node:http',
      target: '≤ 2×',
      met: median(pick('one', (l) => l.p99)) <= 2 * Math.max(bareP99, 1),
      note: 'autocannon reports whole milliseconds',
    },
    {
      name: 'floor: wasirun HTTP path, no guest',
      unit: 'req/s',
      better: 'higher',
      ours: pick('floor', (l) => l.rps),
      baseline: pick('bare', (l) => l.rps),
      baselineName: 'bare node:http',
      target: 'a floor, measured',
      met: undefined,
      note: 'the response path on the I/O thread alone: what is left for a guest',
    },
    {
      name: 'floor: p99 latency, no guest',
      unit: 'ms',
      better: 'lower',
      ours: pick('floor', (l) => l.p99),
      baseline: pick('bare', (l) => l.p99),
      baselineName: 'bare node:http',
      target: 'a floor, measured',
      met: undefined,
      note: 'autocannon reports whole milliseconds',
    },
  ];
}
