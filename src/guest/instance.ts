import { writeSync } from 'node:fs';
import { GuestMemory } from '../abi/memory.js';
import { violation } from '../abi/trap.js';
import { GuestEnd } from '../bridge/channel.js';
import { Remote } from '../bridge/remote.js';
import { HandleTable } from '../engine/handles.js';
import type { V1Host } from '../v1/host.js';
import { v1Imports } from '../v1/index.js';
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
}

export interface Guest {
  readonly instance: WebAssembly.Instance;
  readonly host: V1Host;
  /** Runs `_start`; returns the exit code. */
  start(): number;
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
  const host: V1Host = {
    table: new HandleTable(),
    remote: new Remote(new GuestEnd(init.channel)),
    memory: () => state.memory ?? violation('the guest called an import before its memory existed'),
    trace: init.trace ? (line) => writeSync(init.stderr, `wasirun trace: ${line}\n`) : undefined,
    print: (fd, text) => writeSync(fd === 1 ? init.stdout : init.stderr, text),
  };
  const imports: WebAssembly.Imports = {
    ...(wasi.getImportObject() as WebAssembly.Imports),
    ...(init.http ? v1Imports(host) : {}),
  };
  checkImports(init.module, imports);
  const instance = await WebAssembly.instantiate(init.module, imports);
  const { memory: exported, cabi_realloc, canonical_abi_realloc } = instance.exports;
  if (!(exported instanceof WebAssembly.Memory))
    throw new Error('the module exports no memory named "memory"');
  const realloc = (cabi_realloc ?? canonical_abi_realloc) as Realloc | undefined;
  state.memory = new GuestMemory(exported, typeof realloc === 'function' ? realloc : undefined);
  return {
    instance,
    host,
    start: () => {
      if (typeof instance.exports._start !== 'function')
        throw new Error('the module exports no _start: it is not a command');
      return wasi.start(instance);
    },
  };
}
