#!/usr/bin/env bash
# Trading commands against a separately started `xconn sim` (--endpoints FILE, its test keys):
# order place/get/open/cancel (spot and USD-M, --json), a filter violation refused before sending
# (exit 1, reason on stderr), balances, positions, watch orders showing the events of an order
# placed by another process; bad options are usage errors (exit 2).
set -euo pipefail
x=${1:?usage: test_order_cli.sh path/to/xconn}
tmp=$(mktemp -d)
pid=
wpid=
cleanup() { [[ -n $wpid ]] && kill "$wpid" 2>/dev/null || true; [[ -n $pid ]] && kill "$pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
field() { python3 -c "import json,sys; print(json.loads(open(sys.argv[1]).readline())[sys.argv[2]])" "$1" "$2"; }

"$x" sim --seed 5 >"$tmp/simout" 2>/dev/null &
pid=$!
for _ in $(seq 400); do [[ -s $tmp/simout ]] && break; sleep 0.05; done
head -1 "$tmp/simout" >"$tmp/ep"
E=(--endpoints "$tmp/ep")

# spot: place a resting limit order, find it, cancel it
"$x" order place "${E[@]}" --json --symbol BTC/USDT --side buy --price 55000 --qty 0.001 --client-id cli-1 >"$tmp/p" \
  || fail "place exit $?"
[[ $(field "$tmp/p" status) == new ]] || fail "place: $(cat "$tmp/p")"
[[ $(field "$tmp/p" client_id) == cli-1 ]] || fail "client id: $(cat "$tmp/p")"
id=$(field "$tmp/p" order_id)
"$x" order get "${E[@]}" --json --symbol BTC/USDT --id "$id" >"$tmp/g" || fail "get exit $?"
[[ $(field "$tmp/g" client_id) == cli-1 ]] || fail "get: $(cat "$tmp/g")"
"$x" order open "${E[@]}" --json --symbol BTC/USDT >"$tmp/o" || fail "open exit $?"
grep -q '"client_id":"cli-1"' "$tmp/o" || fail "open: $(cat "$tmp/o")"
"$x" order cancel "${E[@]}" --json --symbol BTC/USDT --client-id cli-1 >"$tmp/c" || fail "cancel exit $?"
[[ $(field "$tmp/c" status) == canceled ]] || fail "cancel: $(cat "$tmp/c")"
# market by quote amount (spot), text output
"$x" order place "${E[@]}" --symbol BTC/USDT --side buy --type market --quote-qty 20 >"$tmp/m" || fail "market exit $?"
grep -q "status=filled" "$tmp/m" || fail "market: $(cat "$tmp/m")"
# filter violation: refused locally with the reason, exit 1
rc=0; "$x" order place "${E[@]}" --symbol BTC/USDT --side buy --price 55000.005 --qty 0.001 2>"$tmp/err" || rc=$?
[[ $rc == 1 ]] || fail "filter exit $rc"
grep -q "tick size" "$tmp/err" || fail "filter reason: $(cat "$tmp/err")"

# USD-M: a market order opens a position
"$x" order place "${E[@]}" --json --symbol BTC/USDT:USDT --side buy --type market --qty 0.003 >"$tmp/f" || fail "futures exit $?"
"$x" positions "${E[@]}" --json >"$tmp/pos" || fail "positions exit $?"
grep -q '"symbol":"BTC/USDT:USDT"' "$tmp/pos" || fail "positions: $(cat "$tmp/pos")"
"$x" balances "${E[@]}" --json >"$tmp/bal" || fail "balances exit $?"
grep -q '"asset":"USDT"' "$tmp/bal" || fail "balances: $(cat "$tmp/bal")"
"$x" balances "${E[@]}" --market linear >"$tmp/bal2" || fail "balances linear exit $?"
grep -q "USDT free=" "$tmp/bal2" || fail "balances linear: $(cat "$tmp/bal2")"

# watch orders sees an order placed by another process
timeout 30 "$x" watch orders "${E[@]}" --json --market spot --duration 8 --count 3 >"$tmp/w" &
wpid=$!
sleep 1.5
"$x" order place "${E[@]}" --symbol BTC/USDT --side sell --type market --qty 0.001 >/dev/null || fail "place for watch"
wait "$wpid" || true; wpid=
python3 - "$tmp/w" <<'PY' || fail "watch: $(cat "$tmp/w")"
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert any(o["type"] == "order" and o["status"] == "filled" for o in objs) or any(o["type"] == "fill" for o in objs), objs
PY

kill "$pid"; wait "$pid" || true; pid=

# usage errors
for args in "order" "order fly --symbol BTC/USDT" "order place --symbol BTC/USDT --side up --qty 1" \
            "order place --symbol BTC/USDT --side buy --qty 1" "order cancel --symbol BTC/USDT" \
            "balances --market moon" "watch nothing"; do
  rc=0; "$x" $args >/dev/null 2>&1 || rc=$?
  [[ $rc == 2 ]] || fail "'$args' exit $rc (want 2)"
done
echo "ok"
