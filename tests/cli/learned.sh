# learned.sh - the learned policies through `zdvfs run`, and `zdvfs train`,
# on the Core i7 (84 decisions: cheap to sweep). On the simulator table
# picks the decision with the lowest energy x delay of all and says what
# its sweep would cost; qlearn runs, learns and stores its runs as qlearn;
# train replays the store's runs into the zerodvfs agents. On a real (fake)
# board table asks before sweeping, then sweeps with every setting put back
# (also when zdvfs is killed midway), and qlearn asks for its reference
# runs until the store has them.
. "$(dirname "$0")/lib.sh" "$@"

export ZDVFS_CACHE_DIR="$T/cache" ZDVFS_DATA_DIR="$T/data"
DB="$T/runs.db"
MODEL="$T/model/model.bin"
ENGINE="--db $DB --model $MODEL"
PROG="$SRC/tests/features/stencil.c"
sql() { sqlite3 "$DB" "$1"; }
runs_of() { # runs_of PROGRAM POLICY BACKEND
	sql "select count(*) from runs r join programs p on p.id = r.program_id
	     where p.name = '$1' and r.policy = '$2' and r.backend = '$3'"
}
# the first number under KEY in a JSON report
json_num() { sed -n "s/^ *\"$2\": \([-0-9.e+]*\),*$/\1/p" "$1" | head -1; }
# a <= b, with room for the last digit of a double
no_worse() { awk "BEGIN { exit !($1 <= $2 * (1 + 1e-9)) }"; }

"$ZDVFS" sweep --board core-i7 --workloads gemm,fib,atax --temps ambient \
	--db "$DB" --quiet
expect_status 0 "profiling sweep of three workloads" $?
mkdir -p "$T/model"
# XGBoost is opened only to train; missing, it is named with its package
ZDVFS_LIBXGBOOST="$T/no-xgboost.so" "$ZDVFS" model train --db "$DB" --out "$MODEL" \
	--trees 20 --depth 4 --threads 1 >/dev/null 2>"$T/err"
expect_status 1 "training without XGBoost is a runtime error" $?
check "the missing XGBoost is named with its package" contains "$T/err" \
	"XGBoost is needed to train the environment model.*install the Debian package libxgboost"
"$ZDVFS" model train --db "$DB" --out "$MODEL" --trees 20 --depth 4 --threads 1 >/dev/null
expect_status 0 "model trained" $?
check "the model file is binary" contains "$MODEL" "^ZDVFSMDL"

# the model.json of an earlier zdvfs beside the store is still found, read
# and converted
mkdir -p "$T/legacy"
"$ZDVFS" model convert --json "$MODEL" "$T/legacy/model.json" >/dev/null
expect_status 0 "model converted to JSON" $?
ZDVFS_DATA_DIR="$T/legacy" "$ZDVFS" model info >"$T/out"
expect_status 0 "model info finds the JSON model" $?
check "model info names model.json" contains "$T/out" "legacy/model.json"
ZDVFS_DATA_DIR="$T/legacy" "$ZDVFS" decide --board core-i7 --source "$PROG" \
	--db "$DB" >"$T/out" 2>"$T/err"
expect_status 0 "decide with the JSON model of an earlier zdvfs" $?
"$ZDVFS" model convert "$T/legacy/model.json" "$T/legacy/model.bin" >/dev/null
expect_status 0 "and converted back to binary" $?
check "the conversion is the same file" cmp -s "$MODEL" "$T/legacy/model.bin"

# table on the simulator: every decision measured apart, the best run
"$ZDVFS" run --board sim:core-i7 --workload gemm --policy table $ENGINE >"$T/out"
expect_status 0 "table on the simulator" $?
check "table reports what its sweep would cost" contains "$T/out" \
	"table: swept 84 decisions, [0-9.]* s of runs — what profiling this program would take on the board"
check "table's run is stored as table" [ "$(runs_of gemm table sim)" -eq 1 ]
edp=$(sql "select energy_j * makespan_s from runs where policy = 'table'")
best_swept=$(sql "select min(r.energy_j * r.makespan_s) from runs r join programs p
		  on p.id = r.program_id where p.name = 'gemm' and r.policy = 'sweep'")
check "table's pick is no worse than the best of the profiling sweep" no_worse "$edp" "$best_swept"
# and, measured by `zdvfs sim` alone, no worse than any level on its CPUs
# nor any number of cores at its level
cpus=$(sql "select cpus from runs where policy = 'table'")
level=$(sed -n 's/.*decided: cfl=[0-9]*@\([0-9]*\) .*/\1/p' "$T/out")
worse=0 tried=0
try_sim() { # try_sim CPUS LEVEL
	"$ZDVFS" sim --board core-i7 --workload gemm --cpus "$1" --level "$2" \
		--json >"$T/sim.json" || return
	tried=$((tried + 1))
	no_worse "$edp" "$(json_num "$T/sim.json" energy_j) * $(json_num "$T/sim.json" makespan_s)" ||
		{ echo "# better: cpus $1 level $2"; worse=$((worse + 1)); }
}
for l in $(seq 0 13); do try_sim "$cpus" "$l"; done
for n in 0 1 2 3 4 5; do try_sim "0-$n" "$level"; done
check "table's pick beats every level on its CPUs and every core count (zdvfs sim)" \
	[ "$tried" -eq 20 -a "$worse" -eq 0 ]

# qlearn on the simulator: references measured apart, runs learnt and
# stored as qlearn, its own agents file
"$ZDVFS" run --board sim:core-i7 --workload gemm --policy qlearn --runs 3 $ENGINE \
	--json >"$T/ql.json"
expect_status 0 "qlearn on the simulator, 3 runs" $?
check "qlearn: 3 runs stored as qlearn" [ "$(runs_of gemm qlearn sim)" -eq 3 ]
check "qlearn: every run learnt from" [ "$(grep -c '"learnt": true' "$T/ql.json")" -eq 3 ]
check "qlearn: nothing predicted (no model)" contains "$T/ql.json" '"predicted": null'
check "qlearn: its agents beside the model, apart from zerodvfs's" sh -c \
	"test -s '$T/model/agents-qlearn-core-i7.json' && test ! -e '$T/model/agents-core-i7.json'"

# train: zero-shot, then the real runs replayed (not the sweep's); nothing
# stored again
all_runs=$(sql "select count(*) from runs")
gemm_sweep=$(runs_of gemm sweep sim)
"$ZDVFS" train --board core-i7 $ENGINE >"$T/out"
expect_status 0 "train" $?
check "train: gemm's table and qlearn runs replayed, its sweep runs left out" \
	contains "$T/out" "gemm: replayed 4 runs, left out $gemm_sweep sweep runs"
check "train: a program with sweep runs only replays none" contains "$T/out" "fib: replayed 0 runs, left out"
check "train: the decision before (zero-shot) and after" sh -c \
	"grep -q 'before (zero-shot): cfl=[0-9]*@' '$T/out' && grep -q 'after: cfl=[0-9]*@' '$T/out'"
check "train: agents saved beside the model" test -s "$T/model/agents-core-i7.json"
check "train: replayed runs are not stored again" [ "$(sql 'select count(*) from runs')" -eq "$all_runs" ]
"$ZDVFS" train --board sim:core-i7 $ENGINE --program gemm --include-sweep --steps 50 >"$T/out"
expect_status 0 "a second train, from the saved agents" $?
check "train --include-sweep replays the sweep runs too" contains "$T/out" "gemm: replayed $((gemm_sweep + 4)) runs$"
"$ZDVFS" train --board core-i7 $ENGINE --program nope 2>"$T/err"
expect_status 2 "train of a program without runs is a usage error" $?
check "train names the program" contains "$T/err" "no runs of 'nope' on core-i7"

# a real board (a fake Core i7)
R="$T/i7"
fake i7-acpi "$R"
E="$R/sys/devices/virtual/powercap/intel-rapl/intel-rapl:0/energy_uj"
# what the program does to the fake RAPL counter is the energy it used
untouched() { fingerprint "$R" | grep -v energy_uj >"$T/$1"; }
untouched before
same_as_before() { untouched after; cmp -s "$T/before" "$T/after" || { diff "$T/before" "$T/after" | sed 's/^/# /'; return 1; }; }
REAL="--sysfs-root $R $ENGINE --source $PROG --program burn"
# the counter advances by a rename, as a kernel attribute changes at once:
# rewriting the file in place let the meter read it empty now and then
BURN="echo \$(( \$(cat '$E') + 1000000 )) > '$E.new' && mv '$E.new' '$E'"

"$ZDVFS" run $REAL --policy table -- sh -c "$BURN" 2>"$T/err"
expect_status 2 "real table without --yes-sweep is a usage error" $?
check "it says how many decisions, and --yes-sweep" contains "$T/err" "84 decisions of core-i7.*give --yes-sweep"
"$ZDVFS" run $REAL --policy qlearn -- sh -c "$BURN" 2>"$T/err"
expect_status 2 "real qlearn without reference runs is a usage error" $?
check "it names the missing runs and how to make them" contains "$T/err" \
	"lacks a performance run (cfl=6@13) and a powersave run (cfl=6@0) of 'burn' on core-i7; run .zdvfs run --policy performance. and .zdvfs run --policy powersave."
check "the tree untouched by both" same_as_before
check "nothing run, nothing stored" [ "$(runs_of burn sweep linux)" -eq 0 ]

# killed during the sweep: the fifth run of the program sends zdvfs SIGTERM
COUNT="$T/count"
echo 0 >"$COUNT"
"$ZDVFS" run $REAL --policy table --yes-sweep -- sh -c \
	"n=\$((\$(cat '$COUNT') + 1)); echo \$n > '$COUNT'; [ \$n -ne 5 ] || kill -TERM \$PPID; $BURN" 2>"$T/err"
expect_status 143 "SIGTERM during the sweep: zdvfs dies of it" $?
check "SIGTERM during the sweep: the tree restored" same_as_before
check "SIGTERM during the sweep: no more runs after it" [ "$(cat "$COUNT")" -eq 5 ]
check "SIGTERM during the sweep: the runs before it stored" [ "$(runs_of burn sweep linux)" -ge 4 ]

"$ZDVFS" run $REAL --policy table --yes-sweep -- sh -c "$BURN" 2>"$T/err"
expect_status 0 "real table with --yes-sweep" $?
check "the sweep says what it will do first" contains "$T/err" "table: sweeping 84 decisions of core-i7, one run of sh each"
check "each decision's run reported" contains "$T/err" "table: 84/84 cfl=6@13: makespan"
check "the table reports its sweep" contains "$T/err" "table: swept 84 decisions"
check "the table's run stored as table" [ "$(runs_of burn table linux)" -eq 1 ]
check "the tree restored after 103 runs" same_as_before

# the sweep ran the performance and powersave decisions: qlearn has its
# references now
"$ZDVFS" run $REAL --policy qlearn --json -o "$T/q.json" -- sh -c "$BURN"
expect_status 0 "real qlearn with references from the store" $?
check "real qlearn: stored as qlearn and learnt" sh -c \
	"[ $(runs_of burn qlearn linux) -eq 1 ] && grep -q '\"learnt\": true' '$T/q.json'"
check "real qlearn: the tree restored" same_as_before

finish
