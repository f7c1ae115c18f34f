#!/usr/bin/env bash
# Compares the built library's ABI with the stored baseline of the last release
# (tests/abi/libbilltap.abi, written by scripts/abi-baseline at release time), over the types
# the public headers declare. Fails on any removed or changed function or variable, which
# covers a changed struct layout or enum value reached through a signature (libabigail
# counts those as "changed" and does not always call them incompatible, so the summary
# decides); added functions pass and are listed. A member appended to a versioned struct
# (appendable.suppr) is the one change allowed to an existing type.
# Usage: check-abi.sh LIBRARY BASELINE PUBLIC_HEADER_DIR...
set -uo pipefail
lib=$1 baseline=$2
shift 2
if ! command -v abidiff >/dev/null; then
  echo "abidiff not found: install abigail-tools (scripts/setup does)"
  exit 1
fi
hdrs=()
for d in "$@"; do hdrs+=(--headers-dir2 "$d"); done
here=$(cd "$(dirname "$0")" && pwd)
out=$(abidiff --suppressions "$here/appendable.suppr" "${hdrs[@]}" "$baseline" "$lib" 2>&1)
rc=$?
# abidiff's exit status is a bit field: 1 error, 2 usage, 4 ABI change, 8 incompatible.
if [ $((rc & 3)) -ne 0 ]; then
  echo "abidiff failed to run (status $rc):"; echo "$out"; exit 1
fi
# "Functions changes summary: R Removed, C Changed (F filtered out), A Added functions"
broken=$(echo "$out" | awk '/changes summary:/ { if ($4 + 0 > 0 || $6 + 0 > 0) print }')
if [ $((rc & 8)) -ne 0 ] || [ -n "$broken" ]; then
  echo "ABI change against $baseline that breaks existing callers:"; echo "$out"
  echo "The 0.x ABI is frozen (docs/abi.md): restore the old shape, or append and bump a version."
  exit 1
fi
if [ $((rc & 4)) -ne 0 ]; then
  echo "compatible ABI changes against $baseline (allowed; list the new symbols in docs/abi.md):"
  echo "$out"
fi
echo "no incompatible ABI change against $(basename "$baseline")"
exit 0
