/* xconn/decimal.h: xc_dec, the exact decimal used for every price, quantity, balance and fee.
 *
 * A value is coef * 10^exp with |coef| < 10^38 (38 significant digits) and exp in
 * [XC_DEC_EXP_MIN, XC_DEC_EXP_MAX]. Values keep the scale they were parsed with ("0.00100000" has
 * exp -8); comparison and arithmetic are by value, formatting is canonical (no trailing zeros).
 * Parsing, formatting, add, subtract and multiply are exact; division, quantisation and rescaling
 * take an explicit rounding mode. A result that does not fit returns XC_ERANGE, never a rounded
 * value. xc_dec is a plain value: copy it freely; every function is pure and thread-safe.
 * Every function assumes valid inputs (|coef| < 10^38, exp in range), which all of them produce;
 * build values with xc_dec_from_i64 rather than from raw fields. Design, invariants and figures:
 * docs/internals/decimal.md.
 */
#ifndef XCONN_DECIMAL_H
#define XCONN_DECIMAL_H

#include "xconn/common.h"
#include "xconn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define XC_DEC_DIGITS 38  /* maximum significant digits */
#define XC_DEC_EXP_MIN (-64)
#define XC_DEC_EXP_MAX 64
/* Buffer size that holds any xc_dec_to_str output, including the NUL. */
#define XC_DEC_STR_MAX 112
/* Buffer size that holds any xc_dec_to_str_fixed output (any places 0..64), including the NUL. */
#define XC_DEC_STR_FIXED_MAX 176

__extension__ typedef __int128 xc_dec_coef;

typedef struct xc_dec {
  xc_dec_coef coef; /* private: use the functions below */
  int32_t exp;      /* private */
} xc_dec;

typedef enum xc_round {
  XC_ROUND_DOWN = 0,         /* toward negative infinity (floor) */
  XC_ROUND_UP,               /* toward positive infinity (ceiling) */
  XC_ROUND_TOWARD_ZERO,      /* truncate */
  XC_ROUND_AWAY_FROM_ZERO,
  XC_ROUND_HALF_EVEN,        /* banker's rounding */
  XC_ROUND_HALF_UP,          /* half away from zero */
  XC_ROUND_EXACT             /* no rounding allowed: XC_EINVAL if the result is not exact */
} xc_round;

#define XC_DEC_ZERO ((xc_dec){0, 0})

/* Parses len bytes (no NUL needed): optional sign, digits with an optional point, optional
 * exponent ("0.00100000", "1e-8", "1E+3", "-0", "+5", "007.50"; ".5" and "5." are accepted,
 * "." is not). No spaces, no hex, no inf/nan. The value keeps its scale ("1.50" has exp -2).
 * XC_EPARSE on bad syntax; XC_ERANGE when more than 38 significant digits (leading zeros do not
 * count) or the exponent is out of range after exact adjustment (trailing zeros beyond 38 digits
 * are dropped exactly, never rounded). XC_EINVAL if out is NULL (or s is NULL with len > 0). */
XC_API xc_status xc_dec_parse(const char *s, size_t len, xc_dec *out);
/* xc_dec_parse on a NUL-terminated string. */
XC_API xc_status xc_dec_from_cstr(const char *s, xc_dec *out);

/* Canonical text: no exponent, no trailing fractional zeros, "0" for any zero, "-" for negatives.
 * Returns the length written (NUL added) or XC_ENOSPC; cap >= XC_DEC_STR_MAX always suffices.
 * Bytes of buf past the NUL (within cap) may be overwritten. */
XC_API int xc_dec_to_str(xc_dec d, char *buf, size_t cap);
/* Text with exactly `places` fractional digits (0..64), rounding with `mode` when needed; a value
 * that rounds to zero prints without sign. Returns the length or a negative xc_status (XC_ENOSPC;
 * XC_EINVAL for bad places/mode or XC_ROUND_EXACT when rounding is needed).
 * cap >= XC_DEC_STR_FIXED_MAX always suffices. */
XC_API int xc_dec_to_str_fixed(xc_dec d, int places, xc_round mode, char *buf, size_t cap);

/* -1, 0 or 1 as a <, ==, > b, by value (1.0 == 1). */
XC_API int xc_dec_cmp(xc_dec a, xc_dec b);
XC_API bool xc_dec_eq(xc_dec a, xc_dec b);
XC_API bool xc_dec_is_zero(xc_dec a);
/* -1, 0 or 1. */
XC_API int xc_dec_sign(xc_dec a);
XC_API xc_dec xc_dec_neg(xc_dec a);
XC_API xc_dec xc_dec_abs(xc_dec a);
/* Strips trailing zeros from the coefficient (1.500 -> 1.5; 1200 -> 12e2; zero -> 0e0), as far
 * as the exponent range allows. */
XC_API xc_dec xc_dec_normalize(xc_dec a);

/* Exact arithmetic; XC_ERANGE if the exact result does not fit. The result keeps the finer scale
 * (add/sub: the smaller exponent; mul: the sum of exponents) and drops trailing zeros only when
 * needed to fit (so 1e37 * 100 works). */
XC_API xc_status xc_dec_add(xc_dec a, xc_dec b, xc_dec *out);
XC_API xc_status xc_dec_sub(xc_dec a, xc_dec b, xc_dec *out);
XC_API xc_status xc_dec_mul(xc_dec a, xc_dec b, xc_dec *out);
/* a / b rounded to `places` fractional digits (-64..64) with `mode`; exp of the result is -places
 * unless trailing zeros had to go. XC_EINVAL when b is zero, places is out of range or mode is
 * XC_ROUND_EXACT and the quotient is inexact; XC_ERANGE when the quotient does not fit. */
XC_API xc_status xc_dec_div(xc_dec a, xc_dec b, int places, xc_round mode, xc_dec *out);
/* Rounds a to a multiple of step (> 0) with `mode` (price to tick size, quantity to step size); the
 * result has step's exponent. XC_EINVAL if step <= 0 (or EXACT and a is not a multiple). */
XC_API xc_status xc_dec_quantize(xc_dec a, xc_dec step, xc_round mode, xc_dec *out);
/* Rounds a to `places` fractional digits (-64..64; negative rounds to tens, hundreds...) with
 * `mode`. A value that already has no more places is returned unchanged (scale kept). */
XC_API xc_status xc_dec_round(xc_dec a, int places, xc_round mode, xc_dec *out);
/* True if a is an exact multiple of step; false when step <= 0. Works for any exponents. */
XC_API bool xc_dec_is_multiple(xc_dec a, xc_dec step);

/* v * 10^exp, exact. XC_ERANGE if exp is out of range. */
XC_API xc_status xc_dec_from_i64(int64_t v, int exp, xc_dec *out);
/* The integer part of a rounded with mode; XC_ERANGE if it does not fit in int64. */
XC_API xc_status xc_dec_to_i64(xc_dec a, xc_round mode, int64_t *out);
/* a / tick as an integer tick count, rounded with mode (XC_ROUND_EXACT: XC_EINVAL unless exact);
 * XC_EINVAL if tick <= 0, XC_ERANGE if the count does not fit int64. */
XC_API xc_status xc_dec_to_ticks(xc_dec a, xc_dec tick, xc_round mode, int64_t *out);
/* ticks * tick, exact, with tick's exponent (XC_ERANGE if it needs more than 38 digits). */
XC_API xc_status xc_dec_from_ticks(int64_t ticks, xc_dec tick, xc_dec *out);
/* Number of fractional digits needed to write a exactly (0 for integers): precision of a tick. */
XC_API int xc_dec_places(xc_dec a);

#ifdef __cplusplus
}
#endif
#endif
