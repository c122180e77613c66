import type { GuestMemory } from './memory.js';
import { ContractViolation, violation } from './trap.js';
import {
  alignment,
  casesOf,
  flatten,
  memo,
  membersOf,
  offsetsOf,
  payloadOffset,
  sizeOf,
  type Tagged,
  type WitType,
} from './wit.js';

/** Flat core-wasm values as JavaScript sees them: i32 as number, i64 as bigint. */
export type FlatValue = number | bigint;

function caseAt(t: WitType, tag: number, what: string): readonly [string, WitType | undefined] {
  const c = casesOf(t)[tag];
  if (!c) violation(`${what}: invalid ${t.kind} tag ${tag}`);
  return c;
}

const asI32 = (v: FlatValue | undefined): number =>
  typeof v === 'bigint' ? Number(BigInt.asIntN(32, v)) : (v ?? 0);
const asI64 = (v: FlatValue | undefined): bigint => (typeof v === 'bigint' ? v : BigInt(v ?? 0));

/** Reads one parameter at a fixed place of the flat argument list. */
export type Lifter = (mem: GuestMemory, args: readonly FlatValue[]) => unknown;

/**
 * The {@link Lifter} of parameter `what` of type `t` at flat index `at`,
 * made once per import: the type is walked here, not at each call.
 */
export function lifterAt(t: WitType, at: number, what: string): Lifter {
  switch (t.kind) {
    case 'u8':
      return (_mem, args) => asI32(args[at]) & 0xff;
    case 'u16':
      return (_mem, args) => asI32(args[at]) & 0xffff;
    case 'u32':
      return (_mem, args) => asI32(args[at]) >>> 0;
    case 'u64':
      return (_mem, args) => BigInt.asUintN(64, asI64(args[at]));
    case 'bool':
      return (_mem, args) => asI32(args[at]) !== 0;
    case 'string':
      return (mem, args) => mem.string(asI32(args[at]) >>> 0, asI32(args[at + 1]) >>> 0, what);
    case 'list': {
      const list = listLoaderFor(t.elem);
      return (mem, args) => list(mem, asI32(args[at]) >>> 0, asI32(args[at + 1]) >>> 0, what);
    }
    case 'tuple': {
      const items = membersLifted(t.items, at, () => what);
      return (mem, args) => items.map((lift) => lift(mem, args));
    }
    case 'record': {
      const fields = membersLifted(
        t.fields.map(([, f]) => f),
        at,
        (k) => `${what}.${t.fields[k]?.[0] ?? ''}`,
      );
      const names = t.fields.map(([name]) => name);
      return (mem, args) => {
        const out: Record<string, unknown> = {};
        for (let k = 0; k < fields.length; k++) out[names[k] as string] = (fields[k] as Lifter)(mem, args);
        return out;
      };
    }
    default: {
      // A case's payload is flattened right after the tag, whichever case it is.
      const payloads = casesOf(t).map(([, c]) => (c ? lifterAt(c, at + 1, what) : undefined));
      return (mem, args) => {
        const tag = asI32(args[at]) >>> 0;
        const [name] = caseAt(t, tag, what);
        return fromCase(t, name, payloads[tag]?.(mem, args));
      };
    }
  }
}

/** Lifters of consecutive members flattened from `at` on, the k-th named `what(k)`. */
function membersLifted(members: readonly WitType[], at: number, what: (k: number) => string): Lifter[] {
  let i = at;
  return members.map((m, k) => {
    const lift = lifterAt(m, i, what(k));
    i += flatten(m).length;
    return lift;
  });
}

function fromCase(t: WitType, name: string, val: unknown): unknown {
  if (t.kind === 'enum') return name;
  if (t.kind === 'option') return name === 'some' ? val : undefined;
  return { tag: name, val } satisfies Tagged;
}

/** Reads a value of one WIT type stored at `ptr` in guest memory; `what` names it in errors. */
type Loader = (mem: GuestMemory, ptr: number, what: string) => unknown;

/** Reads a list's elements, given its place: a view for `list<u8>`, else an array. */
type ListLoader = (mem: GuestMemory, ptr: number, len: number, what: string) => unknown;

/**
 * The {@link ListLoader} of lists of `elem`, made once per element type. An
 * element's errors name its index (`entries[3]`): added when one is thrown,
 * so a good list builds no names.
 */
const listLoaderFor = memo((elem: WitType): ListLoader => {
  const size = sizeOf(elem);
  // A view, not a copy: valid until the guest runs again, which is all an import needs.
  if (elem.kind === 'u8')
    return (mem, ptr, len, what) => {
      mem.check(ptr, len, what);
      return mem.bytes.subarray(ptr, ptr + len);
    };
  const align = alignment(elem);
  const loadElem = loaderFor(elem);
  return (mem, ptr, len, what) => {
    mem.check(ptr, len * size, what);
    if (ptr % align !== 0) violation(`${what}: list pointer 0x${ptr.toString(16)} is misaligned`);
    const out: unknown[] = new Array(len);
    for (let k = 0; k < len; k++) {
      try {
        out[k] = loadElem(mem, ptr + k * size, what);
      } catch (err) {
        throw indexed(err, what, k);
      }
    }
    return out;
  };
});

/** An element's error, renamed from its list's `what` to `what[k]`. */
function indexed(err: unknown, what: string, k: number): unknown {
  if (!(err instanceof ContractViolation) || !err.message.startsWith(what)) return err;
  return new ContractViolation(`${what}[${k}]${err.message.slice(what.length)}`);
}

/** The {@link Loader} of type `t`, made once per type: the type is walked here, not at each read. */
const loaderFor = memo((t: WitType): Loader => {
  switch (t.kind) {
    case 'u8':
      return (mem, ptr) => mem.view.getUint8(ptr);
    case 'u16':
      return (mem, ptr) => mem.view.getUint16(ptr, true);
    case 'u32':
      return (mem, ptr) => mem.view.getUint32(ptr, true);
    case 'u64':
      return (mem, ptr) => mem.view.getBigUint64(ptr, true);
    case 'bool':
      return (mem, ptr) => mem.view.getUint8(ptr) !== 0;
    case 'string':
      return (mem, ptr, what) => {
        const view = mem.view;
        return mem.string(view.getUint32(ptr, true), view.getUint32(ptr + 4, true), what);
      };
    case 'list': {
      const list = listLoaderFor(t.elem);
      return (mem, ptr, what) => {
        const view = mem.view;
        return list(mem, view.getUint32(ptr, true), view.getUint32(ptr + 4, true), what);
      };
    }
    case 'tuple':
    case 'record': {
      const loaders = membersOf(t).map(loaderFor);
      const offsets = offsetsOf(t);
      const [first, second] = loaders;
      const [at0 = 0, at1 = 0] = offsets;
      // A pair (a header's name and value): an array literal, for less than the loop's allocation and calls.
      if (t.kind === 'tuple' && loaders.length === 2 && first && second)
        return (mem, ptr, what) => [first(mem, ptr + at0, what), second(mem, ptr + at1, what)];
      const values = (mem: GuestMemory, ptr: number, what: string): unknown[] => {
        const out: unknown[] = new Array(loaders.length);
        for (let k = 0; k < loaders.length; k++)
          out[k] = (loaders[k] as Loader)(mem, ptr + (offsets[k] as number), what);
        return out;
      };
      if (t.kind === 'tuple') return values;
      const names = t.fields.map(([name]) => name);
      return (mem, ptr, what) => {
        const got = values(mem, ptr, what);
        return Object.fromEntries(names.map((name, k) => [name, got[k]]));
      };
    }
    default: {
      const cases = casesOf(t);
      const payloads = cases.map(([, c]) => (c ? loaderFor(c) : undefined));
      const at = payloadOffset(t);
      return (mem, ptr, what) => {
        const tag = mem.view.getUint8(ptr);
        const [name] = caseAt(t, tag, what);
        return fromCase(t, name, payloads[tag]?.(mem, ptr + at, what));
      };
    }
  }
});
