/* The umbrella header compiles on its own, in strict C17, and names every public piece. */
#include "xconn/xconn.h"

#include "testutil.h"

static void test_umbrella(void **state) {
  (void)state;
  xc_event ev = {.type = XC_EV_TRADE};
  assert_string_equal(xc_event_type_name(ev.type), "trade");
  assert_string_equal(xc_event_type_name(XC_EV_ERROR), "error");
  assert_string_equal(xc_event_type_name((xc_event_type)99), "?");
  assert_string_equal(xc_version(), XC_VERSION_STRING);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_umbrella)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
