import { utf8 } from '../util/slice.js';

/** Headers that belong to one connection, not to the message: each side manages its own. */
export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'te',
]);

const NON_ASCII = /[\u0080-\uffff]/;

/** A string's UTF-8 bytes as latin1 characters, the way HTTP/1.1 carries them (ASCII stays as it is). */
export const toWire = (s: string): string =>
  !NON_ASCII.test(s) ? s : Buffer.from(s, 'utf8').toString('latin1');

/** Bytes from the wire, given as latin1 characters or a buffer, decoded as UTF-8. */
export const fromWire = (x: string | Buffer): string =>
  typeof x !== 'string'
    ? utf8(x, 0, x.length)
    : !NON_ASCII.test(x)
      ? x
      : Buffer.from(x, 'latin1').toString('utf8');

/** One header or trailer line: name and value, as the guest or the network gave them. */
export type FieldEntry = readonly [name: string, value: string];

/**
 * HTTP fields (headers or trailers): an ordered list of entries, several per
 * name allowed, names matched case-insensitively while keeping the case
 * they were given in.
 */
export class Fields {
  private entries: FieldEntry[];

  constructor(entries: Iterable<FieldEntry> = []) {
    this.entries = [...entries];
  }

  /** Builds fields from Node's or undici's raw `[name, value, name, value…]` form; names are lower-cased. */
  static fromRaw(raw: readonly (string | Buffer)[]): Fields {
    const entries: FieldEntry[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      entries.push([String(raw[i]).toLowerCase(), String(raw[i + 1])]);
    }
    return new Fields(entries);
  }

  get(name: string): string[] {
    const key = name.toLowerCase();
    return this.entries.filter(([n]) => n.toLowerCase() === key).map(([, v]) => v);
  }

  has(name: string): boolean {
    const key = name.toLowerCase();
    return this.entries.some(([n]) => n.toLowerCase() === key);
  }

  /** Replaces every value of `name`; the new values take the place of the first old one. */
  set(name: string, values: readonly string[]): void {
    const key = name.toLowerCase();
    const first = this.entries.findIndex(([n]) => n.toLowerCase() === key);
    const kept = this.entries.filter(([n]) => n.toLowerCase() !== key);
    const at = first < 0 ? kept.length : first;
    kept.splice(at, 0, ...values.map((v): FieldEntry => [name, v]));
    this.entries = kept;
  }

  delete(name: string): void {
    const key = name.toLowerCase();
    this.entries = this.entries.filter(([n]) => n.toLowerCase() !== key);
  }

  append(name: string, value: string): void {
    this.entries.push([name, value]);
  }

  list(): FieldEntry[] {
    return [...this.entries];
  }

  clone(): Fields {
    return new Fields(this.entries);
  }

  get size(): number {
    return this.entries.length;
  }
}
