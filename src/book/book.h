/* The sans-I/O L2 order book engine (internal to libxconn; venue adapters drive it).
 *
 * One xc_book holds one instrument's book on one venue and runs that venue's synchronisation
 * procedure (Binance spot, Binance USD-M futures, Bybit v5). It never does I/O: the driver feeds
 * it WebSocket messages (xc_book_feed) and REST snapshots (xc_book_feed_snapshot) with their
 * receive time, calls xc_book_check(now) from a timer for staleness, and polls actions
 * (xc_book_poll): "fetch a snapshot", "resubscribe", "state changed". See docs/internals/book.md.
 *
 * Prices are kept as int64 keys in units of 10^-P (P = decimal places of the tick size, raised
 * automatically when a finer price arrives), quantities as int64 in units of 10^-Q likewise.
 * Each side is a sorted array with the best level at the end; memory is bounded by max_levels per
 * side; no allocation per update once the arrays reached their working size.
 *
 * Threading: one writer thread (the driver) calls every function that is not marked "any
 * thread". The readers marked "any thread" never see a half-applied update: the best levels are
 * published through a seqlock after each applied message (lock-free, the writer never waits),
 * full copies take a mutex that the writer holds only while it mutates the arrays.
 */
#ifndef XC_BOOK_BOOK_H
#define XC_BOOK_BOOK_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "book/depth.h"
#include "xconn/book.h"
#include "xconn/decimal.h"
#include "xconn/status.h"

typedef enum xc_book_venue {
  XC_BOOK_BINANCE_SPOT = 1, /* binance.md 8.1: U <= L+1 <= u, then U == prev u + 1 */
  XC_BOOK_BINANCE_USDM = 2, /* binance.md 8.2: U <= L <= u, then pu == prev u */
  XC_BOOK_BYBIT = 3         /* bybit.md orderbook: snapshot replaces, u == 1 restarts, u == prev + 1 */
} xc_book_venue;

typedef struct xc_book_opts {
  xc_book_venue venue;
  const char *symbol;      /* venue symbol ("BTCUSDT"); when set, other symbols are refused (copied) */
  xc_dec tick_size;        /* instrument tick; zero = learn the precision from the data */
  xc_dec step_size;        /* instrument quantity step; zero = learn from the data */
  uint32_t max_levels;     /* levels kept per side (default 20000); see book.md "Bounded memory" */
  size_t buffer_bytes;     /* bound on diffs buffered while a snapshot is fetched (default 8 MiB) */
  uint32_t top_n;          /* levels per side published for lock-free readers (default 20, max 64) */
  int64_t stale_after_ns;  /* LIVE -> STALE after this long without a message; 0 = never (default) */
  bool resync_on_crossed;  /* best bid >= best ask after an update -> resync (default true) */
  bool bybit_strict_u;     /* Bybit deltas must have u == prev u + 1 (default true) */
  uint32_t snapshot_limit; /* "limit" to request (default spot 5000, futures 1000, Bybit 0) */
  bool partial_stream;     /* Binance partial book depth (@depth5/10/20): every message is a whole
                            * top-N book that replaces the local one; no snapshot, no sequence
                            * (older ids are dropped). Default false. */
} xc_book_opts;

/* What the driver must do next, or what happened. */
typedef enum xc_book_action_kind {
  XC_BOOK_ACT_NONE = 0,
  XC_BOOK_ACT_NEED_SNAPSHOT, /* fetch a REST depth snapshot (limit = snapshot_limit), then feed it */
  XC_BOOK_ACT_RESUBSCRIBE,   /* Bybit: unsubscribe + subscribe the topic to get a fresh snapshot */
  XC_BOOK_ACT_STATE          /* the book's state changed (from -> to, reason) */
} xc_book_action_kind;

typedef struct xc_book_action {
  xc_book_action_kind kind;
  xc_book_state from, to;
  xc_book_reason reason;
  uint32_t snapshot_limit;
  uint32_t snapshot_weight;  /* request weight of that snapshot (binance.md 3.4 / 3.5), for the limiter */
  uint32_t attempt;          /* 1 for the first request since the book was last LIVE, then 2, 3, ...:
                              * the driver backs off on repeats (each too-old snapshot costs weight) */
  int64_t at_ns;             /* the recv/now time of the call that produced it */
} xc_book_action;

/* What one feed call did with its message. */
typedef enum xc_book_outcome {
  XC_BOOK_O_IGNORED = 0,  /* not a depth message for this book (control reply, other event) */
  XC_BOOK_O_APPLIED,      /* diff applied to a synchronised book */
  XC_BOOK_O_SNAPSHOT,     /* snapshot loaded (REST, Bybit snapshot, Bybit u == 1) */
  XC_BOOK_O_BUFFERED,     /* diff kept until the snapshot arrives */
  XC_BOOK_O_STALE_ID,     /* diff older than the book (u <= last id): dropped, normal */
  XC_BOOK_O_RESYNC        /* gap / crossed / bad message: book discarded, rebuild started */
} xc_book_outcome;

typedef struct xc_book_stats {
  uint64_t msgs, applied, buffered, stale_ids, ignored;
  uint64_t gaps, crossed, bad_messages, resyncs, snapshots, snapshot_requests, snapshots_too_old;
  uint64_t buffer_overflows, levels_evicted, deletes_absent, rescales, actions_dropped;
} xc_book_stats;

typedef struct xc_book xc_book;

/* Request weight of a depth snapshot with `limit` (Binance spot: 5/25/50/250 by limit band,
 * futures: 2/5/10/20; Bybit: 1). */
uint32_t xc_book_snapshot_weight(xc_book_venue venue, uint32_t limit);
/* Fills o with defaults for venue. */
void xc_book_opts_default(xc_book_opts *o, xc_book_venue venue);
/* Creates a book in state SYNCING. XC_EINVAL on bad options; *out is NULL on failure. */
xc_status xc_book_new(const xc_book_opts *o, xc_book **out);
/* Frees the book (NULL is a no-op). No reader may be using it. */
void xc_book_free(xc_book *b);

/* Feeds one WebSocket message (Binance raw or combined depthUpdate; Bybit orderbook topic).
 * XC_OK for every message handled (see *outcome, may be NULL), XC_EPARSE/XC_ERANGE for bytes
 * that cannot be a valid depth message (the book resyncs: an update may have been lost),
 * XC_EINVAL for another symbol's message (ignored). */
xc_status xc_book_feed(xc_book *b, const char *msg, size_t len, int64_t recv_ns, xc_book_outcome *outcome);
/* Feeds a REST snapshot body (Binance GET depth; Bybit GET /v5/market/orderbook). */
xc_status xc_book_feed_snapshot(xc_book *b, const char *body, size_t len, int64_t recv_ns,
                                xc_book_outcome *outcome);
/* Same as the two above for a message the driver decoded itself (msg from xc_depth_decode_*). */
xc_status xc_book_apply(xc_book *b, const xc_depth_msg *msg, int64_t recv_ns, xc_book_outcome *outcome);
xc_status xc_book_apply_snapshot(xc_book *b, const xc_depth_msg *msg, int64_t recv_ns,
                                 xc_book_outcome *outcome);
/* The snapshot fetch failed: ask for it again (queues NEED_SNAPSHOT). */
void xc_book_snapshot_failed(xc_book *b, int64_t now_ns);
/* The stream was (re)connected or resubscribed: discard everything and rebuild (state RESYNCING,
 * or SYNCING if the book was never LIVE). */
void xc_book_reset(xc_book *b, int64_t now_ns);
/* Timer hook: LIVE -> STALE when no message arrived for stale_after_ns. */
void xc_book_check(xc_book *b, int64_t now_ns);
/* Pops the next action; false when none. Bounded queue (32); NEED_SNAPSHOT is never dropped. */
bool xc_book_poll(xc_book *b, xc_book_action *out);

/* Any thread: current state. */
xc_book_state xc_book_state_get(const xc_book *b);
/* Any thread, lock-free: best bid and offer of the last published version. */
void xc_book_bbo_get(const xc_book *b, xc_book_bbo *out);
/* Any thread, lock-free: best bid/ask as integer keys (price = key * 10^-P with P = *px_places).
 * Returns false if either side is empty. */
bool xc_book_bbo_ticks(const xc_book *b, int64_t *bid, int64_t *ask, int *px_places);
/* Any thread: the best `depth` levels per side (<= XC_BOOK_TOP_MAX). Lock-free when depth <=
 * top_n, otherwise under the mutex. */
void xc_book_top_copy(const xc_book *b, uint32_t depth, xc_book_top *out);
/* Any thread: a consistent copy of the whole book into caller arrays (best first). Writes at most
 * cap_* levels per side, sets *n_* to the levels written and returns the update id copied. */
int64_t xc_book_copy(const xc_book *b, xc_book_level *bids, uint32_t cap_bids, uint32_t *n_bids,
                     xc_book_level *asks, uint32_t cap_asks, uint32_t *n_asks);

/* Writer thread (or quiescent): counters, level counts, last applied update id. */
void xc_book_stats_get(const xc_book *b, xc_book_stats *out);
uint32_t xc_book_levels(const xc_book *b, xc_book_side side);
int64_t xc_book_update_id(const xc_book *b);
/* Writer thread: FNV-1a over every level in canonical form (best first, bids then asks),
 * independent of the internal scale; used by tests and the benchmark's correctness gate. */
uint64_t xc_book_checksum(const xc_book *b);
/* Last decode/procedure error detail ("" if none). */
const char *xc_book_errmsg(const xc_book *b);

#endif
