/* xconn trades: streams public trades of one symbol. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/client_setup.h"

int xc_cli_trades(int argc, char **argv);

int xc_cli_trades(int argc, char **argv) {
  if (xc_cli_flag(argc, argv, "--help") || xc_cli_flag(argc, argv, "-h")) {
    printf("usage: xconn trades --symbol S [options]\nStreams public trades.\n%s", xc_cli_client_usage);
    return XC_CLI_OK;
  }
  xc_cli_client cc;
  int rc = xc_cli_client_open(&cc, "trades", argc, argv, true);
  if (rc) return rc;
  rc = xc_cli_client_subscribe(&cc, XC_CH_TRADES);
  if (!rc) xc_cli_client_run(&cc);
  xc_cli_client_close(&cc);
  return rc;
}
