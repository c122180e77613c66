import { latin1 } from '../util/slice.js';
import { hex, violation } from './trap.js';

type Realloc = (oldPtr: number, oldSize: number, align: number, newSize: number) => number;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The guest's linear memory as the host reads and writes it. Every access is
 * bounds-checked; views are refreshed whenever the memory has grown (growth
 * detaches the old buffer, which is cheap to notice). Address 0 is ordinary
 * memory.
 */
export class GuestMemory {
  private buffer: ArrayBuffer;
  private bytesView: Buffer;
  private dataView: DataView;

  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly realloc: Realloc | undefined,
  ) {
    this.buffer = memory.buffer;
    this.bytesView = Buffer.from(this.buffer);
    this.dataView = new DataView(this.buffer);
  }

  /** Growing a memory detaches its old buffer: a zero length means the views are stale. */
  private refresh(): void {
    if (this.buffer.byteLength === 0) {
      this.buffer = this.memory.buffer;
      this.bytesView = Buffer.from(this.buffer);
      this.dataView = new DataView(this.buffer);
    }
  }

  get size(): number {
    this.refresh();
    return this.buffer.byteLength;
  }

  /** The memory's bytes (a Buffer view), valid until the memory grows. */
  get bytes(): Buffer {
    this.refresh();
    return this.bytesView;
  }

  get view(): DataView {
    this.refresh();
    return this.dataView;
  }

  /** Checks that [ptr, ptr + len) lies inside memory; `what` names the argument. */
  check(ptr: number, len: number, what: string): void {
    const size = this.size;
    if (ptr < 0 || len < 0 || ptr + len > size) {
      violation(`${what} ${hex(ptr)}+${len} is outside guest memory (${size} bytes)`);
    }
  }

  /** A view of guest bytes, valid until the guest runs again. */
  slice(ptr: number, len: number, what: string): Buffer {
    this.check(ptr, len, what);
    return this.bytesView.subarray(ptr, ptr + len);
  }

  /** A guest string, which must be valid UTF-8; ASCII, the common case, is decoded directly. */
  string(ptr: number, len: number, what: string): string {
    this.check(ptr, len, what);
    const bytes = this.bytesView;
    let ascii = true;
    for (let i = ptr; i < ptr + len; i++) {
      if ((bytes[i] as number) > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (ascii) return latin1(bytes, ptr, ptr + len);
    try {
      return utf8.decode(bytes.subarray(ptr, ptr + len));
    } catch {
      return violation(`${what} at ${hex(ptr)} (${len} bytes) is not valid UTF-8`);
    }
  }

  /** Allocates guest memory through the guest's `cabi_realloc`, checking what it returns. */
  alloc(align: number, size: number): number {
    if (!this.realloc) return violation('the guest exports no cabi_realloc, so the host cannot return data');
    const ptr = this.realloc(0, 0, align, size) >>> 0;
    const memSize = this.size;
    if (ptr + size > memSize) {
      violation(
        `cabi_realloc returned ${hex(ptr)} for ${size} bytes, outside guest memory (${memSize} bytes)`,
      );
    }
    if (ptr % align !== 0) violation(`cabi_realloc returned ${hex(ptr)}, not aligned to ${align}`);
    return ptr;
  }

  /** Copies a string into freshly allocated guest memory as UTF-8; returns [ptr, byte length]. */
  putString(s: string): [number, number] {
    const len = Buffer.byteLength(s);
    const ptr = this.alloc(1, len);
    this.bytesView.write(s, ptr, len, 'utf8');
    return [ptr, len];
  }
}
