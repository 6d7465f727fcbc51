/* sim/sim_http.h: sans-I/O HTTP/1.1 request and WebSocket frame parsing for the simulator server.
 * Pure functions over byte buffers (fuzzed by fuzz/fuzz_sim_http.c). Not thread-aware. */
#ifndef XC_SIM_SIM_HTTP_H
#define XC_SIM_SIM_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sim_int.h"

#define XC__SIM_HTTP_MAX_HEAD 16384

/* Parses one request at buf[0..len). Returns the number of bytes it occupies (head + body) when
 * complete, 0 when more bytes are needed, or -status (400, 411, 413, 431, 501, 505) when it can
 * never be valid. On success it NUL-terminates method, path and query in place (buf is modified)
 * and fills req->method/path/query/headers/body (body points into buf, not NUL-terminated). */
long xc__sim_http_parse(char *buf, size_t len, size_t max_body, xc__sim_req *req);

/* True when buf holds a complete request head carrying "Expect: 100-continue" (the client waits
 * for an interim "100 Continue" before sending the body). */
bool xc__sim_http_wants_continue(const char *buf, size_t len);

/* Case-insensitive header lookup over parsed headers. */
const char *xc__sim_http_header(const xc__sim_header *h, int n, const char *name, size_t *len);

typedef struct xc__sim_frame {
  int fin;
  int opcode;
  uint8_t *payload;   /* unmasked in place */
  uint64_t len;
} xc__sim_frame;

/* Parses one client (masked) WebSocket frame at buf[0..len), unmasking its payload in place.
 * Returns bytes consumed, 0 when incomplete, -1 on a protocol error (unmasked frame, reserved
 * bits or opcode, control frame fragmented or > 125 bytes, payload > max_payload). */
long xc__sim_ws_parse(uint8_t *buf, size_t len, uint64_t max_payload, xc__sim_frame *f);
/* Writes a server (unmasked) frame header for a payload of len bytes; returns its size (2..10). */
size_t xc__sim_ws_header(uint8_t hdr[10], int opcode, uint64_t len);
/* Sec-WebSocket-Accept for a client key (28 chars + NUL into out). */
void xc__sim_ws_accept(const char *key, size_t key_len, char out[29]);

#endif
