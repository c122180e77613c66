import type { FieldEntry } from '../engine/fields.js';
import { capRead } from '../engine/io/incoming-body.js';
import type { OutgoingRequestHead } from '../engine/io/request-head.js';
import type { IncomingRequestHead } from '../engine/io/served.js';
import type { RequestOptions } from '../engine/io/transport.js';
import { Codec } from './codec.js';
import { Post, type GuestEnd } from './guest-end.js';
import { HeldResponse } from './held-response.js';
import { InputStreams, type ReadResult } from './input-streams.js';
import { OutputStreams, type Writing } from './output-streams.js';
import { REPLY_AREA, type LocalBodies } from './local-bodies.js';
import type { InboxReader } from './inbox.js';
import { RequestHeads } from './request-head.js';
import { FutureState, Op, PollKind, Status } from './ops.js';

export type RemoteResponse =
  | { tag: 'ok'; bodyId: number; status: number; headers: FieldEntry[] }
  | { tag: 'err'; errorTag: string; message: string };

const ms = (v: number | undefined): number => (v === undefined ? -1 : Math.min(v, 0x7fffffff));

/**
 * The guest thread's typed view of {@link Op}. Creating things, writing,
 * finishing and dropping are posted and not waited for; reads, the response
 * of a request and polls are calls. Bodies the guest reads are
 * {@link InputStreams}, bodies it writes {@link OutputStreams}.
 * `undefined` answers mean the WIT `stream-error`.
 */
export class Remote {
  private nextId = 1;
  private readonly input: InputStreams;
  private readonly output: OutputStreams;
  /** Body bytes already on this thread: whole small bodies, and what reads brought ahead. */
  private readonly local: LocalBodies;
  /** The response of the call being served, until it goes. */
  private readonly response: HeldResponse;
  /** The head of the call being served. */
  private readonly heads = new RequestHeads();

  constructor(
    private readonly end: GuestEnd,
    bodyBufferLimit: number,
    private readonly inbox?: InboxReader,
  ) {
    this.input = new InputStreams(end, () => this.call());
    this.local = this.input.local;
    this.output = new OutputStreams(end, () => this.call(), bodyBufferLimit);
    this.response = new HeldResponse(end, this.output, bodyBufferLimit);
  }

  /** Sends the message begun and waits for its answer, which overwrites the reply area. */
  private call(spin = true): Codec {
    this.local.detach(REPLY_AREA);
    return this.end.call(spin);
  }

  private newId(): number {
    return this.nextId++;
  }

  /** A body the guest will write; a response's (`local`) is kept on this thread while it can go whole. */
  outNew(local = false): number {
    const id = this.newId();
    this.output.create(id, local);
    return id;
  }

  /** Writes `total` bytes produced by `fill(into, at, offset, n)`; returns how many were taken. */
  outWrite(
    id: number,
    total: number,
    fill: (into: Buffer, at: number, offset: number, n: number) => void,
  ): number {
    this.response.writing(id, total);
    return this.output.write(id, total, fill);
  }

  outFinish(id: number, trailers: readonly FieldEntry[] | undefined): void {
    this.output.finish(id, trailers);
    this.response.finished(id);
  }

  outDrop(id: number): void {
    this.output.drop(id);
  }

  /** Sends a request (its body, if any, by id); returns the future's id. */
  send(head: OutgoingRequestHead, bodyId: number, options: RequestOptions): number {
    const id = this.newId();
    const strings = [head.method, head.scheme ?? '', head.authority, head.path, head.query];
    const room = 32 + strings.reduce((n, s) => n + Codec.strSize(s), 0) + Codec.entriesSize(head.headers);
    const message = this.end
      .begin(Op.Send, room)
      .u32(id)
      .u32(head.scheme === undefined ? 0 : 1);
    for (const s of strings) message.str(s);
    message
      .entries(head.headers)
      .u32(bodyId)
      .i32(ms(options.connectTimeoutMs))
      .i32(ms(options.firstByteTimeoutMs))
      .i32(ms(options.betweenBytesTimeoutMs));
    this.end.post();
    this.output.handOver(bodyId);
    return id;
  }

  futureGet(id: number): RemoteResponse | undefined {
    this.response.release();
    const bodyId = this.newId();
    this.end.begin(Op.FutureGet).u32(id).u32(bodyId);
    const r = this.call();
    const state = r.readU32();
    if (state === FutureState.Pending) return undefined;
    if (state === FutureState.Err) return { tag: 'err', errorTag: r.readStr(), message: r.readStr() };
    const status = r.readU32();
    const headers = r.readEntries() ?? [];
    if (r.readU32() === 1) this.local.add(bodyId, r.copyBytes(), r.readEntries());
    return { tag: 'ok', bodyId, status, headers };
  }

  futureDrop(id: number): void {
    this.end.begin(Op.FutureDrop).u32(id);
    this.end.post(Post.Drop);
  }

  inRead(id: number, max: number): ReadResult | undefined {
    this.response.release();
    return this.input.read(id, max);
  }

  inSkip(id: number, max: bigint): { count: bigint; end: boolean } | undefined {
    this.response.release();
    return this.input.skip(id, max);
  }

  inFinish(id: number): FieldEntry[] | undefined {
    this.response.release();
    return this.input.finish(id);
  }

  inDrop(id: number): void {
    this.input.drop(id);
  }

  /** Writes bytes the guest thread holds to `out`; false when the body refused some. */
  private writeHeld(out: number, body: Writing, bytes: Uint8Array): boolean {
    if (bytes.length === 0) return true;
    const n = this.output.writeTo(out, body, bytes.length, (into, at, offset, len) => {
      into.set(bytes.subarray(offset, offset + len), at);
    });
    return n === bytes.length;
  }

  splice(out: number, src: number, max: bigint): { count: bigint; end: boolean } | undefined {
    this.response.release();
    const body = this.output.writable(out);
    if (!body) return undefined;
    this.input.settle();
    const local = this.local.read(src, max);
    if (local)
      return this.writeHeld(out, body, local.bytes)
        ? { count: BigInt(local.bytes.length), end: local.end }
        : undefined;
    const held = this.local.takeRest(src)?.bytes ?? new Uint8Array(0);
    if (!this.writeHeld(out, body, held)) return undefined;
    const rest = BigInt(capRead(max) - held.length);
    this.output.share(out);
    this.end.begin(Op.Splice).u32(out).u32(src).u64(rest);
    const moved = counted(this.call());
    return moved && { count: moved.count + BigInt(held.length), end: moved.end };
  }

  forward(out: number, src: number): bigint | undefined {
    this.response.release();
    const body = this.output.writable(out);
    if (!body) return undefined;
    this.input.settle();
    const held = this.local.takeRest(src);
    if (held && !this.writeHeld(out, body, held.bytes)) return undefined;
    const count = BigInt(held?.bytes.length ?? 0);
    if (held?.end || this.local.whole(src)) return count;
    this.output.share(out);
    this.end.begin(Op.Forward).u32(out).u32(src);
    const r = this.call();
    return r.readU32() === Status.Ok ? count + r.readU64() : undefined;
  }

  /** Blocks until at least one target is ready; one byte per target, 1 = ready. */
  poll(targets: readonly (readonly [PollKind, number])[]): Uint8Array {
    this.response.release();
    // Bytes this thread holds make their stream ready without asking; so does a body kept here.
    const here = targets.map(([kind, id]) =>
      (kind === PollKind.Input && this.input.ready(id)) ||
      (kind === PollKind.Output && this.output.isLocal(id))
        ? 1
        : 0,
    );
    if (here.includes(1)) return Uint8Array.from(here);
    const message = this.end.begin(Op.Poll, 4 + 8 * targets.length).u32(targets.length);
    for (const [kind, id] of targets) message.u32(kind).u32(id);
    const r = this.call();
    const n = r.readU32();
    return new Uint8Array(r.buf.subarray(r.pos, r.pos + n));
  }

  /** `set-response-outparam(ok(response))`: held on this thread a while (see {@link HeldResponse}). */
  respond(outparam: number, status: number, headers: readonly FieldEntry[], bodyId: number): void {
    this.response.set(outparam, status, headers, bodyId);
  }

  /** Sends the response held, and wakes the I/O thread for what it has not served: the guest is about to sleep. */
  flush(): void {
    this.response.release();
    this.end.flush();
  }

  respondError(outparam: number, errorTag: string, message: string): void {
    const room = 8 + Codec.strSize(errorTag) + Codec.strSize(message);
    this.end.begin(Op.RespondError, room).u32(outparam).str(errorTag).str(message);
    this.end.post();
  }

  /**
   * The previous call has returned: takes the next request for this
   * instance from its inbox, or, when it is empty, blocks until the host has one.
   */
  nextCall(): { outparamId: number; bodyId: number; head: IncomingRequestHead } {
    this.response.release();
    this.output.clear();
    this.input.clear();
    const bodyId = this.newId();
    const outparamId = this.newId();
    const taken = this.inbox?.take((c) => ({ token: c.readU32(), head: this.heads.take(c) }));
    if (taken) {
      this.end.begin(Op.Took).u32(taken.token).u32(bodyId).u32(outparamId);
      this.end.post();
      return { outparamId, bodyId, head: taken.head };
    }
    this.end.begin(Op.NextCall).u32(bodyId).u32(outparamId);
    // Sleep at once: a spinning guest takes the core the I/O thread needs to bring the next request.
    return { outparamId, bodyId, head: this.heads.take(this.call(false)) };
  }
}

function counted(r: Codec): { count: bigint; end: boolean } | undefined {
  if (r.readU32() !== Status.Ok) return undefined;
  const end = r.readU32() === 1;
  return { count: r.readU64(), end };
}
