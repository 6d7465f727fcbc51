/* JSON reader and writer: strict parsing, typed reads of real venue payloads, error paths,
 * differential check of the token layout against jsmn, and writer round trips. */
#define JSMN_STATIC /* jsmn's own parser, as an oracle for the token layout (this file only) */
#include <jsmn.h>

#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"



static xc_status parse_s(xc_json *j, const char *s) { return xc_json_parse(j, s, strlen(s)); }

/* Compares our tokens with jsmn's (strict, parent links) for a document both accept. */
static void check_against_jsmn(const char *doc, size_t len) {
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(xc_json_parse(&j, doc, len), XC_OK);
  if (j.tok[0].type == JSMN_PRIMITIVE) { /* strict jsmn wants a delimiter after a bare primitive */
    xc_json_free(&j);
    return;
  }
  int cap = j.ntok + 8;
  jsmntok_t *t = calloc((size_t)cap, sizeof *t);
  assert_non_null(t);
  jsmn_parser p;
  jsmn_init(&p);
  int r = jsmn_parse(&p, doc, len, t, (unsigned)cap);
  assert_int_equal(r, j.ntok);
  for (int i = 0; i < r; i++) {
    assert_int_equal(t[i].type, j.tok[i].type);
    assert_int_equal(t[i].start, j.tok[i].start);
    assert_int_equal(t[i].end, j.tok[i].end);
    assert_int_equal(t[i].size, j.tok[i].size);
    assert_int_equal(t[i].parent, j.tok[i].parent);
  }
  free(t);
  xc_json_free(&j);
}

/* ---- syntax ------------------------------------------------------------------------------ */

static const char *valid_docs[] = {
    "0", "-0", "1", "-12", "1e5", "1E+5", "-1.5e-7", "0.0", "123456789012345678901234567890",
    "\"\"", "\"a\"", "[]", "{}", " [ ] ", "\t\r\n{}\n", "[[],{}]", "true", "false", "null",
    "\"\\u00e9\\ud83d\\ude00\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80\"",
    "{\"a\":{\"b\":[1,2,{\"c\":null}]},\"d\":[[[\"x\"]]],\"e\":-0.5}",
    "[1, 2 ,3 , {\"k\" : \"v\" } ]", "\"\x7f\"", "\"\\uDBFF\\uDFFF\"",
};

static const char *invalid_docs[] = {
    "", " ", "{", "}", "[", "]", "[1,]", "[,1]", "[1 2]", "{\"a\" 1}", "{\"a\":1,}", "{\"a\"}",
    "{1:2}", "{\"a\":1 \"b\":2}", "{,}", "[[]", "[]]", "[1]x", "1 2", "{\"a\":1}}", "01", "-01",
    "1.", "-", "1e", "1e+", "+1", ".5", "1.e5", "0x10", "NaN", "Infinity", "-Infinity", "tru",
    "nul", "truex", "nullnull", "True", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"\\",
    "\"a\x01\"", "\"a\nb\"", "\"\xff\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"",
    "\"\xe2\x82\"", "\"\x80\"", "[\"a\":1]", "{\"a\":1:2}", "{\"a\"::1}", "[-]", "[01]",
    "{\"a\":}", "'a'", "\"a\",\"b\"", "\"a\"]", "[\"a\",\"b\"", "[\"a\",\"b\"}",
    "{\"k\":\"a\",\"b\"}", "[\"a\",\"\x01\"]", "[\"a\",\"b]", "[1,,2]", "/* c */ 1", "[1]\x01", "\xef\xbb\xbf[]", "{\"a\":[}", "[{]}",
};

static void test_valid_and_invalid(void **state) {
  (void)state;
  xc_json j;
  xc_json_init(&j);
  for (size_t i = 0; i < sizeof valid_docs / sizeof *valid_docs; i++) {
    xc_status st = parse_s(&j, valid_docs[i]);
    if (st) fail_msg("valid doc %zu rejected: %s (%s)", i, valid_docs[i], xc_json_errmsg(&j));
    assert_true(j.ntok >= 1);
    check_against_jsmn(valid_docs[i], strlen(valid_docs[i]));
  }
  for (size_t i = 0; i < sizeof invalid_docs / sizeof *invalid_docs; i++) {
    xc_status st = parse_s(&j, invalid_docs[i]);
    if (st != XC_EPARSE) fail_msg("invalid doc %zu accepted (%d): %s", i, st, invalid_docs[i]);
    assert_int_equal(j.ntok, 0);
    assert_true(strlen(xc_json_errmsg(&j)) > 0);
    assert_int_equal(xc_json_type_of(&j, 0), XC_JSON_NONE);
  }
  /* an embedded NUL is not a terminator */
  assert_int_equal(xc_json_parse(&j, "[1]\0", 4), XC_EPARSE);
  assert_int_equal(xc_json_parse(&j, "[1\0]", 4), XC_EPARSE);
  assert_int_equal(xc_json_parse(&j, "\"a\0b\"", 5), XC_EPARSE);
  /* length bounds the input: the rest of the C string is ignored */
  assert_int_equal(xc_json_parse(&j, "[1]garbage", 3), XC_OK);
  assert_int_equal(xc_json_parse(&j, NULL, 0), XC_EPARSE);
  assert_int_equal(xc_json_parse(&j, NULL, 5), XC_EINVAL);
  /* error messages locate the problem */
  assert_int_equal(parse_s(&j, "{\"a\":1,}"), XC_EPARSE);
  assert_non_null(strstr(xc_json_errmsg(&j), "at byte 7"));
  assert_non_null(strstr(xc_json_errmsg(&j), "key"));
  assert_int_equal(parse_s(&j, "[1] x"), XC_EPARSE);
  assert_non_null(strstr(xc_json_errmsg(&j), "trailing"));
  xc_json_free(&j);
}

/* Every proper prefix of a container document is malformed (truncated input). */
static void test_truncated(void **state) {
  (void)state;
  const char *doc = "{\"e\":\"depthUpdate\",\"E\":1672515782136,\"b\":[[\"0.0024\",\"10\"]],"
                    "\"x\":[true,false,null,-1.5e-3,\"\\u00e9\"],\"o\":{}}";
  xc_json j;
  xc_json_init(&j);
  size_t n = strlen(doc);
  assert_int_equal(xc_json_parse(&j, doc, n), XC_OK);
  for (size_t k = 0; k < n; k++) {
    xc_status st = xc_json_parse(&j, doc, k);
    if (st != XC_EPARSE) fail_msg("prefix of %zu bytes accepted", k);
  }
  xc_json_free(&j);
}

/* ---- navigation -------------------------------------------------------------------------- */

static void test_navigation(void **state) {
  (void)state;
  const char *doc = "{\"a\":{\"x\":[1,[2,3],{\"y\":4}],\"z\":\"s\"},\"b\":[],\"c\":[10,20,30],\"d\":{}}";
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(parse_s(&j, doc), XC_OK);
  assert_int_equal(xc_json_type_of(&j, 0), XC_JSON_OBJECT);
  assert_int_equal(xc_json_count(&j, 0), 4);
  int a = xc_json_get(&j, 0, "a");
  int b = xc_json_get(&j, 0, "b");
  int c = xc_json_get(&j, 0, "c");
  int d = xc_json_get(&j, 0, "d");
  assert_int_equal(xc_json_type_of(&j, a), XC_JSON_OBJECT);
  assert_int_equal(xc_json_type_of(&j, b), XC_JSON_ARRAY);
  assert_int_equal(xc_json_count(&j, b), 0);
  assert_int_equal(xc_json_first(&j, b), -1);
  assert_int_equal(xc_json_first(&j, d), -1);
  assert_int_equal(xc_json_get(&j, 0, "nope"), -1);
  assert_int_equal(xc_json_get(&j, 0, "x"), -1); /* only direct members */
  assert_int_equal(xc_json_get(&j, c, "a"), -1); /* not an object */
  assert_int_equal(xc_json_get(&j, -1, "a"), -1);
  /* iteration over object values, with keys */
  const char *keys[] = {"a", "b", "c", "d"};
  int vals[] = {a, b, c, d};
  int i = 0;
  for (int v = xc_json_first(&j, 0); v >= 0; v = xc_json_next(&j, v), i++) {
    assert_true(i < 4);
    assert_int_equal(v, vals[i]);
    assert_true(xc_json_str_eq(&j, xc_json_key(&j, v), keys[i]));
    assert_int_equal(xc_json_at(&j, 0, i), v);
  }
  assert_int_equal(i, 4);
  /* next() on a key token moves to the next key */
  assert_int_equal(xc_json_next(&j, xc_json_key(&j, a)), xc_json_key(&j, b));
  assert_int_equal(xc_json_next(&j, xc_json_key(&j, d)), -1);
  /* arrays, nested skipping */
  int x = xc_json_get(&j, a, "x");
  assert_int_equal(xc_json_count(&j, x), 3);
  int e0 = xc_json_first(&j, x), e1 = xc_json_next(&j, e0), e2 = xc_json_next(&j, e1);
  assert_int_equal(xc_json_next(&j, e2), -1);
  assert_int_equal(xc_json_type_of(&j, e1), XC_JSON_ARRAY);
  assert_int_equal(xc_json_type_of(&j, e2), XC_JSON_OBJECT);
  assert_int_equal(xc_json_at(&j, x, 2), e2);
  assert_int_equal(xc_json_at(&j, x, 3), -1);
  assert_int_equal(xc_json_at(&j, x, -1), -1);
  assert_int_equal(xc_json_key(&j, e0), -1);
  int64_t v;
  assert_int_equal(xc_json_i64(&j, xc_json_get(&j, e2, "y"), &v), XC_OK);
  assert_int_equal(v, 4);
  int z = xc_json_get(&j, a, "z");
  assert_true(xc_json_str_eq(&j, z, "s"));
  assert_int_equal(xc_json_next(&j, z), -1);
  int sum = 0;
  for (int e = xc_json_first(&j, c); e >= 0; e = xc_json_next(&j, e)) {
    assert_int_equal(xc_json_i64(&j, e, &v), XC_OK);
    sum += (int)v;
  }
  assert_int_equal(sum, 60);
  /* the root has no siblings; out-of-range indexes are absent */
  assert_int_equal(xc_json_next(&j, 0), -1);
  assert_int_equal(xc_json_type_of(&j, j.ntok), XC_JSON_NONE);
  assert_int_equal(xc_json_next(&j, -1), -1);
  assert_int_equal(xc_json_count(&j, 5000), 0);
  /* raw text of a container */
  const char *s;
  size_t n;
  assert_int_equal(xc_json_text(&j, e2, &s, &n), XC_OK);
  assert_int_equal(n, 7);
  assert_memory_equal(s, "{\"y\":4}", 7);
  assert_int_equal(xc_json_text(&j, -1, &s, &n), XC_ENOTFOUND);
  xc_json_free(&j);
}

/* ---- scalars ----------------------------------------------------------------------------- */

static void test_integers(void **state) {
  (void)state;
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(parse_s(&j, "[9223372036854775807,-9223372036854775808,9223372036854775808,"
                                "-9223372036854775809,18446744073709551615,18446744073709551616,"
                                "\"42\",\"-7\",\"\",\"4x\",\"+1\",1.5,1e3,-0,true,null,"
                                "99999999999999999999999999,\"007\",-1]"),
                   XC_OK);
  int64_t i;
  uint64_t u;
#define AT(k) xc_json_at(&j, 0, (k))
  assert_int_equal(xc_json_i64(&j, AT(0), &i), XC_OK);
  assert_true(i == INT64_MAX);
  assert_int_equal(xc_json_i64(&j, AT(1), &i), XC_OK);
  assert_true(i == INT64_MIN);
  assert_int_equal(xc_json_i64(&j, AT(2), &i), XC_ERANGE);
  assert_int_equal(xc_json_u64(&j, AT(2), &u), XC_OK);
  assert_true(u == (uint64_t)INT64_MAX + 1);
  assert_int_equal(xc_json_i64(&j, AT(3), &i), XC_ERANGE);
  assert_int_equal(xc_json_u64(&j, AT(4), &u), XC_OK);
  assert_true(u == UINT64_MAX);
  assert_int_equal(xc_json_u64(&j, AT(5), &u), XC_ERANGE);
  assert_int_equal(xc_json_i64(&j, AT(6), &i), XC_OK);
  assert_int_equal(i, 42);
  assert_int_equal(xc_json_i64(&j, AT(7), &i), XC_OK);
  assert_int_equal(i, -7);
  assert_int_equal(xc_json_u64(&j, AT(7), &u), XC_ERANGE);
  assert_int_equal(xc_json_i64(&j, AT(8), &i), XC_EPARSE);
  assert_int_equal(xc_json_i64(&j, AT(9), &i), XC_EPARSE);
  assert_int_equal(xc_json_i64(&j, AT(10), &i), XC_EPARSE);
  assert_int_equal(xc_json_i64(&j, AT(11), &i), XC_ETYPE);
  assert_int_equal(xc_json_i64(&j, AT(12), &i), XC_ETYPE);
  assert_int_equal(xc_json_i64(&j, AT(13), &i), XC_OK);
  assert_int_equal(i, 0);
  assert_int_equal(xc_json_u64(&j, AT(13), &u), XC_OK);
  assert_int_equal(xc_json_i64(&j, AT(14), &i), XC_ETYPE);
  assert_int_equal(xc_json_i64(&j, AT(15), &i), XC_ETYPE);
  assert_int_equal(xc_json_i64(&j, AT(16), &i), XC_ERANGE);
  assert_int_equal(xc_json_u64(&j, AT(17), &u), XC_OK);
  assert_int_equal(u, 7);
  assert_int_equal(xc_json_u64(&j, AT(18), &u), XC_ERANGE);
  assert_int_equal(xc_json_i64(&j, 0, &i), XC_ETYPE);
  assert_int_equal(xc_json_i64(&j, -1, &i), XC_ENOTFOUND);
#undef AT
  xc_json_free(&j);
}

static void test_bool_null_types(void **state) {
  (void)state;
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(parse_s(&j, "[true,false,null,\"true\",0,1.5,\"s\",[],{}]"), XC_OK);
  const xc_json_type want[] = {XC_JSON_TRUE,   XC_JSON_FALSE,  XC_JSON_NULL,
                               XC_JSON_STRING, XC_JSON_NUMBER, XC_JSON_NUMBER,
                               XC_JSON_STRING, XC_JSON_ARRAY,  XC_JSON_OBJECT};
  int k = 0;
  for (int e = xc_json_first(&j, 0); e >= 0; e = xc_json_next(&j, e), k++)
    assert_int_equal(xc_json_type_of(&j, e), want[k]);
  assert_int_equal(k, 9);
  bool b;
  assert_int_equal(xc_json_bool(&j, xc_json_at(&j, 0, 0), &b), XC_OK);
  assert_true(b);
  assert_int_equal(xc_json_bool(&j, xc_json_at(&j, 0, 1), &b), XC_OK);
  assert_false(b);
  assert_int_equal(xc_json_bool(&j, xc_json_at(&j, 0, 3), &b), XC_ETYPE);
  assert_int_equal(xc_json_bool(&j, -1, &b), XC_ENOTFOUND);
  assert_true(xc_json_is_null(&j, xc_json_at(&j, 0, 2)));
  assert_false(xc_json_is_null(&j, xc_json_at(&j, 0, 0)));
  assert_false(xc_json_is_null(&j, -1));
  assert_string_equal(xc_json_type_name(XC_JSON_NULL), "null");
  assert_string_equal(xc_json_type_name(XC_JSON_NONE), "absent");
  xc_json_free(&j);
}

static void test_strings(void **state) {
  (void)state;
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(parse_s(&j, "[\"plain\",\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\","
                                "\"\\u0041\\u00e9\\u20AC\\ud83d\\ude00\",\"\\ud83d\",\"\\ude00x\","
                                "\"\\ud83d\\u0041\",\"\\u0000\",\"h\xc3\xa9\",12]"),
                   XC_OK);
  char buf[64];
  size_t n;
  assert_int_equal(xc_json_str_copy(&j, xc_json_at(&j, 0, 0), buf, sizeof buf, &n), XC_OK);
  assert_string_equal(buf, "plain");
  assert_int_equal(n, 5);
  assert_int_equal(xc_json_str_copy(&j, xc_json_at(&j, 0, 1), buf, sizeof buf, &n), XC_OK);
  assert_string_equal(buf, "a\"b\\c/d\b\f\n\r\t");
  assert_int_equal(xc_json_str_copy(&j, xc_json_at(&j, 0, 2), buf, sizeof buf, &n), XC_OK);
  assert_string_equal(buf, "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  assert_int_equal(n, 10);
  assert_int_equal(xc_json_str_copy(&j, xc_json_at(&j, 0, 3), buf, sizeof buf, &n), XC_EPARSE);
  assert_int_equal(xc_json_str_copy(&j, xc_json_at(&j, 0, 4), buf, sizeof buf, &n), XC_EPARSE);
  assert_int_equal(xc_json_str_copy(&j, xc_json_at(&j, 0, 5), buf, sizeof buf, &n), XC_EPARSE);
  assert_int_equal(xc_json_str_copy(&j, xc_json_at(&j, 0, 6), buf, sizeof buf, &n), XC_EPARSE);
  assert_int_equal(xc_json_str_copy(&j, xc_json_at(&j, 0, 7), buf, sizeof buf, &n), XC_OK);
  assert_string_equal(buf, "h\xc3\xa9");
  assert_int_equal(xc_json_str_copy(&j, xc_json_at(&j, 0, 8), buf, sizeof buf, &n), XC_ETYPE);
  /* buffer limits: exact fit needs room for the NUL */
  assert_int_equal(xc_json_str_copy(&j, xc_json_at(&j, 0, 0), buf, 6, &n), XC_OK);
  assert_int_equal(xc_json_str_copy(&j, xc_json_at(&j, 0, 0), buf, 5, &n), XC_ENOSPC);
  assert_string_equal(buf, "plai");
  assert_int_equal(xc_json_str_copy(&j, xc_json_at(&j, 0, 2), buf, 4, &n), XC_ENOSPC);
  assert_true(strlen(buf) < 4);
  assert_int_equal(xc_json_str_copy(&j, xc_json_at(&j, 0, 0), buf, 0, &n), XC_ENOSPC);
  /* raw text and raw compare do not decode */
  const char *s;
  assert_int_equal(xc_json_text(&j, xc_json_at(&j, 0, 1), &s, &n), XC_OK);
  assert_int_equal(n, 20);
  assert_true(xc_json_str_eq(&j, xc_json_at(&j, 0, 0), "plain"));
  assert_false(xc_json_str_eq(&j, xc_json_at(&j, 0, 0), "plai"));
  assert_false(xc_json_str_eq(&j, xc_json_at(&j, 0, 8), "12"));
  xc_json_free(&j);
}

static void test_decimals(void **state) {
  (void)state;
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(parse_s(&j, "[\"0.00100000\",0.001,1e-8,\"97000.01000000\",-2.5,\"-0.5\","
                                "\"123456789012345678901234567890.5\",\"\",\"abc\",true,\"1e3\","
                                "12345678901234567890,\".5\",\"-\"]"),
                   XC_OK);
  xc_dec d, want;
  char buf[XC_DEC_STR_MAX];
#define DEC_IS(k, str)                                                                             \
  do {                                                                                             \
    assert_int_equal(xc_json_dec(&j, xc_json_at(&j, 0, (k)), &d), XC_OK);                          \
    assert_int_equal(xc_dec_from_cstr((str), &want), XC_OK);                                       \
    assert_true(xc_dec_eq(d, want));                                                               \
  } while (0)
  DEC_IS(0, "0.001");
  assert_int_equal(xc_dec_places(d), 3);
  assert_int_equal(xc_dec_to_str(d, buf, sizeof buf), 5);
  assert_string_equal(buf, "0.001");
  DEC_IS(1, "0.001");
  DEC_IS(2, "0.00000001");
  DEC_IS(3, "97000.01");
  DEC_IS(4, "-2.5");
  DEC_IS(5, "-0.5");
  DEC_IS(6, "123456789012345678901234567890.5");
  assert_int_equal(xc_json_dec(&j, xc_json_at(&j, 0, 7), &d), XC_EPARSE);
  assert_int_equal(xc_json_dec(&j, xc_json_at(&j, 0, 8), &d), XC_EPARSE);
  assert_int_equal(xc_json_dec(&j, xc_json_at(&j, 0, 9), &d), XC_ETYPE);
  DEC_IS(10, "1000");
  DEC_IS(11, "12345678901234567890");
  DEC_IS(12, "0.5");
  assert_int_equal(xc_json_dec(&j, xc_json_at(&j, 0, 13), &d), XC_EPARSE);
  assert_int_equal(xc_json_dec(&j, 0, &d), XC_ETYPE);
  assert_int_equal(xc_json_dec(&j, -1, &d), XC_ENOTFOUND);
  /* levels as pairs */
  xc_dec e;
  assert_int_equal(parse_s(&j, "[[\"97000.01000000\",\"0.12300000\"],[\"1\"],[\"2\",true],"
                                "[[1],\"3\"],\"x\",[\"4.5\",\"6\",\"extra\"]]"),
                   XC_OK);
  assert_int_equal(xc_json_dec_pair(&j, xc_json_at(&j, 0, 0), &d, &e), XC_OK);
  assert_int_equal(xc_dec_from_cstr("97000.01", &want), XC_OK);
  assert_true(xc_dec_eq(d, want));
  assert_int_equal(xc_dec_from_cstr("0.123", &want), XC_OK);
  assert_true(xc_dec_eq(e, want));
  assert_int_equal(xc_json_dec_pair(&j, xc_json_at(&j, 0, 1), &d, &e), XC_ETYPE);
  assert_int_equal(xc_json_dec_pair(&j, xc_json_at(&j, 0, 2), &d, &e), XC_ETYPE);
  assert_int_equal(xc_json_dec_pair(&j, xc_json_at(&j, 0, 3), &d, &e), XC_ETYPE);
  assert_int_equal(xc_json_dec_pair(&j, xc_json_at(&j, 0, 4), &d, &e), XC_ETYPE);
  assert_int_equal(xc_json_dec_pair(&j, xc_json_at(&j, 0, 5), &d, &e), XC_OK);
  assert_int_equal(xc_dec_from_cstr("6", &want), XC_OK);
  assert_true(xc_dec_eq(e, want));
  assert_int_equal(xc_json_dec_pair(&j, -1, &d, &e), XC_ENOTFOUND);
#undef DEC_IS
  /* the fast path and the general parser agree on value and scale */
  uint64_t rs = 42;
  for (int it = 0; it < 2000; it++) {
    char num[64];
    uint64_t r = xc_test_rand(&rs);
    int ip = (int)(r % 20), fp = (int)(r >> 8) % 12;
    size_t o = 0;
    if (r >> 40 & 1) num[o++] = '-';
    num[o++] = (char)('0' + (r >> 12) % 10);
    for (int q = 0; q < ip; q++) num[o++] = (char)('0' + xc_test_rand(&rs) % 10);
    if (fp) {
      num[o++] = '.';
      for (int q = 0; q < fp; q++) num[o++] = (char)('0' + xc_test_rand(&rs) % 10);
    }
    /* inside an array with padding after it, so that the inline fast path (which wants 16
     * readable bytes) is taken as well as the general one */
    char doc[96];
    bool pad = r >> 42 & 1;
    int dn = snprintf(doc, sizeof doc, (r >> 41 & 1) ? "[\"%.*s\"%s]" : "[%.*s%s]", (int)o, num,
                      pad ? ",\"................\"" : "");
    xc_status st = xc_json_parse(&j, doc, (size_t)dn);
    if (st) continue; /* e.g. a leading zero in a bare number */
    assert_int_equal(xc_json_dec(&j, 1, &d), XC_OK);
    assert_int_equal(xc_dec_parse(num, o, &want), XC_OK);
    assert_true(xc_dec_eq(d, want));
    assert_int_equal(xc_dec_places(d), xc_dec_places(want));
    /* same representation (scale kept: "0.00100000" is 100000e-8) */
    assert_true(d.coef == want.coef && d.exp == want.exp);
    char b1[XC_DEC_STR_MAX], b2[XC_DEC_STR_MAX];
    xc_dec_to_str_fixed(d, 12, XC_ROUND_EXACT, b1, sizeof b1);
    xc_dec_to_str_fixed(want, 12, XC_ROUND_EXACT, b2, sizeof b2);
    assert_string_equal(b1, b2);
  }
  xc_json_free(&j);
}

/* ---- keyed getters and their messages ----------------------------------------------------- */

static void test_keyed_errors(void **state) {
  (void)state;
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(parse_s(&j, "{\"price\":true,\"qty\":\"1.5\",\"id\":123456789012345678901,"
                                "\"name\":\"BTCUSDT\",\"o\":{},\"l\":[1],\"n\":null,\"i\":\"x1\"}"),
                   XC_OK);
  int64_t i;
  uint64_t u;
  bool b;
  char buf[8];
  const char *s;
  size_t n;
  xc_dec d;
  int idx;
  xc_status st = xc_json_get_i64(&j, 0, "missing", &i);
  assert_int_equal(st, XC_ENOTFOUND);
  assert_string_equal(xc_json_errmsg(&j), "field \"missing\": missing");
  assert_int_equal(xc_json_get_dec(&j, 0, "price", &d), XC_ETYPE);
  assert_string_equal(xc_json_errmsg(&j), "field \"price\": expected a decimal, got true");
  assert_int_equal(xc_json_get_i64(&j, 0, "id", &i), XC_ERANGE);
  assert_non_null(strstr(xc_json_errmsg(&j), "field \"id\""));
  assert_non_null(strstr(xc_json_errmsg(&j), "does not fit"));
  assert_int_equal(xc_json_get_u64(&j, 0, "qty", &u), XC_EPARSE);
  assert_string_equal(xc_json_errmsg(&j), "field \"qty\": expected a uint64, got malformed string \"1.5\"");
  assert_int_equal(xc_json_get_bool(&j, 0, "name", &b), XC_ETYPE);
  assert_non_null(strstr(xc_json_errmsg(&j), "field \"name\": expected a boolean"));
  assert_int_equal(xc_json_get_str(&j, 0, "name", buf, 7), XC_ENOSPC);
  assert_non_null(strstr(xc_json_errmsg(&j), "too long"));
  assert_int_equal(xc_json_get_str(&j, 0, "l", buf, sizeof buf), XC_ETYPE);
  assert_string_equal(xc_json_errmsg(&j), "field \"l\": expected a string, got array");
  assert_int_equal(xc_json_get_text(&j, 0, "n", &s, &n), XC_ETYPE);
  assert_int_equal(xc_json_get_text(&j, 0, "qty", &s, &n), XC_OK);
  assert_int_equal(n, 3);
  assert_int_equal(xc_json_get_obj(&j, 0, "o", &idx), XC_OK);
  assert_int_equal(xc_json_type_of(&j, idx), XC_JSON_OBJECT);
  assert_int_equal(xc_json_get_arr(&j, 0, "o", &idx), XC_ETYPE);
  assert_int_equal(idx, -1);
  assert_string_equal(xc_json_errmsg(&j), "field \"o\": expected an array, got object");
  assert_int_equal(xc_json_get_arr(&j, 0, "l", &idx), XC_OK);
  assert_int_equal(xc_json_get_i64(&j, idx, "x", &i), XC_ETYPE);
  assert_non_null(strstr(xc_json_errmsg(&j), "not an object"));
  assert_int_equal(xc_json_get_i64(&j, -1, "x", &i), XC_ENOTFOUND);
  assert_int_equal(xc_json_get_i64(&j, 0, "i", &i), XC_EPARSE);
  assert_int_equal(xc_json_get_bool(&j, 0, "n", &b), XC_ETYPE);
  assert_string_equal(xc_json_errmsg(&j), "field \"n\": expected a boolean, got null");
  {
    assert_int_equal(xc_json_get_dec(&j, 0, "qty", &d), XC_OK);
    assert_int_equal(xc_json_get_dec(&j, 0, "i", &d), XC_EPARSE);
  }
  xc_json_free(&j);
}

/* ---- real venue payloads ------------------------------------------------------------------ */

/* Walks every token of the document with every getter (nothing may crash or misreport). */
static void walk_all(xc_json *j) {
  for (int t = 0; t < j->ntok; t++) {
    xc_json_type ty = xc_json_type_of(j, t);
    assert_int_not_equal(ty, XC_JSON_NONE);
    int cnt = 0;
    for (int e = xc_json_first(j, t); e >= 0; e = xc_json_next(j, e)) {
      assert_true(e > t && e < j->ntok);
      cnt++;
    }
    assert_int_equal(cnt, xc_json_count(j, t));
  }
}

/* Parses the object records[i].json of a fixture file as its own document and returns it. */
static int record_json(xc_json *j, int records, int i) {
  int r = xc_json_at(j, records, i);
  assert_int_equal(xc_json_type_of(j, r), XC_JSON_OBJECT);
  return xc_json_get(j, r, "json");
}

static int find_record(xc_json *j, int records, const char *field, const char *value) {
  for (int r = xc_json_first(j, records); r >= 0; r = xc_json_next(j, r))
    if (xc_json_str_eq(j, xc_json_get(j, r, field), value)) return r;
  fail_msg("no record with %s = %s", field, value);
  return -1;
}

static void test_ws_payloads(void **state) {
  (void)state;
  size_t len;
  char *doc = xc_test_read_shared("fixtures/vectors/ws_payloads.json", &len);
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(xc_json_parse(&j, doc, len), XC_OK);
  check_against_jsmn(doc, len);
  walk_all(&j);
  int records;
  assert_int_equal(xc_json_get_arr(&j, 0, "records", &records), XC_OK);
  assert_true(xc_json_count(&j, records) >= 30);
  for (int i = 0; i < xc_json_count(&j, records); i++)
    assert_int_equal(xc_json_type_of(&j, record_json(&j, records, i)), XC_JSON_OBJECT);

  /* Binance aggTrade (doc example) */
  int r = find_record(&j, records, "kind", "aggTrade");
  int m = xc_json_get(&j, r, "json");
  char s[32];
  int64_t i64;
  bool b;
  assert_int_equal(xc_json_get_str(&j, m, "e", s, sizeof s), XC_OK);
  assert_string_equal(s, "aggTrade");
  assert_int_equal(xc_json_get_i64(&j, m, "E", &i64), XC_OK);
  assert_true(i64 == 1672515782136);
  assert_int_equal(xc_json_get_i64(&j, m, "a", &i64), XC_OK);
  assert_int_equal(i64, 12345);
  assert_int_equal(xc_json_get_bool(&j, m, "m", &b), XC_OK);
  assert_true(b);
  xc_dec d, want;
  {
    assert_int_equal(xc_json_get_dec(&j, m, "p", &d), XC_OK);
    xc_dec_from_cstr("0.001", &want);
    assert_true(xc_dec_eq(d, want));
    assert_int_equal(xc_json_get_dec(&j, m, "q", &d), XC_OK);
    xc_dec_from_cstr("100", &want);
    assert_true(xc_dec_eq(d, want));
  }

  /* Recorded Binance depth message: the raw text is parsed on its own and matches "json". */
  r = find_record(&j, records, "kind", "recorded:depth@100ms");
  char raw[1024];
  size_t rn;
  assert_int_equal(xc_json_str_copy(&j, xc_json_get(&j, r, "raw"), raw, sizeof raw, &rn), XC_OK);
  xc_json k;
  xc_json_init(&k);
  assert_int_equal(xc_json_parse(&k, raw, rn), XC_OK);
  check_against_jsmn(raw, rn);
  int data;
  assert_int_equal(xc_json_get_obj(&k, 0, "data", &data), XC_OK);
  assert_int_equal(xc_json_get_str(&k, data, "e", s, sizeof s), XC_OK);
  assert_string_equal(s, "depthUpdate");
  uint64_t U, u;
  assert_int_equal(xc_json_get_u64(&k, data, "U", &U), XC_OK);
  assert_int_equal(xc_json_get_u64(&k, data, "u", &u), XC_OK);
  assert_true(U == 499869750 && u == 499869752);
  int bids, asks;
  assert_int_equal(xc_json_get_arr(&k, data, "b", &bids), XC_OK);
  assert_int_equal(xc_json_get_arr(&k, data, "a", &asks), XC_OK);
  assert_int_equal(xc_json_count(&k, bids), 3);
  assert_int_equal(xc_json_count(&k, asks), 0);
  int lvl = xc_json_first(&k, bids);
  assert_true(xc_json_str_eq(&k, xc_json_at(&k, lvl, 0), "0.35130000"));
  assert_true(xc_json_str_eq(&k, xc_json_at(&k, lvl, 1), "6195.00000000"));
  {
    const char *px[] = {"0.3513", "0.3475", "0.3464"};
    int q = 0;
    for (int l = xc_json_first(&k, bids); l >= 0; l = xc_json_next(&k, l), q++) {
      assert_int_equal(xc_json_dec(&k, xc_json_first(&k, l), &d), XC_OK);
      xc_dec_from_cstr(px[q], &want);
      assert_true(xc_dec_eq(d, want));
      assert_int_equal(xc_json_dec(&k, xc_json_next(&k, xc_json_first(&k, l)), &d), XC_OK);
    }
    assert_int_equal(q, 3);
  }
  xc_json_free(&k);

  /* Bybit orderbook delta: nested data object, levels, a zero size */
  r = find_record(&j, records, "kind", "orderbook delta");
  m = xc_json_get(&j, r, "json");
  assert_int_equal(xc_json_get_str(&j, m, "type", s, sizeof s), XC_OK);
  assert_string_equal(s, "delta");
  assert_int_equal(xc_json_get_obj(&j, m, "data", &data), XC_OK);
  assert_int_equal(xc_json_get_u64(&j, data, "seq", &u), XC_OK);
  assert_true(u == UINT64_C(66544703342));
  assert_int_equal(xc_json_get_arr(&j, data, "b", &bids), XC_OK);
  assert_int_equal(xc_json_count(&j, bids), 5);
  int last = xc_json_at(&j, bids, 4);
  assert_true(xc_json_str_eq(&j, xc_json_at(&j, last, 0), "30240.00"));
  {
    assert_int_equal(xc_json_dec(&j, xc_json_at(&j, last, 1), &d), XC_OK);
    assert_true(xc_dec_is_zero(d));
  }

  /* Binance USD-M ORDER_TRADE_UPDATE: nested "o" with false booleans */
  r = find_record(&j, records, "kind", "ORDER_TRADE_UPDATE");
  m = xc_json_get(&j, r, "json");
  int o;
  assert_int_equal(xc_json_get_obj(&j, m, "o", &o), XC_OK);
  assert_int_equal(xc_json_get_i64(&j, o, "i", &i64), XC_OK);
  assert_int_equal(i64, 8886774);
  assert_int_equal(xc_json_get_bool(&j, o, "R", &b), XC_OK);
  assert_false(b);
  assert_int_equal(xc_json_get_str(&j, o, "ot", s, sizeof s), XC_OK);
  assert_string_equal(s, "TRAILING_STOP_MARKET");
  xc_json_free(&j);
  free(doc);
}

static void test_rest_examples(void **state) {
  (void)state;
  size_t len;
  char *doc = xc_test_read_shared("fixtures/vectors/rest_doc_examples.json", &len);
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(xc_json_parse(&j, doc, len), XC_OK);
  check_against_jsmn(doc, len);
  walk_all(&j);
  int records;
  assert_int_equal(xc_json_get_arr(&j, 0, "records", &records), XC_OK);
  /* Binance depth */
  int r = find_record(&j, records, "endpoint", "GET /api/v3/depth");
  int m = xc_json_get(&j, r, "json");
  int64_t id;
  assert_int_equal(xc_json_get_i64(&j, m, "lastUpdateId", &id), XC_OK);
  assert_int_equal(id, 1027024);
  int asks;
  assert_int_equal(xc_json_get_arr(&j, m, "asks", &asks), XC_OK);
  assert_true(xc_json_str_eq(&j, xc_json_at(&j, xc_json_first(&j, asks), 0), "4.00000200"));
  /* Binance exchangeInfo: filters inside symbols */
  r = find_record(&j, records, "endpoint", "GET /api/v3/exchangeInfo");
  m = xc_json_get(&j, r, "json");
  int syms;
  assert_int_equal(xc_json_get_arr(&j, m, "symbols", &syms), XC_OK);
  int sym = xc_json_first(&j, syms);
  char s[32];
  assert_int_equal(xc_json_get_str(&j, sym, "symbol", s, sizeof s), XC_OK);
  assert_string_equal(s, "ETHBTC");
  int64_t prec;
  assert_int_equal(xc_json_get_i64(&j, sym, "baseAssetPrecision", &prec), XC_OK);
  assert_int_equal(prec, 8);
  int types;
  assert_int_equal(xc_json_get_arr(&j, sym, "orderTypes", &types), XC_OK);
  assert_int_equal(xc_json_count(&j, types), 7);
  assert_true(xc_json_str_eq(&j, xc_json_at(&j, types, 6), "TAKE_PROFIT_LIMIT"));
  bool b;
  assert_int_equal(xc_json_get_bool(&j, sym, "allowTrailingStop", &b), XC_OK);
  assert_false(b);
  /* Bybit instruments: nested filters with decimal strings */
  r = find_record(&j, records, "endpoint", "GET /v5/market/instruments-info?category=linear&symbol=BTCUSDT");
  m = xc_json_get(&j, r, "json");
  int res0, list0, pf;
  assert_int_equal(xc_json_get_obj(&j, m, "result", &res0), XC_OK);
  assert_int_equal(xc_json_get_arr(&j, res0, "list", &list0), XC_OK);
  assert_int_equal(xc_json_get_obj(&j, xc_json_first(&j, list0), "priceFilter", &pf), XC_OK);
  const char *t;
  size_t tn;
  assert_int_equal(xc_json_get_text(&j, pf, "tickSize", &t, &tn), XC_OK);
  assert_int_equal(tn, 1);
  assert_memory_equal(t, "5", 1);
  {
    xc_dec d, want;
    int lf;
    assert_int_equal(xc_json_get_obj(&j, xc_json_first(&j, list0), "lotSizeFilter", &lf), XC_OK);
    assert_int_equal(xc_json_get_dec(&j, lf, "qtyStep", &d), XC_OK);
    xc_dec_from_cstr("0.01", &want);
    assert_true(xc_dec_eq(d, want));
  }
  /* Bybit tickers: retCode, nested result.list[0], "" for absent values */
  r = find_record(&j, records, "endpoint", "GET /v5/market/tickers?category=inverse&symbol=BTCUSD");
  m = xc_json_get(&j, r, "json");
  int64_t rc;
  assert_int_equal(xc_json_get_i64(&j, m, "retCode", &rc), XC_OK);
  assert_int_equal(rc, 0);
  int res, list;
  assert_int_equal(xc_json_get_obj(&j, m, "result", &res), XC_OK);
  assert_int_equal(xc_json_get_arr(&j, res, "list", &list), XC_OK);
  int t0 = xc_json_first(&j, list);
  assert_int_equal(xc_json_get_str(&j, t0, "symbol", s, sizeof s), XC_OK);
  assert_string_equal(s, "BTCUSD");
  uint64_t nft;
  assert_int_equal(xc_json_get_u64(&j, t0, "nextFundingTime", &nft), XC_OK);
  assert_true(nft == UINT64_C(1760371200000));
  {
    xc_dec d, want;
    assert_int_equal(xc_json_get_dec(&j, t0, "lastPrice", &d), XC_OK);
    xc_dec_from_cstr("120635.5", &want);
    assert_true(xc_dec_eq(d, want));
    assert_int_equal(xc_json_get_dec(&j, t0, "basisRate", &d), XC_EPARSE); /* "" */
  }
  xc_json_free(&j);
  free(doc);
}

/* Every document of the fixtures (all "json" members, re-encoded by our writer) parses again. */
static void test_other_fixtures_parse(void **state) {
  (void)state;
  const char *files[] = {"fixtures/vectors/ccxt_static_requests.json",
                         "fixtures/vectors/ccxt_static_responses.json",
                         "fixtures/vectors/signing_binance.json", "fixtures/vectors/signing_bybit.json"};
  xc_json j;
  xc_json_init(&j);
  for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
    size_t len;
    char *doc = xc_test_read_shared(files[f], &len);
    if (xc_json_parse(&j, doc, len) != XC_OK) fail_msg("%s: %s", files[f], xc_json_errmsg(&j));
    check_against_jsmn(doc, len);
    walk_all(&j);
    free(doc);
  }
  xc_json_free(&j);
}

/* ---- token array reuse and limits ---------------------------------------------------------- */

static void test_reuse_and_limits(void **state) {
  (void)state;
  xc_json j;
  xc_json_init(&j);
  /* grows past the initial capacity, then reuses it */
  char big[8192];
  size_t o = 0;
  big[o++] = '[';
  for (int i = 0; i < 1000; i++) o += (size_t)snprintf(big + o, sizeof big - o, "%s%d", i ? "," : "", i);
  big[o++] = ']';
  assert_int_equal(xc_json_parse(&j, big, o), XC_OK);
  assert_int_equal(j.ntok, 1001);
  int cap = j.cap;
  jsmntok_t *tok = j.tok;
  assert_int_equal(xc_json_parse(&j, "[1,2]", 5), XC_OK);
  assert_int_equal(xc_json_parse(&j, big, o), XC_OK);
  assert_int_equal(j.cap, cap);
  assert_ptr_equal(j.tok, tok);
  int64_t v;
  assert_int_equal(xc_json_i64(&j, xc_json_at(&j, 0, 999), &v), XC_OK);
  assert_int_equal(v, 999);
  xc_json_free(&j);
  /* bounded */
  xc_json_init(&j);
  j.max_tokens = 100;
  assert_int_equal(xc_json_parse(&j, big, o), XC_EFULL);
  assert_non_null(strstr(xc_json_errmsg(&j), "100 tokens"));
  assert_int_equal(xc_json_parse(&j, "[1,2,3]", 7), XC_OK);
  assert_true(j.cap <= 100);
  xc_json_free(&j);
  /* deep nesting is fine for the reader (no recursion) */
  xc_json_init(&j);
  static char deep[200002];
  for (int i = 0; i < 100000; i++) {
    deep[i] = '[';
    deep[200000 - 1 - i] = ']';
  }
  assert_int_equal(xc_json_parse(&j, deep, 200000), XC_OK);
  assert_int_equal(j.ntok, 100000);
  assert_int_equal(xc_json_next(&j, 1), -1);
  assert_int_equal(xc_json_parse(&j, deep, 199999), XC_EPARSE);
  xc_json_free(&j);
  xc_json_free(NULL);
}

/* ---- writer ------------------------------------------------------------------------------- */

static void test_writer_basic(void **state) {
  (void)state;
  xc_buf b;
  xc_buf_init(&b);
  xc_jw w;
  xc_jw_init(&w, &b);
  xc_jw_obj_begin(&w);
  xc_jw_kv_str(&w, "symbol", "BTCUSDT");
  xc_jw_kv_str(&w, "side", "Buy");
  xc_jw_kv_i64(&w, "positionIdx", 0);
  xc_jw_kv_bool(&w, "reduceOnly", false);
  xc_jw_key(&w, "tags");
  xc_jw_arr_begin(&w);
  xc_jw_i64(&w, INT64_MIN);
  xc_jw_u64(&w, UINT64_MAX);
  xc_jw_null(&w);
  xc_jw_obj_begin(&w);
  xc_jw_obj_end(&w);
  xc_jw_arr_begin(&w);
  xc_jw_arr_end(&w);
  xc_jw_raw(&w, "{\"x\":1}", 7);
  xc_jw_arr_end(&w);
  xc_jw_kv_u64(&w, "ts", 1672515782136u);
  xc_jw_obj_end(&w);
  assert_int_equal(xc_jw_finish(&w), XC_OK);
  assert_string_equal(b.data, "{\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"positionIdx\":0,"
                              "\"reduceOnly\":false,\"tags\":[-9223372036854775808,"
                              "18446744073709551615,null,{},[],{\"x\":1}],\"ts\":1672515782136}");
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(xc_json_parse(&j, b.data, b.len), XC_OK);
  int64_t i;
  assert_int_equal(xc_json_i64(&j, xc_json_first(&j, xc_json_get(&j, 0, "tags")), &i), XC_OK);
  assert_true(i == INT64_MIN);
  xc_json_free(&j);
  /* top-level scalars */
  xc_buf_reset(&b);
  xc_jw_init(&w, &b);
  xc_jw_str(&w, "");
  assert_int_equal(xc_jw_finish(&w), XC_OK);
  assert_string_equal(b.data, "\"\"");
  xc_buf_free(&b);
}

static void test_writer_decimals(void **state) {
  (void)state;
  xc_buf b;
  xc_buf_init(&b);
  xc_jw w;
  xc_jw_init(&w, &b);
  xc_dec p, q, z;
  xc_dec_from_cstr("97000.01000000", &p);
  xc_dec_from_cstr("-0.00000001", &q);
  xc_dec_from_cstr("0.000", &z);
  xc_jw_arr_begin(&w);
  xc_jw_dec_str(&w, p);
  xc_jw_dec_num(&w, q);
  xc_jw_dec_num(&w, z);
  xc_jw_arr_end(&w);
  xc_jw_obj_begin(&w);
  assert_int_equal(xc_jw_finish(&w), XC_EMISUSE); /* second top-level value */
  xc_buf_reset(&b);
  xc_jw_init(&w, &b);
  xc_jw_arr_begin(&w);
  xc_jw_dec_str(&w, p);
  xc_jw_dec_num(&w, q);
  xc_jw_dec_num(&w, z);
  xc_jw_obj_begin(&w);
  xc_jw_kv_dec_str(&w, "qty", q);
  xc_jw_obj_end(&w);
  xc_jw_arr_end(&w);
  assert_int_equal(xc_jw_finish(&w), XC_OK);
  assert_string_equal(b.data, "[\"97000.01\",-0.00000001,0,{\"qty\":\"-0.00000001\"}]");
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(xc_json_parse(&j, b.data, b.len), XC_OK);
  xc_dec d;
  assert_int_equal(xc_json_dec(&j, xc_json_at(&j, 0, 0), &d), XC_OK);
  assert_true(xc_dec_eq(d, p));
  assert_int_equal(xc_json_dec(&j, xc_json_at(&j, 0, 1), &d), XC_OK);
  assert_true(xc_dec_eq(d, q));
  assert_int_equal(xc_json_get_dec(&j, xc_json_at(&j, 0, 3), "qty", &d), XC_OK);
  assert_true(xc_dec_eq(d, q));
  xc_json_free(&j);
  xc_buf_free(&b);
}

static void test_writer_errors(void **state) {
  (void)state;
  xc_buf b;
  xc_buf_init(&b);
  xc_jw w;
  /* value where a key is due */
  xc_jw_init(&w, &b);
  xc_jw_obj_begin(&w);
  xc_jw_i64(&w, 1);
  assert_int_equal(xc_jw_finish(&w), XC_EMISUSE);
  /* key outside an object, key after key, unbalanced ends, mismatched ends */
  xc_buf_reset(&b);
  xc_jw_init(&w, &b);
  xc_jw_arr_begin(&w);
  xc_jw_key(&w, "k");
  assert_int_equal(xc_jw_finish(&w), XC_EMISUSE);
  xc_jw_init(&w, &b);
  xc_jw_obj_begin(&w);
  xc_jw_key(&w, "a");
  xc_jw_key(&w, "b");
  assert_int_equal(xc_jw_finish(&w), XC_EMISUSE);
  xc_jw_init(&w, &b);
  xc_jw_obj_begin(&w);
  xc_jw_key(&w, "a");
  xc_jw_obj_end(&w);
  assert_int_equal(xc_jw_finish(&w), XC_EMISUSE);
  xc_jw_init(&w, &b);
  xc_jw_arr_end(&w);
  assert_int_equal(xc_jw_finish(&w), XC_EMISUSE);
  xc_jw_init(&w, &b);
  xc_jw_arr_begin(&w);
  xc_jw_obj_end(&w);
  assert_int_equal(xc_jw_finish(&w), XC_EMISUSE);
  xc_jw_init(&w, &b);
  xc_jw_arr_begin(&w);
  assert_int_equal(xc_jw_finish(&w), XC_EMISUSE); /* still open */
  xc_jw_init(&w, &b);
  assert_int_equal(xc_jw_finish(&w), XC_EMISUSE); /* nothing written */
  xc_jw_init(&w, &b);
  xc_jw_str(&w, NULL);
  assert_int_equal(xc_jw_finish(&w), XC_EINVAL);
  /* depth: 32 nested containers are fine, 33 are not */
  xc_buf_reset(&b);
  xc_jw_init(&w, &b);
  for (int i = 0; i < 32; i++) xc_jw_arr_begin(&w);
  for (int i = 0; i < 32; i++) xc_jw_arr_end(&w);
  assert_int_equal(xc_jw_finish(&w), XC_OK);
  assert_int_equal(b.len, 64);
  xc_jw_init(&w, &b);
  for (int i = 0; i < 33; i++) xc_jw_arr_begin(&w);
  assert_int_equal(xc_jw_finish(&w), XC_ERANGE);
  /* invalid UTF-8 is rejected, leaves no partial output, and the error sticks */
  const char *bad[] = {"\xff", "a\xc0\xaf", "\xed\xa0\x80", "\xe2\x82", "\x80", "\xf4\x90\x80\x80",
                       "ok\xf0\x9f\x98"};
  for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
    xc_buf_reset(&b);
    xc_jw_init(&w, &b);
    xc_jw_arr_begin(&w);
    xc_jw_str(&w, "x");
    size_t before = b.len;
    xc_jw_str(&w, bad[k]);
    assert_int_equal(b.len, before);
    xc_jw_str(&w, "y");
    assert_int_equal(b.len, before);
    xc_jw_arr_end(&w);
    assert_int_equal(xc_jw_finish(&w), XC_EINVAL);
    /* as a key too */
    xc_buf_reset(&b);
    xc_jw_init(&w, &b);
    xc_jw_obj_begin(&w);
    xc_jw_kv_i64(&w, "a", 1);
    before = b.len;
    xc_jw_key(&w, bad[k]);
    assert_int_equal(b.len, before);
    assert_int_equal(xc_jw_finish(&w), XC_EINVAL);
  }
  /* a bounded buffer: the error is the buffer's */
  xc_buf_free(&b);
  xc_buf_init(&b);
  b.max = 8;
  xc_jw_init(&w, &b);
  xc_jw_arr_begin(&w);
  xc_jw_str(&w, "0123456789");
  xc_jw_arr_end(&w);
  assert_int_equal(xc_jw_finish(&w), XC_EFULL);
  assert_true(b.len <= 8);
  xc_buf_free(&b);
}

/* Writes strings, parses the output back and decodes each string: equal to the original. */
static void roundtrip(const char *s, size_t n) {
  xc_buf b;
  xc_buf_init(&b);
  xc_jw w;
  xc_jw_init(&w, &b);
  xc_jw_obj_begin(&w);
  xc_jw_keyn(&w, s, n);
  xc_jw_arr_begin(&w);
  xc_jw_strn(&w, s, n);
  xc_jw_arr_end(&w);
  xc_jw_obj_end(&w);
  assert_int_equal(xc_jw_finish(&w), XC_OK);
  for (size_t i = 0; i < b.len; i++) assert_true((unsigned char)b.data[i] >= 0x20);
  xc_json j;
  xc_json_init(&j);
  if (xc_json_parse(&j, b.data, b.len)) fail_msg("reparse: %s", xc_json_errmsg(&j));
  check_against_jsmn(b.data, b.len);
  char *out = malloc(n + 1);
  size_t on;
  int v = xc_json_first(&j, 0);
  bool has_nul = memchr(s, 0, n) != NULL;
  xc_status st = xc_json_str_copy(&j, xc_json_first(&j, v), out, n + 1, &on);
  if (has_nul) { /* \u0000 is refused by str_copy; the raw escape is there */
    assert_int_equal(st, XC_EPARSE);
  } else {
    assert_int_equal(st, XC_OK);
    assert_int_equal(on, n);
    assert_memory_equal(out, s, n);
    assert_int_equal(xc_json_str_copy(&j, xc_json_key(&j, v), out, n + 1, &on), XC_OK);
    assert_memory_equal(out, s, n);
  }
  free(out);
  xc_json_free(&j);
  xc_buf_free(&b);
}

static void test_writer_roundtrip(void **state) {
  (void)state;
  const char *tricky[] = {"",
                          "plain",
                          "quote\" backslash\\ slash/",
                          "\b\f\n\r\t\x01\x1f\x7f",
                          "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf \xef\xbf\xbf",
                          "\xe2\x80\xa8\xe2\x80\xa9",
                          "\\u0041 not an escape",
                          "</script>"};
  for (size_t i = 0; i < sizeof tricky / sizeof *tricky; i++) roundtrip(tricky[i], strlen(tricky[i]));
  roundtrip("a\0b", 3);
  /* random valid UTF-8 strings */
  uint64_t rs = 7;
  char s[256];
  for (int it = 0; it < 3000; it++) {
    size_t n = 0, want = xc_test_rand(&rs) % 64;
    while (n < want) {
      uint64_t r = xc_test_rand(&rs);
      uint32_t cp;
      switch (r % 4) {
      case 0: cp = (uint32_t)(r >> 8) % 0x80; break;
      case 1: cp = 0x80 + (uint32_t)(r >> 8) % 0x780; break;
      case 2: cp = 0x800 + (uint32_t)(r >> 8) % 0xF800; break;
      default: cp = 0x10000 + (uint32_t)(r >> 8) % 0x100000; break;
      }
      if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) continue;
      if (cp < 0x80) s[n++] = (char)cp;
      else if (cp < 0x800) {
        s[n++] = (char)(0xC0 | cp >> 6);
        s[n++] = (char)(0x80 | (cp & 0x3F));
      } else if (cp < 0x10000) {
        s[n++] = (char)(0xE0 | cp >> 12);
        s[n++] = (char)(0x80 | (cp >> 6 & 0x3F));
        s[n++] = (char)(0x80 | (cp & 0x3F));
      } else {
        s[n++] = (char)(0xF0 | cp >> 18);
        s[n++] = (char)(0x80 | (cp >> 12 & 0x3F));
        s[n++] = (char)(0x80 | (cp >> 6 & 0x3F));
        s[n++] = (char)(0x80 | (cp & 0x3F));
      }
    }
    roundtrip(s, n);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_valid_and_invalid), cmocka_unit_test(test_truncated),
      cmocka_unit_test(test_navigation),        cmocka_unit_test(test_integers),
      cmocka_unit_test(test_bool_null_types),   cmocka_unit_test(test_strings),
      cmocka_unit_test(test_decimals),          cmocka_unit_test(test_keyed_errors),
      cmocka_unit_test(test_ws_payloads),       cmocka_unit_test(test_rest_examples),
      cmocka_unit_test(test_other_fixtures_parse), cmocka_unit_test(test_reuse_and_limits),
      cmocka_unit_test(test_writer_basic),      cmocka_unit_test(test_writer_decimals),
      cmocka_unit_test(test_writer_errors),     cmocka_unit_test(test_writer_roundtrip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
