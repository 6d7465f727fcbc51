/* xconn/xconn.h: the umbrella header. Include this one.
 *
 * libxconn gives a trading engine supervised connectivity to crypto venues (Binance Spot and
 * USDⓈ-M, Bybit v5 spot and linear) in one normalized model. Start with xconn/client.h.
 */
#ifndef XCONN_XCONN_H
#define XCONN_XCONN_H

#include "xconn/common.h"
#include "xconn/status.h"
#include "xconn/log.h"
#include "xconn/decimal.h"
#include "xconn/types.h"
#include "xconn/book.h"
#include "xconn/breaker.h"
#include "xconn/client.h"
#include "xconn/market.h"
#include "xconn/trading.h"
#include "xconn/events.h"

#endif
