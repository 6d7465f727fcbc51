/* Binance rate-limit accounting (see binance_limits.h). */
#include "sim/binance_limits.h"

#include <stdio.h>

static int64_t scale(int64_t v, unsigned pct) {
  int64_t s = v * (int64_t)pct / 100;
  return s < 1 ? 1 : s;
}

void xc__bn_limits_init(xc__bn_limits *l, bool futures, unsigned pct) {
  *l = (xc__bn_limits){0};
  l->futures = futures;
  if (pct == 0) pct = 100;
  l->weight_limit = scale(futures ? 2400 : 6000, pct);
  l->order_limit_short = scale(futures ? 300 : 100, pct);
  l->order_limit_long = scale(futures ? 1200 : 200000, pct);
  l->ban_ms = 120000;
  l->weight_window_ms = 60000;
}

static int64_t wwin(const xc__bn_limits *l) { return l->weight_window_ms > 0 ? l->weight_window_ms : 60000; }

void xc__bn_limits_weight_interval(const xc__bn_limits *l, const char **interval, int64_t *num, char *suffix,
                                   size_t cap) {
  int64_t w = wwin(l);
  bool min = w % 60000 == 0;
  *interval = min ? "MINUTE" : "SECOND";
  *num = min ? w / 60000 : (w + 999) / 1000;
  if (suffix) snprintf(suffix, cap, "%lld%c", (long long)*num, min ? 'M' : 'S');
}

static int64_t long_win_ms(const xc__bn_limits *l) { return l->futures ? 60000 : 86400000; }

static void roll(xc__bn_limits *l, int64_t now) {
  int64_t w = now - now % wwin(l);
  if (w != l->w_win) {
    l->w_win = w;
    l->w_used = 0;
    l->over_in_window = 0;
  }
  int64_t s = now - now % 10000;
  if (s != l->o_short_win) {
    l->o_short_win = s;
    l->o_short = 0;
  }
  int64_t lw = now - now % long_win_ms(l);
  if (lw != l->o_long_win) {
    l->o_long_win = lw;
    l->o_long = 0;
  }
}

void xc__bn_limits_charge(xc__bn_limits *l, int64_t now, int weight, bool is_order, xc__bn_verdict *v) {
  *v = (xc__bn_verdict){0};
  roll(l, now);
  if (l->ban_until > now) {
    v->http = 418;
    v->code = -1003;
    v->retry_after_s = (l->ban_until - now + 999) / 1000;
    snprintf(v->msg, sizeof v->msg,
             "Way too much request weight used; IP banned until %lld. Please use WebSocket Streams for live "
             "updates to avoid bans.", (long long)l->ban_until);
    return;
  }
  if (l->w_used + weight > l->weight_limit) {
    /* keep hammering while limited (more than 10 refusals in the window) and get banned */
    if (++l->over_in_window > 10) {
      l->ban_until = now + l->ban_ms;
      if (l->ban_ms < 3 * 86400000LL) l->ban_ms *= 2;
      xc__bn_limits_charge(l, now, weight, is_order, v);
      return;
    }
    v->http = 429;
    v->code = -1003;
    v->retry_after_s = (l->w_win + wwin(l) - now + 999) / 1000;
    if (wwin(l) == 60000)
      snprintf(v->msg, sizeof v->msg,
               "Too many requests; current limit of IP(127.0.0.1) is %lld requests per minute. Please use the "
               "websocket for live updates to avoid polling the API.", (long long)l->weight_limit);
    else
      snprintf(v->msg, sizeof v->msg,
               "Too many requests; current limit of IP(127.0.0.1) is %lld requests per %lld seconds. Please use "
               "the websocket for live updates to avoid polling the API.", (long long)l->weight_limit,
               (long long)(wwin(l) / 1000));
    return;
  }
  l->w_used += weight;
  if (is_order) {
    if (l->o_short + 1 > l->order_limit_short || l->o_long + 1 > l->order_limit_long) {
      bool sh = l->o_short + 1 > l->order_limit_short;
      v->http = 429;
      v->code = -1015;
      v->retry_after_s = sh ? (l->o_short_win + 10000 - now + 999) / 1000
                            : (l->o_long_win + long_win_ms(l) - now + 999) / 1000;
      snprintf(v->msg, sizeof v->msg, "Too many new orders; current limit is %lld orders per %s.",
               (long long)(sh ? l->order_limit_short : l->order_limit_long),
               sh ? "10 SECOND" : (l->futures ? "MINUTE" : "DAY"));
      return;
    }
    l->o_short++;
    l->o_long++;
  }
}

void xc__bn_limits_refund_weight(xc__bn_limits *l, int weight) {
  l->w_used -= weight;
  if (l->w_used < 0) l->w_used = 0;
}

void xc__bn_limits_order_filled(xc__bn_limits *l, int64_t now) {
  roll(l, now);
  if (l->o_short > 0) l->o_short--;
  if (l->o_long > 0) l->o_long--;
}

int64_t xc__bn_limits_used_weight(const xc__bn_limits *l, int64_t now) {
  return now - now % wwin(l) == l->w_win ? l->w_used : 0;
}
int64_t xc__bn_limits_orders_short(const xc__bn_limits *l, int64_t now) {
  return now - now % 10000 == l->o_short_win ? l->o_short : 0;
}
int64_t xc__bn_limits_orders_long(const xc__bn_limits *l, int64_t now) {
  return now - now % long_win_ms(l) == l->o_long_win ? l->o_long : 0;
}
