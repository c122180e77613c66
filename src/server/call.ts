import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FieldEntry } from '../engine/fields.js';
import { decodeRaw } from '../engine/io/exchange.js';
import { IncomingBody } from '../engine/io/incoming-body.js';
import type { Chunk, OutgoingBody } from '../engine/io/outgoing-body.js';
import { WHOLE_RESPONSE_MAX, type IncomingCall, type IncomingRequestHead } from '../engine/io/served.js';
import { hasBody, requestHead } from './served-head.js';
import { drained, finished, onWire } from './wire.js';

const STATUS_OF_ERROR: Readonly<Record<string, number>> = { 'timeout-error': 504, 'protocol-error': 502 };

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
  /** The guest's response, once given; `whole`: its status, method and headers let it go whole. */
  private out: { status: number; raw: string[]; body: OutgoingBody; whole: boolean } | undefined;
  /** Chunks lent to the socket and not yet sent; a closed socket sends none of them. Made at the first. */
  private lent: Set<() => void> | undefined;

  constructor(
    req: IncomingMessage,
    readonly res: ServerResponse,
    maxBody: number,
  ) {
    this.head = requestHead(req);
    if (hasBody(this.head.headers)) this.receive(req, maxBody);
    else this.body.end([]);
  }

  /** The connection closed while the response streams: the guest's writes fail, lent chunks go back. */
  private onClose(): void {
    if (!this.res.writableFinished) this.out?.body.fail(new Error('the client disconnected'));
    const lent = this.lent;
    this.lent = undefined;
    if (lent) for (const release of lent) release();
  }

  /** Streams the request's body into {@link body}, up to `maxBody` bytes; past it, 413. */
  private receive(req: IncomingMessage, maxBody: number): void {
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
  }

  respond(status: number, headers: readonly FieldEntry[], given: OutgoingBody | Buffer): void {
    const stream = Buffer.isBuffer(given) ? undefined : given;
    if (this.settled) {
      stream?.fail(new Error('the response was already given'));
      return;
    }
    this.settled = true;
    if (!Number.isInteger(status) || status < 200 || status > 999) {
      stream?.fail(new Error(`invalid status ${status}`));
      const why = status >= 100 && status < 200 ? ', which cannot be the final response' : '';
      this.answer(500, `the guest set an invalid status ${status}${why}`);
      return;
    }
    const wire = onWire(headers);
    const raw = wire.raw.slice();
    // A small body that ends, without trailers, before its head goes out may go whole, as bare Node
    // sends one (sendWhole); not when the guest set its own length, or the response has no body.
    const whole = !wire.sized && !this.bodyless(status);
    let body: OutgoingBody;
    if (Buffer.isBuffer(given)) {
      // A body that came finished goes out at once, unless it must stream (a HEAD, say).
      if (whole) {
        this.sendWhole(status, raw, given);
        return;
      }
      body = finished(given);
    } else {
      body = given;
    }
    this.out = { status, raw, body, whole };
    // Only a streaming response has anything to undo when the client leaves: watched from here, not for every request.
    if (this.res.closed) this.onClose();
    else
      this.res.once('close', () => {
        this.onClose();
      });
    // From here on the body streams: a writer faster than the client waits, it is not held to the buffer limit.
    body.handOver();
    // A body that failed (written past the buffer limit before this) will not change again.
    if (body.ended || body.failed) this.pump();
    else if (body.written > 0) queueMicrotask(this.pump);
    else void body.changed.wait().then(this.pump);
  }

  /**
   * Sends the response as the guest writes it: the head and whatever chunks
   * are there, then again at each change of the body, or once the socket
   * drained. What has arrived when a chunk is sent goes with it: when the
   * guest wrote and finished in one go, head, body and end leave in one
   * write to the socket. A body still open is first sent a microtask later,
   * after the rest of the messages the guest sent with it.
   */
  private readonly pump = (): void => {
    const { res, out } = this;
    if (!out) return;
    const { status, raw, body, whole } = out;
    try {
      if (body.failure) {
        // Passed the buffer limit, or the client left: answer() cuts a connection whose head is out.
        this.answer(500, `the guest's response body failed: ${body.failure.message}`);
        return;
      }
      const chunks = body.takeChunks();
      if (!res.headersSent) {
        if (whole && body.ended && !body.trailers && body.written <= WHOLE_RESPONSE_MAX) {
          // Copies, since nothing is lent before the head.
          const [only] = chunks;
          this.sendWhole(
            status,
            raw,
            chunks.length === 1 && only ? only.bytes : Buffer.concat(chunks.map((c) => c.bytes)),
          );
          return;
        }
        if (chunks.length === 0 && !body.ended) {
          void body.changed.wait().then(this.pump);
          return;
        }
        res.cork();
        res.writeHead(status, raw);
        // Writes lend their ring space only from here: a head Node refuses (a header value with a
        // newline, say) must not leave a lent chunk nobody gives back.
        body.lend();
      } else {
        res.cork();
      }
      let room = true;
      for (const chunk of chunks) room = this.send(chunk);
      if (body.ended) this.end(body);
      res.uncork();
      if (body.ended) return;
      if (room) void body.changed.wait().then(this.pump);
      else drained(res).then(this.pump, this.failed);
    } catch (err) {
      this.failed(err as Error);
    }
  };

  /** The response could not be sent: the guest's writes fail, the client gets a 500 or a cut connection. */
  private readonly failed = (err: Error): void => {
    this.out?.body.fail(err);
    this.answer(500, `the guest's response is not valid HTTP: ${err.message}`);
  };

  /** Whether a response of `status` to this request has no body on the wire: Node drops what is written. */
  private bodyless(status: number): boolean {
    return status === 204 || status === 304 || this.head.method === 'HEAD';
  }

  /** Counts body bytes for the access log, once the head is written: only those that go on the wire. */
  private count(n: number): void {
    if (!this.bodyless(this.res.statusCode)) this.bytes += n;
  }

  /** The head, with a content-length, and the whole body, in one write. `bytes` are the host's own. */
  private sendWhole(status: number, raw: string[], bytes: Buffer): void {
    raw.push('content-length', String(bytes.length));
    this.res.writeHead(status, raw);
    this.count(bytes.length);
    this.res.end(bytes);
  }

  /** Writes a chunk of the body; bytes lent from the guest's ring go back once the socket has sent them. */
  private send({ bytes, release }: Chunk): boolean {
    this.count(bytes.length);
    if (!release) return this.res.write(bytes);
    (this.lent ??= new Set()).add(release);
    return this.res.write(bytes, () => {
      this.lent?.delete(release);
      release();
    });
  }

  /** The response's end, after its head, with its trailers. */
  private end(body: OutgoingBody): void {
    const { res } = this;
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
    this.out?.body.fail(new Error(reason));
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
    const length = Buffer.byteLength(body);
    res.writeHead(status, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': length,
      ...extra,
    });
    this.count(length);
    res.end(body);
  }
}
