/* Binance error bodies {"code":-1121,"msg":"Invalid symbol."} into statuses (binance.md 11). */
#include <stdio.h>
#include <string.h>

#include "venues/binance/binance.h"

xc_status xc__bn_code_status(int code) {
  switch (code) {
  case -1003: case -1015: return XC_ERATELIMIT;
  case -1021: return XC_ETIMESTAMP;
  case -1022: case -2014: case -2015: case -1002: return XC_EAUTH;
  case -1121: return XC_ENOTFOUND;
  case -1100: case -1101: case -1102: case -1103: case -1104: case -1105: case -1106:
  case -1111: case -1112: case -1114: case -1115: case -1116: case -1117: case -1120:
  case -1125: case -1127: case -1128: case -1130: return XC_EINVAL;
  case -1013: case -4164: return XC_EFILTER;
  case -2010: return XC_EREJECTED;
  case -2011: case -2013: return XC_EUNKNOWN_ORDER;
  case -2019: return XC_EINSUFFICIENT;
  case -1000: case -1001: case -1006: case -1007: case -1008: return XC_EUNAVAIL;
  default: return XC_EREJECTED;
  }
}

xc_status xc__bn_rest_error(int http_status, const char *body, size_t len, char *msg, size_t cap) {
  if (cap) msg[0] = 0;
  xc_status st = http_status == 429 ? XC_ERATELIMIT : http_status == 418 ? XC_EBANNED
               : http_status >= 500 ? XC_EUNAVAIL : XC_EREJECTED;
  xc_json j;
  xc_json_init(&j);
  int64_t code = 0;
  char text[200] = "";
  if (body && xc_json_parse(&j, body, len) == XC_OK && xc_json_get_i64(&j, 0, "code", &code) == XC_OK) {
    (void)xc_json_get_str(&j, 0, "msg", text, sizeof text);
    if (http_status != 429 && http_status != 418) st = xc__bn_code_status((int)code);
    if (cap) snprintf(msg, cap, "HTTP %d: %lld %s", http_status, (long long)code, text);
  } else if (cap) {
    snprintf(msg, cap, "HTTP %d", http_status);
  }
  xc_json_free(&j);
  return st;
}
