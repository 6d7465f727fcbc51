/* JSON writer: compact output into an xc_buf with automatic commas, full string escaping and
 * UTF-8 validation, depth <= 32 and a sticky first error. See core/json.h. */
#include "core/json.h"

#include <string.h>



void xc_jw_init(xc_jw *w, xc_buf *out) {
  memset(w, 0, sizeof *w);
  w->out = out;
  w->first[0] = 1;
  w->err = out ? XC_OK : XC_EINVAL;
}

static inline void fail(xc_jw *w, xc_status st) {
  if (!w->err) w->err = st;
}

/* Emits the separator a new value needs and checks that a value is allowed here. Depth 0 takes
 * exactly one value; in an object a value must follow a key. */
static bool begin_value(xc_jw *w) {
  if (w->err) return false;
  if (w->after_key) {
    w->after_key = 0;
    return true;
  }
  if (w->depth == 0) {
    if (!w->first[0]) {
      fail(w, XC_EMISUSE); /* a second top-level value */
      return false;
    }
    w->first[0] = 0;
    return true;
  }
  if (w->first[w->depth] & 2) { /* bit 1: this level is an object, so a key is due */
    fail(w, XC_EMISUSE);
    return false;
  }
  if (!(w->first[w->depth] & 1)) {
    xc_status st = xc_buf_putc(w->out, ',');
    if (st) {
      fail(w, st);
      return false;
    }
  }
  w->first[w->depth] &= (uint8_t)~1u;
  return true;
}

static void put(xc_jw *w, const char *s, size_t n) {
  if (w->err) return;
  xc_status st = xc_buf_append(w->out, s, n);
  if (st) fail(w, st);
}

/* first[] per level: bit 0 = no element yet, bit 1 = object. */
static void open(xc_jw *w, char c, bool obj) {
  if (!begin_value(w)) return;
  if (w->depth >= XC_JW_MAX_DEPTH) {
    fail(w, XC_ERANGE);
    return;
  }
  put(w, &c, 1);
  w->depth++;
  w->first[w->depth] = (uint8_t)(1u | (obj ? 2u : 0u));
}

static void close_(xc_jw *w, char c, bool obj) {
  if (w->err) return;
  if (w->depth == 0 || w->after_key || !!(w->first[w->depth] & 2) != obj) {
    fail(w, XC_EMISUSE);
    return;
  }
  w->depth--;
  put(w, &c, 1);
}

void xc_jw_obj_begin(xc_jw *w) { open(w, '{', true); }
void xc_jw_obj_end(xc_jw *w) { close_(w, '}', true); }
void xc_jw_arr_begin(xc_jw *w) { open(w, '[', false); }
void xc_jw_arr_end(xc_jw *w) { close_(w, ']', false); }

static const char hexd[] = "0123456789abcdef";

/* Appends s[0..n) quoted and escaped (plus `suffix` if not 0, e.g. the ':' after a key); on
 * invalid UTF-8 or a buffer error, leaves the buffer as it was. Reserves the worst case once
 * (6 bytes per input byte) and writes in place. */
static void put_string(xc_jw *w, const char *str, size_t n, char suffix) {
  if (w->err) return;
  xc_buf *b = w->out;
  const unsigned char *s = (const unsigned char *)str;
  if (n > (SIZE_MAX - 4) / 6) {
    fail(w, XC_ERANGE);
    return;
  }
  xc_status st = xc_buf_reserve(b, n * 6 + 3);
  if (st) { /* a bounded buffer may still fit the string as escaped: retry at exact size */
    size_t need = 2 + (suffix != 0);
    for (size_t i = 0; i < n; i++)
      need += s[i] == '"' || s[i] == '\\' ? 2 : s[i] < 0x20 ? 6 : 1;
    if ((st = xc_buf_reserve(b, need))) {
      fail(w, st);
      return;
    }
  }
  char *o = b->data + b->len;
  *o++ = '"';
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      *o++ = (char)c;
      i++;
    } else if (c >= 0x80) {
      int k = xc__utf8_seq(s + i, n - i);
      if (!k) {
        b->data[b->len] = 0; /* nothing committed */
        fail(w, XC_EINVAL);
        return;
      }
      memcpy(o, s + i, (size_t)k);
      o += k;
      i += (size_t)k;
    } else if (c == '"' || c == '\\') {
      *o++ = '\\';
      *o++ = (char)c;
      i++;
    } else { /* control character */
      memcpy(o, "\\u00", 4);
      o[4] = hexd[c >> 4];
      o[5] = hexd[c & 15];
      o += 6;
      i++;
    }
  }
  *o++ = '"';
  if (suffix) *o++ = suffix;
  *o = 0;
  b->len = (size_t)(o - b->data);
}

void xc_jw_keyn(xc_jw *w, const char *key, size_t n) {
  if (w->err) return;
  if (w->depth == 0 || !(w->first[w->depth] & 2) || w->after_key || (!key && n)) {
    fail(w, XC_EMISUSE);
    return;
  }
  size_t mark = w->out->len;
  if (!(w->first[w->depth] & 1)) put(w, ",", 1);
  put_string(w, key ? key : "", n, ':');
  if (w->err) { /* leave no half-written member */
    w->out->len = mark;
    if (w->out->data) w->out->data[mark] = 0;
    return;
  }
  w->first[w->depth] &= (uint8_t)~1u;
  w->after_key = 1;
}

void xc_jw_key(xc_jw *w, const char *key) {
  if (!key) {
    fail(w, XC_EINVAL);
    return;
  }
  xc_jw_keyn(w, key, strlen(key));
}

void xc_jw_strn(xc_jw *w, const char *s, size_t n) {
  if (!s && n) {
    fail(w, XC_EINVAL);
    return;
  }
  if (w->err) return;
  size_t mark = w->out->len;
  if (!begin_value(w)) return;
  put_string(w, s ? s : "", n, 0);
  if (w->err) {
    w->out->len = mark;
    if (w->out->data) w->out->data[mark] = 0;
  }
}

void xc_jw_str(xc_jw *w, const char *s) {
  if (!s) {
    fail(w, XC_EINVAL);
    return;
  }
  xc_jw_strn(w, s, strlen(s));
}

/* Writes v's decimal digits (with a '-' when neg) right-aligned into buf; returns the start. */
static char *u64_digits(uint64_t v, bool neg, char *end) {
  char *p = end;
  do {
    *--p = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  if (neg) *--p = '-';
  return p;
}

void xc_jw_u64(xc_jw *w, uint64_t v) {
  char tmp[24];
  char *p = u64_digits(v, false, tmp + sizeof tmp);
  if (begin_value(w)) put(w, p, (size_t)(tmp + sizeof tmp - p));
}

void xc_jw_i64(xc_jw *w, int64_t v) {
  char tmp[24];
  uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  char *p = u64_digits(mag, v < 0, tmp + sizeof tmp);
  if (begin_value(w)) put(w, p, (size_t)(tmp + sizeof tmp - p));
}

void xc_jw_bool(xc_jw *w, bool v) {
  if (begin_value(w)) put(w, v ? "true" : "false", v ? 4 : 5);
}

void xc_jw_null(xc_jw *w) {
  if (begin_value(w)) put(w, "null", 4);
}

static void put_dec(xc_jw *w, xc_dec d, bool quoted) {
  if (w->err) return;
  char tmp[XC_DEC_STR_MAX + 2];
  int n = xc_dec_to_str(d, tmp + 1, sizeof tmp - 2);
  if (n < 0) {
    fail(w, (xc_status)n);
    return;
  }
  size_t len = (size_t)n;
  char *p = tmp + 1;
  if (quoted) {
    tmp[0] = '"';
    tmp[1 + len] = '"';
    p = tmp;
    len += 2;
  }
  if (begin_value(w)) put(w, p, len);
}

void xc_jw_dec_str(xc_jw *w, xc_dec d) { put_dec(w, d, true); }
void xc_jw_dec_num(xc_jw *w, xc_dec d) { put_dec(w, d, false); }

void xc_jw_raw(xc_jw *w, const char *json, size_t n) {
  if (!json || !n) {
    fail(w, XC_EINVAL);
    return;
  }
  if (begin_value(w)) put(w, json, n);
}

void xc_jw_kv_str(xc_jw *w, const char *key, const char *v) {
  xc_jw_key(w, key);
  xc_jw_str(w, v);
}

void xc_jw_kv_i64(xc_jw *w, const char *key, int64_t v) {
  xc_jw_key(w, key);
  xc_jw_i64(w, v);
}

void xc_jw_kv_u64(xc_jw *w, const char *key, uint64_t v) {
  xc_jw_key(w, key);
  xc_jw_u64(w, v);
}

void xc_jw_kv_bool(xc_jw *w, const char *key, bool v) {
  xc_jw_key(w, key);
  xc_jw_bool(w, v);
}

void xc_jw_kv_dec_str(xc_jw *w, const char *key, xc_dec d) {
  xc_jw_key(w, key);
  xc_jw_dec_str(w, d);
}

xc_status xc_jw_finish(xc_jw *w) {
  if (w->err) return w->err;
  if (w->depth != 0 || w->after_key || w->first[0]) return XC_EMISUSE; /* open or empty */
  return XC_OK;
}
