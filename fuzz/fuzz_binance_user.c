/* libFuzzer target: the Binance user-data and trading-response parsers (venues/binance/trade.h),
 * which take network bytes. The input is parsed as JSON and handed to every parser for both
 * markets; none may crash or read out of bounds, and what they accept holds the invariants the
 * order layer relies on: NUL-terminated strings, non-negative quantities, a known status, list
 * counts consistent with what was copied, fills only with a positive quantity and a trade id. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "orders/tracker.h"
#include "venues/binance/trade.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
  do {                                                                                             \
    if (!(x)) abort();                                                                             \
  } while (0)

static xc_json js;
static int inited;
static xc_tracker *trk;

/* Tracker invariant: per order (client id + order id), emitted order events never go backwards (legal transitions,
 * non-decreasing filled quantity). One slot remembers the last order emitted. */
static char last_cid[XC_ID_MAX], last_oid[XC_ID_MAX], last_sym[XC_SYMBOL_MAX];
static xc_order_status last_st;
static xc_dec last_filled;

static void on_emit(void *user, const xc_order *o, const xc_fill *f) {
  (void)user;
  if (!o) {
    CHECK(f && xc_dec_sign(f->qty) > 0);
    return;
  }
  if (strcmp(o->client_id, last_cid) == 0 && strcmp(o->order_id, last_oid) == 0 && strcmp(o->symbol, last_sym) == 0) {
    CHECK(xc_order_transition_legal(last_st, o->status));
    CHECK(xc_dec_cmp(o->filled_qty, last_filled) >= 0);
  }
  memcpy(last_cid, o->client_id, sizeof last_cid);
  memcpy(last_oid, o->order_id, sizeof last_oid);
  memcpy(last_sym, o->symbol, sizeof last_sym);
  last_st = o->status;
  last_filled = o->filled_qty;
}

static void check_str(const char *s, size_t cap) { CHECK(memchr(s, 0, cap) != NULL); }

static void check_order(const xc_order *o) {
  check_str(o->symbol, sizeof o->symbol);
  check_str(o->order_id, sizeof o->order_id);
  check_str(o->client_id, sizeof o->client_id);
  CHECK((unsigned)o->status <= XC_ORDER_EXPIRED);
  CHECK(xc_dec_sign(o->filled_qty) >= 0 && xc_dec_sign(o->qty) >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!inited) {
    xc_json_init(&js);
    xc_tracker_opts to;
    xc_tracker_opts_default(&to);
    to.max_orders = 8; /* small: eviction and XC_EFULL get exercised */
    to.dedup_capacity = 64;
    to.emit = on_emit;
    CHECK(xc_tracker_new(&to, &trk) == XC_OK);
    inited = 1;
  }
  if (xc_json_parse(&js, (const char *)data, size) != XC_OK) return 0;
  char err[96];
  for (int m = XC_MARKET_SPOT; m <= XC_MARKET_LINEAR; m++) {
    xc_balance bal[3];
    xc_position pos[3];
    xc__bnt_update u = {.bal = bal, .bal_cap = 3, .pos = pos, .pos_cap = 3};
    if (xc__bnt_parse_event(&js, (xc_market)m, &u, err, sizeof err) == XC_OK) {
      if (u.kind == XC__BNT_ORDER) {
        check_order(&u.order);
        /* the tracker sees the event (order ids are per-input here; records persist across inputs) */
        xc_status ts = xc_tracker_apply(trk, &u.order, u.has_fill ? &u.fill : NULL, NULL);
        CHECK(ts == XC_OK || ts == XC_EDUPLICATE || ts == XC_ESTATE || ts == XC_EFULL || ts == XC_EINVAL ||
              ts == XC_ERANGE);
        xc_tracker_stats tst;
        xc_tracker_get_stats(trk, &tst);
        CHECK(tst.tracked <= 8);
        if (u.has_fill) {
          CHECK(xc_dec_sign(u.fill.qty) > 0 && u.fill.trade_id[0]);
          check_str(u.fill.fee_asset, sizeof u.fill.fee_asset);
        }
      }
      for (size_t i = 0; i < u.nbal && i < 3; i++) check_str(bal[i].asset, sizeof bal[i].asset);
      for (size_t i = 0; i < u.npos && i < 3; i++) {
        CHECK(xc_dec_sign(pos[i].size) >= 0);
        CHECK(pos[i].side != XC_POS_FLAT || xc_dec_is_zero(pos[i].size));
      }
    } else {
      check_str(err, sizeof err);
    }
    xc_order o;
    xc_fill f[2];
    size_t n = 0;
    if (xc__bnt_parse_order(&js, 0, (xc_market)m, &o, f, 2, &n, err, sizeof err) == XC_OK) {
      check_order(&o);
      for (size_t i = 0; i < n && i < 2; i++) check_str(f[i].trade_id, sizeof f[i].trade_id);
    }
    xc_order list[2];
    if (xc__bnt_parse_orders(&js, 0, (xc_market)m, list, 2, &n, err, sizeof err) == XC_OK)
      for (size_t i = 0; i < n && i < 2; i++) check_order(&list[i]);
    xc_fill tr[2];
    if (xc__bnt_parse_trades(&js, 0, (xc_market)m, tr, 2, &n, err, sizeof err) == XC_OK)
      for (size_t i = 0; i < n && i < 2; i++) CHECK(tr[i].trade_id[0] && tr[i].symbol[0]);
    (void)xc__bnt_parse_balances(&js, 0, (xc_market)m, bal, 3, &n, err, sizeof err);
  }
  xc_position pos[2];
  size_t n = 0;
  if (xc__bnt_parse_positions(&js, 0, pos, 2, &n, err, sizeof err) == XC_OK)
    for (size_t i = 0; i < n && i < 2; i++) CHECK(pos[i].side != XC_POS_FLAT && xc_dec_sign(pos[i].size) > 0);
  xc_venue_error ve;
  xc_status st = xc__bnt_parse_error(&js, 0, 400, &ve);
  if (st != XC_EPARSE) {
    CHECK(st < 0);
    check_str(ve.msg, sizeof ve.msg);
  }
  return 0;
}
