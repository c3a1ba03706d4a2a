/* features_json.h - a features result as JSON and back (internal: it
 * speaks jansson, which the public headers do not expose). */
#ifndef ZDVFS_FEATURES_JSON_H
#define ZDVFS_FEATURES_JSON_H

#include <jansson.h>

#include "zdvfs/features.h"

/* The result as JSON (the cache stores exactly this), and back. */
json_t *zd_features_json(const struct zd_features *f);
/* From JSON text, e.g. as the store keeps it; `what` names it in
 * messages. */
int zd_features_from_text(const char *text, const char *what,
			  struct zd_features **out, struct zd_err *err);
int zd_features_from_json(const json_t *j, struct zd_features **out,
			  struct zd_err *err);

#endif
