/* Benchmark helpers: a monotonic clock, an allocation counter and a uniform report line.
 * The allocation counter interposes malloc/calloc/realloc/free in benchmark programs only. */
#ifndef XC_BENCHUTIL_H
#define XC_BENCHUTIL_H

#include <stdint.h>
#include <stddef.h>

uint64_t xc_bench_now_ns(void);
/* Allocations (malloc, calloc, realloc) made by this process so far. */
uint64_t xc_bench_allocs(void);
/* Prints "name: X ns/op, Y ops/s[, Z allocs/op]" in one line. allocs < 0 omits the column. */
void xc_bench_report(const char *name, uint64_t ops, uint64_t elapsed_ns, double allocs_per_op);
/* Keeps the compiler from discarding a value. */
#define XC_BENCH_KEEP(x) __asm__ volatile("" : : "g"(x) : "memory")

#endif
