#!/usr/bin/env bash
# Each public header must compile on its own as strict C99 and as C++.
set -euo pipefail
inc=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for h in billtap.h billtap/provider.h; do
  printf '#include <%s>\n#include <%s>\nint main(void) { return 0; }\n' "$h" "$h" > "$tmp/t.c"
  cp "$tmp/t.c" "$tmp/t.cpp"
  if ! cc -std=c99 -pedantic -Wall -Wextra -Werror -I"$inc" -c "$tmp/t.c" -o "$tmp/t.o"; then
    echo "FAIL: $h as C99"; status=1
  fi
  if command -v c++ >/dev/null; then
    if ! c++ -std=c++11 -pedantic -Wall -Wextra -Werror -I"$inc" -c "$tmp/t.cpp" -o "$tmp/t.o"; then
      echo "FAIL: $h as C++"; status=1
    fi
  fi
done
[ $status -eq 0 ] && echo "headers compile as C99 and C++"
exit $status
