/* Percent-encoding and form/query parsing. See query.h for the rules. */
#include "core/query.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char hex_upper[] = "0123456789ABCDEF";

bool xc_pct_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

xc_status xc_pct_encode(xc_buf *b, const char *in, size_t n) {
  if (!b || (!in && n)) return XC_EINVAL;
  size_t extra = 0;
  for (size_t i = 0; i < n; i++) extra += xc_pct_unreserved((unsigned char)in[i]) ? 1 : 3;
  xc_status st = xc_buf_reserve(b, extra);
  if (st) return st;
  char *w = b->data + b->len;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)in[i];
    if (xc_pct_unreserved(c)) {
      *w++ = (char)c;
    } else {
      *w++ = '%';
      *w++ = hex_upper[c >> 4];
      *w++ = hex_upper[c & 15];
    }
  }
  b->len += extra;
  b->data[b->len] = 0;
  return XC_OK;
}

static int hexval(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes in[0..n) to out (forward copy, so out <= in is safe). Returns bytes written or -1. */
static ptrdiff_t decode_span(const char *in, size_t n, char *out, bool plus_is_space) {
  size_t w = 0;
  for (size_t r = 0; r < n; r++) {
    unsigned char c = (unsigned char)in[r];
    if (c == '%') {
      if (r + 2 >= n) return -1; /* fewer than two bytes follow */
      int hi = hexval((unsigned char)in[r + 1]), lo = hexval((unsigned char)in[r + 2]);
      if (hi < 0 || lo < 0) return -1;
      c = (unsigned char)(hi << 4 | lo);
      if (c == 0) return -1;
      r += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    } else if (c == 0) {
      return -1; /* a raw NUL is as unwelcome as %00 */
    }
    out[w++] = (char)c;
  }
  return (ptrdiff_t)w;
}

xc_status xc_pct_decode(const char *in, size_t n, char *out, size_t cap, size_t *out_len,
                        bool plus_is_space) {
  if ((!in && n) || !out) return XC_EINVAL;
  /* Decoded output never exceeds the input; a smaller buffer may still do, so check exactly. */
  if (cap < n + 1) {
    size_t need = 0;
    for (size_t r = 0; r < n; r++, need++)
      if (in[r] == '%') r += 2;
    if (cap < need + 1) return XC_ENOSPC; /* decode_span writes at most `need` bytes */
  }
  ptrdiff_t w = decode_span(in, n, out, plus_is_space);
  if (w < 0) return XC_EPARSE;
  out[w] = 0;
  if (out_len) *out_len = (size_t)w;
  return XC_OK;
}

xc_status xc_form_add(xc_buf *b, const char *key, const char *val, size_t val_len) {
  if (!b || !key || (!val && val_len)) return XC_EINVAL;
  xc_status st;
  if (b->len && (st = xc_buf_putc(b, '&'))) return st;
  if ((st = xc_pct_encode(b, key, strlen(key)))) return st;
  if ((st = xc_buf_putc(b, '='))) return st;
  return xc_pct_encode(b, val, val_len);
}

xc_status xc_form_add_str(xc_buf *b, const char *key, const char *val) {
  if (!val) return XC_EINVAL;
  return xc_form_add(b, key, val, strlen(val));
}

xc_status xc_form_add_i64(xc_buf *b, const char *key, int64_t val) {
  char tmp[24];
  int n = snprintf(tmp, sizeof tmp, "%" PRId64, val);
  return xc_form_add(b, key, tmp, (size_t)n);
}

xc_status xc_query_parse(const char *src, size_t len, char *dst, size_t dst_cap, xc_kv *kv,
                         size_t kv_cap, size_t *n) {
  if (n) *n = 0;
  if ((!src && len) || !dst || !n || (!kv && kv_cap)) return XC_EINVAL;
  if (dst_cap < len + 1) return XC_ENOSPC;
  size_t count = 0, w = 0, r = 0;
  while (r < len) {
    /* One segment: src[r..end) */
    const char *seg = src + r;
    const char *amp = memchr(seg, '&', len - r);
    size_t seg_len = amp ? (size_t)(amp - seg) : len - r;
    size_t next = r + seg_len + (amp ? 1 : 0);
    if (seg_len == 0) {
      r = next;
      continue;
    }
    if (count == kv_cap) return XC_EFULL;
    const char *eq = memchr(seg, '=', seg_len);
    size_t klen_raw = eq ? (size_t)(eq - seg) : seg_len;
    /* key */
    ptrdiff_t kl = decode_span(seg, klen_raw, dst + w, true);
    if (kl < 0) return XC_EPARSE;
    char *key = dst + w;
    w += (size_t)kl;
    dst[w++] = 0;
    char *val = key + kl; /* the key's NUL: an empty value */
    ptrdiff_t vl = 0;
    if (eq) {
      val = dst + w;
      vl = decode_span(eq + 1, seg_len - klen_raw - 1, dst + w, true);
      if (vl < 0) return XC_EPARSE;
      w += (size_t)vl;
      dst[w++] = 0;
    }
    kv[count].key = key;
    kv[count].key_len = (size_t)kl;
    kv[count].val = val;
    kv[count].val_len = (size_t)vl;
    *n = ++count;
    r = next;
  }
  if (w == 0) dst[0] = 0;
  return XC_OK;
}

const xc_kv *xc_query_find(const xc_kv *kv, size_t n, const char *key) {
  if (!kv || !key) return NULL;
  size_t kl = strlen(key);
  for (size_t i = 0; i < n; i++)
    if (kv[i].key_len == kl && memcmp(kv[i].key, key, kl) == 0) return &kv[i];
  return NULL;
}

xc_status xc_query_get(const xc_kv *kv, size_t n, const char *key, const char **val,
                       size_t *val_len) {
  const xc_kv *p = xc_query_find(kv, n, key);
  if (!p) return XC_ENOTFOUND;
  if (val) *val = p->val;
  if (val_len) *val_len = p->val_len;
  return XC_OK;
}
