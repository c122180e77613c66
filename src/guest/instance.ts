import { GuestMemory } from '../abi/memory.js';
import { violation } from '../abi/trap.js';
import { GuestEnd } from '../bridge/guest-end.js';
import { InboxReader } from '../bridge/inbox.js';
import { Remote } from '../bridge/remote.js';
import { HandleTable } from '../engine/handles.js';
import type { V1Host } from '../v1/host.js';
import { V1_HANDLER_EXPORT } from '../v1/detect.js';
import { v1Imports } from '../v1/index.js';
import { IncomingRequest } from '../engine/resources.js';
import { writeAll } from '../util/write.js';
import { interruptibleSleep } from './sleep.js';
import { loadWasi } from './wasi.js';

/** Everything a worker needs to build one guest instance; structured-cloned from the main thread. */
export interface GuestInit {
  readonly module: WebAssembly.Module;
  readonly channel: SharedArrayBuffer;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Guest path → host directory. */
  readonly preopens: Readonly<Record<string, string>>;
  readonly http: boolean;
  readonly trace: boolean;
  readonly stdin: number;
  readonly stdout: number;
  readonly stderr: number;
  /** Bytes a body may buffer before it is sent; the guest thread answers writes past it itself. */
  readonly bodyBufferLimit: number;
  /** `command`: run `_start` once; `serve`: run `_start`, then handle calls until told to stop. */
  readonly mode: 'command' | 'serve';
  /** The most linear memory the module may grow to, in bytes, when it was compiled with a limit. */
  readonly memoryLimit?: number | undefined;
}

export interface Guest {
  readonly instance: WebAssembly.Instance;
  readonly host: V1Host;
  /** Whether the module exports `_start`. */
  readonly isCommand: boolean;
  /** Runs `_start`; returns the exit code. */
  start(): number;
  /** Prepares an instance to serve: `_start` (which must exit 0, as wasi-go requires) or `_initialize`. */
  initialize(): void;
  /** Waits for the next incoming request and runs `HTTP#handle` on it. */
  handleNext(): void;
}

type Realloc = (oldPtr: number, oldSize: number, align: number, newSize: number) => number;

/** Fails with one clear line when the module imports something no one provides. */
function checkImports(module: WebAssembly.Module, imports: WebAssembly.Imports): void {
  for (const { module: from, name } of WebAssembly.Module.imports(module)) {
    if (imports[from]?.[name] === undefined) {
      const hint = imports[from] ? '' : ' (is --http none set, or is it not a wasi-http v1 module?)';
      throw new Error(`the module imports ${from}.${name}, which wasirun does not provide${hint}`);
    }
  }
}

export async function createGuest(init: GuestInit): Promise<Guest> {
  const { WASI } = await loadWasi();
  const wasi = new WASI({
    version: 'preview1',
    args: [...init.args],
    env: { ...init.env },
    preopens: { ...init.preopens },
    returnOnExit: true,
    stdin: init.stdin,
    stdout: init.stdout,
    stderr: init.stderr,
  });
  const state: { memory?: GuestMemory } = {};
  const channel = new GuestEnd(init.channel);
  const host: V1Host = {
    table: new HandleTable(),
    remote: new Remote(
      channel,
      init.bodyBufferLimit,
      init.mode === 'serve' ? new InboxReader(init.channel) : undefined,
    ),
    memory: () => state.memory ?? violation('the guest called an import before its memory existed'),
    trace: init.trace
      ? (line) => {
          writeAll(init.stderr, `wasirun trace: ${line}\n`);
        }
      : undefined,
    print: (fd, text) => {
      writeAll(fd === 1 ? init.stdout : init.stderr, text);
    },
  };
  const preview1 = (wasi.getImportObject() as { wasi_snapshot_preview1: WebAssembly.ModuleImports })
    .wasi_snapshot_preview1;
  const imports: WebAssembly.Imports = {
    wasi_snapshot_preview1: {
      ...preview1,
      poll_oneoff: interruptibleSleep(
        preview1.poll_oneoff as Parameters<typeof interruptibleSleep>[0],
        () => host.memory(),
        () => {
          host.remote.flush();
        },
      ),
    },
    ...(init.http ? v1Imports(host) : {}),
  };
  checkImports(init.module, imports);
  const instance = await WebAssembly.instantiate(init.module, imports);
  const { memory: exported, cabi_realloc, canonical_abi_realloc } = instance.exports;
  if (!(exported instanceof WebAssembly.Memory))
    throw new Error('the module exports no memory named "memory"');
  const realloc = (cabi_realloc ?? canonical_abi_realloc) as Realloc | undefined;
  state.memory = new GuestMemory(exported, typeof realloc === 'function' ? realloc : undefined);
  const { _start, _initialize } = instance.exports;
  const handler = instance.exports[V1_HANDLER_EXPORT];
  return {
    instance,
    host,
    isCommand: typeof _start === 'function',
    start: () => wasi.start(instance),
    initialize: () => {
      if (typeof handler !== 'function')
        throw new Error(`the module exports no ${V1_HANDLER_EXPORT}: it cannot serve`);
      if (typeof _start === 'function') {
        const code = wasi.start(instance);
        if (code !== 0) throw new Error(`the module's _start exited with code ${code}`);
      } else if (typeof _initialize === 'function') {
        wasi.initialize(instance);
      }
    },
    handleNext: () => {
      const { table, remote } = host;
      const { outparamId, bodyId, head } = remote.nextCall();
      table.beginCall();
      const request = table.insert(new IncomingRequest(head, bodyId));
      const outparam = table.insert({ kind: 'response-outparam', id: outparamId, set: false });
      (handler as (request: number, outparam: number) => void)(request, outparam);
      // Every handle made during a call ends with it (see RATIONALE.md); handles made by _start stay.
      table.endCall();
    },
  };
}
