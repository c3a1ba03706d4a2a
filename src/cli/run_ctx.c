/* run_ctx.c - what `zdvfs run` does the same on a real and a simulated
 * board: set up (store, program, engine), decide, store and learn. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

bool run_is_engine(const struct run_opts *o)
{
	return strcmp(o->policy, "zerodvfs") == 0;
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

int run_ctx_open(struct run_ctx *ctx, const char *name,
		 const char *const *sources, int nsources,
		 const char *const *args, int nargs, struct zd_err *err)
{
	const struct run_opts *o = ctx->o;
	const struct zd_board *b = ctx->board;
	int rc = 0;
	ctx->usable = ctx->info->online;
	if (b != NULL) {
		if ((rc = zd_board_map_init(&ctx->map, b, ctx->info, err)) != 0 ||
		    (rc = zd_action_space_init(&ctx->space, b, err)) != 0 ||
		    (rc = zd_store_open(o->db, &ctx->store, err)) != 0)
			return rc;
		ctx->board_fits = zd_board_map_fits(&ctx->map, b, ctx->info,
						    NULL, 0);
		usable_cpus(ctx);
		if (zd_cpuset_count(&ctx->usable) == 0)
			return zd_bad_input(err, "none of %s's usable CPUs is "
					    "online here", b->name);
	}
	rc = cli_program_load(&ctx->prog, name, sources, nsources, args, nargs,
			      ctx->store, err);
	if (rc != 0)
		return rc;
	if (run_is_engine(o) && ctx->prog.features == NULL)
		return zd_bad_input(err, "policy zerodvfs decides from the "
				    "program's code features: give --source "
				    "FILE... (the store has none for '%s')",
				    ctx->prog.name);
	if (ctx->store != NULL &&
	    (rc = cli_remember(ctx->store, b, &ctx->prog, err)) != 0)
		return rc;
	if (run_is_engine(o)) {
		struct cli_engine_opts eo = {
			.model_path = o->model, .guard_c = o->guard_c,
			.seed = o->seed,
		};
		rc = cli_engine_open(b, ctx->store, &eo, &ctx->engine, err);
	}
	return rc;
}

void run_ctx_close(struct run_ctx *ctx)
{
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

static int choose_by_engine(struct run_ctx *ctx, const int *start_mc,
			    struct run_choice *ch, struct zd_err *err)
{
	int rc = zd_engine_decide(ctx->engine, ctx->prog.name,
				  ctx->prog.features, start_mc, &ch->ed, err);
	if (rc != 0)
		return rc;
	ch->by_engine = true;
	ch->has_action = true;
	ch->action = ch->ed.action;
	ch->board_dec = ch->ed.decision;
	zd_board_map_decision(&ctx->map, ctx->info, &ch->ed.decision,
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
	    zd_board_map_action(&ctx->map, &ctx->space, ctx->info,
				&ch->machine, &ch->action)) {
		ch->has_action = true;
		zd_action_decision(&ctx->space, &ch->action, NULL, 0,
				   &ch->board_dec);
		ch->board_dec.cpus = ch->machine.cpus;
	}
	return 0;
}

int run_choose(struct run_ctx *ctx, const int *start_mc,
	       struct run_choice *ch, struct zd_err *err)
{
	memset(ch, 0, sizeof(*ch));
	return ctx->engine ? choose_by_engine(ctx, start_mc, ch, err)
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
	if (!ch->by_engine) {
		json_object_set_new(j, "zero_shot", json_null());
		json_object_set_new(j, "why",
				    json_string(ch->governor->ops->summary));
	}
	return j;
}

static int to_mc(double c)
{
	return (int)lround(c * 1000.0);
}

static int add_run(struct run_ctx *ctx, const struct run_choice *ch,
		   uint64_t seed, const int *start_mc,
		   const struct zd_outcome *m, int64_t *run_id,
		   struct zd_err *err)
{
	struct zd_run_record r;
	memset(&r, 0, sizeof(r));
	snprintf(r.program, sizeof(r.program), "%s", ctx->prog.name);
	snprintf(r.board, sizeof(r.board), "%s", ctx->board->name);
	snprintf(r.backend, sizeof(r.backend), "%s", ctx->backend);
	snprintf(r.policy, sizeof(r.policy), "%s", ctx->o->policy);
	r.action = ch->action;
	r.nclusters = ctx->space.nclusters;
	zd_cpuset_format(&ch->machine.cpus, r.cpus, sizeof(r.cpus));
	r.seed = seed;
	r.makespan_s = m->makespan_s;
	r.energy_j = m->energy_j;
	r.avg_power_w = m->avg_power_w;
	r.throttled_s = m->throttled_s;
	r.nzones = m->nzones;
	for (int z = 0; z < m->nzones; z++) {
		r.start_mc[z] = start_mc[z];
		r.peak_mc[z] = to_mc(m->peak_c[z]);
		r.final_mc[z] = to_mc(m->final_c[z]);
	}
	int rc = zd_store_add_run(ctx->store, &r, err);
	if (rc == 0)
		*run_id = r.id;
	return rc;
}

int run_record(struct run_ctx *ctx, const struct run_choice *ch,
	       uint64_t seed, const int *start_mc,
	       const struct zd_outcome *measured, int64_t *run_id,
	       bool *learnt, struct zd_err *err)
{
	*run_id = 0;
	*learnt = false;
	if (ctx->store == NULL || !ch->has_action)
		return zd_fail(err, EINVAL, "internal: nothing to store into "
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
