/* xconn balances [--market spot|linear]: balances over REST. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client_setup.h"
#include "cli/trading_print.h"

int xc_cli_balances(int argc, char **argv); /* called by main.c's dispatcher */

int xc_cli_balances(int argc, char **argv) {
  if (xc_cli_flag(argc, argv, "--help")) {
    printf("usage: xconn balances [--market spot|linear] [--all] (zero balances hidden unless --all)\n%s",
           xc_cli_client_usage);
    return XC_CLI_OK;
  }
  xc_market m = XC_MARKET_SPOT;
  const char *v = xc_cli_opt(argc, argv, "--market");
  if (v && !strcmp(v, "linear")) m = XC_MARKET_LINEAR;
  else if (v && strcmp(v, "spot")) return xc_cli_usage("balances", "bad --market '%s' (spot|linear)", v);
  bool all = xc_cli_flag(argc, argv, "--all");
  xc_cli_client cc;
  int rc = xc_cli_client_open(&cc, "balances", argc, argv, false);
  if (rc) return rc;
  cc.watch = -1;
  xc_balance b[256];
  size_t n = 0;
  xc_status st = xc_balances_get(cc.c, cc.venue, m, b, 256, &n);
  if (st) {
    fprintf(stderr, "xconn balances: %s: %s\n", xc_status_name(st), xc_client_errmsg(cc.c));
    rc = XC_CLI_FAIL;
  } else {
    for (size_t i = 0; i < n && i < 256; i++)
      if (all || xc_dec_sign(b[i].free) || xc_dec_sign(b[i].locked)) xc_cli_print_balance(cc.json, &b[i]);
  }
  xc_cli_client_close(&cc);
  return rc;
}
