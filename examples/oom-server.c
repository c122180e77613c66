/*
 * oom-server - eats memory: every request allocates 1 MiB blocks with malloc
 * and fills each one, forever.  When malloc finally returns NULL (the wasm
 * memory cannot grow any more) it calls abort(), which traps.
 *
 *   wasirun --http-server-addr 127.0.0.1:8080 examples/oom-server.wasm
 *
 * Build: bash guests/build.sh
 */
#include <stdlib.h>
#include <string.h>

#include "wasi_http_v1.h"

#define BLOCK (1024 * 1024)

/* The blocks are chained from here, so the compiler cannot drop them. */
static void *volatile newest;

void http_handle(http_incoming_request_t request, http_response_outparam_t response_out) {
  (void)request;
  (void)response_out;
  for (;;) {
    void **block = malloc(BLOCK);
    if (block == NULL) {
      abort();
    }
    memset(block, 0xab, BLOCK);
    block[0] = newest;
    newest = block;
  }
}

int main(void) {
  return 0;
}
