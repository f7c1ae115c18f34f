#!/usr/bin/env bash
# Every numeric constant of the public headers (enum values and #define numbers) keeps its
# value forever: compares them with the checked-in ledger tests/abi/constants.txt. A new
# constant must be added there (and to docs/abi.md's ledger); a changed or removed one
# fails. abidiff cannot see these: status codes travel as plain ints.
# Usage: check-constants.sh LEDGER HEADER...
set -euo pipefail
ledger=$1
shift
actual=$(
  for h in "$@"; do
    # enum members: "BILLTAP_X = -3," ; defines: "#define BILLTAP_X 0x1u" / "2"
    sed -n -E 's/^[[:space:]]*(BILLTAP_[A-Z0-9_]+)[[:space:]]*=[[:space:]]*(-?[0-9]+).*/\1 \2/p' "$h"
    sed -n -E 's/^#define[[:space:]]+(BILLTAP_[A-Z0-9_]+)[[:space:]]+\(?(-?(0x[0-9a-fA-F]+|[0-9]+))u?\)?[[:space:]]*(\/\*.*)?$/\1 \2/p' "$h"
  done | LC_ALL=C sort -u)
expected=$(grep -v '^#' "$ledger" | grep . | LC_ALL=C sort -u)
status=0
changed=$(LC_ALL=C join <(echo "$expected") <(echo "$actual") | awk '$2 != $3')
missing=$(LC_ALL=C join -v1 <(echo "$expected") <(echo "$actual"))
new=$(LC_ALL=C join -v2 <(echo "$expected") <(echo "$actual"))
if [ -n "$changed" ]; then echo "constants whose value changed (name ledger header):"; echo "$changed"; status=1; fi
if [ -n "$missing" ]; then echo "constants removed from the headers:"; echo "$missing"; status=1; fi
if [ -n "$new" ]; then echo "new constants, not yet in $ledger (add them):"; echo "$new"; status=1; fi
[ $status -eq 0 ] && echo "$(echo "$actual" | wc -l) constants, all with their recorded values"
exit $status
