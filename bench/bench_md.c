/* End-to-end market data: the simulator runs in a child process (so its allocations are not
 * counted), the client in this one subscribes ticker, BBO, trades and the L2 book of BTC/USDT and
 * ETH/USDT on Binance spot. After the books are LIVE and a warm-up second, it counts events,
 * allocations (this process: engine thread, transport, parsers, book, callbacks) and the delay
 * from the venue's event time to delivery for 3 s. Prints figures; asserts nothing. */
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "benchutil.h"
#include "core/clock.h"
#include "xconn/xconn.h"
#include "xconn/sim.h"

static atomic_long g_events, g_books, g_lat_n, g_lat_sum_us;
static atomic_int g_live;

static void on_event(xc_client *c, const xc_event *ev, void *user) {
  (void)c;
  (void)user;
  atomic_fetch_add(&g_events, 1);
  if (ev->type == XC_EV_BOOK) {
    atomic_fetch_add(&g_books, 1);
    if (ev->venue_ts_ms > 0) {
      int64_t d = ev->recv_ts_ns / 1000 - ev->venue_ts_ms * 1000;
      if (d >= 0 && d < 10000000) {
        atomic_fetch_add(&g_lat_sum_us, d);
        atomic_fetch_add(&g_lat_n, 1);
      }
    }
  }
  if (ev->type == XC_EV_BOOK_STATE && ev->u.book.state == XC_BOOK_LIVE) atomic_fetch_add(&g_live, 1);
}

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

int main(void) {
  int fd[2];
  if (pipe(fd)) return 1;
  pid_t pid = fork();
  if (pid < 0) return 1;
  if (pid == 0) { /* the simulator */
    close(fd[0]);
    xc_sim_opts so;
    xc_sim_opts_default(&so);
    so.quiet = true;
    so.bg_actions = 16;
    xc_sim *sim = NULL;
    if (xc_sim_new(&so, &sim) || xc_sim_start(sim)) _exit(1);
    const char *ep = xc_sim_endpoints_json(sim);
    if (write(fd[1], ep, strlen(ep) + 1) < 0) _exit(1);
    close(fd[1]);
    for (int i = 0; i < 300; i++) sleep_ms(100); /* at most 30 s; the parent kills it sooner */
    xc_sim_free(sim);
    _exit(0);
  }
  close(fd[1]);
  static char ep[4096];
  size_t n = 0;
  ssize_t r;
  while (n < sizeof ep - 1 && (r = read(fd[0], ep + n, sizeof ep - 1 - n)) > 0) {
    n += (size_t)r;
    if (memchr(ep, 0, n)) break;
  }
  close(fd[0]);
  if (!n) return 1;
  xc_client_opts o;
  xc_client_opts_default(&o);
  o.endpoints_json = ep;
  o.on_event = on_event;
  xc_client *c = NULL;
  if (xc_client_new(&o, &c)) return 1;
  const char *syms[2] = {"BTC/USDT", "ETH/USDT"};
  for (int s = 0; s < 2; s++)
    for (int ch = XC_CH_TICKER; ch <= XC_CH_BOOK; ch++) {
      xc_sub_opts so;
      xc_sub_opts_default(&so);
      so.venue = XC_VENUE_BINANCE;
      so.symbol = syms[s];
      so.channel = (xc_channel)ch;
      uint64_t id;
      xc_subscribe(c, &so, &id);
    }
  for (int i = 0; i < 100 && atomic_load(&g_live) < 2; i++) sleep_ms(50);
  sleep_ms(1000);
  long e0 = atomic_load(&g_events), b0 = atomic_load(&g_books);
  atomic_store(&g_lat_n, 0);
  atomic_store(&g_lat_sum_us, 0);
  uint64_t a0 = xc_bench_allocs(), t0 = xc_bench_now_ns();
  sleep_ms(3000);
  uint64_t a1 = xc_bench_allocs(), t1 = xc_bench_now_ns();
  long e1 = atomic_load(&g_events), b1 = atomic_load(&g_books);
  long ev = e1 - e0;
  printf("md end-to-end: %ld events (%ld book updates) in %.2f s, %.0f events/s\n", ev, b1 - b0, (t1 - t0) / 1e9,
         ev / ((t1 - t0) / 1e9));
  printf("md end-to-end: %llu allocations in the client process, %.3f allocs/event\n",
         (unsigned long long)(a1 - a0), ev ? (double)(a1 - a0) / (double)ev : 0.0);
  long ln = atomic_load(&g_lat_n);
  if (ln) printf("md end-to-end: venue event time -> callback %.0f us mean over %ld book events (ms clock)\n",
                 (double)atomic_load(&g_lat_sum_us) / (double)ln, ln);
  xc_book_top top;
  uint64_t rt0 = xc_bench_now_ns();
  for (int i = 0; i < 100000; i++) xc_book_copy_top(c, XC_VENUE_BINANCE, "BTC/USDT", 10, &top);
  xc_bench_report("xc_book_copy_top(10) from another thread, live book", 100000, xc_bench_now_ns() - rt0, -1);
  xc_client_free(c);
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  return 0;
}
