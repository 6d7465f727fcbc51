#!/usr/bin/env bash
# xconn sign: reproduces every Binance documentation HMAC example (signing_binance.json), signs with
# Ed25519 and RSA keys made by the openssl CLI and checks the signatures with openssl, and checks
# usage/crypto errors (exit codes 2/1) never echo the secret.
set -euo pipefail
x=${1:?usage: test_sign.sh path/to/xconn}
shared=${XC_SHARED_DIR:?XC_SHARED_DIR not set}
vec="$shared/fixtures/vectors/signing_binance.json"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# --- HMAC vectors: (secret, payload, expected) triples of every HMAC record -----------------------
python3 - "$vec" >"$tmp/vectors" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["records"]:
    if r["algorithm"] == "HMAC-SHA256" and r.get("verifiable", True):
        print(r["id"]); print(r["secret"]); print(r["signature_payload"]); print(r["expected_signature"])
PY
n=0
while IFS= read -r id && IFS= read -r secret && IFS= read -r payload && IFS= read -r want; do
  got=$("$x" sign --secret "$secret" --payload "$payload")
  [[ "$got" == "$want" ]] || fail "$id: got $got want $want"
  # same through --secret-env and --payload-file
  printf '%s' "$payload" >"$tmp/payload"
  got=$(XC_TEST_SECRET="$secret" "$x" sign --secret-env XC_TEST_SECRET --payload-file "$tmp/payload")
  [[ "$got" == "$want" ]] || fail "$id (env/file): got $got want $want"
  n=$((n + 1))
done <"$tmp/vectors"
[[ $n -ge 9 ]] || fail "only $n HMAC vectors found"
echo "ok: $n Binance HMAC vectors"

# --secret-file strips one trailing newline (echo secret > file)
echo "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j" >"$tmp/secret"
got=$("$x" sign --secret-file "$tmp/secret" \
  --payload 'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559')
[[ "$got" == c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71 ]] || fail "secret-file: $got"
# Bybit WS auth string (bybit.md section 2, secret test-secret); --alg hmac and --secret=VALUE form
got=$("$x" sign --alg hmac --secret=test-secret --payload GET/realtime1662350400000)
[[ "$got" == f072aab6fa18cd774da998325df6cfc87c3ccf10d5722e6b43b570c5feaf6172 ]] || fail "bybit ws: $got"

# --- Ed25519 and RSA: keys from the openssl CLI, signatures checked by openssl -----------------
payload='symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=1&price=0.2&timestamp=1668481559918&recvWindow=5000'
printf '%s' "$payload" >"$tmp/msg"
openssl genpkey -algorithm ed25519 -out "$tmp/ed.pem" 2>/dev/null
openssl pkey -in "$tmp/ed.pem" -pubout -out "$tmp/ed.pub"
sig=$("$x" sign --alg ed25519 --key-file "$tmp/ed.pem" --payload "$payload")
[[ ${#sig} -eq 88 ]] || fail "ed25519 signature length ${#sig}"
printf '%s' "$sig" | openssl base64 -d -A >"$tmp/ed.sig"
openssl pkeyutl -verify -pubin -inkey "$tmp/ed.pub" -rawin -in "$tmp/msg" -sigfile "$tmp/ed.sig" >/dev/null \
  || fail "openssl rejects the ed25519 signature"
echo "ok: ed25519 verified by openssl pkeyutl"

openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:2048 -out "$tmp/rsa.pem" 2>/dev/null
openssl pkey -in "$tmp/rsa.pem" -pubout -out "$tmp/rsa.pub"
sig=$("$x" sign --alg rsa --key-file "$tmp/rsa.pem" --payload "$payload")
[[ ${#sig} -eq 344 ]] || fail "rsa signature length ${#sig}"
printf '%s' "$sig" | openssl base64 -d -A >"$tmp/rsa.sig"
openssl dgst -sha256 -verify "$tmp/rsa.pub" -signature "$tmp/rsa.sig" "$tmp/msg" >/dev/null \
  || fail "openssl rejects the rsa signature"
# PKCS#1 v1.5 is deterministic: openssl's own signature is the same bytes
openssl dgst -sha256 -sign "$tmp/rsa.pem" -out "$tmp/rsa.ref" "$tmp/msg"
cmp -s "$tmp/rsa.sig" "$tmp/rsa.ref" || fail "rsa signature differs from openssl dgst -sign"
echo "ok: rsa verified by openssl dgst -verify"

# --- errors --------------------------------------------------------------------------------------
secret=SuperSecretValue123456789
expect() { # expect CODE cmd...: exit code and a stderr without the secret
  local want=$1; shift
  set +e; "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?; set -e
  [[ $rc -eq $want ]] || fail "exit $rc (want $want): $*"
  ! grep -q "$secret" "$tmp/err" "$tmp/out" || fail "secret echoed by: $*"
  [[ -s "$tmp/err" ]] || fail "no message on stderr: $*"
}
expect 2 "$x" sign
expect 2 "$x" sign --secret "$secret"
expect 2 "$x" sign --payload p
expect 2 "$x" sign --secret "$secret" --payload p --alg md5
expect 2 "$x" sign --secret "$secret" --payload p --bogus
expect 2 "$x" sign --payload p "$secret"
expect 2 "$x" sign --secret "$secret" --secret-env HOME --payload p
expect 2 "$x" sign --secret "" --payload p
expect 2 "$x" sign --secret-env XC_SURELY_UNSET_VAR --payload p
expect 2 "$x" sign --secret "$secret" --payload-file "$tmp/does-not-exist"
expect 2 "$x" sign --alg ed25519 --payload p
expect 2 "$x" sign --alg ed25519 --key-file "$tmp/ed.pem" --secret "$secret" --payload p
expect 2 "$x" sign --alg rsa --key-file "$tmp/none.pem" --payload p
echo "not a key" >"$tmp/bad.pem"
expect 1 "$x" sign --alg ed25519 --key-file "$tmp/bad.pem" --payload p
expect 1 "$x" sign --alg rsa --key-file "$tmp/ed.pem" --payload p
expect 1 "$x" sign --alg ed25519 --key-file "$tmp/ed.pub" --payload p
"$x" sign --help | grep -q "usage: xconn sign" || fail "--help"
echo "ok: usage and crypto errors"
