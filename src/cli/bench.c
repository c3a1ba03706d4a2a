/* bench.c - `zdvfs bench`: every policy on the simulated boards
 * (src/eval/run.c), with progress, interruption and resumption, then the
 * report (src/eval/report.c). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "zdvfs/fault.h"
#include "zdvfs/bench.h"
#include "zdvfs/runner.h"

static const char bench_usage[] =
    "usage: zdvfs bench [--boards LIST|all] [--workloads LIST|all]\n"
    "                   [--policies LIST|all] [--seeds N] [--runs N]\n"
    "                   [--folds K] [--out DIR] [--db FILE] [--jobs N]\n"
    "                   [--scenario cold|idle|sustained|hot]\n"
    "                   [--energy board|cpu] [--perturb SPEC|default]\n"
    "                   [--table-grid full|coarse|N|BOARD=G,...]\n"
    "                   [--profiles DIR] [--no-report] [--quiet]\n"
    "       zdvfs bench --report-only [--out DIR]\n\n"
    "Compares the policies on the simulated boards (docs/bench-format.md):\n"
    "profiles every workload on the boards into a sample store (points\n"
    "already there are skipped), trains K zero-shot models leaving programs\n"
    "out (fold k holds out the workloads whose manifest index % K == k),\n"
    "then runs each board x workload x policy x seed x run from ambient and\n"
    "writes results.csv, table.csv, traces/ and meta.json into DIR, then\n"
    "the report (report.md, report.html, plots/). Rows already in DIR are\n"
    "skipped: an interrupted bench (Ctrl-C, kill) resumes when the same\n"
    "command is run again; a qlearn or zerodvfs series cut short is redone\n"
    "from its first run.\n\n"
    "  --boards LIST     jetson-tx2, jetson-orin-nx, rubik-pi, core-i7; all\n"
    "                    (default)\n"
    "  --workloads LIST  names (`zdvfs workloads`) or all (default); the\n"
    "                    first is the trace workload\n"
    "  --policies LIST   performance, powersave, ondemand, conservative,\n"
    "                    schedutil, table, qlearn, zerodvfs; all (default)\n"
    "  --seeds N         seeds 1..N of the simulator and the agents (1)\n"
    "  --runs N          runs per series (10); qlearn and zerodvfs learn\n"
    "                    from run to run, zerodvfs run 0 is zero-shot\n"
    "  --folds K         leave-programs-out folds of the models (6)\n"
    "  --out DIR         output directory (default ./zdvfs-bench)\n"
    "  --db FILE         the sample store (default DIR/bench.db)\n"
    "  --jobs N          worker processes over (board, workload) pairs\n"
    "                    (default: online CPUs, at most 4)\n"
    "  --scenario S      where each run starts (docs/bench-format.md):\n"
    "                    cold, at ambient (default); idle, at the board's\n"
    "                    idle temperature; sustained, the program back to\n"
    "                    back for >= 10 simulated minutes, heat carried\n"
    "                    over; hot, idle at 35 °C ambient (an enclosure)\n"
    "  --energy E        the energy EDP uses: board (default: the input the\n"
    "                    board draws, idle included) or cpu (the CPU rail)\n"
    "  --perturb SPEC    also run every board perturbed: its simulator's\n"
    "                    physics off its description by SPEC, e.g.\n"
    "                    leak=+30%,membw=-25%,rth=+20%,speed=-10% (what\n"
    "                    `default` means); the policies and models still\n"
    "                    use the plain description; rows as NAME+perturbed\n"
    "  --table-grid G    the decisions the table (the oracle) sweeps per\n"
    "                    program: full, every one (default); coarse or N,\n"
    "                    N levels per cluster as `zdvfs profile --grid`;\n"
    "                    BOARD=G,... for some boards only (those with too\n"
    "                    many decisions to sweep: the report then says the\n"
    "                    oracle is the grid's best)\n"
    "  --profiles DIR    also bench programs of your own: every profile in\n"
    "                    DIR/BOARD/ (`zdvfs characterize --out DIR`) of the\n"
    "                    first board, which every board must have; the\n"
    "                    manifest's workloads are then benched only where\n"
    "                    --workloads names them (all: every one). They are\n"
    "                    never profiled into the store, so every model\n"
    "                    judges them zero-shot (fold 0's model). They have\n"
    "                    no manifest entry: their code features come from\n"
    "                    the source the profile records (characterize\n"
    "                    --source FILE, parsed without extra flags);\n"
    "                    zerodvfs and qlearn refuse a profile that records\n"
    "                    none\n"
    "  --no-report       write the data only\n"
    "  --report-only     redo the report from DIR's files alone\n"
    "  --quiet           print nothing but errors\n"
    "  --platform-dir DIR, --workload-dir DIR  where boards and workloads "
    "are\n\n"
    "Progress goes to stderr: one updating line on a terminal, else a line\n"
    "per board profiled, model trained and (board, workload) done. Exit\n"
    "status 130 (143 on SIGTERM) when interrupted.\n";

#define MAX_LIST 256
#define DEFAULT_OUT "zdvfs-bench"

/* A comma-separated list; "all" leaves it empty (every one). */
struct name_list {
	char *text;
	const char *names[MAX_LIST];
	int n;
};

struct bench_cli {
	struct zd_bench_opts o;
	struct name_list boards, workloads, policies;
	bool report_only, no_report, quiet;
	char *command;
};

static int split_list(const char *opt, const char *arg, struct name_list *l)
{
	free(l->text);
	memset(l, 0, sizeof(*l));
	if (strcmp(arg, "all") == 0)
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

/* The options bench keeps as int. */
static int parse_count(const char *opt, const char *text, long lo, long hi,
		       int *out)
{
	long v;
	int rc = cli_parse_long("bench", opt, text, lo, hi, &v);
	if (rc == 0)
		*out = (int)v;
	return rc;
}

static int parse_option(struct bench_cli *c, int opt, const char *arg)
{
	switch (opt) {
	case 'b': return split_list("--boards", arg, &c->boards);
	case 'w':
		c->o.all_workloads = strcmp(arg, "all") == 0;
		return split_list("--workloads", arg, &c->workloads);
	case 'p': return split_list("--policies", arg, &c->policies);
	case 's': return parse_count("--seeds", arg, 1, 1000, &c->o.seeds);
	case 'r': return parse_count("--runs", arg, 1, 1000, &c->o.runs);
	case 'k': return parse_count("--folds", arg, 2, 100, &c->o.folds);
	case 'j':
		return parse_count("--jobs", arg, 1, ZD_BENCH_MAX_JOBS,
				   &c->o.jobs);
	case 'o': c->o.out_dir = arg; return 0;
	case 'd': c->o.db = arg; return 0;
	case 'P': c->o.platform_dir = arg; return 0;
	case 'W': c->o.workload_dir = arg; return 0;
	case 'S':
		if (strcmp(arg, "cold") && strcmp(arg, "idle") &&
		    strcmp(arg, "sustained") && strcmp(arg, "hot"))
			return cli_usage_error("bench",
					       "--scenario '%s' is not "
					       "cold, idle, sustained or hot",
					       arg);
		c->o.scenario = arg;
		return 0;
	case 'E':
		if (strcmp(arg, "board") && strcmp(arg, "cpu"))
			return cli_usage_error("bench",
					       "--energy '%s' is not "
					       "board or cpu",
					       arg);
		c->o.energy = arg;
		return 0;
	case 'R': c->report_only = true; return 0;
	case 'N': c->no_report = true; return 0;
	case 'q': c->quiet = true; return 0;
	case 'X': c->o.perturb = arg; return 0;
	case 'T': c->o.table_grid = arg; return 0;
	case 'F': c->o.profiles_dir = arg; return 0;
	default: return cli_usage_error("bench", "bad option");
	}
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
	static const struct option options[] = {
	    {"boards", required_argument, NULL, 'b'},
	    {"workloads", required_argument, NULL, 'w'},
	    {"policies", required_argument, NULL, 'p'},
	    {"seeds", required_argument, NULL, 's'},
	    {"runs", required_argument, NULL, 'r'},
	    {"folds", required_argument, NULL, 'k'},
	    {"jobs", required_argument, NULL, 'j'},
	    {"out", required_argument, NULL, 'o'},
	    {"db", required_argument, NULL, 'd'},
	    {"platform-dir", required_argument, NULL, 'P'},
	    {"workload-dir", required_argument, NULL, 'W'},
	    {"profiles", required_argument, NULL, 'F'},
	    {"scenario", required_argument, NULL, 'S'},
	    {"energy", required_argument, NULL, 'E'},
	    {"report-only", no_argument, NULL, 'R'},
	    {"no-report", no_argument, NULL, 'N'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"perturb", required_argument, NULL, 'X'},
	    {"table-grid", required_argument, NULL, 'T'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int opt, rc = 0;
	optind = 1;
	while (rc == 0 &&
	       (opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt == 'h') {
			fputs(bench_usage, stdout);
			return -1;
		}
		rc = parse_option(c, opt, optarg);
	}
	if (rc != 0)
		return rc;
	if (optind < argc)
		return cli_usage_error("bench", "unexpected argument '%s'",
				       argv[optind]);
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
	c->o.policies = c->policies.n ? c->policies.names : NULL;
	c->o.npolicies = c->policies.n;
	return join_command(c, argc, argv);
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
