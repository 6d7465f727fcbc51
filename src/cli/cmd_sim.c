/* xconn sim: runs the exchange simulator until SIGINT/SIGTERM. The first stdout line is the
 * endpoints JSON (docs/sim.md). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "xconn/log.h"
#include "xconn/sim.h"

static xc_sim *g_sim;

static void on_signal(int sig) {
  (void)sig;
  if (g_sim) xc_sim_stop(g_sim); /* only wakes the loop (uv_async_send): async-signal-safe */
}

static int parse_u64(const char *s, uint64_t *out) {
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (!*s || *end || s[0] == '-') return -1;
  *out = v;
  return 0;
}

int xc_cli_sim(int argc, char **argv); /* called by main.c's dispatcher */

int xc_cli_sim(int argc, char **argv) {
  if (xc_cli_flag(argc, argv, "--help") || xc_cli_flag(argc, argv, "-h")) {
    printf("usage: xconn sim [--host 127.0.0.1] [--port-base N] [--seed N] [--symbols LIST]\n"
           "                 [--config FILE] [--bg-tick-ms N] [--bg-actions N]\n"
           "                 [--ws-lifetime-ms N] [--api-key K --api-secret S] [--bg-manual] [--quiet]\n"
           "Prints the endpoints JSON as the first stdout line; runs until SIGINT/SIGTERM.\n");
    return XC_CLI_OK;
  }
  xc_sim_opts o;
  xc_sim_opts_default(&o);
  const char *v;
  uint64_t n;
  if ((v = xc_cli_opt(argc, argv, "--host"))) o.host = v;
  if ((v = xc_cli_opt(argc, argv, "--port-base"))) {
    if (parse_u64(v, &n) || n > 65535 - XC_SIM_EP_COUNT) return xc_cli_usage("sim", "bad --port-base");
    o.port_base = (int)n;
  }
  if ((v = xc_cli_opt(argc, argv, "--seed"))) {
    if (parse_u64(v, &n)) return xc_cli_usage("sim", "bad --seed");
    o.seed = n;
  }
  if ((v = xc_cli_opt(argc, argv, "--symbols"))) o.symbols = v;
  if ((v = xc_cli_opt(argc, argv, "--config"))) o.config_path = v;
  if ((v = xc_cli_opt(argc, argv, "--bg-tick-ms"))) {
    if (parse_u64(v, &n) || n == 0 || n > 60000) return xc_cli_usage("sim", "bad --bg-tick-ms");
    o.bg_tick_ms = (uint32_t)n;
  }
  if ((v = xc_cli_opt(argc, argv, "--bg-actions"))) {
    if (parse_u64(v, &n) || n > 100000) return xc_cli_usage("sim", "bad --bg-actions");
    o.bg_actions = (uint32_t)n;
  }
  if ((v = xc_cli_opt(argc, argv, "--ws-lifetime-ms"))) {
    if (parse_u64(v, &n) || n == 0 || n > 86400000) return xc_cli_usage("sim", "bad --ws-lifetime-ms");
    o.ws_lifetime_ms = (uint32_t)n;
  }
  if ((v = xc_cli_opt(argc, argv, "--api-key"))) o.api_key = v;
  if ((v = xc_cli_opt(argc, argv, "--api-secret"))) o.api_secret = v;
  o.quiet = xc_cli_flag(argc, argv, "--quiet");
  o.bg_manual = xc_cli_flag(argc, argv, "--bg-manual");
  xc_sim *sim = NULL;
  xc_status st = xc_sim_new(&o, &sim);
  if (st != XC_OK) {
    fprintf(stderr, "xconn sim: cannot start: %s\n", xc_status_str(st));
    return XC_CLI_FAIL;
  }
  g_sim = sim;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  printf("%s\n", xc_sim_endpoints_json(sim));
  fflush(stdout);
  st = xc_sim_run(sim);
  g_sim = NULL;
  xc_sim_free(sim);
  if (!o.quiet) fprintf(stderr, "xconn sim: stopped\n");
  return st == XC_OK ? XC_CLI_OK : XC_CLI_FAIL;
}
