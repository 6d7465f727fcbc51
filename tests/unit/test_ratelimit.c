/* Rate limiter: fixed (Binance) and sliding (Bybit) windows, bursts against a model of the venue's
 * counting, header reconciliation, 429 / 418 / 403 / 10006 handling. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include "core/ratelimit.h"

#define T0 1700000000000LL /* a minute boundary: 1700000000000 % 60000 == 20000, so align below */

static int64_t align(int64_t t, int64_t m) { return t - t % m; }

static xc_rl *mk(int64_t edge) {
  xc_rl_opts o;
  xc_rl_opts_default(&o);
  o.edge_ms = edge;
  xc_rl *rl = NULL;
  assert_int_equal(xc_rl_new(&o, &rl), XC_OK);
  return rl;
}

static void test_config(void **state) {
  (void)state;
  xc_rl *rl = mk(0);
  int64_t wait = -1;
  /* no limits: everything passes */
  assert_int_equal(xc_rl_acquire(rl, T0, 1000, 1000, XC_RL_FAIL, &wait), XC_OK);
  assert_int_equal(wait, 0);
  xc_rl_kind k;
  int64_t iv;
  assert_int_equal(xc_rl_binance_parse("REQUEST_WEIGHT", 14, "MINUTE", 6, 1, &k, &iv), XC_OK);
  assert_int_equal(k, XC_RL_REQUEST_WEIGHT);
  assert_int_equal(iv, 60000);
  assert_int_equal(xc_rl_binance_parse("ORDERS", 6, "SECOND", 6, 10, &k, &iv), XC_OK);
  assert_int_equal(iv, 10000);
  assert_int_equal(xc_rl_binance_parse("ORDERS", 6, "DAY", 3, 1, &k, &iv), XC_OK);
  assert_int_equal(iv, 86400000);
  assert_int_equal(xc_rl_binance_parse("RAW_REQUESTS", 12, "MINUTE", 6, 5, &k, &iv), XC_OK);
  assert_int_equal(k, XC_RL_RAW_REQUESTS);
  assert_int_equal(iv, 300000);
  assert_int_equal(xc_rl_binance_parse("CONNECTIONS", 11, "MINUTE", 6, 5, &k, &iv), XC_ENOTSUP);
  assert_int_equal(xc_rl_binance_parse("BOGUS", 5, "MINUTE", 6, 5, &k, &iv), XC_EINVAL);
  assert_int_equal(xc_rl_binance_parse("ORDERS", 6, "WEEK", 4, 1, &k, &iv), XC_EINVAL);

  assert_int_equal(xc_rl_add_binance_defaults(rl, false), XC_OK);
  assert_int_equal(xc_rl_count(rl), 4);
  /* exchangeInfo values replace the defaults (upsert, no duplicates) */
  assert_int_equal(xc_rl_add(rl, XC_RL_REQUEST_WEIGHT, XC_RL_FIXED, 60000, 1200, NULL, NULL), XC_OK);
  assert_int_equal(xc_rl_count(rl), 4);
  assert_int_equal(xc_rl_headroom(rl, T0, XC_RL_REQUEST_WEIGHT, 0), 1200);
  assert_int_equal(xc_rl_headroom(rl, T0, XC_RL_ORDERS, 10000), 100);
  assert_int_equal(xc_rl_headroom(rl, T0, XC_RL_ORDERS, 0), 100);
  assert_int_equal(xc_rl_headroom(rl, T0, XC_RL_IP_REQUESTS, 0), -1);
  /* bad arguments */
  assert_int_equal(xc_rl_add(rl, XC_RL_ENDPOINT, XC_RL_SLIDING, 1000, 10, NULL, NULL), XC_EINVAL);
  assert_int_equal(xc_rl_add(rl, XC_RL_ORDERS, XC_RL_FIXED, 0, 10, NULL, NULL), XC_EINVAL);
  assert_int_equal(xc_rl_add(rl, XC_RL_ORDERS, XC_RL_FIXED, 1000, 0, NULL, NULL), XC_EINVAL);
  assert_int_equal(xc_rl_add(rl, XC_RL_IP_REQUESTS, XC_RL_SLIDING, 1000, XC_RL_SLIDING_MAX + 1, NULL, NULL),
                   XC_ERANGE);
  /* a cost above a limit can never fit */
  assert_int_equal(xc_rl_acquire(rl, T0, 1201, 0, XC_RL_WAIT, &wait), XC_EINVAL);
  xc_rl_req r = {.weight = 1, .endpoint = 99};
  assert_int_equal(xc_rl_acquire_req(rl, T0, &r, XC_RL_FAIL, &wait), XC_EINVAL);
  xc_rl_info in;
  assert_int_equal(xc_rl_info_get(rl, 77, T0, &in), XC_ENOTFOUND);
  xc_rl_free(rl);
  xc_rl_free(NULL);

  rl = mk(0);
  assert_int_equal(xc_rl_add_bybit_defaults(rl, "linear"), XC_OK);
  assert_int_equal(xc_rl_add_bybit_defaults(rl, "spot"), XC_OK);
  assert_int_equal(xc_rl_add_bybit_defaults(rl, "inverse"), XC_EINVAL);
  int ep = xc_rl_find_endpoint(rl, "linear:POST /v5/order/create");
  assert_true(ep >= 0);
  assert_int_equal(xc_rl_info_get(rl, ep, T0, &in), XC_OK);
  assert_int_equal(in.limit, 10);
  assert_int_equal(in.window, XC_RL_SLIDING);
  assert_string_equal(in.endpoint, "linear:POST /v5/order/create");
  ep = xc_rl_find_endpoint(rl, "spot:POST /v5/order/create");
  assert_int_equal(xc_rl_info_get(rl, ep, T0, &in), XC_OK);
  assert_int_equal(in.limit, 20);
  assert_int_equal(xc_rl_find_endpoint(rl, "spot:GET /v5/position/list"), -1);
  assert_int_equal(xc_rl_headroom(rl, T0, XC_RL_IP_REQUESTS, 5000), 600); /* added once */
  xc_rl_free(rl);
}

/* Fixed windows reset on the venue's calendar boundaries. */
static void test_fixed_window_alignment(void **state) {
  (void)state;
  xc_rl *rl = mk(0);
  assert_int_equal(xc_rl_add(rl, XC_RL_REQUEST_WEIGHT, XC_RL_FIXED, 60000, 100, NULL, NULL), XC_OK);
  int64_t m = align(T0, 60000) + 60000;
  int64_t wait;
  /* 59.9 s into a minute: use it all */
  assert_int_equal(xc_rl_acquire(rl, m + 59900, 100, 0, XC_RL_FAIL, &wait), XC_OK);
  assert_int_equal(xc_rl_acquire(rl, m + 59950, 1, 0, XC_RL_FAIL, &wait), XC_EWOULDLIMIT);
  assert_int_equal(wait, 50); /* until the next :00 */
  xc_rl_info in;
  assert_int_equal(xc_rl_info_get(rl, 0, m + 59950, &in), XC_OK);
  assert_int_equal(in.used, 100);
  assert_int_equal(in.remaining, 0);
  assert_int_equal(in.reset_ms, m + 60000);
  /* the new minute starts empty */
  assert_int_equal(xc_rl_acquire(rl, m + 60000, 100, 0, XC_RL_FAIL, &wait), XC_OK);
  assert_int_equal(xc_rl_headroom(rl, m + 60001, XC_RL_REQUEST_WEIGHT, 60000), 0);
  /* WAIT mode reserves in the next window and says when to send */
  assert_int_equal(xc_rl_acquire(rl, m + 61000, 60, 0, XC_RL_WAIT, &wait), XC_OK);
  assert_int_equal(wait, 59000);
  assert_int_equal(xc_rl_acquire(rl, m + 61000, 60, 0, XC_RL_WAIT, &wait), XC_EWOULDLIMIT); /* 60 s + > max */
  assert_int_equal(xc_rl_headroom(rl, m + 120000, XC_RL_REQUEST_WEIGHT, 60000), 40);
  xc_rl_free(rl);
}

typedef struct arrival {
  int64_t at;
  uint32_t weight, orders;
} arrival;

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

static int cmp_arr(const void *a, const void *b) {
  int64_t x = ((const arrival *)a)->at, y = ((const arrival *)b)->at;
  return x < y ? -1 : x > y;
}

/* Venue model: fixed windows aligned to epoch; counts per window. */
static void check_fixed(const arrival *arr, size_t n, int64_t interval, uint64_t lim, bool orders) {
  size_t i = 0;
  uint64_t maxc = 0;
  while (i < n) {
    int64_t e = arr[i].at / interval;
    uint64_t c = 0;
    while (i < n && arr[i].at / interval == e) c += orders ? arr[i].orders : arr[i].weight, i++;
    if (c > maxc) maxc = c;
    if (c > lim) fail_msg("window %lld: %llu > %llu", (long long)e, (unsigned long long)c, (unsigned long long)lim);
  }
  assert_true(maxc > 0);
}

/* A burst of 200 orders/s for 120 s against Binance spot limits (weight 1, 1 order each), in both
 * modes, with the requests reaching the venue up to +-edge away from the grant time: the venue never
 * counts more than a limit in any of its windows, and the budget is actually used. */
static void run_binance_burst(xc_rl_mode mode) {
  const int64_t edge = 150;
  xc_rl *rl = mk(edge);
  assert_int_equal(xc_rl_add_binance_defaults(rl, false), XC_OK);
  /* a tighter weight limit so that it binds too */
  assert_int_equal(xc_rl_add(rl, XC_RL_REQUEST_WEIGHT, XC_RL_FIXED, 60000, 500, NULL, NULL), XC_OK);
  enum { N = 200 * 120 };
  arrival *arr = calloc(N, sizeof *arr);
  size_t na = 0;
  uint64_t seed = 7;
  int64_t start = align(T0, 86400000) + 3600000 + 1234;
  size_t granted = 0, refused = 0;
  for (int i = 0; i < N; i++) {
    int64_t now = start + i * 5; /* 200 per second */
    uint32_t w = 1 + (uint32_t)(xc_test_rand(&seed) % 3);
    int64_t wait = -1;
    xc_status st = xc_rl_acquire(rl, now, w, 1, mode, &wait);
    if (st == XC_OK) {
      assert_true(wait >= 0);
      if (mode == XC_RL_FAIL) assert_int_equal(wait, 0);
      int64_t jitter = (int64_t)(xc_test_rand(&seed) % (2 * edge + 1)) - edge;
      arr[na].at = now + wait + jitter;
      arr[na].weight = w;
      arr[na].orders = 1;
      na++;
      granted++;
    } else {
      assert_int_equal(st, XC_EWOULDLIMIT);
      assert_true(wait > 0);
      refused++;
    }
  }
  qsort(arr, na, sizeof *arr, cmp_arr);
  check_fixed(arr, na, 10000, 100, true);
  check_fixed(arr, na, 60000, 500, false);
  /* the budget is used: over 120 s at least a good part of 2 minutes of weight went through */
  assert_true(granted > 250);
  assert_true(refused > 0);
  xc_rl_free(rl);
  free(arr);
}

static void test_binance_burst_fail(void **state) {
  (void)state;
  run_binance_burst(XC_RL_FAIL);
}
static void test_binance_burst_wait(void **state) {
  (void)state;
  run_binance_burst(XC_RL_WAIT);
}

/* Bybit: 200 create-order requests/s on linear (10/s rolling) plus reads; the venue's rolling 1 s
 * window per endpoint and the 600 / 5 s IP window are never exceeded. */
static void test_bybit_burst(void **state) {
  (void)state;
  const int64_t edge = 100;
  xc_rl *rl = mk(edge);
  assert_int_equal(xc_rl_add_bybit_defaults(rl, "linear"), XC_OK);
  int ep_create = xc_rl_find_endpoint(rl, "linear:POST /v5/order/create");
  int ep_rt = xc_rl_find_endpoint(rl, "linear:GET /v5/order/realtime");
  enum { N = 200 * 30 };
  int64_t *creates = calloc(N, sizeof(int64_t)), *all = calloc(2 * N, sizeof(int64_t));
  size_t nc = 0, nall = 0;
  uint64_t seed = 11;
  for (int pass = 0; pass < 2; pass++) {
    xc_rl_mode mode = pass ? XC_RL_WAIT : XC_RL_FAIL;
    int64_t start = T0 + pass * 100000;
    for (int i = 0; i < N / 2; i++) {
      int64_t now = start + i * 5;
      int64_t wait;
      xc_rl_req r = {.endpoint = ep_create, .endpoint_cost = 1};
      xc_status st = xc_rl_acquire_req(rl, now, &r, mode, &wait);
      if (st == XC_OK) {
        int64_t at = now + wait + (int64_t)(xc_test_rand(&seed) % (uint64_t)(edge + 1));
        creates[nc++] = at;
        all[nall++] = at;
      } else {
        assert_int_equal(st, XC_EWOULDLIMIT);
      }
      xc_rl_req q = {.endpoint = ep_rt};
      if (xc_rl_acquire_req(rl, now, &q, XC_RL_FAIL, &wait) == XC_OK)
        all[nall++] = now + (int64_t)(xc_test_rand(&seed) % (uint64_t)(edge + 1));
    }
  }
  /* sort and check: any 11 consecutive create arrivals span at least 1000 ms */
  qsort(creates, nc, sizeof(int64_t), cmp_i64);
  for (size_t i = 0; i + 10 < nc; i++) assert_true(creates[i + 10] - creates[i] >= 1000);
  qsort(all, nall, sizeof(int64_t), cmp_i64);
  for (size_t i = 0; i + 600 < nall; i++) assert_true(all[i + 600] - all[i] >= 5000);
  print_message("bybit burst: %zu creates granted, %zu requests in all\n", nc, nall);
  assert_true(nc > 250); /* ~9/s (1 s + edge windows) over 30 s, plus WAIT reservations */
  assert_true(nall > 1500);
  xc_rl_free(rl);
  free(creates);
  free(all);
}

/* Property: random mixes of endpoints, costs and modes on tight sliding limits (shared IP limit
 * binding, reservations interleaving with immediate grants): replaying the grants, no rolling
 * window of any limit ever holds more than its limit. */
static void test_sliding_property(void **state) {
  (void)state;
  uint64_t seed = 99;
  for (int round = 0; round < 20; round++) {
    xc_rl *rl = mk(0);
    int ip, a, b;
    assert_int_equal(xc_rl_add(rl, XC_RL_IP_REQUESTS, XC_RL_SLIDING, 1000, 12, NULL, &ip), XC_OK);
    assert_int_equal(xc_rl_add(rl, XC_RL_ENDPOINT, XC_RL_SLIDING, 1000, 5, "a", &a), XC_OK);
    assert_int_equal(xc_rl_add(rl, XC_RL_ENDPOINT, XC_RL_SLIDING, 700, 8, "b", &b), XC_OK);
    enum { N = 3000 };
    static int64_t g_ip[N], g_a[5 * N], g_b[5 * N];
    size_t nip = 0, na = 0, nb = 0;
    int64_t now = T0;
    for (int i = 0; i < N; i++) {
      now += (int64_t)(xc_test_rand(&seed) % 40);
      bool to_a = xc_test_rand(&seed) & 1;
      xc_rl_req r = {.endpoint = to_a ? a : b, .endpoint_cost = 1 + (uint32_t)(xc_test_rand(&seed) % 3)};
      xc_rl_mode mode = (xc_test_rand(&seed) % 3) ? XC_RL_FAIL : XC_RL_WAIT;
      int64_t wait;
      xc_status st = xc_rl_acquire_req(rl, now, &r, mode, &wait);
      if (st != XC_OK) {
        assert_int_equal(st, XC_EWOULDLIMIT);
        continue;
      }
      int64_t t = now + wait;
      g_ip[nip++] = t;
      for (uint32_t k = 0; k < r.endpoint_cost; k++) {
        if (to_a) g_a[na++] = t;
        else g_b[nb++] = t;
      }
    }
    qsort(g_ip, nip, sizeof(int64_t), cmp_i64);
    qsort(g_a, na, sizeof(int64_t), cmp_i64);
    qsort(g_b, nb, sizeof(int64_t), cmp_i64);
    for (size_t i = 0; i + 12 < nip; i++) assert_true(g_ip[i + 12] - g_ip[i] >= 1000);
    for (size_t i = 0; i + 5 < na; i++) assert_true(g_a[i + 5] - g_a[i] >= 1000);
    for (size_t i = 0; i + 8 < nb; i++) assert_true(g_b[i + 8] - g_b[i] >= 700);
    assert_true(nip > 500); /* the budget is used */
    xc_rl_free(rl);
  }
}

/* Binance headers: the venue's count wins when higher; boundary-crossing reports are ignored. */
static void test_binance_headers(void **state) {
  (void)state;
  xc_rl *rl = mk(0);
  assert_int_equal(xc_rl_add_binance_defaults(rl, false), XC_OK);
  int64_t m = align(T0, 60000) + 60000;
  int64_t wait;
  assert_int_equal(xc_rl_acquire(rl, m + 1000, 10, 0, XC_RL_FAIL, &wait), XC_OK);
  const char *h = "X-MBX-USED-WEIGHT-1M";
  assert_int_equal(xc_rl_binance_header(rl, h, strlen(h), "5800", 4, m + 1000, m + 1050), XC_OK);
  assert_int_equal(xc_rl_headroom(rl, m + 1100, XC_RL_REQUEST_WEIGHT, 60000), 200);
  /* lower than ours: ours stays */
  h = "x-mbx-used-weight-1m";
  assert_int_equal(xc_rl_binance_header(rl, h, strlen(h), " 12 ", 4, m + 2000, m + 2050), XC_OK);
  assert_int_equal(xc_rl_headroom(rl, m + 2100, XC_RL_REQUEST_WEIGHT, 60000), 200);
  assert_int_equal(xc_rl_acquire(rl, m + 2200, 201, 0, XC_RL_FAIL, &wait), XC_EWOULDLIMIT);
  assert_int_equal(xc_rl_acquire(rl, m + 2200, 200, 0, XC_RL_FAIL, &wait), XC_OK);
  /* order counts */
  h = "X-MBX-ORDER-COUNT-10S";
  assert_int_equal(xc_rl_binance_header(rl, h, strlen(h), "97", 2, m + 3000, m + 3001), XC_OK);
  assert_int_equal(xc_rl_headroom(rl, m + 3002, XC_RL_ORDERS, 10000), 3);
  h = "X-MBX-ORDER-COUNT-1D";
  assert_int_equal(xc_rl_binance_header(rl, h, strlen(h), "199999", 6, m + 3000, m + 3001), XC_OK);
  assert_int_equal(xc_rl_headroom(rl, m + 3002, XC_RL_ORDERS, 86400000), 1);
  assert_int_equal(xc_rl_headroom(rl, m + 3002, XC_RL_ORDERS, 0), 1);
  /* a report whose request crossed a window boundary is ambiguous: ignored */
  h = "X-MBX-ORDER-COUNT-10S";
  assert_int_equal(xc_rl_binance_header(rl, h, strlen(h), "100", 3, m + 9990, m + 10010), XC_OK);
  assert_int_equal(xc_rl_headroom(rl, m + 10011, XC_RL_ORDERS, 10000), 100);
  /* not counters, no matching limit, garbage values */
  h = "Content-Type";
  assert_int_equal(xc_rl_binance_header(rl, h, strlen(h), "1", 1, m, m), XC_ENOTFOUND);
  h = "X-MBX-USED-WEIGHT-1H";
  assert_int_equal(xc_rl_binance_header(rl, h, strlen(h), "1", 1, m, m), XC_ENOTFOUND);
  h = "X-MBX-USED-WEIGHT-";
  assert_int_equal(xc_rl_binance_header(rl, h, strlen(h), "1", 1, m, m), XC_ENOTFOUND);
  h = "X-MBX-USED-WEIGHT-1X";
  assert_int_equal(xc_rl_binance_header(rl, h, strlen(h), "1", 1, m, m), XC_ENOTFOUND);
  h = "X-MBX-USED-WEIGHT-1M";
  assert_int_equal(xc_rl_binance_header(rl, h, strlen(h), "12a", 3, m, m), XC_EPARSE);
  assert_int_equal(xc_rl_binance_header(rl, h, strlen(h), "", 0, m, m), XC_EPARSE);
  assert_int_equal(xc_rl_binance_header(rl, h, strlen(h), "99999999999999999999999", 23, m, m), XC_EPARSE);
  xc_rl_free(rl);
}

/* 429 -> back off for Retry-After; 418 -> ban until it ends, in both modes. */
static void test_binance_429_418(void **state) {
  (void)state;
  xc_rl *rl = mk(0);
  assert_int_equal(xc_rl_add_binance_defaults(rl, true), XC_OK);
  int64_t now = align(T0, 60000) + 60000 + 5000;
  int64_t wait;
  xc_rl_binance_http(rl, now, 429, 7);
  assert_int_equal(xc_rl_acquire(rl, now + 1, 1, 0, XC_RL_FAIL, &wait), XC_ERATELIMIT);
  assert_int_equal(wait, 6999);
  assert_int_equal(xc_rl_acquire(rl, now + 1, 1, 0, XC_RL_WAIT, &wait), XC_OK); /* reserved after it */
  assert_int_equal(wait, 6999);
  assert_int_equal(xc_rl_acquire(rl, now + 7000, 1, 0, XC_RL_FAIL, &wait), XC_OK);
  /* without Retry-After: until the next minute */
  xc_rl_binance_http(rl, now + 8000, 429, -1);
  int64_t ban, bo;
  xc_rl_blocked(rl, &ban, &bo);
  assert_int_equal(ban, 0);
  assert_int_equal(bo, align(now, 60000) + 60000);
  /* 418: nothing passes until the ban ends, whatever the mode */
  xc_rl_binance_http(rl, now + 9000, 418, 120);
  assert_int_equal(xc_rl_acquire(rl, now + 9000, 1, 0, XC_RL_WAIT, &wait), XC_EBANNED);
  assert_int_equal(wait, 120000);
  assert_int_equal(xc_rl_acquire(rl, now + 128999, 1, 0, XC_RL_FAIL, &wait), XC_EBANNED);
  assert_int_equal(wait, 1);
  assert_int_equal(xc_rl_acquire(rl, now + 129000, 1, 0, XC_RL_FAIL, &wait), XC_OK);
  /* a shorter ban never shortens a longer one; default ban length without Retry-After */
  xc_rl_ban_until(rl, now + 500000);
  xc_rl_binance_http(rl, now + 130000, 418, -1);
  xc_rl_blocked(rl, &ban, &bo);
  assert_int_equal(ban, now + 500000);
  xc_rl_binance_http(rl, now + 490000, 418, -1);
  xc_rl_blocked(rl, &ban, &bo);
  assert_int_equal(ban, now + 490000 + 120000);
  xc_rl_binance_http(rl, now, 500, 5); /* ignored */
  xc_rl_free(rl);
}

/* Bybit headers: remaining below ours adds phantom usage; 0 remaining with a reset time blocks the
 * endpoint; a new X-Bapi-Limit re-sizes it; 10006 blocks until the reset; 403 halts for 10 min. */
static void test_bybit_headers_and_bans(void **state) {
  (void)state;
  xc_rl *rl = mk(0);
  assert_int_equal(xc_rl_add_bybit_defaults(rl, "linear"), XC_OK);
  int ep = xc_rl_find_endpoint(rl, "linear:POST /v5/order/create");
  int other = xc_rl_find_endpoint(rl, "linear:POST /v5/order/cancel");
  int64_t now = T0, wait;
  xc_rl_req r = {.endpoint = ep};
  assert_int_equal(xc_rl_acquire_req(rl, now, &r, XC_RL_FAIL, &wait), XC_OK);
  /* another process used 6 more: the venue says 3 left */
  assert_int_equal(xc_rl_bybit_headers(rl, ep, now + 20, 10, 3, now + 20), XC_OK);
  xc_rl_info in;
  assert_int_equal(xc_rl_info_get(rl, ep, now + 21, &in), XC_OK);
  assert_int_equal(in.used, 7);
  for (int i = 0; i < 3; i++) assert_int_equal(xc_rl_acquire_req(rl, now + 30, &r, XC_RL_FAIL, &wait), XC_OK);
  assert_int_equal(xc_rl_acquire_req(rl, now + 30, &r, XC_RL_FAIL, &wait), XC_EWOULDLIMIT);
  assert_int_equal(wait, 970); /* the first grant at T0 leaves the rolling second at T0+1000 */
  /* remaining above ours changes nothing */
  assert_int_equal(xc_rl_bybit_headers(rl, ep, now + 40, 10, 9, now + 40), XC_OK);
  assert_int_equal(xc_rl_info_get(rl, ep, now + 41, &in), XC_OK);
  assert_int_equal(in.used, 10);
  /* VIP tier: the venue says the limit is 20 */
  assert_int_equal(xc_rl_bybit_headers(rl, ep, now + 50, 20, 10, now + 50), XC_OK);
  assert_int_equal(xc_rl_info_get(rl, ep, now + 51, &in), XC_OK);
  assert_int_equal(in.limit, 20);
  assert_int_equal(in.used, 10);
  assert_int_equal(xc_rl_acquire_req(rl, now + 60, &r, XC_RL_FAIL, &wait), XC_OK);
  /* exhausted with a reset timestamp: blocked until then */
  assert_int_equal(xc_rl_bybit_headers(rl, ep, now + 100, 20, 0, now + 1700), XC_OK);
  assert_int_equal(xc_rl_acquire_req(rl, now + 1200, &r, XC_RL_FAIL, &wait), XC_EWOULDLIMIT);
  assert_int_equal(wait, 500);
  assert_int_equal(xc_rl_info_get(rl, ep, now + 1200, &in), XC_OK);
  assert_int_equal(in.blocked_until_ms, now + 1700);
  assert_int_equal(xc_rl_acquire_req(rl, now + 1200, &r, XC_RL_WAIT, &wait), XC_OK);
  assert_int_equal(wait, 500);
  /* other endpoints are unaffected, even though that reservation sits in the shared IP log */
  xc_rl_req c = {.endpoint = other};
  assert_int_equal(xc_rl_acquire_req(rl, now + 1200, &c, XC_RL_FAIL, &wait), XC_OK);
  /* retCode 10006 with a reset timestamp */
  xc_rl_bybit_limited(rl, other, now + 2000, now + 2600);
  assert_int_equal(xc_rl_acquire_req(rl, now + 2000, &c, XC_RL_FAIL, &wait), XC_EWOULDLIMIT);
  assert_int_equal(wait, 600);
  assert_int_equal(xc_rl_acquire_req(rl, now + 2600, &c, XC_RL_FAIL, &wait), XC_OK);
  /* without a usable reset: the minimum block */
  xc_rl_bybit_limited(rl, other, now + 3000, -1);
  assert_int_equal(xc_rl_acquire_req(rl, now + 3999, &c, XC_RL_FAIL, &wait), XC_EWOULDLIMIT);
  assert_int_equal(xc_rl_acquire_req(rl, now + 4000, &c, XC_RL_FAIL, &wait), XC_OK);
  /* batch: one unit per order */
  xc_rl_req b = {.endpoint = other, .endpoint_cost = 10};
  assert_int_equal(xc_rl_acquire_req(rl, now + 10000, &b, XC_RL_FAIL, &wait), XC_OK);
  assert_int_equal(xc_rl_acquire_req(rl, now + 10000, &c, XC_RL_FAIL, &wait), XC_EWOULDLIMIT);
  b.endpoint_cost = 11;
  assert_int_equal(xc_rl_acquire_req(rl, now + 20000, &b, XC_RL_FAIL, &wait), XC_EINVAL);
  /* 403: everything halts for 10 minutes */
  xc_rl_bybit_http(rl, now + 30000, 403);
  assert_int_equal(xc_rl_acquire_req(rl, now + 30000 + 599999, &c, XC_RL_WAIT, &wait), XC_EBANNED);
  assert_int_equal(wait, 1);
  assert_int_equal(xc_rl_acquire_req(rl, now + 30000 + 600000, &c, XC_RL_FAIL, &wait), XC_OK);
  /* 429: one second */
  xc_rl_bybit_http(rl, now + 700000, 429);
  assert_int_equal(xc_rl_acquire_req(rl, now + 700500, &c, XC_RL_FAIL, &wait), XC_ERATELIMIT);
  assert_int_equal(wait, 500);
  assert_int_equal(xc_rl_bybit_headers(rl, -1, now, 1, 1, 1), XC_EINVAL);
  xc_rl_free(rl);
}

/* The edge allowance double-charges a grant near a boundary to both windows. */
static void test_edge_double_charge(void **state) {
  (void)state;
  xc_rl *rl = mk(200);
  assert_int_equal(xc_rl_add(rl, XC_RL_ORDERS, XC_RL_FIXED, 10000, 10, NULL, NULL), XC_OK);
  int64_t w0 = align(T0, 10000) + 10000;
  int64_t wait;
  for (int i = 0; i < 10; i++) assert_int_equal(xc_rl_acquire(rl, w0 + 9900, 0, 1, XC_RL_FAIL, &wait), XC_OK);
  /* those 10 may land in the next window too: it is already full */
  assert_int_equal(xc_rl_headroom(rl, w0 + 10000, XC_RL_ORDERS, 10000), 0);
  assert_int_equal(xc_rl_acquire(rl, w0 + 10100, 0, 1, XC_RL_FAIL, &wait), XC_EWOULDLIMIT);
  assert_int_equal(wait, 10100); /* the window after, past its own edge */
  xc_rl_free(rl);
}

/* A sliding log is bounded: WAIT reservations stop when it is full, and the refusal says when its
 * oldest entry leaves. */
static void test_sliding_log_full(void **state) {
  (void)state;
  xc_rl *rl = mk(0);
  assert_int_equal(xc_rl_add(rl, XC_RL_IP_REQUESTS, XC_RL_SLIDING, 1000, 2, NULL, NULL), XC_OK); /* log: 66 */
  int64_t wait;
  int ok = 0;
  for (int i = 0; i < 100; i++) {
    xc_status st = xc_rl_acquire(rl, T0, 0, 0, XC_RL_WAIT, &wait);
    if (st == XC_OK) {
      assert_int_equal(wait, (ok / 2) * 1000); /* two per second, reserved in order */
      ok++;
    } else {
      assert_int_equal(st, XC_EWOULDLIMIT);
      assert_int_equal(wait, 1000);
    }
  }
  assert_int_equal(ok, 66);
  /* once the first second has passed, its two entries are pruned and two more fit */
  assert_int_equal(xc_rl_acquire(rl, T0 + 1000, 0, 0, XC_RL_WAIT, &wait), XC_OK);
  assert_int_equal(wait, 33000 - 1000);
  xc_rl_free(rl);
}

/* A reservation that is never used is given back, on fixed and sliding limits. */
static void test_refund(void **state) {
  (void)state;
  xc_rl *rl = mk(0);
  assert_int_equal(xc_rl_add(rl, XC_RL_ORDERS, XC_RL_FIXED, 10000, 3, NULL, NULL), XC_OK);
  int ep;
  assert_int_equal(xc_rl_add(rl, XC_RL_ENDPOINT, XC_RL_SLIDING, 1000, 2, "x", &ep), XC_OK);
  int64_t w0 = align(T0, 10000) + 10000, wait;
  xc_rl_req r = {.orders = 1, .endpoint = ep, .endpoint_cost = 1};
  for (int i = 0; i < 2; i++) assert_int_equal(xc_rl_acquire_req(rl, w0, &r, XC_RL_FAIL, &wait), XC_OK);
  /* the third waits a second for the endpoint */
  assert_int_equal(xc_rl_acquire_req(rl, w0, &r, XC_RL_WAIT, &wait), XC_OK);
  assert_int_equal(wait, 1000);
  assert_int_equal(xc_rl_headroom(rl, w0, XC_RL_ORDERS, 10000), 0);
  /* it is canceled before it is sent */
  assert_int_equal(xc_rl_refund(rl, &r, w0 + 1000), XC_OK);
  assert_int_equal(xc_rl_headroom(rl, w0, XC_RL_ORDERS, 10000), 1);
  xc_rl_info in;
  assert_int_equal(xc_rl_info_get(rl, ep, w0, &in), XC_OK);
  assert_int_equal(in.used, 2);
  /* a second refund of the same grant finds nothing */
  xc_rl_req e = {.endpoint = ep, .endpoint_cost = 1};
  assert_int_equal(xc_rl_refund(rl, &e, w0 + 1000), XC_ENOTFOUND);
  /* a granted-now request refunded frees its endpoint slot at once */
  assert_int_equal(xc_rl_refund(rl, &e, w0), XC_OK);
  assert_int_equal(xc_rl_acquire_req(rl, w0 + 1, &e, XC_RL_FAIL, &wait), XC_OK);
  assert_int_equal(xc_rl_refund(rl, NULL, w0), XC_EINVAL);
  xc_rl_free(rl);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_config),
      cmocka_unit_test(test_fixed_window_alignment),
      cmocka_unit_test(test_binance_burst_fail),
      cmocka_unit_test(test_binance_burst_wait),
      cmocka_unit_test(test_bybit_burst),
      cmocka_unit_test(test_sliding_property),
      cmocka_unit_test(test_binance_headers),
      cmocka_unit_test(test_binance_429_418),
      cmocka_unit_test(test_bybit_headers_and_bans),
      cmocka_unit_test(test_edge_double_charge),
      cmocka_unit_test(test_sliding_log_full),
      cmocka_unit_test(test_refund),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
