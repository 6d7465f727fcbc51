/* xconn/types.h: the normalized vocabulary shared by every venue.
 *
 * Venues, market types, sides, order types and the value structs that events and queries carry.
 * Unified symbols follow the common convention: "BTC/USDT" is spot, "BTC/USDT:USDT" is the
 * USDT-margined linear perpetual; the market type comes from the symbol. Everything here is a plain
 * value: copy freely. Strings inside structs are fixed-size, NUL-terminated arrays so a struct can be
 * copied without ownership questions.
 */
#ifndef XCONN_TYPES_H
#define XCONN_TYPES_H

#include "xconn/common.h"
#include "xconn/decimal.h"
#include "xconn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define XC_SYMBOL_MAX 32 /* unified or venue symbol, incl. NUL */
#define XC_ASSET_MAX 16  /* asset / coin code, incl. NUL */
#define XC_ID_MAX 48     /* order id, client order id, trade id as text, incl. NUL */

typedef enum xc_venue {
  XC_VENUE_NONE = 0,
  XC_VENUE_BINANCE = 1,
  XC_VENUE_BYBIT = 2
} xc_venue;

typedef enum xc_market {
  XC_MARKET_NONE = 0,
  XC_MARKET_SPOT = 1,   /* "BTC/USDT" */
  XC_MARKET_LINEAR = 2  /* "BTC/USDT:USDT": USDⓈ-M futures (Binance), linear (Bybit) */
} xc_market;

typedef enum xc_side { XC_SIDE_NONE = 0, XC_SIDE_BUY = 1, XC_SIDE_SELL = 2 } xc_side;

typedef enum xc_order_type { XC_ORDER_LIMIT = 1, XC_ORDER_MARKET = 2 } xc_order_type;

typedef enum xc_tif {
  XC_TIF_GTC = 0,      /* default */
  XC_TIF_IOC = 1,
  XC_TIF_FOK = 2,
  XC_TIF_POST_ONLY = 3 /* Binance spot LIMIT_MAKER / futures GTX; Bybit PostOnly */
} xc_tif;

/* "binance", "bybit"; "?" for anything else. */
XC_API const char *xc_venue_name(xc_venue v);
/* Parses "binance" / "bybit" (case-insensitive). XC_EINVAL otherwise. */
XC_API xc_status xc_venue_parse(const char *name, xc_venue *out);
XC_API const char *xc_side_name(xc_side s);      /* "buy" / "sell" */
XC_API const char *xc_market_name(xc_market m);  /* "spot" / "linear" */

/* A unified symbol split into parts. */
typedef struct xc_symbol {
  char base[XC_ASSET_MAX];
  char quote[XC_ASSET_MAX];
  char settle[XC_ASSET_MAX]; /* "" for spot */
  xc_market market;
} xc_symbol;

/* Parses "BTC/USDT" or "BTC/USDT:USDT" (case-sensitive, uppercase assets). XC_EINVAL on bad form. */
XC_API xc_status xc_symbol_parse(const char *unified, xc_symbol *out);
/* Writes the unified form of s into buf. Returns the length or XC_ENOSPC. */
XC_API int xc_symbol_format(const xc_symbol *s, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
