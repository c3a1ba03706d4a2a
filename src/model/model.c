/* model.c - the environment model: fit, save, load, predict. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fit.h"
#include "zdvfs/sim.h"
#include "zdvfs/jsonfile.h"

static const char *const part_names[ZD_NPARTS] = {
	"time", "power", "peak", "final", "scale",
};

void zd_outcome_from_sim(const struct zd_sim_result *r, struct zd_outcome *o)
{
	memset(o, 0, sizeof(*o));
	o->makespan_s = r->makespan_s;
	o->energy_j = r->energy_j;
	o->avg_power_w = r->avg_power_w;
	o->throttled_s = r->throttled_s;
	o->cpu_energy_j = r->cpu_energy_j;
	o->nzones = r->nzones;
	o->hottest_c = -273.15;
	for (int z = 0; z < r->nzones; z++) {
		o->peak_c[z] = r->peak_mc[z] / 1000.0;
		o->final_c[z] = r->final_mc[z] / 1000.0;
		if (o->peak_c[z] > o->hottest_c)
			o->hottest_c = o->peak_c[z];
	}
}

const char *zd_model_part_name(int part)
{
	return part >= 0 && part < ZD_NPARTS ? part_names[part] : NULL;
}

static int part_ncols(int part)
{
	switch (part) {
	case ZD_PART_TIME:
	case ZD_PART_POWER:
		return ZD_NCOLS_RUN;
	case ZD_PART_PEAK:
	case ZD_PART_FINAL:
		return ZD_NCOLS_THERMAL;
	default:
		return ZD_NCOLS_SCALE;
	}
}

/* A growing row-major matrix with its targets. */
struct matrix {
	float *x, *y;
	size_t rows, cap;
	int ncols;
};

static float *matrix_row(struct matrix *m, float y, struct zd_err *err)
{
	if (m->rows == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		float *x = realloc(m->x, cap * (size_t)m->ncols * sizeof(*x));
		if (!x)
			return zd_fail(err, ENOMEM, "out of memory"), NULL;
		m->x = x;
		float *yy = realloc(m->y, cap * sizeof(*yy));
		if (!yy)
			return zd_fail(err, ENOMEM, "out of memory"), NULL;
		m->y = yy;
		m->cap = cap;
	}
	m->y[m->rows] = y;
	return m->x + m->rows++ * (size_t)m->ncols;
}

static void run_row(const struct zd_dataset *ds, const struct zd_ds_sample *s,
		    float *row)
{
	const struct zd_board_prior *bp = &ds->boards[s->board].prior;
	double start[ZD_MAX_ZONES];
	for (int z = 0; z < s->nzones; z++)
		start[z] = s->start_c[z];
	memcpy(row, ds->programs[s->program].row, sizeof(float) * ZD_NCOLS_PROGRAM);
	zd_encode_board(bp, row);
	zd_encode_start(bp, start, row);
	zd_encode_action(bp, &s->action, row);
}

static int add_sample_rows(const struct zd_dataset *ds,
			   const struct zd_ds_sample *s, struct matrix *m,
			   struct zd_err *err)
{
	const struct zd_board_prior *bp = &ds->boards[s->board].prior;
	float *row;
	if (s->ref_s > 0) {
		if (!(row = matrix_row(&m[ZD_PART_TIME],
				       (float)log(s->makespan_s / s->ref_s), err)))
			return err->code;
		run_row(ds, s, row);
	}
	if (!(row = matrix_row(&m[ZD_PART_POWER],
			       (float)log(s->avg_power_w / bp->tdp_w), err)))
		return err->code;
	run_row(ds, s, row);
	for (int z = 0; z < s->nzones; z++) {
		if (!bp->zone_modelled[z])
			continue;
		for (int part = ZD_PART_PEAK; part <= ZD_PART_FINAL; part++) {
			double t = part == ZD_PART_PEAK ? s->peak_c[z] : s->final_c[z];
			if (!(row = matrix_row(&m[part],
					       (float)zd_encode_temp_rel(bp, z, t), err)))
				return err->code;
			run_row(ds, s, row);
			zd_encode_zone(bp, z, &s->action, s->start_c[z],
				       s->makespan_s, row);
		}
	}
	return 0;
}

/* One scale row per (program, board) that has a reference. */
static int add_scale_rows(const struct zd_dataset *ds,
			  const struct zd_ds_filter *f, struct matrix *m,
			  struct zd_err *err)
{
	size_t n = (size_t)ds->nprograms * (size_t)ds->nboards;
	unsigned char *seen = calloc(n ? n : 1, 1);
	if (!seen)
		return zd_fail(err, ENOMEM, "out of memory");
	int rc = 0;
	for (long i = 0; i < ds->nsamples && rc == 0; i++) {
		const struct zd_ds_sample *s = &ds->samples[i];
		size_t k = (size_t)s->program * (size_t)ds->nboards + (size_t)s->board;
		if (!zd_ds_sample_ok(ds, f, s) || s->ref_s <= 0 || seen[k])
			continue;
		seen[k] = 1;
		float *row = matrix_row(m, (float)log(s->ref_s), err);
		if (!row) {
			rc = err->code;
			break;
		}
		memcpy(row, ds->programs[s->program].row,
		       sizeof(float) * ZD_NCOLS_PROGRAM);
		zd_encode_board(&ds->boards[s->board].prior, row);
	}
	free(seen);
	return rc;
}

static void default_params(int part, const struct zd_model_train_opts *o,
			   struct zd_gbt_params *p)
{
	memset(p, 0, sizeof(*p));
	p->trees = o->trees ? o->trees : 100;
	p->max_depth = o->max_depth ? o->max_depth : 6;
	p->eta = 0.1;
	p->subsample = 0.8;
	p->threads = o->threads;
	p->seed = o->seed;
	if (part == ZD_PART_SCALE) {
		/* a few hundred rows at most: shallow, or it memorises */
		p->max_depth = 3;
		p->trees = 60;
		p->subsample = 1.0;
	}
}

static json_t *training_info(const struct zd_dataset *ds,
			     const struct zd_ds_filter *f, const size_t *rows)
{
	json_t *info = json_object(), *progs = json_array(), *boards = json_array();
	bool *pseen = calloc((size_t)ds->nprograms + 1, sizeof(*pseen));
	bool *bseen = calloc((size_t)ds->nboards + 1, sizeof(*bseen));
	long runs = 0;
	for (long i = 0; pseen && bseen && i < ds->nsamples; i++) {
		const struct zd_ds_sample *s = &ds->samples[i];
		if (!zd_ds_sample_ok(ds, f, s))
			continue;
		runs++;
		pseen[s->program] = bseen[s->board] = true;
	}
	for (int p = 0; pseen && p < ds->nprograms; p++)
		if (pseen[p])
			json_array_append_new(progs, json_string(ds->programs[p].name));
	for (int b = 0; bseen && b < ds->nboards; b++)
		if (bseen[b])
			json_array_append_new(boards, json_string(ds->boards[b].name));
	free(pseen);
	free(bseen);
	json_object_set_new(info, "programs", progs);
	json_object_set_new(info, "boards", boards);
	json_object_set_new(info, "runs", json_integer(runs));
	json_t *jr = json_object();
	for (int part = 0; part < ZD_NPARTS; part++)
		json_object_set_new(jr, part_names[part], json_integer((json_int_t)rows[part]));
	json_object_set_new(info, "rows", jr);
	json_object_set_new(info, "created", json_integer((json_int_t)time(NULL)));
	return info;
}

int zd_model_fit(const struct zd_dataset *ds, const struct zd_ds_filter *f,
		 const struct zd_model_train_opts *o, struct zd_model **out,
		 struct zd_err *err)
{
	struct matrix m[ZD_NPARTS];
	memset(m, 0, sizeof(m));
	for (int part = 0; part < ZD_NPARTS; part++)
		m[part].ncols = part_ncols(part);
	struct zd_model *model = calloc(1, sizeof(*model));
	int rc = model ? 0 : zd_fail(err, ENOMEM, "out of memory");
	for (long i = 0; rc == 0 && i < ds->nsamples; i++)
		if (zd_ds_sample_ok(ds, f, &ds->samples[i]))
			rc = add_sample_rows(ds, &ds->samples[i], m, err);
	if (rc == 0)
		rc = add_scale_rows(ds, f, &m[ZD_PART_SCALE], err);
	for (int part = 0; rc == 0 && part < ZD_NPARTS; part++) {
		if (m[part].rows < 2) {
			rc = zd_bad_input(err, "too few runs to learn %s from (%zu); "
					  "profile more programs or boards "
					  "(every program needs its run with all "
					  "cores at the top level)",
					  part_names[part], m[part].rows);
			break;
		}
		struct zd_gbt_params p;
		default_params(part, o, &p);
		rc = zd_gbt_train(m[part].x, m[part].y, m[part].rows, m[part].ncols,
				  &p, &model->part[part], err);
	}
	size_t rows[ZD_NPARTS];
	for (int part = 0; part < ZD_NPARTS; part++) {
		rows[part] = m[part].rows;
		free(m[part].x);
		free(m[part].y);
	}
	if (rc != 0) {
		zd_model_free(model);
		return rc;
	}
	model->info = training_info(ds, f, rows);
	*out = model;
	return 0;
}

int zd_model_train(struct zd_store *s, const struct zd_model_train_opts *o,
		   struct zd_model **out, struct zd_err *err)
{
	struct zd_dataset *ds = NULL;
	int rc = zd_dataset_load(s, o, &ds, err);
	if (rc != 0)
		return rc;
	struct zd_ds_filter all = {0};
	rc = zd_model_fit(ds, &all, o, out, err);
	zd_dataset_free(ds);
	return rc;
}

void zd_model_free(struct zd_model *m)
{
	if (!m)
		return;
	for (int part = 0; part < ZD_NPARTS; part++)
		zd_gbt_free(m->part[part]);
	json_decref(m->info);
	free(m);
}

/* ---- file ---------------------------------------------------------- */

static json_t *column_names(void)
{
	json_t *cols = json_array();
	for (int i = 0; i < ZD_NCOLS_THERMAL; i++)
		json_array_append_new(cols, json_string(zd_encode_column_name(i)));
	return cols;
}

int zd_model_save(const struct zd_model *m, const char *path,
		  struct zd_err *err)
{
	json_t *root = json_object(), *parts = json_object();
	json_object_set_new(root, "format", json_string("zdvfs-model"));
	json_object_set_new(root, "version", json_integer(ZD_MODEL_FORMAT_VERSION));
	json_object_set_new(root, "zdvfs", json_string(ZDVFS_VERSION));
	json_object_set_new(root, "columns", column_names());
	json_object_set(root, "trained_on", m->info);
	for (int part = 0; part < ZD_NPARTS; part++)
		json_object_set_new(parts, part_names[part],
				    zd_gbt_to_json(m->part[part]));
	json_object_set_new(root, "models", parts);
	int rc = zd_json_write_file(root, path, JSON_COMPACT, "the model", err);
	json_decref(root);
	return rc;
}

static int check_header(const json_t *root, const char *path, struct zd_err *err)
{
	const char *format = json_string_value(json_object_get(root, "format"));
	json_t *version = json_object_get(root, "version");
	if (!json_is_object(root) || !format || strcmp(format, "zdvfs-model") != 0)
		return zd_bad_input(err, "%s: not a zdvfs model (no \"format\": "
				    "\"zdvfs-model\")", path);
	if (!json_is_integer(version))
		return zd_bad_input(err, "%s: version: missing or not an integer",
				    path);
	if (json_integer_value(version) > ZD_MODEL_FORMAT_VERSION)
		return zd_bad_input(err, "%s: written by a newer zdvfs (model "
				    "format %lld, this one reads up to %d)", path,
				    (long long)json_integer_value(version),
				    ZD_MODEL_FORMAT_VERSION);
	json_t *cols = json_object_get(root, "columns");
	if (!json_is_array(cols) || json_array_size(cols) != ZD_NCOLS_THERMAL)
		return zd_bad_input(err, "%s: columns: expected %d input names; "
				    "the model was made with another encoding, "
				    "retrain it", path, ZD_NCOLS_THERMAL);
	for (int i = 0; i < ZD_NCOLS_THERMAL; i++) {
		const char *name = json_string_value(json_array_get(cols, (size_t)i));
		if (!name || strcmp(name, zd_encode_column_name(i)) != 0)
			return zd_bad_input(err, "%s: columns[%d]: '%s' where this "
					    "zdvfs has '%s'; retrain the model",
					    path, i, name ? name : "?",
					    zd_encode_column_name(i));
	}
	if (!json_is_object(json_object_get(root, "trained_on")))
		return zd_bad_input(err, "%s: trained_on: missing", path);
	return 0;
}

int zd_model_load(const char *path, struct zd_model **out, struct zd_err *err)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	if (!root) {
		if (access(path, R_OK) != 0)
			return zd_bad_input(err, "%s: cannot read the model: %s "
					    "(train one: zdvfs model train)", path,
					    strerror(errno));
		return zd_bad_input(err, "%s:%d: not a zdvfs model (truncated or "
				    "not JSON): %s", path, jerr.line, jerr.text);
	}
	int rc = check_header(root, path, err);
	struct zd_model *m = rc == 0 ? calloc(1, sizeof(*m)) : NULL;
	if (rc == 0 && !m)
		rc = zd_fail(err, ENOMEM, "out of memory");
	json_t *parts = json_object_get(root, "models");
	for (int part = 0; rc == 0 && part < ZD_NPARTS; part++) {
		char what[4200];
		snprintf(what, sizeof(what), "%s: models.%s", path, part_names[part]);
		json_t *j = json_object_get(parts, part_names[part]);
		if (!j) {
			rc = zd_bad_input(err, "%s: missing", what);
			break;
		}
		rc = zd_gbt_from_json(j, what, &m->part[part], err);
		if (rc == 0 && zd_gbt_ncols(m->part[part]) > part_ncols(part))
			rc = zd_bad_input(err, "%s: uses %d inputs, expected %d",
					  what, zd_gbt_ncols(m->part[part]),
					  part_ncols(part));
	}
	if (rc == 0)
		m->info = json_incref(json_object_get(root, "trained_on"));
	json_decref(root);
	if (rc != 0) {
		zd_model_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

int zd_model_default_path(char *buf, size_t len, struct zd_err *err)
{
	char db[4096];
	int rc = zd_store_default_path(db, sizeof(db), err);
	if (rc != 0)
		return rc;
	char *slash = strrchr(db, '/');
	if (slash)
		*slash = '\0';
	snprintf(buf, len, "%s/model.json", slash ? db : ".");
	return 0;
}

const json_t *zd_model_info(const struct zd_model *m)
{
	return m->info;
}

/* ---- prediction ------------------------------------------------------ */

struct zd_model_query {
	const struct zd_model *model;
	struct zd_board_prior prior;
	float fixed[ZD_NCOLS_THERMAL];  /* program, board, start columns */
	double start_c[ZD_MAX_ZONES];
	double ref_s;
	struct zd_gbt *time, *power;
	struct zd_gbt *peak[ZD_MAX_ZONES], *final[ZD_MAX_ZONES];
};

static int specialise(const struct zd_gbt *g, const float *fixed,
		      int nfixed, const int *extra, int nextra,
		      struct zd_gbt **out, struct zd_err *err)
{
	unsigned char mask[ZD_NCOLS_THERMAL] = {0};
	for (int i = 0; i < nfixed; i++)
		mask[i] = 1;
	for (int i = 0; i < nextra; i++)
		mask[extra[i]] = 1;
	return zd_gbt_specialize(g, fixed, mask, out, err);
}

static int prepare_zone(struct zd_model_query *q, int z, struct zd_err *err)
{
	float row[ZD_NCOLS_THERMAL];
	struct zd_action any;
	zd_action_max(&q->prior.space, &any);
	memcpy(row, q->fixed, sizeof(row));
	zd_encode_zone(&q->prior, z, &any, q->start_c[z], 1.0, row);
	/* the start temperatures stay inputs: zd_model_query_set_start */
	const int zone_fixed[] = {ZD_COL_ZONE + 2};
	int rc = specialise(q->model->part[ZD_PART_PEAK], row, ZD_COL_START,
			    zone_fixed, 1, &q->peak[z], err);
	if (rc == 0)
		rc = specialise(q->model->part[ZD_PART_FINAL], row, ZD_COL_START,
				zone_fixed, 1, &q->final[z], err);
	return rc;
}

int zd_model_query_new(const struct zd_model *m, const struct zd_board *b,
		       const struct zd_model_query_opts *o,
		       struct zd_model_query **out, struct zd_err *err)
{
	struct zd_model_query *q = calloc(1, sizeof(*q));
	if (!q)
		return zd_fail(err, ENOMEM, "out of memory");
	q->model = m;
	int rc = zd_board_prior_init(&q->prior, b, err);
	for (int z = 0; rc == 0 && z < q->prior.nzones; z++)
		q->start_c[z] = o->start_mc ? o->start_mc[z] * 1e-3
					    : q->prior.ambient_c;
	if (rc == 0) {
		zd_encode_program(o->features, q->fixed);
		zd_encode_board(&q->prior, q->fixed);
		zd_encode_start(&q->prior, q->start_c, q->fixed);
		q->ref_s = o->ref_makespan_s > 0
				   ? o->ref_makespan_s
				   : exp(zd_gbt_predict(m->part[ZD_PART_SCALE],
							q->fixed));
		rc = specialise(m->part[ZD_PART_TIME], q->fixed, ZD_COL_START,
				NULL, 0, &q->time, err);
	}
	if (rc == 0)
		rc = specialise(m->part[ZD_PART_POWER], q->fixed, ZD_COL_START,
				NULL, 0, &q->power, err);
	for (int z = 0; rc == 0 && z < q->prior.nzones; z++)
		if (q->prior.zone_modelled[z])
			rc = prepare_zone(q, z, err);
	if (rc != 0) {
		zd_model_query_free(q);
		return rc;
	}
	*out = q;
	return 0;
}

void zd_model_query_free(struct zd_model_query *q)
{
	if (!q)
		return;
	zd_gbt_free(q->time);
	zd_gbt_free(q->power);
	for (int z = 0; z < ZD_MAX_ZONES; z++) {
		zd_gbt_free(q->peak[z]);
		zd_gbt_free(q->final[z]);
	}
	free(q);
}

const struct zd_action_space *zd_model_query_space(const struct zd_model_query *q)
{
	return &q->prior.space;
}

double zd_model_query_scale_s(const struct zd_model_query *q)
{
	return q->ref_s;
}

void zd_model_predict_perf(const struct zd_model_query *q,
			   const struct zd_action *a, struct zd_outcome *out)
{
	const struct zd_board_prior *bp = &q->prior;
	float row[ZD_NCOLS_RUN];
	memcpy(row, q->fixed, sizeof(row));
	zd_encode_action(bp, a, row);
	memset(out, 0, sizeof(*out));
	out->makespan_s = q->ref_s * exp(zd_gbt_predict(q->time, row));
	out->avg_power_w = bp->tdp_w * exp(zd_gbt_predict(q->power, row));
	out->energy_j = out->makespan_s * out->avg_power_w;
	out->hottest_c = NAN;
}

void zd_model_predict(const struct zd_model_query *q, const struct zd_action *a,
		      struct zd_outcome *out)
{
	const struct zd_board_prior *bp = &q->prior;
	float row[ZD_NCOLS_THERMAL];
	memcpy(row, q->fixed, sizeof(row));
	zd_encode_action(bp, a, row);
	memset(out, 0, sizeof(*out));
	out->makespan_s = q->ref_s * exp(zd_gbt_predict(q->time, row));
	out->avg_power_w = bp->tdp_w * exp(zd_gbt_predict(q->power, row));
	out->energy_j = out->makespan_s * out->avg_power_w;
	out->nzones = bp->nzones;
	out->hottest_c = -273.15;
	for (int z = 0; z < bp->nzones; z++) {
		double start = q->start_c[z];
		out->peak_c[z] = out->final_c[z] = start;
		if (bp->zone_modelled[z]) {
			zd_encode_zone(bp, z, a, start, out->makespan_s, row);
			double peak = zd_encode_temp_abs(bp, z, zd_gbt_predict(q->peak[z], row));
			out->final_c[z] = zd_encode_temp_abs(bp, z,
							     zd_gbt_predict(q->final[z], row));
			/* the peak includes the start and the end */
			out->peak_c[z] = fmax(peak, fmax(start, out->final_c[z]));
		}
		if (out->peak_c[z] > out->hottest_c)
			out->hottest_c = out->peak_c[z];
	}
}

/* Actions go through in blocks, each regressor walking the block's rows
 * side by side (zd_gbt_predict_rows keeps a tree in L1 for all of them). */
#define PREDICT_BLOCK 64

static void predict_zone_block(const struct zd_model_query *q, int z,
			       const struct zd_action *acts, int n, float *x,
			       struct zd_outcome *out)
{
	const struct zd_board_prior *bp = &q->prior;
	float peak[PREDICT_BLOCK], fin[PREDICT_BLOCK];
	for (int r = 0; r < n; r++)
		zd_encode_zone(bp, z, &acts[r], q->start_c[z], out[r].makespan_s,
			       x + (size_t)r * ZD_NCOLS_THERMAL);
	zd_gbt_predict_strided(q->peak[z], x, (size_t)n, ZD_NCOLS_THERMAL, peak);
	zd_gbt_predict_strided(q->final[z], x, (size_t)n, ZD_NCOLS_THERMAL, fin);
	for (int r = 0; r < n; r++) {
		double start = q->start_c[z];
		out[r].final_c[z] = zd_encode_temp_abs(bp, z, fin[r]);
		out[r].peak_c[z] = fmax(zd_encode_temp_abs(bp, z, peak[r]),
					fmax(start, out[r].final_c[z]));
	}
}

static void predict_block(const struct zd_model_query *q, int first, int n,
			  float *x, struct zd_outcome *out)
{
	const struct zd_board_prior *bp = &q->prior;
	struct zd_action acts[PREDICT_BLOCK];
	float yt[PREDICT_BLOCK], yp[PREDICT_BLOCK];
	for (int r = 0; r < n; r++) {
		float *row = x + (size_t)r * ZD_NCOLS_THERMAL;
		zd_action_at(&bp->space, first + r, &acts[r]);
		memcpy(row, q->fixed, sizeof(q->fixed));
		zd_encode_action(bp, &acts[r], row);
	}
	zd_gbt_predict_strided(q->time, x, (size_t)n, ZD_NCOLS_THERMAL, yt);
	zd_gbt_predict_strided(q->power, x, (size_t)n, ZD_NCOLS_THERMAL, yp);
	for (int r = 0; r < n; r++) {
		struct zd_outcome *o = &out[r];
		memset(o, 0, sizeof(*o));
		o->makespan_s = q->ref_s * exp(yt[r]);
		o->avg_power_w = bp->tdp_w * exp(yp[r]);
		o->energy_j = o->makespan_s * o->avg_power_w;
		o->nzones = bp->nzones;
		for (int z = 0; z < bp->nzones; z++)
			o->peak_c[z] = o->final_c[z] = q->start_c[z];
	}
	for (int z = 0; z < bp->nzones; z++)
		if (bp->zone_modelled[z])
			predict_zone_block(q, z, acts, n, x, out);
	for (int r = 0; r < n; r++) {
		out[r].hottest_c = -273.15;
		for (int z = 0; z < bp->nzones; z++)
			if (out[r].peak_c[z] > out[r].hottest_c)
				out[r].hottest_c = out[r].peak_c[z];
	}
}

void zd_model_predict_all(const struct zd_model_query *q,
			  struct zd_outcome *out)
{
	static _Thread_local float x[PREDICT_BLOCK * ZD_NCOLS_THERMAL];
	int count = q->prior.space.count;
	for (int first = 0; first < count; first += PREDICT_BLOCK) {
		int n = count - first < PREDICT_BLOCK ? count - first : PREDICT_BLOCK;
		predict_block(q, first, n, x, out + first);
	}
}

void zd_model_query_set_scale_s(struct zd_model_query *q, double ref_s)
{
	q->ref_s = ref_s;
}

void zd_model_query_set_start(struct zd_model_query *q, const int *start_mc)
{
	for (int z = 0; z < q->prior.nzones; z++)
		q->start_c[z] = start_mc ? start_mc[z] * 1e-3 : q->prior.ambient_c;
	zd_encode_start(&q->prior, q->start_c, q->fixed);
}
