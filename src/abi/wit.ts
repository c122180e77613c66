/**
 * WIT types as the canonical ABI sees them: size, alignment and flattening.
 *
 * Only the shapes the v1 interfaces use are modelled. JavaScript values:
 * integers are numbers except `u64` (bigint); `list<u8>` is a Uint8Array;
 * `option<T>` is `T | undefined`; `result` and `variant` are `{ tag, val }`;
 * `enum` is its case name; records are objects keyed by field name.
 */
export type WitType =
  | { readonly kind: 'u8' | 'u16' | 'u32' | 'u64' | 'bool' | 'string' }
  | { readonly kind: 'list'; readonly elem: WitType }
  | { readonly kind: 'tuple'; readonly items: readonly WitType[] }
  | { readonly kind: 'record'; readonly fields: readonly (readonly [string, WitType])[] }
  | { readonly kind: 'option'; readonly some: WitType }
  | { readonly kind: 'result'; readonly ok: WitType | undefined; readonly err: WitType | undefined }
  | { readonly kind: 'variant'; readonly cases: readonly (readonly [string, WitType | undefined])[] }
  | { readonly kind: 'enum'; readonly cases: readonly string[] };

export type Flat = 'i32' | 'i64';

export interface Tagged<T = unknown> {
  tag: string;
  val?: T;
}

export const u8: WitType = { kind: 'u8' };
export const u16: WitType = { kind: 'u16' };
export const u32: WitType = { kind: 'u32' };
export const u64: WitType = { kind: 'u64' };
export const bool: WitType = { kind: 'bool' };
export const string: WitType = { kind: 'string' };
export const list = (elem: WitType): WitType => ({ kind: 'list', elem });
export const tuple = (...items: WitType[]): WitType => ({ kind: 'tuple', items });
export const record = (fields: (readonly [string, WitType])[]): WitType => ({ kind: 'record', fields });
export const option = (some: WitType): WitType => ({ kind: 'option', some });
export const result = (ok?: WitType, err?: WitType): WitType => ({ kind: 'result', ok, err });
export const variant = (cases: (readonly [string, WitType | undefined])[]): WitType => ({
  kind: 'variant',
  cases,
});
export const enumeration = (cases: string[]): WitType => ({ kind: 'enum', cases });

/** Layout facts depend only on the type object: computed once per type. */
export function memo<T>(compute: (t: WitType) => T): (t: WitType) => T {
  const cache = new WeakMap<WitType, T>();
  return (t) => {
    let v = cache.get(t);
    if (v === undefined) {
      v = compute(t);
      cache.set(t, v);
    }
    return v;
  };
}

/** The cases of any variant-like type (variant, option, result, enum), in tag order. */
export const casesOf = memo(casesOfType);

function casesOfType(t: WitType): readonly (readonly [string, WitType | undefined])[] {
  switch (t.kind) {
    case 'variant':
      return t.cases;
    case 'option':
      return [
        ['none', undefined],
        ['some', t.some],
      ];
    case 'result':
      return [
        ['ok', t.ok],
        ['err', t.err],
      ];
    case 'enum':
      return t.cases.map((c) => [c, undefined] as const);
    default:
      return [];
  }
}

export const alignTo = (n: number, align: number): number => Math.ceil(n / align) * align;

export const alignment = memo(alignmentOf);

function alignmentOf(t: WitType): number {
  switch (t.kind) {
    case 'u8':
    case 'bool':
      return 1;
    case 'u16':
      return 2;
    case 'u32':
    case 'string':
    case 'list':
      return 4;
    case 'u64':
      return 8;
    case 'tuple':
      return Math.max(1, ...t.items.map(alignment));
    case 'record':
      return Math.max(1, ...t.fields.map(([, f]) => alignment(f)));
    default:
      return Math.max(1, ...casesOf(t).map(([, c]) => (c ? alignment(c) : 1)));
  }
}

/** The member types of a tuple or record. */
export const membersOf = memo((t: WitType): readonly WitType[] =>
  t.kind === 'tuple' ? t.items : t.kind === 'record' ? t.fields.map(([, f]) => f) : [],
);

/** Offsets of a tuple's or record's members. */
export const offsetsOf = memo((t: WitType): readonly number[] => memberOffsets(membersOf(t)));

function memberOffsets(items: readonly WitType[]): number[] {
  let at = 0;
  return items.map((item) => {
    at = alignTo(at, alignment(item));
    const here = at;
    at += sizeOf(item);
    return here;
  });
}

/** Offset of a variant's payload: after the discriminant, at the widest case's alignment. */
export const payloadOffset = memo((t: WitType): number =>
  alignTo(1, Math.max(1, ...casesOf(t).map(([, c]) => (c ? alignment(c) : 1)))),
);

export const sizeOf = memo(sizeOfType);

function sizeOfType(t: WitType): number {
  switch (t.kind) {
    case 'u8':
    case 'bool':
      return 1;
    case 'u16':
      return 2;
    case 'u32':
      return 4;
    case 'u64':
    case 'string':
    case 'list':
      return 8;
    case 'tuple':
    case 'record': {
      const items = membersOf(t);
      const offsets = offsetsOf(t);
      const last = items.length - 1;
      const end = last < 0 ? 0 : (offsets[last] ?? 0) + sizeOf(items[last] as WitType);
      return alignTo(end, alignment(t));
    }
    default: {
      const widest = Math.max(0, ...casesOf(t).map(([, c]) => (c ? sizeOf(c) : 0)));
      return alignTo(payloadOffset(t) + widest, alignment(t));
    }
  }
}

export const flatten = memo(flattenType);

function flattenType(t: WitType): Flat[] {
  switch (t.kind) {
    case 'u64':
      return ['i64'];
    case 'string':
    case 'list':
      return ['i32', 'i32'];
    case 'tuple':
      return t.items.flatMap(flatten);
    case 'record':
      return t.fields.flatMap(([, f]) => flatten(f));
    case 'u8':
    case 'u16':
    case 'u32':
    case 'bool':
    case 'enum':
      return ['i32'];
    default: {
      const joined: Flat[] = [];
      for (const [, c] of casesOf(t)) {
        flatten(c ?? { kind: 'tuple', items: [] }).forEach((f, i) => {
          joined[i] = joined[i] === 'i64' || f === 'i64' ? 'i64' : 'i32';
        });
      }
      return ['i32', ...joined];
    }
  }
}
