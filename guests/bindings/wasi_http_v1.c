/*
 * wasi_http_v1.c - wrappers for wasi_http_v1.h (wasi-http "v1").
 *
 * Each wrapper flattens its arguments as the canonical ABI does, calls the raw
 * import, and decodes the return area at the offsets given in ABI-v1.md.
 * Tags and bools are read as the byte at their offset (the host writes whole
 * little-endian u32 words; the low byte is the value).
 */
#include "wasi_http_v1.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* cabi_realloc and memory helpers                                    */
/* ------------------------------------------------------------------ */

__attribute__((export_name("cabi_realloc"))) void *cabi_realloc(void *ptr, size_t old_size,
                                                                 size_t align, size_t new_size) {
  if (new_size == 0) {
    if (old_size != 0) {
      free(ptr);
    }
    return (void *)align;
  }
  if (old_size == 0) {
    ptr = NULL; /* ptr may be a dummy (align) from a zero-size allocation */
  }
  /* malloc aligns to at least 8 bytes, enough for every type in this ABI. */
  void *ret = realloc(ptr, new_size);
  if (ret == NULL) {
    abort();
  }
  return ret;
}

static void free_sized(void *ptr, size_t len) {
  if (ptr != NULL && len != 0) {
    free(ptr);
  }
}

void proxy_string_set(proxy_string_t *ret, const char *s) {
  ret->ptr = (char *)s;
  ret->len = strlen(s);
}

void proxy_string_dup(proxy_string_t *ret, const char *s) {
  ret->len = strlen(s);
  ret->ptr = (char *)cabi_realloc(NULL, 0, 1, ret->len);
  memcpy(ret->ptr, s, ret->len);
}

void proxy_string_free(proxy_string_t *ret) {
  free_sized(ret->ptr, ret->len);
  ret->ptr = NULL;
  ret->len = 0;
}

void types_tuple2_string_string_free(types_tuple2_string_string_t *ptr) {
  proxy_string_free(&ptr->f0);
  proxy_string_free(&ptr->f1);
}

void types_list_tuple2_string_string_free(types_list_tuple2_string_string_t *ptr) {
  for (size_t i = 0; i < ptr->len; i++) {
    types_tuple2_string_string_free(&ptr->ptr[i]);
  }
  free_sized(ptr->ptr, ptr->len);
  ptr->ptr = NULL;
  ptr->len = 0;
}

void types_list_string_free(types_list_string_t *ptr) {
  for (size_t i = 0; i < ptr->len; i++) {
    proxy_string_free(&ptr->ptr[i]);
  }
  free_sized(ptr->ptr, ptr->len);
  ptr->ptr = NULL;
  ptr->len = 0;
}

void types_method_free(types_method_t *ptr) {
  if (ptr->tag == TYPES_METHOD_OTHER) {
    proxy_string_free(&ptr->val.other);
  }
}

void types_scheme_free(types_scheme_t *ptr) {
  if (ptr->tag == TYPES_SCHEME_OTHER) {
    proxy_string_free(&ptr->val.other);
  }
}

void types_error_free(types_error_t *ptr) {
  /* every case carries a string at the same place */
  proxy_string_free(&ptr->val.invalid_url);
}

void types_result_incoming_response_error_free(types_result_incoming_response_error_t *ptr) {
  if (ptr->is_err) {
    types_error_free(&ptr->val.err);
  }
}

void types_result_outgoing_response_error_free(types_result_outgoing_response_error_t *ptr) {
  if (ptr->is_err) {
    types_error_free(&ptr->val.err);
  }
}

void streams_list_u8_free(streams_list_u8_t *ptr) {
  free_sized(ptr->ptr, ptr->len);
  ptr->ptr = NULL;
  ptr->len = 0;
}

void streams_tuple2_list_u8_bool_free(streams_tuple2_list_u8_bool_t *ptr) {
  streams_list_u8_free(&ptr->f0);
}

void poll_list_pollable_free(poll_list_pollable_t *ptr) {
  free_sized(ptr->ptr, ptr->len);
  ptr->ptr = NULL;
  ptr->len = 0;
}

void poll_list_u8_free(poll_list_u8_t *ptr) {
  free_sized(ptr->ptr, ptr->len);
  ptr->ptr = NULL;
  ptr->len = 0;
}

void random_list_u8_free(random_list_u8_t *ptr) {
  free_sized(ptr->ptr, ptr->len);
  ptr->ptr = NULL;
  ptr->len = 0;
}

/* ------------------------------------------------------------------ */
/* Return area and decoding                                           */
/* ------------------------------------------------------------------ */

/* Largest return layout is skip/splice: 24 bytes at 8-byte alignment. */
static uint8_t RET_AREA[32] __attribute__((aligned(8)));

#define I32(p) ((int32_t)(uintptr_t)(p))
#define RP I32(RET_AREA)

static inline uint8_t ld8(size_t off) {
  return RET_AREA[off];
}

static inline uint32_t ld32(size_t off) {
  uint32_t v;
  memcpy(&v, RET_AREA + off, sizeof v);
  return v;
}

static inline uint64_t ld64(size_t off) {
  uint64_t v;
  memcpy(&v, RET_AREA + off, sizeof v);
  return v;
}

static inline void *ldptr(size_t off) {
  return (void *)(uintptr_t)ld32(off);
}

static void ld_string(size_t off, proxy_string_t *ret) {
  ret->ptr = (char *)ldptr(off);
  ret->len = ld32(off + 4);
}

/* ------------------------------------------------------------------ */
/* types: fields                                                      */
/* ------------------------------------------------------------------ */

void types_drop_fields(types_fields_t fields) {
  __wasm_import_types_drop_fields((int32_t)fields);
}

types_fields_t types_new_fields(types_list_tuple2_string_string_t *entries) {
  return (types_fields_t)__wasm_import_types_new_fields(I32(entries->ptr),
                                                        (int32_t)entries->len);
}

void types_fields_get(types_fields_t fields, proxy_string_t *name, types_list_string_t *ret) {
  __wasm_import_types_fields_get((int32_t)fields, I32(name->ptr), (int32_t)name->len, RP);
  ret->ptr = (proxy_string_t *)ldptr(0);
  ret->len = ld32(4);
}

void types_fields_set(types_fields_t fields, proxy_string_t *name, types_list_string_t *value) {
  __wasm_import_types_fields_set((int32_t)fields, I32(name->ptr), (int32_t)name->len,
                                 I32(value->ptr), (int32_t)value->len);
}

void types_fields_delete(types_fields_t fields, proxy_string_t *name) {
  __wasm_import_types_fields_delete((int32_t)fields, I32(name->ptr), (int32_t)name->len);
}

void types_fields_append(types_fields_t fields, proxy_string_t *name, proxy_string_t *value) {
  __wasm_import_types_fields_append((int32_t)fields, I32(name->ptr), (int32_t)name->len,
                                    I32(value->ptr), (int32_t)value->len);
}

void types_fields_entries(types_fields_t fields, types_list_tuple2_string_string_t *ret) {
  __wasm_import_types_fields_entries((int32_t)fields, RP);
  ret->ptr = (types_tuple2_string_string_t *)ldptr(0);
  ret->len = ld32(4);
}

types_fields_t types_fields_clone(types_fields_t fields) {
  return (types_fields_t)__wasm_import_types_fields_clone((int32_t)fields);
}

/* ------------------------------------------------------------------ */
/* types: streams as bodies                                           */
/* ------------------------------------------------------------------ */

bool types_finish_incoming_stream(types_incoming_stream_t s, types_trailers_t *ret) {
  __wasm_import_types_finish_incoming_stream((int32_t)s, RP);
  if (ld8(0) == 0) {
    return false;
  }
  *ret = ld32(4);
  return true;
}

void types_finish_outgoing_stream(types_outgoing_stream_t s, types_trailers_t *maybe_trailers) {
  if (maybe_trailers != NULL) {
    __wasm_import_types_finish_outgoing_stream((int32_t)s, 1, (int32_t)*maybe_trailers);
  } else {
    __wasm_import_types_finish_outgoing_stream((int32_t)s, 0, 0);
  }
}

/* ------------------------------------------------------------------ */
/* types: requests                                                    */
/* ------------------------------------------------------------------ */

void types_drop_incoming_request(types_incoming_request_t request) {
  __wasm_import_types_drop_incoming_request((int32_t)request);
}

void types_drop_outgoing_request(types_outgoing_request_t request) {
  __wasm_import_types_drop_outgoing_request((int32_t)request);
}

void types_incoming_request_method(types_incoming_request_t request, types_method_t *ret) {
  __wasm_import_types_incoming_request_method((int32_t)request, RP);
  ret->tag = ld8(0);
  if (ret->tag == TYPES_METHOD_OTHER) {
    ld_string(4, &ret->val.other);
  }
}

void types_incoming_request_path(types_incoming_request_t request, proxy_string_t *ret) {
  __wasm_import_types_incoming_request_path((int32_t)request, RP);
  ld_string(0, ret);
}

void types_incoming_request_query(types_incoming_request_t request, proxy_string_t *ret) {
  __wasm_import_types_incoming_request_query((int32_t)request, RP);
  ld_string(0, ret);
}

bool types_incoming_request_scheme(types_incoming_request_t request, types_scheme_t *ret) {
  __wasm_import_types_incoming_request_scheme((int32_t)request, RP);
  if (ld8(0) == 0) {
    return false;
  }
  ret->tag = ld8(4);
  if (ret->tag == TYPES_SCHEME_OTHER) {
    ld_string(8, &ret->val.other);
  }
  return true;
}

void types_incoming_request_authority(types_incoming_request_t request, proxy_string_t *ret) {
  __wasm_import_types_incoming_request_authority((int32_t)request, RP);
  ld_string(0, ret);
}

types_headers_t types_incoming_request_headers(types_incoming_request_t request) {
  return (types_headers_t)__wasm_import_types_incoming_request_headers((int32_t)request);
}

bool types_incoming_request_consume(types_incoming_request_t request,
                                    types_incoming_stream_t *ret) {
  __wasm_import_types_incoming_request_consume((int32_t)request, RP);
  if (ld8(0) != 0) {
    return false;
  }
  *ret = ld32(4);
  return true;
}

types_outgoing_request_t types_new_outgoing_request(types_method_t *method, proxy_string_t *path,
                                                    proxy_string_t *query,
                                                    types_scheme_t *maybe_scheme,
                                                    proxy_string_t *authority,
                                                    types_headers_t headers) {
  int32_t method_ptr = 0, method_len = 0;
  if (method->tag == TYPES_METHOD_OTHER) {
    method_ptr = I32(method->val.other.ptr);
    method_len = (int32_t)method->val.other.len;
  }
  int32_t scheme_is_some = 0, scheme_tag = 0, scheme_ptr = 0, scheme_len = 0;
  if (maybe_scheme != NULL) {
    scheme_is_some = 1;
    scheme_tag = (int32_t)maybe_scheme->tag;
    if (maybe_scheme->tag == TYPES_SCHEME_OTHER) {
      scheme_ptr = I32(maybe_scheme->val.other.ptr);
      scheme_len = (int32_t)maybe_scheme->val.other.len;
    }
  }
  return (types_outgoing_request_t)__wasm_import_types_new_outgoing_request(
      (int32_t)method->tag, method_ptr, method_len, I32(path->ptr), (int32_t)path->len,
      I32(query->ptr), (int32_t)query->len, scheme_is_some, scheme_tag, scheme_ptr, scheme_len,
      I32(authority->ptr), (int32_t)authority->len, (int32_t)headers);
}

bool types_outgoing_request_write(types_outgoing_request_t request, types_outgoing_stream_t *ret) {
  __wasm_import_types_outgoing_request_write((int32_t)request, RP);
  if (ld8(0) != 0) {
    return false;
  }
  *ret = ld32(4);
  return true;
}

/* ------------------------------------------------------------------ */
/* types: responses                                                   */
/* ------------------------------------------------------------------ */

void types_drop_response_outparam(types_response_outparam_t response) {
  __wasm_import_types_drop_response_outparam((int32_t)response);
}

bool types_set_response_outparam(types_response_outparam_t param,
                                 types_result_outgoing_response_error_t *response) {
  int32_t result;
  if (response->is_err) {
    const proxy_string_t *text = &response->val.err.val.invalid_url; /* same place for all cases */
    result = __wasm_import_types_set_response_outparam((int32_t)param, 1,
                                                       (int32_t)response->val.err.tag,
                                                       I32(text->ptr), (int32_t)text->len);
  } else {
    result = __wasm_import_types_set_response_outparam((int32_t)param, 0,
                                                       (int32_t)response->val.ok, 0, 0);
  }
  return (result & 0xff) == 0;
}

void types_drop_incoming_response(types_incoming_response_t response) {
  __wasm_import_types_drop_incoming_response((int32_t)response);
}

void types_drop_outgoing_response(types_outgoing_response_t response) {
  __wasm_import_types_drop_outgoing_response((int32_t)response);
}

types_status_code_t types_incoming_response_status(types_incoming_response_t response) {
  return (types_status_code_t)__wasm_import_types_incoming_response_status((int32_t)response);
}

types_headers_t types_incoming_response_headers(types_incoming_response_t response) {
  return (types_headers_t)__wasm_import_types_incoming_response_headers((int32_t)response);
}

bool types_incoming_response_consume(types_incoming_response_t response,
                                     types_incoming_stream_t *ret) {
  __wasm_import_types_incoming_response_consume((int32_t)response, RP);
  if (ld8(0) != 0) {
    return false;
  }
  *ret = ld32(4);
  return true;
}

types_outgoing_response_t types_new_outgoing_response(types_status_code_t status_code,
                                                      types_headers_t headers) {
  return (types_outgoing_response_t)__wasm_import_types_new_outgoing_response(
      (int32_t)status_code, (int32_t)headers);
}

bool types_outgoing_response_write(types_outgoing_response_t response,
                                   types_outgoing_stream_t *ret) {
  __wasm_import_types_outgoing_response_write((int32_t)response, RP);
  if (ld8(0) != 0) {
    return false;
  }
  *ret = ld32(4);
  return true;
}

/* ------------------------------------------------------------------ */
/* types: future-incoming-response, log-it                            */
/* ------------------------------------------------------------------ */

void types_drop_future_incoming_response(types_future_incoming_response_t f) {
  __wasm_import_types_drop_future_incoming_response((int32_t)f);
}

bool types_future_incoming_response_get(types_future_incoming_response_t f,
                                        types_result_incoming_response_error_t *ret) {
  /* 20 B: +0 is_some, +4 is_err, +8 response or error tag, +12 ptr, +16 len */
  __wasm_import_types_future_incoming_response_get((int32_t)f, RP);
  if (ld8(0) == 0) {
    return false;
  }
  ret->is_err = ld8(4) != 0;
  if (!ret->is_err) {
    ret->val.ok = ld32(8);
  } else {
    ret->val.err.tag = ld8(8);
    ld_string(12, &ret->val.err.val.invalid_url); /* same place for all cases */
  }
  return true;
}

poll_pollable_t types_listen_to_future_incoming_response(types_future_incoming_response_t f) {
  return (poll_pollable_t)__wasm_import_types_listen_to_future_incoming_response((int32_t)f);
}

void types_log_it(proxy_string_t *message) {
  __wasm_import_types_log_it(I32(message->ptr), (int32_t)message->len);
}

/* ------------------------------------------------------------------ */
/* default-outgoing-HTTP                                              */
/* ------------------------------------------------------------------ */

default_outgoing_http_future_incoming_response_t default_outgoing_http_handle(
    default_outgoing_http_outgoing_request_t request,
    default_outgoing_http_request_options_t *maybe_options) {
  if (maybe_options == NULL) {
    return (default_outgoing_http_future_incoming_response_t)
        __wasm_import_default_outgoing_http_handle((int32_t)request, 0, 0, 0, 0, 0, 0, 0);
  }
  const types_option_u32_t *c = &maybe_options->connect_timeout_ms;
  const types_option_u32_t *fb = &maybe_options->first_byte_timeout_ms;
  const types_option_u32_t *bb = &maybe_options->between_bytes_timeout_ms;
  return (default_outgoing_http_future_incoming_response_t)
      __wasm_import_default_outgoing_http_handle(
          (int32_t)request, 1, c->is_some ? 1 : 0, c->is_some ? (int32_t)c->val : 0,
          fb->is_some ? 1 : 0, fb->is_some ? (int32_t)fb->val : 0, bb->is_some ? 1 : 0,
          bb->is_some ? (int32_t)bb->val : 0);
}

/* ------------------------------------------------------------------ */
/* streams                                                            */
/* ------------------------------------------------------------------ */

/* read: 16 B: +0 result tag, +4 ptr, +8 len, +12 end */
static bool decode_read(streams_tuple2_list_u8_bool_t *ret, streams_stream_error_t *err) {
  (void)err; /* stream-error carries nothing; err may be NULL */
  if (ld8(0) != 0) {
    return false;
  }
  ret->f0.ptr = (uint8_t *)ldptr(4);
  ret->f0.len = ld32(8);
  ret->f1 = ld8(12) != 0;
  return true;
}

/* skip, splice: 24 B: +0 result tag, +8 u64 count, +16 end */
static bool decode_u64_bool(streams_tuple2_u64_bool_t *ret, streams_stream_error_t *err) {
  (void)err; /* stream-error carries nothing; err may be NULL */
  if (ld8(0) != 0) {
    return false;
  }
  ret->f0 = ld64(8);
  ret->f1 = ld8(16) != 0;
  return true;
}

/* write, write-zeroes, forward: 16 B: +0 result tag, +8 u64 count */
static bool decode_u64(uint64_t *ret, streams_stream_error_t *err) {
  (void)err; /* stream-error carries nothing; err may be NULL */
  if (ld8(0) != 0) {
    return false;
  }
  *ret = ld64(8);
  return true;
}

bool streams_read(streams_input_stream_t self, uint64_t len, streams_tuple2_list_u8_bool_t *ret,
                  streams_stream_error_t *err) {
  __wasm_import_streams_read((int32_t)self, (int64_t)len, RP);
  return decode_read(ret, err);
}

bool streams_blocking_read(streams_input_stream_t self, uint64_t len,
                           streams_tuple2_list_u8_bool_t *ret, streams_stream_error_t *err) {
  __wasm_import_streams_blocking_read((int32_t)self, (int64_t)len, RP);
  return decode_read(ret, err);
}

bool streams_skip(streams_input_stream_t self, uint64_t len, streams_tuple2_u64_bool_t *ret,
                  streams_stream_error_t *err) {
  __wasm_import_streams_skip((int32_t)self, (int64_t)len, RP);
  return decode_u64_bool(ret, err);
}

bool streams_blocking_skip(streams_input_stream_t self, uint64_t len,
                           streams_tuple2_u64_bool_t *ret, streams_stream_error_t *err) {
  __wasm_import_streams_blocking_skip((int32_t)self, (int64_t)len, RP);
  return decode_u64_bool(ret, err);
}

poll_pollable_t streams_subscribe_to_input_stream(streams_input_stream_t self) {
  return (poll_pollable_t)__wasm_import_streams_subscribe_to_input_stream((int32_t)self);
}

void streams_drop_input_stream(streams_input_stream_t self) {
  __wasm_import_streams_drop_input_stream((int32_t)self);
}

bool streams_write(streams_output_stream_t self, streams_list_u8_t *buf, uint64_t *ret,
                   streams_stream_error_t *err) {
  __wasm_import_streams_write((int32_t)self, I32(buf->ptr), (int32_t)buf->len, RP);
  return decode_u64(ret, err);
}

bool streams_blocking_write(streams_output_stream_t self, streams_list_u8_t *buf, uint64_t *ret,
                            streams_stream_error_t *err) {
  __wasm_import_streams_blocking_write((int32_t)self, I32(buf->ptr), (int32_t)buf->len, RP);
  return decode_u64(ret, err);
}

bool streams_write_zeroes(streams_output_stream_t self, uint64_t len, uint64_t *ret,
                          streams_stream_error_t *err) {
  __wasm_import_streams_write_zeroes((int32_t)self, (int64_t)len, RP);
  return decode_u64(ret, err);
}

bool streams_blocking_write_zeroes(streams_output_stream_t self, uint64_t len, uint64_t *ret,
                                   streams_stream_error_t *err) {
  __wasm_import_streams_blocking_write_zeroes((int32_t)self, (int64_t)len, RP);
  return decode_u64(ret, err);
}

bool streams_splice(streams_output_stream_t self, streams_input_stream_t src, uint64_t len,
                    streams_tuple2_u64_bool_t *ret, streams_stream_error_t *err) {
  __wasm_import_streams_splice((int32_t)self, (int32_t)src, (int64_t)len, RP);
  return decode_u64_bool(ret, err);
}

bool streams_blocking_splice(streams_output_stream_t self, streams_input_stream_t src,
                             uint64_t len, streams_tuple2_u64_bool_t *ret,
                             streams_stream_error_t *err) {
  __wasm_import_streams_blocking_splice((int32_t)self, (int32_t)src, (int64_t)len, RP);
  return decode_u64_bool(ret, err);
}

bool streams_forward(streams_output_stream_t self, streams_input_stream_t src, uint64_t *ret,
                     streams_stream_error_t *err) {
  __wasm_import_streams_forward((int32_t)self, (int32_t)src, RP);
  return decode_u64(ret, err);
}

poll_pollable_t streams_subscribe_to_output_stream(streams_output_stream_t self) {
  return (poll_pollable_t)__wasm_import_streams_subscribe_to_output_stream((int32_t)self);
}

void streams_drop_output_stream(streams_output_stream_t self) {
  __wasm_import_streams_drop_output_stream((int32_t)self);
}

/* ------------------------------------------------------------------ */
/* poll, random, console                                              */
/* ------------------------------------------------------------------ */

void poll_drop_pollable(poll_pollable_t self) {
  __wasm_import_poll_drop_pollable((int32_t)self);
}

void poll_poll_oneoff(poll_list_pollable_t *in, poll_list_u8_t *ret) {
  __wasm_import_poll_poll_oneoff(I32(in->ptr), (int32_t)in->len, RP);
  ret->ptr = (uint8_t *)ldptr(0);
  ret->len = ld32(4);
}

void random_get_random_bytes(uint64_t len, random_list_u8_t *ret) {
  __wasm_import_random_get_random_bytes((int64_t)len, RP);
  ret->ptr = (uint8_t *)ldptr(0);
  ret->len = ld32(4);
}

uint64_t random_get_random_u64(void) {
  return (uint64_t)__wasm_import_random_get_random_u64();
}

void random_insecure_random(random_tuple2_u64_u64_t *ret) {
  __wasm_import_random_insecure_random(RP);
  ret->f0 = ld64(0);
  ret->f1 = ld64(8);
}

void console_log(console_level_t level, proxy_string_t *context, proxy_string_t *message) {
  __wasm_import_console_log((int32_t)level, I32(context->ptr), (int32_t)context->len,
                            I32(message->ptr), (int32_t)message->len);
}
