/* Binance front end: attach, shared helpers, engine event dispatch. */
#include <stdlib.h>
#include <string.h>

#include "sim/binance.h"
#include "sim/binance_int.h"

xc__bn_places xc__bn_places_of(const xc__sim_mkt *m) {
  const xc__sim_instr *in = xc__sim_mkt_instr(m);
  if (in->kind == XC_SIM_SPOT) return (xc__bn_places){8, 8, 8};
  return (xc__bn_places){in->price_places, in->qty_places, -1};
}

void xc__bn_rules_of(const xc__sim_mkt *m, xc__bn_rules *r) {
  const xc__sim_instr *in = xc__sim_mkt_instr(m);
  xc__bn_rules_init(r, xc_dec_is_zero(in->rule_tick) ? in->tick : in->rule_tick, in->step, in->min_notional);
  if (xc_dec_cmp(in->min_price, r->min_price) > 0) r->min_price = in->min_price;
  r->max_price = in->max_price;
  r->min_qty = in->min_qty;
  r->max_qty = in->max_qty;
  r->mkt_min_qty = in->min_qty;
  r->mkt_max_qty = xc_dec_is_zero(in->market_max_qty) ? in->max_qty : in->market_max_qty;
  r->mkt_step = in->step;
  if (!xc_dec_is_zero(in->max_notional)) r->max_notional = in->max_notional;
  r->base_prec = in->base_places > 0 ? in->base_places : 8;
  r->quote_prec = in->quote_places > 0 ? in->quote_places : 8;
  r->price_prec = in->price_places;
  r->qty_prec = in->qty_places;
}

static const char *status_str(xc__sim_ostatus s) {
  switch (s) {
    case XC__SIM_OS_NEW: return "NEW";
    case XC__SIM_OS_PARTIALLY_FILLED: return "PARTIALLY_FILLED";
    case XC__SIM_OS_FILLED: return "FILLED";
    case XC__SIM_OS_CANCELED: return "CANCELED";
    case XC__SIM_OS_EXPIRED: return "EXPIRED";
    default: return "REJECTED";
  }
}

void xc__bn_order_view_of(const xc__sim_order *o, xc__bn_order_view *v, bool futures) {
  memset(v, 0, sizeof *v);
  v->symbol = xc__sim_mkt_instr(o->mkt)->symbol;
  v->order_id = (int64_t)o->id;
  v->client_id = o->client_id;
  v->side = o->side == XC__SIM_BUY ? "BUY" : "SELL";
  if (o->type == XC__SIM_MARKET) {
    v->type = "MARKET";
    v->tif = "GTC";
  } else if (o->tif == XC__SIM_POST_ONLY) {
    v->type = futures ? "LIMIT" : "LIMIT_MAKER";
    v->tif = "GTX";
    if (!futures) v->tif = "GTC";
  } else {
    v->type = "LIMIT";
    v->tif = o->tif == XC__SIM_IOC ? "IOC" : o->tif == XC__SIM_FOK ? "FOK" : "GTC";
  }
  v->status = status_str(o->status);
  v->price = o->type == XC__SIM_MARKET ? XC_DEC_ZERO : o->price;
  v->orig_qty = o->qty;
  v->executed_qty = o->filled_qty;
  v->cum_quote = o->filled_quote;
  v->orig_quote_qty = o->quote_qty;
  v->stop_price = XC_DEC_ZERO;
  v->avg_price = o->avg_price;
  v->time = o->create_ms;
  v->update_time = o->update_ms;
  v->transact_time = o->update_ms;
  v->working_time = o->create_ms;
  v->is_working = o->type == XC__SIM_LIMIT &&
                  (o->status == XC__SIM_OS_NEW || o->status == XC__SIM_OS_PARTIALLY_FILLED);
  v->reduce_only = o->reduce_only;
  v->position_side = "BOTH";
}

xc__bn_mkt_state *xc__bn_mkt_state_of(xc__bn_state *st, const xc__sim_mkt *m) {
  if (!m) return NULL;
  for (int i = 0; i < st->nmkts; i++)
    if (st->mk[i].m == m) return &st->mk[i];
  return NULL;
}

bool xc__bn_conn_ok(xc__bn_state *st, int k) {
  xc__sim_window *w = &st->conn_win[k];
  w->span_ms = 300000;
  return xc__sim_window_add(w, xc__sim_now_ms(st->sim), 1) <= xc__sim_limit(st->sim, 300);
}

static void on_event(xc_sim *sim, const xc__sim_event *ev, void *state) {
  (void)sim;
  xc__bn_state *st = state;
  if (ev->mkt && xc__sim_mkt_instr(ev->mkt)->venue != XC_SIM_BINANCE) return;
  if (ev->acct && xc__sim_acct_venue(ev->acct) != XC_SIM_BINANCE) return;
  xc__bn_ws_on_event(st, ev);
  xc__bn_user_on_event(st, ev);
}

static xc_status on_fault(xc_sim *sim, const xc__sim_fault *f, void *state) {
  (void)sim;
  return xc__bn_ws_fault(state, f);
}

static void destroy(xc_sim *sim, void *state) {
  (void)sim;
  xc__bn_state *st = state;
  xc__bn_ws_destroy(st);
  xc_buf_free(&st->out);
  xc_buf_free(&st->out2);
  free(st->rest_ctx);
  free(st->wsapi_ctx);
  xc_json_free(&st->json);
  xc_buf_free(&st->reply);
  xc_buf_free(&st->err);
  free(st->res);
  free(st->lv);
  free(st->bl);
  free(st->tr);
  free(st->fills);
  free(st->forders);
  free(st);
}

static const xc__sim_fe k_fe = {"binance", XC_SIM_BINANCE, on_event, on_fault, destroy};

xc_status xc__sim_binance_attach(xc_sim *sim) {
  xc__bn_state *st = calloc(1, sizeof *st);
  if (!st) return XC_ENOMEM;
  st->sim = sim;
  const xc_sim_opts *o = xc__sim_opts(sim);
  st->lim_pct = o->rate_limit_pct ? o->rate_limit_pct : 100;
  xc__bn_limits_init(&st->lim[XC__BN_SPOT], false, st->lim_pct);
  xc__bn_limits_init(&st->lim[XC__BN_FUT], true, st->lim_pct);
  xc_buf_init(&st->out);
  xc_buf_init(&st->out2);
  xc_buf_init(&st->reply);
  xc_buf_init(&st->err);
  xc_json_init(&st->json);
  st->res = calloc(1, sizeof *st->res);
  st->lv = calloc(2 * XC__BN_MAX_DEPTH, sizeof *st->lv);
  st->bl = calloc(2 * XC__BN_MAX_DEPTH, sizeof *st->bl);
  st->tr = calloc(1000, sizeof *st->tr);
  st->fills = calloc(1000, sizeof *st->fills);
  st->forders = calloc(1000, sizeof *st->forders);
  if (!st->res || !st->lv || !st->bl || !st->tr || !st->fills || !st->forders) {
    destroy(sim, st);
    return XC_ENOMEM;
  }
  int n = xc__sim_mkt_count(sim);
  for (int i = 0; i < n && st->nmkts < XC__BN_MAX_MKTS; i++) {
    xc__sim_mkt *m = xc__sim_mkt_at(sim, i);
    const xc__sim_instr *in = xc__sim_mkt_instr(m);
    if (in->venue != XC_SIM_BINANCE) continue;
    xc__bn_mkt_state *ms = &st->mk[st->nmkts++];
    ms->m = m;
    size_t k = 0;
    for (; in->symbol[k] && k < sizeof ms->lsym - 1; k++)
      ms->lsym[k] = (char)(in->symbol[k] >= 'A' && in->symbol[k] <= 'Z' ? in->symbol[k] + 32 : in->symbol[k]);
    ms->lsym[k] = 0;
  }
  xc_status s = xc__sim_fe_add(sim, &k_fe, st);
  if (s != XC_OK) {
    destroy(sim, st);
    return s;
  }
  /* from here st is owned by the core (destroy frees it) */
  if ((s = xc__bn_rest_attach(st)) != XC_OK) return s;
  if ((s = xc__bn_ws_attach(st)) != XC_OK) return s;
  return xc__bn_wsapi_attach(st);
}
