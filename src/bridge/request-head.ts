import type { FieldEntry } from '../engine/fields.js';
import type { IncomingRequestHead } from '../engine/io/served.js';
import { Codec } from './codec.js';

/** The encoding of a served request's head, in an answer or in the inbox. */
export function encodeRequestHead(c: Codec, head: IncomingRequestHead): Codec {
  return c
    .str(head.method)
    .str(head.path)
    .str(head.query)
    .u32(head.scheme === undefined ? 0 : 1)
    .str(head.scheme ?? '')
    .str(head.authority)
    .entries(head.headers);
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
 * A served request's head as the guest thread receives it: its encoding is
 * copied, and decoded the first time the guest reads any part of it. Many
 * guests never do (a hello-world server), and the strings, seven or more a
 * request, were most of the guest thread's work on one (RATIONALE.md).
 */
export class ReceivedRequestHead implements IncomingRequestHead {
  private readonly encoded: Buffer;
  private decoded: IncomingRequestHead | undefined;

  /** Takes the head at `c`'s position, which ends past it. */
  constructor(c: Codec) {
    const start = c.pos;
    c.skip(); // method
    c.skip(); // path
    c.skip(); // query
    c.readU32(); // whether there is a scheme
    c.skip(); // scheme
    c.skip(); // authority
    for (let n = c.readI32(); n > 0; n--) c.skip().skip();
    this.encoded = Buffer.from(c.buf.subarray(start, c.pos));
  }

  private get head(): IncomingRequestHead {
    return (this.decoded ??= decodeRequestHead(new Codec(this.encoded)));
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
