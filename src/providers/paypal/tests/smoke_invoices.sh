#!/usr/bin/env bash
# Smoke test of billtap-sandbox --provider paypal's Invoicing v2: authentication, the
# spec's parameter limits and error bodies (page 1..1000, page_size 1..100, fields, the
# search body), a walk of the list by plain curl + jq compared with the invoices truth,
# the search by creation date, and the collections a search returns only when asked.
#
# usage: smoke_invoices.sh path/to/billtap-sandbox
set -u -o pipefail

BIN=${1:?usage: smoke_invoices.sh SANDBOX_BINARY}
CID=sandbox-client
SECRET=sandbox-secret
NOW=1751284800 # 2025-06-30T12:00:00Z
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sandbox-smoke-ppinv.XXXXXX")
PID=
FAILURES=0

cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
    [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "FAIL: $*" >&2; FAILURES=$((FAILURES + 1)); }
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@" >"$WORK/check.out" 2>&1; then
        echo "ok: $what"
    else
        fail "$what"
        head -n 20 "$WORK/check.out" | cut -c1-300 >&2
    fi
}
die() { echo "FATAL: $*" >&2; exit 1; }

command -v curl >/dev/null || die "curl not found"
command -v jq >/dev/null || die "jq not found"

"$BIN" --provider paypal --port 0 --opt now="$NOW" --seed 7 --scale 300 --truth "$WORK/truth" \
    >"$WORK/out" 2>"$WORK/err" &
PID=$!
for _ in $(seq 1 200); do
    [ "$(wc -l <"$WORK/out")" -ge 2 ] && break
    kill -0 "$PID" 2>/dev/null || die "sandbox exited early: $(cat "$WORK/err")"
    sleep 0.05
done
[[ "$(head -n 1 "$WORK/out")" =~ ^listening\ on\ (http://127\.0\.0\.1:[0-9]+)$ ]] || die "bad first line"
URL=${BASH_REMATCH[1]}
TOKEN=$(curl -sS -u "$CID:$SECRET" -d grant_type=client_credentials "$URL/v1/oauth2/token" | jq -r .access_token)
B=$WORK/body

# get FILE QUERY: GET /v2/invoicing/invoices?QUERY, prints the status
get() {
    curl -sS -o "$1" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$URL/v2/invoicing/invoices?$2"
}
# search FILE QUERY BODY: POST /v2/invoicing/search-invoices?QUERY with BODY
search() {
    curl -sS -o "$1" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
        --data-binary "$3" "$URL/v2/invoicing/search-invoices?$2"
}
# error CODE ISSUE FIELD: the last body is a 400 of the spec's error_400 with that detail
error() {
    [ "$1" = 400 ] && jq -e --arg issue "$2" --arg field "$3" \
        '.name == "INVALID_REQUEST" and (.debug_id | length) == 13 and .details[0].issue == $issue
         and .details[0].field == $field and (.links[0].href | endswith($issue))' "$B" >/dev/null
}

code=$(curl -sS -o "$B" -w '%{http_code}' "$URL/v2/invoicing/invoices")
check "no token: 401" [ "$code" = 401 ]

code=$(get "$B" "page_size=101")
check "page_size 101: INVALID_INTEGER_MAX_VALUE" error "$code" INVALID_INTEGER_MAX_VALUE page_size
code=$(get "$B" "page_size=0")
check "page_size 0: INVALID_INTEGER_MIN_VALUE" error "$code" INVALID_INTEGER_MIN_VALUE page_size
code=$(get "$B" "page=1001")
check "page 1001: INVALID_INTEGER_MAX_VALUE" error "$code" INVALID_INTEGER_MAX_VALUE page
code=$(get "$B" "page=x")
check "page x: INVALID_PARAMETER_SYNTAX" error "$code" INVALID_PARAMETER_SYNTAX page
code=$(get "$B" "fields=some")
check "fields some: INVALID_PARAMETER_SYNTAX" error "$code" INVALID_PARAMETER_SYNTAX fields
code=$(get "$B" "total_required=yes")
check "total_required yes: INVALID_PARAMETER_SYNTAX" error "$code" INVALID_PARAMETER_SYNTAX total_required

code=$(get "$B" "")
check "defaults: 20 a page, no totals" \
    bash -c "[ $code = 200 ] && jq -e '(.items | length) == 20 and (has(\"total_pages\") | not)' '$B' >/dev/null"

# The whole list, 7 a page, equals the truth's ids and statuses.
: >"$WORK/ids"
page=1
while :; do
    code=$(get "$B.$page" "page=$page&page_size=7&total_required=true")
    [ "$code" = 200 ] || { fail "list page $page: HTTP $code"; break; }
    jq -r '.items[] | [.id, .status, .detail.invoice_number] | @tsv' "$B.$page" >>"$WORK/ids"
    pages=$(jq '.total_pages' "$B.$page")
    [ "$page" -ge "$pages" ] && break
    page=$((page + 1))
done
check "list: every invoice of the truth, once, with its status and number" \
    diff <(LC_ALL=C sort "$WORK/ids") \
    <(jq -r '[.id, .provider_status, .number] | @tsv' "$WORK/truth/invoices.jsonl" | LC_ALL=C sort)
check "list: totals" jq -e --argjson n "$(wc -l <"$WORK/truth/invoices.jsonl")" \
    '.total_items == $n and .total_pages == (($n + 6) / 7 | floor)' "$B.1"
check "list: money and dates in PayPal's shapes" jq -e \
    '[.items[] | .amount.value | test("^[0-9]+([.][0-9]{2})?$")] | all' "$B.1"

# Search: created within a range, collections only when named.
FROM=$(jq -r '.created_at' "$WORK/truth/invoices.jsonl" | sort | sed -n '10p')
TO=$(date -u -d "@$NOW" +%Y-%m-%dT%H:%M:%SZ)
want=$(jq -r --arg from "$FROM" 'select(.created_at >= $from) | .id' "$WORK/truth/invoices.jsonl" | wc -l)
code=$(search "$B" "page_size=100&total_required=true" \
    "{\"creation_date_range\":{\"start\":\"$FROM\",\"end\":\"$TO\"},\"fields\":[\"items\"]}")
check "search: the invoices created in the range" \
    bash -c "[ $code = 200 ] && jq -e --argjson n $want '.total_items == \$n and (.items | length) == ([\$n, 100] | min)' '$B' >/dev/null"
check "search: items when named, payments when not named absent" \
    jq -e '[.items[] | has("items") and (has("payments") | not)] | all' "$B"
code=$(search "$B" "" "{\"creation_date_range\":{\"start\":\"$FROM\",\"end\":\"$TO\"}}")
check "search: no collections unless named" bash -c "[ $code = 200 ] && jq -e '[.items[] | has(\"items\") | not] | all' '$B' >/dev/null"
code=$(search "$B" "" '{"status":["CANCELLED"]}')
check "search: by status" bash -c "[ $code = 200 ] && jq -e '[.items[] | .status == \"CANCELLED\"] | all' '$B' >/dev/null"

code=$(search "$B" "" '{"creation_date_range":')
check "search: malformed JSON" error "$code" MALFORMED_REQUEST_JSON creation_date_range
code=$(search "$B" "" '{"creation_date_range":{"start":"2025-01-01T00:00:00Z"}}')
check "search: end missing" error "$code" MISSING_REQUIRED_PARAMETER creation_date_range/end
code=$(search "$B" "" '{"creation_date_range":{"start":"2025-01-01","end":"2025-02-01T00:00:00Z"}}')
check "search: a date without a time" error "$code" INVALID_STRING_LENGTH creation_date_range/start
code=$(search "$B" "" '{"status":["PAID","SENT","DRAFT","UNPAID","CANCELLED","REFUNDED"]}')
check "search: six statuses" error "$code" INVALID_ARRAY_MAX_ITEMS status
code=$(search "$B" "" '{"status":["LOST"]}')
check "search: an unknown status" error "$code" INVALID_PARAMETER_SYNTAX status
code=$(search "$B" "" '{"memo":"x"}')
check "search: a filter this sandbox does not apply is refused, never ignored" \
    error "$code" UNSUPPORTED_BY_SANDBOX memo
code=$(search "$B" "" '{"colour":"red"}')
check "search: a member not in the spec" error "$code" INVALID_PARAMETER_SYNTAX colour
code=$(search "$B" "page_size=101" '{}')
check "search: page_size 101" error "$code" INVALID_INTEGER_MAX_VALUE page_size
code=$(curl -sS -o "$B" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$URL/v2/invoicing/search-invoices")
check "search: GET is not served" [ "$code" = 404 ]

kill -TERM "$PID"
wait "$PID"
rc=$?
PID=
check "exit 0 on SIGTERM" [ "$rc" = 0 ]

if [ "$FAILURES" -gt 0 ]; then
    echo "$FAILURES check(s) failed" >&2
    exit 1
fi
echo "all checks passed"
