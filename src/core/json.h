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

/* Default bound on the token array (max_tokens <= 0 also means this). */
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
static inline int xc_json_get(const xc_json *j, int idx, const char *key);
/* Same with a key of klen bytes (no NUL needed). Keys are compared raw (escapes not decoded). */
int xc_json_getn(const xc_json *j, int idx, const char *key, size_t klen);
/* Element i of array idx (or value of the i-th key of object idx), or -1. O(i): iterate for loops. */
int xc_json_at(const xc_json *j, int idx, int i);
/* Iteration over an array's elements or an object's values: first child / next sibling, or -1.
 * For objects, xc_json_key() of a value gives its key token. */
static inline int xc_json_first(const xc_json *j, int idx);
static inline int xc_json_next(const xc_json *j, int idx);
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
 * strings; "" is XC_EPARSE). XC_ETYPE for other types. The common shape (up to 8 digits on each
 * side of the point) is decoded inline, the rest by xc__json_dec_slow. */
static inline xc_status xc_json_dec(const xc_json *j, int idx, xc_dec *out);
xc_status xc__json_dec_slow(const xc_json *j, int idx, xc_dec *out) __attribute__((cold));
/* The first two elements of array idx as decimals: a book level ["price","qty"] (extra elements
 * are ignored). XC_ETYPE if idx is not an array of at least two elements, else as xc_json_dec. */
static inline xc_status xc_json_dec_pair(const xc_json *j, int idx, xc_dec *a, xc_dec *b);
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

/* ---- inline navigation (hot in every venue parser) ---- */

static inline int xc_json_get(const xc_json *j, int idx, const char *key) {
  return xc_json_getn(j, idx, key, __builtin_strlen(key));
}

static inline int xc__json_skip(const xc_json *j, int idx) {
  const jsmntok_t *t = &j->tok[idx];
  return t->type == JSMN_OBJECT || t->type == JSMN_ARRAY ? j->after[idx] : idx + 1;
}

static inline int xc_json_first(const xc_json *j, int idx) {
  if (idx < 0 || idx >= j->ntok) return -1;
  const jsmntok_t *t = &j->tok[idx];
  if (t->size == 0) return -1;
  if (t->type == JSMN_ARRAY) return idx + 1;
  if (t->type == JSMN_OBJECT) return idx + 2;
  return -1;
}

static inline int xc_json_next(const xc_json *j, int idx) {
  if (idx < 0 || idx >= j->ntok) return -1;
  const jsmntok_t *t = j->tok;
  int par = t[idx].parent;
  if (par < 0) return -1;
  int nx = xc__json_skip(j, idx);
  if (t[par].type == JSMN_STRING) { /* idx is an object value: the next key's value */
    return nx < j->ntok && t[nx].parent == t[par].parent ? nx + 1 : -1;
  }
  if (t[par].type == JSMN_OBJECT) { /* idx is a key: the next key, after this key's value */
    nx = xc__json_skip(j, idx + 1);
  }
  return nx < j->ntok && t[nx].parent == par ? nx : -1;
}

/* ---- inline decimal fast path (every price and quantity goes through it) ---- */

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* 8 digit values (0..9, one per byte, the first digit in the lowest byte) to their number:
 * pairs, quads and halves combined with three multiplies. */
static inline uint64_t xc__json_swar8(uint64_t w) {
  w = w * 10 + (w >> 8);
  return (((w & UINT64_C(0x000000FF000000FF)) * UINT64_C(0x000F424000000064)) +
          (((w >> 16) & UINT64_C(0x000000FF000000FF)) * UINT64_C(0x0000271000000001))) >> 32;
}

static inline __attribute__((always_inline)) xc_status xc_json_dec(const xc_json *j, int idx,
                                                                  xc_dec *out) {
  /* Fast path: "-"? D{1,7} "." D{1,8} or "-"? D{1,8}, with 16 readable bytes after the sign (so
   * both 8-byte loads stay inside the input). Each part is loaded, has '0' subtracted from every
   * byte and is shifted so that only its own digits remain, preceded by zero bytes (leading
   * zeros; borrows from the bytes after a part only travel into bytes that the shift drops).
   * A byte outside 0..9 has its high bit set after "+0x76" or is itself >= 0x80: one test
   * validates both parts. Anything else, and every error, goes to the slow path. */
  static const uint64_t p10[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
  const uint64_t ones = UINT64_C(0x0101010101010101), highs = ones * 0x80;
  if ((unsigned)idx >= (unsigned)j->ntok) return xc__json_dec_slow(j, idx, out);
  const jsmntok_t *t = &j->tok[idx];
  const char *q = j->src + t->start; /* q[0] is readable: at worst a closing quote */
  size_t m = (size_t)(t->end - t->start);
  bool neg = q[0] == '-';
  q += neg;
  m -= neg;
  if ((unsigned)(t->type - JSMN_STRING) > 1u || m - 1 > 15 || j->src + j->len - q < 16)
    return xc__json_dec_slow(j, idx, out);
  uint64_t lo, hi;
  __builtin_memcpy(&lo, q, 8);
  uint64_t x = lo ^ (ones * '.');
  uint64_t dm = (x - ones) & ~x & highs;
  size_t ilen = (size_t)__builtin_ctzll(dm | (UINT64_C(1) << 63)) >> 3; /* first '.', or 7 */
  size_t flen = 0;
  uint64_t a, b = 0;
  if (ilen < m && q[ilen] == '.') {
    flen = m - ilen - 1;
    if (ilen == 0 || flen - 1 > 7) return xc__json_dec_slow(j, idx, out);
    __builtin_memcpy(&hi, q + ilen + 1, 8);
    a = (lo - ones * '0') << (64 - 8 * ilen);
    b = (hi - ones * '0') << (64 - 8 * flen);
  } else { /* no point: an integer of up to 8 digits */
    if (m > 8) return xc__json_dec_slow(j, idx, out);
    a = m == 8 ? lo - ones * '0' : (lo - ones * '0') << (64 - 8 * m);
  }
  if (((a + ones * 0x76) | a | (b + ones * 0x76) | b) & highs) return xc__json_dec_slow(j, idx, out);
  int64_t r = (int64_t)(xc__json_swar8(a) * p10[flen] + (flen ? xc__json_swar8(b) : 0));
  /* xc_dec is coef * 10^exp (xconn/decimal.h); exp is 0..-8 here, always in range, so the value
   * is set directly, with the parsed scale, as xc_dec_from_i64 would. */
  out->coef = neg ? -r : r;
  out->exp = -(int)flen;
  return XC_OK;
}
#else
static inline __attribute__((always_inline)) xc_status xc_json_dec(const xc_json *j, int idx,
                                                                  xc_dec *out) {
  return xc__json_dec_slow(j, idx, out);
}
#endif

static inline xc_status xc_json_dec_pair(const xc_json *j, int idx, xc_dec *a, xc_dec *b) {
  if (idx < 0 || idx >= j->ntok) return XC_ENOTFOUND;
  const jsmntok_t *t = &j->tok[idx];
  if (t->type != JSMN_ARRAY || t->size < 2) return XC_ETYPE;
  xc_status st = xc_json_dec(j, idx + 1, a);
  if (st) return st;
  return xc_json_dec(j, xc__json_skip(j, idx + 1), b);
}

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
