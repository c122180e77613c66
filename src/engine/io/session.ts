import type { OperationHandler } from '../../bridge/channel.js';
import type { Codec } from '../../bridge/codec.js';
import { FutureState, Op, PollKind, Status } from '../../bridge/ops.js';
import { Exchange } from './exchange.js';
import { IncomingBody, READ_CAP } from './incoming-body.js';
import { OutgoingBody } from './outgoing-body.js';
import type { CallSource, IncomingCall } from './served.js';
import type { Signal } from './signal.js';

type Reply = (reply: Codec) => void;

export interface SessionOptions {
  /** Bytes a body may buffer before it is sent (before `handle`). */
  readonly bodyBufferLimit: number;
  /** Where the host's warnings about a guest's requests go. */
  readonly warn: (message: string) => void;
  /** For an instance that serves: where its next incoming call comes from. */
  readonly calls?: CallSource;
}

const ok: Reply = (r) => r.u32(Status.Ok);
const streamError: Reply = (r) => r.u32(Status.StreamError);
const done: Reply = () => undefined;

/**
 * The I/O thread's side of one guest instance: its bodies and exchanges by
 * id, and the answer to each {@link Op}. Everything here is asynchronous;
 * the guest is blocked on the channel until its answer is written.
 */
export class IoSession {
  private next = 1;
  private readonly outgoing = new Map<number, OutgoingBody>();
  private readonly incoming = new Map<number, IncomingBody>();
  private readonly exchanges = new Map<number, Exchange>();
  private readonly outparams = new Map<number, IncomingCall>();
  /** The call being handled, and the first id it created: everything from there on is the call's. */
  private current: { call: IncomingCall; firstId: number } | undefined;

  constructor(private readonly options: SessionOptions) {}

  /** Registers a body fed by the host (a request being served); returns its id. */
  addIncoming(body: IncomingBody): number {
    const id = this.next++;
    this.incoming.set(id, body);
    return id;
  }

  /** Registers a body for the guest to write; returns its id. */
  addOutgoing(body: OutgoingBody): number {
    const id = this.next++;
    this.outgoing.set(id, body);
    return id;
  }

  outgoingBody(id: number): OutgoingBody {
    return found(this.outgoing.get(id), 'output stream', id);
  }

  incomingBody(id: number): IncomingBody {
    return found(this.incoming.get(id), 'input stream', id);
  }

  /**
   * A body id is held twice by the guest: by its output stream and by the
   * request or response it belongs to. It is forgotten once the stream is
   * dropped and the message was handed over (`handle`, `set-response-outparam`),
   * in whichever order the guest does the two.
   */
  private readonly claimed = new Set<number>();
  private readonly released = new Set<number>();

  private claim(id: number): OutgoingBody {
    const body = this.outgoingBody(id);
    if (this.released.delete(id)) this.outgoing.delete(id);
    else this.claimed.add(id);
    return body;
  }

  private release(id: number): void {
    this.outgoing.get(id)?.end();
    if (this.claimed.delete(id)) this.outgoing.delete(id);
    else if (this.outgoing.has(id)) this.released.add(id);
  }

  readonly handle: OperationHandler = (op, a) => {
    switch (op) {
      case Op.OutNew: {
        const id = this.addOutgoing(new OutgoingBody(this.options.bodyBufferLimit));
        return (r) => r.u32(id);
      }
      case Op.OutWrite:
        return this.outgoingBody(a.readU32())
          .write(a.readBytes())
          .then(
            () => ok,
            () => streamError,
          );
      case Op.OutFinish:
        this.outgoingBody(a.readU32()).end(a.readEntries());
        return done;
      case Op.OutDrop:
        this.release(a.readU32());
        return done;
      case Op.Send:
        return this.send(a);
      case Op.FutureGet:
        return this.futureGet(a.readU32());
      case Op.FutureDrop: {
        const id = a.readU32();
        this.exchanges.get(id)?.drop();
        this.exchanges.delete(id);
        return done;
      }
      case Op.InRead:
        return this.read(this.incomingBody(a.readU32()), a.readU32());
      case Op.InSkip:
        return this.skip(this.incomingBody(a.readU32()), a.readU64());
      case Op.InFinish:
        return this.incomingBody(a.readU32())
          .finish()
          .then(
            (trailers): Reply =>
              (r) =>
                r.u32(Status.Ok).entries(trailers),
            (): Reply => (r) => r.u32(Status.StreamError).entries(undefined),
          );
      case Op.InDrop: {
        const id = a.readU32();
        this.incoming.get(id)?.drop();
        this.incoming.delete(id);
        return done;
      }
      case Op.Splice: {
        const out = this.outgoingBody(a.readU32());
        return this.splice(out, this.incomingBody(a.readU32()), a.readU64());
      }
      case Op.Forward:
        return this.forward(this.outgoingBody(a.readU32()), this.incomingBody(a.readU32()));
      case Op.Poll:
        return this.poll(a);
      case Op.NextCall:
        return this.nextCall();
      case Op.Respond: {
        const call = this.outparam(a.readU32());
        const status = a.readU32();
        const headers = a.readEntries() ?? [];
        call.respond(status, headers, this.claim(a.readU32()));
        return done;
      }
      case Op.RespondError: {
        const call = this.outparam(a.readU32());
        call.fail(a.readStr(), a.readStr());
        return done;
      }
      default:
        throw new Error(`unknown operation ${op}`);
    }
  };

  private outparam(id: number): IncomingCall {
    return found(this.outparams.get(id), 'response-outparam', id);
  }

  /** Ends the call that was being handled, then waits for the next one. */
  private async nextCall(): Promise<Reply> {
    this.endCall();
    const calls = found(this.options.calls, 'call source for a guest that does not serve', 0);
    const call = await calls();
    const firstId = this.next;
    const bodyId = this.addIncoming(call.body);
    const outparamId = this.next++;
    this.outparams.set(outparamId, call);
    this.current = { call, firstId };
    const { method, path, query, scheme, authority, headers } = call.head;
    return (r) =>
      r
        .u32(outparamId)
        .u32(bodyId)
        .str(method)
        .str(path)
        .str(query)
        .u32(scheme === undefined ? 0 : 1)
        .str(scheme ?? '')
        .str(authority)
        .entries(headers);
  }

  /**
   * `handle` returned: the call is over. What it left open is closed — bodies
   * it wrote are ended (and still drain to the network), bodies it read and
   * requests it made are dropped — so a long-lived instance does not grow.
   */
  private endCall(): void {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    current.call.returned();
    const mine = (id: number): boolean => id >= current.firstId;
    for (const [id, body] of this.outgoing) if (mine(id)) body.end();
    for (const [id, body] of this.incoming) if (mine(id)) body.drop();
    for (const [id, exchange] of this.exchanges) if (mine(id)) exchange.drop();
    for (const map of [this.outgoing, this.incoming, this.exchanges, this.outparams]) {
      for (const id of map.keys()) if (mine(id)) map.delete(id);
    }
    for (const set of [this.claimed, this.released]) for (const id of set) if (mine(id)) set.delete(id);
  }

  private send(a: Codec): Reply {
    const method = a.readStr();
    const hasScheme = a.readU32() === 1;
    const scheme = a.readStr();
    const head = {
      method,
      scheme: hasScheme ? scheme : undefined,
      authority: a.readStr(),
      path: a.readStr(),
      query: a.readStr(),
      headers: a.readEntries() ?? [],
    };
    const bodyId = a.readU32();
    const timeout = (): number | undefined => {
      const ms = a.readI32();
      return ms < 0 ? undefined : ms;
    };
    const options = {
      connectTimeoutMs: timeout(),
      firstByteTimeoutMs: timeout(),
      betweenBytesTimeoutMs: timeout(),
    };
    const body = bodyId === 0 ? undefined : this.claim(bodyId);
    const id = this.next++;
    this.exchanges.set(id, new Exchange(head, body, options, this.options.warn));
    return (r) => r.u32(id);
  }

  private async futureGet(id: number): Promise<Reply> {
    const exchange = found(this.exchanges.get(id), 'future-incoming-response', id);
    const outcome = await exchange.get();
    if (!outcome) return (r) => r.u32(FutureState.Pending);
    if (outcome.tag === 'err')
      return (r) => r.u32(FutureState.Err).str(outcome.val.tag).str(outcome.val.message);
    exchange.taken = true;
    const { status, headers, body } = outcome.val;
    const bodyId = this.addIncoming(body);
    return (r) => r.u32(FutureState.Ok).u32(bodyId).u32(status).entries(headers);
  }

  private async read(body: IncomingBody, len: number): Promise<Reply> {
    const max = Math.min(len, READ_CAP);
    await body.waitFor(max);
    if (body.failure) return streamError;
    return (r) => {
      r.u32(Status.Ok);
      let at = r.reserve(Math.min(max, body.available));
      body.take(Math.min(max, body.available), (chunk) => {
        r.buf.set(chunk, at);
        at += chunk.length;
      });
      r.u32(body.exhausted ? 1 : 0);
    };
  }

  private async skip(body: IncomingBody, max: bigint): Promise<Reply> {
    const want = Number(max > BigInt(READ_CAP) ? BigInt(READ_CAP) : max);
    await body.waitFor(want);
    if (body.failure) return streamError;
    const n = body.take(want);
    return (r) =>
      r
        .u32(Status.Ok)
        .u32(body.exhausted ? 1 : 0)
        .u64(BigInt(n));
  }

  private async splice(out: OutgoingBody, src: IncomingBody, max: bigint): Promise<Reply> {
    const want = Number(max > BigInt(READ_CAP) ? BigInt(READ_CAP) : max);
    await src.waitFor(want);
    if (src.failure) return streamError;
    const chunks: Buffer[] = [];
    const n = src.take(want, (chunk) => chunks.push(chunk));
    try {
      for (const chunk of chunks) await out.write(chunk);
    } catch {
      return streamError;
    }
    return (r) =>
      r
        .u32(Status.Ok)
        .u32(src.exhausted ? 1 : 0)
        .u64(BigInt(n));
  }

  private async forward(out: OutgoingBody, src: IncomingBody): Promise<Reply> {
    let total = 0;
    while (!src.exhausted) {
      await src.waitFor(READ_CAP);
      if (src.failure) return streamError;
      const chunks: Buffer[] = [];
      total += src.take(READ_CAP, (chunk) => chunks.push(chunk));
      try {
        for (const chunk of chunks) await out.write(chunk);
      } catch {
        return streamError;
      }
    }
    return (r) => r.u32(Status.Ok).u64(BigInt(total));
  }

  private async poll(a: Codec): Promise<Reply> {
    const n = a.readU32();
    const checks: (() => boolean)[] = [];
    const signals: Signal[] = [];
    for (let k = 0; k < n; k++) {
      const kind = a.readU32() as PollKind;
      const id = a.readU32();
      const target =
        kind === PollKind.Future
          ? this.exchanges.get(id)
          : kind === PollKind.Input
            ? this.incoming.get(id)
            : this.outgoing.get(id);
      if (target instanceof Exchange) target.awaited();
      checks.push(() =>
        target === undefined
          ? true
          : 'ready' in target
            ? target.ready
            : 'readable' in target
              ? target.readable
              : target.writable,
      );
      if (target) signals.push(target.changed);
    }
    while (n > 0 && !checks.some((check) => check())) await Promise.race(signals.map((s) => s.wait()));
    return (r) => {
      r.u32(n);
      for (const check of checks) r.buf[r.pos++] = check() ? 1 : 0;
    };
  }

  /** The guest is gone: cancel whatever it left running. */
  close(): void {
    this.current = undefined;
    this.outparams.clear();
    for (const exchange of this.exchanges.values()) exchange.drop();
    for (const body of this.incoming.values()) body.drop();
    for (const body of this.outgoing.values()) body.fail(new Error('guest instance closed'));
    this.exchanges.clear();
    this.incoming.clear();
    this.outgoing.clear();
    this.claimed.clear();
    this.released.clear();
  }
}

function found<T>(value: T | undefined, what: string, id: number): T {
  if (value === undefined) throw new Error(`no ${what} with id ${id} on the I/O side`);
  return value;
}
