import type { Reply } from '../../bridge/io-end.js';
import { Status } from '../../bridge/ops.js';
import { READ_CAP, capRead, type IncomingBody } from './incoming-body.js';
import type { OutgoingBody } from './outgoing-body.js';
import type { Signal } from './signal.js';

/** Stream operations that wait, shared by every session. Each resolves to its answer. */

export const streamError: Reply = (r) => r.u32(Status.StreamError);

/**
 * `read`: waits for min(len, 1 MiB, the rest of the body), then copies it
 * into the answer, with what else has arrived in whole reads of `step`
 * bytes (the guest's read size) up to 1 MiB: the guest thread keeps those
 * and answers its next reads itself.
 */
export async function read(body: IncomingBody, len: number, step: number): Promise<Reply> {
  const max = Math.min(len, READ_CAP);
  await body.waitFor(max);
  if (body.failure) return streamError;
  return (r) => {
    r.u32(Status.Ok);
    const n = body.takeInto(r.buf, r.pos + 4, max, step);
    r.reserve(n);
    r.u32(body.exhausted ? 1 : 0);
  };
}

/** `skip`: as `read`, without copying. */
export async function skip(body: IncomingBody, max: bigint): Promise<Reply> {
  const want = capRead(max);
  await body.waitFor(want);
  if (body.failure) return streamError;
  const n = body.take(want);
  return (r) =>
    r
      .u32(Status.Ok)
      .u32(body.exhausted ? 1 : 0)
      .u64(BigInt(n));
}

/** Moves up to `max` bytes from `src` to `out`; the count moved, or undefined on a stream error. */
async function move(out: OutgoingBody, src: IncomingBody, max: number): Promise<number | undefined> {
  await src.waitFor(max);
  if (src.failure) return undefined;
  const chunks: Buffer[] = [];
  const n = src.take(max, (chunk) => chunks.push(chunk));
  try {
    for (const chunk of chunks) await out.write(chunk);
  } catch {
    return undefined;
  }
  return n;
}

/** `splice`: one move of up to min(len, 1 MiB). */
export async function splice(out: OutgoingBody, src: IncomingBody, max: bigint): Promise<Reply> {
  const n = await move(out, src, capRead(max));
  return n === undefined
    ? streamError
    : (r) =>
        r
          .u32(Status.Ok)
          .u32(src.exhausted ? 1 : 0)
          .u64(BigInt(n));
}

/** `forward`: moves everything until `src` ends. */
export async function forward(out: OutgoingBody, src: IncomingBody): Promise<Reply> {
  let total = 0;
  while (!src.exhausted) {
    const n = await move(out, src, READ_CAP);
    if (n === undefined) return streamError;
    total += n;
  }
  return (r) => r.u32(Status.Ok).u64(BigInt(total));
}

/** What `poll-oneoff` waits on: a readiness check and the signal that may change it. */
export interface Pollable {
  readonly ready: () => boolean;
  readonly changed: Signal | undefined;
}

/** `poll-oneoff`: waits until one is ready; answers one byte per pollable. */
export async function poll(pollables: readonly Pollable[]): Promise<Reply> {
  const signals = pollables.flatMap((p) => (p.changed ? [p.changed] : []));
  while (pollables.length > 0 && !pollables.some((p) => p.ready())) {
    await Promise.race(signals.map((s) => s.wait()));
  }
  return (r) => {
    r.u32(pollables.length);
    for (const p of pollables) r.u8(p.ready() ? 1 : 0);
  };
}
