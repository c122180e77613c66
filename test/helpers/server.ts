import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { loadModule } from '../../src/runtime/module.js';
import { serve, type ListenOptions, type RunningServer } from '../../src/server/serve.js';
import { BIN } from './paths.js';

/** A server started in this process, with everything it logged kept for the test. */
export interface TestServer extends RunningServer {
  /** Access-log lines, one per request, in the order they were written. */
  readonly access: string[];
  /** Instance events (traps, replacements). */
  readonly events: string[];
  /** What the guests (and `--trace`) wrote on stdout and stderr so far. */
  stdout(): string;
  stderr(): string;
}

/** Serves the module at `path` (or these bytes) on 127.0.0.1:0, guest stdio in temp files, logs captured. */
export async function startServer(
  path: string | Uint8Array,
  options: ListenOptions = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'wasirun-server-'));
  const stdout = openSync(join(dir, 'stdout'), 'w+');
  const stderr = openSync(join(dir, 'stderr'), 'w+');
  const access: string[] = [];
  const events: string[] = [];
  const running = await serve(await loadModule(path), {
    stdout,
    stderr,
    accessLog: (line) => access.push(line),
    log: (line) => events.push(line),
    ...options,
  });
  return {
    url: running.url,
    server: running.server,
    access,
    events,
    stdout: () => readFileSync(join(dir, 'stdout'), 'utf8'),
    stderr: () => readFileSync(join(dir, 'stderr'), 'utf8'),
    close: async (graceMs) => {
      await running.close(graceMs);
      closeSync(stdout);
      closeSync(stderr);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `body` against a fresh server, closing it afterwards, whatever happens. */
export async function withServer(
  path: string | Uint8Array,
  options: ListenOptions,
  body: (s: TestServer) => Promise<void>,
): Promise<void> {
  const s = await startServer(path, options);
  try {
    await body(s);
  } finally {
    await s.close();
  }
}

/** A whole response as the client saw it. */
export interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly rawTrailers: string[];
  readonly body: Buffer;
  readonly text: string;
}

export interface RequestOptions {
  readonly method?: string;
  readonly headers?: http.OutgoingHttpHeaders;
  readonly body?: string | Buffer;
  readonly trailers?: Record<string, string>;
  readonly agent?: http.Agent | false;
  /** Give up (reject) after this many ms. Default 20 s. */
  readonly timeoutMs?: number;
}

/**
 * One request with node:http. Resolves once the whole response has arrived,
 * even if the upload fails afterwards (a server may answer 413 and close).
 */
export function request(url: string, o: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(
      url,
      { method: o.method ?? 'GET', headers: o.headers, agent: o.agent ?? false },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          clearTimeout(timer);
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            rawTrailers: res.rawTrailers,
            body,
            text: body.toString('utf8'),
          });
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy(
        new Error(`no complete response to ${o.method ?? 'GET'} ${url} within ${o.timeoutMs ?? 20_000} ms`),
      );
    }, o.timeoutMs ?? 20_000);
    req.on('error', (err) => {
      if (answered) return;
      clearTimeout(timer);
      reject(err);
    });
    if (o.trailers) {
      // Trailers need a chunked body.
      if (o.body !== undefined) req.write(o.body);
      req.addTrailers(o.trailers);
      req.end();
    } else {
      // Given whole to end(), the body goes out with a content-length (unless chunking was asked for).
      req.end(o.body);
    }
  });
}

/** Header values of `name` (any case) from a raw header list, in order. */
export function values(raw: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2)
    if (raw[i]?.toLowerCase() === name) out.push(raw[i + 1] as string);
  return out;
}

/** Polls until `check` holds, or fails after `ms`. */
export async function eventually(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Bytes a raw TCP client received, and when the server closed the connection (ms after `connect`). */
export interface RawExchange {
  readonly received: string;
  /** undefined when the connection was still open after `waitMs`. */
  readonly closedAfterMs: number | undefined;
}

/**
 * Sends `text` over a plain TCP connection and collects what comes back until
 * the server closes the connection or `waitMs` passes (then the client closes).
 */
export function rawExchange(url: string, text: string | Buffer, waitMs: number): Promise<RawExchange> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(text);
    });
    const timer = setTimeout(() => {
      socket.removeAllListeners('close');
      socket.destroy();
      done(false);
    }, waitMs);
    const done = (closed: boolean): void => {
      clearTimeout(timer);
      resolve({
        received: Buffer.concat(chunks).toString('latin1'),
        closedAfterMs: closed ? Date.now() - started : undefined,
      });
    };
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (err) => {
      // A reset after an answer still counts as a close (it follows); before one, it is the result.
      if (chunks.length === 0) {
        clearTimeout(timer);
        socket.removeAllListeners('close');
        reject(err);
      }
    });
    socket.on('close', () => {
      done(true);
    });
  });
}

/** A `wasirun --http-server-addr` process. */
export interface CliServer {
  /** The URL from the `serving` line, with the prefix. */
  readonly url: string;
  /** `http://host:port`, without the prefix. */
  readonly origin: string;
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code and signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGTERM) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `wasirun ARGS` and waits for its `serving NAME at URL` line on stderr. */
export function startCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliServer> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8');
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve({ code, signal });
    });
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`wasirun did not print its serving line within 15 s:\n${err}`));
    }, 15_000);
    child.stderr.on('data', (c: string) => {
      err += c;
      const m = /^wasirun: serving \S+ at (http:\/\/[^/\s]+)(\S*)$/m.exec(err);
      if (!m) return;
      clearTimeout(timer);
      const origin = m[1] as string;
      resolve({
        url: origin + (m[2] ?? ''),
        origin,
        child,
        stdout: () => out,
        stderr: () => err,
        exited,
        stop: (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`wasirun exited (${code ?? signal}) before serving:\n${err}`));
    });
  });
}
