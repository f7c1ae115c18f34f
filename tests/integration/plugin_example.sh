#!/usr/bin/env bash
# The out-of-tree plugin example (examples/plugin) against an installed billtap, in TAP:
# it builds with pkg-config from the install alone, then the plugin is loaded and its fake
# server's data extracted from C (the example's host program), the CLI, Ruby and Go, each
# compared with the fake server's truth, whole and resumed from a checkpoint mid-way.
# Usage: plugin_example.sh STAGE
#   STAGE: a DESTDIR the billtap build was installed into.
set -uo pipefail
stage=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
example=$root/examples/plugin
work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; }
  rm -rf "$work"
}
trap cleanup EXIT

. "$(dirname "$0")/tap.sh"
finish() { echo "1..$n"; exit $((failed > 0)); }

pc=$(dirname "$(find "$stage" -name billtap.pc | head -1)")
libdir=$(dirname "$(find "$stage" -name 'libbilltap.so.0' | head -1)")
cli=$(find "$stage" -path '*/bin/billtap' | head -1)
export PKG_CONFIG_SYSROOT_DIR=$stage PKG_CONFIG_PATH=$pc

# 1. Build the example the way its README says, against the install only.
if meson setup -Dwerror=true "$work/build" "$example" > "$work/setup.log" 2>&1 &&
   ninja -C "$work/build" > "$work/ninja.log" 2>&1; then
  ok "the example builds against the installed billtap (pkg-config, -Werror)"
else
  not_ok "the example builds against the installed billtap" "$(tail -20 "$work/setup.log" "$work/ninja.log")"
  finish
fi
plugin=$work/build/billtap-ledgerly.so
exports=$(nm -D --defined-only "$plugin" | awk '{print $3}' | tr '\n' ' ')
check "the plugin exports billtap_plugin_init only ($exports)" test "$exports" = "billtap_plugin_init "
needs=$(readelf -d "$plugin" | sed -n 's/.*NEEDED.*\[\(libbilltap[^]]*\)\].*/\1/p')
check "the plugin links the installed soname ($needs)" test "$needs" = "libbilltap.so.0"

# 2. The fake Ledgerly server and its truth.
mkdir -p "$work/truth"
coproc FAKE { exec python3 "$example/fake_ledgerly.py" --truth "$work/truth" --seed 11; }
server_pid=$FAKE_PID
read -r line <&"${FAKE[0]}"
url=${line#listening on }
case $url in http://127.0.0.1:*) ;; *) not_ok "the fake server starts" "$line"; finish ;; esac
key=lk_test_example

normalize() { jq -S -c . | LC_ALL=C sort; }
# same DESC OUTPUT RESOURCE: the output equals the truth, as JSON values, one per record.
same() {
  local desc=$1 out=$2 resource=$3
  normalize < "$out" > "$out.got"
  normalize < "$work/truth/$resource.jsonl" > "$out.want"
  if [ -s "$out.want" ] && cmp -s "$out.got" "$out.want"; then
    ok "$desc ($(wc -l < "$out.want") records)"
  else
    not_ok "$desc" "$(diff "$out.got" "$out.want" | head -5)"
  fi
}
stop=17 # mid-page: page_size 7

# 3. C: the example's host program.
host() { LD_LIBRARY_PATH=$libdir "$work/build/ledgerly-extract" "$plugin" "$@" \
  --set api_key=$key --set base_url="$url" --set page_size=7; }
for r in customers invoices; do
  host "$r" > "$work/c-$r" 2> "$work/c-$r.err" || cat "$work/c-$r.err" >> "$work/c-$r"
  same "C: $r equal the truth" "$work/c-$r" "$r"
  host "$r" --stop-after $stop "$work/c-$r.cp" > "$work/c-$r.1" 2>&1
  host "$r" --resume "$work/c-$r.cp" > "$work/c-$r.2" 2>&1
  cat "$work/c-$r.1" "$work/c-$r.2" > "$work/c-$r.resumed"
  same "C: $r stopped after $stop and resumed equal the truth" "$work/c-$r.resumed" "$r"
done
LD_LIBRARY_PATH=$libdir "$work/build/ledgerly-extract" "$plugin" customers --set api_key=lk_wrong \
  --set base_url="$url" > /dev/null 2> "$work/c-bad.err"
check "C: a wrong key names HTTP 401, the request id and Ledgerly's message" \
  grep -qE "^ledgerly-extract: ledgerly: customers: GET /v1/customers: HTTP 401 \(request req_[0-9]+\): unauthorized: Invalid API key\.$" "$work/c-bad.err"

# 4. The CLI, installed.
bt() { LD_LIBRARY_PATH=$libdir BILLTAP_LEDGERLY_API_KEY=$key "$cli" --plugin "$plugin" "$@"; }
for r in customers invoices; do
  bt extract --provider ledgerly --resource "$r" --base-url "$url" --set page_size=7 > "$work/cli-$r" 2>&1
  same "CLI: --resource $r equals the truth" "$work/cli-$r" "$r"
  bt extract --provider ledgerly --resource "$r" --base-url "$url" --set page_size=7 \
    --checkpoint-file "$work/cli-$r.cp" --max-records $stop > "$work/cli-$r.1" 2>&1
  bt extract --provider ledgerly --resource "$r" --base-url "$url" --set page_size=7 \
    --checkpoint-file "$work/cli-$r.cp" > "$work/cli-$r.2" 2>&1
  cat "$work/cli-$r.1" "$work/cli-$r.2" > "$work/cli-$r.resumed"
  same "CLI: $r stopped after $stop and resumed equal the truth" "$work/cli-$r.resumed" "$r"
done
# CSV: one row per invoice, its lines as a JSON array in the "lines" column.
bt extract --provider ledgerly --resource invoices --base-url "$url" --format csv > "$work/cli.csv" 2>&1
check "CLI: invoices as CSV, every field and the nested lines equal the truth" python3 - "$work/cli.csv" "$work/truth/invoices.jsonl" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
truth = {r["id"]: r for r in map(json.loads, open(sys.argv[2], encoding="utf-8"))}
assert len(rows) == len(truth), (len(rows), len(truth))
for row in rows:
    want = truth[row["id"]]
    assert json.loads(row.pop("lines")) == want["lines"], row["id"]
    assert list(row) == [k for k in want if k not in ("object", "lines")], list(row)
    for k, v in row.items():
        w = want[k]
        text = "" if w is None else ("true" if w is True else "false" if w is False else str(w))
        assert v == text, (row["id"], k, v, text)
PY
bt describe ledgerly > "$work/describe" 2>&1
check "CLI: describe ledgerly names it, its resources and its settings" sh -c "
  grep -qx 'Ledgerly (ledgerly), plugin $plugin' '$work/describe' &&
  grep -qx 'resources: customers, invoices' '$work/describe' &&
  grep -qx 'since honoured by: customers, invoices' '$work/describe' &&
  grep -qE '^  api_key +string +required,secret +-\$' '$work/describe' &&
  grep -qE '^  page_size +int 1\.\.50 +- +20\$' '$work/describe'"

# 5. Ruby.
rb() { local r=$1; shift; BILLTAP_LIB=$libdir/libbilltap.so.0 ruby -I "$root/bindings/ruby/lib" \
  "$example/hosts/extract.rb" "$plugin" "$r" api_key=$key base_url="$url" page_size=7 "$@"; }
for r in customers invoices; do
  rb "$r" > "$work/rb-$r" 2>&1
  same "Ruby: Billtap.load_plugin, $r equal the truth" "$work/rb-$r" "$r"
  rb "$r" --stop-after $stop "$work/rb-$r.cp" > "$work/rb-$r.1" 2>&1
  rb "$r" --resume "$work/rb-$r.cp" > "$work/rb-$r.2" 2>&1
  cat "$work/rb-$r.1" "$work/rb-$r.2" > "$work/rb-$r.resumed"
  same "Ruby: $r stopped after $stop and resumed equal the truth" "$work/rb-$r.resumed" "$r"
done

# 6. Go, built against the install through pkg-config. A fresh build cache: Go does not
#    key the cgo package on PKG_CONFIG_SYSROOT_DIR, so a shared cache would link against an
#    earlier (deleted) stage.
if (cd "$example/hosts/go" && GOFLAGS=-mod=mod GOPROXY=off GOENV=off GOTOOLCHAIN=local \
      GOCACHE=$work/go-cache GOPATH=$work/go-path CGO_ENABLED=1 \
      go build -o "$work/go-extract" .) > "$work/go-build.log" 2>&1; then
  gox() { local r=$1; shift; LD_LIBRARY_PATH=$libdir "$work/go-extract" "$@" "$plugin" "$r" \
    api_key=$key base_url="$url" page_size=7; }
  for r in customers invoices; do
    gox "$r" > "$work/go-$r" 2>&1
    same "Go: billtap.LoadPlugin, $r equal the truth" "$work/go-$r" "$r"
    gox "$r" -stop-after $stop -checkpoint "$work/go-$r.cp" > "$work/go-$r.1" 2>&1
    gox "$r" -resume "$work/go-$r.cp" > "$work/go-$r.2" 2>&1
    cat "$work/go-$r.1" "$work/go-$r.2" > "$work/go-$r.resumed"
    same "Go: $r stopped after $stop and resumed equal the truth" "$work/go-$r.resumed" "$r"
  done
else
  not_ok "Go: the host builds against the installed billtap" "$(tail -20 "$work/go-build.log")"
fi
finish
