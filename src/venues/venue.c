/* The venue registry: one const descriptor per venue (see venue.h). */
#include "venues/venue.h"

const xc__venue_desc *xc__venue_get(xc_venue v) {
  switch (v) {
  case XC_VENUE_BINANCE: return &xc__binance_desc;
  default: return NULL;
  }
}

bool xc_venue_has(xc_venue v, xc_market m, xc_capability cap) {
  const xc__venue_desc *d = xc__venue_get(v);
  if (!d || m <= XC_MARKET_NONE || m >= XC__NMARKETS || cap < 1 || cap > 31) return false;
  return (d->caps[m] >> cap) & 1u;
}
