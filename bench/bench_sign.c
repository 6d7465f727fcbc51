/* Signing benchmarks: HMAC-SHA256 of a typical order payload (prepared signer vs one-shot),
 * Ed25519 and RSA-2048 signatures, Binance REST parameter assembly + sign, Binance WS-API sorted
 * payload + sign, Bybit REST sign, and the simulator-side Binance verification.
 * Each case runs for a bounded time (~0.3 s) and prints ns/op and allocations/op. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "benchutil.h"
#include "core/query.h"
#include "core/sign.h"

#define BUDGET_NS 300000000ull

/* A 200-byte Binance spot order as sent (binance.md 2.3 shape with a client order id). */
static const char order_payload[] =
    "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.00100000&price=67234.51000000"
    "&newClientOrderId=x-R4BD3S8265d26698ad954db1b3fee5&newOrderRespType=ACK&recvWindow=5000"
    "&timestamp=1732413345123";

#define RUN(name, body)                                                                            \
  do {                                                                                             \
    for (int w_ = 0; w_ < 100; w_++) { body; }                                                     \
    uint64_t a0_ = xc_bench_allocs(), t0_ = xc_bench_now_ns(), n_ = 0, t_;                          \
    do {                                                                                           \
      for (int k_ = 0; k_ < 64; k_++) { body; }                                                    \
      n_ += 64;                                                                                    \
    } while ((t_ = xc_bench_now_ns() - t0_) < BUDGET_NS);                                          \
    xc_bench_report(name, n_, t_, (double)(xc_bench_allocs() - a0_) / (double)n_);                  \
  } while (0)

static xc_signer *pem_signer(const char *alg, size_t bits) {
  EVP_PKEY *k = bits ? EVP_PKEY_Q_keygen(NULL, NULL, alg, bits) : EVP_PKEY_Q_keygen(NULL, NULL, alg);
  BIO *bio = BIO_new(BIO_s_mem());
  if (!k || !bio || !PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL)) abort();
  char *data = NULL;
  long n = BIO_get_mem_data(bio, &data);
  xc_signer *s = NULL;
  if (xc_signer_new_pem(data, (size_t)n, &s) != XC_OK) abort();
  BIO_free(bio);
  EVP_PKEY_free(k);
  return s;
}

int main(void) {
  const size_t plen = strlen(order_payload);
  printf("payload: %zu bytes\n", plen);
  xc_signer *h = NULL;
  const char *secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
  if (xc_signer_new_hmac(secret, strlen(secret), &h) != XC_OK) return 1;
  char sig[XC_SIG_TEXT_MAX];
  unsigned char mac[32];

  RUN("hmac-sha256 prepared signer (hex)", {
    xc_signer_sign(h, order_payload, plen, sig, sizeof sig, NULL);
    XC_BENCH_KEEP(sig[0]);
  });
  char p150[151], p250[251];
  memcpy(p150, order_payload, 150); p150[150] = 0;
  memset(p250, 'a', 250); memcpy(p250, order_payload, plen); p250[250] = 0;
  RUN("hmac-sha256 prepared signer 150 B", {
    xc_signer_sign(h, p150, 150, sig, sizeof sig, NULL);
    XC_BENCH_KEEP(sig[0]);
  });
  RUN("hmac-sha256 prepared signer 250 B", {
    xc_signer_sign(h, p250, 250, sig, sizeof sig, NULL);
    XC_BENCH_KEEP(sig[0]);
  });
  RUN("hmac-sha256 one-shot EVP_Q_mac (raw)", {
    xc_hmac_sha256(secret, strlen(secret), order_payload, plen, mac);
    XC_BENCH_KEEP(mac[0]);
  });
  RUN("hmac-sha256 verify (hex, constant time)", {
    xc_status st = xc_signer_verify(h, order_payload, plen, sig, 64);
    XC_BENCH_KEEP(st);
  });

  /* Binance REST: build the order's params (percent-encoding) + timestamp + sign + append. */
  xc_buf q;
  xc_buf_init(&q);
  RUN("binance rest assemble+sign (hmac)", {
    xc_buf_reset(&q);
    xc_form_add_str(&q, "symbol", "BTCUSDT");
    xc_form_add_str(&q, "side", "BUY");
    xc_form_add_str(&q, "type", "LIMIT");
    xc_form_add_str(&q, "timeInForce", "GTC");
    xc_form_add_str(&q, "quantity", "0.00100000");
    xc_form_add_str(&q, "price", "67234.51000000");
    xc_form_add_str(&q, "newClientOrderId", "x-R4BD3S8265d26698ad954db1b3fee5");
    xc_form_add_str(&q, "newOrderRespType", "ACK");
    xc_binance_sign_rest(h, NULL, &q, 1732413345123, 5000);
    XC_BENCH_KEEP(q.data);
  });
  char *req = strdup(q.data);
  size_t req_len = strlen(req);
  RUN("binance rest verify (sim side, hmac)", {
    xc_status st = xc_binance_verify_rest(h, NULL, 0, req, req_len);
    XC_BENCH_KEEP(st);
  });
  char *parsebuf = malloc(req_len + 1);
  xc_kv kv[32];
  size_t nkv = 0;
  RUN("query parse (sim side, 10 params)", {
    xc_query_parse(req, req_len, parsebuf, req_len + 1, kv, 32, &nkv);
    XC_BENCH_KEEP(nkv);
  });
  if (nkv != 11) printf("(unexpected param count %zu)\n", nkv);

  /* Binance WS API: sorted payload + sign. */
  const xc_kv ws[] = {{"symbol", 6, "BTCUSDT", 7},          {"side", 4, "BUY", 3},
                      {"type", 4, "LIMIT", 5},              {"timeInForce", 11, "GTC", 3},
                      {"quantity", 8, "0.00100000", 10},    {"price", 5, "67234.51000000", 14},
                      {"recvWindow", 10, "5000", 4},        {"timestamp", 9, "1732413345123", 13},
                      {"apiKey", 6, "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A", 64}};
  xc_buf scratch;
  xc_buf_init(&scratch);
  RUN("binance ws-api sort+sign (hmac, 9 params)", {
    xc_binance_sign_ws(h, ws, 9, &scratch, sig, sizeof sig, NULL);
    XC_BENCH_KEEP(sig[0]);
  });

  /* Bybit REST POST. */
  const char *body = "{\"category\":\"linear\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Limit\","
                     "\"qty\":\"0.001\",\"price\":\"67234.5\",\"timeInForce\":\"GTC\",\"orderLinkId\":\"x-1732413345123-1\"}";
  xc_bybit_auth auth;
  RUN("bybit rest sign+headers (hmac)", {
    xc_bybit_sign_rest(h, "XXXXXXXXXXXXXXXXXX", 1732413345123, 5000, body, strlen(body), &auth);
    XC_BENCH_KEEP(auth.sign[0]);
  });

  xc_signer *ed = pem_signer("ED25519", 0);
  RUN("ed25519 sign (base64)", {
    xc_signer_sign(ed, order_payload, plen, sig, sizeof sig, NULL);
    XC_BENCH_KEEP(sig[0]);
  });
  size_t edl = strlen(sig);
  RUN("ed25519 verify", {
    xc_status st = xc_signer_verify(ed, order_payload, plen, sig, edl);
    XC_BENCH_KEEP(st);
  });
  RUN("binance rest assemble+sign (ed25519)", {
    xc_buf_reset(&q);
    xc_form_add_str(&q, "symbol", "BTCUSDT");
    xc_form_add_str(&q, "side", "BUY");
    xc_form_add_str(&q, "type", "LIMIT");
    xc_form_add_str(&q, "quantity", "0.00100000");
    xc_form_add_str(&q, "price", "67234.51000000");
    xc_binance_sign_rest(ed, NULL, &q, 1732413345123, 5000);
    XC_BENCH_KEEP(q.data);
  });
  xc_signer *rsa = pem_signer("RSA", 2048);
  RUN("rsa-2048 pkcs1 sha256 sign (base64)", {
    xc_signer_sign(rsa, order_payload, plen, sig, sizeof sig, NULL);
    XC_BENCH_KEEP(sig[0]);
  });
  size_t rl = strlen(sig);
  RUN("rsa-2048 verify", {
    xc_status st = xc_signer_verify(rsa, order_payload, plen, sig, rl);
    XC_BENCH_KEEP(st);
  });

  xc_signer_free(h);
  xc_signer_free(ed);
  xc_signer_free(rsa);
  xc_buf_free(&q);
  xc_buf_free(&scratch);
  free(req);
  free(parsebuf);
  return 0;
}
