/* The unified order state machine (sans-I/O).
 *
 * One xc_order_fsm per order tracks its unified status (xc_order_status, include/xconn/trading.h)
 * and cumulative filled quantity, applying venue updates in whatever order they arrive:
 *
 *   PENDING_NEW ─> NEW ─> PARTIALLY_FILLED ─> FILLED
 *        │          │            │
 *        │          └────────────┴─> PENDING_CANCEL ─> CANCELED / EXPIRED / FILLED
 *        │                                  └─> NEW / PARTIALLY_FILLED (cancel failed)
 *        └─> (any of NEW's targets, REJECTED)        NEW, PARTIALLY_FILLED ─> CANCELED, EXPIRED
 *
 * Terminal statuses (FILLED, CANCELED, REJECTED, EXPIRED) never change. Venues skip intermediate
 * statuses (a taker goes NEW -> FILLED, even PENDING_NEW -> FILLED), so every forward jump is legal;
 * going backwards (PARTIALLY_FILLED -> NEW) or leaving a terminal status is illegal: the update is
 * reported as XC_ESTATE and NOT applied. Such updates are normal when streams race (an order ack
 * arriving after its first fill): callers log them and carry on.
 *
 * Quantity: `filled` never decreases. It is the larger of the cumulative quantity the venue reports
 * (Binance `z`, Bybit `cumExecQty`) and the sum of the individual fills applied (Binance `l` with
 * trade id `t`, Bybit `execQty` with `execId`). A fill is identified by its trade id: a dedup set
 * (orders/dedup.h) passed to xc_order_fsm_fill() suppresses repeats (XC_EDUPLICATE). When fills
 * raise the quantity past zero a NEW/PENDING_NEW order becomes PARTIALLY_FILLED. FILLED is never
 * inferred from quantities (an amend can change the order quantity): the venue's FILLED decides.
 * PENDING_CANCEL is ours (a cancel is in flight): live updates from the venue keep it (they may
 * predate the cancel); a terminal update ends it, xc_order_fsm_cancel_failed() reverts it.
 *
 * Plain value; no allocation; not thread-safe.
 */
#ifndef XC_ORDERS_FSM_H
#define XC_ORDERS_FSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "orders/dedup.h"
#include "xconn/decimal.h"
#include "xconn/status.h"
#include "xconn/trading.h"

/* Bits reported through *changed. */
#define XC_FSM_STATUS_CHANGED 1u
#define XC_FSM_FILLED_CHANGED 2u

typedef struct xc_order_fsm {
  xc_order_status status;
  xc_order_status before_cancel; /* where a failed cancel returns to */
  xc_dec qty;                    /* order quantity (informational); zero = unknown */
  xc_dec filled;                 /* cumulative, never decreases */
  xc_dec fills_sum;              /* sum of the fills applied one by one */
  uint32_t n_fills;
} xc_order_fsm;

/* Starts an order in PENDING_NEW (sent, not acknowledged) with quantity qty (zero if unknown). */
void xc_order_fsm_init(xc_order_fsm *f, xc_dec qty);
/* Starts from a known state (e.g. an order found by a REST query). XC_EINVAL for a bad status or a
 * negative quantity. */
xc_status xc_order_fsm_init_at(xc_order_fsm *f, xc_dec qty, xc_order_status st, xc_dec filled);
/* Whether from -> to is a legal transition (from == to is legal: a repeat, nothing changes). */
bool xc_order_transition_legal(xc_order_status from, xc_order_status to);
/* Applies a status update carrying the cumulative filled quantity when known (cum_filled may be
 * NULL). XC_OK (with *changed bits, may be 0 for a repeat or a stale quantity), XC_ESTATE for an
 * illegal transition (nothing applied), XC_EINVAL for a bad status or a negative quantity. */
xc_status xc_order_fsm_apply(xc_order_fsm *f, xc_order_status to, const xc_dec *cum_filled, unsigned *changed);
/* Applies one fill of qty (> 0) identified by trade_id (may be NULL/0 when the venue gives none;
 * then no dedup). seen may be NULL. XC_EDUPLICATE if the trade id was seen (nothing applied),
 * XC_ESTATE on a REJECTED order, XC_EINVAL for qty <= 0. A fill after CANCELED/EXPIRED/FILLED is
 * counted (venues report fills that raced a cancel) but never changes the terminal status. */
xc_status xc_order_fsm_fill(xc_order_fsm *f, xc_dedup *seen, const char *trade_id, size_t id_len, xc_dec qty,
                            unsigned *changed);
/* A cancel was requested: NEW / PARTIALLY_FILLED / PENDING_NEW -> PENDING_CANCEL. XC_ESTATE otherwise. */
xc_status xc_order_fsm_cancel_requested(xc_order_fsm *f);
/* The cancel failed (order not found, too late): back to NEW or PARTIALLY_FILLED (from the filled
 * quantity). No-op unless PENDING_CANCEL. */
xc_status xc_order_fsm_cancel_failed(xc_order_fsm *f);
/* Records a new order quantity after an amend. XC_EINVAL if negative. */
xc_status xc_order_fsm_set_qty(xc_order_fsm *f, xc_dec qty);
/* True for FILLED, CANCELED, REJECTED, EXPIRED. */
bool xc_order_fsm_is_final(const xc_order_fsm *f);

/* Venue status strings (exact case). XC_EPARSE for unknown strings. */
/* Binance: NEW, PARTIALLY_FILLED, FILLED, CANCELED, PENDING_CANCEL, REJECTED, EXPIRED,
 * EXPIRED_IN_MATCH (-> EXPIRED), PENDING_NEW. */
xc_status xc_order_status_from_binance(const char *s, size_t n, xc_order_status *out);
/* The Binance string for a unified status (EXPIRED -> "EXPIRED"); never NULL for a valid status. */
const char *xc_order_status_to_binance(xc_order_status st);
/* Bybit v5: New, PartiallyFilled, Untriggered (-> NEW), Triggered (-> NEW), Rejected,
 * PartiallyFilledCanceled (-> CANCELED), Filled, Cancelled (-> CANCELED), Deactivated (-> CANCELED). */
xc_status xc_order_status_from_bybit(const char *s, size_t n, xc_order_status *out);
/* The Bybit string: CANCELED and EXPIRED -> "Cancelled", or "PartiallyFilledCanceled" for a spot
 * order with fills; NULL for PENDING_NEW / PENDING_CANCEL (Bybit has no such status). */
const char *xc_order_status_to_bybit(xc_order_status st, bool spot, bool has_fills);

#endif
