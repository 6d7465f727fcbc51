/* Binance local order book procedure (protocols/binance.md 8.1 spot, 8.2 USD-M futures).
 *
 * Syncing: diffs are buffered (bounded) and a snapshot is requested on the first one. When the
 * snapshot (lastUpdateId L) arrives it is loaded and the buffer replayed:
 *   - drop u <= L (spot) / u < L (futures);
 *   - the first remaining diff must bracket: spot U <= L+1 <= u, futures U <= L <= u; if it does
 *     not, the snapshot is older than the stream: fetch another one (buffer kept);
 *   - the bridging diff is applied and the book goes LIVE.
 * Live, for every diff for the whole session:
 *   - u <= last u: an old or repeated diff, dropped;
 *   - spot: U == last u + 1, futures: pu == last u; anything else is a gap: the book is
 *     discarded (RESYNCING), the diff starts a new buffer and a snapshot is requested.
 * After each applied diff the book is checked for a crossed top (optional resync). */
#include "book/book_int.h"

#include <stdio.h>
#include <string.h>

static inline bool is_spot(const xc_book *b) { return b->o.venue == XC_BOOK_BINANCE_SPOT; }

static xc_status buffer(xc_book *b, const xc_depth_msg *m, int64_t recv_ns, xc_book_outcome *oc,
                        xc_book_reason why) {
  xc_status st = xc__book_buf_push(b, m, recv_ns);
  xc__book_request_snapshot(b, why, recv_ns);
  *oc = XC_BOOK_O_BUFFERED;
  return st == XC_EFULL ? XC_OK : st;
}

/* First diff after a loaded snapshot. */
static xc_status bridge(xc_book *b, const xc_depth_msg *m, int64_t recv_ns, xc_book_outcome *oc) {
  const int64_t L = b->snap_id;
  if (is_spot(b) ? m->last_id <= L : m->last_id < L) {
    b->st.stale_ids++;
    *oc = XC_BOOK_O_STALE_ID;
    return XC_OK;
  }
  bool ok = is_spot(b) ? m->first_id <= L + 1 : m->first_id <= L;
  if (!ok) {
    /* the stream is already past the snapshot: it cannot be bridged, fetch a newer one */
    b->st.snapshots_too_old++;
    b->have_snap = false;
    xc__book_clear(b);
    b->last_id = XC_DEPTH_ABSENT;
    return buffer(b, m, recv_ns, oc, XC_BOOK_R_SNAPSHOT_OLD);
  }
  b->have_snap = false;
  xc_status st = xc__book_apply_live(b, m, recv_ns, oc);
  if (*oc == XC_BOOK_O_APPLIED) xc__book_set_state(b, XC_BOOK_LIVE, XC_BOOK_R_SYNCED, recv_ns);
  xc__book_publish(b);
  return st;
}

xc_status xc__binance_diff(xc_book *b, const xc_depth_msg *m, int64_t recv_ns, xc_book_outcome *oc) {
  if (b->state == XC_BOOK_LIVE || b->state == XC_BOOK_STALE) {
    if (m->last_id <= b->last_id) {
      b->st.stale_ids++;
      *oc = XC_BOOK_O_STALE_ID;
      return XC_OK;
    }
    bool cont = is_spot(b) ? m->first_id == b->last_id + 1
                           : (m->prev_id != XC_DEPTH_ABSENT && m->prev_id == b->last_id);
    if (!cont) {
      b->st.gaps++;
      snprintf(b->err, sizeof b->err, "gap: last u %lld, next U %lld u %lld pu %lld", (long long)b->last_id,
               (long long)m->first_id, (long long)m->last_id, (long long)m->prev_id);
      xc__book_resync(b, XC_BOOK_R_GAP, recv_ns);
      xc_status st = xc__book_buf_push(b, m, recv_ns);
      *oc = XC_BOOK_O_RESYNC;
      return st == XC_EFULL ? XC_OK : st;
    }
    xc_status st = xc__book_apply_live(b, m, recv_ns, oc);
    if (*oc == XC_BOOK_O_APPLIED) {
      if (b->state == XC_BOOK_STALE) xc__book_set_state(b, XC_BOOK_LIVE, XC_BOOK_R_SYNCED, recv_ns);
      xc__book_publish(b);
    }
    return st;
  }
  if (!b->have_snap) return buffer(b, m, recv_ns, oc, XC_BOOK_R_START);
  return bridge(b, m, recv_ns, oc);
}

xc_status xc__binance_snapshot(xc_book *b, const xc_depth_msg *m, int64_t recv_ns, xc_book_outcome *oc) {
  if ((b->state == XC_BOOK_LIVE || b->state == XC_BOOK_STALE) && !b->snap_requested) {
    /* unsolicited snapshot for a live book: the live book is already newer or equal */
    b->st.ignored++;
    *oc = XC_BOOK_O_IGNORED;
    return XC_OK;
  }
  if (m->last_id == XC_DEPTH_ABSENT || m->last_id < 0) return XC_EPARSE;
  b->snap_requested = false;
  b->st.snapshots++;
  xc_status st = xc__book_load(b, m);
  if (st != XC_OK) {
    b->st.bad_messages++;
    xc__book_request_snapshot(b, XC_BOOK_R_BAD_MESSAGE, recv_ns);
    return st;
  }
  b->snap_id = m->last_id;
  b->have_snap = true;
  b->last_recv_ns = recv_ns;
  *oc = XC_BOOK_O_SNAPSHOT;

  /* Replay the buffer. Pushes during the replay go to the other arena. */
  unsigned char *arena = b->buf;
  size_t len = b->buf_len, cap = b->buf_cap;
  b->buf = b->spare;
  b->buf_cap = b->spare_cap;
  b->buf_len = 0;
  b->buf_count = 0;
  size_t off = 0;
  while (off < len) {
    xc__bufmsg h;
    memcpy(&h, arena + off, sizeof h);
    const xc_depth_lvl *lv = (const xc_depth_lvl *)(const void *)(arena + off + sizeof h);
    xc_depth_msg v;
    memset(&v, 0, sizeof v);
    v.kind = XC_DEPTH_DIFF;
    v.first_id = h.first_id;
    v.last_id = h.last_id;
    v.prev_id = h.prev_id;
    v.event_ms = h.event_ms;
    v.txn_ms = h.txn_ms;
    v.seq = XC_DEPTH_ABSENT;
    v.nbids = h.nbids;
    v.nasks = h.nasks;
    v.bids = lv;
    v.asks = lv + h.nbids;
    xc_book_outcome o;
    xc__binance_diff(b, &v, h.recv_ns, &o);
    off += sizeof h + ((size_t)h.nbids + h.nasks) * sizeof(xc_depth_lvl);
  }
  b->spare = arena;
  b->spare_cap = cap;
  xc__book_publish(b);
  return XC_OK;
}
