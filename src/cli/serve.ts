import type { RunOptions } from '../runtime/command.js';
import type { GuestModule } from '../runtime/module.js';
import { serve } from '../server/serve.js';
import type { ServeFlags } from './args.js';
import type { CliIo } from './main.js';

/**
 * `--http-server-addr`: serves until SIGINT or SIGTERM, then stops
 * accepting, lets running requests finish within the grace period, exits 0.
 */
export async function serveUntilSignal(
  mod: GuestModule,
  run: RunOptions,
  flags: ServeFlags,
  io: CliIo,
): Promise<number> {
  const server = await serve(mod, {
    ...run,
    host: flags.host,
    port: flags.port,
    path: flags.path,
    workers: flags.workers,
    queue: flags.queue,
    handlerTimeoutMs: flags.handlerTimeoutMs,
    memoryLimit: flags.memoryLimit,
    maxRequestBody: flags.maxRequestBody,
    headerTimeoutMs: flags.headerTimeoutMs,
    requestTimeoutMs: flags.requestTimeoutMs,
    accessLog: flags.quiet
      ? false
      : (line) => {
          io.err(`${line}\n`);
        },
    log: (line) => {
      io.err(`${line}\n`);
    },
  });
  io.err(`wasirun: serving ${mod.name} at ${server.url}${flags.path}\n`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  io.err(`wasirun: ${signal}: finishing running requests (up to ${flags.graceMs} ms)\n`);
  await server.close(flags.graceMs);
  return 0;
}
