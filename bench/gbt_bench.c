/* gbt_bench.c - prediction speed of the environment model's regressor:
 * XGBoost's own predictor against zdvfs's flat-array evaluator, full and
 * specialised (54 of 60 inputs fixed, as when a program and a board are
 * known and only the decision varies). Trains 100 trees of depth 6 on
 * 20000 random rows x 60 columns, then times predicting 3000 rows.
 * Usage: gbt_bench [REPEATS]; prints medians, in microseconds per 3000 rows. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xgboost/c_api.h>

#include "model/gbt_json.h"

#define NCOLS 60
#define NFREE 6 /* columns left free when specialising */
#define NTRAIN 20000
#define NPRED 3000

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec * 1e-3;
}

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), compare);
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static uint64_t rng_state = 12345;

static float uniform(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (float)((double)(z >> 11) / 9007199254740992.0);
}

/* A target that uses many columns, so that the trees split on them. */
static float target(const float *row)
{
	double y = 0;
	for (int c = 0; c < NCOLS; c++)
		y += sin(3.0 * row[c] + c) * (1.0 + (c % 7)) / 7.0;
	return (float)(y + row[0] * row[1] * 4.0);
}

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "gbt_bench: %s: %s\n", what, msg);
	exit(1);
}

static BoosterHandle xgb_from(const struct zd_gbt *g)
{
	json_t *j = zd_gbt_to_json(g);
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	BoosterHandle b;
	if (s == NULL)
		die("to_json", "out of memory");
	if (XGBoosterCreate(NULL, 0, &b) != 0 ||
	    XGBoosterLoadModelFromBuffer(b, s, strlen(s)) != 0 ||
	    XGBoosterSetParam(b, "nthread", "1") != 0)
		die("XGBoost load", XGBGetLastError());
	free(s);
	json_decref(j);
	return b;
}

int main(int argc, char **argv)
{
	int repeats = argc > 1 ? atoi(argv[1]) : 9;
	if (repeats < 1 || repeats > 1000)
		die("REPEATS", "must be 1..1000");
	float *x = malloc(sizeof(*x) * NTRAIN * NCOLS);
	float *y = malloc(sizeof(*y) * NTRAIN);
	float *rows = malloc(sizeof(*rows) * NPRED * NCOLS);
	float *out = malloc(sizeof(*out) * NPRED);
	double *t_xgb = malloc(sizeof(double) * (size_t)repeats);
	double *t_full = malloc(sizeof(double) * (size_t)repeats);
	double *t_spec = malloc(sizeof(double) * (size_t)repeats);
	double *t_dm = malloc(sizeof(double) * (size_t)repeats);
	double *t_one = malloc(sizeof(double) * (size_t)repeats);
	double *t_spec_one = malloc(sizeof(double) * (size_t)repeats);
	if (!x || !y || !rows || !out || !t_xgb || !t_full || !t_spec ||
	    !t_dm || !t_one || !t_spec_one)
		die("malloc", "out of memory");
	for (int i = 0; i < NTRAIN; i++) {
		for (int c = 0; c < NCOLS; c++)
			x[i * NCOLS + c] = uniform();
		y[i] = target(x + i * NCOLS);
	}

	struct zd_gbt_params p = {.trees = 100,
				  .max_depth = 6,
				  .eta = 0.1,
				  .subsample = 1.0,
				  .threads = 0,
				  .seed = 1};
	struct zd_gbt *g = NULL, *s = NULL;
	struct zd_err err = {0};
	double t0 = now_us();
	if (zd_gbt_train(x, y, NTRAIN, NCOLS, &p, &g, &err) != 0)
		die("train", err.msg);
	double train_ms = (now_us() - t0) / 1e3;

	/* fixed: the last 54 columns, as one program on one board */
	float fixed[NCOLS];
	unsigned char mask[NCOLS];
	for (int c = 0; c < NCOLS; c++) {
		fixed[c] = uniform();
		mask[c] = c >= NFREE;
	}
	t0 = now_us();
	if (zd_gbt_specialize(g, fixed, mask, &s, &err) != 0)
		die("specialize", err.msg);
	double spec_us = now_us() - t0;
	for (int i = 0; i < NPRED; i++)
		for (int c = 0; c < NCOLS; c++)
			rows[i * NCOLS + c] = c < NFREE ? uniform() : fixed[c];

	/* XGBoost predicts from a DMatrix, on one thread like zdvfs; making
	 * the DMatrix is part of its cost */
	BoosterHandle b = xgb_from(g);
	volatile float sink = 0;
	for (int r = 0; r < repeats; r++) {
		DMatrixHandle d;
		bst_ulong len;
		const float *res;
		t0 = now_us();
		if (XGDMatrixCreateFromMat(rows, NPRED, NCOLS, NAN, &d) != 0)
			die("XGBoost DMatrix", XGBGetLastError());
		t_dm[r] = now_us() - t0;
		if (XGBoosterPredict(b, d, 0, 0, 0, &len, &res) != 0)
			die("XGBoost predict", XGBGetLastError());
		sink += res[0];
		XGDMatrixFree(d);
		t_xgb[r] = now_us() - t0;

		t0 = now_us();
		zd_gbt_predict_rows(g, rows, NPRED, out);
		t_full[r] = now_us() - t0;
		sink += out[0];

		t0 = now_us();
		zd_gbt_predict_rows(s, rows, NPRED, out);
		t_spec[r] = now_us() - t0;
		sink += out[0];

		/* one row at a time, as a single decision asks */
		t0 = now_us();
		for (int i = 0; i < NPRED; i++)
			sink += zd_gbt_predict(g, rows + i * NCOLS);
		t_one[r] = now_us() - t0;
		t0 = now_us();
		for (int i = 0; i < NPRED; i++)
			sink += zd_gbt_predict(s, rows + i * NCOLS);
		t_spec_one[r] = now_us() - t0;
	}
	printf("gbt_bench: %d trees depth %d, %d x %d training rows: trained "
	       "in %.0f ms\n",
	       p.trees, p.max_depth, NTRAIN, NCOLS, train_ms);
	printf("  nodes: full %zu, specialised (%d of %d fixed) %zu in %d "
	       "trees, specialising took %.0f us\n",
	       zd_gbt_nnodes(g), NCOLS - NFREE, NCOLS, zd_gbt_nnodes(s),
	       zd_gbt_ntrees(s), spec_us);
	printf("  us per %d rows, median of %d, one thread:\n", NPRED, repeats);
	printf("    XGBoost             %8.1f (of which making the DMatrix "
	       "%.1f)\n",
	       median(t_xgb, repeats), median(t_dm, repeats));
	printf("    zdvfs               %8.1f (predict_rows), %.1f (predict, "
	       "row by row)\n",
	       median(t_full, repeats), median(t_one, repeats));
	printf("    zdvfs specialised   %8.1f (predict_rows), %.1f (predict, "
	       "row by row)\n",
	       median(t_spec, repeats), median(t_spec_one, repeats));
	(void)sink;
	XGBoosterFree(b);
	zd_gbt_free(g);
	zd_gbt_free(s);
	free(x);
	free(y);
	free(rows);
	free(out);
	free(t_xgb);
	free(t_full);
	free(t_spec);
	free(t_dm);
	free(t_one);
	free(t_spec_one);
	return 0;
}
