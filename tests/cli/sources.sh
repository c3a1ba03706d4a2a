# sources.sh - programs as a compiler sees them on `zdvfs decide`, `run`,
# `train` and `features`: -I/-D/-U, a compilation database given or found
# in a build directory, our own workloads with the options training used,
# C++ with its standard library, omp.h; a broken include said on decide,
# run and train, lowering the confidence; --strict refuses it.
. "$(dirname "$0")/lib.sh" "$@"

export ZDVFS_CACHE_DIR="$T/cache" ZDVFS_DATA_DIR="$T/data"
"$ZDVFS" sweep --board jetson-tx2 --workloads fib,gemm --grid 2 \
	--temps ambient --db "$T/sweep.db" --quiet
expect_status 0 "profiling sweep" $?
"$ZDVFS" model train --db "$T/sweep.db" --out "$T/model.json" --trees 10 \
	--depth 3 --threads 1 >/dev/null
expect_status 0 "model trained" $?
ENGINE="--db $T/sweep.db --model $T/model.json"

# the README's example: our workload finds wl.h as training did
"$ZDVFS" decide --board jetson-tx2 --source "$SRC/workloads/polybench/gemm.c" \
	$ENGINE --json >"$T/out" 2>"$T/err"
expect_status 0 "decide on a workload" $?
check "workload: clean parse" contains "$T/out" '"errors": 0'
check "workload: options as in training" contains "$T/out" "workload gemm's options"
check "workload: full confidence" contains "$T/out" '"confidence": 1'
check "workload: no warning" sh -c "! grep -q warning '$T/err'"

# a program of several files with its own header and a macro
mkdir -p "$T/proj/include" "$T/proj/src"
cat >"$T/proj/include/kern.h" <<'EOF'
#ifndef KERN_H
#define KERN_H
#include <omp.h>
#include <stdlib.h>
#ifndef LEN
#error "LEN must be defined"
#endif
void axpy(double *restrict y, const double *restrict x, double a, long n);
#endif
EOF
cat >"$T/proj/src/kern.c" <<'EOF'
#include "kern.h"
void axpy(double *restrict y, const double *restrict x, double a, long n)
{
#pragma omp parallel for schedule(static)
	for (long i = 0; i < n; i++)
		y[i] += a * x[i];
}
EOF
cat >"$T/proj/src/main.c" <<'EOF'
#include <stdio.h>
#include "kern.h"
int main(void)
{
	double *x = calloc(LEN, sizeof(double)), *y = calloc(LEN, sizeof(double));
	for (int r = 0; r < 10; r++)
		axpy(y, x, 2.0, LEN);
	printf("%d %f\n", omp_get_max_threads(), y[0]);
	free(x);
	free(y);
	return 0;
}
EOF
"$ZDVFS" decide --board jetson-tx2 --source "$T/proj/src/main.c" "$T/proj/src/kern.c" \
	$ENGINE 2>"$T/err" >"$T/out"
expect_status 0 "decide on a partial parse still decides" $?
check "broken include said on decide, with the first error's place" contains "$T/err" "warning: .*main.c does not parse cleanly: [0-9]* errors, the first .*kern.h'* file not found\|warning: .*main.c does not parse cleanly: [0-9]* errors, the first .*main.c:2:"
check "decide shows the lowered confidence" contains "$T/out" "source: [0-9]* parse errors\?, confidence 0\.[0-9]*"
"$ZDVFS" decide --board jetson-tx2 --source "$T/proj/src/main.c" "$T/proj/src/kern.c" \
	$ENGINE --strict >"$T/out" 2>"$T/err"
expect_status 2 "--strict refuses a partial parse" $?
check "--strict says why" contains "$T/err" "strict refuses a partial parse"
"$ZDVFS" decide --board jetson-tx2 --source "$T/proj/src/main.c" "$T/proj/src/kern.c" \
	-I "$T/proj/include" -D LEN=4096 $ENGINE --strict --json >"$T/out" 2>"$T/err"
expect_status 0 "-I and -D: a clean parse" $?
check "-I/-D: no errors" contains "$T/out" '"errors": 0'
check "-I/-D: omp.h found, nothing said" sh -c "! grep -q warning '$T/err'"
"$ZDVFS" decide --board jetson-tx2 --source "$T/proj/src/main.c" "$T/proj/src/kern.c" \
	-I "$T/proj/include" -D LEN=4096 -U LEN $ENGINE --json >"$T/out" 2>"$T/err"
check "-U undoes the macro (the header's #error)" contains "$T/err" "LEN must be defined"

# a CMake-style build directory: its compile_commands.json is found
mkdir -p "$T/proj/build"
cat >"$T/proj/build/compile_commands.json" <<EOF
[
 {"directory": "$T/proj/build", "file": "../src/main.c",
  "command": "/usr/bin/cc -I../include -DLEN=4096 -O2 -fopenmp -o main.o -c ../src/main.c"},
 {"directory": "$T/proj/build", "file": "$T/proj/src/kern.c",
  "arguments": ["cc", "-I", "$T/proj/include", "-D", "LEN=4096", "-c", "$T/proj/src/kern.c"]}
]
EOF
"$ZDVFS" decide --board jetson-tx2 --source "$T/proj/src/main.c" "$T/proj/src/kern.c" \
	$ENGINE --strict --json >"$T/out" 2>"$T/err"
expect_status 0 "database found in the build directory: clean parse" $?
check "database named as the options' source" contains "$T/out" "\"options_from\": \"$T/proj/build/compile_commands.json\""
"$ZDVFS" features --strict --json "$T/proj/src/main.c" "$T/proj/src/kern.c" >"$T/out" 2>"$T/err"
expect_status 0 "features finds the database too" $?
"$ZDVFS" decide --board jetson-tx2 --compile-commands "$T/proj/build" --source "$T/proj/src/kern.c" \
	$ENGINE --strict >"$T/out" 2>"$T/err"
expect_status 0 "--compile-commands DIR" $?

# C++ with the standard library
cat >"$T/saxpy.cpp" <<'EOF'
#include <cstdio>
#include <vector>
#include <omp.h>
template <typename T> static void saxpy(std::vector<T> &y, const std::vector<T> &x, T a)
{
	const long n = static_cast<long>(y.size());
#pragma omp parallel for
	for (long i = 0; i < n; i++)
		y[i] += a * x[i];
}
int main()
{
	std::vector<float> x(1 << 20, 1.0f), y(1 << 20, 2.0f);
	saxpy(y, x, 3.0f);
	std::printf("%f %d\n", y[0], omp_get_max_threads());
}
EOF
"$ZDVFS" decide --board jetson-tx2 --source "$T/saxpy.cpp" $ENGINE --strict --json >"$T/out" 2>"$T/err"
expect_status 0 "C++: a clean parse" $?
check "C++: the program is named without its .cpp ending" contains "$T/out" '"program": "saxpy"'
check "C++: its parallel loop seen" sh -c "'$ZDVFS' features --json '$T/saxpy.cpp' | grep -q '\"parallel_regions\": 1'"

# run: the broken include said there too, and recorded with the decision
printf '#include "missing.h"\nvoid k(double *y, long n)\n{\n#pragma omp parallel for\n\tfor (long i = 0; i < n; i++)\n\t\ty[i] *= SCALE;\n}\n' >"$T/broken.c"

# a partial parse widens the zero-shot priors by 2 - confidence (no store:
# nothing else moves them), so the program explores more
"$ZDVFS" decide --board jetson-tx2 --source "$T/broken.c" --db "$T/none.db" \
	--model "$T/model.json" --json >"$T/out" 2>/dev/null
check "a partial parse: less sure, by 2 - its confidence" python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
c = d['source']['confidence']
sys.exit(0 if c < 1 and abs(d['unfamiliarity'] - (2 - c)) < 1e-9 else 1)" "$T/out"
"$ZDVFS" run --board sim:jetson-tx2 --workload gemm --source "$T/broken.c" \
	$ENGINE --no-learn --json >"$T/out" 2>"$T/err"
expect_status 0 "run on a partial parse" $?
check "run says the broken include" contains "$T/err" "zdvfs run: warning: .*broken.c does not parse cleanly: 2 errors, the first .*broken.c:1:10: error: 'missing.h' file not found"
check "run's decision carries the confidence (a missing header: at most 0.5)" contains "$T/out" '"confidence": 0\.[0-5]'
"$ZDVFS" run --board sim:jetson-tx2 --workload gemm --source "$T/broken.c" \
	$ENGINE --no-learn --strict >"$T/out" 2>"$T/err"
expect_status 2 "run --strict refuses it" $?

# deciding for one program leaves another's zero-shot decision as it was
agents_sum() { cat "$T"/agents-*.json 2>/dev/null | cksum; }
before=$(agents_sum)
"$ZDVFS" decide --board jetson-tx2 --source "$T/saxpy.cpp" $ENGINE --json >"$T/a1.json"
"$ZDVFS" decide --board jetson-tx2 --source "$SRC/workloads/bots/fib.c" $ENGINE --json >/dev/null
"$ZDVFS" decide --board jetson-tx2 --source "$SRC/workloads/polybench/gemm.c" $ENGINE --json >/dev/null
"$ZDVFS" decide --board jetson-tx2 --source "$T/saxpy.cpp" $ENGINE --json >"$T/a2.json"
check "the same zero-shot decision after others were decided" sh -c "
	a=\$(grep '\"action\"' '$T/a1.json'); b=\$(grep '\"action\"' '$T/a2.json')
	[ -n \"\$a\" ] && [ \"\$a\" = \"\$b\" ]"
check "decide says what it depended on" contains "$T/a2.json" '"depends_on"'
check "decide leaves the agents file as it was" test "$before" = "$(agents_sum)"

# system headers are not the program: the same counts with omp.h and
# stdio.h included as without
printf '#include <omp.h>\n#include <stdio.h>\n' >"$T/with.c"
printf 'int main(void)\n{\n\tint s = 0;\n#pragma omp parallel for reduction(+:s)\n\tfor (int i = 0; i < 100; i++)\n\t\ts += i;\n\treturn s;\n}\n' >"$T/body.c"
cat "$T/body.c" >>"$T/with.c"
"$ZDVFS" features --json --strict "$T/with.c" >"$T/with.json"
expect_status 0 "with system headers: clean" $?
"$ZDVFS" features --json --strict "$T/body.c" >"$T/body.json"
check "system headers add no pragma" sh -c "grep -q '\"pragmas\": 1,' '$T/with.json'"
check "system headers add no function" sh -c "grep -q '\"functions\": 1,' '$T/with.json'"
check "system headers add only their #include lines" sh -c "
	a=\$(sed -n 's/.*\"lines_of_code\": \([0-9]*\).*/\1/p' '$T/with.json')
	b=\$(sed -n 's/.*\"lines_of_code\": \([0-9]*\).*/\1/p' '$T/body.json')
	[ \"\$a\" -eq \$((b + 2)) ]"
if command -v cpp >/dev/null; then
	cpp "$T/with.c" >"$T/pre.c" 2>/dev/null
	"$ZDVFS" features --json "$T/pre.c" >"$T/pre.json" 2>/dev/null
	check "preprocessed: header lines are not the program's" sh -c "
		a=\$(sed -n 's/.*\"lines_of_code\": \([0-9]*\).*/\1/p' '$T/pre.json')
		[ \"\$a\" -lt 20 ]"
	check "preprocessed: header pragmas are not the program's" sh -c "grep -q '\"pragmas\": 1,' '$T/pre.json'"
fi

# train --source: the program's features from its sources, read as decide
# reads them (gemm has runs in the store; its sweep runs are left out);
# the project again, without its build directory's database
mkdir -p "$T/tp" && cp -r "$T/proj/include" "$T/proj/src" "$T/tp/"
"$ZDVFS" train --board jetson-tx2 --program gemm \
	--source "$T/tp/src/main.c" "$T/tp/src/kern.c" $ENGINE >"$T/out" 2>"$T/err"
expect_status 0 "train on a partial parse still trains" $?
check "train says the broken include, with the first error" contains "$T/err" \
	"zdvfs train: warning: .*main.c does not parse cleanly: [0-9]* errors, the first .*main.c:2:"
check "train shows the lowered confidence" contains "$T/out" "source: [0-9]* parse errors\?, confidence 0\.[0-9]*"
check "train trained the program named" contains "$T/out" "^  gemm: replayed [0-9]* runs"
"$ZDVFS" train --board jetson-tx2 --program gemm \
	--source "$T/tp/src/main.c" "$T/tp/src/kern.c" $ENGINE --strict >"$T/out" 2>"$T/err"
expect_status 2 "train --strict refuses a partial parse" $?
check "train --strict says why" contains "$T/err" "zdvfs train: .*main.c does not parse cleanly: [0-9]* errors.*strict refuses a partial parse"
"$ZDVFS" train --board jetson-tx2 --source "$T/tp/src/main.c" "$T/tp/src/kern.c" \
	$ENGINE --strict >"$T/out" 2>"$T/err"
expect_status 2 "train --strict: the parse is checked before the store" $?
check "train --strict: the parse named, not the missing runs" contains "$T/err" "strict refuses a partial parse"
"$ZDVFS" train --board sim:jetson-tx2 --program gemm --source "$T/tp/src/main.c" \
	"$T/tp/src/kern.c" -I "$T/tp/include" -D LEN=4096 $ENGINE --strict --json >"$T/out" 2>"$T/err"
expect_status 0 "train with -I and -D: a clean parse" $?
check "train -I/-D: no errors" contains "$T/out" '"errors": 0'
check "train -I/-D: the given options" contains "$T/out" '"options_from": "the given options"'
check "train -I/-D: nothing said" sh -c "! grep -q warning '$T/err'"
"$ZDVFS" train --board jetson-tx2 --program gemm --source "$T/tp/src/main.c" \
	"$T/tp/src/kern.c" -I "$T/tp/include" -D LEN=4096 -U LEN $ENGINE >"$T/out" 2>"$T/err"
check "train -U undoes the macro" contains "$T/err" "LEN must be defined"
"$ZDVFS" train --board jetson-tx2 --program gemm --source "$T/proj/src/kern.c" $ENGINE --strict >"$T/out" 2>"$T/err"
expect_status 0 "train finds the build directory's database" $?
check "train: the database named" contains "$T/out" "(options: $T/proj/build/compile_commands.json)"
"$ZDVFS" train --board jetson-tx2 --source "$SRC/workloads/polybench/gemm.c" $ENGINE --strict >"$T/out" 2>"$T/err"
expect_status 0 "train --source of a workload: as in training" $?
check "train: the program is the first source's name" contains "$T/out" "gemm: replayed"
check "train: a workload's options" contains "$T/out" "parsed cleanly (options: workload gemm's options"
"$ZDVFS" train --board jetson-tx2 --program gemm $ENGINE --json >"$T/out"
check "train without --source: the store's features" contains "$T/out" '"source": null'
"$ZDVFS" train --board jetson-tx2 "$T/proj/src/kern.c" $ENGINE 2>"$T/err"
expect_status 2 "train: a file without --source is a usage error" $?

# every command that reads a program's sources takes the same options, in
# its --help and so in its man page; characterize says why it takes none
man_dir=$(dirname "$ZDVFS")/man
for c in decide run train features; do
	"$ZDVFS" $c --help >"$T/help"
	for opt in "-I DIR" "-D NAME\[=V\]" "-U NAME" "--compile-commands FILE" "--strict"; do
		check "$c --help lists $opt" contains "$T/help" "^ *$opt"
	done
	if [ -f "$man_dir/zdvfs-$c.1" ]; then
		check "zdvfs-$c.1 lists --compile-commands" contains "$man_dir/zdvfs-$c.1" 'compile\\*-commands'
	fi
done
"$ZDVFS" train --help >"$T/help"
check "train --help lists --source" contains "$T/help" "^ *--source FILE\.\.\."
"$ZDVFS" characterize --help >"$T/help"
check "characterize --help says why it takes no -I" contains "$T/help" "takes no -I/-D/-U"

finish
