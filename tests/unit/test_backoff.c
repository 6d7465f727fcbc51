/* Backoff: bounds over many draws, growth, reset, determinism under a seed. */
#include "testutil.h"

#include "core/backoff.h"

static void test_defaults_and_invalid(void **state) {
  (void)state;
  xc_backoff b;
  assert_int_equal(xc_backoff_init(&b, NULL), XC_OK);
  assert_int_equal(xc_backoff_attempt(&b), 0);
  xc_backoff_opts o;
  xc_backoff_opts_default(&o);
  assert_int_equal(o.base_ms, 500);
  assert_int_equal(o.cap_ms, 30000);
  o.base_ms = 0;
  assert_int_equal(xc_backoff_init(&b, &o), XC_EINVAL);
  xc_backoff_opts_default(&o);
  o.cap_ms = 100;
  assert_int_equal(xc_backoff_init(&b, &o), XC_EINVAL);
  xc_backoff_opts_default(&o);
  o.factor = 0;
  assert_int_equal(xc_backoff_init(&b, &o), XC_EINVAL);
  xc_backoff_opts_default(&o);
  o.jitter = (xc_backoff_jitter)7;
  assert_int_equal(xc_backoff_init(&b, &o), XC_EINVAL);
  assert_int_equal(xc_backoff_init(NULL, NULL), XC_EINVAL);
}

static void test_none_is_exact_geometric(void **state) {
  (void)state;
  xc_backoff_opts o;
  xc_backoff_opts_default(&o);
  o.jitter = XC_BACKOFF_NONE;
  o.base_ms = 100;
  o.cap_ms = 5000;
  xc_backoff b;
  assert_int_equal(xc_backoff_init(&b, &o), XC_OK);
  const uint64_t want[] = {100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) assert_int_equal(xc_backoff_next(&b), want[i]);
  assert_int_equal(xc_backoff_attempt(&b), 9);
  xc_backoff_reset(&b);
  assert_int_equal(xc_backoff_attempt(&b), 0);
  assert_int_equal(xc_backoff_next(&b), 100);
}

/* FULL: each delay in [base, min(cap, base*2^(n+1))]; over many sequences the mean grows with n
 * until the cap, and the extremes of the range are reached. */
static void test_full_jitter_bounds_and_growth(void **state) {
  (void)state;
  xc_backoff_opts o;
  xc_backoff_opts_default(&o);
  o.base_ms = 100;
  o.cap_ms = 10000;
  enum { SEQ = 2000, STEPS = 12 };
  double mean[STEPS] = {0};
  uint64_t minv[STEPS], maxv[STEPS];
  for (int k = 0; k < STEPS; k++) { minv[k] = UINT64_MAX; maxv[k] = 0; }
  for (int s = 0; s < SEQ; s++) {
    o.seed = 1000 + (uint64_t)s;
    xc_backoff b;
    assert_int_equal(xc_backoff_init(&b, &o), XC_OK);
    for (int k = 0; k < STEPS; k++) {
      uint64_t d = xc_backoff_next(&b);
      uint64_t ceil = xc_backoff_ceiling(&b, (uint32_t)k);
      assert_true(d >= 100);
      assert_true(d <= ceil);
      assert_true(d <= 10000);
      mean[k] += (double)d / SEQ;
      if (d < minv[k]) minv[k] = d;
      if (d > maxv[k]) maxv[k] = d;
    }
  }
  /* ceilings: 200 400 800 1600 3200 6400 10000 ... */
  assert_int_equal(maxv[0] <= 200, 1);
  for (int k = 1; k < 6; k++) {
    assert_true(mean[k] > mean[k - 1] * 1.5); /* roughly doubles while below the cap */
  }
  for (int k = 0; k < STEPS; k++) {
    double ceil = k < 6 ? 100.0 * (double)(2u << k) : 10000.0;
    double mid = (100.0 + ceil) / 2;
    assert_true(mean[k] > mid * 0.9 && mean[k] < mid * 1.1); /* uniform over the range */
    assert_true(minv[k] < 100 + (uint64_t)(ceil - 100) / 20 + 1); /* low end reached */
    assert_true(maxv[k] > (uint64_t)(ceil - (ceil - 100) / 20));  /* high end reached */
  }
}

static void test_decorrelated_bounds(void **state) {
  (void)state;
  xc_backoff_opts o;
  xc_backoff_opts_default(&o);
  o.jitter = XC_BACKOFF_DECORRELATED;
  o.base_ms = 50;
  o.cap_ms = 20000;
  uint64_t maxseen = 0;
  for (int s = 0; s < 500; s++) {
    o.seed = (uint64_t)s * 7919;
    xc_backoff b;
    assert_int_equal(xc_backoff_init(&b, &o), XC_OK);
    uint64_t prev = 50;
    for (int k = 0; k < 40; k++) {
      uint64_t d = xc_backoff_next(&b);
      assert_true(d >= 50);
      assert_true(d <= 20000);
      uint64_t hi = prev * 3 < 20000 ? prev * 3 : 20000;
      assert_true(d <= hi);
      prev = d;
      if (d > maxseen) maxseen = d;
    }
    xc_backoff_reset(&b);
    assert_true(xc_backoff_next(&b) <= 150);
  }
  assert_true(maxseen > 15000); /* reaches near the cap eventually */
}

static void test_deterministic_under_seed(void **state) {
  (void)state;
  xc_backoff_opts o;
  xc_backoff_opts_default(&o);
  o.seed = 42;
  xc_backoff a, b, c;
  assert_int_equal(xc_backoff_init(&a, &o), XC_OK);
  assert_int_equal(xc_backoff_init(&b, &o), XC_OK);
  o.seed = 43;
  assert_int_equal(xc_backoff_init(&c, &o), XC_OK);
  int differ = 0;
  for (int k = 0; k < 20; k++) {
    uint64_t x = xc_backoff_next(&a), y = xc_backoff_next(&b), z = xc_backoff_next(&c);
    assert_int_equal(x, y);
    differ += x != z;
  }
  assert_true(differ > 0);
}

static void test_huge_values_no_overflow(void **state) {
  (void)state;
  xc_backoff_opts o;
  xc_backoff_opts_default(&o);
  o.base_ms = UINT64_MAX / 4;
  o.cap_ms = UINT64_MAX;
  o.factor = 1000;
  xc_backoff b;
  assert_int_equal(xc_backoff_init(&b, &o), XC_OK);
  for (int k = 0; k < 100; k++) {
    uint64_t d = xc_backoff_next(&b);
    assert_true(d >= o.base_ms);
  }
  o.base_ms = 1;
  o.cap_ms = 1;
  assert_int_equal(xc_backoff_init(&b, &o), XC_OK);
  for (int k = 0; k < 10; k++) assert_int_equal(xc_backoff_next(&b), 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults_and_invalid),
      cmocka_unit_test(test_none_is_exact_geometric),
      cmocka_unit_test(test_full_jitter_bounds_and_growth),
      cmocka_unit_test(test_decorrelated_bounds),
      cmocka_unit_test(test_deterministic_under_seed),
      cmocka_unit_test(test_huge_values_no_overflow),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
