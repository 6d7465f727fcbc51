#!/usr/bin/env bash
# Conformance: Bybit v5 field names/types against the official doc examples, then ccxt (pinned,
# from the npm registry) against `xconn sim` for bybit (spot and linear).
# Usage: test_ccxt_bybit.sh PATH/TO/xconn [spot|linear|all]
# Installs ccxt with `npm ci` into tests/conformance/node_modules (git-ignored) when missing,
# starts the simulator on OS-chosen ports, runs the node checks, and always stops the simulator.
set -euo pipefail
xconn=${1:?usage: $0 path/to/xconn}
which=${2:-all}
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v node >/dev/null 2>&1; then echo "node not installed (scripts/deps.sh installs it)"; exit 1; fi
if [[ ! -f $here/node_modules/ccxt/package.json ]] || \
   [[ $(node -p "require('$here/node_modules/ccxt/package.json').version") != $(node -p "require('$here/package-lock.json').packages['node_modules/ccxt'].version") ]]; then
  (cd "$here" && timeout 300 npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
fi

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
"$xconn" sim --port-base 0 --seed 7 >"$tmp/out" 2>"$tmp/err" &
pid=$!
exec 3<"$tmp/out"
if ! IFS= read -r -t 20 line <&3; then
  echo "xconn sim printed no endpoints line"; cat "$tmp/err"; exit 1
fi
# keep draining the simulator's stdout so it never blocks on a full pipe
cat <&3 >/dev/null &
echo "endpoints: $line"
rc=0
# field names and JSON types against the official doc examples (../shared/fixtures)
shared=${XC_SHARED_DIR:-$here/../../../shared}
if [[ -d $shared/fixtures/vectors ]]; then
  timeout 60 node "$here/bybit_shapes.mjs" "$line" "$shared" || rc=$?
else
  echo "shape check skipped: no $shared/fixtures/vectors"
fi
[[ $rc -eq 0 ]] && { timeout 240 node "$here/ccxt_bybit.mjs" "$line" "$which" || rc=$?; }
# a clean shutdown is part of the test (sanitizer reports and aborts show up here)
kill -TERM "$pid" 2>/dev/null || true
src=0
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then echo "simulator did not stop on SIGTERM"; src=1; else wait "$pid" || src=$?; fi
pid=
if [[ $src -ne 0 ]]; then echo "simulator exited with status $src"; rc=1; fi
if [[ $rc -ne 0 ]]; then echo "--- simulator stderr (tail)"; tail -40 "$tmp/err"; fi
exit $rc
