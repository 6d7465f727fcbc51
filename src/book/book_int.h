/* Internals shared by book.c and the per-venue procedures (sync_binance.c, sync_bybit.c). */
#ifndef XC_BOOK_BOOK_INT_H
#define XC_BOOK_BOOK_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "book/book.h"

#define XC__BOOK_ACTQ 32

/* One side: keys ascending, best level at the end. Bid key = price, ask key = -price, so both
 * sides share one code path ("greater key = better"). A deleted level below the top stays in
 * place with qty 0 (a tombstone) until its price comes back or the side is compacted, so most
 * deletes and re-inserts move nothing; the top entry (n - 1) is never a tombstone. */
typedef struct xc__side {
  int64_t *key;
  int64_t *qty;
  uint32_t n, cap;
  uint32_t live;  /* entries with qty != 0 (n - live tombstones) */
  uint32_t dirty; /* smallest distance from the top changed since the last publish (UINT32_MAX: none) */
} xc__side;

/* Seqlock-published view for lock-free readers. Every field is atomic (relaxed accesses inside
 * the seqlock protocol), so readers are data-race free. */
typedef struct xc__pub {
  _Alignas(64) _Atomic uint64_t seq;
  _Atomic int64_t state, update_id, event_ms, recv_ns, version;
  _Atomic int64_t px_places, qty_places;
  _Atomic int64_t nb, na, total_b, total_a;
  _Atomic int64_t lv[2][XC_BOOK_TOP_MAX][2]; /* [side][i] = {key, qty}; i = 0 best */
} xc__pub;

/* A diff kept while the snapshot is fetched; levels follow the header in the arena. */
typedef struct xc__bufmsg {
  int64_t first_id, last_id, prev_id, event_ms, txn_ms, recv_ns;
  uint32_t nbids, nasks;
} xc__bufmsg;

struct xc_book {
  xc_book_opts o;
  char symbol[32];
  size_t symbol_len;

  xc__side side[2];
  int px_places, qty_places;

  /* procedure state */
  xc_book_state state;
  bool was_live;         /* reached LIVE at least once */
  bool have_snap;        /* snapshot loaded, bridging diff not yet seen (Binance) */
  bool snap_requested;   /* NEED_SNAPSHOT / RESUBSCRIBE outstanding */
  uint32_t snap_attempt; /* snapshot requests since the book was last LIVE */
  int64_t snap_id;       /* Binance lastUpdateId of the loaded snapshot */
  int64_t last_id;       /* u of the last applied update */
  int64_t last_seq;      /* Bybit seq of the last applied message */
  int64_t last_event_ms, last_recv_ns, last_msg_ns;
  uint64_t version;

  /* bounded diff buffer (Binance) */
  unsigned char *buf, *spare;  /* spare: the other arena, swapped in while replaying */
  size_t buf_len, buf_cap, spare_cap;
  uint32_t buf_count;

  /* action queue */
  xc_book_action actq[XC__BOOK_ACTQ];
  uint32_t act_head, act_n;

  xc_depth_dec dec;
  xc_book_stats st;
  char err[128];

  pthread_mutex_t mu; /* held by the writer while mutating side[], by full-copy readers */
  xc__pub pub;
};

void xc__book_set_state(xc_book *b, xc_book_state st, xc_book_reason why, int64_t now_ns);
xc_book_action *xc__book_push(xc_book *b, xc_book_action_kind kind, xc_book_reason why, int64_t now_ns);
/* Queues NEED_SNAPSHOT (Binance) or RESUBSCRIBE (Bybit) unless one is outstanding. */
void xc__book_request_snapshot(xc_book *b, xc_book_reason why, int64_t now_ns);
/* Clears both sides (under the mutex) and publishes. */
void xc__book_clear(xc_book *b);
/* Replaces the book with msg's levels. XC_ERANGE if a price/qty cannot be represented. */
xc_status xc__book_load(xc_book *b, const xc_depth_msg *msg);
/* Applies msg's levels (absolute quantities, 0 deletes). */
xc_status xc__book_apply_levels(xc_book *b, const xc_depth_msg *msg);
bool xc__book_crossed(const xc_book *b);
/* Applies a diff that passed the continuity check; on failure or a crossed book it resyncs.
 * Sets *oc to APPLIED or RESYNC. Does not publish. */
xc_status xc__book_apply_live(xc_book *b, const xc_depth_msg *m, int64_t recv_ns, xc_book_outcome *oc);
void xc__book_publish(xc_book *b);
/* Discards the book and starts a rebuild: state RESYNCING (SYNCING if never live), snapshot
 * requested. */
void xc__book_resync(xc_book *b, xc_book_reason why, int64_t now_ns);
/* Checks the symbol against opts.symbol (XC_EINVAL on mismatch). */
xc_status xc__book_check_symbol(xc_book *b, const xc_depth_msg *msg);

/* Binance buffer. */
xc_status xc__book_buf_push(xc_book *b, const xc_depth_msg *msg, int64_t recv_ns);
void xc__book_buf_clear(xc_book *b);

/* Per-venue procedures. */
xc_status xc__binance_diff(xc_book *b, const xc_depth_msg *msg, int64_t recv_ns, xc_book_outcome *oc);
xc_status xc__binance_snapshot(xc_book *b, const xc_depth_msg *msg, int64_t recv_ns, xc_book_outcome *oc);
xc_status xc__bybit_msg(xc_book *b, const xc_depth_msg *msg, int64_t recv_ns, xc_book_outcome *oc);

#endif
