import { HOP_BY_HOP, toWire, type FieldEntry } from '../fields.js';
import { HttpError } from './transport.js';

/** An outgoing request as the guest described it, before any checking. */
export interface OutgoingRequestHead {
  readonly method: string;
  /** `http`, `https` or another scheme's name; undefined when the guest gave none (meaning HTTPS). */
  readonly scheme: string | undefined;
  readonly authority: string;
  readonly path: string;
  readonly query: string;
  readonly headers: readonly FieldEntry[];
}

/** The checked parts of a request head that go on the wire. */
export interface CheckedHead {
  readonly origin: URL;
  readonly method: string;
  readonly target: string;
  /** Byte strings: each header's UTF-8 bytes as latin1 characters, as HTTP/1.1 carries them. */
  readonly headers: FieldEntry[];
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const TARGET = /^[\x21-\x7e]*$/;
/**
 * Headers the host drops from a guest's request: the hop-by-hop ones, and
 * `expect` — the 100-continue exchange is the client's, and undici does not do it.
 */
const DROPPED = new Set([...HOP_BY_HOP, 'expect']);

/**
 * Checks a guest's request head and builds what goes on the wire:
 * `scheme://authority` + path + query, the guest's query kept verbatim;
 * Host from the authority; hop-by-hop headers dropped. Anything that is not
 * valid HTTP fails here, before a byte is sent.
 */
export function checkHead(head: OutgoingRequestHead): CheckedHead {
  const scheme = (head.scheme ?? 'https').toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') {
    throw new HttpError(
      'invalid-url',
      `unsupported scheme ${JSON.stringify(head.scheme)}: only http and https are supported`,
    );
  }
  if (!head.authority || /[\s/?#@\\]/.test(head.authority)) {
    throw new HttpError('invalid-url', `invalid authority ${JSON.stringify(head.authority)}`);
  }
  let origin: URL;
  try {
    origin = new URL(`${scheme}://${head.authority}`);
  } catch {
    throw new HttpError('invalid-url', `invalid authority ${JSON.stringify(head.authority)}`);
  }
  const path = head.path.startsWith('/') ? head.path : `/${head.path}`;
  const query = head.query === '' || head.query.startsWith('?') ? head.query : `?${head.query}`;
  const target = path + query;
  if (!TARGET.test(target)) {
    throw new HttpError(
      'invalid-url',
      `invalid path or query ${JSON.stringify(target)}: use percent-encoding`,
    );
  }
  if (!TOKEN.test(head.method))
    throw new HttpError('protocol-error', `invalid method ${JSON.stringify(head.method)}`);

  const headers: FieldEntry[] = [['host', head.authority]];
  for (const [name, value] of head.headers) {
    const bytes = toWire(value);
    if (!TOKEN.test(name))
      throw new HttpError('protocol-error', `invalid header name ${JSON.stringify(name)}`);
    if (!FIELD_VALUE.test(bytes)) {
      throw new HttpError('protocol-error', `invalid value for header ${name}: ${JSON.stringify(value)}`);
    }
    const key = name.toLowerCase();
    if (key !== 'host' && !DROPPED.has(key)) headers.push([name, bytes]);
  }
  return { origin, method: head.method, target, headers };
}

/** Checks trailers the guest wants to send, as {@link checkHead} checks headers. */
export function checkTrailers(trailers: readonly FieldEntry[]): FieldEntry[] {
  return trailers.map(([name, value]) => {
    const bytes = toWire(value);
    if (!TOKEN.test(name) || !FIELD_VALUE.test(bytes)) {
      throw new HttpError('protocol-error', `invalid trailer ${JSON.stringify(name)}`);
    }
    return [name, bytes];
  });
}
