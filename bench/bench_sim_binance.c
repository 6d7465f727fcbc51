/* Benchmark: the simulator's Binance payload formatters (the per-message cost of market-data
 * streams and user data events) and request authentication. Prints figures, asserts nothing. */
#include <stdio.h>
#include <string.h>

#include "benchutil.h"
#include "core/json.h"
#include "sim/binance_fmt.h"
#include "sim/binance_params.h"

static xc_dec D(const char *s) {
  xc_dec d = XC_DEC_ZERO;
  xc_dec_from_cstr(s, &d);
  return d;
}

int main(void) {
  xc_buf b;
  xc_buf_init(&b);
  xc__bn_places spot = {8, 8, 8}, fut = {1, 3, -1};
  xc__bn_trade_view t = {123456789, D("60012.34"), D("0.00125"), 1795498795001, true};

  /* trade event */
  const int N = 400000;
  uint64_t a0 = xc_bench_allocs(), t0 = xc_bench_now_ns();
  for (int i = 0; i < N; i++) {
    xc_buf_reset(&b);
    xc_jw w;
    xc_jw_init(&w, &b);
    t.id = i;
    xc__bn_trade_event(&w, "BTCUSDT", &t, 1795498795002, &spot);
    XC_BENCH_KEEP(b.len);
  }
  xc_bench_report("spot trade event", N, xc_bench_now_ns() - t0, (double)(xc_bench_allocs() - a0) / N);

  /* depthUpdate with 10 + 10 changed levels */
  xc__bn_level bids[10], asks[10];
  for (int i = 0; i < 10; i++) {
    xc_dec_from_i64(6001200 - i * 7, -2, &bids[i].price);
    xc_dec_from_i64(6001300 + i * 7, -2, &asks[i].price);
    xc_dec_from_i64(125 + i, -5, &bids[i].qty);
    xc_dec_from_i64(i ? 250 + i : 0, -5, &asks[i].qty);
  }
  const int M = 100000;
  a0 = xc_bench_allocs();
  t0 = xc_bench_now_ns();
  for (int i = 0; i < M; i++) {
    xc_buf_reset(&b);
    xc_jw w;
    xc_jw_init(&w, &b);
    xc__bn_depth_update(&w, "BTCUSDT", 1000 + i * 20, 1019 + i * 20, 999 + i * 20, bids, 10, asks, 10, true,
                        1795498795002, &fut);
    XC_BENCH_KEEP(b.len);
  }
  xc_bench_report("futures depthUpdate 10+10 levels", M, xc_bench_now_ns() - t0, (double)(xc_bench_allocs() - a0) / M);
  printf("  (%zu bytes per depthUpdate)\n", b.len);

  /* executionReport */
  xc__bn_order_view o = {.symbol = "BTCUSDT", .order_id = 42, .client_id = "x-abc", .side = "BUY", .type = "LIMIT",
                         .tif = "GTC", .status = "PARTIALLY_FILLED", .price = D("60000"), .orig_qty = D("0.01"),
                         .executed_qty = D("0.004"), .cum_quote = D("240"), .time = 1, .update_time = 2,
                         .working_time = 1, .is_working = true};
  xc__bn_exec_view x = {.o = &o, .exec_type = "TRADE", .last_qty = D("0.004"), .last_price = D("60000"),
                        .commission = D("0.24"), .commission_asset = "USDT", .trade_id = 77, .exec_id = 5,
                        .event_time = 3, .tx_time = 3};
  a0 = xc_bench_allocs();
  t0 = xc_bench_now_ns();
  for (int i = 0; i < M; i++) {
    xc_buf_reset(&b);
    xc_jw w;
    xc_jw_init(&w, &b);
    xc__bn_spot_exec_report(&w, &x, &spot);
    XC_BENCH_KEEP(b.len);
  }
  xc_bench_report("spot executionReport", M, xc_bench_now_ns() - t0, (double)(xc_bench_allocs() - a0) / M);

  /* REST parameters + HMAC authentication of a signed order request */
  static xc__bn_params p;
  const char *q = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=60000.00&"
                  "newClientOrderId=x-TKT5PX2F1234567890&recvWindow=5000&timestamp=1795498795000";
  char body[512], hex[65];
  xc__bn_hmac_hex("secret", q, strlen(q), hex);
  snprintf(body, sizeof body, "%s&signature=%s", q, hex);
  xc__bn_keys keys = {"key", "secret"};
  const int K = 100000;
  int bad = 0;
  a0 = xc_bench_allocs();
  t0 = xc_bench_now_ns();
  for (int i = 0; i < K; i++) {
    xc__bn_err e;
    e.code = 0;
    xc__bn_params_parse(&p, NULL, 0, body, strlen(body));
    bad += xc__bn_auth_rest(&p, "key", &keys, XC__BN_SEC_SIGNED, 1795498795100, false, &e) != 0;
  }
  xc_bench_report("REST params + HMAC auth (order)", K, xc_bench_now_ns() - t0, (double)(xc_bench_allocs() - a0) / K);
  if (bad) printf("  (%d authentications failed)\n", bad);
  xc_buf_free(&b);
  return 0;
}
