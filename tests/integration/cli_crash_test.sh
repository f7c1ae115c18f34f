#!/usr/bin/env bash
# Exactly-once output across crashes, in TAP: billtap extract --output FILE
# --checkpoint-file F, SIGKILLed at random moments against a slowed sandbox and resumed
# until it completes, for Stripe and PayPal. Between some runs, a power loss is simulated:
#   - unsynced output lost: FILE truncated to a random length between the bytes the
#     checkpoint covers and its end (often inside a line);
#   - a write torn by the crash: half a record appended past the end;
#   - the last checkpoint rename lost: an older checkpoint file put back.
# The final FILE must equal the truth as a multiset of lines: no torn line, no duplicate,
# nothing missing. Standard output runs are killed too: at least once, never a torn line.
# Usage: cli_crash_test.sh BILLTAP_CLI BILLTAP_SANDBOX [SEED]
set -uo pipefail
cli=$1 sandbox_bin=$2
seed=${3:-$(( $(date +%s) % 100000 ))}

. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/sandbox.sh"

KILLS=25         # SIGKILLs per extraction
MAX_RUNS=400     # a run that never completes is a failure, not a hang
RANDOM=$seed
echo "# seed $seed (rerun with: cli_crash_test.sh CLI SANDBOX $seed)"

# Waits for a kill moment of run PID writing OUT: a fifth of them within 20 ms of the start
# (locking, reading the checkpoint, truncating); the rest within 300 ms after the run has
# committed output, so that however long a run takes before its first record (Stripe
# transactions read the invoice payments first; a loaded machine starts slowly) most
# kills land among requests, records and commits. Gives up waiting after 20 s.
kill_moment() { # PID OUT
  local pid=$1 out=$2 start_size waited=0
  if [ $((RANDOM % 5)) -eq 0 ]; then sleep "$(printf '0.%03d' $((RANDOM % 20)))"; return; fi
  start_size=$(stat -c %s "$out" 2>/dev/null || echo 0)
  while [ "$waited" -lt 2000 ] && kill -0 "$pid" 2>/dev/null &&
        [ "$(stat -c %s "$out" 2>/dev/null || echo 0)" -eq "$start_size" ]; do
    sleep 0.01; waited=$((waited + 1))
  done
  sleep "$(printf '0.%03d' $((RANDOM % 300)))"
}
# The output bytes a checkpoint file covers (0 without one).
covered() { [ -f "$1" ] && sed -n 's/^output-bytes //p' "$1" || echo 0; }
random_between() { # LOW HIGH (inclusive), for sizes well below 2^30
  local low=$1 high=$2
  echo $(( low + ( (RANDOM << 15 | RANDOM) % (high - low + 1) ) ))
}

# compare FORMAT GOT WANT: "torn duplicates missing extra records" of GOT against WANT,
# records compared as multisets: JSON lines as JSON values, CSV as rows under one header
# (cells may hold newlines, so CSV is parsed, not split into lines).
compare() {
  python3 - "$@" <<'PY'
import collections, csv, io, json, sys
fmt, got_path, want_path = sys.argv[1:]
def records(path, strict):
    data = open(path, 'rb').read()
    torn = 0 if not data or data.endswith(b'\n') else 1
    recs = []
    if fmt == 'jsonl':
        lines = data.split(b'\n')
        for line in lines[:-1] if not torn else lines:
            try: recs.append(json.dumps(json.loads(line), sort_keys=True))
            except ValueError: torn += 1
        return torn, recs
    rows = list(csv.reader(io.StringIO(data.decode('utf-8'), newline='')))
    header = rows[0] if rows else []
    for row in rows[1:]:
        if row == header: torn += 1          # a second header: a resume wrote one again
        elif len(row) != len(header): torn += 1
        else: recs.append(tuple(row))
    return torn, recs
torn, got = records(got_path, True)
_, want = records(want_path, False)
g, w = collections.Counter(got), collections.Counter(want)
dups = sum(c - 1 for c in g.values() if c > 1)
print(torn, dups, sum((w - g).values()), sum((g - w).values()), len(got))
PY
}

# crash_resume LABEL FORMAT TRUTH CLI-ARGS...: kills, simulated losses, resumes; checks the
# file against TRUTH.
crash_resume() {
  local label=$1 format=$2 truth=$3; shift 3
  local out=$work/$label.$format cp=$work/$label.cp err=$work/$label.err
  local runs=0 kills=0 cut=0 torn=0 rollback=0 status start=$SECONDS
  : > "$err"
  while :; do
    runs=$((runs + 1))
    "$cli" extract "$@" --format "$format" --output "$out" --checkpoint-file "$cp" --verbose \
      2>> "$err" &
    local pid=$!
    if [ "$kills" -lt "$KILLS" ]; then
      kill_moment "$pid" "$out"
      kill -KILL "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null # (no "Killed" notice)
    status=$?
    [ "$status" -eq 0 ] && break
    if [ "$status" -ne 137 ] || [ "$runs" -ge "$MAX_RUNS" ]; then
      not_ok "$label: run $runs ended with status $status" "$(tail -5 "$err")"
      return
    fi
    kills=$((kills + 1))
    # What a power loss could leave behind, one kind after every other kill.
    local size have
    size=$(stat -c %s "$out" 2>/dev/null || echo 0)
    have=$(covered "$cp")
    case $((kills % 6)) in
      1) if [ "$size" -gt "$have" ]; then
           truncate -s "$(random_between "$have" "$size")" "$out"; cut=$((cut + 1))
         fi ;;
      3) if [ -f "$out" ]; then
           printf 'torn_%d,"half a rec' "$kills" >> "$out"; torn=$((torn + 1))
         fi ;;
      5) if [ -f "$cp.older" ]; then cp "$cp.older" "$cp"; rollback=$((rollback + 1)); fi ;;
    esac
    [ -f "$cp" ] && cp "$cp" "$cp.older"
  done
  local secs=$((SECONDS - start))
  local truncated
  truncated=$(grep -c 'truncated [1-9][0-9]* bytes' "$err")
  check "$label: $kills SIGKILLs, each resumed, done after $runs runs in ${secs}s" \
    test "$kills" -eq "$KILLS"
  check "$label: $cut unsynced tails cut, $torn torn writes added, $rollback checkpoints rolled back" \
    test "$torn" -ge 1 -a "$rollback" -ge 1
  check "$label: $truncated resumes truncated an uncommitted tail" test "$truncated" -ge 1
  local torn_lines dups missing extra records
  read -r torn_lines dups missing extra records < <(compare "$format" "$out" "$truth")
  check "$label: no torn line ($torn_lines)" test "$torn_lines" -eq 0
  check "$label: no duplicate record ($dups)" test "$dups" -eq 0
  check "$label: the file equals the truth as a multiset of records ($records; $missing missing, $extra extra)" \
    test "$missing" -eq 0 -a "$extra" -eq 0 -a "$records" -gt 0
  check "$label: the checkpoint file, its lock and its temporary file are gone when done" \
    test ! -e "$cp" -a ! -e "$cp.lock" -a ! -e "$cp.tmp"
}

# Every request waits 20 ms, one at a time (max_in_flight=1), and pages are small: a run
# lives at most 300 ms, so it makes at most 15 requests before its kill, and each
# extraction below needs well over 25 x 15: every kill lands before the end, however fast
# the machine.
start_sandbox stripe --seed 7 --scale 500 --rate-limit 0 --faults 'slow@1-1000000:20'
export BILLTAP_STRIPE_API_KEY=sk_test_sandbox
crash_resume stripe jsonl "$work/stripe/transactions.jsonl" \
  --provider stripe --resource transactions "${AT_stripe[@]}" \
  --set page_size=3 --set max_in_flight=1 --checkpoint-every 7

# CSV: one header, written by the first run only, however many resumes follow. The truth
# is one uninterrupted run.
"$cli" extract --provider stripe --resource invoices "${AT_stripe[@]}" --format csv \
  > "$work/invoices.csv"
crash_resume stripe-csv csv "$work/invoices.csv" \
  --provider stripe --resource invoices "${AT_stripe[@]}" \
  --set page_size=3 --set max_in_flight=1 --checkpoint-every 5
check "stripe-csv: the header is the first line" \
  test "$(head -1 "$work/stripe-csv.csv")" = "$(head -1 "$work/invoices.csv")"
check "stripe-csv: its ids are the truth's" cmp -s \
  <(python3 -c 'import csv,sys; [print(r[0]) for r in list(csv.reader(open(sys.argv[1], newline="")))[1:]]' \
      "$work/stripe-csv.csv" | LC_ALL=C sort) \
  <(jq -r .id "$work/stripe/invoices.jsonl" | LC_ALL=C sort)

start_sandbox paypal --provider paypal --seed 7 --scale 500 --faults 'slow@1-1000000:20'
settings_file paypal "$work/paypal.settings"
crash_resume paypal jsonl "$work/paypal/transactions.jsonl" \
  --provider paypal --resource transactions --settings-file "$work/paypal.settings" \
  --set page_size=2 --set max_in_flight=1 --checkpoint-every 7

# Standard output: at least once. Records reach stdout only at checkpoints, one write()
# of whole lines each, so a kill repeats at most --checkpoint-every records and tears none.
out=$work/stdout.jsonl cp=$work/stdout.cp
: > "$out"
kills=0 runs=0
while [ "$runs" -lt 60 ]; do
  runs=$((runs + 1))
  "$cli" extract --provider stripe --resource transactions "${AT_stripe[@]}" \
    --set page_size=3 --set max_in_flight=1 --checkpoint-every 5 --checkpoint-file "$cp" \
    >> "$out" 2>/dev/null &
  pid=$!
  if [ "$kills" -lt 10 ]; then kill_moment "$pid" "$out"; kill -KILL "$pid" 2>/dev/null; fi
  wait "$pid" 2>/dev/null
  status=$?
  [ "$status" -eq 0 ] && break
  [ "$status" -eq 137 ] && kills=$((kills + 1))
done
check "stdout: $kills SIGKILLs, each resumed until done" test "$status" -eq 0 -a "$kills" -ge 10
jq -r .id "$out" 2>/dev/null | LC_ALL=C sort > "$work/stdout.ids"
jq -r .id "$work/stripe/transactions.jsonl" | LC_ALL=C sort > "$work/truth.ids"
check "stdout: every line is whole JSON" sh -c 'jq -e . "$1" > /dev/null' - "$out"
check "stdout: no record lost" test -z "$(LC_ALL=C comm -13 "$work/stdout.ids" "$work/truth.ids")"
twice=$(( $(wc -l < "$work/stdout.ids") - $(wc -l < "$work/truth.ids") ))
check "stdout: at most 5 records again per kill ($twice for $kills kills)" test "$twice" -le $((5 * kills))

echo "1..$n"
[ "$failed" -eq 0 ]
