/* Order tracker (orders/tracker.h): duplicates, reordering, reconciliation, unknown outcomes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "orders/tracker.h"
#include "testutil.h"

typedef struct rec_ev {
  bool is_fill;
  xc_order_status st;
  char id[XC_ID_MAX];  /* trade id for fills, client id for orders */
  xc_dec filled;
} rec_ev;

typedef struct sink {
  rec_ev ev[4096];
  size_t n;
} sink;

static void on_emit(void *user, const xc_order *o, const xc_fill *f) {
  sink *s = user;
  assert_true(s->n < 4096);
  rec_ev *e = &s->ev[s->n++];
  memset(e, 0, sizeof *e);
  e->is_fill = f != NULL;
  if (f) {
    snprintf(e->id, sizeof e->id, "%s", f->trade_id);
  } else {
    e->st = o->status;
    snprintf(e->id, sizeof e->id, "%s", o->client_id);
    e->filled = o->filled_qty;
  }
}

static xc_dec D(const char *s) {
  xc_dec d;
  assert_int_equal(xc_dec_from_cstr(s, &d), XC_OK);
  return d;
}

static xc_order ord(const char *cid, const char *oid, xc_order_status st, const char *qty, const char *filled) {
  xc_order o;
  memset(&o, 0, sizeof o);
  o.venue = XC_VENUE_BINANCE;
  o.market = XC_MARKET_SPOT;
  strcpy(o.symbol, "BTCUSDT");
  snprintf(o.client_id, sizeof o.client_id, "%s", cid);
  snprintf(o.order_id, sizeof o.order_id, "%s", oid);
  o.side = XC_SIDE_BUY;
  o.type = XC_ORDER_LIMIT;
  o.status = st;
  o.qty = D(qty);
  o.price = D("100");
  o.filled_qty = D(filled);
  return o;
}

static xc_fill fil(const char *oid, const char *tid, const char *qty) {
  xc_fill f;
  memset(&f, 0, sizeof f);
  f.venue = XC_VENUE_BINANCE;
  strcpy(f.symbol, "BTCUSDT");
  snprintf(f.order_id, sizeof f.order_id, "%s", oid);
  snprintf(f.trade_id, sizeof f.trade_id, "%s", tid);
  f.qty = D(qty);
  f.price = D("100");
  return f;
}

static xc_tracker *mk(sink *s, size_t max_orders) {
  xc_tracker_opts o;
  xc_tracker_opts_default(&o);
  o.emit = on_emit;
  o.user = s;
  o.max_orders = max_orders;
  xc_tracker *t;
  assert_int_equal(xc_tracker_new(&o, &t), XC_OK);
  return t;
}

/* Statuses emitted for each order form a legal path with a non-decreasing filled quantity (a repeated
 * status only when the quantity grew); every fill is emitted once. */
static void check_stream(const sink *s) {
  for (size_t i = 0; i < s->n; i++) {
    const rec_ev *e = &s->ev[i];
    if (e->is_fill) {
      for (size_t k = 0; k < i; k++)
        if (s->ev[k].is_fill) assert_string_not_equal(s->ev[k].id, e->id);
      continue;
    }
    const rec_ev *prev = NULL;
    for (size_t k = i; k-- > 0;)
      if (!s->ev[k].is_fill && strcmp(s->ev[k].id, e->id) == 0) {
        prev = &s->ev[k];
        break;
      }
    if (!prev) continue;
    assert_true(xc_order_transition_legal(prev->st, e->st));
    assert_true(xc_dec_cmp(e->filled, prev->filled) >= 0);
    if (e->st == prev->st) assert_true(xc_dec_cmp(e->filled, prev->filled) > 0);
  }
}

static void test_lifecycle_dups(void **state) {
  (void)state;
  sink s = {0};
  xc_tracker *t = mk(&s, 16);
  xc_order o = ord("c1", "", XC_ORDER_PENDING_NEW, "3", "0");
  assert_int_equal(xc_tracker_submitted(t, &o), XC_OK);
  assert_int_equal(xc_tracker_submitted(t, &o), XC_EDUPLICATE);
  xc_order u = ord("c1", "7", XC_ORDER_NEW, "3", "0");
  assert_int_equal(xc_tracker_apply(t, &u, NULL, NULL), XC_OK);
  assert_int_equal(xc_tracker_apply(t, &u, NULL, NULL), XC_EDUPLICATE); /* same message twice */
  xc_order p1 = ord("c1", "7", XC_ORDER_PARTIALLY_FILLED, "3", "1");
  xc_fill f1 = fil("7", "100", "1");
  assert_int_equal(xc_tracker_apply(t, &p1, &f1, NULL), XC_OK);
  assert_int_equal(xc_tracker_apply(t, &p1, &f1, NULL), XC_EDUPLICATE);
  assert_int_equal(xc_tracker_apply(t, NULL, &f1, NULL), XC_EDUPLICATE); /* same fill from REST */
  xc_order fi = ord("c1", "7", XC_ORDER_FILLED, "3", "3");
  xc_fill f2 = fil("7", "101", "2");
  assert_int_equal(xc_tracker_apply(t, &fi, &f2, NULL), XC_OK);
  /* 5: PN, NEW, fill100, PF, fill101, FILLED */
  assert_int_equal(s.n, 6);
  assert_int_equal(s.ev[0].st, XC_ORDER_PENDING_NEW);
  assert_int_equal(s.ev[1].st, XC_ORDER_NEW);
  assert_true(s.ev[2].is_fill);
  assert_int_equal(s.ev[3].st, XC_ORDER_PARTIALLY_FILLED);
  assert_true(s.ev[4].is_fill);
  assert_int_equal(s.ev[5].st, XC_ORDER_FILLED);
  assert_true(xc_dec_eq(s.ev[5].filled, D("3")));
  xc_order g;
  assert_int_equal(xc_tracker_get(t, "BTCUSDT", "7", NULL, &g), XC_OK);
  assert_string_equal(g.client_id, "c1");
  assert_int_equal(g.status, XC_ORDER_FILLED);
  xc_tracker_free(t);
}

static void test_reordered(void **state) {
  (void)state;
  sink s = {0};
  xc_tracker *t = mk(&s, 16);
  xc_order o = ord("c1", "", XC_ORDER_PENDING_NEW, "3", "0");
  assert_int_equal(xc_tracker_submitted(t, &o), XC_OK);
  /* FILLED (with the 2nd fill) arrives before NEW and the 1st partial fill */
  xc_order fi = ord("c1", "7", XC_ORDER_FILLED, "3", "3");
  xc_fill f2 = fil("7", "101", "2");
  xc_order p1 = ord("c1", "7", XC_ORDER_PARTIALLY_FILLED, "3", "1");
  xc_fill f1 = fil("7", "100", "1");
  xc_order nw = ord("c1", "7", XC_ORDER_NEW, "3", "0");
  assert_int_equal(xc_tracker_apply(t, &fi, &f2, NULL), XC_OK);
  const char *why;
  assert_int_equal(xc_tracker_apply(t, &p1, &f1, &why), XC_OK); /* its fill is new: emitted */
  assert_string_equal(why, "stale update dropped: partially_filled after filled");
  assert_int_equal(xc_tracker_apply(t, &nw, NULL, &why), XC_ESTATE);
  assert_non_null(strstr(why, "stale"));
  check_stream(&s);
  size_t fills = 0;
  for (size_t i = 0; i < s.n; i++) fills += s.ev[i].is_fill;
  assert_int_equal(fills, 2);
  assert_int_equal(s.ev[s.n - 1].is_fill, true);
  xc_tracker_stats st;
  xc_tracker_get_stats(t, &st);
  assert_int_equal(st.dropped_stale, 2);
  xc_tracker_free(t);
}

/* Random shuffles with duplicates of a 6-message lifecycle: each fill once, a legal status path,
 * the final status FILLED with the full quantity. */
static void test_shuffled_property(void **state) {
  (void)state;
  uint64_t rs = 42;
  for (int iter = 0; iter < 500; iter++) {
    sink s = {0};
    xc_tracker *t = mk(&s, 8);
    xc_order o = ord("c1", "", XC_ORDER_PENDING_NEW, "4", "0");
    assert_int_equal(xc_tracker_submitted(t, &o), XC_OK);
    xc_order msgs[5] = {ord("c1", "9", XC_ORDER_NEW, "4", "0"), ord("c1", "9", XC_ORDER_PARTIALLY_FILLED, "4", "1"),
                        ord("c1", "9", XC_ORDER_PARTIALLY_FILLED, "4", "2"),
                        ord("c1", "9", XC_ORDER_PARTIALLY_FILLED, "4", "3"), ord("c1", "9", XC_ORDER_FILLED, "4", "4")};
    xc_fill fills[5] = {{0}, fil("9", "1", "1"), fil("9", "2", "1"), fil("9", "3", "1"), fil("9", "4", "1")};
    int seq[12];
    int n = 0;
    for (int i = 0; i < 5; i++) seq[n++] = i;
    for (int i = 0; i < 4; i++) seq[n++] = (int)(xc_test_rand(&rs) % 5); /* duplicates */
    for (int i = n - 1; i > 0; i--) {
      int k = (int)(xc_test_rand(&rs) % (uint64_t)(i + 1));
      int tmp = seq[i];
      seq[i] = seq[k];
      seq[k] = tmp;
    }
    for (int i = 0; i < n; i++) (void)xc_tracker_apply(t, &msgs[seq[i]], seq[i] ? &fills[seq[i]] : NULL, NULL);
    check_stream(&s);
    size_t nf = 0;
    for (size_t i = 0; i < s.n; i++) nf += s.ev[i].is_fill;
    assert_int_equal(nf, 4);
    xc_order g;
    assert_int_equal(xc_tracker_get(t, "BTCUSDT", "9", NULL, &g), XC_OK);
    assert_int_equal(g.status, XC_ORDER_FILLED);
    assert_true(xc_dec_eq(g.filled_qty, D("4")));
    xc_tracker_free(t);
  }
}

/* After a reconnect: REST trades (one already seen live) then open orders; an order that ended
 * while disconnected is reported missing and its query result closes it. */
static void test_reconcile(void **state) {
  (void)state;
  sink s = {0};
  xc_tracker *t = mk(&s, 16);
  xc_order a = ord("a", "", XC_ORDER_PENDING_NEW, "2", "0");
  xc_order b = ord("b", "", XC_ORDER_PENDING_NEW, "2", "0");
  assert_int_equal(xc_tracker_submitted(t, &a), XC_OK);
  assert_int_equal(xc_tracker_submitted(t, &b), XC_OK);
  xc_order an = ord("a", "1", XC_ORDER_NEW, "2", "0"), bn = ord("b", "2", XC_ORDER_NEW, "2", "0");
  xc_fill fa1 = fil("1", "10", "1");
  xc_order ap = ord("a", "1", XC_ORDER_PARTIALLY_FILLED, "2", "1");
  assert_int_equal(xc_tracker_apply(t, &an, NULL, NULL), XC_OK);
  assert_int_equal(xc_tracker_apply(t, &bn, NULL, NULL), XC_OK);
  assert_int_equal(xc_tracker_apply(t, &ap, &fa1, NULL), XC_OK);
  size_t before = s.n;
  /* --- disconnected: a got its 2nd fill and filled; b got one fill and is still open --- */
  xc_fill fa2 = fil("1", "11", "1"), fb1 = fil("2", "12", "1");
  assert_int_equal(xc_tracker_apply(t, NULL, &fa1, NULL), XC_EDUPLICATE); /* trade list repeats it */
  assert_int_equal(xc_tracker_apply(t, NULL, &fa2, NULL), XC_OK);
  assert_int_equal(xc_tracker_apply(t, NULL, &fb1, NULL), XC_OK);
  xc_order open[1] = {ord("b", "2", XC_ORDER_PARTIALLY_FILLED, "2", "1")};
  assert_int_equal(xc_tracker_apply(t, &open[0], NULL, NULL), XC_EDUPLICATE); /* already PF via fill */
  xc_order miss[4];
  assert_int_equal(xc_tracker_missing(t, "BTCUSDT", open, 1, miss, 4), 1);
  assert_string_equal(miss[0].client_id, "a");
  xc_order aq = ord("a", "1", XC_ORDER_FILLED, "2", "2");
  assert_int_equal(xc_tracker_apply(t, &aq, NULL, NULL), XC_OK);
  assert_int_equal(xc_tracker_missing(t, "BTCUSDT", open, 1, miss, 4), 0);
  /* emitted after the reconnect: fill 11, a PF (filled 1 -> 2), fill 12, b PF, a FILLED */
  assert_int_equal(s.n - before, 5);
  assert_true(s.ev[before].is_fill && s.ev[before + 2].is_fill);
  assert_int_equal(s.ev[before + 4].st, XC_ORDER_FILLED);
  check_stream(&s);
  /* the live stream then replays fill 12 and b's PF: nothing new */
  xc_order bp = ord("b", "2", XC_ORDER_PARTIALLY_FILLED, "2", "1");
  assert_int_equal(xc_tracker_apply(t, &bp, &fb1, NULL), XC_EDUPLICATE);
  xc_tracker_free(t);
}

static void test_unknown_outcome(void **state) {
  (void)state;
  sink s = {0};
  xc_tracker *t = mk(&s, 16);
  xc_order a = ord("a", "", XC_ORDER_PENDING_NEW, "1", "0");
  xc_order b = ord("b", "", XC_ORDER_PENDING_NEW, "1", "0");
  assert_int_equal(xc_tracker_submitted(t, &a), XC_OK);
  assert_int_equal(xc_tracker_submitted(t, &b), XC_OK);
  assert_int_equal(xc_tracker_outcome_unknown(t, "BTCUSDT", "a"), XC_OK);
  assert_int_equal(xc_tracker_outcome_unknown(t, "BTCUSDT", "b"), XC_OK);
  xc_order un[4];
  assert_int_equal(xc_tracker_unresolved(t, un, 4), 2);
  /* the query finds a (it was placed), b is unknown to the venue */
  xc_order aq = ord("a", "5", XC_ORDER_NEW, "1", "0");
  assert_int_equal(xc_tracker_apply(t, &aq, NULL, NULL), XC_OK);
  assert_int_equal(xc_tracker_not_found(t, "BTCUSDT", "b"), XC_OK);
  assert_int_equal(xc_tracker_unresolved(t, un, 4), 0);
  xc_order g;
  assert_int_equal(xc_tracker_get(t, "BTCUSDT", NULL, "b", &g), XC_OK);
  assert_int_equal(g.status, XC_ORDER_REJECTED);
  assert_int_equal(xc_tracker_get(t, "BTCUSDT", NULL, "a", &g), XC_OK);
  assert_string_equal(g.order_id, "5");
  assert_int_equal(xc_tracker_not_found(t, "BTCUSDT", "a"), XC_OK); /* no effect on a live order */
  assert_int_equal(xc_tracker_get(t, "BTCUSDT", NULL, "a", &g), XC_OK);
  assert_int_equal(g.status, XC_ORDER_NEW);
  xc_tracker_free(t);
}

static void test_cancel_and_bounds(void **state) {
  (void)state;
  sink s = {0};
  xc_tracker *t = mk(&s, 2);
  xc_order a = ord("a", "1", XC_ORDER_NEW, "1", "0");
  assert_int_equal(xc_tracker_apply(t, &a, NULL, NULL), XC_OK); /* adopted */
  assert_int_equal(xc_tracker_cancel_requested(t, "BTCUSDT", "1", NULL), XC_OK);
  assert_int_equal(s.ev[s.n - 1].st, XC_ORDER_PENDING_CANCEL);
  assert_int_equal(xc_tracker_cancel_failed(t, "BTCUSDT", "1", NULL), XC_OK);
  assert_int_equal(s.ev[s.n - 1].st, XC_ORDER_NEW);
  assert_int_equal(xc_tracker_cancel_requested(t, "BTCUSDT", NULL, "a"), XC_OK);
  xc_order c = ord("a", "1", XC_ORDER_CANCELED, "1", "0");
  assert_int_equal(xc_tracker_apply(t, &c, NULL, NULL), XC_OK);
  assert_int_equal(xc_tracker_cancel_requested(t, "BTCUSDT", "9", NULL), XC_ENOTFOUND);
  xc_order b = ord("b", "2", XC_ORDER_NEW, "1", "0"), d = ord("d", "3", XC_ORDER_NEW, "1", "0"),
           e = ord("e", "4", XC_ORDER_NEW, "1", "0");
  assert_int_equal(xc_tracker_apply(t, &b, NULL, NULL), XC_OK);
  assert_int_equal(xc_tracker_apply(t, &d, NULL, NULL), XC_OK); /* evicts the canceled a */
  assert_int_equal(xc_tracker_apply(t, &e, NULL, NULL), XC_EFULL); /* both live */
  xc_tracker_stats st;
  xc_tracker_get_stats(t, &st);
  assert_int_equal(st.evicted, 1);
  assert_int_equal(st.tracked, 2);
  assert_int_equal(xc_tracker_live(t, NULL, 0), 2);
  /* a late update for the evicted (canceled) order a is dropped, not re-adopted as live */
  xc_order late = ord("a", "1", XC_ORDER_NEW, "1", "0");
  const char *why;
  assert_int_equal(xc_tracker_apply(t, &late, NULL, &why), XC_ESTATE);
  assert_non_null(strstr(why, "no longer tracked"));
  xc_order bad = ord("", "", XC_ORDER_NEW, "1", "0");
  assert_int_equal(xc_tracker_apply(t, &bad, NULL, NULL), XC_EINVAL);
  xc_tracker_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lifecycle_dups),   cmocka_unit_test(test_reordered),
      cmocka_unit_test(test_shuffled_property), cmocka_unit_test(test_reconcile),
      cmocka_unit_test(test_unknown_outcome),  cmocka_unit_test(test_cancel_and_bounds),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
