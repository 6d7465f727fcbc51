/* xconn/market.h: instruments (symbol rules) and market-data subscriptions.
 *
 * Instruments are loaded when a venue is first used and refreshed periodically; reads are safe from
 * any thread and copy into caller-owned structs. Subscriptions are desired state: the engine
 * (re)establishes them after every reconnect and tells the user through connection-state and
 * book-state events; the user never resubscribes. Market-data events arrive through the client's
 * event callback (xconn/events.h).
 */
#ifndef XCONN_MARKET_H
#define XCONN_MARKET_H

#include "xconn/book.h"
#include "xconn/client.h"
#include "xconn/decimal.h"
#include "xconn/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum xc_instrument_status {
  XC_INSTR_TRADING = 1,
  XC_INSTR_HALTED = 2,    /* HALT, BREAK, CANCEL_ONLY, END_OF_DAY, Closed, Settling... */
  XC_INSTR_PRELAUNCH = 3,
  XC_INSTR_DELISTED = 4
} xc_instrument_status;

typedef enum xc_contract {
  XC_CONTRACT_SPOT = 0,
  XC_CONTRACT_PERPETUAL = 1
} xc_contract;

/* The trading rules of one instrument. A zero decimal means "no such rule" for the optional ones
 * (max_notional, market_max_qty). */
typedef struct xc_instrument {
  xc_venue venue;
  xc_market market;
  xc_contract contract;
  xc_instrument_status status;
  char symbol[XC_SYMBOL_MAX];       /* unified: "BTC/USDT" */
  char venue_symbol[XC_SYMBOL_MAX]; /* venue's: "BTCUSDT" */
  char base[XC_ASSET_MAX];
  char quote[XC_ASSET_MAX];
  char settle[XC_ASSET_MAX];
  xc_dec tick_size;      /* price step */
  xc_dec step_size;      /* quantity step (LIMIT) */
  xc_dec min_qty, max_qty;
  xc_dec market_step_size, market_min_qty, market_max_qty; /* MARKET orders, when different */
  xc_dec min_price, max_price;
  xc_dec min_notional, max_notional;
  xc_dec quote_step;     /* precision of quote amounts (MARKET by quote quantity) */
  int price_precision;   /* fractional digits of tick_size */
  int qty_precision;     /* fractional digits of step_size */
} xc_instrument;

/* Copies the rules of `symbol` (unified) on venue v into *out. XC_ENOTFOUND if unknown; on first
 * use this loads the venue's instruments (blocking: not from a callback unless already loaded). */
XC_API xc_status xc_instrument_get(xc_client *c, xc_venue v, const char *symbol, xc_instrument *out);

/* Rounds a price to the instrument's tick with mode (e.g. XC_ROUND_DOWN for bids). */
XC_API xc_status xc_instrument_round_price(const xc_instrument *in, xc_dec price, xc_round mode, xc_dec *out);
/* Rounds a quantity to the instrument's step (market=true: the MARKET step). */
XC_API xc_status xc_instrument_round_qty(const xc_instrument *in, xc_dec qty, bool market, xc_round mode,
                                         xc_dec *out);

/* Checks a LIMIT (market=false) or MARKET order's price and quantity against the instrument's
 * rules: tick, step, min/max quantity, min/max price, min/max notional (price * qty; skipped for a
 * MARKET order with a zero price). XC_OK or XC_EFILTER. Pure, thread-safe. */
XC_API xc_status xc_instrument_check(const xc_instrument *in, xc_dec price, xc_dec qty, bool market);

/* Copies up to cap instruments of venue v on market m into out (sorted by unified symbol) and sets
 * *n to how many the venue lists (XC_ENOSPC when cap < *n; out may be NULL to count). Loads them
 * on first use (blocking: not from a callback unless already loaded). */
XC_API xc_status xc_instruments_list(xc_client *c, xc_venue v, xc_market m, xc_instrument *out, size_t cap,
                                     size_t *n);

/* Market-data channels. */
typedef enum xc_channel {
  XC_CH_TICKER = 1, /* 24 h statistics + last price */
  XC_CH_BBO = 2,    /* best bid / ask (book ticker) */
  XC_CH_TRADES = 3, /* public trades */
  XC_CH_BOOK = 4    /* L2 order book, kept locally and checked for continuity */
} xc_channel;

typedef struct xc_sub_opts {
  xc_venue venue;
  const char *symbol;   /* unified symbol */
  xc_channel channel;
  /* XC_CH_BOOK: levels per side kept. 0 (the default): the full-depth diff stream synchronised
   * with a REST snapshot. 1..20 on Binance: the venue's partial-depth stream of 5, 10 or 20 levels
   * (the nearest at or above), each message a whole top-N book that replaces the local one (no
   * snapshot, no REST weight; LIVE from the first message). Deeper: the diff stream with the
   * smallest snapshot covering the depth (levels beyond it are filled in as they change). */
  uint32_t depth;
  /* XC_CH_BOOK: levels per side carried in each book event (default 10; 0 = only the state and the
   * best bid/ask). */
  uint32_t event_levels;
} xc_sub_opts;

/* Fills o with the defaults: channel XC_CH_BOOK, depth 0 (full book), event_levels 10. */
XC_API void xc_sub_opts_default(xc_sub_opts *o);

/* Adds a subscription (reference-counted: the same channel twice shares one stream) and returns its
 * id. Asynchronous: data starts flowing through events. */
XC_API xc_status xc_subscribe(xc_client *c, const xc_sub_opts *o, uint64_t *sub_id);
/* Removes a subscription. XC_ENOTFOUND for an unknown id. */
XC_API xc_status xc_unsubscribe(xc_client *c, uint64_t sub_id);

/* ---- book readers: any thread, never blocked by the engine, never see a half-applied update ---- */

/* Copies the best `depth` (<= XC_BOOK_TOP_MAX) levels per side of the local book of `symbol` on v
 * (kept by an XC_CH_BOOK subscription) into *out, with its state and update id. XC_ENOTFOUND when
 * there is no such book subscription. Lock-free up to 20 levels. */
XC_API xc_status xc_book_copy_top(xc_client *c, xc_venue v, const char *symbol, uint32_t depth, xc_book_top *out);
/* Best bid and offer of the local book (lock-free). XC_ENOTFOUND as above. */
XC_API xc_status xc_book_get_bbo(xc_client *c, xc_venue v, const char *symbol, xc_book_bbo *out);
/* A consistent copy of the whole local book into caller arrays (best first): at most cap_* levels
 * per side, *n_* set to the levels written, *update_id (may be NULL) to the version copied. */
XC_API xc_status xc_book_copy_levels(xc_client *c, xc_venue v, const char *symbol, xc_book_level *bids,
                                     uint32_t cap_bids, uint32_t *n_bids, xc_book_level *asks, uint32_t cap_asks,
                                     uint32_t *n_asks, int64_t *update_id);

#ifdef __cplusplus
}
#endif
#endif
