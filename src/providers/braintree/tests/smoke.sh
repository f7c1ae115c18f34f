#!/usr/bin/env bash
# Smoke test of billtap-sandbox --provider braintree by plain curl + jq: Basic auth with
# the public and private key and its refusals, the Braintree-Version header, the route, and
# the GraphQL request reader (syntax, unknown and unserved fields, arguments, variables
# and their values, selections, first and after) answering HTTP 200 with `errors` and a
# request id; endCursor paging (every customer once, the truth's ids, newest first), the
# createdAt filter, customers' paymentMethods; the XML gateway (plans, the two-step
# subscription search, its refusals: 401, 404, 426, 406, 405, 415, 422, the ids per fetch,
# the result cap); the 429 body with Retry-After, injected faults' bodies, the refused
# module faults, and a clean exit on SIGTERM.
#
# usage: smoke.sh path/to/billtap-sandbox
set -u -o pipefail

BIN=${1:?usage: smoke.sh SANDBOX_BINARY}
NAME=smoke-braintree
. "$(dirname "$0")/../../../../tests/sandbox/sandbox_test_lib.sh"
AUTH=sandbox_public_key:sandbox_private_key

# run NAME ARGS...: the shared start() with the module and a truth directory; sets URL and
# PID.
run() {
    local name=$1
    shift
    start "$name" --provider braintree --truth "$WORK/$name" "$@"
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

# post OUT BODY [CURL ARGS...]: POST /graphql; the body in OUT, the status in OUT.status
post() {
    local out=$1 body=$2
    shift 2
    curl -s -o "$out" -D "$out.headers" -w '%{http_code}' -H 'Content-Type: application/json' \
        -H 'Braintree-Version: 2019-01-01' -X POST --data-binary "$body" "$@" "$URL/graphql" >"$out.status"
}
# gql OUT QUERY VARIABLES: a GraphQL request with the keys
gql() { post "$1" "$(jq -cn --arg q "$2" --argjson v "$3" '{query: $q, variables: $v}')" -u "$AUTH"; }
status_is() { [ "$(cat "$1.status")" = "$2" ]; }
# graphql_error FILE STATUS CLASS PATTERN: Braintree's error shape with a request id
graphql_error() {
    status_is "$1" "$2" && jq -e --arg c "$3" --arg p "$4" \
        '(.errors | length) >= 1 and .errors[0].extensions.errorClass == $c and
         (.errors | any(.message | test($p))) and (.extensions.requestId | type) == "string" and
         (has("data") | not)' "$1"
}

Q='query S($input: CustomerSearchInput!, $first: Int, $after: String) { search { customers(input: $input, first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { cursor node { id legacyId createdAt } } } } }'

run main --seed 3 --scale 300
B=$WORK/r

# ---------------------------------------------------------------- authentication, route
post "$B.1" "{\"query\":\"{ search { customers(input: {}) { pageInfo { hasNextPage } } } }\"}"
check "no credentials: 401 AUTHENTICATION" graphql_error "$B.1" 401 AUTHENTICATION "credentials"
post "$B.2" '{}' -u sandbox_public_key:wrong
check "a wrong private key: 401" graphql_error "$B.2" 401 AUTHENTICATION "credentials"
post "$B.3" '{}' -H "Authorization: Bearer sandbox_private_key"
check "a Bearer token is not Basic auth: 401" status_is "$B.3" 401
curl -s -o "$B.4" -w '%{http_code}' -u "$AUTH" -H 'Content-Type: application/json' -X POST -d '{}' "$URL/graphql" >"$B.4.status"
check "no Braintree-Version: 400" graphql_error "$B.4" 400 VALIDATION "Braintree-Version"
curl -s -o "$B.5" -w '%{http_code}' -u "$AUTH" -H 'Braintree-Version: 2019-01-01' "$URL/graphql" >"$B.5.status"
check "GET: 405" status_is "$B.5" 405
curl -s -o "$B.6" -w '%{http_code}' -u "$AUTH" -H 'Braintree-Version: 2019-01-01' -X POST -d '{}' "$URL/nowhere" >"$B.6.status"
check "an unknown path: 404" status_is "$B.6" 404
post "$B.7" 'not json' -u "$AUTH"
check "a body that is not JSON: 400" graphql_error "$B.7" 400 VALIDATION "JSON object"

# ---------------------------------------------------------------- the GraphQL reader
gql "$B.g1" "${Q/legacyId/nickname}" '{"input":{}}'
check "an unknown field" graphql_error "$B.g1" 200 VALIDATION "Field 'nickname' doesn't exist on type 'Customer'"
gql "$B.g2" "${Q/legacyId/website}" '{"input":{}}'
check "a schema field the sandbox does not serve" graphql_error "$B.g2" 200 VALIDATION "'website' on type 'Customer' is not served"
gql "$B.g3" "${Q/after: \$after)/after: \$after, sort: 1)}" '{"input":{}}'
check "an unknown argument" graphql_error "$B.g3" 200 VALIDATION "doesn't accept argument 'sort'"
gql "$B.g4" 'query { search { customers(first: 2) { pageInfo { hasNextPage } } } }' '{}'
check "a missing required argument" graphql_error "$B.g4" 200 VALIDATION "missing required arguments: input"
gql "$B.g5" "${Q/\$first: Int/\$first: String}" '{"input":{},"first":"2"}'
check "a variable of another type than its argument" graphql_error "$B.g5" 200 VALIDATION "Type mismatch on variable \\\$first"
gql "$B.g6" "$Q" '{"input":{},"first":"2"}'
check "a variable value that is not an Int" graphql_error "$B.g6" 200 VALIDATION "Could not coerce value to Int"
gql "$B.g7" "$Q" '{"first":2}'
check "a non-null variable without a value" graphql_error "$B.g7" 200 VALIDATION "to not be null"
gql "$B.g8" "$Q" '{"input":{"colour":{"is":"blue"}}}'
check "an input field the type does not have" graphql_error "$B.g8" 200 VALIDATION "Field is not defined on CustomerSearchInput"
gql "$B.g9" "${Q/, \$after: String/, \$after: String, \$spare: Int}" '{"input":{}}'
check "a variable declared and not used" graphql_error "$B.g9" 200 VALIDATION "\\\$spare is declared .* not used"
gql "$B.g10" "${Q/after: \$after/after: \$later}" '{"input":{}}'
check "a variable used and not declared" graphql_error "$B.g10" 200 VALIDATION "\\\$later is used"
NESTED='createdAt { year }'
gql "$B.g11" "${Q/createdAt/$NESTED}" '{"input":{}}'
check "a selection on a scalar" graphql_error "$B.g11" 200 VALIDATION "Selections can't be made on scalars"
PAGE=' { hasNextPage endCursor }'
gql "$B.g12" "${Q/"$PAGE"/}" '{"input":{}}'
check "an object without a selection" graphql_error "$B.g12" 200 VALIDATION "Field must have selections"
gql "$B.g13" "${Q/\{ search/\{ search \{}" '{"input":{}}'
check "a syntax error" graphql_error "$B.g13" 200 VALIDATION "Parse error"
gql "$B.g14" 'mutation { deleteCustomer }' '{}'
check "a mutation" graphql_error "$B.g14" 200 VALIDATION "queries only"
for first in 0 51 -1; do
    gql "$B.f" "$Q" "{\"input\":{},\"first\":$first}"
    check "first=$first is refused" graphql_error "$B.f" 200 VALIDATION "'first'.*between 1 and 50"
done
gql "$B.c1" "$Q" '{"input":{},"after":"bm90LWEtY3Vyc29y"}'
check "an after that is not a cursor of the search" graphql_error "$B.c1" 200 VALIDATION "Invalid cursor"
gql "$B.c2" "$Q" '{"input":{},"first":3}'
cursor=$(jq -r '.data.search.customers.pageInfo.endCursor' "$B.c2")
QT='query T($input: TransactionSearchInput!, $after: String) { search { transactions(input: $input, after: $after) { pageInfo { hasNextPage } } } }'
gql "$B.c3" "$QT" "$(jq -cn --arg a "$cursor" '{input:{},after:$a}')"
check "a customers cursor does not page transactions" graphql_error "$B.c3" 200 VALIDATION "Invalid cursor for search.transactions"

# ---------------------------------------------------------------- paging and filters
check "a page holds first records and the fields asked, in order" \
    jq -e '(.data.search.customers.edges | length) == 3 and
           (.data.search.customers.edges[0].node | keys_unsorted) == ["id","legacyId","createdAt"]' "$B.c2"
ids=$WORK/ids
: >"$ids"
after=null pages=0
while :; do
    gql "$B.p" "$Q" "{\"input\":{},\"first\":37,\"after\":$after}"
    status_is "$B.p" 200 && jq -e 'has("errors") | not' "$B.p" >/dev/null || { fail "page $pages: $(head -c 300 "$B.p")"; break; }
    jq -r '.data.search.customers.edges[].node.id' "$B.p" >>"$ids"
    jq -r '.data.search.customers.edges[].node.createdAt' "$B.p" >>"$ids.times"
    pages=$((pages + 1))
    [ "$(jq -r '.data.search.customers.pageInfo.hasNextPage' "$B.p")" = true ] || break
    after=$(jq -c '.data.search.customers.pageInfo.endCursor' "$B.p")
    [ "$pages" -lt 100 ] || { fail "paging does not end"; break; }
done
check "endCursor paging: every listed customer once, the truth's ids" \
    cmp <(LC_ALL=C sort "$ids") <(jq -r .id "$WORK/main/customers.jsonl" | LC_ALL=C sort)
check "newest first: createdAt never goes up" bash -c "sort -r -c '$ids.times'"
since=$(sed -n 40p "$ids.times")
gql "$B.s" "$Q" "{\"input\":{\"createdAt\":{\"greaterThanOrEqualTo\":\"$since\"}},\"first\":50}"
check "createdAt.greaterThanOrEqualTo is inclusive" \
    jq -e --arg t "$since" '[.data.search.customers.edges[].node.createdAt] | (all(. >= $t) and any(. == $t))' "$B.s"
QP='query P($input: CustomerSearchInput!) { search { customers(input: $input, first: 50) { pageInfo { hasNextPage } edges { node { id paymentMethods(first: 1) { pageInfo { hasNextPage } edges { node { legacyId } } } } } } } }'
gql "$B.pm" "$QP" '{"input":{}}'
check "paymentMethods: first 1 of a customer's payment methods, hasNextPage when there are more" \
    jq -e '[.data.search.customers.edges[].node.paymentMethods] | all((.edges | length) == 1) and any(.pageInfo.hasNextPage)' "$B.pm"
gql "$B.pm2" "${QP/first: 1)/first: 1, after: \"x\")}" '{"input":{}}'
check "paymentMethods past the first page is refused" graphql_error "$B.pm2" 200 VALIDATION "first page of paymentMethods only"

# ---------------------------------------------------------------- the XML gateway
MERCHANT=$URL/merchants/sandbox_merchant
# gw OUT PATH [CURL ARGS...]: a gateway request with the keys, X-ApiVersion 6 and Accept XML
gw() {
    local out=$1 path=$2
    shift 2
    curl -s -o "$out" -D "$out.headers" -w '%{http_code}' -u "$AUTH" -H 'X-ApiVersion: 6' -H 'Accept: application/xml' \
        "$@" "$MERCHANT/$path" >"$out.status"
}
# search OUT WHAT XML: a subscription search with an XML body
search() { gw "$1" "subscriptions/$2" -H 'Content-Type: application/xml' -X POST --data-binary "$3"; }
xml_error() { status_is "$1" "$2" && grep -q "<api-error-response>" "$1" && grep -q -- "$3" "$1"; }
count() { grep -c "$2" "$1"; }

gw "$B.x1" plans
check "GET plans: every plan of the truth" bash -c "[ \"\$(grep -c '<plan>' '$B.x1')\" = \"\$(wc -l <'$WORK/main/plans.jsonl')\" ]"
check "plans: an array with typed members" grep -q '<plans type="array">' "$B.x1"
curl -s -o "$B.x2" -w '%{http_code}' -H 'X-ApiVersion: 6' "$MERCHANT/plans" >"$B.x2.status"
check "the gateway without keys: 401, no body" bash -c "[ \"\$(cat '$B.x2.status')\" = 401 ] && [ ! -s '$B.x2' ]"
curl -s -o "$B.x3" -w '%{http_code}' -u "$AUTH" -H 'X-ApiVersion: 6' -H 'Accept: application/xml' "$URL/merchants/other/plans" >"$B.x3.status"
check "another merchant id: 404" status_is "$B.x3" 404
curl -s -o "$B.x4" -w '%{http_code}' -u "$AUTH" -H 'Accept: application/xml' "$MERCHANT/plans" >"$B.x4.status"
check "no X-ApiVersion: 426" status_is "$B.x4" 426
curl -s -o "$B.x5" -w '%{http_code}' -u "$AUTH" -H 'X-ApiVersion: 5' -H 'Accept: application/xml' "$MERCHANT/plans" >"$B.x5.status"
check "an older X-ApiVersion: 426" status_is "$B.x5" 426
curl -s -o "$B.x6" -w '%{http_code}' -u "$AUTH" -H 'X-ApiVersion: 6' -H 'Accept: application/json' "$MERCHANT/plans" >"$B.x6.status"
check "an Accept without XML: 406" status_is "$B.x6" 406
gw "$B.x7" plans -X POST
check "POST plans: 405" status_is "$B.x7" 405
search "$B.s1" advanced_search_ids '<?xml version="1.0" encoding="UTF-8"?><search/>'
check "advanced_search_ids: every subscription's id, and the page size" \
    bash -c "[ \"\$(grep -c '<item>' '$B.s1')\" = \"\$(wc -l <'$WORK/main/subscriptions.jsonl')\" ] && grep -q '<page-size type=\"integer\">50</page-size>' '$B.s1'"
from=$(jq -r .created_at "$WORK/main/subscriptions.jsonl" | sort | sed -n 30p)
search "$B.s2" advanced_search_ids "<search><created-at><min type=\"datetime\">$from</min></created-at></search>"
check "created_at min is inclusive" bash -c "[ \"\$(grep -c '<item>' '$B.s2')\" = \"\$(jq -r .created_at '$WORK/main/subscriptions.jsonl' | awk -v t=$from '\$0 >= t' | wc -l)\" ]"
search "$B.s3" advanced_search_ids "<search><created-at><min type=\"datetime\">$from</min><max type=\"datetime\">$from</max></created-at></search>"
check "created_at min and max, both inclusive: the second itself" bash -c "[ \"\$(grep -c '<item>' '$B.s3')\" -ge 1 ]"
ids3=$(grep -o '<item>[^<]*</item>' "$B.s1" | head -3 | tr -d '\n')
search "$B.s4" advanced_search "<search><ids type=\"array\">$ids3</ids></search>"
check "advanced_search by ids: those records" bash -c "[ \"\$(grep -c '<subscription>' '$B.s4')\" = 3 ]"
many=$(grep -o '<item>[^<]*</item>' "$B.s1" | head -51 | tr -d '\n')
search "$B.s5" advanced_search "<search><ids type=\"array\">$many</ids></search>"
check "more ids than the page size: 422" xml_error "$B.s5" 422 "too many ids"
search "$B.s6" advanced_search_ids '<!DOCTYPE search [<!ENTITY x "y">]><search>&x;</search>'
check "a DTD: 422" xml_error "$B.s6" 422 "DOCTYPE"
search "$B.s7" advanced_search_ids '<search><colour>blue</colour></search>'
check "an unknown criterion: 422" xml_error "$B.s7" 422 "not a field of a subscription search: colour"
search "$B.s8" advanced_search_ids '<search><status type="array"><item>Active</item></status></search>'
check "a criterion the sandbox does not filter: 422" xml_error "$B.s8" 422 "does not filter subscriptions by: status"
search "$B.s9" advanced_search_ids '<search><created-at><min>yesterday</min></created-at></search>'
check "a bound that is not a datetime: 422" xml_error "$B.s9" 422 "must be a datetime"
search "$B.s10" advanced_search '<search/>'
check "advanced_search without ids: 422" xml_error "$B.s10" 422 "needs the ids"
search "$B.s11" advanced_search_ids '<search><ids type="array"><item>x</item>'
check "XML cut short: 422" xml_error "$B.s11" 422 "not valid XML"
gw "$B.s12" subscriptions/advanced_search_ids -X POST --data-binary '<search/>'
check "a search body not labelled XML: 415" status_is "$B.s12" 415
stop "$PID"

run capped --scale 300 --opt search_cap=10
MERCHANT=$URL/merchants/sandbox_merchant
search "$B.k1" advanced_search_ids '<search/>'
check "search_cap: at most that many ids" bash -c "[ \"\$(grep -c '<item>' '$B.k1')\" = 10 ]"
stop "$PID"

# ---------------------------------------------------------------- rate limit and faults
run limited --scale 20 --rate-limit 2/60
gql "$B.r1" "$Q" '{"input":{}}'
gql "$B.r2" "$Q" '{"input":{}}'
gql "$B.r3" "$Q" '{"input":{}}'
check "over the limit: 429 RESOURCE_LIMIT" graphql_error "$B.r3" 429 RESOURCE_LIMIT "Too many"
check "the 429 carries Retry-After" grep -qi '^Retry-After: 1' "$B.r3.headers"
MERCHANT=$URL/merchants/sandbox_merchant
gw "$B.r4" plans
check "the gateway over the limit: 429, Retry-After" bash -c "[ \"\$(cat '$B.r4.status')\" = 429 ] && grep -qi '^Retry-After: 1' '$B.r4.headers'"
stop "$PID"

run faults --scale 20 --faults 503@1,500@2,echo@3
gql "$B.f1" "$Q" '{"input":{}}'
check "503@1: SERVICE_AVAILABILITY" graphql_error "$B.f1" 503 SERVICE_AVAILABILITY "503"
gql "$B.f2" "$Q" '{"input":{}}'
check "500@2: INTERNAL" graphql_error "$B.f2" 500 INTERNAL "500"
gql "$B.f3" "$Q" '{"input":{}}'
check "echo@3: the credentials in the message" jq -e '.errors[0].message | test("decoded: sandbox_public_key:sandbox_private_key")' "$B.f3"
stop "$PID"
run gwfaults --scale 20 --faults 503@1,echo@2
MERCHANT=$URL/merchants/sandbox_merchant
gw "$B.f4" plans
check "503@1 on the gateway: an <api-error-response>" xml_error "$B.f4" 503 "injected HTTP 503"
gw "$B.f5" plans
check "echo@2 on the gateway: the credentials in the message" grep -q "decoded: sandbox_public_key:sandbox_private_key" "$B.f5"
stop "$PID"

for spec in inflate@2:3 shrink@2:1 insert@2:100000; do
    "$BIN" --provider braintree --port 0 --scale 20 --faults "$spec" >/dev/null 2>"$WORK/bad.err"
    rc=$?
    check "--faults $spec exits 2 naming it" bash -c "[ $rc = 2 ] && grep -qF -- \"'$spec'\" '$WORK/bad.err'"
done

if [ "$FAILURES" -gt 0 ]; then
    echo "$FAILURES check(s) failed" >&2
    exit 1
fi
echo "all checks passed"
