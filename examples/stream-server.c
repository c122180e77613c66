/*
 * stream-server - a response body that trickles out: "chunk 0\n" ...
 * "chunk N-1\n", with a pause of T milliseconds between chunks.  Each chunk
 * reaches the client when it is written (the response is chunked).
 * N and T come from the query, e.g. ?n=5&ms=200 (the defaults).
 *
 *   wasirun --http-server-addr 127.0.0.1:8080 examples/stream-server.wasm
 *   curl -N 'http://127.0.0.1:8080/?n=10&ms=500'
 *
 * Sleeping uses wasi-libc's nanosleep: it blocks this guest only.
 * Build: bash guests/build.sh
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wasi_http_v1.h"

/* The number after NAME= in a query like "?n=5&ms=200", or fallback. */
static unsigned long query_number(proxy_string_t *query, const char *name,
                                  unsigned long fallback) {
  size_t name_len = strlen(name);
  for (size_t i = 0; i < query->len; i++) {
    bool at_start = i == 0 || query->ptr[i - 1] == '?' || query->ptr[i - 1] == '&';
    if (at_start && query->len - i > name_len && memcmp(query->ptr + i, name, name_len) == 0 &&
        query->ptr[i + name_len] == '=') {
      unsigned long value = 0;
      for (size_t j = i + name_len + 1; j < query->len; j++) {
        if (query->ptr[j] < '0' || query->ptr[j] > '9') {
          break;
        }
        value = value * 10 + (unsigned long)(query->ptr[j] - '0');
      }
      return value;
    }
  }
  return fallback;
}

static void sleep_ms(unsigned long ms) {
  struct timespec pause = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000};
  nanosleep(&pause, NULL);
}

void http_handle(http_incoming_request_t request, http_response_outparam_t response_out) {
  proxy_string_t query;
  types_incoming_request_query(request, &query);
  unsigned long n = query_number(&query, "n", 5);
  unsigned long ms = query_number(&query, "ms", 200);
  proxy_string_free(&query);

  types_tuple2_string_string_t content_type;
  proxy_string_set(&content_type.f0, "content-type");
  proxy_string_set(&content_type.f1, "text/plain");
  types_list_tuple2_string_string_t entries = {&content_type, 1};
  types_outgoing_response_t response =
      types_new_outgoing_response(200, types_new_fields(&entries));
  types_outgoing_stream_t body;
  if (!types_outgoing_response_write(response, &body)) {
    return;
  }
  types_result_outgoing_response_error_t result = {.is_err = false, .val.ok = response};
  types_set_response_outparam(response_out, &result);

  for (unsigned long i = 0; i < n; i++) {
    if (i > 0) {
      sleep_ms(ms);
    }
    char line[32];
    int len = snprintf(line, sizeof line, "chunk %lu\n", i);
    streams_list_u8_t buf = {(uint8_t *)line, (size_t)len};
    uint64_t written;
    if (!streams_write(body, &buf, &written, NULL)) {
      return; /* the client went away */
    }
  }
  types_finish_outgoing_stream(body, NULL);
}

int main(void) {
  return 0;
}
