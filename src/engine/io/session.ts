import { EntriesMemo, type Codec } from '../../bridge/codec.js';
import type { OperationHandler, Reply } from '../../bridge/io-end.js';
import { FutureState, Op, PollKind, Status } from '../../bridge/ops.js';
import { encodeRequestHead } from '../../bridge/request-head.js';
import { Exchange } from './exchange.js';
import { OutgoingBody } from './outgoing-body.js';
import { PrefetchSlots } from './prefetch.js';
import { SessionResources } from './session-resources.js';
import type { CallSource, IncomingCall } from './served.js';
import { forward, poll, read, skip, splice, type Pollable } from './stream-ops.js';

export interface SessionOptions {
  /** The channel's shared memory, for the prefetch slots. */
  readonly channel: SharedArrayBuffer;
  /** Bytes a body may buffer before it is sent (before `handle`). */
  readonly bodyBufferLimit: number;
  /** Where the host's warnings about a guest's requests go. */
  readonly warn: (message: string) => void;
  /** Tells the guest thread that a body it writes failed (see {@link Op.Failed}). */
  readonly noteFailure?: () => void;
  /** For an instance that serves: where its next incoming call comes from. */
  readonly calls?: CallSource;
  /** For an instance that serves: the call the guest took from its inbox, by token. */
  readonly took?: (token: number) => IncomingCall;
}

const done: Reply = () => undefined;

/** The largest response body sent along with its head. */
const WHOLE_BODY_BYTES = 64 * 1024;

/**
 * The I/O thread's side of one guest instance: the answer to each {@link Op}.
 * Decoding is synchronous; waiting happens in the returned promises while
 * the guest is blocked on its call.
 */
export class IoSession extends SessionResources {
  private readonly prefetch: PrefetchSlots;
  private readonly responseHeaders = new EntriesMemo();

  constructor(private readonly options: SessionOptions) {
    super();
    this.prefetch = new PrefetchSlots(options.channel);
  }

  protected override endCall(): void {
    super.endCall();
    this.prefetch.forget();
  }

  readonly handle: OperationHandler = (op, a, lend) => {
    switch (op) {
      case Op.OutNew: {
        const id = a.readU32();
        const body = new OutgoingBody(this.options.bodyBufferLimit);
        body.onFail = () => {
          this.failed.push(id);
          this.options.noteFailure?.();
        };
        this.outgoing.set(id, body);
        return done;
      }
      case Op.OutWrite: {
        const body = this.out(a.readU32());
        try {
          // A refused write has failed the body; the guest learns it through Op.Failed.
          return (
            body.write(a.readBytes(), lend)?.then(
              () => done,
              () => done,
            ) ?? done
          );
        } catch {
          return done;
        }
      }
      case Op.OutFinish:
        this.out(a.readU32()).end(a.readEntries());
        return done;
      case Op.OutDrop:
        this.release(a.readU32());
        return done;
      case Op.Send:
        this.send(a);
        return done;
      case Op.FutureGet:
        return this.futureGet(a.readU32(), a.readU32());
      case Op.FutureDrop: {
        const id = a.readU32();
        this.exchanges.get(id)?.drop();
        this.exchanges.delete(id);
        return done;
      }
      case Op.InRead:
        return read(this.in(a.readU32()), a.readU32(), a.readU32());
      case Op.InSkip:
        return skip(this.in(a.readU32()), a.readU64());
      case Op.InFinish: {
        const body = this.in(a.readU32());
        this.prefetch.forget(body);
        return body.finish().then(
          (trailers): Reply =>
            (r) =>
              r.u32(Status.Ok).entries(trailers),
          (): Reply => (r) => r.u32(Status.StreamError).entries(undefined),
        );
      }
      case Op.InDrop: {
        const body = this.forgetIncoming(a.readU32());
        if (body) {
          body.drop();
          this.prefetch.forget(body);
        }
        return done;
      }
      case Op.InPrefetch: {
        const body = this.in(a.readU32());
        const step = a.readU32();
        this.prefetch.request(body, step, a.readU32(), a.readU32());
        return done;
      }
      case Op.InPrefetchStop:
        this.prefetch.stop(a.readU32());
        return done;
      case Op.Splice: {
        const out = this.out(a.readU32());
        return splice(out, this.in(a.readU32()), a.readU64());
      }
      case Op.Forward:
        return forward(this.out(a.readU32()), this.in(a.readU32()));
      case Op.Poll:
        return poll(this.pollables(a));
      case Op.NextCall:
        return this.nextCall(a.readU32(), a.readU32());
      case Op.Took: {
        const token = a.readU32();
        this.endCall();
        if (!this.options.took) throw new Error('this instance does not serve');
        this.beginCall(this.options.took(token), a.readU32(), a.readU32());
        return done;
      }
      case Op.Respond:
      case Op.RespondWhole: {
        const call = this.outparam(a.readU32());
        const status = a.readU32();
        const headers = this.responseHeaders.read(a) ?? [];
        // A whole body is read from the ring, which the guest reuses: copied.
        call.respond(status, headers, op === Op.Respond ? this.claim(a.readU32()) : a.copyBytes());
        return done;
      }
      case Op.RespondError:
        this.outparam(a.readU32()).fail(a.readStr(), a.readStr());
        return done;
      case Op.Failed: {
        const ids = this.failed;
        this.failed = [];
        return (r) => {
          r.u32(ids.length);
          for (const id of ids) r.u32(id);
        };
      }
      default:
        throw new Error(`unknown operation ${op}`);
    }
  };

  private send(a: Codec): void {
    const id = a.readU32();
    const hasScheme = a.readU32() === 1;
    const method = a.readStr();
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
    this.exchanges.set(id, new Exchange(head, body, options, this.options.warn));
  }

  private async futureGet(id: number, bodyId: number): Promise<Reply> {
    const exchange = this.get(this.exchanges, id, 'future-incoming-response');
    const outcome = await exchange.get();
    if (!outcome) return (r) => r.u32(FutureState.Pending);
    if (outcome.tag === 'err')
      return (r) => r.u32(FutureState.Err).str(outcome.val.tag).str(outcome.val.message);
    exchange.taken = true;
    const { status, headers, body } = outcome.val;
    this.incoming.set(bodyId, body);
    return (r) => {
      r.u32(FutureState.Ok).u32(status).entries(headers);
      // A small body that has all arrived comes along (after a flag and its length), straight
      // from the body's chunks: the guest reads it without another call.
      const whole = body.takeWholeInto(r.buf, r.pos + 8, WHOLE_BODY_BYTES);
      r.u32(whole ? 1 : 0);
      if (whole) {
        r.reserve(whole.length);
        r.entries(whole.trailers);
      }
    };
  }

  private pollables(a: Codec): Pollable[] {
    const out: Pollable[] = [];
    for (let n = a.readU32(); n > 0; n--) {
      const kind = a.readU32() as PollKind;
      const id = a.readU32();
      if (kind === PollKind.Future) {
        const exchange = this.exchanges.get(id);
        exchange?.awaited();
        out.push({ ready: () => exchange?.ready ?? true, changed: exchange?.changed });
      } else if (kind === PollKind.Input) {
        const body = this.incomingBody(id);
        out.push({
          ready: () => (body ? body.readable || this.prefetch.holds(body) : true),
          changed: body?.changed,
        });
      } else {
        const body = this.outgoing.get(id);
        out.push({ ready: () => body?.writable ?? true, changed: body?.changed });
      }
    }
    return out;
  }

  /** Ends the call being handled, then waits for the next one. */
  private async nextCall(bodyId: number, outparamId: number): Promise<Reply> {
    this.endCall();
    if (!this.options.calls) throw new Error('this instance does not serve');
    const call = await this.options.calls();
    this.beginCall(call, bodyId, outparamId);
    return Object.assign((r: Codec) => encodeRequestHead(r, call.head), { batched: true as const });
  }
}
