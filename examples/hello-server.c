/*
 * hello-server - the smallest wasi-http v1 server: every request is answered
 * 200 with content-type: text/plain and the body "Hello from WASM!\n".
 *
 *   wasirun --http-server-addr 127.0.0.1:8080 examples/hello-server.wasm
 *   curl http://127.0.0.1:8080/
 *
 * A server guest defines http_handle(); guests/bindings/http_export.c exports
 * it as HTTP#handle, which the host calls once per request (after main() has
 * run once).  Build: bash guests/build.sh
 */
#include <string.h>

#include "wasi_http_v1.h"

void http_handle(http_incoming_request_t request, http_response_outparam_t response_out) {
  (void)request; /* this server does not look at the request */

  /* The response head: status 200 and one header. */
  types_tuple2_string_string_t content_type;
  proxy_string_set(&content_type.f0, "content-type");
  proxy_string_set(&content_type.f1, "text/plain");
  types_list_tuple2_string_string_t entries = {&content_type, 1};
  types_headers_t headers = types_new_fields(&entries);
  types_outgoing_response_t response = types_new_outgoing_response(200, headers);

  /* Take the body stream, then hand the response to the host. */
  types_outgoing_stream_t body;
  if (!types_outgoing_response_write(response, &body)) {
    return; /* the host answers 500 */
  }
  types_result_outgoing_response_error_t result = {.is_err = false, .val.ok = response};
  types_set_response_outparam(response_out, &result);

  /* The head goes out with the first write; finishing ends the body. */
  static const char message[] = "Hello from WASM!\n";
  streams_list_u8_t buf = {(uint8_t *)message, strlen(message)};
  uint64_t written;
  streams_write(body, &buf, &written, NULL);
  types_finish_outgoing_stream(body, NULL);
}

int main(void) {
  return 0; /* nothing to set up: the host calls http_handle per request */
}
