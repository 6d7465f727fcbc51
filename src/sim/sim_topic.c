/* Topic registry: pub/sub of market-stream payloads to WebSocket sessions.
 * A hash table of topics (FNV-1a, chained); each topic lists its subscribers with their variant;
 * each session lists its topics in subscription order. A topic with no subscriber is freed. */
#include <stdlib.h>
#include <string.h>

#include "sim/sim_core.h"

static uint32_t fnv(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s; s++) h = (h ^ (uint8_t)*s) * 16777619u;
  return h;
}

static sim_topic *find(xc_sim *sim, const char *name, uint32_t h) {
  for (sim_topic *t = sim->topics[h % XC__SIM_TOPIC_BUCKETS]; t; t = t->next)
    if (t->hash == h && strcmp(t->name, name) == 0) return t;
  return NULL;
}

static void topic_free(xc_sim *sim, sim_topic *t) {
  sim_topic **pp = &sim->topics[t->hash % XC__SIM_TOPIC_BUCKETS];
  while (*pp && *pp != t) pp = &(*pp)->next;
  if (*pp) *pp = t->next;
  free(t->name);
  free(t->subs);
  free(t);
}

static void topic_remove_sub(xc_sim *sim, sim_topic *t, sim_conn *ws) {
  for (int i = 0; i < t->nsubs; i++) {
    if (t->subs[i].ws == ws) {
      t->mask_count[t->subs[i].variant]--;
      t->subs[i] = t->subs[--t->nsubs];
      break;
    }
  }
  if (t->nsubs == 0) topic_free(sim, t);
}

xc_status xc__sim_topic_sub(xc__sim_ws *ws, const char *topic, int variant) {
  if (!ws || !topic || variant < 0 || variant > 7) return XC_EINVAL;
  if (ws->closing) return XC_ECLOSED;
  xc_sim *sim = ws->sim;
  uint32_t h = fnv(topic);
  sim_topic *t = find(sim, topic, h);
  if (t) {
    for (int i = 0; i < t->nsubs; i++)
      if (t->subs[i].ws == ws) return XC_EDUPLICATE;
  }
  if (ws->ntsubs >= XC__SIM_MAX_TOPICS_PER_WS) return XC_EFULL;
  if (ws->ntsubs == ws->captsubs) {
    int nc = ws->captsubs ? ws->captsubs * 2 : 8;
    sim_tsub *p = realloc(ws->tsubs, (size_t)nc * sizeof *p);
    if (!p) return XC_ENOMEM;
    ws->tsubs = p;
    ws->captsubs = nc;
  }
  if (!t) {
    t = calloc(1, sizeof *t);
    if (!t || !(t->name = strdup(topic))) {
      free(t);
      return XC_ENOMEM;
    }
    t->hash = h;
    t->next = sim->topics[h % XC__SIM_TOPIC_BUCKETS];
    sim->topics[h % XC__SIM_TOPIC_BUCKETS] = t;
  }
  if (t->nsubs == t->capsubs) {
    int nc = t->capsubs ? t->capsubs * 2 : 4;
    void *p = realloc(t->subs, (size_t)nc * sizeof *t->subs);
    if (!p) {
      if (t->nsubs == 0) topic_free(sim, t);
      return XC_ENOMEM;
    }
    t->subs = p;
    t->capsubs = nc;
  }
  t->subs[t->nsubs].ws = ws;
  t->subs[t->nsubs].variant = variant;
  t->nsubs++;
  t->mask_count[variant]++;
  ws->tsubs[ws->ntsubs].topic = t;
  ws->tsubs[ws->ntsubs].variant = variant;
  ws->ntsubs++;
  return XC_OK;
}

xc_status xc__sim_topic_unsub(xc__sim_ws *ws, const char *topic) {
  if (!ws || !topic) return XC_EINVAL;
  for (int i = 0; i < ws->ntsubs; i++) {
    sim_topic *t = ws->tsubs[i].topic;
    if (strcmp(t->name, topic) == 0) {
      memmove(&ws->tsubs[i], &ws->tsubs[i + 1], (size_t)(ws->ntsubs - i - 1) * sizeof *ws->tsubs);
      ws->ntsubs--;
      topic_remove_sub(ws->sim, t, ws);
      return XC_OK;
    }
  }
  return XC_ENOTFOUND;
}

bool xc__sim_topic_is_sub(const xc__sim_ws *ws, const char *topic) {
  for (int i = 0; i < ws->ntsubs; i++)
    if (strcmp(ws->tsubs[i].topic->name, topic) == 0) return true;
  return false;
}

void xc__sim_topic_list(const xc__sim_ws *ws, void (*fn)(const char *topic, int variant, void *user),
                        void *user) {
  for (int i = 0; i < ws->ntsubs; i++) fn(ws->tsubs[i].topic->name, ws->tsubs[i].variant, user);
}

unsigned xc__sim_topic_mask(xc_sim *sim, const char *topic) {
  sim_topic *t = find(sim, topic, fnv(topic));
  if (!t) return 0;
  unsigned m = 0;
  for (int v = 0; v < 8; v++)
    if (t->mask_count[v]) m |= 1u << v;
  return m;
}

int xc__sim_topic_publish(xc_sim *sim, const char *topic, const char *const *msgs,
                          const size_t *lens, int nvariants) {
  sim_topic *t = find(sim, topic, fnv(topic));
  if (!t) return 0;
  int sent = 0;
  /* a send can close a slow session, which unsubscribes it and may free t: iterate on a copy
   * of the subscriber count and re-check after each send */
  for (int i = 0; i < t->nsubs; i++) {
    sim_conn *ws = t->subs[i].ws;
    int v = t->subs[i].variant;
    if (v >= nvariants || !msgs[v]) continue;
    int before = t->nsubs;
    if (xc__sim_ws_send(ws, msgs[v], lens[v]) == XC_OK) sent++;
    if (before == 1 && ws->closing) return sent; /* t was freed */
    if (t->nsubs < before) i--;                  /* swap-removed: revisit index i */
  }
  return sent;
}

void xc__sim_topic_drop_ws(sim_conn *c) {
  while (c->ntsubs > 0) {
    sim_topic *t = c->tsubs[--c->ntsubs].topic;
    topic_remove_sub(c->sim, t, c);
  }
}

void xc__sim_topic_free_all(xc_sim *sim) {
  for (int i = 0; i < XC__SIM_TOPIC_BUCKETS; i++) {
    while (sim->topics[i]) topic_free(sim, sim->topics[i]);
  }
}
