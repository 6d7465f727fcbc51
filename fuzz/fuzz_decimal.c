/* libFuzzer target for xc_dec: parse arbitrary bytes; a parsed value must format and re-parse to an
 * equal value, fixed formatting must stay inside its buffer, and arithmetic on two parsed values
 * must not crash or trip the sanitizers. Input: one or two decimals separated by a '|' byte. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xconn/decimal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_roundtrip(xc_dec d) {
  char buf[XC_DEC_STR_MAX];
  int n = xc_dec_to_str(d, buf, sizeof buf);
  if (n <= 0 || (size_t)n >= sizeof buf || strlen(buf) != (size_t)n) abort();
  xc_dec back;
  if (xc_dec_parse(buf, (size_t)n, &back) != XC_OK || !xc_dec_eq(back, d)) abort();
  /* canonical text is a fixed point */
  char buf2[XC_DEC_STR_MAX];
  if (xc_dec_to_str(back, buf2, sizeof buf2) != n || memcmp(buf, buf2, (size_t)n) != 0) abort();
  /* fixed formatting: exact sized buffer via a heap copy so ASan sees any overrun */
  for (int places = 0; places <= 64; places += 7) {
    char big[XC_DEC_STR_FIXED_MAX];
    int m = xc_dec_to_str_fixed(d, places, (xc_round)(places % 6), big, sizeof big);
    if (m < 0) abort();
    char *tight = malloc((size_t)m + 1);
    if (!tight) abort();
    if (xc_dec_to_str_fixed(d, places, (xc_round)(places % 6), tight, (size_t)m + 1) != m) abort();
    if (memcmp(tight, big, (size_t)m + 1) != 0) abort();
    if (xc_dec_to_str_fixed(d, places, (xc_round)(places % 6), tight, (size_t)m) != XC_ENOSPC) abort();
    free(tight);
  }
  int64_t t;
  (void)xc_dec_to_i64(d, XC_ROUND_HALF_EVEN, &t);
  (void)xc_dec_places(d);
  xc_dec nd = xc_dec_normalize(d);
  if (!xc_dec_eq(nd, d)) abort();
}

static void check_pair(xc_dec a, xc_dec b) {
  xc_dec r, r2;
  int c = xc_dec_cmp(a, b);
  if (c != -xc_dec_cmp(b, a)) abort();
  if (xc_dec_add(a, b, &r) == XC_OK) {
    if (xc_dec_sub(r, b, &r2) != XC_OK || !xc_dec_eq(r2, a)) abort();
  }
  if (xc_dec_sub(a, b, &r) == XC_OK && xc_dec_sign(r) != c) abort();
  xc_status s1 = xc_dec_mul(a, b, &r), s2 = xc_dec_mul(b, a, &r2);
  if (s1 != s2 || (s1 == XC_OK && !xc_dec_eq(r, r2))) abort();
  for (int m = 0; m <= XC_ROUND_EXACT; m++) {
    (void)xc_dec_div(a, b, m * 3, (xc_round)m, &r);
    if (xc_dec_sign(b) > 0) {
      xc_status sq = xc_dec_quantize(a, b, (xc_round)m, &r);
      if (sq == XC_OK && !xc_dec_is_multiple(r, b)) abort();
      int64_t t;
      if (xc_dec_to_ticks(a, b, (xc_round)m, &t) == XC_OK) {
        /* t * b may need more than 38 digits (then quantize fails the same way) */
        xc_status sf = xc_dec_from_ticks(t, b, &r2);
        if (sf != XC_OK && sf != XC_ERANGE) abort();
        if (sf != sq || (sf == XC_OK && !xc_dec_eq(r, r2))) abort();
      }
    }
    (void)xc_dec_round(a, m * 5 - 10, (xc_round)m, &r);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  const uint8_t *bar = memchr(data, '|', size);
  size_t la = bar ? (size_t)(bar - data) : size;
  xc_dec a, b;
  xc_status sa = xc_dec_parse(s, la, &a);
  if (sa == XC_OK) check_roundtrip(a);
  else if (sa != XC_EPARSE && sa != XC_ERANGE) abort();
  if (!bar) return 0;
  xc_status sb = xc_dec_parse((const char *)bar + 1, size - la - 1, &b);
  if (sb == XC_OK) check_roundtrip(b);
  if (sa == XC_OK && sb == XC_OK) check_pair(a, b);
  return 0;
}
