#!/usr/bin/env bash
# Extraction against its floor: the same pages fetched by curl (HTTP + the sandbox's own
# rendering, no parsing) versus `billtap extract` (HTTP + parsing + normalizing + JSON out).
# The ratio is what billtap adds on top of moving the bytes; both run in this one session on
# this machine. Also the CLI's peak memory, which must not grow with the number of records.
# Usage: extract_bench.sh BUILD_DIR [SCALE]
set -euo pipefail
build=$1 scale=${2:-20000}
work=$(mktemp -d)
trap 'kill "$SB_PID" 2>/dev/null; wait "$SB_PID" 2>/dev/null; rm -rf "$work"' EXIT
coproc SB { exec "$build/tests/sandbox/billtap-sandbox" --provider stripe --port 0 --seed 1 \
  --scale "$scale" --rate-limit 0 --truth "$work/truth" --verbose 2> "$work/requests.log"; }
read -r line <&"${SB[0]}"
read -r settings <&"${SB[0]}" # settings: api_key=sk_test_sandbox base_url=...
url=${line#listening on }
key=$(sed -n 's/.*api_key=\([^ ]*\).*/\1/p' <<<"$settings")

now() { date +%s.%N; }
echo "stripe sandbox, scale $scale: $(wc -l < "$work/truth/transactions.jsonl") transactions, $(wc -l < "$work/truth/customers.jsonl") customers"
for resource in customers transactions; do
  : > "$work/requests.log"
  t0=$(now)
  /usr/bin/time -f "%M" -o "$work/rss" env BILLTAP_STRIPE_API_KEY="$key" \
    "$build/examples/billtap" extract --provider stripe --resource "$resource" --base-url "$url" > "$work/out.jsonl"
  t1=$(now)
  records=$(wc -l < "$work/out.jsonl")
  # The same requests again, with curl on one kept-alive connection: the floor.
  sed -nE 's/^#[0-9]+ GET ([^ ]+) -> 200.*/\1/p' "$work/requests.log" |
    awk -v u="$url" '{ printf "url = \"%s%s\"\noutput = /dev/null\n", u, $0 }' > "$work/curl.cfg"
  pages=$(grep -c '^url' "$work/curl.cfg")
  t2=$(now)
  curl -s -K "$work/curl.cfg" -H "Authorization: Bearer $key" -H "Stripe-Version: 2025-03-31.basil"
  t3=$(now)
  python3 - "$resource" "$records" "$pages" "$t0" "$t1" "$t2" "$t3" "$(cat "$work/rss")" <<'PY'
import sys
res, records, pages = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
t0, t1, t2, t3 = map(float, sys.argv[4:8])
rss = int(sys.argv[8])
billtap, floor = t1 - t0, t3 - t2
print(f"  {res:13s} {records:7d} records, {pages:4d} pages: billtap {billtap:6.2f} s "
      f"({records / billtap:8.0f} records/s), curl floor {floor:6.2f} s, ratio {billtap / floor:4.2f}x, "
      f"peak RSS {rss / 1024:.1f} MB")
PY
done
