/* Clock synchronisation with a venue (sans-I/O): estimates server time - local wall time.
 *
 * Feed it samples: local wall ms when a time request was sent (t_send), the server time in the
 * answer, and local wall ms when the answer arrived (t_recv). The server stamped its time somewhere
 * inside [t_send, t_recv], so each sample's offset is server - (t_send + t_recv) / 2 with an error of
 * at most RTT / 2. Any response carrying a server time works as a sample (Binance GET /time,
 * Bybit's `time` field or /v5/market/time).
 *
 * Estimate: of the last `samples` samples, take the `best` with the lowest RTT and use the median of
 * their offsets; its uncertainty is half the largest RTT among them (+1 ms for the server's
 * millisecond resolution). Samples with an RTT above max_rtt_ms are refused. A sample whose offset is
 * farther from the estimate than both uncertainties plus outlier_ms is physically inconsistent with
 * a stable clock: it is held as an outlier; `shift_confirm` consecutive outliers that agree with each
 * other mean a clock step (NTP jump, server change) and replace the estimate. After a timestamp
 * rejection (Binance -1021, Bybit 10002) call xc_clocksync_on_timestamp_error(): a refresh is due at
 * once and the next good sample starts a fresh estimate.
 *
 * Refresh policy: xc_clocksync_needs_refresh(now) is true when there is no estimate, fewer than
 * min_samples samples since the last reset, refresh_ms has passed since the last sample, or after a
 * timestamp error.
 *
 * Request timestamps: xc_clocksync_timestamp(now) = now + offset - uncertainty - bias_ms, so the
 * stamp is never ahead of the server's clock when the estimate's bound holds (venues reject stamps
 * 1000 ms or more ahead); the cost is a little of the recvWindow.
 *
 * All times are local wall-clock ms (xc_wall_ms()) except the server time. Plain struct, no
 * allocation; one owner; read-only calls are safe only if the owner is not writing concurrently.
 */
#ifndef XC_CORE_CLOCKSYNC_H
#define XC_CORE_CLOCKSYNC_H

#include <stdbool.h>
#include <stdint.h>
#include "xconn/status.h"

#define XC_CLOCKSYNC_MAX_SAMPLES 32
#define XC_CLOCKSYNC_MAX_CONFIRM 8

typedef struct xc_clocksync_opts {
  uint32_t samples;       /* samples kept (1..32); default 8 */
  uint32_t best;          /* lowest-RTT samples used for the median (1..samples); default 3 */
  uint32_t min_samples;   /* samples wanted after a reset before the refresh is complete; default 3 */
  int64_t max_rtt_ms;     /* refuse slower samples; default 3000 */
  int64_t outlier_ms;     /* tolerance beyond the uncertainty bounds; default 50 */
  uint32_t shift_confirm; /* agreeing outliers that confirm a clock step (1..8); default 3 */
  int64_t refresh_ms;     /* re-sample this often; default 60000 */
  int64_t bias_ms;        /* extra bias into the past on request timestamps; default 0 */
} xc_clocksync_opts;

typedef struct xc_clocksync_sample {
  int64_t offset; /* server - midpoint */
  int64_t rtt;
  int64_t at;     /* t_recv */
} xc_clocksync_sample;

typedef struct xc_clocksync {
  xc_clocksync_opts o;                                /* private: every field */
  xc_clocksync_sample s[XC_CLOCKSYNC_MAX_SAMPLES];
  uint32_t n, head;
  xc_clocksync_sample pend[XC_CLOCKSYNC_MAX_CONFIRM]; /* outliers awaiting confirmation */
  uint32_t npend;
  bool have;
  int64_t offset, unc;
  int64_t last_at;
  uint32_t since_reset;
  bool distrust; /* a timestamp error: the next good sample starts afresh */
  uint64_t n_accepted, n_outliers, n_refused, n_shifts;
} xc_clocksync;

/* Result of xc_clocksync_add_sample. */
typedef enum xc_clocksync_verdict {
  XC_CLOCKSYNC_ACCEPTED = 0,
  XC_CLOCKSYNC_OUTLIER,   /* held; not used unless confirmed by more like it */
  XC_CLOCKSYNC_SHIFTED    /* confirmed a clock step: the estimate moved */
} xc_clocksync_verdict;

typedef struct xc_clocksync_stats {
  bool have;
  int64_t offset_ms, uncertainty_ms;
  uint32_t samples;
  int64_t last_sample_ms;
  uint64_t accepted, outliers, refused, shifts;
} xc_clocksync_stats;

/* Fills o with the defaults documented above. */
void xc_clocksync_opts_default(xc_clocksync_opts *o);
/* Initialises cs (no estimate). XC_EINVAL on inconsistent options. */
xc_status xc_clocksync_init(xc_clocksync *cs, const xc_clocksync_opts *o);
/* Adds a sample. XC_EINVAL if t_recv < t_send, XC_ERANGE if the RTT exceeds max_rtt_ms (refused);
 * otherwise XC_OK with *verdict (may be NULL) saying whether it was used. */
xc_status xc_clocksync_add_sample(xc_clocksync *cs, int64_t t_send, int64_t server_ms, int64_t t_recv,
                                  xc_clocksync_verdict *verdict);
/* The current estimate (server - local) and its uncertainty (>= 0). XC_ENOTFOUND before any sample. */
xc_status xc_clocksync_offset(const xc_clocksync *cs, int64_t *offset_ms, int64_t *uncertainty_ms);
/* Venue time now: local + offset (local if no estimate). For rate-limit windows. */
int64_t xc_clocksync_server_now(const xc_clocksync *cs, int64_t local_now);
/* The timestamp to put on a signed request made at local time now:
 * local + offset - uncertainty - bias_ms (local - bias_ms if no estimate). */
int64_t xc_clocksync_timestamp(const xc_clocksync *cs, int64_t local_now);
/* Should the caller take a time sample now? (see the refresh policy above) */
bool xc_clocksync_needs_refresh(const xc_clocksync *cs, int64_t local_now);
/* The venue rejected a timestamp (-1021 / 10002): refresh at once; the next good sample restarts
 * the estimate. */
void xc_clocksync_on_timestamp_error(xc_clocksync *cs);
/* Counters and the estimate. */
void xc_clocksync_stats_get(const xc_clocksync *cs, xc_clocksync_stats *st);

#endif
