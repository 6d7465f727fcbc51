/* The logging hook: one process-wide sink guarded by atomics. */
#include "core/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <pthread.h>

static pthread_mutex_t g_log_mu = PTHREAD_MUTEX_INITIALIZER;
static xc_log_fn g_log_fn;
static void *g_log_user;
static _Atomic int g_log_min = XC_LOG_WARN;

void xc_log_set(xc_log_fn fn, void *user, xc_log_level min_level) {
  pthread_mutex_lock(&g_log_mu);
  g_log_fn = fn;
  g_log_user = user;
  pthread_mutex_unlock(&g_log_mu);
  atomic_store(&g_log_min, (int)min_level);
}

xc_log_level xc_log_level_get(void) { return (xc_log_level)atomic_load_explicit(&g_log_min, memory_order_relaxed); }

const char *xc_log_level_name(xc_log_level level) {
  static const char *const n[] = {"trace", "debug", "info", "warn", "error", "off"};
  return (unsigned)level < 6 ? n[level] : "?";
}

void xc__log(xc_log_level level, const char *module, const char *fmt, ...) {
  if (level < xc_log_level_get() || level >= XC_LOG_OFF) return;
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  pthread_mutex_lock(&g_log_mu);
  xc_log_fn fn = g_log_fn;
  void *user = g_log_user;
  pthread_mutex_unlock(&g_log_mu);
  if (fn)
    fn(level, module ? module : "-", buf, user);
  else
    fprintf(stderr, "xconn %s [%s] %s\n", xc_log_level_name(level), module ? module : "-", buf);
}

char *xc_mask_secret(const char *secret, char *out, size_t cap) {
  if (!out || cap == 0) return out;
  size_t n = secret ? strlen(secret) : 0;
  if (n > 12 && cap >= 12)
    snprintf(out, cap, "%.4s...%s", secret, secret + n - 4);
  else
    snprintf(out, cap, "***");
  return out;
}
