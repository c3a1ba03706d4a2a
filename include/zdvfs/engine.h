/* engine.h - ZeroDVFS for one board: the environment model, the two agents
 * (profiler: cores and level per cluster; thermal: which cores) with
 * Dyna-Q, the thermal guard and the sample store, behind two calls:
 * decide (before a run) and learn (after it).
 *
 * A program the engine has not seen is decided zero-shot: its features go
 * through the model, the agents train on synthetic experience only, and
 * the first decision comes with no run of it. Every later run is a real
 * Dyna-Q step (direct update plus synthetic ones from the model). */
#ifndef ZDVFS_ENGINE_H
#define ZDVFS_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "zdvfs/action.h"
#include "zdvfs/board.h"
#include "zdvfs/err.h"
#include "zdvfs/features.h"
#include "zdvfs/model.h"
#include "zdvfs/policy.h"
#include "zdvfs/store.h"

struct zd_engine;

struct zd_engine_opts {
	const struct zd_board *board; /* the engine keeps a pointer */
	const char *model_path;       /* NULL: zd_model_default_path */
	const char *agents_path;      /* NULL: agents-BOARD.json beside it */
	struct zd_store *store;       /* NULL: do not store runs */
	double guard_c;               /* thermal limit; 0: the board's lowest
					* CPU throttle point minus 5 C */
	int zero_shot_steps;          /* synthetic steps for a new program;
					* 0: default (docs/agents.md) */
	int synthetic_per_real;       /* Dyna-Q k; 0: 5 (the paper's) */
	int lookahead;                /* decision-time planning over the
					* agent's top-K; 0: 16, 1: off */
	bool explore;                 /* epsilon-greedy on real runs */
	/* Informative decisions (docs/agents.md, "Learning a program"): by
	 * default, while a decision's expected gain over the best measured
	 * one exceeds the noise, the engine tries it; no_explore keeps to the
	 * best predicted decision (`zdvfs run --explore never`). */
	bool no_explore;
	/* The `qlearn` baseline: the same agents with no model: no zero-shot
	 * planning, no synthetic steps, no guard prediction; the reward's
	 * references must be measured (zd_engine_set_reference). */
	bool model_free;
	/* The policy runs are stored as (zd_engine_learn); NULL: "zerodvfs". */
	const char *policy_name;
	uint64_t seed;
};

int zd_engine_open(const struct zd_engine_opts *o, struct zd_engine **out,
		   struct zd_err *err);
/* Saves the agents (if anything was learnt) and frees. */
int zd_engine_close(struct zd_engine *e, struct zd_err *err);
void zd_engine_free(struct zd_engine *e);

struct zd_engine_decision {
	char program[64];
	struct zd_action action;     /* cores and level per cluster */
	struct zd_decision decision; /* CPUs and kHz per domain */
	struct zd_outcome predicted; /* the model's forecast, corrected by
					* the program's runs */
	/* its uncertainty: standard deviation of ln makespan, ln energy and
	 * ln (energy x makespan) */
	double sd_log_makespan, sd_log_energy, sd_log_edp;
	bool exploring;         /* chosen to learn from */
	double expected_gain;   /* exploring: expected EDP gain over
					* the best measured decision (0.06:
					* 6 %) */
	int measured_decisions; /* decisions of it measured so far */
	bool best_measured;     /* settled on the best measured one */
	double unfamiliarity;   /* how unlike the model's programs (the
					* scale of its zero-shot uncertainty:
					* 0.75 like one it knows .. 2; 1 when
					* the store cannot tell) */
	long refused_runs;      /* stored runs of it not learnt from:
					* broken, or of another program of
					* that name */
	bool zero_shot;         /* no run of this program known yet */
	bool guard_override;    /* the guard replaced the agents' pick */
	int synthetic_steps;    /* spent before deciding */
	double latency_us;      /* decide() wall time */
};

/* start_mc: every zone's temperature now (NULL: ambient). */
int zd_engine_decide(struct zd_engine *e, const char *program,
		     const struct zd_features *f, const int *start_mc,
		     struct zd_engine_decision *d, struct zd_err *err);

/* Measured references for the reward (the program's powersave energy and
 * performance makespan); model-free mode needs them before deciding. */
int zd_engine_set_reference(struct zd_engine *e, const char *program,
			    const struct zd_features *f,
			    double energy_powersave_j,
			    double makespan_performance_s, struct zd_err *err);

/* Whether the engine was opened model_free (the qlearn baseline). */
bool zd_engine_model_free(const struct zd_engine *e);

/* Explore (epsilon-greedy) on the next decisions or not. */
void zd_engine_set_explore(struct zd_engine *e, bool explore);

/* The forecast for `program` (decided before in this engine) under any
 * decision `a`, corrected by its runs, with the standard deviation of its
 * ln (energy x makespan); model mode only. */
int zd_engine_predict(struct zd_engine *e, const char *program,
		      const struct zd_action *a, struct zd_outcome *o,
		      double *sd_log_edp, struct zd_err *err);

/* Statistics of the agents' learning so far. */
struct zd_dyna_stats;
const struct zd_dyna_stats *zd_engine_stats(const struct zd_engine *e);
const struct zd_action_space *zd_engine_space(const struct zd_engine *e);

/* What the run did: stored (backend "sim" or "linux"; NULL: not stored,
 * for replaying runs the store already has), then a real Dyna-Q step. */
int zd_engine_learn(struct zd_engine *e, const struct zd_engine_decision *d,
		    const char *backend, const int *start_mc,
		    const struct zd_outcome *measured, struct zd_err *err);

#endif
