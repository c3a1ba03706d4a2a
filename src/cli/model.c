/* model.c - `zdvfs model train|eval|info`: the environment model. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/model_json.h"
#include "cli.h"
#include "zdvfs/model.h"
#include "zdvfs/store.h"

static const char model_usage[] =
    "usage: zdvfs model train [--db FILE] [--board LIST] [--exclude-program "
    "NAME]\n"
    "                         [--out FILE] [--trees N] [--depth N] [--threads "
    "N]\n"
    "                         [--seed S]\n"
    "       zdvfs model eval  [--db FILE] [--board LIST] [--lobo] "
    "[--cross-board]\n"
    "                         [--folds K] [--per-program] [--json] [...train "
    "options]\n"
    "       zdvfs model info  [--model FILE] [--json]\n"
    "       zdvfs model convert [--json] IN OUT\n\n"
    "The environment model predicts a program's makespan, energy, average "
    "power\n"
    "and per-zone peak and final temperature for every decision of a board, "
    "from\n"
    "its code features alone (docs/model.md). It learns from the runs in the\n"
    "store (`zdvfs profile`).\n\n"
    "  train             fit on the store's runs and write the model file\n"
    "  eval              train on some runs, predict the others, report "
    "accuracy:\n"
    "    --lobo          leave one group out: the program predicted and every\n"
    "                    other version of its algorithm (its manifest group)\n"
    "                    contribute no run to the model that predicts it\n"
    "    --cross-board   train on the other boards, predict the held-out one\n"
    "                    (both: the held-out program on the held-out board;\n"
    "                    neither: in-sample, the paper's setting)\n"
    "    --folds K       --lobo with the groups spread over K folds instead of "
    "one\n"
    "                    per group (faster, still nothing of a group in its "
    "model)\n"
    "    --per-program   a line per program and board\n"
    "  info              what a model file was trained on\n"
    "  convert           read a model (binary, or the JSON of zdvfs 0.1) and\n"
    "                    write it in the binary form; with --json, as JSON in\n"
    "                    XGBoost 1.7's layout per regressor\n\n"
    "  --db FILE         the sample store (default: $ZDVFS_DATA_DIR/zdvfs.db,\n"
    "                    $XDG_DATA_HOME/zdvfs/zdvfs.db, "
    "~/.local/share/zdvfs/)\n"
    "  --board LIST      only these boards (comma-separated; default: all in "
    "the store)\n"
    "  --exclude-program NAME  train without any run of NAME\n"
    "  --out FILE, --model FILE  the model file (default: model.bin beside the "
    "store;\n"
    "                    reading, a model.json of an earlier zdvfs there too)\n"
    "  --trees N, --depth N    boosted trees per target and their depth (100, "
    "6)\n"
    "  --threads N       training threads (default: all cores)\n"
    "  --seed S          seed of the row subsampling (default 1)\n"
    "  --platform-dir DIR  where the board descriptions are\n";

#define MAX_BOARDS 16

struct model_opts {
	const char *db, *out, *exclude, *platform_dir;
	char *boards_text;
	const char *boards[MAX_BOARDS];
	int nboards, trees, depth, threads, folds;
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

static int parse_model_opts(int argc, char **argv, struct model_opts *o)
{
	static const struct option options[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"board", required_argument, NULL, 'b'},
	    {"exclude-program", required_argument, NULL, 'x'},
	    {"out", required_argument, NULL, 'o'},
	    {"model", required_argument, NULL, 'o'},
	    {"trees", required_argument, NULL, 't'},
	    {"depth", required_argument, NULL, 'D'},
	    {"threads", required_argument, NULL, 'T'},
	    {"seed", required_argument, NULL, 's'},
	    {"folds", required_argument, NULL, 'k'},
	    {"lobo", no_argument, NULL, 'L'},
	    {"cross-board", no_argument, NULL, 'C'},
	    {"per-program", no_argument, NULL, 'p'},
	    {"json", no_argument, NULL, 'j'},
	    {"platform-dir", required_argument, NULL, 'P'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	o->seed = 1;
	int c, rc = 0;
	long v = 0;
	optind = 1;
	while (rc == 0 &&
	       (c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'b': rc = split_boards(o, optarg); break;
		case 'x': o->exclude = optarg; break;
		case 'o': o->out = optarg; break;
		case 'P': o->platform_dir = optarg; break;
		case 'L': o->lobo = true; break;
		case 'C': o->cross_board = true; break;
		case 'p': o->per_program = true; break;
		case 'j': o->json = true; break;
		case 't':
			if ((rc = cli_parse_long("model", "--trees", optarg, 1,
						 5000, &v)) == 0)
				o->trees = (int)v;
			break;
		case 'D':
			if ((rc = cli_parse_long("model", "--depth", optarg, 1,
						 16, &v)) == 0)
				o->depth = (int)v;
			break;
		case 'T':
			if ((rc = cli_parse_long("model", "--threads", optarg,
						 1, 256, &v)) == 0)
				o->threads = (int)v;
			break;
		case 'k':
			if ((rc = cli_parse_long("model", "--folds", optarg, 2,
						 100000, &v)) == 0)
				o->folds = (int)v;
			break;
		case 's': rc = cli_parse_seed("model", optarg, &o->seed); break;
		case 'h': fputs(model_usage, stdout); return -1;
		default: return 2;
		}
	}
	if (rc == 0 && optind < argc)
		rc = cli_usage_error("model", "unexpected argument '%s'",
				     argv[optind]);
	return rc;
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
	    .progress = progress_line,
	};
	train_opts(o, &e.train);
	if (o->exclude)
		return cli_usage_error("model",
				       "eval chooses what to hold out; "
				       "--exclude-program is for train");
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
static int cmd_model_convert(int argc, char **argv)
{
	bool json = false;
	const char *in = NULL, *out = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (argv[i][0] == '-' && argv[i][1] != '\0')
			return cli_usage_error("model",
					       "convert: unknown option "
					       "'%s'",
					       argv[i]);
		else if (!in)
			in = argv[i];
		else if (!out)
			out = argv[i];
		else
			return cli_usage_error("model",
					       "convert: one IN and one "
					       "OUT file");
	}
	if (!in || !out)
		return cli_usage_error("model",
				       "convert needs IN and OUT files");
	struct zd_err err = {0};
	struct zd_model *m = NULL;
	int rc = zd_model_load(in, &m, &err);
	if (rc == 0)
		rc = json ? zd_model_save_json(m, out, &err)
			  : zd_model_save(m, out, &err);
	zd_model_free(m);
	if (rc != 0)
		return cli_error("model", &err);
	printf("model: %s (%s)\n", out, json ? "JSON" : "binary");
	return 0;
}

int cmd_model(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		fputs(model_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "convert") == 0)
		return cmd_model_convert(argc - 1, argv + 1);
	struct model_opts o;
	memset(&o, 0, sizeof(o));
	int rc = parse_model_opts(argc - 1, argv + 1, &o);
	if (rc == 0) {
		if (strcmp(sub, "train") == 0)
			rc = cmd_model_train(&o);
		else if (strcmp(sub, "eval") == 0)
			rc = cmd_model_eval(&o);
		else if (strcmp(sub, "info") == 0)
			rc = cmd_model_info(&o);
		else
			rc = cli_usage_error("model",
					     "'%s' is not train, eval, "
					     "info or convert",
					     sub);
	}
	free(o.boards_text);
	return rc < 0 ? 0 : rc;
}
