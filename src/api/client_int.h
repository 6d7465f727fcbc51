/* api/client_int.h: the client's internals, shared by the public-API files (client.c,
 * instruments.c, md.c) and by the orders/account code that extends the client.
 *
 * Threading: fields marked [engine] are touched only on the engine thread; [mu] under c->mu;
 * [const] set in xc_client_new and never changed.
 */
#ifndef XC_API_CLIENT_INT_H
#define XC_API_CLIENT_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "core/buf.h"
#include "core/ratelimit.h"
#include "transport/engine.h"
#include "transport/http.h"
#include "transport/ws.h"
#include "venues/venue.h"
#include "xconn/client.h"
#include "xconn/events.h"
#include "xconn/market.h"

#define XC__NVENUES 3 /* indexed by xc_venue */
#define XC__URL_MAX 256
#define XC__TOPIC_MAX 64

typedef struct xc__md_conn xc__md_conn;
typedef struct xc__md_stream xc__md_stream;
typedef struct xc__md_sub xc__md_sub;

/* Instruments of one (venue, market). */
typedef struct xc__instr_table {
  xc_instrument *arr; /* [mu] sorted by unified symbol */
  size_t n;           /* [mu] */
  int state;          /* [mu] 0 never loaded, 1 loading, 2 loaded, 3 last load failed */
  xc_status last;     /* [mu] outcome of the last load */
  uint64_t loads;     /* [mu] completed successful loads (refreshes included) */
  uint64_t done;      /* [mu] completed loads, successful or not */
  char err[256];      /* [mu] detail of the last failure */
} xc__instr_table;

struct xc_client {
  xc_client_opts opts;                          /* [const] strings below are owned copies */
  char *ca_file, *ca_path;
  xc_credentials cred[XC__NVENUES];             /* [const] copies, wiped on free */
  xc__engine *eng;                              /* [const] */
  char rest_url[XC__NVENUES][XC__NMARKETS][XC__URL_MAX]; /* [const] "" = not configured */
  char ws_url[XC__NVENUES][XC__NMARKETS][XC__URL_MAX];
  pthread_mutex_t mu;
  pthread_cond_t cv;                            /* instrument loads completed */
  xc__instr_table instr[XC__NVENUES][XC__NMARKETS];
  xc__timer *instr_timer;                       /* [engine] periodic refresh */
  xc_rl *rl[XC__NVENUES][XC__NMARKETS];         /* [engine] REST budget per venue product */
  xc__md_conn *conn[XC__NVENUES][XC__NMARKETS]; /* [engine] public market-data connections */
  xc__md_sub *subs;                             /* [mu] every user subscription */
  xc__md_stream *books;                         /* [books_lock] book streams, for readers */
  pthread_rwlock_t books_lock;
  uint64_t next_sub_id;                         /* [mu] */
  xc__timer *check_timer;                       /* [engine] book staleness checks */
  int64_t rest_refused_wait_ms;                 /* [engine] set when xc__client_rest_get refuses a request
                                                 * for budget: ms until it would fit (0: never / unknown) */
  atomic_bool stopping;
  int in_callback;                              /* [engine] depth of user callbacks */
  bool free_deferred;                           /* [engine] xc_client_free called in a callback */
};

/* Delivers one event to the user (engine thread). */
void xc__client_emit(xc_client *c, xc_event *ev);
/* Records the calling thread's error detail for xc_client_errmsg(); returns st. */
xc_status xc__client_fail(const xc_client *c, xc_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A completed REST call: body is the response (status < 300 means success); st is XC_OK or the
 * transport / venue failure (then msg says why). Runs on the engine thread. */
typedef void (*xc__rest_cb)(xc_client *c, xc_status st, int http_status, const char *body, size_t len,
                            const char *msg, void *user);
/* Issues a public GET of path_query on (v, m) within the venue's request-weight budget (waiting
 * for budget, or failing with XC_EWOULDLIMIT when rate_limit_fail_fast). Engine thread only. On
 * XC_OK cb runs exactly once (XC_ECANCELED at shutdown); on failure it never runs, and a refusal
 * by the limiter leaves its detail in xc_client_errmsg and the wait in c->rest_refused_wait_ms. */
xc_status xc__client_rest_get(xc_client *c, xc_venue v, xc_market m, const char *path_query, uint32_t weight,
                              xc__rest_cb cb, void *user);

/* Completes the REST requests still waiting for rate-limit budget with XC_ECANCELED (shutdown). */
void xc__client_cancel_delayed(xc_client *c);

/* instruments.c */
/* Starts a load of (v, m) unless one is running (engine thread). */
void xc__instr_load(xc_client *c, xc_venue v, xc_market m);
void xc__instr_free_all(xc_client *c);

/* md.c */
void xc__md_shutdown(xc_client *c);  /* engine thread, at shutdown start */
void xc__md_free_all(xc_client *c);  /* after the engine stopped */

#endif
