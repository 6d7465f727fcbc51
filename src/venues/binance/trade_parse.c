/* Binance order / account parsers (see trade.h). */
#include "venues/binance/trade.h"

#include <stdio.h>
#include <string.h>

#include "orders/fsm.h"

#define ERR(...) (err && errcap ? (void)snprintf(err, errcap, __VA_ARGS__) : (void)0)

/* ---- small field helpers ---------------------------------------------------------------------- */

static bool is_obj(const xc_json *j, int i) { return xc_json_type_of(j, i) == XC_JSON_OBJECT; }

/* Copies a string or number field (ids come as numbers) into buf; absent or null -> "". */
static xc_status text_field(xc_json *j, int obj, const char *key, char *buf, size_t cap) {
  int v = xc_json_get(j, obj, key);
  buf[0] = 0;
  xc_json_type t = xc_json_type_of(j, v);
  if (t == XC_JSON_NONE || t == XC_JSON_NULL) return XC_OK;
  if (t == XC_JSON_STRING) return xc_json_str_copy(j, v, buf, cap, NULL);
  if (t != XC_JSON_NUMBER) return XC_ETYPE;
  const char *s;
  size_t n;
  xc_status st = xc_json_text(j, v, &s, &n);
  if (st) return st;
  if (n + 1 > cap) return XC_ENOSPC;
  memcpy(buf, s, n);
  buf[n] = 0;
  return XC_OK;
}

/* Optional decimal: absent / null / "" -> zero. */
static xc_status dec_opt(xc_json *j, int obj, const char *key, xc_dec *out) {
  int v = xc_json_get(j, obj, key);
  *out = XC_DEC_ZERO;
  xc_json_type t = xc_json_type_of(j, v);
  if (t == XC_JSON_NONE || t == XC_JSON_NULL) return XC_OK;
  if (t == XC_JSON_STRING && j->tok[v].end == j->tok[v].start) return XC_OK;
  return xc_json_dec(j, v, out);
}

static xc_status i64_opt(xc_json *j, int obj, const char *key, int64_t *out) {
  int v = xc_json_get(j, obj, key);
  *out = 0;
  xc_json_type t = xc_json_type_of(j, v);
  if (t == XC_JSON_NONE || t == XC_JSON_NULL) return XC_OK;
  return xc_json_i64(j, v, out);
}

static bool bool_opt(xc_json *j, int obj, const char *key) {
  bool b = false;
  (void)xc_json_bool(j, xc_json_get(j, obj, key), &b);
  return b;
}

static xc_status side_of(xc_json *j, int v, xc_side *out) {
  if (xc_json_str_eq(j, v, "BUY")) *out = XC_SIDE_BUY;
  else if (xc_json_str_eq(j, v, "SELL")) *out = XC_SIDE_SELL;
  else return XC_EPARSE;
  return XC_OK;
}

/* Binance type + timeInForce -> unified type and tif. Unknown types (STOP_LOSS...) read as LIMIT
 * when they carry a price, MARKET otherwise; never an error (orders placed elsewhere show up). */
static void type_of(xc_json *j, int type, int tif, xc_order_type *ot, xc_tif *ttif) {
  *ttif = XC_TIF_GTC;
  if (xc_json_str_eq(j, type, "MARKET") || xc_json_str_eq(j, type, "STOP_MARKET") ||
      xc_json_str_eq(j, type, "TAKE_PROFIT_MARKET") || xc_json_str_eq(j, type, "STOP_LOSS") ||
      xc_json_str_eq(j, type, "TAKE_PROFIT") || xc_json_str_eq(j, type, "TRAILING_STOP_MARKET")) {
    *ot = XC_ORDER_MARKET;
    *ttif = XC_TIF_IOC;
    return;
  }
  *ot = XC_ORDER_LIMIT;
  if (xc_json_str_eq(j, type, "LIMIT_MAKER")) *ttif = XC_TIF_POST_ONLY;
  else if (xc_json_str_eq(j, tif, "IOC")) *ttif = XC_TIF_IOC;
  else if (xc_json_str_eq(j, tif, "FOK")) *ttif = XC_TIF_FOK;
  else if (xc_json_str_eq(j, tif, "GTX")) *ttif = XC_TIF_POST_ONLY;
}

static xc_status status_of(xc_json *j, int v, xc_order_status *out) {
  const char *s;
  size_t n;
  if (xc_json_type_of(j, v) != XC_JSON_STRING) return XC_ETYPE;
  xc_status st = xc_json_text(j, v, &s, &n);
  if (st) return st;
  return xc_order_status_from_binance(s, n, out);
}

/* avg = quote / qty, to 8 more places than either (exact enough for display; zero before fills). */
static void avg_of(xc_dec quote, xc_dec qty, xc_dec *avg) {
  *avg = XC_DEC_ZERO;
  if (xc_dec_sign(qty) <= 0 || xc_dec_sign(quote) <= 0) return;
  xc_dec r;
  if (xc_dec_div(quote, qty, 12, XC_ROUND_HALF_EVEN, &r) == XC_OK) *avg = xc_dec_normalize(r);
}

#define CHK(expr, what)                                                                             \
  do {                                                                                              \
    xc_status st_ = (expr);                                                                         \
    if (st_ != XC_OK) {                                                                             \
      ERR("field \"%s\": %s", what, xc_status_str(st_));                                            \
      return st_ == XC_ENOTFOUND ? XC_EPARSE : st_;                                                 \
    }                                                                                               \
  } while (0)

/* ---- REST orders ------------------------------------------------------------------------------ */

xc_status xc__bnt_parse_order(xc_json *j, int obj, xc_market m, xc_order *o, xc_fill *fills, size_t cap,
                              size_t *nfills, char *err, size_t errcap) {
  if (nfills) *nfills = 0;
  if (!o) return XC_EINVAL;
  memset(o, 0, sizeof *o);
  if (!is_obj(j, obj)) {
    ERR("order: expected an object");
    return XC_ETYPE;
  }
  o->venue = XC_VENUE_BINANCE;
  o->market = m;
  CHK(text_field(j, obj, "symbol", o->symbol, sizeof o->symbol), "symbol");
  if (!o->symbol[0]) {
    ERR("field \"symbol\": missing");
    return XC_EPARSE;
  }
  CHK(text_field(j, obj, "orderId", o->order_id, sizeof o->order_id), "orderId");
  /* cancel responses: origClientOrderId is the order's; clientOrderId the cancel request's */
  if (xc_json_get(j, obj, "origClientOrderId") >= 0)
    CHK(text_field(j, obj, "origClientOrderId", o->client_id, sizeof o->client_id), "origClientOrderId");
  else
    CHK(text_field(j, obj, "clientOrderId", o->client_id, sizeof o->client_id), "clientOrderId");
  int stv = xc_json_get(j, obj, "status");
  if (stv >= 0) CHK(status_of(j, stv, &o->status), "status");
  else o->status = XC_ORDER_NEW; /* ACK response: accepted */
  int sd = xc_json_get(j, obj, "side");
  if (sd >= 0) CHK(side_of(j, sd, &o->side), "side");
  type_of(j, xc_json_get(j, obj, "type"), xc_json_get(j, obj, "timeInForce"), &o->type, &o->tif);
  CHK(dec_opt(j, obj, "price", &o->price), "price");
  CHK(dec_opt(j, obj, "origQty", &o->qty), "origQty");
  CHK(dec_opt(j, obj, "executedQty", &o->filled_qty), "executedQty");
  if (m == XC_MARKET_LINEAR) {
    CHK(dec_opt(j, obj, "cumQuote", &o->filled_quote), "cumQuote");
    CHK(dec_opt(j, obj, "avgPrice", &o->avg_price), "avgPrice");
    o->reduce_only = bool_opt(j, obj, "reduceOnly");
  } else {
    CHK(dec_opt(j, obj, "cummulativeQuoteQty", &o->filled_quote), "cummulativeQuoteQty");
    avg_of(o->filled_quote, o->filled_qty, &o->avg_price);
  }
  if (xc_dec_sign(o->filled_qty) < 0 || xc_dec_sign(o->qty) < 0) {
    ERR("negative quantity");
    return XC_EPARSE;
  }
  int64_t t = 0, ut = 0, tt = 0;
  CHK(i64_opt(j, obj, "time", &t), "time");
  CHK(i64_opt(j, obj, "updateTime", &ut), "updateTime");
  CHK(i64_opt(j, obj, "transactTime", &tt), "transactTime");
  o->created_ms = t ? t : tt ? tt : ut;
  o->updated_ms = ut ? ut : tt ? tt : t;
  int fa = xc_json_get(j, obj, "fills");
  if (xc_json_type_of(j, fa) == XC_JSON_ARRAY) {
    size_t k = 0;
    for (int f = xc_json_first(j, fa); f >= 0; f = xc_json_next(j, f), k++) {
      if (!fills || k >= cap) continue;
      xc_fill *x = &fills[k];
      memset(x, 0, sizeof *x);
      x->venue = XC_VENUE_BINANCE;
      memcpy(x->symbol, o->symbol, sizeof x->symbol);
      memcpy(x->order_id, o->order_id, sizeof x->order_id);
      memcpy(x->client_id, o->client_id, sizeof x->client_id);
      x->side = o->side;
      CHK(xc_json_get_dec(j, f, "price", &x->price), "fills.price");
      CHK(xc_json_get_dec(j, f, "qty", &x->qty), "fills.qty");
      CHK(dec_opt(j, f, "commission", &x->fee), "fills.commission");
      CHK(text_field(j, f, "commissionAsset", x->fee_asset, sizeof x->fee_asset), "fills.commissionAsset");
      CHK(text_field(j, f, "tradeId", x->trade_id, sizeof x->trade_id), "fills.tradeId");
      x->maker = false; /* a FULL response's fills are the taker side of the new order */
      x->ts_ms = o->updated_ms;
    }
    if (nfills) *nfills = k;
  }
  return XC_OK;
}

xc_status xc__bnt_parse_orders(xc_json *j, int arr, xc_market m, xc_order *out, size_t cap, size_t *n, char *err,
                               size_t errcap) {
  if (n) *n = 0;
  if (xc_json_type_of(j, arr) != XC_JSON_ARRAY) {
    ERR("orders: expected an array");
    return XC_ETYPE;
  }
  size_t k = 0;
  xc_order tmp;
  for (int e = xc_json_first(j, arr); e >= 0; e = xc_json_next(j, e), k++) {
    xc_status st = xc__bnt_parse_order(j, e, m, k < cap && out ? &out[k] : &tmp, NULL, 0, NULL, err, errcap);
    if (st) return st;
  }
  if (n) *n = k;
  return XC_OK;
}

xc_status xc__bnt_parse_trades(xc_json *j, int arr, xc_market m, xc_fill *out, size_t cap, size_t *n, char *err,
                               size_t errcap) {
  if (n) *n = 0;
  if (xc_json_type_of(j, arr) != XC_JSON_ARRAY) {
    ERR("trades: expected an array");
    return XC_ETYPE;
  }
  size_t k = 0;
  xc_fill tmp;
  for (int e = xc_json_first(j, arr); e >= 0; e = xc_json_next(j, e), k++) {
    xc_fill *x = k < cap && out ? &out[k] : &tmp;
    memset(x, 0, sizeof *x);
    x->venue = XC_VENUE_BINANCE;
    if (!is_obj(j, e)) {
      ERR("trade: expected an object");
      return XC_ETYPE;
    }
    CHK(text_field(j, e, "symbol", x->symbol, sizeof x->symbol), "symbol");
    CHK(text_field(j, e, "id", x->trade_id, sizeof x->trade_id), "id");
    CHK(text_field(j, e, "orderId", x->order_id, sizeof x->order_id), "orderId");
    CHK(xc_json_get_dec(j, e, "price", &x->price), "price");
    CHK(xc_json_get_dec(j, e, "qty", &x->qty), "qty");
    CHK(dec_opt(j, e, "commission", &x->fee), "commission");
    CHK(text_field(j, e, "commissionAsset", x->fee_asset, sizeof x->fee_asset), "commissionAsset");
    CHK(i64_opt(j, e, "time", &x->ts_ms), "time");
    x->maker = bool_opt(j, e, "isMaker") || bool_opt(j, e, "maker");
    if (m == XC_MARKET_LINEAR) {
      int sd = xc_json_get(j, e, "side");
      if (sd >= 0) CHK(side_of(j, sd, &x->side), "side");
    } else {
      x->side = bool_opt(j, e, "isBuyer") ? XC_SIDE_BUY : XC_SIDE_SELL;
    }
    if (!x->trade_id[0] || !x->symbol[0]) {
      ERR("trade: missing id or symbol");
      return XC_EPARSE;
    }
  }
  if (n) *n = k;
  return XC_OK;
}

/* ---- balances and positions ------------------------------------------------------------------- */

static xc_status put_balance(xc_json *j, int e, xc_market m, bool fut, xc_balance *b, char *err, size_t errcap) {
  memset(b, 0, sizeof *b);
  b->venue = XC_VENUE_BINANCE;
  b->market = m;
  if (!is_obj(j, e)) {
    ERR("balance: expected an object");
    return XC_ETYPE;
  }
  CHK(text_field(j, e, "asset", b->asset, sizeof b->asset), "asset");
  if (!b->asset[0]) {
    ERR("field \"asset\": missing");
    return XC_EPARSE;
  }
  if (!fut) {
    CHK(xc_json_get_dec(j, e, "free", &b->free), "free");
    CHK(xc_json_get_dec(j, e, "locked", &b->locked), "locked");
    return XC_OK;
  }
  xc_dec total, avail;
  if (xc_json_get(j, e, "balance") >= 0) CHK(xc_json_get_dec(j, e, "balance", &total), "balance");
  else CHK(xc_json_get_dec(j, e, "walletBalance", &total), "walletBalance");
  CHK(xc_json_get_dec(j, e, "availableBalance", &avail), "availableBalance");
  b->free = avail;
  if (xc_dec_sub(total, avail, &b->locked) != XC_OK || xc_dec_sign(b->locked) < 0) b->locked = XC_DEC_ZERO;
  return XC_OK;
}

xc_status xc__bnt_parse_balances(xc_json *j, int root, xc_market m, xc_balance *out, size_t cap, size_t *n,
                                 char *err, size_t errcap) {
  if (n) *n = 0;
  int arr = root;
  bool fut = m == XC_MARKET_LINEAR;
  if (is_obj(j, root)) arr = xc_json_get(j, root, fut ? "assets" : "balances");
  if (xc_json_type_of(j, arr) != XC_JSON_ARRAY) {
    ERR("balances: expected an array");
    return XC_EPARSE;
  }
  size_t k = 0;
  xc_balance tmp;
  for (int e = xc_json_first(j, arr); e >= 0; e = xc_json_next(j, e), k++) {
    xc_status st = put_balance(j, e, m, fut, k < cap && out ? &out[k] : &tmp, err, errcap);
    if (st) return st;
  }
  if (n) *n = k;
  return XC_OK;
}

static void pos_side(xc_position *p) {
  int s = xc_dec_sign(p->size);
  p->side = s > 0 ? XC_POS_LONG : s < 0 ? XC_POS_SHORT : XC_POS_FLAT;
  if (s < 0) p->size = xc_dec_neg(p->size);
}

xc_status xc__bnt_parse_positions(xc_json *j, int root, xc_position *out, size_t cap, size_t *n, char *err,
                                  size_t errcap) {
  if (n) *n = 0;
  int arr = is_obj(j, root) ? xc_json_get(j, root, "positions") : root;
  if (xc_json_type_of(j, arr) != XC_JSON_ARRAY) {
    ERR("positions: expected an array");
    return XC_EPARSE;
  }
  size_t k = 0;
  xc_position tmp;
  for (int e = xc_json_first(j, arr); e >= 0; e = xc_json_next(j, e)) {
    xc_position *p = k < cap && out ? &out[k] : &tmp;
    memset(p, 0, sizeof *p);
    p->venue = XC_VENUE_BINANCE;
    if (!is_obj(j, e)) {
      ERR("position: expected an object");
      return XC_ETYPE;
    }
    CHK(text_field(j, e, "symbol", p->symbol, sizeof p->symbol), "symbol");
    CHK(xc_json_get_dec(j, e, "positionAmt", &p->size), "positionAmt");
    CHK(dec_opt(j, e, "entryPrice", &p->entry_price), "entryPrice");
    CHK(dec_opt(j, e, "markPrice", &p->mark_price), "markPrice");
    if (xc_json_get(j, e, "unRealizedProfit") >= 0)
      CHK(dec_opt(j, e, "unRealizedProfit", &p->unrealized_pnl), "unRealizedProfit");
    else
      CHK(dec_opt(j, e, "unrealizedProfit", &p->unrealized_pnl), "unrealizedProfit");
    CHK(dec_opt(j, e, "leverage", &p->leverage), "leverage");
    CHK(dec_opt(j, e, "liquidationPrice", &p->liquidation_price), "liquidationPrice");
    CHK(i64_opt(j, e, "updateTime", &p->updated_ms), "updateTime");
    if (xc_dec_is_zero(p->size)) continue;
    pos_side(p);
    k++;
  }
  if (n) *n = k;
  return XC_OK;
}

/* ---- user-data events ------------------------------------------------------------------------- */

/* Order fields shared by executionReport and ORDER_TRADE_UPDATE's "o". */
static xc_status event_order(xc_json *j, int o, xc_market m, xc__bnt_update *u, char *err, size_t errcap) {
  xc_order *x = &u->order;
  x->venue = XC_VENUE_BINANCE;
  x->market = m;
  CHK(text_field(j, o, "s", x->symbol, sizeof x->symbol), "s");
  CHK(text_field(j, o, "i", x->order_id, sizeof x->order_id), "i");
  /* a cancel's executionReport carries the cancel request id in "c" and the order's in "C" */
  char orig[XC_ID_MAX];
  CHK(text_field(j, o, "C", orig, sizeof orig), "C");
  if (m == XC_MARKET_SPOT && orig[0]) memcpy(x->client_id, orig, sizeof orig);
  else CHK(text_field(j, o, "c", x->client_id, sizeof x->client_id), "c");
  if (!x->symbol[0] || !x->order_id[0]) {
    ERR("order event: missing symbol or order id");
    return XC_EPARSE;
  }
  CHK(side_of(j, xc_json_get(j, o, "S"), &x->side), "S");
  type_of(j, xc_json_get(j, o, "o"), xc_json_get(j, o, "f"), &x->type, &x->tif);
  CHK(status_of(j, xc_json_get(j, o, "X"), &x->status), "X");
  CHK(text_field(j, o, "x", u->exec_type, sizeof u->exec_type), "x");
  CHK(xc_json_get_dec(j, o, "q", &x->qty), "q");
  CHK(dec_opt(j, o, "p", &x->price), "p");
  CHK(xc_json_get_dec(j, o, "z", &x->filled_qty), "z");
  if (xc_dec_sign(x->filled_qty) < 0 || xc_dec_sign(x->qty) < 0) {
    ERR("negative quantity");
    return XC_EPARSE;
  }
  int64_t T = 0;
  CHK(i64_opt(j, o, "T", &T), "T");
  x->updated_ms = T ? T : u->event_ms;
  if (m == XC_MARKET_SPOT) {
    CHK(dec_opt(j, o, "Z", &x->filled_quote), "Z");
    avg_of(x->filled_quote, x->filled_qty, &x->avg_price);
    CHK(i64_opt(j, o, "O", &x->created_ms), "O");
    CHK(i64_opt(j, o, "I", &u->exec_id), "I");
    CHK(text_field(j, o, "r", u->reject_reason, sizeof u->reject_reason), "r");
  } else {
    CHK(dec_opt(j, o, "ap", &x->avg_price), "ap");
    if (xc_dec_sign(x->avg_price) > 0) (void)xc_dec_mul(x->avg_price, x->filled_qty, &x->filled_quote);
    x->reduce_only = bool_opt(j, o, "R");
    x->created_ms = 0;
  }
  /* the fill */
  xc_dec l;
  CHK(dec_opt(j, o, "l", &l), "l");
  CHK(i64_opt(j, o, "t", &u->trade_id), "t");
  if (xc_dec_sign(l) > 0 && u->trade_id > 0) {
    xc_fill *f = &u->fill;
    u->has_fill = true;
    f->venue = XC_VENUE_BINANCE;
    memcpy(f->symbol, x->symbol, sizeof f->symbol);
    memcpy(f->order_id, x->order_id, sizeof f->order_id);
    memcpy(f->client_id, x->client_id, sizeof f->client_id);
    CHK(text_field(j, o, "t", f->trade_id, sizeof f->trade_id), "t");
    f->side = x->side;
    f->qty = l;
    CHK(xc_json_get_dec(j, o, "L", &f->price), "L");
    CHK(dec_opt(j, o, "n", &f->fee), "n");
    CHK(text_field(j, o, "N", f->fee_asset, sizeof f->fee_asset), "N");
    f->maker = bool_opt(j, o, "m");
    f->ts_ms = x->updated_ms;
  }
  return XC_OK;
}

static xc_status event_balances(xc_json *j, int arr, xc_market m, bool fut, xc__bnt_update *u, char *err,
                                size_t errcap) {
  if (xc_json_type_of(j, arr) != XC_JSON_ARRAY) {
    ERR("field \"B\": expected an array");
    return XC_EPARSE;
  }
  size_t k = 0;
  xc_balance tmp;
  for (int e = xc_json_first(j, arr); e >= 0; e = xc_json_next(j, e), k++) {
    xc_balance *b = k < u->bal_cap && u->bal ? &u->bal[k] : &tmp;
    memset(b, 0, sizeof *b);
    b->venue = XC_VENUE_BINANCE;
    b->market = m;
    if (!is_obj(j, e)) {
      ERR("balance: expected an object");
      return XC_ETYPE;
    }
    CHK(text_field(j, e, "a", b->asset, sizeof b->asset), "a");
    if (fut) {
      /* futures wallet balance: what is locked in orders is not in the event */
      CHK(xc_json_get_dec(j, e, "wb", &b->free), "wb");
    } else {
      CHK(xc_json_get_dec(j, e, "f", &b->free), "f");
      CHK(xc_json_get_dec(j, e, "l", &b->locked), "l");
    }
  }
  u->nbal = k;
  return XC_OK;
}

static xc_status event_positions(xc_json *j, int arr, xc__bnt_update *u, int64_t ts, char *err, size_t errcap) {
  if (arr < 0) return XC_OK;
  if (xc_json_type_of(j, arr) != XC_JSON_ARRAY) {
    ERR("field \"P\": expected an array");
    return XC_EPARSE;
  }
  size_t k = 0;
  xc_position tmp;
  for (int e = xc_json_first(j, arr); e >= 0; e = xc_json_next(j, e), k++) {
    xc_position *p = k < u->pos_cap && u->pos ? &u->pos[k] : &tmp;
    memset(p, 0, sizeof *p);
    p->venue = XC_VENUE_BINANCE;
    if (!is_obj(j, e)) {
      ERR("position: expected an object");
      return XC_ETYPE;
    }
    CHK(text_field(j, e, "s", p->symbol, sizeof p->symbol), "s");
    CHK(xc_json_get_dec(j, e, "pa", &p->size), "pa");
    CHK(dec_opt(j, e, "ep", &p->entry_price), "ep");
    CHK(dec_opt(j, e, "up", &p->unrealized_pnl), "up");
    p->updated_ms = ts;
    pos_side(p);
    /* hedge-mode legs: ps LONG / SHORT say the side (the amount is signed anyway) */
  }
  u->npos = k;
  return XC_OK;
}

xc_status xc__bnt_parse_event(xc_json *j, xc_market m, xc__bnt_update *u, char *err, size_t errcap) {
  if (!u) return XC_EINVAL;
  xc_balance *bal = u->bal;
  size_t bcap = u->bal_cap;
  xc_position *pos = u->pos;
  size_t pcap = u->pos_cap;
  memset(u, 0, sizeof *u);
  u->bal = bal;
  u->bal_cap = bcap;
  u->pos = pos;
  u->pos_cap = pcap;
  int ev = 0;
  if (!is_obj(j, ev)) {
    ERR("event: expected an object");
    return XC_ETYPE;
  }
  int inner = xc_json_get(j, ev, "event");
  if (inner < 0) inner = xc_json_get(j, ev, "data");
  if (inner >= 0) ev = inner;
  if (!is_obj(j, ev)) {
    ERR("event: expected an object");
    return XC_ETYPE;
  }
  int e = xc_json_get(j, ev, "e");
  if (xc_json_type_of(j, e) != XC_JSON_STRING) {
    ERR("field \"e\": missing");
    return XC_EPARSE;
  }
  CHK(i64_opt(j, ev, "E", &u->event_ms), "E");
  if (xc_json_str_eq(j, e, "executionReport")) {
    u->kind = XC__BNT_ORDER;
    return event_order(j, ev, XC_MARKET_SPOT, u, err, errcap);
  }
  if (xc_json_str_eq(j, e, "ORDER_TRADE_UPDATE")) {
    int o = xc_json_get(j, ev, "o");
    if (!is_obj(j, o)) {
      ERR("field \"o\": expected an object");
      return XC_EPARSE;
    }
    u->kind = XC__BNT_ORDER;
    return event_order(j, o, XC_MARKET_LINEAR, u, err, errcap);
  }
  if (xc_json_str_eq(j, e, "outboundAccountPosition")) {
    u->kind = XC__BNT_BALANCES;
    return event_balances(j, xc_json_get(j, ev, "B"), XC_MARKET_SPOT, false, u, err, errcap);
  }
  if (xc_json_str_eq(j, e, "balanceUpdate")) {
    u->kind = XC__BNT_BALANCE_DELTA;
    CHK(text_field(j, ev, "a", u->asset, sizeof u->asset), "a");
    CHK(xc_json_get_dec(j, ev, "d", &u->delta), "d");
    return XC_OK;
  }
  if (xc_json_str_eq(j, e, "ACCOUNT_UPDATE")) {
    int a = xc_json_get(j, ev, "a");
    if (!is_obj(j, a)) {
      ERR("field \"a\": expected an object");
      return XC_EPARSE;
    }
    u->kind = XC__BNT_ACCOUNT;
    int64_t T = 0;
    CHK(i64_opt(j, ev, "T", &T), "T");
    int b = xc_json_get(j, a, "B");
    if (b >= 0) {
      xc_status st = event_balances(j, b, XC_MARKET_LINEAR, true, u, err, errcap);
      if (st) return st;
    }
    return event_positions(j, xc_json_get(j, a, "P"), u, T ? T : u->event_ms, err, errcap);
  }
  if (xc_json_str_eq(j, e, "listenKeyExpired") || xc_json_str_eq(j, e, "eventStreamTerminated")) {
    u->kind = XC__BNT_LISTENKEY_EXPIRED;
    return XC_OK;
  }
  (void)m;
  u->kind = XC__BNT_OTHER;
  return XC_OK;
}

/* ---- errors ----------------------------------------------------------------------------------- */

static bool contains(const char *s, const char *needle) { return s && strstr(s, needle) != NULL; }

xc_status xc__bnt_code_status(int64_t code, const char *msg, int http_status) {
  switch (code) {
  case -1003: case -1015: return http_status == 418 ? XC_EBANNED : XC_ERATELIMIT;
  case -1021: return XC_ETIMESTAMP;
  case -1002: case -1022: case -2014: case -2015: return XC_EAUTH;
  case -1000: case -1001: case -1006: case -1007: return XC_EUNKNOWN_OUTCOME;
  case -1008: case -1016: return XC_EUNAVAIL;
  case -1013: case -1111: case -4164: return XC_EFILTER;
  case -1121: case -1100: case -1101: case -1102: case -1103: case -1105: case -1106: case -1114: case -1115:
  case -1116: case -1117: case -1130: return XC_EINVAL;
  case -2013: return XC_EUNKNOWN_ORDER;
  case -2011: return contains(msg, "Unknown order") ? XC_EUNKNOWN_ORDER : XC_EREJECTED;
  case -2010: return contains(msg, "insufficient balance") ? XC_EINSUFFICIENT : XC_EREJECTED;
  case -2018: case -2019: return XC_EINSUFFICIENT;
  default: break;
  }
  if (http_status == 429) return XC_ERATELIMIT;
  if (http_status == 418) return XC_EBANNED;
  if (http_status >= 500) return XC_EUNKNOWN_OUTCOME;
  return XC_EREJECTED;
}

xc_status xc__bnt_parse_error(xc_json *j, int root, int http_status, xc_venue_error *err) {
  if (err) memset(err, 0, sizeof *err);
  int o = root;
  if (!is_obj(j, o)) return XC_EPARSE;
  int e = xc_json_get(j, o, "error");
  if (e >= 0) {
    int64_t s = 0;
    if (xc_json_i64(j, xc_json_get(j, o, "status"), &s) == XC_OK && !http_status) http_status = (int)s;
    o = e;
  }
  int64_t code;
  if (xc_json_get_i64(j, o, "code", &code) != XC_OK) return XC_EPARSE;
  char msg[256] = "";
  (void)xc_json_get_str(j, o, "msg", msg, sizeof msg);
  if (err) {
    err->code = code;
    memcpy(err->msg, msg, sizeof err->msg);
  }
  return xc__bnt_code_status(code, msg, http_status);
}
