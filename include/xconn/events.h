/* xconn/events.h: the events a client delivers through its xc_event_fn.
 *
 * One tagged struct for everything: market data, book state, connection state, orders, fills,
 * balances, positions and circuit-breaker changes. Events run on the engine thread, one at a time,
 * in the order xconn learned of them; the event and everything it points to are valid only during
 * the callback (copy what you keep). Timestamps: `venue_ts_ms` is the venue's own event time (0 if
 * it sends none), `recv_ts_ns` the local wall-clock time at which the bytes were received.
 */
#ifndef XCONN_EVENTS_H
#define XCONN_EVENTS_H

#include "xconn/book.h"
#include "xconn/breaker.h"
#include "xconn/client.h"
#include "xconn/trading.h"
#include "xconn/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum xc_event_type {
  XC_EV_CONN = 1,    /* a connection changed state (u.conn) */
  XC_EV_TICKER,      /* 24 h statistics (u.ticker) */
  XC_EV_BBO,         /* best bid/ask from the venue's book-ticker stream (u.bbo) */
  XC_EV_TRADE,       /* a public trade (u.trade) */
  XC_EV_BOOK,        /* the local book changed (u.book: state + top levels) */
  XC_EV_BOOK_STATE,  /* the local book changed sync state (u.book; reason says why) */
  XC_EV_ORDER,       /* an order changed (u.order), each change delivered once */
  XC_EV_FILL,        /* an execution (u.fill), each trade id delivered once */
  XC_EV_BALANCE,     /* a balance changed (u.balance) */
  XC_EV_POSITION,    /* a position changed (u.position) */
  XC_EV_BREAKER,     /* a circuit breaker changed state (u.breaker) */
  XC_EV_ERROR        /* an asynchronous failure not tied to a request (u.error) */
} xc_event_type;

/* "conn", "ticker", ... */
XC_API const char *xc_event_type_name(xc_event_type t);

typedef enum xc_conn_state {
  XC_CONN_CONNECTING = 0,
  XC_CONN_OPEN = 1,         /* connected, authenticated where needed, subscriptions restored */
  XC_CONN_RECONNECTING = 2, /* lost; a reconnect is scheduled (attempt, delay_ms) */
  XC_CONN_CLOSED = 3        /* closed for good (client shutting down or unsubscribed) */
} xc_conn_state;

typedef struct xc_conn_event {
  xc_conn_state state;
  const char *name;    /* which connection: "binance spot public", "bybit private", ... */
  const char *reason;  /* why (e.g. "idle timeout", "closed by peer (1006)"); "" if none */
  uint32_t attempt;    /* reconnect attempt number (RECONNECTING) */
  uint32_t delay_ms;   /* delay before the next attempt (RECONNECTING) */
} xc_conn_event;

typedef struct xc_ticker {
  xc_dec last, last_qty;
  xc_dec open, high, low;
  xc_dec volume;        /* base asset, 24 h */
  xc_dec quote_volume;  /* quote asset, 24 h */
  xc_dec change_pct;    /* percent (1.5 = +1.5 %) */
  xc_dec bid, bid_qty, ask, ask_qty; /* zero when the venue's ticker carries none */
} xc_ticker;

typedef struct xc_bbo {
  xc_dec bid, bid_qty, ask, ask_qty;
  int64_t update_id;    /* venue book update id when given, else 0 */
} xc_bbo;

typedef struct xc_trade {
  char trade_id[XC_ID_MAX];
  xc_dec price, qty;
  xc_side taker_side;   /* side of the aggressor */
} xc_trade;

typedef struct xc_book_event {
  xc_book_state state;
  xc_book_reason reason; /* for XC_EV_BOOK_STATE; XC_BOOK_R_NONE on plain updates */
  const xc_book_top *top; /* levels per side up to the subscription's event_levels */
} xc_book_event;

typedef struct xc_error_event {
  xc_status status;
  const char *what;     /* human-readable, secrets masked */
} xc_error_event;

struct xc_event {
  xc_event_type type;
  xc_venue venue;
  xc_market market;
  const char *symbol;   /* unified symbol; "" when not symbol-specific */
  uint64_t sub_id;      /* subscription that produced it (market data), else 0 */
  int64_t venue_ts_ms;
  int64_t recv_ts_ns;
  union {
    xc_conn_event conn;
    xc_ticker ticker;
    xc_bbo bbo;
    xc_trade trade;
    xc_book_event book;
    xc_order order;
    xc_fill fill;
    xc_balance balance;
    xc_position position;
    xc_breaker_event breaker;
    xc_error_event error;
  } u;
};

#ifdef __cplusplus
}
#endif
#endif
