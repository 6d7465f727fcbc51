/* Clock sync: offsets of +-5 s, jittery and asymmetric RTTs, outliers, clock steps, refresh policy,
 * request timestamps that never run ahead of the server. */
#include "testutil.h"

#include "core/clocksync.h"

#define L0 1700000000000LL

/* A simulated exchange whose clock is local + D. One exchange of a time request at local time t
 * with one-way delays d1 (out) and d2 (back). */
static void exchange(xc_clocksync *cs, int64_t t, int64_t D, int64_t d1, int64_t d2, xc_clocksync_verdict *v,
                     xc_status want) {
  int64_t server = t + d1 + D;
  assert_int_equal(xc_clocksync_add_sample(cs, t, server, t + d1 + d2, v), want);
}

static void test_opts(void **state) {
  (void)state;
  xc_clocksync cs;
  xc_clocksync_opts o;
  assert_int_equal(xc_clocksync_init(&cs, NULL), XC_OK);
  xc_clocksync_opts_default(&o);
  o.best = 9;
  assert_int_equal(xc_clocksync_init(&cs, &o), XC_EINVAL);
  xc_clocksync_opts_default(&o);
  o.samples = 33;
  assert_int_equal(xc_clocksync_init(&cs, &o), XC_EINVAL);
  xc_clocksync_opts_default(&o);
  o.shift_confirm = 0;
  assert_int_equal(xc_clocksync_init(&cs, &o), XC_EINVAL);
  assert_int_equal(xc_clocksync_init(&cs, NULL), XC_OK);
  int64_t off;
  assert_int_equal(xc_clocksync_offset(&cs, &off, NULL), XC_ENOTFOUND);
  /* no estimate: local time (minus the bias) */
  assert_int_equal(xc_clocksync_timestamp(&cs, L0), L0);
  assert_int_equal(xc_clocksync_server_now(&cs, L0), L0);
  assert_true(xc_clocksync_needs_refresh(&cs, L0));
  assert_int_equal(xc_clocksync_add_sample(&cs, L0, L0, L0 - 1, NULL), XC_EINVAL);
  assert_int_equal(xc_clocksync_add_sample(&cs, L0, L0, L0 + 3001, NULL), XC_ERANGE);
  xc_clocksync_stats st;
  xc_clocksync_stats_get(&cs, &st);
  assert_int_equal(st.refused, 1);
  assert_false(st.have);
}

/* The midpoint rule, exactly: symmetric delays give the exact offset. */
static void test_midpoint(void **state) {
  (void)state;
  xc_clocksync cs;
  assert_int_equal(xc_clocksync_init(&cs, NULL), XC_OK);
  exchange(&cs, L0, 5000, 40, 40, NULL, XC_OK);
  int64_t off, unc;
  assert_int_equal(xc_clocksync_offset(&cs, &off, &unc), XC_OK);
  assert_int_equal(off, 5000);
  assert_int_equal(unc, 41);
  /* very asymmetric (all the delay on the way back): off by rtt/2, within the bound */
  assert_int_equal(xc_clocksync_init(&cs, NULL), XC_OK);
  exchange(&cs, L0, -5000, 0, 300, NULL, XC_OK);
  assert_int_equal(xc_clocksync_offset(&cs, &off, &unc), XC_OK);
  assert_int_equal(off, -5000 - 150);
  assert_true(unc >= 150);
}

/* +-5 s offsets with jittery, asymmetric RTTs: the estimate is within its stated uncertainty, that
 * uncertainty is small (the lowest RTTs win), and a request timestamp is never ahead of the server. */
static void test_jitter_property(void **state) {
  (void)state;
  uint64_t seed = 2024;
  const int64_t offsets[] = {5000, -5000, 0, 4999, -4321, 37};
  for (size_t k = 0; k < sizeof offsets / sizeof offsets[0]; k++) {
    int64_t D = offsets[k];
    for (int run = 0; run < 50; run++) {
      xc_clocksync cs;
      assert_int_equal(xc_clocksync_init(&cs, NULL), XC_OK);
      int64_t t = L0 + run * 1000000;
      int64_t last8[8];
      for (int i = 0; i < 20; i++) {
        /* base latency 2-20 ms each way, plus occasional 100-900 ms stalls in one direction */
        int64_t d1 = 2 + (int64_t)(xc_test_rand(&seed) % 19);
        int64_t d2 = 2 + (int64_t)(xc_test_rand(&seed) % 19);
        if (xc_test_rand(&seed) % 4 == 0) d1 += 100 + (int64_t)(xc_test_rand(&seed) % 800);
        if (xc_test_rand(&seed) % 4 == 0) d2 += 100 + (int64_t)(xc_test_rand(&seed) % 800);
        xc_clocksync_verdict v;
        exchange(&cs, t, D, d1, d2, &v, XC_OK);
        assert_int_equal(v, XC_CLOCKSYNC_ACCEPTED); /* no sample is inconsistent */
        last8[i % 8] = d1 + d2;
        t += 1000 + (int64_t)(xc_test_rand(&seed) % 5000);
        int64_t off, unc;
        assert_int_equal(xc_clocksync_offset(&cs, &off, &unc), XC_OK);
        assert_true(off - unc <= D && D <= off + unc);
        /* a stamp made at any local time is not ahead of the server's clock */
        for (int64_t dt = 0; dt < 3; dt++) {
          int64_t now = t + dt * 777;
          assert_true(xc_clocksync_timestamp(&cs, now) <= now + D);
          assert_true(xc_clocksync_timestamp(&cs, now) > now + D - 1000); /* and not far behind */
        }
      }
      int64_t off, unc;
      assert_int_equal(xc_clocksync_offset(&cs, &off, &unc), XC_OK);
      /* the uncertainty is that of the third-fastest of the last eight samples */
      int64_t r[8];
      for (int i = 0; i < 8; i++) r[i] = last8[i];
      for (int i = 0; i < 8; i++)
        for (int j = i + 1; j < 8; j++)
          if (r[j] < r[i]) { int64_t x = r[i]; r[i] = r[j]; r[j] = x; }
      assert_int_equal(unc, (r[2] + 1) / 2 + 1);
      assert_true(off - D <= r[2] / 2 + 1 && D - off <= r[2] / 2 + 1);
    }
  }
}

/* Single outliers (a bad server stamp, a proxy answering from cache) are rejected; the estimate
 * does not move. */
static void test_outliers(void **state) {
  (void)state;
  xc_clocksync cs;
  assert_int_equal(xc_clocksync_init(&cs, NULL), XC_OK);
  int64_t t = L0;
  for (int i = 0; i < 5; i++, t += 2000) exchange(&cs, t, 5000, 10, 10, NULL, XC_OK);
  xc_clocksync_verdict v;
  /* server clock 3 s off for one sample */
  assert_int_equal(xc_clocksync_add_sample(&cs, t, t + 10 + 8000, t + 20, &v), XC_OK);
  assert_int_equal(v, XC_CLOCKSYNC_OUTLIER);
  t += 2000;
  /* two more, disagreeing with each other: never confirmed */
  assert_int_equal(xc_clocksync_add_sample(&cs, t, t + 10 + 1000, t + 20, &v), XC_OK);
  assert_int_equal(v, XC_CLOCKSYNC_OUTLIER);
  t += 2000;
  assert_int_equal(xc_clocksync_add_sample(&cs, t, t + 10 + 9000, t + 20, &v), XC_OK);
  assert_int_equal(v, XC_CLOCKSYNC_OUTLIER);
  t += 2000;
  int64_t off, unc;
  assert_int_equal(xc_clocksync_offset(&cs, &off, &unc), XC_OK);
  assert_int_equal(off, 5000);
  /* a good sample in between clears the held outliers */
  exchange(&cs, t, 5000, 10, 10, &v, XC_OK);
  assert_int_equal(v, XC_CLOCKSYNC_ACCEPTED);
  xc_clocksync_stats st;
  xc_clocksync_stats_get(&cs, &st);
  assert_int_equal(st.outliers, 3);
  assert_int_equal(st.shifts, 0);
  assert_int_equal(st.accepted, 6);
}

/* The local clock steps by -5 s (NTP): after three agreeing samples the estimate follows. */
static void test_clock_step(void **state) {
  (void)state;
  xc_clocksync cs;
  assert_int_equal(xc_clocksync_init(&cs, NULL), XC_OK);
  int64_t t = L0;
  for (int i = 0; i < 8; i++, t += 1000) exchange(&cs, t, 200, 5, 7, NULL, XC_OK);
  xc_clocksync_verdict v;
  exchange(&cs, t, 5200, 6, 30, &v, XC_OK);
  assert_int_equal(v, XC_CLOCKSYNC_OUTLIER);
  exchange(&cs, t + 1000, 5200, 9, 9, &v, XC_OK);
  assert_int_equal(v, XC_CLOCKSYNC_OUTLIER);
  exchange(&cs, t + 2000, 5200, 4, 12, &v, XC_OK);
  assert_int_equal(v, XC_CLOCKSYNC_SHIFTED);
  int64_t off, unc;
  assert_int_equal(xc_clocksync_offset(&cs, &off, &unc), XC_OK);
  assert_true(off - unc <= 5200 && 5200 <= off + unc);
  exchange(&cs, t + 3000, 5200, 5, 5, &v, XC_OK);
  assert_int_equal(v, XC_CLOCKSYNC_ACCEPTED);
}

/* Refresh every refresh_ms, at once after a timestamp error, and the next sample is trusted even
 * if it contradicts the old estimate. */
static void test_refresh_policy(void **state) {
  (void)state;
  xc_clocksync_opts o;
  xc_clocksync_opts_default(&o);
  o.refresh_ms = 30000;
  o.bias_ms = 100;
  xc_clocksync cs;
  assert_int_equal(xc_clocksync_init(&cs, &o), XC_OK);
  int64_t t = L0;
  assert_true(xc_clocksync_needs_refresh(&cs, t));
  exchange(&cs, t, -3000, 10, 10, NULL, XC_OK);
  assert_true(xc_clocksync_needs_refresh(&cs, t + 20)); /* fewer than min_samples */
  exchange(&cs, t + 100, -3000, 10, 10, NULL, XC_OK);
  exchange(&cs, t + 200, -3000, 10, 10, NULL, XC_OK);
  int64_t last = t + 220;
  assert_false(xc_clocksync_needs_refresh(&cs, last));
  assert_false(xc_clocksync_needs_refresh(&cs, last + 29999));
  assert_true(xc_clocksync_needs_refresh(&cs, last + 30000));
  /* bias: the stamp is offset - uncertainty - bias */
  int64_t off, unc;
  assert_int_equal(xc_clocksync_offset(&cs, &off, &unc), XC_OK);
  assert_int_equal(off, -3000);
  assert_int_equal(xc_clocksync_timestamp(&cs, L0 + 500), L0 + 500 - 3000 - unc - 100);
  assert_int_equal(xc_clocksync_server_now(&cs, L0 + 500), L0 + 500 - 3000);
  /* the venue says our stamp was wrong (-1021 / 10002) */
  xc_clocksync_on_timestamp_error(&cs);
  assert_true(xc_clocksync_needs_refresh(&cs, last + 1));
  xc_clocksync_verdict v;
  exchange(&cs, last + 500, 2000, 10, 10, &v, XC_OK); /* would be an outlier otherwise */
  assert_int_equal(v, XC_CLOCKSYNC_ACCEPTED);
  assert_int_equal(xc_clocksync_offset(&cs, &off, &unc), XC_OK);
  assert_int_equal(off, 2000);
  assert_true(xc_clocksync_needs_refresh(&cs, last + 600)); /* wants min_samples again */
  exchange(&cs, last + 700, 2000, 10, 10, NULL, XC_OK);
  exchange(&cs, last + 900, 2000, 10, 10, NULL, XC_OK);
  assert_false(xc_clocksync_needs_refresh(&cs, last + 1000));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_opts),     cmocka_unit_test(test_midpoint),
      cmocka_unit_test(test_jitter_property), cmocka_unit_test(test_outliers),
      cmocka_unit_test(test_clock_step), cmocka_unit_test(test_refresh_policy),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
