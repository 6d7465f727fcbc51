/* Binance JSON payload formatters (see binance_fmt.h). */
#include "sim/binance_fmt.h"

#include "sim/binance_filters.h"

void xc__bn_num(xc_jw *w, xc_dec d, int places) {
  if (places < 0) xc_jw_dec_str(w, d);
  else xc__bn_jw_fixed(w, d, places);
}

static void ks(xc_jw *w, const char *k, const char *v) {
  xc_jw_key(w, k);
  if (v) xc_jw_str(w, v);
  else xc_jw_null(w);
}
static void ki(xc_jw *w, const char *k, int64_t v) {
  xc_jw_key(w, k);
  xc_jw_i64(w, v);
}
static void kb(xc_jw *w, const char *k, bool v) {
  xc_jw_key(w, k);
  xc_jw_bool(w, v);
}
static void kd(xc_jw *w, const char *k, xc_dec d, int places) {
  xc_jw_key(w, k);
  xc__bn_num(w, d, places);
}

static void spot_result_fields(xc_jw *w, const xc__bn_order_view *o, const xc__bn_places *pl) {
  kd(w, "price", o->price, pl->price);
  kd(w, "origQty", o->orig_qty, pl->qty);
  kd(w, "executedQty", o->executed_qty, pl->qty);
  kd(w, "origQuoteOrderQty", o->orig_quote_qty, pl->quote);
  kd(w, "cummulativeQuoteQty", o->cum_quote, pl->quote);
  ks(w, "status", o->status);
  ks(w, "timeInForce", o->tif);
  ks(w, "type", o->type);
  ks(w, "side", o->side);
}

void xc__bn_spot_new_order(xc_jw *w, const xc__bn_order_view *o, xc__bn_resp kind, const xc__bn_places *pl) {
  xc_jw_obj_begin(w);
  ks(w, "symbol", o->symbol);
  ki(w, "orderId", o->order_id);
  ki(w, "orderListId", -1);
  ks(w, "clientOrderId", o->client_id);
  ki(w, "transactTime", o->transact_time);
  if (kind != XC__BN_RESP_ACK) {
    spot_result_fields(w, o, pl);
    ki(w, "workingTime", o->working_time);
    ks(w, "selfTradePreventionMode", "NONE");
  }
  if (kind == XC__BN_RESP_FULL) {
    xc_jw_key(w, "fills");
    xc_jw_arr_begin(w);
    for (int i = 0; i < o->nfills; i++) {
      const xc__bn_fill *f = &o->fills[i];
      xc_jw_obj_begin(w);
      kd(w, "price", f->price, pl->price);
      kd(w, "qty", f->qty, pl->qty);
      kd(w, "commission", f->commission, 8);
      ks(w, "commissionAsset", f->commission_asset);
      ki(w, "tradeId", f->trade_id);
      xc_jw_obj_end(w);
    }
    xc_jw_arr_end(w);
  }
  xc_jw_obj_end(w);
}

void xc__bn_spot_cancel(xc_jw *w, const xc__bn_order_view *o, const xc__bn_places *pl) {
  xc_jw_obj_begin(w);
  ks(w, "symbol", o->symbol);
  ks(w, "origClientOrderId", o->orig_client_id ? o->orig_client_id : o->client_id);
  ki(w, "orderId", o->order_id);
  ki(w, "orderListId", -1);
  ks(w, "clientOrderId", o->client_id);
  ki(w, "transactTime", o->transact_time);
  spot_result_fields(w, o, pl);
  ks(w, "selfTradePreventionMode", "NONE");
  xc_jw_obj_end(w);
}

void xc__bn_spot_order(xc_jw *w, const xc__bn_order_view *o, const xc__bn_places *pl) {
  xc_jw_obj_begin(w);
  ks(w, "symbol", o->symbol);
  ki(w, "orderId", o->order_id);
  ki(w, "orderListId", -1);
  ks(w, "clientOrderId", o->client_id);
  kd(w, "price", o->price, pl->price);
  kd(w, "origQty", o->orig_qty, pl->qty);
  kd(w, "executedQty", o->executed_qty, pl->qty);
  kd(w, "cummulativeQuoteQty", o->cum_quote, pl->quote);
  ks(w, "status", o->status);
  ks(w, "timeInForce", o->tif);
  ks(w, "type", o->type);
  ks(w, "side", o->side);
  kd(w, "stopPrice", o->stop_price, pl->price);
  kd(w, "icebergQty", XC_DEC_ZERO, pl->qty);
  ki(w, "time", o->time);
  ki(w, "updateTime", o->update_time);
  kb(w, "isWorking", o->is_working);
  ki(w, "workingTime", o->working_time);
  kd(w, "origQuoteOrderQty", o->orig_quote_qty, pl->quote);
  ks(w, "selfTradePreventionMode", "NONE");
  xc_jw_obj_end(w);
}

void xc__bn_fut_order(xc_jw *w, const xc__bn_order_view *o, bool with_times, const xc__bn_places *pl) {
  xc_jw_obj_begin(w);
  kd(w, "avgPrice", o->avg_price, pl->price);
  ks(w, "clientOrderId", o->client_id);
  kd(w, "cumQuote", o->cum_quote, pl->quote);
  kd(w, "executedQty", o->executed_qty, pl->qty);
  ki(w, "orderId", o->order_id);
  kd(w, "origQty", o->orig_qty, pl->qty);
  ks(w, "origType", o->type);
  kd(w, "price", o->price, pl->price);
  kb(w, "reduceOnly", o->reduce_only);
  ks(w, "side", o->side);
  ks(w, "positionSide", o->position_side ? o->position_side : "BOTH");
  ks(w, "status", o->status);
  kd(w, "stopPrice", o->stop_price, pl->price);
  kb(w, "closePosition", o->close_position);
  ks(w, "symbol", o->symbol);
  if (with_times) ki(w, "time", o->time);
  ks(w, "timeInForce", o->tif);
  ks(w, "type", o->type);
  ki(w, "updateTime", o->update_time);
  ks(w, "workingType", "CONTRACT_PRICE");
  kb(w, "priceProtect", false);
  ks(w, "priceMatch", "NONE");
  ks(w, "selfTradePreventionMode", "EXPIRE_MAKER");
  ki(w, "goodTillDate", 0);
  if (!with_times) kd(w, "cumQty", o->executed_qty, pl->qty);
  xc_jw_obj_end(w);
}

void xc__bn_spot_exec_report(xc_jw *w, const xc__bn_exec_view *x, const xc__bn_places *pl) {
  const xc__bn_order_view *o = x->o;
  bool trade = x->trade_id >= 0 && !xc_dec_is_zero(x->last_qty);
  xc_dec last_quote = XC_DEC_ZERO;
  if (trade) (void)xc_dec_mul(x->last_qty, x->last_price, &last_quote);
  xc_jw_obj_begin(w);
  ks(w, "e", "executionReport");
  ki(w, "E", x->event_time);
  ks(w, "s", o->symbol);
  ks(w, "c", o->client_id);
  ks(w, "S", o->side);
  ks(w, "o", o->type);
  ks(w, "f", o->tif);
  kd(w, "q", o->orig_qty, pl->qty);
  kd(w, "p", o->price, pl->price);
  kd(w, "P", o->stop_price, pl->price);
  kd(w, "F", XC_DEC_ZERO, pl->qty);
  ki(w, "g", -1);
  ks(w, "C", o->orig_client_id ? o->orig_client_id : "");
  ks(w, "x", x->exec_type);
  ks(w, "X", o->status);
  ks(w, "r", x->reject_reason ? x->reject_reason : "NONE");
  ki(w, "i", o->order_id);
  kd(w, "l", x->last_qty, pl->qty);
  kd(w, "z", o->executed_qty, pl->qty);
  kd(w, "L", x->last_price, pl->price);
  if (x->commission_asset) {
    kd(w, "n", x->commission, 8);
    ks(w, "N", x->commission_asset);
  } else {
    ks(w, "n", "0");
    ks(w, "N", NULL);
  }
  ki(w, "T", x->tx_time);
  ki(w, "t", trade ? x->trade_id : -1);
  ki(w, "I", x->exec_id);
  kb(w, "w", o->is_working);
  kb(w, "m", x->maker);
  kb(w, "M", false);
  ki(w, "O", o->time);
  kd(w, "Z", o->cum_quote, pl->quote);
  kd(w, "Y", last_quote, pl->quote);
  kd(w, "Q", o->orig_quote_qty, pl->quote);
  ki(w, "W", o->working_time);
  ks(w, "V", "NONE");
  xc_jw_obj_end(w);
}

void xc__bn_fut_order_update(xc_jw *w, const xc__bn_exec_view *x, const xc__bn_places *pl) {
  const xc__bn_order_view *o = x->o;
  xc_jw_obj_begin(w);
  ks(w, "e", "ORDER_TRADE_UPDATE");
  ki(w, "E", x->event_time);
  ki(w, "T", x->tx_time);
  xc_jw_key(w, "o");
  xc_jw_obj_begin(w);
  ks(w, "s", o->symbol);
  ks(w, "c", o->client_id);
  ks(w, "S", o->side);
  ks(w, "o", o->type);
  ks(w, "f", o->tif);
  kd(w, "q", o->orig_qty, pl->qty);
  kd(w, "p", o->price, pl->price);
  kd(w, "ap", o->avg_price, pl->price);
  kd(w, "sp", o->stop_price, pl->price);
  ks(w, "x", x->exec_type);
  ks(w, "X", o->status);
  ki(w, "i", o->order_id);
  kd(w, "l", x->last_qty, pl->qty);
  kd(w, "z", o->executed_qty, pl->qty);
  kd(w, "L", x->last_price, pl->price);
  if (x->commission_asset) {
    ks(w, "N", x->commission_asset);
    kd(w, "n", x->commission, -1);
  }
  ki(w, "T", x->tx_time);
  ki(w, "t", x->trade_id > 0 ? x->trade_id : 0);
  ks(w, "b", "0");
  ks(w, "a", "0");
  kb(w, "m", x->maker);
  kb(w, "R", o->reduce_only);
  ks(w, "wt", "CONTRACT_PRICE");
  ks(w, "ot", o->type);
  ks(w, "ps", o->position_side ? o->position_side : "BOTH");
  kb(w, "cp", o->close_position);
  kd(w, "rp", x->realized_pnl, -1);
  kb(w, "pP", false);
  ki(w, "si", 0);
  ki(w, "ss", 0);
  ks(w, "V", "EXPIRE_MAKER");
  ks(w, "pm", "NONE");
  ki(w, "gtd", 0);
  xc_jw_obj_end(w);
  xc_jw_obj_end(w);
}

void xc__bn_spot_account_position(xc_jw *w, int64_t event_time, int64_t update_time,
                                  const xc__bn_balance_view *b, int n) {
  xc_jw_obj_begin(w);
  ks(w, "e", "outboundAccountPosition");
  ki(w, "E", event_time);
  ki(w, "u", update_time);
  xc_jw_key(w, "B");
  xc_jw_arr_begin(w);
  for (int i = 0; i < n; i++) {
    xc_jw_obj_begin(w);
    ks(w, "a", b[i].asset);
    kd(w, "f", b[i].free, 8);
    kd(w, "l", b[i].locked, 8);
    xc_jw_obj_end(w);
  }
  xc_jw_arr_end(w);
  xc_jw_obj_end(w);
}

void xc__bn_fut_account_update(xc_jw *w, int64_t event_time, int64_t tx_time, const char *reason,
                               const xc__bn_fut_bal_view *b, int nb, const xc__bn_fut_pos_view *p, int np) {
  xc_jw_obj_begin(w);
  ks(w, "e", "ACCOUNT_UPDATE");
  ki(w, "E", event_time);
  ki(w, "T", tx_time);
  xc_jw_key(w, "a");
  xc_jw_obj_begin(w);
  ks(w, "m", reason);
  xc_jw_key(w, "B");
  xc_jw_arr_begin(w);
  for (int i = 0; i < nb; i++) {
    xc_jw_obj_begin(w);
    ks(w, "a", b[i].asset);
    kd(w, "wb", b[i].wallet, 8);
    kd(w, "cw", b[i].cross_wallet, 8);
    kd(w, "bc", b[i].change, 8);
    xc_jw_obj_end(w);
  }
  xc_jw_arr_end(w);
  xc_jw_key(w, "P");
  xc_jw_arr_begin(w);
  for (int i = 0; i < np; i++) {
    xc_jw_obj_begin(w);
    ks(w, "s", p[i].symbol);
    kd(w, "pa", p[i].amount, -1);
    kd(w, "ep", p[i].entry_price, -1);
    kd(w, "bep", p[i].break_even, -1);
    kd(w, "cr", p[i].realized, -1);
    kd(w, "up", p[i].unrealized, -1);
    ks(w, "mt", "cross");
    ks(w, "iw", "0");
    ks(w, "ps", "BOTH");
    ks(w, "ma", "USDT");
    xc_jw_obj_end(w);
  }
  xc_jw_arr_end(w);
  xc_jw_obj_end(w);
  xc_jw_obj_end(w);
}

static void levels(xc_jw *w, const char *key, const xc__bn_level *l, int n, const xc__bn_places *pl) {
  xc_jw_key(w, key);
  xc_jw_arr_begin(w);
  for (int i = 0; i < n; i++) {
    xc_jw_arr_begin(w);
    xc__bn_num(w, l[i].price, pl->price);
    xc__bn_num(w, l[i].qty, pl->qty);
    xc_jw_arr_end(w);
  }
  xc_jw_arr_end(w);
}

void xc__bn_depth_snapshot(xc_jw *w, int64_t last_update_id, const xc__bn_level *bids, int nb,
                           const xc__bn_level *asks, int na, bool futures, int64_t now_ms,
                           const xc__bn_places *pl) {
  xc_jw_obj_begin(w);
  ki(w, "lastUpdateId", last_update_id);
  if (futures) {
    ki(w, "E", now_ms);
    ki(w, "T", now_ms);
  }
  levels(w, "bids", bids, nb, pl);
  levels(w, "asks", asks, na, pl);
  xc_jw_obj_end(w);
}

void xc__bn_depth_update(xc_jw *w, const char *symbol, int64_t first_id, int64_t last_id, int64_t prev_last_id,
                         const xc__bn_level *bids, int nb, const xc__bn_level *asks, int na, bool futures,
                         int64_t event_time, const xc__bn_places *pl) {
  xc_jw_obj_begin(w);
  ks(w, "e", "depthUpdate");
  ki(w, "E", event_time);
  if (futures) ki(w, "T", event_time);
  ks(w, "s", symbol);
  ki(w, "U", first_id);
  ki(w, "u", last_id);
  if (futures) ki(w, "pu", prev_last_id);
  levels(w, "b", bids, nb, pl);
  levels(w, "a", asks, na, pl);
  xc_jw_obj_end(w);
}

void xc__bn_depth_partial(xc_jw *w, const char *symbol, int64_t first_id, int64_t last_id, int64_t prev_last_id,
                          const xc__bn_level *bids, int nb, const xc__bn_level *asks, int na, bool futures,
                          int64_t event_time, const xc__bn_places *pl) {
  if (futures) {
    xc__bn_depth_update(w, symbol, first_id, last_id, prev_last_id, bids, nb, asks, na, true, event_time, pl);
    return;
  }
  xc_jw_obj_begin(w);
  ki(w, "lastUpdateId", last_id);
  levels(w, "bids", bids, nb, pl);
  levels(w, "asks", asks, na, pl);
  xc_jw_obj_end(w);
}

void xc__bn_trade_rest(xc_jw *w, const xc__bn_trade_view *t, bool futures, const xc__bn_places *pl) {
  xc_dec qq = XC_DEC_ZERO;
  (void)xc_dec_mul(t->price, t->qty, &qq);
  xc_jw_obj_begin(w);
  ki(w, "id", t->id);
  kd(w, "price", t->price, pl->price);
  kd(w, "qty", t->qty, pl->qty);
  kd(w, "quoteQty", qq, -1);
  ki(w, "time", t->time);
  kb(w, "isBuyerMaker", t->buyer_maker);
  if (!futures) kb(w, "isBestMatch", true);
  xc_jw_obj_end(w);
}

void xc__bn_trade_event(xc_jw *w, const char *symbol, const xc__bn_trade_view *t, int64_t event_time,
                        const xc__bn_places *pl) {
  xc_jw_obj_begin(w);
  ks(w, "e", "trade");
  ki(w, "E", event_time);
  ks(w, "s", symbol);
  ki(w, "t", t->id);
  kd(w, "p", t->price, pl->price);
  kd(w, "q", t->qty, pl->qty);
  ki(w, "T", t->time);
  kb(w, "m", t->buyer_maker);
  kb(w, "M", true);
  xc_jw_obj_end(w);
}

void xc__bn_agg_trade_event(xc_jw *w, const char *symbol, const xc__bn_trade_view *t, bool futures,
                            int64_t event_time, const xc__bn_places *pl) {
  xc_jw_obj_begin(w);
  ks(w, "e", "aggTrade");
  ki(w, "E", event_time);
  ks(w, "s", symbol);
  ki(w, "a", t->id);
  kd(w, "p", t->price, pl->price);
  kd(w, "q", t->qty, pl->qty);
  ki(w, "f", t->id);
  ki(w, "l", t->id);
  ki(w, "T", t->time);
  kb(w, "m", t->buyer_maker);
  if (!futures) kb(w, "M", true);
  xc_jw_obj_end(w);
}

static xc_dec change(const xc__bn_ticker_view *t) {
  xc_dec d = XC_DEC_ZERO;
  (void)xc_dec_sub(t->last, t->open, &d);
  return d;
}
static xc_dec change_pct(const xc__bn_ticker_view *t) {
  xc_dec d = change(t), h = XC_DEC_ZERO, r = XC_DEC_ZERO;
  if (xc_dec_is_zero(t->open)) return XC_DEC_ZERO;
  (void)xc_dec_from_i64(100, 0, &h);
  (void)xc_dec_mul(d, h, &d);
  (void)xc_dec_div(d, t->open, 3, XC_ROUND_HALF_EVEN, &r);
  return r;
}
static xc_dec wavg(const xc__bn_ticker_view *t) {
  xc_dec r = t->last;
  if (!xc_dec_is_zero(t->volume)) (void)xc_dec_div(t->quote_volume, t->volume, 8, XC_ROUND_HALF_EVEN, &r);
  return r;
}

void xc__bn_ticker24_rest(xc_jw *w, const xc__bn_ticker_view *t, bool futures, const xc__bn_places *pl) {
  xc_jw_obj_begin(w);
  ks(w, "symbol", t->symbol);
  kd(w, "priceChange", change(t), pl->price);
  kd(w, "priceChangePercent", change_pct(t), 3);
  kd(w, "weightedAvgPrice", wavg(t), pl->price);
  if (!futures) kd(w, "prevClosePrice", t->prev_close, pl->price);
  kd(w, "lastPrice", t->last, pl->price);
  kd(w, "lastQty", t->last_qty, pl->qty);
  if (!futures) {
    kd(w, "bidPrice", t->bid, pl->price);
    kd(w, "bidQty", t->bid_qty, pl->qty);
    kd(w, "askPrice", t->ask, pl->price);
    kd(w, "askQty", t->ask_qty, pl->qty);
  }
  kd(w, "openPrice", t->open, pl->price);
  kd(w, "highPrice", t->high, pl->price);
  kd(w, "lowPrice", t->low, pl->price);
  kd(w, "volume", t->volume, pl->qty);
  kd(w, "quoteVolume", t->quote_volume, pl->quote);
  ki(w, "openTime", t->open_time);
  ki(w, "closeTime", t->close_time);
  ki(w, "firstId", t->first_id);
  ki(w, "lastId", t->last_id);
  ki(w, "count", t->count);
  xc_jw_obj_end(w);
}

void xc__bn_book_ticker_rest(xc_jw *w, const xc__bn_ticker_view *t, bool futures, int64_t now_ms,
                             const xc__bn_places *pl) {
  xc_jw_obj_begin(w);
  ks(w, "symbol", t->symbol);
  kd(w, "bidPrice", t->bid, pl->price);
  kd(w, "bidQty", t->bid_qty, pl->qty);
  kd(w, "askPrice", t->ask, pl->price);
  kd(w, "askQty", t->ask_qty, pl->qty);
  if (futures) ki(w, "time", now_ms);
  xc_jw_obj_end(w);
}

void xc__bn_price_rest(xc_jw *w, const xc__bn_ticker_view *t, bool futures, int64_t now_ms, const xc__bn_places *pl) {
  xc_jw_obj_begin(w);
  ks(w, "symbol", t->symbol);
  kd(w, "price", t->last, pl->price);
  if (futures) ki(w, "time", now_ms);
  xc_jw_obj_end(w);
}

void xc__bn_ticker24_event(xc_jw *w, const xc__bn_ticker_view *t, bool futures, int64_t event_time,
                           const xc__bn_places *pl) {
  xc_jw_obj_begin(w);
  ks(w, "e", "24hrTicker");
  ki(w, "E", event_time);
  ks(w, "s", t->symbol);
  kd(w, "p", change(t), pl->price);
  kd(w, "P", change_pct(t), 3);
  kd(w, "w", wavg(t), pl->price);
  if (!futures) kd(w, "x", t->prev_close, pl->price);
  kd(w, "c", t->last, pl->price);
  kd(w, "Q", t->last_qty, pl->qty);
  if (!futures) {
    kd(w, "b", t->bid, pl->price);
    kd(w, "B", t->bid_qty, pl->qty);
    kd(w, "a", t->ask, pl->price);
    kd(w, "A", t->ask_qty, pl->qty);
  }
  kd(w, "o", t->open, pl->price);
  kd(w, "h", t->high, pl->price);
  kd(w, "l", t->low, pl->price);
  kd(w, "v", t->volume, pl->qty);
  kd(w, "q", t->quote_volume, pl->quote);
  ki(w, "O", t->open_time);
  ki(w, "C", t->close_time);
  ki(w, "F", t->first_id);
  ki(w, "L", t->last_id);
  ki(w, "n", t->count);
  xc_jw_obj_end(w);
}

void xc__bn_book_ticker_event(xc_jw *w, const xc__bn_ticker_view *t, bool futures, int64_t event_time,
                              const xc__bn_places *pl) {
  xc_jw_obj_begin(w);
  if (futures) {
    ks(w, "e", "bookTicker");
    ki(w, "u", t->book_update_id);
    ki(w, "E", event_time);
    ki(w, "T", event_time);
  } else {
    ki(w, "u", t->book_update_id);
  }
  ks(w, "s", t->symbol);
  kd(w, "b", t->bid, pl->price);
  kd(w, "B", t->bid_qty, pl->qty);
  kd(w, "a", t->ask, pl->price);
  kd(w, "A", t->ask_qty, pl->qty);
  xc_jw_obj_end(w);
}
