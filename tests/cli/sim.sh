# sim.sh - `zdvfs workloads` and `zdvfs sim`: every board x workload x
# governor runs; fixed decisions obey their options; bad input is named.
. "$(dirname "$0")/lib.sh" "$@"

"$ZDVFS" workloads >"$T/out"; expect_status 0 "workloads" $?
check "workloads lists 42 programs" sh -c "[ \$(grep -c -E ' (bots|polybench) ' '$T/out') -eq 42 ]"
check "workloads lists the other suites" sh -c "[ \$(grep -c -E ' (irregular|micro|apps) ' '$T/out') -ge 40 ]"
check "workloads gives the kind" contains "$T/out" "^fib .* tasks"
check "workloads gives suite, kind, group and parallel style" contains "$T/out" "^spmv-csr-dyn  *irregular  *sparse  *spmv  *loops "
check "variants share a group" contains "$T/out" "^lud  *apps  *apps  *lu  *loops "
check "workloads says which boards are profiled" contains "$T/out" "^gemm .*profiled"
"$ZDVFS" workloads --json >"$T/out"; expect_status 0 "workloads --json" $?
check "workloads --json gives sizes" contains "$T/out" '"standard"'

# every board x workload x governor
fails=0
runs=0
for b in jetson-tx2 jetson-orin-nx rubik-pi core-i7; do
	for w in $("$ZDVFS" workloads --json | sed -n 's/^    "name": "\(.*\)",$/\1/p'); do
		for g in performance powersave userspace ondemand conservative schedutil; do
			runs=$((runs + 1))
			if ! "$ZDVFS" sim --board $b --workload $w --governor $g --json >"$T/run.json" 2>"$T/err" ||
				! grep -q '"makespan_s"' "$T/run.json"; then
				fails=$((fails + 1))
				echo "# $b $w $g: $(cat "$T/err")"
			fi
		done
	done
done
check "all $runs board x workload x governor runs succeed" [ $fails -eq 0 ]
check "the loop found the workloads" [ $runs -ge 1000 ]

"$ZDVFS" sim --board jetson-tx2 --workload gemm --level 0 --json >"$T/lo"
"$ZDVFS" sim --board jetson-tx2 --workload gemm --level 11 --json >"$T/hi"
mk() { sed -n 's/.*"makespan_s": \([0-9.e+-]*\).*/\1/p' "$1" | head -1; }
check "the lowest level is slower than the highest" awk "BEGIN { exit !($(mk "$T/lo") > $(mk "$T/hi")) }"
"$ZDVFS" sim --board jetson-tx2 --workload gemm --cores 1 >"$T/out"; expect_status 0 "--cores 1" $?
check "--cores 1 picks one of the fastest cores (Denver)" contains "$T/out" "cpus 1,"
"$ZDVFS" sim --board jetson-tx2 --workload fib --cpus 3-5 --freq 1.1GHz --runs 2 --trace "$T/trace.csv" >"$T/out"
expect_status 0 "--cpus --freq --runs --trace" $?
check "two runs reported" contains "$T/out" "run 2"
check "trace has a header" contains "$T/trace.csv" "^t_s,progress,power_w,denver_khz,a57_khz"
check "trace follows the fixed frequency" contains "$T/trace.csv" ",1113600,"

"$ZDVFS" sim --board jetson-tx9 --workload gemm 2>"$T/err"; expect_status 2 "unknown board" $?
check "unknown board named" contains "$T/err" "jetson-tx9"
"$ZDVFS" sim --board jetson-tx2 --workload gemmm 2>"$T/err"; expect_status 2 "unknown workload" $?
check "unknown workload named" contains "$T/err" "gemmm"
"$ZDVFS" sim --board jetson-tx2 --workload gemm --cpus 9 2>"$T/err"; expect_status 2 "CPU not on the board" $?
"$ZDVFS" sim --board jetson-tx2 --workload gemm --governor turbo 2>"$T/err"; expect_status 2 "unknown governor" $?
check "governors listed" contains "$T/err" "schedutil"
"$ZDVFS" sim --board jetson-tx2 --workload gemm --freq 1GHz --governor ondemand 2>/dev/null; expect_status 2 "--freq with a reactive governor" $?
"$ZDVFS" sim --board jetson-tx2 2>/dev/null; expect_status 2 "--workload required" $?
"$ZDVFS" sim --board jetson-tx2 --workload gemm --freq 99GHz 2>"$T/err"; expect_status 2 "--freq far outside the board's levels is refused" $?
check "the refusal names the range" contains "$T/err" "345.6-2035.2 MHz"
"$ZDVFS" sim --board jetson-tx2 --workload gemm --freq 1.4GHz >/dev/null 2>"$T/err"; expect_status 0 "--freq between levels runs" $?
check "the rounding is said aloud" contains "$T/err" "using 1420.8 MHz"
"$ZDVFS" sim --board jetson-tx2 --workload gemm --level 12 2>"$T/err"; expect_status 2 "--level beyond the top is refused" $?
check "the refusal names the levels" contains "$T/err" "levels 0-11"

# a decision per cluster, as exec takes it; a repeated --level is refused
"$ZDVFS" sim --board jetson-tx2 --workload fib --freq denver=1GHz,a57=2GHz --trace "$T/pc.csv" >/dev/null
expect_status 0 "--freq per cluster" $?
check "each cluster at its own frequency" sh -c "sed -n 2p '$T/pc.csv' | grep -q ',960000,2035200,'"
"$ZDVFS" sim --board jetson-tx2 --workload fib --level a57=3,denver=11 --trace "$T/pl.csv" >/dev/null
check "--level per cluster" sh -c "sed -n 2p '$T/pl.csv' | grep -q ',2035200,806400,'"
"$ZDVFS" sim --board jetson-tx2 --workload fib --level 1 --level 3 2>"$T/err"; expect_status 2 "a repeated --level is an error" $?
"$ZDVFS" sim --board jetson-tx2 --workload fib --freq gpu=1GHz 2>"$T/err"; expect_status 2 "an unknown cluster is an error" $?

# the i7's acpi-cpufreq turbo entry: 3201 MHz is said to be turbo, and runs
# the turbo bin of the busy cores (4.6 GHz for one, 4.3 GHz for six)
"$ZDVFS" sim --board core-i7 --workload fib --cores 1 --freq 3201MHz --trace "$T/t1.csv" >/dev/null 2>"$T/err"
expect_status 0 "i7: --freq 3201MHz runs" $?
check "i7: the turbo entry is said" contains "$T/err" "3201.0 MHz is the turbo entry"
check "i7: one busy core runs the 4.6 GHz bin" sh -c "sed -n 2p '$T/t1.csv' | grep -q ',4600000,'"
"$ZDVFS" sim --board sim:core-i7 --workload fib --cores 6 --level 13 --trace "$T/t6.csv" >/dev/null 2>"$T/err"
check "i7: level 13 is the turbo entry too" contains "$T/err" "3201.0 MHz is the turbo entry"
check "i7: six busy cores run the 4.3 GHz bin" sh -c "sed -n 2p '$T/t6.csv' | grep -q ',4300000,'"
"$ZDVFS" sim --board core-i7 --workload fib --freq 4.6GHz 2>"$T/err"; expect_status 2 "i7: above the turbo entry is refused" $?
check "i7: the refusal names the range" contains "$T/err" "core-i7's range 800.0-3201.0 MHz"

finish
