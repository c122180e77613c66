import type { PollKind } from '../bridge/ops.js';
import type { RemoteResponse } from '../bridge/remote.js';
import { Fields } from './fields.js';
import type { IncomingRequestHead } from './io/served.js';

/**
 * The concrete state behind each WIT resource a guest holds a handle to.
 * These live on the guest's thread; where the real work happens on the I/O
 * thread (bodies, exchanges), they hold the I/O side's id.
 */
export interface FieldsResource {
  readonly kind: 'fields';
  readonly fields: Fields;
}

export interface OutgoingRequestResource {
  readonly kind: 'outgoing-request';
  readonly method: string;
  readonly scheme: string | undefined;
  readonly authority: string;
  readonly path: string;
  readonly query: string;
  /** The fields object itself: headers added before `handle` are sent even if the handle was dropped. */
  readonly headers: Fields;
  /** I/O-side id of the body, once `outgoing-request-write` was called. */
  bodyId: number;
}

export interface FutureResource {
  readonly kind: 'future-incoming-response';
  readonly id: number;
  /** The answer once it came: later gets return the same response handle. */
  answer: { response: RemoteResponse; handle: number } | undefined;
}

export interface IncomingResponseResource {
  readonly kind: 'incoming-response';
  readonly status: number;
  readonly headers: Fields;
  readonly bodyId: number;
  consumed: boolean;
}

export interface IncomingRequestResource {
  readonly kind: 'incoming-request';
  /** Method, path, query, scheme and authority, as the request came. */
  readonly head: IncomingRequestHead;
  readonly headers: Fields;
  readonly bodyId: number;
  consumed: boolean;
}

/**
 * A served request, as its handle reaches the guest. Its head is decoded,
 * and its headers made fields, only if the guest asks: a hello-world server
 * never does (see `ReceivedRequestHead`).
 */
export class IncomingRequest implements IncomingRequestResource {
  readonly kind = 'incoming-request';
  consumed = false;
  private fields: Fields | undefined;

  constructor(
    readonly head: IncomingRequestHead,
    readonly bodyId: number,
  ) {}

  get headers(): Fields {
    return (this.fields ??= new Fields(this.head.headers));
  }
}

export interface OutgoingResponseResource {
  readonly kind: 'outgoing-response';
  readonly status: number;
  readonly headers: Fields;
  /** I/O-side id of the body, created with the response. */
  readonly bodyId: number;
  written: boolean;
}

export interface ResponseOutparamResource {
  readonly kind: 'response-outparam';
  readonly id: number;
  set: boolean;
}

export interface StreamResource {
  readonly kind: 'input-stream' | 'output-stream';
  readonly id: number;
}

export interface PollableResource {
  readonly kind: 'pollable';
  readonly target: PollKind;
  readonly id: number;
}

/** Every resource a guest can hold a handle to. */
export type Resource =
  | FieldsResource
  | OutgoingRequestResource
  | FutureResource
  | IncomingResponseResource
  | IncomingRequestResource
  | OutgoingResponseResource
  | ResponseOutparamResource
  | StreamResource
  | PollableResource;

export type ResourceKind = Resource['kind'];

/** The resource type behind a kind's name. */
export type ResourceOf<K extends ResourceKind> =
  Extract<Resource, { kind: K }> extends never ? StreamResource : Extract<Resource, { kind: K }>;
