/* md_basic: the smallest useful xconn market-data program.
 *
 * Starts the embedded simulator (no exchange is needed), creates a client pointed at it, looks up
 * the BTC/USDT rules, subscribes the order book and the trades of BTC/USDT, prints events for
 * three seconds from the engine thread, and reads the book from the main thread meanwhile.
 * Against the real venue, drop the simulator and leave endpoints_json NULL.
 *
 *   build/examples/md_basic
 */
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include "xconn/xconn.h"
#include "xconn/sim.h"

static atomic_int g_trades, g_books;

/* Runs on the client's engine thread; the event is valid only during the call. */
static void on_event(xc_client *c, const xc_event *ev, void *user) {
  (void)c;
  (void)user;
  char p[64], q[64];
  switch (ev->type) {
  case XC_EV_TRADE:
    if (atomic_fetch_add(&g_trades, 1) < 5) {
      xc_dec_to_str(ev->u.trade.price, p, sizeof p);
      xc_dec_to_str(ev->u.trade.qty, q, sizeof q);
      printf("trade %s %s %s @ %s\n", ev->symbol, xc_side_name(ev->u.trade.taker_side), q, p);
    }
    break;
  case XC_EV_BOOK: atomic_fetch_add(&g_books, 1); break;
  case XC_EV_BOOK_STATE:
    printf("book %s is %s (%s)\n", ev->symbol, xc_book_state_name(ev->u.book.state),
           xc_book_reason_name(ev->u.book.reason));
    break;
  case XC_EV_CONN: printf("connection '%s': state %d %s\n", ev->u.conn.name, ev->u.conn.state, ev->u.conn.reason); break;
  case XC_EV_ERROR: printf("error: %s\n", ev->u.error.what); break;
  default: break;
  }
}

int main(void) {
  xc_sim_opts so;
  xc_sim_opts_default(&so);
  so.quiet = true;
  xc_sim *sim = NULL;
  if (xc_sim_new(&so, &sim) != XC_OK || xc_sim_start(sim) != XC_OK) return 1;

  xc_client_opts o;
  xc_client_opts_default(&o);
  o.endpoints_json = xc_sim_endpoints_json(sim);
  o.on_event = on_event;
  xc_client *c = NULL;
  xc_status st = xc_client_new(&o, &c);
  if (st != XC_OK) {
    fprintf(stderr, "client: %s\n", xc_status_str(st));
    return 1;
  }

  xc_instrument in;
  if ((st = xc_instrument_get(c, XC_VENUE_BINANCE, "BTC/USDT", &in)) == XC_OK) {
    char tick[64], step[64];
    xc_dec_to_str(in.tick_size, tick, sizeof tick);
    xc_dec_to_str(in.step_size, step, sizeof step);
    printf("BTC/USDT (%s): tick %s, step %s\n", in.venue_symbol, tick, step);
  } else {
    fprintf(stderr, "instrument: %s: %s\n", xc_status_str(st), xc_client_errmsg(c));
  }

  xc_sub_opts sub;
  xc_sub_opts_default(&sub);
  sub.venue = XC_VENUE_BINANCE;
  sub.symbol = "BTC/USDT";
  sub.channel = XC_CH_BOOK;
  uint64_t book_id, trades_id;
  xc_subscribe(c, &sub, &book_id);
  sub.channel = XC_CH_TRADES;
  xc_subscribe(c, &sub, &trades_id);

  for (int i = 0; i < 6; i++) { /* 3 s: read the book from this thread every 0.5 s */
    struct timespec ts = {0, 500 * 1000000L};
    nanosleep(&ts, NULL);
    xc_book_top top;
    if (xc_book_copy_top(c, XC_VENUE_BINANCE, "BTC/USDT", 1, &top) == XC_OK && top.state == XC_BOOK_LIVE &&
        top.nbids && top.nasks) {
      char b[64], a[64];
      xc_dec_to_str(top.bids[0].price, b, sizeof b);
      xc_dec_to_str(top.asks[0].price, a, sizeof a);
      printf("main thread: best bid %s, best ask %s (update %lld)\n", b, a, (long long)top.update_id);
    }
  }
  printf("%d trades, %d book updates\n", atomic_load(&g_trades), atomic_load(&g_books));
  xc_client_free(c);
  xc_sim_free(sim);
  return 0;
}
