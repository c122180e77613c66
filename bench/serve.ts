import { availableParallelism } from 'node:os';
import { WASIRUN, at, childrenCpu, fixture, run, startServer, type Server } from './proc.js';
import { median, type Result } from './report.js';

const CONNECTIONS = 32;
const SECONDS = 5;
/** Rounds: the floor and wasirun's share of it are judged on their medians, which five left to chance. */
const ROUNDS = 7;

interface Load {
  rps: number;
  p99: number;
  /** CPU time per request of the server's threads, in µs: its main (event-loop) thread, then the others, busiest first. */
  cpu: number[];
  /** autocannon's CPU time per request, in µs. */
  loader: number;
}

/** autocannon, in its own process, against `server`. */
async function load(server: Server, seconds = SECONDS): Promise<Load> {
  const { url } = server;
  const before = server.threads();
  const loaderBefore = childrenCpu();
  const out = await run(process.execPath, [
    at('node_modules', 'autocannon', 'autocannon.js'),
    '-j',
    '-c',
    String(CONNECTIONS),
    '-d',
    String(seconds),
    url,
  ]);
  const after = server.threads();
  const loader = childrenCpu() - loaderBefore;
  const r = JSON.parse(out) as {
    requests: { average: number; total: number };
    latency: { p99: number };
    non2xx: number;
    errors: number;
  };
  if (r.non2xx > 0 || r.errors > 0)
    throw new Error(`${url}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
  const main = String(server.child.pid);
  const perRequest = ([tid, s]: [string, number]): number =>
    ((s - (before.get(tid) ?? 0)) * 1e6) / r.requests.total;
  const others = [...after].filter(([tid]) => tid !== main).map(perRequest);
  const cpu = [perRequest([main, after.get(main) ?? 0]), ...others.sort((a, b) => b - a)];
  return { rps: r.requests.average, p99: r.latency.p99, cpu, loader: (loader * 1e6) / r.requests.total };
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
    ['handoff', await startServer([fixture('handoff-server')])],
    ['minimal', await startServer([fixture('minimal-host')])],
  ];
  const seen = new Map<string, Load[]>(servers.map(([k]) => [k, []]));
  try {
    for (const [, s] of servers) await load(s, 1);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [k, s] of servers) seen.get(k)?.push(await load(s));
    }
  } finally {
    await Promise.all(servers.map(([, s]) => s.stop()));
  }
  const pick = (k: string, f: (l: Load) => number): number[] => (seen.get(k) ?? []).map(f);
  const rps = { unit: 'req/s', better: 'higher', of: (l: Load) => l.rps } as const;
  const p99 = { unit: 'ms', better: 'lower', of: (l: Load) => l.p99 } as const;
  const mainThread = { unit: 'µs/req', better: 'lower', of: (l: Load) => l.cpu[0] ?? 0 } as const;
  /** A row of `server` against bare node:http; `met` judges the two medians. */
  const row = (
    name: string,
    server: string,
    metric: typeof rps | typeof p99 | typeof mainThread,
    target: string,
    met?: (ours: number, bare: number) => boolean,
    note: string | undefined = metric === p99 ? 'autocannon reports whole milliseconds' : undefined,
  ): Result => {
    const ours = pick(server, metric.of);
    const baseline = pick('bare', metric.of);
    return {
      name,
      unit: metric.unit,
      better: metric.better,
      ours,
      baseline,
      baselineName: 'bare node:http',
      target,
      met: met?.(median(ours), median(baseline)),
      note,
    };
  };
  /** A row of `server`'s CPU per request, as `of` counts it; `more` adds a baseline or a note. */
  const cpuRow = (
    name: string,
    server: string,
    of: (l: Load) => number,
    target: string,
    more: Pick<Result, 'baseline' | 'baselineName' | 'note'> = {},
  ): Result => ({
    name,
    unit: 'µs/req',
    better: 'lower',
    ours: pick(server, of),
    target,
    met: undefined,
    ...more,
  });
  /** `a`'s req/s over `b`'s, round by round: both measured in the same round, so the machine's drift between rounds cancels. */
  const perRound = (name: string, a: string, b: string, target: string, note: string): Result => {
    const of = pick(b, rps.of);
    return {
      name,
      unit: '×',
      better: 'higher',
      ours: pick(a, rps.of).map((x, k) => x / (of[k] ?? Number.NaN)),
      target,
      met: undefined,
      note,
    };
  };
  /** The busiest thread but the event loop's: the guest's. */
  const guestThread = (l: Load): number => l.cpu[1] ?? 0;
  const allThreads = (l: Load): number => l.cpu.reduce((a, b) => a + b, 0);
  /**
   * Per round, the CPU per request the server may use, all its threads together, to serve 0.8× bare's
   * req/s on these cores: what autocannon leaves of them, its CPU per request (with bare) taken out.
   */
  const budget = {
    baseline: (seen.get('bare') ?? []).map((l) => (cores * 1e6) / (0.8 * l.rps) - l.loader),
    baselineName: `what ${cores} cores leave per request at 0.8× bare's req/s, autocannon's CPU taken out`,
    note: 'over 1× the budget, 0.8× bare cannot be reached on this machine',
  };
  return [
    row('hello guest, 1 worker: req/s', 'one', rps, '≥ 0.8×', (o, b) => o >= 0.8 * b),
    row(`hello guest, ${cores} workers: req/s`, 'all', rps, '> 1×', (o, b) => o > b),
    row('hello guest, 1 worker: p99 latency', 'one', p99, '≤ 2×', (o, b) => o <= 2 * Math.max(b, 1)),
    row(
      'floor: wasirun HTTP path, no guest',
      'floor',
      rps,
      'a floor, measured',
      undefined,
      'the response path on the I/O thread alone: what is left for a guest',
    ),
    row('floor: p99 latency, no guest', 'floor', p99, 'a floor, measured'),
    row(
      'CPU per request: I/O thread, 1 worker',
      'one',
      mainThread,
      'where the time goes',
      undefined,
      "the server's main thread, its event loop (bare: its only busy one); one thread serves at most 10⁶ / this req/s",
    ),
    cpuRow("CPU per request: the guest's thread, 1 worker", 'one', guestThread, 'where the time goes', {
      note: "wasm, the ABI and the guest's end of the channel",
    }),
    row(
      'floor: node:http, each request handed to a thread and back',
      'handoff',
      rps,
      'a floor, measured',
      undefined,
      'no WebAssembly, no ABI: shared words and wake-ups as in wasirun',
    ),
    row('floor: CPU per request, its event-loop thread', 'handoff', mainThread, 'a floor, measured'),
    row(
      'floor: a minimal host running the hello guest on a thread',
      'minimal',
      rps,
      'a floor, measured',
      undefined,
      'the hand-off above plus the guest: its six imports do only what the ABI needs, with no checks, streaming or recovery',
    ),
    perRound(
      "floor: the minimal host's req/s over bare's, round by round",
      'minimal',
      'bare',
      'a floor, measured',
      'each ratio from one round, where both served in turn: what a host of this shape gets here',
    ),
    perRound(
      "hello guest, 1 worker: req/s over the minimal host's, round by round",
      'one',
      'minimal',
      'where the time goes',
      'what wasirun does beyond the minimal host (checks, streaming, limits, recovery) costs this',
    ),
    row(
      'floor: minimal host, CPU per request, event-loop thread',
      'minimal',
      mainThread,
      'a floor, measured',
    ),
    cpuRow(
      "floor: minimal host, CPU per request, the guest's thread",
      'minimal',
      guestThread,
      'a floor, measured',
    ),
    cpuRow('CPU per request, all threads, 1 worker', 'one', allThreads, 'where the time goes', budget),
    cpuRow(
      'floor: minimal host, CPU per request, all threads',
      'minimal',
      allThreads,
      'a floor, measured',
      budget,
    ),
    {
      name: `floor: req/s ${cores} cores allow at bare node:http's CPU per request, autocannon's included`,
      unit: 'req/s',
      better: 'higher',
      ours: pick('bare', (l) => (cores * 1e6) / (l.cpu.reduce((a, b) => a + b, 0) + l.loader)),
      baseline: pick('bare', rps.of),
      baselineName: 'bare node:http',
      target: 'a floor, measured',
      met: undefined,
      note: "at about 1×, bare node:http and autocannon fill the machine: no server beats bare's req/s here",
    },
  ];
}
