# Shared by the sandbox's shell tests (advance_test.sh, latency_test.sh): the work
# directory, the sandboxes started and stopped, pass/fail counting and start().
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
command -v curl >/dev/null || die "curl not found"
command -v jq >/dev/null || die "jq not found"

# start NAME ARGS...: runs the sandbox, sets URL_NAME
start() {
    local name=$1
    shift
    "$BIN" --port 0 "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    PIDS+=($!)
    for _ in $(seq 1 200); do
        grep -q '^settings:' "$WORK/$name.out" 2>/dev/null && break
        sleep 0.05
    done
    local url
    url=$(sed -n 's/^listening on //p' "$WORK/$name.out")
    [ -n "$url" ] || die "$name did not start: $(cat "$WORK/$name.err")"
    printf -v "URL_$name" '%s' "$url"
}
