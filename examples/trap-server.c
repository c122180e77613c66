/*
 * trap-server - traps in every request (a wasm `unreachable`), as a guest
 * with a bug would.  Use it to see what the host does with a guest that
 * crashes: the client gets an error response, not a hang.
 *
 *   wasirun --http-server-addr 127.0.0.1:8080 examples/trap-server.wasm
 *
 * Build: bash guests/build.sh
 */
#include "wasi_http_v1.h"

void http_handle(http_incoming_request_t request, http_response_outparam_t response_out) {
  (void)request;
  (void)response_out;
  __builtin_trap();
}

int main(void) {
  return 0;
}
