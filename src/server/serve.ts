import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WasirunError, type GuestModule } from '../runtime/module.js';
import { createRequestHandler, type ServeOptions } from './handler.js';

export interface ListenOptions extends ServeOptions {
  readonly host?: string;
  readonly port?: number;
  /** A client must send its request head within this time. Default 10 s. */
  readonly headerTimeoutMs?: number;
  /** A client must send its whole request within this time. Default 5 min. */
  readonly requestTimeoutMs?: number;
}

export interface RunningServer {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  readonly server: http.Server;
  /** Stops accepting, lets running requests finish for up to `graceMs`, then stops the instances. */
  close(graceMs?: number): Promise<void>;
}

/** Serves `mod` over HTTP/1.1 on `host:port` (port 0: any free port). */
export async function serve(mod: GuestModule, options: ListenOptions = {}): Promise<RunningServer> {
  const handler = await createRequestHandler(mod, options);
  const headersTimeout = options.headerTimeoutMs ?? 10_000;
  const server = http.createServer(
    {
      headersTimeout,
      requestTimeout: Math.max(headersTimeout, options.requestTimeoutMs ?? 300_000),
      keepAliveTimeout: 5_000,
      // Node checks the two timeouts above only this often (30 s by default).
      connectionsCheckingInterval: Math.min(1000, Math.max(50, headersTimeout / 4)),
    },
    handler,
  );
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
    });
  } catch (err) {
    await handler.close();
    const where = `${options.host ?? '127.0.0.1'}:${options.port ?? 0}`;
    throw new WasirunError('WASIRUN_LISTEN', `cannot listen on ${where}: ${(err as Error).message}`);
  }
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    server,
    close: async (graceMs = 0) => {
      const closed = new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      server.closeIdleConnections();
      await handler.close(graceMs);
      server.closeAllConnections();
      await closed;
    },
  };
}
