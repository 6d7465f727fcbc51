/* Percent-encoding and the form/query parser: encoding rules, decoding, malformed escapes, bounds,
 * in-place parsing, and a random round-trip property. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/query.h"

static void test_encode_rules(void **state) {
  (void)state;
  xc_buf b;
  xc_buf_init(&b);
  const char *all_unreserved = "ABCXYZabcxyz0189-_.~";
  assert_int_equal(xc_pct_encode(&b, all_unreserved, strlen(all_unreserved)), XC_OK);
  assert_string_equal(b.data, all_unreserved);
  xc_buf_reset(&b);
  const char *special = "a b+c/=&?%#,:;@!*'()[]\"";
  assert_int_equal(xc_pct_encode(&b, special, strlen(special)), XC_OK);
  assert_string_equal(b.data, "a%20b%2Bc%2F%3D%26%3F%25%23%2C%3A%3B%40%21%2A%27%28%29%5B%5D%22");
  /* UTF-8 bytes, uppercase hex (what Binance's non-ASCII example signs) */
  xc_buf_reset(&b);
  assert_int_equal(xc_pct_encode(&b, "\xef\xbc\x91\x7f\x00\xff", 6), XC_OK);
  assert_string_equal(b.data, "%EF%BC%91%7F%00%FF");
  /* JSON array parameter as ccxt sends it (ccxt_static_requests.json, ticker/24hr) */
  xc_buf_reset(&b);
  assert_int_equal(xc_form_add_str(&b, "symbols", "[\"BTCUSDT\",\"LTCUSDT\"]"), XC_OK);
  assert_string_equal(b.data, "symbols=%5B%22BTCUSDT%22%2C%22LTCUSDT%22%5D");
  assert_int_equal(xc_form_add_i64(&b, "limit", -5), XC_OK);
  assert_int_equal(xc_form_add(&b, "e", "", 0), XC_OK);
  assert_string_equal(b.data, "symbols=%5B%22BTCUSDT%22%2C%22LTCUSDT%22%5D&limit=-5&e=");
  assert_int_equal(xc_form_add_str(&b, "x", NULL), XC_EINVAL);
  xc_buf_reset(&b);
  assert_int_equal(xc_form_add_i64(&b, "a", 0), XC_OK);
  assert_int_equal(xc_form_add_i64(&b, "b", INT64_MIN), XC_OK);
  assert_int_equal(xc_form_add_i64(&b, "c", INT64_MAX), XC_OK);
  assert_int_equal(xc_form_add_i64(&b, "timestamp", 1499827319559), XC_OK);
  assert_string_equal(b.data, "a=0&b=-9223372036854775808&c=9223372036854775807&timestamp=1499827319559");
  /* a bounded buffer reports full */
  xc_buf_free(&b);
  xc_buf_init(&b);
  b.max = 8;
  assert_int_equal(xc_pct_encode(&b, "abcdefgh", 8), XC_OK);
  assert_int_equal(xc_pct_encode(&b, "a", 1), XC_EFULL);
  xc_buf_free(&b);
}

static void test_decode(void **state) {
  (void)state;
  char out[64];
  size_t n;
  assert_int_equal(xc_pct_decode("a%20b+c%2b%2F%e2%82%AC", 22, out, sizeof out, &n, true), XC_OK);
  assert_string_equal(out, "a b c+/\xe2\x82\xac");
  assert_int_equal(xc_pct_decode("a+b", 3, out, sizeof out, &n, false), XC_OK);
  assert_string_equal(out, "a+b");
  static const char *const bad[] = {"%", "%2", "a%2", "%zz", "%2g", "%g2", "%00", "ok%0"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(xc_pct_decode(bad[i], strlen(bad[i]), out, sizeof out, &n, true), XC_EPARSE);
  /* exact-size output buffers: "%41%42" needs 3 bytes */
  assert_int_equal(xc_pct_decode("%41%42", 6, out, 3, &n, true), XC_OK);
  assert_string_equal(out, "AB");
  assert_int_equal(xc_pct_decode("%41%42", 6, out, 2, &n, true), XC_ENOSPC);
  assert_int_equal(xc_pct_decode("", 0, out, 1, &n, true), XC_OK);
  assert_int_equal(n, 0);
  assert_string_equal(out, "");
  /* in place */
  char s[] = "x%3Dy";
  assert_int_equal(xc_pct_decode(s, 5, s, sizeof s, &n, true), XC_OK);
  assert_string_equal(s, "x=y");
}

static void test_parse_basic(void **state) {
  (void)state;
  const char *q = "symbol=BTCUSDT&side=BUY&price=0.1&note=a+b%26c%3Dd&empty=&flag&&symbol=ETHUSDT&";
  char dst[128];
  xc_kv kv[16];
  size_t n = 0;
  assert_int_equal(xc_query_parse(q, strlen(q), dst, sizeof dst, kv, 16, &n), XC_OK);
  assert_int_equal(n, 7);
  assert_string_equal(kv[0].key, "symbol");
  assert_string_equal(kv[0].val, "BTCUSDT");
  assert_int_equal(kv[0].val_len, 7);
  assert_string_equal(kv[3].key, "note");
  assert_string_equal(kv[3].val, "a b&c=d");
  assert_int_equal(kv[3].val_len, 7);
  assert_string_equal(kv[4].key, "empty");
  assert_string_equal(kv[4].val, "");
  assert_string_equal(kv[5].key, "flag");
  assert_string_equal(kv[5].val, "");
  assert_int_equal(kv[5].val_len, 0);
  assert_string_equal(kv[6].val, "ETHUSDT");
  /* the first of duplicate keys wins (query string before body: binance.md 2.1) */
  const char *v;
  size_t vl;
  assert_int_equal(xc_query_get(kv, n, "symbol", &v, &vl), XC_OK);
  assert_string_equal(v, "BTCUSDT");
  assert_int_equal(xc_query_get(kv, n, "price", &v, &vl), XC_OK);
  assert_string_equal(v, "0.1");
  assert_int_equal(xc_query_get(kv, n, "missing", &v, &vl), XC_ENOTFOUND);
  assert_int_equal(xc_query_get(kv, n, "sym", &v, &vl), XC_ENOTFOUND);
  assert_null(xc_query_find(kv, n, "symbolx"));
  assert_ptr_equal(xc_query_find(kv, n, "flag"), &kv[5]);

  /* a value may contain '=' */
  q = "a==b=c&%3D=%3D";
  assert_int_equal(xc_query_parse(q, strlen(q), dst, sizeof dst, kv, 16, &n), XC_OK);
  assert_int_equal(n, 2);
  assert_string_equal(kv[0].key, "a");
  assert_string_equal(kv[0].val, "=b=c");
  assert_string_equal(kv[1].key, "=");
  assert_string_equal(kv[1].val, "=");
  /* empty input, only separators */
  assert_int_equal(xc_query_parse("", 0, dst, sizeof dst, kv, 16, &n), XC_OK);
  assert_int_equal(n, 0);
  assert_int_equal(xc_query_parse("&&&", 3, dst, sizeof dst, kv, 16, &n), XC_OK);
  assert_int_equal(n, 0);
  assert_int_equal(xc_query_parse("=", 1, dst, sizeof dst, kv, 16, &n), XC_OK);
  assert_int_equal(n, 1);
  assert_int_equal(kv[0].key_len, 0);
}

static void test_parse_errors(void **state) {
  (void)state;
  char dst[64];
  xc_kv kv[4];
  size_t n = 99;
  assert_int_equal(xc_query_parse("a=1&b=%G0", 9, dst, sizeof dst, kv, 4, &n), XC_EPARSE);
  assert_int_equal(n, 1);
  assert_int_equal(xc_query_parse("a%=1", 4, dst, sizeof dst, kv, 4, &n), XC_EPARSE);
  assert_int_equal(xc_query_parse("a=%", 3, dst, sizeof dst, kv, 4, &n), XC_EPARSE);
  assert_int_equal(xc_query_parse("a=%0", 4, dst, sizeof dst, kv, 4, &n), XC_EPARSE);
  assert_int_equal(xc_query_parse("a=%00", 5, dst, sizeof dst, kv, 4, &n), XC_EPARSE);
  /* a raw NUL byte is rejected like %00 (found by fuzz_query: it could not round-trip) */
  assert_int_equal(xc_query_parse("a=1\0b", 5, dst, sizeof dst, kv, 4, &n), XC_EPARSE);
  assert_int_equal(xc_query_parse("a\0=1", 4, dst, sizeof dst, kv, 4, &n), XC_EPARSE);
  assert_int_equal(xc_pct_decode("x\0", 2, dst, sizeof dst, NULL, true), XC_EPARSE);
  assert_int_equal(xc_query_parse("a=1&b=2&c=3&d=4&e=5", 19, dst, sizeof dst, kv, 4, &n), XC_EFULL);
  assert_int_equal(n, 4);
  assert_int_equal(xc_query_parse("a=1", 3, dst, 3, kv, 4, &n), XC_ENOSPC);
  assert_int_equal(xc_query_parse("a=1", 3, dst, 4, kv, 4, &n), XC_OK);
  assert_int_equal(xc_query_parse("a=1", 3, dst, 4, NULL, 0, &n), XC_EFULL);
  assert_int_equal(xc_query_parse("a=1", 3, dst, 4, kv, 4, NULL), XC_EINVAL);
}

static void test_parse_in_place(void **state) {
  (void)state;
  char s[] = "quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559&sym=%EF%BC%91+x";
  size_t len = strlen(s);
  xc_kv kv[8];
  size_t n = 0;
  assert_int_equal(xc_query_parse(s, len, s, sizeof s, kv, 8, &n), XC_OK);
  assert_int_equal(n, 5);
  const char *v;
  assert_int_equal(xc_query_get(kv, n, "timestamp", &v, NULL), XC_OK);
  assert_string_equal(v, "1499827319559");
  assert_int_equal(xc_query_get(kv, n, "sym", &v, NULL), XC_OK);
  assert_string_equal(v, "\xef\xbc\x91 x");
  assert_string_equal(kv[1].key, "price");
}

/* Query + body into one array: the query's value of a duplicated key is found first. */
static void test_parse_both(void **state) {
  (void)state;
  const char *q = "symbol=BTCUSDT&side=BUY";
  const char *b = "side=SELL&quantity=1&signature=abc";
  char dst[64];
  xc_kv kv[8];
  size_t n = 0, nq = 0;
  assert_int_equal(xc_query_parse_both(q, strlen(q), b, strlen(b), dst, sizeof dst, kv, 8, &n, &nq), XC_OK);
  assert_int_equal(n, 5);
  assert_int_equal(nq, 2);
  const char *v;
  assert_int_equal(xc_query_get(kv, n, "side", &v, NULL), XC_OK);
  assert_string_equal(v, "BUY");
  assert_int_equal(xc_query_get(kv + nq, n - nq, "side", &v, NULL), XC_OK);
  assert_string_equal(v, "SELL");
  assert_int_equal(xc_query_get(kv, n, "signature", &v, NULL), XC_OK);
  assert_string_equal(v, "abc");
  /* either part absent */
  assert_int_equal(xc_query_parse_both(NULL, 0, b, strlen(b), dst, sizeof dst, kv, 8, &n, &nq), XC_OK);
  assert_int_equal(n, 3);
  assert_int_equal(nq, 0);
  assert_int_equal(xc_query_parse_both(q, strlen(q), NULL, 0, dst, sizeof dst, kv, 8, &n, NULL), XC_OK);
  assert_int_equal(n, 2);
  /* bounds and errors in either part */
  assert_int_equal(xc_query_parse_both(q, strlen(q), b, strlen(b), dst, strlen(q) + strlen(b) + 1, kv, 8, &n, &nq), XC_ENOSPC);
  assert_int_equal(xc_query_parse_both(q, strlen(q), b, strlen(b), dst, sizeof dst, kv, 4, &n, &nq), XC_EFULL);
  assert_int_equal(n, 4);
  assert_int_equal(xc_query_parse_both(q, strlen(q), "a=%", 3, dst, sizeof dst, kv, 8, &n, &nq), XC_EPARSE);
  assert_int_equal(xc_query_parse_both("a=%", 3, b, strlen(b), dst, sizeof dst, kv, 8, &n, &nq), XC_EPARSE);
}

/* Random key/value bytes survive encode -> parse. */
static void test_roundtrip_property(void **state) {
  (void)state;
  uint64_t rng = 7;
  xc_buf b;
  xc_buf_init(&b);
  for (int it = 0; it < 500; it++) {
    char keys[6][12], vals[6][20];
    size_t kl[6], vl[6], np = 1 + xc_test_rand(&rng) % 6;
    xc_buf_reset(&b);
    for (size_t i = 0; i < np; i++) {
      kl[i] = 1 + xc_test_rand(&rng) % 10;
      vl[i] = xc_test_rand(&rng) % 19;
      for (size_t k = 0; k < kl[i]; k++) keys[i][k] = (char)(1 + xc_test_rand(&rng) % 255);
      for (size_t k = 0; k < vl[i]; k++) vals[i][k] = (char)(1 + xc_test_rand(&rng) % 255);
      keys[i][kl[i]] = 0;
      vals[i][vl[i]] = 0;
      assert_int_equal(xc_form_add(&b, keys[i], vals[i], vl[i]), XC_OK);
    }
    char dst[512];
    xc_kv kv[8];
    size_t n = 0;
    assert_true(b.len + 1 <= sizeof dst);
    assert_int_equal(xc_query_parse(b.data, b.len, dst, sizeof dst, kv, 8, &n), XC_OK);
    assert_int_equal(n, np);
    for (size_t i = 0; i < np; i++) {
      assert_int_equal(kv[i].key_len, kl[i]);
      assert_memory_equal(kv[i].key, keys[i], kl[i]);
      assert_int_equal(kv[i].val_len, vl[i]);
      assert_memory_equal(kv[i].val, vals[i], vl[i]);
    }
  }
  xc_buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_encode_rules),
      cmocka_unit_test(test_decode),
      cmocka_unit_test(test_parse_basic),
      cmocka_unit_test(test_parse_errors),
      cmocka_unit_test(test_parse_in_place),
      cmocka_unit_test(test_parse_both),
      cmocka_unit_test(test_roundtrip_property),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
