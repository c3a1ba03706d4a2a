/* features.c - `zdvfs features`: the 13 code features and the syntactic
 * counts of an OpenMP program from its source, with the evidence for each
 * and, on request, an LLM's second opinion beside them. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "features/features_json.h"
#include "cli.h"
#include "sources.h"
#include "zdvfs/features.h"

static const char features_usage[] =
    "usage: zdvfs features [--json] [--explain] [-I DIR] [-D NAME[=V]]\n"
    "                      [-U NAME] [--compile-commands FILE] [--strict]\n"
    "                      [--llm URL [--llm-model NAME] [--llm-timeout S]\n"
    "                      [--llm-retries N]] [--no-cache] [--cache-dir DIR]\n"
    "                      FILE...\n\n"
    "Derives the 13 code features of the ZeroDVFS method (memory access\n"
    "pattern, locality, complexity, dependences, false sharing, ...) and the\n"
    "syntactic counts from the program's C sources with libclang, in\n"
    "milliseconds and without a network. FILE... are the C or C++ files\n"
    "of one program. Results are cached by the content of the sources and\n"
    "the options.\n\n"
    "  --json                  machine-readable output\n"
    "  --explain               the rule, the figures and the source\n"
    "                          locations behind each feature\n"
    "  -I DIR, -D NAME[=V], -U NAME\n"
    "                          include paths and macros, as for a compiler\n"
    "  --compile-commands FILE each file's options from a compilation\n"
    "                          database (a directory holding one is fine);\n"
    "                          without FILEs, every file in it. Default: a\n"
    "                          compile_commands.json next to the sources or\n"
    "                          above them, or in a build/ there, that lists\n"
    "                          them; a workload's own sources get the\n"
    "                          options training used\n"
    "  --strict                a parse with errors is an error (status 2)\n"
    "  --llm URL               also ask an OpenAI-compatible endpoint\n"
    "                          (llama.cpp server, ollama), shown beside the\n"
    "                          static result; key in $ZDVFS_LLM_API_KEY\n"
    "  --llm-model NAME        model to ask for (default: default)\n"
    "  --llm-timeout S         seconds per attempt (default 60)\n"
    "  --llm-retries N         further attempts (default 2)\n"
    "  --no-cache              neither read nor write the cache\n"
    "  --cache-dir DIR         cache directory (default: $ZDVFS_CACHE_DIR,\n"
    "                          else $XDG_CACHE_HOME/zdvfs, else\n"
    "                          ~/.cache/zdvfs)\n\n"
    "Exit status 2 for a missing file or code without any function;\n"
    "code libclang cannot fully parse gives a partial result and its\n"
    "diagnostics (with --strict: exit status 2).\n";

struct options {
	bool json, explain;
	struct cli_source_opts src;
	const char *const *files;
	int nfiles;
	bool no_cache;
	const char *cache_dir;
	struct zd_feat_llm_request llm;
};

static void free_options(struct options *o)
{
	cli_source_opts_free(&o->src);
}

static void print_llm_cell(const struct zd_features *f, int i)
{
	const struct zd_feat_llm *l = f->llm;
	if (l->error != NULL) {
		printf("  -");
		return;
	}
	if (l->value[i] < 0) {
		printf("  (invalid: \"%.20s\", static kept)",
		       l->answer[i] ? l->answer[i] : "missing");
		return;
	}
	printf("  %-18s %s", zd_feature_value_name(i, l->value[i]),
	       l->value[i] == f->feat[i].value ? "=" : "differs");
}

static void print_counts(const struct zd_feat_counts *c)
{
	printf("\nsyntactic counts:\n"
	       "  lines of code %d, functions %d (%d recursive), loops %d,\n"
	       "  loop depth %d (hot, through calls: %d), arithmetic "
	       "intensity %.2f\n"
	       "  pragmas %d, parallel regions %d, worksharing loops %d, "
	       "schedule %s,\n"
	       "  tasks %d (taskloops %d, taskwaits %d, taskgroups %d), "
	       "single/master %d, simd %d\n"
	       "  sync points %d: critical %d, atomic %d, barriers %d, "
	       "locks %d, depend %d\n"
	       "  threads %s, collapse up to %d, shared vars %d, private "
	       "vars %d, reduction vars %d\n",
	       c->lines_of_code, c->functions, c->recursive_functions,
	       c->loop_count, c->loop_depth, c->hot_loop_depth,
	       c->arithmetic_intensity, c->pragmas, c->parallel_regions,
	       c->worksharing_loops, c->schedule_kind, c->tasks, c->taskloops,
	       c->taskwaits, c->taskgroups, c->singles, c->simd, c->sync_points,
	       c->critical_sections, c->atomics, c->barriers, c->locks,
	       c->depends, c->thread_count > 0 ? "fixed" : "runtime",
	       c->collapse_max, c->shared_vars, c->private_vars,
	       c->reduction_vars);
	if (c->thread_count > 0)
		printf("  thread count %d\n", c->thread_count);
}

static void print_text(const struct zd_features *f, bool explain)
{
	printf("features of");
	for (int i = 0; i < f->nfiles; i++)
		printf(" %s", f->files[i]);
	printf(" (%s %.1f ms)\n",
	       f->cached ? "from the cache in" : "analysed in", f->ms);
	if (f->llm != NULL && f->llm->error == NULL)
		printf("%-29s %-18s llm %s (%d valid, %d agree)\n", "feature",
		       "static", f->llm->model, f->llm->valid, f->llm->agree);
	for (int i = 0; i < ZD_FEAT_COUNT; i++) {
		const struct zd_feat_decision *d = &f->feat[i];
		printf("  %-27s %-18s", zd_feature_name(i),
		       zd_feature_value_name(i, d->value));
		if (f->llm != NULL)
			print_llm_cell(f, i);
		printf("\n");
		if (!explain)
			continue;
		printf("      rule %s: %s\n", d->rule, d->why);
		for (int k = 0; k < d->nlocs; k++)
			printf("      at %s\n", d->locs[k]);
	}
	if (f->llm != NULL && f->llm->error != NULL)
		printf("llm %s: no usable answer after %d attempt(s): %s; the "
		       "static result stands\n",
		       f->llm->url, f->llm->attempts, f->llm->error);
	print_counts(&f->counts);
	if (f->ndiags > 0)
		printf("\n%d diagnostic(s), %d error(s): the result covers "
		       "what parsed\n",
		       f->ndiags, f->nerrors);
}

static void print_diags(const struct zd_features *f)
{
	int shown = f->ndiags < 10 ? f->ndiags : 10;
	for (int i = 0; i < shown; i++)
		fprintf(stderr, "zdvfs features: %s\n", f->diags[i]);
	if (f->ndiags > shown)
		fprintf(stderr, "zdvfs features: ... %d more (see --json)\n",
			f->ndiags - shown);
}

static int parse_number(const char *text, long min, long max, long *out)
{
	char *end = NULL;
	long v = strtol(text, &end, 10);
	if (end == text || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option options[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"explain", no_argument, NULL, 'e'},
	    CLI_SOURCE_LONG_OPTIONS,
	    {"llm", required_argument, NULL, 'l'},
	    {"llm-model", required_argument, NULL, 'm'},
	    {"llm-timeout", required_argument, NULL, 't'},
	    {"llm-retries", required_argument, NULL, 'r'},
	    {"no-cache", no_argument, NULL, 'n'},
	    {"cache-dir", required_argument, NULL, 'C'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;
	long v;
	optind = 1;
	o->llm.retries = -1;
	while ((c = getopt_long(argc, argv, CLI_SOURCE_SHORT_OPTIONS "h",
				options, NULL)) != -1) {
		int taken = cli_source_option(&o->src, c, optarg);
		if (taken < 0)
			return cli_usage_error("features", "out of memory");
		if (taken > 0)
			continue;
		switch (c) {
		case 'j': o->json = true; break;
		case 'e': o->explain = true; break;
		case 'l': o->llm.url = optarg; break;
		case 'm': o->llm.model = optarg; break;
		case 't':
			if (parse_number(optarg, 1, 3600, &v) != 0)
				return cli_usage_error(
				    "features",
				    "--llm-timeout: '%s' is not "
				    "1..3600 seconds",
				    optarg);
			o->llm.timeout_ms = v * 1000;
			break;
		case 'r':
			if (parse_number(optarg, 0, 10, &v) != 0)
				return cli_usage_error(
				    "features",
				    "--llm-retries: '%s' is not "
				    "0..10",
				    optarg);
			o->llm.retries = (int)v;
			break;
		case 'n': o->no_cache = true; break;
		case 'C': o->cache_dir = optarg; break;
		case 'h': fputs(features_usage, stdout); return -1;
		default: return cli_usage_error("features", "bad option");
		}
	}
	o->files = (const char *const *)argv + optind;
	o->nfiles = argc - optind;
	if (o->nfiles == 0 && o->src.compile_commands == NULL)
		return cli_usage_error("features", "no source file given");
	return 0;
}

int cmd_features(int argc, char **argv)
{
	struct options o;
	memset(&o, 0, sizeof(o));
	int rc = parse_options(argc, argv, &o);
	if (rc != 0) {
		free_options(&o);
		return rc < 0 ? 0 : rc;
	}
	struct zd_features *f = NULL;
	struct zd_err err = {0};
	struct cli_source_plan plan;
	rc = cli_source_plan(&o.src, o.files, o.nfiles, &plan, &err);
	plan.req.no_cache = o.no_cache;
	plan.req.cache_dir = o.cache_dir;
	if (rc != 0 || zd_features_analyze(&plan.req, &f, &err) != 0 ||
	    (o.src.strict &&
	     cli_source_check("features", &o.src, f, plan.how, &err) != 0)) {
		if (f != NULL)
			print_diags(f);
		zd_features_free(f);
		cli_source_plan_free(&plan);
		free_options(&o);
		return cli_error("features", &err);
	}
	if (o.llm.url != NULL && zd_features_llm(f, &o.llm, &err) != 0) {
		zd_features_free(f);
		cli_source_plan_free(&plan);
		free_options(&o);
		return cli_error("features", &err);
	}
	if (f->llm != NULL && f->llm->error != NULL)
		fprintf(stderr,
			"zdvfs features: llm %s: %s; the static result "
			"stands\n",
			f->llm->url, f->llm->error);
	if (o.json) {
		json_t *j = zd_features_json(f);
		json_object_set_new(j, "source", cli_source_json(f, plan.how));
		rc = cli_print_json(j);
	} else {
		print_diags(f);
		print_text(f, o.explain);
	}
	zd_features_free(f);
	cli_source_plan_free(&plan);
	free_options(&o);
	return rc;
}
