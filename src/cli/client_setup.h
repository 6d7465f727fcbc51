/* Shared client setup for the market-data commands (symbols, ticker, trades, book): common options,
 * an embedded simulator (--sim) or endpoints from `xconn sim` (--endpoints FILE), credentials from
 * the environment, a bounded run loop and one event printer (text, or --json: one JSON object per
 * line, decimals as strings, book levels as [price, qty] arrays). */
#ifndef XC_CLI_CLIENT_SETUP_H
#define XC_CLI_CLIENT_SETUP_H

#include <stdatomic.h>
#include <stdbool.h>

#include "xconn/events.h"
#include "xconn/market.h"
#include "xconn/sim.h"

typedef struct xc_cli_client {
  const char *cmd;
  xc_client *c;
  xc_sim *sim;             /* --sim: embedded simulator, freed by close */
  xc_venue venue;
  const char *symbol;      /* unified, NULL when not given */
  bool json;
  double duration_s;       /* --duration: 0 = until SIGINT/SIGTERM (or --count) */
  long count;              /* --count: stop after this many printed market-data events (0 = no limit) */
  uint32_t depth;          /* book levels per event: --levels N, else --depth N, else 10 */
  uint32_t book_depth;     /* --depth N as the subscription's book depth (0 = absent: full book) */
  atomic_long printed;
  char *endpoints;         /* owned copy of the endpoints JSON */
  int watch;               /* `xconn watch`: 1 orders (+ fills), 2 balances, 3 positions; 0 none;
                            -1: print no events (one-shot order/balances/positions) */
} xc_cli_client;

/* Parses the common options and creates the client. need_symbol: --symbol is required. Returns
 * XC_CLI_OK, or the exit code to return (a message was printed). */
int xc_cli_client_open(xc_cli_client *cc, const char *cmd, int argc, char **argv, bool need_symbol);
/* Subscribes `symbol` on `ch` (a book of --depth levels, reported in full; without --depth the full
 * book, 10 levels per event). XC_CLI_OK or XC_CLI_FAIL. */
int xc_cli_client_subscribe(xc_cli_client *cc, xc_channel ch);
/* Runs until --duration, --count or a signal. */
void xc_cli_client_run(xc_cli_client *cc);
/* Frees the client and the embedded simulator. */
void xc_cli_client_close(xc_cli_client *cc);
/* Prints one event (text or JSON line) to stdout. */
void xc_cli_print_event(xc_cli_client *cc, const xc_event *ev);
/* Common options text for --help. */
extern const char xc_cli_client_usage[];

#endif
