/* transport/breaker_group.h: a circuit breaker applied to a venue or endpoint group (internal).
 *
 * Wraps the sans-I/O breaker core (core/breaker.h) with a lock, a name and a state-change callback
 * so that the HTTP client and WebSocket connects fail fast while a venue is failing. Outcomes are
 * classified by xc_breaker_classify(): transport failures, timeouts and 5xx are failures; a
 * venue's rejection of a bad request (a 4xx answered with XC_OK by the HTTP client) is a success.
 *
 * Threading: every function is thread-safe. The event callback runs on the thread that caused
 * the change (the engine thread for transport use), outside the lock; it may query the group but
 * must not free it.
 */
#ifndef XC_TRANSPORT_BREAKER_GROUP_H
#define XC_TRANSPORT_BREAKER_GROUP_H

#include <stdbool.h>
#include <stdint.h>
#include "core/breaker.h"
#include "xconn/breaker.h"
#include "xconn/status.h"

typedef struct xc__breaker_group xc__breaker_group;

typedef void (*xc__breaker_event_fn)(const char *name, const xc_breaker_event *ev, void *user);

/* Creates a group named `name` (copied) with breaker options `o` (NULL = defaults; its
 * on_change/user are ignored: `fn`/`user` receive the events). */
xc_status xc__breaker_group_new(const char *name, const xc_breaker_opts *o, xc__breaker_event_fn fn,
                                void *user, xc__breaker_group **out);
void xc__breaker_group_free(xc__breaker_group *g);
/* May a request go out now? A true answer while half-open takes a probe slot, which the caller
 * gives back with record() (or release() if the request never ran). now_ms is monotonic. */
bool xc__breaker_group_allow(xc__breaker_group *g, uint64_t now_ms);
/* Records the final status of an allowed request. */
void xc__breaker_group_record(xc__breaker_group *g, xc_status st, uint64_t now_ms);
/* Gives back an allow() that never turned into a request. */
void xc__breaker_group_release(xc__breaker_group *g);
/* Current state, applying time-driven transitions as of now_ms. */
xc_breaker_state xc__breaker_group_state(xc__breaker_group *g, uint64_t now_ms);
const char *xc__breaker_group_name(const xc__breaker_group *g);

#endif
