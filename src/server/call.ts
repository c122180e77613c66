import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { HOP_BY_HOP, toWire, type FieldEntry } from '../engine/fields.js';
import { decodeRaw } from '../engine/io/exchange.js';
import { IncomingBody } from '../engine/io/incoming-body.js';
import type { Chunk, OutgoingBody } from '../engine/io/outgoing-body.js';
import type { IncomingCall, IncomingRequestHead } from '../engine/io/served.js';

/** The largest body sent whole, with a content-length, when it ended before its head went out; a bigger one streams. */
const WHOLE_MAX = 64 * 1024;

const STATUS_OF_ERROR: Readonly<Record<string, number>> = { 'timeout-error': 504, 'protocol-error': 502 };

/** Splits a request target into path and query (with its `?`), dropping scheme and authority of an absolute form. */
function splitTarget(target: string): { path: string; query: string; authority?: string } {
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(target);
  const rest = absolute ? target.slice(absolute[0].length) : target;
  const q = rest.indexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  return {
    path: path || '/',
    query: q < 0 ? '' : rest.slice(q),
    ...(absolute ? { authority: absolute[1] } : {}),
  };
}

/**
 * One request being served: the {@link IncomingCall} a guest instance
 * handles, over Node's request and response. The response head goes out at
 * the guest's first write, at its finish, or when `handle` returns; a small
 * body complete by then goes whole, with a content-length, and any other
 * streams with backpressure both ways. When the guest fails, the host
 * answers instead, or cuts the connection if the head is already out.
 */
export class ServerCall implements IncomingCall {
  readonly head: IncomingRequestHead;
  readonly body = new IncomingBody();
  /** The instance serving the call, for the access log. */
  instance = -1;
  /** Response body bytes sent. */
  bytes = 0;
  private settled = false;
  private responseBody: OutgoingBody | undefined;
  /** Chunks lent to the socket and not yet sent; a closed socket sends none of them. */
  private readonly lent = new Set<() => void>();

  constructor(
    private readonly req: IncomingMessage,
    readonly res: ServerResponse,
    maxBody: number,
  ) {
    const { path, query, authority } = splitTarget(req.url ?? '/');
    this.head = {
      method: req.method ?? 'GET',
      path,
      query,
      scheme: (req.socket as Partial<TLSSocket>).encrypted ? 'https' : 'http',
      authority: authority ?? req.headers.host ?? '',
      headers: decodeRaw(req.rawHeaders),
    };
    let received = 0;
    this.body.source = { resume: () => req.resume(), abort: () => req.resume() };
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received <= maxBody) {
        if (!this.body.push(chunk)) req.pause();
      } else if (received - chunk.length <= maxBody) {
        const reason = `request body over the ${maxBody}-byte limit`;
        this.body.fail(new Error(reason));
        if (!this.settled) {
          this.settled = true;
          this.answer(413, reason, { connection: 'close' });
        }
        req.resume();
      }
    });
    req.on('end', () => {
      this.body.end(decodeRaw(req.rawTrailers));
    });
    req.on('close', () => {
      if (!req.complete) this.body.fail(new Error('the client disconnected'));
    });
    res.on('close', () => {
      if (!res.writableFinished) this.responseBody?.fail(new Error('the client disconnected'));
      for (const release of this.lent) release();
      this.lent.clear();
    });
  }

  respond(status: number, headers: readonly FieldEntry[], body: OutgoingBody): void {
    if (this.settled) {
      body.fail(new Error('the response was already given'));
      return;
    }
    this.settled = true;
    this.responseBody = body;
    if (!Number.isInteger(status) || status < 200 || status > 999) {
      body.fail(new Error(`invalid status ${status}`));
      const why = status >= 100 && status < 200 ? ', which cannot be the final response' : '';
      this.answer(500, `the guest set an invalid status ${status}${why}`);
      return;
    }
    const raw = headers
      .filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase()))
      .flatMap(([name, value]) => [name, toWire(value)]);
    void this.stream(status, raw, body);
  }

  /**
   * Sends the response as the guest writes it. Whatever is already there
   * when a chunk is sent goes with it — when the guest wrote and finished in
   * one go, head, body and end leave in one write to the socket.
   */
  private async stream(status: number, raw: string[], body: OutgoingBody): Promise<void> {
    const { res } = this;
    try {
      for await (const chunk of body.drain()) {
        if (!res.headersSent && body.ended && this.sendWhole(status, raw, body, chunk)) return;
        res.cork();
        if (!res.headersSent) {
          res.writeHead(status, raw);
          // Writes lend their ring space only from here: a head Node refuses (a header value with a
          // newline, say) must not leave a lent chunk nobody gives back.
          body.lend();
        }
        let room = this.send(chunk);
        for (const more of body.takeChunks()) room = this.send(more);
        if (body.ended) this.end(status, raw, body);
        res.uncork();
        if (!room && !body.ended) await drained(res);
      }
      if (res.headersSent) {
        if (!res.writableEnded) this.end(status, raw, body);
      } else if (!this.sendWhole(status, raw, body)) this.end(status, raw, body);
    } catch (err) {
      body.fail(err as Error);
      if (res.headersSent) res.destroy();
      else this.answer(500, `the guest's response is not valid HTTP: ${(err as Error).message}`);
    }
  }

  /**
   * A small body that ended before its head went out goes as bare Node sends
   * a whole body: with a content-length, head and body in one write. Not
   * when it has trailers, the guest set its own length, or the status or
   * method has no body: then it keeps the stream's way. Its chunks are
   * copies, since nothing is lent before the head. False when it does not apply.
   */
  private sendWhole(status: number, raw: string[], body: OutgoingBody, first?: Chunk): boolean {
    if (body.written > WHOLE_MAX || body.trailers) return false;
    if (status === 204 || status === 304 || this.head.method === 'HEAD') return false;
    for (let i = 0; i < raw.length; i += 2) if (raw[i]?.toLowerCase() === 'content-length') return false;
    const rest = body.takeChunks();
    const chunks = first ? [first, ...rest] : rest;
    const [only] = chunks;
    const bytes = chunks.length === 1 && only ? only.bytes : Buffer.concat(chunks.map((c) => c.bytes));
    this.bytes += bytes.length;
    raw.push('content-length', String(bytes.length));
    this.res.writeHead(status, raw);
    this.res.end(bytes);
    return true;
  }

  /** Writes a chunk of the body; bytes lent from the guest's ring go back once the socket has sent them. */
  private send({ bytes, release }: Chunk): boolean {
    this.bytes += bytes.length;
    if (!release) return this.res.write(bytes);
    this.lent.add(release);
    return this.res.write(bytes, () => {
      this.lent.delete(release);
      release();
    });
  }

  /** The response's end, with its trailers (and its head, if nothing was written). */
  private end(status: number, raw: string[], body: OutgoingBody): void {
    const { res } = this;
    if (!res.headersSent) res.writeHead(status, raw);
    if (body.trailers) res.addTrailers(body.trailers.map(([n, v]): [string, string] => [n, v]));
    res.end();
  }

  fail(errorTag: string, message: string): void {
    if (this.settled) return;
    this.settled = true;
    this.answer(STATUS_OF_ERROR[errorTag] ?? 500, `${errorTag}: ${message}`);
  }

  returned(): void {
    if (this.settled) return;
    this.settled = true;
    this.answer(500, "the guest's handler returned without setting a response");
  }

  /** The instance trapped or was stopped: answer for it, or cut a response already under way. */
  abandon(status: number, reason: string): void {
    this.settled = true;
    this.body.drop();
    this.responseBody?.fail(new Error(reason));
    this.answer(status, reason);
  }

  /** A response from the host itself: a short text, or a cut connection if the guest's head went out. */
  answer(status: number, text: string, extra: Record<string, string> = {}): void {
    const { res } = this;
    if (res.writableEnded) return;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = `${text}\n`;
    this.bytes += Buffer.byteLength(body);
    res.writeHead(status, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      ...extra,
    });
    res.end(body);
  }
}

/** Resolves when `res` can take more, rejects if it closed first. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', closed);
      resolve();
    };
    const closed = (): void => {
      res.off('drain', done);
      reject(new Error('the client disconnected'));
    };
    res.once('drain', done);
    res.once('close', closed);
  });
}
