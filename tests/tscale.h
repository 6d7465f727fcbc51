/* Time scaling for tests that run on a shared, possibly overloaded machine (CI: 2 cores, load
 * average up to ~13, and the whole suite again under ASan+UBSan).
 *
 * Rule: lower bounds ("the watchdog never fires early", "the delay was honoured") stay exact;
 * upper bounds and waiting deadlines are multiplied by xc_test_time_scale(), which is
 *   XC_TEST_TIME_SCALE (a number >= 1) when set, else
 *   5 under valgrind or XC_TEST_SLOW, 3 under ASan, 1 otherwise,
 *   times (1-minute load average / online CPUs) when that exceeds 1 (capped at 8).
 * XC_WAIT_UNTIL waits for a condition against the monotonic clock (not a count of sleeps, which
 * stretches under load), up to the scaled deadline; the caller asserts the condition after it.
 * Header-only; call from the test's main thread. */
#ifndef XC_TESTS_TSCALE_H
#define XC_TESTS_TSCALE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define XC_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define XC_TEST_ASAN 1
#endif
#endif

static inline double xc_test_time_scale(void) {
  static double cached;
  if (cached >= 1) return cached;
  double v = 1;
  const char *e = getenv("XC_TEST_TIME_SCALE");
  if (e && atof(e) >= 1) {
    v = atof(e);
  } else {
    const char *pre = getenv("LD_PRELOAD");
    if ((pre && strstr(pre, "vgpreload")) || getenv("XC_TEST_SLOW")) v = 5;
#ifdef XC_TEST_ASAN
    else v = 3;
#endif
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
      double la = 0;
      long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
      if (ncpu < 1) ncpu = 1;
      if (fscanf(f, "%lf", &la) == 1 && la / (double)ncpu > 1)
        v *= la / (double)ncpu > 8 ? 8 : la / (double)ncpu;
      fclose(f);
    }
  }
  cached = v;
  return v;
}

/* ms scaled for an upper bound or a deadline */
static inline int xc_test_ms(int ms) { return (int)(ms * xc_test_time_scale()); }

static inline uint64_t xc_test_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Waits until cond holds or ms (scaled) have passed on the monotonic clock. */
#define XC_WAIT_UNTIL(cond, ms)                                                                    \
  do {                                                                                             \
    uint64_t end_ = xc_test_now_ns() + (uint64_t)xc_test_ms(ms) * 1000000ull;                      \
    while (!(cond) && xc_test_now_ns() < end_) usleep(1000);                                       \
  } while (0)

#endif
