#!/usr/bin/env bash
# Conformance: Bybit v5 field names/types against the official doc examples, then ccxt (pinned,
# from the npm registry) against `xconn sim` for bybit (spot and linear).
# Usage: test_ccxt_bybit.sh PATH/TO/xconn [spot|linear|all]
# The harness (lib.sh) installs the pinned npm packages, starts the simulator on OS-chosen
# ports and always stops it; a clean simulator shutdown is part of the test.
set -euo pipefail
xconn=${1:?usage: $0 path/to/xconn}
which=${2:-all}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"

conf_npm_install
conf_sim_start "$xconn" --seed 7
line=$CONF_ENDPOINTS
rc=0
# field names and JSON types against the official doc examples (../shared/fixtures)
shared=${XC_SHARED_DIR:-$here/../../../shared}
if [[ -d $shared/fixtures/vectors ]]; then
  timeout 60 node "$here/bybit_shapes.mjs" "$line" "$shared" || rc=$?
else
  echo "shape check skipped: no $shared/fixtures/vectors"
fi
[[ $rc -eq 0 ]] && { timeout 240 node "$here/ccxt_bybit.mjs" "$line" "$which" || rc=$?; }
conf_finish $rc
