# Shared harness for the conformance scripts (sourced, not run).
#   conf_npm_install          installs the pinned npm packages into tests/conformance/node_modules
#                             once, under a lock (ctest runs conformance scripts in parallel)
#   conf_sim_start XCONN ARGS starts `xconn sim --port-base 0 ARGS`; sets CONF_ENDPOINTS (the JSON
#                             line it prints) and keeps draining its stdout
#   conf_sim_stop             SIGTERM, waits; non-zero unless the simulator stopped cleanly
#   conf_finish RC            stops the simulator, prints its stderr tail on failure, exits
# The EXIT trap kills a simulator that is still running and removes the temporary directory.
conf_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
conf_tmp=$(mktemp -d)
conf_pid=

conf_cleanup() {
  if [[ -n $conf_pid ]] && kill -0 "$conf_pid" 2>/dev/null; then
    kill -TERM "$conf_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$conf_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$conf_pid" 2>/dev/null || true
  fi
  rm -rf "$conf_tmp"
}
trap conf_cleanup EXIT

conf_npm_install() {
  command -v node >/dev/null 2>&1 || { echo "node not installed (scripts/deps.sh installs it)"; return 1; }
  (
    flock -w 600 9 || { echo "timed out waiting for the npm install lock"; exit 1; }
    local want have=
    want=$(node -p "require('$conf_here/package-lock.json').packages['node_modules/ccxt'].version")
    [[ -f $conf_here/node_modules/ccxt/package.json ]] &&
      have=$(node -p "require('$conf_here/node_modules/ccxt/package.json').version")
    if [[ $have != "$want" ]]; then
      (cd "$conf_here" && timeout 300 npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
    fi
  ) 9>"${TMPDIR:-/tmp}/xconn-conformance-npm.lock"
}

conf_sim_start() {
  local xconn=$1; shift
  mkfifo "$conf_tmp/out"
  "$xconn" sim --port-base 0 "$@" >"$conf_tmp/out" 2>"$conf_tmp/err" &
  conf_pid=$!
  exec 3<"$conf_tmp/out"
  if ! IFS= read -r -t 20 CONF_ENDPOINTS <&3; then
    echo "xconn sim printed no endpoints line"; cat "$conf_tmp/err"; return 1
  fi
  cat <&3 >/dev/null &   # never let the simulator block on a full pipe
  echo "endpoints: $CONF_ENDPOINTS"
}

conf_sim_stop() {
  [[ -n $conf_pid ]] || return 0
  kill -TERM "$conf_pid" 2>/dev/null || true
  local st=0
  for _ in $(seq 100); do kill -0 "$conf_pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$conf_pid" 2>/dev/null; then
    echo "simulator did not stop on SIGTERM"; st=1
  else
    wait "$conf_pid" || st=$?
    [[ $st -eq 0 ]] || echo "simulator exited with status $st"
  fi
  conf_pid=
  return $st
}

conf_finish() {
  local rc=$1
  # a clean shutdown is part of every test (sanitizer reports and aborts show up here)
  conf_sim_stop || rc=1
  if [[ $rc -ne 0 ]]; then echo "--- simulator stderr (tail)"; tail -40 "$conf_tmp/err"; fi
  exit "$rc"
}
