/* Binance order entry shared by REST and the WebSocket API: parameter validation with Binance's
 * codes, engine calls, and the replies (spot /api/v3/order, futures /fapi/v1/order). */
#include <stdio.h>
#include <string.h>

#include "sim/binance_int.h"

static bool valid_clid(const char *s, bool futures) {
  size_t n = strlen(s);
  if (n == 0 || n > 36) return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (futures && (c == '.' || c == ':' || c == '/')) ok = true;
    if (!ok) return false;
  }
  return true;
}

static xc__sim_mkt *find_mkt(xc__bn_state *st, const xc__bn_params *p, bool futures, xc__bn_err *e) {
  const char *sym;
  if (xc__bn_param_req(p, "symbol", &sym, e)) return NULL;
  xc__sim_mkt *m = xc__sim_mkt_find(st->sim, XC_SIM_BINANCE, futures ? XC_SIM_LINEAR : XC_SIM_SPOT, sym);
  if (!m) xc__bn_err_set(e, XC__BN_BAD_SYMBOL, NULL);
  return m;
}

static int rej_to_err(xc__sim_rej r, bool futures, xc__bn_err *e) {
  switch (r) {
    case XC__SIM_REJ_PRICE_FILTER:
      return futures ? xc__bn_err_set(e, -4014, "Price not increased by tick size.")
                     : xc__bn_err_set(e, XC__BN_INVALID_MESSAGE, "Filter failure: PRICE_FILTER");
    case XC__SIM_REJ_LOT_SIZE:
      return futures ? xc__bn_err_set(e, -4023, "Quantity not increased by step size.")
                     : xc__bn_err_set(e, XC__BN_INVALID_MESSAGE, "Filter failure: LOT_SIZE");
    case XC__SIM_REJ_MIN_NOTIONAL:
    case XC__SIM_REJ_MAX_NOTIONAL:
      return futures ? xc__bn_err_set(e, XC__BN_FUT_MIN_NOTIONAL, NULL)
                     : xc__bn_err_set(e, XC__BN_INVALID_MESSAGE, "Filter failure: NOTIONAL");
    case XC__SIM_REJ_INSUFFICIENT:
      return futures ? xc__bn_err_set(e, XC__BN_FUT_MARGIN_INSUFFICIENT, NULL)
                     : xc__bn_err_set(e, XC__BN_NEW_ORDER_REJECTED,
                                      "Account has insufficient balance for requested action.");
    case XC__SIM_REJ_WOULD_TAKE:
      return futures ? xc__bn_err_set(e, XC__BN_FUT_GTX_REJECTED, NULL)
                     : xc__bn_err_set(e, XC__BN_NEW_ORDER_REJECTED, "Order would immediately match and take.");
    case XC__SIM_REJ_DUP_CLIENT_ID:
      return futures ? xc__bn_err_set(e, XC__BN_FUT_DUPLICATE_CLIENT_ID, NULL)
                     : xc__bn_err_set(e, XC__BN_NEW_ORDER_REJECTED, "Duplicate order sent.");
    case XC__SIM_REJ_REDUCE_ONLY:
      return xc__bn_err_set(e, -2022, "ReduceOnly Order is rejected.");
    case XC__SIM_REJ_NO_LIQUIDITY:
      return xc__bn_err_set(e, XC__BN_NEW_ORDER_REJECTED, "Market is closed.");
    case XC__SIM_REJ_TOO_MANY_ORDERS:
      return futures ? xc__bn_err_set(e, -2025, "Reach max open order limit.")
                     : xc__bn_err_set(e, XC__BN_INVALID_MESSAGE, "Filter failure: MAX_NUM_ORDERS");
    case XC__SIM_REJ_UNKNOWN_ORDER:
      return xc__bn_err_set(e, XC__BN_CANCEL_REJECTED, "Unknown order sent.");
    default:
      return xc__bn_err_set(e, XC__BN_NEW_ORDER_REJECTED, "Order rejected: %s", xc__sim_rej_name(r));
  }
}

/* A decimal parameter with Binance's precision rule. */
static int dec_param(const xc__bn_params *p, const char *key, int max_places, bool futures, xc_dec *out,
                     bool *has, xc__bn_err *e) {
  if (xc__bn_param_dec(p, key, out, has, e)) return e->code;
  if (*has && xc__bn_text_places(xc__bn_param(p, key)) > max_places) {
    if (futures) return xc__bn_err_set(e, XC__BN_BAD_PRECISION, "Precision is over the maximum defined for this asset.");
    return xc__bn_err_set(e, XC__BN_BAD_PRECISION, "Parameter '%s' has too much precision.", key);
  }
  return 0;
}

int xc__bn_order_new(xc__bn_state *st, const xc__bn_params *p, xc__sim_acct *acct, bool futures, xc_jw *w,
                     xc__bn_err *e) {
  xc__sim_mkt *m = find_mkt(st, p, futures, e);
  if (!m) return e->code;
  const xc__sim_instr *in = xc__sim_mkt_instr(m);
  /* a symbol that is not TRADING takes no new orders (binance.md -2010 "Market is closed.") */
  if (in->status[0] && strcmp(in->status, "TRADING") != 0)
    return xc__bn_err_set(e, XC__BN_NEW_ORDER_REJECTED, "Market is closed.");
  xc__bn_rules rules;
  xc__bn_rules_of(m, &rules);
  const char *side, *type;
  if (xc__bn_param_req(p, "side", &side, e)) return e->code;
  if (xc__bn_param_req(p, "type", &type, e)) return e->code;
  xc__sim_order_req rq;
  memset(&rq, 0, sizeof rq);
  rq.mkt = m;
  rq.acct = acct;
  if (!strcmp(side, "BUY")) rq.side = XC__SIM_BUY;
  else if (!strcmp(side, "SELL")) rq.side = XC__SIM_SELL;
  else return xc__bn_err_set(e, XC__BN_INVALID_SIDE, NULL);
  bool market = false, maker = false;
  if (!strcmp(type, "LIMIT")) rq.type = XC__SIM_LIMIT;
  else if (!strcmp(type, "MARKET")) { rq.type = XC__SIM_MARKET; market = true; }
  else if (!futures && !strcmp(type, "LIMIT_MAKER")) { rq.type = XC__SIM_LIMIT; maker = true; }
  else if (futures && (!strcmp(type, "STOP") || !strcmp(type, "STOP_MARKET") || !strcmp(type, "TAKE_PROFIT") ||
                       !strcmp(type, "TAKE_PROFIT_MARKET") || !strcmp(type, "TRAILING_STOP_MARKET")))
    return xc__bn_err_set(e, XC__BN_FUT_ALGO_ONLY, NULL);
  else return xc__bn_err_set(e, XC__BN_INVALID_ORDER_TYPE, NULL);

  const char *tif = xc__bn_param(p, "timeInForce");
  if (rq.type == XC__SIM_LIMIT && !maker) {
    if (!tif || !*tif) return xc__bn_err_mandatory(e, "timeInForce");
    if (!strcmp(tif, "GTC")) rq.tif = XC__SIM_GTC;
    else if (!strcmp(tif, "IOC")) rq.tif = XC__SIM_IOC;
    else if (!strcmp(tif, "FOK")) rq.tif = XC__SIM_FOK;
    else if (futures && !strcmp(tif, "GTX")) { rq.tif = XC__SIM_POST_ONLY; rq.flags |= XC__SIM_OF_REJECT_WOULD_TAKE; }
    else return xc__bn_err_set(e, XC__BN_INVALID_TIF, NULL);
  } else if (tif && !futures) {
    return xc__bn_err_set(e, XC__BN_TIF_NOT_REQUIRED, "Parameter 'timeInForce' sent when not required.");
  }
  if (maker) {
    rq.tif = XC__SIM_POST_ONLY;
    rq.flags |= XC__SIM_OF_REJECT_WOULD_TAKE;
  }
  bool has_qty = false, has_price = false, has_qq = false;
  int qmax = futures ? in->qty_places : rules.base_prec;
  int pmax = futures ? in->price_places : rules.quote_prec;
  if (dec_param(p, "quantity", qmax, futures, &rq.qty, &has_qty, e)) return e->code;
  if (dec_param(p, "price", pmax, futures, &rq.price, &has_price, e)) return e->code;
  if (!futures && dec_param(p, "quoteOrderQty", rules.quote_prec, false, &rq.quote_qty, &has_qq, e)) return e->code;
  if (market) {
    if (!futures && has_price)
      return xc__bn_err_set(e, XC__BN_PARAM_NOT_REQUIRED, "Parameter 'price' sent when not required.");
    if (has_price) { has_price = false; rq.price = XC_DEC_ZERO; }
    if (has_qty == has_qq)
      return xc__bn_err_set(e, XC__BN_MANDATORY_PARAM,
                            futures ? "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed."
                                    : "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!");
  } else {
    if (!has_qty) return xc__bn_err_mandatory(e, "quantity");
    if (!has_price) return xc__bn_err_mandatory(e, "price");
    if (has_qq) return xc__bn_err_set(e, XC__BN_PARAM_NOT_REQUIRED, "Parameter 'quoteOrderQty' sent when not required.");
  }
  const char *clid = xc__bn_param(p, "newClientOrderId");
  if (clid && !valid_clid(clid, futures)) {
    if (futures) return xc__bn_err_set(e, -4015, "Client order id is not valid.");
    return xc__bn_err_set(e, XC__BN_ILLEGAL_CHARS,
                          "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[a-zA-Z0-9-_]{1,36}$'.");
  }
  rq.client_id = clid;
  const char *rt = xc__bn_param(p, "newOrderRespType");
  xc__bn_resp kind = futures ? XC__BN_RESP_ACK : (maker ? XC__BN_RESP_ACK : XC__BN_RESP_FULL);
  if (rt) {
    if (!strcmp(rt, "ACK")) kind = XC__BN_RESP_ACK;
    else if (!strcmp(rt, "RESULT")) kind = XC__BN_RESP_RESULT;
    else if (!futures && !strcmp(rt, "FULL")) kind = XC__BN_RESP_FULL;
    else if (futures) return xc__bn_err_set(e, -1136, "Invalid newOrderRespType.");
    else return xc__bn_err_set(e, XC__BN_ILLEGAL_CHARS, "Invalid newOrderRespType.");
  }
  if (futures) {
    const char *ro = xc__bn_param(p, "reduceOnly");
    if (ro) {
      if (!strcmp(ro, "true")) rq.reduce_only = true;
      else if (strcmp(ro, "false")) return xc__bn_err_set(e, XC__BN_ILLEGAL_CHARS, "Invalid reduceOnly.");
    }
    const char *ps = xc__bn_param(p, "positionSide");
    if (ps && strcmp(ps, "BOTH"))
      return xc__bn_err_set(e, -4061, "Order's position side does not match user's setting.");
  }
  /* filters (the engine checks again; these give Binance's exact codes and messages) */
  xc_dec ref = XC_DEC_ZERO;
  if (market) {
    xc__sim_level best;
    if (xc__sim_book_best(m, rq.side == XC__SIM_BUY ? XC__SIM_SELL : XC__SIM_BUY, &best)) ref = best.price;
  }
  if (xc__bn_check_order(&rules, futures, market, has_price, rq.price, has_qty, rq.qty, ref, e)) return e->code;

  if (st->dry_run) {
    /* POST order/test: everything but the matching engine (balances are not checked) */
    xc_jw_obj_begin(w);
    xc_jw_obj_end(w);
    return 0;
  }
  if (futures && rq.type == XC__SIM_LIMIT && rq.tif == XC__SIM_FOK) {
    /* USD-M rejects a FOK that cannot fill at once (-5021, not recorded) instead of expiring it */
    xc__sim_side opp = rq.side == XC__SIM_BUY ? XC__SIM_SELL : XC__SIM_BUY;
    int n = xc__sim_book_levels(m, opp, st->lv, XC__BN_MAX_DEPTH);
    xc_dec avail = XC_DEC_ZERO;
    for (int i = 0; i < n && xc_dec_cmp(avail, rq.qty) < 0; i++) {
      int c = xc_dec_cmp(st->lv[i].price, rq.price);
      if (rq.side == XC__SIM_BUY ? c > 0 : c < 0) break;
      xc_dec_add(avail, st->lv[i].qty, &avail);
    }
    if (xc_dec_cmp(avail, rq.qty) < 0) return xc__bn_err_set(e, XC__BN_FUT_FOK_REJECTED, NULL);
  }
  xc__sim_order_res *resp = st->res;
#define res (*resp)
  memset(&res.order, 0, sizeof res.order);
  res.nfills = 0;
  xc_status s = xc__sim_order_place(st->sim, &rq, &res);
  if (s == XC_EREJECTED) return rej_to_err(res.rej, futures, e);
  if (s != XC_OK) return xc__bn_err_set(e, XC__BN_UNKNOWN, "Internal error: %s", xc_status_str(s));

  xc__bn_order_view v;
  xc__bn_order_view_of(&res.order, &v, futures);
  xc__bn_places pl = xc__bn_places_of(m);
  if (futures) {
    if (kind == XC__BN_RESP_ACK && res.order.status != XC__SIM_OS_NEW) {
      /* ACK reports the order as accepted, before matching results */
      v.status = "NEW";
      v.executed_qty = XC_DEC_ZERO;
      v.cum_quote = XC_DEC_ZERO;
      v.avg_price = XC_DEC_ZERO;
      if (market && xc_dec_is_zero(v.orig_qty)) v.orig_qty = rq.qty;
    }
    xc__bn_fut_order(w, &v, false, &pl);
    return 0;
  }
  xc__bn_fill fills[XC__SIM_MAX_FILLS];
  for (int i = 0; i < res.nfills; i++) {
    fills[i].price = res.fills[i].price;
    fills[i].qty = res.fills[i].qty;
    fills[i].commission = res.fills[i].fee;
    fills[i].commission_asset = res.fills[i].fee_asset;
    fills[i].trade_id = (int64_t)res.fills[i].trade_id;
  }
  v.fills = fills;
  v.nfills = res.nfills;
  xc__bn_spot_new_order(w, &v, kind, &pl);
  return 0;
#undef res
}

/* orderId / origClientOrderId of a cancel or query. */
static int order_ref(const xc__bn_params *p, uint64_t *id, const char **clid, xc__bn_err *e) {
  int64_t oid = 0;
  bool has_id = false;
  if (xc__bn_param_i64(p, "orderId", &oid, &has_id, e)) return e->code;
  const char *c = xc__bn_param(p, "origClientOrderId");
  if (c && !*c) c = NULL;
  if (!has_id && !c)
    return xc__bn_err_set(e, XC__BN_MANDATORY_PARAM,
                          "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
  *id = has_id && oid > 0 ? (uint64_t)oid : 0;
  *clid = c;
  if (has_id && oid <= 0) *id = UINT64_MAX; /* no such order */
  return 0;
}

int xc__bn_order_cancel(xc__bn_state *st, const xc__bn_params *p, xc__sim_acct *acct, bool futures, xc_jw *w,
                        xc__bn_err *e) {
  xc__sim_mkt *m = find_mkt(st, p, futures, e);
  if (!m) return e->code;
  uint64_t id;
  const char *clid;
  if (order_ref(p, &id, &clid, e)) return e->code;
  xc__sim_order o;
  if (id && clid) {
    /* both: looked up by orderId, and the client id must match */
    if (xc__sim_order_get(st->sim, acct, m, id, NULL, &o) != XC_OK || strcmp(o.client_id, clid) != 0)
      return xc__bn_err_set(e, XC__BN_CANCEL_REJECTED, "Unknown order sent.");
  }
  const char *cancel_id = xc__bn_param(p, "newClientOrderId");
  char gen[32];
  if (!cancel_id || !*cancel_id) {
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    uint64_t r = xc__sim_rand(st->sim), r2 = xc__sim_rand(st->sim);
    for (int i = 0; i < 22; i++) {
      gen[i] = al[(i < 11 ? r : r2) % 62];
      if (i < 11) r /= 62; else r2 /= 62;
    }
    gen[22] = 0;
    cancel_id = gen;
  }
  st->cancel_clid = futures ? NULL : cancel_id;
  xc_status s = xc__sim_order_cancel(st->sim, acct, m, id, id ? NULL : clid, &o);
  st->cancel_clid = NULL;
  if (s == XC_EUNKNOWN_ORDER) return xc__bn_err_set(e, XC__BN_CANCEL_REJECTED, "Unknown order sent.");
  if (s != XC_OK) return xc__bn_err_set(e, XC__BN_UNKNOWN, "Internal error: %s", xc_status_str(s));
  xc__bn_order_view v;
  xc__bn_order_view_of(&o, &v, futures);
  xc__bn_places pl = xc__bn_places_of(m);
  if (futures) {
    xc__bn_fut_order(w, &v, false, &pl);
  } else {
    v.orig_client_id = o.client_id;
    v.client_id = cancel_id;
    xc__bn_spot_cancel(w, &v, &pl);
  }
  return 0;
}

int xc__bn_order_query(xc__bn_state *st, const xc__bn_params *p, xc__sim_acct *acct, bool futures, xc_jw *w,
                       xc__bn_err *e) {
  xc__sim_mkt *m = find_mkt(st, p, futures, e);
  if (!m) return e->code;
  uint64_t id;
  const char *clid;
  if (order_ref(p, &id, &clid, e)) return e->code;
  xc__sim_order o;
  xc_status s = xc__sim_order_get(st->sim, acct, m, id, id ? NULL : clid, &o);
  if (s == XC_OK && id && clid && strcmp(o.client_id, clid) != 0) s = XC_EUNKNOWN_ORDER;
  if (s != XC_OK) return xc__bn_err_set(e, XC__BN_NO_SUCH_ORDER, "Order does not exist.");
  xc__bn_order_view v;
  xc__bn_order_view_of(&o, &v, futures);
  xc__bn_places pl = xc__bn_places_of(m);
  if (futures) xc__bn_fut_order(w, &v, true, &pl);
  else xc__bn_spot_order(w, &v, &pl);
  return 0;
}
