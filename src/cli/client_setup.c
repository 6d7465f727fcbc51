/* Shared client setup and event printing for the market-data commands (see client_setup.h). */
#include "cli/client_setup.h"
#include "cli/trading_print.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/json.h"

const char xc_cli_client_usage[] =
    "  --venue binance            venue (default binance)\n"
    "  --symbol BTC/USDT          unified symbol (BTC/USDT:USDT for the USD-M perpetual)\n"
    "  --json                     one JSON object per line (decimals as strings)\n"
    "  --duration S               stop after S seconds (default: until Ctrl-C)\n"
    "  --count N                  stop after N events\n"
    "  --sim                      run the simulator in-process and connect to it\n"
    "  --endpoints FILE           endpoints JSON printed by `xconn sim` (first line of FILE)\n"
    "  --testnet                  the venues' test networks instead of production\n"
    "Keys: XCONN_BINANCE_API_KEY / XCONN_BINANCE_API_SECRET (or api_key/api_secret in --endpoints).\n";

static volatile sig_atomic_t g_stop;

static void on_signal(int sig) {
  (void)sig;
  g_stop = 1;
}

static void on_event(xc_client *c, const xc_event *ev, void *user) {
  (void)c;
  xc_cli_print_event(user, ev);
}

static char *first_line(char *s) {
  char *nl = strchr(s, '\n');
  if (nl) *nl = 0;
  return s;
}

int xc_cli_client_open(xc_cli_client *cc, const char *cmd, int argc, char **argv, bool need_symbol) {
  memset(cc, 0, sizeof *cc);
  cc->cmd = cmd;
  cc->venue = XC_VENUE_BINANCE;
  cc->depth = 10;
  const char *v;
  if ((v = xc_cli_opt(argc, argv, "--venue")) && xc_venue_parse(v, &cc->venue))
    return xc_cli_usage(cmd, "unknown venue '%s'", v);
  cc->symbol = xc_cli_opt(argc, argv, "--symbol");
  if (need_symbol && !cc->symbol) return xc_cli_usage(cmd, "--symbol is required (e.g. BTC/USDT)");
  xc_symbol sy;
  if (cc->symbol && xc_symbol_parse(cc->symbol, &sy))
    return xc_cli_usage(cmd, "bad symbol '%s' (BTC/USDT or BTC/USDT:USDT)", cc->symbol);
  cc->json = xc_cli_flag(argc, argv, "--json");
  if ((v = xc_cli_opt(argc, argv, "--duration"))) {
    char *end;
    cc->duration_s = strtod(v, &end);
    if (*end || cc->duration_s <= 0 || cc->duration_s > 1e7) return xc_cli_usage(cmd, "bad --duration");
  }
  if ((v = xc_cli_opt(argc, argv, "--count"))) {
    char *end;
    cc->count = strtol(v, &end, 10);
    if (*end || cc->count <= 0) return xc_cli_usage(cmd, "bad --count");
  }
  if ((v = xc_cli_opt(argc, argv, "--depth"))) {
    char *end;
    long d = strtol(v, &end, 10);
    if (*end || d < 1 || d > XC_BOOK_TOP_MAX) return xc_cli_usage(cmd, "bad --depth (1..%d)", XC_BOOK_TOP_MAX);
    cc->depth = (uint32_t)d;
    cc->book_depth = (uint32_t)d;
  }
  if ((v = xc_cli_opt(argc, argv, "--levels"))) {
    char *end;
    long d = strtol(v, &end, 10);
    if (*end || d < 1 || d > XC_BOOK_TOP_MAX) return xc_cli_usage(cmd, "bad --levels (1..%d)", XC_BOOK_TOP_MAX);
    cc->depth = (uint32_t)d; /* printed levels only; the book's depth stays --depth (or full) */
  }
  xc_client_opts o;
  xc_client_opts_default(&o);
  o.testnet = xc_cli_flag(argc, argv, "--testnet");
  const char *epf = xc_cli_opt(argc, argv, "--endpoints");
  if (xc_cli_flag(argc, argv, "--sim")) {
    if (epf) return xc_cli_usage(cmd, "--sim and --endpoints exclude each other");
    xc_sim_opts so;
    xc_sim_opts_default(&so);
    so.quiet = true;
    if (xc_sim_new(&so, &cc->sim) || xc_sim_start(cc->sim)) {
      fprintf(stderr, "xconn %s: cannot start the embedded simulator\n", cmd);
      return XC_CLI_FAIL;
    }
    cc->endpoints = strdup(xc_sim_endpoints_json(cc->sim));
  } else if (epf) {
    cc->endpoints = xc_cli_read_file(epf, NULL);
    if (!cc->endpoints) {
      fprintf(stderr, "xconn %s: cannot read %s\n", cmd, epf);
      return XC_CLI_FAIL;
    }
    first_line(cc->endpoints);
  }
  o.endpoints_json = cc->endpoints;
  /* credentials: environment first, then the endpoints JSON (the simulator's test keys) */
  static char key[256], secret[256];
  xc_credentials cred = {0};
  const char *ek = getenv("XCONN_BINANCE_API_KEY"), *es = getenv("XCONN_BINANCE_API_SECRET");
  if (ek && es) {
    cred.api_key = ek;
    cred.api_secret = es;
  } else if (cc->endpoints) {
    xc_json j;
    xc_json_init(&j);
    if (xc_json_parse(&j, cc->endpoints, strlen(cc->endpoints)) == XC_OK &&
        xc_json_get_str(&j, 0, "api_key", key, sizeof key) == XC_OK &&
        xc_json_get_str(&j, 0, "api_secret", secret, sizeof secret) == XC_OK) {
      cred.api_key = key;
      cred.api_secret = secret;
    }
    xc_json_free(&j);
  }
  if (cred.api_key) o.binance = &cred;
  o.on_event = on_event;
  o.user = cc;
  xc_status st = xc_client_new(&o, &cc->c);
  memset(secret, 0, sizeof secret);
  if (st) {
    fprintf(stderr, "xconn %s: %s%s%s\n", cmd, xc_status_str(st), st == XC_EINVAL ? " (endpoints?)" : "", "");
    xc_cli_client_close(cc);
    return st == XC_EINVAL ? XC_CLI_USAGE : XC_CLI_FAIL;
  }
  return XC_CLI_OK;
}

int xc_cli_client_subscribe(xc_cli_client *cc, xc_channel ch) {
  xc_sub_opts so;
  xc_sub_opts_default(&so);
  so.venue = cc->venue;
  so.symbol = cc->symbol;
  so.channel = ch;
  so.event_levels = cc->depth;
  if (ch == XC_CH_BOOK) so.depth = cc->book_depth; /* same meaning as xc_sub_opts.depth */
  uint64_t id;
  xc_status st = xc_subscribe(cc->c, &so, &id);
  if (st) {
    fprintf(stderr, "xconn %s: subscribe: %s: %s\n", cc->cmd, xc_status_str(st), xc_client_errmsg(cc->c));
    return XC_CLI_FAIL;
  }
  return XC_CLI_OK;
}

void xc_cli_client_run(xc_cli_client *cc) {
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  uint64_t end = cc->duration_s > 0 ? xc_mono_ns() + (uint64_t)(cc->duration_s * 1e9) : UINT64_MAX;
  while (!g_stop && xc_mono_ns() < end && !(cc->count && atomic_load(&cc->printed) >= cc->count)) {
    struct timespec ts = {0, 20 * 1000000L};
    nanosleep(&ts, NULL);
  }
}

void xc_cli_client_close(xc_cli_client *cc) {
  xc_client_free(cc->c);
  cc->c = NULL;
  xc_sim_free(cc->sim);
  cc->sim = NULL;
  free(cc->endpoints);
  cc->endpoints = NULL;
}

/* ---- printing --------------------------------------------------------------------------------- */

static void dec_txt(xc_dec d, char *buf, size_t cap) {
  if (xc_dec_to_str(d, buf, cap) < 0) snprintf(buf, cap, "?");
}

static void jw_levels(xc_jw *w, const char *key, const xc_book_level *lv, uint32_t n) {
  xc_jw_key(w, key);
  xc_jw_arr_begin(w);
  for (uint32_t i = 0; i < n; i++) {
    xc_jw_arr_begin(w);
    xc_jw_dec_str(w, lv[i].price);
    xc_jw_dec_str(w, lv[i].qty);
    xc_jw_arr_end(w);
  }
  xc_jw_arr_end(w);
}

static void print_json(const xc_event *ev) {
  xc_buf b;
  xc_buf_init(&b);
  xc_jw w;
  xc_jw_init(&w, &b);
  xc_jw_obj_begin(&w);
  xc_jw_kv_str(&w, "type", xc_event_type_name(ev->type));
  xc_jw_kv_str(&w, "venue", xc_venue_name(ev->venue));
  if (ev->market) xc_jw_kv_str(&w, "market", xc_market_name(ev->market));
  if (ev->symbol && ev->symbol[0]) xc_jw_kv_str(&w, "symbol", ev->symbol);
  if (ev->sub_id) xc_jw_kv_u64(&w, "sub_id", ev->sub_id);
  xc_jw_kv_i64(&w, "venue_ts_ms", ev->venue_ts_ms);
  xc_jw_kv_i64(&w, "recv_ts_ns", ev->recv_ts_ns);
  switch (ev->type) {
  case XC_EV_TICKER: {
    const xc_ticker *t = &ev->u.ticker;
    xc_jw_kv_dec_str(&w, "last", t->last);
    xc_jw_kv_dec_str(&w, "last_qty", t->last_qty);
    xc_jw_kv_dec_str(&w, "open", t->open);
    xc_jw_kv_dec_str(&w, "high", t->high);
    xc_jw_kv_dec_str(&w, "low", t->low);
    xc_jw_kv_dec_str(&w, "volume", t->volume);
    xc_jw_kv_dec_str(&w, "quote_volume", t->quote_volume);
    xc_jw_kv_dec_str(&w, "change_pct", t->change_pct);
    xc_jw_kv_dec_str(&w, "bid", t->bid);
    xc_jw_kv_dec_str(&w, "bid_qty", t->bid_qty);
    xc_jw_kv_dec_str(&w, "ask", t->ask);
    xc_jw_kv_dec_str(&w, "ask_qty", t->ask_qty);
    break;
  }
  case XC_EV_BBO:
    xc_jw_kv_dec_str(&w, "bid", ev->u.bbo.bid);
    xc_jw_kv_dec_str(&w, "bid_qty", ev->u.bbo.bid_qty);
    xc_jw_kv_dec_str(&w, "ask", ev->u.bbo.ask);
    xc_jw_kv_dec_str(&w, "ask_qty", ev->u.bbo.ask_qty);
    xc_jw_kv_i64(&w, "update_id", ev->u.bbo.update_id);
    break;
  case XC_EV_TRADE:
    xc_jw_kv_str(&w, "trade_id", ev->u.trade.trade_id);
    xc_jw_kv_dec_str(&w, "price", ev->u.trade.price);
    xc_jw_kv_dec_str(&w, "qty", ev->u.trade.qty);
    xc_jw_kv_str(&w, "taker_side", xc_side_name(ev->u.trade.taker_side));
    break;
  case XC_EV_BOOK:
  case XC_EV_BOOK_STATE: {
    const xc_book_top *t = ev->u.book.top;
    xc_jw_kv_str(&w, "state", xc_book_state_name(ev->u.book.state));
    if (ev->type == XC_EV_BOOK_STATE) xc_jw_kv_str(&w, "reason", xc_book_reason_name(ev->u.book.reason));
    xc_jw_kv_i64(&w, "update_id", t->update_id);
    jw_levels(&w, "bids", t->bids, t->nbids);
    jw_levels(&w, "asks", t->asks, t->nasks);
    break;
  }
  case XC_EV_CONN: {
    static const char *const names[] = {"connecting", "open", "reconnecting", "closed"};
    xc_jw_kv_str(&w, "name", ev->u.conn.name);
    xc_jw_kv_str(&w, "state", (unsigned)ev->u.conn.state < 4 ? names[ev->u.conn.state] : "?");
    xc_jw_kv_str(&w, "reason", ev->u.conn.reason);
    if (ev->u.conn.state == XC_CONN_RECONNECTING) {
      xc_jw_kv_u64(&w, "attempt", ev->u.conn.attempt);
      xc_jw_kv_u64(&w, "delay_ms", ev->u.conn.delay_ms);
    }
    break;
  }
  case XC_EV_ERROR:
    xc_jw_kv_str(&w, "status", xc_status_name(ev->u.error.status));
    xc_jw_kv_str(&w, "what", ev->u.error.what);
    break;
  default: break;
  }
  xc_jw_obj_end(&w);
  if (xc_jw_finish(&w) == XC_OK) {
    fwrite(b.data, 1, b.len, stdout);
    fputc('\n', stdout);
    fflush(stdout);
  }
  xc_buf_free(&b);
}

static void print_text(const xc_event *ev) {
  char a[64], b[64], c[64], d[64];
  switch (ev->type) {
  case XC_EV_TICKER:
    dec_txt(ev->u.ticker.last, a, sizeof a);
    dec_txt(ev->u.ticker.change_pct, b, sizeof b);
    dec_txt(ev->u.ticker.volume, c, sizeof c);
    printf("%-14s ticker last %s  24h %s%%  vol %s\n", ev->symbol, a, b, c);
    break;
  case XC_EV_BBO:
    dec_txt(ev->u.bbo.bid, a, sizeof a);
    dec_txt(ev->u.bbo.bid_qty, b, sizeof b);
    dec_txt(ev->u.bbo.ask, c, sizeof c);
    dec_txt(ev->u.bbo.ask_qty, d, sizeof d);
    printf("%-14s bbo %s x %s | %s x %s\n", ev->symbol, b, a, c, d);
    break;
  case XC_EV_TRADE:
    dec_txt(ev->u.trade.price, a, sizeof a);
    dec_txt(ev->u.trade.qty, b, sizeof b);
    printf("%-14s trade %-4s %s @ %s  id %s\n", ev->symbol, xc_side_name(ev->u.trade.taker_side), b, a,
           ev->u.trade.trade_id);
    break;
  case XC_EV_BOOK: {
    const xc_book_top *t = ev->u.book.top;
    printf("%-14s book u=%lld  %u/%u levels\n", ev->symbol, (long long)t->update_id, t->total_bids, t->total_asks);
    uint32_t n = t->nbids > t->nasks ? t->nbids : t->nasks;
    for (uint32_t i = 0; i < n; i++) {
      a[0] = b[0] = c[0] = d[0] = 0;
      if (i < t->nbids) dec_txt(t->bids[i].qty, a, sizeof a), dec_txt(t->bids[i].price, b, sizeof b);
      if (i < t->nasks) dec_txt(t->asks[i].price, c, sizeof c), dec_txt(t->asks[i].qty, d, sizeof d);
      printf("    %16s %14s | %-14s %-16s\n", a, b, c, d);
    }
    break;
  }
  case XC_EV_BOOK_STATE:
    printf("%-14s book %s (%s)\n", ev->symbol, xc_book_state_name(ev->u.book.state),
           xc_book_reason_name(ev->u.book.reason));
    break;
  case XC_EV_CONN: {
    static const char *const names[] = {"connecting", "open", "reconnecting", "closed"};
    printf("[%s] %s%s%s\n", ev->u.conn.name, (unsigned)ev->u.conn.state < 4 ? names[ev->u.conn.state] : "?",
           ev->u.conn.reason[0] ? ": " : "", ev->u.conn.reason);
    break;
  }
  case XC_EV_ERROR: printf("error: %s: %s\n", xc_status_name(ev->u.error.status), ev->u.error.what); break;
  default: return;
  }
  fflush(stdout);
}

void xc_cli_print_event(xc_cli_client *cc, const xc_event *ev) {
  if (cc->count && atomic_load(&cc->printed) >= cc->count) return;
  if (cc->watch < 0) return; /* one-shot trading commands print only their result */
  if (ev->type >= XC_EV_ORDER && ev->type <= XC_EV_POSITION) { /* private updates: `xconn watch` */
    bool want = (cc->watch == 1 && (ev->type == XC_EV_ORDER || ev->type == XC_EV_FILL)) ||
                (cc->watch == 2 && ev->type == XC_EV_BALANCE) || (cc->watch == 3 && ev->type == XC_EV_POSITION);
    if (want) {
      xc_cli_print_trading(cc->json, ev);
      atomic_fetch_add(&cc->printed, 1);
    }
    return;
  }
  if (cc->json) print_json(ev);
  else print_text(ev);
  if (ev->type == XC_EV_TICKER || ev->type == XC_EV_BBO || ev->type == XC_EV_TRADE || ev->type == XC_EV_BOOK)
    atomic_fetch_add(&cc->printed, 1);
}
