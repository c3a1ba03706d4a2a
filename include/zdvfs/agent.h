/* agent.h - the learning agents of the method (docs/design.md, "The method",
 * 3-4): a profiler agent that picks cores and a frequency level per
 * cluster, a thermal agent that picks which physical cores, their rewards,
 * and Dyna-Q, which trains both from real runs and from an environment
 * model's predictions. Generic over the environment: the real board (or
 * simulator) and the model are reached only through struct zd_env.
 *
 * One run of a program is one decision, so an "episode" is one step. */
#ifndef ZDVFS_AGENT_H
#define ZDVFS_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zdvfs/action.h"
#include "zdvfs/cpuset.h"
#include "zdvfs/err.h"
#include "zdvfs/types.h"

/* ---- Rewards ------------------------------------------------------------ */

/* What a run is measured against: the energy of the powersave decision and
 * the makespan of the performance decision (measured, or predicted by the
 * model in zero-shot mode). Both must be > 0. */
struct zd_reward_ref {
	double energy_ps_j;
	double makespan_perf_s;
};

/* 2·exp(−0.5·x) − 1 with x = (value − ref)/(0.3·ref): 1 at the reference,
 * towards −1 when worse, above 1 when better. x is clamped to x >= −2 so
 * that a run far better than the reference (or a wild model prediction)
 * cannot dominate learning: the score stays in (−1, 2e − 1 ≈ 4.44]. A
 * non-finite value or a reference <= 0 scores −1. */
double zd_reward_score(double value, double ref);
/* The profiler agent's reward: the mean of the energy score (against
 * energy_ps_j) and the makespan score (against makespan_perf_s). */
double zd_profiler_reward(const struct zd_outcome *o,
			  const struct zd_reward_ref *ref);

#define ZD_THERMAL_REWARD_LIMIT_C 50.0
/* Per chosen core: 50 − T below 50 °C, −1 at or above. */
double zd_thermal_core_reward(double temp_c);
/* The thermal agent's reward: the mean over its chosen cores (0 if none). */
double zd_thermal_reward(const double *core_c, int ncores);
/* Whether a run went above limit_c anywhere (its hottest zone peak); an
 * unknown (NaN) temperature counts as a violation. */
bool zd_thermal_violation(const struct zd_outcome *o, double limit_c);

/* ---- Profiler agent: cores and level per cluster ----------------------------
 * A branching dueling double DQN (Tavakoli et al. 2018, "Action Branching
 * Architectures for Deep RL"): a shared trunk, a state value and per
 * cluster two advantage branches, cores (0..max_cores) and level
 * (0..nlevels−1); Q_b(s,a_b) = V(s) + A_b(s,a_b) − mean A_b(s,·). An
 * action's score is the mean of its branches' Q, fitted to the target as
 * a whole (value decomposition; src/engine/profiler.c says why). */

struct zd_profiler_agent_opts {
	int state_dim; /* inputs the caller encodes (features, temps) */
	int hidden[2]; /* trunk widths; default 64, 64 */
	/* Discount. 0 by default: a run is one decision and what it earns
	 * does not depend on the next one; > 0 bootstraps from the next state
	 * for callers whose decisions carry over (heat). */
	double gamma;
	double lr;           /* Adam; default 1e-3 */
	double huber_delta;  /* default 1 */
	int batch;           /* minibatch; default 32 */
	int replay_capacity; /* ring of transitions; default 4096 */
	int target_sync;     /* updates between target syncs; default 100 */
	double eps_start, eps_min, eps_decay; /* ε per exploring act: ×decay */
	uint64_t seed;
};

struct zd_profiler_agent;

void zd_profiler_agent_default_opts(struct zd_profiler_agent_opts *o,
				    int state_dim);
int zd_profiler_agent_new(const struct zd_action_space *space,
			  const struct zd_profiler_agent_opts *o,
			  struct zd_profiler_agent **out, struct zd_err *err);
void zd_profiler_agent_free(struct zd_profiler_agent *p);
const struct zd_action_space *
zd_profiler_agent_space(const struct zd_profiler_agent *p);
int zd_profiler_agent_state_dim(const struct zd_profiler_agent *p);
/* Learnable weights (the online network; the target is a copy). */
size_t zd_profiler_agent_nparams(const struct zd_profiler_agent *p);
double zd_profiler_agent_epsilon(const struct zd_profiler_agent *p);
void zd_profiler_agent_set_epsilon(struct zd_profiler_agent *p, double eps);

/* An action for `state`: greedy per branch and valid — per cluster the
 * best level, and the best core count with "no core" weighed at level 0
 * (an idle cluster has level 0); if every cluster would idle, the one
 * that loses least by running gets its best count. That is the argmax of
 * the score zd_profiler_agent_q_all gives. explore: ε-greedy per branch
 * (each sub-action uniform with probability ε), and ε decays. */
void zd_profiler_agent_act(struct zd_profiler_agent *p, const float *state,
			   bool explore, struct zd_action *a);
/* A score for every action, q[i] for zd_action_at(space, i): the mean of
 * its branches' Q (the value the agent learns to predict the reward
 * with), so callers can rank all actions. q has space->count entries. */
void zd_profiler_agent_q_all(struct zd_profiler_agent *p, const float *state,
			     float *q);
/* Store a transition; state_next may be NULL when gamma is 0. */
void zd_profiler_agent_remember(struct zd_profiler_agent *p, const float *state,
				const struct zd_action *a, double reward,
				const float *state_next);
/* One minibatch update from the replay buffer (nothing while it is
 * empty); returns the minibatch's mean loss. */
double zd_profiler_agent_learn(struct zd_profiler_agent *p);

/* ---- Thermal agent: which cores ------------------------------------------ */

/* What the thermal agent sees before a run. */
struct zd_thermal_obs {
	int nzones;
	double zone_c[ZD_MAX_ZONES]; /* temperature of each zone now */
	struct zd_cpuset last_used;  /* the CPUs the previous run used */
};

struct zd_thermal_agent_opts {
	double ambient_c, throttle_c; /* for relative temperatures */
	/* the zone that measures each CPU; -1: use the hottest zone */
	int cpu_zone[ZD_MAX_CPUS];
	double lr; /* default 0.1 */
	double eps_start, eps_min, eps_decay;
	uint64_t seed;
};

struct zd_thermal_agent;

/* Defaults: ambient 25 °C, throttle 85 °C, every CPU on the hottest zone. */
void zd_thermal_agent_default_opts(struct zd_thermal_agent_opts *o);
int zd_thermal_agent_new(const struct zd_action_space *space,
			 const struct zd_thermal_agent_opts *o,
			 struct zd_thermal_agent **out, struct zd_err *err);
void zd_thermal_agent_free(struct zd_thermal_agent *t);
double zd_thermal_agent_epsilon(const struct zd_thermal_agent *t);
void zd_thermal_agent_set_epsilon(struct zd_thermal_agent *t, double eps);
/* Every usable CPU, each cluster's best first (prefer[], returns how
 * many), for zd_action_decision. explore (with `a` given): per cluster,
 * with probability ε, a chosen core swaps places with an unchosen one. */
int zd_thermal_agent_rank(struct zd_thermal_agent *t,
			  const struct zd_thermal_obs *obs,
			  const struct zd_action *a, bool explore, int *prefer);
/* The score the ranking uses (higher: expected cooler), for one CPU. */
double zd_thermal_agent_score(const struct zd_thermal_agent *t,
			      const struct zd_thermal_obs *obs, int cpu);
/* Learn from a run that used `used` after `before`: each used CPU's
 * temperature is its zone's peak in o. Returns the thermal reward. */
double zd_thermal_agent_learn(struct zd_thermal_agent *t,
			      const struct zd_thermal_obs *before,
			      const struct zd_cpuset *used,
			      const struct zd_outcome *o);

/* ---- Dyna-Q --------------------------------------------------------------- */

/* The environment, all through callbacks. */
struct zd_env {
	/* The profiler agent's state (state_dim floats) and the zones'
	 * temperatures now (th->nzones, th->zone_c; last_used is Dyna's). */
	int (*observe)(void *ctx, float *state, struct zd_thermal_obs *th,
		       struct zd_err *err);
	/* Run the decision for real (board or simulator). */
	int (*real)(void *ctx, const struct zd_action *a, const int *prefer,
		    int nprefer, struct zd_outcome *o, struct zd_err *err);
	/* Predict the outcome of `a` from the current state; NULL: no model
	 * (no synthetic steps, no guard). */
	int (*model)(void *ctx, const struct zd_action *a, struct zd_outcome *o,
		     struct zd_err *err);
	/* The model's makespan and energy alone (cheaper), for ranking
	 * candidates before the chosen one's heat is checked; NULL: model. */
	int (*model_perf)(void *ctx, const struct zd_action *a,
			  struct zd_outcome *o, struct zd_err *err);
	/* What real runs of `a` earned so far in this state (mean profiler
	 * reward); false if it never ran. NULL: nothing remembered.
	 * Decision-time planning prefers a measured reward to a predicted
	 * one, so a decision the model overrated is not repeated. */
	bool (*measured)(void *ctx, const struct zd_action *a, double *reward,
			 double *hottest_c);
	void *ctx;
	struct zd_reward_ref ref;
};

struct zd_dyna_opts {
	int synthetic_per_real; /* k; default 5 (the paper's) */
	bool synthetic_uniform; /* synthetic actions uniform, not ε-greedy */
	/* Thermal guard (°C): an action predicted hotter is replaced by the
	 * best-scoring one predicted under it; a real run hotter counts as a
	 * violation. 0: off. */
	double guard_c;
	/* Decision-time planning: the agent's top `lookahead` actions are
	 * checked against the model and the best predicted reward under the
	 * guard is taken. 0 or 1: the agent's greedy action alone (then only
	 * the guard consults the model). */
	int lookahead;
	uint64_t seed;
};

struct zd_dyna_stats {
	long real_steps, synthetic_steps;
	long violations; /* real runs above guard_c */
	long guard_overrides;
	double last_reward; /* profiler reward of the last real run */
	double mean_reward; /* over real runs */
	double ema_reward;  /* over real runs, weight 0.1 on the newest */
	double mean_synthetic_reward;
	double last_thermal_reward;
};

/* What one real step did. */
struct zd_dyna_step {
	struct zd_action action;
	int prefer[ZD_MAX_CPUS];
	int nprefer;
	struct zd_outcome outcome;
	double reward, thermal_reward;
	bool guarded; /* the guard replaced the agent's action */
	bool violation;
};

struct zd_dyna;

void zd_dyna_default_opts(struct zd_dyna_opts *o);
/* The agents and the environment stay the caller's and must outlive d. */
int zd_dyna_new(struct zd_profiler_agent *p, struct zd_thermal_agent *t,
		const struct zd_env *env, const struct zd_dyna_opts *o,
		struct zd_dyna **out, struct zd_err *err);
void zd_dyna_free(struct zd_dyna *d);
/* The reward references change with the program. */
int zd_dyna_set_ref(struct zd_dyna *d, const struct zd_reward_ref *ref,
		    struct zd_err *err);
/* Observe, act (exploring), guard, run for real, learn from the outcome,
 * then k synthetic steps from the model. step may be NULL. */
int zd_dyna_real_step(struct zd_dyna *d, struct zd_dyna_step *step,
		      struct zd_err *err);
/* n synthetic steps only (zero-shot pre-training from the model). */
int zd_dyna_plan(struct zd_dyna *d, long n, struct zd_err *err);
/* The greedy decision with the guard, learning nothing (deployment). */
int zd_dyna_decide(struct zd_dyna *d, struct zd_action *a, int *prefer,
		   int *nprefer, bool *guarded, struct zd_err *err);
const struct zd_dyna_stats *zd_dyna_stats(const struct zd_dyna *d);

/* ---- Both agents in one JSON object --------------------------------------
 * {"format": "zdvfs-agents", "version": 1, "profiler": {...},
 *  "thermal": {...}}: the weights and what learning needs to go on (the
 * options, ε, the random state). Replay buffers and Adam's moments are not
 * kept: learning after a load starts them afresh. Loading checks the
 * header, every shape against `space` and every number; a foreign,
 * truncated or newer object is a usage error naming the path. */
#define ZD_AGENTS_FORMAT_VERSION 1

int zd_agents_save(const struct zd_profiler_agent *p,
		   const struct zd_thermal_agent *t, const char *path,
		   struct zd_err *err);
int zd_agents_load(const char *path, const struct zd_action_space *space,
		   struct zd_profiler_agent **p, struct zd_thermal_agent **t,
		   struct zd_err *err);

#endif
