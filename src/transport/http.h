/* transport/http.h: asynchronous HTTP(S) client on the engine loop (internal).
 *
 * Requests run on libcurl's multi interface driven by the engine's libuv loop: connections are
 * kept alive and reused, HTTP/2 is negotiated over TLS where the server offers it (and
 * multiplexed), DNS is resolved asynchronously (curl's threaded resolver), TLS peers are verified
 * by default against the engine's CA options.
 *
 * Outcome rules (the order layer depends on them):
 * - A complete response with status < 500 completes with XC_OK; the caller reads status, headers
 *   and body (venue error codes in 4xx bodies are the venue layer's business).
 * - 5xx: XC_EHTTP for an idempotent request, XC_EUNKNOWN_OUTCOME for a non-idempotent one (the
 *   response is still attached).
 * - Transport failure before the request could have reached the server (DNS, refused connect,
 *   TLS handshake): XC_EDNS / XC_ECONN / XC_ETLS whatever the method.
 * - Transport failure after that point (timeout, reset, empty reply): XC_ETIMEDOUT / XC_ECONN /
 *   XC_ECLOSED for idempotent requests, XC_EUNKNOWN_OUTCOME for non-idempotent ones.
 * - Nothing non-idempotent is ever sent twice. libcurl on its own re-sends a request once when a
 *   reused keep-alive connection dies before any response byte; xconn lets that happen for
 *   idempotent requests and aborts it for the others (XC_EUNKNOWN_OUTCOME: the first copy may
 *   have been executed).
 * - Breaker open: XC_EBREAKER without any I/O. Shutdown: XC_ECANCELED.
 *
 * Threading: xc__http_request() is thread-safe (it copies the request and posts it to the engine).
 * The callback runs exactly once on the engine thread (never inline in xc__http_request), unless
 * xc__http_request returned an error, in which case it never runs. The response and everything it
 * points to are valid only during the callback.
 */
#ifndef XC_TRANSPORT_HTTP_H
#define XC_TRANSPORT_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "transport/engine.h"
#include "xconn/status.h"

typedef struct xc__breaker_group xc__breaker_group; /* transport/breaker_group.h */

typedef struct xc__http_header {
  const char *name;  /* as received (case preserved); compare with strcasecmp */
  const char *value; /* leading/trailing whitespace removed */
} xc__http_header;

typedef struct xc__http_req {
  const char *method;         /* "GET", "POST", "PUT", "DELETE", ...; default "GET" */
  const char *url;            /* http:// or https:// (required) */
  const char *const *headers; /* "Name: value" lines, nheaders of them (copied) */
  size_t nheaders;
  const void *body;           /* request body (copied), may be NULL */
  size_t body_len;
  uint32_t timeout_ms;        /* whole request; 0 = 10000 */
  int idempotent;             /* -1 = by method (POST/PATCH are not), 0 = no, 1 = yes */
  size_t max_body;            /* response body cap; 0 = 16 MiB; larger -> XC_EFULL */
  xc__breaker_group *breaker; /* optional: fail fast while open, record the outcome */
} xc__http_req;

/* Fills a request with defaults (GET, idempotent by method, 10 s timeout). */
void xc__http_req_default(xc__http_req *r);

typedef struct xc__http_resp {
  int status;                   /* HTTP status; 0 when no response was received */
  int http_version;             /* 10, 11, 20 (0 when unknown) */
  const xc__http_header *headers; /* headers of the final response */
  size_t nheaders;
  const char *body;             /* NUL-terminated for convenience; body_len excludes the NUL */
  size_t body_len;
  uint64_t elapsed_us;          /* submit to completion */
  bool reused;                  /* the request went over an already open connection */
  const char *errmsg;           /* transport error detail, "" when none */
} xc__http_resp;

typedef void (*xc__http_cb)(xc_status st, const xc__http_resp *resp, void *user);

/* Submits a request. Thread-safe. On XC_OK the callback runs exactly once on the engine thread. */
xc_status xc__http_request(xc__engine *e, const xc__http_req *req, xc__http_cb cb, void *user);

/* First header named `name` (case-insensitive) in resp, or NULL. */
const char *xc__http_header_get(const xc__http_resp *resp, const char *name);

typedef struct xc__http_stats {
  uint64_t requests;     /* completed (any status) */
  uint64_t connects;     /* new connections opened */
  uint64_t inflight;     /* currently running */
} xc__http_stats;
/* Engine thread only (or after the engine stopped). */
void xc__http_stats_get(xc__engine *e, xc__http_stats *out);

#endif
