import type { GuestMemory } from './memory.js';
import { ContractViolation, Trap } from './trap.js';
import { describe } from './describe.js';
import { flatLowerer, storerFor } from './lower.js';
import { lifterAt, type FlatValue, type Lifter } from './values.js';
import { flatten, sizeOf, type WitType } from './wit.js';

/** What every import needs from the instance it serves. */
export interface ImportContext {
  /** The guest's memory; only valid once the instance exists. */
  memory(): GuestMemory;
  /** When set, one line per call is handed here (`--trace`). */
  readonly trace: ((line: string) => void) | undefined;
}

/** An import described by its WIT signature; `impl` sees lifted values. */
export interface HostFunctionSpec {
  readonly params: readonly (readonly [string, WitType])[];
  readonly result?: WitType;
  // Each import's implementation declares its own parameter types.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly impl: (...args: any[]) => unknown;
}

export type CoreFunction = (...args: FlatValue[]) => FlatValue | undefined;

/**
 * Turns a WIT-level implementation into the core-wasm function the guest
 * imports: lifts the flat arguments, calls `impl`, lowers its result (to the
 * return pointer when it does not fit one core value), and turns contract
 * violations into traps that name the import.
 */
export function hostFunction(
  ctx: ImportContext,
  qualifiedName: string,
  spec: HostFunctionSpec,
): CoreFunction {
  const { params, result, impl } = spec;
  const viaPointer = result !== undefined && flatten(result).length > 1;
  const resultSize = result ? sizeOf(result) : 0;
  const storeResult = viaPointer ? storerFor(result) : undefined;
  const lower = result !== undefined && !viaPointer ? flatLowerer(result) : undefined;
  const lifters: Lifter[] = [];
  let width = 0;
  for (const [name, type] of params) {
    lifters.push(lifterAt(type, width, name));
    width += flatten(type).length;
  }

  const call = direct(impl, lifters);
  return (...args: FlatValue[]): FlatValue | undefined => {
    // Only a traced call keeps its lifted arguments, to print them.
    let values: unknown[] | undefined;
    try {
      const mem = ctx.memory();
      const rp = viaPointer ? Number(args[width]) >>> 0 : 0;
      if (viaPointer) mem.check(rp, resultSize, 'return pointer');
      let value: unknown;
      if (ctx.trace) {
        values = [];
        for (const lift of lifters) values.push(lift(mem, args));
        value = impl(...values);
        ctx.trace(`${qualifiedName}(${values.map(describe).join(', ')}) -> ${describe(value)}`);
      } else {
        value = call(mem, args);
      }
      if (lower) return lower(value);
      if (!storeResult) return undefined;
      // Padding is zeroed. A loop: for a result of a few bytes, Buffer#fill's call costs more.
      const bytes = mem.bytes;
      for (let at = rp, end = rp + resultSize; at < end; at++) bytes[at] = 0;
      storeResult(mem, rp, value);
      return undefined;
    } catch (err) {
      const failure = asTrap(qualifiedName, err);
      if (ctx.trace)
        ctx.trace(
          `${qualifiedName}(${(values ?? []).map(describe).join(', ')}) -> trap: ${describeThrown(failure)}`,
        );
      throw failure;
    }
  };
}

/**
 * `impl` called with its lifted arguments, passed one by one: an array of
 * them spread into the call cost about a tenth of a hello request's work on
 * the guest's thread. Every v1 import but `new-outgoing-request` has four
 * parameters or fewer.
 */
function direct(
  impl: HostFunctionSpec['impl'],
  lifters: readonly Lifter[],
): (mem: GuestMemory, args: FlatValue[]) => unknown {
  const [a, b, c, d] = lifters;
  if (lifters.length === 0) return () => impl();
  if (lifters.length === 1 && a) return (m, x) => impl(a(m, x));
  if (lifters.length === 2 && a && b) return (m, x) => impl(a(m, x), b(m, x));
  if (lifters.length === 3 && a && b && c) return (m, x) => impl(a(m, x), b(m, x), c(m, x));
  if (lifters.length === 4 && a && b && c && d) return (m, x) => impl(a(m, x), b(m, x), c(m, x), d(m, x));
  return (m, x) => impl(...lifters.map((lift) => lift(m, x)));
}

/**
 * What an import's failure becomes. A broken contract is a trap naming the
 * import; what the guest itself threw while the host called back into it
 * (a wasm trap in `cabi_realloc`, WASI's exit) passes through unchanged;
 * anything else is a host error, still named after the import.
 */
function asTrap(qualifiedName: string, err: unknown): unknown {
  if (err instanceof ContractViolation) return new Trap(`${qualifiedName}: ${err.message}`);
  if (err instanceof Trap || err instanceof WebAssembly.RuntimeError || !(err instanceof Error)) return err;
  if (err instanceof RangeError && /call stack/i.test(err.message)) return err;
  return new Trap(`${qualifiedName}: host error: ${err.message}`);
}

const describeThrown = (err: unknown): string => (err instanceof Error ? err.message : 'exit');

/** A module's imports: WIT function name to spec. */
export type ModuleSpec = Readonly<Record<string, HostFunctionSpec>>;

export function hostModule(
  ctx: ImportContext,
  module: string,
  spec: ModuleSpec,
): Record<string, CoreFunction> {
  return Object.fromEntries(
    Object.entries(spec).map(([name, fn]) => [name, hostFunction(ctx, `${module}.${name}`, fn)]),
  );
}
