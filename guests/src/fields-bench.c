/*
 * fields-bench - the cost of fields with many headers, for benchmarks.
 *
 *   fields-bench N ROUNDS
 *
 * Each round builds N distinct headers, calls new-fields with all of them,
 * fields-entries on the result, frees the list and drops the fields.
 * Prints "headers: N", "rounds: R" and "us-per-header: X" (by the
 * monotonic clock, over all rounds).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wasi_http_v1.h"

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: fields-bench N ROUNDS\n");
    return 2;
  }
  int n = atoi(argv[1]);
  int rounds = atoi(argv[2]);
  types_tuple2_string_string_t *entries = calloc(n, sizeof *entries);
  char (*names)[16] = calloc(n, sizeof *names);
  for (int i = 0; i < n; i++) {
    snprintf(names[i], sizeof names[i], "x-header-%d", i);
    proxy_string_set(&entries[i].f0, names[i]);
    proxy_string_set(&entries[i].f1, "some value of a header");
  }
  types_list_tuple2_string_string_t list = {entries, n};
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (int r = 0; r < rounds; r++) {
    types_fields_t fields = types_new_fields(&list);
    types_list_tuple2_string_string_t back;
    types_fields_entries(fields, &back);
    if ((int)back.len != n) {
      fprintf(stderr, "fields-bench: got %zu entries back, not %d\n", back.len, n);
      return 1;
    }
    types_list_tuple2_string_string_free(&back);
    types_drop_fields(fields);
  }
  clock_gettime(CLOCK_MONOTONIC, &end);
  double us = (end.tv_sec - start.tv_sec) * 1e6 + (end.tv_nsec - start.tv_nsec) / 1e3;
  printf("headers: %d\nrounds: %d\nus-per-header: %.4f\n", n, rounds, us / rounds / n);
  return 0;
}
