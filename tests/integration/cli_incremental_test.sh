#!/usr/bin/env bash
# Incremental passes end to end, in TAP, for every provider and every resource it says it
# can sync (billtap describe: "incremental: RESOURCE METHOD, ..."): a full pass with
# --incremental, then three rounds of "the sandbox's world moves on (POST
# /_sandbox/advance), an incremental run writes the changes"; after each round the full
# output with every change applied (billtap apply) must equal the sandbox's new truth,
# which the sandbox computes on its own code path. One round is cut short by
# --max-records and resumed from the checkpoint file; a resource without incremental
# passes must refuse --incremental; a run of changes SIGKILLed at random moments resumes
# exactly; a Stripe token older than its 30-day event retention, and a Paddle one older
# than its 90 days, must ask for a full pass.
# The providers are the built-in ones (billtap providers), each against its sandbox module;
# what each syncs must be what docs/incremental.md's table says.
# Usage: cli_incremental_test.sh BILLTAP_CLI BILLTAP_SANDBOX
set -uo pipefail
cli=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") sandbox_bin=$2
srcdir=$(cd "$(dirname "$0")/../.." && pwd)

. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/sandbox.sh"
quiet() { "$@" > /dev/null 2>&1; }

advance() { # NAME DAYS: moves the sandbox's world on; its truth files are rewritten
  local url="URL_$1" now
  curl -sf -X POST "${!url}/_sandbox/advance?days=$2" > "$work/advance.out"
  # The sandbox's clock is now days ahead of ours, as PayPal's never is. A pass that
  # searches the whole history (PayPal customers) starts where PayPal's three years
  # start by the sandbox's clock, which our default (our clock less 1094 days) is not.
  if [ "$(provider_of "$1")" = paypal ]; then
    now=$(jq -r .now "$work/advance.out")
    grep -v '^history_start=' "$work/$1.settings" > "$work/$1.settings.new"
    echo "history_start=$(date -u -d "@$((now - 1095 * 86400))" +%Y-%m-%dT%H:%M:%SZ)" >> "$work/$1.settings.new"
    (umask 077; cat "$work/$1.settings.new" > "$work/$1.settings")
  fi
}

# extract NAME RESOURCE OUT CHECKPOINT [OPTION...]
extract() {
  local name=$1 resource=$2 out=$3 cp=$4 provider; shift 4
  provider=$(provider_of "$name")
  "$cli" extract --provider "$provider" --resource "$resource" --output "$out" \
    --checkpoint-file "$cp" --settings-file "$work/$name.settings" "$@" 2> "$out.err"
}
# A sandbox's name is its provider's (with '_' for '-'), but for the Stripe-only ones below.
provider_of() { case $1 in kill) echo stripe ;; *) echo "${1//_/-}" ;; esac; }

for provider in $("$cli" providers | awk '$NF == "built-in" { print $1 }'); do
  name=${provider//-/_}
  start_sandbox $name --provider "$provider" --seed 7 --scale 300 --rate-limit 0
  settings_file $name "$work/$name.settings"
  methods=$("$cli" describe "$provider" | sed -n 's/^incremental: //p' | tr ',' '\n')
  synced=() unsynced=() reread=()
  while read -r resource method; do
    [ -n "$resource" ] || continue
    if [ "$method" = none ]; then unsynced+=("$resource"); else synced+=("$resource"); fi
    [ "$method" = reread ] && reread+=("$resource")
  done <<< "$methods"

  for resource in "${unsynced[@]}"; do
    extract $name "$resource" "$work/$name.$resource.x" "$work/$name.$resource.xcp" --incremental
    check "$provider $resource: --incremental refused where the provider cannot sync" test $? -eq 2
    check "$provider $resource: the refusal says why" grep -q "cannot be synced incrementally" "$work/$name.$resource.x.err"
  done
  # What each provider is documented to sync (docs/incremental.md's table): a library that
  # lost the feature must fail here, not pass with nothing to test.
  want=$(sed -n "s/^| $provider | \(.*\) |\$/\1/p" "$srcdir/docs/incremental.md" | tr -d ' ' | tr ',' '\n' | LC_ALL=C sort | paste -sd, -)
  have=$(printf '%s\n' "${synced[@]}" | grep . | LC_ALL=C sort | paste -sd, -)
  check "$provider: syncs ${have:-none} incrementally (docs/incremental.md: ${want:-no row})" \
    test -n "$want" -a "${have:-none}" = "$want"
  [ ${#synced[@]} -gt 0 ] || continue

  for resource in "${synced[@]}"; do
    extract $name "$resource" "$work/$name.$resource.0" "$work/$name.$resource.cp" --incremental
    check "$provider $resource: full incremental pass, exit 0" test $? -eq 0
    check "$provider $resource: the full pass equals the truth" \
      quiet "$cli" diff "$work/$name.$resource.0" "$work/$name/$resource.jsonl"
    check "$provider $resource: the checkpoint file keeps the sync token" grep -qx "mode sync" "$work/$name.$resource.cp"
  done

  for round in 1 2 3; do
    advance $name 2
    check "$provider round $round: the world moved on" quiet jq -e '.changes > 0' "$work/advance.out"
    for resource in "${synced[@]}"; do
      out="$work/$name.$resource.$round" cp="$work/$name.$resource.cp"
      if [ "$round" = 2 ]; then
        # Cut short after one record, then resumed: the output continues exactly.
        extract $name "$resource" "$out" "$cp" --max-records 1
        check "$provider $resource round 2: stopped early, exit 0" test $? -eq 0
        check "$provider $resource round 2: the checkpoint file holds the incremental pass" \
          grep -qx "mode incremental" "$cp"
      fi
      extract $name "$resource" "$out" "$cp"
      check "$provider $resource round $round: incremental run, exit 0" test $? -eq 0
      files=("$work/$name.$resource.0")
      for k in $(seq 1 "$round"); do files+=("$work/$name.$resource.$k"); done
      "$cli" apply "${files[@]}" > "$work/$name.$resource.now" 2> "$work/apply.err"
      if "$cli" diff "$work/$name.$resource.now" "$work/$name/$resource.jsonl" > "$work/diff.out" 2>&1; then
        ok "$provider $resource round $round: full pass + changes = the new truth"
      else
        not_ok "$provider $resource round $round: full pass + changes = the new truth" "$(head -8 "$work/diff.out")"
      fi
      check "$provider $resource round $round: no id twice in one run" \
        test "$(jq -r .id "$out" | sort | uniq -d | wc -l)" -eq 0
      # A re-read reads everything but hands out only what changed.
      if [[ " ${reread[*]} " == *" $resource "* ]]; then
        check "$provider $resource round $round: the re-read hands out only the changed ($(wc -l < "$out") of $(wc -l < "$work/$name/$resource.jsonl"))" \
          test "$(wc -l < "$out")" -lt "$(wc -l < "$work/$name/$resource.jsonl")" -a "$(wc -l < "$out")" -gt 0
      fi
    done
  done
done

# SIGKILL during an incremental run: against a sandbox whose every request takes 40 ms, the
# run of changes is killed at random moments and resumed from its checkpoint file until it
# completes; the output then holds each change once and applies to the new truth.
start_sandbox kill --provider stripe --seed 11 --scale 300 --rate-limit 0 --faults 'slow@1-1000000:40'
settings_file kill "$work/kill.settings"
kill_run=("$cli" extract --provider stripe --resource subscriptions --checkpoint-file "$work/kill.cp"
          --settings-file "$work/kill.settings" --checkpoint-every 1)
"${kill_run[@]}" --output "$work/kill.0" --incremental 2> "$work/kill.err"
check "sigkill: the full incremental pass, exit 0" test $? -eq 0
if grep -q "incremental: .*subscriptions feed" <("$cli" describe stripe); then
  advance kill 10
  kills=0 runs=0 status=1
  while [ "$runs" -lt 60 ]; do
    runs=$((runs + 1))
    "${kill_run[@]}" --output "$work/kill.1" 2>> "$work/kill.err" & # $!: billtap itself
    pid=$!
    if [ "$kills" -lt 8 ]; then
      sleep "$(printf '0.%03d' $((RANDOM % 120 + 30)))"
      kill -KILL "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
    status=$?
    [ "$status" -eq 0 ] && break
    [ "$status" -eq 137 ] && kills=$((kills + 1))
  done
  check "sigkill: $kills SIGKILLs during the run of changes, resumed until done (exit 0)" \
    test "$status" -eq 0 -a "$kills" -ge 3
  check "sigkill: each change once" test "$(jq -r .id "$work/kill.1" | sort | uniq -d | wc -l)" -eq 0
  "$cli" apply "$work/kill.0" "$work/kill.1" > "$work/kill.now"
  if "$cli" diff "$work/kill.now" "$work/kill/subscriptions.jsonl" > "$work/diff.out" 2>&1; then
    ok "sigkill: full pass + the killed and resumed changes = the new truth"
  else
    not_ok "sigkill: full pass + the killed and resumed changes = the new truth" "$(head -8 "$work/diff.out")"
  fi
  check "sigkill: the checkpoint file holds the next sync token" grep -qx "mode sync" "$work/kill.cp"
fi

# Stripe keeps events 30 days: a token older than that cannot say what changed.
if grep -q "incremental: customers feed" <("$cli" describe stripe); then
  advance stripe 31
  extract stripe customers "$work/stripe.customers.late" "$work/stripe.customers.cp"
  check "stripe: a sync token past the event retention is exit 3" test $? -eq 3
  check "stripe: the message asks for a full pass" grep -qi "full" "$work/stripe.customers.late.err"
fi

# Paddle keeps events 90 days: once the token's event is gone from the feed, the walk
# cannot meet it, and the run asks for a full pass (the client's clock is not moved: the
# refusal comes from the feed itself).
if grep -q "incremental: customers feed" <("$cli" describe paddle 2>/dev/null); then
  advance paddle 91
  extract paddle customers "$work/paddle.customers.late" "$work/paddle.customers.cp"
  check "paddle: a sync token past the event retention is exit 3" test $? -eq 3
  check "paddle: the message asks for a full pass" grep -qi "a full pass is needed" "$work/paddle.customers.late.err"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
