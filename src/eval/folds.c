/* folds.c - one leave-groups-out model per fold (every version of one
 * algorithm held out together), trained once and reused. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "base/jsonread.h"
#include "dataset.h"
#include "fit.h"
#include "folds.h"
#include "zdvfs/clock.h"
#include "zdvfs/store.h"
#include "base/jsonfile.h"

static int manifest_index(const struct bench_plan *p, const char *name)
{
	for (int i = 0; i < p->nall; i++)
		if (strcmp(p->all_workloads[i], name) == 0)
			return i;
	return -1;
}

static json_t *held_out_json(const struct bench_plan *p, int fold)
{
	json_t *a = json_array();
	for (int i = 0; a && i < p->nall; i++)
		if (bench_held_out(p, i, fold))
			json_array_append_new(a,
					      json_string(p->all_workloads[i]));
	return a;
}

static int info_path(const struct bench_plan *p, int fold, char *buf)
{
	return bench_path(p, buf, "models/fold-%d.info.json", fold);
}

static bool names_contain(const json_t *names, const char *name)
{
	size_t i;
	json_t *v;
	json_array_foreach(names, i, v) if (json_is_string(v) &&
					    strcmp(json_string_value(v),
						   name) == 0) return true;
	return false;
}

/* Whether models/fold-k.bin was made for these folds and saw every
 * selected board; its training time in *seconds. */
static bool cached_fold(const struct bench_plan *p, int fold, double *seconds)
{
	char model[PATH_MAX], info[PATH_MAX];
	if (bench_fold_path(p, fold, model) != 0 ||
	    info_path(p, fold, info) != 0 || access(model, R_OK) != 0)
		return false;
	/* a damaged summary is a miss: the fold is trained again */
	json_t *j = NULL;
	struct zd_err ignored = {0};
	zd_jr_load(info, ZD_JR_SMALL_MAX, 0, &j, &ignored);
	json_t *want = held_out_json(p, fold);
	bool ok = j && want &&
	    json_integer_value(json_object_get(j, "folds")) == p->folds &&
	    json_equal(json_object_get(j, "held_out"), want);
	for (int b = 0; ok && b < p->nplain; b++)
		ok = names_contain(json_object_get(j, "boards"),
				   p->boards[b].name);
	if (ok)
		*seconds = json_number_value(json_object_get(j, "seconds"));
	json_decref(j);
	json_decref(want);
	return ok;
}

static int write_info(const struct bench_plan *p, int fold,
		      const struct zd_dataset *ds, double seconds,
		      struct zd_err *err)
{
	char path[PATH_MAX];
	if (info_path(p, fold, path) != 0)
		return zd_fail(err, ENAMETOOLONG, "%s: path too long", p->dir);
	json_t *boards = json_array();
	for (int b = 0; boards && b < ds->nboards; b++)
		json_array_append_new(boards, json_string(ds->boards[b].name));
	json_t *j =
	    json_pack("{s:i, s:i, s:o, s:o, s:f}", "fold", fold, "folds",
		      p->folds, "held_out", held_out_json(p, fold), "boards",
		      boards, "seconds", seconds);
	int rc = j == NULL
	    ? zd_fail(err, ENOMEM, "out of memory")
	    : zd_json_write_file(j, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER,
				 "the fold's description", err);
	json_decref(j);
	return rc;
}

static int train_fold(struct bench_plan *p, const struct zd_dataset *ds,
		      int fold, struct zd_err *err)
{
	char path[PATH_MAX];
	bool *train = calloc((size_t)ds->nprograms + 1, sizeof(bool));
	if (train == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	/* programs outside the manifest (runs the user added) are never
	 * held out: no selected workload is one of them */
	for (int i = 0; i < ds->nprograms; i++)
		train[i] = !bench_held_out(
		    p, manifest_index(p, ds->programs[i].name), fold);
	struct zd_ds_filter filter = {.program_ok = train};
	struct zd_model_train_opts to = {.seed = 1,
					 .platform_dir = p->o->platform_dir};
	struct zd_model *m = NULL;
	double t0 = zd_monotonic_s();
	int rc = bench_fold_path(p, fold, path) != 0
	    ? zd_fail(err, ENAMETOOLONG, "%s: path too long", p->dir)
	    : zd_model_fit(ds, &filter, &to, &m, err);
	double seconds = zd_monotonic_s() - t0;
	if (rc == 0)
		rc = zd_model_save(m, path, err);
	if (rc == 0)
		rc = write_info(p, fold, ds, seconds, err);
	if (rc == 0)
		p->fold_info[fold].seconds = seconds;
	zd_model_free(m);
	free(train);
	return rc;
}

static int load_dataset(const struct bench_plan *p, struct zd_dataset **ds,
			struct zd_err *err)
{
	struct zd_store *st = NULL;
	struct zd_model_train_opts to = {.seed = 1,
					 .platform_dir = p->o->platform_dir};
	int rc = zd_store_open(p->db, &st, err);
	if (rc == 0)
		rc = zd_dataset_load(st, &to, ds, err);
	zd_store_close(st);
	return rc;
}

static void report_fold(const struct bench_plan *p, int fold, long done,
			long total)
{
	if (p->o->progress == NULL)
		return;
	struct zd_bench_progress pr = {
	    .phase = ZD_BENCH_PHASE_MODEL,
	    .done = done,
	    .total = total,
	    .made = p->fold_info[fold].cached ? 0 : 1,
	    .step_done = true,
	    .fold = fold,
	    .cached = p->fold_info[fold].cached,
	    .seconds = p->fold_info[fold].seconds,
	};
	p->o->progress(p->o->progress_ctx, &pr);
}

int bench_folds_prepare(struct bench_plan *p, struct zd_err *err)
{
	long total = 0, done = 0;
	for (int w = 0; w < p->nworkloads; w++)
		p->fold_info[bench_fold_of(p, &p->workloads[w])].needed = true;
	for (int k = 0; k < p->folds; k++) {
		p->fold_info[k].fold = k;
		total += p->fold_info[k].needed;
	}
	struct zd_dataset *ds = NULL;
	int rc = 0;
	for (int k = 0; rc == 0 && k < p->folds; k++) {
		struct bench_fold *f = &p->fold_info[k];
		if (!f->needed)
			continue;
		if (bench_stop_asked(p)) {
			rc = ZD_BENCH_INTERRUPTED;
			break;
		}
		f->cached = cached_fold(p, k, &f->seconds);
		if (!f->cached && ds == NULL)
			rc = load_dataset(p, &ds, err);
		if (rc == 0 && !f->cached)
			rc = train_fold(p, ds, k, err);
		if (rc == 0)
			report_fold(p, k, ++done, total);
	}
	zd_dataset_free(ds);
	return rc;
}
