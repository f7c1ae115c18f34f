#!/usr/bin/env bash
# Each public header must compile on its own as strict C99 and as C++.
# Usage: check-headers.sh SOURCE_INCLUDE_DIR BUILD_INCLUDE_DIR (the generated version.h)
set -euo pipefail
incs=()
for d in "$@"; do incs+=("-I$d"); done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
# Each header's initialiser macros are used too: every versioned struct a caller fills in
# has one (docs/abi.md), and it must compile warning-free (no missing initialisers) in both.
uses() {
  case $1 in
  billtap.h) cat <<'EOF'
  billtap_client_options c = BILLTAP_CLIENT_OPTIONS_INIT;
  billtap_iter_options i = BILLTAP_ITER_OPTIONS_INIT;
  billtap_transport t = BILLTAP_TRANSPORT_INIT;
  (void)c; (void)i; (void)t;
EOF
  ;;
  billtap/provider.h) cat <<'EOF'
  billtap_provider p = BILLTAP_PROVIDER_INIT;
  static const billtap_setting_def s[] = {
    BILLTAP_SETTING("key", BILLTAP_SETTING_SECRET, NULL, 0, 0, "a key"), BILLTAP_SETTINGS_END };
  (void)p; (void)s;
EOF
  ;;
  esac
}
for h in billtap.h billtap/version.h billtap/provider.h billtap/provider_kit.h; do
  printf '#include <%s>\n#include <%s>\nint main(void) {\n%s\n  return 0;\n}\n' "$h" "$h" "$(uses "$h")" > "$tmp/t.c"
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
