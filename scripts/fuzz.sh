#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time each. Usage: fuzz.sh BUILD_DIR SECONDS
set -euo pipefail
dir=${1:-build-fuzz}; secs=${2:-30}
shopt -s nullglob
rc=0
for f in "$dir"/fuzz/fuzz_*; do
  name=$(basename "$f")
  corpus="$dir/fuzz-corpus/$name"; mkdir -p "$corpus"
  seeds=(); [[ -d fuzz/corpus/$name ]] && seeds=("fuzz/corpus/$name")
  echo "== $name (${secs}s)"
  if ! "$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
       "$corpus" "${seeds[@]}" >"$dir/$name.log" 2>&1; then
    tail -50 "$dir/$name.log"; echo "FAIL $name"; rc=1
  else
    grep -E '^#[0-9]+.*DONE|Done [0-9]+ runs' "$dir/$name.log" | tail -1 || true
  fi
done
exit $rc
