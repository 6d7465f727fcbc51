/* Binance enum maps: unified <-> venue symbols, instrument status (binance.md 4.1, 5.1). */
#include <stdio.h>
#include <string.h>

#include "venues/binance/binance.h"

xc_status xc__bn_venue_symbol(const xc_symbol *s, char *out, size_t cap) {
  if (!s || !out || !s->base[0] || !s->quote[0]) return XC_EINVAL;
  /* USD-M perpetuals settle in their quote asset (BTCUSDT settles in USDT). */
  if (s->market == XC_MARKET_LINEAR && strcmp(s->settle, s->quote) != 0) return XC_ENOTSUP;
  int n = snprintf(out, cap, "%s%s", s->base, s->quote);
  return n < 0 || (size_t)n >= cap ? XC_ENOSPC : XC_OK;
}

static bool eq(const char *s, size_t n, const char *lit) { return strlen(lit) == n && !memcmp(s, lit, n); }

xc_instrument_status xc__bn_instr_status(xc_market m, const char *s, size_t n) {
  if (eq(s, n, "TRADING")) return XC_INSTR_TRADING;
  if (m == XC_MARKET_LINEAR) {
    if (eq(s, n, "PENDING_TRADING")) return XC_INSTR_PRELAUNCH;
    if (eq(s, n, "DELIVERED") || eq(s, n, "CLOSE")) return XC_INSTR_DELISTED;
    return XC_INSTR_HALTED; /* PRE_DELIVERING, DELIVERING, PRE_SETTLE, SETTLING */
  }
  return XC_INSTR_HALTED; /* HALT, BREAK, END_OF_DAY, CANCEL_ONLY */
}
