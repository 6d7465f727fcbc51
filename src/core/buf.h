/* xc_buf: a growable byte buffer (request bodies, query strings, outgoing frames).
 * Grows geometrically; reuse one with xc_buf_reset() to avoid allocation in steady state.
 * Always keeps a NUL after the data so it can be used as a C string. */
#ifndef XC_CORE_BUF_H
#define XC_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include "xconn/status.h"

typedef struct xc_buf {
  char *data;
  size_t len;
  size_t cap;
  size_t max;  /* 0 = unbounded; else appends past max fail with XC_EFULL */
} xc_buf;

void xc_buf_init(xc_buf *b);
void xc_buf_free(xc_buf *b);
/* Empties the buffer, keeping its memory. */
static inline void xc_buf_reset(xc_buf *b) { b->len = 0; if (b->data) b->data[0] = 0; }
xc_status xc_buf_reserve(xc_buf *b, size_t extra);
xc_status xc_buf_append(xc_buf *b, const void *p, size_t n);
xc_status xc_buf_puts(xc_buf *b, const char *s);
xc_status xc_buf_putc(xc_buf *b, char c);
xc_status xc_buf_printf(xc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
xc_status xc_buf_vprintf(xc_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Overwrites the memory with zeros before freeing (for buffers that held secrets). */
void xc_buf_wipe_free(xc_buf *b);

#endif
