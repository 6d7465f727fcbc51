#include "core/backoff.h"

#include <stddef.h>

uint64_t xc__rand64(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* Uniform integer in [lo, hi] (lo <= hi) without modulo bias worth caring about: rejection sampling. */
static uint64_t uniform(uint64_t *rng, uint64_t lo, uint64_t hi) {
  if (hi <= lo) return lo;
  uint64_t span = hi - lo;
  if (span == UINT64_MAX) return xc__rand64(rng);
  uint64_t n = span + 1;
  uint64_t limit = UINT64_MAX - (UINT64_MAX % n);
  uint64_t r;
  do {
    r = xc__rand64(rng);
  } while (r >= limit);
  return lo + r % n;
}

void xc_backoff_opts_default(xc_backoff_opts *o) {
  if (!o) return;
  o->base_ms = 500;
  o->cap_ms = 30000;
  o->factor = 2;
  o->jitter = XC_BACKOFF_FULL;
  o->seed = 0x5eed;
}

xc_status xc_backoff_init(xc_backoff *b, const xc_backoff_opts *o) {
  if (!b) return XC_EINVAL;
  xc_backoff_opts d;
  xc_backoff_opts_default(&d);
  if (!o) o = &d;
  if (o->base_ms == 0 || o->cap_ms < o->base_ms || o->factor == 0 ||
      (unsigned)o->jitter > (unsigned)XC_BACKOFF_NONE)
    return XC_EINVAL;
  b->o = *o;
  b->rng = o->seed;
  b->attempt = 0;
  b->prev_ms = o->base_ms;
  return XC_OK;
}

/* min(cap, base * factor^k) without overflow. */
static uint64_t grow(const xc_backoff_opts *o, uint32_t k) {
  uint64_t v = o->base_ms;
  for (uint32_t i = 0; i < k && v < o->cap_ms; i++) {
    if (o->factor == 1) break;
    if (v > o->cap_ms / o->factor) return o->cap_ms;
    v *= o->factor;
  }
  return v < o->cap_ms ? v : o->cap_ms;
}

uint64_t xc_backoff_ceiling(const xc_backoff *b, uint32_t n) {
  if (!b) return 0;
  if (b->o.jitter == XC_BACKOFF_NONE) return grow(&b->o, n);
  return grow(&b->o, n == UINT32_MAX ? n : n + 1);
}

uint64_t xc_backoff_next(xc_backoff *b) {
  if (!b) return 0;
  uint64_t d;
  switch (b->o.jitter) {
  case XC_BACKOFF_DECORRELATED: {
    uint64_t hi = b->prev_ms > b->o.cap_ms / 3 ? b->o.cap_ms : b->prev_ms * 3;
    if (hi < b->o.base_ms) hi = b->o.base_ms;
    d = uniform(&b->rng, b->o.base_ms, hi);
    break;
  }
  case XC_BACKOFF_NONE:
    d = grow(&b->o, b->attempt);
    break;
  case XC_BACKOFF_FULL:
  default:
    d = uniform(&b->rng, b->o.base_ms, xc_backoff_ceiling(b, b->attempt));
    break;
  }
  if (d > b->o.cap_ms) d = b->o.cap_ms;
  if (d < b->o.base_ms) d = b->o.base_ms;
  b->prev_ms = d;
  if (b->attempt < UINT32_MAX) b->attempt++;
  return d;
}

void xc_backoff_reset(xc_backoff *b) {
  if (!b) return;
  b->attempt = 0;
  b->prev_ms = b->o.base_ms;
}

uint32_t xc_backoff_attempt(const xc_backoff *b) { return b ? b->attempt : 0; }
