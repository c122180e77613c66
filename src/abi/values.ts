import type { GuestMemory } from './memory.js';
import { violation } from './trap.js';
import {
  alignment,
  casesOf,
  flatten,
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
 * made once per import: handles, numbers, strings, lists and variant-like
 * types are read directly (most parameters are), the rest through
 * {@link liftFlat}.
 */
export function lifterAt(t: WitType, at: number, what: string): Lifter {
  switch (t.kind) {
    case 'u32':
      return (_mem, args) => asI32(args[at]) >>> 0;
    case 'bool':
      return (_mem, args) => asI32(args[at]) !== 0;
    case 'string':
      return (mem, args) => mem.string(asI32(args[at]) >>> 0, asI32(args[at + 1]) >>> 0, what);
    case 'list':
      return (mem, args) => loadList(mem, t.elem, asI32(args[at]) >>> 0, asI32(args[at + 1]) >>> 0, what);
    case 'option':
    case 'result':
    case 'variant':
    case 'enum': {
      // A case's payload is flattened right after the tag, whichever case it is.
      const cases = casesOf(t);
      const payloads = cases.map(([, c]) => (c ? lifterAt(c, at + 1, what) : undefined));
      return (mem, args) => {
        const tag = asI32(args[at]) >>> 0;
        const [name] = caseAt(t, tag, what);
        return fromCase(t, name, payloads[tag]?.(mem, args));
      };
    }
    default:
      return (mem, args) => liftFlat(mem, t, args, { i: at }, what);
  }
}

/** Reads one parameter from the flat argument list, advancing `at.i`. */
export function liftFlat(
  mem: GuestMemory,
  t: WitType,
  args: readonly FlatValue[],
  at: { i: number },
  what: string,
): unknown {
  switch (t.kind) {
    case 'u8':
      return asI32(args[at.i++]) & 0xff;
    case 'u16':
      return asI32(args[at.i++]) & 0xffff;
    case 'u32':
      return asI32(args[at.i++]) >>> 0;
    case 'u64':
      return BigInt.asUintN(64, asI64(args[at.i++]));
    case 'bool':
      return asI32(args[at.i++]) !== 0;
    case 'string':
      return mem.string(asI32(args[at.i++]) >>> 0, asI32(args[at.i++]) >>> 0, what);
    case 'list':
      return loadList(mem, t.elem, asI32(args[at.i++]) >>> 0, asI32(args[at.i++]) >>> 0, what);
    case 'tuple':
      return t.items.map((item) => liftFlat(mem, item, args, at, what));
    case 'record':
      return Object.fromEntries(
        t.fields.map(([name, f]) => [name, liftFlat(mem, f, args, at, `${what}.${name}`)]),
      );
    default: {
      const tag = asI32(args[at.i++]) >>> 0;
      const [name, payload] = caseAt(t, tag, what);
      const width = flatten(t).length - 1;
      const end = at.i + width;
      const val = payload ? liftFlat(mem, payload, args, at, what) : undefined;
      at.i = end;
      return fromCase(t, name, val);
    }
  }
}

function fromCase(t: WitType, name: string, val: unknown): unknown {
  if (t.kind === 'enum') return name;
  if (t.kind === 'option') return name === 'some' ? val : undefined;
  return { tag: name, val } satisfies Tagged;
}

function loadList(mem: GuestMemory, elem: WitType, ptr: number, len: number, what: string): unknown {
  const size = sizeOf(elem);
  mem.check(ptr, len * size, what);
  // A view, not a copy: valid until the guest runs again, which is all an import needs.
  if (elem.kind === 'u8') return mem.bytes.subarray(ptr, ptr + len);
  if (ptr % alignment(elem) !== 0) violation(`${what}: list pointer 0x${ptr.toString(16)} is misaligned`);
  const out: unknown[] = [];
  for (let k = 0; k < len; k++) out.push(load(mem, elem, ptr + k * size, `${what}[${k}]`));
  return out;
}

/** Reads a value stored in guest memory at `ptr`. */
export function load(mem: GuestMemory, t: WitType, ptr: number, what: string): unknown {
  const view = mem.view;
  switch (t.kind) {
    case 'u8':
      return view.getUint8(ptr);
    case 'u16':
      return view.getUint16(ptr, true);
    case 'u32':
      return view.getUint32(ptr, true);
    case 'u64':
      return view.getBigUint64(ptr, true);
    case 'bool':
      return view.getUint8(ptr) !== 0;
    case 'string':
      return mem.string(view.getUint32(ptr, true), view.getUint32(ptr + 4, true), what);
    case 'list':
      return loadList(mem, t.elem, view.getUint32(ptr, true), view.getUint32(ptr + 4, true), what);
    case 'tuple':
    case 'record': {
      const items = membersOf(t);
      const offsets = offsetsOf(t);
      const values = items.map((item, k) => load(mem, item, ptr + (offsets[k] ?? 0), what));
      return t.kind === 'tuple' ? values : Object.fromEntries(t.fields.map(([name], k) => [name, values[k]]));
    }
    default: {
      const tag = view.getUint8(ptr);
      const [name, payload] = caseAt(t, tag, what);
      const val = payload ? load(mem, payload, ptr + payloadOffset(t), what) : undefined;
      return fromCase(t, name, val);
    }
  }
}
