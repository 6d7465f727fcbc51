/* Bybit v5 REST: /v5/market/..., /v5/order/..., /v5/position/..., /v5/account/..., /v5/user/query-api.
 * Envelope {"retCode","retMsg","result","retExtInfo","time"} with HTTP 200 for business errors;
 * header auth (X-BAPI-*), per-UID per-endpoint limits (X-Bapi-Limit*, 10006) and the IP limit
 * (HTTP 403). See docs/internals/sim_bybit.md and ../shared/protocols/bybit.md 2-7. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/query.h"
#include "sim/bybit_int.h"

#define MAX_KV 32
#define QBUF 4096

typedef struct rctx {
  xc__by_state *st;
  const xc__sim_req *req;
  xc__sim_resp *resp;
  const xc__sim_user *user;
  xc_kv kv[MAX_KV];
  size_t nkv;
  char qbuf[QBUF];
  xc_json *j; /* POST body */
  int root;
  xc_jw w;
} rctx;

typedef void (*route_fn)(rctx *c);

typedef struct route {
  const char *method;
  const char *path;
  route_fn fn;
  bool priv;
  int lim_linear, lim_spot; /* per-UID per-second limits (private) */
} route;

static const char *q(rctx *c, const char *key) {
  const xc_kv *kv = xc_query_find(c->kv, c->nkv, key);
  return kv && kv->val_len ? kv->val : NULL;
}

/* ---- envelope ------------------------------------------------------------------------------- */

static void begin_ok(rctx *c) {
  xc_buf_reset(&c->resp->body);
  xc_jw_init(&c->w, &c->resp->body);
  xc_jw_obj_begin(&c->w);
  xc_jw_kv_i64(&c->w, "retCode", 0);
  xc_jw_kv_str(&c->w, "retMsg", "OK");
  xc_jw_key(&c->w, "result");
}

static void end_ok(rctx *c) {
  xc_jw_key(&c->w, "retExtInfo");
  xc_jw_obj_begin(&c->w);
  xc_jw_obj_end(&c->w);
  xc_jw_kv_i64(&c->w, "time", xc__sim_now_ms(c->st->sim));
  xc_jw_obj_end(&c->w);
  xc_jw_finish(&c->w);
}

static void send_err(rctx *c, int code, const char *msg) {
  c->resp->status = 200;
  xc_buf_reset(&c->resp->body);
  xc_jw w;
  xc_jw_init(&w, &c->resp->body);
  xc_jw_obj_begin(&w);
  xc_jw_kv_i64(&w, "retCode", code);
  xc_jw_kv_str(&w, "retMsg", msg);
  xc_jw_key(&w, "result");
  xc_jw_obj_begin(&w);
  xc_jw_obj_end(&w);
  xc_jw_key(&w, "retExtInfo");
  xc_jw_obj_begin(&w);
  xc_jw_obj_end(&w);
  xc_jw_kv_i64(&w, "time", xc__sim_now_ms(c->st->sim));
  xc_jw_obj_end(&w);
  xc_jw_finish(&w);
}

static void send_e(rctx *c, const xc__by_err *e) { send_err(c, e->code, e->msg); }

/* ---- auth and limits ------------------------------------------------------------------------ */

static bool hdr(const xc__sim_req *req, const char *name, char *buf, size_t cap) {
  size_t n = 0;
  const char *v = xc__sim_req_header(req, name, &n);
  if (!v || n + 1 > cap) return false;
  memcpy(buf, v, n);
  buf[n] = 0;
  return true;
}

static bool parse_i64(const char *s, int64_t *out) {
  if (!s[0]) return false;
  char *end;
  long long v = strtoll(s, &end, 10);
  if (*end) return false;
  *out = v;
  return true;
}

/* Checks X-BAPI-* headers; on failure writes the error and returns false. */
static bool auth(rctx *c, const char *payload, size_t plen) {
  char key[128], ts[32], rw[32], sig[600];
  bool has_rw;
  if (!hdr(c->req, XC_BYBIT_H_API_KEY, key, sizeof key) || !key[0]) {
    send_err(c, 10003, "API key is invalid.");
    return false;
  }
  c->user = xc__sim_user_by_key(c->st->sim, key, strlen(key));
  if (!c->user) {
    send_err(c, 10003, "API key is invalid.");
    return false;
  }
  int64_t t, win = 5000, now = xc__sim_now_ms(c->st->sim);
  has_rw = hdr(c->req, XC_BYBIT_H_RECV_WINDOW, rw, sizeof rw);
  if (has_rw && (!parse_i64(rw, &win) || win <= 0)) {
    send_err(c, 10001, "params error: recv_window invalid");
    return false;
  }
  if (!hdr(c->req, XC_BYBIT_H_TIMESTAMP, ts, sizeof ts) || !parse_i64(ts, &t) ||
      !(now - win <= t && t < now + 1000)) {
    char msg[200];
    snprintf(msg, sizeof msg,
             "invalid request, please check your server timestamp or recv_window param. "
             "req_timestamp[%s],server_timestamp[%lld],recv_window[%lld]",
             ts, (long long)now, (long long)win);
    send_err(c, 10002, msg);
    return false;
  }
  xc_signer *s = xc__by_signer(c->st, c->user);
  if (!hdr(c->req, XC_BYBIT_H_SIGN, sig, sizeof sig) || !s ||
      xc_bybit_verify_rest(s, ts, key, has_rw ? rw : NULL, payload, plen, sig, strlen(sig)) != XC_OK) {
    send_err(c, 10004, "error sign! origin_string[***]");
    return false;
  }
  return true;
}

/* Per-UID per-endpoint limit; adds X-Bapi-Limit* headers. False (and 10006 written) when over. */
static bool limit(rctx *c, const route *r, bool spot) {
  int64_t lim, left, reset;
  bool ok = xc__by_take(c->st, r->path, spot && r->lim_spot ? r->lim_spot : r->lim_linear, spot, &lim, &left, &reset);
  xc__sim_resp_header(c->resp, "X-Bapi-Limit", "%lld", (long long)lim);
  xc__sim_resp_header(c->resp, "X-Bapi-Limit-Status", "%lld", (long long)left);
  xc__sim_resp_header(c->resp, "X-Bapi-Limit-Reset-Timestamp", "%lld", (long long)reset);
  if (!ok) send_err(c, 10006, "Too many visits. Exceeded the API Rate Limit.");
  return ok;
}

/* The IP limit: 600 requests per 5 s, then HTTP 403 for 10 minutes (lifted early when the admin
 * changes the rate-limit scale). */
static bool ip_limit(rctx *c) {
  xc__by_state *st = c->st;
  int64_t now = xc__sim_now_ms(st->sim);
  int64_t scale = xc__sim_limit(st->sim, 1000000);
  if (st->ip_ban_until && (now >= st->ip_ban_until || scale != st->ip_ban_scale)) st->ip_ban_until = 0;
  if (!st->ip_ban_until) {
    st->ip_win.span_ms = 5000;
    if (xc__sim_window_add(&st->ip_win, now, 1) <= xc__sim_limit(st->sim, 600)) return true;
    st->ip_ban_until = now + 600000;
    st->ip_ban_scale = scale;
  }
  c->resp->status = 403;
  c->resp->content_type = "text/plain";
  xc_buf_reset(&c->resp->body);
  xc_buf_puts(&c->resp->body, "access too frequent");
  return false;
}

static void dispatch(const xc__sim_req *req, xc__sim_resp *resp, void *user) {
  struct xc__by_bound *b = user;
  const route *r = b->route;
  rctx *c = calloc(1, sizeof *c);
  if (!c) {
    resp->status = 500;
    return;
  }
  c->st = b->st;
  c->req = req;
  c->resp = resp;
  c->root = -1;
  if (!ip_limit(c)) goto done;
  if (!strcmp(req->method, "GET") && req->body_len > 0) {
    resp->status = 403;
    xc_buf_reset(&resp->body);
    goto done;
  }
  bool spot = false;
  if (!strcmp(r->method, "GET")) {
    if (req->query_len >= QBUF - 1 ||
        xc_query_parse(req->query, req->query_len, c->qbuf, QBUF, c->kv, MAX_KV, &c->nkv) != XC_OK) {
      send_err(c, 10001, "params error: malformed query string");
      goto done;
    }
    const char *cat = q(c, "category");
    spot = cat && !strcmp(cat, "spot");
    if (r->priv && !auth(c, req->query, req->query_len)) goto done;
  } else {
    if (r->priv && !auth(c, req->body, req->body_len)) goto done;
    c->j = &c->st->js;
    if (xc_json_parse(c->j, req->body_len ? req->body : "{}", req->body_len ? req->body_len : 2) != XC_OK ||
        xc_json_type_of(c->j, 0) != XC_JSON_OBJECT) {
      send_err(c, 10001, "params error: request body is not a JSON object");
      goto done;
    }
    c->root = 0;
    spot = xc_json_str_eq(c->j, xc_json_get(c->j, 0, "category"), "spot");
  }
  if (r->priv && !limit(c, r, spot)) goto done;
  r->fn(c);
done:
  /* observed on every venue response (bybit.md 4) */
  xc__sim_resp_header(resp, "Timenow", "%lld", (long long)xc__sim_now_ms(c->st->sim));
  xc__sim_resp_header(resp, "Traceid", "%016llx%016llx", (unsigned long long)xc__sim_rand(c->st->sim),
                      (unsigned long long)req->conn_id);
  free(c);
}

/* ---- market data ---------------------------------------------------------------------------- */

static int cat_of(rctx *c, bool *linear) {
  const char *cat = c->j ? NULL : q(c, "category");
  char cb[16];
  if (c->j) {
    if (xc__by_json_text(c->j, c->root, "category", cb, sizeof cb)) cb[0] = 0;
    cat = cb;
  }
  if (!cat || !cat[0]) {
    send_err(c, 10001, "params error: category is required");
    return -1;
  }
  if (!strcmp(cat, "spot")) *linear = false;
  else if (!strcmp(cat, "linear")) *linear = true;
  else if (!strcmp(cat, "inverse") || !strcmp(cat, "option")) return 1; /* none listed here */
  else {
    send_err(c, 10001, "Illegal category");
    return -1;
  }
  return 0;
}

static void h_time(rctx *c) {
  int64_t us = xc__sim_now_us(c->st->sim);
  char s[32], ns[40];
  snprintf(s, sizeof s, "%lld", (long long)(us / 1000000));
  snprintf(ns, sizeof ns, "%lld000", (long long)us);
  begin_ok(c);
  xc_jw_obj_begin(&c->w);
  xc_jw_kv_str(&c->w, "timeSecond", s);
  xc_jw_kv_str(&c->w, "timeNano", ns);
  xc_jw_obj_end(&c->w);
  end_ok(c);
}

static void write_instr(xc_jw *w, const xc__sim_instr *in) {
  xc_jw_obj_begin(w);
  xc_jw_kv_str(w, "symbol", in->symbol);
  if (in->kind == XC_SIM_SPOT) {
    xc_jw_kv_str(w, "baseCoin", in->base);
    xc_jw_kv_str(w, "quoteCoin", in->quote);
    xc_jw_kv_str(w, "innovation", "0");
    xc_jw_kv_str(w, "status", "Trading");
    xc_jw_kv_str(w, "marginTrading", "utaOnly");
    xc_jw_kv_str(w, "stTag", "0");
    xc_jw_key(w, "lotSizeFilter");
    xc_jw_obj_begin(w);
    xc__by_kv_fixed(w, "basePrecision", in->step, in->qty_places);
    xc_dec qp;
    if (xc_dec_from_i64(1, -in->quote_places, &qp)) qp = in->tick;
    xc__by_kv_fixed(w, "quotePrecision", qp, in->quote_places);
    xc__by_kv_dec(w, "minOrderQty", in->min_qty);
    xc__by_kv_dec(w, "maxOrderQty", in->max_qty);
    xc__by_kv_dec(w, "minOrderAmt", in->min_notional);
    if (xc_dec_sign(in->max_notional) > 0) xc__by_kv_dec(w, "maxOrderAmt", in->max_notional);
    else xc_jw_kv_str(w, "maxOrderAmt", "8000000");
    xc__by_kv_dec(w, "maxLimitOrderQty", in->max_qty);
    xc__by_kv_dec(w, "maxMarketOrderQty", in->market_max_qty);
    xc_dec po;
    if (xc_dec_mul(in->max_qty, (xc_dec){5, 0}, &po)) po = in->max_qty;
    xc__by_kv_dec(w, "postOnlyMaxLimitOrderSize", po);
    xc_jw_obj_end(w);
    xc_jw_key(w, "priceFilter");
    xc_jw_obj_begin(w);
    xc__by_kv_fixed(w, "tickSize", in->tick, in->price_places);
    xc_jw_obj_end(w);
    xc_jw_key(w, "riskParameters");
    xc_jw_obj_begin(w);
    xc_jw_kv_str(w, "priceLimitRatioX", "0.005");
    xc_jw_kv_str(w, "priceLimitRatioY", "0.01");
    xc_jw_obj_end(w);
    xc_jw_kv_str(w, "symbolType", "");
  } else {
    xc_jw_kv_str(w, "contractType", "LinearPerpetual");
    xc_jw_kv_str(w, "status", "Trading");
    xc_jw_kv_str(w, "baseCoin", in->base);
    xc_jw_kv_str(w, "quoteCoin", in->quote);
    xc_jw_kv_str(w, "launchTime", "1585526400000");
    xc_jw_kv_str(w, "deliveryTime", "0");
    xc_jw_kv_str(w, "deliveryFeeRate", "");
    char ps[8];
    snprintf(ps, sizeof ps, "%d", in->price_places);
    xc_jw_kv_str(w, "priceScale", ps);
    xc_jw_key(w, "leverageFilter");
    xc_jw_obj_begin(w);
    xc_jw_kv_str(w, "minLeverage", "1");
    char ml[16];
    snprintf(ml, sizeof ml, "%d.00", in->max_leverage > 0 ? in->max_leverage : 100);
    xc_jw_kv_str(w, "maxLeverage", ml);
    xc_jw_kv_str(w, "leverageStep", "0.01");
    xc_jw_obj_end(w);
    xc_jw_key(w, "priceFilter");
    xc_jw_obj_begin(w);
    xc__by_kv_fixed(w, "minPrice", xc_dec_sign(in->min_price) > 0 ? in->min_price : in->tick, in->price_places);
    if (xc_dec_sign(in->max_price) > 0) xc__by_kv_fixed(w, "maxPrice", in->max_price, in->price_places);
    else xc_jw_kv_str(w, "maxPrice", "1999999.80");
    xc__by_kv_fixed(w, "tickSize", in->tick, in->price_places);
    xc_jw_obj_end(w);
    xc_jw_key(w, "lotSizeFilter");
    xc_jw_obj_begin(w);
    xc__by_kv_fixed(w, "maxOrderQty", in->max_qty, in->qty_places);
    xc__by_kv_fixed(w, "minOrderQty", in->min_qty, in->qty_places);
    xc__by_kv_fixed(w, "qtyStep", in->step, in->qty_places);
    xc__by_kv_fixed(w, "postOnlyMaxOrderQty", in->max_qty, in->qty_places);
    xc__by_kv_fixed(w, "maxMktOrderQty", in->market_max_qty, in->qty_places);
    xc__by_kv_dec(w, "minNotionalValue", in->min_notional);
    xc_jw_obj_end(w);
    xc_jw_kv_bool(w, "unifiedMarginTrade", true);
    xc_jw_kv_i64(w, "fundingInterval", 480);
    xc_jw_kv_str(w, "settleCoin", in->quote);
    xc_jw_kv_str(w, "copyTrading", "both");
    xc_jw_kv_str(w, "upperFundingRate", "0.00375");
    xc_jw_kv_str(w, "lowerFundingRate", "-0.00375");
    xc_jw_kv_str(w, "displayName", "");
    xc_jw_kv_bool(w, "isPreListing", false);
    xc_jw_key(w, "preListingInfo");
    xc_jw_null(w);
    xc_jw_key(w, "riskParameters");
    xc_jw_obj_begin(w);
    xc_jw_kv_str(w, "priceLimitRatioX", "0.01");
    xc_jw_kv_str(w, "priceLimitRatioY", "0.02");
    xc_jw_obj_end(w);
    xc_jw_kv_str(w, "symbolType", "");
    xc_jw_kv_bool(w, "forbidUplWithdrawal", false);
  }
  xc_jw_obj_end(w);
}

static void h_instruments(rctx *c) {
  bool linear = false;
  int k = cat_of(c, &linear);
  if (k < 0) return;
  const char *cat = q(c, "category");
  const char *sym = q(c, "symbol");
  const char *status = q(c, "status");
  const char *lims = q(c, "limit");
  const char *cursor = q(c, "cursor");
  int64_t lim = 500;
  if (lims && (!parse_i64(lims, &lim) || lim < 1 || lim > 1000)) {
    send_err(c, 10001, "params error: limit invalid");
    return;
  }
  if (!linear) lim = 1000; /* spot does not paginate */
  /* cursor "first=<sym>&last=<sym>" (percent-encoded on the wire): continue after last */
  int start = 0;
  if (k == 0 && cursor && linear) {
    const char *l = strstr(cursor, "last=");
    if (l) {
      l += 5;
      for (int i = 0; i < c->st->nmkts; i++)
        if (c->st->mk[i].linear && !strcmp(c->st->mk[i].sym, l)) start = i + 1;
    }
  }
  begin_ok(c);
  xc_jw *w = &c->w;
  xc_jw_obj_begin(w);
  xc_jw_kv_str(w, "category", cat);
  xc_jw_key(w, "list");
  xc_jw_arr_begin(w);
  int n = 0, first = -1, last = -1;
  bool more = false;
  if (k == 0 && !(status && strcmp(status, "Trading"))) {
    for (int i = start; i < c->st->nmkts; i++) {
      xc__by_mkt *bm = &c->st->mk[i];
      if (bm->linear != linear || (sym && strcmp(sym, bm->sym))) continue;
      if (n == lim) {
        more = true;
        break;
      }
      write_instr(w, xc__sim_mkt_instr(bm->m));
      if (first < 0) first = i;
      last = i;
      n++;
    }
  }
  xc_jw_arr_end(w);
  if (more && linear) {
    char cur[128];
    snprintf(cur, sizeof cur, "first%%3D%s%%26last%%3D%s", c->st->mk[first].sym, c->st->mk[last].sym);
    xc_jw_kv_str(w, "nextPageCursor", cur);
  } else {
    xc_jw_kv_str(w, "nextPageCursor", "");
  }
  xc_jw_obj_end(w);
  end_ok(c);
}

static xc__by_mkt *need_symbol(rctx *c, bool linear) {
  const char *sym = q(c, "symbol");
  if (!sym) {
    send_err(c, 10001, "params error: symbol is required");
    return NULL;
  }
  xc__by_mkt *bm = xc__by_find(c->st, linear, sym, strlen(sym));
  if (!bm) send_err(c, 10001, "params error: Symbol Is Invalid");
  return bm;
}

static void write_levels(xc_jw *w, const char *key, const xc__sim_level *lv, int n, const xc__sim_instr *in) {
  xc_jw_key(w, key);
  xc_jw_arr_begin(w);
  for (int i = 0; i < n; i++) {
    char p[XC_DEC_STR_FIXED_MAX], s[XC_DEC_STR_FIXED_MAX];
    xc_dec_to_str_fixed(lv[i].price, in->price_places, XC_ROUND_HALF_EVEN, p, sizeof p);
    xc_dec_to_str_fixed(lv[i].qty, in->qty_places, XC_ROUND_HALF_EVEN, s, sizeof s);
    xc_jw_arr_begin(w);
    xc_jw_str(w, p);
    xc_jw_str(w, s);
    xc_jw_arr_end(w);
  }
  xc_jw_arr_end(w);
}

static void h_orderbook(rctx *c) {
  bool linear = false;
  int k = cat_of(c, &linear);
  if (k < 0) return;
  if (k > 0) {
    send_err(c, 10001, "params error: Symbol Is Invalid");
    return;
  }
  xc__by_mkt *bm = need_symbol(c, linear);
  if (!bm) return;
  int64_t lim = linear ? 25 : 1;
  const char *lims = q(c, "limit");
  if (lims && (!parse_i64(lims, &lim) || lim < 1 || lim > 1000)) {
    send_err(c, 10001, "params error: limit invalid");
    return;
  }
  /* the depth-1000 stream's view, brought up to date: REST u == WS orderbook.1000 u */
  xc__by_book_stream *bs = xc__by_book_refresh(c->st, bm, XC__BY_NDEPTH - 1);
  const xc__sim_instr *in = xc__sim_mkt_instr(bm->m);
  int64_t now = xc__sim_now_ms(c->st->sim);
  begin_ok(c);
  xc_jw *w = &c->w;
  xc_jw_obj_begin(w);
  xc_jw_kv_str(w, "s", bm->sym);
  write_levels(w, "a", bs->asks, bs->na < lim ? bs->na : (int)lim, in);
  write_levels(w, "b", bs->bids, bs->nb < lim ? bs->nb : (int)lim, in);
  xc_jw_kv_i64(w, "ts", now);
  xc_jw_kv_u64(w, "u", bs->u);
  xc_jw_kv_u64(w, "seq", bs->seq);
  xc_jw_kv_i64(w, "cts", now);
  xc_jw_obj_end(w);
  end_ok(c);
}


static void h_tickers(rctx *c) {
  bool linear = false;
  int k = cat_of(c, &linear);
  if (k < 0) return;
  const char *sym = q(c, "symbol");
  if (sym && k == 0 && !xc__by_find(c->st, linear, sym, strlen(sym))) {
    send_err(c, 10001, "params error: Symbol Is Invalid");
    return;
  }
  begin_ok(c);
  xc_jw *w = &c->w;
  xc_jw_obj_begin(w);
  xc_jw_kv_str(w, "category", q(c, "category"));
  xc_jw_key(w, "list");
  xc_jw_arr_begin(w);
  for (int i = 0; k == 0 && i < c->st->nmkts; i++) {
    xc__by_mkt *bm = &c->st->mk[i];
    if (bm->linear != linear || (sym && strcmp(sym, bm->sym))) continue;
    xc__by_ticker t;
    xc__by_ticker_values(c->st, bm, &t);
    xc_jw_obj_begin(w);
    for (int f = 0; f < XC__BY_NTICK; f++) {
      const char *key = xc__by_ticker_keys[linear][f];
      if (!key) break;
      xc_jw_kv_str(w, key, t.val[f]);
    }
    if (!linear) {
      /* REST spot tickers carry the best bid/ask (the WS spot ticker does not) */
      xc__sim_level b, a;
      const xc__sim_instr *in = xc__sim_mkt_instr(bm->m);
      bool hb = xc__sim_book_best(bm->m, XC__SIM_BUY, &b), ha = xc__sim_book_best(bm->m, XC__SIM_SELL, &a);
      if (hb) xc__by_kv_fixed(w, "bid1Price", b.price, in->price_places), xc__by_kv_fixed(w, "bid1Size", b.qty, in->qty_places);
      else xc_jw_kv_str(w, "bid1Price", ""), xc_jw_kv_str(w, "bid1Size", "");
      if (ha) xc__by_kv_fixed(w, "ask1Price", a.price, in->price_places), xc__by_kv_fixed(w, "ask1Size", a.qty, in->qty_places);
      else xc_jw_kv_str(w, "ask1Price", ""), xc_jw_kv_str(w, "ask1Size", "");
    }
    xc_jw_obj_end(w);
  }
  xc_jw_arr_end(w);
  xc_jw_obj_end(w);
  end_ok(c);
}

static void h_recent_trade(rctx *c) {
  bool linear = false;
  int k = cat_of(c, &linear);
  if (k < 0) return;
  if (k > 0) {
    send_err(c, 10001, "params error: Symbol Is Invalid");
    return;
  }
  xc__by_mkt *bm = need_symbol(c, linear);
  if (!bm) return;
  int64_t lim = linear ? 500 : 60, max = linear ? 1000 : 60;
  const char *lims = q(c, "limit");
  if (lims && (!parse_i64(lims, &lim) || lim < 1 || lim > max)) {
    send_err(c, 10001, "params error: limit invalid");
    return;
  }
  const xc__sim_instr *in = xc__sim_mkt_instr(bm->m);
  int n = xc__sim_trades_recent(bm->m, c->st->tr, (int)lim);
  begin_ok(c);
  xc_jw *w = &c->w;
  xc_jw_obj_begin(w);
  xc_jw_kv_str(w, "category", linear ? "linear" : "spot");
  xc_jw_key(w, "list");
  xc_jw_arr_begin(w);
  for (int i = n - 1; i >= 0; i--) { /* newest first */
    const xc__sim_trade *t = &c->st->tr[i];
    char id[48], seq[24];
    xc__by_trade_id(linear, (uint64_t)xc__sim_mkt_index(bm->m), t->id, id, sizeof id);
    snprintf(seq, sizeof seq, "%llu", (unsigned long long)t->id);
    xc_jw_obj_begin(w);
    xc_jw_kv_str(w, "execId", id);
    xc_jw_kv_str(w, "symbol", bm->sym);
    xc__by_kv_fixed(w, "price", t->price, in->price_places);
    xc__by_kv_fixed(w, "size", t->qty, in->qty_places);
    xc_jw_kv_str(w, "side", t->buyer_is_maker ? "Sell" : "Buy");
    xc__by_kv_ms(w, "time", t->time_ms);
    xc_jw_kv_bool(w, "isBlockTrade", false);
    xc_jw_kv_bool(w, "isRPITrade", false);
    xc_jw_kv_str(w, "seq", seq);
    xc_jw_obj_end(w);
  }
  xc_jw_arr_end(w);
  xc_jw_obj_end(w);
  end_ok(c);
}

/* ---- trading -------------------------------------------------------------------------------- */

static void h_order_create(rctx *c) {
  char oid[64], link[64];
  xc__by_err e;
  if (xc__by_order_create(c->st, c->user, c->j, c->root, oid, sizeof oid, link, sizeof link, &e)) {
    send_e(c, &e);
    return;
  }
  begin_ok(c);
  xc_jw_obj_begin(&c->w);
  xc_jw_kv_str(&c->w, "orderId", oid);
  xc_jw_kv_str(&c->w, "orderLinkId", link);
  xc_jw_obj_end(&c->w);
  end_ok(c);
}

static void h_order_cancel(rctx *c) {
  char oid[64], link[64];
  xc__by_err e;
  if (xc__by_order_cancel(c->st, c->user, c->j, c->root, oid, sizeof oid, link, sizeof link, &e)) {
    send_e(c, &e);
    return;
  }
  begin_ok(c);
  xc_jw_obj_begin(&c->w);
  xc_jw_kv_str(&c->w, "orderId", oid);
  xc_jw_kv_str(&c->w, "orderLinkId", link);
  xc_jw_obj_end(&c->w);
  end_ok(c);
}

/* order/create-batch and order/cancel-batch: {"category","request":[...]} (10 spot, 20 linear);
 * per-item outcomes in retExtInfo.list, the top level is retCode 0 (bybit.md 7, gotcha 12). Each
 * item takes one unit of the batch quota; items past it fail with 10006. */
static void batch(rctx *c, bool create) {
  bool linear = false;
  int k = cat_of(c, &linear);
  if (k < 0) return;
  if (k > 0) {
    send_err(c, 10001, "Illegal category");
    return;
  }
  int reqs = xc_json_get(c->j, c->root, "request");
  int max = linear ? 20 : 10;
  if (reqs < 0 || xc_json_type_of(c->j, reqs) != XC_JSON_ARRAY || xc_json_count(c->j, reqs) < 1) {
    send_err(c, 10001, "params error: request is required");
    return;
  }
  int n = xc_json_count(c->j, reqs);
  if (n > max) {
    send_err(c, 10001, "params error: too many orders in one batch");
    return;
  }
  struct item {
    int code;
    char msg[200], oid[64], link[64], sym[32];
  } *it = calloc((size_t)n, sizeof *it);
  if (!it) {
    send_err(c, 10016, "Server error");
    return;
  }
  const char *cat = linear ? "linear" : "spot";
  for (int i = 0; i < n; i++) {
    int obj = xc_json_at(c->j, reqs, i);
    if (xc_json_type_of(c->j, obj) != XC_JSON_OBJECT) {
      it[i].code = 10001;
      snprintf(it[i].msg, sizeof it[i].msg, "params error");
      continue;
    }
    xc__by_json_text(c->j, obj, "symbol", it[i].sym, sizeof it[i].sym);
    int64_t lim, left, reset;
    /* one unit per order from the batch endpoint's quota; the request itself took the first */
    if (i > 0 && !xc__by_take(c->st, create ? "/v5/order/create-batch" : "/v5/order/cancel-batch", linear ? 10 : 20,
                              !linear, &lim, &left, &reset)) {
      it[i].code = 10006;
      snprintf(it[i].msg, sizeof it[i].msg, "Too many visits. Exceeded the API Rate Limit.");
      continue;
    }
    xc__by_err e;
    c->st->batch_cat = cat;
    int rc = create ? xc__by_order_create(c->st, c->user, c->j, obj, it[i].oid, sizeof it[i].oid, it[i].link,
                                          sizeof it[i].link, &e)
                    : xc__by_order_cancel(c->st, c->user, c->j, obj, it[i].oid, sizeof it[i].oid, it[i].link,
                                          sizeof it[i].link, &e);
    c->st->batch_cat = NULL;
    if (rc) {
      it[i].code = e.code;
      snprintf(it[i].msg, sizeof it[i].msg, "%s", e.msg);
      it[i].oid[0] = it[i].link[0] = 0;
      if (xc__by_json_text(c->j, obj, "orderLinkId", it[i].link, sizeof it[i].link) != XC_OK) it[i].link[0] = 0;
    } else {
      snprintf(it[i].msg, sizeof it[i].msg, "OK");
    }
  }
  int64_t now = xc__sim_now_ms(c->st->sim);
  begin_ok(c);
  xc_jw *w = &c->w;
  xc_jw_obj_begin(w);
  xc_jw_key(w, "list");
  xc_jw_arr_begin(w);
  for (int i = 0; i < n; i++) {
    xc_jw_obj_begin(w);
    xc_jw_kv_str(w, "category", cat);
    xc_jw_kv_str(w, "symbol", it[i].sym);
    xc_jw_kv_str(w, "orderId", it[i].oid);
    xc_jw_kv_str(w, "orderLinkId", it[i].link);
    if (create) xc__by_kv_ms(w, "createAt", it[i].code ? 0 : now);
    xc_jw_obj_end(w);
  }
  xc_jw_arr_end(w);
  xc_jw_obj_end(w);
  xc_jw_key(w, "retExtInfo");
  xc_jw_obj_begin(w);
  xc_jw_key(w, "list");
  xc_jw_arr_begin(w);
  for (int i = 0; i < n; i++) {
    xc_jw_obj_begin(w);
    xc_jw_kv_i64(w, "code", it[i].code);
    xc_jw_kv_str(w, "msg", it[i].msg);
    xc_jw_obj_end(w);
  }
  xc_jw_arr_end(w);
  xc_jw_obj_end(w);
  xc_jw_kv_i64(w, "time", now);
  xc_jw_obj_end(w);
  xc_jw_finish(w);
  free(it);
}

static void h_create_batch(rctx *c) { batch(c, true); }
static void h_cancel_batch(rctx *c) { batch(c, false); }

typedef struct olist {
  xc__sim_order *v;
  int n, cap;
} olist;

static void collect(const xc__sim_order *o, void *user) {
  olist *l = user;
  if (l->n < l->cap) l->v[l->n++] = *o;
}

static void h_cancel_all(rctx *c) {
  bool linear = false;
  int k = cat_of(c, &linear);
  if (k < 0) return;
  if (k > 0) {
    send_err(c, 10001, "Illegal category");
    return;
  }
  char sym[32], base[16], settle[16];
  bool has_sym = xc__by_json_text(c->j, c->root, "symbol", sym, sizeof sym) == XC_OK && sym[0];
  bool has_base = xc__by_json_text(c->j, c->root, "baseCoin", base, sizeof base) == XC_OK && base[0];
  bool has_settle = xc__by_json_text(c->j, c->root, "settleCoin", settle, sizeof settle) == XC_OK && settle[0];
  if (linear && !has_sym && !has_base && !has_settle) {
    send_err(c, 10001, "params error: symbol or settleCoin is required");
    return;
  }
  xc__by_mkt *only = NULL;
  if (has_sym) {
    only = xc__by_find(c->st, linear, sym, strlen(sym));
    if (!only) {
      if (linear) send_err(c, 10001, "params error: symbol invalid");
      else send_err(c, 170121, "Invalid symbol.");
      return;
    }
  }
  olist l = {calloc(1000, sizeof(xc__sim_order)), 0, 1000};
  if (!l.v) {
    send_err(c, 10016, "Server error");
    return;
  }
  for (int i = 0; i < c->st->nmkts; i++) {
    xc__by_mkt *bm = &c->st->mk[i];
    if (bm->linear != linear || (only && only != bm)) continue;
    const xc__sim_instr *in = xc__sim_mkt_instr(bm->m);
    if (has_base && strcmp(in->base, base)) continue;
    if (has_settle && strcmp(in->quote, settle)) continue;
    xc__sim_order_cancel_all(c->st->sim, xc__sim_user_acct(c->user, bm->m), bm->m, collect, &l);
  }
  begin_ok(c);
  xc_jw *w = &c->w;
  xc_jw_obj_begin(w);
  xc_jw_key(w, "list");
  xc_jw_arr_begin(w);
  for (int i = 0; i < l.n; i++) {
    char oid[64];
    xc__by_order_id(&l.v[i], oid, sizeof oid);
    xc_jw_obj_begin(w);
    xc_jw_kv_str(w, "orderId", oid);
    xc_jw_kv_str(w, "orderLinkId", xc__by_link_id(&l.v[i]));
    xc_jw_obj_end(w);
  }
  xc_jw_arr_end(w);
  xc_jw_kv_str(w, "success", "1");
  xc_jw_obj_end(w);
  end_ok(c);
  free(l.v);
}

static bool order_matches(rctx *c, const xc__sim_order *o, bool linear, const char *sym,
                          const char *base, const char *settle) {
  const xc__sim_instr *in = xc__sim_mkt_instr(o->mkt);
  if ((in->kind == XC_SIM_LINEAR) != linear || in->venue != XC_SIM_BYBIT) return false;
  if (sym && strcmp(sym, in->symbol)) return false;
  if (base && strcmp(base, in->base)) return false;
  if (settle && strcmp(settle, in->quote)) return false;
  return true;
}

/* order/realtime (history=false) and order/history (history=true) */
static void orders_query(rctx *c, bool history) {
  bool linear = false;
  int k = cat_of(c, &linear);
  if (k < 0) return;
  if (k > 0) {
    send_err(c, 10001, "Illegal category");
    return;
  }
  const char *sym = q(c, "symbol"), *base = q(c, "baseCoin"), *settle = q(c, "settleCoin");
  const char *oid = q(c, "orderId"), *link = q(c, "orderLinkId"), *open_only = q(c, "openOnly");
  const char *lims = q(c, "limit"), *cursor = q(c, "cursor"), *ostatus = q(c, "orderStatus");
  if (!history && linear && !sym && !base && !settle && !oid && !link) {
    send_err(c, 10001, "params error: symbol, baseCoin or settleCoin is required");
    return;
  }
  if (sym && !xc__by_find(c->st, linear, sym, strlen(sym))) {
    if (linear) send_err(c, 10001, "params error: symbol invalid");
    else send_err(c, 170121, "Invalid symbol.");
    return;
  }
  int64_t lim = 20, off = 0;
  if (lims && (!parse_i64(lims, &lim) || lim < 1 || lim > 50)) {
    send_err(c, 10001, "params error: limit invalid");
    return;
  }
  if (cursor) {
    const char *p = strstr(cursor, "page=");
    if (p) off = strtoll(p + 5, NULL, 10);
    if (off < 0) off = 0;
  }
  olist l = {calloc(XC__BY_CLOSED_MAX + 1000, sizeof(xc__sim_order)), 0, XC__BY_CLOSED_MAX + 1000};
  if (!l.v) {
    send_err(c, 10016, "Server error");
    return;
  }
  xc__sim_acct *acct = NULL;
  for (int i = 0; i < c->st->nmkts && !acct; i++) acct = xc__sim_user_acct(c->user, c->st->mk[i].m);
  if (oid || link) {
    uint64_t id = oid ? xc__by_parse_order_id(linear, oid, strlen(oid)) : 0;
    xc__sim_order o;
    if ((!oid || id) && acct &&
        xc__sim_order_get(c->st->sim, acct, NULL, id, oid ? NULL : link, &o) == XC_OK &&
        order_matches(c, &o, linear, sym, base, settle)) {
      bool done = o.status >= XC__SIM_OS_FILLED;
      if (!history || done) l.v[l.n++] = o;
    }
  } else if (!history && !(open_only && !strcmp(open_only, "1"))) {
    /* open orders, newest first */
    xc__sim_orders_open(c->st->sim, acct, NULL, collect, &l);
    for (int i = 0, j = l.n - 1; i < j; i++, j--) {
      xc__sim_order t = l.v[i];
      l.v[i] = l.v[j];
      l.v[j] = t;
    }
    int m = 0;
    for (int i = 0; i < l.n; i++)
      if (order_matches(c, &l.v[i], linear, sym, base, settle)) l.v[m++] = l.v[i];
    l.n = m;
  } else {
    /* recent closed orders, newest first */
    for (int i = c->st->nclosed - 1; i >= 0; i--) {
      const xc__sim_order *o = &c->st->closed[(c->st->closed_head + i) % XC__BY_CLOSED_MAX];
      if (!order_matches(c, o, linear, sym, base, settle)) continue;
      l.v[l.n++] = *o;
    }
  }
  begin_ok(c);
  xc_jw *w = &c->w;
  xc_jw_obj_begin(w);
  xc_jw_key(w, "list");
  xc_jw_arr_begin(w);
  int shown = 0, skipped = 0;
  bool more = false;
  for (int i = 0; i < l.n; i++) {
    if (ostatus) {
      xc_buf tmp;
      xc_buf_init(&tmp);
      xc_jw tw;
      xc_jw_init(&tw, &tmp);
      xc__by_write_order(&tw, &l.v[i], false);
      xc_jw_finish(&tw);
      char needle[64];
      snprintf(needle, sizeof needle, "\"orderStatus\":\"%s\"", ostatus);
      bool ok = tmp.data && strstr(tmp.data, needle);
      xc_buf_free(&tmp);
      if (!ok) continue;
    }
    if (skipped < off) {
      skipped++;
      continue;
    }
    if (shown == lim) {
      more = true;
      break;
    }
    xc__by_write_order(w, &l.v[i], false);
    shown++;
  }
  xc_jw_arr_end(w);
  if (more) {
    char cur[64];
    snprintf(cur, sizeof cur, "page%%3D%lld", (long long)(off + lim));
    xc_jw_kv_str(w, "nextPageCursor", cur);
  } else {
    xc_jw_kv_str(w, "nextPageCursor", "");
  }
  xc_jw_kv_str(w, "category", linear ? "linear" : "spot");
  xc_jw_obj_end(w);
  end_ok(c);
  free(l.v);
}

static void h_realtime(rctx *c) { orders_query(c, false); }
static void h_history(rctx *c) { orders_query(c, true); }

static void h_execution_list(rctx *c) {
  bool linear = false;
  int k = cat_of(c, &linear);
  if (k < 0) return;
  const char *sym = q(c, "symbol");
  int64_t lim = 50;
  const char *lims = q(c, "limit");
  if (lims && (!parse_i64(lims, &lim) || lim < 1 || lim > 100)) {
    send_err(c, 10001, "params error: limit invalid");
    return;
  }
  xc__sim_fill *fills = calloc(1000, sizeof *fills);
  xc__sim_order *orders = calloc(1000, sizeof *orders);
  if (!fills || !orders) {
    free(fills);
    free(orders);
    send_err(c, 10016, "Server error");
    return;
  }
  xc__sim_acct *acct = c->st->nmkts ? xc__sim_user_acct(c->user, c->st->mk[0].m) : NULL;
  int n = acct && k == 0 ? xc__sim_acct_fills(acct, NULL, fills, orders, 1000) : 0;
  begin_ok(c);
  xc_jw *w = &c->w;
  xc_jw_obj_begin(w);
  xc_jw_kv_str(w, "category", linear ? "linear" : "spot");
  xc_jw_key(w, "list");
  xc_jw_arr_begin(w);
  int shown = 0;
  for (int i = n - 1; i >= 0 && shown < lim; i--) {
    const xc__sim_order *o = &orders[i];
    const xc__sim_fill *f = &fills[i];
    const xc__sim_instr *in = xc__sim_mkt_instr(o->mkt);
    if ((in->kind == XC_SIM_LINEAR) != linear || (sym && strcmp(sym, in->symbol))) continue;
    char oid[64], eid[48];
    xc__by_order_id(o, oid, sizeof oid);
    xc__by_trade_id(linear, (uint64_t)xc__sim_mkt_index(o->mkt), f->trade_id, eid, sizeof eid);
    xc_jw_obj_begin(w);
    xc_jw_kv_str(w, "symbol", in->symbol);
    xc_jw_kv_str(w, "orderId", oid);
    xc_jw_kv_str(w, "orderLinkId", xc__by_link_id(o));
    xc_jw_kv_str(w, "side", o->side == XC__SIM_BUY ? "Buy" : "Sell");
    xc__by_kv_fixed(w, "orderPrice", o->price, in->price_places);
    xc__by_kv_dec(w, "orderQty", o->qty);
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
    xc__by_kv_dec(w, "execPnl", f->realized_pnl);
    xc_jw_kv_str(w, "closedSize", "0");
    xc_jw_kv_u64(w, "seq", f->trade_id);
    xc_jw_obj_end(w);
    shown++;
  }
  xc_jw_arr_end(w);
  xc_jw_kv_str(w, "nextPageCursor", "");
  xc_jw_obj_end(w);
  end_ok(c);
  free(fills);
  free(orders);
}

/* ---- positions and account ------------------------------------------------------------------ */

static void h_position_list(rctx *c) {
  bool linear = false;
  int k = cat_of(c, &linear);
  if (k < 0) return;
  if (k == 0 && !linear) {
    send_err(c, 10001, "Illegal category");
    return;
  }
  const char *sym = q(c, "symbol"), *settle = q(c, "settleCoin"), *base = q(c, "baseCoin");
  if (k == 0 && !sym && !settle && !base) {
    send_err(c, 10001, "params error: symbol or settleCoin is required");
    return;
  }
  if (sym && k == 0 && !xc__by_find(c->st, true, sym, strlen(sym))) {
    send_err(c, 10001, "params error: symbol invalid");
    return;
  }
  begin_ok(c);
  xc_jw *w = &c->w;
  xc_jw_obj_begin(w);
  xc_jw_key(w, "list");
  xc_jw_arr_begin(w);
  for (int i = 0; k == 0 && i < c->st->nmkts; i++) {
    xc__by_mkt *bm = &c->st->mk[i];
    if (!bm->linear || (sym && strcmp(sym, bm->sym))) continue;
    const xc__sim_instr *in = xc__sim_mkt_instr(bm->m);
    if (settle && strcmp(settle, in->quote)) continue;
    if (base && strcmp(base, in->base)) continue;
    const xc__sim_acct *a = xc__sim_user_acct(c->user, bm->m);
    xc__sim_position p;
    xc__sim_acct_position(a, bm->m, &p);
    if (!sym && xc_dec_is_zero(p.qty)) continue;
    xc__by_write_position(w, c->st, a, bm->m, false);
  }
  xc_jw_arr_end(w);
  xc_jw_kv_str(w, "nextPageCursor", "");
  xc_jw_kv_str(w, "category", "linear");
  xc_jw_obj_end(w);
  end_ok(c);
}

static void h_set_leverage(rctx *c) {
  bool linear = false;
  int k = cat_of(c, &linear);
  if (k < 0) return;
  if (k > 0 || !linear) {
    send_err(c, 10001, "Illegal category");
    return;
  }
  char sym[32], bl[32], sl[32];
  if (xc__by_json_text(c->j, c->root, "symbol", sym, sizeof sym) || !sym[0]) {
    send_err(c, 10001, "params error: symbol is required");
    return;
  }
  xc__by_mkt *bm = xc__by_find(c->st, true, sym, strlen(sym));
  if (!bm) {
    send_err(c, 10001, "params error: symbol invalid");
    return;
  }
  if (xc__by_json_text(c->j, c->root, "buyLeverage", bl, sizeof bl) ||
      xc__by_json_text(c->j, c->root, "sellLeverage", sl, sizeof sl)) {
    send_err(c, 10001, "params error: buyLeverage and sellLeverage are required");
    return;
  }
  xc_dec b, s;
  if (xc_dec_from_cstr(bl, &b) || xc_dec_from_cstr(sl, &s)) {
    send_err(c, 10001, "params error: leverage invalid");
    return;
  }
  if (!xc_dec_eq(b, s)) {
    send_err(c, 10001, "buy leverage must be equal to sell leverage in one-way mode");
    return;
  }
  int64_t lev;
  if (xc_dec_to_i64(b, XC_ROUND_EXACT, &lev) || lev < 1 || lev > 1000000) {
    send_err(c, 10001, "params error: leverage invalid (the simulator supports whole leverages)");
    return;
  }
  xc__sim_acct *a = xc__sim_user_acct(c->user, bm->m);
  xc__sim_position p;
  xc__sim_acct_position(a, bm->m, &p);
  if (p.leverage == (int)lev) {
    send_err(c, 110043, "Set leverage has not been modified.");
    return;
  }
  if (xc__sim_acct_set_leverage(a, bm->m, (int)lev) != XC_OK) {
    send_err(c, 10001, "leverage invalid: out of range");
    return;
  }
  begin_ok(c);
  xc_jw_obj_begin(&c->w);
  xc_jw_obj_end(&c->w);
  end_ok(c);
}

static void h_wallet(rctx *c) {
  const char *at = q(c, "accountType");
  if (!at || strcmp(at, "UNIFIED")) {
    send_err(c, 10001, "accountType only support UNIFIED.");
    return;
  }
  const char *coin = q(c, "coin");
  char coins[16][12];
  int nc = 0;
  if (coin) {
    const char *p = coin;
    while (*p && nc < 16) {
      const char *e = strchr(p, ',');
      size_t n = e ? (size_t)(e - p) : strlen(p);
      if (n && n < 12) {
        memcpy(coins[nc], p, n);
        coins[nc][n] = 0;
        nc++;
      }
      p += n + (e ? 1 : 0);
    }
  }
  const xc__sim_acct *a = c->st->nmkts ? xc__sim_user_acct(c->user, c->st->mk[0].m) : NULL;
  begin_ok(c);
  xc_jw *w = &c->w;
  xc_jw_obj_begin(w);
  xc_jw_key(w, "list");
  xc_jw_arr_begin(w);
  if (a) xc__by_write_wallet(w, c->st, a, coin ? coins : NULL, nc);
  xc_jw_arr_end(w);
  xc_jw_obj_end(w);
  end_ok(c);
}

static void h_account_info(rctx *c) {
  begin_ok(c);
  xc_jw *w = &c->w;
  xc_jw_obj_begin(w);
  xc_jw_kv_i64(w, "unifiedMarginStatus", 6);
  xc_jw_kv_str(w, "marginMode", "REGULAR_MARGIN");
  xc_jw_kv_bool(w, "isMasterTrader", false);
  xc_jw_kv_str(w, "spotHedgingStatus", "OFF");
  xc__by_kv_ms(w, "updatedTime", xc__sim_now_ms(c->st->sim));
  xc_jw_kv_str(w, "dcpStatus", "OFF");
  xc_jw_kv_i64(w, "timeWindow", 10);
  xc_jw_kv_i64(w, "smpGroup", 0);
  xc_jw_obj_end(w);
  end_ok(c);
}

static void h_query_api(rctx *c) {
  begin_ok(c);
  xc_jw *w = &c->w;
  char id[24], key[80];
  snprintf(id, sizeof id, "%lld", (long long)(c->user->uid % 100000 + 1000));
  /* the key itself, masked the way the venue shows it */
  snprintf(key, sizeof key, "%s", c->user->api_key);
  xc_jw_obj_begin(w);
  xc_jw_kv_str(w, "id", id);
  xc_jw_kv_str(w, "note", "xconn sim");
  xc_jw_kv_str(w, "apiKey", key);
  xc_jw_kv_i64(w, "readOnly", 0);
  xc_jw_kv_str(w, "secret", "");
  xc_jw_key(w, "permissions");
  xc_jw_obj_begin(w);
  static const char *const groups[][2] = {{"ContractTrade", "Order"}, {"Spot", "SpotTrade"},
                                          {"Wallet", "AccountTransfer"}, {"Options", "OptionsTrade"},
                                          {"Derivatives", "DerivativesTrade"}};
  for (size_t i = 0; i < sizeof groups / sizeof *groups; i++) {
    xc_jw_key(w, groups[i][0]);
    xc_jw_arr_begin(w);
    xc_jw_str(w, groups[i][1]);
    xc_jw_arr_end(w);
  }
  xc_jw_obj_end(w);
  xc_jw_key(w, "ips");
  xc_jw_arr_begin(w);
  xc_jw_str(w, "*");
  xc_jw_arr_end(w);
  xc_jw_kv_i64(w, "type", 1);
  xc_jw_kv_i64(w, "deadlineDay", -1);
  xc_jw_kv_str(w, "expiredAt", "");
  xc_jw_kv_str(w, "createdAt", "2026-01-01T00:00:00Z");
  xc_jw_kv_i64(w, "unified", 0);
  xc_jw_kv_i64(w, "uta", 1);
  xc_jw_kv_i64(w, "userID", c->user->uid);
  xc_jw_kv_i64(w, "inviterID", 0);
  xc_jw_kv_str(w, "vipLevel", "No VIP");
  xc_jw_kv_str(w, "mktMakerLevel", "0");
  xc_jw_kv_i64(w, "affiliateID", 0);
  xc_jw_kv_str(w, "rsaPublicKey", "");
  xc_jw_kv_bool(w, "isMaster", true);
  xc_jw_kv_str(w, "parentUid", "0");
  xc_jw_kv_str(w, "kycLevel", "LEVEL_DEFAULT");
  xc_jw_kv_str(w, "kycRegion", "");
  xc_jw_obj_end(w);
  end_ok(c);
}

static void h_fee_rate(rctx *c) {
  bool linear = false;
  int k = cat_of(c, &linear);
  if (k < 0) return;
  const char *sym = q(c, "symbol");
  begin_ok(c);
  xc_jw *w = &c->w;
  xc_jw_obj_begin(w);
  xc_jw_key(w, "list");
  xc_jw_arr_begin(w);
  for (int i = 0; k == 0 && i < c->st->nmkts; i++) {
    xc__by_mkt *bm = &c->st->mk[i];
    if (bm->linear != linear || (sym && strcmp(sym, bm->sym))) continue;
    const xc__sim_instr *in = xc__sim_mkt_instr(bm->m);
    xc_jw_obj_begin(w);
    xc_jw_kv_str(w, "symbol", bm->sym);
    xc_jw_kv_str(w, "baseCoin", linear ? "" : in->base);
    xc__by_kv_dec(w, "takerFeeRate", in->taker_fee);
    xc__by_kv_dec(w, "makerFeeRate", in->maker_fee);
    xc_jw_obj_end(w);
  }
  xc_jw_arr_end(w);
  xc_jw_obj_end(w);
  end_ok(c);
}

/* asset/coin/query-info: the coins of the listed markets, one chain each (ccxt loadMarkets calls
 * it for currencies when credentials are set). */
static void h_coin_info(rctx *c) {
  const char *want = q(c, "coin");
  char seen[64][12];
  int ns = 0;
  begin_ok(c);
  xc_jw *w = &c->w;
  xc_jw_obj_begin(w);
  xc_jw_key(w, "rows");
  xc_jw_arr_begin(w);
  for (int i = 0; i < c->st->nmkts; i++) {
    const xc__sim_instr *in = xc__sim_mkt_instr(c->st->mk[i].m);
    const char *cs[2] = {in->base, in->quote};
    for (int k = 0; k < 2; k++) {
      bool dup = false;
      for (int x = 0; x < ns; x++) dup |= !strcmp(seen[x], cs[k]);
      if (dup || ns == 64 || (want && strcmp(want, cs[k]))) continue;
      snprintf(seen[ns++], 12, "%s", cs[k]);
      xc_jw_obj_begin(w);
      xc_jw_kv_str(w, "name", cs[k]);
      xc_jw_kv_str(w, "coin", cs[k]);
      xc_jw_kv_str(w, "remainAmount", "1000000");
      xc_jw_key(w, "chains");
      xc_jw_arr_begin(w);
      xc_jw_obj_begin(w);
      xc_jw_kv_str(w, "chainType", cs[k]);
      xc_jw_kv_str(w, "confirmation", "1");
      xc_jw_kv_str(w, "withdrawFee", "0");
      xc_jw_kv_str(w, "depositMin", "0");
      xc_jw_kv_str(w, "withdrawMin", "0");
      xc_jw_kv_str(w, "chain", cs[k]);
      xc_jw_kv_str(w, "chainDeposit", "0");
      xc_jw_kv_str(w, "chainWithdraw", "0");
      xc_jw_kv_str(w, "minAccuracy", "8");
      xc_jw_kv_str(w, "withdrawPercentageFee", "0");
      xc_jw_kv_str(w, "contractAddress", "");
      xc_jw_obj_end(w);
      xc_jw_arr_end(w);
      xc_jw_obj_end(w);
    }
  }
  xc_jw_arr_end(w);
  xc_jw_obj_end(w);
  end_ok(c);
}

/* ---- routing -------------------------------------------------------------------------------- */

static const route routes[] = {
    {"GET", "/v5/market/time", h_time, false, 0, 0},
    {"GET", "/v5/market/instruments-info", h_instruments, false, 0, 0},
    {"GET", "/v5/market/orderbook", h_orderbook, false, 0, 0},
    {"GET", "/v5/market/tickers", h_tickers, false, 0, 0},
    {"GET", "/v5/market/recent-trade", h_recent_trade, false, 0, 0},
    {"POST", "/v5/order/create", h_order_create, true, 10, 20},
    {"POST", "/v5/order/cancel", h_order_cancel, true, 10, 20},
    {"POST", "/v5/order/cancel-all", h_cancel_all, true, 10, 20},
    {"POST", "/v5/order/create-batch", h_create_batch, true, 10, 20},
    {"POST", "/v5/order/cancel-batch", h_cancel_batch, true, 10, 20},
    {"GET", "/v5/order/realtime", h_realtime, true, 50, 50},
    {"GET", "/v5/order/history", h_history, true, 50, 50},
    {"GET", "/v5/execution/list", h_execution_list, true, 50, 50},
    {"GET", "/v5/position/list", h_position_list, true, 50, 50},
    {"POST", "/v5/position/set-leverage", h_set_leverage, true, 10, 10},
    {"GET", "/v5/account/wallet-balance", h_wallet, true, 50, 50},
    {"GET", "/v5/account/info", h_account_info, true, 50, 50},
    {"GET", "/v5/account/fee-rate", h_fee_rate, true, 5, 5},
    {"GET", "/v5/user/query-api", h_query_api, true, 10, 10},
    {"GET", "/v5/asset/coin/query-info", h_coin_info, true, 5, 5},
};

static void fallback(const xc__sim_req *req, xc__sim_resp *resp, void *user) {
  xc__by_state *st = user;
  rctx c;
  memset(&c, 0, sizeof c);
  c.st = st;
  c.req = req;
  c.resp = resp;
  send_err(&c, 10017, "route not found");
  resp->status = 404;
}

static void http_error(const xc__sim_req *req, xc__sim_resp *resp, int status, void *user) {
  xc__by_state *st = user;
  rctx c;
  memset(&c, 0, sizeof c);
  c.st = st;
  c.req = req;
  c.resp = resp;
  send_err(&c, 10016, status == 503 ? "Service Unavailable" : "Internal server error");
  resp->status = status;
}

xc_status xc__by_rest_attach(xc__by_state *st) {
  xc_status s;
  for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
    if (st->nbound >= (int)(sizeof st->bound / sizeof *st->bound)) return XC_EFULL;
    struct xc__by_bound *b = &st->bound[st->nbound++];
    b->st = st;
    b->route = &routes[i];
    if ((s = xc__sim_route(st->sim, XC_SIM_EP_BYBIT_REST, routes[i].method, routes[i].path, dispatch, b)))
      return s;
  }
  if ((s = xc__sim_route_fallback(st->sim, XC_SIM_EP_BYBIT_REST, fallback, st))) return s;
  return xc__sim_route_error(st->sim, XC_SIM_EP_BYBIT_REST, http_error, st);
}
