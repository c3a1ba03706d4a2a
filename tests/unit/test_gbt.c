/* test_gbt.c - gradient-boosted trees: zdvfs's evaluator predicts what
 * XGBoost predicts (splits at the threshold, missing inputs), learns a
 * simple function, specialises without changing predictions, writes JSON
 * that XGBoost and zdvfs load back the same, and refuses broken models
 * naming the field. */
#include <math.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <xgboost/c_api.h>

#include "model/gbt_json.h"
#include "zdvfs/gbt.h"

/* ---- helpers ------------------------------------------------------------ */

static uint64_t rng_state;

static double uniform(void)
{
	/* splitmix64: reproducible without libc's rand */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (double)(z >> 11) / 9007199254740992.0;
}

/* n rows of ncols uniform inputs, a fraction `missing` of them NAN. */
static float *random_rows(size_t n, int ncols, double missing)
{
	float *x = malloc(sizeof(*x) * n * (size_t)ncols);
	assert_non_null(x);
	for (size_t i = 0; i < n * (size_t)ncols; i++)
		x[i] = uniform() < missing ? NAN : (float)uniform();
	return x;
}

/* y = 3*x0 + x1^2 (+ 2*x2*x3 when there are more columns), missing as 0. */
static float target(const float *row, int ncols)
{
	double v[4] = {0, 0, 0, 0};
	for (int c = 0; c < ncols && c < 4; c++)
		v[c] = isnan(row[c]) ? 0 : row[c];
	double y = 3 * v[0] + v[1] * v[1];
	if (ncols > 4)
		y += 2 * v[2] * v[3];
	return (float)y;
}

static float *targets(const float *x, size_t n, int ncols)
{
	float *y = malloc(sizeof(*y) * n);
	assert_non_null(y);
	for (size_t i = 0; i < n; i++)
		y[i] = target(x + i * (size_t)ncols, ncols);
	return y;
}

static struct zd_gbt *train(const float *x, const float *y, size_t n, int ncols,
			    int trees, double subsample, uint64_t seed)
{
	struct zd_gbt_params p = {.trees = trees,
				  .max_depth = 6,
				  .eta = 0.1,
				  .subsample = subsample,
				  .threads = 1,
				  .seed = seed};
	struct zd_gbt *g = NULL;
	struct zd_err err = {0};
	if (zd_gbt_train(x, y, n, ncols, &p, &g, &err) != 0)
		fail_msg("training failed: %s", err.msg);
	return g;
}

static void expect_close(float got, float want, const char *what, size_t row)
{
	if (!(fabsf(got - want) <= 1e-5f * fmaxf(1.0f, fabsf(want))))
		fail_msg("%s: row %zu: %.9g, expected %.9g", what, row,
			 (double)got, (double)want);
}

static char *dump(const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	assert_non_null(s);
	return s;
}

static void xgb_check(int rc, const char *call)
{
	if (rc != 0)
		fail_msg("%s: %s", call, XGBGetLastError());
}

/* XGBoost's own prediction of n rows (NAN = missing). */
static void xgb_predict(BoosterHandle b, const float *x, size_t n, int ncols,
			float *out)
{
	DMatrixHandle d;
	bst_ulong len;
	const float *res;
	xgb_check(XGDMatrixCreateFromMat(x, n, (bst_ulong)ncols, NAN, &d),
		  "XGDMatrixCreateFromMat");
	xgb_check(XGBoosterPredict(b, d, 0, 0, 0, &len, &res),
		  "XGBoosterPredict");
	assert_int_equal(len, n);
	memcpy(out, res, sizeof(*out) * n);
	XGDMatrixFree(d);
}

/* A booster loaded from g's JSON: what an XGBoost user would get. */
static BoosterHandle xgb_load(const struct zd_gbt *g)
{
	json_t *j = zd_gbt_to_json(g);
	assert_non_null(j);
	char *s = dump(j);
	BoosterHandle b;
	xgb_check(XGBoosterCreate(NULL, 0, &b), "XGBoosterCreate");
	xgb_check(XGBoosterLoadModelFromBuffer(b, s, strlen(s)),
		  "XGBoosterLoadModelFromBuffer");
	free(s);
	json_decref(j);
	return b;
}

/* Rows that sit on the model's split thresholds, just below them, or are
 * missing: where a `<` written as `<=`, or a double compare, would show. */
static float *rows_on_thresholds(const struct zd_gbt *g, size_t n, int ncols)
{
	json_t *j = zd_gbt_to_json(g);
	json_t *trees = json_object_get(
	    json_object_get(json_object_get(json_object_get(j, "learner"),
					    "gradient_booster"),
			    "model"),
	    "trees");
	size_t cap = 0;
	for (size_t t = 0; t < json_array_size(trees); t++)
		cap += json_array_size(
		    json_object_get(json_array_get(trees, t), "split_indices"));
	int *feat = malloc(sizeof(*feat) * (cap + 1));
	float *thr = malloc(sizeof(*thr) * (cap + 1));
	assert_true(feat && thr);
	size_t nthr = 0;
	for (size_t t = 0; t < json_array_size(trees); t++) {
		json_t *tree = json_array_get(trees, t);
		json_t *left = json_object_get(tree, "left_children");
		for (size_t i = 0; i < json_array_size(left); i++) {
			if (json_integer_value(json_array_get(left, i)) < 0)
				continue;
			feat[nthr] = (int)json_integer_value(json_array_get(
			    json_object_get(tree, "split_indices"), i));
			thr[nthr++] = (float)json_number_value(json_array_get(
			    json_object_get(tree, "split_conditions"), i));
		}
	}
	json_decref(j);
	assert_true(nthr > 0);
	float *x = random_rows(n, ncols, 0.1);
	for (size_t r = 0; r < n; r++)
		for (int k = 0; k < 2; k++) {
			size_t pick = (size_t)(uniform() * (double)nthr);
			float v = thr[pick];
			x[r * (size_t)ncols + (size_t)feat[pick]] =
			    k == 0 ? v : nextafterf(v, -INFINITY);
		}
	free(feat);
	free(thr);
	return x;
}

/* ---- learning and agreeing with XGBoost --------------------------------- */

static void learns_a_simple_function(void **state)
{
	(void)state;
	rng_state = 1;
	const int ncols = 4;
	float *x = random_rows(3000, ncols, 0);
	float *y = targets(x, 3000, ncols);
	struct zd_gbt *g = train(x, y, 2000, ncols, 100, 1.0, 1);
	assert_int_equal(zd_gbt_ncols(g), ncols);
	assert_int_equal(zd_gbt_ntrees(g), 100);
	/* R^2 on the 1000 rows it did not see */
	double mean = 0, ss_tot = 0, ss_res = 0;
	for (size_t i = 2000; i < 3000; i++)
		mean += y[i] / 1000.0;
	for (size_t i = 2000; i < 3000; i++) {
		double p = zd_gbt_predict(g, x + i * ncols);
		ss_res += (p - y[i]) * (p - y[i]);
		ss_tot += (y[i] - mean) * (y[i] - mean);
	}
	double r2 = 1 - ss_res / ss_tot;
	if (!(r2 > 0.95))
		fail_msg("held-out R^2 %.4f, expected > 0.95", r2);
	zd_gbt_free(g);
	free(x);
	free(y);
}

/* XGBoost trains, zdvfs reads its JSON: same predictions on random rows,
 * rows with missing inputs and rows on the split thresholds. Trees up to
 * max_depth deep: 6, walked in bulk level by level; 10, deeper than the
 * level walk takes, node by node. */
static void matches_xgboost(const char *max_depth)
{
	rng_state = 2;
	const int ncols = 6;
	const size_t n = 2000, ntest = 3000;
	float *x = random_rows(n, ncols, 0.2);
	float *y = targets(x, n, ncols);
	DMatrixHandle d;
	BoosterHandle b;
	xgb_check(XGDMatrixCreateFromMat(x, n, ncols, NAN, &d), "create");
	xgb_check(XGDMatrixSetFloatInfo(d, "label", y, n), "label");
	xgb_check(XGBoosterCreate(&d, 1, &b), "XGBoosterCreate");
	xgb_check(XGBoosterSetParam(b, "tree_method", "hist"), "param");
	xgb_check(XGBoosterSetParam(b, "max_depth", max_depth), "param");
	xgb_check(XGBoosterSetParam(b, "nthread", "1"), "param");
	xgb_check(XGBoosterSetParam(b, "verbosity", "0"), "param");
	for (int i = 0; i < 50; i++)
		xgb_check(XGBoosterUpdateOneIter(b, i, d), "update");
	bst_ulong len;
	const char *buf;
	xgb_check(
	    XGBoosterSaveModelToBuffer(b, "{\"format\":\"json\"}", &len, &buf),
	    "save");
	json_error_t jerr;
	json_t *j = json_loadb(buf, len, 0, &jerr);
	assert_non_null(j);
	struct zd_gbt *g = NULL;
	struct zd_err err = {0};
	if (zd_gbt_from_json(j, "xgboost", &g, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(zd_gbt_ntrees(g), 50);

	float *rows[2] = {random_rows(ntest, ncols, 0.3),
			  rows_on_thresholds(g, ntest, ncols)};
	float *want = malloc(sizeof(*want) * ntest);
	float *got = malloc(sizeof(*got) * ntest);
	float *bulk = malloc(sizeof(*bulk) * ntest);
	assert_true(want && got && bulk);
	struct zd_gbt_bulk *bk = NULL;
	assert_int_equal(zd_gbt_bulk_new(g, &bk, &err), 0);
	for (int k = 0; k < 2; k++) {
		xgb_predict(b, rows[k], ntest, ncols, want);
		zd_gbt_predict_rows(g, rows[k], ntest, got);
		/* all rows at once: the walker's sums exactly, missing
		 * inputs (random rows) and inputs on thresholds included;
		 * and a count that is not a multiple of 64 */
		assert_int_equal(
		    zd_gbt_bulk_predict(bk, rows[k], ntest, ncols, bulk), 0);
		for (size_t i = 0; i < ntest; i++) {
			expect_close(got[i], want[i], "predict_rows", i);
			expect_close(zd_gbt_predict(g, rows[k] + i * ncols),
				     want[i], "predict", i);
			if (bulk[i] != got[i])
				fail_msg("bulk row %zu: %.9g, walker %.9g", i,
					 (double)bulk[i], (double)got[i]);
		}
		assert_int_equal(
		    zd_gbt_bulk_predict(bk, rows[k], 77, ncols, bulk), 0);
		for (size_t i = 0; i < 77; i++)
			assert_true(bulk[i] == got[i]);
	}
	/* the same rows again (their ranks remembered), then with one
	 * column changed in some rows, then another the same in every row
	 * (missing or not): the walker's sums, never a stale rank */
	float *r = rows[0];
	for (int pass = 0; pass < 3; pass++) {
		for (size_t i = 0; pass == 1 && i < ntest; i += 7)
			r[i * ncols] += 0.25f;
		for (size_t i = 0; pass == 2 && i < ntest; i++)
			r[i * ncols + 1] = r[ncols + 1];
		zd_gbt_predict_rows(g, r, ntest, got);
		assert_int_equal(zd_gbt_bulk_predict(bk, r, ntest, ncols, bulk),
				 0);
		for (size_t i = 0; i < ntest; i++)
			if (bulk[i] != got[i])
				fail_msg("pass %d, bulk row %zu: %.9g, walker "
					 "%.9g",
					 pass, i, (double)bulk[i],
					 (double)got[i]);
	}
	zd_gbt_bulk_free(bk);
	free(bulk);
	/* and XGBoost reads back what zdvfs writes */
	BoosterHandle back = xgb_load(g);
	xgb_predict(back, rows[1], ntest, ncols, want);
	zd_gbt_predict_rows(g, rows[1], ntest, got);
	for (size_t i = 0; i < ntest; i++)
		expect_close(got[i], want[i], "XGBoost on zdvfs's JSON", i);
	XGBoosterFree(back);

	free(rows[0]);
	free(rows[1]);
	free(want);
	free(got);
	zd_gbt_free(g);
	json_decref(j);
	XGBoosterFree(b);
	XGDMatrixFree(d);
	free(x);
	free(y);
}

static void evaluator_matches_xgboost(void **state)
{
	(void)state;
	matches_xgboost("6");
	matches_xgboost("10");
}

/* A hand-made model whose answers are known:
 * tree 0: x0 < 0.5 (missing: left) ? (x1 < 0.25 (missing: right) ? 1 : 2)
 *                                  : 10
 * tree 1: a single leaf, 100; base_score 0.5. */
static const char *const hand_model =
    "{\"learner\": {\"attributes\": {}, \"feature_names\": [],"
    " \"feature_types\": [],"
    " \"gradient_booster\": {\"model\": {"
    "  \"gbtree_model_param\": {\"num_parallel_tree\": \"1\","
    "   \"num_trees\": \"2\", \"size_leaf_vector\": \"0\"},"
    "  \"tree_info\": [0, 0],"
    "  \"trees\": ["
    "   {\"base_weights\": [0, 0, 0, 0, 0], \"categories\": [],"
    "    \"categories_nodes\": [], \"categories_segments\": [],"
    "    \"categories_sizes\": [], \"default_left\": [1, 0, 0, 0, 0],"
    "    \"id\": 0, \"left_children\": [1, 3, -1, -1, -1],"
    "    \"loss_changes\": [0, 0, 0, 0, 0],"
    "    \"parents\": [2147483647, 0, 0, 1, 1],"
    "    \"right_children\": [2, 4, -1, -1, -1],"
    "    \"split_conditions\": [0.5, 0.25, 10, 1, 2],"
    "    \"split_indices\": [0, 1, 0, 0, 0],"
    "    \"split_type\": [0, 0, 0, 0, 0],"
    "    \"sum_hessian\": [5, 3, 2, 1, 2],"
    "    \"tree_param\": {\"num_deleted\": \"0\", \"num_feature\": \"2\","
    "     \"num_nodes\": \"5\", \"size_leaf_vector\": \"0\"}},"
    "   {\"base_weights\": [0], \"categories\": [],"
    "    \"categories_nodes\": [], \"categories_segments\": [],"
    "    \"categories_sizes\": [], \"default_left\": [0], \"id\": 1,"
    "    \"left_children\": [-1], \"loss_changes\": [0],"
    "    \"parents\": [2147483647], \"right_children\": [-1],"
    "    \"split_conditions\": [100], \"split_indices\": [0],"
    "    \"split_type\": [0], \"sum_hessian\": [5],"
    "    \"tree_param\": {\"num_deleted\": \"0\", \"num_feature\": \"2\","
    "     \"num_nodes\": \"1\", \"size_leaf_vector\": \"0\"}}]},"
    "  \"name\": \"gbtree\"},"
    " \"learner_model_param\": {\"base_score\": \"5E-1\","
    "  \"boost_from_average\": \"1\", \"num_class\": \"0\","
    "  \"num_feature\": \"2\", \"num_target\": \"1\"},"
    " \"objective\": {\"name\": \"reg:squarederror\","
    "  \"reg_loss_param\": {\"scale_pos_weight\": \"1\"}}},"
    " \"version\": [1, 7, 4]}";

static json_t *hand_json(void)
{
	json_error_t jerr;
	json_t *j = json_loads(hand_model, 0, &jerr);
	if (j == NULL)
		fail_msg("test bug: hand model: %s", jerr.text);
	return j;
}

static struct zd_gbt *hand_gbt(void)
{
	json_t *j = hand_json();
	struct zd_gbt *g = NULL;
	struct zd_err err = {0};
	if (zd_gbt_from_json(j, "hand.json", &g, &err) != 0)
		fail_msg("%s", err.msg);
	json_decref(j);
	return g;
}

static void missing_inputs_take_the_default_branch(void **state)
{
	(void)state;
	struct zd_gbt *g = hand_gbt();
	const float rows[][2] = {
	    {0.2f, 0.1f},         /* left, left */
	    {0.5f, 0.1f},         /* on the threshold: right */
	    {NAN, 0.3f},          /* missing: left (default), then right */
	    {0.2f, NAN},          /* left, then missing: right (default) */
	    {NAN, NAN},           /* left, right */
	    {0.49999997f, 0.25f}, /* just below: left; on: right */
	};
	const float want[] = {101.5f, 110.5f, 102.5f, 102.5f, 102.5f, 102.5f};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		expect_close(zd_gbt_predict(g, rows[i]), want[i], "hand", i);
	/* XGBoost agrees on the same rows */
	BoosterHandle b = xgb_load(g);
	float got[6];
	xgb_predict(b, &rows[0][0], 6, 2, got);
	for (size_t i = 0; i < 6; i++)
		expect_close(got[i], want[i], "XGBoost on the hand model", i);
	XGBoosterFree(b);
	zd_gbt_free(g);
}

/* ---- specialising ------------------------------------------------------- */

static struct zd_gbt *hand_specialised(float x0, float x1, bool fix0, bool fix1)
{
	struct zd_gbt *g = hand_gbt(), *s = NULL;
	struct zd_err err = {0};
	const float fixed[2] = {x0, x1};
	const unsigned char mask[2] = {fix0, fix1};
	if (zd_gbt_specialize(g, fixed, mask, &s, &err) != 0)
		fail_msg("%s", err.msg);
	zd_gbt_free(g);
	return s;
}

/* Fixed values on a threshold or missing take the branch XGBoost would;
 * a tree reduced to a leaf leaves the model for its bias. */
static void specialising_the_hand_model(void **state)
{
	(void)state;
	struct zd_gbt *s = hand_specialised(0.5f, 0, true, false);
	assert_int_equal(zd_gbt_ntrees(s), 0);
	const float on[2] = {0.5f, 0.1f};
	expect_close(zd_gbt_predict(s, on), 110.5f, "x0 = 0.5 fixed", 0);
	zd_gbt_free(s);

	s = hand_specialised(NAN, 0, true, false);
	assert_int_equal(zd_gbt_ntrees(s), 1);
	assert_int_equal(zd_gbt_nnodes(s), 3);
	const float rows[2][2] = {{NAN, 0.1f}, {NAN, NAN}};
	expect_close(zd_gbt_predict(s, rows[0]), 101.5f, "x0 missing", 0);
	expect_close(zd_gbt_predict(s, rows[1]), 102.5f, "x0 missing", 1);
	zd_gbt_free(s);

	s = hand_specialised(0, 0.25f, false, true);
	assert_int_equal(zd_gbt_ntrees(s), 1);
	assert_int_equal(zd_gbt_nnodes(s), 3);
	const float more[2][2] = {{0.2f, 0.25f}, {0.7f, 0.25f}};
	expect_close(zd_gbt_predict(s, more[0]), 102.5f, "x1 = 0.25 fixed", 0);
	expect_close(zd_gbt_predict(s, more[1]), 110.5f, "x1 = 0.25 fixed", 1);
	zd_gbt_free(s);
}

static void specialised_predicts_as_full(void **state)
{
	(void)state;
	rng_state = 3;
	const int ncols = 8;
	const size_t n = 3000, ntest = 2000;
	float *x = random_rows(n, ncols, 0.1);
	float *y = targets(x, n, ncols);
	struct zd_gbt *g = train(x, y, n, ncols, 60, 1.0, 3);

	/* columns 2..7 fixed, column 5 fixed as missing */
	float fixed[8] = {0, 0, 0.3f, 0.7f, 0.1f, NAN, 0.9f, 0.5f};
	unsigned char mask[8] = {0, 0, 1, 1, 1, 1, 1, 1};
	struct zd_gbt *s = NULL;
	struct zd_err err = {0};
	if (zd_gbt_specialize(g, fixed, mask, &s, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(zd_gbt_ncols(s), ncols);
	assert_true(zd_gbt_nnodes(s) < zd_gbt_nnodes(g));

	float *rows = random_rows(ntest, ncols, 0.1);
	for (size_t i = 0; i < ntest; i++)
		for (int c = 2; c < ncols; c++)
			rows[i * ncols + c] = fixed[c];
	float *full = malloc(sizeof(*full) * ntest);
	float *spec = malloc(sizeof(*spec) * ntest);
	assert_true(full && spec);
	zd_gbt_predict_rows(g, rows, ntest, full);
	zd_gbt_predict_rows(s, rows, ntest, spec);
	for (size_t i = 0; i < ntest; i++)
		expect_close(spec[i], full[i], "specialised", i);

	/* the specialised model serialises: XGBoost reads it the same */
	BoosterHandle b = xgb_load(s);
	float *xgb = malloc(sizeof(*xgb) * ntest);
	assert_non_null(xgb);
	xgb_predict(b, rows, ntest, ncols, xgb);
	for (size_t i = 0; i < ntest; i++)
		expect_close(xgb[i], spec[i], "XGBoost on the specialised", i);
	XGBoosterFree(b);

	/* everything fixed: no tree is left, the answer is a constant */
	unsigned char all[8] = {1, 1, 1, 1, 1, 1, 1, 1};
	struct zd_gbt *c = NULL;
	for (int k = 0; k < 2; k++)
		fixed[k] = rows[k];
	assert_int_equal(zd_gbt_specialize(g, fixed, all, &c, &err), 0);
	assert_int_equal(zd_gbt_ntrees(c), 0);
	assert_int_equal(zd_gbt_nnodes(c), 0);
	float zeros[8] = {0};
	expect_close(zd_gbt_predict(c, zeros), full[0], "all fixed", 0);

	zd_gbt_free(c);
	zd_gbt_free(s);
	zd_gbt_free(g);
	free(xgb);
	free(full);
	free(spec);
	free(rows);
	free(x);
	free(y);
}

/* ---- JSON --------------------------------------------------------------- */

static void json_round_trip_is_exact(void **state)
{
	(void)state;
	rng_state = 4;
	const int ncols = 5;
	float *x = random_rows(1500, ncols, 0.15);
	float *y = targets(x, 1500, ncols);
	struct zd_gbt *g = train(x, y, 1500, ncols, 40, 1.0, 4);
	json_t *j = zd_gbt_to_json(g);
	assert_non_null(j);
	char *text = dump(j);
	json_error_t jerr;
	json_t *back = json_loads(text, 0, &jerr);
	assert_non_null(back);
	struct zd_gbt *h = NULL;
	struct zd_err err = {0};
	if (zd_gbt_from_json(back, "round trip", &h, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(zd_gbt_ntrees(h), zd_gbt_ntrees(g));
	assert_int_equal(zd_gbt_nnodes(h), zd_gbt_nnodes(g));
	float *rows = random_rows(1000, ncols, 0.2);
	for (size_t i = 0; i < 1000; i++) {
		float a = zd_gbt_predict(g, rows + i * ncols);
		float b = zd_gbt_predict(h, rows + i * ncols);
		if (memcmp(&a, &b, sizeof(a)) != 0)
			fail_msg("row %zu: %.9g after the round trip, %.9g "
				 "before",
				 i, (double)b, (double)a);
	}
	json_t *again = zd_gbt_to_json(h);
	char *text2 = dump(again);
	assert_string_equal(text, text2);
	free(text);
	free(text2);
	json_decref(j);
	json_decref(back);
	json_decref(again);
	zd_gbt_free(g);
	zd_gbt_free(h);
	free(rows);
	free(x);
	free(y);
}

static json_t *tree_of(json_t *j, size_t t)
{
	json_t *learner = json_object_get(j, "learner");
	json_t *model = json_object_get(
	    json_object_get(learner, "gradient_booster"), "model");
	return json_array_get(json_object_get(model, "trees"), t);
}

static void set_item(json_t *j, const char *key, size_t i, json_t *v)
{
	json_t *arr = json_object_get(tree_of(j, 0), key);
	if (json_array_set_new(arr, i, v) != 0)
		fail_msg("test bug: %s[%zu]", key, i);
}

static void expect_refused(json_t *j, const char *words)
{
	struct zd_gbt *g = NULL;
	struct zd_err err = {0};
	int rc = zd_gbt_from_json(j, "bad.json", &g, &err);
	json_decref(j);
	if (rc == 0) {
		zd_gbt_free(g);
		fail_msg("accepted a model that should fail with '%s'", words);
	}
	assert_null(g);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	if (strstr(err.msg, "bad.json: ") != err.msg ||
	    strstr(err.msg, words) == NULL)
		fail_msg("message '%s' should start with bad.json and say '%s'",
			 err.msg, words);
}

#define TREE0 "learner.gradient_booster.model.trees[0]."

static void broken_models_are_refused(void **state)
{
	(void)state;
	json_t *j;

	j = hand_json();
	json_object_del(j, "learner");
	expect_refused(j, "learner: missing required field");

	j = hand_json();
	json_array_remove(json_object_get(tree_of(j, 0), "left_children"), 4);
	expect_refused(j,
		       TREE0 "left_children: has 4 entries, "
			     "tree_param.num_nodes is 5");

	j = hand_json();
	set_item(j, "split_conditions", 1, json_string("x"));
	expect_refused(j, TREE0 "split_conditions[1]: must be a number");

	j = hand_json();
	json_object_set_new(tree_of(j, 0), "right_children", json_integer(3));
	expect_refused(j, TREE0 "right_children: must be an array");

	j = hand_json();
	json_object_set_new(json_object_get(tree_of(j, 0), "tree_param"),
			    "num_nodes", json_integer(5));
	expect_refused(j, TREE0 "tree_param.num_nodes: must be a string");

	j = hand_json();
	set_item(j, "left_children", 1, json_integer(99));
	expect_refused(j, TREE0 "left_children[1]: 99 is out of range 0..4");

	j = hand_json();
	set_item(j, "right_children", 1, json_integer(0));
	expect_refused(j, TREE0 "right_children[1]: node 0 is reached twice");

	j = hand_json();
	set_item(j, "right_children", 1, json_integer(2));
	expect_refused(j, TREE0 "right_children[1]: node 2 is reached twice");

	j = hand_json();
	set_item(j, "right_children", 0, json_integer(-1));
	expect_refused(j,
		       TREE0 "right_children[0]: -1, but node 0 has one "
			     "child (1)");

	j = hand_json();
	set_item(j, "split_indices", 1, json_integer(2));
	expect_refused(j, TREE0 "split_indices[1]: 2 is out of range 0..1");

	j = hand_json();
	set_item(j, "default_left", 0, json_integer(2));
	expect_refused(j, TREE0 "default_left[0]: must be 0 or 1");

	j = hand_json();
	set_item(j, "parents", 3, json_integer(2));
	expect_refused(j,
		       TREE0 "parents[3]: 2, but node 3 is a child of "
			     "node 1");

	j = hand_json();
	set_item(j, "split_type", 1, json_integer(1));
	expect_refused(j, TREE0 "split_type[1]: must be 0");

	/* node 1's subtree cut off: nodes 3 and 4 unreachable */
	j = hand_json();
	set_item(j, "left_children", 1, json_integer(-1));
	set_item(j, "right_children", 1, json_integer(-1));
	expect_refused(j, "2 of 5 nodes are not reachable");

	j = hand_json();
	json_object_set_new(
	    json_object_get(json_object_get(j, "learner"), "objective"), "name",
	    json_string("binary:logistic"));
	expect_refused(j,
		       "learner.objective.name: \"binary:logistic\" is "
		       "not supported");

	j = hand_json();
	json_object_set_new(json_object_get(json_object_get(j, "learner"),
					    "learner_model_param"),
			    "base_score", json_string("half"));
	expect_refused(j, "learner.learner_model_param.base_score: \"half\"");

	j = hand_json();
	json_array_remove(
	    json_object_get(
		json_object_get(json_object_get(json_object_get(j, "learner"),
						"gradient_booster"),
				"model"),
		"tree_info"),
	    1);
	expect_refused(j, "tree_info: has 1 entries for 2 trees");

	j = hand_json();
	json_object_set_new(j, "version", json_pack("[i,i,i]", 3, 0, 0));
	expect_refused(j, "version: XGBoost 3.0.0 models are not supported");

	j = json_string("not a model");
	expect_refused(j, "not an XGBoost JSON model");
}

/* ---- training inputs ---------------------------------------------------- */

static void same_seed_same_model(void **state)
{
	(void)state;
	rng_state = 5;
	const int ncols = 4;
	float *x = random_rows(1000, ncols, 0.1);
	float *y = targets(x, 1000, ncols);
	char *text[3];
	for (int k = 0; k < 3; k++) {
		/* subsampling makes the seed matter */
		struct zd_gbt *g =
		    train(x, y, 1000, ncols, 20, 0.7, k < 2 ? 42 : 43);
		json_t *j = zd_gbt_to_json(g);
		text[k] = dump(j);
		json_decref(j);
		zd_gbt_free(g);
	}
	assert_string_equal(text[0], text[1]);
	assert_string_not_equal(text[0], text[2]);
	for (int k = 0; k < 3; k++)
		free(text[k]);
	free(x);
	free(y);
}

static void bad_training_input_is_refused(void **state)
{
	(void)state;
	float x[8] = {0, 1, 2, 3, 4, 5, 6, 7}, y[4] = {1, 2, 3, 4};
	struct zd_gbt *g = NULL;
	struct zd_err err = {0};
	struct zd_gbt_params p = {.trees = -1};
	assert_int_not_equal(zd_gbt_train(x, y, 4, 2, &p, &g, &err), 0);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "trees -1"));
	assert_null(g);

	zd_err_clear(&err);
	y[2] = NAN;
	assert_int_not_equal(zd_gbt_train(x, y, 4, 2, NULL, &g, &err), 0);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "target of row 2"));

	zd_err_clear(&err);
	y[2] = 3;
	x[5] = INFINITY;
	assert_int_not_equal(zd_gbt_train(x, y, 4, 2, NULL, &g, &err), 0);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "row 2 column 1 is infinite"));

	zd_err_clear(&err);
	assert_int_not_equal(zd_gbt_train(x, y, 0, 2, NULL, &g, &err), 0);
	assert_non_null(strstr(err.msg, "no rows"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(learns_a_simple_function),
	    cmocka_unit_test(evaluator_matches_xgboost),
	    cmocka_unit_test(missing_inputs_take_the_default_branch),
	    cmocka_unit_test(specialising_the_hand_model),
	    cmocka_unit_test(specialised_predicts_as_full),
	    cmocka_unit_test(json_round_trip_is_exact),
	    cmocka_unit_test(broken_models_are_refused),
	    cmocka_unit_test(same_seed_same_model),
	    cmocka_unit_test(bad_training_input_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
