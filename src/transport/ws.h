/* transport/ws.h: supervised WebSocket client on the engine loop (internal).
 *
 * An xc__ws is a *logical* connection to one ws:// or wss:// URL that stays up on its own:
 * libwebsockets (libuv event-lib plugin) on the engine loop, DNS resolved with uv_getaddrinfo and
 * the TCP connect made to the numeric address with the host name kept for SNI, the Host header and
 * certificate checks; fragmented and chunked frames reassembled into whole messages; protocol
 * pings every ping_interval_ms and an idle watchdog (no data and no pong for idle_timeout_ms means
 * the connection is dead); an optional application ping (Bybit's {"op":"ping"}); reconnect with
 * exponential backoff and jitter (core/backoff.h) up to a cap; a subscription registry
 * (transport/subs.h) replayed after every reconnect, after re-authentication on private
 * connections; planned rotation before max_lifetime_ms with no gap (open the new connection,
 * subscribe and wait for every confirmation, then switch and close the old one).
 *
 * Venue specifics come through xc__ws_venue hooks: how to build (un)subscribe and login messages
 * and how to recognise their replies. Without hooks the connection only carries raw messages.
 *
 * Threading: xc__ws_new, _send, _subscribe, _unsubscribe, _kick, _close and _stats are
 * thread-safe (they copy their arguments and post to the engine). Callbacks run on the engine
 * thread. Message data is valid only during on_message.
 *
 * Lifetime: after xc__ws_new succeeds the connection runs until xc__ws_close() or engine shutdown;
 * both end with exactly one final on_state event (state XC__WS_CLOSED, final == true), after which
 * the handle is freed and must not be used. Do not call anything on the handle after
 * xc__ws_close() returns.
 */
#ifndef XC_TRANSPORT_WS_H
#define XC_TRANSPORT_WS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/backoff.h"
#include "core/buf.h"
#include "transport/engine.h"
#include "xconn/status.h"

typedef struct xc__ws xc__ws;
typedef struct xc__breaker_group xc__breaker_group;

typedef enum xc__ws_state {
  XC__WS_CONNECTING = 0, /* first connect in progress */
  XC__WS_OPEN,           /* usable (authenticated if private) */
  XC__WS_RECONNECTING,   /* lost; waiting for the backoff delay or reconnecting */
  XC__WS_CLOSED          /* closed for good (user close or shutdown) */
} xc__ws_state;

typedef enum xc__ws_reason {
  XC__WSR_NONE = 0,
  XC__WSR_CONNECT_FAILED, /* DNS, TCP, TLS or handshake failure */
  XC__WSR_PEER_CLOSED,    /* the server closed (close_code says how) or the TCP connection died */
  XC__WSR_IDLE,           /* watchdog: no data and no pong within idle_timeout_ms */
  XC__WSR_TOO_BIG,        /* a message exceeded max_message */
  XC__WSR_AUTH_FAILED,    /* the venue refused the login */
  XC__WSR_KICKED,         /* xc__ws_kick() */
  XC__WSR_ROTATED,        /* planned rotation completed (state stays OPEN) */
  XC__WSR_BREAKER,        /* the breaker is open: connect attempt skipped */
  XC__WSR_USER,           /* xc__ws_close() */
  XC__WSR_SHUTDOWN        /* engine shutdown */
} xc__ws_reason;

const char *xc__ws_state_name(xc__ws_state s);
const char *xc__ws_reason_name(xc__ws_reason r);

typedef struct xc__ws_event {
  xc__ws_state state;
  xc__ws_reason reason;
  int close_code;        /* WebSocket close code from the peer, 0 if none */
  const char *detail;    /* human-readable detail, never NULL */
  uint32_t attempt;      /* RECONNECTING: consecutive failed attempts so far */
  uint64_t retry_in_ms;  /* RECONNECTING: delay before the next attempt */
  bool final;            /* CLOSED for good: the handle is freed after this call */
} xc__ws_event;

/* Venue hooks for subscriptions and login. All run on the engine thread. */
typedef struct xc__ws_venue {
  size_t max_topics_per_msg; /* topics per (un)subscribe message; 0 = 50 */
  size_t max_topics;         /* topics per connection; 0 = unlimited */
  uint32_t max_msgs_per_s;   /* control messages per second; 0 = unlimited */
  uint32_t reply_timeout_ms; /* unanswered (un)subscribe is resent after this; 0 = 10000 */
  /* Builds a subscribe (sub) or unsubscribe message for topics into out, tagged with req_id. */
  xc_status (*build_sub)(void *vctx, bool sub, const char *const *topics, size_t n, uint64_t req_id,
                         xc_buf *out);
  /* Builds a login message (private connections), or NULL for public ones. */
  xc_status (*build_auth)(void *vctx, uint64_t req_id, xc_buf *out);
  /* Looks at an incoming message: returns 1 when it is a reply carrying a request id (fills
   * *req_id and *ok), 2 when it is venue chatter to swallow (pong), 0 for data. A reply whose id
   * is not a pending login or (un)subscribe of this connection is delivered as data (WS-API
   * responses, late replies from before a reconnect). */
  int (*classify)(void *vctx, const char *msg, size_t len, uint64_t *req_id, bool *ok);
  void *vctx;
} xc__ws_venue;

typedef void (*xc__ws_state_fn)(xc__ws *ws, const xc__ws_event *ev, void *user);
typedef void (*xc__ws_msg_fn)(xc__ws *ws, const char *data, size_t len, bool binary, void *user);
/* A subscription was confirmed (ok) or refused by the venue (called once per topic and attempt),
 * or could not be registered at all (ok == false: the connection's topic limit is reached). */
typedef void (*xc__ws_sub_fn)(xc__ws *ws, const char *topic, bool ok, void *user);

typedef struct xc__ws_opts {
  const char *url;                /* ws://host:port/path or wss://... (required, copied) */
  uint32_t ping_interval_ms;      /* protocol ping period; default 20000; 0 = off */
  uint32_t idle_timeout_ms;       /* dead after this long without data or pong; default 60000; 0 = off */
  const char *app_ping_text;      /* application ping payload (copied), e.g. {"op":"ping"} */
  uint32_t app_ping_interval_ms;  /* default 20000 when app_ping_text is set */
  size_t max_message;             /* largest reassembled message; default 8 MiB */
  size_t max_outq;                /* queued outgoing messages; default 4096 (beyond: dropped) */
  bool no_reconnect;              /* default false: reconnect forever */
  xc_backoff_opts backoff;        /* reconnect delays; zeroed = core defaults (500 ms .. 30 s) */
  uint32_t max_lifetime_ms;       /* rotate before the venue's limit; 0 = never */
  uint32_t rotate_margin_ms;      /* rotate this long before max_lifetime_ms; default 10 % of it */
  const xc__ws_venue *venue;      /* optional; copied (vctx is borrowed) */
  xc__breaker_group *breaker;     /* optional: connect attempts are gated and recorded */
  xc__ws_state_fn on_state;
  xc__ws_msg_fn on_message;
  xc__ws_sub_fn on_sub;
  void *user;
} xc__ws_opts;

void xc__ws_opts_default(xc__ws_opts *o);

/* Creates the connection and starts connecting. Thread-safe. */
xc_status xc__ws_new(xc__engine *e, const xc__ws_opts *o, xc__ws **out);
/* Queues a text message (copied). Sent if the connection is open when the engine gets to it,
 * otherwise dropped and counted (stats.dropped). Thread-safe. */
xc_status xc__ws_send(xc__ws *ws, const char *data, size_t len);
/* Adds a reference to topic (copied); the first reference subscribes. Thread-safe. */
xc_status xc__ws_subscribe(xc__ws *ws, const char *topic);
/* Drops a reference; the last one unsubscribes. Thread-safe. */
xc_status xc__ws_unsubscribe(xc__ws *ws, const char *topic);
/* Unsubscribes and subscribes the topic again on the wire (a fresh snapshot on venues that send
 * one on subscribe). A quick unsubscribe + subscribe pair may be merged into nothing by the
 * registry; this is the call that always reaches the venue. Thread-safe. */
xc_status xc__ws_resubscribe(xc__ws *ws, const char *topic);
/* Drops the current connection as if it had failed (reconnects). Thread-safe. */
xc_status xc__ws_kick(xc__ws *ws);
/* Starts a planned rotation now (as if max_lifetime were near). Thread-safe. */
xc_status xc__ws_rotate(xc__ws *ws);
/* Replaces the URL used from the next connection attempt on (e.g. a new listen key); the
 * current connection is kept. XC_EINVAL for an unparsable URL. Thread-safe. */
xc_status xc__ws_set_url(xc__ws *ws, const char *url);
/* Closes for good; the final CLOSED event follows on the engine thread. Thread-safe. */
xc_status xc__ws_close(xc__ws *ws);

typedef struct xc__ws_stats {
  uint64_t connects;       /* successful handshakes */
  uint64_t connect_fails;  /* failed attempts */
  uint64_t disconnects;    /* established connections lost */
  uint64_t messages;       /* messages delivered to on_message */
  uint64_t bytes;          /* payload bytes delivered */
  uint64_t pings_sent, pongs;
  uint64_t sub_msgs;       /* (un)subscribe messages sent */
  uint64_t dropped;        /* outgoing messages dropped (not open, or queue full) */
  uint64_t rotations;      /* completed planned rotations */
  uint32_t topics;         /* desired topics */
  uint32_t confirmed;      /* confirmed on the current connection */
  int state;               /* xc__ws_state */
} xc__ws_stats;
/* Snapshot of the counters. Thread-safe (valid until the final event). */
void xc__ws_stats_get(xc__ws *ws, xc__ws_stats *out);

#endif
