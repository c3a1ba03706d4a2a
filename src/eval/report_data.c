/* report_data.c - meta.json, results.csv and table.csv of a bench output
 * directory, read and checked against docs/bench-format.md. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "base/jsonread.h"
#include "report_csv.h"
#include "report_data.h"

const char *const rep_policy_names[REP_NPOLICIES] = {
    "performance", "powersave", "ondemand", "conservative",
    "schedutil",   "table",     "qlearn",   "zerodvfs",
};

/* More cells than this is not a bench but a broken meta.json. */
#define MAX_CELLS (64L * 1024 * 1024)

int rep_data_board(const struct rep_data *d, const char *name)
{
	for (int i = 0; i < d->meta.nboards; i++)
		if (strcmp(d->meta.boards[i].name, name) == 0)
			return i;
	return -1;
}

int rep_data_workload(const struct rep_data *d, const char *name)
{
	for (int i = 0; i < d->meta.nworkloads; i++)
		if (strcmp(d->meta.workloads[i], name) == 0)
			return i;
	return -1;
}

static int policy_index(const char *name)
{
	for (int i = 0; i < REP_NPOLICIES; i++)
		if (strcmp(rep_policy_names[i], name) == 0)
			return i;
	return -1;
}

static long cell_index(const struct rep_data *d, int b, int w, int p, int seed,
		       int run)
{
	const struct rep_meta *m = &d->meta;
	return ((((long)b * m->nworkloads + w) * REP_NPOLICIES + p) * m->seeds +
		(seed - 1)) *
	    m->runs +
	    run;
}

const struct rep_run *rep_data_run(const struct rep_data *d, int board,
				   int workload, int policy, int seed, int run)
{
	if (seed < 1 || seed > d->meta.seeds || run < 0 || run >= d->meta.runs)
		return NULL;
	long i = d->cell[cell_index(d, board, workload, policy, seed, run)];
	return i < 0 ? NULL : &d->runs[i];
}

/* ---- meta.json ---------------------------------------------------------- */

/* Names become file names and gnuplot strings: letters, digits, . _ + -. */
static int plain_name(const char *s)
{
	if (s[0] == '\0' || s[0] == '.')
		return 0;
	for (; *s != '\0'; s++)
		if (strchr(
			"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			"0123456789._+-",
			*s) == NULL)
			return 0;
	return 1;
}

/* Copy string member KEY of OBJ into OUT (cut to fit); absent is "", not
 * a string an error. */
static int meta_string(const char *path, json_t *obj, const char *key,
		       char *out, size_t size, struct zd_err *err)
{
	json_t *v = json_object_get(obj, key);
	out[0] = '\0';
	if (v == NULL)
		return 0;
	if (!json_is_string(v))
		return zd_bad_input(err, "%s: %s: not a string", path, key);
	/* Shown, never parsed: a long command line is cut, not refused. */
	snprintf(out, size, "%s", json_string_value(v));
	return 0;
}

/* Number member KEY of OBJ; absent is NAN. WHERE names OBJ in messages. */
static int meta_number(const char *path, const char *where, json_t *obj,
		       const char *key, double *out, struct zd_err *err)
{
	json_t *v = json_object_get(obj, key);
	*out = NAN;
	if (v == NULL)
		return 0;
	if (!json_is_number(v))
		return zd_bad_input(err, "%s: %s%s: not a number", path, where,
				    key);
	*out = json_number_value(v);
	return 0;
}

/* Required whole number KEY in [MIN, MAX]. */
static int meta_count(const char *path, json_t *obj, const char *key, int min,
		      int max, int *out, struct zd_err *err)
{
	json_t *v = json_object_get(obj, key);
	if (!json_is_integer(v))
		return zd_bad_input(
		    err, "%s: %s: missing or not a whole number", path, key);
	json_int_t n = json_integer_value(v);
	if (n < min || n > max)
		return zd_bad_input(err, "%s: %s: %lld is not in %d..%d", path,
				    key, (long long)n, min, max);
	*out = (int)n;
	return 0;
}

static int meta_boards(const char *path, json_t *root, struct rep_meta *m,
		       struct zd_err *err)
{
	json_t *list = json_object_get(root, "boards");
	if (!json_is_array(list) || json_array_size(list) == 0)
		return zd_bad_input(err, "%s: boards: missing or empty", path);
	m->boards = calloc(json_array_size(list), sizeof(*m->boards));
	if (m->boards == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e)
	{
		struct rep_board *b = &m->boards[i];
		char where[64];
		snprintf(where, sizeof(where), "boards[%zu].", i);
		json_t *name = json_object_get(e, "name");
		if (!json_is_string(name) ||
		    json_string_length(name) >= sizeof(b->name) ||
		    !plain_name(json_string_value(name)))
			return zd_bad_input(err,
					    "%s: %sname: missing, too long "
					    "or not letters, digits, . _ + -",
					    path, where);
		snprintf(b->name, sizeof(b->name), "%s",
			 json_string_value(name));
		double decisions;
		int rc =
		    meta_number(path, where, e, "limit_c", &b->limit_c, err);
		double table_decisions;
		if (rc == 0)
			rc = meta_number(path, where, e, "decisions",
					 &decisions, err);
		if (rc == 0)
			rc = meta_number(path, where, e, "table_decisions",
					 &table_decisions, err);
		if (rc != 0)
			return rc;
		if (isnan(b->limit_c))
			return zd_bad_input(err, "%s: %slimit_c: missing", path,
					    where);
		b->decisions = isnan(decisions) ? -1 : (long)decisions;
		b->table_decisions = isnan(table_decisions)
		    ? b->decisions
		    : (long)table_decisions;
		for (size_t k = 0; k < i; k++)
			if (strcmp(m->boards[k].name, b->name) == 0)
				return zd_bad_input(err,
						    "%s: %sname: '%s' "
						    "twice",
						    path, where, b->name);
		m->nboards = (int)i + 1;
	}
	return 0;
}

static int meta_workloads(const char *path, json_t *root, struct rep_meta *m,
			  struct zd_err *err)
{
	json_t *list = json_object_get(root, "workloads");
	if (!json_is_array(list) || json_array_size(list) == 0)
		return zd_bad_input(err, "%s: workloads: missing or empty",
				    path);
	size_t n = json_array_size(list);
	m->workloads = calloc(n, sizeof(*m->workloads));
	m->features_ms = calloc(n, sizeof(*m->features_ms));
	if (m->workloads == NULL || m->features_ms == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	json_t *features = json_object_get(root, "features_ms");
	if (features != NULL && !json_is_object(features))
		return zd_bad_input(err, "%s: features_ms: not an object",
				    path);
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e)
	{
		if (!json_is_string(e) ||
		    json_string_length(e) >= REP_NAME_MAX ||
		    !plain_name(json_string_value(e)))
			return zd_bad_input(err,
					    "%s: workloads[%zu]: not a "
					    "name (letters, digits, . _ + -)",
					    path, i);
		const char *name = json_string_value(e);
		snprintf(m->workloads[i], REP_NAME_MAX, "%s", name);
		m->features_ms[i] = NAN;
		json_t *ms = json_object_get(features, name);
		if (ms != NULL && !json_is_number(ms))
			return zd_bad_input(err,
					    "%s: features_ms.%s: not a "
					    "number",
					    path, name);
		if (ms != NULL)
			m->features_ms[i] = json_number_value(ms);
		m->nworkloads = (int)i + 1;
	}
	return 0;
}

/* profiling{runs, seconds} and models[].seconds: how long training took. */
static int meta_costs(const char *path, json_t *root, struct rep_meta *m,
		      struct zd_err *err)
{
	json_t *prof = json_object_get(root, "profiling");
	double runs = NAN;
	m->profiling_s = NAN;
	if (prof != NULL) {
		int rc =
		    meta_number(path, "profiling.", prof, "runs", &runs, err);
		if (rc == 0)
			rc = meta_number(path, "profiling.", prof, "seconds",
					 &m->profiling_s, err);
		if (rc != 0)
			return rc;
	}
	m->profiling_runs = isnan(runs) ? -1 : (long)runs;
	json_t *models = json_object_get(root, "models");
	m->models_s = NAN;
	if (models == NULL)
		return 0;
	if (!json_is_array(models))
		return zd_bad_input(err, "%s: models: not a list", path);
	size_t i;
	json_t *e;
	json_array_foreach(models, i, e)
	{
		char where[64];
		double s;
		snprintf(where, sizeof(where), "models[%zu].", i);
		int rc = meta_number(path, where, e, "seconds", &s, err);
		if (rc != 0)
			return rc;
		if (!isnan(s))
			m->models_s =
			    (isnan(m->models_s) ? 0 : m->models_s) + s;
		m->nmodels = (int)i + 1;
	}
	return 0;
}

static int meta_load(const char *dir, struct rep_meta *m, struct zd_err *err)
{
	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/meta.json", dir);
	if (access(path, F_OK) != 0)
		return zd_fail(err, errno,
			       "%s: cannot open: %s (not a "
			       "`zdvfs bench` output directory?)",
			       path, strerror(errno));
	json_t *root = NULL;
	int rc = zd_jr_load(path, ZD_JR_SMALL_MAX, JSON_REJECT_DUPLICATES,
			    &root, err);
	if (rc != 0)
		return rc;
	rc = json_is_object(root)
	    ? 0
	    : zd_bad_input(err, "%s: not a JSON object", path);
	if (rc == 0)
		rc = meta_string(path, root, "zdvfs", m->version,
				 sizeof(m->version), err);
	if (rc == 0)
		rc = meta_string(path, root, "command", m->command,
				 sizeof(m->command), err);
	if (rc == 0)
		rc = meta_string(path, root, "started", m->started,
				 sizeof(m->started), err);
	if (rc == 0)
		rc =
		    meta_string(path, root, "trace_workload", m->trace_workload,
				sizeof(m->trace_workload), err);
	if (rc == 0)
		rc = meta_string(path, root, "scenario", m->scenario,
				 sizeof(m->scenario), err);
	if (rc == 0 && m->scenario[0] == '\0')
		snprintf(m->scenario, sizeof(m->scenario), "cold");
	if (rc == 0)
		rc = meta_string(path, root, "energy", m->energy,
				 sizeof(m->energy), err);
	if (rc == 0 && m->energy[0] == '\0')
		snprintf(m->energy, sizeof(m->energy), "board");
	if (rc == 0 && strcmp(m->energy, "board") != 0 &&
	    strcmp(m->energy, "cpu") != 0)
		rc = zd_bad_input(err, "%s: energy: '%s' is not board or cpu",
				  path, m->energy);
	if (rc == 0)
		rc = meta_number(path, "", root, "seconds", &m->seconds, err);
	if (rc == 0)
		rc = meta_count(path, root, "seeds", 1, 100000, &m->seeds, err);
	if (rc == 0)
		rc = meta_count(path, root, "runs", 1, 100000, &m->runs, err);
	if (rc == 0 && json_object_get(root, "folds") != NULL)
		rc = meta_count(path, root, "folds", 1, 100000, &m->folds, err);
	json_t *policies = json_object_get(root, "policies");
	if (rc == 0 && policies != NULL && !json_is_array(policies))
		rc = zd_bad_input(err, "%s: policies: not a list", path);
	m->npolicies = (int)json_array_size(policies);
	for (int i = 0; i < REP_NPOLICIES; i++)
		m->policy_selected[i] = m->npolicies == 0;
	for (int i = 0; rc == 0 && i < m->npolicies; i++) {
		const char *name =
		    json_string_value(json_array_get(policies, (size_t)i));
		int p = name ? policy_index(name) : -1;
		if (p < 0)
			rc = zd_bad_input(err,
					  "%s: policies[%d]: not one of the "
					  "bench's policies",
					  path, i);
		else
			m->policy_selected[p] = true;
	}
	if (rc == 0)
		rc = meta_boards(path, root, m, err);
	if (rc == 0)
		rc = meta_workloads(path, root, m, err);
	if (rc == 0)
		rc = meta_costs(path, root, m, err);
	json_decref(root);
	return rc;
}

/* ---- results.csv -------------------------------------------------------- */

enum result_col {
	COL_BOARD,
	COL_WORKLOAD,
	COL_POLICY,
	COL_SEED,
	COL_RUN,
	COL_MAKESPAN,
	COL_ENERGY,
	COL_POWER,
	COL_PEAK,
	COL_THROTTLED,
	COL_VIOLATIONS,
	COL_LATENCY,
	COL_REWARD,
	COL_PRED_MAKESPAN,
	COL_PRED_ENERGY,
	COL_PRED_PEAK,
	COL_CPU_ENERGY,
	NCOLS
};
/* Columns an older results.csv may lack. */
#define COL_FIRST_OPTIONAL COL_CPU_ENERGY

static const char *const result_cols[NCOLS] = {
    "board",
    "workload",
    "policy",
    "seed",
    "run",
    "makespan_s",
    "energy_j",
    "avg_power_w",
    "peak_temp_c",
    "throttled_s",
    "violations",
    "decision_latency_us",
    "reward",
    "predicted_makespan_s",
    "predicted_energy_j",
    "predicted_peak_c",
    "cpu_energy_j",
};

/* parse_run's answer for a line of an earlier bench in the same
 * directory that asked for other boards, workloads, policies, seeds or
 * runs: not an error, not this report's. */
#define RUN_OTHER_SELECTION 1

/* The numbers of one line; measured quantities must be positive. */
static int parse_measures(const struct rep_csv *c, const int *col,
			  struct rep_run *r, struct zd_err *err)
{
	struct {
		int col;
		int optional;
		double *out;
	} num[] = {
	    {COL_MAKESPAN, 0, &r->makespan_s},
	    {COL_ENERGY, 0, &r->energy_j},
	    {COL_POWER, 1, &r->avg_power_w},
	    {COL_PEAK, 0, &r->peak_c},
	    {COL_THROTTLED, 1, &r->throttled_s},
	    {COL_LATENCY, 1, &r->latency_us},
	    {COL_REWARD, 1, &r->reward},
	    {COL_PRED_MAKESPAN, 1, &r->pred_makespan_s},
	    {COL_PRED_ENERGY, 1, &r->pred_energy_j},
	    {COL_PRED_PEAK, 1, &r->pred_peak_c},
	};
	for (size_t k = 0; k < sizeof(num) / sizeof(num[0]); k++) {
		int rc = rep_csv_number(c, col[num[k].col], num[k].optional,
					num[k].out, err);
		if (rc != 0)
			return rc;
	}
	if (!(r->makespan_s > 0) || !(r->energy_j > 0))
		return zd_bad_input(err,
				    "%s:%ld:%d: makespan_s and energy_j "
				    "must be > 0",
				    c->path, c->lineno,
				    c->col[col[COL_MAKESPAN]]);
	r->cpu_energy_j = NAN;
	if (col[COL_CPU_ENERGY] >= 0) {
		int rc = rep_csv_number(c, col[COL_CPU_ENERGY], 1,
					&r->cpu_energy_j, err);
		if (rc != 0)
			return rc;
	}
	long v;
	int rc = rep_csv_int(c, col[COL_VIOLATIONS], 0, 1, &v, err);
	r->violation = (int)v;
	return rc;
}

static int parse_run(const struct rep_data *d, const struct rep_csv *c,
		     const int *col, struct rep_run *r, struct zd_err *err)
{
	char name[REP_NAME_MAX];
	memset(r, 0, sizeof(*r));
	r->line = c->lineno;
	int rc = rep_csv_text(c, col[COL_BOARD], name, sizeof(name), err);
	if (rc == 0)
		r->board = rep_data_board(d, name);
	if (rc == 0)
		rc =
		    rep_csv_text(c, col[COL_WORKLOAD], name, sizeof(name), err);
	if (rc == 0)
		r->workload = rep_data_workload(d, name);
	if (rc == 0)
		rc = rep_csv_text(c, col[COL_POLICY], name, sizeof(name), err);
	if (rc == 0) {
		r->policy = policy_index(name);
		if (r->policy < 0)
			rc = zd_bad_input(err,
					  "%s:%ld:%d: policy '%s' is not "
					  "one of the bench's",
					  c->path, c->lineno,
					  c->col[col[COL_POLICY]], name);
	}
	long seed = 0, run = 0;
	if (rc == 0)
		rc = rep_csv_int(c, col[COL_SEED], 1, 100000, &seed, err);
	if (rc == 0)
		rc = rep_csv_int(c, col[COL_RUN], 0, 100000, &run, err);
	r->seed = (int)seed;
	r->run = (int)run;
	if (rc == 0)
		rc = parse_measures(c, col, r, err);
	/* EDP and the energy figures use the rail the bench chose */
	r->board_energy_j = r->energy_j;
	if (rc == 0 && strcmp(d->meta.energy, "cpu") == 0) {
		if (!(r->cpu_energy_j > 0))
			rc = zd_bad_input(err,
					  "%s:%ld: the bench's energy is the "
					  "CPU rail's, but cpu_energy_j is "
					  "missing",
					  c->path, c->lineno);
		r->energy_j = r->cpu_energy_j;
	}
	if (rc == 0 &&
	    (r->board < 0 || r->workload < 0 ||
	     !d->meta.policy_selected[r->policy] || seed > d->meta.seeds ||
	     run >= d->meta.runs))
		rc = RUN_OTHER_SELECTION;
	return rc;
}

/* Append R, refusing a second line for the same key. */
static int add_run(struct rep_data *d, const struct rep_csv *c,
		   const struct rep_run *r, size_t *cap, struct zd_err *err)
{
	long *slot = &d->cell[cell_index(d, r->board, r->workload, r->policy,
					 r->seed, r->run)];
	if (*slot >= 0)
		return zd_bad_input(err,
				    "%s:%ld:1: the same board, workload, "
				    "policy, seed and run as line %ld",
				    c->path, c->lineno, d->runs[*slot].line);
	if (d->nruns == *cap) {
		size_t ncap = *cap ? *cap * 2 : 1024;
		struct rep_run *n = realloc(d->runs, ncap * sizeof(*n));
		if (n == NULL)
			return zd_fail(err, ENOMEM, "out of memory");
		d->runs = n;
		*cap = ncap;
	}
	d->runs[d->nruns] = *r;
	*slot = (long)d->nruns++;
	return 0;
}

static int results_load(struct rep_data *d, struct zd_err *err)
{
	const struct rep_meta *m = &d->meta;
	long ncells = (long)m->nboards * m->nworkloads * REP_NPOLICIES *
	    m->seeds * m->runs;
	if (ncells > MAX_CELLS)
		return zd_bad_input(err,
				    "%s/meta.json: %ld board × workload × "
				    "policy × seed × run cells is too many",
				    d->dir, ncells);
	d->cell = malloc((size_t)ncells * sizeof(*d->cell));
	if (d->cell == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	for (long i = 0; i < ncells; i++)
		d->cell[i] = -1;
	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/results.csv", d->dir);
	struct rep_csv c;
	int rc = rep_csv_open(&c, path, err);
	if (rc != 0)
		return rc;
	int col[NCOLS];
	for (int k = 0; k < NCOLS && rc == 0; k++) {
		struct zd_err ignored = {0};
		col[k] =
		    rep_csv_column(&c, result_cols[k],
				   k >= COL_FIRST_OPTIONAL ? &ignored : err);
		rc = col[k] < 0 && k < COL_FIRST_OPTIONAL ? col[k] : 0;
	}
	size_t cap = 0;
	while (rc == 0 && (rc = rep_csv_next(&c, err)) > 0) {
		struct rep_run r;
		rc = parse_run(d, &c, col, &r, err);
		if (rc == RUN_OTHER_SELECTION) {
			d->nskipped++;
			rc = 0;
		} else if (rc == 0) {
			rc = add_run(d, &c, &r, &cap, err);
		}
	}
	rep_csv_close(&c);
	return rc;
}

/* ---- table.csv ---------------------------------------------------------- */

static int parse_sweep(const struct rep_data *d, const struct rep_csv *c,
		       const int *col, struct rep_sweep *s, struct zd_err *err)
{
	char name[REP_NAME_MAX];
	int rc = rep_csv_text(c, col[0], name, sizeof(name), err);
	if (rc == 0)
		s->board = rep_data_board(d, name);
	if (rc == 0)
		rc = rep_csv_text(c, col[1], name, sizeof(name), err);
	if (rc == 0)
		s->workload = rep_data_workload(d, name);
	if (rc == 0)
		rc = rep_csv_int(c, col[2], 1, 1L << 40, &s->decisions, err);
	if (rc == 0)
		rc = rep_csv_number(c, col[3], 0, &s->sweep_s, err);
	if (rc == 0 && !(s->sweep_s > 0))
		rc = zd_bad_input(err, "%s:%ld:%d: sweep_s must be > 0",
				  c->path, c->lineno, c->col[col[3]]);
	if (rc == 0 && (s->board < 0 || s->workload < 0))
		rc = RUN_OTHER_SELECTION;
	return rc;
}

/* table.csv is written after the oracle's sweeps: absent is no error. */
static int sweeps_load(struct rep_data *d, struct zd_err *err)
{
	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/table.csv", d->dir);
	if (access(path, F_OK) != 0)
		return 0;
	struct rep_csv c;
	int rc = rep_csv_open(&c, path, err);
	if (rc != 0)
		return rc;
	static const char *const names[] = {"board", "workload", "decisions",
					    "sweep_s"};
	int col[4];
	for (int k = 0; k < 4 && rc == 0; k++) {
		col[k] = rep_csv_column(&c, names[k], err);
		rc = col[k] < 0 ? col[k] : 0;
	}
	size_t cap = 0;
	while (rc == 0 && (rc = rep_csv_next(&c, err)) > 0) {
		struct rep_sweep s;
		rc = parse_sweep(d, &c, col, &s, err);
		if (rc == RUN_OTHER_SELECTION) {
			rc = 0;
			continue;
		}
		if (rc == 0 && d->nsweeps == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct rep_sweep *n =
			    realloc(d->sweeps, ncap * sizeof(*n));
			if (n == NULL)
				rc = zd_fail(err, ENOMEM, "out of memory");
			else {
				d->sweeps = n;
				cap = ncap;
			}
		}
		if (rc == 0)
			d->sweeps[d->nsweeps++] = s;
	}
	rep_csv_close(&c);
	return rc;
}

int rep_data_load(const char *dir, struct rep_data *d, struct zd_err *err)
{
	memset(d, 0, sizeof(*d));
	if (strlen(dir) >= sizeof(d->dir))
		return zd_bad_input(err, "%s: path too long", dir);
	snprintf(d->dir, sizeof(d->dir), "%s", dir);
	int rc = meta_load(dir, &d->meta, err);
	if (rc == 0)
		rc = results_load(d, err);
	if (rc == 0)
		rc = sweeps_load(d, err);
	if (rc != 0)
		rep_data_free(d);
	return rc;
}

void rep_data_free(struct rep_data *d)
{
	free(d->meta.boards);
	free(d->meta.workloads);
	free(d->meta.features_ms);
	free(d->runs);
	free(d->cell);
	free(d->sweeps);
	memset(d, 0, sizeof(*d));
}
