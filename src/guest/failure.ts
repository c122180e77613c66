import { Trap } from '../abi/trap.js';

const MiB = 1024 * 1024;

/**
 * One line saying why a guest stopped: the import and cause for host traps,
 * wasm's reason otherwise, and the memory limit when the guest had reached it.
 */
export function describeFailure(err: unknown, memorySize = 0, memoryLimit?: number): string {
  if (err instanceof Trap) return err.message;
  if (err instanceof WebAssembly.RuntimeError) {
    // A failed allocation asks for more than is left, so "near" the limit counts: within an eighth of it.
    const atLimit = memoryLimit !== undefined && memorySize + Math.max(memoryLimit / 8, MiB) >= memoryLimit;
    const where = atLimit ? ` at its memory limit of ${Math.round(memoryLimit / MiB)} MiB` : '';
    return `guest trapped${where}: ${err.message}`;
  }
  if (err instanceof RangeError && /call stack/i.test(err.message))
    return 'guest trapped: call stack exhausted';
  return `host error: ${err instanceof Error ? err.message : String(err)}`;
}
