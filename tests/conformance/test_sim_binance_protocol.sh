#!/usr/bin/env bash
# Raw Binance protocol checks against `xconn sim` (depth consistency with the true book, stream
# control messages, WebSocket API, listenKey user data, faults). Uses the `ws` package pinned
# with ccxt in package-lock.json.
# Usage: test_sim_binance_protocol.sh PATH/TO/xconn
# Installs ccxt with `npm ci` into tests/conformance/node_modules (git-ignored) when missing,
# starts the simulator on OS-chosen ports, runs the node checks, and always stops the simulator.
set -euo pipefail
xconn=${1:?usage: $0 path/to/xconn}
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v node >/dev/null 2>&1; then echo "node not installed (scripts/deps.sh installs it)"; exit 1; fi
# one installer at a time (ctest runs the conformance scripts in parallel)
(
  flock -w 300 9
  if [[ ! -f $here/node_modules/ccxt/package.json ]] || \
     [[ $(node -p "require('$here/node_modules/ccxt/package.json').version") != $(node -p "require('$here/package-lock.json').packages['node_modules/ccxt'].version") ]]; then
    (cd "$here" && timeout 300 npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
  fi
) 9>"${TMPDIR:-/tmp}/xconn-conformance-npm.lock"

tmp=$(mktemp -d)
pid=
cleanup() {
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

mkfifo "$tmp/out"
"$xconn" sim --port-base 0 --seed 7 --bg-actions 0 >"$tmp/out" 2>"$tmp/err" &
pid=$!
exec 3<"$tmp/out"
if ! IFS= read -r -t 20 line <&3; then
  echo "xconn sim printed no endpoints line"; cat "$tmp/err"; exit 1
fi
# keep draining the simulator's stdout so it never blocks on a full pipe
cat <&3 >/dev/null &
echo "endpoints: $line"
rc=0
timeout 240 node "$here/binance_protocol.mjs" "$line" || rc=$?
# a clean shutdown is part of the test (sanitizer reports and aborts show up here)
kill -TERM "$pid" 2>/dev/null || true
src=0
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then echo "simulator did not stop on SIGTERM"; src=1; else wait "$pid" || src=$?; fi
pid=
if [[ $src -ne 0 ]]; then echo "simulator exited with status $src"; rc=1; fi
if [[ $rc -ne 0 ]]; then echo "--- simulator stderr (tail)"; tail -40 "$tmp/err"; fi
exit $rc
