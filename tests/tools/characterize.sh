#!/bin/sh
# characterize.sh - tools/characterize end to end: one workload at its tiny
# size on one board (two cluster geometries), into a temporary directory; the
# profile must pass `zdvfs-profile check` and carry the measured structure.
# Usage: characterize.sh SOURCE_DIR BUILD_DIR   (exit 77: skipped)
set -eu
src=$1
build=$2
for tool in valgrind gcc clang; do
	command -v $tool >/dev/null 2>&1 || {
		echo "skip: $tool not installed"
		exit 77
	}
done
[ -f "$build/tools/libzdvfs_ompt.so" ] || {
	echo "skip: no OMPT tool built"
	exit 77
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zdvfs-char-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

"$src/tools/characterize" --boards jetson-tx2 --workloads fib --preset tiny \
	--jobs 2 --timing-runs 3 --ompt-runs 1 --build "$build" \
	--out "$tmp/out" >"$tmp/log" 2>&1 || {
	cat "$tmp/log"
	fail "characterize exited non-zero"
}
p="$tmp/out/jetson-tx2/fib.json"
[ -f "$p" ] || fail "no profile at $p"
"$build/tools/zdvfs-profile" check "$p" "$src/platforms/jetson-tx2.json" ||
	fail "profile does not pass zdvfs-profile check"

# A few facts a profile of fib must show (the numbers are measured).
for want in '"format": "zdvfs-profile 1"' '"workload": "fib"' \
	'"board": "jetson-tx2"' '"name": "denver"' '"name": "a57"' \
	'"generated_by": "tools/characterize --boards jetson-tx2' \
	'"regenerate": "tools/characterize --boards jetson-tx2 --workloads fib' \
	'"kind": "tasks"' '"model": ' '"footprint_bytes": ' '"t1_s": '; do
	grep -q -- "$want" "$p" || fail "profile lacks $want"
done
# tasks were created and the span is shorter than the work
awk '
	/"created":/ { gsub(/[^0-9]/, ""); if ($0 + 0 > 0) tasks = 1 }
	/"work_s":/ && !w { gsub(/[^0-9.e-]/, ""); w = $0 + 0 }
	/"span_s":/ && !s { gsub(/[^0-9.e-]/, ""); s = $0 + 0 }
	END { exit !(tasks && s > 0 && s < w) }' "$p" ||
	fail "expected tasks and 0 < span < work in $p"
echo "ok: $p"
