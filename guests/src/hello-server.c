/*
 * hello-server - the smallest wasi-http v1 server guest: every request is
 * answered 200 "Hello from WASM!\n" (content-type: text/plain).
 * Built with bindings/http_export.c, which exports HTTP#handle.
 */
#include <string.h>

#include "wasi_http_v1.h"

void http_handle(http_incoming_request_t request, http_response_outparam_t response_out) {
  (void)request;

  types_tuple2_string_string_t content_type;
  proxy_string_set(&content_type.f0, "content-type");
  proxy_string_set(&content_type.f1, "text/plain");
  types_list_tuple2_string_string_t entries = {&content_type, 1};
  types_headers_t headers = types_new_fields(&entries);

  types_outgoing_response_t response = types_new_outgoing_response(200, headers);
  types_outgoing_stream_t body;
  if (!types_outgoing_response_write(response, &body)) {
    return;
  }

  types_result_outgoing_response_error_t result;
  result.is_err = false;
  result.val.ok = response;
  types_set_response_outparam(response_out, &result);

  static const char message[] = "Hello from WASM!\n";
  streams_list_u8_t buf = {(uint8_t *)message, strlen(message)};
  uint64_t written;
  streams_stream_error_t err;
  streams_write(body, &buf, &written, &err);
  types_finish_outgoing_stream(body, NULL);
}

int main(void) {
  return 0;
}
