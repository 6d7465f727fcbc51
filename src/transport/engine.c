/* The engine thread: one libuv loop, a bounded command queue woken by uv_async, timers, and an
 * orderly shutdown (see engine.h and docs/internals/engine.md). */
#include "transport/engine.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "core/log.h"

typedef struct cmd {
  xc__engine_fn fn;
  void *arg;
} cmd;

typedef struct hook {
  xc__engine_hook_fn fn, post_fn;
  void *arg;
} hook;

struct xc__timer {
  uv_timer_t h;
  xc__engine *e;
  xc__timer_fn fn;
  void *arg;
  xc__timer *prev, *next; /* live list */
  bool closing;
};

struct xc__engine {
  uv_loop_t loop;
  uv_async_t async;
  pthread_t thread;
  pthread_t tid; /* set by the thread itself before `ready` */
  pthread_mutex_t mu;
  pthread_cond_t cv;
  /* command ring, guarded by mu */
  cmd *ring;
  size_t cap, head, count;
  bool stopping;    /* guarded by mu: no new posts */
  bool shut_begun;  /* engine thread only */
  bool ready;       /* guarded by mu: thread started (or failed) */
  xc_status start_st;
  bool self_free;   /* freed by its own thread (free called on the engine thread) */
  _Atomic bool stopping_flag;
  hook hooks[16];
  size_t nhooks;
  void *slots[XC__SLOT_COUNT];
  xc__timer *timers;
  xc__engine_opts opts;
  char *ca_file, *ca_dir, *name;
  _Atomic uint64_t n_run, n_cancel, n_reject, n_timers;
};

void xc__engine_opts_default(xc__engine_opts *o) {
  memset(o, 0, sizeof *o);
  o->queue_cap = 4096;
  o->connect_timeout_ms = 10000;
  o->name = "xc-engine";
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static void run_pending(xc__engine *e, bool cancelled) {
  for (;;) {
    pthread_mutex_lock(&e->mu);
    if (e->count == 0) {
      pthread_mutex_unlock(&e->mu);
      return;
    }
    cmd c = e->ring[e->head];
    e->head = (e->head + 1) % e->cap;
    e->count--;
    pthread_mutex_unlock(&e->mu);
    c.fn(e, c.arg, cancelled);
    atomic_fetch_add(cancelled ? &e->n_cancel : &e->n_run, 1);
  }
}

static void timer_close_cb(uv_handle_t *h) {
  xc__timer *t = h->data;
  atomic_fetch_sub(&t->e->n_timers, 1);
  free(t);
}

static void begin_shutdown(xc__engine *e) {
  if (e->shut_begun) return;
  e->shut_begun = true;
  run_pending(e, true);
  for (size_t i = e->nhooks; i-- > 0;)
    if (e->hooks[i].fn) e->hooks[i].fn(e, e->hooks[i].arg);
  /* Anything posted by the hooks before `stopping` took effect is drained too. */
  run_pending(e, true);
  while (e->timers) {
    XC_DEBUG("engine", "closing a timer left alive at shutdown");
    xc__timer_free(e->timers);
  }
  uv_close((uv_handle_t *)&e->async, NULL);
}

static void async_cb(uv_async_t *a) {
  xc__engine *e = a->data;
  pthread_mutex_lock(&e->mu);
  bool stop = e->stopping;
  pthread_mutex_unlock(&e->mu);
  if (stop) {
    begin_shutdown(e);
    return;
  }
  /* Run only the commands present now: commands posted by these commands run next iteration. */
  pthread_mutex_lock(&e->mu);
  size_t n = e->count;
  pthread_mutex_unlock(&e->mu);
  while (n--) {
    pthread_mutex_lock(&e->mu);
    if (e->count == 0 || e->stopping) {
      pthread_mutex_unlock(&e->mu);
      break;
    }
    cmd c = e->ring[e->head];
    e->head = (e->head + 1) % e->cap;
    e->count--;
    pthread_mutex_unlock(&e->mu);
    c.fn(e, c.arg, false);
    atomic_fetch_add(&e->n_run, 1);
  }
  pthread_mutex_lock(&e->mu);
  bool more = e->count > 0 || e->stopping;
  pthread_mutex_unlock(&e->mu);
  if (more) uv_async_send(&e->async);
}

static void orphan_poll_closed(uv_handle_t *h) { free(h); }

/* A uv_poll handle still open here is libwebsockets' own (lws 4.1 leaves the heap-allocated
 * watcher of a failed client connect stopped but never closed, upstream PR #2434; our transports
 * close theirs in their shutdown hooks): nothing references it any more, so close and free it,
 * or uv_loop_close fails and the loop's memory leaks. Anything else is reported. */
static void walk_report(uv_handle_t *h, void *arg) {
  (void)arg;
  if (h->type == UV_POLL && !uv_is_closing(h)) {
    XC_DEBUG("engine", "closing an orphaned poll handle at loop close");
    uv_close(h, orphan_poll_closed);
    return;
  }
  XC_ERROR("engine", "handle type %d still open at loop close%s", (int)h->type,
           uv_is_closing(h) ? " (closing)" : "");
}

static void engine_free_mem(xc__engine *e) {
  pthread_mutex_destroy(&e->mu);
  pthread_cond_destroy(&e->cv);
  free(e->ring);
  free(e->ca_file);
  free(e->ca_dir);
  free(e->name);
  free(e);
}

static void *engine_main(void *arg) {
  xc__engine *e = arg;
  char tname[16];
  snprintf(tname, sizeof tname, "%s", e->name);
  pthread_setname_np(pthread_self(), tname);
  e->tid = pthread_self();
  int rc = uv_loop_init(&e->loop);
  if (rc == 0) {
    rc = uv_async_init(&e->loop, &e->async, async_cb);
    if (rc != 0) uv_loop_close(&e->loop);
  }
  pthread_mutex_lock(&e->mu);
  e->ready = true;
  e->start_st = rc == 0 ? XC_OK : XC_EINTERNAL;
  pthread_cond_broadcast(&e->cv);
  pthread_mutex_unlock(&e->mu);
  if (rc != 0) return NULL;
  e->async.data = e;
  /* A post may have raced the ready signal: make sure it is seen. */
  uv_async_send(&e->async);
  uv_run(&e->loop, UV_RUN_DEFAULT);
  for (size_t i = e->nhooks; i-- > 0;)
    if (e->hooks[i].post_fn) e->hooks[i].post_fn(e, e->hooks[i].arg);
  /* Post hooks may have closed more handles. */
  uv_run(&e->loop, UV_RUN_DEFAULT);
  if (uv_loop_close(&e->loop) == UV_EBUSY) {
    uv_walk(&e->loop, walk_report, NULL);
    uv_run(&e->loop, UV_RUN_NOWAIT);
    uv_loop_close(&e->loop);
  }
  if (e->self_free) engine_free_mem(e);
  return NULL;
}

xc_status xc__engine_new(const xc__engine_opts *opts, xc__engine **out) {
  if (!out) return XC_EINVAL;
  *out = NULL;
  xc__engine_opts d;
  if (!opts) {
    xc__engine_opts_default(&d);
    opts = &d;
  }
  xc__engine *e = calloc(1, sizeof *e);
  if (!e) return XC_ENOMEM;
  e->opts = *opts;
  if (e->opts.queue_cap == 0) e->opts.queue_cap = 4096;
  if (e->opts.connect_timeout_ms == 0) e->opts.connect_timeout_ms = 10000;
  e->cap = e->opts.queue_cap;
  e->ring = calloc(e->cap, sizeof *e->ring);
  e->ca_file = dup_or_null(opts->ca_file);
  e->ca_dir = dup_or_null(opts->ca_dir);
  e->name = strdup(opts->name ? opts->name : "xc-engine");
  if (!e->ring || !e->name || (opts->ca_file && !e->ca_file) || (opts->ca_dir && !e->ca_dir)) {
    free(e->ring);
    free(e->ca_file);
    free(e->ca_dir);
    free(e->name);
    free(e);
    return XC_ENOMEM;
  }
  e->opts.ca_file = e->ca_file;
  e->opts.ca_dir = e->ca_dir;
  e->opts.name = e->name;
  pthread_mutex_init(&e->mu, NULL);
  pthread_cond_init(&e->cv, NULL);
  if (pthread_create(&e->thread, NULL, engine_main, e) != 0) {
    engine_free_mem(e);
    return XC_EINTERNAL;
  }
  pthread_mutex_lock(&e->mu);
  while (!e->ready) pthread_cond_wait(&e->cv, &e->mu);
  xc_status st = e->start_st;
  pthread_mutex_unlock(&e->mu);
  if (st != XC_OK) {
    pthread_join(e->thread, NULL);
    engine_free_mem(e);
    return st;
  }
  *out = e;
  return XC_OK;
}

void xc__engine_free(xc__engine *e) {
  if (!e) return;
  bool self = xc__engine_on_thread(e);
  pthread_mutex_lock(&e->mu);
  e->stopping = true;
  atomic_store(&e->stopping_flag, true);
  if (self) e->self_free = true;
  uv_async_send(&e->async);
  pthread_mutex_unlock(&e->mu);
  if (self) {
    pthread_detach(e->thread);
    return;
  }
  pthread_join(e->thread, NULL);
  engine_free_mem(e);
}

xc_status xc__engine_post(xc__engine *e, xc__engine_fn fn, void *arg) {
  if (!e || !fn) return XC_EINVAL;
  pthread_mutex_lock(&e->mu);
  if (e->stopping) {
    pthread_mutex_unlock(&e->mu);
    atomic_fetch_add(&e->n_reject, 1);
    return XC_ECANCELED;
  }
  if (e->count == e->cap) {
    pthread_mutex_unlock(&e->mu);
    atomic_fetch_add(&e->n_reject, 1);
    return XC_EFULL;
  }
  e->ring[(e->head + e->count) % e->cap] = (cmd){fn, arg};
  e->count++;
  /* uv_async_send coalesces; waking on the empty->non-empty edge is enough because the callback
   * re-arms itself while commands remain. Sent under the lock so that a concurrent free cannot
   * close the handle in between. */
  if (e->count == 1) uv_async_send(&e->async);
  pthread_mutex_unlock(&e->mu);
  return XC_OK;
}

bool xc__engine_on_thread(const xc__engine *e) { return e && pthread_equal(pthread_self(), e->tid); }

bool xc__engine_stopping(xc__engine *e) { return atomic_load(&e->stopping_flag); }

const xc__engine_opts *xc__engine_opts_get(const xc__engine *e) { return &e->opts; }

uint64_t xc__engine_now_ms(xc__engine *e) { return uv_now(&e->loop); }

xc_status xc__engine_add_hook(xc__engine *e, xc__engine_hook_fn fn, xc__engine_hook_fn post_fn,
                              void *arg) {
  if (e->nhooks == sizeof e->hooks / sizeof e->hooks[0]) return XC_EFULL;
  e->hooks[e->nhooks++] = (hook){fn, post_fn, arg};
  return XC_OK;
}

void *xc__engine_slot(xc__engine *e, int slot) { return e->slots[slot]; }
void xc__engine_set_slot(xc__engine *e, int slot, void *v) { e->slots[slot] = v; }
void *xc__engine_uv_loop(xc__engine *e) { return &e->loop; }

/* ---- timers ---------------------------------------------------------------------------------- */

xc__timer *xc__timer_new(xc__engine *e, xc__timer_fn fn, void *arg) {
  xc__timer *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  if (uv_timer_init(&e->loop, &t->h) != 0) {
    free(t);
    return NULL;
  }
  t->h.data = t;
  t->e = e;
  t->fn = fn;
  t->arg = arg;
  t->next = e->timers;
  if (e->timers) e->timers->prev = t;
  e->timers = t;
  atomic_fetch_add(&e->n_timers, 1);
  return t;
}

static void timer_cb(uv_timer_t *h) {
  xc__timer *t = h->data;
  if (!t->closing) t->fn(t, t->arg);
}

void xc__timer_start(xc__timer *t, uint64_t timeout_ms, uint64_t repeat_ms) {
  if (!t || t->closing) return;
  uv_timer_start(&t->h, timer_cb, timeout_ms, repeat_ms);
}

void xc__timer_stop(xc__timer *t) {
  if (t && !t->closing) uv_timer_stop(&t->h);
}

bool xc__timer_active(const xc__timer *t) {
  return t && !t->closing && uv_is_active((const uv_handle_t *)&t->h);
}

void xc__timer_free(xc__timer *t) {
  if (!t || t->closing) return;
  t->closing = true;
  xc__engine *e = t->e;
  if (t->prev) t->prev->next = t->next;
  else e->timers = t->next;
  if (t->next) t->next->prev = t->prev;
  uv_timer_stop(&t->h);
  uv_close((uv_handle_t *)&t->h, timer_close_cb);
}

void xc__engine_stats_get(xc__engine *e, xc__engine_stats *out) {
  out->commands_run = atomic_load(&e->n_run);
  out->commands_cancelled = atomic_load(&e->n_cancel);
  out->posts_rejected = atomic_load(&e->n_reject);
  out->timers_live = atomic_load(&e->n_timers);
}
