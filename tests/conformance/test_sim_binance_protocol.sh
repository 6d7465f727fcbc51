#!/usr/bin/env bash
# Raw Binance protocol checks against `xconn sim` (depth consistency with the true book, stream
# control messages, WebSocket API, listenKey user data, faults). Uses the `ws` package pinned
# with ccxt in package-lock.json.
# Usage: test_sim_binance_protocol.sh PATH/TO/xconn
# The harness (lib.sh) installs the pinned npm packages, starts the simulator on OS-chosen
# ports and always stops it; a clean simulator shutdown is part of the test.
set -euo pipefail
xconn=${1:?usage: $0 path/to/xconn}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"

conf_npm_install
conf_sim_start "$xconn" --seed 7 --bg-actions 0
line=$CONF_ENDPOINTS
rc=0
timeout 240 node "$here/binance_protocol.mjs" "$line" || rc=$?
conf_finish $rc
