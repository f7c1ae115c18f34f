#!/usr/bin/env bash
# One sandbox serving a fleet (tests/sandbox/README.md, "Many accounts"): --accounts N lists
# every account in DIR/accounts.txt; each account's truth is exactly what a one-account
# sandbox with seed + i and the account's credentials writes (the single-account path is the
# separate reference); credentials are the account's own and refused elsewhere; each
# account has its own rate limit; an advance changes one account's world and no other's;
# bad fleets are refused.
#
# usage: accounts_test.sh path/to/billtap-sandbox
set -u -o pipefail

BIN=${1:?usage: accounts_test.sh SANDBOX_BINARY}
NAME=accounts
. "$(dirname "$0")/sandbox_test_lib.sh"

start F --accounts 5 --provider stripe,paypal,recurly,chargebee --seed 7 --scale 40 --rate-limit 5 \
    --truth "$WORK/fleet"
grep -q "^settings: accounts=5 accounts_file=$WORK/fleet/accounts.txt$" "$WORK/F.out" \
    && pass "settings line names the accounts file" || fail "settings line: $(tail -1 "$WORK/F.out")"
list=$WORK/fleet/accounts.txt
[ "$(cut -d' ' -f1,2 "$list" | tr '\n' ' ')" = "acct01 provider=stripe acct02 provider=paypal acct03 provider=recurly acct04 provider=chargebee acct05 provider=stripe " ] \
    && pass "5 accounts, providers dealt out in turn" || fail "accounts: $(cut -d' ' -f1,2 "$list")"
setting() { sed -n "s/^$1 .* $2=\([^ ]*\).*/\1/p" "$list"; }
[ "$(grep -o 'base_url=[^ ]*' "$list" | sort -u | wc -l)" = 5 ] && pass "each account has its own port" \
    || fail "ports shared: $(grep -o 'base_url=[^ ]*' "$list")"

# Each account's truth against a one-account sandbox run with the account's seed and
# credentials as explicit options.
i=0
while read -r acct prov rest; do
    prov=${prov#provider=}
    opts=()
    for kv in $rest; do
        case $kv in base_url=* | rate_limit=*) ;; *) opts+=(--opt "$kv") ;; esac
    done
    "$BIN" --provider "$prov" --seed $((7 + i)) --scale 40 --truth "$WORK/single-$acct" "${opts[@]}" \
        >"$WORK/single-$acct.out" 2>&1 &
    pid=$!
    for _ in $(seq 1 200); do grep -q '^settings:' "$WORK/single-$acct.out" && break; sleep 0.05; done
    kill "$pid"; wait "$pid" 2>/dev/null
    if diff -r "$WORK/single-$acct" "$WORK/fleet/$acct" >/dev/null && [ -s "$WORK/fleet/$acct/customers.jsonl" ]; then
        pass "$acct ($prov): truth equals a one-account sandbox's with seed $((7 + i))"
    else
        fail "$acct ($prov): truth differs from the one-account sandbox's"
    fi
    i=$((i + 1))
done <"$list"
cmp -s "$WORK/fleet/acct01/customers.jsonl" "$WORK/fleet/acct05/customers.jsonl" \
    && fail "acct01 and acct05 (both stripe) have the same world" || pass "two Stripe accounts have different worlds"

# Credentials are per account.
u1=$(setting acct01 base_url) u5=$(setting acct05 base_url) k1=$(setting acct01 api_key) k5=$(setting acct05 api_key)
code() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $2" "$1/v1/customers?limit=1"; }
[ "$(code "$u1" "$k1")" = 200 ] && pass "acct01 answers its own key" || fail "acct01 refused its own key"
[ "$(code "$u1" "$k5")" = 401 ] && [ "$(code "$u5" "$k1")" = 401 ] && [ "$(code "$u1" "$KEY")" = 401 ] \
    && pass "an account refuses another account's key and the default key" || fail "a foreign key was accepted"

# Rate limits are per account: 5/s, burst 5. A burst of 20 on acct05 is limited there and
# costs acct01 nothing.
# One curl, one connection, 20 requests: over 3 s would be needed to refill enough for all.
urls=()
for _ in $(seq 1 20); do urls+=(-o /dev/null "$u5/v1/customers?limit=1"); done
codes5=$(curl -s -w '%{http_code}\n' -H "Authorization: Bearer $k5" "${urls[@]}" | sort | uniq -c | tr -s ' ' | tr '\n' ';')
grep -q '429' <<<"$codes5" && pass "acct05 is limited ($codes5)" || fail "acct05 never limited: $codes5"
c1=$(code "$u1" "$k1")
[ "$c1" = 200 ] && pass "acct01's budget is its own" || fail "acct01 answered $c1 after acct05's burst"

# An advance changes one account's world and truth, no other's.
cp -r "$WORK/fleet" "$WORK/before"
got=$(curl -s -X POST "$(setting acct03 base_url)/_sandbox/advance?days=3")
[ "$(jq -r .epoch <<<"$got")" = 1 ] && [ -s "$WORK/fleet/acct03/changes.jsonl" ] \
    && pass "acct03 advanced ($(jq -r .changes <<<"$got") changes)" || fail "acct03 advance answered $got"
diff -rq "$WORK/before/acct03" "$WORK/fleet/acct03" >/dev/null && fail "acct03's truth did not change" \
    || pass "acct03's truth changed"
same=1
for a in acct01 acct02 acct04 acct05; do diff -rq "$WORK/before/$a" "$WORK/fleet/$a" >/dev/null || same=0; done
[ $same = 1 ] && pass "the other accounts' truth is untouched" || fail "another account's truth changed"

# Refused fleets.
refused() { # what... -> the sandbox exits 2 with a message matching the last argument
    local want=${*: -1} out rc
    out=$("$BIN" "${@:1:$#-1}" 2>&1 </dev/null)
    rc=$?
    [ $rc = 2 ] && grep -q -- "$want" <<<"$out" && pass "refused: ${*:1:$#-1}" || fail "'${*:1:$#-1}' exited $rc: $out"
}
refused --accounts 2 --provider stripe "needs --truth"
refused --accounts 0 --provider stripe --truth "$WORK/x" "at least 1"
refused --accounts 2 --provider stripe,nope --truth "$WORK/x" "unknown provider 'nope'"
refused --provider stripe,paypal "several with --accounts"
refused --accounts 2 --provider stripe,paypal --opt api_key=x --truth "$WORK/x" "unknown option for --provider paypal"

[ "$FAILURES" -eq 0 ] || { echo "$FAILURES failed" >&2; exit 1; }
echo "all passed"
