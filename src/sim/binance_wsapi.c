/* Binance Spot WebSocket API (/ws-api/v3 on spot_ws): JSON requests {"id","method","params"},
 * replies {"id","status","result"|"error","rateLimits"}. Methods: ping, time, session.logon
 * (Ed25519), session.status, session.logout, session.subscriptions, userDataStream.subscribe,
 * userDataStream.subscribe.signature, userDataStream.unsubscribe, order.place, order.cancel,
 * order.status, openOrders.status, openOrders.cancelAll, account.status. Signed requests carry
 * apiKey + timestamp + signature in params (HMAC over the params sorted by name); a session logged
 * on with session.logon may omit them. Weight is shared with REST (one REQUEST_WEIGHT bucket). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include "sim/binance.h"
#include "sim/binance_int.h"

typedef struct wsapi_sess {
  int kind; /* XC__BN_SESS_WSAPI */
  xc__bn_state *st;
  const xc__sim_user *logon;  /* session.logon user, NULL when not logged on */
  int64_t logon_ms, connected_ms;
  bool rate_limits;           /* include rateLimits in replies */
  int64_t logon_sub;          /* subscription created through session logon, -1 = none */
  bool fut;                   /* USD-M WebSocket API (/ws-fapi/v1 on usdm_ws) */
} wsapi_sess;

typedef struct req_ctx {
  xc__bn_state *st;
  xc__sim_ws *ws;
  wsapi_sess *ss;
  const char *id;
  size_t idn;
  char method[64];
  xc__bn_err e;
  xc_jw w;
  int64_t now;
  int weight;
  bool is_order;
  xc__bn_params p; /* last: the fields above are cleared per request, p is reset by hand */
} req_ctx;

/* ---- Ed25519 test key: seed = SHA-256("xconn-sim-ed25519:" + api_secret) ------------------- */

xc_status xc__sim_binance_ed25519_pem(const char *api_secret, char *out, size_t cap) {
  EVP_PKEY *pk = xc__bn_ed25519_key(api_secret);
  if (!pk) return XC_ECRYPTO;
  BIO *bio = BIO_new(BIO_s_mem());
  xc_status st = XC_ECRYPTO;
  if (bio && PEM_write_bio_PrivateKey(bio, pk, NULL, NULL, 0, NULL, NULL) == 1) {
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);
    if (n > 0 && (size_t)n < cap) {
      memcpy(out, data, (size_t)n);
      out[n] = 0;
      st = XC_OK;
    } else {
      st = XC_ENOSPC;
    }
  }
  BIO_free(bio);
  EVP_PKEY_free(pk);
  return st;
}

/* ---- replies -------------------------------------------------------------------------------- */

static void rate_limits(req_ctx *c, xc_buf *out) {
  xc__bn_limits *l = &c->st->lim[c->ss->fut];
  const char *wiv;
  int64_t wnum;
  xc__bn_limits_weight_interval(l, &wiv, &wnum, NULL, 0);
  xc_buf_printf(out,
                ",\"rateLimits\":[{\"rateLimitType\":\"REQUEST_WEIGHT\",\"interval\":\"%s\",\"intervalNum\":%lld,"
                "\"limit\":%lld,\"count\":%lld}",
                wiv, (long long)wnum, (long long)l->weight_limit, (long long)xc__bn_limits_used_weight(l, c->now));
  if (c->is_order)
    xc_buf_printf(out,
                  ",{\"rateLimitType\":\"ORDERS\",\"interval\":\"SECOND\",\"intervalNum\":10,\"limit\":%lld,\"count\":%lld}"
                  ",{\"rateLimitType\":\"ORDERS\",\"interval\":\"%s\",\"intervalNum\":1,\"limit\":%lld,\"count\":%lld}",
                  (long long)l->order_limit_short, (long long)xc__bn_limits_orders_short(l, c->now),
                  c->ss->fut ? "MINUTE" : "DAY", (long long)l->order_limit_long, (long long)xc__bn_limits_orders_long(l, c->now));
  xc_buf_putc(out, ']');
}

static void send_error(req_ctx *c, int64_t retry_after_ms) {
  xc_buf *out = &c->st->out;
  xc_buf_reset(out);
  int status = c->e.http ? c->e.http : xc__bn_err_http(c->e.code);
  xc_buf_puts(out, "{\"id\":");
  xc_buf_append(out, c->id, c->idn);
  xc_buf_printf(out, ",\"status\":%d,\"error\":", status);
  xc_buf *err = &c->st->err;
  xc_buf_reset(err);
  xc__bn_err_json(err, c->e.code, c->e.msg);
  if (retry_after_ms) {
    err->len--; /* drop '}' */
    xc_buf_printf(err, ",\"data\":{\"serverTime\":%lld,\"retryAfter\":%lld}}", (long long)c->now,
                  (long long)retry_after_ms);
  }
  xc_buf_append(out, err->data, err->len);
  if (c->ss->rate_limits) rate_limits(c, out);
  xc_buf_putc(out, '}');
  xc__sim_ws_send(c->ws, out->data, out->len);
}

static void send_result(req_ctx *c, const xc_buf *result) {
  xc_buf *out = &c->st->out;
  xc_buf_reset(out);
  xc_buf_puts(out, "{\"id\":");
  xc_buf_append(out, c->id, c->idn);
  xc_buf_puts(out, ",\"status\":200,\"result\":");
  xc_buf_append(out, result->data, result->len);
  if (c->ss->rate_limits) rate_limits(c, out);
  xc_buf_putc(out, '}');
  xc__sim_ws_send(c->ws, out->data, out->len);
}

/* ---- authentication ------------------------------------------------------------------------- */

static int cmp_kv(const void *a, const void *b) {
  return strcmp(((const xc__bn_kv *)a)->key, ((const xc__bn_kv *)b)->key);
}

/* The user of a signed request: the logged-on user when no apiKey/signature is sent, else the
 * apiKey's user after signature and timestamp checks. */
static const xc__sim_user *auth(req_ctx *c, bool hmac_only) {
  const char *key = xc__bn_param(&c->p, "apiKey");
  const char *sig = xc__bn_param(&c->p, "signature");
  if (!key && !sig && c->ss->logon && !hmac_only) return c->ss->logon;
  if (!key) {
    xc__bn_err_mandatory(&c->e, "apiKey");
    return NULL;
  }
  const xc__sim_user *u = xc__sim_user_by_key(c->st->sim, key, strlen(key));
  if (!u) {
    xc__bn_err_set(&c->e, strlen(key) == 64 ? XC__BN_REJECTED_MBX_KEY : XC__BN_BAD_API_KEY_FMT, NULL);
    return NULL;
  }
  if (!sig) {
    xc__bn_err_mandatory(&c->e, "signature");
    return NULL;
  }
  if (xc__bn_check_timestamp(&c->p, c->now, false, &c->e)) return NULL;
  xc__bn_kv kv[XC__BN_MAX_PARAMS];
  int n = 0;
  for (int i = 0; i < c->p.n; i++)
    if (strcmp(c->p.p[i].key, "signature")) kv[n++] = c->p.p[i];
  qsort(kv, (size_t)n, sizeof kv[0], cmp_kv);
  char payload[4096];
  size_t o = 0;
  for (int i = 0; i < n; i++) {
    int w = snprintf(payload + o, sizeof payload - o, "%s%s=%s", i ? "&" : "", kv[i].key, kv[i].val);
    if (w < 0 || (size_t)w >= sizeof payload - o) {
      xc__bn_err_set(&c->e, XC__BN_TOO_MANY_PARAMETERS, NULL);
      return NULL;
    }
    o += (size_t)w;
  }
  bool ok;
  if (strlen(sig) == 64) {
    char hex[65];
    xc__bn_hmac_hex(u->api_secret, payload, o, hex);
    ok = xc__bn_hex_eq(hex, sig);
  } else {
    ok = xc__bn_ed25519_verify(u->api_secret, payload, o, sig);
  }
  if (!ok) {
    xc__bn_err_set(&c->e, XC__BN_INVALID_SIGNATURE, NULL);
    return NULL;
  }
  return u;
}

/* ---- methods -------------------------------------------------------------------------------- */

static int64_t add_sub(req_ctx *c, const xc__sim_acct *acct) {
  xc__bn_state *st = c->st;
  for (int i = 0; i < st->nsubs; i++)
    if (st->subs[i].ws == c->ws && st->subs[i].acct == acct) {
      xc__bn_err_set(&c->e, XC__BN_SUBSCRIPTION_ACTIVE, NULL);
      return -1;
    }
  if (st->nsubs >= XC__BN_MAX_WSAPI_SUBS) {
    xc__bn_err_set(&c->e, -2042, "Maximum subscription ID reached for this connection.");
    return -1;
  }
  int64_t id = st->next_sub_id++;
  st->subs[st->nsubs++] = (xc__bn_wsapi_sub){c->ws, id, acct};
  return id;
}

static void session_status(req_ctx *c, xc_buf *r) {
  wsapi_sess *ss = c->ss;
  bool has_sub = false;
  for (int i = 0; i < c->st->nsubs; i++)
    if (c->st->subs[i].ws == c->ws) has_sub = true;
  xc_jw w;
  xc_jw_init(&w, r);
  xc_jw_obj_begin(&w);
  xc_jw_key(&w, "apiKey");
  if (ss->logon) xc_jw_str(&w, ss->logon->api_key);
  else xc_jw_null(&w);
  xc_jw_key(&w, "authorizedSince");
  if (ss->logon) xc_jw_i64(&w, ss->logon_ms);
  else xc_jw_null(&w);
  xc_jw_key(&w, "connectedSince"); xc_jw_i64(&w, ss->connected_ms);
  xc_jw_key(&w, "returnRateLimits"); xc_jw_bool(&w, ss->rate_limits);
  xc_jw_key(&w, "serverTime"); xc_jw_i64(&w, c->now);
  xc_jw_key(&w, "userDataStream"); xc_jw_bool(&w, has_sub);
  xc_jw_obj_end(&w);
}

static int dispatch(req_ctx *c, xc_buf *r) {
  const char *m = c->method;
  xc__bn_state *st = c->st;
  xc_jw_init(&c->w, r);
  if (!strcmp(m, "ping")) {
    xc_buf_puts(r, "{}");
    return 0;
  }
  if (!strcmp(m, "time")) {
    xc_buf_printf(r, "{\"serverTime\":%lld}", (long long)c->now);
    return 0;
  }
  if (!strcmp(m, "session.logon")) {
    const char *sig = xc__bn_param(&c->p, "signature");
    if (sig && strlen(sig) == 64)
      return xc__bn_err_set(&c->e, XC__BN_UNAUTHORIZED, "HMAC_SHA256 API key is not supported.");
    const xc__sim_user *u = auth(c, false);
    if (!u) return c->e.code;
    c->ss->logon = u;
    c->ss->logon_ms = c->now;
    session_status(c, r);
    return 0;
  }
  if (!strcmp(m, "session.status")) {
    session_status(c, r);
    return 0;
  }
  if (!strcmp(m, "session.logout")) {
    if (c->ss->logon_sub >= 0) {
      for (int i = 0; i < st->nsubs; i++)
        if (st->subs[i].ws == c->ws && st->subs[i].sub_id == c->ss->logon_sub) st->subs[i] = st->subs[--st->nsubs];
      c->ss->logon_sub = -1;
    }
    c->ss->logon = NULL;
    session_status(c, r);
    return 0;
  }
  if (!strcmp(m, "session.subscriptions")) {
    xc_jw_arr_begin(&c->w);
    for (int i = 0; i < st->nsubs; i++)
      if (st->subs[i].ws == c->ws) {
        xc_jw_obj_begin(&c->w);
        xc_jw_key(&c->w, "subscriptionId");
        xc_jw_i64(&c->w, st->subs[i].sub_id);
        xc_jw_obj_end(&c->w);
      }
    xc_jw_arr_end(&c->w);
    return 0;
  }
  if (!strcmp(m, "userDataStream.subscribe") || !strcmp(m, "userDataStream.subscribe.signature")) {
    const xc__sim_user *u;
    bool logon = !strcmp(m, "userDataStream.subscribe");
    if (logon) {
      u = c->ss->logon;
      if (!u) return xc__bn_err_set(&c->e, XC__BN_UNAUTHORIZED, "Please authenticate with session.logon first.");
    } else if (!(u = auth(c, true))) {
      return c->e.code;
    }
    int64_t id = add_sub(c, u->acct[XC_SIM_BINANCE][XC_SIM_SPOT]);
    if (id < 0) return c->e.code;
    if (logon) c->ss->logon_sub = id;
    xc_buf_printf(r, "{\"subscriptionId\":%lld}", (long long)id);
    return 0;
  }
  if (!strcmp(m, "userDataStream.unsubscribe")) {
    int64_t sid = -1;
    bool has = false;
    if (xc__bn_param_i64(&c->p, "subscriptionId", &sid, &has, &c->e)) return c->e.code;
    bool found = false;
    for (int i = 0; i < st->nsubs;) {
      if (st->subs[i].ws == c->ws && (!has || st->subs[i].sub_id == sid)) {
        char msg[160];
        int n = snprintf(msg, sizeof msg,
                         "{\"subscriptionId\":%lld,\"event\":{\"e\":\"eventStreamTerminated\",\"E\":%lld}}",
                         (long long)st->subs[i].sub_id, (long long)c->now);
        xc__sim_ws_send(c->ws, msg, (size_t)n);
        st->subs[i] = st->subs[--st->nsubs];
        found = true;
      } else {
        i++;
      }
    }
    if (!found) return xc__bn_err_set(&c->e, XC__BN_SUBSCRIPTION_INACTIVE, NULL);
    xc_buf_puts(r, "{}");
    return 0;
  }
  typedef struct { const char *m, *verb, *path; bool signed_; } mapping;
  static const mapping fut_map[] = {
    {"depth", "GET", "/fapi/v1/depth", false},
    {"ticker.price", "GET", "/fapi/v1/ticker/price", false},
    {"ticker.book", "GET", "/fapi/v1/ticker/bookTicker", false},
    {"order.place", "POST", "/fapi/v1/order", true},
    {"order.cancel", "DELETE", "/fapi/v1/order", true},
    {"order.status", "GET", "/fapi/v1/order", true},
    {"account.position", "GET", "/fapi/v3/positionRisk", true},
    {"v2/account.position", "GET", "/fapi/v2/positionRisk", true},
    {"account.balance", "GET", "/fapi/v3/balance", true},
    {"v2/account.balance", "GET", "/fapi/v2/balance", true},
    {"account.status", "GET", "/fapi/v3/account", true},
    {"v2/account.status", "GET", "/fapi/v2/account", true},
    {"userDataStream.start", "POST", "/fapi/v1/listenKey", true},
    {"userDataStream.ping", "PUT", "/fapi/v1/listenKey", true},
    {"userDataStream.stop", "DELETE", "/fapi/v1/listenKey", true},
  };
  if (c->ss->fut) {
    for (size_t i = 0; i < sizeof fut_map / sizeof fut_map[0]; i++) {
      if (strcmp(m, fut_map[i].m)) continue;
      xc__sim_acct *acct = NULL;
      if (fut_map[i].signed_) {
        const xc__sim_user *u = NULL;
        if (!strncmp(m, "userDataStream.", 15)) {
          /* USER_STREAM: API key only */
          const char *key = xc__bn_param(&c->p, "apiKey");
          if (!key) return xc__bn_err_mandatory(&c->e, "apiKey");
          if (!(u = xc__sim_user_by_key(st->sim, key, strlen(key)))) return xc__bn_err_set(&c->e, XC__BN_REJECTED_MBX_KEY, NULL);
        } else if (!(u = auth(c, false))) {
          return c->e.code;
        }
        acct = u->acct[XC_SIM_BINANCE][XC_SIM_LINEAR];
      }
      return xc__bn_rest_call(st, fut_map[i].verb, fut_map[i].path, &c->p, acct, &c->w, &c->e, NULL);
    }
    return xc__bn_err_set(&c->e, XC__BN_UNSUPPORTED_OPERATION, "Unknown method.");
  }
  static const mapping map[] = {
    {"exchangeInfo", "GET", "/api/v3/exchangeInfo", false},
    {"depth", "GET", "/api/v3/depth", false},
    {"trades.recent", "GET", "/api/v3/trades", false},
    {"trades.aggregate", "GET", "/api/v3/aggTrades", false},
    {"avgPrice", "GET", "/api/v3/avgPrice", false},
    {"ticker.24hr", "GET", "/api/v3/ticker/24hr", false},
    {"ticker.price", "GET", "/api/v3/ticker/price", false},
    {"ticker.book", "GET", "/api/v3/ticker/bookTicker", false},
    {"order.place", "POST", "/api/v3/order", true},
    {"order.test", "POST", "/api/v3/order/test", true},
    {"order.cancel", "DELETE", "/api/v3/order", true},
    {"order.status", "GET", "/api/v3/order", true},
    {"openOrders.status", "GET", "/api/v3/openOrders", true},
    {"openOrders.cancelAll", "DELETE", "/api/v3/openOrders", true},
    {"account.status", "GET", "/api/v3/account", true},
    {"myTrades", "GET", "/api/v3/myTrades", true},
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
    if (strcmp(m, map[i].m)) continue;
    xc__sim_acct *acct = NULL;
    if (map[i].signed_) {
      const xc__sim_user *u = auth(c, false);
      if (!u) return c->e.code;
      acct = u->acct[XC_SIM_BINANCE][XC_SIM_SPOT];
    }
    return xc__bn_rest_call(st, map[i].verb, map[i].path, &c->p, acct, &c->w, &c->e, NULL);
  }
  return xc__bn_err_set(&c->e, XC__BN_UNSUPPORTED_OPERATION, "Unknown method.");
}

/* ---- session glue --------------------------------------------------------------------------- */

static int on_open(xc__sim_ws *ws, const xc__sim_req *req, xc__sim_resp *resp, void *user) {
  xc__bn_state *st = user;
  if (!xc__bn_conn_ok(st, 2)) {
    xc__bn_err_json(&resp->body, XC__BN_TOO_MANY_REQUESTS, "Too many new connections; current limit is 300 per 5 minutes.");
    return 429;
  }
  wsapi_sess *ss = calloc(1, sizeof *ss);
  if (!ss) return 503;
  ss->kind = XC__BN_SESS_WSAPI;
  ss->st = st;
  ss->fut = req->ep == XC_SIM_EP_BINANCE_USDM_WS;
  ss->connected_ms = xc__sim_now_ms(st->sim);
  ss->rate_limits = !strstr(req->query, "returnRateLimits=false");
  ss->logon_sub = -1;
  xc__sim_ws_set_data(ws, ss);
  const xc_sim_opts *o = xc__sim_opts(st->sim);
  xc__sim_ws_set_ping(ws, o->ws_ping_ms, o->ws_pong_timeout_ms);
  xc__sim_ws_set_lifetime(ws, o->ws_lifetime_ms);
  xc__bn_verdict v;
  xc__bn_limits_charge(&st->lim[ss->fut], ss->connected_ms, 2, false, &v); /* connecting costs 2 */
  return 0;
}

static void on_close(xc__sim_ws *ws, void *user) {
  xc__bn_state *st = user;
  xc__bn_wsapi_forget(st, ws);
  free(xc__sim_ws_data(ws));
  xc__sim_ws_set_data(ws, NULL);
}

void xc__bn_wsapi_forget(xc__bn_state *st, xc__sim_ws *ws) {
  for (int i = 0; i < st->nsubs;) {
    if (st->subs[i].ws == ws) st->subs[i] = st->subs[--st->nsubs];
    else i++;
  }
}

static int method_weight(const char *m, bool *is_order) {
  *is_order = !strcmp(m, "order.place");
  if (!strcmp(m, "order.status")) return 4;
  if (!strcmp(m, "openOrders.status")) return 6;
  if (!strcmp(m, "account.status") || !strcmp(m, "exchangeInfo") || !strcmp(m, "myTrades")) return 20;
  if (!strcmp(m, "trades.recent")) return 25;
  if (!strcmp(m, "depth")) return 5;
  if (!strncmp(m, "ticker.", 7) || !strcmp(m, "avgPrice")) return 2;
  if (!strcmp(m, "trades.aggregate")) return 4;
  if (!strncmp(m, "session.", 8) || !strncmp(m, "userDataStream.", 15)) return 2;
  return 1;
}

static void on_text(xc__sim_ws *ws, const char *data, size_t len, void *user) {
  xc__bn_state *st = user;
  wsapi_sess *ss = xc__sim_ws_data(ws);
  if (!ss) return;
  if (!st->wsapi_ctx && !(st->wsapi_ctx = malloc(sizeof(req_ctx)))) return;
  req_ctx *c = st->wsapi_ctx; /* reused: no allocation per request */
  memset(c, 0, offsetof(req_ctx, p));
  c->p.n = 0;
  c->p.used = 0;
  c->p.duplicate = c->p.overflow = c->p.illegal = false;
  c->st = st;
  c->ws = ws;
  c->ss = ss;
  c->id = "null";
  c->idn = 4;
  c->now = xc__sim_now_ms(st->sim);
  xc_json *jp = &st->json;
#define j (*jp)
  xc_buf *rp = &st->reply;
#define r (*rp)
  xc_buf_reset(rp);
  if (xc_json_parse(&j, data, len) != XC_OK || xc_json_type_of(&j, 0) != XC_JSON_OBJECT) {
    xc__bn_err_set(&c->e, XC__BN_ILLEGAL_CHARS, "Malformed request: invalid JSON.");
    send_error(c, 0);
    goto done;
  }
  int idt = xc_json_get(&j, 0, "id");
  if (idt >= 0) {
    if (xc_json_type_of(&j, idt) == XC_JSON_STRING) {
      c->id = j.src + j.tok[idt].start - 1;
      c->idn = (size_t)(j.tok[idt].end - j.tok[idt].start + 2);
    } else {
      xc_json_text(&j, idt, &c->id, &c->idn);
    }
  }
  int mt = xc_json_get(&j, 0, "method");
  if (mt < 0 || xc_json_str_copy(&j, mt, c->method, sizeof c->method, NULL) != XC_OK) {
    xc__bn_err_mandatory(&c->e, "method");
    send_error(c, 0);
    goto done;
  }
  if (!strncmp(c->method, "v3/", 3)) memmove(c->method, c->method + 3, strlen(c->method + 3) + 1);
  int pt = xc_json_get(&j, 0, "params");
  c->p.n = 0;
  c->p.used = 0;
  c->p.query = c->p.body = "";
  for (int v = xc_json_type_of(&j, pt) == XC_JSON_OBJECT ? xc_json_first(&j, pt) : -1; v >= 0; v = xc_json_next(&j, v)) {
    const char *k;
    size_t kn;
    char val[1024];
    size_t vn = 0;
    if (xc_json_text(&j, xc_json_key(&j, v), &k, &kn) != XC_OK) continue;
    xc_json_type t = xc_json_type_of(&j, v);
    if (t == XC_JSON_STRING) {
      if (xc_json_str_copy(&j, v, val, sizeof val, &vn) != XC_OK) continue;
    } else if (t == XC_JSON_NUMBER || t == XC_JSON_TRUE || t == XC_JSON_FALSE) {
      const char *s;
      if (xc_json_text(&j, v, &s, &vn) != XC_OK || vn >= sizeof val) continue;
      memcpy(val, s, vn);
      val[vn] = 0;
    } else {
      continue;
    }
    xc__bn_params_add(&c->p, k, kn, val, vn);
  }
  const char *rrl = xc__bn_param(&c->p, "returnRateLimits");
  bool saved_rl = ss->rate_limits;
  if (rrl && !strcmp(rrl, "false")) ss->rate_limits = false;
  /* weight */
  c->weight = method_weight(c->method, &c->is_order);
  xc__bn_limits *l = &st->lim[ss->fut];
  l->weight_limit = xc__sim_limit(st->sim, ss->fut ? 2400 : 6000);
  l->weight_window_ms = xc__sim_weight_window_ms(st->sim);
  l->order_limit_short = xc__sim_limit(st->sim, ss->fut ? 300 : 100);
  l->order_limit_long = xc__sim_limit(st->sim, ss->fut ? 1200 : 200000);
  xc__bn_verdict vd;
  xc__bn_limits_charge(l, c->now, c->weight, c->is_order, &vd);
  if (vd.http) {
    c->e.code = vd.code;
    c->e.http = vd.http;
    snprintf(c->e.msg, sizeof c->e.msg, "%s", vd.msg);
    send_error(c, c->now + vd.retry_after_s * 1000);
  } else if (dispatch(c, &r) != 0 || c->e.code) {
    send_error(c, 0);
  } else if (xc_jw_finish(&c->w) != XC_OK && r.len == 0) {
    xc__bn_err_set(&c->e, XC__BN_UNKNOWN, NULL);
    send_error(c, 0);
  } else {
    if (c->is_order) xc__bn_limits_refund_weight(l, c->weight);
    send_result(c, &r);
  }
  ss->rate_limits = saved_rl;
done:
#undef j
#undef r
  return;
}

static const xc__sim_ws_handlers k_wsapi_h = {on_open, on_text, on_close, NULL};

xc_status xc__bn_wsapi_attach(xc__bn_state *st) {
  xc_status s = xc__sim_ws_route(st->sim, XC_SIM_EP_BINANCE_SPOT_WS, "/ws-api/v3", &k_wsapi_h, st);
  if (s == XC_OK) s = xc__sim_ws_route(st->sim, XC_SIM_EP_BINANCE_USDM_WS, "/ws-fapi/v1", &k_wsapi_h, st);
  return s;
}
