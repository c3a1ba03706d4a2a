# exec.sh - `zdvfs exec` and `zdvfs restore` on fake trees: the machine is
# changed while the child runs and put back on every way out: the child
# succeeds, fails, is killed; zdvfs gets SIGTERM; zdvfs is killed -9 and
# `zdvfs restore` finishes the job; a write fails part-way.
. "$(dirname "$0")/lib.sh" "$@"

P0=sys/devices/system/cpu/cpufreq/policy0
P4=sys/devices/system/cpu/cpufreq/policy4
R="$T/tx2"
fake tx2 "$R"
fingerprint "$R" >"$T/before"
same_as_before() { fingerprint "$1" >"$T/after"; cmp -s "$T/before" "$T/after" || { diff "$T/before" "$T/after" | sed 's/^/# /'; return 1; }; }

# child sees the change; afterwards everything is as it was
"$ZDVFS" exec --sysfs-root "$R" --cpus 0 --freq 1.1GHz -- \
	sh -c "cat $R/$P0/scaling_governor $R/$P0/scaling_setspeed > $T/seen; echo \$OMP_NUM_THREADS \$OMP_PLACES >> $T/seen; grep Cpus_allowed_list /proc/self/status >> $T/seen" \
	2>"$T/err"
expect_status 0 "exec passes on status 0" $?
check "child ran under userspace" contains "$T/seen" "^userspace"
check "child ran at the nearest level (1113600)" contains "$T/seen" "^1113600"
check "OMP_NUM_THREADS and OMP_PLACES match --cpus" contains "$T/seen" "^1 {0}"
check "child confined to cpu 0" contains "$T/seen" "Cpus_allowed_list:.0$"
check "rounding is reported" contains "$T/err" "using 1113600 kHz"
check "report gives wall time" contains "$T/err" "wall time"
check "report gives the utilisation of the CPUs used" contains "$T/err" "cpu utilisation: cpu0 "
check "tree restored after success" same_as_before "$R"
check "no state file left" sh -c "! ls '$ZDVFS_STATE_DIR' | grep -q state-"

# the wrapper maps none of the heavy libraries (they open on first use):
# the child reads its parent's, zdvfs's, mappings
"$ZDVFS" exec --sysfs-root "$R" --cpus 0 -- sh -c 'cat /proc/$PPID/maps' >"$T/maps" 2>/dev/null
expect_status 0 "exec reading its maps" $?
check "zdvfs exec's own mappings were read" contains "$T/maps" "libjansson"
# (a sanitizer build links them: src/features/CMakeLists.txt says why)
if [ "${ZDVFS_SANITIZED:-0}" != 1 ]; then
	check "zdvfs exec maps no libclang, LLVM, XGBoost or libcurl" \
		sh -c "! grep -E 'libclang|libLLVM|xgboost|libcurl|libssl' '$T/maps'"
fi

"$ZDVFS" exec --sysfs-root "$R" --freq 960000 -- sh -c 'exit 3' 2>/dev/null
expect_status 3 "exec passes on status 3" $?
check "tree restored after failure" same_as_before "$R"

"$ZDVFS" exec --sysfs-root "$R" --freq 960000 -- sh -c 'kill -9 $$' 2>/dev/null
expect_status 137 "child killed by signal 9 gives 137" $?
check "tree restored after the child was killed" same_as_before "$R"

"$ZDVFS" exec --sysfs-root "$R" -- /nonexistent/program 2>"$T/err"
expect_status 127 "missing program gives 127" $?
check "missing program is named" contains "$T/err" "/nonexistent/program"

"$ZDVFS" exec --sysfs-root "$R" --freq policy1=652800,policy0=2035200 --json -o "$T/report.json" -- \
	sh -c "cat $R/sys/devices/system/cpu/cpufreq/policy1/scaling_setspeed > $T/seen"
expect_status 0 "per-domain --freq" $?
check "per-domain frequency applied" contains "$T/seen" "^652800"
check "JSON report written to -o" contains "$T/report.json" '"exit_status": 0'
check "JSON report lists the rails" contains "$T/report.json" '"VDD_SYS_CPU"'
check "JSON report gives peak temperatures" contains "$T/report.json" '"peak_mc"'
check "tree restored after per-domain --freq" same_as_before "$R"
"$ZDVFS" exec --sysfs-root "$R" --freq policy0=9GHz -- true 2>"$T/err"
expect_status 2 "a per-domain --freq far outside its levels is refused" $?
check "the refusal names the domain's range" contains "$T/err" "policy0's range"
check "tree untouched after a refused --freq" same_as_before "$R"

# bad usage changes nothing
"$ZDVFS" exec --sysfs-root "$R" --freq fast -- true 2>"$T/err"; expect_status 2 "bad frequency is a usage error" $?
check "bad frequency is named" contains "$T/err" "'fast'"
"$ZDVFS" exec --sysfs-root "$R" --freq policy9=1GHz -- true 2>/dev/null; expect_status 2 "unknown domain is a usage error" $?
"$ZDVFS" exec --sysfs-root "$R" --cpus 0-x -- true 2>/dev/null; expect_status 2 "bad CPU list is a usage error" $?
"$ZDVFS" exec --sysfs-root "$R" --governor turbo -- true 2>"$T/err"; expect_status 2 "unknown governor is a usage error" $?
check "available governors are listed" contains "$T/err" "schedutil"
"$ZDVFS" exec --sysfs-root "$R" 2>/dev/null; expect_status 2 "no command is a usage error" $?
check "tree untouched by usage errors" same_as_before "$R"

# permission denied part-way (the 3rd write fails): nothing left changed
ZDVFS_FAULT_SYSFS_WRITE=3 "$ZDVFS" exec --sysfs-root "$R" --freq 960000 -- sh -c "cat $R/$P0/scaling_governor > $T/seen" 2>"$T/err"
expect_status 0 "failed write: the command still runs" $?
check "failed write: warning says what" contains "$T/err" "Permission denied"
check "failed write: child ran under the original governor" contains "$T/seen" "^schedutil"
check "failed write: tree as before" same_as_before "$R"
ZDVFS_FAULT_SYSFS_WRITE=3 "$ZDVFS" exec --strict --sysfs-root "$R" --freq 960000 -- touch "$T/ran" 2>/dev/null
expect_status 1 "--strict: failed write is an error" $?
check "--strict: the command did not run" test ! -e "$T/ran"
check "--strict: tree as before" same_as_before "$R"

# the restore itself fails (every write from the 5th on, after the 4 that
# applied both domains): the error says so, the state file keeps the
# original values, and `zdvfs restore` finishes the job
ZDVFS_FAULT_SYSFS_WRITE=5+ "$ZDVFS" exec --sysfs-root "$R" --freq 960000 -- true 2>"$T/err"
expect_status 1 "a failed restore is an error" $?
check "it says the restore is incomplete" contains "$T/err" "restore incomplete"
check "and where the original values stay" contains "$T/err" "for \`zdvfs restore\`"
check "the state file is kept" sh -c "ls '$ZDVFS_STATE_DIR' | grep -q '^state-'"
"$ZDVFS" restore >"$T/out" 2>&1; expect_status 0 "zdvfs restore after a failed restore" $?
check "failed restore + zdvfs restore: tree as before" same_as_before "$R"

# the state file cannot be written: nothing may change, the command runs
ZDVFS_FAULT_STATE_SAVE=1 "$ZDVFS" exec --sysfs-root "$R" --freq 960000 -- sh -c "cat $R/$P0/scaling_governor > $T/seen" 2>"$T/err"
expect_status 0 "no state file: the command still runs" $?
check "no state file: the warning names it" contains "$T/err" "state file"
check "no state file: nothing was changed" contains "$T/seen" "^schedutil"
check "no state file: tree as before" same_as_before "$R"
ZDVFS_FAULT_STATE_SAVE=1 "$ZDVFS" exec --strict --sysfs-root "$R" --freq 960000 -- true 2>/dev/null
expect_status 1 "--strict: no state file is an error" $?

# zdvfs receives SIGTERM while the child runs
"$ZDVFS" exec --sysfs-root "$R" --freq 960000 -- sh -c "echo \$\$ > $T/child; exec sleep 30" 2>/dev/null &
zpid=$!
check "the change is in place while the child runs" wait_for "$R/$P0/scaling_governor" userspace
check "the child is running" wait_for "$T/child" .
kill -TERM $zpid
wait $zpid
expect_status 143 "zdvfs dies of the SIGTERM it got (128+15)" $?
check "SIGTERM: tree restored" same_as_before "$R"
check "SIGTERM: forwarded to the child" sh -c "! kill -0 $(cat "$T/child") 2>/dev/null"

# SIGHUP (the terminal went away) is handled the same way
rm -f "$T/child"
"$ZDVFS" exec --sysfs-root "$R" --freq 960000 -- sh -c "echo \$\$ > $T/child; exec sleep 30" 2>/dev/null &
zpid=$!
check "the change is in place while the child runs" wait_for "$R/$P0/scaling_governor" userspace
check "the child is running" wait_for "$T/child" .
kill -HUP $zpid
wait $zpid
expect_status 129 "zdvfs dies of the SIGHUP it got (128+1)" $?
check "SIGHUP: tree restored" same_as_before "$R"

# zdvfs is killed -9: the state file remains, `zdvfs restore` finishes
rm -f "$T/child"
"$ZDVFS" exec --sysfs-root "$R" --freq 499200 -- sh -c "echo \$\$ > $T/child; exec sleep 30" 2>/dev/null &
zpid=$!
check "the change is in place while the child runs" wait_for "$R/$P0/scaling_governor" userspace
check "the child is running" wait_for "$T/child" .
kill -KILL $zpid
wait $zpid 2>/dev/null
kill "$(cat "$T/child")" 2>/dev/null
check "kill -9: the change is still there" contains "$R/$P0/scaling_governor" userspace
check "kill -9: a state file is left" sh -c "ls '$ZDVFS_STATE_DIR' | grep -q '^state-'"
"$ZDVFS" restore >"$T/out" 2>&1; expect_status 0 "zdvfs restore" $?
check "restore says what it did" contains "$T/out" "restored"
check "kill -9 + restore: tree as before" same_as_before "$R"
check "restore removed the state file" sh -c "! ls '$ZDVFS_STATE_DIR' | grep -q '^state-'"
"$ZDVFS" restore >"$T/out"; expect_status 0 "restore with nothing to do" $?
check "nothing to restore is said" contains "$T/out" "nothing to restore"
"$ZDVFS" restore --state "$T/nope.json" 2>"$T/err"; expect_status 2 "missing state file is a usage error" $?

# RUBIK Pi has no userspace governor: min = max clamping, then back
fake rubik "$T/rubik"
fingerprint "$T/rubik" >"$T/before"
a55_max=$(cat "$T/rubik/$P0/scaling_max_freq")
"$ZDVFS" exec --sysfs-root "$T/rubik" --freq policy4=1.5GHz -- \
	sh -c "cat $T/rubik/$P4/scaling_min_freq $T/rubik/$P4/scaling_max_freq $T/rubik/$P0/scaling_max_freq > $T/seen" 2>/dev/null
expect_status 0 "clamping exec" $?
check "min and max clamped on the A78 policy" sh -c "[ \$(sort -u '$T/seen' | wc -l) -eq 2 ] && [ \$(head -1 '$T/seen') = \$(sed -n 2p '$T/seen') ]"
check "the A55 policy (not in --cpus) untouched" sh -c "[ \$(sed -n 3p '$T/seen') = $a55_max ]"
check "clamping: tree as before" same_as_before "$T/rubik"

# a VM: no cpufreq; still runs, pins and says what it could not do
fake vm "$T/vm"
"$ZDVFS" exec --sysfs-root "$T/vm" --cpus 0 --freq 1GHz -- true 2>"$T/err"
expect_status 0 "VM: exec still runs" $?
check "VM: says frequency cannot be applied" contains "$T/err" "no cpufreq"
check "VM: says energy not measured" contains "$T/err" "energy: not measured"

finish
