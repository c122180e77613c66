/*
 * seed-server - a server guest in the shape of the C server examples written
 * against the wit-bindgen 0.4.0 era bindings.
 *
 * Every request: log-it "Handling request"; read the method, path, authority
 * and headers, logging each header as "name: value" with log-it; answer 404
 * with the headers "Server: WASM" and "Content-type: text/plain" and the body
 * "Hello from WASM! (N)" (no newline), N = count++ starting at 0, in a single
 * write followed by finish-outgoing-stream with no trailers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasi_http_v1.h"

int count = 0;

static void log_str(const char *message) {
  proxy_string_t str;
  proxy_string_set(&str, message);
  types_log_it(&str);
}

void http_handle(http_incoming_request_t req, http_response_outparam_t res) {
  log_str("Handling request");

  types_method_t method;
  types_incoming_request_method(req, &method);
  proxy_string_t path;
  types_incoming_request_path(req, &path);
  proxy_string_t authority;
  types_incoming_request_authority(req, &authority);

  types_headers_t headers = types_incoming_request_headers(req);
  types_list_tuple2_string_string_t header_list;
  types_fields_entries(headers, &header_list);
  for (size_t i = 0; i < header_list.len; i++) {
    char buf[1024];
    snprintf(buf, sizeof buf, "%.*s: %.*s", (int)header_list.ptr[i].f0.len,
             header_list.ptr[i].f0.ptr, (int)header_list.ptr[i].f1.len,
             header_list.ptr[i].f1.ptr);
    log_str(buf);
  }
  types_list_tuple2_string_string_free(&header_list);

  types_tuple2_string_string_t content_type[] = {
      {
          .f0 = {.ptr = "Server", .len = 6},
          .f1 = {.ptr = "WASM", .len = 4},
      },
      {
          .f0 = {.ptr = "Content-type", .len = 12},
          .f1 = {.ptr = "text/plain", .len = 10},
      },
  };
  types_list_tuple2_string_string_t headers_list = {
      .ptr = &content_type[0],
      .len = 2,
  };
  types_fields_t response_headers = types_new_fields(&headers_list);

  types_outgoing_response_t response = types_new_outgoing_response(404, response_headers);
  types_outgoing_stream_t stream;
  if (!types_outgoing_response_write(response, &stream)) {
    log_str("Failed to get response stream");
    return;
  }

  types_result_outgoing_response_error_t result;
  result.is_err = false;
  result.val.ok = response;
  if (!types_set_response_outparam(res, &result)) {
    log_str("Failed to set response outparam");
  }

  char body[256];
  snprintf(body, sizeof body, "Hello from WASM! (%d)", count++);
  streams_list_u8_t buf = {
      .ptr = (uint8_t *)body,
      .len = strlen(body),
  };
  uint64_t ret_val;
  streams_stream_error_t err;
  streams_write(stream, &buf, &ret_val, &err);
  types_finish_outgoing_stream(stream, NULL);

  types_method_free(&method);
  proxy_string_free(&path);
  proxy_string_free(&authority);
}

int main(void) {
  return 0;
}
