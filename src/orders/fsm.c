#include "orders/fsm.h"

#include <string.h>

#define NSTATUS 8
#define B(s) (1u << (s))

static bool valid(xc_order_status s) { return (unsigned)s < NSTATUS; }

static bool final_status(xc_order_status s) {
  return s == XC_ORDER_FILLED || s == XC_ORDER_CANCELED || s == XC_ORDER_REJECTED || s == XC_ORDER_EXPIRED;
}

/* Legal targets of each status (besides itself). */
static const unsigned legal[NSTATUS] = {
    [XC_ORDER_PENDING_NEW] = B(XC_ORDER_NEW) | B(XC_ORDER_PARTIALLY_FILLED) | B(XC_ORDER_FILLED) |
                             B(XC_ORDER_PENDING_CANCEL) | B(XC_ORDER_CANCELED) | B(XC_ORDER_REJECTED) |
                             B(XC_ORDER_EXPIRED),
    [XC_ORDER_NEW] = B(XC_ORDER_PARTIALLY_FILLED) | B(XC_ORDER_FILLED) | B(XC_ORDER_PENDING_CANCEL) |
                     B(XC_ORDER_CANCELED) | B(XC_ORDER_REJECTED) | B(XC_ORDER_EXPIRED),
    [XC_ORDER_PARTIALLY_FILLED] = B(XC_ORDER_FILLED) | B(XC_ORDER_PENDING_CANCEL) | B(XC_ORDER_CANCELED) |
                                  B(XC_ORDER_EXPIRED),
    [XC_ORDER_FILLED] = 0,
    [XC_ORDER_PENDING_CANCEL] = B(XC_ORDER_NEW) | B(XC_ORDER_PARTIALLY_FILLED) | B(XC_ORDER_FILLED) |
                                B(XC_ORDER_CANCELED) | B(XC_ORDER_EXPIRED),
    [XC_ORDER_CANCELED] = 0,
    [XC_ORDER_REJECTED] = 0,
    [XC_ORDER_EXPIRED] = 0,
};

bool xc_order_transition_legal(xc_order_status from, xc_order_status to) {
  if (!valid(from) || !valid(to)) return false;
  return from == to || (legal[from] & B(to)) != 0;
}

void xc_order_fsm_init(xc_order_fsm *f, xc_dec qty) {
  if (!f) return;
  memset(f, 0, sizeof *f);
  f->status = XC_ORDER_PENDING_NEW;
  f->before_cancel = XC_ORDER_PENDING_NEW;
  f->qty = xc_dec_sign(qty) > 0 ? qty : XC_DEC_ZERO;
  f->filled = XC_DEC_ZERO;
  f->fills_sum = XC_DEC_ZERO;
}

xc_status xc_order_fsm_init_at(xc_order_fsm *f, xc_dec qty, xc_order_status st, xc_dec filled) {
  if (!f || !valid(st) || xc_dec_sign(qty) < 0 || xc_dec_sign(filled) < 0) return XC_EINVAL;
  xc_order_fsm_init(f, qty);
  f->status = st;
  f->before_cancel = st == XC_ORDER_PENDING_CANCEL
                         ? (xc_dec_sign(filled) > 0 ? XC_ORDER_PARTIALLY_FILLED : XC_ORDER_NEW)
                         : st;
  f->filled = filled;
  return XC_OK;
}

bool xc_order_fsm_is_final(const xc_order_fsm *f) { return f && final_status(f->status); }

/* The status the quantity implies for a live order: fills turn NEW / PENDING_NEW into
 * PARTIALLY_FILLED. FILLED is never inferred from quantities (amends change the order quantity; the
 * venue's FILLED is authoritative). */
static xc_order_status implied(const xc_order_fsm *f, xc_order_status s) {
  if (xc_dec_sign(f->filled) > 0 && (s == XC_ORDER_NEW || s == XC_ORDER_PENDING_NEW)) return XC_ORDER_PARTIALLY_FILLED;
  return s;
}

static void set_status(xc_order_fsm *f, xc_order_status s, unsigned *ch) {
  if (s == f->status) return;
  if (s == XC_ORDER_PENDING_CANCEL) f->before_cancel = f->status;
  f->status = s;
  *ch |= XC_FSM_STATUS_CHANGED;
}

xc_status xc_order_fsm_apply(xc_order_fsm *f, xc_order_status to, const xc_dec *cum_filled, unsigned *changed) {
  unsigned ch = 0;
  if (changed) *changed = 0;
  if (!f || !valid(to) || (cum_filled && xc_dec_sign(*cum_filled) < 0)) return XC_EINVAL;
  /* a venue "NEW with fills" means partially filled */
  xc_dec cum = cum_filled ? *cum_filled : XC_DEC_ZERO;
  xc_order_status target = to;
  bool raises = cum_filled && xc_dec_cmp(cum, f->filled) > 0;
  if (raises && (target == XC_ORDER_NEW || target == XC_ORDER_PENDING_NEW)) target = XC_ORDER_PARTIALLY_FILLED;
  /* a stale NEW after fills is a step backwards: PARTIALLY_FILLED -> NEW is illegal below */
  if (!xc_order_transition_legal(f->status, target)) return XC_ESTATE;
  if (f->status == XC_ORDER_PENDING_CANCEL && (target == XC_ORDER_NEW || target == XC_ORDER_PARTIALLY_FILLED)) {
    /* the venue still reports the order live: the cancel has not landed (or failed); stay pending,
     * only remember where to return */
    if (raises) {
      f->filled = cum;
      ch |= XC_FSM_FILLED_CHANGED;
    }
    f->before_cancel = xc_dec_sign(f->filled) > 0 ? XC_ORDER_PARTIALLY_FILLED : XC_ORDER_NEW;
    if (changed) *changed = ch;
    return XC_OK;
  }
  if (raises) {
    f->filled = cum;
    ch |= XC_FSM_FILLED_CHANGED;
  }
  set_status(f, implied(f, target), &ch);
  if (changed) *changed = ch;
  return XC_OK;
}

xc_status xc_order_fsm_fill(xc_order_fsm *f, xc_dedup *seen, const char *trade_id, size_t id_len, xc_dec qty,
                            unsigned *changed) {
  unsigned ch = 0;
  if (changed) *changed = 0;
  if (!f || xc_dec_sign(qty) <= 0) return XC_EINVAL;
  if (f->status == XC_ORDER_REJECTED) return XC_ESTATE;
  if (seen && trade_id && id_len && xc_dedup_contains(seen, trade_id, id_len)) return XC_EDUPLICATE;
  xc_dec sum;
  xc_status st = xc_dec_add(f->fills_sum, qty, &sum);
  if (st != XC_OK) return st;
  if (seen && trade_id && id_len) {
    st = xc_dedup_insert(seen, trade_id, id_len);
    if (st != XC_OK) return st;
  }
  f->fills_sum = sum;
  f->n_fills++;
  if (xc_dec_cmp(sum, f->filled) > 0) {
    f->filled = sum;
    ch |= XC_FSM_FILLED_CHANGED;
  }
  if (f->status == XC_ORDER_PENDING_CANCEL) f->before_cancel = XC_ORDER_PARTIALLY_FILLED;
  else if (!final_status(f->status)) set_status(f, implied(f, f->status), &ch);
  if (changed) *changed = ch;
  return XC_OK;
}

xc_status xc_order_fsm_cancel_requested(xc_order_fsm *f) {
  if (!f) return XC_EINVAL;
  if (f->status == XC_ORDER_PENDING_CANCEL) return XC_OK;
  if (!xc_order_transition_legal(f->status, XC_ORDER_PENDING_CANCEL)) return XC_ESTATE;
  unsigned ch = 0;
  set_status(f, XC_ORDER_PENDING_CANCEL, &ch);
  return XC_OK;
}

xc_status xc_order_fsm_cancel_failed(xc_order_fsm *f) {
  if (!f) return XC_EINVAL;
  if (f->status != XC_ORDER_PENDING_CANCEL) return XC_OK;
  xc_order_status back = xc_dec_sign(f->filled) > 0 ? XC_ORDER_PARTIALLY_FILLED : XC_ORDER_NEW;
  if (f->before_cancel == XC_ORDER_PENDING_NEW && back == XC_ORDER_NEW) back = XC_ORDER_PENDING_NEW;
  f->status = back;
  return XC_OK;
}

/* ---- venue mappings ----------------------------------------------------------------------------- */

typedef struct map {
  const char *s;
  xc_order_status st;
} map;

static const map binance_map[] = {
    {"NEW", XC_ORDER_NEW},
    {"PARTIALLY_FILLED", XC_ORDER_PARTIALLY_FILLED},
    {"FILLED", XC_ORDER_FILLED},
    {"CANCELED", XC_ORDER_CANCELED},
    {"PENDING_CANCEL", XC_ORDER_PENDING_CANCEL},
    {"REJECTED", XC_ORDER_REJECTED},
    {"EXPIRED", XC_ORDER_EXPIRED},
    {"EXPIRED_IN_MATCH", XC_ORDER_EXPIRED},
    {"PENDING_NEW", XC_ORDER_PENDING_NEW},
};

static const map bybit_map[] = {
    {"New", XC_ORDER_NEW},
    {"PartiallyFilled", XC_ORDER_PARTIALLY_FILLED},
    {"Untriggered", XC_ORDER_NEW},
    {"Triggered", XC_ORDER_NEW},
    {"Rejected", XC_ORDER_REJECTED},
    {"PartiallyFilledCanceled", XC_ORDER_CANCELED},
    {"Filled", XC_ORDER_FILLED},
    {"Cancelled", XC_ORDER_CANCELED},
    {"Deactivated", XC_ORDER_CANCELED},
};

static xc_status lookup(const map *m, size_t n, const char *s, size_t len, xc_order_status *out) {
  if (!s || !out) return XC_EINVAL;
  for (size_t i = 0; i < n; i++)
    if (strlen(m[i].s) == len && memcmp(m[i].s, s, len) == 0) {
      *out = m[i].st;
      return XC_OK;
    }
  return XC_EPARSE;
}

xc_status xc_order_status_from_binance(const char *s, size_t n, xc_order_status *out) {
  return lookup(binance_map, sizeof binance_map / sizeof binance_map[0], s, n, out);
}

const char *xc_order_status_to_binance(xc_order_status st) {
  switch (st) {
  case XC_ORDER_PENDING_NEW: return "PENDING_NEW";
  case XC_ORDER_NEW: return "NEW";
  case XC_ORDER_PARTIALLY_FILLED: return "PARTIALLY_FILLED";
  case XC_ORDER_FILLED: return "FILLED";
  case XC_ORDER_PENDING_CANCEL: return "PENDING_CANCEL";
  case XC_ORDER_CANCELED: return "CANCELED";
  case XC_ORDER_REJECTED: return "REJECTED";
  case XC_ORDER_EXPIRED: return "EXPIRED";
  }
  return NULL;
}

xc_status xc_order_status_from_bybit(const char *s, size_t n, xc_order_status *out) {
  return lookup(bybit_map, sizeof bybit_map / sizeof bybit_map[0], s, n, out);
}

const char *xc_order_status_to_bybit(xc_order_status st, bool spot, bool has_fills) {
  switch (st) {
  case XC_ORDER_NEW: return "New";
  case XC_ORDER_PARTIALLY_FILLED: return "PartiallyFilled";
  case XC_ORDER_FILLED: return "Filled";
  case XC_ORDER_REJECTED: return "Rejected";
  case XC_ORDER_CANCELED:
  case XC_ORDER_EXPIRED: return spot && has_fills ? "PartiallyFilledCanceled" : "Cancelled";
  case XC_ORDER_PENDING_NEW:
  case XC_ORDER_PENDING_CANCEL: return NULL;
  }
  return NULL;
}

xc_status xc_order_fsm_set_qty(xc_order_fsm *f, xc_dec qty) {
  if (!f || xc_dec_sign(qty) < 0) return XC_EINVAL;
  f->qty = qty;
  return XC_OK;
}
