/* Bybit v5 WebSockets: public /v5/public/spot and /v5/public/linear (orderbook.{1,50,200,1000},
 * publicTrade, tickers), private /v5/private (auth, order, execution, execution.fast, position,
 * wallet) and order entry /v5/trade (auth, order.create, order.cancel).
 * See docs/internals/sim_bybit.md and ../shared/protocols/bybit.md 3, 5, 9-11. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/bybit_int.h"


/* ---- tickers -------------------------------------------------------------------------------- */

const char *const xc__by_ticker_keys[2][XC__BY_NTICK] = {
    {"symbol", "lastPrice", "highPrice24h", "lowPrice24h", "prevPrice24h", "volume24h", "turnover24h",
     "price24hPcnt", "usdIndexPrice", NULL},
    {"symbol", "tickDirection", "price24hPcnt", "lastPrice", "prevPrice24h", "highPrice24h", "lowPrice24h",
     "prevPrice1h", "markPrice", "indexPrice", "openInterest", "openInterestValue", "turnover24h",
     "volume24h", "nextFundingTime", "fundingRate", "bid1Price", "bid1Size", "ask1Price", "ask1Size",
     "deliveryTime", "basisRate", "deliveryFeeRate", "predictedDeliveryPrice"}};

static void fx(char *out, xc_dec d, int places) {
  if (xc_dec_to_str_fixed(d, places, XC_ROUND_HALF_EVEN, out, 48) < 0) xc_dec_to_str(d, out, 48);
}
static void cx(char *out, xc_dec d) {
  char b[XC_DEC_STR_MAX];
  xc_dec_to_str(d, b, sizeof b);
  snprintf(out, 48, "%.47s", b);
}

void xc__by_ticker_values(xc__by_state *st, xc__by_mkt *bm, xc__by_ticker *t) {
  memset(t, 0, sizeof *t);
  const xc__sim_instr *in = xc__sim_mkt_instr(bm->m);
  xc__sim_stats24 s;
  xc__sim_mkt_stats(bm->m, &s);
  xc_dec last = xc_dec_is_zero(s.last) ? in->init_price : s.last;
  xc_dec open = xc_dec_is_zero(s.open) ? last : s.open;
  xc_dec high = xc_dec_is_zero(s.high) ? last : s.high;
  xc_dec low = xc_dec_is_zero(s.low) ? last : s.low;
  xc_dec pct = XC_DEC_ZERO, diff;
  if (xc_dec_sign(open) > 0 && !xc_dec_sub(last, open, &diff) &&
      xc_dec_div(diff, open, 4, XC_ROUND_HALF_EVEN, &pct))
    pct = XC_DEC_ZERO;
  int p = in->price_places;
  char (*v)[48] = t->val;
  if (!bm->linear) {
    snprintf(v[0], 48, "%s", bm->sym);
    fx(v[1], last, p);
    fx(v[2], high, p);
    fx(v[3], low, p);
    fx(v[4], open, p);
    cx(v[5], s.volume);
    cx(v[6], s.quote_volume);
    fx(v[7], pct, 4);
    fx(v[8], xc__sim_mark_price(bm->m), p);
  } else {
    static const char *const dirs[] = {"PlusTick", "ZeroPlusTick", "MinusTick", "ZeroMinusTick"};
    xc_dec mark = xc__sim_mark_price(bm->m);
    snprintf(v[0], 48, "%s", bm->sym);
    snprintf(v[1], 48, "%s", dirs[bm->tick_dir & 3]);
    fx(v[2], pct, 6);
    fx(v[3], last, p);
    fx(v[4], open, p);
    fx(v[5], high, p);
    fx(v[6], low, p);
    fx(v[7], open, p);
    fx(v[8], mark, p);
    fx(v[9], mark, p);
    snprintf(v[10], 48, "0");
    snprintf(v[11], 48, "0");
    cx(v[12], s.quote_volume);
    cx(v[13], s.volume);
    int64_t now = xc__sim_now_ms(st->sim), h8 = 8 * 3600 * 1000;
    snprintf(v[14], 48, "%lld", (long long)((now / h8 + 1) * h8));
    snprintf(v[15], 48, "0.0001");
    xc__sim_level b, a;
    if (xc__sim_book_best(bm->m, XC__SIM_BUY, &b)) fx(v[16], b.price, p), fx(v[17], b.qty, in->qty_places);
    if (xc__sim_book_best(bm->m, XC__SIM_SELL, &a)) fx(v[18], a.price, p), fx(v[19], a.qty, in->qty_places);
    /* 20..23: futures-only fields, "" for perpetuals */
  }
  t->primed = true;
}

/* ---- helpers -------------------------------------------------------------------------------- */

static void topic_name(char *out, size_t cap, bool linear, const char *t) {
  snprintf(out, cap, "by:%c:%.60s", linear ? 'l' : 's', t);
}

static void publish(xc__by_state *st, const char *topic, const xc_buf *b) {
  const char *msgs[1] = {b->data};
  size_t lens[1] = {b->len};
  xc__sim_topic_publish(st->sim, topic, msgs, lens, 1);
}

/* ---- order books ---------------------------------------------------------------------------- */

static int cmp_px(xc_dec a, xc_dec b, bool desc) {
  int c = xc_dec_cmp(a, b);
  return desc ? -c : c;
}

/* Changed levels between old and cur (both best first), best first, into out. */
static int diff_side(const xc__sim_level *old, int no, const xc__sim_level *cur, int nc, bool desc,
                     xc__sim_level *out) {
  int i = 0, j = 0, n = 0;
  while (i < no || j < nc) {
    int c = i >= no ? 1 : j >= nc ? -1 : cmp_px(old[i].price, cur[j].price, desc);
    if (c < 0) {
      out[n].price = old[i].price;
      out[n].qty = XC_DEC_ZERO;
      n++;
      i++;
    } else if (c > 0) {
      out[n++] = cur[j++];
    } else {
      if (!xc_dec_eq(old[i].qty, cur[j].qty)) out[n++] = cur[j];
      i++;
      j++;
    }
  }
  return n;
}

static void write_lv(xc_jw *w, const char *key, const xc__sim_level *lv, int n, const xc__sim_instr *in) {
  xc_jw_key(w, key);
  xc_jw_arr_begin(w);
  for (int i = 0; i < n; i++) {
    char p[XC_DEC_STR_FIXED_MAX], q[XC_DEC_STR_FIXED_MAX];
    xc_dec_to_str_fixed(lv[i].price, in->price_places, XC_ROUND_HALF_EVEN, p, sizeof p);
    xc_dec_to_str_fixed(lv[i].qty, in->qty_places, XC_ROUND_HALF_EVEN, q, sizeof q);
    xc_jw_arr_begin(w);
    xc_jw_str(w, p);
    xc_jw_str(w, q);
    xc_jw_arr_end(w);
  }
  xc_jw_arr_end(w);
}

static void book_msg(xc__by_state *st, xc__by_mkt *bm, xc__by_book_stream *bs, bool snapshot,
                     const xc__sim_level *b, int nb, const xc__sim_level *a, int na, xc_buf *out) {
  const xc__sim_instr *in = xc__sim_mkt_instr(bm->m);
  int64_t now = xc__sim_now_ms(st->sim);
  char topic[64];
  snprintf(topic, sizeof topic, "orderbook.%d.%s", bs->depth, bm->sym);
  xc_buf_reset(out);
  xc_jw w;
  xc_jw_init(&w, out);
  xc_jw_obj_begin(&w);
  xc_jw_kv_str(&w, "topic", topic);
  bool ts_first = !bm->linear || bs->depth == 1; /* key order differs per stream (bybit.md 9) */
  if (ts_first) xc_jw_kv_i64(&w, "ts", now);
  xc_jw_kv_str(&w, "type", snapshot ? "snapshot" : "delta");
  if (!ts_first) xc_jw_kv_i64(&w, "ts", now);
  xc_jw_key(&w, "data");
  xc_jw_obj_begin(&w);
  xc_jw_kv_str(&w, "s", bm->sym);
  write_lv(&w, "b", b, nb, in);
  write_lv(&w, "a", a, na, in);
  xc_jw_kv_u64(&w, "u", bs->u);
  xc_jw_kv_u64(&w, "seq", bs->seq);
  xc_jw_obj_end(&w);
  xc_jw_kv_i64(&w, "cts", now);
  xc_jw_obj_end(&w);
  xc_jw_finish(&w);
}

/* Recomputes the stream's view; when it changed, advances u and (send) publishes the delta
 * (depth 1: a snapshot). Returns true when it changed. */
static bool book_update(xc__by_state *st, xc__by_mkt *bm, int d, bool send) {
  xc__by_book_stream *bs = &bm->bs[d];
  xc__sim_level *cb = st->lv, *ca = st->lv + 1000;
  int nb = xc__sim_book_levels(bm->m, XC__SIM_BUY, cb, bs->depth);
  int na = xc__sim_book_levels(bm->m, XC__SIM_SELL, ca, bs->depth);
  xc__sim_level *db = st->dv, *da = st->dv + 2000;
  int ndb = diff_side(bs->bids, bs->nb, cb, nb, true, db);
  int nda = diff_side(bs->asks, bs->na, ca, na, false, da);
  bool changed = ndb || nda || !bs->primed;
  memcpy(bs->bids, cb, (size_t)nb * sizeof *cb);
  memcpy(bs->asks, ca, (size_t)na * sizeof *ca);
  bs->nb = nb;
  bs->na = na;
  if (!changed) return false;
  bs->primed = true;
  bs->u += 1;
  if (bs->gap && bs->depth > 1) {
    bs->u += 1; /* gap fault: one update id never sent */
    bs->gap = false;
  }
  bs->seq = xc__sim_book_update_id(bm->m);
  if (!send) return true;
  char topic[80], t[64];
  snprintf(t, sizeof t, "orderbook.%d.%s", bs->depth, bm->sym);
  topic_name(topic, sizeof topic, bm->linear, t);
  if (!xc__sim_topic_mask(st->sim, topic)) return true;
  if (bs->depth == 1)
    book_msg(st, bm, bs, true, bs->bids, bs->nb, bs->asks, bs->na, &st->out);
  else
    book_msg(st, bm, bs, false, db, ndb, da, nda, &st->out);
  publish(st, topic, &st->out);
  bs->last_send_ms = xc__sim_now_ms(st->sim);
  return true;
}

xc__by_book_stream *xc__by_book_refresh(xc__by_state *st, xc__by_mkt *bm, int depth_idx) {
  book_update(st, bm, depth_idx, true);
  return &bm->bs[depth_idx];
}

/* ---- ticks ---------------------------------------------------------------------------------- */

static void ticker_update(xc__by_state *st, xc__by_mkt *bm, bool send) {
  char topic[80], tn[64];
  snprintf(tn, sizeof tn, "tickers.%s", bm->sym);
  topic_name(topic, sizeof topic, bm->linear, tn);
  if (send && !xc__sim_topic_mask(st->sim, topic)) {
    bm->tk.primed = false; /* nobody listens: the next subscriber starts from a snapshot */
    return;
  }
  xc__by_ticker t;
  xc__by_ticker_values(st, bm, &t);
  bool changed = false;
  bool diff[XC__BY_NTICK] = {0};
  for (int f = 0; f < XC__BY_NTICK && xc__by_ticker_keys[bm->linear][f]; f++) {
    diff[f] = !bm->tk.primed || strcmp(t.val[f], bm->tk.val[f]) != 0;
    changed |= diff[f];
  }
  bool was_primed = bm->tk.primed;
  bm->tk = t;
  if (!send || !changed || !xc__sim_topic_mask(st->sim, topic)) return;
  bool snapshot = !bm->linear || !was_primed;
  xc_buf_reset(&st->out);
  xc_jw w;
  xc_jw_init(&w, &st->out);
  xc_jw_obj_begin(&w);
  xc_jw_kv_str(&w, "topic", tn);
  xc_jw_kv_str(&w, "type", snapshot ? "snapshot" : "delta");
  xc_jw_key(&w, "data");
  xc_jw_obj_begin(&w);
  for (int f = 0; f < XC__BY_NTICK && xc__by_ticker_keys[bm->linear][f]; f++)
    if (snapshot || diff[f] || f == 0) xc_jw_kv_str(&w, xc__by_ticker_keys[bm->linear][f], t.val[f]);
  xc_jw_obj_end(&w);
  xc_jw_kv_u64(&w, "cs", xc__sim_book_update_id(bm->m));
  xc_jw_kv_i64(&w, "ts", xc__sim_now_ms(st->sim));
  xc_jw_obj_end(&w);
  xc_jw_finish(&w);
  publish(st, topic, &st->out);
}

static void idle_check(xc__sim_ws *ws, void *user) {
  xc__by_state *st = user;
  xc__by_sess *s = xc__sim_ws_data(ws);
  if (!s || (s->kind != XC__BY_WS_PRIVATE && s->kind != XC__BY_WS_TRADE)) return;
  if (xc__sim_mono_ms(st->sim) - s->last_rx_ms > s->max_idle_ms) xc__sim_ws_close(ws, 1000, "idle timeout");
}

void xc__by_ws_tick(xc__by_state *st) {
  int64_t now = xc__sim_now_ms(st->sim);
  for (int i = 0; i < st->nmkts; i++) {
    xc__by_mkt *bm = &st->mk[i];
    bool any = false;
    bool subd[XC__BY_NDEPTH];
    for (int d = 0; d < XC__BY_NDEPTH; d++) {
      char topic[80], t[64];
      snprintf(t, sizeof t, "orderbook.%d.%s", bm->bs[d].depth, bm->sym);
      topic_name(topic, sizeof topic, bm->linear, t);
      subd[d] = xc__sim_topic_mask(st->sim, topic) != 0;
      any |= subd[d];
    }
    /* the core's book-gap fault is observed through a depth batcher, kept only while some
     * orderbook stream of the market has subscribers (its flush costs a sort per tick) */
    if (any && !bm->gapb) bm->gapb = xc__sim_depth_batch_new(bm->m, 1);
    if (!any && bm->gapb) {
      xc__sim_depth_batch_free(bm->gapb);
      bm->gapb = NULL;
    }
    xc__sim_depth_diff dd;
    if (bm->gapb && xc__sim_depth_batch_flush(bm->gapb, &dd) && dd.dropped)
      for (int d = 1; d < XC__BY_NDEPTH; d++) bm->bs[d].gap = true;
    for (int d = 0; any && d < XC__BY_NDEPTH; d++) {
      uint64_t every = (uint64_t)xc__by_depth_ms[d] * st->cadence_pct / 1000;
      if (every < 1) every = 1;
      if (st->ticks % every || !subd[d]) continue;
      char topic[80], t[64];
      snprintf(t, sizeof t, "orderbook.%d.%s", bm->bs[d].depth, bm->sym);
      topic_name(topic, sizeof topic, bm->linear, t);
      bool changed = book_update(st, bm, d, true);
      if (!changed && d == 0 && now - bm->bs[0].last_send_ms >= 3000) {
        /* depth 1: the same snapshot again with the same u after 3 s without change */
        book_msg(st, bm, &bm->bs[0], true, bm->bs[0].bids, bm->bs[0].nb, bm->bs[0].asks, bm->bs[0].na, &st->out);
        publish(st, topic, &st->out);
        bm->bs[0].last_send_ms = now;
      }
    }
    uint64_t tk_every = (uint64_t)(bm->linear ? 100 : 50) * st->cadence_pct / 1000;
    if (st->ticks % (tk_every ? tk_every : 1) == 0) ticker_update(st, bm, true);
  }
  if (st->ticks % 100 == 0) xc__sim_ws_each(st->sim, XC_SIM_EP_BYBIT_WS, idle_check, st);
}

/* ---- public trades -------------------------------------------------------------------------- */

static void on_trade(xc__by_state *st, xc__by_mkt *bm, const xc__sim_trade *t) {
  int c = bm->prev_trade_px.coef || bm->prev_trade_px.exp ? xc_dec_cmp(t->price, bm->prev_trade_px) : 1;
  if (c > 0) bm->tick_dir = 0;
  else if (c < 0) bm->tick_dir = 2;
  else bm->tick_dir = bm->tick_dir == 0 || bm->tick_dir == 1 ? 1 : 3;
  bm->prev_trade_px = t->price;
  char topic[80], tn[64];
  snprintf(tn, sizeof tn, "publicTrade.%s", bm->sym);
  topic_name(topic, sizeof topic, bm->linear, tn);
  if (!xc__sim_topic_mask(st->sim, topic)) return;
  static const char *const dirs[] = {"PlusTick", "ZeroPlusTick", "MinusTick", "ZeroMinusTick"};
  const xc__sim_instr *in = xc__sim_mkt_instr(bm->m);
  char id[48];
  xc__by_trade_id(bm->linear, (uint64_t)xc__sim_mkt_index(bm->m), t->id, id, sizeof id);
  xc_buf_reset(&st->out);
  xc_jw w;
  xc_jw_init(&w, &st->out);
  xc_jw_obj_begin(&w);
  xc_jw_kv_str(&w, "topic", tn);
  xc_jw_kv_str(&w, "type", "snapshot");
  xc_jw_kv_i64(&w, "ts", xc__sim_now_ms(st->sim));
  xc_jw_key(&w, "data");
  xc_jw_arr_begin(&w);
  xc_jw_obj_begin(&w);
  xc_jw_kv_i64(&w, "T", t->time_ms);
  xc_jw_kv_str(&w, "s", bm->sym);
  xc_jw_kv_str(&w, "S", t->buyer_is_maker ? "Sell" : "Buy");
  xc__by_kv_fixed(&w, "v", t->qty, in->qty_places);
  xc__by_kv_fixed(&w, "p", t->price, in->price_places);
  if (bm->linear) xc_jw_kv_str(&w, "L", dirs[bm->tick_dir & 3]);
  xc_jw_kv_str(&w, "i", id);
  xc_jw_kv_bool(&w, "BT", false);
  xc_jw_kv_bool(&w, "RPI", false);
  xc_jw_kv_u64(&w, "seq", t->id);
  xc_jw_obj_end(&w);
  xc_jw_arr_end(&w);
  xc_jw_obj_end(&w);
  xc_jw_finish(&w);
  publish(st, topic, &st->out);
}

/* ---- private pushes ------------------------------------------------------------------------- */

typedef struct push_ctx {
  xc__by_state *st;
  const xc__sim_acct *acct;
  const char *topics[2];   /* registry names ("byp:order", "byp:order.spot") */
  const xc_buf *msgs[2];   /* message per name (NULL = none) */
} push_ctx;

static void push_one(xc__sim_ws *ws, void *user) {
  push_ctx *pc = user;
  xc__by_sess *s = xc__sim_ws_data(ws);
  if (!s || s->kind != XC__BY_WS_PRIVATE || !s->user) return;
  bool mine = false;
  for (int k = 0; k < XC_SIM_KIND_COUNT; k++) mine |= s->user->acct[XC_SIM_BYBIT][k] == pc->acct;
  if (!mine) return;
  for (int i = 0; i < 2; i++)
    if (pc->msgs[i] && pc->topics[i] && xc__sim_topic_is_sub(ws, pc->topics[i]))
      xc__sim_ws_send_private(ws, pc->msgs[i]->data, pc->msgs[i]->len);
}

typedef void (*rec_fn)(xc__by_state *st, xc_jw *w, const void *arg);

/* Builds {"id","topic","creationTime","data":[rec]} for the all-in-one and categorised names and
 * sends them to subscribed private sessions of the account. cat NULL = no categorised form. */
static void push(xc__by_state *st, const xc__sim_acct *acct, const char *base, const char *cat, bool with_id,
                 rec_fn fn, const void *arg) {
  char reg[2][64], name[2][48];
  snprintf(name[0], sizeof name[0], "%s", base);
  snprintf(reg[0], sizeof reg[0], "byp:%s", base);
  int nn = 1;
  if (cat) {
    snprintf(name[1], sizeof name[1], "%s.%s", base, cat);
    snprintf(reg[1], sizeof reg[1], "byp:%s.%s", base, cat);
    nn = 2;
  }
  xc_buf bufs[2];
  push_ctx pc = {st, acct, {NULL, NULL}, {NULL, NULL}};
  for (int i = 0; i < nn; i++) {
    xc_buf_init(&bufs[i]);
    if (!xc__sim_topic_mask(st->sim, reg[i])) continue;
    xc_jw w;
    xc_jw_init(&w, &bufs[i]);
    xc_jw_obj_begin(&w);
    if (with_id) {
      char id[48];
      snprintf(id, sizeof id, "%llx-%llx", (unsigned long long)xc__sim_now_ms(st->sim),
               (unsigned long long)++st->priv_id);
      xc_jw_kv_str(&w, "id", id);
    }
    xc_jw_kv_str(&w, "topic", name[i]);
    xc_jw_kv_i64(&w, "creationTime", xc__sim_now_ms(st->sim));
    xc_jw_key(&w, "data");
    xc_jw_arr_begin(&w);
    fn(st, &w, arg);
    xc_jw_arr_end(&w);
    xc_jw_obj_end(&w);
    if (xc_jw_finish(&w) != XC_OK) continue;
    pc.topics[i] = reg[i];
    pc.msgs[i] = &bufs[i];
  }
  if (pc.msgs[0] || pc.msgs[1]) xc__sim_ws_each(st->sim, XC_SIM_EP_BYBIT_WS, push_one, &pc);
  for (int i = 0; i < nn; i++) xc_buf_free(&bufs[i]);
}

static void rec_order(xc__by_state *st, xc_jw *w, const void *arg) {
  xc__by_write_order(w, arg, true);
}

typedef struct exec_arg {
  const xc__sim_order *o;
  const xc__sim_fill *f;
  bool fast;
} exec_arg;

static void rec_exec(xc__by_state *st, xc_jw *w, const void *arg) {
  const exec_arg *ea = arg;
  const xc__sim_order *o = ea->o;
  const xc__sim_fill *f = ea->f;
  const xc__sim_instr *in = xc__sim_mkt_instr(o->mkt);
  bool linear = in->kind == XC_SIM_LINEAR;
  char oid[64], eid[48];
  xc__by_order_id(o, oid, sizeof oid);
  xc__by_trade_id(linear, (uint64_t)xc__sim_mkt_index(o->mkt), f->trade_id, eid, sizeof eid);
  xc_jw_obj_begin(w);
  xc_jw_kv_str(w, "category", linear ? "linear" : "spot");
  xc_jw_kv_str(w, "symbol", in->symbol);
  xc_jw_kv_str(w, "orderId", oid);
  if (ea->fast) {
    xc_jw_kv_bool(w, "isMaker", f->maker);
    xc_jw_kv_str(w, "orderLinkId", f->maker ? "" : xc__by_link_id(o));
    xc_jw_kv_str(w, "execId", eid);
    xc__by_kv_fixed(w, "execPrice", f->price, in->price_places);
    xc__by_kv_fixed(w, "execQty", f->qty, in->qty_places);
    xc_jw_kv_str(w, "side", o->side == XC__SIM_BUY ? "Buy" : "Sell");
    xc__by_kv_ms(w, "execTime", f->time_ms);
    xc_jw_kv_u64(w, "seq", f->trade_id);
    xc_jw_obj_end(w);
    return;
  }
  xc_jw_kv_str(w, "isLeverage", linear ? "" : "0");
  xc_jw_kv_str(w, "orderLinkId", xc__by_link_id(o));
  xc_jw_kv_str(w, "side", o->side == XC__SIM_BUY ? "Buy" : "Sell");
  if (o->type == XC__SIM_LIMIT) xc__by_kv_fixed(w, "orderPrice", o->price, in->price_places);
  else xc_jw_kv_str(w, "orderPrice", "0");
  xc__by_kv_dec(w, "orderQty", xc_dec_is_zero(o->quote_qty) ? o->qty : o->quote_qty);
  xc_dec leaves = XC_DEC_ZERO;
  if (o->status == XC__SIM_OS_NEW || o->status == XC__SIM_OS_PARTIALLY_FILLED)
    if (xc_dec_sub(o->qty, o->filled_qty, &leaves)) leaves = XC_DEC_ZERO;
  xc__by_kv_fixed(w, "leavesQty", leaves, in->qty_places);
  xc_jw_kv_str(w, "createType", linear ? "CreateByUser" : "");
  xc_jw_kv_str(w, "orderType", o->type == XC__SIM_LIMIT ? "Limit" : "Market");
  xc_jw_kv_str(w, "stopOrderType", "");
  xc__by_kv_dec(w, "execFee", f->fee);
  xc_jw_kv_str(w, "feeCurrency", f->fee_asset);
  xc_jw_kv_str(w, "execId", eid);
  xc__by_kv_fixed(w, "execPrice", f->price, in->price_places);
  xc__by_kv_fixed(w, "execQty", f->qty, in->qty_places);
  xc_jw_kv_str(w, "execType", "Trade");
  xc__by_kv_dec(w, "execValue", f->quote_qty);
  xc__by_kv_ms(w, "execTime", f->time_ms);
  xc_jw_kv_bool(w, "isMaker", f->maker);
  xc__by_kv_dec(w, "feeRate", f->maker ? in->maker_fee : in->taker_fee);
  xc_jw_kv_str(w, "tradeIv", "");
  xc_jw_kv_str(w, "markIv", "");
  if (linear) {
    xc__by_kv_fixed(w, "markPrice", xc__sim_mark_price(o->mkt), in->price_places);
    xc__by_kv_fixed(w, "indexPrice", xc__sim_mark_price(o->mkt), in->price_places);
  } else {
    xc_jw_kv_str(w, "markPrice", "");
    xc_jw_kv_str(w, "indexPrice", "");
  }
  xc_jw_kv_str(w, "underlyingPrice", "");
  xc_jw_kv_str(w, "blockTradeId", "");
  xc_jw_kv_str(w, "closedSize", "0");
  xc__by_kv_dec(w, "execPnl", f->realized_pnl);
  xc_jw_kv_u64(w, "seq", f->trade_id);
  xc_jw_kv_str(w, "extraFees", "");
  xc_jw_kv_str(w, "marketUnit", "");
  xc_jw_obj_end(w);
}

typedef struct pos_arg {
  const xc__sim_acct *a;
  const xc__sim_mkt *m;
} pos_arg;

static void rec_pos(xc__by_state *st, xc_jw *w, const void *arg) {
  const pos_arg *pa = arg;
  xc__by_write_position(w, st, pa->a, pa->m, true);
}

typedef struct wal_arg {
  const xc__sim_acct *a;
} wal_arg;

static void rec_wallet(xc__by_state *st, xc_jw *w, const void *arg) {
  const wal_arg *wa = arg;
  xc__by_write_wallet(w, st, wa->a, st->wallet_assets, st->nwallet_assets);
}

void xc__by_ws_on_event(xc__by_state *st, const xc__sim_event *ev) {
  xc__by_mkt *bm = xc__by_mkt_of(st, ev->mkt);
  switch (ev->kind) {
    case XC__SIM_EV_TRADE:
      if (bm) on_trade(st, bm, ev->u.trade.trade);
      break;
    case XC__SIM_EV_ORDER: {
      if (!bm || !ev->acct) break;
      const xc__sim_order *o = ev->u.order.order;
      const char *cat = bm->linear ? "linear" : "spot";
      if (ev->u.order.exec == XC__SIM_EXEC_TRADE && ev->u.order.fill) {
        exec_arg ea = {o, ev->u.order.fill, false};
        push(st, ev->acct, "execution", cat, true, rec_exec, &ea);
        ea.fast = true;
        push(st, ev->acct, "execution.fast", cat, false, rec_exec, &ea);
      }
      push(st, ev->acct, "order", cat, true, rec_order, o);
      /* the position topic fires on every order create/cancel (bybit.md 14.14) */
      if (bm->linear && ev->u.order.exec != XC__SIM_EXEC_TRADE) {
        pos_arg pa = {ev->acct, ev->mkt};
        push(st, ev->acct, "position", "linear", true, rec_pos, &pa);
      }
      break;
    }
    case XC__SIM_EV_POSITION: {
      if (!bm || !ev->acct) break;
      pos_arg pa = {ev->acct, ev->mkt};
      push(st, ev->acct, "position", "linear", true, rec_pos, &pa);
      break;
    }
    case XC__SIM_EV_BALANCE:
      if (!ev->acct) break;
      if (!st->wallet_dirty) st->nwallet_assets = 0;
      st->wallet_dirty = true;
      for (int i = 0; i < ev->u.balance.n; i++) {
        bool have = false;
        for (int k = 0; k < st->nwallet_assets; k++) have |= !strcmp(st->wallet_assets[k], ev->u.balance.items[i].asset);
        if (!have && st->nwallet_assets < 16)
          snprintf(st->wallet_assets[st->nwallet_assets++], 12, "%s", ev->u.balance.items[i].asset);
      }
      if (!st->wallet_acct) st->wallet_acct = ev->acct;
      break;
    case XC__SIM_EV_BATCH_END:
      if (st->wallet_dirty) {
        st->wallet_dirty = false;
        wal_arg wa = {st->wallet_acct};
        if (wa.a) push(st, wa.a, "wallet", NULL, true, rec_wallet, &wa);
        st->wallet_acct = NULL;
      }
      break;
    default:
      break;
  }
}

/* ---- faults --------------------------------------------------------------------------------- */

xc_status xc__by_ws_fault(xc__by_state *st, const xc__sim_fault *f) {
  if (f->kind == XC__SIM_FAULT_OTHER && f->name && !strncmp(f->name, "book_interval_pct=", 18)) {
    /* scales every orderbook / tickers push interval (e.g. 10 = ten times faster, 1000 = slower) */
    char *end;
    long pct = strtol(f->name + 18, &end, 10);
    if (*end || pct < 1 || pct > 100000) return XC_EINVAL;
    st->cadence_pct = (uint32_t)pct;
    return XC_OK;
  }
  if (f->kind != XC__SIM_FAULT_BOOK_RESTART) return XC_ENOTSUP;
  for (int i = 0; i < st->nmkts; i++) {
    xc__by_mkt *bm = &st->mk[i];
    if (f->symbol && strcmp(f->symbol, bm->sym)) continue;
    for (int d = 0; d < XC__BY_NDEPTH; d++) {
      xc__by_book_stream *bs = &bm->bs[d];
      book_update(st, bm, d, false);
      bs->u = 1; /* the service restarted: a snapshot with u = 1 (bybit.md 9 rule 3) */
      bs->gap = false;
      char topic[80], t[64];
      snprintf(t, sizeof t, "orderbook.%d.%s", bs->depth, bm->sym);
      topic_name(topic, sizeof topic, bm->linear, t);
      if (!xc__sim_topic_mask(st->sim, topic)) continue;
      book_msg(st, bm, bs, true, bs->bids, bs->nb, bs->asks, bs->na, &st->out);
      publish(st, topic, &st->out);
    }
  }
  return XC_OK;
}

/* ---- sessions ------------------------------------------------------------------------------- */

static void reply(xc__sim_ws *ws, xc_buf *b) { xc__sim_ws_send(ws, b->data, b->len); }

static void conn_id(xc__by_state *st, char *out, size_t cap) {
  uint64_t a = xc__sim_rand(st->sim), b = xc__sim_rand(st->sim);
  static const char al[] = "0123456789abcdefghijklmnopqrstuv";
  size_t n = 0;
  for (int i = 0; i < 20 && n + 1 < cap; i++) out[n++] = al[(i < 12 ? a >> (i * 5) : b >> ((i - 12) * 5)) & 31];
  if (n + 3 < cap) {
    out[n++] = '-';
    out[n++] = al[(b >> 50) & 31];
    out[n++] = al[(b >> 55) & 31];
  }
  out[n] = 0;
}

static uint64_t parse_active_time(const char *query) {
  const char *p = query ? strstr(query, "max_active_time=") : NULL;
  if (!p) return 600000;
  p += 16;
  char *end;
  long v = strtol(p, &end, 10);
  uint64_t ms = *end == 'm' ? (uint64_t)v * 60000 : (uint64_t)v * 1000;
  if (ms < 30000) ms = 30000;
  if (ms > 600000) ms = 600000;
  return ms;
}

static int on_open(xc__sim_ws *ws, const xc__sim_req *req, xc__sim_resp *resp, void *user) {
  xc__by_state *st = user;
  xc__by_sess *s = calloc(1, sizeof *s);
  if (!s) return 500;
  const char *path = xc__sim_ws_path(ws);
  if (!strcmp(path, "/v5/public/spot")) s->kind = XC__BY_WS_PUB_SPOT;
  else if (!strcmp(path, "/v5/public/linear")) s->kind = XC__BY_WS_PUB_LINEAR;
  else if (!strcmp(path, "/v5/private")) s->kind = XC__BY_WS_PRIVATE;
  else if (!strcmp(path, "/v5/trade")) s->kind = XC__BY_WS_TRADE;
  else {
    free(s);
    return 404;
  }
  conn_id(st, s->conn_id, sizeof s->conn_id);
  s->last_rx_ms = xc__sim_mono_ms(st->sim);
  s->max_idle_ms = parse_active_time(xc__sim_ws_query(ws));
  xc__sim_ws_set_data(ws, s);
  return 0;
}

static void on_close(xc__sim_ws *ws, void *user) {
  free(xc__sim_ws_data(ws));
  xc__sim_ws_set_data(ws, NULL);
}

/* Public reply {"success","ret_msg","conn_id","req_id","op"}. */
static void pub_reply(xc__sim_ws *ws, xc__by_sess *s, bool ok, const char *msg, const char *req_id,
                      const char *op) {
  xc_buf b;
  xc_buf_init(&b);
  xc_jw w;
  xc_jw_init(&w, &b);
  xc_jw_obj_begin(&w);
  xc_jw_kv_bool(&w, "success", ok);
  xc_jw_kv_str(&w, "ret_msg", msg);
  if (s->kind == XC__BY_WS_PRIVATE && req_id) xc_jw_kv_str(&w, "req_id", req_id);
  if (s->kind != XC__BY_WS_PRIVATE) xc_jw_kv_str(&w, "conn_id", s->conn_id);
  if (s->kind == XC__BY_WS_PUB_LINEAR) xc_jw_kv_str(&w, "req_id", req_id ? req_id : "");
  if (s->kind == XC__BY_WS_PUB_SPOT && req_id) xc_jw_kv_str(&w, "req_id", req_id);
  xc_jw_kv_str(&w, "op", op);
  if (s->kind == XC__BY_WS_PRIVATE) xc_jw_kv_str(&w, "conn_id", s->conn_id);
  xc_jw_obj_end(&w);
  if (xc_jw_finish(&w) == XC_OK) reply(ws, &b);
  xc_buf_free(&b);
}

/* Validates a public topic; fills the market and kind (0 book, 1 trade, 2 ticker, depth idx). */
static bool pub_topic(xc__by_state *st, bool linear, const char *t, xc__by_mkt **bm, int *kind, int *didx) {
  const char *sym = NULL;
  *didx = 0;
  if (!strncmp(t, "orderbook.", 10)) {
    char *end;
    long d = strtol(t + 10, &end, 10);
    if (*end != '.') return false;
    int k = -1;
    for (int i = 0; i < XC__BY_NDEPTH; i++)
      if (xc__by_depths[i] == d) k = i;
    if (k < 0) return false;
    *didx = k;
    *kind = 0;
    sym = end + 1;
  } else if (!strncmp(t, "publicTrade.", 12)) {
    *kind = 1;
    sym = t + 12;
  } else if (!strncmp(t, "tickers.", 8)) {
    *kind = 2;
    sym = t + 8;
  } else {
    return false;
  }
  *bm = xc__by_find(st, linear, sym, strlen(sym));
  return *bm != NULL;
}

static void pub_sub(xc__by_state *st, xc__sim_ws *ws, xc__by_sess *s, xc_json *j, bool sub, const char *req_id) {
  bool linear = s->kind == XC__BY_WS_PUB_LINEAR;
  const char *op = sub ? "subscribe" : "unsubscribe";
  int args = xc_json_get(j, 0, "args");
  if (args < 0 || xc_json_type_of(j, args) != XC_JSON_ARRAY) {
    pub_reply(ws, s, false, "error:param error", req_id, op);
    return;
  }
  int n = xc_json_count(j, args);
  if (!linear && n > 10) {
    pub_reply(ws, s, false, "error:args length exceeds the limit of 10", req_id, op);
    return;
  }
  char topics[64][80];
  if (n > 64) n = 64;
  char msg[160];
  for (int i = 0; i < n; i++) {
    int a = xc_json_at(j, args, i);
    if (xc_json_str_copy(j, a, topics[i], sizeof topics[i], NULL) != XC_OK) {
      pub_reply(ws, s, false, "error:param error", req_id, op);
      return;
    }
    xc__by_mkt *bm;
    int kind, didx;
    char reg[96];
    topic_name(reg, sizeof reg, linear, topics[i]);
    if (!pub_topic(st, linear, topics[i], &bm, &kind, &didx)) {
      snprintf(msg, sizeof msg, "error:handler not found,topic:%.80s", topics[i]);
      pub_reply(ws, s, false, msg, req_id, op);
      return;
    }
    if (sub && xc__sim_topic_is_sub(ws, reg)) {
      snprintf(msg, sizeof msg, "error:already subscribed,topic:%.80s", topics[i]);
      pub_reply(ws, s, false, msg, req_id, op);
      return;
    }
  }
  pub_reply(ws, s, true, sub && !linear ? "subscribe" : "", req_id, op);
  for (int i = 0; i < n; i++) {
    xc__by_mkt *bm;
    int kind, didx;
    char reg[96];
    topic_name(reg, sizeof reg, linear, topics[i]);
    pub_topic(st, linear, topics[i], &bm, &kind, &didx);
    if (!sub) {
      xc__sim_topic_unsub(ws, reg);
      continue;
    }
    if (kind == 0) {
      /* bring the shared view up to date (existing subscribers get the delta), then this
       * session gets that view as its snapshot and the next deltas */
      book_update(st, bm, didx, true);
      xc__by_book_stream *bs = &bm->bs[didx];
      book_msg(st, bm, bs, true, bs->bids, bs->nb, bs->asks, bs->na, &st->out);
      reply(ws, &st->out);
      if (didx == 0) bs->last_send_ms = xc__sim_now_ms(st->sim);
    } else if (kind == 2) {
      ticker_update(st, bm, true);
      if (!bm->tk.primed) xc__by_ticker_values(st, bm, &bm->tk);
      xc_buf_reset(&st->out);
      xc_jw w;
      xc_jw_init(&w, &st->out);
      xc_jw_obj_begin(&w);
      xc_jw_kv_str(&w, "topic", topics[i]);
      xc_jw_kv_i64(&w, "ts", xc__sim_now_ms(st->sim));
      xc_jw_kv_str(&w, "type", "snapshot");
      xc_jw_kv_u64(&w, "cs", xc__sim_book_update_id(bm->m));
      xc_jw_key(&w, "data");
      xc_jw_obj_begin(&w);
      for (int f = 0; f < XC__BY_NTICK && xc__by_ticker_keys[linear][f]; f++)
        xc_jw_kv_str(&w, xc__by_ticker_keys[linear][f], bm->tk.val[f]);
      xc_jw_obj_end(&w);
      xc_jw_obj_end(&w);
      if (xc_jw_finish(&w) == XC_OK) reply(ws, &st->out);
    }
    xc__sim_topic_sub(ws, reg, 0);
  }
}

static bool priv_topic_ok(const char *t) {
  static const char *const ok[] = {"order", "order.spot", "order.linear", "execution", "execution.spot",
                                   "execution.linear", "execution.fast", "execution.fast.spot",
                                   "execution.fast.linear", "position", "position.linear", "wallet"};
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
    if (!strcmp(ok[i], t)) return true;
  return false;
}

static void priv_sub(xc__by_state *st, xc__sim_ws *ws, xc__by_sess *s, xc_json *j, bool sub, const char *req_id) {
  const char *op = sub ? "subscribe" : "unsubscribe";
  if (!s->user) {
    pub_reply(ws, s, false, "Request not authorized", req_id, op);
    return;
  }
  int args = xc_json_get(j, 0, "args");
  if (args < 0 || xc_json_type_of(j, args) != XC_JSON_ARRAY) {
    pub_reply(ws, s, false, "error:param error", req_id, op);
    return;
  }
  int n = xc_json_count(j, args);
  char topics[16][48];
  if (n > 16) n = 16;
  bool all_in_one = false, categorised = false;
  char msg[128];
  for (int i = 0; i < n; i++) {
    if (xc_json_str_copy(j, xc_json_at(j, args, i), topics[i], sizeof topics[i], NULL) != XC_OK ||
        !priv_topic_ok(topics[i])) {
      snprintf(msg, sizeof msg, "error:handler not found,topic:%.80s", i < n ? topics[i] : "");
      pub_reply(ws, s, false, msg, req_id, op);
      return;
    }
    if (strchr(topics[i], '.') && strncmp(topics[i], "execution.fast", 14)) categorised = true;
    else if (strcmp(topics[i], "wallet")) all_in_one = true;
  }
  if (all_in_one && categorised) {
    pub_reply(ws, s, false, "error:all-in-one and categorised topics cannot be mixed in one request", req_id, op);
    return;
  }
  for (int i = 0; i < n; i++) {
    char reg[64];
    snprintf(reg, sizeof reg, "byp:%.40s", topics[i]);
    if (sub) xc__sim_topic_sub(ws, reg, 0);
    else xc__sim_topic_unsub(ws, reg);
  }
  pub_reply(ws, s, true, "", req_id, op);
}

/* Trade-stream reply (camelCase). */
typedef struct lim3 {
  int64_t lim, left, reset;
} lim3;

static void trade_reply(xc__sim_ws *ws, xc__by_sess *s, const char *req_id, int code, const char *msg,
                        const char *op, const char *oid, const char *link, const lim3 *hdr) {
  xc_buf b;
  xc_buf_init(&b);
  xc_jw w;
  xc_jw_init(&w, &b);
  xc_jw_obj_begin(&w);
  if (req_id) xc_jw_kv_str(&w, "reqId", req_id);
  xc_jw_kv_i64(&w, "retCode", code);
  xc_jw_kv_str(&w, "retMsg", msg);
  xc_jw_kv_str(&w, "op", op);
  if (oid) {
    xc_jw_key(&w, "data");
    xc_jw_obj_begin(&w);
    if (code == 0) {
      xc_jw_kv_str(&w, "orderId", oid);
      xc_jw_kv_str(&w, "orderLinkId", link);
    }
    xc_jw_obj_end(&w);
    xc_jw_key(&w, "retExtInfo");
    xc_jw_obj_begin(&w);
    xc_jw_obj_end(&w);
  }
  if (hdr) {
    int64_t now = xc__sim_now_ms(xc__sim_ws_sim(ws));
    char t[24], l[24], left[24], rs[24];
    snprintf(t, sizeof t, "%lld", (long long)now);
    snprintf(l, sizeof l, "%lld", (long long)hdr->lim);
    snprintf(left, sizeof left, "%lld", (long long)hdr->left);
    snprintf(rs, sizeof rs, "%lld", (long long)hdr->reset);
    xc_jw_key(&w, "header");
    xc_jw_obj_begin(&w);
    xc_jw_kv_str(&w, "X-Bapi-Limit", l);
    xc_jw_kv_str(&w, "X-Bapi-Limit-Status", left);
    xc_jw_kv_str(&w, "X-Bapi-Limit-Reset-Timestamp", rs);
    xc_jw_kv_str(&w, "Traceid", s->conn_id);
    xc_jw_kv_str(&w, "Timenow", t);
    xc_jw_obj_end(&w);
  }
  xc_jw_kv_str(&w, "connId", s->conn_id);
  xc_jw_obj_end(&w);
  if (xc_jw_finish(&w) == XC_OK) reply(ws, &b);
  xc_buf_free(&b);
}

/* {"op":"auth","args":[key, expires, sig]}: 0 ok, else a code (message in msg). */
static int do_auth(xc__by_state *st, xc__by_sess *s, xc_json *j, char *msg, size_t cap) {
  if (s->user) {
    snprintf(msg, cap, "Repeat auth");
    return 20001;
  }
  int args = xc_json_get(j, 0, "args");
  char key[128], exp[32], sig[600];
  if (args < 0 || xc_json_type_of(j, args) != XC_JSON_ARRAY || xc_json_count(j, args) != 3) {
    snprintf(msg, cap, "Params Error");
    return 10001;
  }
  const char *p;
  size_t n;
  int ik = xc_json_at(j, args, 0), ie = xc_json_at(j, args, 1), is = xc_json_at(j, args, 2);
  if (xc_json_str_copy(j, ik, key, sizeof key, NULL) || xc_json_text(j, ie, &p, &n) || n + 1 > sizeof exp ||
      xc_json_str_copy(j, is, sig, sizeof sig, NULL)) {
    snprintf(msg, cap, "Params Error");
    return 10001;
  }
  memcpy(exp, p, n);
  exp[n] = 0;
  char *end;
  long long expires = strtoll(exp, &end, 10);
  if (*end || !exp[0]) {
    snprintf(msg, cap, "Params Error");
    return 10001;
  }
  const xc__sim_user *u = xc__sim_user_by_key(st->sim, key, strlen(key));
  if (!u) {
    snprintf(msg, cap, "API key is invalid.");
    return 10003;
  }
  if (expires <= xc__sim_now_ms(st->sim)) {
    snprintf(msg, cap, "Params Error");
    return 10001;
  }
  xc_signer *sg = xc__by_signer(st, u);
  if (!sg || xc_bybit_verify_ws_auth(sg, expires, sig, strlen(sig)) != XC_OK) {
    snprintf(msg, cap, "Error sign, please check your signature generation algorithm");
    return 10004;
  }
  s->user = u;
  return 0;
}

static void trade_op(xc__by_state *st, xc__sim_ws *ws, xc__by_sess *s, xc_json *j, const char *op,
                     const char *req_id) {
  bool create = !strcmp(op, "order.create");
  if (!create && strcmp(op, "order.cancel")) {
    trade_reply(ws, s, req_id, 10404, "op not found", op, NULL, NULL, NULL);
    return;
  }
  if (!s->user) {
    trade_reply(ws, s, req_id, 10003, "Request not authorized", op, "", "", NULL);
    return;
  }
  int hdr = xc_json_get(j, 0, "header");
  char ts[32] = "", rw[32] = "";
  if (hdr >= 0) {
    xc__by_json_text(j, hdr, "X-BAPI-TIMESTAMP", ts, sizeof ts);
    xc__by_json_text(j, hdr, "X-BAPI-RECV-WINDOW", rw, sizeof rw);
  }
  char *end;
  long long t = strtoll(ts, &end, 10), win = rw[0] ? strtoll(rw, NULL, 10) : 5000;
  int64_t now = xc__sim_now_ms(st->sim);
  if (!ts[0] || *end) {
    trade_reply(ws, s, req_id, 10001, "X-BAPI-TIMESTAMP is required", op, "", "", NULL);
    return;
  }
  if (!(now - win <= t && t < now + 1000)) {
    trade_reply(ws, s, req_id, 10002, "invalid timestamp or recv_window", op, "", "", NULL);
    return;
  }
  int args = xc_json_get(j, 0, "args");
  int obj = args >= 0 && xc_json_count(j, args) == 1 ? xc_json_at(j, args, 0) : -1;
  if (obj < 0 || xc_json_type_of(j, obj) != XC_JSON_OBJECT) {
    trade_reply(ws, s, req_id, 10001, "Params Error", op, "", "", NULL);
    return;
  }
  /* the order-entry stream has its own per-UID quota (shared with the batch endpoints on the
   * venue), same per-second numbers as the REST endpoints */
  char cat[16];
  bool spot = xc__by_json_text(j, obj, "category", cat, sizeof cat) == XC_OK && !strcmp(cat, "spot");
  lim3 lh;
  if (!xc__by_take(st, create ? "ws:order.create" : "ws:order.cancel", spot ? 20 : 10, spot, &lh.lim, &lh.left,
                   &lh.reset)) {
    trade_reply(ws, s, req_id, 10006, "Too many visits. Exceeded the API Rate Limit.", op, "", "", &lh);
    return;
  }
  char oid[64], link[64];
  xc__by_err e;
  int rc = create ? xc__by_order_create(st, s->user, j, obj, oid, sizeof oid, link, sizeof link, &e)
                  : xc__by_order_cancel(st, s->user, j, obj, oid, sizeof oid, link, sizeof link, &e);
  if (rc) trade_reply(ws, s, req_id, e.code, e.msg, op, "", "", &lh);
  else trade_reply(ws, s, req_id, 0, "OK", op, oid, link, &lh);
}

static void on_text(xc__sim_ws *ws, const char *data, size_t len, void *user) {
  xc__by_state *st = user;
  xc__by_sess *s = xc__sim_ws_data(ws);
  if (!s) return;
  s->last_rx_ms = xc__sim_mono_ms(st->sim);
  /* each message gets its own reader: an order placed here emits events synchronously */
  xc_json j;
  xc_json_init(&j);
  char op[32] = "", req_id[64];
  bool has_req = false;
  if (xc_json_parse(&j, data, len) != XC_OK || xc_json_type_of(&j, 0) != XC_JSON_OBJECT ||
      xc__by_json_text(&j, 0, "op", op, sizeof op) != XC_OK) {
    if (s->kind == XC__BY_WS_TRADE) trade_reply(ws, s, NULL, 10001, "Params Error", "", NULL, NULL, NULL);
    else pub_reply(ws, s, false, "error:param error", NULL, op);
    xc_json_free(&j);
    return;
  }
  if (s->kind == XC__BY_WS_TRADE)
    has_req = xc__by_json_text(&j, 0, "reqId", req_id, sizeof req_id) == XC_OK;
  else
    has_req = xc__by_json_text(&j, 0, "req_id", req_id, sizeof req_id) == XC_OK;
  const char *rid = has_req ? req_id : NULL;
  char msg[160];
  int64_t now = xc__sim_now_ms(st->sim);
  if (!strcmp(op, "ping")) {
    if (s->kind == XC__BY_WS_PUB_SPOT || s->kind == XC__BY_WS_PUB_LINEAR) {
      pub_reply(ws, s, true, "pong", rid, "ping");
    } else {
      xc_buf b;
      xc_buf_init(&b);
      xc_jw w;
      xc_jw_init(&w, &b);
      char ts[24];
      snprintf(ts, sizeof ts, "%lld", (long long)now);
      xc_jw_obj_begin(&w);
      if (s->kind == XC__BY_WS_PRIVATE) {
        if (rid) xc_jw_kv_str(&w, "req_id", rid);
        xc_jw_kv_str(&w, "op", "pong");
        xc_jw_key(&w, "args");
      } else {
        if (rid) xc_jw_kv_str(&w, "reqId", rid);
        xc_jw_kv_i64(&w, "retCode", 0);
        xc_jw_kv_str(&w, "retMsg", "OK");
        xc_jw_kv_str(&w, "op", "pong");
        xc_jw_key(&w, "data");
      }
      xc_jw_arr_begin(&w);
      xc_jw_str(&w, ts);
      xc_jw_arr_end(&w);
      xc_jw_kv_str(&w, s->kind == XC__BY_WS_PRIVATE ? "conn_id" : "connId", s->conn_id);
      xc_jw_obj_end(&w);
      if (xc_jw_finish(&w) == XC_OK) reply(ws, &b);
      xc_buf_free(&b);
    }
  } else if (s->kind == XC__BY_WS_PUB_SPOT || s->kind == XC__BY_WS_PUB_LINEAR) {
    if (!strcmp(op, "subscribe") || !strcmp(op, "unsubscribe")) pub_sub(st, ws, s, &j, op[0] == 's', rid);
    else {
      snprintf(msg, sizeof msg, "error:handler not found,op:%s", op);
      pub_reply(ws, s, false, msg, rid, op);
    }
  } else if (!strcmp(op, "auth")) {
    int code = do_auth(st, s, &j, msg, sizeof msg);
    if (s->kind == XC__BY_WS_TRADE) trade_reply(ws, s, rid, code, code ? msg : "OK", "auth", NULL, NULL, NULL);
    else pub_reply(ws, s, code == 0, code ? msg : "", rid, "auth");
  } else if (s->kind == XC__BY_WS_PRIVATE) {
    if (!strcmp(op, "subscribe") || !strcmp(op, "unsubscribe")) priv_sub(st, ws, s, &j, op[0] == 's', rid);
    else {
      snprintf(msg, sizeof msg, "error:handler not found,op:%s", op);
      pub_reply(ws, s, false, msg, rid, op);
    }
  } else {
    trade_op(st, ws, s, &j, op, rid);
  }
  xc_json_free(&j);
}

static const xc__sim_ws_handlers handlers = {.on_open = on_open, .on_text = on_text, .on_close = on_close};

xc_status xc__by_ws_attach(xc__by_state *st) {
  static const char *const paths[] = {"/v5/public/spot", "/v5/public/linear", "/v5/private", "/v5/trade"};
  for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
    xc_status s = xc__sim_ws_route(st->sim, XC_SIM_EP_BYBIT_WS, paths[i], &handlers, st);
    if (s != XC_OK) return s;
  }
  return XC_OK;
}
