import type { FieldEntry } from '../engine/fields.js';
import type { OutgoingRequestHead } from '../engine/io/request-head.js';
import type { IncomingRequestHead } from '../engine/io/served.js';
import type { RequestOptions } from '../engine/io/transport.js';
import { READ_CAP } from '../engine/io/incoming-body.js';
import type { GuestEnd } from './channel.js';
import { FutureState, Op, Status, type PollKind } from './ops.js';

/** The largest piece of a write that crosses in one call. */
const PIECE = 1024 * 1024;

export type RemoteResponse =
  | { tag: 'ok'; bodyId: number; status: number; headers: FieldEntry[] }
  | { tag: 'err'; errorTag: string; message: string };

/** A stream operation's answer; `bytes` is a view into the channel, valid until the next call. */
export interface ReadResult {
  readonly bytes: Uint8Array;
  readonly end: boolean;
}

const fits = (n: number): number => Math.min(n, PIECE);

/**
 * The guest thread's typed view of {@link Op}: each method encodes one call,
 * blocks for the answer and decodes it. Ids name I/O-side bodies and
 * exchanges; `undefined` answers mean the WIT `stream-error`.
 */
export class Remote {
  constructor(private readonly end: GuestEnd) {}

  outNew(): number {
    this.end.begin(Op.OutNew);
    return this.end.send().readU32();
  }

  /**
   * Writes `total` bytes produced by `fill(into, offset, n)` in pieces; returns
   * how many were accepted before an error, or `total`.
   */
  outWrite(
    id: number,
    total: number,
    fill: (into: Buffer, at: number, offset: number, n: number) => void,
  ): number {
    let done = 0;
    do {
      const n = fits(total - done);
      const call = this.end.begin(Op.OutWrite).u32(id);
      fill(call.buf, call.reserve(n), done, n);
      if (this.end.send().readU32() !== Status.Ok) return done;
      done += n;
    } while (done < total);
    return done;
  }

  outFinish(id: number, trailers: readonly FieldEntry[] | undefined): void {
    this.end.begin(Op.OutFinish).u32(id).entries(trailers);
    this.end.send();
  }

  outDrop(id: number): void {
    this.end.begin(Op.OutDrop).u32(id);
    this.end.send();
  }

  send(head: OutgoingRequestHead, bodyId: number, options: RequestOptions): number {
    const ms = (v: number | undefined): number => (v === undefined ? -1 : Math.min(v, 0x7fffffff));
    this.end
      .begin(Op.Send)
      .str(head.method)
      .u32(head.scheme === undefined ? 0 : 1)
      .str(head.scheme ?? '')
      .str(head.authority)
      .str(head.path)
      .str(head.query)
      .entries(head.headers)
      .u32(bodyId)
      .i32(ms(options.connectTimeoutMs))
      .i32(ms(options.firstByteTimeoutMs))
      .i32(ms(options.betweenBytesTimeoutMs));
    return this.end.send().readU32();
  }

  futureGet(id: number): RemoteResponse | undefined {
    this.end.begin(Op.FutureGet).u32(id);
    const r = this.end.send();
    const state = r.readU32();
    if (state === FutureState.Pending) return undefined;
    if (state === FutureState.Err) return { tag: 'err', errorTag: r.readStr(), message: r.readStr() };
    return { tag: 'ok', bodyId: r.readU32(), status: r.readU32(), headers: r.readEntries() ?? [] };
  }

  futureDrop(id: number): void {
    this.end.begin(Op.FutureDrop).u32(id);
    this.end.send();
  }

  inRead(id: number, max: number): ReadResult | undefined {
    this.end.begin(Op.InRead).u32(id).u32(Math.min(max, READ_CAP));
    const r = this.end.send();
    if (r.readU32() !== Status.Ok) return undefined;
    const bytes = r.readBytes();
    return { bytes, end: r.readU32() === 1 };
  }

  inSkip(id: number, max: bigint): { count: bigint; end: boolean } | undefined {
    this.end.begin(Op.InSkip).u32(id).u64(max);
    return this.counted(this.end.send());
  }

  /** The body's trailers once it has ended; undefined when it had none or failed. */
  inFinish(id: number): FieldEntry[] | undefined {
    this.end.begin(Op.InFinish).u32(id);
    const r = this.end.send();
    r.readU32();
    return r.readEntries();
  }

  inDrop(id: number): void {
    this.end.begin(Op.InDrop).u32(id);
    this.end.send();
  }

  splice(out: number, src: number, max: bigint): { count: bigint; end: boolean } | undefined {
    this.end.begin(Op.Splice).u32(out).u32(src).u64(max);
    return this.counted(this.end.send());
  }

  forward(out: number, src: number): bigint | undefined {
    this.end.begin(Op.Forward).u32(out).u32(src);
    const r = this.end.send();
    return r.readU32() === Status.Ok ? r.readU64() : undefined;
  }

  /** Blocks until at least one target is ready; one byte per target, 1 = ready. */
  poll(targets: readonly (readonly [PollKind, number])[]): Uint8Array {
    const call = this.end.begin(Op.Poll).u32(targets.length);
    for (const [kind, id] of targets) call.u32(kind).u32(id);
    const r = this.end.send();
    const n = r.readU32();
    return Uint8Array.from(r.buf.subarray(r.pos, r.pos + n));
  }

  respond(outparam: number, status: number, headers: readonly FieldEntry[], bodyId: number): void {
    this.end.begin(Op.Respond).u32(outparam).u32(status).entries(headers).u32(bodyId);
    this.end.send();
  }

  respondError(outparam: number, errorTag: string, message: string): void {
    this.end.begin(Op.RespondError).u32(outparam).str(errorTag).str(message);
    this.end.send();
  }

  /** Blocks until the host has a request for this instance to handle. */
  nextCall(): { outparamId: number; bodyId: number; head: IncomingRequestHead } {
    this.end.begin(Op.NextCall);
    const r = this.end.send();
    const outparamId = r.readU32();
    const bodyId = r.readU32();
    const method = r.readStr();
    const path = r.readStr();
    const query = r.readStr();
    const hasScheme = r.readU32() === 1;
    const scheme = r.readStr();
    const head = {
      method,
      path,
      query,
      scheme: hasScheme ? scheme : undefined,
      authority: r.readStr(),
      headers: r.readEntries() ?? [],
    };
    return { outparamId, bodyId, head };
  }

  private counted(r: ReturnType<GuestEnd['send']>): { count: bigint; end: boolean } | undefined {
    if (r.readU32() !== Status.Ok) return undefined;
    const end = r.readU32() === 1;
    return { count: r.readU64(), end };
  }
}
