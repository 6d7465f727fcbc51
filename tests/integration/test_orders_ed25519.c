/* Binance Spot with an Ed25519 key against the simulator (real loopback sockets): REST orders are
 * Ed25519-signed, the private stream logs on with session.logon then subscribes without a
 * signature, and order/fill events arrive over it. Also: 200 spot orders pushed at 200/s are paced
 * by the client's rate limiter (wait mode) so the simulator never answers 429/418. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/binance.h"
#include "testutil.h"
#include "xconn/events.h"
#include "xconn/sim.h"
#include "xconn/trading.h"

/* Test hook in src/api/trading.c: session.logon messages sent, unsigned subscribes accepted. */
void xc__trading_logon_stats(xc_client *c, uint64_t *logons, uint64_t *subs);

typedef struct rec {
  pthread_mutex_t mu;
  int spot_open;
  int orders, fills;
  char fill_oid[64][XC_ID_MAX];
  int nfill_oid;
  char order_oid[256][XC_ID_MAX];
  int norder_oid;
} rec;

static void on_event(xc_client *c, const xc_event *ev, void *user) {
  (void)c;
  rec *r = user;
  pthread_mutex_lock(&r->mu);
  if (ev->type == XC_EV_CONN && ev->u.conn.state == XC_CONN_OPEN && ev->market == XC_MARKET_SPOT) r->spot_open++;
  if (ev->type == XC_EV_ORDER) {
    r->orders++;
    if (r->norder_oid < 256) snprintf(r->order_oid[r->norder_oid++], XC_ID_MAX, "%s", ev->u.order.order_id);
  }
  if (ev->type == XC_EV_FILL) {
    r->fills++;
    if (r->nfill_oid < 64) snprintf(r->fill_oid[r->nfill_oid++], XC_ID_MAX, "%s", ev->u.fill.order_id);
  }
  pthread_mutex_unlock(&r->mu);
}

typedef struct env {
  xc_sim *sim;
  xc_client *c;
  char pem[512];
  rec r;
} env;

static env *E;

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int setup(void **state) {
  (void)state;
  E = calloc(1, sizeof *E);
  pthread_mutex_init(&E->r.mu, NULL);
  xc_sim_opts so;
  xc_sim_opts_default(&so);
  so.seed = 11;
  so.quiet = true;
  assert_int_equal(xc_sim_new(&so, &E->sim), XC_OK);
  assert_int_equal(xc_sim_start(E->sim), XC_OK);
  assert_int_equal(xc__sim_binance_ed25519_pem(xc_sim_api_secret(E->sim), E->pem, sizeof E->pem), XC_OK);
  xc_credentials k = {.api_key = xc_sim_api_key(E->sim), .api_secret = E->pem, .key_type = XC_KEY_ED25519};
  xc_client_opts o;
  xc_client_opts_default(&o);
  o.endpoints_json = xc_sim_endpoints_json(E->sim);
  o.binance = &k;
  o.on_event = on_event;
  o.user = &E->r;
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

static bool has_oid(char (*list)[XC_ID_MAX], int n, const char *oid) {
  for (int i = 0; i < n; i++)
    if (strcmp(list[i], oid) == 0) return true;
  return false;
}

static void test_ed25519_logon_stream(void **state) {
  (void)state;
  assert_int_equal(xc_account_watch(E->c, XC_VENUE_BINANCE, XC_MARKET_SPOT), XC_OK);
  int open = 0;
  for (int i = 0; i < 500 && !open; i++) {
    pthread_mutex_lock(&E->r.mu);
    open = E->r.spot_open;
    pthread_mutex_unlock(&E->r.mu);
    if (!open) sleep_ms(10);
  }
  assert_true(open >= 1);
  uint64_t logons = 0, subs = 0;
  xc__trading_logon_stats(E->c, &logons, &subs);
  assert_true(logons >= 1); /* the login path was session.logon, not subscribe.signature */
  assert_true(subs >= 1);   /* and the unsigned userDataStream.subscribe was accepted */

  /* an Ed25519-signed REST order that fills; its events arrive over the logged-on stream */
  xc_order_req q;
  memset(&q, 0, sizeof q);
  q.venue = XC_VENUE_BINANCE;
  q.symbol = "BTC/USDT";
  q.side = XC_SIDE_BUY;
  q.type = XC_ORDER_MARKET;
  q.qty = D("0.001");
  xc_order o;
  xc_venue_error ve;
  xc_status st = xc_order_place_sync(E->c, &q, 0, &o, &ve);
  if (st) fail_msg("market: %s %s", xc_status_str(st), xc_client_errmsg(E->c));
  assert_int_equal(o.status, XC_ORDER_FILLED);
  bool got_fill = false, got_order = false;
  for (int i = 0; i < 500 && !(got_fill && got_order); i++) {
    pthread_mutex_lock(&E->r.mu);
    got_fill = has_oid(E->r.fill_oid, E->r.nfill_oid, o.order_id);
    got_order = has_oid(E->r.order_oid, E->r.norder_oid, o.order_id);
    pthread_mutex_unlock(&E->r.mu);
    if (!(got_fill && got_order)) sleep_ms(10);
  }
  assert_true(got_order);
  assert_true(got_fill);
  /* a resting order and its cancel, also Ed25519-signed */
  q.type = XC_ORDER_LIMIT;
  q.tif = XC_TIF_GTC;
  q.price = D("50000.00");
  assert_int_equal(xc_order_place_sync(E->c, &q, 0, &o, &ve), XC_OK);
  assert_int_equal(o.status, XC_ORDER_NEW);
  xc_order_ref ref = {.venue = XC_VENUE_BINANCE, .symbol = "BTC/USDT", .order_id = o.order_id};
  assert_int_equal(xc_order_cancel_sync(E->c, &ref, 0, &o, NULL), XC_OK);
  assert_int_equal(o.status, XC_ORDER_CANCELED);
  xc__trading_logon_stats(E->c, &logons, &subs);
  printf("# ed25519: session.logon sent %llu, unsigned subscribes accepted %llu\n", (unsigned long long)logons,
         (unsigned long long)subs);
}

typedef struct burst {
  pthread_mutex_t mu;
  int done, limited, other;
  int64_t wall_ms[200];
  int nvenue;
} burst;

static void on_burst(xc_client *c, xc_status st, const xc_order *o, const xc_venue_error *err, void *user) {
  (void)c, (void)err;
  burst *b = user;
  pthread_mutex_lock(&b->mu);
  b->done++;
  if (st == XC_ERATELIMIT || st == XC_EBANNED) b->limited++;
  else if (st != XC_OK) b->other++;
  if (st == XC_OK && o && b->nvenue < 200) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    b->wall_ms[b->nvenue++] = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
  }
  pthread_mutex_unlock(&b->mu);
}

/* 200 IOC orders (they expire unfilled, so all count against spot's 100 orders / 10 s) pushed at
 * 200/s: the limiter (wait mode, the default) holds the excess until the next window, none is
 * refused: the simulator, which answers 429 -1015 past 100 unfilled orders in its 10 s window (and
 * 418 after repeated refusals), never did, as no order failed with XC_ERATELIMIT/XC_EBANNED. */
static void test_spot_order_rate(void **state) {
  (void)state;
  burst b = {.mu = PTHREAD_MUTEX_INITIALIZER};
  int64_t t0 = mono_ms();
  for (int i = 0; i < 200; i++) {
    xc_order_req q;
    memset(&q, 0, sizeof q);
    q.venue = XC_VENUE_BINANCE;
    q.symbol = "BTC/USDT";
    q.side = XC_SIDE_BUY;
    q.type = XC_ORDER_LIMIT;
    q.tif = XC_TIF_IOC;
    q.price = D("50000.00");
    q.qty = D("0.001");
    assert_int_equal(xc_order_place(E->c, &q, NULL, on_burst, &b), XC_OK);
    sleep_ms(5);
  }
  for (int i = 0; i < 2800; i++) { /* bounded: 28 s */
    pthread_mutex_lock(&b.mu);
    int d = b.done;
    pthread_mutex_unlock(&b.mu);
    if (d == 200) break;
    sleep_ms(10);
  }
  int64_t took = mono_ms() - t0;
  pthread_mutex_lock(&b.mu);
  /* informative: answers per wall-clock 10 s window (the simulator's windows are epoch-aligned;
   * an answer can land a few ms after its window, so this is printed, not asserted: the simulator's
   * own verdict, no 429/418, is the assertion) */
  int max_win = 0;
  for (int i = 0; i < b.nvenue; i++) {
    int n = 0;
    for (int k = 0; k < b.nvenue; k++) n += b.wall_ms[k] / 10000 == b.wall_ms[i] / 10000;
    if (n > max_win) max_win = n;
  }
  printf("# spot: 200 orders at 200/s: %d done, %d rate-limited, %d other failures, %lld ms, "
         "max %d answered in one 10 s window\n",
         b.done, b.limited, b.other, (long long)took, max_win);
  assert_int_equal(b.done, 200);
  assert_int_equal(b.limited, 0);
  assert_int_equal(b.other, 0);
  assert_int_equal(b.nvenue, 200);
  assert_true(took < 28000); /* bounded: at most two window boundaries waited for */
  pthread_mutex_unlock(&b.mu);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ed25519_logon_stream),
      cmocka_unit_test(test_spot_order_rate),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
