/* Binance request parameters and request authentication for the simulator's front ends.
 *
 * A request's parameters come from the query string, an application/x-www-form-urlencoded body,
 * or both (Binance accepts all three; a key present in both is taken from the query string). They
 * are percent-decoded into a bounded table owned by the xc__bn_params value (no allocation).
 * Authentication follows Binance: X-MBX-APIKEY, then `timestamp`/`recvWindow`, then
 * HMAC-SHA256 over totalParams = query + body exactly as received minus the `signature`
 * parameter, hex compared case-insensitively. Pure (takes `now_ms`); thread-safe per value.
 */
#ifndef XC_SIM_BINANCE_PARAMS_H
#define XC_SIM_BINANCE_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/binance_errors.h"
#include "xconn/decimal.h"

#define XC__BN_MAX_PARAMS 40
#define XC__BN_PARAM_STORE 6144

typedef struct xc__bn_kv {
  const char *key;
  const char *val;  /* decoded, NUL-terminated */
  size_t vlen;
} xc__bn_kv;

typedef struct xc__bn_params {
  int n;
  xc__bn_kv p[XC__BN_MAX_PARAMS];
  bool duplicate;   /* same key twice in one source: -1101 */
  bool overflow;    /* too many or too long: -1101 */
  bool illegal;     /* a NUL byte in a key or value: -1100 */
  const char *query, *body;  /* raw, borrowed (for the signature) */
  size_t qlen, blen;
  size_t used;
  char store[XC__BN_PARAM_STORE];
} xc__bn_params;

/* Parses query (may be NULL) and body (may be NULL) into p. Never fails: problems are flagged. */
void xc__bn_params_parse(xc__bn_params *p, const char *query, size_t qlen, const char *body, size_t blen);
/* The decoded value of key, or NULL if absent. */
const char *xc__bn_param(const xc__bn_params *p, const char *key);
/* Adds a key/value (used by the WebSocket API, whose params arrive as JSON). false if full. */
bool xc__bn_params_add(xc__bn_params *p, const char *key, size_t klen, const char *val, size_t vlen);

/* Reads optional integer `key` into *out (unchanged if absent). 0 ok, else the error code set in e
 * (-1100 for non-digits, -1102 for empty). */
int xc__bn_param_i64(const xc__bn_params *p, const char *key, int64_t *out, bool *present, xc__bn_err *e);
/* Reads optional decimal `key` ("0.001"); -1100 if it is not ^[0-9]{1,20}(\.[0-9]{1,20})?$. */
int xc__bn_param_dec(const xc__bn_params *p, const char *key, xc_dec *out, bool *present, xc__bn_err *e);
/* Reads mandatory string `key` (non-empty); -1102 if absent or empty. */
int xc__bn_param_req(const xc__bn_params *p, const char *key, const char **out, xc__bn_err *e);

/* Percent-decodes src[0..n) into dst (cap bytes incl. NUL), '+' as space. Returns length or -1. */
int xc__bn_pct_decode(const char *src, size_t n, char *dst, size_t cap);

/* Credentials the simulator accepts. */
typedef struct xc__bn_keys {
  const char *api_key;
  const char *secret;   /* HMAC secret */
} xc__bn_keys;

/* Security levels of an endpoint (binance.md 2.2). */
typedef enum xc__bn_sec { XC__BN_SEC_NONE, XC__BN_SEC_KEY, XC__BN_SEC_SIGNED } xc__bn_sec;

/* Checks the API key (header value, may be NULL) and, for SIGNED, timestamp/recvWindow against
 * now_ms (futures = the futures rule) and the HMAC signature. 0 if allowed, else the Binance code
 * with e filled. Order: key (-2014/-2015), timestamp and signature present (-1102), recvWindow
 * (-1102 above 60000), timestamp window (-1021), signature (-1022). */
int xc__bn_auth_rest(const xc__bn_params *p, const char *apikey_hdr, const xc__bn_keys *keys,
                     xc__bn_sec sec, int64_t now_ms, bool futures, xc__bn_err *e);

/* Timestamp/recvWindow check alone (shared with the WebSocket API). */
int xc__bn_check_timestamp(const xc__bn_params *p, int64_t now_ms, bool futures, xc__bn_err *e);

/* The simulator's Ed25519 test key for an HMAC secret: seed = SHA-256("xconn-sim-ed25519:" +
 * secret). Caller frees with EVP_PKEY_free. NULL on failure. */
struct evp_pkey_st *xc__bn_ed25519_key(const char *secret);
/* Verifies a base64 Ed25519 signature (already percent-decoded) over payload with that key. */
bool xc__bn_ed25519_verify(const char *secret, const char *payload, size_t n, const char *sig_b64);

/* Lowercase hex HMAC-SHA256 of msg under secret into hex (65 bytes). */
void xc__bn_hmac_hex(const char *secret, const void *msg, size_t n, char hex[65]);
/* Case-insensitive constant-time compare of two hex strings. */
bool xc__bn_hex_eq(const char *a, const char *b);

#endif
