/* Instrument refresh through the client, against the embedded simulator over loopback. The
 * simulator's admin "instrument" op changes a market's rules as Binance's exchangeInfo publishes
 * them (tick size, min notional, min quantity, status); a client with a short
 * instruments_refresh_ms must pick each change up by itself, and the rounding / validation
 * helpers applied to the refreshed instrument must follow the new rules (an order valid under the
 * old rules is refused under the new ones and the other way round), and so must the order path's
 * pre-send validation (off the new grid or on a halted market: refused before sending; on the
 * new grid: accepted by the venue). */
#include "md_harness.h"
#include "tscale.h"

#include "xconn/trading.h"

static xc_client *client_new(xc_sim *sim, h_rec *r, uint32_t refresh_ms) {
  memset(r, 0, sizeof *r);
  pthread_mutex_init(&r->mu, NULL);
  xc_client_opts o;
  xc_client_opts_default(&o);
  o.endpoints_json = xc_sim_endpoints_json(sim);
  xc_credentials k = {.api_key = xc_sim_api_key(sim), .api_secret = xc_sim_api_secret(sim)};
  o.binance = &k; /* copied */
  o.on_event = h_on_event;
  o.user = r;
  o.instruments_refresh_ms = refresh_ms;
  xc_client *c = NULL;
  assert_int_equal(xc_client_new(&o, &c), XC_OK);
  return c;
}

static xc_dec D(const char *s) {
  xc_dec d;
  assert_int_equal(xc_dec_from_cstr(s, &d), XC_OK);
  return d;
}

static xc_dec mul(xc_dec a, xc_dec b) {
  xc_dec r;
  assert_int_equal(xc_dec_mul(a, b, &r), XC_OK);
  return r;
}

static xc_dec add(xc_dec a, xc_dec b) {
  xc_dec r;
  assert_int_equal(xc_dec_add(a, b, &r), XC_OK);
  return r;
}

/* The smallest multiple of step with price * q >= notional. */
static xc_dec qty_for(xc_dec notional, xc_dec price, xc_dec step) {
  xc_dec q, r;
  assert_int_equal(xc_dec_div(notional, price, 18, XC_ROUND_UP, &q), XC_OK);
  assert_int_equal(xc_dec_quantize(q, step, XC_ROUND_UP, &r), XC_OK);
  return r;
}

static void admin(xc_sim *sim, const char *args) {
  char *out = NULL;
  xc_status st = xc_sim_admin(sim, "instrument", args, &out);
  if (st != XC_OK) fail_msg("instrument %s: %s %s", args, xc_status_name(st), out ? out : "");
  xc_sim_str_free(out);
}

/* Polls xc_instrument_get until pred holds (scaled deadline). */
typedef bool (*instr_pred)(const xc_instrument *in, const void *arg);

static bool wait_instr(xc_client *c, const char *sym, instr_pred p, const void *arg, int ms, xc_instrument *out) {
  uint64_t end = xc_test_now_ns() + (uint64_t)xc_test_ms(ms) * 1000000ull;
  do {
    if (xc_instrument_get(c, XC_VENUE_BINANCE, sym, out) == XC_OK && p(out, arg)) return true;
    h_sleep_ms(20);
  } while (xc_test_now_ns() < end);
  return false;
}

static bool tick_is(const xc_instrument *in, const void *arg) { return xc_dec_eq(in->tick_size, *(const xc_dec *)arg); }
static bool status_is(const xc_instrument *in, const void *arg) {
  return in->status == *(const xc_instrument_status *)arg;
}

static void test_refresh_rules(void **st) {
  (void)st;
  xc_sim *sim = h_sim_new(29, true);
  h_rec r;
  xc_client *c = client_new(sim, &r, 200);
  xc_instrument old, now;
  assert_int_equal(xc_instrument_get(c, XC_VENUE_BINANCE, "BTC/USDT", &old), XC_OK);
  assert_int_equal(old.status, XC_INSTR_TRADING);
  assert_false(xc_dec_is_zero(old.tick_size));
  assert_false(xc_dec_is_zero(old.min_notional));

  /* new rules: a 10x coarser tick, 10x the min notional, a min quantity of 5 steps */
  xc_dec tick2 = mul(old.tick_size, D("10"));
  xc_dec notional2 = mul(old.min_notional, D("10"));
  xc_dec minq2 = mul(old.step_size, D("5"));
  char t2[48], n2[48], q2[48], args[320];
  xc_dec_to_str(tick2, t2, sizeof t2);
  xc_dec_to_str(notional2, n2, sizeof n2);
  xc_dec_to_str(minq2, q2, sizeof q2);
  snprintf(args, sizeof args,
           "{\"venue\":\"binance\",\"kind\":\"spot\",\"symbol\":\"BTCUSDT\",\"tick_size\":\"%s\","
           "\"min_notional\":\"%s\",\"min_qty\":\"%s\"}",
           t2, n2, q2);
  admin(sim, args);
  if (!wait_instr(c, "BTC/USDT", tick_is, &tick2, 5000, &now)) {
    char a[48], b[48];
    xc_dec_to_str(now.tick_size, a, sizeof a);
    xc_dec_to_str(tick2, b, sizeof b);
    fail_msg("refresh not picked up: tick %s, want %s", a, b);
  }
  assert_true(xc_dec_eq(now.min_notional, notional2));
  assert_true(xc_dec_eq(now.min_qty, minq2));
  assert_int_equal(now.price_precision, old.price_precision - 1);
  assert_true(xc_dec_eq(now.step_size, old.step_size));

  /* a price on the old grid only: 1000 new ticks + one old tick */
  xc_dec p_old = add(mul(tick2, D("1000")), old.tick_size);
  xc_dec p_new = mul(tick2, D("1000"));
  xc_dec rounded;
  assert_int_equal(xc_instrument_round_price(&old, p_old, XC_ROUND_DOWN, &rounded), XC_OK);
  assert_true(xc_dec_eq(rounded, p_old));
  assert_int_equal(xc_instrument_round_price(&now, p_old, XC_ROUND_DOWN, &rounded), XC_OK);
  assert_true(xc_dec_eq(rounded, p_new));
  assert_int_equal(xc_instrument_round_price(&now, p_old, XC_ROUND_UP, &rounded), XC_OK);
  assert_true(xc_dec_eq(rounded, add(p_new, tick2)));

  /* validation: a quantity that meets both notionals passes the old rules at p_old but fails the
   * new tick; at p_new it passes the new rules */
  xc_dec big = qty_for(mul(notional2, D("2")), p_old, old.step_size);
  assert_int_equal(xc_instrument_check(&old, p_old, big, false), XC_OK);
  assert_int_equal(xc_instrument_check(&now, p_old, big, false), XC_EFILTER);
  assert_int_equal(xc_instrument_check(&now, p_new, big, false), XC_OK);
  /* a notional between the old and the new minimum: fine before, refused now */
  xc_dec mid = qty_for(mul(old.min_notional, D("2")), p_new, old.step_size);
  if (xc_dec_cmp(mid, minq2) < 0) mid = minq2;
  assert_true(xc_dec_cmp(mul(p_new, mid), notional2) < 0);
  assert_int_equal(xc_instrument_check(&old, p_new, mid, false), XC_OK);
  assert_int_equal(xc_instrument_check(&now, p_new, mid, false), XC_EFILTER);

  /* the order path validates against the refreshed rules before sending: off the new grid it is
   * refused locally (XC_EFILTER, naming the new tick); on it the venue accepts it (then cancel) */
  xc_order_req q;
  memset(&q, 0, sizeof q);
  q.venue = XC_VENUE_BINANCE;
  q.symbol = "BTC/USDT";
  q.side = XC_SIDE_BUY;
  q.type = XC_ORDER_LIMIT;
  q.tif = XC_TIF_GTC;
  q.price = p_old;
  q.qty = big;
  xc_order o;
  xc_venue_error ve;
  memset(&ve, 0, sizeof ve);
  xc_status pst = xc_order_place_sync(c, &q, 0, &o, &ve);
  char want_tick[80];
  snprintf(want_tick, sizeof want_tick, "tick size %s", t2);
  if (pst != XC_EFILTER || !strstr(xc_client_errmsg(c), want_tick))
    fail_msg("order off the new grid: %s (%lld %s) %s", xc_status_str(pst), (long long)ve.code, ve.msg,
             xc_client_errmsg(c));
  q.price = p_new;
  pst = xc_order_place_sync(c, &q, 0, &o, &ve);
  if (pst) fail_msg("order on the new grid: %s (%lld %s)", xc_status_str(pst), (long long)ve.code, ve.msg);
  xc_order_ref ref = {.venue = XC_VENUE_BINANCE, .symbol = "BTC/USDT", .order_id = o.order_id};
  assert_int_equal(xc_order_cancel_sync(c, &ref, 0, &o, NULL), XC_OK);

  /* status on USD-M: HALT is picked up (HALTED), then TRADING again: the refresh keeps running */
  xc_instrument f;
  assert_int_equal(xc_instrument_get(c, XC_VENUE_BINANCE, "ETH/USDT:USDT", &f), XC_OK);
  assert_int_equal(f.status, XC_INSTR_TRADING);
  admin(sim, "{\"venue\":\"binance\",\"kind\":\"linear\",\"symbol\":\"ETHUSDT\",\"status\":\"HALT\"}");
  xc_instrument_status want = XC_INSTR_HALTED;
  assert_true(wait_instr(c, "ETH/USDT:USDT", status_is, &want, 5000, &f));
  /* a halted market takes no orders: refused before sending (the simulator would answer -2010) */
  q.symbol = "ETH/USDT:USDT";
  q.price = mul(f.tick_size, D("1000"));
  q.qty = qty_for(mul(f.min_notional, D("2")), q.price, f.step_size);
  assert_int_equal(xc_order_place_sync(c, &q, 0, &o, NULL), XC_EFILTER);
  assert_non_null(strstr(xc_client_errmsg(c), "not trading"));
  admin(sim, "{\"venue\":\"binance\",\"kind\":\"linear\",\"symbol\":\"ETHUSDT\",\"status\":\"TRADING\"}");
  want = XC_INSTR_TRADING;
  assert_true(wait_instr(c, "ETH/USDT:USDT", status_is, &want, 5000, &f));
  /* the spot market kept its changed rules across those refreshes */
  assert_int_equal(xc_instrument_get(c, XC_VENUE_BINANCE, "BTC/USDT", &now), XC_OK);
  assert_true(xc_dec_eq(now.tick_size, tick2));
  xc_client_free(c);
  xc_sim_free(sim);
}

/* Without a refresh interval the table stays as loaded (the refresh is what picks changes up). */
static void test_no_refresh(void **st) {
  (void)st;
  xc_sim *sim = h_sim_new(31, true);
  h_rec r;
  xc_client *c = client_new(sim, &r, 0);
  xc_instrument a, b;
  assert_int_equal(xc_instrument_get(c, XC_VENUE_BINANCE, "ETH/USDT", &a), XC_OK);
  admin(sim, "{\"venue\":\"binance\",\"symbol\":\"ETHUSDT\",\"status\":\"BREAK\"}");
  h_sleep_ms(400);
  assert_int_equal(xc_instrument_get(c, XC_VENUE_BINANCE, "ETH/USDT", &b), XC_OK);
  assert_int_equal(b.status, XC_INSTR_TRADING);
  xc_client_free(c);
  xc_sim_free(sim);
}

/* The admin op's argument checks. */
static void test_admin_args(void **st) {
  (void)st;
  xc_sim *sim = h_sim_new(3, true);
  const char *bad[] = {
      "{\"venue\":\"binance\",\"symbol\":\"BTCUSDT\",\"status\":\"SLEEPING\"}",
      "{\"venue\":\"binance\",\"symbol\":\"BTCUSDT\",\"tick_size\":\"-1\"}",
      "{\"venue\":\"binance\",\"symbol\":\"BTCUSDT\",\"tick_size\":\"0.0000001\"}", /* not a multiple */
      "{\"symbol\":\"BTCUSDT\"}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(xc_sim_admin(sim, "instrument", bad[i], NULL), XC_EINVAL);
  assert_int_equal(xc_sim_admin(sim, "instrument", "{\"venue\":\"binance\",\"symbol\":\"NOPE\"}", NULL),
                   XC_ENOTFOUND);
  assert_int_equal(xc_sim_admin(sim, "instrument", "{\"venue\":\"bybit\",\"symbol\":\"BTCUSDT\"}", NULL),
                   XC_ENOTSUP);
  xc_sim_free(sim);
}

int main(void) {
  (void)h_book_matches; /* harness helpers this file does not need */
  (void)h_pred_count;
  (void)h_wait;
  (void)h_client_new;
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_refresh_rules),
      cmocka_unit_test(test_no_refresh),
      cmocka_unit_test(test_admin_args),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
