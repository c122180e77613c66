/**
 * Operations the guest thread asks of the I/O thread. Arguments and answers
 * are encoded with {@link Codec}; the encoding of each is written once, in
 * `remote.ts` (guest side) and `engine/io/session.ts` (I/O side).
 */
export const Op = {
  /** () → body id: a body the guest will write. */
  OutNew: 1,
  /** (id, bytes) → status */
  OutWrite: 2,
  /** (id, trailers?) → () */
  OutFinish: 3,
  /** (id) → () */
  OutDrop: 4,
  /** (head, body id or 0, timeouts) → future id */
  Send: 5,
  /** (id) → none | ok(body id, status, headers) | err(tag, message) */
  FutureGet: 6,
  /** (id) → () */
  FutureDrop: 7,
  /** (id, max) → status, end, bytes */
  InRead: 8,
  /** (id, max) → status, end, count */
  InSkip: 9,
  /** (id) → status, trailers? */
  InFinish: 10,
  /** (id) → () */
  InDrop: 11,
  /** (out id, in id, max) → status, end, count */
  Splice: 12,
  /** (out id, in id) → status, count */
  Forward: 13,
  /** (n, n × (kind, id)) → n readiness bytes */
  Poll: 14,
  /** (outparam id, status, headers, body id) → () */
  Respond: 15,
  /** (outparam id, error tag, message) → () */
  RespondError: 16,
  /** () → outparam id, request head, body id: the previous call has returned; block for the next. */
  NextCall: 17,
} as const;

/** What a pollable waits on. */
export const PollKind = { Future: 0, Input: 1, Output: 2 } as const;
export type PollKind = (typeof PollKind)[keyof typeof PollKind];

/** Status of a stream operation: the WIT `stream-error` when not OK. */
export const Status = { Ok: 0, StreamError: 1 } as const;

/** Tags of the answer to {@link Op.FutureGet}. */
export const FutureState = { Pending: 0, Ok: 1, Err: 2 } as const;
