/* libFuzzer target: the Binance market-data parsers (network bytes): stream routing, control-reply
 * classification, ticker / bookTicker / trade events on both markets, exchangeInfo and REST error
 * bodies. None may crash; results keep their invariants: a routed topic lies inside the message,
 * parsed instruments have a formatted unified symbol that parses back to the same market, a
 * trade's aggressor side is set, and its id text matches the numeric id. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "venues/binance/binance.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
  do {                                                                                             \
    if (!(x)) abort();                                                                             \
  } while (0)

static xc_json js;
static int inited;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!inited) {
    xc_json_init(&js);
    inited = 1;
  }
  const char *s = (const char *)data;
  xc__venue_route r;
  if (xc__bn_route(s, size, &r)) CHECK(r.topic >= s && r.topic + r.topic_len <= s + size);
  uint64_t id;
  bool ok;
  int k = xc__bn_classify(NULL, s, size, &id, &ok);
  CHECK(k == 0 || k == 1);
  char msg[128];
  (void)xc__bn_rest_error(400, s, size, msg, sizeof msg);
  CHECK(strlen(msg) < sizeof msg);
  if (xc_json_parse(&js, s, size) != XC_OK) return 0;
  for (int m = XC_MARKET_SPOT; m <= XC_MARKET_LINEAR; m++) {
    for (int ch = XC_CH_TICKER; ch <= XC_CH_TRADES; ch++) {
      xc_event ev;
      memset(&ev, 0, sizeof ev);
      int64_t seq = 0;
      if (xc__bn_parse_md(&js, (xc_market)m, (xc_channel)ch, &ev, &seq) != XC_OK) continue;
      if (ch == XC_CH_TRADES) {
        CHECK(ev.u.trade.taker_side == XC_SIDE_BUY || ev.u.trade.taker_side == XC_SIDE_SELL);
        char want[32];
        snprintf(want, sizeof want, "%lld", (long long)seq);
        CHECK(!strcmp(want, ev.u.trade.trade_id));
      }
      if (ch == XC_CH_BBO) CHECK(seq == ev.u.bbo.update_id);
    }
    xc_instrument *in = NULL;
    size_t n = 0;
    char err[256];
    if (xc__bn_parse_instruments(&js, (xc_market)m, &in, &n, err, sizeof err) == XC_OK) {
      for (size_t i = 0; i < n; i++) {
        xc_symbol sy;
        CHECK(xc_symbol_parse(in[i].symbol, &sy) == XC_OK);
        CHECK(sy.market == (xc_market)m);
        CHECK(in[i].price_precision >= 0 && in[i].qty_precision >= 0);
      }
      free(in);
    } else {
      CHECK(strlen(err) < sizeof err);
    }
  }
  return 0;
}
