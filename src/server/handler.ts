import type { IncomingMessage, ServerResponse } from 'node:http';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pollChannels } from '../bridge/io-end.js';
import { writeAll } from '../util/write.js';
import type { RunOptions } from '../runtime/command.js';
import { WasirunError, type GuestModule } from '../runtime/module.js';
import { ServerCall } from './call.js';
import { headerOf } from './served-head.js';
import { limitMemory } from './memory-limit.js';
import { route } from './mux.js';
import { InstancePool } from './pool.js';

export interface ServeOptions extends RunOptions {
  /** Guest instances, each in its own worker thread. Default: one per core but the I/O thread's. */
  readonly workers?: number;
  /** Requests that may wait for a busy pool before 503. Default 128. */
  readonly queue?: number;
  /** Longest a guest may spend on one request before 504 and a fresh instance. Default 30 s. */
  readonly handlerTimeoutMs?: number;
  /** Linear-memory limit per instance, in bytes. Default 256 MiB. */
  readonly memoryLimit?: number;
  /** Largest request body accepted, in bytes, before 413. Default 1 GiB. */
  readonly maxRequestBody?: number;
  /** Path prefix served, as Go's ServeMux reads it. Default `/`. */
  readonly path?: string;
  /** One line per request; default: to stderr. `false` turns it off. */
  readonly accessLog?: ((line: string) => void) | false;
  /** Instance events (traps, replacements); default: to stderr. */
  readonly log?: (line: string) => void;
}

export const SERVE_DEFAULTS = {
  queue: 128,
  handlerTimeoutMs: 30_000,
  memoryLimit: 256 * 1024 * 1024,
  maxRequestBody: 1024 * 1024 * 1024,
  path: '/',
} as const;

/** A Node request listener that serves a guest module; `close()` stops its instances. */
export interface RequestHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  /** Lets running requests finish for up to `graceMs`, then stops every instance. */
  close(graceMs?: number): Promise<void>;
}

const toStderr = (line: string): void => {
  writeAll(2, `${line}\n`);
};

/**
 * Starts a pool of instances of `mod` and returns the listener that feeds
 * them: usable with `http.createServer`, Express (`app.use(handler)`) and
 * anything else that hands out Node's request and response.
 */
export async function createRequestHandler(
  mod: GuestModule,
  options: ServeOptions = {},
): Promise<RequestHandler> {
  const memoryLimit = options.memoryLimit ?? SERVE_DEFAULTS.memoryLimit;
  const maxBody = options.maxRequestBody ?? SERVE_DEFAULTS.maxRequestBody;
  const prefix = options.path ?? SERVE_DEFAULTS.path;
  const accessLog = options.accessLog ?? toStderr;
  let limited: GuestModule;
  try {
    const bytes = limitMemory(mod.bytes, memoryLimit);
    // A module compiled within the limit already (the command does so) is not compiled again.
    limited = bytes === mod.bytes ? mod : { ...mod, bytes, module: await WebAssembly.compile(bytes) };
  } catch (err) {
    throw new WasirunError('WASIRUN_LOAD', `${mod.name}: ${(err as Error).message}`);
  }
  const pool = await InstancePool.start(limited, {
    workers: options.workers ?? Math.max(1, availableParallelism() - 1),
    queue: options.queue ?? SERVE_DEFAULTS.queue,
    deadlineMs: options.handlerTimeoutMs ?? SERVE_DEFAULTS.handlerTimeoutMs,
    memoryLimit,
    run: options,
    log: options.log ?? toStderr,
  });

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    pollChannels();
    const call = new ServerCall(req, res, maxBody);
    if (accessLog) {
      const started = performance.now();
      res.once('close', () => {
        const ms = (performance.now() - started).toFixed(1);
        const who = call.instance < 0 ? '-' : String(call.instance);
        accessLog(
          `${req.method ?? ''} ${req.url ?? ''} ${res.headersSent ? res.statusCode : '-'} ${call.bytes}B ${ms}ms instance=${who}`,
        );
      });
    }
    const r = route(prefix, call.head.path);
    if (!r.serve) {
      if (r.redirect) call.answer(301, 'moved permanently', { location: r.redirect + call.head.query });
      else call.answer(404, '404 page not found');
      return;
    }
    if (Number(headerOf(call.head.headers, 'content-length') ?? 0) > maxBody) {
      call.answer(413, `request body over the ${maxBody}-byte limit`, { connection: 'close' });
      return;
    }
    const outcome = pool.dispatch(call);
    if (outcome === 'full') {
      call.answer(503, 'every guest instance is busy and the queue is full; try again', {
        'retry-after': '1',
      });
    } else if (outcome === 'closed') {
      call.answer(503, 'the server is shutting down', { connection: 'close' });
    }
  };
  return Object.assign(handler, { close: (graceMs = 0) => pool.close(graceMs) });
}
