/* transport/subs.h: subscription registry of one WebSocket connection (internal, sans-I/O).
 *
 * Holds the desired topics with reference counts and, for the current connection, where each
 * one stands: not sent yet, sent and awaiting the venue's reply (request id), confirmed, or
 * refused. xc__subs_next() hands out the next (un)subscribe batch within the venue's limits
 * (topics per message, messages per second) and tags it with a request id; replies are matched
 * with xc__subs_on_reply(). After a reconnect xc__subs_reset() marks every desired topic unsent so
 * the whole set is replayed exactly once. No clocks or I/O inside: every call takes `now_ms`.
 *
 * Threading: none; one owner (the engine thread).
 */
#ifndef XC_TRANSPORT_SUBS_H
#define XC_TRANSPORT_SUBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "xconn/status.h"

typedef struct xc__subs xc__subs;

typedef struct xc__subs_limits {
  size_t max_per_msg;        /* topics per message; 0 = 50 */
  size_t max_topics;         /* desired topics; 0 = unlimited */
  uint32_t max_msgs_per_s;   /* messages per rolling second; 0 = unlimited (at most 64 tracked) */
  uint32_t reply_timeout_ms; /* pending longer than this is sent again; 0 = 10000 */
} xc__subs_limits;

typedef enum xc__sub_state {
  XC__SUB_UNSENT = 0, XC__SUB_PENDING, XC__SUB_CONFIRMED, XC__SUB_REFUSED,
  XC__SUB_UNSUB_UNSENT, XC__SUB_UNSUB_PENDING /* refcount reached 0: leaving */
} xc__sub_state;

xc_status xc__subs_new(const xc__subs_limits *lim, xc__subs **out);
void xc__subs_free(xc__subs *s);
/* A new registry with the same limits and desired topics (refcounts), all unsent. */
xc_status xc__subs_clone(const xc__subs *s, xc__subs **out);

/* One more reference; *first = true when the topic became desired (needs subscribing).
 * XC_EFULL beyond max_topics. */
xc_status xc__subs_add(xc__subs *s, const char *topic, bool *first);
/* One reference less; *last = true when none is left. XC_ENOTFOUND if not desired. */
xc_status xc__subs_remove(xc__subs *s, const char *topic, bool *last);
/* Forces a fresh unsubscribe + subscribe of a desired topic on this connection (e.g. to get a new
 * book snapshot from a venue that sends one on subscribe). XC_ENOTFOUND if not desired. No-op if
 * the topic is not confirmed yet (its subscribe reply will bring the fresh state anyway). */
xc_status xc__subs_resubscribe(xc__subs *s, const char *topic);
/* The connection was lost: desired topics become unsent, leaving topics are forgotten, pending
 * requests are dropped (their late replies are ignored). */
void xc__subs_reset(xc__subs *s);

/* The next batch to send: fills topics[] (borrowed, valid until the next mutating call) with up
 * to min(cap, max_per_msg) topics, *sub (subscribe or unsubscribe) and *req_id, marks them
 * pending and returns how many. Returns 0 when nothing is due; then *wait_ms > 0 says when the
 * message-rate limit allows the next one (0 = nothing to send). Expired pending requests are
 * resent. */
size_t xc__subs_next(xc__subs *s, uint64_t now_ms, bool *sub, const char **topics, size_t cap,
                     uint64_t *req_id, uint64_t *wait_ms);
/* Tells the outcome of request req_id. Calls fn(topic, ok, user) for each subscribe topic it
 * settles (fn may be NULL). Returns false when req_id is not one of ours (stale or foreign). */
bool xc__subs_on_reply(xc__subs *s, uint64_t req_id, bool ok,
                       void (*fn)(const char *topic, bool ok, void *user), void *user);

size_t xc__subs_count(const xc__subs *s);     /* desired topics */
size_t xc__subs_confirmed(const xc__subs *s); /* confirmed on this connection */
/* True when every desired topic is confirmed or refused and nothing is pending or leaving. */
bool xc__subs_settled(const xc__subs *s);
/* State of a topic, or -1 when unknown. */
int xc__subs_state(const xc__subs *s, const char *topic);
/* Reference count of a topic (0 when unknown). */
uint32_t xc__subs_refs(const xc__subs *s, const char *topic);

#endif
