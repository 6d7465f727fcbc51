/* HTTP client: libcurl multi driven by the engine's libuv loop (socket + timer callbacks onto
 * uv_poll / uv_timer). See http.h for the outcome rules. */
#include "transport/http.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uv.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "transport/breaker_group.h"

typedef struct hstate hstate;

typedef struct hreq {
  xc__engine *e;
  hstate *hs;
  CURL *easy;
  xc__http_cb cb;
  void *user;
  char *method, *url;
  struct curl_slist *hdrs;
  char *body;
  size_t body_len;
  uint32_t timeout_ms;
  bool idempotent;
  size_t max_body;
  xc__breaker_group *br;
  xc_buf rbody;
  xc_buf rhdr; /* "name\0value\0" pairs of the latest response */
  size_t nhdr;
  bool too_big;
  int sends;          /* times curl was about to send the request (a 2nd one is curl's retry) */
  bool retry_blocked; /* we refused curl's automatic retry of a non-idempotent request */
  uint64_t t0_ns;
  char errbuf[CURL_ERROR_SIZE];
  struct hreq *prev, *next;
} hreq;

typedef struct pollctx {
  uv_poll_t poll;
  curl_socket_t fd;
  hstate *hs;
  struct pollctx *prev, *next;
} pollctx;

struct hstate {
  xc__engine *e;
  CURLM *multi;
  uv_timer_t timer;
  hreq *inflight;
  pollctx *polls;
  CURL *pool[32]; /* reset easy handles kept for reuse */
  int npool;
  bool shut;
  uint64_t n_requests, n_connects, n_inflight;
};

static pthread_once_t g_curl_once = PTHREAD_ONCE_INIT;
static CURLcode g_curl_init_rc;
static void curl_init_once(void) { g_curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT); }

void xc__http_req_default(xc__http_req *r) {
  memset(r, 0, sizeof *r);
  r->method = "GET";
  r->timeout_ms = 10000;
  r->idempotent = -1;
}

static void hreq_free(hreq *r) {
  if (!r) return;
  free(r->method);
  free(r->url);
  curl_slist_free_all(r->hdrs);
  free(r->body);
  xc_buf_free(&r->rbody);
  xc_buf_free(&r->rhdr);
  free(r);
}

/* ---- completion ------------------------------------------------------------------------------- */

static void complete(hreq *r, xc_status st, long status, const char *errmsg) {
  xc__http_resp resp = {0};
  xc__http_header *hv = NULL;
  resp.status = (int)status;
  resp.errmsg = errmsg ? errmsg : "";
  resp.elapsed_us = (xc_mono_ns() - r->t0_ns) / 1000;
  if (r->easy) {
    long v = 0, nconn = 0;
    curl_easy_getinfo(r->easy, CURLINFO_HTTP_VERSION, &v);
    resp.http_version = v == CURL_HTTP_VERSION_1_0 ? 10 : v == CURL_HTTP_VERSION_1_1 ? 11
                        : v == CURL_HTTP_VERSION_2_0 ? 20 : v == CURL_HTTP_VERSION_3 ? 30 : 0;
    curl_easy_getinfo(r->easy, CURLINFO_NUM_CONNECTS, &nconn);
    resp.reused = status > 0 && nconn == 0;
    if (r->hs) r->hs->n_connects += (uint64_t)nconn;
  }
  if (r->nhdr && (hv = calloc(r->nhdr, sizeof *hv))) {
    const char *p = r->rhdr.data;
    for (size_t i = 0; i < r->nhdr; i++) {
      hv[i].name = p;
      p += strlen(p) + 1;
      hv[i].value = p;
      p += strlen(p) + 1;
    }
    resp.headers = hv;
    resp.nheaders = r->nhdr;
  }
  resp.body = r->rbody.data ? r->rbody.data : "";
  resp.body_len = r->rbody.len;
  if (r->hs) r->hs->n_requests++;
  r->cb(st, &resp, r->user);
  free(hv);
}

/* Maps a finished transfer to the status rules of http.h. */
static xc_status classify(hreq *r, CURLcode rc, long status, bool *breaker_failure) {
  *breaker_failure = false;
  if (rc == CURLE_OK) {
    if (status >= 500) {
      *breaker_failure = true;
      return r->idempotent ? XC_EHTTP : XC_EUNKNOWN_OUTCOME;
    }
    return XC_OK;
  }
  if (r->too_big) return XC_EFULL;
  if (r->retry_blocked) { /* the first attempt went out on a connection that then died */
    *breaker_failure = true;
    return XC_EUNKNOWN_OUTCOME;
  }
  curl_off_t pre = 0;
  curl_easy_getinfo(r->easy, CURLINFO_PRETRANSFER_TIME_T, &pre);
  bool maybe_sent = pre > 0;
  xc_status st;
  switch (rc) {
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY: st = XC_EDNS; maybe_sent = false; break;
  case CURLE_COULDNT_CONNECT: st = XC_ECONN; maybe_sent = false; break;
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH: st = XC_ETLS; maybe_sent = false; break;
  case CURLE_OPERATION_TIMEDOUT: st = XC_ETIMEDOUT; break;
  case CURLE_GOT_NOTHING:
  case CURLE_RECV_ERROR:
  case CURLE_SEND_ERROR:
  case CURLE_PARTIAL_FILE:
  case CURLE_HTTP2:
  case CURLE_HTTP2_STREAM: st = XC_ECLOSED; break;
  case CURLE_URL_MALFORMAT:
  case CURLE_UNSUPPORTED_PROTOCOL: return XC_EINVAL;
  case CURLE_OUT_OF_MEMORY: return XC_ENOMEM;
  default: st = XC_EIO; break;
  }
  *breaker_failure = true;
  if (!r->idempotent && maybe_sent) return XC_EUNKNOWN_OUTCOME;
  return st;
}

static void finish(hstate *hs, hreq *r, CURLcode rc) {
  long status = 0;
  curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
  bool brfail = false;
  xc_status st = classify(r, rc, status, &brfail);
  (void)brfail;
  if (r->br) xc__breaker_group_record(r->br, st, xc_mono_ns() / 1000000);
  if (r->prev) r->prev->next = r->next;
  else hs->inflight = r->next;
  if (r->next) r->next->prev = r->prev;
  hs->n_inflight--;
  curl_multi_remove_handle(hs->multi, r->easy);
  const char *msg = rc == CURLE_OK ? "" : (r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc));
  if (rc != CURLE_OK) XC_DEBUG("http", "%s %s: %s", r->method, r->url, msg);
  complete(r, st, status, msg);
  if (hs->npool < 32 && !hs->shut) {
    curl_easy_reset(r->easy);
    hs->pool[hs->npool++] = r->easy;
  } else {
    curl_easy_cleanup(r->easy);
  }
  r->easy = NULL;
  hreq_free(r);
}

static void check_done(hstate *hs) {
  CURLMsg *m;
  int left;
  while ((m = curl_multi_info_read(hs->multi, &left))) {
    if (m->msg != CURLMSG_DONE) continue;
    hreq *r = NULL;
    curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
    CURLcode rc = m->data.result;
    finish(hs, r, rc);
  }
}

/* ---- curl <-> libuv glue ---------------------------------------------------------------------- */

static void poll_close_cb(uv_handle_t *h) { free(h->data); }

static void poll_cb(uv_poll_t *p, int status, int events) {
  pollctx *c = p->data;
  hstate *hs = c->hs;
  int flags = 0;
  if (status < 0) flags = CURL_CSELECT_ERR;
  if (events & UV_READABLE) flags |= CURL_CSELECT_IN;
  if (events & UV_WRITABLE) flags |= CURL_CSELECT_OUT;
  int running;
  curl_multi_socket_action(hs->multi, c->fd, flags, &running);
  check_done(hs);
}

static void pollctx_close(hstate *hs, pollctx *c) {
  if (c->prev) c->prev->next = c->next;
  else hs->polls = c->next;
  if (c->next) c->next->prev = c->prev;
  uv_poll_stop(&c->poll);
  uv_close((uv_handle_t *)&c->poll, poll_close_cb);
}

static int sock_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp) {
  (void)easy;
  hstate *hs = userp;
  pollctx *c = socketp;
  if (what == CURL_POLL_REMOVE) {
    if (c) {
      curl_multi_assign(hs->multi, s, NULL);
      pollctx_close(hs, c);
    }
    return 0;
  }
  if (!c) {
    c = calloc(1, sizeof *c);
    if (!c) return -1;
    if (uv_poll_init_socket(xc__engine_uv_loop(hs->e), &c->poll, s) != 0) {
      free(c);
      return -1;
    }
    c->fd = s;
    c->hs = hs;
    c->poll.data = c;
    c->next = hs->polls;
    if (hs->polls) hs->polls->prev = c;
    hs->polls = c;
    curl_multi_assign(hs->multi, s, c);
  }
  int ev = 0;
  if (what & CURL_POLL_IN) ev |= UV_READABLE;
  if (what & CURL_POLL_OUT) ev |= UV_WRITABLE;
  uv_poll_start(&c->poll, ev, poll_cb);
  return 0;
}

static void on_curl_timeout(uv_timer_t *t) {
  hstate *hs = t->data;
  int running;
  curl_multi_socket_action(hs->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  check_done(hs);
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp) {
  (void)multi;
  hstate *hs = userp;
  if (hs->shut) return 0;
  if (timeout_ms < 0) uv_timer_stop(&hs->timer);
  else uv_timer_start(&hs->timer, on_curl_timeout, (uint64_t)timeout_ms, 0);
  return 0;
}

/* ---- lifetime --------------------------------------------------------------------------------- */

static void http_shutdown(xc__engine *e, void *arg) {
  hstate *hs = arg;
  hs->shut = true;
  while (hs->inflight) {
    hreq *r = hs->inflight;
    hs->inflight = r->next;
    if (hs->inflight) hs->inflight->prev = NULL;
    hs->n_inflight--;
    curl_multi_remove_handle(hs->multi, r->easy);
    complete(r, XC_ECANCELED, 0, "engine shutting down");
    curl_easy_cleanup(r->easy);
    r->easy = NULL;
    hreq_free(r);
  }
  while (hs->npool) curl_easy_cleanup(hs->pool[--hs->npool]);
  curl_multi_cleanup(hs->multi);
  hs->multi = NULL;
  while (hs->polls) pollctx_close(hs, hs->polls);
  uv_timer_stop(&hs->timer);
  uv_close((uv_handle_t *)&hs->timer, NULL);
  (void)e;
}

static void http_post_shutdown(xc__engine *e, void *arg) {
  free(arg);
  xc__engine_set_slot(e, XC__SLOT_HTTP, NULL);
}

static hstate *get_state(xc__engine *e) {
  hstate *hs = xc__engine_slot(e, XC__SLOT_HTTP);
  if (hs) return hs;
  pthread_once(&g_curl_once, curl_init_once);
  if (g_curl_init_rc != CURLE_OK) return NULL;
  hs = calloc(1, sizeof *hs);
  if (!hs) return NULL;
  hs->e = e;
  hs->multi = curl_multi_init();
  if (!hs->multi) {
    free(hs);
    return NULL;
  }
  if (xc__engine_add_hook(e, http_shutdown, http_post_shutdown, hs) != XC_OK) {
    curl_multi_cleanup(hs->multi);
    free(hs);
    return NULL;
  }
  uv_timer_init(xc__engine_uv_loop(e), &hs->timer);
  hs->timer.data = hs;
  curl_multi_setopt(hs->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
  curl_multi_setopt(hs->multi, CURLMOPT_SOCKETDATA, hs);
  curl_multi_setopt(hs->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
  curl_multi_setopt(hs->multi, CURLMOPT_TIMERDATA, hs);
  curl_multi_setopt(hs->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
  curl_multi_setopt(hs->multi, CURLMOPT_MAXCONNECTS, 64L);
  xc__engine_set_slot(e, XC__SLOT_HTTP, hs);
  return hs;
}

/* ---- per-request callbacks -------------------------------------------------------------------- */

static size_t write_cb(char *p, size_t size, size_t n, void *ud) {
  hreq *r = ud;
  size_t len = size * n;
  if (r->rbody.len + len > r->max_body) {
    r->too_big = true;
    return 0;
  }
  if (xc_buf_append(&r->rbody, p, len) != XC_OK) return 0;
  return len;
}

static size_t header_cb(char *p, size_t size, size_t n, void *ud) {
  hreq *r = ud;
  size_t len = size * n;
  if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) { /* a new response (1xx, or the final one) */
    xc_buf_reset(&r->rhdr);
    r->nhdr = 0;
    return len;
  }
  const char *colon = memchr(p, ':', len);
  if (!colon || r->nhdr >= 256) return len;
  const char *v = colon + 1, *end = p + len;
  while (v < end && (*v == ' ' || *v == '\t')) v++;
  while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t')) end--;
  if (xc_buf_append(&r->rhdr, p, (size_t)(colon - p)) != XC_OK || xc_buf_putc(&r->rhdr, 0) != XC_OK ||
      xc_buf_append(&r->rhdr, v, (size_t)(end - v)) != XC_OK || xc_buf_putc(&r->rhdr, 0) != XC_OK)
    return 0;
  r->nhdr++;
  return len;
}

/* Called by curl right before the request is sent on a new or reused connection. A second call
 * for the same transfer is libcurl's own retry after a reused keep-alive connection died without
 * answering: harmless for idempotent requests, forbidden for the others (the server may have
 * read and executed the first one). */
static int prereq_cb(void *ud, char *conn_primary_ip, char *conn_local_ip, int conn_primary_port,
                     int conn_local_port) {
  (void)conn_primary_ip;
  (void)conn_local_ip;
  (void)conn_primary_port;
  (void)conn_local_port;
  hreq *r = ud;
  if (++r->sends > 1 && !r->idempotent) {
    r->retry_blocked = true;
    return CURL_PREREQFUNC_ABORT;
  }
  return CURL_PREREQFUNC_OK;
}

static xc_status setup_easy(hstate *hs, hreq *r) {
  const xc__engine_opts *eo = xc__engine_opts_get(hs->e);
  CURL *c = hs->npool ? hs->pool[--hs->npool] : curl_easy_init();
  if (!c) return XC_ENOMEM;
  r->easy = c;
  curl_easy_setopt(c, CURLOPT_URL, r->url);
  curl_easy_setopt(c, CURLOPT_PRIVATE, (char *)r);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, r->errbuf);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
  curl_easy_setopt(c, CURLOPT_PIPEWAIT, 1L);
  curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)r->timeout_ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)eo->connect_timeout_ms);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
  curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, prereq_cb);
  curl_easy_setopt(c, CURLOPT_PREREQDATA, r);
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  if (eo->ca_file) curl_easy_setopt(c, CURLOPT_CAINFO, eo->ca_file);
  if (eo->ca_dir) curl_easy_setopt(c, CURLOPT_CAPATH, eo->ca_dir);
  if (eo->tls_insecure) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (strcmp(r->method, "GET") == 0) {
    if (r->body) {
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "GET");
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)r->body_len);
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, r->body);
    }
  } else if (strcmp(r->method, "HEAD") == 0) {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)r->body_len);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, r->body ? r->body : "");
    if (strcmp(r->method, "POST") != 0) curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r->method);
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, r->hdrs);
  return XC_OK;
}

static void submit_cmd(xc__engine *e, void *arg, bool cancelled) {
  hreq *r = arg;
  if (cancelled) {
    complete(r, XC_ECANCELED, 0, "engine shutting down");
    hreq_free(r);
    return;
  }
  hstate *hs = get_state(e);
  if (!hs) {
    complete(r, XC_ENOMEM, 0, "cannot initialise the HTTP client");
    hreq_free(r);
    return;
  }
  r->hs = hs;
  if (r->br && !xc__breaker_group_allow(r->br, xc_mono_ns() / 1000000)) {
    complete(r, XC_EBREAKER, 0, "circuit breaker open");
    hreq_free(r);
    return;
  }
  xc_status st = setup_easy(hs, r);
  if (st == XC_OK && curl_multi_add_handle(hs->multi, r->easy) != CURLM_OK) st = XC_EINTERNAL;
  if (st != XC_OK) {
    if (r->br) xc__breaker_group_release(r->br);
    complete(r, st, 0, "cannot start the request");
    if (r->easy) curl_easy_cleanup(r->easy);
    r->easy = NULL;
    hreq_free(r);
    return;
  }
  r->next = hs->inflight;
  if (hs->inflight) hs->inflight->prev = r;
  hs->inflight = r;
  hs->n_inflight++;
}

xc_status xc__http_request(xc__engine *e, const xc__http_req *req, xc__http_cb cb, void *user) {
  if (!e || !req || !req->url || !cb) return XC_EINVAL;
  if (strncmp(req->url, "http://", 7) != 0 && strncmp(req->url, "https://", 8) != 0) return XC_EINVAL;
  hreq *r = calloc(1, sizeof *r);
  if (!r) return XC_ENOMEM;
  xc_buf_init(&r->rbody);
  xc_buf_init(&r->rhdr);
  r->e = e;
  r->cb = cb;
  r->user = user;
  const char *m = req->method ? req->method : "GET";
  r->method = strdup(m);
  r->url = strdup(req->url);
  r->timeout_ms = req->timeout_ms ? req->timeout_ms : 10000;
  r->max_body = req->max_body ? req->max_body : (size_t)16 << 20;
  r->br = req->breaker;
  if (req->idempotent < 0)
    r->idempotent = strcasecmp(m, "POST") != 0 && strcasecmp(m, "PATCH") != 0;
  else
    r->idempotent = req->idempotent != 0;
  bool ok = r->method && r->url;
  for (char *p = r->method; p && *p; p++)
    if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
  if (ok && req->body) {
    r->body = malloc(req->body_len + 1);
    ok = r->body != NULL;
    if (ok) {
      memcpy(r->body, req->body, req->body_len);
      r->body[req->body_len] = 0;
      r->body_len = req->body_len;
    }
  }
  for (size_t i = 0; ok && i < req->nheaders; i++) {
    struct curl_slist *n = curl_slist_append(r->hdrs, req->headers[i]);
    if (!n) ok = false;
    else r->hdrs = n;
  }
  if (ok) { /* never send "Expect: 100-continue": it adds a round trip */
    struct curl_slist *n = curl_slist_append(r->hdrs, "Expect:");
    if (!n) ok = false;
    else r->hdrs = n;
  }
  if (!ok) {
    hreq_free(r);
    return XC_ENOMEM;
  }
  r->t0_ns = xc_mono_ns();
  xc_status st = xc__engine_post(e, submit_cmd, r);
  if (st != XC_OK) hreq_free(r);
  return st;
}

const char *xc__http_header_get(const xc__http_resp *resp, const char *name) {
  for (size_t i = 0; resp && i < resp->nheaders; i++)
    if (strcasecmp(resp->headers[i].name, name) == 0) return resp->headers[i].value;
  return NULL;
}

void xc__http_stats_get(xc__engine *e, xc__http_stats *out) {
  memset(out, 0, sizeof *out);
  hstate *hs = xc__engine_slot(e, XC__SLOT_HTTP);
  if (!hs) return;
  out->requests = hs->n_requests;
  out->connects = hs->n_connects;
  out->inflight = hs->n_inflight;
}
