/* L2 book storage, publication to readers, actions and the venue-independent parts of the
 * procedures. See book.h and docs/internals/book.md. */
#include "book/book_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

static const int64_t p10[19] = {1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL,
                                100000000LL, 1000000000LL, 10000000000LL, 100000000000LL,
                                1000000000000LL, 10000000000000LL, 100000000000000LL,
                                1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
                                1000000000000000000LL};
#define MAX_PLACES 18

/* ---- names ---------------------------------------------------------------------------------- */

const char *xc_book_state_name(xc_book_state st) {
  switch (st) {
  case XC_BOOK_SYNCING: return "SYNCING";
  case XC_BOOK_LIVE: return "LIVE";
  case XC_BOOK_RESYNCING: return "RESYNCING";
  case XC_BOOK_STALE: return "STALE";
  }
  return "UNKNOWN";
}

const char *xc_book_reason_name(xc_book_reason r) {
  switch (r) {
  case XC_BOOK_R_NONE: return "none";
  case XC_BOOK_R_START: return "start";
  case XC_BOOK_R_GAP: return "gap";
  case XC_BOOK_R_CROSSED: return "crossed";
  case XC_BOOK_R_BAD_MESSAGE: return "bad_message";
  case XC_BOOK_R_STALE: return "stale";
  case XC_BOOK_R_SNAPSHOT_OLD: return "snapshot_old";
  case XC_BOOK_R_RESTART: return "restart";
  case XC_BOOK_R_SYNCED: return "synced";
  case XC_BOOK_R_OVERFLOW: return "overflow";
  }
  return "unknown";
}

/* ---- options / lifecycle -------------------------------------------------------------------- */

void xc_book_opts_default(xc_book_opts *o, xc_book_venue venue) {
  memset(o, 0, sizeof *o);
  o->venue = venue;
  o->max_levels = 20000;
  o->buffer_bytes = 8u << 20;
  o->top_n = 20;
  o->stale_after_ns = 0;
  o->resync_on_crossed = true;
  o->bybit_strict_u = true;
  o->snapshot_limit = venue == XC_BOOK_BINANCE_SPOT ? 5000 : venue == XC_BOOK_BINANCE_USDM ? 1000 : 0;
}

uint32_t xc_book_snapshot_weight(xc_book_venue venue, uint32_t limit) {
  if (venue == XC_BOOK_BINANCE_SPOT) {
    if (limit == 0) limit = 100;
    return limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250;
  }
  if (venue == XC_BOOK_BINANCE_USDM) {
    if (limit == 0) limit = 500;
    return limit <= 50 ? 2 : limit <= 100 ? 5 : limit <= 500 ? 10 : 20;
  }
  return 1;
}

/* Decimal places of an xc_dec step (0.01 -> 2, 0.5 -> 1, 10 -> 0); -1 if negative or too fine. */
static int dec_places(xc_dec d) {
  xc_dec_coef c = d.coef;
  int32_t e = d.exp;
  if (c < 0) return -1;
  if (c == 0) return 0;
  while (c % 10 == 0) {
    c /= 10;
    e++;
  }
  if (e >= 0) return 0;
  if (-e > MAX_PLACES) return -1;
  return -e;
}

xc_status xc_book_new(const xc_book_opts *o, xc_book **out) {
  if (!out) return XC_EINVAL;
  *out = NULL;
  if (!o) return XC_EINVAL;
  if (o->venue != XC_BOOK_BINANCE_SPOT && o->venue != XC_BOOK_BINANCE_USDM && o->venue != XC_BOOK_BYBIT)
    return XC_EINVAL;
  if (o->max_levels < 1 || o->max_levels > (1u << 24) || o->top_n > XC_BOOK_TOP_MAX || o->stale_after_ns < 0)
    return XC_EINVAL;
  int pp = dec_places(o->tick_size), qp = dec_places(o->step_size);
  if (pp < 0 || qp < 0) return XC_EINVAL;
  if (o->symbol && strlen(o->symbol) >= 32) return XC_EINVAL;
  xc_book *b = calloc(1, sizeof *b);
  if (!b) return XC_ENOMEM;
  b->o = *o;
  if (o->symbol) {
    b->symbol_len = strlen(o->symbol);
    memcpy(b->symbol, o->symbol, b->symbol_len);
  }
  b->o.symbol = b->symbol_len ? b->symbol : NULL;
  b->px_places = pp;
  b->qty_places = qp;
  b->state = XC_BOOK_SYNCING;
  b->last_id = b->last_seq = b->snap_id = XC_DEPTH_ABSENT;
  b->last_event_ms = XC_DEPTH_ABSENT;
  xc_depth_dec_init(&b->dec);
  if (pthread_mutex_init(&b->mu, NULL) != 0) {
    free(b);
    return XC_ENOMEM;
  }
  xc__book_publish(b);
  *out = b;
  return XC_OK;
}

void xc_book_free(xc_book *b) {
  if (!b) return;
  for (int s = 0; s < 2; s++) {
    free(b->side[s].key);
    free(b->side[s].qty);
  }
  free(b->buf);
  free(b->spare);
  xc_depth_dec_free(&b->dec);
  pthread_mutex_destroy(&b->mu);
  free(b);
}

const char *xc_book_errmsg(const xc_book *b) { return b ? b->err : ""; }

/* ---- actions and state ---------------------------------------------------------------------- */

xc_book_action *xc__book_push(xc_book *b, xc_book_action_kind kind, xc_book_reason why, int64_t now_ns) {
  if (b->act_n == XC__BOOK_ACTQ) {
    /* full: drop the oldest state event (snapshot requests are never dropped; at most one is
     * outstanding, so a state event always exists) */
    for (uint32_t i = 0; i < b->act_n; i++) {
      uint32_t k = (b->act_head + i) % XC__BOOK_ACTQ;
      if (b->actq[k].kind == XC_BOOK_ACT_STATE) {
        for (uint32_t j = i; j + 1 < b->act_n; j++)
          b->actq[(b->act_head + j) % XC__BOOK_ACTQ] = b->actq[(b->act_head + j + 1) % XC__BOOK_ACTQ];
        b->act_n--;
        b->st.actions_dropped++;
        break;
      }
    }
    if (b->act_n == XC__BOOK_ACTQ) return NULL;
  }
  xc_book_action *a = &b->actq[(b->act_head + b->act_n) % XC__BOOK_ACTQ];
  memset(a, 0, sizeof *a);
  a->kind = kind;
  a->from = a->to = b->state;
  a->reason = why;
  a->snapshot_limit = b->o.snapshot_limit;
  a->snapshot_weight = xc_book_snapshot_weight(b->o.venue, b->o.snapshot_limit);
  a->attempt = b->snap_attempt;
  a->at_ns = now_ns;
  b->act_n++;
  return a;
}

bool xc_book_poll(xc_book *b, xc_book_action *out) {
  if (!b || !b->act_n) return false;
  *out = b->actq[b->act_head];
  b->act_head = (b->act_head + 1) % XC__BOOK_ACTQ;
  b->act_n--;
  return true;
}

void xc__book_set_state(xc_book *b, xc_book_state st, xc_book_reason why, int64_t now_ns) {
  if (st == b->state) return;
  xc_book_state from = b->state;
  b->state = st;
  if (st == XC_BOOK_LIVE) {
    b->was_live = true;
    b->snap_attempt = 0;
  }
  xc_book_action *a = xc__book_push(b, XC_BOOK_ACT_STATE, why, now_ns);
  if (a) {
    a->from = from;
    a->to = st;
  }
  xc__book_publish(b);
}

void xc__book_request_snapshot(xc_book *b, xc_book_reason why, int64_t now_ns) {
  if (b->snap_requested) return;
  b->snap_requested = true;
  b->snap_attempt++;
  b->st.snapshot_requests++;
  xc__book_push(b, b->o.venue == XC_BOOK_BYBIT ? XC_BOOK_ACT_RESUBSCRIBE : XC_BOOK_ACT_NEED_SNAPSHOT,
                why, now_ns);
}

void xc__book_resync(xc_book *b, xc_book_reason why, int64_t now_ns) {
  b->st.resyncs++;
  xc__book_clear(b);
  xc__book_buf_clear(b);
  b->have_snap = false;
  b->last_id = b->last_seq = b->snap_id = XC_DEPTH_ABSENT;
  xc__book_set_state(b, b->was_live ? XC_BOOK_RESYNCING : XC_BOOK_SYNCING, why, now_ns);
  xc__book_request_snapshot(b, why, now_ns);
}

void xc_book_snapshot_failed(xc_book *b, int64_t now_ns) {
  if (!b) return;
  b->snap_requested = false;
  xc__book_request_snapshot(b, XC_BOOK_R_NONE, now_ns);
}

void xc_book_reset(xc_book *b, int64_t now_ns) {
  if (!b) return;
  xc__book_clear(b);
  xc__book_buf_clear(b);
  b->have_snap = false;
  b->snap_requested = false;
  b->last_id = b->last_seq = b->snap_id = XC_DEPTH_ABSENT;
  xc__book_set_state(b, b->was_live ? XC_BOOK_RESYNCING : XC_BOOK_SYNCING, XC_BOOK_R_START, now_ns);
}

void xc_book_check(xc_book *b, int64_t now_ns) {
  if (!b || b->o.stale_after_ns <= 0 || b->state != XC_BOOK_LIVE) return;
  if (now_ns - b->last_msg_ns >= b->o.stale_after_ns)
    xc__book_set_state(b, XC_BOOK_STALE, XC_BOOK_R_STALE, now_ns);
}

xc_status xc__book_check_symbol(xc_book *b, const xc_depth_msg *msg) {
  if (!b->symbol_len || !msg->symbol) return XC_OK;
  if (msg->symbol_len == b->symbol_len && memcmp(msg->symbol, b->symbol, b->symbol_len) == 0) return XC_OK;
  snprintf(b->err, sizeof b->err, "message for symbol %.*s fed to book %s",
           (int)(msg->symbol_len > 32 ? 32 : msg->symbol_len), msg->symbol, b->symbol);
  return XC_EINVAL;
}

/* ---- level storage -------------------------------------------------------------------------- */

static xc_status side_reserve(xc_book *b, xc__side *s, uint32_t want) {
  if (want <= s->cap) return XC_OK;
  uint32_t nc = s->cap ? s->cap : 256;
  while (nc < want) nc *= 2;
  if (nc > b->o.max_levels) nc = b->o.max_levels;
  if (nc < want) return XC_EFULL;
  int64_t *k = realloc(s->key, (size_t)nc * sizeof *k);
  if (!k) return XC_ENOMEM;
  s->key = k;
  int64_t *q = realloc(s->qty, (size_t)nc * sizeof *q);
  if (!q) return XC_ENOMEM;
  s->qty = q;
  s->cap = nc;
  return XC_OK;
}

/* Multiplies every key (px) or quantity by 10^d; XC_ERANGE (nothing changed) on overflow. */
static xc_status rescale(xc_book *b, bool px, int d) {
  if (d <= 0) return XC_OK;
  int np = (px ? b->px_places : b->qty_places) + d;
  if (np > MAX_PLACES) return XC_ERANGE;
  int64_t f = p10[d];
  for (int s = 0; s < 2; s++) {
    const int64_t *v = px ? b->side[s].key : b->side[s].qty;
    for (uint32_t i = 0; i < b->side[s].n; i++) {
      int64_t r;
      if (__builtin_mul_overflow(v[i], f, &r)) return XC_ERANGE;
    }
  }
  for (int s = 0; s < 2; s++) {
    int64_t *v = px ? b->side[s].key : b->side[s].qty;
    for (uint32_t i = 0; i < b->side[s].n; i++) v[i] *= f;
    b->side[s].dirty = 0;
  }
  if (px) b->px_places = np;
  else b->qty_places = np;
  b->st.rescales++;
  return XC_OK;
}

/* Raises the book's scales to cover every number of msg. */
static xc_status fit_scales(xc_book *b, const xc_depth_msg *msg) {
  int mp = 0, mq = 0;
  for (uint32_t i = 0; i < msg->nbids; i++) {
    if (msg->bids[i].px_frac > mp) mp = msg->bids[i].px_frac;
    if (msg->bids[i].qty_frac > mq) mq = msg->bids[i].qty_frac;
  }
  for (uint32_t i = 0; i < msg->nasks; i++) {
    if (msg->asks[i].px_frac > mp) mp = msg->asks[i].px_frac;
    if (msg->asks[i].qty_frac > mq) mq = msg->asks[i].qty_frac;
  }
  xc_status st = XC_OK;
  if (UNLIKELY(mp > b->px_places)) st = rescale(b, true, mp - b->px_places);
  if (st == XC_OK && UNLIKELY(mq > b->qty_places)) st = rescale(b, false, mq - b->qty_places);
  return st;
}

static inline bool to_units(uint64_t m, int frac, int places, int64_t *out) {
  uint64_t r;
  if (__builtin_mul_overflow(m, (uint64_t)p10[places - frac], &r) || r > (uint64_t)INT64_MAX) return false;
  *out = (int64_t)r;
  return true;
}

/* Index of the first key >= k (n if none). Updates cluster near the top of the book (the end of
 * the array): one predictable test picks the top window of 64 levels or the whole side, then a
 * branch-free binary search (conditional moves) runs over it. XC_BOOK_SEARCH selects the variants
 * measured in docs/internals/book.md (0 = this one, 1 = galloping from the top, 2 = plain
 * branch-free binary search over the side). */
#ifndef XC_BOOK_SEARCH
#define XC_BOOK_SEARCH 0
#endif
#ifndef TOP_WINDOW
#define TOP_WINDOW 64
#endif
static inline uint32_t find(const int64_t *key, uint32_t n, int64_t k) {
  if (n == 0 || key[n - 1] < k) return n;
  uint32_t base = 0, len = n; /* answer in [base, base + len), key[base + len - 1] >= k */
#if XC_BOOK_SEARCH == 0
  if (n > TOP_WINDOW && key[n - TOP_WINDOW - 1] < k) {
    /* 8-ary over the top 64: 64 -> 8 -> 1, seven independent probes per step */
    const int64_t *w = key + n - TOP_WINDOW;
    /* written out: constant offsets, one compare and one add per probe */
    uint32_t c = (uint32_t)(w[7] < k) + (uint32_t)(w[15] < k) + (uint32_t)(w[23] < k) +
                 (uint32_t)(w[31] < k) + (uint32_t)(w[39] < k) + (uint32_t)(w[47] < k) +
                 (uint32_t)(w[55] < k);
    w += c * 8;
    c = (uint32_t)(w[0] < k) + (uint32_t)(w[1] < k) + (uint32_t)(w[2] < k) + (uint32_t)(w[3] < k) +
        (uint32_t)(w[4] < k) + (uint32_t)(w[5] < k) + (uint32_t)(w[6] < k);
    return (uint32_t)(w - key) + c;
  }
  /* 4-ary: three independent probes per step (64 -> 16 -> 4 -> 1), half the dependent-load
   * chain of a binary search. Keeping len - 3q (>= q) preserves key[base + len - 1] >= k. */
  while (len >= 4) {
    uint32_t q = len / 4;
    uint32_t c = (uint32_t)(key[base + q - 1] < k) + (uint32_t)(key[base + 2 * q - 1] < k) +
                 (uint32_t)(key[base + 3 * q - 1] < k);
    base += c * q;
    len -= 3 * q;
  }
#elif XC_BOOK_SEARCH == 1
  uint32_t hi = n - 1, step = 1;
  for (;;) {
    if (step > hi) break;
    uint32_t probe = hi - step;
    if (key[probe] < k) {
      base = probe + 1;
      break;
    }
    hi = probe;
    step <<= 1;
  }
  len = hi - base + 1;
#endif
  while (len > 1) {
    uint32_t half = len / 2;
    base = key[base + half - 1] < k ? base + half : base;
    len -= half;
  }
  return base;
}

/* Removes every tombstone (one pass) and republishes the side. */
static void compact(xc__side *s) {
  uint32_t m = 0;
  for (uint32_t i = 0; i < s->n; i++) {
    if (!s->qty[i]) continue;
    s->key[m] = s->key[i];
    s->qty[m] = s->qty[i];
    m++;
  }
  s->n = m;
  s->dirty = 0;
}

/* Tombstones allowed before a compaction: few enough that the top window of the search stays
 * mostly live levels, many enough that a book whose top levels come and go never compacts. */
static inline bool too_many_tombstones(const xc__side *s) { return s->n - s->live > 32 + s->live / 8; }

/* After a message's levels: the top entry must not be a tombstone (pop it and any under it), and
 * tombstones stay bounded. Within a message a tombstone may sit at the top for a while. */
static void side_settle(xc__side *s) {
  uint32_t n = s->n;
  while (n && !s->qty[n - 1]) n--;
  if (n != s->n) {
    s->n = n;
    s->dirty = 0;
  }
  if (UNLIKELY(too_many_tombstones(s))) compact(s);
}

static inline __attribute__((always_inline)) xc_status side_set(xc_book *b, xc__side *s, int64_t k, int64_t q) {
  uint32_t n = s->n;
  uint32_t i = find(s->key, n, k);
  if (LIKELY(i < n && s->key[i] == k)) {
    /* the price is held (live or tombstone): update, delete, revive or absent delete, all
     * without a data-dependent branch */
    int64_t old = s->qty[i];
    s->qty[i] = q;
    s->live = s->live + (uint32_t)(q != 0) - (uint32_t)(old != 0);
    b->st.deletes_absent += (uint64_t)((old == 0) & (q == 0));
    uint32_t d = n - 1 - i;
    s->dirty = d < s->dirty ? d : s->dirty;
    return XC_OK; /* a deleted top, or too many tombstones: side_settle after the message */
  }
  if (!q) {
    b->st.deletes_absent++;
    return XC_OK;
  }
  if (UNLIKELY(n == s->cap)) {
    if (n > s->live) {
      compact(s);
      n = s->n;
      i = find(s->key, n, k);
    }
    if (n == s->cap && n < b->o.max_levels) {
      xc_status st = side_reserve(b, s, n + 1);
      if (st != XC_OK) return st;
    } else if (n == s->cap) {
      /* full: evict the worst level (index 0) to make room for a better one */
      b->st.levels_evicted++;
      if (i == 0) return XC_OK;
      if (n - i < s->dirty) s->dirty = n - i;
      memmove(s->key, s->key + 1, (i - 1) * sizeof(int64_t));
      memmove(s->qty, s->qty + 1, (i - 1) * sizeof(int64_t));
      s->key[i - 1] = k;
      s->qty[i - 1] = q;
      return XC_OK;
    }
  }
  uint32_t tail = n - i;
  if (tail < s->dirty) s->dirty = tail;
  if (tail) {
    memmove(s->key + i + 1, s->key + i, tail * sizeof(int64_t));
    memmove(s->qty + i + 1, s->qty + i, tail * sizeof(int64_t));
  }
  s->key[i] = k;
  s->qty[i] = q;
  s->n = n + 1;
  s->live++;
  return XC_OK;
}

#define NEED_RESCALE ((xc_status)1) /* internal: a number is finer than the book's scale */

static xc_status apply_side(xc_book *b, int si, const xc_depth_lvl *lv, uint32_t n) {
  xc__side *s = &b->side[si];
  const int pp = b->px_places, qp = b->qty_places;
  for (uint32_t i = 0; i < n; i++) {
    int64_t k, q;
    if (UNLIKELY(lv[i].px_frac > pp || lv[i].qty_frac > qp)) return NEED_RESCALE;
    if (UNLIKELY(!to_units(lv[i].px_m, lv[i].px_frac, pp, &k) || !to_units(lv[i].qty_m, lv[i].qty_frac, qp, &q)))
      return XC_ERANGE;
    if (UNLIKELY(k == 0)) return XC_ERANGE; /* price 0 is not a level */
    xc_status st = side_set(b, s, si ? -k : k, q);
    if (UNLIKELY(st != XC_OK)) return st;
  }
  side_settle(s);
  return XC_OK;
}

/* The levels of a message decoded at the book's scales: the mantissas are the integer units. */
static xc_status apply_side_at_scale(xc_book *b, int si, const xc_depth_lvl *lv, uint32_t n) {
  xc__side *s = &b->side[si];
  for (uint32_t i = 0; i < n; i++) {
    int64_t k = (int64_t)lv[i].px_m, q = (int64_t)lv[i].qty_m;
    if (UNLIKELY(k == 0)) return XC_ERANGE; /* price 0 is not a level */
    xc_status st = side_set(b, s, si ? -k : k, q);
    if (UNLIKELY(st != XC_OK)) return st;
  }
  side_settle(s);
  return XC_OK;
}

xc_status xc__book_apply_levels(xc_book *b, const xc_depth_msg *msg) {
  pthread_mutex_lock(&b->mu);
  const uint64_t absent0 = b->st.deletes_absent, evicted0 = b->st.levels_evicted;
  xc_status st;
  if (msg->at_scale && msg->px_scale == b->px_places && msg->qty_scale == b->qty_places) {
    st = apply_side_at_scale(b, 0, msg->bids, msg->nbids);
    if (st == XC_OK) st = apply_side_at_scale(b, 1, msg->asks, msg->nasks);
  } else {
    st = apply_side(b, 0, msg->bids, msg->nbids);
    if (st == XC_OK) st = apply_side(b, 1, msg->asks, msg->nasks);
  }
  if (UNLIKELY(st == NEED_RESCALE)) {
    /* rare: raise the scales, then apply the whole message again (absolute quantities make
     * re-applying the levels already applied harmless; the counters they moved are put back) */
    b->st.deletes_absent = absent0;
    b->st.levels_evicted = evicted0;
    st = fit_scales(b, msg);
    if (st == XC_OK) st = apply_side(b, 0, msg->bids, msg->nbids);
    if (st == XC_OK) st = apply_side(b, 1, msg->asks, msg->nasks);
  }
  if (st == XC_OK) {
    b->last_id = msg->last_id;
    if (msg->event_ms != XC_DEPTH_ABSENT) b->last_event_ms = msg->event_ms;
  }
  pthread_mutex_unlock(&b->mu);
  if (st != XC_OK) snprintf(b->err, sizeof b->err, "level cannot be represented (%s)", xc_status_name(st));
  return st;
}

void xc__book_clear(xc_book *b) {
  pthread_mutex_lock(&b->mu);
  b->side[0].n = b->side[1].n = b->side[0].live = b->side[1].live = 0;
  b->side[0].dirty = b->side[1].dirty = 0;
  pthread_mutex_unlock(&b->mu);
  xc__book_publish(b);
}

xc_status xc__book_apply_live(xc_book *b, const xc_depth_msg *m, int64_t recv_ns, xc_book_outcome *oc) {
  xc_status st = xc__book_apply_levels(b, m);
  if (st != XC_OK) {
    b->st.bad_messages++;
    xc__book_resync(b, XC_BOOK_R_BAD_MESSAGE, recv_ns);
    *oc = XC_BOOK_O_RESYNC;
    return st;
  }
  b->last_recv_ns = recv_ns;
  b->st.applied++;
  if (b->o.resync_on_crossed && xc__book_crossed(b)) {
    b->st.crossed++;
    snprintf(b->err, sizeof b->err, "crossed book after update %lld", (long long)m->last_id);
    xc__book_resync(b, XC_BOOK_R_CROSSED, recv_ns);
    *oc = XC_BOOK_O_RESYNC;
    return XC_OK;
  }
  *oc = XC_BOOK_O_APPLIED;
  return XC_OK;
}

/* Loads one side from a snapshot list given best first. Fast path for the venues' sorted order;
 * anything else falls back to one insert per level (later entries win). */
static xc_status load_side(xc_book *b, int si, const xc_depth_lvl *lv, uint32_t n, bool at_scale) {
  xc__side *s = &b->side[si];
  const int pp = b->px_places, qp = b->qty_places;
  uint32_t want = n < b->o.max_levels ? n : b->o.max_levels;
  xc_status st = side_reserve(b, s, want);
  if (st != XC_OK) return st;
  /* best first in the message, best last in the array: filled from index want - 1 down */
  uint32_t m = 0;
  bool sorted = true;
  for (uint32_t i = 0; i < n && m < want; i++) {
    int64_t k, q;
    if (at_scale) {
      k = (int64_t)lv[i].px_m;
      q = (int64_t)lv[i].qty_m;
    } else if (!to_units(lv[i].px_m, lv[i].px_frac, pp, &k) || !to_units(lv[i].qty_m, lv[i].qty_frac, qp, &q)) {
      return XC_ERANGE;
    }
    if (k == 0) return XC_ERANGE;
    if (!q) continue;
    if (si) k = -k;
    if (m && k >= s->key[want - m]) {
      sorted = false;
      break;
    }
    s->key[want - 1 - m] = k;
    s->qty[want - 1 - m] = q;
    m++;
  }
  if (sorted) {
    if (want < n) {
      /* count what was cut: non-zero levels after the first `want` */
      for (uint32_t i = want; i < n; i++)
        if (lv[i].qty_m) b->st.levels_evicted++;
    }
    if (m < want) { /* zero quantities were skipped: close the gap at the bottom */
      memmove(s->key, s->key + (want - m), m * sizeof(int64_t));
      memmove(s->qty, s->qty + (want - m), m * sizeof(int64_t));
    }
    s->n = s->live = m;
    return XC_OK;
  }
  s->n = s->live = 0;
  return apply_side(b, si, lv, n);
}

xc_status xc__book_load(xc_book *b, const xc_depth_msg *msg) {
  pthread_mutex_lock(&b->mu);
  b->side[0].n = b->side[1].n = b->side[0].live = b->side[1].live = 0;
  b->side[0].dirty = b->side[1].dirty = 0;
  xc_status st = fit_scales(b, msg);
  /* numbers decoded at the book's scales (and the scales unchanged by fit_scales) are units */
  bool units = msg->at_scale && msg->px_scale == b->px_places && msg->qty_scale == b->qty_places;
  if (st == XC_OK) st = load_side(b, 0, msg->bids, msg->nbids, units);
  if (st == XC_OK) st = load_side(b, 1, msg->asks, msg->nasks, units);
  if (st == XC_OK) {
    b->last_id = msg->last_id;
    if (msg->event_ms != XC_DEPTH_ABSENT) b->last_event_ms = msg->event_ms;
  } else {
    b->side[0].n = b->side[1].n = b->side[0].live = b->side[1].live = 0;
  }
  pthread_mutex_unlock(&b->mu);
  if (st != XC_OK) snprintf(b->err, sizeof b->err, "snapshot cannot be loaded (%s)", xc_status_name(st));
  return st;
}

bool xc__book_crossed(const xc_book *b) {
  const xc__side *bs = &b->side[0], *as = &b->side[1];
  if (!bs->n || !as->n) return false;
  return bs->key[bs->n - 1] >= -as->key[as->n - 1];
}

/* ---- the bounded diff buffer ---------------------------------------------------------------- */

void xc__book_buf_clear(xc_book *b) {
  b->buf_len = 0;
  b->buf_count = 0;
}

xc_status xc__book_buf_push(xc_book *b, const xc_depth_msg *msg, int64_t recv_ns) {
  size_t need = sizeof(xc__bufmsg) + ((size_t)msg->nbids + msg->nasks) * sizeof(xc_depth_lvl);
  if (need > b->o.buffer_bytes) {
    b->st.buffer_overflows++;
    xc__book_buf_clear(b);
    return XC_EFULL;
  }
  if (b->buf_len + need > b->o.buffer_bytes) {
    /* keep the newest: everything older is useless once continuity with it is lost; the
     * snapshot-vs-first-buffered check then decides whether the snapshot still fits */
    b->st.buffer_overflows++;
    xc__book_buf_clear(b);
  }
  if (b->buf_len + need > b->buf_cap) {
    size_t nc = b->buf_cap ? b->buf_cap : 64 * 1024;
    while (nc < b->buf_len + need) nc *= 2;
    if (nc > b->o.buffer_bytes) nc = b->o.buffer_bytes;
    unsigned char *nb = realloc(b->buf, nc);
    if (!nb) return XC_ENOMEM;
    b->buf = nb;
    b->buf_cap = nc;
  }
  xc__bufmsg h = {msg->first_id, msg->last_id, msg->prev_id, msg->event_ms, msg->txn_ms, recv_ns,
                  msg->nbids, msg->nasks};
  memcpy(b->buf + b->buf_len, &h, sizeof h);
  size_t off = b->buf_len + sizeof h;
  if (msg->nbids) memcpy(b->buf + off, msg->bids, msg->nbids * sizeof(xc_depth_lvl));
  off += msg->nbids * sizeof(xc_depth_lvl);
  if (msg->nasks) memcpy(b->buf + off, msg->asks, msg->nasks * sizeof(xc_depth_lvl));
  b->buf_len += need;
  b->buf_count++;
  b->st.buffered++;
  return XC_OK;
}

/* ---- publication (seqlock) ------------------------------------------------------------------ */

#define RLX memory_order_relaxed

void xc__book_publish(xc_book *b) {
  xc__pub *p = &b->pub;
  uint64_t s = atomic_load_explicit(&p->seq, RLX);
  atomic_store_explicit(&p->seq, s + 1, RLX);
  atomic_thread_fence(memory_order_release);
  b->version++;
  atomic_store_explicit(&p->state, b->state, RLX);
  atomic_store_explicit(&p->update_id, b->last_id, RLX);
  atomic_store_explicit(&p->event_ms, b->last_event_ms, RLX);
  atomic_store_explicit(&p->recv_ns, b->last_recv_ns, RLX);
  atomic_store_explicit(&p->version, (int64_t)b->version, RLX);
  atomic_store_explicit(&p->px_places, b->px_places, RLX);
  atomic_store_explicit(&p->qty_places, b->qty_places, RLX);
  atomic_store_explicit(&p->total_b, b->side[0].live, RLX);
  atomic_store_explicit(&p->total_a, b->side[1].live, RLX);
  for (int si = 0; si < 2; si++) {
    xc__side *sd = &b->side[si];
    /* the best top_n live levels, from the top; entries nearer the top than the shallowest
     * change (dirty, a distance from the top) are unchanged and so are their slots */
    uint32_t c = 0, top = sd->n - 1;
    for (uint32_t j = sd->n; j-- > 0 && c < b->o.top_n;) {
      if (!sd->qty[j]) continue;
      if (top - j >= sd->dirty) {
        atomic_store_explicit(&p->lv[si][c][0], sd->key[j], RLX);
        atomic_store_explicit(&p->lv[si][c][1], sd->qty[j], RLX);
      }
      c++;
    }
    if (si == 0) atomic_store_explicit(&p->nb, c, RLX);
    else atomic_store_explicit(&p->na, c, RLX);
    sd->dirty = UINT32_MAX;
  }
  atomic_store_explicit(&p->seq, s + 2, memory_order_release);
}

static inline xc_dec mkdec(int64_t v, int places) {
  xc_dec d;
  d.coef = v;
  d.exp = -places;
  return d;
}

xc_book_state xc_book_state_get(const xc_book *b) {
  return (xc_book_state)atomic_load_explicit(&((xc_book *)b)->pub.state, RLX);
}

void xc_book_bbo_get(const xc_book *b, xc_book_bbo *out) {
  xc__pub *p = &((xc_book *)b)->pub;
  int64_t st, id, ver, pp, qp, nb, na, bk = 0, bq = 0, ak = 0, aq = 0;
  uint64_t s1, s2;
  do {
    s1 = atomic_load_explicit(&p->seq, memory_order_acquire);
    st = atomic_load_explicit(&p->state, RLX);
    id = atomic_load_explicit(&p->update_id, RLX);
    ver = atomic_load_explicit(&p->version, RLX);
    pp = atomic_load_explicit(&p->px_places, RLX);
    qp = atomic_load_explicit(&p->qty_places, RLX);
    nb = atomic_load_explicit(&p->nb, RLX);
    na = atomic_load_explicit(&p->na, RLX);
    bk = atomic_load_explicit(&p->lv[0][0][0], RLX);
    bq = atomic_load_explicit(&p->lv[0][0][1], RLX);
    ak = atomic_load_explicit(&p->lv[1][0][0], RLX);
    aq = atomic_load_explicit(&p->lv[1][0][1], RLX);
    atomic_thread_fence(memory_order_acquire);
    s2 = atomic_load_explicit(&p->seq, RLX);
  } while ((s1 & 1) || s1 != s2);
  out->state = (xc_book_state)st;
  out->update_id = id;
  out->version = (uint64_t)ver;
  out->has_bid = nb > 0;
  out->has_ask = na > 0;
  out->bid_price = nb > 0 ? mkdec(bk, (int)pp) : XC_DEC_ZERO;
  out->bid_qty = nb > 0 ? mkdec(bq, (int)qp) : XC_DEC_ZERO;
  out->ask_price = na > 0 ? mkdec(-ak, (int)pp) : XC_DEC_ZERO;
  out->ask_qty = na > 0 ? mkdec(aq, (int)qp) : XC_DEC_ZERO;
}

bool xc_book_bbo_ticks(const xc_book *b, int64_t *bid, int64_t *ask, int *px_places) {
  xc__pub *p = &((xc_book *)b)->pub;
  int64_t pp, nb, na, bk, ak;
  uint64_t s1, s2;
  do {
    s1 = atomic_load_explicit(&p->seq, memory_order_acquire);
    pp = atomic_load_explicit(&p->px_places, RLX);
    nb = atomic_load_explicit(&p->nb, RLX);
    na = atomic_load_explicit(&p->na, RLX);
    bk = atomic_load_explicit(&p->lv[0][0][0], RLX);
    ak = atomic_load_explicit(&p->lv[1][0][0], RLX);
    atomic_thread_fence(memory_order_acquire);
    s2 = atomic_load_explicit(&p->seq, RLX);
  } while ((s1 & 1) || s1 != s2);
  if (bid) *bid = bk;
  if (ask) *ask = -ak;
  if (px_places) *px_places = (int)pp;
  return nb > 0 && na > 0;
}

void xc_book_top_copy(const xc_book *b, uint32_t depth, xc_book_top *out) {
  xc_book *bk = (xc_book *)b;
  if (depth > XC_BOOK_TOP_MAX) depth = XC_BOOK_TOP_MAX;
  memset(out, 0, offsetof(xc_book_top, bids));
  if (depth > b->o.top_n) {
    /* deeper than the published view: copy under the mutex */
    uint32_t nb, na;
    out->update_id = xc_book_copy(b, out->bids, depth, &nb, out->asks, depth, &na);
    out->nbids = nb;
    out->nasks = na;
    out->state = xc_book_state_get(b);
    out->version = (uint64_t)atomic_load_explicit(&bk->pub.version, RLX);
    out->event_time_ms = atomic_load_explicit(&bk->pub.event_ms, RLX);
    out->recv_ts_ns = atomic_load_explicit(&bk->pub.recv_ns, RLX);
    pthread_mutex_lock(&bk->mu);
    out->total_bids = b->side[0].live;
    out->total_asks = b->side[1].live;
    pthread_mutex_unlock(&bk->mu);
    return;
  }
  xc__pub *p = &bk->pub;
  int64_t raw[2][XC_BOOK_TOP_MAX][2];
  int64_t st, id, ev, rv, ver, pp, qp, nb, na, tb, ta;
  uint64_t s1, s2;
  do {
    s1 = atomic_load_explicit(&p->seq, memory_order_acquire);
    st = atomic_load_explicit(&p->state, RLX);
    id = atomic_load_explicit(&p->update_id, RLX);
    ev = atomic_load_explicit(&p->event_ms, RLX);
    rv = atomic_load_explicit(&p->recv_ns, RLX);
    ver = atomic_load_explicit(&p->version, RLX);
    pp = atomic_load_explicit(&p->px_places, RLX);
    qp = atomic_load_explicit(&p->qty_places, RLX);
    nb = atomic_load_explicit(&p->nb, RLX);
    na = atomic_load_explicit(&p->na, RLX);
    tb = atomic_load_explicit(&p->total_b, RLX);
    ta = atomic_load_explicit(&p->total_a, RLX);
    if (nb > (int64_t)depth) nb = depth;
    if (na > (int64_t)depth) na = depth;
    if (nb < 0 || na < 0) nb = na = 0;
    for (int64_t i = 0; i < nb; i++) {
      raw[0][i][0] = atomic_load_explicit(&p->lv[0][i][0], RLX);
      raw[0][i][1] = atomic_load_explicit(&p->lv[0][i][1], RLX);
    }
    for (int64_t i = 0; i < na; i++) {
      raw[1][i][0] = atomic_load_explicit(&p->lv[1][i][0], RLX);
      raw[1][i][1] = atomic_load_explicit(&p->lv[1][i][1], RLX);
    }
    atomic_thread_fence(memory_order_acquire);
    s2 = atomic_load_explicit(&p->seq, RLX);
  } while ((s1 & 1) || s1 != s2);
  out->state = (xc_book_state)st;
  out->update_id = id;
  out->event_time_ms = ev;
  out->recv_ts_ns = rv;
  out->version = (uint64_t)ver;
  out->nbids = (uint32_t)nb;
  out->nasks = (uint32_t)na;
  out->total_bids = (uint32_t)tb;
  out->total_asks = (uint32_t)ta;
  for (int64_t i = 0; i < nb; i++) {
    out->bids[i].price = mkdec(raw[0][i][0], (int)pp);
    out->bids[i].qty = mkdec(raw[0][i][1], (int)qp);
  }
  for (int64_t i = 0; i < na; i++) {
    out->asks[i].price = mkdec(-raw[1][i][0], (int)pp);
    out->asks[i].qty = mkdec(raw[1][i][1], (int)qp);
  }
}

int64_t xc_book_copy(const xc_book *b, xc_book_level *bids, uint32_t cap_bids, uint32_t *n_bids,
                     xc_book_level *asks, uint32_t cap_asks, uint32_t *n_asks) {
  xc_book *bk = (xc_book *)b;
  pthread_mutex_lock(&bk->mu);
  const int pp = b->px_places, qp = b->qty_places;
  for (int si = 0; si < 2; si++) {
    const xc__side *s = &b->side[si];
    xc_book_level *dst = si ? asks : bids;
    uint32_t cap = si ? cap_asks : cap_bids;
    uint32_t n = 0;
    if (!dst) cap = 0;
    for (uint32_t j = s->n; j-- > 0 && n < cap;) {
      if (!s->qty[j]) continue; /* tombstone */
      dst[n].price = mkdec(si ? -s->key[j] : s->key[j], pp);
      dst[n].qty = mkdec(s->qty[j], qp);
      n++;
    }
    if (si == 0 && n_bids) *n_bids = n;
    if (si == 1 && n_asks) *n_asks = n;
  }
  int64_t id = b->last_id;
  pthread_mutex_unlock(&bk->mu);
  return id;
}

/* ---- introspection ---------------------------------------------------------------------------- */

void xc_book_stats_get(const xc_book *b, xc_book_stats *out) { *out = b->st; }
uint32_t xc_book_levels(const xc_book *b, xc_book_side side) { return b->side[side == XC_BOOK_ASK].live; }
int64_t xc_book_update_id(const xc_book *b) { return b->last_id; }

static uint64_t fnv(uint64_t h, uint64_t v) {
  for (int i = 0; i < 8; i++) {
    h ^= (v >> (8 * i)) & 0xff;
    h *= 1099511628211ull;
  }
  return h;
}

static uint64_t canon(uint64_t h, int64_t v, int places) {
  while (places > 0 && v % 10 == 0) {
    v /= 10;
    places--;
  }
  return fnv(fnv(h, (uint64_t)v), (uint64_t)places);
}

uint64_t xc_book_checksum(const xc_book *b) {
  uint64_t h = 1469598103934665603ull;
  for (int si = 0; si < 2; si++) {
    const xc__side *s = &b->side[si];
    h = fnv(h, 0xB1D0A5Cull + (uint64_t)si);
    for (uint32_t i = s->n; i-- > 0;) {
      if (!s->qty[i]) continue; /* tombstone */
      h = canon(h, si ? -s->key[i] : s->key[i], b->px_places);
      h = canon(h, s->qty[i], b->qty_places);
    }
  }
  return h;
}

/* ---- feeding ------------------------------------------------------------------------------------ */

/* Binance partial depth: each message is the whole top-N book. */
static xc_status partial_msg(xc_book *b, const xc_depth_msg *m, int64_t recv_ns, xc_book_outcome *oc) {
  if (m->last_id != XC_DEPTH_ABSENT && b->last_id != XC_DEPTH_ABSENT && m->last_id < b->last_id) {
    b->st.stale_ids++;
    *oc = XC_BOOK_O_STALE_ID;
    return XC_OK;
  }
  xc_status st = xc__book_load(b, m);
  if (st != XC_OK || (b->o.resync_on_crossed && xc__book_crossed(b))) {
    if (st == XC_OK) b->st.crossed++;
    else b->st.bad_messages++;
    b->st.resyncs++;
    xc__book_clear(b);
    b->last_id = XC_DEPTH_ABSENT;
    xc__book_set_state(b, b->was_live ? XC_BOOK_RESYNCING : XC_BOOK_SYNCING,
                       st == XC_OK ? XC_BOOK_R_CROSSED : XC_BOOK_R_BAD_MESSAGE, recv_ns);
    *oc = XC_BOOK_O_RESYNC;
    return st;
  }
  b->st.snapshots++;
  b->st.applied++;
  b->last_recv_ns = recv_ns;
  xc__book_set_state(b, XC_BOOK_LIVE, XC_BOOK_R_SYNCED, recv_ns);
  xc__book_publish(b);
  *oc = XC_BOOK_O_SNAPSHOT;
  return XC_OK;
}

static xc_status dispatch(xc_book *b, const xc_depth_msg *m, int64_t recv_ns, xc_book_outcome *oc, bool rest) {
  *oc = XC_BOOK_O_IGNORED;
  if (m->kind == XC_DEPTH_NONE) {
    b->st.ignored++;
    return XC_OK;
  }
  xc_status st = xc__book_check_symbol(b, m);
  if (st != XC_OK) {
    b->st.ignored++;
    return st;
  }
  if (b->o.venue == XC_BOOK_BYBIT) {
    b->last_msg_ns = recv_ns;
    return xc__bybit_msg(b, m, recv_ns, oc);
  }
  if (rest) return xc__binance_snapshot(b, m, recv_ns, oc);
  b->last_msg_ns = recv_ns;
  if (b->o.partial_stream) return partial_msg(b, m, recv_ns, oc);
  if (m->kind != XC_DEPTH_DIFF) {
    /* a partial-depth message on a diff book's socket: not ours */
    b->st.ignored++;
    return XC_OK;
  }
  return xc__binance_diff(b, m, recv_ns, oc);
}

static void decode_failed(xc_book *b, xc_status st, int64_t recv_ns, xc_book_outcome *oc) {
  b->st.bad_messages++;
  snprintf(b->err, sizeof b->err, "depth decode: %s", b->dec.err);
  /* A number that does not fit means a real update we cannot apply: rebuild. Malformed bytes are
   * only counted: if an update was lost, the next one's ids show the gap. */
  if (st == XC_ERANGE && (b->state == XC_BOOK_LIVE || b->state == XC_BOOK_STALE)) {
    xc__book_resync(b, XC_BOOK_R_BAD_MESSAGE, recv_ns);
    *oc = XC_BOOK_O_RESYNC;
  }
}

xc_status xc_book_feed(xc_book *b, const char *msg, size_t len, int64_t recv_ns, xc_book_outcome *outcome) {
  xc_book_outcome dummy;
  if (!outcome) outcome = &dummy;
  *outcome = XC_BOOK_O_IGNORED;
  if (!b || (!msg && len)) return XC_EINVAL;
  b->st.msgs++;
  xc_depth_msg m;
  /* decode straight into the book's integer units where the numbers allow it */
  b->dec.px_scale = b->px_places;
  b->dec.qty_scale = b->qty_places;
  xc_status st = b->o.venue == XC_BOOK_BYBIT ? xc_depth_decode_bybit_ws(&b->dec, msg, len, &m)
                                             : xc_depth_decode_binance_ws(&b->dec, msg, len, &m);
  if (st != XC_OK) {
    decode_failed(b, st, recv_ns, outcome);
    return st;
  }
  return dispatch(b, &m, recv_ns, outcome, false);
}

xc_status xc_book_feed_snapshot(xc_book *b, const char *body, size_t len, int64_t recv_ns,
                                xc_book_outcome *outcome) {
  xc_book_outcome dummy;
  if (!outcome) outcome = &dummy;
  *outcome = XC_BOOK_O_IGNORED;
  if (!b || (!body && len)) return XC_EINVAL;
  xc_depth_msg m;
  b->dec.px_scale = b->px_places;
  b->dec.qty_scale = b->qty_places;
  xc_status st = b->o.venue == XC_BOOK_BYBIT ? xc_depth_decode_bybit_rest(&b->dec, body, len, &m)
                                             : xc_depth_decode_binance_rest(&b->dec, body, len, &m);
  if (st != XC_OK) {
    snprintf(b->err, sizeof b->err, "snapshot decode: %s", b->dec.err);
    /* the fetch is as good as failed: ask again */
    if (b->snap_requested) xc_book_snapshot_failed(b, recv_ns);
    return st;
  }
  return dispatch(b, &m, recv_ns, outcome, true);
}

xc_status xc_book_apply(xc_book *b, const xc_depth_msg *msg, int64_t recv_ns, xc_book_outcome *outcome) {
  xc_book_outcome dummy;
  if (!outcome) outcome = &dummy;
  *outcome = XC_BOOK_O_IGNORED;
  if (!b || !msg) return XC_EINVAL;
  b->st.msgs++;
  return dispatch(b, msg, recv_ns, outcome, false);
}

xc_status xc_book_apply_snapshot(xc_book *b, const xc_depth_msg *msg, int64_t recv_ns,
                                 xc_book_outcome *outcome) {
  xc_book_outcome dummy;
  if (!outcome) outcome = &dummy;
  *outcome = XC_BOOK_O_IGNORED;
  if (!b || !msg) return XC_EINVAL;
  return dispatch(b, msg, recv_ns, outcome, true);
}
