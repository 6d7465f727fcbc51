/* Binance trading: sans-I/O parsers and request builders (internal).
 *
 * Parsers turn Binance order / account JSON (REST responses of Spot /api/v3 and USDⓈ-M /fapi,
 * user-data events from the WebSocket API envelope, a combined stream or a bare listenKey stream)
 * into xc_order / xc_fill / xc_balance / xc_position. Symbols stay the VENUE's ("BTCUSDT"): the
 * caller maps them to unified symbols. Nothing is allocated; list outputs go to caller arrays
 * (the total count is reported even past the capacity). Request builders write the signed-query
 * parameters (without timestamp/signature, which the sender adds) after validating the order
 * against the instrument rules. Every function is pure and thread-safe; no clocks, no sockets.
 */
#ifndef XC_VENUES_BINANCE_TRADE_H
#define XC_VENUES_BINANCE_TRADE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/json.h"
#include "xconn/market.h"
#include "xconn/trading.h"

/* ---- parsers ---------------------------------------------------------------------------------- */

typedef enum xc__bnt_kind {
  XC__BNT_NONE = 0,
  XC__BNT_ORDER,            /* executionReport / ORDER_TRADE_UPDATE: order (+ fill when has_fill) */
  XC__BNT_BALANCES,         /* outboundAccountPosition: absolute balances */
  XC__BNT_BALANCE_DELTA,    /* balanceUpdate: delta of one asset (deposit, withdrawal, transfer) */
  XC__BNT_ACCOUNT,          /* ACCOUNT_UPDATE: balances (wallet) and positions */
  XC__BNT_LISTENKEY_EXPIRED,
  XC__BNT_OTHER             /* a well-formed event we do not use (MARGIN_CALL, listStatus, ...) */
} xc__bnt_kind;

/* One user-data event. Set bal / bal_cap and pos / pos_cap for balance / position output. */
typedef struct xc__bnt_update {
  xc__bnt_kind kind;
  int64_t event_ms;       /* "E" */
  xc_order order;         /* XC__BNT_ORDER */
  bool has_fill;          /* the event carries an execution (x == TRADE, l > 0) */
  xc_fill fill;
  int64_t trade_id;       /* "t" (-1 / 0 when none) */
  int64_t exec_id;        /* spot "I" (execution id, increasing per symbol); 0 when absent */
  char exec_type[24];     /* "x": NEW, TRADE, CANCELED, EXPIRED, AMENDMENT, ... */
  char reject_reason[48]; /* spot "r" */
  xc_balance *bal;        /* caller storage */
  size_t bal_cap;
  size_t nbal;            /* total balances in the event (may exceed bal_cap) */
  xc_position *pos;
  size_t pos_cap;
  size_t npos;
  char asset[XC_ASSET_MAX]; /* XC__BNT_BALANCE_DELTA */
  xc_dec delta;
} xc__bnt_update;

/* Parses one user-data message already parsed into j (root token 0): the WebSocket-API envelope
 * {"subscriptionId":N,"event":{...}}, a combined-stream {"stream":..,"data":{...}} or a bare event.
 * m is the market of the stream (SPOT: executionReport etc., LINEAR: ORDER_TRADE_UPDATE etc.).
 * XC_EPARSE / XC_ETYPE / XC_ENOTFOUND with a description in err for malformed events. */
xc_status xc__bnt_parse_event(xc_json *j, xc_market m, xc__bnt_update *u, char *err, size_t errcap);

/* An order object of a REST (or WS-API "result") response: new order (ACK/RESULT/FULL), cancel,
 * query, open orders element; spot or futures shape. Fills of a FULL response go to fills (up to
 * cap; *nfills receives the total; fills may be NULL with cap 0). For a cancel response the client
 * id is origClientOrderId. */
xc_status xc__bnt_parse_order(xc_json *j, int obj, xc_market m, xc_order *o, xc_fill *fills, size_t cap,
                              size_t *nfills, char *err, size_t errcap);
/* An array of orders (openOrders). Up to cap into out; *n receives the total. */
xc_status xc__bnt_parse_orders(xc_json *j, int arr, xc_market m, xc_order *out, size_t cap, size_t *n, char *err,
                               size_t errcap);
/* An array of account trades (GET /api/v3/myTrades, /fapi/v1/userTrades) as fills. */
xc_status xc__bnt_parse_trades(xc_json *j, int arr, xc_market m, xc_fill *out, size_t cap, size_t *n, char *err,
                               size_t errcap);
/* Balances: spot GET /api/v3/account ({"balances":[{asset,free,locked}]}), futures
 * GET /fapi/v2/balance (array: free = availableBalance, locked = balance - availableBalance) or
 * GET /fapi/v2/account ({"assets":[...]}, same rule with walletBalance). Zero balances are kept. */
xc_status xc__bnt_parse_balances(xc_json *j, int root, xc_market m, xc_balance *out, size_t cap, size_t *n,
                                 char *err, size_t errcap);
/* Positions: GET /fapi/v2/positionRisk (array) or the "positions" of /fapi/v2/account. Only
 * non-zero positions are reported (one-way mode: side from the sign of positionAmt). */
xc_status xc__bnt_parse_positions(xc_json *j, int root, xc_position *out, size_t cap, size_t *n, char *err,
                                  size_t errcap);

/* The status for a Binance error code (msg helps for -2010 / -2011). http_status may be 0. */
xc_status xc__bnt_code_status(int64_t code, const char *msg, int http_status);
/* An error body {"code":-2010,"msg":"..."} (REST) or a WS-API error {"status":400,"error":{...}}:
 * fills err (may be NULL) and returns the status; XC_EPARSE when the body is not one. */
xc_status xc__bnt_parse_error(xc_json *j, int root, int http_status, xc_venue_error *err);

/* ---- requests --------------------------------------------------------------------------------- */

/* Generates a client order id: "x-" + base62(ms time) + base62(counter) + base62(random), at most
 * 32 characters (spot allows 36, futures 36, both [.A-Z:/a-z0-9_-]). Unique per (counter, ms) in a
 * process; the random part separates processes. Returns the length, or XC_ENOSPC. */
int xc__bnt_client_id(char *out, size_t cap, int64_t now_ms, uint64_t counter, uint64_t random);
/* True if s is an acceptable Binance client order id (1..36 of [.A-Z:/a-z0-9_-]). */
bool xc__bnt_client_id_valid(const char *s);

/* Checks req against the instrument rules: XC_EFILTER with the reason in why (e.g. "price 100.005
 * is not a multiple of the tick size 0.01"), XC_EINVAL for a malformed request, XC_ENOTSUP for an
 * unsupported combination (quote_qty on futures). Nothing else is done. */
xc_status xc__bnt_validate(const xc_order_req *req, const xc_instrument *in, char *why, size_t whycap);
/* Appends the new-order parameters (symbol=..&side=..&type=..&...&newClientOrderId=..) to q, for
 * market m (spot: LIMIT_MAKER for post-only, newOrderRespType=FULL; futures: GTX, reduceOnly,
 * newOrderRespType=RESULT). vsym is the venue symbol, client_id the id to send. Validation is
 * the caller's (xc__bnt_validate). */
xc_status xc__bnt_new_order_query(xc_buf *q, xc_market m, const xc_order_req *req, const char *vsym,
                                  const char *client_id);
/* Appends symbol=..&orderId=.. or &origClientOrderId=.. (cancel / query). XC_EINVAL without an id. */
xc_status xc__bnt_order_ref_query(xc_buf *q, const xc_order_ref *ref, const char *vsym);

/* REST paths per market (spot /api/v3, futures /fapi/v1). */
const char *xc__bnt_order_path(xc_market m);      /* POST new, DELETE cancel, GET query */
const char *xc__bnt_open_orders_path(xc_market m);
const char *xc__bnt_balances_path(xc_market m);   /* /api/v3/account, /fapi/v2/balance */
const char *xc__bnt_trades_path(xc_market m);     /* /api/v3/myTrades, /fapi/v1/userTrades */
const char *xc__bnt_listen_key_path(xc_market m); /* /api/v3/userDataStream, /fapi/v1/listenKey */

#endif
