/* agent_file.c - both agents in one versioned JSON object or file. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine/agent_json.h"
#include "base/jsonread.h"
#include "internal.h"
#include "base/jsonfile.h"

#define AGENTS_FORMAT "zdvfs-agents"

json_t *zd_agents_to_json(const struct zd_profiler_agent *p,
			  const struct zd_thermal_agent *t)
{
	json_t *j = json_object();
	json_t *jp = zd_profiler_agent_to_json(p);
	json_t *jt = zd_thermal_agent_to_json(t);
	if (!j || !jp || !jt) {
		json_decref(j);
		json_decref(jp);
		json_decref(jt);
		return NULL;
	}
	json_object_set_new(j, "format", json_string(AGENTS_FORMAT));
	json_object_set_new(j, "version",
			    json_integer(ZD_AGENTS_FORMAT_VERSION));
	json_object_set_new(j, "profiler", jp);
	json_object_set_new(j, "thermal", jt);
	return j;
}

static int check_header(const json_t *j, const struct zd_jr *v)
{
	if (!json_is_object(j))
		return zd_bad_input(v->err, "%s: not a zdvfs agents object",
				    v->what);
	const char *format = json_string_value(json_object_get(j, "format"));
	if (format == NULL || strcmp(format, AGENTS_FORMAT) != 0)
		return zd_jr_bad(v, "format",
				 "not a zdvfs agents object (expected "
				 "\"%s\")",
				 AGENTS_FORMAT);
	json_t *version = json_object_get(j, "version");
	if (!json_is_integer(version) || json_integer_value(version) < 1)
		return zd_jr_bad(v, "version",
				 "missing or not a positive integer");
	if (json_integer_value(version) > ZD_AGENTS_FORMAT_VERSION)
		return zd_jr_bad(v, "version",
				 "%lld is newer than this zdvfs "
				 "reads (%d)",
				 (long long)json_integer_value(version),
				 ZD_AGENTS_FORMAT_VERSION);
	return 0;
}

int zd_agents_from_json(const json_t *j, const char *what,
			const struct zd_action_space *space,
			struct zd_profiler_agent **p,
			struct zd_thermal_agent **t, struct zd_err *err)
{
	struct zd_jr v = {.what = what, .err = err};
	struct zd_profiler_agent *prof = NULL;
	struct zd_thermal_agent *therm = NULL;
	int rc = check_header(j, &v);
	if (rc != 0)
		return rc;
	json_t *jp = json_object_get(j, "profiler");
	json_t *jt = json_object_get(j, "thermal");
	if (jp == NULL)
		return zd_jr_bad(&v, "profiler", "missing required field");
	if (jt == NULL)
		return zd_jr_bad(&v, "thermal", "missing required field");
	rc = zd_profiler_agent_from_json(jp, &v, "profiler", space, &prof);
	if (rc == 0)
		rc = zd_thermal_agent_from_json(jt, &v, "thermal", space,
						&therm);
	if (rc != 0) {
		zd_profiler_agent_free(prof);
		return rc;
	}
	*p = prof;
	*t = therm;
	return 0;
}

int zd_agents_save(const struct zd_profiler_agent *p,
		   const struct zd_thermal_agent *t, const char *path,
		   struct zd_err *err)
{
	json_t *j = zd_agents_to_json(p, t);
	if (j == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	int rc = zd_json_write_file(j, path, JSON_COMPACT, "the agents", err);
	json_decref(j);
	return rc;
}

int zd_agents_load(const char *path, const struct zd_action_space *space,
		   struct zd_profiler_agent **p, struct zd_thermal_agent **t,
		   struct zd_err *err)
{
	if (access(path, R_OK) != 0)
		return zd_bad_input(err, "%s: cannot read the agents: %s", path,
				    strerror(errno));
	json_t *j = NULL;
	struct zd_err jerr = {0};
	int rc = zd_jr_load(path, ZD_JR_LARGE_MAX, 0, &j, &jerr);
	if (rc != 0)
		return zd_err_set(err, -jerr.code, jerr.exit,
				  "%s (not a zdvfs agents file: truncated or "
				  "not JSON)",
				  jerr.msg);
	rc = zd_agents_from_json(j, path, space, p, t, err);
	json_decref(j);
	return rc;
}
