# features.sh - `zdvfs features`: usage, a missing file, the text and JSON
# output, --explain, the cache, -I, and the LLM second opinion against the
# local test server (tests/features/llm_server.c, built into build/tests).
. "$(dirname "$0")/lib.sh" "$@"

FX="$SRC/tests/features"
export ZDVFS_CACHE_DIR="$T/cache"
SERVER="$(dirname "$ZDVFS")/tests/features_llm_server"

"$ZDVFS" features --help >"$T/out"; expect_status 0 "features --help" $?
check "help shows usage" contains "$T/out" "usage: zdvfs features"
"$ZDVFS" --help >"$T/out"
check "features is a listed command" contains "$T/out" "features"
"$ZDVFS" features 2>"$T/err"; expect_status 2 "no file is a usage error" $?
"$ZDVFS" features --bogus "$FX/stencil.c" 2>"$T/err"; expect_status 2 "bad option" $?
"$ZDVFS" features "$FX/stencil.c" "$T/nope.c" 2>"$T/err"
expect_status 2 "a missing file is a usage error" $?
check "the missing file is named" contains "$T/err" "$T/nope.c"
: >"$T/empty.c"
"$ZDVFS" features "$T/empty.c" 2>"$T/err"; expect_status 2 "an empty file is a usage error" $?
check "nothing to analyse is said" contains "$T/err" "no function definition"

# text output, then the same from the cache
"$ZDVFS" features "$FX/stencil.c" >"$T/out"; expect_status 0 "features of a stencil" $?
check "analysed" contains "$T/out" "analysed in"
check "13 features: the first" contains "$T/out" "memory_access_pattern *unit_stride"
check "13 features: the last" contains "$T/out" "scalability_bottleneck"
check "time steps are cross-iteration" contains "$T/out" "data_dependency_type *cross_iteration"
check "counts" contains "$T/out" "parallel regions 2"
"$ZDVFS" features "$FX/stencil.c" >"$T/out2"; expect_status 0 "again" $?
check "second run from the cache" contains "$T/out2" "from the cache"
"$ZDVFS" features --no-cache "$FX/stencil.c" >"$T/out3"
check "--no-cache analyses" contains "$T/out3" "analysed in"

# libclang is opened only for an analysis: a cached result needs none, and
# a missing libclang is named with the package to install
ZDVFS_LIBCLANG="$T/no-libclang.so" "$ZDVFS" features "$FX/stencil.c" >"$T/out" 2>"$T/err"
expect_status 0 "cached features need no libclang" $?
check "cached without libclang" contains "$T/out" "from the cache"
ZDVFS_LIBCLANG="$T/no-libclang.so" "$ZDVFS" features --no-cache "$FX/stencil.c" >"$T/out" 2>"$T/err"
expect_status 1 "a missing libclang is a runtime error" $?
check "the missing libclang is named" contains "$T/err" "libclang is needed to analyse"
check "with the file tried" contains "$T/err" "$T/no-libclang.so"
check "and the package to install" contains "$T/err" "install the Debian package libclang"
ZDVFS_LIBCLANG=libc.so.6 "$ZDVFS" features --no-cache "$FX/stencil.c" >"$T/out" 2>"$T/err"
expect_status 1 "a library without libclang's functions is refused" $?
check "the missing function is named" contains "$T/err" "lacks clang_"

"$ZDVFS" features --explain "$FX/stencil.c" >"$T/out"; expect_status 0 "--explain" $?
check "explain gives rules" contains "$T/out" "rule unit_share"
check "explain gives locations" contains "$T/out" "at $FX/stencil.c:"

"$ZDVFS" features --json "$FX/stencil.c" >"$T/out"; expect_status 0 "--json" $?
check "json has features" contains "$T/out" '"algorithmic_complexity"'
check "json has evidence" contains "$T/out" '"locations"'
check "json has counts" contains "$T/out" '"lines_of_code"'
if command -v python3 >/dev/null 2>&1; then
	check "json parses with 13 features" python3 -c "
import json, sys
d = json.load(open('$T/out'))
sys.exit(0 if len(d['features']) == 13 else 1)"
fi

# programs of several files and their options
"$ZDVFS" features -I "$FX/multi/include" -D SCALE=2 "$FX/multi/main.c" \
	"$FX/multi/kernel.c" >"$T/out" 2>"$T/err"; expect_status 0 "two files with -I -D" $?
check "no diagnostics with -I" sh -c "! grep -q 'error' '$T/err'"
"$ZDVFS" features "$FX/multi/main.c" "$FX/multi/kernel.c" >"$T/out" 2>"$T/err"
expect_status 0 "a missing header still gives a result" $?
check "the missing header is reported" contains "$T/err" "kernel.h"
"$ZDVFS" features "$FX/broken.c" >"$T/out" 2>"$T/err"
expect_status 0 "unparsable code gives a partial result" $?
check "its diagnostics" contains "$T/err" "broken.c:"

# the LLM second opinion
if [ -x "$SERVER" ]; then
	for mode in good garbage; do
		rm -f "$T/port"
		"$SERVER" $mode "$T/port" & pid=$!
		i=0
		while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
		url="http://127.0.0.1:$(cat "$T/port")"
		"$ZDVFS" features --llm "$url" --llm-model m1 --llm-timeout 5 \
			--llm-retries 1 "$FX/stencil.c" >"$T/out" 2>"$T/err"
		expect_status 0 "--llm with a $mode server" $?
		if [ $mode = good ]; then
			check "side by side" contains "$T/out" "llm m1 (13 valid"
			check "differences shown" contains "$T/out" "differs"
		else
			check "static result kept" contains "$T/out" "the static result stands"
			check "warning on stderr" contains "$T/err" "llm"
			check "static values still there" contains "$T/out" "memory_access_pattern *unit_stride"
		fi
		"$ZDVFS" features --json --llm "$url" "$FX/stencil.c" >"$T/out" 2>/dev/null
		check "--json --llm ($mode) has llm" contains "$T/out" '"llm"'
		kill $pid 2>/dev/null; wait $pid 2>/dev/null
	done
	ZDVFS_LIBCURL="$T/no-libcurl.so" "$ZDVFS" features --llm http://127.0.0.1:9 \
		"$FX/stencil.c" >"$T/out" 2>"$T/err"
	check "a missing libcurl is named with its package" contains "$T/err" \
		"libcurl is needed to ask a server.*install the Debian package libcurl"
	"$ZDVFS" features --llm ftp://x "$FX/stencil.c" 2>"$T/err"
	expect_status 2 "--llm needs an http URL" $?
	"$ZDVFS" features --llm-timeout 0 --llm http://x "$FX/stencil.c" 2>"$T/err"
	expect_status 2 "--llm-timeout is checked" $?
else
	echo "# $SERVER not built: LLM checks skipped"
fi

finish
