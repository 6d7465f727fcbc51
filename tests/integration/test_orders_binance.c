/* Orders and account against the simulator (real loopback sockets): every order path on Spot and
 * USDⓈ-M, validation before sending, events, a 5xx on the order POST resolved without a duplicate,
 * the simulator's clock shifted by ±5 s, balances and positions. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"
#include "xconn/events.h"
#include "xconn/market.h"
#include "xconn/sim.h"
#include "xconn/trading.h"

typedef struct rec {
  pthread_mutex_t mu;
  int orders, fills;
  int illegal;          /* order events going backwards for one client id */
  char last_cid[XC_ID_MAX];
  xc_order_status last_st;
  char fill_ids[512][XC_ID_MAX];
  int nfill_ids;
  int dup_fills;
  int conn_open[3];     /* private streams opened, per market */
  int balances, positions;
  struct {
    char oid[XC_ID_MAX];
    xc_dec sum;
  } per_order[256];
  int nper;
  struct {
    char cid[XC_ID_MAX];
    xc_order_status st;
    xc_dec filled;
  } last[512];
  int nlast;
  int backwards;        /* an order event with a status or filled quantity going backwards */
} rec;

static bool legal(xc_order_status a, xc_order_status b) {
  if (a == b) return true;
  if (a == XC_ORDER_FILLED || a == XC_ORDER_CANCELED || a == XC_ORDER_REJECTED || a == XC_ORDER_EXPIRED) return false;
  if (a == XC_ORDER_PENDING_CANCEL) return b != XC_ORDER_PENDING_NEW && b != XC_ORDER_REJECTED;
  if (a == XC_ORDER_PARTIALLY_FILLED) return b != XC_ORDER_NEW && b != XC_ORDER_PENDING_NEW && b != XC_ORDER_REJECTED;
  if (a == XC_ORDER_NEW) return b != XC_ORDER_PENDING_NEW;
  return true;
}

static void on_event(xc_client *c, const xc_event *ev, void *user) {
  (void)c;
  rec *r = user;
  pthread_mutex_lock(&r->mu);
  if (ev->type == XC_EV_ORDER) {
    r->orders++;
    if (strcmp(r->last_cid, ev->u.order.client_id) == 0 &&
        !(ev->u.order.status == r->last_st || ev->u.order.status > r->last_st ||
          r->last_st == XC_ORDER_PENDING_CANCEL))
      r->illegal++;
    snprintf(r->last_cid, sizeof r->last_cid, "%s", ev->u.order.client_id);
    r->last_st = ev->u.order.status;
    int k = 0;
    for (; k < r->nlast; k++)
      if (strcmp(r->last[k].cid, ev->u.order.client_id) == 0) break;
    if (k < r->nlast) {
      if (!legal(r->last[k].st, ev->u.order.status) || xc_dec_cmp(ev->u.order.filled_qty, r->last[k].filled) < 0)
        r->backwards++;
    } else if (k < 512) {
      r->nlast++;
      snprintf(r->last[k].cid, XC_ID_MAX, "%s", ev->u.order.client_id);
    }
    if (k < 512) {
      r->last[k].st = ev->u.order.status;
      r->last[k].filled = ev->u.order.filled_qty;
    }
  } else if (ev->type == XC_EV_CONN) {
    if (getenv("XC_TEST_VERBOSE")) printf("# conn %s %d %s\n", ev->u.conn.name, ev->u.conn.state, ev->u.conn.reason);
    if (ev->u.conn.state == XC_CONN_OPEN && ev->market < 3) r->conn_open[ev->market]++;
  } else if (ev->type == XC_EV_BALANCE) {
    r->balances++;
  } else if (ev->type == XC_EV_POSITION) {
    r->positions++;
  } else if (ev->type == XC_EV_FILL) {
    r->fills++;
    char key[XC_ID_MAX];
    snprintf(key, sizeof key, "%.15s:%.30s", ev->u.fill.symbol, ev->u.fill.trade_id);
    for (int i = 0; i < r->nfill_ids; i++)
      if (strcmp(r->fill_ids[i], key) == 0) r->dup_fills++;
    if (r->nfill_ids < 512) snprintf(r->fill_ids[r->nfill_ids++], XC_ID_MAX, "%s", key);
    int k = 0;
    for (; k < r->nper; k++)
      if (strcmp(r->per_order[k].oid, ev->u.fill.order_id) == 0) break;
    if (k == r->nper && k < 256) {
      r->nper++;
      snprintf(r->per_order[k].oid, XC_ID_MAX, "%s", ev->u.fill.order_id);
      r->per_order[k].sum = XC_DEC_ZERO;
    }
    if (k < 256) (void)xc_dec_add(r->per_order[k].sum, ev->u.fill.qty, &r->per_order[k].sum);
  }
  pthread_mutex_unlock(&r->mu);
}

typedef struct env {
  xc_sim *sim;
  xc_client *c;
  rec r;
} env;

static env *E;

static int setup(void **state) {
  (void)state;
  E = calloc(1, sizeof *E);
  pthread_mutex_init(&E->r.mu, NULL);
  xc_sim_opts so;
  xc_sim_opts_default(&so);
  so.seed = 7;
  so.quiet = true;
  assert_int_equal(xc_sim_new(&so, &E->sim), XC_OK);
  assert_int_equal(xc_sim_start(E->sim), XC_OK);
  xc_credentials k = {.api_key = xc_sim_api_key(E->sim), .api_secret = xc_sim_api_secret(E->sim),
                      .key_type = XC_KEY_HMAC};
  xc_client_opts o;
  xc_client_opts_default(&o);
  o.endpoints_json = xc_sim_endpoints_json(E->sim);
  o.binance = &k;
  o.on_event = on_event;
  o.user = &E->r;
  o.request_timeout_ms = 3000;
  assert_int_equal(xc_client_new(&o, &E->c), XC_OK);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  xc_client_free(E->c);
  xc_sim_free(E->sim);
  pthread_mutex_destroy(&E->r.mu);
  free(E);
  return 0;
}

static xc_dec D(const char *s) {
  xc_dec d;
  assert_int_equal(xc_dec_from_cstr(s, &d), XC_OK);
  return d;
}

static xc_order_req limit(const char *sym, xc_side side, const char *px, const char *qty, xc_tif tif) {
  xc_order_req q;
  memset(&q, 0, sizeof q);
  q.venue = XC_VENUE_BINANCE;
  q.symbol = sym;
  q.side = side;
  q.type = XC_ORDER_LIMIT;
  q.tif = tif;
  q.price = D(px);
  q.qty = D(qty);
  return q;
}

static xc_order_req market(const char *sym, xc_side side, const char *qty, const char *quote) {
  xc_order_req q;
  memset(&q, 0, sizeof q);
  q.venue = XC_VENUE_BINANCE;
  q.symbol = sym;
  q.side = side;
  q.type = XC_ORDER_MARKET;
  if (qty) q.qty = D(qty);
  if (quote) q.quote_qty = D(quote);
  return q;
}

/* Count of open orders of sym with client id cid. */
static int open_with(const char *sym, const char *cid) {
  xc_order list[64];
  size_t n = 0;
  assert_int_equal(xc_orders_open_sync(E->c, XC_VENUE_BINANCE, sym, 0, list, 64, &n), XC_OK);
  int k = 0;
  for (size_t i = 0; i < n && i < 64; i++) k += strcmp(list[i].client_id, cid) == 0;
  return k;
}

static void rest_and_cancel(const char *sym, const char *px, const char *qty) {
  xc_order o;
  xc_venue_error ve;
  xc_order_req q = limit(sym, XC_SIDE_BUY, px, qty, XC_TIF_GTC);
  xc_status st = xc_order_place_sync(E->c, &q, 0, &o, &ve);
  if (st) fail_msg("place %s: %s (%s)", sym, xc_status_str(st), xc_client_errmsg(E->c));
  assert_int_equal(o.status, XC_ORDER_NEW);
  assert_string_equal(o.symbol, sym);
  assert_true(o.order_id[0] && o.client_id[0]);
  assert_memory_equal(o.client_id, "x-", 2);
  assert_true(xc_dec_eq(o.price, D(px)));
  /* get by client id and by order id */
  xc_order g;
  xc_order_ref ref = {.venue = XC_VENUE_BINANCE, .symbol = sym, .client_id = o.client_id};
  assert_int_equal(xc_order_get_sync(E->c, &ref, 0, &g, NULL), XC_OK);
  assert_string_equal(g.order_id, o.order_id);
  ref.client_id = NULL;
  ref.order_id = o.order_id;
  assert_int_equal(xc_order_get_sync(E->c, &ref, 0, &g, NULL), XC_OK);
  assert_string_equal(g.client_id, o.client_id);
  assert_int_equal(open_with(sym, o.client_id), 1);
  /* cancel */
  xc_order cx;
  assert_int_equal(xc_order_cancel_sync(E->c, &ref, 0, &cx, NULL), XC_OK);
  assert_int_equal(cx.status, XC_ORDER_CANCELED);
  assert_string_equal(cx.client_id, o.client_id);
  assert_int_equal(open_with(sym, o.client_id), 0);
  /* cancel again: unknown order */
  assert_int_equal(xc_order_cancel_sync(E->c, &ref, 0, &cx, &ve), XC_EUNKNOWN_ORDER);
  assert_true(ve.code == -2011 || ve.code == -2013);
}

static void test_spot_paths(void **state) {
  (void)state;
  rest_and_cancel("BTC/USDT", "55000.00", "0.001");
  xc_order o;
  xc_venue_error ve;
  /* MARKET by base and by quote quantity */
  xc_order_req q = market("BTC/USDT", XC_SIDE_BUY, "0.001", NULL);
  xc_status st = xc_order_place_sync(E->c, &q, 0, &o, &ve);
  if (st) fail_msg("market: %s %s", xc_status_str(st), xc_client_errmsg(E->c));
  assert_int_equal(o.status, XC_ORDER_FILLED);
  assert_true(xc_dec_eq(o.filled_qty, D("0.001")));
  assert_true(xc_dec_sign(o.avg_price) > 0);
  q = market("BTC/USDT", XC_SIDE_SELL, NULL, "20");
  assert_int_equal(xc_order_place_sync(E->c, &q, 0, &o, &ve), XC_OK);
  assert_int_equal(o.status, XC_ORDER_FILLED);
  /* IOC far from the market: expires; FOK likewise */
  q = limit("BTC/USDT", XC_SIDE_BUY, "55000.00", "0.001", XC_TIF_IOC);
  assert_int_equal(xc_order_place_sync(E->c, &q, 0, &o, &ve), XC_OK);
  assert_int_equal(o.status, XC_ORDER_EXPIRED);
  q.tif = XC_TIF_FOK;
  assert_int_equal(xc_order_place_sync(E->c, &q, 0, &o, &ve), XC_OK);
  assert_int_equal(o.status, XC_ORDER_EXPIRED);
  /* post-only resting, then post-only crossing (rejected by the venue) */
  q = limit("BTC/USDT", XC_SIDE_BUY, "55000.00", "0.001", XC_TIF_POST_ONLY);
  assert_int_equal(xc_order_place_sync(E->c, &q, 0, &o, &ve), XC_OK);
  assert_true(o.status == XC_ORDER_NEW);
  xc_order_ref ref = {.venue = XC_VENUE_BINANCE, .symbol = "BTC/USDT", .order_id = o.order_id};
  assert_int_equal(xc_order_cancel_sync(E->c, &ref, 0, &o, NULL), XC_OK);
  q = limit("BTC/USDT", XC_SIDE_BUY, "65000.00", "0.001", XC_TIF_POST_ONLY);
  st = xc_order_place_sync(E->c, &q, 0, &o, &ve);
  assert_int_equal(st, XC_EREJECTED);
  assert_int_equal(ve.code, -2010);
  /* a caller-chosen client id */
  q = limit("BTC/USDT", XC_SIDE_SELL, "70000.00", "0.001", XC_TIF_GTC);
  q.client_id = "my-order-1";
  assert_int_equal(xc_order_place_sync(E->c, &q, 0, &o, &ve), XC_OK);
  assert_string_equal(o.client_id, "my-order-1");
  xc_order_ref r2 = {.venue = XC_VENUE_BINANCE, .symbol = "BTC/USDT", .client_id = "my-order-1"};
  assert_int_equal(xc_order_cancel_sync(E->c, &r2, 0, &o, NULL), XC_OK);
  assert_int_equal(o.status, XC_ORDER_CANCELED);
}

static void test_linear_paths(void **state) {
  (void)state;
  rest_and_cancel("BTC/USDT:USDT", "55000.0", "0.002");
  xc_order o;
  xc_venue_error ve;
  xc_order_req q = market("BTC/USDT:USDT", XC_SIDE_BUY, "0.002", NULL);
  assert_int_equal(xc_order_place_sync(E->c, &q, 0, &o, &ve), XC_OK);
  /* futures RESULT responses of MARKET orders may show NEW (acknowledged) or FILLED */
  assert_true(o.status == XC_ORDER_FILLED || o.status == XC_ORDER_NEW);
  xc_position p[8];
  size_t n = 0;
  assert_int_equal(xc_positions_get(E->c, XC_VENUE_BINANCE, p, 8, &n), XC_OK);
  assert_int_equal(n, 1);
  assert_string_equal(p[0].symbol, "BTC/USDT:USDT");
  assert_int_equal(p[0].side, XC_POS_LONG);
  assert_true(xc_dec_eq(p[0].size, D("0.002")));
  /* reduce-only close */
  q = market("BTC/USDT:USDT", XC_SIDE_SELL, "0.002", NULL);
  q.reduce_only = true;
  assert_int_equal(xc_order_place_sync(E->c, &q, 0, &o, &ve), XC_OK);
  /* GTX crossing: rejected or expired, never resting */
  q = limit("BTC/USDT:USDT", XC_SIDE_BUY, "65000.0", "0.002", XC_TIF_POST_ONLY);
  xc_status st = xc_order_place_sync(E->c, &q, 0, &o, &ve);
  assert_true(st == XC_EREJECTED || (st == XC_OK && o.status == XC_ORDER_EXPIRED));
  /* quote quantity is spot only */
  q = market("BTC/USDT:USDT", XC_SIDE_BUY, NULL, "100");
  assert_int_equal(xc_order_place_sync(E->c, &q, 0, &o, &ve), XC_ENOTSUP);
}

static void test_validation_nothing_sent(void **state) {
  (void)state;
  xc_order o;
  xc_order_req q = limit("BTC/USDT", XC_SIDE_BUY, "55000.005", "0.001", XC_TIF_GTC);
  assert_int_equal(xc_order_place_sync(E->c, &q, 0, &o, NULL), XC_EFILTER);
  assert_non_null(strstr(xc_client_errmsg(E->c), "tick size 0.01"));
  q = limit("BTC/USDT", XC_SIDE_BUY, "55000.00", "0.00001", XC_TIF_GTC); /* notional 0.55 < 5 */
  assert_int_equal(xc_order_place_sync(E->c, &q, 0, &o, NULL), XC_EFILTER);
  assert_non_null(strstr(xc_client_errmsg(E->c), "notional"));
  q = limit("NOPE/USDT", XC_SIDE_BUY, "1", "1", XC_TIF_GTC);
  assert_int_equal(xc_order_place_sync(E->c, &q, 0, &o, NULL), XC_ENOTFOUND);
}

static void test_balances(void **state) {
  (void)state;
  xc_balance b[64];
  size_t n = 0;
  assert_int_equal(xc_balances_get(E->c, XC_VENUE_BINANCE, XC_MARKET_SPOT, b, 64, &n), XC_OK);
  assert_true(n >= 2);
  bool usdt = false;
  for (size_t i = 0; i < n && i < 64; i++)
    if (strcmp(b[i].asset, "USDT") == 0) usdt = xc_dec_sign(b[i].free) > 0;
  assert_true(usdt);
  assert_int_equal(xc_balances_get(E->c, XC_VENUE_BINANCE, XC_MARKET_LINEAR, b, 64, &n), XC_OK);
  assert_true(n >= 1);
}

/* A 503 on the order POST: the outcome is found by a query, the order exists once. */
static void test_5xx_unknown_outcome(void **state) {
  (void)state;
  xc_order o;
  xc_venue_error ve;
  char cid[XC_ID_MAX];
  assert_int_equal(xc_sim_fault_http(E->sim, 503, 1), XC_OK);
  xc_order_req q = limit("BTC/USDT", XC_SIDE_BUY, "55000.00", "0.001", XC_TIF_GTC);
  q.client_id = "unk-1";
  snprintf(cid, sizeof cid, "unk-1");
  xc_status st = xc_order_place_sync(E->c, &q, 0, &o, &ve);
  /* either the venue never got it (resolved: not placed) or it did (resolved: NEW) */
  assert_true(st == XC_OK || st == XC_EREJECTED);
  int open = open_with("BTC/USDT", cid);
  if (st == XC_OK) {
    assert_int_equal(o.status, XC_ORDER_NEW);
    assert_int_equal(open, 1);
    xc_order_ref ref = {.venue = XC_VENUE_BINANCE, .symbol = "BTC/USDT", .client_id = cid};
    assert_int_equal(xc_order_cancel_sync(E->c, &ref, 0, &o, NULL), XC_OK);
  } else {
    assert_int_equal(open, 0);
  }
  printf("# 503 on POST resolved as %s\n", st == XC_OK ? "placed" : "not placed");
}

static void test_clock_shift(void **state) {
  (void)state;
  int64_t shifts[2] = {5000, -10000}; /* +5 s, then -5 s relative to true time */
  for (int i = 0; i < 2; i++) {
    assert_int_equal(xc_sim_shift_clock(E->sim, shifts[i]), XC_OK);
    for (int k = 0; k < 3; k++) {
      xc_order o;
      xc_venue_error ve;
      xc_order_req q = limit("BTC/USDT", XC_SIDE_BUY, "55000.00", "0.001", XC_TIF_IOC);
      xc_status st = xc_order_place_sync(E->c, &q, 0, &o, &ve);
      if (st) fail_msg("shift %lld: %s %lld %s", (long long)shifts[i], xc_status_str(st), (long long)ve.code, ve.msg);
      assert_int_equal(o.status, XC_ORDER_EXPIRED);
    }
  }
  assert_int_equal(xc_sim_shift_clock(E->sim, 5000), XC_OK);
}

static xc_dec fill_sum(const char *oid) {
  xc_dec d = XC_DEC_ZERO;
  pthread_mutex_lock(&E->r.mu);
  for (int k = 0; k < E->r.nper; k++)
    if (strcmp(E->r.per_order[k].oid, oid) == 0) d = E->r.per_order[k].sum;
  pthread_mutex_unlock(&E->r.mu);
  return d;
}

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* Waits up to 5 s until the fills reported for oid add up to qty. */
static bool wait_fills(const char *oid, const char *qty) {
  for (int i = 0; i < 500; i++) {
    if (xc_dec_eq(fill_sum(oid), D(qty))) return true;
    sleep_ms(10);
  }
  return false;
}

/* The simulator duplicates and reorders the next private events: each change still arrives once,
 * in a legal order, and the fills of each order add up to its quantity. */
static void test_dup_reorder(void **state) {
  (void)state;
  assert_int_equal(xc_sim_fault_duplicate(E->sim, 40), XC_OK);
  assert_int_equal(xc_sim_fault_reorder(E->sim, 40), XC_OK);
  const char *syms[2] = {"BTC/USDT", "BTC/USDT:USDT"};
  const char *qty[2] = {"0.002", "0.004"};
  for (int m = 0; m < 2; m++)
    for (int i = 0; i < 3; i++) {
      xc_order o;
      xc_order_req q = market(syms[m], i % 2 ? XC_SIDE_SELL : XC_SIDE_BUY, qty[m], NULL);
      assert_int_equal(xc_order_place_sync(E->c, &q, 0, &o, NULL), XC_OK);
      if (!wait_fills(o.order_id, qty[m])) fail_msg("%s order %s: fills add up to less than %s", syms[m], o.order_id, qty[m]);
    }
  sleep_ms(200); /* late duplicates */
  pthread_mutex_lock(&E->r.mu);
  assert_int_equal(E->r.dup_fills, 0);
  assert_int_equal(E->r.backwards, 0);
  pthread_mutex_unlock(&E->r.mu);
}

/* The private streams are dropped while orders fill: after the reconnect every fill is reported
 * exactly once (reconciled over REST). */
static void test_disconnect_fills(void **state) {
  (void)state;
  int n = 0;
  int opened = E->r.conn_open[2];
  assert_int_equal(xc_sim_drop_ws(E->sim, &n), XC_OK);
  assert_true(n >= 2);
  xc_order o;
  xc_order_req q = market("BTC/USDT:USDT", XC_SIDE_BUY, "0.006", NULL);
  assert_int_equal(xc_order_place_sync(E->c, &q, 0, &o, NULL), XC_OK);
  if (!wait_fills(o.order_id, "0.006")) fail_msg("fills of %s not all reported after the reconnect", o.order_id);
  pthread_mutex_lock(&E->r.mu);
  assert_true(E->r.conn_open[2] > opened);
  assert_int_equal(E->r.dup_fills, 0);
  pthread_mutex_unlock(&E->r.mu);
  sleep_ms(300);
  assert_true(xc_dec_eq(fill_sum(o.order_id), D("0.006")));
}

/* The venue ends the private streams (USD-M listenKeyExpired, spot eventStreamTerminated): a new
 * key / subscription follows and fills keep arriving. */
static void test_stream_expiry(void **state) {
  (void)state;
  int o1 = E->r.conn_open[1], o2 = E->r.conn_open[2];
  assert_int_equal(xc_sim_venue_fault(E->sim, XC_SIM_BINANCE, "listen_key_expired", NULL), XC_OK);
  assert_int_equal(xc_sim_venue_fault(E->sim, XC_SIM_BINANCE, "event_stream_terminated", NULL), XC_OK);
  for (int i = 0; i < 300; i++) {
    pthread_mutex_lock(&E->r.mu);
    bool both = E->r.conn_open[1] > o1 && E->r.conn_open[2] > o2;
    pthread_mutex_unlock(&E->r.mu);
    if (both) break;
    sleep_ms(10);
  }
  pthread_mutex_lock(&E->r.mu);
  assert_true(E->r.conn_open[1] > o1);
  assert_true(E->r.conn_open[2] > o2);
  pthread_mutex_unlock(&E->r.mu);
  xc_order o;
  xc_order_req q = market("BTC/USDT:USDT", XC_SIDE_SELL, "0.003", NULL);
  assert_int_equal(xc_order_place_sync(E->c, &q, 0, &o, NULL), XC_OK);
  if (!wait_fills(o.order_id, "0.003")) fail_msg("no fills for %s after the listenKey expired", o.order_id);
}

/* 200 orders at 200/s on USD-M: the rate limiter keeps the simulator from answering 429/418. */
typedef struct burst {
  pthread_mutex_t mu;
  int done, limited, other;
} burst;

static void on_burst(xc_client *c, xc_status st, const xc_order *o, const xc_venue_error *err, void *user) {
  (void)c, (void)o, (void)err;
  burst *b = user;
  pthread_mutex_lock(&b->mu);
  b->done++;
  if (st == XC_ERATELIMIT || st == XC_EBANNED) b->limited++;
  else if (st != XC_OK) b->other++;
  pthread_mutex_unlock(&b->mu);
}

static void test_order_rate(void **state) {
  (void)state;
  burst b = {.mu = PTHREAD_MUTEX_INITIALIZER};
  uint64_t t0 = (uint64_t)time(NULL);
  for (int i = 0; i < 200; i++) {
    xc_order_req q = limit("BTC/USDT:USDT", XC_SIDE_BUY, "55000.0", "0.002", XC_TIF_IOC);
    assert_int_equal(xc_order_place(E->c, &q, NULL, on_burst, &b), XC_OK);
    sleep_ms(5);
  }
  for (int i = 0; i < 6000; i++) {
    pthread_mutex_lock(&b.mu);
    int d = b.done;
    pthread_mutex_unlock(&b.mu);
    if (d == 200) break;
    sleep_ms(10);
  }
  printf("# 200 orders at 200/s: %d done, %d rate-limited, %d other failures, %llu s\n", b.done, b.limited, b.other,
         (unsigned long long)((uint64_t)time(NULL) - t0));
  assert_int_equal(b.done, 200);
  assert_int_equal(b.limited, 0);
  assert_int_equal(b.other, 0);
}

/* A client freed right after an asynchronous order: the callback runs exactly once (result or
 * XC_ECANCELED) and nothing leaks (ASan build). */
static int g_cb_runs;
static void on_once(xc_client *c, xc_status st, const xc_order *o, const xc_venue_error *err, void *user) {
  (void)c, (void)st, (void)o, (void)err, (void)user;
  g_cb_runs++;
}

static void test_free_with_pending(void **state) {
  (void)state;
  /* Freed at once, then 7 and 14 ms after the order (the private WebSocket mid-connect, next to
   * the long-lived client E: this leaked the older lws client TLS context before the transport
   * fix, see docs/internals/engine.md). */
  for (int i = 0; i < 3; i++) {
    xc_credentials k = {.api_key = xc_sim_api_key(E->sim), .api_secret = xc_sim_api_secret(E->sim)};
    xc_client_opts o;
    xc_client_opts_default(&o);
    o.endpoints_json = xc_sim_endpoints_json(E->sim);
    o.binance = &k;
    xc_client *c = NULL;
    assert_int_equal(xc_client_new(&o, &c), XC_OK);
    xc_instrument in;
    assert_int_equal(xc_instrument_get(c, XC_VENUE_BINANCE, "BTC/USDT", &in), XC_OK);
    g_cb_runs = 0;
    xc_order_req q = limit("BTC/USDT", XC_SIDE_BUY, "55000.00", "0.001", XC_TIF_IOC);
    assert_int_equal(xc_order_place(c, &q, NULL, on_once, NULL), XC_OK);
    if (i) {
      struct timespec ts = {0, (long)i * 7000000L};
      nanosleep(&ts, NULL);
    }
    xc_client_free(c);
    assert_int_equal(g_cb_runs, 1);
  }
}

static void test_events(void **state) {
  (void)state;
  pthread_mutex_lock(&E->r.mu);
  printf("# events: %d order, %d fill, %d balance, %d position; private streams opened: spot %d, usdm %d\n",
         E->r.orders, E->r.fills, E->r.balances, E->r.positions, E->r.conn_open[1], E->r.conn_open[2]);
  assert_true(E->r.orders > 10);
  assert_true(E->r.fills >= 2);
  assert_int_equal(E->r.dup_fills, 0);
  assert_int_equal(E->r.illegal, 0);
  pthread_mutex_unlock(&E->r.mu);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_spot_paths),     cmocka_unit_test(test_linear_paths),
      cmocka_unit_test(test_validation_nothing_sent), cmocka_unit_test(test_balances),
      cmocka_unit_test(test_5xx_unknown_outcome),     cmocka_unit_test(test_clock_shift),
      cmocka_unit_test(test_dup_reorder),    cmocka_unit_test(test_disconnect_fills),
      cmocka_unit_test(test_stream_expiry),  cmocka_unit_test(test_order_rate),
      cmocka_unit_test(test_free_with_pending), cmocka_unit_test(test_events),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
