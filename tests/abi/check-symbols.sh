#!/usr/bin/env bash
# Compares the dynamic symbols libbilltap exports, with their version nodes, with the
# checked-in list ("SYMBOL NODE" per line).
# Usage: check-symbols.sh LIBRARY SYMBOL_LIST
set -euo pipefail
lib=$1 list=$2
# "billtap_x@@BILLTAP_0.1" per defined dynamic symbol (the node definitions themselves,
# absolute symbols named like the node, are left out).
actual=$(nm -D --defined-only --with-symbol-versions "$lib" |
  awk '$2 ~ /^[TDBR]$/ {print $3}' | grep -v '^BILLTAP_[0-9]' | LC_ALL=C sort -u)
status=0
if echo "$actual" | sed 's/@.*//' | grep -v '^billtap_' | grep -q .; then
  echo "symbols without the billtap_ prefix are exported:"
  echo "$actual" | sed 's/@.*//' | grep -v '^billtap_'
  status=1
fi
if echo "$actual" | grep -v '@@BILLTAP_[0-9][0-9.]*$' | grep -q .; then
  echo "symbols without a release version node (src/libbilltap.map):"
  echo "$actual" | grep -v '@@BILLTAP_[0-9][0-9.]*$'
  status=1
fi
expected=$(grep -v '^#' "$list" | grep . | awk '{print $1 "@@" $2}' | LC_ALL=C sort -u)
if [ "$actual" != "$expected" ]; then
  echo "exported symbols differ from $list (< exported, > listed):"
  diff <(echo "$actual") <(echo "$expected") || true
  echo "If the change is intended, update $list, src/libbilltap.map and docs/abi.md."
  status=1
fi
[ $status -eq 0 ] && echo "$(echo "$actual" | wc -l) symbols, all listed with their version node"
exit $status
