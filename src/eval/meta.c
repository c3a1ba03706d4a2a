/* meta.c - meta.json. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "meta.h"
#include "base/jsonfile.h"

static json_t *boards_json(const struct bench_plan *p)
{
	json_t *a = json_array();
	for (int b = 0; a && b < p->nboards; b++) {
		json_t *j =
		    json_pack("{s:s, s:i, s:i, s:f}", "name", p->boards[b].name,
			      "decisions", p->boards[b].decisions,
			      "table_decisions", p->boards[b].table_decisions,
			      "limit_c", p->boards[b].limit_c);
		char spec[128];
		bench_perturb_format(&p->perturb, spec, sizeof(spec));
		if (j && p->boards[b].perturbed)
			json_object_set_new(j, "perturbation",
					    json_string(spec));
		json_array_append_new(a, j);
	}
	return a;
}

static json_t *strings_json(const char *const *names, int n)
{
	json_t *a = json_array();
	for (int i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(names[i]));
	return a;
}

static json_t *workloads_json(const struct bench_plan *p)
{
	json_t *a = json_array();
	for (int w = 0; a && w < p->nworkloads; w++)
		json_array_append_new(a, json_string(p->workloads[w].name));
	return a;
}

/* The folds ready so far: trained or found in models/. */
static json_t *models_json(const struct bench_plan *p)
{
	json_t *a = json_array();
	for (int k = 0; a && k < p->folds; k++) {
		const struct bench_fold *f = &p->fold_info[k];
		if (!f->needed || !(f->cached || f->seconds > 0))
			continue;
		json_t *held = json_array();
		for (int i = 0; held && i < p->nall; i++)
			if (bench_held_out(p, i, k))
				json_array_append_new(
				    held, json_string(p->all_workloads[i]));
		json_array_append_new(a,
				      json_pack("{s:i, s:o, s:f}", "fold", k,
						"held_out", held, "seconds",
						f->seconds));
	}
	return a;
}

static json_t *features_json(const struct bench_plan *p)
{
	json_t *o = json_object();
	for (int w = 0; o && w < p->nworkloads; w++)
		json_object_set_new(o, p->workloads[w].name,
				    json_real(p->workloads[w].features_ms));
	return o;
}

static void iso_time(double unix_s, char *buf, size_t len)
{
	time_t t = (time_t)unix_s;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *meta_json(const struct bench_plan *p, double seconds)
{
	char started[32];
	iso_time(p->started, started, sizeof(started));
	json_t *j = json_pack(
	    "{s:s, s:s, s:s, s:f, s:o, s:o, s:o, s:i, s:i, s:i, s:s,"
	    " s:{s:I, s:f}, s:o, s:o}",
	    "zdvfs", ZDVFS_VERSION, "command",
	    p->o->command ? p->o->command : "zdvfs bench", "started", started,
	    "seconds", seconds, "boards", boards_json(p), "workloads",
	    workloads_json(p), "policies",
	    strings_json(p->policies, p->npolicies), "seeds", p->seeds, "runs",
	    p->runs, "folds", p->folds, "trace_workload", p->workloads[0].name,
	    "profiling", "runs", (json_int_t)p->sweep_runs, "seconds",
	    p->sweep_seconds, "models", models_json(p), "features_ms",
	    features_json(p));
	if (j != NULL) {
		json_object_set_new(
		    j, "scenario",
		    json_string(p->o->scenario ? p->o->scenario : "cold"));
		json_object_set_new(
		    j, "table_grid",
		    json_string(p->o->table_grid ? p->o->table_grid : "full"));
		json_object_set_new(
		    j, "energy",
		    json_string(p->o->energy ? p->o->energy : "board"));
	}
	return j;
}

int bench_meta_write(const struct bench_plan *p, double seconds,
		     struct zd_err *err)
{
	char path[PATH_MAX];
	if (bench_path(p, path, "meta.json") != 0)
		return zd_fail(err, ENAMETOOLONG, "%s: path too long", p->dir);
	json_t *j = meta_json(p, seconds);
	int rc = j == NULL
	    ? zd_fail(err, ENOMEM, "out of memory")
	    : zd_json_write_file(j, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER,
				 "meta.json", err);
	json_decref(j);
	return rc;
}
