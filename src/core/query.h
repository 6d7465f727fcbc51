/* Query strings and application/x-www-form-urlencoded bodies: percent-encoding and parsing.
 *
 * Encoding (what xconn sends): every byte outside the RFC 3986 unreserved set (A-Z a-z 0-9 - _ . ~)
 * becomes %XX with UPPERCASE hex; a space becomes %20 (never '+'). Binance signs the exact bytes
 * sent (binance.md 2.3), so the encoder's output is what gets signed.
 *
 * Parsing (what the simulator receives): `k=v&k=v` split on '&', then on the first '='; '+' decodes
 * to a space and %XX to its byte (either hex case). Empty segments ("a=1&&b=2", a trailing '&') are
 * skipped; a segment without '=' is a key with an empty value. A '%' not followed by two hex digits,
 * and a NUL byte, raw or as %00 (it would truncate C strings), are rejected with XC_EPARSE. Duplicate keys are kept
 * in order; lookups return the first. Results are NUL-terminated and point into the caller's
 * buffer (in place, or a separate destination of at least len + 1 bytes). No allocation.
 *
 * Pure functions, thread-safe.
 */
#ifndef XC_CORE_QUERY_H
#define XC_CORE_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "xconn/status.h"

/* A key/value pair of bytes (not necessarily NUL-terminated unless a function says so). */
typedef struct xc_kv {
  const char *key;
  size_t key_len;
  const char *val;
  size_t val_len;
} xc_kv;

/* True for the RFC 3986 unreserved bytes, which the encoder leaves as they are. */
bool xc_pct_unreserved(unsigned char c);
/* Appends the percent-encoding of in[0..n) to b. */
xc_status xc_pct_encode(xc_buf *b, const char *in, size_t n);
/* Decodes in[0..n) into out (cap bytes, NUL-terminated; out may equal in). '+' becomes a space
 * only if plus_is_space. XC_EPARSE on a malformed escape or %00, XC_ENOSPC if out is too small
 * (cap >= n + 1 always suffices). */
xc_status xc_pct_decode(const char *in, size_t n, char *out, size_t cap, size_t *out_len,
                        bool plus_is_space);

/* Appends "key=value" to a form/query string in b, preceded by '&' unless b is empty; key and value
 * are percent-encoded. */
xc_status xc_form_add(xc_buf *b, const char *key, const char *val, size_t val_len);
/* Same with a NUL-terminated value. */
xc_status xc_form_add_str(xc_buf *b, const char *key, const char *val);
/* Same with a decimal integer value. */
xc_status xc_form_add_i64(xc_buf *b, const char *key, int64_t val);

/* Parses src[0..len) into kv[0..*n) (at most kv_cap pairs), decoding into dst (dst_cap bytes,
 * >= len + 1; dst may equal src for in-place parsing of a writable buffer). Keys and values are
 * NUL-terminated inside dst. XC_EPARSE on a malformed escape, XC_EFULL if there are more than kv_cap
 * pairs, XC_ENOSPC if dst is too small. On failure *n is the number of pairs parsed so far. */
xc_status xc_query_parse(const char *src, size_t len, char *dst, size_t dst_cap, xc_kv *kv,
                         size_t kv_cap, size_t *n);
/* Parses a query string then a form body into one array (query pairs first, so lookups see the
 * query's value of a duplicated key first: "the query string wins", binance.md 2.1). Either part
 * may be NULL/empty. dst_cap >= qlen + blen + 2. *nq receives the number of pairs from the query
 * (may be NULL). Errors as xc_query_parse. */
xc_status xc_query_parse_both(const char *query, size_t qlen, const char *body, size_t blen,
                              char *dst, size_t dst_cap, xc_kv *kv, size_t kv_cap, size_t *n,
                              size_t *nq);
/* The first pair whose key equals `key` (NUL-terminated), or NULL. */
const xc_kv *xc_query_find(const xc_kv *kv, size_t n, const char *key);
/* The first value of `key`: XC_OK with *val and *val_len, or XC_ENOTFOUND. */
xc_status xc_query_get(const xc_kv *kv, size_t n, const char *key, const char **val,
                       size_t *val_len);

#endif
