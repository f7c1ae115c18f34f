# TAP helpers for the integration scripts (sourced): ok, not_ok DESC [DETAIL...],
# check DESC COMMAND..., expect_fail (needs $work), and the counters n and failed for the
# closing "1..$n".
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
check() { local desc=$1; shift; if "$@"; then ok "$desc"; else not_ok "$desc"; fi; }
# expect_fail DESC STATUS TEXT COMMAND...: COMMAND exits STATUS, says TEXT on stderr and
# prints nothing on stdout. Its stderr stays in $work/f.err for further checks.
expect_fail() {
  local desc=$1 want=$2 text=$3; shift 3
  "$@" > "$work/f.out" 2> "$work/f.err"
  local got=$?
  if [ "$got" -eq "$want" ] && grep -qF -- "$text" "$work/f.err" && [ ! -s "$work/f.out" ]; then
    ok "$desc"
  else
    not_ok "$desc" "exit $got (want $want), stderr: $(cat "$work/f.err")"
  fi
}
