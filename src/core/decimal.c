/* Exact decimal: coef (__int128) * 10^exp, |coef| < 10^38. See docs/internals/decimal.md.
 *
 * Layout of this file: powers of ten and digit counting; a small unsigned 256-bit helper used only
 * by the slow paths (wide products and quotients); rounding; parse; format; compare and
 * arithmetic; division, quantisation and ticks. Every hot operation has a 64-bit or
 * same-exponent fast path and falls back to an exact general path.
 */
#include "xconn/decimal.h"

#include <string.h>

__extension__ typedef unsigned __int128 u128;
__extension__ typedef __int128 i128;

#define E19 10000000000000000000ULL

/* 10^0 .. 10^38 (10^38 < 2^127). */
static const u128 P10[39] = {
    1ULL,
    10ULL,
    100ULL,
    1000ULL,
    10000ULL,
    100000ULL,
    1000000ULL,
    10000000ULL,
    100000000ULL,
    1000000000ULL,
    10000000000ULL,
    100000000000ULL,
    1000000000000ULL,
    10000000000000ULL,
    100000000000000ULL,
    1000000000000000ULL,
    10000000000000000ULL,
    100000000000000000ULL,
    1000000000000000000ULL,
    E19,
    (u128)E19 * 10ULL,
    (u128)E19 * 100ULL,
    (u128)E19 * 1000ULL,
    (u128)E19 * 10000ULL,
    (u128)E19 * 100000ULL,
    (u128)E19 * 1000000ULL,
    (u128)E19 * 10000000ULL,
    (u128)E19 * 100000000ULL,
    (u128)E19 * 1000000000ULL,
    (u128)E19 * 10000000000ULL,
    (u128)E19 * 100000000000ULL,
    (u128)E19 * 1000000000000ULL,
    (u128)E19 * 10000000000000ULL,
    (u128)E19 * 100000000000000ULL,
    (u128)E19 * 1000000000000000ULL,
    (u128)E19 * 10000000000000000ULL,
    (u128)E19 * 100000000000000000ULL,
    (u128)E19 * 1000000000000000000ULL,
    (u128)E19 * E19,
};

static const uint64_t P10_64[20] = {1ULL,
                                    10ULL,
                                    100ULL,
                                    1000ULL,
                                    10000ULL,
                                    100000ULL,
                                    1000000ULL,
                                    10000000ULL,
                                    100000000ULL,
                                    1000000000ULL,
                                    10000000000ULL,
                                    100000000000ULL,
                                    1000000000000ULL,
                                    10000000000000ULL,
                                    100000000000000ULL,
                                    1000000000000000ULL,
                                    10000000000000000ULL,
                                    100000000000000000ULL,
                                    1000000000000000000ULL,
                                    E19};

#define MAXC P10[38] /* exclusive bound on |coef| */

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

static inline u128 mag_of(i128 c) { return c < 0 ? (u128)0 - (u128)c : (u128)c; }
static inline i128 signed_of(u128 m, bool neg) { return neg ? -(i128)m : (i128)m; }

/* Number of decimal digits of x (0 for 0). */
static int ndigits(u128 x) {
  if (x == 0) return 0;
  int bits;
  uint64_t hi = (uint64_t)(x >> 64);
  if (hi) bits = 128 - __builtin_clzll(hi);
  else bits = 64 - __builtin_clzll((uint64_t)x);
  int d = (bits * 1233) >> 12; /* floor(bits * log10(2)), <= true digits */
  if (d < 39 && x >= P10[d]) d++;
  return d;
}

/* Removes trailing decimal zeros of a nonzero magnitude; returns how many. */
static int strip_zeros(u128 *m) {
  int n = 0;
  u128 v = *m;
  if (v == 0) return 0;
  while (v >> 64) {
    if (v % 10) {
      *m = v;
      return n;
    }
    v /= 10;
    n++;
  }
  uint64_t w = (uint64_t)v;
  while (w % 10 == 0) {
    w /= 10;
    n++;
  }
  *m = w;
  return n;
}

/* ---- unsigned 256-bit helper (slow paths only) ------------------------------------------------ */

typedef struct {
  uint64_t w[4]; /* little-endian limbs */
} u256;

static u256 u256_from(u128 x) {
  u256 r = {{(uint64_t)x, (uint64_t)(x >> 64), 0, 0}};
  return r;
}
static bool u256_fits128(u256 x) { return (x.w[2] | x.w[3]) == 0; }
static u128 u256_lo(u256 x) { return ((u128)x.w[1] << 64) | x.w[0]; }

static int u256_cmp(u256 a, u256 b) {
  for (int i = 3; i >= 0; i--)
    if (a.w[i] != b.w[i]) return a.w[i] < b.w[i] ? -1 : 1;
  return 0;
}

static u256 u256_sub(u256 a, u256 b) {
  u256 r;
  unsigned borrow = 0;
  for (int i = 0; i < 4; i++) {
    uint64_t t = a.w[i] - b.w[i];
    unsigned b1 = a.w[i] < b.w[i];
    uint64_t t2 = t - borrow;
    unsigned b2 = t < borrow;
    r.w[i] = t2;
    borrow = b1 | b2;
  }
  return r;
}

/* a * m; *ovf set if the product does not fit 256 bits. */
static u256 u256_mul64(u256 a, uint64_t m, bool *ovf) {
  u256 r;
  uint64_t carry = 0;
  for (int i = 0; i < 4; i++) {
    u128 p = (u128)a.w[i] * m + carry;
    r.w[i] = (uint64_t)p;
    carry = (uint64_t)(p >> 64);
  }
  if (carry) *ovf = true;
  return r;
}

/* Full 128 x 128 -> 256-bit product. */
static u256 mul128(u128 a, u128 b) {
  uint64_t a0 = (uint64_t)a, a1 = (uint64_t)(a >> 64), b0 = (uint64_t)b, b1 = (uint64_t)(b >> 64);
  u128 p00 = (u128)a0 * b0, p01 = (u128)a0 * b1, p10 = (u128)a1 * b0, p11 = (u128)a1 * b1;
  u256 r;
  r.w[0] = (uint64_t)p00;
  u128 mid = (p00 >> 64) + (uint64_t)p01 + (uint64_t)p10; /* < 3 * 2^64 */
  r.w[1] = (uint64_t)mid;
  u128 hi = (mid >> 64) + (p01 >> 64) + (p10 >> 64) + p11;
  r.w[2] = (uint64_t)hi;
  r.w[3] = (uint64_t)(hi >> 64);
  return r;
}

/* In-place division by a small divisor; returns the remainder. */
static uint64_t u256_divmod64(u256 *a, uint64_t d) {
  u128 rem = 0;
  for (int i = 3; i >= 0; i--) {
    u128 cur = (rem << 64) | a->w[i];
    a->w[i] = (uint64_t)(cur / d);
    rem = cur % d;
  }
  return (uint64_t)rem;
}

static int u256_bits(u256 a) {
  for (int i = 3; i >= 0; i--)
    if (a.w[i]) return i * 64 + 64 - __builtin_clzll(a.w[i]);
  return 0;
}

/* n = q * d + r, d != 0 and d < 2^255. */
static void u256_divmod(u256 n, u256 d, u256 *q, u256 *r) {
  if (u256_fits128(n) && u256_fits128(d)) {
    u128 nn = u256_lo(n), dd = u256_lo(d);
    *q = u256_from(nn / dd);
    *r = u256_from(nn % dd);
    return;
  }
  if (d.w[1] == 0 && d.w[2] == 0 && d.w[3] == 0) {
    uint64_t rr = u256_divmod64(&n, d.w[0]);
    *q = n;
    *r = u256_from(rr);
    return;
  }
  u256 qq = {{0, 0, 0, 0}}, rem = {{0, 0, 0, 0}};
  for (int i = u256_bits(n) - 1; i >= 0; i--) {
    /* rem = rem << 1 | bit i of n (rem < d < 2^255, so no overflow) */
    for (int k = 3; k > 0; k--) rem.w[k] = (rem.w[k] << 1) | (rem.w[k - 1] >> 63);
    rem.w[0] = (rem.w[0] << 1) | ((n.w[i / 64] >> (i % 64)) & 1);
    if (u256_cmp(rem, d) >= 0) {
      rem = u256_sub(rem, d);
      qq.w[i / 64] |= 1ULL << (i % 64);
    }
  }
  *q = qq;
  *r = rem;
}

/* a * 10^k; *ovf set if it does not fit. */
static u256 u256_mul_p10(u256 a, int k, bool *ovf) {
  while (k > 0 && !*ovf) {
    int s = k > 19 ? 19 : k;
    a = u256_mul64(a, (uint64_t)P10[s], ovf);
    k -= s;
  }
  return a;
}

/* ---- rounding ----------------------------------------------------------------------------------- */

static bool mode_ok(xc_round mode) { return (unsigned)mode <= (unsigned)XC_ROUND_EXACT; }

/* Whether to add one unit to the truncated magnitude q of a quotient whose remainder is nonzero.
 * half: <0 below half, 0 exactly half, >0 above half. neg: sign of the exact result. */
static bool round_bump(xc_round mode, bool neg, int half, bool q_odd) {
  switch (mode) {
  case XC_ROUND_DOWN: return neg;
  case XC_ROUND_UP: return !neg;
  case XC_ROUND_TOWARD_ZERO: return false;
  case XC_ROUND_AWAY_FROM_ZERO: return true;
  case XC_ROUND_HALF_UP: return half >= 0;
  case XC_ROUND_HALF_EVEN: return half > 0 || (half == 0 && q_odd);
  case XC_ROUND_EXACT: return false;
  }
  return false;
}

/* *q = round(m / 10^k) (k >= 1), magnitude of a value with sign neg. XC_EINVAL for EXACT when
 * inexact. The result is <= m, so it keeps the coefficient bound. */
static xc_status round_p10(u128 m, int k, bool neg, xc_round mode, u128 *q) {
  u128 qq, r, d;
  if (k > 38) {
    qq = 0;
    r = m;
    d = 0; /* divisor 10^k > 2m: below half */
  } else {
    d = P10[k];
    if (m < ((u128)1 << 64)) {
      uint64_t mm = (uint64_t)m, dd = k <= 19 ? (uint64_t)d : 0;
      if (dd) {
        qq = mm / dd;
        r = mm % dd;
      } else {
        qq = 0;
        r = m;
      }
    } else {
      qq = m / d;
      r = m % d;
    }
  }
  if (r == 0) {
    *q = qq;
    return XC_OK;
  }
  if (mode == XC_ROUND_EXACT) return XC_EINVAL;
  int half;
  if (d == 0) half = -1;
  else {
    u128 other = d - r;
    half = r < other ? -1 : (r > other ? 1 : 0);
  }
  *q = qq + (round_bump(mode, neg, half, (qq & 1) != 0) ? 1 : 0);
  return XC_OK;
}

/* round(n / d) for 64-bit operands; d != 0. */
static xc_status divround64(uint64_t n, uint64_t d, bool neg, xc_round mode, uint64_t *q) {
  uint64_t qq = n / d, r = n % d;
  if (r != 0) {
    if (mode == XC_ROUND_EXACT) return XC_EINVAL;
    uint64_t other = d - r;
    int half = r < other ? -1 : (r > other ? 1 : 0);
    qq += round_bump(mode, neg, half, (qq & 1) != 0) ? 1 : 0;
  }
  *q = qq;
  return XC_OK;
}

/* Builds a value from a magnitude < 10^38 and an exponent that may be out of range, moving the
 * exponent into range exactly when possible. */
static xc_status finish(u128 m, bool neg, int64_t exp, xc_dec *out) {
  if (m == 0) {
    out->coef = 0;
    out->exp = (int32_t)(exp < XC_DEC_EXP_MIN ? XC_DEC_EXP_MIN : exp > XC_DEC_EXP_MAX ? XC_DEC_EXP_MAX : exp);
    return XC_OK;
  }
  if (exp > XC_DEC_EXP_MAX) {
    int64_t need = exp - XC_DEC_EXP_MAX;
    int room = 38 - ndigits(m);
    if (need > room) return XC_ERANGE;
    m *= P10[need];
    exp -= need;
  } else if (exp < XC_DEC_EXP_MIN) {
    while (exp < XC_DEC_EXP_MIN && m % 10 == 0) {
      m /= 10;
      exp++;
    }
    if (exp < XC_DEC_EXP_MIN) return XC_ERANGE;
  }
  out->coef = signed_of(m, neg);
  out->exp = (int32_t)exp;
  return XC_OK;
}

/* ---- parse -------------------------------------------------------------------------------------- */

static inline bool is_digit(unsigned char c) { return (unsigned)(c - '0') < 10; }

/* The general parser: any accepted form, any length. */
__attribute__((noinline)) static xc_status parse_slow(const unsigned char *p, const unsigned char *end, xc_dec *out) {
  bool neg = false;
  if (p < end && (*p == '-' || *p == '+')) {
    neg = *p == '-';
    p++;
  }
  /* Digits accumulate in a 64-bit chunk (up to 19 digits, leading zeros allowed) that is folded
   * into the 128-bit coefficient when full. */
  u128 coef = 0;
  uint64_t chunk = 0;
  int cn = 0;            /* digits in chunk */
  int nd = 0;            /* significant digits in coef and chunk together */
  int64_t pending = 0;   /* zeros after the last nonzero digit, not yet appended */
  int64_t frac = 0;      /* digits after the point */
  bool any = false, point = false, toolong = false;
  for (; p < end; p++) {
    unsigned char c = *p;
    if (is_digit(c)) {
      any = true;
      if (point && frac < INT32_MAX) frac++;
      if (c == '0') {
        if (nd != 0) pending++;
        continue;
      }
      int add = (int)(nd + pending + 1 > XC_DEC_DIGITS ? 0 : pending + 1);
      if (add == 0) { /* too many digits: finish checking the syntax */
        toolong = true;
        continue;
      }
      unsigned dv = (unsigned)(c - '0');
      if (cn + add <= 19) {
        chunk = chunk * P10_64[add] + dv;
        cn += add;
      } else {
        coef = coef * P10[cn] + chunk;
        if (add <= 19) {
          chunk = dv;
          cn = add;
        } else {
          coef = coef * P10[add] + dv;
          chunk = 0;
          cn = 0;
        }
      }
      nd += add;
      pending = 0;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  coef = coef * P10[cn] + chunk;
  if (!any) return XC_EPARSE;
  int64_t e = 0;
  if (p < end) {
    if (*p != 'e' && *p != 'E') return XC_EPARSE;
    p++;
    bool eneg = false;
    if (p < end && (*p == '-' || *p == '+')) {
      eneg = *p == '-';
      p++;
    }
    if (p == end) return XC_EPARSE;
    for (; p < end; p++) {
      if (!is_digit(*p)) return XC_EPARSE;
      if (e < 1000000000) e = e * 10 + (*p - '0'); /* saturates far outside any valid range */
    }
    if (eneg) e = -e;
  }
  if (toolong) return XC_ERANGE;
  int64_t exp = e - frac;
  if (coef != 0 && pending > 0) {
    int64_t keep = XC_DEC_DIGITS - nd;
    if (keep > pending) keep = pending;
    coef *= P10[keep];
    exp += pending - keep; /* dropped trailing zeros: exact */
  }
  return finish(coef, neg, exp, out);
}


#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define XC_DEC_SWAR 1
/* Value of 8 ASCII digits loaded little-endian (first character = most significant); bytes that
 * are 0 count as leading zeros. */
static inline uint64_t swar8(uint64_t w) {
  w = ((w & 0x0F0F0F0F0F0F0F0FULL) * 2561) >> 8;
  w = ((w & 0x00FF00FF00FF00FFULL) * 6553601) >> 16;
  return ((w & 0x0000FFFF0000FFFFULL) * 42949672960001ULL) >> 32;
}
/* Number of leading ASCII digits (0..8) in 8 bytes loaded little-endian. A byte >= 0xFA can carry
 * into the next byte, but only after the first non-digit, so the count stays right. */
static inline unsigned lead_digits8(uint64_t w) {
  uint64_t m = ((w & 0xF0F0F0F0F0F0F0F0ULL) ^ 0x3030303030303030ULL) |
               (((w + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) ^ 0x3030303030303030ULL);
  uint64_t nz = ((m >> 4) + 0x0F0F0F0F0F0F0F0FULL) & 0x1010101010101010ULL;
  return nz ? (unsigned)__builtin_ctzll(nz) >> 3 : 8u;
}
#endif

/* Appends the run of digits at *pp to *v (wrapping past 19 digits: callers check the count). */
static inline void scan_digits(const unsigned char **pp, const unsigned char *end, uint64_t *v) {
  const unsigned char *p = *pp;
  uint64_t acc = *v;
#ifdef XC_DEC_SWAR
  while (end - p >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    unsigned n = lead_digits8(w);
    if (n == 0) goto done;
    acc = acc * P10_64[n] + swar8(w << (8 * (8 - n)));
    p += n;
    if (n < 8) goto done;
  }
#endif
  while (p < end && is_digit(*p)) acc = acc * 10 + (uint64_t)(*p++ - '0');
#ifdef XC_DEC_SWAR
done:
#endif
  *pp = p;
  *v = acc;
}

/* The exponent part after a 1..19 digit mantissa v with nfrac fractional digits ("1e-8", "1.5E+3");
 * q points just past the 'e' and at most 5 bytes remain. */
__attribute__((noinline)) static xc_status parse_short_exp(const unsigned char *q, const unsigned char *end,
                                                           uint64_t v, bool neg, int nfrac, xc_dec *out) {
  bool eneg = false;
  if (q < end && (*q == '-' || *q == '+')) eneg = *q++ == '-';
  if (q == end) return XC_EPARSE;
  int e = 0;
  for (; q < end; q++) {
    if (!is_digit(*q)) return XC_EPARSE;
    e = e * 10 + (*q - '0');
  }
  return finish(v, neg, (int64_t)(eneg ? -e : e) - nfrac, out);
}

/* Appends a run of exactly n digits at p to a 128-bit accumulator, 8 at a time. */
static u128 scan128(const unsigned char *p, size_t n, u128 acc) {
#ifdef XC_DEC_SWAR
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    acc = acc * 100000000u + swar8(w);
    p += 8;
    n -= 8;
  }
#endif
  uint64_t t = 0;
  for (size_t i = 0; i < n; i++) t = t * 10 + (uint64_t)(p[i] - '0');
  return acc * P10_64[n] + t;
}

/* A plain [sign] digits [. digits] with 20..38 digits in all, already validated by the scan. */
__attribute__((noinline)) static xc_status parse_medium(const unsigned char *d0, size_t nint, size_t nfrac,
                                                        bool neg, xc_dec *out) {
  u128 c = scan128(d0, nint, 0);
  if (nfrac) c = scan128(d0 + nint + 1, nfrac, c);
  out->coef = signed_of(c, neg);
  out->exp = -(int32_t)nfrac;
  return XC_OK;
}

xc_status xc_dec_parse(const char *s, size_t len, xc_dec *out) {
  if (UNLIKELY(!out || (!s && len))) return XC_EINVAL;
  if (UNLIKELY(len == 0)) return XC_EPARSE;
  const unsigned char *p = (const unsigned char *)s, *end = p + len;
  const unsigned char *q = p;
  if (*q == '-' || *q == '+') q++;
  /* Fast path: [sign] digits [. digits], at most 19 digits in all, accumulated in 64 bits. */
  const unsigned char *d0 = q;
  uint64_t v = 0;
  scan_digits(&q, end, &v);
  size_t nint = (size_t)(q - d0);
  size_t nfrac = 0;
  if (q < end && *q == '.') {
    const unsigned char *f0 = ++q;
    scan_digits(&q, end, &v);
    nfrac = (size_t)(q - f0);
  }
  if (LIKELY(nint + nfrac - 1 < 19)) { /* 1..19 digits */
    if (LIKELY(q == end)) {
      out->coef = *p == '-' ? -(i128)v : (i128)v;
      out->exp = -(int32_t)nfrac;
      return XC_OK;
    }
    if ((*q | 0x20) == 'e' && end - q <= 6) return parse_short_exp(q + 1, end, v, *p == '-', (int)nfrac, out);
  }
  if (q == end && nint + nfrac - 1 < XC_DEC_DIGITS) /* 20..38 digits (size_t: 0 wraps), plain form */
    return parse_medium(d0, nint, nfrac, *p == '-', out);
  return parse_slow(p, end, out);
}

xc_status xc_dec_from_cstr(const char *s, xc_dec *out) {
  if (!s) return XC_EINVAL;
  return xc_dec_parse(s, strlen(s), out);
}

/* ---- format ------------------------------------------------------------------------------------- */

static const char DIG2[200] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* Writes the decimal digits of v (>= 1 digit) ending just before end; returns the start. */
static char *u64_digits_rev(uint64_t v, char *end) {
  while (v >= 100) {
    unsigned r = (unsigned)(v % 100);
    v /= 100;
    end -= 2;
    memcpy(end, DIG2 + 2 * r, 2);
  }
  if (v >= 10) {
    end -= 2;
    memcpy(end, DIG2 + 2 * v, 2);
  } else {
    *--end = (char)('0' + v);
  }
  return end;
}

/* Digits of m (< 10^38) into buf[40]; returns the count; "0" for zero. */
static int mag_digits(u128 m, char *buf) {
  char tmp[48];
  char *end = tmp + sizeof tmp, *st;
  if (m >> 64 == 0) {
    st = u64_digits_rev((uint64_t)m, end);
  } else {
    uint64_t lo = (uint64_t)(m % E19);
    uint64_t hi = (uint64_t)(m / E19); /* < 10^19 */
    st = u64_digits_rev(lo, end);
    while (st > end - 19) *--st = '0';
    st = u64_digits_rev(hi, st);
  }
  int n = (int)(end - st);
  memcpy(buf, st, (size_t)n);
  return n;
}

/* Writes sign, integer part and `places` fractional digits of digits[0..nd) * 10^exp into buf
 * (exp >= -places). Returns the length or XC_ENOSPC. */
static int write_fixed(bool neg, const char *dig, int nd, int exp, int places, char *buf, size_t cap) {
  int f = exp < 0 ? -exp : 0; /* fractional digits present in dig */
  int intlen = exp >= 0 ? nd + exp : (nd > f ? nd - f : 1);
  size_t need = (size_t)neg + (size_t)intlen + (places > 0 ? 1u + (size_t)places : 0u);
  if (need + 1 > cap) return XC_ENOSPC;
  char *o = buf;
  if (neg) *o++ = '-';
  if (exp >= 0) {
    memcpy(o, dig, (size_t)nd);
    o += nd;
    memset(o, '0', (size_t)exp);
    o += exp;
  } else if (nd > f) {
    memcpy(o, dig, (size_t)(nd - f));
    o += nd - f;
  } else {
    *o++ = '0';
  }
  if (places > 0) {
    *o++ = '.';
    if (f > 0) {
      if (nd > f) {
        memcpy(o, dig + nd - f, (size_t)f);
      } else {
        memset(o, '0', (size_t)(f - nd));
        memcpy(o + f - nd, dig, (size_t)nd);
      }
      o += f;
    }
    memset(o, '0', (size_t)(places - f));
    o += places - f;
  }
  *o = '\0';
  return (int)(o - buf);
}

/* Canonical text of a nonzero 64-bit magnitude with exp in [-19, 0]. */
static int to_str64(bool neg, uint64_t m, int f, char *buf, size_t cap) {
  while (f >= 8 && m % 100000000u == 0) {
    m /= 100000000u;
    f -= 8;
  }
  if (f >= 4 && m % 10000u == 0) {
    m /= 10000u;
    f -= 4;
  }
  if (f >= 2 && m % 100u == 0) {
    m /= 100u;
    f -= 2;
  }
  if (f >= 1 && m % 10u == 0) {
    m /= 10u;
    f -= 1;
  }
  /* Fixed 20-byte copies: reads stay inside tmp (digits end at tmp + 40), writes stay below
   * buf + 42 (the caller guarantees cap >= 48). Bytes past the NUL are scratch. */
  char tmp[64];
  char *end = tmp + 40, *st = u64_digits_rev(m, end);
  int nd = (int)(end - st);
  int len = (int)neg + (f == 0 ? nd : (nd > f ? nd + 1 : f + 2));
  if ((size_t)len + 1 > cap) return XC_ENOSPC;
  char *o = buf;
  if (neg) *o++ = '-';
  if (f == 0) {
    memcpy(o, st, 20);
  } else if (nd > f) {
    memcpy(o, st, 20);
    o += nd - f;
    *o++ = '.';
    memcpy(o, end - f, 20);
  } else {
    *o++ = '0';
    *o++ = '.';
    memset(o, '0', 20);
    o += f - nd;
    memcpy(o, st, 20);
  }
  buf[len] = '\0';
  return len;
}

int xc_dec_to_str(xc_dec d, char *buf, size_t cap) {
  if (!buf) return XC_EINVAL;
  u128 m = mag_of(d.coef);
  if (LIKELY(m >> 64 == 0 && d.exp <= 0 && d.exp >= -19 && m != 0 && cap >= 48))
    return to_str64(d.coef < 0, (uint64_t)m, -d.exp, buf, cap);
  if (d.coef == 0) {
    if (cap < 2) return XC_ENOSPC;
    buf[0] = '0';
    buf[1] = '\0';
    return 1;
  }
  char dig[48];
  bool neg = d.coef < 0;
  int nd = mag_digits(mag_of(d.coef), dig);
  int exp = d.exp;
  while (exp < 0 && dig[nd - 1] == '0') {
    nd--;
    exp++;
  }
  return write_fixed(neg, dig, nd, exp, exp < 0 ? -exp : 0, buf, cap);
}

/* Fixed text for a 64-bit magnitude with f = -exp in [0, 19] and places in [0, 19], cap >= 64.
 * Fixed 20-byte copies as in to_str64: writes stay below buf + 62. */
static int to_str_fixed64(bool neg, uint64_t m, int f, int places, xc_round mode, char *buf, size_t cap) {
  if (f > places) {
    xc_status st = divround64(m, P10_64[f - places], neg, mode, &m);
    if (st != XC_OK) return st;
    f = places;
  }
  if (m == 0) neg = false;
  char tmp[64];
  char *end = tmp + 40, *st = u64_digits_rev(m, end);
  int nd = (int)(end - st);
  int intd = nd > f ? nd - f : 0;
  int len = (int)neg + (intd ? intd : 1) + (places ? 1 + places : 0);
  if ((size_t)len + 1 > cap) return XC_ENOSPC;
  char *o = buf;
  if (neg) *o++ = '-';
  if (intd) {
    memcpy(o, st, 20);
    o += intd;
  } else {
    *o++ = '0';
  }
  if (places) {
    *o++ = '.';
    if (nd >= f) {
      memcpy(o, end - f, 20);
    } else {
      memset(o, '0', 20);
      memcpy(o + f - nd, st, 20);
    }
    o += f;
    memset(o, '0', 20);
  }
  buf[len] = '\0';
  return len;
}

int xc_dec_to_str_fixed(xc_dec d, int places, xc_round mode, char *buf, size_t cap) {
  if (!buf || places < 0 || places > 64 || !mode_ok(mode)) return XC_EINVAL;
  bool neg = d.coef < 0;
  u128 m = mag_of(d.coef);
  int exp = d.exp;
  if (LIKELY(m >> 64 == 0 && exp <= 0 && exp >= -19 && places <= 19 && cap >= 64))
    return to_str_fixed64(neg, (uint64_t)m, -exp, places, mode, buf, cap);
  if (exp < -places) {
    xc_status st = round_p10(m, -places - exp, neg, mode, &m);
    if (st != XC_OK) return st;
    exp = -places;
  }
  if (m == 0) neg = false;
  char dig[48];
  int nd = mag_digits(m, dig);
  return write_fixed(neg, dig, nd, exp, places, buf, cap);
}

/* ---- compare ------------------------------------------------------------------------------------ */

int xc_dec_sign(xc_dec a) { return (a.coef > 0) - (a.coef < 0); }
bool xc_dec_is_zero(xc_dec a) { return a.coef == 0; }
xc_dec xc_dec_neg(xc_dec a) {
  a.coef = -a.coef;
  return a;
}
xc_dec xc_dec_abs(xc_dec a) {
  if (a.coef < 0) a.coef = -a.coef;
  return a;
}

xc_dec xc_dec_normalize(xc_dec a) {
  if (a.coef == 0) return XC_DEC_ZERO;
  u128 m = mag_of(a.coef);
  int64_t exp = a.exp;
  /* Stripping zeros only raises the exponent; keep it within range. */
  while (exp < XC_DEC_EXP_MAX && m % 10 == 0) {
    if (m >> 64 == 0) {
      uint64_t w = (uint64_t)m;
      while (exp < XC_DEC_EXP_MAX && w % 10 == 0) {
        w /= 10;
        exp++;
      }
      m = w;
      break;
    }
    m /= 10;
    exp++;
  }
  a.coef = signed_of(m, a.coef < 0);
  a.exp = (int32_t)exp;
  return a;
}

/* Comparison of values with different exponents. */
__attribute__((noinline)) static int cmp_slow(const xc_dec *a, const xc_dec *b) {
  i128 ca = a->coef, cb = b->coef;
  int sgn = 1;
  int dlt = a->exp - b->exp;
  if (dlt < 0) { /* scale the one with the larger exponent: make it ca */
    ca = b->coef;
    cb = a->coef;
    dlt = -dlt;
    sgn = -1;
  }
  if (ca == 0) return cb > 0 ? -sgn : (cb < 0 ? sgn : 0);
  if (dlt > 38 || mag_of(ca) >= P10[38 - dlt]) /* |ca| * 10^dlt >= 10^38 > |cb| */
    return ca > 0 ? sgn : -sgn;
  i128 sa = ca * (i128)P10[dlt];
  return sgn * ((sa > cb) - (sa < cb));
}

int xc_dec_cmp(xc_dec a, xc_dec b) {
  if (LIKELY(a.exp == b.exp)) return (a.coef > b.coef) - (a.coef < b.coef);
  return cmp_slow(&a, &b);
}

bool xc_dec_eq(xc_dec a, xc_dec b) {
  if (LIKELY(a.exp == b.exp)) return a.coef == b.coef;
  return xc_dec_cmp(a, b) == 0;
}

/* ---- add / sub / mul ---------------------------------------------------------------------------- */

/* s is the two's-complement (mod 2^128) sum of two coefficients, so the true sum lies in
 * (-2*10^38, 2*10^38); this is true iff that sum is within (-10^38, 10^38). */
static inline bool in_bound(u128 s) { return s + (MAXC - 1) <= 2 * (MAXC - 1); }

/* Exact sum when the aligned sum overflowed the bound or the alignment did not fit. */
__attribute__((noinline)) static xc_status add_slow(xc_dec a, xc_dec b, xc_dec *out) {
  if (a.coef == 0) {
    *out = b;
    return XC_OK;
  }
  if (b.coef == 0) {
    *out = a;
    return XC_OK;
  }
  bool na = a.coef < 0, nb = b.coef < 0;
  u128 ma = mag_of(a.coef), mb = mag_of(b.coef);
  int64_t ea = a.exp + strip_zeros(&ma), eb = b.exp + strip_zeros(&mb);
  if (ea < eb) { /* make a the one with the larger exponent */
    u128 tm = ma; ma = mb; mb = tm;
    int64_t te = ea; ea = eb; eb = te;
    bool tn = na; na = nb; nb = tn;
  }
  int64_t dlt = ea - eb;
  /* With both stripped and dlt > 0, ma*10^dlt ends in 0 and mb does not, so the exact sum has no
   * trailing zero and must itself be < 10^38. */
  u128 sa;
  if (dlt == 0) {
    sa = ma;
  } else {
    if (dlt > 38 || ma > (~(u128)0) / P10[dlt]) return XC_ERANGE;
    sa = ma * P10[dlt];
  }
  u128 m;
  bool neg;
  if (na == nb) {
    if (sa >= MAXC && dlt > 0) return XC_ERANGE;
    if (sa > ~(u128)0 - mb) return XC_ERANGE;
    m = sa + mb;
    neg = na;
  } else if (sa >= mb) {
    m = sa - mb;
    neg = na;
  } else {
    m = mb - sa;
    neg = nb;
  }
  int64_t exp = eb;
  while (m >= MAXC && m % 10 == 0) {
    m /= 10;
    exp++;
  }
  if (m >= MAXC) return XC_ERANGE;
  return finish(m, neg, exp, out);
}

xc_status xc_dec_add(xc_dec a, xc_dec b, xc_dec *out) {
  if (LIKELY(a.exp == b.exp)) {
    u128 s = (u128)a.coef + (u128)b.coef; /* wraps; checked below */
    if (LIKELY(in_bound(s))) {
      out->coef = (i128)s;
      out->exp = a.exp;
      return XC_OK;
    }
    return add_slow(a, b, out);
  }
  /* Align to the smaller exponent if the scaled coefficient keeps the bound. */
  xc_dec hi = a, lo = b;
  if (a.exp < b.exp) {
    hi = b;
    lo = a;
  }
  int dlt = hi.exp - lo.exp;
  if (dlt <= 38) {
    u128 mh = mag_of(hi.coef);
    if (mh < P10[38 - dlt]) {
      u128 s = (u128)(hi.coef * (i128)P10[dlt]) + (u128)lo.coef;
      if (in_bound(s)) {
        out->coef = (i128)s;
        out->exp = lo.exp;
        return XC_OK;
      }
    }
  }
  return add_slow(a, b, out);
}

xc_status xc_dec_sub(xc_dec a, xc_dec b, xc_dec *out) {
  b.coef = -b.coef;
  return xc_dec_add(a, b, out);
}

/* Exact product of magnitudes through a 256-bit intermediate. */
__attribute__((noinline)) static xc_status mul_slow(u128 ma, u128 mb, bool neg, int64_t exp, xc_dec *out) {
  u256 p = mul128(ma, mb);
  u256 maxc = u256_from(MAXC);
  while (u256_cmp(p, maxc) >= 0) {
    u256 t = p;
    if (u256_divmod64(&t, 10) != 0) return XC_ERANGE;
    p = t;
    exp++;
  }
  return finish(u256_lo(p), neg, exp, out);
}

xc_status xc_dec_mul(xc_dec a, xc_dec b, xc_dec *out) {
  bool neg = (a.coef < 0) != (b.coef < 0);
  u128 ma = mag_of(a.coef), mb = mag_of(b.coef);
  int64_t exp = (int64_t)a.exp + b.exp;
  if (LIKELY((ma >> 64) == 0 && (mb >> 64) == 0)) {
    u128 p = (u128)(uint64_t)ma * (uint64_t)mb;
    if (LIKELY(p < MAXC && exp >= XC_DEC_EXP_MIN && exp <= XC_DEC_EXP_MAX)) {
      out->coef = signed_of(p, neg);
      out->exp = (int32_t)exp;
      return XC_OK;
    }
  }
  return mul_slow(ma, mb, neg, exp, out);
}

/* ---- division, rounding, quantisation, ticks ---------------------------------------------------- */

static u256 u256_inc(u256 a) {
  for (int i = 0; i < 4; i++)
    if (++a.w[i] != 0) break;
  return a;
}

/* n / d and n % d when the quotient fits 64 bits ((n >> 64) < d). */
static inline uint64_t udiv128_64(u128 n, uint64_t d, uint64_t *r) {
#if defined(__x86_64__)
  uint64_t q, rem;
  __asm__("divq %4" : "=a"(q), "=d"(rem) : "a"((uint64_t)n), "d"((uint64_t)(n >> 64)), "rm"(d));
  *r = rem;
  return q;
#else
  *r = (uint64_t)(n % d);
  return (uint64_t)(n / d);
#endif
}

/* The general case of div_scaled: 256-bit numerator and divisor. XC_ERANGE when the quotient is
 * at least 10^39 and ma * 10^k would not fit 256 bits (the result could not fit 38 digits unless
 * it ended in zeros; see docs), XC_EINVAL for XC_ROUND_EXACT when inexact. */
__attribute__((noinline)) static xc_status div_slow(u128 ma, u128 mb, int64_t k, bool neg, xc_round mode,
                                                    u256 *q) {
  k -= strip_zeros(&mb); /* ma * 10^k / (mb' * 10^t) == ma * 10^(k-t) / mb' */
  u256 n, d;
  bool ovf = false;
  if (k >= 0) {
    if (ndigits(ma) + k > 77) return XC_ERANGE; /* the quotient is >= 10^39 (mb' < 10^38) */
    n = u256_mul_p10(u256_from(ma), (int)k, &ovf); /* < 10^77 < 2^256 */
    d = u256_from(mb);
  } else {
    int64_t m = -k;
    int da = ndigits(ma), db = ndigits(mb);
    if (db - 1 + m >= da + 1) { /* divisor >= 10 * dividend: quotient 0, below half */
      if (mode == XC_ROUND_EXACT) return XC_EINVAL;
      *q = u256_from(round_bump(mode, neg, -1, false) ? 1 : 0);
      return XC_OK;
    }
    /* here db + m <= da + 1 <= 39: the divisor is < 10^39 */
    n = u256_from(ma);
    d = u256_mul_p10(u256_from(mb), (int)m, &ovf);
  }
  u256 uq, ur;
  u256_divmod(n, d, &uq, &ur);
  if (ur.w[0] | ur.w[1] | ur.w[2] | ur.w[3]) {
    if (mode == XC_ROUND_EXACT) return XC_EINVAL;
    int c = u256_cmp(ur, u256_sub(d, ur));
    int half = c < 0 ? -1 : (c > 0 ? 1 : 0);
    if (round_bump(mode, neg, half, (uq.w[0] & 1) != 0)) uq = u256_inc(uq);
  }
  *q = uq;
  return XC_OK;
}

/* *q = round(ma * 10^k / mb) with mode for a result of sign neg; mb != 0. 64-bit and 128/64-bit
 * fast paths, else div_slow. */
static xc_status div_scaled(u128 ma, u128 mb, int64_t k, bool neg, xc_round mode, u256 *q) {
  *q = u256_from(0);
  if (ma == 0) return XC_OK;
  if (k >= 0 && k <= 19 && ma >> 64 == 0 && mb >> 64 == 0) {
    u128 nn = ma * P10[k]; /* < 2^64 * 10^19 < 2^128 */
    if (nn >> 64 == 0) {
      uint64_t q64 = 0;
      xc_status st = divround64((uint64_t)nn, (uint64_t)mb, neg, mode, &q64);
      *q = u256_from(q64);
      return st;
    }
    if ((uint64_t)(nn >> 64) < (uint64_t)mb) { /* quotient fits 64 bits: one hardware divide */
      uint64_t r64, q64 = udiv128_64(nn, (uint64_t)mb, &r64);
      if (r64 != 0) {
        if (mode == XC_ROUND_EXACT) return XC_EINVAL;
        uint64_t other = (uint64_t)mb - r64;
        int half = r64 < other ? -1 : (r64 > other ? 1 : 0);
        if (round_bump(mode, neg, half, (q64 & 1) != 0)) {
          *q = u256_from((u128)q64 + 1);
          return XC_OK;
        }
      }
      *q = u256_from(q64);
      return XC_OK;
    }
  } else if (k < 0 && k >= -19 && mb >> 64 == 0 && ma >> 64 == 0) {
    u128 dv = mb * P10[-k];
    if (dv >> 64 == 0) {
      uint64_t q64 = 0;
      xc_status st = divround64((uint64_t)ma, (uint64_t)dv, neg, mode, &q64);
      *q = u256_from(q64);
      return st;
    }
  }
  return div_slow(ma, mb, k, neg, mode, q);
}

/* q * 10^exp with sign neg, stripping trailing zeros only as far as needed to fit. */
static xc_status dec_from_u256(u256 q, bool neg, int64_t exp, xc_dec *out) {
  u256 maxc = u256_from(MAXC);
  while (u256_cmp(q, maxc) >= 0) {
    u256 t = q;
    if (u256_divmod64(&t, 10) != 0) return XC_ERANGE;
    q = t;
    exp++;
  }
  return finish(u256_lo(q), neg, exp, out);
}

xc_status xc_dec_div(xc_dec a, xc_dec b, int places, xc_round mode, xc_dec *out) {
  if (!out || b.coef == 0 || !mode_ok(mode) || places < -XC_DEC_EXP_MAX || places > -XC_DEC_EXP_MIN)
    return XC_EINVAL;
  bool neg = (a.coef < 0) != (b.coef < 0);
  u256 q;
  xc_status st = div_scaled(mag_of(a.coef), mag_of(b.coef), (int64_t)a.exp - b.exp + places, neg, mode, &q);
  if (st != XC_OK) return st;
  return dec_from_u256(q, neg, -places, out);
}

xc_status xc_dec_round(xc_dec a, int places, xc_round mode, xc_dec *out) {
  if (!out || !mode_ok(mode) || places < -XC_DEC_EXP_MAX || places > -XC_DEC_EXP_MIN) return XC_EINVAL;
  if (a.exp >= -places) {
    *out = a;
    return XC_OK;
  }
  bool neg = a.coef < 0;
  u128 q;
  xc_status st = round_p10(mag_of(a.coef), -places - a.exp, neg, mode, &q);
  if (st != XC_OK) return st;
  out->coef = signed_of(q, neg);
  out->exp = -places;
  return XC_OK;
}

/* round(a / step) as a magnitude and sign; step > 0. */
static xc_status quot_int(xc_dec a, xc_dec step, xc_round mode, u256 *q, bool *neg) {
  if (step.coef <= 0 || !mode_ok(mode)) return XC_EINVAL;
  *neg = a.coef < 0;
  return div_scaled(mag_of(a.coef), (u128)step.coef, (int64_t)a.exp - step.exp, *neg, mode, q);
}

/* round(a / step) in 64 bits when both coefficients and the aligned operands fit. Returns false
 * (nothing written) when the general path must be taken; otherwise *st says how it went. */
static inline bool quot64(xc_dec a, xc_dec step, xc_round mode, uint64_t *q, bool *neg, xc_status *st) {
  u128 maw = mag_of(a.coef);
  if (!(step.coef > 0 && (uint64_t)(step.coef >> 64) == 0 && (uint64_t)(maw >> 64) == 0 && mode_ok(mode)))
    return false;
  uint64_t ma = (uint64_t)maw, mt = (uint64_t)step.coef;
  int d = a.exp - step.exp;
  if (d > 0) {
    if (d > 19 || __builtin_mul_overflow(ma, P10_64[d], &ma)) return false;
  } else if (d < 0) {
    if (d < -19 || __builtin_mul_overflow(mt, P10_64[-d], &mt)) return false;
  }
  *neg = a.coef < 0;
  *st = divround64(ma, mt, *neg, mode, q);
  return true;
}

__attribute__((noinline)) static xc_status quantize_slow(const xc_dec *a, const xc_dec *step, xc_round mode,
                                                         xc_dec *out) {
  u256 q;
  bool neg;
  xc_status st = quot_int(*a, *step, mode, &q, &neg);
  if (st != XC_OK) return st;
  xc_dec qd;
  st = dec_from_u256(q, neg, 0, &qd);
  if (st != XC_OK) return st;
  return xc_dec_mul(qd, *step, out);
}

xc_status xc_dec_quantize(xc_dec a, xc_dec step, xc_round mode, xc_dec *out) {
  if (UNLIKELY(!out)) return XC_EINVAL;
  uint64_t q;
  bool neg;
  xc_status st;
  if (LIKELY(quot64(a, step, mode, &q, &neg, &st))) {
    if (st != XC_OK) return st;
    u128 p = (u128)q * (uint64_t)step.coef;
    if (LIKELY(p < MAXC)) {
      out->coef = signed_of(p, neg);
      out->exp = step.exp;
      return XC_OK;
    }
  }
  return quantize_slow(&a, &step, mode, out);
}

__attribute__((noinline)) static xc_status to_ticks_slow(const xc_dec *a, const xc_dec *tick, xc_round mode,
                                                         int64_t *out) {
  u256 q;
  bool neg;
  xc_status st = quot_int(*a, *tick, mode, &q, &neg);
  if (st != XC_OK) return st;
  if (!u256_fits128(q) || u256_lo(q) > (u128)INT64_MAX + (neg ? 1 : 0)) return XC_ERANGE;
  uint64_t m = (uint64_t)u256_lo(q);
  *out = neg ? (int64_t)(0 - m) : (int64_t)m;
  return XC_OK;
}

xc_status xc_dec_to_ticks(xc_dec a, xc_dec tick, xc_round mode, int64_t *out) {
  if (UNLIKELY(!out)) return XC_EINVAL;
  uint64_t q;
  bool neg;
  xc_status st;
  if (LIKELY(quot64(a, tick, mode, &q, &neg, &st))) {
    if (st != XC_OK) return st;
    if (q > (uint64_t)INT64_MAX + (neg ? 1u : 0u)) return XC_ERANGE;
    *out = neg ? (int64_t)(0 - q) : (int64_t)q;
    return XC_OK;
  }
  return to_ticks_slow(&a, &tick, mode, out);
}

xc_status xc_dec_from_ticks(int64_t ticks, xc_dec tick, xc_dec *out) {
  if (UNLIKELY(!out)) return XC_EINVAL;
  bool neg = (ticks < 0) != (tick.coef < 0);
  uint64_t mt = ticks < 0 ? 0 - (uint64_t)ticks : (uint64_t)ticks;
  u128 mk = mag_of(tick.coef);
  if (LIKELY(mk >> 64 == 0)) {
    u128 p = (u128)mt * (uint64_t)mk;
    if (LIKELY(p < MAXC)) {
      out->coef = signed_of(p, neg);
      out->exp = tick.exp;
      return XC_OK;
    }
  }
  return mul_slow(mt, mk, neg, tick.exp, out);
}

bool xc_dec_is_multiple(xc_dec a, xc_dec step) {
  if (step.coef <= 0) return false;
  if (a.coef == 0) return true;
  u128 ma = mag_of(a.coef), ms = (u128)step.coef;
  int64_t ea = a.exp + strip_zeros(&ma), es = step.exp + strip_zeros(&ms);
  if (ea < es) return false; /* ma has no factor 10, so 10^(es-ea) * ms cannot divide it */
  /* ma * 10^(ea-es) mod ms == 0, reducing modulo ms as we scale */
  u128 r = ma % ms;
  int64_t k = ea - es;
  while (r != 0 && k > 0) {
    int s = k > 19 ? 19 : (int)k;
    u256 t = mul128(r, P10[s]), q, rr;
    u256_divmod(t, u256_from(ms), &q, &rr);
    r = u256_lo(rr);
    k -= s;
  }
  return r == 0;
}

xc_status xc_dec_from_i64(int64_t v, int exp, xc_dec *out) {
  if (!out) return XC_EINVAL;
  if (exp < XC_DEC_EXP_MIN || exp > XC_DEC_EXP_MAX) return XC_ERANGE;
  out->coef = v;
  out->exp = exp;
  return XC_OK;
}

xc_status xc_dec_to_i64(xc_dec a, xc_round mode, int64_t *out) {
  if (!out || !mode_ok(mode)) return XC_EINVAL;
  xc_dec r;
  xc_status st = xc_dec_round(a, 0, mode, &r);
  if (st != XC_OK) return st;
  bool neg = r.coef < 0;
  u128 m = mag_of(r.coef);
  if (r.exp > 0 && m != 0) {
    if (r.exp > 19 || m > ((u128)1 << 64) / P10[r.exp]) return XC_ERANGE;
    m *= P10[r.exp];
  }
  if (m > (u128)INT64_MAX + (neg ? 1 : 0)) return XC_ERANGE;
  *out = neg ? (int64_t)(0 - (uint64_t)m) : (int64_t)m;
  return XC_OK;
}

int xc_dec_places(xc_dec a) {
  if (a.coef == 0 || a.exp >= 0) return 0;
  u128 m = mag_of(a.coef);
  int64_t exp = a.exp + strip_zeros(&m);
  return exp < 0 ? (int)-exp : 0;
}
