/* A crossed book end to end, against the embedded simulator over loopback. The simulator's
 * book_cross fault makes the next depth diff of a symbol (ids in sequence, so no gap) carry a bid
 * at the best ask price, a level the venue's book never had, and the diff after it carry that
 * price's true quantity: the stream shows a crossed book for one update, then corrects itself.
 * Through the public API the user must see RESYNCING with reason "crossed", then LIVE ("synced"),
 * and the local book must then equal the simulator's true book (same update id, every level).
 * Spot and USD-M, twice each; plus the admin op's argument checks. */
#include "md_harness.h"
#include "tscale.h"

typedef struct seen_arg {
  int from;
} seen_arg;

/* RESYNCING(crossed) after index `from`, then LIVE(synced). */
static bool pred_crossed_then_live(h_rec *r, void *arg) {
  seen_arg *a = arg;
  bool left = false;
  for (int i = a->from; i < r->nstates; i++) {
    if (r->states[i].state == XC_BOOK_RESYNCING && r->states[i].reason == XC_BOOK_R_CROSSED) left = true;
    if (left && r->states[i].state == XC_BOOK_LIVE && r->states[i].reason == XC_BOOK_R_SYNCED) return true;
  }
  return false;
}

static bool pred_live(h_rec *r, void *arg) {
  (void)arg;
  return r->book_live && r->book_updates > 0;
}

static void dump_states(h_rec *r, int from) {
  pthread_mutex_lock(&r->mu);
  for (int i = from; i < r->nstates; i++)
    fprintf(stderr, "  state %s reason %s\n", xc_book_state_name(r->states[i].state),
            xc_book_reason_name(r->states[i].reason));
  pthread_mutex_unlock(&r->mu);
}

static void expect_equal(xc_client *c, xc_sim *sim, xc_sim_kind kind, const char *vsym, const char *usym) {
  char why[128];
  if (!h_book_matches(c, sim, kind, vsym, usym, xc_test_ms(3000), why, sizeof why))
    fail_msg("%s: local book differs from the true book: %s", usym, why);
}

static void run_crossed(const char *usym, const char *vsym, xc_sim_kind kind) {
  xc_sim *sim = h_sim_new(23, false);
  h_rec r;
  xc_client *c = h_client_new(sim, &r, 3000);
  xc_sub_opts so;
  xc_sub_opts_default(&so);
  so.venue = XC_VENUE_BINANCE;
  so.symbol = usym;
  uint64_t id;
  assert_int_equal(xc_subscribe(c, &so, &id), XC_OK);
  assert_true(h_wait(&r, xc_test_ms(8000), pred_live, NULL));
  expect_equal(c, sim, kind, vsym, usym);
  char args[128];
  snprintf(args, sizeof args, "{\"venue\":\"binance\",\"symbol\":\"%s\",\"kind\":\"%s\"}", vsym,
           kind == XC_SIM_LINEAR ? "linear" : "spot");
  for (int round = 0; round < 2; round++) {
    pthread_mutex_lock(&r.mu);
    seen_arg a = {r.nstates};
    pthread_mutex_unlock(&r.mu);
    char *out = NULL;
    assert_int_equal(xc_sim_admin(sim, "book_cross", args, &out), XC_OK);
    assert_non_null(strstr(out, "\"markets\":1"));
    xc_sim_str_free(out);
    if (!h_wait(&r, xc_test_ms(8000), pred_crossed_then_live, &a)) {
      dump_states(&r, a.from);
      fail_msg("%s round %d: no RESYNCING(crossed) -> LIVE(synced)", usym, round);
    }
    expect_equal(c, sim, kind, vsym, usym);
  }
  pthread_mutex_lock(&r.mu);
  assert_false(r.bad_decimal);
  /* the crossed book was never handed out as LIVE: every book event's best bid < best ask is
   * checked below through the reader too */
  pthread_mutex_unlock(&r.mu);
  xc_book_bbo bbo;
  assert_int_equal(xc_book_get_bbo(c, XC_VENUE_BINANCE, usym, &bbo), XC_OK);
  assert_true(xc_dec_cmp(bbo.bid_price, bbo.ask_price) < 0);
  xc_client_free(c);
  xc_sim_free(sim);
}

static void test_crossed_spot(void **st) {
  (void)st;
  run_crossed("BTC/USDT", "BTCUSDT", XC_SIM_SPOT);
}

static void test_crossed_usdm(void **st) {
  (void)st;
  run_crossed("ETH/USDT:USDT", "ETHUSDT", XC_SIM_LINEAR);
}

/* The op's arguments: unknown symbol, missing venue, bad kind, Bybit (not supported). */
static void test_admin_args(void **st) {
  (void)st;
  xc_sim *sim = h_sim_new(3, true);
  assert_int_equal(xc_sim_admin(sim, "book_cross", "{\"venue\":\"binance\",\"symbol\":\"NOPE\"}", NULL),
                   XC_ENOTFOUND);
  assert_int_equal(xc_sim_admin(sim, "book_cross", "{\"symbol\":\"BTCUSDT\"}", NULL), XC_EINVAL);
  assert_int_equal(xc_sim_admin(sim, "book_cross", "{\"venue\":\"binance\",\"symbol\":\"BTCUSDT\",\"kind\":\"x\"}",
                                NULL),
                   XC_EINVAL);
  assert_int_equal(xc_sim_admin(sim, "book_cross", "{\"venue\":\"bybit\",\"symbol\":\"BTCUSDT\"}", NULL),
                   XC_ENOTSUP);
  char *out = NULL;
  assert_int_equal(xc_sim_admin(sim, "book_cross", "{\"venue\":\"binance\",\"symbol\":\"BTCUSDT\"}", &out), XC_OK);
  assert_non_null(strstr(out, "\"markets\":2")); /* spot and linear */
  xc_sim_str_free(out);
  xc_sim_free(sim);
}

int main(void) {
  (void)h_pred_count;
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_crossed_spot),
      cmocka_unit_test(test_crossed_usdm),
      cmocka_unit_test(test_admin_args),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
