/*
 * seed-client - a client guest in the shape of the C examples written against
 * the wit-bindgen 0.4.0 era bindings: it makes a GET and a POST to the
 * server named by the SERVER environment variable (host:port), prints the
 * status, the headers and the result of one 64 KiB read of each body.
 *
 * It keeps that era's habits on purpose: the body is written with a single
 * write before handle and its stream is never finished, the future is read
 * right after handle, the body is read with one read ignoring `end`, and the
 * input stream is dropped before the response.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasi_http_v1.h"

static const char *error_name(uint8_t tag) {
  switch (tag) {
  case TYPES_ERROR_INVALID_URL:
    return "invalid-url";
  case TYPES_ERROR_TIMEOUT_ERROR:
    return "timeout-error";
  case TYPES_ERROR_PROTOCOL_ERROR:
    return "protocol-error";
  default:
    return "unexpected-error";
  }
}

int request(uint8_t method_tag, uint8_t scheme_tag, const char *authority_str,
            const char *path_str, const char *query_str, const char *body) {
  types_tuple2_string_string_t content_type[] = {
      {
          .f0 = {.ptr = "User-agent", .len = 10},
          .f1 = {.ptr = "WASI-HTTP/0.0.1", .len = 15},
      },
      {
          .f0 = {.ptr = "Content-type", .len = 12},
          .f1 = {.ptr = "application/json", .len = 16},
      },
  };
  types_list_tuple2_string_string_t headers_list = {
      .ptr = &content_type[0],
      .len = 2,
  };
  types_fields_t headers = types_new_fields(&headers_list);

  types_method_t method = {.tag = method_tag};
  types_scheme_t scheme = {.tag = scheme_tag};
  proxy_string_t path, authority, query;
  proxy_string_set(&path, path_str);
  proxy_string_set(&authority, authority_str);
  proxy_string_set(&query, query_str);

  default_outgoing_http_outgoing_request_t req =
      types_new_outgoing_request(&method, &path, &query, &scheme, &authority, headers);
  if (req == 0) {
    printf("Error creating request\n");
    return 4;
  }

  if (body != NULL) {
    types_outgoing_stream_t ret;
    if (!types_outgoing_request_write(req, &ret)) {
      printf("Error getting output stream\n");
      return 7;
    }
    streams_list_u8_t buf = {
        .ptr = (uint8_t *)body,
        .len = strlen(body),
    };
    uint64_t ret_val;
    streams_stream_error_t write_err;
    if (!streams_write(ret, &buf, &ret_val, &write_err)) {
      printf("Error writing body\n");
      return 5;
    }
  }

  default_outgoing_http_future_incoming_response_t res = default_outgoing_http_handle(req, NULL);
  if (res == 0) {
    printf("Error sending request\n");
    return 5;
  }

  types_result_incoming_response_error_t result;
  if (!types_future_incoming_response_get(res, &result)) {
    printf("failed to get value for incoming request\n");
    return 1;
  }
  if (result.is_err) {
    printf("error: %s: %.*s\n", error_name(result.val.err.tag),
           (int)result.val.err.val.unexpected_error.len, result.val.err.val.unexpected_error.ptr);
    return 3;
  }

  types_status_code_t code = types_incoming_response_status(result.val.ok);
  printf("STATUS: %d\n", code);

  types_headers_t header_handle = types_incoming_response_headers(result.val.ok);
  types_list_tuple2_string_string_t header_list;
  types_fields_entries(header_handle, &header_list);

  for (size_t i = 0; i < header_list.len; i++) {
    char name[1024];
    char value[1024];
    size_t name_len = header_list.ptr[i].f0.len;
    size_t value_len = header_list.ptr[i].f1.len;
    if (name_len > sizeof name - 1) {
      name_len = sizeof name - 1;
    }
    if (value_len > sizeof value - 1) {
      value_len = sizeof value - 1;
    }
    strncpy(name, header_list.ptr[i].f0.ptr, name_len);
    name[name_len] = '\0';
    strncpy(value, header_list.ptr[i].f1.ptr, value_len);
    value[value_len] = '\0';
    printf("%s: %s\n", name, value);
  }
  types_list_tuple2_string_string_free(&header_list);

  types_incoming_stream_t stream;
  if (!types_incoming_response_consume(result.val.ok, &stream)) {
    printf("stream is error!\n");
    return 4;
  }

  int32_t len = 64 * 1024;
  streams_tuple2_list_u8_bool_t body_res;
  streams_stream_error_t err;
  if (!streams_read(stream, len, &body_res, &err)) {
    printf("BODY read is error!\n");
    return 4;
  }
  printf("data from read: ");
  fwrite(body_res.f0.ptr, 1, body_res.f0.len, stdout);
  printf("\n");
  streams_tuple2_list_u8_bool_free(&body_res);

  types_drop_outgoing_request(req);
  streams_drop_input_stream(stream);
  types_drop_incoming_response(result.val.ok);

  return 0;
}

int main(void) {
  const char *server = getenv("SERVER");
  if (server == NULL) {
    fprintf(stderr, "seed-client: set SERVER to host:port\n");
    return 2;
  }
  int r = request(TYPES_METHOD_GET, TYPES_SCHEME_HTTP, server, "/get", "?some=arg&goes=here", NULL);
  if (r == 0) {
    r = request(TYPES_METHOD_POST, TYPES_SCHEME_HTTP, server, "/post", "", "{\"foo\": \"bar\"}");
  }
  fflush(stdout);
  return r;
}
