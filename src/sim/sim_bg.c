/* The seeded background market: "other traders" that place, cancel and cross orders on every
 * market so books move, trades print and resting user orders fill.
 *
 * Determinism: each market has its own xoshiro256** stream seeded from (seed, market index); a
 * tick performs opts.bg_actions actions per market in market order. Actions depend only on the
 * stream and on the book, so the same seed and the same sequence of user requests (relative to
 * ticks) give the same trades. With opts.bg_manual the market moves only on xc_sim_bg_step(). */
#include <string.h>

#include "sim/sim_core.h"

#define BG_MIN_LEVELS 8

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rnd(uint64_t s[4]) {
  uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return r;
}

static int64_t rint_(uint64_t s[4], int64_t n) { return n > 0 ? (int64_t)(rnd(s) % (uint64_t)n) : 0; }

static int64_t ticks_of(const xc__sim_mkt *m, xc_dec v) {
  int64_t t = 0;
  xc_dec_to_ticks(v, m->in.tick, XC_ROUND_HALF_EVEN, &t);
  return t;
}

/* price gap between background levels: about 1 basis point, at least one tick */
static int64_t gap_of(const xc__sim_mkt *m) {
  int64_t g = m->bg_mid / 10000;
  return g < 1 ? 1 : g;
}

static void ensure_levels(xc__sim_mkt *m) {
  int64_t gap = gap_of(m);
  for (int s = 0; s < 2; s++) {
    int k = 1;
    while (m->side[s].n < BG_MIN_LEVELS && m->nbg < m->sim->bg_max_orders && k < 64) {
      int64_t ref;
      const sim_book_side *sd = &m->side[s];
      if (sd->n) ref = sd->lv[0].px; /* the worst level: extend outward */
      else ref = m->bg_mid;
      int64_t px = s == XC__SIM_BUY ? ref - gap : ref + gap;
      if (px <= 0) break;
      xc__sim_bg_place(m, (xc__sim_side)s, px, m->bg_lot * (1 + rint_(m->rng, 4)), false);
      k++;
    }
  }
}

void xc__sim_bg_init(xc_sim *sim) {
  for (int i = 0; i < sim->nmkts; i++) {
    xc__sim_mkt *m = sim->mkts[i];
    uint64_t s = sim->opts.seed * 1000003u + (uint64_t)i * 7919u + 1;
    for (int k = 0; k < 4; k++) m->rng[k] = xc__sim_splitmix(&s);
    m->bg_mid = ticks_of(m, m->in.init_price);
    if (m->bg_mid < 100) m->bg_mid = 100;
    /* typical order: ~3x the minimum notional, at least the minimum quantity */
    xc_dec notional, q;
    xc_dec_mul(m->in.min_notional, (xc_dec){3, 0}, &notional);
    int64_t lots = 1, minlots = 1;
    if (xc_dec_div(notional, m->in.init_price, 12, XC_ROUND_UP, &q) == XC_OK)
      xc_dec_to_ticks(q, m->in.step, XC_ROUND_UP, &lots);
    xc_dec_to_ticks(m->in.min_qty, m->in.step, XC_ROUND_UP, &minlots);
    if (lots < minlots) lots = minlots;
    if (lots < 1) lots = 1;
    m->bg_lot = lots;
    /* seed the book: levels on both sides around the mid (a quiet simulator, bg_actions 0,
     * starts with empty books: engine tests rely on it) */
    if (!sim->opts.bg_actions) continue;
    xc__sim_action_begin(sim);
    int64_t gap = gap_of(m);
    for (int k = 1; k <= 20; k++) {
      xc__sim_bg_place(m, XC__SIM_BUY, m->bg_mid - gap * k, lots * (1 + rint_(m->rng, 5)), false);
      xc__sim_bg_place(m, XC__SIM_SELL, m->bg_mid + gap * k, lots * (1 + rint_(m->rng, 5)), false);
    }
    xc__sim_action_end(sim);
  }
}

static void bg_action(xc__sim_mkt *m) {
  uint64_t *r = m->rng;
  int64_t gap = gap_of(m);
  int64_t roll = rint_(r, 100);
  int side = (int)rint_(r, 2);
  const sim_book_side *bids = &m->side[XC__SIM_BUY], *asks = &m->side[XC__SIM_SELL];
  int64_t bb = bids->n ? bids->lv[bids->n - 1].px : m->bg_mid - gap;
  int64_t ba = asks->n ? asks->lv[asks->n - 1].px : m->bg_mid + gap;
  if (roll < 45) {
    /* passive order: at or behind the touch, sometimes inside the spread */
    int64_t d = rint_(r, 12);
    int64_t px;
    if (side == XC__SIM_BUY) {
      px = d == 0 && ba - bb > 1 ? bb + 1 : bb - gap * (d - 1 > 0 ? d - 1 : 0);
      if (px >= ba) px = ba - 1;
    } else {
      px = d == 0 && ba - bb > 1 ? ba - 1 : ba + gap * (d - 1 > 0 ? d - 1 : 0);
      if (px <= bb) px = bb + 1;
    }
    if (m->nbg < m->sim->bg_max_orders && px > 0)
      xc__sim_bg_place(m, (xc__sim_side)side, px, m->bg_lot * (1 + rint_(r, 5)), false);
  } else if (roll < 75) {
    if (m->nbg > 0) xc__sim_bg_cancel(m, m->bg_orders[rint_(r, m->nbg)]);
  } else if (roll < 95) {
    /* aggressive: crosses the touch by up to two gaps */
    int64_t px = side == XC__SIM_BUY ? ba + gap * rint_(r, 3) : bb - gap * rint_(r, 3);
    if (px > 0) xc__sim_bg_place(m, (xc__sim_side)side, px, m->bg_lot * (1 + rint_(r, 3)), true);
  } else {
    /* drift, pulled back toward the initial price */
    int64_t init = ticks_of(m, m->in.init_price);
    int64_t step = rint_(r, 3) - 1;
    if (m->bg_mid > init + init / 20) step = -1;
    if (m->bg_mid < init - init / 20) step = 1;
    m->bg_mid += step * gap;
  }
  /* cap the background book: cancel a random order when over the limit */
  while (m->nbg > m->sim->bg_max_orders) xc__sim_bg_cancel(m, m->bg_orders[rint_(r, m->nbg)]);
  bids = &m->side[XC__SIM_BUY];
  asks = &m->side[XC__SIM_SELL];
  if (bids->n && asks->n) m->bg_mid = (bids->lv[bids->n - 1].px + asks->lv[asks->n - 1].px) / 2;
}

void xc__sim_bg_tick(xc_sim *sim) { xc__sim_bg_tick_n(sim, sim->opts.bg_actions); }

void xc__sim_bg_tick_n(xc_sim *sim, uint32_t actions) {
  if (!actions) return;
  xc__sim_action_begin(sim);
  for (int i = 0; i < sim->nmkts; i++) {
    xc__sim_mkt *m = sim->mkts[i];
    for (uint32_t k = 0; k < actions; k++) bg_action(m);
    ensure_levels(m);
  }
  xc__sim_action_end(sim);
}
