#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *xc_test_shared_path(const char *rel) {
  static char path[4096];
  const char *env = getenv("XC_SHARED_DIR");
  snprintf(path, sizeof path, "%s/%s", env && *env ? env : XC_SHARED_DIR, rel);
  return path;
}

char *xc_test_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) fail_msg("cannot open %s", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  buf[n] = 0;
  if (len) *len = (size_t)n;
  return buf;
}

char *xc_test_read_shared(const char *rel, size_t *len) {
  return xc_test_read_file(xc_test_shared_path(rel), len);
}

uint64_t xc_test_rand(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
