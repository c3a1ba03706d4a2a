# lib.sh - shared by the command-line tests: arguments, a scratch directory
# with its own state directory, assertions, and a tree fingerprint.
# Usage in a test: . "$(dirname "$0")/lib.sh" "$@"
set -u
ZDVFS=$1
MKFAKESYS=$2
SRC=$3
T=$(mktemp -d /tmp/zdvfs-cli-XXXXXX)
export ZDVFS_STATE_DIR="$T/state"
unset ZDVFS_SYSFS_ROOT ZDVFS_FAULT_SYSFS_WRITE ZDVFS_FAULT_STATE_SAVE OMP_NUM_THREADS OMP_PLACES OMP_PROC_BIND
FAILED=0
PASSED=0
trap 'rm -rf "$T"' EXIT

ok() { PASSED=$((PASSED + 1)); echo "ok - $1"; }
not_ok() { FAILED=$((FAILED + 1)); echo "not ok - $1"; }
check() { # check DESCRIPTION COMMAND...
	desc=$1; shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
expect_status() { # expect_status N DESCRIPTION -- actual
	if [ "$3" -eq "$1" ]; then ok "$2"; else not_ok "$2 (status $3, wanted $1)"; fi
}
contains() { grep -q -- "$2" "$1" || { echo "# '$2' not in $1:"; sed 's/^/#   /' "$1"; return 1; }; }

# fake KIND DIR: a fresh fake sysfs tree
fake() { rm -rf "$2"; mkdir -p "$2" && "$MKFAKESYS" "$1" "$2" >/dev/null; }

# Every file and its content; scaling_setspeed only under userspace, where
# the kernel gives it meaning.
fingerprint() {
	find "$1" -type f | sort | while IFS= read -r f; do
		case "$f" in
		*/scaling_setspeed)
			[ "$(cat "$(dirname "$f")/scaling_governor")" = userspace ] || continue ;;
		esac
		printf '%s=%s\n' "${f#$1}" "$(cat "$f")"
	done
}

# wait_for FILE TEXT: up to 10 s for FILE to hold TEXT
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		[ -f "$1" ] && grep -q -- "$2" "$1" && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

finish() {
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
}
