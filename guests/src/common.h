/*
 * Helpers shared by the test guests (the examples stay self-contained):
 * waiting on a stream, reading and hashing a body, starting a response.
 */
#ifndef GUESTS_COMMON_H
#define GUESTS_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "wasi_http_v1.h"

#define FNV1A64_BASIS 0xcbf29ce484222325ull

/* FNV-1a 64 over more bytes: start from FNV1A64_BASIS. */
static inline uint64_t fnv1a64(uint64_t hash, const uint8_t *bytes, size_t len) {
  for (size_t i = 0; i < len; i++) {
    hash ^= bytes[i];
    hash *= 0x100000001b3ull;
  }
  return hash;
}

/* Blocks on poll-oneoff until `p` is ready; returns its readiness byte, and drops it. */
static inline uint8_t wait_for(poll_pollable_t p) {
  poll_list_pollable_t in = {&p, 1};
  poll_list_u8_t ready;
  poll_poll_oneoff(&in, &ready);
  uint8_t first = ready.len > 0 ? ready.ptr[0] : 0;
  poll_list_u8_free(&ready);
  poll_drop_pollable(p);
  return first;
}

static inline void wait_readable(streams_input_stream_t in) { wait_for(streams_subscribe_to_input_stream(in)); }

static inline void wait_writable(streams_output_stream_t out) { wait_for(streams_subscribe_to_output_stream(out)); }

/*
 * Reads a body to its end in 1 MiB reads, adding its length to *count and,
 * unless `hash` is NULL, folding it into *hash (FNV-1a 64); false when a
 * read fails (*count then says how far it got).
 */
static inline bool read_to_end(streams_input_stream_t in, uint64_t *count, uint64_t *hash) {
  for (;;) {
    streams_tuple2_list_u8_bool_t r;
    if (!streams_read(in, 1024 * 1024, &r, NULL)) {
      return false;
    }
    if (hash != NULL) {
      *hash = fnv1a64(*hash, r.f0.ptr, r.f0.len);
    }
    *count += r.f0.len;
    bool end = r.f1;
    bool empty = r.f0.len == 0;
    streams_list_u8_free(&r.f0);
    if (end) {
      return true;
    }
    if (empty) {
      wait_readable(in);
    }
  }
}

/* Sleeps `ms` milliseconds (nanosleep: WASI poll_oneoff on a clock). */
static inline void sleep_ms(uint64_t ms) {
  struct timespec pause = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000};
  nanosleep(&pause, NULL);
}

/* Sets a response of `status` with these headers and returns its body stream, or 0. */
static inline types_outgoing_stream_t start_response(http_response_outparam_t out, uint16_t status,
                                                     types_tuple2_string_string_t *headers, size_t n) {
  types_list_tuple2_string_string_t list = {headers, n};
  types_outgoing_response_t response = types_new_outgoing_response(status, types_new_fields(&list));
  types_outgoing_stream_t body = 0;
  if (!types_outgoing_response_write(response, &body)) {
    return 0;
  }
  types_result_outgoing_response_error_t result = {.is_err = false, .val.ok = response};
  types_set_response_outparam(out, &result);
  return body;
}

#endif
