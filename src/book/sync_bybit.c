/* Bybit v5 orderbook.{depth}.{symbol} procedure (protocols/bybit.md 9, "Local book rules").
 *
 *   - a snapshot message replaces the whole book (first message after subscribing, and any
 *     re-sent one); so does a delta with u == 1 (the service restarted);
 *   - deltas before any snapshot: the subscription is broken, ask to resubscribe;
 *   - a delta with u <= last u is old (or a repeat) and dropped;
 *   - with bybit_strict_u (default) a delta must have u == last u + 1, otherwise it is a gap;
 *   - seq, when present on both, must not go backwards (it is monotonic, not contiguous);
 *   - sizes are absolute, size 0 deletes, deleting an absent level is normal;
 *   - a gap discards the book (RESYNCING) and asks the driver to resubscribe (RESUBSCRIBE),
 *     which makes the venue send a fresh snapshot. */
#include "book/book_int.h"

#include <stdio.h>

xc_status xc__bybit_msg(xc_book *b, const xc_depth_msg *m, int64_t recv_ns, xc_book_outcome *oc) {
  bool restart = m->kind == XC_DEPTH_DIFF && m->last_id == 1;
  if (m->kind == XC_DEPTH_SNAPSHOT || restart) {
    xc_status st = xc__book_load(b, m);
    if (st != XC_OK) {
      b->st.bad_messages++;
      xc__book_resync(b, XC_BOOK_R_BAD_MESSAGE, recv_ns);
      *oc = XC_BOOK_O_RESYNC;
      return st;
    }
    b->snap_requested = false;
    b->st.snapshots++;
    b->last_seq = m->seq;
    b->last_recv_ns = recv_ns;
    if (b->o.resync_on_crossed && xc__book_crossed(b)) {
      b->st.crossed++;
      snprintf(b->err, sizeof b->err, "crossed snapshot u %lld", (long long)m->last_id);
      xc__book_resync(b, XC_BOOK_R_CROSSED, recv_ns);
      *oc = XC_BOOK_O_RESYNC;
      return XC_OK;
    }
    xc__book_set_state(b, XC_BOOK_LIVE, restart ? XC_BOOK_R_RESTART : XC_BOOK_R_SYNCED, recv_ns);
    xc__book_publish(b);
    *oc = XC_BOOK_O_SNAPSHOT;
    return XC_OK;
  }
  if (b->state != XC_BOOK_LIVE && b->state != XC_BOOK_STALE) {
    b->st.ignored++;
    xc__book_request_snapshot(b, XC_BOOK_R_GAP, recv_ns);
    *oc = XC_BOOK_O_IGNORED;
    return XC_OK;
  }
  if (m->last_id <= b->last_id) {
    b->st.stale_ids++;
    *oc = XC_BOOK_O_STALE_ID;
    return XC_OK;
  }
  bool gap = b->o.bybit_strict_u && m->last_id != b->last_id + 1;
  if (m->seq != XC_DEPTH_ABSENT && b->last_seq != XC_DEPTH_ABSENT && m->seq < b->last_seq) gap = true;
  if (gap) {
    b->st.gaps++;
    snprintf(b->err, sizeof b->err, "gap: last u %lld seq %lld, next u %lld seq %lld", (long long)b->last_id,
             (long long)b->last_seq, (long long)m->last_id, (long long)m->seq);
    xc__book_resync(b, XC_BOOK_R_GAP, recv_ns);
    *oc = XC_BOOK_O_RESYNC;
    return XC_OK;
  }
  xc_status st = xc__book_apply_live(b, m, recv_ns, oc);
  if (*oc == XC_BOOK_O_APPLIED) {
    if (m->seq != XC_DEPTH_ABSENT) b->last_seq = m->seq;
    if (b->state == XC_BOOK_STALE) xc__book_set_state(b, XC_BOOK_LIVE, XC_BOOK_R_SYNCED, recv_ns);
    xc__book_publish(b);
  }
  return st;
}
