/* xconn order place|cancel|get|open, and the printers of trading values (trading_print.h). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client_setup.h"
#include "cli/trading_print.h"
#include "core/buf.h"
#include "core/json.h"

static const char *tif_name(xc_tif t) {
  static const char *n[] = {"gtc", "ioc", "fok", "post_only"};
  return (unsigned)t <= XC_TIF_POST_ONLY ? n[t] : "?";
}

static void out_json(xc_jw *w, xc_buf *b) {
  if (xc_jw_finish(w) == XC_OK) printf("%s\n", b->data);
  xc_buf_free(b);
  fflush(stdout);
}

static void dtxt(xc_dec d, char *buf, size_t cap) {
  if (xc_dec_to_str(d, buf, cap) < 0) snprintf(buf, cap, "?");
}

void xc_cli_print_order(bool json, const xc_order *o) {
  if (json) {
    xc_buf b;
    xc_buf_init(&b);
    xc_jw w;
    xc_jw_init(&w, &b);
    xc_jw_obj_begin(&w);
    xc_jw_kv_str(&w, "type", "order");
    xc_jw_kv_str(&w, "venue", xc_venue_name(o->venue));
    xc_jw_kv_str(&w, "symbol", o->symbol);
    xc_jw_kv_str(&w, "order_id", o->order_id);
    xc_jw_kv_str(&w, "client_id", o->client_id);
    xc_jw_kv_str(&w, "side", xc_side_name(o->side));
    xc_jw_kv_str(&w, "order_type", o->type == XC_ORDER_MARKET ? "market" : "limit");
    xc_jw_kv_str(&w, "tif", tif_name(o->tif));
    xc_jw_kv_str(&w, "status", xc_order_status_name(o->status));
    xc_jw_kv_dec_str(&w, "price", o->price);
    xc_jw_kv_dec_str(&w, "qty", o->qty);
    xc_jw_kv_dec_str(&w, "filled_qty", o->filled_qty);
    xc_jw_kv_dec_str(&w, "avg_price", o->avg_price);
    xc_jw_kv_bool(&w, "reduce_only", o->reduce_only);
    xc_jw_kv_i64(&w, "updated_ms", o->updated_ms);
    xc_jw_obj_end(&w);
    out_json(&w, &b);
    return;
  }
  char px[64], q[64], f[64], a[64];
  dtxt(o->price, px, sizeof px);
  dtxt(o->qty, q, sizeof q);
  dtxt(o->filled_qty, f, sizeof f);
  dtxt(o->avg_price, a, sizeof a);
  printf("order %s %s id=%s client_id=%s %s %s %s status=%s price=%s qty=%s filled=%s avg=%s\n", o->symbol,
         xc_venue_name(o->venue), o->order_id, o->client_id, xc_side_name(o->side),
         o->type == XC_ORDER_MARKET ? "market" : "limit", tif_name(o->tif), xc_order_status_name(o->status), px, q, f,
         a);
  fflush(stdout);
}

void xc_cli_print_balance(bool json, const xc_balance *b) {
  if (json) {
    xc_buf bb;
    xc_buf_init(&bb);
    xc_jw w;
    xc_jw_init(&w, &bb);
    xc_jw_obj_begin(&w);
    xc_jw_kv_str(&w, "type", "balance");
    xc_jw_kv_str(&w, "venue", xc_venue_name(b->venue));
    xc_jw_kv_str(&w, "market", xc_market_name(b->market));
    xc_jw_kv_str(&w, "asset", b->asset);
    xc_jw_kv_dec_str(&w, "free", b->free);
    xc_jw_kv_dec_str(&w, "locked", b->locked);
    xc_jw_obj_end(&w);
    out_json(&w, &bb);
    return;
  }
  char fr[64], lo[64];
  dtxt(b->free, fr, sizeof fr);
  dtxt(b->locked, lo, sizeof lo);
  printf("balance %s %s %s free=%s locked=%s\n", xc_venue_name(b->venue), xc_market_name(b->market), b->asset, fr, lo);
  fflush(stdout);
}

void xc_cli_print_position(bool json, const xc_position *p) {
  static const char *sides[] = {"flat", "long", "short"};
  const char *side = (unsigned)p->side <= 2 ? sides[p->side] : "?";
  if (json) {
    xc_buf bb;
    xc_buf_init(&bb);
    xc_jw w;
    xc_jw_init(&w, &bb);
    xc_jw_obj_begin(&w);
    xc_jw_kv_str(&w, "type", "position");
    xc_jw_kv_str(&w, "venue", xc_venue_name(p->venue));
    xc_jw_kv_str(&w, "symbol", p->symbol);
    xc_jw_kv_str(&w, "side", side);
    xc_jw_kv_dec_str(&w, "size", p->size);
    xc_jw_kv_dec_str(&w, "entry_price", p->entry_price);
    xc_jw_kv_dec_str(&w, "mark_price", p->mark_price);
    xc_jw_kv_dec_str(&w, "unrealized_pnl", p->unrealized_pnl);
    xc_jw_kv_dec_str(&w, "leverage", p->leverage);
    xc_jw_obj_end(&w);
    out_json(&w, &bb);
    return;
  }
  char sz[64], ep[64], up[64];
  dtxt(p->size, sz, sizeof sz);
  dtxt(p->entry_price, ep, sizeof ep);
  dtxt(p->unrealized_pnl, up, sizeof up);
  printf("position %s %s %s size=%s entry=%s upnl=%s\n", xc_venue_name(p->venue), p->symbol, side, sz, ep, up);
  fflush(stdout);
}

static void print_fill(bool json, const xc_fill *f) {
  if (json) {
    xc_buf bb;
    xc_buf_init(&bb);
    xc_jw w;
    xc_jw_init(&w, &bb);
    xc_jw_obj_begin(&w);
    xc_jw_kv_str(&w, "type", "fill");
    xc_jw_kv_str(&w, "venue", xc_venue_name(f->venue));
    xc_jw_kv_str(&w, "symbol", f->symbol);
    xc_jw_kv_str(&w, "order_id", f->order_id);
    xc_jw_kv_str(&w, "client_id", f->client_id);
    xc_jw_kv_str(&w, "trade_id", f->trade_id);
    xc_jw_kv_str(&w, "side", xc_side_name(f->side));
    xc_jw_kv_dec_str(&w, "price", f->price);
    xc_jw_kv_dec_str(&w, "qty", f->qty);
    xc_jw_kv_dec_str(&w, "fee", f->fee);
    xc_jw_kv_str(&w, "fee_asset", f->fee_asset);
    xc_jw_kv_bool(&w, "maker", f->maker);
    xc_jw_obj_end(&w);
    out_json(&w, &bb);
    return;
  }
  char px[64], q[64], fee[64];
  dtxt(f->price, px, sizeof px);
  dtxt(f->qty, q, sizeof q);
  dtxt(f->fee, fee, sizeof fee);
  printf("fill %s id=%s order=%s client_id=%s %s %s @ %s fee=%s %s%s\n", f->symbol, f->trade_id, f->order_id,
         f->client_id, xc_side_name(f->side), q, px, fee, f->fee_asset, f->maker ? " maker" : "");
  fflush(stdout);
}

void xc_cli_print_trading(bool json, const xc_event *ev) {
  switch (ev->type) {
  case XC_EV_ORDER: xc_cli_print_order(json, &ev->u.order); break;
  case XC_EV_FILL: print_fill(json, &ev->u.fill); break;
  case XC_EV_BALANCE: xc_cli_print_balance(json, &ev->u.balance); break;
  case XC_EV_POSITION: xc_cli_print_position(json, &ev->u.position); break;
  default: break;
  }
}

static const char usage[] =
    "usage: xconn order place --symbol S --side buy|sell [--type limit|market] [--price P] [--qty Q | --quote-qty Q]\n"
    "                         [--tif gtc|ioc|fok|post_only] [--client-id ID] [--reduce-only]\n"
    "       xconn order cancel|get --symbol S (--id ORDER_ID | --client-id ID)\n"
    "       xconn order open --symbol S\n";

static int dec_opt(const char *cmd, int argc, char **argv, const char *name, xc_dec *out) {
  const char *v = xc_cli_opt(argc, argv, name);
  *out = XC_DEC_ZERO;
  if (!v) return XC_CLI_OK;
  if (xc_dec_from_cstr(v, out) || xc_dec_sign(*out) <= 0) return xc_cli_usage(cmd, "bad %s '%s'", name, v);
  return XC_CLI_OK;
}

static int fail(xc_cli_client *cc, xc_status st, const xc_venue_error *ve) {
  fprintf(stderr, "xconn order: %s: %s", xc_status_name(st), xc_client_errmsg(cc->c));
  if (ve && ve->code) fprintf(stderr, " (venue %lld: %s)", (long long)ve->code, ve->msg);
  fprintf(stderr, "\n");
  return XC_CLI_FAIL;
}

int xc_cli_order(int argc, char **argv); /* called by main.c's dispatcher */

int xc_cli_order(int argc, char **argv) {
  if (argc < 2 || xc_cli_flag(argc, argv, "--help")) {
    fputs(usage, argc < 2 ? stderr : stdout);
    return argc < 2 ? XC_CLI_USAGE : XC_CLI_OK;
  }
  const char *action = argv[1];
  bool place = !strcmp(action, "place"), cancel = !strcmp(action, "cancel"), get = !strcmp(action, "get"),
       open = !strcmp(action, "open");
  if (!place && !cancel && !get && !open) return xc_cli_usage("order", "unknown action '%s' (place|cancel|get|open)", action);
  xc_order_req req;
  memset(&req, 0, sizeof req);
  const char *v;
  if (place) {
    v = xc_cli_opt(argc, argv, "--side");
    if (!v || (strcmp(v, "buy") && strcmp(v, "sell"))) return xc_cli_usage("order", "--side buy|sell is required");
    req.side = !strcmp(v, "buy") ? XC_SIDE_BUY : XC_SIDE_SELL;
    v = xc_cli_opt(argc, argv, "--type");
    req.type = XC_ORDER_LIMIT;
    if (v && !strcmp(v, "market")) req.type = XC_ORDER_MARKET;
    else if (v && strcmp(v, "limit")) return xc_cli_usage("order", "bad --type '%s' (limit|market)", v);
    v = xc_cli_opt(argc, argv, "--tif");
    if (v) {
      if (!strcmp(v, "gtc")) req.tif = XC_TIF_GTC;
      else if (!strcmp(v, "ioc")) req.tif = XC_TIF_IOC;
      else if (!strcmp(v, "fok")) req.tif = XC_TIF_FOK;
      else if (!strcmp(v, "post_only") || !strcmp(v, "post-only")) req.tif = XC_TIF_POST_ONLY;
      else return xc_cli_usage("order", "bad --tif '%s' (gtc|ioc|fok|post_only)", v);
    }
    int rc;
    if ((rc = dec_opt("order", argc, argv, "--price", &req.price)) ||
        (rc = dec_opt("order", argc, argv, "--qty", &req.qty)) ||
        (rc = dec_opt("order", argc, argv, "--quote-qty", &req.quote_qty)))
      return rc;
    if (req.type == XC_ORDER_LIMIT && xc_dec_is_zero(req.price)) return xc_cli_usage("order", "--price is required for limit orders");
    if (xc_dec_is_zero(req.qty) && xc_dec_is_zero(req.quote_qty)) return xc_cli_usage("order", "--qty or --quote-qty is required");
    req.client_id = xc_cli_opt(argc, argv, "--client-id");
    req.reduce_only = xc_cli_flag(argc, argv, "--reduce-only");
  }
  const char *id = xc_cli_opt(argc, argv, "--id"), *cid = xc_cli_opt(argc, argv, "--client-id");
  if ((cancel || get) && !id && !cid) return xc_cli_usage("order", "--id or --client-id is required");
  xc_cli_client cc;
  int rc = xc_cli_client_open(&cc, "order", argc, argv, true);
  if (rc) return rc;
  cc.watch = -1;
  req.venue = cc.venue;
  req.symbol = cc.symbol;
  xc_order o;
  xc_venue_error ve;
  memset(&ve, 0, sizeof ve);
  xc_status st;
  if (place) {
    st = xc_order_place_sync(cc.c, &req, 0, &o, &ve);
  } else if (cancel || get) {
    xc_order_ref ref = {.venue = cc.venue, .symbol = cc.symbol, .order_id = id, .client_id = id ? NULL : cid};
    st = cancel ? xc_order_cancel_sync(cc.c, &ref, 0, &o, &ve) : xc_order_get_sync(cc.c, &ref, 0, &o, &ve);
  } else {
    xc_order list[200];
    size_t n = 0;
    st = xc_orders_open_sync(cc.c, cc.venue, cc.symbol, 0, list, 200, &n);
    if (!st) {
      for (size_t i = 0; i < n && i < 200; i++) xc_cli_print_order(cc.json, &list[i]);
      if (!cc.json) printf("%zu open order%s\n", n, n == 1 ? "" : "s");
    }
  }
  if (st) rc = fail(&cc, st, &ve);
  else if (!open) xc_cli_print_order(cc.json, &o);
  xc_cli_client_close(&cc);
  return rc;
}
