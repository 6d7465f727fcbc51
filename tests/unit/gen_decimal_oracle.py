#!/usr/bin/env python3
"""Generates tests/unit/decimal_oracle.inc: arithmetic vectors for test_decimal.c computed with
Python's decimal module (libmpdec), an implementation independent of src/core/decimal.c.

Run offline: python3 tests/unit/gen_decimal_oracle.py > tests/unit/decimal_oracle.inc
Deterministic (fixed seed). Results that need more than 38 significant digits are "ERANGE";
inexact results under EXACT are "EINVAL".
"""
import random
from decimal import Decimal, Context, ROUND_05UP, ROUND_FLOOR, ROUND_CEILING, ROUND_DOWN, \
    ROUND_UP, ROUND_HALF_EVEN, ROUND_HALF_UP, Inexact

MODES = [("XC_ROUND_DOWN", ROUND_FLOOR), ("XC_ROUND_UP", ROUND_CEILING),
         ("XC_ROUND_TOWARD_ZERO", ROUND_DOWN), ("XC_ROUND_AWAY_FROM_ZERO", ROUND_UP),
         ("XC_ROUND_HALF_EVEN", ROUND_HALF_EVEN), ("XC_ROUND_HALF_UP", ROUND_HALF_UP),
         ("XC_ROUND_EXACT", None)]
BIG = Context(prec=400, rounding=ROUND_05UP, Emin=-999999, Emax=999999)

rng = random.Random(20261124)


def rand_dec():
    r = rng.random()
    if r < 0.4:
        nd = rng.randint(1, 10)
    elif r < 0.8:
        nd = rng.randint(1, 19)
    else:
        nd = rng.randint(1, 38)
    coef = rng.randint(0, 10 ** nd - 1)
    if rng.random() < 0.3:
        coef = coef - coef % 10 ** rng.randint(0, 4)  # trailing zeros
    exp = rng.randint(-20, 6)
    sign = "-" if rng.random() < 0.4 else ""
    return Decimal(f"{sign}{coef}E{exp}")


def text(d, style):
    """A parseable spelling of d: plain fixed or scientific."""
    if style == 0:
        s = format(d, "f")
    else:
        sign, digits, exp = d.as_tuple()
        s = ("-" if sign else "") + "".join(map(str, digits)) + f"e{exp}"
    return s


def canon(d):
    """Canonical xc_dec text, or ERANGE if d needs more than 38 significant digits."""
    if d.is_zero():
        return "0"
    n = d.normalize(BIG)
    if len(n.as_tuple().digits) > 38:
        return "ERANGE"
    s = format(n, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def rounded(x, places, mode):
    """x (exact Decimal or sticky-rounded) rounded to `places` fractional digits."""
    q = Decimal(1).scaleb(-places)
    if mode is None:
        r = x.quantize(q, rounding=ROUND_DOWN, context=BIG)
        return r if r == x else None
    return x.quantize(q, rounding=mode, context=BIG)


def divide(a, b):
    """a / b with 400 digits, ROUND_05UP: safe to round again to far fewer digits."""
    return BIG.divide(a, b)


rows = []
for i in range(600):
    a, b = rand_dec(), rand_dec()
    sa, sb = text(a, rng.randint(0, 1)), text(b, rng.randint(0, 1))
    kind = i % 6
    if kind == 0:
        rows.append(("add", sa, sb, "XC_ROUND_EXACT", 0, canon(BIG.add(a, b))))
    elif kind == 1:
        rows.append(("sub", sa, sb, "XC_ROUND_EXACT", 0, canon(BIG.subtract(a, b))))
    elif kind == 2:
        rows.append(("mul", sa, sb, "XC_ROUND_EXACT", 0, canon(BIG.multiply(a, b))))
    elif kind == 3:
        if b.is_zero():
            continue
        places = rng.randint(0, 12)
        mname, mode = MODES[rng.randrange(len(MODES))]
        x = divide(a, b)
        r = rounded(x, places, mode)
        if mode is None and BIG.divide(a, b) != BIG.divide(a, b).quantize(Decimal(1).scaleb(-places), context=BIG):
            r = None
        rows.append(("div", sa, sb, mname, places, "EINVAL" if r is None else canon(r)))
    elif kind == 4:
        # quantize to a positive step with few digits
        step = Decimal(f"{rng.choice([1, 1, 1, 5, 25, 2, 3, 7])}E{rng.randint(-10, 2)}")
        mname, mode = MODES[rng.randrange(len(MODES))]
        q = divide(a, step)
        qi = rounded(q, 0, mode)
        if mode is None:
            exact = BIG.remainder(a, step).is_zero() if True else False
            qi = BIG.divide_int(a, step) if exact else None
        rows.append(("quantize", sa, text(step, 1), mname, 0,
                     "EINVAL" if qi is None else canon(BIG.multiply(qi, step))))
    else:
        places = rng.randint(0, 10)
        mname, mode = MODES[rng.randrange(len(MODES))]
        r = rounded(a, places, mode)
        rows.append(("round", sa, "0", mname, places, "EINVAL" if r is None else canon(r)))


# Second batch: extreme values (30-38 digits, exponents across the whole range) for the exact
# operations, where results hit the 38-digit and exponent limits.
def fits(d):
    """Whether d is representable: <= 38 digits once stripped and an exponent reachable in range."""
    if d.is_zero():
        return True
    n = d.normalize(BIG)
    t = n.as_tuple()
    nd, e = len(t.digits), t.exponent
    return nd <= 38 and e >= -64 and e - (38 - nd) <= 64


def canon_range(d):
    return canon(d) if fits(d) else "ERANGE"


def rand_extreme():
    nd = rng.randint(28, 38)
    coef = rng.randint(10 ** (nd - 1), 10 ** nd - 1)
    if rng.random() < 0.3:
        coef = coef - coef % 10 ** rng.randint(1, 12)
    exp = rng.randint(-64, 64)
    sign = "-" if rng.random() < 0.5 else ""
    return Decimal(f"{sign}{coef}E{exp}")


for i in range(300):
    a = rand_extreme()
    b = rand_extreme() if rng.random() < 0.6 else rand_dec()
    if rng.random() < 0.3:  # operands close in exponent so sums carry or cancel
        sign, digits, exp = b.as_tuple()
        b = Decimal((sign, digits, a.as_tuple().exponent + rng.randint(-3, 3)))
        if not fits(b):
            continue
    sa, sb = text(a, 1), text(b, 1)
    kind = i % 4
    if kind == 0:
        rows.append(("add", sa, sb, "XC_ROUND_EXACT", 0, canon_range(BIG.add(a, b))))
    elif kind == 1:
        rows.append(("sub", sa, sb, "XC_ROUND_EXACT", 0, canon_range(BIG.subtract(a, b))))
    elif kind == 2:
        rows.append(("mul", sa, sb, "XC_ROUND_EXACT", 0, canon_range(BIG.multiply(a, b))))
    else:
        places = rng.randint(-60, 64)
        mname, mode = MODES[rng.randrange(len(MODES))]
        r = rounded(a, places, mode)
        if r is not None and a.as_tuple().exponent >= -places:
            r = a  # already fits: returned unchanged
        rows.append(("round", sa, "0", mname, places, "EINVAL" if r is None else canon_range(r)))

print("/* Generated by tests/unit/gen_decimal_oracle.py (Python decimal %s); do not edit. */" % "libmpdec")
print("/* op, a, b, mode, places, expected canonical text or ERANGE/EINVAL */")
for op, a, b, m, p, r in rows:
    print(f'{{"{op}", "{a}", "{b}", {m}, {p}, "{r}"}},')
