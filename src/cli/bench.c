/* bench.c - `zdvfs bench`: every policy on the simulated boards
 * (src/eval/run.c), with progress, interruption and resumption, then the
 * report (src/eval/report.c). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "options.h"
#include "zdvfs/fault.h"
#include "zdvfs/bench.h"
#include "zdvfs/runner.h"

static const char *const bench_usage[] = {
    "zdvfs bench [--boards LIST|all] [--workloads LIST|all] [OPTIONS]",
    "zdvfs bench --report-only [--out DIR]", NULL};

static const char *const scenarios[] = {"cold", "idle", "sustained", "hot",
					NULL};
static const char *const energies[] = {"board", "cpu", NULL};

#define MAX_LIST 256
#define DEFAULT_OUT "zdvfs-bench"

/* A comma-separated list; "all" leaves it empty (every one). */
struct name_list {
	char *text;
	const char *names[MAX_LIST];
	int n;
	bool all; /* "all" was given */
};

struct bench_cli {
	struct zd_bench_opts o;
	struct name_list boards, workloads, policies;
	bool report_only, no_report, quiet;
	int scenario, energy; /* indices in scenarios[], energies[]; -1 */
	char *command;
};

static int split_list(const char *opt, const char *arg, struct name_list *l)
{
	free(l->text);
	memset(l, 0, sizeof(*l));
	l->all = strcmp(arg, "all") == 0;
	if (l->all)
		return 0;
	if ((l->text = strdup(arg)) == NULL) {
		fprintf(stderr, "zdvfs bench: out of memory\n");
		return 1;
	}
	char *save = NULL;
	for (char *s = strtok_r(l->text, ",", &save); s;
	     s = strtok_r(NULL, ",", &save)) {
		if (l->n == MAX_LIST)
			return cli_usage_error("bench", "%s: at most %d names",
					       opt, MAX_LIST);
		l->names[l->n++] = s;
	}
	if (l->n == 0)
		return cli_usage_error("bench", "%s '%s' names nothing", opt,
				       arg);
	return 0;
}

/* --boards, --workloads, --policies: value is the struct name_list. */
static int on_list(const struct cli_option *opt, const char *arg,
		   const char *cmd)
{
	(void)cmd;
	char name[64];
	snprintf(name, sizeof(name), "--%s", opt->long_name);
	return split_list(name, arg, opt->value);
}

/* The command line as typed, for meta.json. */
static int join_command(struct bench_cli *c, int argc, char **argv)
{
	size_t len = strlen("zdvfs") + 1;
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((c->command = malloc(len)) == NULL) {
		fprintf(stderr, "zdvfs bench: out of memory\n");
		return 1;
	}
	strcpy(c->command, "zdvfs");
	for (int i = 0; i < argc; i++) {
		strcat(c->command, " ");
		strcat(c->command, argv[i]);
	}
	c->o.command = c->command;
	return 0;
}

static int parse_bench_opts(int argc, char **argv, struct bench_cli *c)
{
	struct cli_option options[] = {
	    OPT_TEXT(
		"Compares the policies on the simulated boards "
		"(docs/bench-format.md): when zerodvfs is benched, sweeps "
		"every workload on the boards into a sample store (points "
		"already there are skipped) and trains K zero-shot models "
		"leaving groups of programs out (fold k holds out the "
		"groups whose index % K == k); then runs each board x workload "
		"x policy x seed x "
		"run from ambient.\n"
		"It writes results.csv, table.csv, traces/ and meta.json into "
		"DIR, then the report "
		"(report.md, report.html, plots/). Rows already in DIR are "
		"skipped: an interrupted bench (Ctrl-C, kill) resumes when "
		"the same command is run again; a qlearn or zerodvfs "
		"series cut short is redone from its first run."),
	    OPT_CALLBACK(0, "boards", &c->boards, "LIST", on_list,
			 "jetson-tx2, jetson-orin-nx, rubik-pi, core-i7; all "
			 "(default)"),
	    OPT_CALLBACK(0, "workloads", &c->workloads, "LIST", on_list,
			 "names (`zdvfs workloads`) or all (default); the "
			 "first is the trace workload"),
	    OPT_CALLBACK(0, "policies", &c->policies, "LIST", on_list,
			 "performance, powersave, ondemand, conservative, "
			 "schedutil, table, qlearn, zerodvfs; all (default)"),
	    OPT_INT(0, "seeds", &c->o.seeds, "N", 1, 1000,
		    "seeds 1..N of the simulator and the agents (1)"),
	    OPT_INT(0, "runs", &c->o.runs, "N", 1, 1000,
		    "runs per series (10); qlearn and zerodvfs learn from run "
		    "to run, zerodvfs run 0 is zero-shot"),
	    OPT_INT(0, "folds", &c->o.folds, "K", 2, 100,
		    "leave-programs-out folds of the models (6)"),
	    OPT_STRING(0, "out", &c->o.out_dir, "DIR",
		       "output directory (default ./" DEFAULT_OUT ")"),
	    OPT_STRING(0, "db", &c->o.db, "FILE",
		       "the sample store (default DIR/bench.db)"),
	    OPT_INT(0, "jobs", &c->o.jobs, "N", 1, ZD_BENCH_MAX_JOBS,
		    "worker processes over (board, workload) pairs (default: "
		    "online CPUs, at most 4)"),
	    OPT_CHOICE(0, "scenario", &c->scenario, "S", scenarios,
		       "where each run starts (docs/bench-format.md): cold, at "
		       "ambient (default); idle, at the board's idle "
		       "temperature; sustained, the program back to back for "
		       ">= 10 simulated minutes, heat carried over; hot, idle "
		       "at 35 °C ambient (an enclosure)"),
	    OPT_CHOICE(0, "energy", &c->energy, "E", energies,
		       "the energy EDP uses: board (default: the input the "
		       "board draws, idle included) or cpu (the CPU rail)"),
	    OPT_STRING(0, "perturb", &c->o.perturb, "SPEC",
		       "also run every board perturbed: its simulator's "
		       "physics off its description by SPEC, e.g. "
		       "leak=+30%,membw=-25%,rth=+20%,speed=-10% (what "
		       "`default` means); the policies and models still use "
		       "the plain description; rows as NAME+perturbed"),
	    OPT_STRING(0, "table-grid", &c->o.table_grid, "G",
		       "the decisions the table (the oracle) sweeps per "
		       "program: full, every one (default); coarse or N, N "
		       "levels per cluster as `zdvfs sweep --grid`; "
		       "BOARD=G,... for some boards only (those with too many "
		       "decisions to sweep: the report then says the oracle is "
		       "the grid's best)"),
	    OPT_STRING(
		0, "profiles", &c->o.profiles_dir, "DIR",
		"also bench programs of your own: every profile in "
		"DIR/BOARD/ (`zdvfs characterize --out DIR`) of the "
		"first board, which every board must have; the "
		"manifest's workloads are then benched only where "
		"--workloads names them (all: every one). They are never "
		"profiled into "
		"the store, so every model judges them zero-shot (fold "
		"0's model). They have no manifest entry: their code "
		"features come from the source the profile records "
		"(characterize --source FILE, parsed without extra "
		"flags); zerodvfs and qlearn refuse a profile that "
		"records none"),
	    OPT_BOOL(0, "no-report", &c->no_report, "write the data only"),
	    OPT_BOOL(0, "report-only", &c->report_only,
		     "redo the report from DIR's files alone"),
	    OPT_BOOL(0, "quiet", &c->quiet, "print nothing but errors"),
	    OPT_PLATFORM_DIR(&c->o.platform_dir),
	    OPT_WORKLOAD_DIR(&c->o.workload_dir),
	    OPT_TEXT("Progress goes to stderr: one updating line on a "
		     "terminal, else a line per board profiled, model trained "
		     "and (board, workload) done. Exit status 130 (143 on "
		     "SIGTERM) when interrupted."),
	    OPT_END(),
	};
	c->scenario = c->energy = -1;
	/* the command line as typed, before parsing moves the arguments */
	if (join_command(c, argc, argv) != 0)
		return 1;
	int status = 0;
	int n = cli_parse_options("bench", bench_usage, options, 0, argc, argv,
				  &status);
	if (n < 0)
		return status ? status : -1;
	if (n > 0)
		return cli_usage_error("bench", "unexpected argument '%s'",
				       argv[0]);
	if (c->scenario >= 0)
		c->o.scenario = scenarios[c->scenario];
	if (c->energy >= 0)
		c->o.energy = energies[c->energy];
	if (c->report_only && c->no_report)
		return cli_usage_error("bench",
				       "--report-only and --no-report "
				       "contradict each other");
	if (c->o.out_dir == NULL)
		c->o.out_dir = DEFAULT_OUT;
	c->o.boards = c->boards.n ? c->boards.names : NULL;
	c->o.nboards = c->boards.n;
	c->o.workloads = c->workloads.n ? c->workloads.names : NULL;
	c->o.nworkloads = c->workloads.n;
	c->o.all_workloads = c->workloads.all;
	c->o.policies = c->policies.n ? c->policies.names : NULL;
	c->o.npolicies = c->policies.n;
	return 0;
}

/* ---- progress ------------------------------------------------------------ */

struct progress {
	bool quiet, tty;
	double start, phase_start, last_draw;
	enum zd_bench_phase phase;
	long rows_done, rows_made, rows_total;
	/* ZDVFS_FAULT_SIGINT_AFTER=N: interrupt as Ctrl-C would once N rows
	 * are made, so tests stop the bench at a known point */
	long fault_after;
};

static void time_left(const struct progress *pr,
		      const struct zd_bench_progress *p, char *buf, size_t len)
{
	double spent = zd_monotonic_s() - pr->phase_start;
	snprintf(buf, len, "?");
	if (p->made > 0)
		snprintf(buf, len, "%.0f s",
			 spent / (double)p->made *
			     (double)(p->total - p->done));
}

static void draw_line(struct progress *pr, const struct zd_bench_progress *p)
{
	char left[32];
	time_left(pr, p, left, sizeof(left));
	if (p->phase == ZD_BENCH_PHASE_SWEEP)
		fprintf(stderr, "\rprofiling %s %s %ld/%ld runs, %s left\033[K",
			p->board, p->workload ? p->workload : "", p->done,
			p->total, left);
	else
		fprintf(stderr, "\r%s %s %s %ld/%ld rows, %s left\033[K",
			p->board, p->workload, p->policy ? p->policy : "",
			p->done, p->total, left);
	pr->last_draw = zd_monotonic_s();
}

static void print_step(struct progress *pr, const struct zd_bench_progress *p)
{
	double now = zd_monotonic_s() - pr->start;
	if (pr->tty)
		fputs("\r\033[K", stderr);
	switch (p->phase) {
	case ZD_BENCH_PHASE_SWEEP:
		fprintf(stderr,
			"profiled %s: %ld/%ld points, %ld run now, %.1f s\n",
			p->board, p->done, p->total, p->made, now);
		break;
	case ZD_BENCH_PHASE_MODEL:
		if (p->cached)
			fprintf(stderr, "model of fold %d: reused (%ld/%ld)\n",
				p->fold, p->done, p->total);
		else
			fprintf(stderr,
				"model of fold %d: trained in %.1f s "
				"(%ld/%ld)\n",
				p->fold, p->seconds, p->done, p->total);
		break;
	case ZD_BENCH_PHASE_RUN:
		if (!pr->tty)
			fprintf(stderr, "%s %s done: %ld/%ld rows, %.1f s\n",
				p->board, p->workload, p->done, p->total, now);
		break;
	}
}

static void on_progress(void *ctx, const struct zd_bench_progress *p)
{
	struct progress *pr = ctx;
	if (p->phase != pr->phase) {
		pr->phase = p->phase;
		pr->phase_start = zd_monotonic_s();
	}
	if (p->phase == ZD_BENCH_PHASE_RUN) {
		pr->rows_done = p->done;
		pr->rows_made = p->made;
		pr->rows_total = p->total;
		if (pr->fault_after > 0 && p->made >= pr->fault_after) {
			pr->fault_after = 0;
			kill(getpid(), SIGINT);
		}
	}
	if (pr->quiet)
		return;
	if (p->step_done)
		print_step(pr, p);
	else if (pr->tty && zd_monotonic_s() - pr->last_draw >= 0.1)
		draw_line(pr, p);
}

/* ---- the command ----------------------------------------------------------- */

static int report(const struct bench_cli *c)
{
	struct zd_err err = {0};
	if (zd_bench_report(c->o.out_dir, &err) != 0)
		return cli_error("bench", &err);
	if (!c->quiet)
		printf("report: %s/report.md, %s/report.html\n", c->o.out_dir,
		       c->o.out_dir);
	return 0;
}

static int bench(struct bench_cli *c)
{
	struct zd_err err = {0};
	struct progress pr = {.quiet = c->quiet,
			      .tty = isatty(STDERR_FILENO),
			      .start = zd_monotonic_s(),
			      .phase = -1};
	pr.fault_after = zd_fault_arg(ZD_FAULT_SIGINT_AFTER);
	c->o.stop = zd_signals_flag();
	c->o.progress = on_progress;
	c->o.progress_ctx = &pr;
	if (zd_signals_install(&err) != 0)
		return cli_error("bench", &err);
	int rc = zd_bench_run(&c->o, &err);
	zd_signals_release();
	if (pr.tty && !pr.quiet)
		fputs("\r\033[K", stderr);
	if (rc == ZD_BENCH_INTERRUPTED) {
		fprintf(stderr,
			"zdvfs bench: interrupted: rerun the same command "
			"to resume\n");
		return zd_signals_status();
	}
	if (rc != 0)
		return cli_error("bench", &err);
	if (!c->quiet)
		printf("bench: %ld rows (%ld run now, %ld already there) in "
		       "%s/results.csv, %.1f s\n",
		       pr.rows_done, pr.rows_made, pr.rows_done - pr.rows_made,
		       c->o.out_dir, zd_monotonic_s() - pr.start);
	return c->no_report ? 0 : report(c);
}

int cmd_bench(int argc, char **argv)
{
	struct bench_cli c;
	memset(&c, 0, sizeof(c));
	int rc = parse_bench_opts(argc, argv, &c);
	if (rc == 0)
		rc = c.report_only ? report(&c) : bench(&c);
	else if (rc < 0)
		rc = 0;
	free(c.boards.text);
	free(c.workloads.text);
	free(c.policies.text);
	free(c.command);
	return rc;
}
