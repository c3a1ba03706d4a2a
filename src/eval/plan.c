/* plan.c - a bench's selection resolved and checked before any work, the
 * workloads' code features, and small helpers every part uses. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "plan.h"
#include "zdvfs/action.h"
#include "zdvfs/board.h"
#include "zdvfs/learned.h"
#include "zdvfs/policy.h"
#include "zdvfs/sweep.h"
#include "zdvfs/clock.h"
#include "zdvfs/workload.h"

const char *const zd_bench_all_policies[] = {
    "performance", "powersave", "ondemand", "conservative", "schedutil",
    "table",       "qlearn",    "zerodvfs", NULL,
};

int zd_bench_default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 4 ? 4 : (int)n;
}

/* ---- helpers ------------------------------------------------------------ */

int bench_path(const struct bench_plan *p, char *buf, const char *fmt, ...)
{
	char name[PATH_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(name))
		return -1;
	n = snprintf(buf, PATH_MAX, "%s/%s", p->dir, name);
	return n < 0 || n >= PATH_MAX ? -1 : 0;
}

int bench_fold_of(const struct bench_plan *p, const struct bench_workload *w)
{
	return w->group_index % p->folds;
}

bool bench_held_out(const struct bench_plan *p, int manifest_index, int fold)
{
	return manifest_index >= 0 && manifest_index < p->nall &&
	    p->all_groups[manifest_index] % p->folds == fold;
}

int bench_fold_path(const struct bench_plan *p, int fold, char *buf)
{
	return bench_path(p, buf, "models/fold-%d.bin", fold);
}

bool bench_needs_models(const struct bench_plan *p)
{
	for (int i = 0; i < p->npolicies; i++)
		if (strcmp(p->policies[i], "zerodvfs") == 0)
			return true;
	return false;
}

bool bench_policy_learns(const char *policy)
{
	return strcmp(policy, "qlearn") == 0 || strcmp(policy, "zerodvfs") == 0;
}

bool bench_stop_asked(const struct bench_plan *p)
{
	return p->o->stop != NULL && *p->o->stop != 0;
}

/* ---- counts and policies ------------------------------------------------ */

static int check_counts(struct bench_plan *p, struct zd_err *err)
{
	const struct zd_bench_opts *o = p->o;
	p->seeds = o->seeds ? o->seeds : ZD_BENCH_DEFAULT_SEEDS;
	p->runs = o->runs ? o->runs : ZD_BENCH_DEFAULT_RUNS;
	p->folds = o->folds ? o->folds : ZD_BENCH_DEFAULT_FOLDS;
	p->jobs = o->jobs ? o->jobs : zd_bench_default_jobs();
	if (p->seeds < 1 || p->seeds > 1000)
		return zd_bad_input(err, "--seeds %d is not in 1..1000",
				    p->seeds);
	if (p->runs < 1 || p->runs > 1000)
		return zd_bad_input(err, "--runs %d is not in 1..1000",
				    p->runs);
	if (p->folds < 2 || p->folds > 100)
		return zd_bad_input(err,
				    "--folds %d is not in 2..100 (a fold "
				    "must leave programs to train on)",
				    p->folds);
	if (p->jobs < 1 || p->jobs > ZD_BENCH_MAX_JOBS)
		return zd_bad_input(err, "--jobs %d is not in 1..%d", p->jobs,
				    ZD_BENCH_MAX_JOBS);
	return 0;
}

/* --table-grid: "G" for every board, or "BOARD=G,..." (boards not named
 * are swept whole). Calls fn for each BOARD=G item of the list, each item
 * checked; 0 at once for the one-grid form. */
typedef int (*table_grid_fn)(const char *board, const char *grid, void *ctx,
			     struct zd_err *err);

static int table_grid_each(const char *spec, table_grid_fn fn, void *ctx,
			   struct zd_err *err)
{
	if (spec == NULL || strchr(spec, '=') == NULL)
		return 0;
	char buf[512];
	if (snprintf(buf, sizeof(buf), "%s", spec) >= (int)sizeof(buf))
		return zd_bad_input(err, "--table-grid: too long");
	char *save = NULL;
	int rc = 0;
	for (char *item = strtok_r(buf, ",", &save); rc == 0 && item;
	     item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		if (eq == NULL || eq == item)
			return zd_bad_input(err,
					    "--table-grid: '%s' is not "
					    "BOARD=GRID",
					    item);
		*eq = '\0';
		rc = fn(item, eq + 1, ctx, err);
	}
	return rc;
}

struct board_levels {
	const char *board;
	int *levels;
};

static int levels_of_board(const char *board, const char *grid, void *ctx,
			   struct zd_err *err)
{
	const struct board_levels *bl = ctx;
	int levels = 0;
	int rc = zd_sweep_parse_grid(grid, &levels, err);
	if (rc == 0 && strcmp(board, bl->board) == 0)
		*bl->levels = levels;
	return rc;
}

/* The table's levels for `board`, 0 for every decision. */
static int table_grid_levels(const char *spec, const char *board, int *levels,
			     struct zd_err *err)
{
	*levels = 0;
	if (spec != NULL && strchr(spec, '=') == NULL)
		return zd_sweep_parse_grid(spec, levels, err);
	struct board_levels bl = {.board = board, .levels = levels};
	return table_grid_each(spec, levels_of_board, &bl, err);
}

static int board_benched(const char *board, const char *grid, void *ctx,
			 struct zd_err *err)
{
	(void)grid;
	const struct bench_plan *p = ctx;
	for (int b = 0; b < p->nboards; b++)
		if (strcmp(p->boards[b].name, board) == 0)
			return 0;
	return zd_bad_input(err,
			    "--table-grid names board '%s', which is not "
			    "benched",
			    board);
}

/* Every board --table-grid names is one of the bench's. */
static int check_table_grid_boards(const struct bench_plan *p,
				   struct zd_err *err)
{
	return table_grid_each(p->o->table_grid, board_benched, (void *)p, err);
}

static bool bench_policy_known(const char *name)
{
	for (int i = 0; zd_bench_all_policies[i]; i++)
		if (strcmp(zd_bench_all_policies[i], name) == 0)
			return true;
	return false;
}

static int select_policies(struct bench_plan *p, struct zd_err *err)
{
	const struct zd_bench_opts *o = p->o;
	const char *const *names =
	    o->policies ? o->policies : zd_bench_all_policies;
	int n = 0;
	while (o->policies ? n < o->npolicies : names[n] != NULL)
		n++;
	zd_learned_policies_register();
	for (int i = 0; i < n; i++) {
		if (!bench_policy_known(names[i]) || !zd_policy_find(names[i]))
			return zd_bad_input(
			    err,
			    "no policy named '%s'; a bench "
			    "compares performance, powersave, "
			    "ondemand, conservative, schedutil, "
			    "table, qlearn and zerodvfs",
			    names[i]);
		for (int j = 0; j < p->npolicies; j++)
			if (strcmp(p->policies[j], names[i]) == 0)
				return zd_bad_input(err,
						    "policy '%s' is listed "
						    "twice",
						    names[i]);
		p->policies[p->npolicies++] = names[i];
	}
	return 0;
}

/* ---- boards ------------------------------------------------------------- */

static int add_board(struct bench_plan *p, const char *name, struct zd_err *err)
{
	struct zd_board *b = NULL;
	struct zd_action_space space;
	for (int i = 0; i < p->nboards; i++)
		if (strcmp(p->boards[i].name, name) == 0)
			return zd_bad_input(err, "board '%s' is listed twice",
					    name);
	struct zd_action *grid = NULL;
	int ngrid = 0;
	int rc = zd_board_load(name, p->o->platform_dir, &b, err);
	if (rc == 0)
		rc = zd_action_space_init(&space, b, err);
	int levels = 0;
	if (rc == 0)
		rc = table_grid_levels(p->o->table_grid, b->name, &levels, err);
	if (rc == 0)
		rc = zd_sweep_grid(&space, levels, &grid, &ngrid, err);
	if (rc == 0) {
		struct bench_board *bb = &p->boards[p->nboards++];
		snprintf(bb->name, sizeof(bb->name), "%s", b->name);
		snprintf(bb->base, sizeof(bb->base), "%s", b->name);
		bb->decisions = space.count;
		bb->table_levels = levels;
		bb->table_decisions = ngrid;
		bb->limit_c = zd_board_limit_c(b);
	}
	free(grid);
	zd_board_free(b);
	return rc;
}

static int select_boards(struct bench_plan *p, struct zd_err *err)
{
	const struct zd_bench_opts *o = p->o;
	char **all = NULL;
	int nall = 0, rc = 0;
	if (o->boards == NULL)
		rc = zd_board_list(o->platform_dir, &all, &nall, err);
	int n = o->boards ? o->nboards : nall;
	if (rc == 0 && n == 0)
		rc = zd_bad_input(err, "no board to bench in %s",
				  zd_board_dir(o->platform_dir));
	if (rc == 0 && o->perturb)
		rc = bench_perturb_parse(o->perturb, &p->perturb, err);
	if (rc == 0 &&
	    (p->boards = calloc((size_t)n * 2, sizeof(*p->boards))) == NULL)
		rc = zd_fail(err, ENOMEM, "out of memory");
	for (int i = 0; rc == 0 && i < n; i++)
		rc = add_board(p, o->boards ? o->boards[i] : all[i], err);
	zd_board_names_free(all, nall);
	if (rc == 0)
		rc = check_table_grid_boards(p, err);
	p->nplain = p->nboards;
	for (int i = 0; rc == 0 && p->perturb.on && i < p->nplain; i++) {
		struct bench_board *twin = &p->boards[p->nboards++];
		*twin = p->boards[i];
		twin->perturbed = true;
		snprintf(twin->name, sizeof(twin->name), "%.40s%s",
			 p->boards[i].base, BENCH_PERTURB_SUFFIX);
	}
	return rc;
}

/* ---- workloads and their features --------------------------------------- */

/* The static analysis, cold (no cache): what a new program costs. */
static int analyze(const struct bench_plan *p, const struct zd_workload_info *w,
		   struct bench_workload *bw, struct zd_err *err)
{
	struct zd_workload_sources ws;
	zd_workload_sources(p->o->workload_dir, w, &ws);
	struct zd_feat_request req = {.files = ws.files,
				      .nfiles = ws.nfiles,
				      .args = ws.args,
				      .nargs = ws.nargs,
				      .no_cache = true};
	double t0 = zd_monotonic_s();
	int rc = zd_features_analyze(&req, &bw->features, err);
	bw->features_ms = (zd_monotonic_s() - t0) * 1e3;
	return rc;
}

static int add_workload(struct bench_plan *p, const struct zd_manifest *m,
			const char *name, struct zd_err *err)
{
	const struct zd_workload_info *w = zd_manifest_find(m, name);
	if (w == NULL)
		return zd_bad_input(
		    err,
		    "no workload named '%s' in %s/manifest.json; "
		    "`zdvfs workloads` lists them",
		    name, zd_workload_dir(p->o->workload_dir));
	for (int i = 0; i < p->nworkloads; i++)
		if (strcmp(p->workloads[i].name, name) == 0)
			return zd_bad_input(
			    err, "workload '%s' is listed twice", name);
	struct bench_workload *bw = &p->workloads[p->nworkloads];
	snprintf(bw->name, sizeof(bw->name), "%s", w->name);
	bw->manifest_index = (int)(w - m->workloads);
	bw->group_index = w->group_index;
	int rc = analyze(p, w, bw, err);
	if (rc == 0)
		p->nworkloads++;
	return rc;
}

/* ---- programs of the user's (--profiles DIR) ------------------------------ */

/* The names of DIR/BOARD/ *.json, BOARD the first plain board. */
static int user_names(const struct bench_plan *p, char (**names)[64], int *n,
		      struct zd_err *err)
{
	char dir[PATH_MAX];
	*names = NULL;
	*n = 0;
	snprintf(dir, sizeof(dir), "%s/%s", p->o->profiles_dir,
		 p->boards[0].base);
	DIR *d = opendir(dir);
	if (d == NULL)
		return zd_bad_input(err,
				    "--profiles: %s: %s (`zdvfs characterize "
				    "--boards %s --out %s` makes it)",
				    dir, strerror(errno), p->boards[0].base,
				    p->o->profiles_dir);
	int cap = 0, rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 6 || len - 5 >= 64 ||
		    strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			void *grown = realloc(*names, (size_t)cap * 64);
			if (grown == NULL) {
				rc = zd_fail(err, ENOMEM, "out of memory");
				break;
			}
			*names = grown;
		}
		snprintf((*names)[(*n)++], 64, "%.*s", (int)(len - 5),
			 e->d_name);
	}
	closedir(d);
	if (rc == 0 && *n == 0)
		rc = zd_bad_input(err, "--profiles: no profile in %s", dir);
	return rc;
}

/* The features of a program of the user's, from the source its profile
 * records; none recorded: no features, refused where a policy needs them. */
static int add_user(struct bench_plan *p, const struct zd_manifest *m,
		    const char *name, struct zd_err *err)
{
	if (zd_manifest_find(m, name) != NULL)
		return zd_bad_input(err,
				    "--profiles: '%s' is also a workload of "
				    "the manifest: characterize it with "
				    "another --name",
				    name);
	char path[PATH_MAX];
	for (int b = 0; b < p->nplain; b++) {
		snprintf(path, sizeof(path), "%s/%s/%s.json",
			 p->o->profiles_dir, p->boards[b].base, name);
		if (access(path, R_OK) != 0)
			return zd_bad_input(err,
					    "--profiles: no profile of '%s' "
					    "for board %s (%s)",
					    name, p->boards[b].base, path);
	}
	snprintf(path, sizeof(path), "%s/%s/%s.json", p->o->profiles_dir,
		 p->boards[0].base, name);
	char source[PATH_MAX];
	int rc = zd_profile_source(path, source, sizeof(source), err);
	if (rc != 0)
		return rc;
	struct bench_workload *bw = &p->workloads[p->nworkloads];
	snprintf(bw->name, sizeof(bw->name), "%s", name);
	bw->manifest_index = -1; /* never profiled, never held out */
	bw->group_index = 0;     /* every fold's model is zero-shot for it */
	bw->user = true;
	if (source[0] == '\0') {
		for (int i = 0; i < p->npolicies; i++)
			if (strcmp(p->policies[i], "zerodvfs") == 0 ||
			    strcmp(p->policies[i], "qlearn") == 0)
				return zd_bad_input(
				    err,
				    "--profiles: %s records no source, and "
				    "%s decides from code features: "
				    "characterize it with --source FILE",
				    path, p->policies[i]);
		p->nworkloads++;
		return 0;
	}
	const char *files[] = {source};
	struct zd_feat_request req = {
	    .files = files, .nfiles = 1, .no_cache = true};
	double t0 = zd_monotonic_s();
	rc = zd_features_analyze(&req, &bw->features, err);
	bw->features_ms = (zd_monotonic_s() - t0) * 1e3;
	if (rc == 0)
		p->nworkloads++;
	return rc;
}

int bench_manifest_count(const struct zd_bench_opts *o, int manifest_count)
{
	if (o->workloads != NULL)
		return o->nworkloads;
	/* with --profiles, the manifest's workloads only where named, "all"
	 * naming every one */
	if (o->profiles_dir != NULL && !o->all_workloads)
		return 0;
	return manifest_count;
}

static int select_workloads(struct bench_plan *p, struct zd_err *err)
{
	const struct zd_bench_opts *o = p->o;
	struct zd_manifest *m = NULL;
	char(*users)[64] = NULL;
	int nusers = 0;
	int rc = zd_manifest_load(o->workload_dir, &m, err);
	if (rc == 0 && o->profiles_dir != NULL)
		rc = user_names(p, &users, &nusers, err);
	int n = rc == 0 ? bench_manifest_count(o, m->count) : 0;
	if (rc == 0 && n + nusers == 0)
		rc = zd_bad_input(err, "no workload to bench");
	if (rc == 0) {
		p->nall = m->count;
		p->all_workloads =
		    calloc((size_t)m->count, sizeof(*p->all_workloads));
		p->all_groups =
		    calloc((size_t)m->count, sizeof(*p->all_groups));
		p->workloads =
		    calloc((size_t)(n + nusers), sizeof(*p->workloads));
		if (p->all_workloads == NULL || p->all_groups == NULL ||
		    p->workloads == NULL)
			rc = zd_fail(err, ENOMEM, "out of memory");
	}
	for (int i = 0; rc == 0 && i < m->count; i++) {
		snprintf(p->all_workloads[i], sizeof(p->all_workloads[i]), "%s",
			 m->workloads[i].name);
		p->all_groups[i] = m->workloads[i].group_index;
	}
	for (int i = 0; rc == 0 && i < n; i++)
		rc = add_workload(
		    p, m, o->workloads ? o->workloads[i] : m->workloads[i].name,
		    err);
	for (int i = 0; rc == 0 && i < nusers; i++)
		rc = add_user(p, m, users[i], err);
	free(users);
	zd_manifest_free(m);
	return rc;
}

/* ---- the plan ----------------------------------------------------------- */

static int set_paths(struct bench_plan *p, struct zd_err *err)
{
	const struct zd_bench_opts *o = p->o;
	if (o->out_dir == NULL || o->out_dir[0] == '\0')
		return zd_bad_input(err, "no output directory");
	int n = snprintf(p->dir, sizeof(p->dir), "%s", o->out_dir);
	int m = o->db
	    ? snprintf(p->db, sizeof(p->db), "%s", o->db)
	    : snprintf(p->db, sizeof(p->db), "%s/bench.db", o->out_dir);
	if (n < 0 || n >= (int)sizeof(p->dir) - 64 || m < 0 ||
	    m >= (int)sizeof(p->db))
		return zd_bad_input(err, "%s: path too long", o->out_dir);
	return 0;
}

int bench_plan_init(struct bench_plan *p, const struct zd_bench_opts *o,
		    struct zd_err *err)
{
	memset(p, 0, sizeof(*p));
	p->o = o;
	p->started = (double)time(NULL);
	p->started_mono = zd_monotonic_s();
	bench_rows_init(&p->results, BENCH_RESULTS_KEY, BENCH_RESULTS_FIELDS);
	bench_rows_init(&p->tables, BENCH_TABLE_KEY, BENCH_TABLE_FIELDS);
	int rc = check_counts(p, err);
	if (rc == 0)
		rc = set_paths(p, err);
	if (rc == 0)
		rc = select_policies(p, err);
	if (rc == 0)
		rc = select_boards(p, err);
	if (rc == 0)
		rc = select_workloads(p, err);
	if (rc == 0 &&
	    (p->fold_info = calloc((size_t)p->folds, sizeof(*p->fold_info))) ==
		NULL)
		rc = zd_fail(err, ENOMEM, "out of memory");
	return rc;
}

void bench_plan_free(struct bench_plan *p)
{
	for (int w = 0; w < p->nworkloads; w++)
		zd_features_free(p->workloads[w].features);
	free(p->workloads);
	free(p->all_workloads);
	free(p->all_groups);
	free(p->boards);
	free(p->fold_info);
	bench_rows_free(&p->results);
	bench_rows_free(&p->tables);
	memset(p, 0, sizeof(*p));
}
