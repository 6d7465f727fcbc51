#!/usr/bin/env bash
# The end-to-end showcase against the embedded simulator. Grows with every capability.
set -euo pipefail
dir=${1:-build}
x="$dir/xconn"
echo "== xconn version"; "$x" version
echo "== xconn sign (Binance documentation HMAC example)"
"$x" sign --secret NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j \
  --payload 'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559'
