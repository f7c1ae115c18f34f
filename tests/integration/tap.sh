# TAP helpers for the integration scripts (sourced): ok, not_ok DESC [DETAIL...],
# check DESC COMMAND..., and the counters n and failed for the closing "1..$n".
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
check() { local desc=$1; shift; if "$@"; then ok "$desc"; else not_ok "$desc"; fi; }
