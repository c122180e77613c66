/*
 * proxy-server - a reverse proxy: every request is passed on to the origin
 * named by the ORIGIN environment variable (scheme and authority, e.g.
 * http://127.0.0.1:9000) and the origin's answer is passed back.
 *
 *   ORIGIN=http://127.0.0.1:9000 \
 *     wasirun --http-server-addr 127.0.0.1:8080 examples/proxy-server.wasm
 *   curl http://127.0.0.1:8080/some/path?x=1
 *
 * Forwarded to the origin: the method, the path and query, every header but
 * host and expect, the body (streamed after handle) and the request trailers.
 * Passed back: the status, the headers (but connection, keep-alive and
 * transfer-encoding), the body (streamed) and the trailers.  An error from
 * the origin (refused connection, timeout, ...) becomes
 * set-response-outparam(err(...)): the host answers 5xx with its text.
 * Build: bash guests/build.sh
 */
#include <stdlib.h>
#include <string.h>

#include "wasi_http_v1.h"

/* Answers with an error: the host turns it into a 5xx response. */
static void fail(http_response_outparam_t response_out, types_error_t *error) {
  types_result_outgoing_response_error_t result = {.is_err = true, .val.err = *error};
  types_set_response_outparam(response_out, &result);
}

static void fail_text(http_response_outparam_t response_out, const char *text) {
  types_error_t error = {.tag = TYPES_ERROR_UNEXPECTED_ERROR};
  proxy_string_set(&error.val.unexpected_error, text);
  fail(response_out, &error);
}

static bool is_named(const proxy_string_t *name, const char *what) {
  return name->len == strlen(what) && memcmp(name->ptr, what, name->len) == 0;
}

/* Connection-level headers: the host manages its own. */
static bool hop_by_hop(const proxy_string_t *name) {
  return is_named(name, "connection") || is_named(name, "keep-alive") ||
         is_named(name, "transfer-encoding");
}

/* New fields with the entries of `from`, leaving out host and expect (request
 * headers: the host sets Host from ORIGIN, and "Expect: 100-continue" was for
 * this server) or the hop-by-hop headers (response headers and trailers). */
static types_fields_t copy_fields(types_fields_t from, bool request) {
  types_list_tuple2_string_string_t entries;
  types_fields_entries(from, &entries);
  size_t kept = 0;
  for (size_t i = 0; i < entries.len; i++) {
    proxy_string_t *name = &entries.ptr[i].f0;
    bool skip = request ? is_named(name, "host") || is_named(name, "expect") : hop_by_hop(name);
    if (skip) {
      types_tuple2_string_string_free(&entries.ptr[i]);
    } else {
      entries.ptr[kept++] = entries.ptr[i];
    }
  }
  types_list_tuple2_string_string_t list = {entries.ptr, kept};
  types_fields_t copy = types_new_fields(&list);
  for (size_t i = 0; i < kept; i++) {
    types_tuple2_string_string_free(&entries.ptr[i]);
  }
  if (entries.len > 0) {
    free(entries.ptr);
  }
  return copy;
}

/* Waits for a pollable, then drops it. */
static void wait_for(poll_pollable_t pollable) {
  poll_list_pollable_t pollables = {&pollable, 1};
  poll_list_u8_t ready;
  poll_poll_oneoff(&pollables, &ready);
  poll_list_u8_free(&ready);
  poll_drop_pollable(pollable);
}

/* Ends `out` with the trailers of `in`, if it had any. */
static void pass_trailers(types_incoming_stream_t in, types_outgoing_stream_t out) {
  types_trailers_t trailers;
  if (types_finish_incoming_stream(in, &trailers)) {
    types_trailers_t copy = copy_fields(trailers, false);
    types_drop_fields(trailers);
    types_finish_outgoing_stream(out, &copy);
  } else {
    types_finish_outgoing_stream(out, NULL);
  }
}

void http_handle(http_incoming_request_t request, http_response_outparam_t response_out) {
  /* ORIGIN = http://authority or https://authority */
  const char *origin = getenv("ORIGIN");
  if (origin == NULL) {
    fail_text(response_out, "ORIGIN is not set");
    return;
  }
  types_scheme_t scheme;
  const char *rest;
  if (strncmp(origin, "http://", 7) == 0) {
    scheme.tag = TYPES_SCHEME_HTTP;
    rest = origin + 7;
  } else if (strncmp(origin, "https://", 8) == 0) {
    scheme.tag = TYPES_SCHEME_HTTPS;
    rest = origin + 8;
  } else {
    fail_text(response_out, "ORIGIN must look like http://host:port or https://host:port");
    return;
  }
  proxy_string_t authority = {(char *)rest, strcspn(rest, "/")};

  /* The outgoing request: same method, path, query and headers. */
  types_method_t method;
  types_incoming_request_method(request, &method);
  proxy_string_t path, query;
  types_incoming_request_path(request, &path);
  types_incoming_request_query(request, &query);
  types_headers_t request_headers = types_incoming_request_headers(request);
  types_headers_t headers = copy_fields(request_headers, true);
  types_drop_fields(request_headers);
  types_outgoing_request_t outgoing =
      types_new_outgoing_request(&method, &path, &query, &scheme, &authority, headers);
  types_method_free(&method);
  proxy_string_free(&path);
  proxy_string_free(&query);

  /* Send it, then stream the request body into it. */
  types_incoming_stream_t request_body;
  types_outgoing_stream_t outgoing_body;
  if (!types_incoming_request_consume(request, &request_body) ||
      !types_outgoing_request_write(outgoing, &outgoing_body)) {
    fail_text(response_out, "cannot stream the request body");
    return;
  }
  types_future_incoming_response_t future = default_outgoing_http_handle(outgoing, NULL);
  uint64_t forwarded;
  if (streams_forward(outgoing_body, request_body, &forwarded, NULL)) {
    pass_trailers(request_body, outgoing_body);
  } else {
    streams_drop_output_stream(outgoing_body); /* unfinished: the origin request fails */
  }
  streams_drop_input_stream(request_body);

  /* The origin's answer (the head is there once the body has been sent). */
  types_result_incoming_response_error_t answer;
  while (!types_future_incoming_response_get(future, &answer)) {
    wait_for(types_listen_to_future_incoming_response(future));
  }
  if (answer.is_err) {
    fail(response_out, &answer.val.err);
    types_error_free(&answer.val.err);
    types_drop_future_incoming_response(future);
    types_drop_outgoing_request(outgoing);
    return;
  }
  types_incoming_response_t origin_response = answer.val.ok;

  /* Our response: the origin's status and headers, then its body and trailers. */
  types_headers_t origin_headers = types_incoming_response_headers(origin_response);
  types_outgoing_response_t response = types_new_outgoing_response(
      types_incoming_response_status(origin_response), copy_fields(origin_headers, false));
  types_drop_fields(origin_headers);
  types_incoming_stream_t origin_body;
  types_outgoing_stream_t body;
  if (!types_incoming_response_consume(origin_response, &origin_body) ||
      !types_outgoing_response_write(response, &body)) {
    fail_text(response_out, "cannot stream the origin's body");
    return;
  }
  types_result_outgoing_response_error_t result = {.is_err = false, .val.ok = response};
  types_set_response_outparam(response_out, &result);

  /* splice moves up to 1 MiB at a time from the origin to the client. */
  for (;;) {
    streams_tuple2_u64_bool_t moved;
    if (!streams_splice(body, origin_body, 1024 * 1024, &moved, NULL)) {
      return; /* the origin or the client broke off */
    }
    if (moved.f1) {
      break;
    }
    if (moved.f0 == 0) {
      wait_for(streams_subscribe_to_input_stream(origin_body));
    }
  }
  pass_trailers(origin_body, body);

  streams_drop_input_stream(origin_body);
  types_drop_incoming_response(origin_response);
  types_drop_future_incoming_response(future);
  types_drop_outgoing_request(outgoing);
}

int main(void) {
  return 0;
}
