/* workloads.c - `zdvfs workloads`: the workloads, their suite, kind, group,
 * parallel style, sources and sizes, and which boards have a measured
 * profile of each. */
#include <string.h>

#include "cli.h"
#include "options.h"
#include "zdvfs/board.h"
#include "zdvfs/workload.h"

static const char *const workloads_usage[] = {
    "zdvfs workloads [--json] [--workload-dir DIR] [--platform-dir DIR]", NULL};

static json_t *workload_json(const struct zd_workload_info *w, char **boards,
			     int nboards, const char *dir)
{
	json_t *sources = json_array(), *profiles = json_object();
	for (int i = 0; i < w->nsources; i++)
		json_array_append_new(sources, json_string(w->sources[i]));
	for (int b = 0; b < nboards; b++) {
		char path[4096];
		json_object_set_new(
		    profiles, boards[b],
		    json_boolean(zd_profile_path(dir, boards[b], w->name, path,
						 sizeof(path))));
	}
	return json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:o, s:{s:I, s:I, s:I}, s:o}", "name",
	    w->name, "suite", w->suite, "kind", w->kind, "group", w->group,
	    "parallel", w->tasks ? "tasks" : "loops", "sources", sources,
	    "sizes", "tiny", (json_int_t)w->size_tiny, "small",
	    (json_int_t)w->size_small, "standard", (json_int_t)w->size_standard,
	    "profiles", profiles);
}

static void print_table(json_t *list, char **boards, int nboards)
{
	size_t i;
	json_t *w;
	printf("%-22s %-10s %-9s %-17s %-6s %-26s", "NAME", "SUITE", "KIND",
	       "GROUP", "PAR", "SIZES tiny/small/standard");
	for (int b = 0; b < nboards; b++)
		printf(" %-14s", boards[b]);
	printf("\n");
	json_array_foreach(list, i, w)
	{
		json_t *sizes = json_object_get(w, "sizes");
		char sz[64];
		snprintf(sz, sizeof(sz), "%lld/%lld/%lld",
			 (long long)json_integer_value(
			     json_object_get(sizes, "tiny")),
			 (long long)json_integer_value(
			     json_object_get(sizes, "small")),
			 (long long)json_integer_value(
			     json_object_get(sizes, "standard")));
		printf("%-22s %-10s %-9s %-17s %-6s %-26s",
		       json_string_value(json_object_get(w, "name")),
		       json_string_value(json_object_get(w, "suite")),
		       json_string_value(json_object_get(w, "kind")),
		       json_string_value(json_object_get(w, "group")),
		       json_string_value(json_object_get(w, "parallel")), sz);
		json_t *prof = json_object_get(w, "profiles");
		for (int b = 0; b < nboards; b++)
			printf(" %-14s",
			       json_is_true(json_object_get(prof, boards[b]))
				   ? "profiled"
				   : "-");
		printf("  %s\n",
		       json_string_value(
			   json_array_get(json_object_get(w, "sources"), 0)));
	}
}

int cmd_workloads(int argc, char **argv)
{
	bool json = false;
	const char *wdir = NULL, *pdir = NULL;
	struct cli_option options[] = {
	    OPT_TEXT(
		"Lists the workloads (workloads/manifest.json) with suite "
		"(directory), kind (what the program is: graph, sparse, "
		"tasks, loops, ...), group (every version of one algorithm "
		"shares one; leave-out folds hold out whole groups), "
		"parallel style (tasks or loops), sources, sizes "
		"(tiny/small/standard) and, per board, whether a measured "
		"profile exists (workloads/profiles/BOARD/NAME.json; "
		"regenerate with tools/characterize)."),
	    OPT_BOOL(0, "json", &json, "machine-readable output"),
	    OPT_WORKLOAD_DIR(&wdir),
	    OPT_PLATFORM_DIR(&pdir),
	    OPT_END(),
	};
	int status = 0;
	int n = cli_parse_options("workloads", workloads_usage, options, 0,
				  argc, argv, &status);
	if (n < 0)
		return status;
	if (n > 0)
		return cli_usage_error("workloads", "unexpected argument '%s'",
				       argv[0]);
	struct zd_err err = {0};
	struct zd_manifest *m = NULL;
	char **boards = NULL;
	int nboards = 0;
	if (zd_manifest_load(wdir, &m, &err) != 0)
		return cli_error("workloads", &err);
	if (zd_board_list(pdir, &boards, &nboards, &err) != 0) {
		zd_manifest_free(m);
		return cli_error("workloads", &err);
	}
	json_t *list = json_array();
	for (int i = 0; i < m->count; i++)
		json_array_append_new(
		    list,
		    workload_json(&m->workloads[i], boards, nboards, wdir));
	int rc = 0;
	if (json) {
		rc = cli_print_json(list);
	} else {
		print_table(list, boards, nboards);
		json_decref(list);
	}
	zd_board_names_free(boards, nboards);
	zd_manifest_free(m);
	return rc;
}
