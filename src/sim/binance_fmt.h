/* Binance JSON payload formatters for the simulator: orders (spot and USD-M), user data events,
 * market data (REST and stream shapes). Field names, order and types follow
 * ../shared/protocols/binance.md: prices and quantities as strings (spot padded to 8 decimals,
 * futures to the symbol's precision), ids and times as integers. The formatters take plain views
 * filled by the front ends, so they do not depend on the engine's types. Pure; thread-safe.
 */
#ifndef XC_SIM_BINANCE_FMT_H
#define XC_SIM_BINANCE_FMT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/json.h"
#include "xconn/decimal.h"

/* Decimal places for prices and quantities of one symbol (-1 = canonical, no padding). */
typedef struct xc__bn_places {
  int price, qty, quote;
} xc__bn_places;

typedef struct xc__bn_fill {
  xc_dec price, qty, commission;
  const char *commission_asset;
  int64_t trade_id;
} xc__bn_fill;

/* One order as Binance reports it. Strings are borrowed. */
typedef struct xc__bn_order_view {
  const char *symbol;
  int64_t order_id;
  const char *client_id;       /* clientOrderId (on a cancel reply: the cancel's id) */
  const char *orig_client_id;  /* cancel reply / cancel event: the order's own id; NULL otherwise */
  const char *side, *type, *tif, *status;
  xc_dec price, orig_qty, executed_qty, cum_quote, orig_quote_qty, stop_price, avg_price;
  int64_t time, update_time, transact_time, working_time;
  bool is_working;
  /* futures */
  bool reduce_only, close_position;
  const char *position_side;
  /* FULL replies */
  const xc__bn_fill *fills;
  int nfills;
} xc__bn_order_view;

typedef enum xc__bn_resp { XC__BN_RESP_ACK, XC__BN_RESP_RESULT, XC__BN_RESP_FULL } xc__bn_resp;

/* POST /api/v3/order reply (ACK / RESULT / FULL). */
void xc__bn_spot_new_order(xc_jw *w, const xc__bn_order_view *o, xc__bn_resp kind, const xc__bn_places *pl);
/* DELETE /api/v3/order reply (also the elements of DELETE /api/v3/openOrders). */
void xc__bn_spot_cancel(xc_jw *w, const xc__bn_order_view *o, const xc__bn_places *pl);
/* GET /api/v3/order and the elements of GET /api/v3/openOrders. */
void xc__bn_spot_order(xc_jw *w, const xc__bn_order_view *o, const xc__bn_places *pl);
/* USD-M order object (new ACK/RESULT, cancel, query): with_times adds time/updateTime (query). */
void xc__bn_fut_order(xc_jw *w, const xc__bn_order_view *o, bool with_times, const xc__bn_places *pl);

/* One execution event: the order after the event plus what happened. */
typedef struct xc__bn_exec_view {
  const xc__bn_order_view *o;
  const char *exec_type;   /* NEW, TRADE, CANCELED, EXPIRED, REJECTED */
  const char *reject_reason;
  xc_dec last_qty, last_price, commission;
  const char *commission_asset; /* NULL = none */
  int64_t trade_id;        /* -1 spot / 0 futures when not a trade */
  int64_t exec_id;
  bool maker;
  xc_dec realized_pnl;     /* futures rp */
  int64_t event_time, tx_time;
} xc__bn_exec_view;

/* Spot executionReport event (bare object, the caller wraps it). */
void xc__bn_spot_exec_report(xc_jw *w, const xc__bn_exec_view *x, const xc__bn_places *pl);
/* Futures ORDER_TRADE_UPDATE event. */
void xc__bn_fut_order_update(xc_jw *w, const xc__bn_exec_view *x, const xc__bn_places *pl);

typedef struct xc__bn_balance_view {
  const char *asset;
  xc_dec free, locked;
} xc__bn_balance_view;

/* Spot outboundAccountPosition. */
void xc__bn_spot_account_position(xc_jw *w, int64_t event_time, int64_t update_time,
                                  const xc__bn_balance_view *b, int n);

typedef struct xc__bn_fut_pos_view {
  const char *symbol;
  xc_dec amount, entry_price, break_even, realized, unrealized, mark_price, notional;
  int leverage;
  int64_t update_time;
} xc__bn_fut_pos_view;

typedef struct xc__bn_fut_bal_view {
  const char *asset;
  xc_dec wallet, cross_wallet, change, available, unrealized;
} xc__bn_fut_bal_view;

/* Futures ACCOUNT_UPDATE (reason "ORDER", "DEPOSIT", ...). */
void xc__bn_fut_account_update(xc_jw *w, int64_t event_time, int64_t tx_time, const char *reason,
                               const xc__bn_fut_bal_view *b, int nb, const xc__bn_fut_pos_view *p, int np);

/* ---- market data ---- */
typedef struct xc__bn_level {
  xc_dec price, qty;
} xc__bn_level;

/* REST depth snapshot; futures adds E and T. */
void xc__bn_depth_snapshot(xc_jw *w, int64_t last_update_id, const xc__bn_level *bids, int nb,
                           const xc__bn_level *asks, int na, bool futures, int64_t now_ms,
                           const xc__bn_places *pl);
/* depthUpdate diff event; futures adds T and pu. */
void xc__bn_depth_update(xc_jw *w, const char *symbol, int64_t first_id, int64_t last_id, int64_t prev_last_id,
                         const xc__bn_level *bids, int nb, const xc__bn_level *asks, int na, bool futures,
                         int64_t event_time, const xc__bn_places *pl);
/* Partial book stream payload (@depth5/10/20): spot {lastUpdateId,bids,asks}; futures the diff
 * event shape with all N levels. */
void xc__bn_depth_partial(xc_jw *w, const char *symbol, int64_t first_id, int64_t last_id, int64_t prev_last_id,
                          const xc__bn_level *bids, int nb, const xc__bn_level *asks, int na, bool futures,
                          int64_t event_time, const xc__bn_places *pl);

typedef struct xc__bn_trade_view {
  int64_t id;
  xc_dec price, qty;
  int64_t time;
  bool buyer_maker;
} xc__bn_trade_view;

/* REST trades element. */
void xc__bn_trade_rest(xc_jw *w, const xc__bn_trade_view *t, bool futures, const xc__bn_places *pl);
/* Stream "trade" (spot) event. */
void xc__bn_trade_event(xc_jw *w, const char *symbol, const xc__bn_trade_view *t, int64_t event_time,
                        const xc__bn_places *pl);
/* Stream "aggTrade" event (one trade per aggregate here: f == l == a). */
void xc__bn_agg_trade_event(xc_jw *w, const char *symbol, const xc__bn_trade_view *t, bool futures,
                            int64_t event_time, const xc__bn_places *pl);

typedef struct xc__bn_ticker_view {
  const char *symbol;
  xc_dec open, high, low, last, last_qty, prev_close, volume, quote_volume;
  xc_dec bid, bid_qty, ask, ask_qty;
  int64_t open_time, close_time, first_id, last_id, count;
  int64_t book_update_id;
} xc__bn_ticker_view;

/* GET ticker/24hr object (spot FULL, or futures shape). */
void xc__bn_ticker24_rest(xc_jw *w, const xc__bn_ticker_view *t, bool futures, const xc__bn_places *pl);
/* GET ticker/bookTicker object (futures adds lastUpdateId and time). */
void xc__bn_book_ticker_rest(xc_jw *w, const xc__bn_ticker_view *t, bool futures, int64_t now_ms,
                             const xc__bn_places *pl);
/* GET ticker/price object. */
void xc__bn_price_rest(xc_jw *w, const xc__bn_ticker_view *t, bool futures, int64_t now_ms, const xc__bn_places *pl);
/* Stream 24hrTicker event. */
void xc__bn_ticker24_event(xc_jw *w, const xc__bn_ticker_view *t, bool futures, int64_t event_time,
                           const xc__bn_places *pl);
/* Stream bookTicker event (spot has no e/E; futures has e, E, T). */
void xc__bn_book_ticker_event(xc_jw *w, const xc__bn_ticker_view *t, bool futures, int64_t event_time,
                              const xc__bn_places *pl);

/* Writes d as a JSON string with `places` decimals (-1: canonical). */
void xc__bn_num(xc_jw *w, xc_dec d, int places);

#endif
