/* Subscription registry (sans-I/O): refcounts, batching within limits, message-rate limit,
 * reply matching, reset/replay, leaving and re-adding while requests are in flight, resend on
 * reply timeout, topic cap. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "transport/subs.h"

static xc__subs *mk(size_t per_msg, size_t max_topics, uint32_t rate, uint32_t timeout) {
  xc__subs_limits l = {per_msg, max_topics, rate, timeout};
  xc__subs *s;
  assert_int_equal(xc__subs_new(&l, &s), XC_OK);
  return s;
}

static void add(xc__subs *s, const char *t, bool want_first) {
  bool first;
  assert_int_equal(xc__subs_add(s, t, &first), XC_OK);
  assert_int_equal(first, want_first);
}

static int g_ok, g_bad;
static void count(const char *topic, bool ok, void *user) {
  (void)topic;
  (void)user;
  if (ok) g_ok++;
  else g_bad++;
}

static void test_batching_and_replies(void **st) {
  (void)st;
  xc__subs *s = mk(3, 0, 0, 1000);
  char t[16];
  for (int i = 0; i < 8; i++) {
    snprintf(t, sizeof t, "t%d", i);
    add(s, t, true);
  }
  add(s, "t0", false);
  assert_int_equal(xc__subs_refs(s, "t0"), 2);
  assert_int_equal(xc__subs_count(s), 8);
  const char *tp[16];
  bool sub;
  uint64_t id[3], wait;
  size_t n0 = xc__subs_next(s, 0, &sub, tp, 16, &id[0], &wait);
  assert_int_equal(n0, 3);
  assert_true(sub);
  assert_string_equal(tp[0], "t0");
  size_t n1 = xc__subs_next(s, 0, &sub, tp, 16, &id[1], &wait);
  size_t n2 = xc__subs_next(s, 0, &sub, tp, 2, &id[2], &wait); /* caller cap smaller */
  assert_int_equal(n1, 3);
  assert_int_equal(n2, 2);
  assert_int_equal(xc__subs_next(s, 0, &sub, tp, 16, &id[0], &wait), 0);
  assert_int_equal(wait, 0);
  assert_true(id[0] != id[1] && id[1] != id[2]);
  assert_false(xc__subs_settled(s));
  g_ok = g_bad = 0;
  assert_true(xc__subs_on_reply(s, id[1], true, count, NULL));
  assert_true(xc__subs_on_reply(s, id[2], false, count, NULL));
  assert_false(xc__subs_on_reply(s, id[2], true, count, NULL)); /* already settled */
  assert_false(xc__subs_on_reply(s, 9999, true, count, NULL));
  assert_int_equal(g_ok, 3);
  assert_int_equal(g_bad, 2);
  assert_int_equal(xc__subs_state(s, "t6"), XC__SUB_REFUSED);
  assert_false(xc__subs_settled(s));
  /* reconnect: everything desired is unsent again, the old id is stale */
  xc__subs_reset(s);
  assert_false(xc__subs_on_reply(s, id[0], true, count, NULL));
  size_t total = 0;
  uint64_t rid;
  size_t n;
  while ((n = xc__subs_next(s, 10, &sub, tp, 16, &rid, &wait)) > 0) {
    total += n;
    assert_true(xc__subs_on_reply(s, rid, true, NULL, NULL));
  }
  assert_int_equal(total, 8); /* each topic exactly once */
  assert_true(xc__subs_settled(s));
  assert_int_equal(xc__subs_confirmed(s), 8);
  xc__subs_free(s);
}

static void test_rate_limit(void **st) {
  (void)st;
  xc__subs *s = mk(1, 0, 5, 10000);
  char t[16];
  for (int i = 0; i < 12; i++) {
    snprintf(t, sizeof t, "t%d", i);
    add(s, t, true);
  }
  const char *tp[4];
  bool sub;
  uint64_t id, wait;
  int sent = 0;
  for (int i = 0; i < 5; i++) sent += xc__subs_next(s, 1000 + (uint64_t)i * 10, &sub, tp, 4, &id, &wait) == 1;
  assert_int_equal(sent, 5);
  assert_int_equal(xc__subs_next(s, 1100, &sub, tp, 4, &id, &wait), 0);
  assert_int_equal(wait, 900); /* the first send (t=1000) leaves the window at 2000 */
  assert_int_equal(xc__subs_next(s, 1999, &sub, tp, 4, &id, &wait), 0);
  assert_int_equal(wait, 1);
  assert_int_equal(xc__subs_next(s, 2000, &sub, tp, 4, &id, &wait), 1);
  assert_int_equal(xc__subs_next(s, 2000, &sub, tp, 4, &id, &wait), 0);
  assert_int_equal(wait, 10);
  xc__subs_free(s);
}

static void test_leave_and_readd(void **st) {
  (void)st;
  xc__subs *s = mk(10, 0, 0, 1000);
  const char *tp[10];
  bool sub, last;
  uint64_t id, id2, wait;
  add(s, "a", true);
  add(s, "b", true);
  assert_int_equal(xc__subs_next(s, 0, &sub, tp, 10, &id, &wait), 2);
  /* "a" leaves while its subscribe is in flight: unsubscribe after the confirmation */
  assert_int_equal(xc__subs_remove(s, "a", &last), XC_OK);
  assert_true(last);
  assert_int_equal(xc__subs_next(s, 0, &sub, tp, 10, &id2, &wait), 0);
  assert_true(xc__subs_on_reply(s, id, true, NULL, NULL));
  assert_int_equal(xc__subs_next(s, 0, &sub, tp, 10, &id2, &wait), 1);
  assert_false(sub);
  assert_string_equal(tp[0], "a");
  /* re-added while the unsubscribe is in flight: subscribed again after it */
  add(s, "a", true);
  assert_int_equal(xc__subs_next(s, 0, &sub, tp, 10, &id, &wait), 0);
  assert_true(xc__subs_on_reply(s, id2, true, NULL, NULL));
  assert_int_equal(xc__subs_next(s, 0, &sub, tp, 10, &id, &wait), 1);
  assert_true(sub);
  assert_true(xc__subs_on_reply(s, id, true, NULL, NULL));
  assert_true(xc__subs_settled(s));
  /* confirmed topic removed and re-added before the unsubscribe went out: nothing to send */
  assert_int_equal(xc__subs_remove(s, "b", &last), XC_OK);
  add(s, "b", true);
  assert_int_equal(xc__subs_next(s, 0, &sub, tp, 10, &id, &wait), 0);
  assert_int_equal(xc__subs_state(s, "b"), XC__SUB_CONFIRMED);
  /* never sent: removal forgets it */
  add(s, "c", true);
  assert_int_equal(xc__subs_remove(s, "c", &last), XC_OK);
  assert_int_equal(xc__subs_state(s, "c"), -1);
  assert_int_equal(xc__subs_remove(s, "zzz", &last), XC_ENOTFOUND);
  xc__subs_free(s);
}

static void test_timeout_resend_and_cap(void **st) {
  (void)st;
  xc__subs *s = mk(10, 2, 0, 500);
  const char *tp[10];
  bool sub, first;
  uint64_t id, id2, wait;
  add(s, "a", true);
  add(s, "b", true);
  assert_int_equal(xc__subs_add(s, "c", &first), XC_EFULL);
  assert_int_equal(xc__subs_add(s, "", &first), XC_EINVAL);
  assert_int_equal(xc__subs_next(s, 100, &sub, tp, 10, &id, &wait), 2);
  assert_int_equal(xc__subs_next(s, 599, &sub, tp, 10, &id2, &wait), 0);
  assert_int_equal(xc__subs_next(s, 600, &sub, tp, 10, &id2, &wait), 2); /* resent */
  assert_true(id2 != id);
  assert_false(xc__subs_on_reply(s, id, true, NULL, NULL)); /* the late reply is stale */
  assert_true(xc__subs_on_reply(s, id2, true, NULL, NULL));
  assert_true(xc__subs_settled(s));
  /* clone: same desired set, all unsent */
  xc__subs *c;
  assert_int_equal(xc__subs_clone(s, &c), XC_OK);
  assert_int_equal(xc__subs_count(c), 2);
  assert_int_equal(xc__subs_state(c, "a"), XC__SUB_UNSENT);
  assert_int_equal(xc__subs_next(c, 0, &sub, tp, 10, &id, &wait), 2);
  xc__subs_free(c);
  xc__subs_free(s);
}

static void test_resubscribe(void **st) {
  (void)st;
  xc__subs *s = mk(10, 0, 0, 1000);
  const char *tp[10];
  bool sub;
  uint64_t id, wait;
  add(s, "book", true);
  assert_int_equal(xc__subs_resubscribe(s, "nope"), XC_ENOTFOUND);
  assert_int_equal(xc__subs_resubscribe(s, "book"), XC_OK); /* not confirmed yet: no-op */
  assert_int_equal(xc__subs_next(s, 0, &sub, tp, 10, &id, &wait), 1);
  assert_true(sub);
  assert_true(xc__subs_on_reply(s, id, true, NULL, NULL));
  assert_int_equal(xc__subs_resubscribe(s, "book"), XC_OK);
  assert_int_equal(xc__subs_next(s, 0, &sub, tp, 10, &id, &wait), 1);
  assert_false(sub);
  assert_int_equal(xc__subs_next(s, 0, &sub, tp, 10, &id, &wait), 0);
  assert_true(xc__subs_on_reply(s, id, true, NULL, NULL));
  assert_int_equal(xc__subs_next(s, 0, &sub, tp, 10, &id, &wait), 1);
  assert_true(sub);
  assert_true(xc__subs_on_reply(s, id, true, NULL, NULL));
  assert_int_equal(xc__subs_state(s, "book"), XC__SUB_CONFIRMED);
  assert_int_equal(xc__subs_refs(s, "book"), 1);
  /* resubscribe, then the last reference leaves before the unsubscribe went out: just leave */
  bool last;
  assert_int_equal(xc__subs_resubscribe(s, "book"), XC_OK);
  assert_int_equal(xc__subs_remove(s, "book", &last), XC_OK);
  assert_int_equal(xc__subs_next(s, 0, &sub, tp, 10, &id, &wait), 1);
  assert_false(sub);
  assert_true(xc__subs_on_reply(s, id, true, NULL, NULL));
  assert_int_equal(xc__subs_state(s, "book"), -1);
  xc__subs_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_batching_and_replies),
      cmocka_unit_test(test_rate_limit),
      cmocka_unit_test(test_leave_and_readd),
      cmocka_unit_test(test_timeout_resend_and_cap),
      cmocka_unit_test(test_resubscribe),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
