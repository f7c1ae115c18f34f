#!/usr/bin/env bash
# Smoke test of billtap-sandbox --provider paddle by plain curl + jq: bearer auth and its
# refusals (403 authentication_missing, authentication_malformed, invalid_token), the
# Paddle-Version header, per_page limits per list with Paddle's error envelope and
# meta.request_id, parameters refused, after= paging on has_more (every customer once,
# equal to the truth's ids; next on every page), the active-only default of customers and
# prices, the time filters of transactions, the 429 body with Retry-After, an injected
# fault's body, the refused module faults, and a clean exit on SIGTERM.
#
# usage: smoke.sh path/to/billtap-sandbox
set -u -o pipefail

BIN=${1:?usage: smoke.sh SANDBOX_BINARY}
NAME=smoke-paddle
. "$(dirname "$0")/../../../../tests/sandbox/sandbox_test_lib.sh"
KEY=pdl_sdbx_apikey_01sandboxkey

# run NAME ARGS...: the shared start() with the module and a truth directory; sets URL and
# PID.
run() {
    local name=$1
    shift
    start "$name" --provider paddle --truth "$WORK/$name" "$@"
    local url="URL_$name"
    URL=${!url}
    PID=${PIDS[-1]}
}

# stop PID: SIGTERM, must exit 0 (sanitizer reports make it fail).
stop() {
    kill -TERM "$1"
    wait "$1"
    local rc=$?
    check "SIGTERM: exit 0" test "$rc" -eq 0
}

# get OUT PATH [CURL ARGS...]: the answer's body in OUT, its status in OUT.status
get() {
    local out=$1 path=$2
    shift 2
    curl -s -o "$out" -D "$out.headers" -w '%{http_code}' "$@" "$URL$path" >"$out.status"
}
status_is() { [ "$(cat "$1.status")" = "$2" ]; }
envelope() { # envelope FILE STATUS TYPE CODE: Paddle's error object, with its request id
    [ "$(cat "$1.status")" = "$2" ] && jq -e --arg t "$3" --arg c "$4" \
        '.error.type == $t and .error.code == $c and (.error.detail | type) == "string" and
         (.error.documentation_url | endswith($c)) and (.meta.request_id | length) == 36' "$1"
}
AUTH=(-H "Authorization: Bearer $KEY")

run main --seed 3 --scale 300 --rate-limit 0
B=$WORK/r

# ---------------------------------------------------------------- authentication
get "$B.1" /customers
check "no Authorization: 403 authentication_missing" envelope "$B.1" 403 request_error authentication_missing
get "$B.2" /customers -u "$KEY:"
check "Basic auth: 403 authentication_malformed" envelope "$B.2" 403 request_error authentication_malformed
get "$B.3" /customers -H "Authorization: Bearer wrong_key"
check "a wrong key: 403 invalid_token" envelope "$B.3" 403 request_error invalid_token
get "$B.4" /customers "${AUTH[@]}" -H "Paddle-Version: 2"
check "Paddle-Version 2: 400" envelope "$B.4" 400 request_error bad_request
get "$B.5" /customers "${AUTH[@]}"
check "no Paddle-Version: the account's default, 200" status_is "$B.5" 200
get "$B.6" /customers "${AUTH[@]}" -H "Paddle-Version: 1"
check "Paddle-Version 1: 200" status_is "$B.6" 200

# ---------------------------------------------------------------- parameters
for bad in per_page=0 per_page=201 per_page=ten; do
    get "$B.l" "/customers?$bad" "${AUTH[@]}"
    check "customers $bad: 400 naming per_page" bash -c "[ \$(cat '$B.l.status') = 400 ] && jq -e '.error.errors[0].field == \"per_page\"' '$B.l'"
done
check "per_page: the error envelope" envelope "$B.l" 400 request_error invalid_field
get "$B.t" "/transactions?per_page=31" "${AUTH[@]}"
check "transactions per_page=31: 400 (30 at most)" envelope "$B.t" 400 request_error invalid_field
get "$B.t2" "/transactions?per_page=30" "${AUTH[@]}"
check "transactions per_page=30: 200" status_is "$B.t2" 200
get "$B.a" "/adjustments?per_page=51" "${AUTH[@]}"
check "adjustments per_page=51: 400 (50 at most)" status_is "$B.a" 400
get "$B.u" "/customers?colour=blue" "${AUTH[@]}"
check "an unknown parameter: 400" envelope "$B.u" 400 request_error bad_request
get "$B.x" "/customers?after=sub_01abc" "${AUTH[@]}"
check "after: an id of another kind: 400" status_is "$B.x" 400
get "$B.n" "/nowhere" "${AUTH[@]}"
check "an unknown path: 404 not_found" envelope "$B.n" 404 request_error not_found
get "$B.d" "/customers" "${AUTH[@]}"
check "per_page defaults to 50, newest first" jq -e '(.data | length) == 50 and .data[0].id > .data[49].id' "$B.d"
check "the default is active customers only" jq -e 'all(.data[]; .status == "active")' "$B.d"

# ---------------------------------------------------------------- paging
ids=$WORK/ids
: >"$ids"
after="" pages=0
while :; do
    get "$B.p" "/customers?per_page=37&order_by=id%5BASC%5D&status=active,archived${after:+&after=$after}" "${AUTH[@]}"
    status_is "$B.p" 200 || { fail "page $pages: HTTP $(cat "$B.p.status")"; break; }
    jq -r '.data[].id' "$B.p" >>"$ids"
    jq -e '(.meta.pagination.next | type) == "string"' "$B.p" >/dev/null || fail "page $pages: no next"
    pages=$((pages + 1))
    [ "$(jq -r .meta.pagination.has_more "$B.p")" = true ] || break
    after=$(jq -r '.data[-1].id' "$B.p")
    [ "$pages" -lt 100 ] || { fail "paging does not end"; break; }
done
check "after= paging: every customer once, the truth's ids" \
    cmp <(LC_ALL=C sort "$ids") <(jq -r .id "$WORK/main/customers.jsonl" | LC_ALL=C sort)
check "the last page still has next, has_more false" jq -e '.meta.pagination.has_more == false and (.meta.pagination.next | contains("after="))' "$B.p"
get "$B.ar" "/customers?per_page=200&status=archived" "${AUTH[@]}"
check "status=archived lists archived customers" jq -e '(.data | length) > 0 and all(.data[]; .status == "archived")' "$B.ar"
get "$B.pr" "/prices?per_page=200&recurring=false&include=product" "${AUTH[@]}"
check "recurring=false: one-time prices, with their product" jq -e 'all(.data[]; .billing_cycle == null and (.product.id | startswith("pro_")))' "$B.pr"
get "$B.tx" "/transactions?per_page=30&created_at%5BGTE%5D=2025-06-01T00:00:00Z" "${AUTH[@]}"
check "created_at[GTE]: only transactions created since" jq -e '(.data | length) > 0 and all(.data[]; .created_at >= "2025-06-01")' "$B.tx"
get "$B.tb" "/transactions?created_at%5BGTE%5D=yesterday" "${AUTH[@]}"
check "a time that is not RFC 3339: 400" status_is "$B.tb" 400
check "amounts are integer strings" jq -e 'all(.data[]; .details.totals.total | test("^-?[0-9]+$"))' "$B.tx"
get "$B.pi" "/prices?per_page=200&status=active,archived&include=product" "${AUTH[@]}"
pro=$(jq -r '.data[0].product_id' "$B.pi")
pri=$(jq -r '[.data[0].id, .data[-1].id] | join(",")' "$B.pi")
get "$B.pp" "/prices?per_page=200&status=active,archived&product_id=$pro" "${AUTH[@]}"
check "product_id=: that product's prices, all of them" jq -e --arg p "$pro" --argjson n \
    "$(jq --arg p "$pro" '[.data[] | select(.product_id == $p)] | length' "$B.pi")" \
    '(.data | length) == $n and all(.data[]; .product_id == $p)' "$B.pp"
get "$B.pd" "/prices?per_page=200&status=active,archived&id=$pri" "${AUTH[@]}"
check "id=: the prices named" jq -e --arg i "$pri" '[.data[].id] | sort == ($i | split(",") | sort)' "$B.pd"
get "$B.pb" "/prices?id=ctm_01abc" "${AUTH[@]}"
check "id=: an id of another kind: 400 naming id" jq -e '.error.errors[0].field == "id"' "$B.pb"

# ---------------------------------------------------------------- events
get "$B.e" /events "${AUTH[@]}"
check "events: 50 by default, newest first, Paddle's event shape" jq -e '(.data | length) == 50 and
    .data[0].event_id > .data[49].event_id and all(.data[]; (.event_id | startswith("evt_")) and
    (.event_type | test("^[a-z_]+[.][a-z_]+$")) and (.occurred_at | endswith("Z")) and (.data.id | type) == "string")' "$B.e"
get "$B.e1" "/events?per_page=500" "${AUTH[@]}"
check "events per_page above 200: 200 (Paddle's maximum)" jq -e '.meta.pagination.per_page == 200 and
    (.data | length) == ([200, .meta.pagination.estimated_total] | min) and (.data | length) > 50' "$B.e1"
for bad in per_page=0 event_type=customer.deleted order_by=occurred_at%5BASC%5D after=ctm_01abc colour=blue; do
    get "$B.eb" "/events?$bad" "${AUTH[@]}"
    check "events $bad: 400" bash -c "[ \$(cat '$B.eb.status') = 400 ] && jq -e '.error.code | type == \"string\"' '$B.eb'"
done
ids=$WORK/events
: >"$ids"
after="" pages=0
while :; do
    get "$B.ep" "/events?per_page=40&order_by=id%5BASC%5D&event_type=customer.created,customer.updated${after:+&after=$after}" "${AUTH[@]}"
    status_is "$B.ep" 200 || { fail "events page $pages: HTTP $(cat "$B.ep.status")"; break; }
    jq -r '.data[] | "\(.event_id) \(.event_type) \(.data.id)"' "$B.ep" >>"$ids"
    pages=$((pages + 1))
    [ "$(jq -r .meta.pagination.has_more "$B.ep")" = true ] || break
    after=$(jq -r '.data[-1].event_id' "$B.ep")
    [ "$pages" -lt 200 ] || { fail "events paging does not end"; break; }
done
check "events after= paging: oldest first, each once, all of estimated_total" bash -c \
    "cut -d' ' -f1 '$ids' | LC_ALL=C sort -c -u && [ \$(wc -l < '$ids') = \$(jq .meta.pagination.estimated_total '$B.ep') ]"
check "events event_type=: only those types, about customers" bash -c \
    "[ -s '$ids' ] && ! grep -v ' customer[.]\(created\|updated\) ctm_' '$ids'"
check "events: the last page still has next" jq -e '.meta.pagination.has_more == false and (.meta.pagination.next | contains("after="))' "$B.ep"
curl -sf -X POST "$URL/_sandbox/advance?days=91" >"$B.adv"
get "$B.er" "/events?per_page=200&order_by=id%5BASC%5D" "${AUTH[@]}"
check "events: 90 days kept, none older" jq -e --argjson now "$(jq .now "$B.adv")" \
    '(.data | length) > 0 and all(.data[]; (.occurred_at | sub("[.][0-9]+";"") | fromdateiso8601) > $now - 90 * 86400)' "$B.er"
check "events: the advance's changes are events" jq -e '[.data[].event_type] | any(startswith("subscription."))' "$B.er"
stop "$PID"

# ---------------------------------------------------------------- rate limit and faults
run limited --scale 20 --rate-limit 2/60
get "$B.r1" /customers "${AUTH[@]}"
get "$B.r2" /customers "${AUTH[@]}"
get "$B.r3" /customers "${AUTH[@]}"
check "over the limit: 429 too_many_requests" envelope "$B.r3" 429 api_error too_many_requests
check "the 429 carries Retry-After" grep -qi '^Retry-After: 1' "$B.r3.headers"
stop "$PID"

run faults --scale 20 --rate-limit 0 --faults 503@1,500@2,echo@3
get "$B.f1" /customers "${AUTH[@]}"
check "503@1: service_unavailable" envelope "$B.f1" 503 api_error service_unavailable
get "$B.f2" /customers "${AUTH[@]}"
check "500@2: internal_error" envelope "$B.f2" 500 api_error internal_error
get "$B.f3" /customers "${AUTH[@]}"
check "echo@3: the credentials in the detail" jq -e --arg k "$KEY" '.error.detail | contains($k)' "$B.f3"
stop "$PID"

for spec in inflate@2:3 shrink@2:1 insert@2:3; do
    "$BIN" --provider paddle --port 0 --scale 20 --faults "$spec" >/dev/null 2>"$WORK/bad.err"
    rc=$?
    check "--faults $spec exits 2 naming it" bash -c "[ $rc = 2 ] && grep -qF -- \"'$spec'\" '$WORK/bad.err'"
done

if [ "$FAILURES" -gt 0 ]; then
    echo "$FAILURES check(s) failed" >&2
    exit 1
fi
echo "all checks passed"
