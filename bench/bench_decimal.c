/* xc_dec micro-benchmarks: ns/op for the operations on the market-data hot path.
 * Each loop runs over a small array of inputs so the branch predictor sees realistic variety
 * without the loop being dominated by memory traffic. Prints figures; asserts nothing. */
#include <stdio.h>
#include <string.h>

#include "benchutil.h"
#include "xconn/decimal.h"

#define N 16

static const char *PRICES[N] = {
    "97000.01000000", "96999.99000000", "97001.50000000", "96998.12000000", "97000.00000000",
    "97003.27000000", "96990.01000000", "97010.10000000", "97000.02000000", "96999.98000000",
    "97004.44000000", "96995.55000000", "97000.03000000", "96999.97000000", "97007.07000000",
    "96992.92000000"};
static const char *QTYS[N] = {"0.00123000", "1.50000000", "0.00010000", "12.34567800", "0.50000000",
                              "3.00000000", "0.07500000", "0.00000100", "25.00000000", "0.33333333",
                              "0.00200000", "7.77700000", "0.01000000", "100.00000000", "0.12345678",
                              "2.00000000"};

static uint64_t iters(void) { return 4u << 20; }

static void bench_parse(const char *name, const char **in) {
  size_t len[N];
  for (int i = 0; i < N; i++) len[i] = strlen(in[i]);
  uint64_t n = iters(), a0 = xc_bench_allocs(), t0 = xc_bench_now_ns();
  for (uint64_t i = 0; i < n; i++) {
    xc_dec d;
    xc_dec_parse(in[i % N], len[i % N], &d);
    XC_BENCH_KEEP(d.coef);
  }
  uint64_t t1 = xc_bench_now_ns();
  xc_bench_report(name, n, t1 - t0, (double)(xc_bench_allocs() - a0) / (double)n);
}

int main(void) {
  xc_dec p[N], q[N], p2[N];
  for (int i = 0; i < N; i++) {
    xc_dec_from_cstr(PRICES[i], &p[i]);
    xc_dec_from_cstr(QTYS[i], &q[i]);
    p2[i] = xc_dec_normalize(p[i]); /* different exponent from q */
  }
  bench_parse("dec parse price \"97000.01000000\"", PRICES);
  bench_parse("dec parse qty (8 decimals)", QTYS);

  uint64_t n = iters(), t0, t1;
  volatile uint64_t sink = 0;

  t0 = xc_bench_now_ns();
  for (uint64_t i = 0; i < n; i++) {
    xc_dec r;
    xc_dec_add(p[i % N], q[(i + 3) % N], &r);
    XC_BENCH_KEEP(r.coef);
  }
  t1 = xc_bench_now_ns();
  xc_bench_report("dec add (same exp)", n, t1 - t0, -1);

  t0 = xc_bench_now_ns();
  for (uint64_t i = 0; i < n; i++) {
    xc_dec r;
    xc_dec_add(p2[i % N], q[(i + 3) % N], &r);
    XC_BENCH_KEEP(r.coef);
  }
  t1 = xc_bench_now_ns();
  xc_bench_report("dec add (different exp)", n, t1 - t0, -1);

  t0 = xc_bench_now_ns();
  for (uint64_t i = 0; i < n; i++) sink += (uint64_t)xc_dec_cmp(p[i % N], p[(i + 5) % N]);
  t1 = xc_bench_now_ns();
  xc_bench_report("dec cmp (same exp)", n, t1 - t0, -1);

  t0 = xc_bench_now_ns();
  for (uint64_t i = 0; i < n; i++) sink += (uint64_t)xc_dec_cmp(p2[i % N], p[(i + 5) % N]);
  t1 = xc_bench_now_ns();
  xc_bench_report("dec cmp (different exp)", n, t1 - t0, -1);

  t0 = xc_bench_now_ns();
  for (uint64_t i = 0; i < n; i++) {
    xc_dec r;
    xc_dec_mul(p[i % N], q[(i + 3) % N], &r);
    XC_BENCH_KEEP(r.coef);
  }
  t1 = xc_bench_now_ns();
  xc_bench_report("dec mul (price x qty)", n, t1 - t0, -1);

  char buf[XC_DEC_STR_MAX];
  t0 = xc_bench_now_ns();
  for (uint64_t i = 0; i < n; i++) {
    int len = xc_dec_to_str(p[i % N], buf, sizeof buf);
    XC_BENCH_KEEP(len);
    XC_BENCH_KEEP(buf[0]);
  }
  t1 = xc_bench_now_ns();
  xc_bench_report("dec format (canonical)", n, t1 - t0, -1);

  t0 = xc_bench_now_ns();
  for (uint64_t i = 0; i < n; i++) {
    int len = xc_dec_to_str_fixed(q[i % N], 8, XC_ROUND_HALF_EVEN, buf, sizeof buf);
    XC_BENCH_KEEP(len);
    XC_BENCH_KEEP(buf[0]);
  }
  t1 = xc_bench_now_ns();
  xc_bench_report("dec format fixed (8 places)", n, t1 - t0, -1);

  xc_dec tick, tickn;
  xc_dec_from_cstr("0.01000000", &tick);
  tickn = xc_dec_normalize(tick);
  t0 = xc_bench_now_ns();
  for (uint64_t i = 0; i < n; i++) {
    int64_t t;
    xc_dec_to_ticks(p[i % N], tick, XC_ROUND_EXACT, &t);
    XC_BENCH_KEEP(t);
  }
  t1 = xc_bench_now_ns();
  xc_bench_report("dec to_ticks (tick \"0.01000000\", same exp)", n, t1 - t0, -1);

  t0 = xc_bench_now_ns();
  for (uint64_t i = 0; i < n; i++) {
    int64_t t;
    xc_dec_to_ticks(p[i % N], tickn, XC_ROUND_EXACT, &t);
    XC_BENCH_KEEP(t);
  }
  t1 = xc_bench_now_ns();
  xc_bench_report("dec to_ticks (tick 1e-2, normalized)", n, t1 - t0, -1);

  t0 = xc_bench_now_ns();
  for (uint64_t i = 0; i < n; i++) {
    xc_dec r;
    xc_dec_from_ticks((int64_t)(9700000 + (i & 1023)), tick, &r);
    XC_BENCH_KEEP(r.coef);
  }
  t1 = xc_bench_now_ns();
  xc_bench_report("dec from_ticks", n, t1 - t0, -1);

  t0 = xc_bench_now_ns();
  for (uint64_t i = 0; i < n; i++) {
    xc_dec r;
    xc_dec_quantize(q[i % N], tickn, XC_ROUND_DOWN, &r);
    XC_BENCH_KEEP(r.coef);
  }
  t1 = xc_bench_now_ns();
  xc_bench_report("dec quantize (qty to 0.01, floor)", n, t1 - t0, -1);

  t0 = xc_bench_now_ns();
  for (uint64_t i = 0; i < n / 4; i++) {
    xc_dec r;
    xc_dec_div(p[i % N], q[(i + 1) % N], 8, XC_ROUND_HALF_EVEN, &r);
    XC_BENCH_KEEP(r.coef);
  }
  t1 = xc_bench_now_ns();
  xc_bench_report("dec div (8 places)", n / 4, t1 - t0, -1);
  (void)sink;
  return 0;
}
