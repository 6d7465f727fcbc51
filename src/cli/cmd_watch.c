/* xconn watch orders|balances|positions: streams private updates (both markets, or --market). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client_setup.h"
#include "cli/trading_print.h"

int xc_cli_watch(int argc, char **argv); /* called by main.c's dispatcher */

int xc_cli_watch(int argc, char **argv) {
  if (argc < 2 || xc_cli_flag(argc, argv, "--help")) {
    fprintf(argc < 2 ? stderr : stdout,
            "usage: xconn watch orders|balances|positions [--market spot|linear] [--duration S]\n%s",
            xc_cli_client_usage);
    return argc < 2 ? XC_CLI_USAGE : XC_CLI_OK;
  }
  const char *what = argv[1];
  if (strcmp(what, "orders") && strcmp(what, "balances") && strcmp(what, "positions"))
    return xc_cli_usage("watch", "unknown stream '%s' (orders|balances|positions)", what);
  const char *v = xc_cli_opt(argc, argv, "--market");
  xc_market only = XC_MARKET_NONE;
  if (v && !strcmp(v, "spot")) only = XC_MARKET_SPOT;
  else if (v && !strcmp(v, "linear")) only = XC_MARKET_LINEAR;
  else if (v) return xc_cli_usage("watch", "bad --market '%s'", v);
  if (!strcmp(what, "positions")) only = XC_MARKET_LINEAR;
  xc_cli_client cc;
  int rc = xc_cli_client_open(&cc, "watch", argc, argv, false);
  if (rc) return rc;
  cc.watch = !strcmp(what, "orders") ? 1 : !strcmp(what, "balances") ? 2 : 3;
  for (int m = XC_MARKET_SPOT; m <= XC_MARKET_LINEAR; m++) {
    if (only && m != (int)only) continue;
    xc_status st = xc_account_watch(cc.c, cc.venue, (xc_market)m);
    if (st) {
      fprintf(stderr, "xconn watch: %s: %s\n", xc_status_name(st), xc_client_errmsg(cc.c));
      xc_cli_client_close(&cc);
      return XC_CLI_FAIL;
    }
  }
  xc_cli_client_run(&cc);
  xc_cli_client_close(&cc);
  return XC_CLI_OK;
}
