/* The unified order state machine: the legal-transition table, monotonic filled quantity, fills by
 * trade id, races seen on the venues, and the Binance / Bybit status maps. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>
#include "orders/fsm.h"

static xc_dec D(const char *s) {
  xc_dec d;
  assert_int_equal(xc_dec_from_cstr(s, &d), XC_OK);
  return d;
}

static void assert_dec(xc_dec d, const char *want) {
  char buf[XC_DEC_STR_MAX];
  assert_true(xc_dec_to_str(d, buf, sizeof buf) > 0);
  assert_string_equal(buf, want);
}

static const xc_order_status ALL[] = {XC_ORDER_PENDING_NEW, XC_ORDER_NEW,      XC_ORDER_PARTIALLY_FILLED,
                                      XC_ORDER_FILLED,      XC_ORDER_PENDING_CANCEL, XC_ORDER_CANCELED,
                                      XC_ORDER_REJECTED,    XC_ORDER_EXPIRED};
#define NALL (sizeof ALL / sizeof ALL[0])

/* The table, written out: rows = from, columns = to (order of ALL). */
static const char *const TABLE[NALL] = {
    /*           PN N PF F PC C R E */
    /* PN */ "11111111",
    /* N  */ "01111111",
    /* PF */ "00111101",
    /* F  */ "00010000",
    /* PC */ "01111101",
    /* C  */ "00000100",
    /* R  */ "00000010",
    /* E  */ "00000001",
};

static void test_transition_table(void **state) {
  (void)state;
  for (size_t i = 0; i < NALL; i++)
    for (size_t j = 0; j < NALL; j++) {
      bool want = TABLE[i][j] == '1';
      if (xc_order_transition_legal(ALL[i], ALL[j]) != want)
        fail_msg("%s -> %s should be %s", xc_order_status_name(ALL[i]), xc_order_status_name(ALL[j]),
                 want ? "legal" : "illegal");
    }
  assert_false(xc_order_transition_legal((xc_order_status)8, XC_ORDER_NEW));
  assert_false(xc_order_transition_legal(XC_ORDER_NEW, (xc_order_status)-1));
}

/* Every (from, to) through apply(): illegal ones return XC_ESTATE and change nothing; terminal
 * statuses stick. */
static void test_apply_all_pairs(void **state) {
  (void)state;
  for (size_t i = 0; i < NALL; i++)
    for (size_t j = 0; j < NALL; j++) {
      xc_order_fsm f;
      xc_dec filled = ALL[i] == XC_ORDER_PARTIALLY_FILLED ? D("1") : XC_DEC_ZERO;
      assert_int_equal(xc_order_fsm_init_at(&f, D("5"), ALL[i], filled), XC_OK);
      xc_dec cum = filled;
      unsigned ch = 99;
      xc_status st = xc_order_fsm_apply(&f, ALL[j], &cum, &ch);
      bool legal = TABLE[i][j] == '1';
      if (!legal) {
        assert_int_equal(st, XC_ESTATE);
        assert_int_equal(f.status, ALL[i]);
        assert_int_equal(ch, 0);
      } else {
        assert_int_equal(st, XC_OK);
        if (ALL[i] == XC_ORDER_PENDING_CANCEL &&
            (ALL[j] == XC_ORDER_NEW || ALL[j] == XC_ORDER_PARTIALLY_FILLED)) {
          assert_int_equal(f.status, XC_ORDER_PENDING_CANCEL); /* our cancel is still in flight */
        } else {
          assert_int_equal(f.status, ALL[j]);
          assert_int_equal(ch, i == j ? 0u : XC_FSM_STATUS_CHANGED);
        }
      }
    }
}

/* A normal life: ack, partial fills (cum from the order stream and fills from the trade stream in
 * either order), filled. Quantity never goes backwards. */
static void test_lifecycle(void **state) {
  (void)state;
  xc_dedup *seen;
  assert_int_equal(xc_dedup_new(64, &seen), XC_OK);
  xc_order_fsm f;
  xc_order_fsm_init(&f, D("1.000"));
  assert_int_equal(f.status, XC_ORDER_PENDING_NEW);
  unsigned ch;
  xc_dec z = D("0");
  assert_int_equal(xc_order_fsm_apply(&f, XC_ORDER_NEW, &z, &ch), XC_OK);
  assert_int_equal(ch, XC_FSM_STATUS_CHANGED);
  /* trade stream first: fill 0.3 (trade 101) */
  assert_int_equal(xc_order_fsm_fill(&f, seen, "BTCUSDT:101", 11, D("0.3"), &ch), XC_OK);
  assert_int_equal(ch, XC_FSM_STATUS_CHANGED | XC_FSM_FILLED_CHANGED);
  assert_int_equal(f.status, XC_ORDER_PARTIALLY_FILLED);
  assert_dec(f.filled, "0.3");
  /* the same fill again (reconnect replay): suppressed */
  assert_int_equal(xc_order_fsm_fill(&f, seen, "BTCUSDT:101", 11, D("0.3"), &ch), XC_EDUPLICATE);
  assert_int_equal(ch, 0);
  assert_dec(f.filled, "0.3");
  /* the order stream catches up: PF with cum 0.3: nothing new */
  xc_dec c = D("0.30");
  assert_int_equal(xc_order_fsm_apply(&f, XC_ORDER_PARTIALLY_FILLED, &c, &ch), XC_OK);
  assert_int_equal(ch, 0);
  /* the order stream runs ahead: cum 0.7 */
  c = D("0.7");
  assert_int_equal(xc_order_fsm_apply(&f, XC_ORDER_PARTIALLY_FILLED, &c, &ch), XC_OK);
  assert_int_equal(ch, XC_FSM_FILLED_CHANGED);
  assert_dec(f.filled, "0.7");
  /* the fill for it arrives late: counted in the sum, filled stays 0.7 */
  assert_int_equal(xc_order_fsm_fill(&f, seen, "BTCUSDT:102", 11, D("0.4"), &ch), XC_OK);
  assert_int_equal(ch, 0);
  assert_dec(f.filled, "0.7");
  /* a stale order update (cum 0.3, NEW) is a step backwards: refused */
  c = D("0.3");
  assert_int_equal(xc_order_fsm_apply(&f, XC_ORDER_NEW, &c, &ch), XC_ESTATE);
  /* an older PF with a lower cum: quantity stays */
  assert_int_equal(xc_order_fsm_apply(&f, XC_ORDER_PARTIALLY_FILLED, &c, &ch), XC_OK);
  assert_int_equal(ch, 0);
  assert_dec(f.filled, "0.7");
  /* the last fill, then FILLED */
  assert_int_equal(xc_order_fsm_fill(&f, seen, "BTCUSDT:103", 11, D("0.3"), &ch), XC_OK);
  assert_int_equal(ch, XC_FSM_FILLED_CHANGED);
  assert_dec(f.filled, "1");
  assert_int_equal(f.status, XC_ORDER_PARTIALLY_FILLED); /* FILLED comes from the venue */
  c = D("1");
  assert_int_equal(xc_order_fsm_apply(&f, XC_ORDER_FILLED, &c, &ch), XC_OK);
  assert_int_equal(ch, XC_FSM_STATUS_CHANGED);
  assert_true(xc_order_fsm_is_final(&f));
  assert_int_equal(f.n_fills, 3);
  /* Bybit's cancel/fill race sends Filled twice: a repeat */
  assert_int_equal(xc_order_fsm_apply(&f, XC_ORDER_FILLED, &c, &ch), XC_OK);
  assert_int_equal(ch, 0);
  /* and nothing leaves FILLED */
  assert_int_equal(xc_order_fsm_apply(&f, XC_ORDER_CANCELED, &c, &ch), XC_ESTATE);
  assert_int_equal(f.status, XC_ORDER_FILLED);
  xc_dedup_free(seen);
}

/* Taker orders skip states: PENDING_NEW -> FILLED in one message; NEW with fills reads as PF. */
static void test_skips(void **state) {
  (void)state;
  xc_order_fsm f;
  unsigned ch;
  xc_order_fsm_init(&f, D("2"));
  xc_dec c = D("2");
  assert_int_equal(xc_order_fsm_apply(&f, XC_ORDER_FILLED, &c, &ch), XC_OK);
  assert_int_equal(f.status, XC_ORDER_FILLED);
  assert_int_equal(ch, XC_FSM_STATUS_CHANGED | XC_FSM_FILLED_CHANGED);
  xc_order_fsm_init(&f, D("2"));
  c = D("0.5");
  assert_int_equal(xc_order_fsm_apply(&f, XC_ORDER_NEW, &c, &ch), XC_OK);
  assert_int_equal(f.status, XC_ORDER_PARTIALLY_FILLED);
  /* IOC remainder expires after a partial fill: Binance EXPIRED / Bybit Cancelled */
  c = D("0.5");
  assert_int_equal(xc_order_fsm_apply(&f, XC_ORDER_EXPIRED, &c, &ch), XC_OK);
  assert_int_equal(f.status, XC_ORDER_EXPIRED);
  assert_dec(f.filled, "0.5");
  /* rejected straight from creation; a fill on a rejected order is refused */
  xc_order_fsm_init(&f, D("2"));
  assert_int_equal(xc_order_fsm_apply(&f, XC_ORDER_REJECTED, NULL, &ch), XC_OK);
  assert_int_equal(xc_order_fsm_fill(&f, NULL, "1", 1, D("1"), &ch), XC_ESTATE);
  /* bad inputs */
  xc_dec neg = D("-1");
  assert_int_equal(xc_order_fsm_apply(&f, XC_ORDER_NEW, &neg, &ch), XC_EINVAL);
  assert_int_equal(xc_order_fsm_apply(&f, (xc_order_status)42, NULL, &ch), XC_EINVAL);
  assert_int_equal(xc_order_fsm_fill(&f, NULL, "1", 1, D("0"), &ch), XC_EINVAL);
  assert_int_equal(xc_order_fsm_init_at(&f, D("1"), (xc_order_status)9, XC_DEC_ZERO), XC_EINVAL);
}

/* Cancel: requested -> pending; live updates keep it pending; fills during it count; CANCELED ends
 * it; a failed cancel returns to where it was; a fill racing a cancel after CANCELED is counted. */
static void test_cancel_flow(void **state) {
  (void)state;
  xc_dedup *seen;
  assert_int_equal(xc_dedup_new(8, &seen), XC_OK);
  xc_order_fsm f;
  unsigned ch;
  xc_order_fsm_init(&f, D("3"));
  assert_int_equal(xc_order_fsm_apply(&f, XC_ORDER_NEW, NULL, &ch), XC_OK);
  assert_int_equal(xc_order_fsm_cancel_requested(&f), XC_OK);
  assert_int_equal(f.status, XC_ORDER_PENDING_CANCEL);
  assert_int_equal(xc_order_fsm_cancel_requested(&f), XC_OK); /* idempotent */
  /* an order update sent before the cancel arrives: still pending */
  assert_int_equal(xc_order_fsm_apply(&f, XC_ORDER_NEW, NULL, &ch), XC_OK);
  assert_int_equal(f.status, XC_ORDER_PENDING_CANCEL);
  /* a fill during the cancel */
  assert_int_equal(xc_order_fsm_fill(&f, seen, "e1", 2, D("1"), &ch), XC_OK);
  assert_int_equal(f.status, XC_ORDER_PENDING_CANCEL);
  assert_dec(f.filled, "1");
  /* the cancel fails (too late / unknown order): back to PF since it has fills */
  assert_int_equal(xc_order_fsm_cancel_failed(&f), XC_OK);
  assert_int_equal(f.status, XC_ORDER_PARTIALLY_FILLED);
  /* again, and this time it lands; Bybit derivatives: Cancelled carrying fills */
  assert_int_equal(xc_order_fsm_cancel_requested(&f), XC_OK);
  xc_dec c = D("1.5");
  assert_int_equal(xc_order_fsm_apply(&f, XC_ORDER_CANCELED, &c, &ch), XC_OK);
  assert_int_equal(f.status, XC_ORDER_CANCELED);
  assert_dec(f.filled, "1.5");
  /* the execution for the 0.5 arrives after the Cancelled message: counted, no status change */
  assert_int_equal(xc_order_fsm_fill(&f, seen, "e2", 2, D("0.5"), &ch), XC_OK);
  assert_int_equal(ch, 0);
  assert_dec(f.filled, "1.5");
  /* an unseen extra fill after the cancel raises the quantity but never the status */
  assert_int_equal(xc_order_fsm_fill(&f, seen, "e3", 2, D("0.25"), &ch), XC_OK);
  assert_int_equal(ch, XC_FSM_FILLED_CHANGED);
  assert_dec(f.filled, "1.75");
  assert_int_equal(f.status, XC_ORDER_CANCELED);
  assert_int_equal(xc_order_fsm_cancel_requested(&f), XC_ESTATE);
  /* cancel failed with nothing filled: back to NEW; from PENDING_NEW: back to PENDING_NEW */
  xc_order_fsm_init(&f, D("1"));
  assert_int_equal(xc_order_fsm_apply(&f, XC_ORDER_NEW, NULL, &ch), XC_OK);
  assert_int_equal(xc_order_fsm_cancel_requested(&f), XC_OK);
  assert_int_equal(xc_order_fsm_cancel_failed(&f), XC_OK);
  assert_int_equal(f.status, XC_ORDER_NEW);
  xc_order_fsm_init(&f, D("1"));
  assert_int_equal(xc_order_fsm_cancel_requested(&f), XC_OK);
  assert_int_equal(xc_order_fsm_cancel_failed(&f), XC_OK);
  assert_int_equal(f.status, XC_ORDER_PENDING_NEW);
  assert_int_equal(xc_order_fsm_set_qty(&f, D("2")), XC_OK);
  assert_dec(f.qty, "2");
  xc_dedup_free(seen);
}

/* Random update sequences: the filled quantity never decreases, a terminal status never changes,
 * and every applied status change is in the legal table. */
static void test_random_property(void **state) {
  (void)state;
  uint64_t seed = 77;
  xc_dedup *seen;
  assert_int_equal(xc_dedup_new(32, &seen), XC_OK);
  for (int run = 0; run < 2000; run++) {
    xc_order_fsm f;
    xc_order_fsm_init(&f, D("10"));
    xc_dedup_clear(seen);
    for (int k = 0; k < 30; k++) {
      xc_order_status before = f.status;
      xc_dec prev = f.filled;
      unsigned ch = 0;
      xc_status st;
      uint64_t r = xc_test_rand(&seed);
      if (r % 3 == 0) {
        char id[16];
        int n = snprintf(id, sizeof id, "t%u", (unsigned)(xc_test_rand(&seed) % 12));
        xc_dec q;
        assert_int_equal(xc_dec_from_i64((int64_t)(1 + xc_test_rand(&seed) % 9), -1, &q), XC_OK);
        st = xc_order_fsm_fill(&f, seen, id, (size_t)n, q, &ch);
        assert_true(st == XC_OK || st == XC_EDUPLICATE || st == XC_ESTATE);
      } else if (r % 3 == 1) {
        xc_order_status to = ALL[xc_test_rand(&seed) % NALL];
        xc_dec cum;
        assert_int_equal(xc_dec_from_i64((int64_t)(xc_test_rand(&seed) % 40), -1, &cum), XC_OK);
        st = xc_order_fsm_apply(&f, to, (xc_test_rand(&seed) & 1) ? &cum : NULL, &ch);
        assert_true(st == XC_OK || st == XC_ESTATE);
      } else {
        st = (xc_test_rand(&seed) & 1) ? xc_order_fsm_cancel_requested(&f) : xc_order_fsm_cancel_failed(&f);
      }
      assert_true(xc_dec_cmp(f.filled, prev) >= 0);
      if (xc_order_status_is_final(before)) assert_int_equal(f.status, before);
      if (f.status != before && !(before == XC_ORDER_PENDING_CANCEL)) assert_true(xc_order_transition_legal(before, f.status));
      if (st != XC_OK) {
        assert_int_equal(f.status, before);
        assert_true(xc_dec_eq(f.filled, prev));
      }
      /* a live order with fills is never NEW */
      if (xc_dec_sign(f.filled) > 0) assert_true(f.status != XC_ORDER_NEW);
    }
  }
  xc_dedup_free(seen);
}

static void test_venue_maps(void **state) {
  (void)state;
  struct {
    const char *s;
    xc_order_status st;
  } bn[] = {{"NEW", XC_ORDER_NEW},
            {"PARTIALLY_FILLED", XC_ORDER_PARTIALLY_FILLED},
            {"FILLED", XC_ORDER_FILLED},
            {"CANCELED", XC_ORDER_CANCELED},
            {"PENDING_CANCEL", XC_ORDER_PENDING_CANCEL},
            {"REJECTED", XC_ORDER_REJECTED},
            {"EXPIRED", XC_ORDER_EXPIRED},
            {"EXPIRED_IN_MATCH", XC_ORDER_EXPIRED},
            {"PENDING_NEW", XC_ORDER_PENDING_NEW}},
    bb[] = {{"New", XC_ORDER_NEW},
            {"PartiallyFilled", XC_ORDER_PARTIALLY_FILLED},
            {"Untriggered", XC_ORDER_NEW},
            {"Triggered", XC_ORDER_NEW},
            {"Rejected", XC_ORDER_REJECTED},
            {"PartiallyFilledCanceled", XC_ORDER_CANCELED},
            {"Filled", XC_ORDER_FILLED},
            {"Cancelled", XC_ORDER_CANCELED},
            {"Deactivated", XC_ORDER_CANCELED}};
  xc_order_status st;
  for (size_t i = 0; i < sizeof bn / sizeof bn[0]; i++) {
    assert_int_equal(xc_order_status_from_binance(bn[i].s, strlen(bn[i].s), &st), XC_OK);
    assert_int_equal(st, bn[i].st);
  }
  for (size_t i = 0; i < sizeof bb / sizeof bb[0]; i++) {
    assert_int_equal(xc_order_status_from_bybit(bb[i].s, strlen(bb[i].s), &st), XC_OK);
    assert_int_equal(st, bb[i].st);
  }
  assert_int_equal(xc_order_status_from_binance("new", 3, &st), XC_EPARSE);
  assert_int_equal(xc_order_status_from_binance("NEWX", 4, &st), XC_EPARSE);
  assert_int_equal(xc_order_status_from_binance("NEWX", 3, &st), XC_OK); /* length-delimited */
  assert_int_equal(xc_order_status_from_bybit("Canceled", 8, &st), XC_EPARSE);
  assert_int_equal(xc_order_status_from_bybit("", 0, &st), XC_EPARSE);
  /* round trips: unified -> venue -> unified */
  for (size_t i = 0; i < NALL; i++) {
    const char *s = xc_order_status_to_binance(ALL[i]);
    assert_non_null(s);
    assert_int_equal(xc_order_status_from_binance(s, strlen(s), &st), XC_OK);
    assert_int_equal(st, ALL[i]);
    s = xc_order_status_to_bybit(ALL[i], false, false);
    if (ALL[i] == XC_ORDER_PENDING_NEW || ALL[i] == XC_ORDER_PENDING_CANCEL) {
      assert_null(s);
      continue;
    }
    assert_int_equal(xc_order_status_from_bybit(s, strlen(s), &st), XC_OK);
    assert_int_equal(st, ALL[i] == XC_ORDER_EXPIRED ? XC_ORDER_CANCELED : ALL[i]);
  }
  assert_string_equal(xc_order_status_to_bybit(XC_ORDER_CANCELED, true, true), "PartiallyFilledCanceled");
  assert_string_equal(xc_order_status_to_bybit(XC_ORDER_CANCELED, false, true), "Cancelled");
  assert_string_equal(xc_order_status_to_bybit(XC_ORDER_EXPIRED, true, false), "Cancelled");
  assert_null(xc_order_status_to_binance((xc_order_status)99));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_transition_table), cmocka_unit_test(test_apply_all_pairs),
      cmocka_unit_test(test_lifecycle),        cmocka_unit_test(test_skips),
      cmocka_unit_test(test_cancel_flow),      cmocka_unit_test(test_random_property),
      cmocka_unit_test(test_venue_maps),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
