#!/usr/bin/env bash
# Smoke test of billtap-sandbox --provider paypal: token flow and expiry, error bodies
# (401s, 404s, page limits, the 31-day and three-year rules, RESULTSET_TOO_LARGE), the
# "+0000" times, a full extraction by plain curl + jq (products, plans, 31-day windows of
# Transaction Search with fields=all&balance_affecting_records_only=N, each referenced
# subscription with fields=plan) compared with the truth files, rows sharing a
# transaction id (also across a page boundary), hidden subscriptions, the burst day, the
# rate limiter, injected faults, and a clean exit on SIGTERM.
#
# usage: smoke_paypal.sh path/to/billtap-sandbox
set -u -o pipefail

BIN=${1:?usage: smoke_paypal.sh SANDBOX_BINARY}
CID=sandbox-client
SECRET=sandbox-secret
NOW=1751284800                       # 2025-06-30T12:00:00Z, the dataset anchor
DAY=86400
HIST=$((NOW - 1095 * DAY))           # the oldest start_date Transaction Search accepts
CUTOFF=$((NOW - 3 * 3600))           # last_refreshed_datetime
PS=40                                # page size of the walk: many page boundaries
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sandbox-smoke-paypal.XXXXXX")
PIDS=()
FAILURES=0

cleanup() {
    for pid in "${PIDS[@]+"${PIDS[@]}"}"; do
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    done
    [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "FAIL: $*" >&2; FAILURES=$((FAILURES + 1)); }
pass() { echo "ok: $*"; }
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@" >"$WORK/check.out" 2>&1; then
        pass "$what"
    else
        fail "$what"
        head -n 20 "$WORK/check.out" | cut -c1-300 >&2
    fi
}
die() { echo "FATAL: $*" >&2; exit 1; }

command -v curl >/dev/null || die "curl not found"
command -v jq >/dev/null || die "jq not found"

iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }

# start NAME ARGS...: runs the sandbox, waits for its two lines, sets URL, SETTINGS, PID.
start() {
    local name=$1
    shift
    "$BIN" --provider paypal --port 0 --opt now="$NOW" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    PID=$!
    PIDS+=("$PID")
    for _ in $(seq 1 200); do
        [ -f "$WORK/$name.out" ] && [ "$(wc -l <"$WORK/$name.out")" -ge 2 ] && break
        kill -0 "$PID" 2>/dev/null || die "$name: sandbox exited early: $(cat "$WORK/$name.err")"
        sleep 0.05
    done
    local line
    line=$(head -n 1 "$WORK/$name.out")
    [[ "$line" =~ ^listening\ on\ http://127\.0\.0\.1:([0-9]+)$ ]] || die "$name: bad first line '$line'"
    URL="http://127.0.0.1:${BASH_REMATCH[1]}"
    SETTINGS=$(sed -n '2s/^settings: //p' "$WORK/$name.out")
}

# stop NAME PID: SIGTERM, must exit 0 (sanitizer reports make it fail).
stop() {
    kill -TERM "$2"
    wait "$2"
    local rc=$? keep=() p
    for p in "${PIDS[@]}"; do
        [ "$p" = "$2" ] || keep+=("$p")
    done
    PIDS=("${keep[@]+"${keep[@]}"}")
    check "$1: exit 0 on SIGTERM" [ "$rc" = 0 ]
}

# req FILE CURL-ARGS...: body into FILE, headers into FILE.h, prints the status code.
req() {
    local out=$1
    shift
    curl -sS -o "$out" -D "$out.h" -w '%{http_code}' "$@"
}
# token BASE-URL: a fresh access token (or the live one).
token() {
    curl -sS -u "$CID:$SECRET" -d grant_type=client_credentials "$1/v1/oauth2/token" | jq -r .access_token
}
# api FILE PATH-AND-QUERY [CURL-ARGS...]: GET on the main instance with the token.
api() {
    local out=$1 path=$2
    shift 2
    req "$out" -H "Authorization: Bearer $TOKEN" "$@" "$MAIN$path"
}
# search FILE START END [CURL-ARGS...]: Transaction Search between two Unix times.
search() {
    local out=$1 s=$2 e=$3
    shift 3
    req "$out" -G -H "Authorization: Bearer $TOKEN" --data-urlencode "start_date=$(iso "$s")" \
        --data-urlencode "end_date=$(iso "$e")" "$@" "$MAIN/v1/reporting/transactions"
}
# same A B: the two JSON-lines files hold the same values, whatever the order.
same() {
    diff <(jq -S -c . "$1" | LC_ALL=C sort) <(jq -S -c . "$2" | LC_ALL=C sort) | head -n 10
    [ "${PIPESTATUS[0]}" = 0 ]
}

# The normalization of docs/data-model.md "PayPal specifics", in jq.
cat >"$WORK/pp.jq" <<'EOF'
def exp($c): if ($c == "JPY" or $c == "HUF" or $c == "TWD") then 0 else 2 end;
def minor($v; $e):
  ($v | ltrimstr("-") | split(".")) as $p
  | if (($p[1] // "") | length) > $e then error("too many decimals: \($v)") else . end
  | ($p[0] | tonumber) * (if $e == 2 then 100 else 1 end)
    + (if $e == 0 then 0 else ((($p[1] // "") + "00")[0:$e] | tonumber) end);
def sminor($v; $e): (if ($v | startswith("-")) then -1 else 1 end) * minor($v; $e);
def ztime: sub("\\+0000$"; "Z");
# docs/providers/paypal.md "Transaction kinds from event codes"
def tkind($code; $neg):
  if $code == "T1107" then "refund" elif $code == "T1201" then "chargeback"
  else ($code | if test("^T[0-9]{4}$") then .[1:3] | tonumber else -1 end) as $g
  | if $g == 0 then (if $neg then "transfer" else "payment" end)
    elif $g == 1 then "fee" elif $g == 2 then "conversion" elif $g == 11 then "reversal"
    elif $g == 13 then "payment"
    elif ([4, 6, 17, 18] | index($g)) then "payout"
    elif ([3, 5, 7, 10, 16, 20, 22] | index($g)) then "transfer"
    elif ([8, 9, 12, 14, 15, 19, 21] | index($g)) then "adjustment"
    else "other" end end;
def customer_money: IN("payment", "refund", "reversal", "chargeback");
def norm_txn:
  .transaction_info as $t | (.payer_info // {}) as $p
  | $t.transaction_amount.value as $v | $t.transaction_amount.currency_code as $c
  | ($v | startswith("-")) as $neg
  | tkind($t.transaction_event_code; $neg) as $kind
  | {object: "transaction", id: $t.transaction_id,
     customer_id: (if ($kind | customer_money) then ($p.account_id // null) else null end),
     subscription_id: (if $t.paypal_reference_id_type == "SUB" then $t.paypal_reference_id else null end),
     invoice_id: ($t.invoice_id // null),
     kind: $kind,
     result: {"S": "succeeded", "V": "succeeded", "P": "pending", "D": "failed"}[$t.transaction_status],
     provider_status: $t.transaction_status, amount: minor($v; exp($c)), currency: $c,
     currency_exponent: exp($c), refunded_amount: null,
     parent_id: (if ($kind | IN("refund", "reversal", "chargeback")) and $t.paypal_reference_id_type == "TXN"
                 then $t.paypal_reference_id else null end),
     occurred_at: ($t.transaction_initiation_date | ztime),
     captured_amount: null,
     fee_amount: (if $t.fee_amount then -sminor($t.fee_amount.value; exp($c)) else null end),
     net_amount: (if $t.fee_amount then sminor($v; exp($c)) + sminor($t.fee_amount.value; exp($c))
                  else null end)};
def norm_sub:
  (.plan.billing_cycles[] | select(.tenure_type == "REGULAR") | .pricing_scheme.fixed_price) as $fp
  | {object: "subscription", id, customer_id: (.subscriber.payer_id // null),
     status: (if .status == "ACTIVE" and (.billing_info.failed_payments_count // 0) > 0 then "past_due"
              elif .status == "ACTIVE" and ([.billing_info.cycle_executions[]? | select(.cycles_completed > 0)
                   | .tenure_type] | index("TRIAL") != null and index("REGULAR") == null) then "trialing"
              else ({"ACTIVE": "active", "SUSPENDED": "paused", "CANCELLED": "canceled", "EXPIRED": "canceled",
                     "APPROVAL_PENDING": "pending", "APPROVED": "pending"}[.status] // "other") end),
     provider_status: .status, started_at: .start_time,
     current_period_start: (.billing_info.last_payment.time // null),
     current_period_end: (.billing_info.next_billing_time // null), trial_end: null,
     canceled_at: (if .status == "CANCELLED" then .status_update_time else null end),
     cancel_at_period_end: false, created_at: .create_time,
     trial_start: null, cancel_at: null, ended_at: null, paused: null, pause_behavior: null,
     resumes_at: null, discounts: null,
     items: [{object: "subscription_item", id: null, plan_id, quantity: ((.quantity // "1") | tonumber),
              amount: minor($fp.value; exp($fp.currency_code)), currency: $fp.currency_code,
              currency_exponent: exp($fp.currency_code), usage_type: null, amount_decimal: null,
              current_period_start: null, current_period_end: null}]};
def days($u): {"DAY": 1, "WEEK": 7, "MONTH": 30, "YEAR": 365}[$u];
def norm_plan($names):
  (.billing_cycles | map(select(.tenure_type == "REGULAR"))[0]) as $r
  | $r.pricing_scheme.fixed_price as $fp | exp($fp.currency_code) as $e
  | (.billing_cycles | map(select(.tenure_type == "TRIAL"))) as $tr
  | ($tr | map(select(((.pricing_scheme.fixed_price.value // "0") | minor(.; $e)) == 0))) as $free
  | ($tr | map(select(((.pricing_scheme.fixed_price.value // "0") | minor(.; $e)) > 0)) | first) as $paid
  | {object: "plan", id, name: (.name // $names[.product_id]), product_id, product_name: $names[.product_id],
     amount: minor($fp.value; $e), amount_decimal: (minor($fp.value; $e) | tostring),
     currency: $fp.currency_code,
     currency_exponent: $e, interval_unit: ($r.frequency.interval_unit | ascii_downcase),
     interval_count: $r.frequency.interval_count,
     total_cycles: (if $r.total_cycles > 0 then $r.total_cycles else null end),
     trial_days: (if ($free | length) == 0 then null
                  else ($free | map(.total_cycles * .frequency.interval_count * days(.frequency.interval_unit)) | add) end),
     trial_amount: (if $paid then minor($paid.pricing_scheme.fixed_price.value; $e) else null end),
     trial_cycles: (if $paid then $paid.total_cycles else null end),
     setup_fee: minor(.payment_preferences.setup_fee.value; $e),
     active: (.status == "ACTIVE"), created_at: .create_time,
     usage_type: null, tiers_mode: null, tiers: null,
     custom_amount: null, custom_amount_minimum: null, custom_amount_maximum: null,
     custom_amount_preset: null};
def pname: if . == null then null elif .alternate_full_name then .alternate_full_name
           elif (.given_name and .surname) then .given_name + " " + .surname else null end;
# subscriptions (sorted by id) before rows (search order); the first non-null value wins
def customers($subs; $rows):
  reduce (($subs[] | select(.subscriber.payer_id)
           | {id: .subscriber.payer_id, t: .create_time, email: .subscriber.email_address,
              name: (if .subscriber.name then .subscriber.name.given_name + " " + .subscriber.name.surname else null end),
              country: .subscriber.shipping_address.address.country_code}),
          ($rows[] | select(.payer_info.account_id and
                            (tkind(.transaction_info.transaction_event_code;
                                   .transaction_info.transaction_amount.value | startswith("-"))
                             | customer_money))
           | {id: .payer_info.account_id, t: (.transaction_info.transaction_initiation_date | ztime),
              email: .payer_info.email_address, name: (.payer_info.payer_name | pname),
              country: .payer_info.country_code})) as $e
    ({}; .[$e.id] |= (if . == null then {created: $e.t, email: $e.email, name: $e.name, country: $e.country}
                      else .created = ([.created, $e.t] | min) | .email //= $e.email | .name //= $e.name
                           | .country //= $e.country end))
  | to_entries
  | map({object: "customer", id: .key, email: .value.email, name: .value.name, country: .value.country,
         created_at: .value.created, deleted: false})[];
EOF
JQ=(jq -L "$WORK" -c)

# ---------------------------------------------------------------- main instance
start main --seed 7 --scale 300 --truth "$WORK/truth"
MAIN_PID=$PID
MAIN=$URL
pass "first line: listening on $MAIN"
check "second line: the settings a client needs (no limit by default: rate_limit=0)" [ "$SETTINGS" = "client_id=$CID client_secret=$SECRET base_url=$MAIN rate_limit=0" ]
T=$WORK/truth
for f in customers plans subscriptions transactions subscriptions_all customers_all; do
    check "truth $f.jsonl: valid JSON, sorted by id" \
        bash -c "jq -e . '$T/$f.jsonl' >/dev/null && jq -r .id '$T/$f.jsonl' | LC_ALL=C sort -c"
done
check "truth hidden_subscription_ids.txt: sorted, not empty" bash -c "[ -s '$T/hidden_subscription_ids.txt' ] && LC_ALL=C sort -c '$T/hidden_subscription_ids.txt'"
check "subscriptions_all = subscriptions + hidden" bash -c \
    "diff <(jq -r .id '$T/subscriptions_all.jsonl') <( (jq -r .id '$T/subscriptions.jsonl'; cat '$T/hidden_subscription_ids.txt') | LC_ALL=C sort)"

B=$WORK/b.json
# token flow ---------------------------------------------------------------
code=$(req "$B" -u "$CID:wrong" -d grant_type=client_credentials "$MAIN/v1/oauth2/token")
check "token: wrong secret is 401" [ "$code" = 401 ]
check "token: wrong secret body" jq -e '. == {"error":"invalid_client","error_description":"Client Authentication failed"}' "$B"
code=$(req "$B" -d grant_type=client_credentials "$MAIN/v1/oauth2/token")
check "token: no credentials is 401 invalid_client" bash -c "[ $code = 401 ] && jq -e '.error == \"invalid_client\"' '$B' >/dev/null"
code=$(req "$B" -u "$CID:$SECRET" -X POST "$MAIN/v1/oauth2/token")
check "token: no grant_type is 400" bash -c "[ $code = 400 ] && jq -e '. == {\"error\":\"unsupported_grant_type\",\"error_description\":\"Grant Type is NULL\"}' '$B' >/dev/null"
code=$(req "$B" -u "$CID:$SECRET" -d grant_type=password "$MAIN/v1/oauth2/token")
check "token: other grant_type is 400" bash -c "[ $code = 400 ] && jq -e '.error == \"unsupported_grant_type\" and .error_description == \"unsupported grant_type\"' '$B' >/dev/null"
code=$(req "$B" -u "$CID:$SECRET" -d grant_type=client_credentials "$MAIN/v1/oauth2/token")
check "token: 200" [ "$code" = 200 ]
check "token: body fields" jq -e '(keys == ["access_token","app_id","expires_in","nonce","scope","token_type"]) and .token_type == "Bearer" and (.access_token | startswith("A21AA")) and .expires_in == 32400 and (.app_id | startswith("APP-")) and (.scope | contains("https://uri.paypal.com/services/reporting/search/read"))' "$B"
TOKEN=$(jq -r .access_token "$B")
req "$B" -u "$CID:$SECRET" -d grant_type=client_credentials "$MAIN/v1/oauth2/token" >/dev/null
check "token: asked again, the live token comes back" jq -e --arg t "$TOKEN" '.access_token == $t and .expires_in <= 32400' "$B"

# authentication on the API -------------------------------------------------
AUTHFAIL='{"name":"AUTHENTICATION_FAILURE","message":"Authentication failed due to invalid authentication credentials or a missing Authorization header.","links":[{"href":"https://developer.paypal.com/docs/api/overview/#error","rel":"information_link"}]}'
code=$(req "$B" "$MAIN/v1/catalogs/products")
check "API without Authorization: 401 AUTHENTICATION_FAILURE" bash -c "[ $code = 401 ] && jq -e '. == $AUTHFAIL' '$B' >/dev/null"
code=$(req "$B" -u "$CID:$SECRET" "$MAIN/v1/catalogs/products")
check "API with Basic credentials: 401 AUTHENTICATION_FAILURE" bash -c "[ $code = 401 ] && jq -e '.name == \"AUTHENTICATION_FAILURE\"' '$B' >/dev/null"
code=$(req "$B" -H "Authorization: Bearer A21AAnotatoken" "$MAIN/v1/catalogs/products")
check "API with an unknown token: 401 invalid_token" bash -c "[ $code = 401 ] && jq -e '. == {\"error\":\"invalid_token\",\"error_description\":\"Access Token not found in cache\"}' '$B' >/dev/null"

# headers, 404s ---------------------------------------------------------------
code=$(api "$B" "/v1/billing/subscriptions/I-DOESNOTEXIST")
check "unknown subscription: 404" [ "$code" = 404 ]
check "unknown subscription: body" jq -e '.name == "RESOURCE_NOT_FOUND" and .message == "The specified resource does not exist." and .details == [{"issue":"INVALID_RESOURCE_ID","description":"Requested resource ID was not found."}] and .links[0].rel == "information_link"' "$B"
check "Paypal-Debug-Id: 13 hex digits" grep -Eqi '^paypal-debug-id: [0-9a-f]{13}'$'\r''?$' "$B.h"
check "Paypal-Debug-Id equals the body's debug_id" bash -c "grep -qi \"^paypal-debug-id: \$(jq -r .debug_id '$B')\" '$B.h'"
check "Content-Type application/json" grep -qi '^content-type: application/json' "$B.h"
d1=$(grep -i '^paypal-debug-id:' "$B.h")
api "$B" "/v1/billing/subscriptions/I-DOESNOTEXIST" >/dev/null
check "Paypal-Debug-Id unique per request" [ "$d1" != "$(grep -i '^paypal-debug-id:' "$B.h")" ]
code=$(api "$B" "/v1/nothing/here")
check "unknown URL: 404 RESOURCE_NOT_FOUND" bash -c "[ $code = 404 ] && jq -e '.name == \"RESOURCE_NOT_FOUND\" and (.debug_id | length) == 13' '$B' >/dev/null"
code=$(api "$B" "/v1/billing/plans" -X POST)
check "POST /v1/billing/plans: 404 (only reads are served)" [ "$code" = 404 ]
code=$(api "$B" "/v1/billing/plans/P-NOPE")
check "unknown plan: 404 INVALID_RESOURCE_ID" bash -c "[ $code = 404 ] && jq -e '.details[0].issue == \"INVALID_RESOURCE_ID\"' '$B' >/dev/null"

# page limits ------------------------------------------------------------------
for q in "page_size=21" "page_size=0" "page_size=abc" "page=0" "total_required=yes"; do
    field=${q%%=*}
    code=$(api "$B" "/v1/catalogs/products?$q")
    check "products $q: 400 INVALID_REQUEST on $field" bash -c "[ $code = 400 ] && jq -e --arg f '$field' '.name == \"INVALID_REQUEST\" and .message == \"Request is not well-formed, syntactically incorrect, or violates schema.\" and .details[0].field == \$f and .details[0].location == \"query\" and .details[0].issue == \"INVALID_PARAMETER_VALUE\"' '$B' >/dev/null"
done
code=$(api "$B" "/v1/billing/plans?page_size=21")
check "plans page_size=21: 400" bash -c "[ $code = 400 ] && jq -e '.details[0].field == \"page_size\"' '$B' >/dev/null"
code=$(api "$B" "/v1/billing/plans?page_size=20&page=1")
check "plans page_size=20: 200 without totals" bash -c "[ $code = 200 ] && jq -e 'has(\"total_items\") | not' '$B' >/dev/null"
code=$(search "$B" $((NOW - 30 * DAY)) $((NOW - 20 * DAY)) -d page_size=501)
check "search page_size=501: 400" bash -c "[ $code = 400 ] && jq -e '.details[0].field == \"page_size\" and .message == \"Invalid request - see details.\"' '$B' >/dev/null"
code=$(search "$B" $((NOW - 30 * DAY)) $((NOW - 20 * DAY)) -d page_size=500)
check "search page_size=500: 200" [ "$code" = 200 ]
code=$(search "$B" $((NOW - 30 * DAY)) $((NOW - 20 * DAY)) -d page_size=0)
check "search page_size=0: 400" [ "$code" = 400 ]

# Transaction Search rules ---------------------------------------------------------
code=$(req "$B" -G -H "Authorization: Bearer $TOKEN" --data-urlencode "end_date=$(iso $((NOW - DAY)))" "$MAIN/v1/reporting/transactions")
check "search without start_date: 400 on start_date" bash -c "[ $code = 400 ] && jq -e '.name == \"INVALID_REQUEST\" and .details[0].field == \"start_date\"' '$B' >/dev/null"
code=$(req "$B" -G -H "Authorization: Bearer $TOKEN" --data-urlencode "start_date=2025-06-01T00:00Z" --data-urlencode "end_date=2025-06-02T00:00:00Z" "$MAIN/v1/reporting/transactions")
check "search: start_date without seconds is 400" bash -c "[ $code = 400 ] && jq -e '.details[0].field == \"start_date\" and .details[0].value == \"2025-06-01T00:00Z\"' '$B' >/dev/null"
code=$(req "$B" -G -H "Authorization: Bearer $TOKEN" --data-urlencode "start_date=2025-06-01T00:00:00+0000" --data-urlencode "end_date=2025-06-02T00:00:00Z" "$MAIN/v1/reporting/transactions")
check "search: a +0000 offset in a query is 400 (the pattern wants +00:00)" [ "$code" = 400 ]
code=$(req "$B" -G -H "Authorization: Bearer $TOKEN" --data-urlencode "start_date=2025-06-01T02:00:00+02:00" --data-urlencode "end_date=2025-06-02T00:00:00Z" "$MAIN/v1/reporting/transactions")
check "search: +02:00 offset accepted, echoed in UTC" bash -c "[ $code = 200 ] && jq -e '.start_date == \"2025-06-01T00:00:00+0000\"' '$B' >/dev/null"
S=$((NOW - 60 * DAY))
code=$(search "$B" $S $((S + 31 * DAY + 1)))
check "search over 31 days + 1 s: 400" [ "$code" = 400 ]
check "31-day body (observed form)" jq -e --arg e "$(iso $((S + 31 * DAY + 1)))" '(del(.debug_id)) == {"name":"INVALID_REQUEST","message":"Invalid request - see details.","details":[{"field":"end_date","value":$e,"location":"query","issue":"Date range is greater than 31 days"}],"links":[]} and (.debug_id | length) == 13' "$B"
code=$(search "$B" $S $((S + 31 * DAY)))
check "search over exactly 31 days: 200" [ "$code" = 200 ]
code=$(search "$B" $((HIST - 1)) $((HIST + 10 * DAY)))
check "search from 1095 days + 1 s ago: 400" [ "$code" = 400 ]
check "three-year body" jq -e '(del(.debug_id)) == {"name":"INVALID_REQUEST","message":"Data for the given start date is not available.","details":[],"links":[]}' "$B"
code=$(search "$B" "$HIST" $((HIST + 10 * DAY)))
check "search from exactly 1095 days ago: 200" [ "$code" = 200 ]
code=$(search "$B" $((CUTOFF + 60)) $((NOW)))
check "search starting after last_refreshed_datetime: 400 no data" bash -c "[ $code = 400 ] && jq -e '.message == \"Data for the given start date is not available.\"' '$B' >/dev/null"
code=$(search "$B" $((NOW - 20 * DAY)) $((NOW - 10 * DAY)))
check "search: default fields are transaction_info only" jq -e '(.transaction_details | length) > 0 and all(.transaction_details[]; keys == ["transaction_info"])' "$B"
check "search: envelope and +0000 times" jq -e '(keys == ["account_number","end_date","last_refreshed_datetime","links","page","start_date","total_items","total_pages","transaction_details"]) and ([.start_date, .end_date, .last_refreshed_datetime, .transaction_details[].transaction_info.transaction_initiation_date, .transaction_details[].transaction_info.transaction_updated_date] | all(test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\+0000$"))) and .last_refreshed_datetime == "2025-06-30T09:00:00+0000" and .links[0].rel == "self"' "$B"

# full extraction -------------------------------------------------------------------
# products and their names
: >"$WORK/products.jsonl"
page=1
while :; do
    code=$(api "$B" "/v1/catalogs/products?page_size=20&page=$page&total_required=true")
    [ "$code" = 200 ] || { fail "products page $page: HTTP $code"; break; }
    jq -c '.products[]' "$B" >>"$WORK/products.jsonl"
    [ "$page" -ge "$(jq .total_pages "$B")" ] && break
    page=$((page + 1))
done
check "products list: summary fields only" jq -e -s 'length > 0 and all(.[]; (keys - ["description"]) == ["create_time","id","links","name"])' "$WORK/products.jsonl"
jq -s 'map({key: .id, value: .name}) | from_entries' "$WORK/products.jsonl" >"$WORK/names.json"

# plans: the list has no billing cycles, so each plan is read
: >"$WORK/plan_list.jsonl"
page=1
while :; do
    code=$(api "$B" "/v1/billing/plans?page_size=20&page=$page&total_required=true")
    [ "$code" = 200 ] || { fail "plans page $page: HTTP $code"; break; }
    jq -c '.plans[]' "$B" >>"$WORK/plan_list.jsonl"
    [ "$page" -ge "$(jq .total_pages "$B")" ] && break
    page=$((page + 1))
done
check "plans list: no billing_cycles (summary items)" jq -e -s 'length > 0 and all(.[]; has("billing_cycles") | not) and all(.[]; .usage_type == "LICENSED")' "$WORK/plan_list.jsonl"
check "plans list ids = truth plan ids" bash -c "diff <(jq -r .id '$WORK/plan_list.jsonl' | LC_ALL=C sort) <(jq -r .id '$T/plans.jsonl')"
api "$B" "/v1/billing/plans?page_size=3" -H "Prefer: return=representation" >/dev/null
check "plans list with Prefer: return=representation has billing_cycles" jq -e '.plans | length > 0 and all(.[]; has("billing_cycles"))' "$B"
: >"$WORK/plans.jsonl"
for id in $(jq -r .id "$WORK/plan_list.jsonl"); do
    api "$B" "/v1/billing/plans/$id" >/dev/null
    cat "$B" >>"$WORK/plans.jsonl"
    echo >>"$WORK/plans.jsonl"
done
"${JQ[@]}" --slurpfile names "$WORK/names.json" 'include "pp"; norm_plan($names[0])' "$WORK/plans.jsonl" >"$WORK/plans.norm" 2>"$WORK/plans.err"
check "plans: extraction = truth plans.jsonl" same "$WORK/plans.norm" "$T/plans.jsonl"
check "plans: HUF/JPY/TWD prices have no decimals" jq -e -s '[.[].billing_cycles[].pricing_scheme.fixed_price // empty | select(.currency_code | IN("HUF","JPY","TWD")) | .value | contains(".")] | any | not' "$WORK/plans.jsonl"
check "plans: trial cycles of days, weeks and months; free and paid" jq -e -s '[.[].billing_cycles[] | select(.tenure_type == "TRIAL")] | (map(.frequency.interval_unit) | unique) == ["DAY","MONTH","WEEK"] and any(has("pricing_scheme") | not) and any(has("pricing_scheme"))' "$WORK/plans.jsonl"
check "plans: CREATED, INACTIVE and ACTIVE" jq -e -s 'map(.status) | unique == ["ACTIVE","CREATED","INACTIVE"]' "$WORK/plans.jsonl"

# transactions: 31-day windows (both bounds inclusive, so each ends 1 s before the next)
: >"$WORK/rows.jsonl"
gpage=0
s=$HIST
windows=0
while [ "$s" -le "$CUTOFF" ]; do
    e=$((s + 31 * DAY - 1))
    [ "$e" -gt "$CUTOFF" ] && e=$CUTOFF
    page=1
    while :; do
        code=$(search "$B" "$s" "$e" -d fields=all -d balance_affecting_records_only=N -d page_size=$PS -d page=$page)
        [ "$code" = 200 ] || { fail "window $(iso "$s") page $page: HTTP $code"; break; }
        gpage=$((gpage + 1))
        jq -c --argjson p "$gpage" '.transaction_details[] | . + {_page: $p}' "$B" >>"$WORK/rows.jsonl"
        tp=$(jq .total_pages "$B")
        [ "$page" -ge "$tp" ] && break
        page=$((page + 1))
    done
    windows=$((windows + 1))
    s=$((e + 1))
done
pass "walked $windows windows, $gpage pages, $(wc -l <"$WORK/rows.jsonl") rows"
check "rows: every key of fields=all" jq -e -s 'all(.[]; (keys - ["_page"]) == ["auction_info","cart_info","incentive_info","payer_info","shipping_info","store_info","transaction_info"])' "$WORK/rows.jsonl"
check "rows: in search order (initiation date, then transaction id)" jq -e -s '[.[] | [.transaction_info.transaction_initiation_date, .transaction_info.transaction_id]] as $k | $k == ($k | sort)' "$WORK/rows.jsonl"
# of the rows sharing an id, the most settled (S/V, then P, then D; the first of equals)
"${JQ[@]}" -s 'include "pp";
  def rank: ({"S": 3, "V": 3, "P": 2, "D": 1}[.transaction_info.transaction_status] // 0);
  group_by(.transaction_info.transaction_id)
  | map(. as $g | ($g | map(rank) | max) as $m | first($g[] | select(rank == $m)) | norm_txn)[]' \
  "$WORK/rows.jsonl" >"$WORK/txn.norm"
check "transactions: extraction (most settled row per id) = truth transactions.jsonl" same "$WORK/txn.norm" "$T/transactions.jsonl"
check "rows sharing a transaction id exist (balance and non-balance affecting)" jq -e -s '[group_by(.transaction_info.transaction_id)[] | select(length > 1)] | length > 10' "$WORK/rows.jsonl"
check "some of them split across a page boundary" jq -e -s '[group_by(.transaction_info.transaction_id)[] | select(length > 1) | select((map(._page) | unique | length) > 1)] | length > 0' "$WORK/rows.jsonl"
check "amounts: PayPal decimals, refunds negative" jq -e -s 'all(.[].transaction_info.transaction_amount; if (.currency_code | IN("HUF","JPY","TWD")) then (.value | test("^-?[0-9]+$")) else (.value | test("^-?[0-9]+\\.[0-9]{2}$")) end) and ([.[].transaction_info | select(.transaction_event_code == "T1107") | .transaction_amount.value | startswith("-")] | all)' "$WORK/rows.jsonl"
check "rows: statuses S P D V; T0002 T0003 T0006 T1106 T1107 T1201, T0200 T0400 T0700" jq -e -s '(map(.transaction_info.transaction_status) | unique) == ["D","P","S","V"] and ((map(.transaction_info.transaction_event_code) | unique) - ["T0007"]) == ["T0002","T0003","T0006","T0200","T0400","T0700","T1106","T1107","T1201"]' "$WORK/rows.jsonl"
check "rows: payers without email, with an empty payer_name, guests without account" jq -e -s '(map(select(.payer_info.account_id and (.payer_info.email_address | not))) | length > 0) and (map(select(.payer_info.payer_name == {})) | length > 0) and (map(select(.payer_info.account_id | not)) | length > 0)' "$WORK/rows.jsonl"
# both bounds are inclusive: a window of one second holds the rows of that second
tx=$(jq -r -s '.[100].transaction_info.transaction_initiation_date' "$WORK/rows.jsonl")
txid=$(jq -r -s '.[100].transaction_info.transaction_id' "$WORK/rows.jsonl")
ts=$(date -u -d "${tx/+0000/Z}" +%s)
code=$(search "$B" "$ts" "$ts" -d balance_affecting_records_only=N)
check "bounds inclusive: start_date = end_date = a row's second finds it" bash -c "[ $code = 200 ] && jq -e --arg id '$txid' 'any(.transaction_details[]; .transaction_info.transaction_id == \$id)' '$B' >/dev/null"
code=$(search "$B" "$ts" $((ts + DAY)) -d balance_affecting_records_only=N -d transaction_id="$txid")
check "transaction_id filter" bash -c "[ $code = 200 ] && jq -e --arg id '$txid' '.total_items >= 1 and all(.transaction_details[]; .transaction_info.transaction_id == \$id)' '$B' >/dev/null"
# Y (the default) leaves out the non-balance-affecting rows: a window holding the third
# flash-sale day (now - 21 days), where every payment has a twin
s=$((NOW - 25 * DAY)); e=$((NOW - 15 * DAY))
search "$B" "$s" "$e" >/dev/null; ny=$(jq .total_items "$B")
search "$B" "$s" "$e" -d balance_affecting_records_only=N >/dev/null; nn=$(jq .total_items "$B")
check "balance_affecting_records_only=Y (default) leaves rows out ($ny < $nn)" [ "$ny" -lt "$nn" ]

# subscriptions: the ids the rows reference, each read with fields=plan
jq -r 'select(.transaction_info.paypal_reference_id_type == "SUB") | .transaction_info.paypal_reference_id' "$WORK/rows.jsonl" | LC_ALL=C sort -u >"$WORK/sub_ids.txt"
check "visible subscriptions = truth subscriptions ids" bash -c "diff '$WORK/sub_ids.txt' <(jq -r .id '$T/subscriptions.jsonl')"
fetch_subs() { # fetch_subs IDS-FILE OUT
    : >"$2"
    while read -r id; do
        code=$(api "$B" "/v1/billing/subscriptions/$id?fields=last_failed_payment,plan")
        [ "$code" = 200 ] || fail "subscription $id: HTTP $code"
        jq -c . "$B" >>"$2"
    done <"$1"
}
fetch_subs "$WORK/sub_ids.txt" "$WORK/subs.jsonl"
"${JQ[@]}" 'include "pp"; norm_sub' "$WORK/subs.jsonl" >"$WORK/subs.norm"
check "subscriptions: extraction = truth subscriptions.jsonl" same "$WORK/subs.norm" "$T/subscriptions.jsonl"
fetch_subs "$T/hidden_subscription_ids.txt" "$WORK/hidden.jsonl"
cat "$WORK/subs.jsonl" "$WORK/hidden.jsonl" | "${JQ[@]}" 'include "pp"; norm_sub' >"$WORK/subs_all.norm"
check "subscriptions with the hidden ids = truth subscriptions_all.jsonl" same "$WORK/subs_all.norm" "$T/subscriptions_all.jsonl"
check "hidden subscriptions: pending, approved, never charged or charged within the last 3 h" \
    jq -e -s --arg cut "$(iso "$CUTOFF")" 'all(.[]; .billing_info.last_payment == null or .billing_info.last_payment.time > $cut)' "$WORK/hidden.jsonl"
check "subscriptions: every status, quantity > 1, an overridden price" jq -e -s '((map(.status) | unique) == ["ACTIVE","APPROVAL_PENDING","APPROVED","CANCELLED","EXPIRED","SUSPENDED"]) and any(.quantity and (.quantity | tonumber) > 1) and any(.plan_overridden)' <(cat "$WORK/subs.jsonl" "$WORK/hidden.jsonl")
check "subscriptions: trialing and past_due among the normalized ones" jq -e -s 'map(.status) | index("trialing") != null and index("past_due") != null' "$WORK/subs_all.norm"
check "subscription times use Z" jq -e -s 'all(.[]; .create_time | test("Z$"))' "$WORK/subs.jsonl"

# customers: subscriptions first (id order), then rows (search order)
"${JQ[@]}" -n --slurpfile s "$WORK/subs.jsonl" --slurpfile r "$WORK/rows.jsonl" 'include "pp"; customers($s | sort_by(.id); $r)' >"$WORK/cust.norm"
check "customers: extraction = truth customers.jsonl" same "$WORK/cust.norm" "$T/customers.jsonl"
check "rows: the merchant's own money (withdrawals, conversions, a vendor paid and its funding)" \
    jq -e -s '[.[].transaction_info.transaction_event_code] as $c | ($c | index("T0400")) and ($c | index("T0200")) and ($c | index("T0700"))
      and any(.[]; .transaction_info.transaction_event_code == "T0003" and (.transaction_info.transaction_amount.value | startswith("-")) and .payer_info.account_id)' \
    "$WORK/rows.jsonl"
check "customers: no vendor the merchant paid" \
    jq -e -s 'all(.[]; (.email // "") | test("vendor") | not)' "$T/customers.jsonl"
cat "$WORK/subs.jsonl" "$WORK/hidden.jsonl" >"$WORK/subs_all.jsonl"
"${JQ[@]}" -n --slurpfile s "$WORK/subs_all.jsonl" --slurpfile r "$WORK/rows.jsonl" 'include "pp"; customers($s | sort_by(.id); $r)' >"$WORK/cust_all.norm"
check "customers with the hidden ids = truth customers_all.jsonl" same "$WORK/cust_all.norm" "$T/customers_all.jsonl"
check "customers: non-ASCII names, null emails" jq -e -s 'any(.name != null and (.name | test("[^\\u0000-\\u007f]"))) and any(.email == null)' "$T/customers.jsonl"

# the default rate limit for paypal is off: a quick burst is all 200
codes=$(for _ in $(seq 1 30); do api /dev/null "/v1/catalogs/products?page_size=1"; echo; done | sort -u | tr '\n' ' ')
check "no rate limit by default (30 quick requests: $codes)" [ "$codes" = "200 " ]
stop main "$MAIN_PID"

# ---------------------------------------------------------------- module options
for bad in "client_id=a:b" "client_secret=" "token_ttl=0" "now=5" "burst_rows=x" "nope=1"; do
    "$BIN" --provider paypal --port 0 --opt "$bad" >/dev/null 2>"$WORK/bad.err"
    rc=$?
    check "--opt $bad exits 2 naming ${bad%%=*}" bash -c "[ $rc = 2 ] && grep -qF -- '${bad%%=*}' '$WORK/bad.err'"
done
"$BIN" --provider paypal --port 0 --token-ttl 2 >/dev/null 2>"$WORK/bad.err"
rc=$?
check "the old --token-ttl flag exits 2" bash -c "[ $rc = 2 ] && grep -qF -- '--token-ttl' '$WORK/bad.err'"

# ---------------------------------------------------------------- token expiry
start ttl --seed 1 --scale 20 --opt token_ttl=2
TTL_PID=$PID
code=$(req "$B" -u "$CID:$SECRET" -d grant_type=client_credentials "$URL/v1/oauth2/token")
check "ttl: token with expires_in 2" bash -c "[ $code = 200 ] && jq -e '.expires_in == 2' '$B' >/dev/null"
T1=$(jq -r .access_token "$B")
code=$(req "$B" -H "Authorization: Bearer $T1" "$URL/v1/catalogs/products")
check "ttl: the token works" [ "$code" = 200 ]
sleep 3
code=$(req "$B" -H "Authorization: Bearer $T1" "$URL/v1/catalogs/products")
check "ttl: expired token is 401 invalid_token" bash -c "[ $code = 401 ] && jq -e '. == {\"error\":\"invalid_token\",\"error_description\":\"Access Token not found in cache\"}' '$B' >/dev/null"
T2=$(token "$URL")
code=$(req "$B" -H "Authorization: Bearer $T2" "$URL/v1/catalogs/products")
check "ttl: a new token, which works" bash -c "[ '$T2' != '$T1' ] && [ $code = 200 ]"
stop ttl "$TTL_PID"

# ---------------------------------------------------------------- burst day
start burst --seed 3 --scale 50 --opt burst_rows=12000
BURST_PID=$PID
SAVE_MAIN=$MAIN
MAIN=$URL
TOKEN=$(token "$URL")
BD=$(((NOW - 100 * DAY) / DAY * DAY))
MID=$((BD + DAY / 2))
HALF=$((31 * DAY / 2))
code=$(search "$B" $((MID - HALF)) $((MID + HALF)))
check "burst: the 31-day window around the burst day is 400" [ "$code" = 400 ]
check "burst: RESULTSET_TOO_LARGE body" jq -e '.name == "RESULTSET_TOO_LARGE" and .message == "Result set size is greater than the maximum limit. Change the filter criteria and try again." and .total_items > 10000 and .maximum_items == 10000 and (.debug_id | length) == 13' "$B"
big=$(jq .total_items "$B")
code1=$(search "$B" $((MID - HALF)) $((MID - 1)))
n1=$(jq .total_items "$B")
code2=$(search "$B" "$MID" $((MID + HALF)))
n2=$(jq .total_items "$B")
check "burst: the two halves answer 200 ($n1 + $n2 = $big)" bash -c "[ $code1 = 200 ] && [ $code2 = 200 ] && [ $((n1 + n2)) = $big ] && [ $n1 -le 10000 ] && [ $n2 -le 10000 ]"
MAIN=$SAVE_MAIN
stop burst "$BURST_PID"

# ---------------------------------------------------------------- rate limit
start rl --seed 1 --scale 20 --rate-limit 10/2   # 10 requests per 2 s, burst 10
RL_PID=$PID
TK=$(token "$URL")
rl_args=()
for i in $(seq 1 15); do
    rl_args+=(-o "$WORK/rl$i.json" "$URL/v1/catalogs/products?page_size=1")
done
# one curl, one connection: 15 requests well within a second
curl -sS -H "Authorization: Bearer $TK" -w '%{http_code}\n' "${rl_args[@]}" >"$WORK/rl.codes"
n429=$(grep -c 429 "$WORK/rl.codes")
check "rate limit 10/2: a burst of 15 gets 429s ($n429)" [ "$n429" -ge 5 ]
i429=$(grep -n 429 "$WORK/rl.codes" | head -n 1 | cut -d: -f1)
check "rate limit: RATE_LIMIT_REACHED body" jq -e '.name == "RATE_LIMIT_REACHED" and .message == "Too many requests. Blocked due to rate limiting." and (.debug_id | length) == 13' "$WORK/rl${i429:-0}.json"
sleep 1.5
code=$(req "$B" -H "Authorization: Bearer $TK" "$URL/v1/catalogs/products?page_size=1")
check "rate limit: recovers" [ "$code" = 200 ]
stop rl "$RL_PID"

# ---------------------------------------------------------------- faults
start faults --seed 1 --scale 20 --faults 500@2,drop@4,slow@5:300,503@6,429@7
F_PID=$PID
TK=$(token "$URL")                                  # request 1
code=$(req "$B" -H "Authorization: Bearer $TK" "$URL/v1/catalogs/products")   # 2
check "fault 500@2: INTERNAL_SERVER_ERROR" bash -c "[ $code = 500 ] && jq -e '.name == \"INTERNAL_SERVER_ERROR\" and .message == \"An internal server error occurred.\"' '$B' >/dev/null && grep -qi \"^paypal-debug-id: \$(jq -r .debug_id '$B')\" '$B.h'"
code=$(req "$B" -H "Authorization: Bearer $TK" "$URL/v1/catalogs/products")   # 3
check "request 3: 200" [ "$code" = 200 ]
curl -sS -o /dev/null -H "Authorization: Bearer $TK" "$URL/v1/catalogs/products" 2>/dev/null  # 4
check "fault drop@4: connection closed (curl exit 52)" [ $? = 52 ]
t0=$(date +%s%N)
code=$(req "$B" -H "Authorization: Bearer $TK" "$URL/v1/catalogs/products")   # 5
t1=$(date +%s%N)
check "fault slow@5:300: 200 after >= 300 ms" bash -c "[ $code = 200 ] && [ $(((t1 - t0) / 1000000)) -ge 300 ]"
code=$(req "$B" -H "Authorization: Bearer $TK" "$URL/v1/catalogs/products")   # 6
check "fault 503@6: SERVICE_UNAVAILABLE" bash -c "[ $code = 503 ] && jq -e '.name == \"SERVICE_UNAVAILABLE\"' '$B' >/dev/null"
code=$(req "$B" -H "Authorization: Bearer $TK" "$URL/v1/catalogs/products")   # 7
check "fault 429@7: RATE_LIMIT_REACHED" bash -c "[ $code = 429 ] && jq -e '.name == \"RATE_LIMIT_REACHED\"' '$B' >/dev/null"
stop faults "$F_PID"

# ---------------------------------------------------------------- credentials echoed, broken answers
# fetch FILE CURL-ARGS...: prints "STATUS BYTES CURL-EXIT MS"; body into FILE, headers FILE.h
fetch() {
    local out=$1 t0 w rc
    shift
    t0=$(date +%s%N)
    w=$(curl -s -o "$out" -D "$out.h" -w '%{http_code} %{size_download}' "$@")
    rc=$?
    echo "$w $rc $((($(date +%s%N) - t0) / 1000000))"
}
header() { grep -i "^$2:" "$1" | tr -d '\r' | sed 's/^[^:]*: *//'; }
start broken --seed 1 --scale 20 --faults echo@1,echo@3,echo@4:500,badjson@5,empty@6,cut@7,cutchunked@8:40,stall@9:1200,stall@10:500,stallclose@11:400,drip@12-13:3000
BR_PID=$PID
read -r code bytes rc ms < <(fetch "$B" -u "$CID:$SECRET" -d grant_type=client_credentials "$URL/v1/oauth2/token")   # 1
check "echo@1 on the token endpoint: 401 invalid_client holding the Basic credentials, decoded too" \
    bash -c "[ $code = 401 ] && jq -e '.error == \"invalid_client\" and .error_description == \"Client Authentication failed (Authorization: Basic $(printf '%s' "$CID:$SECRET" | base64); decoded: $CID:$SECRET)\"' '$B' >/dev/null"
TK=$(token "$URL")                                                                                     # 2
products=(-H "Authorization: Bearer $TK" "$URL/v1/catalogs/products?page_size=3")
read -r code bytes rc ms < <(fetch "$B" "${products[@]}")                                            # 3
check "echo@3: 401 invalid_token holding the bearer token" \
    bash -c "[ $code = 401 ] && jq -e '.error == \"invalid_token\" and .error_description == \"Access Token not found in cache (Authorization: Bearer $TK)\"' '$B' >/dev/null"
read -r code bytes rc ms < <(fetch "$B" "${products[@]}")                                            # 4
check "echo@4:500: INTERNAL_SERVER_ERROR holding the bearer token" \
    bash -c "[ $code = 500 ] && jq -e '.name == \"INTERNAL_SERVER_ERROR\" and (.message | endswith(\"(Authorization: Bearer $TK)\"))' '$B' >/dev/null"
read -r code bytes rc ms < <(fetch "$B" "${products[@]}")                                            # 5
check "badjson@5: 200, well framed ($bytes bytes = Content-Length), not JSON" \
    bash -c "[ $code = 200 ] && [ $rc = 0 ] && [ $bytes = '$(header "$B.h" content-length)' ] && ! jq . '$B' >/dev/null 2>&1"
read -r code bytes rc ms < <(fetch "$B" "${products[@]}")                                            # 6
check "empty@6: 200 with Content-Length 0" bash -c "[ $code = 200 ] && [ $bytes = 0 ] && [ '$(header "$B.h" content-length)' = 0 ]"
read -r code bytes rc ms < <(fetch "$B" "${products[@]}")                                            # 7
cl=$(header "$B.h" content-length)
check "cut@7: Content-Length $cl, half sent ($bytes), closed (curl exit 18)" bash -c "[ $code = 200 ] && [ $rc = 18 ] && [ $bytes = $((cl / 2)) ]"
read -r code bytes rc ms < <(fetch "$B" "${products[@]}")                                            # 8
check "cutchunked@8:40: chunked, 40 bytes, closed (curl exit 18)" \
    bash -c "[ $code = 200 ] && [ $rc = 18 ] && [ $bytes = 40 ] && [ '$(header "$B.h" transfer-encoding)' = chunked ]"
read -r code bytes rc ms < <(fetch "$B" --max-time 0.6 "${products[@]}")                             # 9
check "stall@9:1200: half the body, then silence (a 0.6 s deadline fires: curl exit 28)" \
    bash -c "[ $code = 200 ] && [ $rc = 28 ] && [ $bytes = $(($(header "$B.h" content-length) / 2)) ]"
read -r code bytes rc ms < <(fetch "$B" "${products[@]}")                                            # 10
check "stall@10:500: then the rest (${ms} ms)" bash -c "[ $code = 200 ] && [ $rc = 0 ] && [ $ms -ge 500 ] && jq -e '.products | length == 3' '$B' >/dev/null"
read -r code bytes rc ms < <(fetch "$B" "${products[@]}")                                            # 11
check "stallclose@11:400: half the body, 400 ms, closed (curl exit 18 after ${ms} ms)" \
    bash -c "[ $code = 200 ] && [ $rc = 18 ] && [ $ms -ge 400 ] && [ $bytes = $(($(header "$B.h" content-length) / 2)) ]"
read -r code bytes rc ms < <(fetch "$B" "${products[@]}")                                            # 12
check "drip@12:3000: $bytes bytes trickle in ${ms} ms" \
    bash -c "[ $code = 200 ] && [ $rc = 0 ] && [ $ms -ge $((bytes * 1000 / 3000 - 100)) ] && jq -e '.products | length == 3' '$B' >/dev/null"
read -r code bytes rc ms < <(fetch "$B" --max-time 0.15 "${products[@]}")                            # 13
check "drip@13:3000: still arriving at a 0.15 s deadline ($bytes of $(header "$B.h" content-length) bytes: curl exit 28)" \
    bash -c "[ $rc = 28 ] && [ $bytes -gt 0 ] && [ $bytes -lt $(header "$B.h" content-length) ]"
stop broken "$BR_PID"

# ---------------------------------------------------------------- lying lists, rows inserted during a run
# In the main instance's world: inflated and shrinking totals, a repeated page, and four
# rows (with four new payers) that reach Transaction Search from request 10 on.
start module --seed 7 --scale 300 --truth "$WORK/ins" --faults inflate@3-4:4,shrink@6:3,repeat@8,repeat@13,insert@10:4
MOD_PID=$PID
I=$WORK/ins
TK=$(token "$URL")                                                                                     # 1
ppget() { req "$1" -H "Authorization: Bearer $TK" "$URL$2"; }
ppsearch() { req "$1" -G -H "Authorization: Bearer $TK" --data-urlencode "start_date=$(iso "$2")" \
    --data-urlencode "end_date=$(iso "$3")" -d page_size="$4" -d page="$5" -d balance_affecting_records_only=N "$URL/v1/reporting/transactions"; }
ppget "$B.2" "/v1/catalogs/products?page_size=20&total_required=true" >/dev/null                      # 2
P=$(jq .total_pages "$B.2")
ppget "$B.3" "/v1/catalogs/products?page_size=20&total_required=true" >/dev/null                      # 3
check "inflate@3:4: total_pages $P + 4, total_items true, links up to the last false page" \
    jq -e --argjson p "$P" --slurpfile real "$B.2" '.total_pages == $p + 4 and .total_items == $real[0].total_items
      and any(.links[]; .rel == "next") and any(.links[]; .rel == "last" and (.href | test("page=\($p + 4)&")))' "$B.3"
code=$(ppget "$B.4" "/v1/catalogs/products?page_size=20&total_required=true&page=$((P + 1))")         # 4
check "inflate@4:4: page $((P + 1)) is empty, 200, and still says $((P + 4)) pages" \
    bash -c "[ $code = 200 ] && jq -e '.products == [] and .total_pages == $((P + 4)) and any(.links[]; .rel == \"next\")' '$B.4' >/dev/null"
W0=$((NOW - 40 * DAY)); W1=$((NOW - 10 * DAY))
ppsearch "$B.5" $W0 $W1 10 1 >/dev/null                                                                # 5
N5=$(jq .total_items "$B.5")
ppsearch "$B.6" $W0 $W1 10 2 >/dev/null                                                                # 6
check "shrink@6:3: page 2 says $N5 - 3 items and pages to match (page 1 said $N5)" \
    jq -e --argjson t "$N5" '.total_items == $t - 3 and .total_pages == (($t - 3 + 9) / 10 | floor) and (.transaction_details | length) == 10' "$B.6"
ppget "$B.7" "/v1/billing/plans?page_size=5&page=1" >/dev/null                                        # 7
ppget "$B.8" "/v1/billing/plans?page_size=5&page=2" >/dev/null                                        # 8
check "repeat@8: plans page 2 answers page 1 again, byte for byte" cmp -s "$B.7" "$B.8"
# insert: the first inserted row's window, pages of 10 rows; page 1 before, page 2 after
LC_ALL=C comm -13 <(jq -r .id "$I/transactions.jsonl") <(jq -r .id "$I/after/transactions.jsonl") >"$WORK/ins.rows"
t0=$(jq -r --arg id "$(head -n 1 "$WORK/ins.rows")" 'select(.id == $id) | .occurred_at' "$I/after/transactions.jsonl")
S0=$(($(date -u -d "$t0" +%s) - 60))
ppsearch "$B.9" $S0 $((S0 + 31 * DAY)) 10 1 >/dev/null                                                 # 9
ppsearch "$B.10" $S0 $((S0 + 31 * DAY)) 10 2 >/dev/null                                                # 10: inserted
ppsearch "$B.11" $S0 $((S0 + 31 * DAY)) 10 1 >/dev/null                                                # 11
check "insert@10:4: DIR/after is the main instance's truth, file for file" \
    bash -c "for f in customers customers_all plans subscriptions subscriptions_all transactions hidden_subscription_ids; do
                 e=jsonl; [ \$f = hidden_subscription_ids ] && e=txt; cmp -s '$I/after/'\$f.\$e '$T/'\$f.\$e || exit 1; done"
check "insert: DIR holds the state before: 4 transactions and 4 customers fewer, the rest the same" \
    bash -c "for f in customers customers_all transactions; do [ \$((\$(wc -l <'$I/after/'\$f.jsonl) - \$(wc -l <'$I/'\$f.jsonl))) = 4 ] &&
                 [ -z \"\$(LC_ALL=C comm -23 '$I/'\$f.jsonl '$I/after/'\$f.jsonl)\" ] || exit 1; done &&
             cmp -s '$I/subscriptions_all.jsonl' '$I/after/subscriptions_all.jsonl'"
check "insert: the 4 rows lie in different windows of the history" \
    bash -c "jq -r --slurpfile r <(jq -R . '$WORK/ins.rows') 'select(.id | IN(\$r[])) | .occurred_at[0:7]' '$I/after/transactions.jsonl' | sort -u | wc -l | grep -qx 4"
check "insert: page 1 before request 10 lacks the row, the window grows by one after" \
    bash -c "! grep -qF '$(head -n 1 "$WORK/ins.rows")' '$B.9' && [ \$(jq .total_items '$B.10') = \$((\$(jq .total_items '$B.9') + 1)) ] &&
             grep -qF '$(head -n 1 "$WORK/ins.rows")' '$B.11'"
check "insert: a page walk across the insert sees page 1's last row again first on page 2 (shifted, none lost)" \
    bash -c "[ \"\$(jq -c '.transaction_details[-1]' '$B.9')\" = \"\$(jq -c '.transaction_details[0]' '$B.10')\" ]"
W2=$((NOW - 70 * DAY))
ppsearch "$B.12" $W2 $((W2 + 20 * DAY)) 5 1 >/dev/null                                                 # 12
ppsearch "$B.13" $W2 $((W2 + 20 * DAY)) 5 2 >/dev/null                                                 # 13
check "repeat@13: search page 2 answers page 1 of its window again" \
    bash -c "cmp -s '$B.12' '$B.13' && jq -e '.page == 1 and .total_pages > 1' '$B.13' >/dev/null"
stop module "$MOD_PID"

# ---------------------------------------------------------------- bad fault specs
for spec in insert@2:100000 shrink@2 inflate@2:0 stall@2:100001 cutchunked@2:x repeat@2:1; do
    "$BIN" --provider paypal --port 0 --scale 20 --faults "$spec" >/dev/null 2>"$WORK/bad.err"
    rc=$?
    check "--faults $spec exits 2 naming it" bash -c "[ $rc = 2 ] && grep -qF -- \"'$spec'\" '$WORK/bad.err'"
done

if [ "$FAILURES" -gt 0 ]; then
    echo "$FAILURES check(s) failed" >&2
    exit 1
fi
echo "all checks passed"
