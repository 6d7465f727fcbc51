/* Binance rate-limit accounting for the simulator (binance.md section 3): request weight per
 * fixed 1-minute window (per IP; the simulator serves one loopback client population, so one
 * bucket per product), unfilled-order counts per 10 s and per day (spot) or per minute (futures),
 * 429 with Retry-After when a limit is exceeded and a 418 ban (120 s, doubling) for clients that
 * keep sending while limited. Windows are aligned to wall-clock boundaries like Binance's.
 * (The incoming WebSocket message rate is enforced by the core: xc__sim_ws_set_rx_limit.)
 * Pure (takes now_ms); not thread-safe (the simulator thread owns it).
 */
#ifndef XC_SIM_BINANCE_LIMITS_H
#define XC_SIM_BINANCE_LIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct xc__bn_limits {
  bool futures;
  int64_t weight_limit;      /* per weight window */
  int64_t weight_window_ms;  /* REQUEST_WEIGHT window: 60000 (Binance), shorter via admin rate_limit */
  int64_t order_limit_short; /* per 10 s */
  int64_t order_limit_long;  /* per day (spot) / per minute (futures) */
  int64_t w_win, w_used;
  int64_t o_short_win, o_short;
  int64_t o_long_win, o_long;
  int64_t ban_until;         /* 0 = not banned */
  int64_t ban_ms;            /* next ban length */
  int over_in_window;        /* requests refused with 429 in this window */
} xc__bn_limits;

/* Real limits (spot 6000/min, 100/10 s, 200000/day; futures 2400/min, 300/10 s, 1200/min) scaled
 * by pct percent (minimum 1 each). */
void xc__bn_limits_init(xc__bn_limits *l, bool futures, unsigned pct);

typedef struct xc__bn_verdict {
  int http;              /* 0 = allowed, 429 or 418 */
  int code;              /* -1003 or -1015 when refused */
  int64_t retry_after_s; /* for the Retry-After header */
  char msg[240];
} xc__bn_verdict;

/* The REQUEST_WEIGHT window as exchangeInfo names it ("MINUTE" 1, or "SECOND" n) and the suffix
 * of its X-MBX-USED-WEIGHT-<suffix> header ("1M", "2S"). */
void xc__bn_limits_weight_interval(const xc__bn_limits *l, const char **interval, int64_t *num, char *suffix,
                                   size_t cap);

/* Charges one request of `weight` at now_ms (orders add to the order counts when is_order).
 * Fills v: http 0 when allowed. */
void xc__bn_limits_charge(xc__bn_limits *l, int64_t now_ms, int weight, bool is_order, xc__bn_verdict *v);
/* Returns an order's count when it was not accepted (Binance: rejected orders still count, but a
 * successful order call costs 0 weight since 2026-04: weight refund). */
void xc__bn_limits_refund_weight(xc__bn_limits *l, int weight);
/* An order filled (spot "unfilled order count": orders that fill stop counting): takes one off
 * both order windows (never below zero). */
void xc__bn_limits_order_filled(xc__bn_limits *l, int64_t now_ms);
/* Header values after a request: used weight this minute, order counts. */
int64_t xc__bn_limits_used_weight(const xc__bn_limits *l, int64_t now_ms);
int64_t xc__bn_limits_orders_short(const xc__bn_limits *l, int64_t now_ms);
int64_t xc__bn_limits_orders_long(const xc__bn_limits *l, int64_t now_ms);

#endif
