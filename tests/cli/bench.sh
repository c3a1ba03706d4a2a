# bench.sh - `zdvfs bench`: a tiny bench writes one row per board x
# workload x policy x seed x run in the documented columns, the table's
# cost, the trace workload's traces, meta.json and the folds' models; a
# rerun adds nothing; a learning series cut short is redone from run 0 with
# the same numbers; an interrupted bench resumes to the same rows, none
# twice; rows a killed bench left in a part file are kept; bad input is
# named before any work. (The report's files are checked by report tests.)
. "$(dirname "$0")/lib.sh" "$@"
export ZDVFS_CACHE_DIR="$T/cache"
unset ZDVFS_FAULT_SIGINT_AFTER
D="$T/out"
# gemm and fft are in groups 61 and 1 of the manifest (fft with fft3d,
# lu with lud): all in fold 1 of 2, which holds out whole groups
B="--boards core-i7 --workloads gemm,fft --policies ondemand,table,zerodvfs --runs 2 --folds 2 --out $D --no-report"
HEADER="board,workload,policy,seed,run,makespan_s,energy_j,avg_power_w,peak_temp_c,throttled_s,violations,decision_latency_us,reward,predicted_makespan_s,predicted_energy_j,predicted_peak_c,decision,cpu_energy_j"
rows() { tail -n +2 "$1" | wc -l; }
# the rows without decision_latency_us (a wall-clock time), to compare runs
numbers() { tail -n +2 "$1" | cut -d, -f1-11,13-; }
valid_json() { python3 -m json.tool "$1" >/dev/null; }
matches() { printf '%s\n' "$1" | grep -Eq "$2"; }
duplicates() { tail -n +2 "$1" | cut -d, -f1-5 | sort | uniq -d; }
field() { # field FILE WORKLOAD POLICY RUN COLUMN
	awk -F, -v w="$2" -v p="$3" -v r="$4" -v c="$5" \
		'$2 == w && $3 == p && $5 == r { print $c }' "$1"
}

"$ZDVFS" bench --help >"$T/out.txt"; expect_status 0 "--help" $?
check "--help names the output directory's files" contains "$T/out.txt" "results.csv, table.csv, traces/ and meta.json"

# ---- bad input, named before any work ------------------------------------
"$ZDVFS" bench $B --boards nope 2>"$T/err"; expect_status 2 "an unknown board" $?
check "the board is named" contains "$T/err" "no board named 'nope'"
check "nothing is written for bad input" [ ! -e "$D" ]
"$ZDVFS" bench $B --policies ondemand,nope 2>"$T/err"; expect_status 2 "an unknown policy" $?
check "the policy is named" contains "$T/err" "no policy named 'nope'"
"$ZDVFS" bench $B --policies userspace 2>"$T/err"; expect_status 2 "a policy that needs a frequency" $?
check "userspace is not a bench policy" contains "$T/err" "no policy named 'userspace'"
"$ZDVFS" bench $B --workloads gemm,nope 2>"$T/err"; expect_status 2 "an unknown workload" $?
check "the workload is named" contains "$T/err" "no workload named 'nope'"
"$ZDVFS" bench $B --scenario warm 2>"$T/err"; expect_status 2 "an unknown scenario" $?
check "the scenario is named" contains "$T/err" "\-\-scenario 'warm' is not cold, idle, sustained or hot"
"$ZDVFS" bench $B --energy wall 2>"$T/err"; expect_status 2 "an unknown energy" $?
check "the energy is named" contains "$T/err" "\-\-energy 'wall' is not board or cpu"
"$ZDVFS" bench $B --runs 0 2>"$T/err"; expect_status 2 "--runs 0" $?
check "the count is named" contains "$T/err" "--runs '0' is not a number in 1..1000"
"$ZDVFS" bench $B --folds 1 2>"$T/err"; expect_status 2 "--folds 1" $?
check "one fold would train on nothing" contains "$T/err" "--folds '1'"
"$ZDVFS" bench $B --table-grid jetson-tx2=coarse 2>"$T/err"; expect_status 2 "--table-grid naming a board not benched" $?
check "the board is named" contains "$T/err" "\-\-table-grid names board 'jetson-tx2', which is not benched"
"$ZDVFS" bench $B --table-grid core-i7=coarse,oops 2>"$T/err"; expect_status 2 "--table-grid with an item that is no BOARD=GRID" $?
check "the item is named" contains "$T/err" "\-\-table-grid: 'oops' is not BOARD=GRID"
"$ZDVFS" bench $B --table-grid core-i7 2>"$T/err"; expect_status 2 "--table-grid BOARD without a grid" $?
check "the grid is asked for" contains "$T/err" "grid 'core-i7' is not coarse, full or a number"
check "still nothing written" [ ! -e "$D" ]

# ---- a tiny bench -------------------------------------------------------------
"$ZDVFS" bench $B >"$T/out.txt" 2>"$T/err"; expect_status 0 "a tiny bench" $?
check "it says how many rows it made" contains "$T/out.txt" "12 rows (12 run now, 0 already there)"
check "results.csv has the documented columns in order" [ "$(head -1 "$D/results.csv")" = "$HEADER" ]
check "2 workloads x 3 policies x 1 seed x 2 runs = 12 rows" [ "$(rows "$D/results.csv")" -eq 12 ]
check "no row twice" [ -z "$(duplicates "$D/results.csv")" ]
for w in gemm fft; do
	for p in ondemand table zerodvfs; do
		for r in 0 1; do
			check "a row for $w $p run $r" \
				[ "$(awk -F, -v w=$w -v p=$p -v r=$r '$1 == "core-i7" && $2 == w && $3 == p && $4 == 1 && $5 == r' "$D/results.csv" | wc -l)" -eq 1 ]
		done
	done
done
check "every row has 18 fields" [ "$(tail -n +2 "$D/results.csv" | awk -F, 'NF != 18' | wc -l)" -eq 0 ]
check "the CPU rail's energy is below the board's" [ "$(tail -n +2 "$D/results.csv" | awk -F, '!($18 > 0 && $18 < $7)' | wc -l)" -eq 0 ]
check "rows are sorted by board, workload, policy, seed, run" \
	[ "$(tail -n +2 "$D/results.csv" | cut -d, -f2,3,5 | tr '\n' ' ')" = "fft,ondemand,0 fft,ondemand,1 fft,table,0 fft,table,1 fft,zerodvfs,0 fft,zerodvfs,1 gemm,ondemand,0 gemm,ondemand,1 gemm,table,0 gemm,table,1 gemm,zerodvfs,0 gemm,zerodvfs,1 " ]
check "a reactive governor has no decision" [ -z "$(field "$D/results.csv" gemm ondemand 0 17)" ]
check "the table's decision is an action of the i7" \
	matches "$(field "$D/results.csv" gemm table 0 17)" '^cfl=[1-6]@[0-9]+$'
check "the table repeats its decision" [ "$(field "$D/results.csv" gemm table 0 17)" = "$(field "$D/results.csv" gemm table 1 17)" ]
check "zerodvfs has the model's forecast" [ -n "$(field "$D/results.csv" gemm zerodvfs 0 14)" ]
check "others have no forecast" [ -z "$(field "$D/results.csv" gemm table 0 14)" ]
check "zerodvfs does not beat the oracle's energy x delay (same simulator)" \
	awk -F, '$2 == "gemm" { edp[$3 "," $5] = $6 * $7 } END { exit !(edp["zerodvfs,0"] >= edp["table,0"] * 0.999 && edp["zerodvfs,1"] >= edp["table,0"] * 0.999) }' "$D/results.csv"

check "table.csv: what the sweep of each workload cost" [ "$(head -1 "$D/table.csv")" = "board,workload,decisions,sweep_s" ]
check "one sweep of the i7's 84 decisions per workload" \
	[ "$(tail -n +2 "$D/table.csv" | cut -d, -f1-3 | tr '\n' ' ')" = "core-i7,fft,84 core-i7,gemm,84 " ]
for p in ondemand table zerodvfs; do
	check "a trace of gemm (the trace workload) under $p" \
		[ "$(head -1 "$D/traces/core-i7__gemm__$p.csv")" = "t_s,power_w,hottest_c,progress" ]
	check "the $p trace ends with the run done" \
		awk -F, 'END { exit !(NR > 2 && $4 > 0.99) }' "$D/traces/core-i7__gemm__$p.csv"
done
check "no trace of fft" [ -z "$(ls "$D/traces" | grep fft)" ]
check "meta.json is JSON" valid_json "$D/meta.json"
check "meta.json names the trace workload and the counts" python3 -c "
import json, sys
m = json.load(open('$D/meta.json'))
assert m['trace_workload'] == 'gemm' and m['runs'] == 2 and m['folds'] == 2 and m['seeds'] == 1, m
assert m['boards'] == [{'name': 'core-i7', 'decisions': 84, 'table_decisions': 84, 'limit_c': m['boards'][0]['limit_c']}], m['boards']
assert m['table_grid'] == 'full', m
assert m['workloads'] == ['gemm', 'fft'] and m['policies'] == ['ondemand', 'table', 'zerodvfs']
assert m['scenario'] == 'cold' and m['energy'] == 'board', m
held = m['models'][0]['held_out']
assert [f['fold'] for f in m['models']] == [1] and 'gemm' in held and 'fft' in held
# every version of one algorithm is held out with it: a twin never trains the model that decides it
assert 'fft3d' in held and 'lu' in held and 'lud' in held and 'spmv-csr' not in held and 'spmv-csr-dyn' not in held, held
assert m['profiling']['runs'] == 90 * 60 and m['seconds'] > 0 and set(m['features_ms']) == {'gemm', 'fft'}
"
check "the model of fold 1 is kept, and only that fold is trained" \
	[ -s "$D/models/fold-1.bin" -a ! -e "$D/models/fold-0.bin" ]
check "the profiling is in DIR/bench.db" [ -s "$D/bench.db" ]
check "no part file is left" [ -z "$(ls "$D" | grep part)" ]
cp "$D/results.csv" "$T/first.csv"

# ---- resuming --------------------------------------------------------------
"$ZDVFS" bench $B >"$T/out.txt" 2>"$T/err"; expect_status 0 "a rerun" $?
check "a rerun adds nothing" contains "$T/out.txt" "12 rows (0 run now, 12 already there)"
check "and reuses the model" contains "$T/err" "model of fold 1: reused"
check "results.csv is unchanged" cmp -s "$D/results.csv" "$T/first.csv"

# a zerodvfs series missing its last run is redone from run 0
grep -v '^core-i7,gemm,zerodvfs,1,1,' "$T/first.csv" >"$D/results.csv"
"$ZDVFS" bench $B >"$T/out.txt" 2>"$T/err"; expect_status 0 "a cut series" $?
check "the series is redone from run 0" contains "$T/out.txt" "12 rows (2 run now, 10 already there)"
check "with the same numbers" [ "$(numbers "$D/results.csv")" = "$(numbers "$T/first.csv")" ]

# rows a killed bench left in its part file count, its cut last line not
grep -v '^core-i7,fft,ondemand,1,0,' "$T/first.csv" >"$D/results.csv"
{ head -1 "$T/first.csv"; grep '^core-i7,fft,ondemand,1,0,' "$T/first.csv"; printf 'core-i7,fft,table,1,0,0.7'; } >"$D/results.part-7.csv"
"$ZDVFS" bench $B >"$T/out.txt" 2>"$T/err"; expect_status 0 "after a killed bench" $?
check "the part file's row is kept" contains "$T/out.txt" "12 rows (0 run now, 12 already there)"
check "and merged into results.csv" [ "$(numbers "$D/results.csv")" = "$(numbers "$T/first.csv")" ]
check "the part file is gone" [ ! -e "$D/results.part-7.csv" ]

# ---- interrupted -------------------------------------------------------------
rm "$D/results.csv" "$D/table.csv"
ZDVFS_FAULT_SIGINT_AFTER=1 "$ZDVFS" bench $B >"$T/out.txt" 2>"$T/err"
expect_status 130 "an interrupted bench exits 130" $?
check "it says how to resume" contains "$T/err" "interrupted: rerun the same command to resume"
check "the rows made are in results.csv" [ "$(rows "$D/results.csv")" -ge 1 ]
check "no part file is left" [ -z "$(ls "$D" | grep part)" ]
check "meta.json is still JSON" valid_json "$D/meta.json"
"$ZDVFS" bench $B >"$T/out.txt" 2>"$T/err"; expect_status 0 "the rerun" $?
check "the rerun ends with 12 rows" [ "$(rows "$D/results.csv")" -eq 12 ]
check "none twice" [ -z "$(duplicates "$D/results.csv")" ]
check "the same rows as the bench never interrupted" [ "$(numbers "$D/results.csv")" = "$(numbers "$T/first.csv")" ]
check "table.csv has each workload once" [ "$(rows "$D/table.csv")" -eq 2 ]

# the oracle on a grid (boards with too many decisions to sweep): the
# table sweeps 6 cores x 5 levels, meta.json and the report say so
G="$T/grid"
"$ZDVFS" bench --boards core-i7 --workloads gemm --policies table --runs 1 --folds 2 \
	--table-grid core-i7=coarse --db "$D/bench.db" --out "$G" >"$T/out.txt" 2>"$T/err"
expect_status 0 "a bench with the table on the coarse grid" $?
check "without zerodvfs, no model is trained" [ -z "$(ls "$G/models" 2>/dev/null)" ]
check "the table swept the grid's 30 decisions" [ "$(tail -n +2 "$G/table.csv" | cut -d, -f1-3)" = "core-i7,gemm,30" ]
check "meta.json says what the table swept" python3 -c "
import json
m = json.load(open('$G/meta.json'))
assert m['table_grid'] == 'core-i7=coarse' and m['boards'][0]['table_decisions'] == 30, m
"
check "the report says the oracle is the grid's best" contains "$G/report.md" "84 decisions, the oracle the best of 30 on a grid"
check "the grid's pick is no better than the whole sweep's" awk -F, 'FNR > 1 && $2 == "gemm" && $3 == "table" && $5 == 0 { e[FILENAME] = $6 * $7 } END { exit !(e[ARGV[1]] >= e[ARGV[2]] * 0.999) }' "$G/results.csv" "$D/results.csv"

# another selection in the same directory: the earlier rows stay in
# results.csv, the report covers only what this bench asked for
"$ZDVFS" bench $B --workloads gemm --policies ondemand >"$T/out.txt" 2>"$T/err"
expect_status 0 "a narrower bench in the same directory" $?
"$ZDVFS" bench --report-only --out "$D" >"$T/out.txt" 2>"$T/err"
expect_status 0 "its report" $?
check "its report is written" [ -s "$D/report.md" ]
check "the report leaves the earlier rows out, and says so" contains "$D/report.md" "also holds 10 runs of an earlier bench"

finish
