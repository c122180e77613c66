import wabtInit from 'wabt';

let wabt: Awaited<ReturnType<typeof wabtInit>> | undefined;

/** Compiles WebAssembly text (for adversarial guests) to a binary module. */
export async function compileWat(text: string): Promise<Uint8Array> {
  wabt ??= await wabtInit();
  const parsed = wabt.parseWat('guest.wat', text);
  try {
    return parsed.toBinary({}).buffer;
  } finally {
    parsed.destroy();
  }
}

/** A bump allocator for WAT guests that receive lists and strings from the host. */
export const BUMP_REALLOC = `
  (global $bump (mut i32) (i32.const 32768))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $bump))
    (global.set $bump (i32.add (global.get $bump) (i32.add (local.get 3) (i32.const 8))))
    (local.get $p))`;

/** A guest that writes "before the trap\n" to stdout, then asks for the status of a response that does not exist. */
export const TRAP_WAT = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "types" "incoming-response-status" (func $status (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "before the trap\\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 16))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (drop (call $status (i32.const 42)))))`;

/** Bytes as a WAT string literal's escapes. */
export const escapeBytes = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => `\\${b.toString(16).padStart(2, '0')}`).join('');

/** Little-endian u32 words. */
export function le32(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32LE(v >>> 0, i * 4));
  return b;
}

/** `(i32.const …)` operands, one per value. */
export const i32s = (...values: number[]): string => values.map((v) => `(i32.const ${v | 0})`).join(' ');

/** The imports a WAT guest needs to build and send a response: $fields, $response, $body, $write, $finish, $set. */
export const RESPONSE_IMPORTS = `
  (import "types" "new-fields" (func $fields (param i32 i32) (result i32)))
  (import "types" "new-outgoing-response" (func $response (param i32 i32) (result i32)))
  (import "types" "outgoing-response-write" (func $body (param i32 i32)))
  (import "streams" "write" (func $write (param i32 i32 i32 i32)))
  (import "types" "finish-outgoing-stream" (func $finish (param i32 i32 i32)))
  (import "types" "set-response-outparam" (func $set (param i32 i32 i32 i32 i32) (result i32)))
`;
