/* Binance request parameters and authentication (see binance_params.h). */
#include "sim/binance_params.h"

#include <string.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <stdio.h>

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int xc__bn_pct_decode(const char *src, size_t n, char *dst, size_t cap) {
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    char c = src[i];
    if (c == '%' && i + 2 < n) {
      int h = hexval((unsigned char)src[i + 1]), l = hexval((unsigned char)src[i + 2]);
      if (h >= 0 && l >= 0) {
        c = (char)(h * 16 + l);
        i += 2;
      }
    } else if (c == '+') {
      c = ' ';
    }
    if (o + 1 >= cap) return -1;
    dst[o++] = c;
  }
  if (o >= cap) return -1;
  dst[o] = 0;
  return (int)o;
}

static int find(const xc__bn_params *p, const char *key, size_t klen) {
  for (int i = 0; i < p->n; i++)
    if (strlen(p->p[i].key) == klen && memcmp(p->p[i].key, key, klen) == 0) return i;
  return -1;
}

bool xc__bn_params_add(xc__bn_params *p, const char *key, size_t klen, const char *val, size_t vlen) {
  if (p->n >= XC__BN_MAX_PARAMS || p->used + klen + vlen + 2 > sizeof p->store) {
    p->overflow = true;
    return false;
  }
  char *k = p->store + p->used;
  memcpy(k, key, klen);
  k[klen] = 0;
  p->used += klen + 1;
  char *v = p->store + p->used;
  memcpy(v, val, vlen);
  v[vlen] = 0;
  p->used += vlen + 1;
  p->p[p->n].key = k;
  p->p[p->n].val = v;
  p->p[p->n].vlen = vlen;
  p->n++;
  return true;
}

/* Decodes one source; keys already taken from an earlier source are skipped (query wins). */
static void parse_src(xc__bn_params *p, const char *s, size_t n, int first_of_src) {
  size_t i = 0;
  while (i < n) {
    size_t j = i;
    while (j < n && s[j] != '&') j++;
    if (j > i) {
      size_t eq = i;
      while (eq < j && s[eq] != '=') eq++;
      char kbuf[128];
      char vbuf[2048];
      int kl = xc__bn_pct_decode(s + i, eq - i, kbuf, sizeof kbuf);
      int vl = eq < j ? xc__bn_pct_decode(s + eq + 1, j - eq - 1, vbuf, sizeof vbuf) : 0;
      if (eq >= j) vbuf[0] = 0;
      if (kl < 0 || vl < 0) {
        p->overflow = true;
      } else if (strlen(kbuf) != (size_t)kl || strlen(vbuf) != (size_t)vl) {
        p->illegal = true;
      } else {
        int at = find(p, kbuf, (size_t)kl);
        if (at >= first_of_src) p->duplicate = true;
        else if (at < 0) xc__bn_params_add(p, kbuf, (size_t)kl, vbuf, (size_t)vl);
      }
    }
    i = j + 1;
  }
}

void xc__bn_params_parse(xc__bn_params *p, const char *query, size_t qlen, const char *body, size_t blen) {
  p->n = 0;
  p->used = 0;
  p->duplicate = p->overflow = p->illegal = false;
  p->query = query ? query : "";
  p->qlen = query ? qlen : 0;
  p->body = body ? body : "";
  p->blen = body ? blen : 0;
  parse_src(p, p->query, p->qlen, 0);
  parse_src(p, p->body, p->blen, p->n);
}

const char *xc__bn_param(const xc__bn_params *p, const char *key) {
  int i = find(p, key, strlen(key));
  return i < 0 ? NULL : p->p[i].val;
}

int xc__bn_param_req(const xc__bn_params *p, const char *key, const char **out, xc__bn_err *e) {
  const char *v = xc__bn_param(p, key);
  if (!v || !*v) return xc__bn_err_mandatory(e, key);
  *out = v;
  return 0;
}

int xc__bn_param_i64(const xc__bn_params *p, const char *key, int64_t *out, bool *present, xc__bn_err *e) {
  const char *v = xc__bn_param(p, key);
  if (present) *present = v != NULL;
  if (!v) return 0;
  if (!*v) return xc__bn_err_mandatory(e, key);
  const char *s = v;
  bool neg = false;
  if (*s == '-') {
    neg = true;
    s++;
  }
  int64_t x = 0;
  int nd = 0;
  for (; *s; s++, nd++) {
    if (*s < '0' || *s > '9' || nd >= 18)
      return xc__bn_err_set(e, XC__BN_ILLEGAL_CHARS,
                            "Illegal characters found in parameter '%s'; legal range is '^(-)?[0-9]{1,18}$'.", key);
    x = x * 10 + (*s - '0');
  }
  if (nd == 0) return xc__bn_err_mandatory(e, key);
  *out = neg ? -x : x;
  return 0;
}

int xc__bn_param_dec(const xc__bn_params *p, const char *key, xc_dec *out, bool *present, xc__bn_err *e) {
  const char *v = xc__bn_param(p, key);
  if (present) *present = v != NULL;
  if (!v) return 0;
  if (!*v) return xc__bn_err_mandatory(e, key);
  size_t ip = 0, fp = 0;
  const char *s = v;
  while (*s >= '0' && *s <= '9') { s++; ip++; }
  bool ok = ip >= 1 && ip <= 20;
  if (ok && *s == '.') {
    s++;
    while (*s >= '0' && *s <= '9') { s++; fp++; }
    ok = fp >= 1 && fp <= 20;
  }
  if (!ok || *s || xc_dec_from_cstr(v, out) != XC_OK)
    return xc__bn_err_set(e, XC__BN_ILLEGAL_CHARS,
                          "Illegal characters found in parameter '%s'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.",
                          key);
  return 0;
}

void xc__bn_hmac_hex(const char *secret, const void *msg, size_t n, char hex[65]) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int ml = 0;
  HMAC(EVP_sha256(), secret, (int)strlen(secret), msg, n, mac, &ml);
  static const char d[] = "0123456789abcdef";
  for (unsigned i = 0; i < 32; i++) {
    hex[2 * i] = d[mac[i] >> 4];
    hex[2 * i + 1] = d[mac[i] & 15];
  }
  hex[64] = 0;
}

bool xc__bn_hex_eq(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la != lb) return false;
  unsigned diff = 0;
  for (size_t i = 0; i < la; i++) {
    int x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x += 32;
    if (y >= 'A' && y <= 'Z') y += 32;
    diff |= (unsigned)(x ^ y);
  }
  return diff == 0;
}

/* Appends src minus every "signature=..." segment to out (which has room for n bytes more). */
static size_t strip_sig(const char *s, size_t n, char *out) {
  size_t o = 0, i = 0;
  bool first = true;
  while (i < n) {
    size_t j = i;
    while (j < n && s[j] != '&') j++;
    if (!(j - i >= 10 && memcmp(s + i, "signature=", 10) == 0)) {
      if (!first) out[o++] = '&';
      memcpy(out + o, s + i, j - i);
      o += j - i;
      first = false;
    }
    i = j + 1;
  }
  return o;
}

EVP_PKEY *xc__bn_ed25519_key(const char *secret) {
  unsigned char seed[32];
  char pre[160];
  int pl = snprintf(pre, sizeof pre, "xconn-sim-ed25519:%s", secret);
  if (pl < 0 || (size_t)pl >= sizeof pre) return NULL;
  SHA256((const unsigned char *)pre, (size_t)pl, seed);
  EVP_PKEY *pk = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, sizeof seed);
  OPENSSL_cleanse(seed, sizeof seed);
  OPENSSL_cleanse(pre, sizeof pre);
  return pk;
}

bool xc__bn_ed25519_verify(const char *secret, const char *payload, size_t n, const char *sig_b64) {
  EVP_PKEY *pk = xc__bn_ed25519_key(secret);
  if (!pk) return false;
  unsigned char sig[96];
  size_t sl = strlen(sig_b64);
  int dl = sl > 0 && sl <= 128 ? EVP_DecodeBlock(sig, (const unsigned char *)sig_b64, (int)sl) : -1;
  bool ok = false;
  if (dl >= 64) {
    /* EVP_DecodeBlock counts padding bytes; an Ed25519 signature is 64 bytes */
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pk) == 1)
      ok = EVP_DigestVerify(ctx, sig, 64, (const unsigned char *)payload, n) == 1;
    EVP_MD_CTX_free(ctx);
  }
  EVP_PKEY_free(pk);
  return ok;
}

int xc__bn_check_timestamp(const xc__bn_params *p, int64_t now_ms, bool futures, xc__bn_err *e) {
  int64_t ts = 0, rw = 5000;
  bool has_ts = false;
  const char *rws = xc__bn_param(p, "recvWindow");
  if (xc__bn_param_i64(p, "timestamp", &ts, &has_ts, e)) return e->code;
  if (!has_ts) return xc__bn_err_mandatory(e, "timestamp");
  if (rws) {
    /* spot accepts up to three decimals (microseconds); keep the integer part */
    char ib[24];
    size_t k = 0;
    while (rws[k] && rws[k] != '.' && k < sizeof ib - 1) { ib[k] = rws[k]; k++; }
    ib[k] = 0;
    xc__bn_params one;
    one.n = 0;
    one.used = 0;
    one.overflow = one.duplicate = one.illegal = false;
    xc__bn_params_add(&one, "recvWindow", 10, ib, k);
    if (xc__bn_param_i64(&one, "recvWindow", &rw, NULL, e)) return e->code;
    if (rw > 60000)
      return xc__bn_err_set(e, XC__BN_MANDATORY_PARAM,
                            "'recvWindow' contains unexpected value. Cannot be greater than 60000.");
    if (rw <= 0) return xc__bn_err_mandatory(e, "recvWindow");
  }
  if (ts > 100000000000000LL) ts /= 1000; /* microseconds (spot) */
  if (ts >= now_ms + 1000)
    return xc__bn_err_set(e, XC__BN_INVALID_TIMESTAMP,
                          "Timestamp for this request was 1000ms ahead of the server's time.");
  if (now_ms - ts > rw)
    return xc__bn_err_set(e, XC__BN_INVALID_TIMESTAMP, "Timestamp for this request is outside of the recvWindow.");
  (void)futures;
  return 0;
}

int xc__bn_auth_rest(const xc__bn_params *p, const char *apikey_hdr, const xc__bn_keys *keys,
                     xc__bn_sec sec, int64_t now_ms, bool futures, xc__bn_err *e) {
  if (sec == XC__BN_SEC_NONE) return 0;
  if (!apikey_hdr || !*apikey_hdr) {
    if (futures)
      return xc__bn_err_set(e, XC__BN_REJECTED_MBX_KEY, "Invalid API-key, IP, or permissions for action.");
    return xc__bn_err_set(e, XC__BN_BAD_API_KEY_FMT, NULL);
  }
  if (strcmp(apikey_hdr, keys->api_key) != 0) {
    if (strlen(apikey_hdr) != 64) return xc__bn_err_set(e, XC__BN_BAD_API_KEY_FMT, NULL);
    return xc__bn_err_set(e, XC__BN_REJECTED_MBX_KEY, NULL);
  }
  if (sec == XC__BN_SEC_KEY) return 0;
  const char *sig = xc__bn_param(p, "signature");
  if (!sig || !*sig) return xc__bn_err_mandatory(e, "signature");
  if (xc__bn_check_timestamp(p, now_ms, futures, e)) return e->code;
  size_t n = p->qlen + p->blen + 2;
  char stackbuf[4096];
  char *payload = n <= sizeof stackbuf ? stackbuf : NULL;
  if (!payload) return xc__bn_err_set(e, XC__BN_TOO_MANY_PARAMETERS, NULL);
  size_t o = strip_sig(p->query, p->qlen, payload);
  o += strip_sig(p->body, p->blen, payload + o);
  char hex[65];
  xc__bn_hmac_hex(keys->secret, payload, o, hex);
  bool ok = strlen(sig) == 64 ? xc__bn_hex_eq(hex, sig) : xc__bn_ed25519_verify(keys->secret, payload, o, sig);
  if (!ok) return xc__bn_err_set(e, XC__BN_INVALID_SIGNATURE, NULL);
  return 0;
}
