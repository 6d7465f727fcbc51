#!/usr/bin/env bash
# Market-data commands against the simulator: symbols, ticker (and --bbo), trades and book with
# --json print one JSON object per line, decimals as strings, book levels as [price, qty] arrays;
# --endpoints FILE reaches a separately started `xconn sim`; bad options are usage errors (exit 2).
set -euo pipefail
x=${1:?usage: test_md_cli.sh path/to/xconn}
tmp=$(mktemp -d)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

check() { # check FILE KIND: every line is a JSON object; KIND-specific checks in python
  python3 - "$1" "$2" <<'PY' || fail "$2 output: $(head -c 600 "$1")"
import json, sys, re
path, kind = sys.argv[1], sys.argv[2]
lines = [l for l in open(path) if l.strip()]
assert lines, "no output"
objs = [json.loads(l) for l in lines]
dec = re.compile(r'^-?[0-9]+(\.[0-9]+)?$')
def isdec(v): return isinstance(v, str) and dec.match(v)
if kind == "symbols":
    syms = {o["symbol"]: o for o in objs}
    assert "BTC/USDT" in syms, syms.keys()
    b = syms["BTC/USDT"]
    assert b["venue_symbol"] == "BTCUSDT" and b["status"] == "trading"
    for k in ("tick_size", "step_size", "min_qty", "min_notional"): assert isdec(b[k]), (k, b[k])
elif kind == "ticker":
    t = [o for o in objs if o["type"] == "ticker"]
    assert len(t) >= 2, objs
    for o in t:
        assert o["symbol"] == "BTC/USDT" and o["venue"] == "binance"
        for k in ("last", "open", "high", "low", "volume", "quote_volume", "change_pct"): assert isdec(o[k]), (k, o[k])
        assert o["recv_ts_ns"] > 0 and o["venue_ts_ms"] > 0
elif kind == "bbo":
    t = [o for o in objs if o["type"] == "bbo"]
    assert len(t) >= 3
    for o in t: assert isdec(o["bid"]) and isdec(o["ask"]) and float(o["bid"]) < float(o["ask"])
elif kind == "trades":
    t = [o for o in objs if o["type"] == "trade"]
    assert len(t) >= 5, objs
    ids = [int(o["trade_id"]) for o in t]
    assert ids == sorted(set(ids)), ids
    for o in t:
        assert o["symbol"] == "BTC/USDT:USDT" and o["market"] == "linear"
        assert isdec(o["price"]) and isdec(o["qty"]) and o["taker_side"] in ("buy", "sell")
elif kind in ("book", "book_full", "book_3"):
    cap = {"book": 5, "book_full": 10, "book_3": 3}[kind]
    st = [o for o in objs if o["type"] == "book_state"]
    assert any(o["state"] == "LIVE" and o["reason"] == "synced" for o in st), st
    bk = [o for o in objs if o["type"] == "book"]
    assert len(bk) >= 3
    for o in bk:
        assert o["state"] == "LIVE"
        assert 0 < len(o["bids"]) <= cap and 0 < len(o["asks"]) <= cap, (cap, o)
        for side in ("bids", "asks"):
            for lv in o[side]:
                assert isinstance(lv, list) and len(lv) == 2 and isdec(lv[0]) and isdec(lv[1]), lv
        assert float(o["bids"][0][0]) < float(o["asks"][0][0])
        px = [float(p) for p, q in o["bids"]]
        assert px == sorted(px, reverse=True)
PY
}

"$x" symbols --sim --json --market spot >"$tmp/sym" || fail "symbols exit $?"
check "$tmp/sym" symbols
"$x" symbols --sim --json --symbol ETH/USDT:USDT >"$tmp/sym1" || fail "symbols --symbol exit $?"
grep -q '"contract":"perpetual"' "$tmp/sym1" || fail "symbols --symbol: $(cat "$tmp/sym1")"
rc=0; "$x" symbols --sim --symbol NOPE/USDT 2>/dev/null || rc=$?
[[ $rc -eq 1 ]] || fail "unknown symbol: exit $rc"

timeout 30 "$x" ticker --sim --json --symbol BTC/USDT --count 2 --duration 20 >"$tmp/tk" || fail "ticker exit $?"
check "$tmp/tk" ticker
timeout 30 "$x" ticker --sim --json --bbo --symbol BTC/USDT --count 3 --duration 20 >"$tmp/bbo" || fail "bbo exit $?"
check "$tmp/bbo" bbo
timeout 30 "$x" trades --sim --json --symbol BTC/USDT:USDT --count 5 --duration 20 >"$tmp/tr" || fail "trades exit $?"
check "$tmp/tr" trades
# --depth 5: a 5-level book (Binance's partial-depth stream, as xc_sub_opts.depth = 5)
timeout 30 "$x" book --sim --json --symbol BTC/USDT --depth 5 --count 3 --duration 20 >"$tmp/bk" || fail "book exit $?"
check "$tmp/bk" book
timeout 30 "$x" book --sim --json --symbol BTC/USDT:USDT --depth 5 --count 3 --duration 20 >"$tmp/bkf" || fail "book usdm exit $?"
check "$tmp/bkf" book
# no --depth: the full diff-synchronised book, 10 levels printed
timeout 30 "$x" book --sim --json --symbol ETH/USDT --count 3 --duration 20 >"$tmp/bkfull" || fail "book full exit $?"
check "$tmp/bkfull" book_full
# --levels: printed levels only (here of the full book)
timeout 30 "$x" book --sim --json --symbol BTC/USDT --levels 3 --count 3 --duration 20 >"$tmp/bk3" || fail "book --levels exit $?"
check "$tmp/bk3" book_3

# a separately running simulator, reached through --endpoints FILE
"$x" sim --seed 3 >"$tmp/simout" 2>/dev/null &
pid=$!
for _ in $(seq 400); do [[ -s $tmp/simout ]] && break; sleep 0.05; done
head -1 "$tmp/simout" >"$tmp/ep"
timeout 30 "$x" book --endpoints "$tmp/ep" --json --symbol ETH/USDT --depth 5 --count 3 --duration 20 >"$tmp/bk2" \
  || fail "book --endpoints exit $?"
check "$tmp/bk2" book
# text mode prints something readable
timeout 30 "$x" trades --endpoints "$tmp/ep" --symbol ETH/USDT --count 2 --duration 20 >"$tmp/txt" || fail "text exit"
grep -q 'ETH/USDT .*trade' "$tmp/txt" || fail "text trades: $(cat "$tmp/txt")"
kill "$pid"; wait "$pid" || true; pid=

# usage errors
for args in "ticker --sim" "ticker --sim --symbol btcusdt" "book --sim --symbol BTC/USDT --depth 0" \
            "book --sim --symbol BTC/USDT --levels 0" \
            "trades --venue nowhere --symbol BTC/USDT" "ticker --sim --symbol BTC/USDT --duration -1"; do
  rc=0; "$x" $args >/dev/null 2>&1 || rc=$?
  [[ $rc -eq 2 ]] || fail "'$args': exit $rc, want 2"
done
echo "test_md_cli: ok"
