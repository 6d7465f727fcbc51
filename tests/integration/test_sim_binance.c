/* Integration tests of the simulator's Binance REST front ends over real loopback HTTP (libcurl):
 * Binance error codes and statuses for bad input, authentication (-2014/-2015/-1022/-1021),
 * parameters in query / body / both, order lifecycle, futures positions, and rate limiting
 * (X-MBX-USED-WEIGHT-1M, X-MBX-ORDER-COUNT-*, 429 then 418 with Retry-After). */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"
#include "core/json.h"
#include "core/sign.h"
#include "sim/binance.h"
#include "sim/binance_params.h"
#include "xconn/sim.h"

static xc_sim *g_sim;
static char g_spot[128], g_fut[128], g_key[128], g_secret[128];

typedef xc_test_resp resp; /* tests/testutil.h */

/* Sends method base+path with query and body (either may be NULL). sign: append timestamp and
 * signature (over query || body) to the body when there is one, else to the query. */
static void http(resp *r, const char *method, const char *base, const char *path, const char *query,
                 const char *body, bool key, bool sign) {
  char q[2048] = "", b[2048] = "";
  if (query) snprintf(q, sizeof q, "%s", query);
  if (body) snprintf(b, sizeof b, "%s", body);
  if (sign) {
    char *t = body ? b : q;
    size_t cap = sizeof q;
    snprintf(t + strlen(t), cap - strlen(t), "%stimestamp=%lld", *t ? "&" : "", (long long)xc_test_wall_ms());
    char payload[4200], hex[65];
    snprintf(payload, sizeof payload, "%s%s", q, b);
    xc__bn_hmac_hex(g_secret, payload, strlen(payload), hex);
    snprintf(t + strlen(t), cap - strlen(t), "&signature=%s", hex);
  }
  char url[2600];
  snprintf(url, sizeof url, "%s%s%s%s", base, path, *q ? "?" : "", q);
  char kh[200];
  const char *hs[8] = {0};
  if (key) {
    snprintf(kh, sizeof kh, "X-MBX-APIKEY: %s", g_key);
    hs[0] = kh;
  }
  if (body) hs[1] = "Content-Type: application/x-www-form-urlencoded";
  assert_int_equal(xc_test_http(r, method, url, body ? b : NULL, hs), CURLE_OK);
}

static void drop(resp *r) { free(r->body); }

/* The Binance error code of a response body (0 if none). */
static int64_t code_of(const resp *r) {
  xc_json j;
  xc_json_init(&j);
  int64_t code = 0;
  if (xc_json_parse(&j, r->body, r->len) == XC_OK) xc_json_get_i64(&j, 0, "code", &code);
  xc_json_free(&j);
  return code;
}

static void expect_err(resp *r, long status, int64_t code) {
  if (r->status != status || code_of(r) != code)
    fail_msg("expected %ld/%lld, got %ld: %s", status, (long long)code, r->status, r->body);
  drop(r);
}

/* Header value (case-insensitive name) or "" (static buffer). */
static int setup(void **st) {
  (void)st;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  xc_sim_opts o;
  xc_sim_opts_default(&o);
  o.port_base = 0;
  o.seed = 11;
  o.quiet = true;
  if (xc_sim_new(&o, &g_sim) != XC_OK) return -1;
  if (xc_sim_start(g_sim) != XC_OK) return -1;
  snprintf(g_spot, sizeof g_spot, "%s", xc_sim_endpoint(g_sim, XC_SIM_EP_BINANCE_SPOT_REST));
  snprintf(g_fut, sizeof g_fut, "%s", xc_sim_endpoint(g_sim, XC_SIM_EP_BINANCE_USDM_REST));
  snprintf(g_key, sizeof g_key, "%s", xc_sim_api_key(g_sim));
  snprintf(g_secret, sizeof g_secret, "%s", xc_sim_api_secret(g_sim));
  return 0;
}

static int teardown(void **st) {
  (void)st;
  xc_sim_free(g_sim);
  curl_global_cleanup();
  return 0;
}

static void test_public(void **st) {
  (void)st;
  resp r;
  http(&r, "GET", g_spot, "/api/v3/ping", NULL, NULL, false, false);
  assert_int_equal(r.status, 200);
  assert_string_equal(r.body, "{}");
  assert_true(atoi(xc_test_resp_header(&r, "X-MBX-USED-WEIGHT-1M")) >= 1);
  drop(&r);
  http(&r, "GET", g_spot, "/api/v3/time", NULL, NULL, false, false);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "\"serverTime\":"));
  drop(&r);
  http(&r, "GET", g_spot, "/api/v3/exchangeInfo", "symbol=BTCUSDT", NULL, false, false);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "\"filterType\":\"PRICE_FILTER\""));
  assert_non_null(strstr(r.body, "\"filterType\":\"LOT_SIZE\""));
  assert_non_null(strstr(r.body, "\"filterType\":\"NOTIONAL\""));
  assert_non_null(strstr(r.body, "\"rateLimitType\":\"REQUEST_WEIGHT\""));
  drop(&r);
  http(&r, "GET", g_spot, "/api/v3/depth", "symbol=NOPE", NULL, false, false);
  expect_err(&r, 400, -1121);
  http(&r, "GET", g_spot, "/api/v3/depth", NULL, NULL, false, false);
  expect_err(&r, 400, -1102);
  /* depth weight by limit: 5 for 100, 25 for 500 */
  http(&r, "GET", g_spot, "/api/v3/depth", "symbol=BTCUSDT&limit=100", NULL, false, false);
  int w1 = atoi(xc_test_resp_header(&r, "X-MBX-USED-WEIGHT-1M"));
  assert_non_null(strstr(r.body, "\"lastUpdateId\":"));
  drop(&r);
  http(&r, "GET", g_spot, "/api/v3/depth", "symbol=BTCUSDT&limit=500", NULL, false, false);
  int w2 = atoi(xc_test_resp_header(&r, "X-MBX-USED-WEIGHT-1M"));
  drop(&r);
  if (w2 > w1) assert_int_equal(w2 - w1, 25); /* same minute window */
  http(&r, "GET", g_fut, "/fapi/v1/depth", "symbol=NOPE", NULL, false, false);
  expect_err(&r, 400, -1121);
}

static void test_auth(void **st) {
  (void)st;
  resp r;
  /* no key */
  http(&r, "GET", g_spot, "/api/v3/account", NULL, NULL, false, true);
  expect_err(&r, 401, -2014);
  /* bad signature */
  char q[256];
  snprintf(q, sizeof q, "timestamp=%lld&signature=%064d", (long long)xc_test_wall_ms(), 0);
  http(&r, "GET", g_spot, "/api/v3/account", q, NULL, true, false);
  expect_err(&r, 400, -1022);
  /* stale timestamp (signed correctly) */
  snprintf(q, sizeof q, "recvWindow=5000&timestamp=%lld", (long long)(xc_test_wall_ms() - 10000));
  char payload[300], hex[65];
  snprintf(payload, sizeof payload, "%s", q);
  xc__bn_hmac_hex(g_secret, payload, strlen(payload), hex);
  snprintf(q + strlen(q), sizeof q - strlen(q), "&signature=%s", hex);
  http(&r, "GET", g_spot, "/api/v3/account", q, NULL, true, false);
  expect_err(&r, 400, -1021);
  /* missing timestamp */
  http(&r, "GET", g_spot, "/api/v3/account", "signature=00", NULL, true, false);
  expect_err(&r, 400, -1102);
  /* good */
  http(&r, "GET", g_spot, "/api/v3/account", NULL, NULL, true, true);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "\"balances\":["));
  drop(&r);
}

static void mid_price(char *out, size_t cap, int pct) {
  resp r;
  http(&r, "GET", g_spot, "/api/v3/ticker/bookTicker", "symbol=BTCUSDT", NULL, false, false);
  assert_int_equal(r.status, 200);
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(xc_json_parse(&j, r.body, r.len), XC_OK);
  xc_dec bid, p, k;
  assert_int_equal(xc_json_get_dec(&j, 0, "bidPrice", &bid), XC_OK);
  xc_dec_from_i64(pct, -2, &k);
  xc_dec_mul(bid, k, &p);
  xc_dec_to_str_fixed(p, 2, XC_ROUND_DOWN, out, cap); /* always two decimals: "+1" goes off the tick */
  xc_json_free(&j);
  drop(&r);
}

static void test_orders(void **st) {
  (void)st;
  resp r;
  char px[64], b[512];
  mid_price(px, sizeof px, 80);
  /* too many decimals in quantity (spot base precision 8) */
  snprintf(b, sizeof b, "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.000000001&price=%s", px);
  http(&r, "POST", g_spot, "/api/v3/order", NULL, b, true, true);
  expect_err(&r, 400, -1111);
  /* price off the tick */
  snprintf(b, sizeof b, "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=%s1", px);
  http(&r, "POST", g_spot, "/api/v3/order", NULL, b, true, true);
  if (r.status == 200) fail_msg("accepted an off-tick price: %s", r.body);
  assert_int_equal(code_of(&r), -1013);
  assert_non_null(strstr(r.body, "PRICE_FILTER"));
  drop(&r);
  /* below min notional */
  http(&r, "POST", g_spot, "/api/v3/order", NULL,
       "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.00001&price=1.00", true, true);
  assert_int_equal(code_of(&r), -1013);
  assert_non_null(strstr(r.body, "NOTIONAL"));
  drop(&r);
  /* insufficient balance: sell twice the BTC the account holds, above the market */
  {
    http(&r, "GET", g_spot, "/api/v3/account", NULL, NULL, true, true);
    const char *p = strstr(r.body, "\"asset\":\"BTC\",\"free\":\"");
    assert_non_null(p);
    long held = atol(p + strlen("\"asset\":\"BTC\",\"free\":\""));
    drop(&r);
    char hi[64];
    mid_price(hi, sizeof hi, 110);
    snprintf(b, sizeof b, "symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=%ld&price=%s", held * 2 + 1, hi);
    http(&r, "POST", g_spot, "/api/v3/order", NULL, b, true, true);
    expect_err(&r, 400, -2010);
  }
  /* unknown symbol, unknown order */
  http(&r, "POST", g_spot, "/api/v3/order", NULL, "symbol=XXXYYY&side=BUY&type=MARKET&quantity=1", true, true);
  expect_err(&r, 400, -1121);
  http(&r, "DELETE", g_spot, "/api/v3/order", "symbol=BTCUSDT&orderId=987654321", NULL, true, true);
  expect_err(&r, 400, -2011);
  http(&r, "GET", g_spot, "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=nope", NULL, true, true);
  expect_err(&r, 400, -2013);
  /* parameters in the query only, the body only, and split over both */
  const char *cids[3] = {"xcq", "xcb", "xcqb"};
  for (int i = 0; i < 3; i++) {
    char all[512];
    snprintf(all, sizeof all,
             "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=%s&newClientOrderId=%s", px,
             cids[i]);
    if (i == 0) http(&r, "POST", g_spot, "/api/v3/order", all, NULL, true, true);
    else if (i == 1) http(&r, "POST", g_spot, "/api/v3/order", NULL, all, true, true);
    else {
      char qb[128];
      snprintf(qb, sizeof qb, "newClientOrderId=%s&symbol=BTCUSDT", cids[i]);
      snprintf(all, sizeof all, "side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=%s", px);
      http(&r, "POST", g_spot, "/api/v3/order", qb, all, true, true);
    }
    if (r.status != 200) fail_msg("order %d: %s", i, r.body);
    assert_non_null(strstr(r.body, "\"status\":\"NEW\""));
    assert_true(atoi(xc_test_resp_header(&r, "X-MBX-ORDER-COUNT-10S")) >= 1);
    assert_true(xc_test_resp_header(&r, "X-MBX-ORDER-COUNT-1D")[0] != 0);
    drop(&r);
  }
  http(&r, "GET", g_spot, "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=xcqb", NULL, true, true);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "\"origQty\":\"0.01000000\""));
  drop(&r);
  http(&r, "DELETE", g_spot, "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=xcq", NULL, true, true);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "\"status\":\"CANCELED\""));
  assert_non_null(strstr(r.body, "\"origClientOrderId\":\"xcq\""));
  drop(&r);
  http(&r, "DELETE", g_spot, "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=xcq", NULL, true, true);
  expect_err(&r, 400, -2011);
  http(&r, "DELETE", g_spot, "/api/v3/openOrders", "symbol=BTCUSDT", NULL, true, true);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "\"origClientOrderId\":\"xcb\""));
  drop(&r);
  http(&r, "GET", g_spot, "/api/v3/openOrders", "symbol=BTCUSDT", NULL, true, true);
  assert_string_equal(r.body, "[]");
  drop(&r);
  http(&r, "GET", g_spot, "/api/v3/rateLimit/order", NULL, NULL, true, true);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "\"interval\":\"SECOND\",\"intervalNum\":10,\"limit\":100,\"count\":"));
  drop(&r);
  /* post-only that would take, FOK that cannot fill, duplicate client id */
  {
    char hi[64];
    mid_price(hi, sizeof hi, 130);
    snprintf(b, sizeof b, "symbol=BTCUSDT&side=BUY&type=LIMIT_MAKER&quantity=0.01&price=%s", hi);
    http(&r, "POST", g_spot, "/api/v3/order", NULL, b, true, true);
    if (r.status != 400 || code_of(&r) != -2010 || !strstr(r.body, "immediately match"))
      fail_msg("LIMIT_MAKER crossing: %s", r.body);
    drop(&r);
    snprintf(b, sizeof b, "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=FOK&quantity=1&price=%s", px);
    http(&r, "POST", g_spot, "/api/v3/order", NULL, b, true, true);
    if (r.status != 200 || !strstr(r.body, "\"status\":\"EXPIRED\"")) fail_msg("spot FOK: %s", r.body);
    drop(&r);
    snprintf(b, sizeof b, "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=%s&newClientOrderId=dup1", px);
    http(&r, "POST", g_spot, "/api/v3/order", NULL, b, true, true);
    assert_int_equal(r.status, 200);
    drop(&r);
    http(&r, "POST", g_spot, "/api/v3/order", NULL, b, true, true);
    expect_err(&r, 400, -2010);
    /* timeInForce on MARKET, price on MARKET, missing price on LIMIT */
    http(&r, "POST", g_spot, "/api/v3/order", NULL, "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&timeInForce=GTC", true, true);
    expect_err(&r, 400, -1114);
    http(&r, "POST", g_spot, "/api/v3/order", NULL, "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&price=1", true, true);
    expect_err(&r, 400, -1106);
    http(&r, "POST", g_spot, "/api/v3/order", NULL, "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01", true, true);
    expect_err(&r, 400, -1102);
    http(&r, "POST", g_spot, "/api/v3/order", NULL, "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=1e5", true, true);
    expect_err(&r, 400, -1100);
    http(&r, "POST", g_spot, "/api/v3/order", NULL, "symbol=BTCUSDT&side=HOLD&type=MARKET&quantity=0.01", true, true);
    expect_err(&r, 400, -1117);
  }
  /* order/test validates without placing */
  http(&r, "POST", g_spot, "/api/v3/order/test", NULL, "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01", true, true);
  assert_int_equal(r.status, 200);
  assert_string_equal(r.body, "{}");
  drop(&r);
  http(&r, "POST", g_spot, "/api/v3/order/test", NULL, "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=1.001",
       true, true);
  expect_err(&r, 400, -1013);
  /* market by quote amount */
  http(&r, "POST", g_spot, "/api/v3/order", NULL, "symbol=BTCUSDT&side=BUY&type=MARKET&quoteOrderQty=100", true, true);
  if (r.status != 200) fail_msg("market: %s", r.body);
  assert_non_null(strstr(r.body, "\"status\":\"FILLED\""));
  assert_non_null(strstr(r.body, "\"fills\":[{"));
  drop(&r);
}

static void test_futures(void **st) {
  (void)st;
  resp r;
  http(&r, "POST", g_fut, "/fapi/v1/order", NULL, "symbol=BTCUSDT&side=BUY&type=STOP_MARKET&quantity=0.01&stopPrice=1",
       true, true);
  expect_err(&r, 400, -4120);
  http(&r, "POST", g_fut, "/fapi/v1/order", NULL, "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&newOrderRespType=RESULT",
       true, true);
  if (r.status != 200) fail_msg("futures market: %s", r.body);
  assert_non_null(strstr(r.body, "\"status\":\"FILLED\""));
  assert_true(xc_test_resp_header(&r, "X-MBX-ORDER-COUNT-1M")[0] != 0);
  drop(&r);
  http(&r, "GET", g_fut, "/fapi/v3/positionRisk", "symbol=BTCUSDT", NULL, true, true);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "\"positionAmt\":\"0.01"));
  drop(&r);
  {
    char hi[64], b[256];
    mid_price(hi, sizeof hi, 130);
    snprintf(b, sizeof b, "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTX&quantity=0.010&price=%.1f", atof(hi));
    http(&r, "POST", g_fut, "/fapi/v1/order", NULL, b, true, true);
    expect_err(&r, 400, -5022);
    snprintf(b, sizeof b, "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=FOK&quantity=900&price=%.1f", atof(hi));
    http(&r, "POST", g_fut, "/fapi/v1/order", NULL, b, true, true);
    expect_err(&r, 400, -5021);
    http(&r, "POST", g_fut, "/fapi/v1/order", NULL, "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.0001", true, true);
    if (r.status != 400 || (code_of(&r) != -1111 && code_of(&r) != -4004)) fail_msg("futures tiny qty: %s", r.body);
    drop(&r);
    http(&r, "POST", g_fut, "/fapi/v1/leverage", NULL, "symbol=BTCUSDT&leverage=500", true, true);
    expect_err(&r, 400, -4028);
    http(&r, "POST", g_fut, "/fapi/v1/leverage", NULL, "symbol=BTCUSDT&leverage=10", true, true);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"leverage\":10"));
    drop(&r);
  }
  http(&r, "POST", g_fut, "/fapi/v1/listenKey", NULL, "", true, false);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "\"listenKey\":\""));
  drop(&r);
  http(&r, "DELETE", g_fut, "/fapi/v1/order", "symbol=BTCUSDT&orderId=424242", NULL, true, true);
  expect_err(&r, 400, -2011);
}

static void test_ed25519_key(void **st) {
  (void)st;
  char pem[256];
  assert_int_equal(xc__sim_binance_ed25519_pem(g_secret, pem, sizeof pem), XC_OK);
  assert_non_null(strstr(pem, "-----BEGIN PRIVATE KEY-----"));
  assert_int_equal(xc__sim_binance_ed25519_pem(g_secret, pem, 16), XC_ENOSPC);
  xc_signer *s = NULL;
  assert_int_equal(xc_signer_new_pem(pem, strlen(pem), &s), XC_OK);
  assert_int_equal(xc_signer_alg(s), XC_SIGN_ED25519);
  /* a REST request signed with it (base64, percent-encoded) */
  char q[512], sig[200], enc[400];
  size_t sl = 0;
  snprintf(q, sizeof q, "omitZeroBalances=true&timestamp=%lld", (long long)xc_test_wall_ms());
  assert_int_equal(xc_signer_sign(s, q, strlen(q), sig, sizeof sig, &sl), XC_OK);
  size_t o = 0;
  for (size_t i = 0; i < sl; i++) {
    if (sig[i] == '+' || sig[i] == '/' || sig[i] == '=') o += (size_t)snprintf(enc + o, sizeof enc - o, "%%%02X", sig[i]);
    else enc[o++] = sig[i];
  }
  enc[o] = 0;
  snprintf(q + strlen(q), sizeof q - strlen(q), "&signature=%s", enc);
  resp r;
  http(&r, "GET", g_spot, "/api/v3/account", q, NULL, true, false);
  if (r.status != 200) fail_msg("Ed25519 REST: %s", r.body);
  drop(&r);
  q[strlen(q) - 4] = q[strlen(q) - 4] == 'A' ? 'B' : 'A'; /* corrupt the signature */
  http(&r, "GET", g_spot, "/api/v3/account", q, NULL, true, false);
  expect_err(&r, 400, -1022);
  xc_signer_free(s);
}

/* Order counts are per wall-clock 10-second window: with less than 3 s left in the current one,
 * waits for the next (the checks below take well under a second). */
static void sleep_to_next_10s(void) {
  int64_t ms = 10000 - xc_test_wall_ms() % 10000 + 20;
  if (ms > 3000) return;
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
  nanosleep(&ts, NULL);
}

/* Spot unfilled order count on a fresh simulator at 1% limits (1 order per 10 s): orders that
 * fill stop counting, a resting one counts. */
static void test_unfilled_order_count(void **st) {
  (void)st;
  xc_sim_opts o;
  xc_sim_opts_default(&o);
  o.port_base = 0;
  o.seed = 11;
  o.quiet = true;
  o.rate_limit_pct = 1;
  xc_sim *s2 = NULL;
  assert_int_equal(xc_sim_new(&o, &s2), XC_OK);
  assert_int_equal(xc_sim_start(s2), XC_OK);
  char saved[128];
  snprintf(saved, sizeof saved, "%s", g_spot);
  snprintf(g_spot, sizeof g_spot, "%s", xc_sim_endpoint(s2, XC_SIM_EP_BINANCE_SPOT_REST));
  resp r;
  sleep_to_next_10s();
  for (int i = 0; i < 2; i++) {
    http(&r, "POST", g_spot, "/api/v3/order", NULL, "symbol=BTCUSDT&side=BUY&type=MARKET&quoteOrderQty=20", true, true);
    if (r.status != 200) fail_msg("filled order %d refused: %s", i, r.body);
    assert_string_equal(xc_test_resp_header(&r, "X-MBX-ORDER-COUNT-10S"), "0");
    drop(&r);
  }
  char px[64], b[256];
  mid_price(px, sizeof px, 80);
  snprintf(b, sizeof b, "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=%s", px);
  http(&r, "POST", g_spot, "/api/v3/order", NULL, b, true, true);
  if (r.status != 200) fail_msg("resting order refused: %s", r.body);
  assert_string_equal(xc_test_resp_header(&r, "X-MBX-ORDER-COUNT-10S"), "1");
  drop(&r);
  http(&r, "POST", g_spot, "/api/v3/order", NULL, b, true, true);
  expect_err(&r, 429, -1015);
  snprintf(g_spot, sizeof g_spot, "%s", saved);
  xc_sim_free(s2);
}

/* Last: tightens the limits of this simulator for good. */
static void test_rate_limit(void **st) {
  (void)st;
  assert_int_equal(xc_sim_set_rate_limit_pct(g_sim, 1), XC_OK); /* 60 weight/min, 1 order/10 s */
  resp r;

  int got429 = 0, got418 = 0;
  for (int i = 0; i < 80 && !got418; i++) {
    http(&r, "GET", g_spot, "/api/v3/exchangeInfo", NULL, NULL, false, false); /* weight 20 */
    if (r.status == 429) {
      got429++;
      assert_int_equal(code_of(&r), -1003);
      assert_true(atoi(xc_test_resp_header(&r, "Retry-After")) >= 1);
    } else if (r.status == 418) {
      got418++;
      assert_int_equal(code_of(&r), -1003);
      assert_true(atoi(xc_test_resp_header(&r, "Retry-After")) >= 60);
    }
    drop(&r);
  }
  assert_true(got429 >= 1);
  assert_int_equal(got418, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_public), cmocka_unit_test(test_auth), cmocka_unit_test(test_orders),
    cmocka_unit_test(test_futures), cmocka_unit_test(test_ed25519_key),
    cmocka_unit_test(test_unfilled_order_count), cmocka_unit_test(test_rate_limit),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
