import { fromWire, type FieldEntry } from '../fields.js';
import { IncomingBody, type BodySource } from './incoming-body.js';
import { sendWithNodeHttp } from './node-transport.js';
import type { OutgoingBody } from './outgoing-body.js';
import { checkHead, checkTrailers, type CheckedHead, type OutgoingRequestHead } from './request-head.js';
import { Signal, until } from './signal.js';
import {
  HttpError,
  toHttpError,
  type RequestOptions,
  type ResponseSink,
  type Transport,
} from './transport.js';
import { sendWithUndici } from './undici-transport.js';

export interface IncomingResponseHead {
  readonly status: number;
  readonly headers: FieldEntry[];
  readonly body: IncomingBody;
}

export type ExchangeOutcome = { tag: 'ok'; val: IncomingResponseHead } | { tag: 'err'; val: HttpError };

/** Raw header lines from the network: names lower-cased, values decoded as UTF-8. */
export function decodeRaw(raw: readonly (string | Buffer)[]): FieldEntry[] {
  const out: FieldEntry[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2)
    out.push([fromWire(raw[i] as string).toLowerCase(), fromWire(raw[i + 1] as string)]);
  return out;
}

/**
 * One outgoing request and its response: what `default-outgoing-HTTP.handle`
 * returns as a future. The head goes out once the body's shape is known —
 * at once when there is no body or it has ended, else at the first write
 * after `handle` (then the body streams) or when the guest starts waiting
 * for the response without having written since `handle` (then the body is
 * taken as complete: the v1 era's guests never end it). RATIONALE.md explains.
 */
export class Exchange implements ResponseSink {
  private outcome: ExchangeOutcome | undefined;
  private checked: CheckedHead | undefined;
  private control: BodySource | undefined;
  private sent = false;
  private dropped = false;
  readonly response = new IncomingBody();
  readonly changed = new Signal();
  /** The guest holds the response: dropping the future no longer cancels it. */
  taken = false;

  constructor(
    head: OutgoingRequestHead,
    private readonly requestBody: OutgoingBody | undefined,
    private readonly options: RequestOptions,
    private readonly warn: (message: string) => void,
  ) {
    try {
      this.checked = checkHead(head);
    } catch (err) {
      this.settle({ tag: 'err', val: toHttpError(err) });
      requestBody?.fail(toHttpError(err));
      return;
    }
    if (!requestBody?.open) {
      this.start();
      return;
    }
    requestBody.handOver();
    void until(
      requestBody.changed,
      () => !requestBody.open || (requestBody.writesAfterHandover ?? 0) > 0,
    ).then(() => {
      this.start();
    });
  }

  get ready(): boolean {
    return this.outcome !== undefined;
  }

  /** The guest is waiting for the response: an open body it has not written to since `handle` is complete. */
  awaited(): void {
    const body = this.requestBody;
    if (body?.open && !body.writesAfterHandover) body.end();
  }

  /** `future-incoming-response-get`: waits for the head unless the guest is still streaming the body. */
  async get(): Promise<ExchangeOutcome | undefined> {
    this.awaited();
    if (!this.requestBody?.open) await until(this.changed, () => this.ready);
    return this.outcome;
  }

  drop(): void {
    if (this.taken) return;
    this.dropped = true;
    this.control?.abort(new Error('request dropped by the guest'));
    this.response.drop();
  }

  private settle(outcome: ExchangeOutcome): void {
    if (this.outcome) return;
    this.outcome = outcome;
    this.changed.notify();
  }

  private start(): void {
    if (this.sent || this.dropped || !this.checked) return;
    this.sent = true;
    const rb = this.requestBody;
    try {
      if (rb && !rb.open && !rb.ended) {
        throw new HttpError('unexpected-error', 'the request body failed before sending');
      }
      // Trailers known now are checked now, so a bad one fails the request before any byte is sent.
      const known = rb?.ended && rb.trailers ? checkTrailers(rb.trailers) : undefined;
      const declared = this.checked.headers.some(([name]) => name.toLowerCase() === 'trailer');
      const transport: Transport = known || declared ? sendWithNodeHttp : sendWithUndici;
      const { origin, method, target, headers } = this.checked;
      // Spelled out: an object spread with properties added after it costs microseconds in V8 11.
      transport(
        {
          origin,
          method,
          target,
          headers,
          body: !rb ? null : rb.ended ? rb.takeAll() : this.stream(rb, transport === sendWithNodeHttp),
          trailers: () => known ?? (rb?.trailers && checkTrailers(rb.trailers)),
          options: this.options,
        },
        this,
      );
    } catch (err) {
      this.settle({ tag: 'err', val: toHttpError(err) });
    }
  }

  /** A body streamed after `handle`; undici cannot send the trailers that may end it. */
  private async *stream(body: OutgoingBody, sendsTrailers: boolean): AsyncGenerator<Buffer> {
    for await (const chunk of body.drain()) yield chunk.bytes;
    if (body.trailers && !sendsTrailers) {
      this.warn('trailers after a streamed request body need a `Trailer` request header; they were not sent');
    }
  }

  // ResponseSink

  started(control: BodySource): void {
    this.control = control;
  }

  head(status: number, rawHeaders: readonly (string | Buffer)[]): void {
    this.response.source = this.control;
    this.settle({ tag: 'ok', val: { status, headers: decodeRaw(rawHeaders), body: this.response } });
  }

  data(chunk: Buffer): boolean {
    return this.response.push(chunk);
  }

  end(rawTrailers: readonly (string | Buffer)[]): void {
    this.response.end(decodeRaw(rawTrailers));
  }

  error(err: Error): void {
    const failure = toHttpError(err);
    this.requestBody?.fail(failure);
    if (this.outcome) this.response.fail(failure);
    else this.settle({ tag: 'err', val: failure });
  }
}
