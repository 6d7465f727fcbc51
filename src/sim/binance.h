/* Binance front ends of the simulator (Spot REST /api/v3, USD-M REST /fapi, market streams,
 * WebSocket API /ws-api/v3, user data). The core calls xc__sim_binance_attach() from
 * xc_sim_new(); see sim_int.h and docs/internals/sim_binance.md. */
#ifndef XC_SIM_BINANCE_H
#define XC_SIM_BINANCE_H

#include <stddef.h>

#include "xconn/sim.h"
#include "xconn/status.h"

/* Registers the Binance routes, WebSocket routes, timers and front end on sim. */
xc_status xc__sim_binance_attach(xc_sim *sim);

/* The simulator's Ed25519 test key for Binance session.logon (and Ed25519-signed requests), as a
 * PKCS#8 PEM private key ("-----BEGIN PRIVATE KEY-----..."). It is derived from the HMAC secret:
 * seed = SHA-256("xconn-sim-ed25519:" + api_secret). XC_ENOSPC if cap is too small (128 is
 * enough), XC_ECRYPTO if OpenSSL fails. */
xc_status xc__sim_binance_ed25519_pem(const char *api_secret, char *out, size_t cap);

#endif
