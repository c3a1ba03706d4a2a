# cli.variants - the style variants of tests/features/variants/ get zero-shot
# decisions within 5 % of their workload's own decision's energy x delay,
# each decision run on the workload's measured profile, on a board of two
# clusters (TX2) and one of three (RUBIK Pi). The default model learnt from
# the workloads themselves, so this holds the decision to the coding style,
# not to zero-shot accuracy (the bench measures that, programs held out).
# Skipped (77) without the default model (the sanitizer build has none).
. "$(dirname "$0")/lib.sh" "$@"
export ZDVFS_DATA_DIR="$T/data" ZDVFS_CACHE_DIR="$T/cache"
if ! "$ZDVFS" model info >/dev/null 2>&1; then
	echo "# no default model: skipped"
	exit 77
fi

# edp BOARD WORKLOAD DECISION.json: the decision run on the profile
edp() {
	args=$(python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
lv = ','.join('%s=%d' % (c['name'], c['level']) for c in d['clusters'] if c['cores'] > 0)
print(lv, d['cpus'])" "$3") || return 1
	set -- "$1" "$2" $args
	"$ZDVFS" sim --board "$1" --workload "$2" --level "$3" --cpus "$4" \
		--json | python3 -c "
import json, sys
r = json.load(sys.stdin)['runs'][0]
print(r['makespan_s'] * r['energy_j'])"
}

# within RATIO_LIMIT A B: B / A <= limit
within() { python3 -c "import sys; sys.exit(0 if float(sys.argv[2]) <= 1.05 * float(sys.argv[1]) else 1)" "$1" "$2"; }

V="$SRC/tests/features/variants"
for board in jetson-tx2 rubik-pi; do
	for dir in "$V"/*/; do
		w=$(basename "$dir")
		canon=$(ls "$SRC"/workloads/*/"$w.c" | head -n 1)
		"$ZDVFS" decide --board "$board" --source "$canon" \
			--program "canon-$w" --json >"$T/c.json" 2>"$T/err" ||
			{ not_ok "$board: $w decides"; continue; }
		ec=$(edp "$board" "$w" "$T/c.json") ||
			{ not_ok "$board: $w's decision runs"; continue; }
		for f in "$dir"*.c; do
			v=$(basename "$f" .c)
			if ! "$ZDVFS" decide --board "$board" --source "$f" \
				--program "$w-$v" --json >"$T/v.json" 2>"$T/err"; then
				not_ok "$board: $w/$v decides"
				sed 's/^/#   /' "$T/err"
				continue
			fi
			ev=$(edp "$board" "$w" "$T/v.json") ||
				{ not_ok "$board: $w/$v's decision runs"; continue; }
			check "$board: $w/$v within 5 % of $w's EDP ($ev vs $ec)" \
				within "$ec" "$ev"
		done
	done
done

finish
