/*
 * routes-server - a test server with one behaviour per path (the method is
 * ignored; numbers come from the query, missing ones count as the default):
 *
 *   /hello               200 "hello\n"
 *   /count               200 "count: N\n", N = 0, 1, 2, ... per instance
 *   /trap                traps
 *   /sleep?ms=T          sleeps T ms (default 0), then 200 "slept T\n"
 *   /linger?ms=T         200 "lingered\n", then T ms (default 0) before returning
 *   /error               set-response-outparam(err(protocol-error "upstream said no"))
 *   /bytes?size=N[&cl=1][&bad=1]
 *                        200 with N bytes (default 0), byte i = i % 251, in
 *                        64 KiB writes; cl=1 adds "content-length: N", bad=1
 *                        "x-bad: a<LF>b", which is not valid HTTP
 *   /trailers            200 "body\n", then trailers x-checksum: abc,
 *                        x-count: 1, x-count: 2
 *   /headers             200 "ok\n" with headers x-multi: a, x-multi: b,
 *                        Set-Cookie: c=1, Set-Cookie: d=2
 *   /status?code=N       status N (default 200), body "status N\n"
 *   /slow-write?n=K&ms=T "chunk 0\n" .. "chunk K-1\n", T ms apart (defaults 5, 200)
 *   /drain               reads the whole body, then 200 "bytes: N\n"
 *   /upload-error        reads the body until a read fails, then 200
 *                        "read-error after N bytes\n" ("bytes: N\n" if it ended)
 *   anything else        404 "no route\n"
 *
 * /drain and /upload-error share one loop: 1 MiB reads until end or error.
 * Only the headers listed are set (no content-type).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"

#define WRITE_SIZE (64 * 1024)

static int count;

typedef types_tuple2_string_string_t entry_t;

/* ------------------------------------------------------------------ */
/* helpers                                                            */
/* ------------------------------------------------------------------ */

static bool is(const proxy_string_t *s, const char *what) {
  return s->len == strlen(what) && memcmp(s->ptr, what, s->len) == 0;
}

/* Sets *value to the number after NAME= in the query; false when absent. */
static bool query_number(const proxy_string_t *query, const char *name, uint64_t *value) {
  size_t name_len = strlen(name);
  for (size_t i = 0; i < query->len; i++) {
    bool at_start = i == 0 || query->ptr[i - 1] == '?' || query->ptr[i - 1] == '&';
    if (at_start && query->len - i > name_len && memcmp(query->ptr + i, name, name_len) == 0 &&
        query->ptr[i + name_len] == '=') {
      uint64_t v = 0;
      for (size_t j = i + name_len + 1; j < query->len; j++) {
        if (query->ptr[j] < '0' || query->ptr[j] > '9') {
          break;
        }
        v = v * 10 + (uint64_t)(query->ptr[j] - '0');
      }
      *value = v;
      return true;
    }
  }
  return false;
}

static uint64_t query_or(const proxy_string_t *query, const char *name,
                              uint64_t fallback) {
  uint64_t v;
  return query_number(query, name, &v) ? v : fallback;
}

static bool write_bytes(types_outgoing_stream_t body, const void *ptr, size_t len) {
  streams_list_u8_t buf = {(uint8_t *)ptr, len};
  uint64_t written;
  return streams_write(body, &buf, &written, NULL);
}

static bool write_text(types_outgoing_stream_t body, const char *text) {
  return write_bytes(body, text, strlen(text));
}

/* status + text body, no headers */
static void reply(http_response_outparam_t out, unsigned status, const char *text) {
  types_outgoing_stream_t body = start_response(out, status, NULL, 0);
  if (body != 0 && write_text(body, text)) {
    types_finish_outgoing_stream(body, NULL);
  }
}

static void set_entry(entry_t *e, const char *name, const char *value) {
  proxy_string_set(&e->f0, name);
  proxy_string_set(&e->f1, value);
}

/* Reads the request body to its end; false (and *total so far) on a read error. */
static bool drain(http_incoming_request_t request, uint64_t *total) {
  *total = 0;
  types_incoming_stream_t in;
  if (!types_incoming_request_consume(request, &in)) {
    return false;
  }
  bool ok = read_to_end(in, total, NULL);
  streams_drop_input_stream(in);
  return ok;
}

/* ------------------------------------------------------------------ */
/* routes                                                             */
/* ------------------------------------------------------------------ */

static void route_bytes(http_response_outparam_t out, const proxy_string_t *query) {
  uint64_t size = query_or(query, "size", 0);
  char length[32];
  snprintf(length, sizeof length, "%" PRIu64, size);
  entry_t headers[2];
  size_t n_headers = 0;
  if (query_or(query, "cl", 0) == 1) {
    set_entry(&headers[n_headers++], "content-length", length);
  }
  if (query_or(query, "bad", 0) == 1) {
    set_entry(&headers[n_headers++], "x-bad", "a\nb");
  }
  types_outgoing_stream_t body = start_response(out, 200, headers, n_headers);
  if (body == 0) {
    return;
  }
  static uint8_t buf[WRITE_SIZE];
  for (uint64_t pos = 0; pos < size;) {
    size_t n = size - pos < WRITE_SIZE ? (size_t)(size - pos) : WRITE_SIZE;
    for (size_t j = 0; j < n; j++) {
      buf[j] = (uint8_t)((pos + j) % 251);
    }
    if (!write_bytes(body, buf, n)) {
      return;
    }
    pos += n;
  }
  types_finish_outgoing_stream(body, NULL);
}

static void route_trailers(http_response_outparam_t out) {
  types_outgoing_stream_t body = start_response(out, 200, NULL, 0);
  if (body == 0 || !write_text(body, "body\n")) {
    return;
  }
  entry_t entries[3];
  set_entry(&entries[0], "x-checksum", "abc");
  set_entry(&entries[1], "x-count", "1");
  set_entry(&entries[2], "x-count", "2");
  types_list_tuple2_string_string_t list = {entries, 3};
  types_trailers_t trailers = types_new_fields(&list);
  types_finish_outgoing_stream(body, &trailers);
}

static void route_headers(http_response_outparam_t out) {
  entry_t entries[4];
  set_entry(&entries[0], "x-multi", "a");
  set_entry(&entries[1], "x-multi", "b");
  set_entry(&entries[2], "Set-Cookie", "c=1");
  set_entry(&entries[3], "Set-Cookie", "d=2");
  types_outgoing_stream_t body = start_response(out, 200, entries, 4);
  if (body != 0 && write_text(body, "ok\n")) {
    types_finish_outgoing_stream(body, NULL);
  }
}

static void route_slow_write(http_response_outparam_t out, const proxy_string_t *query) {
  uint64_t n = query_or(query, "n", 5);
  uint64_t ms = query_or(query, "ms", 200);
  types_outgoing_stream_t body = start_response(out, 200, NULL, 0);
  if (body == 0) {
    return;
  }
  for (uint64_t i = 0; i < n; i++) {
    if (i > 0) {
      sleep_ms(ms);
    }
    char line[32];
    snprintf(line, sizeof line, "chunk %" PRIu64 "\n", i);
    if (!write_text(body, line)) {
      return;
    }
  }
  types_finish_outgoing_stream(body, NULL);
}

static void route_drain(http_incoming_request_t request, http_response_outparam_t out) {
  uint64_t total;
  char text[64];
  if (drain(request, &total)) {
    snprintf(text, sizeof text, "bytes: %" PRIu64 "\n", total);
  } else {
    snprintf(text, sizeof text, "read-error after %" PRIu64 " bytes\n", total);
  }
  reply(out, 200, text);
}

void http_handle(http_incoming_request_t request, http_response_outparam_t out) {
  proxy_string_t path, query;
  types_incoming_request_path(request, &path);
  types_incoming_request_query(request, &query);
  char text[64];

  if (is(&path, "/hello")) {
    reply(out, 200, "hello\n");
  } else if (is(&path, "/count")) {
    snprintf(text, sizeof text, "count: %d\n", count++);
    reply(out, 200, text);
  } else if (is(&path, "/trap")) {
    __builtin_trap();
  } else if (is(&path, "/sleep")) {
    uint64_t ms = query_or(&query, "ms", 0);
    sleep_ms(ms);
    snprintf(text, sizeof text, "slept %" PRIu64 "\n", ms);
    reply(out, 200, text);
  } else if (is(&path, "/linger")) {
    reply(out, 200, "lingered\n");
    sleep_ms(query_or(&query, "ms", 0));
  } else if (is(&path, "/error")) {
    types_result_outgoing_response_error_t result = {.is_err = true};
    result.val.err.tag = TYPES_ERROR_PROTOCOL_ERROR;
    proxy_string_set(&result.val.err.val.protocol_error, "upstream said no");
    types_set_response_outparam(out, &result);
  } else if (is(&path, "/bytes")) {
    route_bytes(out, &query);
  } else if (is(&path, "/trailers")) {
    route_trailers(out);
  } else if (is(&path, "/headers")) {
    route_headers(out);
  } else if (is(&path, "/status")) {
    uint64_t code = query_or(&query, "code", 200);
    snprintf(text, sizeof text, "status %" PRIu64 "\n", code);
    reply(out, (unsigned)code, text);
  } else if (is(&path, "/slow-write")) {
    route_slow_write(out, &query);
  } else if (is(&path, "/drain") || is(&path, "/upload-error")) {
    route_drain(request, out);
  } else {
    reply(out, 404, "no route\n");
  }

  proxy_string_free(&path);
  proxy_string_free(&query);
}

int main(void) {
  return 0;
}
