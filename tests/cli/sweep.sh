# sweep.sh - `zdvfs sweep`: a sweep stores one run per grid point and
# starting temperature, with the program's features and the board; a rerun
# adds nothing; an interrupted sweep keeps what it made, says so, exits
# 128+signal, and its rerun ends where an unbroken sweep ends, with the same
# numbers; bad input is named.
. "$(dirname "$0")/lib.sh" "$@"
export ZDVFS_CACHE_DIR="$T/cache"
unset ZDVFS_FAULT_SIGINT_AFTER
B="--board jetson-tx2"
# The TX2 offers denver 2 cores and a57 3 (cpu0 is reserved), 12 levels
# each. With L levels per cluster a cluster has cores*L+1 choices (idle
# included) and the action space is their product minus "all idle":
# --grid 2: 5*7-1 = 34, --grid 3: 7*10-1 = 69, coarse (5): 11*16-1 = 175.
db_rows() { sqlite3 "$1" "$2"; }
count_runs() { db_rows "$1" "SELECT count(*) FROM runs"; }
# every run's program, key and outcome, to compare two stores
runs_of() {
	db_rows "$1" "SELECT p.name, r.sweep_key, r.seed, r.makespan_s, r.energy_j,
	              r.avg_power_w FROM runs r JOIN programs p ON p.id = r.program_id
	              ORDER BY p.name, r.sweep_key"
}

"$ZDVFS" sweep --help >"$T/out"; expect_status 0 "--help" $?
check "--help says what the coarse grid is" contains "$T/out" "5 evenly spaced"

# ---- a small sweep --------------------------------------------------------
S="$B --workloads gemm,fib --grid 2 --temps 25 --db $T/small.db"
"$ZDVFS" sweep $S >"$T/out" 2>"$T/err"; expect_status 0 "small sweep" $?
check "2 workloads x 34 actions x 1 temperature added" contains "$T/out" "68 runs added, 0 skipped"
check "a line per workload when stderr is not a terminal" contains "$T/err" "jetson-tx2 gemm done: 34/68 points"
check "68 runs in the store" [ "$(count_runs "$T/small.db")" -eq 68 ]
check "the key names action and temperature" \
	[ "$(db_rows "$T/small.db" "SELECT count(*) FROM runs WHERE sweep_key = 'a=denver=1@11,a57=3@0;t=25'")" -eq 2 ]
check "all cores at the top is in the grid" \
	[ "$(db_rows "$T/small.db" "SELECT count(*) FROM runs WHERE sweep_key = 'a=denver=2@11,a57=3@11;t=25' AND cpus = '1-5'")" -eq 2 ]
check "all cores at the lowest level is in the grid" \
	[ "$(db_rows "$T/small.db" "SELECT count(*) FROM runs WHERE sweep_key = 'a=denver=2@0,a57=3@0;t=25' AND policy = 'sweep' AND backend = 'sim'")" -eq 2 ]
check "programs carry a source hash and code features" \
	[ "$(db_rows "$T/small.db" "SELECT count(*) FROM programs WHERE source_hash LIKE 'fnv1a64:%' AND features_json LIKE '%memory_access_pattern%'")" -eq 2 ]
check "the board is stored with its hash" \
	[ "$(db_rows "$T/small.db" "SELECT description_hash LIKE 'fnv1a64:%' FROM boards WHERE name = 'jetson-tx2'")" = 1 ]
check "every run has its 7 zones" \
	[ "$(db_rows "$T/small.db" "SELECT count(*) FROM run_zones")" -eq $((68 * 7)) ]
check "the lowest level is slower than the top" \
	[ "$(db_rows "$T/small.db" "SELECT (SELECT makespan_s FROM runs r JOIN programs p ON p.id = r.program_id WHERE p.name = 'gemm' AND sweep_key = 'a=denver=2@0,a57=3@0;t=25') > (SELECT makespan_s FROM runs r JOIN programs p ON p.id = r.program_id WHERE p.name = 'gemm' AND sweep_key = 'a=denver=2@11,a57=3@11;t=25')")" = 1 ]

"$ZDVFS" sweep --summary --db "$T/small.db" >"$T/out"; expect_status 0 "--summary" $?
check "--summary gives runs per board and program" contains "$T/out" "^jetson-tx2  *gemm  *34  *34$"
check "--summary gives the total" contains "$T/out" "^68 runs of 2 board x program pairs"

"$ZDVFS" sweep $S >"$T/out" 2>/dev/null; expect_status 0 "rerun" $?
check "a rerun adds nothing and skips every point" contains "$T/out" "0 runs added, 68 skipped"
check "still 68 runs" [ "$(count_runs "$T/small.db")" -eq 68 ]

"$ZDVFS" sweep $S --workloads gemm,atax --quiet >"$T/out" 2>"$T/err"; expect_status 0 "--quiet" $?
check "--quiet prints nothing" [ ! -s "$T/out" -a ! -s "$T/err" ]
check "a new workload adds its points only" [ "$(count_runs "$T/small.db")" -eq 102 ]

# ---- the default grid and temperatures ---------------------------------
"$ZDVFS" sweep $B --workloads jacobi-1d --db "$T/coarse.db" >"$T/out" 2>/dev/null
expect_status 0 "default sweep of one workload" $?
check "coarse grid x ambient and mid: 175 x 2 points" contains "$T/out" "350 runs added"
check "coarse keeps denver levels 0, 3, 6, 8 and 11" \
	[ "$(db_rows "$T/coarse.db" "SELECT group_concat(l) FROM (SELECT DISTINCT CAST(substr(sweep_key, 12, instr(sweep_key, ',') - 12) AS INTEGER) AS l FROM runs WHERE sweep_key LIKE 'a=denver=1@%' ORDER BY l)")" = "0,3,6,8,11" ]
# mid: halfway from 25 °C to the TX2's 96.5 °C passive trip
check "mid is 60.75 °C on the TX2" \
	[ "$(db_rows "$T/coarse.db" "SELECT count(*) FROM runs WHERE sweep_key LIKE '%;t=60.75'")" -eq 175 ]
check "zones with CPUs start at mid, the others at ambient" \
	[ "$(db_rows "$T/coarse.db" "SELECT group_concat(DISTINCT z.zone || ':' || z.start_mc) FROM run_zones z JOIN runs r ON r.id = z.run_id WHERE r.sweep_key LIKE '%;t=60.75' AND z.zone IN (0, 1, 2)")" = "0:60750,1:60750,2:25000" ]

# ---- interrupted and resumed ---------------------------------------------
# 2 workloads x 69 actions x 2 temperatures = 276 points; the fault hook
# sends SIGINT after 250 runs, in the second batch of 200.
R="$B --workloads gemm,fib --grid 3 --temps 25,mid"
ZDVFS_FAULT_SIGINT_AFTER=250 "$ZDVFS" sweep $R --db "$T/cut.db" >"$T/out" 2>"$T/err"
expect_status 130 "an interrupted sweep exits 130" $?
check "it says what it stored and how to resume" contains "$T/err" "interrupted: 250 runs stored, rerun the same command to resume"
check "the runs of the open batch are kept" [ "$(count_runs "$T/cut.db")" -eq 250 ]
"$ZDVFS" sweep $R --db "$T/cut.db" >"$T/out" 2>/dev/null; expect_status 0 "resume" $?
check "the rerun makes the rest" contains "$T/out" "26 runs added, 250 skipped"
"$ZDVFS" sweep $R --db "$T/whole.db" >/dev/null 2>&1; expect_status 0 "unbroken sweep" $?
check "resumed and unbroken sweeps have the same count" \
	[ "$(count_runs "$T/cut.db")" -eq 276 -a "$(count_runs "$T/whole.db")" -eq 276 ]
check "no point twice" [ "$(db_rows "$T/cut.db" "SELECT count(DISTINCT program_id || sweep_key) FROM runs")" -eq 276 ]
runs_of "$T/cut.db" >"$T/cut.txt"
runs_of "$T/whole.db" >"$T/whole.txt"
check "and the same numbers" cmp -s "$T/cut.txt" "$T/whole.txt"

# With noise and two workers: each point's seed is its own, so the split
# and the interruption change nothing.
N="$B --workloads gemm,fib --grid 2 --temps 25,60 --noise 0.05 --seed 7"
ZDVFS_FAULT_SIGINT_AFTER=40 "$ZDVFS" sweep $N --jobs 2 --db "$T/ncut.db" >/dev/null 2>"$T/err"
expect_status 130 "two workers interrupted" $?
stored=$(sed -n 's/.*interrupted: \([0-9]*\) runs stored.*/\1/p' "$T/err")
stored=${stored:-0}
# the first worker at 40 runs stops both
check "the workers' runs are counted" [ "$stored" -ge 40 -a "$(count_runs "$T/ncut.db")" -eq "$stored" ]
"$ZDVFS" sweep $N --jobs 2 --db "$T/ncut.db" >"$T/out" 2>/dev/null; expect_status 0 "two workers resume" $?
check "two workers finish the sweep" contains "$T/out" "$((136 - stored)) runs added, $stored skipped (already stored), 2 of 2 workloads"
"$ZDVFS" sweep $N --db "$T/nwhole.db" >/dev/null 2>&1
runs_of "$T/ncut.db" >"$T/cut.txt"
runs_of "$T/nwhole.db" >"$T/whole.txt"
check "noisy runs equal an unbroken single-process sweep" cmp -s "$T/cut.txt" "$T/whole.txt"
"$ZDVFS" sweep $N --noise 0 --db "$T/quiet.db" >/dev/null 2>&1
runs_of "$T/quiet.db" >"$T/quiet.txt"
check "the noise-free sweep is complete" [ "$(wc -l <"$T/quiet.txt")" -eq 136 ]
check "noise changes the numbers" sh -c "! cmp -s '$T/quiet.txt' '$T/whole.txt'"

# A real signal from outside, once the sweep is under way (every workload at
# 69 points: the first finished leaves the others to go).
for sig in INT TERM; do
	"$ZDVFS" sweep $B --grid 3 --temps 25 --db "$T/$sig.db" >/dev/null 2>"$T/$sig.err" &
	pid=$!
	check "SIG$sig: the sweep got under way" wait_for "$T/$sig.err" " done: "
	kill -$sig $pid
	wait $pid; status=$?
	want=130; [ $sig = TERM ] && want=143
	expect_status $want "SIG$sig stops the sweep" $status
	stored=$(sed -n 's/.*interrupted: \([0-9]*\) runs stored.*/\1/p' "$T/$sig.err")
	stored=${stored:-0}
	check "SIG$sig: the message counts what the store holds" \
		[ "$stored" -ge 69 -a "$(count_runs "$T/$sig.db")" -eq "$stored" ]
done

# ---- bad input ---------------------------------------------------------------
bad() { # bad DESCRIPTION TEXT ARGS...: exit 2 and TEXT on stderr
	desc=$1 text=$2; shift 2
	"$ZDVFS" sweep "$@" --db "$T/bad.db" >/dev/null 2>"$T/err"
	expect_status 2 "$desc" $?
	check "$desc: names '$text'" contains "$T/err" "$text"
}
bad "unknown board" "jetson-tx9" --board jetson-tx9
bad "unknown workload" "gemmm" $B --workloads gemm,gemmm
bad "unknown workload points to the list" "zdvfs workloads" $B --workloads gemmm
bad "bad --grid" "'medium'" $B --grid medium
bad "--grid of one level" "'1'" $B --grid 1
bad "bad temperature" "'hot'" $B --temps 25,hot
bad "temperature out of range" "'200'" $B --temps 200
bad "empty temperature" "''" $B --temps 25,
bad "--backend other" "is not sim or linux" $B --backend xen
bad "--jobs 0" "--jobs '0'" $B --jobs 0
bad "--board missing" "--board is required"
check "bad input does not even create the store" [ ! -e "$T/bad.db" ]
"$ZDVFS" sweep --summary --db "$T/none.db" 2>"$T/err"; expect_status 1 "--summary of a missing store" $?
check "the missing store is named" contains "$T/err" "none.db"

finish
