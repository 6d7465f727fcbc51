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

/* Runs `body` n times, 40 short repetitions, and reports the fastest (the machine is shared). */
#define BENCH(name, n, allocs, body)                                                               \
  do {                                                                                             \
    uint64_t best_ = UINT64_MAX, a0_ = xc_bench_allocs();                                          \
    for (int rep_ = 0; rep_ < 40; rep_++) {                                                         \
      uint64_t t0_ = xc_bench_now_ns();                                                            \
      for (uint64_t i = 0; i < (n); i++) {                                                         \
        body;                                                                                      \
      }                                                                                            \
      uint64_t dt_ = xc_bench_now_ns() - t0_;                                                      \
      if (dt_ < best_) best_ = dt_;                                                                \
    }                                                                                              \
    xc_bench_report(name, (n), best_, (allocs) ? (double)(xc_bench_allocs() - a0_) / (40.0 * (n)) : -1); \
  } while (0)

int main(void) {
  const uint64_t n = 1u << 16;
  xc_dec p[N], q[N], p2[N];
  size_t plen[N], qlen[N];
  for (int i = 0; i < N; i++) {
    xc_dec_from_cstr(PRICES[i], &p[i]);
    xc_dec_from_cstr(QTYS[i], &q[i]);
    p2[i] = xc_dec_normalize(p[i]); /* different exponent from q */
    plen[i] = strlen(PRICES[i]);
    qlen[i] = strlen(QTYS[i]);
  }
  BENCH("dec parse price \"97000.01000000\"", n, 1, {
    xc_dec d;
    xc_dec_parse(PRICES[i % N], plen[i % N], &d);
    XC_BENCH_KEEP(d.coef);
  });
  BENCH("dec parse qty (8 decimals)", n, 1, {
    xc_dec d;
    xc_dec_parse(QTYS[i % N], qlen[i % N], &d);
    XC_BENCH_KEEP(d.coef);
  });
  BENCH("dec parse 30 digits (20..38-digit path)", n / 4, 0, {
    xc_dec d;
    xc_dec_parse("123456789012345.123456789012345", 31, &d);
    XC_BENCH_KEEP(d.coef);
  });
  BENCH("dec add (same exp)", n, 0, {
    xc_dec r;
    xc_dec_add(p[i % N], q[(i + 3) % N], &r);
    XC_BENCH_KEEP(r.coef);
  });
  BENCH("dec add (different exp)", n, 0, {
    xc_dec r;
    xc_dec_add(p2[i % N], q[(i + 3) % N], &r);
    XC_BENCH_KEEP(r.coef);
  });
  BENCH("dec cmp (same exp)", n, 0, {
    int c = xc_dec_cmp(p[i % N], p[(i + 5) % N]);
    XC_BENCH_KEEP(c);
  });
  BENCH("dec cmp (different exp)", n, 0, {
    int c = xc_dec_cmp(p2[i % N], p[(i + 5) % N]);
    XC_BENCH_KEEP(c);
  });
  BENCH("dec mul (price x qty)", n, 0, {
    xc_dec r;
    xc_dec_mul(p[i % N], q[(i + 3) % N], &r);
    XC_BENCH_KEEP(r.coef);
  });
  char buf[XC_DEC_STR_FIXED_MAX];
  BENCH("dec format (canonical)", n, 1, {
    int len = xc_dec_to_str(p[i % N], buf, sizeof buf);
    XC_BENCH_KEEP(len);
    XC_BENCH_KEEP(buf[0]);
  });
  BENCH("dec format fixed (8 places)", n, 0, {
    int len = xc_dec_to_str_fixed(q[i % N], 8, XC_ROUND_HALF_EVEN, buf, sizeof buf);
    XC_BENCH_KEEP(len);
    XC_BENCH_KEEP(buf[0]);
  });
  xc_dec tick, tickn;
  xc_dec_from_cstr("0.01000000", &tick);
  tickn = xc_dec_normalize(tick);
  BENCH("dec to_ticks (tick \"0.01000000\", same exp)", n, 0, {
    int64_t t;
    xc_dec_to_ticks(p[i % N], tick, XC_ROUND_EXACT, &t);
    XC_BENCH_KEEP(t);
  });
  BENCH("dec to_ticks (tick 1e-2, normalized)", n, 0, {
    int64_t t;
    xc_dec_to_ticks(p[i % N], tickn, XC_ROUND_EXACT, &t);
    XC_BENCH_KEEP(t);
  });
  BENCH("dec from_ticks", n, 0, {
    xc_dec r;
    xc_dec_from_ticks((int64_t)(9700000 + (i & 1023)), tick, &r);
    XC_BENCH_KEEP(r.coef);
  });
  BENCH("dec quantize (qty to 0.01, floor)", n, 0, {
    xc_dec r;
    xc_dec_quantize(q[i % N], tickn, XC_ROUND_DOWN, &r);
    XC_BENCH_KEEP(r.coef);
  });
  BENCH("dec div (8 places)", n / 4, 0, {
    xc_dec r;
    xc_dec_div(p[i % N], q[(i + 1) % N], 8, XC_ROUND_HALF_EVEN, &r);
    XC_BENCH_KEEP(r.coef);
  });
  BENCH("dec round (2 places, half even)", n, 0, {
    xc_dec r;
    xc_dec_round(q[i % N], 2, XC_ROUND_HALF_EVEN, &r);
    XC_BENCH_KEEP(r.coef);
  });
  return 0;
}
