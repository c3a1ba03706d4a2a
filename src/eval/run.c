/* run.c - `zdvfs bench`'s runner: check, profile the boards into the
 * sample store, train the folds' models, run the rows in worker processes
 * (one part file each), merge them into results.csv, write meta.json.
 *
 * Resuming: at the start the rows of results.csv and of part files an
 * interrupted bench left are merged; a qlearn or zerodvfs series (board,
 * workload, seed) without all its runs is dropped there, to be redone
 * from run 0 with fresh agents; every other row found is skipped. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "folds.h"
#include "meta.h"
#include "pair.h"
#include "plan.h"
#include "pool.h"
#include "zdvfs/clock.h"
#include "zdvfs/store.h"
#include "zdvfs/sweep.h"

/* ---- the output directory ------------------------------------------------ */

static int make_dir(const char *path, struct zd_err *err)
{
	if (mkdir(path, 0777) == 0 || errno == EEXIST)
		return 0;
	return zd_fail(err, errno, "cannot create %s: %s", path,
		       strerror(errno));
}

/* DIR and its parents, then models/, agents/, traces/ in it. */
static int prepare_dir(const struct bench_plan *p, struct zd_err *err)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s", p->dir);
	int rc = 0;
	for (char *s = strchr(path + 1, '/'); rc == 0 && s;
	     s = strchr(s + 1, '/')) {
		*s = '\0';
		rc = make_dir(path, err);
		*s = '/';
	}
	if (rc == 0)
		rc = make_dir(p->dir, err);
	const char *subdirs[] = {"models", "agents", "traces"};
	for (int i = 0; rc == 0 && i < 3; i++)
		rc = bench_path(p, path, "%s", subdirs[i]) == 0
		    ? make_dir(path, err)
		    : zd_fail(err, ENAMETOOLONG, "%s: path too long", p->dir);
	return rc;
}

/* ---- merging rows ------------------------------------------------------- */

/* The part files ("results.part-0.csv") of a file ("results"). */
static int part_files(const struct bench_plan *p, const char *base,
		      char (*names)[PATH_MAX], int max, int *n,
		      struct zd_err *err)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "%s.part-", base);
	DIR *d = opendir(p->dir);
	if (d == NULL)
		return zd_fail(err, errno, "cannot read %s: %s", p->dir,
			       strerror(errno));
	*n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && *n < max) {
		size_t len = strlen(e->d_name);
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 &&
		    len > 4 && strcmp(e->d_name + len - 4, ".csv") == 0 &&
		    bench_path(p, names[*n], "%s", e->d_name) == 0)
			(*n)++;
	}
	closedir(d);
	return 0;
}

#define MAX_PARTS 256

/* base.csv and its part files into rows (sorted, the parts' lines winning),
 * and the part files' names. */
static int read_with_parts(const struct bench_plan *p, const char *base,
			   const char *header, struct bench_rows *rows,
			   char (*parts)[PATH_MAX], int *nparts,
			   struct zd_err *err)
{
	char path[PATH_MAX];
	if (bench_path(p, path, "%s.csv", base) != 0)
		return zd_fail(err, ENAMETOOLONG, "%s: path too long", p->dir);
	int rc = bench_rows_read(rows, path, header, err);
	if (rc == 0)
		rc = part_files(p, base, parts, MAX_PARTS, nparts, err);
	for (int i = 0; rc == 0 && i < *nparts; i++)
		rc = bench_rows_read(rows, parts[i], header, err);
	if (rc == 0)
		bench_rows_sort(rows);
	return rc;
}

/* Write base.csv from rows, then remove the part files merged in. */
static int write_merged(const struct bench_plan *p, const char *base,
			const char *header, const struct bench_rows *rows,
			char (*parts)[PATH_MAX], int nparts, struct zd_err *err)
{
	char path[PATH_MAX];
	if (bench_path(p, path, "%s.csv", base) != 0)
		return zd_fail(err, ENAMETOOLONG, "%s: path too long", p->dir);
	int rc = bench_rows_write(rows, path, header, err);
	for (int i = 0; rc == 0 && i < nparts; i++)
		if (unlink(parts[i]) != 0 && errno != ENOENT)
			rc = zd_fail(err, errno, "cannot remove %s: %s",
				     parts[i], strerror(errno));
	return rc;
}

static int index_of_board(const struct bench_plan *p, const char *name)
{
	for (int b = 0; b < p->nboards; b++)
		if (strcmp(p->boards[b].name, name) == 0)
			return b;
	return -1;
}

static int index_of_workload(const struct bench_plan *p, const char *name)
{
	for (int w = 0; w < p->nworkloads; w++)
		if (strcmp(p->workloads[w].name, name) == 0)
			return w;
	return -1;
}

/* Whether a row belongs to a learning series of this bench that lacks one
 * of its runs (interrupted): such a series is redone from run 0. */
static bool in_broken_series(const struct bench_plan *p,
			     const struct bench_row_line *l)
{
	char *end;
	long seed = strtol(l->key[3], &end, 10);
	if (!bench_policy_learns(l->key[2]) ||
	    index_of_board(p, l->key[0]) < 0 ||
	    index_of_workload(p, l->key[1]) < 0 || *end != '\0' || seed < 1 ||
	    seed > p->seeds)
		return false;
	for (int run = 0; run < p->runs; run++) {
		char text[16];
		snprintf(text, sizeof(text), "%d", run);
		const char *key[] = {l->key[0], l->key[1], l->key[2], l->key[3],
				     text};
		if (!bench_rows_has(&p->results, key))
			return true;
	}
	return false;
}

struct drop_marks {
	const bool *drop;
	long next;
};

static bool marked(void *ctx, const struct bench_row_line *l)
{
	struct drop_marks *m = ctx;
	(void)l;
	return m->drop[m->next++];
}

static int drop_broken_series(struct bench_plan *p, struct zd_err *err)
{
	bool *drop = calloc((size_t)p->results.n + 1, sizeof(bool));
	if (drop == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	/* marked first: the lookups need the rows in place */
	for (long i = 0; i < p->results.n; i++)
		drop[i] = in_broken_series(p, &p->results.rows[i]);
	struct drop_marks m = {.drop = drop};
	bench_rows_filter(&p->results, marked, &m);
	free(drop);
	return 0;
}

/* At the start: what earlier benches in DIR did, in results.csv and
 * table.csv, the part files of an interrupted one merged in. */
static int merge_at_start(struct bench_plan *p, struct zd_err *err)
{
	static char parts[MAX_PARTS][PATH_MAX];
	int nparts = 0;
	int rc = read_with_parts(p, "results", BENCH_RESULTS_HEADER,
				 &p->results, parts, &nparts, err);
	if (rc == 0)
		rc = drop_broken_series(p, err);
	if (rc == 0)
		rc = write_merged(p, "results", BENCH_RESULTS_HEADER,
				  &p->results, parts, nparts, err);
	if (rc == 0)
		rc = read_with_parts(p, "table", BENCH_TABLE_HEADER, &p->tables,
				     parts, &nparts, err);
	if (rc == 0)
		rc = write_merged(p, "table", BENCH_TABLE_HEADER, &p->tables,
				  parts, nparts, err);
	return rc;
}

/* At the end (finished, interrupted or failed): the workers' part files
 * into results.csv and table.csv, sorted. */
static int merge_at_end(const struct bench_plan *p, struct zd_err *err)
{
	static char parts[MAX_PARTS][PATH_MAX];
	int nparts = 0;
	struct bench_rows rows;
	bench_rows_init(&rows, BENCH_RESULTS_KEY, BENCH_RESULTS_FIELDS);
	int rc = read_with_parts(p, "results", BENCH_RESULTS_HEADER, &rows,
				 parts, &nparts, err);
	if (rc == 0)
		rc = write_merged(p, "results", BENCH_RESULTS_HEADER, &rows,
				  parts, nparts, err);
	bench_rows_free(&rows);
	bench_rows_init(&rows, BENCH_TABLE_KEY, BENCH_TABLE_FIELDS);
	if (rc == 0)
		rc = read_with_parts(p, "table", BENCH_TABLE_HEADER, &rows,
				     parts, &nparts, err);
	if (rc == 0)
		rc = write_merged(p, "table", BENCH_TABLE_HEADER, &rows, parts,
				  nparts, err);
	bench_rows_free(&rows);
	return rc;
}

/* ---- the sweeps -------------------------------------------------------- */

struct sweep_ctx {
	struct bench_plan *p;
	long before, total; /* points of the boards before this one, all */
	long made_before;
};

static void on_sweep_progress(void *ctx, const struct zd_sweep_progress *sp)
{
	struct sweep_ctx *pc = ctx;
	const struct zd_bench_opts *o = pc->p->o;
	if (o->progress == NULL)
		return;
	struct zd_bench_progress pr = {
	    .phase = ZD_BENCH_PHASE_SWEEP,
	    .board = sp->board,
	    .workload = sp->workload,
	    .done = pc->before + sp->done,
	    .total = pc->total,
	    .made = pc->made_before + sp->stats->added,
	};
	o->progress(o->progress_ctx, &pr);
}

/* One sweep per board, over every workload (the zero-shot models need the
 * other programs): the default coarse grid, ambient and mid. */
static int new_sweeps(struct bench_plan *p, struct sweep_ctx *pc,
		      struct zd_sweep **sweeps, struct zd_err *err)
{
	int rc = 0;
	for (int b = 0; rc == 0 && b < p->nplain; b++) {
		struct zd_sweep_opts so = {
		    .board = p->boards[b].name,
		    .levels = ZD_SWEEP_COARSE_LEVELS,
		    .seed = 1,
		    .platform_dir = p->o->platform_dir,
		    .workload_dir = p->o->workload_dir,
		    .stop = p->o->stop,
		    .progress = on_sweep_progress,
		    .progress_ctx = pc,
		};
		rc = zd_sweep_new(&so, &sweeps[b], err);
		if (rc == 0)
			pc->total += zd_sweep_points_per_workload(sweeps[b]) *
			    zd_sweep_nworkloads(sweeps[b]);
	}
	return rc;
}

static int sweep_boards(struct bench_plan *p, struct sweep_ctx *pc,
			struct zd_sweep **sweeps, struct zd_err *err)
{
	struct zd_store *st = NULL;
	double t0 = zd_monotonic_s();
	int rc = zd_store_open(p->db, &st, err);
	for (int b = 0; rc == 0 && b < p->nplain; b++) {
		struct zd_sweep_stats stats = {0};
		rc = zd_sweep_run(sweeps[b], st, &stats, err);
		pc->before += zd_sweep_points_per_workload(sweeps[b]) *
		    zd_sweep_nworkloads(sweeps[b]);
		pc->made_before += stats.added;
		p->sweep_runs += stats.added + stats.skipped;
		if (rc == 0 && p->o->progress) {
			struct zd_bench_progress pr = {
			    .phase = ZD_BENCH_PHASE_SWEEP,
			    .board = p->boards[b].name,
			    .done = pc->before,
			    .total = pc->total,
			    .made = pc->made_before,
			    .step_done = true,
			};
			p->o->progress(p->o->progress_ctx, &pr);
		}
	}
	zd_store_close(st);
	p->sweep_seconds = zd_monotonic_s() - t0;
	return rc == ZD_SWEEP_INTERRUPTED ? ZD_BENCH_INTERRUPTED : rc;
}

/* ---- workers ---------------------------------------------------------- */

/* What a worker tells the parent: a row done (made now or found done), or
 * a pair done. */
struct worker_report {
	bool made, pair_done;
	char board[64], workload[64], policy[32];
};

/* The pool's context: in a worker, its own pipe and part files; in the
 * parent, the count of rows for the progress. */
struct run_ctx {
	const struct bench_plan *p;
	struct zd_pool_worker *w;
	struct bench_sink sink;
	long done, made, total;
};

static void on_row(void *ctx, const char *board, const char *workload,
		   const char *policy, bool made)
{
	struct run_ctx *c = ctx;
	struct worker_report r = {.made = made};
	snprintf(r.board, sizeof(r.board), "%s", board);
	snprintf(r.workload, sizeof(r.workload), "%s", workload);
	snprintf(r.policy, sizeof(r.policy), "%s", policy);
	zd_pool_send(c->w, &r, sizeof(r));
}

/* A part file with its header. */
static int open_part(const struct bench_plan *p, const char *base, int job,
		     const char *header, FILE **f, struct zd_err *err)
{
	char path[PATH_MAX];
	if (bench_path(p, path, "%s.part-%d.csv", base, job) != 0)
		return zd_fail(err, ENAMETOOLONG, "%s: path too long", p->dir);
	*f = fopen(path, "we");
	if (*f == NULL)
		return zd_fail(err, errno, "cannot write %s: %s", path,
			       strerror(errno));
	fprintf(*f, "%s\n", header);
	return fflush(*f) == 0 ? 0
			       : zd_fail(err, errno, "cannot write %s", path);
}

/* A worker writes its rows to part files of its own (part-K). */
static int worker_begin(void *ctx, struct zd_pool_worker *w, int worker,
			struct zd_err *err)
{
	struct run_ctx *c = ctx;
	c->w = w;
	c->sink = (struct bench_sink){.row = on_row, .ctx = c};
	int rc = open_part(c->p, "results", worker, BENCH_RESULTS_HEADER,
			   &c->sink.results, err);
	if (rc == 0)
		rc = open_part(c->p, "table", worker, BENCH_TABLE_HEADER,
			       &c->sink.table, err);
	return rc;
}

static int worker_end(void *ctx, struct zd_pool_worker *w, int worker, int rc,
		      struct zd_err *err)
{
	struct run_ctx *c = ctx;
	(void)w;
	(void)worker;
	if (c->sink.results && fclose(c->sink.results) != 0 && rc == 0)
		rc = zd_fail(err, EIO, "cannot write a results part file");
	if (c->sink.table && fclose(c->sink.table) != 0 && rc == 0)
		rc = zd_fail(err, EIO, "cannot write a table part file");
	return rc;
}

/* Job i: the pair (board i / nworkloads, workload i % nworkloads). */
static int run_pair(void *ctx, struct zd_pool_worker *w, int i,
		    struct zd_err *err)
{
	struct run_ctx *c = ctx;
	const struct bench_plan *p = c->p;
	int b = i / p->nworkloads, wl = i % p->nworkloads;
	int rc = bench_pair_run(p, b, wl, &c->sink, err);
	if (rc == 0) {
		struct worker_report r = {.pair_done = true};
		snprintf(r.board, sizeof(r.board), "%s", p->boards[b].name);
		snprintf(r.workload, sizeof(r.workload), "%s",
			 p->workloads[wl].name);
		zd_pool_send(w, &r, sizeof(r));
	}
	return rc;
}

static void pair_name(void *ctx, int i, char *buf, size_t len)
{
	const struct bench_plan *p = ((struct run_ctx *)ctx)->p;
	snprintf(buf, len, "%s on %s", p->workloads[i % p->nworkloads].name,
		 p->boards[i / p->nworkloads].name);
}

static void on_report(void *ctx, int worker, const void *msg, size_t len)
{
	struct run_ctx *c = ctx;
	const struct bench_plan *p = c->p;
	struct worker_report r;
	(void)worker;
	if (len != sizeof(r))
		return;
	memcpy(&r, msg, sizeof(r));
	if (!r.pair_done) {
		c->done++;
		c->made += r.made;
	}
	if (p->o->progress == NULL)
		return;
	struct zd_bench_progress pr = {
	    .phase = ZD_BENCH_PHASE_RUN,
	    .board = r.board,
	    .workload = r.workload,
	    .policy = r.pair_done ? NULL : r.policy,
	    .done = c->done,
	    .total = c->total,
	    .made = c->made,
	    .step_done = r.pair_done,
	};
	p->o->progress(p->o->progress_ctx, &pr);
}

/* The pairs in p->jobs worker processes (src/eval/pool.c). */
static int run_workers(const struct bench_plan *p, struct zd_err *err)
{
	int npairs = p->nboards * p->nworkloads;
	struct run_ctx c = {
	    .p = p, .total = (long)npairs * p->npolicies * p->seeds * p->runs};
	struct zd_pool pool = {
	    .njobs = npairs,
	    .nworkers = p->jobs,
	    .ctx = &c,
	    .begin = worker_begin,
	    .end = worker_end,
	    .run = run_pair,
	    .on_message = on_report,
	    .job_name = pair_name,
	    .stopped_rc = ZD_BENCH_INTERRUPTED,
	    .stop = p->o->stop,
	};
	return zd_pool_run(&pool, NULL, err);
}

/* ---- the bench ---------------------------------------------------------- */

static int bench_phases(struct bench_plan *p, struct sweep_ctx *pc,
			struct zd_sweep **sweeps, struct zd_err *err)
{
	int rc = prepare_dir(p, err);
	if (rc == 0)
		rc = merge_at_start(p, err);
	if (rc == 0)
		rc = bench_meta_write(p, 0, err);
	/* only zerodvfs decides with a model: without it, neither the sweep
	 * that trains the models nor the models are needed */
	bool models = bench_needs_models(p);
	if (rc == 0 && models)
		rc = sweep_boards(p, pc, sweeps, err);
	if (rc == 0 && models)
		rc = bench_folds_prepare(p, err);
	if (rc == 0) {
		rc = run_workers(p, err);
		struct zd_err merr = {0};
		int mrc = merge_at_end(p, &merr);
		if (mrc != 0 && (rc == 0 || rc == ZD_BENCH_INTERRUPTED)) {
			*err = merr;
			rc = mrc;
		}
	}
	/* meta.json even when interrupted: the folds and times so far */
	if (rc == 0 || rc == ZD_BENCH_INTERRUPTED) {
		int mrc = bench_meta_write(
		    p, zd_monotonic_s() - p->started_mono, err);
		rc = mrc != 0 ? mrc : rc;
	}
	return rc;
}

int zd_bench_run(const struct zd_bench_opts *o, struct zd_err *err)
{
	struct bench_plan p;
	struct sweep_ctx pc = {.p = &p};
	struct zd_sweep **sweeps = NULL;
	int rc = bench_plan_init(&p, o, err);
	if (rc == 0 &&
	    (sweeps = calloc((size_t)p.nboards, sizeof(*sweeps))) == NULL)
		rc = zd_fail(err, ENOMEM, "out of memory");
	if (rc == 0)
		rc = new_sweeps(&p, &pc, sweeps, err);
	if (rc == 0)
		rc = bench_phases(&p, &pc, sweeps, err);
	for (int b = 0; sweeps && b < p.nplain; b++)
		zd_sweep_free(sweeps[b]);
	free(sweeps);
	bench_plan_free(&p);
	return rc;
}
