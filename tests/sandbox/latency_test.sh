#!/usr/bin/env bash
# Latency and the sandbox's accounting (tests/sandbox/README.md, "Latency and stats"):
# --latency-ms/--latency-jitter-ms delay every answer of every module (errors, 429s and
# dropped connections too), each by a delay that depends only on the seed and the request
# number, and concurrent requests wait side by side, not one after another. Overlap is
# proven by the sandbox's own count of requests in flight, not by a clock: the wall time
# is printed, never asserted. The one time compared is a lower bound (a client cannot get
# an answer before the sleep that precedes it ends), which no load can break.
#
# usage: latency_test.sh path/to/billtap-sandbox
set -u -o pipefail

BIN=${1:?usage: latency_test.sh SANDBOX_BINARY}
NAME=latency
. "$(dirname "$0")/sandbox_test_lib.sh"
stats() { curl -s "$1/_sandbox/stats"; }
get() { # get URL PATH [KEY] -> "STATUS SECONDS"
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer ${3:-$KEY}" "$1$2"
}

# ---- bad options ----
for bad in "--latency-ms abc" "--latency-ms -5" "--latency-ms 600001" "--latency-ms 10 --latency-jitter-ms 11" \
    "--latency-jitter-ms 1"; do
    # shellcheck disable=SC2086
    "$BIN" --provider stripe --port 0 $bad >/dev/null 2>"$WORK/bad.err"
    rc=$?
    [ "$rc" = 2 ] && grep -q -- '--latency' "$WORK/bad.err" && pass "'$bad' exits 2 naming the option" \
        || fail "'$bad': exit $rc, $(cat "$WORK/bad.err")"
done

# ---- concurrent requests wait side by side ----
start C --provider stripe --seed 3 --scale 100 --latency-ms 2000
t0=$(date +%s.%N)
cpids=()
for i in 1 2 3; do
    get "$URL_C" "/v1/customers?limit=$i" >"$WORK/c$i" &
    cpids+=($!)
done
wait "${cpids[@]}"
t1=$(date +%s.%N)
s=$(stats "$URL_C")
[ "$(cat "$WORK"/c? | cut -d' ' -f1 | sort -u)" = 200 ] && pass "three concurrent requests answered 200" \
    || fail "concurrent answers: $(cat "$WORK"/c?)"
[ "$(jq -c '[.requests, .peak_in_flight, .in_flight, .latency.min_ms, .latency.max_ms, .latency.total_ms]' <<<"$s")" \
    = "[3,3,0,2000,2000,6000]" ] && pass "all three were in flight at once, each for 2000 ms (one after another would be 6 s)" \
    || fail "stats after three concurrent requests: $s"
awk -v t0="$t0" -v t1="$t1" 'BEGIN { printf "info: three concurrent 2000 ms requests took %.2f s of wall time\n", t1 - t0 }'
slowest=$(cut -d' ' -f2 "$WORK"/c? | sort -n | head -1)
awk -v t="$slowest" 'BEGIN { exit !(t >= 2.0) }' && pass "no answer came before its 2000 ms" || fail "an answer after $slowest s"

# ---- every answer is delayed, errors included; delays follow the seed ----
# Stripe: 200s, then 429s (2 a second), an injected 503, a dropped connection, a 401.
run_mixed() { # run_mixed NAME SEED -> the stats after the same eight requests
    local name=$1 url
    start "$name" --provider stripe --seed "$2" --scale 100 --latency-ms 60 --latency-jitter-ms 40 \
        --rate-limit 2 --faults 503@3,drop@4
    url=$(eval echo "\$URL_$name")
    for i in 1 2 3 4 5 6 7; do get "$url" "/v1/customers?limit=1" >>"$WORK/$name.times"; done
    get "$url" "/v1/customers" sk_test_wrong >>"$WORK/$name.times"
    stats "$url"
}
a=$(run_mixed M1 5)
b=$(run_mixed M2 5)
c=$(run_mixed M3 6)
[ "$(jq -c '[.requests, .dropped, .status["429"] > 0, .status["503"], .status["401"]]' <<<"$a")" = "[8,1,true,1,1]" ] \
    && pass "429s, a 503, a drop and a 401 are all counted: $(jq -c .status <<<"$a")" || fail "mixed stats: $a"
jq -e '.latency.min_ms >= 20 and .latency.max_ms <= 100 and .latency.min_ms < .latency.max_ms' <<<"$a" >/dev/null \
    && pass "delays vary within 60 ± 40 ms ($(jq -c '[.latency.min_ms, .latency.max_ms]' <<<"$a"))" \
    || fail "delays out of 60 ± 40: $(jq -c .latency <<<"$a")"
[ "$(jq -c .latency <<<"$a")" = "$(jq -c .latency <<<"$b")" ] \
    && pass "the same seed gives the same delays (total $(jq .latency.total_ms <<<"$a") ms)" \
    || fail "same seed, different delays: $(jq -c .latency <<<"$a") vs $(jq -c .latency <<<"$b")"
[ "$(jq .latency.total_ms <<<"$a")" != "$(jq .latency.total_ms <<<"$c")" ] \
    && pass "another seed gives other delays" || fail "seeds 5 and 6 gave the same delays: $(jq -c .latency <<<"$c")"
# curl reports 000 and 0 for the dropped one; every other answer waited its minimum.
awk '$1 != "000" && $2 < 0.020 { bad = 1 } END { exit bad }' "$WORK/M1.times" \
    && pass "no answer (200, 429, 503, 401) came before 20 ms" || fail "early answers: $(tr '\n' ' ' <"$WORK/M1.times")"

# ---- PayPal: the token endpoint and its errors too ----
start P --provider paypal --seed 1 --scale 50 --latency-ms 100
curl -s -o /dev/null -u sandbox-client:sandbox-secret -d grant_type=client_credentials "$URL_P/v1/oauth2/token"
curl -s -o /dev/null -u sandbox-client:wrong -d grant_type=client_credentials "$URL_P/v1/oauth2/token"
s=$(stats "$URL_P")
[ "$(jq -c '[.requests, .status["200"], .status["401"], .latency.total_ms]' <<<"$s")" = "[2,1,1,200]" ] \
    && pass "PayPal: a token and a refused token, each after 100 ms" || fail "PayPal stats: $s"

# ---- the stats endpoint itself ----
st=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$URL_P/_sandbox/stats")
sq=$(curl -s -o /dev/null -w '%{http_code}' "$URL_P/_sandbox/stats?x=1")
[ "$st $sq" = "405 400" ] && pass "POST /_sandbox/stats is 405, a parameter 400" || fail "stats endpoint answered $st $sq"
[ "$(stats "$URL_P" | jq .requests)" = 2 ] && pass "control requests are not counted" \
    || fail "control requests counted: $(stats "$URL_P")"
start Z --provider stripe --scale 50
get "$URL_Z" "/v1/customers?limit=1" >/dev/null
[ "$(stats "$URL_Z" | jq -c '[.latency.ms, .latency.total_ms, .requests]')" = "[0,0,1]" ] \
    && pass "without --latency-ms nothing is delayed" || fail "default latency: $(stats "$URL_Z")"

echo "$FAILURES failed"
[ "$FAILURES" -eq 0 ]
