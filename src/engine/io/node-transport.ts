import { once } from 'node:events';
import http from 'node:http';
import type https from 'node:https';
import { lazyBuiltin } from '../../util/lazy-builtin.js';
import { HttpError, toHttpError, type ResponseSink, type WireRequest } from './transport.js';
import { trustedContext } from './trust.js';

const nodeHttps = lazyBuiltin('node:https');
const httpAgent = new http.Agent({ keepAlive: true });
let httpsAgent: https.Agent | undefined;

/** Closes idle pooled sockets (the host is shutting down). */
export function closeNodeAgents(): void {
  httpAgent.destroy();
  httpsAgent?.destroy();
}

/**
 * Sends a request that carries trailers. undici writes the terminating chunk
 * of a body itself and has no way to add a trailer section (see RATIONALE.md),
 * so these few requests go through node:http, which does.
 */
export function sendWithNodeHttp(request: WireRequest, sink: ResponseSink): void {
  const { origin, options } = request;
  const secure = origin.protocol === 'https:';
  const req = (secure ? nodeHttps() : http).request({
    agent: secure
      ? (httpsAgent ??= new (nodeHttps().Agent)({ keepAlive: true, secureContext: trustedContext() }))
      : httpAgent,
    host: origin.hostname.replace(/^\[|\]$/g, ''),
    port: origin.port || (secure ? 443 : 80),
    servername: secure ? origin.hostname : undefined,
    method: request.method,
    path: request.target,
    headers: [...request.headers.flat(), 'transfer-encoding', 'chunked'],
  });
  let response: http.IncomingMessage | undefined;
  const timers: { [k in 'connect' | 'first' | 'between']?: NodeJS.Timeout } = {};
  const arm = (kind: 'connect' | 'first' | 'between', ms: number | undefined, message: string): void => {
    clearTimeout(timers[kind]);
    if (ms !== undefined)
      timers[kind] = setTimeout(() => req.destroy(new HttpError('timeout-error', message)), ms);
  };
  const where = origin.host;
  sink.started({ resume: () => response?.resume(), abort: (reason) => req.destroy(reason) });

  req.on('socket', (socket) => {
    if (!socket.connecting) return;
    arm(
      'connect',
      options.connectTimeoutMs,
      `connect timeout: no connection to ${where} within ${options.connectTimeoutMs} ms`,
    );
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      clearTimeout(timers.connect);
    });
  });
  req.on('finish', () => {
    arm(
      'first',
      options.firstByteTimeoutMs,
      `first-byte timeout: no response from ${where} within ${options.firstByteTimeoutMs} ms`,
    );
  });
  req.on('error', (err) => {
    for (const t of Object.values(timers)) clearTimeout(t);
    sink.error(toHttpError(err));
  });
  req.on('response', (res) => {
    response = res;
    clearTimeout(timers.first);
    const idle = `between-bytes timeout: ${where} sent nothing for ${options.betweenBytesTimeoutMs} ms`;
    arm('between', options.betweenBytesTimeoutMs, idle);
    sink.head(res.statusCode ?? 0, res.rawHeaders);
    res.on('data', (chunk: Buffer) => {
      arm('between', options.betweenBytesTimeoutMs, idle);
      if (!sink.data(chunk)) res.pause();
    });
    res.on('end', () => {
      clearTimeout(timers.between);
      sink.end(res.rawTrailers);
    });
  });
  void writeBody(req, request);
}

async function writeBody(req: http.ClientRequest, request: WireRequest): Promise<void> {
  try {
    const { body } = request;
    const chunks = body === null ? [] : Buffer.isBuffer(body) ? [body] : body;
    for await (const chunk of chunks) {
      if (!req.write(chunk)) await once(req, 'drain');
    }
    const trailers = request.trailers?.();
    if (trailers) req.addTrailers(trailers.map(([n, v]): [string, string] => [n, v]));
    req.end();
  } catch (err) {
    req.destroy(err as Error);
  }
}
