/* features.c - `zdvfs features`: the 13 code features and the syntactic
 * counts of an OpenMP program from its source, with the evidence for each
 * and, on request, an LLM's second opinion beside them. */
#include <stdlib.h>
#include <string.h>

#include "features/features_json.h"
#include "cli.h"
#include "sources.h"
#include "zdvfs/features.h"

static const char *const features_usage[] = {
    "zdvfs features [OPTIONS] FILE...",
    "zdvfs features [OPTIONS] --compile-commands FILE", NULL};

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

static int parse_options(int argc, char **argv, struct options *o)
{
	int timeout_s = 0;
	o->llm.retries = -1;
	struct cli_option options[] = {
	    OPT_TEXT(
		"Derives the 13 code features of the ZeroDVFS method "
		"(memory access pattern, locality, complexity, "
		"dependences, false sharing, ...) and the syntactic counts "
		"from the program's C sources with libclang, in "
		"milliseconds and without a network. FILE... are the C or "
		"C++ files of one program. Results are cached by the "
		"content of the sources and the options."),
	    OPT_BOOL(0, "json", &o->json, "machine-readable output"),
	    OPT_BOOL(0, "explain", &o->explain,
		     "the rule, the figures and the source locations behind "
		     "each feature"),
	    CLI_SOURCE_DEFINE_OPTIONS(&o->src),
	    OPT_STRING(0, "compile-commands", &o->src.compile_commands, "FILE",
		       "each file's options from a compilation database (a "
		       "directory holding one is fine); without FILEs, every "
		       "file in it. Default: a compile_commands.json next to "
		       "the sources or above them, or in a build/ there, that "
		       "lists them; a workload's own sources get the options "
		       "training used"),
	    OPT_BOOL(0, "strict", &o->src.strict,
		     "a parse with errors is an error (status 2)"),
	    OPT_STRING(0, "llm", &o->llm.url, "URL",
		       "also ask an OpenAI-compatible endpoint (llama.cpp "
		       "server, ollama), shown beside the static result; key "
		       "in $ZDVFS_LLM_API_KEY"),
	    OPT_STRING(0, "llm-model", &o->llm.model, "NAME",
		       "model to ask for (default: default)"),
	    OPT_INT(0, "llm-timeout", &timeout_s, "S", 1, 3600,
		    "seconds per attempt (default 60)"),
	    OPT_INT(0, "llm-retries", &o->llm.retries, "N", 0, 10,
		    "further attempts (default 2)"),
	    OPT_BOOL(0, "no-cache", &o->no_cache,
		     "neither read nor write the cache"),
	    OPT_STRING(0, "cache-dir", &o->cache_dir, "DIR",
		       "cache directory (default: $ZDVFS_CACHE_DIR, else "
		       "$XDG_CACHE_HOME/zdvfs, else ~/.cache/zdvfs)"),
	    OPT_TEXT("Exit status 2 for a missing file or code without any "
		     "function; code libclang cannot fully parse gives a "
		     "partial result and its diagnostics (with --strict: exit "
		     "status 2)."),
	    OPT_END(),
	};
	int status = 0;
	int n = cli_parse_options("features", features_usage, options, 0, argc,
				  argv, &status);
	if (n < 0)
		return status ? status : -1;
	o->llm.timeout_ms = timeout_s * 1000L;
	o->files = (const char *const *)argv;
	o->nfiles = n;
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
