/*
 * get-loop - N sequential GETs of one URL, for benchmarks.
 *
 *   get-loop AUTHORITY PATH N
 *
 * Each request: new-fields, new-outgoing-request (HTTP), handle,
 * future-incoming-response-get, read the body to its end, drop everything.
 * Prints "requests: N", "bytes: TOTAL" and "elapsed-us: T" (the loop alone,
 * by the monotonic clock); exits 3 on an error value.
 */
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "wasi_http_v1.h"

static uint64_t get(proxy_string_t *authority, proxy_string_t *path) {
  types_list_tuple2_string_string_t none = {NULL, 0};
  types_fields_t headers = types_new_fields(&none);
  types_method_t method = {.tag = TYPES_METHOD_GET};
  types_scheme_t scheme = {.tag = TYPES_SCHEME_HTTP};
  proxy_string_t query = {"", 0};
  types_outgoing_request_t req = types_new_outgoing_request(&method, path, &query, &scheme, authority, headers);
  types_future_incoming_response_t future = default_outgoing_http_handle(req, NULL);
  types_result_incoming_response_error_t result;
  if (!types_future_incoming_response_get(future, &result) || result.is_err) {
    printf("error: no response\n");
    exit(3);
  }
  types_incoming_stream_t body;
  types_incoming_response_consume(result.val.ok, &body);
  uint64_t total = 0;
  for (;;) {
    streams_tuple2_list_u8_bool_t chunk;
    streams_stream_error_t err;
    if (!streams_read(body, 1 << 20, &chunk, &err)) {
      printf("error: read\n");
      exit(4);
    }
    total += chunk.f0.len;
    streams_list_u8_free(&chunk.f0);
    if (chunk.f1) break;
  }
  streams_drop_input_stream(body);
  types_drop_incoming_response(result.val.ok);
  types_drop_future_incoming_response(future);
  types_drop_outgoing_request(req);
  types_drop_fields(headers);
  return total;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: get-loop AUTHORITY PATH N\n");
    return 2;
  }
  proxy_string_t authority, path;
  proxy_string_set(&authority, argv[1]);
  proxy_string_set(&path, argv[2]);
  int n = atoi(argv[3]);
  uint64_t bytes = 0;
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (int i = 0; i < n; i++) bytes += get(&authority, &path);
  clock_gettime(CLOCK_MONOTONIC, &end);
  long long us = (end.tv_sec - start.tv_sec) * 1000000LL + (end.tv_nsec - start.tv_nsec) / 1000;
  printf("requests: %d\nbytes: %llu\nelapsed-us: %lld\n", n, (unsigned long long)bytes, us);
  return 0;
}
