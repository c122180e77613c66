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

/** The first eight bytes of a core WebAssembly module: magic and version 1. */
const CORE_MODULE = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

/**
 * Reads and compiles a module from a path, a URL or bytes. `prepare`
 * rewrites a core module's bytes before they are compiled (the server's
 * memory limit), so that the module is compiled once; what it throws about
 * a valid module is reported as a load error.
 */
export async function loadModule(
  source: string | URL | Uint8Array,
  prepare?: (bytes: Uint8Array) => Uint8Array,
): Promise<GuestModule> {
  let bytes: Uint8Array;
  try {
    bytes = source instanceof Uint8Array ? source : await readFile(source);
  } catch (err) {
    throw new WasirunError('WASIRUN_LOAD', `cannot read ${String(source)}: ${(err as Error).message}`);
  }
  const name = source instanceof Uint8Array ? 'module' : (String(source).split(/[\\/]/).pop() ?? 'module');
  // Only a core module is prepared: anything else gets the compiler's own message below.
  let prepared = bytes;
  let refused: Error | undefined;
  if (prepare && CORE_MODULE.equals(bytes.subarray(0, 8))) {
    try {
      prepared = prepare(bytes);
    } catch (err) {
      refused = err as Error;
    }
  }
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(prepared);
  } catch (err) {
    throw new WasirunError(
      'WASIRUN_LOAD',
      `${name} is not a valid WebAssembly module: ${(err as Error).message}`,
    );
  }
  // A valid module that `prepare` refused: it needs more memory at start than the limit, say.
  if (refused) throw new WasirunError('WASIRUN_LOAD', `${name}: ${refused.message}`);
  return { module, bytes: prepared, name, speaksHttp: speaksV1(module) };
}
