/* Names and parsing for the normalized vocabulary in xconn/types.h and xconn/trading.h. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "xconn/events.h"
#include "xconn/trading.h"
#include "xconn/types.h"

const char *xc_venue_name(xc_venue v) {
  switch (v) {
  case XC_VENUE_BINANCE: return "binance";
  case XC_VENUE_BYBIT: return "bybit";
  default: return "?";
  }
}

xc_status xc_venue_parse(const char *name, xc_venue *out) {
  if (!name || !out) return XC_EINVAL;
  if (!strcasecmp(name, "binance")) *out = XC_VENUE_BINANCE;
  else if (!strcasecmp(name, "bybit")) *out = XC_VENUE_BYBIT;
  else return XC_EINVAL;
  return XC_OK;
}

const char *xc_side_name(xc_side s) {
  return s == XC_SIDE_BUY ? "buy" : s == XC_SIDE_SELL ? "sell" : "?";
}

const char *xc_market_name(xc_market m) {
  return m == XC_MARKET_SPOT ? "spot" : m == XC_MARKET_LINEAR ? "linear" : "?";
}

const char *xc_order_status_name(xc_order_status s) {
  static const char *const names[] = {"pending_new", "new",      "partially_filled", "filled",
                                      "pending_cancel", "canceled", "rejected",         "expired"};
  return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

bool xc_order_status_is_final(xc_order_status s) {
  return s == XC_ORDER_FILLED || s == XC_ORDER_CANCELED || s == XC_ORDER_REJECTED || s == XC_ORDER_EXPIRED;
}

/* Copies an asset code [A-Z0-9]{1,15} of length n; false if malformed. */
static bool copy_asset(char dst[XC_ASSET_MAX], const char *s, size_t n) {
  if (n == 0 || n >= XC_ASSET_MAX) return false;
  for (size_t i = 0; i < n; i++) {
    char ch = s[i];
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))) return false;
  }
  memcpy(dst, s, n);
  dst[n] = 0;
  return true;
}

xc_status xc_symbol_parse(const char *unified, xc_symbol *out) {
  if (!unified || !out) return XC_EINVAL;
  memset(out, 0, sizeof *out);
  const char *slash = strchr(unified, '/');
  if (!slash) return XC_EINVAL;
  const char *colon = strchr(slash + 1, ':');
  const char *qend = colon ? colon : slash + 1 + strlen(slash + 1);
  if (!copy_asset(out->base, unified, (size_t)(slash - unified))) return XC_EINVAL;
  if (!copy_asset(out->quote, slash + 1, (size_t)(qend - slash - 1))) return XC_EINVAL;
  if (colon) {
    if (!copy_asset(out->settle, colon + 1, strlen(colon + 1))) return XC_EINVAL;
    out->market = XC_MARKET_LINEAR;
  } else {
    out->market = XC_MARKET_SPOT;
  }
  return XC_OK;
}

int xc_symbol_format(const xc_symbol *s, char *buf, size_t cap) {
  if (!s || !buf) return XC_EINVAL;
  int n = s->market == XC_MARKET_LINEAR ? snprintf(buf, cap, "%s/%s:%s", s->base, s->quote, s->settle)
                                        : snprintf(buf, cap, "%s/%s", s->base, s->quote);
  if (n < 0 || (size_t)n >= cap) return XC_ENOSPC;
  return n;
}

const char *xc_event_type_name(xc_event_type t) {
  static const char *const names[] = {"?",        "conn",    "ticker",  "bbo",      "trade",   "book",
                                      "book_state", "order", "fill",    "balance",  "position", "breaker",
                                      "error"};
  return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "?";
}
