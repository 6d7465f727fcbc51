/* Venue request assembly and verification: Binance REST / WebSocket API, Bybit v5 REST / WS auth.
 * See sign.h and docs/internals/signing.md. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/sign.h"

/* ---- Binance REST -------------------------------------------------------------------------------- */

xc_status xc_binance_sign_rest(xc_signer *s, xc_buf *query, xc_buf *body, int64_t timestamp_ms,
                               int64_t recv_window_ms) {
  if (!s || (!query && !body) || timestamp_ms <= 0 || recv_window_ms < 0) return XC_EINVAL;
  xc_buf *tgt = body ? body : query;
  xc_status st;
  if (recv_window_ms > 0 && (st = xc_form_add_i64(tgt, "recvWindow", recv_window_ms))) return st;
  if ((st = xc_form_add_i64(tgt, "timestamp", timestamp_ms))) return st;
  xc_iov iov[2] = {{query ? query->data : NULL, query ? query->len : 0},
                   {body ? body->data : NULL, body ? body->len : 0}};
  char sig[XC_SIG_TEXT_MAX];
  size_t sl = 0;
  if ((st = xc_signer_signv(s, iov, 2, sig, sizeof sig, &sl))) return st;
  if ((st = xc_buf_puts(tgt, "&signature="))) return st;
  /* Hex needs no escaping; base64's '+', '/' and '=' do (binance.md 2.5). */
  return xc_signer_alg(s) == XC_SIGN_HMAC_SHA256 ? xc_buf_append(tgt, sig, sl)
                                                 : xc_pct_encode(tgt, sig, sl);
}

/* Locates the `signature` parameter of one part: the byte range [*cut_a, *cut_b) to remove (the
 * parameter plus one adjacent '&') and its raw value. Counts occurrences in *found. */
static void find_signature(const char *s, size_t n, size_t *cut_a, size_t *cut_b, const char **val,
                           size_t *vlen, int *found) {
  static const char key[] = "signature";
  const size_t kl = sizeof key - 1;
  size_t i = 0;
  while (i <= n && s) {
    const char *amp = i < n ? memchr(s + i, '&', n - i) : NULL;
    size_t j = amp ? (size_t)(amp - s) : n;
    size_t seg = j - i;
    if (seg >= kl && memcmp(s + i, key, kl) == 0 && (seg == kl || s[i + kl] == '=')) {
      (*found)++;
      *val = s + i + (seg > kl ? kl + 1 : kl);
      *vlen = seg > kl ? seg - kl - 1 : 0;
      if (i > 0) {
        *cut_a = i - 1;
        *cut_b = j;
      } else if (j < n) {
        *cut_a = i;
        *cut_b = j + 1;
      } else {
        *cut_a = i;
        *cut_b = j;
      }
    }
    if (!amp) break;
    i = j + 1;
  }
}

/* Splits query and body into up to four pieces forming the signed payload. */
static xc_status binance_rest_pieces(const char *query, size_t qlen, const char *body, size_t blen,
                                     xc_iov iov[4], const char **sig, size_t *sig_len) {
  if ((!query && qlen) || (!body && blen)) return XC_EINVAL;
  int found = 0;
  size_t qa = qlen, qb = qlen, ba = blen, bb = blen;
  const char *v = NULL;
  size_t vl = 0;
  find_signature(query, qlen, &qa, &qb, &v, &vl, &found);
  find_signature(body, blen, &ba, &bb, &v, &vl, &found);
  if (found == 0) return XC_ENOTFOUND;
  if (found > 1) return XC_EDUPLICATE;
  iov[0] = (xc_iov){query, qa};
  iov[1] = (xc_iov){query ? query + qb : NULL, qlen - qb};
  iov[2] = (xc_iov){body, ba};
  iov[3] = (xc_iov){body ? body + bb : NULL, blen - bb};
  *sig = v;
  *sig_len = vl;
  return XC_OK;
}

xc_status xc_binance_rest_signed_payload(const char *query, size_t qlen, const char *body,
                                         size_t blen, xc_buf *payload, const char **sig,
                                         size_t *sig_len) {
  if (!payload) return XC_EINVAL;
  xc_iov iov[4];
  const char *v = NULL;
  size_t vl = 0;
  xc_status st = binance_rest_pieces(query, qlen, body, blen, iov, &v, &vl);
  if (st) return st;
  xc_buf_reset(payload);
  for (int i = 0; i < 4; i++)
    if ((st = xc_buf_append(payload, iov[i].p, iov[i].n))) return st;
  if (sig) *sig = v;
  if (sig_len) *sig_len = vl;
  return XC_OK;
}

xc_status xc_binance_verify_rest(xc_signer *s, const char *query, size_t qlen, const char *body,
                                 size_t blen) {
  if (!s) return XC_EINVAL;
  xc_iov iov[4];
  const char *v = NULL;
  size_t vl = 0;
  xc_status st = binance_rest_pieces(query, qlen, body, blen, iov, &v, &vl);
  if (st) return st;
  /* The server reads the value form-decoded, like any other parameter. */
  char sig[XC_SIG_TEXT_MAX];
  size_t sl = 0;
  if (xc_pct_decode(v, vl, sig, sizeof sig, &sl, true) != XC_OK) return XC_EAUTH;
  return xc_signer_verifyv(s, iov, 4, sig, sl);
}

/* ---- Binance WebSocket API --------------------------------------------------------------------- */

static int kv_key_cmp(const xc_kv *a, const xc_kv *b) {
  size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
  int c = n ? memcmp(a->key, b->key, n) : 0;
  if (c) return c;
  return a->key_len < b->key_len ? -1 : a->key_len > b->key_len;
}

static bool is_signature_key(const xc_kv *p) {
  return p->key_len == 9 && memcmp(p->key, "signature", 9) == 0;
}

xc_status xc_binance_ws_payload(const xc_kv *params, size_t n, xc_buf *out) {
  if ((!params && n) || !out) return XC_EINVAL;
  if (n > XC_BINANCE_WS_MAX_PARAMS) return XC_EFULL;
  const xc_kv *ord[XC_BINANCE_WS_MAX_PARAMS];
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if ((!params[i].key && params[i].key_len) || (!params[i].val && params[i].val_len))
      return XC_EINVAL;
    if (is_signature_key(&params[i])) continue;
    /* insertion sort (stable, n is small) */
    size_t k = m++;
    while (k > 0 && kv_key_cmp(ord[k - 1], &params[i]) > 0) {
      ord[k] = ord[k - 1];
      k--;
    }
    ord[k] = &params[i];
  }
  xc_buf_reset(out);
  xc_status st = XC_OK;
  for (size_t i = 0; i < m && !st; i++) {
    if (i) st = xc_buf_putc(out, '&');
    if (!st) st = xc_buf_append(out, ord[i]->key, ord[i]->key_len);
    if (!st) st = xc_buf_putc(out, '=');
    if (!st) st = xc_buf_append(out, ord[i]->val, ord[i]->val_len);
  }
  return st;
}

xc_status xc_binance_sign_ws(xc_signer *s, const xc_kv *params, size_t n, xc_buf *scratch,
                             char *sig, size_t cap, size_t *sig_len) {
  if (!s || !scratch || !sig) return XC_EINVAL;
  xc_status st = xc_binance_ws_payload(params, n, scratch);
  if (st) return st;
  return xc_signer_sign(s, scratch->data ? scratch->data : "", scratch->len, sig, cap, sig_len);
}

xc_status xc_binance_verify_ws(xc_signer *s, const xc_kv *params, size_t n, xc_buf *scratch) {
  if (!s || !scratch || (!params && n)) return XC_EINVAL;
  const xc_kv *sigp = NULL;
  for (size_t i = 0; i < n; i++)
    if (is_signature_key(&params[i])) {
      if (sigp) return XC_EDUPLICATE;
      sigp = &params[i];
    }
  if (!sigp) return XC_ENOTFOUND;
  xc_status st = xc_binance_ws_payload(params, n, scratch);
  if (st) return st;
  return xc_signer_verify(s, scratch->data ? scratch->data : "", scratch->len, sigp->val,
                          sigp->val_len);
}

/* ---- Bybit v5 ---------------------------------------------------------------------------------- */

xc_status xc_bybit_rest_prehash(xc_buf *out, int64_t timestamp_ms, const char *api_key,
                                int64_t recv_window_ms, const char *payload, size_t n) {
  if (!out || !api_key || (!payload && n)) return XC_EINVAL;
  xc_status st = xc_buf_printf(out, "%" PRId64 "%s%" PRId64, timestamp_ms, api_key, recv_window_ms);
  if (st) return st;
  return xc_buf_append(out, payload, n);
}

xc_status xc_bybit_sign_rest(xc_signer *s, const char *api_key, int64_t timestamp_ms,
                             int64_t recv_window_ms, const char *payload, size_t n,
                             xc_bybit_auth *out) {
  if (!s || !api_key || (!payload && n) || !out || timestamp_ms <= 0 || recv_window_ms <= 0)
    return XC_EINVAL;
  memset(out, 0, sizeof *out);
  out->api_key = api_key;
  snprintf(out->timestamp, sizeof out->timestamp, "%" PRId64, timestamp_ms);
  snprintf(out->recv_window, sizeof out->recv_window, "%" PRId64, recv_window_ms);
  memcpy(out->sign_type, "2", 2);
  xc_iov iov[4] = {{out->timestamp, strlen(out->timestamp)},
                   {api_key, strlen(api_key)},
                   {out->recv_window, strlen(out->recv_window)},
                   {payload, n}};
  return xc_signer_signv(s, iov, 4, out->sign, sizeof out->sign, NULL);
}

size_t xc_bybit_headers(const xc_bybit_auth *a, xc_header out[5]) {
  out[0] = (xc_header){XC_BYBIT_H_API_KEY, a->api_key};
  out[1] = (xc_header){XC_BYBIT_H_SIGN, a->sign};
  out[2] = (xc_header){XC_BYBIT_H_TIMESTAMP, a->timestamp};
  out[3] = (xc_header){XC_BYBIT_H_RECV_WINDOW, a->recv_window};
  out[4] = (xc_header){XC_BYBIT_H_SIGN_TYPE, a->sign_type};
  return 5;
}

xc_status xc_bybit_verify_rest(xc_signer *s, const char *timestamp, const char *api_key,
                               const char *recv_window, const char *payload, size_t n,
                               const char *sig, size_t sig_len) {
  if (!s || !timestamp || !api_key || (!payload && n) || (!sig && sig_len)) return XC_EINVAL;
  xc_iov iov[4] = {{timestamp, strlen(timestamp)},
                   {api_key, strlen(api_key)},
                   {recv_window ? recv_window : "", recv_window ? strlen(recv_window) : 0},
                   {payload, n}};
  return xc_signer_verifyv(s, iov, 4, sig, sig_len);
}

static size_t ws_auth_prehash(char *buf, size_t cap, int64_t expires_ms) {
  int n = snprintf(buf, cap, "GET/realtime%" PRId64, expires_ms);
  return n > 0 ? (size_t)n : 0;
}

xc_status xc_bybit_sign_ws_auth(xc_signer *s, int64_t expires_ms, char *sig, size_t cap,
                                size_t *sig_len) {
  if (!s || !sig) return XC_EINVAL;
  char msg[48];
  size_t n = ws_auth_prehash(msg, sizeof msg, expires_ms);
  return xc_signer_sign(s, msg, n, sig, cap, sig_len);
}

xc_status xc_bybit_verify_ws_auth(xc_signer *s, int64_t expires_ms, const char *sig,
                                  size_t sig_len) {
  if (!s || (!sig && sig_len)) return XC_EINVAL;
  char msg[48];
  size_t n = ws_auth_prehash(msg, sizeof msg, expires_ms);
  return xc_signer_verify(s, msg, n, sig, sig_len);
}
