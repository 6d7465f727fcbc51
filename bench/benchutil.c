#include "benchutil.h"

#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

static _Atomic uint64_t g_allocs;

void *malloc(size_t n);
void *calloc(size_t a, size_t b);
void *realloc(void *p, size_t n);
void free(void *p);

void *malloc(size_t n) { atomic_fetch_add_explicit(&g_allocs, 1, memory_order_relaxed); return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { atomic_fetch_add_explicit(&g_allocs, 1, memory_order_relaxed); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { atomic_fetch_add_explicit(&g_allocs, 1, memory_order_relaxed); return __libc_realloc(p, n); }
void free(void *p) { __libc_free(p); }

uint64_t xc_bench_allocs(void) { return atomic_load(&g_allocs); }

uint64_t xc_bench_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void xc_bench_report(const char *name, uint64_t ops, uint64_t elapsed_ns, double allocs_per_op) {
  double ns = ops ? (double)elapsed_ns / (double)ops : 0;
  double per_s = elapsed_ns ? (double)ops * 1e9 / (double)elapsed_ns : 0;
  if (allocs_per_op >= 0)
    printf("%-44s %10.1f ns/op %14.0f ops/s %8.3f allocs/op\n", name, ns, per_s, allocs_per_op);
  else
    printf("%-44s %10.1f ns/op %14.0f ops/s\n", name, ns, per_s);
  fflush(stdout);
}
