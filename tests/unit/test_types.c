/* Unified symbols, venue names and order-status helpers. */
#include "testutil.h"

#include <string.h>
#include "xconn/trading.h"
#include "xconn/types.h"

static void test_symbol_parse(void **state) {
  (void)state;
  xc_symbol s;
  char buf[XC_SYMBOL_MAX];
  assert_int_equal(xc_symbol_parse("BTC/USDT", &s), XC_OK);
  assert_string_equal(s.base, "BTC");
  assert_string_equal(s.quote, "USDT");
  assert_string_equal(s.settle, "");
  assert_int_equal(s.market, XC_MARKET_SPOT);
  assert_int_equal(xc_symbol_format(&s, buf, sizeof buf), 8);
  assert_string_equal(buf, "BTC/USDT");

  assert_int_equal(xc_symbol_parse("1000PEPE/USDT:USDT", &s), XC_OK);
  assert_string_equal(s.base, "1000PEPE");
  assert_string_equal(s.settle, "USDT");
  assert_int_equal(s.market, XC_MARKET_LINEAR);
  assert_int_equal(xc_symbol_format(&s, buf, sizeof buf), 18);
  assert_string_equal(buf, "1000PEPE/USDT:USDT");
  assert_int_equal(xc_symbol_format(&s, buf, 5), XC_ENOSPC);

  const char *bad[] = {"", "BTCUSDT", "/USDT", "BTC/", "BTC/USDT:", "btc/usdt", "BTC/USDT:USDT:X",
                       "BTC/US DT", "ABCDEFGHIJKLMNOPQ/USDT", "BTC//USDT"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(xc_symbol_parse(bad[i], &s), XC_EINVAL);
  assert_int_equal(xc_symbol_parse(NULL, &s), XC_EINVAL);
}

static void test_names(void **state) {
  (void)state;
  xc_venue v;
  assert_int_equal(xc_venue_parse("Binance", &v), XC_OK);
  assert_int_equal(v, XC_VENUE_BINANCE);
  assert_int_equal(xc_venue_parse("bybit", &v), XC_OK);
  assert_int_equal(v, XC_VENUE_BYBIT);
  assert_int_equal(xc_venue_parse("okx", &v), XC_EINVAL);
  assert_string_equal(xc_venue_name(XC_VENUE_BYBIT), "bybit");
  assert_string_equal(xc_side_name(XC_SIDE_SELL), "sell");
  assert_string_equal(xc_market_name(XC_MARKET_LINEAR), "linear");
  assert_string_equal(xc_order_status_name(XC_ORDER_PARTIALLY_FILLED), "partially_filled");
  assert_true(xc_order_status_is_final(XC_ORDER_EXPIRED));
  assert_false(xc_order_status_is_final(XC_ORDER_PENDING_CANCEL));
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_symbol_parse), cmocka_unit_test(test_names)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
