/* The L2 book engine on synthetic sequences: Binance spot and futures procedures (bridging,
 * stale ids, gaps, late and early snapshots, snapshot too old, crossed books, staleness, buffer
 * overflow), Bybit (snapshot, deltas, u == 1 restarts, gaps, seq), bounded levels, automatic
 * price scale, and lock-free readers against a concurrent writer. */
#include "testutil.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book/book.h"
#include "book/book_int.h"
#include "book/depth.h"

/* ---- helpers ---------------------------------------------------------------------------------- */

static char msgbuf[1 << 16];

/* Binance spot diff: levels as "p:q,p:q" strings. */
static const char *bn_diff(long long U, long long u, const char *bids, const char *asks) {
  char b[4096] = "", a[4096] = "";
  const char *src[2] = {bids, asks};
  char *dst[2] = {b, a};
  for (int s = 0; s < 2; s++) {
    const char *p = src[s];
    char *o = dst[s];
    size_t ol = 0;
    while (p && *p) {
      const char *c = strchr(p, ':');
      const char *e = strchr(p, ',');
      if (!e) e = p + strlen(p);
      ol += (size_t)snprintf(o + ol, 4096 - ol, "%s[\"%.*s\",\"%.*s\"]", ol ? "," : "", (int)(c - p), p,
                             (int)(e - c - 1), c + 1);
      p = *e ? e + 1 : e;
    }
  }
  snprintf(msgbuf, sizeof msgbuf,
           "{\"e\":\"depthUpdate\",\"E\":1700000000000,\"s\":\"BTCUSDT\",\"U\":%lld,\"u\":%lld,\"b\":[%s],\"a\":[%s]}",
           U, u, b, a);
  return msgbuf;
}

static const char *fut_diff(long long U, long long u, long long pu, const char *bids, const char *asks) {
  bn_diff(U, u, bids, asks);
  /* insert pu before "b" */
  char tmp[sizeof msgbuf];
  char *pb = strstr(msgbuf, ",\"b\":");
  snprintf(tmp, sizeof tmp, "%.*s,\"pu\":%lld%s", (int)(pb - msgbuf), msgbuf, pu, pb);
  memcpy(msgbuf, tmp, strlen(tmp) + 1);
  return msgbuf;
}

static char snapbuf[1 << 16];
static const char *bn_snap(long long L, const char *bids, const char *asks) {
  bn_diff(0, 0, bids, asks);
  char *pb = strstr(msgbuf, "\"b\":[");
  char *pa = strstr(msgbuf, "],\"a\":[");
  snprintf(snapbuf, sizeof snapbuf, "{\"lastUpdateId\":%lld,\"bids\":[%.*s],\"asks\":[%s", L, (int)(pa - pb - 5),
           pb + 5, pa + 7);
  return snapbuf;
}

static xc_book *mk(xc_book_venue v) {
  xc_book_opts o;
  xc_book_opts_default(&o, v);
  o.symbol = "BTCUSDT";
  o.stale_after_ns = 1000;
  xc_book *b = NULL;
  assert_int_equal(xc_book_new(&o, &b), XC_OK);
  return b;
}

static xc_book_outcome feed(xc_book *b, const char *m, int64_t t) {
  xc_book_outcome oc;
  assert_int_equal(xc_book_feed(b, m, strlen(m), t, &oc), XC_OK);
  return oc;
}

static xc_book_outcome snap(xc_book *b, const char *m, int64_t t) {
  xc_book_outcome oc;
  assert_int_equal(xc_book_feed_snapshot(b, m, strlen(m), t, &oc), XC_OK);
  return oc;
}

/* Counts queued actions of a kind (drains the queue). */
static int drain(xc_book *b, xc_book_action_kind kind, xc_book_state *last_to) {
  xc_book_action a;
  int n = 0;
  while (xc_book_poll(b, &a)) {
    if (a.kind == kind) n++;
    if (a.kind == XC_BOOK_ACT_STATE && last_to) *last_to = a.to;
  }
  return n;
}

/* Best level as text. */
static void best(xc_book *b, xc_book_side side, char *px, char *qty) {
  xc_book_top t;
  xc_book_top_copy(b, 1, &t);
  const xc_book_level *l = side == XC_BOOK_BID ? &t.bids[0] : &t.asks[0];
  uint32_t n = side == XC_BOOK_BID ? t.nbids : t.nasks;
  if (!n) {
    strcpy(px, "-");
    strcpy(qty, "-");
    return;
  }
  /* format without xc_dec_to_str (decimal.c may be absent): coef/10^-exp */
  for (int k = 0; k < 2; k++) {
    xc_dec d = k ? l->qty : l->price;
    char *o = k ? qty : px;
    long long c = (long long)d.coef;
    int places = -d.exp;
    while (places > 0 && c % 10 == 0) {
      c /= 10;
      places--;
    }
    char digits[40];
    snprintf(digits, sizeof digits, "%lld", c);
    int len = (int)strlen(digits);
    if (places == 0) {
      strcpy(o, digits);
    } else if (len > places) {
      sprintf(o, "%.*s.%s", len - places, digits, digits + len - places);
    } else {
      char z[40] = "";
      for (int i = 0; i < places - len; i++) z[i] = '0';
      sprintf(o, "0.%s%s", z, digits);
    }
  }
}

#define ASSERT_BEST(b, side, P, Q)                                                                 \
  do {                                                                                             \
    char px_[64], q_[64];                                                                          \
    best(b, side, px_, q_);                                                                        \
    assert_string_equal(px_, P);                                                                   \
    assert_string_equal(q_, Q);                                                                    \
  } while (0)

/* ---- decoders ------------------------------------------------------------------------------- */

static void test_parse_num(void **state) {
  (void)state;
  xc_depth_num n;
  assert_int_equal(xc_depth_parse_num("0.35130000", 10, &n), XC_OK);
  assert_true(n.m == 3513 && n.frac == 4);
  assert_int_equal(xc_depth_parse_num("431.00000000", 12, &n), XC_OK);
  assert_true(n.m == 431 && n.frac == 0);
  assert_int_equal(xc_depth_parse_num("0.00000000", 10, &n), XC_OK);
  assert_true(n.m == 0 && n.frac == 0);
  assert_int_equal(xc_depth_parse_num("100", 3, &n), XC_OK);
  assert_true(n.m == 100 && n.frac == 0);
  assert_int_equal(xc_depth_parse_num("0.00010020", 10, &n), XC_OK);
  assert_true(n.m == 1002 && n.frac == 7);
  assert_int_equal(xc_depth_parse_num("9999999999999999999", 19, &n), XC_OK);
  assert_int_equal(xc_depth_parse_num("99999999999999999999", 20, &n), XC_ERANGE);
  assert_int_equal(xc_depth_parse_num("1.0000000000000000001", 21, &n), XC_ERANGE);
  assert_int_equal(xc_depth_parse_num("1.00000000000000000000000", 25, &n), XC_OK);
  /* regression (fuzz): many leading fractional zeros must not overflow the digit count */
  char tiny[200] = "0.";
  memset(tiny + 2, '0', 150);
  tiny[152] = '1';
  assert_int_equal(xc_depth_parse_num(tiny, 153, &n), XC_ERANGE);
  tiny[39] = '1';
  assert_int_equal(xc_depth_parse_num(tiny, 40, &n), XC_OK);
  assert_true(n.m == 1 && n.frac == 38);
  assert_int_equal(xc_depth_parse_num("-1", 2, &n), XC_EPARSE);
  assert_int_equal(xc_depth_parse_num("1e5", 3, &n), XC_EPARSE);
  assert_int_equal(xc_depth_parse_num("1.", 2, &n), XC_EPARSE);
  assert_int_equal(xc_depth_parse_num(".5", 2, &n), XC_EPARSE);
  assert_int_equal(xc_depth_parse_num("", 0, &n), XC_EPARSE);
}

static void test_decode_binance(void **state) {
  (void)state;
  xc_depth_dec d;
  xc_depth_dec_init(&d);
  xc_depth_msg m;
  const char *raw = "{\"e\":\"depthUpdate\",\"E\":1672515782136,\"s\":\"BNBBTC\",\"U\":157,\"u\":160,"
                    "\"b\":[[\"0.0024\",\"10\"]],\"a\":[[\"0.0026\",\"100\"]]}";
  assert_int_equal(xc_depth_decode_binance_ws(&d, raw, strlen(raw), &m), XC_OK);
  assert_int_equal(m.kind, XC_DEPTH_DIFF);
  assert_true(m.first_id == 157 && m.last_id == 160 && m.prev_id == XC_DEPTH_ABSENT);
  assert_true(m.event_ms == 1672515782136LL);
  assert_true(m.symbol_len == 6 && memcmp(m.symbol, "BNBBTC", 6) == 0);
  assert_int_equal(m.nbids, 1);
  assert_int_equal(m.nasks, 1);
  assert_true(m.bids[0].px_m == 24 && m.bids[0].px_frac == 4 && m.bids[0].qty_m == 10);
  assert_true(m.asks[0].px_m == 26 && m.asks[0].qty_m == 100 && m.asks[0].qty_frac == 0);

  /* combined envelope, futures fields, whitespace, keys in another order, extra keys */
  const char *comb = " {\"stream\" : \"btcusdt@depth\", \"data\": {\"a\":[],\"pu\":149,\"T\":123456788,"
                     "\"x\":{\"y\":[1,2,{\"z\":null}]},\"e\":\"depthUpdate\",\"E\":123456789,\"s\":\"BTCUSDT\","
                     "\"U\":157,\"u\":160,\"b\":[ [ \"0.0024\" , \"10\" ] , [\"7.6110\",\"0\"]]}}\n";
  assert_int_equal(xc_depth_decode_binance_ws(&d, comb, strlen(comb), &m), XC_OK);
  assert_int_equal(m.kind, XC_DEPTH_DIFF);
  assert_true(m.prev_id == 149 && m.txn_ms == 123456788);
  assert_true(m.stream_len == 13 && memcmp(m.stream, "btcusdt@depth", 13) == 0);
  assert_int_equal(m.nbids, 2);
  assert_int_equal(m.nasks, 0);
  assert_true(m.bids[1].px_m == 7611 && m.bids[1].px_frac == 3 && m.bids[1].qty_m == 0);

  /* regression (fuzz): an id that is a valid JSON number but not an integer is skipped like an
   * unknown value, not mis-parsed */
  const char *expo = "{\"e\":\"depthUpdate\",\"T\":1626992E741024,\"U\":1,\"u\":2,\"b\":[],\"a\":[]}";
  assert_int_equal(xc_depth_decode_binance_ws(&d, expo, strlen(expo), &m), XC_OK);
  assert_true(m.txn_ms == XC_DEPTH_ABSENT && m.last_id == 2);
  /* regression (fuzz): a timestamp beyond int64 is dropped, an id beyond int64 is an error */
  const char *bigE = "{\"e\":\"depthUpdate\",\"E\":99999999999999999999999,\"U\":1,\"u\":2,\"b\":[],\"a\":[]}";
  assert_int_equal(xc_depth_decode_binance_ws(&d, bigE, strlen(bigE), &m), XC_OK);
  assert_true(m.event_ms == XC_DEPTH_ABSENT && m.last_id == 2);
  const char *bigU = "{\"e\":\"depthUpdate\",\"U\":99999999999999999999999,\"u\":2,\"b\":[],\"a\":[]}";
  assert_int_equal(xc_depth_decode_binance_ws(&d, bigU, strlen(bigU), &m), XC_ERANGE);
  /* regression (fuzz): invalid UTF-8 in a string is malformed, as for the general reader */
  const char *utf = "{\"stream\":\"a\xff\",\"data\":{}}";
  assert_int_equal(xc_depth_decode_binance_ws(&d, utf, strlen(utf), &m), XC_EPARSE);

  /* not a depth message */
  const char *ctl = "{\"result\":null,\"id\":1}";
  assert_int_equal(xc_depth_decode_binance_ws(&d, ctl, strlen(ctl), &m), XC_OK);
  assert_int_equal(m.kind, XC_DEPTH_NONE);
  const char *trade = "{\"e\":\"trade\",\"E\":1,\"s\":\"BNBBTC\",\"t\":12345,\"p\":\"0.001\",\"q\":\"100\"}";
  assert_int_equal(xc_depth_decode_binance_ws(&d, trade, strlen(trade), &m), XC_OK);
  assert_int_equal(m.kind, XC_DEPTH_NONE);

  /* malformed */
  const char *bad[] = {
      "{\"e\":\"depthUpdate\",\"U\":1,\"u\":2,\"b\":[],\"a\":[]",            /* truncated */
      "{\"e\":\"depthUpdate\",\"U\":1,\"u\":2,\"b\":[[\"1\"]],\"a\":[]}",    /* level without qty */
      "{\"e\":\"depthUpdate\",\"U\":1,\"u\":2,\"b\":[[\"-1\",\"1\"]],\"a\":[]}", /* negative price */
      "{\"e\":\"depthUpdate\",\"U\":1,\"u\":2,\"b\":[[\"1\",\"1\"]],\"a\":[]}x",   /* trailing bytes */
      "{\"e\":\"depthUpdate\",\"u\":2,\"b\":[],\"a\":[]}",                       /* no U */
      "{\"e\":\"depthUpdate\",\"U\":1,\"u\":2,\"b\":{},\"a\":[]}",               /* side not an array */
      "{\"e\":\"depthUpdate\",\"U\":01,\"u\":2,\"b\":[],\"a\":[]}",              /* leading zero */
      "{\"a\":\"\\x\"}",                                                           /* bad escape */
      "{\"a\":[1,]}",                                                               /* trailing comma */
      "",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_not_equal(xc_depth_decode_binance_ws(&d, bad[i], strlen(bad[i]), &m), XC_OK);

  /* REST snapshot */
  const char *rest = "{\"lastUpdateId\":1027024,\"bids\":[[\"4.00000000\",\"431.00000000\"]],"
                     "\"asks\":[[\"4.00000200\",\"12.00000000\"]]}";
  assert_int_equal(xc_depth_decode_binance_rest(&d, rest, strlen(rest), &m), XC_OK);
  assert_int_equal(m.kind, XC_DEPTH_SNAPSHOT);
  assert_true(m.last_id == 1027024 && m.nbids == 1 && m.nasks == 1);
  assert_true(m.asks[0].px_m == 4000002ULL && m.asks[0].px_frac == 6);
  xc_depth_dec_free(&d);
}

/* The decoder's fast paths (compact levels, the Binance depthUpdate layout, numbers at a fixed
 * scale) must give exactly what the general path gives. Each number is tried as the first bid of
 * a message long enough for the compact-level path, in both layouts, and checked against
 * xc_depth_parse_num; then the same with whitespace (general path only). */
static void decode_one(xc_depth_dec *d, const char *px, const char *qty, bool spaced, bool futures,
                       xc_status *st, xc_depth_lvl *out, bool *at_scale) {
  char msg[2048];
  int l;
  if (futures)
    l = snprintf(msg, sizeof msg, "{\"stream\":\"btcusdt@depth@100ms\",\"data\":{\"e\":\"depthUpdate\",\"E\":1,"
                 "\"T\":2,\"s\":\"BTCUSDT\",\"U\":10,\"u\":12,\"pu\":9,\"b\":[");
  else
    l = snprintf(msg, sizeof msg, "{\"e\":\"depthUpdate\",\"E\":1,\"s\":\"BTCUSDT\",\"U\":10,\"u\":12,\"b\":[");
  l += snprintf(msg + l, sizeof msg - (size_t)l, spaced ? "[ \"%s\" , \"%s\" ]" : "[\"%s\",\"%s\"]", px, qty);
  for (int i = 0; i < 3; i++) l += snprintf(msg + l, sizeof msg - (size_t)l, ",[\"96999.99000000\",\"1.00000000\"]");
  l += snprintf(msg + l, sizeof msg - (size_t)l, "],\"a\":[[\"97000.01000000\",\"2.50000000\"]]}%s", futures ? "}" : "");
  xc_depth_msg m;
  *st = xc_depth_decode_binance_ws(d, msg, (size_t)l, &m);
  if (*st == XC_OK) {
    assert_int_equal(m.kind, XC_DEPTH_DIFF);
    assert_true(m.first_id == 10 && m.last_id == 12 && m.nbids == 4 && m.nasks == 1);
    assert_true(futures ? m.prev_id == 9 && m.txn_ms == 2 : m.prev_id == XC_DEPTH_ABSENT);
    *out = m.bids[0];
    *at_scale = m.at_scale;
  }
}

static bool same_value(uint64_t m1, int f1, uint64_t m2, int f2) {
  xc_dec a = {(xc_dec_coef)m1, -f1}, b = {(xc_dec_coef)m2, -f2};
  return xc_dec_eq(a, b);
}

static void test_decode_fast_paths(void **state) {
  (void)state;
  static const char *nums[] = {
      "97000.01000000", "0.12345678", "12345678.12345678", "123456789.1", "1.123456789", "0.00000000",
      "10", "0", "7", "00012.5000", "1.", ".5", "1e5", "1.2.3", "1a", "", "9999999999999999999",
      "99999999999999999999", "0.000000000000000000000000000000000000001", "12345678", "1.10",
      "\\u0031", "5.0", "1 ", "3.14159265", "123456789012.5", "1234567.123456789", "0.0000000001",
      "99999999.99", "1234567890123456", "12.345678901200", "000000000000001"};
  xc_depth_dec d;
  xc_depth_dec_init(&d);
  const bool has_simd = d.simd; /* the SSSE3 path where the CPU has it, and the SSE2/scalar one */
  for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
    xc_depth_num ref;
    xc_status rst = xc_depth_parse_num(nums[i], strlen(nums[i]), &ref);
    for (int simd = 0; simd <= (int)has_simd; simd++)
    for (int fut = 0; fut < 2; fut++)
      for (int sp = 0; sp < 2; sp++)
        for (int scaled = 0; scaled < 3; scaled++) {
          d.simd = simd;
          d.px_scale = scaled == 0 ? -1 : scaled == 1 ? 2 : 8;
          d.qty_scale = scaled == 0 ? -1 : 8;
          xc_status st;
          xc_depth_lvl lv;
          bool at = false;
          decode_one(&d, nums[i], "1.5", sp, fut, &st, &lv, &at);
          if (rst != XC_OK) {
            assert_int_not_equal(st, XC_OK);
            continue;
          }
          assert_int_equal(st, XC_OK);
          assert_true(same_value(lv.px_m, lv.px_frac, ref.m, ref.frac));
          if (scaled == 0) {
            assert_true(lv.px_m == ref.m && lv.px_frac == ref.frac); /* normalised */
            assert_false(at);
          } else if (at) {
            assert_int_equal(lv.px_frac, d.px_scale);
            assert_true(lv.qty_m == 150000000ull && lv.qty_frac == 8);
          } else {
            /* off scale only when the number is finer than the scale or too large */
            assert_true(ref.frac > d.px_scale || ref.m > (uint64_t)INT64_MAX / 100000000ull);
          }
          /* quantities go through the same code */
          decode_one(&d, "1.5", nums[i], sp, fut, &st, &lv, &at);
          assert_int_equal(st, XC_OK);
          assert_true(same_value(lv.qty_m, lv.qty_frac, ref.m, ref.frac));
        }
  }
  /* scaled results, exactly */
  xc_depth_msg m;
  d.px_scale = 2;
  d.qty_scale = 8;
  xc_status st;
  xc_depth_lvl lv;
  bool at;
  decode_one(&d, "97000.01000000", "0.00000000", false, false, &st, &lv, &at);
  assert_true(st == XC_OK && at && lv.px_m == 9700001 && lv.px_frac == 2 && lv.qty_m == 0 && lv.qty_frac == 8);
  decode_one(&d, "97000.015", "1", false, false, &st, &lv, &at); /* finer than the scale */
  assert_true(st == XC_OK && !at && lv.px_m == 97000015 && lv.px_frac == 3 && lv.qty_m == 100000000);
  d.px_scale = 0;
  decode_one(&d, "12.000", "1", true, true, &st, &lv, &at);
  /* this level is at scale 0; the message is not (its other prices have cents) */
  assert_true(st == XC_OK && !at && lv.px_m == 12 && lv.px_frac == 0 && lv.qty_m == 100000000);
  /* regression (fuzz): a level the fast path starts but leaves to the general path (a third
   * element) must not leave its "off scale" mark behind: the general path puts 45678 at scale 9 */
  const char *extra = "{\"e\":\"depthUpdate\",\"E\":1,\"s\":\"X\",\"U\":1,\"u\":2,\"b\":[[\"97000.01\",\"45678\",\"12.5\"],"
                      "[\"97000.00\",\"1.5\"],[\"96999.99\",\"2\"],[\"96999.98\",\"3\"]],\"a\":[]}";
  for (int simd = 0; simd <= (int)has_simd; simd++) {
    d.simd = simd;
    d.px_scale = 2;
    d.qty_scale = 9;
    assert_int_equal(xc_depth_decode_binance_ws(&d, extra, strlen(extra), &m), XC_OK);
    assert_true(m.at_scale && m.nbids == 4 && m.bids[0].qty_m == 45678000000000ull && m.bids[0].qty_frac == 9);
  }
  /* the layout fast path gives up on a leading zero and the general path rejects it */
  const char *lz = "{\"e\":\"depthUpdate\",\"E\":01,\"s\":\"X\",\"U\":1,\"u\":2,\"b\":[],\"a\":[]}";
  assert_int_equal(xc_depth_decode_binance_ws(&d, lz, strlen(lz), &m), XC_EPARSE);
  xc_depth_dec_free(&d);
}

static void test_decode_bybit(void **state) {
  (void)state;
  xc_depth_dec d;
  xc_depth_dec_init(&d);
  xc_depth_msg m;
  const char *delta = "{\"topic\":\"orderbook.50.BTCUSDT\",\"type\":\"delta\",\"ts\":1687940967466,"
                      "\"data\":{\"s\":\"BTCUSDT\",\"b\":[[\"30247.20\",\"30.028\"],[\"30240.00\",\"0\"]],"
                      "\"a\":[[\"30248.70\",\"0\"],[\"30249.30\",\"0.892\"]],\"u\":177400507,\"seq\":66544703342},"
                      "\"cts\":1687940967464}";
  assert_int_equal(xc_depth_decode_bybit_ws(&d, delta, strlen(delta), &m), XC_OK);
  assert_int_equal(m.kind, XC_DEPTH_DIFF);
  assert_true(m.last_id == 177400507 && m.seq == 66544703342LL && m.event_ms == 1687940967466LL &&
              m.txn_ms == 1687940967464LL);
  assert_true(m.nbids == 2 && m.nasks == 2 && m.bids[0].px_m == 302472 && m.bids[0].px_frac == 1);
  /* ts before type, data before topic (key order is not stable on Bybit) */
  const char *snap = "{\"data\":{\"s\":\"BTCUSDT\",\"b\":[[\"16493.50\",\"0.006\"]],\"a\":[[\"16611.00\",\"0.029\"]],"
                     "\"u\":18521288,\"seq\":7961638724},\"ts\":1672304484978,\"type\":\"snapshot\","
                     "\"topic\":\"orderbook.50.BTCUSDT\",\"cts\":1672304484976}";
  assert_int_equal(xc_depth_decode_bybit_ws(&d, snap, strlen(snap), &m), XC_OK);
  assert_int_equal(m.kind, XC_DEPTH_SNAPSHOT);
  assert_true(m.last_id == 18521288);
  const char *trade = "{\"topic\":\"publicTrade.BTCUSDT\",\"type\":\"snapshot\",\"ts\":1,\"data\":[{\"p\":\"1\"}]}";
  assert_int_equal(xc_depth_decode_bybit_ws(&d, trade, strlen(trade), &m), XC_OK);
  assert_int_equal(m.kind, XC_DEPTH_NONE);
  const char *pong = "{\"success\":true,\"ret_msg\":\"pong\",\"conn_id\":\"x\",\"op\":\"ping\"}";
  assert_int_equal(xc_depth_decode_bybit_ws(&d, pong, strlen(pong), &m), XC_OK);
  assert_int_equal(m.kind, XC_DEPTH_NONE);
  const char *rest = "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"s\":\"BTCUSDT\",\"a\":[[\"65557.7\",\"16.606555\"]],"
                     "\"b\":[[\"65485.47\",\"47.081829\"]],\"ts\":1716863719031,\"u\":230704,\"seq\":1432604333,"
                     "\"cts\":1716863718905},\"retExtInfo\":{},\"time\":1716863719382}";
  assert_int_equal(xc_depth_decode_bybit_rest(&d, rest, strlen(rest), &m), XC_OK);
  assert_true(m.kind == XC_DEPTH_SNAPSHOT && m.last_id == 230704 && m.seq == 1432604333);
  assert_true(m.bids[0].px_m == 6548547 && m.bids[0].px_frac == 2);
  const char *err = "{\"retCode\":10001,\"retMsg\":\"params error\",\"result\":{},\"time\":1}";
  assert_int_equal(xc_depth_decode_bybit_rest(&d, err, strlen(err), &m), XC_EREJECTED);
  xc_depth_dec_free(&d);
}

/* ---- Binance spot ----------------------------------------------------------------------------- */

static void test_spot_sync_and_live(void **state) {
  (void)state;
  xc_book *b = mk(XC_BOOK_BINANCE_SPOT);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_SYNCING);
  /* diffs buffered; the first one asks for a snapshot (exactly once) */
  assert_int_equal(feed(b, bn_diff(95, 99, "100.00:1", ""), 1), XC_BOOK_O_BUFFERED);
  assert_int_equal(feed(b, bn_diff(100, 101, "100.01:2", "100.05:3"), 2), XC_BOOK_O_BUFFERED);
  assert_int_equal(feed(b, bn_diff(102, 103, "100.02:1.5", ""), 3), XC_BOOK_O_BUFFERED);
  assert_int_equal(drain(b, XC_BOOK_ACT_NEED_SNAPSHOT, NULL), 1);
  /* snapshot L = 100: 95-99 dropped, 100-101 bridges (U <= 101 <= u), 102-103 continues */
  assert_int_equal(snap(b, bn_snap(100, "100.00:5,99.99:1", "100.06:1,100.07:2"), 4), XC_BOOK_O_SNAPSHOT);
  xc_book_state to = XC_BOOK_SYNCING;
  assert_int_equal(drain(b, XC_BOOK_ACT_STATE, &to), 1);
  assert_int_equal(to, XC_BOOK_LIVE);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_LIVE);
  assert_true(xc_book_update_id(b) == 103);
  ASSERT_BEST(b, XC_BOOK_BID, "100.02", "1.5");
  ASSERT_BEST(b, XC_BOOK_ASK, "100.05", "3");
  assert_int_equal(xc_book_levels(b, XC_BOOK_BID), 4);
  assert_int_equal(xc_book_levels(b, XC_BOOK_ASK), 3);
  /* live: contiguous diff applies, delete works, stale ids are dropped */
  assert_int_equal(feed(b, bn_diff(104, 104, "100.02:0", "100.05:0"), 5), XC_BOOK_O_APPLIED);
  ASSERT_BEST(b, XC_BOOK_BID, "100.01", "2");
  ASSERT_BEST(b, XC_BOOK_ASK, "100.06", "1");
  assert_int_equal(feed(b, bn_diff(104, 104, "100.02:9", ""), 6), XC_BOOK_O_STALE_ID);
  assert_int_equal(feed(b, bn_diff(90, 100, "100.02:9", ""), 6), XC_BOOK_O_STALE_ID);
  ASSERT_BEST(b, XC_BOOK_BID, "100.01", "2");
  /* a delete for an absent level is normal */
  assert_int_equal(feed(b, bn_diff(105, 106, "50:0", ""), 7), XC_BOOK_O_APPLIED);
  xc_book_stats st;
  xc_book_stats_get(b, &st);
  assert_int_equal(st.gaps, 0);
  assert_int_equal(st.deletes_absent, 1); /* only 50 was absent */
  /* control replies are ignored */
  assert_int_equal(feed(b, "{\"result\":null,\"id\":1}", 8), XC_BOOK_O_IGNORED);
  /* another symbol is refused, the book is untouched */
  const char *other = "{\"e\":\"depthUpdate\",\"s\":\"ETHUSDT\",\"U\":107,\"u\":107,\"b\":[],\"a\":[]}";
  xc_book_outcome oc;
  assert_int_equal(xc_book_feed(b, other, strlen(other), 9, &oc), XC_EINVAL);
  assert_true(xc_book_update_id(b) == 106);
  xc_book_free(b);
}

static void test_spot_gap_resync(void **state) {
  (void)state;
  xc_book *b = mk(XC_BOOK_BINANCE_SPOT);
  feed(b, bn_diff(11, 12, "10:1", "11:1"), 1);
  snap(b, bn_snap(10, "9:1", "12:1"), 2);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_LIVE);
  drain(b, XC_BOOK_ACT_NONE, NULL);
  /* 13 is missing: gap */
  assert_int_equal(feed(b, bn_diff(14, 15, "10:2", ""), 3), XC_BOOK_O_RESYNC);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_RESYNCING);
  assert_int_equal(xc_book_levels(b, XC_BOOK_BID), 0); /* discarded: nobody reads a bad book */
  xc_book_state to = XC_BOOK_LIVE;
  xc_book_action a;
  int need = 0, states = 0;
  while (xc_book_poll(b, &a)) {
    if (a.kind == XC_BOOK_ACT_NEED_SNAPSHOT) {
      need++;
      assert_int_equal(a.snapshot_limit, 5000);
    }
    if (a.kind == XC_BOOK_ACT_STATE) {
      states++;
      to = a.to;
      assert_int_equal(a.from, XC_BOOK_LIVE);
      assert_int_equal(a.reason, XC_BOOK_R_GAP);
    }
  }
  assert_int_equal(need, 1);
  assert_int_equal(states, 1);
  assert_int_equal(to, XC_BOOK_RESYNCING);
  /* the gap diff and later ones are buffered; new snapshot L=15 -> 16-16 bridges */
  assert_int_equal(feed(b, bn_diff(16, 16, "10.5:1", ""), 4), XC_BOOK_O_BUFFERED);
  snap(b, bn_snap(15, "10:2,9:1", "12:1"), 5);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_LIVE);
  ASSERT_BEST(b, XC_BOOK_BID, "10.5", "1");
  xc_book_stats st;
  xc_book_stats_get(b, &st);
  assert_int_equal(st.gaps, 1);
  assert_int_equal(st.resyncs, 1);
  /* spot rule is strict: an overlapping (non-contiguous) range is a gap too */
  assert_int_equal(feed(b, bn_diff(16, 17, "10.5:2", ""), 6), XC_BOOK_O_RESYNC);
  xc_book_free(b);
}

static void test_spot_snapshot_too_old_and_early(void **state) {
  (void)state;
  xc_book *b = mk(XC_BOOK_BINANCE_SPOT);
  feed(b, bn_diff(200, 201, "10:1", ""), 1);
  xc_book_action act;
  assert_true(xc_book_poll(b, &act));
  assert_int_equal(act.kind, XC_BOOK_ACT_NEED_SNAPSHOT);
  assert_int_equal(act.attempt, 1);
  assert_int_equal(act.snapshot_limit, 5000);
  assert_int_equal(act.snapshot_weight, 250);
  /* snapshot L=150 < first U - 1: too old, fetch again (attempt 2), stay SYNCING */
  snap(b, bn_snap(150, "9:1", "12:1"), 2);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_SYNCING);
  assert_true(xc_book_poll(b, &act));
  assert_int_equal(act.kind, XC_BOOK_ACT_NEED_SNAPSHOT);
  assert_int_equal(act.attempt, 2);
  assert_false(xc_book_poll(b, &act));
  xc_book_stats st;
  xc_book_stats_get(b, &st);
  assert_int_equal(st.snapshots_too_old, 1);
  feed(b, bn_diff(202, 202, "10:3", ""), 3);
  /* the buffer survived: L = 201 bridges with 202 */
  snap(b, bn_snap(201, "10:1,9:1", "12:1"), 4);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_LIVE);
  ASSERT_BEST(b, XC_BOOK_BID, "10", "3");
  xc_book_free(b);

  /* snapshot before any diff (driver fetched early), then diffs */
  b = mk(XC_BOOK_BINANCE_SPOT);
  assert_int_equal(snap(b, bn_snap(50, "9:1", "12:1"), 1), XC_BOOK_O_SNAPSHOT);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_SYNCING);
  assert_int_equal(feed(b, bn_diff(45, 50, "9:5", ""), 2), XC_BOOK_O_STALE_ID);
  assert_int_equal(feed(b, bn_diff(49, 52, "9:2", ""), 3), XC_BOOK_O_APPLIED);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_LIVE);
  ASSERT_BEST(b, XC_BOOK_BID, "9", "2");
  xc_book_free(b);

  /* snapshot before diffs that are already past it */
  b = mk(XC_BOOK_BINANCE_SPOT);
  snap(b, bn_snap(50, "9:1", "12:1"), 1);
  assert_int_equal(feed(b, bn_diff(60, 61, "9:2", ""), 2), XC_BOOK_O_BUFFERED);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_SYNCING);
  assert_int_equal(xc_book_levels(b, XC_BOOK_BID), 0);
  assert_int_equal(drain(b, XC_BOOK_ACT_NEED_SNAPSHOT, NULL), 1);
  xc_book_free(b);
}

static void test_spot_gap_inside_buffer(void **state) {
  (void)state;
  xc_book *b = mk(XC_BOOK_BINANCE_SPOT);
  feed(b, bn_diff(10, 12, "10:1", ""), 1);
  feed(b, bn_diff(13, 14, "10:2", ""), 2);
  feed(b, bn_diff(16, 17, "10:3", ""), 3); /* 15 lost while syncing */
  feed(b, bn_diff(18, 18, "10:4", ""), 4);
  drain(b, XC_BOOK_ACT_NONE, NULL);
  snap(b, bn_snap(11, "9:1", "12:1"), 5);
  /* went LIVE at 10-12, gap at 16: resync, 16.. kept in the buffer */
  assert_int_equal(xc_book_state_get(b), XC_BOOK_RESYNCING);
  assert_int_equal(drain(b, XC_BOOK_ACT_NEED_SNAPSHOT, NULL), 1);
  snap(b, bn_snap(17, "9:1", "12:1"), 6);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_LIVE);
  ASSERT_BEST(b, XC_BOOK_BID, "10", "4");
  assert_true(xc_book_update_id(b) == 18);
  xc_book_free(b);
}

static void test_crossed_and_stale(void **state) {
  (void)state;
  xc_book *b = mk(XC_BOOK_BINANCE_SPOT);
  feed(b, bn_diff(11, 11, "", ""), 100);
  snap(b, bn_snap(10, "9:1", "12:1"), 100);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_LIVE);
  drain(b, XC_BOOK_ACT_NONE, NULL);
  /* staleness is driven by now */
  xc_book_check(b, 600);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_LIVE);
  xc_book_check(b, 1100);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_STALE);
  xc_book_state to = XC_BOOK_LIVE;
  assert_int_equal(drain(b, XC_BOOK_ACT_STATE, &to), 1);
  assert_int_equal(to, XC_BOOK_STALE);
  /* contents kept while stale; the next continuous diff makes it LIVE again */
  ASSERT_BEST(b, XC_BOOK_BID, "9", "1");
  assert_int_equal(feed(b, bn_diff(12, 12, "9.5:1", ""), 1200), XC_BOOK_O_APPLIED);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_LIVE);
  /* a bid at/above the best ask crosses the book: resync */
  assert_int_equal(feed(b, bn_diff(13, 13, "12:1", ""), 1300), XC_BOOK_O_RESYNC);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_RESYNCING);
  xc_book_stats st;
  xc_book_stats_get(b, &st);
  assert_int_equal(st.crossed, 1);
  xc_book_action a;
  int need = 0;
  xc_book_reason why = XC_BOOK_R_NONE;
  while (xc_book_poll(b, &a)) {
    if (a.kind == XC_BOOK_ACT_NEED_SNAPSHOT) need++;
    if (a.kind == XC_BOOK_ACT_STATE) why = a.reason;
  }
  assert_int_equal(need, 1);
  assert_int_equal(why, XC_BOOK_R_CROSSED);
  /* reconnect: reset, then the usual procedure */
  xc_book_reset(b, 1400);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_RESYNCING);
  feed(b, bn_diff(30, 31, "9:1", ""), 1500);
  assert_int_equal(drain(b, XC_BOOK_ACT_NEED_SNAPSHOT, NULL), 1);
  snap(b, bn_snap(30, "9:2", "12:1"), 1600);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_LIVE);
  xc_book_free(b);
}

static void test_buffer_overflow(void **state) {
  (void)state;
  xc_book_opts o;
  xc_book_opts_default(&o, XC_BOOK_BINANCE_SPOT);
  o.buffer_bytes = 1024; /* a few messages */
  xc_book *b = NULL;
  assert_int_equal(xc_book_new(&o, &b), XC_OK);
  for (long long i = 1; i <= 50; i++) feed(b, bn_diff(i, i, "10:1,10.1:1", "11:1"), i);
  xc_book_stats st;
  xc_book_stats_get(b, &st);
  assert_true(st.buffer_overflows > 0);
  /* the oldest are gone: snapshot L=5 cannot bridge -> too old */
  snap(b, bn_snap(5, "9:1", "12:1"), 60);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_SYNCING);
  /* a fresh one bridges with what is left */
  snap(b, bn_snap(49, "9:1", "12:1"), 61);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_LIVE);
  assert_true(xc_book_update_id(b) == 50);
  xc_book_free(b);
}

/* ---- Binance futures ------------------------------------------------------------------------ */

static void test_futures(void **state) {
  (void)state;
  xc_book_opts o;
  xc_book_opts_default(&o, XC_BOOK_BINANCE_USDM);
  o.symbol = "BTCUSDT";
  xc_book *b = NULL;
  assert_int_equal(xc_book_new(&o, &b), XC_OK);
  /* ids are not contiguous: continuity is pu == previous u */
  feed(b, fut_diff(90, 99, 80, "100:1", ""), 1);
  feed(b, fut_diff(100, 120, 99, "100:2", ""), 2);
  feed(b, fut_diff(125, 130, 120, "100:3", "101:1"), 3);
  xc_book_action a;
  assert_true(xc_book_poll(b, &a));
  assert_int_equal(a.kind, XC_BOOK_ACT_NEED_SNAPSHOT);
  assert_int_equal(a.snapshot_limit, 1000);
  /* L = 110: 90-99 dropped (u < L), 100-120 bridges (U <= 110 <= u), 125-130 continues */
  const char *s = "{\"lastUpdateId\":110,\"E\":1,\"T\":1,\"bids\":[[\"99\",\"1\"]],\"asks\":[[\"102\",\"1\"]]}";
  snap(b, s, 4);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_LIVE);
  ASSERT_BEST(b, XC_BOOK_BID, "100", "3");
  assert_true(xc_book_update_id(b) == 130);
  /* u == L is applied for futures (drop only u < L) */
  xc_book *b2 = NULL;
  assert_int_equal(xc_book_new(&o, &b2), XC_OK);
  feed(b2, fut_diff(100, 110, 95, "100:7", ""), 1);
  snap(b2, s, 2);
  assert_int_equal(xc_book_state_get(b2), XC_BOOK_LIVE);
  ASSERT_BEST(b2, XC_BOOK_BID, "100", "7");
  xc_book_free(b2);
  /* pu mismatch: gap */
  assert_int_equal(feed(b, fut_diff(131, 140, 129, "100:4", ""), 5), XC_BOOK_O_RESYNC);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_RESYNCING);
  /* missing pu on a futures book is a gap as well (continuity cannot be proven) */
  feed(b, fut_diff(141, 150, 140, "", ""), 6);
  snap(b, "{\"lastUpdateId\":145,\"bids\":[[\"99\",\"1\"]],\"asks\":[[\"102\",\"1\"]]}", 7);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_LIVE);
  assert_int_equal(feed(b, bn_diff(151, 152, "99:2", ""), 8), XC_BOOK_O_RESYNC);
  xc_book_free(b);
}

/* ---- Bybit ------------------------------------------------------------------------------------ */

static const char *by(const char *type, long long u, long long seq, const char *bids, const char *asks) {
  bn_diff(0, 0, bids, asks);
  char *pb = strstr(msgbuf, "\"b\":[");
  char body[sizeof msgbuf];
  snprintf(body, sizeof body, "%s", pb);
  body[strlen(body) - 1] = 0; /* drop the closing brace */
  snprintf(msgbuf, sizeof msgbuf,
           "{\"topic\":\"orderbook.50.BTCUSDT\",\"type\":\"%s\",\"ts\":1687940967466,\"data\":{\"s\":\"BTCUSDT\",%s,"
           "\"u\":%lld,\"seq\":%lld},\"cts\":1687940967464}",
           type, body, u, seq);
  return msgbuf;
}

static void test_bybit(void **state) {
  (void)state;
  xc_book *b = mk(XC_BOOK_BYBIT);
  /* a delta before any snapshot: resubscribe (once) */
  assert_int_equal(feed(b, by("delta", 5, 100, "30000.1:1", ""), 1), XC_BOOK_O_IGNORED);
  feed(b, by("delta", 6, 101, "30000.1:1", ""), 1);
  assert_int_equal(drain(b, XC_BOOK_ACT_RESUBSCRIBE, NULL), 1);
  assert_int_equal(feed(b, by("snapshot", 10, 200, "30000.10:1.5,29999.90:2", "30000.20:1"), 2), XC_BOOK_O_SNAPSHOT);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_LIVE);
  assert_int_equal(feed(b, by("delta", 11, 205, "30000.10:0,30000.15:0.5", "30000.20:0,30000.30:4"), 3),
                   XC_BOOK_O_APPLIED);
  ASSERT_BEST(b, XC_BOOK_BID, "30000.15", "0.5");
  ASSERT_BEST(b, XC_BOOK_ASK, "30000.3", "4");
  /* old delta dropped */
  assert_int_equal(feed(b, by("delta", 11, 205, "1:1", ""), 4), XC_BOOK_O_STALE_ID);
  /* u == 1: restart, treat as a snapshot even though it is a delta */
  assert_int_equal(feed(b, by("delta", 1, 300, "29000:1", "29001:1"), 5), XC_BOOK_O_SNAPSHOT);
  assert_int_equal(xc_book_levels(b, XC_BOOK_BID), 1);
  ASSERT_BEST(b, XC_BOOK_BID, "29000", "1");
  assert_int_equal(feed(b, by("delta", 2, 301, "29000.5:1", ""), 6), XC_BOOK_O_APPLIED);
  /* a re-sent snapshot (depth 1 sends one with the same u) replaces the book */
  assert_int_equal(feed(b, by("snapshot", 2, 301, "29000.5:1", "29001:1"), 7), XC_BOOK_O_SNAPSHOT);
  assert_int_equal(xc_book_levels(b, XC_BOOK_BID), 1);
  /* gap in u: resync by resubscribing */
  drain(b, XC_BOOK_ACT_NONE, NULL);
  assert_int_equal(feed(b, by("delta", 4, 305, "29000:1", ""), 8), XC_BOOK_O_RESYNC);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_RESYNCING);
  assert_int_equal(drain(b, XC_BOOK_ACT_RESUBSCRIBE, NULL), 1);
  /* deltas from the old subscription are ignored without asking again */
  feed(b, by("delta", 5, 306, "29000:1", ""), 9);
  assert_int_equal(drain(b, XC_BOOK_ACT_RESUBSCRIBE, NULL), 0);
  feed(b, by("snapshot", 50, 400, "29000:1", "29001:1"), 10);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_LIVE);
  /* seq going backwards is a gap too */
  assert_int_equal(feed(b, by("delta", 51, 399, "29000:2", ""), 11), XC_BOOK_O_RESYNC);
  xc_book_free(b);

  /* with bybit_strict_u off, jumps in u are accepted */
  xc_book_opts o;
  xc_book_opts_default(&o, XC_BOOK_BYBIT);
  o.bybit_strict_u = false;
  assert_int_equal(xc_book_new(&o, &b), XC_OK);
  feed(b, by("snapshot", 10, 200, "1:1", "2:1"), 1);
  assert_int_equal(feed(b, by("delta", 15, 210, "1:3", ""), 2), XC_BOOK_O_APPLIED);
  xc_book_free(b);
}

/* ---- storage -------------------------------------------------------------------------------- */

static void test_levels_bounded_and_scale(void **state) {
  (void)state;
  xc_book_opts o;
  xc_book_opts_default(&o, XC_BOOK_BINANCE_SPOT);
  o.max_levels = 3;
  xc_book *b = NULL;
  assert_int_equal(xc_book_new(&o, &b), XC_OK);
  feed(b, bn_diff(2, 2, "", ""), 1);
  snap(b, bn_snap(1, "10:1,9:1,8:1,7:1", "11:1"), 1); /* 7 cut at load */
  assert_int_equal(xc_book_levels(b, XC_BOOK_BID), 3);
  /* a better level evicts the worst (8) */
  feed(b, bn_diff(3, 3, "10.5:1", ""), 2);
  assert_int_equal(xc_book_levels(b, XC_BOOK_BID), 3);
  xc_book_level lv[8];
  uint32_t nb = 0, na = 0;
  xc_book_copy(b, lv, 8, &nb, NULL, 0, &na);
  assert_int_equal(nb, 3);
  assert_true(lv[2].price.coef == 90 && lv[2].price.exp == -1);
  assert_true(lv[0].price.coef == 105 && lv[0].price.exp == -1); /* scale raised to 1 place */
  /* a worse level than all is dropped when full */
  feed(b, bn_diff(4, 4, "1:1", ""), 3);
  xc_book_copy(b, lv, 8, &nb, NULL, 0, &na);
  assert_true(lv[2].price.coef == 90);
  xc_book_stats st;
  xc_book_stats_get(b, &st);
  assert_int_equal(st.levels_evicted, 3);
  assert_true(st.rescales >= 1);
  /* finer quantities rescale too, prices stay exact */
  feed(b, bn_diff(5, 5, "9:0.00000001", ""), 4);
  xc_book_copy(b, lv, 8, &nb, NULL, 0, &na);
  assert_true(lv[2].qty.coef == 1 && lv[2].qty.exp == -8);
  assert_true(lv[0].qty.coef == 100000000 && lv[0].qty.exp == -8);
  xc_book_free(b);

  /* unsorted snapshot still loads correctly (fallback path) */
  xc_book_opts_default(&o, XC_BOOK_BINANCE_SPOT);
  assert_int_equal(xc_book_new(&o, &b), XC_OK);
  feed(b, bn_diff(2, 2, "", ""), 1);
  snap(b, bn_snap(1, "8:1,10:2,9:3,10:4", "12:1,11:5"), 1);
  ASSERT_BEST(b, XC_BOOK_BID, "10", "4");
  ASSERT_BEST(b, XC_BOOK_ASK, "11", "5");
  assert_int_equal(xc_book_levels(b, XC_BOOK_BID), 3);
  xc_book_free(b);

  /* bad options */
  xc_book_opts_default(&o, XC_BOOK_BINANCE_SPOT);
  o.top_n = XC_BOOK_TOP_MAX + 1;
  assert_int_equal(xc_book_new(&o, &b), XC_EINVAL);
  assert_null(b);
  xc_book_opts_default(&o, (xc_book_venue)99);
  assert_int_equal(xc_book_new(&o, &b), XC_EINVAL);
  xc_book_free(NULL);
}

/* ---- readers ---------------------------------------------------------------------------------- */

/* Writer moves the whole ladder up by one tick per message: bids [p-9..p], asks [p+1..p+10], all
 * with quantity == u. A reader that ever sees mixed quantities, a crossed or gapped ladder, or a
 * BBO inconsistent with its id saw a half-applied update. */
typedef struct rd_ctx {
  xc_book *b;
  _Atomic int stop;
  long long reads, bad;
} rd_ctx;

static void *reader(void *arg) {
  rd_ctx *c = arg;
  xc_book_top t;
  while (!atomic_load(&c->stop)) {
    xc_book_top_copy(c->b, 10, &t);
    c->reads++;
    if (t.state != XC_BOOK_LIVE || t.nbids == 0 || t.update_id < 3) continue;
    long long id = t.update_id;
    for (uint32_t i = 0; i < t.nbids; i++)
      if ((long long)t.bids[i].qty.coef != id) c->bad++;
    for (uint32_t i = 0; i < t.nasks; i++)
      if ((long long)t.asks[i].qty.coef != id) c->bad++;
    if (t.nasks && t.asks[0].price.coef <= t.bids[0].price.coef) c->bad++;
    xc_book_bbo q;
    xc_book_bbo_get(c->b, &q);
    if (q.has_bid && q.has_ask && q.update_id >= 3 && (long long)q.bid_qty.coef != q.update_id) c->bad++;
  }
  return NULL;
}

/* Deleted levels below the top stay as tombstones (qty 0) until revived or compacted: readers,
 * counts and checksums must never see them. */
static uint64_t checksum_of(const char *bids, const char *asks) {
  xc_book *b = mk(XC_BOOK_BINANCE_SPOT);
  feed(b, bn_diff(2, 2, "", ""), 1);
  snap(b, bn_snap(1, bids, asks), 1);
  uint64_t h = xc_book_checksum(b);
  xc_book_free(b);
  return h;
}

static bool dec_is(xc_dec d, const char *want) {
  xc_dec w;
  return xc_dec_parse(want, strlen(want), &w) == XC_OK && xc_dec_eq(d, w);
}

static void test_tombstones(void **state) {
  (void)state;
  xc_book *b = mk(XC_BOOK_BINANCE_SPOT);
  feed(b, bn_diff(2, 2, "", ""), 1);
  snap(b, bn_snap(1, "10:1,9:1,8:1,7:1,6:1,5:1,4:1,3:1,2:1,1:1", "11:1"), 1);
  feed(b, bn_diff(3, 3, "5:0", ""), 2); /* a tombstone in the middle */
  assert_int_equal(xc_book_levels(b, XC_BOOK_BID), 9);
  xc_book_level lv[16];
  uint32_t nb = 0, na = 0;
  xc_book_copy(b, lv, 16, &nb, NULL, 0, &na);
  assert_int_equal(nb, 9);
  for (uint32_t i = 0; i < nb; i++) assert_true(lv[i].qty.coef != 0 && lv[i].price.coef != 5);
  xc_book_top t;
  xc_book_top_copy(b, 20, &t);
  assert_true(t.nbids == 9 && t.total_bids == 9 && t.bids[5].price.coef == 4);
  assert_true(xc_book_checksum(b) == checksum_of("10:1,9:1,8:1,7:1,6:1,4:1,3:1,2:1,1:1", "11:1"));
  /* deleting it again, or a price never held, is an absent delete */
  feed(b, bn_diff(4, 4, "5:0,5.5:0", ""), 3);
  xc_book_stats st;
  xc_book_stats_get(b, &st);
  assert_int_equal(st.deletes_absent, 2);
  /* revived */
  feed(b, bn_diff(5, 5, "5:2", ""), 4);
  assert_int_equal(xc_book_levels(b, XC_BOOK_BID), 10);
  xc_book_top_copy(b, 20, &t);
  assert_true(dec_is(t.bids[5].price, "5") && dec_is(t.bids[5].qty, "2"));
  /* the top deleted over a tombstone: the next live level becomes the best */
  feed(b, bn_diff(6, 7, "9:0,10:0", ""), 5);
  ASSERT_BEST(b, XC_BOOK_BID, "8", "1");
  assert_int_equal(xc_book_levels(b, XC_BOOK_BID), 8);
  assert_true(b->side[0].qty[b->side[0].n - 1] != 0); /* the top entry is live */
  xc_book_free(b);

  /* many deletes: the side is compacted, the tombstones stay bounded */
  b = mk(XC_BOOK_BINANCE_SPOT);
  feed(b, bn_diff(2, 2, "", ""), 1);
  char lvls[4096];
  size_t l = 0;
  for (int i = 300; i >= 101; i--) l += (size_t)snprintf(lvls + l, sizeof lvls - l, "%s%d:1", l ? "," : "", i);
  snap(b, bn_snap(1, lvls, "400:1"), 1);
  long long u = 2;
  for (int i = 102; i < 300; i += 2) {
    char d[32];
    snprintf(d, sizeof d, "%d:0", i);
    feed(b, bn_diff(u + 1, u + 1, d, ""), 2);
    u++;
    const xc__side *sd = &b->side[0];
    assert_true(sd->n - sd->live <= 32 + sd->live / 8);
  }
  assert_int_equal(xc_book_levels(b, XC_BOOK_BID), 101);
  ASSERT_BEST(b, XC_BOOK_BID, "300", "1");
  xc_book_free(b);

  /* a full side holding tombstones compacts before it evicts anything */
  xc_book_opts o;
  xc_book_opts_default(&o, XC_BOOK_BINANCE_SPOT);
  o.max_levels = 4;
  assert_int_equal(xc_book_new(&o, &b), XC_OK);
  feed(b, bn_diff(2, 2, "", ""), 1);
  snap(b, bn_snap(1, "10:1,9:1,8:1,7:1", "11:1"), 1);
  feed(b, bn_diff(3, 3, "8:0", ""), 2);
  feed(b, bn_diff(4, 4, "9.5:1", ""), 3);
  xc_book_copy(b, lv, 16, &nb, NULL, 0, &na);
  assert_int_equal(nb, 4);
  assert_true(dec_is(lv[0].price, "10") && dec_is(lv[1].price, "9.5") && dec_is(lv[2].price, "9") &&
              dec_is(lv[3].price, "7"));
  xc_book_stats_get(b, &st);
  assert_int_equal(st.levels_evicted, 0);
  xc_book_free(b);
}

static void test_concurrent_readers(void **state) {
  (void)state;
  xc_book_opts o;
  xc_book_opts_default(&o, XC_BOOK_BINANCE_SPOT);
  xc_book *b = NULL;
  assert_int_equal(xc_book_new(&o, &b), XC_OK);
  feed(b, bn_diff(2, 2, "", ""), 1);
  char sb[2048], sa[2048];
  size_t lb = 0, la = 0;
  for (int i = 0; i < 10; i++) {
    lb += (size_t)snprintf(sb + lb, sizeof sb - lb, "%s%d:1", i ? "," : "", 1000 - i);
    la += (size_t)snprintf(sa + la, sizeof sa - la, "%s%d:1", i ? "," : "", 1001 + i);
  }
  snap(b, bn_snap(1, sb, sa), 1);
  /* u=2 was buffered with no levels; quantities are 1 = snapshot, so start ids at 2 */
  rd_ctx c = {.b = b};
  pthread_t th;
  assert_int_equal(pthread_create(&th, NULL, reader, &c), 0);
  int p = 1000;
  for (long long u = 3; u < 20000; u++) {
    /* new quantities for all, then shift: delete p-9 and p+1, add p+1 (bid) and p+11 (ask) */
    char bb[4096], aa[4096];
    size_t nb = 0, na = 0;
    nb += (size_t)snprintf(bb + nb, sizeof bb - nb, "%d:0", p - 9);
    na += (size_t)snprintf(aa + na, sizeof aa - na, "%d:0", p + 1);
    for (int i = 0; i < 10; i++) {
      nb += (size_t)snprintf(bb + nb, sizeof bb - nb, ",%d:%lld", p + 1 - i, u);
      na += (size_t)snprintf(aa + na, sizeof aa - na, ",%d:%lld", p + 2 + i, u);
    }
    assert_int_equal(feed(b, bn_diff(u, u, bb, aa), u), XC_BOOK_O_APPLIED);
    p++;
  }
  atomic_store(&c.stop, 1);
  pthread_join(th, NULL);
  assert_true(c.reads > 0);
  assert_int_equal(c.bad, 0);
  /* deeper than the published view goes through the mutex */
  xc_book_top t;
  xc_book_top_copy(b, 40, &t);
  assert_int_equal(t.nbids, 10);
  assert_int_equal(t.total_bids, 10);
  int64_t bid, ask;
  int places;
  assert_true(xc_book_bbo_ticks(b, &bid, &ask, &places));
  assert_true(bid == p && ask == p + 1 && places == 0);
  xc_book_free(b);
}


/* Driver paths: pre-decoded messages, failed snapshot fetches, the Bybit REST snapshot, bad
 * snapshot bodies, a bounded action queue, empty-book readers. */
static void test_driver_paths(void **state) {
  (void)state;
  xc_book *b = mk(XC_BOOK_BINANCE_SPOT);
  /* readers on an empty book */
  xc_book_bbo q;
  xc_book_bbo_get(b, &q);
  assert_false(q.has_bid);
  assert_false(q.has_ask);
  assert_int_equal(q.state, XC_BOOK_SYNCING);
  xc_book_top t;
  xc_book_top_copy(b, 5, &t);
  assert_int_equal(t.nbids, 0);
  assert_false(xc_book_bbo_ticks(b, NULL, NULL, NULL));
  /* decode outside, apply inside (the adapter routes combined streams this way) */
  xc_depth_dec d;
  xc_depth_dec_init(&d);
  xc_depth_msg m;
  const char *diff = bn_diff(11, 12, "10:1", "11:1");
  assert_int_equal(xc_depth_decode_binance_ws(&d, diff, strlen(diff), &m), XC_OK);
  xc_book_outcome oc;
  assert_int_equal(xc_book_apply(b, &m, 1, &oc), XC_OK);
  assert_int_equal(oc, XC_BOOK_O_BUFFERED);
  assert_int_equal(drain(b, XC_BOOK_ACT_NEED_SNAPSHOT, NULL), 1);
  /* the fetch failed: asked again */
  xc_book_snapshot_failed(b, 2);
  assert_int_equal(drain(b, XC_BOOK_ACT_NEED_SNAPSHOT, NULL), 1);
  /* a broken body counts as a failed fetch: asked again, book unchanged */
  const char *bad = "{\"lastUpdateId\":10,\"bids\":[[\"1\"]]}";
  assert_int_equal(xc_book_feed_snapshot(b, bad, strlen(bad), 3, &oc), XC_EPARSE);
  assert_int_equal(drain(b, XC_BOOK_ACT_NEED_SNAPSHOT, NULL), 1);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_SYNCING);
  const char *sn = bn_snap(10, "9:1", "12:1");
  assert_int_equal(xc_depth_decode_binance_rest(&d, sn, strlen(sn), &m), XC_OK);
  assert_int_equal(xc_book_apply_snapshot(b, &m, 4, &oc), XC_OK);
  assert_int_equal(oc, XC_BOOK_O_SNAPSHOT);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_LIVE);
  /* an unsolicited snapshot for a live book is ignored */
  assert_int_equal(xc_book_feed_snapshot(b, sn, strlen(sn), 5, &oc), XC_OK);
  assert_int_equal(oc, XC_BOOK_O_IGNORED);
  assert_true(xc_book_update_id(b) == 12);
  /* state events beyond the queue bound: the oldest are dropped, never the snapshot request */
  for (int i = 0; i < 40; i++) {
    xc_book_check(b, 1000000 + 10000 * i);                    /* LIVE -> STALE */
    feed(b, bn_diff(13 + i, 13 + i, "", ""), 1000001 + 10000 * i); /* STALE -> LIVE */
  }
  feed(b, bn_diff(100, 100, "", ""), 2000000); /* gap: NEED_SNAPSHOT */
  assert_int_equal(xc_book_state_get(b), XC_BOOK_RESYNCING);
  xc_book_stats st;
  xc_book_stats_get(b, &st);
  assert_true(st.actions_dropped > 0);
  assert_int_equal(drain(b, XC_BOOK_ACT_NEED_SNAPSHOT, NULL), 1);
  xc_depth_dec_free(&d);
  xc_book_free(b);

  /* Bybit: the REST orderbook body replaces the book (valid with the 1000-level stream) */
  b = mk(XC_BOOK_BYBIT);
  const char *rest = "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"s\":\"BTCUSDT\",\"a\":[[\"65557.7\",\"16.606555\"]],"
                     "\"b\":[[\"65485.47\",\"47.081829\"]],\"ts\":1716863719031,\"u\":230704,\"seq\":1432604333,"
                     "\"cts\":1716863718905},\"retExtInfo\":{},\"time\":1716863719382}";
  assert_int_equal(xc_book_feed_snapshot(b, rest, strlen(rest), 1, &oc), XC_OK);
  assert_int_equal(oc, XC_BOOK_O_SNAPSHOT);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_LIVE);
  ASSERT_BEST(b, XC_BOOK_BID, "65485.47", "47.081829");
  ASSERT_BEST(b, XC_BOOK_ASK, "65557.7", "16.606555");
  assert_int_equal(feed(b, by("delta", 230705, 1432604334, "65485.47:1", ""), 2), XC_BOOK_O_APPLIED);
  ASSERT_BEST(b, XC_BOOK_BID, "65485.47", "1");
  xc_book_free(b);
}

static void test_names(void **state) {
  (void)state;
  assert_int_equal(xc_book_snapshot_weight(XC_BOOK_BINANCE_SPOT, 100), 5);
  assert_int_equal(xc_book_snapshot_weight(XC_BOOK_BINANCE_SPOT, 1000), 50);
  assert_int_equal(xc_book_snapshot_weight(XC_BOOK_BINANCE_SPOT, 5000), 250);
  assert_int_equal(xc_book_snapshot_weight(XC_BOOK_BINANCE_USDM, 1000), 20);
  assert_int_equal(xc_book_snapshot_weight(XC_BOOK_BINANCE_USDM, 100), 5);
  assert_string_equal(xc_book_state_name(XC_BOOK_LIVE), "LIVE");
  assert_string_equal(xc_book_state_name(XC_BOOK_STALE), "STALE");
  assert_string_equal(xc_book_state_name((xc_book_state)42), "UNKNOWN");
  assert_string_equal(xc_book_reason_name(XC_BOOK_R_GAP), "gap");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_num),
      cmocka_unit_test(test_decode_binance),
      cmocka_unit_test(test_decode_fast_paths),
      cmocka_unit_test(test_decode_bybit),
      cmocka_unit_test(test_spot_sync_and_live),
      cmocka_unit_test(test_spot_gap_resync),
      cmocka_unit_test(test_spot_snapshot_too_old_and_early),
      cmocka_unit_test(test_spot_gap_inside_buffer),
      cmocka_unit_test(test_crossed_and_stale),
      cmocka_unit_test(test_buffer_overflow),
      cmocka_unit_test(test_futures),
      cmocka_unit_test(test_bybit),
      cmocka_unit_test(test_levels_bounded_and_scale),
      cmocka_unit_test(test_tombstones),
      cmocka_unit_test(test_concurrent_readers),
      cmocka_unit_test(test_driver_paths),
      cmocka_unit_test(test_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
