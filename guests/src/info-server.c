/*
 * info-server - reports what the guest sees of each request.  Answers 200,
 * content-type: text/plain, with one line per item:
 *
 *   method: <tag>             tag number 0..9; for other(...): "method: 9 <text>"
 *   path: <path>
 *   query: <query>
 *   scheme: none|HTTP|HTTPS|other:<text>
 *   authority: <authority>
 *   header: <name>: <value>   one line per entry, in fields-entries order
 *   body-bytes: <N>           the body, read in a loop of 1 MiB reads
 *   body-fnv1a64: <16 hex>    FNV-1a 64 of the body
 *   consume-again: ok|err     a second incoming-request-consume
 *   trailer: <name>: <value>  per trailer entry, or "trailers: none"
 *
 * A read that fails adds "read-error after N bytes" (before body-bytes) and
 * ends the reading; the other lines follow as usual.  If the first consume
 * fails, "consume: err" replaces the body, consume-again and trailer lines.
 * The response is written in one piece once everything has been collected.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"


/* A growing text buffer. */
static char *text;
static size_t text_len, text_cap;

static void add(const char *format, ...) {
  va_list args;
  va_start(args, format);
  int n = vsnprintf(NULL, 0, format, args);
  va_end(args);
  if (n < 0) {
    return;
  }
  if (text_len + (size_t)n + 1 > text_cap) {
    while (text_len + (size_t)n + 1 > text_cap) {
      text_cap = text_cap ? text_cap * 2 : 1024;
    }
    text = realloc(text, text_cap);
    if (text == NULL) {
      abort();
    }
  }
  va_start(args, format);
  vsnprintf(text + text_len, (size_t)n + 1, format, args);
  va_end(args);
  text_len += (size_t)n;
}

static void add_fields(const char *kind, types_fields_t fields) {
  types_list_tuple2_string_string_t entries;
  types_fields_entries(fields, &entries);
  for (size_t i = 0; i < entries.len; i++) {
    types_tuple2_string_string_t *e = &entries.ptr[i];
    add("%s: %.*s: %.*s\n", kind, (int)e->f0.len, e->f0.ptr, (int)e->f1.len, e->f1.ptr);
  }
  types_list_tuple2_string_string_free(&entries);
}

static void add_body(types_incoming_stream_t in) {
  uint64_t count = 0;
  uint64_t hash = FNV1A64_BASIS;
  if (!read_to_end(in, &count, &hash)) {
    add("read-error after %" PRIu64 " bytes\n", count);
  }
  add("body-bytes: %" PRIu64 "\n", count);
  add("body-fnv1a64: %016llx\n", (unsigned long long)hash);
}

void http_handle(http_incoming_request_t request, http_response_outparam_t response_out) {
  text_len = 0;

  types_method_t method;
  types_incoming_request_method(request, &method);
  if (method.tag == TYPES_METHOD_OTHER) {
    add("method: %u %.*s\n", (unsigned)method.tag, (int)method.val.other.len,
        method.val.other.ptr);
  } else {
    add("method: %u\n", (unsigned)method.tag);
  }
  types_method_free(&method);

  proxy_string_t s;
  types_incoming_request_path(request, &s);
  add("path: %.*s\n", (int)s.len, s.ptr);
  proxy_string_free(&s);
  types_incoming_request_query(request, &s);
  add("query: %.*s\n", (int)s.len, s.ptr);
  proxy_string_free(&s);

  types_scheme_t scheme;
  if (!types_incoming_request_scheme(request, &scheme)) {
    add("scheme: none\n");
  } else if (scheme.tag == TYPES_SCHEME_HTTP) {
    add("scheme: HTTP\n");
  } else if (scheme.tag == TYPES_SCHEME_HTTPS) {
    add("scheme: HTTPS\n");
  } else {
    add("scheme: other:%.*s\n", (int)scheme.val.other.len, scheme.val.other.ptr);
    types_scheme_free(&scheme);
  }

  types_incoming_request_authority(request, &s);
  add("authority: %.*s\n", (int)s.len, s.ptr);
  proxy_string_free(&s);

  types_headers_t headers = types_incoming_request_headers(request);
  add_fields("header", headers);
  types_drop_fields(headers);

  types_incoming_stream_t in;
  if (!types_incoming_request_consume(request, &in)) {
    add("consume: err\n");
  } else {
    add_body(in);
    types_incoming_stream_t again;
    if (types_incoming_request_consume(request, &again)) {
      add("consume-again: ok\n");
      streams_drop_input_stream(again);
    } else {
      add("consume-again: err\n");
    }
    types_trailers_t trailers;
    if (types_finish_incoming_stream(in, &trailers)) {
      add_fields("trailer", trailers);
      types_drop_fields(trailers);
    } else {
      add("trailers: none\n");
    }
    streams_drop_input_stream(in);
  }

  types_tuple2_string_string_t content_type;
  proxy_string_set(&content_type.f0, "content-type");
  proxy_string_set(&content_type.f1, "text/plain");
  types_outgoing_stream_t body = start_response(response_out, 200, &content_type, 1);
  if (body == 0) {
    return;
  }
  streams_list_u8_t buf = {(uint8_t *)text, text_len};
  uint64_t written;
  streams_write(body, &buf, &written, NULL);
  types_finish_outgoing_stream(body, NULL);
}

int main(void) {
  return 0;
}
