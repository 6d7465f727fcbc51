/* WebSocket client benchmark over loopback, plain and TLS: frames/s (bookTicker-sized text
 * frames blasted by the test server) and frame-to-callback latency (server write -> on_message,
 * same process, monotonic clock) with p50/p99/p99.9. Also allocations per frame (whole process).
 * The loopback server is the tests' fault-injection server (tests/tsrv.c), compiled in here. */
#include "../tests/tsrv.c"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchutil.h"
#include "core/log.h"
#include "transport/engine.h"
#include "transport/ws.h"

#define THRU_BATCH 1000
#define THRU_BATCHES 300
#define LAT_N 20000

typedef struct bctx {
  _Atomic uint64_t msgs;
  _Atomic int open;
  _Atomic int finals;
  bool lat_mode;
  uint64_t *lat;
  _Atomic size_t nlat;
  uint64_t last_ns;
} bctx;

static void on_state(xc__ws *ws, const xc__ws_event *ev, void *user) {
  (void)ws;
  bctx *b = user;
  if (ev->state == XC__WS_OPEN) atomic_store(&b->open, 1);
  if (ev->final) atomic_store(&b->finals, 1);
}

static void on_msg(xc__ws *ws, const char *d, size_t len, bool bin, void *user) {
  (void)ws;
  (void)bin;
  bctx *b = user;
  if (b->lat_mode) {
    uint64_t now = xc_bench_now_ns();
    const char *t = memchr(d, 't', len);
    if (t && t[1] == '"' && t[2] == ':') {
      uint64_t sent = strtoull(t + 3, NULL, 10);
      size_t i = atomic_load_explicit(&b->nlat, memory_order_relaxed);
      if (i < LAT_N) b->lat[i] = now - sent;
      atomic_store_explicit(&b->nlat, i + 1, memory_order_release);
    }
    return;
  }
  b->last_ns = xc_bench_now_ns();
  atomic_fetch_add_explicit(&b->msgs, 1, memory_order_release);
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static void run(bool tls) {
  const char *ca = NULL, *cert = NULL, *key = NULL;
  xc_tsrv_opts so = {0};
  if (tls) {
    if (xc_tsrv_make_certs(&ca, &cert, &key) != 0) {
      printf("ws %s: cannot generate certificates (openssl CLI)\n", tls ? "tls" : "plain");
      return;
    }
    so.tls = true;
    so.cert_file = cert;
    so.key_file = key;
  }
  xc_tsrv *srv = xc_tsrv_start(&so);
  xc__engine_opts eo;
  xc__engine_opts_default(&eo);
  eo.ca_file = ca;
  xc__engine *e;
  if (!srv || xc__engine_new(&eo, &e) != XC_OK) {
    printf("setup failed\n");
    return;
  }
  bctx *b = calloc(1, sizeof *b);
  b->lat = calloc(LAT_N, sizeof *b->lat);
  char url[128];
  snprintf(url, sizeof url, "%s://localhost:%d/ws", tls ? "wss" : "ws", xc_tsrv_port(srv));
  xc__ws_opts o;
  xc__ws_opts_default(&o);
  o.url = url;
  o.on_state = on_state;
  o.on_message = on_msg;
  o.user = b;
  xc__ws *ws;
  if (xc__ws_new(e, &o, &ws) != XC_OK) return;
  xc_tsrv_conn *c = NULL;
  for (int i = 0; i < 5000 && !(atomic_load(&b->open) && (c = xc_tsrv_last_ws(srv))); i++) usleep(1000);
  if (!c) {
    printf("ws %s: no connection\n", tls ? "tls" : "plain");
    return;
  }
  /* ---- throughput ---- */
  char frame[512];
  int flen = snprintf(frame, sizeof frame,
                      "{\"u\":400900217,\"s\":\"BNBUSDT\",\"b\":\"25.35190000\",\"B\":\"31.21000000\","
                      "\"a\":\"25.36520000\",\"A\":\"40.66000000\",\"E\":1700000000000,\"T\":1700000000000}");
  unsigned char hdr[16];
  size_t hl = xc_tsrv_frame_header(hdr, 1, true, (size_t)flen);
  size_t one = hl + (size_t)flen;
  unsigned char *batch = malloc(one * THRU_BATCH);
  for (int i = 0; i < THRU_BATCH; i++) {
    memcpy(batch + one * (size_t)i, hdr, hl);
    memcpy(batch + one * (size_t)i + hl, frame, (size_t)flen);
  }
  uint64_t total = (uint64_t)THRU_BATCH * THRU_BATCHES;
  uint64_t a0 = xc_bench_allocs();
  uint64_t t0 = xc_bench_now_ns();
  for (int k = 0; k < THRU_BATCHES; k++) xc_tsrv_send_raw(c, batch, one * THRU_BATCH);
  for (int i = 0; i < 30000 && atomic_load(&b->msgs) < total; i++) usleep(1000);
  uint64_t got = atomic_load_explicit(&b->msgs, memory_order_acquire);
  uint64_t el = b->last_ns - t0;
  double allocs = (double)(xc_bench_allocs() - a0) / (double)(got ? got : 1);
  char name[64];
  snprintf(name, sizeof name, "ws %s frames (%d B) to callback", tls ? "tls" : "plain", flen);
  xc_bench_report(name, got, el, allocs);
  printf("  ws %s: %.0f frames/s, %.1f MB/s payload (%llu of %llu frames)\n", tls ? "tls" : "plain",
         (double)got * 1e9 / (double)el, (double)got * (double)flen / ((double)el / 1e9) / 1e6,
         (unsigned long long)got, (unsigned long long)total);
  /* ---- latency: one frame at a time, paced ---- */
  b->lat_mode = true;
  usleep(20000);
  for (int i = 0; i < LAT_N; i++) {
    char m[160];
    int n = snprintf(m, sizeof m, "{\"s\":\"BTCUSDT\",\"b\":\"43000.10\",\"a\":\"43000.20\",\"t\":%llu}",
                     (unsigned long long)xc_bench_now_ns());
    xc_tsrv_send_text(c, m, (size_t)n);
    if (i % 4 == 3) usleep(50);
  }
  for (int i = 0; i < 5000 && atomic_load(&b->nlat) < LAT_N; i++) usleep(1000);
  size_t n = atomic_load(&b->nlat);
  if (n > LAT_N) n = LAT_N;
  qsort(b->lat, n, sizeof *b->lat, cmp_u64);
  if (n)
    printf("  ws %s frame-to-callback latency: p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us (n=%zu)\n",
           tls ? "tls" : "plain", (double)b->lat[n / 2] / 1e3, (double)b->lat[n * 99 / 100] / 1e3,
           (double)b->lat[n * 999 / 1000] / 1e3, (double)b->lat[n - 1] / 1e3, n);
  fflush(stdout);
  xc__ws_close(ws);
  for (int i = 0; i < 3000 && !atomic_load(&b->finals); i++) usleep(1000);
  xc__engine_free(e);
  xc_tsrv_stop(srv);
  free(batch);
  free(b->lat);
  free(b);
}

int main(void) {
  xc_log_set(NULL, NULL, XC_LOG_ERROR);
  run(false);
  run(true);
  return 0;
}
