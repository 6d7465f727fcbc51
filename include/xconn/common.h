/* xconn/common.h: export macro and version of libxconn.
 *
 * Every public declaration carries XC_API. The library is built with -fvisibility=hidden, so only
 * what is marked here is exported from libxconn.so. This header includes only standard C headers.
 */
#ifndef XCONN_COMMON_H
#define XCONN_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#if defined(XC_BUILDING) && defined(__GNUC__)
#define XC_API __attribute__((visibility("default")))
#else
#define XC_API
#endif

#define XC_VERSION_MAJOR 0
#define XC_VERSION_MINOR 1
#define XC_VERSION_PATCH 0
#define XC_VERSION_STRING "0.1.0"

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version string ("MAJOR.MINOR.PATCH"); static storage. */
XC_API const char *xc_version(void);

#ifdef __cplusplus
}
#endif
#endif
