/* Book snapshots within the rate-limit budget, through the client, against the embedded simulator
 * (which enforces Binance's request weights and answers 429, then 418, when they are exceeded).
 * The simulator is set to a small budget with a short window (admin rate_limit pct + window_s);
 * it announces it in exchangeInfo's rateLimits and the X-MBX-USED-WEIGHT-<n>S header, and the
 * client's limiter takes it from there.
 *   - wait mode (default): USD-M books rebuilt over and over need more snapshots (weight 20 each)
 *     than one window admits (48): they wait for budget, every rebuild completes, the simulator
 *     refuses nothing, and the whole run takes at least the windows the weight needs;
 *   - fail fast: a snapshot that does not fit now is not sent; the user gets an XC_EV_ERROR with
 *     XC_EWOULDLIMIT that says which request and why; the book still rebuilds once budget frees;
 *   - a snapshot heavier than the whole window (spot, weight 250 > 60) is never sent: a clear
 *     error event, the book stays SYNCING, the simulator sees no request. */
#include "md_harness.h"
#include "tscale.h"

#define NSYM 2

typedef struct rl_rec {
  pthread_mutex_t mu;
  const char *syms[NSYM];
  int live[NSYM];       /* LIVE(synced) events per symbol */
  int gaps[NSYM];       /* RESYNCING(gap) events per symbol */
  int errors;
  xc_status err_status[16];
  char err_what[16][512];
} rl_rec;

static int sym_index(rl_rec *r, const char *s) {
  for (int i = 0; i < NSYM; i++)
    if (r->syms[i] && !strcmp(r->syms[i], s)) return i;
  return -1;
}

static void on_event(xc_client *c, const xc_event *ev, void *user) {
  (void)c;
  rl_rec *r = user;
  pthread_mutex_lock(&r->mu);
  int i = sym_index(r, ev->symbol);
  if (ev->type == XC_EV_BOOK_STATE && i >= 0) {
    if (ev->u.book.state == XC_BOOK_LIVE && ev->u.book.reason == XC_BOOK_R_SYNCED) r->live[i]++;
    if (ev->u.book.state == XC_BOOK_RESYNCING && ev->u.book.reason == XC_BOOK_R_GAP) r->gaps[i]++;
  } else if (ev->type == XC_EV_ERROR) {
    if (r->errors < 16) {
      r->err_status[r->errors] = ev->u.error.status;
      snprintf(r->err_what[r->errors], sizeof r->err_what[0], "%s", ev->u.error.what);
    }
    r->errors++;
  }
  pthread_mutex_unlock(&r->mu);
}

static xc_client *client_new(xc_sim *sim, rl_rec *r, bool fail_fast) {
  xc_client_opts o;
  xc_client_opts_default(&o);
  o.endpoints_json = xc_sim_endpoints_json(sim);
  o.on_event = on_event;
  o.user = r;
  o.rate_limit_fail_fast = fail_fast;
  o.book_stale_ms = 0; /* waiting books must not be taken for stale ones */
  o.reconnect_min_ms = 50;
  xc_client *c = NULL;
  assert_int_equal(xc_client_new(&o, &c), XC_OK);
  return c;
}

static void sub_book(xc_client *c, const char *sym) {
  xc_sub_opts so;
  xc_sub_opts_default(&so);
  so.venue = XC_VENUE_BINANCE;
  so.symbol = sym;
  uint64_t id;
  assert_int_equal(xc_subscribe(c, &so, &id), XC_OK);
}

static int64_t sim_limited(xc_sim *sim) {
  char *out = NULL;
  assert_int_equal(xc_sim_admin(sim, "stats", NULL, &out), XC_OK);
  const char *p = strstr(out, "\"http_limited\":");
  assert_non_null(p);
  int64_t n = strtoll(p + 15, NULL, 10);
  xc_sim_str_free(out);
  return n;
}

static void budget(xc_sim *sim, int pct, int window_s) {
  char args[64];
  snprintf(args, sizeof args, "{\"pct\":%d,\"window_s\":%d}", pct, window_s);
  assert_int_equal(xc_sim_admin(sim, "rate_limit", args, NULL), XC_OK);
}

/* Every symbol has at least want[i] LIVE(synced) events. */
static bool all_live(rl_rec *r, const int *want) {
  pthread_mutex_lock(&r->mu);
  bool ok = true;
  for (int i = 0; i < NSYM; i++) ok &= r->live[i] >= want[i];
  pthread_mutex_unlock(&r->mu);
  return ok;
}

static void dump(rl_rec *r) {
  pthread_mutex_lock(&r->mu);
  for (int i = 0; i < NSYM; i++) fprintf(stderr, "  %s: live %d gaps %d\n", r->syms[i], r->live[i], r->gaps[i]);
  for (int i = 0; i < r->errors && i < 16; i++)
    fprintf(stderr, "  error %s: %s\n", xc_status_name(r->err_status[i]), r->err_what[i]);
  pthread_mutex_unlock(&r->mu);
}

static void expect_equal(xc_client *c, xc_sim *sim, const char *vsym, const char *usym) {
  char why[128];
  if (!h_book_matches(c, sim, XC_SIM_LINEAR, vsym, usym, xc_test_ms(4000), why, sizeof why))
    fail_msg("%s: local book differs from the true book: %s", usym, why);
}

/* One gap on every symbol, then wait until each book is LIVE again. */
static void gap_round(xc_client *c, xc_sim *sim, rl_rec *r, int *want, int ms) {
  (void)c;
  assert_int_equal(xc_sim_fault_book_gap(sim, XC_SIM_BINANCE, "BTCUSDT", 1), XC_OK);
  assert_int_equal(xc_sim_fault_book_gap(sim, XC_SIM_BINANCE, "ETHUSDT", 1), XC_OK);
  for (int i = 0; i < NSYM; i++) want[i]++;
  uint64_t end = xc_test_now_ns() + (uint64_t)xc_test_ms(ms) * 1000000ull;
  while (!all_live(r, want) && xc_test_now_ns() < end) h_sleep_ms(10);
  if (!all_live(r, want)) {
    dump(r);
    fail_msg("books did not rebuild after a gap");
  }
}

static void test_snapshots_wait_for_budget(void **st) {
  (void)st;
  xc_sim *sim = h_sim_new(37, false);
  budget(sim, 2, 2); /* USD-M: 48 weight per 2 s window; a 1000-level snapshot weighs 20 */
  rl_rec r = {.syms = {"BTC/USDT:USDT", "ETH/USDT:USDT"}};
  pthread_mutex_init(&r.mu, NULL);
  xc_client *c = client_new(sim, &r, false);
  xc_instrument in; /* exchangeInfo first: the limiter learns the 2 s window and its 48 */
  assert_int_equal(xc_instrument_get(c, XC_VENUE_BINANCE, "BTC/USDT:USDT", &in), XC_OK);
  uint64_t t0 = xc_test_now_ns();
  sub_book(c, "BTC/USDT:USDT");
  sub_book(c, "ETH/USDT:USDT");
  int want[NSYM] = {1, 1};
  XC_WAIT_UNTIL(all_live(&r, want), 10000);
  if (!all_live(&r, want)) {
    dump(&r);
    fail_msg("books did not go LIVE");
  }
  /* 3 rounds of 2 rebuilds: 8 snapshots in all, at most 2 per window */
  for (int round = 0; round < 3; round++) gap_round(c, sim, &r, want, 15000);
  uint64_t took_ms = (xc_test_now_ns() - t0) / 1000000u;
  expect_equal(c, sim, "BTCUSDT", "BTC/USDT:USDT");
  expect_equal(c, sim, "ETHUSDT", "ETH/USDT:USDT");
  pthread_mutex_lock(&r.mu);
  int errors = r.errors;
  pthread_mutex_unlock(&r.mu);
  if (errors) {
    dump(&r);
    fail_msg("%d error events (a snapshot failed or was refused)", errors);
  }
  /* the venue refused nothing: every request was paced by the client */
  assert_int_equal(sim_limited(sim), 0);
  /* 8 snapshots of 20 in 48-weight windows touch at least 4 windows of 2 s: the later ones
   * waited (a lower bound, exact whatever the load) */
  if (took_ms < 4000) fail_msg("8 snapshots in %llu ms: they did not wait for budget", (unsigned long long)took_ms);
  xc_client_free(c);
  xc_sim_free(sim);
}

static bool has_error(rl_rec *r, xc_status st) {
  pthread_mutex_lock(&r->mu);
  bool hit = false;
  for (int i = 0; i < r->errors && i < 16; i++) hit |= r->err_status[i] == st;
  pthread_mutex_unlock(&r->mu);
  return hit;
}

static void test_fail_fast_reports(void **st) {
  (void)st;
  xc_sim *sim = h_sim_new(41, false);
  budget(sim, 2, 4); /* 48 per 4 s: two rebuild rounds land in one window even on a slow machine */
  rl_rec r = {.syms = {"BTC/USDT:USDT", "ETH/USDT:USDT"}};
  pthread_mutex_init(&r.mu, NULL);
  xc_client *c = client_new(sim, &r, true);
  xc_instrument in;
  assert_int_equal(xc_instrument_get(c, XC_VENUE_BINANCE, "ETH/USDT:USDT", &in), XC_OK);
  sub_book(c, "BTC/USDT:USDT");
  sub_book(c, "ETH/USDT:USDT");
  int want[NSYM] = {1, 1};
  XC_WAIT_UNTIL(all_live(&r, want), 10000);
  if (!all_live(&r, want)) {
    dump(&r);
    fail_msg("books did not go LIVE");
  }
  /* rebuild rounds until two land in one window: the second pair cannot all be admitted */
  for (int round = 0; round < 8 && !has_error(&r, XC_EWOULDLIMIT); round++) gap_round(c, sim, &r, want, 15000);
  if (!has_error(&r, XC_EWOULDLIMIT)) {
    dump(&r);
    fail_msg("no XC_EWOULDLIMIT error event in 8 rounds of 2 snapshots in 48-weight windows");
  }
  pthread_mutex_lock(&r.mu);
  for (int i = 0; i < r.errors && i < 16; i++) {
    assert_int_equal(r.err_status[i], XC_EWOULDLIMIT);
    const char *w = r.err_what[i];
    if (!strstr(w, "depth snapshot") || !strstr(w, "not sent") || !strstr(w, "weight 20") ||
        !strstr(w, "rate-limit budget") || !strstr(w, "retrying in "))
      fail_msg("unclear error: %s", w);
    /* retried when the budget frees: within the 4 s window (plus the limiter's 200 ms edge) */
    unsigned retry = (unsigned)atoi(strstr(w, "retrying in ") + 12);
    if (retry < 50 || retry > 4400) fail_msg("retry in %u ms: %s", retry, w);
  }
  /* a refusal is reported once per attempt, and attempts follow the budget: a handful at most */
  if (r.errors > 6) {
    pthread_mutex_unlock(&r.mu);
    dump(&r);
    fail_msg("%d error events", r.errors);
  }
  pthread_mutex_unlock(&r.mu);
  /* the refused rebuild still completes (retried once budget frees) and the books are right */
  expect_equal(c, sim, "BTCUSDT", "BTC/USDT:USDT");
  expect_equal(c, sim, "ETHUSDT", "ETH/USDT:USDT");
  assert_int_equal(sim_limited(sim), 0);
  xc_client_free(c);
  xc_sim_free(sim);
}

static bool pred_err(rl_rec *r) {
  pthread_mutex_lock(&r->mu);
  bool e = r->errors > 0;
  pthread_mutex_unlock(&r->mu);
  return e;
}

static void test_never_fits(void **st) {
  (void)st;
  xc_sim *sim = h_sim_new(43, false);
  budget(sim, 1, 2); /* spot: 60 weight per 2 s; a 5000-level snapshot weighs 250 */
  rl_rec r = {.syms = {"BTC/USDT", NULL}};
  pthread_mutex_init(&r.mu, NULL);
  xc_client *c = client_new(sim, &r, false);
  xc_instrument in;
  assert_int_equal(xc_instrument_get(c, XC_VENUE_BINANCE, "BTC/USDT", &in), XC_OK);
  sub_book(c, "BTC/USDT");
  XC_WAIT_UNTIL(pred_err(&r), 8000);
  pthread_mutex_lock(&r.mu);
  assert_true(r.errors >= 1);
  assert_int_equal(r.err_status[0], XC_EINVAL);
  if (!strstr(r.err_what[0], "weight 250") || !strstr(r.err_what[0], "can never be sent"))
    fail_msg("unclear error: %s", r.err_what[0]);
  assert_int_equal(r.live[0], 0);
  pthread_mutex_unlock(&r.mu);
  xc_book_bbo bbo;
  assert_int_equal(xc_book_get_bbo(c, XC_VENUE_BINANCE, "BTC/USDT", &bbo), XC_OK);
  assert_int_equal(bbo.state, XC_BOOK_SYNCING);
  assert_int_equal(sim_limited(sim), 0);
  xc_client_free(c);
  xc_sim_free(sim);
}

int main(void) {
  (void)h_pred_count; /* harness helpers this file does not need */
  (void)h_wait;
  (void)h_client_new;
  (void)h_on_event;
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_snapshots_wait_for_budget),
      cmocka_unit_test(test_fail_fast_reports),
      cmocka_unit_test(test_never_fits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
