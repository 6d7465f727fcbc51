/* xconn: command-line front end to libxconn and the simulator.
 * Dispatches to subcommands; a subcommand not linked into this build says so. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "xconn/common.h"

typedef int (*cmd_fn)(int argc, char **argv);

/* Subcommands are defined in cmd_<name>.c; weak so a build without one still links. */
#define XC_CLI_COMMANDS(X)                                                                          \
  X(sign, "sign a payload: --secret S --payload P [--alg hmac|ed25519|rsa --key-file PEM]")        \
  X(sim, "run the exchange simulator: [--host H] [--port-base N] [--seed N] [--symbols L]")       \
  X(symbols, "list symbols and their rules: --venue V [--symbol S]")                               \
  X(ticker, "stream tickers: --venue V --symbol S")                                                \
  X(trades, "stream trades: --venue V --symbol S")                                                 \
  X(book, "stream an order book: --venue V --symbol S [--depth N]")                               \
  X(order, "orders: place|cancel|get|open")                                                        \
  X(balances, "show balances")                                                                     \
  X(positions, "show futures positions")                                                           \
  X(watch, "stream private updates: orders|balances|positions")

#define X_(name, help) int xc_cli_##name(int argc, char **argv) __attribute__((weak));
XC_CLI_COMMANDS(X_)
#undef X_

static const struct {
  const char *name;
  const char *help;
} commands[] = {
#define X_(name, help) {#name, help},
    XC_CLI_COMMANDS(X_)
#undef X_
};

static cmd_fn lookup(const char *name) {
#define X_(n, help)                                                                                \
  if (strcmp(name, #n) == 0) return xc_cli_##n;
  XC_CLI_COMMANDS(X_)
#undef X_
  return NULL;
}

static void usage(FILE *f) {
  fprintf(f, "usage: xconn <command> [options]\n\ncommands:\n");
  fprintf(f, "  %-10s %s\n", "version", "print the library version");
  fprintf(f, "  %-10s %s\n", "help", "this text");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (lookup(commands[i].name)) fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
  fprintf(f, "\ncommon options: --venue binance|bybit --symbol BTC/USDT[:USDT] --json\n"
             "                --sim (embedded simulator) | --endpoints FILE (from `xconn sim`)\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return XC_CLI_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
    printf("xconn %s\n", xc_version());
    return XC_CLI_OK;
  }
  if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
    usage(stdout);
    return XC_CLI_OK;
  }
  cmd_fn fn = lookup(cmd);
  if (!fn) {
    fprintf(stderr, "xconn: unknown command '%s'\n", cmd);
    usage(stderr);
    return XC_CLI_USAGE;
  }
  return fn(argc - 1, argv + 1);
}
