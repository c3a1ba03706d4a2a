/* test_engine.c - ZeroDVFS decisions as a user relies on them: a held-out
 * program is decided from the model alone and nothing of its own runs; the
 * thermal guard outranks the agents; a run that went badly is not chosen
 * again; the qlearn baseline needs measured references; agents persist. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "simstore.h"
#include "zdvfs/engine.h"
#include "zdvfs/learned.h"
#include "zdvfs/model.h"
#include "zdvfs/sim.h"
#include "zdvfs/store.h"

static const char *const boards[] = {"jetson-tx2", "core-i7"};
static const char *const programs[] = {"gemm", "jacobi-2d", "fib", "atax",
				       "nqueens"};

struct fixture {
	char dir[64];
	char model_clean[128], model_dirty[128];
	struct zd_board *tx2;
	struct zd_features *fib;
};

static void train_without_fib(const char *db, const char *out)
{
	struct zd_err err = {0};
	struct zd_store *s = NULL;
	struct zd_model *m = NULL;
	struct zd_model_train_opts o = {.exclude_program = "fib", .threads = 1,
					.trees = 40, .seed = 3};
	if (zd_store_open(db, &s, &err) != 0 ||
	    zd_model_train(s, &o, &m, &err) != 0 || zd_model_save(m, out, &err) != 0)
		fail_msg("%s", err.msg);
	zd_model_free(m);
	zd_store_close(s);
}

static int setup(void **state)
{
	static struct fixture fx;
	struct zd_err err = {0};
	char db[128], db_dirty[128];
	snprintf(fx.dir, sizeof(fx.dir), "/tmp/zdvfs-engine-XXXXXX");
	if (!mkdtemp(fx.dir))
		return -1;
	snprintf(db, sizeof(db), "%s/a.db", fx.dir);
	snprintf(db_dirty, sizeof(db_dirty), "%s/b.db", fx.dir);
	snprintf(fx.model_clean, sizeof(fx.model_clean), "%s/clean.json", fx.dir);
	snprintf(fx.model_dirty, sizeof(fx.model_dirty), "%s/dirty.json", fx.dir);
	fill_store(db, boards, 2, programs, 5, NULL, 1.0);
	fill_store(db_dirty, boards, 2, programs, 5, "fib", 50.0);
	train_without_fib(db, fx.model_clean);
	train_without_fib(db_dirty, fx.model_dirty);
	if (zd_board_load("jetson-tx2", NULL, &fx.tx2, &err) != 0)
		return -1;
	fx.fib = program_features("fib");
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];
	zd_board_free(fx->tx2);
	zd_features_free(fx->fib);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct zd_engine *open_engine(struct fixture *fx, const char *model,
				     const char *agents, double guard_c,
				     bool model_free)
{
	struct zd_err err = {0};
	struct zd_engine *e = NULL;
	struct zd_engine_opts o = {.board = fx->tx2, .model_path = model,
				   .agents_path = agents, .guard_c = guard_c,
				   .zero_shot_steps = 150, .seed = 7,
				   .model_free = model_free};
	unlink(agents);
	if (zd_engine_open(&o, &e, &err) != 0)
		fail_msg("%s", err.msg);
	return e;
}

static void decide(struct zd_engine *e, const struct zd_features *f,
		   struct zd_engine_decision *d)
{
	struct zd_err err = {0};
	if (zd_engine_decide(e, "fib", f, NULL, d, &err) != 0)
		fail_msg("%s", err.msg);
}

/* Zero-shot: decided before any run, from a model that never saw fib; the
 * same decision whatever fib's runs in the store say. */
static void test_zero_shot_ignores_held_out_runs(void **state)
{
	struct fixture *fx = *state;
	char agents[160];
	snprintf(agents, sizeof(agents), "%s/agents.json", fx->dir);
	struct zd_engine *a = open_engine(fx, fx->model_clean, agents, 0, false);
	struct zd_engine *b = open_engine(fx, fx->model_dirty, agents, 0, false);
	struct zd_engine_decision da, db;
	decide(a, fx->fib, &da);
	decide(b, fx->fib, &db);
	assert_true(da.zero_shot);
	assert_int_equal(da.synthetic_steps, 150);
	assert_memory_equal(&da.action, &db.action, sizeof(da.action));
	assert_true(da.predicted.energy_j == db.predicted.energy_j);
	assert_true(zd_cpuset_count(&da.decision.cpus) ==
		    zd_action_total_cores(zd_engine_space(a), &da.action));
	zd_engine_free(a);
	zd_engine_free(b);
}

/* The guard outranks the agents: under a limit below every prediction the
 * coolest predicted decision is taken and the override is reported; under
 * a reachable limit the decision is predicted within it. */
static void test_guard(void **state)
{
	struct fixture *fx = *state;
	char agents[160];
	snprintf(agents, sizeof(agents), "%s/agents.json", fx->dir);
	struct zd_engine *free_run = open_engine(fx, fx->model_clean, agents, 150, false);
	struct zd_engine_decision d;
	decide(free_run, fx->fib, &d);
	assert_false(d.guard_override);
	double hot = d.predicted.hottest_c;
	zd_engine_free(free_run);

	struct zd_engine *tight = open_engine(fx, fx->model_clean, agents, 25.01, false);
	decide(tight, fx->fib, &d);
	assert_true(d.guard_override);
	assert_true(d.predicted.hottest_c <= hot);
	zd_engine_free(tight);

	/* a limit between the coolest prediction and the free pick */
	struct zd_err err = {0};
	struct zd_model *m = NULL;
	struct zd_model_query *q = NULL;
	struct zd_model_query_opts qo = {.features = fx->fib};
	if (zd_model_load(fx->model_clean, &m, &err) != 0 ||
	    zd_model_query_new(m, fx->tx2, &qo, &q, &err) != 0)
		fail_msg("%s", err.msg);
	int n = zd_model_query_space(q)->count;
	struct zd_outcome *all = calloc((size_t)n, sizeof(*all));
	zd_model_predict_all(q, all);
	double coolest = INFINITY;
	for (int i = 0; i < n; i++)
		coolest = fmin(coolest, all[i].hottest_c);
	free(all);
	zd_model_query_free(q);
	zd_model_free(m);
	assert_true(coolest < hot);
	double limit = (coolest + hot) / 2;
	struct zd_engine *mid = open_engine(fx, fx->model_clean, agents, limit, false);
	decide(mid, fx->fib, &d);
	assert_true(d.predicted.hottest_c <= limit);
	zd_engine_free(mid);
}

/* Better with each run: a decision whose real run went badly (far more
 * energy and time than predicted) is not decided again. */
static void test_learns_from_bad_run(void **state)
{
	struct fixture *fx = *state;
	struct zd_err err = {0};
	char agents[160];
	snprintf(agents, sizeof(agents), "%s/agents.json", fx->dir);
	struct zd_engine *e = open_engine(fx, fx->model_clean, agents, 0, false);
	struct zd_engine_decision first, second;
	decide(e, fx->fib, &first);
	struct zd_outcome bad = first.predicted;
	bad.makespan_s *= 4;
	bad.energy_j *= 20;
	bad.avg_power_w *= 5;
	assert_int_equal(zd_engine_learn(e, &first, NULL, NULL, &bad, &err), 0);
	decide(e, fx->fib, &second);
	assert_false(second.zero_shot);
	assert_memory_not_equal(&first.action, &second.action, sizeof(first.action));
	/* the agents were saved on close, and load again */
	assert_int_equal(zd_engine_close(e, &err), 0);
	assert_int_equal(access(agents, R_OK), 0);
	struct zd_engine_opts o = {.board = fx->tx2, .model_path = fx->model_clean,
				   .agents_path = agents, .seed = 7};
	e = NULL;
	assert_int_equal(zd_engine_open(&o, &e, &err), 0);
	zd_engine_free(e);
	/* a broken agents file is refused, naming it */
	FILE *f = fopen(agents, "w");
	assert_non_null(f);
	fputs("{\"format\": \"zdvfs-agents\", \"version\": 1", f);
	fclose(f);
	e = NULL;
	assert_int_not_equal(zd_engine_open(&o, &e, &err), 0);
	assert_null(e);
	assert_non_null(strstr(err.msg, agents));
}

/* qlearn: no model, so nothing to decide from until the references are
 * measured; then it decides, and the policy interface reaches it. */
static void test_qlearn_needs_references(void **state)
{
	struct fixture *fx = *state;
	struct zd_err err = {0};
	char agents[160];
	snprintf(agents, sizeof(agents), "%s/agents-q.json", fx->dir);
	struct zd_engine *e = open_engine(fx, fx->model_clean, agents, 0, true);
	struct zd_engine_decision d;
	assert_int_not_equal(zd_engine_decide(e, "fib", fx->fib, NULL, &d, &err), 0);
	assert_int_equal(err.exit, 2);
	assert_non_null(strstr(err.msg, "references"));
	assert_int_equal(zd_engine_set_reference(e, "fib", fx->fib, 10.0, 1.0, &err), 0);

	zd_learned_policies_register();
	struct zd_board *b = NULL;
	struct zd_sim *sim = NULL;
	if (zd_board_load("jetson-tx2", NULL, &b, &err) != 0 ||
	    zd_sim_new(b, 1, &sim, &err) != 0)
		fail_msg("%s", err.msg);
	const struct zd_platform_info *info = zd_sim_info(sim);
	struct zd_policy *pol = NULL;
	struct zd_policy_program prog;
	zd_policy_program_init(&prog, "fib", fx->fib);
	prog.engine = e;
	if (zd_policy_new("qlearn", info, NULL, &pol, &err) != 0)
		fail_msg("%s", err.msg);
	zd_policy_attach(pol, &prog);
	struct zd_decision dec;
	memset(&dec, 0, sizeof(dec));
	assert_int_equal(zd_policy_start(pol, &dec, &err), 0);
	assert_true(zd_cpuset_count(&dec.cpus) > 0);
	assert_memory_equal(&dec, &prog.last.decision, sizeof(dec));
	zd_policy_free(pol);
	/* zerodvfs refuses a model-free engine */
	assert_int_equal(zd_policy_new("zerodvfs", info, NULL, &pol, &err), 0);
	zd_policy_attach(pol, &prog);
	assert_int_not_equal(zd_policy_start(pol, &dec, &err), 0);
	assert_int_equal(err.exit, 2);
	zd_policy_free(pol);
	zd_sim_free(sim);
	zd_engine_free(e);
}

int main(void)
{
	setenv("ZDVFS_CACHE_DIR", "/tmp", 0);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero_shot_ignores_held_out_runs),
		cmocka_unit_test(test_guard),
		cmocka_unit_test(test_learns_from_bad_run),
		cmocka_unit_test(test_qlearn_needs_references),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
