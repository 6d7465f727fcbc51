/* HTTP/2 where offered: against a TLS server that offers h2 over ALPN (libwebsockets on its own
 * thread), the client negotiates HTTP/2 and multiplexes concurrent requests on one connection. */
#include "testutil.h"

#include <libwebsockets.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "transport/engine.h"
#include "transport/http.h"
#include "tsrv.h"

static const char k_body[] = "{\"symbol\":\"BTCUSDT\",\"price\":\"43000.10\"}";
static _Atomic int g_requests, g_conns;

static int srv_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
  switch (reason) {
  case LWS_CALLBACK_HTTP: {
    atomic_fetch_add(&g_requests, 1);
    unsigned char buf[LWS_PRE + 1024], *start = buf + LWS_PRE, *p = start, *end = buf + sizeof buf - 1;
    if (lws_add_http_common_headers(wsi, HTTP_STATUS_OK, "application/json", sizeof k_body - 1, &p, end))
      return 1;
    if (lws_add_http_header_by_name(wsi, (const unsigned char *)"x-mbx-used-weight-1m:",
                                    (const unsigned char *)"3", 1, &p, end))
      return 1;
    if (lws_finalize_write_http_header(wsi, start, &p, end)) return 1;
    lws_callback_on_writable(wsi);
    return 0;
  }
  case LWS_CALLBACK_HTTP_WRITEABLE: {
    unsigned char buf[LWS_PRE + sizeof k_body];
    memcpy(buf + LWS_PRE, k_body, sizeof k_body - 1);
    if (lws_write(wsi, buf + LWS_PRE, sizeof k_body - 1, LWS_WRITE_HTTP_FINAL) != (int)sizeof k_body - 1)
      return 1;
    if (lws_http_transaction_completed(wsi)) return -1;
    return 0;
  }
  case LWS_CALLBACK_SERVER_NEW_CLIENT_INSTANTIATED:
    atomic_fetch_add(&g_conns, 1);
    break;
  default:
    break;
  }
  return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static const struct lws_protocols k_srv_protocols[] = {{"http", srv_cb, 0, 0, 0, NULL, 0},
                                                       {NULL, NULL, 0, 0, 0, NULL, 0}};

typedef struct h2srv {
  struct lws_context *ctx;
  pthread_t th;
  _Atomic bool stop;
  int port;
} h2srv;

static void *srv_main(void *arg) {
  h2srv *s = arg;
  while (!atomic_load(&s->stop))
    if (lws_service(s->ctx, 0) < 0) break;
  return NULL;
}

static h2srv *h2srv_start(const char *cert, const char *key) {
  h2srv *s = calloc(1, sizeof *s);
  struct lws_context_creation_info info;
  memset(&info, 0, sizeof info);
  info.port = 0; /* ephemeral */
  info.iface = "127.0.0.1";
  info.protocols = k_srv_protocols;
  info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
  info.ssl_cert_filepath = cert;
  info.ssl_private_key_filepath = key;
  info.alpn = "h2,http/1.1";
  s->ctx = lws_create_context(&info);
  if (!s->ctx) {
    free(s);
    return NULL;
  }
  s->port = lws_get_vhost_listen_port(lws_get_vhost_by_name(s->ctx, "default"));
  pthread_create(&s->th, NULL, srv_main, s);
  return s;
}

static void h2srv_stop(h2srv *s) {
  atomic_store(&s->stop, true);
  lws_cancel_service(s->ctx);
  pthread_join(s->th, NULL);
  lws_context_destroy(s->ctx);
  free(s);
}

typedef struct res {
  pthread_mutex_t mu;
  int done, ok, h2, reused;
  char weight[16];
} res;

static void on_done(xc_status st, const xc__http_resp *r, void *user) {
  res *x = user;
  pthread_mutex_lock(&x->mu);
  x->done++;
  if (st == XC_OK && r->status == 200 && r->body_len == sizeof k_body - 1 &&
      memcmp(r->body, k_body, r->body_len) == 0)
    x->ok++;
  if (r->http_version == 20) x->h2++;
  const char *w = xc__http_header_get(r, "X-MBX-USED-WEIGHT-1M");
  if (w) snprintf(x->weight, sizeof x->weight, "%s", w);
  pthread_mutex_unlock(&x->mu);
}

static int done_count(res *x) {
  pthread_mutex_lock(&x->mu);
  int d = x->done;
  pthread_mutex_unlock(&x->mu);
  return d;
}

static void test_h2_negotiated_and_multiplexed(void **state) {
  (void)state;
  const char *ca, *cert, *key;
  assert_int_equal(xc_tsrv_make_certs(&ca, &cert, &key), 0);
  lws_set_log_level(LLL_ERR, NULL);
  h2srv *s = h2srv_start(cert, key);
  assert_non_null(s);
  assert_true(s->port > 0);
  xc__engine_opts eo;
  xc__engine_opts_default(&eo);
  eo.ca_file = ca;
  xc__engine *e;
  assert_int_equal(xc__engine_new(&eo, &e), XC_OK);
  char url[128];
  snprintf(url, sizeof url, "https://localhost:%d/api/v3/ticker/price?symbol=BTCUSDT", s->port);
  res x = {0};
  pthread_mutex_init(&x.mu, NULL);
  xc__http_req rq;
  xc__http_req_default(&rq);
  rq.url = url;
  /* one first, so the connection exists; then 20 at once must share it */
  assert_int_equal(xc__http_request(e, &rq, on_done, &x), XC_OK);
  for (int i = 0; i < 3000 && done_count(&x) < 1; i++) usleep(1000);
  for (int i = 0; i < 20; i++) assert_int_equal(xc__http_request(e, &rq, on_done, &x), XC_OK);
  for (int i = 0; i < 5000 && done_count(&x) < 21; i++) usleep(1000);
  assert_int_equal(x.done, 21);
  assert_int_equal(x.ok, 21);
  assert_int_equal(x.h2, 21);
  assert_string_equal(x.weight, "3");
  assert_int_equal(atomic_load(&g_requests), 21);
  assert_int_equal(atomic_load(&g_conns), 1);
  xc__engine_free(e);
  h2srv_stop(s);
  pthread_mutex_destroy(&x.mu);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_h2_negotiated_and_multiplexed)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
