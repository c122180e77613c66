/**
 * Lowering: the host's results into guest memory, as the canonical ABI lays
 * them out — through the return pointer, and lists and strings into memory
 * the guest's `cabi_realloc` gives. Lifting is in `values.ts`.
 */
import type { GuestMemory } from './memory.js';
import type { FlatValue } from './values.js';
import {
  alignment,
  casesOf,
  memo,
  membersOf,
  offsetsOf,
  payloadOffset,
  sizeOf,
  type Tagged,
  type WitType,
} from './wit.js';

/** Stores a value of one WIT type at a place in guest memory. */
export type Storer = (mem: GuestMemory, ptr: number, value: unknown) => void;

/** Writes a list's place: its pointer and length (read `mem.view` after allocating: it may have grown). */
const putPlace = (mem: GuestMemory, ptr: number, p: number, len: number): void => {
  const view = mem.view;
  view.setUint32(ptr, p, true);
  view.setUint32(ptr + 4, len, true);
};

/**
 * The {@link Storer} of type `t`, made once per type: results are stored
 * at every call of the imports that return through a pointer, so the type
 * is walked here, not at each call. Callers zero the destination first, so
 * tags and bools read back as whole u32 words wherever the layout leaves
 * them room.
 */
export const storerFor = memo((t: WitType): Storer => {
  switch (t.kind) {
    case 'u8':
    case 'bool':
      return (mem, ptr, v) => {
        mem.view.setUint8(ptr, Number(v));
      };
    case 'u16':
      return (mem, ptr, v) => {
        mem.view.setUint16(ptr, v as number, true);
      };
    case 'u32':
      return (mem, ptr, v) => {
        mem.view.setUint32(ptr, v as number, true);
      };
    case 'u64':
      return (mem, ptr, v) => {
        mem.view.setBigUint64(ptr, v as bigint, true);
      };
    case 'string':
      return (mem, ptr, v) => {
        const [p, len] = mem.putString(v as string);
        putPlace(mem, ptr, p, len);
      };
    case 'list':
      return t.elem.kind === 'u8' ? storeBytes : listStorer(t.elem);
    case 'tuple':
    case 'record': {
      const storers = membersOf(t).map(storerFor);
      const offsets = offsetsOf(t);
      const names = t.kind === 'record' ? t.fields.map(([name]) => name) : undefined;
      return (mem, ptr, v) => {
        for (let k = 0; k < storers.length; k++) {
          const item = names ? (v as Record<string, unknown>)[names[k] as string] : (v as unknown[])[k];
          (storers[k] as Storer)(mem, ptr + (offsets[k] as number), item);
        }
      };
    }
    case 'option': {
      const some = storerFor(t.some);
      const at = payloadOffset(t);
      return (mem, ptr, v) => {
        mem.view.setUint8(ptr, v === undefined ? 0 : 1);
        if (v !== undefined) some(mem, ptr + at, v);
      };
    }
    case 'enum': {
      const tagOf = tagsOf(t);
      return (mem, ptr, v) => {
        mem.view.setUint8(ptr, tagOf(v as string));
      };
    }
    default: {
      const payloads = casesOf(t).map(([, c]) => (c ? storerFor(c) : undefined));
      const at = payloadOffset(t);
      const tagOf = tagsOf(t);
      return (mem, ptr, v) => {
        const { tag, val } = v as Tagged;
        const k = tagOf(tag);
        mem.view.setUint8(ptr, k);
        payloads[k]?.(mem, ptr + at, val);
      };
    }
  }
});

const storeBytes: Storer = (mem, ptr, v) => {
  const bytes = v as Uint8Array;
  const p = mem.alloc(1, bytes.length);
  mem.bytes.set(bytes, p);
  putPlace(mem, ptr, p, bytes.length);
};

/** Lowers a list into freshly allocated guest memory, its elements zeroed, then stored one by one. */
function listStorer(elem: WitType): Storer {
  const one = storerFor(elem);
  const size = sizeOf(elem);
  const align = alignment(elem);
  return (mem, ptr, v) => {
    const items = v as unknown[];
    const p = mem.alloc(align, items.length * size);
    mem.bytes.fill(0, p, p + items.length * size);
    for (let k = 0; k < items.length; k++) one(mem, p + k * size, items[k]);
    putPlace(mem, ptr, p, items.length);
  };
}

/** A case's tag by its name, for a variant-like type; a case the type lacks is the host's own mistake. */
function tagsOf(t: WitType): (name: string) => number {
  const tags = new Map(casesOf(t).map(([name], tag) => [name, tag]));
  return (name) => {
    const tag = tags.get(name);
    if (tag === undefined) throw new Error(`no case ${name} in this ${t.kind}`);
    return tag;
  };
}

/** Lowers a result of type `t` that flattens to a single core value; made once per import. */
export function flatLowerer(t: WitType): (value: unknown) => FlatValue {
  switch (t.kind) {
    case 'u64':
      return (value) => BigInt.asIntN(64, value as bigint);
    case 'bool':
      return (value) => (value ? 1 : 0);
    case 'u8':
    case 'u16':
    case 'u32':
      return (value) => (value as number) | 0;
    case 'option':
      return (value) => (value === undefined ? 0 : 1);
    case 'enum': {
      const tagOf = tagsOf(t);
      return (value) => tagOf(value as string);
    }
    default: {
      const tagOf = tagsOf(t);
      return (value) => tagOf((value as Tagged).tag);
    }
  }
}
