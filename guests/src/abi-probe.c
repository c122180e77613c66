/*
 * abi-probe - shows exactly what the host writes at a return pointer.
 *
 *   abi-probe URL
 *
 * URL names a server that answers GET with a body and a trailer.  For each
 * probed import a 32-byte, 8-aligned buffer is filled with '?' (0x3f), the RAW
 * import is called with rp = that buffer, and "NAME: " plus the 32 bytes in
 * lowercase hex is printed.  Lists the host returned are printed too, strings
 * as <len>:<bytes>.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasi_http_v1.h"

static uint8_t area[32] __attribute__((aligned(8)));

#define RP ((int32_t)(uintptr_t)area)
#define I32(p) ((int32_t)(uintptr_t)(p))

static void fill(void) {
  memset(area, '?', sizeof area);
}

static void dump(const char *name) {
  printf("%s: ", name);
  for (size_t i = 0; i < sizeof area; i++) {
    printf("%02x", area[i]);
  }
  printf("\n");
}

static uint32_t u32_at(size_t off) {
  uint32_t v;
  memcpy(&v, area + off, sizeof v);
  return v;
}

static void *ptr_at(size_t off) {
  return (void *)(uintptr_t)u32_at(off);
}

static void free_sized(void *ptr, size_t len) {
  if (ptr != NULL && len != 0) {
    free(ptr);
  }
}

static void print_string(const proxy_string_t *s) {
  printf("%zu:", s->len);
  fwrite(s->ptr, 1, s->len, stdout);
}

/* list<string> at +0/+4 of the area */
static void print_string_list(const char *name) {
  proxy_string_t *items = ptr_at(0);
  size_t len = u32_at(4);
  printf("%s: ", name);
  for (size_t i = 0; i < len; i++) {
    printf("%s", i ? "," : "");
    print_string(&items[i]);
    free_sized(items[i].ptr, items[i].len);
  }
  printf("\n");
  free_sized(items, len);
}

/* list<tuple<string,string>> at +0/+4 of the area */
static void print_entry_list(const char *name) {
  types_tuple2_string_string_t *items = ptr_at(0);
  size_t len = u32_at(4);
  printf("%s: ", name);
  for (size_t i = 0; i < len; i++) {
    printf("%s", i ? "," : "");
    print_string(&items[i].f0);
    printf("=");
    print_string(&items[i].f1);
    free_sized(items[i].f0.ptr, items[i].f0.len);
    free_sized(items[i].f1.ptr, items[i].f1.len);
  }
  printf("\n");
  free_sized(items, len);
}

/* list<u8> at +off/+off+4 of the area, printed as <len>:<bytes> */
static void print_bytes(const char *name, size_t off) {
  proxy_string_t s = {ptr_at(off), u32_at(off + 4)};
  printf("%s: ", name);
  print_string(&s);
  printf("\n");
  free_sized(s.ptr, s.len);
}

static void fail(const char *what) {
  printf("probe failed: %s\n", what);
  fflush(stdout);
  exit(1);
}

typedef struct {
  types_scheme_t scheme;
  proxy_string_t authority, path, query;
} url_t;

static void parse_url(const char *url, url_t *u) {
  const char *sep = strstr(url, "://");
  if (sep == NULL) {
    fprintf(stderr, "usage: abi-probe scheme://authority[path][?query]\n");
    exit(2);
  }
  size_t scheme_len = (size_t)(sep - url);
  if (scheme_len == 4 && memcmp(url, "http", 4) == 0) {
    u->scheme.tag = TYPES_SCHEME_HTTP;
  } else if (scheme_len == 5 && memcmp(url, "https", 5) == 0) {
    u->scheme.tag = TYPES_SCHEME_HTTPS;
  } else {
    u->scheme.tag = TYPES_SCHEME_OTHER;
    u->scheme.val.other.ptr = (char *)url;
    u->scheme.val.other.len = scheme_len;
  }
  const char *authority = sep + 3;
  u->authority.ptr = (char *)authority;
  u->authority.len = strcspn(authority, "/?");
  const char *path = authority + u->authority.len;
  u->path.ptr = (char *)path;
  u->path.len = strcspn(path, "?");
  proxy_string_set(&u->query, path + u->path.len);
}

static types_outgoing_request_t new_request(uint8_t method_tag, const url_t *u,
                                            types_scheme_t *scheme) {
  types_list_tuple2_string_string_t none = {NULL, 0};
  types_headers_t headers = types_new_fields(&none);
  types_method_t method = {.tag = method_tag};
  url_t copy = *u;
  return types_new_outgoing_request(&method, &copy.path, &copy.query, scheme, &copy.authority,
                                    headers);
}

static int32_t handle(types_outgoing_request_t req) {
  return __wasm_import_default_outgoing_http_handle((int32_t)req, 0, 0, 0, 0, 0, 0, 0);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: abi-probe URL\n");
    return 2;
  }
  url_t u;
  parse_url(argv[1], &u);

  /* fields-get, fields-entries */
  types_tuple2_string_string_t pairs[2];
  proxy_string_set(&pairs[0].f0, "a");
  proxy_string_set(&pairs[0].f1, "1");
  proxy_string_set(&pairs[1].f0, "a");
  proxy_string_set(&pairs[1].f1, "2");
  types_list_tuple2_string_string_t list = {pairs, 2};
  types_fields_t f = types_new_fields(&list);

  fill();
  __wasm_import_types_fields_get((int32_t)f, I32("A"), 1, RP);
  dump("fields-get");
  print_string_list("fields-get-list");

  fill();
  __wasm_import_types_fields_entries((int32_t)f, RP);
  dump("fields-entries");
  print_entry_list("fields-entries-list");

  /* first request: GET URL */
  types_outgoing_request_t req1 = new_request(TYPES_METHOD_GET, &u, &u.scheme);
  fill();
  __wasm_import_types_outgoing_request_write((int32_t)req1, RP);
  dump("outgoing-request-write");
  if (area[0] != 0) {
    fail("outgoing-request-write");
  }
  types_finish_outgoing_stream(u32_at(4), NULL);

  int32_t future1 = handle(req1);
  fill();
  __wasm_import_types_future_incoming_response_get(future1, RP);
  dump("future-incoming-response-get");
  if (area[0] == 0 || area[4] != 0) {
    fail("future-incoming-response-get");
  }
  int32_t resp1 = (int32_t)u32_at(8);

  fill();
  __wasm_import_types_incoming_response_consume(resp1, RP);
  dump("incoming-response-consume");
  if (area[0] != 0) {
    fail("incoming-response-consume");
  }
  int32_t in1 = (int32_t)u32_at(4);

  fill();
  __wasm_import_streams_read(in1, 4, RP);
  dump("read");
  if (area[0] != 0) {
    fail("read");
  }
  print_bytes("read-list", 4);

  fill();
  __wasm_import_streams_skip(in1, 2, RP);
  dump("skip");

  fill();
  __wasm_import_streams_read(in1, 1048576, RP);
  dump("read-rest");
  if (area[0] != 0) {
    fail("read-rest");
  }
  print_bytes("read-rest-list", 4);

  fill();
  __wasm_import_types_finish_incoming_stream(in1, RP);
  dump("finish-incoming-stream");
  int32_t trailers = 0;
  if (area[0] != 0) {
    trailers = (int32_t)u32_at(4);
    fill();
    __wasm_import_types_fields_entries(trailers, RP);
    print_entry_list("trailers-list");
  } else {
    printf("trailers-list: none\n");
  }

  /* second request: POST URL with "hello" and three zeroes */
  types_outgoing_request_t req2 = new_request(TYPES_METHOD_POST, &u, &u.scheme);
  fill();
  __wasm_import_types_outgoing_request_write((int32_t)req2, RP);
  dump("outgoing-request-write-2");
  if (area[0] != 0) {
    fail("outgoing-request-write-2");
  }
  int32_t out2 = (int32_t)u32_at(4);

  fill();
  __wasm_import_streams_write(out2, I32("hello"), 5, RP);
  dump("write");

  fill();
  __wasm_import_streams_write_zeroes(out2, 3, RP);
  dump("write-zeroes");
  types_finish_outgoing_stream((types_outgoing_stream_t)out2, NULL);

  int32_t future2 = handle(req2);
  types_result_incoming_response_error_t result2;
  int32_t resp2 = 0;
  if (!types_future_incoming_response_get((uint32_t)future2, &result2)) {
    printf("second-response: none\n");
  } else if (result2.is_err) {
    printf("second-response: error %u\n", result2.val.err.tag);
    types_error_free(&result2.val.err);
  } else {
    resp2 = (int32_t)result2.val.ok;
    printf("second-response: %u\n", types_incoming_response_status(result2.val.ok));
  }

  /* third request: scheme other("ftp") must give an error */
  types_scheme_t ftp = {.tag = TYPES_SCHEME_OTHER};
  proxy_string_set(&ftp.val.other, "ftp");
  types_outgoing_request_t req3 = new_request(TYPES_METHOD_GET, &u, &ftp);
  int32_t future3 = handle(req3);
  fill();
  __wasm_import_types_future_incoming_response_get(future3, RP);
  dump("future-incoming-response-get-error");
  if (area[0] != 0 && area[4] != 0) {
    proxy_string_t text = {ptr_at(12), u32_at(16)};
    printf("future-error-list: %u:", area[8]);
    print_string(&text);
    printf("\n");
    free_sized(text.ptr, text.len);
  } else {
    printf("future-error-list: none\n");
  }

  /* poll-oneoff on the first future */
  static uint32_t pollables[1];
  pollables[0] = (uint32_t)__wasm_import_types_listen_to_future_incoming_response(future1);
  fill();
  __wasm_import_poll_poll_oneoff(I32(pollables), 1, RP);
  dump("poll-oneoff");
  {
    uint8_t *ready = ptr_at(0);
    size_t len = u32_at(4);
    printf("poll-oneoff-list: %zu:", len);
    for (size_t i = 0; i < len; i++) {
      printf("%02x", ready[i]);
    }
    printf("\n");
    free_sized(ready, len);
  }
  __wasm_import_poll_drop_pollable((int32_t)pollables[0]);

  fill();
  __wasm_import_random_get_random_bytes(8, RP);
  dump("get-random-bytes");
  printf("get-random-bytes-list: %u\n", u32_at(4));
  free_sized(ptr_at(0), u32_at(4));

  fill();
  __wasm_import_random_insecure_random(RP);
  dump("insecure-random");

  streams_drop_input_stream((uint32_t)in1);
  types_drop_incoming_response((uint32_t)resp1);
  if (resp2 != 0) {
    types_drop_incoming_response((uint32_t)resp2);
  }
  types_drop_future_incoming_response((uint32_t)future1);
  types_drop_future_incoming_response((uint32_t)future2);
  types_drop_future_incoming_response((uint32_t)future3);
  types_drop_outgoing_request(req1);
  types_drop_outgoing_request(req2);
  types_drop_outgoing_request(req3);
  if (trailers != 0) {
    types_drop_fields((uint32_t)trailers);
  }
  types_drop_fields(f);
  printf("done\n");
  fflush(stdout);
  return 0;
}
