#include "orders/dedup.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EMPTY UINT32_MAX

typedef struct entry {
  uint64_t h;  /* primary hash of the whole key */
  uint32_t len;
  unsigned char key[XC_DEDUP_INLINE]; /* the key, or for long keys its first bytes + h2 */
} entry;

struct xc_dedup {
  entry *e;
  uint32_t *idx; /* table of entry indices, EMPTY when free */
  uint32_t cap, mask;
  uint32_t head, count; /* ring: e[head] is the next slot written (the oldest when full) */
};

static uint64_t mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static uint64_t hash(const char *k, size_t n, uint64_t seed) {
  uint64_t h = 0xcbf29ce484222325ULL ^ seed;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)k[i];
    h *= 0x100000001b3ULL;
  }
  return mix(h ^ n);
}

#define PREFIX (XC_DEDUP_INLINE - 8)

/* Builds the stored form of a key. */
static void make_entry(entry *x, const char *k, size_t n) {
  x->h = hash(k, n, 0);
  x->len = (uint32_t)n;
  memset(x->key, 0, sizeof x->key);
  if (n <= XC_DEDUP_INLINE) {
    memcpy(x->key, k, n);
  } else {
    memcpy(x->key, k, PREFIX);
    uint64_t h2 = hash(k, n, 0x9e3779b97f4a7c15ULL);
    memcpy(x->key + PREFIX, &h2, 8);
  }
}

static bool same(const entry *a, const entry *b) {
  return a->h == b->h && a->len == b->len && memcmp(a->key, b->key, sizeof a->key) == 0;
}

xc_status xc_dedup_new(size_t capacity, xc_dedup **out) {
  if (!out) return XC_EINVAL;
  *out = NULL;
  if (capacity == 0 || capacity > XC_DEDUP_MAX_CAPACITY) return XC_EINVAL;
  uint32_t tsize = 1;
  while (tsize < 2 * capacity) tsize <<= 1;
  xc_dedup *d = calloc(1, sizeof *d);
  if (!d) return XC_ENOMEM;
  d->e = calloc(capacity, sizeof *d->e);
  d->idx = malloc(sizeof(uint32_t) * tsize);
  if (!d->e || !d->idx) {
    xc_dedup_free(d);
    return XC_ENOMEM;
  }
  d->cap = (uint32_t)capacity;
  d->mask = tsize - 1;
  xc_dedup_clear(d);
  *out = d;
  return XC_OK;
}

void xc_dedup_free(xc_dedup *d) {
  if (!d) return;
  free(d->e);
  free(d->idx);
  free(d);
}

void xc_dedup_clear(xc_dedup *d) {
  if (!d) return;
  for (uint32_t i = 0; i <= d->mask; i++) d->idx[i] = EMPTY;
  d->head = d->count = 0;
}

/* Table position holding an entry equal to x, or the free position where it would go. */
static uint32_t probe(const xc_dedup *d, const entry *x, bool *found) {
  uint32_t p = (uint32_t)x->h & d->mask;
  for (;;) {
    uint32_t i = d->idx[p];
    if (i == EMPTY) {
      *found = false;
      return p;
    }
    if (same(&d->e[i], x)) {
      *found = true;
      return p;
    }
    p = (p + 1) & d->mask;
  }
}

/* Removes table position p, shifting later members of the cluster back (no tombstones). */
static void table_delete(xc_dedup *d, uint32_t p) {
  uint32_t hole = p;
  uint32_t q = (p + 1) & d->mask;
  while (d->idx[q] != EMPTY) {
    uint32_t home = (uint32_t)d->e[d->idx[q]].h & d->mask;
    /* move q into the hole if its home is not within (hole, q] cyclically */
    bool between = hole <= q ? (home > hole && home <= q) : (home > hole || home <= q);
    if (!between) {
      d->idx[hole] = d->idx[q];
      hole = q;
    }
    q = (q + 1) & d->mask;
  }
  d->idx[hole] = EMPTY;
}

bool xc_dedup_contains(const xc_dedup *d, const char *key, size_t len) {
  if (!d || !key || len == 0 || len > 65535) return false;
  entry x;
  make_entry(&x, key, len);
  bool found;
  probe(d, &x, &found);
  return found;
}

xc_status xc_dedup_insert(xc_dedup *d, const char *key, size_t len) {
  if (!d || !key || len == 0 || len > 65535) return XC_EINVAL;
  entry x;
  make_entry(&x, key, len);
  bool found;
  probe(d, &x, &found);
  if (found) return XC_EDUPLICATE;
  if (d->count == d->cap) {
    /* evict the oldest: e[head] */
    uint32_t p = probe(d, &d->e[d->head], &found);
    if (found) table_delete(d, p);
    d->count--;
  }
  uint32_t slot = d->head;
  d->e[slot] = x;
  uint32_t p = probe(d, &x, &found);
  d->idx[p] = slot;
  d->head = (d->head + 1) % d->cap;
  d->count++;
  return XC_OK;
}

size_t xc_dedup_size(const xc_dedup *d) { return d ? d->count : 0; }
size_t xc_dedup_capacity(const xc_dedup *d) { return d ? d->cap : 0; }
