/* test_agent.c - the learning agents: rewards against hand-computed
 * values, the MLP's gradients against finite differences, and the agents
 * learning on small deterministic environments whose best answer is known
 * (every seed fixed, no clock). */
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

#include "engine/agent_json.h"
#include "zdvfs/agent.h"

#include "mlp.h"
#include "rng.h"

#define STATE_DIM 40

/* cmocka 1.1 has no assert_double_equal */
#define assert_near(x, want, tol) assert_near_at((x), (want), (tol), __LINE__)

static void assert_near_at(double x, double want, double tol, int line)
{
	if (!(fabs(x - want) <= tol))
		fail_msg("line %d: %.17g is not %.17g (within %g)", line, x,
			 want, tol);
}

/* ---- A toy board: the TX2's space, physics simple enough to sweep ----- */

static struct zd_action_space space_of(const char *board)
{
	struct zd_board *b = NULL;
	struct zd_action_space s = {0}; /* fail_msg is not known to return */
	struct zd_err err = {0};
	if (zd_board_load(board, NULL, &b, &err) != 0 ||
	    zd_action_space_init(&s, b, &err) != 0)
		fail_msg("%s: %s", board, err.msg);
	zd_board_free(b);
	return s;
}

/* A program: work, memory-bound share, bandwidth cap, per-core overhead. */
struct toy_program {
	double work, mem_share, bandwidth, overhead;
	float state[STATE_DIM];
};

/* Makespan, energy and temperature of a run: throughput grows with cores
 * and f (the first cluster's cores are faster), the memory-bound share is
 * capped by the bandwidth, power has a cubic dynamic part per core. */
static void toy_run(const struct zd_action_space *s,
		    const struct toy_program *p, const struct zd_action *a,
		    struct zd_outcome *o)
{
	static const double speed[ZD_MAX_CLUSTERS] = {1.4, 1.0, 1.0, 1.0};
	double thr = 0.0, power = 1.5;
	int cores = 0;
	for (int c = 0; c < s->nclusters; c++) {
		if (a->cores[c] == 0)
			continue;
		double ghz = s->khz[c][a->level[c]] / 1e6;
		thr += a->cores[c] * ghz * speed[c];
		power +=
		    a->cores[c] * (0.35 * ghz * ghz * ghz * speed[c] + 0.08);
		cores += a->cores[c];
	}
	double t = p->work * (1 - p->mem_share) / thr +
	    p->work * p->mem_share / fmin(thr, p->bandwidth) +
	    p->overhead * cores;
	memset(o, 0, sizeof(*o));
	o->makespan_s = t;
	o->energy_j = power * t;
	o->avg_power_w = power;
	o->nzones = 1;
	o->peak_c[0] = o->final_c[0] = 30.0 + 4.0 * power;
	o->hottest_c = o->peak_c[0];
}

static struct zd_reward_ref toy_ref(const struct zd_action_space *s,
				    const struct toy_program *p)
{
	struct zd_action a;
	struct zd_outcome o;
	struct zd_reward_ref ref;
	zd_action_min(s, &a);
	toy_run(s, p, &a, &o);
	ref.energy_ps_j = o.energy_j;
	zd_action_max(s, &a);
	toy_run(s, p, &a, &o);
	ref.makespan_perf_s = o.makespan_s;
	return ref;
}

static double toy_reward(const struct zd_action_space *s,
			 const struct toy_program *p, const struct zd_action *a)
{
	struct zd_outcome o;
	struct zd_reward_ref ref = toy_ref(s, p);
	toy_run(s, p, a, &o);
	return zd_profiler_reward(&o, &ref);
}

/* The best reward over the space and a uniform random policy's mean. */
static void toy_sweep(const struct zd_action_space *s,
		      const struct toy_program *p, double *best, double *mean)
{
	*best = -INFINITY;
	*mean = 0.0;
	for (int i = 0; i < s->count; i++) {
		struct zd_action a;
		zd_action_at(s, i, &a);
		double r = toy_reward(s, p, &a);
		*best = fmax(*best, r);
		*mean += r / s->count;
	}
}

static void toy_state(struct toy_program *p, uint64_t seed)
{
	for (int i = 0; i < STATE_DIM; i++)
		p->state[i] = (float)zd_rng_uniform(&seed);
}

/* Near the optimum, far from random. The memory-bound program's best
 * decisions lie on a ridge (total throughput just at the bandwidth) where
 * the additive branch scores can settle on a near-best point: up to 16 %
 * of the random-to-best gap short, across seeds. */
static void assert_near_best(double got, double best, double mean)
{
	if (!(got >= 0.85 * best && best - got <= 0.2 * (best - mean) &&
	      mean < 0.25 * best))
		fail_msg("reward %.3f is not near the best %.3f (random %.3f)",
			 got, best, mean);
}

/* compute-bound (best: everything at a middling level) and memory-bound
 * (best: few cores, low levels) */
static struct toy_program compute_prog(void)
{
	struct toy_program p = {
	    .work = 10, .mem_share = 0.1, .bandwidth = 100, .overhead = 0.02};
	toy_state(&p, 11);
	return p;
}

static struct toy_program memory_prog(void)
{
	struct toy_program p = {
	    .work = 10, .mem_share = 0.8, .bandwidth = 2, .overhead = 0.05};
	toy_state(&p, 12);
	return p;
}

/* ---- Rewards ------------------------------------------------------------- */

static void rewards_match_hand_computed_values(void **state)
{
	(void)state;
	assert_near(zd_reward_score(5.0, 5.0), 1.0, 1e-12);
	assert_near(zd_reward_score(1.3, 1.0), 2 * exp(-0.5) - 1, 1e-12);
	/* 0.5 of the reference: x = -5/3, not clamped */
	assert_near(zd_reward_score(0.5, 1.0), 2 * exp(5.0 / 6) - 1, 1e-12);
	/* x = -2 is the bound; better runs score no more */
	assert_near(zd_reward_score(0.4, 1.0), 2 * exp(1.0) - 1, 1e-12);
	assert_near(zd_reward_score(0.01, 1.0), 2 * exp(1.0) - 1, 1e-12);
	assert_near(zd_reward_score(4.0, 1.0), 2 * exp(-5.0) - 1, 1e-12);
	assert_near(zd_reward_score(NAN, 1.0), -1.0, 0);
	assert_near(zd_reward_score(1.0, 0.0), -1.0, 0);

	struct zd_outcome o = {.energy_j = 10.0, .makespan_s = 1.3};
	struct zd_reward_ref ref = {.energy_ps_j = 10.0,
				    .makespan_perf_s = 1.0};
	assert_near(zd_profiler_reward(&o, &ref), (1.0 + 2 * exp(-0.5) - 1) / 2,
		    1e-12);
}

static void thermal_reward_and_violation(void **state)
{
	(void)state;
	assert_near(zd_thermal_core_reward(30.0), 20.0, 0);
	assert_near(zd_thermal_core_reward(49.5), 0.5, 0);
	assert_near(zd_thermal_core_reward(50.0), -1.0, 0);
	assert_near(zd_thermal_core_reward(70.0), -1.0, 0);
	double cores[] = {30.0, 60.0};
	assert_near(zd_thermal_reward(cores, 2), 9.5, 0);
	assert_near(zd_thermal_reward(cores, 0), 0.0, 0);
	struct zd_outcome o = {.hottest_c = 85.5};
	assert_true(zd_thermal_violation(&o, 85.0));
	o.hottest_c = 85.0;
	assert_false(zd_thermal_violation(&o, 85.0));
	o.hottest_c = NAN;
	assert_true(zd_thermal_violation(&o, 85.0));
}

/* ---- MLP ------------------------------------------------------------------- */

static struct zd_mlp *small_net(const int *sizes, int n, uint64_t seed)
{
	struct zd_mlp *m = NULL;
	struct zd_err err = {0};
	if (zd_mlp_new(sizes, n, seed, &m, &err) != 0)
		fail_msg("%s", err.msg);
	return m;
}

/* The summed loss over a few inputs, and optionally its gradient. */
static double batch_loss(struct zd_mlp *m, const float (*x)[5], int nx,
			 float delta, bool backward)
{
	static const int idx[2] = {0, 2};
	static const float target[2] = {0.7f, -1.5f};
	double sum = 0.0;
	for (int k = 0; k < nx; k++) {
		float grad_out[4];
		const float *out = zd_mlp_forward(m, x[k]);
		sum += zd_mlp_loss(out, 4, idx, target, 2, delta, grad_out);
		if (backward)
			zd_mlp_backward(m, grad_out);
	}
	return sum;
}

/* Backward against central differences, for MSE and for Huber with a
 * threshold small enough that some outputs are on its linear part. */
static void mlp_gradients_match_finite_differences(void **state)
{
	(void)state;
	static const int sizes[] = {5, 7, 6, 4};
	static const float deltas[] = {0.0f, 0.3f};
	static const float x[4][5] = {{0.3f, -0.8f, 0.5f, 1.2f, -0.1f},
				      {-1.0f, 0.4f, 0.9f, -0.3f, 0.7f},
				      {0.6f, 0.6f, -1.1f, 0.2f, 0.5f},
				      {-0.4f, -0.9f, -0.2f, -0.7f, 1.0f}};
	for (int t = 0; t < 2; t++) {
		struct zd_mlp *m = small_net(sizes, 4, 7);
		zd_mlp_zero_grad(m);
		batch_loss(m, x, 4, deltas[t], true);
		size_t n = zd_mlp_nparams(m);
		float *g = malloc(n * sizeof(float));
		memcpy(g, zd_mlp_grads(m), n * sizeof(float));
		float *param = zd_mlp_params(m);
		int nonzero = 0;
		for (size_t i = 0; i < n; i++) {
			const float h = 1e-3f;
			float keep = param[i];
			param[i] = keep + h;
			double up = batch_loss(m, x, 4, deltas[t], false);
			param[i] = keep - h;
			double down = batch_loss(m, x, 4, deltas[t], false);
			param[i] = keep;
			double fd = (up - down) / (2 * h);
			if (fabs(fd - g[i]) > 2e-3 + 2e-2 * fabs(g[i]))
				fail_msg("loss %d, parameter %zu: backward %g, "
					 "finite difference %g",
					 t, i, g[i], fd);
			nonzero += g[i] != 0.0f;
		}
		/* the check is not vacuous */
		print_message("loss %d: %d of %zu gradients non-zero\n", t,
			      nonzero, n);
		assert_true(nonzero > (int)n / 3);
		free(g);
		zd_mlp_free(m);
	}
}

static double target_fn(double x0, double x1)
{
	return sin(2.0 * x0) + x1 * x1;
}

static double grid_mse(struct zd_mlp *m)
{
	double sum = 0.0;
	int n = 0;
	for (double a = -1.0; a <= 1.0; a += 0.1)
		for (double b = -1.0; b <= 1.0; b += 0.1) {
			float x[2] = {(float)a, (float)b};
			double d = zd_mlp_forward(m, x)[0] - target_fn(a, b);
			sum += d * d;
			n++;
		}
	return sum / n;
}

static void mlp_learns_a_smooth_function(void **state)
{
	(void)state;
	static const int sizes[] = {2, 32, 32, 1};
	struct zd_mlp *m = small_net(sizes, 4, 3);
	struct zd_adam adam = zd_adam_default(3e-3f);
	uint64_t rng = 99;
	double before = grid_mse(m);
	for (int step = 0; step < 2000; step++) {
		for (int k = 0; k < 16; k++) {
			float x[2] = {(float)(2 * zd_rng_uniform(&rng) - 1),
				      (float)(2 * zd_rng_uniform(&rng) - 1)};
			float y = (float)target_fn(x[0], x[1]), grad[1];
			int idx = 0;
			zd_mlp_loss(zd_mlp_forward(m, x), 1, &idx, &y, 1, 0.0f,
				    grad);
			zd_mlp_backward(m, grad);
		}
		zd_mlp_adam_step(m, &adam, 1.0f / 16);
	}
	double after = grid_mse(m);
	print_message("mlp: grid MSE %.4f -> %.5f\n", before, after);
	assert_true(after < 0.005);
	assert_true(after < before / 20);
	zd_mlp_free(m);
}

/* The minibatch shortcuts the profiler takes are exact: a cached forward
 * is the forward, is recomputed after a step, and n gradients at one
 * input sum to the bit what n one-sample backward passes sum, zeros
 * (a dead ReLU, a zero gradient) included. Widths cover the blocks of 16
 * and 8 and their tails. */
static void mlp_batched_backward_is_exact(void **state)
{
	(void)state;
	static const int sizes[] = {21, 37, 40, 11};
	struct zd_mlp *a = small_net(sizes, 4, 3), *b = NULL;
	struct zd_err err = {0};
	assert_int_equal(zd_mlp_clone(a, &b, &err), 0);
	float x[21], grads[6][11];
	for (int i = 0; i < 21; i++)
		x[i] = (float)sin(1.7 * i) * (i % 5 == 0 ? 0.0f : 1.3f);
	for (int s = 0; s < 6; s++)
		for (int o = 0; o < 11; o++)
			grads[s][o] = s == 2 || o == 3
			    ? 0.0f
			    : (float)cos(0.9 * s + 0.37 * o) / 7;
	struct zd_adam adam = zd_adam_default(1e-2f);
	for (int step = 0; step < 3; step++) {
		float want[11];
		memcpy(want, zd_mlp_forward(a, x), sizeof(want));
		for (int s = 0; s < 6; s++)
			zd_mlp_backward(a, grads[s]);
		assert_memory_equal(zd_mlp_forward_cached(b, x), want,
				    sizeof(want));
		assert_memory_equal(zd_mlp_forward_cached(b, x), want,
				    sizeof(want));
		zd_mlp_backward_n(b, &grads[0][0], 6);
		size_t n = zd_mlp_nparams(a);
		assert_memory_equal(zd_mlp_grads(a), zd_mlp_grads(b),
				    n * sizeof(float));
		zd_mlp_adam_step(a, &adam, 1.0f / 6);
		zd_mlp_adam_step(b, &adam, 1.0f / 6);
		assert_memory_equal(zd_mlp_params(a), zd_mlp_params(b),
				    n * sizeof(float));
	}
	zd_mlp_free(a);
	zd_mlp_free(b);
}

static void mlp_clone_and_json_are_exact(void **state)
{
	(void)state;
	static const int sizes[] = {3, 9, 2};
	struct zd_mlp *m = small_net(sizes, 3, 5), *c = NULL, *back = NULL;
	struct zd_err err = {0};
	struct zd_jr v = {.what = "test", .err = &err};
	const float x[3] = {0.25f, -1.0f, 2.0f};
	float want[2];
	memcpy(want, zd_mlp_forward(m, x), sizeof(want));
	assert_int_equal(zd_mlp_clone(m, &c, &err), 0);
	assert_memory_equal(zd_mlp_forward(c, x), want, sizeof(want));
	json_t *j = zd_mlp_to_json(m);
	char *text = json_dumps(j, JSON_COMPACT);
	json_t *j2 = json_loads(text, 0, NULL);
	assert_int_equal(zd_mlp_from_json(j2, &v, "net", &back), 0);
	assert_memory_equal(zd_mlp_forward(back, x), want, sizeof(want));
	/* a weight that is not a number is named by its path */
	json_array_set_new(
	    json_object_get(json_array_get(json_object_get(j2, "layers"), 1),
			    "w"),
	    4, json_string("x"));
	struct zd_mlp *bad = NULL;
	assert_int_not_equal(zd_mlp_from_json(j2, &v, "net", &bad), 0);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "net.layers[1].w[4]"));
	free(text);
	json_decref(j);
	json_decref(j2);
	zd_mlp_free(m);
	zd_mlp_free(c);
	zd_mlp_free(back);
}

/* ---- Profiler agent -------------------------------------------------------- */

static struct zd_profiler_agent *profiler(const struct zd_action_space *s,
					  uint64_t seed)
{
	struct zd_profiler_agent_opts o;
	struct zd_profiler_agent *p = NULL;
	struct zd_err err = {0};
	zd_profiler_agent_default_opts(&o, STATE_DIM);
	o.seed = seed;
	if (zd_profiler_agent_new(s, &o, &p, &err) != 0)
		fail_msg("%s", err.msg);
	return p;
}

static void profiler_has_about_ten_thousand_weights(void **state)
{
	(void)state;
	struct zd_action_space s = space_of("jetson-tx2");
	struct zd_profiler_agent *p = profiler(&s, 1);
	/* trunk 40-64-64, then V and the branches: cores 3 + 4, levels 12 + 12 */
	size_t want =
	    (40 + 1) * 64 + (64 + 1) * 64 + (64 + 1) * (1 + 3 + 12 + 4 + 12);
	print_message("profiler agent: %zu weights for %d actions\n",
		      zd_profiler_agent_nparams(p), s.count);
	assert_int_equal(zd_profiler_agent_nparams(p), want);
	assert_true(want > 8000 && want < 12000);
	zd_profiler_agent_free(p);
}

/* Every action the agent takes is valid; q_all agrees with act's greedy
 * choice on the branches that decide. */
static void profiler_actions_are_valid(void **state)
{
	(void)state;
	struct zd_action_space s = space_of("jetson-tx2");
	struct toy_program prog = compute_prog();
	for (uint64_t seed = 1; seed <= 20; seed++) {
		struct zd_profiler_agent *p = profiler(&s, seed);
		struct zd_action a;
		for (int i = 0; i < 20; i++) {
			zd_profiler_agent_act(p, prog.state, i % 2, &a);
			assert_true(zd_action_index(&s, &a) >= 0);
		}
		zd_profiler_agent_free(p);
	}
}

/* Interleaves the two programs: act exploring, reward, one update each. */
static void train_on_toys(struct zd_profiler_agent *p,
			  const struct zd_action_space *s,
			  const struct toy_program *progs, int nprogs,
			  int steps)
{
	for (int i = 0; i < steps; i++) {
		const struct toy_program *prog = &progs[i % nprogs];
		struct zd_action a;
		zd_profiler_agent_act(p, prog->state, true, &a);
		zd_profiler_agent_remember(p, prog->state, &a,
					   toy_reward(s, prog, &a), NULL);
		zd_profiler_agent_learn(p);
	}
}

static void profiler_learns_the_best_action(void **state)
{
	(void)state;
	struct zd_action_space s = space_of("jetson-tx2");
	struct toy_program progs[2] = {compute_prog(), memory_prog()};
	struct zd_profiler_agent *p = profiler(&s, 3);
	train_on_toys(p, &s, progs, 2, 1200);
	for (int i = 0; i < 2; i++) {
		double best, mean;
		struct zd_action a;
		char text[64];
		toy_sweep(&s, &progs[i], &best, &mean);
		zd_profiler_agent_act(p, progs[i].state, false, &a);
		double got = toy_reward(&s, &progs[i], &a);
		zd_action_format(&s, &a, text, sizeof(text));
		print_message("program %d: greedy %s reward %.3f, best %.3f, "
			      "random %.3f\n",
			      i, text, got, best, mean);
		assert_near_best(got, best, mean);
	}
	zd_profiler_agent_free(p);
}

/* A two-state chain where only bootstrapping sees the better plan: in
 * state A, idling the A57 cluster earns 0 now but leads to state B, where
 * every action earns 2 and leads back to A; using it earns 0.5 and stays
 * in A. Myopic (gamma 0): use it. With gamma 0.8, idling is worth 4.44
 * against 4.06. */
static double chain_step(int at_b, const struct zd_action *a, int *next_b)
{
	if (at_b) {
		*next_b = 0;
		return 2.0;
	}
	*next_b = a->cores[1] == 0;
	return *next_b ? 0.0 : 0.5;
}

static bool chain_idles_a57(double gamma)
{
	struct zd_action_space s = space_of("jetson-tx2");
	struct zd_profiler_agent_opts o;
	struct zd_profiler_agent *p = NULL;
	struct zd_err err = {0};
	zd_profiler_agent_default_opts(&o, STATE_DIM);
	o.gamma = gamma;
	o.seed = 8;
	/* a small network: the test is about the targets, not capacity */
	o.hidden[0] = o.hidden[1] = 16;
	o.batch = 16;
	if (zd_profiler_agent_new(&s, &o, &p, &err) != 0)
		fail_msg("%s", err.msg);
	float states[2][STATE_DIM] = {{1.0f}, {0.0f, 1.0f}};
	int at_b = 0;
	for (int i = 0; i < 600; i++) {
		struct zd_action a;
		int next_b;
		zd_profiler_agent_act(p, states[at_b], true, &a);
		double r = chain_step(at_b, &a, &next_b);
		zd_profiler_agent_remember(p, states[at_b], &a, r,
					   states[next_b]);
		zd_profiler_agent_learn(p);
		at_b = next_b;
	}
	struct zd_action a;
	zd_profiler_agent_act(p, states[0], false, &a);
	zd_profiler_agent_free(p);
	return a.cores[1] == 0;
}

static void profiler_bootstraps_when_gamma_is_positive(void **state)
{
	(void)state;
	assert_false(chain_idles_a57(0.0));
	assert_true(chain_idles_a57(0.8));
}

/* ---- Dyna-Q on the toy: real and model are the same function ------------ */

struct toy_env {
	const struct zd_action_space *space;
	struct toy_program prog;
	double real_offset_c; /* how much hotter real runs are than predicted */
	long real_runs;
};

static int toy_observe(void *ctx, float *state, struct zd_thermal_obs *th,
		       struct zd_err *err)
{
	(void)err;
	struct toy_env *e = ctx;
	memcpy(state, e->prog.state, sizeof(e->prog.state));
	th->nzones = 1;
	th->zone_c[0] = 30.0;
	return 0;
}

static int toy_real(void *ctx, const struct zd_action *a, const int *prefer,
		    int nprefer, struct zd_outcome *o, struct zd_err *err)
{
	(void)prefer;
	(void)nprefer;
	(void)err;
	struct toy_env *e = ctx;
	toy_run(e->space, &e->prog, a, o);
	o->peak_c[0] += e->real_offset_c;
	o->hottest_c += e->real_offset_c;
	e->real_runs++;
	return 0;
}

static int toy_model(void *ctx, const struct zd_action *a, struct zd_outcome *o,
		     struct zd_err *err)
{
	(void)err;
	struct toy_env *e = ctx;
	toy_run(e->space, &e->prog, a, o);
	return 0;
}

struct agents {
	struct zd_profiler_agent *p;
	struct zd_thermal_agent *t;
	struct zd_dyna *d;
};

static struct agents dyna_on(struct toy_env *e, int k, double guard_c,
			     double eps_start)
{
	struct agents ag = {0};
	struct zd_err err = {0};
	struct zd_profiler_agent_opts po;
	struct zd_thermal_agent_opts to;
	struct zd_dyna_opts dopt;
	zd_profiler_agent_default_opts(&po, STATE_DIM);
	po.seed = 5;
	po.eps_start = eps_start;
	zd_thermal_agent_default_opts(&to);
	zd_dyna_default_opts(&dopt);
	dopt.synthetic_per_real = k;
	dopt.guard_c = guard_c;
	struct zd_env env = {.observe = toy_observe,
			     .real = toy_real,
			     .model = toy_model,
			     .ctx = e,
			     .ref = toy_ref(e->space, &e->prog)};
	if (zd_profiler_agent_new(e->space, &po, &ag.p, &err) != 0 ||
	    zd_thermal_agent_new(e->space, &to, &ag.t, &err) != 0 ||
	    zd_dyna_new(ag.p, ag.t, &env, &dopt, &ag.d, &err) != 0)
		fail_msg("%s", err.msg);
	return ag;
}

static void agents_free(struct agents *ag)
{
	zd_dyna_free(ag->d);
	zd_profiler_agent_free(ag->p);
	zd_thermal_agent_free(ag->t);
}

/* Real steps until the greedy action scores within 10 % of the
 * random-to-best gap, five checks in a row (cap: max_steps). */
static long real_steps_to_converge(struct toy_env *e, int k, long max_steps)
{
	double best, mean;
	toy_sweep(e->space, &e->prog, &best, &mean);
	double threshold = best - 0.1 * (best - mean);
	struct agents ag = dyna_on(e, k, 0.0, 1.0);
	struct zd_err err = {0};
	int good = 0;
	long steps = 0;
	while (steps < max_steps && good < 5) {
		if (zd_dyna_real_step(ag.d, NULL, &err) != 0)
			fail_msg("%s", err.msg);
		steps++;
		struct zd_action a;
		zd_profiler_agent_act(ag.p, e->prog.state, false, &a);
		good = toy_reward(e->space, &e->prog, &a) >= threshold
		    ? good + 1
		    : 0;
	}
	assert_int_equal(zd_dyna_stats(ag.d)->real_steps, steps);
	assert_int_equal(zd_dyna_stats(ag.d)->synthetic_steps, steps * k);
	agents_free(&ag);
	return steps - 4;
}

static void dyna_needs_fewer_real_steps_than_model_free(void **state)
{
	(void)state;
	struct zd_action_space s = space_of("jetson-tx2");
	struct toy_env e = {.space = &s, .prog = compute_prog()};
	long dyna = real_steps_to_converge(&e, 5, 2000);
	long free_ = real_steps_to_converge(&e, 0, 2000);
	print_message("real steps to converge: Dyna-Q (k=5) %ld, model-free "
		      "%ld (ratio %.1f)\n",
		      dyna, free_, (double)free_ / dyna);
	assert_true(dyna < 2000);
	assert_true(free_ >= 3 * dyna);
}

static void zero_shot_planning_alone_finds_a_good_action(void **state)
{
	(void)state;
	struct zd_action_space s = space_of("jetson-tx2");
	struct toy_env e = {.space = &s, .prog = memory_prog()};
	struct agents ag = dyna_on(&e, 5, 0.0, 1.0);
	struct zd_err err = {0};
	assert_int_equal(zd_dyna_plan(ag.d, 1500, &err), 0);
	assert_int_equal(e.real_runs, 0);
	double best, mean;
	toy_sweep(&s, &e.prog, &best, &mean);
	struct zd_action a;
	int prefer[ZD_MAX_CPUS], nprefer;
	bool guarded;
	assert_int_equal(
	    zd_dyna_decide(ag.d, &a, prefer, &nprefer, &guarded, &err), 0);
	assert_false(guarded);
	assert_int_equal(nprefer, 5); /* TX2: cpu0 reserved */
	double got = toy_reward(&s, &e.prog, &a);
	print_message("zero-shot: reward %.3f, best %.3f, random %.3f\n", got,
		      best, mean);
	assert_near_best(got, best, mean);
	assert_int_equal(zd_dyna_stats(ag.d)->synthetic_steps, 1500);
	agents_free(&ag);
}

static void guard_replaces_a_too_hot_action(void **state)
{
	(void)state;
	struct zd_action_space s = space_of("jetson-tx2");
	struct toy_env e = {.space = &s, .prog = compute_prog()};
	/* The untrained greedy action and its predicted temperature. */
	struct agents probe = dyna_on(&e, 0, 0.0, 0.0);
	struct zd_action greedy;
	struct zd_outcome o;
	zd_profiler_agent_act(probe.p, e.prog.state, false, &greedy);
	toy_run(&s, &e.prog, &greedy, &o);
	double limit = o.hottest_c - 0.5;
	/* What the guard should pick: the best score predicted under it. */
	float *q = malloc((size_t)s.count * sizeof(float));
	zd_profiler_agent_q_all(probe.p, e.prog.state, q);
	int want = -1, under = 0;
	for (int i = 0; i < s.count; i++) {
		struct zd_action a;
		zd_action_at(&s, i, &a);
		toy_run(&s, &e.prog, &a, &o);
		if (o.hottest_c <= limit) {
			under++;
			if (want < 0 || q[i] > q[want])
				want = i;
		}
	}
	assert_true(under > 0 && under < s.count);
	agents_free(&probe);

	struct agents ag = dyna_on(&e, 0, limit, 0.0);
	struct zd_dyna_step step;
	struct zd_err err = {0};
	assert_int_equal(zd_dyna_real_step(ag.d, &step, &err), 0);
	assert_true(step.guarded);
	assert_int_equal(zd_action_index(&s, &step.action), want);
	assert_true(step.outcome.hottest_c <= limit);
	assert_false(step.violation);
	assert_int_equal(zd_dyna_stats(ag.d)->guard_overrides, 1);
	assert_int_equal(zd_dyna_stats(ag.d)->violations, 0);
	agents_free(&ag);

	/* A real run hotter than predicted counts as a violation. */
	e.real_offset_c = 30.0;
	ag = dyna_on(&e, 0, limit + 1.0, 0.0);
	assert_int_equal(zd_dyna_real_step(ag.d, &step, &err), 0);
	assert_false(step.guarded);
	assert_true(step.violation);
	assert_int_equal(zd_dyna_stats(ag.d)->violations, 1);
	assert_int_equal(zd_dyna_stats(ag.d)->guard_overrides, 0);
	agents_free(&ag);
	free(q);
}

/* ---- Thermal agent ----------------------------------------------------------
 * Each CPU has its own zone (zone = cpu number). A used core ends 8 °C
 * above where it started, 3 more if it ran the previous time too, and cpu4
 * (next to the GPU, say) 15 more: it is never a good choice, even when it
 * starts coolest. */

static struct zd_thermal_agent *thermal_agent(const struct zd_action_space *s)
{
	struct zd_thermal_agent_opts o;
	struct zd_thermal_agent *t = NULL;
	struct zd_err err = {0};
	zd_thermal_agent_default_opts(&o);
	for (int cpu = 0; cpu < 6; cpu++)
		o.cpu_zone[cpu] = cpu;
	o.seed = 9;
	if (zd_thermal_agent_new(s, &o, &t, &err) != 0)
		fail_msg("%s", err.msg);
	return t;
}

static void toy_heat(const struct zd_thermal_obs *before,
		     const struct zd_cpuset *used, struct zd_outcome *o)
{
	memset(o, 0, sizeof(*o));
	o->nzones = 6;
	o->hottest_c = -INFINITY;
	for (int cpu = 0; cpu < 6; cpu++) {
		double t = before->zone_c[cpu];
		if (zd_cpuset_has(used, cpu))
			t += 8.0 + (cpu == 4 ? 15.0 : 0.0) +
			    (zd_cpuset_has(&before->last_used, cpu) ? 3.0
								    : 0.0);
		o->peak_c[cpu] = o->final_c[cpu] = t;
		o->hottest_c = fmax(o->hottest_c, t);
	}
}

static int position(const int *prefer, int n, int cpu)
{
	for (int i = 0; i < n; i++)
		if (prefer[i] == cpu)
			return i;
	return -1;
}

static struct zd_thermal_obs obs_of(const double *temps)
{
	struct zd_thermal_obs obs = {.nzones = 6};
	memcpy(obs.zone_c, temps, 6 * sizeof(double));
	return obs;
}

static void thermal_agent_prefers_cooler_cores(void **state)
{
	(void)state;
	struct zd_action_space s = space_of("jetson-tx2");
	struct zd_thermal_agent *t = thermal_agent(&s);
	/* cpu4 starts coolest: untrained, it would come first */
	const double cool4[6] = {40, 36, 36, 35, 32, 35};
	/* cpu3 starts hot, cpu5 cool */
	const double hot3[6] = {40, 36, 36, 44, 33, 32};
	int prefer[ZD_MAX_CPUS], n;
	struct zd_thermal_obs obs = obs_of(cool4);
	n = zd_thermal_agent_rank(t, &obs, NULL, false, prefer);
	assert_int_equal(n, 5);
	assert_int_equal(position(prefer, n, 4),
			 2); /* a57: 3, 4, 5 from index 2 */

	uint64_t rng = 4;
	struct zd_cpuset last;
	zd_cpuset_zero(&last);
	for (int run = 0; run < 300; run++) {
		double temps[6];
		for (int z = 0; z < 6; z++)
			temps[z] = 30.0 + 12.0 * zd_rng_uniform(&rng);
		obs = obs_of(temps);
		obs.last_used = last;
		struct zd_action a = {.cores = {1, 1 + run % 2},
				      .level = {3, 3}};
		struct zd_decision d;
		struct zd_outcome o;
		n = zd_thermal_agent_rank(t, &obs, &a, true, prefer);
		zd_action_decision(&s, &a, prefer, n, &d);
		toy_heat(&obs, &d.cpus, &o);
		zd_thermal_agent_learn(t, &obs, &d.cpus, &o);
		last = d.cpus;
	}
	obs = obs_of(cool4);
	n = zd_thermal_agent_rank(t, &obs, NULL, false, prefer);
	assert_int_equal(position(prefer, n, 4), 4); /* last of the a57s */
	obs = obs_of(hot3);
	n = zd_thermal_agent_rank(t, &obs, NULL, false, prefer);
	assert_int_equal(prefer[2], 5);
	assert_true(position(prefer, n, 3) > 2);
	/* and with one a57 core, the decision takes cpu5 */
	struct zd_action one = {.cores = {0, 1}, .level = {0, 3}};
	struct zd_decision d;
	zd_action_decision(&s, &one, prefer, n, &d);
	assert_true(zd_cpuset_has(&d.cpus, 5));
	assert_int_equal(zd_cpuset_count(&d.cpus), 1);
	zd_thermal_agent_free(t);
}

/* ---- Save and load ----------------------------------------------------------- */

static struct agents trained_pair(struct toy_env *e)
{
	struct agents ag = dyna_on(e, 2, 0.0, 1.0);
	struct zd_err err = {0};
	for (int i = 0; i < 20; i++)
		if (zd_dyna_real_step(ag.d, NULL, &err) != 0)
			fail_msg("%s", err.msg);
	return ag;
}

static void assert_same_decisions(struct agents *x, struct zd_profiler_agent *p,
				  struct zd_thermal_agent *t,
				  const struct zd_action_space *s)
{
	float *qx = malloc((size_t)s->count * sizeof(float));
	float *qy = malloc((size_t)s->count * sizeof(float));
	uint64_t rng = 21;
	for (int k = 0; k < 5; k++) {
		float state[STATE_DIM];
		for (int i = 0; i < STATE_DIM; i++)
			state[i] = (float)zd_rng_uniform(&rng);
		struct zd_action ax, ay;
		zd_profiler_agent_act(x->p, state, false, &ax);
		zd_profiler_agent_act(p, state, false, &ay);
		assert_memory_equal(&ax, &ay, sizeof(ax));
		zd_profiler_agent_q_all(x->p, state, qx);
		zd_profiler_agent_q_all(p, state, qy);
		assert_memory_equal(qx, qy, (size_t)s->count * sizeof(float));
		double temps[6];
		for (int z = 0; z < 6; z++)
			temps[z] = 30 + 20 * zd_rng_uniform(&rng);
		struct zd_thermal_obs obs = obs_of(temps);
		int px[ZD_MAX_CPUS], py[ZD_MAX_CPUS];
		int nx = zd_thermal_agent_rank(x->t, &obs, &ax, false, px);
		int ny = zd_thermal_agent_rank(t, &obs, &ay, false, py);
		assert_int_equal(nx, ny);
		assert_memory_equal(px, py, (size_t)nx * sizeof(int));
		for (int cpu = 1; cpu < 6; cpu++)
			assert_true(zd_thermal_agent_score(x->t, &obs, cpu) ==
				    zd_thermal_agent_score(t, &obs, cpu));
	}
	free(qx);
	free(qy);
}

static void save_then_load_decides_identically(void **state)
{
	(void)state;
	struct zd_action_space s = space_of("jetson-tx2");
	struct toy_env e = {.space = &s, .prog = compute_prog()};
	struct agents ag = trained_pair(&e);
	struct zd_err err = {0};
	char path[] = "/tmp/zdvfs-agents-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(zd_agents_save(ag.p, ag.t, path, &err), 0);
	struct zd_profiler_agent *p = NULL;
	struct zd_thermal_agent *t = NULL;
	if (zd_agents_load(path, &s, &p, &t, &err) != 0)
		fail_msg("%s", err.msg);
	assert_same_decisions(&ag, p, t, &s);
	assert_true(zd_profiler_agent_epsilon(p) ==
		    zd_profiler_agent_epsilon(ag.p));
	/* exploring goes on from the same random state too */
	struct zd_action ax, ay;
	zd_profiler_agent_act(ag.p, e.prog.state, true, &ax);
	zd_profiler_agent_act(p, e.prog.state, true, &ay);
	assert_memory_equal(&ax, &ay, sizeof(ax));
	zd_profiler_agent_free(p);
	zd_thermal_agent_free(t);

	/* a truncated file is refused, naming it */
	FILE *f = fopen(path, "r+");
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fclose(f);
	assert_int_equal(truncate(path, size / 2), 0);
	err = (struct zd_err){0};
	assert_int_not_equal(zd_agents_load(path, &s, &p, &t, &err), 0);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	assert_non_null(strstr(err.msg, path));
	unlink(path);
	agents_free(&ag);
}

/* Load `j` after `edit` and expect a usage error mentioning `where`. */
static void expect_refused(const json_t *good, const struct zd_action_space *s,
			   void (*edit)(json_t *j), const char *where)
{
	json_t *j = json_deep_copy(good);
	edit(j);
	struct zd_profiler_agent *p = NULL;
	struct zd_thermal_agent *t = NULL;
	struct zd_err err = {0};
	int rc = zd_agents_from_json(j, "agents.json", s, &p, &t, &err);
	if (rc == 0)
		fail_msg("accepted a broken object (%s)", where);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	if (strstr(err.msg, where) == NULL ||
	    strstr(err.msg, "agents.json") == NULL)
		fail_msg("'%s' does not name %s", err.msg, where);
	json_decref(j);
}

static void foreign_format(json_t *j)
{
	json_object_set_new(j, "format", json_string("zdvfs-model"));
}

static void newer_version(json_t *j)
{
	json_object_set_new(j, "version",
			    json_integer(ZD_AGENTS_FORMAT_VERSION + 1));
}

static void bad_weight(json_t *j)
{
	json_t *layers = json_object_get(
	    json_object_get(json_object_get(j, "profiler"), "net"), "layers");
	json_array_set_new(json_object_get(json_array_get(layers, 1), "w"), 3,
			   json_real(1e39)); /* no float holds it */
}

static void short_bias(json_t *j)
{
	json_t *layers = json_object_get(
	    json_object_get(json_object_get(j, "profiler"), "net"), "layers");
	json_array_remove(json_object_get(json_array_get(layers, 2), "b"), 0);
}

static void no_thermal_cpus(json_t *j)
{
	json_object_del(json_object_get(j, "thermal"), "cpus");
}

static void wrong_cpu(json_t *j)
{
	json_t *cpus = json_object_get(json_object_get(j, "thermal"), "cpus");
	json_object_set_new(json_array_get(cpus, 1), "cpu", json_integer(7));
}

static void string_epsilon(json_t *j)
{
	json_object_set_new(json_object_get(j, "profiler"), "epsilon",
			    json_string("high"));
}

static void broken_objects_are_refused_with_their_path(void **state)
{
	(void)state;
	struct zd_action_space s = space_of("jetson-tx2");
	struct toy_env e = {.space = &s, .prog = compute_prog()};
	struct agents ag = trained_pair(&e);
	json_t *good = zd_agents_to_json(ag.p, ag.t);
	expect_refused(good, &s, foreign_format, "format");
	expect_refused(good, &s, newer_version, "version");
	expect_refused(good, &s, bad_weight, "profiler.net.layers[1].w[3]");
	expect_refused(good, &s, short_bias, "profiler.net.layers[2].b");
	expect_refused(good, &s, no_thermal_cpus, "thermal.cpus");
	expect_refused(good, &s, wrong_cpu, "thermal.cpus[1].cpu");
	expect_refused(good, &s, string_epsilon, "profiler.epsilon");
	/* agents of another board do not fit this one */
	struct zd_action_space orin = space_of("jetson-orin-nx");
	struct zd_profiler_agent *p = NULL;
	struct zd_thermal_agent *t = NULL;
	struct zd_err err = {0};
	assert_int_not_equal(
	    zd_agents_from_json(good, "agents.json", &orin, &p, &t, &err), 0);
	assert_non_null(strstr(err.msg, "profiler.clusters[0]"));
	json_decref(good);
	agents_free(&ag);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rewards_match_hand_computed_values),
	    cmocka_unit_test(thermal_reward_and_violation),
	    cmocka_unit_test(mlp_gradients_match_finite_differences),
	    cmocka_unit_test(mlp_learns_a_smooth_function),
	    cmocka_unit_test(mlp_clone_and_json_are_exact),
	    cmocka_unit_test(mlp_batched_backward_is_exact),
	    cmocka_unit_test(profiler_has_about_ten_thousand_weights),
	    cmocka_unit_test(profiler_actions_are_valid),
	    cmocka_unit_test(profiler_learns_the_best_action),
	    cmocka_unit_test(profiler_bootstraps_when_gamma_is_positive),
	    cmocka_unit_test(dyna_needs_fewer_real_steps_than_model_free),
	    cmocka_unit_test(zero_shot_planning_alone_finds_a_good_action),
	    cmocka_unit_test(guard_replaces_a_too_hot_action),
	    cmocka_unit_test(thermal_agent_prefers_cooler_cores),
	    cmocka_unit_test(save_then_load_decides_identically),
	    cmocka_unit_test(broken_objects_are_refused_with_their_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
