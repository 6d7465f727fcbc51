/* Shared state of the Binance front-end files (binance_rest.c, binance_ws.c, binance_wsapi.c,
 * binance_userdata.c). Everything runs on the simulator thread. */
#ifndef XC_SIM_BINANCE_INT_H
#define XC_SIM_BINANCE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/json.h"
#include "sim/binance_errors.h"
#include "sim/binance_filters.h"
#include "sim/binance_fmt.h"
#include "sim/binance_limits.h"
#include "sim/binance_params.h"
#include "sim/sim_int.h"

enum { XC__BN_SPOT = 0, XC__BN_FUT = 1 };
/* First int of every per-session struct (xc__sim_ws_data). */
enum { XC__BN_SESS_STREAM = 0x5354, XC__BN_SESS_WSAPI = 0x4150 };

/* Depth stream cadences: spot 1000/100 ms, futures 250/500/100 ms. */
#define XC__BN_NCAD 3
#define XC__BN_MAX_MKTS 64
#define XC__BN_MAX_WSAPI_SUBS 64
#define XC__BN_MAX_FUT_USER 64
#define XC__BN_MAX_DEPTH 5000

typedef struct xc__bn_mkt_state {
  xc__sim_mkt *m;
  xc__sim_depth_batch *batch[XC__BN_NCAD];
  int64_t last_u[XC__BN_NCAD];   /* last u sent per cadence (futures pu) */
  bool book_dirty;
  xc_dec last_bid, last_ask, last_bid_qty, last_ask_qty;
  char lsym[24];                 /* lowercase symbol for stream names */
} xc__bn_mkt_state;

/* One spot WebSocket API user data subscription. */
typedef struct xc__bn_wsapi_sub {
  xc__sim_ws *ws;
  int64_t sub_id;
  const xc__sim_acct *acct;
} xc__bn_wsapi_sub;

typedef struct xc__bn_state {
  xc_sim *sim;
  xc__bn_limits lim[2];
  unsigned lim_pct;
  int nmkts;
  xc__bn_mkt_state mk[XC__BN_MAX_MKTS];
  xc__sim_timer *depth_timer;   /* 50 ms: depth, tickers, mark price, listenKey expiry */
  uint64_t tick;                 /* 100 ms ticks */
  /* spot user data over the WebSocket API */
  xc__bn_wsapi_sub subs[XC__BN_MAX_WSAPI_SUBS];
  int nsubs;
  int64_t next_sub_id;
  /* futures listenKey */
  char listen_key[72];
  int64_t listen_key_expiry_ms;  /* 0 = none */
  xc__sim_ws *fut_user[XC__BN_MAX_FUT_USER];
  int nfut_user;
  /* per-action batching of balance / position changes */
  bool spot_bal_dirty, fut_acct_dirty;
  const xc__sim_acct *spot_acct_ev, *fut_acct_ev;
  char spot_assets[16][12];
  int nspot_assets;
  bool fut_pos_dirty[XC__BN_MAX_MKTS];
  bool deposit_pending;
  bool fut_fill_in_batch;        /* a futures fill happened in this engine action */
  char deposit_asset[12];
  xc_dec deposit_delta;
  int64_t exec_id;
  bool dry_run;                  /* order/test: validate only, reply {} */
  const char *cancel_clid;       /* id of the cancel request in progress (spot executionReport c) */
  xc_buf out, out2;              /* scratch for formatting */
  struct xc__bn_bound { struct xc__bn_state *st; const void *route; } bound[96]; /* REST route user ptrs */
  /* scratch, allocated once at attach (the simulator thread is the only user) */
  void *rest_ctx;
  void *wsapi_ctx;               /* one WebSocket API request context */
  xc_json json;                  /* reader for WebSocket control / API messages */
  xc_buf reply, err;             /* WebSocket API result and error scratch */
  xc__sim_order_res *res;
  xc__sim_level *lv;      /* 2 x XC__BN_MAX_DEPTH */
  xc__bn_level *bl;       /* 2 x XC__BN_MAX_DEPTH */
  xc__sim_trade *tr;      /* 1000 */
  xc__sim_fill *fills;    /* 1000 */
  xc__sim_order *forders; /* 1000 */
  int nbound;
  xc__sim_window conn_win[3];    /* new connections per 5 min: spot streams, futures streams, WS API */
} xc__bn_state;

/* Places for formatting a market's numbers (spot 8/8/8, futures tick/step places). */
xc__bn_places xc__bn_places_of(const xc__sim_mkt *m);
/* Rules of a market (for filters and exchangeInfo). */
void xc__bn_rules_of(const xc__sim_mkt *m, xc__bn_rules *r);
/* Fills an order view from an engine order. */
void xc__bn_order_view_of(const xc__sim_order *o, xc__bn_order_view *v, bool futures);
/* Market state for m (NULL if not Binance). */
xc__bn_mkt_state *xc__bn_mkt_state_of(xc__bn_state *st, const xc__sim_mkt *m);

/* Counts a new WebSocket connection of class k (0 spot streams, 1 futures streams, 2 WS API)
 * against 300 per 5 minutes (scaled by the rate-limit percentage); false = refuse (429). */
bool xc__bn_conn_ok(xc__bn_state *st, int k);

/* Registration per file. */
xc_status xc__bn_rest_attach(xc__bn_state *st);
xc_status xc__bn_ws_attach(xc__bn_state *st);
xc_status xc__bn_wsapi_attach(xc__bn_state *st);
/* Engine events for the stream and user data sides. */
void xc__bn_ws_on_event(xc__bn_state *st, const xc__sim_event *ev);
void xc__bn_user_on_event(xc__bn_state *st, const xc__sim_event *ev);
/* Faults. */
xc_status xc__bn_ws_fault(xc__bn_state *st, const xc__sim_fault *f);
/* The futures user data sessions (listenKey streams). */
void xc__bn_fut_user_add(xc__bn_state *st, xc__sim_ws *ws);
void xc__bn_fut_user_remove(xc__bn_state *st, xc__sim_ws *ws);
/* Whether a futures user session accepts event type e (the /private events= allow-list). */
bool xc__bn_fut_user_wants(xc__sim_ws *ws, const char *e);
/* WebSocket API subscriptions of a closing session. */
void xc__bn_wsapi_forget(xc__bn_state *st, xc__sim_ws *ws);
/* Sends eventStreamTerminated to every spot subscription and drops them. */
void xc__bn_user_terminate(xc__bn_state *st);
/* Expires the futures listenKey (listenKeyExpired on its streams). */
void xc__bn_user_expire_key(xc__bn_state *st);
/* Frees the stream-side state. */
void xc__bn_ws_destroy(xc__bn_state *st);

/* Places an order from Binance parameters (REST and WebSocket API share this). On success
 * writes the venue reply into w and returns 0; else the Binance code with e filled. */
int xc__bn_order_new(xc__bn_state *st, const xc__bn_params *p, xc__sim_acct *acct, bool futures,
                     xc_jw *w, xc__bn_err *e);
int xc__bn_order_cancel(xc__bn_state *st, const xc__bn_params *p, xc__sim_acct *acct, bool futures,
                        xc_jw *w, xc__bn_err *e);
int xc__bn_order_query(xc__bn_state *st, const xc__bn_params *p, xc__sim_acct *acct, bool futures,
                       xc_jw *w, xc__bn_err *e);

/* Runs a REST handler (no rate limits, no authentication) for the WebSocket API: method + path
 * as in the route table; *weight (may be NULL) gets the route's weight for these params. */
int xc__bn_rest_call(xc__bn_state *st, const char *method, const char *path, const xc__bn_params *p,
                     xc__sim_acct *acct, xc_jw *w, xc__bn_err *e, int *weight);

#endif
