/* report.c - `zdvfs bench`'s report: report.md and report.html for a
 * reader who never saw the project, and plots/, from the files the runner
 * wrote (docs/bench-format.md). The numbers come from report_stats.c, the
 * plots from report_plots.c; this file says what they mean. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_data.h"
#include "report_doc.h"
#include "report_plots.h"
#include "report_stats.h"
#include "zdvfs/bench.h"

/* The paper's headline numbers (arXiv 2601.08166, abstract). */
#define PAPER_ENERGY_GAIN 7.09
#define PAPER_MAKESPAN_GAIN 4.0
#define PAPER_LATER_MS 358.0
#define PAPER_FIRST_MIN_S 3.5
#define PAPER_FIRST_MAX_S 8.0
#define PAPER_TABLE_SPEEDUP 8300.0
#define PAPER_CONVERGENCE 20.0

static const char *const policy_meaning[REP_NPOLICIES] = {
    "Linux governor: every core at the highest frequency",
    "Linux governor: every core at the lowest frequency",
    "Linux governor: raises the frequency when load is high, lowers it "
    "when low; the paper's baseline",
    "Linux governor: like ondemand, in small steps",
    "Linux governor: frequency from the scheduler's utilisation (the "
    "default on recent kernels)",
    "table-based profiling: every decision of the board run for real and "
    "the best kept; the oracle, at the price of one run per decision",
    "model-free Q-learning: the same two agents as zerodvfs with no "
    "environment model, learning from real runs only",
    "ZeroDVFS: code features, an environment model trained on other "
    "programs, two agents trained on the model's synthetic runs (Dyna-Q); "
    "run 0 is zero-shot, later runs also learn from the real runs before",
};

/* ---- formatting --------------------------------------------------------- */

static void cell_g(struct rep_cells *row, double v, int digits)
{
	if (isnan(v))
		rep_cells_add(row, "n/a");
	else
		rep_cells_add(row, "%.*g", digits, v);
}

static void cell_f(struct rep_cells *row, double v, int decimals)
{
	if (isnan(v))
		rep_cells_add(row, "n/a");
	else
		rep_cells_add(row, "%.*f", decimals, v);
}

/* A duration for people: ms, s, min or h. */
static const char *duration(char *buf, size_t size, double s)
{
	if (isnan(s))
		snprintf(buf, size, "n/a");
	else if (s < 1)
		snprintf(buf, size, "%.3g ms", s * 1e3);
	else if (s < 120)
		snprintf(buf, size, "%.3g s", s);
	else if (s < 7200)
		snprintf(buf, size, "%.1f min", s / 60);
	else
		snprintf(buf, size, "%.1f h", s / 3600);
	return buf;
}

/* V with two decimals below 10, one below 1000, else whole with thousands
 * separators (52,100), as the paper writes 8,300×. */
static void human_number(char *buf, size_t size, double v)
{
	if (v < 10)
		snprintf(buf, size, "%.2f", v);
	else if (v < 1000)
		snprintf(buf, size, "%.1f", v);
	else if (v >= 1e15)
		snprintf(buf, size, "%.3g", v);
	else {
		char digits[32];
		int n = snprintf(digits, sizeof(digits), "%.0f", v);
		size_t o = 0;
		for (int i = 0; i < n && o + 2 < size; i++) {
			if (i > 0 && (n - i) % 3 == 0)
				buf[o++] = ',';
			buf[o++] = digits[i];
		}
		buf[o] = '\0';
	}
}

/* "3.20×", with a bound's sign, "n/a" if unknown. */
static const char *factor(char *buf, size_t size, double v, int bound)
{
	char num[48];
	if (isnan(v)) {
		snprintf(buf, size, "n/a");
		return buf;
	}
	human_number(num, sizeof(num), v);
	snprintf(buf, size, "%s%s×",
		 bound > 0       ? "≥ "
		     : bound < 0 ? "≤ "
				 : "",
		 num);
	return buf;
}

/* Runs to converge: R+1 means never within R runs. */
static const char *runs_needed(char *buf, size_t size, double v, int runs)
{
	if (isnan(v))
		snprintf(buf, size, "n/a");
	else if (v > runs)
		snprintf(buf, size, "> %d", runs);
	else
		snprintf(buf, size, "%.3g", v);
	return buf;
}

/* Append to a bounded list; what does not fit is cut off, ending in "…". */
__attribute__((format(printf, 3, 4))) static void append(char *buf, size_t size,
							 const char *fmt, ...)
{
	size_t len = strlen(buf);
	if (len + 1 >= size)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n < size - len || size < 4)
		return;
	/* Cut at a character's first byte, then "…" (3 bytes) and the NUL. */
	size_t cut = size - 4;
	while (cut > 0 && ((unsigned char)buf[cut] & 0xC0) == 0x80)
		cut--;
	memcpy(buf + cut, "…", 4);
}

/* ---- what was run ------------------------------------------------------- */

static long expected_rows(const struct rep_meta *m)
{
	int npolicies = m->npolicies > 0 ? m->npolicies : REP_NPOLICIES;
	return (long)m->nboards * m->nworkloads * npolicies * m->seeds *
	    m->runs;
}

static void intro(struct rep_doc *doc, const struct rep_data *d)
{
	rep_doc_heading(doc, 1, "zdvfs bench report");
	rep_doc_para(
	    doc,
	    "zdvfs decides, for an OpenMP program about to run "
	    "on a multi-core board, how many and which cores it gets "
	    "and at what frequency each CPU cluster runs, so that it "
	    "finishes fast, spends little energy and stays under the "
	    "board's thermal limit. It implements the ZeroDVFS method "
	    "(arXiv 2601.08166): features read from the program's "
	    "source, an environment model that predicts time, energy "
	    "and temperature, and two reinforcement-learning agents "
	    "trained on the model's predictions (Dyna-Q), so that even "
	    "a program never run before gets a good first decision "
	    "(zero-shot).");
	rep_doc_para(doc,
		     "This report compares zdvfs with the Linux "
		     "governors, an exhaustive table (the oracle) and "
		     "model-free Q-learning on %d board(s) and %d workload(s). "
		     "All boards are simulated: zdvfs's simulator models each "
		     "board's power, heat and throttling, and each program's "
		     "behaviour comes from measuring the real program. The "
		     "paper's numbers come from real boards, so the comparison "
		     "with them is indicative, not like for like.",
		     d->meta.nboards, d->meta.nworkloads);
}

static void run_costs(struct rep_doc *doc, const struct rep_meta *m)
{
	char total[32], prof[32], models[32];
	duration(total, sizeof(total), m->seconds);
	duration(prof, sizeof(prof), m->profiling_s);
	duration(models, sizeof(models), m->models_s);
	if (m->command[0] != '\0')
		rep_doc_item(doc, "Command: `%s`", m->command);
	rep_doc_item(doc,
		     "Started %s by zdvfs %s; the bench took %s in all: "
		     "profiling %s (%ld simulated runs, the environment "
		     "model's training data), training the zero-shot models "
		     "%s (%d model(s)), the rest running the policies.",
		     m->started[0] ? m->started : "(not recorded)",
		     m->version[0] ? m->version : "(version not recorded)",
		     total, prof, m->profiling_runs, models, m->nmodels);
}

static void run_boards(struct rep_doc *doc, const struct rep_meta *m)
{
	char list[2048] = "";
	for (int b = 0; b < m->nboards; b++) {
		const struct rep_board *bd = &m->boards[b];
		char dec[96] = "";
		if (bd->decisions > 0 && bd->table_decisions < bd->decisions)
			snprintf(dec, sizeof(dec),
				 "%ld decisions, the oracle the best of %ld "
				 "on a grid, ",
				 bd->decisions, bd->table_decisions);
		else if (bd->decisions > 0)
			snprintf(dec, sizeof(dec), "%ld decisions, ",
				 bd->decisions);
		append(list, sizeof(list), "%s%s (%sthermal limit %.1f °C)",
		       b ? ", " : "", bd->name, dec, bd->limit_c);
	}
	rep_doc_item(doc,
		     "Boards (%d, simulated): %s. A decision is a number "
		     "of cores and a frequency level per CPU cluster.",
		     m->nboards, list);
}

static void run_workloads(struct rep_doc *doc, const struct rep_meta *m)
{
	char list[3072] = "";
	for (int w = 0; w < m->nworkloads; w++)
		append(list, sizeof(list), "%s%s", w ? ", " : "",
		       m->workloads[w]);
	rep_doc_item(doc,
		     "Workloads (%d): %s. The trace workload, whose "
		     "temperature is plotted over time, is %s.",
		     m->nworkloads, list,
		     m->trace_workload[0] ? m->trace_workload : "none");
}

static void run_counts(struct rep_doc *doc, const struct rep_data *d)
{
	const struct rep_meta *m = &d->meta;
	rep_doc_item(doc,
		     "Seeds: %d (the simulator's noise and the agents' "
		     "random seed). Runs: %d per board, workload, policy and "
		     "seed; every run starts from ambient temperature.",
		     m->seeds, m->runs);
	if (m->folds > 0)
		rep_doc_item(doc,
			     "Folds: %d. Zero-shot is measured "
			     "leave-programs-out: a workload is decided by a "
			     "model trained on the other folds' programs only, "
			     "so it never saw the program it decides for.",
			     m->folds);
	long want = expected_rows(m);
	if ((long)d->nruns < want)
		rep_doc_item(
		    doc,
		    "results.csv holds %zu of the %ld runs the "
		    "bench was asked for: it is incomplete (still "
		    "running or interrupted), and the tables below use "
		    "what is there.",
		    d->nruns, want);
	else
		rep_doc_item(doc, "results.csv holds all %zu runs.", d->nruns);
	if (d->nskipped > 0)
		rep_doc_item(doc,
			     "results.csv also holds %zu runs of an earlier "
			     "bench in the same directory that asked for other "
			     "boards, workloads, policies, seeds or runs; this "
			     "report leaves them out.",
			     d->nskipped);
}

static void what_was_run(struct rep_doc *doc, const struct rep_data *d)
{
	rep_doc_heading(doc, 2, "What was run");
	run_costs(doc, &d->meta);
	run_boards(doc, &d->meta);
	run_workloads(doc, &d->meta);
	run_counts(doc, d);
	rep_doc_para(doc, "The policies:");
	for (int p = 0; p < REP_NPOLICIES; p++)
		rep_doc_item(doc, "`%s`: %s.", rep_policy_names[p],
			     policy_meaning[p]);
}

static void how_to_read(struct rep_doc *doc, const struct rep_meta *m)
{
	rep_doc_heading(doc, 2, "How to read the tables");
	rep_doc_para(doc,
		     "Each policy table has one row per policy. The "
		     "governors and the table repeat the same decision every "
		     "run, so their row is the mean of their %d runs. The "
		     "learning policies change from run to run: qlearn and "
		     "zerodvfs are shown at their last run (run %d, after "
		     "learning from the runs before it), and zerodvfs also at "
		     "run 0, its zero-shot decision for a program it never "
		     "ran.",
		     m->runs, m->runs - 1);
	rep_doc_item(doc,
		     "Energy (J), makespan (s, the program's run time) "
		     "and EDP (energy-delay product, energy × makespan, J·s) "
		     "are geometric means over workloads and seeds, so every "
		     "program weighs the same however long it runs.");
	rep_doc_item(doc,
		     "\"÷ ondemand\" and \"÷ oracle\" are the geometric "
		     "means of each program's ratio to the ondemand governor "
		     "and to the table (oracle) on the same board and seed. "
		     "Below 1 is better than them: 0.5 is half the energy, "
		     "half the time or half the EDP. Nothing can beat the "
		     "oracle's EDP by much, since it tried every decision.");
	rep_doc_item(
	    doc,
	    "Violations: runs whose peak temperature went over "
	    "the board's thermal limit, out of the runs counted. Mean "
	    "peak: the hottest zone's peak, averaged over those runs.");
	rep_doc_item(doc, "n/a: the bench has no runs for that cell.");
}

/* ---- policy tables ------------------------------------------------------ */

static void policy_table_head(struct rep_doc *doc)
{
	struct rep_cells h;
	rep_cells_clear(&h);
	rep_cells_add(&h, "policy");
	rep_cells_add(&h, "energy (J)");
	rep_cells_add(&h, "makespan (s)");
	rep_cells_add(&h, "EDP (J·s)");
	rep_cells_add(&h, "energy ÷ ondemand");
	rep_cells_add(&h, "makespan ÷ ondemand");
	rep_cells_add(&h, "EDP ÷ ondemand");
	rep_cells_add(&h, "energy ÷ oracle");
	rep_cells_add(&h, "makespan ÷ oracle");
	rep_cells_add(&h, "EDP ÷ oracle");
	rep_cells_add(&h, "violations");
	rep_cells_add(&h, "mean peak (°C)");
	rep_doc_table_begin(doc, &h, 1);
}

static void policy_table(struct rep_doc *doc, const struct rep_data *d,
			 int board)
{
	policy_table_head(doc);
	for (int row = 0; row < REP_NROWS; row++) {
		struct rep_summary s;
		struct rep_cells r;
		rep_summarise(d, board, row, &s);
		rep_cells_clear(&r);
		rep_cells_add(&r, "%s", rep_rows[row].label);
		for (int k = 0; k < REP_NMEASURES; k++)
			cell_g(&r, s.mean[k], 4);
		for (int k = 0; k < REP_NMEASURES; k++)
			cell_f(&r, s.vs_ondemand[k], 3);
		for (int k = 0; k < REP_NMEASURES; k++)
			cell_f(&r, s.vs_oracle[k], 3);
		if (s.runs > 0)
			rep_cells_add(&r, "%d / %d", s.violations, s.runs);
		else
			rep_cells_add(&r, "n/a");
		cell_f(&r, s.mean_peak_c, 1);
		rep_doc_table_row(doc, &r);
	}
	rep_doc_table_end(doc);
}

static void all_boards(struct rep_doc *doc, const struct rep_data *d)
{
	rep_doc_heading(doc, 2, "All boards");
	rep_doc_para(doc,
		     "Every board, workload and seed together (each "
		     "ratio is taken on its own board first).");
	policy_table(doc, d, -1);
}

/* ---- thermal scenario and energy ---------------------------------------- */

struct heat_row {
	int runs, violations;
	double throttled_s, peak_c;
	double log_edp, log_board, log_cpu;
	int ncpu;
};

/* Every run of each policy on `board`: violations, time throttled (sum),
 * peak (max), and geometric means of EDP and of both energies. */
static void heat_rows(const struct rep_data *d, int board,
		      struct heat_row *rows)
{
	memset(rows, 0, REP_NPOLICIES * sizeof(*rows));
	for (size_t i = 0; i < d->nruns; i++) {
		const struct rep_run *r = &d->runs[i];
		if (r->board != board)
			continue;
		struct heat_row *h = &rows[r->policy];
		if (h->runs == 0 || r->peak_c > h->peak_c)
			h->peak_c = r->peak_c;
		h->runs++;
		h->violations += r->violation;
		if (!isnan(r->throttled_s))
			h->throttled_s += r->throttled_s;
		h->log_edp += log(r->energy_j * r->makespan_s);
		h->log_board += log(r->board_energy_j);
		if (r->cpu_energy_j > 0) {
			h->log_cpu += log(r->cpu_energy_j);
			h->ncpu++;
		}
	}
}

static void scenario_section(struct rep_doc *doc, const struct rep_data *d)
{
	const struct rep_meta *m = &d->meta;
	rep_doc_heading(doc, 2, "Thermal scenario and energy");
	rep_doc_para(
	    doc,
	    "Scenario: **%s** (cold: each run from ambient; idle: "
	    "from the board's idle temperature; sustained: the program "
	    "back to back for at least 10 simulated minutes, heat "
	    "carried over, a row being the session's mean run; hot: "
	    "idle at 35 °C ambient). EDP uses the **%s** energy%s. "
	    "Every run of a policy counts here (learning policies "
	    "included from run 0); throttled is the sum over its runs, "
	    "peak the highest.",
	    m->scenario,
	    strcmp(m->energy, "cpu") == 0 ? "CPU rail's" : "board input's",
	    strcmp(m->energy, "cpu") == 0
		? ""
		: " (the default: what the board draws, idle power "
		  "included, the cost of running a program on a "
		  "dedicated board; --energy cpu gives the CPU rail)");
	for (int b = 0; b < m->nboards; b++) {
		struct heat_row rows[REP_NPOLICIES];
		heat_rows(d, b, rows);
		rep_doc_para(doc, "%s:", m->boards[b].name);
		struct rep_cells h;
		rep_cells_clear(&h);
		rep_cells_add(&h, "policy");
		rep_cells_add(&h, "runs");
		rep_cells_add(&h, "violations");
		rep_cells_add(&h, "throttled (s)");
		rep_cells_add(&h, "peak (°C)");
		rep_cells_add(&h, "EDP (J·s)");
		rep_cells_add(&h, "board energy (J)");
		rep_cells_add(&h, "CPU energy (J)");
		rep_doc_table_begin(doc, &h, 1);
		for (int p = 0; p < REP_NPOLICIES; p++) {
			const struct heat_row *x = &rows[p];
			if (x->runs == 0)
				continue;
			struct rep_cells r;
			rep_cells_clear(&r);
			rep_cells_add(&r, "%s", rep_policy_names[p]);
			rep_cells_add(&r, "%d", x->runs);
			rep_cells_add(&r, "%d", x->violations);
			cell_f(&r, x->throttled_s, 1);
			cell_f(&r, x->peak_c, 1);
			cell_g(&r, exp(x->log_edp / x->runs), 4);
			cell_g(&r, exp(x->log_board / x->runs), 4);
			cell_g(&r, x->ncpu ? exp(x->log_cpu / x->ncpu) : NAN,
			       4);
			rep_doc_table_row(doc, &r);
		}
		rep_doc_table_end(doc);
	}
}

/* ---- headline ----------------------------------------------------------- */

struct headline {
	struct rep_summary zd, zs; /* zerodvfs last run, zero-shot */
	struct rep_latency lat;
	struct rep_convergence conv;
	double energy_gain, energy_gain_zs, makespan_gain, makespan_gain_zs;
	double table_speedup;
};

static int headline_compute(const struct rep_data *d, struct headline *h,
			    struct zd_err *err)
{
	rep_summarise(d, -1, REP_ROW_ZERODVFS, &h->zd);
	rep_summarise(d, -1, REP_ROW_ZERO_SHOT, &h->zs);
	h->energy_gain = 1 / h->zd.vs_ondemand[REP_ENERGY];
	h->makespan_gain = 1 / h->zd.vs_ondemand[REP_MAKESPAN];
	h->energy_gain_zs = 1 / h->zs.vs_ondemand[REP_ENERGY];
	h->makespan_gain_zs = 1 / h->zs.vs_ondemand[REP_MAKESPAN];
	int rc = rep_latency(d, -1, &h->lat, err);
	if (rc == 0)
		rc = rep_convergence(d, -1, &h->conv, err);
	h->table_speedup = h->lat.sweep_s / h->lat.first_s;
	return rc;
}

/* "better" when ours beats the paper; HIGHER says which way is better. */
static const char *verdict(double ours, double paper, int higher)
{
	if (isnan(ours))
		return "not measured";
	if (ours == paper)
		return "the same";
	return (ours > paper) == higher ? "better than the paper"
					: "worse than the paper";
}

static void headline_row(struct rep_doc *doc, const char *what,
			 const char *paper, const char *ours,
			 const char *meaning, const char *verdict_text)
{
	struct rep_cells r;
	rep_cells_clear(&r);
	rep_cells_add(&r, "%s", what);
	rep_cells_add(&r, "%s", paper);
	rep_cells_add(&r, "%s", ours);
	rep_cells_add(&r, "%s", meaning);
	rep_cells_add(&r, "%s", verdict_text);
	rep_doc_table_row(doc, &r);
}

static void headline_gains(struct rep_doc *doc, const struct headline *h,
			   int runs)
{
	char ours[96], a[32], b[32], meaning[128];
	snprintf(ours, sizeof(ours), "%s (zero-shot: %s)",
		 factor(a, sizeof(a), h->energy_gain, 0),
		 factor(b, sizeof(b), h->energy_gain_zs, 0));
	snprintf(meaning, sizeof(meaning),
		 "ondemand's energy ÷ zerodvfs's "
		 "at run %d; geometric mean over every program",
		 runs - 1);
	headline_row(doc, "energy efficiency vs ondemand", "7.09×", ours,
		     meaning, verdict(h->energy_gain, PAPER_ENERGY_GAIN, 1));
	snprintf(ours, sizeof(ours), "%s (zero-shot: %s)",
		 factor(a, sizeof(a), h->makespan_gain, 0),
		 factor(b, sizeof(b), h->makespan_gain_zs, 0));
	snprintf(meaning, sizeof(meaning),
		 "ondemand's makespan ÷ zerodvfs's "
		 "at run %d (speed-up)",
		 runs - 1);
	headline_row(doc, "makespan vs ondemand", "4.0×", ours, meaning,
		     verdict(h->makespan_gain, PAPER_MAKESPAN_GAIN, 1));
}

static void headline_latency(struct rep_doc *doc, const struct headline *h)
{
	char ours[96], a[32];
	snprintf(ours, sizeof(ours), "%s",
		 duration(a, sizeof(a), h->lat.later_ms / 1e3));
	headline_row(doc, "subsequent decision latency", "358 ms", ours,
		     "median time zerodvfs takes to decide, runs ≥ 1",
		     verdict(h->lat.later_ms, PAPER_LATER_MS, 0));
	snprintf(ours, sizeof(ours), "%s",
		 duration(a, sizeof(a), h->lat.first_s));
	const char *v = isnan(h->lat.first_s)    ? "not measured"
	    : h->lat.first_s < PAPER_FIRST_MIN_S ? "better than the paper"
	    : h->lat.first_s > PAPER_FIRST_MAX_S ? "worse than the paper"
						 : "within the paper's range";
	headline_row(doc, "first decision",
		     "3.5–8.0 s (incl. LLM feature "
		     "extraction)",
		     ours,
		     "median of zero-shot decision (run "
		     "0, model-based training included) + that program's "
		     "feature extraction",
		     v);
	snprintf(ours, sizeof(ours), "%s",
		 factor(a, sizeof(a), h->table_speedup, 0));
	headline_row(doc, "first decision vs table-based profiling", "8,300×",
		     ours,
		     "median oracle sweep time (one simulated run per "
		     "decision, table.csv) ÷ our first decision",
		     verdict(h->table_speedup, PAPER_TABLE_SPEEDUP, 1));
}

static void headline_convergence(struct rep_doc *doc, const struct headline *h)
{
	char a[32];
	headline_row(doc, "convergence vs model-free", "20×",
		     factor(a, sizeof(a), h->conv.median_ratio, h->conv.bound),
		     "median over programs and seeds of the runs qlearn needs "
		     "to come within 5 % of the oracle's energy × delay ÷ the "
		     "runs zerodvfs needs (see Convergence)",
		     verdict(h->conv.median_ratio, PAPER_CONVERGENCE, 1));
}

/* Plain sentences on where we stand against ondemand and the paper. */
static void headline_words(struct rep_doc *doc, const struct headline *h)
{
	double e = h->energy_gain, m = h->makespan_gain;
	char a[48];
	if (!isnan(e))
		rep_doc_item(doc,
			     "Energy: zerodvfs needs %s %s energy than "
			     "ondemand (the paper: 7.09× less): %s.",
			     factor(a, sizeof(a), e >= 1 ? e : 1 / e, 0),
			     e >= 1 ? "less" : "more",
			     verdict(e, PAPER_ENERGY_GAIN, 1));
	if (!isnan(m))
		rep_doc_item(doc,
			     "Makespan: zerodvfs is %s %s than ondemand "
			     "(the paper: 4.0× faster): %s.",
			     factor(a, sizeof(a), m >= 1 ? m : 1 / m, 0),
			     m >= 1 ? "faster" : "slower",
			     verdict(m, PAPER_MAKESPAN_GAIN, 1));
	rep_doc_item(doc,
		     "Latency: zdvfs is native code and extracts features "
		     "with a parser instead of a cloud LLM, so its decisions "
		     "are expected to be far faster than the paper's Python "
		     "prototype; ours are timed on the machine that ran the "
		     "bench, the paper's on the boards.");
	rep_doc_item(doc,
		     "The table speed-up compares simulated board time "
		     "(what the sweep would take on the real board) with our "
		     "measured decision time.");
	rep_doc_item(doc,
		     "All our boards are simulated; the paper measured "
		     "real boards with its own workloads and baselines.");
}

static void headline(struct rep_doc *doc, const struct rep_data *d,
		     const struct headline *h)
{
	rep_doc_heading(doc, 2, "The paper's numbers beside ours");
	rep_doc_para(doc,
		     "The ZeroDVFS paper's abstract gives six headline "
		     "numbers. Here is each with ours, measured over every "
		     "board, program and seed of this bench.");
	struct rep_cells head;
	rep_cells_clear(&head);
	rep_cells_add(&head, "quantity");
	rep_cells_add(&head, "paper");
	rep_cells_add(&head, "ours");
	rep_cells_add(&head, "what ours is");
	rep_cells_add(&head, "verdict");
	rep_doc_table_begin(doc, &head, 5);
	headline_gains(doc, h, d->meta.runs);
	headline_latency(doc, h);
	headline_convergence(doc, h);
	rep_doc_table_end(doc);
	headline_words(doc, h);
}

/* ---- per board ---------------------------------------------------------- */

static void plot_or_note(struct rep_doc *doc, const struct rep_plots *p,
			 const char *name, const char *caption)
{
	if (p->made && rep_plots_has(p, name))
		rep_doc_image(doc, name, caption);
}

static void board_section(struct rep_doc *doc, const struct rep_data *d,
			  const struct rep_plots *p, int b)
{
	const char *board = d->meta.boards[b].name;
	char name[REP_PLOT_NAME], caption[512];
	rep_doc_heading(doc, 2, "Board %s", board);
	rep_doc_para(doc, "Simulated; thermal limit %.1f °C.",
		     d->meta.boards[b].limit_c);
	policy_table(doc, d, b);
	snprintf(name, sizeof(name), "pareto-%s", board);
	if (p->pareto_workload >= 0)
		snprintf(caption, sizeof(caption),
			 "%s: energy against makespan "
			 "of %s, one point per policy (geometric mean over "
			 "seeds; lower left is better; the other workloads are "
			 "too many for one figure)",
			 board, d->meta.workloads[p->pareto_workload]);
	else
		snprintf(caption, sizeof(caption),
			 "%s: energy against makespan "
			 "per workload, one point per policy (geometric mean "
			 "over seeds; lower left is better)",
			 board);
	plot_or_note(doc, p, name, caption);
	snprintf(name, sizeof(name), "temperature-%s", board);
	snprintf(
	    caption, sizeof(caption),
	    "%s: hottest zone's temperature "
	    "while running %s (seed 1, run 0; zerodvfs's is its zero-shot "
	    "decision); dashed, when in reach: the thermal limit (%.1f °C)",
	    board, d->meta.trace_workload, d->meta.boards[b].limit_c);
	plot_or_note(doc, p, name, caption);
}

/* ---- latency ------------------------------------------------------------ */

static void latency_row(struct rep_doc *doc, const char *label,
			const struct rep_latency *l)
{
	struct rep_cells r;
	char a[32];
	rep_cells_clear(&r);
	rep_cells_add(&r, "%s", label);
	cell_g(&r, l->features_ms, 3);
	cell_g(&r, l->zero_shot_ms, 3);
	cell_g(&r, l->first_s, 3);
	cell_g(&r, l->later_ms, 3);
	cell_g(&r, l->later_max_ms, 3);
	rep_cells_add(&r, "%s", duration(a, sizeof(a), l->sweep_s));
	rep_cells_add(&r, "%s",
		      factor(a, sizeof(a), l->sweep_s / l->first_s, 0));
	rep_doc_table_row(doc, &r);
}

static int latency_section(struct rep_doc *doc, const struct rep_data *d,
			   struct zd_err *err)
{
	rep_doc_heading(doc, 2, "Decision latency");
	rep_doc_para(
	    doc,
	    "How long zerodvfs takes to decide, measured on the "
	    "machine that ran the bench (medians). Feature extraction "
	    "is the static analysis of the program's source, once per "
	    "program. The zero-shot decision (run 0) includes training "
	    "the agents on the model's synthetic runs; the first "
	    "decision is the two together. Later decisions come from "
	    "the trained agents. The oracle sweep is the simulated "
	    "board time table-based profiling would spend on one "
	    "program.");
	struct rep_cells head;
	rep_cells_clear(&head);
	rep_cells_add(&head, "board");
	rep_cells_add(&head, "feature extraction (ms)");
	rep_cells_add(&head, "zero-shot decision (ms)");
	rep_cells_add(&head, "first decision (s)");
	rep_cells_add(&head, "later decisions (ms)");
	rep_cells_add(&head, "later, slowest (ms)");
	rep_cells_add(&head, "oracle sweep");
	rep_cells_add(&head, "sweep ÷ first decision");
	rep_doc_table_begin(doc, &head, 1);
	int rc = 0;
	for (int b = 0; rc == 0 && b <= d->meta.nboards; b++) {
		struct rep_latency l;
		int board = b < d->meta.nboards ? b : -1;
		rc = rep_latency(d, board, &l, err);
		if (rc == 0)
			latency_row(doc,
				    board >= 0 ? d->meta.boards[b].name
					       : "all boards",
				    &l);
	}
	struct rep_cells paper;
	rep_cells_clear(&paper);
	rep_cells_add(&paper, "paper (real boards, Python, cloud LLM)");
	rep_cells_add(&paper, "in the first decision");
	rep_cells_add(&paper, "n/a");
	rep_cells_add(&paper, "3.5–8.0");
	rep_cells_add(&paper, "358");
	rep_cells_add(&paper, "n/a");
	rep_cells_add(&paper, "≈ 8 h");
	rep_cells_add(&paper, "8,300×");
	rep_doc_table_row(doc, &paper);
	rep_doc_table_end(doc);
	int any = 0;
	for (int w = 0; w < d->meta.nworkloads; w++)
		any |= !isnan(d->meta.features_ms[w]);
	if (!any)
		rep_doc_para(doc,
			     "meta.json records no feature extraction "
			     "times: the first decision is the zero-shot "
			     "decision alone.");
	return rc;
}

/* ---- convergence -------------------------------------------------------- */

static void convergence_row(struct rep_doc *doc, const char *label,
			    const struct rep_convergence *c, int runs)
{
	struct rep_cells r;
	char a[32];
	rep_cells_clear(&r);
	rep_cells_add(&r, "%s", label);
	rep_cells_add(&r, "%d", c->series);
	rep_cells_add(&r, "%s",
		      runs_needed(a, sizeof(a), c->median_q_runs, runs));
	rep_cells_add(&r, "%s",
		      runs_needed(a, sizeof(a), c->median_z_runs, runs));
	rep_cells_add(&r, "%s",
		      factor(a, sizeof(a), c->median_ratio, c->bound));
	rep_cells_add(&r, "%d", c->q_never);
	rep_cells_add(&r, "%d", c->z_never);
	rep_doc_table_row(doc, &r);
}

static void convergence_explain(struct rep_doc *doc, int runs)
{
	rep_doc_para(
	    doc,
	    "How many runs each learner needs before its "
	    "decision is as good as the oracle's. For every board, "
	    "program and seed, both learners ran %d times; a learner "
	    "has converged at the first run whose energy × delay is "
	    "within 5 %% of the oracle's (the exhaustive table's, same "
	    "board, program and seed) — not of its own final value, "
	    "which a learner that never moves would reach at once. "
	    "\"> %d\" means it never got there within the %d runs, "
	    "and then the ratio is a bound (≥ or ≤). The ratio is "
	    "qlearn's runs ÷ zerodvfs's: above 1, zerodvfs converges "
	    "faster. The paper reports 20×.",
	    runs, runs, runs);
}

static int convergence_section(struct rep_doc *doc, const struct rep_data *d,
			       const struct rep_plots *p, struct zd_err *err)
{
	int runs = d->meta.runs;
	rep_doc_heading(doc, 2, "Convergence against model-free learning");
	convergence_explain(doc, runs);
	struct rep_cells head;
	rep_cells_clear(&head);
	rep_cells_add(&head, "board");
	rep_cells_add(&head, "series");
	rep_cells_add(&head, "qlearn runs (median)");
	rep_cells_add(&head, "zerodvfs runs (median)");
	rep_cells_add(&head, "qlearn ÷ zerodvfs (median)");
	rep_cells_add(&head, "qlearn never");
	rep_cells_add(&head, "zerodvfs never");
	rep_doc_table_begin(doc, &head, 1);
	int rc = 0;
	for (int b = 0; rc == 0 && b <= d->meta.nboards; b++) {
		struct rep_convergence c;
		int board = b < d->meta.nboards ? b : -1;
		rc = rep_convergence(d, board, &c, err);
		if (rc == 0)
			convergence_row(doc,
					board >= 0 ? d->meta.boards[b].name
						   : "all boards",
					&c, runs);
	}
	rep_doc_table_end(doc);
	for (int b = 0; b < d->meta.nboards; b++) {
		char name[REP_PLOT_NAME], caption[256];
		snprintf(name, sizeof(name), "convergence-%s",
			 d->meta.boards[b].name);
		snprintf(caption, sizeof(caption),
			 "%s: mean reward per run, "
			 "zerodvfs against model-free qlearn",
			 d->meta.boards[b].name);
		plot_or_note(doc, p, name, caption);
	}
	return rc;
}

/* ---- learning: the EDP ÷ oracle curve and regret ------------------------ */

static void curve_section(struct rep_doc *doc, const struct rep_data *d)
{
	static const int policies[] = {REP_ZERODVFS, REP_QLEARN, REP_TABLE};
	int runs = d->meta.runs;
	rep_doc_heading(doc, 2,
			"Learning: energy × delay against the oracle, "
			"run by run");
	rep_doc_para(doc,
		     "The geometric mean over programs and seeds of each "
		     "run's energy × delay ÷ the oracle's, by run index: 1.000 "
		     "is the oracle; zerodvfs's run 0 is its zero-shot "
		     "decision. The table is the oracle itself (1 up to the "
		     "simulator's noise).");
	struct rep_cells head;
	rep_cells_clear(&head);
	rep_cells_add(&head, "board");
	rep_cells_add(&head, "policy");
	for (int run = 0; run < runs; run++)
		rep_cells_add(&head, "run %d", run);
	rep_doc_table_begin(doc, &head, 2);
	double *curve = malloc((size_t)runs * sizeof(*curve));
	for (int b = 0; curve && b <= d->meta.nboards; b++) {
		int board = b < d->meta.nboards ? b : -1;
		for (size_t k = 0; k < sizeof(policies) / sizeof(*policies);
		     k++) {
			struct rep_cells r;
			rep_oracle_curve(d, board, policies[k], curve);
			rep_cells_clear(&r);
			rep_cells_add(&r, "%s",
				      board >= 0 ? d->meta.boards[b].name
						 : "all boards");
			rep_cells_add(&r, "%s", rep_policy_names[policies[k]]);
			for (int run = 0; run < runs; run++)
				cell_f(&r, curve[run], 3);
			rep_doc_table_row(doc, &r);
		}
	}
	rep_doc_table_end(doc);
	free(curve);
}

static void regret_section(struct rep_doc *doc, const struct rep_data *d)
{
	rep_doc_heading(doc, 2, "Regret");
	rep_doc_para(
	    doc,
	    "What each policy's %d runs cost beyond the "
	    "oracle's: per program and seed, the sum over its runs of "
	    "energy × delay ÷ the oracle's − 1 (0: every run as good as "
	    "the oracle; the table's own sweep, one run per decision, "
	    "is not counted); the mean over programs and seeds. Lower "
	    "is better.",
	    d->meta.runs);
	struct rep_cells head;
	rep_cells_clear(&head);
	rep_cells_add(&head, "board");
	for (int k = 0; k < REP_NPOLICIES; k++)
		rep_cells_add(&head, "%s", rep_policy_names[k]);
	rep_doc_table_begin(doc, &head, 1);
	for (int b = 0; b <= d->meta.nboards; b++) {
		int board = b < d->meta.nboards ? b : -1;
		struct rep_cells r;
		rep_cells_clear(&r);
		rep_cells_add(&r, "%s",
			      board >= 0 ? d->meta.boards[b].name
					 : "all boards");
		for (int k = 0; k < REP_NPOLICIES; k++) {
			struct rep_regret g;
			rep_regret(d, board, k, &g);
			cell_f(&r, g.mean, 2);
		}
		rep_doc_table_row(doc, &r);
	}
	rep_doc_table_end(doc);
}

/* ---- perturbed boards (zdvfs bench --perturb) --------------------------- */

#define PERTURBED_SUFFIX "+perturbed"

/* The plain board of a perturbed one (NAME+perturbed), -1 if none. */
static int plain_of(const struct rep_data *d, int b)
{
	const char *name = d->meta.boards[b].name;
	size_t n = strlen(name), k = strlen(PERTURBED_SUFFIX);
	if (n <= k || strcmp(name + n - k, PERTURBED_SUFFIX) != 0)
		return -1;
	for (int p = 0; p < d->meta.nboards; p++)
		if (strlen(d->meta.boards[p].name) == n - k &&
		    strncmp(d->meta.boards[p].name, name, n - k) == 0)
			return p;
	return -1;
}

static void perturbed_section(struct rep_doc *doc, const struct rep_data *d)
{
	int runs = d->meta.runs, after = runs > 3 ? 3 : runs - 1;
	bool any = false;
	for (int b = 0; b < d->meta.nboards; b++)
		any = any || plain_of(d, b) >= 0;
	if (!any)
		return;
	rep_doc_heading(doc, 2,
			"When the board is not what its description "
			"says");
	rep_doc_para(
	    doc,
	    "Each board also ran perturbed (`NAME%s`): its "
	    "simulator's leakage, memory bandwidth, thermal resistance "
	    "and core speed off its description by the amounts in "
	    "meta.json (`perturbation`), while zerodvfs still decided "
	    "with the plain description and the same models, as it "
	    "would on a real board that differs from its simulated "
	    "twin. EDP ÷ the oracle's on the same (perturbed) board: "
	    "zero-shot, after %d runs and at the last run.",
	    PERTURBED_SUFFIX, after);
	struct rep_cells head;
	rep_cells_clear(&head);
	rep_cells_add(&head, "board");
	rep_cells_add(&head, "zero-shot, plain");
	rep_cells_add(&head, "zero-shot, perturbed");
	rep_cells_add(&head, "after %d, plain", after);
	rep_cells_add(&head, "after %d, perturbed", after);
	rep_cells_add(&head, "run %d, plain", runs - 1);
	rep_cells_add(&head, "run %d, perturbed", runs - 1);
	rep_doc_table_begin(doc, &head, 1);
	double *plain = malloc((size_t)runs * sizeof(*plain));
	double *pert = malloc((size_t)runs * sizeof(*pert));
	for (int b = 0; plain && pert && b < d->meta.nboards; b++) {
		int p = plain_of(d, b);
		if (p < 0)
			continue;
		struct rep_cells r;
		rep_oracle_curve(d, p, REP_ZERODVFS, plain);
		rep_oracle_curve(d, b, REP_ZERODVFS, pert);
		rep_cells_clear(&r);
		rep_cells_add(&r, "%s", d->meta.boards[p].name);
		cell_f(&r, plain[0], 3);
		cell_f(&r, pert[0], 3);
		cell_f(&r, plain[after], 3);
		cell_f(&r, pert[after], 3);
		cell_f(&r, plain[runs - 1], 3);
		cell_f(&r, pert[runs - 1], 3);
		rep_doc_table_row(doc, &r);
	}
	rep_doc_table_end(doc);
	free(plain);
	free(pert);
}

/* ---- accuracy ----------------------------------------------------------- */

static void accuracy_row(struct rep_doc *doc, const char *label,
			 const struct rep_accuracy *a)
{
	struct rep_cells r;
	rep_cells_clear(&r);
	rep_cells_add(&r, "%s", label);
	rep_cells_add(&r, "%d", a->n);
	cell_f(&r, a->mape_makespan, 1);
	cell_f(&r, a->mape_energy, 1);
	cell_f(&r, a->mae_peak_c, 2);
	rep_doc_table_row(doc, &r);
}

static void accuracy_section(struct rep_doc *doc, const struct rep_data *d,
			     const struct rep_plots *p)
{
	rep_doc_heading(doc, 2, "Model accuracy");
	rep_doc_para(
	    doc,
	    "Before each run zerodvfs's environment model "
	    "forecasts the makespan, energy and peak temperature of "
	    "the decision it takes; here against what the run "
	    "measured. MAPE: mean absolute percentage error; MAE: mean "
	    "absolute error. At run 0 the model has never seen the "
	    "program (zero-shot).");
	struct rep_cells head;
	rep_cells_clear(&head);
	rep_cells_add(&head, "board");
	rep_cells_add(&head, "runs");
	rep_cells_add(&head, "makespan MAPE (%%)");
	rep_cells_add(&head, "energy MAPE (%%)");
	rep_cells_add(&head, "peak temperature MAE (°C)");
	rep_doc_table_begin(doc, &head, 1);
	struct rep_accuracy a;
	for (int b = 0; b < d->meta.nboards; b++) {
		rep_accuracy(d, b, REP_ACC_ALL, &a);
		accuracy_row(doc, d->meta.boards[b].name, &a);
	}
	rep_accuracy(d, -1, REP_ACC_ALL, &a);
	accuracy_row(doc, "all boards", &a);
	rep_accuracy(d, -1, REP_ACC_ZERO_SHOT, &a);
	accuracy_row(doc, "all boards, zero-shot (run 0)", &a);
	rep_accuracy(d, -1, REP_ACC_LATER, &a);
	accuracy_row(doc, "all boards, runs ≥ 1", &a);
	rep_doc_table_end(doc);
	plot_or_note(doc, p, "accuracy",
		     "zerodvfs: predicted against measured "
		     "makespan, every run; dashed: perfect prediction");
}

/* ---- plots and files ---------------------------------------------------- */

static void plots_note(struct rep_doc *doc, const struct rep_plots *p)
{
	if (p->made)
		return;
	if (p->n == 0) {
		rep_doc_para(doc, "No plots: %s.", p->why);
		return;
	}
	rep_doc_para(doc,
		     "The plots could not be made: %s. Their data files "
		     "and gnuplot script are in plots/; once gnuplot works, "
		     "`cd plots && gnuplot -e \"fmt='svg'\" plots.gp && "
		     "gnuplot -e \"fmt='png'\" plots.gp` draws them.",
		     p->why);
}

static void files_section(struct rep_doc *doc)
{
	rep_doc_heading(doc, 2, "Files");
	rep_doc_item(doc,
		     "`results.csv`: one line per board, workload, "
		     "policy, seed and run (docs/bench-format.md).");
	rep_doc_item(doc,
		     "`table.csv`: what the oracle's sweep cost per "
		     "program; `traces/`: the trace workload's power and "
		     "temperature over time; `meta.json`: how the bench ran.");
	rep_doc_item(doc,
		     "`plots/`: every plot as SVG and PNG, its data "
		     "(`.dat`) and `plots.gp`, the gnuplot script that draws "
		     "them, to restyle.");
	rep_doc_item(doc,
		     "`zdvfs bench --report-only --out DIR` writes this "
		     "report again from these files.");
}

static int write_report(struct rep_doc *doc, const struct rep_data *d,
			const struct rep_plots *p, struct zd_err *err)
{
	struct headline h;
	intro(doc, d);
	plots_note(doc, p);
	what_was_run(doc, d);
	how_to_read(doc, &d->meta);
	int rc = headline_compute(d, &h, err);
	if (rc == 0) {
		headline(doc, d, &h);
		all_boards(doc, d);
		scenario_section(doc, d);
		for (int b = 0; b < d->meta.nboards; b++)
			board_section(doc, d, p, b);
		rc = latency_section(doc, d, err);
	}
	if (rc == 0)
		rc = convergence_section(doc, d, p, err);
	if (rc == 0) {
		curve_section(doc, d);
		regret_section(doc, d);
		perturbed_section(doc, d);
		accuracy_section(doc, d, p);
		files_section(doc);
	}
	return rc;
}

int zd_bench_report(const char *dir, struct zd_err *err)
{
	struct rep_data d;
	struct rep_plots plots;
	struct rep_doc doc;
	int rc = rep_data_load(dir, &d, err);
	if (rc != 0)
		return rc;
	rc = rep_plots_make(&d, &plots, err);
	if (rc == 0 && !plots.made)
		fprintf(stderr, "zdvfs: warning: plots not made: %s\n",
			plots.why);
	if (rc == 0) {
		rc = rep_doc_open(&doc, dir, "zdvfs bench report", err);
		if (rc == 0) {
			rc = write_report(&doc, &d, &plots, err);
			int crc = rep_doc_close(&doc, err);
			rc = rc ? rc : crc;
		}
		rep_plots_free(&plots);
	}
	rep_data_free(&d);
	return rc;
}
