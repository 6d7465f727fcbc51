/* Helpers shared by the test programs (cmocka). */
#ifndef XC_TESTUTIL_H
#define XC_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* Path of a file under ../shared (XC_SHARED_DIR), e.g. "fixtures/vectors/ws_payloads.json".
 * Returns a static buffer. */
const char *xc_test_shared_path(const char *rel);
/* Reads a whole file (malloc'd, NUL-terminated); fails the test if it cannot. */
char *xc_test_read_file(const char *path, size_t *len);
/* Same for a file under ../shared. */
char *xc_test_read_shared(const char *rel, size_t *len);
/* Deterministic PRNG for property tests (splitmix64). */
uint64_t xc_test_rand(uint64_t *state);

#endif
