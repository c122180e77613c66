import { writeSync } from 'node:fs';

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of `text` to a file descriptor, synchronously. A descriptor
 * someone else made non-blocking (a shared pipe) answers EAGAIN when full:
 * wait a millisecond and go on, rather than lose output.
 */
export function writeAll(fd: number, text: string | Uint8Array): void {
  let data = typeof text === 'string' ? Buffer.from(text) : text;
  while (data.length > 0) {
    try {
      data = data.subarray(writeSync(fd, data));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}
