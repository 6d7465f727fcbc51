#include "core/ratelimit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIXED_SLOTS 8 /* window counters kept: the previous one, the current one, reservations ahead */

typedef struct fixed_slot {
  int64_t epoch;
  uint64_t used;
} fixed_slot;

typedef struct limit {
  xc_rl_kind kind;
  xc_rl_window window;
  int64_t interval_ms;
  uint32_t limit;
  char endpoint[XC_RL_KEY_MAX];
  int64_t blocked_until;
  /* FIXED */
  fixed_slot slots[FIXED_SLOTS];
  /* SLIDING: the last `cnt` grant times, oldest at ring[start], ascending */
  int64_t *ring;
  uint32_t cap, cnt, start;
} limit;

struct xc_rl {
  xc_rl_opts o;
  limit lim[XC_RL_MAX_LIMITS];
  size_t n;
  int64_t ban_until;
  int64_t backoff_until;
};

static int64_t floordiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

void xc_rl_opts_default(xc_rl_opts *o) {
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->max_wait_ms = 60000;
  o->edge_ms = 200;
  o->ban_default_ms = 120000;
  o->ip_ban_ms = 600000;
  o->endpoint_block_min_ms = 1000;
}

xc_status xc_rl_new(const xc_rl_opts *o, xc_rl **out) {
  if (!out) return XC_EINVAL;
  *out = NULL;
  xc_rl_opts d;
  xc_rl_opts_default(&d);
  if (!o) o = &d;
  if (o->max_wait_ms < 0 || o->edge_ms < 0 || o->ban_default_ms < 0 || o->ip_ban_ms < 0 ||
      o->endpoint_block_min_ms < 0)
    return XC_EINVAL;
  xc_rl *rl = calloc(1, sizeof *rl);
  if (!rl) return XC_ENOMEM;
  rl->o = *o;
  *out = rl;
  return XC_OK;
}

void xc_rl_free(xc_rl *rl) {
  if (!rl) return;
  for (size_t i = 0; i < rl->n; i++) free(rl->lim[i].ring);
  free(rl);
}

/* ---- fixed windows ---------------------------------------------------------------------------- */

static uint64_t fixed_used(const limit *l, int64_t epoch) {
  const fixed_slot *s = &l->slots[(uint64_t)epoch % FIXED_SLOTS];
  return s->epoch == epoch ? s->used : 0;
}

/* Adds n to the window `epoch` (only if its slot does not already hold a newer window). */
static void fixed_charge(limit *l, int64_t epoch, uint64_t n) {
  fixed_slot *s = &l->slots[(uint64_t)epoch % FIXED_SLOTS];
  if (s->epoch > epoch) return;
  if (s->epoch != epoch) {
    s->epoch = epoch;
    s->used = 0;
  }
  s->used += n;
}

static void fixed_set_max(limit *l, int64_t epoch, uint64_t v) {
  fixed_slot *s = &l->slots[(uint64_t)epoch % FIXED_SLOTS];
  if (s->epoch > epoch) return;
  if (s->epoch != epoch) {
    s->epoch = epoch;
    s->used = 0;
  }
  if (v > s->used) s->used = v;
}

/* The windows a grant at t is charged to: [lo, hi] (hi - lo <= 1 when edge < interval). */
static void fixed_span(const xc_rl *rl, const limit *l, int64_t t, int64_t *lo, int64_t *hi) {
  int64_t edge = rl->o.edge_ms < l->interval_ms ? rl->o.edge_ms : l->interval_ms - 1;
  *lo = floordiv(t - edge, l->interval_ms);
  *hi = floordiv(t + edge, l->interval_ms);
}

/* Earliest time >= t at which cost c fits in every window the grant touches; INT64_MAX if not
 * within the slots we keep. */
static int64_t fixed_earliest(const xc_rl *rl, const limit *l, int64_t now, int64_t t, uint64_t c) {
  int64_t cur = floordiv(now, l->interval_ms);
  for (int guard = 0; guard < 2 * FIXED_SLOTS + 2; guard++) {
    int64_t lo, hi;
    fixed_span(rl, l, t, &lo, &hi);
    if (hi - cur > FIXED_SLOTS - 3) return INT64_MAX; /* beyond the reservation horizon */
    int64_t bad = INT64_MIN;
    for (int64_t e = lo; e <= hi; e++)
      if (fixed_used(l, e) + c > l->limit) bad = e;
    if (bad == INT64_MIN) return t;
    /* move t so that the full window `bad` is behind the grant's earliest arrival */
    int64_t edge = rl->o.edge_ms < l->interval_ms ? rl->o.edge_ms : l->interval_ms - 1;
    int64_t nt = (bad + 1) * l->interval_ms + edge;
    t = nt > t ? nt : t + 1;
  }
  return INT64_MAX;
}

/* ---- sliding windows -------------------------------------------------------------------------- */
/* A sliding limit keeps a sorted log of grant times (reservations in the future included) in a
 * circular buffer of `cap` entries (4 x limit, at least limit + 64). Entries older than the window
 * are pruned; when the log is full a request is refused (never silently forgotten). */

static int64_t ring_at(const limit *l, uint32_t k) { return l->ring[(l->start + k) % l->cap]; }
static void ring_set(limit *l, uint32_t k, int64_t v) { l->ring[(l->start + k) % l->cap] = v; }

static int64_t sliding_len(const xc_rl *rl, const limit *l) { return l->interval_ms + rl->o.edge_ms; }

/* Number of entries <= v. */
static uint32_t ub(const limit *l, int64_t v) {
  uint32_t lo = 0, hi = l->cnt;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (ring_at(l, mid) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* Entries in (a, b]. */
static uint32_t count_in(const limit *l, int64_t a, int64_t b) { return b <= a ? 0 : ub(l, b) - ub(l, a); }

static void ring_prune(const xc_rl *rl, limit *l, int64_t now) {
  int64_t from = now - sliding_len(rl, l);
  while (l->cnt && ring_at(l, 0) <= from) {
    l->start = (l->start + 1) % l->cap;
    l->cnt--;
  }
}

/* Inserts t keeping the order; the caller made sure there is room. */
static void ring_insert(limit *l, int64_t t) {
  uint32_t k = l->cnt++;
  while (k > 0 && ring_at(l, k - 1) > t) {
    ring_set(l, k, ring_at(l, k - 1));
    k--;
  }
  ring_set(l, k, t);
}

/* Grants counted in (t - len, +inf): the window ending at t plus reservations after it. */
static uint32_t sliding_count(const xc_rl *rl, const limit *l, int64_t t) {
  return l->cnt - ub(l, t - sliding_len(rl, l));
}

/* Earliest time >= t where c more grants keep every window (x - len, x] that contains them within
 * the limit. A grant at t lies in the windows ending in [t, t + len); counts only rise at grant
 * times, so x = t and the grants in (t, t + len) are the windows to check. A window's count does
 * not depend on t, so each grant's window is checked at most once per call; when one fails, every
 * time up to its end is infeasible too (it contains them all) and t jumps past it. t only grows, so
 * every pointer below only moves forward: one call costs O(log n + entries visited).
 * INT64_MAX when the log has no room. */
static int64_t sliding_earliest(const xc_rl *rl, const limit *l, int64_t t, uint32_t c) {
  if (l->cnt + c > l->cap) return INT64_MAX;
  int64_t len = sliding_len(rl, l);
  uint32_t a = ub(l, t - len), b = ub(l, t); /* the window ending at t is entries [a, b) */
  uint32_t k = b;                              /* next grant whose window is unchecked */
  uint32_t j = a;                              /* left edge of the window ending at grant k */
  for (uint32_t guard = 0; guard <= 2 * l->cnt + 2; guard++) {
    while (a < l->cnt && ring_at(l, a) <= t - len) a++;
    while (b < l->cnt && ring_at(l, b) <= t) b++;
    if ((b - a) + c > l->limit) {
      /* the oldest grants in it must leave first */
      t = ring_at(l, a + ((b - a) + c - l->limit) - 1) + len;
      continue;
    }
    if (k < b) k = b; /* grants at or before t: their windows are covered by the check above */
    int64_t xfail = INT64_MIN;
    for (; k < l->cnt; k++) {
      int64_t g = ring_at(l, k);
      if (g >= t + len) break;
      while (j < k && ring_at(l, j) <= g - len) j++;
      if ((k + 1 - j) + c > l->limit) xfail = g;
    }
    if (xfail == INT64_MIN) return t;
    t = xfail + 1;
  }
  return INT64_MAX;
}

static uint32_t ring_cap(uint32_t lim) {
  uint64_t c = (uint64_t)lim * 4;
  if (c < (uint64_t)lim + 64) c = (uint64_t)lim + 64;
  return (uint32_t)c;
}

/* ---- configuration ---------------------------------------------------------------------------- */

static bool same_limit(const limit *l, xc_rl_kind kind, xc_rl_window w, int64_t interval_ms, const char *ep) {
  if (l->kind != kind || l->window != w || l->interval_ms != interval_ms) return false;
  return kind != XC_RL_ENDPOINT || strcmp(l->endpoint, ep) == 0;
}

/* Re-sizes a sliding limit's log, keeping the newest grants. */
static xc_status ring_resize(limit *l, uint32_t newlim) {
  uint32_t cap = ring_cap(newlim);
  int64_t *r = malloc(sizeof(int64_t) * cap);
  if (!r) return XC_ENOMEM;
  uint32_t keep = l->cnt < cap ? l->cnt : cap;
  for (uint32_t k = 0; k < keep; k++) r[k] = ring_at(l, l->cnt - keep + k);
  free(l->ring);
  l->ring = r;
  l->cap = cap;
  l->cnt = keep;
  l->start = 0;
  l->limit = newlim;
  return XC_OK;
}

xc_status xc_rl_add(xc_rl *rl, xc_rl_kind kind, xc_rl_window window, int64_t interval_ms, uint32_t lim,
                    const char *endpoint, int *idx) {
  if (!rl || interval_ms <= 0 || lim == 0 || (unsigned)kind > (unsigned)XC_RL_ENDPOINT ||
      (unsigned)window > (unsigned)XC_RL_SLIDING)
    return XC_EINVAL;
  if (kind == XC_RL_ENDPOINT && (!endpoint || !*endpoint || strlen(endpoint) >= XC_RL_KEY_MAX))
    return XC_EINVAL;
  if (window == XC_RL_SLIDING && lim > XC_RL_SLIDING_MAX) return XC_ERANGE;
  for (size_t i = 0; i < rl->n; i++) {
    limit *l = &rl->lim[i];
    if (!same_limit(l, kind, window, interval_ms, endpoint)) continue;
    if (window == XC_RL_SLIDING && lim != l->limit) {
      xc_status st = ring_resize(l, lim);
      if (st != XC_OK) return st;
    }
    l->limit = lim;
    if (idx) *idx = (int)i;
    return XC_OK;
  }
  if (rl->n >= XC_RL_MAX_LIMITS) return XC_EFULL;
  limit *l = &rl->lim[rl->n];
  memset(l, 0, sizeof *l);
  l->kind = kind;
  l->window = window;
  l->interval_ms = interval_ms;
  l->limit = lim;
  if (kind == XC_RL_ENDPOINT) snprintf(l->endpoint, sizeof l->endpoint, "%s", endpoint);
  for (int s = 0; s < FIXED_SLOTS; s++) l->slots[s].epoch = INT64_MIN;
  if (window == XC_RL_SLIDING) {
    l->cap = ring_cap(lim);
    l->ring = malloc(sizeof(int64_t) * l->cap);
    if (!l->ring) return XC_ENOMEM;
  }
  if (idx) *idx = (int)rl->n;
  rl->n++;
  return XC_OK;
}

int xc_rl_find_endpoint(const xc_rl *rl, const char *endpoint) {
  if (!rl || !endpoint) return -1;
  for (size_t i = 0; i < rl->n; i++)
    if (rl->lim[i].kind == XC_RL_ENDPOINT && strcmp(rl->lim[i].endpoint, endpoint) == 0) return (int)i;
  return -1;
}

size_t xc_rl_count(const xc_rl *rl) { return rl ? rl->n : 0; }

/* ---- acquire ---------------------------------------------------------------------------------- */

static uint64_t cost_of(const limit *l, int idx, const xc_rl_req *r) {
  switch (l->kind) {
  case XC_RL_REQUEST_WEIGHT: return r->weight;
  case XC_RL_ORDERS: return r->orders;
  case XC_RL_RAW_REQUESTS:
  case XC_RL_IP_REQUESTS: return 1;
  case XC_RL_ENDPOINT: return idx == r->endpoint ? (r->endpoint_cost ? r->endpoint_cost : 1) : 0;
  }
  return 0;
}

xc_status xc_rl_acquire_req(xc_rl *rl, int64_t now, const xc_rl_req *req, xc_rl_mode mode, int64_t *wait_ms) {
  if (wait_ms) *wait_ms = 0;
  if (!rl || !req || (req->endpoint >= 0 && (size_t)req->endpoint >= rl->n) ||
      (req->endpoint >= 0 && rl->lim[req->endpoint].kind != XC_RL_ENDPOINT))
    return XC_EINVAL;
  if (rl->ban_until > now) {
    if (wait_ms) *wait_ms = rl->ban_until - now;
    return XC_EBANNED;
  }
  if (rl->backoff_until > now && mode == XC_RL_FAIL) {
    if (wait_ms) *wait_ms = rl->backoff_until - now;
    return XC_ERATELIMIT;
  }
  for (size_t i = 0; i < rl->n; i++) {
    if (cost_of(&rl->lim[i], (int)i, req) > rl->lim[i].limit) return XC_EINVAL;
    if (rl->lim[i].window == XC_RL_SLIDING) ring_prune(rl, &rl->lim[i], now);
  }
  /* a full log refuses at once (its oldest entry has to leave first) */
  for (size_t i = 0; i < rl->n; i++) {
    limit *l = &rl->lim[i];
    uint64_t c = cost_of(l, (int)i, req);
    if (l->window != XC_RL_SLIDING || !c || l->cnt + c <= l->cap) continue;
    if (wait_ms) *wait_ms = max64(1, ring_at(l, (uint32_t)(l->cnt + c - l->cap) - 1) + sliding_len(rl, l) - now);
    return XC_EWOULDLIMIT;
  }

  /* earliest t >= now at which every limit has room (a fixed point: raise t until all agree) */
  int64_t t = max64(now, rl->backoff_until);
  bool moved = true;
  for (int round = 0; moved && t != INT64_MAX && round < 64; round++) {
    moved = false;
    for (size_t i = 0; i < rl->n && t != INT64_MAX; i++) {
      limit *l = &rl->lim[i];
      uint64_t c = cost_of(l, (int)i, req);
      if (!c) continue;
      int64_t e = max64(t, l->blocked_until);
      e = l->window == XC_RL_FIXED ? fixed_earliest(rl, l, now, e, c) : sliding_earliest(rl, l, e, (uint32_t)c);
      if (e != t) {
        t = e;
        moved = true;
      }
    }
  }
  if (moved) t = INT64_MAX;
  if (t == INT64_MAX || t - now > rl->o.max_wait_ms || (mode == XC_RL_FAIL && t > now)) {
    if (wait_ms) {
      if (t != INT64_MAX) {
        *wait_ms = t - now;
      } else {
        /* not within the slots we track: suggest the end of the current window of the
         * tightest fixed limit */
        int64_t w = 1000;
        for (size_t i = 0; i < rl->n; i++) {
          const limit *l = &rl->lim[i];
          if (l->window == XC_RL_FIXED && cost_of(l, (int)i, req)) {
            int64_t end = (floordiv(now, l->interval_ms) + 1) * l->interval_ms - now;
            if (end > w) w = end;
          }
        }
        *wait_ms = w;
      }
    }
    return XC_EWOULDLIMIT;
  }
  /* charge */
  for (size_t i = 0; i < rl->n; i++) {
    limit *l = &rl->lim[i];
    uint64_t c = cost_of(l, (int)i, req);
    if (!c) continue;
    if (l->window == XC_RL_FIXED) {
      int64_t lo, hi;
      fixed_span(rl, l, t, &lo, &hi);
      for (int64_t e = lo; e <= hi; e++) fixed_charge(l, e, c);
    } else {
      for (uint64_t k = 0; k < c; k++) ring_insert(l, t);
    }
  }
  if (wait_ms) *wait_ms = t - now;
  return XC_OK;
}

xc_status xc_rl_acquire(xc_rl *rl, int64_t now, uint32_t weight, uint32_t orders, xc_rl_mode mode,
                        int64_t *wait_ms) {
  xc_rl_req r = {.weight = weight, .orders = orders, .endpoint = -1, .endpoint_cost = 0};
  return xc_rl_acquire_req(rl, now, &r, mode, wait_ms);
}

/* Removes up to n entries equal to t from a sliding log; returns how many. */
static uint32_t ring_remove(limit *l, int64_t t, uint32_t n) {
  uint32_t hi = ub(l, t), removed = 0;
  while (removed < n && hi > 0 && ring_at(l, hi - 1) == t) {
    /* shift the newer entries down over index hi - 1 */
    for (uint32_t k = hi - 1; k + 1 < l->cnt; k++) ring_set(l, k, ring_at(l, k + 1));
    l->cnt--;
    hi--;
    removed++;
  }
  return removed;
}

xc_status xc_rl_refund(xc_rl *rl, const xc_rl_req *req, int64_t granted_at) {
  if (!rl || !req) return XC_EINVAL;
  bool any = false;
  for (size_t i = 0; i < rl->n; i++) {
    limit *l = &rl->lim[i];
    uint64_t c = cost_of(l, (int)i, req);
    if (!c) continue;
    if (l->window == XC_RL_FIXED) {
      int64_t lo, hi;
      fixed_span(rl, l, granted_at, &lo, &hi);
      for (int64_t e = lo; e <= hi; e++) {
        fixed_slot *s = &l->slots[(uint64_t)e % FIXED_SLOTS];
        if (s->epoch != e || s->used == 0) continue;
        s->used -= s->used < c ? s->used : c;
        any = true;
      }
    } else if (ring_remove(l, granted_at, (uint32_t)c)) {
      any = true;
    }
  }
  return any ? XC_OK : XC_ENOTFOUND;
}

/* ---- queries ---------------------------------------------------------------------------------- */

xc_status xc_rl_info_get(const xc_rl *rl, int idx, int64_t now, xc_rl_info *out) {
  if (!rl || !out || idx < 0 || (size_t)idx >= rl->n) return XC_ENOTFOUND;
  const limit *l = &rl->lim[idx];
  memset(out, 0, sizeof *out);
  out->kind = l->kind;
  out->window = l->window;
  out->interval_ms = l->interval_ms;
  out->limit = l->limit;
  out->blocked_until_ms = l->blocked_until > now ? l->blocked_until : 0;
  memcpy(out->endpoint, l->endpoint, sizeof out->endpoint);
  uint64_t used;
  if (l->window == XC_RL_FIXED) {
    int64_t e = floordiv(now, l->interval_ms);
    used = fixed_used(l, e);
    out->reset_ms = (e + 1) * l->interval_ms;
  } else {
    used = sliding_count(rl, l, now);
    out->reset_ms = now;
    if (used) out->reset_ms = ring_at(l, l->cnt - (uint32_t)used) + sliding_len(rl, l);
  }
  out->used = used > UINT32_MAX ? UINT32_MAX : (uint32_t)used;
  out->remaining = used >= l->limit ? 0 : l->limit - (uint32_t)used;
  return XC_OK;
}

int64_t xc_rl_headroom(const xc_rl *rl, int64_t now, xc_rl_kind kind, int64_t interval_ms) {
  if (!rl) return -1;
  int64_t best = -1;
  for (size_t i = 0; i < rl->n; i++) {
    if (rl->lim[i].kind != kind || (interval_ms && rl->lim[i].interval_ms != interval_ms)) continue;
    xc_rl_info in;
    xc_rl_info_get(rl, (int)i, now, &in);
    if (best < 0 || in.remaining < best) best = in.remaining;
  }
  return best;
}

void xc_rl_blocked(const xc_rl *rl, int64_t *ban_until, int64_t *backoff_until) {
  if (ban_until) *ban_until = rl ? rl->ban_until : 0;
  if (backoff_until) *backoff_until = rl ? rl->backoff_until : 0;
}

/* ---- reconciliation --------------------------------------------------------------------------- */

xc_status xc_rl_reconcile(xc_rl *rl, xc_rl_kind kind, int64_t interval_ms, uint64_t used, int64_t sent_ms,
                          int64_t recv_ms) {
  if (!rl || interval_ms <= 0) return XC_EINVAL;
  xc_status st = XC_ENOTFOUND;
  for (size_t i = 0; i < rl->n; i++) {
    limit *l = &rl->lim[i];
    if (l->kind != kind || l->interval_ms != interval_ms || l->window != XC_RL_FIXED) continue;
    st = XC_OK;
    int64_t e = floordiv(recv_ms, interval_ms);
    if (floordiv(sent_ms, interval_ms) != e) continue; /* crossed a boundary: which window? */
    fixed_set_max(l, e, used);
  }
  return st;
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static bool prefix_ci(const char *s, size_t n, const char *p, size_t *plen) {
  size_t k = strlen(p);
  if (n < k) return false;
  for (size_t i = 0; i < k; i++)
    if (lower((unsigned char)s[i]) != p[i]) return false;
  *plen = k;
  return true;
}

/* Non-negative decimal integer with optional surrounding spaces. */
static bool parse_u64(const char *s, size_t n, uint64_t *out) {
  size_t i = 0;
  while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
  while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) n--;
  if (i == n) return false;
  uint64_t v = 0;
  for (; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return false;
    if (v > (UINT64_MAX - 9) / 10) return false;
    v = v * 10 + (uint64_t)(s[i] - '0');
  }
  *out = v;
  return true;
}

static int64_t unit_ms(int c) {
  switch (lower(c)) {
  case 's': return 1000;
  case 'm': return 60000;
  case 'h': return 3600000;
  case 'd': return 86400000;
  }
  return 0;
}

xc_status xc_rl_binance_header(xc_rl *rl, const char *name, size_t nlen, const char *value, size_t vlen,
                               int64_t sent_ms, int64_t recv_ms) {
  if (!rl || (!name && nlen) || (!value && vlen)) return XC_EINVAL;
  size_t p;
  xc_rl_kind kind;
  if (prefix_ci(name, nlen, "x-mbx-used-weight-", &p)) kind = XC_RL_REQUEST_WEIGHT;
  else if (prefix_ci(name, nlen, "x-mbx-order-count-", &p)) kind = XC_RL_ORDERS;
  else return XC_ENOTFOUND;
  /* <digits><unit letter> */
  if (nlen - p < 2 || nlen - p > 8) return XC_ENOTFOUND;
  uint64_t num;
  int64_t unit = unit_ms((unsigned char)name[nlen - 1]);
  if (!unit || !parse_u64(name + p, nlen - p - 1, &num) || num == 0 || num > 100000) return XC_ENOTFOUND;
  uint64_t used;
  if (!parse_u64(value, vlen, &used)) return XC_EPARSE;
  return xc_rl_reconcile(rl, kind, (int64_t)num * unit, used, sent_ms, recv_ms);
}

void xc_rl_ban_until(xc_rl *rl, int64_t until_ms) {
  if (rl && until_ms > rl->ban_until) rl->ban_until = until_ms;
}

void xc_rl_backoff_until(xc_rl *rl, int64_t until_ms) {
  if (rl && until_ms > rl->backoff_until) rl->backoff_until = until_ms;
}

void xc_rl_binance_http(xc_rl *rl, int64_t now, int http_status, int64_t retry_after_s) {
  if (!rl) return;
  if (retry_after_s > 86400 * 30) retry_after_s = 86400 * 30; /* bans escalate to 3 days; clamp junk */
  if (http_status == 429) {
    int64_t until = retry_after_s >= 0 ? now + retry_after_s * 1000 : (floordiv(now, 60000) + 1) * 60000;
    if (until <= now) until = now + 1000;
    xc_rl_backoff_until(rl, until);
  } else if (http_status == 418) {
    int64_t until = retry_after_s > 0 ? now + retry_after_s * 1000 : now + rl->o.ban_default_ms;
    xc_rl_ban_until(rl, until);
  }
}

xc_status xc_rl_bybit_headers(xc_rl *rl, int ep, int64_t now, int64_t lim, int64_t remaining, int64_t reset_ms) {
  if (!rl || ep < 0 || (size_t)ep >= rl->n || rl->lim[ep].kind != XC_RL_ENDPOINT) return XC_EINVAL;
  limit *l = &rl->lim[ep];
  if (lim > 0 && lim <= XC_RL_SLIDING_MAX && (uint32_t)lim != l->limit) {
    if (l->window == XC_RL_SLIDING) {
      xc_status st = ring_resize(l, (uint32_t)lim);
      if (st != XC_OK) return st;
    } else {
      l->limit = (uint32_t)lim;
    }
  }
  if (remaining >= 0) {
    uint64_t venue_used = remaining >= (int64_t)l->limit ? 0 : l->limit - (uint64_t)remaining;
    if (l->window == XC_RL_SLIDING) {
      ring_prune(rl, l, now);
      uint32_t mine = count_in(l, now - sliding_len(rl, l), now);
      /* phantom grants at `now` for requests the venue counted and we did not (other processes) */
      for (uint64_t k = mine; k < venue_used && l->cnt < l->cap; k++) ring_insert(l, now);
    } else {
      fixed_set_max(l, floordiv(now, l->interval_ms), venue_used);
    }
    if (remaining == 0 && reset_ms > now) l->blocked_until = max64(l->blocked_until, reset_ms);
  }
  return XC_OK;
}

void xc_rl_bybit_limited(xc_rl *rl, int ep, int64_t now, int64_t reset_ms) {
  if (!rl) return;
  int64_t until = reset_ms > now ? reset_ms : now + rl->o.endpoint_block_min_ms;
  for (size_t i = 0; i < rl->n; i++) {
    limit *l = &rl->lim[i];
    if (l->kind != XC_RL_ENDPOINT || (ep >= 0 && (size_t)ep != i)) continue;
    l->blocked_until = max64(l->blocked_until, until);
  }
}

void xc_rl_bybit_http(xc_rl *rl, int64_t now, int http_status) {
  if (!rl) return;
  if (http_status == 403) xc_rl_ban_until(rl, now + rl->o.ip_ban_ms);
  else if (http_status == 429) xc_rl_backoff_until(rl, now + 1000);
}

/* ---- venue tables ----------------------------------------------------------------------------- */

static bool eq_n(const char *s, size_t n, const char *lit) { return strlen(lit) == n && memcmp(s, lit, n) == 0; }

xc_status xc_rl_binance_parse(const char *type, size_t tlen, const char *interval, size_t ilen,
                              uint32_t interval_num, xc_rl_kind *kind, int64_t *interval_ms) {
  if (!type || !interval || !kind || !interval_ms || interval_num == 0) return XC_EINVAL;
  if (eq_n(type, tlen, "REQUEST_WEIGHT")) *kind = XC_RL_REQUEST_WEIGHT;
  else if (eq_n(type, tlen, "ORDERS")) *kind = XC_RL_ORDERS;
  else if (eq_n(type, tlen, "RAW_REQUESTS")) *kind = XC_RL_RAW_REQUESTS;
  else if (eq_n(type, tlen, "CONNECTIONS")) return XC_ENOTSUP;
  else return XC_EINVAL;
  int64_t unit;
  if (eq_n(interval, ilen, "SECOND")) unit = 1000;
  else if (eq_n(interval, ilen, "MINUTE")) unit = 60000;
  else if (eq_n(interval, ilen, "HOUR")) unit = 3600000;
  else if (eq_n(interval, ilen, "DAY")) unit = 86400000;
  else return XC_EINVAL;
  if (interval_num > 1000) return XC_EINVAL;
  *interval_ms = unit * interval_num;
  return XC_OK;
}

xc_status xc_rl_add_binance_defaults(xc_rl *rl, bool usdm) {
  if (!rl) return XC_EINVAL;
  xc_status st;
  if (usdm) {
    if ((st = xc_rl_add(rl, XC_RL_REQUEST_WEIGHT, XC_RL_FIXED, 60000, 2400, NULL, NULL))) return st;
    if ((st = xc_rl_add(rl, XC_RL_ORDERS, XC_RL_FIXED, 10000, 300, NULL, NULL))) return st;
    return xc_rl_add(rl, XC_RL_ORDERS, XC_RL_FIXED, 60000, 1200, NULL, NULL);
  }
  if ((st = xc_rl_add(rl, XC_RL_REQUEST_WEIGHT, XC_RL_FIXED, 60000, 6000, NULL, NULL))) return st;
  if ((st = xc_rl_add(rl, XC_RL_ORDERS, XC_RL_FIXED, 10000, 100, NULL, NULL))) return st;
  if ((st = xc_rl_add(rl, XC_RL_ORDERS, XC_RL_FIXED, 86400000, 200000, NULL, NULL))) return st;
  return xc_rl_add(rl, XC_RL_RAW_REQUESTS, XC_RL_FIXED, 300000, 300000, NULL, NULL);
}

typedef struct bybit_row {
  const char *ep;
  uint16_t linear, spot; /* per second; 0 = not applicable */
} bybit_row;

/* Default (non-VIP) per-UID limits, protocols/bybit.md §5. */
static const bybit_row bybit_table[] = {
    {"POST /v5/order/create", 10, 20},
    {"POST /v5/order/amend", 10, 10},
    {"POST /v5/order/cancel", 10, 20},
    {"POST /v5/order/cancel-all", 10, 20},
    {"POST /v5/order/create-batch", 10, 20},
    {"POST /v5/order/amend-batch", 10, 20},
    {"POST /v5/order/cancel-batch", 10, 20},
    {"POST /v5/order/disconnected-cancel-all", 5, 5},
    {"GET /v5/order/realtime", 50, 50},
    {"GET /v5/order/history", 50, 50},
    {"GET /v5/execution/list", 50, 50},
    {"GET /v5/position/list", 50, 0},
    {"POST /v5/position/set-leverage", 10, 0},
    {"POST /v5/position/trading-stop", 10, 0},
    {"GET /v5/account/wallet-balance", 50, 50},
    {"GET /v5/account/fee-rate", 5, 5},
    {"GET /v5/account/info", 50, 50},
    {"GET /v5/account/transaction-log", 25, 25},
};

xc_status xc_rl_add_bybit_defaults(xc_rl *rl, const char *category) {
  if (!rl || !category) return XC_EINVAL;
  bool spot = strcmp(category, "spot") == 0;
  if (!spot && strcmp(category, "linear") != 0) return XC_EINVAL;
  xc_status st = xc_rl_add(rl, XC_RL_IP_REQUESTS, XC_RL_SLIDING, 5000, 600, NULL, NULL);
  if (st != XC_OK) return st;
  for (size_t i = 0; i < sizeof bybit_table / sizeof bybit_table[0]; i++) {
    uint16_t lim = spot ? bybit_table[i].spot : bybit_table[i].linear;
    if (!lim) continue;
    char key[XC_RL_KEY_MAX];
    snprintf(key, sizeof key, "%s:%s", category, bybit_table[i].ep);
    if ((st = xc_rl_add(rl, XC_RL_ENDPOINT, XC_RL_SLIDING, 1000, lim, key, NULL)) != XC_OK) return st;
  }
  return XC_OK;
}
