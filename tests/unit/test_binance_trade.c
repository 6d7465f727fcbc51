/* Binance trading parsers and request builders (venues/binance/trade.h) on the documented
 * payloads of ../shared/fixtures/vectors (each test names its record and source) and on the
 * simulator's shapes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "testutil.h"
#include "venues/binance/trade.h"

/* The "json" of the first record of `file` with exchange binance and kind/section == what (the
 * n-th match when several), copied out as raw JSON text (malloc'd). */
static char *fixture(const char *file, const char *what, int nth) {
  size_t len;
  char *doc = xc_test_read_shared(file, &len);
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(xc_json_parse(&j, doc, len), XC_OK);
  int recs = xc_json_get(&j, 0, "records");
  char *out = NULL;
  for (int r = xc_json_first(&j, recs); r >= 0 && !out; r = xc_json_next(&j, r)) {
    if (!xc_json_str_eq(&j, xc_json_get(&j, r, "exchange"), "binance")) continue;
    int k = xc_json_get(&j, r, "kind");
    if (k < 0) k = xc_json_get(&j, r, "section");
    if (!xc_json_str_eq(&j, k, what)) continue;
    if (nth-- > 0) continue;
    const char *s;
    size_t n;
    assert_int_equal(xc_json_text(&j, xc_json_get(&j, r, "json"), &s, &n), XC_OK);
    out = malloc(n + 1);
    memcpy(out, s, n);
    out[n] = 0;
  }
  xc_json_free(&j);
  free(doc);
  assert_non_null(out);
  return out;
}

static bool dec_is(xc_dec d, const char *s) {
  xc_dec e;
  assert_int_equal(xc_dec_from_cstr(s, &e), XC_OK);
  return xc_dec_cmp(d, e) == 0;
}
#define assert_dec(d, s) assert_true(dec_is((d), (s)))

/* ws_payloads.json "executionReport": binance-spot-api-docs user-data-stream.md#Order Update
 * (WS-API envelope {"subscriptionId":0,"event":{...}}). */
static void test_execution_report_doc(void **state) {
  (void)state;
  char *txt = fixture("fixtures/vectors/ws_payloads.json", "executionReport", 0);
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(xc_json_parse(&j, txt, strlen(txt)), XC_OK);
  xc__bnt_update u = {0};
  char err[128];
  assert_int_equal(xc__bnt_parse_event(&j, XC_MARKET_SPOT, &u, err, sizeof err), XC_OK);
  assert_int_equal(u.kind, XC__BNT_ORDER);
  assert_int_equal(u.event_ms, 1499405658658);
  assert_string_equal(u.order.symbol, "ETHBTC");
  assert_string_equal(u.order.client_id, "mUvoqJxFIILMdfAW5iGSOW");
  assert_string_equal(u.order.order_id, "4293153");
  assert_int_equal(u.order.side, XC_SIDE_BUY);
  assert_int_equal(u.order.type, XC_ORDER_LIMIT);
  assert_int_equal(u.order.tif, XC_TIF_GTC);
  assert_int_equal(u.order.status, XC_ORDER_NEW);
  assert_dec(u.order.qty, "1");
  assert_dec(u.order.price, "0.1026441");
  assert_dec(u.order.filled_qty, "0");
  assert_int_equal(u.order.created_ms, 1499405658657);
  assert_int_equal(u.exec_id, 8641984);
  assert_string_equal(u.exec_type, "NEW");
  assert_false(u.has_fill); /* t = -1 */
  xc_json_free(&j);
  free(txt);
}

/* The same report turned into a partial fill (simulator shape: bare event, cancel id in "C"). */
static void test_execution_report_trade(void **state) {
  (void)state;
  const char *txt =
      "{\"e\":\"executionReport\",\"E\":1700000000100,\"s\":\"BTCUSDT\",\"c\":\"cxl-1\",\"S\":\"SELL\","
      "\"o\":\"LIMIT_MAKER\",\"f\":\"GTC\",\"q\":\"0.5\",\"p\":\"30000.10\",\"C\":\"x-abc\",\"x\":\"TRADE\","
      "\"X\":\"PARTIALLY_FILLED\",\"r\":\"NONE\",\"i\":77,\"l\":\"0.2\",\"z\":\"0.3\",\"L\":\"30000.10\","
      "\"n\":\"0.0006\",\"N\":\"USDT\",\"T\":1700000000099,\"t\":12345,\"I\":900,\"w\":true,\"m\":true,"
      "\"O\":1700000000000,\"Z\":\"9000.03\",\"Y\":\"6000.02\",\"Q\":\"0\"}";
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(xc_json_parse(&j, txt, strlen(txt)), XC_OK);
  xc__bnt_update u = {0};
  assert_int_equal(xc__bnt_parse_event(&j, XC_MARKET_SPOT, &u, NULL, 0), XC_OK);
  assert_string_equal(u.order.client_id, "x-abc"); /* the order's id, not the cancel's */
  assert_int_equal(u.order.tif, XC_TIF_POST_ONLY);
  assert_int_equal(u.order.status, XC_ORDER_PARTIALLY_FILLED);
  assert_dec(u.order.filled_quote, "9000.03");
  assert_dec(u.order.avg_price, "30000.1");
  assert_true(u.has_fill);
  assert_string_equal(u.fill.trade_id, "12345");
  assert_dec(u.fill.qty, "0.2");
  assert_dec(u.fill.price, "30000.1");
  assert_dec(u.fill.fee, "0.0006");
  assert_string_equal(u.fill.fee_asset, "USDT");
  assert_true(u.fill.maker);
  assert_int_equal(u.fill.ts_ms, 1700000000099);
  xc_json_free(&j);
}

/* ws_payloads.json "ORDER_TRADE_UPDATE": Binance USD-M docs (older revision) quoted in
 * bmoscon/cryptofeed cryptofeed/exchanges/binance_futures.py. */
static void test_order_trade_update_doc(void **state) {
  (void)state;
  char *txt = fixture("fixtures/vectors/ws_payloads.json", "ORDER_TRADE_UPDATE", 0);
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(xc_json_parse(&j, txt, strlen(txt)), XC_OK);
  xc__bnt_update u = {0};
  char err[128];
  assert_int_equal(xc__bnt_parse_event(&j, XC_MARKET_LINEAR, &u, err, sizeof err), XC_OK);
  assert_int_equal(u.kind, XC__BNT_ORDER);
  assert_int_equal(u.order.market, XC_MARKET_LINEAR);
  assert_string_equal(u.order.symbol, "BTCUSDT");
  assert_string_equal(u.order.client_id, "TEST");
  assert_string_equal(u.order.order_id, "8886774");
  assert_int_equal(u.order.side, XC_SIDE_SELL);
  assert_int_equal(u.order.type, XC_ORDER_MARKET); /* TRAILING_STOP_MARKET */
  assert_int_equal(u.order.status, XC_ORDER_NEW);
  assert_dec(u.order.qty, "0.001");
  assert_false(u.order.reduce_only);
  assert_int_equal(u.order.updated_ms, 1568879465651);
  assert_false(u.has_fill); /* t = 0, l = 0 */
  xc_json_free(&j);
  free(txt);
}

/* ws_payloads.json "ACCOUNT_UPDATE": same source as above. */
static void test_account_update_doc(void **state) {
  (void)state;
  char *txt = fixture("fixtures/vectors/ws_payloads.json", "ACCOUNT_UPDATE", 0);
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(xc_json_parse(&j, txt, strlen(txt)), XC_OK);
  xc_balance bal[4];
  xc_position pos[2]; /* 3 in the event: the count says so */
  xc__bnt_update u = {.bal = bal, .bal_cap = 4, .pos = pos, .pos_cap = 2};
  assert_int_equal(xc__bnt_parse_event(&j, XC_MARKET_LINEAR, &u, NULL, 0), XC_OK);
  assert_int_equal(u.kind, XC__BNT_ACCOUNT);
  assert_int_equal(u.nbal, 2);
  assert_string_equal(bal[0].asset, "USDT");
  assert_dec(bal[0].free, "122624.12345678");
  assert_string_equal(bal[1].asset, "BUSD");
  assert_int_equal(bal[1].market, XC_MARKET_LINEAR);
  assert_int_equal(u.npos, 3);
  assert_int_equal(pos[0].side, XC_POS_FLAT);
  assert_int_equal(pos[1].side, XC_POS_LONG);
  assert_dec(pos[1].size, "20");
  assert_dec(pos[1].entry_price, "6563.665");
  assert_dec(pos[1].unrealized_pnl, "2850.212");
  assert_int_equal(pos[1].updated_ms, 1564745798938);
  xc_json_free(&j);
  free(txt);
}

/* ws_payloads.json "outboundAccountPosition" and "balanceUpdate": binance-spot-api-docs
 * user-data-stream.md#Account Update / #Balance Update. */
static void test_spot_balances_doc(void **state) {
  (void)state;
  char *txt = fixture("fixtures/vectors/ws_payloads.json", "outboundAccountPosition", 0);
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(xc_json_parse(&j, txt, strlen(txt)), XC_OK);
  xc_balance bal[2];
  xc__bnt_update u = {.bal = bal, .bal_cap = 2};
  assert_int_equal(xc__bnt_parse_event(&j, XC_MARKET_SPOT, &u, NULL, 0), XC_OK);
  assert_int_equal(u.kind, XC__BNT_BALANCES);
  assert_int_equal(u.nbal, 1);
  assert_string_equal(bal[0].asset, "ETH");
  assert_dec(bal[0].free, "10000");
  assert_dec(bal[0].locked, "0");
  free(txt);
  txt = fixture("fixtures/vectors/ws_payloads.json", "balanceUpdate", 0);
  assert_int_equal(xc_json_parse(&j, txt, strlen(txt)), XC_OK);
  assert_int_equal(xc__bnt_parse_event(&j, XC_MARKET_SPOT, &u, NULL, 0), XC_OK);
  assert_int_equal(u.kind, XC__BNT_BALANCE_DELTA);
  assert_string_equal(u.asset, "BTC");
  assert_dec(u.delta, "100");
  free(txt);
  const char *lk = "{\"stream\":\"abc\",\"data\":{\"e\":\"listenKeyExpired\",\"E\":1576653824250,\"listenKey\":\"x\"}}";
  assert_int_equal(xc_json_parse(&j, lk, strlen(lk)), XC_OK);
  assert_int_equal(xc__bnt_parse_event(&j, XC_MARKET_LINEAR, &u, NULL, 0), XC_OK);
  assert_int_equal(u.kind, XC__BNT_LISTENKEY_EXPIRED);
  xc_json_free(&j);
}

/* rest_doc_examples.json "New order (TRADE)" ACK/RESULT/FULL, "Cancel order (TRADE)", "Query order",
 * "Current open orders", "Account information": binance-spot-api-docs rest-api.md. */
static void test_rest_orders_doc(void **state) {
  (void)state;
  xc_json j;
  xc_json_init(&j);
  xc_order o;
  xc_fill f[8];
  size_t nf;
  char err[128];
  char *txt = fixture("fixtures/vectors/rest_doc_examples.json", "New order (TRADE)", 0); /* ACK */
  assert_int_equal(xc_json_parse(&j, txt, strlen(txt)), XC_OK);
  assert_int_equal(xc__bnt_parse_order(&j, 0, XC_MARKET_SPOT, &o, f, 8, &nf, err, sizeof err), XC_OK);
  assert_string_equal(o.order_id, "28");
  assert_string_equal(o.client_id, "6gCrw2kRUAF9CvJDGP16IP");
  assert_int_equal(o.status, XC_ORDER_NEW);
  assert_int_equal(o.created_ms, 1507725176595);
  free(txt);
  txt = fixture("fixtures/vectors/rest_doc_examples.json", "New order (TRADE)", 2); /* FULL */
  assert_int_equal(xc_json_parse(&j, txt, strlen(txt)), XC_OK);
  assert_int_equal(xc__bnt_parse_order(&j, 0, XC_MARKET_SPOT, &o, f, 2, &nf, err, sizeof err), XC_OK);
  assert_int_equal(o.status, XC_ORDER_FILLED);
  assert_int_equal(o.type, XC_ORDER_MARKET);
  assert_int_equal(o.side, XC_SIDE_SELL);
  assert_dec(o.filled_qty, "10");
  assert_dec(o.avg_price, "1");
  assert_int_equal(nf, 5); /* total, 2 copied */
  assert_string_equal(f[0].trade_id, "56");
  assert_dec(f[1].qty, "5");
  assert_dec(f[1].fee, "19.995");
  assert_string_equal(f[1].fee_asset, "USDT");
  free(txt);
  txt = fixture("fixtures/vectors/rest_doc_examples.json", "Cancel order (TRADE)", 0);
  assert_int_equal(xc_json_parse(&j, txt, strlen(txt)), XC_OK);
  assert_int_equal(xc__bnt_parse_order(&j, 0, XC_MARKET_SPOT, &o, NULL, 0, NULL, err, sizeof err), XC_OK);
  assert_string_equal(o.client_id, "myOrder1"); /* origClientOrderId, not the cancel's id */
  assert_int_equal(o.status, XC_ORDER_CANCELED);
  free(txt);
  txt = fixture("fixtures/vectors/rest_doc_examples.json", "Cancel order (TRADE)", 2);
  assert_int_equal(xc_json_parse(&j, txt, strlen(txt)), XC_OK);
  xc_venue_error ve;
  assert_int_equal(xc__bnt_parse_error(&j, 0, 400, &ve), XC_EREJECTED);
  assert_int_equal(ve.code, -2011);
  assert_string_equal(ve.msg, "Order was not canceled due to cancel restrictions.");
  free(txt);
  txt = fixture("fixtures/vectors/rest_doc_examples.json", "Current open orders (USER_DATA)", 0);
  assert_int_equal(xc_json_parse(&j, txt, strlen(txt)), XC_OK);
  xc_order list[2];
  size_t n;
  assert_int_equal(xc__bnt_parse_orders(&j, 0, XC_MARKET_SPOT, list, 2, &n, err, sizeof err), XC_OK);
  assert_int_equal(n, 1);
  assert_string_equal(list[0].symbol, "LTCBTC");
  assert_dec(list[0].price, "0.1");
  assert_int_equal(list[0].created_ms, 1499827319559);
  free(txt);
  txt = fixture("fixtures/vectors/rest_doc_examples.json", "Account information (USER_DATA)", 0);
  assert_int_equal(xc_json_parse(&j, txt, strlen(txt)), XC_OK);
  xc_balance b[1];
  assert_int_equal(xc__bnt_parse_balances(&j, 0, XC_MARKET_SPOT, b, 1, &n, err, sizeof err), XC_OK);
  assert_int_equal(n, 2);
  assert_string_equal(b[0].asset, "BTC");
  assert_dec(b[0].free, "4723846.89208129");
  free(txt);
  xc_json_free(&j);
}

/* Futures REST shapes (as the simulator and the USD-M docs give them). */
static void test_rest_futures(void **state) {
  (void)state;
  xc_json j;
  xc_json_init(&j);
  const char *ord = "{\"avgPrice\":\"30000.5\",\"clientOrderId\":\"x-1\",\"cumQuote\":\"60001\",\"executedQty\":\"2\","
                    "\"orderId\":99,\"origQty\":\"3\",\"price\":\"30001\",\"reduceOnly\":true,\"side\":\"BUY\","
                    "\"status\":\"PARTIALLY_FILLED\",\"symbol\":\"BTCUSDT\",\"timeInForce\":\"GTX\",\"type\":\"LIMIT\","
                    "\"updateTime\":1700000000001}";
  xc_order o;
  assert_int_equal(xc_json_parse(&j, ord, strlen(ord)), XC_OK);
  assert_int_equal(xc__bnt_parse_order(&j, 0, XC_MARKET_LINEAR, &o, NULL, 0, NULL, NULL, 0), XC_OK);
  assert_int_equal(o.tif, XC_TIF_POST_ONLY);
  assert_true(o.reduce_only);
  assert_dec(o.avg_price, "30000.5");
  assert_dec(o.filled_quote, "60001");
  const char *bal = "[{\"accountAlias\":\"a\",\"asset\":\"USDT\",\"balance\":\"100.5\",\"crossWalletBalance\":\"100.5\","
                    "\"availableBalance\":\"90.5\",\"updateTime\":1}]";
  xc_balance b[1];
  size_t n;
  assert_int_equal(xc_json_parse(&j, bal, strlen(bal)), XC_OK);
  assert_int_equal(xc__bnt_parse_balances(&j, 0, XC_MARKET_LINEAR, b, 1, &n, NULL, 0), XC_OK);
  assert_dec(b[0].free, "90.5");
  assert_dec(b[0].locked, "10");
  const char *pr = "[{\"symbol\":\"BTCUSDT\",\"positionAmt\":\"-0.5\",\"entryPrice\":\"30000\",\"markPrice\":\"29000\","
                   "\"unRealizedProfit\":\"500\",\"liquidationPrice\":\"0\",\"leverage\":\"10\",\"updateTime\":5},"
                   "{\"symbol\":\"ETHUSDT\",\"positionAmt\":\"0\",\"entryPrice\":\"0\"}]";
  xc_position p[2];
  assert_int_equal(xc_json_parse(&j, pr, strlen(pr)), XC_OK);
  assert_int_equal(xc__bnt_parse_positions(&j, 0, p, 2, &n, NULL, 0), XC_OK);
  assert_int_equal(n, 1);
  assert_int_equal(p[0].side, XC_POS_SHORT);
  assert_dec(p[0].size, "0.5");
  assert_dec(p[0].leverage, "10");
  xc_json_free(&j);
}

static void test_errors(void **state) {
  (void)state;
  struct {
    const char *body;
    int http;
    xc_status want;
  } cases[] = {
      {"{\"code\":-2010,\"msg\":\"Account has insufficient balance for requested action.\"}", 400, XC_EINSUFFICIENT},
      {"{\"code\":-2010,\"msg\":\"Order would immediately match and take.\"}", 400, XC_EREJECTED},
      {"{\"code\":-2011,\"msg\":\"Unknown order sent.\"}", 400, XC_EUNKNOWN_ORDER},
      {"{\"code\":-2013,\"msg\":\"Order does not exist.\"}", 400, XC_EUNKNOWN_ORDER},
      {"{\"code\":-1021,\"msg\":\"Timestamp for this request is outside of the recvWindow.\"}", 400, XC_ETIMESTAMP},
      {"{\"code\":-1022,\"msg\":\"Signature for this request is not valid.\"}", 400, XC_EAUTH},
      {"{\"code\":-1003,\"msg\":\"Too many requests\"}", 429, XC_ERATELIMIT},
      {"{\"code\":-1003,\"msg\":\"banned\"}", 418, XC_EBANNED},
      {"{\"code\":-1013,\"msg\":\"Filter failure: LOT_SIZE\"}", 400, XC_EFILTER},
      {"{\"code\":-1007,\"msg\":\"Timeout waiting for response from backend server.\"}", 408, XC_EUNKNOWN_OUTCOME},
      {"{\"id\":\"1\",\"status\":400,\"error\":{\"code\":-1121,\"msg\":\"Invalid symbol.\"}}", 0, XC_EINVAL},
      {"{\"nocode\":1}", 400, XC_EPARSE},
  };
  xc_json j;
  xc_json_init(&j);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assert_int_equal(xc_json_parse(&j, cases[i].body, strlen(cases[i].body)), XC_OK);
    xc_venue_error ve;
    assert_int_equal(xc__bnt_parse_error(&j, 0, cases[i].http, &ve), cases[i].want);
  }
  xc_json_free(&j);
}

static void test_malformed(void **state) {
  (void)state;
  const char *bad[] = {
      "{\"e\":\"executionReport\",\"s\":\"BTCUSDT\",\"i\":1,\"S\":\"UP\",\"X\":\"NEW\",\"q\":\"1\",\"z\":\"0\"}",
      "{\"e\":\"executionReport\",\"s\":\"BTCUSDT\",\"i\":1,\"S\":\"BUY\",\"X\":\"WEIRD\",\"q\":\"1\",\"z\":\"0\"}",
      "{\"e\":\"executionReport\",\"s\":\"BTCUSDT\",\"i\":1,\"S\":\"BUY\",\"X\":\"NEW\",\"q\":\"1\",\"z\":\"-1\"}",
      "{\"e\":\"ORDER_TRADE_UPDATE\",\"o\":[]}",
      "{\"e\":\"ACCOUNT_UPDATE\",\"a\":{\"B\":{}}}",
      "{\"E\":1}",
      "[]",
  };
  xc_json j;
  xc_json_init(&j);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(xc_json_parse(&j, bad[i], strlen(bad[i])), XC_OK);
    xc__bnt_update u = {0};
    char err[128] = "";
    assert_int_not_equal(xc__bnt_parse_event(&j, XC_MARKET_SPOT, &u, err, sizeof err), XC_OK);
    assert_true(err[0] != 0);
  }
  xc_json_free(&j);
}

/* ---- requests ---- */

static xc_instrument spot_btc(void) {
  xc_instrument in = {0};
  in.venue = XC_VENUE_BINANCE;
  in.market = XC_MARKET_SPOT;
  in.status = XC_INSTR_TRADING;
  strcpy(in.symbol, "BTC/USDT");
  strcpy(in.venue_symbol, "BTCUSDT");
  xc_dec_from_cstr("0.01", &in.tick_size);
  xc_dec_from_cstr("0.00001", &in.step_size);
  xc_dec_from_cstr("0.00001", &in.min_qty);
  xc_dec_from_cstr("9000", &in.max_qty);
  xc_dec_from_cstr("0.01", &in.min_price);
  xc_dec_from_cstr("1000000", &in.max_price);
  xc_dec_from_cstr("5", &in.min_notional);
  xc_dec_from_cstr("0.01", &in.quote_step);
  return in;
}

static xc_order_req req_of(const char *px, const char *qty, xc_order_type t, xc_tif tif) {
  xc_order_req r = {.venue = XC_VENUE_BINANCE, .symbol = "BTC/USDT", .side = XC_SIDE_BUY, .type = t, .tif = tif};
  if (px) xc_dec_from_cstr(px, &r.price);
  if (qty) xc_dec_from_cstr(qty, &r.qty);
  return r;
}

static void test_validate(void **state) {
  (void)state;
  xc_instrument in = spot_btc();
  char why[160];
  xc_order_req r = req_of("30000.01", "0.001", XC_ORDER_LIMIT, XC_TIF_GTC);
  assert_int_equal(xc__bnt_validate(&r, &in, why, sizeof why), XC_OK);
  r = req_of("30000.005", "0.001", XC_ORDER_LIMIT, XC_TIF_GTC);
  assert_int_equal(xc__bnt_validate(&r, &in, why, sizeof why), XC_EFILTER);
  assert_string_equal(why, "price 30000.005 is not a multiple of the tick size 0.01");
  r = req_of("30000", "0.000015", XC_ORDER_LIMIT, XC_TIF_GTC);
  assert_int_equal(xc__bnt_validate(&r, &in, why, sizeof why), XC_EFILTER);
  assert_non_null(strstr(why, "step size"));
  r = req_of("100", "0.01", XC_ORDER_LIMIT, XC_TIF_GTC); /* notional 1 < 5 */
  assert_int_equal(xc__bnt_validate(&r, &in, why, sizeof why), XC_EFILTER);
  assert_string_equal(why, "notional 1 (price x quantity) is below the minimum 5");
  r = req_of("30000", "10000", XC_ORDER_LIMIT, XC_TIF_GTC);
  assert_int_equal(xc__bnt_validate(&r, &in, why, sizeof why), XC_EFILTER);
  assert_non_null(strstr(why, "above the maximum"));
  r = req_of(NULL, "0.001", XC_ORDER_LIMIT, XC_TIF_GTC);
  assert_int_equal(xc__bnt_validate(&r, &in, why, sizeof why), XC_EFILTER);
  r = req_of(NULL, "0", XC_ORDER_MARKET, XC_TIF_GTC);
  xc_dec_from_cstr("10.5", &r.quote_qty);
  assert_int_equal(xc__bnt_validate(&r, &in, why, sizeof why), XC_OK);
  xc_dec_from_cstr("4", &r.quote_qty);
  assert_int_equal(xc__bnt_validate(&r, &in, why, sizeof why), XC_EFILTER);
  xc_dec_from_cstr("10.505", &r.quote_qty);
  assert_int_equal(xc__bnt_validate(&r, &in, why, sizeof why), XC_EFILTER);
  r = req_of("30000", "0.001", XC_ORDER_LIMIT, XC_TIF_GTC);
  r.client_id = "bad id!";
  assert_int_equal(xc__bnt_validate(&r, &in, why, sizeof why), XC_EINVAL);
  r.client_id = NULL;
  r.reduce_only = true;
  assert_int_equal(xc__bnt_validate(&r, &in, why, sizeof why), XC_EINVAL);
  in.market = XC_MARKET_LINEAR;
  assert_int_equal(xc__bnt_validate(&r, &in, why, sizeof why), XC_OK);
  r = req_of(NULL, "0", XC_ORDER_MARKET, XC_TIF_GTC);
  xc_dec_from_cstr("10", &r.quote_qty);
  assert_int_equal(xc__bnt_validate(&r, &in, why, sizeof why), XC_ENOTSUP);
  in.status = XC_INSTR_HALTED;
  r = req_of("30000", "0.001", XC_ORDER_LIMIT, XC_TIF_GTC);
  assert_int_equal(xc__bnt_validate(&r, &in, why, sizeof why), XC_EFILTER);
}

static void test_build(void **state) {
  (void)state;
  xc_buf q;
  xc_buf_init(&q);
  xc_order_req r = req_of("30000.10", "0.00100", XC_ORDER_LIMIT, XC_TIF_POST_ONLY);
  assert_int_equal(xc__bnt_new_order_query(&q, XC_MARKET_SPOT, &r, "BTCUSDT", "x-a"), XC_OK);
  assert_string_equal(q.data, "symbol=BTCUSDT&side=BUY&type=LIMIT_MAKER&quantity=0.001&price=30000.1"
                              "&newClientOrderId=x-a&newOrderRespType=FULL");
  xc_buf_reset(&q);
  r.side = XC_SIDE_SELL;
  r.reduce_only = true;
  assert_int_equal(xc__bnt_new_order_query(&q, XC_MARKET_LINEAR, &r, "BTCUSDT", "a:b/c"), XC_OK);
  assert_string_equal(q.data, "symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTX&quantity=0.001&price=30000.1"
                              "&reduceOnly=true&newClientOrderId=a%3Ab%2Fc&newOrderRespType=RESULT");
  xc_buf_reset(&q);
  r = req_of(NULL, NULL, XC_ORDER_MARKET, XC_TIF_GTC);
  xc_dec_from_cstr("25.50", &r.quote_qty);
  assert_int_equal(xc__bnt_new_order_query(&q, XC_MARKET_SPOT, &r, "BTCUSDT", "id1"), XC_OK);
  assert_string_equal(q.data, "symbol=BTCUSDT&side=BUY&type=MARKET&quoteOrderQty=25.5&newClientOrderId=id1"
                              "&newOrderRespType=FULL");
  xc_buf_reset(&q);
  r = req_of("1", "2", XC_ORDER_LIMIT, XC_TIF_FOK);
  assert_int_equal(xc__bnt_new_order_query(&q, XC_MARKET_SPOT, &r, "BTCUSDT", "id1"), XC_OK);
  assert_non_null(strstr(q.data, "timeInForce=FOK"));
  xc_buf_reset(&q);
  xc_order_ref ref = {.venue = XC_VENUE_BINANCE, .symbol = "BTC/USDT", .order_id = "123"};
  assert_int_equal(xc__bnt_order_ref_query(&q, &ref, "BTCUSDT"), XC_OK);
  assert_string_equal(q.data, "symbol=BTCUSDT&orderId=123");
  xc_buf_reset(&q);
  ref.order_id = NULL;
  ref.client_id = "x-abc";
  assert_int_equal(xc__bnt_order_ref_query(&q, &ref, "BTCUSDT"), XC_OK);
  assert_string_equal(q.data, "symbol=BTCUSDT&origClientOrderId=x-abc");
  ref.client_id = NULL;
  assert_int_equal(xc__bnt_order_ref_query(&q, &ref, "BTCUSDT"), XC_EINVAL);
  ref.order_id = "12a";
  assert_int_equal(xc__bnt_order_ref_query(&q, &ref, "BTCUSDT"), XC_EINVAL);
  xc_buf_free(&q);
}

static void test_client_ids(void **state) {
  (void)state;
  /* 20000 ids over the same millisecond and a few random seeds: all valid and distinct */
  enum { N = 20000 };
  char(*ids)[XC_ID_MAX] = calloc(N, XC_ID_MAX);
  uint64_t rs = 7;
  for (int i = 0; i < N; i++) {
    int n = xc__bnt_client_id(ids[i], XC_ID_MAX, 1700000000000 + i / 5000, (uint64_t)i, xc_test_rand(&rs));
    assert_true(n > 0 && n <= 32);
    assert_true(xc__bnt_client_id_valid(ids[i]));
    assert_memory_equal(ids[i], "x-", 2);
  }
  qsort(ids, N, XC_ID_MAX, (int (*)(const void *, const void *))strcmp);
  for (int i = 1; i < N; i++) assert_string_not_equal(ids[i - 1], ids[i]);
  free(ids);
  char small[8];
  assert_int_equal(xc__bnt_client_id(small, sizeof small, 1, 1, 1), XC_ENOSPC);
  assert_false(xc__bnt_client_id_valid(""));
  assert_false(xc__bnt_client_id_valid("0123456789012345678901234567890123456"));
  assert_true(xc__bnt_client_id_valid("abc.DEF:/_-9"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_execution_report_doc), cmocka_unit_test(test_execution_report_trade),
      cmocka_unit_test(test_order_trade_update_doc), cmocka_unit_test(test_account_update_doc),
      cmocka_unit_test(test_spot_balances_doc),     cmocka_unit_test(test_rest_orders_doc),
      cmocka_unit_test(test_rest_futures),          cmocka_unit_test(test_errors),
      cmocka_unit_test(test_malformed),             cmocka_unit_test(test_validate),
      cmocka_unit_test(test_build),                 cmocka_unit_test(test_client_ids),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
