/* The admin API (its own port) and the same commands for xconn/sim.h: fault injection, the true
 * book, background steps, deposits, stats; plus the venue-neutral debug stream /admin/stream.
 * Reference: docs/sim.md. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/log.h"
#include "core/query.h"
#include "sim/sim_core.h"

/* ---- argument helpers ---------------------------------------------------------------------- */

static bool arg_text(xc_json *j, const char *key, char *buf, size_t cap) {
  int v = xc_json_get(j, 0, key);
  if (v < 0) return false;
  xc_json_type t = xc_json_type_of(j, v);
  if (t == XC_JSON_STRING) return xc_json_str_copy(j, v, buf, cap, NULL) == XC_OK;
  const char *s;
  size_t n;
  if (xc_json_text(j, v, &s, &n) != XC_OK || n >= cap) return false;
  memcpy(buf, s, n);
  buf[n] = 0;
  return true;
}

static int64_t arg_i64(xc_json *j, const char *key, int64_t def) {
  char b[32];
  if (!arg_text(j, key, b, sizeof b)) return def;
  char *end;
  long long v = strtoll(b, &end, 10);
  return end != b && *end == 0 ? (int64_t)v : def;
}

static bool arg_bool(xc_json *j, const char *key, bool def) {
  char b[16];
  if (!arg_text(j, key, b, sizeof b)) return def;
  return strcmp(b, "true") == 0 || strcmp(b, "1") == 0;
}

static int arg_venue(xc_json *j) {
  char b[16];
  if (!arg_text(j, "venue", b, sizeof b)) return -1;
  if (strcmp(b, "binance") == 0) return XC_SIM_BINANCE;
  if (strcmp(b, "bybit") == 0) return XC_SIM_BYBIT;
  return -2;
}

static int arg_kind(xc_json *j) {
  char b[16];
  if (!arg_text(j, "kind", b, sizeof b)) return XC_SIM_SPOT;
  if (strcmp(b, "spot") == 0) return XC_SIM_SPOT;
  if (strcmp(b, "linear") == 0 || strcmp(b, "usdm") == 0 || strcmp(b, "futures") == 0)
    return XC_SIM_LINEAR;
  return -1;
}

static const char *ep_name(xc_sim_ep ep) {
  static const char *n[] = {"binance_spot_rest", "binance_spot_ws", "binance_usdm_rest",
                            "binance_usdm_ws", "bybit_rest", "bybit_ws", "admin"};
  return (unsigned)ep < XC_SIM_EP_COUNT ? n[ep] : "?";
}

/* ---- commands -------------------------------------------------------------------------------- */

static void drop_one(xc__sim_ws *ws, void *user) {
  int *n = user;
  if (xc__sim_ws_ep(ws) == XC_SIM_EP_ADMIN) return; /* keep the admin stream */
  xc__sim_ws_drop(ws);
  (*n)++;
}

typedef struct stall_ctx {
  uint64_t id;
  bool stall;
  int n;
} stall_ctx;

static void stall_one(xc__sim_ws *ws, void *user) {
  stall_ctx *c = user;
  if (c->id ? xc__sim_ws_id(ws) != c->id : xc__sim_ws_ep(ws) == XC_SIM_EP_ADMIN) return;
  xc__sim_conn_stall(ws, c->stall);
  c->n++;
}

static void conn_json(xc__sim_ws *ws, void *user) {
  xc_jw *w = user;
  xc_jw_obj_begin(w);
  xc_jw_key(w, "id");
  xc_jw_u64(w, xc__sim_ws_id(ws));
  xc_jw_key(w, "ep");
  xc_jw_str(w, ep_name(xc__sim_ws_ep(ws)));
  xc_jw_key(w, "path");
  xc_jw_str(w, xc__sim_ws_path(ws));
  xc_jw_key(w, "queued");
  xc_jw_u64(w, xc__sim_ws_queued(ws));
  xc_jw_key(w, "stalled");
  xc_jw_bool(w, ws->stalled);
  xc_jw_key(w, "sent");
  xc_jw_u64(w, ws->frames_sent);
  xc_jw_obj_end(w);
}

static void levels_json(xc_jw *w, const xc__sim_mkt *m, xc__sim_side side, int depth) {
  int n = xc__sim_book_depth(m, side);
  if (depth > 0 && depth < n) n = depth;
  xc__sim_level *lv = n ? malloc((size_t)n * sizeof *lv) : NULL;
  if (n && !lv) n = 0;
  n = xc__sim_book_levels(m, side, lv, n);
  xc_jw_arr_begin(w);
  for (int i = 0; i < n; i++) {
    xc_jw_arr_begin(w);
    xc_jw_dec_str(w, lv[i].price);
    xc_jw_dec_str(w, lv[i].qty);
    xc_jw_arr_end(w);
  }
  xc_jw_arr_end(w);
  free(lv);
}

/* "instrument": changes the trading rules of a Binance market as exchangeInfo publishes them and
 * as new orders are checked: tick_size (a multiple of the market's engine tick: resting orders
 * keep their prices, new ones must use the new grid), min_notional, min_qty, max_qty, status
 * (TRADING, HALT, BREAK, END_OF_DAY, CANCEL_ONLY: anything but TRADING refuses new orders with
 * -2010 "Market is closed."). kind absent = both kinds. Answers {"markets":n}. */
static bool arg_dec(xc_json *j, const char *key, xc_dec *out, bool *has) {
  char b[64];
  *has = false;
  if (!arg_text(j, key, b, sizeof b)) return true;
  if (xc_dec_from_cstr(b, out) != XC_OK || xc_dec_sign(*out) <= 0) return false;
  *has = true;
  return true;
}

static xc_status instrument_cmd(xc_sim *sim, xc_json *j, xc_buf *out) {
  char sym[32], status[16] = "";
  int v = arg_venue(j);
  int k = xc_json_get(j, 0, "kind") >= 0 ? arg_kind(j) : -2;
  xc_dec tick, notional, minq, maxq;
  bool h_tick, h_not, h_minq, h_maxq;
  bool h_status = xc_json_get(j, 0, "status") >= 0;
  if (v < 0 || k == -1 || !arg_text(j, "symbol", sym, sizeof sym)) return XC_EINVAL;
  if (!arg_dec(j, "tick_size", &tick, &h_tick) || !arg_dec(j, "min_notional", &notional, &h_not) ||
      !arg_dec(j, "min_qty", &minq, &h_minq) || !arg_dec(j, "max_qty", &maxq, &h_maxq))
    return XC_EINVAL;
  if (h_status) {
    static const char *const ok[] = {"TRADING", "HALT", "BREAK", "END_OF_DAY", "CANCEL_ONLY"};
    bool known = false;
    if (arg_text(j, "status", status, sizeof status))
      for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) known |= strcmp(status, ok[i]) == 0;
    if (!known) return XC_EINVAL;
  }
  if (v != XC_SIM_BINANCE) return XC_ENOTSUP;
  int hit = 0;
  for (int kk = 0; kk < XC_SIM_KIND_COUNT; kk++) {
    if (k >= 0 && kk != k) continue;
    xc__sim_mkt *m = xc__sim_mkt_find(sim, (xc_sim_venue)v, (xc_sim_kind)kk, sym);
    if (!m) continue;
    if (h_tick && !xc_dec_is_multiple(tick, m->in.tick)) return XC_EINVAL;
    if (h_minq && !xc_dec_is_multiple(minq, m->in.step)) return XC_EINVAL;
    hit++;
  }
  if (!hit) return XC_ENOTFOUND;
  for (int kk = 0; kk < XC_SIM_KIND_COUNT; kk++) {
    if (k >= 0 && kk != k) continue;
    xc__sim_mkt *m = xc__sim_mkt_find(sim, (xc_sim_venue)v, (xc_sim_kind)kk, sym);
    if (!m) continue;
    if (h_tick) m->in.rule_tick = xc_dec_eq(tick, m->in.tick) ? XC_DEC_ZERO : tick;
    if (h_not) m->in.min_notional = notional;
    if (h_minq) m->in.min_qty = minq;
    if (h_maxq) m->in.max_qty = maxq;
    if (h_status) snprintf(m->in.status, sizeof m->in.status, "%s", strcmp(status, "TRADING") ? status : "");
  }
  xc_buf_printf(out, "{\"markets\":%d}", hit);
  return XC_OK;
}

static const char *help_text =
    "{\"commands\":[\"drop_ws\",\"stall_ws {conn_id,stall}\",\"connections\","
    "\"book_gap {venue,symbol,n}\",\"book_cross {venue,symbol,kind}\",\"instrument {venue,kind,symbol,tick_size,min_notional,min_qty,max_qty,status}\",\"duplicate {n}\",\"reorder {n}\",\"http_fault {status,n,when(before|after|drop|hang),path,method}\","
    "\"latency {ms}\",\"clock_shift {ms}\",\"rate_limit {pct,window_s}\","
    "\"venue_fault {venue,kind,symbol}\",\"book {venue,kind,symbol,depth}\",\"bg_step {n}\","
    "\"bg_pause {pause}\",\"deposit {venue,kind,asset,amount}\",\"markets\",\"stats\",\"reset_faults\"]}";

xc_status xc__sim_admin_run(xc_sim *sim, const char *name, const char *args, size_t args_len,
                            xc_buf *out) {
  xc_json j;
  xc_json_init(&j);
  xc_status st = xc_json_parse(&j, args_len ? args : "{}", args_len ? args_len : 2);
  if (st == XC_OK && xc_json_type_of(&j, 0) != XC_JSON_OBJECT) st = XC_EINVAL;
  if (st != XC_OK) {
    xc_json_free(&j);
    xc_buf_puts(out, "{\"error\":\"arguments must be a JSON object\"}");
    return XC_EINVAL;
  }
  xc_jw w;
  xc_jw_init(&w, out);
  st = XC_OK;
  char sym[32];
  if (!strcmp(name, "drop_ws")) {
    int n = 0;
    xc__sim_ws_each(sim, XC_SIM_EP_COUNT, drop_one, &n);
    xc_buf_printf(out, "{\"dropped\":%d}", n);
  } else if (!strcmp(name, "stall_ws")) {
    stall_ctx c = {.id = (uint64_t)arg_i64(&j, "conn_id", 0), .stall = arg_bool(&j, "stall", true)};
    xc__sim_ws_each(sim, XC_SIM_EP_COUNT, stall_one, &c);
    xc_buf_printf(out, "{\"stalled\":%d,\"stall\":%s}", c.n, c.stall ? "true" : "false");
    if (c.id && !c.n) st = XC_ENOTFOUND;
  } else if (!strcmp(name, "connections")) {
    xc_jw_arr_begin(&w);
    xc__sim_ws_each(sim, XC_SIM_EP_COUNT, conn_json, &w);
    xc_jw_arr_end(&w);
  } else if (!strcmp(name, "book_gap")) {
    int v = arg_venue(&j);
    int64_t n = arg_i64(&j, "n", 1);
    if (v < 0 || !arg_text(&j, "symbol", sym, sizeof sym) || n < 1 || n > 1000000) {
      st = XC_EINVAL;
    } else {
      int hit = 0;
      for (int k = 0; k < XC_SIM_KIND_COUNT; k++) {
        xc__sim_mkt *m = xc__sim_mkt_find(sim, (xc_sim_venue)v, (xc_sim_kind)k, sym);
        if (!m) continue;
        m->gap_serial++;
        m->gap_pending = (uint64_t)n;
        hit++;
      }
      if (!hit) st = XC_ENOTFOUND;
      else xc_buf_printf(out, "{\"markets\":%d,\"n\":%" PRId64 "}", hit, n);
    }
  } else if (!strcmp(name, "book_cross")) {
    /* the next depth diff of `symbol` shows a crossed book (a bid at the best ask), the one after
     * corrects it; kind absent = both kinds. Binance diff streams only (Bybit: not supported). */
    int v = arg_venue(&j);
    int k = xc_json_get(&j, 0, "kind") >= 0 ? arg_kind(&j) : -2;
    if (v < 0 || k == -1 || !arg_text(&j, "symbol", sym, sizeof sym)) {
      st = XC_EINVAL;
    } else if (v != XC_SIM_BINANCE) {
      st = XC_ENOTSUP;
    } else {
      int hit = 0;
      for (int kk = 0; kk < XC_SIM_KIND_COUNT; kk++) {
        if (k >= 0 && kk != k) continue;
        xc__sim_mkt *m = xc__sim_mkt_find(sim, (xc_sim_venue)v, (xc_sim_kind)kk, sym);
        if (!m) continue;
        m->cross_serial++;
        hit++;
      }
      if (!hit) st = XC_ENOTFOUND;
      else xc_buf_printf(out, "{\"markets\":%d}", hit);
    }
  } else if (!strcmp(name, "instrument")) {
    st = instrument_cmd(sim, &j, out);
  } else if (!strcmp(name, "duplicate") || !strcmp(name, "reorder")) {
    int64_t n = arg_i64(&j, "n", 1);
    if (n < 0 || n > 1000000) st = XC_EINVAL;
    else if (name[0] == 'd') sim->dup_n = (int)n;
    else sim->reorder_n = (int)n;
    if (!st) xc_buf_printf(out, "{\"n\":%" PRId64 "}", n);
  } else if (!strcmp(name, "http_fault")) {
    int64_t status = arg_i64(&j, "status", 503), n = arg_i64(&j, "n", 1);
    char when[16] = "before", path[96] = "", method[8] = "";
    (void)arg_text(&j, "when", when, sizeof when);
    (void)arg_text(&j, "path", path, sizeof path);
    (void)arg_text(&j, "method", method, sizeof method);
    int wm = !strcmp(when, "before") ? 0 : !strcmp(when, "after") ? 1 : !strcmp(when, "drop") ? 2 : !strcmp(when, "hang") ? 3 : -1;
    if (status < 400 || status > 599 || n < 0 || n > 1000000 || wm < 0 || (path[0] && path[0] != '/')) st = XC_EINVAL;
    else {
      sim->http_fault_status = (int)status;
      sim->http_fault_n = (int)n;
      sim->http_fault_when = wm;
      snprintf(sim->http_fault_path, sizeof sim->http_fault_path, "%s", path);
      snprintf(sim->http_fault_method, sizeof sim->http_fault_method, "%s", method);
      xc_buf_printf(out, "{\"status\":%d,\"n\":%d,\"when\":\"%s\",\"path\":\"%s\",\"method\":\"%s\"}", (int)status,
                    (int)n, when, path, method);
    }
  } else if (!strcmp(name, "latency")) {
    int64_t ms = arg_i64(&j, "ms", 0);
    if (ms < 0 || ms > 600000) st = XC_EINVAL;
    else {
      sim->latency_ms = (uint32_t)ms;
      xc_buf_printf(out, "{\"ms\":%u}", sim->latency_ms);
    }
  } else if (!strcmp(name, "clock_shift")) {
    int64_t ms = arg_i64(&j, "ms", 0);
    if (ms < -86400000LL * 365 || ms > 86400000LL * 365) st = XC_EINVAL;
    else {
      sim->clock_shift_ms = ms;
      xc_buf_printf(out, "{\"ms\":%" PRId64 ",\"server_time\":%" PRId64 "}", ms,
                    xc__sim_now_ms(sim));
    }
  } else if (!strcmp(name, "rate_limit")) {
    int64_t pct = arg_i64(&j, "pct", 100);
    int64_t win = arg_i64(&j, "window_s", 60);
    if (pct < 1 || pct > 100000 || win < 1 || win > 3600) st = XC_EINVAL;
    else {
      sim->rate_pct = (uint32_t)pct;
      /* Binance REQUEST_WEIGHT window: exchangeInfo announces it, X-MBX-USED-WEIGHT-<n>S counts it */
      sim->weight_window_ms = win == 60 ? 0 : (uint32_t)win * 1000u;
      xc_buf_printf(out, "{\"pct\":%u,\"window_s\":%lld}", sim->rate_pct, (long long)win);
    }
  } else if (!strcmp(name, "venue_fault")) {
    int v = arg_venue(&j);
    char kind[48];
    bool has_sym = arg_text(&j, "symbol", sym, sizeof sym);
    if (v < 0 || !arg_text(&j, "kind", kind, sizeof kind)) {
      st = XC_EINVAL;
    } else {
      xc__sim_fault f = {.venue = (xc_sim_venue)v, .name = kind, .symbol = has_sym ? sym : NULL};
      if (!strcmp(kind, "server_shutdown")) f.kind = XC__SIM_FAULT_SERVER_SHUTDOWN;
      else if (!strcmp(kind, "event_stream_terminated")) f.kind = XC__SIM_FAULT_STREAM_TERMINATED;
      else if (!strcmp(kind, "book_restart")) f.kind = XC__SIM_FAULT_BOOK_RESTART;
      else if (!strcmp(kind, "listen_key_expired")) f.kind = XC__SIM_FAULT_LISTEN_KEY_EXPIRED;
      else f.kind = XC__SIM_FAULT_OTHER;
      int handled = 0;
      st = XC_ENOTSUP;
      for (int i = 0; i < sim->nfe; i++) {
        if (sim->fe[i]->venue != f.venue || !sim->fe[i]->on_fault) continue;
        xc_status r = sim->fe[i]->on_fault(sim, &f, sim->fe_state[i]);
        if (r == XC_OK) handled++;
        else if (r != XC_ENOTSUP) st = r;
      }
      if (handled) st = XC_OK;
      xc_buf_printf(out, "{\"handled\":%d}", handled);
    }
  } else if (!strcmp(name, "book")) {
    int v = arg_venue(&j), k = arg_kind(&j);
    int64_t depth = arg_i64(&j, "depth", 0);
    xc__sim_mkt *m = NULL;
    if (v < 0 || k < 0 || !arg_text(&j, "symbol", sym, sizeof sym)) st = XC_EINVAL;
    else if (!(m = xc__sim_mkt_find(sim, (xc_sim_venue)v, (xc_sim_kind)k, sym))) st = XC_ENOTFOUND;
    else {
      xc_jw_obj_begin(&w);
      xc_jw_key(&w, "symbol");
      xc_jw_str(&w, m->in.symbol);
      xc_jw_key(&w, "lastUpdateId");
      xc_jw_u64(&w, m->update_id);
      xc_jw_key(&w, "bids");
      levels_json(&w, m, XC__SIM_BUY, (int)depth);
      xc_jw_key(&w, "asks");
      levels_json(&w, m, XC__SIM_SELL, (int)depth);
      xc_jw_obj_end(&w);
    }
  } else if (!strcmp(name, "bg_step")) {
    int64_t n = arg_i64(&j, "n", 1);
    if (n < 0 || n > 100000) st = XC_EINVAL;
    else {
      uint32_t actions = sim->opts.bg_actions ? sim->opts.bg_actions : 4;
      for (int64_t i = 0; i < n; i++) xc__sim_bg_tick_n(sim, actions);
      xc_buf_printf(out, "{\"trades\":%" PRIu64 "}", sim->trades_total);
    }
  } else if (!strcmp(name, "bg_pause")) {
    sim->opts.bg_manual = arg_bool(&j, "pause", true);
    xc_buf_printf(out, "{\"paused\":%s}", sim->opts.bg_manual ? "true" : "false");
  } else if (!strcmp(name, "deposit")) {
    int v = arg_venue(&j), k = arg_kind(&j);
    char asset[16], amount[64];
    xc_dec amt;
    if (v < 0 || k < 0 || !arg_text(&j, "asset", asset, sizeof asset) ||
        !arg_text(&j, "amount", amount, sizeof amount) || xc_dec_from_cstr(amount, &amt) != XC_OK)
      st = XC_EINVAL;
    else {
      st = xc__sim_acct_deposit(sim->user.acct[v][k], asset, amt);
      if (!st) xc_buf_puts(out, "{\"ok\":true}");
    }
  } else if (!strcmp(name, "markets")) {
    xc_jw_arr_begin(&w);
    for (int i = 0; i < sim->nmkts; i++) {
      const xc__sim_mkt *m = sim->mkts[i];
      xc_jw_obj_begin(&w);
      xc_jw_key(&w, "venue");
      xc_jw_str(&w, m->in.venue == XC_SIM_BYBIT ? "bybit" : "binance");
      xc_jw_key(&w, "kind");
      xc_jw_str(&w, m->in.kind == XC_SIM_LINEAR ? "linear" : "spot");
      xc_jw_key(&w, "symbol");
      xc_jw_str(&w, m->in.symbol);
      xc_jw_key(&w, "lastUpdateId");
      xc_jw_u64(&w, m->update_id);
      xc_jw_key(&w, "trades");
      xc_jw_u64(&w, m->stats.count);
      xc_jw_key(&w, "mark");
      xc_jw_dec_str(&w, xc__sim_mark_price(m));
      xc_jw_obj_end(&w);
    }
    xc_jw_arr_end(&w);
  } else if (!strcmp(name, "stats")) {
    xc_buf_printf(out,
                  "{\"trades\":%" PRIu64 ",\"trade_hash\":\"%016" PRIx64 "\",\"ws_msgs\":%" PRIu64
                  ",\"ws_open\":%d,\"conns\":%d,\"server_time\":%" PRId64
                  ",\"http_limited\":%" PRIu64 "}",
                  sim->trades_total, sim->trade_hash, sim->ws_msgs, sim->nws, sim->nconns,
                  xc__sim_now_ms(sim), sim->http_limited);
  } else if (!strcmp(name, "reset_faults")) {
    sim->dup_n = sim->reorder_n = 0;
    sim->http_fault_n = 0;
    sim->http_fault_when = 0;
    sim->http_fault_path[0] = sim->http_fault_method[0] = 0;
    sim->latency_ms = 0;
    sim->clock_shift_ms = 0;
    sim->rate_pct = sim->opts.rate_limit_pct;
    sim->weight_window_ms = 0;
    stall_ctx c = {.id = 0, .stall = false};
    xc__sim_ws_each(sim, XC_SIM_EP_COUNT, stall_one, &c);
    xc_buf_puts(out, "{\"ok\":true}");
  } else if (!strcmp(name, "help")) {
    xc_buf_puts(out, help_text);
  } else {
    st = XC_ENOTFOUND;
  }
  if (st == XC_OK && xc_jw_finish(&w) != XC_OK && w.depth != 0) st = XC_EINTERNAL;
  if (st != XC_OK) {
    xc_buf_reset(out);
    xc_buf_printf(out, "{\"error\":\"%s\"}", xc_status_name(st));
  }
  xc_json_free(&j);
  return st;
}

/* ---- HTTP binding ---------------------------------------------------------------------------- */

static void admin_http(const xc__sim_req *req, xc__sim_resp *resp, void *user) {
  xc_sim *sim = user;
  const char *name = req->path + strlen("/admin/");
  xc_buf args;
  xc_buf_init(&args);
  if (req->body_len) {
    xc_buf_append(&args, req->body, req->body_len);
  } else if (req->query_len) {
    /* GET /admin/book?venue=binance&symbol=BTCUSDT: query pairs as a JSON object of strings */
    char *dst = malloc(req->query_len + 1);
    xc_kv kv[32];
    size_t n = 0;
    if (dst && xc_query_parse(req->query, req->query_len, dst, req->query_len + 1, kv, 32, &n) ==
                   XC_OK) {
      xc_jw w;
      xc_jw_init(&w, &args);
      xc_jw_obj_begin(&w);
      for (size_t i = 0; i < n; i++) {
        xc_jw_key(&w, kv[i].key);
        xc_jw_strn(&w, kv[i].val, kv[i].val_len);
      }
      xc_jw_obj_end(&w);
      if (xc_jw_finish(&w) != XC_OK) xc_buf_reset(&args);
    }
    free(dst);
  }
  xc_status st = xc__sim_admin_run(sim, name, args.data ? args.data : "", args.len, &resp->body);
  resp->status = st == XC_OK ? 200 : st == XC_ENOTFOUND ? 404 : st == XC_ENOTSUP ? 501 : 400;
  xc_buf_free(&args);
}

/* ---- debug stream: /admin/stream (every public trade and book change, venue-neutral) ------- */

#define ADMIN_TOPIC "admin:stream"

static int stream_open(xc__sim_ws *ws, const xc__sim_req *req, xc__sim_resp *resp, void *user) {
  (void)req;
  (void)resp;
  (void)user;
  return xc__sim_topic_sub(ws, ADMIN_TOPIC, 0) == XC_OK ? 0 : 500;
}

static const xc__sim_ws_handlers stream_handlers = {.on_open = stream_open};

typedef struct admin_fe_state {
  xc_buf buf;
} admin_fe_state;

static void stream_event(xc_sim *sim, const xc__sim_event *ev, void *state) {
  admin_fe_state *st = state;
  if (ev->kind != XC__SIM_EV_TRADE && ev->kind != XC__SIM_EV_BOOK) return;
  if (!xc__sim_topic_mask(sim, ADMIN_TOPIC)) return;
  xc_buf *b = &st->buf;
  xc_buf_reset(b);
  const xc__sim_instr *in = &ev->mkt->in;
  char p[XC_DEC_STR_MAX], q[XC_DEC_STR_MAX];
  if (ev->kind == XC__SIM_EV_TRADE) {
    const xc__sim_trade *t = ev->u.trade.trade;
    xc_dec_to_str(t->price, p, sizeof p);
    xc_dec_to_str(t->qty, q, sizeof q);
    xc_buf_printf(b,
                  "{\"e\":\"trade\",\"v\":\"%s\",\"k\":\"%s\",\"s\":\"%s\",\"t\":%" PRIu64
                  ",\"p\":\"%s\",\"q\":\"%s\",\"m\":%s,\"T\":%" PRId64 "}",
                  in->venue == XC_SIM_BYBIT ? "bybit" : "binance",
                  in->kind == XC_SIM_LINEAR ? "linear" : "spot", in->symbol, t->id, p, q,
                  t->buyer_is_maker ? "true" : "false", t->time_ms);
  } else {
    xc_dec_to_str(ev->u.book.price, p, sizeof p);
    xc_dec_to_str(ev->u.book.qty, q, sizeof q);
    xc_buf_printf(b,
                  "{\"e\":\"book\",\"v\":\"%s\",\"k\":\"%s\",\"s\":\"%s\",\"u\":%" PRIu64
                  ",\"side\":\"%s\",\"p\":\"%s\",\"q\":\"%s\",\"E\":%" PRId64 "}",
                  in->venue == XC_SIM_BYBIT ? "bybit" : "binance",
                  in->kind == XC_SIM_LINEAR ? "linear" : "spot", in->symbol, ev->u.book.update_id,
                  ev->u.book.side == XC__SIM_BUY ? "bid" : "ask", p, q, ev->time_ms);
  }
  const char *msgs[1] = {b->data};
  size_t lens[1] = {b->len};
  xc__sim_topic_publish(sim, ADMIN_TOPIC, msgs, lens, 1);
}

static void admin_destroy(xc_sim *sim, void *state) {
  (void)sim;
  admin_fe_state *st = state;
  xc_buf_free(&st->buf);
  free(st);
}

static const xc__sim_fe admin_fe = {
    .name = "admin", .venue = XC_SIM_VENUE_COUNT, .on_event = stream_event, .destroy = admin_destroy};

void xc__sim_admin_attach(xc_sim *sim) {
  xc__sim_route(sim, XC_SIM_EP_ADMIN, NULL, "/admin/*", admin_http, sim);
  xc__sim_ws_route(sim, XC_SIM_EP_ADMIN, "/admin/stream", &stream_handlers, sim);
  admin_fe_state *st = calloc(1, sizeof *st);
  if (st) {
    xc_buf_init(&st->buf);
    xc__sim_fe_add(sim, &admin_fe, st);
  }
}
