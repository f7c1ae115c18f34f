#!/usr/bin/env bash
# Requests in flight: PayPal's per-id fan-outs (a GET per subscription, a GET per plan's
# details) against the sandbox, where every request takes LATENCY_MS, with max_in_flight
# 1, 4 and 8. Prints wall times and their ratio to one request at a time; every run must
# return exactly the truth's number of records. The searches and list pages before a
# fan-out stay one at a time (each depends on the one before), so they bound the gain.
# Usage: inflight_bench.sh BUILD_DIR [SCALE] [LATENCY_MS]
set -euo pipefail
build=$1 scale=${2:-300} latency=${3:-20}
work=$(mktemp -d)
trap 'kill "$SB_PID" 2>/dev/null; wait "$SB_PID" 2>/dev/null; rm -rf "$work"' EXIT
coproc SB { exec "$build/tests/sandbox/billtap-sandbox" --provider paypal --port 0 --seed 1 \
  --scale "$scale" --truth "$work/truth" --faults "slow@1-100000000:$latency" --verbose \
  2> "$work/requests.log"; }
read -r line <&"${SB[0]}"
url=${line#listening on }
# Every subscription, also those the transaction search cannot find.
ids=$(paste -sd, "$work/truth/hidden_subscription_ids.txt")

now() { date +%s.%N; }
echo "paypal sandbox, scale $scale, every request ${latency} ms:"
for resource in subscriptions plans; do
  truth=$work/truth/$resource.jsonl
  [ "$resource" = subscriptions ] && truth=$work/truth/subscriptions_all.jsonl
  want=$(wc -l < "$truth")
  base=""
  for n in 1 4 8; do
    best=""
    for run in 1 2 3; do # the best of three: the shortest runs are a few requests long
      : > "$work/requests.log"
      t0=$(now)
      "$build/examples/billtap" extract --provider paypal --resource "$resource" --base-url "$url" \
        --set client_id=sandbox-client --set client_secret=sandbox-secret \
        --set subscription_ids="$ids" --set max_in_flight="$n" > "$work/out.jsonl"
      t1=$(now)
      got=$(wc -l < "$work/out.jsonl")
      [ "$got" -eq "$want" ] || { echo "max_in_flight $n: $got $resource, truth has $want"; exit 1; }
      best=$(python3 -c "print(min(x for x in [$t1 - $t0, ${best:-1e9}]))")
    done
    requests=$(grep -c '^#' "$work/requests.log" || true)
    base=${base:-$best}
    python3 - "$resource" "$n" "$got" "$requests" "$best" "$base" <<'PY'
import sys
res, n, records, requests = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
wall, base = float(sys.argv[5]), float(sys.argv[6])
print(f"  {res:13s} max_in_flight {n}: {records:5d} records, {requests:5d} requests, "
      f"{wall:6.2f} s, {base / wall:4.2f}x the speed of 1 in flight")
PY
  done
done
