/* Attaches the venue front ends that are part of this build. A front end is present when its
 * header src/sim/<venue>.h exists; it declares xc_status xc__sim_<venue>_attach(xc_sim *sim). */
#include "sim/sim_core.h"

#if defined(__has_include)
#if __has_include("sim/binance.h")
#include "sim/binance.h"
#define XC__SIM_HAVE_BINANCE 1
#endif
#if __has_include("sim/bybit.h")
#include "sim/bybit.h"
#define XC__SIM_HAVE_BYBIT 1
#endif
#endif

xc_status xc__sim_frontends_attach(xc_sim *sim) {
  xc_status st = XC_OK;
  (void)sim;
#ifdef XC__SIM_HAVE_BINANCE
  if (st == XC_OK) st = xc__sim_binance_attach(sim);
#endif
#ifdef XC__SIM_HAVE_BYBIT
  if (st == XC_OK) st = xc__sim_bybit_attach(sim);
#endif
  return st;
}
