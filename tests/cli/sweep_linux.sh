# sweep_linux.sh - `zdvfs sweep --backend linux` on a fake Core i7: each
# grid decision applied to the workload's binary, measured and put back as
# `zdvfs run` does, stored as a linux sweep run keyed "a=ACTION;t=asis"; a
# rerun adds nothing; an interrupted sweep restores the tree, exits 130 and
# resumes; --temps and a machine without cpufreq or energy are refused.
. "$(dirname "$0")/lib.sh" "$@"
export ZDVFS_CACHE_DIR="$T/cache"
unset ZDVFS_FAULT_SIGINT_AFTER
DB="$T/runs.db"
sql() { sqlite3 "$DB" "$1"; }
linux_runs() { sql "SELECT count(*) FROM runs WHERE backend = 'linux' AND policy = 'sweep'"; }

R="$T/i7"
fake i7-acpi "$R"
E="$R/sys/devices/virtual/powercap/intel-rapl/intel-rapl:0/energy_uj"
# The workload's "binary" uses energy the way the fake board can see it:
# it bumps the fake RAPL counter (by a rename, so the meter never reads it
# half written), then runs the real workload.
BIN="$T/bin"
mkdir -p "$BIN"
cat >"$BIN/gemm" <<EOS
#!/bin/sh
echo \$(( \$(cat '$E') + 1000000 )) > '$E.new' && mv '$E.new' '$E'
exec '$(dirname "$ZDVFS")/workloads/gemm' "\$@"
EOS
chmod +x "$BIN/gemm"
untouched() { fingerprint "$R" | grep -v energy_uj >"$T/$1"; }
untouched before
same_as_before() { untouched after; cmp -s "$T/before" "$T/after" || { diff "$T/before" "$T/after" | sed 's/^/# /'; return 1; }; }

# The Core i7 (acpi-cpufreq) has 6 cores of one cluster, 14 levels
# (800-3200 MHz and the turbo entry): --grid 2 keeps 2 levels, 6 core
# counts each, 12 decisions.
P="--board core-i7 --backend linux --sysfs-root $R --workload-bin-dir $BIN --workloads gemm --size tiny --grid 2 --db $DB"

"$ZDVFS" sweep --help >"$T/out"; expect_status 0 "--help" $?
check "--help tells of --backend linux" contains "$T/out" "With --backend linux"

# interrupted after the first run: the tree restored, the run kept
ZDVFS_FAULT_SIGINT_AFTER=1 "$ZDVFS" sweep $P >"$T/out" 2>"$T/err"
expect_status 130 "an interrupted real sweep exits 130" $?
check "it says how to resume" contains "$T/err" "interrupted: 1 runs stored, rerun the same command to resume"
check "interrupted: the tree restored" same_as_before
check "interrupted: the run made is stored" [ "$(linux_runs)" -eq 1 ]

"$ZDVFS" sweep $P >"$T/out" 2>"$T/err"; expect_status 0 "the sweep resumes" $?
check "it says the size of the sweep first" contains "$T/err" "core-i7 on this machine: 12 decisions x 1 workloads = 12 runs at size tiny"
check "progress per run" contains "$T/err" "zdvfs sweep: 2/12 gemm cfl=1@13: makespan"
check "progress to the last run" contains "$T/err" "zdvfs sweep: 12/12 gemm cfl=6@13: makespan"
check "the rest made, the first skipped" contains "$T/out" "11 runs added, 1 skipped"
check "12 linux sweep runs stored" [ "$(linux_runs)" -eq 12 ]
check "keyed by the decision, the temperature as found" \
	[ "$(sql "SELECT count(*) FROM runs WHERE sweep_key = 'a=cfl=6@13;t=asis' AND cpus = '0-5'")" -eq 1 ]
check "every run measured energy" [ "$(sql "SELECT count(*) FROM runs WHERE energy_j > 0")" -eq 12 ]
check "the tree restored after the sweep" same_as_before

"$ZDVFS" sweep $P >"$T/out" 2>/dev/null; expect_status 0 "rerun" $?
check "a rerun stores nothing new" contains "$T/out" "0 runs added, 12 skipped"
check "still 12 runs" [ "$(linux_runs)" -eq 12 ]

# --grid 3 keeps levels 0, 9 and 18: 6 decisions more
"$ZDVFS" sweep $P --cool-to 125 --grid 3 >"$T/out" 2>/dev/null
expect_status 0 "--cool-to a temperature the board is under" $?
check "--cool-to: the new decisions run" contains "$T/out" "6 runs added, 12 skipped"
"$ZDVFS" sweep $P --grid 4 --cool-to -20 --cool-timeout 0.5 >"$T/out" 2>"$T/err"
expect_status 1 "--cool-to a temperature never reached" $?
check "it names the timeout" contains "$T/err" "still at .* after 0.5 s"
check "the tree restored after all" same_as_before

# ---- refused -------------------------------------------------------------------
"$ZDVFS" sweep $P --temps 25 >/dev/null 2>"$T/err"
expect_status 2 "--temps with --backend linux" $?
check "it names --temps" contains "$T/err" "\-\-temps: starting temperatures cannot be set"
# this machine itself, if it has no cpufreq (a VM); the missing binaries
# keep a machine that has from being swept
if [ ! -e /sys/devices/system/cpu/cpufreq/policy0 ]; then
	"$ZDVFS" sweep --board core-i7 --backend linux --sysfs-root / --db "$DB" \
		--workload-bin-dir "$T/nowhere" >/dev/null 2>"$T/err"
	expect_status 2 "this machine without cpufreq" $?
	check "it names what is missing" contains "$T/err" "cannot profile core-i7 on this machine (sysfs root /): no cpufreq, so frequencies cannot be set"
fi
"$ZDVFS" sweep $P --workload-bin-dir "$T/nowhere" >/dev/null 2>"$T/err"
expect_status 2 "a missing workload binary" $?
check "it names the binary" contains "$T/err" "no workload binary $T/nowhere/gemm"
check "nothing stored by the refusals" [ "$(linux_runs)" -eq 18 ]

finish
