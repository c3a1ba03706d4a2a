# bench_report.sh - `zdvfs bench --report-only` on a hand-made output
# directory (docs/bench-format.md): report.md and report.html written, the
# HTML and every SVG plot well-formed XML (python3's xml.etree), every PNG a
# PNG; a broken results.csv is a usage error naming file and line.
. "$(dirname "$0")/lib.sh" "$@"

D="$T/bench"
mkdir -p "$D/traces"
cat >"$D/meta.json" <<'EOF'
{"zdvfs": "0.1.0", "command": "zdvfs bench --boards jetson-orin-nx --runs 2",
 "started": "2026-11-23T14:00:00Z", "seconds": 5.5,
 "boards": [{"name": "jetson-orin-nx", "decisions": 2808, "limit_c": 85.0}],
 "workloads": ["jacobi", "nqueens"],
 "policies": ["performance", "powersave", "ondemand", "conservative",
              "schedutil", "table", "qlearn", "zerodvfs"],
 "seeds": 1, "runs": 2, "folds": 2, "trace_workload": "jacobi",
 "profiling": {"runs": 100, "seconds": 1.0},
 "models": [{"fold": 0, "held_out": ["jacobi"], "seconds": 1.5}],
 "features_ms": {"jacobi": 12.5, "nqueens": 8.0}}
EOF
{
	echo "board,workload,policy,seed,run,makespan_s,energy_j,avg_power_w,peak_temp_c,throttled_s,violations,decision_latency_us,reward,predicted_makespan_s,predicted_energy_j,predicted_peak_c,decision"
	i=0
	for w in jacobi nqueens; do
		for p in performance powersave ondemand conservative schedutil table qlearn zerodvfs; do
			for r in 0 1; do
				i=$((i + 1))
				m="$((3 + i % 5)).5"; e="$((40 + i * 3))"
				if [ $p = zerodvfs ]; then
					echo "jetson-orin-nx,$w,$p,1,$r,$m,$e,5,60,0,0,150,0.8,$((4 + i % 3)),$e,58,a78=4@12"
				else
					echo "jetson-orin-nx,$w,$p,1,$r,$m,$e,5,60,0,0,20,0.$((r + 3)),,,,"
				fi
			done
		done
	done
} >"$D/results.csv"
printf 'board,workload,decisions,sweep_s\njetson-orin-nx,jacobi,2808,9000\njetson-orin-nx,nqueens,2808,8000\n' >"$D/table.csv"
for p in performance powersave ondemand conservative schedutil table qlearn zerodvfs; do
	{
		echo "t_s,power_w,hottest_c,progress"
		for t in 0 1 2 3 4 5; do echo "$t,6,$((30 + t * 4)),0.$t"; done
	} >"$D/traces/jetson-orin-nx__jacobi__$p.csv"
done

"$ZDVFS" bench --report-only --out "$D" >"$T/out" 2>"$T/err"
expect_status 0 "bench --report-only on a hand-made directory" $?
check "report.md written" test -s "$D/report.md"
check "report.html written" test -s "$D/report.html"
check "the output names the report" contains "$T/out" "report.md"
check "the report has the board's table" contains "$D/report.md" "## Board jetson-orin-nx"
check "the report names the paper's 7.09x" contains "$D/report.md" "7.09×"

# Every plot: a PNG by its magic bytes, an SVG that parses as XML, and the
# HTML page itself well-formed, its images all present.
check "python3 is there for the XML checks" command -v python3
cat >"$T/xmlcheck.py" <<'EOF'
import sys, xml.etree.ElementTree as ET
for path in sys.argv[1:]:
    ET.parse(path)
EOF
for plot in pareto-jetson-orin-nx temperature-jetson-orin-nx \
	    convergence-jetson-orin-nx accuracy; do
	check "$plot.png is a PNG" sh -c "head -c 8 '$D/plots/$plot.png' | od -An -c | grep -q 'P   N   G'"
	check "$plot.svg is well-formed XML" python3 "$T/xmlcheck.py" "$D/plots/$plot.svg"
	check "report.html shows $plot.svg" contains "$D/report.html" "<img src=\"plots/$plot.svg\""
done
check "report.html is well-formed XML" python3 "$T/xmlcheck.py" "$D/report.html"
check "the gnuplot script is kept" test -s "$D/plots/plots.gp"

# A results.csv whose line 3 has a field too few.
B="$T/broken"
mkdir -p "$B"
cp "$D/meta.json" "$B/"
head -n 2 "$D/results.csv" >"$B/results.csv"
sed -n 3p "$D/results.csv" | sed 's/,[^,]*$//' >>"$B/results.csv"
"$ZDVFS" bench --report-only --out "$B" >/dev/null 2>"$T/err"
expect_status 2 "a malformed results.csv is a usage error" $?
check "the error names file and line" contains "$T/err" "$B/results.csv:3:"

# Without gnuplot the report is still written, and says why no plots.
ZDVFS_GNUPLOT=/nonexistent/gnuplot "$ZDVFS" bench --report-only --out "$D" >/dev/null 2>"$T/err"
expect_status 0 "no gnuplot: still a report" $?
check "no gnuplot: warned" contains "$T/err" "plots not made"
check "no gnuplot: the report says so" contains "$D/report.md" "could not be made"

finish
