/* Binance order request builders and pre-send validation (see trade.h). */
#include "venues/binance/trade.h"

#include <stdio.h>
#include <string.h>

#define WHY(...) (why && whycap ? (void)snprintf(why, whycap, __VA_ARGS__) : (void)0)

static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* base62 of v, most significant digit first, into out; returns the length (<= 11). */
static size_t base62(uint64_t v, char *out) {
  char tmp[16];
  size_t n = 0;
  do {
    tmp[n++] = b62[v % 62];
    v /= 62;
  } while (v);
  for (size_t i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
  return n;
}

int xc__bnt_client_id(char *out, size_t cap, int64_t now_ms, uint64_t counter, uint64_t random) {
  char buf[64];
  size_t n = 0;
  buf[n++] = 'x';
  buf[n++] = '-';
  n += base62((uint64_t)(now_ms < 0 ? 0 : now_ms), buf + n);          /* 7 chars until 2081 */
  buf[n++] = '-';
  n += base62(counter % (UINT64_C(62) * 62 * 62 * 62 * 62 * 62), buf + n); /* <= 6 */
  buf[n++] = '-';
  /* fixed-width random tail: 8 base62 digits (~47 bits) */
  for (int i = 0; i < 8; i++) {
    buf[n++] = b62[random % 62];
    random /= 62;
  }
  if (n + 1 > cap) return XC_ENOSPC;
  memcpy(out, buf, n);
  out[n] = 0;
  return (int)n;
}

bool xc__bnt_client_id_valid(const char *s) {
  if (!s) return false;
  size_t n = strlen(s);
  if (n == 0 || n > 36) return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == ':' || c == '/' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

static void dstr(xc_dec d, char *buf, size_t cap) {
  if (xc_dec_to_str(d, buf, cap) < 0) snprintf(buf, cap, "?");
}

xc_status xc__bnt_validate(const xc_order_req *req, const xc_instrument *in, char *why, size_t whycap) {
  if (why && whycap) why[0] = 0;
  if (!req || !in) return XC_EINVAL;
  if (req->side != XC_SIDE_BUY && req->side != XC_SIDE_SELL) {
    WHY("side must be buy or sell");
    return XC_EINVAL;
  }
  if (req->type != XC_ORDER_LIMIT && req->type != XC_ORDER_MARKET) {
    WHY("unknown order type");
    return XC_EINVAL;
  }
  if ((unsigned)req->tif > XC_TIF_POST_ONLY) {
    WHY("unknown time in force");
    return XC_EINVAL;
  }
  if (req->client_id && !xc__bnt_client_id_valid(req->client_id)) {
    WHY("client id must be 1-36 characters of [.A-Z:/a-z0-9_-]");
    return XC_EINVAL;
  }
  if (in->status != XC_INSTR_TRADING) {
    WHY("%s is not trading", in->symbol);
    return XC_EFILTER;
  }
  bool spot = in->market == XC_MARKET_SPOT;
  if (req->reduce_only && spot) {
    WHY("reduce_only is for futures only");
    return XC_EINVAL;
  }
  char a[64], b[64];
  bool by_quote = !xc_dec_is_zero(req->quote_qty);
  if (by_quote) {
    if (!spot || req->type != XC_ORDER_MARKET) {
      WHY("quote quantity is only for spot MARKET orders");
      return XC_ENOTSUP;
    }
    if (!xc_dec_is_zero(req->qty)) {
      WHY("give either qty or quote_qty, not both");
      return XC_EINVAL;
    }
    if (xc_dec_sign(req->quote_qty) <= 0) {
      WHY("quote quantity must be positive");
      return XC_EFILTER;
    }
    if (xc_dec_sign(in->quote_step) > 0 && !xc_dec_is_multiple(req->quote_qty, in->quote_step)) {
      dstr(req->quote_qty, a, sizeof a);
      dstr(in->quote_step, b, sizeof b);
      WHY("quote quantity %s is not a multiple of the quote precision %s", a, b);
      return XC_EFILTER;
    }
    if (xc_dec_sign(in->min_notional) > 0 && xc_dec_cmp(req->quote_qty, in->min_notional) < 0) {
      dstr(req->quote_qty, a, sizeof a);
      dstr(in->min_notional, b, sizeof b);
      WHY("notional %s is below the minimum %s", a, b);
      return XC_EFILTER;
    }
    return XC_OK;
  }
  if (xc_dec_sign(req->qty) <= 0) {
    WHY("quantity must be positive");
    return XC_EFILTER;
  }
  bool market = req->type == XC_ORDER_MARKET;
  xc_dec step = market && xc_dec_sign(in->market_step_size) > 0 ? in->market_step_size : in->step_size;
  xc_dec minq = market && xc_dec_sign(in->market_min_qty) > 0 ? in->market_min_qty : in->min_qty;
  xc_dec maxq = market && xc_dec_sign(in->market_max_qty) > 0 ? in->market_max_qty : in->max_qty;
  if (xc_dec_sign(step) > 0 && !xc_dec_is_multiple(req->qty, step)) {
    dstr(req->qty, a, sizeof a);
    dstr(step, b, sizeof b);
    WHY("quantity %s is not a multiple of the step size %s", a, b);
    return XC_EFILTER;
  }
  if (xc_dec_sign(minq) > 0 && xc_dec_cmp(req->qty, minq) < 0) {
    dstr(req->qty, a, sizeof a);
    dstr(minq, b, sizeof b);
    WHY("quantity %s is below the minimum %s", a, b);
    return XC_EFILTER;
  }
  if (xc_dec_sign(maxq) > 0 && xc_dec_cmp(req->qty, maxq) > 0) {
    dstr(req->qty, a, sizeof a);
    dstr(maxq, b, sizeof b);
    WHY("quantity %s is above the maximum %s", a, b);
    return XC_EFILTER;
  }
  if (market) return XC_OK; /* notional of a MARKET order depends on the book: the venue checks it */
  if (xc_dec_sign(req->price) <= 0) {
    WHY("a LIMIT order needs a positive price");
    return XC_EFILTER;
  }
  if (xc_dec_sign(in->tick_size) > 0 && !xc_dec_is_multiple(req->price, in->tick_size)) {
    dstr(req->price, a, sizeof a);
    dstr(in->tick_size, b, sizeof b);
    WHY("price %s is not a multiple of the tick size %s", a, b);
    return XC_EFILTER;
  }
  if (xc_dec_sign(in->min_price) > 0 && xc_dec_cmp(req->price, in->min_price) < 0) {
    dstr(req->price, a, sizeof a);
    dstr(in->min_price, b, sizeof b);
    WHY("price %s is below the minimum %s", a, b);
    return XC_EFILTER;
  }
  if (xc_dec_sign(in->max_price) > 0 && xc_dec_cmp(req->price, in->max_price) > 0) {
    dstr(req->price, a, sizeof a);
    dstr(in->max_price, b, sizeof b);
    WHY("price %s is above the maximum %s", a, b);
    return XC_EFILTER;
  }
  xc_dec notional;
  if (xc_dec_mul(req->price, req->qty, &notional) != XC_OK) {
    WHY("price x quantity out of range");
    return XC_EFILTER;
  }
  if (xc_dec_sign(in->min_notional) > 0 && xc_dec_cmp(notional, in->min_notional) < 0) {
    dstr(notional, a, sizeof a);
    dstr(in->min_notional, b, sizeof b);
    WHY("notional %s (price x quantity) is below the minimum %s", a, b);
    return XC_EFILTER;
  }
  if (xc_dec_sign(in->max_notional) > 0 && xc_dec_cmp(notional, in->max_notional) > 0) {
    dstr(notional, a, sizeof a);
    dstr(in->max_notional, b, sizeof b);
    WHY("notional %s (price x quantity) is above the maximum %s", a, b);
    return XC_EFILTER;
  }
  return XC_OK;
}

static xc_status put_dec(xc_buf *q, const char *key, xc_dec d) {
  char s[XC_DEC_STR_FIXED_MAX];
  if (xc_dec_to_str(xc_dec_normalize(d), s, sizeof s) < 0) return XC_ERANGE;
  return xc_buf_printf(q, "&%s=%s", key, s);
}

/* Query values here are [A-Za-z0-9._:/-] only (symbols, validated ids): no escaping needed except
 * ':' and '/', which we percent-encode. */
static xc_status put_id(xc_buf *q, const char *key, const char *v) {
  xc_status st = xc_buf_printf(q, "&%s=", key);
  for (const char *p = v; !st && *p; p++) {
    if (*p == ':') st = xc_buf_puts(q, "%3A");
    else if (*p == '/') st = xc_buf_puts(q, "%2F");
    else st = xc_buf_putc(q, *p);
  }
  return st;
}

xc_status xc__bnt_new_order_query(xc_buf *q, xc_market m, const xc_order_req *req, const char *vsym,
                                  const char *client_id) {
  if (!q || !req || !vsym || !client_id || !xc__bnt_client_id_valid(client_id)) return XC_EINVAL;
  bool spot = m == XC_MARKET_SPOT;
  xc_status st = xc_buf_printf(q, "symbol=%s&side=%s", vsym, req->side == XC_SIDE_BUY ? "BUY" : "SELL");
  if (st) return st;
  if (req->type == XC_ORDER_MARKET) {
    st = xc_buf_puts(q, "&type=MARKET");
    if (!st) st = xc_dec_is_zero(req->quote_qty) ? put_dec(q, "quantity", req->qty)
                                                 : put_dec(q, "quoteOrderQty", req->quote_qty);
  } else {
    if (req->tif == XC_TIF_POST_ONLY && spot) st = xc_buf_puts(q, "&type=LIMIT_MAKER");
    else {
      static const char *tifs[] = {"GTC", "IOC", "FOK", "GTX"};
      st = xc_buf_printf(q, "&type=LIMIT&timeInForce=%s", tifs[req->tif <= XC_TIF_POST_ONLY ? req->tif : 0]);
    }
    if (!st) st = put_dec(q, "quantity", req->qty);
    if (!st) st = put_dec(q, "price", req->price);
  }
  if (!st && req->reduce_only && !spot) st = xc_buf_puts(q, "&reduceOnly=true");
  if (!st) st = put_id(q, "newClientOrderId", client_id);
  if (!st) st = xc_buf_puts(q, spot ? "&newOrderRespType=FULL" : "&newOrderRespType=RESULT");
  return st;
}

xc_status xc__bnt_order_ref_query(xc_buf *q, const xc_order_ref *ref, const char *vsym) {
  if (!q || !ref || !vsym) return XC_EINVAL;
  bool by_id = ref->order_id && ref->order_id[0];
  bool by_cid = ref->client_id && ref->client_id[0];
  if (!by_id && !by_cid) return XC_EINVAL;
  if (by_id) {
    for (const char *p = ref->order_id; *p; p++)
      if (*p < '0' || *p > '9') return XC_EINVAL;
  }
  if (by_cid && !xc__bnt_client_id_valid(ref->client_id)) return XC_EINVAL;
  xc_status st = xc_buf_printf(q, "symbol=%s", vsym);
  if (!st && by_id) st = xc_buf_printf(q, "&orderId=%s", ref->order_id);
  else if (!st) st = put_id(q, "origClientOrderId", ref->client_id);
  return st;
}

const char *xc__bnt_order_path(xc_market m) { return m == XC_MARKET_LINEAR ? "/fapi/v1/order" : "/api/v3/order"; }
const char *xc__bnt_open_orders_path(xc_market m) {
  return m == XC_MARKET_LINEAR ? "/fapi/v1/openOrders" : "/api/v3/openOrders";
}
const char *xc__bnt_balances_path(xc_market m) {
  return m == XC_MARKET_LINEAR ? "/fapi/v2/balance" : "/api/v3/account";
}
const char *xc__bnt_trades_path(xc_market m) {
  return m == XC_MARKET_LINEAR ? "/fapi/v1/userTrades" : "/api/v3/myTrades";
}
const char *xc__bnt_listen_key_path(xc_market m) {
  return m == XC_MARKET_LINEAR ? "/fapi/v1/listenKey" : "/api/v3/userDataStream";
}
