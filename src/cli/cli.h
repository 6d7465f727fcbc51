/* Shared helpers for the xconn command-line tool. Each subcommand lives in its own cmd_<name>.c
 * and defines `int xc_cli_<name>(int argc, char **argv)` (argv[0] is the subcommand name). */
#ifndef XC_CLI_H
#define XC_CLI_H

#include <stdbool.h>
#include <stdio.h>

/* Exit codes: 0 ok, 1 failure reported by the library or venue, 2 usage error. */
enum { XC_CLI_OK = 0, XC_CLI_FAIL = 1, XC_CLI_USAGE = 2 };

/* Returns the value of --name (as "--name value" or "--name=value") or NULL; marks it consumed. */
const char *xc_cli_opt(int argc, char **argv, const char *name);
/* True if --flag is present. */
bool xc_cli_flag(int argc, char **argv, const char *name);
/* Prints "xconn <cmd>: <msg>" to stderr and returns XC_CLI_USAGE. */
int xc_cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reads a whole file into a malloc'd NUL-terminated buffer; NULL on error (errno set). */
char *xc_cli_read_file(const char *path, size_t *len);

#endif
