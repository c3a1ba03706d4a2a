/* dyna.c - Dyna-Q (Sutton 1990) for the two agents, as the paper uses it:
 * every real run updates both agents directly, then k synthetic runs
 * predicted by the environment model update the profiler agent; with no
 * real run at all (a program never seen), planning alone trains it
 * (zero-shot), and real runs refine it afterwards.
 *
 * Synthetic steps start from the state observed after the last real run,
 * which is the state the model predicts from. They teach only the
 * profiler agent: the model predicts from core counts, not core
 * identities, so it cannot tell the thermal agent which core of a cluster
 * runs cooler.
 *
 * The thermal guard outranks the agents: before a real run the model
 * checks the chosen action, and one predicted above the limit is replaced
 * by the best-scoring action predicted under it. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "zdvfs/agent.h"

#include "rng.h"

#define EMA_WEIGHT 0.1

/* An action and its profiler score, for sorting. */
struct ranked {
	float q;
	int index;
};

struct zd_dyna {
	struct zd_profiler_agent *profiler;
	struct zd_thermal_agent *thermal;
	struct zd_env env;
	struct zd_dyna_opts opts;
	const struct zd_action_space *space;
	int dim;
	float *state, *state_next;
	struct zd_cpuset last_used; /* CPUs of the last real run */
	struct ranked *ranked;      /* guard scratch, space->count */
	struct zd_dyna_stats stats;
	double synthetic_sum;
	uint64_t rng;
};

void zd_dyna_default_opts(struct zd_dyna_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->synthetic_per_real = 5;
	o->synthetic_uniform = false;
	o->guard_c = 0.0;
	o->lookahead = 0;
	o->seed = 1;
}

static int check_ref(const struct zd_reward_ref *ref, struct zd_err *err)
{
	if (!(ref->energy_ps_j > 0.0 && isfinite(ref->energy_ps_j)) ||
	    !(ref->makespan_perf_s > 0.0 && isfinite(ref->makespan_perf_s)))
		return zd_bad_input(err,
				    "reward references must be positive: "
				    "powersave energy %g J, performance "
				    "makespan %g s",
				    ref->energy_ps_j, ref->makespan_perf_s);
	return 0;
}

static int check_opts(const struct zd_env *env, const struct zd_dyna_opts *o,
		      struct zd_err *err)
{
	if (env->observe == NULL)
		return zd_bad_input(err,
				    "dyna: the environment has no observe");
	if (o->synthetic_per_real < 0 || o->synthetic_per_real > 1000)
		return zd_bad_input(err,
				    "dyna: %d synthetic steps per real step "
				    "is outside 0..1000",
				    o->synthetic_per_real);
	if (o->synthetic_per_real > 0 && env->model == NULL)
		return zd_bad_input(err, "dyna: synthetic steps need a model");
	if (!(o->guard_c >= 0.0 && o->guard_c < 1000.0))
		return zd_bad_input(err, "dyna: guard %g °C is outside 0..1000",
				    o->guard_c);
	return check_ref(&env->ref, err);
}

int zd_dyna_new(struct zd_profiler_agent *p, struct zd_thermal_agent *t,
		const struct zd_env *env, const struct zd_dyna_opts *o,
		struct zd_dyna **out, struct zd_err *err)
{
	int rc = check_opts(env, o, err);
	if (rc != 0)
		return rc;
	struct zd_dyna *d = calloc(1, sizeof(*d));
	if (d == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	d->profiler = p;
	d->thermal = t;
	d->env = *env;
	d->opts = *o;
	d->space = zd_profiler_agent_space(p);
	d->dim = zd_profiler_agent_state_dim(p);
	d->state = calloc((size_t)d->dim, sizeof(float));
	d->state_next = calloc((size_t)d->dim, sizeof(float));
	d->ranked = calloc((size_t)d->space->count, sizeof(*d->ranked));
	if (!d->state || !d->state_next || !d->ranked) {
		zd_dyna_free(d);
		return zd_fail(err, ENOMEM, "out of memory");
	}
	d->rng = o->seed ^ UINT64_C(0xd1b54a32d192ed03);
	*out = d;
	return 0;
}

void zd_dyna_free(struct zd_dyna *d)
{
	if (d == NULL)
		return;
	free(d->state);
	free(d->state_next);
	free(d->ranked);
	free(d);
}

int zd_dyna_set_ref(struct zd_dyna *d, const struct zd_reward_ref *ref,
		    struct zd_err *err)
{
	int rc = check_ref(ref, err);
	if (rc == 0)
		d->env.ref = *ref;
	return rc;
}

const struct zd_dyna_stats *zd_dyna_stats(const struct zd_dyna *d)
{
	return &d->stats;
}

static int observe(struct zd_dyna *d, float *state, struct zd_thermal_obs *th,
		   struct zd_err *err)
{
	memset(th, 0, sizeof(*th));
	int rc = d->env.observe(d->env.ctx, state, th, err);
	if (rc != 0)
		return rc;
	if (th->nzones < 0 || th->nzones > ZD_MAX_ZONES)
		return zd_bad_input(err, "dyna: observe gave %d zones (0..%d)",
				    th->nzones, ZD_MAX_ZONES);
	for (int i = 0; i < d->dim; i++)
		if (!isfinite(state[i]))
			return zd_bad_input(err,
					    "dyna: observe gave a non-finite "
					    "state[%d]",
					    i);
	th->last_used = d->last_used;
	return 0;
}

static int predict(struct zd_dyna *d, const struct zd_action *a,
		   struct zd_outcome *o, struct zd_err *err)
{
	memset(o, 0, sizeof(*o));
	return d->env.model(d->env.ctx, a, o, err);
}

static int by_score_desc(const void *x, const void *y)
{
	const struct ranked *a = x, *b = y;
	if (a->q != b->q)
		return a->q > b->q ? -1 : 1;
	return a->index - b->index;
}

/* The best-scoring action predicted under the limit (the coolest predicted
 * if none is). */
static int best_under_limit(struct zd_dyna *d, const float *state,
			    struct zd_action *a, struct zd_err *err)
{
	int count = d->space->count;
	float *q = malloc((size_t)count * sizeof(float));
	if (q == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	zd_profiler_agent_q_all(d->profiler, state, q);
	for (int i = 0; i < count; i++)
		d->ranked[i] = (struct ranked){.q = q[i], .index = i};
	free(q);
	qsort(d->ranked, (size_t)count, sizeof(*d->ranked), by_score_desc);
	int coolest = -1;
	double coolest_c = INFINITY;
	for (int i = 0; i < count; i++) {
		struct zd_action cand;
		struct zd_outcome o;
		zd_action_at(d->space, d->ranked[i].index, &cand);
		int rc = predict(d, &cand, &o, err);
		if (rc != 0)
			return rc;
		if (!zd_thermal_violation(&o, d->opts.guard_c)) {
			*a = cand;
			return 0;
		}
		if (o.hottest_c < coolest_c) {
			coolest_c = o.hottest_c;
			coolest = d->ranked[i].index;
		}
	}
	if (coolest >= 0)
		zd_action_at(d->space, coolest, a);
	return 0;
}

/* Replace `a` if the model predicts it above the guard. */
static int guard(struct zd_dyna *d, const float *state, struct zd_action *a,
		 bool *guarded, struct zd_err *err)
{
	*guarded = false;
	if (d->opts.guard_c <= 0.0 || d->env.model == NULL)
		return 0;
	struct zd_outcome o;
	int rc = predict(d, a, &o, err);
	if (rc != 0 || !zd_thermal_violation(&o, d->opts.guard_c))
		return rc;
	*guarded = true;
	return best_under_limit(d, state, a, err);
}

static int synthetic_step(struct zd_dyna *d, const float *state,
			  struct zd_err *err)
{
	struct zd_action a;
	struct zd_outcome o;
	if (d->opts.synthetic_uniform)
		zd_action_at(d->space, zd_rng_below(&d->rng, d->space->count),
			     &a);
	else
		zd_profiler_agent_act(d->profiler, state, true, &a);
	int rc = predict(d, &a, &o, err);
	if (rc != 0)
		return rc;
	double r = zd_profiler_reward(&o, &d->env.ref);
	/* one run is one decision: the next state is the one planned from */
	zd_profiler_agent_remember(d->profiler, state, &a, r, state);
	zd_profiler_agent_learn(d->profiler);
	d->stats.synthetic_steps++;
	d->synthetic_sum += r;
	d->stats.mean_synthetic_reward =
	    d->synthetic_sum / (double)d->stats.synthetic_steps;
	return 0;
}

static void count_real(struct zd_dyna *d, double r, double thermal_r,
		       bool guarded, bool violation)
{
	struct zd_dyna_stats *s = &d->stats;
	s->real_steps++;
	s->last_reward = r;
	s->last_thermal_reward = thermal_r;
	s->mean_reward += (r - s->mean_reward) / (double)s->real_steps;
	s->ema_reward = s->real_steps == 1
	    ? r
	    : (1.0 - EMA_WEIGHT) * s->ema_reward + EMA_WEIGHT * r;
	s->guard_overrides += guarded;
	s->violations += violation;
}

int zd_dyna_real_step(struct zd_dyna *d, struct zd_dyna_step *step,
		      struct zd_err *err)
{
	struct zd_dyna_step local;
	struct zd_thermal_obs before, after;
	struct zd_decision dec;
	if (step == NULL)
		step = &local;
	memset(step, 0, sizeof(*step));
	if (d->env.real == NULL)
		return zd_bad_input(err,
				    "dyna: the environment cannot run for "
				    "real");
	int rc = observe(d, d->state, &before, err);
	if (rc != 0)
		return rc;
	zd_profiler_agent_act(d->profiler, d->state, true, &step->action);
	if ((rc = guard(d, d->state, &step->action, &step->guarded, err)) != 0)
		return rc;
	step->nprefer = zd_thermal_agent_rank(
	    d->thermal, &before, &step->action, true, step->prefer);
	rc = d->env.real(d->env.ctx, &step->action, step->prefer, step->nprefer,
			 &step->outcome, err);
	if (rc != 0)
		return rc;
	step->reward = zd_profiler_reward(&step->outcome, &d->env.ref);
	step->violation = d->opts.guard_c > 0.0 &&
	    zd_thermal_violation(&step->outcome, d->opts.guard_c);
	zd_action_decision(d->space, &step->action, step->prefer, step->nprefer,
			   &dec);
	d->last_used = dec.cpus;
	if ((rc = observe(d, d->state_next, &after, err)) != 0)
		return rc;
	zd_profiler_agent_remember(d->profiler, d->state, &step->action,
				   step->reward, d->state_next);
	zd_profiler_agent_learn(d->profiler);
	step->thermal_reward = zd_thermal_agent_learn(
	    d->thermal, &before, &dec.cpus, &step->outcome);
	count_real(d, step->reward, step->thermal_reward, step->guarded,
		   step->violation);
	for (int i = 0; rc == 0 && i < d->opts.synthetic_per_real; i++)
		rc = synthetic_step(d, d->state_next, err);
	return rc;
}

int zd_dyna_plan(struct zd_dyna *d, long n, struct zd_err *err)
{
	struct zd_thermal_obs th;
	if (d->env.model == NULL)
		return zd_bad_input(err, "dyna: planning needs a model");
	int rc = observe(d, d->state, &th, err);
	for (long i = 0; rc == 0 && i < n; i++)
		rc = synthetic_step(d, d->state, err);
	return rc;
}

/* Among the agent's `k` best actions, the one the model predicts to earn
 * the most under the guard; *found false if none is under it. Candidates
 * are ranked on makespan and energy (model_perf, cheap), then checked for
 * heat best first, so the full prediction runs for few of them. */
struct candidate {
	int index;
	double reward;
	bool measured;
	double hottest_c;
};

static int by_reward_desc(const void *x, const void *y)
{
	const struct candidate *a = x, *b = y;
	if (a->reward != b->reward)
		return a->reward > b->reward ? -1 : 1;
	return a->index - b->index;
}

static int top_k(struct zd_dyna *d, const float *state, int k, int *best,
		 struct zd_err *err)
{
	int count = d->space->count;
	float *q = malloc((size_t)count * sizeof(float));
	if (q == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	zd_profiler_agent_q_all(d->profiler, state, q);
	for (int j = 0; j < k; j++) {
		int arg = -1;
		for (int i = 0; i < count; i++)
			if (q[i] > -INFINITY && (arg < 0 || q[i] > q[arg]))
				arg = i;
		best[j] = arg;
		q[arg] = -INFINITY;
	}
	free(q);
	return 0;
}

static int plan_at_decision(struct zd_dyna *d, const float *state, int k,
			    struct zd_action *a, bool *found,
			    struct zd_err *err)
{
	int best[64];
	struct candidate cand[64];
	if (k > 64)
		k = 64;
	if (k > d->space->count)
		k = d->space->count;
	int rc = top_k(d, state, k, best, err);
	for (int j = 0; rc == 0 && j < k; j++) {
		struct zd_action act;
		struct zd_outcome o;
		zd_action_at(d->space, best[j], &act);
		rc = d->env.model_perf
		    ? d->env.model_perf(d->env.ctx, &act, &o, err)
		    : predict(d, &act, &o, err);
		cand[j] = (struct candidate){
		    .index = best[j],
		    .reward = zd_profiler_reward(&o, &d->env.ref),
		    .hottest_c = o.hottest_c};
		if (rc == 0 && d->env.measured)
			cand[j].measured =
			    d->env.measured(d->env.ctx, &act, &cand[j].reward,
					    &cand[j].hottest_c);
	}
	if (rc != 0)
		return rc;
	qsort(cand, (size_t)k, sizeof(*cand), by_reward_desc);
	*found = false;
	for (int j = 0; j < k && !*found; j++) {
		struct zd_action act;
		struct zd_outcome o;
		zd_action_at(d->space, cand[j].index, &act);
		if (!cand[j].measured && (rc = predict(d, &act, &o, err)) != 0)
			return rc;
		if (cand[j].measured)
			o.hottest_c = cand[j].hottest_c;
		if (d->opts.guard_c > 0.0 &&
		    zd_thermal_violation(&o, d->opts.guard_c))
			continue;
		*a = act;
		*found = true;
	}
	return 0;
}

int zd_dyna_decide(struct zd_dyna *d, struct zd_action *a, int *prefer,
		   int *nprefer, bool *guarded, struct zd_err *err)
{
	struct zd_thermal_obs th;
	bool replaced = false, planned = false;
	int rc = observe(d, d->state, &th, err);
	if (rc != 0)
		return rc;
	if (d->opts.lookahead > 1 && d->env.model != NULL &&
	    (rc = plan_at_decision(d, d->state, d->opts.lookahead, a, &planned,
				   err)) != 0)
		return rc;
	if (!planned) {
		zd_profiler_agent_act(d->profiler, d->state, false, a);
		if ((rc = guard(d, d->state, a, &replaced, err)) != 0)
			return rc;
	}
	*nprefer = zd_thermal_agent_rank(d->thermal, &th, a, false, prefer);
	if (guarded)
		*guarded = replaced;
	return 0;
}
