/* Property test of the procedures against a model exchange: a true book evolves under random
 * updates; its stream reaches the engine with injected drops, duplicates and late snapshots
 * (snapshots are taken from the true book when the engine asks and delivered a few messages
 * later); Bybit also gets u == 1 restarts. Checked on every message:
 *   - whenever the engine is LIVE at the true book's current id, its book equals the true book
 *     exactly (never silently wrong);
 *   - every dropped message is noticed (a resync or a snapshot request follows it) before the
 *     engine claims LIVE at a later id;
 * and at the end, after the faults stop, the engine is LIVE and equal to the true book. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book/book.h"
#include "book/depth.h"

#define NPX 120 /* bid prices 1..NPX, ask prices NPX+1..2*NPX: never crossed */

typedef struct model {
  long long qty[2 * NPX + 2]; /* by price */
  long long id;               /* last update id */
  long long pu;               /* futures: previous u */
} model;

static uint64_t rs;
static uint64_t rnd(uint64_t n) { return xc_test_rand(&rs) % n; }

static char out[1 << 15];

static int levels_json(char *o, const int *px, const long long *q, int n, bool bybit) {
  int l = 0;
  o[0] = 0;
  for (int i = 0; i < n; i++) {
    if (bybit) l += sprintf(o + l, "%s[\"%d.5\",\"%lld\"]", i ? "," : "", px[i], q[i]);
    else l += sprintf(o + l, "%s[\"%d.50000000\",\"%lld.00000000\"]", i ? "," : "", px[i], q[i]);
  }
  return l;
}

/* One random update of the true book, written as the venue's message into out. */
static size_t step(model *m, xc_book_venue v) {
  int pb[16], pa[16], nb = 0, na = 0;
  long long qb[16], qa[16];
  int n = 1 + (int)rnd(6);
  for (int i = 0; i < n; i++) {
    bool ask = rnd(2);
    int px = ask ? NPX + 1 + (int)rnd(NPX) : 1 + (int)rnd(NPX);
    long long q = rnd(4) == 0 ? 0 : 1 + (long long)rnd(1000);
    m->qty[px] = q;
    if (ask) { pa[na] = px; qa[na++] = q; }
    else { pb[nb] = px; qb[nb++] = q; }
  }
  long long prev = m->id;
  long long U = v == XC_BOOK_BINANCE_USDM ? prev + 1 + (long long)rnd(5) : prev + 1;
  long long u = v == XC_BOOK_BYBIT ? prev + 1 : U + (long long)rnd(3);
  m->id = u;
  char b[4096], a[4096];
  levels_json(b, pb, qb, nb, v == XC_BOOK_BYBIT);
  levels_json(a, pa, qa, na, v == XC_BOOK_BYBIT);
  int l;
  if (v == XC_BOOK_BYBIT)
    l = sprintf(out, "{\"topic\":\"orderbook.200.X\",\"type\":\"delta\",\"ts\":1,\"data\":{\"s\":\"X\",\"b\":[%s],\"a\":[%s],"
                     "\"u\":%lld,\"seq\":%lld},\"cts\":1}", b, a, u, u * 3);
  else if (v == XC_BOOK_BINANCE_USDM)
    l = sprintf(out, "{\"stream\":\"x@depth\",\"data\":{\"e\":\"depthUpdate\",\"E\":1,\"T\":1,\"s\":\"X\",\"U\":%lld,"
                     "\"u\":%lld,\"pu\":%lld,\"b\":[%s],\"a\":[%s]}}", U, u, prev, b, a);
  else
    l = sprintf(out, "{\"e\":\"depthUpdate\",\"E\":1,\"s\":\"X\",\"U\":%lld,\"u\":%lld,\"b\":[%s],\"a\":[%s]}", U, u, b, a);
  return (size_t)l;
}

/* The true book as a REST body (Binance) or a WS snapshot (Bybit). */
static size_t snapshot(const model *m, xc_book_venue v, char *o) {
  int pb[NPX], pa[NPX], nb = 0, na = 0;
  long long qb[NPX], qa[NPX];
  for (int px = NPX; px >= 1; px--)
    if (m->qty[px]) { pb[nb] = px; qb[nb++] = m->qty[px]; }
  for (int px = NPX + 1; px <= 2 * NPX; px++)
    if (m->qty[px]) { pa[na] = px; qa[na++] = m->qty[px]; }
  char b[8192], a[8192];
  levels_json(b, pb, qb, nb, v == XC_BOOK_BYBIT);
  levels_json(a, pa, qa, na, v == XC_BOOK_BYBIT);
  if (v == XC_BOOK_BYBIT)
    return (size_t)sprintf(o, "{\"topic\":\"orderbook.200.X\",\"type\":\"snapshot\",\"ts\":1,\"data\":{\"s\":\"X\",\"b\":[%s],"
                              "\"a\":[%s],\"u\":%lld,\"seq\":%lld},\"cts\":1}", b, a, m->id, m->id * 3);
  return (size_t)sprintf(o, "{\"lastUpdateId\":%lld,\"E\":1,\"T\":1,\"bids\":[%s],\"asks\":[%s]}", m->id, b, a);
}

/* Exact equality of the engine's book with the model. */
static bool equal(xc_book *b, const model *m) {
  static xc_book_level bl[NPX + 1], al[NPX + 1];
  uint32_t nb = 0, na = 0;
  xc_book_copy(b, bl, NPX + 1, &nb, al, NPX + 1, &na);
  /* the lock-free published view agrees with the full copy */
  static xc_book_top t;
  xc_book_top_copy(b, 20, &t);
  if (t.nbids != (nb < 20 ? nb : 20) || t.nasks != (na < 20 ? na : 20)) return false;
  for (uint32_t k = 0; k < t.nbids; k++)
    if (t.bids[k].price.coef != bl[k].price.coef || t.bids[k].qty.coef != bl[k].qty.coef ||
        t.bids[k].price.exp != bl[k].price.exp || t.bids[k].qty.exp != bl[k].qty.exp)
      return false;
  for (uint32_t k = 0; k < t.nasks; k++)
    if (t.asks[k].price.coef != al[k].price.coef || t.asks[k].qty.coef != al[k].qty.coef ||
        t.asks[k].price.exp != al[k].price.exp || t.asks[k].qty.exp != al[k].qty.exp)
      return false;
  uint32_t i = 0;
  for (int px = NPX; px >= 1; px--) {
    if (!m->qty[px]) continue;
    if (i >= nb) return false;
    /* price px + 0.5 and integer qty at the book's scales */
    xc_dec p = bl[i].price, q = bl[i].qty;
    long long sc = 1, sq = 1;
    for (int k = 0; k < -p.exp; k++) sc *= 10;
    for (int k = 0; k < -q.exp; k++) sq *= 10;
    if ((long long)p.coef * 2 != (2LL * px + 1) * sc || (long long)q.coef != m->qty[px] * sq) return false;
    i++;
  }
  if (i != nb) return false;
  i = 0;
  for (int px = NPX + 1; px <= 2 * NPX; px++) {
    if (!m->qty[px]) continue;
    if (i >= na) return false;
    xc_dec p = al[i].price, q = al[i].qty;
    long long sc = 1, sq = 1;
    for (int k = 0; k < -p.exp; k++) sc *= 10;
    for (int k = 0; k < -q.exp; k++) sq *= 10;
    if ((long long)p.coef * 2 != (2LL * px + 1) * sc || (long long)q.coef != m->qty[px] * sq) return false;
    i++;
  }
  return i == na;
}

static void run(xc_book_venue v, uint64_t seed, int steps) {
  rs = seed;
  model m;
  memset(&m, 0, sizeof m);
  m.id = 1000;
  xc_book_opts o;
  xc_book_opts_default(&o, v);
  o.symbol = "X";
  xc_book *b = NULL;
  assert_int_equal(xc_book_new(&o, &b), XC_OK);
  static char snap[1 << 16];
  size_t snap_len = 0;
  int snap_due = -1; /* message index at which the pending snapshot is delivered */
  long long dropped_id = -1; /* id of an undelivered message not yet noticed */
  int live_checks = 0, drops = 0, noticed = 0;
  static char prev[1 << 15];
  size_t prev_len = 0;
  if (v == XC_BOOK_BYBIT) { /* subscribing: the first message is a snapshot */
    snap_len = snapshot(&m, v, snap);
    snap_due = 0;
  }
  for (int i = 0; i < steps; i++) {
    bool faults = i < steps - 200;
    if (snap_due == i) {
      xc_book_outcome oc;
      /* Bybit sends the snapshot in-stream: it shows the book at its position in the stream */
      if (v == XC_BOOK_BYBIT) {
        snap_len = snapshot(&m, v, snap);
        dropped_id = -1; /* the snapshot supersedes anything lost before it */
      }
      if (v == XC_BOOK_BYBIT) xc_book_feed(b, snap, snap_len, i, &oc);
      else xc_book_feed_snapshot(b, snap, snap_len, i, &oc);
      snap_due = -1;
    }
    /* Bybit service restart: u starts again from 1 with a snapshot-carrying delta */
    if (v == XC_BOOK_BYBIT && faults && rnd(400) == 0) {
      m.id = 0;
      char tmp[1 << 16];
      snapshot(&m, v, tmp);
      m.id = 1;
      size_t l = snapshot(&m, v, tmp);
      char *t = strstr(tmp, "\"snapshot\"");
      memcpy(t, "\"delta\"   ", 10); /* same length; JSON whitespace */
      assert_int_equal(xc_book_feed(b, tmp, l, i, NULL), XC_OK);
      dropped_id = -1;
    }
    size_t len = step(&m, v);
    bool drop = faults && rnd(50) == 0;
    if (drop) {
      drops++;
      if (dropped_id < 0) dropped_id = m.id;
    } else {
      xc_book_outcome oc;
      xc_status fst = xc_book_feed(b, out, len, i, &oc);
      if (fst != XC_OK) fprintf(stderr, "feed %d: %s: %.*s\n", fst, xc_book_errmsg(b), (int)len, out);
      assert_int_equal(fst, XC_OK);
      if (oc == XC_BOOK_O_RESYNC) dropped_id = -1, noticed++;
      if (faults && rnd(30) == 0 && prev_len) xc_book_feed(b, prev, prev_len, i, NULL); /* duplicate */
      memcpy(prev, out, len);
      prev_len = len;
    }
    xc_book_action a;
    while (xc_book_poll(b, &a)) {
      if (a.kind == XC_BOOK_ACT_NEED_SNAPSHOT || a.kind == XC_BOOK_ACT_RESUBSCRIBE) {
        snap_len = snapshot(&m, v, snap); /* taken now, delivered later */
        snap_due = i + 1 + (int)rnd(5);
        if (v != XC_BOOK_BYBIT) dropped_id = -1; /* the buffer+snapshot path re-checks continuity */
      }
    }
    if (xc_book_state_get(b) == XC_BOOK_LIVE && xc_book_update_id(b) == m.id) {
      /* LIVE at the true id: a drop that happened since the last (re)sync must have been seen */
      assert_true(dropped_id < 0 || dropped_id > m.id);
      assert_true(equal(b, &m));
      live_checks++;
    }
  }
  assert_int_equal(xc_book_state_get(b), XC_BOOK_LIVE);
  assert_true(xc_book_update_id(b) == m.id);
  assert_true(equal(b, &m));
  xc_book_stats st;
  xc_book_stats_get(b, &st);
  assert_true(drops > 10);
  assert_true(st.gaps > 0);
  assert_true(live_checks > steps / 2);
  (void)noticed;
  xc_book_free(b);
}

static void test_model_binance_spot(void **state) {
  (void)state;
  for (uint64_t seed = 1; seed <= 4; seed++) run(XC_BOOK_BINANCE_SPOT, seed, 3000);
}
static void test_model_binance_usdm(void **state) {
  (void)state;
  for (uint64_t seed = 11; seed <= 14; seed++) run(XC_BOOK_BINANCE_USDM, seed, 3000);
}
static void test_model_bybit(void **state) {
  (void)state;
  for (uint64_t seed = 21; seed <= 24; seed++) run(XC_BOOK_BYBIT, seed, 3000);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_model_binance_spot),
      cmocka_unit_test(test_model_binance_usdm),
      cmocka_unit_test(test_model_bybit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
