/*
 * echo-server - answers every request with its own body, streamed back while
 * it arrives: status 200, the request's content-type (if it has one), then
 * each 64 KiB piece of the request body is written out as soon as it has been
 * read, so a client sees the echo before it has finished uploading.  Request
 * trailers, if any, come back as response trailers.
 *
 *   wasirun --http-server-addr 127.0.0.1:8080 examples/echo-server.wasm
 *   curl --data-binary @somefile http://127.0.0.1:8080/
 *
 * Build: bash guests/build.sh
 */
#include "wasi_http_v1.h"

#define PIECE (64 * 1024)

/* Waits until the stream has data (or has ended). */
static void wait_readable(types_incoming_stream_t in) {
  poll_pollable_t pollable = streams_subscribe_to_input_stream(in);
  poll_list_pollable_t pollables = {&pollable, 1};
  poll_list_u8_t ready;
  poll_poll_oneoff(&pollables, &ready);
  poll_list_u8_free(&ready);
  poll_drop_pollable(pollable);
}

void http_handle(http_incoming_request_t request, http_response_outparam_t response_out) {
  /* Response headers: a copy of the request's content-type values. */
  types_headers_t request_headers = types_incoming_request_headers(request);
  proxy_string_t content_type;
  proxy_string_set(&content_type, "content-type");
  types_list_string_t values;
  types_fields_get(request_headers, &content_type, &values);
  types_list_tuple2_string_string_t no_entries = {NULL, 0};
  types_headers_t headers = types_new_fields(&no_entries);
  if (values.len > 0) {
    types_fields_set(headers, &content_type, &values);
  }
  types_list_string_free(&values);
  types_drop_fields(request_headers);

  /* The request body, as a stream. */
  types_incoming_stream_t in;
  if (!types_incoming_request_consume(request, &in)) {
    return; /* no body to echo: the host answers 500 */
  }

  types_outgoing_response_t response = types_new_outgoing_response(200, headers);
  types_outgoing_stream_t out;
  if (!types_outgoing_response_write(response, &out)) {
    return;
  }
  types_result_outgoing_response_error_t result = {.is_err = false, .val.ok = response};
  types_set_response_outparam(response_out, &result);

  /* Copy the body piece by piece: each read returns up to 64 KiB. */
  for (;;) {
    streams_tuple2_list_u8_bool_t piece;
    if (!streams_read(in, PIECE, &piece, NULL)) {
      return; /* the upload broke off: stop here */
    }
    bool end = piece.f1;
    bool empty = piece.f0.len == 0;
    uint64_t written;
    bool sent = empty || streams_write(out, &piece.f0, &written, NULL);
    streams_list_u8_free(&piece.f0);
    if (!sent) {
      return; /* the client went away */
    }
    if (end) {
      break;
    }
    if (empty) {
      wait_readable(in); /* nothing yet (this host waits anyway) */
    }
  }

  /* The request's trailers become the response's trailers. */
  types_trailers_t trailers;
  if (types_finish_incoming_stream(in, &trailers)) {
    types_list_tuple2_string_string_t entries;
    types_fields_entries(trailers, &entries);
    types_trailers_t copy = types_new_fields(&entries);
    types_list_tuple2_string_string_free(&entries);
    types_drop_fields(trailers);
    types_finish_outgoing_stream(out, &copy);
  } else {
    types_finish_outgoing_stream(out, NULL);
  }
  streams_drop_input_stream(in);
}

int main(void) {
  return 0;
}
