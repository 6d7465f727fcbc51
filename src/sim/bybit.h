/* Bybit v5 front end of the simulator: REST /v5/..., public streams /v5/public/spot and
 * /v5/public/linear, the private stream /v5/private and the order-entry stream /v5/trade.
 * The core calls xc__sim_bybit_attach() from xc_sim_new(); see sim_int.h and
 * docs/internals/sim_bybit.md. */
#ifndef XC_SIM_BYBIT_H
#define XC_SIM_BYBIT_H

#include "xconn/sim.h"
#include "xconn/status.h"

/* Registers the Bybit routes, WebSocket routes, timers and front end on sim. */
xc_status xc__sim_bybit_attach(xc_sim *sim);

#endif
