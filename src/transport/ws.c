/* Supervised WebSocket client: libwebsockets on the engine's libuv loop. See ws.h and
 * docs/internals/engine.md. Only this file touches lws. */
#include "transport/ws.h"

#include <errno.h>
#include <fcntl.h>
#include <libwebsockets.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "core/clock.h"
#include "core/log.h"
#include "transport/breaker_group.h"
#include "transport/subs.h"

typedef struct wsstate wsstate;

typedef struct outmsg {
  struct outmsg *next;
  size_t len;
  unsigned char data[]; /* LWS_PRE headroom + payload */
} outmsg;

typedef struct wlink {
  struct xc__ws *ws; /* NULL once detached */
  wsstate *st;
  struct lws *wsi;
  uv_getaddrinfo_t gai;
  bool resolving, established, ready, down, wsi_gone;
  bool busy; /* inside lws_client_connect_via_info: callbacks must not free the link */
  bool rotating;
  xc__subs *subs; /* active: ws->subs; rotating: its own */
  xc_buf rx;
  bool rx_binary, rx_overflow;
  outmsg *qh, *qt;
  size_t qn;
  bool ping_due;
  uint64_t last_rx, last_ping, last_app_ping, opened_at;
  uint64_t auth_id;
  int close_code;
  struct wlink *all_prev, *all_next;
} wlink;

struct xc__ws {
  xc__engine *e;
  wsstate *st;
  xc__ws_opts o;
  char *url, *host, *path, *app_ping;
  char logname[96]; /* scheme://host:port, no path (listen keys live in paths) */
  int port;
  bool tls;
  xc__ws_venue venue;
  bool has_venue;
  xc__subs *subs;
  wlink *active, *rot;
  xc__ws_state state;
  xc_backoff bo;
  xc__timer *retry_t, *tick_t, *subs_t;
  bool finalizing;
  uint64_t auth_seq;
  uint64_t rot_retry_at;
  bool rot_requested;
  struct xc__ws *prev, *next;
  _Atomic uint64_t n_connects, n_fails, n_disc, n_msgs, n_bytes, n_pings, n_pongs, n_submsgs,
      n_dropped, n_rot;
  _Atomic uint32_t n_topics, n_confirmed;
  _Atomic int a_state;
};

struct wsstate {
  xc__engine *e;
  struct lws_context *ctx;
  SSL_CTX *ssl_ctx; /* the client TLS context, ours (see client_ssl_ctx_new) */
  xc__ws *list;
  wlink *links;
  uv_timer_t destroy_t;
  bool shut;
  bool broken; /* the context exists (and is torn down at shutdown) but has no vhost */
  int hold_fd;  /* >= 0: the number of lws's event fd, held by our pipe (see hold_event_fd) */
  dev_t hold_dev;
  ino_t hold_ino;
};

static const char *const k_state_names[] = {"connecting", "open", "reconnecting", "closed"};
static const char *const k_reason_names[] = {"none",     "connect_failed", "peer_closed", "idle",
                                             "too_big",  "auth_failed",    "kicked",      "rotated",
                                             "breaker",  "user",           "shutdown"};

const char *xc__ws_state_name(xc__ws_state s) {
  return (unsigned)s < sizeof k_state_names / sizeof *k_state_names ? k_state_names[s] : "?";
}
const char *xc__ws_reason_name(xc__ws_reason r) {
  return (unsigned)r < sizeof k_reason_names / sizeof *k_reason_names ? k_reason_names[r] : "?";
}

void xc__ws_opts_default(xc__ws_opts *o) {
  memset(o, 0, sizeof *o);
  o->ping_interval_ms = 20000;
  o->idle_timeout_ms = 60000;
  o->app_ping_interval_ms = 20000;
  o->max_message = (size_t)8 << 20;
  o->max_outq = 4096;
}

static uint64_t now_ms(const xc__ws *ws) { return xc__engine_now_ms(ws->e); }

/* ---- events ----------------------------------------------------------------------------------- */

static void emit(xc__ws *ws, xc__ws_state s, xc__ws_reason r, int code, const char *detail,
                 uint64_t retry_in, bool final) {
  ws->state = s;
  atomic_store(&ws->a_state, (int)s);
  xc__ws_event ev = {s, r, code, detail ? detail : "", xc_backoff_attempt(&ws->bo), retry_in, final};
  XC_DEBUG("ws", "%s: %s (%s%s%s)", ws->logname, xc__ws_state_name(s), xc__ws_reason_name(r),
           detail && *detail ? ": " : "", detail ? detail : "");
  if (ws->o.on_state) ws->o.on_state(ws, &ev, ws->o.user);
}

static void update_sub_stats(xc__ws *ws) {
  atomic_store(&ws->n_topics, (uint32_t)xc__subs_count(ws->subs));
  atomic_store(&ws->n_confirmed, (uint32_t)xc__subs_confirmed(ws->subs));
}

/* ---- links ------------------------------------------------------------------------------------ */

static void link_free(wlink *l) {
  if (l->all_prev) l->all_prev->all_next = l->all_next;
  else if (l->st->links == l) l->st->links = l->all_next;
  if (l->all_next) l->all_next->all_prev = l->all_prev;
  while (l->qh) {
    outmsg *m = l->qh;
    l->qh = m->next;
    free(m);
  }
  if (l->rotating) xc__subs_free(l->subs);
  xc_buf_free(&l->rx);
  free(l);
}

/* Frees the link if nothing refers to it any more (detached, no wsi, no DNS request). */
static void link_maybe_free(wlink *l) {
  if (!l->ws && !l->resolving && !l->busy && (!l->wsi || l->wsi_gone)) link_free(l);
}

static void ws_link_down(xc__ws *ws, wlink *l, xc__ws_reason r, const char *detail);

/* Marks a link dead (once). kill: also close its socket asynchronously. */
static void link_down(wlink *l, bool kill, xc__ws_reason r, const char *detail) {
  if (l->down) return;
  l->down = true;
  if (kill && l->wsi && !l->wsi_gone) lws_set_timeout(l->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
  xc__ws *ws = l->ws;
  l->ws = NULL;
  if (ws) ws_link_down(ws, l, r, detail);
}

static xc_status link_queue(wlink *l, const char *data, size_t len) {
  xc__ws *ws = l->ws;
  if (!ws || l->down || l->qn >= ws->o.max_outq) {
    if (ws) atomic_fetch_add(&ws->n_dropped, 1);
    return XC_EFULL;
  }
  outmsg *m = malloc(sizeof *m + LWS_PRE + len);
  if (!m) return XC_ENOMEM;
  m->next = NULL;
  m->len = len;
  memcpy(m->data + LWS_PRE, data, len);
  if (l->qt) l->qt->next = m;
  else l->qh = m;
  l->qt = m;
  l->qn++;
  if (l->wsi && l->established) lws_callback_on_writable(l->wsi);
  return XC_OK;
}

static void sub_result(const char *topic, bool ok, void *user) {
  wlink *l = user;
  xc__ws *ws = l->ws;
  if (!ok) XC_WARN("ws", "%s: subscription to %s refused", ws ? ws->logname : "?", topic);
  if (ws && l == ws->active && ws->o.on_sub) ws->o.on_sub(ws, topic, ok, ws->o.user);
}

static void flush_subs(wlink *l);

static void subs_timer_cb(xc__timer *t, void *arg) {
  (void)t;
  xc__ws *ws = arg;
  if (ws->active) flush_subs(ws->active);
  if (ws->rot) flush_subs(ws->rot);
}

static void complete_rotation(xc__ws *ws);

static void flush_subs(wlink *l) {
  xc__ws *ws = l->ws;
  if (!ws || !ws->has_venue || !l->ready || l->down) return;
  const char *topics[256];
  xc_buf b;
  xc_buf_init(&b);
  for (;;) {
    bool sub;
    uint64_t id, wait;
    size_t n = xc__subs_next(l->subs, now_ms(ws), &sub, topics, 256, &id, &wait);
    if (n == 0) {
      if (wait) xc__timer_start(ws->subs_t, wait, 0);
      break;
    }
    xc_buf_reset(&b);
    if (ws->venue.build_sub(ws->venue.vctx, sub, topics, n, id, &b) != XC_OK) {
      XC_ERROR("ws", "%s: cannot build a subscription message", ws->logname);
      break;
    }
    if (link_queue(l, b.data, b.len) == XC_OK) atomic_fetch_add(&ws->n_submsgs, 1);
  }
  xc_buf_free(&b);
  if (l == ws->active) update_sub_stats(ws);
  if (l == ws->rot && xc__subs_settled(l->subs)) complete_rotation(ws);
}

/* The link is usable (handshake done, login accepted if any). */
static void link_ready(wlink *l) {
  xc__ws *ws = l->ws;
  l->ready = true;
  if (l == ws->active) {
    xc_backoff_reset(&ws->bo);
    emit(ws, XC__WS_OPEN, XC__WSR_NONE, 0, "", 0, false);
    if (l->ws != ws || l != ws->active) return; /* closed from the callback */
  }
  flush_subs(l);
}

static void complete_rotation(xc__ws *ws) {
  wlink *old = ws->active, *nl = ws->rot;
  ws->rot = NULL;
  ws->active = nl;
  nl->rotating = false;
  xc__subs_free(ws->subs);
  ws->subs = nl->subs;
  if (old) {
    old->subs = NULL;
    old->ws = NULL; /* detach first: its death is expected */
    link_down(old, true, XC__WSR_ROTATED, "");
    link_maybe_free(old);
  }
  atomic_fetch_add(&ws->n_rot, 1);
  update_sub_stats(ws);
  emit(ws, XC__WS_OPEN, XC__WSR_ROTATED, 0, "planned rotation", 0, false);
}

/* ---- connecting ------------------------------------------------------------------------------- */

static const lws_retry_bo_t k_no_idle_policy = {
    .secs_since_valid_ping = 65535, .secs_since_valid_hangup = 65535}; /* we run our own watchdog */

static wsstate *get_state(xc__engine *e);
static void gai_cb(uv_getaddrinfo_t *req, int status, struct addrinfo *res);

static wlink *link_start(xc__ws *ws, bool rotating) {
  wlink *l = calloc(1, sizeof *l);
  if (!l) return NULL;
  l->ws = ws;
  l->st = ws->st;
  l->rotating = rotating;
  xc_buf_init(&l->rx);
  l->rx.max = ws->o.max_message + 1;
  l->subs = ws->subs;
  if (rotating && xc__subs_clone(ws->subs, &l->subs) != XC_OK) {
    xc_buf_free(&l->rx);
    free(l);
    return NULL;
  }
  l->all_next = ws->st->links;
  if (ws->st->links) ws->st->links->all_prev = l;
  ws->st->links = l;
  l->gai.data = l;
  char port[16];
  snprintf(port, sizeof port, "%d", ws->port);
  struct addrinfo hints = {0};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int rc = uv_getaddrinfo(xc__engine_uv_loop(ws->e), &l->gai, gai_cb, ws->host, port, &hints);
  if (rc != 0) {
    XC_WARN("ws", "%s: cannot resolve: %s", ws->logname, uv_strerror(rc));
    l->ws = NULL;
    if (!rotating) l->subs = NULL;
    link_free(l);
    return NULL;
  }
  l->resolving = true;
  return l;
}

static void gai_cb(uv_getaddrinfo_t *req, int status, struct addrinfo *res) {
  wlink *l = req->data;
  l->resolving = false;
  xc__ws *ws = l->ws;
  if (!ws || l->down) {
    if (res) uv_freeaddrinfo(res);
    link_maybe_free(l);
    return;
  }
  if (status < 0 || !res) {
    if (res) uv_freeaddrinfo(res);
    char d[128];
    snprintf(d, sizeof d, "dns: %s", uv_strerror(status));
    link_down(l, false, XC__WSR_CONNECT_FAILED, d);
    link_maybe_free(l);
    return;
  }
  struct addrinfo *pick = res;
  for (struct addrinfo *a = res; a; a = a->ai_next)
    if (a->ai_family == AF_INET) {
      pick = a;
      break;
    }
  char addr[64] = "";
  if (pick->ai_family == AF_INET6) uv_ip6_name((struct sockaddr_in6 *)pick->ai_addr, addr, sizeof addr);
  else uv_ip4_name((struct sockaddr_in *)pick->ai_addr, addr, sizeof addr);
  uv_freeaddrinfo(res);

  const xc__engine_opts *eo = xc__engine_opts_get(ws->e);
  struct lws_client_connect_info ci;
  memset(&ci, 0, sizeof ci);
  ci.context = ws->st->ctx;
  ci.address = addr;          /* numeric: lws does no DNS of its own */
  ci.port = ws->port;
  ci.host = ws->host;         /* Host header, SNI and certificate name */
  ci.origin = ws->host;
  ci.path = ws->path;
  ci.local_protocol_name = "xc-ws";
  ci.ietf_version_or_minus_one = -1;
  ci.opaque_user_data = l;
  ci.retry_and_idle_policy = &k_no_idle_policy;
  if (ws->tls) {
    ci.ssl_connection = LCCSCF_USE_SSL;
    if (eo->tls_insecure)
      ci.ssl_connection |= LCCSCF_ALLOW_SELFSIGNED | LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK |
                           LCCSCF_ALLOW_EXPIRED | LCCSCF_ALLOW_INSECURE;
  }
  l->busy = true;
  struct lws *w = lws_client_connect_via_info(&ci);
  l->busy = false;
  if (!w) {
    l->wsi = NULL;
    l->wsi_gone = true;
    link_down(l, false, XC__WSR_CONNECT_FAILED, "connect failed");
  } else if (!l->wsi_gone) {
    l->wsi = w;
  }
  link_maybe_free(l);
}

static void connect_active(xc__ws *ws);

static void retry_cb(xc__timer *t, void *arg) {
  (void)t;
  connect_active((xc__ws *)arg);
}

static void schedule_retry(xc__ws *ws, xc__ws_reason r, int code, const char *detail) {
  if (ws->o.no_reconnect) {
    emit(ws, XC__WS_CLOSED, r, code, detail, 0, false);
    return;
  }
  uint64_t d = xc_backoff_next(&ws->bo);
  xc__timer_start(ws->retry_t, d, 0);
  emit(ws, XC__WS_RECONNECTING, r, code, detail, d, false);
}

static void connect_active(xc__ws *ws) {
  if (ws->finalizing || ws->active) return;
  if (ws->o.breaker && !xc__breaker_group_allow(ws->o.breaker, xc_mono_ns() / 1000000)) {
    schedule_retry(ws, XC__WSR_BREAKER, 0, "circuit breaker open");
    return;
  }
  ws->active = link_start(ws, false);
  if (!ws->active) {
    atomic_fetch_add(&ws->n_fails, 1);
    if (ws->o.breaker) xc__breaker_group_record(ws->o.breaker, XC_EDNS, xc_mono_ns() / 1000000);
    schedule_retry(ws, XC__WSR_CONNECT_FAILED, 0, "cannot start resolving the host");
  }
}

static void finalize(xc__ws *ws, xc__ws_reason r, const char *detail);

/* A link of ws died (called once per link). */
static void ws_link_down(xc__ws *ws, wlink *l, xc__ws_reason r, const char *detail) {
  if (ws->finalizing) return;
  if (l == ws->rot) {
    ws->rot = NULL;
    ws->rot_retry_at = now_ms(ws) + 1000;
    XC_INFO("ws", "%s: rotation connection failed (%s); the current one stays", ws->logname, xc__ws_reason_name(r));
    return;
  }
  if (l != ws->active) return;
  ws->active = NULL;
  int code = l->close_code;
  if (!l->established && r == XC__WSR_PEER_CLOSED) {
    r = XC__WSR_CONNECT_FAILED;
    detail = "closed during the handshake";
  }
  if (l->established) atomic_fetch_add(&ws->n_disc, 1);
  else {
    atomic_fetch_add(&ws->n_fails, 1);
    if (ws->o.breaker) xc__breaker_group_record(ws->o.breaker, XC_ECONN, xc_mono_ns() / 1000000);
  }
  xc__subs_reset(ws->subs);
  update_sub_stats(ws);
  if (ws->rot && ws->rot->ready) { /* fail over to the rotation connection at once */
    ws->active = ws->rot;
    ws->rot = NULL;
    ws->active->rotating = false;
    xc__subs_free(ws->subs);
    ws->subs = ws->active->subs;
    update_sub_stats(ws);
    emit(ws, XC__WS_OPEN, XC__WSR_ROTATED, 0, "failed over to the rotation connection", 0, false);
    return;
  }
  schedule_retry(ws, r, code, detail);
}

/* ---- lws callback ----------------------------------------------------------------------------- */

static void deliver(wlink *l, const char *msg, size_t len, bool binary) {
  xc__ws *ws = l->ws;
  if (ws->has_venue && ws->venue.classify) {
    uint64_t id = 0;
    bool ok = false;
    int k = ws->venue.classify(ws->venue.vctx, msg, len, &id, &ok);
    if (k == 2) return;
    if (k == 1) {
      if (l->auth_id && id == l->auth_id) {
        l->auth_id = 0;
        if (ok) link_ready(l);
        else link_down(l, true, XC__WSR_AUTH_FAILED, "login refused");
        return;
      }
      if (xc__subs_on_reply(l->subs, id, ok, sub_result, l)) {
        if (l->ws) flush_subs(l);
        return;
      }
      /* not one of our requests (e.g. a WS-API response): it is data */
    }
  }
  if (l != ws->active) return; /* rotation connection: data flows from the old one until the switch */
  atomic_fetch_add(&ws->n_msgs, 1);
  atomic_fetch_add(&ws->n_bytes, len);
  if (ws->o.on_message) ws->o.on_message(ws, msg, len, binary, ws->o.user);
}

static void on_established(wlink *l) {
  xc__ws *ws = l->ws;
  l->established = true;
  l->opened_at = l->last_rx = l->last_ping = l->last_app_ping = now_ms(ws);
  atomic_fetch_add(&ws->n_connects, 1);
  if (ws->o.breaker && !l->rotating) xc__breaker_group_record(ws->o.breaker, XC_OK, xc_mono_ns() / 1000000);
  if (ws->has_venue && ws->venue.build_auth) {
    xc_buf b;
    xc_buf_init(&b);
    l->auth_id = (1ull << 62) + ++ws->auth_seq;
    if (ws->venue.build_auth(ws->venue.vctx, l->auth_id, &b) != XC_OK) {
      xc_buf_free(&b);
      link_down(l, true, XC__WSR_AUTH_FAILED, "cannot build the login message");
      return;
    }
    link_queue(l, b.data, b.len);
    xc_buf_free(&b);
    return;
  }
  link_ready(l);
}

static int on_writeable(wlink *l, struct lws *wsi) {
  if (l->ping_due) {
    unsigned char buf[LWS_PRE + 4];
    l->ping_due = false;
    if (lws_write(wsi, buf + LWS_PRE, 0, LWS_WRITE_PING) < 0) return -1;
    if (l->qh) lws_callback_on_writable(wsi);
    return 0;
  }
  outmsg *m = l->qh;
  if (!m) return 0; /* spurious WRITEABLE */
  l->qh = m->next;
  if (!l->qh) l->qt = NULL;
  l->qn--;
  int n = lws_write(wsi, m->data + LWS_PRE, m->len, LWS_WRITE_TEXT);
  bool bad = n < (int)m->len;
  free(m);
  if (bad) return -1;
  if (l->qh) lws_callback_on_writable(wsi);
  return 0;
}

static int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
  wlink *l = wsi ? lws_get_opaque_user_data(wsi) : NULL;
  if (!l) return lws_callback_http_dummy(wsi, reason, user, in, len);
  if (!l->wsi && !l->wsi_gone) l->wsi = wsi;
  switch (reason) {
  case LWS_CALLBACK_CLIENT_ESTABLISHED:
    if (!l->ws || l->down) return -1;
    on_established(l);
    break;
  case LWS_CALLBACK_CLIENT_RECEIVE: {
    if (!l->ws || l->down) return -1;
    l->last_rx = now_ms(l->ws);
    if (l->rx.len == 0) l->rx_binary = lws_frame_is_binary(wsi);
    if (xc_buf_append(&l->rx, in, len) != XC_OK || l->rx.len > l->ws->o.max_message) {
      char d[96];
      snprintf(d, sizeof d, "message larger than %zu bytes", l->ws->o.max_message);
      xc_buf_reset(&l->rx);
      link_down(l, false, XC__WSR_TOO_BIG, d);
      return -1;
    }
    if (!lws_is_final_fragment(wsi)) break;
    deliver(l, l->rx.data, l->rx.len, l->rx_binary);
    xc_buf_reset(&l->rx);
    if (!l->ws || l->down) return -1;
    break;
  }
  case LWS_CALLBACK_CLIENT_RECEIVE_PONG:
    if (l->ws) {
      l->last_rx = now_ms(l->ws);
      atomic_fetch_add(&l->ws->n_pongs, 1);
    }
    break;
  case LWS_CALLBACK_CLIENT_WRITEABLE:
    if (!l->ws || l->down) return -1;
    return on_writeable(l, wsi);
  case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
    if (len >= 2) l->close_code = (((const unsigned char *)in)[0] << 8) | ((const unsigned char *)in)[1];
    break;
  case LWS_CALLBACK_CLIENT_CONNECTION_ERROR: {
    char d[160];
    snprintf(d, sizeof d, "%.150s", in ? (const char *)in : "connection error");
    link_down(l, false, XC__WSR_CONNECT_FAILED, d);
    break;
  }
  case LWS_CALLBACK_CLIENT_CLOSED: {
    char d[64] = "connection closed";
    if (l->close_code) snprintf(d, sizeof d, "closed by peer with code %d", l->close_code);
    link_down(l, false, XC__WSR_PEER_CLOSED, d);
    break;
  }
  case LWS_CALLBACK_WSI_DESTROY:
    l->wsi_gone = true;
    link_down(l, false, XC__WSR_PEER_CLOSED, "connection destroyed");
    lws_set_opaque_user_data(wsi, NULL);
    l->wsi = NULL;
    link_maybe_free(l);
    break;
  default:
    break;
  }
  return 0;
}

static const struct lws_protocols k_protocols[] = {
    {"xc-ws", ws_callback, 0, 65536, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0}};

/* ---- per-engine state ------------------------------------------------------------------------- */

/* lws keeps process-wide state (log hook, OpenSSL init): contexts of different engines are
 * created and destroyed one at a time. */
static pthread_mutex_t g_lws_mu = PTHREAD_MUTEX_INITIALIZER;
/* Guarded by g_lws_mu: one of our contexts did lws's OpenSSL global init (see get_state). */
static bool g_lws_ssl_init_done;

static void ctx_destroy(struct lws_context *ctx) {
  pthread_mutex_lock(&g_lws_mu);
  lws_context_destroy(ctx);
  pthread_mutex_unlock(&g_lws_mu);
}

static void lws_log(int level, const char *line) {
  XC_DEBUG("lws", "%d %.*s", level, (int)strcspn(line, "\n"), line);
}

/* lws 4.1 (libuv) closes its event fd (the eventfd behind lws_cancel_service) twice: in the first
 * lws_context_destroy() (lws_plat_pipe_close) and again when the close callback of its uv_poll
 * handle frees the pipe wsi, at the end of the same loop iteration. In between the number is
 * free: a socket or file another thread opens there (another engine's connection, its epoll
 * fd, a server socket...) is closed by the second close. Seen as "connect SYSCALL 9" (EBADF) on
 * a TLS connect of another engine, ~1 per 1300 reconnects while engines were being freed.
 * Mitigation: find that fd before the destroy (the one UV_POLL handle on our loop whose fd is an
 * eventfd: curl's and lws's connections are sockets), and right after the first destroy occupy
 * its number with a pipe of ours if it is free (F_DUPFD never takes a number someone holds), so
 * that the second close hits our pipe. What remains is the window inside lws_context_destroy()
 * between its close and its return. */
static void find_event_fd(uv_handle_t *h, void *arg) {
  uv_os_fd_t fd;
  if (h->type != UV_POLL || uv_is_closing(h) || uv_fileno(h, &fd) != 0) return;
  char path[48], target[48];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(path, target, sizeof target - 1);
  if (n <= 0) return;
  target[n] = 0;
  if (strcmp(target, "anon_inode:[eventfd]") == 0) *(int *)arg = fd;
}

static void hold_event_fd(wsstate *st, int fd) {
  if (fd < 0 || fcntl(fd, F_GETFD) != -1 || errno != EBADF) return; /* not closed, or reused */
  int p[2];
  struct stat sb;
  if (pipe2(p, O_CLOEXEC) != 0) return;
  if (fstat(p[0], &sb) != 0) {
    close(p[0]);
    close(p[1]);
    return;
  }
  int h = -1;
  for (int i = 0; i < 2; i++) /* the lowest free numbers: usually the pipe got it already */
    if (p[i] == fd) {
      h = fd;
      p[i] = -1;
    }
  if (h < 0) {
    int d = fcntl(p[0], F_DUPFD_CLOEXEC, fd);
    if (d == fd) h = fd;
    else if (d >= 0) close(d); /* another thread took the number first */
  }
  for (int i = 0; i < 2; i++)
    if (p[i] >= 0) close(p[i]);
  if (h >= 0) {
    st->hold_fd = h;
    st->hold_dev = sb.st_dev;
    st->hold_ino = sb.st_ino;
  }
}

/* After the loop drained: lws's second close normally closed our pipe already. */
static void release_event_fd(wsstate *st) {
  struct stat sb;
  if (st->hold_fd >= 0 && fstat(st->hold_fd, &sb) == 0 && S_ISFIFO(sb.st_mode) &&
      sb.st_dev == st->hold_dev && sb.st_ino == st->hold_ino)
    close(st->hold_fd);
  st->hold_fd = -1;
}

static void destroy_timer_cb(uv_timer_t *t) {
  wsstate *st = t->data;
  if (st->ctx) {
    int evfd = -1;
    uv_walk(t->loop, find_event_fd, &evfd);
    ctx_destroy(st->ctx);
    hold_event_fd(st, evfd);
  }
  uv_close((uv_handle_t *)t, NULL);
}

static void ws_shutdown(xc__engine *e, void *arg) {
  (void)e;
  wsstate *st = arg;
  st->shut = true;
  while (st->list) finalize(st->list, XC__WSR_SHUTDOWN, "engine shutting down");
  for (wlink *l = st->links; l; l = l->all_next)
    if (l->resolving) uv_cancel((uv_req_t *)&l->gai);
  /* lws on a foreign loop: first destroy from a uv timer, the second after uv_run returns. */
  uv_timer_start(&st->destroy_t, destroy_timer_cb, 0, 0);
}

static void ws_post_shutdown(xc__engine *e, void *arg) {
  wsstate *st = arg;
  if (st->ctx) ctx_destroy(st->ctx);
  st->ctx = NULL;
  /* After the context: lws never frees a provided SSL_CTX, and an SSL still alive would hold its
   * own reference anyway. */
  SSL_CTX_free(st->ssl_ctx);
  st->ssl_ctx = NULL;
  release_event_fd(st);
  while (st->links) link_free(st->links);
  xc__engine_set_slot(e, XC__SLOT_WS, NULL);
  free(st);
}

/* The client TLS context of an engine, created by us and handed to lws as
 * provided_client_ssl_ctx instead of letting lws create one.
 *
 * Why: lws 4.1 keeps the reuse record of a client SSL_CTX it creates in the SSL_CTX's ex_data at
 * a process-wide index that every lws_create_context(LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT)
 * allocates again. Once a second context exists in the process (another engine, i.e. another
 * xc_client, or any other lws user), destroying an older context looks the record up at the new
 * index, finds nothing and never frees its SSL_CTX: the whole CA store leaks (~700 KB with the
 * system store). Fixed upstream in lws 4.2 (indexes acquired once); Debian 12 ships 4.1.6. A
 * provided SSL_CTX has no reuse record: lws leaves it alone and ws_post_shutdown frees it.
 *
 * Trust: the engine's CA file/dir when given (replacing the system store, as with curl's
 * CURLOPT_CAINFO), else OpenSSL's default paths. Modes as lws sets them on its own contexts. */
static SSL_CTX *client_ssl_ctx_new(const xc__engine_opts *eo) {
  SSL_CTX *c = SSL_CTX_new(TLS_client_method());
  if (!c) return NULL;
  SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION);
  SSL_CTX_set_mode(c, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
  if (eo->ca_file || eo->ca_dir) {
    if (SSL_CTX_load_verify_locations(c, eo->ca_file, eo->ca_dir) != 1)
      XC_WARN("ws", "cannot load the CA file/dir: wss:// connections will fail verification");
  } else if (SSL_CTX_set_default_verify_paths(c) != 1) {
    XC_WARN("ws", "cannot load the system CA store: wss:// connections will fail verification");
  }
  return c;
}

static wsstate *get_state(xc__engine *e) {
  wsstate *st = xc__engine_slot(e, XC__SLOT_WS);
  if (st) return st->broken ? NULL : st;
  st = calloc(1, sizeof *st);
  if (!st) return NULL;
  st->e = e;
  st->hold_fd = -1;
  const xc__engine_opts *eo = xc__engine_opts_get(e);
  st->ssl_ctx = client_ssl_ctx_new(eo);
  if (!st->ssl_ctx) {
    XC_ERROR("ws", "cannot create the client TLS context");
    free(st);
    return NULL;
  }
  /* lws 4.1's OpenSSL "global init" (LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT on a context) allocates
   * new process-wide ex_data indexes every time and overwrites the old ones; lws finds the wsi of
   * a TLS connection in its SSL's ex_data at that index when OpenSSL calls the certificate verify
   * callback. A context created by another engine between a connection's SSL_new and its
   * certificate check made that lookup fail and the handshake with it (measured: 52 failed
   * reconnects out of 1456 while another thread created contexts). So only the first of our
   * contexts does the global init; every context creates its vhost explicitly, with the flag on
   * the vhost only, where it just enables the client TLS setup (our provided SSL_CTX). Fixed
   * upstream in lws 4.2 (indexes acquired once). */
  struct lws_context_creation_info info;
  memset(&info, 0, sizeof info);
  void *loops[1] = {xc__engine_uv_loop(e)};
  info.port = CONTEXT_PORT_NO_LISTEN;
  info.protocols = k_protocols;
  info.foreign_loops = loops;
  unsigned secs = (eo->connect_timeout_ms + 999) / 1000;
  info.timeout_secs = secs ? secs : 1;
  info.connect_timeout_secs = info.timeout_secs;
  info.provided_client_ssl_ctx = st->ssl_ctx; /* used only with DO_SSL_GLOBAL_INIT on the vhost */
  /* fd_limit_per_thread stays 0 (the process limit): lws indexes sockets by fd number and would
   * refuse any fd above a smaller limit in a process with many open files. */
  info.retry_and_idle_policy = &k_no_idle_policy;
  info.user = st;
  info.vhost_name = "xc";
  struct lws_vhost *vh = NULL;
  pthread_mutex_lock(&g_lws_mu);
  lws_set_log_level(LLL_ERR | LLL_WARN, lws_log);
  info.options = LWS_SERVER_OPTION_LIBUV | LWS_SERVER_OPTION_EXPLICIT_VHOSTS |
                 (g_lws_ssl_init_done ? 0 : LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT);
  st->ctx = lws_create_context(&info);
  if (st->ctx) {
    g_lws_ssl_init_done = true;
    info.options = LWS_SERVER_OPTION_LIBUV | LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    vh = lws_create_vhost(st->ctx, &info);
  }
  pthread_mutex_unlock(&g_lws_mu);
  if (!st->ctx) {
    XC_ERROR("ws", "cannot create the libwebsockets context");
    SSL_CTX_free(st->ssl_ctx);
    free(st);
    return NULL;
  }
  uv_timer_init(xc__engine_uv_loop(e), &st->destroy_t);
  st->destroy_t.data = st;
  if (xc__engine_add_hook(e, ws_shutdown, ws_post_shutdown, st) != XC_OK) {
    ctx_destroy(st->ctx);
    SSL_CTX_free(st->ssl_ctx);
    free(st);
    return NULL;
  }
  xc__engine_set_slot(e, XC__SLOT_WS, st);
  if (!vh) { /* the hooks tear the context down at shutdown; no WebSocket can start here */
    XC_ERROR("ws", "cannot create the libwebsockets client vhost");
    st->broken = true;
    return NULL;
  }
  return st;
}

/* ---- ws lifetime ------------------------------------------------------------------------------ */

static void ws_free_mem(xc__ws *ws) {
  xc__subs_free(ws->subs);
  free(ws->url);
  free(ws->host);
  free(ws->path);
  free(ws->app_ping);
  free(ws);
}

static void finalize(xc__ws *ws, xc__ws_reason r, const char *detail) {
  if (ws->finalizing) return;
  ws->finalizing = true;
  wlink *ls[2] = {ws->active, ws->rot};
  ws->active = ws->rot = NULL;
  for (int i = 0; i < 2; i++) {
    wlink *l = ls[i];
    if (!l) continue;
    l->ws = NULL;
    if (!l->rotating) l->subs = NULL;
    link_down(l, true, r, detail);
    link_maybe_free(l);
  }
  xc__timer_free(ws->retry_t);
  xc__timer_free(ws->tick_t);
  xc__timer_free(ws->subs_t);
  if (ws->prev) ws->prev->next = ws->next;
  else if (ws->st && ws->st->list == ws) ws->st->list = ws->next;
  if (ws->next) ws->next->prev = ws->prev;
  emit(ws, XC__WS_CLOSED, r, 0, detail, 0, true);
  ws_free_mem(ws);
}

static void tick_cb(xc__timer *t, void *arg) {
  (void)t;
  xc__ws *ws = arg;
  uint64_t now = now_ms(ws);
  wlink *ls[2] = {ws->active, ws->rot};
  for (int i = 0; i < 2; i++) {
    wlink *l = ls[i];
    if (!l || !l->established || l->down) continue;
    if (ws->o.idle_timeout_ms && now - l->last_rx >= ws->o.idle_timeout_ms) {
      char d[96];
      snprintf(d, sizeof d, "no data or pong for %llu ms", (unsigned long long)(now - l->last_rx));
      link_down(l, true, XC__WSR_IDLE, d);
      if (ws->finalizing) return;
      continue;
    }
    if (ws->o.ping_interval_ms && now - l->last_ping >= ws->o.ping_interval_ms) {
      l->last_ping = now;
      l->ping_due = true;
      atomic_fetch_add(&ws->n_pings, 1);
      lws_callback_on_writable(l->wsi);
    }
    if (ws->app_ping && l->ready && now - l->last_app_ping >= ws->o.app_ping_interval_ms) {
      l->last_app_ping = now;
      link_queue(l, ws->app_ping, strlen(ws->app_ping));
    }
  }
  wlink *a = ws->active;
  if (a && a->ready && !ws->rot && now >= ws->rot_retry_at &&
      (ws->rot_requested ||
       (ws->o.max_lifetime_ms && now - a->opened_at + ws->o.rotate_margin_ms >= ws->o.max_lifetime_ms))) {
    ws->rot_requested = false;
    XC_INFO("ws", "%s: planned rotation", ws->logname);
    ws->rot = link_start(ws, true);
  }
}

static uint32_t tick_period(const xc__ws *ws) {
  uint32_t p = 1000;
  if (ws->o.ping_interval_ms && ws->o.ping_interval_ms / 2 < p) p = ws->o.ping_interval_ms / 2;
  if (ws->o.idle_timeout_ms && ws->o.idle_timeout_ms / 4 < p) p = ws->o.idle_timeout_ms / 4;
  if (ws->app_ping && ws->o.app_ping_interval_ms / 2 < p) p = ws->o.app_ping_interval_ms / 2;
  return p < 5 ? 5 : p;
}

static bool ws_start(xc__ws *ws) {
  ws->st = get_state(ws->e);
  if (!ws->st) return false;
  ws->retry_t = xc__timer_new(ws->e, retry_cb, ws);
  ws->tick_t = xc__timer_new(ws->e, tick_cb, ws);
  ws->subs_t = xc__timer_new(ws->e, subs_timer_cb, ws);
  if (!ws->retry_t || !ws->tick_t || !ws->subs_t) return false;
  ws->next = ws->st->list;
  if (ws->st->list) ws->st->list->prev = ws;
  ws->st->list = ws;
  uint32_t p = tick_period(ws);
  xc__timer_start(ws->tick_t, p, p);
  emit(ws, XC__WS_CONNECTING, XC__WSR_NONE, 0, "", 0, false);
  if (!ws->finalizing) connect_active(ws);
  return true;
}

/* ---- commands --------------------------------------------------------------------------------- */

enum { C_START, C_SEND, C_SUB, C_UNSUB, C_KICK, C_ROTATE, C_CLOSE, C_URL, C_RESUB };

static bool parse_url(xc__ws *ws, const char *url);

static void set_logname(xc__ws *ws) {
  snprintf(ws->logname, sizeof ws->logname, "%s://%.60s:%d", ws->tls ? "wss" : "ws", ws->host, ws->port);
}
typedef struct wcmd {
  xc__ws *ws;
  int kind;
  size_t len;
  char data[];
} wcmd;

static void ws_cmd(xc__engine *e, void *arg, bool cancelled) {
  (void)e;
  wcmd *c = arg;
  xc__ws *ws = c->ws;
  if (cancelled) {
    /* Only START owns the handle when cancelled (it never reached the engine's list). */
    if (c->kind == C_START) {
      emit(ws, XC__WS_CLOSED, XC__WSR_SHUTDOWN, 0, "engine shutting down", 0, true);
      ws_free_mem(ws);
    }
    free(c);
    return;
  }
  if (ws->finalizing) {
    free(c);
    return;
  }
  switch (c->kind) {
  case C_START:
    if (!ws_start(ws)) { /* never listed: no link, only timers to release */
      xc__timer_free(ws->retry_t);
      xc__timer_free(ws->tick_t);
      xc__timer_free(ws->subs_t);
      emit(ws, XC__WS_CLOSED, XC__WSR_CONNECT_FAILED, 0, "cannot start the WebSocket engine", 0, true);
      ws_free_mem(ws);
    }
    break;
  case C_SEND:
    if (ws->active && ws->active->ready) link_queue(ws->active, c->data, c->len);
    else atomic_fetch_add(&ws->n_dropped, 1);
    break;
  case C_SUB:
  case C_UNSUB: {
    bool edge = false;
    xc_status st = c->kind == C_SUB ? xc__subs_add(ws->subs, c->data, &edge)
                                    : xc__subs_remove(ws->subs, c->data, &edge);
    if (st != XC_OK) XC_WARN("ws", "%s: %s %s: %s", ws->logname, c->kind == C_SUB ? "subscribe" : "unsubscribe",
                             c->data, xc_status_str(st));
    if (st != XC_OK && c->kind == C_SUB && ws->o.on_sub) ws->o.on_sub(ws, c->data, false, ws->o.user);
    if (ws->rot) {
      bool e2;
      if (c->kind == C_SUB) xc__subs_add(ws->rot->subs, c->data, &e2);
      else xc__subs_remove(ws->rot->subs, c->data, &e2);
    }
    update_sub_stats(ws);
    if (edge && ws->active) flush_subs(ws->active);
    if (edge && ws->rot) flush_subs(ws->rot);
    break;
  }
  case C_RESUB:
    if (xc__subs_resubscribe(ws->subs, c->data) == XC_OK && ws->active) flush_subs(ws->active);
    break;
  case C_KICK:
    if (ws->active) link_down(ws->active, true, XC__WSR_KICKED, "kicked");
    break;
  case C_ROTATE:
    ws->rot_requested = true;
    ws->rot_retry_at = 0;
    break;
  case C_CLOSE:
    finalize(ws, XC__WSR_USER, "closed by the user");
    break;
  case C_URL: {
    xc__ws tmp;
    memset(&tmp, 0, sizeof tmp);
    char *u = strdup(c->data);
    if (u && parse_url(&tmp, c->data)) {
      free(ws->url);
      free(ws->host);
      free(ws->path);
      ws->url = u;
      ws->o.url = u;
      ws->host = tmp.host;
      ws->path = tmp.path;
      ws->port = tmp.port;
      ws->tls = tmp.tls;
      set_logname(ws);
    } else {
      free(u);
      free(tmp.host);
      free(tmp.path);
    }
    break;
  }
  }
  free(c);
}

static xc_status post(xc__ws *ws, int kind, const char *data, size_t len) {
  if (!ws) return XC_EINVAL;
  wcmd *c = malloc(sizeof *c + len + 1);
  if (!c) return XC_ENOMEM;
  c->ws = ws;
  c->kind = kind;
  c->len = len;
  if (len) memcpy(c->data, data, len);
  c->data[len] = 0;
  xc_status st = xc__engine_post(ws->e, ws_cmd, c);
  if (st != XC_OK) free(c);
  return st;
}

static bool parse_url(xc__ws *ws, const char *url) {
  const char *p;
  if (strncmp(url, "wss://", 6) == 0) {
    ws->tls = true;
    p = url + 6;
  } else if (strncmp(url, "ws://", 5) == 0) {
    p = url + 5;
  } else {
    return false;
  }
  size_t hl = strcspn(p, ":/?");
  if (hl == 0) return false;
  if (*p == '[') return false; /* IPv6 literals: not supported */
  ws->host = strndup(p, hl);
  p += hl;
  ws->port = ws->tls ? 443 : 80;
  if (*p == ':') {
    char *end;
    long port = strtol(p + 1, &end, 10);
    if (port <= 0 || port > 65535) return false;
    ws->port = (int)port;
    p = end;
  }
  if (*p == '?') {
    size_t n = strlen(p);
    ws->path = malloc(n + 2);
    if (ws->path) {
      ws->path[0] = '/';
      memcpy(ws->path + 1, p, n + 1);
    }
  } else {
    ws->path = strdup(*p ? p : "/");
  }
  return ws->host && ws->path;
}

xc_status xc__ws_new(xc__engine *e, const xc__ws_opts *o, xc__ws **out) {
  if (!out) return XC_EINVAL;
  *out = NULL;
  if (!e || !o || !o->url) return XC_EINVAL;
  if (o->venue && (!o->venue->build_sub || !o->venue->classify)) return XC_EINVAL;
  xc__ws *ws = calloc(1, sizeof *ws);
  if (!ws) return XC_ENOMEM;
  ws->e = e;
  ws->o = *o;
  xc_status st = XC_ENOMEM;
  ws->url = strdup(o->url);
  if (!ws->url) goto fail;
  st = XC_EINVAL;
  if (!parse_url(ws, o->url)) goto fail;
  set_logname(ws);
  st = XC_ENOMEM;
  if (o->app_ping_text && !(ws->app_ping = strdup(o->app_ping_text))) goto fail;
  if (!ws->o.max_message) ws->o.max_message = (size_t)8 << 20;
  if (!ws->o.max_outq) ws->o.max_outq = 4096;
  if (ws->app_ping && !ws->o.app_ping_interval_ms) ws->o.app_ping_interval_ms = 20000;
  if (ws->o.max_lifetime_ms && !ws->o.rotate_margin_ms) ws->o.rotate_margin_ms = ws->o.max_lifetime_ms / 10;
  ws->o.url = ws->url;
  ws->o.app_ping_text = ws->app_ping;
  if (o->venue) {
    ws->venue = *o->venue;
    ws->has_venue = true;
  }
  ws->o.venue = NULL;
  xc__subs_limits lim = {ws->venue.max_topics_per_msg, ws->venue.max_topics, ws->venue.max_msgs_per_s,
                         ws->venue.reply_timeout_ms};
  if (xc__subs_new(&lim, &ws->subs) != XC_OK) goto fail;
  xc_backoff_opts bo, bd;
  xc_backoff_opts_default(&bd);
  bo = o->backoff;
  if (!bo.base_ms) bo.base_ms = bd.base_ms;
  if (!bo.cap_ms) bo.cap_ms = bo.base_ms > bd.cap_ms ? bo.base_ms : bd.cap_ms;
  if (!bo.factor) bo.factor = bd.factor;
  if (!bo.seed) bo.seed = xc_mono_ns() ^ (uint64_t)(uintptr_t)ws;
  st = XC_EINVAL;
  if (xc_backoff_init(&ws->bo, &bo) != XC_OK) goto fail;
  st = post(ws, C_START, NULL, 0);
  if (st != XC_OK) goto fail;
  *out = ws;
  return XC_OK;
fail:
  ws_free_mem(ws);
  return st;
}

xc_status xc__ws_send(xc__ws *ws, const char *data, size_t len) {
  if (!data) return XC_EINVAL;
  return post(ws, C_SEND, data, len);
}
xc_status xc__ws_subscribe(xc__ws *ws, const char *topic) {
  if (!ws || !topic || !*topic) return XC_EINVAL;
  if (!ws->has_venue) return XC_ENOTSUP;
  return post(ws, C_SUB, topic, strlen(topic));
}
xc_status xc__ws_unsubscribe(xc__ws *ws, const char *topic) {
  if (!ws || !topic || !*topic) return XC_EINVAL;
  if (!ws->has_venue) return XC_ENOTSUP;
  return post(ws, C_UNSUB, topic, strlen(topic));
}
xc_status xc__ws_resubscribe(xc__ws *ws, const char *topic) {
  if (!ws || !topic || !*topic) return XC_EINVAL;
  if (!ws->has_venue) return XC_ENOTSUP;
  return post(ws, C_RESUB, topic, strlen(topic));
}
xc_status xc__ws_kick(xc__ws *ws) { return post(ws, C_KICK, NULL, 0); }
xc_status xc__ws_rotate(xc__ws *ws) { return post(ws, C_ROTATE, NULL, 0); }
xc_status xc__ws_close(xc__ws *ws) { return post(ws, C_CLOSE, NULL, 0); }

xc_status xc__ws_set_url(xc__ws *ws, const char *url) {
  if (!ws || !url) return XC_EINVAL;
  xc__ws tmp;
  memset(&tmp, 0, sizeof tmp);
  bool ok = parse_url(&tmp, url);
  free(tmp.host);
  free(tmp.path);
  if (!ok) return XC_EINVAL;
  return post(ws, C_URL, url, strlen(url));
}

void xc__ws_stats_get(xc__ws *ws, xc__ws_stats *s) {
  s->connects = atomic_load(&ws->n_connects);
  s->connect_fails = atomic_load(&ws->n_fails);
  s->disconnects = atomic_load(&ws->n_disc);
  s->messages = atomic_load(&ws->n_msgs);
  s->bytes = atomic_load(&ws->n_bytes);
  s->pings_sent = atomic_load(&ws->n_pings);
  s->pongs = atomic_load(&ws->n_pongs);
  s->sub_msgs = atomic_load(&ws->n_submsgs);
  s->dropped = atomic_load(&ws->n_dropped);
  s->rotations = atomic_load(&ws->n_rot);
  s->topics = atomic_load(&ws->n_topics);
  s->confirmed = atomic_load(&ws->n_confirmed);
  s->state = atomic_load(&ws->a_state);
}
