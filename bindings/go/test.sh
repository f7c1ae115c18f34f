#!/usr/bin/env bash
# Runs the Go binding's checks against a meson build directory:
#   bindings/go/test.sh BUILD_DIR
# go vet, then the test suite under the race detector with cgocheck=2,
# against the sandbox built in BUILD_DIR. The last line is
#   RESULT: N passed, N failed, N skipped
# counting every --- PASS / --- FAIL / --- SKIP line (tests and subtests), plus
# one failure for a failed vet or a go test that failed without saying which.
# Skips are listed above it (one "SKIPPED: why" line each).
set -uo pipefail

if [ $# -ne 1 ]; then
	echo "usage: $0 BUILD_DIR" >&2
	exit 2
fi
build=$(cd "$1" 2>/dev/null && pwd) || { echo "no build directory: $1" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)

pc_dir=$build/meson-uninstalled
if [ ! -f "$pc_dir/billtap-uninstalled.pc" ]; then
	echo "$pc_dir/billtap-uninstalled.pc is missing: is $build a configured meson build?" >&2
	exit 2
fi
sandbox=$build/tests/sandbox/billtap-sandbox
if [ ! -x "$sandbox" ]; then
	echo "$sandbox is missing: run ninja -C $build (with libmicrohttpd installed)" >&2
	exit 2
fi

export PKG_CONFIG_PATH=$pc_dir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
export LD_LIBRARY_PATH=$build/src${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export BILLTAP_SANDBOX=$sandbox
# The CLI, whose JSON lines jsonl_test.go decodes and encodes back.
export BILLTAP_CLI=$build/examples/billtap
# The registry suite's test plugins (tests/plugins), for plugins_test.go.
export BILLTAP_TEST_PLUGINS=$build/tests/plugins

# The uninstalled .pc points at the build and source src/ directories only;
# the public header lives in the source tree's include/.
srcdir=$(pkg-config --variable=srcdir billtap 2>/dev/null || true)
if [ -n "$srcdir" ] && [ -f "$srcdir/include/billtap.h" ]; then
	export CGO_CFLAGS="${CGO_CFLAGS:-} -I$srcdir/include"
fi

# No network, no module downloads, caches under the build directory, and no
# dependence on $HOME, so this works as root on a fresh machine.
export GOFLAGS=-mod=mod GOPROXY=off GOENV=off GOTOOLCHAIN=local
export GOCACHE=$build/go/cache GOPATH=$build/go/path GOMODCACHE=$build/go/path/pkg/mod
export CGO_ENABLED=1
export GODEBUG=cgocheck=2
# From Go 1.21 on, the full pointer checks are a GOEXPERIMENT instead.
minor=$(go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
if [ -n "$minor" ] && [ "$minor" -ge 21 ]; then
	export GOEXPERIMENT=cgocheck2
fi

cd "$here" || exit 2
log=$build/go/test.log
mkdir -p "$build/go"

failed_extra=0
echo "== go vet ./..."
if ! go vet ./...; then
	failed_extra=$((failed_extra + 1))
fi

echo "== go test -race -count=1 -v ./..."
go test -race -count=1 -v ./... 2>&1 | tee "$log"
test_rc=${PIPESTATUS[0]}

passed=$(grep -cE '^[[:space:]]*--- PASS' "$log")
failed=$(grep -cE '^[[:space:]]*--- FAIL' "$log")
# A skip is no pass: counted apart, and each one's reason (t.Skipf "SKIPPED: ...") listed.
skipped=$(grep -cE '^[[:space:]]*--- SKIP' "$log")
grep -E '^[[:space:]]*[^[:space:]]+_test\.go:[0-9]+: SKIPPED: ' "$log" | sed -E 's/^[[:space:]]*[^ ]+: //'
if [ "$test_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	failed_extra=$((failed_extra + 1)) # a build error, a panic or a timeout
fi
failed=$((failed + failed_extra))

echo "RESULT: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$test_rc" -eq 0 ]
