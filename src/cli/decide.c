/* decide.c - `zdvfs decide`: what the engine would choose for a program on
 * a board, from its source alone, without running anything. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "decision.h"
#include "options.h"
#include "sources.h"

static const char *const decide_usage[] = {
    "zdvfs decide --board NAME --source FILE... [OPTIONS]", NULL};

struct decide_opts {
	const char *board, *program, *model, *db, *platform_dir;
	struct cli_source_opts src; /* --source FILE... and how to parse them */
	double guard_c;
	uint64_t seed;
	bool json;
};

static int parse_decide_opts(int argc, char **argv, struct decide_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->seed = 1;
	struct cli_option options[] = {
	    OPT_TEXT("Decides, for the OpenMP program made of FILE... on board "
		     "NAME, how many cores of each cluster it gets, which CPUs "
		     "and at which frequency each cluster runs (ZeroDVFS: code "
		     "features, environment model, agents). Prints the "
		     "decision, its predicted makespan, energy, power and "
		     "hottest temperature, whether it is zero-shot (no run of "
		     "the program known) and how long deciding took, and how "
		     "well the sources parsed: a parse with errors is said on "
		     "stderr and lowers the decision's confidence."),
	    OPT_TEXT("Runs nothing and saves nothing: the same command gives "
		     "the same decision (it says what it depended on: the "
		     "model, the agents file that runs and `zdvfs train` "
		     "leave, the seed); see `zdvfs run`."),
	    OPT_BOARD(&o->board),
	    CLI_SOURCE_FILES_OPTION(&o->src,
				    "the program's C or C++ sources "
				    "(repeat, or list them)"),
	    CLI_SOURCE_OPTIONS(&o->src),
	    OPT_STRING(0, "program", &o->program, "NAME",
		       "its name in the store (default: the first source's "
		       "file name without its .c, .cpp, ... ending)"),
	    OPT_MODEL(&o->model),
	    OPT_DB(&o->db),
	    OPT_GUARD(&o->guard_c,
		      "thermal limit in °C (default: the board's lowest CPU "
		      "throttle point minus 5)"),
	    OPT_SEED(&o->seed, "seed of the agents' training (default 1)"),
	    OPT_BOOL(0, "json", &o->json, "machine-readable output"),
	    OPT_PLATFORM_DIR(&o->platform_dir),
	    OPT_END(),
	};
	int status = 0;
	int n = cli_parse_options("decide", decide_usage, options, 0, argc,
				  argv, &status);
	if (n < 0)
		return status ? status : -1;
	/* `--source a.c b.c`: the files after the first are operands */
	int rc = cli_source_operands("decide", &o->src, n, argv);
	if (rc != 0)
		return rc;
	if (o->board != NULL && strncmp(o->board, "sim:", 4) == 0)
		o->board += 4;
	if (o->board == NULL || o->src.nfiles == 0)
		return cli_usage_error("decide",
				       "--board and --source are "
				       "required");
	return 0;
}

static void print_decision(const char *program, const char *board, json_t *j)
{
	printf("%s on %s: ", program, board);
	cli_print_action(stdout, j);
	printf("\n  predicted: ");
	cli_print_outcome(stdout, json_object_get(j, "predicted"), NULL);
	printf("\n  ");
	cli_print_why(stdout, j);
	json_t *dep = json_object_get(j, "depends_on");
	const char *agents = json_string_value(json_object_get(dep, "agents"));
	printf("\n  depends on: model %s, agents %s, seed %lld",
	       json_string_value(json_object_get(dep, "model")),
	       agents ? agents : "none yet (fresh)",
	       (long long)json_integer_value(json_object_get(dep, "seed")));
	json_t *src = json_object_get(j, "source");
	if (json_is_object(src)) {
		json_int_t errors =
		    json_integer_value(json_object_get(src, "errors"));
		printf("\n  source: ");
		if (errors == 0)
			printf("parsed cleanly");
		else
			printf("%lld parse error%s, confidence %.2f",
			       (long long)errors, errors == 1 ? "" : "s",
			       json_number_value(
				   json_object_get(src, "confidence")));
		printf(" (options: %s)",
		       json_string_value(json_object_get(src, "options_from")));
	}
	printf("\n");
}

/* What a zero-shot decision depended on besides the program: the model
 * and the agents file (as runs and `zdvfs train` left it, or none). */
static json_t *depends_on(const struct decide_opts *o, const struct zd_board *b)
{
	char model[4096], agents[4200];
	struct zd_err quiet = {0};
	if (o->model != NULL)
		snprintf(model, sizeof(model), "%s", o->model);
	else if (zd_model_default_path(model, sizeof(model), &quiet) != 0)
		model[0] = '\0';
	bool have = cli_agents_path(b, o->model, false, agents, sizeof(agents),
				    &quiet) == 0 &&
	    access(agents, F_OK) == 0;
	return json_pack("{s:s?, s:s?, s:i}", "model", model[0] ? model : NULL,
			 "agents", have ? agents : NULL, "seed", (int)o->seed);
}

static int decide(const struct decide_opts *o, const struct zd_board *b,
		  struct zd_store *store, struct zd_err *err)
{
	struct cli_program prog;
	char name[64];
	struct zd_action_space space;
	struct zd_engine *engine = NULL;
	struct zd_engine_decision d;
	cli_program_name(o->src.files[0], name, sizeof(name));
	int rc = cli_program_load(&prog, o->program ? o->program : name,
				  o->src.files, o->src.nfiles, &o->src, NULL,
				  "decide", err);
	struct cli_engine_opts eo = {
	    .model_path = o->model,
	    .guard_c = o->guard_c,
	    .seed = o->seed,
	};
	if (rc == 0)
		rc = zd_action_space_init(&space, b, err);
	if (rc == 0)
		rc = cli_engine_open(b, store, &eo, &engine, err);
	if (rc == 0)
		rc = zd_engine_decide(engine, prog.name, prog.features, NULL,
				      &d, err);
	if (rc == 0) {
		json_t *j = cli_engine_decision_json(&space, b, &d);
		json_object_set_new(j, "source",
				    cli_program_source_json(&prog));
		json_object_set_new(j, "depends_on", depends_on(o, b));
		if (o->json) {
			json_object_set_new(j, "program",
					    json_string(prog.name));
			json_object_set_new(j, "board", json_string(b->name));
			rc = cli_print_json(j) ? -1 : 0;
		} else {
			print_decision(prog.name, b->name, j);
			json_decref(j);
		}
	}
	/* Deciding runs nothing and learns nothing to keep: the zero-shot
	 * training of this program is not saved into the agents file, so a
	 * decision never depends on which programs were decided before
	 * (issue 14); runs (`zdvfs run`, `zdvfs train`) change the agents. */
	zd_engine_free(engine);
	cli_program_free(&prog);
	return rc;
}

/* The store, if there is one: deciding writes nothing, and with no store
 * there are no runs to learn from, as with an empty one (store stays NULL;
 * opening SQLite would create the file, its journal and its schema). */
static int open_store(const char *db, struct zd_store **store,
		      struct zd_err *err)
{
	char path[4096];
	*store = NULL;
	if (db == NULL) {
		int rc = zd_store_default_path(path, sizeof(path), err);
		if (rc != 0)
			return rc;
		db = path;
	}
	if (access(db, F_OK) != 0 && errno == ENOENT)
		return 0;
	return zd_store_open(db, store, err);
}

int cmd_decide(int argc, char **argv)
{
	struct decide_opts o;
	int rc = parse_decide_opts(argc, argv, &o);
	if (rc != 0) {
		cli_source_opts_free(&o.src);
		return rc < 0 ? 0 : rc;
	}
	struct zd_err err = {0};
	struct zd_board *b = NULL;
	struct zd_store *store = NULL;
	rc = zd_board_load(o.board, o.platform_dir, &b, &err);
	if (rc == 0)
		rc = open_store(o.db, &store, &err);
	if (rc == 0)
		rc = decide(&o, b, store, &err);
	int status = rc == 0 ? 0 : err.msg[0] ? cli_error("decide", &err) : 1;
	zd_store_close(store);
	zd_board_free(b);
	cli_source_opts_free(&o.src);
	return status;
}
