#!/usr/bin/env bash
# Smoke test of billtap-sandbox --provider chargebee by plain curl + jq: Basic auth and its
# refusals, limit and offset validation with Chargebee's error envelope, parameters refused,
# next_offset paging (every customer once, equal to the truth's ids), sort and time
# filters, include_deleted, the 429 body with Retry-After, an injected fault's body, the
# refused module faults, and a clean exit on SIGTERM.
#
# usage: smoke.sh path/to/billtap-sandbox
set -u -o pipefail

BIN=${1:?usage: smoke.sh SANDBOX_BINARY}
KEY=test_sandbox_key
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sandbox-smoke-chargebee.XXXXXX")
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
    if "$@" >"$WORK/check.out" 2>&1; then
        pass "$what"
    else
        fail "$what"
        head -n 20 "$WORK/check.out" | cut -c1-300 >&2
    fi
}
die() { echo "FATAL: $*" >&2; exit 1; }

command -v curl >/dev/null || die "curl not found"
command -v jq >/dev/null || die "jq not found"

# start NAME ARGS...: runs the sandbox, waits for its two lines, sets URL and PID.
start() {
    local name=$1
    shift
    "$BIN" --provider chargebee --port 0 --truth "$WORK/$name" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
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
    URL="http://127.0.0.1:${BASH_REMATCH[1]}"
}

# stop PID: SIGTERM, must exit 0 (sanitizer reports make it fail).
stop() {
    kill -TERM "$1"
    wait "$1"
    local rc=$?
    check "SIGTERM: exit 0" test "$rc" -eq 0
}

# get OUT PATH [CURL ARGS...]: the answer's body in OUT, its status in OUT.status
get() {
    local out=$1 path=$2
    shift 2
    curl -s -o "$out" -D "$out.headers" -w '%{http_code}' "$@" "$URL$path" >"$out.status"
}
status_is() { [ "$(cat "$1.status")" = "$2" ]; }
envelope() { # envelope FILE STATUS TYPE CODE: Chargebee's error object
    jq -e --argjson s "$2" --arg t "$3" --arg c "$4" \
        '.http_status_code == $s and .type == $t and .api_error_code == $c and (.message | type) == "string"' "$1"
}

start main --seed 3 --scale 300 --rate-limit 0
B=$WORK/r

# ---------------------------------------------------------------- authentication
get "$B.1" /api/v2/customers
check "no credentials: 401 api_authentication_failed" bash -c "[ $(cat "$B.1.status") = 401 ]"
check "no credentials: the error envelope" envelope "$B.1" 401 untyped api_authentication_failed
get "$B.2" /api/v2/customers -u wrong_key:
check "a wrong key: 401 'Invalid api key'" bash -c "[ \$(cat '$B.2.status') = 401 ] && jq -e '.message | test(\"Invalid api key\")' '$B.2'"
get "$B.3" /api/v2/customers -H "Authorization: Bearer $KEY"
check "a Bearer token is not Basic auth: 401" status_is "$B.3" 401
get "$B.4" /api/v2/customers -u "$KEY:"
check "the key as the Basic user name: 200" status_is "$B.4" 200

# ---------------------------------------------------------------- parameters
for bad in limit=0 limit=101 limit=ten; do
    get "$B.l" "/api/v2/customers?$bad" -u "$KEY:"
    check "$bad: 400 naming limit" bash -c "[ \$(cat '$B.l.status') = 400 ] && jq -e '.param == \"limit\"' '$B.l'"
done
check "limit: the error envelope" envelope "$B.l" 400 invalid_request invalid_request
get "$B.5" "/api/v2/customers?offset=nonsense" -u "$KEY:"
check "a malformed offset: 400 naming offset" bash -c "[ \$(cat '$B.5.status') = 400 ] && jq -e '.param == \"offset\"' '$B.5'"
get "$B.6" "/api/v2/customers?colour=blue" -u "$KEY:"
check "an unknown parameter: 400" status_is "$B.6" 400
get "$B.7" "/api/v2/item_prices?created_at%5Bafter%5D=0" -u "$KEY:"
check "item prices take no created_at filter: 400" status_is "$B.7" 400
get "$B.8" "/api/v2/item_prices?include_deleted=true" -u "$KEY:"
check "item prices take no include_deleted: 400" status_is "$B.8" 400
get "$B.9" "/api/v2/nowhere" -u "$KEY:"
check "an unknown path: 404 resource_not_found" envelope "$B.9" 404 invalid_request resource_not_found
get "$B.10" "/api/v2/customers" -u "$KEY:"
check "limit defaults to 10" jq -e '(.list | length) == 10 and (.next_offset | type) == "string"' "$B.10"
check "entries wrap their object" jq -e 'all(.list[]; .customer.object == "customer")' "$B.10"

# ---------------------------------------------------------------- paging
ids=$WORK/ids
: >"$ids"
offset="" pages=0
while :; do
    if [ -n "$offset" ]; then
        get "$B.p" "/api/v2/customers?limit=37&sort_by%5Basc%5D=created_at" -u "$KEY:" -G --data-urlencode "offset=$offset"
    else
        get "$B.p" "/api/v2/customers?limit=37&sort_by%5Basc%5D=created_at" -u "$KEY:"
    fi
    status_is "$B.p" 200 || { fail "page $pages: HTTP $(cat "$B.p.status")"; break; }
    jq -r '.list[].customer.id' "$B.p" >>"$ids"
    pages=$((pages + 1))
    offset=$(jq -r '.next_offset // empty' "$B.p")
    [ -n "$offset" ] || break
    [ "$pages" -lt 100 ] || { fail "paging does not end"; break; }
done
check "next_offset paging: every listed customer once, the truth's ids" \
    cmp <(LC_ALL=C sort "$ids") <(jq -r .id "$WORK/main/customers.jsonl" | LC_ALL=C sort)
check "oldest first: created_at never goes back" bash -c "
    jq -r '.list[].customer.created_at' '$B.p' | sort -n -c"
get "$B.d" "/api/v2/customers?limit=100&include_deleted=true&sort_by%5Basc%5D=created_at" -u "$KEY:"
check "include_deleted=true shows deleted customers with deleted: true" \
    jq -e 'any(.list[]; .customer.deleted == true)' "$B.d"
first=$(jq -r '.list[0].customer.created_at' "$B.d")
get "$B.a" "/api/v2/customers?limit=100&created_at%5Bafter%5D=$first" -u "$KEY:"
check "created_at[after] is strictly after" jq -e --argjson t "$first" 'all(.list[]; .customer.created_at > $t)' "$B.a"
get "$B.u" "/api/v2/transactions?limit=5&sort_by%5Bdesc%5D=updated_at" -u "$KEY:"
check "sort_by[desc]=updated_at: newest change first" bash -c "
    jq -r '.list[].transaction.updated_at' '$B.u' | sort -n -r -c"
stop "$PID"

# ---------------------------------------------------------------- rate limit and faults
start limited --scale 20 --rate-limit 2/60
get "$B.r1" /api/v2/customers -u "$KEY:"
get "$B.r2" /api/v2/customers -u "$KEY:"
get "$B.r3" /api/v2/customers -u "$KEY:"
check "over the limit: 429 api_request_limit_exceeded" envelope "$B.r3" 429 operation_failed api_request_limit_exceeded
check "the 429 carries Retry-After" grep -qi '^Retry-After: 1' "$B.r3.headers"
stop "$PID"

start faults --scale 20 --rate-limit 0 --faults 503@1,500@2,echo@3
get "$B.f1" /api/v2/customers -u "$KEY:"
check "503@1: internal_temporary_error" envelope "$B.f1" 503 operation_failed internal_temporary_error
get "$B.f2" /api/v2/customers -u "$KEY:"
check "500@2: internal_error" envelope "$B.f2" 500 operation_failed internal_error
get "$B.f3" /api/v2/customers -u "$KEY:"
check "echo@3: the credentials in the message" jq -e '.message | test("decoded: test_sandbox_key:")' "$B.f3"
stop "$PID"

for spec in inflate@2:3 shrink@2:1 insert@2:100000; do
    "$BIN" --provider chargebee --port 0 --scale 20 --faults "$spec" >/dev/null 2>"$WORK/bad.err"
    rc=$?
    check "--faults $spec exits 2 naming it" bash -c "[ $rc = 2 ] && grep -qF -- \"'$spec'\" '$WORK/bad.err'"
done

if [ "$FAILURES" -gt 0 ]; then
    echo "$FAILURES check(s) failed" >&2
    exit 1
fi
echo "all checks passed"
