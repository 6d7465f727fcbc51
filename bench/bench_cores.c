/* Benchmarks of the sans-I/O control cores: the cost each adds to a request or an update.
 * Prints figures only. */
#include <stdio.h>
#include <string.h>

#include "benchutil.h"
#include "core/backoff.h"
#include "core/breaker.h"
#include "core/clocksync.h"
#include "core/ratelimit.h"
#include "orders/dedup.h"
#include "orders/fsm.h"

#define N 2000000

static void bench_rl_binance(void) {
  xc_rl *rl;
  xc_rl_new(NULL, &rl);
  xc_rl_add_binance_defaults(rl, false);
  xc_rl_add(rl, XC_RL_REQUEST_WEIGHT, XC_RL_FIXED, 60000, 1000000000, NULL, NULL);
  xc_rl_add(rl, XC_RL_ORDERS, XC_RL_FIXED, 10000, 1000000000, NULL, NULL);
  xc_rl_add(rl, XC_RL_ORDERS, XC_RL_FIXED, 86400000, 1000000000, NULL, NULL);
  xc_rl_add(rl, XC_RL_RAW_REQUESTS, XC_RL_FIXED, 300000, 1000000000, NULL, NULL);
  int64_t now = 1700000000000LL, wait;
  uint64_t a0 = xc_bench_allocs(), t0 = xc_bench_now_ns();
  for (int i = 0; i < N; i++) {
    xc_status st = xc_rl_acquire(rl, now + i / 100, 1, 1, XC_RL_FAIL, &wait);
    XC_BENCH_KEEP(st);
  }
  uint64_t t1 = xc_bench_now_ns();
  xc_bench_report("rl_acquire binance (4 fixed windows)", N, t1 - t0, (double)(xc_bench_allocs() - a0) / N);
  t0 = xc_bench_now_ns();
  for (int i = 0; i < N; i++) {
    xc_status st = xc_rl_binance_header(rl, "X-MBX-USED-WEIGHT-1M", 20, "1234", 4, now, now + 5);
    XC_BENCH_KEEP(st);
  }
  t1 = xc_bench_now_ns();
  xc_bench_report("rl_binance_header", N, t1 - t0, -1);
  xc_rl_free(rl);
}

static void bench_rl_bybit(void) {
  xc_rl *rl;
  xc_rl_new(NULL, &rl);
  xc_rl_add_bybit_defaults(rl, "linear");
  int ep = xc_rl_find_endpoint(rl, "linear:GET /v5/order/realtime");
  int64_t now = 1700000000000LL, wait;
  xc_rl_req q = {.endpoint = ep};
  uint64_t ok = 0, a0 = xc_bench_allocs(), t0 = xc_bench_now_ns();
  for (int i = 0; i < N; i++) {
    /* ~45 requests/s: the endpoint log (50/s) and the IP log (600/5 s) stay near full */
    ok += xc_rl_acquire_req(rl, now + (int64_t)i * 22, &q, XC_RL_FAIL, &wait) == XC_OK;
  }
  uint64_t t1 = xc_bench_now_ns();
  xc_bench_report("rl_acquire bybit (endpoint + IP sliding logs, near full)", N, t1 - t0,
                  (double)(xc_bench_allocs() - a0) / N);
  printf("  granted %llu of %d\n", (unsigned long long)ok, N);
  xc_rl_free(rl);

  /* WAIT-mode flood over four endpoints: the shared IP log fills with reservations */
  xc_rl_new(NULL, &rl);
  xc_rl_add_bybit_defaults(rl, "linear");
  int eps[4] = {xc_rl_find_endpoint(rl, "linear:GET /v5/order/realtime"),
                xc_rl_find_endpoint(rl, "linear:GET /v5/position/list"),
                xc_rl_find_endpoint(rl, "linear:GET /v5/account/wallet-balance"),
                xc_rl_find_endpoint(rl, "linear:GET /v5/execution/list")};
  ok = 0;
  t0 = xc_bench_now_ns();
  for (int i = 0; i < N / 4; i++) {
    xc_rl_req w = {.endpoint = eps[i % 4]};
    ok += xc_rl_acquire_req(rl, now + i / 2, &w, XC_RL_WAIT, &wait) == XC_OK;
  }
  t1 = xc_bench_now_ns();
  xc_bench_report("rl_acquire bybit WAIT flood (2000 req/s offered)", N / 4, t1 - t0, -1);
  printf("  reserved %llu of %d\n", (unsigned long long)ok, N / 4);
  xc_rl_free(rl);
}

static void bench_breaker(void) {
  xc_breaker b;
  xc_breaker_init(&b, NULL);
  uint64_t t0 = xc_bench_now_ns();
  for (int i = 0; i < N; i++) {
    uint64_t now = (uint64_t)i / 10;
    if (xc_breaker_allow(&b, now) == XC_OK) xc_breaker_record(&b, now, (i % 7) ? XC_OK : XC_ETIMEDOUT);
  }
  uint64_t t1 = xc_bench_now_ns();
  xc_bench_report("breaker allow+record", N, t1 - t0, -1);
}

static void bench_backoff(void) {
  xc_backoff b;
  xc_backoff_init(&b, NULL);
  uint64_t t0 = xc_bench_now_ns(), s = 0;
  for (int i = 0; i < N; i++) {
    s += xc_backoff_next(&b);
    if (i % 10 == 9) xc_backoff_reset(&b);
  }
  uint64_t t1 = xc_bench_now_ns();
  XC_BENCH_KEEP(s);
  xc_bench_report("backoff next", N, t1 - t0, -1);
}

static void bench_clocksync(void) {
  xc_clocksync cs;
  xc_clocksync_init(&cs, NULL);
  int64_t t = 1700000000000LL;
  uint64_t t0 = xc_bench_now_ns();
  for (int i = 0; i < N / 4; i++) xc_clocksync_add_sample(&cs, t + i * 10, t + i * 10 + 5005 + i % 7, t + i * 10 + 10 + i % 13, NULL);
  uint64_t t1 = xc_bench_now_ns();
  xc_bench_report("clocksync add_sample (8 kept, median of 3)", N / 4, t1 - t0, -1);
  t0 = xc_bench_now_ns();
  int64_t s = 0;
  for (int i = 0; i < N; i++) s += xc_clocksync_timestamp(&cs, t + i);
  t1 = xc_bench_now_ns();
  XC_BENCH_KEEP(s);
  xc_bench_report("clocksync timestamp", N, t1 - t0, -1);
}

static void bench_dedup_fsm(void) {
  xc_dedup *d;
  xc_dedup_new(4096, &d);
  char key[32];
  uint64_t a0 = xc_bench_allocs(), t0 = xc_bench_now_ns();
  for (int i = 0; i < N; i++) {
    int n = snprintf(key, sizeof key, "BTCUSDT:%d", i);
    xc_status st = xc_dedup_insert(d, key, (size_t)n);
    XC_BENCH_KEEP(st);
  }
  uint64_t t1 = xc_bench_now_ns();
  xc_bench_report("dedup insert (4096 cap, evicting; incl. snprintf)", N, t1 - t0,
                  (double)(xc_bench_allocs() - a0) / N);
  t0 = xc_bench_now_ns();
  for (int i = 0; i < N; i++) {
    int n = snprintf(key, sizeof key, "BTCUSDT:%d", N - 1 - (i % 4096));
    XC_BENCH_KEEP(xc_dedup_contains(d, key, (size_t)n));
  }
  t1 = xc_bench_now_ns();
  xc_bench_report("dedup contains hit (incl. snprintf)", N, t1 - t0, -1);

  xc_dedup_clear(d);
  xc_dec one, cum = XC_DEC_ZERO, q;
  xc_dec_from_i64(1, -3, &one);
  xc_dec_from_i64(1000000, 0, &q);
  xc_order_fsm f;
  xc_order_fsm_init(&f, q);
  xc_order_fsm_apply(&f, XC_ORDER_NEW, NULL, NULL);
  a0 = xc_bench_allocs();
  t0 = xc_bench_now_ns();
  for (int i = 0; i < N / 2; i++) {
    int n = snprintf(key, sizeof key, "t%d", i);
    unsigned ch;
    xc_order_fsm_fill(&f, d, key, (size_t)n, one, &ch);
    xc_dec_add(cum, one, &cum);
    xc_order_fsm_apply(&f, XC_ORDER_PARTIALLY_FILLED, &cum, &ch);
  }
  t1 = xc_bench_now_ns();
  xc_bench_report("order fill + status update (dedup, decimals)", N / 2, t1 - t0,
                  (double)(xc_bench_allocs() - a0) / (N / 2));
  xc_dedup_free(d);
}

int main(void) {
  bench_rl_binance();
  bench_rl_bybit();
  bench_breaker();
  bench_backoff();
  bench_clocksync();
  bench_dedup_fsm();
  return 0;
}
