# basics.sh - version, help, usage errors, `status` and `platforms`.
. "$(dirname "$0")/lib.sh" "$@"

"$ZDVFS" --version >"$T/out"; expect_status 0 "--version" $?
check "--version prints the version" contains "$T/out" "^zdvfs [0-9]"
"$ZDVFS" --help >"$T/out"; expect_status 0 "--help" $?
check "--help lists the commands" contains "$T/out" "restore"
"$ZDVFS" frobnicate 2>"$T/err"; expect_status 2 "unknown command is a usage error" $?
check "unknown command is named" contains "$T/err" "frobnicate"
for c in status platforms exec restore workloads features decide model train \
	sweep run sim bench characterize; do
	"$ZDVFS" $c --help >"$T/out"; expect_status 0 "$c --help" $?
	check "$c --help shows usage" contains "$T/out" "usage: zdvfs $c"
done
"$ZDVFS" status --bogus 2>/dev/null; expect_status 2 "bad option is a usage error" $?
"$ZDVFS" --bogus 2>"$T/err"; expect_status 2 "zdvfs --bogus is a usage error" $?
check "zdvfs --bogus is named" contains "$T/err" "zdvfs: unknown option '--bogus'"
"$ZDVFS" profile --help >"$T/out"; expect_status 0 "profile, the old name of sweep" $?
check "profile is sweep" contains "$T/out" "usage: zdvfs sweep"
"$ZDVFS" --help >"$T/out"
check "the old name is said" contains "$T/out" "zdvfs profile. is the old name of"
"$ZDVFS" help train >"$T/out"; expect_status 0 "help COMMAND" $?
check "help COMMAND is the command's --help" contains "$T/out" "usage: zdvfs train"
# a number out of range names the option and its range (the options tables)
bad_number() { # bad_number "COMMAND ARGS" "TEXT"
	# shellcheck disable=SC2086
	"$ZDVFS" $1 2>"$T/err" >/dev/null; expect_status 2 "$1 is a usage error" $?
	check "$1: the option is named" contains "$T/err" "$2"
}
bad_number "exec --interval 0 -- true" "--interval '0' is not a number in 1..60000"
bad_number "features --llm-timeout 0 x.c" "--llm-timeout '0' is not a number in 1..3600"
bad_number "decide --guard 10 --board tx2 --source x.c" "--guard '10' is not a number in 20..150"
bad_number "train --steps x --board tx2" "--steps 'x' is not a number in 1..1000000"
bad_number "model eval --folds 1" "--folds '1' is not a number in 2..100000"
bad_number "sweep --noise 0.6 --board tx2" "--noise '0.6' is not a number in 0..0.5"
bad_number "run --interval 0 -- true" "--interval '0' is not a number in 1..60000"
bad_number "sim --ambient 70 --board tx2 --workload gemm" "--ambient '70' is not a number in -20..60"
bad_number "bench --jobs 0" "--jobs '0' is not a number in 1.."
bad_number "characterize --runs 16 -- true" "--runs '16' is not a number in 1..15"
# a choice names what it may be; an option given twice that may not be
bad_number "sim --start warm --board tx2 --workload gemm" "--start 'warm' is not cold or idle"
bad_number "run --explore sometimes -- true" "--explore 'sometimes' is not never or auto"
bad_number "sim --level 1 --level 2 --board tx2 --workload gemm" "--level given twice"
# one --seed for every command: 0..2^32-1
for c in run decide sim sweep train "model train"; do
	# shellcheck disable=SC2086
	"$ZDVFS" $c --seed 4294967296 2>"$T/err"; expect_status 2 "$c: --seed beyond 2^32-1 is refused" $?
	check "$c: --seed's range is named" contains "$T/err" "0..4294967295"
done

# status on this machine always works, whatever it has
"$ZDVFS" status >"$T/out"; expect_status 0 "status on this machine" $?
check "status names the CPUs" contains "$T/out" "CPUs online"
"$ZDVFS" status --json >"$T/out"; expect_status 0 "status --json" $?
check "status --json has cpufreq" contains "$T/out" '"cpufreq"'

# fake machines
fake vm "$T/vm"
"$ZDVFS" status --sysfs-root "$T/vm" >"$T/out"; expect_status 0 "status on a VM tree" $?
check "VM: no cpufreq said plainly" contains "$T/out" "missing: no cpufreq"
check "VM: no energy said plainly" contains "$T/out" "missing: no energy sensor"
check "fake root is not this machine" contains "$T/out" "not this machine"
fake tx2 "$T/tx2"
ZDVFS_SYSFS_ROOT="$T/tx2" "$ZDVFS" status >"$T/out"; expect_status 0 "status via ZDVFS_SYSFS_ROOT" $?
check "TX2: two policies" contains "$T/out" "cpufreq policies: 2"
check "TX2: A57 policy cpus" contains "$T/out" "policy0  cpus 0,3-5"
check "TX2: levels listed" contains "$T/out" "345600 499200"
check "TX2: BCPU zone" contains "$T/out" "BCPU-therm"
check "TX2: CPU rail" contains "$T/out" "VDD_SYS_CPU"
fake intel "$T/intel"
"$ZDVFS" status --sysfs-root "$T/intel" --json >"$T/out"; expect_status 0 "status --json on Intel" $?
check "Intel: RAPL counter" contains "$T/out" '"max_energy_range_uj"'
check "Intel: intel_pstate" contains "$T/out" '"intel_pstate"'
"$ZDVFS" status --sysfs-root "$T/none" 2>"$T/err"; expect_status 2 "missing root is a usage error" $?
check "missing root is named" contains "$T/err" "$T/none"

# platforms
"$ZDVFS" platforms >"$T/out"; expect_status 0 "platforms" $?
for b in jetson-tx2 jetson-orin-nx rubik-pi core-i7; do
	check "platforms lists $b" contains "$T/out" "^$b "
done
"$ZDVFS" platforms --json >"$T/out"; expect_status 0 "platforms --json" $?
check "platforms --json has names" contains "$T/out" '"name": "rubik-pi"'
"$ZDVFS" platforms show jetson-tx2 >"$T/out"; expect_status 0 "platforms show" $?
check "show gives the OPPs" contains "$T/out" "2035200@"
"$ZDVFS" platforms show core-i7 --json >"$T/out"; expect_status 0 "platforms show --json" $?
check "show --json gives sources" contains "$T/out" '"source"'
"$ZDVFS" platforms show jetson-tx9 2>"$T/err"; expect_status 2 "unknown board is a usage error" $?
check "unknown board is named" contains "$T/err" "jetson-tx9"
sed 's/"khz": 499200/"khz": 300000/' "$SRC/platforms/jetson-tx2.json" >"$T/jetson-tx2.json"
"$ZDVFS" platforms check "$T/jetson-tx2.json" 2>"$T/err"; expect_status 2 "broken OPP table refused" $?
check "the field is named" contains "$T/err" "clusters\[0\].opps\[1\]"
"$ZDVFS" platforms check "$SRC"/platforms/*.json >"$T/out"; expect_status 0 "shipped boards pass check" $?
mkdir "$T/pdir" && cp "$SRC/platforms/rubik-pi.json" "$T/pdir/"
"$ZDVFS" platforms --platform-dir "$T/pdir" >"$T/out"; expect_status 0 "--platform-dir" $?
check "--platform-dir lists only its boards" sh -c "! grep -q jetson '$T/out'"

finish
