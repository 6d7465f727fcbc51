#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

void xc_buf_init(xc_buf *b) { memset(b, 0, sizeof *b); }

void xc_buf_free(xc_buf *b) {
  free(b->data);
  memset(b, 0, sizeof *b);
}

void xc_buf_wipe_free(xc_buf *b) {
  if (b->data) OPENSSL_cleanse(b->data, b->cap);
  xc_buf_free(b);
}

xc_status xc_buf_reserve(xc_buf *b, size_t extra) {
  size_t need = b->len + extra + 1;
  if (need < b->len) return XC_ERANGE;
  if (b->max && need > b->max + 1) return XC_EFULL;
  if (need <= b->cap) return XC_OK;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < need) cap *= 2;
  char *p = realloc(b->data, cap);
  if (!p) return XC_ENOMEM;
  b->data = p;
  b->cap = cap;
  return XC_OK;
}

xc_status xc_buf_append(xc_buf *b, const void *p, size_t n) {
  xc_status st = xc_buf_reserve(b, n);
  if (st) return st;
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = 0;
  return XC_OK;
}

xc_status xc_buf_puts(xc_buf *b, const char *s) { return xc_buf_append(b, s, strlen(s)); }

xc_status xc_buf_putc(xc_buf *b, char c) { return xc_buf_append(b, &c, 1); }

__attribute__((format(printf, 2, 0)))
xc_status xc_buf_vprintf(xc_buf *b, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  char tmp[256];
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  if (n < 0) {
    va_end(ap2);
    return XC_EINVAL;
  }
  xc_status st;
  if ((size_t)n < sizeof tmp) {
    st = xc_buf_append(b, tmp, (size_t)n);
  } else if ((st = xc_buf_reserve(b, (size_t)n)) == XC_OK) {
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    b->len += (size_t)n;
  }
  va_end(ap2);
  return st;
}

xc_status xc_buf_printf(xc_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  xc_status st = xc_buf_vprintf(b, fmt, ap);
  va_end(ap);
  return st;
}
