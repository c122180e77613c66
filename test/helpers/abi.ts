/** The byte ('?') guest memory is filled with before a call, where the host must write nothing. */
export const UNTOUCHED = 0x3f;

/** Little-endian u32 words of an area, from offset 0. */
export const words = (b: Buffer, count: number): number[] =>
  Array.from({ length: count }, (_, i) => b.readUInt32LE(i * 4));
