/* venues/venue.h: the venue registry (internal).
 *
 * A venue is a const descriptor (id, name, capabilities per market, production and testnet URLs,
 * rate-limit defaults) plus a table of operations the venue-neutral client (src/api/client.c)
 * calls: symbol mapping, stream topic names, REST paths, and the parsers that turn venue bytes
 * into normalized values. Every operation is pure (sans-I/O) and thread-safe. A venue without a
 * descriptor is unsupported (xc_venue_has() is false, calls return XC_ENOTSUP).
 */
#ifndef XC_VENUES_VENUE_H
#define XC_VENUES_VENUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "book/book.h"
#include "core/json.h"
#include "core/ratelimit.h"
#include "transport/ws.h"
#include "xconn/events.h"
#include "xconn/market.h"

/* Index of a market in per-market tables (XC_MARKET_SPOT = 1, XC_MARKET_LINEAR = 2). */
#define XC__NMARKETS 3

/* Why a data message arrived: what the client routes it to. */
typedef struct xc__venue_route {
  const char *topic; /* stream / topic name inside the message (borrowed), or NULL */
  size_t topic_len;
} xc__venue_route;

typedef struct xc__venue_ops {
  /* Venue symbol of a unified symbol ("BTC/USDT" -> "BTCUSDT"). XC_ENOSPC / XC_EINVAL. */
  xc_status (*venue_symbol)(const xc_symbol *s, char *out, size_t cap);
  /* Stream topic of a channel for a venue symbol ("btcusdt@trade"). depth only for XC_CH_BOOK
   * (0 = diff stream). XC_ENOTSUP when the venue has no such stream on market m. */
  xc_status (*topic)(xc_market m, xc_channel ch, const char *vsym, uint32_t depth, char *out, size_t cap);
  /* Path (and query) of the WebSocket endpoint for public market data on m ("/stream"). */
  const char *(*ws_public_path)(xc_market m);
  /* WebSocket hooks for (un)subscribe messages and their replies on market m. */
  const xc__ws_venue *(*ws_hooks)(xc_market m);
  /* Finds the topic of a data message (cheap, no full parse). false: not a routable message. */
  bool (*route)(const char *msg, size_t len, xc__venue_route *out);
  /* Parses a market-data message of channel ch (not XC_CH_BOOK) already parsed into j. Fills
   * ev->type, ev->venue_ts_ms and the matching union member; *seq gets a monotonic id used to drop
   * duplicates across reconnects (trade id, event time...), 0 if none. */
  xc_status (*parse_md)(xc_json *j, xc_market m, xc_channel ch, xc_event *ev, int64_t *seq);
  /* REST path and query of the instrument list for market m. */
  const char *(*instruments_path)(xc_market m);
  /* Request weight of that call. */
  uint32_t (*instruments_weight)(xc_market m);
  /* Parses an instrument list into a malloc'd array (*out, *n). Errors name the field in err. */
  xc_status (*parse_instruments)(xc_json *j, xc_market m, xc_instrument **out, size_t *n, char *err,
                                 size_t errcap);
  /* Book engine procedure for market m (full-depth diff stream). */
  xc_book_venue (*book_kind)(xc_market m);
  /* Levels of the venue's partial-depth stream that `topic` uses for a book of `depth` levels
   * (each message a whole top-N book: no snapshot, no sequence), or 0 when that depth is kept as a
   * diff book synchronised with a snapshot. May be NULL (never partial). */
  uint32_t (*book_partial)(xc_market m, uint32_t depth);
  /* REST path of a depth snapshot ("/api/v3/depth?symbol=BTCUSDT&limit=5000") into out. */
  xc_status (*depth_path)(xc_market m, const char *vsym, uint32_t limit, char *out, size_t cap);
  /* Installs the default request limits of market m into rl (before exchangeInfo tells better). */
  void (*rl_defaults)(xc_market m, xc_rl *rl);
  /* Folds one response header into rl (venue counters). */
  void (*rl_header)(xc_rl *rl, const char *name, const char *value, int64_t sent_ms, int64_t recv_ms);
  /* Applies the request limits the venue announces in its instrument list (may be NULL). Returns
   * how many limits were set. */
  int (*rl_configure)(xc_json *j, xc_market m, xc_rl *rl);
  /* Folds an HTTP status (429 / 418 with Retry-After seconds, -1 if absent) into rl. */
  void (*rl_http)(xc_rl *rl, int64_t now_ms, int http_status, int64_t retry_after_s);
  /* A venue error body (4xx) into a status and message ("-1121 Invalid symbol."). */
  xc_status (*rest_error)(int http_status, const char *body, size_t len, char *msg, size_t cap);
} xc__venue_ops;

typedef struct xc__venue_desc {
  xc_venue id;
  const char *name;
  uint32_t caps[XC__NMARKETS];          /* bit (1 << xc_capability) per market */
  const char *rest_url[XC__NMARKETS];   /* production */
  const char *ws_url[XC__NMARKETS];
  const char *test_rest_url[XC__NMARKETS];
  const char *test_ws_url[XC__NMARKETS];
  /* Keys of this venue's entries in the `xconn sim` endpoints JSON, per market. */
  const char *ep_venue_key;
  const char *ep_rest_key[XC__NMARKETS];
  const char *ep_ws_key[XC__NMARKETS];
  const xc__venue_ops *ops;
} xc__venue_desc;

/* The descriptor of venue v, or NULL when this build has no adapter for it. */
const xc__venue_desc *xc__venue_get(xc_venue v);

extern const xc__venue_desc xc__binance_desc;

#endif
