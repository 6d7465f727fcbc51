/* Matching engine tests (in-process, quiet simulator: empty books, no background traders).
 * Counterparties are background orders placed with the engine's internal entry point. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_core.h"
#include "testutil.h"

static xc_dec D(const char *s) {
  xc_dec d;
  assert_int_equal(xc_dec_from_cstr(s, &d), XC_OK);
  return d;
}

static void assert_dec(xc_dec got, const char *want) {
  char buf[XC_DEC_STR_MAX];
  xc_dec_to_str(got, buf, sizeof buf);
  if (!xc_dec_eq(got, D(want))) fail_msg("decimal: got %s, want %s", buf, want);
}

/* ---- event recorder (a test front end) ---------------------------------------------------- */

typedef struct rec {
  int n;
  xc__sim_ev_kind kind[512];
  xc__sim_exec exec[512];
  xc__sim_ostatus status[512];
  uint64_t update_id[512];
  int balances, positions, batch_ends;
} rec;

static void rec_event(xc_sim *sim, const xc__sim_event *ev, void *state) {
  (void)sim;
  rec *r = state;
  if (r->n >= 512) return;
  r->kind[r->n] = ev->kind;
  if (ev->kind == XC__SIM_EV_ORDER) {
    r->exec[r->n] = ev->u.order.exec;
    r->status[r->n] = ev->u.order.order->status;
  }
  if (ev->kind == XC__SIM_EV_BOOK) r->update_id[r->n] = ev->u.book.update_id;
  if (ev->kind == XC__SIM_EV_BALANCE) r->balances++;
  if (ev->kind == XC__SIM_EV_POSITION) r->positions++;
  if (ev->kind == XC__SIM_EV_BATCH_END) r->batch_ends++;
  r->n++;
}

static const xc__sim_fe rec_fe = {.name = "rec", .venue = XC_SIM_BINANCE, .on_event = rec_event};

typedef struct fx {
  xc_sim *sim;
  xc__sim_mkt *spot, *lin;
  xc__sim_acct *sa, *la;
  rec r;
} fx;

static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  xc_sim_opts o;
  xc_sim_opts_default(&o);
  o.bg_actions = 0;
  o.bg_manual = true;
  o.quiet = true;
  assert_int_equal(xc_sim_new(&o, &f->sim), XC_OK);
  f->spot = xc__sim_mkt_find(f->sim, XC_SIM_BINANCE, XC_SIM_SPOT, "BTCUSDT");
  f->lin = xc__sim_mkt_find(f->sim, XC_SIM_BINANCE, XC_SIM_LINEAR, "BTCUSDT");
  assert_non_null(f->spot);
  assert_non_null(f->lin);
  const xc__sim_user *u = xc__sim_user_by_key(f->sim, xc_sim_api_key(f->sim),
                                              strlen(xc_sim_api_key(f->sim)));
  assert_non_null(u);
  f->sa = xc__sim_user_acct(u, f->spot);
  f->la = xc__sim_user_acct(u, f->lin);
  assert_int_equal(xc__sim_book_depth(f->spot, XC__SIM_BUY), 0);
  assert_int_equal(xc__sim_fe_add(f->sim, &rec_fe, &f->r), XC_OK);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx *f = *state;
  xc_sim_free(f->sim);
  free(f);
  return 0;
}

/* a background order at price p (text) for q (text) */
static void bg(xc__sim_mkt *m, xc__sim_side side, const char *p, const char *q) {
  int64_t px, lots;
  assert_int_equal(xc_dec_to_ticks(D(p), m->in.tick, XC_ROUND_EXACT, &px), XC_OK);
  assert_int_equal(xc_dec_to_ticks(D(q), m->in.step, XC_ROUND_EXACT, &lots), XC_OK);
  xc__sim_action_begin(m->sim);
  xc__sim_bg_place(m, side, px, lots, false);
  xc__sim_action_end(m->sim);
}

static xc_status place(fx *f, xc__sim_mkt *m, xc__sim_acct *a, xc__sim_side side,
                       xc__sim_otype type, xc__sim_tif tif, const char *price, const char *qty,
                       const char *clid, xc__sim_order_res *res) {
  xc__sim_order_req rq = {.mkt = m, .acct = a, .side = side, .type = type, .tif = tif,
                          .price = price ? D(price) : XC_DEC_ZERO, .qty = qty ? D(qty) : XC_DEC_ZERO,
                          .client_id = clid};
  return xc__sim_order_place(f->sim, &rq, res);
}

static void bal(xc__sim_acct *a, const char *asset, const char *free_, const char *locked) {
  xc__sim_balance b;
  xc__sim_acct_balance(a, asset, &b);
  assert_dec(b.free, free_);
  assert_dec(b.locked, locked);
}

static void test_price_time_priority(void **state) {
  fx *f = *state;
  xc__sim_order_res r1, r2, r3, res;
  /* user sells: A @60010 then B @60010 then C @60000 (better) */
  assert_int_equal(place(f, f->spot, f->sa, XC__SIM_SELL, XC__SIM_LIMIT, XC__SIM_GTC, "60010",
                         "0.001", "A", &r1), XC_OK);
  assert_int_equal(place(f, f->spot, f->sa, XC__SIM_SELL, XC__SIM_LIMIT, XC__SIM_GTC, "60010",
                         "0.001", "B", &r2), XC_OK);
  assert_int_equal(place(f, f->spot, f->sa, XC__SIM_SELL, XC__SIM_LIMIT, XC__SIM_GTC, "60000",
                         "0.001", "C", &r3), XC_OK);
  assert_int_equal(r1.order.status, XC__SIM_OS_NEW);
  /* a background buyer takes 0.0015 at up to 60010: C fully, then A half, B untouched */
  bg(f->spot, XC__SIM_BUY, "60010", "0.0015");
  xc__sim_order o;
  assert_int_equal(xc__sim_order_get(f->sim, f->sa, f->spot, 0, "C", &o), XC_OK);
  assert_int_equal(o.status, XC__SIM_OS_FILLED);
  assert_int_equal(xc__sim_order_get(f->sim, f->sa, f->spot, r1.order.id, NULL, &o), XC_OK);
  assert_int_equal(o.status, XC__SIM_OS_PARTIALLY_FILLED);
  assert_dec(o.filled_qty, "0.0005");
  assert_int_equal(xc__sim_order_get(f->sim, f->sa, f->spot, 0, "B", &o), XC_OK);
  assert_int_equal(o.status, XC__SIM_OS_NEW);
  /* the trades printed at the makers' prices */
  xc__sim_trade t[4];
  assert_int_equal(xc__sim_trades_recent(f->spot, t, 4), 2);
  assert_dec(t[0].price, "60000");
  assert_dec(t[1].price, "60010");
  assert_true(t[0].buyer_is_maker == false);
  assert_int_equal(t[0].maker_order_id, r3.order.id);
  assert_int_equal(t[1].maker_order_id, r1.order.id);
  /* open orders: A (partial) and B */
  assert_int_equal(xc__sim_orders_open(f->sim, f->sa, NULL, NULL, NULL), 2);
  assert_int_equal(xc__sim_order_cancel_all(f->sim, f->sa, f->spot, NULL, NULL), 2);
  assert_int_equal(xc__sim_orders_open(f->sim, f->sa, NULL, NULL, NULL), 0);
  (void)res;
  (void)r2;
}

static void test_spot_locks_and_fees(void **state) {
  fx *f = *state;
  xc__sim_balance b0, q0;
  xc__sim_acct_balance(f->sa, "BTC", &b0);
  xc__sim_acct_balance(f->sa, "USDT", &q0);
  assert_dec(q0.free, "100000");
  xc__sim_order_res r;
  /* limit buy 0.01 @ 50000 locks 500 USDT */
  assert_int_equal(place(f, f->spot, f->sa, XC__SIM_BUY, XC__SIM_LIMIT, XC__SIM_GTC, "50000",
                         "0.01", NULL, &r), XC_OK);
  bal(f->sa, "USDT", "99500", "500");
  /* cancel releases it exactly */
  xc__sim_order c;
  assert_int_equal(xc__sim_order_cancel(f->sim, f->sa, f->spot, r.order.id, NULL, &c), XC_OK);
  assert_int_equal(c.status, XC__SIM_OS_CANCELED);
  bal(f->sa, "USDT", "100000", "0");
  assert_int_equal(xc__sim_order_cancel(f->sim, f->sa, f->spot, r.order.id, NULL, &c),
                   XC_EUNKNOWN_ORDER);
  /* maker buy fills below... a resting buy @50000 hit by a background sell: maker fee 0.1% in BTC */
  assert_int_equal(place(f, f->spot, f->sa, XC__SIM_BUY, XC__SIM_LIMIT, XC__SIM_GTC, "50000",
                         "0.01", "m1", &r), XC_OK);
  bg(f->spot, XC__SIM_SELL, "49000", "0.004");
  /* 0.004 filled at 50000 = 200 USDT spent; 300 still locked */
  bal(f->sa, "USDT", "99500", "300");
  xc__sim_balance b;
  xc__sim_acct_balance(f->sa, "BTC", &b);
  xc_dec want;
  xc_dec_add(b0.free, D("0.003996"), &want); /* 0.004 - 0.000004 fee */
  assert_true(xc_dec_eq(b.free, want));
  xc__sim_fill fills[4];
  xc__sim_order ords[4];
  int nf = xc__sim_acct_fills(f->sa, f->spot, fills, ords, 4);
  assert_int_equal(nf, 1);
  assert_true(fills[0].maker);
  assert_dec(fills[0].fee, "0.000004");
  assert_string_equal(fills[0].fee_asset, "BTC");
  assert_int_equal(ords[0].id, r.order.id);
  /* the remainder rests at 50000 as the best bid */
  xc__sim_level best;
  assert_true(xc__sim_book_best(f->spot, XC__SIM_BUY, &best));
  assert_dec(best.price, "50000");
  assert_dec(best.qty, "0.006");
  /* taker sell into a background bid at a better price: fee in USDT */
  bg(f->spot, XC__SIM_BUY, "50010", "0.002");
  assert_int_equal(place(f, f->spot, f->sa, XC__SIM_SELL, XC__SIM_MARKET, XC__SIM_GTC, NULL,
                         "0.002", NULL, &r), XC_OK);
  assert_int_equal(r.order.status, XC__SIM_OS_FILLED);
  assert_int_equal(r.nfills, 1);
  assert_dec(r.fills[0].price, "50010");
  assert_dec(r.fills[0].fee, "0.10002"); /* 100.02 * 0.001 */
  assert_string_equal(r.fills[0].fee_asset, "USDT");
  assert_false(r.fills[0].maker);
  /* USDT: 99500 + 100.02 - 0.10002 free, 300 locked */
  bal(f->sa, "USDT", "99599.91998", "300");
  xc__sim_order_cancel_all(f->sim, f->sa, NULL, NULL, NULL);
  bal(f->sa, "USDT", "99899.91998", "0");
}

static void test_tif_semantics(void **state) {
  fx *f = *state;
  xc__sim_order_res r;
  bg(f->spot, XC__SIM_SELL, "60000", "0.001");
  bg(f->spot, XC__SIM_SELL, "60005", "0.001");
  /* FOK for more than available up to the limit: expired, nothing traded */
  uint64_t trades0 = f->sim->trades_total;
  assert_int_equal(place(f, f->spot, f->sa, XC__SIM_BUY, XC__SIM_LIMIT, XC__SIM_FOK, "60005",
                         "0.003", NULL, &r), XC_OK);
  assert_int_equal(r.order.status, XC__SIM_OS_EXPIRED);
  assert_int_equal(f->sim->trades_total, trades0);
  bal(f->sa, "USDT", "100000", "0");
  /* IOC: takes 0.001 at 60000 only (limit 60000), remainder expires */
  assert_int_equal(place(f, f->spot, f->sa, XC__SIM_BUY, XC__SIM_LIMIT, XC__SIM_IOC, "60000",
                         "0.002", NULL, &r), XC_OK);
  assert_int_equal(r.order.status, XC__SIM_OS_EXPIRED);
  assert_dec(r.order.filled_qty, "0.001");
  assert_int_equal(r.nfills, 1);
  bal(f->sa, "USDT", "99940", "0");
  /* post-only crossing: EXPIRED by default, rejected with the flag; non-crossing rests */
  assert_int_equal(place(f, f->spot, f->sa, XC__SIM_BUY, XC__SIM_LIMIT, XC__SIM_POST_ONLY, "60005",
                         "0.001", NULL, &r), XC_OK);
  assert_int_equal(r.order.status, XC__SIM_OS_EXPIRED);
  xc__sim_order_req rq = {.mkt = f->spot, .acct = f->sa, .side = XC__SIM_BUY,
                          .type = XC__SIM_LIMIT, .tif = XC__SIM_POST_ONLY, .price = D("60005"),
                          .qty = D("0.001"), .flags = XC__SIM_OF_REJECT_WOULD_TAKE};
  assert_int_equal(xc__sim_order_place(f->sim, &rq, &r), XC_EREJECTED);
  assert_int_equal(r.rej, XC__SIM_REJ_WOULD_TAKE);
  assert_int_equal(place(f, f->spot, f->sa, XC__SIM_BUY, XC__SIM_LIMIT, XC__SIM_POST_ONLY, "60004",
                         "0.001", NULL, &r), XC_OK);
  assert_int_equal(r.order.status, XC__SIM_OS_NEW);
  /* a market order into an empty side expires (or is rejected with the flag) */
  xc__sim_order_req mk = {.mkt = f->spot, .acct = f->sa, .side = XC__SIM_SELL,
                          .type = XC__SIM_MARKET, .qty = D("0.001")};
  assert_int_equal(xc__sim_order_place(f->sim, &mk, &r), XC_OK);
  assert_int_equal(r.order.status, XC__SIM_OS_FILLED); /* into our own resting post-only bid */
  assert_int_equal(xc__sim_order_place(f->sim, &mk, &r), XC_OK);
  assert_int_equal(r.order.status, XC__SIM_OS_EXPIRED);
  mk.flags = XC__SIM_OF_REJECT_NO_LIQUIDITY;
  assert_int_equal(xc__sim_order_place(f->sim, &mk, &r), XC_EREJECTED);
  assert_int_equal(r.rej, XC__SIM_REJ_NO_LIQUIDITY);
}

static void test_market_by_quote(void **state) {
  fx *f = *state;
  xc__sim_order_res r;
  bg(f->spot, XC__SIM_SELL, "60000", "0.001");
  bg(f->spot, XC__SIM_SELL, "60010", "0.01");
  xc__sim_order_req mq = {.mkt = f->spot, .acct = f->sa, .side = XC__SIM_BUY,
                          .type = XC__SIM_MARKET, .quote_qty = D("100")};
  assert_int_equal(xc__sim_order_place(f->sim, &mq, &r), XC_OK);
  /* 60 USDT buys 0.001 @60000; 40 USDT buys floor(40/0.6001) = 66 lots @60010 */
  assert_int_equal(r.order.status, XC__SIM_OS_FILLED);
  assert_dec(r.order.filled_qty, "0.00166");
  assert_dec(r.order.filled_quote, "99.6066");
  assert_dec(r.order.quote_qty, "100");
  bal(f->sa, "USDT", "99900.3934", "0");
}

static void test_filters_and_rejects(void **state) {
  fx *f = *state;
  xc__sim_order_res r;
  assert_int_equal(place(f, f->spot, f->sa, XC__SIM_BUY, XC__SIM_LIMIT, XC__SIM_GTC, "60000.001",
                         "0.001", NULL, &r), XC_EREJECTED);
  assert_int_equal(r.rej, XC__SIM_REJ_PRICE_FILTER);
  assert_int_equal(place(f, f->spot, f->sa, XC__SIM_BUY, XC__SIM_LIMIT, XC__SIM_GTC, "60000",
                         "0.000011", NULL, &r), XC_EREJECTED);
  assert_int_equal(r.rej, XC__SIM_REJ_LOT_SIZE);
  assert_int_equal(place(f, f->spot, f->sa, XC__SIM_BUY, XC__SIM_LIMIT, XC__SIM_GTC, "100",
                         "0.001", NULL, &r), XC_EREJECTED);
  assert_int_equal(r.rej, XC__SIM_REJ_MIN_NOTIONAL);
  assert_int_equal(place(f, f->spot, f->sa, XC__SIM_BUY, XC__SIM_LIMIT, XC__SIM_GTC, "60000",
                         "5", NULL, &r), XC_EREJECTED);
  assert_int_equal(r.rej, XC__SIM_REJ_INSUFFICIENT);
  assert_int_equal(place(f, f->spot, f->sa, XC__SIM_BUY, XC__SIM_LIMIT, XC__SIM_GTC, "50000",
                         "0.001", "dup", &r), XC_OK);
  assert_int_equal(place(f, f->spot, f->sa, XC__SIM_BUY, XC__SIM_LIMIT, XC__SIM_GTC, "50000",
                         "0.001", "dup", &r), XC_EREJECTED);
  assert_int_equal(r.rej, XC__SIM_REJ_DUP_CLIENT_ID);
  xc__sim_order o;
  assert_int_equal(xc__sim_order_cancel(f->sim, f->sa, f->spot, 0, "dup", &o), XC_OK);
  assert_int_equal(xc__sim_order_get(f->sim, f->sa, f->spot, 0, "dup", &o), XC_OK);
  assert_int_equal(o.status, XC__SIM_OS_CANCELED);
  assert_int_equal(xc__sim_order_get(f->sim, f->sa, f->spot, 0, "nope", &o), XC_EUNKNOWN_ORDER);
  /* reduce-only without a position */
  xc__sim_order_req rq = {.mkt = f->lin, .acct = f->la, .side = XC__SIM_SELL,
                          .type = XC__SIM_LIMIT, .tif = XC__SIM_GTC, .price = D("60000"),
                          .qty = D("0.01"), .reduce_only = true};
  assert_int_equal(xc__sim_order_place(f->sim, &rq, &r), XC_EREJECTED);
  assert_int_equal(r.rej, XC__SIM_REJ_REDUCE_ONLY);
  /* linear market on a spot account */
  rq.acct = f->sa;
  rq.reduce_only = false;
  assert_int_equal(xc__sim_order_place(f->sim, &rq, &r), XC_EREJECTED);
  assert_int_equal(r.rej, XC__SIM_REJ_BAD_PARAM);
}

static void test_positions_pnl(void **state) {
  fx *f = *state;
  xc__sim_order_res r;
  assert_int_equal(xc__sim_acct_set_leverage(f->la, f->lin, 10), XC_OK);
  assert_int_equal(xc__sim_acct_set_leverage(f->la, f->lin, 1000), XC_ERANGE);
  /* buy 1 BTC @ 60000 (taker 0.05%: fee 30) */
  bg(f->lin, XC__SIM_SELL, "60000", "1");
  assert_int_equal(place(f, f->lin, f->la, XC__SIM_BUY, XC__SIM_MARKET, XC__SIM_GTC, NULL, "1",
                         NULL, &r), XC_OK);
  assert_int_equal(r.order.status, XC__SIM_OS_FILLED);
  xc__sim_position p;
  xc__sim_acct_position(f->la, f->lin, &p);
  assert_dec(p.qty, "1");
  assert_dec(p.entry_price, "60000");
  assert_int_equal(p.leverage, 10);
  xc__sim_margin mg;
  xc__sim_acct_margin(f->la, "USDT", &mg);
  assert_dec(mg.wallet, "99970");
  /* mark: book mid. Put 61000 / 61002 around it: mark 61001, unrealized 1001 */
  bg(f->lin, XC__SIM_BUY, "61000", "0.5");
  bg(f->lin, XC__SIM_SELL, "61002", "2");
  xc__sim_acct_position(f->la, f->lin, &p);
  assert_dec(p.mark_price, "61001");
  assert_dec(p.unrealized_pnl, "1001");
  assert_dec(p.initial_margin, "6100.1");
  /* sell 0.5 into the 61000 bid: realized 500, fee 15.25 */
  assert_int_equal(place(f, f->lin, f->la, XC__SIM_SELL, XC__SIM_MARKET, XC__SIM_GTC, NULL, "0.5",
                         NULL, &r), XC_OK);
  assert_dec(r.fills[0].realized_pnl, "500");
  xc__sim_acct_position(f->la, f->lin, &p);
  assert_dec(p.qty, "0.5");
  assert_dec(p.entry_price, "60000");
  assert_dec(p.realized_pnl, "500");
  xc__sim_acct_margin(f->la, "USDT", &mg);
  assert_dec(mg.wallet, "100454.75"); /* 99970 + 500 - 15.25 */
  /* flip: sell 1.5 @ 59000 -> closes 0.5 (realized -500), opens short 1 @ 59000 */
  bg(f->lin, XC__SIM_BUY, "59000", "1.5");
  assert_int_equal(place(f, f->lin, f->la, XC__SIM_SELL, XC__SIM_LIMIT, XC__SIM_GTC, "59000",
                         "1.5", NULL, &r), XC_OK);
  assert_int_equal(r.order.status, XC__SIM_OS_FILLED);
  xc__sim_acct_position(f->la, f->lin, &p);
  assert_dec(p.qty, "-1");
  assert_dec(p.entry_price, "59000");
  assert_dec(p.realized_pnl, "0"); /* +500 then -500 */
  /* reduce-only larger than the position is capped at it: buy 3 reduce-only vs short 1 */
  bg(f->lin, XC__SIM_SELL, "59100", "3");
  xc__sim_order_req ro = {.mkt = f->lin, .acct = f->la, .side = XC__SIM_BUY, .type = XC__SIM_MARKET,
                          .qty = D("3"), .reduce_only = true};
  assert_int_equal(xc__sim_order_place(f->sim, &ro, &r), XC_OK);
  assert_int_equal(r.order.status, XC__SIM_OS_FILLED);
  assert_dec(r.order.qty, "1");
  xc__sim_acct_position(f->la, f->lin, &p);
  assert_dec(p.qty, "0");
  assert_dec(p.realized_pnl, "-100"); /* short 1 @59000 closed @59100 */
  /* order margin is held for resting orders and released on cancel */
  assert_int_equal(place(f, f->lin, f->la, XC__SIM_SELL, XC__SIM_LIMIT, XC__SIM_GTC, "70000",
                         "0.1", NULL, &r), XC_OK);
  xc__sim_acct_margin(f->la, "USDT", &mg);
  assert_dec(mg.order_margin, "700");
  xc__sim_order_cancel_all(f->sim, f->la, NULL, NULL, NULL);
  xc__sim_acct_margin(f->la, "USDT", &mg);
  assert_dec(mg.order_margin, "0");
  assert_true(f->r.positions > 0);
}

static void test_events_order(void **state) {
  fx *f = *state;
  xc__sim_order_res r;
  bg(f->spot, XC__SIM_SELL, "60000", "0.001");
  f->r.n = 0;
  assert_int_equal(place(f, f->spot, f->sa, XC__SIM_BUY, XC__SIM_LIMIT, XC__SIM_GTC, "60000",
                         "0.002", NULL, &r), XC_OK);
  /* NEW, TRADE (public), ORDER TRADE, BOOK (ask level gone), BOOK (bid rests), BALANCE, END */
  int i = 0;
  assert_int_equal(f->r.kind[i], XC__SIM_EV_ORDER);
  assert_int_equal(f->r.exec[i++], XC__SIM_EXEC_NEW);
  assert_int_equal(f->r.kind[i++], XC__SIM_EV_TRADE);
  assert_int_equal(f->r.kind[i], XC__SIM_EV_ORDER);
  assert_int_equal(f->r.exec[i], XC__SIM_EXEC_TRADE);
  assert_int_equal(f->r.status[i++], XC__SIM_OS_PARTIALLY_FILLED);
  assert_int_equal(f->r.kind[i++], XC__SIM_EV_BOOK);
  assert_int_equal(f->r.kind[i], XC__SIM_EV_BOOK);
  assert_int_equal(f->r.update_id[i], f->r.update_id[i - 1] + 1);
  i++;
  assert_int_equal(f->r.kind[i++], XC__SIM_EV_BALANCE);
  assert_int_equal(f->r.kind[i++], XC__SIM_EV_BATCH_END);
  assert_int_equal(f->r.n, i);
}

/* A snapshot plus the batched diffs rebuilds exactly the true book, including across a gap. */
static void test_depth_batches(void **state) {
  fx *f = *state;
  xc_sim *sim = f->sim;
  xc__sim_mkt *m = f->spot;
  /* local book as sorted arrays of (price text -> qty text) via a tiny map */
  enum { MAXL = 512 };
  static char keys[2][MAXL][32], vals[2][MAXL][32];
  int n[2] = {0, 0};
  xc__sim_level lv[MAXL];
  /* background activity to start */
  sim->opts.bg_actions = 6;
  xc__sim_bg_init(sim);
  for (int s = 0; s < 2; s++) {
    int k = xc__sim_book_levels(m, (xc__sim_side)s, lv, MAXL);
    for (int i = 0; i < k; i++) {
      xc_dec_to_str(lv[i].price, keys[s][i], 32);
      xc_dec_to_str(lv[i].qty, vals[s][i], 32);
    }
    n[s] = k;
  }
  uint64_t last = xc__sim_book_update_id(m);
  xc__sim_depth_batch *b = xc__sim_depth_batch_new(m, 0);
  int gaps = 0;
  for (int round = 0; round < 200; round++) {
    xc__sim_bg_tick(sim);
    if (round == 100) {
      m->gap_serial++;
      m->gap_pending = 1;
    }
    xc__sim_depth_diff d;
    if (!xc__sim_depth_batch_flush(b, &d)) continue;
    assert_int_equal(d.prev_last_id, last);
    assert_true(d.first_id == last + 1);
    assert_true(d.last_id >= d.first_id);
    last = d.last_id;
    if (d.dropped) {
      gaps++;
      /* a client would resync here: take a new snapshot */
      for (int s = 0; s < 2; s++) {
        int k = xc__sim_book_levels(m, (xc__sim_side)s, lv, MAXL);
        for (int i = 0; i < k; i++) {
          xc_dec_to_str(lv[i].price, keys[s][i], 32);
          xc_dec_to_str(lv[i].qty, vals[s][i], 32);
        }
        n[s] = k;
      }
      continue;
    }
    for (int s = 0; s < 2; s++) {
      const xc__sim_level *ch = s == 0 ? d.bids : d.asks;
      int nc = s == 0 ? d.nbids : d.nasks;
      for (int c = 0; c < nc; c++) {
        char p[32], q[32];
        xc_dec_to_str(ch[c].price, p, sizeof p);
        xc_dec_to_str(ch[c].qty, q, sizeof q);
        int at = -1;
        for (int i = 0; i < n[s]; i++)
          if (!strcmp(keys[s][i], p)) at = i;
        if (xc_dec_is_zero(ch[c].qty)) {
          if (at >= 0) {
            memmove(keys[s][at], keys[s][at + 1], (size_t)(n[s] - at - 1) * 32);
            memmove(vals[s][at], vals[s][at + 1], (size_t)(n[s] - at - 1) * 32);
            n[s]--;
          }
        } else if (at >= 0) {
          strcpy(vals[s][at], q);
        } else {
          assert_true(n[s] < MAXL);
          strcpy(keys[s][n[s]], p);
          strcpy(vals[s][n[s]], q);
          n[s]++;
        }
      }
    }
    /* compare with the truth (order-insensitive) */
    for (int s = 0; s < 2; s++) {
      int k = xc__sim_book_levels(m, (xc__sim_side)s, lv, MAXL);
      assert_int_equal(k, n[s]);
      for (int i = 0; i < k; i++) {
        char p[32], q[32];
        xc_dec_to_str(lv[i].price, p, sizeof p);
        xc_dec_to_str(lv[i].qty, q, sizeof q);
        int at = -1;
        for (int j = 0; j < n[s]; j++)
          if (!strcmp(keys[s][j], p)) at = j;
        assert_true(at >= 0);
        assert_string_equal(vals[s][at], q);
      }
    }
  }
  assert_int_equal(gaps, 1);
  assert_true(sim->trades_total > 0);
  /* bounded memory: more than 4096 distinct changed levels in one window -> a dropped diff */
  xc__sim_depth_diff d;
  xc__sim_depth_batch_flush(b, &d);
  xc__sim_action_begin(sim);
  for (int i = 0; i < XC__SIM_BATCH_MAX_CHANGED + 10; i++)
    xc__sim_bg_place(m, XC__SIM_BUY, 1000000 + i, 1, false); /* 10000.00 .. far below the asks */
  xc__sim_action_end(sim);
  assert_true(xc__sim_depth_batch_flush(b, &d));
  assert_true(d.dropped);
  assert_int_equal(d.prev_last_id, last = d.prev_last_id);
  xc__sim_bg_tick(sim);
  assert_true(xc__sim_depth_batch_flush(b, &d));
  assert_false(d.dropped);
  xc__sim_depth_batch_free(b);
}

static void test_determinism(void **state) {
  (void)state;
  uint64_t h[3];
  for (int run = 0; run < 3; run++) {
    xc_sim_opts o;
    xc_sim_opts_default(&o);
    o.seed = run == 2 ? 43 : 42;
    o.bg_manual = true;
    o.quiet = true;
    xc_sim *sim;
    assert_int_equal(xc_sim_new(&o, &sim), XC_OK);
    /* the same user requests at the same points */
    xc__sim_mkt *m = xc__sim_mkt_find(sim, XC_SIM_BYBIT, XC_SIM_LINEAR, "ETHUSDT");
    const xc__sim_user *u = xc__sim_user_by_key(sim, xc_sim_api_key(sim), strlen(xc_sim_api_key(sim)));
    for (int i = 0; i < 50; i++) {
      assert_int_equal(xc_sim_bg_step(sim, 10), XC_OK);
      xc__sim_order_req rq = {.mkt = m, .acct = xc__sim_user_acct(u, m),
                              .side = i % 2 ? XC__SIM_SELL : XC__SIM_BUY, .type = XC__SIM_MARKET,
                              .qty = D("0.05")};
      xc__sim_order_res r;
      xc__sim_order_place(sim, &rq, &r);
    }
    uint64_t trades;
    assert_int_equal(xc_sim_stats(sim, &trades, &h[run], NULL, NULL), XC_OK);
    assert_true(trades > 100);
    xc_sim_free(sim);
  }
  assert_true(h[0] == h[1]);
  assert_true(h[0] != h[2]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_price_time_priority, setup, teardown),
      cmocka_unit_test_setup_teardown(test_spot_locks_and_fees, setup, teardown),
      cmocka_unit_test_setup_teardown(test_tif_semantics, setup, teardown),
      cmocka_unit_test_setup_teardown(test_market_by_quote, setup, teardown),
      cmocka_unit_test_setup_teardown(test_filters_and_rejects, setup, teardown),
      cmocka_unit_test_setup_teardown(test_positions_pnl, setup, teardown),
      cmocka_unit_test_setup_teardown(test_events_order, setup, teardown),
      cmocka_unit_test_setup_teardown(test_depth_batches, setup, teardown),
      cmocka_unit_test(test_determinism),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
