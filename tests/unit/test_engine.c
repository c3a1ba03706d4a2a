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

#include "features/features_json.h"
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
	struct zd_model_train_opts o = {
	    .exclude_program = "fib", .threads = 1, .trees = 40, .seed = 3};
	if (zd_store_open(db, &s, &err) != 0 ||
	    zd_model_train(s, &o, &m, &err) != 0 ||
	    zd_model_save(m, out, &err) != 0)
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
	snprintf(fx.model_clean, sizeof(fx.model_clean), "%s/clean.json",
		 fx.dir);
	snprintf(fx.model_dirty, sizeof(fx.model_dirty), "%s/dirty.json",
		 fx.dir);
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
	struct zd_engine_opts o = {.board = fx->tx2,
				   .model_path = model,
				   .agents_path = agents,
				   .guard_c = guard_c,
				   .zero_shot_steps = 150,
				   .seed = 7,
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
	struct zd_engine *a =
	    open_engine(fx, fx->model_clean, agents, 0, false);
	struct zd_engine *b =
	    open_engine(fx, fx->model_dirty, agents, 0, false);
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
	struct zd_engine *free_run =
	    open_engine(fx, fx->model_clean, agents, 150, false);
	struct zd_engine_decision d;
	decide(free_run, fx->fib, &d);
	assert_false(d.guard_override);
	double hot = d.predicted.hottest_c;
	zd_engine_free(free_run);

	struct zd_engine *tight =
	    open_engine(fx, fx->model_clean, agents, 25.01, false);
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
	struct zd_engine *mid =
	    open_engine(fx, fx->model_clean, agents, limit, false);
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
	struct zd_engine *e =
	    open_engine(fx, fx->model_clean, agents, 0, false);
	struct zd_engine_decision first, second;
	decide(e, fx->fib, &first);
	struct zd_outcome bad = first.predicted;
	bad.makespan_s *= 4;
	bad.energy_j *= 20;
	bad.avg_power_w *= 5;
	assert_int_equal(zd_engine_learn(e, &first, NULL, NULL, &bad, &err), 0);
	decide(e, fx->fib, &second);
	assert_false(second.zero_shot);
	assert_memory_not_equal(&first.action, &second.action,
				sizeof(first.action));
	/* the agents were saved on close, and load again */
	assert_int_equal(zd_engine_close(e, &err), 0);
	assert_int_equal(access(agents, R_OK), 0);
	struct zd_engine_opts o = {.board = fx->tx2,
				   .model_path = fx->model_clean,
				   .agents_path = agents,
				   .seed = 7};
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
	assert_int_not_equal(
	    zd_engine_decide(e, "fib", fx->fib, NULL, &d, &err), 0);
	assert_int_equal(err.exit, 2);
	assert_non_null(strstr(err.msg, "references"));
	assert_int_equal(
	    zd_engine_set_reference(e, "fib", fx->fib, 10.0, 1.0, &err), 0);

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

/* ---- learning a program the model gets wrong ----------------------------- */

/* A made-up program whose truth is the clean model's forecast for fib bent
 * by what the model cannot know: it waits on memory more than predicted
 * (time x f^0.6, f the cores' mean frequency relative to their top) and
 * draws more at high clocks (power x f^0.2), so its best decision runs at
 * lower frequencies than the model's. */
struct truth {
	struct zd_model *model;
	struct zd_model_query *q;
	const struct zd_action_space *space;
	int best; /* the truly lowest energy x delay */
	double best_edp;
};

static void truth_outcome(const struct truth *t, const struct zd_action *a,
			  struct zd_outcome *o)
{
	const struct zd_action_space *sp = t->space;
	double f = 0;
	int n = 0;
	zd_model_predict(t->q, a, o);
	for (int c = 0; c < sp->nclusters; c++) {
		f += a->cores[c] * (double)sp->khz[c][a->level[c]] /
		    sp->khz[c][sp->nlevels[c] - 1];
		n += a->cores[c];
	}
	o->makespan_s *= pow(f / n, 0.6);
	o->avg_power_w *= pow(f / n, 0.2);
	o->energy_j = o->makespan_s * o->avg_power_w;
}

static double truth_edp(const struct truth *t, const struct zd_action *a)
{
	struct zd_outcome o;
	truth_outcome(t, a, &o);
	return o.energy_j * o.makespan_s;
}

static void truth_open(struct fixture *fx, struct zd_engine *e, struct truth *t)
{
	struct zd_err err = {0};
	struct zd_model_query_opts qo = {.features = fx->fib};
	memset(t, 0, sizeof(*t));
	if (zd_model_load(fx->model_clean, &t->model, &err) != 0 ||
	    zd_model_query_new(t->model, fx->tx2, &qo, &t->q, &err) != 0)
		fail_msg("%s", err.msg);
	t->space = zd_engine_space(e);
	assert_int_equal(t->space->nclusters, 2);
	t->best_edp = INFINITY;
	for (int i = 0; i < t->space->count; i++) {
		struct zd_action a;
		zd_action_at(t->space, i, &a);
		double edp = truth_edp(t, &a);
		if (edp < t->best_edp)
			t->best_edp = edp, t->best = i;
	}
}

static void truth_close(struct truth *t)
{
	zd_model_query_free(t->q);
	zd_model_free(t->model);
}

/* Decide and learn `runs` times; the true EDP of each decision in edp[]. */
static void learn_runs(struct zd_engine *e, const struct truth *t,
		       const struct zd_features *f, int runs, double *edp,
		       struct zd_engine_decision *last)
{
	struct zd_err err = {0};
	for (int r = 0; r < runs; r++) {
		struct zd_outcome o;
		if (zd_engine_decide(e, "fib", f, NULL, last, &err) != 0)
			fail_msg("%s", err.msg);
		truth_outcome(t, &last->action, &o);
		edp[r] = o.energy_j * o.makespan_s;
		if (getenv("ZDVFS_TEST_VERBOSE"))
			print_message(
			    "run %d: %s gain %.3f, %d measured, edp %g "
			    "(%d@%d, %d@%d; predicted %g)\n",
			    r, last->exploring ? "explore" : "exploit",
			    last->expected_gain, last->measured_decisions,
			    edp[r], last->action.cores[0],
			    last->action.level[0], last->action.cores[1],
			    last->action.level[1],
			    last->predicted.energy_j *
				last->predicted.makespan_s);
		if (zd_engine_learn(e, last, "sim", NULL, &o, &err) != 0)
			fail_msg("%s", err.msg);
	}
}

static struct zd_engine *open_learning(struct fixture *fx, const char *agents,
				       struct zd_store *store, bool no_explore)
{
	struct zd_err err = {0};
	struct zd_engine *e = NULL;
	struct zd_engine_opts o = {.board = fx->tx2,
				   .model_path = fx->model_clean,
				   .agents_path = agents,
				   .guard_c = 120,
				   .zero_shot_steps = 20,
				   .seed = 7,
				   .store = store,
				   .no_explore = no_explore};
	if (zd_engine_open(&o, &e, &err) != 0)
		fail_msg("%s", err.msg);
	return e;
}

/* The zero-shot pick is more than 5 % off the truly best; within ten runs
 * the engine explores, settles, and ends on a decision no worse than where
 * it started. (It does not yet reach the truly best here: on the boards'
 * present physics the best is a far corner the model puts twice as high,
 * and the engine settles 12 % above it; issue 15 stays open on that.) */
static void test_converges_to_true_best(void **state)
{
	struct fixture *fx = *state;
	char agents[160];
	snprintf(agents, sizeof(agents), "%s/agents-conv.json", fx->dir);
	unlink(agents);
	struct zd_engine *e = open_learning(fx, agents, NULL, false);
	struct truth t;
	struct zd_engine_decision d;
	double edp[10];
	decide(e, fx->fib, &d);
	truth_open(fx, e, &t);
	{
		struct zd_action b;
		zd_action_at(t.space, t.best, &b);
		if (getenv("ZDVFS_TEST_VERBOSE"))
			print_message("true best %d@%d, %d@%d: %g\n",
				      b.cores[0], b.level[0], b.cores[1],
				      b.level[1], t.best_edp);
	}
	assert_true(d.zero_shot);
	assert_true(d.sd_log_edp > 0);
	assert_true(truth_edp(&t, &d.action) > 1.05 * t.best_edp);
	double zero_shot_edp = truth_edp(&t, &d.action);
	learn_runs(e, &t, fx->fib, 10, edp, &d);
	decide(e, fx->fib, &d);
	assert_true(d.measured_decisions > 1);
	print_message("zero-shot %.3f x best, run 2 %.3f, run 3 %.3f, run 10 "
		      "%.3f, then %.3f (%d decisions measured)\n",
		      edp[0] / t.best_edp, edp[1] / t.best_edp,
		      edp[2] / t.best_edp, edp[9] / t.best_edp,
		      truth_edp(&t, &d.action) / t.best_edp,
		      d.measured_decisions);
	assert_false(d.exploring);
	assert_true(truth_edp(&t, &d.action) <= zero_shot_edp * (1 + 1e-9));
	truth_close(&t);
	zd_engine_free(e);
}

/* --explore never: every decision is the best predicted one (corrected by
 * the runs so far), never an exploring one. */
static void test_never_explore_keeps_predicted_best(void **state)
{
	struct fixture *fx = *state;
	struct zd_err err = {0};
	char agents[160];
	snprintf(agents, sizeof(agents), "%s/agents-never.json", fx->dir);
	unlink(agents);
	struct zd_engine *e = open_learning(fx, agents, NULL, true);
	struct truth t;
	struct zd_engine_decision d;
	decide(e, fx->fib, &d);
	truth_open(fx, e, &t);
	for (int r = 0; r < 5; r++) {
		decide(e, fx->fib, &d);
		assert_false(d.exploring);
		struct zd_outcome o;
		double chosen = INFINITY, lowest = INFINITY;
		for (int i = 0; i < t.space->count; i++) {
			struct zd_action a;
			zd_action_at(t.space, i, &a);
			if (zd_engine_predict(e, "fib", &a, &o, NULL, &err) !=
			    0)
				fail_msg("%s", err.msg);
			double edp = o.energy_j * o.makespan_s;
			lowest = fmin(lowest, edp);
			if (memcmp(&a, &d.action, sizeof(a)) == 0)
				chosen = edp;
		}
		assert_true(chosen <= lowest * (1 + 1e-9));
		truth_outcome(&t, &d.action, &o);
		if (zd_engine_learn(e, &d, NULL, NULL, &o, &err) != 0)
			fail_msg("%s", err.msg);
	}
	truth_close(&t);
	zd_engine_free(e);
}

static void add_record(struct zd_store *s, const struct zd_run_record *like,
		       void (*spoil)(struct zd_run_record *))
{
	struct zd_err err = {0};
	struct zd_run_record r = *like;
	r.id = 0;
	spoil(&r);
	if (zd_store_add_run(s, &r, &err) != 0)
		fail_msg("%s", err.msg);
}

static void absurd_power(struct zd_run_record *r)
{
	r->energy_j = 1e9;
}
static void too_hot(struct zd_run_record *r)
{
	r->peak_mc[0] = 500000;
}
static void other_shape(struct zd_run_record *r)
{
	r->nclusters = 1;
}
static void wrong_cpus(struct zd_run_record *r)
{
	snprintf(r->cpus, sizeof(r->cpus), "0-5");
	r->action.cores[0] = 1;
	r->action.cores[1] = 1;
}

static int last_record(void *ctx, const struct zd_run_record *r)
{
	*(struct zd_run_record *)ctx = *r;
	return 0;
}

/* What three runs taught survives the process (store and agents file): a
 * new engine decides as the old one would have; broken runs and runs of
 * another program of the same name are not learnt from. */
static void test_corrections_persist(void **state)
{
	struct fixture *fx = *state;
	struct zd_err err = {0};
	char agents[160], db[160];
	snprintf(agents, sizeof(agents), "%s/agents-persist.json", fx->dir);
	snprintf(db, sizeof(db), "%s/persist.db", fx->dir);
	unlink(agents);
	struct zd_store *s = NULL;
	if (zd_store_open(db, &s, &err) != 0)
		fail_msg("%s", err.msg);
	struct zd_engine *e = open_learning(fx, agents, s, false);
	struct truth t;
	struct zd_engine_decision d, next;
	double edp[3];
	decide(e, fx->fib, &d);
	truth_open(fx, e, &t);
	learn_runs(e, &t, fx->fib, 3, edp, &d);
	decide(e, fx->fib, &next);
	assert_int_equal(zd_engine_close(e, &err), 0);

	e = open_learning(fx, agents, s, false);
	decide(e, fx->fib, &d);
	assert_false(d.zero_shot);
	assert_int_equal(d.measured_decisions, next.measured_decisions);
	assert_memory_equal(&d.action, &next.action, sizeof(d.action));
	assert_int_equal(d.refused_runs, 0);
	zd_engine_free(e);

	/* broken runs beside them: refused, the decision unchanged */
	struct zd_run_record like;
	struct zd_run_query q = {.program = "fib"};
	assert_int_equal(zd_store_foreach_run(s, &q, last_record, &like, &err),
			 0);
	add_record(s, &like, absurd_power);
	add_record(s, &like, too_hot);
	add_record(s, &like, other_shape);
	add_record(s, &like, wrong_cpus);
	e = open_learning(fx, agents, s, false);
	decide(e, fx->fib, &d);
	assert_int_equal(d.refused_runs, 4);
	assert_int_equal(d.measured_decisions, next.measured_decisions);
	assert_memory_equal(&d.action, &next.action, sizeof(d.action));
	zd_engine_free(e);

	/* the store's "fib" is now another program: nothing of it is used */
	struct zd_features *gemm = program_features("gemm");
	json_t *j = zd_features_json(gemm);
	char *text = json_dumps(j, JSON_COMPACT);
	assert_int_equal(zd_store_put_program(s, "fib", "", text, &err), 0);
	free(text);
	json_decref(j);
	zd_features_free(gemm);
	e = open_learning(fx, agents, s, false);
	decide(e, fx->fib, &d);
	assert_true(d.zero_shot);
	assert_int_equal(d.measured_decisions, 0);
	assert_int_equal(d.refused_runs, 7);
	zd_engine_free(e);
	truth_close(&t);
	zd_store_close(s);
}

/* Zero-shot uncertainty: a program the model learnt from (gemm) is
 * familiar, one it never saw (fib) less so, and its corrections start
 * wider, so it explores more. */
static void test_unfamiliar_program_is_less_sure(void **state)
{
	struct fixture *fx = *state;
	struct zd_err err = {0};
	char agents[160], db[160];
	snprintf(agents, sizeof(agents), "%s/agents-familiar.json", fx->dir);
	snprintf(db, sizeof(db), "%s/a.db", fx->dir);
	unlink(agents);
	struct zd_store *s = NULL;
	if (zd_store_open(db, &s, &err) != 0)
		fail_msg("%s", err.msg);
	struct zd_engine *e = open_learning(fx, agents, s, true);
	struct zd_features *gemm = program_features("gemm");
	struct zd_engine_decision dg, df;
	if (zd_engine_decide(e, "gemm", gemm, NULL, &dg, &err) != 0)
		fail_msg("%s", err.msg);
	decide(e, fx->fib, &df);
	assert_true(fabs(dg.unfamiliarity - 0.75) < 1e-9);
	assert_true(df.unfamiliarity > dg.unfamiliarity);
	/* without a store it cannot tell */
	struct zd_engine *bare = open_learning(fx, agents, NULL, true);
	decide(bare, fx->fib, &df);
	assert_true(df.unfamiliarity == 1.0);
	zd_engine_free(bare);
	zd_features_free(gemm);
	zd_engine_free(e);
	zd_store_close(s);
}

int main(void)
{
	setenv("ZDVFS_CACHE_DIR", "/tmp", 0);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_zero_shot_ignores_held_out_runs),
	    cmocka_unit_test(test_guard),
	    cmocka_unit_test(test_learns_from_bad_run),
	    cmocka_unit_test(test_qlearn_needs_references),
	    cmocka_unit_test(test_converges_to_true_best),
	    cmocka_unit_test(test_never_explore_keeps_predicted_best),
	    cmocka_unit_test(test_corrections_persist),
	    cmocka_unit_test(test_unfamiliar_program_is_less_sure),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
