/* result.c - the features result: allocation, release, and its JSON form
 * (what --json prints and what the cache stores). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonread.h"
#include "features/features_json.h"
#include "internal.h"

struct count_field {
	const char *name;
	size_t offset;
	char type; /* 'i' int, 'd' double, 's' string */
};

#define CF(name, type)                                                         \
	{                                                                      \
#name, offsetof(struct zd_feat_counts, name), type             \
	}

static const struct count_field count_fields[] = {
    CF(loop_depth, 'i'),
    CF(loop_count, 'i'),
    CF(lines_of_code, 'i'),
    CF(arithmetic_intensity, 'd'),
    CF(pragmas, 'i'),
    CF(parallel_regions, 'i'),
    CF(sync_points, 'i'),
    CF(critical_sections, 'i'),
    CF(barriers, 'i'),
    CF(atomics, 'i'),
    CF(tasks, 'i'),
    CF(thread_count, 'i'),
    CF(schedule_kind, 's'),
    CF(shared_vars, 'i'),
    CF(private_vars, 'i'),
    CF(reduction_vars, 'i'),
    CF(functions, 'i'),
    CF(recursive_functions, 'i'),
    CF(worksharing_loops, 'i'),
    CF(taskwaits, 'i'),
    CF(taskgroups, 'i'),
    CF(taskloops, 'i'),
    CF(singles, 'i'),
    CF(simd, 'i'),
    CF(locks, 'i'),
    CF(depends, 'i'),
    CF(collapse_max, 'i'),
    CF(hot_loop_depth, 'i'),
};

#define MF(name)                                                               \
	{                                                                      \
#name, offsetof(struct zd_feat_metrics, name), 'd'             \
	}

static const struct count_field metric_fields[] = {
    MF(unit_share),    MF(strided_share), MF(random_share),
    MF(spatial_score), MF(reuse_score),   MF(ops_per_traffic),
    MF(arith_share),   MF(logic_share),   MF(vector_share),
    MF(carried_share), MF(sync_share),    MF(irregular_share),
    MF(blocked_share), MF(degree),
};

static json_t *metrics_json(const struct zd_feat_metrics *m)
{
	json_t *o = json_object();
	for (size_t i = 0;
	     o != NULL && i < sizeof(metric_fields) / sizeof(metric_fields[0]);
	     i++)
		json_object_set_new(
		    o, metric_fields[i].name,
		    json_real(*(const double *)((const char *)m +
						metric_fields[i].offset)));
	return o;
}

/* Missing in results of older analysers: not valid, not an error. */
static void read_metrics(const json_t *o, struct zd_feat_metrics *m)
{
	memset(m, 0, sizeof(*m));
	if (!json_is_object(o))
		return;
	for (size_t i = 0; i < sizeof(metric_fields) / sizeof(metric_fields[0]);
	     i++) {
		const json_t *v = json_object_get(o, metric_fields[i].name);
		if (!json_is_number(v))
			return;
		*(double *)((char *)m + metric_fields[i].offset) =
		    json_number_value(v);
	}
	m->valid = true;
}

struct zd_features *fx_features_new(void)
{
	return calloc(1, sizeof(struct zd_features));
}

static void llm_free(struct zd_feat_llm *l)
{
	if (l == NULL)
		return;
	free(l->url);
	free(l->model);
	free(l->error);
	for (int i = 0; i < ZD_FEAT_COUNT; i++)
		free(l->answer[i]);
	free(l);
}

void zd_features_free(struct zd_features *f)
{
	if (f == NULL)
		return;
	for (int i = 0; i < f->nfiles; i++)
		free(f->files[i]);
	free(f->files);
	for (int i = 0; i < ZD_FEAT_COUNT; i++) {
		free(f->feat[i].rule);
		free(f->feat[i].why);
		for (int k = 0; k < f->feat[i].nlocs; k++)
			free(f->feat[i].locs[k]);
	}
	for (int i = 0; i < f->ndiags; i++)
		free(f->diags[i]);
	free(f->diags);
	llm_free(f->llm);
	free(f);
}

static json_t *strings(char *const *v, int n)
{
	json_t *a = json_array();
	for (int i = 0; a != NULL && i < n; i++)
		json_array_append_new(a, json_string(v[i] ? v[i] : ""));
	return a;
}

static json_t *counts_json(const struct zd_feat_counts *c)
{
	json_t *o = json_object();
	for (size_t i = 0;
	     o != NULL && i < sizeof(count_fields) / sizeof(count_fields[0]);
	     i++) {
		const struct count_field *cf = &count_fields[i];
		const char *at = (const char *)c + cf->offset;
		json_t *v;
		if (cf->type == 'i')
			v = json_integer(*(const int *)at);
		else if (cf->type == 'd')
			v = json_real(*(const double *)at);
		else
			v = json_string(at);
		json_object_set_new(o, cf->name, v);
	}
	return o;
}

static json_t *llm_json(const struct zd_feat_llm *l)
{
	json_t *o = json_pack(
	    "{s:s, s:s, s:i, s:f, s:i, s:i}", "url", l->url ? l->url : "",
	    "model", l->model ? l->model : "", "attempts", l->attempts, "ms",
	    l->ms, "valid", l->valid, "agree", l->agree);
	if (o == NULL)
		return NULL;
	if (l->error != NULL)
		json_object_set_new(o, "error", json_string(l->error));
	json_t *fs = json_object();
	for (int i = 0; fs != NULL && i < ZD_FEAT_COUNT; i++) {
		json_t *e = json_object();
		const char *v = zd_feature_value_name(i, l->value[i]);
		json_object_set_new(e, "value",
				    v ? json_string(v) : json_null());
		json_object_set_new(e, "valid", json_boolean(v != NULL));
		if (l->answer[i] != NULL)
			json_object_set_new(e, "answer",
					    json_string(l->answer[i]));
		json_object_set_new(fs, zd_feature_name(i), e);
	}
	json_object_set_new(o, "features", fs);
	return o;
}

json_t *zd_features_json(const struct zd_features *f)
{
	json_t *feats = json_object();
	for (int i = 0; feats != NULL && i < ZD_FEAT_COUNT; i++) {
		const struct zd_feat_decision *d = &f->feat[i];
		const char *v = zd_feature_value_name(i, d->value);
		json_t *e = json_pack(
		    "{s:s, s:s, s:s, s:o}", "value", v ? v : "", "rule",
		    d->rule ? d->rule : "", "why", d->why ? d->why : "",
		    "locations", strings(d->locs, d->nlocs));
		json_object_set_new(feats, zd_feature_name(i), e);
	}
	json_t *o = json_pack(
	    "{s:s, s:o, s:b, s:f, s:o, s:o, s:i, s:o}", "analyzer", FX_VERSION,
	    "files", strings(f->files, f->nfiles), "cached", f->cached, "ms",
	    f->ms, "features", feats, "counts", counts_json(&f->counts),
	    "errors", f->nerrors, "diagnostics", strings(f->diags, f->ndiags));
	if (o != NULL && f->metrics.valid)
		json_object_set_new(o, "metrics", metrics_json(&f->metrics));
	if (o != NULL && f->llm != NULL)
		json_object_set_new(o, "llm", llm_json(f->llm));
	return o;
}

static int read_strings(const json_t *a, char ***out, int *n)
{
	if (!json_is_array(a))
		return -EINVAL;
	size_t len = json_array_size(a);
	*out = calloc(len + 1, sizeof(char *));
	if (*out == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		const char *s = json_string_value(json_array_get(a, i));
		if (s == NULL || ((*out)[i] = fx_strdup(s)) == NULL)
			return -EINVAL;
		(*n)++;
	}
	return 0;
}

static int read_counts(const json_t *o, struct zd_feat_counts *c)
{
	if (!json_is_object(o))
		return -EINVAL;
	for (size_t i = 0; i < sizeof(count_fields) / sizeof(count_fields[0]);
	     i++) {
		const struct count_field *cf = &count_fields[i];
		const json_t *v = json_object_get(o, cf->name);
		char *at = (char *)c + cf->offset;
		if (cf->type == 'i' && json_is_integer(v))
			*(int *)at = (int)json_integer_value(v);
		else if (cf->type == 'd' && json_is_number(v))
			*(double *)at = json_number_value(v);
		else if (cf->type == 's' && json_is_string(v))
			snprintf(at, sizeof(c->schedule_kind), "%s",
				 json_string_value(v));
		else
			return -EINVAL;
	}
	return 0;
}

static int read_feature(const json_t *o, int i, struct zd_feat_decision *d)
{
	const json_t *e = json_object_get(o, zd_feature_name(i));
	const char *v = json_string_value(json_object_get(e, "value"));
	const char *rule = json_string_value(json_object_get(e, "rule"));
	const char *why = json_string_value(json_object_get(e, "why"));
	const json_t *locs = json_object_get(e, "locations");
	d->value = zd_feature_value_parse(i, v);
	if (d->value < 0 || rule == NULL || why == NULL || !json_is_array(locs))
		return -EINVAL;
	d->rule = fx_strdup(rule);
	d->why = fx_strdup(why);
	if (d->rule == NULL || d->why == NULL)
		return -ENOMEM;
	for (size_t k = 0; k < json_array_size(locs) && k < ZD_FEAT_MAX_LOCS;
	     k++) {
		const char *s = json_string_value(json_array_get(locs, k));
		if (s == NULL || (d->locs[d->nlocs] = fx_strdup(s)) == NULL)
			return -EINVAL;
		d->nlocs++;
	}
	return 0;
}

int zd_features_from_json(const json_t *j, struct zd_features **out,
			  struct zd_err *err)
{
	struct zd_features *f = fx_features_new();
	if (f == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	const char *version = json_string_value(json_object_get(j, "analyzer"));
	int rc =
	    version != NULL && strcmp(version, FX_VERSION) == 0 ? 0 : -EINVAL;
	if (rc == 0)
		rc = read_strings(json_object_get(j, "files"), &f->files,
				  &f->nfiles);
	if (rc == 0)
		rc = read_strings(json_object_get(j, "diagnostics"), &f->diags,
				  &f->ndiags);
	if (rc == 0)
		rc = read_counts(json_object_get(j, "counts"), &f->counts);
	const json_t *feats = json_object_get(j, "features");
	for (int i = 0; rc == 0 && i < ZD_FEAT_COUNT; i++)
		rc = read_feature(feats, i, &f->feat[i]);
	if (rc != 0) {
		zd_features_free(f);
		return zd_bad_input(err, "not a features result of %s",
				    FX_VERSION);
	}
	read_metrics(json_object_get(j, "metrics"), &f->metrics);
	f->nerrors = (int)json_integer_value(json_object_get(j, "errors"));
	f->ms = json_number_value(json_object_get(j, "ms"));
	*out = f;
	return 0;
}

/* Errors are the diagnostics libclang rated error or fatal, and files it
 * could not parse; notes (a file not in the database) are not. */
static bool is_error(const char *d)
{
	return strstr(d, ": error: ") != NULL ||
	    strstr(d, ": fatal error: ") != NULL ||
	    strstr(d, "libclang could not parse") != NULL;
}

const char *zd_features_first_error(const struct zd_features *f)
{
	for (int i = 0; f != NULL && i < f->ndiags; i++)
		if (is_error(f->diags[i]))
			return f->diags[i];
	return NULL;
}

double zd_features_confidence(const struct zd_features *f)
{
	if (f == NULL)
		return 0;
	if (f->nerrors <= 0)
		return 1;
	double c = 1.0 / (1.0 + f->nerrors / 4.0);
	for (int i = 0; i < f->ndiags; i++)
		if (strstr(f->diags[i], ": fatal error: ") != NULL ||
		    strstr(f->diags[i], "' file not found") != NULL ||
		    strstr(f->diags[i], "libclang could not parse") != NULL) {
			c = c < 0.5 ? c : 0.5;
			break;
		}
	return c > 0.05 ? c : 0.05;
}

int zd_features_from_text(const char *text, const char *what,
			  struct zd_features **out, struct zd_err *err)
{
	json_t *j = NULL;
	*out = NULL;
	int rc = zd_jr_parse(text, strlen(text), what, 0, &j, err);
	if (rc == 0)
		rc = zd_features_from_json(j, out, err);
	json_decref(j);
	return rc;
}
