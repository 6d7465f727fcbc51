/* Percent-encoding and form/query parsing. See query.h for the rules. */
#include "core/query.h"

#include <string.h>

static const char hex_upper[] = "0123456789ABCDEF";

/* 1 for the RFC 3986 unreserved bytes. */
static const unsigned char unreserved[256] = {
    ['-'] = 1, ['.'] = 1, ['_'] = 1, ['~'] = 1,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
    ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
    ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
    ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
    ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
};

bool xc_pct_unreserved(unsigned char c) { return unreserved[c]; }

static size_t encoded_len(const char *in, size_t n) {
  size_t extra = 0;
  for (size_t i = 0; i < n; i++) extra += unreserved[(unsigned char)in[i]] ? 1 : 3;
  return extra;
}

/* Writes the encoding of in[0..n) at w (room checked by the caller); returns the end. */
static char *encode_to(char *w, const char *in, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)in[i];
    if (unreserved[c]) {
      *w++ = (char)c;
    } else {
      *w++ = '%';
      *w++ = hex_upper[c >> 4];
      *w++ = hex_upper[c & 15];
    }
  }
  return w;
}

xc_status xc_pct_encode(xc_buf *b, const char *in, size_t n) {
  if (!b || (!in && n)) return XC_EINVAL;
  size_t extra = encoded_len(in, n);
  xc_status st = xc_buf_reserve(b, extra);
  if (st) return st;
  encode_to(b->data + b->len, in, n);
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
  size_t kl = strlen(key);
  size_t sep = b->len ? 1 : 0, ke = encoded_len(key, kl), ve = encoded_len(val, val_len);
  size_t total = sep + ke + 1 + ve;
  xc_status st = xc_buf_reserve(b, total);
  if (st) return st;
  char *w = b->data + b->len;
  if (sep) *w++ = '&';
  w = encode_to(w, key, kl);
  *w++ = '=';
  encode_to(w, val, val_len);
  b->len += total;
  b->data[b->len] = 0;
  return XC_OK;
}

xc_status xc_form_add_str(xc_buf *b, const char *key, const char *val) {
  if (!val) return XC_EINVAL;
  return xc_form_add(b, key, val, strlen(val));
}

xc_status xc_form_add_i64(xc_buf *b, const char *key, int64_t val) {
  char tmp[24], *e = tmp + sizeof tmp, *p = e;
  uint64_t u = val < 0 ? (uint64_t)0 - (uint64_t)val : (uint64_t)val;
  do {
    *--p = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (val < 0) *--p = '-';
  return xc_form_add(b, key, p, (size_t)(e - p));
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

xc_status xc_query_parse_both(const char *query, size_t qlen, const char *body, size_t blen,
                              char *dst, size_t dst_cap, xc_kv *kv, size_t kv_cap, size_t *n,
                              size_t *nq) {
  if (n) *n = 0;
  if (nq) *nq = 0;
  if (!n || (!query && qlen) || (!body && blen) || !dst) return XC_EINVAL;
  if (dst_cap < qlen + blen + 2) return XC_ENOSPC;
  size_t n1 = 0, n2 = 0;
  xc_status st = xc_query_parse(query ? query : "", qlen, dst, qlen + 1, kv, kv_cap, &n1);
  *n = n1;
  if (nq) *nq = n1;
  if (st) return st;
  st = xc_query_parse(body ? body : "", blen, dst + qlen + 1, dst_cap - qlen - 1,
                      kv ? kv + n1 : NULL, kv_cap - n1, &n2);
  *n = n1 + n2;
  return st;
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
