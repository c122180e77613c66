/*
 * no-response-server - returns from every request without reading it and
 * without setting a response.  The host then answers 500 itself.
 *
 *   wasirun --http-server-addr 127.0.0.1:8080 examples/no-response-server.wasm
 *
 * Build: bash guests/build.sh
 */
#include "wasi_http_v1.h"

void http_handle(http_incoming_request_t request, http_response_outparam_t response_out) {
  (void)request;
  (void)response_out;
}

int main(void) {
  return 0;
}
