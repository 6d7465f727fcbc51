/* libFuzzer target: the form/query parser and percent-decoder on arbitrary bytes, plus the Binance
 * signed-payload extraction and verification the simulator runs on received requests.
 * Checks invariants: results stay inside the destination buffer, are NUL-terminated, round-trip
 * through the encoder, and in-place parsing agrees with parsing into a separate buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/query.h"
#include "core/sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 16) return 0;
  const char *src = (const char *)data;
  char *dst = malloc(size + 1), *inplace = malloc(size + 1);
  CHECK(dst && inplace);
  memcpy(inplace, src, size);
  xc_kv kv[32], kv2[32];
  size_t n = 0, n2 = 0;
  xc_status st = xc_query_parse(src, size, dst, size + 1, kv, 32, &n);
  xc_status st2 = xc_query_parse(inplace, size, inplace, size + 1, kv2, 32, &n2);
  CHECK(st == st2 && n == n2);
  CHECK(n <= 32);
  xc_buf enc;
  xc_buf_init(&enc);
  for (size_t i = 0; i < n; i++) {
    CHECK(kv[i].key >= dst && kv[i].key + kv[i].key_len < dst + size + 1);
    CHECK(kv[i].val >= dst && kv[i].val + kv[i].val_len < dst + size + 1);
    CHECK(kv[i].key[kv[i].key_len] == 0 && kv[i].val[kv[i].val_len] == 0);
    CHECK(kv2[i].key_len == kv[i].key_len && kv2[i].val_len == kv[i].val_len);
    CHECK(memcmp(kv2[i].key, kv[i].key, kv[i].key_len) == 0);
    CHECK(memcmp(kv2[i].val, kv[i].val, kv[i].val_len) == 0);
    CHECK(xc_form_add(&enc, "k", kv[i].val, kv[i].val_len) == XC_OK);
  }
  if (st == XC_OK) {
    /* Re-encoding the decoded values and parsing again gives the same values. */
    char *dst2 = malloc(enc.len + 1);
    xc_kv kv3[32];
    size_t n3 = 0;
    CHECK(dst2);
    CHECK(xc_query_parse(enc.data ? enc.data : "", enc.len, dst2, enc.len + 1, kv3, 32, &n3) == XC_OK);
    CHECK(n3 == n);
    for (size_t i = 0; i < n; i++)
      CHECK(kv3[i].val_len == kv[i].val_len && memcmp(kv3[i].val, kv[i].val, kv[i].val_len) == 0);
    free(dst2);
  }
  xc_buf_free(&enc);

  /* Percent-decoding with an exact-size output. */
  size_t dl = 0;
  if (xc_pct_decode(src, size, dst, size + 1, &dl, (size & 1) != 0) == XC_OK) {
    CHECK(dl <= size && dst[dl] == 0);
    char *small = malloc(dl + 1);
    size_t dl2 = 0;
    CHECK(small && xc_pct_decode(src, size, small, dl + 1, &dl2, (size & 1) != 0) == XC_OK);
    CHECK(dl2 == dl && memcmp(small, dst, dl) == 0);
    free(small);
  }

  /* Binance verification on a request split into query and body at the first '\n'. */
  static xc_signer *signer;
  if (!signer) CHECK(xc_signer_new_hmac("fuzz-secret", 11, &signer) == XC_OK);
  const char *nl = memchr(src, '\n', size);
  size_t ql = nl ? (size_t)(nl - src) : size;
  const char *body = nl ? nl + 1 : NULL;
  size_t bl = nl ? size - ql - 1 : 0;
  xc_buf payload;
  xc_buf_init(&payload);
  const char *sig = NULL;
  size_t sl = 0;
  xc_status ps = xc_binance_rest_signed_payload(src, ql, body, bl, &payload, &sig, &sl);
  xc_status vs = xc_binance_verify_rest(signer, src, ql, body, bl);
  CHECK(ps == XC_OK || ps == XC_ENOTFOUND || ps == XC_EDUPLICATE);
  if (ps == XC_OK) {
    CHECK(payload.len + sl <= size);
    CHECK(vs == XC_OK || vs == XC_EAUTH);
  } else {
    CHECK(vs == ps);
  }
  xc_buf_free(&payload);

  /* Query + body parsed together agree with parsing each part alone. */
  char *both = malloc(size + 2), *part = malloc(size + 2);
  CHECK(both && part);
  xc_kv kb[32], kp[32];
  size_t nb = 0, nq = 0, np = 0;
  xc_status sb = xc_query_parse_both(src, ql, body, bl, both, size + 2, kb, 32, &nb, &nq);
  xc_status sq = xc_query_parse(src, ql, part, ql + 1, kp, 32, &np);
  if (sq != XC_OK) {
    CHECK(sb == sq && nb == np);
  } else {
    CHECK(nq == np);
    size_t nbody = 0;
    xc_status sbody = xc_query_parse(body ? body : "", bl, part, bl + 1, kp, 32 - np, &nbody);
    CHECK(sb == sbody && nb == np + nbody);
    for (size_t i = 0; i < nbody; i++)
      CHECK(kb[np + i].val_len == kp[i].val_len && memcmp(kb[np + i].val, kp[i].val, kp[i].val_len) == 0);
  }
  free(both);
  free(part);
  free(dst);
  free(inplace);
  return 0;
}
