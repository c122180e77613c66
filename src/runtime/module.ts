import { readFile } from 'node:fs/promises';
import { speaksV1 } from '../v1/detect.js';

/** A compiled guest module: compiled once, shared with every worker that runs it. */
export interface GuestModule {
  readonly module: WebAssembly.Module;
  /** The module's bytes, for hosts that compile it again with a memory limit. */
  readonly bytes: Uint8Array;
  /** A short name for messages: the file's base name, or "module". */
  readonly name: string;
  /** Whether the module imports wasi-http v1 or exports its `HTTP#handle` (`--http auto`). */
  readonly speaksHttp: boolean;
}

/** Host-facing failures, with a stable `code` to match on. */
export class WasirunError extends Error {
  constructor(
    readonly code: 'WASIRUN_LOAD' | 'WASIRUN_LINK' | 'WASIRUN_TRAP' | 'WASIRUN_LISTEN',
    message: string,
  ) {
    super(message);
    this.name = 'WasirunError';
  }
}

/** Reads and compiles a module from a path, a URL or bytes. */
export async function loadModule(source: string | URL | Uint8Array): Promise<GuestModule> {
  let bytes: Uint8Array;
  try {
    bytes = source instanceof Uint8Array ? source : await readFile(source);
  } catch (err) {
    throw new WasirunError('WASIRUN_LOAD', `cannot read ${String(source)}: ${(err as Error).message}`);
  }
  const name = source instanceof Uint8Array ? 'module' : (String(source).split(/[\\/]/).pop() ?? 'module');
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(bytes);
  } catch (err) {
    throw new WasirunError(
      'WASIRUN_LOAD',
      `${name} is not a valid WebAssembly module: ${(err as Error).message}`,
    );
  }
  return { module, bytes, name, speaksHttp: speaksV1(module) };
}
