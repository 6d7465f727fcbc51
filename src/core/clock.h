/* Monotonic and wall clocks. Sans-I/O cores never call these: they take `now` as an argument. */
#ifndef XC_CORE_CLOCK_H
#define XC_CORE_CLOCK_H

#include <stdint.h>
#include "xconn/common.h"

/* Monotonic nanoseconds (CLOCK_MONOTONIC). */
XC_API uint64_t xc_mono_ns(void);
/* Wall-clock milliseconds since the Unix epoch (CLOCK_REALTIME). */
XC_API int64_t xc_wall_ms(void);
/* Wall-clock nanoseconds since the Unix epoch (CLOCK_REALTIME). */
XC_API int64_t xc_wall_ns(void);

#endif
