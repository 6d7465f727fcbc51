/* xconn/book.h: value types of the L2 order book (levels, sides, sync state, top-N copies).
 *
 * The book engine itself lives inside libxconn (src/book/) and is driven by the venue adapters;
 * users see books through these plain value types: a level is an exact price and quantity
 * (xc_dec), a book has a synchronisation state, and readers receive copies (xc_book_top) that
 * they own. Copies are consistent: a copy never mixes two versions of the book, and it carries the
 * state and the venue's update id of the version it shows. Every type here is a plain value; the
 * functions are pure and thread-safe. This header includes only standard and xconn headers.
 */
#ifndef XCONN_BOOK_H
#define XCONN_BOOK_H

#include "xconn/common.h"
#include "xconn/decimal.h"
#include "xconn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Book side (xc_side in xconn/types.h is the order side). */
typedef enum xc_book_side {
  XC_BOOK_BID = 0,
  XC_BOOK_ASK = 1
} xc_book_side;

/* One price level: exact price and the total quantity resting at it (always > 0). */
typedef struct xc_book_level {
  xc_dec price;
  xc_dec qty;
} xc_book_level;

/* Synchronisation state of a local book. Only LIVE means "this book equals the venue's book as of
 * update_id"; an engine should stop quoting off a book in any other state. */
typedef enum xc_book_state {
  XC_BOOK_SYNCING = 0,   /* first build: waiting for the snapshot and the bridging update */
  XC_BOOK_LIVE = 1,      /* in sync; every update so far was continuous */
  XC_BOOK_RESYNCING = 2, /* a gap, crossed book, bad message or reconnect: book discarded, rebuilding */
  XC_BOOK_STALE = 3      /* was LIVE but no update arrived for the configured time; contents kept */
} xc_book_state;

/* Why a book left LIVE (or never reached it); carried by state-change events. */
typedef enum xc_book_reason {
  XC_BOOK_R_NONE = 0,
  XC_BOOK_R_START,         /* book created, or reset by its driver (reconnect, resubscribe) */
  XC_BOOK_R_GAP,           /* sequence gap (Binance U/u/pu, Bybit u) */
  XC_BOOK_R_CROSSED,       /* best bid >= best ask after an update */
  XC_BOOK_R_BAD_MESSAGE,   /* a depth message could not be decoded or applied */
  XC_BOOK_R_STALE,         /* no update for the configured time */
  XC_BOOK_R_SNAPSHOT_OLD,  /* the snapshot is older than the buffered stream: fetch again */
  XC_BOOK_R_RESTART,       /* the venue restarted its stream (Bybit u == 1) */
  XC_BOOK_R_SYNCED,        /* reached LIVE */
  XC_BOOK_R_OVERFLOW       /* the bounded diff buffer overflowed while waiting for a snapshot */
} xc_book_reason;

/* Maximum number of levels per side an xc_book_top can hold. */
#define XC_BOOK_TOP_MAX 64

/* A consistent copy of the best levels of one book (caller-owned, plain value). bids[0] and
 * asks[0] are the best levels; nbids/nasks may be below the requested depth. */
typedef struct xc_book_top {
  xc_book_state state;
  int64_t update_id;      /* venue update id of this version (Binance u, Bybit u) */
  int64_t event_time_ms;  /* venue event time of the last applied update (Binance E, Bybit ts) */
  int64_t recv_ts_ns;     /* receive timestamp the driver gave with the last applied update */
  uint64_t version;       /* increases with every published change */
  uint32_t nbids, nasks;
  uint32_t total_bids, total_asks; /* levels held per side in the whole local book */
  xc_book_level bids[XC_BOOK_TOP_MAX];
  xc_book_level asks[XC_BOOK_TOP_MAX];
} xc_book_top;

/* Best bid and offer; has_bid/has_ask are false when that side is empty. */
typedef struct xc_book_bbo {
  xc_book_state state;
  bool has_bid, has_ask;
  xc_dec bid_price, bid_qty;
  xc_dec ask_price, ask_qty;
  int64_t update_id;
  uint64_t version;
} xc_book_bbo;

/* "SYNCING", "LIVE", "RESYNCING", "STALE"; "UNKNOWN" otherwise. Static storage. */
XC_API const char *xc_book_state_name(xc_book_state st);
/* Lower-case name of a reason ("gap", "crossed", ...). Static storage. */
XC_API const char *xc_book_reason_name(xc_book_reason r);

#ifdef __cplusplus
}
#endif
#endif
