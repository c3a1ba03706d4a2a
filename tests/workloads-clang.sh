# workloads-clang.sh - every workload also builds warning-free with clang
# and LLVM's OpenMP runtime, and passes its own check at tiny size.
set -u
SRC=$1
T=$(mktemp -d /tmp/zdvfs-clang-XXXXXX)
trap 'rm -rf "$T"' EXIT
passed=0 failed=0
for f in "$SRC"/workloads/*/*.c; do
	case "$f" in */common/* | */profiles/*) continue ;; esac
	name=$(basename "$f" .c)
	if clang -std=c11 -O1 -Wall -Wextra -Werror -fopenmp \
		-I"$SRC/workloads/common" "$f" -o "$T/$name" -lm 2>"$T/err" &&
		OMP_NUM_THREADS=2 "$T/$name" tiny | grep -q "check=ok"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1)); echo "not ok - $name"; sed 's/^/# /' "$T/err"
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
