/*
 * loop-server - never answers: every request spins forever.  Use it to see
 * what the host does with a guest that hangs (request time limits).
 *
 *   wasirun --http-server-addr 127.0.0.1:8080 examples/loop-server.wasm
 *
 * Build: bash guests/build.sh
 */
#include "wasi_http_v1.h"

/* volatile: every increment is a real store, so the loop stays in the code. */
static volatile unsigned long counter;

void http_handle(http_incoming_request_t request, http_response_outparam_t response_out) {
  (void)request;
  (void)response_out;
  for (;;) {
    counter++;
  }
}

int main(void) {
  return 0;
}
