import { createHash } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

/** What an origin saw of one request. */
export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly rawHeaders: string[];
  readonly trailers: string[];
  readonly bytes: number;
  readonly fnv: string;
  readonly body: Buffer;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, seen: Promise<Seen>) => void;

export interface Origin {
  readonly url: string;
  readonly authority: string;
  readonly seen: Seen[];
  close(): Promise<void>;
}

/**
 * FNV-1a 64, the hash the test guests print, fed chunk by chunk. Kept in two
 * 32-bit halves: the prime is 2^40 + 435, so h * prime = h * 435 + (h << 40).
 */
export class Fnv {
  private hi = 0xcbf29ce4;
  private lo = 0x84222325;
  update(chunk: Uint8Array): this {
    let { hi, lo } = this;
    for (const b of chunk) {
      lo = (lo ^ b) >>> 0;
      const p = lo * 435;
      hi = (Math.imul(hi, 435) + Math.floor(p / 4294967296) + (lo << 8)) >>> 0;
      lo = p >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
    return this;
  }
  get hex(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }
}

export const fnv1a64 = (data: Uint8Array): string => new Fnv().update(data).hex;

/** The bytes the test guests generate for `--body-size N`: byte i is i mod 251. */
export function pattern(offset: number, length: number): Buffer {
  const b = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) b[i] = (offset + i) % 251;
  return b;
}

/** Writes pattern bytes [from, to) in 64 KiB pieces, respecting backpressure. */
export async function sendPattern(res: http.ServerResponse, from: number, to: number): Promise<void> {
  for (let at = from; at < to; at += 64 * 1024) {
    if (!res.write(pattern(at, Math.min(64 * 1024, to - at)))) await once(res, 'drain');
  }
}

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/**
 * A real HTTP or HTTPS server on 127.0.0.1, port 0. Each request's head,
 * body hash and trailers are recorded in `seen`; small bodies are kept.
 */
export async function startOrigin(
  handler: Handler,
  tls?: { key: string; cert: string },
  { hash = true } = {},
): Promise<Origin> {
  const seen: Seen[] = [];
  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const record = new Promise<Seen>((resolve) => {
      const fnv = new Fnv();
      const kept: Buffer[] = [];
      let bytes = 0;
      req.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes <= 1 << 20) kept.push(chunk);
        if (hash) fnv.update(chunk);
      });
      req.on('end', () => {
        const s: Seen = {
          method: req.method ?? '',
          url: req.url ?? '',
          rawHeaders: req.rawHeaders,
          trailers: req.rawTrailers,
          bytes,
          fnv: fnv.hex,
          body: Buffer.concat(kept),
        };
        seen.push(s);
        resolve(s);
      });
    });
    handler(req, res, record);
  };
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const authority = `127.0.0.1:${port}`;
  return {
    url: `${tls ? 'https' : 'http'}://${authority}`,
    authority,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

export interface RawOrigin {
  readonly authority: string;
  /** Everything each connection sent, in order of connection. */
  readonly received: Buffer[];
  /** Connections accepted so far. */
  readonly connections: () => number;
  close(): Promise<void>;
}

/**
 * A TCP server that records the bytes a client sends and answers each
 * connection with `reply` once it has seen a blank line (or never, when
 * `reply` is undefined): for checking exactly what goes on the wire.
 */
export async function startRawOrigin(reply?: (head: string) => string | undefined): Promise<RawOrigin> {
  const received: Buffer[] = [];
  const sockets = new Set<import('node:net').Socket>();
  let count = 0;
  const { createServer } = await import('node:net');
  const server = createServer((socket) => {
    count++;
    sockets.add(socket);
    const index = received.push(Buffer.alloc(0)) - 1;
    socket.on('data', (chunk) => {
      const all = Buffer.concat([received[index] as Buffer, chunk]);
      received[index] = all;
      const text = all.toString('latin1');
      const answer = reply && text.includes('\r\n\r\n') ? reply(text) : undefined;
      if (answer !== undefined) socket.end(answer);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    authority: `127.0.0.1:${port}`,
    received,
    connections: () => count,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
