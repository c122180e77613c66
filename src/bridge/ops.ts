/**
 * Operations the guest thread asks of the I/O thread. Ids are chosen by the
 * guest thread (one counter), so creating something never waits for an
 * answer. One-way operations ("post") are not waited for; calls are. The
 * encoding of each is written once on each side: `remote.ts` (guest) and
 * `engine/io/session.ts` (I/O).
 */
export const Op = {
  /** post (id): a body the guest will write. */
  OutNew: 1,
  /** post (id, bytes) */
  OutWrite: 2,
  /** post (id, trailers?) */
  OutFinish: 3,
  /** post (id) */
  OutDrop: 4,
  /** post (future id, head, body id or 0, timeouts): send a request. */
  Send: 5,
  /** call (future id, id for the response body) → none | ok(status, headers, whole body if small and arrived) | err(tag, message) */
  FutureGet: 6,
  /** post (id) */
  FutureDrop: 7,
  /** call (id, max, step) → status, bytes, end: the bytes read, then any read ahead in whole steps */
  InRead: 8,
  /** call (id, max) → status, end, count */
  InSkip: 9,
  /** call (id) → status, trailers? */
  InFinish: 10,
  /** post (id) */
  InDrop: 11,
  /** call (out id, in id, max) → status, end, count */
  Splice: 12,
  /** call (out id, in id) → status, count */
  Forward: 13,
  /** call (n, n × (kind, id)) → n readiness bytes */
  Poll: 14,
  /** post (outparam id, status, headers, body id) */
  Respond: 15,
  /** post (outparam id, error tag, message) */
  RespondError: 16,
  /** call (id for the body, id for the outparam) → request head: the previous call has returned; wait for the next. */
  NextCall: 17,
  /** call () → ids of the guest's bodies that failed since it last asked */
  Failed: 18,
  /** post (token, id for the body, id for the outparam): the previous call has returned; the guest took the request in its inbox. */
  Took: 19,
  /** post (id, step, slot, token): fill the prefetch slot with what the body brings next, as `InRead` would answer a read of `step`. */
  InPrefetch: 20,
  /** call (slot): stop the slot's fill if it has not happened; the slot's token then tells whether it did. */
  InPrefetchStop: 21,
  /** post (outparam id, status, headers, bytes): a response with all its body, finished before it went (see `held-response.ts`). */
  RespondWhole: 22,
} as const;

/** What a pollable waits on. */
export const PollKind = { Future: 0, Input: 1, Output: 2 } as const;
export type PollKind = (typeof PollKind)[keyof typeof PollKind];

/** Status of a stream operation: the WIT `stream-error` when not OK. */
export const Status = { Ok: 0, StreamError: 1 } as const;

/** Tags of the answer to {@link Op.FutureGet}. */
export const FutureState = { Pending: 0, Ok: 1, Err: 2 } as const;
