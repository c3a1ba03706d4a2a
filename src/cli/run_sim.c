/* run_sim.c - `zdvfs run --board sim:NAME --workload W`: the same decide,
 * run, store and learn as on a real board, with the simulator running the
 * workload's measured profile; runs follow each other, heat carrying
 * over. What table and qlearn measure apart (the sweep, the references)
 * runs on a second simulator from ambient, leaving the runs' heat alone. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "run.h"
#include "zdvfs/sim.h"
#include "zdvfs/workload.h"

/* The workload's sources as the manifest lists them, analysed with the
 * options training used (cli_source_plan finds them from the manifest). */
static int workload_sources(const struct run_opts *o,
			    struct zd_workload_sources *ws, struct zd_err *err)
{
	struct zd_manifest *m = NULL;
	int rc = zd_manifest_load(o->workload_dir, &m, err);
	if (rc != 0)
		return rc;
	const struct zd_workload_info *w = zd_manifest_find(m, o->workload);
	if (w == NULL) {
		zd_manifest_free(m);
		return zd_bad_input(err,
				    "no workload '%s' in the manifest (see "
				    "`zdvfs workloads`)",
				    o->workload);
	}
	zd_workload_sources(o->workload_dir, w, ws);
	zd_manifest_free(m);
	return 0;
}

/* A decision in the machine's terms as a policy the simulator runs: the
 * governor itself, or userspace at the decided frequencies. */
static int choice_policy(const struct run_ctx *ctx, const struct run_choice *ch,
			 struct zd_policy **own, struct zd_policy **pol,
			 struct zd_err *err)
{
	*own = NULL;
	if (ch->governor != NULL) {
		*pol = ch->governor;
		return 0;
	}
	int rc =
	    zd_policy_new("userspace", ctx->info, &ch->machine.cpus, own, err);
	if (rc == 0) {
		memcpy((*own)->fixed_khz, ch->machine.khz,
		       sizeof(ch->machine.khz));
		*pol = *own;
	}
	return rc;
}

/* The second simulator: every decision measured from ambient. */
struct side_sim {
	struct zd_sim *sim;
	const struct zd_sim_workload *w;
};

static int measure_apart(void *arg, const struct zd_decision *d,
			 struct zd_outcome *o, struct zd_err *err)
{
	struct side_sim *side = arg;
	struct zd_policy *pol = NULL;
	struct zd_sim_result res;
	zd_sim_reset(side->sim);
	int rc = zd_policy_new("userspace", zd_sim_info(side->sim), &d->cpus,
			       &pol, err);
	if (rc == 0) {
		memcpy(pol->fixed_khz, d->khz, sizeof(pol->fixed_khz));
		rc = zd_sim_run(side->sim, side->w, pol, &res, NULL, NULL, err);
	}
	zd_policy_free(pol);
	if (rc == 0)
		zd_outcome_from_sim(&res, o);
	return rc;
}

static bool measures_apart(const struct run_opts *o)
{
	return strcmp(o->policy, "table") == 0 ||
	    strcmp(o->policy, "qlearn") == 0;
}

/* The same board and seed as the runs' simulator. */
static int open_side_sim(const struct run_opts *o, const char *board,
			 const struct zd_sim_workload *w, struct side_sim *side,
			 struct zd_err *err)
{
	struct zd_board *b = NULL;
	side->w = w;
	int rc = zd_board_load(board, o->platform_dir, &b, err);
	if (rc == 0)
		rc = zd_sim_new(b, o->seed, &side->sim, err); /* owns b */
	return rc;
}

static void print_run(FILE *out, const struct run_ctx *ctx, int run, json_t *j)
{
	json_t *d = json_object_get(j, "decision");
	fprintf(out, "run %d: %s on %s (simulated), policy %s\n", run,
		ctx->prog.name, ctx->board->name, ctx->o->policy);
	fprintf(out, "  decided: ");
	if (json_object_get(d, "action"))
		cli_print_action(out, d);
	else
		fprintf(out, "governor %s on cpus %s", ctx->o->policy,
			json_string_value(json_object_get(d, "cpus")));
	fprintf(out, "\n  why: ");
	cli_print_why(out, d);
	fprintf(out, "\n");
	run_print_table(out, d, true);
	fprintf(out, "  measured: ");
	cli_print_outcome(out, json_object_get(j, "measured"),
			  json_object_get(d, "predicted"));
	json_t *id = json_object_get(j, "run_id");
	if (json_is_integer(id))
		fprintf(out, "\n  stored: run %lld%s\n",
			(long long)json_integer_value(id),
			json_is_true(json_object_get(j, "learnt")) ? "; learnt"
								   : "");
	else
		fprintf(out, "\n  not stored: %s\n",
			json_string_value(json_object_get(j, "not_stored")));
}

/* One run: decide, simulate, store and learn; its report in *out. */
static int one_run(struct run_ctx *ctx, struct zd_sim *sim,
		   const struct zd_sim_workload *w, int run, json_t **out,
		   struct zd_err *err)
{
	int start_mc[ZD_MAX_ZONES] = {0};
	struct run_choice ch;
	struct zd_policy *own = NULL, *pol = NULL;
	struct zd_sim_result res;
	struct zd_outcome outcome;
	int64_t run_id = 0;
	bool learnt = false;
	for (int z = 0; z < ctx->board->nzones; z++)
		start_mc[z] = zd_sim_temp_mc(sim, z);
	int rc = run_choose(ctx, start_mc, &ch, err);
	if (rc == 0)
		rc = choice_policy(ctx, &ch, &own, &pol, err);
	if (rc == 0)
		rc = zd_sim_run(sim, w, pol, &res, NULL, NULL, err);
	const char *why_not =
	    ch.has_action ? NULL : "a reactive governor is no single decision";
	if (rc == 0 && why_not == NULL) {
		zd_outcome_from_sim(&res, &outcome);
		rc = run_record(ctx, &ch, ctx->o->seed, start_mc, &outcome,
				&run_id, &learnt, err);
	}
	if (rc == 0) {
		if (why_not != NULL)
			zd_outcome_from_sim(&res, &outcome);
		*out = json_pack("{s:i, s:o, s:o}", "run", run, "decision",
				 run_choice_json(ctx, &ch), "measured",
				 cli_outcome_json(ctx->board, &outcome, true));
		json_object_set_new(*out, "run_id",
				    run_id ? json_integer(run_id)
					   : json_null());
		json_object_set_new(*out, "learnt", json_boolean(learnt));
		json_object_set_new(*out, "not_stored",
				    why_not ? json_string(why_not)
					    : json_null());
	}
	zd_policy_free(own);
	run_choice_free(&ch);
	return rc;
}

static int run_all(struct run_ctx *ctx, struct zd_sim *sim,
		   const struct zd_sim_workload *w, FILE *out,
		   struct zd_err *err)
{
	json_t *runs = json_array();
	int rc = 0;
	for (int run = 1; rc == 0 && run <= ctx->o->runs; run++) {
		json_t *j = NULL;
		if ((rc = one_run(ctx, sim, w, run, &j, err)) != 0)
			break;
		if (!ctx->o->json)
			print_run(out, ctx, run, j);
		json_array_append_new(runs, j);
	}
	if (rc == 0 && ctx->o->json) {
		json_t *r = json_pack("{s:s, s:s, s:s, s:s, s:O}", "program",
				      ctx->prog.name, "board", ctx->board->name,
				      "backend", "sim", "policy",
				      ctx->o->policy, "runs", runs);
		char *text = r
		    ? json_dumps(r, JSON_INDENT(2) | JSON_PRESERVE_ORDER)
		    : NULL;
		if (text == NULL)
			rc = zd_fail(err, ENOMEM, "out of memory");
		else
			fprintf(out, "%s\n", text);
		free(text);
		json_decref(r);
	}
	json_decref(runs);
	return rc;
}

int run_sim(const struct run_opts *o)
{
	struct zd_err err = {0};
	const char *board = o->board + 4; /* after "sim:" */
	struct zd_board *b = NULL;
	struct zd_sim *sim = NULL;
	struct side_sim side = {0};
	struct zd_sim_workload w;
	struct zd_workload_sources ws = {0};
	struct run_ctx ctx = {.o = o, .backend = "sim"};
	FILE *out = stdout;
	char psource[4096] = "";
	int rc = zd_board_load(board, o->platform_dir, &b, &err);
	if (rc == 0 && o->profile != NULL)
		rc = zd_profile_load_file(o->profile, board, &w, &err);
	else if (rc == 0)
		rc = zd_profile_load(o->workload_dir, board, o->workload, &w,
				     &err);
	if (rc == 0 && o->profile != NULL && o->nsources == 0) {
		rc = zd_profile_source(o->profile, psource, sizeof psource,
				       &err);
		ws.files[0] = psource;
		ws.nfiles = psource[0] != '\0';
	} else if (rc == 0 && o->nsources == 0) {
		rc = workload_sources(o, &ws, &err);
	}
	const char *name = o->program ? o->program
	    : o->profile              ? w.name
				      : o->workload;
	if (rc == 0) {
		rc = zd_sim_new(b, o->seed, &sim, &err); /* owns b, even on
							  * failure */
		b = NULL;
	}
	if (rc == 0 && measures_apart(o)) {
		rc = open_side_sim(o, board, &w, &side, &err);
		ctx.measure = measure_apart;
		ctx.measure_ctx = &side;
	}
	if (rc == 0) {
		ctx.board = zd_sim_board(sim);
		ctx.info = zd_sim_info(sim);
		rc = o->nsources ? run_ctx_open(&ctx, name, o->sources,
						o->nsources, &o->src, &err)
				 : run_ctx_open(&ctx, name, ws.files, ws.nfiles,
						&o->src, &err);
	}
	if (rc == 0 && o->output != NULL &&
	    (out = fopen(o->output, "we")) == NULL)
		rc = zd_fail(&err, errno, "cannot write report %s: %s",
			     o->output, strerror(errno));
	if (rc == 0)
		rc = run_all(&ctx, sim, &w, out, &err);
	if (out != stdout && out != NULL && fclose(out) != 0 && rc == 0)
		rc = zd_fail(&err, errno, "cannot write report %s: %s",
			     o->output, strerror(errno));
	run_ctx_close(&ctx);
	zd_sim_free(side.sim);
	zd_sim_free(sim);
	zd_board_free(b);
	return rc == 0 ? 0 : cli_error("run", &err);
}
