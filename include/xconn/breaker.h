/* xconn/breaker.h: circuit-breaker states and the state-change event.
 *
 * Each venue connection (REST host, WebSocket endpoint) is guarded by a circuit breaker. While the
 * breaker is OPEN, requests fail fast with XC_EBREAKER instead of waiting on a venue that is down;
 * after a cool-off it lets a few probe requests through (HALF_OPEN) and closes again when they
 * succeed. Timeouts, 5xx answers and connection errors count as failures; the venue rejecting a
 * bad order does not (it shows the venue is alive). See docs/internals/breaker.md.
 *
 * This header only defines the values the client reports; the event struct passed to a callback
 * is const and valid only during the call. Everything here is plain data and thread-safe.
 */
#ifndef XCONN_BREAKER_H
#define XCONN_BREAKER_H

#include "xconn/common.h"
#include "xconn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum xc_breaker_state {
  XC_BREAKER_CLOSED = 0, /* normal operation: requests pass, outcomes are counted */
  XC_BREAKER_OPEN,       /* failing fast (XC_EBREAKER) until the open timeout elapses */
  XC_BREAKER_HALF_OPEN   /* a limited number of probe requests pass; their outcome decides */
} xc_breaker_state;

/* Why the breaker changed state. */
typedef enum xc_breaker_reason {
  XC_BREAKER_R_CONSECUTIVE = 0, /* closed -> open: a run of consecutive failures */
  XC_BREAKER_R_FAILURE_RATE,    /* closed -> open: failure rate over the rolling window */
  XC_BREAKER_R_TIMEOUT,         /* open -> half-open: the open timeout elapsed */
  XC_BREAKER_R_PROBE_SUCCESS,   /* half-open -> closed: enough probes succeeded */
  XC_BREAKER_R_PROBE_FAILURE,   /* half-open -> open: a probe failed */
  XC_BREAKER_R_FORCED           /* changed by an explicit call (reset / trip) */
} xc_breaker_reason;

/* Passed to the state-change callback; valid only during the call. */
typedef struct xc_breaker_event {
  xc_breaker_state from;
  xc_breaker_state to;
  xc_breaker_reason reason;
  uint64_t at_ms;                /* the `now` of the call that caused the change (monotonic ms) */
  uint64_t open_until_ms;        /* when to = OPEN: when probes will be allowed; 0 otherwise */
  uint32_t consecutive_failures; /* failures in a row at the time of the change */
  uint32_t window_failures;      /* failures in the rolling window */
  uint32_t window_total;         /* outcomes counted in the rolling window */
  xc_status last_failure;        /* the status of the most recent counted failure (XC_OK if none) */
} xc_breaker_event;

/* "closed", "open", "half_open"; static storage. */
XC_API const char *xc_breaker_state_name(xc_breaker_state s);
/* "consecutive", "failure_rate", "timeout", "probe_success", "probe_failure", "forced". */
XC_API const char *xc_breaker_reason_name(xc_breaker_reason r);

#ifdef __cplusplus
}
#endif
#endif
