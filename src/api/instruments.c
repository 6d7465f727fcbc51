/* Instruments: loaded over REST per (venue, market) on first use, refreshed by a timer, read from
 * any thread under the client mutex; rounding helpers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/client_int.h"
#include "core/clock.h"
#include "core/json.h"

typedef struct load_ctx {
  xc_venue v;
  xc_market m;
} load_ctx;

static int cmp_instr(const void *a, const void *b) {
  return strcmp(((const xc_instrument *)a)->symbol, ((const xc_instrument *)b)->symbol);
}

static void loaded(xc_client *c, xc_status st, int hs, const char *body, size_t len, const char *msg, void *user) {
  load_ctx *lc = user;
  xc__instr_table *t = &c->instr[lc->v][lc->m];
  const xc__venue_desc *d = xc__venue_get(lc->v);
  xc_instrument *arr = NULL;
  size_t n = 0;
  char err[256] = "";
  if (st == XC_OK) {
    xc_json j;
    xc_json_init(&j);
    st = xc_json_parse(&j, body, len);
    if (st) snprintf(err, sizeof err, "instruments: %s", xc_json_errmsg(&j));
    else st = d->ops->parse_instruments(&j, lc->m, &arr, &n, err, sizeof err);
    /* The venue's announced request limits replace the documented defaults. */
    if (st == XC_OK && d->ops->rl_configure && c->rl[lc->v][lc->m]) d->ops->rl_configure(&j, lc->m, c->rl[lc->v][lc->m]);
    xc_json_free(&j);
  } else {
    snprintf(err, sizeof err, "instruments: %s", msg && msg[0] ? msg : xc_status_str(st));
  }
  (void)hs;
  if (st == XC_OK) qsort(arr, n, sizeof *arr, cmp_instr);
  pthread_mutex_lock(&c->mu);
  if (st == XC_OK) {
    free(t->arr);
    t->arr = arr;
    t->n = n;
    t->state = 2;
    t->loads++;
    t->err[0] = 0;
  } else {
    /* A failed refresh keeps the previous table. */
    t->state = t->loads ? 2 : 3;
    snprintf(t->err, sizeof t->err, "%s", err);
  }
  t->last = st;
  t->done++;
  pthread_cond_broadcast(&c->cv);
  pthread_mutex_unlock(&c->mu);
  free(lc);
}

void xc__instr_load(xc_client *c, xc_venue v, xc_market m) {
  const xc__venue_desc *d = xc__venue_get(v);
  if (!d) return;
  xc__instr_table *t = &c->instr[v][m];
  pthread_mutex_lock(&c->mu);
  bool busy = t->state == 1;
  int prev = t->state;
  if (!busy) t->state = 1;
  pthread_mutex_unlock(&c->mu);
  if (busy) return;
  load_ctx *lc = malloc(sizeof *lc);
  xc_status st = lc ? XC_OK : XC_ENOMEM;
  if (lc) {
    lc->v = v;
    lc->m = m;
    st = xc__client_rest_get(c, v, m, d->ops->instruments_path(m), d->ops->instruments_weight(m), loaded, lc);
  }
  if (st) {
    free(lc);
    pthread_mutex_lock(&c->mu);
    t->state = prev == 2 ? 2 : 3;
    t->last = st;
    snprintf(t->err, sizeof t->err, "instruments: %s", xc_status_str(st));
    t->done++;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
  }
}

void xc__instr_free_all(xc_client *c) {
  for (int v = 0; v < XC__NVENUES; v++)
    for (int m = 0; m < XC__NMARKETS; m++) {
      free(c->instr[v][m].arr);
      c->instr[v][m].arr = NULL;
    }
}

typedef struct load_cmd {
  xc_client *c;
  xc_venue v;
  xc_market m;
} load_cmd;

static void load_cmd_run(xc__engine *e, void *arg, bool cancelled) {
  (void)e;
  load_cmd *lc = arg;
  if (!cancelled) xc__instr_load(lc->c, lc->v, lc->m);
  free(lc);
}

/* Posts a load if none has run or is running (any thread). */
static xc_status ensure_loading(xc_client *c, xc_venue v, xc_market m) {
  load_cmd *lc = malloc(sizeof *lc);
  if (!lc) return XC_ENOMEM;
  lc->c = c;
  lc->v = v;
  lc->m = m;
  xc_status st = xc__engine_post(c->eng, load_cmd_run, lc);
  if (st) free(lc);
  return st;
}

xc_status xc_instrument_get(xc_client *c, xc_venue v, const char *symbol, xc_instrument *out) {
  if (!c || !symbol || !out) return XC_EINVAL;
  xc_symbol sy;
  if (xc_symbol_parse(symbol, &sy)) return xc__client_fail(c, XC_EINVAL, "bad symbol '%s'", symbol);
  if (!xc__venue_get(v)) return xc__client_fail(c, XC_ENOTSUP, "venue %s not supported", xc_venue_name(v));
  xc_market m = sy.market;
  xc__instr_table *t = &c->instr[v][m];
  bool on_engine = xc__engine_on_thread(c->eng);
  pthread_mutex_lock(&c->mu);
  if (t->state == 0 || t->state == 3) {
    if (on_engine) {
      pthread_mutex_unlock(&c->mu);
      xc__instr_load(c, v, m);
      return xc__client_fail(c, XC_EMISUSE, "instruments of %s %s not loaded yet (loading started)",
                             xc_venue_name(v), xc_market_name(m));
    }
    uint64_t done0 = t->done;
    pthread_mutex_unlock(&c->mu);
    xc_status pst = ensure_loading(c, v, m);
    if (pst) return xc__client_fail(c, pst, "cannot start the instrument load");
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t ns = (uint64_t)ts.tv_nsec + (uint64_t)(c->opts.request_timeout_ms + 70000) * 1000000ull;
    ts.tv_sec += (time_t)(ns / 1000000000ull);
    ts.tv_nsec = (long)(ns % 1000000000ull);
    pthread_mutex_lock(&c->mu);
    while (t->done == done0) { /* the load we started (or one already running) completes */
      if (atomic_load(&c->stopping)) {
        pthread_mutex_unlock(&c->mu);
        return xc__client_fail(c, XC_ECANCELED, "client shutting down");
      }
      if (pthread_cond_timedwait(&c->cv, &c->mu, &ts) != 0) {
        pthread_mutex_unlock(&c->mu);
        return xc__client_fail(c, XC_ETIMEDOUT, "instrument load timed out");
      }
    }
  } else if (t->state == 1) {
    if (on_engine) {
      pthread_mutex_unlock(&c->mu);
      return xc__client_fail(c, XC_EMISUSE, "instruments of %s %s still loading", xc_venue_name(v),
                             xc_market_name(m));
    }
    while (t->state == 1 && !atomic_load(&c->stopping)) pthread_cond_wait(&c->cv, &c->mu);
  }
  if (t->state != 2) {
    xc_status st = t->last ? t->last : XC_ECANCELED;
    char err[256];
    snprintf(err, sizeof err, "%s", t->err);
    pthread_mutex_unlock(&c->mu);
    return xc__client_fail(c, st, "%s", err);
  }
  xc_instrument key;
  snprintf(key.symbol, sizeof key.symbol, "%s", symbol);
  const xc_instrument *hit = t->arr ? bsearch(&key, t->arr, t->n, sizeof key, cmp_instr) : NULL;
  if (hit) *out = *hit;
  pthread_mutex_unlock(&c->mu);
  if (!hit) return xc__client_fail(c, XC_ENOTFOUND, "%s: unknown symbol on %s", symbol, xc_venue_name(v));
  return XC_OK;
}

xc_status xc_instruments_list(xc_client *c, xc_venue v, xc_market m, xc_instrument *out, size_t cap, size_t *n) {
  if (!c || !n || m <= XC_MARKET_NONE || m >= XC__NMARKETS) return XC_EINVAL;
  const char *probe = m == XC_MARKET_SPOT ? "X/Y" : "X/Y:Y";
  xc_instrument tmp;
  xc_status st = xc_instrument_get(c, v, probe, &tmp); /* loads if needed */
  if (st != XC_OK && st != XC_ENOTFOUND) return st;
  pthread_mutex_lock(&c->mu);
  const xc__instr_table *t = &c->instr[v][m];
  size_t k = t->n < cap ? t->n : cap;
  if (out && k) memcpy(out, t->arr, k * sizeof *out);
  *n = t->n;
  pthread_mutex_unlock(&c->mu);
  return out && cap < *n ? XC_ENOSPC : XC_OK;
}

xc_status xc_instrument_round_price(const xc_instrument *in, xc_dec price, xc_round mode, xc_dec *out) {
  if (!in || !out) return XC_EINVAL;
  if (xc_dec_is_zero(in->tick_size)) {
    *out = price;
    return XC_OK;
  }
  return xc_dec_quantize(price, in->tick_size, mode, out);
}

xc_status xc_instrument_round_qty(const xc_instrument *in, xc_dec qty, bool market, xc_round mode, xc_dec *out) {
  if (!in || !out) return XC_EINVAL;
  xc_dec step = market && !xc_dec_is_zero(in->market_step_size) ? in->market_step_size : in->step_size;
  if (xc_dec_is_zero(step)) {
    *out = qty;
    return XC_OK;
  }
  return xc_dec_quantize(qty, step, mode, out);
}

xc_status xc_instrument_check(const xc_instrument *in, xc_dec price, xc_dec qty, bool market) {
  if (!in) return XC_EINVAL;
  xc_dec step = market ? in->market_step_size : in->step_size;
  xc_dec minq = market ? in->market_min_qty : in->min_qty;
  xc_dec maxq = market && !xc_dec_is_zero(in->market_max_qty) ? in->market_max_qty : in->max_qty;
  if (xc_dec_sign(qty) <= 0) return XC_EFILTER;
  if (!xc_dec_is_zero(step) && !xc_dec_is_multiple(qty, step)) return XC_EFILTER;
  if (!xc_dec_is_zero(minq) && xc_dec_cmp(qty, minq) < 0) return XC_EFILTER;
  if (!xc_dec_is_zero(maxq) && xc_dec_cmp(qty, maxq) > 0) return XC_EFILTER;
  if (!market) {
    if (xc_dec_sign(price) <= 0) return XC_EFILTER;
    if (!xc_dec_is_zero(in->tick_size) && !xc_dec_is_multiple(price, in->tick_size)) return XC_EFILTER;
    if (!xc_dec_is_zero(in->min_price) && xc_dec_cmp(price, in->min_price) < 0) return XC_EFILTER;
    if (!xc_dec_is_zero(in->max_price) && xc_dec_cmp(price, in->max_price) > 0) return XC_EFILTER;
  }
  if (xc_dec_sign(price) > 0) {
    xc_dec notional;
    if (xc_dec_mul(price, qty, &notional)) return XC_ERANGE;
    if (!xc_dec_is_zero(in->min_notional) && xc_dec_cmp(notional, in->min_notional) < 0) return XC_EFILTER;
    if (!xc_dec_is_zero(in->max_notional) && xc_dec_cmp(notional, in->max_notional) > 0) return XC_EFILTER;
  }
  return XC_OK;
}
