/*
 * wasi_http_v1.h - C bindings for wasi-http "v1" (spec commit 244e068) for
 * core-wasm guests built with clang --target=wasm32-wasi.
 *
 * Written by hand from the host contract in ABI-v1.md (shared spec) and the
 * v1 WIT files; no code was generated.  The public API follows the naming
 * style of the C bindings of that era (proxy_string_t, types_*, streams_*,
 * poll_*, random_*, console_*, default_outgoing_http_*), so that a C guest
 * written against those bindings compiles against this header.
 *
 * Two layers:
 *   - raw imports, __wasm_import_<module>_<name>: one per host function, with
 *     the exact core-wasm signature of the ABI table (i32 for handles,
 *     pointers, lengths, tags and bools; i64 for u64 values);
 *   - friendly wrappers (types_fields_get, streams_read, ...), implemented in
 *     wasi_http_v1.c.
 *
 * Layout rules (canonical ABI, wasm32):
 *   - strings and lists are (ptr, len) pairs; len counts elements.  A string
 *     is 8 bytes, a tuple<string,string> is 16 bytes, so proxy_string_t and
 *     types_tuple2_string_string_t arrays can be passed to and received from
 *     the host as they are.
 *   - option<T> / variant / result parameters are flattened: is_some (or tag)
 *     first, then the payload; absent payloads are passed as zeros.
 *   - results that do not fit one i32/i64 are written by the host at a return
 *     pointer (rp, the last parameter), fields at their natural alignment, a
 *     variant's payload at the alignment of its widest case (so a u64 payload
 *     sits at +8).  The host writes tags and bools as u32 words; the wrappers
 *     read the low byte only.
 *   - lists and strings returned by the host are allocated in guest memory
 *     through the exported cabi_realloc (malloc/realloc underneath): release
 *     them with free() or the *_free helpers below.  A zero-length list may
 *     carry a non-NULL dummy pointer: the helpers never free those.
 *   - result/option returns become a bool return (true = ok / some) plus
 *     out-pointers; an option<T> parameter becomes a pointer, NULL = none.
 *     The streams_stream_error_t *err out-pointer is never written (the
 *     record is empty), so it may be NULL.
 *
 * Not thread-safe: the wrappers share one static return area.
 */
#ifndef WASI_HTTP_V1_H
#define WASI_HTTP_V1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Raw imports (exact ABI-v1 signatures)                               */
/* ------------------------------------------------------------------ */

#define WASI_HTTP_V1_IMPORT(module, name) \
  __attribute__((import_module(module), import_name(name))) extern

/* module "types" */
WASI_HTTP_V1_IMPORT("types", "new-fields")
int32_t __wasm_import_types_new_fields(int32_t list_ptr, int32_t list_len);
WASI_HTTP_V1_IMPORT("types", "fields-get")
void __wasm_import_types_fields_get(int32_t fields, int32_t name_ptr, int32_t name_len, int32_t rp);
WASI_HTTP_V1_IMPORT("types", "fields-set")
void __wasm_import_types_fields_set(int32_t fields, int32_t name_ptr, int32_t name_len,
                                    int32_t values_ptr, int32_t values_len);
WASI_HTTP_V1_IMPORT("types", "fields-delete")
void __wasm_import_types_fields_delete(int32_t fields, int32_t name_ptr, int32_t name_len);
WASI_HTTP_V1_IMPORT("types", "fields-append")
void __wasm_import_types_fields_append(int32_t fields, int32_t name_ptr, int32_t name_len,
                                       int32_t value_ptr, int32_t value_len);
WASI_HTTP_V1_IMPORT("types", "fields-entries")
void __wasm_import_types_fields_entries(int32_t fields, int32_t rp);
WASI_HTTP_V1_IMPORT("types", "fields-clone")
int32_t __wasm_import_types_fields_clone(int32_t fields);
WASI_HTTP_V1_IMPORT("types", "drop-fields")
void __wasm_import_types_drop_fields(int32_t fields);
WASI_HTTP_V1_IMPORT("types", "new-outgoing-request")
int32_t __wasm_import_types_new_outgoing_request(
    int32_t method_tag, int32_t method_ptr, int32_t method_len, int32_t path_ptr, int32_t path_len,
    int32_t query_ptr, int32_t query_len, int32_t scheme_is_some, int32_t scheme_tag,
    int32_t scheme_ptr, int32_t scheme_len, int32_t authority_ptr, int32_t authority_len,
    int32_t headers);
WASI_HTTP_V1_IMPORT("types", "outgoing-request-write")
void __wasm_import_types_outgoing_request_write(int32_t request, int32_t rp);
WASI_HTTP_V1_IMPORT("types", "drop-outgoing-request")
void __wasm_import_types_drop_outgoing_request(int32_t request);
WASI_HTTP_V1_IMPORT("types", "incoming-request-method")
void __wasm_import_types_incoming_request_method(int32_t request, int32_t rp);
WASI_HTTP_V1_IMPORT("types", "incoming-request-path")
void __wasm_import_types_incoming_request_path(int32_t request, int32_t rp);
WASI_HTTP_V1_IMPORT("types", "incoming-request-query")
void __wasm_import_types_incoming_request_query(int32_t request, int32_t rp);
WASI_HTTP_V1_IMPORT("types", "incoming-request-scheme")
void __wasm_import_types_incoming_request_scheme(int32_t request, int32_t rp);
WASI_HTTP_V1_IMPORT("types", "incoming-request-authority")
void __wasm_import_types_incoming_request_authority(int32_t request, int32_t rp);
WASI_HTTP_V1_IMPORT("types", "incoming-request-headers")
int32_t __wasm_import_types_incoming_request_headers(int32_t request);
WASI_HTTP_V1_IMPORT("types", "incoming-request-consume")
void __wasm_import_types_incoming_request_consume(int32_t request, int32_t rp);
WASI_HTTP_V1_IMPORT("types", "drop-incoming-request")
void __wasm_import_types_drop_incoming_request(int32_t request);
WASI_HTTP_V1_IMPORT("types", "new-outgoing-response")
int32_t __wasm_import_types_new_outgoing_response(int32_t status, int32_t headers);
WASI_HTTP_V1_IMPORT("types", "outgoing-response-write")
void __wasm_import_types_outgoing_response_write(int32_t response, int32_t rp);
WASI_HTTP_V1_IMPORT("types", "drop-outgoing-response")
void __wasm_import_types_drop_outgoing_response(int32_t response);
WASI_HTTP_V1_IMPORT("types", "set-response-outparam")
int32_t __wasm_import_types_set_response_outparam(int32_t outparam, int32_t is_err,
                                                  int32_t response_or_error_tag,
                                                  int32_t error_ptr, int32_t error_len);
WASI_HTTP_V1_IMPORT("types", "drop-response-outparam")
void __wasm_import_types_drop_response_outparam(int32_t outparam);
WASI_HTTP_V1_IMPORT("types", "incoming-response-status")
int32_t __wasm_import_types_incoming_response_status(int32_t response);
WASI_HTTP_V1_IMPORT("types", "incoming-response-headers")
int32_t __wasm_import_types_incoming_response_headers(int32_t response);
WASI_HTTP_V1_IMPORT("types", "incoming-response-consume")
void __wasm_import_types_incoming_response_consume(int32_t response, int32_t rp);
WASI_HTTP_V1_IMPORT("types", "drop-incoming-response")
void __wasm_import_types_drop_incoming_response(int32_t response);
WASI_HTTP_V1_IMPORT("types", "future-incoming-response-get")
void __wasm_import_types_future_incoming_response_get(int32_t future, int32_t rp);
WASI_HTTP_V1_IMPORT("types", "listen-to-future-incoming-response")
int32_t __wasm_import_types_listen_to_future_incoming_response(int32_t future);
WASI_HTTP_V1_IMPORT("types", "drop-future-incoming-response")
void __wasm_import_types_drop_future_incoming_response(int32_t future);
WASI_HTTP_V1_IMPORT("types", "finish-incoming-stream")
void __wasm_import_types_finish_incoming_stream(int32_t stream, int32_t rp);
WASI_HTTP_V1_IMPORT("types", "finish-outgoing-stream")
void __wasm_import_types_finish_outgoing_stream(int32_t stream, int32_t trailers_is_some,
                                                int32_t trailers);
WASI_HTTP_V1_IMPORT("types", "log-it")
void __wasm_import_types_log_it(int32_t ptr, int32_t len);

/* module "default-outgoing-HTTP" */
WASI_HTTP_V1_IMPORT("default-outgoing-HTTP", "handle")
int32_t __wasm_import_default_outgoing_http_handle(
    int32_t request, int32_t options_is_some, int32_t connect_is_some, int32_t connect_ms,
    int32_t first_byte_is_some, int32_t first_byte_ms, int32_t between_bytes_is_some,
    int32_t between_bytes_ms);

/* module "streams" */
WASI_HTTP_V1_IMPORT("streams", "read")
void __wasm_import_streams_read(int32_t stream, int64_t len, int32_t rp);
WASI_HTTP_V1_IMPORT("streams", "blocking-read")
void __wasm_import_streams_blocking_read(int32_t stream, int64_t len, int32_t rp);
WASI_HTTP_V1_IMPORT("streams", "skip")
void __wasm_import_streams_skip(int32_t stream, int64_t len, int32_t rp);
WASI_HTTP_V1_IMPORT("streams", "blocking-skip")
void __wasm_import_streams_blocking_skip(int32_t stream, int64_t len, int32_t rp);
WASI_HTTP_V1_IMPORT("streams", "subscribe-to-input-stream")
int32_t __wasm_import_streams_subscribe_to_input_stream(int32_t stream);
WASI_HTTP_V1_IMPORT("streams", "drop-input-stream")
void __wasm_import_streams_drop_input_stream(int32_t stream);
WASI_HTTP_V1_IMPORT("streams", "write")
void __wasm_import_streams_write(int32_t stream, int32_t buf_ptr, int32_t buf_len, int32_t rp);
WASI_HTTP_V1_IMPORT("streams", "blocking-write")
void __wasm_import_streams_blocking_write(int32_t stream, int32_t buf_ptr, int32_t buf_len,
                                          int32_t rp);
WASI_HTTP_V1_IMPORT("streams", "write-zeroes")
void __wasm_import_streams_write_zeroes(int32_t stream, int64_t len, int32_t rp);
WASI_HTTP_V1_IMPORT("streams", "blocking-write-zeroes")
void __wasm_import_streams_blocking_write_zeroes(int32_t stream, int64_t len, int32_t rp);
WASI_HTTP_V1_IMPORT("streams", "splice")
void __wasm_import_streams_splice(int32_t out, int32_t src, int64_t len, int32_t rp);
WASI_HTTP_V1_IMPORT("streams", "blocking-splice")
void __wasm_import_streams_blocking_splice(int32_t out, int32_t src, int64_t len, int32_t rp);
WASI_HTTP_V1_IMPORT("streams", "forward")
void __wasm_import_streams_forward(int32_t out, int32_t src, int32_t rp);
WASI_HTTP_V1_IMPORT("streams", "subscribe-to-output-stream")
int32_t __wasm_import_streams_subscribe_to_output_stream(int32_t stream);
WASI_HTTP_V1_IMPORT("streams", "drop-output-stream")
void __wasm_import_streams_drop_output_stream(int32_t stream);

/* module "poll" */
WASI_HTTP_V1_IMPORT("poll", "drop-pollable")
void __wasm_import_poll_drop_pollable(int32_t pollable);
WASI_HTTP_V1_IMPORT("poll", "poll-oneoff")
void __wasm_import_poll_poll_oneoff(int32_t list_ptr, int32_t list_len, int32_t rp);

/* module "random" */
WASI_HTTP_V1_IMPORT("random", "get-random-bytes")
void __wasm_import_random_get_random_bytes(int64_t len, int32_t rp);
WASI_HTTP_V1_IMPORT("random", "get-random-u64")
int64_t __wasm_import_random_get_random_u64(void);
WASI_HTTP_V1_IMPORT("random", "insecure-random")
void __wasm_import_random_insecure_random(int32_t rp);

/* module "console" */
WASI_HTTP_V1_IMPORT("console", "log")
void __wasm_import_console_log(int32_t level, int32_t context_ptr, int32_t context_len,
                               int32_t message_ptr, int32_t message_len);

#undef WASI_HTTP_V1_IMPORT

/* ------------------------------------------------------------------ */
/* Types                                                              */
/* ------------------------------------------------------------------ */

typedef struct {
  char *ptr;
  size_t len;
} proxy_string_t;

/* poll */
typedef uint32_t poll_pollable_t;
typedef struct {
  poll_pollable_t *ptr;
  size_t len;
} poll_list_pollable_t;
typedef struct {
  uint8_t *ptr;
  size_t len;
} poll_list_u8_t;

/* streams */
typedef uint32_t streams_input_stream_t;
typedef uint32_t streams_output_stream_t;
typedef struct {
  char dummy; /* stream-error is an empty record */
} streams_stream_error_t;
typedef struct {
  uint8_t *ptr;
  size_t len;
} streams_list_u8_t;
typedef struct {
  streams_list_u8_t f0;
  bool f1;
} streams_tuple2_list_u8_bool_t;
typedef struct {
  uint64_t f0;
  bool f1;
} streams_tuple2_u64_bool_t;

/* random */
typedef struct {
  uint8_t *ptr;
  size_t len;
} random_list_u8_t;
typedef struct {
  uint64_t f0;
  uint64_t f1;
} random_tuple2_u64_u64_t;

/* console (logging handler) */
typedef uint8_t console_level_t;
#define CONSOLE_LEVEL_TRACE 0
#define CONSOLE_LEVEL_DEBUG 1
#define CONSOLE_LEVEL_INFO 2
#define CONSOLE_LEVEL_WARN 3
#define CONSOLE_LEVEL_ERROR 4

/* types */
typedef uint32_t types_fields_t;
typedef types_fields_t types_headers_t;
typedef types_fields_t types_trailers_t;
typedef streams_input_stream_t types_input_stream_t;
typedef streams_output_stream_t types_output_stream_t;
typedef streams_input_stream_t types_incoming_stream_t;
typedef streams_output_stream_t types_outgoing_stream_t;
typedef poll_pollable_t types_pollable_t;
typedef uint32_t types_incoming_request_t;
typedef uint32_t types_outgoing_request_t;
typedef uint32_t types_response_outparam_t;
typedef uint16_t types_status_code_t;
typedef uint32_t types_incoming_response_t;
typedef uint32_t types_outgoing_response_t;
typedef uint32_t types_future_incoming_response_t;

typedef struct {
  proxy_string_t f0;
  proxy_string_t f1;
} types_tuple2_string_string_t;
typedef struct {
  types_tuple2_string_string_t *ptr;
  size_t len;
} types_list_tuple2_string_string_t;
typedef struct {
  proxy_string_t *ptr;
  size_t len;
} types_list_string_t;

typedef struct {
  uint8_t tag;
  union {
    proxy_string_t other;
  } val;
} types_method_t;
#define TYPES_METHOD_GET 0
#define TYPES_METHOD_HEAD 1
#define TYPES_METHOD_POST 2
#define TYPES_METHOD_PUT 3
#define TYPES_METHOD_DELETE 4
#define TYPES_METHOD_CONNECT 5
#define TYPES_METHOD_OPTIONS 6
#define TYPES_METHOD_TRACE 7
#define TYPES_METHOD_PATCH 8
#define TYPES_METHOD_OTHER 9

typedef struct {
  uint8_t tag;
  union {
    proxy_string_t other;
  } val;
} types_scheme_t;
#define TYPES_SCHEME_HTTP 0
#define TYPES_SCHEME_HTTPS 1
#define TYPES_SCHEME_OTHER 2

typedef struct {
  uint8_t tag;
  union {
    proxy_string_t invalid_url;
    proxy_string_t timeout_error;
    proxy_string_t protocol_error;
    proxy_string_t unexpected_error;
  } val;
} types_error_t;
#define TYPES_ERROR_INVALID_URL 0
#define TYPES_ERROR_TIMEOUT_ERROR 1
#define TYPES_ERROR_PROTOCOL_ERROR 2
#define TYPES_ERROR_UNEXPECTED_ERROR 3

typedef struct {
  bool is_some;
  uint32_t val;
} types_option_u32_t;
typedef struct {
  types_option_u32_t connect_timeout_ms;
  types_option_u32_t first_byte_timeout_ms;
  types_option_u32_t between_bytes_timeout_ms;
} types_request_options_t;

typedef struct {
  bool is_err;
  union {
    types_incoming_response_t ok;
    types_error_t err;
  } val;
} types_result_incoming_response_error_t;
typedef struct {
  bool is_err;
  union {
    types_outgoing_response_t ok;
    types_error_t err;
  } val;
} types_result_outgoing_response_error_t;

/* default-outgoing-HTTP (outgoing-handler) */
typedef types_outgoing_request_t default_outgoing_http_outgoing_request_t;
typedef types_request_options_t default_outgoing_http_request_options_t;
typedef types_future_incoming_response_t default_outgoing_http_future_incoming_response_t;

/* HTTP (incoming-handler, exported) */
typedef types_incoming_request_t http_incoming_request_t;
typedef types_response_outparam_t http_response_outparam_t;

/* ------------------------------------------------------------------ */
/* Memory helpers                                                     */
/* ------------------------------------------------------------------ */

/* Exported to the host: (old ptr, old size, align, new size) -> ptr. */
void *cabi_realloc(void *ptr, size_t old_size, size_t align, size_t new_size);

void proxy_string_set(proxy_string_t *ret, const char *s); /* no copy */
void proxy_string_dup(proxy_string_t *ret, const char *s); /* malloc'd copy */
void proxy_string_free(proxy_string_t *ret);

void types_tuple2_string_string_free(types_tuple2_string_string_t *ptr);
void types_list_tuple2_string_string_free(types_list_tuple2_string_string_t *ptr);
void types_list_string_free(types_list_string_t *ptr);
void types_method_free(types_method_t *ptr);
void types_scheme_free(types_scheme_t *ptr);
void types_error_free(types_error_t *ptr);
void types_result_incoming_response_error_free(types_result_incoming_response_error_t *ptr);
void types_result_outgoing_response_error_free(types_result_outgoing_response_error_t *ptr);
void streams_list_u8_free(streams_list_u8_t *ptr);
void streams_tuple2_list_u8_bool_free(streams_tuple2_list_u8_bool_t *ptr);
void poll_list_pollable_free(poll_list_pollable_t *ptr);
void poll_list_u8_free(poll_list_u8_t *ptr);
void random_list_u8_free(random_list_u8_t *ptr);

/* ------------------------------------------------------------------ */
/* types                                                              */
/* ------------------------------------------------------------------ */

void types_drop_fields(types_fields_t fields);
types_fields_t types_new_fields(types_list_tuple2_string_string_t *entries);
void types_fields_get(types_fields_t fields, proxy_string_t *name, types_list_string_t *ret);
void types_fields_set(types_fields_t fields, proxy_string_t *name, types_list_string_t *value);
void types_fields_delete(types_fields_t fields, proxy_string_t *name);
void types_fields_append(types_fields_t fields, proxy_string_t *name, proxy_string_t *value);
void types_fields_entries(types_fields_t fields, types_list_tuple2_string_string_t *ret);
types_fields_t types_fields_clone(types_fields_t fields);

bool types_finish_incoming_stream(types_incoming_stream_t s, types_trailers_t *ret);
void types_finish_outgoing_stream(types_outgoing_stream_t s,
                                  types_trailers_t *maybe_trailers /* NULL = none */);

void types_drop_incoming_request(types_incoming_request_t request);
void types_drop_outgoing_request(types_outgoing_request_t request);
void types_incoming_request_method(types_incoming_request_t request, types_method_t *ret);
void types_incoming_request_path(types_incoming_request_t request, proxy_string_t *ret);
void types_incoming_request_query(types_incoming_request_t request, proxy_string_t *ret);
bool types_incoming_request_scheme(types_incoming_request_t request, types_scheme_t *ret);
void types_incoming_request_authority(types_incoming_request_t request, proxy_string_t *ret);
types_headers_t types_incoming_request_headers(types_incoming_request_t request);
bool types_incoming_request_consume(types_incoming_request_t request,
                                    types_incoming_stream_t *ret);
types_outgoing_request_t types_new_outgoing_request(types_method_t *method, proxy_string_t *path,
                                                    proxy_string_t *query,
                                                    types_scheme_t *maybe_scheme /* NULL = none */,
                                                    proxy_string_t *authority,
                                                    types_headers_t headers);
bool types_outgoing_request_write(types_outgoing_request_t request, types_outgoing_stream_t *ret);

void types_drop_response_outparam(types_response_outparam_t response);
bool types_set_response_outparam(types_response_outparam_t param,
                                 types_result_outgoing_response_error_t *response);

void types_drop_incoming_response(types_incoming_response_t response);
void types_drop_outgoing_response(types_outgoing_response_t response);
types_status_code_t types_incoming_response_status(types_incoming_response_t response);
types_headers_t types_incoming_response_headers(types_incoming_response_t response);
bool types_incoming_response_consume(types_incoming_response_t response,
                                     types_incoming_stream_t *ret);
types_outgoing_response_t types_new_outgoing_response(types_status_code_t status_code,
                                                      types_headers_t headers);
bool types_outgoing_response_write(types_outgoing_response_t response,
                                   types_outgoing_stream_t *ret);

void types_drop_future_incoming_response(types_future_incoming_response_t f);
bool types_future_incoming_response_get(types_future_incoming_response_t f,
                                        types_result_incoming_response_error_t *ret);
poll_pollable_t types_listen_to_future_incoming_response(types_future_incoming_response_t f);

/* wasi-go's extension: import "types" "log-it" (ptr, len). */
void types_log_it(proxy_string_t *message);

/* ------------------------------------------------------------------ */
/* default-outgoing-HTTP                                              */
/* ------------------------------------------------------------------ */

default_outgoing_http_future_incoming_response_t default_outgoing_http_handle(
    default_outgoing_http_outgoing_request_t request,
    default_outgoing_http_request_options_t *maybe_options /* NULL = none */);

/* ------------------------------------------------------------------ */
/* streams                                                            */
/* ------------------------------------------------------------------ */

bool streams_read(streams_input_stream_t self, uint64_t len, streams_tuple2_list_u8_bool_t *ret,
                  streams_stream_error_t *err);
bool streams_blocking_read(streams_input_stream_t self, uint64_t len,
                           streams_tuple2_list_u8_bool_t *ret, streams_stream_error_t *err);
bool streams_skip(streams_input_stream_t self, uint64_t len, streams_tuple2_u64_bool_t *ret,
                  streams_stream_error_t *err);
bool streams_blocking_skip(streams_input_stream_t self, uint64_t len,
                           streams_tuple2_u64_bool_t *ret, streams_stream_error_t *err);
poll_pollable_t streams_subscribe_to_input_stream(streams_input_stream_t self);
void streams_drop_input_stream(streams_input_stream_t self);

bool streams_write(streams_output_stream_t self, streams_list_u8_t *buf, uint64_t *ret,
                   streams_stream_error_t *err);
bool streams_blocking_write(streams_output_stream_t self, streams_list_u8_t *buf, uint64_t *ret,
                            streams_stream_error_t *err);
bool streams_write_zeroes(streams_output_stream_t self, uint64_t len, uint64_t *ret,
                          streams_stream_error_t *err);
bool streams_blocking_write_zeroes(streams_output_stream_t self, uint64_t len, uint64_t *ret,
                                   streams_stream_error_t *err);
bool streams_splice(streams_output_stream_t self, streams_input_stream_t src, uint64_t len,
                    streams_tuple2_u64_bool_t *ret, streams_stream_error_t *err);
bool streams_blocking_splice(streams_output_stream_t self, streams_input_stream_t src,
                             uint64_t len, streams_tuple2_u64_bool_t *ret,
                             streams_stream_error_t *err);
bool streams_forward(streams_output_stream_t self, streams_input_stream_t src, uint64_t *ret,
                     streams_stream_error_t *err);
poll_pollable_t streams_subscribe_to_output_stream(streams_output_stream_t self);
void streams_drop_output_stream(streams_output_stream_t self);

/* ------------------------------------------------------------------ */
/* poll, random, console                                              */
/* ------------------------------------------------------------------ */

void poll_drop_pollable(poll_pollable_t self);
void poll_poll_oneoff(poll_list_pollable_t *in, poll_list_u8_t *ret);

void random_get_random_bytes(uint64_t len, random_list_u8_t *ret);
uint64_t random_get_random_u64(void);
void random_insecure_random(random_tuple2_u64_u64_t *ret);

void console_log(console_level_t level, proxy_string_t *context, proxy_string_t *message);

/* ------------------------------------------------------------------ */
/* Export HTTP#handle (server guests: link http_export.c too)          */
/* ------------------------------------------------------------------ */

void http_handle(http_incoming_request_t request, http_response_outparam_t response_out);

#ifdef __cplusplus
}
#endif

#endif /* WASI_HTTP_V1_H */
