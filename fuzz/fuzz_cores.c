/* libFuzzer target for the sans-I/O control cores. The input is a program: each step reads an
 * opcode byte and a few argument bytes and drives the rate limiter (incl. the Binance header parser
 * on arbitrary name/value bytes), the circuit breaker, clock sync, the order state machine with its
 * dedup set, and the venue status maps on arbitrary strings. Invariants are checked after every
 * step (abort on violation): filled quantities never decrease, terminal order statuses stick, a
 * freshly inserted id is present, the dedup set stays within capacity, FAIL-mode grants are
 * immediate, waits are never negative, a request timestamp is never ahead of clocksync's own
 * venue-time estimate, breaker states are valid. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/breaker.h"
#include "core/clocksync.h"
#include "core/ratelimit.h"
#include "orders/dedup.h"
#include "orders/fsm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) abort(); } while (0)

typedef struct rd {
  const uint8_t *p;
  size_t n;
} rd;

static uint32_t u8(rd *r) {
  if (!r->n) return 0;
  r->n--;
  return *r->p++;
}
static uint32_t u16(rd *r) { return u8(r) | (u8(r) << 8); }
static uint32_t u32(rd *r) { return u16(r) | (u16(r) << 16); }
/* A slice of up to max bytes. */
static const char *bytes(rd *r, size_t *len, size_t max) {
  size_t l = u8(r);
  if (l > max) l = max;
  if (l > r->n) l = r->n;
  const char *s = (const char *)r->p;
  r->p += l;
  r->n -= l;
  *len = l;
  return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 14) return 0;
  rd r = {data, size};
  xc_rl_opts ro;
  xc_rl_opts_default(&ro);
  ro.edge_ms = u8(&r);
  xc_rl *rl = NULL;
  CHECK(xc_rl_new(&ro, &rl) == XC_OK);
  CHECK(xc_rl_add_binance_defaults(rl, u8(&r) & 1) == XC_OK);
  CHECK(xc_rl_add_bybit_defaults(rl, (u8(&r) & 1) ? "spot" : "linear") == XC_OK);
  xc_breaker br;
  xc_breaker_opts bo;
  xc_breaker_opts_default(&bo);
  bo.consecutive_failures = 1 + u8(&r) % 6;
  bo.min_samples = 1 + u8(&r) % 10;
  bo.half_open_probes = 1 + u8(&r) % 3;
  CHECK(xc_breaker_init(&br, &bo) == XC_OK);
  xc_clocksync cs;
  CHECK(xc_clocksync_init(&cs, NULL) == XC_OK);
  xc_dedup *dd = NULL;
  CHECK(xc_dedup_new(1 + u8(&r) % 16, &dd) == XC_OK);
  xc_order_fsm f;
  xc_order_fsm_init(&f, XC_DEC_ZERO);

  int64_t now = 1700000000000LL;
  bool raised = false; /* a venue count or a lowered limit may legitimately exceed our budget */
  uint64_t mono = 1000;
  for (int step = 0; step < 2000 && r.n; step++) {
    xc_order_status before = f.status;
    xc_dec filled_before = f.filled;
    uint32_t op = u8(&r) % 16;
    int64_t wait = -1;
    switch (op) {
    case 0: /* time passes */
      now += u16(&r);
      mono += u16(&r);
      break;
    case 1:
    case 2: { /* acquire */
      xc_rl_req q = {.weight = u8(&r), .orders = u8(&r) % 4, .endpoint = (int)(u8(&r) % 24) - 4,
                     .endpoint_cost = u8(&r) % 4};
      if (q.endpoint >= (int)xc_rl_count(rl)) q.endpoint = -1;
      xc_rl_mode mode = op == 1 ? XC_RL_FAIL : XC_RL_WAIT;
      xc_status st = xc_rl_acquire_req(rl, now, &q, mode, &wait);
      CHECK(wait >= 0);
      if (st == XC_OK && mode == XC_RL_FAIL) CHECK(wait == 0);
      if (st == XC_OK) CHECK(wait <= ro.max_wait_ms);
      if (st == XC_OK && (u8(&r) & 3) == 0) {
        CHECK(xc_rl_refund(rl, &q, now + wait) == XC_OK || (q.weight == 0 && q.orders == 0));
        break;
      }
      if (st == XC_OK && !raised) {
        /* our own grants never overfill a fixed window */
        for (size_t i = 0; i < xc_rl_count(rl); i++) {
          xc_rl_info in;
          CHECK(xc_rl_info_get(rl, (int)i, now + wait, &in) == XC_OK);
          if (in.window == XC_RL_FIXED) CHECK(in.used <= in.limit);
        }
      }
      break;
    }
    case 3: { /* a Binance response header: arbitrary bytes */
      size_t nl, vl;
      const char *n = bytes(&r, &nl, 40);
      const char *v = bytes(&r, &vl, 24);
      int64_t sent = now - u8(&r);
      raised |= xc_rl_binance_header(rl, n, nl, v, vl, sent, now) == XC_OK;
      break;
    }
    case 4: { /* venue status codes */
      int code = (int)u16(&r) % 600;
      int64_t ra = (int64_t)(int16_t)u16(&r);
      if (u8(&r) & 1) xc_rl_binance_http(rl, now, code, ra);
      else xc_rl_bybit_http(rl, now, code);
      break;
    }
    case 5: { /* Bybit headers / 10006 */
      int ep = (int)(u8(&r) % 24);
      int64_t lim = (int64_t)(u8(&r)) - 10, rem = (int64_t)(u8(&r)) - 10;
      int64_t reset = now + (int64_t)(int16_t)u16(&r);
      if (ep < (int)xc_rl_count(rl)) {
        xc_rl_info in;
        CHECK(xc_rl_info_get(rl, ep, now, &in) == XC_OK);
        if (in.kind == XC_RL_ENDPOINT) CHECK(xc_rl_bybit_headers(rl, ep, now, lim, rem, reset) == XC_OK);
        raised = true;
      }
      xc_rl_bybit_limited(rl, (int)(u8(&r) % 30) - 5, now, reset);
      break;
    }
    case 6: { /* breaker */
      xc_status st = -(int)(u8(&r) % 40);
      if (u8(&r) & 1) (void)xc_breaker_allow(&br, mono);
      uint32_t back = u8(&r);
      if (back & 1) xc_breaker_record(&br, mono, st);
      else xc_breaker_record_started(&br, mono, mono - (back >> 1) * 50, st);
      xc_breaker_state s = xc_breaker_poll(&br, mono);
      CHECK(s == XC_BREAKER_CLOSED || s == XC_BREAKER_OPEN || s == XC_BREAKER_HALF_OPEN);
      xc_breaker_stats bs;
      xc_breaker_stats_get(&br, mono, &bs);
      CHECK(bs.window_failures <= bs.window_total);
      CHECK(bs.probes_in_flight <= bo.half_open_probes);
      break;
    }
    case 7: { /* clock sample */
      int64_t rtt = u16(&r) % 4000;
      int64_t server = now + (int64_t)(int32_t)u32(&r) % 100000;
      (void)xc_clocksync_add_sample(&cs, now, server, now + rtt, NULL);
      if (u8(&r) & 1) xc_clocksync_on_timestamp_error(&cs);
      CHECK(xc_clocksync_timestamp(&cs, now) <= xc_clocksync_server_now(&cs, now));
      break;
    }
    case 8:
    case 9: { /* order update */
      xc_order_status to = (xc_order_status)(u8(&r) % 9);
      xc_dec cum;
      CHECK(xc_dec_from_i64((int64_t)u8(&r), -(int)(u8(&r) % 3), &cum) == XC_OK);
      unsigned ch;
      (void)xc_order_fsm_apply(&f, to, (u8(&r) & 1) ? &cum : NULL, &ch);
      break;
    }
    case 10: { /* fill */
      size_t il;
      const char *id = bytes(&r, &il, 80);
      xc_dec q;
      CHECK(xc_dec_from_i64((int64_t)u8(&r), -1, &q) == XC_OK);
      unsigned ch;
      xc_status st = xc_order_fsm_fill(&f, dd, id, il, q, &ch);
      if (st == XC_OK && il) CHECK(xc_dedup_contains(dd, id, il));
      CHECK(xc_dedup_size(dd) <= xc_dedup_capacity(dd));
      break;
    }
    case 11:
      if (u8(&r) & 1) (void)xc_order_fsm_cancel_requested(&f);
      else (void)xc_order_fsm_cancel_failed(&f);
      break;
    case 12: { /* venue status strings */
      size_t l;
      const char *s = bytes(&r, &l, 32);
      xc_order_status st;
      if (xc_order_status_from_binance(s, l, &st) == XC_OK) CHECK((unsigned)st < 8);
      if (xc_order_status_from_bybit(s, l, &st) == XC_OK) CHECK((unsigned)st < 8);
      break;
    }
    case 13: { /* dedup directly */
      size_t l;
      const char *s = bytes(&r, &l, 100);
      xc_status st = xc_dedup_insert(dd, s, l);
      if (l) CHECK((st == XC_OK || st == XC_EDUPLICATE) && xc_dedup_contains(dd, s, l));
      break;
    }
    case 14: { /* exchangeInfo limits */
      static const char *types[] = {"REQUEST_WEIGHT", "ORDERS", "RAW_REQUESTS", "CONNECTIONS"};
      static const char *ivs[] = {"SECOND", "MINUTE", "HOUR", "DAY"};
      const char *t = types[u8(&r) % 4], *iv = ivs[u8(&r) % 4];
      xc_rl_kind k;
      int64_t ims;
      if (xc_rl_binance_parse(t, strlen(t), iv, strlen(iv), 1 + u8(&r) % 10, &k, &ims) == XC_OK)
        raised |= xc_rl_add(rl, k, XC_RL_FIXED, ims, 1 + u16(&r), NULL, NULL) == XC_OK;
      break;
    }
    default: { /* queries */
      for (size_t i = 0; i < xc_rl_count(rl); i++) {
        xc_rl_info in;
        CHECK(xc_rl_info_get(rl, (int)i, now, &in) == XC_OK);
        CHECK(in.remaining <= in.limit);
      }
      (void)xc_rl_headroom(rl, now, (xc_rl_kind)(u8(&r) % 5), 0);
      break;
    }
    }
    CHECK(xc_dec_cmp(f.filled, filled_before) >= 0);
    if (xc_order_status_is_final(before)) CHECK(f.status == before);
  }
  xc_rl_free(rl);
  xc_dedup_free(dd);
  return 0;
}
