#!/usr/bin/env bash
# Compares the dynamic symbols libbilltap exports with the checked-in list.
# Usage: check-symbols.sh LIBRARY SYMBOL_LIST
set -euo pipefail
lib=$1 list=$2
actual=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBR]$/ {print $3}' | sed 's/@.*//' | LC_ALL=C sort -u)
status=0
if echo "$actual" | grep -v '^billtap_' | grep -q .; then
  echo "symbols without the billtap_ prefix are exported:"
  echo "$actual" | grep -v '^billtap_'
  status=1
fi
expected=$(grep -v '^#' "$list" | grep . | LC_ALL=C sort -u)
if [ "$actual" != "$expected" ]; then
  echo "exported symbols differ from $list (< exported, > listed):"
  diff <(echo "$actual") <(echo "$expected") || true
  echo "If the change is intended, update $list and docs/abi.md."
  status=1
fi
[ $status -eq 0 ] && echo "$(echo "$actual" | wc -l) symbols, all listed"
exit $status
