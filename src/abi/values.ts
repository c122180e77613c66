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
    case 'list':
      return (mem, args) => loadList(mem, t.elem, asI32(args[at]) >>> 0, asI32(args[at + 1]) >>> 0, what);
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
