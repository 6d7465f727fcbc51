#!/usr/bin/env bash
# xconn sim: the first stdout line is the endpoints JSON (every URL on loopback, distinct ports,
# credentials derived from the seed), the admin API answers, the same seed gives the same
# credentials, bad options are usage errors (exit 2), and SIGTERM / SIGINT stop it cleanly (exit 0).
set -euo pipefail
x=${1:?usage: test_sim.sh path/to/xconn}
tmp=$(mktemp -d)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

start() { # start [args...]: runs the simulator, waits for its first line into $tmp/ep
  # a fresh file each time: the child truncates it only once it runs, and until then the previous
  # run's output would be read (seen under load); wait for a whole first line, up to 30 s
  rm -f "$tmp/out" "$tmp/err"
  "$x" sim "$@" >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  for _ in $(seq 600); do [[ -f $tmp/out && $(wc -l <"$tmp/out") -ge 1 ]] && break; sleep 0.05; done
  head -1 "$tmp/out" >"$tmp/ep"
  [[ -s $tmp/ep ]] || fail "no endpoints line: $(cat "$tmp/err")"
}
stop() { # stop SIGNAL: expects a clean exit
  kill -"$1" "$pid"
  local rc=0
  wait "$pid" || rc=$?
  pid=
  [[ $rc -eq 0 ]] || fail "exit code $rc after SIG$1"
}

start --seed 11 --symbols BTCUSDT,SOLUSDT --bg-tick-ms 5
python3 - "$tmp/ep" <<'PY' || fail "endpoints JSON: $(cat "$tmp/ep")"
import json, sys, re
e = json.load(open(sys.argv[1]))
urls = [e["binance"][k] for k in ("spot_rest", "spot_ws", "usdm_rest", "usdm_ws")]
urls += [e["bybit"]["rest"], e["bybit"]["ws"], e["admin"]]
for u in urls:
    assert re.fullmatch(r"(http|ws)://127\.0\.0\.1:\d+", u), u
assert e["binance"]["spot_ws"].startswith("ws://") and e["admin"].startswith("http://")
assert len({u.rsplit(":", 1)[1] for u in urls}) == 7, "ports not distinct"
assert len(e["api_key"]) == 64 and len(e["api_secret"]) == 64
PY
admin=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["admin"])' "$tmp/ep")
key1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["api_key"])' "$tmp/ep")
curl -sf "$admin/admin/markets" | grep -q '"symbol":"SOLUSDT"' || fail "markets"
curl -sf "$admin/admin/book?venue=bybit&kind=linear&symbol=BTCUSDT&depth=2" | grep -q '"bids":\[\["' \
  || fail "book"
curl -s -o /dev/null -w '%{http_code}' "$admin/admin/nope" | grep -q 404 || fail "unknown command"
# trades within 0.3 s on an idle machine; wait up to 30 s on a loaded one
traded=
for _ in $(seq 300); do
  sleep 0.1
  curl -sf "$admin/admin/stats" | grep -q '"trades":[1-9]' && { traded=1; break; }
done
[[ -n $traded ]] || fail "no background trades"
stop TERM

start --seed 11 --bg-manual
admin=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["admin"])' "$tmp/ep")
sleep 0.2
curl -sf "$admin/admin/stats" | grep -q '"trades":0,' || fail "--bg-manual: the market moved"
curl -sf -XPOST "$admin/admin/bg_step" -d '{"n":50}' | grep -q '"trades":[1-9]' || fail "bg_step"
h1=$(curl -sf "$admin/admin/stats" | sed 's/.*"trade_hash":"\([0-9a-f]*\)".*/\1/')
key2=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["api_key"])' "$tmp/ep")
[[ $key1 == "$key2" ]] || fail "credentials differ for the same seed"
stop INT
# the same seed and the same steps: the same trades
start --seed 11 --bg-manual
admin=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["admin"])' "$tmp/ep")
curl -sf -XPOST "$admin/admin/bg_step" -d '{"n":50}' >/dev/null
h2=$(curl -sf "$admin/admin/stats" | sed 's/.*"trade_hash":"\([0-9a-f]*\)".*/\1/')
[[ -n $h1 && $h1 == "$h2" ]] || fail "replay: trade hashes differ ($h1 vs $h2)"
stop TERM

rc=0; "$x" sim --port-base nope >/dev/null 2>&1 || rc=$?
[[ $rc -eq 2 ]] || fail "bad --port-base: exit $rc"
rc=0; "$x" sim --seed -1 >/dev/null 2>&1 || rc=$?
[[ $rc -eq 2 ]] || fail "bad --seed: exit $rc"
"$x" sim --help | grep -q -- "--port-base" || fail "help"
echo "ok"
