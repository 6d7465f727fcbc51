#!/usr/bin/env bash
# Runs every benchmark in BUILD_DIR/bench and prints their figures.
set -euo pipefail
dir=${1:-build}
shopt -s nullglob
for b in "$dir"/bench/bench_*; do
  echo "== $(basename "$b")"
  "$b"
done
