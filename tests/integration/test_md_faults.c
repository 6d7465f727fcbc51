/* Market data under faults, against the embedded simulator over loopback: sequence gaps, dropped
 * connections, stalled connections, a restarted simulator and 20 forced reconnects. After each
 * fault (and a Binance serverShutdown on spot) the user must see the book leave LIVE with the right reason and come back, and the local
 * book must equal the simulator's true book; ticker and trade streams must continue with no
 * duplicate. */
#include <unistd.h>

#include "md_harness.h"

static void sub(xc_client *c, const char *sym, xc_channel ch) {
  xc_sub_opts so;
  xc_sub_opts_default(&so);
  so.venue = XC_VENUE_BINANCE;
  so.symbol = sym;
  so.channel = ch;
  uint64_t id;
  assert_int_equal(xc_subscribe(c, &so, &id), XC_OK);
}

static bool pred_live(h_rec *r, void *arg) {
  (void)arg;
  return r->book_live && r->book_updates > 0;
}

typedef struct seen_arg {
  int from;                /* look at states from this index on */
  xc_book_state left;      /* must see this state ... */
  xc_book_reason reason;   /* ... with this reason (XC_BOOK_R_NONE: any) */
} seen_arg;

/* The book left LIVE (state/reason) after index `from` and is LIVE again. */
static bool pred_resynced(h_rec *r, void *arg) {
  seen_arg *a = arg;
  bool left = false;
  for (int i = a->from; i < r->nstates; i++) {
    if (r->states[i].state == a->left && (a->reason == XC_BOOK_R_NONE || r->states[i].reason == a->reason))
      left = true;
    if (left && r->states[i].state == XC_BOOK_LIVE && r->states[i].reason == XC_BOOK_R_SYNCED) return true;
  }
  return false;
}

static void expect_equal(xc_client *c, xc_sim *sim, xc_sim_kind kind, const char *vsym, const char *usym) {
  char why[128];
  if (!h_book_matches(c, sim, kind, vsym, usym, 3000, why, sizeof why))
    fail_msg("%s: local book differs from the true book: %s", usym, why);
}

static int nstates(h_rec *r) {
  pthread_mutex_lock(&r->mu);
  int n = r->nstates;
  pthread_mutex_unlock(&r->mu);
  return n;
}

static void dump_states(h_rec *r, int from) {
  for (int i = from; i < r->nstates; i++)
    fprintf(stderr, "  state %s reason %s\n", xc_book_state_name(r->states[i].state),
            xc_book_reason_name(r->states[i].reason));
}

static void fault_cycle(xc_client *c, h_rec *r, xc_sim *sim, xc_sim_kind kind, const char *vsym, const char *usym,
                        const char *what, xc_book_state left, xc_book_reason reason) {
  seen_arg a = {nstates(r), left, reason};
  uint64_t t0 = xc_mono_ns();
  if (!strcmp(what, "gap")) {
    assert_int_equal(xc_sim_fault_book_gap(sim, XC_SIM_BINANCE, vsym, 2), XC_OK);
  } else if (!strcmp(what, "drop")) {
    int n = 0;
    assert_int_equal(xc_sim_drop_ws(sim, &n), XC_OK);
    assert_true(n >= 1);
  } else if (!strcmp(what, "stall")) {
    assert_int_equal(xc_sim_stall_ws(sim, 0, true), XC_OK);
  } else if (!strcmp(what, "shutdown")) { /* Binance serverShutdown notice, then the close */
    assert_int_equal(xc_sim_venue_fault(sim, XC_SIM_BINANCE, "server_shutdown", NULL), XC_OK);
  }
  if (!h_wait(r, 10000, pred_resynced, &a)) {
    dump_states(r, a.from);
    fail_msg("%s %s: no %s(%s) -> LIVE sequence", usym, what, xc_book_state_name(left), xc_book_reason_name(reason));
  }
  uint64_t t1 = xc_mono_ns();
  if (!strcmp(what, "stall")) assert_int_equal(xc_sim_stall_ws(sim, 0, false), XC_OK);
  expect_equal(c, sim, kind, vsym, usym);
  /* figures for the notes (the simulator sends a diff every 100 ms; a stall is only noticed
   * after the 1.5 s idle timeout); polled every 10-20 ms */
  fprintf(stderr, "  %s %s: LIVE again %.0f ms after the fault, equal to the true book %.0f ms after\n", usym, what,
          (double)(t1 - t0) / 1e6, (double)(xc_mono_ns() - t0) / 1e6);
}

static void run_faults(const char *usym, const char *vsym, xc_sim_kind kind) {
  xc_sim *sim = h_sim_new(21, false);
  h_rec r;
  xc_client *c = h_client_new(sim, &r, 1500);
  sub(c, usym, XC_CH_BOOK);
  assert_true(h_wait(&r, 8000, pred_live, NULL));
  expect_equal(c, sim, kind, vsym, usym);
  for (int round = 0; round < 2; round++) {
    fault_cycle(c, &r, sim, kind, vsym, usym, "gap", XC_BOOK_RESYNCING, XC_BOOK_R_GAP);
    fault_cycle(c, &r, sim, kind, vsym, usym, "drop", XC_BOOK_RESYNCING, XC_BOOK_R_START);
    fault_cycle(c, &r, sim, kind, vsym, usym, "stall", XC_BOOK_RESYNCING, XC_BOOK_R_NONE);
  }
  if (kind == XC_SIM_SPOT) fault_cycle(c, &r, sim, kind, vsym, usym, "shutdown", XC_BOOK_RESYNCING, XC_BOOK_R_START);
  pthread_mutex_lock(&r.mu);
  assert_false(r.bad_decimal);
  assert_true(r.conn_reconnecting >= 4);
  pthread_mutex_unlock(&r.mu);
  xc_client_free(c);
  xc_sim_free(sim);
}

static void test_faults_spot(void **st) {
  (void)st;
  run_faults("BTC/USDT", "BTCUSDT", XC_SIM_SPOT);
}

static void test_faults_usdm(void **st) {
  (void)st;
  run_faults("BTC/USDT:USDT", "BTCUSDT", XC_SIM_LINEAR);
}

/* The simulator process goes away and comes back on the same ports with a fresh market: the
 * client reconnects by itself and rebuilds the book from the new venue state. */
static void test_restart(void **st) {
  (void)st;
  xc_sim_opts o;
  xc_sim_opts_default(&o);
  o.quiet = true;
  o.seed = 5;
  xc_sim *sim = NULL;
  for (int i = 0; i < 40 && !sim; i++) {
    o.port_base = 10000 + (int)((getpid() * 7 + i * 97) % 20000); /* below the ephemeral range */
    if (xc_sim_new(&o, &sim) != XC_OK) sim = NULL;
  }
  assert_non_null(sim);
  assert_int_equal(xc_sim_start(sim), XC_OK);
  h_rec r;
  xc_client *c = h_client_new(sim, &r, 1500);
  sub(c, "ETH/USDT", XC_CH_BOOK);
  sub(c, "ETH/USDT", XC_CH_TRADES);
  assert_true(h_wait(&r, 8000, pred_live, NULL));
  expect_equal(c, sim, XC_SIM_SPOT, "ETHUSDT", "ETH/USDT");
  seen_arg a = {nstates(&r), XC_BOOK_RESYNCING, XC_BOOK_R_START};
  xc_sim_free(sim);
  h_sleep_ms(300); /* down for a while: connects fail and back off */
  o.seed = 6;
  sim = NULL;
  assert_int_equal(xc_sim_new(&o, &sim), XC_OK);
  assert_int_equal(xc_sim_start(sim), XC_OK);
  if (!h_wait(&r, 10000, pred_resynced, &a)) {
    dump_states(&r, a.from);
    fail_msg("no rebuild after the restart");
  }
  expect_equal(c, sim, XC_SIM_SPOT, "ETHUSDT", "ETH/USDT");
  xc_client_free(c);
  xc_sim_free(sim);
}

static bool pred_open(h_rec *r, void *arg) { return r->conn_open >= *(int *)arg; }
static bool pred_trades(h_rec *r, void *arg) { return r->ntrades >= *(int *)arg; }

/* Ticker and trades continue across 20 forced reconnects with no duplicate. */
static void test_reconnects(void **st) {
  (void)st;
  xc_sim *sim = h_sim_new(33, false);
  h_rec r;
  xc_client *c = h_client_new(sim, &r, 3000);
  sub(c, "BTC/USDT", XC_CH_TRADES);
  sub(c, "BTC/USDT", XC_CH_TICKER);
  int want = 1;
  assert_true(h_wait(&r, 8000, pred_open, &want));
  for (int i = 0; i < 20; i++) {
    pthread_mutex_lock(&r.mu);
    int opens = r.conn_open, trades = r.ntrades;
    pthread_mutex_unlock(&r.mu);
    int n = 0;
    assert_int_equal(xc_sim_drop_ws(sim, &n), XC_OK);
    int o2 = opens + 1, t2 = trades + 1;
    if (!h_wait(&r, 8000, pred_open, &o2)) fail_msg("reconnect %d did not happen", i + 1);
    if (!h_wait(&r, 8000, pred_trades, &t2)) fail_msg("trades did not resume after reconnect %d", i + 1);
  }
  pthread_mutex_lock(&r.mu);
  int tick0 = r.n[XC_EV_TICKER];
  pthread_mutex_unlock(&r.mu);
  int tk[2] = {XC_EV_TICKER, tick0 + 1};
  assert_true(h_wait(&r, 5000, h_pred_count, tk));
  pthread_mutex_lock(&r.mu);
  assert_true(r.conn_reconnecting >= 20);
  assert_int_equal(r.trade_dups, 0);
  assert_int_equal(r.ticker_dups, 0);
  for (int i = 1; i < r.ntrades; i++) assert_true(r.trade_ids[i] > r.trade_ids[i - 1]);
  pthread_mutex_unlock(&r.mu);
  xc_client_free(c);
  xc_sim_free(sim);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_faults_spot),
      cmocka_unit_test(test_faults_usdm),
      cmocka_unit_test(test_restart),
      cmocka_unit_test(test_reconnects),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
