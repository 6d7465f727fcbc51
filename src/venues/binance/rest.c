/* Binance REST plumbing for market data: paths, weights and request limits (binance.md 3, 4, 5). */
#include <stdio.h>
#include <string.h>

#include "venues/binance/binance.h"

const char *xc__bn_instruments_path(xc_market m) {
  return m == XC_MARKET_LINEAR ? "/fapi/v1/exchangeInfo" : "/api/v3/exchangeInfo";
}

/* binance.md 3.4 / 3.5: spot exchangeInfo 20, futures 1. */
uint32_t xc__bn_instruments_weight(xc_market m) { return m == XC_MARKET_LINEAR ? 1 : 20; }

xc_book_venue xc__bn_book_kind(xc_market m) {
  return m == XC_MARKET_LINEAR ? XC_BOOK_BINANCE_USDM : XC_BOOK_BINANCE_SPOT;
}

xc_status xc__bn_depth_path(xc_market m, const char *vsym, uint32_t limit, char *out, size_t cap) {
  int n = snprintf(out, cap, "%s?symbol=%s&limit=%u", m == XC_MARKET_LINEAR ? "/fapi/v1/depth" : "/api/v3/depth",
                   vsym, limit);
  return n < 0 || (size_t)n >= cap ? XC_ENOSPC : XC_OK;
}

/* Binance's documented production limits (core/ratelimit.h); exchangeInfo's rateLimits replace them
 * once known. */
void xc__bn_rl_defaults(xc_market m, xc_rl *rl) { (void)xc_rl_add_binance_defaults(rl, m == XC_MARKET_LINEAR); }

void xc__bn_rl_header(xc_rl *rl, const char *name, const char *value, int64_t sent_ms, int64_t recv_ms) {
  if (strncasecmp(name, "x-mbx-", 6) != 0) return;
  (void)xc_rl_binance_header(rl, name, strlen(name), value, strlen(value), sent_ms, recv_ms);
}

int xc__bn_rl_configure(xc_json *j, xc_market m, xc_rl *rl) {
  (void)m;
  int arr = xc_json_get(j, 0, "rateLimits");
  if (arr < 0 || xc_json_type_of(j, arr) != XC_JSON_ARRAY) return 0;
  int set = 0;
  for (int e = xc_json_first(j, arr); e >= 0; e = xc_json_next(j, e)) {
    const char *type, *ival;
    size_t tn, in;
    int64_t num, limit;
    if (xc_json_get_text(j, e, "rateLimitType", &type, &tn) || xc_json_get_text(j, e, "interval", &ival, &in) ||
        xc_json_get_i64(j, e, "intervalNum", &num) || xc_json_get_i64(j, e, "limit", &limit))
      continue;
    if (num <= 0 || num > 1000 || limit <= 0 || limit > UINT32_MAX) continue;
    xc_rl_kind kind;
    int64_t ms;
    if (xc_rl_binance_parse(type, tn, ival, in, (uint32_t)num, &kind, &ms) != XC_OK) continue;
    if (xc_rl_add(rl, kind, XC_RL_FIXED, ms, (uint32_t)limit, NULL, NULL) == XC_OK) set++;
  }
  return set;
}
