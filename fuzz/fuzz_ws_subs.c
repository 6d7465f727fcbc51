/* Fuzzes the subscription registry (transport/subs.c) with arbitrary interleavings of
 * subscribe/unsubscribe calls, batches, venue replies (ok or refused, in any order, stale ids
 * included — reply ids come from the network) and reconnects, against a model of the server.
 * Properties: the registry never subscribes a topic the server already holds on this connection
 * (no duplicate subscription), never unsubscribes one it does not hold, and once everything is
 * answered the server holds exactly the desired topics that were not refused. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "transport/subs.h"

#define NT 6
static const char *k_topics[NT] = {"a", "b", "c", "d", "e", "f"};

typedef struct sent {
  uint64_t id;
  bool sub;
  int topics[NT];
  int n;
} sent;

static int topic_index(const char *t) {
  for (int i = 0; i < NT; i++)
    if (strcmp(k_topics[i], t) == 0) return i;
  abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  xc__subs_limits lim = {3, 0, 0, 1000000000u}; /* replies never time out here */
  xc__subs *s;
  if (xc__subs_new(&lim, &s) != XC_OK) return 0;
  int refs[NT] = {0};
  bool server[NT] = {false}; /* held by the server on this connection */
  sent inflight[64];
  int ninf = 0;
  uint64_t now = 0;
  for (size_t i = 0; i + 1 < size; i += 2) {
    uint8_t op = data[i] % 7, arg = data[i + 1];
    int t = arg % NT;
    bool flag;
    switch (op) {
    case 0:
      if (xc__subs_add(s, k_topics[t], &flag) == XC_OK) {
        if (flag != (refs[t] == 0)) abort();
        refs[t]++;
      }
      break;
    case 1:
      if (xc__subs_remove(s, k_topics[t], &flag) == XC_OK) {
        if (refs[t] == 0) abort();
        refs[t]--;
        if (flag != (refs[t] == 0)) abort();
      } else if (refs[t] != 0) {
        abort();
      }
      break;
    case 2: { /* send the next batch */
      const char *tp[8];
      bool sub;
      uint64_t id, wait;
      size_t n = xc__subs_next(s, now, &sub, tp, 8, &id, &wait);
      if (n == 0 || ninf == 64) break;
      sent *m = &inflight[ninf++];
      m->id = id;
      m->sub = sub;
      m->n = (int)n;
      for (size_t k = 0; k < n; k++) {
        int x = topic_index(tp[k]);
        m->topics[k] = x;
        if (sub && server[x]) abort();   /* duplicate subscription */
        if (!sub && !server[x]) abort(); /* unsubscribing something not held */
        for (int j = 0; j < ninf - 1; j++) /* already in flight on this connection */
          for (int q = 0; q < inflight[j].n; q++)
            if (inflight[j].topics[q] == x) abort();
      }
      break;
    }
    case 3: { /* the venue answers one in-flight request */
      if (!ninf) break;
      int k = arg % ninf;
      sent m = inflight[k];
      inflight[k] = inflight[--ninf];
      bool ok = (arg & 0x80) == 0 || !m.sub; /* unsubscribes always succeed */
      for (int q = 0; q < m.n; q++) {
        if (m.sub && ok) server[m.topics[q]] = true;
        if (!m.sub) server[m.topics[q]] = false;
      }
      if (!xc__subs_on_reply(s, m.id, ok, NULL, NULL)) abort();
      break;
    }
    case 4: /* stale or foreign reply id */
      if (xc__subs_on_reply(s, 1000000 + arg, true, NULL, NULL)) abort();
      break;
    case 6: /* force a fresh unsubscribe + subscribe */
      if ((xc__subs_resubscribe(s, k_topics[t]) == XC_OK) != (refs[t] > 0)) abort();
      break;
    case 5: /* reconnect */
      xc__subs_reset(s);
      memset(server, 0, sizeof server);
      ninf = 0;
      now += arg;
      break;
    }
  }
  /* drain: answer everything ok, then the server must hold exactly the desired set minus the
   * refused ones */
  for (int round = 0; round < 64; round++) {
    while (ninf) {
      sent m = inflight[--ninf];
      for (int q = 0; q < m.n; q++) server[m.topics[q]] = m.sub;
      xc__subs_on_reply(s, m.id, true, NULL, NULL);
    }
    const char *tp[8];
    bool sub;
    uint64_t id, wait;
    size_t n = xc__subs_next(s, now, &sub, tp, 8, &id, &wait);
    if (n == 0) break;
    sent *m = &inflight[ninf++];
    m->id = id;
    m->sub = sub;
    m->n = (int)n;
    for (size_t k = 0; k < n; k++) {
      int x = topic_index(tp[k]);
      m->topics[k] = x;
      if (sub == server[x]) abort();
    }
  }
  if (!xc__subs_settled(s)) abort();
  for (int x = 0; x < NT; x++) {
    int st = xc__subs_state(s, k_topics[x]);
    if (refs[x] > 0 && st == XC__SUB_CONFIRMED && !server[x]) abort();
    if (refs[x] == 0 && server[x]) abort();
    if (xc__subs_refs(s, k_topics[x]) != (uint32_t)refs[x]) abort();
  }
  xc__subs_free(s);
  return 0;
}
