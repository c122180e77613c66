import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import type { Agent, Dispatcher, buildConnector as BuildConnector } from 'undici';

type Connector = BuildConnector.connector;
import { HttpError, toHttpError, type ResponseSink, type WireRequest } from './transport.js';
import { trustedContext } from './trust.js';

/** Used when the guest gives no timeout: undici's own defaults. */
const DEFAULT_CONNECT_MS = 10_000;
const DEFAULT_RESPONSE_MS = 300_000;
const MAX_AGENTS = 16;

/**
 * undici keep-alive pools. A connect timeout is a property of the connector,
 * so requests with different connect timeouts use different agents; the
 * handful of distinct values guests use are kept, oldest closed first.
 */
const agents = new Map<number, Agent>();

/** The two parts of undici the host uses. */
type UndiciParts = Pick<typeof import('undici'), 'Agent' | 'buildConnector'>;

/**
 * undici's agent and connector, loaded on the first request: a server whose
 * guests never call out should not pay for them at start. A command starts
 * loading them while its guest starts ({@link preloadUndici}), and its first
 * request waits for what is left. They are loaded from their own modules:
 * undici's main module also loads fetch, WebSocket, the mocks and the cache
 * (about 80 ms here, against 25), and the host uses none of them. Should a
 * release move them, the main module serves instead.
 */
let undici: UndiciParts | undefined;
let loading: Promise<UndiciParts> | undefined;

const requireHere = createRequire(import.meta.url);

/** Loads undici's agent and connector; `whole` when they came from its main module. */
export function loadUndiciParts(): UndiciParts & { readonly whole: boolean } {
  try {
    const Agent = requireHere('undici/lib/dispatcher/agent.js') as UndiciParts['Agent'];
    const buildConnector = requireHere('undici/lib/core/connect.js') as UndiciParts['buildConnector'];
    if (typeof Agent === 'function' && typeof buildConnector === 'function')
      return { Agent, buildConnector, whole: false };
  } catch {
    // Laid out differently: the main module has them.
  }
  const { Agent, buildConnector } = requireHere('undici') as typeof import('undici');
  return { Agent, buildConnector, whole: true };
}

/** Loads undici now, so that the first request does not wait for it. */
export function preloadUndici(): Promise<UndiciParts> {
  loading ??= new Promise<UndiciParts>((resolve, reject) => {
    // A turn of the event loop first: the caller has more to start before this thread is busy.
    setImmediate(() => {
      try {
        resolve((undici = loadUndiciParts()));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
  return loading;
}

function agentFor(connectMs: number, { Agent, buildConnector }: UndiciParts): Agent {
  let agent = agents.get(connectMs);
  if (!agent) {
    if (agents.size >= MAX_AGENTS) {
      const [oldest, old] = agents.entries().next().value as [number, Agent];
      agents.delete(oldest);
      void old.close();
    }
    // The trust store is read at the first HTTPS connection, not before.
    const plain = buildConnector({ timeout: connectMs });
    let secure: Connector | undefined;
    const connect: Connector = (opts, callback) => {
      if (opts.protocol !== 'https:') {
        plain(opts, callback);
        return;
      }
      secure ??= buildConnector({ timeout: connectMs, secureContext: trustedContext() });
      secure(opts, callback);
    };
    agent = new Agent({ connect, keepAliveTimeout: 10_000 });
    agents.set(connectMs, agent);
  }
  return agent;
}

/** Closes every pooled connection (the host is shutting down). */
export async function closeUndiciAgents(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((a) => a.close()));
}

type RawFields = Dispatcher.DispatchController['rawHeaders'];

function rawList(raw: RawFields): (string | Buffer)[] {
  if (!raw) return [];
  if (Array.isArray(raw)) return raw;
  return Object.entries(raw).flatMap(([k, v]) =>
    Array.isArray(v) ? v.flatMap((x) => [k, x]) : [k, String(v)],
  );
}

/** Explains undici's timeout errors in the guest's terms. */
function explain(err: Error & { code?: string }, request: WireRequest, connectMs: number): HttpError {
  const { firstByteTimeoutMs: first, betweenBytesTimeoutMs: between } = request.options;
  const where = request.origin.host;
  switch (err.code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new HttpError(
        'timeout-error',
        `connect timeout: no connection to ${where} within ${connectMs} ms`,
      );
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new HttpError(
        'timeout-error',
        `first-byte timeout: no response from ${where} within ${first ?? DEFAULT_RESPONSE_MS} ms`,
      );
    case 'UND_ERR_BODY_TIMEOUT':
      return new HttpError(
        'timeout-error',
        `between-bytes timeout: ${where} sent nothing for ${between ?? DEFAULT_RESPONSE_MS} ms`,
      );
    default:
      return toHttpError(err);
  }
}

/**
 * Feeds undici's answer to one request into its sink. A class, not an object
 * of closures: one allocation per request. undici's controller is the
 * sink's control itself (it has `resume` and `abort`).
 */
class ToSink implements Dispatcher.DispatchHandler {
  constructor(
    private readonly sink: ResponseSink,
    private readonly request: WireRequest,
    private readonly connectMs: number,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.sink.started(controller);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number): void {
    this.sink.head(statusCode, rawList(controller.rawHeaders));
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.sink.data(chunk)) controller.pause();
  }

  onResponseEnd(controller: Dispatcher.DispatchController): void {
    this.sink.end(rawList(controller.rawTrailers));
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.sink.error(explain(err, this.request, this.connectMs));
  }
}

/** Sends a request through undici's dispatcher API, streaming both bodies. */
export function sendWithUndici(request: WireRequest, sink: ResponseSink): void {
  const { connectTimeoutMs, firstByteTimeoutMs, betweenBytesTimeoutMs } = request.options;
  const connectMs = connectTimeoutMs ?? DEFAULT_CONNECT_MS;
  if (!undici) {
    preloadUndici().then(
      () => {
        sendWithUndici(request, sink);
      },
      (err: unknown) => {
        sink.error(toHttpError(err));
      },
    );
    return;
  }
  try {
    agentFor(connectMs, undici).dispatch(
      {
        origin: request.origin,
        path: request.target,
        method: request.method,
        headers: request.headers.flat(),
        // undici streams an async iterable body (documented); its types list only Readable.
        body: request.body as Buffer | Readable | null,
        headersTimeout: firstByteTimeoutMs ?? DEFAULT_RESPONSE_MS,
        bodyTimeout: betweenBytesTimeoutMs ?? DEFAULT_RESPONSE_MS,
      },
      new ToSink(sink, request, connectMs),
    );
  } catch (err) {
    sink.error(toHttpError(err));
  }
}
