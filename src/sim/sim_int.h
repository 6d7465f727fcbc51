/* sim/sim_int.h: the simulator core's internal contract for venue front ends.
 *
 * The core (src/sim/sim_*.c, owned by simcore) provides:
 *   - an HTTP/1.1 + WebSocket server on one libuv loop, one listening port per real host
 *     (xc_sim_ep), with routing by method + path to front-end handlers;
 *   - WebSocket sessions with a bounded outgoing queue, server pings, lifetime, incoming rate
 *     limits, and a topic registry (pub/sub) for market streams;
 *   - a venue-neutral matching engine: markets, price-time books, orders, accounts, balances,
 *     futures positions, public trades, 24 h statistics, and an event bus;
 *   - a seeded background market, a shiftable exchange clock, timers, fault injection.
 * A venue front end (src/sim/binance_*.c, src/sim/bybit_*.c) turns venue requests into engine
 * calls and engine events into venue payloads.
 *
 * Attaching a front end: a front end provides a header src/sim/<venue>.h declaring
 *     xc_status xc__sim_<venue>_attach(xc_sim *sim);
 * (venue = binance or bybit). sim_frontends.c calls it, when that header exists
 * (__has_include), once from xc_sim_new() after the engine and the ports are set up and before
 * the loop runs. attach registers routes, WebSocket routes, timers and a front end (xc__sim_fe)
 * whose on_event receives every engine event and whose destroy frees its state at xc_sim_free().
 *
 * Threading: everything here runs on the simulator thread (or, before start, on the thread that
 * calls xc_sim_new); nothing here is thread-safe, and nothing may block. Handlers run inside the
 * loop; they may call any function in this header, including the engine (which emits events
 * synchronously, so on_event can run nested inside an engine call made by a handler).
 * on_event itself must NOT call engine functions that change state (order place/cancel,
 * deposit, leverage): it runs in the middle of matching. Reading (books, orders, balances) and
 * sending to sessions are fine.
 *
 * Lifetimes: request, response, event and order structs passed to callbacks are valid only
 * during the call; copy what you keep. Session pointers (xc__sim_ws) are valid until their
 * on_close returns. Market and account pointers live as long as the xc_sim.
 *
 * Money: prices, quantities and balances cross this interface as xc_dec (exact). The engine
 * keeps books in integer ticks (price / tick) and lots (quantity / step).
 */
#ifndef XC_SIM_SIM_INT_H
#define XC_SIM_SIM_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "xconn/decimal.h"
#include "xconn/sim.h"
#include "xconn/status.h"

/* ============================================================================================ */
/* Options, clock, randomness                                                                   */
/* ============================================================================================ */

/* The options the simulator was created with (defaults filled in). */
const xc_sim_opts *xc__sim_opts(const xc_sim *sim);
/* Exchange clock: host wall clock plus the admin clock shift. Use for every timestamp the venue
 * sends (serverTime, E, T, transactTime) and for timestamp/recvWindow checks. */
int64_t xc__sim_now_ms(const xc_sim *sim);
int64_t xc__sim_now_us(const xc_sim *sim);
/* Monotonic milliseconds (not shifted), for local timeouts and windows. */
uint64_t xc__sim_mono_ms(const xc_sim *sim);
/* Random numbers for front ends (listen keys, ids). A stream separate from the background
 * market's, seeded from opts.seed, so using it never changes the market. */
uint64_t xc__sim_rand(xc_sim *sim);
/* Scales a real venue limit by the current rate-limit percentage (admin "rate_limit");
 * never returns less than 1 for a positive input. */
int64_t xc__sim_limit(const xc_sim *sim, int64_t real_limit);
/* Binance's REQUEST_WEIGHT window in ms (60000 unless admin rate_limit set window_s). */
int64_t xc__sim_weight_window_ms(const xc_sim *sim);
/* Counts one REST request refused by a rate limit (429 / 418), for the admin stats. */
void xc__sim_note_limited(xc_sim *sim);

/* Fixed-window counter for rate-limit accounting (e.g. weight per minute, orders per 10 s). */
typedef struct xc__sim_window {
  int64_t span_ms;   /* window length; set before first use */
  int64_t start_ms;  /* start of the current window (aligned to span_ms) */
  int64_t used;      /* units used in the current window */
} xc__sim_window;
/* Adds n units at now_ms (rolling into a new window when due); returns the units used in the
 * current window including these. */
static inline int64_t xc__sim_window_add(xc__sim_window *w, int64_t now_ms, int64_t n) {
  int64_t start = w->span_ms > 0 ? now_ms - (now_ms % w->span_ms) : 0;
  if (start != w->start_ms) {
    w->start_ms = start;
    w->used = 0;
  }
  w->used += n;
  return w->used;
}
/* Milliseconds until the current window ends (for Retry-After). */
static inline int64_t xc__sim_window_left_ms(const xc__sim_window *w, int64_t now_ms) {
  int64_t end = w->start_ms + w->span_ms;
  return end > now_ms ? end - now_ms : 0;
}

/* ============================================================================================ */
/* Timers                                                                                       */
/* ============================================================================================ */

typedef struct xc__sim_timer xc__sim_timer;
typedef void (*xc__sim_timer_fn)(xc_sim *sim, void *user);
/* A timer on the simulator loop: first fires after first_ms, then every repeat_ms (0 = once).
 * Freed by xc__sim_timer_free() or at xc_sim_free(). NULL on allocation failure. */
xc__sim_timer *xc__sim_timer_new(xc_sim *sim, uint64_t first_ms, uint64_t repeat_ms,
                                 xc__sim_timer_fn fn, void *user);
/* Stops and frees a timer (NULL is a no-op). Allowed from inside its own callback. */
void xc__sim_timer_free(xc__sim_timer *t);

/* ============================================================================================ */
/* HTTP                                                                                          */
/* ============================================================================================ */

typedef struct xc__sim_header {
  const char *name;  /* as received (case preserved), not NUL-terminated */
  size_t name_len;
  const char *value; /* leading/trailing spaces trimmed, not NUL-terminated */
  size_t value_len;
} xc__sim_header;

#define XC__SIM_MAX_HEADERS 48

/* One HTTP request (also the upgrade request of a WebSocket). Everything is raw, exactly as on
 * the wire: the query and the body are NOT percent-decoded (signatures are computed over these
 * bytes); parse them with core/query.h. Strings are NUL-terminated unless noted. */
typedef struct xc__sim_req {
  xc_sim *sim;
  xc_sim_ep ep;           /* which port (real host) it arrived on */
  const char *method;     /* "GET", "POST", "PUT", "DELETE", ... */
  const char *path;       /* "/api/v3/order" (raw, no query) */
  size_t path_len;
  const char *query;      /* bytes after '?' (no '?'), "" when none */
  size_t query_len;
  const char *body;       /* request body ("" when none); NUL-terminated copy */
  size_t body_len;
  int nheaders;
  xc__sim_header headers[XC__SIM_MAX_HEADERS];
  const char *remote_ip;  /* "127.0.0.1" */
  uint64_t conn_id;       /* TCP connection id (stable over keep-alive requests) */
  int64_t recv_ms;        /* exchange clock when the request was complete */
  bool http10;            /* HTTP/1.0 request (closed after the answer unless keep-alive) */
} xc__sim_req;

/* Value of header `name` (case-insensitive), or NULL; *len receives its length (may be NULL). */
const char *xc__sim_req_header(const xc__sim_req *req, const char *name, size_t *len);

/* A response being built by a handler. The core sends it when the handler returns (after the
 * admin latency, if any). Content-Type defaults to application/json;charset=UTF-8. */
typedef struct xc__sim_resp {
  int status;              /* default 200 */
  xc_buf body;             /* the body; append to it (e.g. with xc_jw from core/json.h) */
  xc_buf headers;          /* extra header lines "Name: value\r\n"; use xc__sim_resp_header */
  const char *content_type;/* NULL = application/json;charset=UTF-8 (static storage) */
  bool close;              /* close the connection after this response */
} xc__sim_resp;

/* Adds a response header line. */
void xc__sim_resp_header(xc__sim_resp *resp, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets status and replaces the body with a copy of json. */
void xc__sim_resp_json(xc__sim_resp *resp, int status, const char *json);

typedef void (*xc__sim_http_fn)(const xc__sim_req *req, xc__sim_resp *resp, void *user);

/* Routes `method` (NULL = any) + `path` on port ep to fn. Path matching is exact, or by prefix
 * when path ends with '*' (e.g. "/fapi/v1/" followed by a star). The first registered match wins, exact routes before
 * prefix routes. A request no route matches gets the port's fallback, else 404 with an empty
 * JSON object. XC_EFULL when the route table is full (256 per port). */
xc_status xc__sim_route(xc_sim *sim, xc_sim_ep ep, const char *method, const char *path,
                        xc__sim_http_fn fn, void *user);
/* Handler for requests no route matches on ep. */
xc_status xc__sim_route_fallback(xc_sim *sim, xc_sim_ep ep, xc__sim_http_fn fn, void *user);
/* Writer of the venue's error body when the core answers for a fault (admin "http_fault": status
 * 5xx or 503). Without one the core sends {"code":-1,"msg":"Service unavailable"}. */
typedef void (*xc__sim_http_error_fn)(const xc__sim_req *req, xc__sim_resp *resp, int status,
                                      void *user);
xc_status xc__sim_route_error(xc_sim *sim, xc_sim_ep ep, xc__sim_http_error_fn fn, void *user);

/* ============================================================================================ */
/* WebSocket sessions                                                                            */
/* ============================================================================================ */

typedef struct xc__sim_ws xc__sim_ws;

typedef struct xc__sim_ws_handlers {
  /* The upgrade request for a route matched. Return 0 to accept, or an HTTP status (400, 404,
   * ...) to refuse the upgrade; resp (may be written) is then sent as the HTTP answer and on_close
   * is NOT called (free anything allocated before refusing). On accept the session exists and
   * may already be sent to (e.g. a welcome message). */
  int (*on_open)(xc__sim_ws *ws, const xc__sim_req *req, xc__sim_resp *resp, void *user);
  /* A complete text message (fragments reassembled), NUL-terminated for convenience. Binary
   * messages are refused with close code 1003. Messages beyond 1 MiB close the session (1009). */
  void (*on_text)(xc__sim_ws *ws, const char *data, size_t len, void *user);
  /* The session is gone (peer closed, error, lifetime, drop fault, shutdown); free per-session
   * state here. Sending is no longer possible. May be NULL. */
  void (*on_close)(xc__sim_ws *ws, void *user);
  /* A pong arrived (after xc__sim_ws_set_ping). May be NULL. */
  void (*on_pong)(xc__sim_ws *ws, void *user);
} xc__sim_ws_handlers;

/* WebSocket route: upgrade requests for `path` (exact, or prefix when ending with '*') on ep.
 * h must stay valid (static storage) for the simulator's life. */
xc_status xc__sim_ws_route(xc_sim *sim, xc_sim_ep ep, const char *path,
                           const xc__sim_ws_handlers *h, void *user);

/* Queues one text frame (copied). XC_OK, XC_ECLOSED if the session is closing, XC_EFULL if the
 * outgoing queue would pass opts.ws_queue_max: the session is then closed (slow consumer, 1008)
 * and the frame dropped. A stalled session drops frames silently (XC_OK). */
xc_status xc__sim_ws_send(xc__sim_ws *ws, const char *data, size_t len);
/* As xc__sim_ws_send, for private (user data / order) events: the duplicate and reorder faults
 * apply to these only. */
xc_status xc__sim_ws_send_private(xc__sim_ws *ws, const char *data, size_t len);
/* Sends a close frame with code and reason (<= 123 bytes) after the queued frames, then closes
 * the TCP connection. Idempotent. */
void xc__sim_ws_close(xc__sim_ws *ws, uint16_t code, const char *reason);
/* Closes the TCP connection at once, no close frame (as a network drop looks). */
void xc__sim_ws_drop(xc__sim_ws *ws);

/* Per-session front-end state (NULL initially). */
void xc__sim_ws_set_data(xc__sim_ws *ws, void *data);
void *xc__sim_ws_data(const xc__sim_ws *ws);
/* Connection id (unique per simulator, also shown by admin "connections"). */
uint64_t xc__sim_ws_id(const xc__sim_ws *ws);
xc_sim_ep xc__sim_ws_ep(const xc__sim_ws *ws);
xc_sim *xc__sim_ws_sim(const xc__sim_ws *ws);
/* The upgrade request's raw path and query (NUL-terminated, valid for the session's life). */
const char *xc__sim_ws_path(const xc__sim_ws *ws);
const char *xc__sim_ws_query(const xc__sim_ws *ws);
/* Bytes queued and not yet written. */
size_t xc__sim_ws_queued(const xc__sim_ws *ws);
/* Server pings: a ping frame every interval_ms (0 = none, the default); the connection is dropped
 * (no close frame, as Binance does) when no pong arrives within timeout_ms of a ping. Use
 * opts.ws_ping_ms and opts.ws_pong_timeout_ms for Binance. */
void xc__sim_ws_set_ping(xc__sim_ws *ws, uint32_t interval_ms, uint32_t timeout_ms);
/* Closes the session (code 1000, reason "lifetime") when it is ms old (0 = never). Use
 * opts.ws_lifetime_ms for Binance's 24 h limit. */
void xc__sim_ws_set_lifetime(xc__sim_ws *ws, uint64_t ms);
/* Idle timeout: when no frame of any kind (text, ping, pong, ...) has arrived for ms
 * (0 = never, the default), close with close_code, or drop the TCP connection when close_code
 * is 0. (Bybit: clients must send an application ping; the server closes idle connections.) */
void xc__sim_ws_set_idle_timeout(xc__sim_ws *ws, uint64_t ms, uint16_t close_code);
/* Incoming message limit: more than max_per_s text messages within one second closes the
 * session with close_code (0 = no limit, the default). Binance: 5/s on market streams. */
void xc__sim_ws_set_rx_limit(xc__sim_ws *ws, uint32_t max_per_s, uint16_t close_code);
/* Calls fn for every open session on ep (XC_SIM_EP_COUNT = all ports). The callback may close
 * the session it is given. */
void xc__sim_ws_each(xc_sim *sim, xc_sim_ep ep, void (*fn)(xc__sim_ws *ws, void *user), void *user);

/* ---- topics: pub/sub for market streams --------------------------------------------------- */
/* A topic is any string the front end chooses; prefix it with the venue and port to keep venues
 * apart ("bs:btcusdt@trade"). A subscription carries a variant 0..7 chosen by the subscriber
 * (e.g. 0 = raw stream, 1 = combined-stream wrapper); publishing supplies one payload per
 * variant in use. */

/* Subscribes ws to topic with variant. XC_EDUPLICATE if already subscribed (the variant is
 * left unchanged), XC_EFULL past 1024 topics per session. */
xc_status xc__sim_topic_sub(xc__sim_ws *ws, const char *topic, int variant);
/* Unsubscribes; XC_ENOTFOUND if not subscribed. Sessions are unsubscribed from all topics
 * automatically when they close. */
xc_status xc__sim_topic_unsub(xc__sim_ws *ws, const char *topic);
/* True if ws is subscribed to topic. */
bool xc__sim_topic_is_sub(const xc__sim_ws *ws, const char *topic);
/* The session's topics in subscription order. */
void xc__sim_topic_list(const xc__sim_ws *ws, void (*fn)(const char *topic, int variant, void *user),
                        void *user);
/* Bit v set when some session is subscribed to topic with variant v; 0 = no subscriber: skip
 * formatting the payload. */
unsigned xc__sim_topic_mask(xc_sim *sim, const char *topic);
/* Sends msgs[v] (lens[v] bytes) to every session subscribed with variant v (v < nvariants;
 * NULL entries are skipped). Returns the number of frames queued. */
int xc__sim_topic_publish(xc_sim *sim, const char *topic, const char *const *msgs,
                          const size_t *lens, int nvariants);

/* ============================================================================================ */
/* Matching engine: markets                                                                      */
/* ============================================================================================ */

typedef struct xc__sim_mkt xc__sim_mkt;
typedef struct xc__sim_acct xc__sim_acct;

/* Instrument rules (values the exchangeInfo / instruments-info filters publish). */
typedef struct xc__sim_instr {
  char symbol[24];        /* venue symbol, "BTCUSDT" */
  char base[12];          /* "BTC" */
  char quote[12];         /* "USDT" (also the settle/margin asset of a linear market) */
  xc_sim_venue venue;
  xc_sim_kind kind;
  xc_dec tick;            /* price tick size (PRICE_FILTER tickSize) */
  xc_dec step;            /* quantity step (LOT_SIZE stepSize) */
  xc_dec min_qty, max_qty;         /* LOT_SIZE */
  xc_dec market_max_qty;           /* MARKET_LOT_SIZE maxQty */
  xc_dec min_price, max_price;     /* PRICE_FILTER */
  xc_dec min_notional;             /* (NOTIONAL / MIN_NOTIONAL) */
  xc_dec max_notional;             /* NOTIONAL maxNotional (spot) */
  xc_dec maker_fee, taker_fee;     /* rates, e.g. 0.001 */
  int price_places;       /* decimal places of tick */
  int qty_places;         /* decimal places of step */
  int base_places, quote_places;   /* asset precisions venues publish (8 for Binance spot) */
  int max_leverage;       /* linear only */
  xc_dec init_price;      /* background market starting mid price */
  xc_dec rule_tick;       /* admin "instrument": the tick size published and enforced for new
                           * orders, a multiple of `tick` (the engine's grid); zero = tick */
  char status[16];        /* admin "instrument": trading status as Binance names it ("HALT",
                           * "BREAK", ...); "" = TRADING */
} xc__sim_instr;

/* Number of markets, and market i (0..n-1): every venue x kind x symbol configured. */
int xc__sim_mkt_count(const xc_sim *sim);
xc__sim_mkt *xc__sim_mkt_at(xc_sim *sim, int i);
/* The market with this venue symbol (exact, case-sensitive: "BTCUSDT"), or NULL. */
xc__sim_mkt *xc__sim_mkt_find(xc_sim *sim, xc_sim_venue venue, xc_sim_kind kind, const char *symbol);
/* Same, for a symbol that is not NUL-terminated (straight from a query string). */
xc__sim_mkt *xc__sim_mkt_findn(xc_sim *sim, xc_sim_venue venue, xc_sim_kind kind,
                               const char *symbol, size_t len);
const xc__sim_instr *xc__sim_mkt_instr(const xc__sim_mkt *m);
/* Dense index of the market (0..count-1), handy for front-end per-market arrays. */
int xc__sim_mkt_index(const xc__sim_mkt *m);

/* ---- book ---------------------------------------------------------------------------------- */

typedef enum xc__sim_side { XC__SIM_BUY = 0, XC__SIM_SELL = 1 } xc__sim_side;

typedef struct xc__sim_level {
  xc_dec price;
  xc_dec qty;        /* total resting quantity; 0 in a diff = level removed */
} xc__sim_level;

/* The book's update id: incremented by one for every level change (add, reduce, remove).
 * A snapshot taken now has lastUpdateId = this; the next change carries this + 1. */
uint64_t xc__sim_book_update_id(const xc__sim_mkt *m);
/* Copies up to max levels of one side, best first; returns the number copied. */
int xc__sim_book_levels(const xc__sim_mkt *m, xc__sim_side side, xc__sim_level *out, int max);
/* Number of price levels on a side. */
int xc__sim_book_depth(const xc__sim_mkt *m, xc__sim_side side);
/* Best bid and ask (qty zero and false when the side is empty). */
bool xc__sim_book_best(const xc__sim_mkt *m, xc__sim_side side, xc__sim_level *out);
/* Mark price of a linear market (mid of the book, else last trade, else init price). */
xc_dec xc__sim_mark_price(const xc__sim_mkt *m);

/* ---- depth diffs batched for a stream ------------------------------------------------------ */
/* A batcher collects the levels changed since its last flush; a front end flushes it on its
 * stream's cadence (Binance 100/250/500/1000 ms, Bybit 10-200 ms) and sends one diff message.
 * The ids line up with snapshots: a snapshot with lastUpdateId L is followed by the flush whose
 * first_id <= L + 1 <= last_id. The book-gap fault makes the next flush come back dropped
 * (ids consumed, nothing to send): the client sees first_id != previous last_id + 1.
 * Memory is bounded: a window with more than 4096 distinct changed levels also comes back
 * dropped (never seen at realistic rates; the client resyncs as after any gap). */
typedef struct xc__sim_depth_batch xc__sim_depth_batch;

typedef struct xc__sim_depth_diff {
  uint64_t first_id;      /* U: first update id in this diff */
  uint64_t last_id;       /* u: last update id in this diff */
  uint64_t prev_last_id;  /* pu: last_id of the previous flush of this batcher (or of the
                             snapshot point at creation/reset) */
  int nbids, nasks;
  const xc__sim_level *bids; /* changed levels with their current quantity (0 = removed), best
                                first; valid until the next call on this batcher */
  const xc__sim_level *asks;
  bool dropped;           /* a gap fault swallowed this diff: send nothing */
} xc__sim_depth_diff;

/* Creates a batcher on m, starting empty at the current update id. max_levels bounds the levels
 * per side reported per flush (0 = all; Binance sends all changed levels). */
xc__sim_depth_batch *xc__sim_depth_batch_new(xc__sim_mkt *m, int max_levels);
void xc__sim_depth_batch_free(xc__sim_depth_batch *b);
/* Flushes: returns true and fills *out when levels changed since the last flush (or a dropped
 * diff consumed ids), false when there is nothing to send. */
bool xc__sim_depth_batch_flush(xc__sim_depth_batch *b, xc__sim_depth_diff *out);
/* Forgets pending changes and restarts at the current update id (after a snapshot was sent on
 * the stream, e.g. Bybit). */
void xc__sim_depth_batch_reset(xc__sim_depth_batch *b);

/* ---- public trades and statistics ---------------------------------------------------------- */

typedef struct xc__sim_trade {
  uint64_t id;            /* per-market trade id, from 1 */
  xc_dec price, qty;
  xc_dec quote_qty;       /* price * qty */
  bool buyer_is_maker;    /* true when the taker sold */
  int64_t time_ms;        /* exchange clock */
  uint64_t maker_order_id, taker_order_id;
} xc__sim_trade;

/* Copies up to max most recent trades, oldest first (the core keeps the last 1000). */
int xc__sim_trades_recent(const xc__sim_mkt *m, xc__sim_trade *out, int max);

/* Rolling statistics since start (the sim's "24 h" window is its whole run, capped at 24 h of
 * trades not being tracked individually; documented in docs/sim.md). */
typedef struct xc__sim_stats24 {
  xc_dec open, high, low, last;  /* prices; zero when no trade yet (open = init price) */
  xc_dec volume, quote_volume;
  uint64_t count;                /* number of trades */
  uint64_t first_id, last_id;    /* trade ids (0 when none) */
  int64_t open_ms, close_ms;     /* window start and now */
  xc_dec last_qty;
} xc__sim_stats24;
void xc__sim_mkt_stats(const xc__sim_mkt *m, xc__sim_stats24 *out);

/* ============================================================================================ */
/* Matching engine: accounts and orders                                                          */
/* ============================================================================================ */

/* The test user: credentials and its accounts. Binance has a spot and a USDⓈ-M account; Bybit a
 * unified account that trades both spot and linear. */
typedef struct xc__sim_user {
  char api_key[72];
  char api_secret[72];
  xc__sim_acct *acct[XC_SIM_VENUE_COUNT][XC_SIM_KIND_COUNT]; /* bybit spot == bybit linear */
  int64_t uid;            /* Bybit uid / Binance uid */
} xc__sim_user;

/* The user owning api key `key` (len bytes), or NULL. */
const xc__sim_user *xc__sim_user_by_key(const xc_sim *sim, const char *key, size_t len);
/* The account a market trades in for this user (user->acct[venue][kind]). */
xc__sim_acct *xc__sim_user_acct(const xc__sim_user *u, const xc__sim_mkt *m);

typedef struct xc__sim_balance {
  char asset[12];
  xc_dec free;      /* available */
  xc_dec locked;    /* held by open orders (spot) or as order + position margin (linear) */
  xc_dec wallet;    /* free + locked for spot; wallet balance (deposits + realized PnL - fees)
                       for a futures/unified margin asset */
} xc__sim_balance;

/* Balance of one asset (all zero when never held). */
void xc__sim_acct_balance(const xc__sim_acct *a, const char *asset, xc__sim_balance *out);
/* Copies up to max balances (every asset ever held, in first-use order); returns the count. */
int xc__sim_acct_balances(const xc__sim_acct *a, xc__sim_balance *out, int max);
/* Adds amount (may be negative; XC_EINSUFFICIENT if free would go below 0) to an asset's free
 * and wallet balance; emits a BALANCE event with reason DEPOSIT. */
xc_status xc__sim_acct_deposit(xc__sim_acct *a, const char *asset, xc_dec amount);
/* The venue of an account, and whether it is a margin (USDⓈ-M / Bybit unified) account. */
xc_sim_venue xc__sim_acct_venue(const xc__sim_acct *a);
bool xc__sim_acct_is_margin(const xc__sim_acct *a);

typedef struct xc__sim_position {
  const xc__sim_mkt *mkt;
  xc_dec qty;             /* signed: > 0 long, < 0 short, 0 flat (one-way mode) */
  xc_dec entry_price;     /* average entry; 0 when flat */
  xc_dec mark_price;
  xc_dec unrealized_pnl;  /* (mark - entry) * qty */
  xc_dec realized_pnl;    /* cumulative for this market */
  xc_dec notional;        /* |qty| * mark */
  xc_dec initial_margin;  /* notional / leverage */
  int leverage;
  int64_t update_ms;
} xc__sim_position;

/* Position of a linear market m in account a (flat position when none). */
void xc__sim_acct_position(const xc__sim_acct *a, const xc__sim_mkt *m, xc__sim_position *out);
/* Sets the leverage of m for a (1..instr max_leverage; XC_ERANGE outside). Emits nothing. */
xc_status xc__sim_acct_set_leverage(xc__sim_acct *a, const xc__sim_mkt *m, int leverage);

/* Futures/unified summary for the margin asset (USDT). */
typedef struct xc__sim_margin {
  xc_dec wallet;          /* walletBalance */
  xc_dec unrealized_pnl;  /* sum over positions */
  xc_dec margin_balance;  /* wallet + unrealized */
  xc_dec position_margin; /* sum of initial margins */
  xc_dec order_margin;    /* margin held by open orders */
  xc_dec available;       /* margin_balance - position_margin - order_margin (>= 0) */
} xc__sim_margin;
void xc__sim_acct_margin(const xc__sim_acct *a, const char *asset, xc__sim_margin *out);

typedef enum xc__sim_otype { XC__SIM_LIMIT = 0, XC__SIM_MARKET = 1 } xc__sim_otype;
typedef enum xc__sim_tif {
  XC__SIM_GTC = 0,
  XC__SIM_IOC,
  XC__SIM_FOK,
  XC__SIM_POST_ONLY  /* Binance LIMIT_MAKER / GTX, Bybit PostOnly */
} xc__sim_tif;
typedef enum xc__sim_ostatus {
  XC__SIM_OS_NEW = 0,
  XC__SIM_OS_PARTIALLY_FILLED,
  XC__SIM_OS_FILLED,
  XC__SIM_OS_CANCELED,   /* by the user; may be partially filled */
  XC__SIM_OS_EXPIRED,    /* IOC/FOK remainder, post-only that would take, market out of liquidity */
  XC__SIM_OS_REJECTED
} xc__sim_ostatus;

/* Why the engine refused an order (front ends map these to venue codes). */
typedef enum xc__sim_rej {
  XC__SIM_REJ_NONE = 0,
  XC__SIM_REJ_BAD_PARAM,       /* missing price for LIMIT, qty and quote_qty both/neither, ... */
  XC__SIM_REJ_PRICE_FILTER,    /* price not a multiple of tick, or outside min/max price */
  XC__SIM_REJ_LOT_SIZE,        /* qty not a multiple of step, or outside min/max qty */
  XC__SIM_REJ_MIN_NOTIONAL,    /* price * qty below min_notional */
  XC__SIM_REJ_MAX_NOTIONAL,
  XC__SIM_REJ_INSUFFICIENT,    /* balance or margin too low */
  XC__SIM_REJ_WOULD_TAKE,      /* post-only that would match, with XC__SIM_OF_REJECT_WOULD_TAKE */
  XC__SIM_REJ_DUP_CLIENT_ID,   /* an open order already has this client id */
  XC__SIM_REJ_REDUCE_ONLY,     /* reduce-only would increase the position */
  XC__SIM_REJ_NO_LIQUIDITY,    /* market order with an empty opposite side (with the flag) */
  XC__SIM_REJ_UNKNOWN_ORDER,   /* cancel/query: no such order */
  XC__SIM_REJ_TOO_MANY_ORDERS  /* more than 200 open orders per market and account */
} xc__sim_rej;
const char *xc__sim_rej_name(xc__sim_rej r);

#define XC__SIM_CLID_MAX 48 /* client order id capacity including NUL (venues allow 36) */

/* An order as it stands (snapshot). */
typedef struct xc__sim_order {
  uint64_t id;                 /* per-simulator order id, from 1 */
  char client_id[XC__SIM_CLID_MAX];
  const xc__sim_mkt *mkt;
  const xc__sim_acct *acct;
  xc__sim_side side;
  xc__sim_otype type;
  xc__sim_tif tif;
  xc__sim_ostatus status;
  bool reduce_only;
  xc_dec price;                /* limit price (0 for MARKET) */
  xc_dec qty;                  /* original base qty (for MARKET by quote: the executed qty once
                                  done; 0 before) */
  xc_dec quote_qty;            /* MARKET by quote: the requested quote amount, else 0 */
  xc_dec filled_qty;           /* executedQty / cumExecQty */
  xc_dec filled_quote;         /* cummulativeQuoteQty / cumExecValue */
  xc_dec avg_price;            /* filled_quote / filled_qty (0 when nothing filled) */
  xc_dec fee_total;            /* cumulative fee in fee_asset */
  char fee_asset[12];
  int64_t create_ms, update_ms;/* exchange clock */
  uint64_t update_seq;         /* increments per change of this order */
} xc__sim_order;

/* Engine flags per request. */
#define XC__SIM_OF_REJECT_WOULD_TAKE 0x1u /* post-only that would match: reject (Binance spot
                                              LIMIT_MAKER) instead of EXPIRED (Binance GTX, Bybit) */
#define XC__SIM_OF_REJECT_NO_LIQUIDITY 0x2u /* MARKET into an empty side: reject, not EXPIRED */

typedef struct xc__sim_order_req {
  xc__sim_mkt *mkt;
  xc__sim_acct *acct;
  xc__sim_side side;
  xc__sim_otype type;
  xc__sim_tif tif;             /* LIMIT: GTC/IOC/FOK/POST_ONLY; MARKET: ignored (IOC) */
  xc_dec price;                /* LIMIT */
  xc_dec qty;                  /* base quantity; zero when ordering by quote */
  xc_dec quote_qty;            /* MARKET by quote amount (quoteOrderQty, marketUnit=quoteCoin) */
  const char *client_id;       /* NULL or "": the engine generates "sim-<id>" */
  bool reduce_only;            /* linear only; rejected (REDUCE_ONLY) when it would not reduce,
                                  its quantity capped at the position size otherwise */
  uint32_t flags;              /* XC__SIM_OF_* */
} xc__sim_order_req;

typedef struct xc__sim_fill {
  uint64_t trade_id;           /* the public trade's id */
  xc_dec price, qty, quote_qty;
  xc_dec fee;
  char fee_asset[12];
  bool maker;
  xc_dec realized_pnl;         /* linear: PnL realized by this fill */
  int64_t time_ms;
} xc__sim_fill;

#define XC__SIM_MAX_FILLS 64

typedef struct xc__sim_order_res {
  xc__sim_rej rej;             /* XC__SIM_REJ_NONE when accepted */
  xc__sim_order order;         /* state after immediate matching (valid when accepted) */
  int nfills;                  /* fills of the immediate match (first XC__SIM_MAX_FILLS) */
  xc__sim_fill fills[XC__SIM_MAX_FILLS];
} xc__sim_order_res;

/* Places an order and matches it at once. XC_OK: accepted (res->order holds NEW, PARTIALLY_FILLED,
 * FILLED or EXPIRED); XC_EREJECTED: refused, res->rej says why, no event emitted. Emits ORDER
 * (NEW, then one TRADE per fill, then EXPIRED if so), BALANCE and POSITION events and public
 * TRADE/BOOK events synchronously. */
xc_status xc__sim_order_place(xc_sim *sim, const xc__sim_order_req *rq, xc__sim_order_res *res);
/* Cancels an open order of account a in m by order_id (when non-zero) or by client_id.
 * XC_OK with *out (may be NULL) the canceled order; XC_EUNKNOWN_ORDER if no such open order
 * (already done or never existed). Emits ORDER (CANCELED) and BALANCE events. */
xc_status xc__sim_order_cancel(xc_sim *sim, xc__sim_acct *a, const xc__sim_mkt *m,
                               uint64_t order_id, const char *client_id, xc__sim_order *out);
/* Cancels every open order of a in m (m NULL = all markets of a); fn (may be NULL) sees each
 * canceled order. Returns the number canceled (>= 0) or a negative status. */
int xc__sim_order_cancel_all(xc_sim *sim, xc__sim_acct *a, const xc__sim_mkt *m,
                             void (*fn)(const xc__sim_order *o, void *user), void *user);
/* Looks an order up by id (non-zero) or client id, open or done (the last 10000 done orders per
 * account are kept). XC_EUNKNOWN_ORDER if unknown. m may be NULL (any market). */
xc_status xc__sim_order_get(xc_sim *sim, const xc__sim_acct *a, const xc__sim_mkt *m,
                            uint64_t order_id, const char *client_id, xc__sim_order *out);
/* Calls fn for each open order of a (in m, or all markets when m is NULL), oldest first.
 * Returns the count. */
int xc__sim_orders_open(xc_sim *sim, const xc__sim_acct *a, const xc__sim_mkt *m,
                        void (*fn)(const xc__sim_order *o, void *user), void *user);
/* Recent fills of account a in m (m NULL = all), oldest first, up to max (the last 1000 kept
 * per account); each with its order. Returns the count. */
int xc__sim_acct_fills(const xc__sim_acct *a, const xc__sim_mkt *m, xc__sim_fill *fills,
                       xc__sim_order *orders, int max);

/* ============================================================================================ */
/* Engine events                                                                                 */
/* ============================================================================================ */

typedef enum xc__sim_ev_kind {
  XC__SIM_EV_ORDER = 0,   /* a user order changed (exec NEW/TRADE/CANCELED/EXPIRED) */
  XC__SIM_EV_BALANCE,     /* user balances changed (all assets changed by one engine action) */
  XC__SIM_EV_POSITION,    /* a user position changed */
  XC__SIM_EV_TRADE,       /* a public trade printed */
  XC__SIM_EV_BOOK,        /* one price level changed (update_id incremented) */
  XC__SIM_EV_BATCH_END    /* end of one engine action (order place/cancel, background step):
                             flush anything batched per action (e.g. Bybit wallet, Binance
                             outboundAccountPosition) */
} xc__sim_ev_kind;

typedef enum xc__sim_exec {
  XC__SIM_EXEC_NEW = 0,
  XC__SIM_EXEC_TRADE,
  XC__SIM_EXEC_CANCELED,
  XC__SIM_EXEC_EXPIRED,
  XC__SIM_EXEC_REJECTED
} xc__sim_exec;

typedef enum xc__sim_bal_reason {
  XC__SIM_BAL_ORDER = 0,  /* lock/unlock/fill/fee */
  XC__SIM_BAL_DEPOSIT     /* admin deposit */
} xc__sim_bal_reason;

typedef struct xc__sim_event {
  xc__sim_ev_kind kind;
  int64_t time_ms;              /* exchange clock (event time E) */
  const xc__sim_mkt *mkt;       /* ORDER, POSITION, TRADE, BOOK (NULL for BALANCE, BATCH_END) */
  const xc__sim_acct *acct;     /* ORDER, BALANCE, POSITION; NULL for public events */
  union {
    struct {
      xc__sim_exec exec;
      const xc__sim_order *order;   /* state after this change */
      const xc__sim_fill *fill;     /* exec TRADE: this fill; else NULL */
    } order;
    struct {
      xc__sim_bal_reason reason;
      int n;
      const xc__sim_balance *items; /* every asset this action changed, new values */
      const xc_dec *deltas;         /* change of wallet per item (deposit amount, fee, PnL) */
    } balance;
    struct {
      const xc__sim_position *pos;
    } position;
    struct {
      const xc__sim_trade *trade;
    } trade;
    struct {
      uint64_t update_id;
      xc__sim_side side;
      xc_dec price;
      xc_dec qty;                   /* new total at the level (0 = removed) */
    } book;
  } u;
} xc__sim_event;

/* ============================================================================================ */
/* Front ends and faults                                                                         */
/* ============================================================================================ */

typedef enum xc__sim_fault_kind {
  XC__SIM_FAULT_SERVER_SHUTDOWN = 0, /* Binance: serverShutdown event then close */
  XC__SIM_FAULT_STREAM_TERMINATED,   /* Binance: eventStreamTerminated on user data streams */
  XC__SIM_FAULT_BOOK_RESTART,        /* Bybit: orderbook snapshot with u=1 */
  XC__SIM_FAULT_LISTEN_KEY_EXPIRED,  /* Binance: listenKeyExpired */
  XC__SIM_FAULT_OTHER                /* name in `name` */
} xc__sim_fault_kind;

typedef struct xc__sim_fault {
  xc__sim_fault_kind kind;
  xc_sim_venue venue;
  const char *name;           /* the admin name ("server_shutdown", ...) */
  const char *symbol;         /* NULL = all */
} xc__sim_fault;

typedef struct xc__sim_fe {
  const char *name;           /* "binance", "bybit" */
  xc_sim_venue venue;
  /* Every engine event (public and private, all venues: filter on mkt/acct venue). */
  void (*on_event)(xc_sim *sim, const xc__sim_event *ev, void *state);
  /* A venue-specific fault for this venue. Return XC_ENOTSUP if not handled. May be NULL. */
  xc_status (*on_fault)(xc_sim *sim, const xc__sim_fault *f, void *state);
  /* Frees state at xc_sim_free (after every session closed). May be NULL. */
  void (*destroy)(xc_sim *sim, void *state);
} xc__sim_fe;

/* Registers a front end (fe must be static storage). Up to 8. */
xc_status xc__sim_fe_add(xc_sim *sim, const xc__sim_fe *fe, void *state);

/* Front-end attach functions, called by the core when their headers exist (see top). */
typedef xc_status (*xc__sim_attach_fn)(xc_sim *sim);

#endif
