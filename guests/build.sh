#!/usr/bin/env bash
# Rebuilds every guest .wasm from source:
#   guests/src/NAME.c   -> guests/wasm/NAME.wasm
#   examples/http-get.c -> examples/http-get.wasm
# Needs clang with the wasm32-wasi target, wasi-libc and the wasm32 compiler
# runtime (on Debian: clang, wasi-libc, libclang-rt-dev-wasm32).
# Usage: bash guests/build.sh   (from any directory; CC=... picks the compiler)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

CC=${CC:-clang}
CFLAGS=(--target=wasm32-wasi -O2 -Wall -Wextra -Werror -Iguests/bindings)
LDFLAGS=(-Wl,--strip-debug)
BINDINGS=guests/bindings/wasi_http_v1.c
EXPORT=guests/bindings/http_export.c # HTTP#handle, for server guests only

build() {
  local out=$1
  shift
  echo "  CC  $out"
  "$CC" "${CFLAGS[@]}" "${LDFLAGS[@]}" -o "$out" "$@"
}

mkdir -p guests/wasm
for src in guests/src/*.c; do
  name=$(basename "$src" .c)
  case $name in
    *-server) build "guests/wasm/$name.wasm" "$src" "$BINDINGS" "$EXPORT" ;;
    *) build "guests/wasm/$name.wasm" "$src" "$BINDINGS" ;;
  esac
done
build examples/http-get.wasm examples/http-get.c "$BINDINGS"
