/* Binance adapter parsers against the official documentation payloads.
 * Sources: ../shared/fixtures/vectors/ws_payloads.json and rest_doc_examples.json (each record
 * names its doc file, commit and line; quoted per test), and protocols/binance.md 5.1 for the
 * USD-M exchangeInfo example (the doc example reproduced there). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "venues/binance/binance.h"

static char *g_ws, *g_rest;
static size_t g_ws_len, g_rest_len;
static xc_json g_ws_j, g_rest_j;

static int setup(void **st) {
  (void)st;
  g_ws = xc_test_read_shared("fixtures/vectors/ws_payloads.json", &g_ws_len);
  g_rest = xc_test_read_shared("fixtures/vectors/rest_doc_examples.json", &g_rest_len);
  xc_json_init(&g_ws_j);
  xc_json_init(&g_rest_j);
  if (xc_json_parse(&g_ws_j, g_ws, g_ws_len) || xc_json_parse(&g_rest_j, g_rest, g_rest_len)) return -1;
  return 0;
}

static int teardown(void **st) {
  (void)st;
  xc_json_free(&g_ws_j);
  xc_json_free(&g_rest_j);
  free(g_ws);
  free(g_rest);
  return 0;
}

/* Raw text of the "json" member of the first record matching exchange/market and key == val. */
static char *record(xc_json *j, const char *market, const char *key, const char *val, char *src, size_t srccap) {
  int recs = xc_json_get(j, 0, "records");
  for (int r = xc_json_first(j, recs); r >= 0; r = xc_json_next(j, r)) {
    int ex = xc_json_get(j, r, "exchange"), mk = xc_json_get(j, r, "market"), kv = xc_json_get(j, r, key);
    if (ex < 0 || mk < 0 || kv < 0) continue;
    if (!xc_json_str_eq(j, ex, "binance") || !xc_json_str_eq(j, mk, market) || !xc_json_str_eq(j, kv, val)) continue;
    (void)xc_json_get_str(j, r, "source", src, srccap);
    const char *s;
    size_t n;
    assert_int_equal(xc_json_text(j, xc_json_get(j, r, "json"), &s, &n), XC_OK);
    char *out = malloc(n + 1);
    memcpy(out, s, n);
    out[n] = 0;
    return out;
  }
  fail_msg("no record %s=%s", key, val);
  return NULL;
}

static void assert_dec(xc_dec d, const char *want) {
  xc_dec w;
  assert_int_equal(xc_dec_from_cstr(want, &w), XC_OK);
  char got[64];
  xc_dec_to_str(d, got, sizeof got);
  if (xc_dec_cmp(d, w) != 0) fail_msg("got %s, want %s", got, want);
}

/* web-socket-streams.md "Individual Symbol Ticker Streams" (line 443). */
static void test_ticker(void **st) {
  (void)st;
  char src[256];
  char *msg = record(&g_ws_j, "spot", "kind", "24hrTicker", src, sizeof src);
  assert_non_null(strstr(src, "web-socket-streams.md"));
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(xc_json_parse(&j, msg, strlen(msg)), XC_OK);
  xc_event ev;
  memset(&ev, 0, sizeof ev);
  int64_t seq = 0;
  assert_int_equal(xc__bn_parse_md(&j, XC_MARKET_SPOT, XC_CH_TICKER, &ev, &seq), XC_OK);
  assert_int_equal(ev.type, XC_EV_TICKER);
  assert_int_equal(ev.venue_ts_ms, 1672515782136LL);
  assert_int_equal(seq, 1672515782136LL);
  assert_dec(ev.u.ticker.last, "0.0025");
  assert_dec(ev.u.ticker.last_qty, "10");
  assert_dec(ev.u.ticker.open, "0.0010");
  assert_dec(ev.u.ticker.high, "0.0025");
  assert_dec(ev.u.ticker.low, "0.0010");
  assert_dec(ev.u.ticker.volume, "10000");
  assert_dec(ev.u.ticker.quote_volume, "18");
  assert_dec(ev.u.ticker.change_pct, "250.00");
  assert_dec(ev.u.ticker.bid, "0.0024");
  assert_dec(ev.u.ticker.ask_qty, "100");
  xc_json_free(&j);
  free(msg);
}

/* web-socket-streams.md "Trade Streams" (line 261): m = true means the buyer is the maker, so
 * the aggressor sold. */
static void test_trade(void **st) {
  (void)st;
  char src[256];
  char *msg = record(&g_ws_j, "spot", "kind", "trade", src, sizeof src);
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(xc_json_parse(&j, msg, strlen(msg)), XC_OK);
  xc_event ev;
  memset(&ev, 0, sizeof ev);
  int64_t seq = 0;
  assert_int_equal(xc__bn_parse_md(&j, XC_MARKET_SPOT, XC_CH_TRADES, &ev, &seq), XC_OK);
  assert_int_equal(ev.type, XC_EV_TRADE);
  assert_int_equal(seq, 12345);
  assert_string_equal(ev.u.trade.trade_id, "12345");
  assert_dec(ev.u.trade.price, "0.001");
  assert_dec(ev.u.trade.qty, "100");
  assert_int_equal(ev.u.trade.taker_side, XC_SIDE_SELL);
  assert_int_equal(ev.venue_ts_ms, 1672515782136LL);
  xc_json_free(&j);
  free(msg);
}

/* web-socket-streams.md "Aggregate Trade Streams" (line 237): USD-M trades come from aggTrade. */
static void test_agg_trade(void **st) {
  (void)st;
  char src[256];
  char *msg = record(&g_ws_j, "spot", "kind", "aggTrade", src, sizeof src);
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(xc_json_parse(&j, msg, strlen(msg)), XC_OK);
  xc_trade t;
  int64_t ms, id;
  assert_int_equal(xc__bn_parse_trade(&j, 0, &t, &ms, &id), XC_OK);
  assert_int_equal(id, 12345);
  assert_dec(t.price, "0.001");
  assert_int_equal(t.taker_side, XC_SIDE_SELL);
  xc_json_free(&j);
  free(msg);
}

/* web-socket-streams.md "Individual Symbol Book Ticker Streams" (line 541), spot: no event time. */
static void test_book_ticker(void **st) {
  (void)st;
  char src[256];
  char *msg = record(&g_ws_j, "spot", "kind", "bookTicker", src, sizeof src);
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(xc_json_parse(&j, msg, strlen(msg)), XC_OK);
  xc_event ev;
  memset(&ev, 0, sizeof ev);
  int64_t seq = 0;
  assert_int_equal(xc__bn_parse_md(&j, XC_MARKET_SPOT, XC_CH_BBO, &ev, &seq), XC_OK);
  assert_int_equal(ev.type, XC_EV_BBO);
  assert_int_equal(ev.u.bbo.update_id, 400900217);
  assert_int_equal(seq, 400900217);
  assert_int_equal(ev.venue_ts_ms, 0);
  assert_dec(ev.u.bbo.bid, "25.35190000");
  assert_dec(ev.u.bbo.bid_qty, "31.21");
  assert_dec(ev.u.bbo.ask, "25.3652");
  assert_dec(ev.u.bbo.ask_qty, "40.66");
  xc_json_free(&j);
  free(msg);
}

/* The same payloads inside the combined-stream envelope route by stream name and parse the same. */
static void test_combined_route(void **st) {
  (void)st;
  const char *m = "{\"stream\":\"bnbusdt@bookTicker\",\"data\":{\"u\":400900217,\"s\":\"BNBUSDT\",\"b\":\"25.35190000\","
                  "\"B\":\"31.21000000\",\"a\":\"25.36520000\",\"A\":\"40.66000000\"}}";
  xc__venue_route r;
  assert_true(xc__bn_route(m, strlen(m), &r));
  assert_int_equal(r.topic_len, strlen("bnbusdt@bookTicker"));
  assert_memory_equal(r.topic, "bnbusdt@bookTicker", r.topic_len);
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(xc_json_parse(&j, m, strlen(m)), XC_OK);
  xc_event ev;
  memset(&ev, 0, sizeof ev);
  int64_t seq;
  assert_int_equal(xc__bn_parse_md(&j, XC_MARKET_SPOT, XC_CH_BBO, &ev, &seq), XC_OK);
  assert_int_equal(seq, 400900217);
  xc_json_free(&j);
  assert_false(xc__bn_route("{\"result\":null,\"id\":1}", 22, &r));
}

/* web-socket-streams.md "Subscribe to a stream" (lines 103-130): our message has the documented
 * shape, and the documented replies are recognised as replies. */
static void test_control(void **st) {
  (void)st;
  char src[256];
  xc_buf b;
  xc_buf_init(&b);
  const char *topics[] = {"btcusdt@aggTrade", "btcusdt@depth"};
  assert_int_equal(xc__bn_build_sub(NULL, true, topics, 2, 1, &b), XC_OK);
  assert_string_equal(b.data, "{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@aggTrade\",\"btcusdt@depth\"],\"id\":1}");
  char *doc = record(&g_ws_j, "spot", "kind", "control:Subscribe to a stream", src, sizeof src);
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(xc_json_parse(&j, doc, strlen(doc)), XC_OK);
  assert_int_equal(xc_json_parse(&j, b.data, b.len), XC_OK); /* ours is valid JSON too */
  xc_json_free(&j);
  free(doc);
  xc_buf_free(&b);
  uint64_t id = 0;
  bool ok = false;
  const char *rep = "{\"result\":null,\"id\":312}";
  assert_int_equal(xc__bn_classify(NULL, rep, strlen(rep), &id, &ok), 1);
  assert_int_equal(id, 312);
  assert_true(ok);
  const char *err = "{\"code\":2,\"msg\":\"Invalid request: too many parameters\",\"id\":7}";
  assert_int_equal(xc__bn_classify(NULL, err, strlen(err), &id, &ok), 1);
  assert_int_equal(id, 7);
  assert_false(ok);
  /* not NUL-terminated and cut after "id": (found by fuzz_binance_md): no read past the end */
  char cut[12];
  memcpy(cut, "{\"result\":1,\"id\":", 12);
  assert_int_equal(xc__bn_classify(NULL, cut, sizeof cut, &id, &ok), 0);
  const char *data = "{\"stream\":\"x@trade\",\"data\":{\"id\":5}}";
  assert_int_equal(xc__bn_classify(NULL, data, strlen(data), &id, &ok), 0);
}

static void test_topics(void **st) {
  (void)st;
  char t[64];
  assert_int_equal(xc__bn_topic(XC_MARKET_SPOT, XC_CH_TRADES, "BTCUSDT", 0, t, sizeof t), XC_OK);
  assert_string_equal(t, "btcusdt@trade");
  assert_int_equal(xc__bn_topic(XC_MARKET_LINEAR, XC_CH_TRADES, "BTCUSDT", 0, t, sizeof t), XC_OK);
  assert_string_equal(t, "btcusdt@aggTrade");
  assert_int_equal(xc__bn_topic(XC_MARKET_SPOT, XC_CH_BOOK, "BTCUSDT", 0, t, sizeof t), XC_OK);
  assert_string_equal(t, "btcusdt@depth@100ms");
  /* 1..20 levels: the partial-depth stream (and the book must know it: book_partial agrees) */
  assert_int_equal(xc__bn_topic(XC_MARKET_SPOT, XC_CH_BOOK, "BTCUSDT", 5, t, sizeof t), XC_OK);
  assert_string_equal(t, "btcusdt@depth5@100ms");
  assert_int_equal(xc__bn_book_partial(XC_MARKET_SPOT, 5), 5);
  assert_int_equal(xc__bn_topic(XC_MARKET_LINEAR, XC_CH_BOOK, "BTCUSDT", 7, t, sizeof t), XC_OK);
  assert_string_equal(t, "btcusdt@depth10@100ms");
  assert_int_equal(xc__bn_book_partial(XC_MARKET_LINEAR, 7), 10);
  assert_int_equal(xc__bn_book_partial(XC_MARKET_SPOT, 20), 20);
  /* deeper than 20 or full: the diff stream, no partial book */
  assert_int_equal(xc__bn_topic(XC_MARKET_SPOT, XC_CH_BOOK, "BTCUSDT", 50, t, sizeof t), XC_OK);
  assert_string_equal(t, "btcusdt@depth@100ms");
  assert_int_equal(xc__bn_book_partial(XC_MARKET_SPOT, 50), 0);
  assert_int_equal(xc__bn_book_partial(XC_MARKET_LINEAR, 0), 0);
  assert_int_equal(xc__bn_topic(XC_MARKET_SPOT, XC_CH_TICKER, "ETHUSDT", 0, t, sizeof t), XC_OK);
  assert_string_equal(t, "ethusdt@ticker");
  xc_symbol s;
  assert_int_equal(xc_symbol_parse("BTC/USDT:USDT", &s), XC_OK);
  assert_int_equal(xc__bn_venue_symbol(&s, t, sizeof t), XC_OK);
  assert_string_equal(t, "BTCUSDT");
  assert_int_equal(xc_symbol_parse("BTC/USDT:BTC", &s), XC_OK);
  assert_int_equal(xc__bn_venue_symbol(&s, t, sizeof t), XC_ENOTSUP);
  assert_int_equal(xc__bn_depth_path(XC_MARKET_LINEAR, "BTCUSDT", 1000, t, sizeof t), XC_OK);
  assert_string_equal(t, "/fapi/v1/depth?symbol=BTCUSDT&limit=1000");
}

/* rest-api.md "Exchange information" (rest_doc_examples.json, spot): the doc elides the filters. */
static void test_exchange_info_spot_doc(void **st) {
  (void)st;
  char src[256];
  char *body = record(&g_rest_j, "spot", "endpoint", "GET /api/v3/exchangeInfo", src, sizeof src);
  assert_non_null(strstr(src, "rest-api.md"));
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(xc_json_parse(&j, body, strlen(body)), XC_OK);
  xc_instrument *in = NULL;
  size_t n = 0;
  char err[256];
  assert_int_equal(xc__bn_parse_instruments(&j, XC_MARKET_SPOT, &in, &n, err, sizeof err), XC_OK);
  assert_int_equal(n, 1);
  assert_string_equal(in[0].symbol, "ETH/BTC");
  assert_string_equal(in[0].venue_symbol, "ETHBTC");
  assert_int_equal(in[0].status, XC_INSTR_TRADING);
  assert_int_equal(in[0].contract, XC_CONTRACT_SPOT);
  assert_dec(in[0].quote_step, "0.00000001");
  assert_true(xc_dec_is_zero(in[0].tick_size));
  free(in);
  xc_json_free(&j);
  free(body);
}

/* protocols/binance.md 5.1: the official USD-M exchangeInfo example (BLZUSDT), plus a delivery
 * contract that the unified model leaves out and a spot entry with the NOTIONAL filter (4.2). */
static void test_exchange_info_futures(void **st) {
  (void)st;
  const char *body =
      "{\"exchangeFilters\":[],\"rateLimits\":[],\"serverTime\":1565613908500,"
      "\"symbols\":[{\"symbol\":\"BLZUSDT\",\"pair\":\"BLZUSDT\",\"contractType\":\"PERPETUAL\",\"deliveryDate\":4133404800000,"
      "\"onboardDate\":1598252400000,\"status\":\"TRADING\",\"maintMarginPercent\":\"2.5000\",\"requiredMarginPercent\":\"5.0000\","
      "\"baseAsset\":\"BLZ\",\"quoteAsset\":\"USDT\",\"marginAsset\":\"USDT\",\"pricePrecision\":5,\"quantityPrecision\":0,"
      "\"baseAssetPrecision\":8,\"quotePrecision\":8,\"underlyingType\":\"COIN\",\"underlyingSubType\":[\"STORAGE\"],"
      "\"settlePlan\":0,\"triggerProtect\":\"0.15\",\"filters\":["
      "{\"filterType\":\"PRICE_FILTER\",\"maxPrice\":\"300\",\"minPrice\":\"0.0001\",\"tickSize\":\"0.0001\"},"
      "{\"filterType\":\"LOT_SIZE\",\"maxQty\":\"10000000\",\"minQty\":\"1\",\"stepSize\":\"1\"},"
      "{\"filterType\":\"MARKET_LOT_SIZE\",\"maxQty\":\"590119\",\"minQty\":\"1\",\"stepSize\":\"1\"},"
      "{\"filterType\":\"MAX_NUM_ORDERS\",\"limit\":200},{\"filterType\":\"MAX_NUM_ALGO_ORDERS\",\"limit\":10},"
      "{\"filterType\":\"MIN_NOTIONAL\",\"notional\":\"5.0\"},"
      "{\"filterType\":\"PERCENT_PRICE\",\"multiplierUp\":\"1.1500\",\"multiplierDown\":\"0.8500\",\"multiplierDecimal\":4}],"
      "\"OrderType\":[\"LIMIT\",\"MARKET\"],\"timeInForce\":[\"GTC\",\"IOC\",\"FOK\",\"GTX\"],\"liquidationFee\":\"0.010000\","
      "\"marketTakeBound\":\"0.30\"},"
      "{\"symbol\":\"BTCUSDT_260327\",\"pair\":\"BTCUSDT\",\"contractType\":\"CURRENT_QUARTER\",\"status\":\"TRADING\","
      "\"baseAsset\":\"BTC\",\"quoteAsset\":\"USDT\",\"marginAsset\":\"USDT\",\"filters\":[]}],\"timezone\":\"UTC\"}";
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(xc_json_parse(&j, body, strlen(body)), XC_OK);
  xc_instrument *in = NULL;
  size_t n = 0;
  char err[256];
  assert_int_equal(xc__bn_parse_instruments(&j, XC_MARKET_LINEAR, &in, &n, err, sizeof err), XC_OK);
  assert_int_equal(n, 1);
  assert_string_equal(in[0].symbol, "BLZ/USDT:USDT");
  assert_string_equal(in[0].settle, "USDT");
  assert_int_equal(in[0].contract, XC_CONTRACT_PERPETUAL);
  assert_dec(in[0].tick_size, "0.0001");
  assert_dec(in[0].step_size, "1");
  assert_dec(in[0].min_qty, "1");
  assert_dec(in[0].max_qty, "10000000");
  assert_dec(in[0].market_max_qty, "590119");
  assert_dec(in[0].min_notional, "5");
  assert_dec(in[0].max_price, "300");
  assert_int_equal(in[0].price_precision, 4);
  assert_int_equal(in[0].qty_precision, 0);
  /* rounding and validation with these rules */
  xc_dec p, q, r;
  xc_dec_from_cstr("0.123456", &p);
  assert_int_equal(xc_instrument_round_price(&in[0], p, XC_ROUND_DOWN, &r), XC_OK);
  assert_dec(r, "0.1234");
  assert_int_equal(xc_instrument_round_price(&in[0], p, XC_ROUND_UP, &r), XC_OK);
  assert_dec(r, "0.1235");
  xc_dec_from_cstr("41.7", &q);
  assert_int_equal(xc_instrument_round_qty(&in[0], q, false, XC_ROUND_DOWN, &r), XC_OK);
  assert_dec(r, "41");
  xc_dec_from_cstr("0.1234", &p);
  xc_dec_from_cstr("41", &q);
  assert_int_equal(xc_instrument_check(&in[0], p, q, false), XC_OK);   /* notional 5.0594 */
  xc_dec_from_cstr("40", &q);
  assert_int_equal(xc_instrument_check(&in[0], p, q, false), XC_EFILTER); /* 4.936 < 5 */
  xc_dec_from_cstr("0.12345", &p);
  xc_dec_from_cstr("100", &q);
  assert_int_equal(xc_instrument_check(&in[0], p, q, false), XC_EFILTER); /* off tick */
  free(in);

  const char *spot = "{\"symbols\":[{\"symbol\":\"BTCUSDT\",\"status\":\"HALT\",\"baseAsset\":\"BTC\",\"quoteAsset\":\"USDT\","
                     "\"quoteAssetPrecision\":8,\"filters\":["
                     "{\"filterType\":\"PRICE_FILTER\",\"minPrice\":\"0.01\",\"maxPrice\":\"1000000.00\",\"tickSize\":\"0.01\"},"
                     "{\"filterType\":\"LOT_SIZE\",\"minQty\":\"0.00001\",\"maxQty\":\"9000.00000000\",\"stepSize\":\"0.00001\"},"
                     "{\"filterType\":\"NOTIONAL\",\"minNotional\":\"5.00000000\",\"applyMinToMarket\":true,"
                     "\"maxNotional\":\"9000000.00000000\",\"applyMaxToMarket\":false,\"avgPriceMins\":5}]}]}";
  assert_int_equal(xc_json_parse(&j, spot, strlen(spot)), XC_OK);
  assert_int_equal(xc__bn_parse_instruments(&j, XC_MARKET_SPOT, &in, &n, err, sizeof err), XC_OK);
  assert_int_equal(n, 1);
  assert_string_equal(in[0].symbol, "BTC/USDT");
  assert_int_equal(in[0].status, XC_INSTR_HALTED);
  assert_int_equal(in[0].price_precision, 2);
  assert_int_equal(in[0].qty_precision, 5);
  assert_dec(in[0].min_notional, "5");
  assert_dec(in[0].max_notional, "9000000");
  assert_dec(in[0].market_step_size, "0.00001"); /* no MARKET_LOT_SIZE: LOT_SIZE applies */
  free(in);
  /* assets outside the unified grammar (found by fuzz_binance_md) are left out, not listed under a
   * symbol that does not parse back */
  const char *odd = "{\"symbols\":[{\"symbol\":\"ethBTC\",\"status\":\"TRADING\",\"baseAsset\":\"eth\",\"quoteAsset\":\"BTC\","
                    "\"filters\":[]},{\"symbol\":\"A:BBTC\",\"status\":\"TRADING\",\"baseAsset\":\"A:B\",\"quoteAsset\":\"BTC\","
                    "\"filters\":[]}]}";
  assert_int_equal(xc_json_parse(&j, odd, strlen(odd)), XC_OK);
  assert_int_equal(xc__bn_parse_instruments(&j, XC_MARKET_SPOT, &in, &n, err, sizeof err), XC_OK);
  assert_int_equal(n, 0);
  free(in);
  /* a required field missing is an error naming it */
  const char *bad = "{\"symbols\":[{\"symbol\":\"BTCUSDT\",\"status\":\"TRADING\",\"quoteAsset\":\"USDT\",\"filters\":[]}]}";
  assert_int_equal(xc_json_parse(&j, bad, strlen(bad)), XC_OK);
  assert_int_not_equal(xc__bn_parse_instruments(&j, XC_MARKET_SPOT, &in, &n, err, sizeof err), XC_OK);
  assert_non_null(strstr(err, "baseAsset"));
  xc_json_free(&j);
}

/* errors: binance.md 11 codes map to statuses; 429/418 win over the code. */
static void test_errors(void **st) {
  (void)st;
  char msg[128];
  const char *b = "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}";
  assert_int_equal(xc__bn_rest_error(400, b, strlen(b), msg, sizeof msg), XC_ENOTFOUND);
  assert_non_null(strstr(msg, "-1121 Invalid symbol."));
  const char *w = "{\"code\":-1003,\"msg\":\"Too much request weight used\"}";
  assert_int_equal(xc__bn_rest_error(429, w, strlen(w), msg, sizeof msg), XC_ERATELIMIT);
  assert_int_equal(xc__bn_rest_error(418, w, strlen(w), msg, sizeof msg), XC_EBANNED);
  assert_int_equal(xc__bn_rest_error(503, "oops", 4, msg, sizeof msg), XC_EUNAVAIL);
}

/* binance.md 3.1: exchangeInfo rateLimits replace the defaults; CONNECTIONS and junk are skipped. */
static void test_rate_limits(void **st) {
  (void)st;
  const char *body = "{\"rateLimits\":[{\"rateLimitType\":\"REQUEST_WEIGHT\",\"interval\":\"MINUTE\",\"intervalNum\":1,"
                     "\"limit\":1200},{\"rateLimitType\":\"ORDERS\",\"interval\":\"SECOND\",\"intervalNum\":10,\"limit\":100},"
                     "{\"rateLimitType\":\"CONNECTIONS\",\"interval\":\"MINUTE\",\"intervalNum\":5,\"limit\":300},{}],"
                     "\"symbols\":[]}";
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(xc_json_parse(&j, body, strlen(body)), XC_OK);
  xc_rl_opts o;
  xc_rl_opts_default(&o);
  xc_rl *rl;
  assert_int_equal(xc_rl_new(&o, &rl), XC_OK);
  xc__bn_rl_defaults(XC_MARKET_SPOT, rl);
  assert_int_equal(xc__bn_rl_configure(&j, XC_MARKET_SPOT, rl), 2);
  int64_t now = 1700000000000;
  assert_int_equal(xc_rl_headroom(rl, now, XC_RL_REQUEST_WEIGHT, 60000), 1200);
  int64_t wait;
  assert_int_equal(xc_rl_acquire(rl, now, 250, 0, XC_RL_FAIL, &wait), XC_OK); /* a spot 5000-level snapshot */
  assert_int_equal(xc_rl_headroom(rl, now, XC_RL_REQUEST_WEIGHT, 60000), 950);
  xc_rl_free(rl);
  xc_json_free(&j);
}

static void test_registry(void **st) {
  (void)st;
  assert_true(xc_venue_has(XC_VENUE_BINANCE, XC_MARKET_SPOT, XC_CAP_BOOK));
  assert_true(xc_venue_has(XC_VENUE_BINANCE, XC_MARKET_LINEAR, XC_CAP_TRADES));
  assert_false(xc_venue_has(XC_VENUE_NONE, XC_MARKET_SPOT, XC_CAP_BOOK));
  assert_false(xc_venue_has(XC_VENUE_BINANCE, XC_MARKET_NONE, XC_CAP_BOOK));
  assert_non_null(xc__venue_get(XC_VENUE_BINANCE));
  assert_string_equal(xc__venue_get(XC_VENUE_BINANCE)->name, "binance");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ticker),          cmocka_unit_test(test_trade),
      cmocka_unit_test(test_agg_trade),       cmocka_unit_test(test_book_ticker),
      cmocka_unit_test(test_combined_route),  cmocka_unit_test(test_control),
      cmocka_unit_test(test_topics),          cmocka_unit_test(test_exchange_info_spot_doc),
      cmocka_unit_test(test_exchange_info_futures), cmocka_unit_test(test_errors),
      cmocka_unit_test(test_rate_limits),     cmocka_unit_test(test_registry),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
