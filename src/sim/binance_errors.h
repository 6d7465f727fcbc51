/* Binance error codes as the simulator's Binance front ends send them.
 *
 * Every rejection leaves the simulator as {"code":<negative int>,"msg":"<text>"} (REST body, or the
 * "error" object of a WebSocket API reply) with the HTTP status Binance uses for that code. Codes
 * and statuses follow ../shared/protocols/binance.md section 11; messages are the documented
 * templates. Pure functions, thread-safe.
 */
#ifndef XC_SIM_BINANCE_ERRORS_H
#define XC_SIM_BINANCE_ERRORS_H

#include <stddef.h>
#include "core/buf.h"

enum {
  XC__BN_UNKNOWN = -1000,
  XC__BN_DISCONNECTED = -1001,
  XC__BN_UNAUTHORIZED = -1002,
  XC__BN_TOO_MANY_REQUESTS = -1003,
  XC__BN_UNEXPECTED_RESP = -1006,
  XC__BN_TIMEOUT = -1007,
  XC__BN_SERVER_BUSY = -1008,
  XC__BN_INVALID_MESSAGE = -1013,
  XC__BN_TOO_MANY_ORDERS = -1015,
  XC__BN_SERVICE_SHUTTING_DOWN = -1016,
  XC__BN_UNSUPPORTED_OPERATION = -1020,
  XC__BN_INVALID_TIMESTAMP = -1021,
  XC__BN_INVALID_SIGNATURE = -1022,
  XC__BN_ILLEGAL_CHARS = -1100,
  XC__BN_TOO_MANY_PARAMETERS = -1101,
  XC__BN_MANDATORY_PARAM = -1102,
  XC__BN_UNKNOWN_PARAM = -1103,
  XC__BN_PARAM_EMPTY = -1105,
  XC__BN_PARAM_NOT_REQUIRED = -1106,
  XC__BN_BAD_PRECISION = -1111,
  XC__BN_NO_DEPTH = -1112,
  XC__BN_TIF_NOT_REQUIRED = -1114,
  XC__BN_INVALID_TIF = -1115,
  XC__BN_INVALID_ORDER_TYPE = -1116,
  XC__BN_INVALID_SIDE = -1117,
  XC__BN_BAD_SYMBOL = -1121,
  XC__BN_INVALID_LISTEN_KEY = -1125,
  XC__BN_INVALID_PARAMETER = -1130,
  XC__BN_NEW_ORDER_REJECTED = -2010,
  XC__BN_CANCEL_REJECTED = -2011,
  XC__BN_NO_SUCH_ORDER = -2013,
  XC__BN_BAD_API_KEY_FMT = -2014,
  XC__BN_REJECTED_MBX_KEY = -2015,
  XC__BN_FUT_BALANCE_INSUFFICIENT = -2018,
  XC__BN_FUT_MARGIN_INSUFFICIENT = -2019,
  XC__BN_SUBSCRIPTION_ACTIVE = -2035,
  XC__BN_SUBSCRIPTION_INACTIVE = -2036,
  XC__BN_FUT_INVALID_LEVERAGE = -4028,
  XC__BN_FUT_DUPLICATE_CLIENT_ID = -4116,
  XC__BN_FUT_ALGO_ONLY = -4120,
  XC__BN_FUT_MIN_NOTIONAL = -4164,
  XC__BN_FUT_FOK_REJECTED = -5021,
  XC__BN_FUT_GTX_REJECTED = -5022,
};

/* The HTTP status Binance answers with for `code` (400 for most, 401 auth, 429/418 limits, 5xx). */
int xc__bn_err_http(int code);
/* The default message for `code` ("Invalid symbol." for -1121); "" for codes without one. */
const char *xc__bn_err_msg(int code);
/* Appends {"code":code,"msg":msg} to out (msg NULL = default message). */
void xc__bn_err_json(xc_buf *out, int code, const char *msg);

/* An error being built by a handler: code 0 = none. */
typedef struct xc__bn_err {
  int code;
  int http;       /* 0 = xc__bn_err_http(code) */
  char msg[256];
} xc__bn_err;

/* Sets e to `code` with a printf-style message (fmt NULL = default message). Returns code. */
int xc__bn_err_set(xc__bn_err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "Mandatory parameter '%s' was not sent, was empty/null, or malformed." (-1102). */
int xc__bn_err_mandatory(xc__bn_err *e, const char *param);

#endif
