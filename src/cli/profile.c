/* profile.c - `zdvfs profile`: the profiling sweep of a board into the
 * sample store (src/eval/sweep.c), with progress, interruption and
 * resumption, optional worker processes, and a summary of the store. */
#include <errno.h>
#include <math.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "eval/pool.h"
#include "run.h"
#include "zdvfs/board.h"
#include "zdvfs/fault.h"
#include "zdvfs/paths.h"
#include "zdvfs/runner.h"
#include "zdvfs/store.h"
#include "zdvfs/sweep.h"

static const char profile_usage[] =
    "usage: zdvfs profile --board NAME [--workloads LIST|all]\n"
    "                     [--grid coarse|full|N] [--temps LIST] [--db FILE]\n"
    "                     [--seed S] [--noise R] [--backend sim] [--jobs N]\n"
    "                     [--quiet]\n"
    "       zdvfs profile --backend linux --board NAME [--workloads LIST|all]\n"
    "                     [--grid G] [--db FILE] [--sysfs-root DIR]\n"
    "                     [--workload-bin-dir DIR] [--size S] [--cool-to C]\n"
    "                     [--cool-timeout S] [--quiet]\n"
    "       zdvfs profile --summary [--board NAME] [--db FILE]\n\n"
    "Runs every workload on a simulated board under every decision of a grid\n"
    "over the board's actions (cores per cluster x frequency level per\n"
    "cluster), from each starting temperature, and stores one run per point\n"
    "in the sample store (docs/profiling.md). Points already stored are\n"
    "skipped: an interrupted sweep (Ctrl-C, kill) keeps what it committed,\n"
    "and rerunning the same command continues it with the same numbers.\n\n"
    "  --board NAME      jetson-tx2, jetson-orin-nx, rubik-pi, core-i7\n"
    "  --workloads LIST  comma-separated names (`zdvfs workloads`), or all\n"
    "                    (default)\n"
    "  --grid G          coarse (default): every core count, 5 evenly spaced\n"
    "                    levels per cluster (always the lowest and the top);\n"
    "                    full: every level; N: N evenly spaced levels "
    "(2..32).\n"
    "                    All cores at the top and at the lowest level are\n"
    "                    always in\n"
    "  --temps LIST      starting temperatures of the zones that hold CPUs:\n"
    "                    ambient (the board's), mid (halfway from ambient to\n"
    "                    the lowest passive trip of those zones) or °C, like\n"
    "                    25,45,60 (default ambient,mid)\n"
    "  --db FILE         the sample store (default: $ZDVFS_DATA_DIR/zdvfs.db,\n"
    "                    $XDG_DATA_HOME/zdvfs/zdvfs.db, "
    "~/.local/share/zdvfs/)\n"
    "  --seed S          seed of the measurement noise (default 1); each "
    "run's\n"
    "                    seed derives from it, the board, workload and point\n"
    "  --noise R         relative noise on time and power (default 0)\n"
    "  --backend B       sim (default): the simulator; linux: this machine,\n"
    "                    which must be the board (see below)\n"
    "  --jobs N          N worker processes, each sweeping other workloads\n"
    "                    (default 1)\n"
    "  --quiet           print nothing but errors\n"
    "  --summary         list the store: runs per board and program\n"
    "  --platform-dir DIR, --workload-dir DIR  where boards and workloads "
    "are\n\n"
    "With --backend linux each workload's binary runs once per decision of "
    "the\n"
    "grid on this machine, applied and measured as `zdvfs run` does and put\n"
    "back after each run, from whatever temperature the board is at (keys\n"
    "a=ACTION;t=asis; --temps is refused). It needs cpufreq and an energy\n"
    "sensor of the board here.\n"
    "  --sysfs-root DIR  sysfs/procfs root (default: $ZDVFS_SYSFS_ROOT or /)\n"
    "  --workload-bin-dir DIR  the workload binaries, DIR/NAME (default: the\n"
    "                    build's workloads directory)\n"
    "  --size S          tiny, small, standard (default) or N: the size each\n"
    "                    binary is given\n"
    "  --cool-to C       before each run wait until the hottest CPU zone is "
    "at\n"
    "                    or below C °C\n"
    "  --cool-timeout S  give up waiting after S seconds (default 120)\n\n"
    "Progress goes to stderr: one updating line on a terminal, else a line\n"
    "per workload. Exit status 130 (143 on SIGTERM) when interrupted.\n";

#define MAX_WORKLOADS 256
#define MAX_JOBS 64

struct profile_opts {
	const char *board, *db, *platform_dir, *workload_dir;
	bool real; /* --backend linux */
	const char *root, *bin_dir, *size;
	double cool_to_c; /* NAN: do not wait */
	double cool_timeout_s;
	char *workloads_text;
	const char *workloads[MAX_WORKLOADS];
	int nworkloads; /* 0: all */
	int levels, jobs;
	struct zd_sweep_temp temps[ZD_SWEEP_MAX_TEMPS];
	int ntemps;
	uint64_t seed;
	double noise;
	bool quiet, summary;
};

static int split_workloads(struct profile_opts *o, const char *text)
{
	free(o->workloads_text);
	o->workloads_text = NULL;
	o->nworkloads = 0;
	if (strcmp(text, "all") == 0)
		return 0;
	o->workloads_text = strdup(text);
	if (o->workloads_text == NULL) {
		fprintf(stderr, "zdvfs profile: out of memory\n");
		return 1;
	}
	char *save = NULL;
	for (char *w = strtok_r(o->workloads_text, ",", &save); w;
	     w = strtok_r(NULL, ",", &save)) {
		if (o->nworkloads == MAX_WORKLOADS)
			return cli_usage_error("profile",
					       "--workloads: at most "
					       "%d names",
					       MAX_WORKLOADS);
		o->workloads[o->nworkloads++] = w;
	}
	if (o->nworkloads == 0)
		return cli_usage_error("profile",
				       "--workloads '%s' names no "
				       "workload",
				       text);
	return 0;
}

/* tiny, small, standard or a positive number, as the workloads take. */
static int parse_size(struct profile_opts *o, const char *arg)
{
	char *end = NULL;
	errno = 0;
	long n = strtol(arg, &end, 10);
	bool number = errno == 0 && end != arg && *end == '\0' && n > 0;
	if (!number && strcmp(arg, "tiny") != 0 && strcmp(arg, "small") != 0 &&
	    strcmp(arg, "standard") != 0)
		return cli_usage_error("profile",
				       "--size '%s' is not tiny, "
				       "small, standard or a positive number",
				       arg);
	o->size = arg;
	return 0;
}

static int parse_celsius(const char *opt, const char *arg, double lo, double hi,
			 double *out)
{
	char *end = NULL;
	double v = strtod(arg, &end);
	if (end == arg || *end != '\0' || !(v >= lo && v <= hi))
		return cli_usage_error("profile",
				       "%s '%s' is not a number in "
				       "%g..%g",
				       opt, arg, lo, hi);
	*out = v;
	return 0;
}

/* An option the sweep library parses: its error is a usage error. */
static int library_usage(int rc, const struct zd_err *err)
{
	return rc == 0 ? 0 : cli_usage_error("profile", "%s", err->msg);
}

static int parse_option(struct profile_opts *o, int c, const char *arg)
{
	struct zd_err err = {0};
	long v;
	char *end;
	int rc = 0;
	switch (c) {
	case 'b': o->board = arg; break;
	case 'd': o->db = arg; break;
	case 'P': o->platform_dir = arg; break;
	case 'W': o->workload_dir = arg; break;
	case 'q': o->quiet = true; break;
	case 'S': o->summary = true; break;
	case 'w': return split_workloads(o, arg);
	case 'g':
		rc = zd_sweep_parse_grid(arg, &o->levels, &err);
		return library_usage(rc, &err);
	case 't':
		rc = zd_sweep_parse_temps(arg, o->temps, &o->ntemps, &err);
		return library_usage(rc, &err);
	case 's': rc = cli_parse_seed("profile", arg, &o->seed); return rc;
	case 'j':
		if ((rc = cli_parse_long("profile", "--jobs", arg, 1, MAX_JOBS,
					 &v)) == 0)
			o->jobs = (int)v;
		return rc;
	case 'z':
		o->noise = strtod(arg, &end);
		if (end == arg || *end != '\0' ||
		    !(o->noise >= 0 && o->noise <= 0.5))
			return cli_usage_error(
			    "profile", "--noise '%s' is not 0..0.5", arg);
		return 0;
	case 'B':
		if (strcmp(arg, "sim") != 0 && strcmp(arg, "linux") != 0)
			return cli_usage_error("profile",
					       "--backend '%s' is not sim "
					       "or linux",
					       arg);
		o->real = strcmp(arg, "linux") == 0;
		return 0;
	case 'r': o->root = arg; break;
	case 'X': o->bin_dir = arg; break;
	case 'Z': return parse_size(o, arg);
	case 'c':
		return parse_celsius("--cool-to", arg, -20, 125, &o->cool_to_c);
	case 'T':
		return parse_celsius("--cool-timeout", arg, 0, 86400,
				     &o->cool_timeout_s);
	default: return cli_usage_error("profile", "bad option");
	}
	return 0;
}

/* What a real board cannot do: set starting temperatures, or run two
 * workloads at once without each spoiling the other's measurement. */
static int check_real_opts(const struct profile_opts *o)
{
	if (o->ntemps > 0)
		return cli_usage_error(
		    "profile",
		    "--temps: starting temperatures "
		    "cannot be set on a real board (--backend "
		    "linux); --cool-to C waits for the board "
		    "to cool instead");
	if (o->jobs > 1)
		return cli_usage_error("profile",
				       "--jobs: runs on a real board "
				       "(--backend linux) go one at a time");
	return 0;
}

static int parse_profile_opts(int argc, char **argv, struct profile_opts *o)
{
	static const struct option options[] = {
	    {"board", required_argument, NULL, 'b'},
	    {"workloads", required_argument, NULL, 'w'},
	    {"grid", required_argument, NULL, 'g'},
	    {"temps", required_argument, NULL, 't'},
	    {"db", required_argument, NULL, 'd'},
	    {"seed", required_argument, NULL, 's'},
	    {"noise", required_argument, NULL, 'z'},
	    {"backend", required_argument, NULL, 'B'},
	    {"jobs", required_argument, NULL, 'j'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"summary", no_argument, NULL, 'S'},
	    {"platform-dir", required_argument, NULL, 'P'},
	    {"workload-dir", required_argument, NULL, 'W'},
	    {"sysfs-root", required_argument, NULL, 'r'},
	    {"workload-bin-dir", required_argument, NULL, 'X'},
	    {"size", required_argument, NULL, 'Z'},
	    {"cool-to", required_argument, NULL, 'c'},
	    {"cool-timeout", required_argument, NULL, 'T'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	o->levels = ZD_SWEEP_COARSE_LEVELS;
	o->jobs = 1;
	o->seed = 1;
	o->size = "standard";
	o->cool_to_c = NAN;
	o->cool_timeout_s = 120;
	int c, rc = 0;
	optind = 1;
	while (rc == 0 &&
	       (c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (c == 'h') {
			fputs(profile_usage, stdout);
			return -1;
		}
		rc = parse_option(o, c, optarg);
	}
	if (rc != 0)
		return rc;
	if (optind < argc)
		return cli_usage_error("profile", "unexpected argument '%s'",
				       argv[optind]);
	if (!o->summary && o->board == NULL)
		return cli_usage_error("profile", "--board is required");
	return o->real ? check_real_opts(o) : 0;
}

/* ---- progress ------------------------------------------------------------ */

/* What a worker tells the parent (a pool message). */
struct worker_report {
	bool final; /* the worker's last word: its counts */
	bool workload_done;
	char workload[64];
	long done; /* points the worker has passed */
	struct zd_sweep_stats stats;
};

struct progress {
	bool quiet, tty;
	bool real; /* --backend linux: zd_signals own the signals */
	double start, last_draw;
	long done, total; /* the latest report's */
	/* ZDVFS_FAULT_SIGINT_AFTER=N: interrupt the sweep after N runs as
	 * Ctrl-C would, so tests stop it at a known point */
	long fault_after;
	struct zd_pool_worker *worker; /* in a worker: its pipe; else NULL */
};

/* One updating line on a terminal, else a line per workload done. */
static void draw(struct progress *pr, const struct zd_sweep_progress *p)
{
	double now = zd_monotonic_s();
	long made = p->done - p->stats->skipped;
	if (pr->quiet)
		return;
	if (pr->tty && (p->workload_done || now - pr->last_draw >= 0.1)) {
		char left[32] = "?";
		if (made > 0)
			snprintf(left, sizeof(left), "%.0f s",
				 (now - pr->start) / (double)made *
				     (double)(p->total - p->done));
		fprintf(stderr, "\r%s %s %ld/%ld runs, %s left\033[K", p->board,
			p->workload, p->done, p->total, left);
		pr->last_draw = now;
	} else if (!pr->tty && p->workload_done) {
		fprintf(stderr, "%s %s done: %ld/%ld points, %.1f s\n",
			p->board, p->workload, p->done, p->total,
			now - pr->start);
	}
}

static void send_report(struct progress *pr, const struct worker_report *r)
{
	/* the parent is gone: nobody would see the rest, stop as if told */
	if (zd_pool_send(pr->worker, r, sizeof(*r)) != 0 && !cli_stop_signal)
		cli_stop_signal = SIGPIPE;
}

static void on_progress(void *ctx, const struct zd_sweep_progress *p)
{
	struct progress *pr = ctx;
	pr->done = p->done;
	pr->total = p->total;
	if (pr->fault_after > 0 &&
	    p->done - p->stats->skipped >= pr->fault_after) {
		pr->fault_after = 0;
		/* a worker tells the parent, which passes it on to all */
		kill(pr->worker ? getppid() : getpid(), SIGINT);
	}
	/* on a real board the launcher's handlers caught it: stop the sweep */
	if (pr->real && !cli_stop_signal)
		cli_stop_signal = zd_signals_pending();
	if (pr->worker == NULL) {
		draw(pr, p);
		return;
	}
	double now = zd_monotonic_s();
	if (!p->workload_done && now - pr->last_draw < 0.1)
		return;
	pr->last_draw = now;
	struct worker_report r = {.workload_done = p->workload_done,
				  .done = p->done,
				  .stats = *p->stats};
	snprintf(r.workload, sizeof(r.workload), "%s", p->workload);
	send_report(pr, &r);
}

/* ---- sweeping ------------------------------------------------------------ */

/* Sweep workloads i with i % jobs == job into the store. */
static int sweep_share(struct zd_sweep *sw, const char *db, int job, int jobs,
		       struct zd_sweep_stats *stats, struct zd_err *err)
{
	struct zd_store *st = NULL;
	int rc = zd_store_open(db, &st, err);
	for (int i = job; rc == 0 && i < zd_sweep_nworkloads(sw); i += jobs)
		rc = cli_stop_signal ? ZD_SWEEP_INTERRUPTED
				     : zd_sweep_workload(sw, st, i, stats, err);
	zd_store_close(st);
	return rc;
}

static int sweep_status(int rc, const struct zd_err *err)
{
	if (rc == ZD_SWEEP_INTERRUPTED)
		return cli_interrupted_status();
	return rc == 0 ? 0 : cli_error("profile", err);
}

/* Create the store and put the board before any worker starts, so that
 * workers never race to create the schema. */
static int prepare_store(struct zd_sweep *sw, const char *db)
{
	struct zd_err err = {0};
	struct zd_store *st = NULL;
	int rc = zd_store_open(db, &st, &err);
	if (rc == 0)
		rc = zd_sweep_put_board(sw, st, &err);
	zd_store_close(st);
	return rc == 0 ? 0 : cli_error("profile", &err);
}

/* ---- worker processes (--jobs) ------------------------------------------ */

/* The pool's context: in a worker, its store and counts; in the parent,
 * each worker's latest report. */
struct sweep_pool {
	struct zd_sweep *sw;
	struct progress *pr;
	const char *db;
	struct zd_store *st;
	struct zd_sweep_stats stats;
	int jobs;
	struct worker_report last[MAX_JOBS];
};

static int worker_begin(void *ctx, struct zd_pool_worker *w, int worker,
			struct zd_err *err)
{
	struct sweep_pool *c = ctx;
	(void)worker;
	c->pr->worker = w;
	return zd_store_open(c->db, &c->st, err);
}

/* Job i: workload i of the sweep. */
static int sweep_job(void *ctx, struct zd_pool_worker *w, int i,
		     struct zd_err *err)
{
	struct sweep_pool *c = ctx;
	(void)w;
	return zd_sweep_workload(c->sw, c->st, i, &c->stats, err);
}

static int worker_end(void *ctx, struct zd_pool_worker *w, int worker, int rc,
		      struct zd_err *err)
{
	struct sweep_pool *c = ctx;
	(void)w;
	(void)worker;
	(void)err;
	struct worker_report r = {.final = true, .stats = c->stats};
	send_report(c->pr, &r);
	zd_store_close(c->st);
	return rc;
}

static void workload_name(void *ctx, int i, char *buf, size_t len)
{
	struct sweep_pool *c = ctx;
	snprintf(buf, len, "workload %s", zd_sweep_workload_name(c->sw, i));
}

/* The sum of the workers' latest counts. */
static void total_stats(const struct sweep_pool *c, struct zd_sweep_stats *sum,
			long *done)
{
	memset(sum, 0, sizeof(*sum));
	*done = 0;
	for (int j = 0; j < c->jobs; j++) {
		sum->added += c->last[j].stats.added;
		sum->skipped += c->last[j].stats.skipped;
		sum->workloads_done += c->last[j].stats.workloads_done;
		*done += c->last[j].done;
	}
}

static void on_report(void *ctx, int worker, const void *msg, size_t len)
{
	struct sweep_pool *c = ctx;
	struct worker_report r;
	if (len != sizeof(r) || worker >= MAX_JOBS)
		return;
	memcpy(&r, msg, sizeof(r));
	long done_before = c->last[worker].done;
	c->last[worker] = r;
	if (r.final) {
		c->last[worker].done = done_before;
		return;
	}
	struct zd_sweep_stats sum;
	struct zd_sweep_progress p = {.board = zd_sweep_board_name(c->sw),
				      .workload = r.workload,
				      .total =
					  zd_sweep_points_per_workload(c->sw) *
					  zd_sweep_nworkloads(c->sw),
				      .stats = &sum,
				      .workload_done = r.workload_done};
	total_stats(c, &sum, &p.done);
	draw(c->pr, &p);
}

/* The workloads in `jobs` worker processes (src/eval/pool.c). */
static int sweep_with_workers(struct zd_sweep *sw, struct progress *pr,
			      const char *db, int jobs,
			      struct zd_sweep_stats *stats)
{
	struct sweep_pool c = {.sw = sw, .pr = pr, .db = db, .jobs = jobs};
	struct zd_pool pool = {
	    .njobs = zd_sweep_nworkloads(sw),
	    .nworkers = jobs,
	    .ctx = &c,
	    .begin = worker_begin,
	    .end = worker_end,
	    .run = sweep_job,
	    .on_message = on_report,
	    .job_name = workload_name,
	    .stopped_rc = ZD_SWEEP_INTERRUPTED,
	    .stop = &cli_stop_signal,
	};
	struct zd_err err = {0};
	long done;
	int rc = zd_pool_run(&pool, NULL, &err);
	total_stats(&c, stats, &done);
	return sweep_status(rc, &err);
}

/* ---- the command ----------------------------------------------------------- */

static void init_progress(const struct profile_opts *o, struct progress *pr)
{
	memset(pr, 0, sizeof(*pr));
	pr->quiet = o->quiet;
	pr->tty = isatty(STDERR_FILENO);
	pr->start = zd_monotonic_s();
	pr->fault_after = zd_fault_arg(ZD_FAULT_SIGINT_AFTER);
}

static void sweep_opts(const struct profile_opts *o, struct progress *pr,
		       struct zd_sweep_opts *so)
{
	memset(so, 0, sizeof(*so));
	so->board = o->board;
	so->workloads = o->nworkloads ? o->workloads : NULL;
	so->nworkloads = o->nworkloads;
	so->levels = o->levels;
	memcpy(so->temps, o->temps, sizeof(so->temps));
	so->ntemps = o->ntemps;
	so->seed = o->seed;
	so->noise = o->noise;
	so->platform_dir = o->platform_dir;
	so->workload_dir = o->workload_dir;
	so->stop = &cli_stop_signal;
	so->progress = on_progress;
	so->progress_ctx = pr;
}

static int run_sweep(const struct profile_opts *o, struct zd_sweep *sw,
		     struct progress *pr, const char *db)
{
	struct zd_err err = {0};
	struct zd_sweep_stats stats = {0};
	struct sigaction old[CLI_NSTOP_SIGNALS];
	int jobs = o->jobs < zd_sweep_nworkloads(sw) ? o->jobs
						     : zd_sweep_nworkloads(sw);
	int status = prepare_store(sw, db);
	if (status != 0)
		return status;
	/* on a real board zd_signals_install's handlers stay: they restore */
	if (!o->real)
		cli_catch_stop_signals(old);
	if (jobs > 1)
		status = sweep_with_workers(sw, pr, db, jobs, &stats);
	else
		status =
		    sweep_status(sweep_share(sw, db, 0, 1, &stats, &err), &err);
	if (!o->real)
		cli_restore_stop_signals(old);
	if (pr->tty && !pr->quiet)
		fputc('\n', stderr);
	if (status > 128) {
		fprintf(stderr,
			"zdvfs profile: interrupted: %ld runs stored, "
			"rerun the same command to resume\n",
			stats.added);
		return status;
	}
	if (status == 0 && !o->quiet)
		printf(
		    "%s: %ld runs added, %ld skipped (already stored), %d of "
		    "%d workloads, %.1f s; store %s\n",
		    zd_sweep_board_name(sw), stats.added, stats.skipped,
		    stats.workloads_done, zd_sweep_nworkloads(sw),
		    zd_monotonic_s() - pr->start, db);
	return status;
}

/* ---- a real board (--backend linux) ------------------------------------ */

struct real_board {
	const struct profile_opts *o;
	const struct progress *pr;
	struct zd_platform *p;
	struct zd_board *board;
	struct zd_board_map map;
	struct zd_action_space space;
	const char *bin_dir;
};

/* Refuse a machine the sweep could not measure, naming what it lacks. */
static int check_measurable(const struct real_board *rb, struct zd_err *err)
{
	const struct zd_platform_info *info = &rb->p->info;
	const char *root =
	    rb->o->root ? rb->o->root : getenv("ZDVFS_SYSFS_ROOT");
	char missing[256] = "";
	if (info->ndomains == 0)
		snprintf(missing, sizeof(missing),
			 "no cpufreq, so frequencies "
			 "cannot be set");
	if (info->nenergy == 0 || rb->map.energy < 0) {
		size_t used = strlen(missing);
		snprintf(missing + used, sizeof(missing) - used, "%s%s",
			 used ? "; " : "",
			 info->nenergy == 0
			     ? "no energy sensor (RAPL, INA3221)"
			     : "none of the board's energy rails");
	}
	if (missing[0] == '\0')
		return 0;
	return zd_bad_input(err,
			    "--backend linux: cannot profile %s on this "
			    "machine (sysfs root %s): %s",
			    rb->board->name, root && root[0] ? root : "/",
			    missing);
}

static int open_real_board(struct real_board *rb, struct zd_err *err)
{
	const struct profile_opts *o = rb->o;
	int rc = zd_platform_open("linux", o->root, &rb->p, err);
	if (rc == 0)
		rc = zd_board_load(o->board, o->platform_dir, &rb->board, err);
	if (rc == 0)
		rc = zd_board_map_init(&rb->map, rb->board, &rb->p->info, err);
	if (rc == 0)
		rc = zd_action_space_init(&rb->space, rb->board, err);
	if (rc == 0)
		rc = check_measurable(rb, err);
	return rc;
}

static void binary_path(const struct real_board *rb, const char *workload,
			char *out, size_t len)
{
	snprintf(out, len, "%s/%s", rb->bin_dir, workload);
}

/* Every workload's binary before the first run, not hours into it. */
static int check_binaries(const struct real_board *rb,
			  const struct zd_sweep *sw, struct zd_err *err)
{
	for (int i = 0; i < zd_sweep_nworkloads(sw); i++) {
		char path[4096];
		binary_path(rb, zd_sweep_workload_name(sw, i), path,
			    sizeof(path));
		if (access(path, X_OK) != 0)
			return zd_bad_input(err,
					    "no workload binary %s (%s): "
					    "build the workloads or give "
					    "--workload-bin-dir DIR",
					    path, strerror(errno));
	}
	return 0;
}

/* The hottest zone of the board that holds CPUs; -1 if none reads. */
static int hottest_cpu_zone_mc(struct real_board *rb, int *hottest)
{
	int rc = -1;
	for (int z = 0; z < rb->board->nzones; z++) {
		struct zd_err ignored = {0};
		int mc, zone = rb->map.zone[z];
		if (rb->board->zones[z].nclusters == 0 || zone < 0 ||
		    zd_platform_read_temp(rb->p, zone, &mc, &ignored) != 0)
			continue;
		if (rc != 0 || mc > *hottest)
			*hottest = mc;
		rc = 0;
	}
	return rc;
}

/* --cool-to: poll until the board is cool enough, a signal or the
 * timeout; starting temperatures cannot be set on a real board. */
static int cool_down(struct real_board *rb, struct zd_err *err)
{
	double limit_c = rb->o->cool_to_c, start = zd_monotonic_s();
	if (isnan(limit_c))
		return 0;
	for (;;) {
		int mc = 0;
		if (hottest_cpu_zone_mc(rb, &mc) != 0)
			return zd_fail(err, ENODATA,
				       "--cool-to: no CPU zone of %s "
				       "can be read here",
				       rb->board->name);
		if (mc <= lround(limit_c * 1000.0) || zd_signals_pending())
			return 0;
		if (zd_monotonic_s() - start >= rb->o->cool_timeout_s)
			return zd_fail(
			    err, ETIMEDOUT,
			    "--cool-to %g: the hottest "
			    "CPU zone is still at %.1f °C after %g s "
			    "(--cool-timeout)",
			    limit_c, mc / 1000.0, rb->o->cool_timeout_s);
		struct timespec nap = {0, 250 * 1000 * 1000};
		nanosleep(&nap, NULL);
	}
}

/* The sweep's measure: one point run for real (run.c's machinery). */
static int real_measure(void *ctx, const char *workload,
			const struct zd_action *a, struct zd_run_record *r,
			struct zd_err *err)
{
	struct real_board *rb = ctx;
	char path[4096], action[128] = "?";
	char *argv[] = {path, (char *)rb->o->size, NULL};
	struct run_real_target t = {.p = rb->p,
				    .board = rb->board,
				    .map = &rb->map,
				    .space = &rb->space,
				    .argv = argv,
				    .interval_ms = 100,
				    .sweeper = "profile"};
	struct zd_decision d;
	struct zd_outcome out;
	int start_mc[ZD_MAX_ZONES] = {0};
	binary_path(rb, workload, path, sizeof(path));
	zd_action_decision(&rb->space, a, NULL, 0, &d);
	int rc = cool_down(rb, err);
	if (rc == 0 && !zd_signals_pending())
		rc = run_measure_real(&t, &d, start_mc, &out, err);
	if (zd_signals_pending()) {
		/* the run (if any) was cut short: it is no measurement */
		cli_stop_signal = zd_signals_pending();
		return ZD_SWEEP_INTERRUPTED;
	}
	if (rc != 0)
		return rc;
	r->action = *a;
	r->nclusters = rb->space.nclusters;
	zd_cpuset_format(&d.cpus, r->cpus, sizeof(r->cpus));
	run_outcome_record(r, start_mc, &out);
	zd_action_format(&rb->space, a, action, sizeof(action));
	if (!rb->o->quiet)
		fprintf(stderr,
			"zdvfs profile: %ld/%ld %s %s: makespan %.3f s, "
			"energy %.3f J, hottest %.1f °C\n",
			rb->pr->done + 1, rb->pr->total, workload, action,
			out.makespan_s, out.energy_j, out.hottest_c);
	return 0;
}

static int profile_real(const struct profile_opts *o, struct zd_sweep_opts *so,
			struct progress *pr, const char *db)
{
	struct zd_err err = {0};
	struct real_board rb = {.o = o, .pr = pr};
	struct zd_sweep *sw = NULL;
	char built[4096];
	snprintf(built, sizeof(built), "%s/workloads", zd_build_dir());
	rb.bin_dir = o->bin_dir ? o->bin_dir
	    : zd_build_dir()[0] ? built
				: "workloads";
	pr->real = true;
	so->measure = real_measure;
	so->measure_ctx = &rb;
	so->backend = "linux";
	so->batch = 1; /* a real run is worth its own commit */
	int rc = zd_signals_install(&err);
	if (rc == 0)
		rc = open_real_board(&rb, &err);
	if (rc == 0)
		rc = zd_sweep_new(so, &sw, &err);
	if (rc == 0)
		rc = check_binaries(&rb, sw, &err);
	int status = rc == 0 ? 0 : cli_error("profile", &err);
	if (status == 0) {
		long n = zd_sweep_points_per_workload(sw);
		int w = zd_sweep_nworkloads(sw);
		pr->total =
		    n * w; /* for the first run's line, before any report */
		if (!o->quiet)
			fprintf(
			    stderr,
			    "zdvfs profile: %s on this machine: %ld "
			    "decisions x %d workloads = %ld runs at size %s, "
			    "one at a time\n",
			    rb.board->name, n, w, n * w, o->size);
		status = run_sweep(o, sw, pr, db);
	}
	zd_sweep_free(sw);
	zd_platform_close(rb.p); /* restores if anything is still changed */
	zd_board_free(rb.board);
	return status;
}

static int profile(const struct profile_opts *o)
{
	struct zd_err err = {0};
	struct zd_sweep_opts so;
	struct progress pr;
	struct zd_sweep *sw = NULL;
	char db[4096];
	if (o->db)
		snprintf(db, sizeof(db), "%s", o->db);
	else if (zd_store_default_path(db, sizeof(db), &err) != 0)
		return cli_error("profile", &err);
	init_progress(o, &pr);
	sweep_opts(o, &pr, &so);
	if (o->real)
		return profile_real(o, &so, &pr, db);
	if (zd_sweep_new(&so, &sw, &err) != 0)
		return cli_error("profile", &err);
	int rc = run_sweep(o, sw, &pr, db);
	zd_sweep_free(sw);
	return rc;
}

/* ---- --summary ---------------------------------------------------------------- */

static int count_runs(struct zd_store *st, const char *board,
		      const char *program, const char *policy, long *n,
		      struct zd_err *err)
{
	struct zd_run_query q = {
	    .board = board, .program = program, .policy = policy};
	return zd_store_count_runs(st, &q, n, err);
}

static int summarize_board(struct zd_store *st, const char *board, long *total,
			   int *rows, struct zd_err *err)
{
	struct zd_run_query q = {.board = board};
	char **programs = NULL;
	int n = 0;
	int rc = zd_store_programs(st, &q, &programs, &n, err);
	for (int i = 0; rc == 0 && i < n; i++) {
		long all = 0, sweep = 0;
		rc = count_runs(st, board, programs[i], NULL, &all, err);
		if (rc == 0)
			rc = count_runs(st, board, programs[i], "sweep", &sweep,
					err);
		if (rc != 0)
			break;
		if (*rows == 0)
			printf("%-16s %-16s %8s %8s\n", "BOARD", "PROGRAM",
			       "RUNS", "SWEEP");
		printf("%-16s %-16s %8ld %8ld\n", board, programs[i], all,
		       sweep);
		*total += all;
		(*rows)++;
	}
	zd_store_names_free(programs, n);
	return rc;
}

/* Runs per board and program, for the boards of the platform directory
 * (or the one --board names). */
static int summary(const struct profile_opts *o)
{
	struct zd_err err = {0};
	struct zd_store *st = NULL;
	char **boards = NULL;
	int nboards = 0, rows = 0;
	long total = 0;
	if (o->db && access(o->db, F_OK) != 0) {
		fprintf(stderr, "zdvfs profile: no store at %s: %s\n", o->db,
			strerror(errno));
		return 1;
	}
	int rc = o->board
	    ? 0
	    : zd_board_list(o->platform_dir, &boards, &nboards, &err);
	if (rc == 0)
		rc = zd_store_open(o->db, &st, &err);
	if (rc == 0 && o->board)
		rc = summarize_board(st, o->board, &total, &rows, &err);
	for (int b = 0; rc == 0 && b < nboards; b++)
		rc = summarize_board(st, boards[b], &total, &rows, &err);
	if (rc == 0)
		printf("%ld runs of %d board x program pairs in %s\n", total,
		       rows, zd_store_path(st));
	zd_store_close(st);
	zd_board_names_free(boards, nboards);
	return rc == 0 ? 0 : cli_error("profile", &err);
}

int cmd_profile(int argc, char **argv)
{
	struct profile_opts o;
	memset(&o, 0, sizeof(o));
	int rc = parse_profile_opts(argc, argv, &o);
	if (rc == 0)
		rc = o.summary ? summary(&o) : profile(&o);
	else if (rc < 0)
		rc = 0;
	free(o.workloads_text);
	return rc;
}
