import { readFileSync, statSync } from 'node:fs';
import { closeOutboundPools } from '../engine/io/pools.js';
import { runCommand } from '../runtime/command.js';
import { SERVE_DEFAULTS } from '../server/handler.js';
import { limitMemory } from '../server/memory-limit.js';
import { serveUntilSignal } from './serve.js';
import { WasirunError, loadModule } from '../runtime/module.js';
import { UsageError, parseArgs, type CliOptions } from './args.js';
import { USAGE } from './usage.js';

/** What the command talks to; tests pass their own. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

const VERSION = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

function environment(o: CliOptions, io: CliIo): Record<string, string> {
  const inherited = o.envInherit
    ? Object.entries(io.env).filter((e): e is [string, string] => e[1] !== undefined)
    : [];
  const given = o.env.map((kv) => {
    const at = kv.indexOf('=');
    return [kv.slice(0, at), kv.slice(at + 1)] as const;
  });
  return Object.fromEntries([...inherited, ...given]);
}

function checkDirs(dirs: readonly string[]): void {
  for (const dir of dirs) {
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory())
      throw new UsageError(`--dir ${dir}: no such directory`);
  }
}

/** The whole command: returns the exit code instead of exiting, so every path can be tested. */
export async function doMain(argv: readonly string[], io: CliIo): Promise<number> {
  let o: CliOptions;
  try {
    o = parseArgs(argv);
    if (o.help) {
      io.out(USAGE);
      return 0;
    }
    if (o.version) {
      io.out(`wasirun ${VERSION}\n`);
      return 0;
    }
    if (o.module === undefined) throw new UsageError('missing <MODULE> (see wasirun --help)');
    checkDirs(o.dirs);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`wasirun: ${err.message}\n`);
    return 2;
  }
  try {
    // A server's module is compiled once, within its memory limit (see createRequestHandler).
    const limit = o.serve && (o.serve.memoryLimit ?? SERVE_DEFAULTS.memoryLimit);
    const mod = await loadModule(o.module, limit ? (bytes) => limitMemory(bytes, limit) : undefined);
    const run = {
      args: o.args,
      env: environment(o, io),
      dirs: o.dirs,
      http: o.http,
      trace: o.trace,
      bodyBufferLimit: o.bodyBufferLimit,
    };
    if (!o.serve) return await runCommand(mod, run);
    if (o.http === 'none') throw new UsageError('--http-server-addr needs wasi-http, but --http is none');
    return await serveUntilSignal(mod, { ...run, http: 'v1' }, o.serve, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`wasirun: ${err.message}\n`);
      return 2;
    }
    if (!(err instanceof WasirunError)) throw err;
    io.err(`wasirun: ${err.code === 'WASIRUN_TRAP' ? 'trap: ' : ''}${err.message}\n`);
    return 1;
  } finally {
    await closeOutboundPools();
  }
}
