/* Book benchmarks (ANCHORS.md sections 7/9, workloads W1, W2, W3):
 *   W1: a seeded synthetic stream of Binance spot depthUpdate messages (1-40 levels, offsets
 *       exponential around mid with mean 30 ticks, 15 % zero quantities, 8-decimal strings)
 *       applied on a 1000-per-side snapshot: decode + apply through xc_book_feed; ns/msg mean,
 *       median and p99, msgs/s, allocations per message; a byte-scan floor over the same bytes;
 *       decode-only as a split.
 *   W2: REST snapshot load (decode + load), 1000 and 5000 levels per side.
 *   W3: Bybit orderbook.200 snapshot + deltas.
 *   Readers: lock-free BBO and top-20 copies.
 * A correctness line (level counts, BBO, checksum, gaps) is printed before any timing.
 * Usage: bench_book [messages] (default 100000). Figures only; nothing is asserted.
 *        bench_book --dump DIR [messages]: writes the W1 snapshot and stream for the ccxt run. */
#include "benchutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book/book.h"
#include "book/depth.h"
#include "core/json.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next(void) {
  uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static double unif(void) { return (double)(next() >> 11) / 9007199254740992.0; }

#define MID 9700000LL /* 97000.00 in ticks of 0.01 */

static int fmt_px(char *o, long long ticks) { return sprintf(o, "%lld.%02lld000000", ticks / 100, ticks % 100); }
static int fmt_qty(char *o, long long q) { return sprintf(o, "%lld.%08lld", q / 100000000, q % 100000000); }
static long long rand_qty(void) { return 1 + (long long)(next() % 1000000000ull); } /* up to 10.0 */

typedef struct stream {
  char *data;
  size_t *off, *len;
  size_t n, bytes;
} stream;

static void gen_binance(stream *s, size_t n, long long first_u) {
  s->data = malloc(n * 1600 + 1);
  s->off = malloc(n * sizeof(size_t));
  s->len = malloc(n * sizeof(size_t));
  s->n = n;
  size_t pos = 0;
  long long u = first_u;
  for (size_t i = 0; i < n; i++) {
    char *o = s->data + pos;
    int nl = 1 + (int)(next() % 40);
    int l = sprintf(o, "{\"e\":\"depthUpdate\",\"E\":%lld,\"s\":\"BTCUSDT\",\"U\":%lld,\"u\":%lld,\"b\":[",
                    1700000000000LL + (long long)i * 100, u, u + nl - 1);
    /* split levels between sides */
    int nb = 0;
    char side[40];
    for (int k = 0; k < nl; k++) {
      side[k] = (char)(next() & 1);
      nb += side[k] == 0;
    }
    for (int pass = 0; pass < 2; pass++) {
      int first = 1;
      for (int k = 0; k < nl; k++) {
        if (side[k] != pass) continue;
        long long off = 1 + (long long)floor(-log(1.0 - unif()) * 30.0);
        long long px = pass == 0 ? MID - off : MID + off;
        long long q = unif() < 0.15 ? 0 : rand_qty();
        if (!first) o[l++] = ',';
        first = 0;
        l += sprintf(o + l, "[\"");
        l += fmt_px(o + l, px);
        l += sprintf(o + l, "\",\"");
        l += fmt_qty(o + l, q);
        l += sprintf(o + l, "\"]");
      }
      l += sprintf(o + l, pass == 0 ? "],\"a\":[" : "]}");
    }
    s->off[i] = pos;
    s->len[i] = (size_t)l;
    pos += (size_t)l;
    s->bytes += (size_t)l;
    u += nl;
  }
}

/* Binance REST snapshot with `levels` per side around MID. */
static char *gen_snapshot(int levels, long long last_id, size_t *len) {
  char *o = malloc((size_t)levels * 2 * 40 + 100);
  int l = sprintf(o, "{\"lastUpdateId\":%lld,\"bids\":[", last_id);
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 1; i <= levels; i++) {
      if (i > 1) o[l++] = ',';
      l += sprintf(o + l, "[\"");
      l += fmt_px(o + l, pass == 0 ? MID - i : MID + i);
      l += sprintf(o + l, "\",\"");
      l += fmt_qty(o + l, rand_qty());
      l += sprintf(o + l, "\"]");
    }
    l += sprintf(o + l, pass == 0 ? "],\"asks\":[" : "]}");
  }
  *len = (size_t)l;
  return o;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static xc_book *new_book(xc_book_venue v) {
  xc_book_opts o;
  xc_book_opts_default(&o, v);
  o.symbol = "BTCUSDT";
  xc_book *b = NULL;
  if (xc_book_new(&o, &b) != XC_OK) {
    fprintf(stderr, "xc_book_new failed\n");
    exit(1);
  }
  return b;
}

/* A LIVE book on the 1000/side snapshot, ready for the stream starting at u = 1001. */
static xc_book *ready_book(const char *snap, size_t snap_len) {
  xc_book *b = new_book(XC_BOOK_BINANCE_SPOT);
  xc_book_feed_snapshot(b, snap, snap_len, 0, NULL);
  return b;
}

static void print_book(const char *label, xc_book *b) {
  xc_book_bbo q;
  xc_book_bbo_get(b, &q);
  char bp[XC_DEC_STR_MAX], ap[XC_DEC_STR_MAX];
  xc_dec_to_str(q.bid_price, bp, sizeof bp);
  xc_dec_to_str(q.ask_price, ap, sizeof ap);
  xc_book_stats st;
  xc_book_stats_get(b, &st);
  printf("%s: state %s, %u bids, %u asks, BBO %s / %s, update id %lld, checksum %016llx, applied %llu, "
         "gaps %llu, resyncs %llu\n",
         label, xc_book_state_name(q.state), xc_book_levels(b, XC_BOOK_BID), xc_book_levels(b, XC_BOOK_ASK), bp,
         ap, (long long)q.update_id, (unsigned long long)xc_book_checksum(b), (unsigned long long)st.applied,
         (unsigned long long)st.gaps, (unsigned long long)st.resyncs);
}

static void general_decode(const char *p, size_t len);
static xc_json gj;
static uint64_t gchk;

enum { PH_SCAN, PH_DECODE, PH_DECODE_NORM, PH_GENERAL, PH_APPLY, PH_FEED };
/* The W1 book's scales once the snapshot is loaded (prices in 0.01, quantities in 1e-8): the
 * book asks its decoder for numbers at these scales (xc_depth_dec.px_scale/qty_scale), so the
 * split phases below do the same. */
#define W1_PX_SCALE 2
#define W1_QTY_SCALE 8
#define CHUNK 500
#define PASSES 7

typedef struct w1_ctx {
  stream *s;
  size_t n;
  const char *snap;
  size_t snap_len;
  xc_depth_msg *msgs;
} w1_ctx;

static uint64_t timed(w1_ctx *c, int ph, double *allocs) {
  size_t nch = (c->n + CHUNK - 1) / CHUNK;
  uint64_t *best = malloc(nch * sizeof *best);
  for (size_t k = 0; k < nch; k++) best[k] = UINT64_MAX;
  xc_depth_dec d;
  xc_depth_dec_init(&d);
  if (ph == PH_DECODE) {
    d.px_scale = W1_PX_SCALE;
    d.qty_scale = W1_QTY_SCALE;
  }
  xc_depth_msg m;
  uint64_t sink = 0;
  for (int pass = 0; pass < PASSES; pass++) {
    xc_book *b = (ph == PH_APPLY || ph == PH_FEED) ? ready_book(c->snap, c->snap_len) : NULL;
    uint64_t a0 = xc_bench_allocs();
    for (size_t k = 0; k < nch; k++) {
      size_t lo = k * CHUNK, hi = lo + CHUNK < c->n ? lo + CHUNK : c->n;
      uint64_t t0 = xc_bench_now_ns();
      for (size_t i = lo; i < hi; i++) {
        const char *p = c->s->data + c->s->off[i];
        size_t len = c->s->len[i];
        switch (ph) {
        case PH_SCAN: {
          uint64_t acc = 0;
          for (size_t q = 0; q < len; q++) acc += p[q] == '"';
          sink += acc;
          break;
        }
        case PH_DECODE:
        case PH_DECODE_NORM: xc_depth_decode_binance_ws(&d, p, len, &m); break;
        case PH_GENERAL: general_decode(p, len); break;
        case PH_APPLY: xc_book_apply(b, &c->msgs[i], (int64_t)i, NULL); break;
        default: xc_book_feed(b, p, len, (int64_t)i, NULL); break;
        }
      }
      uint64_t dt = xc_bench_now_ns() - t0;
      if (dt < best[k]) best[k] = dt;
    }
    if (allocs) *allocs = (double)(xc_bench_allocs() - a0) / (double)c->n;
    xc_book_free(b);
  }
  XC_BENCH_KEEP(sink);
  xc_depth_dec_free(&d);
  uint64_t sum = 0;
  for (size_t k = 0; k < nch; k++) sum += best[k];
  free(best);
  return sum;
}

static void w1(size_t n) {
  stream s = {0};
  gen_binance(&s, n, 1001);
  size_t snap_len;
  char *snap = gen_snapshot(1000, 1000, &snap_len);
  printf("W1: %zu Binance spot depthUpdate messages, %.0f B average, on a 1000/side snapshot\n", n,
         (double)s.bytes / (double)n);

  /* correctness gate */
  xc_book *b = ready_book(snap, snap_len);
  for (size_t i = 0; i < n; i++) xc_book_feed(b, s.data + s.off[i], s.len[i], (int64_t)i, NULL);
  print_book("W1 correctness", b);
  xc_book_free(b);

  /* Timing: the machine is shared, so each phase runs PASSES times over the same stream in chunks
   * of CHUNK messages, and the best time of each chunk across passes is summed (preemption and
   * neighbours only ever add time). */
  xc_depth_dec d2;
  xc_depth_dec_init(&d2);
  d2.px_scale = W1_PX_SCALE;
  d2.qty_scale = W1_QTY_SCALE;
  xc_depth_msg *msgs = malloc(n * sizeof *msgs);
  size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    xc_depth_decode_binance_ws(&d2, s.data + s.off[i], s.len[i], &msgs[i]);
    total += msgs[i].nbids + msgs[i].nasks;
  }
  xc_depth_lvl *store = malloc(total * sizeof *store), *w = store;
  for (size_t i = 0; i < n; i++) {
    xc_depth_decode_binance_ws(&d2, s.data + s.off[i], s.len[i], &msgs[i]);
    memcpy(w, msgs[i].bids, msgs[i].nbids * sizeof *w);
    msgs[i].bids = w;
    w += msgs[i].nbids;
    memcpy(w, msgs[i].asks, msgs[i].nasks * sizeof *w);
    msgs[i].asks = w;
    w += msgs[i].nasks;
    msgs[i].symbol = NULL;
  }
  xc_depth_dec_free(&d2);
  w1_ctx c = {&s, n, snap, snap_len, msgs};
  xc_json_init(&gj);
  double allocs = 0;
  uint64_t t_scan = timed(&c, PH_SCAN, NULL), t_dec = timed(&c, PH_DECODE, NULL),
           t_norm = timed(&c, PH_DECODE_NORM, NULL), t_gen = timed(&c, PH_GENERAL, NULL),
           t_app = timed(&c, PH_APPLY, NULL), t_feed = timed(&c, PH_FEED, &allocs);
  xc_bench_report("W1 floor: byte scan", n, t_scan, -1);
  printf("%-44s %10.2f GB/s\n", "W1 floor: byte scan rate", (double)s.bytes / (double)t_scan);
  xc_bench_report("W1 decode only (xc_depth_decode_binance_ws)", n, t_dec, -1);
  xc_bench_report("W1 decode only, normalised numbers", n, t_norm, -1);
  xc_bench_report("W1 decode with the general reader (xc_json)", n, t_gen, -1);
  xc_bench_report("W1 apply only (xc_book_apply, pre-decoded)", n, t_app, -1);
  printf("%-44s %10.1f ns/level (%.1f levels/msg)\n", "W1 apply per level", (double)t_app / (double)total,
         (double)total / (double)n);
  xc_bench_report("W1 decode+apply (xc_book_feed)", n, t_feed, allocs);
  printf("%-44s %10.2f GB/s, %.2fx the byte-scan floor\n", "W1 decode+apply rate", (double)s.bytes / (double)t_feed,
         (double)t_feed / (double)t_scan);
  free(store);
  free(msgs);
  xc_json_free(&gj);

  /* per-message latency distribution (one pass, clock read included) */
  uint64_t *lat = malloc(n * sizeof *lat);
  uint64_t c0 = xc_bench_now_ns(), clk = 0;
  for (int i = 0; i < 1000; i++) clk = xc_bench_now_ns();
  uint64_t clock_ns = (clk - c0) / 1000;
  b = ready_book(snap, snap_len);
  for (size_t i = 0; i < n; i++) {
    uint64_t t0 = xc_bench_now_ns();
    xc_book_feed(b, s.data + s.off[i], s.len[i], (int64_t)i, NULL);
    lat[i] = xc_bench_now_ns() - t0;
  }
  xc_book_free(b);
  qsort(lat, n, sizeof *lat, cmp_u64);
  printf("%-44s %10llu ns median, %llu ns p99, %llu ns p99.9 (clock read ~%llu ns included)\n",
         "W1 decode+apply per message", (unsigned long long)lat[n / 2], (unsigned long long)lat[n * 99 / 100],
         (unsigned long long)lat[n * 999 / 1000], (unsigned long long)clock_ns);
  free(lat);

  /* readers: lock-free BBO and top-20 */
  b = ready_book(snap, snap_len);
  for (size_t i = 0; i < 1000 && i < n; i++) xc_book_feed(b, s.data + s.off[i], s.len[i], (int64_t)i, NULL);
  const int R = 2000000;
  xc_book_bbo q;
  uint64_t t0 = xc_bench_now_ns();
  for (int i = 0; i < R; i++) {
    xc_book_bbo_get(b, &q);
    XC_BENCH_KEEP(q.bid_price.coef);
  }
  xc_bench_report("reader: xc_book_bbo_get (xc_dec)", R, xc_bench_now_ns() - t0, -1);
  int64_t bid = 0, ask = 0;
  int places = 0;
  t0 = xc_bench_now_ns();
  for (int i = 0; i < R; i++) {
    xc_book_bbo_ticks(b, &bid, &ask, &places);
    XC_BENCH_KEEP(bid);
  }
  xc_bench_report("reader: xc_book_bbo_ticks (int64)", R, xc_bench_now_ns() - t0, -1);
  static xc_book_top top;
  t0 = xc_bench_now_ns();
  for (int i = 0; i < R / 10; i++) {
    xc_book_top_copy(b, 20, &top);
    XC_BENCH_KEEP(top.nbids);
  }
  xc_bench_report("reader: xc_book_top_copy(20)", R / 10, xc_bench_now_ns() - t0, -1);
  static xc_book_level lv[2][1000];
  uint32_t nb, na;
  t0 = xc_bench_now_ns();
  for (int i = 0; i < 2000; i++) xc_book_copy(b, lv[0], 1000, &nb, lv[1], 1000, &na);
  xc_bench_report("reader: xc_book_copy (whole book, mutex)", 2000, xc_bench_now_ns() - t0, -1);
  xc_book_free(b);
  free(snap);
  free(s.data);
  free(s.off);
  free(s.len);
}

static void w2(int levels) {
  size_t len;
  char *snap = gen_snapshot(levels, 1000, &len);
  xc_book *b = new_book(XC_BOOK_BINANCE_SPOT);
  xc_book_feed_snapshot(b, snap, len, 0, NULL); /* warm-up: arrays reach their size */
  enum { RUNS = 41 };
  uint64_t t[RUNS];
  uint64_t a0 = xc_bench_allocs();
  for (int r = 0; r < RUNS; r++) {
    xc_book_reset(b, 0);
    uint64_t t0 = xc_bench_now_ns();
    xc_book_feed_snapshot(b, snap, len, 0, NULL);
    t[r] = xc_bench_now_ns() - t0;
  }
  uint64_t a1 = xc_bench_allocs();
  qsort(t, RUNS, sizeof t[0], cmp_u64);
  char name[96];
  snprintf(name, sizeof name, "W2 snapshot %d/side (%zu KB) decode+load", levels, len / 1024);
  printf("%-44s %10.1f us median, %.1f us min, %.2f allocs/load, %u+%u levels\n", name, (double)t[RUNS / 2] / 1e3,
         (double)t[0] / 1e3, (double)(a1 - a0) / RUNS, xc_book_levels(b, XC_BOOK_BID), xc_book_levels(b, XC_BOOK_ASK));
  xc_book_free(b);
  free(snap);
}

static void w3(size_t n) {
  /* orderbook.200 snapshot then deltas (u + 1 each), 1-20 levels per delta */
  char *buf = malloc(n * 1000 + 20000);
  size_t *off = malloc((n + 1) * sizeof *off), *len = malloc((n + 1) * sizeof *len), pos = 0;
  long long midt = 3000000; /* 30000.0 in 0.1 ticks */
  for (size_t i = 0; i <= n; i++) {
    char *o = buf + pos;
    int l = sprintf(o, "{\"topic\":\"orderbook.200.BTCUSDT\",\"type\":\"%s\",\"ts\":%lld,\"data\":{\"s\":\"BTCUSDT\",\"b\":[",
                    i ? "delta" : "snapshot", 1700000000000LL + (long long)i * 20);
    int nl = i ? 1 + (int)(next() % 20) : 200;
    for (int pass = 0; pass < 2; pass++) {
      for (int k = 0; k < nl; k++) {
        long long offt = i ? 1 + (long long)floor(-log(1.0 - unif()) * 30.0) : k + 1;
        long long px = pass == 0 ? midt - offt : midt + offt;
        long long q = (i && unif() < 0.15) ? 0 : 1 + (long long)(next() % 100000);
        l += sprintf(o + l, "%s[\"%lld.%lld\",\"%lld.%03lld\"]", k ? "," : "", px / 10, px % 10, q / 1000, q % 1000);
      }
      l += sprintf(o + l, pass == 0 ? "],\"a\":[" : "],");
    }
    l += sprintf(o + l, "\"u\":%zu,\"seq\":%zu},\"cts\":%lld}", 1000 + i, 500000 + i * 3, 1700000000000LL + (long long)i * 20);
    off[i] = pos;
    len[i] = (size_t)l;
    pos += (size_t)l;
  }
  xc_book *b = new_book(XC_BOOK_BYBIT);
  for (size_t i = 0; i <= n; i++) xc_book_feed(b, buf + off[i], len[i], (int64_t)i, NULL);
  print_book("W3 correctness", b);
  xc_book_free(b);
  /* chunked best-of-passes, as in W1 */
  size_t nch = (n + CHUNK - 1) / CHUNK;
  uint64_t *bestc = malloc(nch * sizeof *bestc);
  for (size_t k = 0; k < nch; k++) bestc[k] = UINT64_MAX;
  double allocs = 0;
  for (int r = 0; r < PASSES; r++) {
    b = new_book(XC_BOOK_BYBIT);
    xc_book_feed(b, buf + off[0], len[0], 0, NULL);
    uint64_t a0 = xc_bench_allocs();
    for (size_t k = 0; k < nch; k++) {
      size_t lo = 1 + k * CHUNK, hi = lo + CHUNK <= n + 1 ? lo + CHUNK : n + 1;
      uint64_t t0 = xc_bench_now_ns();
      for (size_t i = lo; i < hi; i++) xc_book_feed(b, buf + off[i], len[i], (int64_t)i, NULL);
      uint64_t dt = xc_bench_now_ns() - t0;
      if (dt < bestc[k]) bestc[k] = dt;
    }
    allocs = (double)(xc_bench_allocs() - a0) / (double)n;
    xc_book_free(b);
  }
  uint64_t best = 0;
  for (size_t k = 0; k < nch; k++) best += bestc[k];
  free(bestc);
  printf("W3: Bybit orderbook.200 snapshot (%zu B) + %zu deltas, %.0f B average\n", len[0], n,
         (double)(pos - len[0]) / (double)n);
  xc_bench_report("W3 Bybit delta decode+apply", n, best, allocs);
  enum { RUNS = 41 };
  uint64_t t[RUNS];
  b = new_book(XC_BOOK_BYBIT);
  for (int r = 0; r < RUNS; r++) {
    uint64_t t0 = xc_bench_now_ns();
    xc_book_feed(b, buf + off[0], len[0], 0, NULL);
    t[r] = xc_bench_now_ns() - t0;
  }
  qsort(t, RUNS, sizeof t[0], cmp_u64);
  printf("%-44s %10.1f us median\n", "W3 Bybit snapshot 200/side decode+load", (double)t[RUNS / 2] / 1e3);
  xc_book_free(b);
  free(buf);
  free(off);
  free(len);
}

static void general_decode(const char *p, size_t len) {
  if (xc_json_parse(&gj, p, len) != XC_OK) return;
  int64_t U = 0, u = 0;
  xc_json_get_i64(&gj, 0, "U", &U);
  xc_json_get_i64(&gj, 0, "u", &u);
  gchk += (uint64_t)(U + u);
  for (int side = 0; side < 2; side++) {
    int arr = xc_json_get(&gj, 0, side ? "a" : "b");
    for (int l = xc_json_first(&gj, arr); l >= 0; l = xc_json_next(&gj, l)) {
      xc_dec px, qty;
      if (xc_json_dec_pair(&gj, l, &px, &qty) == XC_OK) gchk += (uint64_t)px.coef ^ (uint64_t)qty.coef;
    }
  }
}

/* BENCH_BOOK_ONLY=none|decode|general|feed: one phase only, for cycle counting with perf stat. */
static void only(const char *what, size_t n) {
  xc_json_init(&gj);
  stream s = {0};
  gen_binance(&s, n, 1001);
  size_t snap_len;
  char *snap = gen_snapshot(1000, 1000, &snap_len);
  xc_book *b = ready_book(snap, snap_len);
  xc_depth_dec d;
  xc_depth_dec_init(&d);
  d.px_scale = W1_PX_SCALE;
  d.qty_scale = W1_QTY_SCALE;
  xc_depth_msg m;
  for (int r = 0; r < 5; r++) {
    if (r) {
      xc_book_free(b);
      b = ready_book(snap, snap_len);
    }
    for (size_t i = 0; i < n; i++) {
      if (strcmp(what, "decode") == 0) xc_depth_decode_binance_ws(&d, s.data + s.off[i], s.len[i], &m);
      else if (strcmp(what, "general") == 0) general_decode(s.data + s.off[i], s.len[i]);
      else if (strcmp(what, "feed") == 0) xc_book_feed(b, s.data + s.off[i], s.len[i], (int64_t)i, NULL);
    }
  }
  print_book("only", b);
  XC_BENCH_KEEP(gchk);
  xc_depth_dec_free(&d);
  xc_book_free(b);
}

/* Writes the W1 snapshot and stream (one message per line) and the W2 snapshots to DIR for the
 * peer run in the same invocation (bench/ccxt_w1.mjs, started by scripts/bench.sh). */
static int dump(const char *dir, size_t n) {
  stream s = {0};
  gen_binance(&s, n, 1001);
  size_t snap_len;
  char *snap = gen_snapshot(1000, 1000, &snap_len);
  char path[4096];
  snprintf(path, sizeof path, "%s/w1_snapshot.json", dir);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(snap, 1, snap_len, f) != snap_len || fclose(f) != 0) {
    fprintf(stderr, "bench_book: cannot write %s\n", path);
    return 1;
  }
  snprintf(path, sizeof path, "%s/w1_stream.jsonl", dir);
  f = fopen(path, "wb");
  if (!f) {
    fprintf(stderr, "bench_book: cannot write %s\n", path);
    return 1;
  }
  for (size_t i = 0; i < s.n; i++) {
    fwrite(s.data + s.off[i], 1, s.len[i], f);
    fputc('\n', f);
  }
  if (fclose(f) != 0) return 1;
  /* the W2 snapshots, generated in the order main() generates them (same bytes) */
  for (int k = 0; k < 2; k++) {
    int levels = k ? 5000 : 1000;
    size_t l2;
    char *s2 = gen_snapshot(levels, 1000, &l2);
    snprintf(path, sizeof path, "%s/w2_snapshot_%d.json", dir, levels);
    f = fopen(path, "wb");
    if (!f || fwrite(s2, 1, l2, f) != l2 || fclose(f) != 0) {
      fprintf(stderr, "bench_book: cannot write %s\n", path);
      return 1;
    }
    free(s2);
  }
  free(snap);
  free(s.data);
  free(s.off);
  free(s.len);
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 2 && strcmp(argv[1], "--dump") == 0)
    return dump(argv[2], argc > 3 ? (size_t)strtoull(argv[3], NULL, 10) : 100000);
  size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 100000;
  if (n < 1000) n = 1000;
  if (getenv("BENCH_BOOK_ONLY")) {
    only(getenv("BENCH_BOOK_ONLY"), n);
    return 0;
  }
  w1(n);
  w2(1000);
  w2(5000);
  w3(n / 2);
  return 0;
}
