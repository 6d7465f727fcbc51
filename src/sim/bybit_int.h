/* Shared state of the Bybit v5 front-end files (bybit_core.c, bybit_rest.c, bybit_ws.c).
 * Everything runs on the simulator thread. See docs/internals/sim_bybit.md. */
#ifndef XC_SIM_BYBIT_INT_H
#define XC_SIM_BYBIT_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/json.h"
#include "core/sign.h"
#include "sim/sim_int.h"

#define XC__BY_MAX_MKTS 64
#define XC__BY_NDEPTH 4          /* orderbook.1, .50, .200, .1000 */
#define XC__BY_CLOSED_MAX 500    /* recent closed orders kept (order/realtime openOnly=1) */
#define XC__BY_NEP 24            /* rate-limited private endpoints */
#define XC__BY_NTICK 24          /* ticker fields */

extern const int xc__by_depths[XC__BY_NDEPTH];       /* 1, 50, 200, 1000 */
extern const int xc__by_depth_ms[XC__BY_NDEPTH];     /* 10, 20, 100, 200 */

/* One orderbook.{depth}.{symbol} stream: the view last sent and its update id. Snapshots sent
 * to a new subscriber are this view, so every later delta applies to it exactly. */
typedef struct xc__by_book_stream {
  int depth;
  int nb, na;                    /* levels in the view */
  xc__sim_level *bids, *asks;    /* depth entries each (allocated at attach) */
  uint64_t u;                    /* update id of the last message (per stream, +1 per message) */
  uint64_t seq;                  /* engine update id at the last message (cross sequence) */
  int64_t last_send_ms;          /* for the depth-1 3 s re-send */
  bool gap;                      /* a gap fault: skip one u on the next delta */
  bool primed;                   /* view reflects the book (false until first use) */
} xc__by_book_stream;

typedef struct xc__by_ticker {
  char val[XC__BY_NTICK][48];
  bool primed;
} xc__by_ticker;

typedef struct xc__by_mkt {
  xc__sim_mkt *m;
  bool linear;
  char sym[24];
  xc__by_book_stream bs[XC__BY_NDEPTH];
  xc__sim_depth_batch *gapb;     /* only to observe the core's book-gap fault */
  xc__by_ticker tk;
  xc_dec prev_trade_px;          /* tick direction */
  int tick_dir;                  /* 0 Plus, 1 ZeroPlus, 2 Minus, 3 ZeroMinus */
} xc__by_mkt;

typedef struct xc__by_ep_limit {
  const char *path;
  int lim_linear, lim_spot;      /* real per-second limits (0 = same as linear) */
  xc__sim_window w[2];           /* [linear, spot] */
} xc__by_ep_limit;

/* Per-session kinds (first field of every per-session struct). */
enum { XC__BY_WS_PUB_SPOT = 1, XC__BY_WS_PUB_LINEAR, XC__BY_WS_PRIVATE, XC__BY_WS_TRADE };

typedef struct xc__by_sess {
  int kind;
  char conn_id[40];
  const xc__sim_user *user;      /* after auth */
  uint64_t last_rx_ms;           /* mono: last message or ping (private/trade idle close) */
  uint64_t max_idle_ms;
} xc__by_sess;

typedef struct xc__by_state {
  xc_sim *sim;
  int nmkts;
  xc__by_mkt mk[XC__BY_MAX_MKTS];
  int mk_of_index[256];          /* engine market index -> mk index + 1 (0 = not Bybit) */
  xc__sim_timer *tick_timer;
  uint64_t ticks;                /* 10 ms ticks */
  const char *batch_cat;         /* category of a batch request while its items are handled */
  uint32_t cadence_pct;          /* push intervals in percent of the real ones (fault
                                    "book_interval_pct=N"); 100 = real */
  /* auth */
  xc_signer *signer;
  const xc__sim_user *signer_user;
  /* rate limits */
  xc__by_ep_limit eps[XC__BY_NEP];
  int neps;
  xc__sim_window ip_win;         /* 600 per 5 s */
  int64_t ip_ban_until;
  int64_t ip_ban_scale;
  /* closed orders ring */
  xc__sim_order *closed;
  int nclosed, closed_head;
  /* wallet push batching */
  bool wallet_dirty;
  const xc__sim_acct *wallet_acct;
  char wallet_assets[16][12];
  int nwallet_assets;
  uint64_t priv_id;              /* message ids */
  struct xc__by_bound { struct xc__by_state *st; const void *route; } bound[40];
  int nbound;
  /* scratch */
  xc_buf out;
  xc__sim_level *lv;             /* 2 x 1000 */
  xc__sim_level *dv;             /* 2 x 2000 (diffs) */
  xc__sim_order_res *res;
  xc__sim_trade *tr;             /* 1000 */
  xc_json js;
} xc__by_state;

typedef struct xc__by_err {
  int code;
  char msg[200];
} xc__by_err;

/* ---- core helpers (bybit_core.c) ---- */
xc__by_mkt *xc__by_mkt_of(xc__by_state *st, const xc__sim_mkt *m);
xc__by_mkt *xc__by_find(xc__by_state *st, bool linear, const char *sym, size_t n);
void xc__by_seterr(xc__by_err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Writes a fixed-places decimal string value (kv). */
void xc__by_kv_fixed(xc_jw *w, const char *key, xc_dec d, int places);
void xc__by_kv_dec(xc_jw *w, const char *key, xc_dec d);
void xc__by_kv_ms(xc_jw *w, const char *key, int64_t ms); /* "1672364262444" */
/* Venue ids: spot numeric strings, linear UUID-like; parse back to engine ids (0 = not ours). */
void xc__by_order_id(const xc__sim_order *o, char *buf, size_t cap);
uint64_t xc__by_parse_order_id(bool linear, const char *s, size_t n);
void xc__by_trade_id(bool linear, uint64_t mkt_index, uint64_t id, char *buf, size_t cap);
/* orderLinkId as shown (empty for engine-generated ids). */
const char *xc__by_link_id(const xc__sim_order *o);
/* Order record (REST realtime/history and the WS order topic with category). */
void xc__by_write_order(xc_jw *w, const xc__sim_order *o, bool with_category);
void xc__by_write_position(xc_jw *w, xc__by_state *st, const xc__sim_acct *a, const xc__sim_mkt *m,
                           bool ws);
/* wallet-balance list[0]; coins NULL = every non-zero coin. */
void xc__by_write_wallet(xc_jw *w, xc__by_state *st, const xc__sim_acct *a, char (*coins)[12],
                         int ncoins);
/* Order entry shared by REST and /v5/trade. obj is the JSON object of the request. Returns 0
 * on success (ids written) or the Bybit retCode with e filled. */
int xc__by_order_create(xc__by_state *st, const xc__sim_user *u, xc_json *j, int obj, char *oid,
                        size_t oid_cap, char *link, size_t link_cap, xc__by_err *e);
int xc__by_order_cancel(xc__by_state *st, const xc__sim_user *u, xc_json *j, int obj, char *oid,
                        size_t oid_cap, char *link, size_t link_cap, xc__by_err *e);
/* Takes one unit of the per-UID quota `key` (a static string: REST path or WS op) for spot or
 * linear: false when over (nothing taken). *lim, *left and *reset are the X-Bapi-Limit,
 * -Status and -Reset-Timestamp values. */
bool xc__by_take(xc__by_state *st, const char *key, int real_limit, bool spot, int64_t *lim, int64_t *left,
                 int64_t *reset);
/* Copies a JSON string or number value's text (NUL-terminated). XC_ENOTFOUND when absent. */
xc_status xc__by_json_text(xc_json *j, int obj, const char *key, char *buf, size_t cap);

/* ---- per file ---- */
xc_status xc__by_rest_attach(xc__by_state *st);
xc_status xc__by_ws_attach(xc__by_state *st);
void xc__by_ws_on_event(xc__by_state *st, const xc__sim_event *ev);
void xc__by_ws_tick(xc__by_state *st);
xc_status xc__by_ws_fault(xc__by_state *st, const xc__sim_fault *f);
/* Brings the depth-1000 stream's view up to date (sending its delta) and returns it: the REST
 * orderbook snapshot comes from it so that REST u matches the WS u. */
xc__by_book_stream *xc__by_book_refresh(xc__by_state *st, xc__by_mkt *bm, int depth_idx);
/* Ticker fields (REST tickers and the WS tickers topic); keys NULL-terminated per kind. */
extern const char *const xc__by_ticker_keys[2][XC__BY_NTICK];
void xc__by_ticker_values(xc__by_state *st, xc__by_mkt *bm, xc__by_ticker *t);
/* Auth against the user's HMAC secret. */
xc_signer *xc__by_signer(xc__by_state *st, const xc__sim_user *u);

#endif
