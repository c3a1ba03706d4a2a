/* run_ctx.c - what `zdvfs run` does the same on a real and a simulated
 * board: set up (store, program, a learned policy), decide, store and
 * learn. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

bool run_is_learned(const struct run_opts *o)
{
	return strcmp(o->policy, "zerodvfs") == 0 ||
	    strcmp(o->policy, "qlearn") == 0 || strcmp(o->policy, "table") == 0;
}

/* zerodvfs and qlearn: the agents' state is the program's code features */
static bool needs_features(const struct run_opts *o)
{
	return run_is_learned(o) && strcmp(o->policy, "table") != 0;
}

/* --guard C, else the board's one limit (zd_board_limit_c), so that table
 * and zerodvfs are held to the same limit. */
double run_limit_c(const struct zd_board *b, double guard_c)
{
	return guard_c > 0 ? guard_c : zd_board_limit_c(b);
}

/* The board's usable CPUs (not reserved) that are online. */
static void usable_cpus(struct run_ctx *ctx)
{
	struct zd_cpuset all;
	zd_cpuset_zero(&all);
	for (int c = 0; c < ctx->space.nclusters; c++)
		for (int cpu = zd_cpuset_first(&ctx->space.usable[c]); cpu >= 0;
		     cpu = zd_cpuset_next(&ctx->space.usable[c], cpu))
			zd_cpuset_add(&all, cpu);
	zd_cpuset_and(&all, &ctx->info->online);
	ctx->usable = all;
}

/* qlearn's references: the program's runs on this board at the decision
 * performance makes (every usable core at the top) and the one powersave
 * makes (every usable core at the lowest level). */
struct reference_runs {
	const struct zd_action_space *space;
	int top, lowest; /* action indices */
	int ntop, nlowest;
	double makespan_top_s, energy_lowest_j; /* sums */
};

static int add_reference(void *arg, const struct zd_run_record *r)
{
	struct reference_runs *refs = arg;
	if (r->nclusters != refs->space->nclusters)
		return 0;
	int index = zd_action_index(refs->space, &r->action);
	if (index == refs->top) {
		refs->ntop++;
		refs->makespan_top_s += r->makespan_s;
	}
	if (index == refs->lowest) {
		refs->nlowest++;
		refs->energy_lowest_j += r->energy_j;
	}
	return 0;
}

/* A real board: measuring a reference is a run of the program, the
 * user's to make; the mean of those in the store. */
static int references_from_store(struct run_ctx *ctx, double *energy_ps_j,
				 double *makespan_perf_s, struct zd_err *err)
{
	struct zd_action top, lowest;
	zd_action_max(&ctx->space, &top);
	zd_action_min(&ctx->space, &lowest);
	struct reference_runs refs = {
	    .space = &ctx->space,
	    .top = zd_action_index(&ctx->space, &top),
	    .lowest = zd_action_index(&ctx->space, &lowest),
	};
	struct zd_run_query q = {
	    .board = ctx->board->name,
	    .program = ctx->prog.name,
	    .backend = ctx->backend,
	};
	int rc =
	    zd_store_foreach_run(ctx->store, &q, add_reference, &refs, err);
	if (rc != 0)
		return rc;
	if (refs.ntop == 0 || refs.nlowest == 0) {
		char top_text[128], lowest_text[128], missing[300];
		zd_action_format(&ctx->space, &top, top_text, sizeof(top_text));
		zd_action_format(&ctx->space, &lowest, lowest_text,
				 sizeof(lowest_text));
		snprintf(missing, sizeof(missing), "%s%s%s%s%s%s%s",
			 refs.ntop ? "" : "a performance run (",
			 refs.ntop ? "" : top_text, refs.ntop ? "" : ")",
			 !refs.ntop && !refs.nlowest ? " and " : "",
			 refs.nlowest ? "" : "a powersave run (",
			 refs.nlowest ? "" : lowest_text,
			 refs.nlowest ? "" : ")");
		return zd_bad_input(
		    err,
		    "policy qlearn rewards against the program's own "
		    "runs: %s lacks %s of '%s' on %s; run `zdvfs run "
		    "--policy performance` and `zdvfs run --policy powersave` "
		    "with it first",
		    zd_store_path(ctx->store), missing, ctx->prog.name,
		    ctx->board->name);
	}
	*energy_ps_j = refs.energy_lowest_j / refs.nlowest;
	*makespan_perf_s = refs.makespan_top_s / refs.ntop;
	return 0;
}

/* The simulator: the two decisions measured apart (from ambient, on
 * another simulator), as the performance and powersave governors would
 * decide them, leaving the runs' heat alone. */
static int references_measured(struct run_ctx *ctx, double *energy_ps_j,
			       double *makespan_perf_s, struct zd_err *err)
{
	struct zd_action top, lowest;
	struct zd_decision d;
	struct zd_outcome perf, ps;
	zd_action_max(&ctx->space, &top);
	zd_action_min(&ctx->space, &lowest);
	zd_action_decision(&ctx->space, &top, NULL, 0, &d);
	int rc = ctx->measure(ctx->measure_ctx, &d, &perf, err);
	if (rc != 0)
		return rc;
	zd_action_decision(&ctx->space, &lowest, NULL, 0, &d);
	if ((rc = ctx->measure(ctx->measure_ctx, &d, &ps, err)) != 0)
		return rc;
	*energy_ps_j = ps.energy_j;
	*makespan_perf_s = perf.makespan_s;
	return 0;
}

static int open_engine(struct run_ctx *ctx, struct zd_err *err)
{
	const struct run_opts *o = ctx->o;
	struct cli_engine_opts eo = {
	    .model_path = o->model,
	    .guard_c = o->guard_c,
	    .seed = o->seed,
	    .qlearn = strcmp(o->policy, "qlearn") == 0,
	    .no_explore = o->no_explore,
	};
	int rc =
	    cli_engine_open(ctx->board, ctx->store, &eo, &ctx->engine, err);
	if (rc != 0 || !eo.qlearn)
		return rc;
	double energy_ps_j = 0, makespan_perf_s = 0;
	rc = strcmp(ctx->backend, "sim") == 0 && ctx->measure != NULL
	    ? references_measured(ctx, &energy_ps_j, &makespan_perf_s, err)
	    : references_from_store(ctx, &energy_ps_j, &makespan_perf_s, err);
	if (rc == 0)
		rc = zd_engine_set_reference(ctx->engine, ctx->prog.name,
					     ctx->prog.features, energy_ps_j,
					     makespan_perf_s, err);
	return rc;
}

/* The learned policy, the same object the bench drives: created by name,
 * the program attached with what that policy needs. */
static int open_learned(struct run_ctx *ctx, struct zd_err *err)
{
	const struct run_opts *o = ctx->o;
	struct zd_policy_program *p = &ctx->learned_prog;
	int rc = zd_policy_new(o->policy, ctx->info, &ctx->usable,
			       &ctx->learned, err);
	if (rc != 0)
		return rc;
	zd_policy_program_init(p, ctx->prog.name, ctx->prog.features);
	zd_policy_attach(ctx->learned, p);
	if (strcmp(o->policy, "table") != 0) {
		rc = open_engine(ctx, err);
		p->engine = ctx->engine;
		return rc;
	}
	if (ctx->measure == NULL)
		return zd_fail(err, EINVAL,
			       "internal: policy table without a "
			       "way to measure decisions");
	p->space = &ctx->space;
	p->measure = ctx->measure;
	p->measure_ctx = ctx->measure_ctx;
	p->limit_c = run_limit_c(ctx->board, o->guard_c);
	return 0;
}

int run_ctx_open(struct run_ctx *ctx, const char *name,
		 const char *const *sources, int nsources,
		 const struct cli_source_opts *so, struct zd_err *err)
{
	const struct run_opts *o = ctx->o;
	const struct zd_board *b = ctx->board;
	int rc = 0;
	ctx->usable = ctx->info->online;
	if (b != NULL) {
		if ((rc = zd_board_map_init(&ctx->map, b, ctx->info, err)) !=
			0 ||
		    (rc = zd_action_space_init(&ctx->space, b, err)) != 0 ||
		    (rc = zd_store_open(o->db, &ctx->store, err)) != 0)
			return rc;
		ctx->board_fits =
		    zd_board_map_fits(&ctx->map, b, ctx->info, NULL, 0);
		usable_cpus(ctx);
		if (zd_cpuset_count(&ctx->usable) == 0)
			return zd_bad_input(err,
					    "none of %s's usable CPUs is "
					    "online here",
					    b->name);
	}
	rc = cli_program_load(&ctx->prog, name, sources, nsources, so,
			      ctx->store, "run", err);
	if (rc != 0)
		return rc;
	if (needs_features(o) && ctx->prog.features == NULL)
		return zd_bad_input(err,
				    "policy %s decides from the program's "
				    "code features: give --source FILE... (the "
				    "store has none for '%s')",
				    o->policy, ctx->prog.name);
	if (ctx->store != NULL &&
	    (rc = cli_remember(ctx->store, b, &ctx->prog, err)) != 0)
		return rc;
	if (run_is_learned(o))
		rc = open_learned(ctx, err);
	return rc;
}

void run_ctx_close(struct run_ctx *ctx)
{
	zd_policy_free(ctx->learned);
	ctx->learned = NULL;
	if (ctx->engine != NULL) {
		struct zd_err err = {0};
		if (zd_engine_close(ctx->engine, &err) != 0)
			fprintf(stderr, "zdvfs run: warning: %s\n", err.msg);
		ctx->engine = NULL;
	}
	cli_program_free(&ctx->prog);
	zd_store_close(ctx->store);
	ctx->store = NULL;
}

/* The learned policy decides; zerodvfs and qlearn through their engine
 * (its answer kept to learn from), table by its sweep. */
static int choose_by_learned(struct run_ctx *ctx, const int *start_mc,
			     struct run_choice *ch, struct zd_err *err)
{
	struct zd_policy_program *p = &ctx->learned_prog;
	p->start_mc = start_mc;
	int rc = zd_policy_start(ctx->learned, &ch->board_dec, err);
	p->start_mc = NULL; /* the caller's array, valid for this call only */
	if (rc != 0)
		return rc;
	ch->by_learned = true;
	ch->has_action = true;
	if (ctx->engine != NULL) {
		ch->by_engine = true;
		ch->ed = p->last;
		ch->action = p->last.action;
	} else {
		zd_action_at(&ctx->space, p->table_best, &ch->action);
	}
	zd_board_map_decision(&ctx->map, ctx->info, &ch->board_dec,
			      &ch->machine);
	return 0;
}

static int choose_by_governor(struct run_ctx *ctx, struct run_choice *ch,
			      struct zd_err *err)
{
	int rc = zd_policy_new(ctx->o->policy, ctx->info, &ctx->usable,
			       &ch->governor, err);
	if (rc != 0)
		return rc;
	ch->reactive = zd_policy_period_us(ch->governor) > 0;
	if (ch->reactive) {
		ch->machine.cpus = ctx->usable;
		return 0;
	}
	if ((rc = zd_policy_start(ch->governor, &ch->machine, err)) != 0)
		return rc;
	/* in the board's terms only where the machine is the board */
	if (ctx->board != NULL && ctx->board_fits &&
	    zd_board_map_action(&ctx->map, &ctx->space, ctx->info, &ch->machine,
				&ch->action)) {
		ch->has_action = true;
		zd_action_decision(&ctx->space, &ch->action, NULL, 0,
				   &ch->board_dec);
		ch->board_dec.cpus = ch->machine.cpus;
	}
	return 0;
}

int run_choose(struct run_ctx *ctx, const int *start_mc, struct run_choice *ch,
	       struct zd_err *err)
{
	memset(ch, 0, sizeof(*ch));
	return ctx->learned ? choose_by_learned(ctx, start_mc, ch, err)
			    : choose_by_governor(ctx, ch, err);
}

void run_choice_free(struct run_choice *ch)
{
	zd_policy_free(ch->governor);
	ch->governor = NULL;
}

json_t *run_choice_json(const struct run_ctx *ctx, const struct run_choice *ch)
{
	json_t *j;
	char cpus[256];
	if (ch->by_engine)
		j = cli_engine_decision_json(&ctx->space, ctx->board, &ch->ed);
	else if (ch->has_action)
		j = cli_action_json(&ctx->space, &ch->action, &ch->board_dec);
	else {
		zd_cpuset_format(&ch->machine.cpus, cpus, sizeof(cpus));
		j = json_pack("{s:s}", "cpus", cpus);
	}
	if (j == NULL)
		return NULL;
	json_object_set_new(j, "policy", json_string(ctx->o->policy));
	json_object_set_new(j, "source", cli_program_source_json(&ctx->prog));
	if (ch->by_engine && zd_engine_model_free(ctx->engine)) {
		/* qlearn: no model, so nothing predicted; why in its words */
		json_object_set_new(j, "predicted", json_null());
		json_object_set_new(
		    j, "why",
		    json_string(
			"the agents without a model (model-free Q-learning), "
			"exploring"));
	}
	if (ch->by_engine)
		return j;
	const struct zd_policy *pol =
	    ch->by_learned ? ctx->learned : ch->governor;
	json_object_set_new(j, "zero_shot", json_null());
	json_object_set_new(j, "why", json_string(pol->ops->summary));
	if (ch->by_learned) /* the table: what its sweep took */
		json_object_set_new(j, "table",
				    json_pack("{s:i, s:f}", "decisions",
					      ctx->learned_prog.table_runs,
					      "sweep_s",
					      ctx->learned_prog.table_cost_s));
	return j;
}

void run_print_table(FILE *out, json_t *decision, bool simulated)
{
	json_t *t = json_object_get(decision, "table");
	if (!json_is_object(t))
		return;
	fprintf(out, "  table: swept %lld decisions, %.1f s of runs — %s\n",
		(long long)json_integer_value(json_object_get(t, "decisions")),
		json_number_value(json_object_get(t, "sweep_s")),
		simulated
		    ? "what profiling this program would take on the board"
		    : "what profiling this program took");
}

static int to_mc(double c)
{
	return (int)lround(c * 1000.0);
}

void run_outcome_record(struct zd_run_record *r, const int *start_mc,
			const struct zd_outcome *m)
{
	r->makespan_s = m->makespan_s;
	r->energy_j = m->energy_j;
	r->avg_power_w = m->avg_power_w;
	r->throttled_s = m->throttled_s;
	r->cpu_energy_j = m->cpu_energy_j;
	r->nzones = m->nzones;
	for (int z = 0; z < m->nzones; z++) {
		r->start_mc[z] = start_mc[z];
		r->peak_mc[z] = to_mc(m->peak_c[z]);
		r->final_mc[z] = to_mc(m->final_c[z]);
	}
}

int run_store(struct run_ctx *ctx, const char *policy,
	      const struct zd_action *a, const struct zd_cpuset *cpus,
	      uint64_t seed, const int *start_mc, const struct zd_outcome *m,
	      int64_t *run_id, struct zd_err *err)
{
	struct zd_run_record r;
	memset(&r, 0, sizeof(r));
	snprintf(r.program, sizeof(r.program), "%s", ctx->prog.name);
	snprintf(r.board, sizeof(r.board), "%s", ctx->board->name);
	snprintf(r.backend, sizeof(r.backend), "%s", ctx->backend);
	snprintf(r.policy, sizeof(r.policy), "%s", policy);
	r.action = *a;
	r.nclusters = ctx->space.nclusters;
	zd_cpuset_format(cpus, r.cpus, sizeof(r.cpus));
	r.seed = seed;
	run_outcome_record(&r, start_mc, m);
	int rc = zd_store_add_run(ctx->store, &r, err);
	if (rc == 0)
		*run_id = r.id;
	return rc;
}

static int add_run(struct run_ctx *ctx, const struct run_choice *ch,
		   uint64_t seed, const int *start_mc,
		   const struct zd_outcome *m, int64_t *run_id,
		   struct zd_err *err)
{
	return run_store(ctx, ctx->o->policy, &ch->action, &ch->machine.cpus,
			 seed, start_mc, m, run_id, err);
}

bool run_action_of(const struct zd_action_space *s,
		   const struct zd_decision *board_dec, struct zd_action *a)
{
	memset(a, 0, sizeof(*a));
	for (int c = 0; c < s->nclusters; c++) {
		struct zd_cpuset given = s->usable[c];
		zd_cpuset_and(&given, &board_dec->cpus);
		a->cores[c] = zd_cpuset_count(&given);
		a->level[c] = -1;
		for (int l = 0; l < s->nlevels[c]; l++)
			if (s->khz[c][l] == board_dec->khz[c])
				a->level[c] = l;
		if (a->cores[c] == 0)
			a->level[c] = 0; /* an idle cluster has no level */
		if (a->level[c] < 0)
			return false;
	}
	return zd_action_index(s, a) >= 0;
}

int run_record(struct run_ctx *ctx, const struct run_choice *ch, uint64_t seed,
	       const int *start_mc, const struct zd_outcome *measured,
	       int64_t *run_id, bool *learnt, struct zd_err *err)
{
	*run_id = 0;
	*learnt = false;
	if (ctx->store == NULL || !ch->has_action)
		return zd_fail(err, EINVAL,
			       "internal: nothing to store into "
			       "or no action to store");
	if (!ch->by_engine || ctx->o->no_learn)
		return add_run(ctx, ch, seed, start_mc, measured, run_id, err);
	/* The engine stores the run as part of its Dyna-Q step; the newest
	 * run before and after tells its id. */
	int64_t before = 0;
	int rc = cli_newest_run(ctx->store, ctx->board->name, ctx->prog.name,
				ctx->backend, &before, err);
	if (rc == 0)
		rc = zd_engine_learn(ctx->engine, &ch->ed, ctx->backend,
				     start_mc, measured, err);
	if (rc == 0) {
		*learnt = true;
		rc = cli_newest_run(ctx->store, ctx->board->name,
				    ctx->prog.name, ctx->backend, run_id, err);
	}
	if (rc == 0 && *run_id == before)
		rc = add_run(ctx, ch, seed, start_mc, measured, run_id, err);
	return rc;
}
