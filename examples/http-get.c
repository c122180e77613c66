/*
 * http-get - fetch a URL with wasi-http v1 and print the response.
 *
 *   URL=http://127.0.0.1:8080/hello?x=1 wasirun examples/http-get.wasm
 *
 * Prints "status: N", one "name: value" line per response header, a blank
 * line, then the body.  Build: bash guests/build.sh
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

int main(void) {
  const char *url = getenv("URL");
  if (url == NULL) {
    fprintf(stderr, "http-get: set URL, e.g. URL=http://127.0.0.1:8080/hello\n");
    return 2;
  }

  /* Split scheme://authority/path?query. */
  types_scheme_t scheme;
  const char *rest;
  if (strncmp(url, "http://", 7) == 0) {
    scheme.tag = TYPES_SCHEME_HTTP;
    rest = url + 7;
  } else if (strncmp(url, "https://", 8) == 0) {
    scheme.tag = TYPES_SCHEME_HTTPS;
    rest = url + 8;
  } else {
    fprintf(stderr, "http-get: URL must start with http:// or https://\n");
    return 2;
  }
  proxy_string_t authority = {(char *)rest, strcspn(rest, "/?")};
  const char *after = rest + authority.len;
  proxy_string_t path = {(char *)after, strcspn(after, "?")};
  if (path.len == 0) {
    proxy_string_set(&path, "/");
  }
  proxy_string_t query;
  proxy_string_set(&query, after + strcspn(after, "?"));

  /* Build and send the request. */
  types_tuple2_string_string_t user_agent;
  proxy_string_set(&user_agent.f0, "User-agent");
  proxy_string_set(&user_agent.f1, "wasirun-example/1");
  types_list_tuple2_string_string_t header_list = {&user_agent, 1};
  types_headers_t headers = types_new_fields(&header_list);

  types_method_t method = {.tag = TYPES_METHOD_GET};
  types_outgoing_request_t request =
      types_new_outgoing_request(&method, &path, &query, &scheme, &authority, headers);
  types_future_incoming_response_t future = default_outgoing_http_handle(request, NULL);

  /* The response head is there as soon as handle returns. */
  types_result_incoming_response_error_t result;
  if (!types_future_incoming_response_get(future, &result)) {
    printf("error: no response\n");
    return 6;
  }
  if (result.is_err) {
    proxy_string_t *text = &result.val.err.val.unexpected_error;
    printf("error: %s: %.*s\n", error_name(result.val.err.tag), (int)text->len, text->ptr);
    return 3;
  }
  types_incoming_response_t response = result.val.ok;

  printf("status: %d\n", types_incoming_response_status(response));
  types_headers_t response_headers = types_incoming_response_headers(response);
  types_list_tuple2_string_string_t entries;
  types_fields_entries(response_headers, &entries);
  for (size_t i = 0; i < entries.len; i++) {
    printf("%.*s: %.*s\n", (int)entries.ptr[i].f0.len, entries.ptr[i].f0.ptr,
           (int)entries.ptr[i].f1.len, entries.ptr[i].f1.ptr);
  }
  types_list_tuple2_string_string_free(&entries);
  printf("\n");

  /* Read the body 1 MiB at a time until the end. */
  types_incoming_stream_t body;
  if (!types_incoming_response_consume(response, &body)) {
    fprintf(stderr, "http-get: no body\n");
    return 4;
  }
  for (;;) {
    streams_tuple2_list_u8_bool_t chunk;
    streams_stream_error_t err;
    if (!streams_read(body, 1024 * 1024, &chunk, &err)) {
      fflush(stdout);
      fprintf(stderr, "http-get: error reading the body\n");
      return 4;
    }
    fwrite(chunk.f0.ptr, 1, chunk.f0.len, stdout);
    bool end = chunk.f1, empty = chunk.f0.len == 0;
    streams_list_u8_free(&chunk.f0);
    if (end) {
      break;
    }
    if (empty) {
      /* Nothing yet: wait until the stream has data. */
      poll_pollable_t ready = streams_subscribe_to_input_stream(body);
      poll_list_pollable_t pollables = {&ready, 1};
      poll_list_u8_t flags;
      poll_poll_oneoff(&pollables, &flags);
      poll_list_u8_free(&flags);
      poll_drop_pollable(ready);
    }
  }

  types_trailers_t trailers;
  if (types_finish_incoming_stream(body, &trailers)) {
    types_drop_fields(trailers);
  }
  streams_drop_input_stream(body);
  types_drop_fields(response_headers);
  types_drop_incoming_response(response);
  types_drop_future_incoming_response(future);
  types_drop_outgoing_request(request);
  types_drop_fields(headers);
  fflush(stdout);
  return 0;
}
