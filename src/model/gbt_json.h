/* gbt_json.h - a tree ensemble as XGBoost's JSON and back (internal: it
 * speaks jansson). */
#ifndef ZDVFS_MODEL_GBT_JSON_H
#define ZDVFS_MODEL_GBT_JSON_H

#include <jansson.h>

#include "zdvfs/gbt.h"

/* XGBoost's JSON model (what XGBoosterSaveModelToBuffer writes with
 * {"format":"json"}); loading checks it thoroughly, a broken or foreign
 * value is a usage error naming the field. `what` names the source in
 * messages (a file and a path inside it). Specialised models serialise too:
 * their folded trees are part of base_score. Thresholds are floats: dump
 * with jansson's default precision (17 digits) or at least 9 to keep them.
 * to_json returns NULL when out of memory. */
json_t *zd_gbt_to_json(const struct zd_gbt *g);
int zd_gbt_from_json(const json_t *j, const char *what, struct zd_gbt **out,
		     struct zd_err *err);

#endif
