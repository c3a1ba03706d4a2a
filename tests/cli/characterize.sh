# characterize.sh - `zdvfs characterize -- ./prog args` on a small OpenMP
# program of the test's own (not a workload): the profile validates, runs
# in `zdvfs sim --profile`, `zdvfs run --board sim:B --profile` and `zdvfs
# bench --profiles`; --region counts one function; a missing program, one
# that exits non-zero and a region never entered are named, exit status 2.
. "$(dirname "$0")/lib.sh" "$@"
BUILD=$(dirname "$ZDVFS")
CHECK="$BUILD/tools/zdvfs-profile"
# TMPDIR: the raw measurements a failure keeps stay in the scratch dir
export ZDVFS_DATA_DIR="$T/data" ZDVFS_CACHE_DIR="$T/cache" TMPDIR="$T"
if ! command -v valgrind >/dev/null || [ ! -f "$BUILD/tools/libzdvfs_ompt.so" ]; then
	echo "# skipped: needs valgrind and the OMPT tool (libomp-dev)"
	exit 77
fi

# A stencil relaxation with a parallel loop and a reduction, in a function
# that is not inlined (so --region can name it); "fail" exits 3.
cat >"$T/heat.c" <<'PROG'
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) static double relax(double *a, double *b, long n,
					      int steps)
{
	double change = 0;
	for (int s = 0; s < steps; s++) {
		change = 0;
#pragma omp parallel for reduction(+ : change) schedule(static)
		for (long i = 1; i < n - 1; i++) {
			b[i] = (a[i - 1] + a[i] + a[i + 1]) / 3.0;
			change += b[i] > a[i] ? b[i] - a[i] : a[i] - b[i];
		}
		double *t = a;
		a = b;
		b = t;
	}
	return change;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "fail") == 0) {
		fprintf(stderr, "heat: asked to fail\n");
		return 3;
	}
	long n = argc > 1 ? atol(argv[1]) : 1000;
	int steps = argc > 2 ? atoi(argv[2]) : 10;
	double *a = calloc((size_t)n, sizeof *a), *b = calloc((size_t)n, sizeof *b);
	if (a == NULL || b == NULL)
		return 1;
	a[n / 2] = 1e6;
	printf("change %g with %d threads\n", relax(a, b, n, steps),
	       omp_get_max_threads());
	free(a);
	free(b);
	return 0;
}
PROG
gcc -std=c11 -O2 -g -fopenmp "$T/heat.c" -o "$T/heat" 2>"$T/err" || { cat "$T/err"; exit 1; }

"$ZDVFS" characterize --help >"$T/out.txt"; expect_status 0 "--help" $?
check "--help says what --region limits" contains "$T/out.txt" "WHOLE"

P="$T/profiles"
start=$(date +%s)
"$ZDVFS" characterize --boards jetson-tx2 --out "$P" --source "$T/heat.c" \
	-- "$T/heat" 20000 20 >"$T/out.txt" 2>"$T/err"
expect_status 0 "characterize a program of our own" $?
echo "# characterize took $(($(date +%s) - start)) s"
F="$P/jetson-tx2/heat.json"
check "the profile is DIR/BOARD/NAME.json" [ -f "$F" ]
check "it says what it wrote" contains "$T/err" "wrote $F"
"$CHECK" check "$F" "$SRC/platforms/jetson-tx2.json" 2>"$T/err"
expect_status 0 "the profile validates (zdvfs-profile check)" $?
field() { python3 -c "import json,sys; p=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
check "a loop program" [ "$(field "$F" "p['parallel_style']")" = loops ]
check "the whole program counted" [ "$(field "$F" "p['scope']['counts']")" = whole_program ]
check "20 parallel regions (one per step)" [ "$(field "$F" "p['parallel']['sizes'][0]['regions']")" -eq 20 ]
check "instructions counted" [ "$(field "$F" "p['scaling']['counters']['instructions']['standard']")" -gt 400000 ]
check "the source is recorded" [ "$(field "$F" "p['source']")" = "$(realpath "$T/heat.c")" ]
check "the arguments are recorded" [ "$(field "$F" "' '.join(p['program']['argv'][1:])")" = "20000 20" ]

"$ZDVFS" sim --board jetson-tx2 --profile "$F" --json >"$T/sim.json" 2>"$T/err"
expect_status 0 "zdvfs sim --profile runs it" $?
check "the run names the program" [ "$(field "$T/sim.json" "p['workload']")" = heat ]
check "a makespan" python3 -c "import json,sys; assert json.load(open(sys.argv[1]))['runs'][0]['makespan_s'] > 0" "$T/sim.json"
"$ZDVFS" sim --board core-i7 --profile "$F" 2>"$T/err"; expect_status 2 "another board's profile" $?
check "the board mismatch is named" contains "$T/err" "a profile for board 'jetson-tx2', not 'core-i7'"
"$ZDVFS" sim --board jetson-tx2 --profile "$F" --workload gemm 2>"$T/err"; expect_status 2 "--profile and --workload" $?
"$ZDVFS" run --board sim:jetson-tx2 --profile "$F" --policy ondemand >"$T/out.txt" 2>&1
expect_status 0 "zdvfs run --board sim:B --profile" $?
check "run names the program" contains "$T/out.txt" "heat on jetson-tx2 (simulated)"

# --region: only relax and what it calls
"$ZDVFS" characterize --quiet --boards jetson-tx2 --region relax --out "$T/r.json" \
	-- "$T/heat" 20000 20 2>"$T/err"
expect_status 0 "--region relax" $?
check "the region is said" [ "$(field "$T/r.json" "p['scope']['counts']")" = "function relax and what it calls" ]
check "fewer instructions in relax than in the whole program" [ \
	"$(field "$T/r.json" "p['scaling']['counters']['instructions']['standard']")" -lt \
	"$(field "$F" "p['scaling']['counters']['instructions']['standard']")" ]
check "and most of them" [ \
	"$(field "$T/r.json" "p['scaling']['counters']['instructions']['standard']")" -gt \
	"$(field "$F" "p['scaling']['counters']['instructions']['standard'] // 2")" ]

# ---- errors ----------------------------------------------------------------
"$ZDVFS" characterize --boards jetson-tx2 --out "$T/x" -- "$T/nope" 2>"$T/err"
expect_status 2 "a missing program" $?
check "it is named" contains "$T/err" "'$T/nope': no such executable program"
"$ZDVFS" characterize --boards jetson-tx2 --out "$T/x" -- "$T/heat" fail 2>"$T/err"
expect_status 2 "a program that exits non-zero" $?
check "its status and last words are given" contains "$T/err" "exited with status 3: \"heat: asked to fail\""
"$ZDVFS" characterize --quiet --boards jetson-tx2 --region no_such_function --out "$T/x" \
	-- "$T/heat" 2000 2 2>"$T/err"
expect_status 2 "a region that does not exist" $?
check "the region is named" contains "$T/err" "--region no_such_function: the program never ran a function of that name"
check "no profile from failures" [ ! -e "$T/x" ]
# Ctrl-C: the program's run is ended and the temporary directory removed
mkdir "$T/tmp-int"
printf '#!/bin/sh\necho $$ >"%s"\nexec sleep 60\n' "$T/slow.pid" >"$T/slow"
chmod +x "$T/slow"
TMPDIR="$T/tmp-int" "$ZDVFS" characterize --boards jetson-tx2 --out "$T/x" -- "$T/slow" 2>"$T/err" &
cpid=$!
for _ in $(seq 100); do [ -s "$T/slow.pid" ] && break; sleep 0.1; done
check "the program started" [ -s "$T/slow.pid" ]
kill -INT "$cpid"
wait "$cpid"; expect_status 130 "characterize stopped by SIGINT" $?
check "it says so" contains "$T/err" "interrupted"
check "its temporary directory is removed" [ -z "$(ls -A "$T/tmp-int")" ]
check "the program's run is ended" sh -c "! kill -0 $(cat "$T/slow.pid") 2>/dev/null"
"$ZDVFS" characterize --boards nope -- "$T/heat" 2>"$T/err"; expect_status 2 "an unknown board" $?
"$ZDVFS" characterize --boards jetson-tx2 2>"$T/err"; expect_status 2 "no program" $?

# ---- the bench ---------------------------------------------------------------
"$ZDVFS" bench --boards jetson-tx2 --profiles "$P" --policies ondemand,table --runs 1 \
	--folds 2 --out "$T/bench" --no-report --quiet 2>"$T/err"
expect_status 0 "zdvfs bench --profiles" $?
check "one row per policy for the program" [ "$(awk -F, '$1 == "jetson-tx2" && $2 == "heat"' "$T/bench/results.csv" | wc -l)" -eq 2 ]
check "no manifest workload unless named" [ "$(tail -n +2 "$T/bench/results.csv" | wc -l)" -eq 2 ]
finish
