/* JSON reader (on jsmn with parent links) and writer.
 *
 * Reader: parse a message once into a token array owned by the xc_json (grown as needed and then
 * reused, so there is no allocation per message after warm-up), then read it by token index.
 * Index 0 is the root; -1 means "absent" everywhere. Strings and numbers stay as their exact text:
 * decimals are read from JSON strings or numbers without passing through a double. The reader
 * borrows the input bytes: they must outlive the reads. Not thread-safe per xc_json.
 *
 * Typed getters return XC_OK, XC_ENOTFOUND (key or index absent), XC_ETYPE (present but of the
 * wrong type) or XC_ERANGE / XC_EPARSE (value does not fit / malformed); the last error is
 * described in xc_json_errmsg() ("field \"price\": expected a decimal, got true").
 */
#ifndef XC_CORE_JSON_H
#define XC_CORE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jsmn.h>

#include "core/buf.h"
#include "xconn/decimal.h"
#include "xconn/status.h"

typedef enum xc_json_type {
  XC_JSON_NONE = 0, /* absent (index -1) */
  XC_JSON_OBJECT,
  XC_JSON_ARRAY,
  XC_JSON_STRING,
  XC_JSON_NUMBER,
  XC_JSON_TRUE,
  XC_JSON_FALSE,
  XC_JSON_NULL
} xc_json_type;

typedef struct xc_json {
  const char *src;   /* the input being read (borrowed) */
  size_t len;
  jsmntok_t *tok;    /* token array, grown on demand */
  int ntok;          /* tokens in the current document */
  int cap;           /* tokens allocated */
  int max_tokens;    /* bound on growth (default 1<<22); larger documents fail with XC_EFULL */
  char err[160];     /* last error detail */
} xc_json;

void xc_json_init(xc_json *j);
void xc_json_free(xc_json *j);
/* Parses buf[0..len) into j (reusing its tokens). XC_EPARSE if not one well-formed JSON value. */
xc_status xc_json_parse(xc_json *j, const char *buf, size_t len);
const char *xc_json_errmsg(const xc_json *j);

xc_json_type xc_json_type_of(const xc_json *j, int idx);
/* Children of an object (key/value pairs) or array (elements); 0 for scalars or -1. */
int xc_json_count(const xc_json *j, int idx);
/* The value of key in object idx, or -1. */
int xc_json_get(const xc_json *j, int idx, const char *key);
/* Element i of array idx, or -1. O(i) for element access by index; iterate for loops. */
int xc_json_at(const xc_json *j, int idx, int i);
/* Iteration over an array's elements or an object's values: first child / next sibling, or -1.
 * For objects, xc_json_key() of a value gives its key token. */
int xc_json_first(const xc_json *j, int idx);
int xc_json_next(const xc_json *j, int idx);
int xc_json_key(const xc_json *j, int value_idx);

/* Raw text of a string (without quotes, escapes not decoded), number or literal token. */
xc_status xc_json_text(const xc_json *j, int idx, const char **s, size_t *n);
/* True if string token idx equals s exactly (raw compare). */
bool xc_json_str_eq(const xc_json *j, int idx, const char *s);
/* Decodes a JSON string (escapes, \uXXXX with surrogates -> UTF-8) into buf (NUL-terminated).
 * XC_ENOSPC if it does not fit. */
xc_status xc_json_str_copy(const xc_json *j, int idx, char *buf, size_t cap, size_t *out_len);
/* A decimal from a JSON string ("0.001") or number (0.001, 1e-8), exact. */
xc_status xc_json_dec(const xc_json *j, int idx, xc_dec *out);
/* 64-bit integers from a JSON number or a string of digits. */
xc_status xc_json_i64(const xc_json *j, int idx, int64_t *out);
xc_status xc_json_u64(const xc_json *j, int idx, uint64_t *out);
xc_status xc_json_bool(const xc_json *j, int idx, bool *out);
bool xc_json_is_null(const xc_json *j, int idx);

/* Keyed forms: the value of `key` in object `obj`, with the error naming the field. */
xc_status xc_json_get_dec(xc_json *j, int obj, const char *key, xc_dec *out);
xc_status xc_json_get_i64(xc_json *j, int obj, const char *key, int64_t *out);
xc_status xc_json_get_u64(xc_json *j, int obj, const char *key, uint64_t *out);
xc_status xc_json_get_bool(xc_json *j, int obj, const char *key, bool *out);
xc_status xc_json_get_text(xc_json *j, int obj, const char *key, const char **s, size_t *n);
xc_status xc_json_get_str(xc_json *j, int obj, const char *key, char *buf, size_t cap);

/* Writer: appends compact JSON to an xc_buf, handling commas and escaping (any UTF-8; control
 * characters as \u00XX; invalid UTF-8 is rejected with XC_EINVAL). Depth up to 32. */
typedef struct xc_jw {
  xc_buf *out;
  int depth;
  uint8_t first[32];  /* 1 if no element written yet at that depth */
  uint8_t after_key;
  xc_status err;      /* first error, sticky */
} xc_jw;

void xc_jw_init(xc_jw *w, xc_buf *out);
void xc_jw_obj_begin(xc_jw *w);
void xc_jw_obj_end(xc_jw *w);
void xc_jw_arr_begin(xc_jw *w);
void xc_jw_arr_end(xc_jw *w);
void xc_jw_key(xc_jw *w, const char *key);
void xc_jw_str(xc_jw *w, const char *s);
void xc_jw_strn(xc_jw *w, const char *s, size_t n);
void xc_jw_i64(xc_jw *w, int64_t v);
void xc_jw_u64(xc_jw *w, uint64_t v);
void xc_jw_bool(xc_jw *w, bool v);
void xc_jw_null(xc_jw *w);
/* A decimal as a JSON string ("0.001"), the way venues send money. */
void xc_jw_dec_str(xc_jw *w, xc_dec d);
/* A decimal as a bare JSON number. */
void xc_jw_dec_num(xc_jw *w, xc_dec d);
/* Pre-encoded JSON inserted as one value (trusted). */
void xc_jw_raw(xc_jw *w, const char *json, size_t n);
/* XC_OK if every call succeeded and all containers are closed, else the first error. */
xc_status xc_jw_finish(xc_jw *w);

#endif
