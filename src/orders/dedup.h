/* Bounded recent-id set: suppresses duplicate order updates and fills (trade ids, execIds).
 *
 * Holds at most `capacity` keys; inserting into a full set evicts the OLDEST inserted key (FIFO by
 * first insertion; seeing a key again does not refresh it). Memory is allocated once by
 * xc_dedup_new and never grows: an entry ring plus an open-addressing index (linear probing,
 * backward-shift deletion) of twice the capacity rounded up to a power of two. Keys are byte
 * strings of 1..65535 bytes; keys up to XC_DEDUP_INLINE bytes are stored verbatim, longer ones by
 * their first bytes plus two independent 64-bit hashes (a false "duplicate" would need both hashes
 * and the prefix to collide). Operations are O(1) expected. Compose keys so they are unique across
 * what you mix in one set (e.g. "BTCUSDT:28457" for Binance trade ids, which are per symbol).
 * Not thread-safe: one owner.
 */
#ifndef XC_ORDERS_DEDUP_H
#define XC_ORDERS_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include "xconn/status.h"

#define XC_DEDUP_INLINE 56
#define XC_DEDUP_MAX_CAPACITY (1u << 24)

typedef struct xc_dedup xc_dedup;

/* Creates a set holding up to capacity keys (1..XC_DEDUP_MAX_CAPACITY). *out is NULL on failure. */
xc_status xc_dedup_new(size_t capacity, xc_dedup **out);
/* Frees the set; NULL is a no-op. */
void xc_dedup_free(xc_dedup *d);
/* Inserts key: XC_OK if it was new (the oldest key may have been evicted), XC_EDUPLICATE if it is
 * already present (nothing changes), XC_EINVAL for an empty or over-long key. */
xc_status xc_dedup_insert(xc_dedup *d, const char *key, size_t len);
/* True if key is present. */
bool xc_dedup_contains(const xc_dedup *d, const char *key, size_t len);
/* Keys currently held (<= capacity). */
size_t xc_dedup_size(const xc_dedup *d);
size_t xc_dedup_capacity(const xc_dedup *d);
/* Forgets every key (keeps the memory). */
void xc_dedup_clear(xc_dedup *d);

#endif
