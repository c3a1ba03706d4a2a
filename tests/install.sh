# install.sh - an installed zdvfs works on its own: `cmake --install` into a
# scratch prefix and the Debian package unpacked into a scratch root; each
# decides for a program from a directory outside the source and build trees,
# with no training and no store, finds its man pages, and a program builds
# against the installed library through pkg-config.
# Usage: sh install.sh CMAKE CPACK BUILD_DIR SOURCE_DIR
set -u
CMAKE=$1 CPACK=$2 BUILD=$3 SRC=$4
T=$(mktemp -d /tmp/zdvfs-install-XXXXXX)
trap 'rm -rf "$T"' EXIT
FAILED=0
ok() { echo "ok - $1"; }
not_ok() { FAILED=$((FAILED + 1)); echo "not ok - $1"; }
check() { desc=$1; shift; if "$@"; then ok "$desc"; else not_ok "$desc"; fi; }
contains() { grep -q -- "$2" "$1" || { echo "# '$2' not in $1:"; sed 's/^/#   /' "$1"; return 1; }; }

# A program of the user's own, away from every tree zdvfs knows.
mkdir -p "$T/app" "$T/home"
cat >"$T/app/saxpy.c" <<'C'
#include <stdio.h>
#define N 4000000
static float x[N], y[N];
int main(void)
{
	#pragma omp parallel for schedule(static)
	for (int i = 0; i < N; i++)
		y[i] = 2.0f * x[i] + y[i];
	printf("%f\n", y[N - 1]);
	return 0;
}
C
# No user data, no cache and no pointer back into the trees.
unset ZDVFS_PLATFORM_DIR ZDVFS_WORKLOAD_DIR ZDVFS_MODEL_DIR ZDVFS_DATA_DIR \
      ZDVFS_CACHE_DIR XDG_DATA_HOME XDG_CACHE_HOME
export HOME="$T/home"

decides() { # decides LABEL ZDVFS
	(cd "$T/app" && "$2" decide --board jetson-tx2 --source saxpy.c) \
		>"$T/out" 2>&1
	check "$1: decide works with no training" test $? -eq 0
	check "$1: decide prints a decision" contains "$T/out" "predicted"
}

# 1. cmake --install
"$CMAKE" --install "$BUILD" --prefix "$T/prefix" >"$T/log" 2>&1
check "cmake --install succeeds" test $? -eq 0
decides "installed" "$T/prefix/bin/zdvfs"
check "installed: the shipped model is what it used" \
	test -f "$T/prefix/share/zdvfs/models/default.model"
MANPATH="$T/prefix/share/man" man zdvfs-run 2>/dev/null >"$T/man"
check "man zdvfs-run shows the page" contains "$T/man" "--policy"
check "one man page per command" test -f "$T/prefix/share/man/man1/zdvfs-bench.1"
# characterize loads the OMPT tool from PREFIX/libexec/zdvfs (when built)
if [ -f "$BUILD/tools/libzdvfs_ompt.so" ]; then
	check "the OMPT tool is installed" \
		test -f "$T/prefix/libexec/zdvfs/libzdvfs_ompt.so"
	(cd "$T/app" && ZDVFS_LIBOMP=/nonexistent "$T/prefix/bin/zdvfs" \
		characterize --boards jetson-tx2 -- /bin/true) >"$T/out" 2>&1
	check "characterize finds the installed tool (then names libomp-dev)" \
		contains "$T/out" "libomp.so.5) not found: install libomp-dev"
fi
cat >"$T/app/board.c" <<'C'
#include <stdio.h>
#include <zdvfs/board.h>
int main(void)
{
	struct zd_err err = {0};
	struct zd_board *b = NULL;
	if (zd_board_load("jetson-tx2", NULL, &b, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	printf("%s\n", b->name);
	zd_board_free(b);
	return 0;
}
C
PKG_CONFIG_PATH="$T/prefix/lib/pkgconfig:$T/prefix/lib64/pkgconfig" \
	pkg-config --cflags --libs --static zdvfs >"$T/pc" 2>&1
check "pkg-config knows zdvfs" test $? -eq 0
# shellcheck disable=SC2046
if cc -std=c11 -o "$T/app/board" "$T/app/board.c" $(cat "$T/pc") >"$T/cc" 2>&1
then ok "a program builds against the installed library"
else not_ok "a program builds against the installed library"; sed 's/^/#   /' "$T/cc"
fi
# The public headers stand on their own: no jansson (nor any internal type)
# leaks into a user's build.
check "no installed header mentions jansson" \
	sh -c "! grep -rlE 'jansson|json_t' '$T/prefix/include/zdvfs'"
for h in "$T"/prefix/include/zdvfs/*.h; do
	echo "#include <zdvfs/${h##*/}>"
done >"$T/app/all.c"
echo 'int main(void) { return 0; }' >>"$T/app/all.c"
# shellcheck disable=SC2046
check "every installed header compiles with only zdvfs's cflags" \
	cc -std=gnu11 -fsyntax-only "$T/app/all.c" \
	$(PKG_CONFIG_PATH="$T/prefix/lib/pkgconfig:$T/prefix/lib64/pkgconfig" \
		pkg-config --cflags zdvfs)
ZDVFS_PLATFORM_DIR="$T/prefix/share/zdvfs/platforms" "$T/app/board" >"$T/out" 2>&1
check "and reads a board through it" contains "$T/out" "jetson-tx2"

# 2. the Debian package, from the same install rules
(cd "$BUILD" && "$CPACK" -G DEB -B "$T/deb") >"$T/log" 2>&1
check "cpack builds the Debian package" test $? -eq 0
deb=$(ls "$T"/deb/zdvfs_*.deb 2>/dev/null | head -n 1)
if [ -n "$deb" ]; then
	dpkg-deb -f "$deb" Depends >"$T/depends"
	check "the package declares its libraries" contains "$T/depends" "libjansson"
	dpkg-deb -x "$deb" "$T/root"
	decides "package" "$T/root/usr/bin/zdvfs"
else
	not_ok "no .deb in $T/deb"; cat "$T/log"
fi

echo "# $FAILED failed"
[ "$FAILED" -eq 0 ]
