/* xconn/sim.h: the embedded exchange simulator (`xconn sim` as a library).
 *
 * An xc_sim serves Binance Spot, Binance USDⓈ-M and Bybit v5 over plain HTTP and WebSocket on
 * loopback, one listening port per real host, backed by one venue-neutral matching engine with
 * accounts, a seeded background market and fault injection.
 *
 * Lifetime: xc_sim_new() builds the simulator and binds every port (so the endpoints are known at
 * once); xc_sim_start() runs it on its own thread (or xc_sim_run() on the calling thread);
 * xc_sim_stop() asks it to stop; xc_sim_free() stops, joins and frees it.
 *
 * Threading: every function below is safe from any thread once xc_sim_new() returned. Calls that
 * act on the running simulator are executed on its thread and the caller waits for the result
 * (a few microseconds plus the loop's current work); they may also be called from the simulator's
 * own thread (e.g. its callbacks), where they run inline. Strings returned as `const char *` live
 * as long as the xc_sim; strings returned through `char **` are malloc'd and freed with
 * xc_sim_str_free().
 */
#ifndef XCONN_SIM_H
#define XCONN_SIM_H

#include "xconn/common.h"
#include "xconn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct xc_sim xc_sim;

/* The listening ports; each stands for one real host. */
typedef enum xc_sim_ep {
  XC_SIM_EP_BINANCE_SPOT_REST = 0, /* api.binance.com: /api/v3/... */
  XC_SIM_EP_BINANCE_SPOT_WS,       /* stream.binance.com + ws-api: /ws, /stream, /ws-api/v3 */
  XC_SIM_EP_BINANCE_USDM_REST,     /* fapi.binance.com: /fapi/... */
  XC_SIM_EP_BINANCE_USDM_WS,       /* fstream.binance.com: /ws, /stream, /public, /market, /private */
  XC_SIM_EP_BYBIT_REST,            /* api.bybit.com: /v5/... */
  XC_SIM_EP_BYBIT_WS,              /* stream.bybit.com: /v5/public/spot|linear, /v5/private, /v5/trade */
  XC_SIM_EP_ADMIN,                 /* the simulator's own admin API (docs/sim.md) */
  XC_SIM_EP_COUNT
} xc_sim_ep;

typedef enum xc_sim_venue { XC_SIM_BINANCE = 0, XC_SIM_BYBIT = 1, XC_SIM_VENUE_COUNT } xc_sim_venue;

/* Market kind: spot, or USDT-margined linear perpetual. */
typedef enum xc_sim_kind { XC_SIM_SPOT = 0, XC_SIM_LINEAR = 1, XC_SIM_KIND_COUNT } xc_sim_kind;

typedef struct xc_sim_opts {
  const char *host;          /* address to bind and to publish; default "127.0.0.1" */
  int port_base;             /* 0 (default): OS-chosen ports; else ports port_base + xc_sim_ep */
  uint64_t seed;             /* background market and credentials seed; default 1 */
  const char *symbols;       /* comma-separated, e.g. "BTCUSDT,ETHUSDT" (default); each is listed as
                                spot and linear on both venues */
  const char *config_path;   /* optional JSON config (docs/sim.md); NULL = none */
  const char *api_key;       /* test credentials; NULL (default) = derived from the seed */
  const char *api_secret;
  uint32_t bg_tick_ms;       /* background market timer period; default 20 */
  uint32_t bg_actions;       /* background actions per tick per market; default 4; 0 = quiet:
                                books start empty and only users trade */
  bool bg_manual;            /* true: the background market moves only via xc_sim_bg_step() */
  uint32_t ws_queue_max;     /* per-connection outgoing bound in bytes; default 16 MiB; a consumer
                                that falls further behind is disconnected */
  uint32_t ws_lifetime_ms;   /* forced disconnect age of a WebSocket (Binance: 24 h); default
                                86400000; tests shorten it */
  uint32_t ws_ping_ms;       /* server ping period for venues that ping (Binance 20 s); default 20000 */
  uint32_t ws_pong_timeout_ms; /* close when no pong this long after a ping; default 60000 */
  uint32_t rate_limit_pct;   /* venue rate limits scaled to this percentage; default 100 */
  uint32_t http_max_body;    /* largest accepted request body; default 1 MiB */
  bool quiet;                /* no log lines from the simulator (default false) */
} xc_sim_opts;

/* Fills o with the defaults documented above. */
XC_API void xc_sim_opts_default(xc_sim_opts *o);
/* Builds a simulator and binds its ports. opts NULL = defaults. *out NULL on failure
 * (XC_EINVAL bad option or config, XC_EIO when a port cannot be bound). */
XC_API xc_status xc_sim_new(const xc_sim_opts *opts, xc_sim **out);
/* Starts the simulator on its own thread. XC_EMISUSE if already running. */
XC_API xc_status xc_sim_start(xc_sim *sim);
/* Runs the simulator on the calling thread until xc_sim_stop(). */
XC_API xc_status xc_sim_run(xc_sim *sim);
/* Asks the simulator to stop (closes connections, returns from xc_sim_run / ends the thread).
 * Safe from any thread and from a signal handler's deferred context (it only wakes the loop). */
XC_API void xc_sim_stop(xc_sim *sim);
/* Stops (if running), joins and frees. NULL is a no-op. Not from the simulator's own thread.
 * After xc_sim_run() on another thread, it stops the loop and waits (up to 10 s) for it to end;
 * better: xc_sim_stop(), let xc_sim_run() return, then free. */
XC_API void xc_sim_free(xc_sim *sim);

/* The endpoints JSON printed by `xconn sim` (one line, no newline):
 * {"binance":{"spot_rest":"http://H:P","spot_ws":"ws://H:P","usdm_rest":...,"usdm_ws":...},
 *  "bybit":{"rest":...,"ws":...},"admin":"http://H:P","api_key":...,"api_secret":...} */
XC_API const char *xc_sim_endpoints_json(const xc_sim *sim);
/* Base URL of one endpoint ("http://127.0.0.1:40123" or "ws://..."). */
XC_API const char *xc_sim_endpoint(const xc_sim *sim, xc_sim_ep ep);
/* The bound TCP port of one endpoint. */
XC_API int xc_sim_port(const xc_sim *sim, xc_sim_ep ep);
/* Test credentials (HMAC). */
XC_API const char *xc_sim_api_key(const xc_sim *sim);
XC_API const char *xc_sim_api_secret(const xc_sim *sim);
/* Frees a string returned through a char ** by this header. */
XC_API void xc_sim_str_free(char *s);

/* ---- admin and fault injection (same as the admin HTTP API, docs/sim.md) ---------------------- */

/* Runs one admin command: name as in the admin API ("drop_ws", "book", ...), args a JSON object
 * text or NULL. *out_json (may be NULL) receives the JSON answer. XC_ENOTFOUND unknown command,
 * XC_EINVAL bad arguments. */
XC_API xc_status xc_sim_admin(xc_sim *sim, const char *name, const char *args_json, char **out_json);
/* Closes every WebSocket connection (abruptly, no close frame); returns how many via *n. */
XC_API xc_status xc_sim_drop_ws(xc_sim *sim, int *n);
/* Stalls (or un-stalls) WebSocket connection conn_id (0 = all current ones): it stops sending,
 * stops reading (so pings go unanswered) but stays open. */
XC_API xc_status xc_sim_stall_ws(xc_sim *sim, uint64_t conn_id, bool stall);
/* The next n depth-diff messages of `symbol` on `venue` (both kinds) are lost: a sequence gap. */
XC_API xc_status xc_sim_fault_book_gap(xc_sim *sim, xc_sim_venue venue, const char *symbol, int n);
/* The next n private (user data) events are sent twice. */
XC_API xc_status xc_sim_fault_duplicate(xc_sim *sim, int n);
/* The next n private events are delivered swapped pairwise (each held back until the next one). */
XC_API xc_status xc_sim_fault_reorder(xc_sim *sim, int n);
/* The next n HTTP requests (any REST port) are answered with HTTP `status` (e.g. 500, 503). */
XC_API xc_status xc_sim_fault_http(xc_sim *sim, int status, int n);
/* Delays every HTTP response by ms (0 = off). */
XC_API xc_status xc_sim_set_latency(xc_sim *sim, uint32_t ms);
/* Shifts the exchange clock by ms relative to the host clock (absolute, not cumulative). */
XC_API xc_status xc_sim_shift_clock(xc_sim *sim, int64_t ms);
/* Scales every venue rate limit to pct percent (100 = real limits). */
XC_API xc_status xc_sim_set_rate_limit_pct(xc_sim *sim, uint32_t pct);
/* A venue-specific fault: kind "server_shutdown" or "event_stream_terminated" (Binance),
 * "book_restart" (Bybit orderbook u=1). symbol may be NULL (all). */
XC_API xc_status xc_sim_venue_fault(xc_sim *sim, xc_sim_venue venue, const char *kind,
                                    const char *symbol);
/* The true book: JSON {"symbol":..,"lastUpdateId":N,"bids":[["p","q"],..],"asks":[..]}, best
 * first, at most depth levels per side (0 = all). */
XC_API xc_status xc_sim_book_json(xc_sim *sim, xc_sim_venue venue, xc_sim_kind kind,
                                  const char *symbol, int depth, char **out_json);
/* Advances the background market by n ticks right now (any mode). */
XC_API xc_status xc_sim_bg_step(xc_sim *sim, uint32_t n);
/* Credits (or debits, when negative) an asset of the test account on venue/kind. */
XC_API xc_status xc_sim_deposit(xc_sim *sim, xc_sim_venue venue, xc_sim_kind kind,
                                const char *asset, const char *amount);
/* Counters: trades printed, a running hash of every public trade (for determinism checks),
 * WebSocket messages sent and connections open. Any pointer may be NULL. */
XC_API xc_status xc_sim_stats(xc_sim *sim, uint64_t *trades, uint64_t *trade_hash,
                              uint64_t *ws_msgs_sent, int *ws_open);

#ifdef __cplusplus
}
#endif
#endif
