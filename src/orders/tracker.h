/* Order tracker (sans-I/O): the live state of this client's orders, fed by venue updates from any
 * source (WebSocket user-data events, REST responses, reconciliation queries), emitting each real
 * change exactly once and in a legal order of the unified state machine (orders/fsm.h).
 *
 * - An order is found by (symbol, order id) or (symbol, client id); one placed through xconn is
 *   registered before it is sent (xc_tracker_submitted), so an event that beats the REST response
 *   finds it by client id. Orders first seen in an update (placed elsewhere, or before a restart)
 *   are adopted.
 * - Fills are keyed "SYMBOL:tradeId:orderId" in a bounded dedup set (the two sides of a self-trade
 *   share the trade id): a fill is emitted once however often it is delivered (duplicated stream
 *   message, REST trade list after a reconnect, FULL response).
 * - A status update is applied through the FSM: a repeat emits nothing (XC_EDUPLICATE); a step
 *   backwards (a stale or reordered message: NEW after PARTIALLY_FILLED, anything after a terminal
 *   status) is dropped and reported with a reason (XC_ESTATE). A fill carried by a dropped update is
 *   still applied (fills are facts; the FSM counts them without moving a terminal status).
 * - Reconciliation after a reconnect: feed the REST open orders and recent trades through the same
 *   apply calls (fills first, oldest first, then orders); then xc_tracker_missing() lists orders still
 *   live here but absent from the open list, which the caller queries one by one.
 * - Unknown outcomes: xc_tracker_outcome_unknown() marks a placement whose response was lost;
 *   xc_tracker_unresolved() lists them for a query by client id (never a resend);
 *   xc_tracker_not_found() concludes the order never reached the venue (emitted as REJECTED).
 * Emitted orders carry the tracker's view (status and filled quantity from the FSM, which never
 * goes backwards). Memory is bounded: max_orders records (the oldest final one is evicted when full;
 * XC_EFULL when all are live) and dedup_capacity fill ids. Lookups scan the records (O(n), n <=
 * max_orders). Not thread-safe: one owner (the engine thread).
 */
#ifndef XC_ORDERS_TRACKER_H
#define XC_ORDERS_TRACKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "orders/fsm.h"
#include "xconn/trading.h"

typedef struct xc_tracker xc_tracker;

/* Called for each change to deliver: exactly one of order / fill is non-NULL. */
typedef void (*xc_tracker_emit_fn)(void *user, const xc_order *order, const xc_fill *fill);

typedef struct xc_tracker_opts {
  size_t max_orders;     /* default 4096 */
  size_t dedup_capacity; /* fill ids remembered; default 16384 */
  xc_tracker_emit_fn emit;
  void *user;
} xc_tracker_opts;

void xc_tracker_opts_default(xc_tracker_opts *o);
xc_status xc_tracker_new(const xc_tracker_opts *o, xc_tracker **out);
void xc_tracker_free(xc_tracker *t);

/* Registers an order about to be sent (status PENDING_NEW; order_id may be empty). Emits it.
 * XC_EDUPLICATE if the client id is already tracked for the symbol, XC_EFULL when full. */
xc_status xc_tracker_submitted(xc_tracker *t, const xc_order *o);
/* Applies one venue update: the order's state (may be NULL for a fill alone) and a fill it carries
 * (may be NULL). XC_OK if something was emitted, XC_EDUPLICATE if nothing was new, XC_ESTATE if the
 * status update was dropped as a step backwards (*reason says why; a carried new fill is still
 * emitted), XC_EINVAL for an update without symbol or ids. reason may be NULL. */
xc_status xc_tracker_apply(xc_tracker *t, const xc_order *upd, const xc_fill *fill, const char **reason);
/* A cancel was sent for the order (-> PENDING_CANCEL, emitted). XC_ENOTFOUND if unknown. */
xc_status xc_tracker_cancel_requested(xc_tracker *t, const char *symbol, const char *order_id,
                                      const char *client_id);
/* The cancel failed (unknown order / too late): back to the live status (emitted if it changed). */
xc_status xc_tracker_cancel_failed(xc_tracker *t, const char *symbol, const char *order_id, const char *client_id);
/* The placement of client_id has an unknown outcome (timeout, 5xx, connection lost after sending). */
xc_status xc_tracker_outcome_unknown(xc_tracker *t, const char *symbol, const char *client_id);
/* Orders whose outcome is unknown: up to cap copies into out; returns the total. */
size_t xc_tracker_unresolved(const xc_tracker *t, xc_order *out, size_t cap);
/* A query by client id found no such order: it never reached the venue (REJECTED, emitted). */
xc_status xc_tracker_not_found(xc_tracker *t, const char *symbol, const char *client_id);
/* Copies the tracked order into *out. XC_ENOTFOUND if unknown. */
xc_status xc_tracker_get(const xc_tracker *t, const char *symbol, const char *order_id, const char *client_id,
                         xc_order *out);

/* Reconciliation: open is the REST open-order list of `symbol` (already applied). Returns the
 * number of orders tracked as live (not final) for symbol that are absent from it, copying up to
 * cap into out: they changed while the stream was down and must be queried. */
size_t xc_tracker_missing(const xc_tracker *t, const char *symbol, const xc_order *open, size_t nopen,
                          xc_order *out, size_t cap);
/* Live (non-final) orders tracked: up to cap copies into out; returns the total. */
size_t xc_tracker_live(const xc_tracker *t, xc_order *out, size_t cap);

/* Counters (tests and stats). */
typedef struct xc_tracker_stats {
  uint64_t emitted_orders, emitted_fills;
  uint64_t duplicates, dropped_stale, adopted, evicted;
  size_t tracked;
} xc_tracker_stats;
void xc_tracker_get_stats(const xc_tracker *t, xc_tracker_stats *out);

#endif
