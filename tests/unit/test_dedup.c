/* Bounded recent-id set: FIFO eviction order, fixed bounds, long keys, agreement with a model. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "orders/dedup.h"

static xc_status ins(xc_dedup *d, const char *s) { return xc_dedup_insert(d, s, strlen(s)); }
static bool has(xc_dedup *d, const char *s) { return xc_dedup_contains(d, s, strlen(s)); }

static void test_basic_and_eviction_order(void **state) {
  (void)state;
  xc_dedup *d = (xc_dedup *)1;
  assert_int_equal(xc_dedup_new(0, &d), XC_EINVAL);
  assert_null(d);
  assert_int_equal(xc_dedup_new(3, &d), XC_OK);
  assert_int_equal(xc_dedup_capacity(d), 3);
  assert_int_equal(ins(d, "a"), XC_OK);
  assert_int_equal(ins(d, "b"), XC_OK);
  assert_int_equal(ins(d, "a"), XC_EDUPLICATE);
  assert_int_equal(ins(d, "c"), XC_OK);
  assert_int_equal(xc_dedup_size(d), 3);
  /* full: d evicts the oldest (a), even though a was seen again after b (no refresh) */
  assert_int_equal(ins(d, "d"), XC_OK);
  assert_false(has(d, "a"));
  assert_true(has(d, "b") && has(d, "c") && has(d, "d"));
  assert_int_equal(ins(d, "e"), XC_OK); /* evicts b */
  assert_false(has(d, "b"));
  assert_int_equal(ins(d, "a"), XC_OK); /* a is new again; evicts c */
  assert_false(has(d, "c"));
  assert_true(has(d, "d") && has(d, "e") && has(d, "a"));
  assert_int_equal(xc_dedup_size(d), 3);
  assert_int_equal(xc_dedup_insert(d, "", 0), XC_EINVAL);
  assert_int_equal(xc_dedup_insert(d, NULL, 3), XC_EINVAL);
  assert_false(xc_dedup_contains(d, "", 0));
  xc_dedup_clear(d);
  assert_int_equal(xc_dedup_size(d), 0);
  assert_false(has(d, "d"));
  assert_int_equal(ins(d, "d"), XC_OK);
  xc_dedup_free(d);
  xc_dedup_free(NULL);
}

/* Keys longer than the inline size: distinct keys sharing a long prefix stay distinct. */
static void test_long_keys(void **state) {
  (void)state;
  xc_dedup *d;
  assert_int_equal(xc_dedup_new(100, &d), XC_OK);
  char k[200];
  memset(k, 'x', sizeof k);
  for (int i = 0; i < 50; i++) {
    snprintf(k + 150, 50, "%d", i);
    assert_int_equal(xc_dedup_insert(d, k, strlen(k)), XC_OK);
  }
  for (int i = 0; i < 50; i++) {
    snprintf(k + 150, 50, "%d", i);
    assert_int_equal(xc_dedup_insert(d, k, strlen(k)), XC_EDUPLICATE);
  }
  /* same prefix, different lengths */
  assert_int_equal(xc_dedup_insert(d, k, 60), XC_OK);
  assert_int_equal(xc_dedup_insert(d, k, 61), XC_OK);
  assert_int_equal(xc_dedup_insert(d, k, 60), XC_EDUPLICATE);
  /* a Bybit execId and a Binance symbol:tradeId */
  assert_int_equal(ins(d, "linear:7e2ae69c-4edf-5800-a352-893d52b446aa"), XC_OK);
  assert_int_equal(ins(d, "BTCUSDT:28457"), XC_OK);
  assert_int_equal(ins(d, "ETHUSDT:28457"), XC_OK);
  assert_int_equal(ins(d, "BTCUSDT:28457"), XC_EDUPLICATE);
  xc_dedup_free(d);
}

/* Random inserts against a model (an array in FIFO order), with many evictions and key reuse,
 * several capacities: the answers always agree and the size never exceeds the capacity. */
static void test_model(void **state) {
  (void)state;
  const size_t caps[] = {1, 2, 7, 64, 1000};
  uint64_t seed = 5;
  for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++) {
    size_t cap = caps[c];
    xc_dedup *d;
    assert_int_equal(xc_dedup_new(cap, &d), XC_OK);
    uint32_t *model = calloc(cap, sizeof *model);
    size_t mhead = 0, mcount = 0;
    uint32_t universe = (uint32_t)(cap * 3 + 5);
    for (int i = 0; i < 60000; i++) {
      uint32_t id = (uint32_t)(xc_test_rand(&seed) % universe);
      char key[32];
      int n = snprintf(key, sizeof key, "t%u", id);
      bool in_model = false;
      for (size_t k = 0; k < mcount; k++)
        if (model[(mhead + cap - mcount + k) % cap] == id) in_model = true;
      assert_int_equal(xc_dedup_contains(d, key, (size_t)n), in_model);
      xc_status st = xc_dedup_insert(d, key, (size_t)n);
      assert_int_equal(st, in_model ? XC_EDUPLICATE : XC_OK);
      if (!in_model) {
        model[mhead] = id;
        mhead = (mhead + 1) % cap;
        if (mcount < cap) mcount++;
      }
      assert_int_equal(xc_dedup_size(d), mcount);
      assert_true(xc_dedup_size(d) <= cap);
    }
    /* every key the model holds is present, the evicted ones are not */
    for (uint32_t id = 0; id < universe; id++) {
      char key[32];
      int n = snprintf(key, sizeof key, "t%u", id);
      bool in_model = false;
      for (size_t k = 0; k < mcount; k++)
        if (model[(mhead + cap - mcount + k) % cap] == id) in_model = true;
      assert_int_equal(xc_dedup_contains(d, key, (size_t)n), in_model);
    }
    free(model);
    xc_dedup_free(d);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_basic_and_eviction_order),
      cmocka_unit_test(test_long_keys),
      cmocka_unit_test(test_model),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
