# run.sh - `zdvfs run` and `zdvfs decide`: a governor's decision applied to
# a fake TX2 (CPUs, OpenMP environment, frequencies) and everything put back
# when the program succeeds, crashes or zdvfs gets SIGTERM; the run stored;
# what a machine without cpufreq cannot do said; bad input refused; and
# the engine (zerodvfs) deciding, running and learning on a simulated and a
# fake board after a small profiling sweep and a model trained on it.
. "$(dirname "$0")/lib.sh" "$@"

export ZDVFS_CACHE_DIR="$T/cache" ZDVFS_DATA_DIR="$T/data"
P0=sys/devices/system/cpu/cpufreq/policy0
P1=sys/devices/system/cpu/cpufreq/policy1
R="$T/tx2"
DB="$T/runs.db"
PROG="$SRC/tests/features/stencil.c"
fake tx2 "$R"
fingerprint "$R" >"$T/before"
same_as_before() { fingerprint "$1" >"$T/after"; cmp -s "$T/before" "$T/after" || { diff "$T/before" "$T/after" | sed 's/^/# /'; return 1; }; }

"$ZDVFS" run --help >"$T/out"; expect_status 0 "run --help" $?
check "help shows usage" contains "$T/out" "usage: zdvfs run"
"$ZDVFS" --help >"$T/out"
check "run and decide are listed commands" sh -c "grep -q '^  run ' '$T/out' && grep -q '^  decide ' '$T/out'"

# powersave: the child runs on the TX2's CPUs but cpu0 (the OS's), with
# OpenMP told so, at the lowest level; afterwards all is as it was
"$ZDVFS" run --sysfs-root "$R" --policy powersave --db "$DB" -- \
	sh -c "echo \$OMP_NUM_THREADS \$OMP_PLACES \$OMP_PROC_BIND > $T/seen; grep Cpus_allowed_list /proc/self/status >> $T/seen; cat $R/$P0/scaling_governor $R/$P0/scaling_setspeed $R/$P1/scaling_setspeed >> $T/seen" \
	2>"$T/err"
expect_status 0 "powersave run passes on status 0" $?
check "board recognised from the tree" contains "$T/err" "jetson-tx2 (matched"
check "OMP_NUM_THREADS and OMP_PLACES name the decided CPUs" contains "$T/seen" "^5 {1},{2},{3},{4},{5} close$"
check "child never allowed on the reserved cpu0" sh -c "grep -q 'Cpus_allowed_list:' '$T/seen' && ! grep -q 'Cpus_allowed_list:.0' '$T/seen'"
check "child ran under userspace" contains "$T/seen" "^userspace$"
check "both clusters at the lowest level" sh -c "[ \$(grep -c '^345600$' '$T/seen') -eq 2 ]"
check "report says what was decided" contains "$T/err" "decided: denver=2@0,a57=3@0 on cpus 1-5"
check "report says what was controlled" contains "$T/err" "controlled: CPUs pinned to 1-5; frequencies: policy0 345600 kHz"
check "without features the run is not stored, and says why" contains "$T/err" "not stored: no code features"
check "tree restored after success" same_as_before "$R"
check "no state file left" sh -c "! ls '$ZDVFS_STATE_DIR' | grep -q state-"

# the user's OpenMP settings win
OMP_NUM_THREADS=7 "$ZDVFS" run --sysfs-root "$R" --policy powersave -- sh -c "echo \$OMP_NUM_THREADS > $T/seen" 2>/dev/null
check "a set OMP_NUM_THREADS is left alone" contains "$T/seen" "^7$"

# with the program's source the run is stored; --json gives its id
"$ZDVFS" run --sysfs-root "$R" --policy powersave --db "$DB" --source "$PROG" \
	--json -o "$T/r1.json" -- true
expect_status 0 "stored run" $?
check "JSON report: stored run id 1" contains "$T/r1.json" '"run_id": 1,'
check "JSON report: the store" contains "$T/r1.json" "\"db\": \"$DB\""
check "JSON report: energy from the board's VDD_IN rail" contains "$T/r1.json" '"energy_source": "VDD_IN"'
check "JSON report: start, peak and final temperature" contains "$T/r1.json" '"start_c"'
check "JSON report: a governor is not learnt from" contains "$T/r1.json" '"learnt": false'
"$ZDVFS" run --sysfs-root "$R" --policy powersave --db "$DB" --json -o "$T/r2.json" -- true
check "the store remembers the program's features: next run is id 2" contains "$T/r2.json" '"run_id": 2,'
check "tree restored after stored runs" same_as_before "$R"

# the child crashes
"$ZDVFS" run --sysfs-root "$R" --policy powersave --db "$DB" -- sh -c 'kill -SEGV $$' 2>"$T/err"
expect_status 139 "child killed by SIGSEGV gives 139" $?
check "a crashed run is not stored" contains "$T/err" "not stored: the program did not run to success"
check "tree restored after the crash" same_as_before "$R"

# zdvfs receives SIGTERM while the child runs
"$ZDVFS" run --sysfs-root "$R" --policy powersave -- sh -c "echo \$\$ > $T/child; exec sleep 30" 2>/dev/null &
zpid=$!
check "the change is in place while the child runs" wait_for "$R/$P0/scaling_governor" userspace
check "the child is running" wait_for "$T/child" .
kill -TERM $zpid
wait $zpid
expect_status 143 "zdvfs dies of the SIGTERM it got (128+15)" $?
check "SIGTERM: tree restored" same_as_before "$R"
check "SIGTERM: forwarded to the child" sh -c "! kill -0 $(cat "$T/child") 2>/dev/null"
check "SIGTERM: no state file left" sh -c "! ls '$ZDVFS_STATE_DIR' | grep -q state-"

# bad input changes nothing
"$ZDVFS" run --sysfs-root "$R" --policy powersave -- 2>"$T/err"; expect_status 2 "no program is a usage error" $?
check "no program is said" contains "$T/err" "no program to run"
"$ZDVFS" run --sysfs-root "$R" --policy turbo -- true 2>"$T/err"; expect_status 2 "unknown policy is a usage error" $?
check "unknown policy is named, the policies listed" contains "$T/err" "'turbo' (available: zerodvfs, performance, powersave"
"$ZDVFS" run --board sim:nope --workload fib 2>"$T/err"; expect_status 2 "unknown simulated board is a usage error" $?
check "unknown board is named" contains "$T/err" "'nope'"
"$ZDVFS" run --board sim:jetson-tx2 --workload nope 2>"$T/err"; expect_status 2 "unknown workload is a usage error" $?
check "unknown workload is named" contains "$T/err" "nope"
"$ZDVFS" run --board sim:jetson-tx2 -- true 2>"$T/err"; expect_status 2 "a program on the simulator is a usage error" $?
"$ZDVFS" run --sysfs-root "$R" --policy performance --runs 3 -- true 2>"$T/err"; expect_status 2 "--runs on a real board is a usage error" $?
"$ZDVFS" decide --board jetson-tx2 2>"$T/err"; expect_status 2 "decide without a source is a usage error" $?
check "tree untouched by usage errors" same_as_before "$R"

# the board is told from the tree's CPUs, clusters and levels
for kb in orin:jetson-orin-nx rubik:rubik-pi i7-acpi:core-i7; do
	fake "${kb%%:*}" "$T/${kb%%:*}"
	"$ZDVFS" run --sysfs-root "$T/${kb%%:*}" --policy powersave -- true 2>"$T/err"
	check "${kb%%:*} tree is ${kb#*:}" contains "$T/err" "on ${kb#*:} (matched"
done
# the same i7 under intel_pstate lists no acpi-cpufreq table, so no turbo
# entry: it is not core-i7 (whose levels are acpi-cpufreq's)
fake intel "$T/intel"
"$ZDVFS" run --sysfs-root "$T/intel" --policy powersave -- true 2>"$T/err"
check "intel_pstate tree is no board" contains "$T/err" "on this machine (no board description"
"$ZDVFS" run --sysfs-root "$T/intel" --board core-i7 --policy powersave -- true 2>"$T/err"
check "--board core-i7 on intel_pstate says why not" contains "$T/err" "lists no frequency table, cluster cfl ends in acpi-cpufreq's turbo entry 3201000 kHz"
# asking an acpi-cpufreq i7 for its turbo entry is said to be one
"$ZDVFS" exec --sysfs-root "$T/i7-acpi" --freq 3201MHz -- true 2>"$T/err"
check "exec: the turbo entry is named" contains "$T/err" "3201000 kHz is policy0's turbo entry"
"$ZDVFS" exec --sysfs-root "$T/i7-acpi" --freq 4.6GHz -- true 2>"$T/err"; expect_status 2 "exec: above the turbo entry is refused" $?
check "exec: the range is named" contains "$T/err" "range 800.0-3201.0 MHz"
# a VM: no cpufreq, no sensors, no board; governors still run and pin
fake vm "$T/vm"
"$ZDVFS" run --sysfs-root "$T/vm" --policy performance -- true 2>"$T/err"
expect_status 0 "VM: performance runs" $?
check "VM: frequencies not set is said" contains "$T/err" "no cpufreq: frequencies not set"
check "VM: CPUs pinned is said" contains "$T/err" "CPUs pinned to 0-3"
check "VM: energy not measured is said" contains "$T/err" "energy not measured (no sensor)"
"$ZDVFS" run --sysfs-root "$T/vm" --source "$PROG" -- true 2>"$T/err"
expect_status 2 "VM: zerodvfs without a board is a usage error" $?
check "VM: zerodvfs asks for --board" contains "$T/err" "give --board NAME"
# this machine itself, where it has no cpufreq (the VM the tests run on)
if [ ! -e /sys/devices/system/cpu/cpufreq/policy0 ]; then
	"$ZDVFS" run --sysfs-root / --policy performance -- true 2>"$T/err"
	expect_status 0 "this machine: performance runs" $?
	check "this machine: says what it could not control" contains "$T/err" "not controlled: no cpufreq: frequencies not set"
fi

# a governor in the simulator: runs follow each other, heat carries over
"$ZDVFS" run --board sim:jetson-tx2 --workload fib --policy performance --runs 2 \
	--db "$DB" --json >"$T/sim.json"
expect_status 0 "simulated performance runs" $?
check "both simulated runs stored" sh -c "[ \$(grep -c '\"run_id\": [0-9]' '$T/sim.json') -eq 2 ]"
check "performance decides every usable core at the top" contains "$T/sim.json" '"action": "denver=2@11,a57=3@11"'
check "the second run starts warmer and ends hotter" sh -c "
	h=\$(sed -n 's/^ *\"hottest_c\": \([0-9.]*\),*$/\1/p' '$T/sim.json')
	[ \$(echo \"\$h\" | wc -l) -eq 2 ] && echo \"\$h\" | awk 'NR==1{a=\$1} NR==2{exit !(\$1 > a)}'"

# the engine: a small sweep of four workloads, a model, then programs it
# never saw
"$ZDVFS" sweep --board jetson-tx2 --workloads fib,jacobi-2d,gemm,nqueens \
	--grid 2 --temps ambient --db "$T/sweep.db" --quiet
expect_status 0 "profiling sweep" $?
"$ZDVFS" model train --db "$T/sweep.db" --out "$T/model.bin" --trees 20 --depth 4 --threads 1 >/dev/null
expect_status 0 "model trained" $?
ENGINE="--db $T/sweep.db --model $T/model.bin"

"$ZDVFS" decide --board jetson-tx2 --source "$PROG" $ENGINE >"$T/out"
expect_status 0 "decide" $?
check "decide names cores and level per cluster, CPUs and MHz" contains "$T/out" "stencil on jetson-tx2: denver=[0-2]@[0-9]*,a57=[0-3]@[0-9]* on cpus .*MHz"
check "decide predicts makespan, energy, power, temperature" contains "$T/out" "predicted: makespan .* s, energy .* J, power .* W, hottest .* °C"
check "decide is zero-shot for a new program, with its latency" contains "$T/out" "zero-shot (no run of it known), .* µs"
"$ZDVFS" decide --board jetson-tx2 --source "$PROG" $ENGINE --json >"$T/out"
expect_status 0 "decide --json" $?
check "decide --json: zero_shot" contains "$T/out" '"zero_shot": true'
check "decide --json: latency" contains "$T/out" '"latency_us": '
check "decide --json: predicted energy" contains "$T/out" '"energy_j": '

"$ZDVFS" run --board sim:jetson-tx2 --workload lu --runs 2 $ENGINE --json >"$T/sim.json"
expect_status 0 "zerodvfs on the simulator" $?
check "first run of a new program is zero-shot" sh -c "grep '\"zero_shot\"' '$T/sim.json' | head -1 | grep -q true"
check "second run is not: it learnt from the first" sh -c "grep '\"zero_shot\"' '$T/sim.json' | sed -n 2p | grep -q false"
check "both runs stored and learnt" sh -c "[ \$(grep -c '\"learnt\": true' '$T/sim.json') -eq 2 ]"
check "predicted beside measured" sh -c "grep -q '\"predicted\"' '$T/sim.json' && grep -q '\"measured\"' '$T/sim.json'"
"$ZDVFS" run --board sim:jetson-tx2 --workload mvt --no-learn $ENGINE >"$T/out"
expect_status 0 "zerodvfs --no-learn" $?
check "--no-learn: stored, not learnt" sh -c "grep -q 'stored: run' '$T/out' && ! grep -q learnt '$T/out'"
check "per run: decision, why, measured against predicted" sh -c "grep -q 'decided: ' '$T/out' && grep -q 'why: zero-shot' '$T/out' && grep -q 'measured: makespan .*(predicted' '$T/out'"

"$ZDVFS" run --sysfs-root "$R" --source "$PROG" $ENGINE --json -o "$T/r.json" -- \
	sh -c "cat $R/$P0/scaling_governor > $T/seen"
expect_status 0 "zerodvfs on the fake TX2" $?
check "zerodvfs: the decision applied" contains "$T/seen" "^userspace$"
check "zerodvfs: stored and learnt" sh -c "grep -q '\"run_id\": [0-9]' '$T/r.json' && grep -q '\"learnt\": true' '$T/r.json'"
check "zerodvfs: tree restored" same_as_before "$R"

finish
