/* Circuit breaker driven by a synthetic clock. */
#include "testutil.h"

#include <string.h>
#include "core/breaker.h"

#define MAXEV 64
static xc_breaker_event g_ev[MAXEV];
static int g_nev;

static void on_change(xc_breaker *b, const xc_breaker_event *ev, void *user) {
  (void)b;
  assert_ptr_equal(user, &g_nev);
  if (g_nev < MAXEV) g_ev[g_nev] = *ev;
  g_nev++;
}

static void setup_opts(xc_breaker_opts *o) {
  xc_breaker_opts_default(o);
  o->on_change = on_change;
  o->user = &g_nev;
  g_nev = 0;
  memset(g_ev, 0, sizeof g_ev);
}

static void test_classify(void **state) {
  (void)state;
  assert_int_equal(xc_breaker_classify(XC_OK), XC_BREAKER_SUCCESS);
  const xc_status fails[] = {XC_ETIMEDOUT, XC_ECONN, XC_ECLOSED, XC_ETLS, XC_EDNS, XC_EHTTP,
                             XC_EIO, XC_EUNKNOWN_OUTCOME, XC_EUNAVAIL, XC_EPROTO, XC_EPARSE};
  for (size_t i = 0; i < sizeof fails / sizeof fails[0]; i++)
    assert_int_equal(xc_breaker_classify(fails[i]), XC_BREAKER_FAILURE);
  const xc_status oks[] = {XC_EREJECTED, XC_EINSUFFICIENT, XC_EUNKNOWN_ORDER, XC_EAUTH, XC_ETIMESTAMP};
  for (size_t i = 0; i < sizeof oks / sizeof oks[0]; i++)
    assert_int_equal(xc_breaker_classify(oks[i]), XC_BREAKER_SUCCESS);
  const xc_status ign[] = {XC_ERATELIMIT, XC_EBANNED, XC_EWOULDLIMIT, XC_EBREAKER, XC_ECANCELED,
                           XC_ENOMEM, XC_EMISUSE, XC_EINTERNAL, XC_ESEQGAP, XC_EINVAL, XC_EFILTER};
  for (size_t i = 0; i < sizeof ign / sizeof ign[0]; i++)
    assert_int_equal(xc_breaker_classify(ign[i]), XC_BREAKER_IGNORE);
  assert_string_equal(xc_breaker_state_name(XC_BREAKER_HALF_OPEN), "half_open");
  assert_string_equal(xc_breaker_reason_name(XC_BREAKER_R_FAILURE_RATE), "failure_rate");
}

static void test_invalid_opts(void **state) {
  (void)state;
  xc_breaker b;
  xc_breaker_opts o;
  xc_breaker_opts_default(&o);
  o.consecutive_failures = 0;
  o.window_ms = 0;
  assert_int_equal(xc_breaker_init(&b, &o), XC_EINVAL);
  xc_breaker_opts_default(&o);
  o.failure_rate_pct = 101;
  assert_int_equal(xc_breaker_init(&b, &o), XC_EINVAL);
  xc_breaker_opts_default(&o);
  o.half_open_probes = 0;
  assert_int_equal(xc_breaker_init(&b, &o), XC_EINVAL);
  xc_breaker *p = (xc_breaker *)1;
  assert_int_equal(xc_breaker_new(&o, &p), XC_EINVAL);
  assert_null(p);
  xc_breaker_free(NULL);
}

/* The full cycle: consecutive trip, fail fast, half-open probe fails (timeout doubles), probe
 * succeeds, closed. */
static void test_consecutive_cycle(void **state) {
  (void)state;
  xc_breaker_opts o;
  setup_opts(&o);
  o.consecutive_failures = 3;
  o.window_ms = 0;
  o.open_timeout_ms = 1000;
  o.open_timeout_max_ms = 3000;
  xc_breaker *b;
  assert_int_equal(xc_breaker_new(&o, &b), XC_OK);
  uint64_t t = 10000;
  /* successes and rejections interleaved with failures never make a run of 3 */
  for (int i = 0; i < 20; i++) {
    assert_int_equal(xc_breaker_allow(b, t), XC_OK);
    xc_breaker_record(b, t, XC_ETIMEDOUT);
    xc_breaker_record(b, t, XC_EHTTP);
    xc_breaker_record(b, t, XC_ERATELIMIT); /* ignored: does not break or extend the run */
    xc_breaker_record(b, t, i % 2 ? XC_OK : XC_EREJECTED);
    t += 10;
  }
  assert_int_equal(xc_breaker_state_get(b), XC_BREAKER_CLOSED);
  assert_int_equal(g_nev, 0);
  xc_breaker_record(b, t, XC_ECONN);
  xc_breaker_record(b, t, XC_ECONN);
  assert_int_equal(xc_breaker_state_get(b), XC_BREAKER_CLOSED);
  xc_breaker_record(b, t, XC_EUNKNOWN_OUTCOME);
  assert_int_equal(xc_breaker_state_get(b), XC_BREAKER_OPEN);
  assert_int_equal(g_nev, 1);
  assert_int_equal(g_ev[0].from, XC_BREAKER_CLOSED);
  assert_int_equal(g_ev[0].to, XC_BREAKER_OPEN);
  assert_int_equal(g_ev[0].reason, XC_BREAKER_R_CONSECUTIVE);
  assert_int_equal(g_ev[0].consecutive_failures, 3);
  assert_int_equal(g_ev[0].open_until_ms, t + 1000);
  assert_int_equal(g_ev[0].last_failure, XC_EUNKNOWN_OUTCOME);

  /* fail fast for the whole open timeout */
  for (uint64_t k = 0; k < 1000; k += 100) assert_int_equal(xc_breaker_allow(b, t + k), XC_EBREAKER);
  assert_int_equal(xc_breaker_allow(b, t + 999), XC_EBREAKER);
  /* late outcome of a request admitted earlier changes nothing */
  xc_breaker_record(b, t + 999, XC_OK);
  assert_int_equal(xc_breaker_state_get(b), XC_BREAKER_OPEN);
  /* half-open at t+1000: one probe, the second is refused */
  assert_int_equal(xc_breaker_allow(b, t + 1000), XC_OK);
  assert_int_equal(xc_breaker_state_get(b), XC_BREAKER_HALF_OPEN);
  assert_int_equal(g_ev[1].reason, XC_BREAKER_R_TIMEOUT);
  assert_int_equal(xc_breaker_allow(b, t + 1001), XC_EBREAKER);
  /* probe fails: open again with a doubled timeout */
  xc_breaker_record(b, t + 1100, XC_ETIMEDOUT);
  assert_int_equal(xc_breaker_state_get(b), XC_BREAKER_OPEN);
  assert_int_equal(g_ev[2].reason, XC_BREAKER_R_PROBE_FAILURE);
  assert_int_equal(g_ev[2].open_until_ms, t + 1100 + 2000);
  assert_int_equal(xc_breaker_poll(b, t + 3099), XC_BREAKER_OPEN);
  assert_int_equal(xc_breaker_poll(b, t + 3100), XC_BREAKER_HALF_OPEN);
  /* a probe reserved but never sent can be given back */
  assert_int_equal(xc_breaker_allow(b, t + 3100), XC_OK);
  xc_breaker_release(b);
  assert_int_equal(xc_breaker_allow(b, t + 3101), XC_OK);
  /* fail again: 4000 capped to 3000 */
  xc_breaker_record(b, t + 3200, XC_EUNAVAIL);
  assert_int_equal(g_ev[4].open_until_ms, t + 3200 + 3000);
  assert_int_equal(xc_breaker_allow(b, t + 6200), XC_OK);
  xc_breaker_record(b, t + 6250, XC_OK);
  assert_int_equal(xc_breaker_state_get(b), XC_BREAKER_CLOSED);
  assert_int_equal(g_ev[6].reason, XC_BREAKER_R_PROBE_SUCCESS);
  assert_int_equal(g_nev, 7);

  xc_breaker_stats st;
  xc_breaker_stats_get(b, t + 6250, &st);
  assert_int_equal(st.state, XC_BREAKER_CLOSED);
  assert_int_equal(st.consecutive_failures, 0);
  assert_int_equal(st.trips, 3);
  assert_int_equal(st.current_open_timeout_ms, 1000); /* reset on close */
  assert_true(st.total_rejected_fast >= 12);
  assert_int_equal(st.total_failures, 40 + 3 + 2);
  assert_int_equal(st.total_ignored, 20);
  assert_int_equal(st.last_failure, XC_EUNAVAIL);
  /* the next trip uses the base timeout again */
  for (int i = 0; i < 3; i++) xc_breaker_record(b, t + 7000, XC_ECLOSED);
  assert_int_equal(g_ev[7].open_until_ms, t + 8000);
  xc_breaker_free(b);
}

/* Failure rate over the window with min samples, and the window forgetting old outcomes. */
static void test_failure_rate(void **state) {
  (void)state;
  xc_breaker_opts o;
  setup_opts(&o);
  o.consecutive_failures = 0; /* only the rate */
  o.window_ms = 10000;
  o.min_samples = 10;
  o.failure_rate_pct = 50;
  xc_breaker b;
  assert_int_equal(xc_breaker_init(&b, &o), XC_OK);
  uint64_t t = 1000000;
  /* 4 failures, 4 successes: 50% but only 8 samples: stays closed */
  for (int i = 0; i < 4; i++) {
    xc_breaker_record(&b, t, XC_ETIMEDOUT);
    xc_breaker_record(&b, t, XC_OK);
  }
  assert_int_equal(xc_breaker_state_get(&b), XC_BREAKER_CLOSED);
  xc_breaker_stats st;
  xc_breaker_stats_get(&b, t, &st);
  assert_int_equal(st.window_total, 8);
  assert_int_equal(st.window_failures, 4);
  /* the window forgets: 11 s later those 8 are gone */
  t += 11000;
  xc_breaker_stats_get(&b, t, &st);
  assert_int_equal(st.window_total, 0);
  /* 6 successes and 3 failures (33%) then a 10th outcome: success keeps it closed */
  for (int i = 0; i < 6; i++) xc_breaker_record(&b, t, XC_OK);
  for (int i = 0; i < 3; i++) xc_breaker_record(&b, t + 100, XC_ECONN);
  xc_breaker_record(&b, t + 200, XC_EREJECTED);
  assert_int_equal(xc_breaker_state_get(&b), XC_BREAKER_CLOSED);
  /* failures 4,5,6 out of 13: 46% closed; 7 of 14 = 50%: trips */
  xc_breaker_record(&b, t + 300, XC_ECONN);
  xc_breaker_record(&b, t + 300, XC_ECONN);
  xc_breaker_record(&b, t + 300, XC_ECONN);
  assert_int_equal(xc_breaker_state_get(&b), XC_BREAKER_CLOSED);
  xc_breaker_record(&b, t + 400, XC_ETLS);
  assert_int_equal(xc_breaker_state_get(&b), XC_BREAKER_OPEN);
  assert_int_equal(g_nev, 1);
  assert_int_equal(g_ev[0].reason, XC_BREAKER_R_FAILURE_RATE);
  assert_int_equal(g_ev[0].window_failures, 7);
  assert_int_equal(g_ev[0].window_total, 14);
}

/* Several probes and several successes needed to close. */
static void test_multi_probe(void **state) {
  (void)state;
  xc_breaker_opts o;
  setup_opts(&o);
  o.consecutive_failures = 2;
  o.half_open_probes = 3;
  o.close_after_successes = 3;
  o.open_timeout_ms = 500;
  xc_breaker b;
  assert_int_equal(xc_breaker_init(&b, &o), XC_OK);
  xc_breaker_record(&b, 0, XC_EHTTP);
  xc_breaker_record(&b, 1, XC_EHTTP);
  assert_int_equal(xc_breaker_state_get(&b), XC_BREAKER_OPEN);
  assert_int_equal(xc_breaker_allow(&b, 501), XC_OK);
  assert_int_equal(xc_breaker_allow(&b, 501), XC_OK);
  assert_int_equal(xc_breaker_allow(&b, 501), XC_OK);
  assert_int_equal(xc_breaker_allow(&b, 501), XC_EBREAKER);
  xc_breaker_record(&b, 510, XC_OK);
  xc_breaker_record(&b, 511, XC_OK);
  assert_int_equal(xc_breaker_state_get(&b), XC_BREAKER_HALF_OPEN);
  assert_int_equal(xc_breaker_allow(&b, 512), XC_OK); /* a slot freed by a finished probe */
  xc_breaker_record(&b, 513, XC_OK);
  assert_int_equal(xc_breaker_state_get(&b), XC_BREAKER_CLOSED);
  /* time going backwards is clamped, not trusted */
  assert_int_equal(xc_breaker_allow(&b, 5), XC_OK);
}

static void test_forced(void **state) {
  (void)state;
  xc_breaker_opts o;
  setup_opts(&o);
  xc_breaker b;
  assert_int_equal(xc_breaker_init(&b, &o), XC_OK);
  xc_breaker_trip(&b, 100);
  assert_int_equal(xc_breaker_allow(&b, 200), XC_EBREAKER);
  assert_int_equal(g_ev[0].reason, XC_BREAKER_R_FORCED);
  xc_breaker_trip(&b, 4000); /* extends the open period */
  assert_int_equal(xc_breaker_allow(&b, 5200), XC_EBREAKER);
  assert_int_equal(xc_breaker_allow(&b, 9000), XC_OK);
  xc_breaker_reset(&b, 9001);
  assert_int_equal(xc_breaker_state_get(&b), XC_BREAKER_CLOSED);
  assert_int_equal(g_ev[g_nev - 1].reason, XC_BREAKER_R_FORCED);
  xc_breaker_record(&b, 9002, XC_ECONN);
  xc_breaker_reset(&b, 9003); /* closed reset clears the counters */
  xc_breaker_stats st;
  xc_breaker_stats_get(&b, 9003, &st);
  assert_int_equal(st.consecutive_failures, 0);
  assert_int_equal(st.window_total, 0);
}

/* A request in flight when the breaker tripped times out after it went half-open: with its start
 * time known, that stale failure neither re-opens the breaker nor uses up the probe; the same
 * outcome through plain xc_breaker_record would have re-opened it. */
static void test_stale_outcomes(void **state) {
  (void)state;
  xc_breaker_opts o;
  setup_opts(&o);
  o.consecutive_failures = 2;
  o.open_timeout_ms = 1000;
  xc_breaker b;
  assert_int_equal(xc_breaker_init(&b, &o), XC_OK);
  assert_int_equal(xc_breaker_allow(&b, 100), XC_OK); /* the slow request, started at 100 */
  xc_breaker_record_started(&b, 200, 150, XC_ECONN);
  xc_breaker_record_started(&b, 210, 160, XC_ECONN);
  assert_int_equal(xc_breaker_state_get(&b), XC_BREAKER_OPEN); /* entered at 210 */
  assert_int_equal(xc_breaker_allow(&b, 1210), XC_OK);          /* half-open at 1210: the probe */
  xc_breaker_record_started(&b, 1500, 100, XC_ETIMEDOUT);       /* the slow request times out */
  assert_int_equal(xc_breaker_state_get(&b), XC_BREAKER_HALF_OPEN);
  xc_breaker_stats st;
  xc_breaker_stats_get(&b, 1500, &st);
  assert_int_equal(st.probes_in_flight, 1);
  assert_int_equal(st.total_failures, 3);
  xc_breaker_record_started(&b, 1600, 1210, XC_OK); /* the probe succeeds */
  assert_int_equal(xc_breaker_state_get(&b), XC_BREAKER_CLOSED);
  /* in the new closed period, stale outcomes from before it do not count toward a trip */
  xc_breaker_record_started(&b, 1700, 1000, XC_ETIMEDOUT);
  xc_breaker_record_started(&b, 1700, 1100, XC_ETIMEDOUT);
  assert_int_equal(xc_breaker_state_get(&b), XC_BREAKER_CLOSED);
  xc_breaker_stats_get(&b, 1700, &st);
  assert_int_equal(st.consecutive_failures, 0);
  /* fresh ones do */
  xc_breaker_record_started(&b, 1800, 1650, XC_ETIMEDOUT);
  xc_breaker_record_started(&b, 1800, 1660, XC_ETIMEDOUT);
  assert_int_equal(xc_breaker_state_get(&b), XC_BREAKER_OPEN);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_classify),        cmocka_unit_test(test_invalid_opts),
      cmocka_unit_test(test_consecutive_cycle), cmocka_unit_test(test_failure_rate),
      cmocka_unit_test(test_multi_probe),     cmocka_unit_test(test_forced),
      cmocka_unit_test(test_stale_outcomes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
