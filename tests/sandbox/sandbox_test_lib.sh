# Shared by the sandbox's shell tests (advance_test.sh, latency_test.sh, providers'
# smoke.sh): the work directory, the sandboxes started and stopped, pass/fail counting,
# check() and start().
# Before sourcing: BIN (the billtap-sandbox binary) and NAME (the test's name, for the
# work directory). Sets KEY, WORK, FAILURES.
KEY=sk_test_sandbox
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sandbox-$NAME.XXXXXX")
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
die() { echo "FATAL: $*" >&2; exit 1; }
check() { # check DESCRIPTION COMMAND...: pass when the command succeeds
    local what=$1
    shift
    if "$@" >"$WORK/check.out" 2>&1; then
        pass "$what"
    else
        fail "$what"
        head -n 20 "$WORK/check.out" | cut -c1-300 >&2
    fi
}
command -v curl >/dev/null || die "curl not found"
command -v jq >/dev/null || die "jq not found"

# start NAME ARGS...: runs the sandbox, waits for its two lines (the first exactly
# "listening on http://127.0.0.1:PORT", then sets URL_NAME, or with --accounts "listening
# on N accounts")
start() {
    local name=$1
    shift
    "$BIN" --port 0 "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    local pid=$!
    PIDS+=("$pid")
    for _ in $(seq 1 200); do
        grep -q '^settings:' "$WORK/$name.out" 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || die "$name: sandbox exited early: $(cat "$WORK/$name.err")"
        sleep 0.05
    done
    local line
    line=$(head -n 1 "$WORK/$name.out")
    if [[ "$line" =~ ^listening\ on\ (http://127\.0\.0\.1:[0-9]+)$ ]]; then
        printf -v "URL_$name" '%s' "${BASH_REMATCH[1]}"
    elif ! [[ "$line" =~ ^listening\ on\ [0-9]+\ accounts$ ]]; then # --accounts: no one URL
        die "$name did not start (first line '$line'): $(cat "$WORK/$name.err")"
    fi
}
