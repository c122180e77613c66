import type { IncomingRequestHead } from '../engine/io/served.js';
import type { Codec } from './codec.js';

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

export function decodeRequestHead(c: Codec): IncomingRequestHead {
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
