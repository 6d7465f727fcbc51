/* xconn/client.h: the client handle, its options, credentials and the event callback.
 *
 * A client owns one engine thread (a libuv loop hosting every socket and timer of every venue it
 * talks to). Every function in the public API may be called from any thread, including from inside
 * a callback, unless its comment says otherwise; calls that need the network post a command to the
 * engine thread and return at once (asynchronous forms) or wait for the result (`_sync` forms, which
 * must not be called from a callback). Callbacks and events run on the engine thread, one at a time;
 * the structs they receive are valid only during the call. Every accepted asynchronous request
 * completes exactly once, with XC_ECANCELED at shutdown; if the submitting call fails its callback
 * never runs.
 *
 * Endpoints: by default the venues' production URLs. `endpoints_json` takes the JSON object that
 * `xconn sim` prints on its first line (or a file of the same shape), which is how tests, the demo
 * and the CLI reach the simulator; `testnet` selects the venues' test networks.
 */
#ifndef XCONN_CLIENT_H
#define XCONN_CLIENT_H

#include "xconn/common.h"
#include "xconn/status.h"
#include "xconn/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct xc_client xc_client;
typedef struct xc_event xc_event; /* see xconn/events.h */

/* The one event callback: market data, book state, connection state, orders, fills, balances,
 * positions, breaker state. Runs on the engine thread; `ev` is valid only during the call. */
typedef void (*xc_event_fn)(xc_client *c, const xc_event *ev, void *user);

typedef enum xc_key_type {
  XC_KEY_HMAC = 0,    /* api_secret is the HMAC-SHA256 secret */
  XC_KEY_ED25519 = 1, /* api_secret is a PEM private key (Binance) */
  XC_KEY_RSA = 2      /* api_secret is a PEM private key */
} xc_key_type;

/* API credentials for one venue. Both strings are copied into memory that is wiped on free; the key
 * appears in diagnostics only masked, the secret never. */
typedef struct xc_credentials {
  const char *api_key;
  const char *api_secret;
  xc_key_type key_type;
} xc_credentials;

typedef struct xc_client_opts {
  /* Endpoint overrides: the JSON printed by `xconn sim` (NULL: production URLs). */
  const char *endpoints_json;
  /* Use the venues' test networks instead of production (ignored with endpoints_json). */
  bool testnet;
  /* TLS trust: CA bundle file and/or directory (NULL: the system's). Verification is always on. */
  const char *ca_file;
  const char *ca_path;
  /* Default REST timeout (default 10000 ms). */
  uint32_t request_timeout_ms;
  /* recvWindow sent with signed requests (default 5000 ms). */
  uint32_t recv_window_ms;
  /* When the local rate-limit budget is exhausted: wait for budget (false, the default) or fail at
   * once with XC_EWOULDLIMIT (true). */
  bool rate_limit_fail_fast;
  /* A book with no update for this long while the venue should be sending is STALE and is rebuilt
   * (default 30000 ms; 0 disables). */
  uint32_t book_stale_ms;
  /* WebSocket idle watchdog: no data and no pong for this long means the connection is dead
   * (default 30000 ms; 0 disables the watchdog). */
  uint32_t ws_idle_timeout_ms;
  /* Reconnect backoff bounds (defaults 250 ms and 30000 ms). */
  uint32_t reconnect_min_ms;
  uint32_t reconnect_max_ms;
  /* Event sink (may be NULL) and its user pointer. */
  xc_event_fn on_event;
  void *user;
  /* Credentials per venue (NULL: public data only). Copied. */
  const xc_credentials *binance;
  const xc_credentials *bybit;
  /* Instruments are reloaded this often once a venue's market was used (default 3600000 ms = 1 h;
   * 0 = never). */
  uint32_t instruments_refresh_ms;
  /* Signed (trading) requests: the offset to each used venue market's clock is re-sampled in the
   * background this often (default 30000 ms), so a venue clock change is followed before a request
   * is rejected for its timestamp; 0 = only when a request finds the estimate older than 60 s and
   * after a timestamp rejection. */
  uint32_t clock_refresh_ms;
} xc_client_opts;

/* Fills o with the defaults documented above. */
XC_API void xc_client_opts_default(xc_client_opts *o);

/* Creates a client and starts its engine thread. On failure *out is NULL and the reason is returned
 * (XC_EINVAL for bad options, including unparsable endpoints_json). */
XC_API xc_status xc_client_new(const xc_client_opts *opts, xc_client **out);

/* Stops the engine thread, completes every pending request with XC_ECANCELED, frees everything.
 * NULL is a no-op. From inside a callback the free is deferred until the callback returns. */
XC_API void xc_client_free(xc_client *c);

/* Detail of the last failed call made on this client from the calling thread ("" if none). */
XC_API const char *xc_client_errmsg(const xc_client *c);

/* Capabilities a venue may or may not offer; unsupported calls return XC_ENOTSUP. */
typedef enum xc_capability {
  XC_CAP_TICKER = 1,
  XC_CAP_TRADES,
  XC_CAP_BOOK,
  XC_CAP_ORDERS,
  XC_CAP_ORDER_UPDATES,
  XC_CAP_BALANCES,
  XC_CAP_POSITIONS,
  XC_CAP_QUOTE_QTY_MARKET /* MARKET orders sized in the quote asset */
} xc_capability;

/* True if venue v offers capability cap on market m. Thread-safe, pure. */
XC_API bool xc_venue_has(xc_venue v, xc_market m, xc_capability cap);

#ifdef __cplusplus
}
#endif
#endif
