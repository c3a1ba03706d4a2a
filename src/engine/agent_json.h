/* agent_json.h - both agents as one JSON object and back (internal: it
 * speaks jansson); the format is described above zd_agents_save in
 * zdvfs/agent.h. */
#ifndef ZDVFS_ENGINE_AGENT_JSON_H
#define ZDVFS_ENGINE_AGENT_JSON_H

#include <jansson.h>

#include "zdvfs/agent.h"

json_t *zd_agents_to_json(const struct zd_profiler_agent *p,
			  const struct zd_thermal_agent *t);
int zd_agents_from_json(const json_t *j, const char *what,
			const struct zd_action_space *space,
			struct zd_profiler_agent **p,
			struct zd_thermal_agent **t, struct zd_err *err);

#endif
