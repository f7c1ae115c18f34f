#!/usr/bin/env bash
# The world over time (tests/sandbox/README.md, "Advancing the world"): POST /_sandbox/advance is
# deterministic (same seed and advances, same truth), its changes.jsonl is exactly the
# diff of the truth files by id (recomputed here with jq), bad requests are refused,
# requests during advances are answered whole, and Stripe's Events API pages, filters and
# forgets events after 30 days as specified, in agreement with the truth diff.
#
# usage: advance_test.sh path/to/billtap-sandbox
set -u -o pipefail

BIN=${1:?usage: advance_test.sh SANDBOX_BINARY}
NAME=advance
. "$(dirname "$0")/sandbox_test_lib.sh"

advance() { # advance URL DAYS -> the JSON answer
    curl -s -X POST "$1/_sandbox/advance?days=$2"
}

# The diff of two truth directories by id, as changes.jsonl lines, sorted.
truth_diff() {
    local old=$1 new=$2 f res
    for f in "$new"/*.jsonl "$old"/*.jsonl; do
        [ -e "$f" ] || continue
        basename "$f"
    done | grep -v '^changes.jsonl$' | sort -u | while read -r f; do
        res=${f%.jsonl}
        jq -c --arg r "$res" '{id, line: tojson}' "$old/$f" 2>/dev/null | sort >"$WORK/a"
        jq -c --arg r "$res" '{id, line: tojson}' "$new/$f" 2>/dev/null | sort >"$WORK/b"
        jq -n -c --arg r "$res" --slurpfile a "$WORK/a" --slurpfile b "$WORK/b" '
            ($a | map({(.id): .line}) | add // {}) as $o
            | ($b | map({(.id): .line}) | add // {}) as $n
            | ($n | to_entries[] | select($o[.key] == null) | {resource: $r, id: .key, change: "created"}),
              ($n | to_entries[] | select($o[.key] != null and $o[.key] != .value) | {resource: $r, id: .key, change: "updated"}),
              ($o | to_entries[] | select($n[.key] == null) | {resource: $r, id: .key, change: "deleted"})'
    done | sort
}

# ---- determinism and the changes file (Stripe) ----
start A --provider stripe --seed 11 --scale 300 --truth "$WORK/ta"
start B --provider stripe --seed 11 --scale 300 --truth "$WORK/tb" --rate-limit 0
cp -r "$WORK/ta" "$WORK/ta0"
got=$(advance "$URL_A" 3)
[ "$(jq -r '.epoch' <<<"$got")" = 1 ] && [ "$(jq -r '.now' <<<"$got")" = $((1751284800 + 3 * 86400)) ] \
    && pass "advance answers epoch 1 and now + 3 days" || fail "advance answered $got"
expected=$(truth_diff "$WORK/ta0" "$WORK/ta")
actual=$(sort "$WORK/ta/changes.jsonl")
[ -n "$expected" ] && [ "$expected" = "$actual" ] && pass "changes.jsonl is the truth diff ($(wc -l <<<"$actual") changes)" \
    || { fail "changes.jsonl differs from the truth diff"; diff <(echo "$expected") <(echo "$actual") | head -5 >&2; }
[ "$(jq -r '.changes' <<<"$got")" = "$(wc -l <"$WORK/ta/changes.jsonl")" ] && pass "the answer counts the changes" \
    || fail "changes count $(jq -r '.changes' <<<"$got") vs $(wc -l <"$WORK/ta/changes.jsonl") lines"
# ids are stable: only what is deleted for real leaves (customers, draft invoices), never
# a record renumbered (it would show as deleted and created)
bad=$(jq -r 'select(.change == "deleted" and .resource != "customers" and .resource != "invoices") | .resource' "$WORK/ta/changes.jsonl" | sort -u)
[ -z "$bad" ] && pass "only customers and invoices are deleted" || fail "deleted: $bad"
for kind in created updated deleted; do
    grep -q "\"change\":\"$kind\"" "$WORK/ta/changes.jsonl" && pass "some record $kind" || fail "no record $kind in 3 days"
done
cp -r "$WORK/ta" "$WORK/ta1"
advance "$URL_A" 2 >/dev/null
expected=$(truth_diff "$WORK/ta1" "$WORK/ta")
[ "$expected" = "$(sort "$WORK/ta/changes.jsonl")" ] && pass "second advance: changes.jsonl is the diff" || fail "second advance: diff differs"
advance "$URL_B" 3 >/dev/null
advance "$URL_B" 2 >/dev/null
diff -r "$WORK/ta" "$WORK/tb" >/dev/null && pass "same seed, same advances: same truth and changes" || fail "two runs differ"

# ---- control endpoint errors ----
for q in "days=0" "days=401" "days=x" "days=1.5" "weeks=1"; do
    code=$(curl -s -o "$WORK/err.json" -w '%{http_code}' -X POST "$URL_A/_sandbox/advance?$q")
    [ "$code" = 400 ] && jq -e '.error.message | length > 0' "$WORK/err.json" >/dev/null \
        && pass "advance?$q: 400 with a JSON error" || fail "advance?$q answered $code"
done
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL_A/_sandbox/advance")
[ "$code" = 405 ] && pass "GET /_sandbox/advance: 405" || fail "GET /_sandbox/advance answered $code"

# ---- requests during advances see one epoch each ----
: >"$WORK/codes"
(for _ in $(seq 1 150); do
    curl -s -o /dev/null -w '%{http_code}\n' -u "$KEY:" "$URL_B/v1/customers?limit=100" >>"$WORK/codes"
done) &
reader=$!
for _ in 1 2 3; do advance "$URL_B" 1 >/dev/null; done
wait "$reader"
[ "$(sort -u "$WORK/codes")" = 200 ] && pass "150 requests during 3 advances all answered 200" || fail "codes: $(sort | uniq -c <"$WORK/codes")"

# ---- Stripe events ----
get() { curl -s -g -u "$KEY:" "$URL_A$1"; }
now=$(advance "$URL_A" 1 | jq -r '.now')
cp -r "$WORK/ta" "$WORK/ta2"
# every event by paging with starting_after, newest first
after=""
: >"$WORK/events.jsonl"
for _ in $(seq 1 200); do
    page=$(get "/v1/events?limit=100${after:+&starting_after=$after}")
    jq -c '.data[]' <<<"$page" >>"$WORK/events.jsonl"
    [ "$(jq -r '.has_more' <<<"$page")" = true ] || break
    after=$(jq -r '.data[-1].id' <<<"$page")
done
n=$(wc -l <"$WORK/events.jsonl")
[ "$n" -gt 0 ] && jq -s -e --argjson now "$now" 'all(.created > $now - 30*86400 and .created <= $now)
        and (map(.created) as $c | $c == ($c | sort | reverse)) and (map(.id) | unique | length) == length
        and all(.object == "event" and (.id | startswith("evt_")) and .api_version != null and .request != null
                and .pending_webhooks == 0 and .livemode == false and .data.object.id != null)' "$WORK/events.jsonl" >/dev/null \
    && pass "$n events: the last 30 days, newest first, unique, well-formed" || fail "events list malformed ($n)"
jq -s -e 'map(select(.type | endswith(".updated"))) | length > 0 and all(.data.previous_attributes != null)' "$WORK/events.jsonl" >/dev/null \
    && pass "*.updated events carry previous_attributes" || fail "updated events without previous_attributes"
# the truth diff of the latest advance agrees with the events: created and deleted customers
grep '"resource":"customers"' "$WORK/ta/changes.jsonl" | jq -r 'select(.change != "updated") | "\(.change) \(.id)"' | while read -r change id; do
    t=customer.$change
    jq -s -e --arg id "$id" --arg t "$t" 'any(.type == $t and .data.object.id == $id)' "$WORK/events.jsonl" >/dev/null \
        || echo "missing $t for $id"
done >"$WORK/missing"
[ ! -s "$WORK/missing" ] && pass "every customer created or deleted has its event" || fail "$(head -3 "$WORK/missing")"
# ending_before walks back to the same events (limit 1: pages of more may be short)
first=$(sed -n 1p "$WORK/events.jsonl" | jq -r .id)
second=$(sed -n 2p "$WORK/events.jsonl" | jq -r .id)
third=$(sed -n 3p "$WORK/events.jsonl" | jq -r .id)
back="$(get "/v1/events?limit=1&ending_before=$third" | jq -r '.data[].id') $(get "/v1/events?limit=1&ending_before=$second" | jq -r '.data[].id')"
[ "$back" = "$second $first" ] && pass "ending_before pages back" || fail "ending_before gave $back"
# filters
get "/v1/events?type=customer.*&limit=100" | jq -e '.data | length > 0 and all(.type | startswith("customer."))' >/dev/null \
    && pass "type=customer.* matches customer.* only" || fail "type wildcard"
want=$(jq -r 'select(.type == "invoice.paid" or .type == "charge.refunded") | .id' "$WORK/events.jsonl" | head -100 | tr '\n' ' ')
got=$(get "/v1/events?types[]=invoice.paid&types[]=charge.refunded&limit=100" | jq -r '.data[].id' | tr '\n' ' ')
[ -n "$want" ] && [ "$got" = "$want" ] && pass "types[] selects exactly those types" || fail "types[]: '$got' vs '$want'"
bound=$((now - 86400))
get "/v1/events?created[gte]=$bound&limit=100" | jq -e --argjson b "$bound" '.data | length > 0 and all(.created >= $b)' >/dev/null \
    && pass "created[gte] filters" || fail "created[gte]"
code=$(curl -s -g -o "$WORK/err.json" -w "%{http_code}" -u "$KEY:" "$URL_A/v1/events?type=a&types[]=b")
[ "$code" = 400 ] && pass "type with types[]: 400" || fail "type with types[] answered $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -u "$KEY:" "$URL_A/v1/events?limit=101")
[ "$code" = 400 ] && pass "limit 101: 400" || fail "limit 101 answered $code"
one=$(get "/v1/events/$third")
[ "$(jq -c . <<<"$one")" = "$(sed -n 3p "$WORK/events.jsonl" | jq -c .)" ] && pass "GET /v1/events/{id} equals the listed event" || fail "retrieve differs"
# a deleted customer and a deleted draft
del=$(jq -r 'select(.type == "customer.deleted") | .data.object.id' "$WORK/events.jsonl" | head -1)
[ -n "$del" ] && get "/v1/customers/$del" | jq -e '.deleted == true and .object == "customer"' >/dev/null \
    && pass "a deleted customer answers deleted: true" || fail "deleted customer $del"
inv=$(jq -r 'select(.type == "invoice.deleted") | .data.object.id' "$WORK/events.jsonl" | head -1)
if [ -n "$inv" ]; then
    code=$(curl -s -o /dev/null -w '%{http_code}' -u "$KEY:" "$URL_A/v1/invoices/$inv")
    [ "$code" = 404 ] && pass "a deleted draft invoice: 404" || fail "deleted draft $inv answered $code"
fi
# retention: 31 days later the old events are gone, as ids and as cursors
advance "$URL_A" 31 >/dev/null
code=$(curl -s -o "$WORK/err.json" -w '%{http_code}' -u "$KEY:" "$URL_A/v1/events/$first")
[ "$code" = 404 ] && jq -e '.error.code == "resource_missing" and (.error.message | contains("No such event"))' "$WORK/err.json" >/dev/null \
    && pass "an event older than 30 days: 404 resource_missing" || fail "expired event answered $code"
code=$(curl -s -o "$WORK/err.json" -w '%{http_code}' -u "$KEY:" "$URL_A/v1/events?starting_after=$first")
[ "$code" = 404 ] && jq -e '.error.param == "starting_after"' "$WORK/err.json" >/dev/null \
    && pass "an expired cursor: 404 naming starting_after" || fail "expired cursor answered $code"

# ---- PayPal: the diff and determinism ----
start P --provider paypal --seed 5 --scale 300 --truth "$WORK/pa" --opt now=1760000400
start Q --provider paypal --seed 5 --scale 300 --truth "$WORK/pb" --opt now=1760000400
cp -r "$WORK/pa" "$WORK/pa0"
advance "$URL_P" 4 >/dev/null
expected=$(truth_diff "$WORK/pa0" "$WORK/pa")
[ -n "$expected" ] && [ "$expected" = "$(sort "$WORK/pa/changes.jsonl")" ] && pass "PayPal: changes.jsonl is the truth diff" \
    || fail "PayPal: changes.jsonl differs from the diff"
grep -q '"resource":"transactions","id":"[^"]*","change":"deleted"' "$WORK/pa/changes.jsonl" \
    && fail "PayPal: transactions deleted (renumbered?)" || pass "PayPal: no transaction deleted"
grep -q '"resource":"transactions","id":"[^"]*","change":"created"' "$WORK/pa/changes.jsonl" \
    && pass "PayPal: new transactions" || fail "PayPal: no new transactions"
advance "$URL_Q" 4 >/dev/null
diff -r "$WORK/pa" "$WORK/pb" >/dev/null && pass "PayPal: same seed, same truth" || fail "PayPal: two runs differ"

# PayPal's lag: after an advance, transactions past last_refreshed_datetime come one by one
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
search() { # search URL FROM TO -> the ids served, sorted
    local token
    token=$(curl -s -u sandbox-client:sandbox-secret -d grant_type=client_credentials "$1/v1/oauth2/token" | jq -r .access_token)
    curl -s -H "Authorization: Bearer $token" \
        "$1/v1/reporting/transactions?start_date=$(iso "$2")&end_date=$(iso "$3")&page_size=500&balance_affecting_records_only=N" \
        | jq -r '.transaction_details[].transaction_info.transaction_id' | sort -u
}
start L --provider paypal --seed 8 --scale 2000 --truth "$WORK/pl" --opt now=1760000400
pnow=$(advance "$URL_L" 3 | jq -r .now)
[ "$pnow" = $((1760000400 + 3 * 86400)) ] && pass "PayPal: the advance answers PayPal's now" || fail "PayPal now $pnow"
cut=$((pnow - 3 * 3600))
search "$URL_L" $((cut - 3600)) "$pnow" >"$WORK/seen1"
jq -r --argjson c "$cut" 'select((.occurred_at | fromdateiso8601) > $c) | .id' "$WORK/pl/transactions.jsonl" >"$WORK/late_in_truth"
[ ! -s "$WORK/late_in_truth" ] && pass "PayPal: the truth stops at last_refreshed_datetime" || fail "PayPal: truth has rows after the cutoff"
advance "$URL_L" 1 >/dev/null
search "$URL_L" $((cut - 3600)) "$pnow" >"$WORK/seen2"
jq -r '.id' "$WORK/pl/transactions.jsonl" | sort -u >"$WORK/truth_ids"
if [ -z "$(comm -23 "$WORK/seen1" "$WORK/seen2")" ] && [ "$(wc -l <"$WORK/seen2")" -gt "$(wc -l <"$WORK/seen1")" ] \
    && [ -z "$(comm -23 "$WORK/seen2" "$WORK/truth_ids")" ]; then
    pass "PayPal: a window up to now lacks some late transactions, found a day later and in the truth ($(wc -l <"$WORK/seen1") then $(wc -l <"$WORK/seen2"))"
else
    fail "PayPal lag: $(wc -l <"$WORK/seen1") then $(wc -l <"$WORK/seen2") ids"
fi

echo "$FAILURES failed"
[ "$FAILURES" -eq 0 ]
