/* Internal counters of the trading layer (src/api/trading.c), for tests and diagnostics.
 *
 * Where each emitted fill came from, how unknown outcomes were resolved, timestamp rejections and
 * the clock estimate per market. Counters are written on the engine thread and read with relaxed
 * atomics from any thread: each value is exact, a snapshot of several is not atomic as a whole.
 */
#ifndef XC_API_TRADING_INT_H
#define XC_API_TRADING_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "xconn/client.h"

/* Where an order update or a fill was learned (first source wins: a later copy is a duplicate and
 * is not emitted, so it is not counted). */
typedef enum xc__trade_src {
  XC__SRC_STREAM = 0, /* the private (user-data) stream */
  XC__SRC_RESPONSE,   /* the answer to our own place / cancel request */
  XC__SRC_QUERY,      /* a REST query: get, open orders, or the query resolving an unknown outcome */
  XC__SRC_RECONCILE,  /* reconciliation when a private stream (re)opens: trade list + order queries */
  XC__SRC_COUNT
} xc__trade_src;

typedef struct xc__trading_stats {
  uint64_t fills[XC__SRC_COUNT];  /* XC_EV_FILL events emitted, by source */
  uint64_t orders[XC__SRC_COUNT]; /* XC_EV_ORDER events emitted, by source */
  uint64_t unknown_outcomes;      /* order placements whose outcome was unknown (5xx, lost answer) */
  uint64_t resolved_placed;       /* ... resolved by the query: the order exists */
  uint64_t resolved_not_placed;   /* ... resolved by the query: the venue does not know it */
  uint64_t timestamp_errors;      /* -1021 answers received */
  uint64_t time_requests;         /* server-time requests sent (all markets) */
  uint64_t clock_timer_ticks;     /* periodic clock refresh timer firings */
  uint64_t reconciliations;       /* private-stream (re)opens reconciled */
  bool clock_have[3];             /* per xc_market: an estimate exists */
  int64_t clock_offset_ms[3];     /* per xc_market: server - local, ms */
} xc__trading_stats;

/* Fills *out with the counters of c's trading state (zeros if it has none). Any thread. */
void xc__trading_stats_get(xc_client *c, xc__trading_stats *out);

#endif
