#!/usr/bin/env bash
# Each public header must compile on its own as strict C99 and as C++.
# Usage: check-headers.sh SOURCE_INCLUDE_DIR BUILD_INCLUDE_DIR (the generated version.h)
set -euo pipefail
incs=()
for d in "$@"; do incs+=("-I$d"); done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for h in billtap.h billtap/version.h billtap/provider.h billtap/provider_kit.h; do
  printf '#include <%s>\n#include <%s>\nint main(void) { return 0; }\n' "$h" "$h" > "$tmp/t.c"
  cp "$tmp/t.c" "$tmp/t.cpp"
  if ! cc -std=c99 -pedantic -Wall -Wextra -Werror "${incs[@]}" -c "$tmp/t.c" -o "$tmp/t.o"; then
    echo "FAIL: $h as C99"; status=1
  fi
  if command -v c++ >/dev/null; then
    if ! c++ -std=c++11 -pedantic -Wall -Wextra -Werror "${incs[@]}" -c "$tmp/t.cpp" -o "$tmp/t.o"; then
      echo "FAIL: $h as C++"; status=1
    fi
  fi
done
[ $status -eq 0 ] && echo "headers compile as C99 and C++"
exit $status
