/* Simulator throughput: market-data messages per second delivered to ONE WebSocket client on
 * loopback (raw client, reading as fast as it can), with the background market driven hard.
 *
 * Scenarios:
 *   admin-stream: ws://admin/admin/stream, one JSON message per public trade and per book-level
 *                 change on every market (venue-neutral; exercises engine + topics + server).
 *   binance-combined: ws://spot_ws/stream?streams=<sym>@trade/<sym>@bookTicker/<sym>@depth@100ms
 *                 for every spot symbol (the Binance front end), when it is present.
 * Also reports engine-only background actions per second and allocations per message.
 * Figures only; nothing is asserted. XC_BENCH_SECONDS (default 3) sets each run's length. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "benchutil.h"
#include "sim/sim_core.h"
#include "xconn/sim.h"

static int ws_open(int port, const char *path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    close(fd);
    return -1;
  }
  int rcv = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
  char req[1024];
  int n = snprintf(req, sizeof req,
                   "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                   path);
  if (write(fd, req, (size_t)n) != n) {
    close(fd);
    return -1;
  }
  return fd;
}

typedef struct counter {
  uint64_t msgs, bytes;
  size_t have;
  bool head_done;
  int status;
  char buf[1 << 20];
} counter;

/* Counts complete frames in the stream (skips the HTTP head first). */
static void feed(counter *c, int fd) {
  ssize_t r = read(fd, c->buf + c->have, sizeof c->buf - c->have);
  if (r <= 0) return;
  c->have += (size_t)r;
  size_t off = 0;
  if (!c->head_done) {
    char *e = memmem(c->buf, c->have, "\r\n\r\n", 4);
    if (!e) return;
    c->status = atoi(c->buf + 9);
    off = (size_t)(e + 4 - c->buf);
    c->head_done = true;
  }
  while (c->have - off >= 2) {
    uint8_t *b = (uint8_t *)c->buf + off;
    uint64_t pl = b[1] & 0x7f;
    size_t hl = 2;
    if (pl == 126) {
      if (c->have - off < 4) break;
      pl = ((uint64_t)b[2] << 8) | b[3];
      hl = 4;
    } else if (pl == 127) {
      if (c->have - off < 10) break;
      pl = 0;
      for (int i = 0; i < 8; i++) pl = (pl << 8) | b[2 + i];
      hl = 10;
    }
    if (c->have - off < hl + pl) break;
    if ((b[0] & 0x0f) == 1) {
      c->msgs++;
      c->bytes += pl;
    }
    off += hl + pl;
  }
  memmove(c->buf, c->buf + off, c->have - off);
  c->have -= off;
}

static void run(const char *name, xc_sim_ep ep, const char *path, const char *symbols,
                uint32_t tick_ms, uint32_t actions, double seconds) {
  xc_sim_opts o;
  xc_sim_opts_default(&o);
  if (symbols) o.symbols = symbols;
  o.quiet = true;
  o.bg_tick_ms = tick_ms;
  o.bg_actions = actions;
  o.ws_queue_max = 64u << 20;
  xc_sim *sim;
  if (xc_sim_new(&o, &sim) != XC_OK) {
    printf("%s: cannot start the simulator\n", name);
    return;
  }
  xc_sim_start(sim);
  int fd = ws_open(xc_sim_port(sim, ep), path);
  counter *c = calloc(1, sizeof *c);
  if (fd < 0 || !c) {
    printf("%s: cannot connect\n", name);
    xc_sim_free(sim);
    free(c);
    return;
  }
  /* warm up 0.5 s, then measure */
  uint64_t t_end = xc_bench_now_ns() + 500000000ull;
  while (xc_bench_now_ns() < t_end) {
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, 50) > 0) feed(c, fd);
  }
  if (c->status != 101) {
    printf("%-44s not available (HTTP %d)\n", name, c->status);
    close(fd);
    xc_sim_free(sim);
    free(c);
    return;
  }
  uint64_t m0 = c->msgs, b0 = c->bytes, a0 = xc_bench_allocs(), tr0;
  xc_sim_stats(sim, &tr0, NULL, NULL, NULL);
  uint64_t t0 = xc_bench_now_ns();
  t_end = t0 + (uint64_t)(seconds * 1e9);
  while (xc_bench_now_ns() < t_end) {
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, 50) > 0) feed(c, fd);
  }
  uint64_t dt = xc_bench_now_ns() - t0, tr1;
  uint64_t msgs = c->msgs - m0;
  xc_sim_stats(sim, &tr1, NULL, NULL, NULL);
  double allocs = msgs ? (double)(xc_bench_allocs() - a0) / (double)msgs : 0;
  xc_bench_report(name, msgs, dt, allocs);
  printf("%-44s %10.1f MB/s payload, %.0f trades/s, avg %.0f B/msg\n", "", (double)(c->bytes - b0) / ((double)dt / 1e9) / 1e6,
         (double)(tr1 - tr0) / ((double)dt / 1e9), msgs ? (double)(c->bytes - b0) / (double)msgs : 0);
  close(fd);
  xc_sim_free(sim);
  free(c);
}

/* Engine only: background actions per second with no connection at all. */
static void engine_only(void) {
  xc_sim_opts o;
  xc_sim_opts_default(&o);
  o.quiet = true;
  o.bg_manual = true;
  o.bg_actions = 50;
  xc_sim *sim;
  if (xc_sim_new(&o, &sim) != XC_OK) return;
  xc_sim_bg_step(sim, 100); /* warm-up */
  uint64_t a0 = xc_bench_allocs(), t0 = xc_bench_now_ns();
  uint32_t steps = 2000;
  xc_sim_bg_step(sim, steps);
  uint64_t dt = xc_bench_now_ns() - t0;
  uint64_t ops = (uint64_t)steps * 50u * (uint64_t)xc__sim_mkt_count(sim);
  xc_bench_report("sim engine: background actions", ops, dt,
                  (double)(xc_bench_allocs() - a0) / (double)ops);
  xc_sim_free(sim);
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  double secs = getenv("XC_BENCH_SECONDS") ? atof(getenv("XC_BENCH_SECONDS")) : 3.0;
  if (secs <= 0 || secs > 60) secs = 3.0;
  engine_only();
  run("sim admin-stream: msgs to 1 client (tick 1ms x 10)", XC_SIM_EP_ADMIN, "/admin/stream",
      NULL, 1, 10, secs);
  run("sim admin-stream: msgs to 1 client (tick 1ms x 40)", XC_SIM_EP_ADMIN, "/admin/stream",
      NULL, 1, 40, secs);
  run("sim binance combined, 2 symbols (tick 1ms x 40)", XC_SIM_EP_BINANCE_SPOT_WS,
      "/stream?streams=btcusdt@trade/btcusdt@bookTicker/btcusdt@depth@100ms/ethusdt@trade/"
      "ethusdt@bookTicker/ethusdt@depth@100ms",
      NULL, 1, 40, secs);
  run("sim binance combined, BTCUSDT only (1ms x 200)", XC_SIM_EP_BINANCE_SPOT_WS,
      "/stream?streams=btcusdt@trade/btcusdt@bookTicker/btcusdt@depth@100ms", "BTCUSDT", 1, 200,
      secs);
  return 0;
}
