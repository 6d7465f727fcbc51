/* The book engine on real recorded Binance traffic (../shared/fixtures/recordings, see SOURCES.json:
 * cryptofeed sample_data, 2021) and on the official doc payload examples (vectors/ws_payloads.json,
 * vectors/rest_doc_examples.json).
 *
 * Recordings are replayed in receive-time order with the REST snapshot fed at its own receive
 * time, exactly as a driver would: diffs before it are buffered, the rest applied live. Expected
 * books were computed independently (Python json + decimal.Decimal + dicts, same procedure): level
 * counts, best levels, last update id and an FNV-1a checksum over every level (best first,
 * canonical decimal form), which must match xc_book_checksum(). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book/book.h"
#include "book/depth.h"

typedef struct expect {
  const char *symbol;
  xc_book_venue venue;
  uint64_t applied;
  int64_t last_id;
  uint32_t nb, na;
  uint64_t checksum;
  const char *bid, *ask;
} expect;

/* Best price of a side as canonical text. */
static void dec_text(xc_dec d, char *o) {
  long long c = (long long)d.coef;
  int places = -d.exp;
  while (places > 0 && c % 10 == 0) {
    c /= 10;
    places--;
  }
  char digits[40];
  snprintf(digits, sizeof digits, "%lld", c);
  int len = (int)strlen(digits);
  if (places <= 0) {
    strcpy(o, digits);
  } else if (len > places) {
    sprintf(o, "%.*s.%s", len - places, digits, digits + len - places);
  } else {
    char z[40] = "";
    for (int i = 0; i < places - len; i++) z[i] = '0';
    sprintf(o, "0.%s%s", z, digits);
  }
}

/* Prices in one copy share the book's scale: compare coefficients. */
static bool same_scale_lt(xc_dec a, xc_dec b) { return a.exp == b.exp && a.coef < b.coef; }

/* Parses "<ts>: <json>" lines (after the header line) and feeds the ones for `stream`,
 * feeding the snapshot when its receive time is reached. */
static void replay(const expect *e, const char *ws_file, const char *http_file, const char *stream) {
  size_t wl, hl;
  char *ws = xc_test_read_shared(ws_file, &wl);
  char *http = xc_test_read_shared(http_file, &hl);
  /* the snapshot line for this symbol */
  char key[64];
  snprintf(key, sizeof key, "symbol=%s&", e->symbol);
  char *line = strstr(http, key);
  assert_non_null(line);
  char *arrow = strstr(line, " -> ");
  assert_non_null(arrow);
  double snap_ts = strtod(arrow + 4, NULL);
  char *body = strstr(arrow, ": ") + 2;
  char *body_end = strchr(body, '\n');
  if (!body_end) body_end = body + strlen(body);

  xc_book_opts o;
  xc_book_opts_default(&o, e->venue);
  o.symbol = e->symbol;
  xc_book *b = NULL;
  assert_int_equal(xc_book_new(&o, &b), XC_OK);

  bool snap_fed = false;
  char *p = strchr(ws, '\n');
  int fed = 0;
  while (p && *p) {
    p++;
    char *nl = strchr(p, '\n');
    if (!nl) nl = p + strlen(p);
    char *colon = strstr(p, ": ");
    if (colon && colon < nl) {
      double ts = strtod(p, NULL);
      const char *msg = colon + 2;
      size_t len = (size_t)(nl - msg);
      if (!snap_fed && ts >= snap_ts) {
        xc_book_outcome oc;
        assert_int_equal(xc_book_feed_snapshot(b, body, (size_t)(body_end - body), (int64_t)(snap_ts * 1e9), &oc),
                         XC_OK);
        assert_int_equal(oc, XC_BOOK_O_SNAPSHOT);
        snap_fed = true;
      }
      char want[96];
      snprintf(want, sizeof want, "\"stream\":\"%s\"", stream);
      xc_book_outcome oc;
      if (memmem(msg, len, want, strlen(want))) {
        assert_int_equal(xc_book_feed(b, msg, len, (int64_t)(ts * 1e9), &oc), XC_OK);
        fed++;
      } else {
        /* other symbols' depth and other streams: refused or ignored, never applied */
        xc_status st = xc_book_feed(b, msg, len, (int64_t)(ts * 1e9), &oc);
        assert_true(st == XC_OK || st == XC_EINVAL);
        assert_true(oc == XC_BOOK_O_IGNORED);
      }
    }
    p = nl;
  }
  assert_true(snap_fed);
  xc_book_stats st;
  xc_book_stats_get(b, &st);
  assert_int_equal(st.gaps, 0);
  assert_int_equal(st.resyncs, 0);
  assert_int_equal(st.crossed, 0);
  assert_int_equal(st.snapshots_too_old, 0);
  assert_int_equal(st.bad_messages, 0);
  assert_int_equal(st.applied, e->applied);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_LIVE);
  assert_true(xc_book_update_id(b) == e->last_id);
  assert_int_equal(xc_book_levels(b, XC_BOOK_BID), e->nb);
  assert_int_equal(xc_book_levels(b, XC_BOOK_ASK), e->na);
  xc_book_top t;
  xc_book_top_copy(b, 5, &t);
  char bid[64], ask[64];
  dec_text(t.bids[0].price, bid);
  dec_text(t.asks[0].price, ask);
  assert_string_equal(bid, e->bid);
  assert_string_equal(ask, e->ask);
  assert_true(xc_book_checksum(b) == e->checksum);
  /* a full copy agrees with the top view */
  xc_book_level *bl = calloc(e->nb, sizeof *bl), *al = calloc(e->na, sizeof *al);
  uint32_t nb = 0, na = 0;
  assert_true(xc_book_copy(b, bl, e->nb, &nb, al, e->na, &na) == e->last_id);
  assert_int_equal(nb, e->nb);
  assert_int_equal(na, e->na);
  for (uint32_t i = 1; i < nb; i++) assert_true(same_scale_lt(bl[i].price, bl[i - 1].price));
  for (uint32_t i = 1; i < na; i++) assert_true(same_scale_lt(al[i - 1].price, al[i].price));
  free(bl);
  free(al);
  (void)fed;
  xc_book_free(b);
  free(ws);
  free(http);
}

#define SPOT_WS "fixtures/recordings/binance_spot_cryptofeed/BINANCE.ws.1.0"
#define SPOT_HTTP "fixtures/recordings/binance_spot_cryptofeed/BINANCE.http.0.0"

static void test_spot_nknusdt(void **state) {
  (void)state;
  /* SOURCES.json: the gap-free chain; 150 diffs, one before/at the snapshot */
  expect e = {"NKNUSDT", XC_BOOK_BINANCE_SPOT, 149, 499870179, 614, 994, 0xa40fb312e759656cull,
              "0.3527", "0.3531"};
  replay(&e, SPOT_WS, SPOT_HTTP, "nknusdt@depth@100ms");
}

static void test_spot_other_symbols(void **state) {
  (void)state;
  expect blz = {"BLZETH", XC_BOOK_BINANCE_SPOT, 9, 281916638, 173, 999, 0x712c2698a04330aeull,
                "0.00006547", "0.0000656"};
  replay(&blz, SPOT_WS, SPOT_HTTP, "blzeth@depth@100ms");
  expect lrc = {"LRCBTC", XC_BOOK_BINANCE_SPOT, 13, 259345563, 176, 1000, 0x2292e318ad877cf3ull,
                "0.00000637", "0.00000638"};
  replay(&lrc, SPOT_WS, SPOT_HTTP, "lrcbtc@depth@100ms");
  expect rune = {"RUNEEUR", XC_BOOK_BINANCE_SPOT, 1, 15602513, 222, 468, 0x8cc3070e754650full, "6.251", "6.269"};
  replay(&rune, SPOT_WS, SPOT_HTTP, "runeeur@depth@100ms");
}

static void test_usdm_sushiusdt(void **state) {
  (void)state;
  expect e = {"SUSHIUSDT", XC_BOOK_BINANCE_USDM, 252, 600860425198LL, 1006, 1000, 0x113e12e458ddda41ull,
              "7.612", "7.616"};
  replay(&e, "fixtures/recordings/binance_usdm_cryptofeed/BINANCE_FUTURES.ws.1.0.sushiusdt",
         "fixtures/recordings/binance_usdm_cryptofeed/BINANCE_FUTURES.http.0.0.SUSHIUSDT", "sushiusdt@depth@100ms");
}

/* The same USD-M chain with one diff removed must be caught as a gap (and only one). */
static void test_usdm_dropped_message_detected(void **state) {
  (void)state;
  size_t wl, hl;
  char *ws = xc_test_read_shared("fixtures/recordings/binance_usdm_cryptofeed/BINANCE_FUTURES.ws.1.0.sushiusdt", &wl);
  char *http = xc_test_read_shared("fixtures/recordings/binance_usdm_cryptofeed/BINANCE_FUTURES.http.0.0.SUSHIUSDT", &hl);
  char *body = strstr(strstr(http, " -> "), ": ") + 2;
  size_t blen = strcspn(body, "\n");
  xc_book_opts o;
  xc_book_opts_default(&o, XC_BOOK_BINANCE_USDM);
  xc_book *b = NULL;
  assert_int_equal(xc_book_new(&o, &b), XC_OK);
  int n = 0;
  bool snap = false;
  for (char *p = strchr(ws, '\n'); p && *p;) {
    p++;
    char *nl = strchr(p, '\n');
    if (!nl) nl = p + strlen(p);
    char *c = strstr(p, ": ");
    if (c && c < nl && memmem(c, (size_t)(nl - c), "@depth@100ms", 12)) {
      n++;
      if (n == 2 && !snap) {
        assert_int_equal(xc_book_feed_snapshot(b, body, blen, n, NULL), XC_OK);
        snap = true;
      }
      if (n != 100) xc_book_feed(b, c + 2, (size_t)(nl - c - 2), n, NULL);
    }
    p = nl;
  }
  xc_book_stats st;
  xc_book_stats_get(b, &st);
  assert_int_equal(st.gaps, 1);
  assert_int_equal(xc_book_state_get(b), XC_BOOK_RESYNCING);
  xc_book_action a;
  int need = 0;
  while (xc_book_poll(b, &a)) need += a.kind == XC_BOOK_ACT_NEED_SNAPSHOT;
  assert_int_equal(need, 2); /* the first sync, then the gap */
  xc_book_free(b);
  free(ws);
  free(http);
}

/* Extracts the JSON value that follows `"json": ` at or after `from` (balanced braces/brackets,
 * strings respected). Returns a malloc'd copy. */
static char *json_after(const char *from, const char *field) {
  const char *p = strstr(from, field);
  assert_non_null(p);
  p += strlen(field);
  while (*p == ' ') p++;
  const char *s = p;
  int depth = 0;
  bool in = false;
  for (; *p; p++) {
    if (in) {
      if (*p == '\\') p++;
      else if (*p == '"') {
        in = false;
        if (depth == 0) {
          p++;
          break;
        }
      }
      continue;
    }
    if (*p == '"') in = true;
    else if (*p == '{' || *p == '[') depth++;
    else if (*p == '}' || *p == ']') {
      if (--depth == 0) {
        p++;
        break;
      }
    }
  }
  size_t n = (size_t)(p - s);
  char *o = malloc(n + 1);
  memcpy(o, s, n);
  o[n] = 0;
  return o;
}

/* Finds the record whose "source" contains `src_key` and returns its "json" value. */
static char *doc_json(const char *file, const char *src_key) {
  size_t l;
  char *all = xc_test_read_shared(file, &l);
  char *r = strstr(all, src_key);
  assert_non_null(r);
  char *o = json_after(r, "\"json\":");
  free(all);
  return o;
}

static void test_doc_payloads(void **state) {
  (void)state;
  xc_depth_dec d;
  xc_depth_dec_init(&d);
  xc_depth_msg m;
  /* Binance spot diff depth doc example (U 157, u 160) */
  char *j = doc_json("fixtures/vectors/ws_payloads.json", "web-socket-streams.md#Diff. Depth Stream");
  assert_int_equal(xc_depth_decode_binance_ws(&d, j, strlen(j), &m), XC_OK);
  assert_int_equal(m.kind, XC_DEPTH_DIFF);
  assert_true(m.first_id == 157 && m.last_id == 160 && m.nbids == 1 && m.nasks == 1);
  assert_true(m.bids[0].px_m == 24 && m.bids[0].px_frac == 4 && m.bids[0].qty_m == 10);
  free(j);
  /* partial depth (no "e") is a whole top-N book, never a diff */
  j = doc_json("fixtures/vectors/ws_payloads.json", "web-socket-streams.md#Partial Book Depth Streams");
  assert_int_equal(xc_depth_decode_binance_ws(&d, j, strlen(j), &m), XC_OK);
  assert_int_equal(m.kind, XC_DEPTH_SNAPSHOT);
  assert_true(m.last_id == 160 && m.nbids == 1 && m.nasks == 1);
  {
    /* on a diff book it is ignored; on a partial-stream book it replaces the book */
    xc_book_opts po;
    xc_book_opts_default(&po, XC_BOOK_BINANCE_SPOT);
    xc_book *pb = NULL;
    assert_int_equal(xc_book_new(&po, &pb), XC_OK);
    xc_book_outcome poc;
    assert_int_equal(xc_book_feed(pb, j, strlen(j), 1, &poc), XC_OK);
    assert_int_equal(poc, XC_BOOK_O_IGNORED);
    assert_int_equal(xc_book_state_get(pb), XC_BOOK_SYNCING);
    xc_book_free(pb);
    po.partial_stream = true;
    assert_int_equal(xc_book_new(&po, &pb), XC_OK);
    assert_int_equal(xc_book_feed(pb, j, strlen(j), 1, &poc), XC_OK);
    assert_int_equal(poc, XC_BOOK_O_SNAPSHOT);
    assert_int_equal(xc_book_state_get(pb), XC_BOOK_LIVE);
    assert_true(xc_book_update_id(pb) == 160);
    /* an older one is dropped, a newer one replaces */
    const char *old = "{\"lastUpdateId\":150,\"bids\":[[\"1\",\"1\"]],\"asks\":[[\"2\",\"1\"]]}";
    assert_int_equal(xc_book_feed(pb, old, strlen(old), 2, &poc), XC_OK);
    assert_int_equal(poc, XC_BOOK_O_STALE_ID);
    const char *nw = "{\"lastUpdateId\":170,\"bids\":[[\"1\",\"1\"],[\"0.9\",\"2\"]],\"asks\":[[\"2\",\"1\"]]}";
    assert_int_equal(xc_book_feed(pb, nw, strlen(nw), 3, &poc), XC_OK);
    assert_int_equal(poc, XC_BOOK_O_SNAPSHOT);
    assert_int_equal(xc_book_levels(pb, XC_BOOK_BID), 2);
    /* futures partial depth has the depthUpdate shape: still a whole book in this mode */
    const char *fut = "{\"e\":\"depthUpdate\",\"E\":1,\"T\":1,\"s\":\"BTCUSDT\",\"U\":171,\"u\":180,\"pu\":170,"
                      "\"b\":[[\"1.5\",\"1\"]],\"a\":[[\"2\",\"3\"]]}";
    assert_int_equal(xc_book_feed(pb, fut, strlen(fut), 4, &poc), XC_OK);
    assert_int_equal(poc, XC_BOOK_O_SNAPSHOT);
    assert_int_equal(xc_book_levels(pb, XC_BOOK_BID), 1);
    xc_book_free(pb);
  }
  free(j);
  /* Binance REST depth doc example */
  j = doc_json("fixtures/vectors/rest_doc_examples.json", "rest-api.md#Order book");
  assert_int_equal(xc_depth_decode_binance_rest(&d, j, strlen(j), &m), XC_OK);
  assert_true(m.last_id == 1027024 && m.nbids == 1 && m.nasks == 1);
  assert_true(m.bids[0].px_m == 4 && m.bids[0].px_frac == 0 && m.bids[0].qty_m == 431);
  free(j);
  /* Bybit doc snapshot + delta through a book */
  xc_book_opts o;
  xc_book_opts_default(&o, XC_BOOK_BYBIT);
  o.symbol = "BTCUSDT";
  o.bybit_strict_u = false; /* the two doc examples are not consecutive */
  xc_book *b = NULL;
  assert_int_equal(xc_book_new(&o, &b), XC_OK);
  j = doc_json("fixtures/vectors/ws_payloads.json", "orderbook.mdx (Response Example, tab Snapshot");
  xc_book_outcome oc;
  assert_int_equal(xc_book_feed(b, j, strlen(j), 1, &oc), XC_OK);
  assert_int_equal(oc, XC_BOOK_O_SNAPSHOT);
  free(j);
  j = doc_json("fixtures/vectors/ws_payloads.json", "orderbook.mdx (Response Example, tab Delta");
  assert_int_equal(xc_depth_decode_bybit_ws(&d, j, strlen(j), &m), XC_OK);
  assert_int_equal(m.kind, XC_DEPTH_DIFF);
  assert_true(m.nbids > 0 && m.nasks > 0);
  /* the doc delta is far from the doc snapshot's prices: it crosses that book, which must be
   * caught; without the crossed check it applies cleanly */
  assert_int_equal(xc_book_feed(b, j, strlen(j), 2, &oc), XC_OK);
  assert_int_equal(oc, XC_BOOK_O_RESYNC);
  free(j);
  xc_book_free(b);
  /* Bybit REST orderbook doc example */
  j = doc_json("fixtures/vectors/rest_doc_examples.json", "docs/v5/market/orderbook.mdx");
  assert_int_equal(xc_depth_decode_bybit_rest(&d, j, strlen(j), &m), XC_OK);
  assert_true(m.last_id == 230704 && m.seq == 1432604333 && m.nbids == 1 && m.nasks == 1);
  free(j);
  /* recorded payloads in ws_payloads.json ("raw") decode too */
  size_t l;
  char *all = xc_test_read_shared("fixtures/vectors/ws_payloads.json", &l);
  int recorded = 0;
  for (char *r = strstr(all, "\"kind\": \"recorded:depth@100ms\""); r;
       r = strstr(r + 1, "\"kind\": \"recorded:depth@100ms\"")) {
    char *raw = json_after(r, "\"raw\":");
    /* raw is a JSON string: unescape \" and \\ */
    size_t n = strlen(raw), k = 0;
    char *txt = malloc(n);
    for (size_t i = 1; i + 1 < n; i++) {
      if (raw[i] == '\\') i++;
      txt[k++] = raw[i];
    }
    assert_int_equal(xc_depth_decode_binance_ws(&d, txt, k, &m), XC_OK);
    assert_int_equal(m.kind, XC_DEPTH_DIFF);
    recorded++;
    free(txt);
    free(raw);
  }
  assert_int_equal(recorded, 2);
  free(all);
  xc_depth_dec_free(&d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_spot_nknusdt),
      cmocka_unit_test(test_spot_other_symbols),
      cmocka_unit_test(test_usdm_sushiusdt),
      cmocka_unit_test(test_usdm_dropped_message_detected),
      cmocka_unit_test(test_doc_payloads),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
