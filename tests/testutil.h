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


/* A response collected with libcurl by a test: status, body (malloc'd, NUL-terminated; the test
 * frees it) and the raw header lines (truncated at 4 KiB). */
typedef struct xc_test_resp {
  long status;
  char *body;
  size_t len;
  char headers[4096];
  size_t hlen;
} xc_test_resp;
/* CURLOPT_WRITEFUNCTION / CURLOPT_HEADERFUNCTION collecting into the xc_test_resp passed as data. */
size_t xc_test_curl_body(char *p, size_t sz, size_t n, void *resp);
size_t xc_test_curl_header(char *p, size_t sz, size_t n, void *resp);
/* Value of response header `name` (case-insensitive), trimmed; "" if absent. Static buffer: valid
 * until the next call. */
const char *xc_test_resp_header(const xc_test_resp *r, const char *name);
/* One HTTP request with libcurl (5 s timeout) into r, which is zeroed first: method, url, an
 * optional body, and up to 8 extra header lines ("Name: value"; NULL entries are skipped). Returns
 * the curl code (0 = a response arrived); r->body is always allocated. */
int xc_test_http(xc_test_resp *r, const char *method, const char *url, const char *body,
                 const char *const headers[8]);
/* Wall-clock milliseconds since the epoch (what venues put in timestamps). */
int64_t xc_test_wall_ms(void);

#endif
