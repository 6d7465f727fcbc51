/* Order tracker (see tracker.h). */
#include "orders/tracker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "orders/dedup.h"

typedef struct rec {
  bool used;
  bool unknown_outcome;
  uint64_t seq; /* insertion order, for eviction */
  xc_order o;
  xc_order_fsm f;
} rec;

struct xc_tracker {
  xc_tracker_opts opts;
  rec *r;
  size_t cap;
  uint64_t seq;
  xc_dedup *fills;
  xc_dedup *gone; /* "SYMBOL:orderId" of final orders evicted: late updates for them are dropped */
  xc_tracker_stats st;
  char reason[160];
};

void xc_tracker_opts_default(xc_tracker_opts *o) {
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->max_orders = 4096;
  o->dedup_capacity = 16384;
}

xc_status xc_tracker_new(const xc_tracker_opts *o, xc_tracker **out) {
  if (!out) return XC_EINVAL;
  *out = NULL;
  xc_tracker_opts d;
  xc_tracker_opts_default(&d);
  if (o) {
    d.emit = o->emit;
    d.user = o->user;
    if (o->max_orders) d.max_orders = o->max_orders;
    if (o->dedup_capacity) d.dedup_capacity = o->dedup_capacity;
  }
  if (d.max_orders > (1u << 20)) return XC_EINVAL;
  xc_tracker *t = calloc(1, sizeof *t);
  if (!t) return XC_ENOMEM;
  t->opts = d;
  t->cap = d.max_orders;
  t->r = calloc(t->cap, sizeof *t->r);
  xc_status st = t->r ? xc_dedup_new(d.dedup_capacity, &t->fills) : XC_ENOMEM;
  if (!st) st = xc_dedup_new(d.max_orders * 4, &t->gone);
  if (st) {
    xc_tracker_free(t);
    return st;
  }
  *out = t;
  return XC_OK;
}

void xc_tracker_free(xc_tracker *t) {
  if (!t) return;
  xc_dedup_free(t->fills);
  xc_dedup_free(t->gone);
  free(t->r);
  free(t);
}

static bool nonempty(const char *s) { return s && s[0]; }

/* The dedup key of a fill: "SYMBOL:tradeId:orderId". A trade id alone is not enough: when both
 * sides of one trade are this account's orders (a self-trade), the two fills share the trade id.
 * The order id is the fill's, else that of the order it belongs to (r may be NULL). */
#define FILL_KEY_MAX (XC_SYMBOL_MAX + 2 * XC_ID_MAX + 3)
static int fill_key(char *key, size_t cap, const xc_fill *fill, const rec *r) {
  const char *oid = fill->order_id[0] ? fill->order_id : r ? r->o.order_id : "";
  return snprintf(key, cap, "%s:%s:%s", fill->symbol, fill->trade_id, oid);
}

static rec *find(const xc_tracker *t, const char *sym, const char *oid, const char *cid) {
  if (!nonempty(sym)) return NULL;
  rec *by_cid = NULL;
  for (size_t i = 0; i < t->cap; i++) {
    rec *r = &t->r[i];
    if (!r->used || strcmp(r->o.symbol, sym) != 0) continue;
    if (nonempty(oid) && r->o.order_id[0] && strcmp(r->o.order_id, oid) == 0) return r;
    if (!by_cid && nonempty(cid) && strcmp(r->o.client_id, cid) == 0) by_cid = r;
  }
  /* by client id only if the ids do not contradict (client ids are reused after an order ends) */
  if (by_cid && nonempty(oid) && by_cid->o.order_id[0] && strcmp(by_cid->o.order_id, oid) != 0) return NULL;
  return by_cid;
}

static rec *alloc_rec(xc_tracker *t) {
  rec *victim = NULL;
  for (size_t i = 0; i < t->cap; i++) {
    rec *r = &t->r[i];
    if (!r->used) return r;
    if (xc_order_fsm_is_final(&r->f) && (!victim || r->seq < victim->seq)) victim = r;
  }
  if (victim) {
    t->st.evicted++;
    if (victim->o.order_id[0]) {
      char key[XC_SYMBOL_MAX + XC_ID_MAX + 2];
      int n = snprintf(key, sizeof key, "%s:%s", victim->o.symbol, victim->o.order_id);
      if (n > 0 && (size_t)n < sizeof key) (void)xc_dedup_insert(t->gone, key, (size_t)n);
    }
  }
  return victim;
}

static void emit_order(xc_tracker *t, rec *r) {
  r->o.status = r->f.status;
  if (xc_dec_cmp(r->f.filled, r->o.filled_qty) > 0) r->o.filled_qty = r->f.filled;
  t->st.emitted_orders++;
  if (t->opts.emit) t->opts.emit(t->opts.user, &r->o, NULL);
}

static void emit_fill(xc_tracker *t, const xc_fill *f) {
  t->st.emitted_fills++;
  if (t->opts.emit) t->opts.emit(t->opts.user, NULL, f);
}

static xc_status insert(xc_tracker *t, const xc_order *o, xc_order_status st, rec **out) {
  rec *r = alloc_rec(t);
  if (!r) return XC_EFULL;
  memset(r, 0, sizeof *r);
  r->used = true;
  r->seq = ++t->seq;
  r->o = *o;
  r->o.symbol[sizeof r->o.symbol - 1] = 0;
  r->o.order_id[sizeof r->o.order_id - 1] = 0;
  r->o.client_id[sizeof r->o.client_id - 1] = 0;
  xc_order_fsm_init(&r->f, o->qty);
  if (st != XC_ORDER_PENDING_NEW) {
    xc_status s = xc_order_fsm_init_at(&r->f, xc_dec_sign(o->qty) > 0 ? o->qty : XC_DEC_ZERO, st,
                                       xc_dec_sign(o->filled_qty) > 0 ? o->filled_qty : XC_DEC_ZERO);
    if (s) {
      r->used = false;
      return s;
    }
  }
  *out = r;
  return XC_OK;
}

xc_status xc_tracker_submitted(xc_tracker *t, const xc_order *o) {
  if (!t || !o || !nonempty(o->symbol) || !nonempty(o->client_id)) return XC_EINVAL;
  rec *r = find(t, o->symbol, NULL, o->client_id);
  if (r && !xc_order_fsm_is_final(&r->f)) return XC_EDUPLICATE;
  if (r) r->used = false; /* a finished order's client id reused */
  xc_order c = *o;
  c.status = XC_ORDER_PENDING_NEW;
  c.filled_qty = XC_DEC_ZERO;
  xc_status st = insert(t, &c, XC_ORDER_PENDING_NEW, &r);
  if (st) return st;
  t->st.tracked++;
  emit_order(t, r);
  return XC_OK;
}

/* Copies the venue's descriptive fields of an applied update (ids learnt, price/qty after amends,
 * averages and times that only move forward). */
static void merge(rec *r, const xc_order *u) {
  if (!r->o.order_id[0] && u->order_id[0]) memcpy(r->o.order_id, u->order_id, sizeof r->o.order_id);
  if (!r->o.client_id[0] && u->client_id[0]) memcpy(r->o.client_id, u->client_id, sizeof r->o.client_id);
  r->o.order_id[sizeof r->o.order_id - 1] = 0;
  r->o.client_id[sizeof r->o.client_id - 1] = 0;
  if (u->market) r->o.market = u->market;
  if (u->side) r->o.side = u->side;
  if (u->type) {
    r->o.type = u->type;
    r->o.tif = u->tif;
  }
  if (xc_dec_sign(u->price) > 0) r->o.price = u->price;
  if (xc_dec_sign(u->qty) > 0) {
    r->o.qty = u->qty;
    (void)xc_order_fsm_set_qty(&r->f, u->qty);
  }
  if (xc_dec_cmp(u->filled_quote, r->o.filled_quote) > 0) r->o.filled_quote = u->filled_quote;
  if (xc_dec_sign(u->avg_price) > 0 && xc_dec_cmp(u->filled_qty, r->f.filled) >= 0) r->o.avg_price = u->avg_price;
  if (u->created_ms && !r->o.created_ms) r->o.created_ms = u->created_ms;
  if (u->updated_ms > r->o.updated_ms) r->o.updated_ms = u->updated_ms;
}

xc_status xc_tracker_apply(xc_tracker *t, const xc_order *upd, const xc_fill *fill, const char **reason) {
  if (reason) *reason = "";
  if (!t || (!upd && !fill)) return XC_EINVAL;
  const char *sym = upd ? upd->symbol : fill->symbol;
  const char *oid = upd ? upd->order_id : fill->order_id;
  const char *cid = upd ? upd->client_id : fill->client_id;
  if (!nonempty(sym) || (!nonempty(oid) && !nonempty(cid))) return XC_EINVAL;
  rec *r = find(t, sym, oid, cid);
  bool emitted = false;
  unsigned fill_ch = 0;
  if (!r && upd && nonempty(upd->order_id)) {
    char key[XC_SYMBOL_MAX + XC_ID_MAX + 2];
    int n = snprintf(key, sizeof key, "%s:%s", upd->symbol, upd->order_id);
    if (n > 0 && (size_t)n < sizeof key && xc_dedup_contains(t->gone, key, (size_t)n)) {
      snprintf(t->reason, sizeof t->reason, "update for a finished order no longer tracked dropped");
      if (reason) *reason = t->reason;
      t->st.dropped_stale++;
      return XC_ESTATE;
    }
  }
  if (!r && upd) {
    /* adopt: an order placed elsewhere or before this tracker existed, at the state reported (its
     * fill, if any, is already counted in the reported cumulative quantity) */
    xc_status st = insert(t, upd, upd->status, &r);
    if (st) return st;
    t->st.adopted++;
    t->st.tracked++;
    r->unknown_outcome = false;
    if (fill) {
      char key[FILL_KEY_MAX];
      int n = fill_key(key, sizeof key, fill, r);
      if (fill->trade_id[0] && n > 0 && xc_dedup_insert(t->fills, key, (size_t)n) == XC_OK) {
        r->f.fills_sum = fill->qty;
        r->f.n_fills = 1;
        xc_fill c = *fill;
        if (!c.client_id[0]) memcpy(c.client_id, r->o.client_id, sizeof c.client_id);
        emit_fill(t, &c);
      }
    }
    emit_order(t, r);
    return XC_OK;
  }
  if (fill && nonempty(fill->trade_id)) {
    char key[FILL_KEY_MAX];
    int n = fill_key(key, sizeof key, fill, r);
    if (n <= 0 || (size_t)n >= sizeof key) return XC_EINVAL;
    if (r) {
      unsigned ch = 0;
      xc_status st = xc_order_fsm_fill(&r->f, t->fills, key, (size_t)n, fill->qty, &ch);
      if (st == XC_OK) {
        xc_fill c = *fill;
        if (!c.client_id[0]) memcpy(c.client_id, r->o.client_id, sizeof c.client_id);
        if (!c.order_id[0]) memcpy(c.order_id, r->o.order_id, sizeof c.order_id);
        if (!upd) {
          if (!r->o.order_id[0] && fill->order_id[0]) memcpy(r->o.order_id, fill->order_id, sizeof r->o.order_id);
          /* the average from the fills alone is unknown here; the next order update brings it */
          if (fill->ts_ms > r->o.updated_ms) r->o.updated_ms = fill->ts_ms;
        }
        emit_fill(t, &c);
        emitted = true;
        fill_ch = ch;
        if (ch && !upd) emit_order(t, r);
      } else if (st != XC_EDUPLICATE && st != XC_ESTATE) {
        return st;
      }
    } else if (xc_dedup_insert(t->fills, key, (size_t)n) == XC_OK) {
      emit_fill(t, fill); /* a fill of an order we do not track (and no order update with it) */
      emitted = true;
    }
  }
  if (upd && r) {
    if (r->unknown_outcome) r->unknown_outcome = false; /* the venue knows it: resolved */
    unsigned ch = 0;
    xc_dec cum = upd->filled_qty;
    xc_status st = xc_order_fsm_apply(&r->f, upd->status, xc_dec_sign(cum) >= 0 ? &cum : NULL, &ch);
    if (st == XC_ESTATE) {
      snprintf(t->reason, sizeof t->reason, "stale update dropped: %s after %s", xc_order_status_name(upd->status),
               xc_order_status_name(r->f.status));
      if (reason) *reason = t->reason;
      t->st.dropped_stale++;
      if (fill_ch) emit_order(t, r); /* the carried fill moved the order */
      return emitted ? XC_OK : XC_ESTATE;
    }
    if (st) return st;
    merge(r, upd);
    if (ch || fill_ch) {
      emit_order(t, r);
      emitted = true;
    }
  }
  if (!emitted) {
    t->st.duplicates++;
    if (reason) *reason = "duplicate";
    return XC_EDUPLICATE;
  }
  return XC_OK;
}

xc_status xc_tracker_cancel_requested(xc_tracker *t, const char *symbol, const char *order_id,
                                      const char *client_id) {
  if (!t) return XC_EINVAL;
  rec *r = find(t, symbol, order_id, client_id);
  if (!r) return XC_ENOTFOUND;
  xc_order_status before = r->f.status;
  xc_status st = xc_order_fsm_cancel_requested(&r->f);
  if (st) return st;
  if (r->f.status != before) emit_order(t, r);
  return XC_OK;
}

xc_status xc_tracker_cancel_failed(xc_tracker *t, const char *symbol, const char *order_id, const char *client_id) {
  if (!t) return XC_EINVAL;
  rec *r = find(t, symbol, order_id, client_id);
  if (!r) return XC_ENOTFOUND;
  xc_order_status before = r->f.status;
  xc_status st = xc_order_fsm_cancel_failed(&r->f);
  if (st) return st;
  if (r->f.status != before) emit_order(t, r);
  return XC_OK;
}

xc_status xc_tracker_outcome_unknown(xc_tracker *t, const char *symbol, const char *client_id) {
  if (!t) return XC_EINVAL;
  rec *r = find(t, symbol, NULL, client_id);
  if (!r) return XC_ENOTFOUND;
  if (r->f.status == XC_ORDER_PENDING_NEW) r->unknown_outcome = true;
  return XC_OK;
}

size_t xc_tracker_unresolved(const xc_tracker *t, xc_order *out, size_t cap) {
  size_t n = 0;
  if (!t) return 0;
  for (size_t i = 0; i < t->cap; i++) {
    const rec *r = &t->r[i];
    if (!r->used || !r->unknown_outcome) continue;
    if (out && n < cap) out[n] = r->o;
    n++;
  }
  return n;
}

xc_status xc_tracker_not_found(xc_tracker *t, const char *symbol, const char *client_id) {
  if (!t) return XC_EINVAL;
  rec *r = find(t, symbol, NULL, client_id);
  if (!r) return XC_ENOTFOUND;
  r->unknown_outcome = false;
  if (r->f.status != XC_ORDER_PENDING_NEW) return XC_OK; /* the venue told us otherwise meanwhile */
  unsigned ch = 0;
  xc_status st = xc_order_fsm_apply(&r->f, XC_ORDER_REJECTED, NULL, &ch);
  if (st) return st;
  if (ch) emit_order(t, r);
  return XC_OK;
}

xc_status xc_tracker_get(const xc_tracker *t, const char *symbol, const char *order_id, const char *client_id,
                         xc_order *out) {
  if (!t || !out) return XC_EINVAL;
  const rec *r = find(t, symbol, order_id, client_id);
  if (!r) return XC_ENOTFOUND;
  *out = r->o;
  out->status = r->f.status;
  if (xc_dec_cmp(r->f.filled, out->filled_qty) > 0) out->filled_qty = r->f.filled;
  return XC_OK;
}

size_t xc_tracker_missing(const xc_tracker *t, const char *symbol, const xc_order *open, size_t nopen,
                          xc_order *out, size_t cap) {
  size_t n = 0;
  if (!t || !symbol) return 0;
  for (size_t i = 0; i < t->cap; i++) {
    const rec *r = &t->r[i];
    if (!r->used || xc_order_fsm_is_final(&r->f) || strcmp(r->o.symbol, symbol) != 0) continue;
    bool present = false;
    for (size_t k = 0; k < nopen && !present; k++) {
      if (r->o.order_id[0] && strcmp(open[k].order_id, r->o.order_id) == 0) present = true;
      else if (r->o.client_id[0] && strcmp(open[k].client_id, r->o.client_id) == 0) present = true;
    }
    if (present) continue;
    if (out && n < cap) {
      out[n] = r->o;
      out[n].status = r->f.status;
    }
    n++;
  }
  return n;
}

size_t xc_tracker_live(const xc_tracker *t, xc_order *out, size_t cap) {
  size_t n = 0;
  if (!t) return 0;
  for (size_t i = 0; i < t->cap; i++) {
    const rec *r = &t->r[i];
    if (!r->used || xc_order_fsm_is_final(&r->f)) continue;
    if (out && n < cap) {
      out[n] = r->o;
      out[n].status = r->f.status;
    }
    n++;
  }
  return n;
}

void xc_tracker_get_stats(const xc_tracker *t, xc_tracker_stats *out) {
  if (!t || !out) return;
  *out = t->st;
  size_t n = 0;
  for (size_t i = 0; i < t->cap; i++) n += t->r[i].used;
  out->tracked = n;
}
