/* characterize.c - `zdvfs characterize`: valgrind counts per board cache
 * geometry, OMPT structure and timed runs of any OpenMP program, written as
 * profiles the simulator runs (include/zdvfs/characterize.h). */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "base/jsonmedian.h"
#include "base/jsonread.h"
#include "base/vgcache.h"
#include "zdvfs/board.h"
#include "zdvfs/characterize.h"
#include "zdvfs/clock.h"
#include "zdvfs/paths.h"
#include "zdvfs/signals.h"

#define PROFILE_FORMAT "zdvfs-profile 1"
#define MAX_GEOMS 32
#define MAX_RUNS ZD_JSON_MEDIAN_MAX /* the OMPT runs are merged at once */
#define DEFAULT_RUNS 3

/* ---- cache geometry (the rules in src/base/vgcache.c) ------------------- */

/* One simulated geometry (I1, D1, LL) and what valgrind counted with it. */
enum { IR, DR, DW, I1MR, D1MR, D1MW, ILMR, DLMR, DLMW, NEVENTS };
static const char *const event_names[NEVENTS] = {
    "Ir", "Dr", "Dw", "I1mr", "D1mr", "D1mw", "ILmr", "DLmr", "DLmw"};

struct sim_geom {
	struct zd_vg_caches vg;
	double ev[NEVENTS];
};

/* ---- running the program -------------------------------------------------- */

struct ctx {
	const struct zd_char_opts *o;
	char prog[PATH_MAX]; /* the program, absolute */
	char work[PATH_MAX]; /* raw measurements */
	bool temp_work;
	char valgrind[PATH_MAX];
	char ompt_lib[PATH_MAX];
	char shim[PATH_MAX]; /* libgomp.so.1 -> libomp.so.5, for OMPT */
	char cmdline[2048];  /* the program's command line, for messages */
	struct zd_board **boards;
	int nboards;
	struct sim_geom geoms[MAX_GEOMS];
	int ngeoms;
	struct sim_geom footprint;
	double t1[MAX_RUNS], t2[MAX_RUNS];
	int nt;
	json_t *ompt; /* median of the OMPT reports */
	int ompt_nruns;
	char loadavg[64], date[32];
};

/* An executable on PATH (name without '/') or at the path given. */
static bool find_exe(const char *name, char *out, size_t len)
{
	if (strchr(name, '/') != NULL) {
		if (access(name, X_OK) != 0)
			return false;
		if (realpath(name, out) == NULL)
			snprintf(out, len, "%s", name);
		return true;
	}
	const char *path = getenv("PATH");
	if (path == NULL)
		path = "/usr/bin:/bin";
	char dir[PATH_MAX];
	while (*path) {
		size_t n = strcspn(path, ":");
		snprintf(dir, sizeof dir, "%.*s", (int)n, path);
		char cand[PATH_MAX + 256];
		snprintf(cand, sizeof cand, "%s/%s", n ? dir : ".", name);
		struct stat st;
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(cand, X_OK) == 0) {
			snprintf(out, len, "%s", cand);
			return true;
		}
		path += n + (path[n] == ':');
	}
	return false;
}

/* Run argv with extra environment entries ("K=V", NULL-ended), its output
 * to `log`; the exit status (or 128 + signal) and the wall time. */
static bool stop_asked(const struct zd_char_opts *o)
{
	return o->stop != NULL && *o->stop != 0;
}

static int interrupted(struct zd_err *err)
{
	return zd_fail(err, -EINTR, "interrupted");
}

/* Wait for the child; on a stop it is ended (SIGTERM) and waited for, and
 * the stop is the result. The stop-signal self-pipe (signals.h) wakes the
 * poll on SIGCHLD and on the stop, so neither waits for the timeout. */
static int wait_child(const struct zd_char_opts *o, pid_t pid, int *st,
		      struct zd_err *err)
{
	bool stopping = false;
	for (;;) {
		pid_t r = waitpid(pid, st, o->stop != NULL ? WNOHANG : 0);
		/* a child that died of the terminal's Ctrl-C too: our
		 * handler ran before waitpid returned */
		if (r == pid)
			return stopping || stop_asked(o) ? interrupted(err) : 0;
		if (r < 0 && errno != EINTR)
			return zd_fail(err, -errno, "waitpid: %s",
				       strerror(errno));
		if (r == 0 && !stopping && stop_asked(o)) {
			kill(pid, SIGTERM);
			stopping = true;
		}
		if (r == 0) {
			struct pollfd p = {.fd = zd_signals_fd(),
					   .events = POLLIN};
			if (poll(&p, 1, 200) > 0)
				zd_signals_drain();
		}
	}
}

static int spawn(const struct zd_char_opts *o, char *const *argv,
		 const char *const *env, const char *log, int *status,
		 double *wall_s, struct zd_err *err)
{
	if (stop_asked(o))
		return interrupted(err);
	double t0 = zd_monotonic_s();
	pid_t pid = fork();
	if (pid < 0)
		return zd_fail(err, -errno, "fork: %s", strerror(errno));
	if (pid == 0) {
		int fd =
		    open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		int in = open("/dev/null", O_RDONLY);
		if (in >= 0)
			dup2(in, STDIN_FILENO);
		for (const char *const *e = env; e && *e; e++)
			putenv((char *)*e);
		zd_signals_default_in_child();
		execv(argv[0], argv);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int st = 0;
	int rc = wait_child(o, pid, &st, err);
	if (rc != 0)
		return rc;
	*wall_s = zd_monotonic_s() - t0;
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}

/* The last line of a log, for an error message. */
static void log_tail(const char *path, char *out, size_t len)
{
	out[0] = '\0';
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return;
	char line[512];
	while (fgets(line, sizeof line, f) != NULL)
		if (line[0] != '\n' && line[0] != '\0')
			snprintf(out, len, "%s", line);
	fclose(f);
	out[strcspn(out, "\n")] = '\0';
}

static int program_failed(struct ctx *c, const char *how, int status,
			  const char *log, struct zd_err *err)
{
	char tail[300];
	log_tail(log, tail, sizeof tail);
	c->temp_work = false; /* keep the logs for the user */
	return zd_bad_input(
	    err, "'%s' %s exited with status %d%s%s%s (log: %s)", c->cmdline,
	    how, status, tail[0] ? ": \"" : "", tail, tail[0] ? "\"" : "", log);
}

/* argv of the program with `pre` (NULL-ended) in front. */
static char **with_prefix(const struct ctx *c, const char *const *pre)
{
	int np = 0, na = 0;
	while (pre && pre[np])
		np++;
	while (c->o->argv[na])
		na++;
	char **v = calloc((size_t)(np + na + 1), sizeof *v);
	if (v == NULL)
		return NULL;
	for (int i = 0; i < np; i++)
		v[i] = (char *)pre[i];
	v[np] = (char *)c->prog;
	for (int i = 1; i < na; i++)
		v[np + i] = c->o->argv[i];
	return v;
}

static void say(const struct ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void say(const struct ctx *c, const char *fmt, ...)
{
	if (c->o->log == NULL)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(c->o->log, "characterize: ");
	vfprintf(c->o->log, fmt, ap);
	fputc('\n', c->o->log);
	va_end(ap);
	fflush(c->o->log);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
	double s[MAX_RUNS * 2];
	memcpy(s, v, (size_t)n * sizeof *s);
	qsort(s, (size_t)n, sizeof s[0], cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* Native runs, 1 and 2 threads interleaved; the first one also says
 * whether the program runs at all. */
static int timed_runs(struct ctx *c, struct zd_err *err)
{
	char **argv = with_prefix(c, NULL);
	if (argv == NULL)
		return zd_fail(err, -ENOMEM, "out of memory");
	int rc = 0;
	FILE *la = fopen("/proc/loadavg", "r");
	snprintf(c->loadavg, sizeof c->loadavg, "unknown");
	if (la != NULL) {
		double a, b, d;
		if (fscanf(la, "%lf %lf %lf", &a, &b, &d) == 3)
			snprintf(c->loadavg, sizeof c->loadavg,
				 "%.2f %.2f %.2f", a, b, d);
		fclose(la);
	}
	for (int r = 0; r < c->o->timing_runs && rc == 0; r++) {
		for (int t = 1; t <= 2 && rc == 0; t++) {
			const char *env[] = {t == 1 ? "OMP_NUM_THREADS=1"
						    : "OMP_NUM_THREADS=2",
					     NULL};
			char log[PATH_MAX + 32];
			snprintf(log, sizeof log, "%s/run.%d.%d.log", c->work,
				 t, r);
			int st;
			double s;
			rc = spawn(c->o, argv, env, log, &st, &s, err);
			if (rc == 0 && st != 0)
				rc = program_failed(c, "(a native run)", st,
						    log, err);
			if (rc == 0)
				(t == 1 ? c->t1 : c->t2)[r] = s;
		}
	}
	c->nt = c->o->timing_runs;
	free(argv);
	if (rc == 0)
		say(c, "timed: %.3f s with 1 thread, %.3f s with 2 (medians)",
		    median(c->t1, c->nt), median(c->t2, c->nt));
	return rc;
}

/* ---- OMPT ------------------------------------------------------------------- */

/* A directory holding libgomp.so.1 -> LLVM's libomp.so.5, put first on
 * LD_LIBRARY_PATH: libomp implements libgomp's interface, so a program
 * built with gcc runs on libomp, where the OMPT tool works; a program built
 * with clang loads libomp.so.5 anyway. */
static int make_shim(struct ctx *c, struct zd_err *err)
{
	const char *env = getenv("ZDVFS_LIBOMP");
	char lib[PATH_MAX] = "";
	if (env != NULL && *env != '\0') {
		snprintf(lib, sizeof lib, "%s", env);
	} else {
		static const char *const pats[] = {
		    "/usr/lib/llvm-*/lib/libomp.so.5",
		    "/usr/lib/*-linux-gnu/libomp.so.5",
		    "/usr/local/lib/libomp.so.5", "/usr/lib/libomp.so.5"};
		for (size_t i = 0; i < sizeof pats / sizeof pats[0] && !lib[0];
		     i++) {
			glob_t g;
			if (glob(pats[i], 0, NULL, &g) == 0 && g.gl_pathc > 0)
				snprintf(lib, sizeof lib, "%s",
					 g.gl_pathv[g.gl_pathc - 1]);
			globfree(&g);
		}
	}
	if (!lib[0] || access(lib, R_OK) != 0)
		return zd_fail(err, -ENOENT,
			       "LLVM's OpenMP runtime (libomp.so.5) not found: "
			       "install libomp-dev (scripts/install-deps) or "
			       "set ZDVFS_LIBOMP");
	snprintf(c->shim, sizeof c->shim, "%s/libomp-shim", c->work);
	char link[PATH_MAX + 32];
	snprintf(link, sizeof link, "%s/libgomp.so.1", c->shim);
	if ((mkdir(c->shim, 0755) != 0 && errno != EEXIST) ||
	    ((unlink(link) != 0 && errno != ENOENT) || symlink(lib, link) != 0))
		return zd_fail(err, -errno, "%s: %s", link, strerror(errno));
	return 0;
}

static int ompt_runs(struct ctx *c, struct zd_err *err)
{
	int rc = 0;
	char **argv = with_prefix(c, NULL);
	if (argv == NULL)
		return zd_fail(err, -ENOMEM, "out of memory");
	const char *old = getenv("LD_LIBRARY_PATH");
	char ldp[PATH_MAX * 2], tool[PATH_MAX + 32];
	snprintf(ldp, sizeof ldp, "LD_LIBRARY_PATH=%s%s%s", c->shim,
		 old && *old ? ":" : "", old && *old ? old : "");
	snprintf(tool, sizeof tool, "OMP_TOOL_LIBRARIES=%s", c->ompt_lib);
	json_t *runs[MAX_RUNS];
	int n = 0;
	for (int r = 0; r < c->o->ompt_runs && rc == 0; r++) {
		char out[PATH_MAX + 32], outenv[PATH_MAX + 64],
		    log[PATH_MAX + 32];
		snprintf(out, sizeof out, "%s/ompt.%d.json", c->work, r);
		snprintf(outenv, sizeof outenv, "ZDVFS_OMPT_OUT=%s", out);
		snprintf(log, sizeof log, "%s/ompt.%d.log", c->work, r);
		const char *env[] = {"OMP_NUM_THREADS=2",
				     "ZDVFS_OMPT_SCOPE=whole",
				     ldp,
				     tool,
				     outenv,
				     NULL};
		int st;
		double s;
		unlink(out);
		rc = spawn(c->o, argv, env, log, &st, &s, err);
		if (rc == 0 && st != 0)
			rc = program_failed(c, "(under the OMPT tool)", st, log,
					    err);
		if (rc != 0)
			break;
		json_t *j = NULL;
		struct zd_err parse_err = {0};
		if (zd_jr_load(out, ZD_JR_SMALL_MAX, 0, &j, &parse_err) != 0) {
			c->temp_work = false;
			rc = zd_bad_input(
			    err,
			    "the OMPT tool wrote no report (%s): does "
			    "'%s' use OpenMP through libgomp or "
			    "libomp, dynamically linked? (log: %s)",
			    out, c->prog, log);
			break;
		}
		runs[n++] = j;
	}
	free(argv);
	if (rc == 0) {
		c->ompt = zd_json_median(runs, n);
		c->ompt_nruns = n;
		say(c, "OMPT: %d run(s) of 2 threads traced", n);
	}
	for (int i = 0; i < n; i++)
		json_decref(runs[i]);
	return rc;
}

/* ---- valgrind ----------------------------------------------------------------- */

/* Callgrind's totals line, by event name; a missing event counts 0 (a
 * region never entered leaves "totals: 0"). */
static int load_cg(const char *path, double *ev, struct zd_err *err)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return zd_fail(err, -errno, "%s: %s", path, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	char names[NEVENTS * 2][16];
	int nn = 0;
	bool have_totals = false;
	memset(ev, 0, NEVENTS * sizeof *ev);
	while (getline(&line, &cap, f) > 0) {
		char *save = NULL;
		if (strncmp(line, "events:", 7) == 0) {
			nn = 0;
			for (char *t = strtok_r(line + 7, " \n", &save);
			     t && nn < NEVENTS * 2;
			     t = strtok_r(NULL, " \n", &save))
				snprintf(names[nn++], sizeof names[0], "%s", t);
		} else if (strncmp(line, "totals:", 7) == 0) {
			have_totals = true;
			int i = 0;
			for (char *t = strtok_r(line + 7, " \n", &save);
			     t && i < nn; t = strtok_r(NULL, " \n", &save), i++)
				for (int e = 0; e < NEVENTS; e++)
					if (strcmp(names[i], event_names[e]) ==
					    0)
						ev[e] = strtod(t, NULL);
		}
	}
	free(line);
	fclose(f);
	if (!have_totals || nn == 0)
		return zd_fail(err, -EINVAL, "%s: no events/totals lines",
			       path);
	return 0;
}

static int callgrind(struct ctx *c, struct sim_geom *g, struct zd_err *err)
{
	char i1[64], d1[64], ll[64], out[PATH_MAX + 160], log[PATH_MAX + 160],
	    outarg[PATH_MAX + 200], toggle[300];
	strcpy(i1, "--I1=");
	zd_vg_arg(&g->vg.i1, i1 + 5, sizeof i1 - 5);
	strcpy(d1, "--D1=");
	zd_vg_arg(&g->vg.d1, d1 + 5, sizeof d1 - 5);
	strcpy(ll, "--LL=");
	zd_vg_arg(&g->vg.ll, ll + 5, sizeof ll - 5);
	snprintf(out, sizeof out, "%s/cg.%s.out", c->work, g->vg.key);
	snprintf(log, sizeof log, "%s/cg.%s.log", c->work, g->vg.key);
	snprintf(outarg, sizeof outarg, "--callgrind-out-file=%s", out);
	const char *pre[] = {c->valgrind,
			     "--tool=callgrind",
			     "--cache-sim=yes",
			     i1,
			     d1,
			     ll,
			     outarg,
			     NULL,
			     NULL};
	if (c->o->region != NULL) {
		snprintf(toggle, sizeof toggle, "--toggle-collect=%s",
			 c->o->region);
		pre[7] = toggle;
	}
	char **argv = with_prefix(c, pre);
	if (argv == NULL)
		return zd_fail(err, -ENOMEM, "out of memory");
	const char *env[] = {"OMP_NUM_THREADS=1", NULL};
	int st;
	double s;
	int rc = spawn(c->o, argv, env, log, &st, &s, err);
	free(argv);
	if (rc == 0 && st != 0)
		rc = program_failed(c, "under valgrind", st, log, err);
	if (rc == 0)
		rc = load_cg(out, g->ev, err);
	if (rc == 0 && g->ev[IR] <= 0) {
		c->temp_work = false;
		if (c->o->region != NULL)
			return zd_bad_input(
			    err,
			    "--region %s: the program never ran a function of "
			    "that name (no such function, or the compiler "
			    "inlined it: give it __attribute__((noinline)); "
			    "names as valgrind's callgrind shows them) (log: "
			    "%s)",
			    c->o->region, log);
		return zd_fail(err, -EINVAL, "%s: no instructions counted",
			       out);
	}
	if (rc == 0)
		say(c, "valgrind %s: %.0f instructions (%.1f s)", g->vg.key,
		    g->ev[IR], s);
	return rc;
}

/* ---- the profile ------------------------------------------------------------ */

static json_t *jcount(double v)
{
	if (!isfinite(v) || v > 9.0e18)
		return json_real(isfinite(v) ? v : 0);
	return json_integer((json_int_t)llround(v));
}

/* One measured counter: nothing is extrapolated, the standard value is the
 * measured one. */
static json_t *measured(json_t *v)
{
	return json_pack("{s:f, s:n, s:o}", "exponent", 0.0,
			 "holdout_rel_error", "standard", v);
}

static const struct sim_geom *find_geom(const struct ctx *c, const char *key)
{
	for (int i = 0; i < c->ngeoms; i++)
		if (strcmp(c->geoms[i].vg.key, key) == 0)
			return &c->geoms[i];
	return NULL;
}

static json_t *cluster_json(const struct ctx *c, const struct zd_board *b,
			    int ci, double footprint)
{
	const struct zd_cluster_desc *cl = &b->clusters[ci];
	struct zd_vg_caches vg;
	struct zd_err e;
	zd_err_clear(&e);
	/* the geometry was checked before any run */
	json_t *caches = zd_vg_caches_json(b, ci, &vg, &e);
	const struct sim_geom *g = caches ? find_geom(c, vg.key) : NULL;
	if (g == NULL) {
		json_decref(caches);
		return NULL;
	}
	static const char *const names[] = {
	    "i1_misses",      "d1_read_misses",  "d1_write_misses", "d1_misses",
	    "ll_read_misses", "ll_write_misses", "ll_misses"};
	double v[7] = {g->ev[I1MR],
		       g->ev[D1MR],
		       g->ev[D1MW],
		       g->ev[D1MR] + g->ev[D1MW],
		       g->ev[ILMR] + g->ev[DLMR],
		       g->ev[DLMW],
		       g->ev[ILMR] + g->ev[DLMR] + g->ev[DLMW]};
	json_t *size = json_pack("{s:i}", "n", 1);
	json_t *counters = json_object();
	for (int k = 0; k < 7; k++) {
		json_object_set_new(size, names[k], jcount(v[k]));
		json_object_set_new(counters, names[k], measured(jcount(v[k])));
	}
	json_t *ll = json_object_get(counters, "ll_misses");
	json_object_set_new(ll, "extrapolated", jcount(v[6]));
	json_object_set_new(ll, "lower",
			    jcount(footprint / g->vg.ll.line_bytes));
	json_object_set_new(ll, "upper", jcount(v[0] + v[3]));
	json_object_set_new(ll, "rule", json_string("measured"));
	bool fits = footprint <= (double)g->vg.ll.size_bytes;
	json_t *scaling = json_pack(
	    "{s:s, s:i, s:o, s:{s:[b], s:b, s:b}}", "model", "measured",
	    "standard_n", 1, "counters", counters, "ll_fit", "measured", fits,
	    "standard", fits, "extrapolation_reliable", 1);
	return json_pack("{s:s, s:o, s:[o], s:o}", "name", cl->name, "caches",
			 caches, "sizes", size, "scaling", scaling);
}

static double jnum(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(o, a);
	if (b != NULL)
		v = json_object_get(v, b);
	return json_is_number(v) ? json_number_value(v) : 0;
}

static json_t *parallel_json(const struct ctx *c)
{
	json_t *o = c->ompt;
	json_t *e = json_pack("{s:i}", "n", 1);
	json_object_update(e, o);
	json_object_del(e, "tool");
	json_object_del(e, "kernel_marked");
	json_object_del(e, "scope");
	double work = jnum(o, "work_s", NULL),
	       serial = jnum(o, "serial_s", NULL);
	json_object_set_new(e, "serial_fraction",
			    json_real(work > 0 ? serial / work : 0));
	double barriers = jnum(o, "barriers", "implicit") +
	    jnum(o, "barriers", "explicit") +
	    jnum(o, "barriers", "implementation");
	json_t *counters = json_pack(
	    "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "work_s",
	    measured(json_real(work)), "span_s",
	    measured(json_real(jnum(o, "span_s", NULL))), "serial_s",
	    measured(json_real(serial)), "regions",
	    measured(jcount(jnum(o, "regions", NULL))), "barriers",
	    measured(jcount(barriers)), "tasks_created",
	    measured(jcount(jnum(o, "tasks", "created"))), "loop_instances",
	    measured(jcount(jnum(o, "loops", "instances"))), "loop_iterations",
	    measured(jcount(jnum(o, "loops", "iterations_total"))));
	return json_pack(
	    "{s:s, s:O, s:i, s:s, s:s, s:[o], s:{s:s, s:i, s:o}}", "runtime",
	    "LLVM libomp (the program as given; a libgomp program on "
	    "libomp's GOMP interface), OMPT tool tools/ompt/zdvfs_ompt.c",
	    "threads", json_object_get(o, "threads"), "runs_per_size",
	    c->ompt_nruns, "combine", "median of each number over the runs",
	    "scope", "whole_program", "sizes", e, "scaling", "model",
	    "measured", "standard_n", 1, "counters", counters);
}

static json_t *samples(const double *v, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_real(v[i]));
	return a;
}

static void tool_version(const char *const *argv, char *out, size_t len)
{
	snprintf(out, len, "unknown");
	char cmd[PATH_MAX + 32];
	snprintf(cmd, sizeof cmd, "'%s' %s 2>/dev/null", argv[0], argv[1]);
	FILE *p = popen(cmd, "r");
	if (p == NULL)
		return;
	if (fgets(out, (int)len, p) != NULL)
		out[strcspn(out, "\n")] = '\0';
	pclose(p);
}

static json_t *profile_json(const struct ctx *c, const struct zd_board *b,
			    const char *name, const char *style)
{
	const struct sim_geom *fp = &c->footprint;
	double footprint = (fp->ev[DLMR] + fp->ev[DLMW]) * fp->vg.ll.line_bytes;
	/* the same program under every geometry: the instruction counts must
	 * agree (deterministic with one thread, unless the program is not) */
	double lo = fp->ev[IR], hi = fp->ev[IR];
	for (int i = 0; i < c->ngeoms; i++) {
		lo = fmin(lo, c->geoms[i].ev[IR]);
		hi = fmax(hi, c->geoms[i].ev[IR]);
	}
	json_t *clusters = json_array();
	for (int i = 0; i < b->nclusters; i++) {
		json_t *cl = cluster_json(c, b, i, footprint);
		if (cl == NULL) {
			json_decref(clusters);
			return NULL;
		}
		json_array_append_new(clusters, cl);
	}
	json_t *argv = json_array();
	for (int i = 0; c->o->argv[i]; i++)
		json_array_append_new(argv, json_string(c->o->argv[i]));
	char region[300];
	snprintf(region, sizeof region, "function %s and what it calls",
		 c->o->region ? c->o->region : "");
	const char *counts_scope = c->o->region ? region : "whole_program";
	char vg[128], regen[4096], callgrind[512];
	const char *vgv[] = {c->valgrind, "--version"};
	tool_version(vgv, vg, sizeof vg);
	snprintf(regen, sizeof regen, "%s", c->o->command ? c->o->command : "");
	snprintf(callgrind, sizeof callgrind,
		 "OMP_NUM_THREADS=1 valgrind --tool=callgrind --cache-sim=yes "
		 "--I1=SIZE,ASSOC,LINE --D1=... --LL=...%s%s PROGRAM ARGS "
		 "(%s; caches cold at %s)",
		 c->o->region ? " --toggle-collect=" : "",
		 c->o->region ? c->o->region : "", counts_scope,
		 c->o->region ? "the program's start, warmed by what runs "
				"before the region"
			      : "the program's start");
	char host_cpu[256] = "unknown";
	FILE *ci = fopen("/proc/cpuinfo", "r");
	if (ci != NULL) {
		char line[512];
		while (fgets(line, sizeof line, ci) != NULL)
			if (strncmp(line, "model name", 10) == 0) {
				char *col = strchr(line, ':');
				if (col != NULL)
					snprintf(host_cpu, sizeof host_cpu,
						 "%s", col + 2);
				host_cpu[strcspn(host_cpu, "\n")] = '\0';
				break;
			}
		fclose(ci);
	}
	char cksum[64] = "";
	if (c->o->source != NULL) {
		/* FNV-1a-64 of the source: a change detector */
		FILE *s = fopen(c->o->source, "rb");
		uint64_t h = 1469598103934665603ULL;
		int ch;
		while (s != NULL && (ch = fgetc(s)) != EOF)
			h = (h ^ (uint64_t)(unsigned char)ch) *
			    1099511628211ULL;
		if (s != NULL)
			fclose(s);
		snprintf(cksum, sizeof cksum, "fnv1a64:%016llx",
			 (unsigned long long)h);
	}
	double m1 = median(c->t1, c->nt), m2 = median(c->t2, c->nt);
	json_t *p = json_object();
	json_object_set_new(p, "format", json_string(PROFILE_FORMAT));
	json_object_set_new(p, "workload", json_string(name));
	json_object_set_new(p, "board", json_string(b->name));
	json_object_set_new(p, "suite", json_string("user"));
	json_object_set_new(p, "kind", json_string(style));
	json_object_set_new(p, "parallel_style", json_string(style));
	json_object_set_new(p, "source",
			    json_string(c->o->source ? c->o->source : ""));
	json_object_set_new(p, "generated_by", json_string(regen));
	json_object_set_new(p, "regenerate", json_string(regen));
	json_object_set_new(
	    p, "program",
	    json_pack("{s:s, s:o, s:s}", "path", c->prog, "argv", argv, "size",
		      "the run measured: the arguments as given"));
	json_object_set_new(p, "scope",
			    json_pack("{s:s, s:s, s:s}", "counts", counts_scope,
				      "parallel", "whole_program", "timing",
				      "whole_program"));
	json_object_set_new(
	    p, "measured",
	    json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s, "
		      "s:s}",
		      "source_cksum", cksum, "date", c->date, "host_cpu",
		      host_cpu, "host_cpus", (int)sysconf(_SC_NPROCESSORS_ONLN),
		      "valgrind", vg, "gcc", "not used: the binary as given",
		      "clang", "not used: the binary as given", "gcc_build",
		      "none", "clang_build", "none", "callgrind", callgrind,
		      "ompt_run",
		      "OMP_NUM_THREADS=2 OMP_TOOL_LIBRARIES=libzdvfs_ompt.so "
		      "ZDVFS_OMPT_SCOPE=whole LD_LIBRARY_PATH=(libgomp.so.1 -> "
		      "libomp.so.5) PROGRAM ARGS"));
	json_object_set_new(
	    p, "size_presets",
	    json_pack("{s:i, s:i, s:i}", "tiny", 1, "small", 1, "standard", 1));
	json_object_set_new(
	    p, "sizes",
	    json_pack("[{s:i, s:o, s:o, s:o, s:o, s:{s:i, s:f}}]", "n", 1,
		      "instructions", jcount(fp->ev[IR]), "data_reads",
		      jcount(fp->ev[DR]), "data_writes", jcount(fp->ev[DW]),
		      "footprint_bytes", jcount(footprint),
		      "instructions_agreement", "runs", c->ngeoms + 1,
		      "max_rel_diff", lo > 0 ? (hi - lo) / lo : 0.0));
	json_object_set_new(
	    p, "scaling",
	    json_pack("{s:s, s:f, s:i, s:{s:o, s:o, s:o, s:o}}", "model",
		      "measured", "steepness", 0.0, "standard_n", 1, "counters",
		      "instructions", measured(jcount(fp->ev[IR])),
		      "data_reads", measured(jcount(fp->ev[DR])), "data_writes",
		      measured(jcount(fp->ev[DW])), "footprint_bytes",
		      measured(jcount(footprint))));
	json_object_set_new(p, "clusters", clusters);
	json_object_set_new(p, "parallel", parallel_json(c));
	json_object_set_new(
	    p, "timing",
	    json_pack("{s:i, s:s, s:f, s:f, s:f, s:o, s:o, s:s, s:s}", "n", 1,
		      "build", "the binary as given", "t1_s", m1, "t2_s", m2,
		      "speedup", m2 > 0 ? m1 / m2 : 0.0, "t1_samples_s",
		      samples(c->t1, c->nt), "t2_samples_s",
		      samples(c->t2, c->nt), "loadavg_before", c->loadavg,
		      "scope", "whole_program: wall time of the process"));
	return p;
}

/* ---- driver ------------------------------------------------------------------- */

int zd_characterize_ompt_lib(char *out, size_t len, struct zd_err *err)
{
	const char *env = getenv("ZDVFS_OMPT_LIB");
	if (env != NULL && *env != '\0') {
		snprintf(out, len, "%s", env);
		if (access(out, R_OK) == 0)
			return 0;
		return zd_fail(err, -ENOENT, "ZDVFS_OMPT_LIB=%s: %s", env,
			       strerror(errno));
	}
	const char *build = zd_build_dir();
	if (build[0] != '\0') {
		snprintf(out, len, "%s/tools/libzdvfs_ompt.so", build);
		if (access(out, R_OK) == 0)
			return 0;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash != NULL) {
		*slash = '\0';
		snprintf(out, len, "%s/../libexec/zdvfs/libzdvfs_ompt.so", exe);
		if (access(out, R_OK) == 0)
			return 0;
	}
	return zd_fail(err, -ENOENT,
		       "the OMPT tool libzdvfs_ompt.so was not found (in "
		       "BUILD/tools or PREFIX/libexec/zdvfs): build zdvfs with "
		       "LLVM's omp-tools.h (libomp-dev) or set ZDVFS_OMPT_LIB");
}

static bool valid_name(const char *s)
{
	if (s[0] == '\0' || strlen(s) >= 64)
		return false;
	for (const char *p = s; *p; p++)
		if (*p == '/' || *p == '.' || *p == ' ')
			return false;
	return true;
}

static int write_profile(const struct ctx *c, const struct zd_board *b,
			 const char *name, const char *style,
			 struct zd_err *err)
{
	char path[PATH_MAX];
	size_t olen = strlen(c->o->out);
	if (olen > 5 && strcmp(c->o->out + olen - 5, ".json") == 0) {
		snprintf(path, sizeof path, "%s", c->o->out);
	} else {
		snprintf(path, sizeof path, "%s/%s", c->o->out, b->name);
		if ((mkdir(c->o->out, 0755) != 0 && errno != EEXIST) ||
		    (mkdir(path, 0755) != 0 && errno != EEXIST))
			return zd_fail(err, -errno, "%s: %s", path,
				       strerror(errno));
		snprintf(path + strlen(path), sizeof path - strlen(path),
			 "/%s.json", name);
	}
	json_t *p = profile_json(c, b, name, style);
	if (p == NULL)
		return zd_fail(err, -EINVAL, "%s: a cluster was not measured",
			       b->name);
	char tmp[PATH_MAX + 8];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	int rc = 0;
	if (json_dump_file(p, tmp, JSON_INDENT(2) | JSON_REAL_PRECISION(7)) !=
	    0)
		rc = zd_fail(err, -EIO, "%s: cannot write", tmp);
	else if (rename(tmp, path) != 0)
		rc = zd_fail(err, -errno, "%s: %s", path, strerror(errno));
	json_decref(p);
	if (rc == 0 && c->o->log != NULL)
		fprintf(c->o->log, "characterize: wrote %s\n", path);
	return rc;
}

static void remove_tree(const char *dir)
{
	char cmd[PATH_MAX + 32];
	/* our own mkdtemp directory, named without quotes */
	if (strchr(dir, '\'') != NULL)
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return;
}

static int setup(struct ctx *c, struct zd_err *err)
{
	const struct zd_char_opts *o = c->o;
	if (o->argv == NULL || o->argv[0] == NULL)
		return zd_bad_input(err, "no program given (-- ./app args)");
	if (!find_exe(o->argv[0], c->prog, sizeof c->prog))
		return zd_bad_input(err, "'%s': no such executable program",
				    o->argv[0]);
	size_t len = 0;
	for (int i = 0; o->argv[i] && len + 2 < sizeof c->cmdline; i++)
		len +=
		    (size_t)snprintf(c->cmdline + len, sizeof c->cmdline - len,
				     "%s%s", i ? " " : "", o->argv[i]);
	if (!find_exe("valgrind", c->valgrind, sizeof c->valgrind))
		return zd_fail(err, -ENOENT,
			       "valgrind not found on PATH: install the "
			       "valgrind package (scripts/install-deps)");
	int rc = zd_characterize_ompt_lib(c->ompt_lib, sizeof c->ompt_lib, err);
	if (rc != 0)
		return rc;
	/* boards and their geometries, before any run */
	char **names = NULL;
	int nnames = 0;
	if (o->nboards == 0) {
		rc = zd_board_list(o->platform_dir, &names, &nnames, err);
		if (rc != 0)
			return rc;
	}
	int nb = o->nboards ? o->nboards : nnames;
	size_t olen = strlen(o->out);
	if (nb > 1 && olen > 5 && strcmp(o->out + olen - 5, ".json") == 0) {
		zd_board_names_free(names, nnames);
		return zd_bad_input(err,
				    "--out %s is one file: give one board "
				    "(--boards B) or a directory",
				    o->out);
	}
	c->boards = calloc((size_t)(nb ? nb : 1), sizeof *c->boards);
	if (c->boards == NULL) {
		zd_board_names_free(names, nnames);
		return zd_fail(err, -ENOMEM, "out of memory");
	}
	for (int i = 0; i < nb && rc == 0; i++) {
		rc = zd_board_load(o->nboards ? o->boards[i] : names[i],
				   o->platform_dir, &c->boards[i], err);
		if (rc == 0)
			c->nboards++;
		for (int k = 0; rc == 0 && k < c->boards[i]->nclusters; k++) {
			struct sim_geom g = {0};
			rc = zd_vg_cluster(c->boards[i],
					   &c->boards[i]->clusters[k], &g.vg,
					   err);
			if (rc == 0 && find_geom(c, g.vg.key) == NULL) {
				if (c->ngeoms == MAX_GEOMS)
					rc = zd_bad_input(
					    err,
					    "more than %d cache geometries",
					    MAX_GEOMS);
				else
					c->geoms[c->ngeoms++] = g;
			}
		}
	}
	zd_board_names_free(names, nnames);
	if (rc != 0)
		return rc;
	zd_vg_footprint(&c->footprint.vg);
	/* the raw measurements */
	if (o->keep != NULL) {
		snprintf(c->work, sizeof c->work, "%s", o->keep);
		if (mkdir(c->work, 0755) != 0 && errno != EEXIST)
			return zd_fail(err, -errno, "%s: %s", c->work,
				       strerror(errno));
	} else {
		const char *tmp = getenv("TMPDIR");
		snprintf(c->work, sizeof c->work,
			 "%s/zdvfs-characterize.XXXXXX",
			 tmp && *tmp ? tmp : "/tmp");
		if (mkdtemp(c->work) == NULL)
			return zd_fail(err, -errno, "%s: %s", c->work,
				       strerror(errno));
		c->temp_work = true;
	}
	rc = make_shim(c, err);
	if (rc != 0)
		return rc;
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(c->date, sizeof c->date, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return 0;
}

int zd_characterize(const struct zd_char_opts *opts, struct zd_err *err)
{
	struct zd_char_opts o = *opts;
	if (o.timing_runs <= 0)
		o.timing_runs = DEFAULT_RUNS;
	if (o.ompt_runs <= 0)
		o.ompt_runs = DEFAULT_RUNS;
	if (o.timing_runs > MAX_RUNS || o.ompt_runs > MAX_RUNS)
		return zd_bad_input(err, "at most %d timing or OMPT runs",
				    MAX_RUNS);
	if (o.out == NULL)
		o.out = "profiles";
	struct ctx *c = calloc(1, sizeof *c);
	if (c == NULL)
		return zd_fail(err, -ENOMEM, "out of memory");
	c->o = &o;
	char name[64] = "";
	if (o.name != NULL) {
		snprintf(name, sizeof name, "%s", o.name);
	} else if (o.argv != NULL && o.argv[0] != NULL) {
		const char *base = strrchr(o.argv[0], '/');
		base = base ? base + 1 : o.argv[0];
		/* a name the simulator and the store accept */
		size_t k = 0;
		for (; base[k] && k + 1 < sizeof name; k++)
			name[k] =
			    (base[k] == '.' || base[k] == ' ') ? '_' : base[k];
		name[k] = '\0';
	}
	int rc = 0;
	if (o.argv != NULL && o.argv[0] != NULL && !valid_name(name))
		rc = zd_bad_input(err,
				  "'%s' cannot name a profile (no '/', '.' or "
				  "space, under 64 characters): give --name",
				  name);
	if (rc == 0)
		rc = setup(c, err);
	double t0 = zd_monotonic_s();
	if (rc == 0) {
		say(c,
		    "measuring '%s' for %d board(s): %d cache geometries "
		    "+ footprint under valgrind, %s",
		    c->cmdline, c->nboards, c->ngeoms,
		    o.region ? o.region : "whole program");
		rc = timed_runs(c, err);
	}
	/* valgrind first with the footprint geometry: a region that is never
	 * entered shows there, before the other runs */
	if (rc == 0)
		rc = callgrind(c, &c->footprint, err);
	for (int i = 0; rc == 0 && i < c->ngeoms; i++)
		rc = callgrind(c, &c->geoms[i], err);
	if (rc == 0)
		rc = ompt_runs(c, err);
	if (rc == 0) {
		const char *style =
		    jnum(c->ompt, "tasks", "created") > 0 ? "tasks" : "loops";
		for (int i = 0; rc == 0 && i < c->nboards; i++)
			rc = write_profile(c, c->boards[i], name, style, err);
	}
	if (rc == 0)
		say(c, "done in %.1f s", zd_monotonic_s() - t0);
	if (c->temp_work)
		remove_tree(c->work);
	else if (rc != 0 && c->work[0] && c->o->log != NULL)
		fprintf(c->o->log,
			"characterize: raw measurements kept in %s\n", c->work);
	for (int i = 0; i < c->nboards; i++)
		zd_board_free(c->boards[i]);
	free(c->boards);
	json_decref(c->ompt);
	free(c);
	return rc;
}
