/* libFuzzer target: the depth decoders (network bytes) and the book procedures behind them.
 *
 * 1. Every decoder runs on the input; none may crash, and a result's levels stay in bounds.
 * 2. Differential against the general JSON reader (src/core/json.h): when the general reader
 *    accepts the input, it is a Binance depthUpdate (raw or combined envelope) with integer U/u
 *    and sides of [price, qty] plain-decimal strings, the hand-written decoder must accept it
 *    too with the same ids and the same exact values; the same for Binance REST snapshots. Conversely, whatever the hand-written
 *    decoder accepts, the general reader accepts (same JSON grammar).
 * 3. The input split into lines drives a Binance spot book and a Bybit book (lines starting
 *    with 'S' are REST snapshots); afterwards a LIVE book is never crossed and its copy is
 *    strictly ordered.
 * 4. Decoding at fixed scales agrees with the normalised decode, and the SSSE3 level path with
 *    the portable one (scaled_agrees). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "book/book.h"
#include "book/depth.h"
#include "core/json.h"
#include "xconn/decimal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
  do {                                                                                             \
    if (!(x)) abort();                                                                             \
  } while (0)

static xc_depth_dec dec, decs, decp; /* decs: numbers at fixed scales (xc_depth_dec.px_scale/qty_scale);
                                     * decp: the same scales without the SSSE3 path */
static xc_json js;
static int inited;

static void check_levels(const xc_depth_msg *m) {
  for (uint32_t i = 0; i < m->nbids; i++)
    CHECK(m->bids[i].px_frac >= 0 && m->bids[i].px_frac <= XC_DEPTH_MAX_FRAC && m->bids[i].qty_frac >= 0 &&
          m->bids[i].qty_frac <= XC_DEPTH_MAX_FRAC);
  for (uint32_t i = 0; i < m->nasks; i++)
    CHECK(m->asks[i].px_frac >= 0 && m->asks[i].px_frac <= XC_DEPTH_MAX_FRAC && m->asks[i].qty_frac >= 0 &&
          m->asks[i].qty_frac <= XC_DEPTH_MAX_FRAC);
}

static bool plain_dec_str(xc_json *j, int idx) {
  const char *s;
  size_t n;
  if (xc_json_type_of(j, idx) != XC_JSON_STRING) return false;
  if (xc_json_text(j, idx, &s, &n) != XC_OK) return false;
  xc_depth_num v;
  return xc_depth_parse_num(s, n, &v) == XC_OK;
}

static bool same(const xc_depth_lvl *l, xc_json *j, int pair) {
  xc_dec p, q;
  CHECK(xc_json_dec(j, xc_json_at(j, pair, 0), &p) == XC_OK);
  CHECK(xc_json_dec(j, xc_json_at(j, pair, 1), &q) == XC_OK);
  xc_dec mp = {(xc_dec_coef)l->px_m, -l->px_frac}, mq = {(xc_dec_coef)l->qty_m, -l->qty_frac};
  return xc_dec_eq(p, mp) && xc_dec_eq(q, mq);
}

/* Returns true if the general reader sees a comparable depthUpdate in the parsed document. */
static bool general_depth(xc_json *j, int *ev) {
  int root = 0;
  if (xc_json_type_of(j, root) != XC_JSON_OBJECT) return false;
  int e = root;
  int data = xc_json_get(j, root, "data");
  if (data >= 0 && xc_json_type_of(j, data) == XC_JSON_OBJECT) {
    static const char *keys[] = {"e", "E", "T", "s", "U", "u", "pu", "b", "a", "bids", "asks",
                                 "lastUpdateId", "seq", "ts", "cts", "topic", "type", "retCode", "result"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
      if (xc_json_get(j, root, keys[i]) >= 0) return false; /* mixed envelope: not compared */
    e = data;
  } else if (data >= 0) {
    return false;
  }
  if (!xc_json_str_eq(j, xc_json_get(j, e, "e"), "depthUpdate")) return false;
  int64_t v;
  if (xc_json_i64(j, xc_json_get(j, e, "U"), &v) != XC_OK) return false;
  if (xc_json_i64(j, xc_json_get(j, e, "u"), &v) != XC_OK) return false;
  int pu = xc_json_get(j, e, "pu");
  if (pu >= 0 && xc_json_type_of(j, pu) == XC_JSON_NUMBER && xc_json_i64(j, pu, &v) != XC_OK) return false;
  for (int s = 0; s < 2; s++) {
    int side = xc_json_get(j, e, s ? "a" : "b");
    if (xc_json_type_of(j, side) != XC_JSON_ARRAY) return false;
    for (int l = xc_json_first(j, side); l >= 0; l = xc_json_next(j, l)) {
      if (xc_json_type_of(j, l) != XC_JSON_ARRAY || xc_json_count(j, l) < 2) return false;
      if (!plain_dec_str(j, xc_json_at(j, l, 0)) || !plain_dec_str(j, xc_json_at(j, l, 1))) return false;
    }
  }
  /* the hand-written decoder also reads these keys; if they have an unexpected type it skips
   * them, the general reader would too: fine */
  *ev = e;
  return true;
}

static void differential(const char *buf, size_t size) {
  xc_depth_msg m;
  xc_status mine = xc_depth_decode_binance_ws(&dec, buf, size, &m);
  if (mine == XC_OK) check_levels(&m);
  xc_status gen = xc_json_parse(&js, buf, size);
  if (mine == XC_OK) CHECK(gen == XC_OK);
  if (gen != XC_OK) return;
  int e;
  if (!general_depth(&js, &e)) return;
  CHECK(mine == XC_OK);
  CHECK(m.kind == XC_DEPTH_DIFF);
  int64_t U, u;
  CHECK(xc_json_i64(&js, xc_json_get(&js, e, "U"), &U) == XC_OK && U == m.first_id);
  CHECK(xc_json_i64(&js, xc_json_get(&js, e, "u"), &u) == XC_OK && u == m.last_id);
  int pu = xc_json_get(&js, e, "pu");
  int64_t p;
  if (pu >= 0 && xc_json_i64(&js, pu, &p) == XC_OK) CHECK(p == m.prev_id);
  for (int s = 0; s < 2; s++) {
    int side = xc_json_get(&js, e, s ? "a" : "b");
    const xc_depth_lvl *lv = s ? m.asks : m.bids;
    uint32_t n = s ? m.nasks : m.nbids, i = 0;
    for (int l = xc_json_first(&js, side); l >= 0; l = xc_json_next(&js, l), i++) {
      CHECK(i < n);
      CHECK(same(&lv[i], &js, l));
    }
    CHECK(i == n);
  }
}

/* Same for a Binance REST snapshot body: root object with integer lastUpdateId and bids/asks of
 * plain-decimal string pairs (and no data/result wrapper, whose keys the decoder would merge). */
static void differential_rest(const char *buf, size_t size) {
  xc_depth_msg m;
  xc_status mine = xc_depth_decode_binance_rest(&dec, buf, size, &m);
  if (mine == XC_OK) check_levels(&m);
  xc_status gen = xc_json_parse(&js, buf, size);
  if (mine == XC_OK) CHECK(gen == XC_OK);
  if (gen != XC_OK || xc_json_type_of(&js, 0) != XC_JSON_OBJECT) return;
  if (xc_json_get(&js, 0, "data") >= 0 || xc_json_get(&js, 0, "result") >= 0) return;
  if (xc_json_get(&js, 0, "b") >= 0 || xc_json_get(&js, 0, "a") >= 0) return; /* aliases of bids/asks */
  int64_t L;
  if (xc_json_i64(&js, xc_json_get(&js, 0, "lastUpdateId"), &L) != XC_OK) return;
  if (xc_json_type_of(&js, xc_json_get(&js, 0, "lastUpdateId")) != XC_JSON_NUMBER) return;
  for (int s = 0; s < 2; s++) {
    int side = xc_json_get(&js, 0, s ? "asks" : "bids");
    if (xc_json_type_of(&js, side) != XC_JSON_ARRAY) return;
    for (int l = xc_json_first(&js, side); l >= 0; l = xc_json_next(&js, l)) {
      if (xc_json_type_of(&js, l) != XC_JSON_ARRAY || xc_json_count(&js, l) < 2) return;
      if (!plain_dec_str(&js, xc_json_at(&js, l, 0)) || !plain_dec_str(&js, xc_json_at(&js, l, 1))) return;
    }
  }
  CHECK(mine == XC_OK && m.kind == XC_DEPTH_SNAPSHOT && m.last_id == L);
  for (int s = 0; s < 2; s++) {
    int side = xc_json_get(&js, 0, s ? "asks" : "bids");
    const xc_depth_lvl *lv = s ? m.asks : m.bids;
    uint32_t n = s ? m.nasks : m.nbids, i = 0;
    for (int l = xc_json_first(&js, side); l >= 0; l = xc_json_next(&js, l), i++) {
      CHECK(i < n);
      CHECK(same(&lv[i], &js, l));
    }
    CHECK(i == n);
  }
}

/* 4. Decoding at fixed scales changes the representation, never the outcome or a value: same
 * status, kind, ids and level values as the normalised decode; at_scale only when every number
 * is at the scale. */
typedef xc_status (*decode_fn)(xc_depth_dec *, const char *, size_t, xc_depth_msg *);

static void scaled_agrees(decode_fn fn, const char *buf, size_t size) {
  xc_depth_msg a, b, c;
  xc_status sa = fn(&dec, buf, size, &a);
  xc_status sb = fn(&decs, buf, size, &b);
  CHECK(sa == sb);
  if (sa != XC_OK) return;
  /* the SSSE3 and the portable level paths give the very same representation */
  static xc_depth_lvl copy[1 << 14];
  uint32_t nl = b.nbids + b.nasks;
  if (nl <= sizeof copy / sizeof copy[0] && b.nbids) memcpy(copy, b.bids, b.nbids * sizeof *copy);
  if (nl <= sizeof copy / sizeof copy[0] && b.nasks) memcpy(copy + b.nbids, b.asks, b.nasks * sizeof *copy);
  CHECK(fn(&decp, buf, size, &c) == XC_OK);
  CHECK(c.at_scale == b.at_scale && c.nbids == b.nbids && c.nasks == b.nasks);
  for (uint32_t i = 0; i < nl && nl <= sizeof copy / sizeof copy[0]; i++) {
    const xc_depth_lvl *x = &copy[i], *y = i < c.nbids ? &c.bids[i] : &c.asks[i - c.nbids];
    CHECK(x->px_m == y->px_m && x->px_frac == y->px_frac && x->qty_m == y->qty_m && x->qty_frac == y->qty_frac);
  }
  fn(&decs, buf, size, &b); /* b's levels point into decs: decode again (c's decoder was decp) */
  CHECK(a.kind == b.kind && a.first_id == b.first_id && a.last_id == b.last_id && a.prev_id == b.prev_id);
  CHECK(a.nbids == b.nbids && a.nasks == b.nasks && !a.at_scale);
  for (int side = 0; side < 2; side++) {
    const xc_depth_lvl *x = side ? a.asks : a.bids, *y = side ? b.asks : b.bids;
    uint32_t n = side ? a.nasks : a.nbids;
    for (uint32_t i = 0; i < n; i++) {
      xc_dec px = {(xc_dec_coef)x[i].px_m, -x[i].px_frac}, py = {(xc_dec_coef)y[i].px_m, -y[i].px_frac};
      xc_dec qx = {(xc_dec_coef)x[i].qty_m, -x[i].qty_frac}, qy = {(xc_dec_coef)y[i].qty_m, -y[i].qty_frac};
      CHECK(xc_dec_eq(px, py) && xc_dec_eq(qx, qy));
      if (b.at_scale) {
        CHECK(y[i].px_frac == decs.px_scale && y[i].qty_frac == decs.qty_scale);
        CHECK(y[i].px_m <= (uint64_t)INT64_MAX && y[i].qty_m <= (uint64_t)INT64_MAX);
      }
    }
  }
}

static void drive(xc_book *b, const char *buf, size_t size) {
  size_t pos = 0;
  int64_t t = 0;
  while (pos < size) {
    const char *nl = memchr(buf + pos, '\n', size - pos);
    size_t end = nl ? (size_t)(nl - buf) : size;
    const char *line = buf + pos;
    size_t len = end - pos;
    t += 10;
    if (len && line[0] == 'S') xc_book_feed_snapshot(b, line + 1, len - 1, t, NULL);
    else if (len && line[0] == 'C') xc_book_check(b, t + 1000000000);
    else if (len && line[0] == 'R') xc_book_reset(b, t);
    else xc_book_feed(b, line, len, t, NULL);
    xc_book_action a;
    while (xc_book_poll(b, &a)) CHECK(a.kind >= XC_BOOK_ACT_NEED_SNAPSHOT && a.kind <= XC_BOOK_ACT_STATE);
    pos = end + 1;
  }
  if (xc_book_state_get(b) == XC_BOOK_LIVE) {
    static xc_book_level bl[256], al[256];
    uint32_t nb = 0, na = 0;
    xc_book_copy(b, bl, 256, &nb, al, 256, &na);
    for (uint32_t i = 1; i < nb; i++) CHECK(xc_dec_cmp(bl[i].price, bl[i - 1].price) < 0);
    for (uint32_t i = 1; i < na; i++) CHECK(xc_dec_cmp(al[i].price, al[i - 1].price) > 0);
    if (nb && na) CHECK(xc_dec_cmp(bl[0].price, al[0].price) < 0);
    for (uint32_t i = 0; i < nb; i++) CHECK(xc_dec_sign(bl[i].qty) > 0);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!inited) {
    xc_depth_dec_init(&dec);
    xc_depth_dec_init(&decs);
    xc_depth_dec_init(&decp);
    decp.simd = false;
    xc_json_init(&js);
    inited = 1;
  }
  decs.px_scale = (int)(size % 11);
  decs.qty_scale = (int)((size / 11) % 11);
  decp.px_scale = decs.px_scale;
  decp.qty_scale = decs.qty_scale;
  if (size > 1 << 16) return 0;
  const char *buf = (const char *)data;
  xc_depth_msg m;
  if (xc_depth_decode_bybit_ws(&dec, buf, size, &m) == XC_OK) check_levels(&m);
  if (xc_depth_decode_bybit_rest(&dec, buf, size, &m) == XC_OK) check_levels(&m);
  differential(buf, size);
  differential_rest(buf, size);
  scaled_agrees(xc_depth_decode_binance_ws, buf, size);
  scaled_agrees(xc_depth_decode_binance_rest, buf, size);
  scaled_agrees(xc_depth_decode_bybit_ws, buf, size);
  scaled_agrees(xc_depth_decode_bybit_rest, buf, size);

  xc_book_opts o;
  xc_book_opts_default(&o, XC_BOOK_BINANCE_SPOT);
  o.max_levels = 64;
  o.buffer_bytes = 4096;
  o.stale_after_ns = 1;
  xc_book *b = NULL;
  CHECK(xc_book_new(&o, &b) == XC_OK);
  drive(b, buf, size);
  xc_book_free(b);
  xc_book_opts_default(&o, XC_BOOK_BYBIT);
  o.max_levels = 64;
  CHECK(xc_book_new(&o, &b) == XC_OK);
  drive(b, buf, size);
  xc_book_free(b);
  return 0;
}
