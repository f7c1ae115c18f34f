#!/usr/bin/env bash
# What the CLI shows on stderr, in TAP, against billtap-sandbox: with stderr on a terminal
# (a pseudo-terminal here) a progress line that never reaches standard output or --output;
# none when stderr is not a terminal; --verbose lines from the library's log events, with
# no credential in them even when the server echoes it.
# Usage: cli_progress_test.sh BILLTAP_CLI BILLTAP_SANDBOX
set -uo pipefail
cli=$1 sandbox_bin=$2

. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/sandbox.sh"

# Every request waits 40 ms: with ten customers a page the run lasts well over the 200 ms
# between two progress lines.
start_sandbox main --seed 5 --scale 150 --rate-limit 0 --faults 'slow@1-1000000:40'
export BILLTAP_STRIPE_API_KEY=sk_test_sandbox
stripe=(extract --provider stripe "${AT_main[@]}" --resource customers --set page_size=10)

# on_tty OUT ERR ARGS...: runs the CLI with stderr on a pseudo-terminal (copied to ERR),
# stdout to OUT; returns its exit status.
on_tty() {
  python3 - "$@" <<'PY'
import os, pty, subprocess, sys
out_path, err_path, *argv = sys.argv[1:]
master, slave = pty.openpty()
with open(out_path, 'wb') as out:
    p = subprocess.Popen(argv, stdout=out, stderr=slave, stdin=subprocess.DEVNULL)
os.close(slave)
data = b''
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:  # EIO: the other side closed
        break
    if not chunk:
        break
    data += chunk
open(err_path, 'wb').write(data)
sys.exit(p.wait())
PY
}

on_tty "$work/tty.out" "$work/tty.err" "$cli" "${stripe[@]}"
status=$?
check "tty: the extraction succeeds" test "$status" -eq 0
check "tty: standard output holds the records only, equal to the truth" \
  cmp -s <(normalize < "$work/tty.out") <(normalize < "$work/main/customers.jsonl")
check "tty: stderr shows progress (records, pages, requests a second)" \
  grep -qE 'billtap: [0-9]+ records, [0-9]+ pages, [0-9.]+ requests/s' "$work/tty.err"
check "tty: the progress line is rewritten in place and cleared at the end" \
  sh -c 'grep -q "$(printf "\r\033\\[K")" "$1"' - "$work/tty.err"

on_tty "$work/tty2.out" "$work/tty2.err" "$cli" "${stripe[@]}" --output "$work/tty2.jsonl"
status=$?
file_only() { [ "$status" -eq 0 ] && [ ! -s "$work/tty2.out" ] &&
  cmp -s <(normalize < "$work/tty2.jsonl") <(normalize < "$work/main/customers.jsonl"); }
check "tty, --output: the file equals the truth, standard output is empty" file_only
check "tty, --output: progress on stderr only" grep -q "requests/s" "$work/tty2.err"

"$cli" "${stripe[@]}" > "$work/pipe.out" 2> "$work/pipe.err"
check "not a terminal: no progress line on stderr" test ! -s "$work/pipe.err"

# --verbose: the library's events, one line each; a 503 echoing the key is retried.
start_sandbox echo --seed 5 --scale 30 --rate-limit 0 --faults 'echo@1:503'
"$cli" extract --provider stripe "${AT_echo[@]}" --resource customers --verbose \
  --set retry_base_ms=1 > "$work/v.out" 2> "$work/v.err"
status=$?
check "verbose: the extraction succeeds after the retry" test "$status" -eq 0
check "verbose: a line per request and response" \
  sh -c 'grep -q "^billtap: debug: GET /v1/customers$" "$1" && grep -q "^billtap: debug: GET /v1/customers: HTTP 200" "$1"' - "$work/v.err"
check "verbose: the retry is a warning naming the status" \
  grep -q "^billtap: warning: GET /v1/customers: HTTP 503; retry 1 of 4 in" "$work/v.err"
check "verbose: a summary of the run's metrics" \
  grep -qE "^billtap: [0-9]+ records, [0-9]+ pages, 2 requests, 1 retries, 0 rate limited" "$work/v.err"
check "verbose: no line holds the key" sh -c '! grep -q sk_test_sandbox "$1"' - "$work/v.err"

echo "1..$n"
[ "$failed" -eq 0 ]
