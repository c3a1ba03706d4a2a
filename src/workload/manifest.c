/* manifest.c - workloads/manifest.json: which workloads exist, their suite,
 * kind, group, parallel style, sources and sizes (generated from the
 * sources by tools/gen-manifest). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "base/jsonread.h"
#include "zdvfs/paths.h"
#include "zdvfs/workload.h"

#define MANIFEST_FORMAT "zdvfs-workloads 1"

const char *zd_workload_dir(const char *dir)
{
	if (dir != NULL && dir[0] != '\0')
		return dir;
	return zd_data_dir(ZD_DATA_WORKLOADS);
}

/* A kind or group name: 1..len-1 characters of [a-z0-9-]. */
static bool valid_label(const char *s, size_t len)
{
	size_t n = strlen(s);
	if (n == 0 || n >= len)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static int parse_entry(const char *path, size_t i, json_t *e,
		       struct zd_workload_info *w, struct zd_err *err)
{
	const char *name, *suite, *kind, *group, *parallel;
	json_t *sources;
	json_int_t tiny, small, standard;
	json_error_t jerr;
	if (json_unpack_ex(e, &jerr, JSON_STRICT,
			   "{s:s, s:s, s:s, s:s, s:s, s:o, s:{s:I, s:I, s:I}}",
			   "name", &name, "suite", &suite, "kind", &kind,
			   "group", &group, "parallel", &parallel, "sources",
			   &sources, "sizes", "tiny", &tiny, "small", &small,
			   "standard", &standard) != 0)
		return zd_bad_input(err, "%s: workloads[%zu]: %s", path, i,
				    jerr.text);
	if (strcmp(parallel, "tasks") != 0 && strcmp(parallel, "loops") != 0)
		return zd_bad_input(err,
				    "%s: workloads[%zu].parallel: '%s' is not "
				    "tasks or loops",
				    path, i, parallel);
	if (!valid_label(kind, sizeof(w->kind)) ||
	    !valid_label(group, sizeof(w->group)) ||
	    strlen(suite) >= sizeof(w->suite))
		return zd_bad_input(
		    err,
		    "%s: workloads[%zu]: suite, kind or group is "
		    "empty, too long or not [a-z0-9-]",
		    path, i);
	snprintf(w->name, sizeof(w->name), "%s", name);
	snprintf(w->suite, sizeof(w->suite), "%s", suite);
	snprintf(w->kind, sizeof(w->kind), "%s", kind);
	snprintf(w->group, sizeof(w->group), "%s", group);
	w->tasks = strcmp(parallel, "tasks") == 0;
	w->size_tiny = (long)tiny;
	w->size_small = (long)small;
	w->size_standard = (long)standard;
	size_t k;
	json_t *s;
	json_array_foreach(sources, k, s)
	{
		if (!json_is_string(s))
			return zd_bad_input(err,
					    "%s: workloads[%zu].sources[%zu]: "
					    "not a path",
					    path, i, k);
		snprintf(w->sources[k], sizeof(w->sources[k]), "%s",
			 json_string_value(s));
		w->nsources = (int)k + 1;
	}
	return 0;
}

int zd_manifest_load(const char *dir, struct zd_manifest **out,
		     struct zd_err *err)
{
	char path[PATH_MAX];
	*out = NULL;
	snprintf(path, sizeof(path), "%s/manifest.json", zd_workload_dir(dir));
	json_t *root = NULL;
	int rc = zd_jr_load(path, ZD_JR_SMALL_MAX, JSON_REJECT_DUPLICATES,
			    &root, err);
	if (rc != 0)
		return rc;
	json_error_t jerr;
	const char *format = NULL, *generated_by = NULL;
	json_t *list = NULL;
	if (json_unpack_ex(root, &jerr, JSON_STRICT, "{s:s, s:o, s?:s}",
			   "format", &format, "workloads", &list,
			   "generated_by", &generated_by) != 0 ||
	    !json_is_array(list))
		rc = zd_bad_input(err, "%s: not a workload manifest: %s", path,
				  jerr.text);
	else if (strcmp(format, MANIFEST_FORMAT) != 0)
		rc = zd_bad_input(err, "%s: format '%s' is not '%s'", path,
				  format, MANIFEST_FORMAT);
	struct zd_manifest *m = calloc(1, sizeof(*m));
	if (rc == 0 && m == NULL)
		rc = zd_fail(err, ENOMEM, "out of memory");
	if (rc == 0) {
		m->workloads =
		    calloc(json_array_size(list) + 1, sizeof(*m->workloads));
		if (m->workloads == NULL)
			rc = zd_fail(err, ENOMEM, "out of memory");
	}
	size_t i;
	json_t *e;
	if (rc == 0)
		json_array_foreach(list, i, e)
		{
			rc = parse_entry(path, i, e, &m->workloads[i], err);
			if (rc != 0)
				break;
			m->count = (int)i + 1;
		}
	json_decref(root);
	for (int k = 0; rc == 0 && k < m->count; k++) {
		struct zd_workload_info *w = &m->workloads[k];
		w->group_index = m->ngroups;
		for (int j = 0; j < k; j++)
			if (strcmp(m->workloads[j].group, w->group) == 0) {
				w->group_index = m->workloads[j].group_index;
				break;
			}
		if (w->group_index == m->ngroups)
			m->ngroups++;
	}
	if (rc != 0) {
		zd_manifest_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

void zd_manifest_free(struct zd_manifest *m)
{
	if (m == NULL)
		return;
	free(m->workloads);
	free(m);
}

const struct zd_workload_info *zd_manifest_find(const struct zd_manifest *m,
						const char *name)
{
	for (int i = 0; i < m->count; i++)
		if (strcmp(m->workloads[i].name, name) == 0)
			return &m->workloads[i];
	return NULL;
}

const char *zd_manifest_group_of(const struct zd_manifest *m,
				 const char *program)
{
	const struct zd_workload_info *w =
	    m ? zd_manifest_find(m, program) : NULL;
	return w ? w->group : program;
}

bool zd_profile_path(const char *dir, const char *board, const char *workload,
		     char *out, size_t len)
{
	snprintf(out, len, "%s/profiles/%s/%s.json", zd_workload_dir(dir),
		 board, workload);
	FILE *f = fopen(out, "r");
	if (f == NULL)
		return false;
	fclose(f);
	return true;
}

void zd_workload_source_path(const char *workload_dir, const char *source,
			     char *out, size_t len)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", workload_dir);
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
	char *slash = strrchr(dir, '/');
	if (slash == NULL)
		snprintf(out, len, "%s", source);
	else if (slash == dir)
		snprintf(out, len, "/%s", source);
	else {
		*slash = '\0';
		snprintf(out, len, "%s/%s", dir, source);
	}
}

void zd_workload_sources(const char *workload_dir,
			 const struct zd_workload_info *w,
			 struct zd_workload_sources *out)
{
	const char *dir = zd_workload_dir(workload_dir);
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < w->nsources && i < 4; i++) {
		zd_workload_source_path(dir, w->sources[i], out->paths[i],
					sizeof(out->paths[i]));
		out->files[i] = out->paths[i];
		out->nfiles = i + 1;
	}
	snprintf(out->flags[0], sizeof(out->flags[0]), "-I%s/common", dir);
	out->args[0] = out->flags[0];
	out->nargs = 1;
}

const struct zd_workload_info *
zd_manifest_find_source(const struct zd_manifest *m, const char *workload_dir,
			const char *path)
{
	char want[PATH_MAX], src[PATH_MAX], have[PATH_MAX];
	struct stat ws, hs;
	if (realpath(path, want) == NULL || stat(want, &ws) != 0)
		return NULL;
	const char *dir = zd_workload_dir(workload_dir);
	/* one stat per source, not realpath's readlink per path component
	 * (decide pays this at every call): only the file itself can have
	 * the same real path */
	for (int i = 0; i < m->count; i++)
		for (int k = 0; k < m->workloads[i].nsources; k++) {
			zd_workload_source_path(dir, m->workloads[i].sources[k],
						src, sizeof(src));
			if (stat(src, &hs) != 0 || hs.st_ino != ws.st_ino ||
			    hs.st_dev != ws.st_dev)
				continue;
			if (realpath(src, have) != NULL &&
			    strcmp(have, want) == 0)
				return &m->workloads[i];
		}
	return NULL;
}
