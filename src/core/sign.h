/* Request signing for Binance and Bybit, and the verification side the simulator uses.
 *
 * Primitives (OpenSSL 3 EVP only): HMAC-SHA256 (output lowercase hex), Ed25519 and RSA PKCS#1 v1.5
 * SHA-256 (output standard base64 with padding), hex/base64 codecs, SHA-256.
 *
 * xc_signer is an opaque key: HMAC from a secret, Ed25519/RSA from a PEM private key (signs and
 * verifies) or a PEM public key (verifies only). Key material lives only inside the signer
 * (HMAC keeps the prepared inner/outer SHA-256 states, never the secret) and is wiped on free; it
 * is never logged. HMAC signing copies the prepared states per call: about 0.3 us for 256 bytes.
 *
 * Threading: a signer is used by one thread at a time (sign and verify reuse a work context).
 * Create one signer per thread if several threads sign. Everything else here is pure.
 *
 * Venue helpers:
 * - Binance REST (binance.md 2.3): parameters are percent-encoded in call order (query.h), then
 *   recvWindow and timestamp are appended, totalParams = query || body (no separator) is signed, and
 *   `signature=` is appended as the last parameter (base64 signatures percent-encoded).
 * - Binance WebSocket API (2.4): params except `signature` sorted by name (byte order), joined
 *   `k=v&...` with raw (not percent-encoded) values, signed.
 * - Bybit v5 (bybit.md 2-3): timestamp + apiKey + recvWindow + (query string | JSON body), and
 *   "GET/realtime" + expires for WebSocket auth.
 */
#ifndef XC_CORE_SIGN_H
#define XC_CORE_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/query.h"
#include "xconn/status.h"

typedef enum xc_sign_alg {
  XC_SIGN_HMAC_SHA256 = 1, /* output: 64 lowercase hex characters */
  XC_SIGN_ED25519 = 2,     /* output: base64 of 64 bytes (88 characters) */
  XC_SIGN_RSA_SHA256 = 3   /* output: base64 of the modulus size (344 characters for RSA-2048) */
} xc_sign_alg;

/* Largest signature text any signer produces, including the NUL (RSA up to 8192 bits). */
#define XC_SIG_TEXT_MAX 1400

/* A piece of a message signed as the concatenation of pieces (no copy for HMAC and RSA). */
typedef struct xc_iov {
  const void *p;
  size_t n;
} xc_iov;

/* ---- encoders -------------------------------------------------------------------------------- */

/* Writes 2n lowercase hex characters and a NUL to out (2n + 1 bytes). Returns 2n. */
size_t xc_hex_encode(const void *in, size_t n, char *out);
/* Decodes hex (either case) into out (cap bytes). XC_EPARSE on odd length or a non-hex character,
 * XC_ENOSPC if out is too small. */
xc_status xc_hex_decode(const char *in, size_t n, unsigned char *out, size_t cap, size_t *out_len);
/* Characters xc_base64_encode writes for n bytes, without the NUL. */
static inline size_t xc_base64_len(size_t n) { return (n + 2) / 3 * 4; }
/* Standard base64 with '=' padding, NUL-terminated (out: xc_base64_len(n) + 1). Returns the length. */
size_t xc_base64_encode(const void *in, size_t n, char *out);
/* Decodes standard base64 (padding required, no whitespace). XC_EPARSE if malformed, XC_ENOSPC if
 * out is too small. */
xc_status xc_base64_decode(const char *in, size_t n, unsigned char *out, size_t cap,
                           size_t *out_len);
/* SHA-256 of in[0..n). */
xc_status xc_sha256(const void *in, size_t n, unsigned char out[32]);
/* One-shot HMAC-SHA256 (builds the key each call; use an xc_signer on hot paths). */
xc_status xc_hmac_sha256(const void *key, size_t key_len, const void *msg, size_t n,
                         unsigned char out[32]);

/* ---- signer ---------------------------------------------------------------------------------- */

typedef struct xc_signer xc_signer;

/* An HMAC-SHA256 signer keyed with secret[0..len) (copied into prepared state, not kept). */
xc_status xc_signer_new_hmac(const char *secret, size_t len, xc_signer **out);
/* An Ed25519 or RSA signer from a PEM private key ("PRIVATE KEY", "RSA PRIVATE KEY") or a
 * verify-only one from a PEM public key ("PUBLIC KEY"). Encrypted keys are refused (never
 * prompts). XC_ECRYPTO if the PEM cannot be read, XC_ENOTSUP for other key types or sizes. */
xc_status xc_signer_new_pem(const char *pem, size_t len, xc_signer **out);
/* Wipes and frees; NULL is a no-op. */
void xc_signer_free(xc_signer *s);
xc_sign_alg xc_signer_alg(const xc_signer *s);
/* True if the signer holds a private key or secret (false for a public-key verifier). */
bool xc_signer_can_sign(const xc_signer *s);
/* Length of the signature text this signer produces (without the NUL). */
size_t xc_signer_sig_len(const xc_signer *s);
/* "hmac", "ed25519" or "rsa". */
const char *xc_sign_alg_name(xc_sign_alg alg);

/* Signs msg[0..n) and writes the signature text (hex for HMAC, base64 otherwise), NUL-terminated,
 * into out (cap bytes; XC_SIG_TEXT_MAX always suffices). XC_ENOSPC, XC_EMISUSE (verify-only key),
 * XC_ECRYPTO. */
xc_status xc_signer_sign(xc_signer *s, const void *msg, size_t n, char *out, size_t cap,
                         size_t *out_len);
/* Same over the concatenation of iov[0..niov). */
xc_status xc_signer_signv(xc_signer *s, const xc_iov *iov, size_t niov, char *out, size_t cap,
                          size_t *out_len);
/* Checks a signature text (hex in either case for HMAC, base64 otherwise) over msg[0..n).
 * XC_OK if valid, XC_EAUTH if not (including malformed signature text). Constant time for HMAC. */
xc_status xc_signer_verify(xc_signer *s, const void *msg, size_t n, const char *sig,
                           size_t sig_len);
/* Same over the concatenation of iov[0..niov). */
xc_status xc_signer_verifyv(xc_signer *s, const xc_iov *iov, size_t niov, const char *sig,
                            size_t sig_len);

/* ---- Binance --------------------------------------------------------------------------------- */

/* The header carrying the API key on Binance REST requests (and on SBE/stream handshakes). */
#define XC_BINANCE_H_API_KEY "X-MBX-APIKEY"

/* Binance SIGNED REST request. Parameters already in `query` and `body` (built with xc_form_add*,
 * percent-encoded) are kept in order. Appends `recvWindow` (if recv_window_ms > 0) and `timestamp`
 * to body when body is not NULL, else to query; signs totalParams = query || body; appends
 * `signature=<sig>` (base64 percent-encoded) last to the same buffer. */
xc_status xc_binance_sign_rest(xc_signer *s, xc_buf *query, xc_buf *body, int64_t timestamp_ms,
                               int64_t recv_window_ms);
/* The payload Binance signs for a request as received: query || body with the `signature`
 * parameter removed (from either part). *sig and *sig_len borrow the raw (still percent-encoded)
 * signature value. XC_ENOTFOUND if there is no signature parameter, XC_EDUPLICATE if several. */
xc_status xc_binance_rest_signed_payload(const char *query, size_t qlen, const char *body,
                                         size_t blen, xc_buf *payload, const char **sig,
                                         size_t *sig_len);
/* Verifies a Binance REST request as received (query and/or body, raw bytes; either may be NULL).
 * XC_OK, XC_ENOTFOUND (no signature parameter: Binance -1102), XC_EAUTH (invalid: -1022). */
xc_status xc_binance_verify_rest(xc_signer *s, const char *query, size_t qlen, const char *body,
                                 size_t blen);

/* Upper bound on WebSocket API params (XC_EFULL beyond). */
#define XC_BINANCE_WS_MAX_PARAMS 64

/* Builds the Binance WebSocket API signature payload into out (reset first): params except
 * `signature`, sorted by key, joined `k=v&...`, values raw. */
xc_status xc_binance_ws_payload(const xc_kv *params, size_t n, xc_buf *out);
/* Builds the payload (in scratch) and signs it: sig gets hex (HMAC) or base64 (not
 * percent-encoded: it travels inside JSON). */
xc_status xc_binance_sign_ws(xc_signer *s, const xc_kv *params, size_t n, xc_buf *scratch,
                             char *sig, size_t cap, size_t *sig_len);
/* Verifies WebSocket API params as received: the `signature` entry against the rest.
 * XC_OK, XC_ENOTFOUND (no signature), XC_EAUTH (invalid). */
xc_status xc_binance_verify_ws(xc_signer *s, const xc_kv *params, size_t n, xc_buf *scratch);

/* ---- Bybit v5 -------------------------------------------------------------------------------- */

#define XC_BYBIT_H_API_KEY "X-BAPI-API-KEY"
#define XC_BYBIT_H_SIGN "X-BAPI-SIGN"
#define XC_BYBIT_H_TIMESTAMP "X-BAPI-TIMESTAMP"
#define XC_BYBIT_H_RECV_WINDOW "X-BAPI-RECV-WINDOW"
#define XC_BYBIT_H_SIGN_TYPE "X-BAPI-SIGN-TYPE"

/* The authentication headers of one Bybit request. api_key is borrowed from the caller. */
typedef struct xc_bybit_auth {
  const char *api_key;
  char sign[XC_SIG_TEXT_MAX];
  char timestamp[24];
  char recv_window[24];
  char sign_type[4]; /* "2", as every official example and pybit send */
} xc_bybit_auth;

/* A header name and value (both borrowed). */
typedef struct xc_header {
  const char *name;
  const char *value;
} xc_header;

/* Appends the Bybit REST string to sign to out: timestamp + apiKey + recvWindow + payload, where
 * payload is the raw query string (GET, without '?') or the exact JSON body (POST). */
xc_status xc_bybit_rest_prehash(xc_buf *out, int64_t timestamp_ms, const char *api_key,
                                int64_t recv_window_ms, const char *payload, size_t n);
/* Signs a Bybit REST request (payload as above) and fills the header set. */
xc_status xc_bybit_sign_rest(xc_signer *s, const char *api_key, int64_t timestamp_ms,
                             int64_t recv_window_ms, const char *payload, size_t n,
                             xc_bybit_auth *out);
/* The five headers of an xc_bybit_auth (pointers into it); returns 5. */
size_t xc_bybit_headers(const xc_bybit_auth *a, xc_header out[5]);
/* Verifies a Bybit REST request from its header values as received (recv_window may be NULL when
 * the header is absent: it then contributes nothing to the signed string) and the raw payload.
 * XC_OK or XC_EAUTH. */
xc_status xc_bybit_verify_rest(xc_signer *s, const char *timestamp, const char *api_key,
                               const char *recv_window, const char *payload, size_t n,
                               const char *sig, size_t sig_len);
/* Bybit WebSocket auth: signs "GET/realtime" + expires_ms into sig (hex for HMAC, base64 for RSA). */
xc_status xc_bybit_sign_ws_auth(xc_signer *s, int64_t expires_ms, char *sig, size_t cap,
                                size_t *sig_len);
/* Verifies the signature of a Bybit WebSocket auth request. XC_OK or XC_EAUTH. */
xc_status xc_bybit_verify_ws_auth(xc_signer *s, int64_t expires_ms, const char *sig,
                                  size_t sig_len);

#endif
