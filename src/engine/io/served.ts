import type { FieldEntry } from '../fields.js';
import type { IncomingBody } from './incoming-body.js';
import type { OutgoingBody } from './outgoing-body.js';

/**
 * The largest response body sent whole, with a content-length, when it ended before its head went
 * out; a bigger one streams. The guest's thread holds a response back until its body is finished
 * or this big (see `src/bridge/held-response.ts`).
 */
export const WHOLE_RESPONSE_MAX = 64 * 1024;

/** An incoming request as the guest sees it. */
export interface IncomingRequestHead {
  readonly method: string;
  /** The path, without the query. */
  readonly path: string;
  /** The query with its leading `?`, or "" when the target had none. */
  readonly query: string;
  /** `http` or `https`. */
  readonly scheme: string | undefined;
  readonly authority: string;
  readonly headers: readonly FieldEntry[];
}

/**
 * One request for a guest's `HTTP#handle`, from whoever received it (the
 * server). ABI-independent: the v1 glue and a future 0.2 glue drive it alike.
 */
export interface IncomingCall {
  readonly head: IncomingRequestHead;
  readonly body: IncomingBody;
  /**
   * `set-response-outparam(ok(response))`. The body is the one the guest
   * writes or, when it came finished with the response, its bytes (the
   * host's own copy, at most {@link WHOLE_RESPONSE_MAX}).
   */
  respond(status: number, headers: readonly FieldEntry[], body: OutgoingBody | Buffer): void;
  /** `set-response-outparam(err(error))`. */
  fail(errorTag: string, message: string): void;
  /** `handle` returned: whatever the guest did not finish is finished now. */
  returned(): void;
}

/** Hands an idle guest instance its next call. */
export type CallSource = () => Promise<IncomingCall>;
