/* xconn book: keeps a local L2 book of one symbol (snapshot + diff stream checked for continuity,
 * or with --depth N <= 20 the venue's partial-depth stream) and prints its top levels on every
 * change, plus its sync-state changes. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/client_setup.h"

int xc_cli_book(int argc, char **argv);

int xc_cli_book(int argc, char **argv) {
  if (xc_cli_flag(argc, argv, "--help") || xc_cli_flag(argc, argv, "-h")) {
    printf("usage: xconn book --symbol S [--depth N] [--levels L] [options]\n"
           "Keeps a local order book and prints its best levels per side on each change.\n"
           "Without --depth: the full book (diff stream synchronised with a REST snapshot, continuity\n"
           "checked). --depth N (1..%d): a book of N levels, as xc_sub_opts.depth: N <= 20 follows\n"
           "Binance's partial-depth stream of 5/10/20 levels (no snapshot), deeper books the diff\n"
           "stream with the smallest snapshot covering N. --levels L: levels printed per side\n"
           "(default: N with --depth, else 10).\n%s",
           XC_BOOK_TOP_MAX, xc_cli_client_usage);
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
