#!/usr/bin/env bash
# Smoke test of billtap-sandbox (Stripe): startup lines and module options, errors,
# headers, version shapes, a full extraction (invoices and their lines included) by plain
# curl + jq compared with the truth files, short pages, the rate limiter, injected
# faults, and a clean exit on SIGTERM.
#
# usage: smoke.sh path/to/billtap-sandbox
set -u -o pipefail

BIN=${1:?usage: smoke.sh SANDBOX_BINARY}
KEY=sk_test_sandbox
BASIL=2025-03-31.basil
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sandbox-smoke.XXXXXX")
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
    if "$@" >"$WORK/check.out"; then
        pass "$what"
    else
        fail "$what"
        head -n 20 "$WORK/check.out" | cut -c1-300 >&2
    fi
}
die() { echo "FATAL: $*" >&2; exit 1; }

command -v curl >/dev/null || die "curl not found"
command -v jq >/dev/null || die "jq not found"

# start NAME ARGS...: runs the sandbox, waits for its two lines, sets URL, SETTINGS, PID.
start() {
    local name=$1
    shift
    "$BIN" --provider stripe --port 0 "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
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
    [ "${BASH_REMATCH[1]}" -gt 0 ] || die "$name: port 0 reported"
    URL="http://127.0.0.1:${BASH_REMATCH[1]}"
    SETTINGS=$(sed -n '2s/^settings: //p' "$WORK/$name.out")
}

# req FILE CURL-ARGS...: body into FILE, headers into FILE.h, prints the status code.
req() {
    local out=$1
    shift
    curl -sS -o "$out" -D "$out.h" -w '%{http_code}' "$@"
}
auth=(-H "Authorization: Bearer $KEY")
basil=(-H "Stripe-Version: $BASIL")

# ---------------------------------------------------------------- main instance
start main --seed 42 --scale 300 --truth "$WORK/truth" --rate-limit 0
MAIN_PID=$PID
MAIN=$URL
pass "first line: listening on $MAIN"
check "second line: the settings a client needs (unlimited: rate_limit=0)" [ "$SETTINGS" = "api_key=$KEY base_url=$MAIN rate_limit=0" ]
for f in customers plans subscriptions transactions invoices; do
    check "truth file $f.jsonl exists, is valid JSON and sorted by id" \
        bash -c "jq -e . '$WORK/truth/$f.jsonl' >/dev/null && jq -r .id '$WORK/truth/$f.jsonl' | LC_ALL=C sort -c"
done

# error bodies -------------------------------------------------------------
B=$WORK/b.json
code=$(req "$B" "$MAIN/v1/customers")
check "401 without a key" [ "$code" = 401 ]
check "401 body: no API key" jq -e '.error.type == "invalid_request_error" and (.error.message | startswith("You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth"))' "$B"

code=$(req "$B" -H "Authorization: Bearer sk_test_wrongkey1234" "$MAIN/v1/customers")
check "401 with a wrong key" [ "$code" = 401 ]
check "401 body: redacted key" jq -e '.error.type == "invalid_request_error" and (.error.message | test("^Invalid API Key provided: sk_test_\\*+1234$"))' "$B"

code=$(req "$B" -u "$KEY:" "$MAIN/v1/customers?limit=1")
check "HTTP Basic auth with the key as user name" [ "$code" = 200 ]

code=$(req "$B" "${auth[@]}" "$MAIN/v1/customers?limit=101")
check "400 for limit=101" [ "$code" = 400 ]
check "limit=101 body" jq -e '.error.param == "limit" and .error.type == "invalid_request_error" and .error.message == "This value must be less than or equal to 100."' "$B"

code=$(req "$B" "${auth[@]}" "$MAIN/v1/customers?limit=abc")
check "400 for limit=abc" [ "$code" = 400 ]
check "limit=abc body" jq -e '.error.param == "limit" and .error.message == "Invalid integer: abc"' "$B"

code=$(req "$B" "${auth[@]}" "$MAIN/v1/customers?foo=bar")
check "400 for an unknown parameter" [ "$code" = 400 ]
check "unknown parameter body" jq -e '.error.param == "foo" and .error.message == "Received unknown parameter: foo"' "$B"

code=$(req "$B" "${auth[@]}" -H "Stripe-Version: 2099-01-01" "$MAIN/v1/customers")
check "400 for a bad Stripe-Version" [ "$code" = 400 ]
check "bad Stripe-Version body" jq -e '.error.message == "Invalid Stripe API version: 2099-01-01"' "$B"

code=$(req "$B" "${auth[@]}" "$MAIN/v1/customers?starting_after=cus_doesnotexist")
check "404 for a bad starting_after" [ "$code" = 404 ]
check "bad starting_after body" jq -e '.error.code == "resource_missing" and .error.param == "starting_after" and .error.message == "No such customer: '"'cus_doesnotexist'"'"' "$B"

code=$(req "$B" "${auth[@]}" "$MAIN/v1/customers?starting_after=cus_a&ending_before=cus_b")
check "400 for both cursors" [ "$code" = 400 ]
code=$(req "$B" "${auth[@]}" "$MAIN/v1/subscription_items")
check "400 for subscription_items without subscription" bash -c "[ $code = 400 ] && jq -e '.error.param == \"subscription\"' '$B' >/dev/null"
code=$(req "$B" "${auth[@]}" "$MAIN/v1/charges?expand%5B%5D=data.nope")
check "400 for an unexpandable property" bash -c "[ $code = 400 ] && jq -e '.error.message == \"This property cannot be expanded (data.nope).\"' '$B' >/dev/null"
# an invoice's payments are includable from basil on; its invoice payments list has no
# created filter before 2025-11-17.clover (a version the sandbox does not know)
code=$(req "$B" "${auth[@]}" "$MAIN/v1/invoices?expand%5B%5D=data.payments")
check "400 for invoices' payments before basil" bash -c "[ $code = 400 ] && jq -e '.error.message == \"This property cannot be expanded (data.payments).\"' '$B' >/dev/null"
code=$(req "$B" "${auth[@]}" "${basil[@]}" "$MAIN/v1/invoice_payments?created%5Bgte%5D=1")
check "400 for invoice payments by created (basil)" bash -c "[ $code = 400 ] && jq -e '.error.code == \"parameter_unknown\"' '$B' >/dev/null"
code=$(req "$B" "${auth[@]}" "$MAIN/v1/invoices?status=bogus")
check "400 for an invoice status" bash -c "[ $code = 400 ] && jq -e '.error.param == \"status\" and .error.message == \"Invalid status: must be one of draft, open, paid, uncollectible, or void\"' '$B' >/dev/null"
code=$(req "$B" "${auth[@]}" "$MAIN/v1/invoices/in_doesnotexist")
check "404 for an unknown invoice" bash -c "[ $code = 404 ] && jq -e '.error.message == \"No such invoice: '\"'\"'in_doesnotexist'\"'\"'\"' '$B' >/dev/null"
code=$(req "$B" "${auth[@]}" "$MAIN/v1/invoices/in_doesnotexist/lines")
check "404 for the lines of an unknown invoice" [ "$code" = 404 ]
code=$(req "$B" "${auth[@]}" -X POST "$MAIN/v1/customers")
check "404 for POST" bash -c "[ $code = 404 ] && jq -e '.error.message | startswith(\"Unrecognized request URL (POST: /v1/customers).\")' '$B' >/dev/null"

# headers and versions ------------------------------------------------------
code=$(req "$B" "${auth[@]}" "$MAIN/v1/prices?limit=1")
check "Content-Type application/json" grep -qi '^content-type: application/json' "$B.h"
check "Request-Id req_ + 14 alphanumerics" grep -Eqi '^request-id: req_[A-Za-z0-9]{14}'$'\r''?$' "$B.h"
check "default Stripe-Version 2024-06-20" grep -qi '^stripe-version: 2024-06-20' "$B.h"
rid1=$(grep -i '^request-id:' "$B.h")
req "$B" "${auth[@]}" "$MAIN/v1/prices?limit=1" >/dev/null
check "Request-Id unique per request" [ "$rid1" != "$(grep -i '^request-id:' "$B.h")" ]
req "$B" "${auth[@]}" "${basil[@]}" "$MAIN/v1/subscriptions?limit=3" >/dev/null
check "Stripe-Version echoed" grep -qi "^stripe-version: $BASIL" "$B.h"
check "basil: periods on items only" jq -e '.data | length > 0 and all(.[]; (has("current_period_start") | not) and (.items.data | all(.[]; has("current_period_start"))))' "$B"
req "$B" "${auth[@]}" "$MAIN/v1/subscriptions?limit=3" >/dev/null
check "2024-06-20: periods on the subscription only" jq -e '.data | all(.[]; has("current_period_start") and (.items.data | all(.[]; has("current_period_start") | not)))' "$B"
req "$B" "${auth[@]}" "$MAIN/v1/charges?limit=5" >/dev/null
check "2024-06-20: charges carry invoice" jq -e '.data | all(.[]; has("invoice"))' "$B"
req "$B" "${auth[@]}" "${basil[@]}" "$MAIN/v1/charges?limit=5" >/dev/null
check "basil: charges carry no invoice" jq -e '.data | all(.[]; has("invoice") | not)' "$B"
req "$B" "${auth[@]}" "${basil[@]}" "$MAIN/v1/invoices?limit=20" >/dev/null
check "basil invoices: parent, total_taxes; lines with parent and pricing" jq -e '.data | length == 20 and all(.[];
    has("parent") and has("total_taxes") and (has("subscription") or has("charge") or has("paid") or has("total_tax_amounts") | not)
    and .lines.object == "list" and (.lines.url | test("^/v1/invoices/in_[A-Za-z0-9]+/lines$")) and (.lines | has("total_count"))
    and (.lines.data | all(.[]; .object == "line_item" and (.id | startswith("il_")) and (.parent.type | IN("subscription_item_details", "invoice_item_details"))
        and .pricing.type == "price_details" and (has("price") or has("type") or has("proration") or has("subscription") | not))))' "$B"
req "$B" "${auth[@]}" "$MAIN/v1/invoices?limit=20" >/dev/null
check "2024-06-20 invoices: subscription, charge, total_tax_amounts; lines with type, price, proration" jq -e '.data | all(.[];
    has("subscription") and has("charge") and has("total_tax_amounts") and (has("parent") or has("total_taxes") | not)
    and (.lines.data | all(.[]; (.type | IN("subscription", "invoiceitem")) and has("proration") and has("subscription") and (has("parent") | not))))' "$B"

# a deleted customer: referenced by subscriptions, absent from the customer truth
deleted=$(comm -13 <(jq -r .id "$WORK/truth/customers.jsonl" | LC_ALL=C sort) \
    <(jq -r .customer_id "$WORK/truth/subscriptions.jsonl" | LC_ALL=C sort -u) | head -n 1)
check "a deleted customer has subscriptions" [ -n "$deleted" ]
if [ -n "$deleted" ]; then
    code=$(req "$B" "${auth[@]}" "$MAIN/v1/customers/$deleted")
    check "GET deleted customer: the deleted stub" bash -c "[ $code = 200 ] && jq -e '. == {\"id\":\"$deleted\",\"object\":\"customer\",\"deleted\":true}' '$B' >/dev/null"
fi

# full extraction ---------------------------------------------------------------
SHORT_PAGES=0
PAGES=0
# walk PATH QUERY OUT [AFTER]: every page of a list (limit=100) from the start, or after
# the object AFTER, following has_more; raw objects into OUT (JSON lines)
walk() {
    local path=$1 query=$2 out=$3 after=${4:-} page=$WORK/page.json
    : >"$out"
    while :; do
        local q="limit=100${query:+&$query}${after:+&starting_after=$after}"
        local code
        code=$(req "$page" "${auth[@]}" "${basil[@]}" "$MAIN$path?$q")
        if [ "$code" != 200 ]; then
            fail "GET $path?$q answered $code"
            return 1
        fi
        PAGES=$((PAGES + 1))
        local n more
        n=$(jq '.data | length' "$page")
        more=$(jq -r '.has_more' "$page")
        jq -c '.data[]' "$page" >>"$out"
        [ "$more" = true ] || break
        [ "$n" -lt 100 ] && SHORT_PAGES=$((SHORT_PAGES + 1))
        if [ "$n" -eq 0 ]; then
            fail "$path: empty page with has_more"
            return 1
        fi
        after=$(jq -r '.data[-1].id' "$page")
    done
}

walk /v1/customers "" "$WORK/customers.raw"
walk /v1/prices "expand%5B%5D=data.product&expand[]=data.tiers" "$WORK/prices.raw"
walk /v1/subscriptions "status=all&expand[]=data.discounts" "$WORK/subscriptions.raw"
walk /v1/charges "expand[]=data.balance_transaction" "$WORK/charges.raw"
walk /v1/refunds "expand[]=data.charge&expand[]=data.balance_transaction" "$WORK/refunds.raw"
walk /v1/disputes "expand[]=data.charge" "$WORK/disputes.raw"
walk /v1/invoice_payments "expand[]=data.invoice" "$WORK/inpays.raw"
walk /v1/invoices "" "$WORK/invoices.raw"
walk /v1/invoices "expand[]=data.payments" "$WORK/invoices_paid.raw"
# each invoice's expanded payments: its invoice payments, newest first as their list is
jq -s -c 'map({key: .invoice.id, value: .id}) | group_by(.key)
          | map({key: .[0].key, value: map(.value)}) | from_entries' "$WORK/inpays.raw" >"$WORK/paid_by.json"
check "invoices' expanded payments are their invoice payments, in list order" \
    jq -e -s --slurpfile p "$WORK/paid_by.json" 'length > 0 and all(.[]; .id as $i
          | (.payments.data | map(.id)) == ($p[0][$i] // []) and .payments.has_more == false
          and all(.payments.data[]; .invoice == $i))
          and ([.[].payments.data[]] | length) == ($p[0] | [.[][]] | length)' "$WORK/invoices_paid.raw"

# the rest of the items of subscriptions that embed only the first ten
: >"$WORK/items.raw"
big=0
while IFS=$'\t' read -r sub last; do
    big=$((big + 1))
    walk /v1/subscription_items "subscription=$sub" "$WORK/items.page" "$last" &&
        jq -c --arg s "$sub" '{sub: $s, item: .}' "$WORK/items.page" >>"$WORK/items.raw"
done < <(jq -r 'select(.items.has_more) | [.id, .items.data[-1].id] | @tsv' "$WORK/subscriptions.raw")
check "at least one subscription with more than 10 items" [ "$big" -gt 0 ]

# the rest of the lines of invoices that embed only the first ten
: >"$WORK/lines.raw"
big=0
while IFS=$'\t' read -r inv last; do
    big=$((big + 1))
    walk "/v1/invoices/$inv/lines" "" "$WORK/lines.page" "$last" &&
        jq -c --arg i "$inv" '{invoice: $i, line: .}' "$WORK/lines.page" >>"$WORK/lines.raw"
done < <(jq -r 'select(.lines.has_more) | [.id, .lines.data[-1].id] | @tsv' "$WORK/invoices.raw")
check "at least one invoice with more than 10 lines" [ "$big" -gt 0 ]

ids_match() { # ids_match NAME API-IDS-FILE TRUTH-FILE
    local dups
    dups=$(LC_ALL=C sort "$2" | uniq -d | head -n 3)
    [ -z "$dups" ] || { echo "  duplicates in $1: $dups" >&2; return 1; }
    if ! diff <(LC_ALL=C sort "$2") <(jq -r .id "$3" | LC_ALL=C sort) >"$WORK/diff.txt"; then
        echo "  $1 ids differ from truth:" >&2
        head -n 10 "$WORK/diff.txt" >&2
        return 1
    fi
}
jq -r .id "$WORK/customers.raw" >"$WORK/customers.ids"
jq -r .id "$WORK/prices.raw" >"$WORK/prices.ids"
jq -r .id "$WORK/subscriptions.raw" >"$WORK/subscriptions.ids"
cat <(jq -r .id "$WORK/charges.raw") <(jq -r .id "$WORK/refunds.raw") <(jq -r .id "$WORK/disputes.raw") \
    >"$WORK/transactions.ids"
check "customers: ids equal the truth, no duplicates" ids_match customers "$WORK/customers.ids" "$WORK/truth/customers.jsonl"
check "plans: ids equal the truth, no duplicates" ids_match plans "$WORK/prices.ids" "$WORK/truth/plans.jsonl"
check "subscriptions: ids equal the truth, no duplicates" ids_match subscriptions "$WORK/subscriptions.ids" "$WORK/truth/subscriptions.jsonl"
check "transactions: ids equal the truth, no duplicates" ids_match transactions "$WORK/transactions.ids" "$WORK/truth/transactions.jsonl"
jq -r .id "$WORK/invoices.raw" >"$WORK/invoices.ids"
check "invoices: ids equal the truth, no duplicates" ids_match invoices "$WORK/invoices.ids" "$WORK/truth/invoices.jsonl"
jq -r '.id as $i | .lines.data[] | "\($i) \(.id)"' "$WORK/invoices.raw" >"$WORK/lines.api"
jq -r '"\(.invoice) \(.line.id)"' "$WORK/lines.raw" >>"$WORK/lines.api"
check "invoice lines equal the truth (same order per invoice)" \
    diff <(LC_ALL=C sort -s -k1,1 "$WORK/lines.api") \
         <(jq -r '.id as $i | .lines[] | "\($i) \(.id)"' "$WORK/truth/invoices.jsonl" | LC_ALL=C sort -s -k1,1)

# subscription items, in order, embedded ones plus paged ones
jq -r '.id as $s | .items.data[] | "\($s) \(.id)"' "$WORK/subscriptions.raw" >"$WORK/items.api"
jq -r '"\(.sub) \(.item.id)"' "$WORK/items.raw" >>"$WORK/items.api"
check "subscription items equal the truth (same order per subscription)" \
    diff <(LC_ALL=C sort -s -k1,1 "$WORK/items.api") \
         <(jq -r '.id as $s | .items[] | "\($s) \(.id)"' "$WORK/truth/subscriptions.jsonl" | LC_ALL=C sort -s -k1,1)

check "short pages with has_more:true occurred ($SHORT_PAGES of $PAGES pages)" [ "$SHORT_PAGES" -gt 0 ]

# A field-by-field extraction in jq, compared with the truth as JSON values: the
# renderer and the truth writer must agree on what the API shows.
JQLIB='
def exponent: if IN("BIF","CLP","DJF","GNF","JPY","KMF","KRW","MGA","PYG","RWF","UGX","VND","VUV","XAF","XOF","XPF") then 0
              elif IN("BHD","JOD","KWD","OMR","TND") then 3 else 2 end;
def t: if . == null then null else todate end;
def money: (.currency | ascii_upcase) as $c | {currency: $c, currency_exponent: ($c | exponent)};
'
same() { # same NAME MINE TRUTH
    if ! diff <(jq -S -c . "$2" | LC_ALL=C sort) <(jq -S -c . "$3" | LC_ALL=C sort) >"$WORK/diff.txt"; then
        echo "  $1 differs from truth:" >&2
        head -n 6 "$WORK/diff.txt" | cut -c1-400 >&2
        return 1
    fi
}
jq -c "$JQLIB"' {object: "customer", id, email, name, country: (.address.country // null),
       created_at: (.created | t), deleted: false}' "$WORK/customers.raw" >"$WORK/customers.mine"
check "customers: values equal the truth" same customers "$WORK/customers.mine" "$WORK/truth/customers.jsonl"

jq -c "$JQLIB"' (if .product.deleted then null else .product.name end) as $pn
       | {object: "plan", id, name: (.nickname // $pn),
       product_id: .product.id, amount: .unit_amount} + money + {
       interval_unit: .recurring.interval, interval_count: .recurring.interval_count,
       trial_days: .recurring.trial_period_days, active, created_at: (.created | t),
       product_name: $pn, amount_decimal: .unit_amount_decimal, usage_type: .recurring.usage_type,
       tiers_mode, tiers: (if .tiers then [.tiers[] | {up_to, unit_amount, unit_amount_decimal,
                            flat_amount, flat_amount_decimal}] | tojson else null end),
       custom_amount: (.custom_unit_amount != null),
       custom_amount_minimum: .custom_unit_amount.minimum, custom_amount_maximum: .custom_unit_amount.maximum,
       custom_amount_preset: .custom_unit_amount.preset, setup_fee: null, total_cycles: null,
       trial_amount: null, trial_cycles: null}' \
    "$WORK/prices.raw" >"$WORK/plans.mine"
check "plans: values equal the truth" same plans "$WORK/plans.mine" "$WORK/truth/plans.jsonl"
check "hard cases: tiered prices expanded, metered, sub-cent decimal, customer-chosen, nicknames" \
    jq -e -s 'any(.[]; .tiers_mode == "graduated" and (.tiers | length) == 2 and .unit_amount == null)
      and any(.[]; .recurring.usage_type == "metered") and any(.[]; .unit_amount == null and .unit_amount_decimal == "0.25")
      and any(.[]; .custom_unit_amount.preset > 0 and .unit_amount == null) and any(.[]; .nickname != null)' \
    "$WORK/prices.raw"

jq -n -c "$JQLIB"'
  ([inputs] | group_by(.sub) | map({key: .[0].sub, value: map(.item)}) | from_entries) as $extra
  | $subs[] | . as $s | ($s.items.data + ($extra[$s.id] // [])) as $items
  | {object: "subscription", id, customer_id: .customer,
     status: ({trialing: "trialing", active: "active", past_due: "past_due", unpaid: "past_due",
               paused: "paused", canceled: "canceled", incomplete_expired: "canceled",
               incomplete: "pending"}[.status] // "other"),
     provider_status: .status, started_at: (.start_date | t),
     current_period_start: (if ([$items[] | [.current_period_start, .current_period_end]] | unique | length) == 1
                            then $items[0].current_period_start | t else null end),
     current_period_end: (if ([$items[] | [.current_period_start, .current_period_end]] | unique | length) == 1
                          then $items[0].current_period_end | t else null end),
     trial_end: (.trial_end | t), canceled_at: (.canceled_at | t),
     cancel_at_period_end, created_at: (.created | t),
     trial_start: (.trial_start | t), cancel_at: (.cancel_at | t), ended_at: (.ended_at | t),
     paused: (.pause_collection != null), pause_behavior: .pause_collection.behavior,
     resumes_at: (.pause_collection.resumes_at | t),
     discounts: ([.discounts[] | {id, coupon_id: .coupon.id, percent_off: (.coupon.percent_off | tostring),
                  amount_off: .coupon.amount_off, currency: (.coupon.currency | if . then ascii_upcase else null end),
                  duration: .coupon.duration, duration_in_months: .coupon.duration_in_months,
                  start: (.start | t), end: (.end | t)}] | tojson),
     items: [$items[] | {object: "subscription_item", id, plan_id: .price.id, quantity,
                         amount: .price.unit_amount} + (.price | money)
                      + {usage_type: .price.recurring.usage_type, amount_decimal: .price.unit_amount_decimal,
                         current_period_start: (.current_period_start | t),
                         current_period_end: (.current_period_end | t)}]}' \
    --slurpfile subs "$WORK/subscriptions.raw" "$WORK/items.raw" >"$WORK/subscriptions.mine"
check "subscriptions: values equal the truth" same subscriptions "$WORK/subscriptions.mine" "$WORK/truth/subscriptions.jsonl"
check "hard cases: paused collection (each behavior), scheduled cancellations, discounts expanded, mixed periods" \
    jq -e -s '([.[].pause_collection.behavior | select(.)] | unique | length) >= 2
      and any(.[]; .cancel_at != null and .ended_at == null)
      and any(.[]; .discounts | length > 0 and all(.[]; .object == "discount" and .coupon.object == "coupon"))
      and any(.[]; [.items.data[] | [.current_period_start, .current_period_end]] | unique | length > 1)' \
    "$WORK/subscriptions.raw"

# basil: a payment's invoice (and its subscription) through its invoice payment
jq -s -c 'map({key: .payment.payment_intent, value: {invoice_id: .invoice.id,
          subscription_id: .invoice.parent.subscription_details.subscription}}) | from_entries' \
    "$WORK/inpays.raw" >"$WORK/links.json"
LINKS='def links($pi): ($l[0][$pi // ""] // {invoice_id: null, subscription_id: null});'
{
    jq -c --slurpfile l "$WORK/links.json" "$JQLIB$LINKS"' {object: "transaction", id, customer_id: .customer,
           kind: "payment",
           result: (if .status == "succeeded" and (.captured | not) then "authorized" else .status end),
           provider_status: .status, amount}
           + money + {refunded_amount: .amount_refunded, parent_id: null, occurred_at: (.created | t),
                      captured_amount: .amount_captured, fee_amount: .balance_transaction.fee,
                      net_amount: .balance_transaction.net} + links(.payment_intent)' \
        "$WORK/charges.raw"
    jq -c --slurpfile l "$WORK/links.json" "$JQLIB$LINKS"' {object: "transaction", id, customer_id: .charge.customer,
           kind: "chargeback",
           result: ({lost: "succeeded", won: "failed", warning_closed: "failed", prevented: "failed",
                     needs_response: "pending", under_review: "pending",
                     warning_needs_response: "pending", warning_under_review: "pending"}[.status] // "other"),
           provider_status: .status, amount} + money
           + {captured_amount: null, refunded_amount: null,
              fee_amount: ([.balance_transactions[].fee] | add // 0),
              net_amount: ([.balance_transactions[].net] | add // 0),
              parent_id: .charge.id, occurred_at: (.created | t)} + links(.payment_intent)' \
        "$WORK/disputes.raw"
    jq -c --slurpfile l "$WORK/links.json" "$JQLIB$LINKS"' {object: "transaction", id, customer_id: .charge.customer,
           kind: "refund",
           result: ({succeeded: "succeeded", pending: "pending", requires_action: "pending",
                     failed: "failed", canceled: "failed"}[.status // "null"] // "other"),
           provider_status: .status, amount} + money
           + {refunded_amount: 0, parent_id: .charge.id, occurred_at: (.created | t),
              captured_amount: null}
           + (if IN(.status; "failed", "canceled") then {fee_amount: null, net_amount: null}
              else {fee_amount: .balance_transaction.fee, net_amount: .balance_transaction.net} end)
           + links(.payment_intent)' \
        "$WORK/refunds.raw"
} >"$WORK/transactions.mine"
check "transactions: values equal the truth" same transactions "$WORK/transactions.mine" "$WORK/truth/transactions.jsonl"
check "hard cases: uncaptured charges (captured false, amount_captured 0, no balance transaction)" \
    jq -e -s 'any(.[]; .captured == false and .status == "succeeded" and .amount_captured == 0 and .balance_transaction == null)' "$WORK/charges.raw"
check "hard cases: fees on charges, refunds with expanded balance transactions" \
    jq -e -s 'any(.[]; .balance_transaction.fee > 0) and all(.[]; .balance_transaction == null or (.balance_transaction.net == .balance_transaction.amount - .balance_transaction.fee))' "$WORK/charges.raw"
check "invoice payments: one per invoice payment attempt, each of a charge's PaymentIntent" \
    jq -e -s --slurpfile c "$WORK/charges.raw" '($c | map(.payment_intent)) as $pis
      | length > 0 and all(.[]; .payment.type == "payment_intent" and (.payment.payment_intent | IN($pis[])))' "$WORK/inpays.raw"
check "hard cases: refunds with status null (Stripe's spec allows it)" jq -e -s 'any(.[]; .status == null)' "$WORK/refunds.raw"
check "hard cases: disputes lost, won, open and inquiries" \
    jq -e -s '[.[].status] | (index("lost") != null) and (index("warning_closed") != null or index("warning_under_review") != null)' "$WORK/disputes.raw"

# invoices (basil): the lines embedded and paged, taxes summed; the discount is the
# invoice-level one (subtotal_excluding_tax - total_excluding_tax, else the invoice's own
# `discounts` in total_discount_amounts); a line's amount is after its own `discounts`
INVLIB='
def inv_status: if IN("draft","open","paid","void","uncollectible") then . else "other" end;
def did: if type == "object" then .id else . end;
def of($ds): [$ds[]? | did] as $ids | [.[] | select((.discount | did) as $d | $ids | index([$d])) | .amount] | add // 0;
def line_amount: .discounts as $ds | .amount - (if has("discounts") then (.discount_amounts // [] | of($ds)) else 0 end);
def inv_discount:
  if .subtotal_excluding_tax != null and .total_excluding_tax != null
  then .subtotal_excluding_tax - .total_excluding_tax
  elif has("discounts") then (.discounts as $ds | .total_discount_amounts | of($ds))
  else ([.total_discount_amounts[].amount] | add // 0) end;
def line_kind($proration; $type):
  if $proration then "proration"
  elif IN($type; "subscription_item_details", "subscription") then "subscription"
  elif IN($type; "invoice_item_details", "invoiceitem") then "one_off" else "other" end;
def invoice($raw; $lines; $sub; $taxes):
  (.currency | ascii_upcase) as $c
  | {object: "invoice", id, number, customer_id: .customer, subscription_id: $sub,
     status: (.status | inv_status), provider_status: .status, currency: $c, currency_exponent: ($c | exponent),
     subtotal, discount: inv_discount, tax: ([($taxes // [])[].amount] | add // 0),
     total, amount_paid, amount_due, created_at: (.created | t),
     issued_at: (.status_transitions.finalized_at | t), due_at: (.due_date | t),
     paid_at: (.status_transitions.paid_at | t), voided_at: (.status_transitions.voided_at | t),
     period_start: ([$raw[].period.start] | min | t), period_end: ([$raw[].period.end] | max | t),
     lines: $lines};
'
jq -n -c "$JQLIB$INVLIB"'
  ([inputs] | group_by(.invoice) | map({key: .[0].invoice, value: map(.line)}) | from_entries) as $extra
  | $invoices[] | (.lines.data + ($extra[.id] // [])) as $raw
  | ($raw | map((.parent.subscription_item_details // .parent.invoice_item_details) as $d
      | {object: "invoice_line", id, kind: line_kind($d.proration; .parent.type),
         plan_id: .pricing.price_details.price, description, quantity, amount: line_amount}
        + money + {period_start: (.period.start | t), period_end: (.period.end | t), proration: $d.proration})) as $lines
  | invoice($raw; $lines; .parent.subscription_details.subscription // null; .total_taxes)' --slurpfile invoices "$WORK/invoices.raw" "$WORK/lines.raw" >"$WORK/invoices.mine"
check "invoices: values equal the truth (basil)" same invoices "$WORK/invoices.mine" "$WORK/truth/invoices.jsonl"
# the same invoices read in the older shape give the same truth
: >"$WORK/old.raw"
after=
for _ in 1 2 3; do
    req "$B" "${auth[@]}" "$MAIN/v1/invoices?limit=100${after:+&starting_after=$after}" >/dev/null
    jq -c '.data[] | select(.lines.has_more | not)' "$B" >>"$WORK/old.raw"
    after=$(jq -r '.data[-1].id' "$B")
done
jq -c "$JQLIB$INVLIB"'
  (.lines.data | map({object: "invoice_line", id, kind: line_kind(.proration; .type), plan_id: .price.id,
      description, quantity, amount: line_amount} + money + {period_start: (.period.start | t), period_end: (.period.end | t),
      proration})) as $lines
  | invoice(.lines.data; $lines; .subscription; .total_tax_amounts)' "$WORK/old.raw" >"$WORK/old.mine"
jq -c --slurpfile m "$WORK/old.mine" '($m | map(.id)) as $ids | select(.id | IN($ids[]))' \
    "$WORK/truth/invoices.jsonl" >"$WORK/old.truth"
check "invoices in the 2024-06-20 shape normalize to the same truth ($(wc -l <"$WORK/old.mine") of them)" \
    bash -c "[ -s '$WORK/old.mine' ] && [ \$(wc -l <'$WORK/old.mine') = \$(wc -l <'$WORK/old.truth') ]"
check "... and their values equal it" same old-invoices "$WORK/old.mine" "$WORK/old.truth"

# discounts at both levels, and the invoice amounts that follow from them (Stripe's
# invoice reference: subtotal after item discounts, before invoice-level ones and exclusive
# tax; total_excluding_tax after every discount, before all tax)
check "an intro price is the line's own discount: in its discounts and out of subtotal, not in the invoice's" \
    jq -e -s "$INVLIB"'map(select(.lines.has_more | not))
      | any(.[]; any(.lines.data[]; (.discounts | length) > 0))
        and all(.[]; .subtotal == ([.lines.data[] | line_amount] | add // 0)
          and ([.lines.data[].discounts[]] - [.discounts[]] | length) == ([.lines.data[].discounts[]] | length))' "$WORK/invoices.raw"
check "a coupon is the invoice's discount: in its discounts, off total_excluding_tax; total_discount_amounts has both levels" \
    jq -e -s "$INVLIB"'any(.[]; (.discounts | length) > 0)
      and all(.[]; .total_excluding_tax == .subtotal_excluding_tax - (.discounts as $ds | .total_discount_amounts | of($ds))
        and .total == .total_excluding_tax + ([.total_taxes[].amount] | add // 0)
        and (.lines.has_more or ([.total_discount_amounts[].amount] | add // 0)
            == (.discounts as $ds | .total_discount_amounts | of($ds)) + ([.lines.data[] | .amount - line_amount] | add // 0)))' "$WORK/invoices.raw"

# dataset invariants the tests downstream rely on
check "refunded is true exactly when fully refunded" \
    jq -e -s 'all(.[]; .refunded == (.amount_refunded == .amount and .amount > 0))' "$WORK/charges.raw"
check "hard cases present: JPY KRW KWD BHD, null emails, guest charges, failed and pending charges, tiered prices, deleted products, metered items" \
    jq -e -s --slurpfile c "$WORK/customers.raw" --slurpfile p "$WORK/prices.raw" \
        --slurpfile s "$WORK/subscriptions.raw" '
      ([.[].currency] | unique) as $ccy
      | (["jpy","krw","kwd","bhd"] | all(. as $x | $ccy | index($x)))
      and any(.[]; .customer == null)
      and any(.[]; .status == "failed") and any(.[]; .status == "pending")
      and any($c[]; .email == null)
      and any($p[]; .unit_amount == null and .billing_scheme == "tiered")
      and any($p[]; .product.deleted == true)
      and any($s[].items.data[]; has("quantity") | not)' "$WORK/charges.raw"
check "refunds in every status, partial and full" \
    jq -e -s '([.[].status] | unique == [null,"canceled","failed","pending","requires_action","succeeded"])
      and any(.[]; .status == "succeeded" and .amount < .charge.amount)
      and any(.[]; .status == "succeeded" and .amount == .charge.amount)' "$WORK/refunds.raw"
check "charges of deleted customers are listed" \
    bash -c "jq -r 'select(.customer != null) | .customer' '$WORK/charges.raw' | LC_ALL=C sort -u |
             LC_ALL=C comm -23 - <(LC_ALL=C sort '$WORK/customers.ids') | grep -q ."
check "many customers share one created second" \
    jq -e -s '[group_by(.created)[] | length] | max >= 10' "$WORK/customers.raw"
check "three-decimal amounts end in 0" \
    jq -e -s 'all(.[] | select(.currency == "kwd" or .currency == "bhd"); .amount % 10 == 0)' "$WORK/charges.raw"
check "every subscription status occurs" \
    jq -e -s '[.[].status] | unique == ["active","canceled","incomplete","incomplete_expired","past_due","paused","trialing","unpaid"]' "$WORK/subscriptions.raw"

check "invoices: every status, prorations, one-off items, discounts, taxes, more than 10 lines, JPY KRW KWD BHD" \
    jq -e -s '([.[].status] | unique == ["draft","open","paid","uncollectible","void"])
      and any(.[]; .discount > 0) and any(.[]; .tax > 0) and any(.[]; .subscription_id == null)
      and any(.[].lines[]; .kind == "proration") and any(.[].lines[]; .kind == "one_off")
      and any(.[]; (.lines | length) > 10) and ([.[].currency] | unique | contains(["BHD","JPY","KRW","KWD"]))' \
    "$WORK/truth/invoices.jsonl"
check "invoice totals add up: the lines to subtotal, subtotal - discount (+ tax when added) to total" \
    jq -e -s 'all(.[]; (.total == .subtotal - .discount + .tax or .total == .subtotal - .discount)
      and .subtotal == ([.lines[].amount] | add // 0))' "$WORK/truth/invoices.jsonl"
req "$B" "${auth[@]}" "$MAIN/v1/charges?limit=100" >/dev/null
check "2024-06-20: subscription charges name their invoice, which exists" \
    bash -c "jq -r '.data[].invoice // empty' '$B' | LC_ALL=C sort -u >'$WORK/ch_inv.ids' && [ -s '$WORK/ch_inv.ids' ] &&
             [ -z \"\$(LC_ALL=C comm -23 '$WORK/ch_inv.ids' <(LC_ALL=C sort '$WORK/invoices.ids'))\" ]"
cust=$(jq -r '.customer_id' "$WORK/truth/invoices.jsonl" | sort | uniq -c | sort -rn | awk 'NR == 1 { print $2 }')
sub=$(jq -r 'select(.subscription_id) | .subscription_id' "$WORK/truth/invoices.jsonl" | sort | uniq -c | sort -rn | awk 'NR == 1 { print $2 }')
req "$B" "${auth[@]}" "$MAIN/v1/invoices?limit=100&customer=$cust" >/dev/null
check "invoices?customer= lists that customer's invoices" \
    bash -c "[ \"\$(jq -r '.data[].id' '$B' | LC_ALL=C sort)\" = \"\$(jq -r 'select(.customer_id == \"$cust\") | .id' '$WORK/truth/invoices.jsonl' | LC_ALL=C sort)\" ]"
req "$B" "${auth[@]}" "$MAIN/v1/invoices?limit=100&subscription=$sub&status=paid" >/dev/null
check "invoices?subscription=&status=paid lists that subscription's paid invoices" \
    bash -c "[ \"\$(jq -r '.data[].id' '$B' | LC_ALL=C sort)\" = \"\$(jq -r 'select(.subscription_id == \"$sub\" and .status == \"paid\") | .id' '$WORK/truth/invoices.jsonl' | LC_ALL=C sort)\" ]"

# ending_before walks back to where starting_after came from
req "$B" "${auth[@]}" "$MAIN/v1/charges?limit=7&starting_after=$(sed -n 20p "$WORK/transactions.ids")" >/dev/null
first=$(jq -r '.data[0].id' "$B")
req "$B" "${auth[@]}" "$MAIN/v1/charges?limit=3&ending_before=$first" >/dev/null
check "ending_before returns the records just before the cursor" \
    bash -c "[ \"\$(jq -r '.data[-1].id' '$B')\" = \"$(sed -n 20p "$WORK/transactions.ids")\" ]"

# stop NAME PID: SIGTERM, then the exit status must be 0 (a sanitizer report or a leak
# found at exit makes it non-zero; its stderr is shown).
stop() {
    local name=$1 pid=$2 rc
    kill -TERM "$pid"
    wait "$pid"
    rc=$?
    local keep=() p
    for p in "${PIDS[@]+"${PIDS[@]}"}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
    PIDS=("${keep[@]+"${keep[@]}"}")
    check "$name: exit status 0 after SIGTERM" [ "$rc" = 0 ]
    if [ "$rc" != 0 ] || grep -q 'ERROR: \|runtime error' "$WORK/$name.err"; then
        [ "$rc" = 0 ] && fail "$name: sanitizer report"
        head -n 40 "$WORK/$name.err" >&2
    fi
}
code=$(req "$B" "${auth[@]}" -H "Stripe-Account: acct_1NotConnected" "$MAIN/v1/customers")
check "Stripe-Account without a connected account: 403 account_invalid, the key masked" \
    bash -c "[ $code = 403 ] && jq -e '.error == {code: \"account_invalid\", doc_url: \"https://stripe.com/docs/error-codes/account-invalid\",
      message: \"The provided key '\"'\"'sk_test_***dbox'\"'\"' does not have access to account '\"'\"'acct_1NotConnected'\"'\"' (or that account does not exist). Application access may have been revoked.\",
      type: \"invalid_request_error\"}' '$B' >/dev/null"
stop main "$MAIN_PID"

# ---------------------------------------------------------------- module options
start opts --scale 20 --rate-limit 0 --opt api_key=sk_test_another
check "--opt api_key: the settings line names it" [ "$SETTINGS" = "api_key=sk_test_another base_url=$URL rate_limit=0" ]
c1=$(req "$B" -H "Authorization: Bearer sk_test_another" "$URL/v1/customers")
c2=$(req "$B" "${auth[@]}" "$URL/v1/customers")
check "--opt api_key: it is the one key accepted ($c1, default key $c2)" [ "$c1:$c2" = 200:401 ]
stop opts "$PID"
# Connect: the world as one connected account, named in the settings line; the platform
# itself has nothing; any other account is refused
start connect --scale 20 --rate-limit 0 --truth "$WORK/connect" --opt connected_account=acct_1Smoke
check "--opt connected_account: the settings line names it" \
    [ "$SETTINGS" = "api_key=$KEY base_url=$URL stripe_account=acct_1Smoke rate_limit=0" ]
req "$B" "${auth[@]}" -H "Stripe-Account: acct_1Smoke" "$URL/v1/customers?limit=100" >/dev/null
check "Stripe-Account: acct_1Smoke lists that account's customers (its truth)" \
    bash -c "[ \"\$(jq -r '.data[].id' '$B' | LC_ALL=C sort)\" = \"\$(jq -r .id '$WORK/connect/customers.jsonl')\" ] && [ -s '$WORK/connect/customers.jsonl' ]"
req "$B" "${auth[@]}" "$URL/v1/customers?limit=100" >/dev/null
check "without Stripe-Account the platform's own account has no customers" jq -e '.data == [] and .has_more == false' "$B"
id=$(jq -r .id "$WORK/connect/customers.jsonl" | head -n 1)
code=$(req "$B" "${auth[@]}" "$URL/v1/customers/$id")
check "... and does not know the connected account's objects (404)" [ "$code" = 404 ]
code=$(req "$B" "${auth[@]}" -H "Stripe-Account: acct_1Other" "$URL/v1/customers")
check "another account: 403 account_invalid" \
    bash -c "[ $code = 403 ] && jq -e '.error.code == \"account_invalid\" and (.error.message | contains(\"acct_1Other\"))' '$B' >/dev/null"
stop connect "$PID"
bad_args() { # bad_args NAME-IN-MESSAGE ARGS...: exit 2, stderr names it
    local name=$1 rc
    shift
    "$BIN" --provider stripe --port 0 "$@" >/dev/null 2>"$WORK/bad.err"
    rc=$?
    check "'$*' exits 2 naming $name" bash -c "[ $rc = 2 ] && grep -qF -- '$name' '$WORK/bad.err'"
}
bad_args nope --opt nope=1
bad_args api_key --opt api_key=
bad_args api_key --opt "api_key=a b"
bad_args --api-key --api-key sk_test_x
"$BIN" --provider stripe --port 0 --scale 20 --opt connected_account=cus_123 >/dev/null 2>"$WORK/bad.err"
check "--opt connected_account=cus_123 is refused, naming it" \
    bash -c "[ $? != 0 ] && grep -qF 'connected_account' '$WORK/bad.err'"

# ---------------------------------------------------------------- rate limit
start ratelimit --scale 20 --rate-limit 5
codes=$(curl -s -o /dev/null -w '%{http_code}\n' "${auth[@]}" $(for _ in $(seq 1 30); do printf '%s ' "$URL/v1/customers?limit=1"; done))
n429=$(grep -c '^429$' <<<"$codes")
n200=$(grep -c '^200$' <<<"$codes")
check "--rate-limit 5: a burst of 30 gets 429s ($n429) after the allowed ones ($n200)" \
    bash -c "[ $n429 -gt 0 ] && [ $n200 -ge 5 ]"
for _ in $(seq 1 10); do
    code=$(req "$B" "${auth[@]}" "$URL/v1/customers?limit=1")
    [ "$code" = 429 ] && break
done
check "429 body is Stripe's" jq -e '. == {"error":{"code":"rate_limit","message":"Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.","type":"invalid_request_error"}}' "$B"
check "429 has no Retry-After" bash -c "! grep -qi '^retry-after:' '$B.h'"
sleep 1.2
code=$(req "$B" "${auth[@]}" "$URL/v1/customers?limit=1")
check "the bucket refills" [ "$code" = 200 ]
stop ratelimit "$PID"

# ---------------------------------------------------------------- faults
start faults --scale 20 --rate-limit 0 --faults 500@2,drop@4,slow@5:300
code=$(req "$B" "${auth[@]}" "$URL/v1/customers?limit=1")
check "fault run: request 1 answers 200" [ "$code" = 200 ]
code=$(req "$B" "${auth[@]}" "$URL/v1/customers?limit=1")
check "--faults 500@2: request 2 answers 500" [ "$code" = 500 ]
check "500 body is an api_error" jq -e '.error.type == "api_error" and (.error.message | length > 0)' "$B"
code=$(req "$B" "${auth[@]}" "$URL/v1/customers?limit=1")
check "request 3 answers 200" [ "$code" = 200 ]
curl -s -o /dev/null "${auth[@]}" "$URL/v1/customers?limit=1"
check "drop@4 closes the connection without a response (curl exit 52)" [ $? = 52 ]
start_ns=$(date +%s%N)
code=$(req "$B" "${auth[@]}" "$URL/v1/customers?limit=1")
elapsed_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
check "slow@5:300 delays request 5 (${elapsed_ms} ms) and then answers 200" \
    bash -c "[ $code = 200 ] && [ $elapsed_ms -ge 300 ]"
stop faults "$PID"

# ---------------------------------------------------------------- rate limit by key mode
# Stripe allows 25 requests a second in test mode and 100 in live mode; a burst fits the
# bucket of a second's worth. One curl, one connection, requests back to back.
burst() { # burst N URL KEY: the status of N quick requests, one a line
    local args=() i
    for i in $(seq 1 "$1"); do args+=(-o /dev/null "$2/v1/customers?limit=1"); done
    curl -s -H "Authorization: Bearer $3" -w '%{http_code}\n' "${args[@]}"
}
start testkey --scale 20
n429=$(burst 100 "$URL" "$KEY" | grep -c '^429$')
check "default limit, test key: a burst of 100 gets 429s ($n429), at least 25 answered" \
    bash -c "[ $n429 -gt 0 ] && [ $n429 -le 75 ]"
stop testkey "$PID"
start livekey --scale 20 --opt api_key=sk_live_sandbox
codes=$(burst 90 "$URL" sk_live_sandbox | sort | uniq -c | awk '{print $2 "x" $1}' | tr '\n' ' ')
check "default limit, live key (sk_live_): a burst of 90 is all 200 ($codes)" [ "$codes" = "200x90 " ]
stop livekey "$PID"

# ---------------------------------------------------------------- broken answers
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
start broken --scale 20 --rate-limit 0 --faults badjson@1,empty@2,cut@3,cutchunked@4:64,stall@5:1500,stall@6:1200,stallclose@7:600,drip@8-9:2000,echo@10,echo@11:503,repeat@13,repeat@17-18
page2=(-H "Authorization: Bearer $KEY" "$URL/v1/customers?limit=2")
read -r code bytes rc ms < <(fetch "$B" "${page2[@]}")
check "badjson@1: 200, well framed ($bytes bytes = Content-Length), not JSON" \
    bash -c "[ $code = 200 ] && [ $rc = 0 ] && [ $bytes = '$(header "$B.h" content-length)' ] && ! jq . '$B' >/dev/null 2>&1"
read -r code bytes rc ms < <(fetch "$B" "${page2[@]}")
check "empty@2: 200 with Content-Length 0" bash -c "[ $code = 200 ] && [ $bytes = 0 ] && [ '$(header "$B.h" content-length)' = 0 ]"
read -r code bytes rc ms < <(fetch "$B" "${page2[@]}")
cl=$(header "$B.h" content-length)
check "cut@3: Content-Length $cl, half of it sent ($bytes), then closed (curl exit 18)" \
    bash -c "[ $code = 200 ] && [ $rc = 18 ] && [ $bytes = $((cl / 2)) ]"
read -r code bytes rc ms < <(fetch "$B" "${page2[@]}")
check "cutchunked@4:64: chunked, 64 bytes, then closed without the last chunk (curl exit 18)" \
    bash -c "[ $code = 200 ] && [ $rc = 18 ] && [ $bytes = 64 ] && [ '$(header "$B.h" transfer-encoding)' = chunked ]"
read -r code bytes rc ms < <(fetch "$B" --max-time 0.75 "${page2[@]}")
cl=$(header "$B.h" content-length)
check "stall@5:1500: half the body ($bytes of $cl), then silence (a 0.75 s deadline fires: curl exit 28)" \
    bash -c "[ $code = 200 ] && [ $rc = 28 ] && [ $bytes = $((cl / 2)) ]"
read -r code bytes rc ms < <(fetch "$B" "${page2[@]}")
check "stall@6:1200: then the rest (${ms} ms), valid JSON" bash -c "[ $code = 200 ] && [ $rc = 0 ] && [ $ms -ge 1200 ] && jq -e '.object == \"list\"' '$B' >/dev/null"
read -r code bytes rc ms < <(fetch "$B" "${page2[@]}")
check "stallclose@7:600: half the body, 600 ms, closed (curl exit 18 after ${ms} ms)" \
    bash -c "[ $code = 200 ] && [ $rc = 18 ] && [ $bytes = $(($(header "$B.h" content-length) / 2)) ] && [ $ms -ge 600 ]"
read -r code bytes rc ms < <(fetch "$B" "${page2[@]}")
check "drip@8:2000: $bytes bytes trickle in ${ms} ms" \
    bash -c "[ $code = 200 ] && [ $rc = 0 ] && [ $ms -ge $((bytes * 1000 / 2000 - 100)) ] && jq -e '.object == \"list\"' '$B' >/dev/null"
read -r code bytes rc ms < <(fetch "$B" --max-time 0.25 "${page2[@]}")
check "drip@9:2000: still arriving at a 0.25 s deadline ($bytes of $(header "$B.h" content-length) bytes: curl exit 28)" \
    bash -c "[ $rc = 28 ] && [ $bytes -gt 0 ] && [ $bytes -lt $(header "$B.h" content-length) ]"
read -r code bytes rc ms < <(fetch "$B" "${page2[@]}")
check "echo@10: 401 whose message holds the whole key" \
    bash -c "[ $code = 401 ] && jq -e '.error.message == \"Invalid API Key provided: $KEY\"' '$B' >/dev/null"
read -r code bytes rc ms < <(fetch "$B" -u "$KEY:" "$URL/v1/customers?limit=2")
check "echo@11:503: api_error whose message holds the Authorization header, Basic decoded" \
    bash -c "[ $code = 503 ] && jq -e '.error.type == \"api_error\" and (.error.message | endswith(\"(Authorization: Basic $(printf '%s:' "$KEY" | base64); decoded: $KEY:)\"))' '$B' >/dev/null"
# repeat: request 13 asks for the page after request 12's and gets request 12's again
req "$B.12" "${auth[@]}" "$URL/v1/customers?limit=3" >/dev/null
after=$(jq -r '.data[-1].id' "$B.12")
req "$B.13" "${auth[@]}" "$URL/v1/customers?limit=3&starting_after=$after" >/dev/null
check "repeat@13: the previous page again, byte for byte (has_more true, Request-Id too)" \
    bash -c "cmp -s '$B.12' '$B.13' && jq -e '.has_more' '$B.13' >/dev/null && [ '$(header "$B.12.h" request-id)' = '$(header "$B.13.h" request-id)' ]"
req "$B.14" "${auth[@]}" "$URL/v1/customers?limit=3&starting_after=$(jq -r '.data[-1].id' "$B.13")" >/dev/null
check "the same cursor then gets the next page" \
    bash -c "[ \"\$(jq -r '.data[0].id' '$B.14')\" != \"\$(jq -r '.data[0].id' '$B.13')\" ] && [ '$(header "$B.14.h" request-id)' != '$(header "$B.13.h" request-id)' ]"
req "$B.15" "${auth[@]}" "$URL/v1/charges?limit=3" >/dev/null
req "$B.16" "${auth[@]}" "$URL/v1/charges?limit=3&starting_after=$(jq -r '.data[-1].id' "$B.15")" >/dev/null
req "$B.17" "${auth[@]}" "$URL/v1/charges?limit=3&starting_after=$(jq -r '.data[-1].id' "$B.16")" >/dev/null
req "$B.18" "${auth[@]}" "$URL/v1/charges?limit=3&starting_after=$(jq -r '.data[-1].id' "$B.17")" >/dev/null
check "repeat@17-18: a client following the cursor gets one page three times (a loop)" \
    bash -c "cmp -s '$B.16' '$B.17' && cmp -s '$B.16' '$B.18' && ! cmp -s '$B.15' '$B.16'"
stop broken "$PID"

# ---------------------------------------------------------------- records inserted during a run
# insert@5:3 in the main instance's world: the 3 newest customers (or more) and everything
# created since the first of them appear at request 5, at the head of every list.
start insert --seed 42 --scale 300 --truth "$WORK/ins" --rate-limit 0 --faults insert@5:3
I=$WORK/ins
check "insert: DIR/after is the main instance's truth, file for file" \
    bash -c "for f in customers plans subscriptions transactions invoices; do cmp -s '$I/after/'\$f.jsonl '$WORK/truth/'\$f.jsonl || exit 1; done"
check "insert: DIR holds the state before, a subset of after with the same values" \
    bash -c "for f in customers plans subscriptions transactions invoices; do [ -z \"\$(LC_ALL=C comm -23 '$I/'\$f.jsonl '$I/after/'\$f.jsonl)\" ] || exit 1; done"
LC_ALL=C comm -13 <(jq -r .id "$I/customers.jsonl") <(jq -r .id "$I/after/customers.jsonl") >"$WORK/ins.customers"
jq -r '[.created_at, .id] | @tsv' "$I/after/customers.jsonl" | sort -r | head -n "$(wc -l <"$WORK/ins.customers")" |
    cut -f2 | LC_ALL=C sort >"$WORK/ins.newest"
check "insert: the inserted customers are the newest, at least 3 ($(wc -l <"$WORK/ins.customers"))" \
    bash -c "[ \$(wc -l <'$WORK/ins.customers') -ge 3 ] && diff '$WORK/ins.newest' '$WORK/ins.customers'"
for f in customers subscriptions transactions invoices; do
    LC_ALL=C comm -13 "$I/$f.jsonl" "$I/after/$f.jsonl"
done | jq -r '.created_at // .occurred_at' | sort >"$WORK/ins.new_times"
check "insert: before, nothing refers to an inserted customer" \
    bash -c "! grep -qFf '$WORK/ins.customers' '$I/subscriptions.jsonl' '$I/transactions.jsonl' '$I/invoices.jsonl'"
check "insert: every new record ($(wc -l <"$WORK/ins.new_times")) is newer than every old one: they lead their lists" \
    bash -c "[ -s '$WORK/ins.new_times' ] && jq -e -s --arg t \"\$(head -n 1 '$WORK/ins.new_times')\" \
             'all(.[]; (.created_at // .occurred_at) < \$t)' '$I/customers.jsonl' '$I/subscriptions.jsonl' '$I/transactions.jsonl' '$I/invoices.jsonl' >/dev/null"
first=$(head -n 1 "$WORK/ins.customers")
req "$B.1" "${auth[@]}" "$URL/v1/customers?limit=100" >/dev/null                             # 1
code2=$(req "$B.2" "${auth[@]}" "$URL/v1/customers/$first")                                  # 2
req "$B.3" "${auth[@]}" "$URL/v1/customers?limit=100&starting_after=$(jq -r '.data[-1].id' "$B.1")" >/dev/null  # 3
req "$B.4" "${auth[@]}" "$URL/v1/charges?limit=100" >/dev/null                               # 4
req "$B.5" "${auth[@]}" "$URL/v1/customers?limit=100" >/dev/null                             # 5: inserted
req "$B.6" "${auth[@]}" "$URL/v1/customers?limit=100&starting_after=$(jq -r '.data[-1].id' "$B.1")" >/dev/null  # 6
code7=$(req "$B.7" "${auth[@]}" "$URL/v1/customers/$first")                                  # 7
req "$B.8" "${auth[@]}" "$URL/v1/charges?limit=100" >/dev/null                               # 8
check "insert: before request 5 an inserted customer is 404, then 200 ($code2, $code7)" [ "$code2:$code7" = 404:200 ]
k=$(wc -l <"$WORK/ins.customers")
check "insert: the first page leads with the $k new customers, then the old head" \
    bash -c "[ \"\$(jq -c '[.data[0:$k][].id] | sort' '$B.5')\" = \"\$(jq -R . '$WORK/ins.customers' | jq -s -c sort)\" ] &&
             [ \"\$(jq -c '[.data[$k:][].id]' '$B.5')\" = \"\$(jq -c '[.data[].id][0:(.data | length) - $k]' '$B.1')\" ]"
check "insert: a walk begun before continues exactly as before" cmp -s "$B.3" "$B.6"
check "insert: charges lead with the new ones, then the old head" \
    bash -c "jq -r '.data[].id' '$B.8' >'$WORK/h8'; jq -r '.data[].id' '$B.4' >'$WORK/h4';
             new=\$(grep -c -vxFf <(jq -r .id '$I/transactions.jsonl') '$WORK/h8');
             [ \$new -gt 0 ] && ! head -n \$new '$WORK/h8' | grep -qxFf <(jq -r .id '$I/transactions.jsonl') &&
             diff <(tail -n +\$((new + 1)) '$WORK/h8') <(head -n \$((\$(wc -l <'$WORK/h4') - new)) '$WORK/h4') >/dev/null"
stop insert "$PID"

# ---------------------------------------------------------------- bad fault specs
for spec in nope@1 cut@0 drip@2 echo@2:200 slow@2 badjson@2:5 insert@2-4:3 inflate@2:3 shrink@2:1 insert@2:100; do
    bad_args "$spec" --scale 20 --faults "$spec"
done
bad_args "insert@3:1" --scale 20 --faults insert@2:1,insert@3:1
bad_args "--rate-limit: invalid value" --rate-limit 5/0

if [ "$FAILURES" -ne 0 ]; then
    echo "sandbox smoke test: $FAILURES failure(s)" >&2
    exit 1
fi
echo "sandbox smoke test: all checks passed"
