/* JSON reader: a single-pass validating scanner that fills jsmn-layout tokens (with parent links),
 * plus typed getters. See core/json.h for the contract and docs/internals/json.md for the design.
 *
 * No floating point anywhere: numbers stay text; integers are accumulated with overflow checks;
 * decimals go through xc_dec (with a 64-bit fast path for the common "digits.digits" shape). */
#include "core/json.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define TOK_MIN_CAP 64

/* ---- lifecycle -------------------------------------------------------------------------- */

void xc_json_init(xc_json *j) {
  memset(j, 0, sizeof *j);
  j->max_tokens = XC_JSON_MAX_TOKENS_DEFAULT;
}

void xc_json_free(xc_json *j) {
  if (!j) return;
  free(j->tok);
  free(j->after);
  int max = j->max_tokens;
  memset(j, 0, sizeof *j);
  j->max_tokens = max;
}

const char *xc_json_errmsg(const xc_json *j) { return j->err; }

const char *xc_json_type_name(xc_json_type t) {
  switch (t) {
  case XC_JSON_OBJECT: return "object";
  case XC_JSON_ARRAY: return "array";
  case XC_JSON_STRING: return "string";
  case XC_JSON_NUMBER: return "number";
  case XC_JSON_TRUE: return "true";
  case XC_JSON_FALSE: return "false";
  case XC_JSON_NULL: return "null";
  case XC_JSON_NONE: break;
  }
  return "absent";
}

/* Doubles the token arrays (bounded by max_tokens). */
static xc_status grow(xc_json *j) {
  int max = j->max_tokens > 0 ? j->max_tokens : XC_JSON_MAX_TOKENS_DEFAULT;
  if (j->cap >= max) return XC_EFULL;
  int cap = j->cap ? j->cap : TOK_MIN_CAP;
  if (j->cap) cap = j->cap > max / 2 ? max : j->cap * 2;
  if (cap > max) cap = max;
  jsmntok_t *t = realloc(j->tok, (size_t)cap * sizeof *t);
  if (!t) return XC_ENOMEM;
  j->tok = t;
  int *a = realloc(j->after, (size_t)cap * sizeof *a);
  if (!a) return XC_ENOMEM;
  j->after = a;
  j->cap = cap;
  return XC_OK;
}

/* ---- UTF-8 ------------------------------------------------------------------------------- */

int xc__utf8_seq(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  if (c < 0x80) return 1;
  if (c < 0xC2) return 0; /* continuation byte or overlong 2-byte lead */
  if (c < 0xE0) return (n >= 2 && (s[1] & 0xC0) == 0x80) ? 2 : 0;
  if (c < 0xF0) {
    if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
    if (c == 0xE0 && s[1] < 0xA0) return 0;  /* overlong */
    if (c == 0xED && s[1] >= 0xA0) return 0; /* UTF-16 surrogate */
    return 3;
  }
  if (c < 0xF5) {
    if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80) return 0;
    if (c == 0xF0 && s[1] < 0x90) return 0;  /* overlong */
    if (c == 0xF4 && s[1] >= 0x90) return 0; /* > U+10FFFF */
    return 4;
  }
  return 0;
}

/* ---- scanner ----------------------------------------------------------------------------- */

static const unsigned char is_ws[256] = {[' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1};

static inline size_t skip_ws(const unsigned char *s, size_t p, size_t len) {
  while (p < len && s[p] <= ' ' && is_ws[s[p]]) p++;
  return p;
}

static inline bool is_digit(unsigned char c) { return (unsigned)(c - '0') < 10; }

static inline int hexval(unsigned char c) {
  if (is_digit(c)) return c - '0';
  c |= 0x20;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* Scans a string body starting after its opening quote. Returns the index of the closing quote,
 * or (size_t)-1 with *why set. */
static inline __attribute__((always_inline)) size_t scan_string(const unsigned char *s, size_t p,
                                                                size_t len, const char **why) {
  for (;;) {
#ifdef __SSE2__
    /* 16 bytes at a time: the first '"' ends the string unless a '\\', a control character or
     * a non-ASCII byte (negative as a signed byte, so "< 0x20" catches both) comes first. */
    while (p + 16 <= len) {
      __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + p));
      unsigned mq = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
      unsigned mo = (unsigned)_mm_movemask_epi8(_mm_or_si128(
          _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')), _mm_cmplt_epi8(v, _mm_set1_epi8(0x20))));
      if (mq | mo) {
        unsigned first = (unsigned)__builtin_ctz(mq | mo);
        if (mq >> first & 1) return p + first;
        p += first;
        goto slow;
      }
      p += 16;
    }
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* 8 bytes at a time: stop at '"', '\\', a control character or a non-ASCII byte. The lowest
     * flagged byte of each mask is exact, so the lowest bit of the union is the first stop. */
    while (p + 8 <= len) {
      uint64_t w;
      memcpy(&w, s + p, 8);
      uint64_t xq = w ^ (ONES * '"'), xb = w ^ (ONES * '\\');
      uint64_t m = ((xq - ONES) & ~xq) | ((xb - ONES) & ~xb) | ((w - ONES * 0x20) & ~w) | w;
      m &= HIGHS;
      if (m) {
        p += (size_t)__builtin_ctzll(m) >> 3;
        goto slow;
      }
      p += 8;
    }
#endif
    if (p >= len) {
      *why = "unterminated string";
      return (size_t)-1;
    }
  slow:;
    unsigned char c = s[p];
    if (c == '"') return p;
    if (c == '\\') {
      if (p + 1 >= len) {
        *why = "unterminated string";
        return (size_t)-1;
      }
      switch (s[p + 1]) {
      case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
        p += 2;
        break;
      case 'u':
        if (p + 6 > len) {
          *why = "truncated \\u escape";
          return (size_t)-1;
        }
        for (int i = 2; i < 6; i++) {
          if (hexval(s[p + i]) < 0) {
            *why = "bad \\u escape";
            return (size_t)-1;
          }
        }
        p += 6;
        break;
      default:
        *why = "bad escape in string";
        return (size_t)-1;
      }
    } else if (c < 0x20) {
      *why = "control character in string";
      return (size_t)-1;
    } else if (c >= 0x80) {
      int k = xc__utf8_seq(s + p, len - p);
      if (!k) {
        *why = "invalid UTF-8 in string";
        return (size_t)-1;
      }
      p += (size_t)k;
    } else {
      p++;
    }
  }
}

/* Scans a number per RFC 8259 at s[p] ('-' or digit). Returns the end, or (size_t)-1. */
static size_t scan_number(const unsigned char *s, size_t p, size_t len) {
  if (s[p] == '-') p++;
  if (p >= len) return (size_t)-1;
  if (s[p] == '0') {
    p++;
  } else if (is_digit(s[p])) {
    do p++;
    while (p < len && is_digit(s[p]));
  } else {
    return (size_t)-1;
  }
  if (p < len && s[p] == '.') {
    p++;
    if (p >= len || !is_digit(s[p])) return (size_t)-1;
    do p++;
    while (p < len && is_digit(s[p]));
  }
  if (p < len && (s[p] | 0x20) == 'e') {
    p++;
    if (p < len && (s[p] == '+' || s[p] == '-')) p++;
    if (p >= len || !is_digit(s[p])) return (size_t)-1;
    do p++;
    while (p < len && is_digit(s[p]));
  }
  return p;
}

static xc_status parse_fail(xc_json *j, xc_status st, size_t at, const char *why) {
  j->ntok = 0;
  if (st == XC_EFULL)
    snprintf(j->err, sizeof j->err, "document has more than %d tokens",
             j->max_tokens > 0 ? j->max_tokens : XC_JSON_MAX_TOKENS_DEFAULT);
  else if (st == XC_ENOMEM)
    snprintf(j->err, sizeof j->err, "out of memory for tokens");
  else if (at >= j->len)
    snprintf(j->err, sizeof j->err, "at byte %zu: %s (input truncated?)", at, why);
  else {
    unsigned char c = (unsigned char)j->src[at];
    if (c >= 0x20 && c < 0x7f)
      snprintf(j->err, sizeof j->err, "at byte %zu ('%c'): %s", at, c, why);
    else
      snprintf(j->err, sizeof j->err, "at byte %zu (0x%02x): %s", at, c, why);
  }
  return st;
}

xc_status xc_json_parse(xc_json *j, const char *buf, size_t len) {
  j->ntok = 0;
  j->err[0] = 0;
  j->src = buf;
  j->len = len;
  if (!buf && len) {
    snprintf(j->err, sizeof j->err, "NULL input");
    return XC_EINVAL;
  }
  if (len > (size_t)INT_MAX - 1) {
    snprintf(j->err, sizeof j->err, "input of %zu bytes is too large", len);
    return XC_EFULL;
  }
  if (!j->cap) {
    xc_status st = grow(j);
    if (st) return parse_fail(j, st, 0, "");
  }
  const unsigned char *s = (const unsigned char *)buf;
  jsmntok_t *t = j->tok;
  int *after = j->after;
  int cap = j->cap;
  int n = 0;
  /* The innermost open container lives in locals (its index, kind and running child count);
   * its size is stored into the token when a child container opens and reloaded on close. */
  int cur = -1;
  bool cur_obj = false;
  int csize = 0;
  int vpar = -1; /* parent of the next value: the array, or the key inside an object */
  size_t p = 0, e;
  const char *why = "";
  unsigned char c;

#define NEWTOK(k)                                                                                  \
  do {                                                                                             \
    if (__builtin_expect(n == cap, 0)) {                                                           \
      xc_status st_ = grow(j);                                                                     \
      if (st_) return parse_fail(j, st_, p, "");                                                   \
      t = j->tok;                                                                                  \
      after = j->after;                                                                            \
      cap = j->cap;                                                                                \
    }                                                                                              \
    (k) = n++;                                                                                     \
  } while (0)
#define FAIL(at, msg)                                                                              \
  do {                                                                                             \
    p = (at);                                                                                      \
    why = (msg);                                                                                   \
    goto fail;                                                                                     \
  } while (0)

  int k;
value:
  p = skip_ws(s, p, len);
  if (__builtin_expect(p >= len, 0)) FAIL(p, "expected a value");
  c = s[p];
  NEWTOK(k);
  csize += vpar == cur; /* an array element (object members are counted at their key) */
  if (c == '"') {
    e = scan_string(s, p + 1, len, &why);
    if (e == (size_t)-1) goto fail;
    t[k] = (jsmntok_t){JSMN_STRING, (int)p + 1, (int)e, 0, vpar};
    p = e + 1;
    /* Fast lane for compact arrays of strings (book levels): `,"` continues, `]` closes. */
    if (vpar == cur && cur >= 0) {
      while (p + 1 < len && s[p] == ',' && s[p + 1] == '"') {
        NEWTOK(k);
        csize++;
        e = scan_string(s, p + 2, len, &why);
        if (e == (size_t)-1) {
          p += 1;
          goto fail;
        }
        t[k] = (jsmntok_t){JSMN_STRING, (int)p + 2, (int)e, 0, vpar};
        p = e + 1;
      }
      if (p < len && s[p] == ']') goto close;
    }
    goto after_value;
  }
  if (c == '[' || c == '{') {
    t[k] = (jsmntok_t){c == '{' ? JSMN_OBJECT : JSMN_ARRAY, (int)p, -1, 0, vpar};
    if (cur >= 0) t[cur].size = csize;
    cur = k;
    cur_obj = c == '{';
    csize = 0;
    p = skip_ws(s, p + 1, len);
    if (p < len && s[p] == (c == '{' ? '}' : ']')) goto close;
    if (!cur_obj) {
      vpar = k;
      goto value;
    }
    goto key;
  }
  if (c == '-' || is_digit(c)) {
    e = scan_number(s, p, len);
    if (e == (size_t)-1) FAIL(p, "invalid number");
  } else {
    const char *lit = c == 't' ? "true" : c == 'f' ? "false" : c == 'n' ? "null" : NULL;
    if (!lit) FAIL(p, "expected a value");
    size_t ln = c == 'f' ? 5 : 4;
    if (len - p < ln || memcmp(s + p, lit, ln) != 0) FAIL(p, "invalid literal");
    e = p + ln;
  }
  t[k] = (jsmntok_t){JSMN_PRIMITIVE, (int)p, (int)e, 0, vpar};
  p = e;
  goto after_value;

key: /* inside an object, after '{' or ',' */
  p = skip_ws(s, p, len);
  if (p >= len || s[p] != '"') FAIL(p, "expected a key string");
  NEWTOK(k);
  e = scan_string(s, p + 1, len, &why);
  if (e == (size_t)-1) goto fail;
  t[k] = (jsmntok_t){JSMN_STRING, (int)p + 1, (int)e, 1, cur};
  csize++;
  p = skip_ws(s, e + 1, len);
  if (p >= len || s[p] != ':') FAIL(p, "expected ':' after a key");
  p++;
  vpar = k;
  goto value;

after_value:
  if (cur < 0) goto done;
  p = skip_ws(s, p, len);
  if (__builtin_expect(p >= len, 0)) FAIL(p, "unterminated container");
  c = s[p];
  if (c == ',') {
    p++;
    if (cur_obj) goto key;
    vpar = cur;
    goto value;
  }
  if (c != (cur_obj ? '}' : ']')) FAIL(p, cur_obj ? "expected ',' or '}'" : "expected ',' or ']'");
close: /* s[p] closes cur */
  t[cur].end = (int)p + 1;
  t[cur].size = csize;
  after[cur] = n;
  p++;
  cur = t[cur].parent;
  if (cur >= 0 && t[cur].type == JSMN_STRING) cur = t[cur].parent;
  if (cur >= 0) {
    cur_obj = t[cur].type == JSMN_OBJECT;
    csize = t[cur].size;
  }
  goto after_value;

done:
  p = skip_ws(s, p, len);
  if (p != len) FAIL(p, "trailing characters after the JSON value");
  j->ntok = n;
  return XC_OK;

fail:
  return parse_fail(j, XC_EPARSE, p, why);
#undef NEWTOK
#undef FAIL
}

/* ---- navigation -------------------------------------------------------------------------- */

static inline bool valid(const xc_json *j, int idx) { return idx >= 0 && idx < j->ntok; }

static inline bool is_container(const jsmntok_t *t) {
  return t->type == JSMN_OBJECT || t->type == JSMN_ARRAY;
}

/* Index of the first token after idx's subtree. */
static inline int skip(const xc_json *j, int idx) { return xc__json_skip(j, idx); }

xc_json_type xc_json_type_of(const xc_json *j, int idx) {
  if (!valid(j, idx)) return XC_JSON_NONE;
  const jsmntok_t *t = &j->tok[idx];
  switch (t->type) {
  case JSMN_OBJECT: return XC_JSON_OBJECT;
  case JSMN_ARRAY: return XC_JSON_ARRAY;
  case JSMN_STRING: return XC_JSON_STRING;
  case JSMN_PRIMITIVE:
    switch (j->src[t->start]) {
    case 't': return XC_JSON_TRUE;
    case 'f': return XC_JSON_FALSE;
    case 'n': return XC_JSON_NULL;
    default: return XC_JSON_NUMBER;
    }
  default: return XC_JSON_NONE;
  }
}

int xc_json_count(const xc_json *j, int idx) {
  if (!valid(j, idx) || !is_container(&j->tok[idx])) return 0;
  return j->tok[idx].size;
}

int xc_json_getn(const xc_json *j, int idx, const char *key, size_t klen) {
  if (!valid(j, idx) || j->tok[idx].type != JSMN_OBJECT) return -1;
  const jsmntok_t *t = j->tok;
  int n = t[idx].size;
  int k = idx + 1;
  const char *src = j->src;
  for (int i = 0; i < n; i++) {
    if ((size_t)(t[k].end - t[k].start) == klen &&
        (klen == 0 || (src[t[k].start] == key[0] && memcmp(src + t[k].start, key, klen) == 0)))
      return k + 1;
    k = skip(j, k + 1);
  }
  return -1;
}


int xc_json_key(const xc_json *j, int value_idx) {
  if (!valid(j, value_idx)) return -1;
  int par = j->tok[value_idx].parent;
  if (par >= 0 && j->tok[par].type == JSMN_STRING) return par;
  return -1;
}

int xc_json_at(const xc_json *j, int idx, int i) {
  if (!valid(j, idx) || i < 0 || i >= xc_json_count(j, idx)) return -1;
  int e = xc_json_first(j, idx);
  while (i-- > 0 && e >= 0) e = xc_json_next(j, e);
  return e;
}

/* ---- scalar getters ---------------------------------------------------------------------- */

xc_status xc_json_text(const xc_json *j, int idx, const char **s, size_t *n) {
  if (!valid(j, idx)) return XC_ENOTFOUND;
  const jsmntok_t *t = &j->tok[idx];
  *s = j->src + t->start;
  *n = (size_t)(t->end - t->start);
  return XC_OK;
}

bool xc_json_str_eqn(const xc_json *j, int idx, const char *s, size_t n) {
  if (!valid(j, idx) || j->tok[idx].type != JSMN_STRING) return false;
  const jsmntok_t *t = &j->tok[idx];
  return (size_t)(t->end - t->start) == n && memcmp(j->src + t->start, s, n) == 0;
}

bool xc_json_str_eq(const xc_json *j, int idx, const char *s) {
  return xc_json_str_eqn(j, idx, s, strlen(s));
}

static unsigned hex4(const char *s) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) v = v << 4 | (unsigned)hexval((unsigned char)s[i]);
  return v;
}

xc_status xc_json_str_copy(const xc_json *j, int idx, char *buf, size_t cap, size_t *out_len) {
  if (out_len) *out_len = 0;
  if (!valid(j, idx)) return XC_ENOTFOUND;
  const jsmntok_t *t = &j->tok[idx];
  if (t->type != JSMN_STRING) return XC_ETYPE;
  if (!buf || cap == 0) return XC_ENOSPC;
  const char *s = j->src + t->start, *end = j->src + t->end;
  size_t o = 0;
  /* The scanner validated the escapes' syntax; here we decode and check surrogate pairing. */
  while (s < end) {
    char tmp[4];
    size_t w;
    const char *run = s;
    while (s < end && *s != '\\') s++;
    if (s > run) { /* unescaped run */
      size_t r = (size_t)(s - run);
      if (o + r >= cap) {
        memcpy(buf + o, run, cap - 1 - o);
        buf[cap - 1] = 0;
        return XC_ENOSPC;
      }
      memcpy(buf + o, run, r);
      o += r;
      continue;
    }
    char e = s[1];
    s += 2;
    switch (e) {
    case 'b': tmp[0] = '\b'; w = 1; break;
    case 'f': tmp[0] = '\f'; w = 1; break;
    case 'n': tmp[0] = '\n'; w = 1; break;
    case 'r': tmp[0] = '\r'; w = 1; break;
    case 't': tmp[0] = '\t'; w = 1; break;
    case 'u': {
      unsigned cp = hex4(s);
      s += 4;
      if (cp >= 0xDC00 && cp <= 0xDFFF) goto bad_surrogate;
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (end - s < 6 || s[0] != '\\' || s[1] != 'u') goto bad_surrogate;
        unsigned lo = hex4(s + 2);
        if (lo < 0xDC00 || lo > 0xDFFF) goto bad_surrogate;
        s += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
      }
      if (cp == 0) {
        buf[o] = 0;
        if (out_len) *out_len = o;
        return XC_EPARSE; /* embedded NUL */
      }
      if (cp < 0x80) {
        tmp[0] = (char)cp;
        w = 1;
      } else if (cp < 0x800) {
        tmp[0] = (char)(0xC0 | cp >> 6);
        tmp[1] = (char)(0x80 | (cp & 0x3F));
        w = 2;
      } else if (cp < 0x10000) {
        tmp[0] = (char)(0xE0 | cp >> 12);
        tmp[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        tmp[2] = (char)(0x80 | (cp & 0x3F));
        w = 3;
      } else {
        tmp[0] = (char)(0xF0 | cp >> 18);
        tmp[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        tmp[2] = (char)(0x80 | (cp >> 6 & 0x3F));
        tmp[3] = (char)(0x80 | (cp & 0x3F));
        w = 4;
      }
      break;
    }
    default: tmp[0] = e; w = 1; break; /* '"', '\\', '/' */
    }
    if (o + w >= cap) {
      buf[o] = 0;
      return XC_ENOSPC;
    }
    memcpy(buf + o, tmp, w);
    o += w;
  }
  buf[o] = 0;
  if (out_len) *out_len = o;
  return XC_OK;
bad_surrogate:
  buf[o] = 0;
  if (out_len) *out_len = o;
  return XC_EPARSE;
}

/* Parses an optionally negative run of decimal digits into a magnitude; false on syntax error.
 * *ovf is set when the magnitude exceeds UINT64_MAX. */
static bool parse_digits(const char *s, size_t n, bool *neg, uint64_t *mag, bool *ovf) {
  *neg = false;
  *ovf = false;
  *mag = 0;
  if (n && s[0] == '-') {
    *neg = true;
    s++;
    n--;
  }
  if (!n) return false;
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned d = (unsigned)((unsigned char)s[i] - '0');
    if (d > 9) return false;
    if (v > (UINT64_MAX - d) / 10) *ovf = true;
    else v = v * 10 + d;
  }
  *mag = v;
  return true;
}

/* Classifies idx for an integer read: the text to parse, or an error. */
static xc_status int_text(const xc_json *j, int idx, const char **s, size_t *n) {
  switch (xc_json_type_of(j, idx)) {
  case XC_JSON_NONE: return XC_ENOTFOUND;
  case XC_JSON_STRING:
  case XC_JSON_NUMBER: break;
  default: return XC_ETYPE;
  }
  xc_json_text(j, idx, s, n);
  return XC_OK;
}

xc_status xc_json_i64(const xc_json *j, int idx, int64_t *out) {
  const char *s;
  size_t n;
  xc_status st = int_text(j, idx, &s, &n);
  if (st) return st;
  bool neg, ovf;
  uint64_t mag;
  if (!parse_digits(s, n, &neg, &mag, &ovf))
    return j->tok[idx].type == JSMN_STRING ? XC_EPARSE : XC_ETYPE;
  if (ovf) return XC_ERANGE;
  if (neg) {
    if (mag > (uint64_t)INT64_MAX + 1) return XC_ERANGE;
    *out = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
  } else {
    if (mag > (uint64_t)INT64_MAX) return XC_ERANGE;
    *out = (int64_t)mag;
  }
  return XC_OK;
}

xc_status xc_json_u64(const xc_json *j, int idx, uint64_t *out) {
  const char *s;
  size_t n;
  xc_status st = int_text(j, idx, &s, &n);
  if (st) return st;
  bool neg, ovf;
  uint64_t mag;
  if (!parse_digits(s, n, &neg, &mag, &ovf))
    return j->tok[idx].type == JSMN_STRING ? XC_EPARSE : XC_ETYPE;
  if (ovf || (neg && mag != 0)) return XC_ERANGE;
  *out = mag;
  return XC_OK;
}

/* The general path of xc_json_dec (the fast path is inline in json.h): type checks, a plain
 * digit loop, then xc_dec_parse. */
xc_status xc__json_dec_slow(const xc_json *j, int idx, xc_dec *out) {
  if (!valid(j, idx)) return XC_ENOTFOUND;
  const jsmntok_t *t = &j->tok[idx];
  const char *s = j->src + t->start;
  size_t n = (size_t)(t->end - t->start);
  if (t->type == JSMN_PRIMITIVE) {
    if (s[0] != '-' && !is_digit((unsigned char)s[0])) return XC_ETYPE;
  } else if (t->type != JSMN_STRING || n == 0) {
    return t->type == JSMN_STRING ? XC_EPARSE : XC_ETYPE;
  }
  /* "-"? digits ("." digits)? with at most 18 digits is exact in int64. */
  if (n <= 20) {
    size_t i = s[0] == '-';
    bool neg = i == 1;
    bool lead = i < n && is_digit((unsigned char)s[i]); /* a digit leads, as in "0.5" */
    int digits = 0, frac = -1;
    uint64_t v = 0; /* may wrap past 19 digits: such values are not used (digits > 18) */
    for (; i < n; i++) {
      unsigned d = (unsigned)((unsigned char)s[i] - '0');
      if (d <= 9) {
        v = v * 10 + d;
        digits++;
        if (frac >= 0) frac++;
      } else if (s[i] == '.' && frac < 0) {
        frac = 0;
      } else {
        break;
      }
    }
    if (lead && i == n && digits <= 18 && frac != 0)
      return xc_dec_from_i64(neg ? -(int64_t)v : (int64_t)v, frac < 0 ? 0 : -frac, out);
  }
  return xc_dec_parse(s, n, out);
}

xc_status xc_json_bool(const xc_json *j, int idx, bool *out) {
  switch (xc_json_type_of(j, idx)) {
  case XC_JSON_TRUE: *out = true; return XC_OK;
  case XC_JSON_FALSE: *out = false; return XC_OK;
  case XC_JSON_NONE: return XC_ENOTFOUND;
  default: return XC_ETYPE;
  }
}

bool xc_json_is_null(const xc_json *j, int idx) { return xc_json_type_of(j, idx) == XC_JSON_NULL; }

/* ---- keyed getters ----------------------------------------------------------------------- */

/* Describes the value at idx for an error message: its type, and a short excerpt of scalars. */
static void describe(const xc_json *j, int idx, char *buf, size_t cap) {
  xc_json_type ty = xc_json_type_of(j, idx);
  const char *s = "";
  size_t n = 0;
  if (ty == XC_JSON_STRING || ty == XC_JSON_NUMBER) {
    xc_json_text(j, idx, &s, &n);
    int show = n > 24 ? 24 : (int)n;
    const char *q = ty == XC_JSON_STRING ? "\"" : "";
    /* Only printable ASCII of the excerpt: the input may hold anything. */
    char ex[25];
    for (int i = 0; i < show; i++) {
      unsigned char c = (unsigned char)s[i];
      ex[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    ex[show] = 0;
    snprintf(buf, cap, "%s %s%s%s%s", xc_json_type_name(ty), q, ex, n > 24 ? "..." : "", q);
  } else {
    snprintf(buf, cap, "%s", xc_json_type_name(ty));
  }
}

/* Finds key in obj, recording a "missing" / "not an object" error. */
static xc_status lookup(xc_json *j, int obj, const char *key, int *v) {
  if (xc_json_type_of(j, obj) != XC_JSON_OBJECT) {
    char d[64];
    describe(j, obj, d, sizeof d);
    snprintf(j->err, sizeof j->err, "field \"%.40s\": parent is %s, not an object", key, d);
    *v = -1;
    return obj < 0 || obj >= j->ntok ? XC_ENOTFOUND : XC_ETYPE;
  }
  *v = xc_json_get(j, obj, key);
  if (*v < 0) {
    snprintf(j->err, sizeof j->err, "field \"%.40s\": missing", key);
    return XC_ENOTFOUND;
  }
  return XC_OK;
}

static xc_status field_err(xc_json *j, const char *key, int v, xc_status st, const char *want) {
  char d[64];
  describe(j, v, d, sizeof d);
  if (st == XC_ERANGE)
    snprintf(j->err, sizeof j->err, "field \"%.40s\": %s does not fit in %s", key, d, want);
  else if (st == XC_ENOSPC)
    snprintf(j->err, sizeof j->err, "field \"%.40s\": %s is too long for the buffer", key, d);
  else if (st == XC_EPARSE)
    snprintf(j->err, sizeof j->err, "field \"%.40s\": expected %s, got malformed %s", key, want, d);
  else
    snprintf(j->err, sizeof j->err, "field \"%.40s\": expected %s, got %s", key, want, d);
  return st;
}

xc_status xc_json_get_dec(xc_json *j, int obj, const char *key, xc_dec *out) {
  int v;
  xc_status st = lookup(j, obj, key, &v);
  if (!st && (st = xc_json_dec(j, v, out))) return field_err(j, key, v, st, "a decimal");
  return st;
}

xc_status xc_json_get_i64(xc_json *j, int obj, const char *key, int64_t *out) {
  int v;
  xc_status st = lookup(j, obj, key, &v);
  if (!st && (st = xc_json_i64(j, v, out))) return field_err(j, key, v, st, "an int64");
  return st;
}

xc_status xc_json_get_u64(xc_json *j, int obj, const char *key, uint64_t *out) {
  int v;
  xc_status st = lookup(j, obj, key, &v);
  if (!st && (st = xc_json_u64(j, v, out))) return field_err(j, key, v, st, "a uint64");
  return st;
}

xc_status xc_json_get_bool(xc_json *j, int obj, const char *key, bool *out) {
  int v;
  xc_status st = lookup(j, obj, key, &v);
  if (!st && (st = xc_json_bool(j, v, out))) return field_err(j, key, v, st, "a boolean");
  return st;
}

xc_status xc_json_get_text(xc_json *j, int obj, const char *key, const char **s, size_t *n) {
  int v;
  xc_status st = lookup(j, obj, key, &v);
  if (st) return st;
  xc_json_type ty = xc_json_type_of(j, v);
  if (ty == XC_JSON_OBJECT || ty == XC_JSON_ARRAY || ty == XC_JSON_NULL)
    return field_err(j, key, v, XC_ETYPE, "a string, number or boolean");
  return xc_json_text(j, v, s, n);
}

xc_status xc_json_get_str(xc_json *j, int obj, const char *key, char *buf, size_t cap) {
  int v;
  xc_status st = lookup(j, obj, key, &v);
  if (!st && (st = xc_json_str_copy(j, v, buf, cap, NULL)))
    return field_err(j, key, v, st, "a string");
  return st;
}

static xc_status get_kind(xc_json *j, int obj, const char *key, int *out, xc_json_type want) {
  int v;
  *out = -1;
  xc_status st = lookup(j, obj, key, &v);
  if (st) return st;
  if (xc_json_type_of(j, v) != want)
    return field_err(j, key, v, XC_ETYPE, want == XC_JSON_OBJECT ? "an object" : "an array");
  *out = v;
  return XC_OK;
}

xc_status xc_json_get_obj(xc_json *j, int obj, const char *key, int *out) {
  return get_kind(j, obj, key, out, XC_JSON_OBJECT);
}

xc_status xc_json_get_arr(xc_json *j, int obj, const char *key, int *out) {
  return get_kind(j, obj, key, out, XC_JSON_ARRAY);
}
