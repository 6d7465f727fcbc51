/* libFuzzer target for the JSON reader and writer.
 *
 * Arbitrary bytes -> xc_json_parse. When accepted: (1) jsmn (strict, parent links) must produce
 * the very same tokens (differential oracle for the scanner); (2) every token is read with every
 * getter (nothing may crash, leak or misreport); (3) every decodable string is written back with
 * the writer, as a key and as a value, and must reparse to the same bytes; (4) every decimal is
 * written as a string and as a number and must read back equal.
 */
#define JSMN_STATIC /* jsmn's own parser as an oracle, in this program only */
#include <jsmn.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"

#define CHECK(c)                                                                                   \
  do {                                                                                             \
    if (!(c)) {                                                                                    \
      fprintf(stderr, "CHECK failed at %s:%d: %s\n", __FILE__, __LINE__, #c);                      \
      abort();                                                                                     \
    }                                                                                              \
  } while (0)

static void check_jsmn(const xc_json *j, const char *data, size_t size) {
  if (j->tok[0].type == JSMN_PRIMITIVE) return; /* strict jsmn wants a delimiter after a scalar */
  jsmntok_t *t = malloc((size_t)j->ntok * sizeof *t);
  CHECK(t);
  jsmn_parser p;
  jsmn_init(&p);
  int r = jsmn_parse(&p, data, size, t, (unsigned)j->ntok);
  CHECK(r == j->ntok);
  for (int i = 0; i < r; i++) {
    CHECK(t[i].type == j->tok[i].type);
    CHECK(t[i].start == j->tok[i].start);
    CHECK(t[i].end == j->tok[i].end);
    CHECK(t[i].size == j->tok[i].size);
    CHECK(t[i].parent == j->tok[i].parent);
  }
  free(t);
}

static bool valid_utf8(const char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    int k = (unsigned char)s[i] < 0x80 ? 1 : xc__utf8_seq((const unsigned char *)s + i, n - i);
    if (!k) return false;
    i += (size_t)k;
  }
  return true;
}

/* Writes s as a key and as a value, reparses, decodes both: same bytes. */
static void string_roundtrip(const char *s, size_t n) {
  xc_buf b;
  xc_buf_init(&b);
  xc_jw w;
  xc_jw_init(&w, &b);
  xc_jw_obj_begin(&w);
  xc_jw_keyn(&w, s, n);
  xc_jw_strn(&w, s, n);
  xc_jw_obj_end(&w);
  CHECK(xc_jw_finish(&w) == XC_OK);
  xc_json j;
  xc_json_init(&j);
  CHECK(xc_json_parse(&j, b.data, b.len) == XC_OK);
  char *out = malloc(n + 1);
  size_t on;
  int v = xc_json_first(&j, 0);
  CHECK(xc_json_str_copy(&j, v, out, n + 1, &on) == XC_OK && on == n && memcmp(out, s, n) == 0);
  CHECK(xc_json_str_copy(&j, xc_json_key(&j, v), out, n + 1, &on) == XC_OK && on == n);
  CHECK(memcmp(out, s, n) == 0);
  free(out);
  xc_json_free(&j);
  xc_buf_free(&b);
}

static void dec_roundtrip(xc_dec d) {
  xc_buf b;
  xc_buf_init(&b);
  xc_jw w;
  xc_jw_init(&w, &b);
  xc_jw_arr_begin(&w);
  xc_jw_dec_str(&w, d);
  xc_jw_dec_num(&w, d);
  xc_jw_arr_end(&w);
  CHECK(xc_jw_finish(&w) == XC_OK);
  xc_json j;
  xc_json_init(&j);
  CHECK(xc_json_parse(&j, b.data, b.len) == XC_OK);
  xc_dec a, c;
  CHECK(xc_json_dec(&j, xc_json_at(&j, 0, 0), &a) == XC_OK && xc_dec_eq(a, d));
  CHECK(xc_json_dec(&j, xc_json_at(&j, 0, 1), &c) == XC_OK && xc_dec_eq(c, d));
  xc_json_free(&j);
  xc_buf_free(&b);
}

static void walk(xc_json *j, const char *data, size_t size) {
  char *buf = malloc(size + 1);
  CHECK(buf);
  for (int i = 0; i < j->ntok; i++) {
    xc_json_type ty = xc_json_type_of(j, i);
    CHECK(ty != XC_JSON_NONE);
    const jsmntok_t *t = &j->tok[i];
    CHECK(t->start >= 0 && t->end >= t->start && (size_t)t->end <= size);
    /* children */
    int cnt = 0, last = i;
    for (int e = xc_json_first(j, i); e >= 0; e = xc_json_next(j, e)) {
      CHECK(e > last && e < j->ntok);
      last = e;
      if (ty == XC_JSON_OBJECT) {
        int k = xc_json_key(j, e);
        CHECK(k == e - 1 && j->tok[k].type == JSMN_STRING);
        const char *ks;
        size_t kn;
        CHECK(xc_json_text(j, k, &ks, &kn) == XC_OK);
        int g = xc_json_getn(j, i, ks, kn);
        CHECK(g >= 0 && g <= e); /* duplicate keys: the first one wins */
      }
      CHECK(xc_json_at(j, i, cnt) == e);
      cnt++;
    }
    CHECK(cnt == xc_json_count(j, i));
    CHECK(xc_json_at(j, i, cnt) == -1);
    /* scalars with every getter */
    const char *s;
    size_t n;
    CHECK(xc_json_text(j, i, &s, &n) == XC_OK);
    size_t on;
    xc_status st = xc_json_str_copy(j, i, buf, size + 1, &on);
    if (ty == XC_JSON_STRING) {
      CHECK(st == XC_OK || st == XC_EPARSE);
      CHECK(xc_json_str_eqn(j, i, s, n));
      if (st == XC_OK) {
        CHECK(on <= n && buf[on] == 0 && valid_utf8(buf, on));
        string_roundtrip(buf, on);
      }
    } else {
      CHECK(st == XC_ETYPE);
    }
    xc_dec d;
    st = xc_json_dec(j, i, &d);
    if (st == XC_OK) {
      xc_dec ref;
      CHECK(xc_dec_parse(s, n, &ref) == XC_OK && xc_dec_eq(d, ref));
      CHECK(xc_dec_places(d) == xc_dec_places(ref));
      CHECK(d.coef == ref.coef && d.exp == ref.exp); /* same scale as xc_dec_parse */
      dec_roundtrip(d);
    } else {
      CHECK(st == XC_ETYPE || st == XC_EPARSE || st == XC_ERANGE);
      CHECK(ty == XC_JSON_STRING || ty == XC_JSON_NUMBER || st == XC_ETYPE);
    }
    int64_t i64;
    uint64_t u64;
    bool bv;
    st = xc_json_i64(j, i, &i64);
    xc_status st2 = xc_json_u64(j, i, &u64);
    if (st == XC_OK && st2 == XC_OK) CHECK((uint64_t)i64 == u64);
    if (st == XC_OK && i64 >= 0) CHECK(st2 == XC_OK);
    st = xc_json_bool(j, i, &bv);
    CHECK((st == XC_OK) == (ty == XC_JSON_TRUE || ty == XC_JSON_FALSE));
    CHECK(xc_json_is_null(j, i) == (ty == XC_JSON_NULL));
    /* keyed getters on objects, with the first key and a missing one */
    if (ty == XC_JSON_OBJECT && t->size > 0) {
      char key[32];
      const char *ks;
      size_t kn;
      xc_json_text(j, i + 1, &ks, &kn);
      if (kn < sizeof key && !memchr(ks, 0, kn)) {
        memcpy(key, ks, kn);
        key[kn] = 0;
        xc_dec dd;
        const char *ts;
        size_t tn;
        int sub;
        xc_json_get_dec(j, i, key, &dd);
        xc_json_get_i64(j, i, key, &i64);
        xc_json_get_u64(j, i, key, &u64);
        xc_json_get_bool(j, i, key, &bv);
        xc_json_get_text(j, i, key, &ts, &tn);
        xc_json_get_str(j, i, key, buf, size + 1);
        xc_json_get_obj(j, i, key, &sub);
        xc_json_get_arr(j, i, key, &sub);
        CHECK(strlen(xc_json_errmsg(j)) < sizeof j->err);
      }
      CHECK(xc_json_get_i64(j, i, "\x01missing", &i64) == XC_ENOTFOUND);
    }
  }
  free(buf);
  (void)data;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  xc_json j;
  xc_json_init(&j);
  j.max_tokens = 1 << 16;
  xc_status st = xc_json_parse(&j, (const char *)data, size);
  if (st == XC_OK) {
    CHECK(j.ntok >= 1);
    check_jsmn(&j, (const char *)data, size);
    walk(&j, (const char *)data, size);
    /* reparsing the same bytes with the warm token array gives the same result */
    int n = j.ntok;
    CHECK(xc_json_parse(&j, (const char *)data, size) == XC_OK && j.ntok == n);
  } else {
    CHECK(st == XC_EPARSE || st == XC_EFULL);
    CHECK(j.ntok == 0 && xc_json_errmsg(&j)[0] != 0);
    CHECK(xc_json_type_of(&j, 0) == XC_JSON_NONE);
  }
  xc_json_free(&j);
  return 0;
}
