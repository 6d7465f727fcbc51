/* libFuzzer target: the simulator's Binance request parameter parser and authentication
 * (network bytes: query string and form body, split at the first 0xFF byte). The sim sources are
 * compiled in directly because fuzz targets link only the core library. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sim/binance_errors.c"
#include "sim/binance_params.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static xc__bn_params p;
  const char *s = (const char *)data;
  const uint8_t *cut = memchr(data, 0xFF, size);
  size_t ql = cut ? (size_t)(cut - data) : size;
  const char *body = cut ? s + ql + 1 : NULL;
  size_t bl = cut ? size - ql - 1 : 0;
  xc__bn_params_parse(&p, s, ql, body, bl);
  xc__bn_keys keys = {"k", "secret"};
  xc__bn_err e;
  memset(&e, 0, sizeof e);
  (void)xc__bn_auth_rest(&p, "k", &keys, XC__BN_SEC_SIGNED, 1700000000000, false, &e);
  int64_t v;
  xc_dec d;
  bool has;
  (void)xc__bn_param_i64(&p, "orderId", &v, &has, &e);
  (void)xc__bn_param_dec(&p, "price", &d, &has, &e);
  for (int i = 0; i < p.n; i++)
    if (strlen(p.p[i].val) != p.p[i].vlen) __builtin_trap();
  return 0;
}
