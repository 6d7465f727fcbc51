/* Rate limiter (sans-I/O) for Binance's weight/order windows and Bybit's per-endpoint limits.
 *
 * One xc_rl per budget owner (a Binance product per IP + account; a Bybit UID + IP). It holds a
 * small set of limits:
 *   XC_RL_REQUEST_WEIGHT, XC_RL_ORDERS, XC_RL_RAW_REQUESTS  Binance exchangeInfo `rateLimits`; FIXED
 *       windows aligned to the venue clock (epoch = floor(now / interval): a 1-minute window resets
 *       at :00, 10 s windows at :00/:10/..., a day at 00:00 UTC), as Binance counts them.
 *   XC_RL_ENDPOINT      Bybit per-UID per-endpoint limits (key such as "linear:POST /v5/order/create"):
 *       SLIDING (rolling) windows kept as a log of the last `limit` grant times, which is exact.
 *   XC_RL_IP_REQUESTS   Bybit's 600 requests / 5 s per IP: SLIDING, cost 1 per request.
 * A request is charged BEFORE it is sent (xc_rl_acquire), on every limit its cost touches:
 * REQUEST_WEIGHT costs `weight`, ORDERS costs `orders`, RAW_REQUESTS and IP_REQUESTS cost 1, an
 * ENDPOINT limit costs `endpoint_cost` if it is the request's endpoint. After the response the
 * venue's own counters are folded in (the higher count wins), and 429/418/403/10006 answers turn
 * into back-off, bans and per-endpoint blocks.
 *
 * Time: `now` is VENUE time in ms since the Unix epoch (local wall clock + the clock-sync offset),
 * because Binance's windows are aligned to its clock and Bybit's reset timestamps are its time.
 * `edge_ms` (default 200) absorbs latency and clock error: a request granted at t may reach the
 * venue anywhere in [t - edge, t + edge], so it is charged to every fixed window that interval
 * touches, and sliding windows are lengthened by edge.
 *
 * Modes: XC_RL_FAIL refuses (XC_EWOULDLIMIT, nothing charged) when the request does not fit now;
 * XC_RL_WAIT reserves the earliest slot where it fits (up to max_wait_ms ahead), charges it there and
 * returns XC_OK with *wait_ms > 0: the caller must not send before now + *wait_ms. A later request
 * may use room before an earlier reservation when that keeps every window within its limit.
 *
 * Memory is fixed at configuration: up to XC_RL_MAX_LIMITS limits; a sliding limit holds a sorted
 * log of max(4 x limit, limit + 64) grant times (when full, requests are refused, never forgotten).
 * Threading: none inside; one owner (the engine thread).
 */
#ifndef XC_CORE_RATELIMIT_H
#define XC_CORE_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "xconn/status.h"

#define XC_RL_MAX_LIMITS 48
#define XC_RL_SLIDING_MAX 100000 /* largest limit a sliding window accepts */
#define XC_RL_KEY_MAX 64         /* endpoint key length incl. NUL */

typedef enum xc_rl_kind {
  XC_RL_REQUEST_WEIGHT = 0,
  XC_RL_ORDERS,
  XC_RL_RAW_REQUESTS,
  XC_RL_IP_REQUESTS,
  XC_RL_ENDPOINT
} xc_rl_kind;

typedef enum xc_rl_window { XC_RL_FIXED = 0, XC_RL_SLIDING } xc_rl_window;

typedef enum xc_rl_mode { XC_RL_FAIL = 0, XC_RL_WAIT } xc_rl_mode;

typedef struct xc_rl_opts {
  int64_t max_wait_ms;            /* WAIT mode: longest reservation ahead; default 60000 */
  int64_t edge_ms;                /* latency/clock-error allowance; default 200 */
  int64_t ban_default_ms;         /* 418 without Retry-After; default 120000 (Binance's first ban) */
  int64_t ip_ban_ms;              /* Bybit HTTP 403 IP limit; default 600000 (10 min per the doc) */
  int64_t endpoint_block_min_ms;  /* Bybit 10006 without a usable reset time; default 1000 */
} xc_rl_opts;

typedef struct xc_rl xc_rl;

/* A request's cost. endpoint is an index from xc_rl_add/xc_rl_find_endpoint or -1. */
typedef struct xc_rl_req {
  uint32_t weight;        /* REQUEST_WEIGHT units */
  uint32_t orders;        /* ORDERS units (orders placed by the request) */
  int endpoint;           /* ENDPOINT limit index, or -1 */
  uint32_t endpoint_cost; /* units on that endpoint (Bybit batch: one per order); 0 means 1 */
} xc_rl_req;

/* One limit as of `now` (xc_rl_info_get). */
typedef struct xc_rl_info {
  xc_rl_kind kind;
  xc_rl_window window;
  int64_t interval_ms;
  uint32_t limit;
  uint32_t used;          /* fixed: charged to the current window (reservations included);
                             sliding: grants in (now - interval, now] plus future reservations */
  uint32_t remaining;     /* limit - used, floored at 0 */
  int64_t reset_ms;       /* fixed: end of the current window; sliding: when the oldest counted
                             grant leaves the window (now if none) */
  int64_t blocked_until_ms; /* endpoint blocked by the venue (Bybit 10006) until then; 0 if not */
  char endpoint[XC_RL_KEY_MAX];
} xc_rl_info;

/* Fills o with the defaults documented above. */
void xc_rl_opts_default(xc_rl_opts *o);
/* Creates an empty limiter (no limits: everything passes). *out is NULL on failure. */
xc_status xc_rl_new(const xc_rl_opts *o, xc_rl **out);
/* Frees the limiter; NULL is a no-op. */
void xc_rl_free(xc_rl *rl);

/* Adds a limit or updates an existing one with the same (kind, window, interval, endpoint): the new
 * `limit` applies and counts are kept. endpoint is required for XC_RL_ENDPOINT, ignored otherwise.
 * *idx (may be NULL) receives its index. XC_EINVAL on bad values, XC_EFULL when the table is full,
 * XC_ERANGE for a sliding limit above XC_RL_SLIDING_MAX. */
xc_status xc_rl_add(xc_rl *rl, xc_rl_kind kind, xc_rl_window window, int64_t interval_ms, uint32_t limit,
                    const char *endpoint, int *idx);
/* Index of the ENDPOINT limit with this key, or -1. */
int xc_rl_find_endpoint(const xc_rl *rl, const char *endpoint);
/* Number of limits configured. */
size_t xc_rl_count(const xc_rl *rl);
/* Describes limit idx as of now. XC_ENOTFOUND for a bad index. */
xc_status xc_rl_info_get(const xc_rl *rl, int idx, int64_t now, xc_rl_info *out);
/* Smallest remaining budget over the limits of `kind` (and interval_ms unless 0) as of now, or -1
 * when no such limit exists. For XC_RL_ENDPOINT use xc_rl_info_get. */
int64_t xc_rl_headroom(const xc_rl *rl, int64_t now, xc_rl_kind kind, int64_t interval_ms);

/* Charges a request of `weight` and `orders` (plus 1 on RAW_REQUESTS / IP_REQUESTS limits).
 * XC_OK: charged; send at now + *wait_ms (0 unless WAIT mode had to reserve later).
 * XC_EWOULDLIMIT: nothing charged; *wait_ms = how long until it would fit (FAIL mode, or WAIT mode
 *   beyond max_wait_ms).
 * XC_ERATELIMIT: inside a 429 back-off (FAIL mode); *wait_ms until it ends.
 * XC_EBANNED: inside a ban (418 / Bybit 403), both modes; *wait_ms until it ends.
 * XC_EINVAL: a cost exceeds a limit (can never fit) or a bad argument. */
xc_status xc_rl_acquire(xc_rl *rl, int64_t now, uint32_t weight, uint32_t orders, xc_rl_mode mode,
                        int64_t *wait_ms);
/* As xc_rl_acquire with a full cost description (Bybit endpoints). */
xc_status xc_rl_acquire_req(xc_rl *rl, int64_t now, const xc_rl_req *req, xc_rl_mode mode, int64_t *wait_ms);

/* Gives back a charge for a request that was never sent (canceled while waiting for its slot,
 * breaker open, shutdown). req is the same cost description, granted_at the time it was granted
 * (now + *wait_ms of the acquire). Charges already reconciled into the venue's count may stay.
 * XC_ENOTFOUND if nothing matched (already refunded, or the window is gone). */
xc_status xc_rl_refund(xc_rl *rl, const xc_rl_req *req, int64_t granted_at);

/* Fixed windows: the venue reports `used` units on the (kind, interval_ms) window for a request
 * sent at sent_ms and answered at recv_ms. The count is applied to the window containing recv_ms
 * when it is higher than ours; when sent and recv fall in different windows the report is ambiguous
 * and ignored. XC_ENOTFOUND when no such limit exists. */
xc_status xc_rl_reconcile(xc_rl *rl, xc_rl_kind kind, int64_t interval_ms, uint64_t used, int64_t sent_ms,
                          int64_t recv_ms);
/* Applies one Binance response header if it is a counter: X-MBX-USED-WEIGHT-<n><S|M|H|D> or
 * X-MBX-ORDER-COUNT-<n><S|M|H|D> (case-insensitive). XC_ENOTFOUND if the header is not a counter
 * or no limit matches it, XC_EPARSE for a malformed value. */
xc_status xc_rl_binance_header(xc_rl *rl, const char *name, size_t nlen, const char *value, size_t vlen,
                               int64_t sent_ms, int64_t recv_ms);
/* Binance HTTP status: 429 -> back off until now + Retry-After (if retry_after_s < 0: until the
 * next minute boundary); 418 -> ban until now + Retry-After (default ban_default_ms). Other statuses
 * are ignored. */
void xc_rl_binance_http(xc_rl *rl, int64_t now, int http_status, int64_t retry_after_s);

/* Bybit: after a response on endpoint ep, fold in X-Bapi-Limit (limit, <0 if absent: a different
 * value re-sizes the limit), X-Bapi-Limit-Status (remaining, <0 if absent: the venue's usage wins
 * when higher) and X-Bapi-Limit-Reset-Timestamp (reset_ms, <0 if absent: blocks the endpoint until
 * then when remaining is 0). */
xc_status xc_rl_bybit_headers(xc_rl *rl, int ep, int64_t now, int64_t limit, int64_t remaining, int64_t reset_ms);
/* Bybit retCode 10006 / 10018 on endpoint ep (or -1 for all): blocked until reset_ms (or for
 * endpoint_block_min_ms when reset_ms is absent or already past). */
void xc_rl_bybit_limited(xc_rl *rl, int ep, int64_t now, int64_t reset_ms);
/* Bybit HTTP status: 403 (the IP limit: call this only for "access too frequent") halts everything
 * for ip_ban_ms; 429 backs off for 1 s. Others are ignored. */
void xc_rl_bybit_http(xc_rl *rl, int64_t now, int http_status);

/* Every request fails with XC_EBANNED until until_ms (never shortens an existing ban). */
void xc_rl_ban_until(xc_rl *rl, int64_t until_ms);
/* FAIL-mode requests get XC_ERATELIMIT (WAIT mode reserves after it) until until_ms. */
void xc_rl_backoff_until(xc_rl *rl, int64_t until_ms);
/* The end of the current ban and back-off (0 when none). */
void xc_rl_blocked(const xc_rl *rl, int64_t *ban_until, int64_t *backoff_until);

/* Parses a Binance exchangeInfo rateLimits entry (rateLimitType, interval, intervalNum) into a kind
 * and an interval. XC_ENOTSUP for types xconn does not limit locally (CONNECTIONS), XC_EINVAL for
 * unknown strings. */
xc_status xc_rl_binance_parse(const char *type, size_t tlen, const char *interval, size_t ilen,
                              uint32_t interval_num, xc_rl_kind *kind, int64_t *interval_ms);
/* Adds Binance's documented production limits (spot: 6000 weight/min, 100 orders/10 s, 200000
 * orders/day, 300000 raw/5 min; usdm: 2400 weight/min, 300 orders/10 s, 1200 orders/min). Replace
 * them with exchangeInfo's values at start-up. */
xc_status xc_rl_add_binance_defaults(xc_rl *rl, bool usdm);
/* Adds Bybit's IP limit (600 / 5 s) and the default per-UID table for category "spot" or "linear"
 * (keys "<category>:<METHOD> <path>", e.g. "linear:POST /v5/order/create"). */
xc_status xc_rl_add_bybit_defaults(xc_rl *rl, const char *category);

#endif
