/* Binance parsers: market-stream events (binance.md 7.2, 7.3) and exchangeInfo (4.1, 4.2, 5.1).
 * Exact decimals throughout; every field the event carries is checked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "venues/binance/binance.h"

int xc__bn_event_obj(xc_json *j) {
  int d = xc_json_get(j, 0, "data");
  return d >= 0 && xc_json_type_of(j, d) == XC_JSON_OBJECT ? d : 0;
}

/* Optional decimal: absent leaves zero. */
static xc_status opt_dec(xc_json *j, int obj, const char *key, xc_dec *out) {
  int v = xc_json_get(j, obj, key);
  if (v < 0) {
    *out = (xc_dec){0, 0};
    return XC_OK;
  }
  return xc_json_get_dec(j, obj, key, out);
}

xc_status xc__bn_parse_ticker(xc_json *j, int obj, xc_ticker *out, int64_t *event_ms) {
  memset(out, 0, sizeof *out);
  xc_status st;
  if ((st = xc_json_get_i64(j, obj, "E", event_ms))) return st;
  if ((st = xc_json_get_dec(j, obj, "c", &out->last))) return st;
  if ((st = xc_json_get_dec(j, obj, "o", &out->open))) return st;
  if ((st = xc_json_get_dec(j, obj, "h", &out->high))) return st;
  if ((st = xc_json_get_dec(j, obj, "l", &out->low))) return st;
  if ((st = xc_json_get_dec(j, obj, "v", &out->volume))) return st;
  if ((st = xc_json_get_dec(j, obj, "q", &out->quote_volume))) return st;
  if ((st = xc_json_get_dec(j, obj, "P", &out->change_pct))) return st;
  if ((st = opt_dec(j, obj, "Q", &out->last_qty))) return st;
  /* Spot carries the best bid/ask; futures' ticker does not (binance.md 7.3). */
  if ((st = opt_dec(j, obj, "b", &out->bid))) return st;
  if ((st = opt_dec(j, obj, "B", &out->bid_qty))) return st;
  if ((st = opt_dec(j, obj, "a", &out->ask))) return st;
  return opt_dec(j, obj, "A", &out->ask_qty);
}

xc_status xc__bn_parse_bbo(xc_json *j, int obj, xc_bbo *out, int64_t *event_ms) {
  memset(out, 0, sizeof *out);
  xc_status st;
  if ((st = xc_json_get_i64(j, obj, "u", &out->update_id))) return st;
  if ((st = xc_json_get_dec(j, obj, "b", &out->bid))) return st;
  if ((st = xc_json_get_dec(j, obj, "B", &out->bid_qty))) return st;
  if ((st = xc_json_get_dec(j, obj, "a", &out->ask))) return st;
  if ((st = xc_json_get_dec(j, obj, "A", &out->ask_qty))) return st;
  *event_ms = 0; /* spot bookTicker has no event time; futures has E */
  if (xc_json_get(j, obj, "E") >= 0) return xc_json_get_i64(j, obj, "E", event_ms);
  return XC_OK;
}

xc_status xc__bn_parse_trade(xc_json *j, int obj, xc_trade *out, int64_t *trade_ms, int64_t *trade_id) {
  memset(out, 0, sizeof *out);
  xc_status st;
  const char *idkey = xc_json_get(j, obj, "t") >= 0 ? "t" : "a"; /* trade or aggTrade */
  if ((st = xc_json_get_i64(j, obj, idkey, trade_id))) return st;
  if ((st = xc_json_get_dec(j, obj, "p", &out->price))) return st;
  if ((st = xc_json_get_dec(j, obj, "q", &out->qty))) return st;
  if ((st = xc_json_get_i64(j, obj, "T", trade_ms))) return st;
  bool buyer_maker;
  if ((st = xc_json_get_bool(j, obj, "m", &buyer_maker))) return st;
  out->taker_side = buyer_maker ? XC_SIDE_SELL : XC_SIDE_BUY;
  snprintf(out->trade_id, sizeof out->trade_id, "%lld", (long long)*trade_id);
  return XC_OK;
}

xc_status xc__bn_parse_md(xc_json *j, xc_market m, xc_channel ch, xc_event *ev, int64_t *seq) {
  (void)m;
  int obj = xc__bn_event_obj(j);
  int64_t ts = 0, id = 0;
  xc_status st;
  switch (ch) {
  case XC_CH_TICKER:
    ev->type = XC_EV_TICKER;
    st = xc__bn_parse_ticker(j, obj, &ev->u.ticker, &ts);
    id = ts;
    break;
  case XC_CH_BBO:
    ev->type = XC_EV_BBO;
    st = xc__bn_parse_bbo(j, obj, &ev->u.bbo, &ts);
    id = ev->u.bbo.update_id;
    break;
  case XC_CH_TRADES:
    ev->type = XC_EV_TRADE;
    st = xc__bn_parse_trade(j, obj, &ev->u.trade, &ts, &id);
    break;
  default: return XC_ENOTSUP;
  }
  ev->venue_ts_ms = ts;
  *seq = id;
  return st;
}

/* ---- exchangeInfo ------------------------------------------------------------------------------ */

static int find_filter(xc_json *j, int filters, const char *type) {
  for (int f = xc_json_first(j, filters); f >= 0; f = xc_json_next(j, f)) {
    int t = xc_json_get(j, f, "filterType");
    if (t >= 0 && xc_json_str_eq(j, t, type)) return f;
  }
  return -1;
}

static xc_dec dec_pow10_neg(int places) {
  xc_dec d;
  if (xc_dec_from_i64(1, -places, &d) != XC_OK) d = (xc_dec){0, 0};
  return d;
}

static xc_status parse_one(xc_json *j, int s, xc_market m, xc_instrument *in, bool *skip, char *err, size_t errcap) {
  memset(in, 0, sizeof *in);
  *skip = false;
  in->venue = XC_VENUE_BINANCE;
  in->market = m;
  xc_status st;
#define REQ(call, what)                                                                             \
  do {                                                                                             \
    if ((st = (call)) != XC_OK) {                                                                  \
      snprintf(err, errcap, "%s: %s", in->venue_symbol[0] ? in->venue_symbol : "symbol",           \
               xc_json_errmsg(j)[0] ? xc_json_errmsg(j) : (what));                                 \
      return st;                                                                                   \
    }                                                                                              \
  } while (0)
  REQ(xc_json_get_str(j, s, "symbol", in->venue_symbol, sizeof in->venue_symbol), "symbol");
  REQ(xc_json_get_str(j, s, "baseAsset", in->base, sizeof in->base), "baseAsset");
  REQ(xc_json_get_str(j, s, "quoteAsset", in->quote, sizeof in->quote), "quoteAsset");
  const char *stx;
  size_t stn;
  REQ(xc_json_get_text(j, s, "status", &stx, &stn), "status");
  in->status = xc__bn_instr_status(m, stx, stn);
  if (m == XC_MARKET_LINEAR) {
    const char *ct;
    size_t ctn;
    REQ(xc_json_get_text(j, s, "contractType", &ct, &ctn), "contractType");
    if (ctn != 9 || memcmp(ct, "PERPETUAL", 9) != 0) { /* delivery contracts: not in the model */
      *skip = true;
      return XC_OK;
    }
    in->contract = XC_CONTRACT_PERPETUAL;
    REQ(xc_json_get_str(j, s, "marginAsset", in->settle, sizeof in->settle), "marginAsset");
    if (strcmp(in->settle, in->quote) != 0) {
      *skip = true;
      return XC_OK;
    }
  } else {
    in->contract = XC_CONTRACT_SPOT;
  }
  xc_symbol sy = {0};
  memcpy(sy.base, in->base, sizeof sy.base);
  memcpy(sy.quote, in->quote, sizeof sy.quote);
  memcpy(sy.settle, in->settle, sizeof sy.settle);
  sy.market = m;
  xc_symbol back;
  if (xc_symbol_format(&sy, in->symbol, sizeof in->symbol) < 0 || xc_symbol_parse(in->symbol, &back) != XC_OK ||
      back.market != m) {
    *skip = true; /* assets outside [A-Z0-9] or too long for a unified symbol */
    return XC_OK;
  }
  int filters;
  REQ(xc_json_get_arr(j, s, "filters", &filters), "filters");
  int f;
  if ((f = find_filter(j, filters, "PRICE_FILTER")) >= 0) {
    REQ(xc_json_get_dec(j, f, "tickSize", &in->tick_size), "tickSize");
    REQ(opt_dec(j, f, "minPrice", &in->min_price), "minPrice");
    REQ(opt_dec(j, f, "maxPrice", &in->max_price), "maxPrice");
  }
  if ((f = find_filter(j, filters, "LOT_SIZE")) >= 0) {
    REQ(xc_json_get_dec(j, f, "stepSize", &in->step_size), "stepSize");
    REQ(opt_dec(j, f, "minQty", &in->min_qty), "minQty");
    REQ(opt_dec(j, f, "maxQty", &in->max_qty), "maxQty");
  }
  if ((f = find_filter(j, filters, "MARKET_LOT_SIZE")) >= 0) {
    REQ(opt_dec(j, f, "stepSize", &in->market_step_size), "stepSize");
    REQ(opt_dec(j, f, "minQty", &in->market_min_qty), "minQty");
    REQ(opt_dec(j, f, "maxQty", &in->market_max_qty), "maxQty");
  }
  if (xc_dec_is_zero(in->market_step_size)) in->market_step_size = in->step_size;
  if (xc_dec_is_zero(in->market_min_qty)) in->market_min_qty = in->min_qty;
  if (m == XC_MARKET_LINEAR) {
    if ((f = find_filter(j, filters, "MIN_NOTIONAL")) >= 0) REQ(opt_dec(j, f, "notional", &in->min_notional), "notional");
  } else if ((f = find_filter(j, filters, "NOTIONAL")) >= 0) {
    REQ(opt_dec(j, f, "minNotional", &in->min_notional), "minNotional");
    REQ(opt_dec(j, f, "maxNotional", &in->max_notional), "maxNotional");
  } else if ((f = find_filter(j, filters, "MIN_NOTIONAL")) >= 0) {
    REQ(opt_dec(j, f, "minNotional", &in->min_notional), "minNotional");
  }
  int64_t qp = 8;
  const char *qkey = m == XC_MARKET_LINEAR ? "quotePrecision" : "quoteAssetPrecision";
  if (xc_json_get(j, s, qkey) >= 0) REQ(xc_json_get_i64(j, s, qkey, &qp), qkey);
  if (qp < 0 || qp > 18) qp = 8;
  in->quote_step = dec_pow10_neg((int)qp);
  in->price_precision = xc_dec_is_zero(in->tick_size) ? 8 : xc_dec_places(in->tick_size);
  in->qty_precision = xc_dec_is_zero(in->step_size) ? 8 : xc_dec_places(in->step_size);
#undef REQ
  return XC_OK;
}

xc_status xc__bn_parse_instruments(xc_json *j, xc_market m, xc_instrument **out, size_t *n, char *err,
                                   size_t errcap) {
  *out = NULL;
  *n = 0;
  if (errcap) err[0] = 0;
  int syms;
  xc_status st = xc_json_get_arr(j, 0, "symbols", &syms);
  if (st) {
    snprintf(err, errcap, "exchangeInfo: %s", xc_json_errmsg(j));
    return st;
  }
  int cnt = xc_json_count(j, syms);
  xc_instrument *arr = calloc(cnt > 0 ? (size_t)cnt : 1, sizeof *arr);
  if (!arr) return XC_ENOMEM;
  size_t k = 0;
  for (int s = xc_json_first(j, syms); s >= 0; s = xc_json_next(j, s)) {
    bool skip;
    st = parse_one(j, s, m, &arr[k], &skip, err, errcap);
    if (st) {
      free(arr);
      return st;
    }
    if (!skip) k++;
  }
  *out = arr;
  *n = k;
  return XC_OK;
}
