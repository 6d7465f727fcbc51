/* venues/binance/binance.h: the Binance adapter's internal functions (spot and USD-M futures).
 *
 * Pure functions (sans-I/O, thread-safe) behind xc__binance_desc (binance.c): symbol and enum
 * mapping (enums.c), market-data and instrument parsers (parse.c), stream control and routing
 * (ws.c), REST paths, weights and limit headers (rest.c), venue error codes (errors.c). The
 * orders/account code (trade_*.c, account_*.c) reuses these.
 */
#ifndef XC_VENUES_BINANCE_H
#define XC_VENUES_BINANCE_H

#include "venues/venue.h"

/* enums.c */
xc_status xc__bn_venue_symbol(const xc_symbol *s, char *out, size_t cap);
xc_instrument_status xc__bn_instr_status(xc_market m, const char *s, size_t n);

/* parse.c: one message each; `obj` is the event object (the "data" of a combined envelope). */
xc_status xc__bn_parse_ticker(xc_json *j, int obj, xc_ticker *out, int64_t *event_ms);
xc_status xc__bn_parse_bbo(xc_json *j, int obj, xc_bbo *out, int64_t *event_ms);
xc_status xc__bn_parse_trade(xc_json *j, int obj, xc_trade *out, int64_t *trade_ms, int64_t *trade_id);
xc_status xc__bn_parse_md(xc_json *j, xc_market m, xc_channel ch, xc_event *ev, int64_t *seq);
/* exchangeInfo (spot /api/v3 or futures /fapi/v1) into a malloc'd instrument array. */
xc_status xc__bn_parse_instruments(xc_json *j, xc_market m, xc_instrument **out, size_t *n, char *err,
                                   size_t errcap);
/* The event object of a market-stream message: root, or root.data in a combined envelope. */
int xc__bn_event_obj(xc_json *j);

/* ws.c */
xc_status xc__bn_topic(xc_market m, xc_channel ch, const char *vsym, uint32_t depth, char *out, size_t cap);
const char *xc__bn_ws_public_path(xc_market m);
const xc__ws_venue *xc__bn_ws_hooks(xc_market m);
bool xc__bn_route(const char *msg, size_t len, xc__venue_route *out);
int xc__bn_classify(void *vctx, const char *msg, size_t len, uint64_t *req_id, bool *ok);
xc_status xc__bn_build_sub(void *vctx, bool sub, const char *const *topics, size_t n, uint64_t req_id,
                           xc_buf *out);

/* rest.c */
const char *xc__bn_instruments_path(xc_market m);
uint32_t xc__bn_instruments_weight(xc_market m);
xc_book_venue xc__bn_book_kind(xc_market m);
uint32_t xc__bn_book_partial(xc_market m, uint32_t depth);
xc_status xc__bn_depth_path(xc_market m, const char *vsym, uint32_t limit, char *out, size_t cap);
void xc__bn_rl_defaults(xc_market m, xc_rl *rl);
/* exchangeInfo "rateLimits" (binance.md 3.1) into rl: REQUEST_WEIGHT, ORDERS, RAW_REQUESTS
 * windows with the venue's limits (CONNECTIONS and unknown entries are skipped). */
int xc__bn_rl_configure(xc_json *j, xc_market m, xc_rl *rl);
void xc__bn_rl_header(xc_rl *rl, const char *name, const char *value, int64_t sent_ms, int64_t recv_ms);

/* errors.c */
xc_status xc__bn_rest_error(int http_status, const char *body, size_t len, char *msg, size_t cap);
/* Status for a Binance error code (-1121 -> XC_ENOTFOUND, -1003 -> XC_ERATELIMIT, ...). */
xc_status xc__bn_code_status(int code);

#endif
