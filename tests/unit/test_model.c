/* test_model.c - the environment model end to end on a small store filled
 * from the simulator: profile -> train -> predict -> save/load -> eval, and
 * the property zero-shot rests on: a program held out contributes nothing
 * to the model that predicts it, nor does any version of it (its group). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/model_json.h"
#include "zdvfs/model.h"
#include "zdvfs/sim.h"
#include "zdvfs/store.h"
#include "zdvfs/workload.h"

#include "simstore.h"

static const char *const boards[] = {"jetson-tx2", "core-i7"};
static const char *const programs[] = {"gemm", "jacobi-2d", "fib", "atax",
				       "nqueens"};
#define NBOARDS 2
#define NPROGRAMS 5

struct fixture {
	char dir[64];
	char db[128];
	char db_other[128];
};

static int setup(void **state)
{
	static struct fixture fx;
	snprintf(fx.dir, sizeof(fx.dir), "/tmp/zdvfs-model-XXXXXX");
	if (!mkdtemp(fx.dir))
		return -1;
	snprintf(fx.db, sizeof(fx.db), "%s/a.db", fx.dir);
	snprintf(fx.db_other, sizeof(fx.db_other), "%s/b.db", fx.dir);
	fill_store(fx.db, boards, NBOARDS, programs, NPROGRAMS, NULL, 1.0);
	/* the same, but one program's runs are nonsense */
	fill_store(fx.db_other, boards, NBOARDS, programs, NPROGRAMS, "fib",
		   100.0);
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct zd_model *train(const char *db, const char *exclude)
{
	struct zd_err err = {0};
	struct zd_store *s = NULL;
	struct zd_model *m = NULL;
	struct zd_model_train_opts o = {
	    .exclude_program = exclude, .threads = 1, .trees = 40, .seed = 3};
	if (zd_store_open(db, &s, &err) != 0 ||
	    zd_model_train(s, &o, &m, &err) != 0)
		fail_msg("train: %s", err.msg);
	zd_store_close(s);
	return m;
}

static struct zd_model_query *query(const struct zd_model *m, const char *board,
				    const char *program, struct zd_board **b)
{
	struct zd_err err = {0};
	struct zd_features *f = program_features(program);
	struct zd_model_query *q = NULL;
	struct zd_model_query_opts o = {.features = f};
	if (zd_board_load(board, NULL, b, &err) != 0 ||
	    zd_model_query_new(m, *b, &o, &q, &err) != 0)
		fail_msg("%s", err.msg);
	zd_features_free(f);
	return q;
}

static bool json_has_string(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) if (strcmp(json_string_value(v), s) ==
					  0) return true;
	return false;
}

/* Held out means held out: corrupting the held-out program's runs changes
 * nothing in the model, bit for bit; and it is not listed as trained on. */
static void test_lobo_excludes_program(void **state)
{
	struct fixture *fx = *state;
	struct zd_model *clean = train(fx->db, "fib");
	struct zd_model *dirty = train(fx->db_other, "fib");
	struct zd_model *seen = train(fx->db_other, NULL);
	const json_t *info = zd_model_info(clean);
	assert_false(json_has_string(json_object_get(info, "programs"), "fib"));
	assert_true(json_has_string(json_object_get(info, "programs"), "gemm"));
	for (int b = 0; b < NBOARDS; b++) {
		struct zd_board *b1 = NULL, *b2 = NULL, *b3 = NULL;
		struct zd_model_query *q1 = query(clean, boards[b], "fib", &b1);
		struct zd_model_query *q2 = query(dirty, boards[b], "fib", &b2);
		struct zd_model_query *q3 = query(seen, boards[b], "fib", &b3);
		const struct zd_action_space *sp = zd_model_query_space(q1);
		struct zd_outcome *o1 = calloc((size_t)sp->count, sizeof(*o1));
		struct zd_outcome *o2 = calloc((size_t)sp->count, sizeof(*o2));
		struct zd_outcome *o3 = calloc((size_t)sp->count, sizeof(*o3));
		zd_model_predict_all(q1, o1);
		zd_model_predict_all(q2, o2);
		zd_model_predict_all(q3, o3);
		int differ = 0;
		for (int i = 0; i < sp->count; i++) {
			assert_true(o1[i].makespan_s == o2[i].makespan_s);
			assert_true(o1[i].energy_j == o2[i].energy_j);
			assert_true(o1[i].hottest_c == o2[i].hottest_c);
			differ += o1[i].makespan_s != o3[i].makespan_s;
		}
		/* and the check can fail: a model that saw the corrupted runs
		 * predicts differently */
		assert_true(differ > 0);
		free(o1);
		free(o2);
		free(o3);
		zd_model_query_free(q1);
		zd_model_query_free(q2);
		zd_model_query_free(q3);
		zd_board_free(b1);
		zd_board_free(b2);
		zd_board_free(b3);
	}
	zd_model_free(clean);
	zd_model_free(dirty);
	zd_model_free(seen);
}

/* predict_all (every decision at once, the bulk evaluator) gives what
 * predict (one decision, the walker) gives, and predict_perf_all what
 * predict_perf gives, to the last bit, on every board: two clusters and
 * several zones (the TX2), one cluster whose missing second-cluster
 * inputs take the trees' default branches (the i7), two clusters of 2808
 * decisions (the Orin NX), 26999 decisions (the Rubik Pi: the
 * last block of rows partly full); also from a warmer start. */
static const char *const every_board[] = {"jetson-tx2", "core-i7",
					  "jetson-orin-nx", "rubik-pi"};

static void expect_all_is_each(struct zd_model_query *q, int nzones)
{
	const struct zd_action_space *sp = zd_model_query_space(q);
	struct zd_outcome *all = calloc((size_t)sp->count, sizeof(*all));
	assert_non_null(all);
	zd_model_predict_all(q, all);
	for (int i = 0; i < sp->count; i++) {
		struct zd_action a;
		struct zd_outcome one;
		zd_action_at(sp, i, &a);
		zd_model_predict(q, &a, &one);
		if (one.makespan_s != all[i].makespan_s ||
		    one.avg_power_w != all[i].avg_power_w ||
		    one.energy_j != all[i].energy_j ||
		    one.hottest_c != all[i].hottest_c)
			fail_msg(
			    "decision %d: all %.17g s %.17g W %.17g C, one "
			    "%.17g s %.17g W %.17g C",
			    i, all[i].makespan_s, all[i].avg_power_w,
			    all[i].hottest_c, one.makespan_s, one.avg_power_w,
			    one.hottest_c);
		assert_int_equal(all[i].nzones, nzones);
		for (int z = 0; z < nzones; z++) {
			assert_true(one.peak_c[z] == all[i].peak_c[z]);
			assert_true(one.final_c[z] == all[i].final_c[z]);
		}
	}
	/* and predict_perf_all what predict_perf gives, decision by decision */
	double *ms = calloc((size_t)sp->count, sizeof(*ms));
	double *pw = calloc((size_t)sp->count, sizeof(*pw));
	assert_non_null(ms);
	assert_non_null(pw);
	zd_model_predict_perf_all(q, ms, pw);
	for (int i = 0; i < sp->count; i++) {
		struct zd_action a;
		struct zd_outcome one;
		zd_action_at(sp, i, &a);
		zd_model_predict_perf(q, &a, &one);
		if (one.makespan_s != ms[i] || one.avg_power_w != pw[i])
			fail_msg("decision %d: perf_all %.17g s %.17g W, one "
				 "%.17g s %.17g W",
				 i, ms[i], pw[i], one.makespan_s,
				 one.avg_power_w);
	}
	free(ms);
	free(pw);
	free(all);
}

static void test_predict_all_exact(void **state)
{
	struct fixture *fx = *state;
	struct zd_model *m = train(fx->db, "gemm");
	for (size_t k = 0; k < sizeof(every_board) / sizeof(every_board[0]);
	     k++) {
		struct zd_board *b = NULL;
		struct zd_model_query *q = query(m, every_board[k], "gemm", &b);
		expect_all_is_each(q, b->nzones);
		int warm[ZD_MAX_ZONES];
		for (int z = 0; z < ZD_MAX_ZONES; z++)
			warm[z] = 55000;
		zd_model_query_set_start(q, warm);
		expect_all_is_each(q, b->nzones);
		zd_model_query_free(q);
		zd_board_free(b);
	}
	zd_model_free(m);
}

/* What the agents rely on: predict has the shape of physics on a
 * compute-bound program; the given scale is used as is. */
static void test_predictions(void **state)
{
	struct fixture *fx = *state;
	struct zd_model *m = train(fx->db, "gemm");
	struct zd_board *b = NULL;
	struct zd_model_query *q = query(m, "core-i7", "gemm", &b);
	const struct zd_action_space *sp = zd_model_query_space(q);
	struct zd_outcome *all = calloc((size_t)sp->count, sizeof(*all));
	zd_model_predict_all(q, all);
	for (int i = 0; i < sp->count; i += 7) {
		struct zd_action a;
		struct zd_outcome one;
		zd_action_at(sp, i, &a);
		zd_model_predict(q, &a, &one);
		assert_true(one.energy_j > 0 && isfinite(one.energy_j));
		assert_int_equal(one.nzones, b->nzones);
		assert_true(one.hottest_c >= 20 && one.hottest_c < 150);
	}
	struct zd_action fast, slow;
	zd_action_max(sp, &fast);
	zd_action_min(sp, &slow);
	struct zd_outcome of, os;
	zd_model_predict(q, &fast, &of);
	zd_model_predict(q, &slow, &os);
	assert_true(of.makespan_s < os.makespan_s);
	assert_true(of.avg_power_w > os.avg_power_w);
	zd_model_query_set_scale_s(q, 2.0);
	zd_model_predict(q, &fast, &of);
	/* the reference action predicts close to its own scale */
	assert_true(of.makespan_s > 1.5 && of.makespan_s < 2.7);
	free(all);
	zd_model_query_free(q);
	zd_board_free(b);
	zd_model_free(m);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void expect_load_error(const char *path, const char *needle)
{
	struct zd_err err = {0};
	struct zd_model *m = NULL;
	assert_int_not_equal(zd_model_load(path, &m, &err), 0);
	assert_null(m);
	assert_int_equal(err.exit, 2);
	if (!strstr(err.msg, needle) || !strstr(err.msg, path))
		fail_msg("'%s' lacks '%s' or the path", err.msg, needle);
}

/* Every decision of a board predicted alike by two models. */
static void expect_same_predictions(const struct zd_model *m1,
				    const struct zd_model *m2)
{
	struct zd_board *b1 = NULL, *b2 = NULL;
	struct zd_model_query *q1 = query(m1, "jetson-tx2", "atax", &b1);
	struct zd_model_query *q2 = query(m2, "jetson-tx2", "atax", &b2);
	const struct zd_action_space *sp = zd_model_query_space(q1);
	for (int i = 0; i < sp->count; i++) {
		struct zd_action a;
		struct zd_outcome o1, o2;
		zd_action_at(sp, i, &a);
		zd_model_predict(q1, &a, &o1);
		zd_model_predict(q2, &a, &o2);
		assert_true(o1.makespan_s == o2.makespan_s);
		assert_true(o1.avg_power_w == o2.avg_power_w);
		assert_true(o1.hottest_c == o2.hottest_c);
	}
	zd_model_query_free(q1);
	zd_model_query_free(q2);
	zd_board_free(b1);
	zd_board_free(b2);
}

/* The programs' average response (population.h): learnt, kept by the
 * binary file and the JSON form to the bit, absent from a JSON model of
 * zdvfs 0.1, and the
 * right way round: every core at the lowest level is slower and draws
 * less than every core at the top, which is 0 by definition. */
static void expect_population(const struct zd_model *m,
			      const struct zd_model *same,
			      const struct zd_model *none)
{
	struct zd_board *b1 = NULL, *b2 = NULL, *b3 = NULL;
	struct zd_model_query *q1 = query(m, "jetson-tx2", "atax", &b1);
	struct zd_model_query *q2 = query(same, "jetson-tx2", "atax", &b2);
	struct zd_model_query *q3 = query(none, "jetson-tx2", "atax", &b3);
	const struct zd_action_space *sp = zd_model_query_space(q1);
	struct zd_action top, low;
	zd_action_max(sp, &top);
	zd_action_min(sp, &low);
	double t, p, t2, p2;
	for (int i = 0; i < sp->count; i++) {
		assert_true(zd_model_query_population(q1, i, &t, &p));
		assert_true(zd_model_query_population(q2, i, &t2, &p2));
		assert_true(t == t2 && p == p2);
		assert_false(zd_model_query_population(q3, i, &t2, &p2));
	}
	assert_true(
	    zd_model_query_population(q1, zd_action_index(sp, &top), &t, &p));
	assert_true(t == 0 && p == 0);
	assert_true(
	    zd_model_query_population(q1, zd_action_index(sp, &low), &t, &p));
	assert_true(t > 0.5 && p < -0.3);
	assert_false(zd_model_query_population(q1, sp->count, &t, &p));
	zd_model_query_free(q1);
	zd_model_query_free(q2);
	zd_model_query_free(q3);
	zd_board_free(b1);
	zd_board_free(b2);
	zd_board_free(b3);
}

static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	unsigned char *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void write_bytes(const char *path, const unsigned char *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
}

/* The binary file's checksum (model.c): over the bytes from 32 on, stored
 * at 24; recomputed here to damage a file past it. */
static void reseal(unsigned char *buf, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 32; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, buf + i, 8);
		h = (h ^ w) * 0x100000001b3ull;
		h ^= h >> 29;
	}
	memcpy(buf + 24, &h, 8);
}

static void test_save_load(void **state)
{
	struct fixture *fx = *state;
	struct zd_err err = {0};
	char path[256], bad[256], json[256];
	snprintf(path, sizeof(path), "%s/model.bin", fx->dir);
	snprintf(json, sizeof(json), "%s/model.json", fx->dir);
	snprintf(bad, sizeof(bad), "%s/bad.bin", fx->dir);
	struct zd_model *m = train(fx->db, NULL), *back = NULL, *old = NULL;
	assert_int_equal(zd_model_save(m, path, &err), 0);
	assert_int_equal(zd_model_load(path, &back, &err), 0);
	expect_same_predictions(m, back);
	/* the JSON of earlier zdvfs still reads, to the same predictions */
	assert_int_equal(zd_model_save_json(back, json, &err), 0);
	assert_int_equal(zd_model_load(json, &old, &err), 0);
	expect_same_predictions(m, old);
	/* a JSON model of zdvfs 0.1 has no population response */
	char legacy[256];
	snprintf(legacy, sizeof(legacy), "%s/legacy.json", fx->dir);
	json_t *root = json_load_file(json, 0, NULL);
	assert_non_null(json_object_get(root, "population"));
	json_object_del(root, "population");
	assert_int_equal(json_dump_file(root, legacy, JSON_COMPACT), 0);
	json_decref(root);
	struct zd_model *none = NULL;
	assert_int_equal(zd_model_load(legacy, &none, &err), 0);
	expect_population(m, back, none);
	expect_population(m, old, none);
	zd_model_free(none);
	assert_int_equal(
	    json_integer_value(json_object_get(zd_model_info(old), "runs")),
	    json_integer_value(json_object_get(zd_model_info(m), "runs")));
	zd_model_free(old);
	zd_model_free(back);
	zd_model_free(m);

	size_t n;
	unsigned char *bin = read_file(path, &n);
	write_bytes(bad, bin, n / 2);
	expect_load_error(bad, "truncated");
	write_bytes(bad, bin, 20);
	expect_load_error(bad, "truncated");
	bin[n / 2] ^= 0x10;
	write_bytes(bad, bin, n);
	expect_load_error(bad, "checksum");
	bin[n / 2] ^= 0x10;
	/* damage past the checksum: the first node of the time model's
	 * first tree (its root, a split) sent out of the tree */
	uint64_t nodes_at;
	memcpy(&nodes_at, bin + 80 + 24, 8); /* 80: the header */
	int32_t child = 0x7fffff00, was;
	memcpy(&was, bin + nodes_at + 8, 4);
	memcpy(bin + nodes_at + 8, &child, 4);
	reseal(bin, n);
	write_bytes(bad, bin, n);
	expect_load_error(bad, "models.time: tree 0: node 0 has children");
	memcpy(bin + nodes_at + 8, &was, 4);
	/* a column the model has not */
	uint32_t split = 999, split_was;
	memcpy(&split_was, bin + nodes_at + 4, 4);
	memcpy(bin + nodes_at + 4, &split, 4);
	reseal(bin, n);
	write_bytes(bad, bin, n);
	expect_load_error(bad, "splits on column 999");
	memcpy(bin + nodes_at + 4, &split_was, 4);
	/* the population response's first board claims no decisions */
	uint64_t pop_at;
	memcpy(&pop_at, bin + 64, 8);
	uint32_t count = 0, count_was;
	memcpy(&count_was, bin + pop_at + 8 + 48, 4);
	memcpy(bin + pop_at + 8 + 48, &count, 4);
	reseal(bin, n);
	write_bytes(bad, bin, n);
	expect_load_error(bad, "population response: board 0's entry");
	memcpy(bin + pop_at + 8 + 48, &count_was, 4);
	uint32_t version = 99;
	memcpy(bin + 8, &version, 4);
	write_bytes(bad, bin, n);
	expect_load_error(bad, "newer zdvfs");
	free(bin);
	write_text(bad, "hello");
	expect_load_error(bad, "not a zdvfs model");

	/* the JSON reader's own checks */
	unsigned char *text = read_file(json, &n);
	text[n / 2] = '\0';
	write_text(bad, (const char *)text);
	expect_load_error(bad, "truncated or not JSON");
	free(text);
	write_text(bad, "{\"format\": \"something-else\", \"version\": 1}");
	expect_load_error(bad, "not a zdvfs model");
	write_text(bad, "{\"format\": \"zdvfs-model\", \"version\": 99}");
	expect_load_error(bad, "newer zdvfs");
	write_text(bad,
		   "{\"format\": \"zdvfs-model\", \"version\": 1, "
		   "\"columns\": [\"x\"]}");
	expect_load_error(bad, "columns");
	snprintf(bad, sizeof(bad), "%s/missing.json", fx->dir);
	expect_load_error(bad, "cannot read");
}

/* The evaluation holds each program out and reports every program and
 * board with finite figures. */
static void test_eval_lobo(void **state)
{
	struct fixture *fx = *state;
	struct zd_err err = {0};
	struct zd_store *s = NULL;
	json_t *report = NULL;
	struct zd_model_eval_opts o = {.lobo = true};
	o.train.threads = 1;
	o.train.trees = 30;
	assert_int_equal(zd_store_open(fx->db, &s, &err), 0);
	if (zd_model_eval(s, &o, &report, &err) != 0)
		fail_msg("%s", err.msg);
	zd_store_close(s);
	assert_string_equal(json_string_value(json_object_get(report, "mode")),
			    "lobo");
	assert_int_equal(json_integer_value(json_object_get(report, "folds")),
			 NPROGRAMS);
	for (int b = 0; b < NBOARDS; b++) {
		json_t *jb = json_object_get(json_object_get(report, "boards"),
					     boards[b]);
		assert_non_null(jb);
		assert_int_equal(
		    json_object_size(json_object_get(jb, "programs")),
		    NPROGRAMS);
		json_t *ov = json_object_get(jb, "overall");
		double mape = json_number_value(json_object_get(
		    json_object_get(ov, "with_reference"), "makespan_mape"));
		double rho =
		    json_number_value(json_object_get(ov, "edp_rank_rho"));
		printf("# lobo %s: makespan MAPE %.1f %%, EDP rank rho %.3f\n",
		       boards[b], mape, rho);
		/* Held out, the model must still rank decisions and scale
		 * time far better than chance: bounds several times looser
		 * than what it reaches, so they fail on a broken model, not
		 * on noise. */
		assert_true(isfinite(mape) && mape >= 0 &&
			    mape < 60); /* per cent */
		assert_true(rho > 0.5 && rho <= 1.0);
	}
	/* in-sample (the paper's setting) holds nothing out and fits better */
	json_t *in = NULL;
	struct zd_model_eval_opts io = {.train = o.train};
	assert_int_equal(zd_store_open(fx->db, &s, &err), 0);
	if (zd_model_eval(s, &io, &in, &err) != 0)
		fail_msg("%s", err.msg);
	zd_store_close(s);
	assert_string_equal(json_string_value(json_object_get(in, "mode")),
			    "in-sample");
	double mape_lobo = json_number_value(
	    json_object_get(json_object_get(json_object_get(report, "overall"),
					    "with_reference"),
			    "makespan_mape"));
	double mape_in = json_number_value(json_object_get(
	    json_object_get(json_object_get(in, "overall"), "with_reference"),
	    "makespan_mape"));
	assert_true(mape_in < mape_lobo);
	json_decref(in);
	json_decref(report);
}

/* A manifest of the fixture's programs in dir/manifest.json, with gemm and
 * fib in one group ("twins") if twins, else each its own group. */
static void write_manifest(const char *dir, bool twins)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/manifest.json", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "{\"format\": \"zdvfs-workloads 1\", \"workloads\": [\n");
	for (int p = 0; p < NPROGRAMS; p++) {
		bool twin = twins &&
		    (strcmp(programs[p], "gemm") == 0 ||
		     strcmp(programs[p], "fib") == 0);
		fprintf(f,
			"%s {\"name\": \"%s\", \"suite\": \"t\", \"kind\": "
			"\"loops\", "
			"\"group\": \"%s\", \"parallel\": \"loops\", "
			"\"sources\": [\"workloads/t/%s.c\"], "
			"\"sizes\": {\"tiny\": 1, \"small\": 2, \"standard\": "
			"3}}\n",
			p ? "," : "", programs[p], twin ? "twins" : programs[p],
			programs[p]);
	}
	fprintf(f, "]}\n");
	assert_int_equal(fclose(f), 0);
}

/* Leave-groups-out with a small model; train_groups > 0 for a point of a
 * learning curve. */
static json_t *eval_groups_out(const char *db, const char *workload_dir,
			       int train_groups)
{
	struct zd_err err = {0};
	struct zd_store *s = NULL;
	json_t *report = NULL;
	struct zd_model_eval_opts o = {.lobo = true,
				       .workload_dir = workload_dir,
				       .train_groups = train_groups};
	o.train.threads = 1;
	o.train.trees = 30;
	assert_int_equal(zd_store_open(db, &s, &err), 0);
	if (zd_model_eval(s, &o, &report, &err) != 0)
		fail_msg("%s", err.msg);
	zd_store_close(s);
	return report;
}

static json_t *eval_lobo(const char *db, const char *workload_dir)
{
	return eval_groups_out(db, workload_dir, 0);
}

static json_t *program_figures(const json_t *report, const char *board,
			       const char *program)
{
	return json_object_get(
	    json_object_get(
		json_object_get(json_object_get(report, "boards"), board),
		"programs"),
	    program);
}

/* Leave-one-group-out: with gemm and fib in one group, fib's runs never
 * train the model that judges gemm, so corrupting them changes none of
 * gemm's figures; with each program its own group they do (the check can
 * fail). */
static void test_eval_groups(void **state)
{
	struct fixture *fx = *state;
	char twins[128], single[128];
	snprintf(twins, sizeof(twins), "%s/twins", fx->dir);
	snprintf(single, sizeof(single), "%s/single", fx->dir);
	assert_int_equal(mkdir(twins, 0700), 0);
	assert_int_equal(mkdir(single, 0700), 0);
	write_manifest(twins, true);
	write_manifest(single, false);
	json_t *clean = eval_lobo(fx->db, twins);
	json_t *dirty = eval_lobo(fx->db_other, twins);
	assert_int_equal(json_integer_value(json_object_get(clean, "folds")),
			 NPROGRAMS - 1);
	json_t *clean1 = eval_lobo(fx->db, single);
	json_t *dirty1 = eval_lobo(fx->db_other, single);
	assert_int_equal(json_integer_value(json_object_get(clean1, "folds")),
			 NPROGRAMS);
	int differ = 0;
	for (int b = 0; b < NBOARDS; b++) {
		json_t *g1 = program_figures(clean, boards[b], "gemm");
		json_t *g2 = program_figures(dirty, boards[b], "gemm");
		assert_non_null(g1);
		assert_true(json_equal(g1, g2));
		differ +=
		    !json_equal(program_figures(clean1, boards[b], "gemm"),
				program_figures(dirty1, boards[b], "gemm"));
	}
	assert_true(differ > 0);
	json_decref(clean);
	json_decref(dirty);
	json_decref(clean1);
	json_decref(dirty1);
}

static json_t *eval_train_groups(const char *db, int train_groups)
{
	return eval_groups_out(db, NULL, train_groups);
}

/* A learning curve's point: each fold learns from only N of its groups,
 * the same ones on every run; N at least the groups there are is the plain
 * evaluation, one group learns less than all of them. */
static void test_eval_train_groups(void **state)
{
	struct fixture *fx = *state;
	json_t *all = eval_train_groups(fx->db, 0);
	json_t *many = eval_train_groups(fx->db, NPROGRAMS);
	json_t *one = eval_train_groups(fx->db, 1);
	json_t *one_again = eval_train_groups(fx->db, 1);
	assert_int_equal(
	    json_integer_value(json_object_get(one, "train_groups")), 1);
	assert_true(json_equal(json_object_get(all, "boards"),
			       json_object_get(many, "boards")));
	assert_true(json_equal(json_object_get(one, "boards"),
			       json_object_get(one_again, "boards")));
	assert_false(json_equal(json_object_get(one, "boards"),
				json_object_get(all, "boards")));
	json_decref(all);
	json_decref(many);
	json_decref(one);
	json_decref(one_again);
}

/* The manifest's groups: twins share a group index, the others each have
 * their own; a program that is no workload is its own group. */
static void test_manifest_groups(void **state)
{
	struct fixture *fx = *state;
	char dir[128];
	snprintf(dir, sizeof(dir), "%s/groups", fx->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	write_manifest(dir, true);
	struct zd_err err = {0};
	struct zd_manifest *m = NULL;
	if (zd_manifest_load(dir, &m, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(m->count, NPROGRAMS);
	assert_int_equal(m->ngroups, NPROGRAMS - 1);
	const struct zd_workload_info *gemm = zd_manifest_find(m, "gemm");
	const struct zd_workload_info *fib = zd_manifest_find(m, "fib");
	const struct zd_workload_info *atax = zd_manifest_find(m, "atax");
	assert_int_equal(gemm->group_index, fib->group_index);
	assert_int_not_equal(gemm->group_index, atax->group_index);
	assert_string_equal(gemm->kind, "loops");
	assert_string_equal(zd_manifest_group_of(m, "fib"), "twins");
	assert_string_equal(zd_manifest_group_of(m, "mine"), "mine");
	assert_string_equal(zd_manifest_group_of(NULL, "gemm"), "gemm");
	zd_manifest_free(m);
}

int main(void)
{
	setenv("ZDVFS_CACHE_DIR", "/tmp", 0);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lobo_excludes_program),
	    cmocka_unit_test(test_predictions),
	    cmocka_unit_test(test_predict_all_exact),
	    cmocka_unit_test(test_save_load),
	    cmocka_unit_test(test_eval_lobo),
	    cmocka_unit_test(test_eval_groups),
	    cmocka_unit_test(test_eval_train_groups),
	    cmocka_unit_test(test_manifest_groups),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
