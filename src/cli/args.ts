/** A mistake on the command line: one line for the user, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CliOptions {
  help: boolean;
  version: boolean;
  env: string[];
  envInherit: boolean;
  dirs: string[];
  http: 'auto' | 'v1' | 'none';
  trace: boolean;
  bodyBufferLimit: number | undefined;
  serve: ServeFlags | undefined;
  module: string | undefined;
  args: string[];
}

/** The server's flags; present once `--http-server-addr` is given. */
export interface ServeFlags {
  host: string | undefined;
  port: number;
  path: string;
  workers: number | undefined;
  queue: number | undefined;
  handlerTimeoutMs: number | undefined;
  memoryLimit: number | undefined;
  maxRequestBody: number | undefined;
  headerTimeoutMs: number | undefined;
  requestTimeoutMs: number | undefined;
  graceMs: number;
  quiet: boolean;
}

/** wasi-go flags that make no sense here, and why. */
const REFUSED: Readonly<Record<string, string>> = {
  listen: 'guests get no sockets here; serve HTTP with wasi-http instead',
  dial: 'guests get no sockets here; make requests with wasi-http instead',
  'dns-server': 'name resolution is done by the host for wasi-http requests',
  sockets: 'guests get no sockets extension here',
  'pprof-addr': 'use node --cpu-prof to profile',
  'non-blocking-stdio': 'stdio is handled by node:wasi',
  'max-open-files': 'node:wasi does not limit open files',
  'max-open-dirs': 'node:wasi does not limit open directories',
  'tracer-string-size': '--trace prints wasi-http calls only, with short strings',
};

const SIZE = /^(\d+)([kmg]i?b?)?$/i;

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses Go-style durations (`500ms`, `30s`, `2m`) or plain milliseconds into milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const m = DURATION.exec(text.trim());
  if (!m)
    throw new UsageError(
      `invalid duration for --${flag}: ${JSON.stringify(text)} (examples: 500ms, 30s, 2m)`,
    );
  return Math.round(Number(m[1]) * (UNIT_MS[m[2] ?? 'ms'] ?? 1));
}

function parseCount(text: string, flag: string, min: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min) {
    throw new UsageError(
      `invalid value for --${flag}: ${JSON.stringify(text)} (a whole number, at least ${min})`,
    );
  }
  return Number(text);
}

/** Parses `HOST:PORT`, `:PORT` or `[IPv6]:PORT`. */
function parseAddr(text: string): { host: string | undefined; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  if (!m || Number(m[3]) > 65535) {
    throw new UsageError(
      `invalid address for --http-server-addr: ${JSON.stringify(text)} (expected HOST:PORT)`,
    );
  }
  return { host: m[1] ?? (m[2] || undefined), port: Number(m[3]) };
}

/** Parses `64M`, `1GiB`, `65536` into bytes. */
export function parseSize(text: string, flag: string): number {
  const m = SIZE.exec(text.trim());
  if (!m)
    throw new UsageError(`invalid size for --${flag}: ${JSON.stringify(text)} (examples: 65536, 64M, 1G)`);
  const unit = (m[2] ?? '').charAt(0).toLowerCase();
  const scale = unit === 'k' ? 2 ** 10 : unit === 'm' ? 2 ** 20 : unit === 'g' ? 2 ** 30 : 1;
  return Number(m[1]) * scale;
}

/**
 * Parses `wasirun [OPTIONS]... <MODULE> [--] [ARGS]...` the way wasi-go's
 * wasirun does (Go's flag package): options before the module, `-x` or
 * `--x`, values as `--x v` or `--x=v`; everything after the module is the
 * guest's.
 */
export function parseArgs(argv: readonly string[]): CliOptions {
  const o: CliOptions = {
    help: false,
    version: false,
    env: [],
    envInherit: false,
    dirs: [],
    http: 'auto',
    trace: false,
    bodyBufferLimit: undefined,
    serve: undefined,
    module: undefined,
    args: [],
  };
  const server: Partial<ServeFlags> = {};
  let serverAddr: { host: string | undefined; port: number } | undefined;
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i++] as string;
    if (arg === '--') break;
    if (!arg.startsWith('-') || arg === '-') {
      o.module = arg;
      break;
    }
    const [name = '', inline] = arg.replace(/^--?/, '').split(/=(.*)/s);
    const value = (): string => {
      const v = inline ?? argv[i++];
      if (v === undefined) throw new UsageError(`--${name} needs a value`);
      return v;
    };
    const flag = (): boolean => {
      if (inline === undefined || /^(true|1)$/i.test(inline)) return true;
      if (/^(false|0)$/i.test(inline)) return false;
      throw new UsageError(
        `--${name} takes no value other than true or false, got ${JSON.stringify(inline)}`,
      );
    };
    if (name in REFUSED) throw new UsageError(`--${name} is not supported by wasirun: ${REFUSED[name]}`);
    switch (name) {
      case 'h':
      case 'help':
        o.help = flag();
        break;
      case 'v':
      case 'version':
        o.version = flag();
        break;
      case 'env': {
        const v = value();
        if (!/^[^=]+=/.test(v)) throw new UsageError(`--env expects NAME=VAL, got ${JSON.stringify(v)}`);
        o.env.push(v);
        break;
      }
      case 'env-inherit':
        o.envInherit = flag();
        break;
      case 'dir':
        o.dirs.push(value());
        break;
      case 'http': {
        const v = value();
        if (v !== 'auto' && v !== 'v1' && v !== 'none') {
          throw new UsageError(`invalid value for --http: ${JSON.stringify(v)} (expected auto, v1 or none)`);
        }
        o.http = v;
        break;
      }
      case 'trace':
        o.trace = flag();
        break;
      case 'body-buffer-limit':
        o.bodyBufferLimit = parseSize(value(), name);
        break;
      case 'http-server-addr':
        serverAddr = parseAddr(value());
        break;
      case 'http-server-path': {
        const v = value();
        if (!v.startsWith('/'))
          throw new UsageError(`--http-server-path must start with "/", got ${JSON.stringify(v)}`);
        server.path = v;
        break;
      }
      case 'workers':
        server.workers = parseCount(value(), name, 1);
        break;
      case 'queue':
        server.queue = parseCount(value(), name, 0);
        break;
      case 'handler-timeout':
        server.handlerTimeoutMs = parseDuration(value(), name);
        break;
      case 'memory-limit':
        server.memoryLimit = parseSize(value(), name);
        break;
      case 'max-request-body':
        server.maxRequestBody = parseSize(value(), name);
        break;
      case 'header-timeout':
        server.headerTimeoutMs = parseDuration(value(), name);
        break;
      case 'request-timeout':
        server.requestTimeoutMs = parseDuration(value(), name);
        break;
      case 'shutdown-grace':
        server.graceMs = parseDuration(value(), name);
        break;
      case 'quiet':
        server.quiet = flag();
        break;
      default:
        throw new UsageError(`unknown option ${arg} (see wasirun --help)`);
    }
  }
  if (o.module === undefined && i < argv.length) o.module = argv[i++];
  if (argv[i] === '--') i++;
  o.args = argv.slice(i);
  const given = Object.keys(server);
  if (serverAddr) {
    o.serve = {
      host: serverAddr.host,
      port: serverAddr.port,
      path: server.path ?? '/',
      workers: server.workers,
      queue: server.queue,
      handlerTimeoutMs: server.handlerTimeoutMs,
      memoryLimit: server.memoryLimit,
      maxRequestBody: server.maxRequestBody,
      headerTimeoutMs: server.headerTimeoutMs,
      requestTimeoutMs: server.requestTimeoutMs,
      graceMs: server.graceMs ?? 10_000,
      quiet: server.quiet ?? false,
    };
  } else if (given.length > 0) {
    throw new UsageError(`--${kebab(given[0] as string)} only applies with --http-server-addr`);
  }
  return o;
}

const FLAG_OF: Readonly<Record<string, string>> = {
  path: 'http-server-path',
  handlerTimeoutMs: 'handler-timeout',
  headerTimeoutMs: 'header-timeout',
  requestTimeoutMs: 'request-timeout',
  graceMs: 'shutdown-grace',
  memoryLimit: 'memory-limit',
  maxRequestBody: 'max-request-body',
};

const kebab = (key: string): string => FLAG_OF[key] ?? key;
