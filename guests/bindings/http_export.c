/*
 * http_export.c - the server export of wasi-http "v1": HTTP#handle.
 *
 * Link this file into server guests only; the guest defines
 *   void http_handle(http_incoming_request_t, http_response_outparam_t);
 * (declared in wasi_http_v1.h).
 */
#include "wasi_http_v1.h"

__attribute__((export_name("HTTP#handle"))) void __wasm_export_http_handle(int32_t req,
                                                                           int32_t out) {
  http_handle((http_incoming_request_t)req, (http_response_outparam_t)out);
}
