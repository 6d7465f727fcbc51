/* The venue side of the simulator admin ops added for the market-data tests, over real loopback
 * HTTP (libcurl), where the client's own checks cannot hide them:
 *   - instrument: exchangeInfo publishes the new tickSize / minNotional / status, the venue refuses
 *     an order off the new tick grid (-1013) and any order on a halted symbol (-2010 "Market is
 *     closed."), and accepts one on the new grid;
 *   - rate_limit window_s: exchangeInfo announces REQUEST_WEIGHT per "SECOND" n, responses count it
 *     in X-MBX-USED-WEIGHT-<n>S, the window refills after n seconds, and a request beyond it draws
 *     429 with Retry-After <= n, counted in stats http_limited. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/json.h"
#include "sim/binance_params.h"
#include "testutil.h"
#include "tscale.h"
#include "xconn/sim.h"

typedef xc_test_resp resp;

static xc_sim *g_sim;
static char g_spot[128], g_key[128], g_secret[128];

static void http(resp *r, const char *method, const char *base, const char *path, const char *query, bool sign) {
  char q[2048] = "";
  if (query) snprintf(q, sizeof q, "%s", query);
  if (sign) {
    snprintf(q + strlen(q), sizeof q - strlen(q), "%stimestamp=%lld", *q ? "&" : "", (long long)xc_test_wall_ms());
    char hex[65];
    xc__bn_hmac_hex(g_secret, q, strlen(q), hex);
    snprintf(q + strlen(q), sizeof q - strlen(q), "&signature=%s", hex);
  }
  char url[2600], kh[200];
  snprintf(url, sizeof url, "%s%s%s%s", base, path, *q ? "?" : "", q);
  snprintf(kh, sizeof kh, "X-MBX-APIKEY: %s", g_key);
  const char *hs[8] = {kh};
  assert_int_equal(xc_test_http(r, method, url, NULL, hs), CURLE_OK);
}

static void h_sleep_dummy(void) { usleep(2000); }

static int64_t code_of(const resp *r) {
  xc_json j;
  xc_json_init(&j);
  int64_t code = 0;
  if (xc_json_parse(&j, r->body, r->len) == XC_OK) xc_json_get_i64(&j, 0, "code", &code);
  xc_json_free(&j);
  return code;
}

static int setup(void **st) {
  (void)st;
  xc_sim_opts o;
  xc_sim_opts_default(&o);
  o.quiet = true;
  o.seed = 47;
  o.bg_manual = true;
  assert_int_equal(xc_sim_new(&o, &g_sim), XC_OK);
  assert_int_equal(xc_sim_start(g_sim), XC_OK);
  snprintf(g_spot, sizeof g_spot, "%s", xc_sim_endpoint(g_sim, XC_SIM_EP_BINANCE_SPOT_REST));
  snprintf(g_key, sizeof g_key, "%s", xc_sim_api_key(g_sim));
  snprintf(g_secret, sizeof g_secret, "%s", xc_sim_api_secret(g_sim));
  return 0;
}

static int teardown(void **st) {
  (void)st;
  xc_sim_free(g_sim);
  return 0;
}

static void test_instrument_rules(void **st) {
  (void)st;
  assert_int_equal(xc_sim_admin(g_sim, "instrument",
                                "{\"venue\":\"binance\",\"kind\":\"spot\",\"symbol\":\"ETHUSDT\",\"tick_size\":\"0.1\","
                                "\"min_notional\":\"20\"}",
                                NULL),
                   XC_OK);
  resp r;
  http(&r, "GET", g_spot, "/api/v3/exchangeInfo", "symbol=ETHUSDT", false);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "\"tickSize\":\"0.10000000\""));
  assert_non_null(strstr(r.body, "\"minNotional\":\"20.00000000\""));
  assert_non_null(strstr(r.body, "\"status\":\"TRADING\""));
  free(r.body);
  /* off the new grid: PRICE_FILTER */
  http(&r, "POST", g_spot, "/api/v3/order",
       "symbol=ETHUSDT&side=BUY&type=LIMIT&timeInForce=GTC&price=100.05&quantity=1", true);
  assert_int_equal(r.status, 400);
  assert_int_equal(code_of(&r), -1013);
  assert_non_null(strstr(r.body, "PRICE_FILTER"));
  free(r.body);
  /* under the new minimum notional (0.1 * 100 = 10 < 20) */
  http(&r, "POST", g_spot, "/api/v3/order",
       "symbol=ETHUSDT&side=BUY&type=LIMIT&timeInForce=GTC&price=100.1&quantity=0.1", true);
  assert_int_equal(code_of(&r), -1013);
  free(r.body);
  /* on the grid: accepted, then cancelled */
  http(&r, "POST", g_spot, "/api/v3/order",
       "symbol=ETHUSDT&side=BUY&type=LIMIT&timeInForce=GTC&price=100.1&quantity=1&newClientOrderId=grid1", true);
  if (r.status != 200) fail_msg("order on the new grid: %ld %s", r.status, r.body);
  free(r.body);
  http(&r, "DELETE", g_spot, "/api/v3/order", "symbol=ETHUSDT&origClientOrderId=grid1", true);
  assert_int_equal(r.status, 200);
  free(r.body);
  /* halted: published, and no new orders */
  assert_int_equal(xc_sim_admin(g_sim, "instrument", "{\"venue\":\"binance\",\"symbol\":\"ETHUSDT\",\"status\":\"HALT\"}",
                                NULL),
                   XC_OK);
  http(&r, "GET", g_spot, "/api/v3/exchangeInfo", "symbol=ETHUSDT", false);
  assert_non_null(strstr(r.body, "\"status\":\"HALT\""));
  free(r.body);
  http(&r, "POST", g_spot, "/api/v3/order",
       "symbol=ETHUSDT&side=BUY&type=LIMIT&timeInForce=GTC&price=100.1&quantity=1", true);
  assert_int_equal(r.status, 400);
  assert_int_equal(code_of(&r), -2010);
  assert_non_null(strstr(r.body, "Market is closed."));
  free(r.body);
  /* back to TRADING and the engine's own tick */
  assert_int_equal(xc_sim_admin(g_sim, "instrument",
                                "{\"venue\":\"binance\",\"symbol\":\"ETHUSDT\",\"status\":\"TRADING\","
                                "\"tick_size\":\"0.01\"}",
                                NULL),
                   XC_OK);
  http(&r, "GET", g_spot, "/api/v3/exchangeInfo", "symbol=ETHUSDT", false);
  assert_non_null(strstr(r.body, "\"tickSize\":\"0.01000000\""));
  assert_non_null(strstr(r.body, "\"status\":\"TRADING\""));
  free(r.body);
}

static int64_t limited(void) {
  char *out = NULL;
  assert_int_equal(xc_sim_admin(g_sim, "stats", NULL, &out), XC_OK);
  const char *p = strstr(out, "\"http_limited\":");
  assert_non_null(p);
  int64_t n = strtoll(p + 15, NULL, 10);
  xc_sim_str_free(out);
  return n;
}

static void test_weight_window(void **st) {
  (void)st;
  /* spot at 1 %: 60 weight per 2 s; a 100-level depth weighs 5 */
  assert_int_equal(xc_sim_admin(g_sim, "rate_limit", "{\"pct\":1,\"window_s\":2}", NULL), XC_OK);
  resp r;
  /* one burst inside one window: start right after a boundary; a burst that a loaded machine
   * stretched over a boundary is run again */
  bool done = false;
  for (int attempt = 0; attempt < 4 && !done; attempt++) {
    int64_t t = xc_test_wall_ms();
    while (xc_test_wall_ms() / 2000 == t / 2000) h_sleep_dummy();
    int64_t w0 = xc_test_wall_ms() / 2000;
    http(&r, "GET", g_spot, "/api/v3/exchangeInfo", NULL, false);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "{\"rateLimitType\":\"REQUEST_WEIGHT\",\"interval\":\"SECOND\",\"intervalNum\":2,"
                                   "\"limit\":60}"));
    char used[16];
    snprintf(used, sizeof used, "%s", xc_test_resp_header(&r, "X-MBX-USED-WEIGHT-2S"));
    assert_string_equal(xc_test_resp_header(&r, "X-MBX-USED-WEIGHT-1M"), "");
    free(r.body);
    int64_t before = limited();
    int ok = 0;
    long last = 0, ra = 0;
    char body429[512] = "";
    for (int i = 0; i < 10 && last != 429; i++) {
      http(&r, "GET", g_spot, "/api/v3/depth", "symbol=BTCUSDT&limit=100", false);
      last = r.status;
      if (r.status == 200) ok++;
      if (r.status == 429) {
        snprintf(body429, sizeof body429, "%s", r.body);
        ra = atol(xc_test_resp_header(&r, "Retry-After"));
      }
      free(r.body);
    }
    if (xc_test_wall_ms() / 2000 != w0) continue; /* straddled a boundary: again */
    assert_string_equal(used, "20");
    assert_int_equal(last, 429);
    assert_int_equal(ok, 8); /* 20 + 8 x 5 = 60 */
    assert_non_null(strstr(body429, "-1003"));
    assert_non_null(strstr(body429, "per 2 seconds"));
    assert_true(ra >= 1 && ra <= 2);
    assert_int_equal(limited(), before + 1);
    done = true;
  }
  assert_true(done);
  /* the next window admits again */
  int64_t t = xc_test_wall_ms();
  while (xc_test_wall_ms() / 2000 == t / 2000) h_sleep_dummy();
  http(&r, "GET", g_spot, "/api/v3/depth", "symbol=BTCUSDT&limit=100", false);
  assert_int_equal(r.status, 200);
  assert_string_equal(xc_test_resp_header(&r, "X-MBX-USED-WEIGHT-2S"), "5");
  free(r.body);
  assert_int_equal(xc_sim_admin(g_sim, "reset_faults", NULL, NULL), XC_OK);
  http(&r, "GET", g_spot, "/api/v3/depth", "symbol=BTCUSDT&limit=100", false);
  assert_int_equal(r.status, 200);
  assert_true(xc_test_resp_header(&r, "X-MBX-USED-WEIGHT-1M")[0] != 0);
  free(r.body);
}

int main(void) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_instrument_rules),
      cmocka_unit_test(test_weight_window),
  };
  int rc = cmocka_run_group_tests(tests, setup, teardown);
  curl_global_cleanup();
  return rc;
}
