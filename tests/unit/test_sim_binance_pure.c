/* Unit tests for the simulator's pure Binance pieces: parameters, authentication (official
 * HMAC vectors), filters and their error codes, and payload formatters. */
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "sim/binance_filters.h"
#include "sim/binance_fmt.h"
#include "sim/binance_limits.h"
#include "sim/binance_params.h"

#define K1 "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
#define S1 "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
#define P1 "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
#define G1 "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
#define K3 "dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83"
#define S3 "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"
#define P3 "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943"
#define G3 "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9"

static xc__bn_params P;

static int auth(const char *q, const char *body, const char *key, const char *secret, const char *hdr,
                int64_t now, bool fut, xc__bn_err *e) {
  xc__bn_params_parse(&P, q, q ? strlen(q) : 0, body, body ? strlen(body) : 0);
  xc__bn_keys keys = {key, secret};
  memset(e, 0, sizeof *e);
  return xc__bn_auth_rest(&P, hdr, &keys, XC__BN_SEC_SIGNED, now, fut, e);
}

static void test_hmac_vectors(void **st) {
  (void)st;
  char hex[65];
  xc__bn_hmac_hex(S1, P1, strlen(P1), hex);
  assert_string_equal(hex, G1);
  xc__bn_hmac_hex(S3, P3, strlen(P3), hex);
  assert_string_equal(hex, G3);
  assert_true(xc__bn_hex_eq("ABCdef", "abcDEF"));
  assert_false(xc__bn_hex_eq("abcdef", "abcdee"));
}

static void test_auth(void **st) {
  (void)st;
  xc__bn_err e;
  int64_t now = 1499827319559 + 100;
  /* vector 1 in the query, in the body, and split across both (query + body, no '&') */
  assert_int_equal(auth(P1 "&signature=" G1, NULL, K1, S1, K1, now, false, &e), 0);
  assert_int_equal(auth(NULL, P1 "&signature=" G1, K1, S1, K1, now, false, &e), 0);
  {
    const char *q = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC";
    const char *b = "quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
    char payload[256], hex[65], body[400];
    snprintf(payload, sizeof payload, "%s%s", q, b);
    xc__bn_hmac_hex(S1, payload, strlen(payload), hex);
    snprintf(body, sizeof body, "%s&signature=%s", b, hex);
    assert_int_equal(auth(q, body, K1, S1, K1, now, false, &e), 0);
    assert_string_equal(xc__bn_param(&P, "quantity"), "1");
  }
  /* uppercase hex is accepted */
  char up[65];
  strcpy(up, G1);
  for (char *c = up; *c; c++) if (*c >= 'a' && *c <= 'f') *c = (char)(*c - 32);
  char q[512];
  snprintf(q, sizeof q, "%s&signature=%s", P1, up);
  assert_int_equal(auth(q, NULL, K1, S1, K1, now, false, &e), 0);
  /* futures vector */
  assert_int_equal(auth(P3 "&signature=" G3, NULL, K3, S3, K3, 1591702613943 + 5, true, &e), 0);
  /* a changed parameter breaks the signature */
  assert_int_equal(auth("symbol=LTCBTC&side=SELL&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&"
                        "timestamp=1499827319559&signature=" G1, NULL, K1, S1, K1, now, false, &e),
                   XC__BN_INVALID_SIGNATURE);
  assert_int_equal(xc__bn_err_http(e.code), 400);
  /* key checks */
  assert_int_equal(auth(P1 "&signature=" G1, NULL, K1, S1, NULL, now, false, &e), XC__BN_BAD_API_KEY_FMT);
  assert_int_equal(xc__bn_err_http(e.code), 401);
  assert_int_equal(auth(P1 "&signature=" G1, NULL, K1, S1, K3, now, false, &e), XC__BN_REJECTED_MBX_KEY);
  /* missing signature, missing timestamp */
  assert_int_equal(auth(P1, NULL, K1, S1, K1, now, false, &e), XC__BN_MANDATORY_PARAM);
  assert_non_null(strstr(e.msg, "'signature'"));
  assert_int_equal(auth("symbol=X&signature=ab", NULL, K1, S1, K1, now, false, &e), XC__BN_MANDATORY_PARAM);
  assert_non_null(strstr(e.msg, "'timestamp'"));
  /* stale (outside recvWindow 5000) and early (>= 1000 ms ahead) */
  assert_int_equal(auth(P1 "&signature=" G1, NULL, K1, S1, K1, 1499827319559 + 5001, false, &e),
                   XC__BN_INVALID_TIMESTAMP);
  assert_non_null(strstr(e.msg, "recvWindow"));
  assert_int_equal(auth(P1 "&signature=" G1, NULL, K1, S1, K1, 1499827319559 - 1000, false, &e),
                   XC__BN_INVALID_TIMESTAMP);
  assert_non_null(strstr(e.msg, "ahead"));
  assert_int_equal(auth(P1 "&signature=" G1, NULL, K1, S1, K1, 1499827319559 - 999, false, &e), 0);
  /* recvWindow above 60000 */
  assert_int_equal(auth("timestamp=1&recvWindow=60001&signature=00", NULL, K1, S1, K1, 2, false, &e),
                   XC__BN_MANDATORY_PARAM);
}

static void test_params(void **st) {
  (void)st;
  const char *q = "symbol=BTCUSDT&newClientOrderId=a%2Fb%3Dc&x=1+2";
  const char *b = "symbol=ETHUSDT&price=1.5";
  xc__bn_params_parse(&P, q, strlen(q), b, strlen(b));
  assert_false(P.duplicate);
  assert_string_equal(xc__bn_param(&P, "symbol"), "BTCUSDT"); /* query wins */
  assert_string_equal(xc__bn_param(&P, "newClientOrderId"), "a/b=c");
  assert_string_equal(xc__bn_param(&P, "x"), "1 2");
  assert_string_equal(xc__bn_param(&P, "price"), "1.5");
  assert_null(xc__bn_param(&P, "quantity"));
  xc__bn_params_parse(&P, "a=1&a=2", 7, NULL, 0);
  assert_true(P.duplicate);
  /* a NUL byte (raw or %00) would truncate the value: flagged as illegal (fuzzer find) */
  xc__bn_params_parse(&P, "a=1%002&b=3", 11, NULL, 0);
  assert_true(P.illegal);
  xc__bn_params_parse(&P, "a=1\0002", 6, NULL, 0);
  assert_true(P.illegal);
  xc__bn_err e = {0};
  xc_dec d;
  bool has;
  xc__bn_params_parse(&P, "p=1.25&bad=1e5&n=12&m=1x", 24, NULL, 0);
  assert_int_equal(xc__bn_param_dec(&P, "p", &d, &has, &e), 0);
  assert_true(has);
  char s[64];
  xc_dec_to_str(d, s, sizeof s);
  assert_string_equal(s, "1.25");
  assert_int_equal(xc__bn_param_dec(&P, "bad", &d, &has, &e), XC__BN_ILLEGAL_CHARS);
  int64_t v = 0;
  assert_int_equal(xc__bn_param_i64(&P, "n", &v, &has, &e), 0);
  assert_int_equal(v, 12);
  assert_int_equal(xc__bn_param_i64(&P, "m", &v, &has, &e), XC__BN_ILLEGAL_CHARS);
  assert_int_equal(xc__bn_param_i64(&P, "zz", &v, &has, &e), 0);
  assert_false(has);
}

static xc_dec D(const char *s) {
  xc_dec d;
  assert_int_equal(xc_dec_from_cstr(s, &d), XC_OK);
  return d;
}

static void test_filters(void **st) {
  (void)st;
  xc__bn_rules r;
  xc__bn_rules_init(&r, D("0.01"), D("0.00001"), D("5"));
  xc__bn_err e = {0};
  assert_int_equal(xc__bn_check_order(&r, false, false, true, D("50000.01"), true, D("0.001"), XC_DEC_ZERO, &e), 0);
  assert_int_equal(xc__bn_check_order(&r, false, false, true, D("50000.015"), true, D("0.001"), XC_DEC_ZERO, &e),
                   XC__BN_INVALID_MESSAGE);
  assert_string_equal(e.msg, "Filter failure: PRICE_FILTER");
  assert_int_equal(xc__bn_check_order(&r, false, false, true, D("50000"), true, D("0.000015"), XC_DEC_ZERO, &e),
                   XC__BN_INVALID_MESSAGE);
  assert_string_equal(e.msg, "Filter failure: LOT_SIZE");
  assert_int_equal(xc__bn_check_order(&r, false, false, true, D("100"), true, D("0.001"), XC_DEC_ZERO, &e),
                   XC__BN_INVALID_MESSAGE);
  assert_string_equal(e.msg, "Filter failure: NOTIONAL");
  assert_int_equal(xc__bn_check_order(&r, false, true, false, XC_DEC_ZERO, true, D("0.00001"), D("50000"), &e),
                   XC__BN_INVALID_MESSAGE);
  assert_string_equal(e.msg, "Filter failure: NOTIONAL");
  /* futures codes */
  xc__bn_rules_init(&r, D("0.10"), D("0.001"), D("100"));
  assert_int_equal(xc__bn_check_order(&r, true, false, true, D("50000.05"), true, D("0.01"), XC_DEC_ZERO, &e), -4014);
  assert_int_equal(xc__bn_check_order(&r, true, false, true, D("50000.1"), true, D("0.0105"), XC_DEC_ZERO, &e), -4023);
  assert_int_equal(xc__bn_check_order(&r, true, false, true, D("50000.1"), true, D("0.001"), XC_DEC_ZERO, &e),
                   XC__BN_FUT_MIN_NOTIONAL);
  assert_int_equal(xc__bn_text_places("0.00100"), 5);
  assert_int_equal(xc__bn_text_places("12"), 0);
}

static void test_fmt(void **st) {
  (void)st;
  xc_buf b;
  xc_buf_init(&b);
  xc_jw w;
  xc_jw_init(&w, &b);
  xc__bn_places pl = {8, 8, 8};
  xc__bn_fill f = {D("50000"), D("0.001"), D("0.00000100"), "BTC", 7};
  xc__bn_order_view o = {.symbol = "BTCUSDT", .order_id = 12, .client_id = "abc", .side = "BUY", .type = "MARKET",
                         .tif = "GTC", .status = "FILLED", .price = XC_DEC_ZERO, .orig_qty = D("0.001"),
                         .executed_qty = D("0.001"), .cum_quote = D("50"), .orig_quote_qty = XC_DEC_ZERO,
                         .transact_time = 1000, .working_time = 1000, .fills = &f, .nfills = 1};
  xc__bn_spot_new_order(&w, &o, XC__BN_RESP_FULL, &pl);
  assert_int_equal(xc_jw_finish(&w), XC_OK);
  assert_string_equal(b.data,
    "{\"symbol\":\"BTCUSDT\",\"orderId\":12,\"orderListId\":-1,\"clientOrderId\":\"abc\",\"transactTime\":1000,"
    "\"price\":\"0.00000000\",\"origQty\":\"0.00100000\",\"executedQty\":\"0.00100000\","
    "\"origQuoteOrderQty\":\"0.00000000\",\"cummulativeQuoteQty\":\"50.00000000\",\"status\":\"FILLED\","
    "\"timeInForce\":\"GTC\",\"type\":\"MARKET\",\"side\":\"BUY\",\"workingTime\":1000,"
    "\"selfTradePreventionMode\":\"NONE\",\"fills\":[{\"price\":\"50000.00000000\",\"qty\":\"0.00100000\","
    "\"commission\":\"0.00000100\",\"commissionAsset\":\"BTC\",\"tradeId\":7}]}");
  xc_buf_reset(&b);
  xc_jw_init(&w, &b);
  xc__bn_level bids[1] = {{D("1.5"), D("2")}}, asks[1] = {{D("1.6"), D("0")}};
  xc__bn_places fp = {2, 3, 2};
  xc__bn_depth_update(&w, "BTCUSDT", 10, 12, 9, bids, 1, asks, 1, true, 5, &fp);
  assert_int_equal(xc_jw_finish(&w), XC_OK);
  assert_string_equal(b.data, "{\"e\":\"depthUpdate\",\"E\":5,\"T\":5,\"s\":\"BTCUSDT\",\"U\":10,\"u\":12,\"pu\":9,"
                              "\"b\":[[\"1.50\",\"2.000\"]],\"a\":[[\"1.60\",\"0.000\"]]}");
  xc_buf_reset(&b);
  xc_jw_init(&w, &b);
  xc__bn_err_json(&b, -1121, NULL);
  assert_string_equal(b.data, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}");
  xc_buf_free(&b);
}

static void test_limits(void **st) {
  (void)st;
  xc__bn_limits l;
  xc__bn_limits_init(&l, false, 1); /* 1%: 60 weight/min, 1 order/10 s, 2000 orders/day */
  assert_int_equal(l.weight_limit, 60);
  assert_int_equal(l.order_limit_short, 1);
  xc__bn_verdict v;
  int64_t t = 1700000000000 - 1700000000000 % 60000 + 1000; /* 1 s into a minute */
  xc__bn_limits_charge(&l, t, 20, false, &v);
  assert_int_equal(v.http, 0);
  xc__bn_limits_charge(&l, t, 40, false, &v);
  assert_int_equal(v.http, 0);
  assert_int_equal(xc__bn_limits_used_weight(&l, t), 60);
  xc__bn_limits_charge(&l, t, 1, false, &v);
  assert_int_equal(v.http, 429);
  assert_int_equal(v.code, -1003);
  assert_int_equal(v.retry_after_s, 59);
  for (int i = 0; i < 9; i++) {
    xc__bn_limits_charge(&l, t + 10, 1, false, &v);
    assert_int_equal(v.http, 429);
  }
  xc__bn_limits_charge(&l, t + 20, 1, false, &v); /* the 11th refusal in the window: banned */
  assert_int_equal(v.http, 418);
  assert_int_equal(v.retry_after_s, 120);
  /* still banned in the next minute, free after 2 min; the next ban is twice as long */
  xc__bn_limits_charge(&l, t + 60000, 1, false, &v);
  assert_int_equal(v.http, 418);
  xc__bn_limits_charge(&l, t + 20 + 120000, 1, false, &v);
  assert_int_equal(v.http, 0);
  assert_int_equal(l.ban_ms, 240000);
  /* orders: one per 10 s window */
  int64_t o = t + 200000 - (t + 200000) % 10000;
  xc__bn_limits_charge(&l, o, 1, true, &v);
  assert_int_equal(v.http, 0);
  assert_int_equal(xc__bn_limits_orders_short(&l, o), 1);
  xc__bn_limits_charge(&l, o + 5000, 1, true, &v);
  assert_int_equal(v.http, 429);
  assert_int_equal(v.code, -1015);
  assert_int_equal(v.retry_after_s, 5);
  xc__bn_limits_charge(&l, o + 10000, 1, true, &v);
  assert_int_equal(v.http, 0);
  assert_int_equal(xc__bn_limits_orders_long(&l, o + 10000), 2);
}

/* The fast fixed-places formatter agrees with xc_dec_to_str_fixed (random values, signs, scales,
 * including values that need rounding and so take the slow path). */
static void test_fixed_fast_path(void **st) {
  (void)st;
  uint64_t seed = 42;
  xc_buf b;
  xc_buf_init(&b);
  for (int i = 0; i < 20000; i++) {
    uint64_t r = xc_test_rand(&seed);
    int64_t coef = (int64_t)(r % 4 == 0 ? r >> 1 : r % 100000000000ull);
    if (r & 0x100) coef = -coef;
    int exp = -(int)(xc_test_rand(&seed) % 19);
    int places = (int)(xc_test_rand(&seed) % 13);
    xc_dec d;
    assert_int_equal(xc_dec_from_i64(coef, exp, &d), XC_OK);
    char want[XC_DEC_STR_MAX + 2];
    want[0] = '"';
    int n = xc_dec_to_str_fixed(d, places, XC_ROUND_HALF_EVEN, want + 1, sizeof want - 2);
    assert_true(n > 0);
    want[n + 1] = '"';
    want[n + 2] = 0;
    xc_buf_reset(&b);
    xc_jw w;
    xc_jw_init(&w, &b);
    xc__bn_jw_fixed(&w, d, places);
    if (strcmp(b.data, want) != 0) fail_msg("coef %lld exp %d places %d: got %s want %s", (long long)coef, exp, places, b.data, want);
  }
  xc_buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_hmac_vectors), cmocka_unit_test(test_auth), cmocka_unit_test(test_params),
    cmocka_unit_test(test_filters), cmocka_unit_test(test_fmt), cmocka_unit_test(test_limits),
    cmocka_unit_test(test_fixed_fast_path),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
