/* Circuit breaker per venue / endpoint group: a lock, a name and deferred events around the
 * sans-I/O core in core/breaker.c. */
#include "transport/breaker_group.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

struct xc__breaker_group {
  pthread_mutex_t mu;
  char *name;
  xc_breaker b;
  xc__breaker_event_fn fn;
  void *user;
  xc_breaker_event pend[4]; /* events raised under the lock, delivered after it */
  int npend;
};

static void on_change(xc_breaker *b, const xc_breaker_event *ev, void *user) {
  (void)b;
  xc__breaker_group *g = user;
  if (g->npend < 4) g->pend[g->npend++] = *ev;
}

xc_status xc__breaker_group_new(const char *name, const xc_breaker_opts *o, xc__breaker_event_fn fn,
                                void *user, xc__breaker_group **out) {
  if (!out) return XC_EINVAL;
  *out = NULL;
  xc__breaker_group *g = calloc(1, sizeof *g);
  if (!g) return XC_ENOMEM;
  g->name = strdup(name ? name : "breaker");
  xc_breaker_opts bo;
  if (o) bo = *o;
  else xc_breaker_opts_default(&bo);
  bo.on_change = on_change;
  bo.user = g;
  xc_status st = g->name ? xc_breaker_init(&g->b, &bo) : XC_ENOMEM;
  if (st != XC_OK) {
    free(g->name);
    free(g);
    return st;
  }
  g->fn = fn;
  g->user = user;
  pthread_mutex_init(&g->mu, NULL);
  *out = g;
  return XC_OK;
}

void xc__breaker_group_free(xc__breaker_group *g) {
  if (!g) return;
  pthread_mutex_destroy(&g->mu);
  free(g->name);
  free(g);
}

/* Called with the lock held: takes the pending events and unlocks, then delivers them. */
static void unlock_and_notify(xc__breaker_group *g) {
  xc_breaker_event ev[4];
  int n = g->npend;
  memcpy(ev, g->pend, sizeof(ev[0]) * (size_t)n);
  g->npend = 0;
  pthread_mutex_unlock(&g->mu);
  for (int i = 0; i < n; i++) {
    XC_INFO("breaker", "%s: %s -> %s (%s)", g->name, xc_breaker_state_name(ev[i].from),
            xc_breaker_state_name(ev[i].to), xc_breaker_reason_name(ev[i].reason));
    if (g->fn) g->fn(g->name, &ev[i], g->user);
  }
}

bool xc__breaker_group_allow(xc__breaker_group *g, uint64_t now_ms) {
  pthread_mutex_lock(&g->mu);
  bool ok = xc_breaker_allow(&g->b, now_ms) == XC_OK;
  unlock_and_notify(g);
  return ok;
}

void xc__breaker_group_record(xc__breaker_group *g, xc_status st, uint64_t now_ms) {
  pthread_mutex_lock(&g->mu);
  xc_breaker_record(&g->b, now_ms, st);
  unlock_and_notify(g);
}

void xc__breaker_group_release(xc__breaker_group *g) {
  pthread_mutex_lock(&g->mu);
  xc_breaker_release(&g->b);
  pthread_mutex_unlock(&g->mu);
}

xc_breaker_state xc__breaker_group_state(xc__breaker_group *g, uint64_t now_ms) {
  pthread_mutex_lock(&g->mu);
  xc_breaker_state s = xc_breaker_poll(&g->b, now_ms);
  unlock_and_notify(g);
  return s;
}

const char *xc__breaker_group_name(const xc__breaker_group *g) { return g->name; }
