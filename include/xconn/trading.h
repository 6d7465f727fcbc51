/* xconn/trading.h: orders, balances and positions in the unified model.
 *
 * Orders are validated against the instrument's rules before anything is sent (XC_EFILTER with the
 * reason in xc_client_errmsg(), nothing sent). A client order id is generated when the caller gives
 * none (unique, within the venue's charset and length). An order request whose outcome is unknown
 * (timeout, 5xx, connection lost after sending) is never resent: xconn queries it by client order id
 * and reports the real outcome. Live updates (orders, fills, balances, positions) arrive as events,
 * each delivered once, in a legal order of the unified state machine, reconciled over REST after
 * every reconnect. Callbacks run on the engine thread; the structs passed are valid only during the
 * call. `_sync` forms block the calling thread (never call them from a callback).
 */
#ifndef XCONN_TRADING_H
#define XCONN_TRADING_H

#include "xconn/client.h"
#include "xconn/decimal.h"
#include "xconn/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Unified order status. */
typedef enum xc_order_status {
  XC_ORDER_PENDING_NEW = 0,   /* sent, not yet acknowledged */
  XC_ORDER_NEW = 1,           /* resting, nothing filled */
  XC_ORDER_PARTIALLY_FILLED = 2,
  XC_ORDER_FILLED = 3,
  XC_ORDER_PENDING_CANCEL = 4,
  XC_ORDER_CANCELED = 5,
  XC_ORDER_REJECTED = 6,
  XC_ORDER_EXPIRED = 7        /* IOC/FOK remainder, self-trade prevention, ... */
} xc_order_status;

/* "new", "partially_filled", ... */
XC_API const char *xc_order_status_name(xc_order_status s);
/* True for FILLED, CANCELED, REJECTED, EXPIRED. */
XC_API bool xc_order_status_is_final(xc_order_status s);

typedef struct xc_order_req {
  xc_venue venue;
  const char *symbol;    /* unified */
  xc_side side;
  xc_order_type type;
  xc_tif tif;            /* LIMIT only; MARKET orders are IOC by nature */
  xc_dec price;          /* LIMIT */
  xc_dec qty;            /* base quantity (zero with quote_qty) */
  xc_dec quote_qty;      /* MARKET by quote amount (spot, where XC_CAP_QUOTE_QTY_MARKET) */
  bool reduce_only;      /* LINEAR only */
  const char *client_id; /* NULL: generated */
} xc_order_req;

/* One order as xconn knows it. */
typedef struct xc_order {
  xc_venue venue;
  xc_market market;
  char symbol[XC_SYMBOL_MAX];
  char order_id[XC_ID_MAX];   /* venue id as text */
  char client_id[XC_ID_MAX];
  xc_side side;
  xc_order_type type;
  xc_tif tif;
  xc_order_status status;
  xc_dec price;
  xc_dec qty;
  xc_dec filled_qty;          /* cumulative, never decreases */
  xc_dec filled_quote;        /* cumulative quote amount */
  xc_dec avg_price;           /* zero before the first fill */
  bool reduce_only;
  int64_t created_ms;         /* venue time */
  int64_t updated_ms;
} xc_order;

/* One execution of one order. */
typedef struct xc_fill {
  xc_venue venue;
  char symbol[XC_SYMBOL_MAX];
  char order_id[XC_ID_MAX];
  char client_id[XC_ID_MAX];
  char trade_id[XC_ID_MAX];
  xc_side side;
  xc_dec price;
  xc_dec qty;
  xc_dec fee;
  char fee_asset[XC_ASSET_MAX];
  bool maker;
  int64_t ts_ms;
} xc_fill;

/* Identifies an existing order: venue + symbol + (order_id or client_id). */
typedef struct xc_order_ref {
  xc_venue venue;
  const char *symbol;
  const char *order_id;  /* or NULL */
  const char *client_id; /* or NULL */
} xc_order_ref;

/* Venue rejection detail, when the venue answered with an error. */
typedef struct xc_venue_error {
  int64_t code;          /* Binance code (-2010), Bybit retCode (170131); 0 if none */
  char msg[256];
} xc_venue_error;

/* Completion of a single-order request: st is XC_OK and order is set, or st is the failure (with
 * err->code set when the venue rejected it). */
typedef void (*xc_order_cb)(xc_client *c, xc_status st, const xc_order *order, const xc_venue_error *err,
                            void *user);
/* Completion of a list request (open orders). */
typedef void (*xc_orders_cb)(xc_client *c, xc_status st, const xc_order *orders, size_t n, void *user);

/* Places an order. The client id actually used is known at once: it is copied to client_id_out
 * (capacity XC_ID_MAX) when not NULL. */
XC_API xc_status xc_order_place(xc_client *c, const xc_order_req *req, char *client_id_out, xc_order_cb cb,
                                void *user);
XC_API xc_status xc_order_cancel(xc_client *c, const xc_order_ref *ref, xc_order_cb cb, void *user);
XC_API xc_status xc_order_get(xc_client *c, const xc_order_ref *ref, xc_order_cb cb, void *user);
/* Open orders of one symbol (symbol required). */
XC_API xc_status xc_orders_open(xc_client *c, xc_venue v, const char *symbol, xc_orders_cb cb, void *user);

/* Blocking forms: wait up to timeout_ms and copy the result. On XC_ETIMEDOUT the request goes on
 * and its outcome still arrives as order events (out is not written). 0 waits until it completes,
 * which the client's request timeout and the resolution of an unknown outcome bound. err may be
 * NULL. Never from a callback (XC_EMISUSE). */
XC_API xc_status xc_order_place_sync(xc_client *c, const xc_order_req *req, uint32_t timeout_ms, xc_order *out,
                                     xc_venue_error *err);
XC_API xc_status xc_order_cancel_sync(xc_client *c, const xc_order_ref *ref, uint32_t timeout_ms, xc_order *out,
                                      xc_venue_error *err);
XC_API xc_status xc_order_get_sync(xc_client *c, const xc_order_ref *ref, uint32_t timeout_ms, xc_order *out,
                                   xc_venue_error *err);
/* Fills up to cap orders; *n receives the total count (may exceed cap: call again larger). */
XC_API xc_status xc_orders_open_sync(xc_client *c, xc_venue v, const char *symbol, uint32_t timeout_ms,
                                     xc_order *out, size_t cap, size_t *n);

/* A balance of one asset. total = free + locked. */
typedef struct xc_balance {
  xc_venue venue;
  xc_market market;
  char asset[XC_ASSET_MAX];
  xc_dec free;
  xc_dec locked;
} xc_balance;

typedef enum xc_position_side { XC_POS_FLAT = 0, XC_POS_LONG = 1, XC_POS_SHORT = 2 } xc_position_side;

/* A futures position (one-way mode). size is positive; side says long or short. */
typedef struct xc_position {
  xc_venue venue;
  char symbol[XC_SYMBOL_MAX];
  xc_position_side side;
  xc_dec size;
  xc_dec entry_price;
  xc_dec mark_price;
  xc_dec unrealized_pnl;
  xc_dec leverage;
  xc_dec liquidation_price;
  int64_t updated_ms;
} xc_position;

/* Balances of venue v and market m as last known (queried at start, kept current by the stream).
 * Fills up to cap entries; *n receives the total. Safe from any thread; never blocks on the network
 * once loaded. */
XC_API xc_status xc_balances_get(xc_client *c, xc_venue v, xc_market m, xc_balance *out, size_t cap, size_t *n);
/* Positions with a non-zero size on venue v. Same conventions as xc_balances_get. */
XC_API xc_status xc_positions_get(xc_client *c, xc_venue v, xc_position *out, size_t cap, size_t *n);

/* Starts the private stream of venue v and market m (order, fill, balance and position events)
 * without placing an order; the first order request on a market starts it too. Reconnects and
 * reconciles on its own. XC_EAUTH without credentials, XC_ENOTSUP for other venues. */
XC_API xc_status xc_account_watch(xc_client *c, xc_venue v, xc_market m);

#ifdef __cplusplus
}
#endif
#endif
