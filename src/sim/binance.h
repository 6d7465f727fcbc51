/* Binance front ends of the simulator (Spot REST /api/v3, USD-M REST /fapi, market streams,
 * WebSocket API /ws-api/v3, user data). The core calls xc__sim_binance_attach() from
 * xc_sim_new(); see sim_int.h and docs/internals/sim_binance.md. */
#ifndef XC_SIM_BINANCE_H
#define XC_SIM_BINANCE_H

#include "xconn/sim.h"
#include "xconn/status.h"

/* Registers the Binance routes, WebSocket routes, timers and front end on sim. */
xc_status xc__sim_binance_attach(xc_sim *sim);

#endif
