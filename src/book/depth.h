/* Depth message decoders for the book hot path (internal to libxconn).
 *
 * Hand-written, validating, allocation-free (after warm-up) decoders for exactly the messages the
 * book consumes:
 *   - Binance depthUpdate, spot and USD-M futures, raw or wrapped in the combined-stream envelope
 *     {"stream":..,"data":{..}};
 *   - Binance REST depth snapshots (spot and futures: lastUpdateId, E, T, bids, asks);
 *   - Bybit v5 orderbook.{depth}.{symbol} WS messages (snapshot and delta) and the REST
 *     /v5/market/orderbook response ({"retCode":0,..,"result":{..}}).
 * The input must be one complete JSON value (RFC 8259 syntax is checked everywhere, also in
 * values that are skipped; nesting depth <= 32). Keys are compared raw (escapes not decoded) and
 * the first occurrence of a key wins. Prices and quantities must be JSON strings (or numbers)
 * holding plain decimals "123.4500" (no sign, no exponent, at most 19 significant digits and
 * XC_DEPTH_MAX_FRAC fractional digits); they
 * are decoded exactly into (mantissa, fractional digits) with trailing fractional zeros dropped.
 * A decoder is not thread-safe; one per thread (it owns a reusable level array).
 */
#ifndef XC_BOOK_DEPTH_H
#define XC_BOOK_DEPTH_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "xconn/status.h"

/* An exact non-negative decimal m * 10^-frac (trailing fractional zeros removed). */
typedef struct xc_depth_num {
  uint64_t m;
  int32_t frac;
} xc_depth_num;

typedef struct xc_depth_lvl {
  uint64_t px_m, qty_m;
  int16_t px_frac, qty_frac;
} xc_depth_lvl;

typedef enum xc_depth_kind {
  XC_DEPTH_NONE = 0,     /* valid JSON, but not a depth message (control reply, other event) */
  XC_DEPTH_DIFF,         /* Binance depthUpdate, Bybit delta */
  XC_DEPTH_SNAPSHOT      /* Binance REST snapshot, Bybit snapshot (WS or REST) */
} xc_depth_kind;

/* One decoded message. Pointers refer to the decoder's level array (valid until the next decode)
 * and to the input bytes (symbol, stream). Absent integers are INT64_MIN. */
typedef struct xc_depth_msg {
  xc_depth_kind kind;
  int64_t first_id;    /* Binance U */
  int64_t last_id;     /* Binance u, Binance lastUpdateId, Bybit u */
  int64_t prev_id;     /* Binance futures pu */
  int64_t seq;         /* Bybit seq */
  int64_t event_ms;    /* Binance E, Bybit ts */
  int64_t txn_ms;      /* Binance T, Bybit cts */
  const char *symbol;  /* "s" (raw, not NUL-terminated) or NULL */
  size_t symbol_len;
  const char *stream;  /* combined-stream name or Bybit topic, or NULL */
  size_t stream_len;
  uint32_t nbids, nasks;
  const xc_depth_lvl *bids; /* in message order */
  const xc_depth_lvl *asks;
  /* true when the decoder was given scales (xc_depth_dec.px_scale/qty_scale >= 0) and every level
   * number was produced at them: px_frac == px_scale, qty_frac == qty_scale, and each mantissa
   * <= INT64_MAX, so the mantissas are the book's integer units as they stand. */
  bool at_scale;
  int16_t px_scale, qty_scale;
} xc_depth_msg;

typedef struct xc_depth_dec {
  xc_depth_lvl *lv;    /* scratch for levels, grown on demand and reused */
  uint32_t cap;
  uint32_t max_levels; /* bound on levels per message (default 1<<20); more fails XC_EFULL */
  /* -1 (default): level numbers are normalised (trailing fractional zeros dropped). 0..18: numbers
   * are given with exactly that many fractional digits where that is exact and the mantissa fits
   * int64; any other number is normalised and clears the message's at_scale. Prices and
   * quantities have separate scales; both must be >= 0 for at_scale. */
  int px_scale, qty_scale;
  bool simd;           /* use the SSSE3 level path (set by init when the CPU has it; tests clear it) */
  char err[96];        /* last error detail */
} xc_depth_dec;

#define XC_DEPTH_ABSENT INT64_MIN
/* Most fractional digits (after dropping trailing zeros) a level number may have. */
#define XC_DEPTH_MAX_FRAC 38

void xc_depth_dec_init(xc_depth_dec *d);
void xc_depth_dec_free(xc_depth_dec *d);

/* Binance WS message: depthUpdate (spot or futures, raw or combined) gives DIFF; a spot partial
 * depth message ({"lastUpdateId","bids","asks"}) gives SNAPSHOT. Anything else that is valid
 * JSON gives kind XC_DEPTH_NONE and XC_OK. XC_EPARSE on malformed input or on a
 * depthUpdate missing U/u/b/a; XC_ERANGE on numbers that do not fit. */
xc_status xc_depth_decode_binance_ws(xc_depth_dec *d, const char *buf, size_t len, xc_depth_msg *out);
/* Binance REST depth body ({"lastUpdateId":..,"bids":[..],"asks":[..]}). kind = SNAPSHOT. */
xc_status xc_depth_decode_binance_rest(xc_depth_dec *d, const char *buf, size_t len, xc_depth_msg *out);
/* Bybit v5 public WS message. orderbook topics give SNAPSHOT or DIFF; others give NONE. */
xc_status xc_depth_decode_bybit_ws(xc_depth_dec *d, const char *buf, size_t len, xc_depth_msg *out);
/* Bybit v5 REST /v5/market/orderbook body. retCode != 0 gives XC_EREJECTED. kind = SNAPSHOT. */
xc_status xc_depth_decode_bybit_rest(xc_depth_dec *d, const char *buf, size_t len, xc_depth_msg *out);

/* Exact plain-decimal parser used by the decoders: "0.3513000" -> {3513, 4}. XC_EPARSE on bad
 * syntax (sign, exponent, empty), XC_ERANGE above 19 significant digits. */
xc_status xc_depth_parse_num(const char *s, size_t n, xc_depth_num *out);

#endif
