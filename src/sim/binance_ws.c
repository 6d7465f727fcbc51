/* Binance market streams: spot on spot_ws (/ws, /ws/<streams>, /stream?streams=) and USD-M on
 * usdm_ws (the same plus /public, /market and /private prefixes; listenKey user streams).
 * Streams are core topics "bs:<name>" (spot) / "bf:<name>" (futures), variant 0 = raw payload,
 * 1 = combined wrapper {"stream","data"}. Depth diffs are flushed on a 50 ms timer per cadence
 * from core batchers, so U/u (and futures pu) line up with REST snapshots. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/binance_int.h"

typedef struct bn_sess {
  int kind;               /* XC__BN_SESS_STREAM (WebSocket API sessions use another kind) */
  xc__bn_state *st;
  bool fut;
  bool combined;
  bool user;              /* futures listenKey stream */
  char events[160];       /* /private?events= allow-list ("" = all) */
} bn_sess;

/* Cadences in 50 ms ticks: spot {100 ms, 1000 ms, -}, futures {100 ms, 250 ms, 500 ms}. */
static const int k_cad_ticks[2][XC__BN_NCAD] = {{2, 20, 0}, {2, 5, 10}};
/* Diff stream suffixes per cadence (NULL-terminated lists). */
static const char *const k_cad_names[2][XC__BN_NCAD][3] = {
  {{"@depth@100ms", NULL, NULL}, {"@depth", "@depth@1000ms", NULL}, {NULL, NULL, NULL}},
  {{"@depth@100ms", NULL, NULL}, {"@depth", "@depth@250ms", NULL}, {"@depth@500ms", NULL, NULL}},
};
/* Partial depth suffix per cadence ("" = default cadence). */
static const char *const k_cad_partial[2][XC__BN_NCAD] = {{"@100ms", "", NULL}, {"@100ms", "", "@500ms"}};

static const char *pfx(bool fut) { return fut ? "bf:" : "bs:"; }

/* Publishes payload (raw) on topic `name` of product fut, formatting the combined wrapper only
 * when a combined subscriber exists. */
static void publish(xc__bn_state *st, bool fut, const char *name, unsigned mask, const char *raw, size_t n) {
  char topic[96];
  snprintf(topic, sizeof topic, "%s%s", pfx(fut), name);
  const char *msgs[2] = {NULL, NULL};
  size_t lens[2] = {0, 0};
  if (mask & 1u) {
    msgs[0] = raw;
    lens[0] = n;
  }
  if (mask & 2u) {
    xc_buf_reset(&st->out2);
    xc_buf_puts(&st->out2, "{\"stream\":\"");
    xc_buf_puts(&st->out2, name);
    xc_buf_puts(&st->out2, "\",\"data\":");
    xc_buf_append(&st->out2, raw, n);
    xc_buf_putc(&st->out2, '}');
    msgs[1] = st->out2.data;
    lens[1] = st->out2.len;
  }
  xc__sim_topic_publish(st->sim, topic, msgs, lens, 2);
}

static unsigned mask_of(xc__bn_state *st, bool fut, const char *name) {
  char topic[96];
  snprintf(topic, sizeof topic, "%s%s", pfx(fut), name);
  return xc__sim_topic_mask(st->sim, topic);
}

static bool is_fut(const xc__sim_mkt *m) { return xc__sim_mkt_instr(m)->kind == XC_SIM_LINEAR; }

/* ---- event-driven streams: trades, book tickers --------------------------------------------- */

static void on_trade(xc__bn_state *st, const xc__sim_event *ev) {
  xc__bn_mkt_state *ms = xc__bn_mkt_state_of(st, ev->mkt);
  if (!ms) return;
  bool fut = is_fut(ev->mkt);
  const xc__sim_trade *t = ev->u.trade.trade;
  xc__bn_trade_view tv = {(int64_t)t->id, t->price, t->qty, t->time_ms, t->buyer_is_maker};
  xc__bn_places pl = xc__bn_places_of(ev->mkt);
  const char *sym = xc__sim_mkt_instr(ev->mkt)->symbol;
  char name[64];
  snprintf(name, sizeof name, "%s@trade", ms->lsym);
  unsigned mk = mask_of(st, fut, name);
  if (mk) {
    xc_buf_reset(&st->out);
    xc_jw w;
    xc_jw_init(&w, &st->out);
    xc__bn_trade_event(&w, sym, &tv, ev->time_ms, &pl);
    if (xc_jw_finish(&w) == XC_OK) publish(st, fut, name, mk, st->out.data, st->out.len);
  }
  snprintf(name, sizeof name, "%s@aggTrade", ms->lsym);
  mk = mask_of(st, fut, name);
  if (mk) {
    xc_buf_reset(&st->out);
    xc_jw w;
    xc_jw_init(&w, &st->out);
    xc__bn_agg_trade_event(&w, sym, &tv, fut, ev->time_ms, &pl);
    if (xc_jw_finish(&w) == XC_OK) publish(st, fut, name, mk, st->out.data, st->out.len);
  }
}

static void book_tickers(xc__bn_state *st, int64_t now) {
  for (int i = 0; i < st->nmkts; i++) {
    xc__bn_mkt_state *ms = &st->mk[i];
    if (!ms->book_dirty) continue;
    ms->book_dirty = false;
    bool fut = is_fut(ms->m);
    char name[64];
    snprintf(name, sizeof name, "%s@bookTicker", ms->lsym);
    xc__sim_level b = {XC_DEC_ZERO, XC_DEC_ZERO}, a = {XC_DEC_ZERO, XC_DEC_ZERO};
    xc__sim_book_best(ms->m, XC__SIM_BUY, &b);
    xc__sim_book_best(ms->m, XC__SIM_SELL, &a);
    if (xc_dec_eq(b.price, ms->last_bid) && xc_dec_eq(b.qty, ms->last_bid_qty) && xc_dec_eq(a.price, ms->last_ask) &&
        xc_dec_eq(a.qty, ms->last_ask_qty))
      continue;
    ms->last_bid = b.price;
    ms->last_bid_qty = b.qty;
    ms->last_ask = a.price;
    ms->last_ask_qty = a.qty;
    unsigned mk = mask_of(st, fut, name);
    if (!mk) continue;
    xc__bn_ticker_view t;
    memset(&t, 0, sizeof t);
    t.symbol = xc__sim_mkt_instr(ms->m)->symbol;
    t.bid = b.price;
    t.bid_qty = b.qty;
    t.ask = a.price;
    t.ask_qty = a.qty;
    t.book_update_id = (int64_t)xc__sim_book_update_id(ms->m);
    xc__bn_places pl = xc__bn_places_of(ms->m);
    xc_buf_reset(&st->out);
    xc_jw w;
    xc_jw_init(&w, &st->out);
    xc__bn_book_ticker_event(&w, &t, fut, now, &pl);
    if (xc_jw_finish(&w) == XC_OK) publish(st, fut, name, mk, st->out.data, st->out.len);
  }
}

void xc__bn_ws_on_event(xc__bn_state *st, const xc__sim_event *ev) {
  switch (ev->kind) {
    case XC__SIM_EV_TRADE: on_trade(st, ev); break;
    case XC__SIM_EV_BOOK: {
      xc__bn_mkt_state *ms = xc__bn_mkt_state_of(st, ev->mkt);
      if (ms) ms->book_dirty = true;
      break;
    }
    case XC__SIM_EV_BATCH_END: book_tickers(st, ev->time_ms); break;
    default: break;
  }
}

/* ---- timer-driven streams: depth, tickers, mark price --------------------------------------- */

static void to_levels(const xc__sim_level *in, int n, xc__bn_level *out) {
  for (int i = 0; i < n; i++) out[i] = (xc__bn_level){in[i].price, in[i].qty};
}

static void depth_diff(xc__bn_state *st, xc__bn_mkt_state *ms, int k, int64_t now) {
  bool fut = is_fut(ms->m);
  xc__sim_depth_diff d;
  if (!ms->batch[k] || !xc__sim_depth_batch_flush(ms->batch[k], &d)) return;
  int64_t pu = ms->last_u[k];
  ms->last_u[k] = (int64_t)d.last_id;
  if (d.dropped) return;
  const char *const *names = k_cad_names[fut][k];
  unsigned masks[3] = {0, 0, 0};
  unsigned any = 0;
  char name[3][64];
  for (int i = 0; i < 3 && names[i]; i++) {
    snprintf(name[i], sizeof name[i], "%s%s", ms->lsym, names[i]);
    masks[i] = mask_of(st, fut, name[i]);
    any |= masks[i];
  }
  if (!any) return;
  int nb = d.nbids < XC__BN_MAX_DEPTH ? d.nbids : XC__BN_MAX_DEPTH;
  int na = d.nasks < XC__BN_MAX_DEPTH ? d.nasks : XC__BN_MAX_DEPTH;
  to_levels(d.bids, nb, st->bl);
  to_levels(d.asks, na, st->bl + XC__BN_MAX_DEPTH);
  xc__bn_places pl = xc__bn_places_of(ms->m);
  xc_buf_reset(&st->out);
  xc_jw w;
  xc_jw_init(&w, &st->out);
  xc__bn_depth_update(&w, xc__sim_mkt_instr(ms->m)->symbol, (int64_t)d.first_id, (int64_t)d.last_id,
                      fut ? (int64_t)d.prev_last_id : pu, st->bl, nb, st->bl + XC__BN_MAX_DEPTH, na, fut, now, &pl);
  if (xc_jw_finish(&w) != XC_OK) return;
  for (int i = 0; i < 3 && names[i]; i++)
    if (masks[i]) publish(st, fut, name[i], masks[i], st->out.data, st->out.len);
}

static void depth_partial(xc__bn_state *st, xc__bn_mkt_state *ms, int k, int64_t now) {
  bool fut = is_fut(ms->m);
  const char *suffix = k_cad_partial[fut][k];
  if (!suffix) return;
  static const int levels[3] = {5, 10, 20};
  for (int li = 0; li < 3; li++) {
    char name[64];
    snprintf(name, sizeof name, "%s@depth%d%s", ms->lsym, levels[li], suffix);
    unsigned mk = mask_of(st, fut, name);
    if (!mk) continue;
    int nb = xc__sim_book_levels(ms->m, XC__SIM_BUY, st->lv, levels[li]);
    int na = xc__sim_book_levels(ms->m, XC__SIM_SELL, st->lv + XC__BN_MAX_DEPTH, levels[li]);
    to_levels(st->lv, nb, st->bl);
    to_levels(st->lv + XC__BN_MAX_DEPTH, na, st->bl + XC__BN_MAX_DEPTH);
    int64_t u = (int64_t)xc__sim_book_update_id(ms->m);
    xc__bn_places pl = xc__bn_places_of(ms->m);
    xc_buf_reset(&st->out);
    xc_jw w;
    xc_jw_init(&w, &st->out);
    xc__bn_depth_partial(&w, xc__sim_mkt_instr(ms->m)->symbol, ms->last_u[k] + 1 > u ? u : ms->last_u[k] + 1, u,
                         ms->last_u[k], st->bl, nb, st->bl + XC__BN_MAX_DEPTH, na, fut, now, &pl);
    if (xc_jw_finish(&w) == XC_OK) publish(st, fut, name, mk, st->out.data, st->out.len);
  }
}

static void tickers(xc__bn_state *st, int64_t now) {
  for (int i = 0; i < st->nmkts; i++) {
    xc__bn_mkt_state *ms = &st->mk[i];
    bool fut = is_fut(ms->m);
    char name[64], mini[64];
    snprintf(name, sizeof name, "%s@ticker", ms->lsym);
    snprintf(mini, sizeof mini, "%s@miniTicker", ms->lsym);
    unsigned mk = mask_of(st, fut, name), mm = mask_of(st, fut, mini);
    if (!mk && !mm) continue;
    const xc__sim_instr *in = xc__sim_mkt_instr(ms->m);
    xc__sim_stats24 s;
    xc__sim_mkt_stats(ms->m, &s);
    xc__bn_ticker_view t;
    memset(&t, 0, sizeof t);
    t.symbol = in->symbol;
    t.open = xc_dec_is_zero(s.open) ? in->init_price : s.open;
    t.last = xc_dec_is_zero(s.last) ? t.open : s.last;
    t.high = xc_dec_is_zero(s.high) ? t.last : s.high;
    t.low = xc_dec_is_zero(s.low) ? t.last : s.low;
    t.prev_close = t.open;
    t.last_qty = s.last_qty;
    t.volume = s.volume;
    t.quote_volume = s.quote_volume;
    t.open_time = s.open_ms;
    t.close_time = now;
    t.first_id = s.count ? (int64_t)s.first_id : -1;
    t.last_id = s.count ? (int64_t)s.last_id : -1;
    t.count = (int64_t)s.count;
    xc__sim_level b, a;
    if (xc__sim_book_best(ms->m, XC__SIM_BUY, &b)) { t.bid = b.price; t.bid_qty = b.qty; }
    if (xc__sim_book_best(ms->m, XC__SIM_SELL, &a)) { t.ask = a.price; t.ask_qty = a.qty; }
    xc__bn_places pl = xc__bn_places_of(ms->m);
    xc_jw w;
    if (mk) {
      xc_buf_reset(&st->out);
      xc_jw_init(&w, &st->out);
      xc__bn_ticker24_event(&w, &t, fut, now, &pl);
      if (xc_jw_finish(&w) == XC_OK) publish(st, fut, name, mk, st->out.data, st->out.len);
    }
    if (mm) {
      xc_buf_reset(&st->out);
      xc_jw_init(&w, &st->out);
      xc_jw_obj_begin(&w);
      xc_jw_key(&w, "e"); xc_jw_str(&w, "24hrMiniTicker");
      xc_jw_key(&w, "E"); xc_jw_i64(&w, now);
      xc_jw_key(&w, "s"); xc_jw_str(&w, t.symbol);
      xc_jw_key(&w, "c"); xc__bn_num(&w, t.last, pl.price);
      xc_jw_key(&w, "o"); xc__bn_num(&w, t.open, pl.price);
      xc_jw_key(&w, "h"); xc__bn_num(&w, t.high, pl.price);
      xc_jw_key(&w, "l"); xc__bn_num(&w, t.low, pl.price);
      xc_jw_key(&w, "v"); xc__bn_num(&w, t.volume, pl.qty);
      xc_jw_key(&w, "q"); xc__bn_num(&w, t.quote_volume, pl.quote);
      xc_jw_obj_end(&w);
      if (xc_jw_finish(&w) == XC_OK) publish(st, fut, mini, mm, st->out.data, st->out.len);
    }
  }
}

static void mark_prices(xc__bn_state *st, int64_t now, bool every_3s) {
  for (int i = 0; i < st->nmkts; i++) {
    xc__bn_mkt_state *ms = &st->mk[i];
    if (!is_fut(ms->m)) continue;
    for (int v = 0; v < 2; v++) {
      if (v == 0 && !every_3s) continue;
      char name[64];
      snprintf(name, sizeof name, "%s@markPrice%s", ms->lsym, v ? "@1s" : "");
      unsigned mk = mask_of(st, true, name);
      if (!mk) continue;
      xc_dec mark = xc__sim_mark_price(ms->m);
      xc_buf_reset(&st->out);
      xc_jw w;
      xc_jw_init(&w, &st->out);
      xc_jw_obj_begin(&w);
      xc_jw_key(&w, "e"); xc_jw_str(&w, "markPriceUpdate");
      xc_jw_key(&w, "E"); xc_jw_i64(&w, now);
      xc_jw_key(&w, "s"); xc_jw_str(&w, xc__sim_mkt_instr(ms->m)->symbol);
      xc_jw_key(&w, "p"); xc__bn_num(&w, mark, 8);
      xc_jw_key(&w, "i"); xc__bn_num(&w, mark, 8);
      xc_jw_key(&w, "P"); xc__bn_num(&w, mark, 8);
      xc_jw_key(&w, "r"); xc_jw_str(&w, "0.00010000");
      xc_jw_key(&w, "T"); xc_jw_i64(&w, now - now % 28800000 + 28800000);
      xc_jw_obj_end(&w);
      if (xc_jw_finish(&w) == XC_OK) publish(st, true, name, mk, st->out.data, st->out.len);
    }
  }
}

static void on_tick(xc_sim *sim, void *user) {
  xc__bn_state *st = user;
  int64_t now = xc__sim_now_ms(sim);
  st->tick++;
  for (int i = 0; i < st->nmkts; i++) {
    xc__bn_mkt_state *ms = &st->mk[i];
    bool fut = is_fut(ms->m);
    for (int k = 0; k < XC__BN_NCAD; k++) {
      int every = k_cad_ticks[fut][k];
      if (!every || st->tick % (uint64_t)every) continue;
      depth_diff(st, ms, k, now);
      depth_partial(st, ms, k, now);
    }
  }
  if (st->tick % 20 == 0) {
    tickers(st, now);
    mark_prices(st, now, st->tick % 60 == 0);
  }
  /* listenKey validity */
  if (st->listen_key[0] && st->listen_key_expiry_ms && st->listen_key_expiry_ms <= now) xc__bn_user_expire_key(st);
}

/* ---- sessions ------------------------------------------------------------------------------- */

static int decode_into(const char *s, size_t n, char *out, size_t cap) { return xc__bn_pct_decode(s, n, out, cap); }

static void sub_names(xc__sim_ws *ws, bn_sess *ss, const char *list, char sep) {
  const char *s = list;
  while (*s) {
    const char *e = s;
    while (*e && *e != sep && *e != '&') e++;
    char name[128];
    if (e > s && decode_into(s, (size_t)(e - s), name, sizeof name) > 0) {
      if (ss->fut && ss->st->listen_key[0] && !strcmp(name, ss->st->listen_key)) {
        if (!ss->user) {
          ss->user = true;
          xc__bn_fut_user_add(ss->st, ws);
        }
      } else {
        char topic[160];
        snprintf(topic, sizeof topic, "%s%s", pfx(ss->fut), name);
        xc__sim_topic_sub(ws, topic, ss->combined ? 1 : 0);
      }
    }
    if (!*e || *e == '&') break;
    s = e + 1;
  }
}

/* Value of key in a raw query string (not decoded), or NULL; *n its length. */
static const char *qparam(const char *q, const char *key, size_t *n) {
  size_t kl = strlen(key);
  const char *s = q;
  while (s && *s) {
    if (!strncmp(s, key, kl) && s[kl] == '=') {
      const char *v = s + kl + 1;
      const char *e = strchr(v, '&');
      *n = e ? (size_t)(e - v) : strlen(v);
      return v;
    }
    s = strchr(s, '&');
    if (s) s++;
  }
  return NULL;
}

static int on_open(xc__sim_ws *ws, const xc__sim_req *req, xc__sim_resp *resp, void *user) {
  xc__bn_state *st = user;
  if (!xc__bn_conn_ok(st, req->ep == XC_SIM_EP_BINANCE_USDM_WS ? 1 : 0)) {
    xc__bn_err_json(&resp->body, XC__BN_TOO_MANY_REQUESTS, "Too many new connections; current limit is 300 per 5 minutes.");
    return 429;
  }
  bn_sess *ss = calloc(1, sizeof *ss);
  if (!ss) return 503;
  ss->kind = XC__BN_SESS_STREAM;
  ss->st = st;
  ss->fut = req->ep == XC_SIM_EP_BINANCE_USDM_WS;
  const char *path = req->path;
  const char *rest = path;
  bool priv = false;
  if (ss->fut) {
    if (!strncmp(rest, "/public/", 8)) rest += 7;
    else if (!strncmp(rest, "/market/", 8)) rest += 7;
    else if (!strncmp(rest, "/private/", 9)) { rest += 8; priv = true; }
  }
  if (!strncmp(rest, "/stream", 7)) ss->combined = true;
  xc__sim_ws_set_data(ws, ss);
  const xc_sim_opts *o = xc__sim_opts(st->sim);
  xc__sim_ws_set_ping(ws, o->ws_ping_ms, o->ws_pong_timeout_ms);
  xc__sim_ws_set_lifetime(ws, o->ws_lifetime_ms);
  xc__sim_ws_set_rx_limit(ws, ss->fut ? 10 : 5, 1008);
  if (priv) {
    size_t n = 0;
    const char *k = qparam(req->query, "listenKey", &n);
    const char *key = k;
    size_t kl = n;
    if (!key && !strncmp(rest, "/ws/", 4)) {
      key = rest + 4;
      kl = strlen(key);
    }
    if (!key || !st->listen_key[0] || kl != strlen(st->listen_key) || strncmp(key, st->listen_key, kl) != 0) {
      xc__sim_ws_set_data(ws, NULL);
      free(ss);
      xc__bn_err_json(&resp->body, XC__BN_INVALID_LISTEN_KEY, NULL);
      return 400;
    }
    const char *ev = qparam(req->query, "events", &n);
    if (ev) decode_into(ev, n, ss->events, sizeof ss->events);
    ss->user = true;
    xc__bn_fut_user_add(st, ws);
    return 0;
  }
  if (!strncmp(rest, "/ws/", 4)) {
    sub_names(ws, ss, rest + 4, '/');
  } else if (ss->combined) {
    size_t n = 0;
    const char *v = qparam(req->query, "streams", &n);
    if (v) {
      char list[4096];
      if (n >= sizeof list) n = sizeof list - 1;
      memcpy(list, v, n);
      list[n] = 0;
      sub_names(ws, ss, list, '/');
    }
  }
  return 0;
}

static void reply_raw(xc__sim_ws *ws, const char *json, size_t n) { xc__sim_ws_send(ws, json, n); }

typedef struct list_ctx {
  xc_jw *w;
  size_t plen;
} list_ctx;
static void list_one(const char *topic, int variant, void *user) {
  (void)variant;
  list_ctx *lc = user;
  xc_jw_str(lc->w, topic + lc->plen);
}

typedef struct resub_ctx {
  char names[1024][160];
  int n;
} resub_ctx;
static void collect(const char *topic, int variant, void *user) {
  (void)variant;
  resub_ctx *rc = user;
  if (rc->n < 1024) snprintf(rc->names[rc->n++], sizeof rc->names[0], "%s", topic);
}

static void on_text(xc__sim_ws *ws, const char *data, size_t len, void *user) {
  xc__bn_state *st = user;
  bn_sess *ss = xc__sim_ws_data(ws);
  if (!ss) return;
  xc_json *jp = &st->json; /* reused: no allocation per control message */
#define j (*jp)
  xc_buf *out = &st->out;
  xc_buf_reset(out);
  if (xc_json_parse(&j, data, len) != XC_OK || xc_json_type_of(&j, 0) != XC_JSON_OBJECT) {
    xc_buf_puts(out, "{\"code\":3,\"msg\":\"Invalid JSON: expected value at line 1 column 1\"}");
    reply_raw(ws, out->data, out->len);
    return;
  }
  int idt = xc_json_get(&j, 0, "id");
  const char *idtxt = "null";
  size_t idn = 4;
  if (idt >= 0) {
    if (xc_json_type_of(&j, idt) == XC_JSON_STRING) {
      idtxt = j.src + j.tok[idt].start - 1;
      idn = (size_t)(j.tok[idt].end - j.tok[idt].start + 2);
    } else {
      xc_json_text(&j, idt, &idtxt, &idn);
    }
  }
  int mt = xc_json_get(&j, 0, "method");
  int params = xc_json_get(&j, 0, "params");
  xc_jw w;
  xc_jw_init(&w, out);
  if (mt < 0) {
    xc_buf_puts(out, "{\"code\":2,\"msg\":\"Invalid request: missing field `method`\",\"id\":");
    xc_buf_append(out, idtxt, idn);
    xc_buf_putc(out, '}');
  } else if (xc_json_str_eq(&j, mt, "SUBSCRIBE") || xc_json_str_eq(&j, mt, "UNSUBSCRIBE")) {
    bool sub = xc_json_str_eq(&j, mt, "SUBSCRIBE");
    bool bad = xc_json_type_of(&j, params) != XC_JSON_ARRAY;
    for (int e = bad ? -1 : xc_json_first(&j, params); e >= 0; e = xc_json_next(&j, e)) {
      char name[128], topic[160];
      if (xc_json_str_copy(&j, e, name, sizeof name, NULL) != XC_OK) {
        bad = true;
        continue;
      }
      if (ss->fut && sub && st->listen_key[0] && !strcmp(name, st->listen_key)) {
        if (!ss->user) {
          ss->user = true;
          xc__bn_fut_user_add(st, ws);
        }
        continue;
      }
      snprintf(topic, sizeof topic, "%s%s", pfx(ss->fut), name);
      if (sub) {
        if (xc__sim_topic_sub(ws, topic, ss->combined ? 1 : 0) == XC_EFULL) bad = true;
      } else {
        xc__sim_topic_unsub(ws, topic);
      }
    }
    if (bad) xc_buf_puts(out, "{\"code\":2,\"msg\":\"Invalid request: params must be a list of stream names\",\"id\":");
    else xc_buf_puts(out, "{\"result\":null,\"id\":");
    xc_buf_append(out, idtxt, idn);
    xc_buf_putc(out, '}');
  } else if (xc_json_str_eq(&j, mt, "LIST_SUBSCRIPTIONS")) {
    xc_buf_puts(out, "{\"result\":");
    list_ctx lc = {&w, 3};
    xc_jw_arr_begin(&w);
    xc__sim_topic_list(ws, list_one, &lc);
    xc_jw_arr_end(&w);
    xc_buf_puts(out, ",\"id\":");
    xc_buf_append(out, idtxt, idn);
    xc_buf_putc(out, '}');
  } else if (xc_json_str_eq(&j, mt, "SET_PROPERTY") || xc_json_str_eq(&j, mt, "GET_PROPERTY")) {
    bool set = xc_json_str_eq(&j, mt, "SET_PROPERTY");
    int p0 = xc_json_at(&j, params, 0), p1 = xc_json_at(&j, params, 1);
    if (!xc_json_str_eq(&j, p0, "combined")) {
      xc_buf_puts(out, "{\"code\":0,\"msg\":\"Unknown property\",\"id\":");
    } else if (!set) {
      xc_buf_puts(out, ss->combined ? "{\"result\":true,\"id\":" : "{\"result\":false,\"id\":");
    } else {
      bool v;
      if (xc_json_bool(&j, p1, &v) != XC_OK) {
        xc_buf_puts(out, "{\"code\":1,\"msg\":\"Invalid value type: expected Boolean\",\"id\":");
      } else {
        if (v != ss->combined) {
          ss->combined = v;
          resub_ctx *rc = calloc(1, sizeof *rc);
          if (rc) {
            xc__sim_topic_list(ws, collect, rc);
            for (int i = 0; i < rc->n; i++) {
              xc__sim_topic_unsub(ws, rc->names[i]);
              xc__sim_topic_sub(ws, rc->names[i], v ? 1 : 0);
            }
            free(rc);
          }
        }
        xc_buf_puts(out, "{\"result\":null,\"id\":");
      }
    }
    xc_buf_append(out, idtxt, idn);
    xc_buf_putc(out, '}');
  } else {
    const char *m = "";
    size_t mn = 0;
    xc_json_text(&j, mt, &m, &mn);
    xc_buf_printf(out,
                  "{\"code\":2,\"msg\":\"Invalid request: unknown variant `%.*s`, expected one of `SUBSCRIBE`, "
                  "`UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY`\",\"id\":",
                  (int)(mn > 40 ? 40 : mn), m);
    xc_buf_append(out, idtxt, idn);
    xc_buf_putc(out, '}');
  }
  reply_raw(ws, out->data, out->len);
#undef j
}

static void on_close(xc__sim_ws *ws, void *user) {
  xc__bn_state *st = user;
  bn_sess *ss = xc__sim_ws_data(ws);
  if (ss && ss->user) xc__bn_fut_user_remove(st, ws);
  free(ss);
  xc__sim_ws_set_data(ws, NULL);
}

static const xc__sim_ws_handlers k_stream_h = {on_open, on_text, on_close, NULL};

bool xc__bn_fut_user_wants(xc__sim_ws *ws, const char *e) {
  bn_sess *ss = xc__sim_ws_data(ws);
  if (!ss || ss->kind != XC__BN_SESS_STREAM || !ss->events[0]) return true;
  return strstr(ss->events, e) != NULL;
}

/* ---- faults --------------------------------------------------------------------------------- */

typedef struct shut_ctx {
  xc__bn_state *st;
  int64_t now;
} shut_ctx;

static void shutdown_one(xc__sim_ws *ws, void *user) {
  shut_ctx *sc = user;
  bn_sess *ss = xc__sim_ws_data(ws);
  char msg[160];
  int n;
  if (!ss || ss->kind != XC__BN_SESS_STREAM) { /* WebSocket API session */
    n = snprintf(msg, sizeof msg, "{\"event\":{\"e\":\"serverShutdown\",\"E\":%lld}}", (long long)sc->now);
  } else if (ss->combined) {
    n = snprintf(msg, sizeof msg, "{\"stream\":\"!serverShutdown\",\"data\":{\"e\":\"serverShutdown\",\"E\":%lld}}",
                 (long long)sc->now);
  } else {
    n = snprintf(msg, sizeof msg, "{\"e\":\"serverShutdown\",\"E\":%lld}", (long long)sc->now);
  }
  xc__sim_ws_send(ws, msg, (size_t)n);
  xc__sim_ws_close(ws, 1001, "server shutdown");
}

xc_status xc__bn_ws_fault(xc__bn_state *st, const xc__sim_fault *f) {
  int64_t now = xc__sim_now_ms(st->sim);
  switch (f->kind) {
    case XC__SIM_FAULT_SERVER_SHUTDOWN: {
      shut_ctx sc = {st, now};
      xc__sim_ws_each(st->sim, XC_SIM_EP_BINANCE_SPOT_WS, shutdown_one, &sc);
      return XC_OK;
    }
    case XC__SIM_FAULT_STREAM_TERMINATED: xc__bn_user_terminate(st); return XC_OK;
    case XC__SIM_FAULT_LISTEN_KEY_EXPIRED: xc__bn_user_expire_key(st); return XC_OK;
    default: return XC_ENOTSUP;
  }
}

/* ---- attach / destroy ----------------------------------------------------------------------- */

xc_status xc__bn_ws_attach(xc__bn_state *st) {
  for (int i = 0; i < st->nmkts; i++) {
    xc__bn_mkt_state *ms = &st->mk[i];
    bool fut = is_fut(ms->m);
    for (int k = 0; k < XC__BN_NCAD; k++) {
      if (!k_cad_ticks[fut][k]) continue;
      ms->batch[k] = xc__sim_depth_batch_new(ms->m, 0);
      if (!ms->batch[k]) return XC_ENOMEM;
      ms->last_u[k] = (int64_t)xc__sim_book_update_id(ms->m);
    }
  }
  static const char *const spot_paths[] = {"/ws", "/ws/*", "/stream", NULL};
  static const char *const fut_paths[] = {"/ws", "/ws/*", "/stream", "/public/ws", "/public/ws/*", "/public/stream",
                                          "/market/ws", "/market/ws/*", "/market/stream", "/private/ws",
                                          "/private/ws/*", "/private/stream", NULL};
  for (int i = 0; spot_paths[i]; i++) {
    xc_status s = xc__sim_ws_route(st->sim, XC_SIM_EP_BINANCE_SPOT_WS, spot_paths[i], &k_stream_h, st);
    if (s != XC_OK) return s;
  }
  for (int i = 0; fut_paths[i]; i++) {
    xc_status s = xc__sim_ws_route(st->sim, XC_SIM_EP_BINANCE_USDM_WS, fut_paths[i], &k_stream_h, st);
    if (s != XC_OK) return s;
  }
  st->depth_timer = xc__sim_timer_new(st->sim, 50, 50, on_tick, st);
  return st->depth_timer ? XC_OK : XC_ENOMEM;
}

void xc__bn_ws_destroy(xc__bn_state *st) {
  /* the core has already freed every timer when front ends are destroyed */
  st->depth_timer = NULL;
  for (int i = 0; i < st->nmkts; i++)
    for (int k = 0; k < XC__BN_NCAD; k++) {
      xc__sim_depth_batch_free(st->mk[i].batch[k]);
      st->mk[i].batch[k] = NULL;
    }
}
