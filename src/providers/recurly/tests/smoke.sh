#!/usr/bin/env bash
# Shell checks of the Recurly sandbox module (curl + jq): auth, the Accept version, limit
# validation, next paths, HEAD counts, money as JSON numbers.
# usage: smoke.sh path/to/billtap-sandbox
set -euo pipefail
bin=${1:?usage: smoke.sh SANDBOX_BINARY}
work=$(mktemp -d "${TMPDIR:-/tmp}/recurly-smoke.XXXXXX")
coproc SB { exec "$bin" --provider recurly --port 0 --seed 3 --scale 60 --truth "$work"; }
pid=$SB_PID
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT
read -r line <&"${SB[0]}"
read -r settings <&"${SB[0]}"
url=${line#listening on }
key=$(tr ' ' '\n' <<<"${settings#settings: }" | sed -n 's/^api_key=//p')
[ -n "$key" ] || { echo "FAIL: no api_key in: $settings" >&2; exit 1; }
accept='Accept: application/vnd.recurly.v2021-02-25+json'
fail() { echo "FAIL: $*" >&2; exit 1; }
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

[ "$(status -H "$accept" "$url/accounts")" = 401 ] || fail "no key: 401"
[ "$(status -u wrong: -H "$accept" "$url/accounts")" = 401 ] || fail "a wrong key: 401"
[ "$(status -u "$key:" "$url/accounts")" = 406 ] || fail "no version: 406"
curl -s -u "$key:" -H 'Accept: application/vnd.recurly.v2019-10-10' "$url/accounts" |
  jq -e '.error.type == "invalid_api_version"' > /dev/null || fail "another version: invalid_api_version"
curl -s -u "$key:" -H "$accept" "$url/accounts?limit=201" |
  jq -e '.error.type == "bad_request" and .error.params[0].param == "limit"' > /dev/null ||
  fail "limit 201: bad_request naming limit"
page=$(curl -s -u "$key:" -H "$accept" "$url/accounts?limit=3&order=asc&sort=created_at")
echo "$page" | jq -e '.object == "list" and .has_more and (.data | length) <= 3' > /dev/null ||
  fail "a first page of accounts"
next=$(echo "$page" | jq -r .next)
case $next in /accounts\?cursor=*) ;; *) fail "next is a path with a cursor: $next" ;; esac
curl -s -u "$key:" -H "$accept" "$url$next" | jq -e '.object == "list"' > /dev/null || fail "next is followed"
total=$(curl -s -I -u "$key:" -H "$accept" "$url/plans" | tr -d '\r' | sed -n 's/^Recurly-Total-Records: //Ip')
[ -n "$total" ] && [ "$total" -gt 0 ] || fail "HEAD /plans counts the plans"
curl -s -u "$key:" -H "$accept" "$url/plans?limit=1" | jq -e '.data[0].currencies[0].unit_amount | type == "number"' \
  > /dev/null || fail "money as JSON numbers"
echo "recurly smoke: ok"
