/* xconn/status.h: the one status table of libxconn.
 *
 * Every fallible function returns an xc_status: XC_OK (0) on success, a negative code on failure.
 * The table below is append-only: a code never changes its number or meaning once released.
 * Codes fall into categories a caller can act on (retry, back off, fix the request, re-auth, ...);
 * xc_status_category() says which. Thread-safe: everything here is pure.
 */
#ifndef XCONN_STATUS_H
#define XCONN_STATUS_H

#include "xconn/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* X(name, value, category, message) */
#define XC_STATUS_MAP(X)                                                                           \
  X(XC_OK,          0,   NONE,     "success")                                                      \
  X(XC_EINVAL,     -1,   ARG,      "invalid argument")                                             \
  X(XC_ENOMEM,     -2,   MEMORY,   "out of memory")                                                \
  X(XC_ERANGE,     -3,   ARG,      "value out of range")                                           \
  X(XC_EPARSE,     -4,   PARSE,    "malformed input")                                              \
  X(XC_ENOTFOUND,  -5,   ARG,      "not found")                                                    \
  X(XC_ETYPE,      -6,   PARSE,    "value has the wrong type")                                     \
  X(XC_ENOSPC,     -7,   ARG,      "buffer too small")                                             \
  X(XC_ENOTSUP,    -8,   UNSUPPORTED, "not supported by this venue or build")                      \
  X(XC_EMISUSE,    -9,   MISUSE,   "call not allowed in this state")                               \
  X(XC_ECANCELED,  -10,  CANCELED, "canceled")                                                     \
  X(XC_ETIMEDOUT,  -11,  NETWORK,  "timed out")                                                    \
  X(XC_ECONN,      -12,  NETWORK,  "connection failed")                                            \
  X(XC_ECLOSED,    -13,  NETWORK,  "connection closed")                                            \
  X(XC_ETLS,       -14,  NETWORK,  "TLS error")                                                    \
  X(XC_EDNS,       -15,  NETWORK,  "name resolution failed")                                       \
  X(XC_EHTTP,      -16,  NETWORK,  "HTTP error from server")                                       \
  X(XC_EPROTO,     -17,  PARSE,    "protocol violation by peer")                                   \
  X(XC_EUNKNOWN_OUTCOME, -18, UNKNOWN_OUTCOME, "request outcome unknown (may have been executed)") \
  X(XC_ERATELIMIT, -19,  RATE_LIMIT, "rate limited by the venue")                                  \
  X(XC_EBANNED,    -20,  RATE_LIMIT, "IP banned by the venue (HTTP 418)")                          \
  X(XC_EWOULDLIMIT,-21,  RATE_LIMIT, "request would exceed the local rate-limit budget")           \
  X(XC_EAUTH,      -22,  AUTH,     "authentication failed (key, signature or permissions)")        \
  X(XC_ETIMESTAMP, -23,  AUTH,     "request timestamp outside the venue's window")                 \
  X(XC_EREJECTED,  -24,  REJECTED, "rejected by the venue")                                        \
  X(XC_EINSUFFICIENT, -25, REJECTED, "insufficient balance")                                       \
  X(XC_EFILTER,    -26,  ARG,      "order violates the instrument's rules")                        \
  X(XC_EUNKNOWN_ORDER, -27, REJECTED, "unknown order")                                             \
  X(XC_EBREAKER,   -28,  UNAVAILABLE, "circuit breaker open: failing fast")                        \
  X(XC_EUNAVAIL,   -29,  UNAVAILABLE, "venue unavailable (maintenance or overload)")               \
  X(XC_ESEQGAP,    -30,  PARSE,    "sequence gap")                                                 \
  X(XC_ESTATE,     -31,  MISUSE,   "illegal state transition")                                     \
  X(XC_EDUPLICATE, -32,  ARG,      "duplicate")                                                    \
  X(XC_EFULL,      -33,  MEMORY,   "bounded queue or table is full")                               \
  X(XC_ECRYPTO,    -34,  AUTH,     "cryptographic operation failed (bad key?)")                    \
  X(XC_EIO,        -35,  NETWORK,  "I/O error")                                                    \
  X(XC_EINTERNAL,  -36,  INTERNAL, "internal error")

typedef enum xc_status {
#define XC_STATUS_ENUM_(name, value, cat, msg) name = value,
  XC_STATUS_MAP(XC_STATUS_ENUM_)
#undef XC_STATUS_ENUM_
} xc_status;

/* What a caller can do about a status. */
typedef enum xc_status_cat {
  XC_CAT_NONE = 0,        /* success */
  XC_CAT_ARG,             /* fix the arguments */
  XC_CAT_MEMORY,          /* out of memory or a bounded resource is full */
  XC_CAT_PARSE,           /* malformed bytes, usually from the peer */
  XC_CAT_UNSUPPORTED,     /* the venue or build cannot do this */
  XC_CAT_MISUSE,          /* API used in the wrong state */
  XC_CAT_CANCELED,        /* canceled by the user or by shutdown */
  XC_CAT_NETWORK,         /* retryable network failure */
  XC_CAT_UNKNOWN_OUTCOME, /* the request may or may not have taken effect: query, do not resend */
  XC_CAT_RATE_LIMIT,      /* back off */
  XC_CAT_AUTH,            /* credentials, signature or clock */
  XC_CAT_REJECTED,        /* the venue refused the request on its merits */
  XC_CAT_UNAVAILABLE,     /* fail-fast: breaker open or venue down */
  XC_CAT_INTERNAL         /* a bug in xconn */
} xc_status_cat;

/* Human-readable message for a status ("invalid argument"); static storage, never NULL. */
XC_API const char *xc_status_str(xc_status st);
/* The enum constant's name ("XC_EINVAL"); static storage, never NULL. */
XC_API const char *xc_status_name(xc_status st);
/* The category of a status; XC_CAT_INTERNAL for an unknown code. */
XC_API xc_status_cat xc_status_category(xc_status st);
/* The category's name ("network"); static storage. */
XC_API const char *xc_status_cat_name(xc_status_cat cat);

#ifdef __cplusplus
}
#endif
#endif
