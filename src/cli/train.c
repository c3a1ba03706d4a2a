/* train.c - `zdvfs train`: (re)train a board's zerodvfs agents from the
 * runs in the store, running nothing. Per program: one zero-shot decision
 * (the agents plan on the model's predictions for it), then its stored
 * runs replayed as real Dyna-Q steps (not stored again); the agents are
 * saved beside the model (agents-BOARD.json) for `zdvfs run` and `zdvfs
 * decide` to start from. With --source, the program's features come from
 * its sources (parsed as decide parses them) instead of the store. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "decision.h"
#include "options.h"
#include "sources.h"

static const char *const train_usage[] = {
    "zdvfs train --board NAME [OPTIONS]",
    "zdvfs train --board NAME --source FILE... [--program NAME] [OPTIONS]",
    NULL};

struct train_opts {
	const char *board, *db, *model, *program, *platform_dir;
	struct cli_source_opts src; /* --source FILE... and how to parse them */
	char source_name[64];       /* --program's default with --source */
	int steps;
	bool include_sweep, json;
	uint64_t seed;
};

static int parse_train_opts(int argc, char **argv, struct train_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->seed = 1;
	struct cli_option options[] = {
	    OPT_TEXT("Trains the zerodvfs agents of board NAME from the runs "
		     "the store holds, without running anything. For every "
		     "program with runs on the board (or just --program), it "
		     "decides once as for a program never seen (the agents "
		     "plan on the model's predictions), then replays the "
		     "program's runs (`zdvfs run`'s, of any policy and either "
		     "backend; not profiling sweep runs unless "
		     "--include-sweep) as real Dyna-Q steps, and decides "
		     "again. Prints per program the runs replayed and the "
		     "decision before and after; saves the agents beside the "
		     "model (agents-NAME.json), where `zdvfs run` and `zdvfs "
		     "decide` find them. Training again continues from the "
		     "saved agents."),
	    OPT_TEXT("With --source, the program's code features come from "
		     "its sources, parsed as `zdvfs decide` parses them, "
		     "instead of the ones the store holds; the program is "
		     "--program, else the first source's file name, and must "
		     "have runs on the board. A parse with errors is said on "
		     "stderr (how many, the first); --strict makes it an "
		     "error."),
	    OPT_BOARD(&o->board),
	    OPT_DB(&o->db),
	    OPT_MODEL(&o->model),
	    OPT_INT(0, "steps", &o->steps, "N", 1, 1000000,
		    "synthetic steps of each program's zero-shot planning "
		    "(default: the engine's, 50)"),
	    OPT_STRING(0, "program", &o->program, "NAME",
		       "only this program (default with --source: the first "
		       "source's file name without its .c, .cpp, ... ending)"),
	    CLI_SOURCE_FILES_OPTION(&o->src,
				    "the program's C or C++ sources (repeat, "
				    "or list them): its features come from "
				    "them, not from the store"),
	    CLI_SOURCE_OPTIONS(&o->src),
	    OPT_BOOL(0, "include-sweep", &o->include_sweep,
		     "replay profiling sweep runs too"),
	    OPT_SEED(&o->seed, "seed of the agents (default 1)"),
	    OPT_BOOL(0, "json", &o->json, "machine-readable output"),
	    OPT_PLATFORM_DIR(&o->platform_dir),
	    OPT_END(),
	};
	int status = 0;
	int n = cli_parse_options("train", train_usage, options, 0, argc, argv,
				  &status);
	if (n < 0)
		return status ? status : -1;
	/* `--source a.c b.c`: the files after the first are operands */
	int rc = cli_source_operands("train", &o->src, n, argv);
	if (rc != 0)
		return rc;
	if (o->src.nfiles > 0 && o->program == NULL) {
		cli_program_name(o->src.files[0], o->source_name,
				 sizeof(o->source_name));
		o->program = o->source_name;
	}
	if (o->board == NULL)
		return cli_usage_error("train", "--board NAME is required");
	if (strncmp(o->board, "sim:", 4) == 0)
		o->board += 4;
	return 0;
}

/* What training works with: the board, the store, the engine. */
struct trainer {
	const struct train_opts *o;
	const struct zd_board *board;
	struct zd_action_space space;
	struct zd_store *store;
	struct zd_engine *engine;
	struct cli_program sourced; /* --source's program (features NULL:
				     * none given) */
};

/* Replaying one program's runs. */
struct replay {
	struct trainer *t;
	const char *program;
	int replayed;
	int sweep_left_out; /* profiling sweep runs, without --include-sweep */
	int unusable;       /* not an action of the board, or no outcome */
	struct zd_err *err;
};

/* A stored run as the engine's decision and outcome. */
static void run_as_learnt(const struct trainer *t, const char *program,
			  const struct zd_run_record *r,
			  struct zd_engine_decision *d, int *start_mc,
			  struct zd_outcome *o)
{
	const struct zd_board *b = t->board;
	struct zd_err ignored = {0};
	struct zd_cpuset cpus;
	memset(d, 0, sizeof(*d));
	snprintf(d->program, sizeof(d->program), "%s", program);
	d->action = r->action;
	zd_action_decision(&t->space, &r->action, NULL, 0, &d->decision);
	/* the thermal agent learns from the CPUs the run really used */
	if (zd_cpuset_parse(&cpus, r->cpus, "cpus", &ignored) == 0 &&
	    zd_cpuset_count(&cpus) > 0)
		d->decision.cpus = cpus;
	memset(o, 0, sizeof(*o));
	o->makespan_s = r->makespan_s;
	o->energy_j = r->energy_j;
	o->avg_power_w = r->avg_power_w;
	o->throttled_s = r->throttled_s;
	o->nzones = b->nzones;
	o->hottest_c = -273.15;
	int ambient_mc = (int)lround(b->ambient_mc.value);
	for (int z = 0; z < b->nzones; z++) {
		bool known = z < r->nzones; /* a zone the run did not record
					     * counts as ambient */
		start_mc[z] = known ? r->start_mc[z] : ambient_mc;
		o->peak_c[z] = (known ? r->peak_mc[z] : ambient_mc) * 1e-3;
		o->final_c[z] = (known ? r->final_mc[z] : ambient_mc) * 1e-3;
		if (o->peak_c[z] > o->hottest_c)
			o->hottest_c = o->peak_c[z];
	}
}

static int replay_run(void *arg, const struct zd_run_record *r)
{
	struct replay *rp = arg;
	struct trainer *t = rp->t;
	if (strcmp(r->policy, "sweep") == 0 && !t->o->include_sweep) {
		rp->sweep_left_out++;
		return 0;
	}
	if (r->nclusters != t->space.nclusters ||
	    zd_action_index(&t->space, &r->action) < 0 ||
	    !(r->makespan_s > 0) || !(r->energy_j > 0)) {
		rp->unusable++;
		return 0;
	}
	struct zd_engine_decision d;
	struct zd_outcome o;
	int start_mc[ZD_MAX_ZONES];
	run_as_learnt(t, rp->program, r, &d, start_mc, &o);
	int rc = zd_engine_learn(t->engine, &d, NULL, start_mc, &o, rp->err);
	if (rc == 0)
		rp->replayed++;
	return rc;
}

static json_t *decision_json(const struct trainer *t,
			     const struct zd_engine_decision *d)
{
	return cli_engine_decision_json(&t->space, t->board, d);
}

/* Decide (zero-shot), replay the program's runs, decide again. */
static int train_program(struct trainer *t, const char *name, json_t **out,
			 struct zd_err *err)
{
	struct cli_program stored = {0}, *prog = &stored;
	struct zd_engine_decision before, after;
	struct replay rp = {.t = t, .program = name, .err = err};
	int rc = 0;
	if (t->sourced.features != NULL && strcmp(name, t->sourced.name) == 0)
		prog = &t->sourced; /* --source: parsed before, in train() */
	else
		rc = cli_program_load(&stored, name, NULL, 0, NULL, t->store,
				      "train", err);
	if (rc == 0 && prog->features == NULL) {
		*out = json_pack("{s:s, s:s}", "program", name, "skipped",
				 "no code features in the store");
		cli_program_free(&stored);
		return 0;
	}
	if (rc == 0)
		rc = zd_engine_decide(t->engine, prog->name, prog->features,
				      NULL, &before, err);
	struct zd_run_query q = {.board = t->board->name, .program = name};
	if (rc == 0)
		rc = zd_store_foreach_run(t->store, &q, replay_run, &rp, err);
	if (rc == 0)
		rc = zd_engine_decide(t->engine, prog->name, prog->features,
				      NULL, &after, err);
	if (rc == 0)
		*out = json_pack("{s:s, s:i, s:i, s:i, s:o, s:o, s:o}",
				 "program", name, "runs_replayed", rp.replayed,
				 "sweep_runs_left_out", rp.sweep_left_out,
				 "runs_unusable", rp.unusable, "source",
				 cli_program_source_json(prog), "before",
				 decision_json(t, &before), "after",
				 decision_json(t, &after));
	cli_program_free(&stored);
	return rc;
}

/* The programs to train on: --program (which must have runs here), or
 * every one with runs on the board. */
static int programs_of(struct trainer *t, char ***names, int *count,
		       struct zd_err *err)
{
	struct zd_run_query q = {.board = t->board->name,
				 .program = t->o->program};
	int rc = zd_store_programs(t->store, &q, names, count, err);
	if (rc == 0 && *count == 0)
		rc = zd_bad_input(err,
				  "%s has no runs%s%s%s on %s to train "
				  "from (`zdvfs sweep` or `zdvfs run` make "
				  "them)",
				  zd_store_path(t->store),
				  t->o->program ? " of '" : "",
				  t->o->program ? t->o->program : "",
				  t->o->program ? "'" : "", t->board->name);
	return rc;
}

static void print_decision(const char *when, json_t *d)
{
	printf("    %s: ", when);
	cli_print_action(stdout, d);
	printf("\n");
}

/* Where the features came from, when from --source: as decide says it. */
static void print_source(json_t *src)
{
	if (!json_is_object(src))
		return; /* the store's features */
	json_int_t errors = json_integer_value(json_object_get(src, "errors"));
	printf("    source: ");
	if (errors == 0)
		printf("parsed cleanly");
	else
		printf("%lld parse error%s, confidence %.2f", (long long)errors,
		       errors == 1 ? "" : "s",
		       json_number_value(json_object_get(src, "confidence")));
	printf(" (options: %s)\n",
	       json_string_value(json_object_get(src, "options_from")));
}

static void print_result(json_t *r, const char *agents)
{
	size_t i;
	json_t *p;
	printf("zdvfs train: %s from %s\n",
	       json_string_value(json_object_get(r, "board")),
	       json_string_value(json_object_get(r, "db")));
	json_array_foreach(json_object_get(r, "programs"), i, p)
	{
		const char *name =
		    json_string_value(json_object_get(p, "program"));
		json_t *skipped = json_object_get(p, "skipped");
		if (json_is_string(skipped)) {
			printf("  %s: skipped: %s\n", name,
			       json_string_value(skipped));
			continue;
		}
		long long sweep = json_integer_value(
		    json_object_get(p, "sweep_runs_left_out"));
		long long unusable =
		    json_integer_value(json_object_get(p, "runs_unusable"));
		printf("  %s: replayed %lld runs", name,
		       (long long)json_integer_value(
			   json_object_get(p, "runs_replayed")));
		if (sweep)
			printf(", left out %lld sweep runs", sweep);
		if (unusable)
			printf(", %lld runs not of this board's decisions",
			       unusable);
		printf("\n");
		print_source(json_object_get(p, "source"));
		print_decision("before (zero-shot)",
			       json_object_get(p, "before"));
		print_decision("after", json_object_get(p, "after"));
	}
	printf("  agents saved: %s\n", agents);
}

static int train(struct trainer *t, char *agents, size_t agents_len,
		 struct zd_err *err)
{
	const struct train_opts *o = t->o;
	char **names = NULL;
	int count = 0;
	json_t *programs = json_array();
	struct cli_engine_opts eo = {
	    .model_path = o->model,
	    .seed = o->seed,
	    .zero_shot_steps = o->steps,
	};
	int rc = 0;
	/* the sources first: a parse with errors is said (or with --strict
	 * refused) whether or not the program has runs to train from */
	if (o->src.nfiles > 0)
		rc = cli_program_load(&t->sourced, o->program, o->src.files,
				      o->src.nfiles, &o->src, NULL, "train",
				      err);
	if (rc == 0)
		rc = programs_of(t, &names, &count, err);
	if (rc == 0)
		rc = cli_agents_path(t->board, o->model, false, agents,
				     agents_len, err);
	/* no store for the engine: every program is decided as new (zero-shot
	 * planning), and replayed runs are not stored again */
	if (rc == 0)
		rc = cli_engine_open(t->board, NULL, &eo, &t->engine, err);
	for (int i = 0; rc == 0 && i < count; i++) {
		json_t *p = NULL;
		rc = train_program(t, names[i], &p, err);
		if (rc == 0)
			json_array_append_new(programs, p);
	}
	if (t->engine != NULL) {
		struct zd_err close_err = {0};
		if (zd_engine_close(t->engine, &close_err) != 0 && rc == 0) {
			*err = close_err; /* the agents could not be saved */
			rc = -1;
		}
		t->engine = NULL;
	}
	if (rc == 0) {
		json_t *r =
		    json_pack("{s:s, s:s, s:s, s:O}", "board", t->board->name,
			      "db", zd_store_path(t->store), "agents", agents,
			      "programs", programs);
		if (o->json)
			rc = cli_print_json(r) ? zd_fail(err, ENOMEM,
							 "out of "
							 "memory")
					       : 0;
		else
			print_result(r, agents);
		if (!o->json)
			json_decref(r);
	}
	json_decref(programs);
	zd_store_names_free(names, count);
	cli_program_free(&t->sourced);
	return rc;
}

int cmd_train(int argc, char **argv)
{
	struct train_opts o;
	int rc = parse_train_opts(argc, argv, &o);
	if (rc != 0) {
		cli_source_opts_free(&o.src);
		return rc < 0 ? 0 : rc;
	}
	struct zd_err err = {0};
	struct zd_board *b = NULL;
	struct trainer t = {.o = &o};
	char agents[4200] = "";
	rc = zd_board_load(o.board, o.platform_dir, &b, &err);
	t.board = b;
	if (rc == 0)
		rc = zd_action_space_init(&t.space, b, &err);
	if (rc == 0)
		rc = zd_store_open(o.db, &t.store, &err);
	if (rc == 0)
		rc = train(&t, agents, sizeof(agents), &err);
	int status = rc == 0 ? 0 : cli_error("train", &err);
	zd_store_close(t.store);
	zd_board_free(b);
	cli_source_opts_free(&o.src);
	return status;
}
