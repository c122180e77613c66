import { WASIRUN, at, fixture, run, startServer, type Server } from './proc.js';
import { median, type Result } from './report.js';

const GETS = 2000;
const ROUNDS = 5;
/** A longer loop: what a GET costs once the code on both threads is compiled. */
const STEADY_GETS = 10_000;
const STEADY_ROUNDS = 3;

const elapsedMs = (out: string): number => {
  const m = /elapsed-us: (\d+)/.exec(out);
  if (!m) throw new Error(`no elapsed-us in ${out}`);
  return Number(m[1]) / 1000;
};

/** Each loop's time in ms, one sample per round: the guest's, plain undici's, and the two floors'. */
interface Loops {
  readonly guest: number[];
  readonly plain: number[];
  readonly handedOff: number[];
  readonly minimal: number[];
}

/** `rounds` rounds of `gets` sequential GETs, each loop in a fresh process, rounds alternating. */
async function loops(origin: Server, gets: number, rounds: number): Promise<Loops> {
  const authority = new URL(origin.url).host;
  const out: Loops = { guest: [], plain: [], handedOff: [], minimal: [] };
  const node = (args: string[]): Promise<number> => run(process.execPath, args).then(elapsedMs);
  for (let round = 0; round < rounds; round++) {
    out.guest.push(
      await node([WASIRUN, at('guests', 'wasm', 'get-loop.wasm'), authority, '/', String(gets)]),
    );
    out.plain.push(await node([fixture('undici-loop'), origin.url, String(gets)]));
    out.handedOff.push(await node([fixture('handoff-loop'), origin.url, String(gets)]));
    out.minimal.push(await node([fixture('minimal-get-host'), authority, '/', String(gets)]));
  }
  return out;
}

/**
 * 2,000 sequential GETs by a guest, against the same loop in plain undici,
 * and two floors: that loop with each GET handed over from a blocked
 * thread, and a minimal host running the same guest.
 * Then the same at 10,000 GETs, per GET, for the cost once warm. Each loop in
 * a fresh process, rounds alternating, against an origin warmed up first.
 */
export async function getLoopBench(): Promise<Result[]> {
  const origin = await startServer([fixture('origin')]);
  let short: Loops;
  let steady: Loops;
  try {
    // The origin's own warm-up (its JIT) is nobody's cost: one loop first, not counted.
    await run(process.execPath, [fixture('undici-loop'), origin.url, String(GETS)]);
    short = await loops(origin, GETS, ROUNDS);
    steady = await loops(origin, STEADY_GETS, STEADY_ROUNDS);
  } finally {
    await origin.stop();
  }
  const perGet = (ms: number[]): number[] => ms.map((t) => (t * 1000) / STEADY_GETS);
  /** A row of 2,000 GETs (ms) or, `steadyState`, of time per GET over 10,000 (µs), against the plain loop's. */
  const row = (
    name: string,
    of: (l: Loops) => number[],
    target: string,
    steadyState: boolean,
    met?: boolean,
    note?: string,
  ): Result => ({
    name,
    unit: steadyState ? 'µs' : 'ms',
    better: 'lower',
    ours: steadyState ? perGet(of(steady)) : of(short),
    baseline: steadyState ? perGet(steady.plain) : short.plain,
    baselineName: 'plain undici loop',
    target,
    met,
    note,
  });
  const floor = 'a floor, measured';
  return [
    row(
      `${GETS} sequential GETs by a guest`,
      (l) => l.guest,
      '≤ 1.3×',
      false,
      median(short.guest) <= 1.3 * median(short.plain),
      'the loop only, timed inside each process',
    ),
    row(
      'floor: the undici loop, each GET asked by another thread',
      (l) => l.handedOff,
      floor,
      false,
      undefined,
      'no WebAssembly: one word each way, Atomics.wait on the asking thread',
    ),
    row(
      'floor: a minimal host running the same guest',
      (l) => l.minimal,
      floor,
      false,
      undefined,
      'the hand-off above plus the guest: its imports do only what the ABI needs, with no checks, headers or streaming',
    ),
    row(
      `${STEADY_GETS} sequential GETs by a guest: time per GET`,
      (l) => l.guest,
      'where the time goes',
      true,
      undefined,
      'once warm: the first few hundred GETs run interpreted code on both threads',
    ),
    row(`floor at ${STEADY_GETS} GETs: time per GET`, (l) => l.handedOff, floor, true),
    row(`minimal host at ${STEADY_GETS} GETs: time per GET`, (l) => l.minimal, floor, true),
  ];
}
