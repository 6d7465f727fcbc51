/* Exponential backoff with jitter (sans-I/O, deterministic under a seed).
 *
 * Used for reconnect delays, REST retries and anything else that must not hammer a peer. The
 * caller owns an xc_backoff value (no allocation): call xc_backoff_next() after each failure to get
 * the delay before the next attempt, and xc_backoff_reset() after a success.
 *
 * Jitter strategies (attempt n counts from 0; ceil(n) = min(cap, base * factor^(n+1))):
 *   XC_BACKOFF_FULL         delay uniform in [base, ceil(n)]. The ceiling grows geometrically; the floor
 *                           stays at base so a retry is never immediate. This is the default.
 *   XC_BACKOFF_DECORRELATED delay uniform in [base, min(cap, prev * 3)], prev starting at base
 *                           (the "decorrelated jitter" of the AWS architecture blog); the range
 *                           follows the previous draw instead of the attempt count.
 *   XC_BACKOFF_NONE         delay = min(cap, base * factor^n), no randomness.
 * Every delay lies in [base, cap]. The PRNG (splitmix64) lives in the value and is seeded from the
 * options, so the same seed gives the same sequence. Not thread-safe: one owner at a time.
 */
#ifndef XC_CORE_BACKOFF_H
#define XC_CORE_BACKOFF_H

#include <stdint.h>
#include "xconn/status.h"

typedef enum xc_backoff_jitter {
  XC_BACKOFF_FULL = 0,
  XC_BACKOFF_DECORRELATED,
  XC_BACKOFF_NONE
} xc_backoff_jitter;

typedef struct xc_backoff_opts {
  uint64_t base_ms;          /* smallest delay; default 500 */
  uint64_t cap_ms;           /* largest delay; default 30000 */
  uint32_t factor;           /* growth factor for FULL and NONE (>= 1); default 2 */
  xc_backoff_jitter jitter;  /* default XC_BACKOFF_FULL */
  uint64_t seed;             /* PRNG seed; default 0x5eed (set something per connection) */
} xc_backoff_opts;

typedef struct xc_backoff {
  xc_backoff_opts o;  /* private */
  uint64_t rng;       /* private: splitmix64 state */
  uint32_t attempt;   /* private: failures since the last reset */
  uint64_t prev_ms;   /* private: last delay (DECORRELATED) */
} xc_backoff;

/* Fills o with the defaults documented above. */
void xc_backoff_opts_default(xc_backoff_opts *o);
/* Initialises b from o (NULL = defaults). XC_EINVAL if base is 0, cap < base or factor is 0. */
xc_status xc_backoff_init(xc_backoff *b, const xc_backoff_opts *o);
/* Returns the delay (ms) to wait before the next attempt and counts one more attempt. */
uint64_t xc_backoff_next(xc_backoff *b);
/* After a success: the next delay starts again from the first step. The PRNG keeps its state. */
void xc_backoff_reset(xc_backoff *b);
/* Failures counted since the last reset (the number of xc_backoff_next() calls). */
uint32_t xc_backoff_attempt(const xc_backoff *b);
/* The upper bound xc_backoff_next() may return for attempt n under FULL/NONE: min(cap, base*factor^(n+1))
 * (NONE returns min(cap, base*factor^n)). Exposed for tests and diagnostics. */
uint64_t xc_backoff_ceiling(const xc_backoff *b, uint32_t n);
/* One step of the splitmix64 PRNG (exposed so other cores can share the generator). */
uint64_t xc__rand64(uint64_t *state);

#endif
