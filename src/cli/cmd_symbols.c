/* xconn symbols: lists a venue's instruments and their rules (tick, step, limits, status). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client_setup.h"
#include "core/buf.h"
#include "core/json.h"

int xc_cli_symbols(int argc, char **argv);

static const char *status_name(xc_instrument_status s) {
  switch (s) {
  case XC_INSTR_TRADING: return "trading";
  case XC_INSTR_HALTED: return "halted";
  case XC_INSTR_PRELAUNCH: return "prelaunch";
  case XC_INSTR_DELISTED: return "delisted";
  default: return "?";
  }
}

static void print_one(const xc_instrument *in, bool json) {
  if (json) {
    xc_buf b;
    xc_buf_init(&b);
    xc_jw w;
    xc_jw_init(&w, &b);
    xc_jw_obj_begin(&w);
    xc_jw_kv_str(&w, "venue", xc_venue_name(in->venue));
    xc_jw_kv_str(&w, "market", xc_market_name(in->market));
    xc_jw_kv_str(&w, "symbol", in->symbol);
    xc_jw_kv_str(&w, "venue_symbol", in->venue_symbol);
    xc_jw_kv_str(&w, "status", status_name(in->status));
    xc_jw_kv_str(&w, "contract", in->contract == XC_CONTRACT_PERPETUAL ? "perpetual" : "spot");
    xc_jw_kv_str(&w, "base", in->base);
    xc_jw_kv_str(&w, "quote", in->quote);
    if (in->settle[0]) xc_jw_kv_str(&w, "settle", in->settle);
    xc_jw_kv_dec_str(&w, "tick_size", in->tick_size);
    xc_jw_kv_dec_str(&w, "step_size", in->step_size);
    xc_jw_kv_dec_str(&w, "min_qty", in->min_qty);
    xc_jw_kv_dec_str(&w, "max_qty", in->max_qty);
    xc_jw_kv_dec_str(&w, "market_step_size", in->market_step_size);
    xc_jw_kv_dec_str(&w, "market_min_qty", in->market_min_qty);
    xc_jw_kv_dec_str(&w, "market_max_qty", in->market_max_qty);
    xc_jw_kv_dec_str(&w, "min_price", in->min_price);
    xc_jw_kv_dec_str(&w, "max_price", in->max_price);
    xc_jw_kv_dec_str(&w, "min_notional", in->min_notional);
    xc_jw_kv_dec_str(&w, "max_notional", in->max_notional);
    xc_jw_kv_i64(&w, "price_precision", in->price_precision);
    xc_jw_kv_i64(&w, "qty_precision", in->qty_precision);
    xc_jw_obj_end(&w);
    if (xc_jw_finish(&w) == XC_OK) printf("%s\n", b.data);
    xc_buf_free(&b);
    return;
  }
  char t[64], s[64], mn[64], no[64];
  xc_dec_to_str(in->tick_size, t, sizeof t);
  xc_dec_to_str(in->step_size, s, sizeof s);
  xc_dec_to_str(in->min_qty, mn, sizeof mn);
  xc_dec_to_str(in->min_notional, no, sizeof no);
  printf("%-16s %-12s %-9s tick %-10s step %-10s min_qty %-10s min_notional %s\n", in->symbol, in->venue_symbol,
         status_name(in->status), t, s, mn, no);
}

int xc_cli_symbols(int argc, char **argv) {
  if (xc_cli_flag(argc, argv, "--help") || xc_cli_flag(argc, argv, "-h")) {
    printf("usage: xconn symbols [--symbol S | --market spot|linear] [options]\n"
           "Lists instruments and their trading rules.\n%s",
           xc_cli_client_usage);
    return XC_CLI_OK;
  }
  xc_cli_client cc;
  int rc = xc_cli_client_open(&cc, "symbols", argc, argv, false);
  if (rc) return rc;
  if (cc.symbol) {
    xc_instrument in;
    xc_status st = xc_instrument_get(cc.c, cc.venue, cc.symbol, &in);
    if (st) {
      fprintf(stderr, "xconn symbols: %s: %s\n", xc_status_str(st), xc_client_errmsg(cc.c));
      rc = XC_CLI_FAIL;
    } else {
      print_one(&in, cc.json);
    }
  } else {
    const char *mv = xc_cli_opt(argc, argv, "--market");
    for (int m = XC_MARKET_SPOT; m <= XC_MARKET_LINEAR && !rc; m++) {
      if (mv && strcmp(mv, xc_market_name((xc_market)m)) != 0) continue;
      size_t n = 0;
      xc_status st = xc_instruments_list(cc.c, cc.venue, (xc_market)m, NULL, 0, &n);
      xc_instrument *arr = st ? NULL : calloc(n ? n : 1, sizeof *arr);
      if (arr) st = xc_instruments_list(cc.c, cc.venue, (xc_market)m, arr, n, &n);
      if (st) {
        fprintf(stderr, "xconn symbols: %s %s: %s: %s\n", xc_venue_name(cc.venue), xc_market_name((xc_market)m),
                xc_status_str(st), xc_client_errmsg(cc.c));
        rc = XC_CLI_FAIL;
      }
      for (size_t i = 0; arr && !st && i < n; i++) print_one(&arr[i], cc.json);
      free(arr);
    }
  }
  xc_cli_client_close(&cc);
  return rc;
}
