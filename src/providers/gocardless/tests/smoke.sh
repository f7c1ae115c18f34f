#!/usr/bin/env bash
# Shell checks of the GoCardless sandbox module (curl + jq): the bearer token, the
# required GoCardless-Version header, limit 1-500, unknown parameters, cursors in
# meta.cursors, created_at filters, the error envelope and the rate-limit headers and 429;
# GET /events (resource_type, include only with it, action, cursors, linked objects) and
# GET /payments/ID.
# usage: smoke.sh path/to/billtap-sandbox
set -euo pipefail
bin=${1:?usage: smoke.sh SANDBOX_BINARY}
work=$(mktemp -d "${TMPDIR:-/tmp}/gocardless-smoke.XXXXXX")
coproc SB { exec "$bin" --provider gocardless --port 0 --seed 3 --scale 60 --rate-limit 0 --truth "$work"; }
pid=$SB_PID
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT
read -r line <&"${SB[0]}"
read -r settings <&"${SB[0]}"
url=${line#listening on }
token=$(tr ' ' '\n' <<<"${settings#settings: }" | sed -n 's/^access_token=//p')
[ -n "$token" ] || { echo "FAIL: no access_token in: $settings" >&2; exit 1; }
auth="Authorization: Bearer $token"
version='GoCardless-Version: 2015-07-06'
fail() { echo "FAIL: $*" >&2; exit 1; }
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
get() { curl -s -H "$auth" -H "$version" "$@"; }

[ "$(status -H "$version" "$url/customers")" = 401 ] || fail "no token: 401"
curl -s -H "Authorization: Bearer wrong" -H "$version" "$url/customers" |
  jq -e '.error.code == 401 and .error.errors[0].reason == "access_token_not_found"' > /dev/null ||
  fail "a wrong token: access_token_not_found"
curl -s -H "$auth" "$url/customers" |
  jq -e '.error.type == "invalid_api_usage" and .error.errors[0].reason == "missing_version_header"' \
  > /dev/null || fail "no version header: refused"
curl -s -H "$auth" -H 'GoCardless-Version: 2014-11-03' "$url/customers" |
  jq -e '.error.errors[0].reason == "version_not_found"' > /dev/null || fail "another version: refused"
get "$url/customers?limit=501" |
  jq -e '.error.type == "validation_failed" and .error.errors[0].field == "limit" and (.error.request_id | length) > 0' \
  > /dev/null || fail "limit 501: validation_failed naming limit, with a request id"
get "$url/customers?limit=0" | jq -e '.error.code == 422' > /dev/null || fail "limit 0: refused"
get "$url/customers?status=active" | jq -e '.error.errors[0].reason == "invalid_parameters"' > /dev/null ||
  fail "an unknown parameter: refused"
get "$url/customers?created_at%5Bafter%5D=2024-01-01T00:00:00Z" | jq -e '.error.code == 400' > /dev/null ||
  fail "created_at[after]: not a filter"
[ "$(status -H "$auth" -H "$version" "$url/plans")" = 404 ] || fail "no plans: 404"
page=$(get "$url/payments?limit=3")
echo "$page" | jq -e '(.payments | length) <= 3 and .meta.limit == 3 and .meta.cursors.before == null and
  (.meta.cursors.after | startswith("PM"))' > /dev/null || fail "a first page of payments: $page"
after=$(echo "$page" | jq -r .meta.cursors.after)
next=$(get "$url/payments?limit=3&after=$after")
last=$(echo "$page" | jq -r '.payments[-1].created_at')
echo "$next" | jq -e --arg a "$after" --arg last "$last" \
  '(.payments | length) >= 1 and all(.payments[]; .id != $a and .created_at <= $last)' > /dev/null ||
  fail "after reads the older payments"
# before= the second page's first record reads the records just newer than it: the first
# page's last ones
first2=$(echo "$next" | jq -r '.payments[0].id')
get "$url/payments?limit=2&before=$first2" | jq -e --argjson want "$(echo "$page" | jq '[.payments[-2:][].id]')" \
  '[.payments[].id] == $want' > /dev/null || fail "before reads the newer payments"
get "$url/payments?after=$after&before=$first2" | jq -e '.error.code == 400' > /dev/null ||
  fail "after and before together: refused"
get "$url/payments?after=CU0000000BOGUS" | jq -e '.error.errors[0].reason == "invalid_cursor"' > /dev/null ||
  fail "a cursor of another list: refused"
t=$(echo "$page" | jq -r '.payments[0].created_at')
get "$url/payments?limit=500&created_at%5Bgte%5D=$t" | jq -e --arg t "$t" \
  '(.payments | length) >= 1 and all(.payments[]; .created_at >= $t)' > /dev/null ||
  fail "created_at[gte] filters"
# Events: newest first, every type unless resource_type says; include needs resource_type
# and carries the events' objects as they are now in linked; cursors are event ids.
ev=$(get "$url/events?limit=50")
echo "$ev" | jq -e '(.events | length) >= 1 and ([.events[].created_at] == ([.events[].created_at] | sort | reverse))
  and all(.events[]; (.id | startswith("EV")) and (.links | length) == 1) and (.linked == null)' > /dev/null ||
  fail "events: newest first, one link each, no linked without include"
get "$url/events?include=payment" | jq -e '.error.code == 422 and .error.errors[0].field == "include"' > /dev/null ||
  fail "events: include without resource_type refused"
get "$url/events?resource_type=payments&include=bogus" | jq -e '.error.errors[0].field == "include"' > /dev/null ||
  fail "events: an include that is not a resource refused"
get "$url/events?resource_type=invoices" | jq -e '.error.errors[0].field == "resource_type"' > /dev/null ||
  fail "events: a resource_type GoCardless has not refused"
get "$url/events?payment=PM1" | jq -e '.error.errors[0].reason == "invalid_parameters"' > /dev/null ||
  fail "events: an unknown parameter refused"
get "$url/events?after=PM0000000BOGUS" | jq -e '.error.errors[0].reason == "invalid_cursor"' > /dev/null ||
  fail "events: a cursor that is not an event refused"
pe=$(get "$url/events?resource_type=payments&include=payment&limit=20")
echo "$pe" | jq -e 'all(.events[]; .resource_type == "payments") and
  ([.events[].links.payment] | unique) == ([.linked.payments[].id] | sort)' > /dev/null ||
  fail "events: resource_type filters, linked holds each event's payment once"
get "$url/events?resource_type=refunds&action=created&limit=500" |
  jq -e 'all(.events[]; .action == "created" and .resource_type == "refunds")' > /dev/null || fail "events: action filters"
eafter=$(echo "$ev" | jq -r '.events[2].id')
get "$url/events?limit=2&after=$eafter" | jq -e --argjson old "$(echo "$ev" | jq '[.events[3:5][].id]')" \
  '[.events[].id] == $old or (.events | length) < 2' > /dev/null || fail "events: after reads the older events"
et=$(echo "$ev" | jq -r '.events[0].created_at')
get "$url/events?limit=500&created_at%5Bgte%5D=$et&created_at%5Blte%5D=$et" | jq -e --arg t "$et" \
  '(.events | length) >= 1 and all(.events[]; .created_at == $t)' > /dev/null || fail "events: created_at bounds"
pid1=$(echo "$page" | jq -r '.payments[0].id')
get "$url/payments/$pid1" | jq -e --argjson p "$(echo "$page" | jq '.payments[0]')" '.payments == $p' > /dev/null ||
  fail "GET /payments/ID: the payment as listed"
get "$url/payments/PM0000000BOGUS" | jq -e '.error.code == 404 and .error.errors[0].reason == "resource_not_found"' \
  > /dev/null || fail "GET /payments/ID of no payment: 404"
get "$url/payments/$pid1?expand=x" | jq -e '.error.code == 400' > /dev/null || fail "GET /payments/ID takes no parameters"
hdr=$(curl -s -D - -o /dev/null -H "$auth" -H "$version" "$url/customers?limit=1" | tr -d '\r')
grep -qi '^RateLimit-Limit: 1000$' <<<"$hdr" || fail "RateLimit-Limit on every answer"
# The rate limit: a second sandbox holding the token to one request in ten minutes (a burst of
# one), so the second request in a row is refused.
coproc SB2 { exec "$bin" --provider gocardless --port 0 --seed 3 --scale 60 --rate-limit 1/600; }
pid2=$SB2_PID
trap 'kill "$pid" "$pid2" 2>/dev/null; wait "$pid" "$pid2" 2>/dev/null; rm -rf "$work"' EXIT
read -r line2 <&"${SB2[0]}"
url2=${line2#listening on }
curl -s -o /dev/null -H "$auth" -H "$version" "$url2/customers?limit=1"
hdr=$(curl -s -D - -o "$work/body" -H "$auth" -H "$version" "$url2/customers?limit=1" | tr -d '\r')
grep -q '^HTTP/1.1 429' <<<"$hdr" || fail "the rate limit: a 429"
grep -qi '^RateLimit-Remaining: 0$' <<<"$hdr" && grep -qi '^RateLimit-Reset: ' <<<"$hdr" ||
  fail "a 429 with RateLimit-Remaining and RateLimit-Reset"
jq -e '.error.errors[0].reason == "rate_limit_exceeded" and .error.code == 429' "$work/body" > /dev/null ||
  fail "a 429's body: rate_limit_exceeded"
echo "gocardless smoke: ok"
