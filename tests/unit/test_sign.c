/* Signing: codecs, HMAC known answers (RFC 4231 and every Binance documentation vector), Binance
 * REST and WebSocket API assembly and verification, Bybit strings to sign and headers, and
 * Ed25519 / RSA sign+verify with keys generated here. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/query.h"
#include "core/sign.h"

/* ---- a tiny reader for the flat vector files ----------------------------------------------------
 * The vector files are pretty-printed JSON whose records begin with "id": "binance-..." or
 * "id": "bybit-..."; we only need string and integer fields of a record and the flat "params"
 * object of the WebSocket records. (src/core/json.h was not on main when this was written.) */

typedef struct rec {
  const char *start, *end;
} rec;

static size_t find_records(const char *doc, rec *out, size_t cap) {
  size_t n = 0;
  const char *p = doc;
  while ((p = strstr(p, "\"id\": \"")) && n < cap) {
    const char *v = p + 7;
    if (strncmp(v, "binance-", 8) == 0 || strncmp(v, "bybit-", 6) == 0) {
      if (n) out[n - 1].end = p;
      out[n].start = p;
      out[n].end = doc + strlen(doc);
      n++;
    }
    p = v;
  }
  return n;
}

/* Copies the JSON string field `name` of r (unescaping \" \\ \/) into buf; false if absent. */
static bool field_str(rec r, const char *name, char *buf, size_t cap) {
  char pat[96];
  snprintf(pat, sizeof pat, "\"%s\": \"", name);
  const char *p = strstr(r.start, pat);
  if (!p || p >= r.end) return false;
  p += strlen(pat);
  size_t w = 0;
  while (*p && *p != '"') {
    char c = *p++;
    if (c == '\\') {
      c = *p++;
      assert_true(c == '"' || c == '\\' || c == '/');
    }
    assert_true(w + 1 < cap);
    buf[w++] = c;
  }
  buf[w] = 0;
  return true;
}

static bool field_i64(rec r, const char *name, int64_t *out) {
  char pat[96];
  snprintf(pat, sizeof pat, "\"%s\": ", name);
  const char *p = strstr(r.start, pat);
  if (!p || p >= r.end) return false;
  *out = strtoll(p + strlen(pat), NULL, 10);
  return true;
}

/* Parses the flat "params" object of a WebSocket record into kv (pointing into store). */
static size_t ws_params(rec r, xc_kv *kv, size_t cap, char *store, size_t store_cap) {
  const char *p = strstr(r.start, "\"params\": {");
  assert_non_null(p);
  assert_true(p < r.end);
  p += 11;
  size_t n = 0, w = 0;
  for (;;) {
    while (*p == ' ' || *p == '\n' || *p == ',') p++;
    if (*p == '}') break;
    assert_int_equal(*p, '"');
    const char *k = ++p;
    while (*p != '"') p++;
    size_t kl = (size_t)(p - k);
    p++;
    assert_int_equal(*p, ':');
    p++;
    while (*p == ' ') p++;
    const char *v;
    size_t vl;
    if (*p == '"') {
      v = ++p;
      while (*p != '"') p++;
      vl = (size_t)(p - v);
      p++;
    } else {
      v = p;
      while ((*p >= '0' && *p <= '9') || *p == '-' || *p == '.') p++;
      vl = (size_t)(p - v);
    }
    assert_true(n < cap && w + kl + vl + 2 <= store_cap);
    memcpy(store + w, k, kl);
    store[w + kl] = 0;
    kv[n].key = store + w;
    kv[n].key_len = kl;
    w += kl + 1;
    memcpy(store + w, v, vl);
    store[w + vl] = 0;
    kv[n].val = store + w;
    kv[n].val_len = vl;
    w += vl + 1;
    n++;
  }
  return n;
}

static xc_signer *hmac_signer(const char *secret) {
  xc_signer *s = NULL;
  assert_int_equal(xc_signer_new_hmac(secret, strlen(secret), &s), XC_OK);
  assert_non_null(s);
  return s;
}

static void hex_of(const unsigned char *p, size_t n, char *out) { xc_hex_encode(p, n, out); }

/* ---- codecs, SHA-256, HMAC --------------------------------------------------------------------- */

static void test_hex_base64(void **state) {
  (void)state;
  char out[64];
  unsigned char raw[32];
  size_t n;
  assert_int_equal(xc_hex_encode("\x00\xff\x10\xab", 4, out), 8);
  assert_string_equal(out, "00ff10ab");
  assert_int_equal(xc_hex_decode("00FF10aB", 8, raw, sizeof raw, &n), XC_OK);
  assert_int_equal(n, 4);
  assert_memory_equal(raw, "\x00\xff\x10\xab", 4);
  assert_int_equal(xc_hex_decode("abc", 3, raw, sizeof raw, &n), XC_EPARSE);
  assert_int_equal(xc_hex_decode("zz", 2, raw, sizeof raw, &n), XC_EPARSE);
  assert_int_equal(xc_hex_decode("0011", 4, raw, 1, &n), XC_ENOSPC);

  /* RFC 4648 section 10 */
  static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  static const char *const b64[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (size_t i = 0; i < 7; i++) {
    assert_int_equal(xc_base64_encode(plain[i], strlen(plain[i]), out), strlen(b64[i]));
    assert_string_equal(out, b64[i]);
    assert_int_equal(xc_base64_len(strlen(plain[i])), strlen(b64[i]));
    assert_int_equal(xc_base64_decode(b64[i], strlen(b64[i]), raw, sizeof raw, &n), XC_OK);
    assert_int_equal(n, strlen(plain[i]));
    assert_memory_equal(raw, plain[i], n);
  }
  static const char *const bad[] = {"Zg=", "Z===", "Zh==", "Zm9=", "Zm9v\n", "Zg==Zg==", "Z=g=",
                                    "Zm-v", "===="};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(xc_base64_decode(bad[i], strlen(bad[i]), raw, sizeof raw, &n), XC_EPARSE);
  assert_int_equal(xc_base64_decode("Zm9vYmFy", 8, raw, 5, &n), XC_ENOSPC);

  /* all byte values round-trip */
  unsigned char all[256], back[256];
  char enc[400];
  for (int i = 0; i < 256; i++) all[i] = (unsigned char)i;
  for (size_t len = 0; len <= 256; len += 37) {
    size_t el = xc_base64_encode(all, len, enc);
    assert_int_equal(xc_base64_decode(enc, el, back, sizeof back, &n), XC_OK);
    assert_int_equal(n, len);
    assert_memory_equal(back, all, len);
  }
}

static void test_sha256_hmac_rfc4231(void **state) {
  (void)state;
  unsigned char d[32];
  char hex[65];
  assert_int_equal(xc_sha256("abc", 3, d), XC_OK);
  hex_of(d, 32, hex);
  assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  /* RFC 4231 test case 2 */
  const char *msg = "what do ya want for nothing?";
  assert_int_equal(xc_hmac_sha256("Jefe", 4, msg, strlen(msg), d), XC_OK);
  hex_of(d, 32, hex);
  assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  xc_signer *s = hmac_signer("Jefe");
  char sig[XC_SIG_TEXT_MAX];
  size_t sl = 0;
  assert_int_equal(xc_signer_sign(s, msg, strlen(msg), sig, sizeof sig, &sl), XC_OK);
  assert_int_equal(sl, 64);
  assert_string_equal(sig, hex);
  assert_int_equal(xc_signer_alg(s), XC_SIGN_HMAC_SHA256);
  assert_true(xc_signer_can_sign(s));
  assert_int_equal(xc_signer_sig_len(s), 64);
  assert_int_equal(xc_signer_sign(s, msg, strlen(msg), sig, 64, &sl), XC_ENOSPC);
  xc_signer_free(s);

  /* RFC 4231 test case 6: a key longer than the block is hashed first */
  char key[131];
  memset(key, 0xaa, sizeof key);
  const char *m6 = "Test Using Larger Than Block-Size Key - Hash Key First";
  assert_int_equal(xc_signer_new_hmac(key, sizeof key, &s), XC_OK);
  assert_int_equal(xc_signer_sign(s, m6, strlen(m6), sig, sizeof sig, &sl), XC_OK);
  assert_string_equal(sig, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  xc_signer_free(s);
  xc_signer_free(NULL);
}

/* The prepared-state signer agrees with one-shot HMAC for random keys, messages and splits. */
static void test_hmac_property(void **state) {
  (void)state;
  uint64_t rng = 42;
  unsigned char key[200], msg[600], d[32];
  char want[65], got[XC_SIG_TEXT_MAX];
  for (int it = 0; it < 300; it++) {
    size_t kl = 1 + xc_test_rand(&rng) % sizeof key, ml = xc_test_rand(&rng) % sizeof msg;
    for (size_t i = 0; i < kl; i++) key[i] = (unsigned char)xc_test_rand(&rng);
    for (size_t i = 0; i < ml; i++) msg[i] = (unsigned char)xc_test_rand(&rng);
    assert_int_equal(xc_hmac_sha256(key, kl, msg, ml, d), XC_OK);
    hex_of(d, 32, want);
    xc_signer *s = NULL;
    assert_int_equal(xc_signer_new_hmac((const char *)key, kl, &s), XC_OK);
    size_t a = ml ? xc_test_rand(&rng) % (ml + 1) : 0, b = a + (ml - a) / 2;
    xc_iov iov[3] = {{msg, a}, {msg + a, b - a}, {msg + b, ml - b}};
    assert_int_equal(xc_signer_signv(s, iov, 3, got, sizeof got, NULL), XC_OK);
    assert_string_equal(got, want);
    assert_int_equal(xc_signer_sign(s, msg, ml, got, sizeof got, NULL), XC_OK);
    assert_string_equal(got, want);
    /* verify accepts either hex case, rejects a flipped bit */
    assert_int_equal(xc_signer_verify(s, msg, ml, want, 64), XC_OK);
    for (char *c = want; *c; c++)
      if (*c >= 'a' && *c <= 'f') *c = (char)(*c - 'a' + 'A');
    assert_int_equal(xc_signer_verify(s, msg, ml, want, 64), XC_OK);
    want[it % 64] = want[it % 64] == '0' ? '1' : '0';
    assert_int_equal(xc_signer_verify(s, msg, ml, want, 64), XC_EAUTH);
    assert_int_equal(xc_signer_verify(s, msg, ml, want, 63), XC_EAUTH);
    xc_signer_free(s);
  }
}

/* ---- Binance ----------------------------------------------------------------------------------- */

/* Every HMAC record of signing_binance.json with a known answer reproduces; REST records with
 * query/body are verified as a server would see them; WebSocket records rebuild their payload. */
static void test_binance_vectors(void **state) {
  (void)state;
  char *doc = xc_test_read_shared("fixtures/vectors/signing_binance.json", NULL);
  rec r[64];
  size_t nr = find_records(doc, r, 64);
  assert_true(nr >= 10);
  static char secret[256], payload[2048], expected[2048], alg[64], q[8192], body[8192], id[128];
  int hmac_checked = 0, rest_verified = 0, ws_checked = 0;
  xc_buf b;
  xc_buf_init(&b);
  for (size_t i = 0; i < nr; i++) {
    assert_true(field_str(r[i], "id", id, sizeof id));
    assert_true(field_str(r[i], "algorithm", alg, sizeof alg));
    assert_true(field_str(r[i], "signature_payload", payload, sizeof payload));
    assert_true(field_str(r[i], "expected_signature", expected, sizeof expected));
    bool is_ws = strstr(id, "wsapi") != NULL;
    if (is_ws) {
      /* The signed payload's own pairs, reversed, sort back into the payload. */
      xc_kv kv[32];
      size_t n = 0;
      for (const char *p = payload; *p; n++) {
        const char *amp = strchr(p, '&'), *eq = strchr(p, '=');
        size_t seg = amp ? (size_t)(amp - p) : strlen(p);
        assert_true(n < 32 && eq && eq < p + seg);
        kv[31 - n] = (xc_kv){p, (size_t)(eq - p), eq + 1, seg - (size_t)(eq - p) - 1};
        p += seg + (amp ? 1 : 0);
      }
      assert_true(n >= 9);
      assert_int_equal(xc_binance_ws_payload(kv + 32 - n, n, &b), XC_OK);
      assert_string_equal(b.data, payload);
      /* And from the request's params in their JSON order, where the record has them. */
      const char *params = strstr(r[i].start, "\"params\": {");
      if (params && params < r[i].end) {
        char store[2048];
        n = ws_params(r[i], kv, 32, store, sizeof store);
        assert_int_equal(xc_binance_ws_payload(kv, n, &b), XC_OK);
        assert_string_equal(b.data, payload);
      }
      ws_checked++;
    }
    if (strcmp(alg, "HMAC-SHA256") != 0) continue;
    assert_true(field_str(r[i], "secret", secret, sizeof secret));
    xc_signer *s = hmac_signer(secret);
    char sig[XC_SIG_TEXT_MAX];
    assert_int_equal(xc_signer_sign(s, payload, strlen(payload), sig, sizeof sig, NULL), XC_OK);
    if (strcmp(sig, expected) != 0) fail_msg("%s: got %s want %s", id, sig, expected);
    hmac_checked++;
    if (is_ws) {
      xc_kv kv[33];
      char store[2048];
      size_t n = ws_params(r[i], kv, 32, store, sizeof store);
      assert_int_equal(xc_binance_sign_ws(s, kv, n, &b, sig, sizeof sig, NULL), XC_OK);
      assert_string_equal(sig, expected);
      kv[n] = (xc_kv){"signature", 9, expected, strlen(expected)};
      assert_int_equal(xc_binance_verify_ws(s, kv, n + 1, &b), XC_OK);
      kv[0].val_len--; /* tamper */
      assert_int_equal(xc_binance_verify_ws(s, kv, n + 1, &b), XC_EAUTH);
      assert_int_equal(xc_binance_verify_ws(s, kv, n, &b), XC_ENOTFOUND);
    } else if (field_str(r[i], "query_string", q, sizeof q) &&
               field_str(r[i], "request_body", body, sizeof body)) {
      /* Mixed request as received: signature at the end of the body. */
      strcat(body, "&signature=");
      strcat(body, expected);
      xc_status want = strstr(id, "doc-literal") ? XC_EAUTH : XC_OK; /* the doc's stray space */
      assert_int_equal(xc_binance_verify_rest(s, q, strlen(q), body, strlen(body)), want);
      rest_verified++;
    } else {
      /* All in the query string (or all in the body: same bytes). */
      snprintf(q, sizeof q, "%s&signature=%s", payload, expected);
      assert_int_equal(xc_binance_verify_rest(s, q, strlen(q), NULL, 0), XC_OK);
      assert_int_equal(xc_binance_verify_rest(s, NULL, 0, q, strlen(q)), XC_OK);
      assert_int_equal(xc_binance_verify_rest(s, "", 0, q, strlen(q)), XC_OK);
      rest_verified++;
    }
    xc_signer_free(s);
  }
  assert_int_equal(hmac_checked, 9);
  assert_true(rest_verified >= 6);
  assert_int_equal(ws_checked, 4);
  xc_buf_free(&b);
  free(doc);
}

/* The REST builder reproduces the documentation's requests byte for byte. */
static void test_binance_rest_builder(void **state) {
  (void)state;
  xc_signer *s = hmac_signer("NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j");
  xc_buf q, b;
  xc_buf_init(&q);
  xc_buf_init(&b);
  static const char *const kv[][2] = {{"symbol", "LTCBTC"}, {"side", "BUY"}, {"type", "LIMIT"},
                                      {"timeInForce", "GTC"}, {"quantity", "1"}, {"price", "0.1"}};
  for (size_t i = 0; i < 6; i++) assert_int_equal(xc_form_add_str(&q, kv[i][0], kv[i][1]), XC_OK);
  assert_int_equal(xc_binance_sign_rest(s, &q, NULL, 1499827319559, 5000), XC_OK);
  assert_string_equal(q.data, "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
                              "&recvWindow=5000&timestamp=1499827319559"
                              "&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71");
  assert_int_equal(xc_binance_verify_rest(s, q.data, q.len, NULL, 0), XC_OK);

  /* Non-ASCII symbol: percent-encoded before signing (spot, since 2026-01-15). */
  xc_buf_reset(&q);
  assert_int_equal(xc_form_add_str(&q, "symbol", "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94\xef\xbc\x95\xef\xbc\x96"), XC_OK);
  for (size_t i = 1; i < 6; i++) assert_int_equal(xc_form_add_str(&q, kv[i][0], kv[i][1]), XC_OK);
  assert_int_equal(xc_binance_sign_rest(s, &q, NULL, 1499827319559, 5000), XC_OK);
  assert_string_equal(q.data, "symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&side=BUY"
                              "&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000"
                              "&timestamp=1499827319559"
                              "&signature=e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3");

  /* Mixed query + body: timestamp and signature go to the body; signed as query||body. */
  xc_buf_reset(&q);
  for (size_t i = 0; i < 4; i++) assert_int_equal(xc_form_add_str(&q, kv[i][0], kv[i][1]), XC_OK);
  for (size_t i = 4; i < 6; i++) assert_int_equal(xc_form_add_str(&b, kv[i][0], kv[i][1]), XC_OK);
  assert_int_equal(xc_binance_sign_rest(s, &q, &b, 1499827319559, 5000), XC_OK);
  assert_string_equal(q.data, "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC");
  assert_string_equal(b.data, "quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
                              "&signature=0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77");
  assert_int_equal(xc_binance_verify_rest(s, q.data, q.len, b.data, b.len), XC_OK);
  /* Moving the split point changes nothing signed; re-ordering does. */
  assert_int_equal(xc_binance_verify_rest(s, "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTCquantity=1", 59,
                                          b.data + 10, b.len - 10), XC_OK);
  const char *swapped = "price=0.1&quantity=1&recvWindow=5000&timestamp=1499827319559"
                        "&signature=0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77";
  assert_int_equal(xc_binance_verify_rest(s, q.data, q.len, swapped, strlen(swapped)), XC_EAUTH);

  /* Body only, no recvWindow. */
  xc_buf_reset(&b);
  assert_int_equal(xc_form_add_str(&b, "symbol", "BTCUSDT"), XC_OK);
  assert_int_equal(xc_binance_sign_rest(s, NULL, &b, 1700000000000, 0), XC_OK);
  assert_non_null(strstr(b.data, "symbol=BTCUSDT&timestamp=1700000000000&signature="));
  assert_int_equal(xc_binance_verify_rest(s, NULL, 0, b.data, b.len), XC_OK);
  assert_int_equal(xc_binance_sign_rest(s, NULL, NULL, 1, 0), XC_EINVAL);
  assert_int_equal(xc_binance_sign_rest(s, &q, NULL, 0, 0), XC_EINVAL);

  xc_buf_free(&q);
  xc_buf_free(&b);
  xc_signer_free(s);
}

/* What the simulator sees: signature anywhere, missing, duplicated, uppercase hex. */
static void test_binance_rest_verify_edges(void **state) {
  (void)state;
  xc_signer *s = hmac_signer("NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j");
  const char *p = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
  const char *sig = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71";
  char q[512];
  xc_buf pl;
  xc_buf_init(&pl);
  const char *v;
  size_t vl;

  snprintf(q, sizeof q, "%s&signature=%s", p, sig);
  assert_int_equal(xc_binance_rest_signed_payload(q, strlen(q), NULL, 0, &pl, &v, &vl), XC_OK);
  assert_string_equal(pl.data, p);
  assert_int_equal(vl, 64);
  assert_memory_equal(v, sig, 64);

  /* signature first */
  snprintf(q, sizeof q, "signature=%s&%s", sig, p);
  assert_int_equal(xc_binance_verify_rest(s, q, strlen(q), NULL, 0), XC_OK);
  /* signature alone in the body, params in the query */
  char body[128];
  snprintf(body, sizeof body, "signature=%s", sig);
  assert_int_equal(xc_binance_verify_rest(s, p, strlen(p), body, strlen(body)), XC_OK);
  /* uppercase hex is accepted (HMAC hex is case-insensitive) */
  char upper[65];
  for (int i = 0; i <= 64; i++) upper[i] = (char)((sig[i] >= 'a' && sig[i] <= 'f') ? sig[i] - 32 : sig[i]);
  snprintf(q, sizeof q, "%s&signature=%s", p, upper);
  assert_int_equal(xc_binance_verify_rest(s, q, strlen(q), NULL, 0), XC_OK);
  /* missing, duplicated, empty, wrong */
  assert_int_equal(xc_binance_verify_rest(s, p, strlen(p), NULL, 0), XC_ENOTFOUND);
  snprintf(q, sizeof q, "%s&signature=%s", p, sig);
  assert_int_equal(xc_binance_verify_rest(s, q, strlen(q), body, strlen(body)), XC_EDUPLICATE);
  snprintf(q, sizeof q, "%s&signature=", p);
  assert_int_equal(xc_binance_verify_rest(s, q, strlen(q), NULL, 0), XC_EAUTH);
  snprintf(q, sizeof q, "%s&signature", p);
  assert_int_equal(xc_binance_verify_rest(s, q, strlen(q), NULL, 0), XC_EAUTH);
  snprintf(q, sizeof q, "%s&signature=%%zz", p);
  assert_int_equal(xc_binance_verify_rest(s, q, strlen(q), NULL, 0), XC_EAUTH);
  snprintf(q, sizeof q, "%s&signatures=%s", p, sig); /* another key: not the signature */
  assert_int_equal(xc_binance_verify_rest(s, q, strlen(q), NULL, 0), XC_ENOTFOUND);
  /* a parameter changed after signing */
  snprintf(q, sizeof q, "symbol=LTCBTC&side=SELL&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559&signature=%s", sig);
  assert_int_equal(xc_binance_verify_rest(s, q, strlen(q), NULL, 0), XC_EAUTH);
  xc_buf_free(&pl);
  xc_signer_free(s);
}

/* ---- Bybit ------------------------------------------------------------------------------------- */

static void test_bybit_vectors(void **state) {
  (void)state;
  char *doc = xc_test_read_shared("fixtures/vectors/signing_bybit.json", NULL);
  rec r[16];
  size_t nr = find_records(doc, r, 16);
  assert_int_equal(nr, 3);
  static char ts[32], key[64], rw[32], qs[512], body[512], want[1024], tmpl[128];
  xc_buf b;
  xc_buf_init(&b);
  int checked = 0;
  for (size_t i = 0; i < nr; i++) {
    if (field_str(r[i], "string_to_sign", want, sizeof want)) {
      assert_true(field_str(r[i], "timestamp", ts, sizeof ts));
      assert_true(field_str(r[i], "api_key", key, sizeof key));
      assert_true(field_str(r[i], "recv_window", rw, sizeof rw));
      const char *payload = field_str(r[i], "query_string", qs, sizeof qs) ? qs
                            : field_str(r[i], "body", body, sizeof body) ? body : NULL;
      assert_non_null(payload);
      xc_buf_reset(&b);
      assert_int_equal(xc_bybit_rest_prehash(&b, strtoll(ts, NULL, 10), key, strtoll(rw, NULL, 10),
                                             payload, strlen(payload)), XC_OK);
      assert_string_equal(b.data, want);
      checked++;
    } else {
      int64_t expires = 0;
      assert_true(field_str(r[i], "string_to_sign_template", tmpl, sizeof tmpl));
      assert_string_equal(tmpl, "GET/realtime{expires}");
      assert_true(field_i64(r[i], "example_expires", &expires));
      assert_int_equal(expires, 1662350400000);
      checked++;
    }
  }
  assert_int_equal(checked, 3);
  xc_buf_free(&b);
  free(doc);
}

/* Known answers from protocols/bybit.md section 2 (secret "test-secret", computed with Python hmac
 * and openssl there), through the header-producing API. */
static void test_bybit_sign(void **state) {
  (void)state;
  xc_signer *s = hmac_signer("test-secret");
  xc_bybit_auth a;
  const char *qs = "category=option&symbol=BTC-29JUL22-25000-C";
  assert_int_equal(xc_bybit_sign_rest(s, "XXXXXXXXXX", 1658384314791, 5000, qs, strlen(qs), &a), XC_OK);
  assert_string_equal(a.sign, "236d8f7132d3e4c8bad803010e296f3d07211356e54c01455b26c8229a682297");
  xc_header h[5];
  assert_int_equal(xc_bybit_headers(&a, h), 5);
  assert_string_equal(h[0].name, "X-BAPI-API-KEY");
  assert_string_equal(h[0].value, "XXXXXXXXXX");
  assert_string_equal(h[1].name, "X-BAPI-SIGN");
  assert_string_equal(h[1].value, a.sign);
  assert_string_equal(h[2].name, "X-BAPI-TIMESTAMP");
  assert_string_equal(h[2].value, "1658384314791");
  assert_string_equal(h[3].name, "X-BAPI-RECV-WINDOW");
  assert_string_equal(h[3].value, "5000");
  assert_string_equal(h[4].name, "X-BAPI-SIGN-TYPE");
  assert_string_equal(h[4].value, "2");
  assert_int_equal(xc_bybit_verify_rest(s, "1658384314791", "XXXXXXXXXX", "5000", qs, strlen(qs),
                                        a.sign, strlen(a.sign)), XC_OK);
  assert_int_equal(xc_bybit_verify_rest(s, "1658384314792", "XXXXXXXXXX", "5000", qs, strlen(qs),
                                        a.sign, strlen(a.sign)), XC_EAUTH);
  assert_int_equal(xc_bybit_verify_rest(s, "1658384314791", "XXXXXXXXXX", NULL, qs, strlen(qs),
                                        a.sign, strlen(a.sign)), XC_EAUTH);

  static const struct { const char *payload, *sig; } post[] = {
      {"{\"category\": \"option\"}", "17a6bfe3e7a2aa41dffd3f16bfa0febb8b18ff79bb33de625705dc86876feffe"},
      {"{\"category\":\"option\"}", "e3676a46a81cbb68938e1360c1721d99c7d824982e24877c5a81229a3086c247"},
  };
  for (size_t i = 0; i < 2; i++) {
    assert_int_equal(xc_bybit_sign_rest(s, "XXXXXXXXXX", 1658385579423, 5000, post[i].payload,
                                        strlen(post[i].payload), &a), XC_OK);
    assert_string_equal(a.sign, post[i].sig);
    assert_int_equal(xc_bybit_verify_rest(s, a.timestamp, "XXXXXXXXXX", a.recv_window, post[i].payload,
                                          strlen(post[i].payload), post[i].sig, 64), XC_OK);
  }
  assert_int_equal(xc_bybit_sign_rest(s, "XXXXXXXXXX", 1658384314791, 5000, NULL, 0, &a), XC_OK);
  assert_string_equal(a.sign, "8d74628db9cf79f1d486af80722d4b2bd78f7d7a5d18bc968f7b28c5df75b7d1");

  char sig[XC_SIG_TEXT_MAX];
  size_t sl = 0;
  assert_int_equal(xc_bybit_sign_ws_auth(s, 1662350400000, sig, sizeof sig, &sl), XC_OK);
  assert_int_equal(sl, 64);
  assert_string_equal(sig, "f072aab6fa18cd774da998325df6cfc87c3ccf10d5722e6b43b570c5feaf6172");
  assert_int_equal(xc_bybit_verify_ws_auth(s, 1662350400000, sig, sl), XC_OK);
  assert_int_equal(xc_bybit_verify_ws_auth(s, 1662350400001, sig, sl), XC_EAUTH);
  xc_signer_free(s);
}

/* ---- Ed25519 and RSA --------------------------------------------------------------------------- */

/* PEM text of a freshly generated key (private or public), malloc'd. */
static char *pem_of(EVP_PKEY *k, bool priv) {
  BIO *bio = BIO_new(BIO_s_mem());
  assert_non_null(bio);
  int ok = priv ? PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL)
                : PEM_write_bio_PUBKEY(bio, k);
  assert_int_equal(ok, 1);
  char *data = NULL;
  long n = BIO_get_mem_data(bio, &data);
  char *out = malloc((size_t)n + 1);
  memcpy(out, data, (size_t)n);
  out[n] = 0;
  BIO_free(bio);
  return out;
}

static void check_pkey(EVP_PKEY *k, xc_sign_alg alg, size_t sig_len) {
  char *priv = pem_of(k, true), *pub = pem_of(k, false);
  xc_signer *s = NULL, *v = NULL;
  assert_int_equal(xc_signer_new_pem(priv, strlen(priv), &s), XC_OK);
  assert_int_equal(xc_signer_new_pem(pub, strlen(pub), &v), XC_OK);
  assert_int_equal(xc_signer_alg(s), alg);
  assert_int_equal(xc_signer_alg(v), alg);
  assert_true(xc_signer_can_sign(s));
  assert_false(xc_signer_can_sign(v));
  assert_int_equal(xc_signer_sig_len(s), sig_len);

  const char *msg = "symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=1&price=0.2&timestamp=1668481559918&recvWindow=5000";
  char sig[XC_SIG_TEXT_MAX], sig2[XC_SIG_TEXT_MAX];
  size_t sl = 0;
  assert_int_equal(xc_signer_sign(s, msg, strlen(msg), sig, sizeof sig, &sl), XC_OK);
  assert_int_equal(sl, sig_len);
  assert_int_equal(strlen(sig), sig_len);
  /* Both algorithms are deterministic (Ed25519 by design, PKCS#1 v1.5 by construction). */
  assert_int_equal(xc_signer_sign(s, msg, strlen(msg), sig2, sizeof sig2, NULL), XC_OK);
  assert_string_equal(sig, sig2);
  /* Pieces sign like the whole. */
  xc_iov iov[3] = {{msg, 10}, {msg + 10, 0}, {msg + 10, strlen(msg) - 10}};
  assert_int_equal(xc_signer_signv(s, iov, 3, sig2, sizeof sig2, NULL), XC_OK);
  assert_string_equal(sig, sig2);
  assert_int_equal(xc_signer_sign(v, msg, strlen(msg), sig2, sizeof sig2, NULL), XC_EMISUSE);

  /* Independent check with OpenSSL directly. */
  unsigned char raw[1024];
  size_t rl = 0;
  assert_int_equal(xc_base64_decode(sig, sl, raw, sizeof raw, &rl), XC_OK);
  EVP_MD_CTX *c = EVP_MD_CTX_new();
  assert_int_equal(EVP_DigestVerifyInit_ex(c, NULL, alg == XC_SIGN_ED25519 ? NULL : "SHA256", NULL,
                                           NULL, k, NULL), 1);
  assert_int_equal(EVP_DigestVerify(c, raw, rl, (const unsigned char *)msg, strlen(msg)), 1);
  EVP_MD_CTX_free(c);

  /* Our verifier: public and private key both verify; tampering fails. */
  assert_int_equal(xc_signer_verify(v, msg, strlen(msg), sig, sl), XC_OK);
  assert_int_equal(xc_signer_verify(s, msg, strlen(msg), sig, sl), XC_OK);
  assert_int_equal(xc_signer_verifyv(v, iov, 3, sig, sl), XC_OK);
  assert_int_equal(xc_signer_verify(v, msg, strlen(msg) - 1, sig, sl), XC_EAUTH);
  sig2[0] = 0;
  memcpy(sig2, sig, sl + 1);
  sig2[5] = sig2[5] == 'A' ? 'B' : 'A';
  assert_int_equal(xc_signer_verify(v, msg, strlen(msg), sig2, sl), XC_EAUTH);
  assert_int_equal(xc_signer_verify(v, msg, strlen(msg), "not base64!", 11), XC_EAUTH);
  assert_int_equal(xc_signer_verify(v, msg, strlen(msg), "AAAA", 4), XC_EAUTH);

  /* Binance REST with this key: base64 percent-encoded in the request, verified from the raw bytes. */
  xc_buf q;
  xc_buf_init(&q);
  assert_int_equal(xc_form_add_str(&q, "symbol", "BTCUSDT"), XC_OK);
  assert_int_equal(xc_form_add_str(&q, "side", "SELL"), XC_OK);
  assert_int_equal(xc_binance_sign_rest(s, &q, NULL, 1668481559918, 5000), XC_OK);
  const char *sp = strstr(q.data, "&signature=");
  assert_non_null(sp);
  assert_null(strpbrk(sp + 11, "+/="));
  assert_int_equal(xc_binance_verify_rest(v, q.data, q.len, NULL, 0), XC_OK);
  q.data[7] = 'E'; /* BTCUSDT -> ETCUSDT */
  assert_int_equal(xc_binance_verify_rest(v, q.data, q.len, NULL, 0), XC_EAUTH);

  /* Binance WebSocket API and Bybit. */
  xc_kv kv[3] = {{"timestamp", 9, "1645423376532", 13}, {"apiKey", 6, "k", 1}, {"signature", 9, NULL, 0}};
  assert_int_equal(xc_binance_sign_ws(s, kv, 2, &q, sig, sizeof sig, &sl), XC_OK);
  assert_string_equal(q.data, "apiKey=k&timestamp=1645423376532");
  kv[2].val = sig;
  kv[2].val_len = sl;
  assert_int_equal(xc_binance_verify_ws(v, kv, 3, &q), XC_OK);
  xc_bybit_auth a;
  assert_int_equal(xc_bybit_sign_rest(s, "key", 1658384314791, 5000, "{}", 2, &a), XC_OK);
  assert_int_equal(xc_bybit_verify_rest(v, a.timestamp, "key", a.recv_window, "{}", 2, a.sign,
                                        strlen(a.sign)), XC_OK);
  assert_int_equal(xc_bybit_sign_ws_auth(s, 1662350400000, sig, sizeof sig, &sl), XC_OK);
  assert_int_equal(xc_bybit_verify_ws_auth(v, 1662350400000, sig, sl), XC_OK);

  xc_buf_free(&q);
  xc_signer_free(s);
  xc_signer_free(v);
  free(priv);
  free(pub);
}

static void test_ed25519(void **state) {
  (void)state;
  EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
  assert_non_null(k);
  check_pkey(k, XC_SIGN_ED25519, 88);
  EVP_PKEY_free(k);
}

static void test_rsa(void **state) {
  (void)state;
  EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
  assert_non_null(k);
  check_pkey(k, XC_SIGN_RSA_SHA256, 344);
  EVP_PKEY_free(k);
}

static void test_bad_pem(void **state) {
  (void)state;
  xc_signer *s = (xc_signer *)1;
  assert_int_equal(xc_signer_new_pem("garbage", 7, &s), XC_ECRYPTO);
  assert_null(s);
  assert_int_equal(xc_signer_new_pem(NULL, 0, &s), XC_EINVAL);
  /* An EC P-256 key is valid PEM but not a key type the venues take. */
  EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  assert_non_null(k);
  char *pem = pem_of(k, true);
  assert_int_equal(xc_signer_new_pem(pem, strlen(pem), &s), XC_ENOTSUP);
  assert_null(s);
  free(pem);
  /* An encrypted key is refused without prompting. */
  EVP_PKEY_free(k);
  k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
  BIO *bio = BIO_new(BIO_s_mem());
  assert_int_equal(PEM_write_bio_PKCS8PrivateKey(bio, k, EVP_aes_128_cbc(), "pass", 4, NULL, NULL), 1);
  char *data = NULL;
  long n = BIO_get_mem_data(bio, &data);
  assert_int_equal(xc_signer_new_pem(data, (size_t)n, &s), XC_ECRYPTO);
  assert_null(s);
  BIO_free(bio);
  EVP_PKEY_free(k);
  assert_int_equal(xc_signer_new_hmac(NULL, 5, &s), XC_EINVAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hex_base64),
      cmocka_unit_test(test_sha256_hmac_rfc4231),
      cmocka_unit_test(test_hmac_property),
      cmocka_unit_test(test_binance_vectors),
      cmocka_unit_test(test_binance_rest_builder),
      cmocka_unit_test(test_binance_rest_verify_edges),
      cmocka_unit_test(test_bybit_vectors),
      cmocka_unit_test(test_bybit_sign),
      cmocka_unit_test(test_ed25519),
      cmocka_unit_test(test_rsa),
      cmocka_unit_test(test_bad_pem),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
