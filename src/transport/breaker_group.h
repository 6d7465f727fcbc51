/* transport/breaker_group.h: a circuit breaker applied to a venue or endpoint group (internal).
 *
 * Wraps the sans-I/O breaker core with a lock, a name and a state-change callback so that the
 * HTTP client (and WS connects) can fail fast while a venue is failing. Failures are transport
 * failures and 5xx; a venue's rejection of a bad request (4xx) is a success for the breaker.
 *
 * Threading: every function is thread-safe. The event callback runs on the thread that recorded
 * the outcome (the engine thread for transport use), outside the lock; it must not call back into
 * the same group's record/allow.
 */
#ifndef XC_TRANSPORT_BREAKER_GROUP_H
#define XC_TRANSPORT_BREAKER_GROUP_H

#include <stdbool.h>
#include <stdint.h>
#include "xconn/status.h"

typedef struct xc__breaker_group xc__breaker_group;

typedef enum xc__brk_state { XC__BRK_CLOSED = 0, XC__BRK_OPEN = 1, XC__BRK_HALF_OPEN = 2 } xc__brk_state;

typedef struct xc__breaker_group_opts {
  const char *name;           /* "binance.spot.rest"; copied */
  uint32_t failure_threshold; /* consecutive failures that open the breaker; default 5 */
  uint32_t open_ms;           /* time open before a half-open probe; default 5000 */
  uint32_t half_open_probes;  /* concurrent probes allowed while half-open; default 1 */
} xc__breaker_group_opts;

void xc__breaker_group_opts_default(xc__breaker_group_opts *o);

typedef void (*xc__breaker_event_fn)(const char *name, xc__brk_state from, xc__brk_state to,
                                     void *user);

xc_status xc__breaker_group_new(const xc__breaker_group_opts *o, xc__breaker_event_fn fn,
                                void *user, xc__breaker_group **out);
void xc__breaker_group_free(xc__breaker_group *g);
/* May a request go out now? A true answer while half-open takes a probe slot, which the caller
 * gives back with record() (or release() if the request never ran). */
bool xc__breaker_group_allow(xc__breaker_group *g, uint64_t now_ms);
/* Records the outcome of an allowed request. */
void xc__breaker_group_record(xc__breaker_group *g, bool failure, uint64_t now_ms);
/* Gives back an allow() that never turned into a request. */
void xc__breaker_group_release(xc__breaker_group *g);
/* Current state (OPEN becomes HALF_OPEN lazily at the next allow() after open_ms). */
xc__brk_state xc__breaker_group_state(xc__breaker_group *g);
const char *xc__brk_state_name(xc__brk_state s);

#endif
