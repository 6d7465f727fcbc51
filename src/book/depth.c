/* Hand-written validating decoders for depth messages (see depth.h). One pass over the bytes:
 * every value is syntax-checked (skipped values too), known keys are decoded in place, and level
 * strings are turned into exact (mantissa, fractional digits) pairs without division. */
#include "book/depth.h"
#include "core/json.h" /* xc__utf8_seq: same UTF-8 rules as the general reader */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <pthread.h>
#include <tmmintrin.h>
#define XC_DEPTH_SSSE3 1 /* an SSSE3 path, chosen at run time (xc_depth_dec.simd) */
#endif

#define MAX_DEPTH 32

static const uint64_t pow10_u64[20] = {
    1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull, 100000000ull,
    1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull, 10000000000000ull,
    100000000000000ull, 1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
    1000000000000000000ull, 10000000000000000000ull};

/* Slots filled while walking an object tree; first occurrence wins. */
enum {
  F_E = 1u << 0, F_EVT = 1u << 1, F_T = 1u << 2, F_S = 1u << 3, F_U1 = 1u << 4, F_U = 1u << 5,
  F_PU = 1u << 6, F_B = 1u << 7, F_A = 1u << 8, F_LUID = 1u << 9, F_SEQ = 1u << 10,
  F_TS = 1u << 11, F_CTS = 1u << 12, F_STREAM = 1u << 13, F_TOPIC = 1u << 14, F_TYPE = 1u << 15,
  F_RETCODE = 1u << 16, F_DATA = 1u << 17, F_RESULT = 1u << 18
};

typedef struct scan {
  const char *p, *end;
  xc_depth_dec *d;
  uint32_t nlv;          /* levels stored in d->lv so far */
  uint32_t seen;
  /* decoded slots */
  const char *e; size_t e_len;
  const char *type; size_t type_len;
  const char *topic; size_t topic_len;
  int64_t E, T, U1, U, PU, LUID, SEQ, TS, CTS, RETCODE;
  uint32_t b_off, b_n, a_off, a_n;
  xc_depth_msg *out;
  bool off_scale;        /* a level number could not be given at the requested scale */
} scan;

static xc_status failf(scan *s, xc_status st, const char *what, const char *base) {
  if (s->d) snprintf(s->d->err, sizeof s->d->err, "%s at byte %zu", what, (size_t)(s->p - base));
  return st;
}

static inline void ws(scan *s) {
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t')) s->p++;
}

static inline int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* At '"': validates a string and returns its raw content (escapes not decoded). */
static xc_status str(scan *s, const char **out, size_t *n) {
  const char *p = s->p + 1, *end = s->end;
  const char *start = p;
  for (;;) {
    /* skip plain bytes 8 at a time: stop at '"', '\\', a control byte or a non-ASCII byte
     * (the first flagged byte is exact: borrows only flag bytes after a real hit) */
    while (end - p >= 8) {
      uint64_t c8;
      memcpy(&c8, p, 8);
      const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
      uint64_t q = c8 ^ (ones * '"'), b = c8 ^ (ones * '\\');
      uint64_t hit = ((q - ones) & ~q) | ((b - ones) & ~b) | ((c8 - ones * 0x20) & ~c8) | c8;
      hit &= high;
      if (hit) {
        p += __builtin_ctzll(hit) >> 3;
        break;
      }
      p += 8;
    }
    if (p >= end) return XC_EPARSE;
    unsigned char c = (unsigned char)*p;
    if (c == '"') break;
    if (c < 0x20) return XC_EPARSE;
    if (c >= 0x80) {
      int k = xc__utf8_seq((const unsigned char *)p, (size_t)(end - p));
      if (!k) return XC_EPARSE;
      p += k;
      continue;
    }
    if (c == '\\') {
      if (p + 1 >= end) return XC_EPARSE;
      char e = p[1];
      if (e == 'u') {
        if (p + 6 > end) return XC_EPARSE;
        for (int i = 2; i < 6; i++)
          if (hexval(p[i]) < 0) return XC_EPARSE;
        p += 6;
        continue;
      }
      if (!(e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' ||
            e == 't'))
        return XC_EPARSE;
      p += 2;
      continue;
    }
    p++;
  }
  if (out) *out = start;
  if (n) *n = (size_t)(p - start);
  s->p = p + 1;
  return XC_OK;
}

/* At a JSON number: validates its grammar; returns its span. */
static xc_status num_span(scan *s, const char **out, size_t *n) {
  const char *p = s->p, *end = s->end, *start = p;
  if (p < end && *p == '-') p++;
  if (p >= end) return XC_EPARSE;
  if (*p == '0') {
    p++;
  } else if (*p >= '1' && *p <= '9') {
    while (p < end && *p >= '0' && *p <= '9') p++;
  } else {
    return XC_EPARSE;
  }
  if (p < end && *p == '.') {
    p++;
    if (p >= end || !(*p >= '0' && *p <= '9')) return XC_EPARSE;
    while (p < end && *p >= '0' && *p <= '9') p++;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    p++;
    if (p < end && (*p == '+' || *p == '-')) p++;
    if (p >= end || !(*p >= '0' && *p <= '9')) return XC_EPARSE;
    while (p < end && *p >= '0' && *p <= '9') p++;
  }
  *out = start;
  *n = (size_t)(p - start);
  s->p = p;
  return XC_OK;
}

static xc_status skip_value(scan *s, int depth);

static xc_status skip_container(scan *s, int depth, char close) {
  if (depth >= MAX_DEPTH) return XC_EPARSE;
  s->p++; /* [ or { */
  ws(s);
  if (s->p < s->end && *s->p == close) {
    s->p++;
    return XC_OK;
  }
  for (;;) {
    xc_status st;
    if (close == '}') {
      ws(s);
      if (s->p >= s->end || *s->p != '"') return XC_EPARSE;
      if ((st = str(s, NULL, NULL)) != XC_OK) return st;
      ws(s);
      if (s->p >= s->end || *s->p != ':') return XC_EPARSE;
      s->p++;
    }
    ws(s);
    if ((st = skip_value(s, depth + 1)) != XC_OK) return st;
    ws(s);
    if (s->p >= s->end) return XC_EPARSE;
    if (*s->p == ',') {
      s->p++;
      continue;
    }
    if (*s->p == close) {
      s->p++;
      return XC_OK;
    }
    return XC_EPARSE;
  }
}

static xc_status lit(scan *s, const char *w, size_t n) {
  if ((size_t)(s->end - s->p) < n || memcmp(s->p, w, n) != 0) return XC_EPARSE;
  s->p += n;
  return XC_OK;
}

static xc_status skip_value(scan *s, int depth) {
  if (s->p >= s->end) return XC_EPARSE;
  const char *t;
  size_t n;
  switch (*s->p) {
  case '{': return skip_container(s, depth, '}');
  case '[': return skip_container(s, depth, ']');
  case '"': return str(s, NULL, NULL);
  case 't': return lit(s, "true", 4);
  case 'f': return lit(s, "false", 5);
  case 'n': return lit(s, "null", 4);
  default: return num_span(s, &t, &n);
  }
}

/* A JSON integer number (no fraction, no exponent) into int64. */
static xc_status int_value(scan *s, int64_t *out) {
  const char *t;
  size_t n;
  if (s->p >= s->end) return XC_EPARSE;
  if (*s->p == '"' || *s->p == '{' || *s->p == '[' || *s->p == 't' || *s->p == 'f' || *s->p == 'n')
    return XC_ETYPE;
  xc_status st = num_span(s, &t, &n);
  if (st != XC_OK) return st;
  size_t i = 0;
  bool neg = false;
  if (t[0] == '-') {
    neg = true;
    i = 1;
  }
  uint64_t v = 0;
  for (; i < n; i++) {
    char c = t[i];
    if (c < '0' || c > '9') return XC_ETYPE; /* fraction or exponent */
    uint64_t d = (uint64_t)(c - '0');
    if (v > (UINT64_MAX - d) / 10) return XC_ERANGE;
    v = v * 10 + d;
  }
  if (neg) {
    if (v > (uint64_t)INT64_MAX + 1) return XC_ERANGE;
    *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
  } else {
    if (v > (uint64_t)INT64_MAX) return XC_ERANGE;
    *out = (int64_t)v;
  }
  return XC_OK;
}

xc_status xc_depth_parse_num(const char *p, size_t n, xc_depth_num *out) {
  const char *end = p + n;
  if (p >= end || *p < '0' || *p > '9') return XC_EPARSE;
  uint64_t v = 0;
  int nd = 0;
  while (p < end && *p >= '0' && *p <= '9') {
    unsigned d = (unsigned)(*p - '0');
    if (v || d) {
      if (++nd > 19) return XC_ERANGE;
      v = v * 10 + d;
    }
    p++;
  }
  int32_t frac = 0;
  if (p < end && *p == '.') {
    p++;
    if (p >= end || *p < '0' || *p > '9') return XC_EPARSE;
    int z = 0;
    while (p < end && *p >= '0' && *p <= '9') {
      unsigned d = (unsigned)(*p - '0');
      if (d == 0) {
        z++;
      } else {
        if (v == 0) {
          v = d;
          nd = 1;
        } else {
          nd += z + 1;
          if (nd > 19) return XC_ERANGE;
          v = v * pow10_u64[z + 1] + d;
        }
        frac += z + 1;
        z = 0;
      }
      p++;
    }
  }
  if (p != end) return XC_EPARSE;
  out->m = v;
  if (frac > XC_DEPTH_MAX_FRAC) return XC_ERANGE; /* e.g. 0.000...01 with 40+ zeros */
  out->frac = v ? frac : 0;
  return XC_OK;
}

/* One decimal inside a level: a string "123.45" or a bare number 123.45 (no sign/exponent). */
static __attribute__((noinline)) xc_status lvl_num_slow(scan *s, uint64_t *m, int16_t *frac) {
  const char *p = s->p, *end = s->end;
  bool quoted = false;
  if (p < end && *p == '"') {
    quoted = true;
    p++;
  }
  if (p >= end || *p < '0' || *p > '9') return XC_EPARSE;
  uint64_t v = 0;
  int nd = 0;
  const char *int_start = p;
  while (p < end && (unsigned)(*p - '0') < 10) {
    unsigned d = (unsigned)(*p - '0');
    if (v || d) {
      if (++nd > 19) return XC_ERANGE;
      v = v * 10 + d;
    }
    p++;
  }
  /* a bare JSON number may not have leading zeros ("01") */
  if (!quoted && p - int_start > 1 && *int_start == '0') return XC_EPARSE;
  int f = 0;
  if (p < end && *p == '.') {
    p++;
    if (p >= end || (unsigned)(*p - '0') >= 10) return XC_EPARSE;
    int z = 0;
    while (p < end && (unsigned)(*p - '0') < 10) {
      unsigned d = (unsigned)(*p - '0');
      if (d == 0) {
        z++;
      } else {
        if (v == 0) {
          v = d;
          nd = 1;
        } else {
          nd += z + 1;
          if (nd > 19) return XC_ERANGE;
          v = v * pow10_u64[z + 1] + d;
        }
        f += z + 1;
        z = 0;
      }
      p++;
    }
  }
  if (quoted) {
    if (p >= end || *p != '"') return XC_EPARSE;
    p++;
  } else if (p < end && (*p == 'e' || *p == 'E')) {
    return XC_EPARSE;
  }
  *m = v;
  if (f > XC_DEPTH_MAX_FRAC) return XC_ERANGE; /* e.g. 0.000...01 with 40+ zeros */
  *frac = (int16_t)(v ? f : 0);
  s->p = p;
  return XC_OK;
}


/* SWAR helpers: 8 ASCII bytes at once (little-endian: the first character is the low byte). */
static inline uint64_t load8(const char *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}
/* Number of leading bytes of c that are ASCII digits (0..8). */
static inline int digit_run(uint64_t c) {
  uint64_t t = ((c & 0xF0F0F0F0F0F0F0F0ull) ^ 0x3030303030303030ull) |
               (((c + 0x0606060606060606ull) & 0xF0F0F0F0F0F0F0F0ull) ^ 0x3030303030303030ull);
  return t ? __builtin_ctzll(t) >> 3 : 8;
}
/* Value of 8 digit values (0..9 per byte, first byte most significant). */
static inline uint64_t swar8(uint64_t v) {
  v = ((v & 0x0F0F0F0F0F0F0F0Full) * 2561) >> 8;
  v = ((v & 0x00FF00FF00FF00FFull) * 6553601) >> 16;
  return ((v & 0x0000FFFF0000FFFFull) * 42949672960001ull) >> 32;
}

/* One decimal inside a level. Fast path: up to 7 integer digits and up to 8 fractional digits,
 * converted 8 bytes at a time with trailing fractional zeros dropped by a shift; anything else
 * (or near the end of the buffer) takes the byte-by-byte path, which accepts the same grammar. */
static inline __attribute__((always_inline)) xc_status lvl_num(scan *s, uint64_t *m, int16_t *frac) {
  const char *p = s->p;
  if (s->end - p < 24) return lvl_num_slow(s, m, frac);
  bool quoted = *p == '"';
  p += quoted;
  uint64_t c = load8(p);
  int n = digit_run(c);
  if (n == 0 || n == 8) return lvl_num_slow(s, m, frac);
  if (!quoted && n > 1 && *p == '0') return XC_EPARSE;
  uint64_t ip = swar8((c - 0x3030303030303030ull) << (8 * (8 - n)));
  p += n;
  uint64_t v = ip;
  int f = 0;
  if (*p == '.') {
    p++;
    uint64_t c2 = load8(p);
    int nf = digit_run(c2);
    if (nf == 0) return XC_EPARSE;
    if (nf == 8 && (unsigned)(p[8] - '0') < 10) return lvl_num_slow(s, m, frac);
    uint64_t x = (c2 - 0x3030303030303030ull) << (8 * (8 - nf));
    if (x) {
      int tz = __builtin_clzll(x) >> 3;
      f = nf - tz;
      v = ip * pow10_u64[f] + swar8(x << (8 * tz));
    }
    p += nf;
  }
  if (quoted) {
    if (*p != '"') return XC_EPARSE;
    p++;
  } else if (*p == 'e' || *p == 'E') {
    return XC_EPARSE;
  }
  *m = v;
  *frac = (int16_t)(v ? f : 0);
  s->p = p;
  return XC_OK;
}

static xc_status grow(scan *s) {
  xc_depth_dec *d = s->d;
  if (d->cap >= d->max_levels) return XC_EFULL;
  uint32_t nc = d->cap ? d->cap * 2 : 256;
  if (nc > d->max_levels) nc = d->max_levels;
  xc_depth_lvl *nl = realloc(d->lv, (size_t)nc * sizeof *nl);
  if (!nl) return XC_ENOMEM;
  d->lv = nl;
  d->cap = nc;
  return XC_OK;
}

/* At '[': [[px,qty(,extra...)],...] appended to the scratch array. */
/* Whitespace test on the hot path: every JSON whitespace byte is <= 0x20, and any other byte
 * <= 0x20 is invalid outside strings, so one compare decides whether ws() must look. */
#define WS(s_)                                                                                     \
  do {                                                                                             \
    if (__builtin_expect((s_)->p < (s_)->end && (unsigned char)*(s_)->p <= ' ', 0)) ws(s_);       \
  } while (0)

/* ---- fast path for compact levels ------------------------------------------------------------
 * Every venue sends book levels as ["<plain decimal>","<plain decimal>"] with no whitespace. For
 * that form the decoder does not walk byte by byte: each number's 16-byte window is classified at
 * once (non-digit bytes as a 16-bit mask), which yields the dot and the closing quote directly, so
 * the only serial dependency from one number to the next is one load and one count of trailing
 * zero bits. Anything outside the form (whitespace, escapes, exponents, more than 8 integer or 8
 * fractional digits, numbers near the end of the buffer) returns NULL and the level is decoded by
 * the general path, which accepts the same grammar; fuzz_depth checks both against the general
 * JSON reader. */

#if defined(__SSE2__)
/* p: first byte after the opening quote; at least 24 readable bytes from p. Returns the byte
 * after the closing quote, or NULL to let the general path decide. One 16-byte window gives the
 * closing quote and every non-digit byte of the number at once (SSE2, baseline on x86-64). */
static inline __attribute__((always_inline)) const char *fast_num(const char *p, uint64_t *m, int16_t *frac,
                                                                   int scale, bool *off_scale) {
  const uint64_t zeros = 0x3030303030303030ull;
  __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
  __m128i t = _mm_sub_epi8(v, _mm_set1_epi8('0'));
  uint32_t quote = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
  uint32_t digit = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(9)), t));
  uint32_t len = (uint32_t)__builtin_ctz(quote | 1u << 16);
  uint32_t nd = ~digit & ((1u << len) - 1); /* non-digit bytes inside the string */
  uint32_t f = (uint32_t)__builtin_ctz(nd | 1u << len); /* the dot, or len */
  if (f - 1 >= 8 || len == 16) return NULL; /* no integer digit, more than 8, or no quote in 16 */
  uint64_t ip = swar8((load8(p) - zeros) << (8 * (8 - f)));
  if (f == len) {
    uint64_t sv;
    if (scale >= 0 && scale <= 18 && !__builtin_mul_overflow(ip, pow10_u64[scale], &sv) && sv <= (uint64_t)INT64_MAX) {
      *m = sv;
      *frac = (int16_t)scale;
    } else {
      *m = ip;
      *frac = 0;
      if (scale >= 0) *off_scale = true;
    }
    return p + len + 1;
  }
  uint32_t nf = len - f - 1;
  if (p[f] != '.' || (nd & (nd - 1)) || nf - 1 >= 8) return NULL; /* not a dot, two non-digits, no or >8 fraction digits */
  uint64_t fw = load8(p + f + 1) - zeros; /* fraction digits in the low nf bytes, first digit lowest */
  if (scale >= 0 && scale <= 18) {
    /* At the scale (at most 8 here, times 10^(scale - 8) above): the digits past it must be
     * zeros; the first ones placed so the last lands in the top byte (absent digits are zero
     * bytes, i.e. trailing zeros). */
    int s8 = scale < 8 ? scale : 8;
    uint64_t digits = nf == 8 ? fw : fw & ((1ull << (8 * nf)) - 1);
    if (s8 == 0 ? digits == 0 : (s8 == 8 || (digits >> (8 * s8)) == 0)) {
      uint64_t sv = ip * pow10_u64[s8] + (s8 ? swar8(digits << (8 * (8 - s8))) : 0);
      if (scale <= 8 || (!__builtin_mul_overflow(sv, pow10_u64[scale - 8], &sv) && sv <= (uint64_t)INT64_MAX)) {
        *m = sv;
        *frac = (int16_t)scale;
        return p + len + 1;
      }
    }
  }
  if (scale >= 0) *off_scale = true;
  uint64_t x = fw << (8 * (8 - nf));
  uint64_t val = ip;
  int fr = 0;
  if (x) {
    int tz = __builtin_clzll(x) >> 3; /* trailing fractional zeros */
    fr = (int)nf - tz;
    val = ip * pow10_u64[fr] + swar8(x << (8 * tz));
  }
  *m = val;
  *frac = (int16_t)(val ? fr : 0);
  return p + len + 1;
}
#else
/* Without SSE2 every level takes the general path. */
static inline const char *fast_num(const char *p, uint64_t *m, int16_t *frac, int scale, bool *off_scale) {
  (void)p, (void)m, (void)frac, (void)scale, (void)off_scale;
  return NULL;
}
#endif

/* At '[' of one level with at least 48 readable bytes: the compact form ["p","q"]. Returns the
 * byte after the level's ']' or NULL. */
/* At '[' of one level with at least 48 readable bytes: the compact form ["p","q"]. Returns the
 * byte after the level's ']' or NULL. NUM is the number decoder. */
#define XC_FAST_LEVEL_BODY(NUM)                                                                    \
  if (p[0] != '[' || p[1] != '"') return NULL;                                                     \
  const char *q = NUM(p + 2, &l->px_m, &l->px_frac, ps, off_scale);                                \
  if (!q || q[0] != ',' || q[1] != '"') return NULL;                                               \
  const char *r = NUM(q + 2, &l->qty_m, &l->qty_frac, qs, off_scale);                              \
  if (!r || r[0] != ']') return NULL;                                                              \
  return r + 1;

/* Runs of compact levels, with the state in locals. Called where a level may start; stores
 * levels from index *nlv on and returns where it stopped: */
enum { RUN_AT_LEVEL, RUN_AFTER_LEVEL, RUN_CLOSED };
/* RUN_AT_LEVEL: s->p where a level may start (nothing consumed, or up to a ',');
 * RUN_AFTER_LEVEL: s->p just after a level's ']' that is followed by neither ',' nor ']';
 * RUN_CLOSED: the side's closing ']' consumed. LEVEL is the level decoder. */
#define XC_FAST_LEVELS_BODY(LEVEL)                                                                 \
  const char *p = s->p, *end = s->end;                                                             \
  xc_depth_lvl *lv = s->d->lv;                                                                     \
  uint32_t n = *nlv, cap = s->d->cap;                                                              \
  const int ps = s->d->px_scale, qs = s->d->qty_scale;                                             \
  bool off = false;                                                                                \
  int at = RUN_AT_LEVEL;                                                                           \
  while (__builtin_expect(end - p >= 48 && n < cap, 1)) {                                          \
    bool lvl_off = false; /* counts only if the whole level is taken here */                     \
    const char *e = LEVEL(p, &lv[n], ps, qs, &lvl_off);                                            \
    if (__builtin_expect(!e, 0)) break;                                                            \
    off |= lvl_off;                                                                                \
    n++;                                                                                           \
    if (__builtin_expect(*e == ',', 1)) {                                                          \
      p = e + 1;                                                                                   \
      continue;                                                                                    \
    }                                                                                              \
    if (*e == ']') {                                                                               \
      p = e + 1;                                                                                   \
      at = RUN_CLOSED;                                                                             \
    } else {                                                                                       \
      p = e;                                                                                       \
      at = RUN_AFTER_LEVEL;                                                                        \
    }                                                                                              \
    break;                                                                                         \
  }                                                                                                \
  s->p = p;                                                                                        \
  s->off_scale |= off;                                                                             \
  *nlv = n;                                                                                        \
  return at;

static inline __attribute__((always_inline)) const char *fast_level(const char *p, xc_depth_lvl *l, int ps, int qs,
                                                                     bool *off_scale) {
  XC_FAST_LEVEL_BODY(fast_num)
}

static int fast_levels(scan *s, uint32_t *nlv) { XC_FAST_LEVELS_BODY(fast_level) }

#if defined(XC_DEPTH_SSSE3)
/* gather_ctl[f][scale]: the pshufb control that takes a number whose dot is at byte f (or that
 * has f digits and no dot) to its f integer digits then `scale` fraction digits, right-aligned in
 * 16 bytes; 0x80 (reads 0) before the first digit. Built once. */
static _Alignas(16) int8_t gather_ctl[17][9][16];
static pthread_once_t gather_once = PTHREAD_ONCE_INIT;

static void gather_init(void) {
  for (int f = 0; f <= 16; f++)
    for (int sc = 0; sc <= 8; sc++)
      for (int t = 0; t < 16; t++) {
        int j = t - (16 - (f + sc)); /* index among the wanted digits */
        gather_ctl[f][sc][t] = (int8_t)(j < 0 ? -128 : j < f ? j : j + 1);
      }
}

/* The same at a scale of 0..8 with SSSE3: the digits wanted (the integer digits, then exactly
 * `scale` fraction digits, absent ones as zeros) are gathered right-aligned into one 16-byte
 * vector by one shuffle whose control is computed from the dot position, and converted with
 * three multiply-adds (pairs, quads, octets) instead of two 8-digit SWAR conversions. Anything
 * else (no scale, a finer number, no quote within 16 bytes) goes to fast_num. Checked against
 * fast_num by test_decode_fast_paths and fuzz_depth (xc_depth_dec.simd). */
static inline __attribute__((always_inline, target("ssse3"))) const char *
fast_num_ssse3(const char *p, uint64_t *m, int16_t *frac, int scale, bool *off_scale) {
  if ((unsigned)scale > 8) return fast_num(p, m, frac, scale, off_scale);
  __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
  __m128i t = _mm_sub_epi8(v, _mm_set1_epi8('0'));
  uint32_t quote = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
  uint32_t digit = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(9)), t));
  uint32_t zero = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('0')));
  uint32_t len = (uint32_t)__builtin_ctz(quote | 1u << 16);
  uint32_t span = (1u << len) - 1;
  uint32_t nd = ~digit & span;                           /* non-digits inside the string */
  uint32_t f = (uint32_t)__builtin_ctz(nd | 1u << len);  /* the dot, or len */
  uint32_t used = (2u << (f + (uint32_t)scale)) - 1;     /* bytes up to the last wanted digit */
  /* one dot at most (any other non-digit fails), an integer digit, a fraction digit after a dot,
   * at most 16 digits wanted, the quote within the window, and no non-zero digit past the scale */
  bool ok = len < 16 && f >= 1 && f + (uint32_t)scale <= 16 && (nd & (nd - 1)) == 0 &&
            (f == len || (p[f] == '.' && f + 1 < len)) && (span & ~used & ~zero) == 0;
  if (__builtin_expect(!ok, 0)) return fast_num(p, m, frac, scale, off_scale);
  /* gather control for (dot at f, scale); fraction digits at or past the quote read as 0 */
  __m128i src = _mm_load_si128((const __m128i *)(const void *)gather_ctl[f][scale]);
  __m128i bad = _mm_cmpgt_epi8(src, _mm_set1_epi8((char)(len - 1)));
  __m128i dg = _mm_shuffle_epi8(t, _mm_or_si128(src, bad)); /* bad lanes read as 0 */
  __m128i x = _mm_maddubs_epi16(dg, _mm_set1_epi16(0x010A));     /* 10a + b */
  x = _mm_madd_epi16(x, _mm_set1_epi32(0x00010064));             /* 100a + b */
  x = _mm_packs_epi32(x, x);
  x = _mm_madd_epi16(x, _mm_set1_epi32(0x00012710));             /* 10000a + b */
  uint64_t r = (uint64_t)_mm_cvtsi128_si64(x);
  *m = (r & 0xFFFFFFFFu) * 100000000u + (r >> 32);
  *frac = (int16_t)scale;
  return p + len + 1;
}

static inline __attribute__((always_inline, target("ssse3"))) const char *
fast_level_ssse3(const char *p, xc_depth_lvl *l, int ps, int qs, bool *off_scale) {
  XC_FAST_LEVEL_BODY(fast_num_ssse3)
}

static __attribute__((target("ssse3"))) int fast_levels_ssse3(scan *s, uint32_t *nlv) {
  XC_FAST_LEVELS_BODY(fast_level_ssse3)
}
#endif

/* A normalised number (m, frac) given at `scale` when exact and m * 10^(scale - frac) fits int64;
 * otherwise left as it is and the message is marked off scale. */
static void to_scale(scan *s, uint64_t *m, int16_t *frac, int scale) {
  uint64_t r;
  if (*frac <= scale && scale - *frac < 19 && !__builtin_mul_overflow(*m, pow10_u64[scale - *frac], &r) &&
      r <= (uint64_t)INT64_MAX) {
    *m = r;
    *frac = (int16_t)scale;
  } else {
    s->off_scale = true;
  }
}

static xc_status levels(scan *s, int depth, uint32_t *off, uint32_t *cnt) {
  if (s->p >= s->end || *s->p != '[') return XC_ETYPE;
  if (depth + 2 > MAX_DEPTH) return XC_EPARSE;
  s->p++;
  uint32_t nlv = s->nlv, first = nlv;
  *off = nlv;
  *cnt = 0;
  WS(s);
  if (s->p < s->end && *s->p == ']') {
    s->p++;
    return XC_OK;
  }
  xc_status st;
  for (;;) {
#if defined(XC_DEPTH_SSSE3)
    int at = s->d->simd ? fast_levels_ssse3(s, &nlv) : fast_levels(s, &nlv);
#else
    int at = fast_levels(s, &nlv);
#endif
    if (at == RUN_CLOSED) {
      s->nlv = nlv;
      *cnt = nlv - first;
      return XC_OK;
    }
    if (at == RUN_AFTER_LEVEL) {
      WS(s);
      if (s->p >= s->end) return XC_EPARSE;
      if (*s->p == ']') {
        s->p++;
        s->nlv = nlv;
        *cnt = nlv - first;
        return XC_OK;
      }
      if (*s->p != ',') return XC_EPARSE;
      s->p++;
    }
    if (nlv == s->d->cap) {
      s->nlv = nlv;
      if ((st = grow(s)) != XC_OK) return st;
    }
    xc_depth_lvl *l = &s->d->lv[nlv];
    WS(s);
    if (s->p >= s->end) return XC_EPARSE;
    if (*s->p != '[') return XC_ETYPE;
    s->p++;
    WS(s);
    if ((st = lvl_num(s, &l->px_m, &l->px_frac)) != XC_OK) return st;
    WS(s);
    if (s->p >= s->end || *s->p != ',') return XC_EPARSE;
    s->p++;
    WS(s);
    if ((st = lvl_num(s, &l->qty_m, &l->qty_frac)) != XC_OK) return st;
    if (s->d->px_scale >= 0) to_scale(s, &l->px_m, &l->px_frac, s->d->px_scale);
    if (s->d->qty_scale >= 0) to_scale(s, &l->qty_m, &l->qty_frac, s->d->qty_scale);
    WS(s);
    /* tolerate (and validate) extra elements after [price, qty] */
    while (s->p < s->end && *s->p == ',') {
      s->p++;
      ws(s);
      if ((st = skip_value(s, depth + 2)) != XC_OK) return st;
      ws(s);
    }
    if (s->p >= s->end || *s->p != ']') return XC_EPARSE;
    s->p++;
    nlv++;
    WS(s);
    if (s->p >= s->end) return XC_EPARSE;
    if (*s->p == ',') {
      s->p++;
      continue;
    }
    if (*s->p == ']') {
      s->p++;
      s->nlv = nlv;
      *cnt = nlv - first;
      return XC_OK;
    }
    return XC_EPARSE;
  }
}

#define KEY(lit_) (klen == sizeof(lit_) - 1 && memcmp(k, lit_, sizeof(lit_) - 1) == 0)

static xc_status obj(scan *s, int depth);

/* Decodes the value of key k (s->p at the value). Unknown or repeated keys are skipped. */
static xc_status field(scan *s, const char *k, size_t klen, int depth) {
  uint32_t f = 0;
  int64_t *iv = NULL;
  switch (klen) {
  case 1:
    switch (k[0]) {
    case 'e': f = F_EVT; break;
    case 'E': f = F_E; iv = &s->E; break;
    case 'T': f = F_T; iv = &s->T; break;
    case 's': f = F_S; break;
    case 'U': f = F_U1; iv = &s->U1; break;
    case 'u': f = F_U; iv = &s->U; break;
    case 'b': f = F_B; break;
    case 'a': f = F_A; break;
    default: break;
    }
    break;
  case 2:
    if (KEY("pu")) { f = F_PU; iv = &s->PU; }
    else if (KEY("ts")) { f = F_TS; iv = &s->TS; }
    break;
  case 3:
    if (KEY("seq")) { f = F_SEQ; iv = &s->SEQ; }
    else if (KEY("cts")) { f = F_CTS; iv = &s->CTS; }
    break;
  case 4:
    if (KEY("bids")) f = F_B;
    else if (KEY("asks")) f = F_A;
    else if (KEY("data")) f = F_DATA;
    else if (KEY("type")) f = F_TYPE;
    break;
  case 5:
    if (KEY("topic")) f = F_TOPIC;
    break;
  case 6:
    if (KEY("stream")) f = F_STREAM;
    else if (KEY("result")) f = F_RESULT;
    break;
  case 7:
    if (KEY("retCode")) { f = F_RETCODE; iv = &s->RETCODE; }
    break;
  case 12:
    if (KEY("lastUpdateId")) { f = F_LUID; iv = &s->LUID; }
    break;
  default: break;
  }
  if (!f || (s->seen & f)) return skip_value(s, depth);
  if (s->p >= s->end) return XC_EPARSE;
  xc_status st;
  if (iv) {
    /* Some venues send ids as null in odd replies: only numbers are accepted as ids. */
    const char *at = s->p;
    st = int_value(s, iv);
    /* not an integer: skip it like an unknown value; a timestamp that does not fit is only
     * informational, so it is dropped too (ids that do not fit stay an error) */
    if (st == XC_ETYPE || (st == XC_ERANGE && (f & (F_E | F_T | F_TS | F_CTS)))) {
      s->p = at;
      return skip_value(s, depth);
    }
    if (st != XC_OK) return st;
    s->seen |= f;
    return XC_OK;
  }
  switch (f) {
  case F_EVT: case F_S: case F_STREAM: case F_TOPIC: case F_TYPE: {
    if (*s->p != '"') return skip_value(s, depth);
    const char *v;
    size_t n;
    if ((st = str(s, &v, &n)) != XC_OK) return st;
    if (f == F_EVT) { s->e = v; s->e_len = n; }
    else if (f == F_S) { s->out->symbol = v; s->out->symbol_len = n; }
    else if (f == F_STREAM) { s->out->stream = v; s->out->stream_len = n; }
    else if (f == F_TOPIC) { s->topic = v; s->topic_len = n; s->out->stream = v; s->out->stream_len = n; }
    else { s->type = v; s->type_len = n; }
    s->seen |= f;
    return XC_OK;
  }
  case F_B: case F_A: {
    if (*s->p != '[') return skip_value(s, depth);
    if (f == F_B) st = levels(s, depth, &s->b_off, &s->b_n);
    else st = levels(s, depth, &s->a_off, &s->a_n);
    if (st == XC_ETYPE) return XC_EPARSE; /* a book side must be [[p,q],...] */
    if (st != XC_OK) return st;
    s->seen |= f;
    return XC_OK;
  }
  case F_DATA: case F_RESULT:
    if (*s->p != '{' || depth > 0) return skip_value(s, depth);
    s->seen |= f;
    return obj(s, depth + 1);
  default:
    return skip_value(s, depth);
  }
}

/* At '{': walks an object, dispatching each key to field(). */
static xc_status obj(scan *s, int depth) {
  if (depth >= MAX_DEPTH) return XC_EPARSE;
  if (s->p >= s->end || *s->p != '{') return XC_ETYPE;
  s->p++;
  ws(s);
  if (s->p < s->end && *s->p == '}') {
    s->p++;
    return XC_OK;
  }
  xc_status st;
  for (;;) {
    ws(s);
    if (s->p >= s->end || *s->p != '"') return XC_EPARSE;
    const char *k;
    size_t klen;
    if ((st = str(s, &k, &klen)) != XC_OK) return st;
    ws(s);
    if (s->p >= s->end || *s->p != ':') return XC_EPARSE;
    s->p++;
    ws(s);
    if ((st = field(s, k, klen, depth)) != XC_OK) return st;
    ws(s);
    if (s->p >= s->end) return XC_EPARSE;
    if (*s->p == ',') {
      s->p++;
      continue;
    }
    if (*s->p == '}') {
      s->p++;
      return XC_OK;
    }
    return XC_EPARSE;
  }
}

void xc_depth_dec_init(xc_depth_dec *d) {
  memset(d, 0, sizeof *d);
  d->max_levels = 1u << 20;
  d->px_scale = d->qty_scale = -1;
#if defined(XC_DEPTH_SSSE3)
  __builtin_cpu_init();
  d->simd = __builtin_cpu_supports("ssse3");
  pthread_once(&gather_once, gather_init);
#endif
}

void xc_depth_dec_free(xc_depth_dec *d) {
  if (!d) return;
  free(d->lv);
  d->lv = NULL;
  d->cap = 0;
}

static void scan_init(xc_depth_dec *d, const char *buf, size_t len, xc_depth_msg *out, scan *s) {
  memset(s, 0, sizeof *s);
  memset(out, 0, sizeof *out);
  s->p = buf;
  s->end = buf + len;
  s->d = d;
  s->out = out;
  s->E = s->T = s->U1 = s->U = s->PU = s->LUID = s->SEQ = s->TS = s->CTS = s->RETCODE =
      XC_DEPTH_ABSENT;
  d->err[0] = 0;
}

/* ---- fast path for the Binance depthUpdate layout ------------------------------------------
 * Binance writes depthUpdate keys in one fixed order (binance.md 7, spot and USD-M):
 *   [{"stream":"<name>","data":]{"e":"depthUpdate","E":n[,"T":n],"s":"<sym>","U":n,"u":n[,"pu":n],
 *   "b":[..],"a":[..]}[}]
 * This matches exactly that byte layout (no whitespace inside, plain non-negative integers of at
 * most 18 digits) and fills the same slots as the general walker; strings and levels go through
 * the same validating helpers. Any other layout returns false and the general walker decodes the
 * message from the start, so the result never depends on which path ran (fuzz_depth). */
static inline bool lit_next(scan *s, const char *w, size_t n) {
  if ((size_t)(s->end - s->p) < n || memcmp(s->p, w, n) != 0) return false;
  s->p += n;
  return true;
}
#define LIT(s_, w_) lit_next((s_), (w_), sizeof(w_) - 1)

/* A plain JSON integer 0 or [1-9][0-9]{0,17} (fits int64 without checks), not followed by a
 * digit, '.', 'e' or 'E'. */
static inline bool uint_next(scan *s, int64_t *out) {
  const char *p = s->p, *end = s->end;
  if (p >= end || (unsigned)(*p - '0') >= 10) return false;
  int64_t v = *p++ - '0';
  if (v) {
    const char *lim = end - p > 17 ? p + 17 : end;
    while (p < lim && (unsigned)(*p - '0') < 10) v = v * 10 + (*p++ - '0');
  }
  if (p < end && ((unsigned)(*p - '0') < 10 || *p == '.' || *p == 'e' || *p == 'E')) return false;
  s->p = p;
  *out = v;
  return true;
}

static inline bool str_next(scan *s, const char **v, size_t *n) {
  return s->p < s->end && *s->p == '"' && str(s, v, n) == XC_OK;
}

static bool fast_binance_diff(scan *s) {
  bool env = false;
  if (LIT(s, "{\"stream\":")) {
    const char *v;
    size_t n;
    if (!str_next(s, &v, &n) || !LIT(s, ",\"data\":")) return false;
    s->out->stream = v;
    s->out->stream_len = n;
    s->seen |= F_STREAM | F_DATA;
    env = true;
  }
  if (!LIT(s, "{\"e\":\"depthUpdate\",\"E\":")) return false;
  s->e = s->p - 17; /* "depthUpdate" inside the literal just matched */
  s->e_len = 11;
  if (!uint_next(s, &s->E)) return false;
  s->seen |= F_EVT | F_E;
  if (LIT(s, ",\"T\":")) {
    if (!uint_next(s, &s->T)) return false;
    s->seen |= F_T;
  }
  const char *v;
  size_t n;
  if (!LIT(s, ",\"s\":") || !str_next(s, &v, &n)) return false;
  s->out->symbol = v;
  s->out->symbol_len = n;
  if (!LIT(s, ",\"U\":") || !uint_next(s, &s->U1) || !LIT(s, ",\"u\":") || !uint_next(s, &s->U)) return false;
  s->seen |= F_S | F_U1 | F_U;
  if (LIT(s, ",\"pu\":")) {
    if (!uint_next(s, &s->PU)) return false;
    s->seen |= F_PU;
  }
  int depth = env ? 1 : 0;
  if (!LIT(s, ",\"b\":") || levels(s, depth, &s->b_off, &s->b_n) != XC_OK) return false;
  if (!LIT(s, ",\"a\":") || levels(s, depth, &s->a_off, &s->a_n) != XC_OK) return false;
  s->seen |= F_B | F_A;
  if (!LIT(s, "}") || (env && !LIT(s, "}"))) return false;
  ws(s);
  return s->p == s->end;
}

/* Fills out from the slots after a successful walk. */
static void finish(xc_depth_dec *d, xc_depth_msg *out, const scan *s) {
  out->kind = XC_DEPTH_NONE;
  out->first_id = out->last_id = out->prev_id = out->seq = out->event_ms = out->txn_ms =
      XC_DEPTH_ABSENT;
  out->nbids = s->b_n;
  out->nasks = s->a_n;
  out->bids = s->b_n ? d->lv + s->b_off : d->lv;
  out->asks = s->a_n ? d->lv + s->a_off : d->lv;
  out->at_scale = d->px_scale >= 0 && d->qty_scale >= 0 && !s->off_scale;
  out->px_scale = (int16_t)d->px_scale;
  out->qty_scale = (int16_t)d->qty_scale;
}

/* Parses the whole document (one JSON value, object or not, plus trailing whitespace). */
static xc_status run(xc_depth_dec *d, const char *buf, size_t len, xc_depth_msg *out, scan *s) {
  scan_init(d, buf, len, out, s);
  if (!buf && len) return XC_EINVAL;
  ws(s);
  xc_status st;
  if (s->p < s->end && *s->p == '{') st = obj(s, 0);
  else st = skip_value(s, 0);
  if (st == XC_ETYPE) st = XC_EPARSE;
  if (st == XC_OK) {
    ws(s);
    if (s->p != s->end) st = XC_EPARSE;
  }
  if (st != XC_OK) {
    failf(s, st, st == XC_EPARSE ? "malformed JSON" : st == XC_ERANGE ? "number out of range"
                                                                      : "too many levels", buf);
    return st;
  }
  finish(d, out, s);
  return XC_OK;
}

static xc_status missing(xc_depth_dec *d, const char *what) {
  snprintf(d->err, sizeof d->err, "depth message without %s", what);
  return XC_EPARSE;
}

xc_status xc_depth_decode_binance_ws(xc_depth_dec *d, const char *buf, size_t len, xc_depth_msg *out) {
  scan s;
  scan_init(d, buf, len, out, &s);
  xc_status st = XC_OK;
  if (buf && fast_binance_diff(&s)) finish(d, out, &s);
  else st = run(d, buf, len, out, &s);
  if (st != XC_OK) return st;
  if (!(s.seen & F_EVT)) {
    /* spot partial book depth (<symbol>@depth<N>): {"lastUpdateId","bids","asks"}, no "e" */
    if ((s.seen & F_LUID) && (s.seen & F_B) && (s.seen & F_A)) {
      out->kind = XC_DEPTH_SNAPSHOT;
      out->last_id = s.LUID;
    }
    return XC_OK;
  }
  if (s.e_len != 11 || memcmp(s.e, "depthUpdate", 11) != 0) return XC_OK;
  if (!(s.seen & F_U1)) return missing(d, "U");
  if (!(s.seen & F_U)) return missing(d, "u");
  if (!(s.seen & F_B)) return missing(d, "b");
  if (!(s.seen & F_A)) return missing(d, "a");
  out->kind = XC_DEPTH_DIFF;
  out->first_id = s.U1;
  out->last_id = s.U;
  out->prev_id = s.PU;
  out->event_ms = s.E;
  out->txn_ms = s.T;
  return XC_OK;
}

xc_status xc_depth_decode_binance_rest(xc_depth_dec *d, const char *buf, size_t len, xc_depth_msg *out) {
  scan s;
  xc_status st = run(d, buf, len, out, &s);
  if (st != XC_OK) return st;
  if (!(s.seen & F_LUID)) return missing(d, "lastUpdateId");
  if (!(s.seen & F_B)) return missing(d, "bids");
  if (!(s.seen & F_A)) return missing(d, "asks");
  out->kind = XC_DEPTH_SNAPSHOT;
  out->last_id = s.LUID;
  out->event_ms = s.E;
  out->txn_ms = s.T;
  return XC_OK;
}

xc_status xc_depth_decode_bybit_ws(xc_depth_dec *d, const char *buf, size_t len, xc_depth_msg *out) {
  scan s;
  xc_status st = run(d, buf, len, out, &s);
  if (st != XC_OK) return st;
  if (!(s.seen & F_TOPIC) || s.topic_len < 10 || memcmp(s.topic, "orderbook.", 10) != 0) {
    out->nbids = out->nasks = 0;
    return XC_OK;
  }
  if (!(s.seen & F_TYPE)) return missing(d, "type");
  if (!(s.seen & F_DATA)) return missing(d, "data");
  if (!(s.seen & F_U)) return missing(d, "u");
  if (!(s.seen & F_B)) return missing(d, "b");
  if (!(s.seen & F_A)) return missing(d, "a");
  if (s.type_len == 8 && memcmp(s.type, "snapshot", 8) == 0) out->kind = XC_DEPTH_SNAPSHOT;
  else if (s.type_len == 5 && memcmp(s.type, "delta", 5) == 0) out->kind = XC_DEPTH_DIFF;
  else {
    snprintf(d->err, sizeof d->err, "unknown orderbook message type");
    return XC_EPARSE;
  }
  out->last_id = s.U;
  out->seq = s.SEQ;
  out->event_ms = s.TS;
  out->txn_ms = s.CTS;
  return XC_OK;
}

xc_status xc_depth_decode_bybit_rest(xc_depth_dec *d, const char *buf, size_t len, xc_depth_msg *out) {
  scan s;
  xc_status st = run(d, buf, len, out, &s);
  if (st != XC_OK) return st;
  if ((s.seen & F_RETCODE) && s.RETCODE != 0) {
    snprintf(d->err, sizeof d->err, "retCode %lld", (long long)s.RETCODE);
    return XC_EREJECTED;
  }
  if (!(s.seen & F_RESULT)) return missing(d, "result");
  if (!(s.seen & F_U)) return missing(d, "u");
  if (!(s.seen & F_B)) return missing(d, "b");
  if (!(s.seen & F_A)) return missing(d, "a");
  out->kind = XC_DEPTH_SNAPSHOT;
  out->last_id = s.U;
  out->seq = s.SEQ;
  out->event_ms = s.TS;
  out->txn_ms = s.CTS;
  return XC_OK;
}
