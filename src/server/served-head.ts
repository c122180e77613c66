import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { FieldEntry } from '../engine/fields.js';
import { decodeRaw } from '../engine/io/exchange.js';
import type { IncomingRequestHead } from '../engine/io/served.js';

/** The head of a request Node has parsed, as the guest reads it: header names lower-case, values UTF-8. */
export function requestHead(req: IncomingMessage): IncomingRequestHead {
  const { path, query, authority } = splitTarget(req.url ?? '/');
  const headers = decodeRaw(req.rawHeaders);
  return {
    method: req.method ?? 'GET',
    path,
    query,
    scheme: (req.socket as Partial<TLSSocket>).encrypted ? 'https' : 'http',
    authority: authority ?? headerOf(headers, 'host') ?? '',
    headers,
  };
}

/** Splits a request target into path and query (with its `?`), dropping scheme and authority of an absolute form. */
function splitTarget(target: string): { path: string; query: string; authority?: string } {
  const absolute = target.startsWith('/') ? null : /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(target);
  const rest = absolute ? target.slice(absolute[0].length) : target;
  const q = rest.indexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  const split: { path: string; query: string; authority?: string } = {
    path: path || '/',
    query: q < 0 ? '' : rest.slice(q),
  };
  if (absolute) split.authority = absolute[1];
  return split;
}

/** Whether a request with these headers has a body: without content-length or transfer-encoding it has none (RFC 9112, 6.3). */
export function hasBody(headers: readonly FieldEntry[]): boolean {
  for (const [name, value] of headers) {
    if (name === 'transfer-encoding' || (name === 'content-length' && value !== '0')) return true;
  }
  return false;
}

/** The first value of the header `name` (lower-case): Node's `req.headers` would build an object of them all. */
export function headerOf(headers: readonly FieldEntry[], name: string): string | undefined {
  for (const [n, v] of headers) if (n === name) return v;
  return undefined;
}
