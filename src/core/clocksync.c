#include "core/clocksync.h"

#include <string.h>

void xc_clocksync_opts_default(xc_clocksync_opts *o) {
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->samples = 8;
  o->best = 3;
  o->min_samples = 3;
  o->max_rtt_ms = 3000;
  o->outlier_ms = 50;
  o->shift_confirm = 3;
  o->refresh_ms = 60000;
  o->bias_ms = 0;
}

xc_status xc_clocksync_init(xc_clocksync *cs, const xc_clocksync_opts *o) {
  if (!cs) return XC_EINVAL;
  xc_clocksync_opts d;
  xc_clocksync_opts_default(&d);
  if (!o) o = &d;
  if (o->samples == 0 || o->samples > XC_CLOCKSYNC_MAX_SAMPLES || o->best == 0 || o->best > o->samples ||
      o->shift_confirm == 0 || o->shift_confirm > XC_CLOCKSYNC_MAX_CONFIRM || o->max_rtt_ms <= 0 ||
      o->outlier_ms < 0 || o->refresh_ms <= 0 || o->bias_ms < 0 || o->min_samples > o->samples)
    return XC_EINVAL;
  memset(cs, 0, sizeof *cs);
  cs->o = *o;
  return XC_OK;
}

static int64_t midpoint(int64_t a, int64_t b) { return a + (b - a) / 2; }

/* Recomputes the estimate from the kept samples: median offset of the `best` lowest-RTT ones. */
static void estimate(xc_clocksync *cs) {
  cs->have = cs->n > 0;
  if (!cs->have) return;
  xc_clocksync_sample v[XC_CLOCKSYNC_MAX_SAMPLES];
  memcpy(v, cs->s, sizeof(v[0]) * cs->n);
  uint32_t n = cs->n;
  /* sort by rtt (insertion sort, n <= 32); ties: newer first */
  for (uint32_t i = 1; i < n; i++) {
    xc_clocksync_sample x = v[i];
    uint32_t j = i;
    while (j > 0 && (v[j - 1].rtt > x.rtt || (v[j - 1].rtt == x.rtt && v[j - 1].at < x.at))) {
      v[j] = v[j - 1];
      j--;
    }
    v[j] = x;
  }
  uint32_t k = cs->o.best < n ? cs->o.best : n;
  int64_t off[XC_CLOCKSYNC_MAX_SAMPLES];
  int64_t maxrtt = 0;
  for (uint32_t i = 0; i < k; i++) {
    off[i] = v[i].offset;
    if (v[i].rtt > maxrtt) maxrtt = v[i].rtt;
  }
  for (uint32_t i = 1; i < k; i++) {
    int64_t x = off[i];
    uint32_t j = i;
    while (j > 0 && off[j - 1] > x) {
      off[j] = off[j - 1];
      j--;
    }
    off[j] = x;
  }
  cs->offset = (k & 1) ? off[k / 2] : midpoint(off[k / 2 - 1], off[k / 2]);
  cs->unc = (maxrtt + 1) / 2 + 1;
}

static void push(xc_clocksync *cs, xc_clocksync_sample x) {
  cs->s[cs->head] = x;
  cs->head = (cs->head + 1) % cs->o.samples;
  if (cs->n < cs->o.samples) cs->n++;
}

static void restart(xc_clocksync *cs) {
  cs->n = cs->head = 0;
  cs->npend = 0;
  cs->since_reset = 0;
  cs->have = false;
}

static int64_t absdiff(int64_t a, int64_t b) { return a > b ? a - b : b - a; }

xc_status xc_clocksync_add_sample(xc_clocksync *cs, int64_t t_send, int64_t server_ms, int64_t t_recv,
                                  xc_clocksync_verdict *verdict) {
  if (verdict) *verdict = XC_CLOCKSYNC_ACCEPTED;
  if (!cs || t_recv < t_send) return XC_EINVAL;
  int64_t rtt = t_recv - t_send;
  if (rtt > cs->o.max_rtt_ms) {
    cs->n_refused++;
    return XC_ERANGE;
  }
  xc_clocksync_sample x = {.offset = server_ms - midpoint(t_send, t_recv), .rtt = rtt, .at = t_recv};
  cs->last_at = t_recv;
  if (cs->distrust) {
    cs->distrust = false;
    restart(cs);
  }
  if (cs->have) {
    int64_t half = (rtt + 1) / 2 + 1;
    if (absdiff(x.offset, cs->offset) > half + cs->unc + cs->o.outlier_ms) {
      cs->n_outliers++;
      /* does it agree with the outliers held so far? if not, start the run afresh from it */
      for (uint32_t i = 0; i < cs->npend; i++) {
        const xc_clocksync_sample *p = &cs->pend[i];
        if (absdiff(p->offset, x.offset) > half + (p->rtt + 1) / 2 + 1 + cs->o.outlier_ms) {
          cs->npend = 0;
          break;
        }
      }
      cs->pend[cs->npend++] = x;
      if (cs->npend < cs->o.shift_confirm) {
        if (verdict) *verdict = XC_CLOCKSYNC_OUTLIER;
        return XC_OK;
      }
      /* confirmed clock step: the held outliers become the samples */
      xc_clocksync_sample held[XC_CLOCKSYNC_MAX_CONFIRM];
      uint32_t nh = cs->npend;
      memcpy(held, cs->pend, sizeof(held[0]) * nh);
      restart(cs);
      for (uint32_t i = 0; i < nh; i++) push(cs, held[i]);
      cs->since_reset = nh;
      cs->n_shifts++;
      cs->n_accepted += nh;
      estimate(cs);
      if (verdict) *verdict = XC_CLOCKSYNC_SHIFTED;
      return XC_OK;
    }
  }
  cs->npend = 0;
  push(cs, x);
  if (cs->since_reset < UINT32_MAX) cs->since_reset++;
  cs->n_accepted++;
  estimate(cs);
  return XC_OK;
}

xc_status xc_clocksync_offset(const xc_clocksync *cs, int64_t *offset_ms, int64_t *uncertainty_ms) {
  if (!cs || !cs->have) return XC_ENOTFOUND;
  if (offset_ms) *offset_ms = cs->offset;
  if (uncertainty_ms) *uncertainty_ms = cs->unc;
  return XC_OK;
}

int64_t xc_clocksync_server_now(const xc_clocksync *cs, int64_t local_now) {
  return cs && cs->have ? local_now + cs->offset : local_now;
}

int64_t xc_clocksync_timestamp(const xc_clocksync *cs, int64_t local_now) {
  if (!cs) return local_now;
  if (!cs->have) return local_now - cs->o.bias_ms;
  return local_now + cs->offset - cs->unc - cs->o.bias_ms;
}

bool xc_clocksync_needs_refresh(const xc_clocksync *cs, int64_t local_now) {
  if (!cs) return false;
  if (!cs->have || cs->distrust || cs->since_reset < cs->o.min_samples) return true;
  return local_now - cs->last_at >= cs->o.refresh_ms;
}

void xc_clocksync_on_timestamp_error(xc_clocksync *cs) {
  if (cs) cs->distrust = true;
}

void xc_clocksync_stats_get(const xc_clocksync *cs, xc_clocksync_stats *st) {
  if (!st) return;
  memset(st, 0, sizeof *st);
  if (!cs) return;
  st->have = cs->have;
  st->offset_ms = cs->offset;
  st->uncertainty_ms = cs->unc;
  st->samples = cs->n;
  st->last_sample_ms = cs->last_at;
  st->accepted = cs->n_accepted;
  st->outliers = cs->n_outliers;
  st->refused = cs->n_refused;
  st->shifts = cs->n_shifts;
}
