/* The status table: every code has a distinct name, a message and a sensible category. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>
#include "core/log.h"
#include "xconn/status.h"
#include "xconn/log.h"

static const xc_status all[] = {
#define X_(name, value, cat, msg) name,
    XC_STATUS_MAP(X_)
#undef X_
};

static void test_names_and_messages(void **state) {
  (void)state;
  size_t n = sizeof all / sizeof all[0];
  for (size_t i = 0; i < n; i++) {
    assert_true(all[i] <= 0);
    assert_string_not_equal(xc_status_str(all[i]), "unknown status");
    assert_true(strncmp(xc_status_name(all[i]), "XC_", 3) == 0);
    for (size_t k = i + 1; k < n; k++) assert_int_not_equal(all[i], all[k]);
  }
  assert_string_equal(xc_status_name(XC_EINVAL), "XC_EINVAL");
  assert_string_equal(xc_status_str(XC_OK), "success");
  assert_string_equal(xc_status_str((xc_status)-9999), "unknown status");
}

static void test_categories(void **state) {
  (void)state;
  assert_int_equal(xc_status_category(XC_OK), XC_CAT_NONE);
  assert_int_equal(xc_status_category(XC_ETIMEDOUT), XC_CAT_NETWORK);
  assert_int_equal(xc_status_category(XC_EUNKNOWN_OUTCOME), XC_CAT_UNKNOWN_OUTCOME);
  assert_int_equal(xc_status_category(XC_EBANNED), XC_CAT_RATE_LIMIT);
  assert_int_equal(xc_status_category(XC_EBREAKER), XC_CAT_UNAVAILABLE);
  assert_int_equal(xc_status_category((xc_status)-9999), XC_CAT_INTERNAL);
  assert_string_equal(xc_status_cat_name(XC_CAT_NETWORK), "network");
}

static int g_calls;
static char g_last[256];
static void sink(xc_log_level lvl, const char *mod, const char *msg, void *user) {
  (void)lvl; (void)mod; (void)user;
  g_calls++;
  snprintf(g_last, sizeof g_last, "%s", msg);
}

static void test_mask_and_log_hook(void **state) {
  (void)state;
  char out[64];
  assert_string_equal(xc_mask_secret("vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A", out, sizeof out),
                      "vmPU...Eh8A");
  assert_string_equal(xc_mask_secret("short", out, sizeof out), "***");
  assert_string_equal(xc_mask_secret(NULL, out, sizeof out), "***");
  xc_log_set(sink, NULL, XC_LOG_INFO);
  assert_int_equal(xc_log_level_get(), XC_LOG_INFO);
  XC_DEBUG("test", "filtered %d", 1);
  assert_int_equal(g_calls, 0);
  XC_INFO("test", "key=%s", xc_mask_secret("abcdefghijklmnopqrstuvwxyz", out, sizeof out));
  assert_int_equal(g_calls, 1);
  assert_string_equal(g_last, "key=abcd...wxyz");
  xc_log_set(NULL, NULL, XC_LOG_WARN);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_names_and_messages),
      cmocka_unit_test(test_categories),
      cmocka_unit_test(test_mask_and_log_hook),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
