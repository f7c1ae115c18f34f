#!/bin/sh
# run-cases.sh JSONCHECK CASES_DIR: runs jsoncheck on every y_*.json (must be accepted) and
# n_*.json (must be rejected) in CASES_DIR. Prints one line per wrong answer and a count;
# exits 1 when any case is wrong or jsoncheck fails to run, 2 on a usage error.
if [ "$#" -ne 2 ] || [ ! -x "$1" ] || [ ! -d "$2" ]; then
	echo "usage: run-cases.sh JSONCHECK_BINARY CASES_DIR" >&2
	exit 2
fi
check=$1
dir=$2
total=0
failed=0
for f in "$dir"/y_*.json "$dir"/n_*.json; do
	[ -e "$f" ] || continue
	total=$((total + 1))
	name=$(basename "$f")
	"$check" "$f" 2>/dev/null
	rc=$?
	case "$name" in
	y_*) want=0 ;;
	*) want=1 ;;
	esac
	if [ "$rc" -ne "$want" ]; then
		failed=$((failed + 1))
		if [ "$want" -eq 0 ]; then
			echo "FAIL $name: rejected (exit $rc): $("$check" "$f" 2>&1)"
		else
			echo "FAIL $name: exit $rc, expected 1 (rejected)"
		fi
	fi
done
if [ "$total" -eq 0 ]; then
	echo "no cases in $dir" >&2
	exit 1
fi
echo "$((total - failed))/$total cases passed"
[ "$failed" -eq 0 ]
