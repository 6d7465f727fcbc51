#!/usr/bin/env bash
# The end-to-end showcase against the embedded simulator. Grows with every capability.
# Every streaming step is bounded (--duration / --count), so the demo ends by itself.
set -euo pipefail
dir=${1:-build}
x="$dir/xconn"
echo "== xconn version"; "$x" version
echo "== xconn sign (Binance documentation HMAC example)"
"$x" sign --secret NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j \
  --payload 'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559'

# Binance market data from a simulator started here (the CLI's --sim runs one in-process; this
# demo shares one `xconn sim` between the commands through --endpoints).
tmp=$(mktemp -d)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
"$x" sim --seed 42 --quiet >"$tmp/sim.out" 2>/dev/null &
pid=$!
for _ in $(seq 400); do [[ -s $tmp/sim.out ]] && break; sleep 0.05; done
head -1 "$tmp/sim.out" >"$tmp/ep"
echo "== xconn sim endpoints"; cat "$tmp/ep"
echo "== xconn symbols --venue binance (instruments from exchangeInfo, spot and USD-M)"
"$x" symbols --endpoints "$tmp/ep" --venue binance
echo "== xconn ticker --symbol BTC/USDT (24 h ticker, 3 updates)"
timeout 20 "$x" ticker --endpoints "$tmp/ep" --symbol BTC/USDT --count 3 --duration 10
echo "== xconn ticker --bbo --symbol ETH/USDT:USDT (USD-M best bid/offer, 2 s)"
timeout 20 "$x" ticker --endpoints "$tmp/ep" --symbol ETH/USDT:USDT --bbo --duration 2 | tail -n 8
echo "== xconn trades --symbol BTC/USDT (10 trades)"
timeout 20 "$x" trades --endpoints "$tmp/ep" --symbol BTC/USDT --count 10 --duration 10
echo "== xconn book --symbol BTC/USDT --levels 5 (full book: snapshot + diffs, continuity checked; last update of 3 s)"
timeout 20 "$x" book --endpoints "$tmp/ep" --symbol BTC/USDT --levels 5 --duration 3 >"$tmp/book.txt"
grep -E '^\[|book (SYNCING|LIVE|RESYNCING|STALE)' "$tmp/book.txt" | head -n 6
grep -v "^\[" "$tmp/book.txt" | tail -n 6
echo "   ($(grep -c ' book u=' "$tmp/book.txt") book updates in 3 s)"
echo "== xconn book --json --symbol BTC/USDT:USDT --depth 3 (3 levels from the partial-depth stream; one JSON object per event)"
timeout 20 "$x" book --endpoints "$tmp/ep" --symbol BTC/USDT:USDT --depth 3 --json --count 2 --duration 10

# ---- trading (issue 6): orders, fills and balances on the same simulator, with its test keys ----
echo "== xconn watch orders (private stream, in the background: the events of the commands below)"
timeout 30 "$x" watch orders --endpoints "$tmp/ep" --market spot --duration 6 >"$tmp/watch.txt" &
wpid=$!
timeout 30 "$x" watch balances --endpoints "$tmp/ep" --market spot --duration 6 >"$tmp/wbal.txt" &
bpid=$!
sleep 1
echo "== xconn order place: resting limit buy 0.002 BTC/USDT @ 55000 (client id demo-1)"
"$x" order place --endpoints "$tmp/ep" --symbol BTC/USDT --side buy --price 55000 --qty 0.002 --client-id demo-1
echo "== amend by cancel/replace: cancel demo-1, place demo-2 @ 56000"
"$x" order cancel --endpoints "$tmp/ep" --symbol BTC/USDT --client-id demo-1
"$x" order place --endpoints "$tmp/ep" --symbol BTC/USDT --side buy --price 56000 --qty 0.002 --client-id demo-2
echo "== xconn order open --symbol BTC/USDT"
"$x" order open --endpoints "$tmp/ep" --symbol BTC/USDT
echo "== xconn order cancel demo-2"
"$x" order cancel --endpoints "$tmp/ep" --symbol BTC/USDT --client-id demo-2
echo "== refused before sending (price off the tick): exit code and reason"
"$x" order place --endpoints "$tmp/ep" --symbol BTC/USDT --side buy --price 56000.005 --qty 0.002 || true
echo "== market buy 25 USDT of BTC (quote quantity), then USD-M market buy 0.003 BTC/USDT:USDT"
"$x" order place --endpoints "$tmp/ep" --symbol BTC/USDT --side buy --type market --quote-qty 25
"$x" order place --endpoints "$tmp/ep" --symbol BTC/USDT:USDT --side buy --type market --qty 0.003
wait "$wpid" || true
wait "$bpid" || true
echo "== what xconn watch orders saw (orders and fills, each once)"
cat "$tmp/watch.txt"
echo "== what xconn watch balances saw (last 4)"
tail -n 4 "$tmp/wbal.txt"
echo "== xconn balances (spot) and xconn positions (USD-M)"
"$x" balances --endpoints "$tmp/ep"
"$x" positions --endpoints "$tmp/ep"
