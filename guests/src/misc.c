/*
 * misc - exercises the random and console imports and types.log-it.
 */
#include <stdio.h>
#include <string.h>

#include "wasi_http_v1.h"

int main(void) {
  random_list_u8_t a, b, empty;
  random_get_random_bytes(32, &a);
  random_get_random_bytes(32, &b);
  int differ = a.len != b.len || (a.len > 0 && memcmp(a.ptr, b.ptr, a.len) != 0);
  printf("random-bytes: %zu %zu differ=%d\n", a.len, b.len, differ);
  random_list_u8_free(&a);
  random_list_u8_free(&b);

  random_get_random_bytes(0, &empty);
  printf("random-bytes-empty: %zu\n", empty.len);
  random_list_u8_free(&empty);

  uint64_t x = random_get_random_u64();
  uint64_t y = random_get_random_u64();
  printf("random-u64 differ=%d\n", x != y);

  random_tuple2_u64_u64_t insecure;
  random_insecure_random(&insecure);
  printf("insecure-random: ok\n");

  /* flush before each host-side print so the output stays in order */
  proxy_string_t context;
  proxy_string_set(&context, "ctx");
  for (int level = CONSOLE_LEVEL_TRACE; level <= CONSOLE_LEVEL_ERROR; level++) {
    char text[16];
    snprintf(text, sizeof text, "level %d", level);
    proxy_string_t message;
    proxy_string_set(&message, text);
    fflush(stdout);
    console_log((console_level_t)level, &context, &message);
  }

  proxy_string_t hello;
  proxy_string_set(&hello, "hello from log-it");
  fflush(stdout);
  types_log_it(&hello);

  printf("done\n");
  fflush(stdout);
  return 0;
}
