/* Printing of trading values and events for the order/balances/positions/watch commands (text, or
 * one JSON object per line with decimals as strings). */
#ifndef XC_CLI_TRADING_PRINT_H
#define XC_CLI_TRADING_PRINT_H

#include <stdbool.h>

#include "xconn/events.h"
#include "xconn/trading.h"

void xc_cli_print_order(bool json, const xc_order *o);
void xc_cli_print_balance(bool json, const xc_balance *b);
void xc_cli_print_position(bool json, const xc_position *p);
/* XC_EV_ORDER / FILL / BALANCE / POSITION events; other types are ignored. */
void xc_cli_print_trading(bool json, const xc_event *ev);

#endif
