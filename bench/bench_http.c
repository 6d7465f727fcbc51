/* HTTP client benchmark over loopback, plain and TLS, keep-alive: requests/s and latency
 * (submit -> callback) at 1 and 8 requests in flight. The server is the tests' thread-per-
 * connection loopback server (tests/tsrv.c), compiled in here, so absolute figures are bounded by
 * it; the numbers show the client's overhead and that connections are reused. */
#include "../tests/tsrv.c"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchutil.h"
#include "core/log.h"
#include "transport/engine.h"
#include "transport/http.h"

#define NREQ 4000

static void on_http(xc_tsrv_conn *c, const xc_tsrv_http_req *rq, xc_tsrv_http_resp *rs, void *u) {
  (void)c;
  (void)rq;
  (void)u;
  strcpy(rs->body, "{\"symbol\":\"BTCUSDT\",\"bidPrice\":\"43000.10\",\"askPrice\":\"43000.20\"}");
  strcpy(rs->headers, "X-MBX-USED-WEIGHT-1M: 2\r\n");
}

typedef struct bctx {
  xc__engine *e;
  const char *url;
  _Atomic int done, ok, submitted;
  int target;
  uint64_t *lat;
  _Atomic int reused;
} bctx;

static void submit(bctx *b);

static void on_done(xc_status st, const xc__http_resp *r, void *user) {
  bctx *b = user;
  int i = atomic_fetch_add(&b->done, 1);
  if (i < NREQ) b->lat[i] = r->elapsed_us;
  if (st == XC_OK && r->status == 200) atomic_fetch_add(&b->ok, 1);
  if (r->reused) atomic_fetch_add(&b->reused, 1);
  submit(b); /* keep the pipeline full */
}

static void submit(bctx *b) {
  if (atomic_fetch_add(&b->submitted, 1) >= b->target) return;
  xc__http_req rq;
  xc__http_req_default(&rq);
  rq.url = b->url;
  xc__http_request(b->e, &rq, on_done, b);
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static void run(bool tls, int inflight) {
  const char *ca = NULL, *cert = NULL, *key = NULL;
  xc_tsrv_opts so = {0};
  so.on_http = on_http;
  if (tls) {
    if (xc_tsrv_make_certs(&ca, &cert, &key) != 0) return;
    so.tls = true;
    so.cert_file = cert;
    so.key_file = key;
  }
  xc_tsrv *srv = xc_tsrv_start(&so);
  xc__engine_opts eo;
  xc__engine_opts_default(&eo);
  eo.ca_file = ca;
  bctx *b = calloc(1, sizeof *b);
  b->lat = calloc(NREQ, sizeof *b->lat);
  if (!srv || xc__engine_new(&eo, &b->e) != XC_OK) return;
  char url[128];
  snprintf(url, sizeof url, "%s://localhost:%d/api/v3/ticker/bookTicker?symbol=BTCUSDT",
           tls ? "https" : "http", xc_tsrv_port(srv));
  b->url = url;
  b->target = NREQ;
  uint64_t a0 = xc_bench_allocs();
  uint64_t t0 = xc_bench_now_ns();
  for (int i = 0; i < inflight; i++) submit(b);
  for (int i = 0; i < 60000 && atomic_load(&b->done) < NREQ; i++) usleep(500);
  uint64_t el = xc_bench_now_ns() - t0;
  int done = atomic_load(&b->done);
  char name[80];
  snprintf(name, sizeof name, "http %s GET keep-alive, %d in flight", tls ? "tls" : "plain", inflight);
  xc_bench_report(name, (uint64_t)done, el, (double)(xc_bench_allocs() - a0) / (done ? done : 1));
  int n = done < NREQ ? done : NREQ;
  qsort(b->lat, (size_t)n, sizeof *b->lat, cmp_u64);
  if (n)
    printf("  http %s x%d: %.0f req/s, latency p50 %llu us, p99 %llu us; %d ok, %d reused, %d TCP connections\n",
           tls ? "tls" : "plain", inflight, (double)done * 1e9 / (double)el,
           (unsigned long long)b->lat[n / 2], (unsigned long long)b->lat[n * 99 / 100],
           atomic_load(&b->ok), atomic_load(&b->reused), xc_tsrv_accepted(srv));
  fflush(stdout);
  xc__engine_free(b->e);
  xc_tsrv_stop(srv);
  free(b->lat);
  free(b);
}

int main(void) {
  xc_log_set(NULL, NULL, XC_LOG_ERROR);
  run(false, 1);
  run(false, 8);
  run(true, 1);
  run(true, 8);
  return 0;
}
