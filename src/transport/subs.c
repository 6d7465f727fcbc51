/* Subscription registry (sans-I/O): desired topics with refcounts, per-connection request state,
 * batching within venue limits, reply matching. See subs.h. */
#include "transport/subs.h"

#include <stdlib.h>
#include <string.h>

typedef struct entry {
  char *topic;
  uint32_t refs;
  uint8_t state;
  bool leaving; /* refs hit 0 while a subscribe was in flight */
  bool readd;   /* re-added while an unsubscribe was in flight */
  uint64_t req_id;
  uint64_t sent_at;
} entry;

#define RATE_RING 64

struct xc__subs {
  xc__subs_limits lim;
  entry *v;
  size_t n, cap;
  uint64_t next_id;
  uint64_t sent[RATE_RING]; /* send times, ring */
  size_t nsent, head;
};

static void lim_defaults(xc__subs_limits *l) {
  if (!l->max_per_msg) l->max_per_msg = 50;
  if (!l->reply_timeout_ms) l->reply_timeout_ms = 10000;
  if (l->max_msgs_per_s > RATE_RING) l->max_msgs_per_s = RATE_RING;
}

xc_status xc__subs_new(const xc__subs_limits *lim, xc__subs **out) {
  *out = NULL;
  xc__subs *s = calloc(1, sizeof *s);
  if (!s) return XC_ENOMEM;
  if (lim) s->lim = *lim;
  lim_defaults(&s->lim);
  s->next_id = 1;
  *out = s;
  return XC_OK;
}

void xc__subs_free(xc__subs *s) {
  if (!s) return;
  for (size_t i = 0; i < s->n; i++) free(s->v[i].topic);
  free(s->v);
  free(s);
}

static entry *find(const xc__subs *s, const char *topic) {
  for (size_t i = 0; i < s->n; i++)
    if (strcmp(s->v[i].topic, topic) == 0) return &s->v[i];
  return NULL;
}

static void del(xc__subs *s, entry *e) {
  size_t i = (size_t)(e - s->v);
  free(e->topic);
  memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof *e);
  s->n--;
}

static xc_status push(xc__subs *s, const char *topic, uint32_t refs) {
  if (s->n == s->cap) {
    size_t nc = s->cap ? s->cap * 2 : 16;
    entry *nv = realloc(s->v, nc * sizeof *nv);
    if (!nv) return XC_ENOMEM;
    s->v = nv;
    s->cap = nc;
  }
  char *t = strdup(topic);
  if (!t) return XC_ENOMEM;
  s->v[s->n++] = (entry){.topic = t, .refs = refs, .state = XC__SUB_UNSENT};
  return XC_OK;
}

xc_status xc__subs_clone(const xc__subs *s, xc__subs **out) {
  xc_status st = xc__subs_new(&s->lim, out);
  if (st != XC_OK) return st;
  for (size_t i = 0; i < s->n; i++) {
    const entry *e = &s->v[i];
    if (e->refs == 0) continue;
    if ((st = push(*out, e->topic, e->refs)) != XC_OK) {
      xc__subs_free(*out);
      *out = NULL;
      return st;
    }
  }
  (*out)->next_id = s->next_id + 1000000; /* distinct ids in logs; each connection matches its own */
  return XC_OK;
}

size_t xc__subs_count(const xc__subs *s) {
  size_t n = 0;
  for (size_t i = 0; i < s->n; i++) n += s->v[i].refs > 0;
  return n;
}

xc_status xc__subs_add(xc__subs *s, const char *topic, bool *first) {
  if (!topic || !*topic) return XC_EINVAL;
  *first = false;
  entry *e = find(s, topic);
  if (e) {
    if (e->refs++ > 0) return XC_OK;
    *first = true;
    switch (e->state) {
    case XC__SUB_UNSUB_UNSENT: e->state = XC__SUB_CONFIRMED; break; /* never left */
    case XC__SUB_UNSUB_PENDING: e->readd = true; break;
    case XC__SUB_PENDING: e->leaving = false; break;
    default: break;
    }
    return XC_OK;
  }
  if (s->lim.max_topics && xc__subs_count(s) >= s->lim.max_topics) return XC_EFULL;
  xc_status st = push(s, topic, 1);
  if (st == XC_OK) *first = true;
  return st;
}

xc_status xc__subs_remove(xc__subs *s, const char *topic, bool *last) {
  *last = false;
  entry *e = topic ? find(s, topic) : NULL;
  if (!e || e->refs == 0) return XC_ENOTFOUND;
  if (--e->refs > 0) return XC_OK;
  *last = true;
  switch (e->state) {
  case XC__SUB_UNSENT:
  case XC__SUB_REFUSED: del(s, e); break;
  case XC__SUB_PENDING: e->leaving = true; break;
  case XC__SUB_CONFIRMED: e->state = XC__SUB_UNSUB_UNSENT; break;
  case XC__SUB_UNSUB_PENDING: e->readd = false; break;
  case XC__SUB_UNSUB_UNSENT: e->readd = false; break; /* a resubscribe in progress: just leave */
  default: break;
  }
  return XC_OK;
}

xc_status xc__subs_resubscribe(xc__subs *s, const char *topic) {
  entry *e = topic ? find(s, topic) : NULL;
  if (!e || e->refs == 0) return XC_ENOTFOUND;
  if (e->state == XC__SUB_CONFIRMED) {
    e->state = XC__SUB_UNSUB_UNSENT;
    e->readd = true;
  }
  return XC_OK;
}

void xc__subs_reset(xc__subs *s) {
  for (size_t i = 0; i < s->n;) {
    entry *e = &s->v[i];
    if (e->refs == 0) {
      del(s, e);
      continue;
    }
    e->state = XC__SUB_UNSENT;
    e->leaving = e->readd = false;
    e->req_id = 0;
    i++;
  }
  s->nsent = 0;
}

static uint64_t rate_wait(xc__subs *s, uint64_t now) {
  uint32_t max = s->lim.max_msgs_per_s;
  if (!max) return 0;
  /* count sends in (now - 1000, now] */
  size_t in = 0;
  uint64_t oldest = UINT64_MAX;
  for (size_t k = 0; k < s->nsent; k++) {
    uint64_t t = s->sent[(s->head + RATE_RING - 1 - k) % RATE_RING];
    if (t + 1000 <= now) break;
    in++;
    oldest = t;
  }
  if (in < max) return 0;
  /* the max-th most recent send must leave the window */
  uint64_t t = s->sent[(s->head + RATE_RING - max) % RATE_RING];
  (void)oldest;
  return t + 1000 - now;
}

size_t xc__subs_next(xc__subs *s, uint64_t now, bool *sub, const char **topics, size_t cap,
                     uint64_t *req_id, uint64_t *wait_ms) {
  *wait_ms = 0;
  /* expired requests go back to unsent */
  for (size_t i = 0; i < s->n; i++) {
    entry *e = &s->v[i];
    bool pend = e->state == XC__SUB_PENDING || e->state == XC__SUB_UNSUB_PENDING;
    if (pend && e->sent_at + s->lim.reply_timeout_ms <= now) {
      if (e->state == XC__SUB_PENDING) e->state = e->leaving ? XC__SUB_UNSUB_UNSENT : XC__SUB_UNSENT;
      else e->state = e->readd ? XC__SUB_UNSENT : XC__SUB_UNSUB_UNSENT;
      e->leaving = e->readd = false;
    }
  }
  uint8_t want;
  bool any_unsub = false, any_sub = false;
  for (size_t i = 0; i < s->n; i++) {
    any_unsub |= s->v[i].state == XC__SUB_UNSUB_UNSENT;
    any_sub |= s->v[i].state == XC__SUB_UNSENT && s->v[i].refs > 0;
  }
  if (any_unsub) want = XC__SUB_UNSUB_UNSENT;
  else if (any_sub) want = XC__SUB_UNSENT;
  else return 0;
  uint64_t w = rate_wait(s, now);
  if (w) {
    *wait_ms = w;
    return 0;
  }
  size_t lim = cap < s->lim.max_per_msg ? cap : s->lim.max_per_msg, k = 0;
  uint64_t id = s->next_id++;
  for (size_t i = 0; i < s->n && k < lim; i++) {
    entry *e = &s->v[i];
    if (e->state != want || (want == XC__SUB_UNSENT && e->refs == 0)) continue;
    e->state = want == XC__SUB_UNSENT ? XC__SUB_PENDING : XC__SUB_UNSUB_PENDING;
    e->req_id = id;
    e->sent_at = now;
    topics[k++] = e->topic;
  }
  *sub = want == XC__SUB_UNSENT;
  *req_id = id;
  s->sent[s->head] = now;
  s->head = (s->head + 1) % RATE_RING;
  if (s->nsent < RATE_RING) s->nsent++;
  return k;
}

bool xc__subs_on_reply(xc__subs *s, uint64_t req_id, bool ok,
                       void (*fn)(const char *topic, bool ok, void *user), void *user) {
  bool found = false;
  for (size_t i = 0; i < s->n;) {
    entry *e = &s->v[i];
    if (req_id == 0 || e->req_id != req_id ||
        (e->state != XC__SUB_PENDING && e->state != XC__SUB_UNSUB_PENDING)) {
      i++;
      continue;
    }
    found = true;
    e->req_id = 0;
    if (e->state == XC__SUB_PENDING) {
      if (e->leaving) {
        e->leaving = false;
        if (ok) e->state = XC__SUB_UNSUB_UNSENT;
        else {
          del(s, e);
          continue;
        }
      } else {
        e->state = ok ? XC__SUB_CONFIRMED : XC__SUB_REFUSED;
        if (fn) fn(e->topic, ok, user);
      }
    } else { /* unsubscribe answered */
      if (e->readd) {
        e->readd = false;
        e->state = XC__SUB_UNSENT;
      } else {
        del(s, e);
        continue;
      }
    }
    i++;
  }
  return found;
}

size_t xc__subs_confirmed(const xc__subs *s) {
  size_t n = 0;
  for (size_t i = 0; i < s->n; i++) n += s->v[i].refs > 0 && s->v[i].state == XC__SUB_CONFIRMED;
  return n;
}

bool xc__subs_settled(const xc__subs *s) {
  for (size_t i = 0; i < s->n; i++) {
    const entry *e = &s->v[i];
    if (e->state != XC__SUB_CONFIRMED && e->state != XC__SUB_REFUSED) return false;
  }
  return true;
}

int xc__subs_state(const xc__subs *s, const char *topic) {
  const entry *e = find(s, topic);
  return e ? e->state : -1;
}

uint32_t xc__subs_refs(const xc__subs *s, const char *topic) {
  const entry *e = find(s, topic);
  return e ? e->refs : 0;
}
