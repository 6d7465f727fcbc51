/* Binance user data: spot events over WebSocket API subscriptions ({"subscriptionId","event"}:
 * executionReport, outboundAccountPosition, balanceUpdate, eventStreamTerminated) and futures
 * events on listenKey streams (ORDER_TRADE_UPDATE, ACCOUNT_UPDATE, listenKeyExpired). Balance and
 * position changes are batched per engine action and flushed at XC__SIM_EV_BATCH_END. */
#include <stdio.h>
#include <string.h>

#include "sim/binance_int.h"

void xc__bn_fut_user_add(xc__bn_state *st, xc__sim_ws *ws) {
  for (int i = 0; i < st->nfut_user; i++)
    if (st->fut_user[i] == ws) return;
  if (st->nfut_user < XC__BN_MAX_FUT_USER) st->fut_user[st->nfut_user++] = ws;
}

void xc__bn_fut_user_remove(xc__bn_state *st, xc__sim_ws *ws) {
  for (int i = 0; i < st->nfut_user; i++)
    if (st->fut_user[i] == ws) {
      st->fut_user[i] = st->fut_user[--st->nfut_user];
      return;
    }
}

static bool spot_acct(const xc__sim_acct *a) { return a && !xc__sim_acct_is_margin(a); }

/* Sends an already formatted event (st->out) to every spot subscription of acct. */
static void send_spot(xc__bn_state *st, const xc__sim_acct *acct) {
  for (int i = 0; i < st->nsubs; i++) {
    xc__bn_wsapi_sub *s = &st->subs[i];
    if (s->acct != acct) continue;
    xc_buf_reset(&st->out2);
    xc_buf_printf(&st->out2, "{\"subscriptionId\":%lld,\"event\":", (long long)s->sub_id);
    xc_buf_append(&st->out2, st->out.data, st->out.len);
    xc_buf_putc(&st->out2, '}');
    xc__sim_ws_send_private(s->ws, st->out2.data, st->out2.len);
  }
}

static bool spot_listeners(const xc__bn_state *st, const xc__sim_acct *acct) {
  for (int i = 0; i < st->nsubs; i++)
    if (st->subs[i].acct == acct) return true;
  return false;
}

static bool fut_alive(const xc__bn_state *st) { return st->listen_key[0] && st->nfut_user > 0; }

static void send_fut(xc__bn_state *st, const char *etype) {
  for (int i = 0; i < st->nfut_user; i++)
    if (xc__bn_fut_user_wants(st->fut_user[i], etype))
      xc__sim_ws_send_private(st->fut_user[i], st->out.data, st->out.len);
}

static const char *exec_name(xc__sim_exec x) {
  switch (x) {
    case XC__SIM_EXEC_NEW: return "NEW";
    case XC__SIM_EXEC_TRADE: return "TRADE";
    case XC__SIM_EXEC_CANCELED: return "CANCELED";
    case XC__SIM_EXEC_EXPIRED: return "EXPIRED";
    default: return "REJECTED";
  }
}

static void on_order(xc__bn_state *st, const xc__sim_event *ev) {
  const xc__sim_order *o = ev->u.order.order;
  bool fut = !spot_acct(ev->acct);
  /* spot unfilled order count: an order's first fill takes it off the ORDERS windows */
  if (!fut && ev->u.order.fill && xc_dec_eq(o->filled_qty, ev->u.order.fill->qty))
    xc__bn_limits_order_filled(&st->lim[XC__BN_SPOT], ev->time_ms);
  if (fut ? !fut_alive(st) : !spot_listeners(st, ev->acct)) return;
  xc__bn_order_view v;
  xc__bn_order_view_of(o, &v, fut);
  xc__bn_exec_view x;
  memset(&x, 0, sizeof x);
  x.o = &v;
  x.exec_type = exec_name(ev->u.order.exec);
  x.trade_id = fut ? 0 : -1;
  x.exec_id = ++st->exec_id;
  x.event_time = ev->time_ms;
  x.tx_time = o->update_ms;
  const xc__sim_fill *f = ev->u.order.fill;
  if (f) {
    x.last_qty = f->qty;
    x.last_price = f->price;
    x.commission = f->fee;
    x.commission_asset = f->fee_asset;
    x.trade_id = (int64_t)f->trade_id;
    x.maker = f->maker;
    x.realized_pnl = f->realized_pnl;
    x.tx_time = f->time_ms;
  }
  if (ev->u.order.exec == XC__SIM_EXEC_CANCELED && st->cancel_clid && !fut) {
    v.orig_client_id = o->client_id;
    v.client_id = st->cancel_clid;
  }
  xc__bn_places pl = xc__bn_places_of(o->mkt);
  xc_buf_reset(&st->out);
  xc_jw w;
  xc_jw_init(&w, &st->out);
  if (fut) xc__bn_fut_order_update(&w, &x, &pl);
  else xc__bn_spot_exec_report(&w, &x, &pl);
  if (xc_jw_finish(&w) != XC_OK) return;
  if (fut && f) st->fut_fill_in_batch = true;
  if (fut) send_fut(st, "ORDER_TRADE_UPDATE");
  else send_spot(st, ev->acct);
}

static void on_balance(xc__bn_state *st, const xc__sim_event *ev) {
  if (spot_acct(ev->acct)) {
    st->spot_bal_dirty = true;
    st->spot_acct_ev = ev->acct;
    for (int i = 0; i < ev->u.balance.n; i++) {
      const char *a = ev->u.balance.items[i].asset;
      bool seen = false;
      for (int k = 0; k < st->nspot_assets; k++)
        if (!strcmp(st->spot_assets[k], a)) seen = true;
      if (!seen && st->nspot_assets < 16) snprintf(st->spot_assets[st->nspot_assets++], 12, "%s", a);
      if (ev->u.balance.reason == XC__SIM_BAL_DEPOSIT && spot_listeners(st, ev->acct)) {
        /* balanceUpdate goes out at once, the position snapshot at the end of the action */
        xc_buf_reset(&st->out);
        xc_jw w;
        xc_jw_init(&w, &st->out);
        xc_jw_obj_begin(&w);
        xc_jw_key(&w, "e"); xc_jw_str(&w, "balanceUpdate");
        xc_jw_key(&w, "E"); xc_jw_i64(&w, ev->time_ms);
        xc_jw_key(&w, "a"); xc_jw_str(&w, a);
        xc_jw_key(&w, "d"); xc__bn_num(&w, ev->u.balance.deltas[i], 8);
        xc_jw_key(&w, "T"); xc_jw_i64(&w, ev->time_ms);
        xc_jw_obj_end(&w);
        if (xc_jw_finish(&w) == XC_OK) send_spot(st, ev->acct);
      }
    }
  } else {
    st->fut_acct_dirty = true;
    st->fut_acct_ev = ev->acct;
    if (ev->u.balance.reason == XC__SIM_BAL_DEPOSIT) st->deposit_pending = true;
  }
}

static void flush(xc__bn_state *st, int64_t now) {
  if (st->spot_bal_dirty) {
    st->spot_bal_dirty = false;
    if (spot_listeners(st, st->spot_acct_ev)) {
      xc__bn_balance_view b[16];
      xc__sim_balance sb[16];
      for (int i = 0; i < st->nspot_assets; i++) {
        xc__sim_acct_balance(st->spot_acct_ev, st->spot_assets[i], &sb[i]);
        b[i].asset = st->spot_assets[i];
        b[i].free = sb[i].free;
        b[i].locked = sb[i].locked;
      }
      xc_buf_reset(&st->out);
      xc_jw w;
      xc_jw_init(&w, &st->out);
      xc__bn_spot_account_position(&w, now, now, b, st->nspot_assets);
      if (xc_jw_finish(&w) == XC_OK) send_spot(st, st->spot_acct_ev);
    }
    st->nspot_assets = 0;
  }
  bool any_pos = false;
  for (int i = 0; i < st->nmkts; i++) any_pos |= st->fut_pos_dirty[i];
  /* ACCOUNT_UPDATE only for balance changes and fills: not for mark-price moves of an open
   * position, nor for placing or canceling an order (binance.md 9.4) */
  bool send = st->deposit_pending || st->fut_fill_in_batch;
  if ((st->fut_acct_dirty || any_pos) && st->fut_acct_ev) {
    if (send && fut_alive(st)) {
      xc__sim_margin mg;
      xc__sim_acct_margin(st->fut_acct_ev, "USDT", &mg);
      xc__bn_fut_bal_view bv = {"USDT", mg.wallet, mg.wallet, XC_DEC_ZERO, mg.available, mg.unrealized_pnl};
      xc__bn_fut_pos_view pv[XC__BN_MAX_MKTS];
      int np = 0;
      for (int i = 0; i < st->nmkts; i++) {
        if (!st->fut_pos_dirty[i]) continue;
        xc__sim_position p;
        xc__sim_acct_position(st->fut_acct_ev, st->mk[i].m, &p);
        pv[np] = (xc__bn_fut_pos_view){xc__sim_mkt_instr(st->mk[i].m)->symbol, p.qty, p.entry_price, p.entry_price,
                                       p.realized_pnl, p.unrealized_pnl, p.mark_price, p.notional, p.leverage,
                                       p.update_ms};
        np++;
      }
      xc_buf_reset(&st->out);
      xc_jw w;
      xc_jw_init(&w, &st->out);
      xc__bn_fut_account_update(&w, now, now, st->deposit_pending ? "DEPOSIT" : "ORDER", &bv, 1, pv, np);
      if (xc_jw_finish(&w) == XC_OK) send_fut(st, "ACCOUNT_UPDATE");
    }
    st->fut_acct_dirty = false;
    st->deposit_pending = false;
    st->fut_fill_in_batch = false;
    memset(st->fut_pos_dirty, 0, sizeof st->fut_pos_dirty);
  }
}

void xc__bn_user_on_event(xc__bn_state *st, const xc__sim_event *ev) {
  switch (ev->kind) {
    case XC__SIM_EV_ORDER: on_order(st, ev); break;
    case XC__SIM_EV_BALANCE: on_balance(st, ev); break;
    case XC__SIM_EV_POSITION: {
      for (int i = 0; i < st->nmkts; i++)
        if (st->mk[i].m == ev->mkt) st->fut_pos_dirty[i] = true;
      st->fut_acct_ev = ev->acct;
      break;
    }
    case XC__SIM_EV_BATCH_END: flush(st, ev->time_ms); break;
    default: break;
  }
}

void xc__bn_user_terminate(xc__bn_state *st) {
  int64_t now = xc__sim_now_ms(st->sim);
  for (int i = 0; i < st->nsubs; i++) {
    char msg[160];
    int n = snprintf(msg, sizeof msg, "{\"subscriptionId\":%lld,\"event\":{\"e\":\"eventStreamTerminated\",\"E\":%lld}}",
                     (long long)st->subs[i].sub_id, (long long)now);
    xc__sim_ws_send(st->subs[i].ws, msg, (size_t)n);
  }
  st->nsubs = 0;
}

void xc__bn_user_expire_key(xc__bn_state *st) {
  if (st->listen_key[0]) {
    int64_t now = xc__sim_now_ms(st->sim);
    char msg[200];
    int n = snprintf(msg, sizeof msg, "{\"e\":\"listenKeyExpired\",\"E\":\"%lld\",\"listenKey\":\"%s\"}", (long long)now,
                     st->listen_key);
    for (int i = 0; i < st->nfut_user; i++) xc__sim_ws_send(st->fut_user[i], msg, (size_t)n);
  }
  st->listen_key[0] = 0;
  st->listen_key_expiry_ms = 0;
  st->nfut_user = 0; /* those streams stay open but receive nothing more */
}
