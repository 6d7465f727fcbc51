#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

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

size_t xc_test_curl_body(char *p, size_t sz, size_t n, void *u) {
  xc_test_resp *r = u;
  size_t k = sz * n;
  char *nb = realloc(r->body, r->len + k + 1);
  if (!nb) return 0; /* curl reports a write error */
  r->body = nb;
  memcpy(r->body + r->len, p, k);
  r->len += k;
  r->body[r->len] = 0;
  return k;
}

size_t xc_test_curl_header(char *p, size_t sz, size_t n, void *u) {
  xc_test_resp *r = u;
  size_t k = sz * n;
  if (r->hlen + k < sizeof r->headers) {
    memcpy(r->headers + r->hlen, p, k);
    r->hlen += k;
    r->headers[r->hlen] = 0;
  }
  return k;
}

int64_t xc_test_wall_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *xc_test_resp_header(const xc_test_resp *r, const char *name) {
  static char v[128];
  v[0] = 0;
  size_t nl = strlen(name);
  for (const char *l = r->headers; l && *l;) {
    if (!strncasecmp(l, name, nl) && l[nl] == ':') {
      const char *s = l + nl + 1;
      while (*s == ' ') s++;
      size_t k = strcspn(s, "\r\n");
      if (k >= sizeof v) k = sizeof v - 1;
      memcpy(v, s, k);
      v[k] = 0;
      return v;
    }
    l = strchr(l, '\n');
    if (l) l++;
  }
  return v;
}

int xc_test_http(xc_test_resp *r, const char *method, const char *url, const char *body,
                 const char *const headers[8]) {
  memset(r, 0, sizeof *r);
  CURL *c = curl_easy_init();
  if (!c) return CURLE_FAILED_INIT;
  struct curl_slist *h = NULL;
  for (int i = 0; headers && i < 8; i++)
    if (headers[i]) h = curl_slist_append(h, headers[i]);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  if (body) curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, xc_test_curl_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, xc_test_curl_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
  CURLcode rc = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  if (!r->body) r->body = calloc(1, 1);
  return (int)rc;
}
