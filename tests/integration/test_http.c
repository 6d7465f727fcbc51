/* HTTP client over loopback (plain and TLS with a generated CA): GET/POST, headers, keep-alive
 * reuse, timeouts, the unknown-outcome rule for non-idempotent requests, refused connections,
 * certificate checks, cancellation at shutdown, and the circuit breaker driven by 5xx bursts. */
#include "testutil.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "transport/breaker_group.h"
#include "transport/engine.h"
#include "transport/http.h"
#include "tscale.h"
#include "tsrv.h"

/* ---- server behaviour, chosen by path ---- */
static _Atomic int g_fail_left; /* /flaky: answer 503 this many times, then 200 */
static _Atomic int g_hits;

static void on_http(xc_tsrv_conn *c, const xc_tsrv_http_req *rq, xc_tsrv_http_resp *rs, void *u) {
  (void)c;
  (void)u;
  atomic_fetch_add(&g_hits, 1);
  if (strncmp(rq->path, "/echo", 5) == 0) {
    snprintf(rs->body, sizeof rs->body, "{\"method\":\"%s\",\"path\":\"%s\",\"len\":%zu,\"body\":\"%.200s\",\"nth\":%d}",
             rq->method, rq->path, rq->body_len, rq->body, rq->conn_requests);
    snprintf(rs->headers, sizeof rs->headers, "X-MBX-USED-WEIGHT-1M: 7\r\nX-Echo-Key: %s\r\n",
             strstr(rq->headers, "X-Key: abc") ? "abc" : "none");
  } else if (strcmp(rq->path, "/slow") == 0) {
    rs->delay_ms = 1500;
    strcpy(rs->body, "late");
  } else if (strcmp(rq->path, "/500") == 0) {
    rs->status = 500;
    strcpy(rs->body, "{\"code\":-1000}");
  } else if (strcmp(rq->path, "/400") == 0) {
    rs->status = 400;
    strcpy(rs->body, "{\"code\":-1102}");
  } else if (strcmp(rq->path, "/drop") == 0) {
    rs->action = XC_TSRV_DROP;
  } else if (strcmp(rq->path, "/flaky") == 0) {
    if (atomic_fetch_sub(&g_fail_left, 1) > 0) rs->status = 503;
    else strcpy(rs->body, "ok");
  } else if (strcmp(rq->path, "/big") == 0) {
    memset(rs->body, 'x', 4000);
    rs->body[4000] = 0;
  } else {
    rs->status = 404;
  }
}

/* ---- synchronous wrapper ---- */
typedef struct result {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int done;
  xc_status st;
  int status;
  char body[8192];
  char weight[32], echo_key[32];
  bool reused;
  int version;
  bool on_thread;
  xc__engine *e;
} result;

static void on_done(xc_status st, const xc__http_resp *r, void *user) {
  result *res = user;
  pthread_mutex_lock(&res->mu);
  res->st = st;
  res->status = r->status;
  snprintf(res->body, sizeof res->body, "%.*s", (int)r->body_len, r->body);
  const char *w = xc__http_header_get(r, "x-mbx-used-weight-1m");
  snprintf(res->weight, sizeof res->weight, "%s", w ? w : "");
  const char *k = xc__http_header_get(r, "X-Echo-Key");
  snprintf(res->echo_key, sizeof res->echo_key, "%s", k ? k : "");
  res->reused = r->reused;
  res->version = r->http_version;
  res->on_thread = xc__engine_on_thread(res->e);
  res->done++;
  pthread_cond_broadcast(&res->cv);
  pthread_mutex_unlock(&res->mu);
}

static result *run(xc__engine *e, const char *method, const char *url, const char *body,
                   uint32_t timeout_ms, xc__breaker_group *br) {
  result *res = calloc(1, sizeof *res);
  pthread_mutex_init(&res->mu, NULL);
  pthread_cond_init(&res->cv, NULL);
  res->e = e;
  xc__http_req rq;
  xc__http_req_default(&rq);
  rq.method = method;
  rq.url = url;
  static const char *hdrs[] = {"X-Key: abc", "Content-Type: application/x-www-form-urlencoded"};
  rq.headers = hdrs;
  rq.nheaders = 2;
  if (body) {
    rq.body = body;
    rq.body_len = strlen(body);
  }
  if (timeout_ms) rq.timeout_ms = timeout_ms;
  rq.breaker = br;
  assert_int_equal(xc__http_request(e, &rq, on_done, res), XC_OK);
  pthread_mutex_lock(&res->mu);
  while (!res->done) pthread_cond_wait(&res->cv, &res->mu);
  pthread_mutex_unlock(&res->mu);
  usleep(1000);
  assert_int_equal(res->done, 1);
  assert_true(res->on_thread);
  return res;
}

static void res_free(result *r) {
  pthread_mutex_destroy(&r->mu);
  pthread_cond_destroy(&r->cv);
  free(r);
}

typedef struct fixture {
  xc_tsrv *srv;
  xc__engine *e;
  char base[128];
} fixture;

static fixture *fx_new(bool tls) {
  fixture *f = calloc(1, sizeof *f);
  xc_tsrv_opts so = {0};
  so.on_http = on_http;
  xc__engine_opts eo;
  xc__engine_opts_default(&eo);
  eo.connect_timeout_ms = 2000;
  if (tls) {
    const char *ca, *cert, *key;
    assert_int_equal(xc_tsrv_make_certs(&ca, &cert, &key), 0);
    so.tls = true;
    so.cert_file = cert;
    so.key_file = key;
    eo.ca_file = ca;
  }
  f->srv = xc_tsrv_start(&so);
  assert_non_null(f->srv);
  assert_int_equal(xc__engine_new(&eo, &f->e), XC_OK);
  snprintf(f->base, sizeof f->base, "%s://localhost:%d", tls ? "https" : "http", xc_tsrv_port(f->srv));
  return f;
}

static void fx_free(fixture *f) {
  xc__engine_free(f->e);
  xc_tsrv_stop(f->srv);
  free(f);
}

static const char *url(fixture *f, const char *path) {
  static char u[256];
  snprintf(u, sizeof u, "%s%s", f->base, path);
  return u;
}

static void basic(bool tls) {
  fixture *f = fx_new(tls);
  result *r = run(f->e, "GET", url(f, "/echo?a=1&b=2"), NULL, 0, NULL);
  assert_int_equal(r->st, XC_OK);
  assert_int_equal(r->status, 200);
  assert_non_null(strstr(r->body, "\"method\":\"GET\""));
  assert_non_null(strstr(r->body, "\"path\":\"/echo?a=1&b=2\""));
  assert_string_equal(r->weight, "7");
  assert_string_equal(r->echo_key, "abc");
  assert_int_equal(r->version, 11);
  res_free(r);
  /* keep-alive: the next requests reuse the connection */
  for (int i = 0; i < 5; i++) {
    r = run(f->e, "POST", url(f, "/echo"), "symbol=BTCUSDT&side=BUY", 0, NULL);
    assert_int_equal(r->st, XC_OK);
    assert_non_null(strstr(r->body, "\"method\":\"POST\""));
    assert_non_null(strstr(r->body, "\"body\":\"symbol=BTCUSDT&side=BUY\""));
    assert_true(r->reused);
    res_free(r);
  }
  r = run(f->e, "DELETE", url(f, "/echo?orderId=5"), NULL, 0, NULL);
  assert_int_equal(r->st, XC_OK);
  assert_non_null(strstr(r->body, "\"method\":\"DELETE\""));
  res_free(r);
  assert_int_equal(xc_tsrv_accepted(f->srv), 1);
  fx_free(f);
}

static void test_basic_plain(void **s) { (void)s; basic(false); }
static void test_basic_tls(void **s) { (void)s; basic(true); }

static void test_status_rules(void **s) {
  (void)s;
  fixture *f = fx_new(false);
  result *r = run(f->e, "GET", url(f, "/400"), NULL, 0, NULL);
  assert_int_equal(r->st, XC_OK); /* venue rejections are the venue layer's to read */
  assert_int_equal(r->status, 400);
  assert_string_equal(r->body, "{\"code\":-1102}");
  res_free(r);
  r = run(f->e, "GET", url(f, "/500"), NULL, 0, NULL);
  assert_int_equal(r->st, XC_EHTTP);
  assert_int_equal(r->status, 500);
  res_free(r);
  r = run(f->e, "POST", url(f, "/500"), "x=1", 0, NULL);
  assert_int_equal(r->st, XC_EUNKNOWN_OUTCOME);
  assert_int_equal(r->status, 500);
  res_free(r);
  /* timeouts: GET -> timed out; POST -> unknown outcome */
  r = run(f->e, "GET", url(f, "/slow"), NULL, 300, NULL);
  assert_int_equal(r->st, XC_ETIMEDOUT);
  res_free(r);
  r = run(f->e, "POST", url(f, "/slow"), "x=1", 300, NULL);
  assert_int_equal(r->st, XC_EUNKNOWN_OUTCOME);
  res_free(r);
  /* Connection dropped after the request was read, on a reused keep-alive connection: libcurl
   * would retry on a fresh connection. Allowed for a GET (it is dropped again: two hits), refused
   * for a POST (one hit, unknown outcome) -- with and without a body. */
  r = run(f->e, "GET", url(f, "/echo"), NULL, 0, NULL); /* a live keep-alive connection */
  res_free(r);
  int before = atomic_load(&g_hits);
  r = run(f->e, "GET", url(f, "/drop"), NULL, 0, NULL);
  assert_int_equal(r->st, XC_ECLOSED);
  res_free(r);
  assert_int_equal(atomic_load(&g_hits) - before, 2);
  const char *bodies[] = {"x=1", NULL};
  for (int i = 0; i < 2; i++) {
    r = run(f->e, "GET", url(f, "/echo"), NULL, 0, NULL); /* the POST will reuse this one */
    assert_int_equal(r->st, XC_OK);
    res_free(r);
    before = atomic_load(&g_hits);
    r = run(f->e, "POST", url(f, "/drop"), bodies[i], 0, NULL);
    assert_int_equal(r->st, XC_EUNKNOWN_OUTCOME);
    res_free(r);
    assert_int_equal(atomic_load(&g_hits) - before, 1); /* never re-sent */
  }
  /* on a fresh connection too */
  before = atomic_load(&g_hits);
  r = run(f->e, "POST", url(f, "/drop"), "x=1", 0, NULL);
  assert_int_equal(r->st, XC_EUNKNOWN_OUTCOME);
  res_free(r);
  assert_int_equal(atomic_load(&g_hits) - before, 1);
  /* response cap */
  xc__http_req rq;
  xc__http_req_default(&rq);
  rq.url = url(f, "/big");
  rq.max_body = 1000;
  result *res = calloc(1, sizeof *res);
  pthread_mutex_init(&res->mu, NULL);
  pthread_cond_init(&res->cv, NULL);
  res->e = f->e;
  assert_int_equal(xc__http_request(f->e, &rq, on_done, res), XC_OK);
  pthread_mutex_lock(&res->mu);
  while (!res->done) pthread_cond_wait(&res->cv, &res->mu);
  pthread_mutex_unlock(&res->mu);
  assert_int_equal(res->st, XC_EFULL);
  res_free(res);
  /* invalid arguments never call back */
  rq.url = "ftp://localhost/x";
  assert_int_equal(xc__http_request(f->e, &rq, on_done, NULL), XC_EINVAL);
  fx_free(f);
}

static void test_refused(void **s) {
  (void)s;
  fixture *f = fx_new(false);
  int port = xc_tsrv_port(f->srv);
  xc_tsrv_refuse(f->srv, 1);
  char u[128];
  snprintf(u, sizeof u, "http://127.0.0.1:%d/echo", port);
  result *r = run(f->e, "POST", u, "x=1", 0, NULL);
  /* accepted then reset before any byte was read: the server never saw the request */
  assert_true(r->st == XC_ECLOSED || r->st == XC_ECONN || r->st == XC_EUNKNOWN_OUTCOME);
  res_free(r);
  /* a closed port: refused before sending -> ECONN even for POST */
  r = run(f->e, "POST", "http://127.0.0.1:1/x", "x=1", 0, NULL);
  assert_int_equal(r->st, XC_ECONN);
  res_free(r);
  fx_free(f);
}

/* A TLS server that accepts and then freezes: the connect timeout fires; a POST that never got
 * through the handshake is a plain timeout, not an unknown outcome. */
static void test_frozen_tls_handshake(void **s) {
  (void)s;
  const char *ca, *cert, *key;
  assert_int_equal(xc_tsrv_make_certs(&ca, &cert, &key), 0);
  xc_tsrv_opts so = {0};
  so.on_http = on_http;
  so.tls = true;
  so.cert_file = cert;
  so.key_file = key;
  xc_tsrv *srv = xc_tsrv_start(&so);
  xc_tsrv_stall_new(srv, 2);
  xc__engine_opts eo;
  xc__engine_opts_default(&eo);
  eo.ca_file = ca;
  eo.connect_timeout_ms = 300;
  xc__engine *e;
  assert_int_equal(xc__engine_new(&eo, &e), XC_OK);
  char u[128];
  snprintf(u, sizeof u, "https://localhost:%d/echo", xc_tsrv_port(srv));
  uint64_t t0 = xc_mono_ns();
  result *r = run(e, "POST", u, "x=1", 5000, NULL);
  uint64_t ms = (xc_mono_ns() - t0) / 1000000;
  assert_int_equal(r->st, XC_ETIMEDOUT);
  assert_true(ms >= 290 && ms < 2000);
  res_free(r);
  r = run(e, "GET", u, NULL, 5000, NULL);
  assert_int_equal(r->st, XC_ETIMEDOUT);
  res_free(r);
  r = run(e, "POST", u, "x=1", 5000, NULL); /* the server answers again */
  assert_int_equal(r->st, XC_OK);
  res_free(r);
  xc__engine_free(e);
  xc_tsrv_stop(srv);
}

static void test_tls_verification(void **s) {
  (void)s;
  const char *ca, *cert, *key;
  assert_int_equal(xc_tsrv_make_certs(&ca, &cert, &key), 0);
  xc_tsrv_opts so = {0};
  so.on_http = on_http;
  so.tls = true;
  so.cert_file = cert;
  so.key_file = key;
  xc_tsrv *srv = xc_tsrv_start(&so);
  char u[128];
  /* default trust store: the test CA is unknown -> TLS error */
  xc__engine *e;
  assert_int_equal(xc__engine_new(NULL, &e), XC_OK);
  snprintf(u, sizeof u, "https://localhost:%d/echo", xc_tsrv_port(srv));
  result *r = run(e, "GET", u, NULL, 0, NULL);
  assert_int_equal(r->st, XC_ETLS);
  res_free(r);
  xc__engine_free(e);
  /* right CA, wrong name -> TLS error */
  xc__engine_opts eo;
  xc__engine_opts_default(&eo);
  eo.ca_file = ca;
  assert_int_equal(xc__engine_new(&eo, &e), XC_OK);
  snprintf(u, sizeof u, "https://127.0.0.2:%d/echo", xc_tsrv_port(srv));
  r = run(e, "GET", u, NULL, 2000, NULL);
  assert_true(r->st == XC_ETLS || r->st == XC_ECONN);
  res_free(r);
  snprintf(u, sizeof u, "https://localhost:%d/echo", xc_tsrv_port(srv));
  r = run(e, "GET", u, NULL, 0, NULL);
  assert_int_equal(r->st, XC_OK);
  res_free(r);
  xc__engine_free(e);
  xc_tsrv_stop(srv);
}

/* Requests in flight at shutdown complete exactly once with XC_ECANCELED. */
static _Atomic int g_cancel_cb, g_other_cb;
static void on_cancel(xc_status st, const xc__http_resp *r, void *user) {
  (void)r;
  (void)user;
  if (st == XC_ECANCELED) atomic_fetch_add(&g_cancel_cb, 1);
  else atomic_fetch_add(&g_other_cb, 1);
}

static void test_cancel_at_shutdown(void **s) {
  (void)s;
  fixture *f = fx_new(false);
  xc__http_req rq;
  xc__http_req_default(&rq);
  rq.url = url(f, "/slow");
  for (int i = 0; i < 10; i++) assert_int_equal(xc__http_request(f->e, &rq, on_cancel, NULL), XC_OK);
  usleep(100000);
  fx_free(f);
  assert_int_equal(atomic_load(&g_cancel_cb), 10);
  assert_int_equal(atomic_load(&g_other_cb), 0);
}

/* The breaker opens after a 5xx burst, fails fast, lets a probe through after open_ms and
 * closes on its success. */
static char g_trans[256];
static void on_brk(const char *name, const xc_breaker_event *ev, void *user) {
  (void)user;
  size_t n = strlen(g_trans);
  snprintf(g_trans + n, sizeof g_trans - n, "%s%s:%s", n ? "," : "", name, xc_breaker_state_name(ev->to));
}
static uint64_t now_ms(void) { return xc_mono_ns() / 1000000; }

static void test_breaker(void **s) {
  (void)s;
  fixture *f = fx_new(false);
  xc_breaker_opts bo;
  xc_breaker_opts_default(&bo);
  bo.consecutive_failures = 3;
  bo.window_ms = 0;
  /* 200 ms; longer on a loaded machine so that the fail-fast request right after opening and the
   * state check right after a failed probe cannot straddle the open timeout */
  unsigned k = (unsigned)(xc_test_time_scale() < 4 ? xc_test_time_scale() : 4);
  bo.open_timeout_ms = 200 * k;
  bo.open_timeout_max_ms = 200 * k;
  xc__breaker_group *br;
  assert_int_equal(xc__breaker_group_new("sim.rest", &bo, on_brk, NULL, &br), XC_OK);
  atomic_store(&g_fail_left, 4);
  result *r;
  for (int i = 0; i < 3; i++) {
    r = run(f->e, "GET", url(f, "/flaky"), NULL, 0, br);
    assert_int_equal(r->st, XC_EHTTP);
    res_free(r);
  }
  assert_int_equal(xc__breaker_group_state(br, now_ms()), XC_BREAKER_OPEN);
  int hits = atomic_load(&g_hits);
  r = run(f->e, "GET", url(f, "/flaky"), NULL, 0, br);
  assert_int_equal(r->st, XC_EBREAKER);
  res_free(r);
  assert_int_equal(atomic_load(&g_hits), hits); /* failed fast: no I/O */
  usleep(250000 * k);
  r = run(f->e, "GET", url(f, "/flaky"), NULL, 0, br); /* probe fails (4th 503) -> open again */
  assert_int_equal(r->st, XC_EHTTP);
  res_free(r);
  assert_int_equal(xc__breaker_group_state(br, now_ms()), XC_BREAKER_OPEN);
  usleep(250000 * k);
  r = run(f->e, "GET", url(f, "/flaky"), NULL, 0, br); /* probe succeeds -> closed */
  assert_int_equal(r->st, XC_OK);
  res_free(r);
  assert_int_equal(xc__breaker_group_state(br, now_ms()), XC_BREAKER_CLOSED);
  assert_string_equal(g_trans, "sim.rest:open,sim.rest:half_open,sim.rest:open,sim.rest:half_open,sim.rest:closed");
  /* 4xx is not a breaker failure */
  for (int i = 0; i < 5; i++) {
    r = run(f->e, "GET", url(f, "/400"), NULL, 0, br);
    res_free(r);
  }
  assert_int_equal(xc__breaker_group_state(br, now_ms()), XC_BREAKER_CLOSED);
  fx_free(f);
  xc__breaker_group_free(br);
}

/* Many concurrent requests from several threads; every callback runs exactly once. */
static _Atomic int g_conc_ok, g_conc_cb;
static void on_conc(xc_status st, const xc__http_resp *r, void *user) {
  (void)user;
  atomic_fetch_add(&g_conc_cb, 1);
  if (st == XC_OK && r->status == 200) atomic_fetch_add(&g_conc_ok, 1);
}
typedef struct targ { fixture *f; int n; } targ;
static void *submitter(void *arg) {
  targ *t = arg;
  xc__http_req rq;
  xc__http_req_default(&rq);
  char u[256];
  snprintf(u, sizeof u, "%s/echo", t->f->base);
  rq.url = u;
  for (int i = 0; i < t->n; i++) {
    xc_status st;
    while ((st = xc__http_request(t->f->e, &rq, on_conc, NULL)) == XC_EFULL) usleep(100);
    assert_int_equal(st, XC_OK);
  }
  return NULL;
}

static void test_concurrent(void **s) {
  (void)s;
  fixture *f = fx_new(false);
  pthread_t th[4];
  targ a = {f, 50};
  for (int i = 0; i < 4; i++) pthread_create(&th[i], NULL, submitter, &a);
  for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
  XC_WAIT_UNTIL(atomic_load(&g_conc_cb) >= 200, 10000);
  assert_int_equal(atomic_load(&g_conc_cb), 200);
  assert_int_equal(atomic_load(&g_conc_ok), 200);
  fx_free(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_basic_plain),  cmocka_unit_test(test_basic_tls),
      cmocka_unit_test(test_status_rules), cmocka_unit_test(test_refused),
      cmocka_unit_test(test_tls_verification), cmocka_unit_test(test_cancel_at_shutdown),
      cmocka_unit_test(test_frozen_tls_handshake),
      cmocka_unit_test(test_breaker),      cmocka_unit_test(test_concurrent),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
