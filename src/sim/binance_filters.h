/* Binance symbol filters: the rules an order must pass, their exchangeInfo JSON shapes, and the
 * checks with Binance's error codes (spot -1013 "Filter failure: X", futures -4xxx codes).
 * Pure functions over xc_dec; thread-safe.
 */
#ifndef XC_SIM_BINANCE_FILTERS_H
#define XC_SIM_BINANCE_FILTERS_H

#include <stdbool.h>

#include "core/json.h"
#include "sim/binance_errors.h"
#include "xconn/decimal.h"

typedef struct xc__bn_rules {
  xc_dec min_price, max_price, tick;          /* PRICE_FILTER */
  xc_dec min_qty, max_qty, step;              /* LOT_SIZE */
  xc_dec mkt_min_qty, mkt_max_qty, mkt_step;  /* MARKET_LOT_SIZE */
  xc_dec min_notional, max_notional;          /* NOTIONAL (spot) / MIN_NOTIONAL.notional (futures) */
  int base_prec, quote_prec;                  /* spot asset precisions (8) */
  int price_prec, qty_prec;                   /* futures pricePrecision / quantityPrecision */
  int max_orders;                             /* MAX_NUM_ORDERS */
} xc__bn_rules;

/* Fills r with defaults derived from tick, step and min notional (max price/qty generous). */
void xc__bn_rules_init(xc__bn_rules *r, xc_dec tick, xc_dec step, xc_dec min_notional);

/* Number of digits after the point in a decimal parameter's text ("0.100" -> 3). */
int xc__bn_text_places(const char *s);

/* Checks an order's price (has_price) and quantity (has_qty) against r. `ref` is the reference
 * price for MARKET notional checks (zero = skip). quote_qty orders pass has_qty=false.
 * 0 if it passes, else the Binance code with e filled. */
int xc__bn_check_order(const xc__bn_rules *r, bool futures, bool market, bool has_price, xc_dec price,
                       bool has_qty, xc_dec qty, xc_dec ref, xc__bn_err *e);

/* Writes the "filters" array of an exchangeInfo symbol (spot or futures key names). */
void xc__bn_write_filters(xc_jw *w, const xc__bn_rules *r, bool futures);

/* Writes d as a JSON string with exactly `places` decimals ("0.01000000"). */
void xc__bn_jw_fixed(xc_jw *w, xc_dec d, int places);

#endif
