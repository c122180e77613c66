/*
 * fields - runs a fixed script over the fields functions and prints one line
 * per step: "entries: name=value | name=value" or "get NAME: [v1, v2]".
 */
#include <stdio.h>

#include "wasi_http_v1.h"

static void print_entries(const char *prefix, types_fields_t f) {
  types_list_tuple2_string_string_t entries;
  types_fields_entries(f, &entries);
  printf("%sentries: ", prefix);
  for (size_t i = 0; i < entries.len; i++) {
    types_tuple2_string_string_t *e = &entries.ptr[i];
    printf("%s%.*s=%.*s", i ? " | " : "", (int)e->f0.len, e->f0.ptr, (int)e->f1.len, e->f1.ptr);
  }
  printf("\n");
  types_list_tuple2_string_string_free(&entries);
}

static void print_get(types_fields_t f, const char *name) {
  proxy_string_t n;
  proxy_string_set(&n, name);
  types_list_string_t values;
  types_fields_get(f, &n, &values);
  printf("get %s: [", name);
  for (size_t i = 0; i < values.len; i++) {
    printf("%s%.*s", i ? ", " : "", (int)values.ptr[i].len, values.ptr[i].ptr);
  }
  printf("]\n");
  types_list_string_free(&values);
}

static void set(types_fields_t f, const char *name, const char *const *values, size_t count) {
  proxy_string_t n;
  proxy_string_set(&n, name);
  proxy_string_t v[4];
  for (size_t i = 0; i < count; i++) {
    proxy_string_set(&v[i], values[i]);
  }
  types_list_string_t list = {count ? v : NULL, count};
  types_fields_set(f, &n, &list);
}

static void append(types_fields_t f, const char *name, const char *value) {
  proxy_string_t n, v;
  proxy_string_set(&n, name);
  proxy_string_set(&v, value);
  types_fields_append(f, &n, &v);
}

int main(void) {
  static const char *const initial[][2] = {
      {"Content-Type", "text/plain"},
      {"X-Multi", "a"},
      {"x-multi", "b"},
      {"Set-Cookie", "c=1"},
  };
  types_tuple2_string_string_t pairs[4];
  for (size_t i = 0; i < 4; i++) {
    proxy_string_set(&pairs[i].f0, initial[i][0]);
    proxy_string_set(&pairs[i].f1, initial[i][1]);
  }
  types_list_tuple2_string_string_t list = {pairs, 4};
  types_fields_t f = types_new_fields(&list);
  print_entries("", f);

  print_get(f, "x-MULTI");
  print_get(f, "absent");

  append(f, "X-Multi", "c");
  print_entries("", f);

  static const char *const one_two[] = {"1", "2"};
  set(f, "x-multi", one_two, 2);
  print_entries("", f);

  static const char *const n[] = {"n"};
  set(f, "new-name", n, 1);
  print_entries("", f);

  proxy_string_t content_type;
  proxy_string_set(&content_type, "CONTENT-TYPE");
  types_fields_delete(f, &content_type);
  print_entries("", f);

  types_fields_t g = types_fields_clone(f);
  append(g, "only-in-clone", "yes");
  print_entries("f ", f);
  print_entries("g ", g);

  types_drop_fields(g);
  types_drop_fields(g);
  types_drop_fields(12345);
  printf("dropped\n");

  types_list_tuple2_string_string_t none = {NULL, 0};
  types_fields_t e = types_new_fields(&none);
  print_entries("", e);
  set(e, "k", NULL, 0);
  print_entries("", e);

  types_drop_fields(e);
  types_drop_fields(f);
  fflush(stdout);
  return 0;
}
