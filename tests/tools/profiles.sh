#!/bin/sh
# profiles.sh - the committed workloads/manifest.json equals what
# tools/gen-manifest makes of the sources, and every workload in it has a
# profile for every board in platforms/ that passes `zdvfs-profile check`
# and was measured from the current source (same checksum and sizes).
# Usage: profiles.sh SOURCE_DIR ZDVFS_PROFILE_BINARY
set -eu
src=$1
helper=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zdvfs-profiles-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
bad=0

"$src/tools/gen-manifest" --root "$src" -o "$tmp/manifest.json"
if ! diff -u "$src/workloads/manifest.json" "$tmp/manifest.json"; then
	echo "FAIL: workloads/manifest.json is stale: tools/gen-manifest -o workloads/manifest.json" >&2
	bad=1
fi

tsv=$("$src/tools/gen-manifest" --root "$src" --tsv)
names=$(printf '%s\n' "$tsv" | awk '{print $1}')
# "source_cksum tiny small standard" as a profile records them
recorded() {
	awk '
	/"source_cksum":/ { gsub(/[",]/, "", $2); ck = $2 }
	/"size_presets":/ { on = 1; next }
	on && /"tiny":/ { gsub(/,/, "", $2); t = $2 }
	on && /"small":/ { gsub(/,/, "", $2); s = $2 }
	on && /"standard":/ { gsub(/,/, "", $2); st = $2; on = 0 }
	END { print ck, t, s, st }' "$1"
}
count=0
for bf in "$src"/platforms/*.json; do
	b=$(basename "$bf" .json)
	for w in $names; do
		p="$src/workloads/profiles/$b/$w.json"
		redo="tools/characterize --boards $b --workloads $w"
		if [ ! -f "$p" ]; then
			echo "FAIL: no profile $p ($redo)" >&2
			bad=1
		elif ! "$helper" check "$p" "$bf"; then
			echo "FAIL: $p does not pass zdvfs-profile check" >&2
			bad=1
		else
			s=$(printf '%s\n' "$tsv" | awk -v w="$w" '$1 == w {print $4}')
			want="$(cksum <"$src/$s" | awk '{print $1 "-" $2}') $(printf '%s\n' "$tsv" |
				awk -v w="$w" '$1 == w {print $5, $6, $7}')"
			got=$(recorded "$p")
			if [ "$got" != "$want" ]; then
				echo "FAIL: $p was measured from another version of $s" \
					"(recorded '$got', now '$want'): $redo" >&2
				bad=1
			fi
		fi
		count=$((count + 1))
	done
	# and nothing else: a profile of a removed workload is stale
	for p in "$src/workloads/profiles/$b"/*.json; do
		[ -f "$p" ] || continue
		printf '%s\n' "$names" | grep -qx "$(basename "$p" .json)" || {
			echo "FAIL: $p is not a workload in the manifest" >&2
			bad=1
		}
	done
done
[ $bad -eq 0 ] || exit 1
echo "ok: manifest current, $count profiles present and valid"
