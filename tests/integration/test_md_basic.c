/* Market data through the public API against the embedded simulator over loopback: instruments,
 * ticker, BBO, trades and L2 books on Binance Spot and USD-M, readers from another thread,
 * unsubscribe, and the local book equal to the simulator's true book. */
#include <stdatomic.h>

#include "md_harness.h"

static xc_sim *g_sim;

static int setup(void **st) {
  (void)st;
  g_sim = h_sim_new(7, false);
  return 0;
}

static int teardown(void **st) {
  (void)st;
  xc_sim_free(g_sim);
  return 0;
}

static void test_instruments(void **st) {
  (void)st;
  h_rec r;
  xc_client *c = h_client_new(g_sim, &r, 5000);
  xc_instrument in;
  assert_int_equal(xc_instrument_get(c, XC_VENUE_BINANCE, "BTC/USDT", &in), XC_OK);
  assert_string_equal(in.venue_symbol, "BTCUSDT");
  assert_int_equal(in.market, XC_MARKET_SPOT);
  assert_int_equal(in.status, XC_INSTR_TRADING);
  assert_false(xc_dec_is_zero(in.tick_size));
  assert_false(xc_dec_is_zero(in.step_size));
  assert_int_equal(xc_instrument_get(c, XC_VENUE_BINANCE, "ETH/USDT:USDT", &in), XC_OK);
  assert_int_equal(in.contract, XC_CONTRACT_PERPETUAL);
  assert_string_equal(in.settle, "USDT");
  assert_int_equal(xc_instrument_get(c, XC_VENUE_BINANCE, "NOPE/USDT", &in), XC_ENOTFOUND);
  assert_non_null(strstr(xc_client_errmsg(c), "NOPE/USDT"));
  assert_int_equal(xc_instrument_get(c, XC_VENUE_BINANCE, "btcusdt", &in), XC_EINVAL);
  assert_int_equal(xc_instrument_get(c, XC_VENUE_BYBIT, "BTC/USDT", &in), XC_ENOTSUP);
  size_t n = 0;
  assert_int_equal(xc_instruments_list(c, XC_VENUE_BINANCE, XC_MARKET_SPOT, NULL, 0, &n), XC_OK);
  assert_true(n >= 2);
  xc_instrument all[16];
  assert_int_equal(xc_instruments_list(c, XC_VENUE_BINANCE, XC_MARKET_SPOT, all, 16, &n), XC_OK);
  assert_true(strcmp(all[0].symbol, all[1].symbol) < 0);
  xc_client_free(c);
}

static bool pred_md(h_rec *r, void *arg) {
  (void)arg;
  return r->n[XC_EV_TICKER] >= 1 && r->n[XC_EV_TRADE] >= 5 && r->n[XC_EV_BBO] >= 5 && r->book_updates >= 5;
}

static void run_market(const char *usym, const char *vsym, xc_sim_kind kind) {
  h_rec r;
  xc_client *c = h_client_new(g_sim, &r, 5000);
  uint64_t ids[4];
  xc_channel chs[4] = {XC_CH_TICKER, XC_CH_TRADES, XC_CH_BBO, XC_CH_BOOK};
  for (int i = 0; i < 4; i++) {
    xc_sub_opts so;
    xc_sub_opts_default(&so);
    so.venue = XC_VENUE_BINANCE;
    so.symbol = usym;
    so.channel = chs[i];
    assert_int_equal(xc_subscribe(c, &so, &ids[i]), XC_OK);
    assert_true(ids[i] > 0);
  }
  assert_true(h_wait(&r, 8000, pred_md, NULL));
  pthread_mutex_lock(&r.mu);
  assert_int_equal(r.trade_dups, 0);
  assert_int_equal(r.ticker_dups, 0);
  assert_false(r.bad_decimal);
  assert_true(r.nstates >= 1);
  assert_int_equal(r.states[r.nstates - 1].state, XC_BOOK_LIVE);
  assert_int_equal(r.states[r.nstates - 1].reason, XC_BOOK_R_SYNCED);
  pthread_mutex_unlock(&r.mu);
  char why[128];
  bool same = h_book_matches(c, g_sim, kind, vsym, usym, 3000, why, sizeof why);
  if (!same) fail_msg("%s book differs from the true book: %s", usym, why);
  xc_book_top top;
  assert_int_equal(xc_book_copy_top(c, XC_VENUE_BINANCE, usym, 5, &top), XC_OK);
  assert_int_equal(top.state, XC_BOOK_LIVE);
  assert_true(top.nbids > 0 && top.nasks > 0);
  assert_true(xc_dec_cmp(top.bids[0].price, top.asks[0].price) < 0);
  assert_int_equal(xc_book_copy_top(c, XC_VENUE_BINANCE, "XRP/USDT", 5, &top), XC_ENOTFOUND);
  /* unsubscribe: the trade stream stops, the others keep going */
  assert_int_equal(xc_unsubscribe(c, ids[1]), XC_OK);
  assert_int_equal(xc_unsubscribe(c, ids[1]), XC_ENOTFOUND);
  h_sleep_ms(300);
  pthread_mutex_lock(&r.mu);
  int t0 = r.n[XC_EV_TRADE], b0 = r.book_updates;
  pthread_mutex_unlock(&r.mu);
  h_sleep_ms(700);
  pthread_mutex_lock(&r.mu);
  assert_int_equal(r.n[XC_EV_TRADE], t0);
  assert_true(r.book_updates > b0);
  pthread_mutex_unlock(&r.mu);
  assert_int_equal(xc_unsubscribe(c, ids[3]), XC_OK);
  h_sleep_ms(100);
  assert_int_equal(xc_book_copy_top(c, XC_VENUE_BINANCE, usym, 5, &top), XC_ENOTFOUND);
  xc_client_free(c);
}

static void test_spot(void **st) {
  (void)st;
  run_market("BTC/USDT", "BTCUSDT", XC_SIM_SPOT);
}

static void test_usdm(void **st) {
  (void)st;
  run_market("ETH/USDT:USDT", "ETHUSDT", XC_SIM_LINEAR);
}

/* Two subscriptions to the same book share one stream; each gets its own levels. */
static void test_shared_stream(void **st) {
  (void)st;
  h_rec r;
  xc_client *c = h_client_new(g_sim, &r, 5000);
  xc_sub_opts so;
  xc_sub_opts_default(&so);
  so.venue = XC_VENUE_BINANCE;
  so.symbol = "BTC/USDT";
  uint64_t a, b;
  assert_int_equal(xc_subscribe(c, &so, &a), XC_OK);
  so.event_levels = 0;
  assert_int_equal(xc_subscribe(c, &so, &b), XC_OK);
  assert_int_not_equal(a, b);
  int want[2] = {XC_EV_BOOK, 20};
  assert_true(h_wait(&r, 8000, h_pred_count, want));
  assert_int_equal(xc_unsubscribe(c, a), XC_OK);
  xc_book_bbo bbo;
  h_sleep_ms(100);
  assert_int_equal(xc_book_get_bbo(c, XC_VENUE_BINANCE, "BTC/USDT", &bbo), XC_OK);
  assert_true(bbo.has_bid && bbo.has_ask);
  xc_client_free(c);
}

/* Readers on another thread while the book updates and its subscription comes and goes: every
 * copy is ordered and uncrossed when LIVE, and nothing is used after free (ASan). */
typedef struct reader_arg {
  xc_client *c;
  atomic_bool stop;
  long copies, live, bad;
} reader_arg;

static void *reader(void *p) {
  reader_arg *a = p;
  while (!atomic_load(&a->stop)) {
    xc_book_top top;
    if (xc_book_copy_top(a->c, XC_VENUE_BINANCE, "BTC/USDT", 10, &top) != XC_OK) continue;
    a->copies++;
    if (top.state != XC_BOOK_LIVE) continue;
    a->live++;
    for (uint32_t i = 1; i < top.nbids; i++)
      if (xc_dec_cmp(top.bids[i].price, top.bids[i - 1].price) >= 0) a->bad++;
    for (uint32_t i = 1; i < top.nasks; i++)
      if (xc_dec_cmp(top.asks[i].price, top.asks[i - 1].price) <= 0) a->bad++;
    if (top.nbids && top.nasks && xc_dec_cmp(top.bids[0].price, top.asks[0].price) >= 0) a->bad++;
    xc_book_bbo bbo;
    (void)xc_book_get_bbo(a->c, XC_VENUE_BINANCE, "BTC/USDT", &bbo);
  }
  return NULL;
}

static void test_readers(void **st) {
  (void)st;
  h_rec r;
  xc_client *c = h_client_new(g_sim, &r, 5000);
  reader_arg a = {.c = c};
  pthread_t th;
  assert_int_equal(pthread_create(&th, NULL, reader, &a), 0);
  for (int i = 0; i < 6; i++) {
    xc_sub_opts so;
    xc_sub_opts_default(&so);
    so.venue = XC_VENUE_BINANCE;
    so.symbol = "BTC/USDT";
    uint64_t id;
    assert_int_equal(xc_subscribe(c, &so, &id), XC_OK);
    h_sleep_ms(i % 2 ? 600 : 150); /* sometimes LIVE, sometimes still syncing */
    assert_int_equal(xc_unsubscribe(c, id), XC_OK);
  }
  atomic_store(&a.stop, true);
  pthread_join(th, NULL);
  assert_int_equal(a.bad, 0);
  assert_true(a.copies > 0);
  assert_true(a.live > 0);
  xc_client_free(c);
}

/* xc_client_free from inside the event callback: no event after it, no use after free (ASan). */
static atomic_int g_free_events;
static atomic_bool g_freed;

static void free_in_callback(xc_client *c, const xc_event *ev, void *user) {
  (void)user;
  if (atomic_load(&g_freed)) {
    atomic_fetch_add(&g_free_events, 1); /* must never happen */
    return;
  }
  if (ev->type == XC_EV_TRADE) {
    atomic_store(&g_freed, true);
    xc_client_free(c);
  }
}

static void test_free_in_callback(void **st) {
  (void)st;
  xc_client_opts o;
  xc_client_opts_default(&o);
  o.endpoints_json = xc_sim_endpoints_json(g_sim);
  o.on_event = free_in_callback;
  xc_client *c = NULL;
  assert_int_equal(xc_client_new(&o, &c), XC_OK);
  xc_sub_opts so;
  xc_sub_opts_default(&so);
  so.venue = XC_VENUE_BINANCE;
  so.symbol = "BTC/USDT";
  uint64_t id;
  assert_int_equal(xc_subscribe(c, &so, &id), XC_OK); /* a book with a snapshot in flight */
  so.channel = XC_CH_TRADES;
  assert_int_equal(xc_subscribe(c, &so, &id), XC_OK);
  for (int i = 0; i < 400 && !atomic_load(&g_freed); i++) h_sleep_ms(10);
  assert_true(atomic_load(&g_freed));
  h_sleep_ms(500); /* the engine thread finishes and frees everything */
  assert_int_equal(atomic_load(&g_free_events), 0);
}

static void test_bad_args(void **st) {
  (void)st;
  h_rec r;
  xc_client *c = h_client_new(g_sim, &r, 5000);
  xc_sub_opts so;
  xc_sub_opts_default(&so);
  so.venue = XC_VENUE_BINANCE;
  so.symbol = "BTCUSDT";
  uint64_t id;
  assert_int_equal(xc_subscribe(c, &so, &id), XC_EINVAL);
  so.symbol = "BTC/USDT";
  so.venue = XC_VENUE_BYBIT;
  assert_int_equal(xc_subscribe(c, &so, &id), XC_ENOTSUP);
  so.venue = XC_VENUE_BINANCE;
  so.channel = (xc_channel)9;
  assert_int_equal(xc_subscribe(c, &so, &id), XC_EINVAL);
  xc_client_free(c);
  xc_client_opts o;
  xc_client_opts_default(&o);
  o.endpoints_json = "{\"binance\":{\"spot_rest\":\"ftp://x\"}}";
  assert_int_equal(xc_client_new(&o, &c), XC_EINVAL);
  assert_null(c);
  o.endpoints_json = "{nope";
  assert_int_equal(xc_client_new(&o, &c), XC_EINVAL);
  xc_client_free(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_instruments), cmocka_unit_test(test_spot),     cmocka_unit_test(test_usdm),
      cmocka_unit_test(test_shared_stream), cmocka_unit_test(test_readers),
      cmocka_unit_test(test_free_in_callback), cmocka_unit_test(test_bad_args),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
