/* Venue-neutral matching engine: markets with price-time priority books in integer ticks/lots,
 * user accounts (spot balances with locks; margin accounts with one-way positions), orders,
 * fills, fees, public trades, statistics, depth batchers and the event bus.
 * Runs on the simulator thread only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "sim/sim_core.h"

/* ---- decimal helpers (values here are far inside xc_dec's range; a failure is a bug) ------- */

static xc_dec D(int64_t v, int exp) {
  xc_dec d;
  if (xc_dec_from_i64(v, exp, &d)) d = XC_DEC_ZERO;
  return d;
}
static xc_dec dadd(xc_dec a, xc_dec b) {
  xc_dec r;
  if (xc_dec_add(a, b, &r)) {
    XC_ERROR("sim", "decimal add out of range");
    return a;
  }
  return r;
}
static xc_dec dsub(xc_dec a, xc_dec b) {
  xc_dec r;
  if (xc_dec_sub(a, b, &r)) {
    XC_ERROR("sim", "decimal sub out of range");
    return a;
  }
  return r;
}
static xc_dec dmul(xc_dec a, xc_dec b) {
  xc_dec r;
  if (xc_dec_mul(a, b, &r)) {
    XC_ERROR("sim", "decimal mul out of range");
    return XC_DEC_ZERO;
  }
  return xc_dec_normalize(r);
}
static xc_dec ddiv(xc_dec a, xc_dec b, int places) {
  xc_dec r;
  if (xc_dec_is_zero(b) || xc_dec_div(a, b, places, XC_ROUND_HALF_EVEN, &r)) return XC_DEC_ZERO;
  return xc_dec_normalize(r);
}
static xc_dec dmin(xc_dec a, xc_dec b) { return xc_dec_cmp(a, b) <= 0 ? a : b; }
static xc_dec dmax(xc_dec a, xc_dec b) { return xc_dec_cmp(a, b) >= 0 ? a : b; }
static xc_dec tick_px(const xc__sim_mkt *m, int64_t ticks) {
  xc_dec d;
  if (xc_dec_from_ticks(ticks, m->in.tick, &d)) return XC_DEC_ZERO;
  return xc_dec_normalize(d);
}
static xc_dec lot_qty(const xc__sim_mkt *m, int64_t lots) {
  xc_dec d;
  if (xc_dec_from_ticks(lots, m->in.step, &d)) return XC_DEC_ZERO;
  return xc_dec_normalize(d);
}
static xc_dec dint(int64_t v) { return D(v, 0); }

/* ---- events and actions ------------------------------------------------------------------- */

void xc__sim_emit(xc_sim *sim, const xc__sim_event *ev) {
  for (int i = 0; i < sim->nfe; i++)
    if (sim->fe[i]->on_event) sim->fe[i]->on_event(sim, ev, sim->fe_state[i]);
}

static void acct_touch(xc__sim_acct *a) { a->touched = true; }

static sim_bal *bal_get(xc__sim_acct *a, const char *asset) {
  for (int i = 0; i < a->nbal; i++)
    if (strcmp(a->bal[i].asset, asset) == 0) return &a->bal[i];
  if (a->nbal >= XC__SIM_MAX_ASSETS) return NULL;
  sim_bal *b = &a->bal[a->nbal++];
  memset(b, 0, sizeof *b);
  snprintf(b->asset, sizeof b->asset, "%s", asset);
  return b;
}
static const sim_bal *bal_find(const xc__sim_acct *a, const char *asset) {
  for (int i = 0; i < a->nbal; i++)
    if (strcmp(a->bal[i].asset, asset) == 0) return &a->bal[i];
  return NULL;
}

static void bal_change(xc__sim_acct *a, const char *asset, xc_dec wallet_delta, xc_dec lock_delta) {
  sim_bal *b = bal_get(a, asset);
  if (!b) return;
  b->wallet = dadd(b->wallet, wallet_delta);
  b->locked = dadd(b->locked, lock_delta);
  b->delta = dadd(b->delta, wallet_delta);
  b->changed = true;
  acct_touch(a);
}

static void pos_view(const xc__sim_acct *a, const xc__sim_mkt *m, xc__sim_position *out);

static void margin_view(const xc__sim_acct *a, const char *asset, xc__sim_margin *o) {
  memset(o, 0, sizeof *o);
  const sim_bal *b = bal_find(a, asset);
  o->wallet = b ? b->wallet : XC_DEC_ZERO;
  if (a->margin && strcmp(asset, a->margin_asset) == 0) {
    xc_sim *sim = a->sim;
    for (int i = 0; i < sim->nmkts; i++) {
      const xc__sim_mkt *m = sim->mkts[i];
      if (m->in.kind != XC_SIM_LINEAR || xc_dec_is_zero(a->pos[i].qty)) continue;
      xc__sim_position p;
      pos_view(a, m, &p);
      o->unrealized_pnl = dadd(o->unrealized_pnl, p.unrealized_pnl);
      o->position_margin = dadd(o->position_margin, p.initial_margin);
    }
    o->order_margin = a->order_margin;
  }
  o->margin_balance = dadd(o->wallet, o->unrealized_pnl);
  xc_dec av = dsub(dsub(o->margin_balance, o->position_margin), o->order_margin);
  if (b) av = dsub(av, b->locked);
  o->available = dmax(av, XC_DEC_ZERO);
}

static void bal_view(const xc__sim_acct *a, const sim_bal *b, xc__sim_balance *out) {
  memset(out, 0, sizeof *out);
  snprintf(out->asset, sizeof out->asset, "%s", b->asset);
  out->wallet = b->wallet;
  if (a->margin && strcmp(b->asset, a->margin_asset) == 0) {
    xc__sim_margin mg;
    margin_view(a, b->asset, &mg);
    out->free = mg.available;
    out->locked = dadd(dadd(mg.position_margin, mg.order_margin), b->locked);
  } else {
    out->locked = b->locked;
    out->free = dmax(dsub(b->wallet, b->locked), XC_DEC_ZERO);
  }
}

void xc__sim_action_begin(xc_sim *sim) { sim->action_depth++; }

void xc__sim_action_end(xc_sim *sim) {
  if (--sim->action_depth > 0) return;
  int64_t now = xc__sim_now_ms(sim);
  for (int ai = 0; ai < sim->naccts; ai++) {
    xc__sim_acct *a = sim->accts[ai];
    if (!a->touched) continue;
    a->touched = false;
    xc__sim_balance items[XC__SIM_MAX_ASSETS];
    xc_dec deltas[XC__SIM_MAX_ASSETS];
    int n = 0;
    for (int i = 0; i < a->nbal; i++) {
      sim_bal *b = &a->bal[i];
      if (!b->changed) continue;
      bal_view(a, b, &items[n]);
      deltas[n] = b->delta;
      n++;
      b->changed = false;
      b->delta = XC_DEC_ZERO;
    }
    if (n) {
      xc__sim_event ev = {.kind = XC__SIM_EV_BALANCE, .time_ms = now, .acct = a};
      ev.u.balance.reason = XC__SIM_BAL_ORDER;
      ev.u.balance.n = n;
      ev.u.balance.items = items;
      ev.u.balance.deltas = deltas;
      xc__sim_emit(sim, &ev);
    }
    for (int mi = 0; mi < sim->nmkts; mi++) {
      if (!a->pos[mi].changed) continue;
      a->pos[mi].changed = false;
      xc__sim_position p;
      pos_view(a, sim->mkts[mi], &p);
      xc__sim_event ev = {.kind = XC__SIM_EV_POSITION, .time_ms = now, .acct = a,
                          .mkt = sim->mkts[mi]};
      ev.u.position.pos = &p;
      xc__sim_emit(sim, &ev);
    }
  }
  xc__sim_event ev = {.kind = XC__SIM_EV_BATCH_END, .time_ms = now};
  xc__sim_emit(sim, &ev);
}

/* ---- book ------------------------------------------------------------------------------------ */

/* true if level price a is better than b on side s */
static bool better(int s, int64_t a, int64_t b) { return s == XC__SIM_BUY ? a > b : a < b; }

/* index of px in side (levels sorted worst..best), or -(insertion point)-1 */
static int level_find(const sim_book_side *sd, int s, int64_t px) {
  int lo = 0, hi = sd->n - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    int64_t v = sd->lv[mid].px;
    if (v == px) return mid;
    if (better(s, px, v)) lo = mid + 1; /* px is better: further toward the end */
    else hi = mid - 1;
  }
  return -(lo + 1);
}

static void batch_note(xc__sim_mkt *m, int s, int64_t px);

static void book_event(xc__sim_mkt *m, int s, int64_t px, int64_t lots) {
  m->update_id++;
  batch_note(m, s, px);
  xc_sim *sim = m->sim;
  if (!sim->nfe) return;
  xc__sim_event ev = {.kind = XC__SIM_EV_BOOK, .time_ms = xc__sim_now_ms(sim), .mkt = m};
  ev.u.book.update_id = m->update_id;
  ev.u.book.side = (xc__sim_side)s;
  ev.u.book.price = tick_px(m, px);
  ev.u.book.qty = lot_qty(m, lots);
  xc__sim_emit(sim, &ev);
}

static bool book_add(xc__sim_mkt *m, sim_order *o) {
  int s = o->o.side;
  sim_book_side *sd = &m->side[s];
  int i = level_find(sd, s, o->px);
  if (i < 0) {
    i = -i - 1;
    if (sd->n == sd->cap) {
      int nc = sd->cap ? sd->cap * 2 : 64;
      sim_level *p = realloc(sd->lv, (size_t)nc * sizeof *p);
      if (!p) return false;
      sd->lv = p;
      sd->cap = nc;
    }
    memmove(&sd->lv[i + 1], &sd->lv[i], (size_t)(sd->n - i) * sizeof *sd->lv);
    sd->n++;
    sd->lv[i] = (sim_level){.px = o->px};
  }
  sim_level *L = &sd->lv[i];
  o->lprev = L->tail;
  o->lnext = NULL;
  if (L->tail) L->tail->lnext = o;
  else L->head = o;
  L->tail = o;
  L->lots += o->rem;
  o->resting = true;
  book_event(m, s, o->px, L->lots);
  return true;
}

static void book_remove(xc__sim_mkt *m, sim_order *o) {
  if (!o->resting) return;
  int s = o->o.side;
  sim_book_side *sd = &m->side[s];
  int i = level_find(sd, s, o->px);
  if (i < 0) return;
  sim_level *L = &sd->lv[i];
  if (o->lprev) o->lprev->lnext = o->lnext;
  else L->head = o->lnext;
  if (o->lnext) o->lnext->lprev = o->lprev;
  else L->tail = o->lprev;
  L->lots -= o->rem;
  o->resting = false;
  int64_t lots = L->lots;
  if (!L->head) {
    memmove(&sd->lv[i], &sd->lv[i + 1], (size_t)(sd->n - i - 1) * sizeof *sd->lv);
    sd->n--;
    lots = 0;
  }
  book_event(m, s, o->px, lots);
}

uint64_t xc__sim_book_update_id(const xc__sim_mkt *m) { return m->update_id; }

int xc__sim_book_levels(const xc__sim_mkt *m, xc__sim_side side, xc__sim_level *out, int max) {
  const sim_book_side *sd = &m->side[side];
  int n = 0;
  for (int i = sd->n - 1; i >= 0 && n < max; i--, n++) {
    out[n].price = tick_px(m, sd->lv[i].px);
    out[n].qty = lot_qty(m, sd->lv[i].lots);
  }
  return n;
}

int xc__sim_book_depth(const xc__sim_mkt *m, xc__sim_side side) { return m->side[side].n; }

bool xc__sim_book_best(const xc__sim_mkt *m, xc__sim_side side, xc__sim_level *out) {
  const sim_book_side *sd = &m->side[side];
  if (!sd->n) {
    out->price = XC_DEC_ZERO;
    out->qty = XC_DEC_ZERO;
    return false;
  }
  out->price = tick_px(m, sd->lv[sd->n - 1].px);
  out->qty = lot_qty(m, sd->lv[sd->n - 1].lots);
  return true;
}

static int64_t mark_ticks(const xc__sim_mkt *m) {
  const sim_book_side *b = &m->side[0], *a = &m->side[1];
  if (b->n && a->n) return (b->lv[b->n - 1].px + a->lv[a->n - 1].px) / 2;
  return 0;
}

xc_dec xc__sim_mark_price(const xc__sim_mkt *m) {
  int64_t t = mark_ticks(m);
  if (t) return tick_px(m, t);
  if (!xc_dec_is_zero(m->last_price)) return m->last_price;
  return m->in.init_price;
}

/* ---- depth batchers ----------------------------------------------------------------------- */

/* changed-level set per batcher: an open-addressing table of (px, side) -> present, sized to at
 * least twice the entries; cleared at each flush */
static uint64_t ch_key(int64_t px, int s) { return ((uint64_t)px << 1 | (uint64_t)s) + 1; }

static bool ch_insert(xc__sim_depth_batch *b, uint64_t key) {
  if ((size_t)(b->nch + 1) * 2 > b->htcap) {
    size_t nc = b->htcap ? b->htcap * 2 : 256;
    uint64_t *t = calloc(nc, sizeof *t);
    if (!t) return false;
    for (int i = 0; i < b->nch; i++) {
      uint64_t k = ch_key(b->ch[i].px, b->ch[i].side);
      size_t h = (size_t)(k * 0x9e3779b97f4a7c15ull) & (nc - 1);
      while (t[h]) h = (h + 1) & (nc - 1);
      t[h] = k;
    }
    free(b->ht);
    b->ht = t;
    b->htcap = nc;
  }
  size_t h = (size_t)(key * 0x9e3779b97f4a7c15ull) & (b->htcap - 1);
  while (b->ht[h]) {
    if (b->ht[h] == key) return false;
    h = (h + 1) & (b->htcap - 1);
  }
  b->ht[h] = key;
  return true;
}

static void batch_note(xc__sim_mkt *m, int s, int64_t px) {
  for (xc__sim_depth_batch *b = m->batches; b; b = b->next) {
    if (!b->first_id) b->first_id = m->update_id;
    b->last_id = m->update_id;
    if (b->overflow) continue;
    if (b->nch >= XC__SIM_BATCH_MAX_CHANGED) {
      /* bounded memory: too many distinct levels in one window; the diff will be dropped
       * (a sequence gap the client recovers from by resyncing) */
      b->overflow = true;
      continue;
    }
    if (b->nch == b->capch) {
      int nc = b->capch ? b->capch * 2 : 64;
      sim_changed *p = realloc(b->ch, (size_t)nc * sizeof *p);
      if (!p) continue;
      b->ch = p;
      b->capch = nc;
    }
    if (!ch_insert(b, ch_key(px, s))) continue;
    b->ch[b->nch++] = (sim_changed){.px = px, .side = (uint8_t)s};
  }
}

/* Adds (px, side) to the batch's changed set outside the id accounting (fault injection). */
static void ch_add(xc__sim_depth_batch *b, int64_t px, int s) {
  if (b->nch == b->capch) {
    int nc = b->capch ? b->capch * 2 : 64;
    sim_changed *p = realloc(b->ch, (size_t)nc * sizeof *p);
    if (!p) return;
    b->ch = p;
    b->capch = nc;
  }
  if (!ch_insert(b, ch_key(px, s))) return;
  b->ch[b->nch++] = (sim_changed){.px = px, .side = (uint8_t)s};
}

static void ch_clear(xc__sim_depth_batch *b) {
  if (b->ht && b->nch) memset(b->ht, 0, b->htcap * sizeof *b->ht);
  b->nch = 0;
}

xc__sim_depth_batch *xc__sim_depth_batch_new(xc__sim_mkt *m, int max_levels) {
  xc__sim_depth_batch *b = calloc(1, sizeof *b);
  if (!b) return NULL;
  b->mkt = m;
  b->max_levels = max_levels;
  b->prev_last = m->update_id;
  b->gap_seen = m->gap_serial;
  b->cross_seen = m->cross_serial;
  b->next = m->batches;
  if (m->batches) m->batches->prev = b;
  m->batches = b;
  return b;
}

void xc__sim_depth_batch_free(xc__sim_depth_batch *b) {
  if (!b) return;
  xc__sim_mkt *m = b->mkt;
  if (b->prev) b->prev->next = b->next;
  else m->batches = b->next;
  if (b->next) b->next->prev = b->prev;
  free(b->ch);
  free(b->ht);
  free(b->out[0]);
  free(b->out[1]);
  free(b);
}

void xc__sim_depth_batch_reset(xc__sim_depth_batch *b) {
  ch_clear(b);
  b->overflow = false;
  b->first_id = b->last_id = 0;
  b->prev_last = b->mkt->update_id;
}

static int cmp_px_desc(const void *a, const void *b) {
  int64_t x = ((const sim_changed *)a)->px, y = ((const sim_changed *)b)->px;
  return x < y ? 1 : x > y ? -1 : 0;
}
static int cmp_px_asc(const void *a, const void *b) { return -cmp_px_desc(a, b); }

bool xc__sim_depth_batch_flush(xc__sim_depth_batch *b, xc__sim_depth_diff *out) {
  memset(out, 0, sizeof *out);
  if (!b->first_id) return false;
  xc__sim_mkt *m = b->mkt;
  out->first_id = b->first_id;
  out->last_id = b->last_id;
  out->prev_last_id = b->prev_last;
  b->prev_last = b->last_id;
  b->first_id = b->last_id = 0;
  if (b->gap_seen != m->gap_serial) {
    b->gap_seen = m->gap_serial;
    b->drop_left = (int)m->gap_pending;
  }
  if (b->cross_seen != m->cross_serial) {
    b->cross_seen = m->cross_serial;
    b->cross_state = 1;
  }
  if (b->overflow) {
    b->overflow = false;
    ch_clear(b);
    out->dropped = true;
    return true;
  }
  if (b->drop_left > 0) {
    b->drop_left--;
    ch_clear(b);
    out->dropped = true;
    return true;
  }
  /* book_cross fault: this diff (ids in sequence) also carries a bid at the best ask price, which
   * the book never had: whoever applies it holds a crossed book. The next diff carries that
   * price's true bid quantity (0): the correcting state. Snapshots never show the bid. */
  bool phantom = false;
  if (b->cross_state == 1 && m->side[XC__SIM_SELL].n) {
    b->cross_px = m->side[XC__SIM_SELL].lv[m->side[XC__SIM_SELL].n - 1].px;
    ch_add(b, b->cross_px, XC__SIM_BUY);
    phantom = true;
    b->cross_state = 2;
  } else if (b->cross_state == 2) {
    ch_add(b, b->cross_px, XC__SIM_BUY);
    b->cross_state = 0;
  }
  /* split by side, sort best first, look up current quantities */
  int n[2] = {0, 0};
  for (int i = 0; i < b->nch; i++) n[b->ch[i].side]++;
  for (int s = 0; s < 2; s++) {
    if (n[s] > b->capout[s]) {
      xc__sim_level *p = realloc(b->out[s], (size_t)n[s] * sizeof *p);
      if (!p) return false;
      b->out[s] = p;
      b->capout[s] = n[s];
    }
  }
  /* stable partition: bids first */
  int nb = 0;
  for (int i = 0; i < b->nch; i++)
    if (b->ch[i].side == 0) {
      sim_changed t = b->ch[i];
      b->ch[i] = b->ch[nb];
      b->ch[nb++] = t;
    }
  qsort(b->ch, (size_t)nb, sizeof *b->ch, cmp_px_desc);
  qsort(b->ch + nb, (size_t)(b->nch - nb), sizeof *b->ch, cmp_px_asc);
  int k[2] = {0, 0};
  for (int i = 0; i < b->nch; i++) {
    int s = b->ch[i].side;
    if (b->max_levels && k[s] >= b->max_levels) continue;
    int li = level_find(&m->side[s], s, b->ch[i].px);
    xc__sim_level *L = &b->out[s][k[s]++];
    L->price = tick_px(m, b->ch[i].px);
    L->qty = li >= 0 ? lot_qty(m, m->side[s].lv[li].lots) : XC_DEC_ZERO;
    if (phantom && s == XC__SIM_BUY && b->ch[i].px == b->cross_px && li < 0)
      L->qty = lot_qty(m, m->bg_lot > 0 ? m->bg_lot : 1);
  }
  ch_clear(b);
  out->nbids = k[0];
  out->nasks = k[1];
  out->bids = b->out[0];
  out->asks = b->out[1];
  return true;
}

/* ---- trades and stats --------------------------------------------------------------------- */

int xc__sim_trades_recent(const xc__sim_mkt *m, xc__sim_trade *out, int max) {
  int n = m->ntrades < max ? m->ntrades : max;
  /* oldest of the last n */
  int start = (m->trade_head - n + XC__SIM_TRADES_KEPT) % XC__SIM_TRADES_KEPT;
  for (int i = 0; i < n; i++) out[i] = m->trades[(start + i) % XC__SIM_TRADES_KEPT];
  return n;
}

void xc__sim_mkt_stats(const xc__sim_mkt *m, xc__sim_stats24 *out) {
  *out = m->stats;
  if (!out->count) {
    out->open = m->in.init_price;
    out->last = XC_DEC_ZERO;
  }
  out->close_ms = xc__sim_now_ms(m->sim);
}

static const xc__sim_trade *trade_print(xc__sim_mkt *m, int64_t px, int64_t lots,
                                        int taker_side, uint64_t maker_id, uint64_t taker_id) {
  xc_sim *sim = m->sim;
  xc__sim_trade *t = &m->trades[m->trade_head];
  m->trade_head = (m->trade_head + 1) % XC__SIM_TRADES_KEPT;
  if (m->ntrades < XC__SIM_TRADES_KEPT) m->ntrades++;
  t->id = ++m->next_trade_id;
  t->price = tick_px(m, px);
  t->qty = lot_qty(m, lots);
  t->quote_qty = dmul(t->price, t->qty);
  t->buyer_is_maker = taker_side == XC__SIM_SELL;
  t->time_ms = xc__sim_now_ms(sim);
  t->maker_order_id = maker_id;
  t->taker_order_id = taker_id;
  m->last_price = t->price;
  xc__sim_stats24 *st = &m->stats;
  if (!st->count) {
    st->open = t->price;
    st->high = t->price;
    st->low = t->price;
    st->first_id = t->id;
    st->open_ms = t->time_ms;
  }
  if (xc_dec_cmp(t->price, st->high) > 0) st->high = t->price;
  if (xc_dec_cmp(t->price, st->low) < 0) st->low = t->price;
  st->last = t->price;
  st->last_qty = t->qty;
  st->volume = dadd(st->volume, t->qty);
  st->quote_volume = dadd(st->quote_volume, t->quote_qty);
  st->count++;
  st->last_id = t->id;
  sim->trades_total++;
  uint64_t h = sim->trade_hash ? sim->trade_hash : 1469598103934665603ull;
  uint64_t vals[5] = {(uint64_t)m->index, t->id, (uint64_t)px, (uint64_t)lots, (uint64_t)taker_side};
  for (int i = 0; i < 5; i++) h = (h ^ vals[i]) * 1099511628211ull;
  sim->trade_hash = h;
  if (sim->nfe) {
    xc__sim_event ev = {.kind = XC__SIM_EV_TRADE, .time_ms = t->time_ms, .mkt = m};
    ev.u.trade.trade = t;
    xc__sim_emit(sim, &ev);
  }
  return t;
}

/* ---- orders: storage ---------------------------------------------------------------------- */

static sim_order *order_alloc(xc_sim *sim) {
  sim_order *o = sim->free_orders;
  if (o) sim->free_orders = o->hnext;
  else o = malloc(sizeof *o);
  if (o) memset(o, 0, sizeof *o);
  if (o) o->bg_index = -1;
  return o;
}

static void order_release(xc_sim *sim, sim_order *o) {
  o->hnext = sim->free_orders;
  sim->free_orders = o;
}

static void hash_add(xc_sim *sim, sim_order *o) {
  size_t i = o->o.id % (sizeof sim->id_hash / sizeof sim->id_hash[0]);
  o->hnext = sim->id_hash[i];
  sim->id_hash[i] = o;
}
static void hash_del(xc_sim *sim, sim_order *o) {
  size_t i = o->o.id % (sizeof sim->id_hash / sizeof sim->id_hash[0]);
  for (sim_order **pp = &sim->id_hash[i]; *pp; pp = &(*pp)->hnext)
    if (*pp == o) {
      *pp = o->hnext;
      return;
    }
}
static sim_order *hash_find(xc_sim *sim, uint64_t id) {
  size_t i = id % (sizeof sim->id_hash / sizeof sim->id_hash[0]);
  for (sim_order *o = sim->id_hash[i]; o; o = o->hnext)
    if (o->o.id == id) return o;
  return NULL;
}

static void done_push(xc__sim_acct *a, const xc__sim_order *o) {
  if (a->ndone == a->capdone && a->capdone < XC__SIM_DONE_KEPT) {
    int nc = a->capdone ? a->capdone * 2 : 64;
    if (nc > XC__SIM_DONE_KEPT) nc = XC__SIM_DONE_KEPT;
    xc__sim_order *p = realloc(a->done, (size_t)nc * sizeof *p);
    if (p) {
      /* unroll the ring into the larger array */
      if (a->ndone && a->done_head != 0) {
        xc__sim_order *tmp = malloc((size_t)a->ndone * sizeof *tmp);
        if (tmp) {
          for (int i = 0; i < a->ndone; i++) tmp[i] = p[(a->done_head + i) % a->capdone];
          memcpy(p, tmp, (size_t)a->ndone * sizeof *tmp);
          free(tmp);
        }
        a->done_head = 0;
      }
      a->done = p;
      a->capdone = nc;
    }
  }
  if (!a->capdone) return;
  if (a->ndone < a->capdone) {
    a->done[(a->done_head + a->ndone) % a->capdone] = *o;
    a->ndone++;
  } else {
    a->done[a->done_head] = *o;
    a->done_head = (a->done_head + 1) % a->capdone;
  }
}

static void fill_push(xc__sim_acct *a, const xc__sim_fill *f, uint64_t order_id, int mkt) {
  if (!a->fills) {
    a->fills = calloc(XC__SIM_FILLS_KEPT, sizeof *a->fills);
    if (!a->fills) return;
  }
  sim_fill_rec *r = &a->fills[a->fill_head];
  a->fill_head = (a->fill_head + 1) % XC__SIM_FILLS_KEPT;
  if (a->nfills < XC__SIM_FILLS_KEPT) a->nfills++;
  r->f = *f;
  r->order_id = order_id;
  r->mkt = mkt;
}

static void open_link(xc__sim_acct *a, sim_order *o) {
  o->aprev = a->open_tail;
  o->anext = NULL;
  if (a->open_tail) a->open_tail->anext = o;
  else a->open_head = o;
  a->open_tail = o;
  a->nopen[((const xc__sim_mkt *)o->o.mkt)->index]++;
}
static void open_unlink(xc__sim_acct *a, sim_order *o) {
  if (o->aprev) o->aprev->anext = o->anext;
  else a->open_head = o->anext;
  if (o->anext) o->anext->aprev = o->aprev;
  else a->open_tail = o->aprev;
  a->nopen[((const xc__sim_mkt *)o->o.mkt)->index]--;
}

static void order_event(xc_sim *sim, sim_order *o, xc__sim_exec exec, const xc__sim_fill *f) {
  o->o.update_ms = xc__sim_now_ms(sim);
  o->o.update_seq++;
  if (!sim->nfe) return;
  xc__sim_event ev = {.kind = XC__SIM_EV_ORDER, .time_ms = o->o.update_ms, .mkt = o->o.mkt,
                      .acct = o->acct};
  ev.u.order.exec = exec;
  ev.u.order.order = &o->o;
  ev.u.order.fill = f;
  xc__sim_emit(sim, &ev);
}

/* Releases what an order still holds (spot lock or order margin). */
static void order_unlock(xc__sim_mkt *m, sim_order *o) {
  xc__sim_acct *a = o->acct;
  if (!a || xc_dec_is_zero(o->locked)) return;
  if (m->in.kind == XC_SIM_LINEAR) {
    a->order_margin = dsub(a->order_margin, o->locked);
    bal_get(a, a->margin_asset)->changed = true;
    acct_touch(a);
  } else {
    const char *asset = o->o.side == XC__SIM_BUY ? m->in.quote : m->in.base;
    bal_change(a, asset, XC_DEC_ZERO, xc_dec_neg(o->locked));
  }
  o->locked = XC_DEC_ZERO;
}

/* A user order left the book or finished matching: record and free. */
static void order_finish(xc_sim *sim, xc__sim_mkt *m, sim_order *o) {
  order_unlock(m, o);
  if (o->acct) {
    open_unlink(o->acct, o);
    hash_del(sim, o);
    done_push(o->acct, &o->o);
  } else {
    hash_del(sim, o);
    if (o->bg_index >= 0) {
      sim_order *last = m->bg_orders[--m->nbg];
      m->bg_orders[o->bg_index] = last;
      last->bg_index = o->bg_index;
    }
  }
  order_release(sim, o);
}

/* ---- positions ---------------------------------------------------------------------------- */

static void pos_view(const xc__sim_acct *a, const xc__sim_mkt *m, xc__sim_position *out) {
  const sim_pos *p = &a->pos[m->index];
  memset(out, 0, sizeof *out);
  out->mkt = m;
  out->qty = p->qty;
  out->leverage = p->leverage ? p->leverage : 20;
  out->realized_pnl = p->realized;
  out->update_ms = p->update_ms;
  out->mark_price = xc__sim_mark_price(m);
  if (xc_dec_is_zero(p->qty)) return;
  xc_dec aq = xc_dec_abs(p->qty);
  out->entry_price = ddiv(p->cost, aq, m->in.price_places + 6);
  out->notional = dmul(aq, out->mark_price);
  xc_dec pnl = dsub(out->notional, p->cost);
  out->unrealized_pnl = xc_dec_sign(p->qty) > 0 ? pnl : xc_dec_neg(pnl);
  out->initial_margin = ddiv(out->notional, dint(out->leverage), 8);
}

void xc__sim_acct_position(const xc__sim_acct *a, const xc__sim_mkt *m, xc__sim_position *out) {
  pos_view(a, m, out);
}

xc_status xc__sim_acct_set_leverage(xc__sim_acct *a, const xc__sim_mkt *m, int leverage) {
  if (!a || !m || m->in.kind != XC_SIM_LINEAR) return XC_EINVAL;
  if (leverage < 1 || leverage > m->in.max_leverage) return XC_ERANGE;
  a->pos[m->index].leverage = leverage;
  return XC_OK;
}

static int pos_leverage(const xc__sim_acct *a, const xc__sim_mkt *m) {
  int l = a->pos[m->index].leverage;
  return l ? l : 20;
}

/* Applies a fill of signed quantity dq at price to the position; returns realized PnL. */
static xc_dec pos_apply(xc__sim_acct *a, xc__sim_mkt *m, xc_dec dq, xc_dec price, int64_t now) {
  sim_pos *p = &a->pos[m->index];
  xc_dec pnl = XC_DEC_ZERO;
  xc_dec adq = xc_dec_abs(dq);
  int ps = xc_dec_sign(p->qty), ds = xc_dec_sign(dq);
  if (ps == 0 || ps == ds) {
    p->qty = dadd(p->qty, dq);
    p->cost = dadd(p->cost, dmul(price, adq));
  } else {
    xc_dec apq = xc_dec_abs(p->qty);
    xc_dec closing = dmin(adq, apq);
    xc_dec part = xc_dec_cmp(closing, apq) == 0 ? p->cost : ddiv(dmul(p->cost, closing), apq, 12);
    xc_dec val = dmul(price, closing);
    pnl = ps > 0 ? dsub(val, part) : dsub(part, val);
    p->cost = dsub(p->cost, part);
    p->qty = dadd(p->qty, dq);
    if (xc_dec_cmp(adq, apq) > 0) p->cost = dmul(price, xc_dec_abs(p->qty));
    if (xc_dec_is_zero(p->qty)) p->cost = XC_DEC_ZERO;
    p->realized = dadd(p->realized, pnl);
  }
  p->qty = xc_dec_normalize(p->qty);
  p->update_ms = now;
  p->changed = true;
  return pnl;
}

/* ---- fills -------------------------------------------------------------------------------- */

/* Applies one fill of `lots` at `px` to a user order (no-op for background orders). */
static void fill_user(xc_sim *sim, xc__sim_mkt *m, sim_order *o, int64_t px, int64_t lots,
                      bool maker, const xc__sim_trade *t, xc__sim_order_res *res) {
  xc__sim_acct *a = o->acct;
  int64_t rem_before = o->rem;
  o->rem -= lots;
  if (!a) return;
  xc_dec price = tick_px(m, px), qty = lot_qty(m, lots), quote = dmul(price, qty);
  xc_dec rate = maker ? m->in.maker_fee : m->in.taker_fee;
  xc__sim_fill f;
  memset(&f, 0, sizeof f);
  f.trade_id = t->id;
  f.price = price;
  f.qty = qty;
  f.quote_qty = quote;
  f.maker = maker;
  f.time_ms = t->time_ms;
  if (m->in.kind == XC_SIM_SPOT) {
    if (o->o.side == XC__SIM_BUY) {
      /* limit buys locked price*qty at their limit; market buys locked an amount of quote */
      xc_dec unlock = o->o.type == XC__SIM_LIMIT ? dmul(o->o.price, qty) : quote;
      unlock = dmin(unlock, o->locked);
      o->locked = dsub(o->locked, unlock);
      bal_change(a, m->in.quote, xc_dec_neg(quote), xc_dec_neg(unlock));
      f.fee = dmul(qty, rate);
      snprintf(f.fee_asset, sizeof f.fee_asset, "%s", m->in.base);
      bal_change(a, m->in.base, dsub(qty, f.fee), XC_DEC_ZERO);
    } else {
      xc_dec unlock = dmin(qty, o->locked);
      o->locked = dsub(o->locked, unlock);
      bal_change(a, m->in.base, xc_dec_neg(qty), xc_dec_neg(unlock));
      f.fee = dmul(quote, rate);
      snprintf(f.fee_asset, sizeof f.fee_asset, "%s", m->in.quote);
      bal_change(a, m->in.quote, dsub(quote, f.fee), XC_DEC_ZERO);
    }
  } else {
    xc_dec rel = lots == rem_before ? o->locked
                                    : ddiv(dmul(o->locked, dint(lots)), dint(rem_before), 12);
    o->locked = dsub(o->locked, rel);
    a->order_margin = dsub(a->order_margin, rel);
    f.fee = dmul(quote, rate);
    snprintf(f.fee_asset, sizeof f.fee_asset, "%s", a->margin_asset);
    xc_dec dq = o->o.side == XC__SIM_BUY ? qty : xc_dec_neg(qty);
    f.realized_pnl = pos_apply(a, m, dq, price, t->time_ms);
    bal_change(a, a->margin_asset, dsub(f.realized_pnl, f.fee), XC_DEC_ZERO);
  }
  o->o.filled_qty = dadd(o->o.filled_qty, qty);
  o->o.filled_quote = dadd(o->o.filled_quote, quote);
  o->o.avg_price = ddiv(o->o.filled_quote, o->o.filled_qty, m->in.price_places + 8);
  o->o.fee_total = dadd(o->o.fee_total, f.fee);
  snprintf(o->o.fee_asset, sizeof o->o.fee_asset, "%s", f.fee_asset);
  o->o.status = o->rem == 0 ? XC__SIM_OS_FILLED : XC__SIM_OS_PARTIALLY_FILLED;
  fill_push(a, &f, o->o.id, m->index);
  order_event(sim, o, XC__SIM_EXEC_TRADE, &f);
  if (res && !maker && res->nfills < XC__SIM_MAX_FILLS) res->fills[res->nfills++] = f;
}

/* Matches taker t against the opposite side up to limit_px (0 = no limit: market). */
static void match(xc_sim *sim, xc__sim_mkt *m, sim_order *t, int64_t limit_px,
                  xc__sim_order_res *res) {
  int os = !t->o.side;
  sim_book_side *sd = &m->side[os];
  while (t->rem > 0 && sd->n > 0) {
    sim_level *L = &sd->lv[sd->n - 1];
    int64_t px = L->px;
    if (limit_px && (t->o.side == XC__SIM_BUY ? px > limit_px : px < limit_px)) break;
    while (t->rem > 0 && L->head) {
      sim_order *mk = L->head;
      int64_t q = mk->rem < t->rem ? mk->rem : t->rem;
      const xc__sim_trade *tr = trade_print(m, px, q, t->o.side, mk->o.id, t->o.id);
      L->lots -= q;
      fill_user(sim, m, mk, px, q, true, tr, NULL);
      fill_user(sim, m, t, px, q, false, tr, res);
      if (mk->rem == 0) {
        /* unlink the maker without a book event (one is emitted per level below) */
        L->head = mk->lnext;
        if (L->head) L->head->lprev = NULL;
        else L->tail = NULL;
        mk->resting = false;
        order_finish(sim, m, mk);
      }
    }
    if (!L->head) {
      sd->n--;
      book_event(m, os, px, 0);
    } else {
      book_event(m, os, px, L->lots);
    }
  }
}

/* Lots available on the opposite side up to limit_px (0 = any), capped at cap. */
static int64_t liquidity(const xc__sim_mkt *m, int side, int64_t limit_px, int64_t cap) {
  int os = !side;
  const sim_book_side *sd = &m->side[os];
  int64_t sum = 0;
  for (int i = sd->n - 1; i >= 0 && sum < cap; i--) {
    int64_t px = sd->lv[i].px;
    if (limit_px && (side == XC__SIM_BUY ? px > limit_px : px < limit_px)) break;
    sum += sd->lv[i].lots;
  }
  return sum;
}

/* Quote cost of taking `lots` from the opposite side (as far as it goes). */
static xc_dec take_cost(const xc__sim_mkt *m, int side, int64_t lots) {
  const sim_book_side *sd = &m->side[!side];
  xc_dec cost = XC_DEC_ZERO;
  for (int i = sd->n - 1; i >= 0 && lots > 0; i--) {
    int64_t q = sd->lv[i].lots < lots ? sd->lv[i].lots : lots;
    cost = dadd(cost, dmul(tick_px(m, sd->lv[i].px), lot_qty(m, q)));
    lots -= q;
  }
  return cost;
}

/* Base lots bought/sold for a quote budget by walking the opposite side. */
static int64_t lots_for_quote(const xc__sim_mkt *m, int side, xc_dec budget) {
  const sim_book_side *sd = &m->side[!side];
  int64_t total = 0;
  for (int i = sd->n - 1; i >= 0; i--) {
    xc_dec unit = dmul(tick_px(m, sd->lv[i].px), m->in.step);
    xc_dec lvl_cost = dmul(unit, dint(sd->lv[i].lots));
    if (xc_dec_cmp(lvl_cost, budget) <= 0) {
      total += sd->lv[i].lots;
      budget = dsub(budget, lvl_cost);
      continue;
    }
    xc_dec n;
    int64_t k = 0;
    if (xc_dec_div(budget, unit, 0, XC_ROUND_DOWN, &n) == XC_OK) xc_dec_to_i64(n, XC_ROUND_DOWN, &k);
    total += k;
    break;
  }
  return total;
}

/* ---- order placement ---------------------------------------------------------------------- */

static bool is_open(const sim_order *o) {
  return o->o.status == XC__SIM_OS_NEW || o->o.status == XC__SIM_OS_PARTIALLY_FILLED;
}

static xc__sim_rej validate(xc__sim_mkt *m, xc__sim_acct *a, const xc__sim_order_req *rq,
                            int64_t *px, int64_t *lots) {
  const xc__sim_instr *in = &m->in;
  *px = 0;
  *lots = 0;
  if ((unsigned)rq->side > 1 || (unsigned)rq->type > 1 || (unsigned)rq->tif > 3)
    return XC__SIM_REJ_BAD_PARAM;
  if (in->kind == XC_SIM_LINEAR && !a->margin) return XC__SIM_REJ_BAD_PARAM;
  if (in->kind == XC_SIM_SPOT && rq->reduce_only) return XC__SIM_REJ_BAD_PARAM;
  bool by_quote = !xc_dec_is_zero(rq->quote_qty);
  if (rq->type == XC__SIM_LIMIT) {
    if (by_quote || xc_dec_sign(rq->price) <= 0 || xc_dec_sign(rq->qty) <= 0)
      return XC__SIM_REJ_BAD_PARAM;
    if (xc_dec_to_ticks(rq->price, in->tick, XC_ROUND_EXACT, px) != XC_OK)
      return XC__SIM_REJ_PRICE_FILTER;
    if (xc_dec_cmp(rq->price, in->min_price) < 0 ||
        (!xc_dec_is_zero(in->max_price) && xc_dec_cmp(rq->price, in->max_price) > 0))
      return XC__SIM_REJ_PRICE_FILTER;
  } else {
    if (by_quote == !xc_dec_is_zero(rq->qty)) return XC__SIM_REJ_BAD_PARAM;
    if (by_quote && xc_dec_sign(rq->quote_qty) < 0) return XC__SIM_REJ_BAD_PARAM;
    if (!by_quote && xc_dec_sign(rq->qty) < 0) return XC__SIM_REJ_BAD_PARAM;
  }
  if (!by_quote) {
    if (xc_dec_to_ticks(rq->qty, in->step, XC_ROUND_EXACT, lots) != XC_OK)
      return XC__SIM_REJ_LOT_SIZE;
    xc_dec maxq = rq->type == XC__SIM_MARKET && !xc_dec_is_zero(in->market_max_qty)
                      ? in->market_max_qty
                      : in->max_qty;
    if (xc_dec_cmp(rq->qty, in->min_qty) < 0 ||
        (!xc_dec_is_zero(maxq) && xc_dec_cmp(rq->qty, maxq) > 0) || *lots <= 0)
      return XC__SIM_REJ_LOT_SIZE;
  }
  /* notional */
  xc_dec notional;
  if (rq->type == XC__SIM_LIMIT) notional = dmul(rq->price, rq->qty);
  else if (by_quote) notional = rq->quote_qty;
  else {
    xc__sim_level best;
    notional = xc__sim_book_best(m, (xc__sim_side)!rq->side, &best) ? dmul(best.price, rq->qty)
                                                                     : dmul(xc__sim_mark_price(m), rq->qty);
  }
  if (xc_dec_cmp(notional, in->min_notional) < 0) return XC__SIM_REJ_MIN_NOTIONAL;
  if (!xc_dec_is_zero(in->max_notional) && xc_dec_cmp(notional, in->max_notional) > 0)
    return XC__SIM_REJ_MAX_NOTIONAL;
  if (rq->client_id && rq->client_id[0]) {
    if (strlen(rq->client_id) >= XC__SIM_CLID_MAX) return XC__SIM_REJ_BAD_PARAM;
    for (sim_order *o = a->open_head; o; o = o->anext)
      if (strcmp(o->o.client_id, rq->client_id) == 0) return XC__SIM_REJ_DUP_CLIENT_ID;
  }
  if (a->nopen[m->index] >= XC__SIM_MAX_OPEN_PER_MKT) return XC__SIM_REJ_TOO_MANY_ORDERS;
  if (rq->reduce_only) {
    int ps = xc_dec_sign(a->pos[m->index].qty);
    if (ps == 0 || (ps > 0) == (rq->side == XC__SIM_BUY)) return XC__SIM_REJ_REDUCE_ONLY;
  }
  return XC__SIM_REJ_NONE;
}

/* free amount of asset (spot view; for the margin asset of a margin account, available margin) */
static xc_dec avail(const xc__sim_acct *a, const char *asset) {
  const sim_bal *b = bal_find(a, asset);
  if (!b) return XC_DEC_ZERO;
  xc__sim_balance v;
  bal_view(a, b, &v);
  return v.free;
}

xc_status xc__sim_order_place(xc_sim *sim, const xc__sim_order_req *rq, xc__sim_order_res *res) {
  memset(res, 0, sizeof *res);
  if (!sim || !rq || !rq->mkt || !rq->acct) {
    res->rej = XC__SIM_REJ_BAD_PARAM;
    return XC_EINVAL;
  }
  xc__sim_mkt *m = rq->mkt;
  xc__sim_acct *a = rq->acct;
  int64_t px, lots;
  xc__sim_rej rej = validate(m, a, rq, &px, &lots);
  bool by_quote = rq->type == XC__SIM_MARKET && !xc_dec_is_zero(rq->quote_qty);
  int side = rq->side;
  /* by quote: the lots the budget buys (or sells for) on the current book, matched as a market
   * order of that many lots: the book cannot change in between, so the fills are the same */
  if (!rej && by_quote) lots = lots_for_quote(m, side, rq->quote_qty);
  /* reduce-only never opens: its quantity is capped at the position (Binance / Bybit do the
   * same for an order larger than the position) */
  bool capped = false;
  if (!rej && rq->reduce_only) {
    int64_t plots = 0;
    xc_dec_to_ticks(xc_dec_abs(a->pos[m->index].qty), m->in.step, XC_ROUND_DOWN, &plots);
    if (lots > plots) {
      lots = plots;
      capped = true;
    }
  }
  xc__sim_tif tif = rq->type == XC__SIM_MARKET ? XC__SIM_IOC : rq->tif;
  bool would_take = false;
  if (!rej && rq->type == XC__SIM_LIMIT) {
    const sim_book_side *opp = &m->side[!side];
    if (opp->n) {
      int64_t best = opp->lv[opp->n - 1].px;
      would_take = side == XC__SIM_BUY ? best <= px : best >= px;
    }
    if (tif == XC__SIM_POST_ONLY && would_take && (rq->flags & XC__SIM_OF_REJECT_WOULD_TAKE))
      rej = XC__SIM_REJ_WOULD_TAKE;
  }
  if (!rej && rq->type == XC__SIM_MARKET && (rq->flags & XC__SIM_OF_REJECT_NO_LIQUIDITY) &&
      m->side[!side].n == 0)
    rej = XC__SIM_REJ_NO_LIQUIDITY;
  /* funds */
  xc_dec lock = XC_DEC_ZERO;
  const char *lock_asset = NULL;
  if (!rej) {
    if (m->in.kind == XC_SIM_SPOT) {
      if (side == XC__SIM_BUY) {
        lock_asset = m->in.quote;
        if (rq->type == XC__SIM_LIMIT) lock = dmul(rq->price, rq->qty);
        else if (by_quote) lock = rq->quote_qty;
        else lock = take_cost(m, side, lots);
      } else {
        lock_asset = m->in.base;
        lock = lot_qty(m, lots);
      }
      if (xc_dec_cmp(avail(a, lock_asset), lock) < 0) rej = XC__SIM_REJ_INSUFFICIENT;
    } else {
      /* order margin for the part that opens or grows exposure */
      int64_t open_lots = lots;
      xc_dec pq = a->pos[m->index].qty;
      int ps = xc_dec_sign(pq);
      if (ps != 0 && (ps > 0) != (side == XC__SIM_BUY)) {
        int64_t plots = 0;
        xc_dec_to_ticks(xc_dec_abs(pq), m->in.step, XC_ROUND_DOWN, &plots);
        open_lots = lots > plots ? lots - plots : 0;
      }
      if (rq->reduce_only) open_lots = 0;
      xc_dec notional = rq->type == XC__SIM_LIMIT ? dmul(rq->price, lot_qty(m, open_lots))
                                                  : take_cost(m, side, open_lots);
      lock = ddiv(notional, dint(pos_leverage(a, m)), 8);
      lock_asset = a->margin_asset;
      if (xc_dec_cmp(avail(a, lock_asset), lock) < 0) rej = XC__SIM_REJ_INSUFFICIENT;
    }
  }
  if (rej) {
    res->rej = rej;
    return XC_EREJECTED;
  }
  sim_order *o = order_alloc(sim);
  if (!o) return XC_ENOMEM;
  xc__sim_action_begin(sim);
  int64_t now = xc__sim_now_ms(sim);
  o->acct = a;
  o->o.id = ++sim->next_order_id;
  if (rq->client_id && rq->client_id[0])
    snprintf(o->o.client_id, sizeof o->o.client_id, "%s", rq->client_id);
  else snprintf(o->o.client_id, sizeof o->o.client_id, "sim-%llu", (unsigned long long)o->o.id);
  o->o.mkt = m;
  o->o.acct = a;
  o->o.side = (xc__sim_side)side;
  o->o.type = rq->type;
  o->o.tif = rq->type == XC__SIM_MARKET ? XC__SIM_IOC : rq->tif;
  o->o.status = XC__SIM_OS_NEW;
  o->o.reduce_only = rq->reduce_only;
  o->o.price = rq->type == XC__SIM_LIMIT ? xc_dec_normalize(rq->price) : XC_DEC_ZERO;
  o->o.qty = by_quote || capped ? lot_qty(m, lots) : xc_dec_normalize(rq->qty);
  o->o.quote_qty = by_quote ? xc_dec_normalize(rq->quote_qty) : XC_DEC_ZERO;
  o->o.create_ms = o->o.update_ms = now;
  snprintf(o->o.fee_asset, sizeof o->o.fee_asset, "%s",
           m->in.kind == XC_SIM_LINEAR ? a->margin_asset
                                       : (side == XC__SIM_BUY ? m->in.base : m->in.quote));
  o->px = px;
  o->lots = lots;
  o->rem = lots;
  o->locked = lock;
  if (m->in.kind == XC_SIM_LINEAR) {
    a->order_margin = dadd(a->order_margin, lock);
    bal_get(a, a->margin_asset)->changed = true;
    acct_touch(a);
  } else if (!xc_dec_is_zero(lock)) {
    bal_change(a, lock_asset, XC_DEC_ZERO, lock);
  }
  hash_add(sim, o);
  open_link(a, o);
  order_event(sim, o, XC__SIM_EXEC_NEW, NULL);

  bool expire = false;
  if (tif == XC__SIM_POST_ONLY && would_take) {
    expire = true;
  } else if (tif == XC__SIM_FOK && liquidity(m, side, px, lots) < lots) {
    expire = true;
  } else if (lots == 0) {
    expire = true; /* by quote: the budget buys nothing */
  } else {
    match(sim, m, o, rq->type == XC__SIM_LIMIT ? px : 0, res);
    if (o->rem > 0 && (tif == XC__SIM_IOC || tif == XC__SIM_FOK)) expire = true;
  }
  if (expire) {
    o->o.status = XC__SIM_OS_EXPIRED;
    res->order = o->o;
    order_event(sim, o, XC__SIM_EXEC_EXPIRED, NULL);
    res->order = o->o;
    order_finish(sim, m, o);
  } else if (o->rem == 0) {
    o->o.status = XC__SIM_OS_FILLED;
    res->order = o->o;
    order_finish(sim, m, o);
  } else {
    /* rests on the book */
    book_add(m, o);
    res->order = o->o;
  }
  xc__sim_action_end(sim);
  return XC_OK;
}

static sim_order *find_open(xc__sim_acct *a, const xc__sim_mkt *m, uint64_t id, const char *clid) {
  if (id) {
    sim_order *o = hash_find(a->sim, id);
    return o && o->acct == a && (!m || o->o.mkt == m) ? o : NULL;
  }
  for (sim_order *o = a->open_head; o; o = o->anext) {
    if (m && o->o.mkt != m) continue;
    if (id ? o->o.id == id : (clid && strcmp(o->o.client_id, clid) == 0)) return o;
  }
  return NULL;
}

static void cancel_one(xc_sim *sim, sim_order *o) {
  xc__sim_mkt *m = (xc__sim_mkt *)o->o.mkt;
  book_remove(m, o);
  o->o.status = XC__SIM_OS_CANCELED;
  order_unlock(m, o);
  order_event(sim, o, XC__SIM_EXEC_CANCELED, NULL);
}

xc_status xc__sim_order_cancel(xc_sim *sim, xc__sim_acct *a, const xc__sim_mkt *m,
                               uint64_t order_id, const char *client_id, xc__sim_order *out) {
  if (!sim || !a || (!order_id && (!client_id || !client_id[0]))) return XC_EINVAL;
  sim_order *o = find_open(a, m, order_id, client_id);
  if (!o) return XC_EUNKNOWN_ORDER;
  xc__sim_action_begin(sim);
  cancel_one(sim, o);
  if (out) *out = o->o;
  order_finish(sim, (xc__sim_mkt *)o->o.mkt, o);
  xc__sim_action_end(sim);
  return XC_OK;
}

int xc__sim_order_cancel_all(xc_sim *sim, xc__sim_acct *a, const xc__sim_mkt *m,
                             void (*fn)(const xc__sim_order *o, void *user), void *user) {
  if (!sim || !a) return XC_EINVAL;
  int n = 0;
  xc__sim_action_begin(sim);
  sim_order *o = a->open_head;
  while (o) {
    sim_order *next = o->anext;
    if (!m || o->o.mkt == m) {
      cancel_one(sim, o);
      if (fn) fn(&o->o, user);
      order_finish(sim, (xc__sim_mkt *)o->o.mkt, o);
      n++;
    }
    o = next;
  }
  xc__sim_action_end(sim);
  return n;
}

xc_status xc__sim_order_get(xc_sim *sim, const xc__sim_acct *a, const xc__sim_mkt *m,
                            uint64_t order_id, const char *client_id, xc__sim_order *out) {
  if (!sim || !a || (!order_id && (!client_id || !client_id[0]))) return XC_EINVAL;
  sim_order *o = find_open((xc__sim_acct *)a, m, order_id, client_id);
  if (o) {
    *out = o->o;
    return XC_OK;
  }
  for (int i = a->ndone - 1; i >= 0; i--) { /* newest first */
    const xc__sim_order *d = &a->done[(a->done_head + i) % a->capdone];
    if (m && d->mkt != m) continue;
    if (order_id ? d->id == order_id : strcmp(d->client_id, client_id) == 0) {
      *out = *d;
      return XC_OK;
    }
  }
  return XC_EUNKNOWN_ORDER;
}

int xc__sim_orders_open(xc_sim *sim, const xc__sim_acct *a, const xc__sim_mkt *m,
                        void (*fn)(const xc__sim_order *o, void *user), void *user) {
  (void)sim;
  int n = 0;
  for (sim_order *o = a->open_head; o; o = o->anext) {
    if (m && o->o.mkt != m) continue;
    if (!is_open(o)) continue;
    if (fn) fn(&o->o, user);
    n++;
  }
  return n;
}

int xc__sim_acct_fills(const xc__sim_acct *a, const xc__sim_mkt *m, xc__sim_fill *fills,
                       xc__sim_order *orders, int max) {
  int n = 0;
  int start = (a->fill_head - a->nfills + XC__SIM_FILLS_KEPT) % XC__SIM_FILLS_KEPT;
  /* collect newest max matching, oldest first: first count matches */
  int total = 0;
  for (int i = 0; i < a->nfills; i++) {
    const sim_fill_rec *r = &a->fills[(start + i) % XC__SIM_FILLS_KEPT];
    if (!m || r->mkt == m->index) total++;
  }
  int skip = total > max ? total - max : 0;
  for (int i = 0; i < a->nfills && n < max; i++) {
    const sim_fill_rec *r = &a->fills[(start + i) % XC__SIM_FILLS_KEPT];
    if (m && r->mkt != m->index) continue;
    if (skip > 0) {
      skip--;
      continue;
    }
    if (fills) fills[n] = r->f;
    if (orders && xc__sim_order_get(a->sim, a, NULL, r->order_id, NULL, &orders[n]) != XC_OK)
      memset(&orders[n], 0, sizeof orders[n]);
    n++;
  }
  return n;
}

const char *xc__sim_rej_name(xc__sim_rej r) {
  static const char *names[] = {"NONE", "BAD_PARAM", "PRICE_FILTER", "LOT_SIZE", "MIN_NOTIONAL",
                                "MAX_NOTIONAL", "INSUFFICIENT", "WOULD_TAKE", "DUP_CLIENT_ID",
                                "REDUCE_ONLY", "NO_LIQUIDITY", "UNKNOWN_ORDER", "TOO_MANY_ORDERS"};
  return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "?";
}

/* ---- background orders -------------------------------------------------------------------- */

sim_order *xc__sim_bg_place(xc__sim_mkt *m, xc__sim_side side, int64_t px, int64_t lots, bool ioc) {
  xc_sim *sim = m->sim;
  if (lots <= 0 || px <= 0) return NULL;
  sim_order *o = order_alloc(sim);
  if (!o) return NULL;
  o->o.id = ++sim->next_order_id;
  o->o.mkt = m;
  o->o.side = side;
  o->o.type = XC__SIM_LIMIT;
  o->o.tif = ioc ? XC__SIM_IOC : XC__SIM_GTC;
  o->px = px;
  o->lots = o->rem = lots;
  hash_add(sim, o);
  match(sim, m, o, px, NULL);
  if (o->rem == 0 || ioc) {
    hash_del(sim, o);
    order_release(sim, o);
    return NULL;
  }
  if (m->nbg == m->capbg) {
    int nc = m->capbg ? m->capbg * 2 : 256;
    sim_order **p = realloc(m->bg_orders, (size_t)nc * sizeof *p);
    if (!p) {
      hash_del(sim, o);
      order_release(sim, o);
      return NULL;
    }
    m->bg_orders = p;
    m->capbg = nc;
  }
  o->bg_index = m->nbg;
  m->bg_orders[m->nbg++] = o;
  book_add(m, o);
  return o;
}

void xc__sim_bg_cancel(xc__sim_mkt *m, sim_order *o) {
  book_remove(m, o);
  order_finish(m->sim, m, o);
}

/* ---- accounts, users, markets ------------------------------------------------------------- */

void xc__sim_acct_balance(const xc__sim_acct *a, const char *asset, xc__sim_balance *out) {
  const sim_bal *b = bal_find(a, asset);
  if (!b) {
    memset(out, 0, sizeof *out);
    snprintf(out->asset, sizeof out->asset, "%s", asset);
    return;
  }
  bal_view(a, b, out);
}

int xc__sim_acct_balances(const xc__sim_acct *a, xc__sim_balance *out, int max) {
  int n = 0;
  for (int i = 0; i < a->nbal && n < max; i++) bal_view(a, &a->bal[i], &out[n++]);
  return n;
}

xc_status xc__sim_acct_deposit(xc__sim_acct *a, const char *asset, xc_dec amount) {
  if (!a || !asset || !asset[0] || strlen(asset) >= 12) return XC_EINVAL;
  if (xc_dec_sign(amount) < 0 && xc_dec_cmp(avail(a, asset), xc_dec_abs(amount)) < 0)
    return XC_EINSUFFICIENT;
  sim_bal *b = bal_get(a, asset);
  if (!b) return XC_EFULL;
  xc_sim *sim = a->sim;
  b->wallet = dadd(b->wallet, amount);
  xc__sim_balance item;
  bal_view(a, b, &item);
  if (sim->nfe) {
    xc__sim_event ev = {.kind = XC__SIM_EV_BALANCE, .time_ms = xc__sim_now_ms(sim), .acct = a};
    ev.u.balance.reason = XC__SIM_BAL_DEPOSIT;
    ev.u.balance.n = 1;
    ev.u.balance.items = &item;
    ev.u.balance.deltas = &amount;
    xc__sim_emit(sim, &ev);
    xc__sim_event end = {.kind = XC__SIM_EV_BATCH_END, .time_ms = ev.time_ms};
    xc__sim_emit(sim, &end);
  }
  return XC_OK;
}

xc_sim_venue xc__sim_acct_venue(const xc__sim_acct *a) { return a->venue; }
bool xc__sim_acct_is_margin(const xc__sim_acct *a) { return a->margin; }

void xc__sim_acct_margin(const xc__sim_acct *a, const char *asset, xc__sim_margin *out) {
  margin_view(a, asset, out);
}

const xc__sim_user *xc__sim_user_by_key(const xc_sim *sim, const char *key, size_t len) {
  if (!key || len != strlen(sim->user.api_key) || memcmp(key, sim->user.api_key, len) != 0)
    return NULL;
  return &sim->user;
}

xc__sim_acct *xc__sim_user_acct(const xc__sim_user *u, const xc__sim_mkt *m) {
  return u->acct[m->in.venue][m->in.kind];
}

int xc__sim_mkt_count(const xc_sim *sim) { return sim->nmkts; }
xc__sim_mkt *xc__sim_mkt_at(xc_sim *sim, int i) {
  return i >= 0 && i < sim->nmkts ? sim->mkts[i] : NULL;
}
xc__sim_mkt *xc__sim_mkt_findn(xc_sim *sim, xc_sim_venue venue, xc_sim_kind kind,
                               const char *symbol, size_t len) {
  if (!symbol) return NULL;
  for (int i = 0; i < sim->nmkts; i++) {
    xc__sim_mkt *m = sim->mkts[i];
    if (m->in.venue == venue && m->in.kind == kind && strlen(m->in.symbol) == len &&
        memcmp(m->in.symbol, symbol, len) == 0)
      return m;
  }
  return NULL;
}
xc__sim_mkt *xc__sim_mkt_find(xc_sim *sim, xc_sim_venue venue, xc_sim_kind kind,
                              const char *symbol) {
  return symbol ? xc__sim_mkt_findn(sim, venue, kind, symbol, strlen(symbol)) : NULL;
}
const xc__sim_instr *xc__sim_mkt_instr(const xc__sim_mkt *m) { return &m->in; }
int xc__sim_mkt_index(const xc__sim_mkt *m) { return m->index; }

/* Instrument presets: known symbols get real-looking rules, others a generic set. */
typedef struct preset {
  const char *symbol;
  xc_sim_venue venue;
  xc_sim_kind kind;
  const char *tick, *step, *min_qty, *max_qty, *mkt_max_qty, *min_notional, *maker, *taker;
  const char *price;
  int max_lev;
} preset;

static const preset presets[] = {
    {"BTCUSDT", XC_SIM_BINANCE, XC_SIM_SPOT, "0.01", "0.00001", "0.00001", "9000", "100",
     "5", "0.001", "0.001", "60000", 0},
    {"ETHUSDT", XC_SIM_BINANCE, XC_SIM_SPOT, "0.01", "0.0001", "0.0001", "9000", "3000",
     "5", "0.001", "0.001", "3000", 0},
    {"BTCUSDT", XC_SIM_BINANCE, XC_SIM_LINEAR, "0.10", "0.001", "0.001", "1000", "120", "100",
     "0.0002", "0.0005", "60000", 125},
    {"ETHUSDT", XC_SIM_BINANCE, XC_SIM_LINEAR, "0.01", "0.001", "0.001", "10000", "2000", "20",
     "0.0002", "0.0005", "3000", 100},
    {"BTCUSDT", XC_SIM_BYBIT, XC_SIM_SPOT, "0.01", "0.000001", "0.000048", "71.73956243",
     "71.73956243", "5", "0.001", "0.001", "60000", 0},
    {"ETHUSDT", XC_SIM_BYBIT, XC_SIM_SPOT, "0.01", "0.00001", "0.00062", "1229.2336343",
     "1229.2336343", "5", "0.001", "0.001", "3000", 0},
    {"BTCUSDT", XC_SIM_BYBIT, XC_SIM_LINEAR, "0.10", "0.001", "0.001", "1190", "119", "5",
     "0.0002", "0.00055", "60000", 100},
    {"ETHUSDT", XC_SIM_BYBIT, XC_SIM_LINEAR, "0.01", "0.01", "0.01", "7240", "724", "5",
     "0.0002", "0.00055", "3000", 100},
};

static xc_dec P(const char *s) {
  xc_dec d;
  if (xc_dec_from_cstr(s, &d)) d = XC_DEC_ZERO;
  return d;
}

static void split_symbol(const char *sym, char *base, char *quote) {
  static const char *quotes[] = {"USDT", "USDC", "FDUSD", "BUSD", "BTC", "ETH", "EUR"};
  size_t n = strlen(sym);
  for (size_t i = 0; i < sizeof quotes / sizeof quotes[0]; i++) {
    size_t q = strlen(quotes[i]);
    if (n > q && strcmp(sym + n - q, quotes[i]) == 0) {
      snprintf(base, 12, "%.*s", (int)(n - q > 11 ? 11 : n - q), sym);
      snprintf(quote, 12, "%s", quotes[i]);
      return;
    }
  }
  snprintf(base, 12, "%.11s", sym);
  snprintf(quote, 12, "USDT");
}

static xc__sim_mkt *mkt_new(xc_sim *sim, const char *symbol, xc_sim_venue v, xc_sim_kind k) {
  if (sim->nmkts >= XC__SIM_MAX_MKTS) return NULL;
  xc__sim_mkt *m = calloc(1, sizeof *m);
  if (!m) return NULL;
  m->sim = sim;
  m->index = sim->nmkts;
  xc__sim_instr *in = &m->in;
  snprintf(in->symbol, sizeof in->symbol, "%s", symbol);
  split_symbol(symbol, in->base, in->quote);
  in->venue = v;
  in->kind = k;
  const preset *p = NULL;
  for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
    if (strcmp(presets[i].symbol, symbol) == 0 && presets[i].venue == v && presets[i].kind == k)
      p = &presets[i];
  static const preset generic = {"", 0, 0, "0.01", "0.001", "0.001", "100000", "10000", "5",
                                 "0.001", "0.001", "100", 50};
  preset g = generic;
  if (!p) {
    if (k == XC_SIM_LINEAR) {
      g.maker = "0.0002";
      g.taker = "0.0005";
    }
    p = &g;
  }
  in->tick = P(p->tick);
  in->step = P(p->step);
  in->min_qty = P(p->min_qty);
  in->max_qty = P(p->max_qty);
  in->market_max_qty = P(p->mkt_max_qty);
  in->min_notional = P(p->min_notional);
  in->max_notional = k == XC_SIM_SPOT ? P("9000000") : XC_DEC_ZERO;
  in->maker_fee = P(p->maker);
  in->taker_fee = P(p->taker);
  in->min_price = in->tick;
  in->max_price = P("1000000");
  in->price_places = xc_dec_places(in->tick);
  in->qty_places = xc_dec_places(in->step);
  in->base_places = 8;
  in->quote_places = 8;
  in->max_leverage = k == XC_SIM_LINEAR ? (p->max_lev ? p->max_lev : 50) : 0;
  in->init_price = P(p->price);
  m->last_price = XC_DEC_ZERO;
  sim->mkts[sim->nmkts++] = m;
  return m;
}

static xc__sim_acct *acct_new(xc_sim *sim, xc_sim_venue v, bool margin) {
  xc__sim_acct *a = calloc(1, sizeof *a);
  if (!a) return NULL;
  a->sim = sim;
  a->venue = v;
  a->margin = margin;
  snprintf(a->margin_asset, sizeof a->margin_asset, "USDT");
  sim->accts[sim->naccts++] = a;
  return a;
}

static void seed_balance(xc__sim_acct *a, const char *asset, const char *amount) {
  sim_bal *b = bal_get(a, asset);
  if (b) b->wallet = dadd(b->wallet, P(amount));
}

xc_status xc__sim_engine_init(xc_sim *sim) {
  /* markets: every symbol as spot and linear on both venues */
  char *list = strdup(sim->symbols ? sim->symbols : "BTCUSDT,ETHUSDT");
  if (!list) return XC_ENOMEM;
  for (int v = 0; v < XC_SIM_VENUE_COUNT; v++) {
    for (int k = 0; k < XC_SIM_KIND_COUNT; k++) {
      char *save = NULL;
      char *copy = strdup(list);
      if (!copy) {
        free(list);
        return XC_ENOMEM;
      }
      for (char *s = strtok_r(copy, ", ", &save); s; s = strtok_r(NULL, ", ", &save)) {
        for (char *q = s; *q; q++)
          if (*q >= 'a' && *q <= 'z') *q = (char)(*q - 32);
        if (strlen(s) < 2 || strlen(s) > 20) continue;
        if (xc__sim_mkt_find(sim, (xc_sim_venue)v, (xc_sim_kind)k, s)) continue;
        if (!mkt_new(sim, s, (xc_sim_venue)v, (xc_sim_kind)k)) {
          free(copy);
          free(list);
          return XC_EFULL;
        }
      }
      free(copy);
    }
  }
  free(list);
  if (!sim->nmkts) return XC_EINVAL;
  /* the test user */
  xc__sim_user *u = &sim->user;
  xc__sim_acct *bn_spot = acct_new(sim, XC_SIM_BINANCE, false);
  xc__sim_acct *bn_usdm = acct_new(sim, XC_SIM_BINANCE, true);
  xc__sim_acct *by_uta = acct_new(sim, XC_SIM_BYBIT, true);
  if (!bn_spot || !bn_usdm || !by_uta) return XC_ENOMEM;
  u->acct[XC_SIM_BINANCE][XC_SIM_SPOT] = bn_spot;
  u->acct[XC_SIM_BINANCE][XC_SIM_LINEAR] = bn_usdm;
  u->acct[XC_SIM_BYBIT][XC_SIM_SPOT] = by_uta;
  u->acct[XC_SIM_BYBIT][XC_SIM_LINEAR] = by_uta;
  u->uid = 100000000 + (int64_t)(sim->opts.seed % 100000000);
  seed_balance(bn_spot, "USDT", "100000");
  seed_balance(bn_usdm, "USDT", "100000");
  seed_balance(by_uta, "USDT", "100000");
  for (int i = 0; i < sim->nmkts; i++) {
    const xc__sim_instr *in = &sim->mkts[i]->in;
    if (in->kind != XC_SIM_SPOT) continue;
    xc__sim_acct *a = in->venue == XC_SIM_BINANCE ? bn_spot : by_uta;
    if (bal_find(a, in->base)) continue;
    /* about 50k USDT worth of each base asset */
    xc_dec amt = ddiv(P("50000"), in->init_price, 4);
    if (xc_dec_is_zero(amt)) amt = P("1");
    sim_bal *b = bal_get(a, in->base);
    if (b) b->wallet = amt;
  }
  return XC_OK;
}

void xc__sim_engine_free(xc_sim *sim) {
  for (int i = 0; i < sim->nmkts; i++) {
    xc__sim_mkt *m = sim->mkts[i];
    for (int s = 0; s < 2; s++) {
      sim_book_side *sd = &m->side[s];
      for (int l = 0; l < sd->n; l++) {
        sim_order *o = sd->lv[l].head;
        while (o) {
          sim_order *n = o->lnext;
          free(o);
          o = n;
        }
      }
      free(sd->lv);
    }
    while (m->batches) xc__sim_depth_batch_free(m->batches);
    free(m->bg_orders);
    free(m);
  }
  sim->nmkts = 0;
  for (int i = 0; i < sim->naccts; i++) {
    xc__sim_acct *a = sim->accts[i];
    /* open orders not resting (none normally) were freed with the book */
    free(a->done);
    free(a->fills);
    free(a);
  }
  sim->naccts = 0;
  while (sim->free_orders) {
    sim_order *o = sim->free_orders;
    sim->free_orders = o->hnext;
    free(o);
  }
}
