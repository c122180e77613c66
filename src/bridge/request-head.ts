import type { FieldEntry } from '../engine/fields.js';
import type { IncomingRequestHead } from '../engine/io/served.js';
import { Codec } from './codec.js';

/** The encoding of a served request's head, in an answer or in the inbox: its length, then its parts. */
export function encodeRequestHead(c: Codec, head: IncomingRequestHead): Codec {
  const at = c.pos;
  c.u32(0)
    .str(head.method)
    .str(head.path)
    .str(head.query)
    .u32(head.scheme === undefined ? 0 : 1)
    .str(head.scheme ?? '')
    .str(head.authority)
    .entries(head.headers);
  c.buf.writeUInt32LE(c.pos - at - 4, at);
  return c;
}

function decodeRequestHead(c: Codec): IncomingRequestHead {
  const method = c.readStr();
  const path = c.readStr();
  const query = c.readStr();
  const hasScheme = c.readU32() === 1;
  const scheme = c.readStr();
  return {
    method,
    path,
    query,
    scheme: hasScheme ? scheme : undefined,
    authority: c.readStr(),
    headers: c.readEntries() ?? [],
  };
}

/**
 * Where the guest thread keeps the heads of the requests it serves, as they
 * are taken from the inbox or an answer (which are then reused): one
 * buffer, copied into at each call. A head lives as long as its call, as
 * the handles that reach it do; a new buffer for each cost about 0.15 µs
 * of the guest thread's 3.2 on a hello request.
 */
export class RequestHeads {
  private buf = Buffer.alloc(4096);

  /** The head at `c`'s position, which ends past it; valid until the next one is taken. */
  take(c: Codec): IncomingRequestHead {
    const length = c.buf.readUInt32LE(c.pos);
    const start = c.pos + 4;
    c.skip();
    if (length > this.buf.length) this.buf = Buffer.alloc(length);
    c.buf.copy(this.buf, 0, start, start + length);
    return new ReceivedRequestHead(this.buf, length);
  }
}

/**
 * A served request's head as the guest thread receives it: its encoding, in
 * {@link RequestHeads}' buffer, is decoded the first time the guest reads
 * any part of it. Many guests never do (a hello-world server), and the
 * strings, seven or more a request, were most of the guest thread's work on
 * one (RATIONALE.md).
 */
class ReceivedRequestHead implements IncomingRequestHead {
  private decoded: IncomingRequestHead | undefined;

  constructor(
    private readonly encoded: Buffer,
    private readonly length: number,
  ) {}

  private get head(): IncomingRequestHead {
    return (this.decoded ??= decodeRequestHead(new Codec(this.encoded).at(0, this.length)));
  }

  get method(): string {
    return this.head.method;
  }

  get path(): string {
    return this.head.path;
  }

  get query(): string {
    return this.head.query;
  }

  get scheme(): string | undefined {
    return this.head.scheme;
  }

  get authority(): string {
    return this.head.authority;
  }

  get headers(): readonly FieldEntry[] {
    return this.head.headers;
  }
}
