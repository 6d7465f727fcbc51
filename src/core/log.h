/* Internal logging entry points (see xconn/log.h for the public hook). */
#ifndef XC_CORE_LOG_H
#define XC_CORE_LOG_H

#include "xconn/log.h"

/* printf-style log; cheap when the level is filtered out. */
void xc__log(xc_log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define XC_LOG(level, module, ...)                                                                 \
  do {                                                                                             \
    if ((level) >= xc_log_level_get()) xc__log((level), (module), __VA_ARGS__);                    \
  } while (0)
#define XC_TRACE(m, ...) XC_LOG(XC_LOG_TRACE, m, __VA_ARGS__)
#define XC_DEBUG(m, ...) XC_LOG(XC_LOG_DEBUG, m, __VA_ARGS__)
#define XC_INFO(m, ...) XC_LOG(XC_LOG_INFO, m, __VA_ARGS__)
#define XC_WARN(m, ...) XC_LOG(XC_LOG_WARN, m, __VA_ARGS__)
#define XC_ERROR(m, ...) XC_LOG(XC_LOG_ERROR, m, __VA_ARGS__)

#endif
