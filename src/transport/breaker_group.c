/* Circuit breaker per venue / endpoint group: lock + events around a closed/open/half-open
 * machine. (Interim machine kept here until the sans-I/O core in src/core/breaker.h lands.) */
#include "transport/breaker_group.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

struct xc__breaker_group {
  pthread_mutex_t mu;
  char *name;
  xc__breaker_group_opts o;
  xc__brk_state st;
  uint32_t fails;      /* consecutive failures while closed */
  uint32_t probes;     /* probes in flight while half-open */
  uint64_t opened_at;
  xc__breaker_event_fn fn;
  void *user;
};

void xc__breaker_group_opts_default(xc__breaker_group_opts *o) {
  memset(o, 0, sizeof *o);
  o->name = "breaker";
  o->failure_threshold = 5;
  o->open_ms = 5000;
  o->half_open_probes = 1;
}

const char *xc__brk_state_name(xc__brk_state s) {
  switch (s) {
  case XC__BRK_CLOSED: return "closed";
  case XC__BRK_OPEN: return "open";
  case XC__BRK_HALF_OPEN: return "half-open";
  }
  return "?";
}

xc_status xc__breaker_group_new(const xc__breaker_group_opts *o, xc__breaker_event_fn fn,
                                void *user, xc__breaker_group **out) {
  if (!out) return XC_EINVAL;
  *out = NULL;
  xc__breaker_group_opts d;
  if (!o) {
    xc__breaker_group_opts_default(&d);
    o = &d;
  }
  xc__breaker_group *g = calloc(1, sizeof *g);
  if (!g) return XC_ENOMEM;
  g->name = strdup(o->name ? o->name : "breaker");
  if (!g->name) {
    free(g);
    return XC_ENOMEM;
  }
  g->o = *o;
  g->o.name = g->name;
  if (!g->o.failure_threshold) g->o.failure_threshold = 5;
  if (!g->o.open_ms) g->o.open_ms = 5000;
  if (!g->o.half_open_probes) g->o.half_open_probes = 1;
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

static void notify(xc__breaker_group *g, xc__brk_state from, xc__brk_state to) {
  if (from == to) return;
  XC_INFO("breaker", "%s: %s -> %s", g->name, xc__brk_state_name(from), xc__brk_state_name(to));
  if (g->fn) g->fn(g->name, from, to, g->user);
}

bool xc__breaker_group_allow(xc__breaker_group *g, uint64_t now_ms) {
  pthread_mutex_lock(&g->mu);
  xc__brk_state from = g->st;
  bool ok;
  if (g->st == XC__BRK_OPEN && now_ms - g->opened_at >= g->o.open_ms) {
    g->st = XC__BRK_HALF_OPEN;
    g->probes = 0;
  }
  if (g->st == XC__BRK_CLOSED) ok = true;
  else if (g->st == XC__BRK_HALF_OPEN && g->probes < g->o.half_open_probes) {
    g->probes++;
    ok = true;
  } else ok = false;
  xc__brk_state to = g->st;
  pthread_mutex_unlock(&g->mu);
  notify(g, from, to);
  return ok;
}

void xc__breaker_group_record(xc__breaker_group *g, bool failure, uint64_t now_ms) {
  pthread_mutex_lock(&g->mu);
  xc__brk_state from = g->st;
  switch (g->st) {
  case XC__BRK_CLOSED:
    if (!failure) g->fails = 0;
    else if (++g->fails >= g->o.failure_threshold) {
      g->st = XC__BRK_OPEN;
      g->opened_at = now_ms;
    }
    break;
  case XC__BRK_HALF_OPEN:
    if (g->probes) g->probes--;
    if (failure) {
      g->st = XC__BRK_OPEN;
      g->opened_at = now_ms;
    } else {
      g->st = XC__BRK_CLOSED;
      g->fails = 0;
    }
    break;
  case XC__BRK_OPEN: /* a request allowed before opening finished late: ignore */
    break;
  }
  xc__brk_state to = g->st;
  pthread_mutex_unlock(&g->mu);
  notify(g, from, to);
}

void xc__breaker_group_release(xc__breaker_group *g) {
  pthread_mutex_lock(&g->mu);
  if (g->st == XC__BRK_HALF_OPEN && g->probes) g->probes--;
  pthread_mutex_unlock(&g->mu);
}

xc__brk_state xc__breaker_group_state(xc__breaker_group *g) {
  pthread_mutex_lock(&g->mu);
  xc__brk_state s = g->st;
  pthread_mutex_unlock(&g->mu);
  return s;
}
