/* internal.h - what the agents' file (agent_file.c) needs from each agent:
 * its JSON form. Not part of the public API. */
#ifndef ZDVFS_AGENT_INTERNAL_H
#define ZDVFS_AGENT_INTERNAL_H

#include <jansson.h>

#include "zdvfs/agent.h"

#include "base/jsonread.h"

json_t *zd_profiler_agent_to_json(const struct zd_profiler_agent *p);
int zd_profiler_agent_from_json(const json_t *j, const struct zd_jr *v,
				const char *where,
				const struct zd_action_space *space,
				struct zd_profiler_agent **out);
json_t *zd_thermal_agent_to_json(const struct zd_thermal_agent *t);
int zd_thermal_agent_from_json(const json_t *j, const struct zd_jr *v,
			       const char *where,
			       const struct zd_action_space *space,
			       struct zd_thermal_agent **out);

#endif
