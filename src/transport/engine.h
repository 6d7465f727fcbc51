/* transport/engine.h: the engine thread (internal).
 *
 * One engine = one thread running one libuv loop. That loop hosts libcurl's multi interface
 * (http.c), libwebsockets through its libuv event-lib plugin (ws.c) and every timer of the client.
 * No dependency type (libuv, curl, lws) appears in this header.
 *
 * Threading rules
 * - xc__engine_new() and xc__engine_free() are called by the owner (any one thread at a time).
 *   xc__engine_free() may also be called from inside a callback on the engine thread; it then
 *   stops the loop asynchronously and the thread frees the engine when it exits.
 * - xc__engine_post() is thread-safe (also from the engine thread). Commands run on the engine
 *   thread in FIFO order, on a later loop iteration, never inline.
 * - Everything else here (timers, now_ms, shutdown hooks) is engine-thread only.
 *
 * - Callbacks and commands run on the engine thread and must not block: everything the client
 *   does (market data, REST, timers) waits while one runs.
 *
 * Lifetime: a posted command runs exactly once: normally (cancelled == false) or, if the engine
 * stops first, with cancelled == true during shutdown. A post that fails (queue full, engine
 * stopping) never runs. At shutdown the engine runs pending commands cancelled, then the
 * shutdown hooks in reverse order of registration (modules complete their pending requests with
 * XC_ECANCELED there), then closes every timer and the loop, and joins the thread.
 */
#ifndef XC_TRANSPORT_ENGINE_H
#define XC_TRANSPORT_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "xconn/status.h"

typedef struct xc__engine xc__engine;
typedef struct xc__timer xc__timer;

typedef struct xc__engine_opts {
  size_t queue_cap;           /* bounded command queue capacity; default 4096 */
  const char *ca_file;        /* PEM CA bundle for TLS verification; NULL = system default */
  const char *ca_dir;         /* hashed CA directory; NULL = system default */
  bool tls_insecure;          /* disable peer verification (tests only); default false */
  uint32_t connect_timeout_ms;/* TCP+TLS connect timeout for HTTP and WS; default 10000 */
  const char *name;           /* thread name prefix (max 15 chars used); default "xc-engine" */
} xc__engine_opts;

void xc__engine_opts_default(xc__engine_opts *o);

/* Creates the engine and starts its thread. Strings in opts are copied. */
xc_status xc__engine_new(const xc__engine_opts *opts, xc__engine **out);
/* Stops the loop, runs pending commands cancelled, runs the shutdown hooks, joins the thread and
 * frees everything. NULL is a no-op. See the threading rules above for the in-callback case. */
void xc__engine_free(xc__engine *e);

/* A command run on the engine thread. */
typedef void (*xc__engine_fn)(xc__engine *e, void *arg, bool cancelled);
/* Queues fn(arg) for the engine thread. Thread-safe. XC_EFULL when the queue is full,
 * XC_ECANCELED when the engine is stopping; in both cases fn never runs. */
xc_status xc__engine_post(xc__engine *e, xc__engine_fn fn, void *arg);
/* True when called on the engine thread. Thread-safe. */
bool xc__engine_on_thread(const xc__engine *e);
/* True once shutdown has begun. Thread-safe. */
bool xc__engine_stopping(xc__engine *e);
/* The engine's options (strings owned by the engine). */
const xc__engine_opts *xc__engine_opts_get(const xc__engine *e);
/* Loop time in milliseconds (monotonic, cached per loop iteration). Engine thread only. */
uint64_t xc__engine_now_ms(xc__engine *e);

/* Shutdown hooks: fn(e, arg) runs on the engine thread when shutdown begins (reverse order of
 * registration); post_fn (may be NULL) runs after the loop has drained, before it is closed.
 * Engine thread only. */
typedef void (*xc__engine_hook_fn)(xc__engine *e, void *arg);
xc_status xc__engine_add_hook(xc__engine *e, xc__engine_hook_fn fn, xc__engine_hook_fn post_fn,
                              void *arg);

/* Module slots: one per module kind, owned and interpreted by that module (engine thread only). */
enum { XC__SLOT_HTTP = 0, XC__SLOT_WS = 1, XC__SLOT_COUNT = 4 };
void *xc__engine_slot(xc__engine *e, int slot);
void xc__engine_set_slot(xc__engine *e, int slot, void *v);

/* The underlying loop (a uv_loop_t *) for transport modules only. Engine thread only. */
void *xc__engine_uv_loop(xc__engine *e);

/* Timers (engine thread only). A timer calls fn(t, arg) after timeout_ms and then every repeat_ms
 * (0 = once). xc__timer_free() may be called from the timer's own callback. Timers still alive at
 * shutdown are closed by the engine after the hooks run (the owner must not use them afterwards). */
typedef void (*xc__timer_fn)(xc__timer *t, void *arg);
xc__timer *xc__timer_new(xc__engine *e, xc__timer_fn fn, void *arg);
void xc__timer_start(xc__timer *t, uint64_t timeout_ms, uint64_t repeat_ms);
void xc__timer_stop(xc__timer *t);
bool xc__timer_active(const xc__timer *t);
void xc__timer_free(xc__timer *t);

/* Counters for tests and diagnostics. Thread-safe. */
typedef struct xc__engine_stats {
  uint64_t commands_run;      /* commands run normally */
  uint64_t commands_cancelled;/* commands run with cancelled == true */
  uint64_t posts_rejected;    /* posts refused (full or stopping) */
  uint64_t timers_live;       /* timers allocated and not yet freed */
} xc__engine_stats;
void xc__engine_stats_get(xc__engine *e, xc__engine_stats *out);

#endif
