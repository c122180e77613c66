#!/usr/bin/env bash
# Rebuilds every guest .wasm from source:
#   guests/src/NAME.c -> guests/wasm/NAME.wasm
#   examples/NAME.c   -> examples/NAME.wasm
# NAME ending in -server: a server guest, linked with http_export.c (HTTP#handle).
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

# build_dir SRC_DIR OUT_DIR: every SRC_DIR/NAME.c -> OUT_DIR/NAME.wasm
build_dir() {
  local src name
  mkdir -p "$2"
  for src in "$1"/*.c; do
    name=$(basename "$src" .c)
    case $name in
      *-server) build "$2/$name.wasm" "$src" "$BINDINGS" "$EXPORT" ;;
      *) build "$2/$name.wasm" "$src" "$BINDINGS" ;;
    esac
  done
}

build_dir guests/src guests/wasm
build_dir examples examples
