/* Orders, balances and positions on the client (xconn/trading.h), Binance Spot and USDⓈ-M.
 *
 * Every request runs on the engine thread: breaker check (order entry), rate-limit charge in venue
 * time (weights and order counts), a signed REST call stamped from the clock-sync estimate, then
 * the response goes through the venue parsers into the order tracker, which emits XC_EV_ORDER /
 * XC_EV_FILL events exactly once. An order POST whose outcome is unknown (5xx, timeout, connection
 * lost after sending) is never resent: it is resolved by a query by client id. A -1021 timestamp
 * rejection resynchronizes the clock and retries the request once. See docs/internals/trading.md.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/client_int.h"
#include "api/trading_int.h"
#include "core/breaker.h"
#include "core/clock.h"
#include "core/clocksync.h"
#include "core/json.h"
#include "core/log.h"
#include "core/sign.h"
#include "orders/tracker.h"
#include "venues/binance/trade.h"
#include "xconn/trading.h"

#define MAX_BAL 256
#define MAX_POS 128
#define RESOLVE_TRIES 5

typedef enum kind { K_PLACE, K_CANCEL, K_GET, K_OPEN, K_BAL, K_POS, K_RESOLVE, K_TRADES, K_LKEY } kind;

/* The private (user-data) stream of one market: spot over the WebSocket API
 * (userDataStream.subscribe.signature, or session.logon + userDataStream.subscribe for Ed25519
 * keys, re-sent on every connect as the login hook), USD-M over a
 * listenKey stream (created over REST, kept alive, recreated on listenKeyExpired). */
typedef struct ustream {
  struct xc__trading *t;
  xc_market m;
  xc__ws *ws;
  bool starting, opened_once;
  char listen_key[128];
  xc__timer *keepalive;
  xc__ws_venue hooks;
  uint64_t sub_id;              /* Ed25519 spot: id of the unsigned userDataStream.subscribe, 0 = none */
  char syms[16][XC_SYMBOL_MAX]; /* symbols traded in this session (reconciled after reconnects) */
  size_t nsyms;
} ustream;

typedef struct treq treq;

typedef struct xc__trading {
  xc_client *c;
  xc_signer *signer;                     /* [engine] Binance */
  xc_clocksync clock[XC__NMARKETS];      /* [engine] */
  bool time_inflight[XC__NMARKETS];      /* [engine] */
  treq *wait_clock[XC__NMARKETS];        /* [engine] requests waiting for a clock sample */
  xc_breaker breaker[XC__NMARKETS];      /* [engine] order entry */
  xc_tracker *tracker;                   /* [engine] */
  ustream us[XC__NMARKETS];              /* [engine] */
  uint64_t counter, rnd;                 /* [engine] client ids */
  treq *delayed;                         /* [engine] waiting on a timer */
  bool stopping;                         /* [engine] */
  _Atomic uint64_t n_session_logons;     /* spot session.logon messages sent (Ed25519 keys) */
  _Atomic uint64_t n_session_subs;       /* unsigned userDataStream.subscribe accepted after logon */
  xc__trade_src src;                     /* [engine] source of the updates being applied now */
  xc__timer *clock_timer;                /* [engine] periodic clock refresh (opts.clock_refresh_ms) */
  bool market_used[XC__NMARKETS];        /* [engine] a request or a stream used this market */
  uint8_t outlier_resamples[XC__NMARKETS]; /* [engine] immediate re-samples after outliers since the
                                            last accepted sample or timer tick (bounded) */
  xc__timer *breaker_timer[XC__NMARKETS]; /* [engine] open -> half-open at the open timeout */
  _Atomic uint64_t n_fills[XC__SRC_COUNT], n_orders[XC__SRC_COUNT];
  _Atomic uint64_t n_unknown, n_resolved_placed, n_resolved_not_placed, n_ts_errors, n_time_reqs,
      n_clock_ticks, n_reconciled;
  _Atomic int64_t clock_offset[XC__NMARKETS];
  _Atomic bool clock_have[XC__NMARKETS];
  pthread_mutex_t mu;                    /* caches below */
  pthread_cond_t cv;
  xc_balance bal[XC__NMARKETS][MAX_BAL]; /* [mu] */
  size_t nbal[XC__NMARKETS];
  uint64_t bal_gen[XC__NMARKETS];        /* [mu] completed loads (success or failure) */
  bool bal_loaded[XC__NMARKETS];
  xc_status bal_st[XC__NMARKETS];
  xc_position pos[MAX_POS];              /* [mu] */
  size_t npos;
  uint64_t pos_gen;
  bool pos_loaded;
  xc_status pos_st;
} xc__trading;

struct treq {
  xc__trading *t;
  kind k;
  xc_market m;
  const char *method;
  const char *path;
  uint32_t weight, orders;
  char sym[XC_SYMBOL_MAX];  /* unified */
  char vsym[XC_SYMBOL_MAX];
  char cid[XC_ID_MAX];
  char oid[XC_ID_MAX];
  xc_order_req req;         /* K_PLACE (symbol / client_id point into sym / cid) */
  xc_order_cb cb;
  xc_orders_cb lcb;
  void *user;
  int ts_retries;           /* -1021 retries done */
  int resolve_tries;
  int64_t sent_wall;
  uint64_t started_mono;
  bool breaker_allowed;
  xc__timer *timer;
  void (*then)(treq *);     /* what a delayed request does when its timer fires */
  treq *next;               /* delayed / wait_clock lists */
  char params[512];         /* unsigned query parameters */
  bool unsigned_req;        /* K_LKEY: API key only */
  bool recon;               /* K_GET issued by the reconciliation of a private stream (re)open */
};

static void us_start(xc__trading *t, xc_market m);
static void us_on_listen_key(xc__trading *t, xc_market m, const char *body, size_t len);
static void us_trades_done(xc__trading *t, treq *r, xc_json *j);

/* ---- small helpers ----------------------------------------------------------------------------- */

static uint64_t mono_ms(void) { return xc_mono_ns() / 1000000u; }

static pthread_mutex_t g_init_mu = PTHREAD_MUTEX_INITIALIZER;

/* The client's trading state is kept in a small registry: the client struct belongs to api/client.c;
 * a registry keeps this file self-contained (clients are few). */
typedef struct reg {
  xc_client *c;
  xc__trading *t;
  struct reg *next;
} reg;
static reg *g_reg;

static void trading_free(xc__trading *t) {
  if (!t) return;
  xc_signer_free(t->signer);
  xc_tracker_free(t->tracker);
  pthread_mutex_destroy(&t->mu);
  pthread_cond_destroy(&t->cv);
  free(t);
}

static void complete(treq *r, xc_status st, const xc_order *o, const xc_venue_error *err);
static void fail_list(treq *r, xc_status st);

static void finish_req(treq *r, xc_status st) {
  if (r->k == K_LKEY) {
    r->t->us[r->m].starting = false;
    free(r);
  } else if (r->k == K_TRADES) free(r);
  else if (r->k == K_OPEN) fail_list(r, st);
  else if (r->k == K_BAL || r->k == K_POS) {
    xc__trading *t = r->t;
    pthread_mutex_lock(&t->mu);
    if (r->k == K_BAL) {
      t->bal_st[r->m] = st;
      t->bal_gen[r->m]++;
    } else {
      t->pos_st = st;
      t->pos_gen++;
    }
    pthread_cond_broadcast(&t->cv);
    pthread_mutex_unlock(&t->mu);
    free(r);
  } else complete(r, st, NULL, NULL);
}

static void on_shutdown(xc__engine *e, void *arg) {
  (void)e;
  xc__trading *t = arg;
  t->stopping = true;
  if (t->clock_timer) xc__timer_free(t->clock_timer);
  t->clock_timer = NULL;
  for (int m = 0; m < XC__NMARKETS; m++) {
    if (t->breaker_timer[m]) xc__timer_free(t->breaker_timer[m]);
    t->breaker_timer[m] = NULL;
  }
  for (int m = 0; m < XC__NMARKETS; m++)
    if (t->us[m].ws) (void)xc__ws_close(t->us[m].ws);
  while (t->delayed) {
    treq *r = t->delayed;
    t->delayed = r->next;
    if (r->timer) xc__timer_free(r->timer);
    r->timer = NULL;
    finish_req(r, XC_ECANCELED);
  }
  for (int m = 0; m < XC__NMARKETS; m++)
    while (t->wait_clock[m]) {
      treq *r = t->wait_clock[m];
      t->wait_clock[m] = r->next;
      finish_req(r, XC_ECANCELED);
    }
  pthread_mutex_lock(&t->mu);
  pthread_cond_broadcast(&t->cv);
  pthread_mutex_unlock(&t->mu);
}

static void on_post(xc__engine *e, void *arg) {
  (void)e;
  xc__trading *t = arg;
  pthread_mutex_lock(&g_init_mu);
  for (reg **p = &g_reg; *p; p = &(*p)->next)
    if ((*p)->t == t) {
      reg *x = *p;
      *p = x->next;
      free(x);
      break;
    }
  pthread_mutex_unlock(&g_init_mu);
  trading_free(t);
}

static void emit_cb(void *user, const xc_order *o, const xc_fill *f) {
  xc__trading *t = user;
  xc_event ev;
  memset(&ev, 0, sizeof ev);
  ev.venue = XC_VENUE_BINANCE;
  ev.recv_ts_ns = (int64_t)xc_wall_ms() * 1000000;
  if ((unsigned)t->src < XC__SRC_COUNT) {
    if (o) t->n_orders[t->src]++;
    else t->n_fills[t->src]++;
  }
  if (o) {
    ev.type = XC_EV_ORDER;
    ev.u.order = *o;
    ev.market = o->market;
    ev.symbol = ev.u.order.symbol;
    ev.venue_ts_ms = o->updated_ms;
  } else {
    ev.type = XC_EV_FILL;
    ev.u.fill = *f;
    xc_symbol sy;
    ev.market = xc_symbol_parse(f->symbol, &sy) == XC_OK ? sy.market : XC_MARKET_NONE;
    ev.symbol = ev.u.fill.symbol;
    ev.venue_ts_ms = f->ts_ms;
  }
  xc__client_emit(t->c, &ev);
}

static void breaker_tick(xc__timer *tm, void *arg);

/* Open -> half-open is time-driven: a timer at the open timeout polls the breaker, so the user sees
 * XC_EV_BREAKER half_open when probes become allowed, not only when the next order arrives. */
static void breaker_arm(xc__trading *t, xc_market m, uint64_t open_until) {
  if (t->stopping || atomic_load(&t->c->stopping)) return;
  if (!t->breaker_timer[m]) t->breaker_timer[m] = xc__timer_new(t->c->eng, breaker_tick, &t->breaker[m]);
  if (!t->breaker_timer[m]) return;
  uint64_t now = mono_ms();
  xc__timer_start(t->breaker_timer[m], open_until > now ? open_until - now + 1 : 1, 0);
}

/* An order-entry breaker changed state: XC_EV_BREAKER (engine thread: breakers are only driven
 * there). */
static void breaker_changed(xc_breaker *b, const xc_breaker_event *bev, void *user) {
  xc__trading *t = user;
  xc_event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = XC_EV_BREAKER;
  ev.venue = XC_VENUE_BINANCE;
  ev.market = b == &t->breaker[XC_MARKET_LINEAR] ? XC_MARKET_LINEAR : XC_MARKET_SPOT;
  if (bev->to == XC_BREAKER_OPEN) breaker_arm(t, ev.market, bev->open_until_ms);
  ev.recv_ts_ns = (int64_t)xc_wall_ms() * 1000000;
  ev.u.breaker = *bev;
  xc__client_emit(t->c, &ev);
}

static void breaker_tick(xc__timer *tm, void *arg) {
  (void)tm;
  xc_breaker *b = arg;
  xc__trading *t = b->o.user;
  if (t->stopping) return;
  xc_market m = b == &t->breaker[XC_MARKET_LINEAR] ? XC_MARKET_LINEAR : XC_MARKET_SPOT;
  xc_breaker_stats bs;
  if (xc_breaker_poll(b, mono_ms()) == XC_BREAKER_OPEN) { /* timer a little early: again shortly */
    xc_breaker_stats_get(b, mono_ms(), &bs);
    breaker_arm(t, m, bs.open_until_ms);
  }
}

static void sync_clock(xc__trading *t, xc_market m);

/* Periodic clock refresh: a server-time sample per used market every opts.clock_refresh_ms, so a
 * venue clock change is followed without waiting for a request (or a -1021) to find it. */
static void clock_tick(xc__timer *tm, void *arg) {
  (void)tm;
  xc__trading *t = arg;
  if (t->stopping || !t->signer) return;
  t->n_clock_ticks++;
  memset(t->outlier_resamples, 0, sizeof t->outlier_resamples);
  for (int m = 1; m < XC__NMARKETS; m++)
    if (t->market_used[m] && t->c->rest_url[XC_VENUE_BINANCE][m][0]) sync_clock(t, (xc_market)m);
}

typedef struct start_cmd {
  xc__trading *t;
} start_cmd;

static void register_hooks(xc__engine *e, void *arg, bool cancelled) {
  xc__trading *t = arg;
  /* Also when cancelled: the engine runs cancelled commands before the shutdown hooks, so a hook
   * added now still runs (and the post hook frees the state). */
  (void)cancelled;
  xc__engine_add_hook(e, on_shutdown, on_post, t);
  uint32_t every = t->c->opts.clock_refresh_ms;
  if (!cancelled && every && !atomic_load(&t->c->stopping)) {
    t->clock_timer = xc__timer_new(e, clock_tick, t);
    if (t->clock_timer) xc__timer_start(t->clock_timer, every, every);
  }
}

/* The trading state of c, created on first use (any thread). NULL when out of memory. */
static xc__trading *trading_of(xc_client *c) {
  pthread_mutex_lock(&g_init_mu);
  for (reg *r = g_reg; r; r = r->next)
    if (r->c == c) {
      xc__trading *t = r->t;
      pthread_mutex_unlock(&g_init_mu);
      return t;
    }
  xc__trading *t = calloc(1, sizeof *t);
  reg *g = calloc(1, sizeof *g);
  xc_tracker_opts to;
  xc_tracker_opts_default(&to);
  to.emit = emit_cb;
  to.user = t;
  if (!t || !g || xc_tracker_new(&to, &t->tracker) != XC_OK) {
    free(t);
    free(g);
    pthread_mutex_unlock(&g_init_mu);
    return NULL;
  }
  t->c = c;
  pthread_mutex_init(&t->mu, NULL);
  pthread_cond_init(&t->cv, NULL);
  for (int m = 0; m < XC__NMARKETS; m++) {
    xc_clocksync_opts co;
    xc_clocksync_opts_default(&co);
    if (c->opts.clock_refresh_ms) co.refresh_ms = c->opts.clock_refresh_ms;
    xc_clocksync_init(&t->clock[m], &co);
    xc_breaker_opts bo;
    xc_breaker_opts_default(&bo);
    bo.on_change = breaker_changed;
    bo.user = t;
    xc_breaker_init(&t->breaker[m], &bo);
  }
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  t->rnd = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ (uint64_t)(uintptr_t)t;
  const xc_credentials *k = &c->cred[XC_VENUE_BINANCE];
  if (k->api_secret && k->api_secret[0]) {
    if (k->key_type == XC_KEY_HMAC) (void)xc_signer_new_hmac(k->api_secret, strlen(k->api_secret), &t->signer);
    else (void)xc_signer_new_pem(k->api_secret, strlen(k->api_secret), &t->signer);
  }
  g->c = c;
  g->t = t;
  g->next = g_reg;
  g_reg = g;
  if (xc__engine_on_thread(c->eng)) register_hooks(c->eng, t, false);
  else (void)xc__engine_post(c->eng, register_hooks, t);
  pthread_mutex_unlock(&g_init_mu);
  return t;
}

static uint64_t next_rand(xc__trading *t) {
  uint64_t z = (t->rnd += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Unified -> (market, venue symbol). */
static xc_status map_symbol(xc_client *c, const char *sym, xc_market *m, char *vsym, size_t cap) {
  xc_symbol sy;
  if (!sym || xc_symbol_parse(sym, &sy)) return xc__client_fail(c, XC_EINVAL, "bad symbol '%s'", sym ? sym : "");
  const xc__venue_desc *d = xc__venue_get(XC_VENUE_BINANCE);
  if (!d) return XC_ENOTSUP;
  *m = sy.market;
  return d->ops->venue_symbol(&sy, vsym, cap);
}

/* Venue symbol -> unified symbol through the instrument table (falls back to the venue symbol). */
static void unify(xc_client *c, xc_market m, const char *vsym, char *out, size_t cap) {
  snprintf(out, cap, "%s", vsym);
  pthread_mutex_lock(&c->mu);
  xc__instr_table *tb = &c->instr[XC_VENUE_BINANCE][m];
  for (size_t i = 0; i < tb->n; i++)
    if (strcmp(tb->arr[i].venue_symbol, vsym) == 0) {
      snprintf(out, cap, "%s", tb->arr[i].symbol);
      break;
    }
  pthread_mutex_unlock(&c->mu);
}

/* ---- completion -------------------------------------------------------------------------------- */

static void complete(treq *r, xc_status st, const xc_order *o, const xc_venue_error *err) {
  if (r->cb) r->cb(r->t->c, st, st == XC_OK ? o : NULL, err, r->user);
  free(r);
}

static void fail_list(treq *r, xc_status st) {
  if (r->lcb) r->lcb(r->t->c, st, NULL, 0, r->user);
  free(r);
}

/* ---- sending ----------------------------------------------------------------------------------- */

static void send_now(treq *r);
static void http_done(xc_status st, const xc__http_resp *resp, void *user);

static void time_done(xc_status st, const xc__http_resp *resp, void *user);

typedef struct time_req {
  xc__trading *t;
  xc_market m;
  int64_t sent;
} time_req;

/* Fires a server-time request for market m unless one is in flight. */
static void sync_clock(xc__trading *t, xc_market m) {
  if (t->time_inflight[m]) return;
  xc_client *c = t->c;
  char url[XC__URL_MAX + 32];
  snprintf(url, sizeof url, "%s%s", c->rest_url[XC_VENUE_BINANCE][m],
           m == XC_MARKET_LINEAR ? "/fapi/v1/time" : "/api/v3/time");
  time_req *q = calloc(1, sizeof *q);
  if (!q) return;
  q->t = t;
  q->m = m;
  xc__http_req hr;
  xc__http_req_default(&hr);
  hr.url = url;
  hr.timeout_ms = c->opts.request_timeout_ms;
  q->sent = xc_wall_ms();
  if (c->rl[XC_VENUE_BINANCE][m]) {
    int64_t w = 0;
    (void)xc_rl_acquire(c->rl[XC_VENUE_BINANCE][m], xc_clocksync_server_now(&t->clock[m], q->sent), 1, 0,
                        XC_RL_FAIL, &w);
  }
  if (xc__http_request(c->eng, &hr, time_done, q) != XC_OK) {
    free(q);
    return;
  }
  t->time_inflight[m] = true;
  t->n_time_reqs++;
}

static void release_waiters(xc__trading *t, xc_market m) {
  treq *w = t->wait_clock[m];
  t->wait_clock[m] = NULL;
  while (w) {
    treq *n = w->next;
    w->next = NULL;
    send_now(w);
    w = n;
  }
}

static void time_done(xc_status st, const xc__http_resp *resp, void *user) {
  time_req *q = user;
  xc__trading *t = q->t;
  xc_market m = q->m;
  int64_t now = xc_wall_ms();
  t->time_inflight[m] = false;
  xc_clocksync_verdict verdict = XC_CLOCKSYNC_ACCEPTED;
  bool sampled = false;
  if (st == XC_OK && resp && resp->status == 200 && !t->stopping) {
    xc_json j;
    xc_json_init(&j);
    int64_t server = 0;
    if (xc_json_parse(&j, resp->body, resp->body_len) == XC_OK &&
        xc_json_get_i64(&j, 0, "serverTime", &server) == XC_OK)
      sampled = xc_clocksync_add_sample(&t->clock[m], q->sent, server, now, &verdict) == XC_OK;
    xc_json_free(&j);
  }
  free(q);
  if (t->stopping) return;
  xc_clocksync_stats cs;
  xc_clocksync_stats_get(&t->clock[m], &cs);
  t->clock_offset[m] = cs.offset_ms;
  t->clock_have[m] = cs.have;
  /* more samples wanted (fresh estimate), or an outlier that more samples confirm as a clock step
   * or refute: take them now (outliers: at most 4 in a row per tick, so a venue whose clock answers
   * keep disagreeing cannot make us loop on time requests); the waiters go with the first one */
  bool outlier = sampled && verdict == XC_CLOCKSYNC_OUTLIER;
  if (sampled && !outlier) t->outlier_resamples[m] = 0;
  if (outlier && t->outlier_resamples[m] < 4) t->outlier_resamples[m]++;
  else outlier = false;
  if (st == XC_OK && ((xc_clocksync_needs_refresh(&t->clock[m], now) && cs.samples < 3) || outlier))
    sync_clock(t, m);
  release_waiters(t, m);
}

static void delayed_fire(xc__timer *tm, void *arg) {
  treq *r = arg;
  xc__timer_free(tm);
  r->timer = NULL;
  for (treq **p = &r->t->delayed; *p; p = &(*p)->next)
    if (*p == r) {
      *p = r->next;
      break;
    }
  r->next = NULL;
  r->then(r);
}

/* Parks r on the delayed list (cancelled at shutdown) and runs then(r) after ms. False if no
 * timer could be made (nothing parked). */
static bool park(treq *r, uint64_t ms, void (*then)(treq *)) {
  r->timer = xc__timer_new(r->t->c->eng, delayed_fire, r);
  if (!r->timer) return false;
  r->then = then;
  r->next = r->t->delayed;
  r->t->delayed = r;
  xc__timer_start(r->timer, ms, 0);
  return true;
}

static bool order_entry(const treq *r) { return r->k == K_PLACE || r->k == K_CANCEL; }

/* Charges the budget (waiting on a timer when needed) and sends. Engine thread. */
static void submit(treq *r) {
  xc__trading *t = r->t;
  xc_client *c = t->c;
  if (t->stopping || atomic_load(&c->stopping)) {
    finish_req(r, XC_ECANCELED);
    return;
  }
  if (!t->signer) {
    xc__client_fail(c, XC_EAUTH, "no Binance credentials");
    finish_req(r, XC_EAUTH);
    return;
  }
  int64_t wall = xc_wall_ms();
  /* a clock estimate first (and after a -1021) */
  xc_clocksync_stats cs;
  xc_clocksync_stats_get(&t->clock[r->m], &cs);
  if (!cs.have || xc_clocksync_needs_refresh(&t->clock[r->m], wall)) {
    sync_clock(t, r->m);
    if (!cs.have && t->time_inflight[r->m]) {
      r->next = t->wait_clock[r->m];
      t->wait_clock[r->m] = r;
      return;
    }
  }
  t->market_used[r->m] = true;
  if (order_entry(r) && !r->breaker_allowed) {
    if (xc_breaker_allow(&t->breaker[r->m], mono_ms()) != XC_OK) {
      uint64_t now = mono_ms();
      xc_breaker_stats bs;
      xc_breaker_stats_get(&t->breaker[r->m], now, &bs);
      xc_venue_error ve;
      memset(&ve, 0, sizeof ve);
      if (bs.state == XC_BREAKER_OPEN)
        snprintf(ve.msg, sizeof ve.msg, "binance %s order entry: circuit breaker open, probes allowed in %llu ms",
                 r->m == XC_MARKET_LINEAR ? "usdm" : "spot",
                 (unsigned long long)(bs.open_until_ms > now ? bs.open_until_ms - now : 0));
      else
        snprintf(ve.msg, sizeof ve.msg, "binance %s order entry: circuit breaker half-open, a probe is in flight",
                 r->m == XC_MARKET_LINEAR ? "usdm" : "spot");
      complete(r, XC_EBREAKER, NULL, &ve);
      return;
    }
    r->breaker_allowed = true;
  }
  int64_t wait = 0;
  xc_rl *rl = c->rl[XC_VENUE_BINANCE][r->m];
  xc_status st = rl ? xc_rl_acquire(rl, xc_clocksync_server_now(&t->clock[r->m], wall), r->weight, r->orders,
                                    c->opts.rate_limit_fail_fast ? XC_RL_FAIL : XC_RL_WAIT, &wait)
                    : XC_OK;
  if (st) {
    if (r->breaker_allowed) xc_breaker_release(&t->breaker[r->m]);
    r->breaker_allowed = false;
    finish_req(r, st);
    return;
  }
  if (wait > 0) {
    if (!park(r, (uint64_t)wait, send_now)) finish_req(r, XC_ENOMEM);
    return;
  }
  send_now(r);
}

static void send_now(treq *r) {
  xc__trading *t = r->t;
  xc_client *c = t->c;
  if (t->stopping) {
    finish_req(r, XC_ECANCELED);
    return;
  }
  xc_buf q;
  xc_buf_init(&q);
  xc_status st = xc_buf_puts(&q, r->params);
  int64_t wall = xc_wall_ms();
  if (!st && !r->unsigned_req)
    st = xc_binance_sign_rest(t->signer, &q, NULL, xc_clocksync_timestamp(&t->clock[r->m], wall),
                              c->opts.recv_window_ms ? c->opts.recv_window_ms : 5000);
  char *url = NULL;
  if (!st) {
    size_t n = strlen(c->rest_url[XC_VENUE_BINANCE][r->m]) + strlen(r->path) + q.len + 2;
    url = malloc(n);
    if (!url) st = XC_ENOMEM;
    else snprintf(url, n, "%s%s%s%s", c->rest_url[XC_VENUE_BINANCE][r->m], r->path, q.len ? "?" : "",
                  q.len ? q.data : "");
  }
  xc_buf_free(&q);
  char hdr[160];
  snprintf(hdr, sizeof hdr, "%s: %s", XC_BINANCE_H_API_KEY, c->cred[XC_VENUE_BINANCE].api_key ? c->cred[XC_VENUE_BINANCE].api_key : "");
  const char *hdrs[1] = {hdr};
  if (!st) {
    xc__http_req hr;
    xc__http_req_default(&hr);
    hr.method = r->method;
    hr.url = url;
    hr.headers = hdrs;
    hr.nheaders = 1;
    hr.timeout_ms = c->opts.request_timeout_ms;
    r->sent_wall = wall;
    r->started_mono = mono_ms();
    st = xc__http_request(c->eng, &hr, http_done, r);
  }
  free(url);
  explicit_bzero(hdr, sizeof hdr);
  if (st) {
    if (r->breaker_allowed) xc_breaker_release(&t->breaker[r->m]);
    r->breaker_allowed = false;
    finish_req(r, st);
  }
}

/* ---- responses --------------------------------------------------------------------------------- */

static void resolve_unknown(treq *r);

static void apply_order(xc__trading *t, treq *r, xc_order *o, const xc_fill *fills, size_t nf) {
  t->src = r->k == K_PLACE || r->k == K_CANCEL ? XC__SRC_RESPONSE : r->recon ? XC__SRC_RECONCILE : XC__SRC_QUERY;
  /* venue symbols -> unified */
  snprintf(o->symbol, sizeof o->symbol, "%s", r->sym);
  for (size_t i = 0; i < nf; i++) {
    xc_fill f = fills[i];
    snprintf(f.symbol, sizeof f.symbol, "%s", r->sym);
    (void)xc_tracker_apply(t->tracker, NULL, &f, NULL);
  }
  (void)xc_tracker_apply(t->tracker, o, NULL, NULL);
  xc_order cur;
  if (xc_tracker_get(t->tracker, r->sym, o->order_id, o->client_id, &cur) == XC_OK) *o = cur;
}

static void http_done(xc_status st, const xc__http_resp *resp, void *user) {
  treq *r = user;
  xc__trading *t = r->t;
  xc_client *c = t->c;
  const xc__venue_desc *d = xc__venue_get(XC_VENUE_BINANCE);
  int64_t now = xc_wall_ms();
  int hs = resp ? resp->status : 0;
  xc_rl *rl = c->rl[XC_VENUE_BINANCE][r->m];
  if (resp && rl) {
    for (size_t i = 0; i < resp->nheaders; i++)
      d->ops->rl_header(rl, resp->headers[i].name, resp->headers[i].value, r->sent_wall, now);
    if (hs == 429 || hs == 418) {
      const char *ra = xc__http_header_get(resp, "Retry-After");
      d->ops->rl_http(rl, xc_clocksync_server_now(&t->clock[r->m], now), hs, ra ? strtoll(ra, NULL, 10) : -1);
    }
  }
  xc_venue_error ve;
  memset(&ve, 0, sizeof ve);
  xc_json j;
  xc_json_init(&j);
  bool parsed = resp && resp->body_len && xc_json_parse(&j, resp->body, resp->body_len) == XC_OK;
  if (st == XC_OK && hs >= 400) {
    st = parsed ? xc__bnt_parse_error(&j, 0, hs, &ve) : XC_EHTTP;
    if (st == XC_EPARSE) st = hs >= 500 ? XC_EUNKNOWN_OUTCOME : XC_EREJECTED;
  } else if (st == XC_EHTTP && parsed) {
    xc_status vs = xc__bnt_parse_error(&j, 0, hs, &ve);
    (void)vs;
  }
  if (r->breaker_allowed) {
    xc_breaker_record_started(&t->breaker[r->m], mono_ms(), r->started_mono, st);
    r->breaker_allowed = false;
  }
  if (st == XC_ETIMESTAMP) t->n_ts_errors++;
  if (st == XC_ETIMESTAMP && r->ts_retries == 0 && !t->stopping) {
    /* the clock estimate is wrong now: resync and retry once (the venue did not execute it) */
    xc_json_free(&j);
    xc_clocksync_on_timestamp_error(&t->clock[r->m]);
    r->ts_retries++;
    sync_clock(t, r->m);
    if (t->time_inflight[r->m]) {
      r->next = t->wait_clock[r->m];
      t->wait_clock[r->m] = r;
    } else {
      submit(r);
    }
    return;
  }
  if (st == XC_EUNKNOWN_OUTCOME && r->k == K_PLACE && !t->stopping) {
    xc_json_free(&j);
    (void)xc_tracker_outcome_unknown(t->tracker, r->sym, r->cid);
    t->n_unknown++;
    resolve_unknown(r);
    return;
  }
  if (st != XC_OK) {
    if (ve.code) xc__client_fail(c, st, "%s %s: %lld %s", r->method, r->path, (long long)ve.code, ve.msg);
    else xc__client_fail(c, st, "%s %s: %s%s%s", r->method, r->path, xc_status_str(st),
                         resp && resp->errmsg && resp->errmsg[0] ? ": " : "", resp && resp->errmsg ? resp->errmsg : "");
    t->src = XC__SRC_RESPONSE;
    if (r->k == K_PLACE) {
      (void)xc_tracker_not_found(t->tracker, r->sym, r->cid); /* rejected: never placed */
    } else if (r->k == K_CANCEL) {
      (void)xc_tracker_cancel_failed(t->tracker, r->sym, r->oid, r->cid);
    } else if (r->k == K_RESOLVE && st == XC_EUNKNOWN_ORDER) {
      /* the order never reached the venue */
      t->src = XC__SRC_QUERY;
      t->n_resolved_not_placed++;
      (void)xc_tracker_not_found(t->tracker, r->sym, r->cid);
      xc_json_free(&j);
      char vm[160];
      snprintf(vm, sizeof vm, "%.120s", ve.msg);
      snprintf(ve.msg, sizeof ve.msg, "order not placed (outcome resolved by query: %s)", vm);
      complete(r, XC_EREJECTED, NULL, &ve);
      return;
    } else if (r->k == K_RESOLVE && r->resolve_tries < RESOLVE_TRIES && !t->stopping) {
      xc_json_free(&j);
      resolve_unknown(r); /* the query itself failed: try again later, still never resend */
      return;
    }
    xc_json_free(&j);
    if (r->k == K_RESOLVE) st = XC_EUNKNOWN_OUTCOME;
    if (r->k == K_OPEN || r->k == K_BAL || r->k == K_POS) finish_req(r, st);
    else complete(r, st, NULL, &ve);
    return;
  }
  if (!parsed) {
    xc_json_free(&j);
    finish_req(r, XC_EPROTO);
    return;
  }
  char err[160] = "";
  switch (r->k) {
  case K_LKEY:
    us_on_listen_key(t, r->m, resp->body, resp->body_len);
    xc_json_free(&j);
    free(r);
    return;
  case K_TRADES:
    us_trades_done(t, r, &j);
    xc_json_free(&j);
    free(r);
    return;
  case K_PLACE:
  case K_CANCEL:
  case K_GET:
  case K_RESOLVE: {
    xc_order o;
    xc_fill fills[16];
    size_t nf = 0;
    st = xc__bnt_parse_order(&j, 0, r->m, &o, fills, 16, &nf, err, sizeof err);
    if (st) {
      xc__client_fail(c, XC_EPROTO, "%s: %s", r->path, err);
      xc_json_free(&j);
      finish_req(r, XC_EPROTO);
      return;
    }
    if (r->k == K_RESOLVE) t->n_resolved_placed++;
    apply_order(t, r, &o, fills, nf < 16 ? nf : 16);
    xc_json_free(&j);
    complete(r, XC_OK, &o, NULL);
    return;
  }
  case K_OPEN: {
    size_t n = 0;
    (void)xc__bnt_parse_orders(&j, 0, r->m, NULL, 0, &n, err, sizeof err);
    xc_order *list = calloc(n ? n : 1, sizeof *list);
    st = list ? xc__bnt_parse_orders(&j, 0, r->m, list, n, &n, err, sizeof err) : XC_ENOMEM;
    xc_json_free(&j);
    if (st) {
      free(list);
      fail_list(r, st == XC_ENOMEM ? st : XC_EPROTO);
      return;
    }
    for (size_t i = 0; i < n; i++) apply_order(t, r, &list[i], NULL, 0);
    if (r->lcb) r->lcb(c, XC_OK, list, n, r->user);
    free(list);
    free(r);
    return;
  }
  case K_BAL: {
    xc_balance *b = calloc(MAX_BAL, sizeof *b);
    size_t n = 0;
    st = b ? xc__bnt_parse_balances(&j, 0, r->m, b, MAX_BAL, &n, err, sizeof err) : XC_ENOMEM;
    xc_json_free(&j);
    pthread_mutex_lock(&t->mu);
    if (!st) {
      memcpy(t->bal[r->m], b, (n < MAX_BAL ? n : MAX_BAL) * sizeof *b);
      t->nbal[r->m] = n < MAX_BAL ? n : MAX_BAL;
      t->bal_loaded[r->m] = true;
    }
    t->bal_st[r->m] = st ? XC_EPROTO : XC_OK;
    t->bal_gen[r->m]++;
    pthread_cond_broadcast(&t->cv);
    pthread_mutex_unlock(&t->mu);
    free(b);
    free(r);
    return;
  }
  case K_POS: {
    xc_position *p = calloc(MAX_POS, sizeof *p);
    size_t n = 0;
    st = p ? xc__bnt_parse_positions(&j, 0, p, MAX_POS, &n, err, sizeof err) : XC_ENOMEM;
    xc_json_free(&j);
    if (!st)
      for (size_t i = 0; i < n && i < MAX_POS; i++) {
        char u[XC_SYMBOL_MAX];
        unify(c, XC_MARKET_LINEAR, p[i].symbol, u, sizeof u);
        snprintf(p[i].symbol, sizeof p[i].symbol, "%s", u);
      }
    pthread_mutex_lock(&t->mu);
    if (!st) {
      memcpy(t->pos, p, (n < MAX_POS ? n : MAX_POS) * sizeof *p);
      t->npos = n < MAX_POS ? n : MAX_POS;
      t->pos_loaded = true;
    }
    t->pos_st = st ? XC_EPROTO : XC_OK;
    t->pos_gen++;
    pthread_cond_broadcast(&t->cv);
    pthread_mutex_unlock(&t->mu);
    free(p);
    free(r);
    return;
  }
  }
  xc_json_free(&j);
}

/* Turns r into a query by client id (GET, idempotent) after a short delay; never a resend. */
static void resolve_unknown(treq *r) {
  r->k = K_RESOLVE;
  r->method = "GET";
  r->path = xc__bnt_order_path(r->m);
  r->weight = r->m == XC_MARKET_LINEAR ? 1 : 4;
  r->orders = 0;
  r->ts_retries = 0;
  snprintf(r->params, sizeof r->params, "symbol=%s&origClientOrderId=%s", r->vsym, r->cid);
  uint64_t delay = 50u << (r->resolve_tries < 5 ? r->resolve_tries : 5);
  r->resolve_tries++;
  if (!park(r, delay, submit)) submit(r);
}

/* ---- user-data streams ------------------------------------------------------------------------- */

static treq *internal_req(xc__trading *t, kind k, xc_market m, const char *method, const char *path,
                          uint32_t weight) {
  treq *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->t = t;
  r->k = k;
  r->m = m;
  r->method = method;
  r->path = path;
  r->weight = weight;
  return r;
}

static void emit_conn(xc__trading *t, xc_market m, xc_conn_state st, const char *reason) {
  xc_event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = XC_EV_CONN;
  ev.venue = XC_VENUE_BINANCE;
  ev.market = m;
  ev.recv_ts_ns = (int64_t)xc_wall_ms() * 1000000;
  ev.u.conn.state = st;
  ev.u.conn.name = m == XC_MARKET_SPOT ? "binance spot private" : "binance usdm private";
  ev.u.conn.reason = reason ? reason : "";
  xc__client_emit(t->c, &ev);
}

/* Balance cache update + event. */
static void put_balance(xc__trading *t, const xc_balance *b) {
  pthread_mutex_lock(&t->mu);
  size_t m = (size_t)b->market, i = 0;
  for (; i < t->nbal[m]; i++)
    if (strcmp(t->bal[m][i].asset, b->asset) == 0) break;
  if (i < MAX_BAL) {
    t->bal[m][i] = *b;
    if (i == t->nbal[m]) t->nbal[m]++;
  }
  pthread_mutex_unlock(&t->mu);
  xc_event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = XC_EV_BALANCE;
  ev.venue = XC_VENUE_BINANCE;
  ev.market = b->market;
  ev.u.balance = *b;
  ev.recv_ts_ns = (int64_t)xc_wall_ms() * 1000000;
  xc__client_emit(t->c, &ev);
}

static void put_position(xc__trading *t, const xc_position *p) {
  pthread_mutex_lock(&t->mu);
  size_t i = 0;
  for (; i < t->npos; i++)
    if (strcmp(t->pos[i].symbol, p->symbol) == 0) break;
  if (p->side == XC_POS_FLAT) {
    if (i < t->npos) t->pos[i] = t->pos[--t->npos];
  } else if (i < MAX_POS) {
    t->pos[i] = *p;
    if (i == t->npos) t->npos++;
  }
  pthread_mutex_unlock(&t->mu);
  xc_event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = XC_EV_POSITION;
  ev.venue = XC_VENUE_BINANCE;
  ev.market = XC_MARKET_LINEAR;
  ev.u.position = *p;
  ev.symbol = ev.u.position.symbol;
  ev.venue_ts_ms = p->updated_ms;
  ev.recv_ts_ns = (int64_t)xc_wall_ms() * 1000000;
  xc__client_emit(t->c, &ev);
}

static void us_message(xc__ws *ws, const char *data, size_t len, bool binary, void *user) {
  (void)ws;
  (void)binary;
  ustream *u = user;
  xc__trading *t = u->t;
  if (t->stopping) return;
  xc_json j;
  xc_json_init(&j);
  xc_balance bal[32];
  xc_position pos[16];
  xc__bnt_update up = {.bal = bal, .bal_cap = 32, .pos = pos, .pos_cap = 16};
  if (xc_json_parse(&j, data, len) != XC_OK || xc__bnt_parse_event(&j, u->m, &up, NULL, 0) != XC_OK) {
    xc_json_free(&j);
    return; /* WS-API replies and unknown chatter */
  }
  xc_json_free(&j);
  switch (up.kind) {
  case XC__BNT_ORDER: {
    t->src = XC__SRC_STREAM;
    char sym[XC_SYMBOL_MAX];
    unify(t->c, u->m, up.order.symbol, sym, sizeof sym);
    snprintf(up.order.symbol, sizeof up.order.symbol, "%s", sym);
    snprintf(up.fill.symbol, sizeof up.fill.symbol, "%s", sym);
    (void)xc_tracker_apply(t->tracker, &up.order, up.has_fill ? &up.fill : NULL, NULL);
    break;
  }
  case XC__BNT_BALANCES:
  case XC__BNT_ACCOUNT:
    for (size_t i = 0; i < up.nbal && i < 32; i++) put_balance(t, &bal[i]);
    for (size_t i = 0; i < up.npos && i < 16; i++) {
      char sym[XC_SYMBOL_MAX];
      unify(t->c, XC_MARKET_LINEAR, pos[i].symbol, sym, sizeof sym);
      snprintf(pos[i].symbol, sizeof pos[i].symbol, "%s", sym);
      put_position(t, &pos[i]);
    }
    break;
  case XC__BNT_BALANCE_DELTA: {
    xc_balance b = {.venue = XC_VENUE_BINANCE, .market = u->m};
    snprintf(b.asset, sizeof b.asset, "%s", up.asset);
    pthread_mutex_lock(&t->mu);
    for (size_t i = 0; i < t->nbal[u->m]; i++)
      if (strcmp(t->bal[u->m][i].asset, up.asset) == 0) b = t->bal[u->m][i];
    pthread_mutex_unlock(&t->mu);
    (void)xc_dec_add(b.free, up.delta, &b.free);
    put_balance(t, &b);
    break;
  }
  case XC__BNT_LISTENKEY_EXPIRED:
    if (u->m == XC_MARKET_SPOT) {
      /* eventStreamTerminated: reconnect; the login hook subscribes again, then we reconcile */
      if (u->ws) (void)xc__ws_kick(u->ws);
    } else if (!u->starting) {
      /* a new key; the stream switches to it on the next connect, which we force */
      treq *r = internal_req(t, K_LKEY, u->m, "POST", xc__bnt_listen_key_path(u->m), 1);
      if (r) {
        r->unsigned_req = true;
        u->starting = true;
        submit(r);
      }
    }
    break;
  default: break;
  }
}

/* After a reconnect: trades of every symbol with live orders (fills first), then each live order. */
static void us_reconcile(xc__trading *t, xc_market m) {
  ustream *u = &t->us[m];
  for (size_t i = 0; i < u->nsyms; i++) {
    treq *r = internal_req(t, K_TRADES, m, "GET", xc__bnt_trades_path(m), m == XC_MARKET_SPOT ? 20 : 5);
    if (!r) continue;
    snprintf(r->sym, sizeof r->sym, "%s", u->syms[i]);
    if (map_symbol(t->c, r->sym, &r->m, r->vsym, sizeof r->vsym) != XC_OK) {
      free(r);
      continue;
    }
    /* the most recent 1000 (the maximum; the weight does not depend on the limit) */
    snprintf(r->params, sizeof r->params, "symbol=%s&limit=1000", r->vsym);
    submit(r);
  }
}

static void us_note_symbol(xc__trading *t, xc_market m, const char *sym) {
  ustream *u = &t->us[m];
  for (size_t i = 0; i < u->nsyms; i++)
    if (strcmp(u->syms[i], sym) == 0) return;
  if (u->nsyms < 16) snprintf(u->syms[u->nsyms++], XC_SYMBOL_MAX, "%s", sym);
}

static void us_trades_done(xc__trading *t, treq *r, xc_json *j) {
  size_t n = 0;
  (void)xc__bnt_parse_trades(j, 0, r->m, NULL, 0, &n, NULL, 0);
  xc_fill *f = calloc(n ? n : 1, sizeof *f);
  t->src = XC__SRC_RECONCILE;
  if (f && xc__bnt_parse_trades(j, 0, r->m, f, n, &n, NULL, 0) == XC_OK) {
    /* oldest first (Binance returns ascending ids) */
    for (size_t i = 0; i < n; i++) {
      snprintf(f[i].symbol, sizeof f[i].symbol, "%s", r->sym);
      xc_order o;
      if (xc_tracker_get(t->tracker, r->sym, f[i].order_id, NULL, &o) == XC_OK)
        (void)xc_tracker_apply(t->tracker, NULL, &f[i], NULL);
    }
  }
  free(f);
  /* then the state of each live order of the symbol */
  xc_order live[64];
  size_t nl = xc_tracker_live(t->tracker, live, 64);
  for (size_t i = 0; i < nl && i < 64; i++) {
    if (strcmp(live[i].symbol, r->sym) != 0 || !live[i].client_id[0]) continue;
    treq *g = internal_req(t, K_GET, r->m, "GET", xc__bnt_order_path(r->m), r->m == XC_MARKET_SPOT ? 4 : 1);
    if (!g) continue;
    g->recon = true;
    snprintf(g->sym, sizeof g->sym, "%s", r->sym);
    snprintf(g->vsym, sizeof g->vsym, "%s", r->vsym);
    snprintf(g->params, sizeof g->params, "symbol=%s&origClientOrderId=%s", r->vsym, live[i].client_id);
    submit(g);
  }
}

static bool spot_subscribe_after_logon(ustream *u);

/* The private stream delivers events: report it open and reconcile after a reconnect. */
static void us_opened(ustream *u) {
  xc__trading *t = u->t;
  emit_conn(t, u->m, XC_CONN_OPEN, "");
  /* after a reconnect, and also on the first open when orders were placed before it (the first
   * order starts the stream: what happened to it before the stream was up is only over REST) */
  if ((u->opened_once || u->nsyms) && !t->stopping) {
    t->n_reconciled++;
    us_reconcile(t, u->m);
  }
  u->opened_once = true;
}

static void us_state(xc__ws *ws, const xc__ws_event *ev, void *user) {
  (void)ws;
  ustream *u = user;
  xc__trading *t = u->t;
  if (ev->final) {
    u->ws = NULL;
    return;
  }
  if (ev->state == XC__WS_OPEN && ev->reason != XC__WSR_ROTATED) {
    /* Ed25519: open once the unsigned subscribe is accepted (spot_classify) */
    if (!spot_subscribe_after_logon(u)) us_opened(u);
  } else if (ev->state == XC__WS_RECONNECTING) {
    emit_conn(t, u->m, XC_CONN_RECONNECTING, ev->detail);
  }
}

/* Spot: the login of every connection. HMAC keys: userDataStream.subscribe.signature (the login
 * and the subscription at once). Ed25519 keys: session.logon (signed), then, once it is accepted,
 * an unsigned userDataStream.subscribe sent from us_state (binance.md 2.4, 9.2). */
static bool spot_session_logon(const xc__trading *t) {
  return t->signer && xc_signer_alg(t->signer) == XC_SIGN_ED25519;
}

static xc_status spot_auth(void *vctx, uint64_t req_id, xc_buf *out) {
  ustream *u = vctx;
  xc__trading *t = u->t;
  const char *key = t->c->cred[XC_VENUE_BINANCE].api_key ? t->c->cred[XC_VENUE_BINANCE].api_key : "";
  char ts[24];
  snprintf(ts, sizeof ts, "%lld", (long long)xc_clocksync_timestamp(&t->clock[XC_MARKET_SPOT], xc_wall_ms()));
  xc_kv kv[2] = {{"apiKey", 6, key, strlen(key)}, {"timestamp", 9, ts, strlen(ts)}};
  char sig[XC_SIG_TEXT_MAX];
  size_t sl = 0;
  xc_buf scratch;
  xc_buf_init(&scratch);
  xc_status st = xc_binance_sign_ws(t->signer, kv, 2, &scratch, sig, sizeof sig, &sl);
  xc_buf_wipe_free(&scratch);
  if (st) return st;
  bool logon = spot_session_logon(t);
  if (logon) t->n_session_logons++;
  return xc_buf_printf(out,
                       "{\"id\":%llu,\"method\":\"%s\",\"params\":{\"apiKey\":\"%s\","
                       "\"timestamp\":%s,\"signature\":\"%s\"}}",
                       (unsigned long long)req_id, logon ? "session.logon" : "userDataStream.subscribe.signature",
                       key, ts, sig);
}

/* Ed25519: after session.logon was accepted (the connection is ready), subscribe without a
 * signature. False when this connection does not log on with a session (nothing sent). */
static bool spot_subscribe_after_logon(ustream *u) {
  xc__trading *t = u->t;
  if (u->m != XC_MARKET_SPOT || !spot_session_logon(t) || !u->ws) return false;
  u->sub_id = (1ull << 61) + (next_rand(t) >> 4);
  char msg[96];
  int n = snprintf(msg, sizeof msg, "{\"id\":%llu,\"method\":\"userDataStream.subscribe\"}",
                   (unsigned long long)u->sub_id);
  if (xc__ws_send(u->ws, msg, (size_t)n) != XC_OK) {
    XC_WARN("trading", "spot user data: cannot send the subscribe; reconnecting");
    u->sub_id = 0;
    (void)xc__ws_kick(u->ws);
  }
  return true;
}

static xc_status spot_build_sub(void *vctx, bool sub, const char *const *topics, size_t n, uint64_t req_id,
                                xc_buf *out) {
  (void)vctx, (void)sub, (void)topics, (void)n, (void)req_id, (void)out;
  return XC_ENOTSUP; /* the user-data connection has no topics */
}

static int spot_classify(void *vctx, const char *msg, size_t len, uint64_t *req_id, bool *ok) {
  /* replies: {"id":N,"status":200,...}; events: {"subscriptionId":N,"event":{...}} */
  if (len < 8 || memcmp(msg, "{\"id\":", 6) != 0) return 0;
  char *end = NULL;
  unsigned long long id = strtoull(msg + 6, &end, 10);
  if (!end || end == msg + 6) return 0;
  *req_id = id;
  *ok = strstr(msg, "\"status\":200") != NULL;
  ustream *u = vctx;
  if (u && u->sub_id && id == u->sub_id) {
    u->sub_id = 0;
    if (*ok) {
      u->t->n_session_subs++;
      us_opened(u);
    } else {
      XC_WARN("trading", "spot user data: userDataStream.subscribe refused after session.logon; reconnecting");
      if (u->ws) (void)xc__ws_kick(u->ws);
    }
    return 2;
  }
  return 1;
}

static void ws_url_for(xc__trading *t, xc_market m, char *out, size_t cap) {
  const char *base = t->c->ws_url[XC_VENUE_BINANCE][m];
  if (m == XC_MARKET_SPOT) {
    if (strstr(base, "stream.binance.com")) snprintf(out, cap, "wss://ws-api.binance.com:443/ws-api/v3");
    else if (strstr(base, "testnet.binance.vision")) snprintf(out, cap, "wss://ws-api.testnet.binance.vision/ws-api/v3");
    else snprintf(out, cap, "%s/ws-api/v3", base);
  } else {
    snprintf(out, cap, "%s/ws/%s", base, t->us[m].listen_key);
  }
}

static void us_connect(xc__trading *t, xc_market m) {
  ustream *u = &t->us[m];
  char url[XC__URL_MAX + 160];
  ws_url_for(t, m, url, sizeof url);
  if (u->ws) {
    (void)xc__ws_set_url(u->ws, url);
    (void)xc__ws_kick(u->ws);
    return;
  }
  xc__ws_opts o;
  xc__ws_opts_default(&o);
  o.url = url;
  o.idle_timeout_ms = t->c->opts.ws_idle_timeout_ms ? t->c->opts.ws_idle_timeout_ms : 60000;
  o.ping_interval_ms = o.idle_timeout_ms / 3;
  o.backoff.base_ms = t->c->opts.reconnect_min_ms;
  o.backoff.cap_ms = t->c->opts.reconnect_max_ms;
  o.on_state = us_state;
  o.on_message = us_message;
  o.user = u;
  if (m == XC_MARKET_SPOT) {
    memset(&u->hooks, 0, sizeof u->hooks);
    u->hooks.build_auth = spot_auth;
    u->hooks.build_sub = spot_build_sub;
    u->hooks.classify = spot_classify;
    u->hooks.vctx = u;
    o.venue = &u->hooks;
  }
  xc_status wst = xc__ws_new(t->c->eng, &o, &u->ws);
  if (wst != XC_OK) u->ws = NULL;
  emit_conn(t, m, XC_CONN_CONNECTING, "");
}

static void keepalive_tick(xc__timer *tm, void *arg) {
  (void)tm;
  ustream *u = arg;
  if (u->t->stopping || !u->listen_key[0]) return;
  treq *r = internal_req(u->t, K_LKEY, u->m, "PUT", xc__bnt_listen_key_path(u->m), 1);
  if (!r) return;
  r->unsigned_req = true;
  snprintf(r->params, sizeof r->params, "listenKey=%s", u->listen_key);
  submit(r);
}

static void us_on_listen_key(xc__trading *t, xc_market m, const char *body, size_t len) {
  ustream *u = &t->us[m];
  u->starting = false;
  xc_json j;
  xc_json_init(&j);
  char key[128] = "";
  if (xc_json_parse(&j, body, len) == XC_OK) (void)xc_json_get_str(&j, 0, "listenKey", key, sizeof key);
  xc_json_free(&j);
  if (!key[0]) return;
  bool changed = strcmp(key, u->listen_key) != 0;
  snprintf(u->listen_key, sizeof u->listen_key, "%s", key);
  if (!u->keepalive) {
    u->keepalive = xc__timer_new(t->c->eng, keepalive_tick, u);
    uint64_t every = 30ull * 60 * 1000;
    const char *e = getenv("XCONN_LISTENKEY_KEEPALIVE_MS"); /* tests scale it */
    if (e && atoll(e) > 0) every = (uint64_t)atoll(e);
    if (u->keepalive) xc__timer_start(u->keepalive, every, every);
  }
  if (changed || !u->ws) us_connect(t, m);
}

/* Starts the private stream of market m once (engine thread). */
static void us_start(xc__trading *t, xc_market m) {
  ustream *u = &t->us[m];
  u->t = t;
  u->m = m;
  if (!t->stopping) t->market_used[m] = true;
  if (u->ws || u->starting || t->stopping || !t->signer || !t->c->ws_url[XC_VENUE_BINANCE][m][0]) return;
  if (m == XC_MARKET_SPOT) {
    us_connect(t, m);
    return;
  }
  treq *r = internal_req(t, K_LKEY, m, "POST", xc__bnt_listen_key_path(m), 1);
  if (!r) return;
  r->unsigned_req = true;
  u->starting = true;
  submit(r);
}

/* ---- commands from any thread ------------------------------------------------------------------ */

static void run_cmd(xc__engine *e, void *arg, bool cancelled) {
  (void)e;
  treq *r = arg;
  if (cancelled) {
    finish_req(r, XC_ECANCELED);
    return;
  }
  r->t->src = XC__SRC_RESPONSE; /* our own request's local steps (pending new / pending cancel) */
  if (r->k == K_PLACE) {
    xc_order o;
    memset(&o, 0, sizeof o);
    o.venue = XC_VENUE_BINANCE;
    o.market = r->m;
    snprintf(o.symbol, sizeof o.symbol, "%s", r->sym);
    snprintf(o.client_id, sizeof o.client_id, "%s", r->cid);
    o.side = r->req.side;
    o.type = r->req.type;
    o.tif = r->req.tif;
    o.price = r->req.price;
    o.qty = r->req.qty;
    o.reduce_only = r->req.reduce_only;
    o.created_ms = xc_wall_ms();
    xc_status st = xc_tracker_submitted(r->t->tracker, &o);
    if (st == XC_EDUPLICATE) {
      xc__client_fail(r->t->c, XC_EDUPLICATE, "client id %s is in use by a live order", r->cid);
      finish_req(r, XC_EDUPLICATE);
      return;
    }
  } else if (r->k == K_CANCEL) {
    (void)xc_tracker_cancel_requested(r->t->tracker, r->sym, r->oid, r->cid);
  }
  if (r->k != K_BAL && r->k != K_POS) us_start(r->t, r->m);
  if (r->k == K_PLACE) us_note_symbol(r->t, r->m, r->sym);
  submit(r);
}

static xc_status post(xc_client *c, treq *r) {
  xc_status st = xc__engine_post(c->eng, run_cmd, r);
  if (st) free(r);
  return st;
}

static treq *new_req(xc_client *c, xc_venue v, kind k, const char *symbol, xc_status *st) {
  *st = XC_OK;
  if (!c) {
    *st = XC_EINVAL;
    return NULL;
  }
  if (v != XC_VENUE_BINANCE) {
    *st = xc__client_fail(c, XC_ENOTSUP, "trading on %s is not implemented", xc_venue_name(v));
    return NULL;
  }
  if (atomic_load(&c->stopping)) {
    *st = XC_ECANCELED;
    return NULL;
  }
  xc__trading *t = trading_of(c);
  treq *r = t ? calloc(1, sizeof *r) : NULL;
  if (!r) {
    *st = XC_ENOMEM;
    return NULL;
  }
  r->t = t;
  r->k = k;
  if (symbol) {
    *st = map_symbol(c, symbol, &r->m, r->vsym, sizeof r->vsym);
    if (!*st && !c->rest_url[XC_VENUE_BINANCE][r->m][0]) *st = XC_ENOTSUP;
    snprintf(r->sym, sizeof r->sym, "%s", symbol);
  }
  if (*st) {
    free(r);
    return NULL;
  }
  return r;
}

xc_status xc_order_place(xc_client *c, const xc_order_req *req, char *client_id_out, xc_order_cb cb, void *user) {
  if (!c || !req) return XC_EINVAL;
  xc_status st;
  treq *r = new_req(c, req->venue, K_PLACE, req->symbol, &st);
  if (!r) return st;
  xc_instrument in;
  st = xc_instrument_get(c, req->venue, req->symbol, &in);
  char why[200];
  if (!st) st = xc__bnt_validate(req, &in, why, sizeof why);
  else snprintf(why, sizeof why, "%s", xc_client_errmsg(c));
  if (st) {
    free(r);
    return xc__client_fail(c, st, "%s", why);
  }
  xc__trading *t = r->t;
  if (req->client_id) snprintf(r->cid, sizeof r->cid, "%s", req->client_id);
  else {
    pthread_mutex_lock(&g_init_mu);
    uint64_t n = ++t->counter, rnd = next_rand(t);
    pthread_mutex_unlock(&g_init_mu);
    (void)xc__bnt_client_id(r->cid, sizeof r->cid, xc_wall_ms(), n, rnd);
  }
  r->req = *req;
  r->req.symbol = r->sym;
  r->req.client_id = r->cid;
  xc_buf q;
  xc_buf_init(&q);
  st = xc__bnt_new_order_query(&q, r->m, req, r->vsym, r->cid);
  if (!st && q.len + 1 > sizeof r->params) st = XC_ERANGE;
  if (!st) memcpy(r->params, q.data, q.len + 1);
  xc_buf_free(&q);
  if (st) {
    free(r);
    return xc__client_fail(c, st, "cannot build the order request");
  }
  r->method = "POST";
  r->path = xc__bnt_order_path(r->m);
  r->weight = 1;
  r->orders = 1;
  r->cb = cb;
  r->user = user;
  if (client_id_out) snprintf(client_id_out, XC_ID_MAX, "%s", r->cid);
  return post(c, r);
}

static xc_status ref_req(xc_client *c, const xc_order_ref *ref, kind k, xc_order_cb cb, void *user) {
  if (!c || !ref) return XC_EINVAL;
  xc_status st;
  treq *r = new_req(c, ref->venue, k, ref->symbol, &st);
  if (!r) return st;
  xc_buf q;
  xc_buf_init(&q);
  st = xc__bnt_order_ref_query(&q, ref, r->vsym);
  if (!st && q.len + 1 > sizeof r->params) st = XC_ERANGE;
  if (!st) memcpy(r->params, q.data, q.len + 1);
  xc_buf_free(&q);
  if (st) {
    free(r);
    return xc__client_fail(c, st, "order reference needs an order id (digits) or a valid client id");
  }
  if (ref->order_id) snprintf(r->oid, sizeof r->oid, "%s", ref->order_id);
  if (ref->client_id) snprintf(r->cid, sizeof r->cid, "%s", ref->client_id);
  r->method = k == K_CANCEL ? "DELETE" : "GET";
  r->path = xc__bnt_order_path(r->m);
  r->weight = k == K_GET && r->m == XC_MARKET_SPOT ? 4 : 1;
  r->cb = cb;
  r->user = user;
  return post(c, r);
}

xc_status xc_order_cancel(xc_client *c, const xc_order_ref *ref, xc_order_cb cb, void *user) {
  return ref_req(c, ref, K_CANCEL, cb, user);
}

xc_status xc_order_get(xc_client *c, const xc_order_ref *ref, xc_order_cb cb, void *user) {
  return ref_req(c, ref, K_GET, cb, user);
}

xc_status xc_orders_open(xc_client *c, xc_venue v, const char *symbol, xc_orders_cb cb, void *user) {
  if (!c || !symbol) return c ? xc__client_fail(c, XC_EINVAL, "symbol required") : XC_EINVAL;
  xc_status st;
  treq *r = new_req(c, v, K_OPEN, symbol, &st);
  if (!r) return st;
  snprintf(r->params, sizeof r->params, "symbol=%s", r->vsym);
  r->method = "GET";
  r->path = xc__bnt_open_orders_path(r->m);
  r->weight = r->m == XC_MARKET_SPOT ? 6 : 1;
  r->lcb = cb;
  r->user = user;
  return post(c, r);
}

/* ---- blocking forms ---------------------------------------------------------------------------- */

/* A blocking call's rendezvous with its completion. Heap-allocated with two references (the caller
 * and the completion): a caller that gives up at its timeout returns at once, and the completion,
 * which always comes exactly once, later frees the waiter without touching the caller's memory. */
typedef struct waiter {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int refs;
  bool done, abandoned;
  xc_status st;
  xc_order order;
  xc_venue_error err;
  xc_order *list; /* the caller's array (orders_open); not written once abandoned */
  size_t cap, n;
} waiter;

static waiter *waiter_new(void) {
  waiter *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  pthread_mutex_init(&w->mu, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&w->cv, &ca);
  pthread_condattr_destroy(&ca);
  w->refs = 2;
  return w;
}

/* Drops one reference; the last one frees. Called with w->mu held, which it releases. */
static void waiter_release_locked(waiter *w) {
  bool last = --w->refs == 0;
  pthread_mutex_unlock(&w->mu);
  if (!last) return;
  pthread_mutex_destroy(&w->mu);
  pthread_cond_destroy(&w->cv);
  free(w);
}

static void on_order_sync(xc_client *c, xc_status st, const xc_order *o, const xc_venue_error *err, void *user) {
  (void)c;
  waiter *w = user;
  pthread_mutex_lock(&w->mu);
  w->st = st;
  if (o) w->order = *o;
  if (err) w->err = *err;
  w->done = true;
  pthread_cond_signal(&w->cv);
  waiter_release_locked(w);
}

static void on_orders_sync(xc_client *c, xc_status st, const xc_order *o, size_t n, void *user) {
  (void)c;
  waiter *w = user;
  pthread_mutex_lock(&w->mu);
  w->st = st;
  w->n = n;
  for (size_t i = 0; !w->abandoned && o && i < n && i < w->cap; i++) w->list[i] = o[i];
  w->done = true;
  pthread_cond_signal(&w->cv);
  waiter_release_locked(w);
}

/* Waits for w up to timeout_ms (0: until it completes, which the client's request timeout and the
 * resolution of unknown outcomes bound). Returns with w->mu held. On timeout the request goes on:
 * its result still reaches the order events; the caller gets XC_ETIMEDOUT. */
static xc_status wait_locked(waiter *w, uint32_t timeout_ms) {
  pthread_mutex_lock(&w->mu);
  if (!timeout_ms) {
    while (!w->done) pthread_cond_wait(&w->cv, &w->mu);
    return w->st;
  }
  struct timespec until;
  clock_gettime(CLOCK_MONOTONIC, &until);
  until.tv_sec += timeout_ms / 1000;
  until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
  if (until.tv_nsec >= 1000000000L) {
    until.tv_sec++;
    until.tv_nsec -= 1000000000L;
  }
  while (!w->done)
    if (pthread_cond_timedwait(&w->cv, &w->mu, &until) == ETIMEDOUT && !w->done) {
      w->abandoned = true;
      return XC_ETIMEDOUT;
    }
  return w->st;
}

/* Submission result st (the completion fires only if it is XC_OK), then the wait. */
static xc_status sync_order(xc_client *c, xc_status st, waiter *w, uint32_t timeout_ms, xc_order *out,
                            xc_venue_error *err) {
  if (st != XC_OK) {
    pthread_mutex_lock(&w->mu);
    w->refs--; /* no completion will come */
    waiter_release_locked(w);
    return st;
  }
  st = wait_locked(w, timeout_ms);
  if (st == XC_ETIMEDOUT && !w->done) {
    waiter_release_locked(w);
    if (err) memset(err, 0, sizeof *err);
    return xc__client_fail(c, st, "no result within %u ms; the request goes on and its outcome arrives as order events",
                           timeout_ms);
  }
  if (out && st == XC_OK) *out = w->order;
  if (err) *err = w->err;
  xc_venue_error ve = w->err;
  waiter_release_locked(w);
  if (st != XC_OK && ve.code) xc__client_fail(c, st, "%lld %s", (long long)ve.code, ve.msg);
  else if (st != XC_OK && ve.msg[0]) xc__client_fail(c, st, "%s", ve.msg);
  return st;
}

static bool on_engine(xc_client *c) { return c && xc__engine_on_thread(c->eng); }

/* Loads the instruments of (Binance, m) when called off the engine thread, so that venue symbols
 * in responses and stream events map to unified ones. */
static void ensure_instruments(xc_client *c, xc_market m) {
  if (on_engine(c)) return;
  size_t n = 0;
  (void)xc_instruments_list(c, XC_VENUE_BINANCE, m, NULL, 0, &n);
}

xc_status xc_order_place_sync(xc_client *c, const xc_order_req *req, uint32_t timeout_ms, xc_order *out,
                              xc_venue_error *err) {
  if (on_engine(c)) return xc__client_fail(c, XC_EMISUSE, "_sync call from a callback");
  waiter *w = waiter_new();
  if (!w) return XC_ENOMEM;
  return sync_order(c, xc_order_place(c, req, NULL, on_order_sync, w), w, timeout_ms, out, err);
}

xc_status xc_order_cancel_sync(xc_client *c, const xc_order_ref *ref, uint32_t timeout_ms, xc_order *out,
                               xc_venue_error *err) {
  if (on_engine(c)) return xc__client_fail(c, XC_EMISUSE, "_sync call from a callback");
  waiter *w = waiter_new();
  if (!w) return XC_ENOMEM;
  return sync_order(c, xc_order_cancel(c, ref, on_order_sync, w), w, timeout_ms, out, err);
}

xc_status xc_order_get_sync(xc_client *c, const xc_order_ref *ref, uint32_t timeout_ms, xc_order *out,
                            xc_venue_error *err) {
  if (on_engine(c)) return xc__client_fail(c, XC_EMISUSE, "_sync call from a callback");
  waiter *w = waiter_new();
  if (!w) return XC_ENOMEM;
  return sync_order(c, xc_order_get(c, ref, on_order_sync, w), w, timeout_ms, out, err);
}

xc_status xc_orders_open_sync(xc_client *c, xc_venue v, const char *symbol, uint32_t timeout_ms, xc_order *out,
                              size_t cap, size_t *n) {
  if (on_engine(c)) return xc__client_fail(c, XC_EMISUSE, "_sync call from a callback");
  waiter *w = waiter_new();
  if (!w) return XC_ENOMEM;
  w->list = out;
  w->cap = out ? cap : 0;
  xc_status st = xc_orders_open(c, v, symbol, on_orders_sync, w);
  if (st != XC_OK) {
    pthread_mutex_lock(&w->mu);
    w->refs--; /* no completion will come */
    waiter_release_locked(w);
    return st;
  }
  st = wait_locked(w, timeout_ms);
  bool timed_out = st == XC_ETIMEDOUT && !w->done;
  if (!timed_out && n) *n = w->n;
  waiter_release_locked(w);
  if (timed_out) return xc__client_fail(c, st, "no result within %u ms", timeout_ms);
  return st;
}

/* ---- balances and positions -------------------------------------------------------------------- */

/* Loads (v, m) balances or positions over REST and waits (not on the engine thread). */
static xc_status load_and_wait(xc_client *c, xc__trading *t, kind k, xc_market m) {
  if (on_engine(c)) return xc__client_fail(c, XC_EMISUSE, "not loaded yet (cannot block in a callback)");
  treq *r = calloc(1, sizeof *r);
  if (!r) return XC_ENOMEM;
  r->t = t;
  r->k = k;
  r->m = m;
  r->method = "GET";
  r->path = k == K_BAL ? xc__bnt_balances_path(m) : "/fapi/v2/positionRisk";
  r->weight = k == K_BAL && m == XC_MARKET_SPOT ? 20 : 5;
  pthread_mutex_lock(&t->mu);
  uint64_t gen0 = k == K_BAL ? t->bal_gen[m] : t->pos_gen;
  pthread_mutex_unlock(&t->mu);
  xc_status st = post(c, r);
  if (st) return st;
  pthread_mutex_lock(&t->mu);
  while ((k == K_BAL ? t->bal_gen[m] : t->pos_gen) == gen0 && !atomic_load(&c->stopping))
    pthread_cond_wait(&t->cv, &t->mu);
  st = atomic_load(&c->stopping) ? XC_ECANCELED : k == K_BAL ? t->bal_st[m] : t->pos_st;
  pthread_mutex_unlock(&t->mu);
  return st;
}

xc_status xc_balances_get(xc_client *c, xc_venue v, xc_market m, xc_balance *out, size_t cap, size_t *n) {
  if (!c || m <= XC_MARKET_NONE || m >= XC__NMARKETS) return XC_EINVAL;
  if (v != XC_VENUE_BINANCE) return xc__client_fail(c, XC_ENOTSUP, "balances on %s not implemented", xc_venue_name(v));
  if (!c->rest_url[v][m][0]) return XC_ENOTSUP;
  xc__trading *t = trading_of(c);
  if (!t) return XC_ENOMEM;
  pthread_mutex_lock(&t->mu);
  bool loaded = t->bal_loaded[m];
  pthread_mutex_unlock(&t->mu);
  if (!loaded) {
    xc_status st = load_and_wait(c, t, K_BAL, m);
    if (st) return xc__client_fail(c, st, "balance query failed: %s", xc_client_errmsg(c));
  }
  pthread_mutex_lock(&t->mu);
  size_t k = t->nbal[m];
  for (size_t i = 0; out && i < k && i < cap; i++) out[i] = t->bal[m][i];
  pthread_mutex_unlock(&t->mu);
  if (n) *n = k;
  return XC_OK;
}

xc_status xc_positions_get(xc_client *c, xc_venue v, xc_position *out, size_t cap, size_t *n) {
  if (!c) return XC_EINVAL;
  if (v != XC_VENUE_BINANCE) return xc__client_fail(c, XC_ENOTSUP, "positions on %s not implemented", xc_venue_name(v));
  if (!c->rest_url[v][XC_MARKET_LINEAR][0]) return XC_ENOTSUP;
  xc__trading *t = trading_of(c);
  if (!t) return XC_ENOMEM;
  pthread_mutex_lock(&t->mu);
  bool loaded = t->pos_loaded;
  pthread_mutex_unlock(&t->mu);
  if (!loaded) {
    ensure_instruments(c, XC_MARKET_LINEAR);
    xc_status st = load_and_wait(c, t, K_POS, XC_MARKET_LINEAR);
    if (st) return xc__client_fail(c, st, "position query failed: %s", xc_client_errmsg(c));
  }
  pthread_mutex_lock(&t->mu);
  size_t k = t->npos;
  for (size_t i = 0; out && i < k && i < cap; i++) out[i] = t->pos[i];
  pthread_mutex_unlock(&t->mu);
  if (n) *n = k;
  return XC_OK;
}

/* ---- starting the private stream alone --------------------------------------------------------- */

typedef struct watch_cmd {
  xc__trading *t;
  xc_market m;
} watch_cmd;

static void watch_run(xc__engine *e, void *arg, bool cancelled) {
  (void)e;
  watch_cmd *w = arg;
  if (!cancelled) us_start(w->t, w->m);
  free(w);
}

xc_status xc_account_watch(xc_client *c, xc_venue v, xc_market m) {
  if (!c || m <= XC_MARKET_NONE || m >= XC__NMARKETS) return XC_EINVAL;
  if (v != XC_VENUE_BINANCE) return xc__client_fail(c, XC_ENOTSUP, "private stream of %s not implemented", xc_venue_name(v));
  if (!c->cred[v].api_key || !c->cred[v].api_secret) return xc__client_fail(c, XC_EAUTH, "no Binance credentials");
  if (!c->ws_url[v][m][0]) return XC_ENOTSUP;
  ensure_instruments(c, m);
  xc__trading *t = trading_of(c);
  watch_cmd *w = t ? malloc(sizeof *w) : NULL;
  if (!w) return XC_ENOMEM;
  w->t = t;
  w->m = m;
  xc_status st = xc__engine_post(c->eng, watch_run, w);
  if (st) free(w);
  return st;
}

/* Test hook (declared where used): spot session.logon messages sent and unsigned
 * userDataStream.subscribe replies accepted after a logon, since the trading state was created. */
void xc__trading_logon_stats(xc_client *c, uint64_t *logons, uint64_t *subs);
void xc__trading_logon_stats(xc_client *c, uint64_t *logons, uint64_t *subs) {
  xc__trading *t = c ? trading_of(c) : NULL;
  *logons = t ? t->n_session_logons : 0;
  *subs = t ? t->n_session_subs : 0;
}

void xc__trading_stats_get(xc_client *c, xc__trading_stats *out) {
  memset(out, 0, sizeof *out);
  xc__trading *t = c ? trading_of(c) : NULL;
  if (!t) return;
  for (int i = 0; i < XC__SRC_COUNT; i++) {
    out->fills[i] = t->n_fills[i];
    out->orders[i] = t->n_orders[i];
  }
  out->unknown_outcomes = t->n_unknown;
  out->resolved_placed = t->n_resolved_placed;
  out->resolved_not_placed = t->n_resolved_not_placed;
  out->timestamp_errors = t->n_ts_errors;
  out->time_requests = t->n_time_reqs;
  out->clock_timer_ticks = t->n_clock_ticks;
  out->reconciliations = t->n_reconciled;
  for (int m = 0; m < XC__NMARKETS && m < 3; m++) {
    out->clock_have[m] = t->clock_have[m];
    out->clock_offset_ms[m] = t->clock_offset[m];
  }
}
