/* Binance symbol filters (see binance_filters.h). */
#include "sim/binance_filters.h"

#include <stdint.h>
#include <string.h>

static xc_dec dec_of(const char *s) {
  xc_dec d = XC_DEC_ZERO;
  (void)xc_dec_from_cstr(s, &d);
  return d;
}

void xc__bn_rules_init(xc__bn_rules *r, xc_dec tick, xc_dec step, xc_dec min_notional) {
  memset(r, 0, sizeof *r);
  r->tick = tick;
  r->min_price = tick;
  r->max_price = dec_of("1000000");
  r->step = step;
  r->min_qty = step;
  r->max_qty = dec_of("9000");
  r->mkt_step = step;
  r->mkt_min_qty = step;
  r->mkt_max_qty = dec_of("1000");
  r->min_notional = min_notional;
  r->max_notional = dec_of("9000000");
  r->base_prec = 8;
  r->quote_prec = 8;
  r->price_prec = xc_dec_places(tick);
  r->qty_prec = xc_dec_places(step);
  r->max_orders = 200;
}

int xc__bn_text_places(const char *s) {
  const char *dot = s ? strchr(s, '.') : NULL;
  return dot ? (int)strlen(dot + 1) : 0;
}

static bool aligned(xc_dec v, xc_dec base, xc_dec step) {
  if (xc_dec_is_zero(step)) return true;
  xc_dec d;
  if (xc_dec_sub(v, base, &d) != XC_OK) return false;
  return xc_dec_is_multiple(xc_dec_abs(d), step);
}

static int spot_fail(xc__bn_err *e, const char *filter) {
  return xc__bn_err_set(e, XC__BN_INVALID_MESSAGE, "Filter failure: %s", filter);
}

int xc__bn_check_order(const xc__bn_rules *r, bool futures, bool market, bool has_price, xc_dec price,
                       bool has_qty, xc_dec qty, xc_dec ref, xc__bn_err *e) {
  if (has_price) {
    if (xc_dec_sign(price) <= 0) {
      if (futures) return xc__bn_err_set(e, -4013, "Price less than min price.");
      return xc__bn_err_set(e, XC__BN_INVALID_PARAMETER, "Invalid price.");
    }
    if (!xc_dec_is_zero(r->min_price) && xc_dec_cmp(price, r->min_price) < 0)
      return futures ? xc__bn_err_set(e, -4013, "Price less than min price.") : spot_fail(e, "PRICE_FILTER");
    if (!xc_dec_is_zero(r->max_price) && xc_dec_cmp(price, r->max_price) > 0)
      return futures ? xc__bn_err_set(e, -4016, "Price higher than max price.") : spot_fail(e, "PRICE_FILTER");
    /* spot: price % tickSize == 0; futures: (price - minPrice) % tickSize == 0 */
    if (!aligned(price, futures ? r->min_price : XC_DEC_ZERO, r->tick))
      return futures ? xc__bn_err_set(e, -4014, "Price not increased by tick size.") : spot_fail(e, "PRICE_FILTER");
  }
  if (has_qty) {
    xc_dec mn = market ? r->mkt_min_qty : r->min_qty, mx = market ? r->mkt_max_qty : r->max_qty;
    xc_dec st = market ? r->mkt_step : r->step;
    if (xc_dec_sign(qty) <= 0) {
      if (futures) return xc__bn_err_set(e, -4003, "Quantity less than or equal to zero.");
      return xc__bn_err_set(e, XC__BN_INVALID_PARAMETER, "Invalid quantity.");
    }
    if (xc_dec_cmp(qty, mn) < 0)
      return futures ? xc__bn_err_set(e, -4004, "Quantity less than min quantity.")
                     : spot_fail(e, market ? "MARKET_LOT_SIZE" : "LOT_SIZE");
    if (xc_dec_cmp(qty, mx) > 0)
      return futures ? xc__bn_err_set(e, -4005, "Quantity greater than max quantity.")
                     : spot_fail(e, market ? "MARKET_LOT_SIZE" : "LOT_SIZE");
    if (!aligned(qty, futures ? mn : XC_DEC_ZERO, st))
      return futures ? xc__bn_err_set(e, -4023, "Quantity not increased by step size.")
                     : spot_fail(e, market ? "MARKET_LOT_SIZE" : "LOT_SIZE");
  }
  if (has_qty) {
    xc_dec px = has_price && !market ? price : ref;
    xc_dec notional;
    if (!xc_dec_is_zero(px) && xc_dec_mul(px, qty, &notional) == XC_OK) {
      if (xc_dec_cmp(notional, r->min_notional) < 0) {
        if (futures) return xc__bn_err_set(e, XC__BN_FUT_MIN_NOTIONAL, NULL);
        return spot_fail(e, "NOTIONAL");
      }
      if (!futures && !xc_dec_is_zero(r->max_notional) && xc_dec_cmp(notional, r->max_notional) > 0)
        return spot_fail(e, "NOTIONAL");
    }
  }
  return 0;
}

/* Fast path for the common case: coefficient fits in int64, no rounding needed (the value has at
 * most `places` fractional digits). Writes the quoted JSON string into out; returns its length or
 * -1 to fall back. */
static int fast_fixed(xc_dec d, int places, char *out) {
  if (d.coef > (xc_dec_coef)INT64_MAX || d.coef < -(xc_dec_coef)INT64_MAX || d.exp > 0 || -d.exp > places ||
      places > 40)
    return -1;
  int64_t c = (int64_t)d.coef;
  uint64_t u = c < 0 ? (uint64_t)(-c) : (uint64_t)c;
  char dig[24];
  int nd = 0;
  do {
    dig[nd++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  int frac = -d.exp;
  char *p = out;
  *p++ = '"';
  if (c < 0) *p++ = '-';
  if (nd <= frac) *p++ = '0';
  else
    for (int i = nd - 1; i >= frac; i--) *p++ = dig[i];
  if (places > 0) {
    *p++ = '.';
    for (int j = 1; j <= places; j++) {
      int idx = frac - j;
      *p++ = idx >= 0 && idx < nd ? dig[idx] : '0';
    }
  }
  *p++ = '"';
  return (int)(p - out);
}

void xc__bn_jw_fixed(xc_jw *w, xc_dec d, int places) {
  char b[XC_DEC_STR_MAX];
  int n = fast_fixed(d, places, b);
  if (n > 0) {
    xc_jw_raw(w, b, (size_t)n);
    return;
  }
  n = xc_dec_to_str_fixed(d, places, XC_ROUND_HALF_EVEN, b, sizeof b);
  if (n < 0) {
    n = xc_dec_to_str(d, b, sizeof b);
    if (n < 0) n = 0;
  }
  xc_jw_strn(w, b, (size_t)n);
}

static void kv(xc_jw *w, const char *k, xc_dec d, int places) {
  xc_jw_key(w, k);
  if (places < 0) xc_jw_dec_str(w, d);
  else xc__bn_jw_fixed(w, d, places);
}

void xc__bn_write_filters(xc_jw *w, const xc__bn_rules *r, bool futures) {
  int pp = futures ? -1 : 8; /* spot pads to 8 decimals, futures sends plain strings */
  xc_jw_arr_begin(w);
  xc_jw_obj_begin(w);
  xc_jw_key(w, "filterType"); xc_jw_str(w, "PRICE_FILTER");
  kv(w, "minPrice", r->min_price, pp); kv(w, "maxPrice", r->max_price, pp); kv(w, "tickSize", r->tick, pp);
  xc_jw_obj_end(w);
  xc_jw_obj_begin(w);
  xc_jw_key(w, "filterType"); xc_jw_str(w, "LOT_SIZE");
  kv(w, "minQty", r->min_qty, pp); kv(w, "maxQty", r->max_qty, pp); kv(w, "stepSize", r->step, pp);
  xc_jw_obj_end(w);
  xc_jw_obj_begin(w);
  xc_jw_key(w, "filterType"); xc_jw_str(w, "MARKET_LOT_SIZE");
  kv(w, "minQty", r->mkt_min_qty, pp); kv(w, "maxQty", r->mkt_max_qty, pp); kv(w, "stepSize", r->mkt_step, pp);
  xc_jw_obj_end(w);
  if (futures) {
    xc_jw_obj_begin(w);
    xc_jw_key(w, "filterType"); xc_jw_str(w, "MAX_NUM_ORDERS");
    xc_jw_key(w, "limit"); xc_jw_i64(w, r->max_orders);
    xc_jw_obj_end(w);
    xc_jw_obj_begin(w);
    xc_jw_key(w, "filterType"); xc_jw_str(w, "MIN_NOTIONAL");
    kv(w, "notional", r->min_notional, -1);
    xc_jw_obj_end(w);
    xc_jw_obj_begin(w);
    xc_jw_key(w, "filterType"); xc_jw_str(w, "PERCENT_PRICE");
    xc_jw_key(w, "multiplierUp"); xc_jw_str(w, "1.1500");
    xc_jw_key(w, "multiplierDown"); xc_jw_str(w, "0.8500");
    xc_jw_key(w, "multiplierDecimal"); xc_jw_i64(w, 4);
    xc_jw_obj_end(w);
  } else {
    xc_jw_obj_begin(w);
    xc_jw_key(w, "filterType"); xc_jw_str(w, "NOTIONAL");
    kv(w, "minNotional", r->min_notional, pp);
    xc_jw_key(w, "applyMinToMarket"); xc_jw_bool(w, true);
    kv(w, "maxNotional", r->max_notional, pp);
    xc_jw_key(w, "applyMaxToMarket"); xc_jw_bool(w, false);
    xc_jw_key(w, "avgPriceMins"); xc_jw_i64(w, 5);
    xc_jw_obj_end(w);
    xc_jw_obj_begin(w);
    xc_jw_key(w, "filterType"); xc_jw_str(w, "MAX_NUM_ORDERS");
    xc_jw_key(w, "maxNumOrders"); xc_jw_i64(w, r->max_orders);
    xc_jw_obj_end(w);
  }
  xc_jw_arr_end(w);
}
