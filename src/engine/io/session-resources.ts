import type { Exchange } from './exchange.js';
import type { IncomingBody } from './incoming-body.js';
import type { OutgoingBody } from './outgoing-body.js';
import type { IncomingCall } from './served.js';

/**
 * What the I/O thread keeps of one guest instance: its bodies, exchanges
 * and the served call, by id (ids are the guest thread's), and their lifetimes —
 * when an id may be forgotten, what a returning call leaves behind, what a
 * dead guest leaves running.
 */
export class SessionResources {
  protected readonly outgoing = new Map<number, OutgoingBody>();
  protected readonly incoming = new Map<number, IncomingBody>();
  protected readonly exchanges = new Map<number, Exchange>();
  /** Ids of written bodies that failed, for the guest's next {@link Op.Failed}. */
  protected failed: number[] = [];
  /**
   * The call being handled, and the first id it created (its request's
   * body): every id from there on is the call's. Its body, until the guest
   * drops it, and its outparam live here rather than in the maps: a map's
   * delete of its last entry makes a new table, twice a request.
   */
  private current:
    { call: IncomingCall; firstId: number; outparamId: number; body: IncomingBody | undefined } | undefined;
  /**
   * A body id is held twice by the guest: by its output stream and by the
   * request or response it belongs to. It is forgotten once the stream is
   * dropped and the message was handed over, in whichever order.
   */
  private readonly claimed = new Set<number>();
  private readonly released = new Set<number>();

  protected get<T>(map: Map<number, T>, id: number, what: string): T {
    return map.get(id) ?? missing(what, id);
  }

  protected out(id: number): OutgoingBody {
    return this.get(this.outgoing, id, 'output stream');
  }

  protected in(id: number): IncomingBody {
    return this.incomingBody(id) ?? missing('input stream', id);
  }

  /** The input stream `id`, if the guest holds it. */
  protected incomingBody(id: number): IncomingBody | undefined {
    const current = this.current;
    return current?.body && id === current.firstId ? current.body : this.incoming.get(id);
  }

  /** Forgets the input stream `id` (the guest dropped it) and returns it. */
  protected forgetIncoming(id: number): IncomingBody | undefined {
    const current = this.current;
    const body = this.incomingBody(id);
    if (body && body === current?.body) current.body = undefined;
    else this.incoming.delete(id);
    return body;
  }

  /** The call whose response-outparam is `id`: only the current call's is. */
  protected outparam(id: number): IncomingCall {
    const current = this.current;
    return current && id === current.outparamId ? current.call : missing('response-outparam', id);
  }

  protected claim(id: number): OutgoingBody {
    const body = this.out(id);
    if (this.released.delete(id)) this.outgoing.delete(id);
    else this.claimed.add(id);
    return body;
  }

  protected release(id: number): void {
    this.outgoing.get(id)?.end();
    if (this.claimed.delete(id)) this.outgoing.delete(id);
    else if (this.outgoing.has(id)) this.released.add(id);
  }

  /** The guest handles `call` now, its body and outparam under the ids it chose. */
  protected beginCall(call: IncomingCall, bodyId: number, outparamId: number): void {
    this.current = { call, firstId: bodyId, outparamId, body: call.body };
  }

  /**
   * `handle` returned: the call is over. What it left open is closed — bodies
   * it wrote are ended (and still drain to the network), bodies it read and
   * requests it made are dropped — so a long-lived instance does not grow.
   */
  protected endCall(): void {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    current.call.returned();
    // Called once per request served. The call's own body goes first; what else it left is found in
    // one pass over each collection, which is most often empty.
    const first = current.firstId;
    current.body?.drop();
    closeFrom(this.outgoing, first, end);
    closeFrom(this.incoming, first, drop);
    closeFrom(this.exchanges, first, drop);
    forgetFrom(this.claimed, first);
    forgetFrom(this.released, first);
    if (this.failed.length > 0) this.failed = this.failed.filter((id) => id < first);
  }

  /** The guest is gone: cancel whatever it left running. */
  close(): void {
    this.current?.body?.drop();
    this.current = undefined;
    for (const exchange of this.exchanges.values()) exchange.drop();
    for (const body of this.incoming.values()) body.drop();
    for (const body of this.outgoing.values()) body.fail(new Error('guest instance closed'));
    for (const map of [this.outgoing, this.incoming, this.exchanges]) map.clear();
    this.claimed.clear();
    this.released.clear();
  }
}

const end = (body: OutgoingBody): void => {
  body.end();
};
const drop = (dropped: { drop(): void }): void => {
  dropped.drop();
};

function missing(what: string, id: number): never {
  throw new Error(`no ${what} with id ${id} on the I/O side`);
}

/** Removes the entries of `from` with ids from `first` on, closing each. */
function closeFrom<T>(from: Map<number, T>, first: number, close: (value: T) => void): void {
  if (from.size === 0) return;
  for (const [id, value] of from) {
    if (id < first) continue;
    close(value);
    from.delete(id);
  }
}

/** Removes the ids from `first` on. */
function forgetFrom(ids: Set<number>, first: number): void {
  if (ids.size > 0) for (const id of ids) if (id >= first) ids.delete(id);
}
