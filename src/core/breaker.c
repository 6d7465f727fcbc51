#include "core/breaker.h"

#include <stdlib.h>
#include <string.h>

const char *xc_breaker_state_name(xc_breaker_state s) {
  switch (s) {
  case XC_BREAKER_CLOSED: return "closed";
  case XC_BREAKER_OPEN: return "open";
  case XC_BREAKER_HALF_OPEN: return "half_open";
  }
  return "unknown";
}

const char *xc_breaker_reason_name(xc_breaker_reason r) {
  switch (r) {
  case XC_BREAKER_R_CONSECUTIVE: return "consecutive";
  case XC_BREAKER_R_FAILURE_RATE: return "failure_rate";
  case XC_BREAKER_R_TIMEOUT: return "timeout";
  case XC_BREAKER_R_PROBE_SUCCESS: return "probe_success";
  case XC_BREAKER_R_PROBE_FAILURE: return "probe_failure";
  case XC_BREAKER_R_FORCED: return "forced";
  }
  return "unknown";
}

void xc_breaker_opts_default(xc_breaker_opts *o) {
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->consecutive_failures = 5;
  o->window_ms = 30000;
  o->min_samples = 20;
  o->failure_rate_pct = 50;
  o->open_timeout_ms = 5000;
  o->open_timeout_max_ms = 60000;
  o->half_open_probes = 1;
  o->close_after_successes = 1;
}

static void clear_window(xc_breaker *b) {
  for (int i = 0; i < XC_BREAKER_BUCKETS; i++) {
    b->buckets[i].epoch = UINT64_MAX;
    b->buckets[i].ok = b->buckets[i].fail = 0;
  }
}

xc_status xc_breaker_init(xc_breaker *b, const xc_breaker_opts *o) {
  if (!b) return XC_EINVAL;
  xc_breaker_opts d;
  xc_breaker_opts_default(&d);
  if (!o) o = &d;
  if (o->consecutive_failures == 0 && o->window_ms == 0) return XC_EINVAL; /* could never trip */
  if (o->window_ms && (o->failure_rate_pct == 0 || o->failure_rate_pct > 100)) return XC_EINVAL;
  if (o->half_open_probes == 0 || o->close_after_successes == 0 || o->open_timeout_ms == 0)
    return XC_EINVAL;
  memset(b, 0, sizeof *b);
  b->o = *o;
  if (b->o.open_timeout_max_ms < b->o.open_timeout_ms) b->o.open_timeout_max_ms = b->o.open_timeout_ms;
  if (b->o.min_samples == 0) b->o.min_samples = 1;
  b->state = XC_BREAKER_CLOSED;
  b->cur_timeout = b->o.open_timeout_ms;
  b->bucket_ms = b->o.window_ms ? (b->o.window_ms + XC_BREAKER_BUCKETS - 1) / XC_BREAKER_BUCKETS : 1;
  b->last_failure = XC_OK;
  clear_window(b);
  return XC_OK;
}

xc_status xc_breaker_new(const xc_breaker_opts *o, xc_breaker **out) {
  if (!out) return XC_EINVAL;
  *out = NULL;
  xc_breaker *b = malloc(sizeof *b);
  if (!b) return XC_ENOMEM;
  xc_status st = xc_breaker_init(b, o);
  if (st != XC_OK) {
    free(b);
    return st;
  }
  *out = b;
  return XC_OK;
}

void xc_breaker_free(xc_breaker *b) { free(b); }

xc_breaker_outcome xc_breaker_classify(xc_status st) {
  if (st == XC_OK) return XC_BREAKER_SUCCESS;
  if (st == XC_EBREAKER || st == XC_ESEQGAP) return XC_BREAKER_IGNORE;
  switch (xc_status_category(st)) {
  case XC_CAT_NETWORK:         /* timeouts, connection/TLS/DNS errors, 5xx (XC_EHTTP) */
  case XC_CAT_UNKNOWN_OUTCOME: /* a request timed out with no answer */
  case XC_CAT_UNAVAILABLE:     /* venue says it is down / overloaded */
  case XC_CAT_PARSE:           /* the venue sent garbage (HTML error page, truncated body) */
    return XC_BREAKER_FAILURE;
  case XC_CAT_REJECTED: /* the venue answered on the merits: it is alive */
  case XC_CAT_AUTH:
    return XC_BREAKER_SUCCESS;
  default: /* argument errors (usually caught locally, before sending), rate limits (the limiter
            * handles them), local misuse, cancel, memory, internal */
    return XC_BREAKER_IGNORE;
  }
}

/* Window counts as of now (buckets older than the window are dropped). */
static void window_counts(const xc_breaker *b, uint64_t now, uint32_t *fail, uint32_t *total) {
  *fail = *total = 0;
  if (!b->o.window_ms) return;
  uint64_t cur = now / b->bucket_ms;
  for (int i = 0; i < XC_BREAKER_BUCKETS; i++) {
    const xc_breaker_bucket *k = &b->buckets[i];
    if (k->epoch == UINT64_MAX || k->epoch > cur || cur - k->epoch >= XC_BREAKER_BUCKETS) continue;
    *fail += k->fail;
    *total += k->ok + k->fail;
  }
}

static void change(xc_breaker *b, uint64_t now, xc_breaker_state to, xc_breaker_reason why) {
  xc_breaker_state from = b->state;
  if (from == to) return;
  b->state = to;
  b->entered_at = now;
  if (to == XC_BREAKER_OPEN) {
    b->open_until = now + b->cur_timeout;
    b->n_trips++;
  }
  if (to == XC_BREAKER_HALF_OPEN) {
    b->probes_in_flight = 0;
    b->probe_successes = 0;
  }
  if (to == XC_BREAKER_CLOSED) {
    b->consecutive = 0;
    b->cur_timeout = b->o.open_timeout_ms;
    clear_window(b);
  }
  if (b->o.on_change) {
    xc_breaker_event ev;
    memset(&ev, 0, sizeof ev);
    ev.from = from;
    ev.to = to;
    ev.reason = why;
    ev.at_ms = now;
    ev.open_until_ms = to == XC_BREAKER_OPEN ? b->open_until : 0;
    ev.consecutive_failures = b->consecutive;
    window_counts(b, now, &ev.window_failures, &ev.window_total);
    ev.last_failure = b->last_failure;
    b->o.on_change(b, &ev, b->o.user);
  }
}

/* Re-open from half-open: the timeout grows (doubling, capped). */
static void reopen(xc_breaker *b, uint64_t now) {
  uint64_t t = (uint64_t)b->cur_timeout * 2;
  b->cur_timeout = t > b->o.open_timeout_max_ms ? b->o.open_timeout_max_ms : (uint32_t)t;
  change(b, now, XC_BREAKER_OPEN, XC_BREAKER_R_PROBE_FAILURE);
}

static uint64_t clamp_now(xc_breaker *b, uint64_t now) {
  if (now < b->last_now) now = b->last_now; /* never let time run backwards inside */
  b->last_now = now;
  return now;
}

xc_breaker_state xc_breaker_poll(xc_breaker *b, uint64_t now) {
  if (!b) return XC_BREAKER_CLOSED;
  now = clamp_now(b, now);
  if (b->state == XC_BREAKER_OPEN && now >= b->open_until)
    change(b, now, XC_BREAKER_HALF_OPEN, XC_BREAKER_R_TIMEOUT);
  return b->state;
}

xc_breaker_state xc_breaker_state_get(const xc_breaker *b) { return b ? b->state : XC_BREAKER_CLOSED; }

xc_status xc_breaker_allow(xc_breaker *b, uint64_t now) {
  if (!b) return XC_EINVAL;
  switch (xc_breaker_poll(b, now)) {
  case XC_BREAKER_CLOSED:
    return XC_OK;
  case XC_BREAKER_HALF_OPEN:
    if (b->probes_in_flight < b->o.half_open_probes) {
      b->probes_in_flight++;
      return XC_OK;
    }
    b->n_fast++;
    return XC_EBREAKER;
  case XC_BREAKER_OPEN:
  default:
    b->n_fast++;
    return XC_EBREAKER;
  }
}

void xc_breaker_release(xc_breaker *b) {
  if (b && b->state == XC_BREAKER_HALF_OPEN && b->probes_in_flight) b->probes_in_flight--;
}

void xc_breaker_record_outcome(xc_breaker *b, uint64_t now, xc_breaker_outcome oc, xc_status st) {
  if (!b) return;
  now = clamp_now(b, now);
  if (oc == XC_BREAKER_IGNORE) {
    b->n_ignored++;
    return;
  }
  if (oc == XC_BREAKER_FAILURE) {
    b->n_fail++;
    b->last_failure = st == XC_OK ? XC_EINTERNAL : st;
  } else {
    b->n_ok++;
  }
  switch (b->state) {
  case XC_BREAKER_OPEN:
    /* a request admitted before the trip finished late: counted in totals only */
    return;
  case XC_BREAKER_HALF_OPEN:
    if (b->probes_in_flight) b->probes_in_flight--;
    if (oc == XC_BREAKER_FAILURE) {
      b->consecutive++;
      reopen(b, now);
    } else if (++b->probe_successes >= b->o.close_after_successes) {
      change(b, now, XC_BREAKER_CLOSED, XC_BREAKER_R_PROBE_SUCCESS);
    }
    return;
  case XC_BREAKER_CLOSED:
  default:
    break;
  }
  if (b->o.window_ms) {
    uint64_t ep = now / b->bucket_ms;
    xc_breaker_bucket *k = &b->buckets[ep % XC_BREAKER_BUCKETS];
    if (k->epoch != ep) {
      k->epoch = ep;
      k->ok = k->fail = 0;
    }
    if (oc == XC_BREAKER_FAILURE) k->fail++;
    else k->ok++;
  }
  if (oc == XC_BREAKER_SUCCESS) {
    b->consecutive = 0;
    return;
  }
  b->consecutive++;
  if (b->o.consecutive_failures && b->consecutive >= b->o.consecutive_failures) {
    change(b, now, XC_BREAKER_OPEN, XC_BREAKER_R_CONSECUTIVE);
    return;
  }
  if (b->o.window_ms) {
    uint32_t fail, total;
    window_counts(b, now, &fail, &total);
    if (total >= b->o.min_samples && (uint64_t)fail * 100 >= (uint64_t)b->o.failure_rate_pct * total)
      change(b, now, XC_BREAKER_OPEN, XC_BREAKER_R_FAILURE_RATE);
  }
}

void xc_breaker_record(xc_breaker *b, uint64_t now, xc_status outcome) {
  xc_breaker_record_outcome(b, now, xc_breaker_classify(outcome), outcome);
}

void xc_breaker_record_started(xc_breaker *b, uint64_t now, uint64_t started, xc_status outcome) {
  if (!b) return;
  xc_breaker_outcome oc = xc_breaker_classify(outcome);
  if (started < b->entered_at && oc != XC_BREAKER_IGNORE) {
    clamp_now(b, now);
    if (oc == XC_BREAKER_FAILURE) {
      b->n_fail++;
      b->last_failure = outcome;
    } else {
      b->n_ok++;
    }
    return;
  }
  xc_breaker_record_outcome(b, now, oc, outcome);
}

void xc_breaker_stats_get(const xc_breaker *b, uint64_t now, xc_breaker_stats *st) {
  if (!st) return;
  memset(st, 0, sizeof *st);
  if (!b) return;
  st->state = b->state;
  st->consecutive_failures = b->consecutive;
  window_counts(b, now, &st->window_failures, &st->window_total);
  st->probes_in_flight = b->probes_in_flight;
  st->probe_successes = b->probe_successes;
  st->open_until_ms = b->state == XC_BREAKER_OPEN ? b->open_until : 0;
  st->current_open_timeout_ms = b->cur_timeout;
  st->total_successes = b->n_ok;
  st->total_failures = b->n_fail;
  st->total_ignored = b->n_ignored;
  st->total_rejected_fast = b->n_fast;
  st->trips = b->n_trips;
  st->last_failure = b->last_failure;
}

void xc_breaker_reset(xc_breaker *b, uint64_t now) {
  if (!b) return;
  now = clamp_now(b, now);
  if (b->state != XC_BREAKER_CLOSED) {
    change(b, now, XC_BREAKER_CLOSED, XC_BREAKER_R_FORCED);
  } else {
    b->consecutive = 0;
    b->cur_timeout = b->o.open_timeout_ms;
    clear_window(b);
  }
}

void xc_breaker_trip(xc_breaker *b, uint64_t now) {
  if (!b) return;
  now = clamp_now(b, now);
  if (b->state == XC_BREAKER_OPEN) {
    b->open_until = now + b->cur_timeout;
    return;
  }
  change(b, now, XC_BREAKER_OPEN, XC_BREAKER_R_FORCED);
}
