/* Binance error codes, HTTP statuses and default messages (see binance_errors.h). */
#include "sim/binance_errors.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/json.h"

static const struct {
  int code;
  int http;
  const char *msg;
} k_errs[] = {
  {XC__BN_UNKNOWN, 500, "An unknown error occurred while processing the request."},
  {XC__BN_DISCONNECTED, 503, "Internal error; unable to process your request. Please try again."},
  {XC__BN_UNAUTHORIZED, 401, "You are not authorized to execute this request."},
  {XC__BN_TOO_MANY_REQUESTS, 429, "Too many requests; current limit is 6000 request weight per 1 MINUTE."},
  {XC__BN_UNEXPECTED_RESP, 502, "An unexpected response was received from the message bus. Execution status unknown."},
  {XC__BN_TIMEOUT, 503, "Timeout waiting for response from backend server. Send status unknown; execution status unknown."},
  {XC__BN_SERVER_BUSY, 503, "Server is currently overloaded with other requests. Please try again in a few minutes."},
  {XC__BN_INVALID_MESSAGE, 400, "Invalid message."},
  {XC__BN_TOO_MANY_ORDERS, 429, "Too many new orders."},
  {XC__BN_SERVICE_SHUTTING_DOWN, 503, "This service is no longer available."},
  {XC__BN_UNSUPPORTED_OPERATION, 400, "This operation is not supported."},
  {XC__BN_INVALID_TIMESTAMP, 400, "Timestamp for this request is outside of the recvWindow."},
  {XC__BN_INVALID_SIGNATURE, 400, "Signature for this request is not valid."},
  {XC__BN_ILLEGAL_CHARS, 400, "Illegal characters found in a parameter."},
  {XC__BN_TOO_MANY_PARAMETERS, 400, "Too many parameters sent for this endpoint."},
  {XC__BN_MANDATORY_PARAM, 400, "A mandatory parameter was not sent, was empty/null, or malformed."},
  {XC__BN_UNKNOWN_PARAM, 400, "An unknown parameter was sent."},
  {XC__BN_PARAM_EMPTY, 400, "A parameter was empty."},
  {XC__BN_PARAM_NOT_REQUIRED, 400, "A parameter was sent when not required."},
  {XC__BN_BAD_PRECISION, 400, "Precision is over the maximum defined for this asset."},
  {XC__BN_NO_DEPTH, 400, "No orders on book for symbol."},
  {XC__BN_TIF_NOT_REQUIRED, 400, "TimeInForce parameter sent when not required."},
  {XC__BN_INVALID_TIF, 400, "Invalid timeInForce."},
  {XC__BN_INVALID_ORDER_TYPE, 400, "Invalid orderType."},
  {XC__BN_INVALID_SIDE, 400, "Invalid side."},
  {XC__BN_BAD_SYMBOL, 400, "Invalid symbol."},
  {XC__BN_INVALID_LISTEN_KEY, 400, "This listenKey does not exist."},
  {XC__BN_INVALID_PARAMETER, 400, "Invalid data sent for a parameter."},
  {XC__BN_NEW_ORDER_REJECTED, 400, "New order rejected."},
  {XC__BN_CANCEL_REJECTED, 400, "Unknown order sent."},
  {XC__BN_NO_SUCH_ORDER, 400, "Order does not exist."},
  {XC__BN_BAD_API_KEY_FMT, 401, "API-key format invalid."},
  {XC__BN_REJECTED_MBX_KEY, 401, "Invalid API-key, IP, or permissions for action."},
  {XC__BN_FUT_BALANCE_INSUFFICIENT, 400, "Balance is insufficient."},
  {XC__BN_FUT_MARGIN_INSUFFICIENT, 400, "Margin is insufficient."},
  {XC__BN_SUBSCRIPTION_ACTIVE, 400, "User Data Stream subscription already active."},
  {XC__BN_SUBSCRIPTION_INACTIVE, 400, "User Data Stream subscription not active."},
  {XC__BN_FUT_INVALID_LEVERAGE, 400, "Leverage is not valid"},
  {XC__BN_FUT_DUPLICATE_CLIENT_ID, 400, "clientOrderId is duplicated."},
  {XC__BN_FUT_ALGO_ONLY, 400, "Order type not supported for this endpoint. Please use the Algo Order API endpoints instead."},
  {XC__BN_FUT_MIN_NOTIONAL, 400, "Order's notional must be no smaller than 5 (unless you choose reduce only)."},
  {XC__BN_FUT_FOK_REJECTED, 400, "Due to the order could not be filled immediately, the FOK order has been rejected."},
  {XC__BN_FUT_GTX_REJECTED, 400, "Due to the order could not be executed as maker, the Post Only order will be rejected."},
};

static int err_find(int code) {
  for (size_t i = 0; i < sizeof k_errs / sizeof k_errs[0]; i++)
    if (k_errs[i].code == code) return (int)i;
  return -1;
}

int xc__bn_err_http(int code) {
  int i = err_find(code);
  return i < 0 ? 400 : k_errs[i].http;
}

const char *xc__bn_err_msg(int code) {
  int i = err_find(code);
  return i < 0 ? "" : k_errs[i].msg;
}

void xc__bn_err_json(xc_buf *out, int code, const char *msg) {
  xc_jw w;
  xc_jw_init(&w, out);
  xc_jw_obj_begin(&w);
  xc_jw_key(&w, "code");
  xc_jw_i64(&w, code);
  xc_jw_key(&w, "msg");
  xc_jw_str(&w, msg ? msg : xc__bn_err_msg(code));
  xc_jw_obj_end(&w);
}

int xc__bn_err_set(xc__bn_err *e, int code, const char *fmt, ...) {
  e->code = code;
  e->http = 0;
  if (!fmt) {
    snprintf(e->msg, sizeof e->msg, "%s", xc__bn_err_msg(code));
  } else {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
  }
  return code;
}

int xc__bn_err_mandatory(xc__bn_err *e, const char *param) {
  return xc__bn_err_set(e, XC__BN_MANDATORY_PARAM,
                        "Mandatory parameter '%s' was not sent, was empty/null, or malformed.", param);
}
