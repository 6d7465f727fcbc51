/* A toy venue protocol for WebSocket tests: the client side (xc__ws_venue hooks) and the server
 * side (xc_tsrv handlers that track subscriptions per connection and detect duplicates).
 *
 *   client -> {"op":"subscribe"|"unsubscribe","id":N,"args":["t1","t2"]}
 *   client -> {"op":"auth","id":N}            client -> {"op":"ping"}
 *   server -> {"id":N,"ok":true|false}        server -> {"op":"pong"}
 *   server -> {"topic":"t1","seq":K}          (data)
 */
#ifndef XC_WSVENUE_H
#define XC_WSVENUE_H

#include <stdbool.h>
#include <stdint.h>
#include "transport/ws.h"
#include "tsrv.h"

/* Client hooks. */
extern const xc__ws_venue xc_tv_venue;        /* public */
extern const xc__ws_venue xc_tv_venue_auth;   /* private: logs in first */

#define XC_TV_MAX_TOPICS 128
#define XC_TV_MAX_CONNS 256

/* Per-connection record kept by the server side. */
typedef struct xc_tv_conn {
  int id;
  int ntopics;
  char topics[XC_TV_MAX_TOPICS][48];
  bool authed;
  int sub_msgs, unsub_msgs, app_pings;
  uint64_t full_at_ns;   /* when ntopics first reached xc_tv_server.expect */
  uint64_t closed_at_ns;
} xc_tv_conn;

typedef struct xc_tv_server {
  xc_tsrv *srv;
  int expect;                 /* topic count that counts as "full" */
  bool require_auth;
  int refuse_auth;            /* refuse this many logins */
  int refuse_topic_subs;      /* reply ok:false for topics starting with "bad" */
  int max_args;               /* protocol limit: more args per message is a violation */
  /* counters (guarded by the server lock) */
  int duplicates, violations, unauth_subs, conns;
  xc_tv_conn *c[XC_TV_MAX_CONNS];
} xc_tv_server;

/* Starts a toy-venue server (plain or TLS). */
xc_tv_server *xc_tv_start(bool tls, const xc_tsrv_opts *extra);
void xc_tv_stop(xc_tv_server *v);
/* Snapshot of the record of the n-th connection (0-based); false if none. */
bool xc_tv_conn_get(xc_tv_server *v, int n, xc_tv_conn *out);
int xc_tv_conn_count(xc_tv_server *v);
/* Totals under the lock. */
void xc_tv_totals(xc_tv_server *v, int *dups, int *violations, int *unauth);
/* Sends {"topic":t,"seq":seq} on the latest connection. */
int xc_tv_push(xc_tv_server *v, const char *topic, int seq);

#endif
