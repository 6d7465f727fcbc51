#!/usr/bin/env bash
# Conformance: ccxt (pinned, from the npm registry) against `xconn sim` for binance and binanceusdm.
# Usage: test_ccxt_binance.sh PATH/TO/xconn [spot|usdm|all]
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
timeout 240 node "$here/ccxt_binance.mjs" "$line" "$which" || rc=$?
conf_finish $rc
