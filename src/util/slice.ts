/**
 * Strings from a buffer's bytes through Node's own slicers, as undici does:
 * `toString`'s handling of its arguments cost as much as the decoding on the
 * short strings the hot paths make (about 105 ns a header name against 56
 * here), and every request makes several.
 */
interface Slicers {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

/** Bytes [start, end) as Latin-1 (so ASCII too); the range must lie within `buf`. */
export const latin1 = (buf: Buffer, start: number, end: number): string =>
  (buf as unknown as Slicers).latin1Slice(start, end);

/** Bytes [start, end) as UTF-8, invalid sequences replaced; the range must lie within `buf`. */
export const utf8 = (buf: Buffer, start: number, end: number): string =>
  (buf as unknown as Slicers).utf8Slice(start, end);
