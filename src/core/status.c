/* The status table: strings, names and categories generated from XC_STATUS_MAP. */
#include "xconn/status.h"

const char *xc_version(void) { return XC_VERSION_STRING; }

const char *xc_status_str(xc_status st) {
  switch (st) {
#define X_(name, value, cat, msg) case name: return msg;
    XC_STATUS_MAP(X_)
#undef X_
  }
  return "unknown status";
}

const char *xc_status_name(xc_status st) {
  switch (st) {
#define X_(name, value, cat, msg) case name: return #name;
    XC_STATUS_MAP(X_)
#undef X_
  }
  return "XC_E?";
}

xc_status_cat xc_status_category(xc_status st) {
  switch (st) {
#define X_(name, value, cat, msg) case name: return XC_CAT_##cat;
    XC_STATUS_MAP(X_)
#undef X_
  }
  return XC_CAT_INTERNAL;
}

const char *xc_status_cat_name(xc_status_cat cat) {
  static const char *const names[] = {
      "none",    "argument", "memory",     "parse",     "unsupported", "misuse",   "canceled",
      "network", "unknown outcome", "rate limit", "auth", "rejected",  "unavailable", "internal"};
  if ((unsigned)cat < sizeof names / sizeof names[0]) return names[cat];
  return "?";
}
