/* xconn book: keeps a local L2 book of one symbol (snapshot + diff stream, checked for continuity)
 * and prints its top levels on every change, plus its sync-state changes. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/client_setup.h"

int xc_cli_book(int argc, char **argv);

int xc_cli_book(int argc, char **argv) {
  if (xc_cli_flag(argc, argv, "--help") || xc_cli_flag(argc, argv, "-h")) {
    printf("usage: xconn book --symbol S [--depth N] [options]\n"
           "Keeps a local order book and prints the best N levels per side (default 10) on each change.\n%s",
           xc_cli_client_usage);
    return XC_CLI_OK;
  }
  xc_cli_client cc;
  int rc = xc_cli_client_open(&cc, "book", argc, argv, true);
  if (rc) return rc;
  rc = xc_cli_client_subscribe(&cc, XC_CH_BOOK);
  if (!rc) xc_cli_client_run(&cc);
  xc_cli_client_close(&cc);
  return rc;
}
