/* Binance market streams: topic names, SUBSCRIBE/UNSUBSCRIBE control messages, reply
 * classification and routing of combined-stream messages (binance.md 7). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "venues/binance/binance.h"

/* Partial-depth streams exist for 5, 10 and 20 levels: a book of 1..20 levels uses the nearest at
 * or above its depth; 0 (full) and deeper books use the diff stream with a snapshot. Spot partial
 * messages are {"lastUpdateId","bids","asks"}, USD-M ones depthUpdate-shaped (binance.md 7). */
uint32_t xc__bn_book_partial(xc_market m, uint32_t depth) {
  (void)m;
  if (depth == 0 || depth > 20) return 0;
  return depth <= 5 ? 5 : depth <= 10 ? 10 : 20;
}

xc_status xc__bn_topic(xc_market m, xc_channel ch, const char *vsym, uint32_t depth, char *out, size_t cap) {
  char l[XC_SYMBOL_MAX];
  size_t n = strlen(vsym);
  if (n == 0 || n >= sizeof l) return XC_EINVAL;
  for (size_t i = 0; i <= n; i++) l[i] = (char)tolower((unsigned char)vsym[i]);
  int w;
  switch (ch) {
  case XC_CH_TICKER: w = snprintf(out, cap, "%s@ticker", l); break;
  case XC_CH_BBO: w = snprintf(out, cap, "%s@bookTicker", l); break;
  /* USD-M documents no raw @trade stream; aggTrade is its public trade feed (binance.md 7.3). */
  case XC_CH_TRADES: w = snprintf(out, cap, m == XC_MARKET_LINEAR ? "%s@aggTrade" : "%s@trade", l); break;
  case XC_CH_BOOK:
    if (xc__bn_book_partial(m, depth) == 0) w = snprintf(out, cap, "%s@depth@100ms", l);
    else w = snprintf(out, cap, "%s@depth%u@100ms", l, xc__bn_book_partial(m, depth));
    break;
  default: return XC_ENOTSUP;
  }
  return w < 0 || (size_t)w >= cap ? XC_ENOSPC : XC_OK;
}

const char *xc__bn_ws_public_path(xc_market m) {
  (void)m;
  return "/stream"; /* combined: every message names its stream */
}

xc_status xc__bn_build_sub(void *vctx, bool sub, const char *const *topics, size_t n, uint64_t req_id,
                           xc_buf *out) {
  (void)vctx;
  xc_status st = xc_buf_printf(out, "{\"method\":\"%s\",\"params\":[", sub ? "SUBSCRIBE" : "UNSUBSCRIBE");
  for (size_t i = 0; i < n && !st; i++) st = xc_buf_printf(out, "%s\"%s\"", i ? "," : "", topics[i]);
  if (!st) st = xc_buf_printf(out, "],\"id\":%llu}", (unsigned long long)req_id);
  return st;
}

/* Replies: {"result":null,"id":1} or {"code":2,"msg":"...","id":1}. Data messages of a combined
 * stream start with {"stream": and never carry a top-level "id". */
int xc__bn_classify(void *vctx, const char *msg, size_t len, uint64_t *req_id, bool *ok) {
  (void)vctx;
  if (len >= 10 && !memcmp(msg, "{\"stream\":", 10)) return 0;
  if (len > 512) return 0;
  size_t at = len; /* first byte after the last "id": */
  bool has_result = false, has_code = false;
  for (size_t i = 0; i + 5 <= len; i++) {
    if (!memcmp(msg + i, "\"id\":", 5)) at = i + 5;
    if (i + 9 <= len && !memcmp(msg + i, "\"result\":", 9)) has_result = true;
    if (i + 7 <= len && !memcmp(msg + i, "\"code\":", 7)) has_code = true;
  }
  while (at < len && msg[at] == ' ') at++;
  if (at >= len || !isdigit((unsigned char)msg[at])) return 0;
  uint64_t v = 0;
  for (; at < len && isdigit((unsigned char)msg[at]); at++) {
    if (v > (UINT64_MAX - 9) / 10) return 0;
    v = v * 10 + (uint64_t)(msg[at] - '0');
  }
  if (!has_result && !has_code) return 0;
  *req_id = v;
  *ok = has_result && !has_code;
  return 1;
}

/* Stream control: spot allows 5 incoming messages per second, futures 10 (binance.md 3.6); stay
 * below; 1024 streams per connection (spot) / 200 (futures). */
static const xc__ws_venue k_spot = {50, 1024, 4, 10000, xc__bn_build_sub, NULL, xc__bn_classify, NULL};
static const xc__ws_venue k_fut = {50, 200, 8, 10000, xc__bn_build_sub, NULL, xc__bn_classify, NULL};

const xc__ws_venue *xc__bn_ws_hooks(xc_market m) { return m == XC_MARKET_LINEAR ? &k_fut : &k_spot; }

bool xc__bn_route(const char *msg, size_t len, xc__venue_route *out) {
  static const char pre[] = "{\"stream\":\"";
  size_t pl = sizeof pre - 1;
  if (len <= pl || memcmp(msg, pre, pl) != 0) return false;
  const char *s = msg + pl;
  const char *e = memchr(s, '"', len - pl);
  if (!e) return false;
  out->topic = s;
  out->topic_len = (size_t)(e - s);
  return true;
}
