import { IoEnd } from '../bridge/io-end.js';
import { createChannelBuffer } from '../bridge/layout.js';
import { writeAll } from '../util/write.js';
import type { CallSource, IncomingCall } from '../engine/io/served.js';
import { IoSession } from '../engine/io/session.js';
import { preloadUndici } from '../engine/io/undici-transport.js';
import type { GuestInit } from '../guest/instance.js';
import type { WorkerReport } from '../guest/worker.js';
import { WasirunError, type GuestModule } from './module.js';
import { startGuestWorker } from './worker.js';

/** Default for {@link RunOptions.bodyBufferLimit}: 64 MiB. */
export const DEFAULT_BODY_BUFFER_LIMIT = 64 * 1024 * 1024;

export interface RunOptions {
  /** Arguments after the program name (argv[0] is the module's name). */
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Host directories the guest may use, each preopened at the same path. */
  readonly dirs?: readonly string[];
  /** `auto` (default): wasi-http v1 imports when the module uses them; `v1`: always; `none`: never. */
  readonly http?: 'auto' | 'v1' | 'none';
  /** Print one line per wasi-http import call on stderr. */
  readonly trace?: boolean;
  /** File descriptors the guest's stdio (and its log imports) use. Default 0, 1, 2. */
  readonly stdin?: number;
  readonly stdout?: number;
  readonly stderr?: number;
  /** Bytes a body may hold before it is sent (written before `handle`). */
  readonly bodyBufferLimit?: number;
}

/** Builds what a worker needs to instantiate `mod` with these options. */
export function guestInit(mod: GuestModule, options: RunOptions, channel: SharedArrayBuffer): GuestInit {
  const http = options.http ?? 'auto';
  return {
    module: mod.module,
    channel,
    args: [mod.name, ...(options.args ?? [])],
    env: options.env ?? {},
    preopens: Object.fromEntries((options.dirs ?? []).map((d) => [d, d])),
    http: http === 'v1' || (http === 'auto' && mod.speaksHttp),
    trace: options.trace ?? false,
    stdin: options.stdin ?? 0,
    stdout: options.stdout ?? 1,
    stderr: options.stderr ?? 2,
    bodyBufferLimit: options.bodyBufferLimit ?? DEFAULT_BODY_BUFFER_LIMIT,
    mode: 'command',
  };
}

/** The I/O thread's side of one guest instance: its channel's shared memory, its session, the end serving it. */
export interface IoSide {
  readonly sab: SharedArrayBuffer;
  readonly session: IoSession;
  readonly io: IoEnd;
}

/** Opens the channel of one guest instance; the session's warnings go to the guest's stderr. */
export function openIoSide(
  options: RunOptions,
  serving?: { calls: CallSource; took: (token: number) => IncomingCall },
): IoSide {
  const stderr = options.stderr ?? 2;
  const sab = createChannelBuffer();
  const session: IoSession = new IoSession({
    channel: sab,
    bodyBufferLimit: options.bodyBufferLimit ?? DEFAULT_BODY_BUFFER_LIMIT,
    warn: (message) => {
      writeAll(stderr, `wasirun: warning: ${message}\n`);
    },
    noteFailure: () => {
      io.noteFailure();
    },
    ...serving,
  });
  const io = new IoEnd(sab, session.handle);
  return { sab, session, io };
}

/**
 * Runs a command module (`_start`) in a worker thread, doing its HTTP on
 * this thread's event loop. Resolves to the guest's exit code; rejects with
 * a {@link WasirunError} when the guest traps or cannot be linked.
 */
export async function runCommand(mod: GuestModule, options: RunOptions = {}): Promise<number> {
  const { sab, session, io } = openIoSide(options);
  const init = guestInit(mod, options, sab);
  const worker = startGuestWorker(init);
  // A command speaking wasi-http is a client: its HTTP client loads while the guest starts, not at
  // its first request. One without the imports never needs it (and would wait for it at exit).
  if (init.http) preloadUndici().catch(() => undefined);
  try {
    const report = await new Promise<WorkerReport>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => {
        reject(new Error(`the guest's worker stopped with code ${code}`));
      });
    });
    if (report.kind === 'exit') return report.code;
    throw new WasirunError(report.kind === 'trap' ? 'WASIRUN_TRAP' : 'WASIRUN_LINK', report.message);
  } finally {
    io.stop();
    session.close();
    await worker.terminate();
  }
}
