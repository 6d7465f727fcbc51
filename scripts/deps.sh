#!/usr/bin/env bash
# Installs the Debian 12 packages that xconn's build, tests and demo need.
# Idempotent and quiet when everything is present. Uses apt-get as root, sudo otherwise,
# and prints the exact command when neither is possible.
set -euo pipefail

pkgs=(build-essential cmake pkg-config clang libclang-rt-14-dev
      libwebsockets-dev libwebsockets-evlib-uv libcurl4-openssl-dev libssl-dev libuv1-dev libjsmn-dev
      libcmocka-dev valgrind openssl nodejs npm)

missing=()
for p in "${pkgs[@]}"; do
  # nodejs/npm may come from another source (nodesource ships npm inside nodejs): accept the commands.
  case $p in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm)    command -v npm  >/dev/null 2>&1 && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
((${#missing[@]})) || exit 0

cmd=(apt-get install -y -q "${missing[@]}")
if [[ $(id -u) -eq 0 ]]; then
  sudo_=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo_=(sudo)
else
  echo "xconn: missing packages: ${missing[*]}" >&2
  echo "xconn: run as root:  apt-get update && ${cmd[*]}" >&2
  exit 1
fi
echo "xconn: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo_[@]}" apt-get update -q >/dev/null
"${sudo_[@]}" "${cmd[@]}" >/dev/null
