/* Binance REST front ends: Spot /api/v3 on the spot_rest port and USD-M /fapi on usdm_rest.
 * Every route goes through one wrapper: parameters (query and/or form body), rate-limit
 * accounting with the X-MBX-* headers (429, then 418 with Retry-After), API key / signature /
 * timestamp checks, then the handler; errors leave as {"code","msg"} with Binance's status. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/binance_int.h"

typedef struct bn_ctx bn_ctx;
typedef int (*bn_fn)(bn_ctx *c);
typedef int (*bn_weight_fn)(const bn_ctx *c);

typedef struct bn_route {
  const char *method, *path;
  int prod;          /* XC__BN_SPOT / XC__BN_FUT */
  xc__bn_sec sec;
  bool is_order;     /* counts toward ORDERS; IP weight refunded on success */
  int weight;
  bn_weight_fn wfn;  /* overrides weight when set */
  bn_fn fn;
} bn_route;

struct bn_ctx {
  xc__bn_state *st;
  const xc__sim_req *req;
  xc__sim_resp *resp;
  const bn_route *r;
  bool fut;
  int64_t now;
  xc__bn_err e;
  xc_jw w;
  xc__sim_acct *acct;
  xc__bn_params p;
};

static const char *P(const bn_ctx *c, const char *k) { return xc__bn_param(&c->p, k); }
static bool has(const bn_ctx *c, const char *k) { return P(c, k) != NULL; }

/* ---- helpers -------------------------------------------------------------------------------- */

static xc_sim_kind kind_of(const bn_ctx *c) { return c->fut ? XC_SIM_LINEAR : XC_SIM_SPOT; }

static xc__sim_mkt *mkt_param(bn_ctx *c, bool required) {
  const char *s = P(c, "symbol");
  if (!s || !*s) {
    if (required) xc__bn_err_mandatory(&c->e, "symbol");
    return NULL;
  }
  xc__sim_mkt *m = xc__sim_mkt_find(c->st->sim, XC_SIM_BINANCE, kind_of(c), s);
  if (!m) xc__bn_err_set(&c->e, XC__BN_BAD_SYMBOL, NULL);
  return m;
}

static void ticker_of(const xc__sim_mkt *m, xc__bn_ticker_view *t) {
  memset(t, 0, sizeof *t);
  const xc__sim_instr *in = xc__sim_mkt_instr(m);
  xc__sim_stats24 s;
  xc__sim_mkt_stats(m, &s);
  t->symbol = in->symbol;
  t->open = xc_dec_is_zero(s.open) ? in->init_price : s.open;
  t->last = xc_dec_is_zero(s.last) ? t->open : s.last;
  t->high = xc_dec_is_zero(s.high) ? t->last : s.high;
  t->low = xc_dec_is_zero(s.low) ? t->last : s.low;
  t->prev_close = t->open;
  t->last_qty = s.last_qty;
  t->volume = s.volume;
  t->quote_volume = s.quote_volume;
  t->open_time = s.open_ms;
  t->close_time = s.close_ms;
  t->first_id = s.count ? (int64_t)s.first_id : -1;
  t->last_id = s.count ? (int64_t)s.last_id : -1;
  t->count = (int64_t)s.count;
  xc__sim_level b, a;
  if (xc__sim_book_best(m, XC__SIM_BUY, &b)) { t->bid = b.price; t->bid_qty = b.qty; }
  if (xc__sim_book_best(m, XC__SIM_SELL, &a)) { t->ask = a.price; t->ask_qty = a.qty; }
  t->book_update_id = (int64_t)xc__sim_book_update_id(m);
}

/* Calls fn for the symbol param's market, or every Binance market of the product (array). */
static int each_symbol(bn_ctx *c, void (*fn)(bn_ctx *c, const xc__sim_mkt *m)) {
  if (has(c, "symbol")) {
    xc__sim_mkt *m = mkt_param(c, true);
    if (!m) return c->e.code;
    fn(c, m);
    return 0;
  }
  const char *syms = P(c, "symbols");
  xc_jw_arr_begin(&c->w);
  for (int i = 0; i < c->st->nmkts; i++) {
    const xc__sim_mkt *m = c->st->mk[i].m;
    const xc__sim_instr *in = xc__sim_mkt_instr(m);
    if (in->kind != kind_of(c)) continue;
    if (syms) {
      char q[32];
      snprintf(q, sizeof q, "\"%s\"", in->symbol);
      if (!strstr(syms, q)) continue;
    }
    fn(c, m);
  }
  xc_jw_arr_end(&c->w);
  if (syms) {
    /* every requested symbol must exist */
    const char *s = syms;
    while ((s = strchr(s, '"')) != NULL) {
      const char *e2 = strchr(s + 1, '"');
      if (!e2) break;
      if (!xc__sim_mkt_findn(c->st->sim, XC_SIM_BINANCE, kind_of(c), s + 1, (size_t)(e2 - s - 1))) {
        xc_buf_reset(&c->resp->body);
        return xc__bn_err_set(&c->e, XC__BN_BAD_SYMBOL, NULL);
      }
      s = e2 + 1;
    }
  }
  return 0;
}

static void jd(bn_ctx *c, const char *k, xc_dec d, int places) {
  xc_jw_key(&c->w, k);
  xc__bn_num(&c->w, d, places);
}
static void js(bn_ctx *c, const char *k, const char *v) {
  xc_jw_key(&c->w, k);
  xc_jw_str(&c->w, v);
}
static void ji(bn_ctx *c, const char *k, int64_t v) {
  xc_jw_key(&c->w, k);
  xc_jw_i64(&c->w, v);
}
static void jb(bn_ctx *c, const char *k, bool v) {
  xc_jw_key(&c->w, k);
  xc_jw_bool(&c->w, v);
}

/* ---- weights -------------------------------------------------------------------------------- */

static int64_t limit_param(const bn_ctx *c, int64_t dflt) {
  int64_t v = dflt;
  bool h;
  xc__bn_err e;
  if (xc__bn_param_i64(&c->p, "limit", &v, &h, &e) || !h) return dflt;
  return v;
}
static int w_depth(const bn_ctx *c) {
  int64_t l = limit_param(c, c->fut ? 500 : 100);
  if (c->fut) return l <= 50 ? 2 : l <= 100 ? 5 : l <= 500 ? 10 : 20;
  return l <= 100 ? 5 : l <= 500 ? 25 : l <= 1000 ? 50 : 250;
}
static int w_sym(const bn_ctx *c, int with, int without) { return has(c, "symbol") ? with : without; }
static int w_24hr(const bn_ctx *c) { return c->fut ? w_sym(c, 1, 40) : w_sym(c, 2, 80); }
static int w_price(const bn_ctx *c) { return c->fut ? w_sym(c, 1, 2) : w_sym(c, 2, 4); }
static int w_book(const bn_ctx *c) { return c->fut ? w_sym(c, 2, 5) : w_sym(c, 2, 4); }
static int w_open(const bn_ctx *c) { return c->fut ? w_sym(c, 1, 40) : w_sym(c, 6, 80); }
static int w_premium(const bn_ctx *c) { return w_sym(c, 1, 10); }

/* ---- general ------------------------------------------------------------------------------- */

static int h_ping(bn_ctx *c) {
  xc_jw_obj_begin(&c->w);
  xc_jw_obj_end(&c->w);
  return 0;
}

static int h_time(bn_ctx *c) {
  xc_jw_obj_begin(&c->w);
  ji(c, "serverTime", c->now);
  xc_jw_obj_end(&c->w);
  return 0;
}

static void rate_limits(bn_ctx *c) {
  xc__bn_limits *l = &c->st->lim[c->fut];
  xc_jw_key(&c->w, "rateLimits");
  xc_jw_arr_begin(&c->w);
  struct rl_t { const char *t, *iv; int n; int64_t lim; } rl[4];
  int n = 0;
  const char *wiv;
  int64_t wnum;
  xc__bn_limits_weight_interval(l, &wiv, &wnum, NULL, 0);
  rl[n++] = (struct rl_t){"REQUEST_WEIGHT", wiv, (int)wnum, l->weight_limit};
  rl[n++] = (struct rl_t){"ORDERS", "SECOND", 10, l->order_limit_short};
  rl[n++] = (struct rl_t){"ORDERS", c->fut ? "MINUTE" : "DAY", 1, l->order_limit_long};
  if (!c->fut) rl[n++] = (struct rl_t){"RAW_REQUESTS", "MINUTE", 5, xc__sim_limit(c->st->sim, 300000)};
  for (int i = 0; i < n; i++) {
    xc_jw_obj_begin(&c->w);
    js(c, "rateLimitType", rl[i].t);
    js(c, "interval", rl[i].iv);
    ji(c, "intervalNum", rl[i].n);
    ji(c, "limit", rl[i].lim);
    xc_jw_obj_end(&c->w);
  }
  xc_jw_arr_end(&c->w);
}

static void str_arr(bn_ctx *c, const char *k, const char *const *v, int n) {
  xc_jw_key(&c->w, k);
  xc_jw_arr_begin(&c->w);
  for (int i = 0; i < n; i++) xc_jw_str(&c->w, v[i]);
  xc_jw_arr_end(&c->w);
}

static void spot_symbol(bn_ctx *c, const xc__sim_mkt *m) {
  const xc__sim_instr *in = xc__sim_mkt_instr(m);
  xc__bn_rules r;
  xc__bn_rules_of(m, &r);
  static const char *const types[] = {"LIMIT", "LIMIT_MAKER", "MARKET"};
  static const char *const stp[] = {"NONE"};
  xc_jw_obj_begin(&c->w);
  js(c, "symbol", in->symbol);
  js(c, "status", in->status[0] ? in->status : "TRADING");
  js(c, "baseAsset", in->base);
  ji(c, "baseAssetPrecision", r.base_prec);
  js(c, "quoteAsset", in->quote);
  ji(c, "quotePrecision", r.quote_prec);
  ji(c, "quoteAssetPrecision", r.quote_prec);
  ji(c, "baseCommissionPrecision", r.base_prec);
  ji(c, "quoteCommissionPrecision", r.quote_prec);
  str_arr(c, "orderTypes", types, 3);
  jb(c, "icebergAllowed", false);
  jb(c, "ocoAllowed", false);
  jb(c, "otoAllowed", false);
  jb(c, "opoAllowed", false);
  jb(c, "quoteOrderQtyMarketAllowed", true);
  jb(c, "allowTrailingStop", false);
  jb(c, "cancelReplaceAllowed", false);
  jb(c, "amendAllowed", false);
  jb(c, "pegInstructionsAllowed", false);
  jb(c, "isSpotTradingAllowed", true);
  jb(c, "isMarginTradingAllowed", false);
  xc_jw_key(&c->w, "filters");
  xc__bn_write_filters(&c->w, &r, false);
  str_arr(c, "permissions", NULL, 0);
  xc_jw_key(&c->w, "permissionSets");
  xc_jw_arr_begin(&c->w);
  static const char *const spot[] = {"SPOT"};
  xc_jw_arr_begin(&c->w);
  xc_jw_str(&c->w, spot[0]);
  xc_jw_arr_end(&c->w);
  xc_jw_arr_end(&c->w);
  js(c, "defaultSelfTradePreventionMode", "NONE");
  str_arr(c, "allowedSelfTradePreventionModes", stp, 1);
  xc_jw_obj_end(&c->w);
}

static void fut_symbol(bn_ctx *c, const xc__sim_mkt *m) {
  const xc__sim_instr *in = xc__sim_mkt_instr(m);
  xc__bn_rules r;
  xc__bn_rules_of(m, &r);
  static const char *const types[] = {"LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT",
                                      "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET"};
  static const char *const tifs[] = {"GTC", "IOC", "FOK", "GTX"};
  static const char *const sub[] = {"COIN"};
  xc_jw_obj_begin(&c->w);
  js(c, "symbol", in->symbol);
  js(c, "pair", in->symbol);
  js(c, "contractType", "PERPETUAL");
  ji(c, "deliveryDate", 4133404800000);
  ji(c, "onboardDate", 1569398400000);
  js(c, "status", in->status[0] ? in->status : "TRADING");
  js(c, "maintMarginPercent", "2.5000");
  js(c, "requiredMarginPercent", "5.0000");
  js(c, "baseAsset", in->base);
  js(c, "quoteAsset", in->quote);
  js(c, "marginAsset", in->quote);
  ji(c, "pricePrecision", in->price_places);
  ji(c, "quantityPrecision", in->qty_places);
  ji(c, "baseAssetPrecision", 8);
  ji(c, "quotePrecision", 8);
  js(c, "underlyingType", "COIN");
  str_arr(c, "underlyingSubType", sub, 1);
  ji(c, "settlePlan", 0);
  js(c, "triggerProtect", "0.0500");
  js(c, "liquidationFee", "0.012500");
  js(c, "marketTakeBound", "0.05");
  ji(c, "maxMoveOrderLimit", 10000);
  xc_jw_key(&c->w, "filters");
  xc__bn_write_filters(&c->w, &r, true);
  str_arr(c, "orderTypes", types, 7); /* live responses (and ccxt) use orderTypes; the docs example shows OrderType */
  str_arr(c, "timeInForce", tifs, 4);
  xc_jw_obj_end(&c->w);
}

static int h_exchange_info(bn_ctx *c) {
  xc__sim_mkt *one = NULL;
  if (has(c, "symbol") && !(one = mkt_param(c, true))) return c->e.code;
  const char *syms = P(c, "symbols");
  if (syms) {
    const char *s = syms;
    while ((s = strchr(s, '"')) != NULL) {
      const char *e2 = strchr(s + 1, '"');
      if (!e2) break;
      if (!xc__sim_mkt_findn(c->st->sim, XC_SIM_BINANCE, kind_of(c), s + 1, (size_t)(e2 - s - 1)))
        return xc__bn_err_set(&c->e, XC__BN_BAD_SYMBOL, NULL);
      s = e2 + 1;
    }
  }
  xc_jw_obj_begin(&c->w);
  js(c, "timezone", "UTC");
  ji(c, "serverTime", c->now);
  rate_limits(c);
  xc_jw_key(&c->w, "exchangeFilters");
  xc_jw_arr_begin(&c->w);
  xc_jw_arr_end(&c->w);
  if (c->fut) {
    xc_jw_key(&c->w, "assets");
    xc_jw_arr_begin(&c->w);
    xc_jw_obj_begin(&c->w);
    js(c, "asset", "USDT");
    jb(c, "marginAvailable", true);
    js(c, "autoAssetExchange", "-10000");
    xc_jw_obj_end(&c->w);
    xc_jw_arr_end(&c->w);
  }
  xc_jw_key(&c->w, "symbols");
  xc_jw_arr_begin(&c->w);
  for (int i = 0; i < c->st->nmkts; i++) {
    const xc__sim_mkt *m = c->st->mk[i].m;
    const xc__sim_instr *in = xc__sim_mkt_instr(m);
    if (in->kind != kind_of(c) || (one && m != one)) continue;
    if (syms) {
      char q[32];
      snprintf(q, sizeof q, "\"%s\"", in->symbol);
      if (!strstr(syms, q)) continue;
    }
    if (c->fut) fut_symbol(c, m);
    else spot_symbol(c, m);
  }
  xc_jw_arr_end(&c->w);
  if (!c->fut) {
    xc_jw_key(&c->w, "sors");
    xc_jw_arr_begin(&c->w);
    xc_jw_arr_end(&c->w);
  }
  xc_jw_obj_end(&c->w);
  return 0;
}

/* ---- market data ---------------------------------------------------------------------------- */

static int h_depth(bn_ctx *c) {
  xc__sim_mkt *m = mkt_param(c, true);
  if (!m) return c->e.code;
  int64_t limit = limit_param(c, c->fut ? 500 : 100);
  if (limit <= 0) return xc__bn_err_set(&c->e, XC__BN_INVALID_PARAMETER, "Invalid limit.");
  if (limit > (c->fut ? 1000 : 5000)) limit = c->fut ? 1000 : 5000;
  xc__sim_level *lb = c->st->lv, *la = c->st->lv + XC__BN_MAX_DEPTH;
  xc__bn_level *bb = c->st->bl, *ba = c->st->bl + XC__BN_MAX_DEPTH;
  uint64_t id = xc__sim_book_update_id(m);
  int nb = xc__sim_book_levels(m, XC__SIM_BUY, lb, (int)limit);
  int na = xc__sim_book_levels(m, XC__SIM_SELL, la, (int)limit);
  for (int i = 0; i < nb; i++) bb[i] = (xc__bn_level){lb[i].price, lb[i].qty};
  for (int i = 0; i < na; i++) ba[i] = (xc__bn_level){la[i].price, la[i].qty};
  xc__bn_places pl = xc__bn_places_of(m);
  xc__bn_depth_snapshot(&c->w, (int64_t)id, bb, nb, ba, na, c->fut, c->now, &pl);
  return 0;
}

static int h_trades(bn_ctx *c) {
  xc__sim_mkt *m = mkt_param(c, true);
  if (!m) return c->e.code;
  int64_t limit = limit_param(c, 500);
  if (limit <= 0) limit = 500;
  if (limit > 1000) limit = 1000;
  xc__sim_trade *tr = c->st->tr;
  int n = xc__sim_trades_recent(m, tr, (int)limit);
  xc__bn_places pl = xc__bn_places_of(m);
  xc_jw_arr_begin(&c->w);
  for (int i = 0; i < n; i++) {
    xc__bn_trade_view t = {(int64_t)tr[i].id, tr[i].price, tr[i].qty, tr[i].time_ms, tr[i].buyer_is_maker};
    xc__bn_trade_rest(&c->w, &t, c->fut, &pl);
  }
  xc_jw_arr_end(&c->w);
  return 0;
}

static int h_agg_trades(bn_ctx *c) {
  xc__sim_mkt *m = mkt_param(c, true);
  if (!m) return c->e.code;
  int64_t limit = limit_param(c, 500), from = 0, t0 = 0, t1 = 0;
  bool hf = false, h0 = false, h1 = false;
  if (limit <= 0) limit = 500;
  if (limit > 1000) limit = 1000;
  if (xc__bn_param_i64(&c->p, "fromId", &from, &hf, &c->e) || xc__bn_param_i64(&c->p, "startTime", &t0, &h0, &c->e) ||
      xc__bn_param_i64(&c->p, "endTime", &t1, &h1, &c->e))
    return c->e.code;
  xc__sim_trade *tr = c->st->tr;
  int n = xc__sim_trades_recent(m, tr, 1000);
  int start = 0, end = n;
  if (hf || h0 || h1) {
    while (start < n && ((hf && (int64_t)tr[start].id < from) || (h0 && tr[start].time_ms < t0))) start++;
    while (end > start && h1 && tr[end - 1].time_ms > t1) end--;
    if (end - start > limit) end = start + (int)limit;
  } else if (end - start > limit) {
    start = end - (int)limit;
  }
  xc__bn_places pl = xc__bn_places_of(m);
  xc_jw_arr_begin(&c->w);
  for (int i = start; i < end; i++) {
    xc_jw_obj_begin(&c->w);
    ji(c, "a", (int64_t)tr[i].id);
    jd(c, "p", tr[i].price, pl.price);
    jd(c, "q", tr[i].qty, pl.qty);
    ji(c, "f", (int64_t)tr[i].id);
    ji(c, "l", (int64_t)tr[i].id);
    ji(c, "T", tr[i].time_ms);
    jb(c, "m", tr[i].buyer_is_maker);
    if (!c->fut) jb(c, "M", true);
    xc_jw_obj_end(&c->w);
  }
  xc_jw_arr_end(&c->w);
  return 0;
}

static void one_24hr(bn_ctx *c, const xc__sim_mkt *m) {
  xc__bn_ticker_view t;
  ticker_of(m, &t);
  xc__bn_places pl = xc__bn_places_of(m);
  xc__bn_ticker24_rest(&c->w, &t, c->fut, &pl);
}
static void one_book(bn_ctx *c, const xc__sim_mkt *m) {
  xc__bn_ticker_view t;
  ticker_of(m, &t);
  xc__bn_places pl = xc__bn_places_of(m);
  if (c->fut) {
    xc_jw_obj_begin(&c->w);
    js(c, "symbol", t.symbol);
    jd(c, "bidPrice", t.bid, pl.price);
    jd(c, "bidQty", t.bid_qty, pl.qty);
    jd(c, "askPrice", t.ask, pl.price);
    jd(c, "askQty", t.ask_qty, pl.qty);
    ji(c, "time", c->now);
    ji(c, "lastUpdateId", t.book_update_id);
    xc_jw_obj_end(&c->w);
    return;
  }
  xc__bn_book_ticker_rest(&c->w, &t, false, c->now, &pl);
}
static void one_price(bn_ctx *c, const xc__sim_mkt *m) {
  xc__bn_ticker_view t;
  ticker_of(m, &t);
  xc__bn_places pl = xc__bn_places_of(m);
  xc__bn_price_rest(&c->w, &t, c->fut, c->now, &pl);
}
static void one_premium(bn_ctx *c, const xc__sim_mkt *m) {
  const xc__sim_instr *in = xc__sim_mkt_instr(m);
  xc_dec mark = xc__sim_mark_price(m);
  int pp = in->price_places + 2 > 8 ? 8 : in->price_places + 2;
  xc_jw_obj_begin(&c->w);
  js(c, "symbol", in->symbol);
  jd(c, "markPrice", mark, pp);
  jd(c, "indexPrice", mark, pp);
  jd(c, "estimatedSettlePrice", mark, pp);
  js(c, "lastFundingRate", "0.00010000");
  js(c, "interestRate", "0.00010000");
  ji(c, "nextFundingTime", c->now - c->now % 28800000 + 28800000);
  ji(c, "time", c->now);
  xc_jw_obj_end(&c->w);
}

static int h_24hr(bn_ctx *c) { return each_symbol(c, one_24hr); }
static int h_book(bn_ctx *c) { return each_symbol(c, one_book); }
static int h_price(bn_ctx *c) { return each_symbol(c, one_price); }
static int h_premium(bn_ctx *c) { return each_symbol(c, one_premium); }

static int h_avg_price(bn_ctx *c) {
  xc__sim_mkt *m = mkt_param(c, true);
  if (!m) return c->e.code;
  xc__bn_ticker_view t;
  ticker_of(m, &t);
  xc_jw_obj_begin(&c->w);
  ji(c, "mins", 5);
  jd(c, "price", t.last, 8);
  ji(c, "closeTime", c->now);
  xc_jw_obj_end(&c->w);
  return 0;
}

/* ---- orders -------------------------------------------------------------------------------- */

static int h_order_new(bn_ctx *c) { return xc__bn_order_new(c->st, &c->p, c->acct, c->fut, &c->w, &c->e); }
static int h_order_test(bn_ctx *c) {
  c->st->dry_run = true;
  int r = xc__bn_order_new(c->st, &c->p, c->acct, c->fut, &c->w, &c->e);
  c->st->dry_run = false;
  return r;
}
static int h_order_cancel(bn_ctx *c) { return xc__bn_order_cancel(c->st, &c->p, c->acct, c->fut, &c->w, &c->e); }
static int h_order_get(bn_ctx *c) { return xc__bn_order_query(c->st, &c->p, c->acct, c->fut, &c->w, &c->e); }

static void write_open(const xc__sim_order *o, void *user) {
  bn_ctx *c = user;
  xc__bn_order_view v;
  xc__bn_order_view_of(o, &v, c->fut);
  xc__bn_places pl = xc__bn_places_of(o->mkt);
  if (c->fut) xc__bn_fut_order(&c->w, &v, true, &pl);
  else xc__bn_spot_order(&c->w, &v, &pl);
}

static int h_open_orders(bn_ctx *c) {
  xc__sim_mkt *m = NULL;
  if (has(c, "symbol") && !(m = mkt_param(c, true))) return c->e.code;
  xc_jw_arr_begin(&c->w);
  if (m) {
    xc__sim_orders_open(c->st->sim, c->acct, m, write_open, c);
  } else {
    for (int i = 0; i < c->st->nmkts; i++)
      if (xc__sim_mkt_instr(c->st->mk[i].m)->kind == kind_of(c))
        xc__sim_orders_open(c->st->sim, c->acct, c->st->mk[i].m, write_open, c);
  }
  xc_jw_arr_end(&c->w);
  return 0;
}

static int h_open_order(bn_ctx *c) {
  xc__sim_mkt *m = mkt_param(c, true);
  if (!m) return c->e.code;
  xc__sim_order o;
  int64_t oid = 0;
  bool hid = false;
  if (xc__bn_param_i64(&c->p, "orderId", &oid, &hid, &c->e)) return c->e.code;
  const char *clid = P(c, "origClientOrderId");
  if (!hid && !clid)
    return xc__bn_err_set(&c->e, XC__BN_MANDATORY_PARAM,
                          "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
  if (xc__sim_order_get(c->st->sim, c->acct, m, hid ? (uint64_t)oid : 0, hid ? NULL : clid, &o) != XC_OK ||
      (o.status != XC__SIM_OS_NEW && o.status != XC__SIM_OS_PARTIALLY_FILLED))
    return xc__bn_err_set(&c->e, -2013, "Order does not exist.");
  write_open(&o, c);
  return 0;
}

static void write_canceled(const xc__sim_order *o, void *user) {
  bn_ctx *c = user;
  xc__bn_order_view v;
  xc__bn_order_view_of(o, &v, false);
  xc__bn_places pl = xc__bn_places_of(o->mkt);
  v.orig_client_id = o->client_id;
  v.client_id = "";
  xc__bn_spot_cancel(&c->w, &v, &pl);
}

static int h_cancel_all(bn_ctx *c) {
  xc__sim_mkt *m = mkt_param(c, true);
  if (!m) return c->e.code;
  if (c->fut) {
    xc__sim_order_cancel_all(c->st->sim, c->acct, m, NULL, NULL);
    xc_jw_obj_begin(&c->w);
    ji(c, "code", 200);
    js(c, "msg", "The operation of cancel all open order is done.");
    xc_jw_obj_end(&c->w);
    return 0;
  }
  if (xc__sim_orders_open(c->st->sim, c->acct, m, NULL, NULL) == 0)
    return xc__bn_err_set(&c->e, XC__BN_CANCEL_REJECTED, "Unknown order sent.");
  xc_jw_arr_begin(&c->w);
  xc__sim_order_cancel_all(c->st->sim, c->acct, m, write_canceled, c);
  xc_jw_arr_end(&c->w);
  return 0;
}

static int h_my_trades(bn_ctx *c) {
  xc__sim_mkt *m = mkt_param(c, true);
  if (!m) return c->e.code;
  int64_t limit = limit_param(c, 500);
  if (limit <= 0 || limit > 1000) limit = 500;
  xc__sim_fill *f = c->st->fills;
  xc__sim_order *o = c->st->forders;
  int n = xc__sim_acct_fills(c->acct, m, f, o, 1000);
  int start = n > limit ? n - (int)limit : 0;
  xc__bn_places pl = xc__bn_places_of(m);
  xc_jw_arr_begin(&c->w);
  for (int i = start; i < n; i++) {
    xc_jw_obj_begin(&c->w);
    js(c, "symbol", xc__sim_mkt_instr(m)->symbol);
    ji(c, "id", (int64_t)f[i].trade_id);
    ji(c, "orderId", (int64_t)o[i].id);
    if (c->fut) {
      js(c, "side", o[i].side == XC__SIM_BUY ? "BUY" : "SELL");
      jd(c, "price", f[i].price, pl.price);
      jd(c, "qty", f[i].qty, pl.qty);
      jd(c, "realizedPnl", f[i].realized_pnl, -1);
      jd(c, "quoteQty", f[i].quote_qty, -1);
      jd(c, "commission", f[i].fee, -1);
      js(c, "commissionAsset", f[i].fee_asset);
      ji(c, "time", f[i].time_ms);
      js(c, "positionSide", "BOTH");
      jb(c, "buyer", o[i].side == XC__SIM_BUY);
      jb(c, "maker", f[i].maker);
    } else {
      ji(c, "orderListId", -1);
      jd(c, "price", f[i].price, pl.price);
      jd(c, "qty", f[i].qty, pl.qty);
      jd(c, "quoteQty", f[i].quote_qty, pl.quote);
      jd(c, "commission", f[i].fee, 8);
      js(c, "commissionAsset", f[i].fee_asset);
      ji(c, "time", f[i].time_ms);
      jb(c, "isBuyer", o[i].side == XC__SIM_BUY);
      jb(c, "isMaker", f[i].maker);
      jb(c, "isBestMatch", true);
    }
    xc_jw_obj_end(&c->w);
  }
  xc_jw_arr_end(&c->w);
  return 0;
}

static int h_rate_limit_order(bn_ctx *c) {
  xc__bn_limits *l = &c->st->lim[c->fut];
  xc_jw_arr_begin(&c->w);
  for (int i = 0; i < 2; i++) {
    xc_jw_obj_begin(&c->w);
    js(c, "rateLimitType", "ORDERS");
    js(c, "interval", i == 0 ? "SECOND" : c->fut ? "MINUTE" : "DAY");
    ji(c, "intervalNum", i == 0 ? 10 : 1);
    ji(c, "limit", i == 0 ? l->order_limit_short : l->order_limit_long);
    if (!c->fut)
      ji(c, "count", i == 0 ? xc__bn_limits_orders_short(l, c->now) : xc__bn_limits_orders_long(l, c->now));
    xc_jw_obj_end(&c->w);
  }
  xc_jw_arr_end(&c->w);
  return 0;
}

/* ---- accounts ------------------------------------------------------------------------------- */

static int h_account_spot(bn_ctx *c) {
  xc__sim_balance b[64];
  int n = xc__sim_acct_balances(c->acct, b, 64);
  bool omit = P(c, "omitZeroBalances") && !strcmp(P(c, "omitZeroBalances"), "true");
  xc_dec maker = XC_DEC_ZERO, taker = XC_DEC_ZERO;
  for (int i = 0; i < c->st->nmkts; i++) {
    const xc__sim_instr *in = xc__sim_mkt_instr(c->st->mk[i].m);
    if (in->kind == XC_SIM_SPOT) {
      maker = in->maker_fee;
      taker = in->taker_fee;
      break;
    }
  }
  int64_t mk = 0, tk = 0;
  xc_dec bps;
  xc_dec_from_i64(10000, 0, &bps);
  xc_dec t;
  if (xc_dec_mul(maker, bps, &t) == XC_OK) xc_dec_to_i64(t, XC_ROUND_HALF_EVEN, &mk);
  if (xc_dec_mul(taker, bps, &t) == XC_OK) xc_dec_to_i64(t, XC_ROUND_HALF_EVEN, &tk);
  xc_jw_obj_begin(&c->w);
  ji(c, "makerCommission", mk);
  ji(c, "takerCommission", tk);
  ji(c, "buyerCommission", 0);
  ji(c, "sellerCommission", 0);
  xc_jw_key(&c->w, "commissionRates");
  xc_jw_obj_begin(&c->w);
  jd(c, "maker", maker, 8);
  jd(c, "taker", taker, 8);
  jd(c, "buyer", XC_DEC_ZERO, 8);
  jd(c, "seller", XC_DEC_ZERO, 8);
  xc_jw_obj_end(&c->w);
  jb(c, "canTrade", true);
  jb(c, "canWithdraw", true);
  jb(c, "canDeposit", true);
  jb(c, "brokered", false);
  jb(c, "requireSelfTradePrevention", false);
  jb(c, "preventSor", false);
  ji(c, "updateTime", c->now);
  js(c, "accountType", "SPOT");
  xc_jw_key(&c->w, "balances");
  xc_jw_arr_begin(&c->w);
  for (int i = 0; i < n; i++) {
    if (omit && xc_dec_is_zero(b[i].free) && xc_dec_is_zero(b[i].locked)) continue;
    xc_jw_obj_begin(&c->w);
    js(c, "asset", b[i].asset);
    jd(c, "free", b[i].free, 8);
    jd(c, "locked", b[i].locked, 8);
    xc_jw_obj_end(&c->w);
  }
  xc_jw_arr_end(&c->w);
  static const char *const perms[] = {"SPOT"};
  str_arr(c, "permissions", perms, 1);
  ji(c, "uid", 354937868);
  xc_jw_obj_end(&c->w);
  return 0;
}

static void fut_position(bn_ctx *c, const xc__sim_mkt *m, int version) {
  xc__sim_position p;
  xc__sim_acct_position(c->acct, m, &p);
  const xc__sim_instr *in = xc__sim_mkt_instr(m);
  xc_dec notional = p.notional;
  if (xc_dec_sign(p.qty) < 0) notional = xc_dec_neg(notional);
  xc_jw_obj_begin(&c->w);
  js(c, "symbol", in->symbol);
  js(c, "positionSide", "BOTH");
  jd(c, "positionAmt", p.qty, in->qty_places);
  jd(c, "entryPrice", p.entry_price, -1);
  jd(c, "breakEvenPrice", p.entry_price, -1);
  jd(c, "markPrice", p.mark_price, 8);
  jd(c, "unRealizedProfit", p.unrealized_pnl, 8);
  js(c, "liquidationPrice", "0");
  js(c, "isolatedMargin", "0");
  jd(c, "notional", notional, 8);
  if (version == 3) {
    js(c, "marginAsset", in->quote);
    js(c, "isolatedWallet", "0");
    jd(c, "initialMargin", p.initial_margin, 8);
    js(c, "maintMargin", "0");
    jd(c, "positionInitialMargin", p.initial_margin, 8);
    js(c, "openOrderInitialMargin", "0");
    ji(c, "adl", 0);
    js(c, "bidNotional", "0");
    js(c, "askNotional", "0");
  } else if (version == 2) {
    js(c, "marginType", "cross");
    js(c, "isAutoAddMargin", "false");
    char lev[16];
    snprintf(lev, sizeof lev, "%d", p.leverage);
    js(c, "leverage", lev);
    js(c, "maxNotionalValue", "1000000");
    js(c, "isolatedWallet", "0");
  } else { /* account positions[] */
    jd(c, "unrealizedProfit", p.unrealized_pnl, 8);
    jd(c, "initialMargin", p.initial_margin, 8);
    js(c, "maintMargin", "0");
    jd(c, "positionInitialMargin", p.initial_margin, 8);
    js(c, "openOrderInitialMargin", "0");
    char lev[16];
    snprintf(lev, sizeof lev, "%d", p.leverage);
    js(c, "leverage", lev);
    jb(c, "isolated", false);
    js(c, "isolatedWallet", "0");
  }
  ji(c, "updateTime", p.update_ms);
  xc_jw_obj_end(&c->w);
}

static void fut_asset(bn_ctx *c, const xc__sim_margin *mg, const char *asset, bool balance_shape) {
  xc_jw_obj_begin(&c->w);
  if (balance_shape) {
    js(c, "accountAlias", "SgsR");
    js(c, "asset", asset);
    jd(c, "balance", mg->wallet, 8);
    jd(c, "crossWalletBalance", mg->wallet, 8);
    jd(c, "crossUnPnl", mg->unrealized_pnl, 8);
    jd(c, "availableBalance", mg->available, 8);
    jd(c, "maxWithdrawAmount", mg->available, 8);
    jb(c, "marginAvailable", true);
    ji(c, "updateTime", c->now);
  } else {
    js(c, "asset", asset);
    jd(c, "walletBalance", mg->wallet, 8);
    jd(c, "unrealizedProfit", mg->unrealized_pnl, 8);
    jd(c, "marginBalance", mg->margin_balance, 8);
    js(c, "maintMargin", "0.00000000");
    xc_dec im = XC_DEC_ZERO;
    xc_dec_add(mg->position_margin, mg->order_margin, &im);
    jd(c, "initialMargin", im, 8);
    jd(c, "positionInitialMargin", mg->position_margin, 8);
    jd(c, "openOrderInitialMargin", mg->order_margin, 8);
    jd(c, "crossWalletBalance", mg->wallet, 8);
    jd(c, "crossUnPnl", mg->unrealized_pnl, 8);
    jd(c, "availableBalance", mg->available, 8);
    jd(c, "maxWithdrawAmount", mg->available, 8);
    jb(c, "marginAvailable", true);
    ji(c, "updateTime", c->now);
  }
  xc_jw_obj_end(&c->w);
}

static int fut_account(bn_ctx *c, int version) {
  xc__sim_margin mg;
  xc__sim_acct_margin(c->acct, "USDT", &mg);
  xc_dec im = XC_DEC_ZERO;
  xc_dec_add(mg.position_margin, mg.order_margin, &im);
  xc_jw_obj_begin(&c->w);
  if (version == 2) {
    ji(c, "feeTier", 0);
    jb(c, "feeBurn", false);
    jb(c, "canTrade", true);
    jb(c, "canDeposit", true);
    jb(c, "canWithdraw", true);
    ji(c, "updateTime", 0);
    jb(c, "multiAssetsMargin", false);
    ji(c, "tradeGroupId", -1);
  }
  jd(c, "totalInitialMargin", im, 8);
  js(c, "totalMaintMargin", "0.00000000");
  jd(c, "totalWalletBalance", mg.wallet, 8);
  jd(c, "totalUnrealizedProfit", mg.unrealized_pnl, 8);
  jd(c, "totalMarginBalance", mg.margin_balance, 8);
  jd(c, "totalPositionInitialMargin", mg.position_margin, 8);
  jd(c, "totalOpenOrderInitialMargin", mg.order_margin, 8);
  jd(c, "totalCrossWalletBalance", mg.wallet, 8);
  jd(c, "totalCrossUnPnl", mg.unrealized_pnl, 8);
  jd(c, "availableBalance", mg.available, 8);
  jd(c, "maxWithdrawAmount", mg.available, 8);
  xc_jw_key(&c->w, "assets");
  xc_jw_arr_begin(&c->w);
  fut_asset(c, &mg, "USDT", false);
  xc_jw_arr_end(&c->w);
  xc_jw_key(&c->w, "positions");
  xc_jw_arr_begin(&c->w);
  for (int i = 0; i < c->st->nmkts; i++) {
    const xc__sim_mkt *m = c->st->mk[i].m;
    if (xc__sim_mkt_instr(m)->kind != XC_SIM_LINEAR) continue;
    if (version == 3) {
      xc__sim_position p;
      xc__sim_acct_position(c->acct, m, &p);
      if (xc_dec_is_zero(p.qty)) continue;
    }
    fut_position(c, m, 0);
  }
  xc_jw_arr_end(&c->w);
  xc_jw_obj_end(&c->w);
  return 0;
}
static int h_fut_account2(bn_ctx *c) { return fut_account(c, 2); }
static int h_fut_account3(bn_ctx *c) { return fut_account(c, 3); }

static int h_fut_balance(bn_ctx *c) {
  xc__sim_margin mg;
  xc__sim_acct_margin(c->acct, "USDT", &mg);
  xc_jw_arr_begin(&c->w);
  fut_asset(c, &mg, "USDT", true);
  xc_jw_arr_end(&c->w);
  return 0;
}

static int position_risk(bn_ctx *c, int version) {
  xc__sim_mkt *only = NULL;
  if (has(c, "symbol") && !(only = mkt_param(c, true))) return c->e.code;
  xc_jw_arr_begin(&c->w);
  for (int i = 0; i < c->st->nmkts; i++) {
    const xc__sim_mkt *m = c->st->mk[i].m;
    if (xc__sim_mkt_instr(m)->kind != XC_SIM_LINEAR || (only && m != only)) continue;
    if (version == 3) {
      xc__sim_position p;
      xc__sim_acct_position(c->acct, m, &p);
      if (xc_dec_is_zero(p.qty) && xc__sim_orders_open(c->st->sim, c->acct, m, NULL, NULL) == 0) continue;
    }
    fut_position(c, m, version);
  }
  xc_jw_arr_end(&c->w);
  return 0;
}
static int h_position_risk2(bn_ctx *c) { return position_risk(c, 2); }
static int h_position_risk3(bn_ctx *c) { return position_risk(c, 3); }

static int h_leverage(bn_ctx *c) {
  xc__sim_mkt *m = mkt_param(c, true);
  if (!m) return c->e.code;
  int64_t lev = 0;
  bool h = false;
  if (xc__bn_param_i64(&c->p, "leverage", &lev, &h, &c->e)) return c->e.code;
  if (!h) return xc__bn_err_mandatory(&c->e, "leverage");
  if (lev < 1 || lev > 125 || xc__sim_acct_set_leverage(c->acct, m, (int)lev) != XC_OK)
    return xc__bn_err_set(&c->e, XC__BN_FUT_INVALID_LEVERAGE, NULL);
  xc_jw_obj_begin(&c->w);
  ji(c, "leverage", lev);
  js(c, "maxNotionalValue", "1000000");
  js(c, "symbol", xc__sim_mkt_instr(m)->symbol);
  xc_jw_obj_end(&c->w);
  return 0;
}

static int h_margin_type(bn_ctx *c) {
  xc__sim_mkt *m = mkt_param(c, true);
  if (!m) return c->e.code;
  const char *t = P(c, "marginType");
  if (!t) return xc__bn_err_mandatory(&c->e, "marginType");
  if (!strcmp(t, "CROSSED")) return xc__bn_err_set(&c->e, -4046, "No need to change margin type.");
  return xc__bn_err_set(&c->e, XC__BN_UNSUPPORTED_OPERATION, "The simulator supports cross margin only.");
}

static int h_dual(bn_ctx *c) {
  xc_jw_obj_begin(&c->w);
  jb(c, "dualSidePosition", false);
  xc_jw_obj_end(&c->w);
  return 0;
}

static void one_bracket(bn_ctx *c, const xc__sim_mkt *m) {
  const xc__sim_instr *in = xc__sim_mkt_instr(m);
  xc_jw_obj_begin(&c->w);
  js(c, "symbol", in->symbol);
  xc_jw_key(&c->w, "notionalCoef");
  xc_jw_raw(&c->w, "1.0", 3);
  xc_jw_key(&c->w, "brackets");
  xc_jw_arr_begin(&c->w);
  xc_jw_obj_begin(&c->w);
  ji(c, "bracket", 1);
  ji(c, "initialLeverage", in->max_leverage > 0 ? in->max_leverage : 125);
  ji(c, "notionalCap", 1000000);
  ji(c, "notionalFloor", 0);
  xc_jw_key(&c->w, "maintMarginRatio");
  xc_jw_raw(&c->w, "0.004", 5);
  xc_jw_key(&c->w, "cum");
  xc_jw_raw(&c->w, "0.0", 3);
  xc_jw_obj_end(&c->w);
  xc_jw_arr_end(&c->w);
  xc_jw_obj_end(&c->w);
}
static int h_leverage_bracket(bn_ctx *c) {
  if (has(c, "symbol")) {
    xc__sim_mkt *m = mkt_param(c, true);
    if (!m) return c->e.code;
    xc_jw_arr_begin(&c->w);
    one_bracket(c, m);
    xc_jw_arr_end(&c->w);
    return 0;
  }
  return each_symbol(c, one_bracket);
}

/* ---- listenKey (futures) --------------------------------------------------------------------- */

static int h_listen_key(bn_ctx *c) {
  xc__bn_state *st = c->st;
  const char *method = c->r->method; /* also reached from the futures WebSocket API */
  bool alive = st->listen_key[0] && st->listen_key_expiry_ms > c->now;
  if (!strcmp(method, "POST")) {
    if (!alive) {
      static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
      for (int i = 0; i < 64; i++) st->listen_key[i] = al[xc__sim_rand(st->sim) % 62];
      st->listen_key[64] = 0;
    }
    st->listen_key_expiry_ms = c->now + 3600000;
  } else if (!strcmp(method, "PUT")) {
    if (!alive) return xc__bn_err_set(&c->e, XC__BN_INVALID_LISTEN_KEY, NULL);
    st->listen_key_expiry_ms = c->now + 3600000;
  } else { /* DELETE */
    if (alive) xc__bn_user_expire_key(st);
    st->listen_key[0] = 0;
    st->listen_key_expiry_ms = 0;
    xc_jw_obj_begin(&c->w);
    xc_jw_obj_end(&c->w);
    return 0;
  }
  xc_jw_obj_begin(&c->w);
  js(c, "listenKey", st->listen_key);
  xc_jw_obj_end(&c->w);
  return 0;
}

/* ---- route table ---------------------------------------------------------------------------- */

#define S XC__BN_SPOT
#define F XC__BN_FUT
#define NONE XC__BN_SEC_NONE
#define KEY XC__BN_SEC_KEY
#define SIGN XC__BN_SEC_SIGNED

static const bn_route k_routes[] = {
  {"GET", "/api/v3/ping", S, NONE, false, 1, NULL, h_ping},
  {"GET", "/api/v3/time", S, NONE, false, 1, NULL, h_time},
  {"GET", "/api/v3/exchangeInfo", S, NONE, false, 20, NULL, h_exchange_info},
  {"GET", "/api/v3/depth", S, NONE, false, 5, w_depth, h_depth},
  {"GET", "/api/v3/trades", S, NONE, false, 25, NULL, h_trades},
  {"GET", "/api/v3/aggTrades", S, NONE, false, 4, NULL, h_agg_trades},
  {"GET", "/api/v3/ticker/24hr", S, NONE, false, 2, w_24hr, h_24hr},
  {"GET", "/api/v3/ticker/bookTicker", S, NONE, false, 2, w_book, h_book},
  {"GET", "/api/v3/ticker/price", S, NONE, false, 2, w_price, h_price},
  {"GET", "/api/v3/avgPrice", S, NONE, false, 2, NULL, h_avg_price},
  {"POST", "/api/v3/order", S, SIGN, true, 1, NULL, h_order_new},
  {"POST", "/api/v3/order/test", S, SIGN, false, 1, NULL, h_order_test},
  {"DELETE", "/api/v3/order", S, SIGN, false, 1, NULL, h_order_cancel},
  {"GET", "/api/v3/order", S, SIGN, false, 4, NULL, h_order_get},
  {"GET", "/api/v3/openOrders", S, SIGN, false, 6, w_open, h_open_orders},
  {"DELETE", "/api/v3/openOrders", S, SIGN, false, 1, NULL, h_cancel_all},
  {"GET", "/api/v3/account", S, SIGN, false, 20, NULL, h_account_spot},
  {"GET", "/api/v3/myTrades", S, SIGN, false, 20, NULL, h_my_trades},
  {"GET", "/api/v3/rateLimit/order", S, SIGN, false, 40, NULL, h_rate_limit_order},

  {"GET", "/fapi/v1/ping", F, NONE, false, 1, NULL, h_ping},
  {"GET", "/fapi/v1/time", F, NONE, false, 1, NULL, h_time},
  {"GET", "/fapi/v1/exchangeInfo", F, NONE, false, 1, NULL, h_exchange_info},
  {"GET", "/fapi/v1/depth", F, NONE, false, 10, w_depth, h_depth},
  {"GET", "/fapi/v1/trades", F, NONE, false, 5, NULL, h_trades},
  {"GET", "/fapi/v1/aggTrades", F, NONE, false, 20, NULL, h_agg_trades},
  {"GET", "/fapi/v1/ticker/24hr", F, NONE, false, 1, w_24hr, h_24hr},
  {"GET", "/fapi/v1/ticker/bookTicker", F, NONE, false, 2, w_book, h_book},
  {"GET", "/fapi/v1/ticker/price", F, NONE, false, 1, w_price, h_price},
  {"GET", "/fapi/v2/ticker/price", F, NONE, false, 1, w_price, h_price},
  {"GET", "/fapi/v1/premiumIndex", F, NONE, false, 1, w_premium, h_premium},
  {"POST", "/fapi/v1/order", F, SIGN, true, 0, NULL, h_order_new},
  {"POST", "/fapi/v1/order/test", F, SIGN, false, 1, NULL, h_order_test},
  {"DELETE", "/fapi/v1/order", F, SIGN, false, 1, NULL, h_order_cancel},
  {"GET", "/fapi/v1/order", F, SIGN, false, 1, NULL, h_order_get},
  {"GET", "/fapi/v1/openOrder", F, SIGN, false, 1, NULL, h_open_order},
  {"GET", "/fapi/v1/openOrders", F, SIGN, false, 1, w_open, h_open_orders},
  {"DELETE", "/fapi/v1/allOpenOrders", F, SIGN, false, 1, NULL, h_cancel_all},
  {"GET", "/fapi/v1/userTrades", F, SIGN, false, 5, NULL, h_my_trades},
  {"GET", "/fapi/v2/account", F, SIGN, false, 5, NULL, h_fut_account2},
  {"GET", "/fapi/v3/account", F, SIGN, false, 5, NULL, h_fut_account3},
  {"GET", "/fapi/v2/balance", F, SIGN, false, 5, NULL, h_fut_balance},
  {"GET", "/fapi/v3/balance", F, SIGN, false, 5, NULL, h_fut_balance},
  {"GET", "/fapi/v2/positionRisk", F, SIGN, false, 5, NULL, h_position_risk2},
  {"GET", "/fapi/v3/positionRisk", F, SIGN, false, 5, NULL, h_position_risk3},
  {"POST", "/fapi/v1/leverage", F, SIGN, false, 1, NULL, h_leverage},
  {"POST", "/fapi/v1/marginType", F, SIGN, false, 1, NULL, h_margin_type},
  {"GET", "/fapi/v1/positionSide/dual", F, SIGN, false, 30, NULL, h_dual},
  {"GET", "/fapi/v1/leverageBracket", F, SIGN, false, 1, NULL, h_leverage_bracket},
  {"GET", "/fapi/v1/rateLimit/order", F, SIGN, false, 1, NULL, h_rate_limit_order},
  {"POST", "/fapi/v1/listenKey", F, KEY, false, 1, NULL, h_listen_key},
  {"PUT", "/fapi/v1/listenKey", F, KEY, false, 1, NULL, h_listen_key},
  {"DELETE", "/fapi/v1/listenKey", F, KEY, false, 1, NULL, h_listen_key},
};

int xc__bn_rest_call(xc__bn_state *st, const char *method, const char *path, const xc__bn_params *p,
                     xc__sim_acct *acct, xc_jw *w, xc__bn_err *e, int *weight) {
  const bn_route *r = NULL;
  for (size_t i = 0; i < sizeof k_routes / sizeof k_routes[0]; i++)
    if (!strcmp(k_routes[i].method, method) && !strcmp(k_routes[i].path, path)) r = &k_routes[i];
  if (!r) return xc__bn_err_set(e, XC__BN_UNSUPPORTED_OPERATION, "Unknown method.");
  bn_ctx *c = st->rest_ctx;
  memset(c, 0, offsetof(bn_ctx, p));
  memcpy(&c->p, p, sizeof *p);
  c->st = st;
  c->r = r;
  c->fut = r->prod == XC__BN_FUT;
  c->now = xc__sim_now_ms(st->sim);
  c->acct = acct;
  c->w = *w;
  if (weight) *weight = r->wfn ? r->wfn(c) : r->weight;
  int rc = r->fn(c);
  *w = c->w;
  if (rc) *e = c->e;
  return rc;
}

static void send_err(bn_ctx *c) {
  xc_buf_reset(&c->resp->body);
  c->resp->status = c->e.http ? c->e.http : xc__bn_err_http(c->e.code);
  xc__bn_err_json(&c->resp->body, c->e.code, c->e.msg);
}

static void limit_headers(bn_ctx *c, bool order_ok) {
  xc__bn_limits *l = &c->st->lim[c->fut];
  const char *wiv;
  int64_t wnum;
  char suffix[24], name[48];
  xc__bn_limits_weight_interval(l, &wiv, &wnum, suffix, sizeof suffix);
  snprintf(name, sizeof name, "X-MBX-USED-WEIGHT-%s", suffix);
  xc__sim_resp_header(c->resp, name, "%lld", (long long)xc__bn_limits_used_weight(l, c->now));
  if (order_ok) {
    xc__sim_resp_header(c->resp, "X-MBX-ORDER-COUNT-10S", "%lld", (long long)xc__bn_limits_orders_short(l, c->now));
    xc__sim_resp_header(c->resp, c->fut ? "X-MBX-ORDER-COUNT-1M" : "X-MBX-ORDER-COUNT-1D", "%lld",
                        (long long)xc__bn_limits_orders_long(l, c->now));
  }
}

static void http_entry(const xc__sim_req *req, xc__sim_resp *resp, void *user) {
  const struct xc__bn_bound *bd = user;
  xc__bn_state *st = bd->st;
  const bn_route *r = bd->route;
  bn_ctx *cp = st->rest_ctx; /* ~7 KB of parameters, kept off the stack */
  memset(cp, 0, offsetof(bn_ctx, p));
#define c (*cp)
  c.st = st;
  c.req = req;
  c.resp = resp;
  c.r = r;
  c.fut = r->prod == XC__BN_FUT;
  c.now = xc__sim_now_ms(st->sim);
  xc__bn_params_parse(&c.p, req->query, req->query_len, req->body, req->body_len);

  /* rate limits first: even refused requests are charged */
  xc__bn_limits *l = &st->lim[c.fut];
  l->weight_limit = xc__sim_limit(st->sim, c.fut ? 2400 : 6000);
  l->weight_window_ms = xc__sim_weight_window_ms(st->sim);
  l->order_limit_short = xc__sim_limit(st->sim, c.fut ? 300 : 100);
  l->order_limit_long = xc__sim_limit(st->sim, c.fut ? 1200 : 200000);
  int weight = r->wfn ? r->wfn(&c) : r->weight;
  xc__bn_verdict v;
  xc__bn_limits_charge(l, c.now, weight, r->is_order, &v);
  if (v.http) {
    xc__sim_note_limited(st->sim);
    c.e.code = v.code;
    c.e.http = v.http;
    snprintf(c.e.msg, sizeof c.e.msg, "%s", v.msg);
    send_err(&c);
    xc__sim_resp_header(resp, "Retry-After", "%lld", (long long)v.retry_after_s);
    limit_headers(&c, false);
    return;
  }
  if (c.p.duplicate) {
    xc__bn_err_set(&c.e, XC__BN_TOO_MANY_PARAMETERS, "Duplicate values for a parameter detected.");
  } else if (c.p.illegal) {
    xc__bn_err_set(&c.e, XC__BN_ILLEGAL_CHARS, NULL);
  } else if (c.p.overflow) {
    xc__bn_err_set(&c.e, XC__BN_TOO_MANY_PARAMETERS, NULL);
  } else {
    const xc__sim_user *u = NULL;
    size_t klen = 0;
    const char *key = xc__sim_req_header(req, "X-MBX-APIKEY", &klen);
    char keybuf[128] = "";
    if (key && klen < sizeof keybuf) {
      memcpy(keybuf, key, klen);
      keybuf[klen] = 0;
    }
    if (r->sec != XC__BN_SEC_NONE) u = xc__sim_user_by_key(st->sim, keybuf, strlen(keybuf));
    xc__bn_keys keys = {u ? u->api_key : "\x01", u ? u->api_secret : ""};
    if (r->sec != XC__BN_SEC_NONE && !u && keybuf[0]) {
      xc__bn_err_set(&c.e, strlen(keybuf) == 64 ? XC__BN_REJECTED_MBX_KEY : XC__BN_BAD_API_KEY_FMT, NULL);
    } else if (!xc__bn_auth_rest(&c.p, keybuf[0] ? keybuf : NULL, &keys, r->sec, c.now, c.fut, &c.e)) {
      if (u) c.acct = u->acct[XC_SIM_BINANCE][c.fut ? XC_SIM_LINEAR : XC_SIM_SPOT];
      xc_jw_init(&c.w, &resp->body);
      resp->status = 200;
      if (r->fn(&c) == 0 && xc_jw_finish(&c.w) != XC_OK)
        xc__bn_err_set(&c.e, XC__BN_UNKNOWN, "Internal error: response encoding failed.");
    }
  }
  if (c.e.code) {
    send_err(&c);
    limit_headers(&c, false);
    return;
  }
  if (r->is_order) xc__bn_limits_refund_weight(l, weight); /* successful orders cost 0 weight */
  limit_headers(&c, r->is_order);
#undef c
}

static void http_error(const xc__sim_req *req, xc__sim_resp *resp, int status, void *user) {
  (void)req;
  (void)user;
  xc_buf_reset(&resp->body);
  resp->status = status;
  if (status == 503)
    xc__bn_err_json(&resp->body, XC__BN_UNKNOWN, "Unknown error, please check your request or try again later.");
  else
    xc__bn_err_json(&resp->body, XC__BN_UNKNOWN, "Internal error; unable to process your request. Please try again.");
}

static void not_found(const xc__sim_req *req, xc__sim_resp *resp, void *user) {
  (void)req;
  (void)user;
  xc_buf_reset(&resp->body);
  resp->status = 404;
  xc_buf_puts(&resp->body, "{}");
}

xc_status xc__bn_rest_attach(xc__bn_state *st) {
  st->rest_ctx = calloc(1, sizeof(bn_ctx));
  if (!st->rest_ctx) return XC_ENOMEM;
  for (size_t i = 0; i < sizeof k_routes / sizeof k_routes[0]; i++) {
    const bn_route *r = &k_routes[i];
    if (st->nbound >= (int)(sizeof st->bound / sizeof st->bound[0])) return XC_EFULL;
    st->bound[st->nbound].st = st;
    st->bound[st->nbound].route = r;
    xc_sim_ep ep = r->prod == XC__BN_FUT ? XC_SIM_EP_BINANCE_USDM_REST : XC_SIM_EP_BINANCE_SPOT_REST;
    xc_status s = xc__sim_route(st->sim, ep, r->method, r->path, http_entry, &st->bound[st->nbound]);
    if (s != XC_OK) return s;
    st->nbound++;
  }
  xc_sim_ep eps[2] = {XC_SIM_EP_BINANCE_SPOT_REST, XC_SIM_EP_BINANCE_USDM_REST};
  for (int i = 0; i < 2; i++) {
    xc_status s = xc__sim_route_error(st->sim, eps[i], http_error, st);
    if (s == XC_OK) s = xc__sim_route_fallback(st->sim, eps[i], not_found, st);
    if (s != XC_OK) return s;
  }
  return XC_OK;
}
