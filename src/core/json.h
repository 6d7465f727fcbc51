/* JSON reader (jsmn token model with parent links) and writer.
 *
 * Reader: parse a message once into a token array owned by the xc_json (grown as needed and then
 * reused, so there is no allocation per message after warm-up), then read it by token index.
 * The tokens are jsmn's (jsmntok_t, built with JSMN_PARENT_LINKS) and follow jsmn's layout: a
 * container is followed by its subtree in document order; an object's children are its key
 * strings (size 1), each followed by its value, whose parent is the key. They are produced by our
 * own single-pass validating scanner (strict RFC 8259: structure, number syntax, escapes, UTF-8,
 * no control characters in strings, exactly one value), not by jsmn_parse, which accepts many
 * malformed documents and is slower; see docs/internals/json.md. This header includes jsmn.h
 * for the types only (JSMN_HEADER): libxconn has no definition of jsmn_parse. A file that wants
 * jsmn's functions includes <jsmn.h> with JSMN_STATIC before this header.
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
#ifndef JSMN_PARENT_LINKS
#error "core/json.h needs JSMN_PARENT_LINKS (set by the build for libxconn and xconn_internal)"
#endif
#ifndef JSMN_HEADER
#define JSMN_HEADER
#endif
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
  int *after;        /* for containers: index of the first token after the subtree (O(1) skip) */
  char err[256];     /* last error detail */
} xc_json;

/* Default and absolute bounds on the token array. */
#define XC_JSON_MAX_TOKENS_DEFAULT (1 << 22)

void xc_json_init(xc_json *j);
void xc_json_free(xc_json *j);
/* Parses buf[0..len) into j (reusing its tokens). XC_EPARSE if not one well-formed JSON value
 * (leading/trailing whitespace allowed), XC_EFULL past max_tokens, XC_ENOMEM. On failure ntok is 0
 * and every read reports "absent". */
xc_status xc_json_parse(xc_json *j, const char *buf, size_t len);
/* Detail of the last parse or keyed-getter error ("" if none); valid until the next call on j. */
const char *xc_json_errmsg(const xc_json *j);
/* "object", "array", "string", "number", "true", "false", "null" or "absent". */
const char *xc_json_type_name(xc_json_type t);

xc_json_type xc_json_type_of(const xc_json *j, int idx);
/* Children of an object (key/value pairs) or array (elements); 0 for scalars or -1. */
int xc_json_count(const xc_json *j, int idx);
/* The value of key in object idx, or -1. */
int xc_json_get(const xc_json *j, int idx, const char *key);
/* Same with a key of klen bytes (no NUL needed). Keys are compared raw (escapes not decoded). */
int xc_json_getn(const xc_json *j, int idx, const char *key, size_t klen);
/* Element i of array idx (or value of the i-th key of object idx), or -1. O(i): iterate for loops. */
int xc_json_at(const xc_json *j, int idx, int i);
/* Iteration over an array's elements or an object's values: first child / next sibling, or -1.
 * For objects, xc_json_key() of a value gives its key token. */
int xc_json_first(const xc_json *j, int idx);
int xc_json_next(const xc_json *j, int idx);
int xc_json_key(const xc_json *j, int value_idx);

/* Raw text of a string (without quotes, escapes not decoded), number or literal token; for an
 * object or array, its whole raw JSON text. XC_ENOTFOUND for -1. */
xc_status xc_json_text(const xc_json *j, int idx, const char **s, size_t *n);
/* True if string token idx equals s exactly (raw compare). */
bool xc_json_str_eq(const xc_json *j, int idx, const char *s);
bool xc_json_str_eqn(const xc_json *j, int idx, const char *s, size_t n);
/* Decodes a JSON string (escapes, \uXXXX with surrogates -> UTF-8) into buf (NUL-terminated).
 * XC_ENOSPC if it does not fit (buf then holds a truncated prefix), XC_ETYPE if not a string,
 * XC_EPARSE for an unpaired surrogate or \u0000 (would truncate a C string). out_len may be NULL. */
xc_status xc_json_str_copy(const xc_json *j, int idx, char *buf, size_t cap, size_t *out_len);
/* A decimal from a JSON string ("0.001") or number (0.001, 1e-8), exact (xc_dec_parse rules for
 * strings; "" is XC_EPARSE). XC_ETYPE for other types. */
xc_status xc_json_dec(const xc_json *j, int idx, xc_dec *out);
/* 64-bit integers from a JSON number or a string of digits ("-"? digits). XC_ERANGE on overflow
 * (or a negative value for u64), XC_ETYPE for a number with a fraction or exponent or another
 * type, XC_EPARSE for a string that is not an integer. */
xc_status xc_json_i64(const xc_json *j, int idx, int64_t *out);
xc_status xc_json_u64(const xc_json *j, int idx, uint64_t *out);
xc_status xc_json_bool(const xc_json *j, int idx, bool *out);
bool xc_json_is_null(const xc_json *j, int idx);

/* Keyed forms: the value of `key` in object `obj`, with the error naming the field
 * (XC_ENOTFOUND "field \"x\": missing", XC_ETYPE when obj is not an object or the value has the
 * wrong type). get_text borrows from the input; get_str decodes into buf like str_copy. */
xc_status xc_json_get_dec(xc_json *j, int obj, const char *key, xc_dec *out);
xc_status xc_json_get_i64(xc_json *j, int obj, const char *key, int64_t *out);
xc_status xc_json_get_u64(xc_json *j, int obj, const char *key, uint64_t *out);
xc_status xc_json_get_bool(xc_json *j, int obj, const char *key, bool *out);
xc_status xc_json_get_text(xc_json *j, int obj, const char *key, const char **s, size_t *n);
xc_status xc_json_get_str(xc_json *j, int obj, const char *key, char *buf, size_t cap);
/* The index of a nested object / array member, type-checked: *out is the token index. */
xc_status xc_json_get_obj(xc_json *j, int obj, const char *key, int *out);
xc_status xc_json_get_arr(xc_json *j, int obj, const char *key, int *out);

/* Internal: length (1-4) of the valid UTF-8 sequence at s[0..n), or 0 if invalid (overlong,
 * surrogate, > U+10FFFF, truncated). s[0] must be >= 0x80. Shared by reader and writer. */
int xc__utf8_seq(const unsigned char *s, size_t n);

/* Writer: appends compact JSON to an xc_buf, handling commas and escaping (any UTF-8; control
 * characters as \u00XX; invalid UTF-8 is rejected with XC_EINVAL). Depth up to 32 (XC_ERANGE
 * beyond). Misuse (a value where a key is due, a key outside an object, unbalanced ends, a second
 * top-level value) is XC_EMISUSE. The first error sticks: later calls do nothing, and a failed
 * string leaves no partial output. Nothing is allocated beyond the xc_buf's growth. */
#define XC_JW_MAX_DEPTH 32
typedef struct xc_jw {
  xc_buf *out;
  int depth;
  uint8_t first[XC_JW_MAX_DEPTH + 1]; /* per depth: bit 0 no element yet, bit 1 an object */
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
/* A key of n bytes (escaped like strings). */
void xc_jw_keyn(xc_jw *w, const char *key, size_t n);
/* Key + value in one call. */
void xc_jw_kv_str(xc_jw *w, const char *key, const char *v);
void xc_jw_kv_i64(xc_jw *w, const char *key, int64_t v);
void xc_jw_kv_u64(xc_jw *w, const char *key, uint64_t v);
void xc_jw_kv_bool(xc_jw *w, const char *key, bool v);
void xc_jw_kv_dec_str(xc_jw *w, const char *key, xc_dec d);
/* XC_OK if every call succeeded and all containers are closed, else the first error. */
xc_status xc_jw_finish(xc_jw *w);

#endif
