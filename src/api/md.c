/* Market-data subscriptions: one supervised WebSocket per (venue, market), streams shared between
 * user subscriptions (reference counts), events parsed into exact decimals, duplicates dropped by
 * sequence, and L2 books driven through the sans-I/O book engine (snapshots over REST within the
 * rate-limit budget, rebuilds on gap / stale / reconnect / crossed). See docs/internals/client.md.
 *
 * Threading: xc_subscribe / xc_unsubscribe run on any thread and post commands; everything else in
 * this file runs on the engine thread, except the book readers (any thread, under books_lock). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/client_int.h"
#include "core/clock.h"
#include "core/log.h"

struct xc__md_sub {
  xc_client *c;
  uint64_t id;
  xc_venue v;
  xc_market m;
  xc_channel ch;
  uint32_t depth;
  uint32_t levels;           /* book events: levels per side (0 = best only) */
  char symbol[XC_SYMBOL_MAX];
  char vsym[XC_SYMBOL_MAX];
  char topic[XC__TOPIC_MAX];
  xc__md_stream *s;          /* [engine] */
  xc__md_sub *next;          /* [mu] c->subs */
  xc__md_sub *snext;         /* [engine] s->subs */
};

struct xc__md_stream {
  xc__md_conn *conn;
  xc_channel ch;
  uint32_t depth;
  char topic[XC__TOPIC_MAX];
  char symbol[XC_SYMBOL_MAX];
  char vsym[XC_SYMBOL_MAX];
  xc__md_sub *subs;
  int64_t last_seq;          /* duplicate filter (trade id, update id, event time) */
  uint64_t dups;
  /* books */
  xc_book *book;
  xc_book_top *top;
  uint32_t levels;           /* max levels over the subscriptions */
  uint32_t snap_limit;       /* limit of the next snapshot: covers the deepest subscription */
  uint32_t sent_limit;       /* limit of the snapshot in flight */
  int pending;               /* snapshot requests in flight */
  bool again;                /* a snapshot was asked for while one was in flight */
  xc__timer *snap_timer;
  bool dead;                 /* unsubscribed; freed when pending reaches 0 */
  xc__md_stream *next;       /* conn->streams */
  xc__md_stream *bnext;      /* c->books [books_lock] */
};

struct xc__md_conn {
  xc_client *c;
  xc_venue v;
  xc_market m;
  xc__ws *ws;
  char name[48];
  xc__md_stream *streams;
  xc_json j;
};

/* ---- helpers ---------------------------------------------------------------------------------- */

static const xc__venue_ops *ops_of(xc_venue v) { return xc__venue_get(v)->ops; }

static void emit_error(xc_client *c, xc__md_stream *s, xc_status st, const char *what) {
  xc_event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = XC_EV_ERROR;
  ev.venue = s ? s->conn->v : XC_VENUE_NONE;
  ev.market = s ? s->conn->m : XC_MARKET_NONE;
  ev.symbol = s ? s->symbol : "";
  ev.recv_ts_ns = xc_wall_ns();
  ev.u.error.status = st;
  ev.u.error.what = what;
  xc__client_emit(c, &ev);
}

static void book_event(xc__md_stream *s, xc_event_type type, xc_book_state state, xc_book_reason reason,
                       int64_t at_ns) {
  xc_client *c = s->conn->c;
  xc_book_top *top = s->top;
  uint32_t want = s->levels ? s->levels : 1;
  xc_book_top_copy(s->book, want, top);
  if (type == XC_EV_BOOK_STATE) top->state = state;
  xc_event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = type;
  ev.venue = s->conn->v;
  ev.market = s->conn->m;
  ev.symbol = s->symbol;
  ev.venue_ts_ms = top->event_time_ms;
  ev.recv_ts_ns = type == XC_EV_BOOK ? top->recv_ts_ns : at_ns ? at_ns : xc_wall_ns();
  ev.u.book.state = state;
  ev.u.book.reason = reason;
  ev.u.book.top = top;
  uint32_t nb = top->nbids, na = top->nasks;
  for (xc__md_sub *u = s->subs; u; u = u->snext) {
    uint32_t lv = u->levels ? u->levels : 1;
    top->nbids = nb < lv ? nb : lv;
    top->nasks = na < lv ? na : lv;
    ev.sub_id = u->id;
    xc__client_emit(c, &ev);
  }
  top->nbids = nb;
  top->nasks = na;
}

/* ---- book snapshots --------------------------------------------------------------------------- */

static void drain(xc__md_stream *s);
static void stream_free(xc__md_stream *s);

static void snapshot_done(xc_client *c, xc_status st, int hs, const char *body, size_t len, const char *msg,
                          void *user) {
  (void)hs;
  xc__md_stream *s = user;
  s->pending--;
  if (s->dead) { /* unlinked from everything: the last completion frees it */
    if (s->pending == 0) stream_free(s);
    return;
  }
  if (st == XC_ECANCELED || atomic_load(&c->stopping)) return;
  int64_t now = xc_wall_ns();
  if (st == XC_OK && s->sent_limit < s->snap_limit) {
    /* a deeper subscription joined while this shallower snapshot was in flight: not enough */
    xc_book_snapshot_failed(s->book, now);
    s->again = false;
    drain(s);
    return;
  }
  if (st == XC_OK) {
    xc_book_outcome oc;
    xc_status fst = xc_book_feed_snapshot(s->book, body, len, now, &oc);
    if (fst) XC_WARN("md", "%s: snapshot rejected: %s", s->topic, xc_book_errmsg(s->book));
  } else {
    char what[320];
    snprintf(what, sizeof what, "%s %s: depth snapshot failed: %s", xc_venue_name(s->conn->v), s->symbol, msg);
    emit_error(c, s, st, what);
    xc_book_snapshot_failed(s->book, now);
  }
  bool again = s->again;
  s->again = false;
  drain(s);
  if (xc_book_state_get(s->book) == XC_BOOK_LIVE) book_event(s, XC_EV_BOOK, XC_BOOK_LIVE, XC_BOOK_R_NONE, 0);
  else if (again && !s->pending && !(s->snap_timer && xc__timer_active(s->snap_timer))) xc_book_snapshot_failed(s->book, now), drain(s);
}

static void fetch_snapshot(xc__md_stream *s, uint32_t weight) {
  xc_client *c = s->conn->c;
  char path[160];
  if (ops_of(s->conn->v)->depth_path(s->conn->m, s->vsym, s->snap_limit, path, sizeof path)) return;
  xc_status st = xc__client_rest_get(c, s->conn->v, s->conn->m, path, weight, snapshot_done, s);
  if (st == XC_OK) {
    s->pending++;
    s->sent_limit = s->snap_limit;
    return;
  }
  /* Not admitted (rate_limit_fail_fast and no budget now, a weight above the venue's limit, a
   * ban): say so with the limiter's detail, then try again on the timer when the budget frees (the
   * limiter's wait, at least 50 ms; 1 s when unknown; 60 s for a weight that can never fit until
   * the venue announces other limits). */
  int64_t wait = c->rest_refused_wait_ms;
  uint32_t retry_ms = st == XC_EINVAL ? 60000 : wait <= 0 ? 1000 : wait < 50 ? 50 : wait > 60000 ? 60000 : (uint32_t)wait;
  c->rest_refused_wait_ms = 0;
  char what[448];
  snprintf(what, sizeof what, "%s %s: depth snapshot (limit %u, weight %u) not sent: %s: %s; retrying in %u ms",
           xc_venue_name(s->conn->v), s->symbol, s->snap_limit, weight, xc_status_str(st), xc_client_errmsg(c),
           retry_ms);
  emit_error(c, s, st, what);
  if (s->snap_timer) xc__timer_start(s->snap_timer, retry_ms, 0);
}

static void snap_timer_fire(xc__timer *t, void *arg) {
  (void)t;
  xc__md_stream *s = arg;
  if (s->dead || atomic_load(&s->conn->c->stopping)) return;
  if (xc_book_state_get(s->book) == XC_BOOK_LIVE) return;
  fetch_snapshot(s, xc_book_snapshot_weight(ops_of(s->conn->v)->book_kind(s->conn->m), s->snap_limit));
}

static void need_snapshot(xc__md_stream *s, const xc_book_action *a) {
  if (s->pending) {
    s->again = true;
    return;
  }
  if (a->attempt > 1 && s->snap_timer) {
    /* Repeats back off: each too-old snapshot costs weight (binance.md 3.4). */
    uint32_t sh = a->attempt - 2 > 5 ? 5 : a->attempt - 2;
    xc__timer_start(s->snap_timer, 100u << sh, 0);
    return;
  }
  (void)a->snapshot_weight; /* the book's weight is for its initial limit; s->snap_limit may be deeper */
  fetch_snapshot(s, xc_book_snapshot_weight(ops_of(s->conn->v)->book_kind(s->conn->m), s->snap_limit));
}

static void drain(xc__md_stream *s) {
  xc_book_action a;
  while (xc_book_poll(s->book, &a)) {
    switch (a.kind) {
    case XC_BOOK_ACT_NEED_SNAPSHOT: need_snapshot(s, &a); break;
    case XC_BOOK_ACT_RESUBSCRIBE:
      /* Both messages must reach the venue: an unsubscribe+subscribe pair posted to the registry
       * cancels out while the unsubscribe is still held by the venue's message-rate limit. */
      if (s->conn->ws) xc__ws_resubscribe(s->conn->ws, s->topic);
      break;
    case XC_BOOK_ACT_STATE: book_event(s, XC_EV_BOOK_STATE, a.to, a.reason, a.at_ns); break;
    default: break;
    }
  }
}

/* ---- WebSocket callbacks ---------------------------------------------------------------------- */

static xc__md_stream *find_stream(xc__md_conn *k, const char *topic, size_t n) {
  for (xc__md_stream *s = k->streams; s; s = s->next)
    if (strlen(s->topic) == n && !memcmp(s->topic, topic, n)) return s;
  return NULL;
}

static void on_message(xc__ws *ws, const char *data, size_t len, bool binary, void *user) {
  (void)ws;
  xc__md_conn *k = user;
  xc_client *c = k->c;
  if (binary || atomic_load(&c->stopping)) return;
  int64_t now = xc_wall_ns();
  xc__venue_route r;
  if (!ops_of(k->v)->route(data, len, &r)) return;
  xc__md_stream *s = find_stream(k, r.topic, r.topic_len);
  if (!s) return;
  if (s->ch == XC_CH_BOOK) {
    xc_book_outcome oc = XC_BOOK_O_IGNORED;
    xc_status st = xc_book_feed(s->book, data, len, now, &oc);
    if (st && st != XC_EINVAL) XC_DEBUG("md", "%s: %s", s->topic, xc_book_errmsg(s->book));
    drain(s);
    if ((oc == XC_BOOK_O_APPLIED || oc == XC_BOOK_O_SNAPSHOT) && xc_book_state_get(s->book) == XC_BOOK_LIVE)
      book_event(s, XC_EV_BOOK, XC_BOOK_LIVE, XC_BOOK_R_NONE, 0);
    return;
  }
  xc_event ev;
  memset(&ev, 0, sizeof ev);
  int64_t seq = 0;
  xc_status st = xc_json_parse(&k->j, data, len);
  if (!st) st = ops_of(k->v)->parse_md(&k->j, k->m, s->ch, &ev, &seq);
  if (st) {
    char what[200];
    snprintf(what, sizeof what, "%s: unparsable message: %s", s->topic, xc_json_errmsg(&k->j));
    emit_error(c, s, st, what);
    return;
  }
  if (seq) {
    if (seq <= s->last_seq) {
      s->dups++;
      return;
    }
    s->last_seq = seq;
  }
  ev.venue = k->v;
  ev.market = k->m;
  ev.symbol = s->symbol;
  ev.recv_ts_ns = now;
  for (xc__md_sub *u = s->subs; u; u = u->snext) {
    ev.sub_id = u->id;
    xc__client_emit(c, &ev);
  }
}

static void on_state(xc__ws *ws, const xc__ws_event *we, void *user) {
  (void)ws;
  xc__md_conn *k = user;
  xc_client *c = k->c;
  xc_event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = XC_EV_CONN;
  ev.venue = k->v;
  ev.market = k->m;
  ev.symbol = "";
  ev.recv_ts_ns = xc_wall_ns();
  ev.u.conn.name = k->name;
  ev.u.conn.reason = we->detail ? we->detail : "";
  ev.u.conn.attempt = we->attempt;
  ev.u.conn.delay_ms = (uint32_t)(we->retry_in_ms > UINT32_MAX ? UINT32_MAX : we->retry_in_ms);
  switch (we->state) {
  case XC__WS_CONNECTING: ev.u.conn.state = XC_CONN_CONNECTING; break;
  case XC__WS_OPEN: ev.u.conn.state = XC_CONN_OPEN; break;
  case XC__WS_RECONNECTING: ev.u.conn.state = XC_CONN_RECONNECTING; break;
  default: ev.u.conn.state = XC_CONN_CLOSED; break;
  }
  if (we->state == XC__WS_OPEN && we->reason == XC__WSR_ROTATED) return; /* seamless, nothing lost */
  if (we->state == XC__WS_RECONNECTING && !atomic_load(&c->stopping)) {
    /* Lost: every book on this connection may have missed updates; rebuild after the replay. */
    int64_t now = xc_wall_ns();
    for (xc__md_stream *s = k->streams; s; s = s->next)
      if (s->book && !s->dead) {
        xc_book_reset(s->book, now);
        drain(s);
      }
  }
  xc__client_emit(c, &ev);
  if (we->final) k->ws = NULL;
}

static void on_sub(xc__ws *ws, const char *topic, bool ok, void *user) {
  (void)ws;
  xc__md_conn *k = user;
  if (ok) return;
  xc__md_stream *s = find_stream(k, topic, strlen(topic));
  char what[160];
  snprintf(what, sizeof what, "%s: subscription to %s refused", k->name, topic);
  emit_error(k->c, s, XC_EREJECTED, what);
}

static xc__md_conn *conn_get(xc_client *c, xc_venue v, xc_market m) {
  if (c->conn[v][m]) return c->conn[v][m];
  const xc__venue_ops *ops = ops_of(v);
  if (!c->ws_url[v][m][0]) return NULL;
  xc__md_conn *k = calloc(1, sizeof *k);
  if (!k) return NULL;
  k->c = c;
  k->v = v;
  k->m = m;
  xc_json_init(&k->j);
  snprintf(k->name, sizeof k->name, "%s %s public", xc_venue_name(v), xc_market_name(m));
  char url[XC__URL_MAX + 64];
  snprintf(url, sizeof url, "%s%s", c->ws_url[v][m], ops->ws_public_path(m));
  xc__ws_opts o;
  xc__ws_opts_default(&o);
  o.url = url;
  o.idle_timeout_ms = c->opts.ws_idle_timeout_ms;
  o.ping_interval_ms = c->opts.ws_idle_timeout_ms ? c->opts.ws_idle_timeout_ms / 3 : 20000;
  if (o.ping_interval_ms > 20000) o.ping_interval_ms = 20000;
  o.backoff.base_ms = c->opts.reconnect_min_ms;
  o.backoff.cap_ms = c->opts.reconnect_max_ms;
  o.backoff.seed = (uint64_t)xc_mono_ns() ^ ((uint64_t)v << 8 | (uint64_t)m);
  o.max_lifetime_ms = 23u * 3600u * 1000u; /* Binance closes a connection after 24 h */
  o.venue = ops->ws_hooks(m);
  o.on_state = on_state;
  o.on_message = on_message;
  o.on_sub = on_sub;
  o.user = k;
  if (xc__ws_new(c->eng, &o, &k->ws) != XC_OK) {
    xc_json_free(&k->j);
    free(k);
    return NULL;
  }
  c->conn[v][m] = k;
  return k;
}

/* ---- streams ---------------------------------------------------------------------------------- */

static void stream_free(xc__md_stream *s) {
  if (s->snap_timer) xc__timer_free(s->snap_timer);
  xc_book_free(s->book);
  free(s->top);
  free(s);
}

/* Unlinks a stream whose last subscription left; frees it now or when its snapshot returns. */
static void stream_remove(xc_client *c, xc__md_stream *s) {
  xc__md_conn *k = s->conn;
  for (xc__md_stream **p = &k->streams; *p; p = &(*p)->next)
    if (*p == s) {
      *p = s->next;
      break;
    }
  if (s->book) {
    pthread_rwlock_wrlock(&c->books_lock);
    for (xc__md_stream **p = &c->books; *p; p = &(*p)->bnext)
      if (*p == s) {
        *p = s->bnext;
        break;
      }
    pthread_rwlock_unlock(&c->books_lock);
  }
  if (k->ws) xc__ws_unsubscribe(k->ws, s->topic);
  if (s->snap_timer) {
    xc__timer_free(s->snap_timer);
    s->snap_timer = NULL;
  }
  s->dead = true;
  if (!s->pending) stream_free(s);
}

/* The snapshot limit for a book of `depth` levels per side (0 = full): the venue's default full
 * snapshot, or the smallest documented limit covering the depth (cheaper in weight). */
static uint32_t snapshot_limit(xc_market m, uint32_t depth) {
  uint32_t full = m == XC_MARKET_LINEAR ? 1000 : 5000;
  if (depth == 0) return full;
  static const uint32_t lims[] = {100, 500, 1000, 5000};
  for (size_t i = 0; i < sizeof lims / sizeof lims[0]; i++)
    if (lims[i] >= depth && lims[i] <= full) return lims[i];
  return full;
}

static xc__md_stream *stream_new(xc_client *c, xc__md_conn *k, const xc__md_sub *u) {
  xc__md_stream *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->conn = k;
  s->ch = u->ch;
  s->depth = u->depth;
  memcpy(s->topic, u->topic, sizeof s->topic);
  memcpy(s->symbol, u->symbol, sizeof s->symbol);
  memcpy(s->vsym, u->vsym, sizeof s->vsym);
  if (u->ch == XC_CH_BOOK) {
    xc_book_opts bo;
    xc_book_opts_default(&bo, ops_of(k->v)->book_kind(k->m));
    bo.symbol = s->vsym;
    bo.stale_after_ns = (int64_t)c->opts.book_stale_ms * 1000000;
    bo.top_n = 20;
    /* A book of 1..20 levels (Binance) follows the venue's partial-depth stream: every message is
     * the whole top N and replaces the local book; no snapshot is ever fetched. Deeper or full
     * books are diff books synchronised with a snapshot. */
    const xc__venue_ops *ops = ops_of(k->v);
    bo.partial_stream = ops->book_partial && ops->book_partial(k->m, u->depth) > 0;
    s->snap_limit = snapshot_limit(k->m, u->depth);
    bo.snapshot_limit = s->snap_limit;
    s->top = calloc(1, sizeof *s->top);
    s->snap_timer = xc__timer_new(c->eng, snap_timer_fire, s);
    if (!s->top || !s->snap_timer || xc_book_new(&bo, &s->book) != XC_OK) {
      stream_free(s);
      return NULL;
    }
  }
  return s;
}

static void check_tick(xc__timer *t, void *arg) {
  (void)t;
  xc_client *c = arg;
  int64_t now = xc_wall_ns();
  for (int v = 0; v < XC__NVENUES; v++)
    for (int m = 0; m < XC__NMARKETS; m++) {
      xc__md_conn *k = c->conn[v][m];
      if (!k) continue;
      for (xc__md_stream *s = k->streams; s; s = s->next)
        if (s->book) {
          xc_book_check(s->book, now);
          drain(s);
        }
    }
}

static void attach_cmd(xc__engine *e, void *arg, bool cancelled) {
  (void)e;
  xc__md_sub *u = arg;
  if (cancelled) return; /* freed with c->subs at the end */
  xc_client *c = u->c;
  xc__md_conn *k = conn_get(c, u->v, u->m);
  if (!k) {
    char what[160];
    snprintf(what, sizeof what, "%s %s: no WebSocket endpoint", xc_venue_name(u->v), xc_market_name(u->m));
    emit_error(c, NULL, XC_ENOTSUP, what);
    return;
  }
  xc__md_stream *s = find_stream(k, u->topic, strlen(u->topic));
  bool fresh = !s;
  if (!s) {
    s = stream_new(c, k, u);
    if (!s) {
      emit_error(c, NULL, XC_ENOMEM, "subscription: out of memory");
      return;
    }
    s->next = k->streams;
    k->streams = s;
  }
  u->s = s;
  u->snext = s->subs;
  s->subs = u;
  if (!fresh && s->book && snapshot_limit(k->m, u->depth) > s->snap_limit) {
    /* A deeper subscription (e.g. the full book) joins a diff book built from a shallower
     * snapshot: its levels beyond that snapshot are unknown, so rebuild it from a snapshot deep
     * enough for every subscriber (RESYNCING, reason start). */
    s->snap_limit = snapshot_limit(k->m, u->depth);
    xc_book_reset(s->book, xc_wall_ns());
    drain(s);
  }
  if (s->book && u->levels > s->levels) s->levels = u->levels > XC_BOOK_TOP_MAX ? XC_BOOK_TOP_MAX : u->levels;
  if (fresh) {
    if (s->book) {
      pthread_rwlock_wrlock(&c->books_lock);
      s->bnext = c->books;
      c->books = s;
      pthread_rwlock_unlock(&c->books_lock);
      if (!c->check_timer && c->opts.book_stale_ms) {
        c->check_timer = xc__timer_new(c->eng, check_tick, c);
        uint32_t p = c->opts.book_stale_ms / 4;
        if (p < 50) p = 50;
        if (p > 1000) p = 1000;
        if (c->check_timer) xc__timer_start(c->check_timer, p, p);
      }
    }
    xc__ws_subscribe(k->ws, s->topic);
  } else if (s->book && xc_book_state_get(s->book) == XC_BOOK_LIVE) {
    /* A new subscriber of a live book sees its current state at once. */
    xc__md_sub *saved = s->subs->snext;
    s->subs->snext = NULL;
    book_event(s, XC_EV_BOOK_STATE, XC_BOOK_LIVE, XC_BOOK_R_SYNCED, 0);
    s->subs->snext = saved;
  }
  /* Instruments of this market are loaded in the background (symbol rules for the user). */
  pthread_mutex_lock(&c->mu);
  bool need = c->instr[u->v][u->m].state == 0;
  pthread_mutex_unlock(&c->mu);
  if (need) xc__instr_load(c, u->v, u->m);
}

typedef struct detach_arg {
  xc_client *c;
  xc__md_sub *u;
} detach_arg;

static void detach_cmd(xc__engine *e, void *arg, bool cancelled) {
  (void)e;
  detach_arg *d = arg;
  xc__md_sub *u = d->u;
  xc_client *c = d->c;
  free(d);
  if (!cancelled && u->s) {
    xc__md_stream *s = u->s;
    for (xc__md_sub **p = &s->subs; *p; p = &(*p)->snext)
      if (*p == u) {
        *p = u->snext;
        break;
      }
    if (!s->subs) stream_remove(c, s);
    else if (s->book) {
      uint32_t lv = 0;
      for (xc__md_sub *w = s->subs; w; w = w->snext) lv = w->levels > lv ? w->levels : lv;
      s->levels = lv > XC_BOOK_TOP_MAX ? XC_BOOK_TOP_MAX : lv;
    }
  }
  free(u);
}

void xc_sub_opts_default(xc_sub_opts *o) {
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->channel = XC_CH_BOOK;
  o->event_levels = 10;
}

static xc_capability cap_of(xc_channel ch) {
  return ch == XC_CH_TICKER ? XC_CAP_TICKER : ch == XC_CH_BOOK || ch == XC_CH_BBO ? XC_CAP_BOOK : XC_CAP_TRADES;
}

xc_status xc_subscribe(xc_client *c, const xc_sub_opts *o, uint64_t *sub_id) {
  if (!c || !o || !o->symbol) return XC_EINVAL;
  if (sub_id) *sub_id = 0;
  const xc__venue_desc *d = xc__venue_get(o->venue);
  if (!d) return xc__client_fail(c, XC_ENOTSUP, "venue %s not supported", xc_venue_name(o->venue));
  if (o->channel < XC_CH_TICKER || o->channel > XC_CH_BOOK) return xc__client_fail(c, XC_EINVAL, "bad channel");
  xc_symbol sy;
  if (xc_symbol_parse(o->symbol, &sy)) return xc__client_fail(c, XC_EINVAL, "bad symbol '%s'", o->symbol);
  if (!xc_venue_has(o->venue, sy.market, cap_of(o->channel)))
    return xc__client_fail(c, XC_ENOTSUP, "%s %s: channel not supported", d->name, xc_market_name(sy.market));
  xc__md_sub *u = calloc(1, sizeof *u);
  if (!u) return XC_ENOMEM;
  u->v = o->venue;
  u->m = sy.market;
  u->ch = o->channel;
  u->depth = o->channel == XC_CH_BOOK ? o->depth : 0;
  u->levels = o->event_levels;
  snprintf(u->symbol, sizeof u->symbol, "%s", o->symbol);
  xc_status st = d->ops->venue_symbol(&sy, u->vsym, sizeof u->vsym);
  if (!st) st = d->ops->topic(u->m, u->ch, u->vsym, u->depth, u->topic, sizeof u->topic);
  if (st) {
    free(u);
    return xc__client_fail(c, st, "%s: cannot map symbol to %s", o->symbol, d->name);
  }
  u->c = c;
  pthread_mutex_lock(&c->mu);
  u->id = c->next_sub_id++;
  u->next = c->subs;
  c->subs = u;
  pthread_mutex_unlock(&c->mu);
  st = xc__engine_post(c->eng, attach_cmd, u);
  if (st) {
    pthread_mutex_lock(&c->mu);
    for (xc__md_sub **p = &c->subs; *p; p = &(*p)->next)
      if (*p == u) {
        *p = u->next;
        break;
      }
    pthread_mutex_unlock(&c->mu);
    free(u);
    return xc__client_fail(c, st, "engine not accepting commands");
  }
  if (sub_id) *sub_id = u->id;
  return XC_OK;
}

xc_status xc_unsubscribe(xc_client *c, uint64_t sub_id) {
  if (!c) return XC_EINVAL;
  detach_arg *d = malloc(sizeof *d);
  if (!d) return XC_ENOMEM;
  pthread_mutex_lock(&c->mu);
  xc__md_sub *u = NULL;
  for (xc__md_sub **p = &c->subs; *p; p = &(*p)->next)
    if ((*p)->id == sub_id) {
      u = *p;
      *p = u->next;
      break;
    }
  pthread_mutex_unlock(&c->mu);
  if (!u) {
    free(d);
    return xc__client_fail(c, XC_ENOTFOUND, "no subscription %llu", (unsigned long long)sub_id);
  }
  d->c = c;
  d->u = u;
  xc_status st = xc__engine_post(c->eng, detach_cmd, d);
  if (st) {
    free(d);
    free(u); /* engine stopping: nothing will touch it (streams are freed with the client) */
  }
  return st == XC_ECANCELED ? XC_OK : st;
}

/* ---- readers (any thread) --------------------------------------------------------------------- */

static xc__md_stream *find_book(xc_client *c, xc_venue v, const char *symbol) {
  for (xc__md_stream *s = c->books; s; s = s->bnext)
    if (s->conn->v == v && !strcmp(s->symbol, symbol)) return s;
  return NULL;
}

xc_status xc_book_copy_top(xc_client *c, xc_venue v, const char *symbol, uint32_t depth, xc_book_top *out) {
  if (!c || !symbol || !out) return XC_EINVAL;
  if (depth > XC_BOOK_TOP_MAX) depth = XC_BOOK_TOP_MAX;
  pthread_rwlock_rdlock(&c->books_lock);
  xc__md_stream *s = find_book(c, v, symbol);
  if (s) xc_book_top_copy(s->book, depth, out);
  pthread_rwlock_unlock(&c->books_lock);
  return s ? XC_OK : XC_ENOTFOUND;
}

xc_status xc_book_get_bbo(xc_client *c, xc_venue v, const char *symbol, xc_book_bbo *out) {
  if (!c || !symbol || !out) return XC_EINVAL;
  pthread_rwlock_rdlock(&c->books_lock);
  xc__md_stream *s = find_book(c, v, symbol);
  if (s) xc_book_bbo_get(s->book, out);
  pthread_rwlock_unlock(&c->books_lock);
  return s ? XC_OK : XC_ENOTFOUND;
}

xc_status xc_book_copy_levels(xc_client *c, xc_venue v, const char *symbol, xc_book_level *bids, uint32_t cap_bids,
                              uint32_t *n_bids, xc_book_level *asks, uint32_t cap_asks, uint32_t *n_asks,
                              int64_t *update_id) {
  if (!c || !symbol || !n_bids || !n_asks) return XC_EINVAL;
  pthread_rwlock_rdlock(&c->books_lock);
  xc__md_stream *s = find_book(c, v, symbol);
  int64_t id = 0;
  if (s) id = xc_book_copy(s->book, bids, cap_bids, n_bids, asks, cap_asks, n_asks);
  pthread_rwlock_unlock(&c->books_lock);
  if (update_id) *update_id = id;
  return s ? XC_OK : XC_ENOTFOUND;
}

/* ---- shutdown --------------------------------------------------------------------------------- */

void xc__md_shutdown(xc_client *c) {
  if (c->check_timer) xc__timer_free(c->check_timer);
  c->check_timer = NULL;
  for (int v = 0; v < XC__NVENUES; v++)
    for (int m = 0; m < XC__NMARKETS; m++) {
      xc__md_conn *k = c->conn[v][m];
      if (!k) continue;
      for (xc__md_stream *s = k->streams; s; s = s->next)
        if (s->snap_timer) {
          xc__timer_free(s->snap_timer);
          s->snap_timer = NULL;
        }
    }
}

void xc__md_free_all(xc_client *c) {
  pthread_rwlock_wrlock(&c->books_lock);
  c->books = NULL;
  pthread_rwlock_unlock(&c->books_lock);
  for (int v = 0; v < XC__NVENUES; v++)
    for (int m = 0; m < XC__NMARKETS; m++) {
      xc__md_conn *k = c->conn[v][m];
      if (!k) continue;
      while (k->streams) {
        xc__md_stream *s = k->streams;
        k->streams = s->next;
        stream_free(s);
      }
      xc_json_free(&k->j);
      free(k);
      c->conn[v][m] = NULL;
    }
  pthread_mutex_lock(&c->mu);
  while (c->subs) {
    xc__md_sub *u = c->subs;
    c->subs = u->next;
    free(u);
  }
  pthread_mutex_unlock(&c->mu);
}
