import type { ServerResponse } from 'node:http';
import { HOP_BY_HOP, toWire, type FieldEntry } from '../engine/fields.js';
import { OutgoingBody } from '../engine/io/outgoing-body.js';

/**
 * What a served call hands to Node's response: the guest's headers as
 * `writeHead` takes them, a body that came whole, and the wait for a socket
 * to drain.
 */

/** The last header list given and its form for `writeHead`, by identity (see `EntriesMemo`). */
let lastWire: { headers: readonly FieldEntry[]; raw: readonly string[]; sized: boolean } | undefined;

/** Response headers as `writeHead` takes them, without hop-by-hop ones; `sized`: one is content-length. */
export function onWire(headers: readonly FieldEntry[]): { raw: readonly string[]; sized: boolean } {
  if (lastWire?.headers === headers) return lastWire;
  const raw: string[] = [];
  let sized = false;
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower)) continue;
    raw.push(name, toWire(value));
    if (lower === 'content-length') sized = true;
  }
  lastWire = { headers, raw, sized };
  return lastWire;
}

/** A body already finished, holding `bytes`. */
export function finished(bytes: Buffer): OutgoingBody {
  const body = new OutgoingBody(bytes.length);
  void body.write(bytes);
  body.end();
  return body;
}

/** Resolves when `res` can take more, rejects if it closed first. */
export function drained(res: ServerResponse): Promise<void> {
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
