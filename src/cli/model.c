/* model.c - `zdvfs model train|eval|info`: the environment model. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/model_json.h"
#include "cli.h"
#include "options.h"
#include "zdvfs/model.h"
#include "zdvfs/store.h"

static const char *const model_usage[] = {
    "zdvfs model train [--db FILE] [--board LIST] [--exclude-program NAME]\n"
    "                         [--out FILE] [--trees N] [--depth N] "
    "[--threads N]\n"
    "                         [--seed S]",
    "zdvfs model eval  [--db FILE] [--board LIST] [--lobo] [--cross-board]\n"
    "                         [--folds K] [--train-groups N] [--per-program]\n"
    "                         [--json]\n"
    "                         [...train options]",
    "zdvfs model info  [--model FILE] [--json]",
    "zdvfs model convert [--json] IN OUT", NULL};

#define MAX_BOARDS 16

struct model_opts {
	const char *db, *out, *exclude, *platform_dir;
	char *boards_text;
	const char *boards[MAX_BOARDS];
	int nboards, trees, depth, threads, folds, train_groups;
	uint64_t seed;
	bool lobo, cross_board, per_program, json;
};

static int split_boards(struct model_opts *o, const char *text)
{
	free(o->boards_text);
	o->boards_text = strdup(text);
	o->nboards = 0;
	if (!o->boards_text)
		return 1;
	char *save = NULL;
	for (char *b = strtok_r(o->boards_text, ",", &save); b;
	     b = strtok_r(NULL, ",", &save)) {
		if (o->nboards == MAX_BOARDS)
			return cli_usage_error(
			    "model", "--board: at most %d boards", MAX_BOARDS);
		o->boards[o->nboards++] = b;
	}
	if (o->nboards == 0)
		return cli_usage_error("model", "--board '%s' names no board",
				       text);
	return 0;
}

static int on_boards(const struct cli_option *opt, const char *arg,
		     const char *cmd)
{
	(void)cmd;
	return split_boards(opt->value, arg);
}

static void train_opts(const struct model_opts *o,
		       struct zd_model_train_opts *t)
{
	memset(t, 0, sizeof(*t));
	t->boards = o->nboards ? o->boards : NULL;
	t->nboards = o->nboards;
	t->exclude_program = o->exclude;
	t->trees = o->trees;
	t->max_depth = o->depth;
	t->threads = o->threads;
	t->seed = o->seed;
	t->platform_dir = o->platform_dir;
}

/* Where `model train` writes: --out, else the user's model path. */
static int model_path(const struct model_opts *o, char *buf, size_t len,
		      struct zd_err *err)
{
	if (o->out) {
		snprintf(buf, len, "%s", o->out);
		return 0;
	}
	return zd_model_default_path(buf, len, err);
}

static int cmd_model_train(const struct model_opts *o)
{
	struct zd_err err = {0};
	struct zd_store *store = NULL;
	struct zd_model *m = NULL;
	struct zd_model_train_opts t;
	char path[4096];
	train_opts(o, &t);
	int rc = model_path(o, path, sizeof(path), &err);
	if (rc == 0)
		rc = zd_store_open(o->db, &store, &err);
	if (rc == 0)
		rc = zd_model_train(store, &t, &m, &err);
	if (rc == 0)
		rc = zd_model_save(m, path, &err);
	if (rc == 0) {
		const json_t *info = zd_model_info(m);
		printf("model: %s\ntrained on %lld runs of %zu programs on %zu "
		       "boards\n",
		       path,
		       (long long)json_integer_value(
			   json_object_get(info, "runs")),
		       json_array_size(json_object_get(info, "programs")),
		       json_array_size(json_object_get(info, "boards")));
	}
	zd_model_free(m);
	zd_store_close(store);
	return rc ? cli_error("model", &err) : 0;
}

static void progress_line(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "%s\n", line);
}

static double metric(const json_t *acc, const char *mode, const char *key)
{
	const json_t *v = mode
	    ? json_object_get(json_object_get(acc, mode), key)
	    : json_object_get(acc, key);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static void print_row(const char *name, const json_t *acc)
{
	printf(
	    "%-22s %7lld %7.1f%% %6.1f%% %7.1f%% %6.1f%% %7.1f%% %7.2f %7.2f "
	    "%7.3f\n",
	    name, (long long)json_integer_value(json_object_get(acc, "runs")),
	    metric(acc, "zero_shot", "makespan_mape"),
	    metric(acc, "with_reference", "makespan_mape"),
	    metric(acc, "zero_shot", "energy_mape"),
	    metric(acc, "with_reference", "energy_mape"),
	    metric(acc, "zero_shot", "power_mape"),
	    metric(acc, NULL, "peak_mae_c"), metric(acc, NULL, "final_mae_c"),
	    metric(acc, NULL, "edp_rank_rho"));
}

static void print_report(const json_t *report, bool per_program)
{
	printf("%s evaluation, %lld folds, %.0f s\n",
	       json_string_value(json_object_get(report, "mode")),
	       (long long)json_integer_value(json_object_get(report, "folds")),
	       json_number_value(json_object_get(report, "seconds")));
	json_t *tg = json_object_get(report, "train_groups");
	if (tg != NULL)
		printf("each fold trained on %lld of its groups\n",
		       (long long)json_integer_value(tg));
	printf("%-22s %7s %16s %15s %8s %7s %7s %7s\n", "", "", "makespan MAPE",
	       "energy MAPE", "power", "peak", "final", "EDP");
	printf("%-22s %7s %8s %7s %8s %6s %8s %7s %7s %7s\n", "board / program",
	       "runs", "0-shot", "ref", "0-shot", "ref", "MAPE", "MAE C",
	       "MAE C", "rho");
	const char *board;
	json_t *jb;
	json_object_foreach(json_object_get(report, "boards"), board, jb)
	{
		print_row(board, json_object_get(jb, "overall"));
		const char *prog;
		json_t *jp;
		if (per_program)
			json_object_foreach(json_object_get(jb, "programs"),
					    prog, jp)
			{
				char name[64];
				snprintf(name, sizeof(name), "  %s", prog);
				print_row(name, jp);
			}
	}
	print_row("overall", json_object_get(report, "overall"));
	printf(
	    "0-shot: the program's scale predicted from its code; ref: given "
	    "its run with every core at the top level.\n");
}

static int cmd_model_eval(const struct model_opts *o)
{
	struct zd_err err = {0};
	struct zd_store *store = NULL;
	json_t *report = NULL;
	struct zd_model_eval_opts e = {
	    .lobo = o->lobo,
	    .cross_board = o->cross_board,
	    .folds = o->folds,
	    .train_groups = o->train_groups,
	    .progress = progress_line,
	};
	train_opts(o, &e.train);
	if (o->exclude)
		return cli_usage_error("model",
				       "eval chooses what to hold out; "
				       "--exclude-program is for train");
	if (o->train_groups > 0 && !o->lobo)
		return cli_usage_error("model",
				       "--train-groups needs --lobo: the "
				       "groups held out are never trained on");
	int rc = zd_store_open(o->db, &store, &err);
	if (rc == 0)
		rc = zd_model_eval(store, &e, &report, &err);
	zd_store_close(store);
	if (rc != 0)
		return cli_error("model", &err);
	if (o->json)
		return cli_print_json(report);
	print_report(report, o->per_program);
	json_decref(report);
	return 0;
}

static int cmd_model_info(const struct model_opts *o)
{
	struct zd_err err = {0};
	struct zd_model *m = NULL;
	char path[4096];
	int rc = zd_model_find_path(o->out, path, sizeof(path), &err);
	if (rc == 0)
		rc = zd_model_load(path, &m, &err);
	if (rc != 0)
		return cli_error("model", &err);
	const json_t *info = zd_model_info(m);
	if (o->json) {
		rc = cli_print_json(json_deep_copy(info));
	} else {
		printf("model: %s (format %d)\nruns: %lld\n", path,
		       ZD_MODEL_FORMAT_VERSION,
		       (long long)json_integer_value(
			   json_object_get(info, "runs")));
		const char *keys[] = {"boards", "programs"};
		for (int k = 0; k < 2; k++) {
			printf("%s:", keys[k]);
			size_t i;
			json_t *v;
			json_array_foreach(json_object_get(info, keys[k]), i, v)
			    printf(" %s", json_string_value(v));
			printf("\n");
		}
	}
	zd_model_free(m);
	return rc;
}

/* zdvfs model convert [--json] IN OUT */
static int cmd_model_convert(const struct model_opts *o, int nargs, char **args)
{
	if (o->db || o->out || o->exclude || o->platform_dir || o->nboards ||
	    o->trees || o->depth || o->threads || o->folds || o->train_groups ||
	    o->seed != 1 || o->lobo || o->cross_board || o->per_program)
		return cli_usage_error("model", "convert takes only --json");
	if (nargs != 2)
		return cli_usage_error("model",
				       "convert needs one IN and one OUT file");
	const char *in = args[0], *out = args[1];
	struct zd_err err = {0};
	struct zd_model *m = NULL;
	int rc = zd_model_load(in, &m, &err);
	if (rc == 0)
		rc = o->json ? zd_model_save_json(m, out, &err)
			     : zd_model_save(m, out, &err);
	zd_model_free(m);
	if (rc != 0)
		return cli_error("model", &err);
	printf("model: %s (%s)\n", out, o->json ? "JSON" : "binary");
	return 0;
}

int cmd_model(int argc, char **argv)
{
	struct model_opts o;
	memset(&o, 0, sizeof(o));
	o.seed = 1;
	struct cli_option options[] = {
	    OPT_TEXT("The environment model predicts a program's makespan, "
		     "energy, average power and per-zone peak and final "
		     "temperature for every decision of a board, from its code "
		     "features alone (docs/model.md). It learns from the runs "
		     "in the store (`zdvfs sweep`)."),
	    OPT_ITEM("train",
		     "fit on the store's runs and write the model file"),
	    OPT_ITEM("eval",
		     "train on some runs, predict the others, report "
		     "accuracy (its options below)"),
	    OPT_ITEM("info", "what a model file was trained on"),
	    OPT_ITEM(
		"convert",
		"read a model (binary, or the JSON of zdvfs 0.1) and write "
		"it in the binary form; with --json, as JSON in XGBoost "
		"1.7's layout per regressor"),
	    OPT_GROUP("options of eval:"),
	    OPT_BOOL(0, "lobo", &o.lobo,
		     "leave one group out: the program predicted and every "
		     "other version of its algorithm (its manifest group) "
		     "contribute no run to the model that predicts it"),
	    OPT_BOOL(0, "cross-board", &o.cross_board,
		     "train on the other boards, predict the held-out one "
		     "(both: the held-out program on the held-out board; "
		     "neither: in-sample, the paper's setting)"),
	    OPT_INT(
		0, "folds", &o.folds, "K", 2, 100000,
		"like --lobo, with the groups spread over K folds instead of "
		"one "
		"per group (faster, still nothing of a group in its "
		"model)"),
	    OPT_INT(0, "train-groups", &o.train_groups, "N", 1, 100000,
		    "each fold trains on only N of the groups it may use, "
		    "drawn by --seed (a learning curve: accuracy against the "
		    "number of programs learnt from)"),
	    OPT_BOOL(0, "per-program", &o.per_program,
		     "a line per program and board"),
	    OPT_GROUP("options:"),
	    OPT_DB(&o.db),
	    OPT_CALLBACK(0, "board", &o, "LIST", on_boards,
			 "only these boards (comma-separated; default: all in "
			 "the store)"),
	    OPT_STRING(0, "exclude-program", &o.exclude, "NAME",
		       "train without any run of NAME"),
	    OPT_STRING(0, "out", &o.out, "FILE",
		       "the model file (default: model.bin beside the store; "
		       "reading, a model.json of an earlier zdvfs there too)"),
	    OPT_STRING(0, "model", &o.out, "FILE", "the same as --out"),
	    OPT_INT(0, "trees", &o.trees, "N", 1, 5000,
		    "boosted trees per target (100)"),
	    OPT_INT(0, "depth", &o.depth, "N", 1, 16,
		    "the depth of each tree (6)"),
	    OPT_INT(0, "threads", &o.threads, "N", 1, 256,
		    "training threads (default: all cores)"),
	    OPT_SEED(&o.seed, "seed of the row subsampling (default 1)"),
	    OPT_BOOL(0, "json", &o.json,
		     "machine-readable output (convert: write JSON)"),
	    OPT_PLATFORM_DIR(&o.platform_dir),
	    OPT_END(),
	};
	if (argc < 2) {
		cli_usage_with_options(stderr, model_usage, options);
		return 2;
	}
	/* The subcommand stands where the parser skips its argv[0]; an
	 * option there (--help) is parsed as one. */
	const char *sub = argv[1][0] == '-' ? NULL : argv[1];
	int status = 0;
	int n = sub ? cli_parse_options("model", model_usage, options, 0,
					argc - 1, argv + 1, &status)
		    : cli_parse_options("model", model_usage, options, 0, argc,
					argv, &status);
	int rc = status;
	if (n < 0)
		rc = status;
	else if (sub == NULL)
		rc = cli_usage_error("model",
				     "the subcommand comes first: "
				     "train, eval, info or convert");
	else if (strcmp(sub, "convert") == 0)
		rc = cmd_model_convert(&o, n, argv + 1);
	else if (n > 0)
		rc = cli_usage_error("model", "unexpected argument '%s'",
				     argv[1]);
	else if (strcmp(sub, "train") == 0)
		rc = cmd_model_train(&o);
	else if (strcmp(sub, "eval") == 0)
		rc = cmd_model_eval(&o);
	else if (strcmp(sub, "info") == 0)
		rc = cmd_model_info(&o);
	else
		rc = cli_usage_error(
		    "model", "'%s' is not train, eval, info or convert", sub);
	free(o.boards_text);
	return rc;
}
