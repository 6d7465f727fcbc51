#!/usr/bin/env bash
# Runs every benchmark in BUILD_DIR/bench and prints their figures; then the W1/W2 peer run: ccxt
# (pinned in tests/conformance, installed from npm on first use) on the same W1 stream, and the
# ratio of the two as measured in this invocation.
set -euo pipefail
dir=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
shopt -s nullglob
for b in "$dir"/bench/bench_*; do
  echo "== $(basename "$b")"
  "$b" | tee "$out/$(basename "$b").txt"
done

echo "== ccxt peer run (W1, W2)"
if ! command -v node >/dev/null 2>&1; then
  echo "node not installed: skipped (scripts/deps.sh installs it)"
  exit 0
fi
# shellcheck source=../tests/conformance/lib.sh
(source "$here/tests/conformance/lib.sh" && conf_npm_install) || { echo "ccxt not installable: skipped"; exit 0; }
"$dir/bench/bench_book" --dump "$out"
node "$here/bench/ccxt_w1.mjs" "$out" | tee "$out/ccxt.txt"
ours=$(sed -n 's/^W1 decode+apply (xc_book_feed) *\([0-9.]*\) ns\/op.*/\1/p' "$out/bench_book.txt")
theirs=$(sed -n 's/^ccxt W1 JSON.parse + handleOrderBookMessage *\([0-9.]*\) ns\/op.*/\1/p' "$out/ccxt.txt")
if [[ -n $ours && -n $theirs ]]; then
  awk -v a="$theirs" -v b="$ours" 'BEGIN { printf "W1 ccxt / xconn decode+apply: %.1fx (%.0f ns vs %.0f ns per message, same stream, same run)\n", a / b, a, b }'
fi
for lv in 1000 5000; do
  ours=$(sed -n "s/^W2 snapshot $lv\/side ([0-9]* KB) decode+load *\([0-9.]*\) us median.*/\1/p" "$out/bench_book.txt")
  theirs=$(sed -n "s/^ccxt W2 snapshot $lv\/side JSON.parse + orderBook \([0-9.]*\) us median.*/\1/p" "$out/ccxt.txt")
  if [[ -n $ours && -n $theirs ]]; then
    awk -v a="$theirs" -v b="$ours" -v l="$lv" 'BEGIN { printf "W2 %d/side ccxt / xconn snapshot load: %.1fx (%.0f us vs %.0f us, same snapshot, same run)\n", l, a / b, a, b }'
  fi
done
