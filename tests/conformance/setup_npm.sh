#!/usr/bin/env bash
# ctest fixture: installs the pinned npm packages once before any conformance test runs.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
conf_npm_install
