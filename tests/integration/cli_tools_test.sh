#!/usr/bin/env bash
# The tools to investigate an extraction, in TAP: billtap totals and diff on sandbox
# output, checked against what Python computes from the sandbox's truth files (its own
# grouping, sums and decimal rendering: another code path than the CLI's); billtap
# inspect on a Stripe and a PayPal record against the truth; CSV quoting read back;
# malformed input.
# Usage: cli_tools_test.sh BILLTAP_CLI BILLTAP_SANDBOX
set -uo pipefail
cli=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") sandbox_bin=$2

. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/sandbox.sh"
quiet() { "$@" > /dev/null; }

start_sandbox main --seed 42 --scale 1000 --rate-limit 0
export BILLTAP_STRIPE_API_KEY=sk_test_sandbox
for r in transactions invoices plans customers; do
  "$cli" extract --provider stripe --resource "$r" "${AT_main[@]}" > "$work/$r.jsonl" 2> "$work/$r.err" ||
    not_ok "extract $r" "$(cat "$work/$r.err")"
  "$cli" extract --provider stripe --resource "$r" "${AT_main[@]}" --format csv > "$work/$r.csv" 2>> "$work/$r.err" ||
    not_ok "extract $r as CSV" "$(cat "$work/$r.err")"
done

# ---- totals ----

# The totals the truth files add up to, for the money fields this test knows (a later
# library may sum more fields: those rows are left out of the comparison).
known='amount refunded_amount captured_amount fee_amount net_amount subtotal discount tax total amount_paid amount_due'
truth_totals() {
  python3 - "$known" "$@" <<'EOF'
import json, os, sys
from decimal import Decimal
known = sys.argv[1].split()
groups = {}
for path in sys.argv[2:]:
    for line in open(path, encoding="utf-8"):
        r = json.loads(line)
        month = (r.get("created_at") or r["occurred_at"])[:7]
        if os.environ.get("TOTALS_WHOLE"):
            month = "all"  # billtap totals --whole
        cur = r.get("currency")
        key = (month, cur or "-", str(r["currency_exponent"]) if cur else "-", r["object"],
               r.get("kind") or "-")
        g = groups.setdefault(key, {"records": 0, "fields": {}})
        g["records"] += 1
        for f in known:
            if f in r:
                s = g["fields"].setdefault(f, [0, 0])
                if r[f] is not None:
                    s[0] += 1
                    s[1] += r[f]
def render(minor, exp):
    if exp == 0:
        return str(minor)
    return format(Decimal(minor).scaleb(-exp), "." + str(exp) + "f")
for key in sorted(groups, key=lambda k: [p.encode() for p in k]):
    g = groups[key]
    if not g["fields"]:
        print("\t".join(key + ("-", str(g["records"]), "0", "-")))
    for f, (n, total) in sorted(g["fields"].items()):
        print("\t".join(key + (f, str(g["records"]), str(n),
                               render(total, int(key[2])) if n else "-")))
EOF
}
# billtap totals, restricted to the known fields (and groups without money)
cli_totals() {
  "$cli" totals "$@" | awk -F'\t' -v known=" $known - " 'NR > 1 && index(known, " " $6 " ")' |
    LC_ALL=C sort
}

for r in transactions invoices plans customers; do
  truth_totals "$work/main/$r.jsonl" | LC_ALL=C sort > "$work/$r.want-totals"
  cli_totals "$work/$r.jsonl" > "$work/$r.got-totals"
  if [ -s "$work/$r.want-totals" ] && cmp -s "$work/$r.got-totals" "$work/$r.want-totals"; then
    ok "totals $r: equal to the truth's ($(wc -l < "$work/$r.want-totals") rows)"
  else
    not_ok "totals $r: differ from the truth's" "$(diff "$work/$r.got-totals" "$work/$r.want-totals" | head -5)"
  fi
  check "totals $r: CSV sums the same as JSON lines" \
    cmp -s <("$cli" totals "$work/$r.csv") <("$cli" totals "$work/$r.jsonl")
done
TOTALS_WHOLE=1 truth_totals "$work/main/transactions.jsonl" | LC_ALL=C sort > "$work/whole.want"
cli_totals --whole "$work/transactions.jsonl" > "$work/whole.got"
check "totals --whole: every month as one group, equal to the truth's" \
  cmp -s "$work/whole.got" "$work/whole.want"
check "totals --whole: fewer groups than by month" \
  test "$(wc -l < "$work/whole.got")" -lt "$(wc -l < "$work/transactions.got-totals")"
# Several files add up; standard input works.
head -n 700 "$work/transactions.jsonl" > "$work/tx.a"
tail -n +701 "$work/transactions.jsonl" > "$work/tx.b"
check "totals: two halves add up to the whole" \
  cmp -s <("$cli" totals "$work/tx.a" - < "$work/tx.b") <("$cli" totals "$work/transactions.jsonl")
# Exact beyond doubles: 2^53 + 1 minor units, rendered at 2 and 0 decimals.
cat > "$work/big.jsonl" <<'EOF'
{"object":"transaction","id":"t1","kind":"payment","amount":9007199254740993,"currency":"USD","currency_exponent":2,"occurred_at":"2025-01-31T23:59:59Z"}
{"object":"transaction","id":"t2","kind":"payment","amount":-5,"currency":"JPY","currency_exponent":0,"occurred_at":"2025-02-01T00:00:00Z"}
{"object":"transaction","id":"t3","kind":"payment","amount":7,"currency":"KWD","currency_exponent":3,"occurred_at":"2025-02-01T00:00:00+01:00"}
EOF
check "totals: exact decimals, months in UTC" test "$("$cli" totals "$work/big.jsonl" | cut -f1,2,9 | tr '\t\n' ' ')" = \
  "month currency sum 2025-01 KWD 0.007 2025-01 USD 90071992547409.93 2025-02 JPY -5 "
check "totals --date: another time field" \
  test "$("$cli" totals --date occurred_at "$work/transactions.jsonl" | wc -l)" -gt 1

# ---- diff ----

"$cli" diff "$work/main/transactions.jsonl" "$work/transactions.jsonl" > "$work/d.out"
status=$?
check "diff: the extraction equals the truth (exit 0)" test $status -eq 0
check "diff: says how many are equal" grep -qx "0 only in .*, 0 only in .*, 0 changed, $(wc -l < "$work/transactions.jsonl") equal" "$work/d.out"
for r in transactions invoices customers; do
  check "diff $r: CSV equals JSON lines" quiet "$cli" diff "$work/$r.csv" "$work/$r.jsonl"
done
# B: one amount altered (line 10), one record removed (line 20), one added.
python3 - "$work/transactions.jsonl" "$work/altered.jsonl" <<'EOF'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
out = []
for i, line in enumerate(lines, 1):
    if i == 20:
        continue
    if i == 10:
        r = json.loads(line)
        r["amount"] += 1
        line = json.dumps(r, separators=(",", ":"), ensure_ascii=False)
    out.append(line)
extra = json.loads(lines[29])
extra["id"] = "ch_added_by_the_test"
out.append(json.dumps(extra, separators=(",", ":")))
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(out) + "\n")
EOF
id10=$(sed -n 10p "$work/transactions.jsonl" | jq -r .id)
amount10=$(sed -n 10p "$work/transactions.jsonl" | jq -r .amount)
id20=$(sed -n 20p "$work/transactions.jsonl" | jq -r .id)
total=$(wc -l < "$work/transactions.jsonl")
# Both orders: the smaller file is the one loaded, so each side is loaded once.
for order in "transactions.jsonl altered.jsonl" "altered.jsonl transactions.jsonl"; do
  set -- $order
  (cd "$work" && "$cli" diff "$1" "$2") > "$work/d.out"
  status=$?
  check "diff $1 $2: exit 1 when different" test $status -eq 1
  if [ "$1" = transactions.jsonl ]; then a_val=$amount10 b_val=$((amount10 + 1)) only_a=$id20 only_b=ch_added_by_the_test
  else a_val=$((amount10 + 1)) b_val=$amount10 only_a=ch_added_by_the_test only_b=$id20; fi
  check "diff $1 $2: the altered field with both values" \
    grep -qx "  amount: $a_val | $b_val" "$work/d.out"
  check "diff $1 $2: the changed record named" grep -q "^changed: transaction $id10 ($1:10, $2:" "$work/d.out"
  check "diff $1 $2: the record only in A" grep -q "^only in $1: transaction $only_a (line" "$work/d.out"
  check "diff $1 $2: the record only in B" grep -q "^only in $2: transaction $only_b (line" "$work/d.out"
  check "diff $1 $2: nothing else" test "$(grep -c '^changed:\|^only in\|^  ' "$work/d.out")" -eq 4
  check "diff $1 $2: the summary" grep -qx "1 only in $1, 1 only in $2, 1 changed, $((total - 2)) equal" "$work/d.out"
done
check "diff: standard input as one side" \
  sh -c '"$1" diff "$2" - < "$3" > /dev/null; test $? -eq 1' sh "$cli" "$work/transactions.jsonl" "$work/altered.jsonl"

# ---- CSV quoting read back ----

python3 - "$work/q.csv" "$work/q.jsonl" "$(head -1 "$work/customers.csv")" <<'EOF'
import csv, json, sys
header = sys.argv[3].split(",")
names = ['Smith, John', 'Dwayne "The Rock" Johnson', 'two\nlines', 'crlf\r\nend', 'plain',
         '"', ',', 'Zoë, "ä"\n,\n']
rows = []
for i, name in enumerate(names):
    rows.append({"id": "cus_q%d" % i, "email": None, "name": name, "country": "DE",
                 "created_at": "2025-03-0%dT10:00:00Z" % (i % 9 + 1), "deleted": False})
with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow(["" if r[h] is None else ("false" if r[h] is False else r[h]) for h in header])
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for r in rows:
        f.write(json.dumps(dict({"object": "customer"}, **r), ensure_ascii=False) + "\n")
EOF
check "csv: quoted commas, quotes and line breaks read back equal" quiet "$cli" diff "$work/q.csv" "$work/q.jsonl"
sed 's/Smith, John/Smith, Jane/' "$work/q.jsonl" > "$work/q2.jsonl"
"$cli" diff "$work/q.csv" "$work/q2.jsonl" > "$work/d.out"
check "csv: a changed quoted name is found" grep -qx '  name: "Smith, John" | "Smith, Jane"' "$work/d.out"
"$cli" diff "$work/q2.jsonl" "$work/q.csv" > "$work/d.out"
check "csv: line breaks shown escaped" grep -q '^only in\|^changed' "$work/d.out"
check "csv: records counted once each" \
  test "$("$cli" totals "$work/q.csv" | awk -F'\t' 'NR > 1 {n += $7} END {print n}')" -eq 8
check "csv: the sandbox's customers as CSV equal the truth" \
  quiet "$cli" diff "$work/customers.csv" "$work/main/customers.jsonl"

# ---- malformed input ----

printf '%s\n' "$(head -1 "$work/transactions.jsonl")" '{"object":"transaction","id":' > "$work/bad1.jsonl"
expect_fail "malformed: a broken JSON line names file and line (exit 3)" 3 "bad1.jsonl:2: not a JSON line" \
  "$cli" totals "$work/bad1.jsonl"
printf '{"id":"x"}\n' > "$work/bad2.jsonl"
expect_fail "malformed: a line without object" 3 "bad2.jsonl:1: has no \"object\" member" \
  "$cli" diff "$work/bad2.jsonl" "$work/transactions.jsonl"
printf '\n{"object":"transaction","id":"t","amount":"12.5","currency":"USD","currency_exponent":2,"occurred_at":"2025-01-01T00:00:00Z"}\n' > "$work/bad3.jsonl"
expect_fail "malformed: an amount that is not minor units" 3 "bad3.jsonl:2: amount is not an integer of minor units: '12.5'" \
  "$cli" totals "$work/bad3.jsonl"
printf '{"object":"customer","id":"c"}\n' > "$work/bad4.jsonl"
expect_fail "malformed: a record without its date" 3 "bad4.jsonl:1: created_at (or occurred_at) is missing" \
  "$cli" totals "$work/bad4.jsonl"
{ head -1 "$work/customers.csv"; printf 'cus_1,,"unterminated,DE,2025-01-01T00:00:00Z,false\n'; } > "$work/bad5.csv"
expect_fail "malformed: an unterminated quoted CSV cell" 3 "bad5.csv:2: a quoted cell is not closed" \
  "$cli" totals "$work/bad5.csv"
{ head -1 "$work/customers.csv"; printf 'cus_1,,x,DE,2025-01-01T00:00:00Z,false\ncus_2,x\n'; } > "$work/bad6.csv"
expect_fail "malformed: a CSV row with too few cells" 3 "bad6.csv:3: the row has 2 cells, the header 6" \
  "$cli" totals "$work/bad6.csv"
printf 'id,colour\nx,red\n' > "$work/bad7.csv"
expect_fail "malformed: a CSV header of no record kind" 3 "bad7.csv:1: the CSV header is not the fields of a record kind" \
  "$cli" totals "$work/bad7.csv"
{ head -1 "$work/customers.csv"; printf 'cus_1,,a "b",DE,2025-01-01T00:00:00Z,false\n'; } > "$work/bad8.csv"
expect_fail "malformed: a quote inside an unquoted CSV cell" 3 "bad8.csv:2: a quote inside an unquoted cell" \
  "$cli" totals "$work/bad8.csv"
{ cat "$work/q.jsonl"; head -1 "$work/q.jsonl"; } > "$work/dup.jsonl"
expect_fail "malformed: diff refuses an id twice" 3 "dup.jsonl:9: customer cus_q0 appears twice (first on line 1)" \
  "$cli" diff "$work/dup.jsonl" "$work/customers.jsonl"
expect_fail "a missing file: exit 6" 6 "cannot open $work/nonexistent" "$cli" totals "$work/nonexistent"
expect_fail "diff needs two files: exit 2" 2 "billtap diff A B" "$cli" diff "$work/q.csv"

# ---- inspect ----

line=$(jq -c 'select(.kind == "payment")' "$work/main/transactions.jsonl" | head -1)
id=$(jq -r .id <<<"$line") cur=$(jq -r .currency <<<"$line") cus=$(jq -r .customer_id <<<"$line")
"$cli" inspect --provider stripe --resource transactions --id "$id" "${AT_main[@]}" > "$work/i.out" 2> "$work/i.err"
check "inspect stripe: exit 0" test $? -eq 0
check "inspect stripe: the raw JSON" grep -q "^  \"id\": \"$id\",\$" "$work/i.out"
check "inspect stripe: the raw object is a charge" grep -q '^  "object": "charge",$' "$work/i.out"
lower=$(tr 'A-Z' 'a-z' <<<"$cur")
check "inspect stripe: currency traced to its member" \
  grep -Eq "^currency +\"$cur\" +<- member currency = \"$lower\"\$" "$work/i.out"
check "inspect stripe: currency_exponent derived from the currency" \
  grep -Eq "^currency_exponent +[0-9] +<- derived by stripe's table from currency = \"$lower\"\$" "$work/i.out"
check "inspect stripe: customer_id traced" \
  grep -Eq "^customer_id +\"$cus\" +<- member customer = \"$cus\"\$" "$work/i.out"
check "inspect stripe: every field of the record has a source" \
  test "$(grep -c ' <- ' "$work/i.out")" -eq "$(jq 'del(.object) | length' <<<"$line")"
check "inspect stripe: the kind computed from the object" \
  grep -Eq '^kind +"payment" +<- computed by stripe from object = "charge"$' "$work/i.out"
# A payment with a fee and an invoice found through /v1/invoice_payments: provider code set
# them, and names the members (the balance transaction's; the invoice payment's).
line=$(jq -c 'select(.kind == "payment" and .fee_amount != null and .invoice_id != null)' \
  "$work/main/transactions.jsonl" | head -1)
id=$(jq -r .id <<<"$line") fee=$(jq -r .fee_amount <<<"$line") inv=$(jq -r .invoice_id <<<"$line")
"$cli" inspect --provider stripe --resource transactions --id "$id" "${AT_main[@]}" > "$work/i.out" 2> "$work/i.err"
check "inspect stripe: fee_amount traced to the balance transaction's fee" \
  grep -Eq "^fee_amount +$fee +<- computed by stripe from balance_transaction.fee = $fee balance_transaction.currency = \"[a-z]{3}\" currency = \"[a-z]{3}\"\$" "$work/i.out"
check "inspect stripe: invoice_id traced to the invoice payment" \
  grep -Eq "^invoice_id +\"$inv\" +<- computed by stripe from payment_intent = \"pi_[^\"]+\" invoice_payments:payment.payment_intent invoice_payments:invoice.id\$" "$work/i.out"
check "inspect stripe: no field of a payment is left unnamed" \
  bash -c '! grep -q "members not named" "$1"' _ "$work/i.out"
sub=$(head -1 "$work/main/subscriptions.jsonl")
sid=$(jq -r .id <<<"$sub") iid=$(jq -r '.items[0].id' <<<"$sub") qty=$(jq -r '.items[0].quantity' <<<"$sub")
"$cli" inspect --provider stripe --resource subscriptions --id "$iid" "${AT_main[@]}" > "$work/i.out" 2> "$work/i.err"
check "inspect stripe: a nested item's id finds its subscription" grep -q "^== subscription $sid\$" "$work/i.out"
check "inspect stripe: the item traced from its own object" \
  grep -Eq "^quantity +$qty +<- member quantity = $qty\$" "$work/i.out"
expect_fail "inspect: an id that is not there (exit 3)" 3 "stripe has no transactions with id ch_nothing" \
  "$cli" inspect --provider stripe --resource transactions --id ch_nothing "${AT_main[@]}"
# inspect reads --provider, --resource, --since and the settings options as extract does
# (one parser, cli_settings.c), with the same checks before any request.
expect_fail "inspect: a resource no provider has (exit 2)" 2 \
  "unknown resource 'refunds' (" \
  "$cli" inspect --provider paypal --resource refunds --id x "${AT_main[@]}"
expect_fail "inspect: --since that is not a time (exit 2)" 2 \
  "--since 'last tuesday' is not a time (RFC 3339" \
  "$cli" inspect --provider stripe --resource customers --id x --since "last tuesday" "${AT_main[@]}"
expect_fail "inspect: --set without a value (exit 2)" 2 "--set needs a value" \
  "$cli" inspect --provider stripe --resource customers --id x --set
expect_fail "inspect: --id required (exit 2)" 2 "inspect needs --provider, --resource and --id" \
  "$cli" inspect --provider stripe --resource transactions

start_sandbox pp --provider paypal --seed 42 --scale 200 --rate-limit 0
settings_file pp "$work/pp.settings"
"$cli" extract --provider paypal --resource transactions --settings-file "$work/pp.settings" \
  > "$work/pp.jsonl" 2> "$work/pp.err" || not_ok "extract paypal transactions" "$(cat "$work/pp.err")"
truth_totals "$work/pp/transactions.jsonl" | LC_ALL=C sort > "$work/pp.want-totals"
cli_totals "$work/pp.jsonl" > "$work/pp.got-totals"
if [ -s "$work/pp.want-totals" ] && cmp -s "$work/pp.got-totals" "$work/pp.want-totals"; then
  ok "totals paypal transactions: equal to the truth's ($(wc -l < "$work/pp.want-totals") rows)"
else
  not_ok "totals paypal transactions: differ from the truth's" "$(diff "$work/pp.got-totals" "$work/pp.want-totals" | head -5)"
fi
check "totals paypal: zero-decimal currencies rendered without a point" \
  sh -c '! awk -F"\t" "\$3 == 0 && \$9 ~ /[.]/" "$1" | grep -q .' sh "$work/pp.got-totals"
check "diff paypal: the extraction equals the truth" quiet "$cli" diff "$work/pp.jsonl" "$work/pp/transactions.jsonl"
line=$(head -1 "$work/pp/transactions.jsonl")
id=$(jq -r .id <<<"$line") cur=$(jq -r .currency <<<"$line") st=$(jq -r .provider_status <<<"$line")
"$cli" inspect --provider paypal --resource transactions --id "$id" --settings-file "$work/pp.settings" > "$work/i.out" 2> "$work/i.err"
check "inspect paypal: exit 0" test $? -eq 0
check "inspect paypal: the raw JSON" grep -q "\"transaction_id\": \"$id\"" "$work/i.out"
check "inspect paypal: the id traced to transaction_info.transaction_id" \
  grep -Eq "^id +\"$id\" +<- member transaction_info.transaction_id = \"$id\"\$" "$work/i.out"
check "inspect paypal: the currency traced" \
  grep -Eq "^currency +\"$cur\" +<- member transaction_info.transaction_amount.currency_code = \"$cur\"\$" "$work/i.out"
check "inspect paypal: the status traced" \
  grep -Eq "^provider_status +\"$st\" +<- member transaction_info.transaction_status = \"$st\"\$" "$work/i.out"
check "inspect paypal: provider code's values say so" grep -q "<- computed by paypal" "$work/i.out"
# A value PayPal code computes names its members, with their raw values: the kind from the
# row's event code and the amount's sign.
kind=$(jq -r .kind <<<"$line")
code=$(grep -o '"transaction_event_code": "[^"]*"' "$work/i.out" | head -1 | cut -d'"' -f4)
value=$(grep -o '"value": "[^"]*"' "$work/i.out" | head -1 | cut -d'"' -f4)
check "inspect paypal: the kind names its members" \
  grep -Eq "^kind +\"$kind\" +<- computed by paypal from transaction_info.transaction_event_code = \"$code\" transaction_info.transaction_amount.value = \"$value\"\$" "$work/i.out"
# A customer is gathered from subscriptions and search rows: no raw JSON of its own, so its
# members are those of the objects read (OBJECT:PATH).
cid=$(head -1 "$work/pp/customers.jsonl" | jq -r .id)
"$cli" inspect --provider paypal --resource customers --id "$cid" --settings-file "$work/pp.settings" > "$work/ic.out" 2> "$work/ic.err"
check "inspect paypal customer: exit 0" test $? -eq 0
check "inspect paypal customer: the id names the payer members" \
  grep -Eq "^id +\"$cid\" +<- computed by paypal from (subscriptions:subscriber.payer_id|transactions:payer_info.account_id|subscriptions:subscriber.payer_id transactions:payer_info.account_id)\$" "$work/ic.out"
check "inspect paypal customer: the email names its member" \
  grep -Eq "^email +.* +<- computed by paypal from (subscriptions:subscriber|transactions:payer_info).email_address\$" "$work/ic.out"

# Nested records compared as JSON values: the same lines with their members in another
# order (and a non-ASCII string escaped) are equal; one changed amount is not.
python3 - "$work/invoices.jsonl" "$work/inv.reordered" "$work/inv.changed" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
with open(sys.argv[2], "w") as f:
    for r in rows:
        r["lines"] = [dict(reversed(list(l.items()))) for l in r["lines"]]
        f.write(json.dumps(r, ensure_ascii=True) + "\n")
changed = next(r for r in rows if r["lines"])
changed["lines"][0]["amount"] += 1
with open(sys.argv[3], "w") as f:
    for r in rows:
        f.write(json.dumps(r) + "\n")
EOF
check "diff: nested lines equal whatever their members' order" \
  quiet "$cli" diff "$work/invoices.jsonl" "$work/inv.reordered"
"$cli" diff "$work/invoices.jsonl" "$work/inv.changed" > "$work/inv.diff"
check "diff: one line's amount changed is a difference (exit 1)" test $? -eq 1
check "diff: ... shown on the lines member" grep -q "^  lines: " "$work/inv.diff"

# ---- apply ----

# Changes made by Python (a tombstone, a changed record, a new one, a tombstone of what
# never was) against what Python says the result is.
python3 - "$work/customers.jsonl" "$work/apply.changes" "$work/apply.want" <<'EOF'
import json, sys
base = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
gone, changed = base[0], dict(base[1], email="changed@example.com")
new = dict(base[2], id="cus_new_1")
with open(sys.argv[2], "w") as f:
    for r in ({"object": "customer", "id": gone["id"], "deleted": True}, changed, new,
              {"object": "customer", "id": "cus_never", "deleted": True}):
        f.write(json.dumps(r, separators=(",", ":")) + "\n")
with open(sys.argv[3], "w") as f:
    for r in [changed] + base[2:] + [new]:
        f.write(json.dumps(r, separators=(",", ":"), ensure_ascii=False) + "\n")
EOF
"$cli" apply "$work/customers.jsonl" "$work/apply.changes" > "$work/apply.got" 2> "$work/apply.err"
check "apply: exit 0" test $? -eq 0
check "apply: upserts in place, tombstones remove, new records last" \
  quiet "$cli" diff "$work/apply.got" "$work/apply.want"
check "apply: first-seen order" \
  test "$(jq -r .id "$work/apply.got" | tr '\n' ' ')" = "$(jq -r .id "$work/apply.want" | tr '\n' ' ')"
printf '{"object":"customer"}\n' > "$work/apply.bad"
"$cli" apply "$work/customers.jsonl" "$work/apply.bad" > /dev/null 2> "$work/apply.err"
check "apply: a line without an id is exit 3" test $? -eq 3
check "apply: the message names file and line" grep -q 'apply.bad:1: no "id" string' "$work/apply.err"

echo "1..$n"
[ "$failed" -eq 0 ]
