#!/usr/bin/env bash
# The billtap CLI against billtap-sandbox, in TAP. The output of every resource at scale
# 5000 must equal the truth files as JSON values; interrupted runs must resume exactly.
# Plugins: --plugin, BILLTAP_PLUGINS, describe and providers against the test plugins of
# tests/plugins (PLUGIN_DIR).
# Usage: cli_test.sh BILLTAP_CLI BILLTAP_SANDBOX PLUGIN_DIR
set -uo pipefail
cli=$1 sandbox_bin=$2 plugin_dir=$3

. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/sandbox.sh"

start_sandbox main --seed 42 --scale 5000 --rate-limit 0
export BILLTAP_STRIPE_API_KEY=sk_test_sandbox

for r in customers plans subscriptions transactions invoices; do
  if "$cli" extract --provider stripe --resource "$r" "${AT_main[@]}" > "$work/$r.out" 2> "$work/$r.err"; then
    normalize < "$work/$r.out" > "$work/$r.got"
    normalize < "$work/main/$r.jsonl" > "$work/$r.want"
    if cmp -s "$work/$r.got" "$work/$r.want"; then
      ok "$r: output equals the truth ($(wc -l < "$work/$r.want") records)"
    else
      not_ok "$r: output differs from the truth" "$(diff "$work/$r.got" "$work/$r.want" | head -5)"
    fi
  else
    not_ok "$r: extraction failed" "$(cat "$work/$r.err")"
  fi
done

# CSV: a header and one row per record.
"$cli" extract --provider stripe --resource customers "${AT_main[@]}" --format csv > "$work/c.csv" 2>&1
check "csv: header names the fields" test "$(head -1 "$work/c.csv")" = "id,email,name,country,created_at,deleted"
rows=$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1])))-1)' "$work/c.csv")
check "csv: one row per customer" test "$rows" -eq "$(wc -l < "$work/main/customers.jsonl")"
# A resumed CSV run appends rows only: one header in the combined file.
"$cli" extract --provider stripe --resource customers "${AT_main[@]}" --format csv \
  --checkpoint-file "$work/csv.cp" --max-records 150 > "$work/resumed.csv" 2>/dev/null
"$cli" extract --provider stripe --resource customers "${AT_main[@]}" --format csv \
  --checkpoint-file "$work/csv.cp" >> "$work/resumed.csv" 2>/dev/null
check "csv: a resumed run adds no second header" test "$(grep -c '^id,email,' "$work/resumed.csv")" -eq 1
check "csv: resumed output equals one run" cmp -s <(sort "$work/resumed.csv") <(sort "$work/c.csv")

# Resume: stop after 777 records, run again with the same checkpoint file.
cp_file=$work/txn.checkpoint
"$cli" extract --provider stripe --resource transactions "${AT_main[@]}" \
  --checkpoint-file "$cp_file" --max-records 777 > "$work/part1" 2>/dev/null
check "resume: the first run stops at 777 records" test "$(wc -l < "$work/part1")" -eq 777
check "resume: the checkpoint file is kept" test -s "$cp_file"
"$cli" extract --provider stripe --resource transactions "${AT_main[@]}" \
  --checkpoint-file "$cp_file" > "$work/part2" 2>/dev/null
cat "$work/part1" "$work/part2" | normalize > "$work/resumed"
check "resume: both runs together equal the truth, no duplicates" cmp -s "$work/resumed" "$work/transactions.want"
check "resume: the checkpoint file is removed when done" test ! -e "$cp_file"

# Invoices in three runs of small pages (7 invoices a page, lines past the embedded ten paged
# from /v1/invoices/{id}/lines): together they equal the truth.
cp_file=$work/inv.checkpoint
for limit in 500 500 ""; do
  "$cli" extract --provider stripe --resource invoices "${AT_main[@]}" --set page_size=7 \
    --checkpoint-file "$cp_file" ${limit:+--max-records "$limit"} 2>/dev/null
done > "$work/inv.parts"
check "invoices: three resumed runs of small pages equal the truth" \
  cmp -s <(normalize < "$work/inv.parts") "$work/invoices.want"

# Interrupted by SIGTERM against a slow (rate-limited) sandbox, resumed against the same one:
# a checkpoint is bound to its base URL and account (docs/reliability.md).
start_sandbox slow --seed 42 --scale 5000 --rate-limit 4
cp_file=$work/sub.checkpoint
"$cli" extract --provider stripe --resource subscriptions "${AT_slow[@]}" \
  --checkpoint-file "$cp_file" --set retry_base_ms=50 > "$work/int1" 2>"$work/int1.err" &
victim=$!
sleep 3
kill -TERM "$victim"
wait "$victim"
status=$?
check "sigterm: exit status 130" test "$status" -eq 130
check "sigterm: says it was interrupted" grep -q "interrupted after" "$work/int1.err"
"$cli" extract --provider stripe --resource subscriptions "${AT_slow[@]}" \
  --checkpoint-file "$cp_file" > "$work/int2" 2>/dev/null
cat "$work/int1" "$work/int2" | normalize > "$work/interrupted"
check "sigterm: resumed output equals the truth" cmp -s "$work/interrupted" "$work/subscriptions.want"

# SIGKILL gives no chance to save: the last saved checkpoint is at most 100 records behind,
# so nothing is lost and at most 100 records come twice.
cp_file=$work/kill.checkpoint
"$cli" extract --provider stripe --resource subscriptions "${AT_slow[@]}" \
  --checkpoint-file "$cp_file" --set retry_base_ms=50 > "$work/k1" 2>/dev/null &
victim=$!
sleep 3
kill -KILL "$victim"
wait "$victim" 2>/dev/null
"$cli" extract --provider stripe --resource subscriptions "${AT_slow[@]}" \
  --checkpoint-file "$cp_file" > "$work/k2" 2>/dev/null
cat "$work/k1" "$work/k2" | jq -r .id | LC_ALL=C sort > "$work/kill.ids"
jq -r .id "$work/main/subscriptions.jsonl" | LC_ALL=C sort > "$work/truth.ids"
check "sigkill: no record lost" test -z "$(LC_ALL=C comm -13 "$work/kill.ids" "$work/truth.ids")"
dups=$(uniq -d "$work/kill.ids" | wc -l)
check "sigkill: at most 100 records twice ($dups)" test "$dups" -le 100

# PayPal at scale 2000 with tokens that expire every 5 seconds, and a rate limit that
# stretches the subscription and customer runs past several tokens: every resource equals
# the truth.
start_sandbox paypal --provider paypal --seed 42 --scale 2000 --opt token_ttl=5 --rate-limit 300
mapfile -t pp_sets < <(sets paypal)
check "paypal: the settings line names the client, its secret and the URL" \
  test "$SETTINGS_paypal" = "client_id=sandbox-client client_secret=sandbox-secret base_url=$URL_paypal rate_limit=300"
for r in customers plans subscriptions transactions invoices; do
  if "$cli" extract --provider paypal --resource "$r" "${pp_sets[@]}" --set retry_base_ms=100 \
      --verbose > "$work/pp-$r.out" 2> "$work/pp-$r.err"; then
    normalize < "$work/pp-$r.out" > "$work/pp-$r.got"
    normalize < "$work/paypal/$r.jsonl" > "$work/pp-$r.want"
    if cmp -s "$work/pp-$r.got" "$work/pp-$r.want"; then
      ok "paypal $r: output equals the truth ($(wc -l < "$work/pp-$r.want") records; $(tail -1 "$work/pp-$r.err" | sed 's/^billtap: //'))"
    else
      not_ok "paypal $r: output differs from the truth" "$(diff "$work/pp-$r.got" "$work/pp-$r.want" | head -5)"
    fi
  else
    not_ok "paypal $r: extraction failed" "$(cat "$work/pp-$r.err")"
  fi
done

# Every built-in provider with a sandbox module, found by introspection (`billtap
# providers`, `billtap describe`): every resource it lists equals the truth at scale 2000,
# with nothing but the sandbox's settings line. A provider the sandbox has no module for is
# skipped, named.
while read -r name _; do
  if ! "$sandbox_bin" --help 2>&1 | grep -q -- "--provider $name,"; then
    ok "# SKIP $name: billtap-sandbox has no module for it"
    continue
  fi
  tag=any_${name//-/_} # a shell variable name (start_sandbox keeps URL_TAG, SETTINGS_TAG)
  start_sandbox "$tag" --provider "$name" --seed 42 --scale 2000 --rate-limit 0
  settings_file "$tag" "$work/$tag.settings"
  resources=$("$cli" describe "$name" | sed -n 's/^resources: //p' | tr -d ',')
  for r in $resources; do
    if "$cli" extract --provider "$name" --resource "$r" --settings-file "$work/$tag.settings" \
        > "$work/$tag-$r.out" 2> "$work/$tag-$r.err"; then
      normalize < "$work/$tag-$r.out" > "$work/$tag-$r.got"
      normalize < "$work/$tag/$r.jsonl" > "$work/$tag-$r.want"
      if [ -s "$work/$tag-$r.want" ] && cmp -s "$work/$tag-$r.got" "$work/$tag-$r.want"; then
        ok "$name $r (introspected): output equals the truth ($(wc -l < "$work/$tag-$r.want") records)"
      else
        not_ok "$name $r (introspected): output differs from the truth" \
          "$(diff "$work/$tag-$r.got" "$work/$tag-$r.want" | head -5)"
      fi
    else
      not_ok "$name $r (introspected): extraction failed" "$(cat "$work/$tag-$r.err")"
    fi
  done
done < <("$cli" providers | awk '$NF == "built-in"')

# Errors: clear message, the exit status of their class (docs/cli.md).
expect_fail "bad key: exit 3 (permanent) naming HTTP 401 and the request" 3 "HTTP 401 (request req_" \
  env BILLTAP_STRIPE_API_KEY=sk_test_bad "$cli" extract --provider stripe --resource customers "${AT_main[@]}"
expect_fail "missing key: exit 3 (permanent)" 3 "setting api_key is required" \
  env -u BILLTAP_STRIPE_API_KEY "$cli" extract --provider stripe --resource customers "${AT_main[@]}"
expect_fail "unknown provider lists the known ones" 2 "unknown provider 'nope' (known: stripe" \
  "$cli" extract --provider nope --resource customers
expect_fail "unknown resource" 2 "unknown resource 'refunds' (customers, plans, subscriptions, transactions, invoices)" \
  "$cli" extract --provider stripe --resource refunds "${AT_main[@]}"
expect_fail "invalid since" 2 "--since 'last tuesday' is not a time" \
  "$cli" extract --provider stripe --resource customers --since "last tuesday" "${AT_main[@]}"
expect_fail "unknown setting" 2 "unknown setting 'colour'" \
  "$cli" extract --provider stripe --resource customers --set colour=blue "${AT_main[@]}"
expect_fail "out-of-range setting" 2 "page_size: 500 is out of range 1..100" \
  "$cli" extract --provider stripe --resource customers --set page_size=500 "${AT_main[@]}"
expect_fail "paypal: bad secret names PayPal's error (exit 3)" 3 "invalid_client: Client Authentication failed" \
  env BILLTAP_PAYPAL_CLIENT_ID=sandbox-client BILLTAP_PAYPAL_CLIENT_SECRET=wrong "$cli" extract --provider paypal --resource plans "${AT_paypal[@]}"
expect_fail "corrupt checkpoint file (exit 3)" 3 "checkpoint" \
  sh -c "echo garbage > '$work/bad.cp'; exec '$cli' extract --provider stripe --resource customers --base-url '$URL_main' --checkpoint-file '$work/bad.cp'"

# --since through the CLI: every record at or after the cut.
cut=2024-01-01
"$cli" extract --provider stripe --resource customers "${AT_main[@]}" --since "$cut" > "$work/since.out"
want=$(jq -r "select(.created_at >= \"${cut}T00:00:00Z\") | .id" "$work/main/customers.jsonl" | LC_ALL=C sort)
got=$(jq -r .id "$work/since.out" | LC_ALL=C sort)
check "since: exactly the customers created from $cut on" test "$want" = "$got"

# Plugins. The test plugin's settings, as tests/plugins/test_plugin.c defines them.
plug=$plugin_dir/testplug_ok.so
"$cli" --plugin "$plug" describe testplug > "$work/describe.out" 2>&1
cat > "$work/describe.want" <<EOF
Test Plug (testplug), plugin $plug
resources: customers
since honoured by: (none)
incremental: customers none
settings (--set KEY=VALUE, or BILLTAP_TESTPLUG_<KEY> in the environment):
  name                 type               flags                    default
  api_key              string             required,secret          -
      the account's API key
  base_url             url                -                        https://api.testplug.invalid
      API origin
  page_size            int 1..50          -                        2
      customers per request
  archived             bool               -                        false
EOF
check "describe: a plugin's name, resources and own settings" \
  cmp -s <(head -13 "$work/describe.out") "$work/describe.want"
# The engine's settings follow every provider's own, each flagged engine, the same for all.
sed -n '14,$p' "$work/describe.out" > "$work/engine.plug"
"$cli" describe stripe > "$work/describe.stripe"
sed -n '/^  timeout_ms /,$p' "$work/describe.stripe" > "$work/engine.stripe"
check "describe: the engine's settings follow, the same as stripe's" \
  cmp -s "$work/engine.plug" "$work/engine.stripe"
check "describe: the engine's settings are flagged engine" \
  test "$(grep -c '^  [a-z_]* .* engine ' "$work/engine.plug")" -eq "$(grep -c '^  [a-z_]' "$work/engine.plug")" -a -s "$work/engine.plug"
check "describe: timeout_ms is an int 1..86400000 defaulting to 300000" \
  grep -qE '^  timeout_ms +int 1\.\.86400000 +engine +300000$' "$work/engine.plug"
check "describe stripe: api_key is required and secret" \
  grep -qE '^  api_key +string +required,secret +-$' "$work/describe.stripe"
check "describe stripe: page_size is an int 1..100 defaulting to 100" \
  grep -qE '^  page_size +int 1\.\.100 +- +100$' "$work/describe.stripe"
check "describe stripe: its display name and resources, each honouring since" \
  sh -c "grep -qx 'Stripe (stripe)' '$work/describe.stripe' && grep -q '^resources: customers, plans, subscriptions, transactions' '$work/describe.stripe' && grep -q '^since honoured by: customers, plans, subscriptions, transactions' '$work/describe.stripe'"
"$cli" --plugin "$plug" providers > "$work/providers.out" 2>&1
check "providers: the built-ins" \
  sh -c "grep -qE '^stripe +Stripe +built-in\$' '$work/providers.out' && grep -qE '^paypal +PayPal +built-in\$' '$work/providers.out'"
check "providers: the plugin with its file" \
  grep -qE "^testplug +Test Plug +plugin $plug\$" "$work/providers.out"
BILLTAP_PLUGINS="$plug" "$cli" providers > "$work/providers.env" 2>&1
check "BILLTAP_PLUGINS loads plugins too" grep -qE "^testplug +Test Plug +plugin $plug\$" "$work/providers.env"
expect_fail "BILLTAP_PLUGINS: every entry is loaded (the second fails here)" 2 \
  "plugin $plugin_dir/testplug_stripe.so: a provider named stripe is already registered" \
  env BILLTAP_PLUGINS="$plug::$plugin_dir/testplug_stripe.so" "$cli" providers
expect_fail "plugin: a missing file is named" 2 \
  "billtap: plugin $plugin_dir/nope.so: cannot open shared object file: No such file or directory" \
  "$cli" --plugin "$plugin_dir/nope.so" providers
expect_fail "plugin: no entry point" 2 "exports no billtap_plugin_init function" \
  "$cli" --plugin "$plugin_dir/testplug_no_export.so" providers
expect_fail "plugin: needs a newer library" 2 "the plugin needs a newer billtap" \
  "$cli" --plugin "$plugin_dir/testplug_needs_newer.so" describe stripe
expect_fail "plugin: the same plugin twice" 2 "a provider named testplug is already registered" \
  "$cli" --plugin "$plug" --plugin "$plug" providers
expect_fail "plugin: --plugin after the subcommand is explained" 2 "--plugin goes before the subcommand" \
  "$cli" extract --plugin "$plug" --provider testplug --resource customers
expect_fail "plugin: --plugin without a path" 2 "--plugin needs a path" "$cli" --plugin
expect_fail "a resource the provider does not serve" 2 "testplug cannot list plans (it lists: customers)" \
  "$cli" --plugin "$plug" extract --provider testplug --resource plans
expect_fail "describe: unknown provider" 2 "unknown provider 'nope'" "$cli" describe nope
"$cli" --help > "$work/help.out"
check "usage: the resources come from the library" \
  grep -q "^resources: customers, plans, subscriptions, transactions" "$work/help.out"

echo "1..$n"
[ "$failed" -eq 0 ]
