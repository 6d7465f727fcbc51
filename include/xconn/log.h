/* xconn/log.h: the logging hook.
 *
 * libxconn never prints on its own except through this hook. By default messages at WARN and above
 * go to stderr. A user callback may replace that; it is called from whichever thread logs (usually
 * the engine thread) and must be thread-safe. Secrets are never passed to the logger: API keys are
 * masked with xc_mask_secret() before they appear in any message.
 */
#ifndef XCONN_LOG_H
#define XCONN_LOG_H

#include "xconn/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum xc_log_level {
  XC_LOG_TRACE = 0,
  XC_LOG_DEBUG = 1,
  XC_LOG_INFO = 2,
  XC_LOG_WARN = 3,
  XC_LOG_ERROR = 4,
  XC_LOG_OFF = 5
} xc_log_level;

/* A log sink. `module` is a short static name ("ws", "http", "book"); `msg` is NUL-terminated and
 * valid only during the call. */
typedef void (*xc_log_fn)(xc_log_level level, const char *module, const char *msg, void *user);

/* Installs a process-wide sink (NULL restores the stderr default) and the minimum level.
 * Thread-safe. */
XC_API void xc_log_set(xc_log_fn fn, void *user, xc_log_level min_level);
/* The current minimum level. Thread-safe. */
XC_API xc_log_level xc_log_level_get(void);
/* The level's name ("warn"). */
XC_API const char *xc_log_level_name(xc_log_level level);

/* Writes a masked form of `secret` into out (size cap): the first 4 and last 4 characters with
 * "..." between for secrets longer than 12 characters, else "***". Always NUL-terminates. Returns out. */
XC_API char *xc_mask_secret(const char *secret, char *out, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
