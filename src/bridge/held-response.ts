import type { FieldEntry } from '../engine/fields.js';
import { WHOLE_RESPONSE_MAX } from '../engine/io/served.js';
import { Codec } from './codec.js';
import type { GuestEnd } from './guest-end.js';
import { Op } from './ops.js';
import type { OutputStreams } from './output-streams.js';

/**
 * The response of the call being served, held on the guest's thread: it
 * goes to the I/O thread once its body is finished, the guest is about to
 * wait (a read, a request's response, a poll, a sleep), `handle` returns, or
 * the body outgrows {@link WHOLE_RESPONSE_MAX} (or the buffer limit, which
 * holds a body until it is handed over) — whichever comes first. So a small
 * response the guest finishes before it waits goes whole, with a
 * content-length, whether the guest set it before writing (as most do) or
 * after; and a streaming guest's client still sees each chunk written before
 * a wait. The body's own messages go to the I/O thread as they come.
 */
export class HeldResponse {
  private held:
    { outparam: number; status: number; headers: readonly FieldEntry[]; bodyId: number } | undefined;
  private readonly max: number;

  constructor(
    private readonly end: GuestEnd,
    private readonly output: OutputStreams,
    bodyBufferLimit: number,
  ) {
    this.max = Math.min(WHOLE_RESPONSE_MAX, bodyBufferLimit);
  }

  /** `set-response-outparam(ok(response))`. */
  set(outparam: number, status: number, headers: readonly FieldEntry[], bodyId: number): void {
    this.held = { outparam, status, headers, bodyId };
    if (this.output.finished(bodyId)) this.release();
  }

  /** `total` more bytes are about to be written to body `id`. */
  writing(id: number, total: number): void {
    if (this.held?.bodyId === id && this.output.written(id) + total > this.max) this.release();
  }

  /** Body `id` was finished. */
  finished(id: number): void {
    if (this.held?.bodyId === id) this.release();
  }

  /**
   * Sends the response held, if any: the guest is about to wait, or `handle`
   * returned. A finished body still on this thread goes in the same message;
   * any other is the I/O thread's by now, named by its id.
   */
  release(): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    const whole = this.output.takeWhole(held.bodyId);
    if (!whole) this.output.share(held.bodyId);
    const message = this.end
      .begin(
        whole ? Op.RespondWhole : Op.Respond,
        16 + Codec.entriesSize(held.headers) + (whole?.length ?? 0),
      )
      .u32(held.outparam)
      .u32(held.status)
      .entries(held.headers);
    if (whole) message.bytes(whole);
    else message.u32(held.bodyId);
    this.end.post();
    this.output.handOver(held.bodyId);
  }
}
