import type { FieldEntry } from '../fields.js';

/** The WIT `error` cases of an outgoing request. */
export type HttpErrorTag = 'invalid-url' | 'timeout-error' | 'protocol-error' | 'unexpected-error';

/** An outgoing request that failed; the guest receives it as the WIT `error` value. */
export class HttpError extends Error {
  constructor(
    readonly tag: HttpErrorTag,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** `request-options`, in milliseconds. */
export interface RequestOptions {
  readonly connectTimeoutMs?: number | undefined;
  readonly firstByteTimeoutMs?: number | undefined;
  readonly betweenBytesTimeoutMs?: number | undefined;
}

/** A validated request, ready for the wire. Header names and values are byte strings (latin1). */
export interface WireRequest {
  readonly origin: URL;
  readonly method: string;
  /** The request target: path and query exactly as the guest gave them. */
  readonly target: string;
  readonly headers: readonly FieldEntry[];
  /** The whole body when it is known before sending, or a stream of chunks. */
  readonly body: Buffer | AsyncIterable<Buffer> | null;
  /** Trailers to send after a streamed body, read once the body has ended. */
  readonly trailers: (() => readonly FieldEntry[] | undefined) | undefined;
  readonly options: RequestOptions;
}

/** How a response is fed back: the exchange implements it, a transport calls it. */
export interface ResponseSink {
  /** The transport's controls for this exchange, given before anything else. */
  started(control: { resume(): void; abort(reason: Error): void }): void;
  head(status: number, rawHeaders: readonly (string | Buffer)[]): void;
  /** A body chunk; false asks the transport to pause until `resume`. */
  data(chunk: Buffer): boolean;
  end(rawTrailers: readonly (string | Buffer)[]): void;
  /** Any failure, before or after the head; already an {@link HttpError} or raw from the network. */
  error(err: Error): void;
}

/** Sends one request; the sink hears about the response. */
export type Transport = (request: WireRequest, sink: ResponseSink) => void;

const codeTags: Readonly<Record<string, HttpErrorTag>> = {
  UND_ERR_CONNECT_TIMEOUT: 'timeout-error',
  UND_ERR_HEADERS_TIMEOUT: 'timeout-error',
  UND_ERR_BODY_TIMEOUT: 'timeout-error',
  ETIMEDOUT: 'timeout-error',
  UND_ERR_INVALID_ARG: 'protocol-error',
  UND_ERR_NOT_SUPPORTED: 'protocol-error',
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: 'protocol-error',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'protocol-error',
  UND_ERR_HEADERS_OVERFLOW: 'protocol-error',
  HPE_INVALID_CONSTANT: 'protocol-error',
  ERR_INVALID_HTTP_TOKEN: 'protocol-error',
  ERR_INVALID_CHAR: 'protocol-error',
};

/** Maps whatever the network layer threw to the WIT error case a guest should see. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const e = err as Error & { code?: string; cause?: unknown };
  const code = e.code ?? '';
  let tag: HttpErrorTag = codeTags[code] ?? 'unexpected-error';
  if (code.startsWith('HPE_') || code.startsWith('ERR_TLS_') || /CERT|SSL|VERIFY/.test(code))
    tag = 'protocol-error';
  const cause = e.cause instanceof Error && e.cause.message !== e.message ? `: ${e.cause.message}` : '';
  return new HttpError(tag, `${e.message}${cause}`);
}
