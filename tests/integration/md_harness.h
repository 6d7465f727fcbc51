/* Shared helpers of the market-data integration tests (test_md_*.c): an embedded simulator, a
 * client pointed at it, an event recorder and a comparison of the local book with the
 * simulator's true book. Header-only (static functions): each test program includes it once. */
#ifndef XC_MD_HARNESS_H
#define XC_MD_HARNESS_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/json.h"
#include "testutil.h"
#include "xconn/events.h"
#include "xconn/market.h"
#include "xconn/sim.h"

#define H_MAX_TRADES 20000
#define H_MAX_STATES 512

typedef struct h_rec {
  pthread_mutex_t mu;
  int n[16];                       /* events per xc_event_type */
  int conn_open, conn_reconnecting;
  /* trades: ids in arrival order (per symbol index 0 = first trade subscription seen) */
  int64_t trade_ids[H_MAX_TRADES];
  int ntrades;
  int trade_dups;                  /* a trade id not above the previous one */
  int64_t last_ticker_E;
  int ticker_dups;
  struct {
    xc_book_state state;
    xc_book_reason reason;
  } states[H_MAX_STATES];
  int nstates;
  int book_updates;
  bool book_live;
  bool bad_decimal;                /* a book event whose levels were not strictly ordered */
  int errors;
  char last_error[256];
} h_rec;

static void h_on_event(xc_client *c, const xc_event *ev, void *user) {
  (void)c;
  h_rec *r = user;
  pthread_mutex_lock(&r->mu);
  if (ev->type < 16) r->n[ev->type]++;
  switch (ev->type) {
  case XC_EV_CONN:
    if (ev->u.conn.state == XC_CONN_OPEN) r->conn_open++;
    if (ev->u.conn.state == XC_CONN_RECONNECTING) r->conn_reconnecting++;
    break;
  case XC_EV_TRADE: {
    int64_t id = strtoll(ev->u.trade.trade_id, NULL, 10);
    if (r->ntrades && id <= r->trade_ids[r->ntrades - 1]) r->trade_dups++;
    if (r->ntrades < H_MAX_TRADES) r->trade_ids[r->ntrades++] = id;
    break;
  }
  case XC_EV_TICKER:
    if (ev->venue_ts_ms <= r->last_ticker_E) r->ticker_dups++;
    r->last_ticker_E = ev->venue_ts_ms;
    break;
  case XC_EV_BOOK_STATE:
    if (r->nstates < H_MAX_STATES) {
      r->states[r->nstates].state = ev->u.book.state;
      r->states[r->nstates].reason = ev->u.book.reason;
      r->nstates++;
    }
    r->book_live = ev->u.book.state == XC_BOOK_LIVE;
    break;
  case XC_EV_BOOK: {
    r->book_updates++;
    r->book_live = true;
    const xc_book_top *t = ev->u.book.top;
    for (uint32_t i = 1; i < t->nbids; i++)
      if (xc_dec_cmp(t->bids[i].price, t->bids[i - 1].price) >= 0) r->bad_decimal = true;
    for (uint32_t i = 1; i < t->nasks; i++)
      if (xc_dec_cmp(t->asks[i].price, t->asks[i - 1].price) <= 0) r->bad_decimal = true;
    break;
  }
  case XC_EV_ERROR:
    r->errors++;
    snprintf(r->last_error, sizeof r->last_error, "%s", ev->u.error.what);
    break;
  default: break;
  }
  pthread_mutex_unlock(&r->mu);
}

static xc_sim *h_sim_new(uint64_t seed, bool manual) {
  xc_sim_opts o;
  xc_sim_opts_default(&o);
  o.seed = seed;
  o.quiet = true;
  o.bg_manual = manual;
  xc_sim *s = NULL;
  assert_int_equal(xc_sim_new(&o, &s), XC_OK);
  assert_int_equal(xc_sim_start(s), XC_OK);
  return s;
}

static xc_client *h_client_new(xc_sim *sim, h_rec *r, uint32_t idle_ms) {
  memset(r, 0, sizeof *r);
  pthread_mutex_init(&r->mu, NULL);
  xc_client_opts o;
  xc_client_opts_default(&o);
  o.endpoints_json = xc_sim_endpoints_json(sim);
  o.on_event = h_on_event;
  o.user = r;
  o.ws_idle_timeout_ms = idle_ms;
  o.book_stale_ms = idle_ms;
  o.reconnect_min_ms = 50;
  o.reconnect_max_ms = 400;
  xc_client *c = NULL;
  assert_int_equal(xc_client_new(&o, &c), XC_OK);
  return c;
}

static void h_sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* Waits up to ms for pred(r) under the recorder lock. */
static bool h_wait(h_rec *r, int ms, bool (*pred)(h_rec *, void *), void *arg) {
  uint64_t end = xc_mono_ns() + (uint64_t)ms * 1000000ull;
  for (;;) {
    pthread_mutex_lock(&r->mu);
    bool ok = pred(r, arg);
    pthread_mutex_unlock(&r->mu);
    if (ok) return true;
    if (xc_mono_ns() > end) return false;
    h_sleep_ms(10);
  }
}

static bool h_pred_count(h_rec *r, void *arg) {
  const int *want = arg; /* {type, count} */
  return r->n[want[0]] >= want[1];
}

/* Compares the local book with the simulator's true book once both are at the same update id;
 * retries for up to ms (one update cycle of the stream is 100 ms). Returns true when equal. */
static bool h_book_matches(xc_client *c, xc_sim *sim, xc_sim_kind kind, const char *vsym, const char *usym, int ms,
                           char *why, size_t whycap) {
  static xc_book_level lb[6000], la[6000];
  uint64_t end = xc_mono_ns() + (uint64_t)ms * 1000000ull;
  why[0] = 0;
  xc_json j;
  xc_json_init(&j);
  bool ok = false;
  while (!ok && xc_mono_ns() < end) {
    xc_book_bbo bbo;
    if (xc_book_get_bbo(c, XC_VENUE_BINANCE, usym, &bbo) != XC_OK || bbo.state != XC_BOOK_LIVE) {
      snprintf(why, whycap, "book not live");
      h_sleep_ms(20);
      continue;
    }
    char *truth = NULL;
    if (xc_sim_book_json(sim, XC_SIM_BINANCE, kind, vsym, 0, &truth) != XC_OK) break;
    uint32_t nb = 0, na = 0;
    int64_t uid = 0;
    xc_book_copy_levels(c, XC_VENUE_BINANCE, usym, lb, 6000, &nb, la, 6000, &na, &uid);
    int64_t tid = -1;
    if (xc_json_parse(&j, truth, strlen(truth)) == XC_OK) (void)xc_json_get_i64(&j, 0, "lastUpdateId", &tid);
    if (tid != uid) {
      snprintf(why, whycap, "update ids differ: local %lld, true %lld", (long long)uid, (long long)tid);
      xc_sim_str_free(truth);
      h_sleep_ms(15);
      continue;
    }
    int bids = xc_json_get(&j, 0, "bids"), asks = xc_json_get(&j, 0, "asks");
    bool same = (uint32_t)xc_json_count(&j, bids) == nb && (uint32_t)xc_json_count(&j, asks) == na;
    if (!same) snprintf(why, whycap, "level counts differ: local %u/%u true %d/%d", nb, na, xc_json_count(&j, bids),
                        xc_json_count(&j, asks));
    uint32_t i = 0;
    for (int e = xc_json_first(&j, bids); same && e >= 0; e = xc_json_next(&j, e), i++) {
      xc_dec p, q;
      xc_json_dec_pair(&j, e, &p, &q);
      if (xc_dec_cmp(p, lb[i].price) || xc_dec_cmp(q, lb[i].qty)) {
        same = false;
        snprintf(why, whycap, "bid level %u differs", i);
      }
    }
    i = 0;
    for (int e = xc_json_first(&j, asks); same && e >= 0; e = xc_json_next(&j, e), i++) {
      xc_dec p, q;
      xc_json_dec_pair(&j, e, &p, &q);
      if (xc_dec_cmp(p, la[i].price) || xc_dec_cmp(q, la[i].qty)) {
        same = false;
        snprintf(why, whycap, "ask level %u differs", i);
      }
    }
    xc_sim_str_free(truth);
    if (same) ok = true;
    else h_sleep_ms(15);
  }
  xc_json_free(&j);
  return ok;
}

#endif
