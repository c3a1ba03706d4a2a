/* agent_bench.c - the agents' speed on one core: how long a decision
 * takes once they are trained (profiler agent greedy + thermal agent
 * ranking, median of 10000 calls), how long ranking every action takes
 * (what the guard does), and how many synthetic Dyna-Q steps (one model
 * query, one minibatch update) run per second. The environment is a
 * closed-form toy over a real board's action space, so the figures are
 * the agents' own cost, not a model's or a simulator's.
 * Usage: agent_bench [BOARD] [SYNTHETIC_STEPS] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zdvfs/agent.h"

#define STATE_DIM 40
#define DECISIONS 10000

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct toy {
	const struct zd_action_space *space;
	float state[STATE_DIM];
};

/* A compute-bound program: time falls with cores x f, power grows with
 * cores x f^3. */
static int toy_model(void *ctx, const struct zd_action *a, struct zd_outcome *o,
		     struct zd_err *err)
{
	(void)err;
	const struct toy *t = ctx;
	double thr = 0.0, power = 1.5;
	for (int c = 0; c < t->space->nclusters; c++) {
		double ghz = t->space->khz[c][a->level[c]] / 1e6;
		thr += a->cores[c] * ghz;
		power += a->cores[c] * (0.35 * ghz * ghz * ghz + 0.08);
	}
	memset(o, 0, sizeof(*o));
	o->makespan_s = 10.0 / thr;
	o->energy_j = power * o->makespan_s;
	o->nzones = 1;
	o->peak_c[0] = o->hottest_c = 30.0 + 4.0 * power;
	return 0;
}

static int toy_observe(void *ctx, float *state, struct zd_thermal_obs *th,
		       struct zd_err *err)
{
	(void)err;
	const struct toy *t = ctx;
	memcpy(state, t->state, sizeof(t->state));
	th->nzones = 1;
	th->zone_c[0] = 35.0;
	return 0;
}

static struct zd_reward_ref toy_ref(struct toy *t)
{
	struct zd_action a;
	struct zd_outcome o;
	struct zd_reward_ref ref;
	zd_action_min(t->space, &a);
	toy_model(t, &a, &o, NULL);
	ref.energy_ps_j = o.energy_j;
	zd_action_max(t->space, &a);
	toy_model(t, &a, &o, NULL);
	ref.makespan_perf_s = o.makespan_s;
	return ref;
}

static void die(const struct zd_err *err)
{
	fprintf(stderr, "agent_bench: %s\n", err->msg);
	exit(1);
}

/* Median microseconds of `n` greedy decisions (or of ranking every
 * action when q is given). */
static double median_us(struct zd_profiler_agent *p, struct zd_thermal_agent *t,
			const struct toy *toy, float *q, int n)
{
	double *us = malloc((size_t)n * sizeof(double));
	struct zd_thermal_obs obs = {.nzones = 1, .zone_c = {35.0}};
	int prefer[ZD_MAX_CPUS];
	struct zd_action a;
	if (us == NULL) {
		fprintf(stderr, "agent_bench: out of memory\n");
		exit(1);
	}
	for (int i = 0; i < n; i++) {
		double t0 = now_s();
		if (q) {
			zd_profiler_agent_q_all(p, toy->state, q);
		} else {
			zd_profiler_agent_act(p, toy->state, false, &a);
			zd_thermal_agent_rank(t, &obs, &a, false, prefer);
		}
		us[i] = (now_s() - t0) * 1e6;
	}
	qsort(us, (size_t)n, sizeof(double), compare);
	double median = us[n / 2];
	free(us);
	return median;
}

int main(int argc, char **argv)
{
	const char *board = argc > 1 ? argv[1] : "jetson-tx2";
	long steps = argc > 2 ? atol(argv[2]) : 3000;
	struct zd_board *b = NULL;
	struct zd_action_space space;
	struct zd_err err = {0};
	if (zd_board_load(board, NULL, &b, &err) != 0 ||
	    zd_action_space_init(&space, b, &err) != 0)
		die(&err);
	zd_board_free(b);

	struct toy toy = {.space = &space};
	for (int i = 0; i < STATE_DIM; i++)
		toy.state[i] = (float)(0.5 + 0.5 * sin(i));
	struct zd_profiler_agent_opts po;
	struct zd_thermal_agent_opts to;
	struct zd_dyna_opts dopt;
	struct zd_profiler_agent *p = NULL;
	struct zd_thermal_agent *t = NULL;
	struct zd_dyna *d = NULL;
	zd_profiler_agent_default_opts(&po, STATE_DIM);
	zd_thermal_agent_default_opts(&to);
	zd_dyna_default_opts(&dopt);
	struct zd_env env = {.observe = toy_observe,
			     .model = toy_model,
			     .ctx = &toy,
			     .ref = toy_ref(&toy)};
	if (zd_profiler_agent_new(&space, &po, &p, &err) != 0 ||
	    zd_thermal_agent_new(&space, &to, &t, &err) != 0 ||
	    zd_dyna_new(p, t, &env, &dopt, &d, &err) != 0)
		die(&err);

	double t0 = now_s();
	if (zd_dyna_plan(d, steps, &err) != 0)
		die(&err);
	double train_s = now_s() - t0;

	float *q = malloc((size_t)space.count * sizeof(float));
	if (q == NULL) {
		fprintf(stderr, "agent_bench: out of memory\n");
		return 1;
	}
	double decide_us = median_us(p, t, &toy, NULL, DECISIONS);
	double rank_us = median_us(p, t, &toy, q, DECISIONS / 10);
	printf("board %s: %d actions, profiler agent %zu weights (state %d)\n",
	       board, space.count, zd_profiler_agent_nparams(p), STATE_DIM);
	printf("synthetic Dyna-Q steps: %.0f /s (%ld steps in %.2f s, "
	       "minibatch %d)\n",
	       steps / train_s, steps, train_s, po.batch);
	printf("decision (profiler greedy + thermal rank): median %.2f us "
	       "over %d\n",
	       decide_us, DECISIONS);
	printf("score of every action (q_all): median %.2f us over %d\n",
	       rank_us, DECISIONS / 10);
	printf("mean synthetic reward %.3f\n",
	       zd_dyna_stats(d)->mean_synthetic_reward);
	free(q);
	zd_dyna_free(d);
	zd_profiler_agent_free(p);
	zd_thermal_agent_free(t);
	return 0;
}
