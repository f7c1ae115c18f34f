#!/usr/bin/env bash
# Credentials echoed by a chatty server or proxy (the sandbox's echo@N fault puts the whole
# Authorization value, and a Basic pair decoded, into its error body) never reach the CLI's
# standard output, standard error, --output file or checkpoint file, in TAP. Stripe: the API
# key. PayPal: the client secret, the Basic value base64(client_id:secret) and the bearer
# token. Each case also checks that the echoed error itself was printed (scrubbed), so the
# test cannot pass by the echo not happening.
# Usage: cli_secrets_test.sh BILLTAP_CLI BILLTAP_SANDBOX
set -uo pipefail
cli=$1 sandbox_bin=$2

. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/sandbox.sh"

# leaks CASE NEEDLE...: the needles found in any file the CASE run left (stdout, stderr,
# output, checkpoint); prints them, succeeds when there is one.
leaks() {
  local c=$1 found=1 f needle; shift
  for f in "$work/$c".{out,err,jsonl,cp}; do
    [ -e "$f" ] || continue
    for needle in "$@"; do
      if grep -qF -- "$needle" "$f"; then echo "# $needle in ${f##*/}"; found=0; fi
    done
  done
  return $found
}

# secret_case NAME STATUS SAYS NEEDLES -- ARGS...: a run with ARGS exits STATUS, says SAYS on
# stderr, and leaves none of NEEDLES (space-separated) in any of its files.
secret_case() {
  local c=$1 want=$2 says=$3 needles=$4; shift 5
  "$cli" extract "$@" --output "$work/$c.jsonl" --checkpoint-file "$work/$c.cp" --verbose \
    > "$work/$c.out" 2> "$work/$c.err"
  local got=$?
  if [ "$got" -eq "$want" ] && grep -qF -- "$says" "$work/$c.err"; then
    ok "$c: exit $got, the echoed error printed: $says"
  else
    not_ok "$c: exit $got (want $want), stderr:" "$(cat "$work/$c.err")"
  fi
  # shellcheck disable=SC2086 # the needles are words
  if leaks "$c" $needles; then not_ok "$c: a secret was printed or written"; else
    ok "$c: no secret in stdout, stderr, output or checkpoint"; fi
}

stripe_key=sk_test_sandbox
export BILLTAP_STRIPE_API_KEY=$stripe_key
retry=(--set max_retries=1 --set retry_base_ms=1 --set retry_max_ms=5)

start_sandbox s401 --seed 5 --scale 60 --rate-limit 0 --faults 'echo@1'
secret_case stripe-401 3 'Invalid API Key provided: [redacted]' "$stripe_key" -- \
  --provider stripe --resource customers "${AT_s401[@]}"
# After some records and a checkpoint: the files hold data, and still no key.
start_sandbox s503 --seed 5 --scale 60 --rate-limit 0 --faults 'echo@3-100:503'
secret_case stripe-503 4 '(Authorization: Bearer [redacted])' "$stripe_key" -- \
  --provider stripe --resource customers "${AT_s503[@]}" --set page_size=10 \
  --checkpoint-every 5 "${retry[@]}"
check "stripe-503: records and a checkpoint were written before the echo" \
  test -s "$work/stripe-503.jsonl" -a -s "$work/stripe-503.cp"

# PayPal: the secret, its Basic value and the bearer tokens the sandbox issues ("A21AA...").
paypal_needles() {
  local v="SETTINGS_$1" id secret kv
  for kv in ${!v}; do
    case $kv in client_id=*) id=${kv#*=} ;; client_secret=*) secret=${kv#*=} ;; esac
  done
  echo "$secret $(printf '%s:%s' "$id" "$secret" | base64 -w0) A21AA"
}
start_sandbox ptoken --provider paypal --seed 5 --scale 60 --faults 'echo@1'
settings_file ptoken "$work/ptoken.settings"
secret_case paypal-token 3 'Client Authentication failed (Authorization: Basic [redacted]' \
  "$(paypal_needles ptoken)" -- \
  --provider paypal --resource plans --settings-file "$work/ptoken.settings"
start_sandbox pbearer --provider paypal --seed 5 --scale 60 --faults 'echo@2:403'
settings_file pbearer "$work/pbearer.settings"
secret_case paypal-bearer 3 '(Authorization: Bearer [redacted])' "$(paypal_needles pbearer)" -- \
  --provider paypal --resource plans --settings-file "$work/pbearer.settings"
start_sandbox p503 --provider paypal --seed 5 --scale 60 --faults 'echo@4-100:503'
settings_file p503 "$work/p503.settings"
secret_case paypal-503 4 '(Authorization: Bearer [redacted])' "$(paypal_needles p503)" -- \
  --provider paypal --resource transactions --settings-file "$work/p503.settings" \
  --set page_size=2 --set max_in_flight=1 --checkpoint-every 2 "${retry[@]}"
check "paypal-503: records and a checkpoint were written before the echo" \
  test -s "$work/paypal-503.jsonl" -a -s "$work/paypal-503.cp"

echo "1..$n"
[ "$failed" -eq 0 ]
