/* xc_dec: parsing, formatting, comparison, exact arithmetic, rounding, ticks; property tests with a
 * seeded PRNG; and arithmetic vectors computed offline by Python's decimal module
 * (tests/unit/gen_decimal_oracle.py -> decimal_oracle.inc). */
#include "testutil.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "xconn/decimal.h"

__extension__ typedef __int128 i128;

/* Parses s or fails the test. */
static xc_dec D(const char *s) {
  xc_dec d;
  xc_status st = xc_dec_from_cstr(s, &d);
  if (st != XC_OK) fail_msg("parse \"%s\" -> %d", s, (int)st);
  return d;
}

/* Canonical text of d (static buffer, rotates among 4). */
static const char *S(xc_dec d) {
  static char bufs[4][XC_DEC_STR_MAX];
  static int k;
  char *b = bufs[k++ & 3];
  int n = xc_dec_to_str(d, b, XC_DEC_STR_MAX);
  assert_true(n > 0);
  assert_int_equal((size_t)n, strlen(b));
  return b;
}

static void expect_parse(const char *in, const char *canon, int exp) {
  xc_dec d;
  xc_status st = xc_dec_parse(in, strlen(in), &d);
  if (st != XC_OK) fail_msg("parse \"%s\" -> %d", in, (int)st);
  if (strcmp(S(d), canon) != 0) fail_msg("parse \"%s\" -> \"%s\", want \"%s\"", in, S(d), canon);
  if (d.exp != exp) fail_msg("parse \"%s\" exp %d, want %d", in, (int)d.exp, exp);
}

static void expect_parse_err(const char *in, xc_status want) {
  xc_dec d;
  xc_status st = xc_dec_parse(in, strlen(in), &d);
  if (st != want) fail_msg("parse \"%s\" -> %d, want %d", in, (int)st, (int)want);
}

static void test_parse_forms(void **state) {
  (void)state;
  expect_parse("0.00100000", "0.001", -8);
  expect_parse("97000.01000000", "97000.01", -8);
  expect_parse("1e-8", "0.00000001", -8);
  expect_parse("1E+3", "1000", 3);
  expect_parse("1e3", "1000", 3);
  expect_parse("-0", "0", 0);
  expect_parse("+5", "5", 0);
  expect_parse("-5", "-5", 0);
  expect_parse("007.50", "7.5", -2);
  expect_parse("0000", "0", 0);
  expect_parse("0.000", "0", -3);
  expect_parse(".5", "0.5", -1);
  expect_parse("5.", "5", 0);
  expect_parse("-.5e1", "-5", 0);
  expect_parse("1.5e-3", "0.0015", -4);
  expect_parse("12345678901234567890", "12345678901234567890", 0); /* 20 digits: slow path */
  expect_parse("1234567890123456789", "1234567890123456789", 0);   /* 19 digits: fast path */
  expect_parse("99999999999999999999999999999999999999", "99999999999999999999999999999999999999", 0);
  expect_parse("-9999999999999999999.9999999999999999999", "-9999999999999999999.9999999999999999999", -19);
  expect_parse("0.0000000000000000000000000000000000000000000000000000000000000001", "0.0000000000000000000000000000000000000000000000000000000000000001", -64);
  expect_parse_err("0.00000000000000000000000000000000000000000000000000000000000000001", XC_ERANGE);
  expect_parse("0.00000000000000000000000000000000000000000000000000000000000000010", "0.0000000000000000000000000000000000000000000000000000000000000001", -64);
  (void)0;
}

static void test_parse_scale_and_zeros(void **state) {
  (void)state;
  /* Leading zeros do not count as significant digits. */
  expect_parse("0.00000000000000000000012345678901234567890123456789012345678",
               "0.00000000000000000000012345678901234567890123456789012345678", -59);
  expect_parse_err("0.0000000000000000000000000000012345678901234567890123456789012345678", XC_ERANGE);
  expect_parse("000000000000000000000000000000000000000000000000000001.5", "1.5", -1);
  expect_parse("-0000.0000", "0", -4);
}

static void test_parse_errors(void **state) {
  (void)state;
  const char *bad[] = {"", "-", "+", ".", "-.", "e5", ".e5", "1e", "1e+", "1e-", "1.2.3", "1..2",
                       " 1", "1 ", "1,5", "0x10", "inf", "nan", "NaN", "--1", "+-1", "1e5.5", "1e--5",
                       "1f", "٣", "1e5e5", "\x01"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) expect_parse_err(bad[i], XC_EPARSE);
  xc_dec d;
  assert_int_equal(xc_dec_parse("1\0", 2, &d), XC_EPARSE); /* embedded NUL */
  assert_int_equal(xc_dec_parse(NULL, 0, &d), XC_EPARSE);
  assert_int_equal(xc_dec_parse("1", 1, NULL), XC_EINVAL);
  assert_int_equal(xc_dec_parse("123", 2, &d), XC_OK); /* only len bytes */
  assert_string_equal(S(d), "12");
}

static void test_parse_range(void **state) {
  (void)state;
  /* 39 significant digits */
  expect_parse_err("123456789012345678901234567890123456789", XC_ERANGE);
  expect_parse_err("1.23456789012345678901234567890123456789", XC_ERANGE);
  expect_parse_err("100000000000000000000000000000000000001", XC_ERANGE);
  /* 38 significant digits followed by trailing zeros: dropped exactly (keeps value) */
  expect_parse("1.0000000000000000000000000000000000000000000000", "1", -37);
  expect_parse("12345678901234567890123456789012345678000", "12345678901234567890123456789012345678000", 3);
  /* exponent range */
  expect_parse("1e64", "10000000000000000000000000000000000000000000000000000000000000000", 64);
  expect_parse("1e65", "100000000000000000000000000000000000000000000000000000000000000000", 64);
  expect_parse_err("1e103", XC_ERANGE);
  expect_parse("1e100", "1" "0000000000" "0000000000" "0000000000" "0000000000" "0000000000"
                        "0000000000" "0000000000" "0000000000" "0000000000" "0000000000", 64);
  expect_parse_err("1e-65", XC_ERANGE);
  expect_parse("10e-65", "0.0000000000000000000000000000000000000000000000000000000000000001", -64);
  expect_parse_err("1e99999999999999999999", XC_ERANGE);
  expect_parse_err("1e-99999999999999999999", XC_ERANGE);
  expect_parse("0e99999999999", "0", 64);
  expect_parse("0e-99999", "0", -64);
  expect_parse("12345678901234567890123456789012345678e30", "12345678901234567890123456789012345678"
                                                          "000000000000000000000000000000", 30);
  expect_parse_err("12345678901234567890123456789012345678e65", XC_ERANGE);
  expect_parse("1234567890123456789012345678901234567e65", "1234567890123456789012345678901234567"
               "00000000000000000000000000000000000000000000000000000000000000000", 64);
}

static void test_format(void **state) {
  (void)state;
  char buf[XC_DEC_STR_FIXED_MAX];
  assert_string_equal(S(XC_DEC_ZERO), "0");
  assert_string_equal(S((xc_dec){-5, -3}), "-0.005");
  assert_string_equal(S((xc_dec){12345, -2}), "123.45");
  assert_string_equal(S((xc_dec){12300, -2}), "123");
  assert_string_equal(S((xc_dec){12, 3}), "12000");
  assert_string_equal(S((xc_dec){0, -5}), "0");
  /* largest possible output */
  xc_dec big = {(i128)-1 * (D("99999999999999999999999999999999999999").coef), 64};
  int n = xc_dec_to_str(big, buf, XC_DEC_STR_MAX);
  assert_int_equal(n, 1 + 38 + 64);
  n = xc_dec_to_str(big, buf, (size_t)n); /* no room for NUL */
  assert_int_equal(n, XC_ENOSPC);
  assert_int_equal(xc_dec_to_str(XC_DEC_ZERO, buf, 1), XC_ENOSPC);
  /* fixed */
  assert_int_equal(xc_dec_to_str_fixed(D("1.5"), 3, XC_ROUND_EXACT, buf, sizeof buf), 5);
  assert_string_equal(buf, "1.500");
  xc_dec_to_str_fixed(D("97000.01000000"), 2, XC_ROUND_EXACT, buf, sizeof buf);
  assert_string_equal(buf, "97000.01");
  xc_dec_to_str_fixed(D("1.25"), 1, XC_ROUND_HALF_EVEN, buf, sizeof buf);
  assert_string_equal(buf, "1.2");
  xc_dec_to_str_fixed(D("1.25"), 1, XC_ROUND_HALF_UP, buf, sizeof buf);
  assert_string_equal(buf, "1.3");
  xc_dec_to_str_fixed(D("-1.25"), 1, XC_ROUND_DOWN, buf, sizeof buf);
  assert_string_equal(buf, "-1.3");
  xc_dec_to_str_fixed(D("-0.001"), 2, XC_ROUND_HALF_UP, buf, sizeof buf);
  assert_string_equal(buf, "0.00");
  xc_dec_to_str_fixed(D("-0.001"), 2, XC_ROUND_DOWN, buf, sizeof buf);
  assert_string_equal(buf, "-0.01");
  xc_dec_to_str_fixed(D("12e3"), 0, XC_ROUND_EXACT, buf, sizeof buf);
  assert_string_equal(buf, "12000");
  xc_dec_to_str_fixed(D("12e3"), 2, XC_ROUND_EXACT, buf, sizeof buf);
  assert_string_equal(buf, "12000.00");
  xc_dec_to_str_fixed(D("0.0012"), 6, XC_ROUND_EXACT, buf, sizeof buf);
  assert_string_equal(buf, "0.001200");
  xc_dec_to_str_fixed(D("9.99"), 1, XC_ROUND_HALF_UP, buf, sizeof buf);
  assert_string_equal(buf, "10.0");
  xc_dec_to_str_fixed(D("1e-64"), 0, XC_ROUND_UP, buf, sizeof buf);
  assert_string_equal(buf, "1");
  assert_int_equal(xc_dec_to_str_fixed(D("1.25"), 1, XC_ROUND_EXACT, buf, sizeof buf), XC_EINVAL);
  assert_int_equal(xc_dec_to_str_fixed(D("1"), 65, XC_ROUND_EXACT, buf, sizeof buf), XC_EINVAL);
  assert_int_equal(xc_dec_to_str_fixed(D("1"), -1, XC_ROUND_EXACT, buf, sizeof buf), XC_EINVAL);
  assert_int_equal(xc_dec_to_str_fixed(D("1"), 2, XC_ROUND_EXACT, buf, 4), XC_ENOSPC);
  assert_int_equal(xc_dec_to_str_fixed(D("1"), 2, XC_ROUND_EXACT, buf, 5), 4);
  /* the largest fixed output fits XC_DEC_STR_FIXED_MAX */
  n = xc_dec_to_str_fixed(big, 64, XC_ROUND_EXACT, buf, sizeof buf);
  assert_int_equal(n, 1 + 38 + 64 + 1 + 64);
  assert_true((size_t)n < sizeof buf);
}

static void test_cmp(void **state) {
  (void)state;
  assert_int_equal(xc_dec_cmp(D("1.0"), D("1")), 0);
  assert_true(xc_dec_eq(D("1.000"), D("1e0")));
  assert_int_equal(xc_dec_cmp(D("1.01"), D("1.1")), -1);
  assert_int_equal(xc_dec_cmp(D("-1.01"), D("-1.1")), 1);
  assert_int_equal(xc_dec_cmp(D("-0"), D("0.000")), 0);
  assert_int_equal(xc_dec_cmp(D("-0.0001"), D("0")), -1);
  assert_int_equal(xc_dec_cmp(D("1e64"), D("99999999999999999999999999999999999999")), 1);
  assert_int_equal(xc_dec_cmp(D("1e-64"), D("0.00000001")), -1);
  assert_int_equal(xc_dec_cmp(D("-1e64"), D("-99999999999999999999999999999999999999e-64")), -1);
  assert_int_equal(xc_dec_cmp(D("12345678901234567890123456789012345678"), D("1.2345678901234567890123456789012345678e37")), 0);
  assert_int_equal(xc_dec_cmp(D("12345678901234567890123456789012345678"), D("1.2345678901234567890123456789012345679e37")), -1);
  assert_int_equal(xc_dec_cmp(D("0e64"), D("1e-64")), -1);
  assert_int_equal(xc_dec_cmp(D("0e64"), D("-1e-64")), 1);
  assert_int_equal(xc_dec_cmp(D("0e-64"), D("-1e64")), 1);
  assert_int_equal(xc_dec_cmp(D("1e-64"), D("0e64")), 1);
  assert_int_equal(xc_dec_cmp(D("-1e-64"), D("0e64")), -1);
  assert_int_equal(xc_dec_cmp(D("0e-64"), D("0e64")), 0);
  assert_int_equal(xc_dec_cmp(D("0e-64"), D("1e-63")), -1);
  assert_int_equal(xc_dec_cmp(D("-1e64"), D("-1e-64")), -1);
  assert_int_equal(xc_dec_cmp(D("1e64"), D("1e-64")), 1);
  assert_int_equal(xc_dec_cmp(D("1e-64"), D("1e64")), -1);
  assert_int_equal(xc_dec_sign(D("-3")), -1);
  assert_int_equal(xc_dec_sign(D("0.0")), 0);
  assert_true(xc_dec_is_zero(D("0e10")));
  assert_string_equal(S(xc_dec_neg(D("3.5"))), "-3.5");
  assert_string_equal(S(xc_dec_abs(D("-3.5"))), "3.5");
  xc_dec n = xc_dec_normalize(D("1.500"));
  assert_true(n.coef == 15 && n.exp == -1);
  n = xc_dec_normalize(D("0.000"));
  assert_true(n.coef == 0 && n.exp == 0);
  n = xc_dec_normalize(D("1200"));
  assert_true(n.coef == 12 && n.exp == 2);
  n = xc_dec_normalize(D("-1e64"));
  assert_true(n.coef == -1 && n.exp == 64);
  n = xc_dec_normalize((xc_dec){100, 63}); /* exponent cannot exceed 64 */
  assert_true(n.coef == 10 && n.exp == 64);
  assert_int_equal(xc_dec_places(D("1.2300")), 2);
  assert_int_equal(xc_dec_places(D("100")), 0);
  assert_int_equal(xc_dec_places(D("0.01000000")), 2);
  assert_int_equal(xc_dec_places(D("1e-8")), 8);
  assert_int_equal(xc_dec_places(D("0")), 0);
}

static void expect_op(xc_status (*op)(xc_dec, xc_dec, xc_dec *), const char *a, const char *b,
                      const char *want) {
  xc_dec r;
  xc_status st = op(D(a), D(b), &r);
  if (strcmp(want, "ERANGE") == 0) {
    if (st != XC_ERANGE) fail_msg("%s op %s -> %d %s, want ERANGE", a, b, (int)st, st ? "" : S(r));
    return;
  }
  if (st != XC_OK) fail_msg("%s op %s -> %d", a, b, (int)st);
  if (strcmp(S(r), want) != 0) fail_msg("%s op %s -> %s, want %s", a, b, S(r), want);
}

static void test_add_sub_mul(void **state) {
  (void)state;
  expect_op(xc_dec_add, "0.1", "0.2", "0.3");
  expect_op(xc_dec_add, "97000.01", "0.00000001", "97000.01000001");
  expect_op(xc_dec_add, "-1.5", "1.5", "0");
  expect_op(xc_dec_add, "1e10", "1e-10", "10000000000.0000000001");
  expect_op(xc_dec_sub, "1", "0.00000001", "0.99999999");
  expect_op(xc_dec_sub, "-1", "0.00000001", "-1.00000001");
  expect_op(xc_dec_mul, "97000.01", "0.00100000", "97.00001");
  expect_op(xc_dec_mul, "-2", "3.5", "-7");
  expect_op(xc_dec_mul, "-2", "-3.5", "7");
  expect_op(xc_dec_mul, "0", "-3.5", "0");
  xc_dec r;
  assert_int_equal(xc_dec_add(D("1.50"), D("2.5"), &r), XC_OK);
  assert_int_equal(r.exp, -2); /* keeps the finer scale */
  assert_int_equal(xc_dec_mul(D("1.50"), D("2.0"), &r), XC_OK);
  assert_int_equal(r.exp, -3);
  /* overflow edges */
  const char *max = "99999999999999999999999999999999999999";
  expect_op(xc_dec_add, max, "1", "100000000000000000000000000000000000000"); /* 1e38 */
  expect_op(xc_dec_add, max, "2", "ERANGE");
  expect_op(xc_dec_add, max, "0", max);
  expect_op(xc_dec_sub, max, "1", "99999999999999999999999999999999999998");
  expect_op(xc_dec_sub, "-99999999999999999999999999999999999999", "1", "-100000000000000000000000000000000000000");
  expect_op(xc_dec_sub, "-99999999999999999999999999999999999999", "2", "ERANGE");
  expect_op(xc_dec_add, max, "-0.5", "ERANGE");
  expect_op(xc_dec_add, "50000000000000000000000000000000000000", "50000000000000000000000000000000000000",
            "100000000000000000000000000000000000000");
  expect_op(xc_dec_add, "5e64", "5e64", "100000000000000000000000000000000000000000000000000000000000000000");
  expect_op(xc_dec_add, "9e64", "9e64", "180000000000000000000000000000000000000000000000000000000000000000");
  expect_op(xc_dec_add, "1e30", "1e-30", "ERANGE");
  expect_op(xc_dec_add, "1e64", "-1e-64", "ERANGE");
  expect_op(xc_dec_add, "1e37", "1", "10000000000000000000000000000000000001");
  expect_op(xc_dec_add, "10000000000000000000000000000000000000", "1e38", "110000000000000000000000000000000000000");
  expect_op(xc_dec_add, "0e-64", "1e64", "10000000000000000000000000000000000000000000000000000000000000000");
  expect_op(xc_dec_mul, max, "1", max);
  expect_op(xc_dec_mul, max, "10", "999999999999999999999999999999999999990");
  expect_op(xc_dec_mul, max, "1.1", "ERANGE");
  expect_op(xc_dec_mul, "1e40", "1e62", "ERANGE");
  expect_op(xc_dec_mul, "1e40", "1e61", "1" "0000000000" "0000000000" "0000000000" "0000000000" "0000000000"
            "0000000000" "0000000000" "0000000000" "0000000000" "0000000000" "0");
  expect_op(xc_dec_mul, "1e40", "1e24", "10000000000000000000000000000000000000000000000000000000000000000");
  expect_op(xc_dec_mul, "1e-40", "1e-24", "0.0000000000000000000000000000000000000000000000000000000000000001");
  expect_op(xc_dec_mul, "1e-40", "1e-25", "ERANGE");
  expect_op(xc_dec_mul, "1000e-40", "1e-27", "0.0000000000000000000000000000000000000000000000000000000000000001");
  expect_op(xc_dec_mul, "0e-64", "0e-64", "0");
  /* 5^54 * 2^54 = 10^54: needs the 256-bit product */
  expect_op(xc_dec_mul, "55511151231257827021181583404541015625", "18014398509481984",
            "1000000000000000000000000000000000000000000000000000000");
  expect_op(xc_dec_mul, "12345678901234567891", "98765432109876543211",
            "ERANGE");
  expect_op(xc_dec_mul, "1234567890123456789", "9876543210987654321",
            "12193263113702179522374638011112635269");
}

static const char *MODE_NAMES[] = {"DOWN", "UP", "TOWARD_ZERO", "AWAY", "HALF_EVEN", "HALF_UP", "EXACT"};

static void expect_round(const char *a, int places, xc_round mode, const char *want) {
  xc_dec r;
  xc_status st = xc_dec_round(D(a), places, mode, &r);
  if (strcmp(want, "EINVAL") == 0) {
    if (st != XC_EINVAL) fail_msg("round %s %d %s -> %d", a, places, MODE_NAMES[mode], (int)st);
    return;
  }
  if (st != XC_OK) fail_msg("round %s %d %s -> %d", a, places, MODE_NAMES[mode], (int)st);
  if (strcmp(S(r), want) != 0) fail_msg("round %s %d %s -> %s, want %s", a, places, MODE_NAMES[mode], S(r), want);
  if (r.exp < -places) fail_msg("round %s exp %d", a, (int)r.exp);
}

static void test_rounding_modes(void **state) {
  (void)state;
  /* value:                     DOWN    UP     TZERO  AWAY   HEVEN  HUP    (1 place) */
  static const struct {
    const char *v;
    const char *r[6];
  } t[] = {
      {"1.25", {"1.2", "1.3", "1.2", "1.3", "1.2", "1.3"}},
      {"1.35", {"1.3", "1.4", "1.3", "1.4", "1.4", "1.4"}},
      {"-1.25", {"-1.3", "-1.2", "-1.2", "-1.3", "-1.2", "-1.3"}},
      {"-1.35", {"-1.4", "-1.3", "-1.3", "-1.4", "-1.4", "-1.4"}},
      {"1.21", {"1.2", "1.3", "1.2", "1.3", "1.2", "1.2"}},
      {"1.29", {"1.2", "1.3", "1.2", "1.3", "1.3", "1.3"}},
      {"-1.21", {"-1.3", "-1.2", "-1.2", "-1.3", "-1.2", "-1.2"}},
      {"-1.29", {"-1.3", "-1.2", "-1.2", "-1.3", "-1.3", "-1.3"}},
      {"1.2", {"1.2", "1.2", "1.2", "1.2", "1.2", "1.2"}},
      {"0.05", {"0", "0.1", "0", "0.1", "0", "0.1"}},
      {"-0.05", {"-0.1", "0", "0", "-0.1", "0", "-0.1"}},
      {"0.0500000000000000000000000000000000001", {"0", "0.1", "0", "0.1", "0.1", "0.1"}},
      {"9.95", {"9.9", "10", "9.9", "10", "10", "10"}},
      {"1.2500000000000000000001", {"1.2", "1.3", "1.2", "1.3", "1.3", "1.3"}},
      {"1.2499999999999999999999", {"1.2", "1.3", "1.2", "1.3", "1.2", "1.2"}},
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    for (int m = 0; m < 6; m++) expect_round(t[i].v, 1, (xc_round)m, t[i].r[m]);
  expect_round("1.25", 1, XC_ROUND_EXACT, "EINVAL");
  expect_round("1.20", 1, XC_ROUND_EXACT, "1.2");
  expect_round("1.2", 5, XC_ROUND_EXACT, "1.2");
  expect_round("1250", -2, XC_ROUND_HALF_EVEN, "1200");
  expect_round("1350", -2, XC_ROUND_HALF_EVEN, "1400");
  expect_round("99999999999999999999999999999999999999", -1, XC_ROUND_UP, "100000000000000000000000000000000000000");
  expect_round("1e-64", 0, XC_ROUND_UP, "1");
  expect_round("1e-64", 0, XC_ROUND_HALF_UP, "0");
  expect_round("-1e-64", 10, XC_ROUND_DOWN, "-0.0000000001");
  xc_dec r;
  assert_int_equal(xc_dec_round(D("1"), 65, XC_ROUND_DOWN, &r), XC_EINVAL);
  assert_int_equal(xc_dec_round(D("1"), 0, (xc_round)99, &r), XC_EINVAL);
}

static void expect_div(const char *a, const char *b, int places, xc_round mode, const char *want) {
  xc_dec r;
  xc_status st = xc_dec_div(D(a), D(b), places, mode, &r);
  if (want[0] == 'E') {
    xc_status w = strcmp(want, "ERANGE") == 0 ? XC_ERANGE : XC_EINVAL;
    if (st != w) fail_msg("div %s/%s -> %d, want %s", a, b, (int)st, want);
    return;
  }
  if (st != XC_OK) fail_msg("div %s/%s -> %d", a, b, (int)st);
  if (strcmp(S(r), want) != 0) fail_msg("div %s/%s -> %s, want %s", a, b, S(r), want);
}

static void test_div(void **state) {
  (void)state;
  expect_div("1", "3", 8, XC_ROUND_HALF_EVEN, "0.33333333");
  expect_div("2", "3", 8, XC_ROUND_HALF_EVEN, "0.66666667");
  expect_div("2", "3", 8, XC_ROUND_DOWN, "0.66666666");
  expect_div("-2", "3", 8, XC_ROUND_DOWN, "-0.66666667");
  expect_div("-2", "3", 8, XC_ROUND_TOWARD_ZERO, "-0.66666666");
  expect_div("1", "8", 2, XC_ROUND_HALF_EVEN, "0.12");
  expect_div("3", "8", 2, XC_ROUND_HALF_EVEN, "0.38");
  expect_div("1", "8", 3, XC_ROUND_EXACT, "0.125");
  expect_div("1", "3", 3, XC_ROUND_EXACT, "EINVAL");
  expect_div("1", "0", 3, XC_ROUND_HALF_UP, "EINVAL");
  expect_div("0", "7", 3, XC_ROUND_EXACT, "0");
  expect_div("100", "0.5", 0, XC_ROUND_EXACT, "200");
  expect_div("97000.01", "0.01", 0, XC_ROUND_EXACT, "9700001");
  expect_div("1e-64", "1e64", 2, XC_ROUND_UP, "0.01");
  expect_div("1e-64", "1e64", 2, XC_ROUND_HALF_UP, "0");
  expect_div("1e64", "1e-64", 0, XC_ROUND_EXACT, "ERANGE");
  expect_div("99999999999999999999999999999999999999", "0.1", 0, XC_ROUND_EXACT,
             "999999999999999999999999999999999999990");
  expect_div("99999999999999999999999999999999999999", "0.3", 2, XC_ROUND_EXACT,
             "333333333333333333333333333333333333330");
  expect_div("99999999999999999999999999999999999999", "0.7", 2, XC_ROUND_EXACT, "EINVAL");
  expect_div("99999999999999999999999999999999999999", "0.7", 2, XC_ROUND_HALF_EVEN, "ERANGE");
  expect_div("12345678901234567890123456789012345678", "98765432109876543210987654321098765432", 37,
             XC_ROUND_HALF_EVEN, "0.1249999988609375000142382812498220215");
}

static void test_quantize_ticks(void **state) {
  (void)state;
  xc_dec r;
  assert_int_equal(xc_dec_quantize(D("97000.0149"), D("0.01"), XC_ROUND_DOWN, &r), XC_OK);
  assert_string_equal(S(r), "97000.01");
  assert_int_equal(xc_dec_quantize(D("97000.0149"), D("0.01000000"), XC_ROUND_UP, &r), XC_OK);
  assert_string_equal(S(r), "97000.02");
  assert_int_equal(xc_dec_quantize(D("-0.37"), D("0.25"), XC_ROUND_HALF_EVEN, &r), XC_OK);
  assert_string_equal(S(r), "-0.25");
  assert_int_equal(xc_dec_quantize(D("-0.375"), D("0.25"), XC_ROUND_HALF_EVEN, &r), XC_OK);
  assert_string_equal(S(r), "-0.5");
  assert_int_equal(xc_dec_quantize(D("-0.375"), D("0.25"), XC_ROUND_HALF_UP, &r), XC_OK);
  assert_string_equal(S(r), "-0.5");
  assert_int_equal(xc_dec_quantize(D("-0.125"), D("0.25"), XC_ROUND_HALF_EVEN, &r), XC_OK);
  assert_string_equal(S(r), "0");
  assert_int_equal(xc_dec_quantize(D("1.23"), D("0"), XC_ROUND_DOWN, &r), XC_EINVAL);
  assert_int_equal(xc_dec_quantize(D("1.23"), D("-0.1"), XC_ROUND_DOWN, &r), XC_EINVAL);
  assert_int_equal(xc_dec_quantize(D("1.23"), D("0.1"), XC_ROUND_EXACT, &r), XC_EINVAL);
  assert_int_equal(xc_dec_quantize(D("1.2"), D("0.1"), XC_ROUND_EXACT, &r), XC_OK);
  assert_true(xc_dec_is_multiple(D("97000.01"), D("0.01")));
  assert_true(xc_dec_is_multiple(D("97000.010000"), D("0.01000000")));
  assert_false(xc_dec_is_multiple(D("97000.011"), D("0.01")));
  assert_true(xc_dec_is_multiple(D("0.75"), D("0.25")));
  assert_false(xc_dec_is_multiple(D("0.8"), D("0.25")));
  assert_true(xc_dec_is_multiple(D("0"), D("0.25")));
  assert_true(xc_dec_is_multiple(D("-1e60"), D("3e-60")) == false);
  assert_true(xc_dec_is_multiple(D("-3e60"), D("3e-60")));
  assert_true(xc_dec_is_multiple(D("7e60"), D("7e-60")));
  assert_false(xc_dec_is_multiple(D("1"), D("0")));

  int64_t t;
  assert_int_equal(xc_dec_to_ticks(D("97000.01000000"), D("0.01000000"), XC_ROUND_EXACT, &t), XC_OK);
  assert_int_equal(t, 9700001);
  assert_int_equal(xc_dec_to_ticks(D("97000.01"), D("0.01000000"), XC_ROUND_EXACT, &t), XC_OK);
  assert_int_equal(t, 9700001);
  assert_int_equal(xc_dec_to_ticks(D("97000.015"), D("0.01"), XC_ROUND_EXACT, &t), XC_EINVAL);
  assert_int_equal(xc_dec_to_ticks(D("97000.015"), D("0.01"), XC_ROUND_HALF_EVEN, &t), XC_OK);
  assert_int_equal(t, 9700002);
  assert_int_equal(xc_dec_to_ticks(D("-97000.015"), D("0.01"), XC_ROUND_DOWN, &t), XC_OK);
  assert_int_equal(t, -9700002);
  assert_int_equal(xc_dec_to_ticks(D("-97000.015000"), D("0.010000"), XC_ROUND_UP, &t), XC_OK);
  assert_int_equal(t, -9700001);
  assert_int_equal(xc_dec_to_ticks(D("9223372036854775807"), D("1"), XC_ROUND_EXACT, &t), XC_OK);
  assert_true(t == INT64_MAX);
  assert_int_equal(xc_dec_to_ticks(D("-9223372036854775808"), D("1"), XC_ROUND_EXACT, &t), XC_OK);
  assert_true(t == INT64_MIN);
  assert_int_equal(xc_dec_to_ticks(D("9223372036854775808"), D("1"), XC_ROUND_EXACT, &t), XC_ERANGE);
  assert_int_equal(xc_dec_to_ticks(D("1e30"), D("1e-30"), XC_ROUND_EXACT, &t), XC_ERANGE);
  assert_int_equal(xc_dec_to_ticks(D("1"), D("0"), XC_ROUND_EXACT, &t), XC_EINVAL);

  assert_int_equal(xc_dec_from_ticks(9700001, D("0.01000000"), &r), XC_OK);
  assert_string_equal(S(r), "97000.01");
  assert_int_equal(xc_dec_from_ticks(INT64_MIN, D("0.5"), &r), XC_OK);
  assert_string_equal(S(r), "-4611686018427387904");

  assert_int_equal(xc_dec_from_i64(-123, -2, &r), XC_OK);
  assert_string_equal(S(r), "-1.23");
  assert_int_equal(xc_dec_from_i64(1, 65, &r), XC_ERANGE);
  assert_int_equal(xc_dec_from_i64(1, -65, &r), XC_ERANGE);
  assert_int_equal(xc_dec_to_i64(D("-1.5"), XC_ROUND_HALF_EVEN, &t), XC_OK);
  assert_int_equal(t, -2);
  assert_int_equal(xc_dec_to_i64(D("-1.5"), XC_ROUND_TOWARD_ZERO, &t), XC_OK);
  assert_int_equal(t, -1);
  assert_int_equal(xc_dec_to_i64(D("12e3"), XC_ROUND_EXACT, &t), XC_OK);
  assert_int_equal(t, 12000);
  assert_int_equal(xc_dec_to_i64(D("9.223372036854775807e18"), XC_ROUND_EXACT, &t), XC_OK);
  assert_true(t == INT64_MAX);
  assert_int_equal(xc_dec_to_i64(D("9.223372036854775808e18"), XC_ROUND_EXACT, &t), XC_ERANGE);
  assert_int_equal(xc_dec_to_i64(D("-9.223372036854775808e18"), XC_ROUND_EXACT, &t), XC_OK);
  assert_true(t == INT64_MIN);
  assert_int_equal(xc_dec_to_i64(D("1e19"), XC_ROUND_EXACT, &t), XC_ERANGE);
  assert_int_equal(xc_dec_to_i64(D("1e40"), XC_ROUND_EXACT, &t), XC_ERANGE);
  assert_int_equal(xc_dec_to_i64(D("0e40"), XC_ROUND_EXACT, &t), XC_OK);
  assert_int_equal(t, 0);
}

/* ---- properties with a seeded PRNG ----------------------------------------------------------- */

/* A random valid xc_dec: digit count and exponent biased toward exchange-like values. */
static xc_dec rand_dec(uint64_t *rs) {
  uint64_t r = xc_test_rand(rs);
  int nd;
  switch (r % 4) {
  case 0: nd = 1 + (int)(xc_test_rand(rs) % 8); break;
  case 1: nd = 1 + (int)(xc_test_rand(rs) % 18); break;
  case 2: nd = 1 + (int)(xc_test_rand(rs) % 38); break;
  default: nd = 1 + (int)(xc_test_rand(rs) % 12); break;
  }
  i128 c = 0;
  for (int i = 0; i < nd; i++) c = c * 10 + (i128)(xc_test_rand(rs) % 10);
  if (xc_test_rand(rs) % 3 == 0) c = -c;
  int exp;
  if (xc_test_rand(rs) % 8 == 0) exp = XC_DEC_EXP_MIN + (int)(xc_test_rand(rs) % 129);
  else exp = -18 + (int)(xc_test_rand(rs) % 24);
  return (xc_dec){c, exp};
}

static void test_properties(void **state) {
  (void)state;
  uint64_t rs = 0x5eed2026u;
  char buf[XC_DEC_STR_FIXED_MAX];
  const xc_dec one = {1, 0};
  for (int it = 0; it < 20000; it++) {
    xc_dec a = rand_dec(&rs), b = rand_dec(&rs), r, r2;
    /* parse(format(a)) == a, and the canonical text is a fixed point */
    int n = xc_dec_to_str(a, buf, sizeof buf);
    assert_true(n > 0);
    xc_dec p;
    assert_int_equal(xc_dec_parse(buf, (size_t)n, &p), XC_OK);
    assert_true(xc_dec_eq(p, a));
    assert_string_equal(S(p), buf);
    { /* a tight buffer takes the general formatter: same text */
      char tight[XC_DEC_STR_MAX];
      assert_int_equal(xc_dec_to_str(a, tight, (size_t)n + 1), n);
      assert_string_equal(tight, buf);
      assert_int_equal(xc_dec_to_str(a, tight, (size_t)n), XC_ENOSPC);
    }
    /* fixed formatting at the value's own places is exact and parses back */
    int pl = xc_dec_places(a);
    n = xc_dec_to_str_fixed(a, pl, XC_ROUND_EXACT, buf, sizeof buf);
    assert_true(n > 0);
    assert_int_equal(xc_dec_parse(buf, (size_t)n, &p), XC_OK);
    assert_true(xc_dec_eq(p, a));
    /* cmp antisymmetry and consistency with sub */
    int c = xc_dec_cmp(a, b);
    assert_int_equal(c, -xc_dec_cmp(b, a));
    assert_int_equal(xc_dec_cmp(a, a), 0);
    if (xc_dec_sub(a, b, &r) == XC_OK) {
      assert_int_equal(xc_dec_sign(r), c);
      /* a - b + b == a */
      assert_int_equal(xc_dec_add(r, b, &r2), XC_OK);
      assert_true(xc_dec_eq(r2, a));
    }
    /* a + b - b == a */
    if (xc_dec_add(a, b, &r) == XC_OK) {
      assert_int_equal(xc_dec_sub(r, b, &r2), XC_OK);
      assert_true(xc_dec_eq(r2, a));
      assert_int_equal(xc_dec_add(b, a, &r2), XC_OK);
      assert_true(xc_dec_eq(r2, r));
    }
    /* a * 1 == a (same scale), mul commutes */
    assert_int_equal(xc_dec_mul(a, one, &r), XC_OK);
    assert_true(r.coef == a.coef && r.exp == a.exp);
    xc_status s1 = xc_dec_mul(a, b, &r), s2 = xc_dec_mul(b, a, &r2);
    assert_int_equal(s1, s2);
    if (s1 == XC_OK) {
      assert_true(xc_dec_eq(r, r2));
      /* (a*b)/b == a when b != 0 and the division is exact at a's places */
      if (b.coef != 0 && a.exp <= 0) {
        xc_dec q;
        xc_status sq = xc_dec_div(r, b, -a.exp, XC_ROUND_EXACT, &q);
        if (sq == XC_OK) assert_true(xc_dec_eq(q, a));
        else assert_int_equal(sq, XC_ERANGE);
      }
    }
    /* quantize: a multiple of step within one step of a, on the right side for directed modes */
    xc_dec step = {(i128)(1 + xc_test_rand(&rs) % 50), -(int)(xc_test_rand(&rs) % 10)};
    for (int m = 0; m < 6; m++) {
      if (xc_dec_quantize(a, step, (xc_round)m, &r) != XC_OK) continue;
      assert_true(xc_dec_is_multiple(r, step));
      xc_dec diff, adiff;
      if (xc_dec_sub(r, a, &diff) != XC_OK) continue; /* |diff| < step may need > 38 digits */
      adiff = xc_dec_abs(diff);
      assert_true(xc_dec_cmp(adiff, step) < 0);
      if (m == XC_ROUND_DOWN) assert_true(xc_dec_sign(diff) <= 0);
      if (m == XC_ROUND_UP) assert_true(xc_dec_sign(diff) >= 0);
      if (m == XC_ROUND_TOWARD_ZERO) assert_true(xc_dec_cmp(xc_dec_abs(r), xc_dec_abs(a)) <= 0);
      if (m == XC_ROUND_AWAY_FROM_ZERO) assert_true(xc_dec_cmp(xc_dec_abs(r), xc_dec_abs(a)) >= 0);
      if (m >= XC_ROUND_HALF_EVEN) { /* 2 * |diff| <= step */
        xc_dec half;
        assert_int_equal(xc_dec_mul(step, (xc_dec){5, -1}, &half), XC_OK);
        assert_true(xc_dec_cmp(adiff, half) <= 0);
      }
      /* ticks round trip */
      int64_t t;
      if (xc_dec_to_ticks(a, step, (xc_round)m, &t) == XC_OK) {
        xc_dec back;
        assert_int_equal(xc_dec_from_ticks(t, step, &back), XC_OK);
        assert_true(xc_dec_eq(back, r));
        assert_int_equal(xc_dec_to_ticks(back, step, XC_ROUND_EXACT, &t), XC_OK);
      }
    }
    /* fast (64-bit) and general paths agree: the same step and value with a wide coefficient */
    {
      xc_dec wstep = {step.coef * (i128)10000000000000000000ULL * 10, step.exp - 20}, wa = a;
      bool wide_a = false;
      i128 lim21 = (i128)10000000000000000000ULL * 100; /* 10^21: a.coef * 10^17 stays < 10^38 */
      if (a.exp - 17 >= XC_DEC_EXP_MIN && xc_dec_sign(a) != 0 && a.coef < lim21 && a.coef > -lim21) {
        wa = (xc_dec){a.coef * 100000000000000000LL, a.exp - 17};
        wide_a = true;
      }
      for (int m = 0; m <= XC_ROUND_EXACT; m++) {
        xc_dec w1, w2;
        xc_status u1 = xc_dec_quantize(a, step, (xc_round)m, &w1);
        xc_status u2 = xc_dec_quantize(a, wstep, (xc_round)m, &w2);
        if (u1 == XC_OK && u2 == XC_OK) assert_true(xc_dec_eq(w1, w2));
        else if (u1 != XC_ERANGE && u2 != XC_ERANGE) assert_int_equal(u1, u2);
        int64_t t1 = 0, t2 = 0;
        u1 = xc_dec_to_ticks(a, step, (xc_round)m, &t1);
        u2 = xc_dec_to_ticks(a, wstep, (xc_round)m, &t2);
        /* an inexact quotient that is also out of range may report either error */
        if (u1 != u2 && u1 != XC_ERANGE && u2 != XC_ERANGE)
          fail_msg("to_ticks %s / %s m%d: %d vs wide step %d", S(a), S(step), m, (int)u1, (int)u2);
        if (u1 == XC_OK || u2 == XC_OK) assert_true(u1 == u2 && t1 == t2);
        if (wide_a) {
          u2 = xc_dec_to_ticks(wa, step, (xc_round)m, &t2);
          if (u1 != u2 && u1 != XC_ERANGE && u2 != XC_ERANGE)
            fail_msg("to_ticks %s / %s m%d: %d vs wide %d", S(a), S(step), m, (int)u1, (int)u2);
          if (u1 == XC_OK || u2 == XC_OK) assert_true(u1 == u2 && t1 == t2);
        }
      }
    }
    /* division: 64-bit, 128/64 and 256-bit paths agree (same divisor with a wide coefficient) */
    if (b.coef != 0 && b.coef < (i128)1000000000000000000LL && b.coef > -(i128)1000000000000000000LL &&
        b.exp - 20 >= XC_DEC_EXP_MIN) {
      xc_dec wb = {b.coef * (i128)10000000000000000000ULL * 10, b.exp - 20};
      int dp = (int)(xc_test_rand(&rs) % 20);
      for (int m = 0; m <= XC_ROUND_EXACT; m++) {
        xc_dec d1, d2;
        xc_status v1 = xc_dec_div(a, b, dp, (xc_round)m, &d1), v2 = xc_dec_div(a, wb, dp, (xc_round)m, &d2);
        if (v1 != v2 && v1 != XC_ERANGE && v2 != XC_ERANGE)
          fail_msg("div %s / %s p%d m%d: %d vs %d", S(a), S(b), dp, m, (int)v1, (int)v2);
        if (v1 == XC_OK && v2 == XC_OK) assert_true(xc_dec_eq(d1, d2));
        if (v1 == XC_OK || v2 == XC_OK) assert_int_equal(v1, v2);
      }
    }
    /* fixed formatting: a tight buffer (general formatter) gives the same text as a roomy one */
    for (int fp = 0; fp <= 20; fp += 1 + (int)(xc_test_rand(&rs) % 4)) {
      xc_round fm = (xc_round)(xc_test_rand(&rs) % 7);
      char roomy[XC_DEC_STR_FIXED_MAX], tight[XC_DEC_STR_FIXED_MAX];
      int n1 = xc_dec_to_str_fixed(a, fp, fm, roomy, sizeof roomy);
      if (n1 < 0) {
        assert_int_equal(n1, XC_EINVAL);
        assert_int_equal(fm, XC_ROUND_EXACT);
        continue;
      }
      assert_int_equal(xc_dec_to_str_fixed(a, fp, fm, tight, (size_t)n1 + 1), n1);
      assert_string_equal(roomy, tight);
      assert_int_equal(xc_dec_to_str_fixed(a, fp, fm, tight, (size_t)n1), XC_ENOSPC);
      const char *dot = strchr(roomy, '.');
      assert_int_equal(dot ? (int)strlen(dot + 1) : 0, fp);
    }
    /* round agrees with fixed formatting */
    int places = (int)(xc_test_rand(&rs) % 12);
    xc_round m = (xc_round)(xc_test_rand(&rs) % 6);
    if (xc_dec_round(a, places, m, &r) == XC_OK) {
      char b2[XC_DEC_STR_FIXED_MAX];
      n = xc_dec_to_str_fixed(a, places, m, buf, sizeof buf);
      assert_true(n > 0);
      assert_true(xc_dec_to_str_fixed(r, places, XC_ROUND_EXACT, b2, sizeof b2) > 0);
      assert_string_equal(buf, b2);
    }
  }
}

/* Small values against plain int64 arithmetic. */
static void test_int64_oracle(void **state) {
  (void)state;
  uint64_t rs = 42;
  for (int it = 0; it < 20000; it++) {
    int64_t x = (int64_t)(xc_test_rand(&rs) % 2000000001) - 1000000000;
    int64_t y = (int64_t)(xc_test_rand(&rs) % 2000000001) - 1000000000;
    int ex = -(int)(xc_test_rand(&rs) % 9), ey = -(int)(xc_test_rand(&rs) % 9);
    xc_dec a, b, r;
    assert_int_equal(xc_dec_from_i64(x, ex, &a), XC_OK);
    assert_int_equal(xc_dec_from_i64(y, ey, &b), XC_OK);
    /* scale both to 1e-8 as int64 */
    int64_t p10[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
    int64_t xs = x * p10[8 + ex], ys = y * p10[8 + ey];
    assert_int_equal(xc_dec_add(a, b, &r), XC_OK);
    int64_t got;
    xc_dec s8;
    assert_int_equal(xc_dec_from_i64(1, -8, &s8), XC_OK);
    assert_int_equal(xc_dec_to_ticks(r, s8, XC_ROUND_EXACT, &got), XC_OK);
    assert_true(got == xs + ys);
    assert_int_equal(xc_dec_sub(a, b, &r), XC_OK);
    assert_int_equal(xc_dec_to_ticks(r, s8, XC_ROUND_EXACT, &got), XC_OK);
    assert_true(got == xs - ys);
    assert_int_equal(xc_dec_cmp(a, b), (xs > ys) - (xs < ys));
    /* a * b as integer product of the raw coefficients */
    assert_int_equal(xc_dec_mul(a, b, &r), XC_OK);
    xc_dec want;
    assert_int_equal(xc_dec_from_i64(x * y, ex + ey, &want), XC_OK);
    assert_true(xc_dec_eq(r, want));
    /* floor division by a small positive integer at 0 places */
    int64_t dv = 1 + (int64_t)(xc_test_rand(&rs) % 1000);
    xc_dec dd;
    assert_int_equal(xc_dec_from_i64(dv, 0, &dd), XC_OK);
    assert_int_equal(xc_dec_from_i64(x, 0, &a), XC_OK);
    assert_int_equal(xc_dec_div(a, dd, 0, XC_ROUND_DOWN, &r), XC_OK);
    int64_t fl = x / dv - ((x % dv != 0) && (x < 0));
    assert_int_equal(xc_dec_to_i64(r, XC_ROUND_EXACT, &got), XC_OK);
    assert_true(got == fl);
    assert_int_equal(xc_dec_div(a, dd, 0, XC_ROUND_TOWARD_ZERO, &r), XC_OK);
    assert_int_equal(xc_dec_to_i64(r, XC_ROUND_EXACT, &got), XC_OK);
    assert_true(got == x / dv);
  }
}


/* ---- parser differential against a naive reference ------------------------------------------- */

/* Reference parser straight from the grammar: sign? (digits (. digits?)? | . digits) ([eE] sign?
 * digits)?. Returns 0 for bad syntax, 1 with the canonical text in out and the count of
 * significant digits (trailing zeros removed) in *sig. Exponent digits are limited by the caller. */
static int ref_parse(const char *s, size_t n, char *out, int *sig) {
  size_t i = 0;
  bool neg = false;
  if (i < n && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  char mant[256];
  int nm = 0, nfrac = 0, ndig = 0;
  bool point = false;
  for (; i < n; i++) {
    if (s[i] >= '0' && s[i] <= '9') {
      mant[nm++] = s[i];
      ndig++;
      if (point) nfrac++;
    } else if (s[i] == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (ndig == 0) return 0;
  long e = 0;
  if (i < n) {
    if (s[i] != 'e' && s[i] != 'E') return 0;
    i++;
    bool en = false;
    if (i < n && (s[i] == '-' || s[i] == '+')) en = s[i++] == '-';
    if (i == n) return 0;
    for (; i < n; i++) {
      if (s[i] < '0' || s[i] > '9') return 0;
      if (e < 100000) e = e * 10 + (s[i] - '0');
    }
    if (en) e = -e;
  }
  long exp = e - nfrac;
  int st = 0;
  while (st < nm && mant[st] == '0') st++;
  int len = nm - st;
  while (len > 0 && mant[st + len - 1] == '0') {
    len--;
    exp++;
  }
  *sig = len;
  if (exp > 100 || exp < -100) return 2; /* valid, text not produced */
  char *o = out;
  if (len == 0) {
    strcpy(out, "0");
    return 1;
  }
  if (neg) *o++ = '-';
  if (exp >= 0) {
    memcpy(o, mant + st, (size_t)len);
    o += len;
    for (long k = 0; k < exp; k++) *o++ = '0';
  } else if (len > -exp) {
    memcpy(o, mant + st, (size_t)(len + exp));
    o += len + exp;
    *o++ = '.';
    memcpy(o, mant + st + len + exp, (size_t)-exp);
    o += -exp;
  } else {
    *o++ = '0';
    *o++ = '.';
    for (long k = 0; k < -exp - len; k++) *o++ = '0';
    memcpy(o, mant + st, (size_t)len);
    o += len;
  }
  *o = '\0';
  return 1;
}

static void test_parse_differential(void **state) {
  (void)state;
  uint64_t rs = 7;
  static const char junk[] = {'/', ':', ' ', 'a', 'x', '\0', (char)0xFA, (char)0xFF, (char)0xB9, ',', '\n'};
  char s[64], want[256];
  int ok = 0, bad = 0, rng = 0;
  for (int it = 0; it < 200000; it++) {
    size_t n = 0;
    uint64_t kind = xc_test_rand(&rs) % 3;
    if (kind == 0) { /* free-form over the grammar's alphabet plus junk */
      n = 1 + xc_test_rand(&rs) % 44;
      for (size_t i = 0; i < n; i++) {
        uint64_t r = xc_test_rand(&rs) % 100;
        if (r < 72) s[i] = (char)('0' + xc_test_rand(&rs) % 10);
        else if (r < 80) s[i] = '.';
        else if (r < 84) s[i] = r & 1 ? 'e' : 'E';
        else if (r < 90) s[i] = r & 1 ? '-' : '+';
        else s[i] = junk[xc_test_rand(&rs) % sizeof junk];
      }
    } else { /* structured: mostly valid, sometimes one byte replaced */
      if (xc_test_rand(&rs) % 4 == 0) s[n++] = xc_test_rand(&rs) & 1 ? '-' : '+';
      size_t ni = xc_test_rand(&rs) % 22, nf = xc_test_rand(&rs) % 22;
      for (size_t i = 0; i < ni; i++) s[n++] = (char)('0' + xc_test_rand(&rs) % 10);
      if (nf || xc_test_rand(&rs) % 8 == 0) s[n++] = '.';
      for (size_t i = 0; i < nf; i++) s[n++] = (char)('0' + (xc_test_rand(&rs) % 3 ? xc_test_rand(&rs) % 10 : 0));
      if (xc_test_rand(&rs) % 5 == 0) {
        s[n++] = 'e';
        if (xc_test_rand(&rs) & 1) s[n++] = '-';
        s[n++] = (char)('0' + xc_test_rand(&rs) % 10);
      }
      if (n == 0) s[n++] = '7';
      if (kind == 2 && xc_test_rand(&rs) % 2 == 0) s[xc_test_rand(&rs) % n] = junk[xc_test_rand(&rs) % sizeof junk];
    }
    /* keep exponent parts short so values stay in range: reject strings with >1 exponent digit */
    int sig = 0;
    int valid = ref_parse(s, n, want, &sig);
    bool longexp = false;
    for (size_t i = 0; i + 2 < n; i++)
      if ((s[i] == 'e' || s[i] == 'E') && s[i + 1] >= '0' && s[i + 1] <= '9' && s[i + 2] >= '0' && s[i + 2] <= '9')
        longexp = true;
    for (size_t i = 0; i + 3 < n; i++)
      if ((s[i] == 'e' || s[i] == 'E') && (s[i + 1] == '-' || s[i + 1] == '+') && s[i + 2] >= '0' && s[i + 2] <= '9' &&
          s[i + 3] >= '0' && s[i + 3] <= '9')
        longexp = true;
    xc_dec d;
    xc_status st = xc_dec_parse(s, n, &d);
    if (!valid) {
      if (st != XC_EPARSE) fail_msg("differential: \"%.*s\" -> %d, want EPARSE", (int)n, s, (int)st);
      bad++;
    } else if (longexp) {
      assert_true(st == XC_OK || st == XC_ERANGE);
    } else if (sig > 38) {
      if (st != XC_ERANGE) fail_msg("differential: \"%.*s\" -> %d, want ERANGE", (int)n, s, (int)st);
      rng++;
    } else {
      if (st != XC_OK) fail_msg("differential: \"%.*s\" -> %d, want %s", (int)n, s, (int)st, want);
      if (strcmp(S(d), want) != 0) fail_msg("differential: \"%.*s\" -> %s, want %s", (int)n, s, S(d), want);
      ok++;
    }
  }
  /* each class was exercised */
  assert_true(ok > 10000 && bad > 10000 && rng > 100);
}

static void test_parse_swar_edges(void **state) {
  (void)state;
  /* Non-digit bytes just outside '0'..'9' and high bytes at every position of an 8-byte window. */
  const unsigned char probes[] = {'/', ':', 0x00, 0xFA, 0xFF, 0xB0, 0x39 + 0x80, 0x30 + 0x80, '.', 'e'};
  for (size_t k = 0; k < sizeof probes; k++) {
    for (size_t pos = 0; pos < 16; pos++) {
      char s[17];
      memcpy(s, "1234567890123456", 16);
      s[pos] = (char)probes[k];
      xc_dec d;
      xc_status st = xc_dec_parse(s, 16, &d);
      if (probes[k] == '.') {
        assert_int_equal(st, XC_OK);
        char want[32];
        snprintf(want, sizeof want, "%.*s.%.*s", (int)pos, s, (int)(15 - pos), s + pos + 1);
        xc_dec w = D(want);
        assert_true(xc_dec_eq(d, w));
      } else if (probes[k] == 'e' && pos > 0 && pos < 15) {
        assert_true(st == XC_OK || st == XC_ERANGE);
      } else {
        if (st != XC_EPARSE) fail_msg("probe 0x%02x at %zu -> %d", probes[k], pos, (int)st);
      }
    }
  }
  /* digit runs of every length 1..19 in both parts hit the 64-bit path */
  for (int ni = 0; ni <= 19; ni++) {
    for (int nf = 0; ni + nf <= 19; nf++) {
      if (ni + nf == 0) continue;
      char s[48];
      int n = 0;
      for (int i = 0; i < ni; i++) s[n++] = (char)('1' + (i % 9));
      s[n++] = '.';
      for (int i = 0; i < nf; i++) s[n++] = (char)('9' - (i % 9));
      s[n] = '\0';
      xc_dec d;
      assert_int_equal(xc_dec_parse(s, (size_t)n, &d), XC_OK);
      assert_int_equal(d.exp, -nf);
      char back[XC_DEC_STR_FIXED_MAX];
      assert_true(xc_dec_to_str_fixed(d, nf, XC_ROUND_EXACT, back, sizeof back) > 0);
      if (ni == 0) assert_true(back[0] == '0' && strcmp(back + 1, s) == 0);
      else if (nf == 0) assert_true(strncmp(back, s, (size_t)ni) == 0 && back[ni] == '\0');
      else assert_string_equal(back, s);
    }
  }
}

/* Vectors generated offline by Python's decimal module. */
static const struct {
  const char *op, *a, *b;
  xc_round mode;
  int places;
  const char *want;
} ORACLE[] = {
#include "decimal_oracle.inc"
};

static void test_python_oracle(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof ORACLE / sizeof ORACLE[0]; i++) {
    xc_dec a = D(ORACLE[i].a), b = D(ORACLE[i].b), r = XC_DEC_ZERO;
    const char *op = ORACLE[i].op;
    xc_status st;
    if (strcmp(op, "add") == 0) st = xc_dec_add(a, b, &r);
    else if (strcmp(op, "sub") == 0) st = xc_dec_sub(a, b, &r);
    else if (strcmp(op, "mul") == 0) st = xc_dec_mul(a, b, &r);
    else if (strcmp(op, "div") == 0) st = xc_dec_div(a, b, ORACLE[i].places, ORACLE[i].mode, &r);
    else if (strcmp(op, "quantize") == 0) st = xc_dec_quantize(a, b, ORACLE[i].mode, &r);
    else st = xc_dec_round(a, ORACLE[i].places, ORACLE[i].mode, &r);
    const char *want = ORACLE[i].want;
    if (strcmp(want, "ERANGE") == 0 || strcmp(want, "EINVAL") == 0) {
      xc_status w = want[1] == 'R' ? XC_ERANGE : XC_EINVAL;
      if (st != w) fail_msg("#%zu %s %s %s m%d p%d -> %d, want %s", i, op, ORACLE[i].a, ORACLE[i].b,
                            (int)ORACLE[i].mode, ORACLE[i].places, (int)st, want);
      continue;
    }
    if (st != XC_OK) fail_msg("#%zu %s %s %s m%d p%d -> %d, want %s", i, op, ORACLE[i].a, ORACLE[i].b,
                              (int)ORACLE[i].mode, ORACLE[i].places, (int)st, want);
    if (strcmp(S(r), want) != 0)
      fail_msg("#%zu %s %s %s m%d p%d -> %s, want %s", i, op, ORACLE[i].a, ORACLE[i].b,
               (int)ORACLE[i].mode, ORACLE[i].places, S(r), want);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_forms),     cmocka_unit_test(test_parse_scale_and_zeros),
      cmocka_unit_test(test_parse_errors),    cmocka_unit_test(test_parse_range),
      cmocka_unit_test(test_format),          cmocka_unit_test(test_cmp),
      cmocka_unit_test(test_add_sub_mul),     cmocka_unit_test(test_rounding_modes),
      cmocka_unit_test(test_div),             cmocka_unit_test(test_quantize_ticks),
      cmocka_unit_test(test_properties),      cmocka_unit_test(test_int64_oracle),
      cmocka_unit_test(test_python_oracle),   cmocka_unit_test(test_parse_differential),
      cmocka_unit_test(test_parse_swar_edges),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
