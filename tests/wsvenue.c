/* Toy venue for WebSocket tests (see wsvenue.h). */
#include "wsvenue.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;

/* ---- client side ---------------------------------------------------------------------------- */

static xc_status tv_build_sub(void *vctx, bool sub, const char *const *topics, size_t n, uint64_t id,
                              xc_buf *out) {
  (void)vctx;
  xc_buf_printf(out, "{\"op\":\"%s\",\"id\":%llu,\"args\":[", sub ? "subscribe" : "unsubscribe",
                (unsigned long long)id);
  for (size_t i = 0; i < n; i++) xc_buf_printf(out, "%s\"%s\"", i ? "," : "", topics[i]);
  return xc_buf_puts(out, "]}");
}

static xc_status tv_build_auth(void *vctx, uint64_t id, xc_buf *out) {
  (void)vctx;
  return xc_buf_printf(out, "{\"op\":\"auth\",\"id\":%llu}", (unsigned long long)id);
}

static int tv_classify(void *vctx, const char *msg, size_t len, uint64_t *id, bool *ok) {
  (void)vctx;
  (void)len;
  if (strncmp(msg, "{\"id\":", 6) == 0) {
    *id = strtoull(msg + 6, NULL, 10);
    *ok = strstr(msg, "\"ok\":true") != NULL;
    return 1;
  }
  if (strcmp(msg, "{\"op\":\"pong\"}") == 0) return 2;
  return 0;
}

const xc__ws_venue xc_tv_venue = {7, 0, 0, 2000, tv_build_sub, NULL, tv_classify, NULL};
const xc__ws_venue xc_tv_venue_auth = {7, 0, 0, 2000, tv_build_sub, tv_build_auth, tv_classify, NULL};

/* ---- server side ---------------------------------------------------------------------------- */

static void on_open(xc_tsrv_conn *c, void *user) {
  xc_tv_server *v = user;
  xc_tv_conn *r = calloc(1, sizeof *r);
  r->id = xc_tsrv_conn_id(c);
  pthread_mutex_lock(&g_mu);
  if (v->conns < XC_TV_MAX_CONNS) v->c[v->conns++] = r;
  pthread_mutex_unlock(&g_mu);
  xc_tsrv_conn_set_udata(c, r);
}

static void on_close(xc_tsrv_conn *c, void *user) {
  (void)user;
  xc_tv_conn *r = xc_tsrv_conn_udata(c);
  pthread_mutex_lock(&g_mu);
  if (r) r->closed_at_ns = xc_mono_ns();
  pthread_mutex_unlock(&g_mu);
}

static int find_topic(xc_tv_conn *r, const char *t) {
  for (int i = 0; i < r->ntopics; i++)
    if (strcmp(r->topics[i], t) == 0) return i;
  return -1;
}

static void on_msg(xc_tsrv_conn *c, const char *msg, size_t len, void *user) {
  (void)len;
  xc_tv_server *v = user;
  xc_tv_conn *r = xc_tsrv_conn_udata(c);
  char reply[128];
  const char *idp = strstr(msg, "\"id\":");
  unsigned long long id = idp ? strtoull(idp + 5, NULL, 10) : 0;
  if (strcmp(msg, "{\"op\":\"ping\"}") == 0) {
    pthread_mutex_lock(&g_mu);
    r->app_pings++;
    pthread_mutex_unlock(&g_mu);
    xc_tsrv_send_text(c, "{\"op\":\"pong\"}", 13);
    return;
  }
  if (strncmp(msg, "{\"op\":\"auth\"", 12) == 0) {
    pthread_mutex_lock(&g_mu);
    bool ok = v->refuse_auth <= 0;
    if (!ok) v->refuse_auth--;
    r->authed = ok;
    pthread_mutex_unlock(&g_mu);
    snprintf(reply, sizeof reply, "{\"id\":%llu,\"ok\":%s}", id, ok ? "true" : "false");
    xc_tsrv_send_text(c, reply, strlen(reply));
    return;
  }
  bool sub = strncmp(msg, "{\"op\":\"subscribe\"", 17) == 0;
  bool unsub = strncmp(msg, "{\"op\":\"unsubscribe\"", 19) == 0;
  if (!sub && !unsub) {
    if (strncmp(msg, "echo:", 5) == 0) xc_tsrv_send_text(c, msg, len);
    return;
  }
  const char *a = strstr(msg, "\"args\":[");
  bool ok = true;
  pthread_mutex_lock(&g_mu);
  if (v->require_auth && !r->authed) v->unauth_subs++;
  if (sub) r->sub_msgs++;
  else r->unsub_msgs++;
  int nargs = 0;
  for (const char *p = a ? a + 8 : NULL; p && *p == '"';) {
    const char *e = strchr(p + 1, '"');
    if (!e) break;
    char t[48];
    snprintf(t, sizeof t, "%.*s", (int)(e - p - 1), p + 1);
    nargs++;
    int at = find_topic(r, t);
    if (sub) {
      if (strncmp(t, "bad", 3) == 0) ok = false;
      else if (at >= 0) v->duplicates++;
      else if (r->ntopics < XC_TV_MAX_TOPICS) strcpy(r->topics[r->ntopics++], t);
    } else if (at >= 0) {
      memmove(r->topics[at], r->topics[at + 1], (size_t)(r->ntopics - at - 1) * sizeof r->topics[0]);
      r->ntopics--;
    } else {
      v->violations++; /* unsubscribing something not subscribed */
    }
    p = e + 1;
    if (*p == ',') p++;
  }
  if (v->max_args && nargs > v->max_args) v->violations++;
  if (v->expect && r->ntopics >= v->expect && !r->full_at_ns) r->full_at_ns = xc_mono_ns();
  pthread_mutex_unlock(&g_mu);
  snprintf(reply, sizeof reply, "{\"id\":%llu,\"ok\":%s}", id, ok ? "true" : "false");
  xc_tsrv_send_text(c, reply, strlen(reply));
}

xc_tv_server *xc_tv_start(bool tls, const xc_tsrv_opts *extra) {
  xc_tv_server *v = calloc(1, sizeof *v);
  xc_tsrv_opts o = {0};
  if (extra) o = *extra;
  o.on_ws_open = on_open;
  o.on_ws_msg = on_msg;
  o.on_ws_close = on_close;
  o.user = v;
  if (tls) {
    const char *ca, *cert, *key;
    if (xc_tsrv_make_certs(&ca, &cert, &key) != 0) {
      free(v);
      return NULL;
    }
    o.tls = true;
    o.cert_file = cert;
    o.key_file = key;
  }
  v->srv = xc_tsrv_start(&o);
  if (!v->srv) {
    free(v);
    return NULL;
  }
  return v;
}

void xc_tv_stop(xc_tv_server *v) {
  xc_tsrv_stop(v->srv);
  for (int i = 0; i < v->conns; i++) free(v->c[i]);
  free(v);
}

bool xc_tv_conn_get(xc_tv_server *v, int n, xc_tv_conn *out) {
  pthread_mutex_lock(&g_mu);
  bool ok = n >= 0 && n < v->conns;
  if (ok) *out = *v->c[n];
  pthread_mutex_unlock(&g_mu);
  return ok;
}

int xc_tv_conn_count(xc_tv_server *v) {
  pthread_mutex_lock(&g_mu);
  int n = v->conns;
  pthread_mutex_unlock(&g_mu);
  return n;
}

void xc_tv_totals(xc_tv_server *v, int *dups, int *violations, int *unauth) {
  pthread_mutex_lock(&g_mu);
  if (dups) *dups = v->duplicates;
  if (violations) *violations = v->violations;
  if (unauth) *unauth = v->unauth_subs;
  pthread_mutex_unlock(&g_mu);
}

int xc_tv_push(xc_tv_server *v, const char *topic, int seq) {
  xc_tsrv_conn *c = xc_tsrv_last_ws(v->srv);
  if (!c) return -1;
  char m[128];
  int n = snprintf(m, sizeof m, "{\"topic\":\"%s\",\"seq\":%d}", topic, seq);
  return xc_tsrv_send_text(c, m, (size_t)n);
}
