const PAGE = 65536;
const MEMORY_SECTION = 5;

function readLeb(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    if (b === undefined) throw new Error('truncated module');
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return [value, at];
  }
}

function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) b |= 0x80;
    out.push(b);
  } while (value > 0);
  return out;
}

/**
 * Rewrites a module so its linear memory may not grow past `limit` bytes:
 * the memory section's maximum becomes min(its own maximum, limit). A guest
 * that reaches it sees `memory.grow` fail, as on a machine out of memory.
 * Rounds the limit down to whole 64 KiB pages. A module already within the
 * limit is returned as it is (the same array), so it need not be compiled again.
 */
export function limitMemory(module: Uint8Array, limit: number): Uint8Array {
  const pages = Math.floor(limit / PAGE);
  const out: Uint8Array[] = [module.subarray(0, 8)];
  let changed = false;
  let at = 8;
  while (at < module.length) {
    const id = module[at] as number;
    const [size, start] = readLeb(module, at + 1);
    const end = start + size;
    if (id !== MEMORY_SECTION) {
      out.push(module.subarray(at, end));
      at = end;
      continue;
    }
    let [count, p] = readLeb(module, start);
    const body = leb(count);
    while (count-- > 0) {
      const flags = module[p++] as number;
      if (flags & 4) throw new Error('64-bit memories are not supported');
      let min: number;
      let max = Infinity;
      [min, p] = readLeb(module, p);
      if (flags & 1) [max, p] = readLeb(module, p);
      if (min > pages) {
        throw new Error(
          `the module needs ${(min * PAGE) / 2 ** 20} MiB of memory at start, more than the limit`,
        );
      }
      body.push(flags | 1, ...leb(min), ...leb(Math.min(max, pages)));
    }
    const section = Uint8Array.from([id, ...leb(body.length), ...body]);
    changed ||= Buffer.compare(section, module.subarray(at, end)) !== 0;
    out.push(section);
    at = end;
  }
  return changed ? Buffer.concat(out) : module;
}
