/* Circuit breaker (sans-I/O): closed -> open -> half-open -> closed, driven by a caller's `now`.
 *
 * Use: before a request, xc_breaker_allow(b, now) (XC_OK or XC_EBREAKER); when it completes,
 * xc_breaker_record(b, now, status) with the request's xc_status. Statuses are classified by
 * xc_breaker_classify(): network failures, timeouts, 5xx (XC_EHTTP), unknown outcomes, protocol
 * violations and venue-unavailable count as failures; successes and answers that prove the venue
 * works (rejections, insufficient balance, unknown order, auth and timestamp errors) count as
 * successes; argument errors (XC_EINVAL, XC_EFILTER: usually local validation), rate limits,
 * local misuse, cancellation and our own XC_EBREAKER are ignored. Record only requests that were
 * actually sent.
 *
 * Closed trips to open on either `consecutive_failures` failures in a row, or a failure rate of at
 * least `failure_rate_pct` over the last `window_ms` once the window holds `min_samples` outcomes.
 * Open fails fast until `open_timeout_ms` has passed (doubling on each re-open up to
 * `open_timeout_max_ms`); the next allow/poll moves to half-open, which admits at most
 * `half_open_probes` requests in flight. `close_after_successes` probe successes close it (and reset
 * the open timeout); any probe failure re-opens it. The rolling window is a ring of
 * XC_BREAKER_BUCKETS time buckets: fixed memory, O(1) per outcome.
 *
 * Time: `now` is monotonic milliseconds (e.g. xc_mono_ns()/1000000); it must not go backwards.
 * Threading: none inside; one owner (the engine thread). The callback runs inside the call that
 * caused the change and may query the breaker but must not free it.
 */
#ifndef XC_CORE_BREAKER_H
#define XC_CORE_BREAKER_H

#include <stdint.h>
#include "xconn/breaker.h"
#include "xconn/status.h"

#define XC_BREAKER_BUCKETS 10

typedef struct xc_breaker xc_breaker;
typedef void (*xc_breaker_cb)(xc_breaker *b, const xc_breaker_event *ev, void *user);

typedef struct xc_breaker_opts {
  uint32_t consecutive_failures;  /* trip after this many failures in a row; 0 disables. Default 5 */
  uint32_t window_ms;             /* rolling window for the failure rate; 0 disables. Default 30000 */
  uint32_t min_samples;           /* outcomes needed in the window before the rate counts. Default 20 */
  uint32_t failure_rate_pct;      /* trip at >= this % failures (1..100). Default 50 */
  uint32_t open_timeout_ms;       /* time open before probing. Default 5000 */
  uint32_t open_timeout_max_ms;   /* open timeout doubles per re-open up to this. Default 60000 */
  uint32_t half_open_probes;      /* probes allowed in flight while half-open (>= 1). Default 1 */
  uint32_t close_after_successes; /* probe successes needed to close (>= 1). Default 1 */
  xc_breaker_cb on_change;        /* state-change callback; may be NULL */
  void *user;                     /* passed to on_change */
} xc_breaker_opts;

/* How an outcome counts. */
typedef enum xc_breaker_outcome {
  XC_BREAKER_IGNORE = 0,
  XC_BREAKER_SUCCESS,
  XC_BREAKER_FAILURE
} xc_breaker_outcome;

typedef struct xc_breaker_bucket {
  uint64_t epoch; /* window-slot number (now / bucket_ms) this bucket holds */
  uint32_t ok, fail;
} xc_breaker_bucket;

/* Counters for diagnostics (xc_breaker_stats). */
typedef struct xc_breaker_stats {
  xc_breaker_state state;
  uint32_t consecutive_failures;
  uint32_t window_failures, window_total;
  uint32_t probes_in_flight, probe_successes;
  uint64_t open_until_ms;        /* meaningful while OPEN */
  uint32_t current_open_timeout_ms;
  uint64_t total_successes, total_failures, total_ignored, total_rejected_fast, trips;
  xc_status last_failure;
} xc_breaker_stats;

/* The struct is visible so it can be embedded; treat every field as private. */
struct xc_breaker {
  xc_breaker_opts o;
  xc_breaker_state state;
  uint32_t consecutive;
  uint32_t probes_in_flight, probe_successes;
  uint64_t open_until;
  uint32_t cur_timeout;
  uint64_t bucket_ms;
  xc_breaker_bucket buckets[XC_BREAKER_BUCKETS];
  uint64_t n_ok, n_fail, n_ignored, n_fast, n_trips;
  xc_status last_failure;
  uint64_t last_now;
  uint64_t entered_at; /* when the current state began */
};

/* Fills o with the defaults documented above. */
void xc_breaker_opts_default(xc_breaker_opts *o);
/* Initialises an embedded breaker (closed). XC_EINVAL on inconsistent options. */
xc_status xc_breaker_init(xc_breaker *b, const xc_breaker_opts *o);
/* Allocates and initialises a breaker; *out is NULL on failure. */
xc_status xc_breaker_new(const xc_breaker_opts *o, xc_breaker **out);
/* Frees a breaker from xc_breaker_new; NULL is a no-op. */
void xc_breaker_free(xc_breaker *b);

/* Maps a request's status to how the breaker counts it (pure). */
xc_breaker_outcome xc_breaker_classify(xc_status st);
/* May a request go now? XC_OK (in half-open this takes a probe slot) or XC_EBREAKER. */
xc_status xc_breaker_allow(xc_breaker *b, uint64_t now);
/* Records a completed request's status (classified with xc_breaker_classify). */
void xc_breaker_record(xc_breaker *b, uint64_t now, xc_status outcome);
/* As xc_breaker_record for a request admitted at `started` (the `now` its xc_breaker_allow saw).
 * An outcome of a request that started before the current state began (e.g. a request in flight
 * when the breaker tripped, timing out after it went half-open) only updates the totals: it says
 * nothing about the venue since then and must not re-open the breaker or take a probe's place.
 * Prefer this to xc_breaker_record. */
void xc_breaker_record_started(xc_breaker *b, uint64_t now, uint64_t started, xc_status outcome);
/* Records an already-classified outcome. */
void xc_breaker_record_outcome(xc_breaker *b, uint64_t now, xc_breaker_outcome oc, xc_status st);
/* Gives back a half-open probe slot taken by xc_breaker_allow whose request was never sent. */
void xc_breaker_release(xc_breaker *b);
/* Applies time-driven transitions (open -> half-open) and returns the state. */
xc_breaker_state xc_breaker_poll(xc_breaker *b, uint64_t now);
/* The state as of the last call (no time-driven transition). */
xc_breaker_state xc_breaker_state_get(const xc_breaker *b);
/* Fills *st with counters as of `now` (window counts exclude buckets older than the window). */
void xc_breaker_stats_get(const xc_breaker *b, uint64_t now, xc_breaker_stats *st);
/* Forces the breaker closed and clears its counters (e.g. after a manual reconnect). */
void xc_breaker_reset(xc_breaker *b, uint64_t now);
/* Forces the breaker open for the current open timeout (e.g. the venue announced maintenance). */
void xc_breaker_trip(xc_breaker *b, uint64_t now);

#endif
