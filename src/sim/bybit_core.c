/* Bybit v5 front end: attach, shared formatting (ids, order/position/wallet records) and order
 * entry shared by REST /v5/order/... and the /v5/trade stream. See docs/internals/sim_bybit.md. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/bybit.h"
#include "sim/bybit_int.h"

const int xc__by_depths[XC__BY_NDEPTH] = {1, 50, 200, 1000};
const int xc__by_depth_ms[XC__BY_NDEPTH] = {10, 20, 100, 200};

#define SPOT_OID_BASE 1900000000000000000ull
#define SPOT_TID_BASE 2100000000000000000ull

static uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

static xc_dec D(const char *s) {
  xc_dec d;
  if (xc_dec_from_cstr(s, &d)) d = XC_DEC_ZERO;
  return d;
}
static xc_dec dmul(xc_dec a, xc_dec b) {
  xc_dec r;
  if (xc_dec_mul(a, b, &r)) return XC_DEC_ZERO;
  return r;
}
static xc_dec dadd(xc_dec a, xc_dec b) {
  xc_dec r;
  if (xc_dec_add(a, b, &r)) return a;
  return r;
}
static xc_dec dsub(xc_dec a, xc_dec b) {
  xc_dec r;
  if (xc_dec_sub(a, b, &r)) return a;
  return r;
}

void xc__by_seterr(xc__by_err *e, int code, const char *fmt, ...) {
  e->code = code;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
}

void xc__by_kv_fixed(xc_jw *w, const char *key, xc_dec d, int places) {
  char b[XC_DEC_STR_FIXED_MAX];
  if (places < 0 || places > 30 || xc_dec_to_str_fixed(d, places, XC_ROUND_HALF_EVEN, b, sizeof b) < 0)
    xc_dec_to_str(d, b, sizeof b);
  xc_jw_kv_str(w, key, b);
}
void xc__by_kv_dec(xc_jw *w, const char *key, xc_dec d) {
  char b[XC_DEC_STR_MAX];
  xc_dec_to_str(d, b, sizeof b);
  xc_jw_kv_str(w, key, b);
}
void xc__by_kv_ms(xc_jw *w, const char *key, int64_t ms) {
  char b[24];
  snprintf(b, sizeof b, "%lld", (long long)ms);
  xc_jw_kv_str(w, key, b);
}

xc__by_mkt *xc__by_mkt_of(xc__by_state *st, const xc__sim_mkt *m) {
  if (!m) return NULL;
  int i = xc__sim_mkt_index(m);
  if (i < 0 || i >= 256 || !st->mk_of_index[i]) return NULL;
  return &st->mk[st->mk_of_index[i] - 1];
}

xc__by_mkt *xc__by_find(xc__by_state *st, bool linear, const char *sym, size_t n) {
  xc__sim_mkt *m = xc__sim_mkt_findn(st->sim, XC_SIM_BYBIT, linear ? XC_SIM_LINEAR : XC_SIM_SPOT, sym, n);
  return xc__by_mkt_of(st, m);
}

/* ---- ids ------------------------------------------------------------------------------------ */

static void uuid_of(uint64_t salt, uint64_t id, char *buf, size_t cap) {
  uint64_t h = mix64(id ^ salt);
  snprintf(buf, cap, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(h >> 32), (unsigned)((h >> 16) & 0xffff),
           (unsigned)(h & 0xfff), (unsigned)(0x8000 | ((h >> 40) & 0x3fff)),
           (unsigned long long)(id & 0xffffffffffffull));
}

void xc__by_order_id(const xc__sim_order *o, char *buf, size_t cap) {
  if (xc__sim_mkt_instr(o->mkt)->kind == XC_SIM_LINEAR)
    uuid_of(0x0b1b0b1b0b1b0b1bull, o->id, buf, cap);
  else
    snprintf(buf, cap, "%llu", (unsigned long long)(SPOT_OID_BASE + o->id));
}

uint64_t xc__by_parse_order_id(bool linear, const char *s, size_t n) {
  if (!s || !n || n > 40) return 0;
  if (linear) {
    if (n != 36) return 0;
    uint64_t id = 0;
    for (size_t i = 24; i < 36; i++) {
      char c = s[i];
      int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (v < 0) return 0;
      id = id * 16 + (uint64_t)v;
    }
    char chk[48];
    uuid_of(0x0b1b0b1b0b1b0b1bull, id, chk, sizeof chk);
    return strncasecmp(chk, s, 36) == 0 ? id : 0;
  }
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    if (v > (UINT64_MAX - 9) / 10) return 0;
    v = v * 10 + (uint64_t)(s[i] - '0');
  }
  return v > SPOT_OID_BASE ? v - SPOT_OID_BASE : 0;
}

void xc__by_trade_id(bool linear, uint64_t mkt_index, uint64_t id, char *buf, size_t cap) {
  if (linear)
    uuid_of(0x7e7e7e7e00000000ull + mkt_index, id, buf, cap);
  else
    snprintf(buf, cap, "%llu", (unsigned long long)(SPOT_TID_BASE + mkt_index * 100000000000000ull + id));
}

const char *xc__by_link_id(const xc__sim_order *o) {
  return strncmp(o->client_id, "sim-", 4) == 0 ? "" : o->client_id;
}

/* ---- records -------------------------------------------------------------------------------- */

static bool is_done(xc__sim_ostatus s) {
  return s == XC__SIM_OS_FILLED || s == XC__SIM_OS_CANCELED || s == XC__SIM_OS_EXPIRED ||
         s == XC__SIM_OS_REJECTED;
}

static const char *status_str(const xc__sim_order *o, bool linear) {
  switch (o->status) {
    case XC__SIM_OS_NEW: return "New";
    case XC__SIM_OS_PARTIALLY_FILLED: return "PartiallyFilled";
    case XC__SIM_OS_FILLED: return "Filled";
    case XC__SIM_OS_REJECTED: return "Rejected";
    default:
      if (!linear && !xc_dec_is_zero(o->filled_qty)) return "PartiallyFilledCanceled";
      return "Cancelled";
  }
}

static const char *reject_reason(const xc__sim_order *o) {
  if (o->status != XC__SIM_OS_EXPIRED) return "EC_NoError";
  if (o->type == XC__SIM_LIMIT && o->tif == XC__SIM_POST_ONLY) return "EC_PostOnlyWillTakeLiquidity";
  if (o->type == XC__SIM_LIMIT && o->tif == XC__SIM_FOK) return "EC_CancelForNoFullFill";
  return "EC_NoImmediateQtyToFill";
}

static const char *tif_str(const xc__sim_order *o) {
  if (o->type == XC__SIM_MARKET) return "IOC";
  switch (o->tif) {
    case XC__SIM_IOC: return "IOC";
    case XC__SIM_FOK: return "FOK";
    case XC__SIM_POST_ONLY: return "PostOnly";
    default: return "GTC";
  }
}

/* marketUnit as shown: "" when the default for the side was used. */
static const char *market_unit(const xc__sim_order *o, bool linear) {
  if (linear || o->type != XC__SIM_MARKET) return "";
  bool by_quote = !xc_dec_is_zero(o->quote_qty);
  bool dflt_quote = o->side == XC__SIM_BUY;
  if (by_quote == dflt_quote) return "";
  return by_quote ? "quoteCoin" : "baseCoin";
}

void xc__by_write_order(xc_jw *w, const xc__sim_order *o, bool with_category) {
  const xc__sim_instr *in = xc__sim_mkt_instr(o->mkt);
  bool linear = in->kind == XC_SIM_LINEAR;
  bool by_quote = !xc_dec_is_zero(o->quote_qty);
  char id[48];
  xc__by_order_id(o, id, sizeof id);
  xc_jw_obj_begin(w);
  if (with_category) xc_jw_kv_str(w, "category", linear ? "linear" : "spot");
  xc_jw_kv_str(w, "symbol", in->symbol);
  xc_jw_kv_str(w, "orderId", id);
  xc_jw_kv_str(w, "orderLinkId", xc__by_link_id(o));
  xc_jw_kv_str(w, "blockTradeId", "");
  xc_jw_kv_str(w, "parentOrderLinkId", "");
  if (o->type == XC__SIM_LIMIT)
    xc__by_kv_fixed(w, "price", o->price, in->price_places);
  else
    xc_jw_kv_str(w, "price", "0");
  xc_dec shown_qty = by_quote ? o->quote_qty : o->qty;
  xc__by_kv_fixed(w, "qty", shown_qty, by_quote ? in->quote_places : in->qty_places);
  xc_jw_kv_str(w, "side", o->side == XC__SIM_BUY ? "Buy" : "Sell");
  xc_jw_kv_str(w, "isLeverage", linear ? "" : "0");
  xc_jw_kv_i64(w, "positionIdx", 0);
  xc_jw_kv_str(w, "orderStatus", status_str(o, linear));
  if (linear) xc_jw_kv_str(w, "createType", "CreateByUser");
  xc_jw_kv_str(w, "cancelType", o->status == XC__SIM_OS_CANCELED ? "CancelByUser" : "UNKNOWN");
  xc_jw_kv_str(w, "rejectReason", reject_reason(o));
  if (xc_dec_is_zero(o->filled_qty))
    xc_jw_kv_str(w, "avgPrice", linear ? "0" : "");
  else
    xc__by_kv_dec(w, "avgPrice", o->avg_price);
  /* leaves */
  xc_dec leaves = XC_DEC_ZERO, leaves_val = XC_DEC_ZERO;
  if (!is_done(o->status)) {
    if (by_quote) {
      leaves_val = dsub(o->quote_qty, o->filled_quote);
    } else {
      leaves = dsub(o->qty, o->filled_qty);
      leaves_val = o->type == XC__SIM_LIMIT ? dmul(leaves, o->price) : XC_DEC_ZERO;
    }
  }
  xc__by_kv_fixed(w, "leavesQty", leaves, in->qty_places);
  xc__by_kv_dec(w, "leavesValue", leaves_val);
  xc__by_kv_fixed(w, "cumExecQty", o->filled_qty, in->qty_places);
  xc__by_kv_dec(w, "cumExecValue", o->filled_quote);
  xc__by_kv_dec(w, "cumExecFee", o->fee_total);
  xc_jw_key(w, "cumFeeDetail");
  xc_jw_obj_begin(w);
  if (!xc_dec_is_zero(o->fee_total) && o->fee_asset[0]) xc__by_kv_dec(w, o->fee_asset, o->fee_total);
  xc_jw_obj_end(w);
  xc_jw_kv_str(w, "timeInForce", tif_str(o));
  xc_jw_kv_str(w, "orderType", o->type == XC__SIM_LIMIT ? "Limit" : "Market");
  xc_jw_kv_str(w, "stopOrderType", "");
  xc_jw_kv_str(w, "orderIv", "");
  xc_jw_kv_str(w, "marketUnit", market_unit(o, linear));
  xc_jw_kv_str(w, "triggerPrice", linear ? "0.00" : "0.00");
  xc_jw_kv_str(w, "takeProfit", linear ? "0.00" : "0.00");
  xc_jw_kv_str(w, "stopLoss", linear ? "0.00" : "0.00");
  xc_jw_kv_str(w, "tpTriggerBy", "");
  xc_jw_kv_str(w, "slTriggerBy", "");
  xc_jw_kv_i64(w, "triggerDirection", 0);
  xc_jw_kv_str(w, "triggerBy", "");
  if (linear) {
    xc_jw_kv_str(w, "lastPriceOnCreated", "");
    xc_jw_kv_str(w, "tpslMode", "UNKNOWN"); /* present only on derivatives (ccxt keys on it) */
  } else {
    xc_jw_kv_str(w, "basePrice", "");
  }
  xc_jw_kv_bool(w, "reduceOnly", o->reduce_only);
  xc_jw_kv_bool(w, "closeOnTrigger", false);
  xc_jw_kv_str(w, "placeType", "");
  xc_jw_kv_str(w, "smpType", "None");
  xc_jw_kv_i64(w, "smpGroup", 0);
  xc_jw_kv_str(w, "smpOrderId", "");
  xc_jw_kv_str(w, "tpLimitPrice", "");
  xc_jw_kv_str(w, "slLimitPrice", "");
  xc_jw_kv_str(w, "ocoTriggerBy", "");
  xc__by_kv_ms(w, "createdTime", o->create_ms);
  xc__by_kv_ms(w, "updatedTime", o->update_ms);
  xc_jw_obj_end(w);
}

void xc__by_write_position(xc_jw *w, xc__by_state *st, const xc__sim_acct *a, const xc__sim_mkt *m,
                           bool ws) {
  const xc__sim_instr *in = xc__sim_mkt_instr(m);
  xc__sim_position p;
  xc__sim_acct_position(a, m, &p);
  int sgn = xc_dec_sign(p.qty);
  xc_dec size = xc_dec_abs(p.qty);
  xc_dec value = dmul(size, p.entry_price);
  xc_dec mm = XC_DEC_ZERO;
  if (xc_dec_round(dmul(p.notional, D("0.005")), 8, XC_ROUND_HALF_EVEN, &mm)) mm = XC_DEC_ZERO;
  int64_t now = xc__sim_now_ms(st->sim);
  xc_jw_obj_begin(w);
  if (ws) xc_jw_kv_str(w, "category", "linear");
  xc_jw_kv_i64(w, "positionIdx", 0);
  xc_jw_kv_i64(w, "riskId", 1);
  xc_jw_kv_str(w, "riskLimitValue", "2000000");
  xc_jw_kv_str(w, "symbol", in->symbol);
  xc_jw_kv_str(w, "side", sgn > 0 ? "Buy" : sgn < 0 ? "Sell" : "");
  xc__by_kv_fixed(w, "size", size, in->qty_places);
  if (sgn)
    xc__by_kv_dec(w, ws ? "entryPrice" : "avgPrice", p.entry_price);
  else
    xc_jw_kv_str(w, ws ? "entryPrice" : "avgPrice", "0");
  xc__by_kv_dec(w, "positionValue", value);
  xc_jw_kv_i64(w, "tradeMode", 0);
  xc_jw_kv_str(w, "positionStatus", "Normal");
  xc_jw_kv_i64(w, "autoAddMargin", 0);
  xc_jw_kv_i64(w, "adlRankIndicator", sgn ? 2 : 0);
  char lev[16];
  snprintf(lev, sizeof lev, "%d", p.leverage > 0 ? p.leverage : 1);
  xc_jw_kv_str(w, "leverage", lev);
  xc__by_kv_dec(w, "positionBalance", p.initial_margin);
  xc__by_kv_fixed(w, "markPrice", p.mark_price, in->price_places);
  xc_jw_kv_str(w, "liqPrice", "");
  xc_jw_kv_str(w, "bustPrice", "");
  xc__by_kv_dec(w, "positionMM", mm);
  xc__by_kv_dec(w, "positionMMByMp", mm);
  xc__by_kv_dec(w, "positionIM", p.initial_margin);
  xc__by_kv_dec(w, "positionIMByMp", p.initial_margin);
  xc_jw_kv_str(w, "tpslMode", "Full");
  xc_jw_kv_str(w, "takeProfit", "0.00");
  xc_jw_kv_str(w, "stopLoss", "0.00");
  xc_jw_kv_str(w, "trailingStop", "0.00");
  xc__by_kv_dec(w, "unrealisedPnl", p.unrealized_pnl);
  xc__by_kv_dec(w, "curRealisedPnl", p.realized_pnl);
  xc__by_kv_dec(w, "cumRealisedPnl", p.realized_pnl);
  xc_jw_kv_u64(w, "seq", xc__sim_book_update_id(m));
  xc_jw_kv_bool(w, "isReduceOnly", false);
  xc_jw_kv_str(w, ws ? "mmrSysUpdatedTime" : "mmrSysUpdateTime", ""); /* as the doc examples spell them */
  xc_jw_kv_str(w, "leverageSysUpdatedTime", "");
  xc_jw_kv_str(w, "sessionAvgPrice", "");
  if (sgn)
    xc__by_kv_dec(w, "breakEvenPrice", p.entry_price);
  else
    xc_jw_kv_str(w, "breakEvenPrice", "");
  xc__by_kv_ms(w, "createdTime", p.update_ms ? p.update_ms : now);
  xc__by_kv_ms(w, "updatedTime", p.update_ms ? p.update_ms : now);
  xc_jw_obj_end(w);
}

/* USD value of one unit of coin: 1 for stablecoins, else the Bybit spot mid (or last, init). */
static xc_dec usd_price(xc__by_state *st, const char *coin) {
  if (!strcmp(coin, "USDT") || !strcmp(coin, "USDC") || !strcmp(coin, "USD")) return D("1");
  for (int i = 0; i < st->nmkts; i++) {
    const xc__sim_instr *in = xc__sim_mkt_instr(st->mk[i].m);
    if (in->kind != XC_SIM_SPOT || strcmp(in->base, coin) || strcmp(in->quote, "USDT")) continue;
    xc__sim_level b, a;
    bool hb = xc__sim_book_best(st->mk[i].m, XC__SIM_BUY, &b);
    bool ha = xc__sim_book_best(st->mk[i].m, XC__SIM_SELL, &a);
    xc_dec mid;
    if (hb && ha && !xc_dec_div(dadd(b.price, a.price), D("2"), 8, XC_ROUND_HALF_EVEN, &mid)) return mid;
    xc__sim_stats24 s;
    xc__sim_mkt_stats(st->mk[i].m, &s);
    if (!xc_dec_is_zero(s.last)) return s.last;
    return in->init_price;
  }
  return XC_DEC_ZERO;
}

static xc_dec round8(xc_dec d) {
  xc_dec r;
  if (xc_dec_round(d, 8, XC_ROUND_HALF_EVEN, &r)) return d;
  return r;
}

void xc__by_write_wallet(xc_jw *w, xc__by_state *st, const xc__sim_acct *a, char (*coins)[12],
                         int ncoins) {
  xc__sim_balance bal[32];
  int n = xc__sim_acct_balances(a, bal, 32);
  xc__sim_margin mg;
  xc__sim_acct_margin(a, "USDT", &mg);
  xc_dec total_wallet = XC_DEC_ZERO;
  for (int i = 0; i < n; i++) total_wallet = dadd(total_wallet, dmul(bal[i].wallet, usd_price(st, bal[i].asset)));
  total_wallet = round8(total_wallet);
  xc_dec equity = round8(dadd(total_wallet, mg.unrealized_pnl));
  xc_dec im = dadd(mg.position_margin, mg.order_margin);
  xc_dec mm = XC_DEC_ZERO;
  for (int i = 0; i < st->nmkts; i++) {
    if (!st->mk[i].linear) continue;
    xc__sim_position p;
    xc__sim_acct_position(a, st->mk[i].m, &p);
    mm = dadd(mm, dmul(p.notional, D("0.005")));
  }
  mm = round8(mm);
  xc_dec imr = XC_DEC_ZERO, mmr = XC_DEC_ZERO;
  if (xc_dec_sign(equity) > 0) {
    if (xc_dec_div(im, equity, 4, XC_ROUND_HALF_EVEN, &imr)) imr = XC_DEC_ZERO;
    if (xc_dec_div(mm, equity, 4, XC_ROUND_HALF_EVEN, &mmr)) mmr = XC_DEC_ZERO;
  }
  xc_jw_obj_begin(w);
  xc__by_kv_dec(w, "totalEquity", equity);
  xc__by_kv_dec(w, "accountIMRate", imr);
  xc__by_kv_dec(w, "accountIMRateByMp", imr);
  xc__by_kv_dec(w, "totalMarginBalance", equity);
  xc__by_kv_dec(w, "totalInitialMargin", im);
  xc__by_kv_dec(w, "totalInitialMarginByMp", im);
  xc_jw_kv_str(w, "accountType", "UNIFIED");
  xc__by_kv_dec(w, "totalAvailableBalance", round8(mg.available));
  xc__by_kv_dec(w, "accountMMRate", mmr);
  xc__by_kv_dec(w, "accountMMRateByMp", mmr);
  xc__by_kv_dec(w, "totalPerpUPL", mg.unrealized_pnl);
  xc__by_kv_dec(w, "totalWalletBalance", total_wallet);
  xc_jw_kv_str(w, "accountLTV", "0");
  xc__by_kv_dec(w, "totalMaintenanceMargin", mm);
  xc__by_kv_dec(w, "totalMaintenanceMarginByMp", mm);
  xc_jw_key(w, "coin");
  xc_jw_arr_begin(w);
  for (int i = 0; i < n; i++) {
    const xc__sim_balance *b = &bal[i];
    if (coins) {
      bool want = false;
      for (int k = 0; k < ncoins; k++) want |= strcmp(coins[k], b->asset) == 0;
      if (!want) continue;
    } else if (xc_dec_is_zero(b->wallet) && xc_dec_is_zero(b->locked)) {
      continue;
    }
    bool is_margin = strcmp(b->asset, "USDT") == 0;
    xc_dec locked = b->locked, upl = XC_DEC_ZERO, pim = XC_DEC_ZERO, oim = XC_DEC_ZERO, cum = XC_DEC_ZERO;
    if (is_margin) {
      locked = dsub(dsub(b->locked, mg.position_margin), mg.order_margin);
      if (xc_dec_sign(locked) < 0) locked = XC_DEC_ZERO;
      upl = mg.unrealized_pnl;
      pim = mg.position_margin;
      oim = mg.order_margin;
      for (int k = 0; k < st->nmkts; k++) {
        if (!st->mk[k].linear) continue;
        xc__sim_position p;
        xc__sim_acct_position(a, st->mk[k].m, &p);
        cum = dadd(cum, p.realized_pnl);
      }
    }
    xc_dec eq = dadd(b->wallet, upl);
    xc_jw_obj_begin(w);
    xc_jw_kv_str(w, "coin", b->asset);
    xc__by_kv_dec(w, "equity", eq);
    xc__by_kv_dec(w, "usdValue", round8(dmul(eq, usd_price(st, b->asset))));
    xc__by_kv_dec(w, "walletBalance", b->wallet);
    xc__by_kv_dec(w, "locked", locked);
    xc_jw_kv_str(w, "spotHedgingQty", "0");
    xc_jw_kv_str(w, "borrowAmount", "0");
    xc_jw_kv_str(w, "accruedInterest", "0");
    xc__by_kv_dec(w, "totalOrderIM", oim);
    xc__by_kv_dec(w, "totalPositionIM", pim);
    xc__by_kv_dec(w, "totalPositionMM", is_margin ? mm : XC_DEC_ZERO);
    xc__by_kv_dec(w, "unrealisedPnl", upl);
    xc__by_kv_dec(w, "cumRealisedPnl", cum);
    xc_jw_kv_str(w, "bonus", "0");
    xc_jw_kv_bool(w, "marginCollateral", true);
    xc_jw_kv_bool(w, "collateralSwitch", true);
    xc_jw_kv_str(w, "spotBorrow", "0");
    xc_jw_kv_str(w, "colRes", "0");
    xc_jw_kv_str(w, "availableToWithdraw", "");
    xc_jw_kv_str(w, "availableToBorrow", "");
    xc_jw_kv_str(w, "free", "");
    xc_jw_obj_end(w);
  }
  xc_jw_arr_end(w);
  xc_jw_obj_end(w);
}

/* ---- order entry ---------------------------------------------------------------------------- */

xc_status xc__by_json_text(xc_json *j, int obj, const char *key, char *buf, size_t cap) {
  buf[0] = 0;
  int v = xc_json_get(j, obj, key);
  if (v < 0) return XC_ENOTFOUND;
  xc_json_type t = xc_json_type_of(j, v);
  if (t == XC_JSON_NULL) return XC_ENOTFOUND;
  if (t == XC_JSON_TRUE || t == XC_JSON_FALSE) {
    snprintf(buf, cap, "%s", t == XC_JSON_TRUE ? "true" : "false");
    return XC_OK;
  }
  if (t != XC_JSON_STRING && t != XC_JSON_NUMBER) return XC_ETYPE;
  const char *s;
  size_t n;
  if (xc_json_text(j, v, &s, &n)) return XC_ETYPE;
  if (n + 1 > cap) return XC_ENOSPC;
  memcpy(buf, s, n);
  buf[n] = 0;
  return XC_OK;
}

static bool dec_of(const char *s, xc_dec *out) {
  return s[0] && xc_dec_from_cstr(s, out) == XC_OK;
}

static bool link_id_ok(const char *s) {
  size_t n = strlen(s);
  if (n > 36) return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  }
  return true;
}

static int param_err(xc__by_err *e, bool linear, const char *name) {
  if (linear) {
    xc__by_seterr(e, 10001, "params error: %s invalid", name);
  } else {
    xc__by_seterr(e, 170130, "Data sent for paramter '%s' is not valid.", name);
  }
  return e->code;
}

/* Resolves category + symbol of a request. */
static int req_market(xc__by_state *st, xc_json *j, int obj, xc__by_mkt **out, xc__by_err *e) {
  char cat[16], sym[32];
  if (xc__by_json_text(j, obj, "category", cat, sizeof cat) == XC_ENOTFOUND && st->batch_cat)
    snprintf(cat, sizeof cat, "%s", st->batch_cat); /* batch items inherit the request's */
  if (strcmp(cat, "spot") && strcmp(cat, "linear")) {
    xc__by_seterr(e, 10001, "Illegal category");
    return e->code;
  }
  bool linear = cat[0] == 'l';
  if (xc__by_json_text(j, obj, "symbol", sym, sizeof sym) || !sym[0]) {
    xc__by_seterr(e, 10001, "params error: symbol is required");
    return e->code;
  }
  *out = xc__by_find(st, linear, sym, strlen(sym));
  if (!*out) {
    if (linear)
      xc__by_seterr(e, 10001, "params error: symbol invalid");
    else
      xc__by_seterr(e, 170121, "Invalid symbol.");
    return e->code;
  }
  return 0;
}

static int rej_err(xc__sim_rej r, bool linear, xc__by_err *e) {
  switch (r) {
    case XC__SIM_REJ_PRICE_FILTER:
      if (linear) xc__by_seterr(e, 110003, "Order price is out of permissible range");
      else xc__by_seterr(e, 170134, "Order price has too many decimals.");
      break;
    case XC__SIM_REJ_LOT_SIZE:
      if (linear) xc__by_seterr(e, 10001, "params error: qty invalid");
      else xc__by_seterr(e, 170137, "Order quantity has too many decimals.");
      break;
    case XC__SIM_REJ_MIN_NOTIONAL:
      if (linear) xc__by_seterr(e, 110094, "Order does not meet minimum order value 5USDT");
      else xc__by_seterr(e, 170140, "Order value exceeded lower limit.");
      break;
    case XC__SIM_REJ_MAX_NOTIONAL:
      if (linear) xc__by_seterr(e, 10001, "The number of contracts exceeds maximum limit allowed: too large");
      else xc__by_seterr(e, 170124, "Order amount too large.");
      break;
    case XC__SIM_REJ_INSUFFICIENT:
      if (linear) xc__by_seterr(e, 110007, "ab not enough for new order");
      else xc__by_seterr(e, 170131, "Insufficient balance.");
      break;
    case XC__SIM_REJ_DUP_CLIENT_ID:
      if (linear) xc__by_seterr(e, 110072, "OrderLinkedID is duplicate");
      else xc__by_seterr(e, 170141, "Duplicate clientOrderId.");
      break;
    case XC__SIM_REJ_REDUCE_ONLY:
      xc__by_seterr(e, 110017, "Reduce-only rule not satisfied");
      break;
    case XC__SIM_REJ_TOO_MANY_ORDERS:
      if (linear) xc__by_seterr(e, 110020, "Not allowed to have more than 500 active orders");
      else xc__by_seterr(e, 170810, "Exceeded the maximum number of open orders.");
      break;
    case XC__SIM_REJ_UNKNOWN_ORDER:
      if (linear) xc__by_seterr(e, 110001, "Order does not exist");
      else xc__by_seterr(e, 170213, "Order does not exist.");
      break;
    default:
      if (linear) xc__by_seterr(e, 10001, "params error");
      else xc__by_seterr(e, 170130, "Data sent for paramter is not valid.");
      break;
  }
  return e->code;
}

int xc__by_order_create(xc__by_state *st, const xc__sim_user *u, xc_json *j, int obj, char *oid,
                        size_t oid_cap, char *link, size_t link_cap, xc__by_err *e) {
  xc__by_mkt *bm;
  int rc = req_market(st, j, obj, &bm, e);
  if (rc) return rc;
  bool linear = bm->linear;
  const xc__sim_instr *in = xc__sim_mkt_instr(bm->m);
  char side[16], type[16], tif[16], qtys[64], prices[64], clid[64], unit[16], tmp[64];
  if (xc__by_json_text(j, obj, "side", side, sizeof side) || (strcmp(side, "Buy") && strcmp(side, "Sell"))) {
    if (linear) xc__by_seterr(e, 10001, "params error: side invalid");
    else xc__by_seterr(e, 170117, "Invalid side.");
    return e->code;
  }
  if (xc__by_json_text(j, obj, "orderType", type, sizeof type) || (strcmp(type, "Limit") && strcmp(type, "Market"))) {
    if (linear) xc__by_seterr(e, 10001, "params error: orderType invalid");
    else xc__by_seterr(e, 170116, "Invalid orderType.");
    return e->code;
  }
  bool market = type[0] == 'M';
  xc__sim_tif t = XC__SIM_GTC;
  if (xc__by_json_text(j, obj, "timeInForce", tif, sizeof tif) == XC_OK && tif[0]) {
    if (!strcmp(tif, "GTC")) t = XC__SIM_GTC;
    else if (!strcmp(tif, "IOC")) t = XC__SIM_IOC;
    else if (!strcmp(tif, "FOK")) t = XC__SIM_FOK;
    else if (!strcmp(tif, "PostOnly")) t = XC__SIM_POST_ONLY;
    else {
      if (linear) xc__by_seterr(e, 10001, "params error: timeInForce invalid");
      else xc__by_seterr(e, 170115, "Invalid time in force.");
      return e->code;
    }
  }
  if (market) t = XC__SIM_IOC;
  xc_dec qty, price = XC_DEC_ZERO;
  if (xc__by_json_text(j, obj, "qty", qtys, sizeof qtys) || !dec_of(qtys, &qty) || xc_dec_sign(qty) <= 0)
    return param_err(e, linear, "qty");
  if (!market) {
    if (xc__by_json_text(j, obj, "price", prices, sizeof prices) || !dec_of(prices, &price) ||
        xc_dec_sign(price) <= 0)
      return param_err(e, linear, "price");
  }
  clid[0] = 0;
  if (xc__by_json_text(j, obj, "orderLinkId", clid, sizeof clid) == XC_ENOSPC || !link_id_ok(clid))
    return param_err(e, linear, "orderLinkId");
  static const char *const unsupported[] = {"triggerPrice", "takeProfit", "stopLoss", "tpslMode"};
  for (size_t i = 0; i < sizeof unsupported / sizeof *unsupported; i++) {
    if (xc__by_json_text(j, obj, unsupported[i], tmp, sizeof tmp) == XC_OK && tmp[0] && strcmp(tmp, "0")) {
      xc__by_seterr(e, 10001, "params error: %s is not supported by the simulator", unsupported[i]);
      return e->code;
    }
  }
  if (xc__by_json_text(j, obj, "positionIdx", tmp, sizeof tmp) == XC_OK && tmp[0] && strcmp(tmp, "0")) {
    xc__by_seterr(e, 10001, "position idx not match position mode");
    return e->code;
  }
  bool reduce_only = false;
  if (xc__by_json_text(j, obj, "reduceOnly", tmp, sizeof tmp) == XC_OK) reduce_only = !strcmp(tmp, "true");
  if (reduce_only && !linear) return param_err(e, linear, "reduceOnly");
  bool buy = side[0] == 'B';
  /* spot market: Buy is by quote value unless marketUnit says otherwise */
  bool by_quote = false;
  if (!linear && market) {
    by_quote = buy;
    if (xc__by_json_text(j, obj, "marketUnit", unit, sizeof unit) == XC_OK && unit[0]) {
      if (!strcmp(unit, "quoteCoin")) by_quote = true;
      else if (!strcmp(unit, "baseCoin")) by_quote = false;
      else return param_err(e, linear, "marketUnit");
    }
  }
  /* precision and limits (Bybit codes; the engine re-checks) */
  if (!market && !xc_dec_is_multiple(price, in->tick)) {
    if (linear) xc__by_seterr(e, 10001, "params error: price must be a multiple of tickSize");
    else xc__by_seterr(e, 170134, "Order price has too many decimals.");
    return e->code;
  }
  if (!market && linear && ((xc_dec_sign(in->min_price) > 0 && xc_dec_cmp(price, in->min_price) < 0) ||
                            (xc_dec_sign(in->max_price) > 0 && xc_dec_cmp(price, in->max_price) > 0))) {
    xc__by_seterr(e, 110003, "Order price is out of permissible range");
    return e->code;
  }
  if (by_quote) {
    xc_dec qstep;
    if (xc_dec_from_i64(1, -in->quote_places, &qstep) || !xc_dec_is_multiple(qty, qstep)) {
      xc__by_seterr(e, 170148, "Market order amount decimal too long.");
      return e->code;
    }
    if (xc_dec_cmp(qty, in->min_notional) < 0) {
      xc__by_seterr(e, 170140, "Order value exceeded lower limit.");
      return e->code;
    }
  } else {
    if (!xc_dec_is_multiple(qty, in->step)) {
      if (linear) xc__by_seterr(e, 10001, "params error: qty must be a multiple of qtyStep");
      else xc__by_seterr(e, 170137, "Order quantity has too many decimals.");
      return e->code;
    }
    if (xc_dec_cmp(qty, in->min_qty) < 0) {
      if (linear) xc__by_seterr(e, 10001, "The number of contracts is below the minimum allowed");
      else xc__by_seterr(e, 170136, "Order quantity lower than the minimum.");
      return e->code;
    }
    xc_dec maxq = market ? in->market_max_qty : in->max_qty;
    if (xc_dec_sign(maxq) > 0 && xc_dec_cmp(qty, maxq) > 0) {
      if (linear) xc__by_seterr(e, 10001, "The number of contracts exceeds maximum limit allowed: too large");
      else xc__by_seterr(e, 170124, "Order amount too large.");
      return e->code;
    }
    xc_dec ref = price;
    if (market) {
      xc__sim_level best;
      ref = xc__sim_book_best(bm->m, buy ? XC__SIM_SELL : XC__SIM_BUY, &best) ? best.price : XC_DEC_ZERO;
    }
    if (!reduce_only && xc_dec_sign(ref) > 0 && xc_dec_cmp(dmul(ref, qty), in->min_notional) < 0) {
      if (linear) xc__by_seterr(e, 110094, "Order does not meet minimum order value 5USDT");
      else xc__by_seterr(e, 170140, "Order value exceeded lower limit.");
      return e->code;
    }
  }
  xc__sim_order_req rq;
  memset(&rq, 0, sizeof rq);
  rq.mkt = bm->m;
  rq.acct = xc__sim_user_acct(u, bm->m);
  rq.side = buy ? XC__SIM_BUY : XC__SIM_SELL;
  rq.type = market ? XC__SIM_MARKET : XC__SIM_LIMIT;
  rq.tif = t;
  rq.price = price;
  if (by_quote) rq.quote_qty = qty;
  else rq.qty = qty;
  rq.client_id = clid[0] ? clid : NULL;
  rq.reduce_only = reduce_only;
  rq.flags = 0; /* post-only that would take: accepted, then Cancelled (bybit.md 8) */
  xc__sim_order_res *res = st->res;
  xc_status s = xc__sim_order_place(st->sim, &rq, res);
  if (s != XC_OK) return rej_err(res->rej, linear, e);
  xc__by_order_id(&res->order, oid, oid_cap);
  snprintf(link, link_cap, "%s", xc__by_link_id(&res->order));
  return 0;
}

int xc__by_order_cancel(xc__by_state *st, const xc__sim_user *u, xc_json *j, int obj, char *oid,
                        size_t oid_cap, char *link, size_t link_cap, xc__by_err *e) {
  xc__by_mkt *bm;
  int rc = req_market(st, j, obj, &bm, e);
  if (rc) return rc;
  bool linear = bm->linear;
  char ids[64], clid[64];
  bool has_id = xc__by_json_text(j, obj, "orderId", ids, sizeof ids) == XC_OK && ids[0];
  bool has_link = xc__by_json_text(j, obj, "orderLinkId", clid, sizeof clid) == XC_OK && clid[0];
  if (!has_id && !has_link) {
    if (linear) xc__by_seterr(e, 10001, "params error: orderId or orderLinkId is required");
    else xc__by_seterr(e, 170130, "Data sent for paramter 'orderId' is not valid.");
    return e->code;
  }
  uint64_t id = 0;
  if (has_id) {
    id = xc__by_parse_order_id(linear, ids, strlen(ids));
    if (!id) return rej_err(XC__SIM_REJ_UNKNOWN_ORDER, linear, e);
  }
  xc__sim_order o;
  xc_status s = xc__sim_order_cancel(st->sim, xc__sim_user_acct(u, bm->m), bm->m, id,
                                     has_id ? NULL : clid, &o);
  if (s != XC_OK) return rej_err(XC__SIM_REJ_UNKNOWN_ORDER, linear, e);
  xc__by_order_id(&o, oid, oid_cap);
  snprintf(link, link_cap, "%s", xc__by_link_id(&o));
  return 0;
}

/* ---- per-UID per-endpoint limits ---- */

bool xc__by_take(xc__by_state *st, const char *key, int real_limit, bool spot, int64_t *lim, int64_t *left,
                 int64_t *reset) {
  int li = -1;
  for (int i = 0; i < st->neps && li < 0; i++)
    if (!strcmp(st->eps[i].path, key)) li = i;
  if (li < 0 && st->neps < XC__BY_NEP) {
    li = st->neps++;
    st->eps[li].path = key;
    st->eps[li].w[0].span_ms = st->eps[li].w[1].span_ms = 1000;
  }
  int64_t now = xc__sim_now_ms(st->sim);
  *lim = xc__sim_limit(st->sim, real_limit);
  *reset = now;
  if (li < 0) {
    *left = *lim;
    return true;
  }
  xc__sim_window *w = &st->eps[li].w[spot ? 1 : 0];
  int64_t used = xc__sim_window_add(w, now, 1);
  bool over = used > *lim;
  if (over) {
    w->used--; /* refused requests do not consume quota */
    *reset = w->start_ms + w->span_ms;
  }
  *left = over ? 0 : *lim - used;
  return !over;
}

/* ---- signer --------------------------------------------------------------------------------- */

xc_signer *xc__by_signer(xc__by_state *st, const xc__sim_user *u) {
  if (st->signer && st->signer_user == u) return st->signer;
  xc_signer_free(st->signer);
  st->signer = NULL;
  st->signer_user = NULL;
  if (xc_signer_new_hmac(u->api_secret, strlen(u->api_secret), &st->signer) != XC_OK) return NULL;
  st->signer_user = u;
  return st->signer;
}

/* ---- front end ------------------------------------------------------------------------------ */

static void on_event(xc_sim *sim, const xc__sim_event *ev, void *state) {
  xc__by_state *st = state;
  if (ev->acct && xc__sim_acct_venue(ev->acct) != XC_SIM_BYBIT) return;
  if (ev->mkt && !xc__by_mkt_of(st, ev->mkt)) return;
  if (ev->kind == XC__SIM_EV_ORDER && is_done(ev->u.order.order->status) &&
      (ev->u.order.exec == XC__SIM_EXEC_CANCELED || ev->u.order.exec == XC__SIM_EXEC_EXPIRED ||
       ev->u.order.exec == XC__SIM_EXEC_REJECTED || ev->u.order.order->status == XC__SIM_OS_FILLED)) {
    /* keep the last XC__BY_CLOSED_MAX closed orders (order/realtime openOnly=1, order/history) */
    int at = (st->closed_head + st->nclosed) % XC__BY_CLOSED_MAX;
    if (st->nclosed == XC__BY_CLOSED_MAX) {
      at = st->closed_head;
      st->closed_head = (st->closed_head + 1) % XC__BY_CLOSED_MAX;
    } else {
      st->nclosed++;
    }
    st->closed[at] = *ev->u.order.order;
  }
  xc__by_ws_on_event(st, ev);
}

static xc_status on_fault(xc_sim *sim, const xc__sim_fault *f, void *state) {
  xc__by_state *st = state;
  if (f->venue != XC_SIM_BYBIT) return XC_ENOTSUP;
  return xc__by_ws_fault(st, f);
}

static void destroy(xc_sim *sim, void *state) {
  xc__by_state *st = state;
  if (!st) return;
  xc__sim_timer_free(st->tick_timer);
  for (int i = 0; i < st->nmkts; i++) {
    for (int d = 0; d < XC__BY_NDEPTH; d++) {
      free(st->mk[i].bs[d].bids);
      free(st->mk[i].bs[d].asks);
    }
    xc__sim_depth_batch_free(st->mk[i].gapb);
  }
  xc_signer_free(st->signer);
  xc_buf_free(&st->out);
  xc_json_free(&st->js);
  free(st->closed);
  free(st->lv);
  free(st->dv);
  free(st->res);
  free(st->tr);
  free(st);
}

static const xc__sim_fe fe = {
    .name = "bybit", .venue = XC_SIM_BYBIT, .on_event = on_event, .on_fault = on_fault, .destroy = destroy};

static void tick(xc_sim *sim, void *user) {
  xc__by_state *st = user;
  st->ticks++;
  xc__by_ws_tick(st);
}

xc_status xc__sim_bybit_attach(xc_sim *sim) {
  xc__by_state *st = calloc(1, sizeof *st);
  if (!st) return XC_ENOMEM;
  st->sim = sim;
  st->cadence_pct = 100;
  xc_buf_init(&st->out);
  xc_json_init(&st->js);
  st->closed = calloc(XC__BY_CLOSED_MAX, sizeof *st->closed);
  st->lv = calloc(2 * 1000, sizeof *st->lv);
  st->res = calloc(1, sizeof *st->res);
  st->tr = calloc(1000, sizeof *st->tr);
  st->dv = calloc(2 * 2000, sizeof *st->dv);
  if (!st->closed || !st->lv || !st->res || !st->tr || !st->dv) {
    destroy(sim, st);
    return XC_ENOMEM;
  }
  int n = xc__sim_mkt_count(sim);
  for (int i = 0; i < n && st->nmkts < XC__BY_MAX_MKTS; i++) {
    xc__sim_mkt *m = xc__sim_mkt_at(sim, i);
    const xc__sim_instr *in = xc__sim_mkt_instr(m);
    int idx = xc__sim_mkt_index(m);
    if (in->venue != XC_SIM_BYBIT || idx < 0 || idx >= 256) continue;
    xc__by_mkt *bm = &st->mk[st->nmkts];
    bm->m = m;
    bm->linear = in->kind == XC_SIM_LINEAR;
    snprintf(bm->sym, sizeof bm->sym, "%s", in->symbol);
    for (int d = 0; d < XC__BY_NDEPTH; d++) {
      bm->bs[d].depth = xc__by_depths[d];
      bm->bs[d].bids = calloc((size_t)xc__by_depths[d], sizeof(xc__sim_level));
      bm->bs[d].asks = calloc((size_t)xc__by_depths[d], sizeof(xc__sim_level));
      if (!bm->bs[d].bids || !bm->bs[d].asks) {
        st->nmkts++;
        destroy(sim, st);
        return XC_ENOMEM;
      }
    }
    st->mk_of_index[idx] = st->nmkts + 1;
    st->nmkts++;
  }
  xc_status s = xc__sim_fe_add(sim, &fe, st);
  if (s != XC_OK) {
    destroy(sim, st);
    return s;
  }
  /* from here on the core owns st (destroy at xc_sim_free) */
  if ((s = xc__by_rest_attach(st)) != XC_OK) return s;
  if ((s = xc__by_ws_attach(st)) != XC_OK) return s;
  st->tick_timer = xc__sim_timer_new(sim, 10, 10, tick, st);
  return st->tick_timer ? XC_OK : XC_ENOMEM;
}
