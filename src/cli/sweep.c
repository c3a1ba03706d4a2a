/* sweep.c - `zdvfs sweep`: the profiling sweep of a board into the
 * sample store (src/eval/sweep.c), with progress, interruption and
 * resumption, optional worker processes, and a summary of the store. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "eval/pool.h"
#include "options.h"
#include "run.h"
#include "zdvfs/board.h"
#include "zdvfs/fault.h"
#include "zdvfs/paths.h"
#include "zdvfs/runner.h"
#include "zdvfs/store.h"
#include "zdvfs/sweep.h"

static const char *const sweep_usage[] = {
    "zdvfs sweep --board NAME [--workloads LIST|all]\n"
    "                     [--grid coarse|full|N] [--temps LIST] [--db FILE]\n"
    "                     [--seed S] [--noise R] [--backend sim] [--jobs N]\n"
    "                     [--quiet]",
    "zdvfs sweep --backend linux --board NAME [--workloads LIST|all]\n"
    "                     [--grid G] [--db FILE] [--sysfs-root DIR]\n"
    "                     [--workload-bin-dir DIR] [--size S] [--cool-to C]\n"
    "                     [--cool-timeout S] [--quiet]",
    "zdvfs sweep --summary [--board NAME] [--db FILE]", NULL};

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
		fprintf(stderr, "zdvfs sweep: out of memory\n");
		return 1;
	}
	char *save = NULL;
	for (char *w = strtok_r(o->workloads_text, ",", &save); w;
	     w = strtok_r(NULL, ",", &save)) {
		if (o->nworkloads == MAX_WORKLOADS)
			return cli_usage_error("sweep",
					       "--workloads: at most "
					       "%d names",
					       MAX_WORKLOADS);
		o->workloads[o->nworkloads++] = w;
	}
	if (o->nworkloads == 0)
		return cli_usage_error("sweep",
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
		return cli_usage_error("sweep",
				       "--size '%s' is not tiny, "
				       "small, standard or a positive number",
				       arg);
	o->size = arg;
	return 0;
}

/* An option the sweep library parses: its error is a usage error. */
static int library_usage(const char *cmd, int rc, const struct zd_err *err)
{
	return rc == 0 ? 0 : cli_usage_error(cmd, "%s", err->msg);
}

static int on_workloads(const struct cli_option *opt, const char *arg,
			const char *cmd)
{
	(void)cmd;
	return split_workloads(opt->value, arg);
}

static int on_grid(const struct cli_option *opt, const char *arg,
		   const char *cmd)
{
	struct profile_opts *o = opt->value;
	struct zd_err err = {0};
	return library_usage(cmd, zd_sweep_parse_grid(arg, &o->levels, &err),
			     &err);
}

static int on_temps(const struct cli_option *opt, const char *arg,
		    const char *cmd)
{
	struct profile_opts *o = opt->value;
	struct zd_err err = {0};
	return library_usage(
	    cmd, zd_sweep_parse_temps(arg, o->temps, &o->ntemps, &err), &err);
}

static int on_size(const struct cli_option *opt, const char *arg,
		   const char *cmd)
{
	(void)cmd;
	return parse_size(opt->value, arg);
}

/* What a real board cannot do: set starting temperatures, or run two
 * workloads at once without each spoiling the other's measurement. */
static int check_real_opts(const struct profile_opts *o)
{
	if (o->ntemps > 0)
		return cli_usage_error(
		    "sweep",
		    "--temps: starting temperatures "
		    "cannot be set on a real board (--backend "
		    "linux); --cool-to C waits for the board "
		    "to cool instead");
	if (o->jobs > 1)
		return cli_usage_error("sweep",
				       "--jobs: runs on a real board "
				       "(--backend linux) go one at a time");
	return 0;
}

static const char *const backends[] = {"sim", "linux", NULL};

static int parse_profile_opts(int argc, char **argv, struct profile_opts *o)
{
	o->levels = ZD_SWEEP_COARSE_LEVELS;
	o->jobs = 1;
	o->seed = 1;
	o->size = "standard";
	o->cool_to_c = NAN;
	o->cool_timeout_s = 120;
	int backend = 0;
	struct cli_option options[] = {
	    OPT_TEXT("Runs every workload on a simulated board under every "
		     "decision of a grid over the board's actions (cores per "
		     "cluster x frequency level per cluster), from each "
		     "starting temperature, and stores one run per point in "
		     "the sample store (docs/sweep.md). Points already "
		     "stored are skipped: an interrupted sweep (Ctrl-C, kill) "
		     "keeps what it committed, and rerunning the same command "
		     "continues it with the same numbers."),
	    OPT_BOARD(&o->board),
	    OPT_CALLBACK(0, "workloads", o, "LIST", on_workloads,
			 "comma-separated names (`zdvfs workloads`), or all "
			 "(default)"),
	    OPT_CALLBACK(0, "grid", o, "G", on_grid,
			 "coarse (default): every core count, 5 evenly spaced "
			 "levels per cluster (always the lowest and the top); "
			 "full: every level; N: N evenly spaced levels "
			 "(2..32). All cores at the top and at the lowest "
			 "level are always in"),
	    OPT_CALLBACK(0, "temps", o, "LIST", on_temps,
			 "starting temperatures of the zones that hold CPUs: "
			 "ambient (the board's), mid (halfway from ambient to "
			 "the lowest passive trip of those zones) or °C, like "
			 "25,45,60 (default ambient,mid)"),
	    OPT_DB(&o->db),
	    OPT_SEED(&o->seed,
		     "seed of the measurement noise (default 1); each run's "
		     "seed derives from it, the board, workload and point"),
	    OPT_DOUBLE(0, "noise", &o->noise, "R", 0, 0.5,
		       "relative noise on time and power (default 0)"),
	    OPT_CHOICE(0, "backend", &backend, "B", backends,
		       "sim (default): the simulator; linux: this machine, "
		       "which must be the board (see below)"),
	    OPT_INT(0, "jobs", &o->jobs, "N", 1, MAX_JOBS,
		    "N worker processes, each sweeping other workloads "
		    "(default 1)"),
	    OPT_BOOL(0, "quiet", &o->quiet, "print nothing but errors"),
	    OPT_BOOL(0, "summary", &o->summary,
		     "list the store: runs per board and program"),
	    OPT_PLATFORM_DIR(&o->platform_dir),
	    OPT_WORKLOAD_DIR(&o->workload_dir),
	    OPT_TEXT("With --backend linux each workload's binary runs once "
		     "per decision of the grid on this machine, applied and "
		     "measured as `zdvfs run` does and put back after each "
		     "run, from whatever temperature the board is at (keys "
		     "a=ACTION;t=asis; --temps is refused). It needs cpufreq "
		     "and an energy sensor of the board here."),
	    OPT_STRING(0, "sysfs-root", &o->root, "DIR",
		       "sysfs/procfs root (default: $ZDVFS_SYSFS_ROOT or /)"),
	    OPT_STRING(0, "workload-bin-dir", &o->bin_dir, "DIR",
		       "the workload binaries, DIR/NAME (default: the build's "
		       "workloads directory)"),
	    OPT_CALLBACK(0, "size", o, "S", on_size,
			 "tiny, small, standard (default) or N: the size each "
			 "binary is given"),
	    OPT_DOUBLE(0, "cool-to", &o->cool_to_c, "C", -20, 125,
		       "before each run wait until the hottest CPU zone is at "
		       "or below C °C"),
	    OPT_DOUBLE(0, "cool-timeout", &o->cool_timeout_s, "S", 0, 86400,
		       "give up waiting after S seconds (default 120)"),
	    OPT_TEXT("Progress goes to stderr: one updating line on a "
		     "terminal, else a line per workload. Exit status 130 (143 "
		     "on SIGTERM) when interrupted."),
	    OPT_END(),
	};
	int status = 0;
	int n = cli_parse_options("sweep", sweep_usage, options, 0, argc, argv,
				  &status);
	if (n < 0)
		return status ? status : -1;
	o->real = backend == 1;
	if (n > 0)
		return cli_usage_error("sweep", "unexpected argument '%s'",
				       argv[0]);
	if (!o->summary && o->board == NULL)
		return cli_usage_error("sweep", "--board is required");
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
	if (zd_pool_send(pr->worker, r, sizeof(*r)) != 0)
		zd_signals_request(SIGPIPE);
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
		rc = zd_signals_pending()
		    ? ZD_SWEEP_INTERRUPTED
		    : zd_sweep_workload(sw, st, i, stats, err);
	zd_store_close(st);
	return rc;
}

static int sweep_status(int rc, const struct zd_err *err)
{
	if (rc == ZD_SWEEP_INTERRUPTED)
		return zd_signals_status();
	return rc == 0 ? 0 : cli_error("sweep", err);
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
	return rc == 0 ? 0 : cli_error("sweep", &err);
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
	    .stop = zd_signals_flag(),
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
	so->stop = zd_signals_flag();
	so->progress = on_progress;
	so->progress_ctx = pr;
}

static int run_sweep(const struct profile_opts *o, struct zd_sweep *sw,
		     struct progress *pr, const char *db)
{
	struct zd_err err = {0};
	struct zd_sweep_stats stats = {0};
	int jobs = o->jobs < zd_sweep_nworkloads(sw) ? o->jobs
						     : zd_sweep_nworkloads(sw);
	int status = prepare_store(sw, db);
	if (status != 0)
		return status;
	/* on a real board the handlers stay after the sweep: they restore */
	if (!o->real && zd_signals_install(&err) != 0)
		return cli_error("sweep", &err);
	if (jobs > 1)
		status = sweep_with_workers(sw, pr, db, jobs, &stats);
	else
		status =
		    sweep_status(sweep_share(sw, db, 0, 1, &stats, &err), &err);
	if (!o->real)
		zd_signals_release();
	if (pr->tty && !pr->quiet)
		fputc('\n', stderr);
	if (status > 128) {
		fprintf(stderr,
			"zdvfs sweep: interrupted: %ld runs stored, "
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
				    /* the name runs are stored under since
				     * the command was `zdvfs profile` */
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
			"zdvfs sweep: %ld/%ld %s %s: makespan %.3f s, "
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
	int status = rc == 0 ? 0 : cli_error("sweep", &err);
	if (status == 0) {
		long n = zd_sweep_points_per_workload(sw);
		int w = zd_sweep_nworkloads(sw);
		pr->total =
		    n * w; /* for the first run's line, before any report */
		if (!o->quiet)
			fprintf(
			    stderr,
			    "zdvfs sweep: %s on this machine: %ld "
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
		return cli_error("sweep", &err);
	init_progress(o, &pr);
	sweep_opts(o, &pr, &so);
	if (o->real)
		return profile_real(o, &so, &pr, db);
	if (zd_sweep_new(&so, &sw, &err) != 0)
		return cli_error("sweep", &err);
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
		fprintf(stderr, "zdvfs sweep: no store at %s: %s\n", o->db,
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
	return rc == 0 ? 0 : cli_error("sweep", &err);
}

int cmd_sweep(int argc, char **argv)
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
