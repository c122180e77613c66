import { Trap } from '../abi/trap.js';

/** One line saying why a guest stopped: the import and cause for host traps, wasm's reason otherwise. */
export function describeFailure(err: unknown): string {
  if (err instanceof Trap) return err.message;
  if (err instanceof WebAssembly.RuntimeError) return `guest trapped: ${err.message}`;
  if (err instanceof RangeError && /call stack/i.test(err.message))
    return 'guest trapped: call stack exhausted';
  return `host error: ${err instanceof Error ? err.message : String(err)}`;
}
