/* eval.c - honest accuracy of the environment model: folds that hold out
 * groups of programs (every version of one algorithm together: leave one
 * group out) and/or boards, never predicting a run with a model that saw
 * it or a twin of it. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/model_json.h"
#include "fit.h"

/* Running sums for the metrics of one group of predictions. */
enum { M_TIME, M_ENERGY, M_POWER, M_N };
static const char *const metric_names[M_N] = {"makespan", "energy", "power"};

struct acc {
	long n;
	double ape[2][M_N]; /* [zero-shot, with reference] */
	double sy[M_N], syy[M_N];
	double sres[2][M_N];
	long nzone;
	double peak_abs, final_abs;
	double rho_sum;
	long rho_n;
};

static void acc_add(struct acc *a, const double truth[M_N],
		    const double pred[2][M_N])
{
	a->n++;
	for (int m = 0; m < M_N; m++) {
		a->sy[m] += truth[m];
		a->syy[m] += truth[m] * truth[m];
		for (int k = 0; k < 2; k++) {
			double d = pred[k][m] - truth[m];
			a->ape[k][m] += fabs(d) / truth[m];
			a->sres[k][m] += d * d;
		}
	}
}

static void acc_merge(struct acc *to, const struct acc *from)
{
	to->n += from->n;
	for (int m = 0; m < M_N; m++) {
		to->sy[m] += from->sy[m];
		to->syy[m] += from->syy[m];
		for (int k = 0; k < 2; k++) {
			to->ape[k][m] += from->ape[k][m];
			to->sres[k][m] += from->sres[k][m];
		}
	}
	to->nzone += from->nzone;
	to->peak_abs += from->peak_abs;
	to->final_abs += from->final_abs;
	to->rho_sum += from->rho_sum;
	to->rho_n += from->rho_n;
}

static json_t *acc_json(const struct acc *a)
{
	json_t *j = json_object();
	json_object_set_new(j, "runs", json_integer(a->n));
	if (a->n == 0)
		return j;
	static const char *const mode[2] = {"zero_shot", "with_reference"};
	for (int k = 0; k < 2; k++) {
		json_t *jm = json_object();
		for (int m = 0; m < M_N; m++) {
			char key[32];
			double mean = a->sy[m] / a->n;
			double sst = a->syy[m] - a->n * mean * mean;
			snprintf(key, sizeof(key), "%s_mape", metric_names[m]);
			json_object_set_new(
			    jm, key, json_real(100.0 * a->ape[k][m] / a->n));
			snprintf(key, sizeof(key), "%s_r2", metric_names[m]);
			json_object_set_new(
			    jm, key,
			    sst > 0 ? json_real(1.0 - a->sres[k][m] / sst)
				    : json_null());
		}
		json_object_set_new(j, mode[k], jm);
	}
	if (a->nzone) {
		json_object_set_new(j, "peak_mae_c",
				    json_real(a->peak_abs / a->nzone));
		json_object_set_new(j, "final_mae_c",
				    json_real(a->final_abs / a->nzone));
	}
	if (a->rho_n)
		json_object_set_new(j, "edp_rank_rho",
				    json_real(a->rho_sum / a->rho_n));
	return j;
}

/* Spearman's rho of x and y (n values; ties get their mean rank). */
static void ranks(const double *v, int n, double *r, int *idx)
{
	for (int i = 0; i < n; i++)
		idx[i] = i;
	/* insertion sort: n is one program's decisions, a few thousand */
	for (int i = 1; i < n; i++) {
		int k = idx[i], j = i - 1;
		while (j >= 0 && v[idx[j]] > v[k]) {
			idx[j + 1] = idx[j];
			j--;
		}
		idx[j + 1] = k;
	}
	for (int i = 0; i < n;) {
		int j = i;
		while (j + 1 < n && v[idx[j + 1]] == v[idx[i]])
			j++;
		for (int k = i; k <= j; k++)
			r[idx[k]] = (i + j) / 2.0;
		i = j + 1;
	}
}

static double spearman(const double *x, const double *y, int n)
{
	if (n < 3)
		return NAN;
	double *rx = malloc(sizeof(double) * (size_t)n * 2);
	int *idx = malloc(sizeof(int) * (size_t)n);
	if (!rx || !idx) {
		free(rx);
		free(idx);
		return NAN;
	}
	double *ry = rx + n;
	ranks(x, n, rx, idx);
	ranks(y, n, ry, idx);
	double mx = (n - 1) / 2.0, sxy = 0, sxx = 0, syy = 0;
	for (int i = 0; i < n; i++) {
		sxy += (rx[i] - mx) * (ry[i] - mx);
		sxx += (rx[i] - mx) * (rx[i] - mx);
		syy += (ry[i] - mx) * (ry[i] - mx);
	}
	free(rx);
	free(idx);
	return sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : NAN;
}

static bool same_start(const struct zd_ds_sample *a,
		       const struct zd_ds_sample *b)
{
	return a->nzones == b->nzones &&
	    memcmp(a->start_c, b->start_c, sizeof(float) * (size_t)a->nzones) ==
	    0;
}

/* Predict a sample with the full (unspecialised) regressors: evaluation
 * works from the dataset's encoded rows and runs offline. */
static void predict_sample(const struct zd_model *m,
			   const struct zd_dataset *ds,
			   const struct zd_ds_sample *s, double ref_s,
			   struct zd_outcome *out)
{
	const struct zd_board_prior *bp = &ds->boards[s->board].prior;
	float row[ZD_NCOLS_THERMAL];
	double start[ZD_MAX_ZONES];
	for (int z = 0; z < s->nzones; z++)
		start[z] = s->start_c[z];
	memcpy(row, ds->programs[s->program].row,
	       sizeof(float) * ZD_NCOLS_PROGRAM);
	zd_encode_board(bp, row);
	zd_encode_start(bp, start, row);
	zd_encode_action(bp, &s->action, row);
	zd_decode_run(bp, ref_s, zd_gbt_predict(m->part[ZD_PART_TIME], row),
		      zd_gbt_predict(m->part[ZD_PART_POWER], row), start, out);
	out->nzones = s->nzones;
	for (int z = 0; z < s->nzones; z++) {
		if (!bp->zone_modelled[z])
			continue;
		zd_encode_zone(bp, z, &s->action, start[z], out->makespan_s,
			       row);
		zd_decode_zone(
		    bp, z, start[z], zd_gbt_predict(m->part[ZD_PART_PEAK], row),
		    zd_gbt_predict(m->part[ZD_PART_FINAL], row), out);
	}
}

static double predicted_scale(const struct zd_model *m,
			      const struct zd_dataset *ds,
			      const struct zd_ds_sample *s)
{
	float row[ZD_NCOLS_SCALE];
	memcpy(row, ds->programs[s->program].row,
	       sizeof(float) * ZD_NCOLS_PROGRAM);
	zd_encode_board(&ds->boards[s->board].prior, row);
	return exp(zd_gbt_predict(m->part[ZD_PART_SCALE], row));
}

/* Sample indices ordered by (program, board, start), so each group of
 * predictions is contiguous. */
static const struct zd_dataset *sort_ds;

static int cmp_sample(const void *pa, const void *pb)
{
	const struct zd_ds_sample *a = &sort_ds->samples[*(const long *)pa];
	const struct zd_ds_sample *b = &sort_ds->samples[*(const long *)pb];
	if (a->program != b->program)
		return a->program < b->program ? -1 : 1;
	if (a->board != b->board)
		return a->board < b->board ? -1 : 1;
	int c = memcmp(a->start_c, b->start_c, sizeof(a->start_c));
	if (c != 0)
		return c;
	return *(const long *)pa < *(const long *)pb ? -1 : 1;
}

struct fold {
	bool *train_program, *train_board, *test_program, *test_board;
	int *group_order; /* [ngroups] scratch for train_groups */
	char label[160];
};

struct eval_state {
	const struct zd_dataset *ds;
	const struct zd_model_eval_opts *opts;
	long *order;
	struct acc *acc; /* [program * nboards + board] */
	double *px, *py; /* scratch for rank correlation */
};

/* One (program, board) run of samples [lo, hi) in `order`. */
static void eval_group(struct eval_state *st, const struct zd_model *m, long lo,
		       long hi)
{
	const struct zd_dataset *ds = st->ds;
	const struct zd_ds_sample *first = &ds->samples[st->order[lo]];
	struct acc *a = &st->acc[first->program * ds->nboards + first->board];
	double scale = predicted_scale(m, ds, first);
	long glo = lo;
	for (long i = lo; i <= hi; i++) {
		if (i == hi ||
		    !same_start(&ds->samples[st->order[i]],
				&ds->samples[st->order[glo]])) {
			int n = (int)(i - glo);
			double rho =
			    spearman(st->px + glo - lo, st->py + glo - lo, n);
			if (!isnan(rho)) {
				a->rho_sum += rho;
				a->rho_n++;
			}
			glo = i;
			if (i == hi)
				break;
		}
		const struct zd_ds_sample *s = &ds->samples[st->order[i]];
		struct zd_outcome zs, wr;
		predict_sample(m, ds, s, scale, &zs);
		wr = zs;
		if (s->ref_s > 0) {
			double k = s->ref_s / scale;
			wr.makespan_s *= k;
			wr.energy_j *= k;
		}
		double truth[M_N] = {s->makespan_s, s->energy_j,
				     s->avg_power_w};
		double pred[2][M_N] = {
		    {zs.makespan_s, zs.energy_j, zs.avg_power_w},
		    {wr.makespan_s, wr.energy_j, wr.avg_power_w},
		};
		acc_add(a, truth, pred);
		const struct zd_board_prior *bp = &ds->boards[s->board].prior;
		for (int z = 0; z < s->nzones; z++) {
			if (!bp->zone_modelled[z])
				continue;
			a->nzone++;
			a->peak_abs += fabs(zs.peak_c[z] - s->peak_c[z]);
			a->final_abs += fabs(zs.final_c[z] - s->final_c[z]);
		}
		st->px[i - lo] = wr.energy_j * wr.makespan_s;
		st->py[i - lo] = s->energy_j * s->makespan_s;
	}
}

static int run_fold(struct eval_state *st, const struct fold *f, int index,
		    int nfolds, struct zd_err *err)
{
	const struct zd_dataset *ds = st->ds;
	struct zd_ds_filter train = {f->train_program, f->train_board};
	struct zd_model *m = NULL;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = zd_model_fit(ds, &train, &st->opts->train, &m, err);
	if (rc != 0) {
		return rc;
	}
	/* the held-out part must not be in what the model learnt from
	 * (in-sample evaluation holds nothing out, on purpose) */
	bool in_sample = !st->opts->lobo && !st->opts->cross_board;
	for (long i = 0; !in_sample && i < ds->nsamples; i++) {
		const struct zd_ds_sample *s = &ds->samples[i];
		if (f->test_program[s->program] && f->test_board[s->board] &&
		    zd_ds_sample_ok(ds, &train, s)) {
			zd_model_free(m);
			return zd_fail(err, EINVAL,
				       "fold %s: a test run is in the "
				       "training set",
				       f->label);
		}
	}
	for (long lo = 0; lo < ds->nsamples;) {
		const struct zd_ds_sample *s = &ds->samples[st->order[lo]];
		long hi = lo;
		while (hi < ds->nsamples &&
		       ds->samples[st->order[hi]].program == s->program &&
		       ds->samples[st->order[hi]].board == s->board)
			hi++;
		if (f->test_program[s->program] && f->test_board[s->board])
			eval_group(st, m, lo, hi);
		lo = hi;
	}
	zd_model_free(m);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (st->opts->progress) {
		char line[256];
		snprintf(line, sizeof(line), "fold %d/%d (%s): %.1f s",
			 index + 1, nfolds, f->label,
			 (double)(t1.tv_sec - t0.tv_sec) +
			     (t1.tv_nsec - t0.tv_nsec) * 1e-9);
		st->opts->progress(st->opts->progress_ctx, line);
	}
	return 0;
}

/* Fold `group` (of ngroups; -1: none held out) holds out the programs
 * whose group index % ngroups == group. */
static bool program_held(const struct zd_dataset *ds, int p, int group,
			 int ngroups)
{
	return group >= 0 && ds->programs[p].group % ngroups == group;
}

static void fold_set(struct fold *f, const struct zd_dataset *ds, int board,
		     int group, int ngroups)
{
	for (int p = 0; p < ds->nprograms; p++) {
		bool held = program_held(ds, p, group, ngroups);
		f->test_program[p] = group < 0 || held;
		f->train_program[p] = !held;
	}
	for (int b = 0; b < ds->nboards; b++) {
		bool held = board >= 0 && b == board;
		f->test_board[b] = board < 0 || held;
		f->train_board[b] = !held;
	}
	size_t used = 0;
	f->label[0] = '\0';
	if (board >= 0)
		used += (size_t)snprintf(f->label, sizeof(f->label), "board %s",
					 ds->boards[board].name);
	for (int p = 0;
	     group >= 0 && p < ds->nprograms && used < sizeof(f->label); p++)
		if (program_held(ds, p, group, ngroups))
			used += (size_t)snprintf(
			    f->label + used, sizeof(f->label) - used, "%s%s",
			    used ? " " : "", ds->programs[p].name);
	if (board < 0 && group < 0)
		snprintf(f->label, sizeof(f->label), "in-sample");
}

/* Keep the programs of `keep` of the fold's training groups, drawn by a
 * shuffle seeded by the fold: the same subsets on every run. */
static void limit_train_groups(struct fold *f, const struct zd_dataset *ds,
			       int keep, uint64_t seed)
{
	int n = 0;
	for (int g = 0; g < ds->ngroups; g++) {
		bool trains = false;
		for (int p = 0; p < ds->nprograms && !trains; p++)
			trains =
			    f->train_program[p] && ds->programs[p].group == g;
		if (trains)
			f->group_order[n++] = g;
	}
	uint64_t x = seed * 0x9E3779B97F4A7C15ULL + 1;
	for (int i = n - 1; i > 0; i--) {
		x ^= x << 13; /* xorshift64 */
		x ^= x >> 7;
		x ^= x << 17;
		int j = (int)(x % (uint64_t)(i + 1));
		int t = f->group_order[i];
		f->group_order[i] = f->group_order[j];
		f->group_order[j] = t;
	}
	for (int p = 0; p < ds->nprograms; p++) {
		bool kept = false;
		for (int i = 0; i < keep && i < n && !kept; i++)
			kept = ds->programs[p].group == f->group_order[i];
		f->train_program[p] = f->train_program[p] && kept;
	}
}

static json_t *report_json(const struct eval_state *st, double seconds,
			   int nfolds)
{
	const struct zd_dataset *ds = st->ds;
	const struct zd_model_eval_opts *o = st->opts;
	json_t *root = json_object(), *boards = json_object();
	const char *mode = o->lobo && o->cross_board ? "lobo+cross-board"
	    : o->lobo                                ? "lobo"
	    : o->cross_board                         ? "cross-board"
						     : "in-sample";
	json_object_set_new(root, "mode", json_string(mode));
	json_object_set_new(root, "folds", json_integer(nfolds));
	if (st->opts->train_groups > 0)
		json_object_set_new(root, "train_groups",
				    json_integer(st->opts->train_groups));
	json_object_set_new(root, "seconds", json_real(seconds));
	struct acc all;
	memset(&all, 0, sizeof(all));
	for (int b = 0; b < ds->nboards; b++) {
		struct acc board;
		memset(&board, 0, sizeof(board));
		json_t *progs = json_object();
		for (int p = 0; p < ds->nprograms; p++) {
			const struct acc *a = &st->acc[p * ds->nboards + b];
			if (a->n == 0)
				continue;
			acc_merge(&board, a);
			json_object_set_new(progs, ds->programs[p].name,
					    acc_json(a));
		}
		acc_merge(&all, &board);
		json_t *jb = json_object();
		json_object_set_new(jb, "overall", acc_json(&board));
		json_object_set_new(jb, "programs", progs);
		json_object_set_new(boards, ds->boards[b].name, jb);
	}
	json_object_set_new(root, "boards", boards);
	json_object_set_new(root, "overall", acc_json(&all));
	return root;
}

static int eval_folds(struct eval_state *st, json_t **report,
		      struct zd_err *err)
{
	const struct zd_dataset *ds = st->ds;
	const struct zd_model_eval_opts *o = st->opts;
	int ngroups = !o->lobo                       ? 1
	    : o->folds > 0 && o->folds < ds->ngroups ? o->folds
						     : ds->ngroups;
	int nboards = o->cross_board ? ds->nboards : 1;
	int nfolds = ngroups * nboards;
	if (o->lobo && ds->ngroups < 2)
		return zd_bad_input(err,
				    "leaving groups out needs runs of "
				    "programs of at least 2 groups, the store "
				    "has %d",
				    ds->ngroups);
	if (o->cross_board && ds->nboards < 2)
		return zd_bad_input(err,
				    "cross-board needs runs on at least 2 "
				    "boards, the store has %d",
				    ds->nboards);
	struct fold f;
	size_t np = (size_t)ds->nprograms, nb = (size_t)ds->nboards;
	f.train_program = calloc(np, sizeof(bool));
	f.test_program = calloc(np, sizeof(bool));
	f.train_board = calloc(nb, sizeof(bool));
	f.test_board = calloc(nb, sizeof(bool));
	f.group_order = calloc((size_t)ds->ngroups + 1, sizeof(int));
	int rc = f.train_program && f.test_program && f.train_board &&
		f.test_board && f.group_order
	    ? 0
	    : zd_fail(err, ENOMEM, "out of memory");
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int k = 0; rc == 0 && k < nfolds; k++) {
		int board = o->cross_board ? k / ngroups : -1;
		int group = o->lobo ? k % ngroups : -1;
		fold_set(&f, ds, board, group, ngroups);
		if (o->train_groups > 0)
			limit_train_groups(&f, ds, o->train_groups,
					   o->train.seed + (uint64_t)k);
		rc = run_fold(st, &f, k, nfolds, err);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc == 0)
		*report = report_json(st,
				      (double)(t1.tv_sec - t0.tv_sec) +
					  (t1.tv_nsec - t0.tv_nsec) * 1e-9,
				      nfolds);
	free(f.train_program);
	free(f.test_program);
	free(f.train_board);
	free(f.test_board);
	free(f.group_order);
	return rc;
}

int zd_model_eval(struct zd_store *s, const struct zd_model_eval_opts *o,
		  json_t **report, struct zd_err *err)
{
	struct zd_dataset *ds = NULL;
	struct zd_manifest *m = NULL;
	/* the groups of the workloads: a version of a held-out program must
	 * not teach the model that predicts it */
	int rc = o->lobo ? zd_manifest_load(o->workload_dir, &m, err) : 0;
	if (rc == 0)
		rc = zd_dataset_load(s, &o->train, &ds, err);
	if (rc != 0) {
		zd_manifest_free(m);
		return rc;
	}
	zd_ds_set_groups(ds, m);
	zd_manifest_free(m);
	struct eval_state st = {.ds = ds, .opts = o};
	st.order = malloc(sizeof(long) * (size_t)ds->nsamples);
	st.acc = calloc((size_t)ds->nprograms * (size_t)ds->nboards,
			sizeof(*st.acc));
	st.px = malloc(sizeof(double) * (size_t)ds->nsamples);
	st.py = malloc(sizeof(double) * (size_t)ds->nsamples);
	if (!st.order || !st.acc || !st.px || !st.py) {
		rc = zd_fail(err, ENOMEM, "out of memory");
	} else {
		for (long i = 0; i < ds->nsamples; i++)
			st.order[i] = i;
		sort_ds = ds;
		qsort(st.order, (size_t)ds->nsamples, sizeof(long), cmp_sample);
		sort_ds = NULL;
		rc = eval_folds(&st, report, err);
	}
	free(st.order);
	free(st.acc);
	free(st.px);
	free(st.py);
	zd_dataset_free(ds);
	return rc;
}
