/* learned.c - zerodvfs, qlearn and table as policies. */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "zdvfs/learned.h"

static struct zd_policy_program *program_of(const struct zd_policy *pol)
{
	/* the program is the caller's, attached mutable: the policy records
	 * its decision and the table's sweep in it */
	return (struct zd_policy_program *)pol->program;
}

static int engine_start(struct zd_policy *pol, struct zd_decision *d,
			bool want_model_free, struct zd_err *err)
{
	struct zd_policy_program *p = program_of(pol);
	if (!p || !p->engine || !p->features)
		return zd_bad_input(err,
				    "policy %s decides for a program: attach "
				    "one with its features and an engine",
				    pol->ops->name);
	if (zd_engine_model_free(p->engine) != want_model_free)
		return zd_bad_input(err, "policy %s needs an engine %s a model",
				    pol->ops->name,
				    want_model_free ? "without" : "with");
	int rc = zd_engine_decide(p->engine, p->name, p->features, p->start_mc,
				  &p->last, err);
	if (rc == 0)
		*d = p->last.decision;
	return rc;
}

static int zerodvfs_start(struct zd_policy *pol, struct zd_decision *d,
			  struct zd_err *err)
{
	return engine_start(pol, d, false, err);
}

static int qlearn_start(struct zd_policy *pol, struct zd_decision *d,
			struct zd_err *err)
{
	return engine_start(pol, d, true, err);
}

/* Measure every decision (or every candidate) once; keep the lowest energy x delay under the
 * limit (or the coolest if none is under it). */
static int table_sweep(struct zd_policy_program *p, struct zd_err *err)
{
	double best_edp = INFINITY, coolest = INFINITY;
	int best = -1, cool = -1;
	p->table_cost_s = 0;
	p->table_runs = 0;
	int n = p->candidates ? p->ncandidates : p->space->count;
	for (int k = 0; k < n; k++) {
		int i = p->candidates ? p->candidates[k] : k;
		struct zd_action a;
		struct zd_decision d;
		struct zd_outcome o;
		zd_action_at(p->space, i, &a);
		zd_action_decision(p->space, &a, NULL, 0, &d);
		int rc = p->measure(p->measure_ctx, &d, &o, err);
		if (rc != 0)
			return rc;
		p->table_cost_s += o.makespan_s;
		p->table_runs++;
		if (o.hottest_c < coolest) {
			coolest = o.hottest_c;
			cool = i;
		}
		if (p->limit_c > 0 && o.hottest_c > p->limit_c)
			continue;
		if (o.energy_j * o.makespan_s < best_edp) {
			best_edp = o.energy_j * o.makespan_s;
			best = i;
		}
	}
	p->table_best = best >= 0 ? best : cool;
	return 0;
}

static int table_start(struct zd_policy *pol, struct zd_decision *d,
		       struct zd_err *err)
{
	struct zd_policy_program *p = program_of(pol);
	if (!p || !p->space || !p->measure)
		return zd_bad_input(err,
				    "policy table sweeps a program's "
				    "decisions: attach one with a way to "
				    "measure them");
	int rc = p->table_best < 0 ? table_sweep(p, err) : 0;
	if (rc != 0)
		return rc;
	struct zd_action a;
	zd_action_at(p->space, p->table_best, &a);
	zd_action_decision(p->space, &a, NULL, 0, d);
	return 0;
}

const struct zd_policy_ops zd_policy_zerodvfs = {
    .name = "zerodvfs",
    .summary = "ZeroDVFS: model, two agents with Dyna-Q, thermal guard",
    .start = zerodvfs_start,
};

const struct zd_policy_ops zd_policy_qlearn = {
    .name = "qlearn",
    .summary = "the same agents without a model (model-free Q-learning)",
    .start = qlearn_start,
};

const struct zd_policy_ops zd_policy_table = {
    .name = "table",
    .summary = "exhaustive sweep of every decision, lowest energy x delay "
	       "(the oracle)",
    .start = table_start,
};

void zd_learned_policies_register(void)
{
	zd_policy_register(&zd_policy_zerodvfs);
	zd_policy_register(&zd_policy_qlearn);
	zd_policy_register(&zd_policy_table);
}

void zd_policy_program_init(struct zd_policy_program *p, const char *name,
			    const struct zd_features *f)
{
	memset(p, 0, sizeof(*p));
	p->name = name;
	p->features = f;
	p->table_best = -1;
}

void zd_policy_attach(struct zd_policy *pol, struct zd_policy_program *p)
{
	pol->program = p;
}
