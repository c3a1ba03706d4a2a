/* dataset.c - load runs, features and boards once for training. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features/features_json.h"
#include "dataset.h"

static int find_program(struct zd_dataset *ds, const char *name)
{
	for (int i = 0; i < ds->nprograms; i++)
		if (strcmp(ds->programs[i].name, name) == 0)
			return i;
	return -1;
}

static int find_board(struct zd_dataset *ds, const char *name)
{
	for (int i = 0; i < ds->nboards; i++)
		if (strcmp(ds->boards[i].name, name) == 0)
			return i;
	return -1;
}

struct load_ctx {
	struct zd_store *store;
	struct zd_dataset *ds;
	const struct zd_model_train_opts *opts;
	struct zd_err *err;
};

static int add_program(struct load_ctx *lc, const char *name, int *index)
{
	struct zd_dataset *ds = lc->ds;
	char *hash = NULL, *text = NULL;
	int rc = zd_store_get_program(lc->store, name, &hash, &text, lc->err);
	if (rc == ZD_STORE_NOT_FOUND)
		return zd_bad_input(lc->err,
				    "%s: runs of program '%s' but no "
				    "features for it",
				    zd_store_path(lc->store), name);
	if (rc != 0)
		return rc;
	char what[4200];
	snprintf(what, sizeof(what), "%s: program '%s': features",
		 zd_store_path(lc->store), name);
	struct zd_features *f = NULL;
	rc = zd_features_from_text(text, what, &f, lc->err);
	free(hash);
	free(text);
	if (rc != 0)
		return rc;
	struct zd_ds_program *p =
	    realloc(ds->programs, (size_t)(ds->nprograms + 1) * sizeof(*p));
	if (!p) {
		zd_features_free(f);
		return zd_fail(lc->err, ENOMEM, "out of memory");
	}
	ds->programs = p;
	p = &ds->programs[ds->nprograms];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	zd_encode_program(f, p->row);
	zd_features_free(f);
	p->group = ds->ngroups++;
	*index = ds->nprograms++;
	return 0;
}

static int add_board(struct load_ctx *lc, const char *name, int *index)
{
	struct zd_dataset *ds = lc->ds;
	struct zd_board *b = NULL;
	int rc = zd_board_load(name, lc->opts->platform_dir, &b, lc->err);
	if (rc != 0)
		return rc;
	struct zd_ds_board *nb =
	    realloc(ds->boards, (size_t)(ds->nboards + 1) * sizeof(*nb));
	if (!nb) {
		zd_board_free(b);
		return zd_fail(lc->err, ENOMEM, "out of memory");
	}
	ds->boards = nb;
	nb = &ds->boards[ds->nboards];
	memset(nb, 0, sizeof(*nb));
	snprintf(nb->name, sizeof(nb->name), "%s", name);
	nb->board = b;
	ds->nboards++;
	if ((rc = zd_board_prior_init(&nb->prior, b, lc->err)) != 0)
		return rc;
	*index = ds->nboards - 1;
	return 0;
}

static bool board_selected(const struct zd_model_train_opts *o,
			   const char *name)
{
	if (!o->boards)
		return true;
	for (int i = 0; i < o->nboards; i++)
		if (strcmp(o->boards[i], name) == 0)
			return true;
	return false;
}

static int collect_run(void *ctx, const struct zd_run_record *r)
{
	struct load_ctx *lc = ctx;
	struct zd_dataset *ds = lc->ds;
	if (!board_selected(lc->opts, r->board))
		return 0;
	int p = find_program(ds, r->program), b = find_board(ds, r->board), rc;
	if (p < 0 && (rc = add_program(lc, r->program, &p)) != 0)
		return rc;
	if (b < 0 && (rc = add_board(lc, r->board, &b)) != 0)
		return rc;
	const struct zd_board_prior *bp = &ds->boards[b].prior;
	if (zd_action_index(&bp->space, &r->action) < 0 ||
	    r->nzones != bp->nzones || !(r->makespan_s > 0) ||
	    !(r->avg_power_w > 0))
		return zd_bad_input(lc->err,
				    "%s: run %lld (%s on %s) does not fit "
				    "the board description: action, zones or "
				    "outcome out of range",
				    zd_store_path(lc->store), (long long)r->id,
				    r->program, r->board);
	if (ds->nsamples == ds->cap) {
		long cap = ds->cap ? ds->cap * 2 : 4096;
		struct zd_ds_sample *s =
		    realloc(ds->samples, (size_t)cap * sizeof(*s));
		if (!s)
			return zd_fail(lc->err, ENOMEM, "out of memory");
		ds->samples = s;
		ds->cap = cap;
	}
	struct zd_ds_sample *smp = &ds->samples[ds->nsamples++];
	memset(smp, 0, sizeof(*smp));
	smp->program = p;
	smp->board = b;
	smp->action = r->action;
	smp->nzones = r->nzones;
	for (int z = 0; z < r->nzones; z++) {
		smp->start_c[z] = r->start_mc[z] * 1e-3f;
		smp->peak_c[z] = r->peak_mc[z] * 1e-3f;
		smp->final_c[z] = r->final_mc[z] * 1e-3f;
	}
	smp->makespan_s = r->makespan_s;
	smp->energy_j = r->energy_j;
	smp->avg_power_w = r->avg_power_w;
	return 0;
}

static double hottest_start(const struct zd_ds_sample *s)
{
	double t = -1e9;
	for (int z = 0; z < s->nzones; z++)
		if (s->start_c[z] > t)
			t = s->start_c[z];
	return t;
}

/* The reference of each (program, board): all cores at the top level,
 * the coolest start. */
static int find_references(struct zd_dataset *ds, struct zd_err *err)
{
	size_t n = (size_t)ds->nprograms * (size_t)ds->nboards;
	double *ref = calloc(n ? n : 1, sizeof(*ref));
	double *ref_t = calloc(n ? n : 1, sizeof(*ref_t));
	if (!ref || !ref_t) {
		free(ref);
		free(ref_t);
		return zd_fail(err, ENOMEM, "out of memory");
	}
	for (long i = 0; i < ds->nsamples; i++) {
		struct zd_ds_sample *s = &ds->samples[i];
		const struct zd_board_prior *bp = &ds->boards[s->board].prior;
		struct zd_action top;
		zd_action_max(&bp->space, &top);
		if (memcmp(&top, &s->action, sizeof(top)) != 0)
			continue;
		size_t k =
		    (size_t)s->program * (size_t)ds->nboards + (size_t)s->board;
		double t = hottest_start(s);
		if (ref[k] == 0 || t < ref_t[k]) {
			ref[k] = s->makespan_s;
			ref_t[k] = t;
		}
	}
	for (long i = 0; i < ds->nsamples; i++) {
		struct zd_ds_sample *s = &ds->samples[i];
		s->ref_s = ref[(size_t)s->program * (size_t)ds->nboards +
			       (size_t)s->board];
	}
	free(ref);
	free(ref_t);
	return 0;
}

int zd_dataset_load(struct zd_store *s, const struct zd_model_train_opts *o,
		    struct zd_dataset **out, struct zd_err *err)
{
	struct zd_dataset *ds = calloc(1, sizeof(*ds));
	if (!ds)
		return zd_fail(err, ENOMEM, "out of memory");
	struct zd_run_query q = {
	    .backend = o->backend,
	    .exclude_program = o->exclude_program,
	};
	if (o->boards && o->nboards == 1)
		q.board = o->boards[0];
	struct load_ctx lc = {.store = s, .ds = ds, .opts = o, .err = err};
	int rc = zd_store_foreach_run(s, &q, collect_run, &lc, err);
	if (rc == 0)
		rc = find_references(ds, err);
	if (rc == 0 && ds->nsamples == 0)
		rc = zd_bad_input(err,
				  "%s: no runs to learn from (profile some "
				  "first: zdvfs sweep --board NAME)",
				  zd_store_path(s));
	if (rc != 0) {
		zd_dataset_free(ds);
		return rc;
	}
	*out = ds;
	return 0;
}

void zd_dataset_free(struct zd_dataset *ds)
{
	if (!ds)
		return;
	for (int b = 0; b < ds->nboards; b++)
		zd_board_free(ds->boards[b].board);
	free(ds->boards);
	free(ds->programs);
	free(ds->samples);
	free(ds);
}

void zd_ds_set_groups(struct zd_dataset *ds, const struct zd_manifest *m)
{
	ds->ngroups = 0;
	for (int p = 0; p < ds->nprograms; p++) {
		const char *g = zd_manifest_group_of(m, ds->programs[p].name);
		ds->programs[p].group = ds->ngroups;
		for (int q = 0; q < p; q++)
			if (strcmp(
				zd_manifest_group_of(m, ds->programs[q].name),
				g) == 0) {
				ds->programs[p].group = ds->programs[q].group;
				break;
			}
		if (ds->programs[p].group == ds->ngroups)
			ds->ngroups++;
	}
}

bool zd_ds_sample_ok(const struct zd_dataset *ds, const struct zd_ds_filter *f,
		     const struct zd_ds_sample *smp)
{
	(void)ds;
	return (!f->program_ok || f->program_ok[smp->program]) &&
	    (!f->board_ok || f->board_ok[smp->board]);
}
