/* xconn ticker: streams 24 h tickers (or best bid/offer with --bbo) of one symbol. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/client_setup.h"

int xc_cli_ticker(int argc, char **argv);

int xc_cli_ticker(int argc, char **argv) {
  if (xc_cli_flag(argc, argv, "--help") || xc_cli_flag(argc, argv, "-h")) {
    printf("usage: xconn ticker --symbol S [--bbo] [options]\nStreams the 24 h ticker (--bbo: best bid/offer).\n%s",
           xc_cli_client_usage);
    return XC_CLI_OK;
  }
  xc_cli_client cc;
  int rc = xc_cli_client_open(&cc, "ticker", argc, argv, true);
  if (rc) return rc;
  rc = xc_cli_client_subscribe(&cc, xc_cli_flag(argc, argv, "--bbo") ? XC_CH_BBO : XC_CH_TICKER);
  if (!rc) xc_cli_client_run(&cc);
  xc_cli_client_close(&cc);
  return rc;
}
