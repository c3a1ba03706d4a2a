/* learned.h - the policies that learn or search, behind the same interface
 * as the governors (include/zdvfs/policy.h):
 *   zerodvfs  the full method: the engine with its model (zero-shot, Dyna-Q,
 *             guard);
 *   qlearn    the same agents with no model (an engine opened model_free);
 *   table     the exhaustive sweep: every decision measured, the lowest
 *             energy-delay product under the thermal limit kept (the
 *             oracle); its cost is the time the sweep took.
 * They decide once, at start, for the program attached to the policy. They
 * live above the core library (they need the model and the agents), so a
 * program using them calls zd_learned_policies_register() once. */
#ifndef ZDVFS_LEARNED_H
#define ZDVFS_LEARNED_H

#include "zdvfs/action.h"
#include "zdvfs/engine.h"
#include "zdvfs/features.h"
#include "zdvfs/model.h"
#include "zdvfs/policy.h"

struct zd_policy_program {
	const char *name;
	const struct zd_features *features;
	const int *start_mc;            /* per zone; NULL: ambient */
	struct zd_engine *engine;       /* zerodvfs, qlearn */
	struct zd_engine_decision last; /* what the engine decided */
	/* table: the decisions, a way to measure one for real (the board or
	 * the simulator), and the limit no kept decision may exceed */
	const struct zd_action_space *space;
	const int *candidates; /* indices into space it sweeps; NULL: all */
	int ncandidates;
	int (*measure)(void *ctx, const struct zd_decision *d,
		       struct zd_outcome *o, struct zd_err *err);
	void *measure_ctx;
	double limit_c;      /* 0: none */
	int table_best;      /* found by the sweep; -1 before */
	double table_cost_s; /* the sweep's total makespan */
	int table_runs;
};

extern const struct zd_policy_ops zd_policy_zerodvfs;
extern const struct zd_policy_ops zd_policy_qlearn;
extern const struct zd_policy_ops zd_policy_table;

/* Make "zerodvfs", "qlearn" and "table" known to zd_policy_find. */
void zd_learned_policies_register(void);

/* A program context with nothing attached yet (table_best = -1). */
void zd_policy_program_init(struct zd_policy_program *p, const char *name,
			    const struct zd_features *f);

/* Attach the program a learned policy decides for (it must outlive pol). */
void zd_policy_attach(struct zd_policy *pol, struct zd_policy_program *p);

#endif
