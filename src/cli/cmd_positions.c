/* xconn positions: open futures positions over REST. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/client_setup.h"
#include "cli/trading_print.h"

int xc_cli_positions(int argc, char **argv); /* called by main.c's dispatcher */

int xc_cli_positions(int argc, char **argv) {
  if (xc_cli_flag(argc, argv, "--help")) {
    printf("usage: xconn positions\n%s", xc_cli_client_usage);
    return XC_CLI_OK;
  }
  xc_cli_client cc;
  int rc = xc_cli_client_open(&cc, "positions", argc, argv, false);
  if (rc) return rc;
  cc.watch = -1;
  xc_position p[128];
  size_t n = 0;
  xc_status st = xc_positions_get(cc.c, cc.venue, p, 128, &n);
  if (st) {
    fprintf(stderr, "xconn positions: %s: %s\n", xc_status_name(st), xc_client_errmsg(cc.c));
    rc = XC_CLI_FAIL;
  } else {
    for (size_t i = 0; i < n && i < 128; i++) xc_cli_print_position(cc.json, &p[i]);
    if (!cc.json) printf("%zu open position%s\n", n, n == 1 ? "" : "s");
  }
  xc_cli_client_close(&cc);
  return rc;
}
