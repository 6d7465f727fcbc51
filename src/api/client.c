/* The client: options, endpoints, lifecycle on the engine thread, event delivery, error detail and
 * the rate-limited REST helper shared by market data and orders. See docs/internals/client.md. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/client_int.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/log.h"

/* ---- error detail (per calling thread) ------------------------------------------------------- */

static _Thread_local const xc_client *t_err_client;
static _Thread_local char t_err[512];

xc_status xc__client_fail(const xc_client *c, xc_status st, const char *fmt, ...) {
  t_err_client = c;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(t_err, sizeof t_err, fmt, ap);
  va_end(ap);
  return st;
}

const char *xc_client_errmsg(const xc_client *c) { return c && t_err_client == c ? t_err : ""; }

/* ---- options and endpoints -------------------------------------------------------------------- */

void xc_client_opts_default(xc_client_opts *o) {
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->request_timeout_ms = 10000;
  o->recv_window_ms = 5000;
  o->book_stale_ms = 30000;
  o->ws_idle_timeout_ms = 30000;
  o->reconnect_min_ms = 250;
  o->reconnect_max_ms = 30000;
  o->instruments_refresh_ms = 3600000;
  o->clock_refresh_ms = 30000;
}

static bool url_ok(const char *u) {
  return !strncmp(u, "http://", 7) || !strncmp(u, "https://", 8) || !strncmp(u, "ws://", 5) ||
         !strncmp(u, "wss://", 6);
}

static xc_status copy_url(char *dst, const char *src, size_t n) {
  if (n >= XC__URL_MAX) return XC_ERANGE;
  memcpy(dst, src, n);
  dst[n] = 0;
  while (n > 0 && dst[n - 1] == '/') dst[--n] = 0; /* paths are appended with their own '/' */
  return url_ok(dst) ? XC_OK : XC_EINVAL;
}

/* Reads the `xconn sim` endpoints object: {"binance":{"spot_rest":..,..},"bybit":{..},...}. */
static xc_status parse_endpoints(xc_client *c, const char *text) {
  xc_json j;
  xc_json_init(&j);
  xc_status st = xc_json_parse(&j, text, strlen(text));
  if (st || xc_json_type_of(&j, 0) != XC_JSON_OBJECT) {
    st = xc__client_fail(c, XC_EINVAL, "endpoints_json: %s", st ? xc_json_errmsg(&j) : "not an object");
    goto out;
  }
  for (int v = 1; v < XC__NVENUES; v++) {
    const xc__venue_desc *d = xc__venue_get((xc_venue)v);
    if (!d) continue;
    int vo = xc_json_get(&j, 0, d->ep_venue_key);
    if (vo < 0) continue;
    for (int m = 1; m < XC__NMARKETS; m++) {
      const char *keys[2] = {d->ep_rest_key[m], d->ep_ws_key[m]};
      char *dst[2] = {c->rest_url[v][m], c->ws_url[v][m]};
      for (int k = 0; k < 2; k++) {
        if (!keys[k] || xc_json_get(&j, vo, keys[k]) < 0) continue;
        const char *s;
        size_t n;
        if ((st = xc_json_get_text(&j, vo, keys[k], &s, &n)) || (st = copy_url(dst[k], s, n))) {
          st = xc__client_fail(c, XC_EINVAL, "endpoints_json: %s.%s: bad URL", d->ep_venue_key, keys[k]);
          goto out;
        }
      }
    }
  }
  st = XC_OK;
out:
  xc_json_free(&j);
  return st;
}

static void default_endpoints(xc_client *c, bool testnet) {
  for (int v = 1; v < XC__NVENUES; v++) {
    const xc__venue_desc *d = xc__venue_get((xc_venue)v);
    if (!d) continue;
    for (int m = 1; m < XC__NMARKETS; m++) {
      const char *r = testnet ? d->test_rest_url[m] : d->rest_url[m];
      const char *w = testnet ? d->test_ws_url[m] : d->ws_url[m];
      if (r) snprintf(c->rest_url[v][m], XC__URL_MAX, "%s", r);
      if (w) snprintf(c->ws_url[v][m], XC__URL_MAX, "%s", w);
    }
  }
}

/* ---- lifecycle -------------------------------------------------------------------------------- */

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static void wipe_str(const char *s) {
  if (!s) return;
  volatile char *p = (volatile char *)s;
  while (*p) *p++ = 0;
}

static void cred_free(xc_credentials *k) {
  wipe_str(k->api_key);
  wipe_str(k->api_secret);
  free((char *)k->api_key);
  free((char *)k->api_secret);
  memset(k, 0, sizeof *k);
}

static xc_status cred_copy(xc_credentials *dst, const xc_credentials *src) {
  if (!src) return XC_OK;
  if (!src->api_key || !src->api_secret) return XC_EINVAL;
  dst->key_type = src->key_type;
  dst->api_key = strdup(src->api_key);
  dst->api_secret = strdup(src->api_secret);
  return dst->api_key && dst->api_secret ? XC_OK : XC_ENOMEM;
}

static void free_memory(xc_client *c) {
  xc__md_free_all(c);
  xc__instr_free_all(c);
  for (int v = 0; v < XC__NVENUES; v++)
    for (int m = 0; m < XC__NMARKETS; m++) xc_rl_free(c->rl[v][m]);
  for (int v = 0; v < XC__NVENUES; v++) cred_free(&c->cred[v]);
  free(c->ca_file);
  free(c->ca_path);
  pthread_rwlock_destroy(&c->books_lock);
  pthread_cond_destroy(&c->cv);
  pthread_mutex_destroy(&c->mu);
  free(c);
}

static void on_shutdown(xc__engine *e, void *arg) {
  (void)e;
  xc_client *c = arg;
  atomic_store(&c->stopping, true);
  if (c->instr_timer) xc__timer_free(c->instr_timer);
  c->instr_timer = NULL;
  xc__md_shutdown(c);
  xc__client_cancel_delayed(c);
  pthread_mutex_lock(&c->mu);
  pthread_cond_broadcast(&c->cv); /* sync waiters see `stopping` */
  pthread_mutex_unlock(&c->mu);
}

static void on_shutdown_post(xc__engine *e, void *arg) {
  (void)e;
  xc_client *c = arg;
  if (c->free_deferred) free_memory(c);
}

static void instr_refresh_tick(xc__timer *t, void *arg) {
  (void)t;
  xc_client *c = arg;
  for (int v = 1; v < XC__NVENUES; v++)
    for (int m = 1; m < XC__NMARKETS; m++) {
      pthread_mutex_lock(&c->mu);
      bool used = c->instr[v][m].state != 0;
      pthread_mutex_unlock(&c->mu);
      if (used) xc__instr_load(c, (xc_venue)v, (xc_market)m);
    }
}

static void start_cmd(xc__engine *e, void *arg, bool cancelled) {
  xc_client *c = arg;
  if (cancelled) return;
  xc__engine_add_hook(e, on_shutdown, on_shutdown_post, c);
  if (c->opts.instruments_refresh_ms) {
    c->instr_timer = xc__timer_new(e, instr_refresh_tick, c);
    if (c->instr_timer)
      xc__timer_start(c->instr_timer, c->opts.instruments_refresh_ms, c->opts.instruments_refresh_ms);
  }
}

xc_status xc_client_new(const xc_client_opts *opts, xc_client **out) {
  if (!out) return XC_EINVAL;
  *out = NULL;
  xc_client_opts def;
  if (!opts) {
    xc_client_opts_default(&def);
    opts = &def;
  }
  xc_client *c = calloc(1, sizeof *c);
  if (!c) return XC_ENOMEM;
  c->opts = *opts;
  c->opts.endpoints_json = NULL;
  c->opts.binance = c->opts.bybit = NULL;
  c->ca_file = dup_or_null(opts->ca_file);
  c->ca_path = dup_or_null(opts->ca_path);
  c->opts.ca_file = c->ca_file;
  c->opts.ca_path = c->ca_path;
  if (!c->opts.request_timeout_ms) c->opts.request_timeout_ms = 10000;
  if (!c->opts.reconnect_min_ms) c->opts.reconnect_min_ms = 250;
  if (c->opts.reconnect_max_ms < c->opts.reconnect_min_ms) c->opts.reconnect_max_ms = c->opts.reconnect_min_ms;
  c->next_sub_id = 1;
  pthread_mutex_init(&c->mu, NULL);
  pthread_cond_init(&c->cv, NULL);
  pthread_rwlock_init(&c->books_lock, NULL);
  xc_status st = XC_OK;
  if (opts->endpoints_json) st = parse_endpoints(c, opts->endpoints_json);
  else default_endpoints(c, opts->testnet);
  if (!st) st = cred_copy(&c->cred[XC_VENUE_BINANCE], opts->binance);
  if (!st) st = cred_copy(&c->cred[XC_VENUE_BYBIT], opts->bybit);
  if (st) {
    if (st == XC_EINVAL && !xc_client_errmsg(c)[0]) xc__client_fail(c, st, "bad credentials");
    free_memory(c);
    return st;
  }
  for (int v = 1; v < XC__NVENUES && !st; v++) {
    const xc__venue_desc *d = xc__venue_get((xc_venue)v);
    for (int m = 1; d && m < XC__NMARKETS && !st; m++) {
      xc_rl_opts ro;
      xc_rl_opts_default(&ro);
      st = xc_rl_new(&ro, &c->rl[v][m]);
      if (!st) d->ops->rl_defaults((xc_market)m, c->rl[v][m]);
    }
  }
  xc__engine_opts eo;
  xc__engine_opts_default(&eo);
  eo.ca_file = c->ca_file;
  eo.ca_dir = c->ca_path;
  eo.name = "xc-client";
  if (!st) st = xc__engine_new(&eo, &c->eng);
  if (!st) st = xc__engine_post(c->eng, start_cmd, c);
  if (st) {
    if (c->eng) xc__engine_free(c->eng);
    free_memory(c);
    return st;
  }
  *out = c;
  return XC_OK;
}

void xc_client_free(xc_client *c) {
  if (!c) return;
  if (xc__engine_on_thread(c->eng)) {
    /* From a callback: the engine stops after the callback returns; the post-run hook frees. */
    c->free_deferred = true;
    xc__engine_free(c->eng);
    return;
  }
  xc__engine_free(c->eng);
  free_memory(c);
}

/* ---- events ----------------------------------------------------------------------------------- */

void xc__client_emit(xc_client *c, xc_event *ev) {
  if (!c->opts.on_event || c->free_deferred) return;
  if (!ev->symbol) ev->symbol = "";
  c->in_callback++;
  c->opts.on_event(c, ev, c->opts.user);
  c->in_callback--;
}

/* ---- rate-limited REST ------------------------------------------------------------------------ */

typedef struct rest_req {
  xc_client *c;
  xc_venue v;
  xc_market m;
  xc__rest_cb cb;
  void *user;
  int64_t sent_ms;
  xc__timer *timer;
  struct rest_req *next; /* delayed requests, for shutdown */
  char url[];
} rest_req;

static _Thread_local rest_req *t_delayed; /* engine thread only: one engine per thread */

static void unlink_delayed(rest_req *r) {
  for (rest_req **p = &t_delayed; *p; p = &(*p)->next)
    if (*p == r) {
      *p = r->next;
      return;
    }
}

static void http_done(xc_status st, const xc__http_resp *resp, void *user) {
  rest_req *r = user;
  xc_client *c = r->c;
  const xc__venue_desc *d = xc__venue_get(r->v);
  int64_t now = xc_wall_ms();
  char msg[256] = "";
  int hs = resp ? resp->status : 0;
  if (resp && c->rl[r->v][r->m]) {
    for (size_t i = 0; i < resp->nheaders; i++)
      d->ops->rl_header(c->rl[r->v][r->m], resp->headers[i].name, resp->headers[i].value, r->sent_ms, now);
    if (hs == 429 || hs == 418) {
      const char *ra = xc__http_header_get(resp, "Retry-After");
      d->ops->rl_http(c->rl[r->v][r->m], now, hs, ra ? strtoll(ra, NULL, 10) : -1);
    }
  }
  if (st == XC_OK && hs >= 400) {
    st = d->ops->rest_error(hs, resp->body, resp->body_len, msg, sizeof msg);
  } else if (st != XC_OK) {
    snprintf(msg, sizeof msg, "%s%s%s", xc_status_str(st), resp && resp->errmsg && resp->errmsg[0] ? ": " : "",
             resp && resp->errmsg ? resp->errmsg : "");
  }
  r->cb(c, st, hs, resp ? resp->body : NULL, resp ? resp->body_len : 0, msg, r->user);
  free(r);
}

static xc_status send_now(rest_req *r) {
  xc__http_req hr;
  xc__http_req_default(&hr);
  hr.url = r->url;
  hr.timeout_ms = r->c->opts.request_timeout_ms;
  r->sent_ms = xc_wall_ms();
  return xc__http_request(r->c->eng, &hr, http_done, r);
}

static void delayed_fire(xc__timer *t, void *arg) {
  rest_req *r = arg;
  xc__timer_free(t);
  r->timer = NULL;
  unlink_delayed(r);
  xc_status st = send_now(r);
  if (st) {
    r->cb(r->c, st, 0, NULL, 0, xc_status_str(st), r->user);
    free(r);
  }
}

void xc__client_cancel_delayed(xc_client *c) {
  rest_req **p = &t_delayed;
  while (*p) {
    rest_req *r = *p;
    if (r->c != c) {
      p = &r->next;
      continue;
    }
    *p = r->next;
    if (r->timer) xc__timer_free(r->timer);
    r->cb(c, XC_ECANCELED, 0, NULL, 0, "canceled", r->user);
    free(r);
  }
}

xc_status xc__client_rest_get(xc_client *c, xc_venue v, xc_market m, const char *path_query, uint32_t weight,
                              xc__rest_cb cb, void *user) {
  if (atomic_load(&c->stopping)) return XC_ECANCELED;
  if (v <= 0 || v >= XC__NVENUES || m <= 0 || m >= XC__NMARKETS || !c->rest_url[v][m][0]) return XC_ENOTSUP;
  size_t ul = strlen(c->rest_url[v][m]) + strlen(path_query) + 1;
  rest_req *r = calloc(1, sizeof *r + ul);
  if (!r) return XC_ENOMEM;
  snprintf(r->url, ul, "%s%s", c->rest_url[v][m], path_query);
  r->c = c;
  r->v = v;
  r->m = m;
  r->cb = cb;
  r->user = user;
  int64_t wait = 0;
  xc_status st = c->rl[v][m] ? xc_rl_acquire(c->rl[v][m], xc_wall_ms(), weight, 0,
                                             c->opts.rate_limit_fail_fast ? XC_RL_FAIL : XC_RL_WAIT, &wait)
                             : XC_OK;
  if (st) {
    free(r);
    c->rest_refused_wait_ms = st == XC_EINVAL ? 0 : wait;
    if (st == XC_EINVAL)
      return xc__client_fail(c, st, "%s: request weight %u exceeds the venue's request-weight limit: it can never be sent",
                             path_query, weight);
    if (st == XC_EBANNED || st == XC_ERATELIMIT)
      return xc__client_fail(c, st, "%s: %s, %lld ms left", path_query,
                             st == XC_EBANNED ? "the venue banned this IP (418)" : "backing off after a 429",
                             (long long)wait);
    return xc__client_fail(c, st, "%s: request weight %u does not fit the local rate-limit budget now (fits in %lld ms)",
                           path_query, weight, (long long)wait);
  }
  if (wait > 0) {
    r->timer = xc__timer_new(c->eng, delayed_fire, r);
    if (!r->timer) {
      free(r);
      return XC_ENOMEM;
    }
    r->next = t_delayed;
    t_delayed = r;
    xc__timer_start(r->timer, (uint64_t)wait, 0);
    return XC_OK;
  }
  st = send_now(r);
  if (st) free(r);
  return st;
}
