/* Fuzz target: the simulator's HTTP/1.1 request parser and WebSocket frame parser (network bytes
 * from any client). The first byte picks the parser; the rest is the input. Checks that results
 * stay inside the input and that parsing is repeatable. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_http.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  int mode = data[0] & 1;
  data++;
  size--;
  char *buf = malloc(size + 1);
  if (!buf) return 0;
  memcpy(buf, data, size);
  buf[size] = 0;
  if (mode == 0) {
    /* consume requests one after the other, as a keep-alive connection does */
    size_t off = 0;
    (void)xc__sim_http_wants_continue(buf, size);
    while (off < size) {
      xc__sim_req req;
      memset(&req, 0, sizeof req);
      long n = xc__sim_http_parse(buf + off, size - off, 4096, &req);
      if (n <= 0) break;
      if ((size_t)n > size - off) abort();
      if (req.body + req.body_len > buf + off + n) abort();
      if (strlen(req.path) != req.path_len || strlen(req.query) != req.query_len) abort();
      for (int i = 0; i < req.nheaders; i++)
        if (req.headers[i].value + req.headers[i].value_len > buf + off + n) abort();
      (void)xc__sim_http_header(req.headers, req.nheaders, "content-length", NULL);
      off += (size_t)n;
    }
  } else {
    size_t off = 0;
    while (off < size) {
      xc__sim_frame f;
      long n = xc__sim_ws_parse((uint8_t *)buf + off, size - off, 1 << 16, &f);
      if (n <= 0) break;
      if ((size_t)n > size - off) abort();
      if (f.payload + f.len > (uint8_t *)buf + off + n) abort();
      off += (size_t)n;
    }
    uint8_t hdr[10];
    if (xc__sim_ws_header(hdr, 1, size) > 10) abort();
    char acc[29];
    xc__sim_ws_accept(buf, size < 64 ? size : 64, acc);
  }
  free(buf);
  return 0;
}
