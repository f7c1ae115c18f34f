#!/usr/bin/env bash
# The CLI's guards, in TAP, against billtap-sandbox: exit statuses per error class (the
# sandbox's --faults and bad credentials produce them), full error details with a
# checkpoint file, the checkpoint and output locks, closed standard descriptors, checkpoint
# files that do not fit the run, and settings files.
# Usage: cli_safety_test.sh BILLTAP_CLI BILLTAP_SANDBOX
set -uo pipefail
cli=$1 sandbox_bin=$2

. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/sandbox.sh"

# wait_for COMMAND...: until COMMAND succeeds (at most 20 s: a bound, not a measurement).
wait_for() { local i; for i in $(seq 400); do "$@" && return 0; sleep 0.05; done; return 1; }
# same_records GOT WANT: equal as multisets of JSON values.
same_records() { cmp -s <(normalize < "$1") <(normalize < "$2"); }

start_sandbox main --seed 5 --scale 200 --rate-limit 0
export BILLTAP_STRIPE_API_KEY=sk_test_sandbox
stripe=(extract --provider stripe "${AT_main[@]}")

# --- Exit statuses, one class at a time ----------------------------------------------------
expect_fail "usage: an unknown option exits 2" 2 "unknown option '--colour'" \
  "$cli" "${stripe[@]}" --resource customers --colour blue
expect_fail "usage: a bad setting value exits 2" 2 "page_size: 0 is out of range" \
  "$cli" "${stripe[@]}" --resource customers --set page_size=0
# Item 5 of issue 8: with a checkpoint file the details used to be lost.
expect_fail "permanent: a bad key with a checkpoint file exits 3 with status and request id" 3 \
  "HTTP 401 (request req_" \
  env BILLTAP_STRIPE_API_KEY=sk_test_wrong "$cli" "${stripe[@]}" --resource customers \
    --checkpoint-file "$work/auth.cp" --output "$work/auth.jsonl"
check "permanent: the class, the code's words, HTTP status, request id and provider code" \
  grep -qE '^billtap: permanent error, fix it before running again \(authentication failed; HTTP 401; request req_[A-Za-z0-9]+; provider code [a-z_]+; exit 3\)$' "$work/f.err"

# fault_case DESC STATUS TEXT FAULTS [ARGS...]: a fresh sandbox with FAULTS; one run.
fault_case() {
  local desc=$1 want=$2 text=$3 faults=$4; shift 4
  start_sandbox fault --seed 5 --scale 20 --rate-limit 0 --faults "$faults"
  expect_fail "$desc" "$want" "$text" "$cli" extract --provider stripe --resource customers \
    "${AT_fault[@]}" --set max_retries=1 --set retry_base_ms=1 --set retry_max_ms=5 "$@"
}
fault_case "permanent: HTTP 403 (permission) exits 3" 3 "(permission denied; HTTP 403" '403@1-100'
fault_case "permanent: HTTP 404 (request) exits 3" 3 "; HTTP 404" '404@1-100'
fault_case "temporary: HTTP 500 after the retries (server) exits 4" 4 \
  "temporary error, run again later" '500@1-100'
fault_case "temporary: HTTP 429 after the retries (rate limit) exits 4" 4 "; HTTP 429" '429@1-100'
fault_case "temporary: connections closed (network) exits 4" 4 "temporary error" 'drop@1-100'
fault_case "temporary: a request past timeout_ms exits 4" 4 "timed out" 'slow@1-100:3000' \
  --set timeout_ms=300 --set max_retries=0
start_sandbox ppfault --provider paypal --seed 5 --scale 20 --faults '503@1-100'
settings_file ppfault "$work/ppfault.settings"
expect_fail "temporary: PayPal answering 503 exits 4" 4 "; HTTP 503" \
  "$cli" extract --provider paypal --resource plans --settings-file "$work/ppfault.settings" \
    --set max_retries=1 --set retry_base_ms=1

# "Run again later" works: a run stopped by a temporary error keeps its place. Requests 5-12
# are the four in flight then (customers read in slices, max_in_flight pinned to 4) and
# their one retry each.
start_sandbox later --seed 5 --scale 200 --rate-limit 0 --faults '503@5-12'
"$cli" extract --provider stripe --resource customers "${AT_later[@]}" --set page_size=10 \
  --set max_in_flight=4 --set max_retries=1 --set retry_base_ms=1 --checkpoint-every 10 \
  --output "$work/later.jsonl" --checkpoint-file "$work/later.cp" 2> "$work/later.err"
status=$?
got=$(wc -l < "$work/later.jsonl")
covered=$(sed -n 's/^output-bytes //p' "$work/later.cp" 2>/dev/null)
check "temporary: the first run stops with 4 after $got records, its checkpoint covering them" \
  test "$status" -eq 4 -a "$got" -gt 0 -a "${covered:-0}" -eq "$(stat -c %s "$work/later.jsonl")"
"$cli" extract --provider stripe --resource customers "${AT_later[@]}" --set page_size=10 \
  --output "$work/later.jsonl" --checkpoint-file "$work/later.cp" 2> "$work/later.err"
status=$?
check "temporary: run again later, it completes (exit $status)" test "$status" -eq 0 -a ! -e "$work/later.cp"
check "temporary: both runs together wrote the truth, once" \
  same_records "$work/later.jsonl" "$work/later/customers.jsonl"

expect_fail "local I/O: an output that cannot be written exits 6" 6 \
  "cannot write /dev/full: No space left on device" \
  "$cli" "${stripe[@]}" --resource customers --output /dev/full
expect_fail "local I/O: an output in a missing directory exits 6" 6 "cannot open $work/none/x.jsonl" \
  "$cli" "${stripe[@]}" --resource customers --output "$work/none/x.jsonl"
expect_fail "local I/O: a full standard output exits 6" 6 "cannot write to standard output" \
  sh -c 'exec "$0" version > /dev/full' "$cli"

# --- Locks ------------------------------------------------------------------------------------
start_sandbox slow --seed 5 --scale 200 --rate-limit 0 --faults 'slow@1-1000000:100'
slow=(extract --provider stripe --resource customers "${AT_slow[@]}" --set page_size=10
      --checkpoint-every 5)
"$cli" "${slow[@]}" --output "$work/lock.jsonl" --checkpoint-file "$work/lock.cp" 2> "$work/lockA.err" &
holder=$!
wait_for test -s "$work/lock.cp"
expect_fail "lock: a second run on the checkpoint file exits 5 at once, naming the holder" 5 \
  "checkpoint file $work/lock.cp is in use by another billtap run (pid $holder)" \
  "$cli" "${slow[@]}" --output "$work/lock.jsonl" --checkpoint-file "$work/lock.cp"
expect_fail "lock: a run with its own checkpoint but the same output exits 5" 5 \
  "output file $work/lock.jsonl is in use by another billtap run (pid $holder)" \
  "$cli" "${slow[@]}" --output "$work/lock.jsonl" --checkpoint-file "$work/other.cp"
check "lock: that run left neither a checkpoint file nor a lock file" \
  test ! -e "$work/other.cp" -a ! -e "$work/other.cp.lock"
kill -KILL "$holder"; wait "$holder" 2>/dev/null
check "lock: SIGKILL leaves the lock file, but no lock" test -e "$work/lock.cp.lock"
"$cli" "${slow[@]}" --output "$work/lock.jsonl" --checkpoint-file "$work/lock.cp" 2> "$work/lockB.err"
check "lock: the next run resumes and completes" test $? -eq 0
check "lock: its file equals the truth" same_records "$work/lock.jsonl" "$work/slow/customers.jsonl"
check "lock: the checkpoint and lock files are gone" test ! -e "$work/lock.cp" -a ! -e "$work/lock.cp.lock"

# --- Closed standard descriptors (issue 8 item 1) -------------------------------------------
"$cli" "${stripe[@]}" --resource customers --checkpoint-file "$work/fd.cp" >&- 2> "$work/fd.err"
status=$?
check "closed stdout: exit 6, saying so" \
  sh -c "[ $status -eq 6 ] && grep -q 'standard output is closed' '$work/fd.err'"
check "closed stdout: no checkpoint file was written" test ! -e "$work/fd.cp"
"$cli" "${stripe[@]}" --resource customers --output "$work/fd.jsonl" 2>&-
check "closed stderr: exit 6 before anything is written" test $? -eq 6 -a ! -e "$work/fd.jsonl"
"$cli" version >&- 2> "$work/fd.err"
check "closed stdout: version exits 6 too" test $? -eq 6
"$cli" "${stripe[@]}" --resource customers --output "$work/fd.jsonl" <&- >&- 2> "$work/fd.err"
check "closed stdin and stdout with --output: the run completes" test $? -eq 0
check "closed stdin and stdout with --output: the file equals the truth" \
  same_records "$work/fd.jsonl" "$work/main/customers.jsonl"
if [ -d /proc/self/fd ]; then
  "$cli" "${slow[@]}" --output "$work/fd2.jsonl" <&- >&- 2> "$work/fd2.err" &
  victim=$!
  wait_for test -s "$work/fd2.jsonl" # requests are being made: curl has its sockets
  fd0=$(readlink "/proc/$victim/fd/0") fd1=$(readlink "/proc/$victim/fd/1")
  check "closed stdin and stdout: fds 0 and 1 are /dev/null, not a socket ($fd0, $fd1)" \
    test "$fd0" = /dev/null -a "$fd1" = /dev/null
  kill -TERM "$victim"; wait "$victim"
  check "SIGTERM: exit 130" test $? -eq 130
fi

# --- Checkpoint files that do not fit the run (exit 3) --------------------------------------
"$cli" "${stripe[@]}" --resource customers --output "$work/m.jsonl" --checkpoint-file "$work/m.cp" \
  --max-records 30 --checkpoint-every 10
check "checkpoint: --max-records stops with 0 and keeps the checkpoint" test $? -eq 0 -a -s "$work/m.cp"
check "checkpoint: the documented format" python3 - "$work/m.cp" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
sys.exit(0 if re.fullmatch(r"billtap-checkpoint 1\nformat jsonl\ntoken [!-~]+\noutput-bytes [0-9]+\n"
                           r"output /[^\n]*/m\.jsonl\noutput-tail-fnv1a64 [0-9a-f]{16}\n", text) else 1)
PY
check "checkpoint: output-bytes is the file's size" \
  test "$(sed -n 's/^output-bytes //p' "$work/m.cp")" -eq "$(stat -c %s "$work/m.jsonl")"
cp "$work/m.jsonl" "$work/m.keep"
m=("${stripe[@]}" --resource customers --checkpoint-file "$work/m.cp")
expect_fail "checkpoint: another output file exits 3" 3 "the checkpoint file covers output" \
  "$cli" "${m[@]}" --output "$work/n.jsonl"
expect_fail "checkpoint: standard output instead of the file exits 3" 3 "give --output" \
  "$cli" "${m[@]}"
expect_fail "checkpoint: another format exits 3" 3 "continues --format jsonl output, not csv" \
  "$cli" "${m[@]}" --output "$work/m.jsonl" --format csv
truncate -s -1 "$work/m.jsonl"
expect_fail "checkpoint: committed output missing (a lost fsync, a restored backup) exits 3" 3 \
  "fewer than the $(stat -c %s "$work/m.keep") committed to it" \
  "$cli" "${m[@]}" --output "$work/m.jsonl"
cp "$work/m.keep" "$work/m.jsonl"
sed -i '$ s/"id":"cus_/"id":"cuz_/' "$work/m.jsonl"
expect_fail "checkpoint: committed output changed exits 3" 3 "does not end as it did at the checkpoint" \
  "$cli" "${m[@]}" --output "$work/m.jsonl"
cp "$work/m.keep" "$work/m.jsonl"
echo "a save cut short" > "$work/m.cp.tmp"
"$cli" "${m[@]}" --output "$work/m.jsonl"
check "checkpoint: with its own file it resumes and completes" test $? -eq 0
check "checkpoint: the files beside it are gone, a crash's temporary file too" \
  test ! -e "$work/m.cp" -a ! -e "$work/m.cp.lock" -a ! -e "$work/m.cp.tmp"
check "checkpoint: the file equals the truth" same_records "$work/m.jsonl" "$work/main/customers.jsonl"
"$cli" "${stripe[@]}" --resource customers --checkpoint-file "$work/s.cp" --max-records 5 > /dev/null
expect_fail "checkpoint: one of standard output refuses --output" 3 "written to standard output" \
  "$cli" "${stripe[@]}" --resource customers --checkpoint-file "$work/s.cp" --output "$work/s.jsonl"
expect_fail "usage: --output cannot be the checkpoint's lock file" 2 "is the checkpoint file or one of its own" \
  "$cli" "${stripe[@]}" --resource customers --checkpoint-file "$work/s.cp" --output "$work/s.cp.lock"

# --- Settings files ---------------------------------------------------------------------------
unset BILLTAP_STRIPE_API_KEY
conf=$work/stripe.settings
settings_file main "$conf"
for mode in 644 640 604 620; do
  chmod "$mode" "$conf"
  expect_fail "settings file: mode $mode is refused (2)" 2 "has permissions 0$mode" \
    "$cli" extract --provider stripe --resource plans --settings-file "$conf"
done
chmod 600 "$conf"
"$cli" extract --provider stripe --resource plans --settings-file "$conf" > "$work/plans.jsonl"
check "settings file: mode 600 is read: key and base_url from it" \
  same_records "$work/plans.jsonl" "$work/main/plans.jsonl"
"$cli" extract --provider stripe --resource plans --settings-file <(cat "$conf") > "$work/plans2.jsonl"
check "settings file: a pipe works too (--settings-file <(pass show ...))" \
  same_records "$work/plans2.jsonl" "$work/main/plans.jsonl"
BILLTAP_STRIPE_API_KEY=sk_test_wrong "$cli" extract --provider stripe --resource plans \
  --settings-file "$conf" > "$work/plans3.jsonl"
check "settings file: overrides the environment" same_records "$work/plans3.jsonl" "$work/main/plans.jsonl"
(umask 077; printf '# comment\n\n  page_size = 7  \napi_key=sk_test_wrong\nbase_url=%s\n' "$URL_main" > "$work/wrong.settings")
"$cli" extract --provider stripe --resource plans --settings-file "$work/wrong.settings" \
  --set api_key=sk_test_sandbox > "$work/plans4.jsonl" 2> "$work/plans4.err"
check "settings file: --set overrides it (comments, blank lines, spaces allowed)" \
  same_records "$work/plans4.jsonl" "$work/main/plans.jsonl"
check "settings: --set with a secret warns that ps shows it" \
  grep -q "warning: --set api_key puts a secret where any user can read it (ps); use BILLTAP_STRIPE_API_KEY or --settings-file" "$work/plans4.err"
(umask 077; printf 'base_url=%s\nsk_live_not_a_line\n' "$URL_main" > "$work/bad.settings")
expect_fail "settings file: a line without = names the line (2)" 2 "bad.settings, line 2: expected KEY=VALUE" \
  "$cli" extract --provider stripe --resource plans --settings-file "$work/bad.settings"
check "settings file: ... and never echoes it" sh -c "! grep -q sk_live_not_a_line '$work/f.err'"
(umask 077; printf 'colour=blue\n' > "$work/unknown.settings")
expect_fail "settings file: an unknown key names the line (2)" 2 "unknown.settings, line 1: stripe: unknown setting 'colour'" \
  "$cli" extract --provider stripe --resource plans --settings-file "$work/unknown.settings"
expect_fail "settings file: a missing file (2)" 2 "cannot open settings file $work/none.settings" \
  "$cli" extract --provider stripe --resource plans --settings-file "$work/none.settings"

# ---- TLS: a certificate that does not verify is final (never retried); ca_file trusts it ----
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/tls.key" -out "$work/tls.crt" \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -days 2 > /dev/null 2>&1
# (bash runs one coproc at a time, and the sandboxes are coprocs: the port comes in a file)
cat > "$work/tls.py" <<'PY'
import http.server, ssl, sys
crt, key, log = sys.argv[1:4]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'{"object":"list","data":[],"has_more":false,"url":"/v1/customers"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
class S(http.server.HTTPServer):
    def get_request(self):
        sock, addr = super().get_request()
        with open(log, "a") as f:
            f.write("connection\n")   # every TCP connection, handshake or not
        return sock, addr
srv = S(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(crt, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True, do_handshake_on_connect=False)
with open(log + ".port", "w") as f:
    f.write("%d\n" % srv.server_address[1])
srv.serve_forever()
PY
python3 "$work/tls.py" "$work/tls.crt" "$work/tls.key" "$work/tls.conns" &
pids+=("$!")
for _ in $(seq 100); do [ -s "$work/tls.conns.port" ] && break; sleep 0.1; done
tls_port=$(cat "$work/tls.conns.port")
BILLTAP_STRIPE_API_KEY=sk_test_tls "$cli" extract --provider stripe --resource customers \
  --base-url "https://127.0.0.1:$tls_port" --set max_retries=4 > "$work/tls.out" 2> "$work/tls.err"
check "tls: an unverifiable certificate is exit 3 (permanent)" test $? -eq 3
check "tls: the message says the certificate failed" grep -qi "certificate" "$work/tls.err"
check "tls: never retried: one connection" test "$(wc -l < "$work/tls.conns")" -eq 1
BILLTAP_STRIPE_API_KEY=sk_test_tls "$cli" extract --provider stripe --resource customers \
  --base-url "https://127.0.0.1:$tls_port" --set ca_file="$work/tls.crt" > "$work/tls2.out" 2> "$work/tls2.err"
check "tls: with ca_file naming its certificate, the same server is trusted (exit 0)" test $? -eq 0

echo "1..$n"
[ "$failed" -eq 0 ]
