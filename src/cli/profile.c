/* profile.c - `zdvfs profile`: the profiling sweep of a board into the
 * sample store (src/profile/sweep.c), with progress, interruption and
 * resumption, optional worker processes, and a summary of the store. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "zdvfs/board.h"
#include "zdvfs/runner.h"
#include "zdvfs/store.h"
#include "zdvfs/sweep.h"

static const char profile_usage[] =
	"usage: zdvfs profile --board NAME [--workloads LIST|all]\n"
	"                     [--grid coarse|full|N] [--temps LIST] [--db FILE]\n"
	"                     [--seed S] [--noise R] [--backend sim] [--jobs N]\n"
	"                     [--quiet]\n"
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
	"                    full: every level; N: N evenly spaced levels (2..32).\n"
	"                    All cores at the top and at the lowest level are\n"
	"                    always in\n"
	"  --temps LIST      starting temperatures of the zones that hold CPUs:\n"
	"                    ambient (the board's), mid (halfway from ambient to\n"
	"                    the lowest passive trip of those zones) or °C, like\n"
	"                    25,45,60 (default ambient,mid)\n"
	"  --db FILE         the sample store (default: $ZDVFS_DATA_DIR/zdvfs.db,\n"
	"                    $XDG_DATA_HOME/zdvfs/zdvfs.db, ~/.local/share/zdvfs/)\n"
	"  --seed S          seed of the measurement noise (default 1); each run's\n"
	"                    seed derives from it, the board, workload and point\n"
	"  --noise R         relative noise on time and power (default 0)\n"
	"  --backend sim     the simulator (the only backend so far)\n"
	"  --jobs N          N worker processes, each sweeping other workloads\n"
	"                    (default 1)\n"
	"  --quiet           print nothing but errors\n"
	"  --summary         list the store: runs per board and program\n"
	"  --platform-dir DIR, --workload-dir DIR  where boards and workloads are\n\n"
	"Progress goes to stderr: one updating line on a terminal, else a line\n"
	"per workload. Exit status 130 (143 on SIGTERM) when interrupted.\n";

#define MAX_WORKLOADS 256
#define MAX_JOBS 64

struct profile_opts {
	const char *board, *db, *platform_dir, *workload_dir;
	char *workloads_text;
	const char *workloads[MAX_WORKLOADS];
	int nworkloads; /* 0: all */
	int levels, jobs;
	struct zd_sweep_temp temps[ZD_SWEEP_MAX_TEMPS];
	int ntemps;
	unsigned long long seed;
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
			return cli_usage_error("profile", "--workloads: at most "
							  "%d names", MAX_WORKLOADS);
		o->workloads[o->nworkloads++] = w;
	}
	if (o->nworkloads == 0)
		return cli_usage_error("profile", "--workloads '%s' names no "
						  "workload", text);
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
	case 's':
		if ((rc = cli_parse_long("profile", "--seed", arg,
					0, 2147483647L, &v)) == 0)
			o->seed = (unsigned long long)v;
		return rc;
	case 'j':
		if ((rc = cli_parse_long("profile", "--jobs", arg,
					1, MAX_JOBS, &v)) == 0)
			o->jobs = (int)v;
		return rc;
	case 'z':
		o->noise = strtod(arg, &end);
		if (end == arg || *end != '\0' || !(o->noise >= 0 && o->noise <= 0.5))
			return cli_usage_error("profile", "--noise '%s' is not 0..0.5",
					       arg);
		return 0;
	case 'B':
		if (strcmp(arg, "linux") == 0)
			return cli_usage_error("profile",
					       "--backend linux: not yet; sweeps of a "
					       "real board will come with `zdvfs run`");
		if (strcmp(arg, "sim") != 0)
			return cli_usage_error("profile", "--backend '%s' is not sim",
					       arg);
		return 0;
	default:
		return cli_usage_error("profile", "bad option");
	}
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
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	o->levels = ZD_SWEEP_COARSE_LEVELS;
	o->jobs = 1;
	o->seed = 1;
	int c, rc = 0;
	optind = 1;
	while (rc == 0 && (c = getopt_long(argc, argv, "", options, NULL)) != -1) {
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
	return 0;
}

/* ---- progress ------------------------------------------------------------ */

/* What a worker tells the parent through its pipe. */
struct worker_report {
	bool final;          /* the worker's last word */
	bool workload_done;
	int status;          /* final: the worker's exit status */
	char workload[64];
	long done;           /* points the worker has passed */
	struct zd_sweep_stats stats;
};

struct progress {
	bool quiet, tty;
	double start, last_draw;
	/* ZDVFS_FAULT_SIGINT_AFTER=N: interrupt the sweep after N runs as
	 * Ctrl-C would, so tests stop it at a known point */
	long fault_after;
	int report_fd;       /* a worker's pipe to the parent; -1 if none */
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
		fprintf(stderr, "%s %s done: %ld/%ld points, %.1f s\n", p->board,
			p->workload, p->done, p->total, now - pr->start);
	}
}

static void send_report(int fd, const struct worker_report *r)
{
	/* the parent is gone: nobody would see the rest, stop as if told */
	if (write(fd, r, sizeof(*r)) != (ssize_t)sizeof(*r) &&
	    !cli_stop_signal)
		cli_stop_signal = SIGPIPE;
}

static void on_progress(void *ctx, const struct zd_sweep_progress *p)
{
	struct progress *pr = ctx;
	if (pr->fault_after > 0 && p->done - p->stats->skipped >= pr->fault_after) {
		pr->fault_after = 0;
		/* a worker tells the parent, which passes it on to all */
		kill(pr->report_fd >= 0 ? getppid() : getpid(), SIGINT);
	}
	if (pr->report_fd < 0) {
		draw(pr, p);
		return;
	}
	double now = zd_monotonic_s();
	if (!p->workload_done && now - pr->last_draw < 0.1)
		return;
	pr->last_draw = now;
	struct worker_report r = {.workload_done = p->workload_done,
				  .done = p->done, .stats = *p->stats};
	snprintf(r.workload, sizeof(r.workload), "%s", p->workload);
	send_report(pr->report_fd, &r);
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

struct worker {
	pid_t pid;
	int fd;                      /* -1 once its pipe closed */
	struct worker_report last;
};

static void worker_main(struct zd_sweep *sw, struct progress *pr,
			const char *db, int job, int jobs)
{
	struct zd_err err = {0};
	struct zd_sweep_stats stats = {0};
	int rc = sweep_share(sw, db, job, jobs, &stats, &err);
	struct worker_report r = {.final = true, .status = sweep_status(rc, &err),
				  .stats = stats};
	send_report(pr->report_fd, &r);
	_exit(r.status);
}

static int start_workers(struct zd_sweep *sw, struct progress *pr,
			 const char *db, struct worker *w, int jobs)
{
	fflush(NULL);
	for (int j = 0; j < jobs; j++) {
		int fds[2];
		if (pipe(fds) != 0) {
			fprintf(stderr, "zdvfs profile: pipe: %s\n", strerror(errno));
			return -1;
		}
		w[j].pid = fork();
		if (w[j].pid == 0) {
			close(fds[0]);
			for (int k = 0; k < j; k++)
				close(w[k].fd);
			pr->report_fd = fds[1];
			signal(SIGPIPE, SIG_IGN);
			worker_main(sw, pr, db, j, jobs);
		}
		close(fds[1]);
		if (w[j].pid < 0) {
			fprintf(stderr, "zdvfs profile: fork: %s\n", strerror(errno));
			close(fds[0]);
			return -1;
		}
		w[j].fd = fds[0];
	}
	return 0;
}

/* The sum of the workers' latest counts. */
static void total_stats(const struct worker *w, int jobs,
			struct zd_sweep_stats *sum, long *done)
{
	memset(sum, 0, sizeof(*sum));
	*done = 0;
	for (int j = 0; j < jobs; j++) {
		sum->added += w[j].last.stats.added;
		sum->skipped += w[j].last.stats.skipped;
		sum->workloads_done += w[j].last.stats.workloads_done;
		*done += w[j].last.done;
	}
}

static void read_report(struct worker *w, int jobs, int j, struct progress *pr,
			const struct zd_sweep *sw)
{
	struct worker_report r;
	ssize_t n = read(w[j].fd, &r, sizeof(r));
	if (n < 0 && errno == EINTR)
		return;
	if (n != (ssize_t)sizeof(r)) {
		close(w[j].fd);
		w[j].fd = -1;
		return;
	}
	long done_before = w[j].last.done;
	w[j].last = r;
	if (r.final) {
		w[j].last.done = done_before;
		return;
	}
	struct zd_sweep_stats sum;
	struct zd_sweep_progress p = {
		.board = zd_sweep_board_name(sw), .workload = r.workload,
		.total = zd_sweep_points_per_workload(sw) * zd_sweep_nworkloads(sw),
		.stats = &sum, .workload_done = r.workload_done};
	total_stats(w, jobs, &sum, &p.done);
	draw(pr, &p);
}

/* Read reports until every worker's pipe closes, passing a stop signal on. */
static void watch_workers(struct worker *w, int jobs, struct progress *pr,
			  const struct zd_sweep *sw)
{
	bool passed_on = false;
	for (;;) {
		struct pollfd fds[MAX_JOBS];
		int n = 0, who[MAX_JOBS];
		if (cli_stop_signal && !passed_on) {
			for (int j = 0; j < jobs; j++)
				kill(w[j].pid, cli_stop_signal);
			passed_on = true;
		}
		for (int j = 0; j < jobs; j++)
			if (w[j].fd >= 0) {
				fds[n] = (struct pollfd){.fd = w[j].fd, .events = POLLIN};
				who[n++] = j;
			}
		if (n == 0)
			return;
		/* EINTR: a signal to pass on. One that lands just before
		 * poll() is seen at the next report (a running worker
		 * reports every 0.1 s). */
		if (poll(fds, (nfds_t)n, -1) < 0)
			continue;
		for (int i = 0; i < n; i++)
			if (fds[i].revents != 0)
				read_report(w, jobs, who[i], pr, sw);
	}
}

/* The workers' worst status: an interruption (a worker that stopped on a
 * signal exits 128 + it), else a failure. */
static int wait_workers(struct worker *w, int jobs)
{
	int worst = 0;
	for (int j = 0; j < jobs; j++) {
		int status = 0, code = 1;
		while (waitpid(w[j].pid, &status, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(status))
			code = WEXITSTATUS(status);
		else
			fprintf(stderr, "zdvfs profile: worker %d died of signal "
					"%d\n", j + 1, WTERMSIG(status));
		if (code > worst)
			worst = code;
	}
	return worst;
}

static int sweep_with_workers(struct zd_sweep *sw, struct progress *pr,
			      const char *db, int jobs,
			      struct zd_sweep_stats *stats)
{
	struct worker w[MAX_JOBS];
	memset(w, 0, sizeof(w));
	long done;
	if (start_workers(sw, pr, db, w, jobs) != 0) {
		int started = 0;
		for (; started < jobs && w[started].pid > 0; started++) {
			kill(w[started].pid, SIGTERM);
			close(w[started].fd);
		}
		wait_workers(w, started);
		return 1;
	}
	watch_workers(w, jobs, pr, sw);
	int status = wait_workers(w, jobs);
	total_stats(w, jobs, stats, &done);
	return status;
}

/* ---- the command ----------------------------------------------------------- */

static void init_progress(const struct profile_opts *o, struct progress *pr)
{
	memset(pr, 0, sizeof(*pr));
	pr->quiet = o->quiet;
	pr->tty = isatty(STDERR_FILENO);
	pr->start = zd_monotonic_s();
	pr->report_fd = -1;
	const char *fault = getenv("ZDVFS_FAULT_SIGINT_AFTER");
	pr->fault_after = fault ? atol(fault) : 0;
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
	cli_catch_stop_signals(old);
	if (jobs > 1)
		status = sweep_with_workers(sw, pr, db, jobs, &stats);
	else
		status = sweep_status(sweep_share(sw, db, 0, 1, &stats, &err), &err);
	cli_restore_stop_signals(old);
	if (pr->tty && !pr->quiet)
		fputc('\n', stderr);
	if (status > 128) {
		fprintf(stderr, "zdvfs profile: interrupted: %ld runs stored, "
				"rerun the same command to resume\n",
			stats.added);
		return status;
	}
	if (status == 0 && !o->quiet)
		printf("%s: %ld runs added, %ld skipped (already stored), %d of "
		       "%d workloads, %.1f s; store %s\n",
		       zd_sweep_board_name(sw), stats.added, stats.skipped,
		       stats.workloads_done, zd_sweep_nworkloads(sw),
		       zd_monotonic_s() - pr->start, db);
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
	if (zd_sweep_new(&so, &sw, &err) != 0)
		return cli_error("profile", &err);
	int rc = run_sweep(o, sw, &pr, db);
	zd_sweep_free(sw);
	return rc;
}

/* ---- --summary ---------------------------------------------------------------- */

static int count_runs(struct zd_store *st, const char *board, const char *program,
		      const char *policy, long *n, struct zd_err *err)
{
	struct zd_run_query q = {.board = board, .program = program,
				 .policy = policy};
	return zd_store_count_runs(st, &q, n, err);
}

static int summarize_board(struct zd_store *st, const char *board,
			   long *total, int *rows, struct zd_err *err)
{
	struct zd_run_query q = {.board = board};
	char **programs = NULL;
	int n = 0;
	int rc = zd_store_programs(st, &q, &programs, &n, err);
	for (int i = 0; rc == 0 && i < n; i++) {
		long all = 0, sweep = 0;
		rc = count_runs(st, board, programs[i], NULL, &all, err);
		if (rc == 0)
			rc = count_runs(st, board, programs[i], "sweep", &sweep, err);
		if (rc != 0)
			break;
		if (*rows == 0)
			printf("%-16s %-16s %8s %8s\n", "BOARD", "PROGRAM", "RUNS",
			       "SWEEP");
		printf("%-16s %-16s %8ld %8ld\n", board, programs[i], all, sweep);
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
	int rc = o->board ? 0
			  : zd_board_list(o->platform_dir, &boards, &nboards, &err);
	if (rc == 0)
		rc = zd_store_open(o->db, &st, &err);
	if (rc == 0 && o->board)
		rc = summarize_board(st, o->board, &total, &rows, &err);
	for (int b = 0; rc == 0 && b < nboards; b++)
		rc = summarize_board(st, boards[b], &total, &rows, &err);
	if (rc == 0)
		printf("%ld runs of %d board x program pairs in %s\n", total, rows,
		       zd_store_path(st));
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
